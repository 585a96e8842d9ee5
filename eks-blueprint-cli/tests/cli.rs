//! The CLI end to end: exit codes, messages, and what lands on disk.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"));
    // The day of synthesis, fixed (2026-12-02): findings must not depend on the clock.
    command.env("SOURCE_DATE_EPOCH", "1796169600");
    command
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let out = bin().args(args).current_dir(cwd).output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn synth_writes_every_stack_and_the_manifest() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let example = repo().join("examples/reference.yaml");
    let r = run(&["synth", example.to_str().expect("utf-8"), "-o", "out"], tmp.path());
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    let out = tmp.path().join("out");
    for f in [
        "manifest.json",
        "reference-network.template.json",
        "reference-cluster.template.json",
        "reference-compute.template.json",
        "reference-addons.template.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).expect("read")).expect("json");
    let names: Vec<&String> = manifest["artifacts"].as_object().expect("artifacts").keys().collect();
    assert_eq!(
        names,
        ["reference-network", "reference-cluster", "reference-compute", "reference-addons"],
        "deploy order"
    );
    assert_eq!(
        manifest["artifacts"]["reference-compute"]["dependencies"],
        serde_json::json!(["reference-cluster", "reference-network"])
    );
    // CoreDNS comes after the node groups: the add-ons stack after the compute stack.
    assert_eq!(
        manifest["artifacts"]["reference-addons"]["dependencies"],
        serde_json::json!(["reference-cluster", "reference-compute"])
    );
    assert!(r.stdout.contains("reference-compute (") && r.stdout.contains("after reference-cluster"), "{}", r.stdout);

    // A second run replaces the earlier output in place.
    let r = run(&["synth", example.to_str().expect("utf-8"), "-o", "out", "--format", "yaml"], tmp.path());
    assert_eq!(r.code, 0, "stderr: {}", r.stderr);
    assert!(out.join("reference-cluster.template.yaml").is_file());
    assert!(!out.join("reference-cluster.template.json").exists(), "stale files from the earlier run remain");
}

#[test]
fn synth_refuses_to_replace_a_directory_that_is_not_an_output() {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join("precious.txt"), "keep me").expect("write");
    let example = repo().join("examples/reference.yaml");
    let r = run(&["synth", example.to_str().expect("utf-8"), "-o", "."], tmp.path());
    assert_eq!(r.code, 2, "a refused directory is bad input; stderr: {}", r.stderr);
    assert!(r.stderr.starts_with("error: refusing to write to `.`: it is not empty (`precious.txt`)"), "{}", r.stderr);
    assert!(tmp.path().join("precious.txt").is_file());
}

#[test]
fn invalid_blueprints_exit_2_with_the_field_and_reason_and_write_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/invalid");
    let mut fixtures: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("fixtures").map(|e| e.expect("entry").path()).collect();
    fixtures.sort();
    assert!(fixtures.len() >= 6);
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for fixture in fixtures {
        let tmp = tempfile::tempdir().expect("tempdir");
        let name = fixture.file_stem().and_then(|s| s.to_str()).expect("name").to_owned();
        let local = tmp.path().join(fixture.file_name().expect("file name"));
        std::fs::copy(&fixture, &local).expect("copy");
        let r = run(&["synth", local.file_name().and_then(|n| n.to_str()).expect("utf-8"), "-o", "out"], tmp.path());
        assert_eq!(r.code, 2, "{name}: stderr: {}", r.stderr);
        assert!(!tmp.path().join("out").exists(), "{name}: an output directory was written");
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).expect("read").collect();
        assert_eq!(leftovers.len(), 1, "{name}: files were left behind");
        assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
        insta::assert_snapshot!(format!("cli_invalid__{name}"), r.stderr);
    }
}

#[test]
fn a_missing_file_is_an_error_not_a_panic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = run(&["synth", "nope.yaml"], tmp.path());
    assert_eq!(r.code, 1);
    assert!(r.stderr.starts_with("error: cannot read nope.yaml"), "{}", r.stderr);
}

#[test]
fn bad_arguments_exit_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = run(&["synth"], tmp.path());
    assert_eq!(r.code, 2);
    let r = run(&["synth", "x.yaml", "--format", "xml"], tmp.path());
    assert_eq!(r.code, 2);
}

#[test]
fn validate_checks_without_writing() {
    let example = repo().join("examples/reference.yaml");
    let tmp = tempfile::tempdir().expect("tempdir");
    let r = run(&["validate", example.to_str().expect("utf-8")], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.ends_with("valid\n"));
    assert_eq!(std::fs::read_dir(tmp.path()).expect("read").count(), 0);
}
