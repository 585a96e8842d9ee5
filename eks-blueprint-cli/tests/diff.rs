//! `eks-blueprint diff` end to end, on output directories the CLI itself writes from
//! examples/reference.yaml and modified copies: stdout, stderr and the exit code of each
//! case are snapshots (`snapshots/cli_diff__*.snap`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// What a snapshot holds: exit code, stdout and stderr.
    fn shown(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"));
    // The day of synthesis, fixed (2026-12-02): findings must not depend on the clock.
    command.env("SOURCE_DATE_EPOCH", "1796169600");
    command.args(args).current_dir(cwd).env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str], cwd: &Path) -> Run {
    run_env(args, cwd, &[])
}

fn reference() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/reference.yaml");
    std::fs::read_to_string(path).unwrap()
}

/// A temporary directory with `old.yaml` (the reference example) synthesized into `old/`,
/// and `new.yaml` (the reference with `from` replaced by `to`) synthesized into `new/`.
fn pair(from: &str, to: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let text = reference();
    assert!(text.contains(from), "{from:?} is not in the reference example");
    std::fs::write(tmp.path().join("old.yaml"), &text).unwrap();
    std::fs::write(tmp.path().join("new.yaml"), text.replace(from, to)).unwrap();
    for name in ["old", "new"] {
        let r = run(&["synth", &format!("{name}.yaml"), "-o", name], tmp.path());
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    tmp
}

fn snapshot(name: &str, shown: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("cli_diff__{name}"), shown));
}

/// `diff old new.yaml` (a blueprint) and `diff old new` (a directory) say the same, but for
/// the name of the new output; the first is the snapshot.
fn diff_both_ways(tmp: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["diff", "old", "new.yaml"];
    args.extend_from_slice(extra);
    let from_blueprint = run(&args, tmp);
    args[2] = "new";
    let from_dir = run(&args, tmp);
    assert_eq!(from_dir.code, from_blueprint.code);
    assert_eq!(from_dir.stdout.replace("New: new (", "New: new.yaml ("), from_blueprint.stdout);
    from_blueprint
}

#[test]
fn changing_instance_types_is_a_replacement_that_fails_the_gate() {
    let tmp = pair("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]");
    let r = diff_both_ways(tmp.path(), &[]);
    assert_eq!(r.code, 0, "without --fail-on-replace a diff is not a failure");
    snapshot("instance-types", &r.shown());
    let gated = run(&["diff", "old", "new.yaml", "--fail-on-replace"], tmp.path());
    assert_eq!(gated.code, 3);
    assert_eq!(gated.stdout, r.stdout);
}

#[test]
fn changing_the_desired_size_is_in_place_and_passes_the_gate() {
    let tmp = pair("desiredSize: 3", "desiredSize: 4");
    let r = diff_both_ways(tmp.path(), &["--fail-on-replace"]);
    assert_eq!(r.code, 0);
    snapshot("desired-size", &r.shown());
}

#[test]
fn changing_a_subnet_cidr_shows_the_replacements_and_the_export_that_blocks_the_deploy() {
    let tmp = pair(
        "  natGateways: perAz\n",
        "  natGateways: perAz\n  subnets:\n    private: {cidrs: [10.0.128.0/19, 10.0.32.0/19, 10.0.64.0/19]}\n    public: {cidrs: [10.0.96.0/24, 10.0.97.0/24, 10.0.98.0/24]}\n",
    );
    let r = diff_both_ways(tmp.path(), &["--fail-on-replace"]);
    assert_eq!(r.code, 3);
    snapshot("subnet-cidr", &r.shown());
}

#[test]
fn renaming_the_cluster_says_so_first() {
    let tmp = pair("name: reference", "name: prod");
    let r = diff_both_ways(tmp.path(), &[]);
    assert_eq!(r.code, 0);
    snapshot("cluster-rename", &r.shown());
}

#[test]
fn quiet_prints_the_summary_line_and_json_the_whole_report() {
    let tmp = pair("desiredSize: 3", "desiredSize: 4");
    let r = run(&["diff", "old", "new", "--quiet"], tmp.path());
    assert_eq!(r.code, 0);
    snapshot("quiet", &r.shown());
    let r = run(&["diff", "old", "new", "--format", "json"], tmp.path());
    assert_eq!(r.code, 0);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(report["format"], 1);
    assert_eq!(report["summary"]["updated"], 1);
    snapshot("json", &r.shown());
    let r = run(&["diff", "old", "new", "--format", "json", "--quiet"], tmp.path());
    assert_eq!(r.code, 2, "--quiet is for the text form");
    let r = run(&["diff", "old", "old"], tmp.path());
    assert_eq!((r.code, r.stdout.lines().last()), (0, Some("No differences (4 stacks).")));
}

#[test]
fn an_acknowledged_replacement_passes_the_gate() {
    let tmp = pair("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]");
    let args = ["diff", "old", "new", "--fail-on-replace", "-q", "--allow-replace"];
    let r = run(&[&args[..], &["reference-compute/NodegroupGeneral"]].concat(), tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run(&[&args[..], &["reference-network/NodegroupGeneral", "--allow-replace", "Nope"]].concat(), tmp.path());
    assert_eq!(r.code, 3, "acknowledged in another stack: not this one");
    snapshot("allow-replace-elsewhere", &r.shown());
}

#[test]
fn colour_only_on_request_or_on_a_terminal_without_no_color() {
    let tmp = pair("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]");
    // Not a terminal: no colour.
    let plain = run(&["diff", "old", "new"], tmp.path());
    assert!(!plain.stdout.contains('\x1b'));
    // Asked for: colour, whatever NO_COLOR says (a flag overrides it, no-color.org).
    let coloured = run_env(&["diff", "old", "new", "--color", "always"], tmp.path(), &[("NO_COLOR", "1")]);
    assert!(
        coloured.stdout.contains("\x1b[1;31m  !! replace NodegroupGeneral (AWS::EKS::Nodegroup)\x1b[0m\n"),
        "{}",
        coloured.stdout
    );
    assert_eq!(coloured.stdout.replace("\x1b[1;31m", "").replace("\x1b[0m", ""), plain.stdout);
    let never = run(&["diff", "old", "new", "--color", "never"], tmp.path());
    assert_eq!(never.stdout, plain.stdout);
}

#[test]
fn bad_inputs_exit_2_and_missing_ones_1() {
    let tmp = pair("desiredSize: 3", "desiredSize: 4");
    std::fs::create_dir(tmp.path().join("notes")).unwrap();
    std::fs::write(tmp.path().join("notes/todo.txt"), "x").unwrap();
    std::fs::write(tmp.path().join("bad.yaml"), "name: reference\nnetwork: {cidr: 10.0.0.0/33}\n").unwrap();
    let cases: [(&str, &[&str], i32); 5] = [
        ("not-an-output", &["diff", "notes", "new"], 2),
        ("old-is-a-file", &["diff", "old.yaml", "new"], 2),
        ("invalid-blueprint", &["diff", "old", "bad.yaml"], 2),
        ("missing", &["diff", "old", "nope"], 1),
        ("missing-argument", &["diff", "old"], 2),
    ];
    let mut shown = String::new();
    for (name, args, code) in cases {
        let r = run(args, tmp.path());
        assert_eq!(r.code, code, "{name}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}: {}", r.stdout);
        shown.push_str(&format!("## {name}: {}\n{}", args.join(" "), r.shown()));
    }
    snapshot("bad-inputs", &shown);
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let r = run(&["diff", "--help"], &PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(r.code, 0);
    snapshot("help", &r.stdout);
}
