//! The CLI end to end on the reference example: process start, reading the file,
//! synthesis and writing the output directory; and `diff` of two output directories.
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
    // `diff` of the reference output and one with other instance types (a replacement).
    let Ok(text) = std::fs::read_to_string(&example) else { return };
    let changed = tmp.path().join("changed.yaml");
    let new = tmp.path().join("new");
    if std::fs::write(&changed, text.replace("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]")).is_err() {
        return;
    }
    let synth = |input: &Path, output: &Path| {
        Command::new(env!("CARGO_BIN_EXE_eks-blueprint")).arg("synth").arg(input).arg("-o").arg(output).output()
    };
    if synth(&example, &out).is_err() || synth(&changed, &new).is_err() {
        return;
    }
    c.bench_function("eks-blueprint diff out/ new/ (two reference outputs)", |b| {
        b.iter(|| {
            Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
                .arg("diff")
                .arg(&out)
                .arg(&new)
                .output()
                .map(|o| o.status.success())
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
