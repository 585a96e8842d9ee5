//! Synthesis speed of the reference example, in process: parse + validate the blueprint
//! file, render the stacks, resolve cross-stack references and render JSON; and `diff` of
//! two reference outputs (the instance types changed), in memory and read from disk; and the
//! deploy plan that every synth writes as DEPLOY.md.
//!
//! `cargo bench -p eks-blueprint --bench synth`

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use eks_blueprint::synth::diff::{diff, Templates};
use eks_blueprint::synth::plan::Plan;
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
    if let Some(assembly) = blueprint.as_ref().and_then(|bp| bp.synth(Format::Json).ok()) {
        // Part of every synth (DEPLOY.md): its share of "synth reference (json)".
        c.bench_function("plan of the reference output (DEPLOY.md, in memory)", |b| {
            b.iter(|| Plan::from_assembly(std::hint::black_box(&assembly), "").map(|p| p.to_markdown().len()))
        });
    }
    bench_diff(c, &text);
}

fn bench_diff(c: &mut Criterion, text: &str) {
    let changed = text.replace("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]");
    let (Ok(old), Ok(new)) = (Blueprint::from_yaml(text), Blueprint::from_yaml(&changed)) else { return };
    let (Ok(old), Ok(new)) = (old.synth(Format::Json), new.synth(Format::Json)) else { return };
    let (old_t, new_t) = (Templates::from_assembly("old", &old), Templates::from_assembly("new", &new));
    c.bench_function("diff two reference outputs (in memory)", |b| {
        b.iter(|| diff(std::hint::black_box(&old_t), std::hint::black_box(&new_t)).summary.replacements)
    });
    let Ok(tmp) = tempfile::tempdir() else { return };
    let (old_dir, new_dir) = (tmp.path().join("old"), tmp.path().join("new"));
    if old.write_to(&old_dir).is_err() || new.write_to(&new_dir).is_err() {
        return;
    }
    c.bench_function("diff two reference output directories (read from disk + diff + text)", |b| {
        b.iter(|| {
            let (Ok(o), Ok(n)) = (Templates::read_dir(&old_dir), Templates::read_dir(&new_dir)) else { return 0 };
            diff(&o, &n).to_text(&eks_blueprint::synth::diff::TextOptions::new()).len()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
