//! Synthesis speed of the reference example, in process: parse + validate the blueprint
//! file, render the stacks, resolve cross-stack references and render JSON.
//!
//! `cargo bench -p eks-blueprint --bench synth`

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use eks_blueprint::{Blueprint, Format};

fn reference_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/reference.yaml");
    std::fs::read_to_string(path).unwrap_or_default()
}

fn bench(c: &mut Criterion) {
    let text = reference_text();
    c.bench_function("parse+validate reference.yaml", |b| {
        b.iter(|| Blueprint::from_yaml(std::hint::black_box(&text)).map(|bp| bp.name().len()).unwrap_or_default())
    });
    let blueprint = Blueprint::from_yaml(&text).ok();
    c.bench_function("synth reference (json)", |b| {
        b.iter(|| blueprint.as_ref().and_then(|bp| bp.synth(Format::Json).ok()).map(|a| a.files().len()))
    });
    c.bench_function("parse+synth reference (json, end to end in process)", |b| {
        b.iter(|| {
            Blueprint::from_yaml(std::hint::black_box(&text))
                .and_then(|bp| bp.synth(Format::Json))
                .map(|a| a.files().len())
                .unwrap_or_default()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
