//! Upgrades end to end through the CLI: `synth` checks the blueprint's version against the
//! previous output it replaces (or `--deployed-version`), `diff` shows the ordered upgrade
//! steps. The example pair is examples/upgrade/{before,after}.yaml.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .env("SOURCE_DATE_EPOCH", "1796169600") // 2026-12-02: findings must not depend on the clock
        .env("NO_COLOR", "1")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/upgrade").join(name)
}

/// A copy of `before.yaml` at Kubernetes `version`.
fn at_version(dir: &Path, version: &str) -> PathBuf {
    let text = fs::read_to_string(example("before.yaml")).unwrap();
    let path = dir.join(format!("shop-{version}.yaml"));
    fs::write(&path, text.replace("kubernetesVersion: \"1.34\"", &format!("kubernetesVersion: \"{version}\"")))
        .unwrap();
    path
}

#[test]
fn synth_over_a_previous_output_refuses_a_skipped_minor_and_a_downgrade_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let first = run(&["synth", at_version(d, "1.33").to_str().unwrap(), "-o", "out"], d);
    assert_eq!(first.code, 0, "{}", first.stderr);
    let marker = fs::read(d.join("out/.eks-blueprint.json")).unwrap();

    let skip = run(&["synth", at_version(d, "1.35").to_str().unwrap(), "-o", "out"], d);
    assert_eq!(skip.code, 2, "{}", skip.stderr);
    assert!(
        skip.stderr.contains("kubernetesVersion: an upgrade from the deployed 1.33 to 1.35 skips 1.34"),
        "{}",
        skip.stderr
    );
    assert_eq!(fs::read(d.join("out/.eks-blueprint.json")).unwrap(), marker, "nothing written");

    // The user may say what is deployed: a downgrade is refused, naming both versions.
    let down = run(&["synth", at_version(d, "1.33").to_str().unwrap(), "-o", "out", "--deployed-version", "1.34"], d);
    assert_eq!(down.code, 2);
    assert!(down.stderr.contains("kubernetesVersion: 1.33 is older than the deployed 1.34"), "{}", down.stderr);

    let next = run(&["synth", at_version(d, "1.34").to_str().unwrap(), "-o", "out"], d);
    assert_eq!(next.code, 0, "one minor version up: {}", next.stderr);
    assert!(fs::read_to_string(d.join("out/shop-cluster.template.json")).unwrap().contains("\"Version\": \"1.34\""));
}

#[test]
fn diff_shows_the_upgrade_as_ordered_steps() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let before = run(&["synth", example("before.yaml").to_str().unwrap(), "-o", "out"], d);
    assert_eq!(before.code, 0, "{}", before.stderr);
    // 1.34 left standard support on 2026-12-02 (data/kubernetes-versions.csv).
    assert!(
        before.stderr.contains(
            "warning[EKSB-VERSION-002]: kubernetesVersion: Kubernetes 1.34 left standard support on 2026-12-02"
        ),
        "{}",
        before.stderr
    );
    let diff = run(&["diff", "out", example("after.yaml").to_str().unwrap()], d);
    assert_eq!(diff.code, 0, "{}", diff.stderr);
    let plan = diff.stdout.split_once("Upgrade of shop from Kubernetes 1.34 to 1.35, in order:\n").map(|(_, p)| p);
    let plan = plan.unwrap_or_else(|| panic!("no plan in:\n{}", diff.stdout));
    let titles: Vec<&str> = plan
        .lines()
        .filter_map(|l| l.trim_start().split_once(". ").filter(|(n, _)| n.parse::<u32>().is_ok()).map(|(_, t)| t))
        .collect();
    assert_eq!(
        titles,
        vec![
            "Read the upgrade insights and fix every one in ERROR",
            "Check manifests and charts for APIs 1.35 removes",
            "Check that every PodDisruptionBudget allows a disruption",
            "Check free addresses in the cluster's subnets",
            "Upgrade Karpenter to a release that supports 1.35 (Karpenter 1.9 or later for Kubernetes 1.35, Karpenter compatibility matrix)",
            "Deploy stack shop-cluster",
            "Deploy stack shop-compute",
            "Deploy stack shop-addons",
            "Karpenter drifts its nodes to 1.35",
            "Verify the cluster on 1.35",
        ]
    );
    // A two-minor jump between two output directories is refused too.
    let skip_dir = d.join("skip");
    fs::create_dir(&skip_dir).unwrap();
    let yaml = at_version(d, "1.36");
    assert_eq!(run(&["synth", yaml.to_str().unwrap(), "-o", "skip", "--deployed-version", "1.35"], d).code, 0);
    let refused = run(&["diff", "out", "skip"], d);
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("an upgrade from the deployed 1.34 to 1.36 skips 1.35"), "{}", refused.stderr);
}
