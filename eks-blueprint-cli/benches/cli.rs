//! The CLI end to end on the reference example: process start, reading the file,
//! synthesis and writing the output directory.
//!
//! `cargo bench -p eks-blueprint-cli --bench cli`

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use std::path::Path;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/reference.yaml");
    let Ok(tmp) = tempfile::tempdir() else { return };
    let out = tmp.path().join("out");
    c.bench_function("eks-blueprint synth examples/reference.yaml", |b| {
        b.iter(|| {
            Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
                .arg("synth")
                .arg(&example)
                .arg("-o")
                .arg(&out)
                .output()
                .map(|o| o.status.success())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
