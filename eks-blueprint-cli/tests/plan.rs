//! `eks-blueprint plan` end to end: on a blueprint file and on the output directory the CLI
//! writes from it (the same plan), the JSON form, and bad input (exit 2, nothing written).
//! Stdout, stderr and the exit code of the shown cases are snapshots
//! (`snapshots/cli_plan__*.snap`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn shown(&self) -> String {
        format!("exit: {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint")).args(args).current_dir(cwd).output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn snapshot(name: &str, shown: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("cli_plan__{name}"), shown));
}

/// A temporary directory holding `custom-networking.yaml`, an example with a manual step
/// between two stacks.
fn with_example() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/custom-networking.yaml");
    std::fs::copy(source, tmp.path().join("custom-networking.yaml")).unwrap();
    tmp
}

#[test]
fn plan_of_a_blueprint_and_of_its_output_directory_agree() {
    let tmp = with_example();
    let from_blueprint = run(&["plan", "custom-networking.yaml"], tmp.path());
    assert_eq!(from_blueprint.code, 0, "{}", from_blueprint.stderr);
    assert!(!tmp.path().join("out").exists(), "plan writes nothing");
    snapshot("blueprint", &from_blueprint.shown());

    let synth = run(&["synth", "custom-networking.yaml", "-o", "out"], tmp.path());
    assert_eq!(synth.code, 0, "{}", synth.stderr);
    let from_dir = run(&["plan", "out"], tmp.path());
    assert_eq!(from_dir.code, 0, "{}", from_dir.stderr);
    assert_eq!(from_dir.stdout, from_blueprint.stdout, "the same plan, read back from the files");
    let trailing_slash = run(&["plan", "out/"], tmp.path());
    assert_eq!(trailing_slash.stdout, from_blueprint.stdout);

    // -o names the directory the commands use.
    let elsewhere = run(&["plan", "custom-networking.yaml", "-o", "build/eks"], tmp.path());
    assert!(elsewhere.stdout.contains("sh build/eks/manifests/eniconfigs.sh"), "{}", elsewhere.stdout);
}

#[test]
fn plan_json_is_for_scripts() {
    let tmp = with_example();
    let r = run(&["plan", "custom-networking.yaml", "--format", "json"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let plan: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let kinds: Vec<String> = plan["deploy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{}", s["kind"].as_str().unwrap(), s["stack"].as_str().or(s["id"].as_str()).unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            "manual:environment",
            "deploy:pods-network",
            "deploy:pods-cluster",
            "manual:kubeconfig",
            "manual:eniconfigs",
            "deploy:pods-compute",
            "deploy:pods-addons"
        ]
    );
    assert_eq!(plan["deploy"][1]["capabilities"], serde_json::json!(["CAPABILITY_IAM"]));
    assert_eq!(plan["deploy"][4]["commands"][0], "sh out/manifests/eniconfigs.sh");
    assert_eq!(plan["dir"], "out");
}

#[test]
fn bad_input_exits_2() {
    let tmp = with_example();
    std::fs::write(tmp.path().join("bad.yaml"), "name: demo\nnetwork: {cidr: 10.0.0.0/33}\n").unwrap();
    std::fs::create_dir(tmp.path().join("empty")).unwrap();
    let mut shown = String::new();
    for args in [
        vec!["plan", "bad.yaml"],
        vec!["plan", "missing.yaml"],
        vec!["plan", "empty"],
        vec!["plan", "custom-networking.yaml", "--format", "xml"],
    ] {
        let r = run(&args, tmp.path());
        let expected = if args[1] == "missing.yaml" { 1 } else { 2 };
        assert_eq!(r.code, expected, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        shown.push_str(&format!("$ eks-blueprint {}\n{}\n", args.join(" "), r.shown()));
    }
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 3, "nothing written");
    snapshot("bad-inputs", &shown);
}
