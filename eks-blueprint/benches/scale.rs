//! Synthesis cost as a blueprint grows: 1, 10, 100 and 1,000 workload identities (a role,
//! a Pod Identity association and an output each; 1,000 split the cluster stack into six),
//! and 1 to 30 managed node groups (the default EKS quota). Each case runs in process:
//! `Blueprint::synth` (render, split, resolve references, JSON) of a compiled blueprint, and
//! parse + compile + synth from the YAML text. Peak heap memory of one end-to-end synthesis
//! is printed before the timings: the growth of the process's peak resident set (Linux
//! `VmHWM`, reset through `/proc/self/clear_refs` before each case; the workspace forbids the
//! `unsafe` a counting allocator would need).
//!
//! `cargo bench -p eks-blueprint --bench scale`; results in docs/scale.md.

// criterion_group! generates undocumented items.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use eks_blueprint::{Blueprint, Format};

const HEAD: &str = "name: scale\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

fn identities(n: usize) -> String {
    let mut yaml = format!("{HEAD}compute:\n  managedNodeGroups:\n    - name: general\nidentities:\n");
    for i in 0..n {
        yaml.push_str(&format!(
            "  - name: app-{i:04}\n    namespace: team-{}\n    serviceAccount: app-{i:04}\n    statements:\n      - actions: [sqs:SendMessage]\n        resources: [\"arn:aws:sqs:*:123456789012:app-{i:04}\"]\n",
            i % 10
        ));
    }
    yaml
}

fn node_groups(n: usize) -> String {
    let mut yaml = format!("{HEAD}compute:\n  managedNodeGroups:\n");
    for i in 0..n {
        yaml.push_str(&format!(
            "    - name: group-{i:02}\n      instanceTypes: [m7i.large]\n      minSize: 1\n      maxSize: 3\n"
        ));
    }
    yaml
}

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmHWM`); 0 where there is none.
fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// How far the peak resident set rose above the resident set during `f`, in KiB, and
/// what `f` returned.
fn peak_of(f: impl FnOnce() -> usize) -> (u64, usize) {
    // "5" resets the peak resident set size to the current one (proc(5), clear_refs).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_kib("VmRSS:");
    let stacks = f();
    (status_kib("VmHWM:").saturating_sub(before), stacks)
}

fn end_to_end(text: &str) -> usize {
    Blueprint::from_yaml(text).and_then(|bp| bp.synth(Format::Json)).map(|a| a.stacks().len()).unwrap_or_default()
}

fn bench_case(c: &mut Criterion, group: &str, sizes: &[usize], make: fn(usize) -> String) {
    let mut g = c.benchmark_group(group);
    g.sample_size(20);
    for &n in sizes {
        let text = make(n);
        let (peak, stacks) = peak_of(|| end_to_end(&text));
        println!(
            "{group}/{n}: {stacks} stacks; peak resident set +{:.1} MiB (parse + compile + synth)",
            peak as f64 / 1024.0
        );
        let Ok(blueprint) = Blueprint::from_yaml(&text) else { continue };
        g.bench_with_input(BenchmarkId::new("synth", n), &blueprint, |b, bp| {
            b.iter(|| bp.synth(Format::Json).map(|a| a.files().len()).unwrap_or_default())
        });
        g.bench_with_input(BenchmarkId::new("parse+synth", n), &text, |b, text| b.iter(|| end_to_end(text)));
    }
    g.finish();
}

fn bench(c: &mut Criterion) {
    bench_case(c, "identities", &[1, 10, 100, 1000], identities);
    bench_case(c, "node groups", &[1, 10, 20, 30], node_groups);
}

criterion_group!(benches, bench);
criterion_main!(benches);
