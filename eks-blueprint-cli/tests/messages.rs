//! How the CLI reports, end to end in real temporary directories: environments (`--env`),
//! errors located in the file with the line and a caret (YAML and JSON, semantic errors
//! too), `--message-format json`, `--quiet`, colour and `NO_COLOR`, and `--help` examples.
//! Each case is a snapshot of the exit status, stdout and stderr (`cli_messages__<case>`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

const BLUEPRINT: &str = "name: shop
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
network:
  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c]
environments:
  dev:
    account: \"111111111111\"
    region: eu-west-1
    overrides:
      network: {natGateways: single}
  prod:
    account: \"222222222222\"
    region: eu-west-1
    overrides:
      compute:
        managedNodeGroups: [{name: general, instanceTypes: [m7i.xlarge, m6i.xlarge], minSize: 3, maxSize: 9}]
";

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

fn run_env(args: &[&str], dir: &Path, env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"));
    command.args(args).current_dir(dir).env_remove("NO_COLOR");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str], dir: &Path) -> Run {
    run_env(args, dir, &[])
}

/// A temporary directory holding `files`.
fn dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(tmp.path().join(name), text).unwrap();
    }
    tmp
}

fn snapshot(name: &str, shown: &str) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!(format!("cli_messages__{name}"), shown));
}

#[test]
fn env_selects_an_environment_its_stacks_and_its_account_and_region() {
    let tmp = dir(&[("shop.yaml", BLUEPRINT)]);
    let r = run(&["synth", "shop.yaml", "--env", "dev", "-o", "out"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    snapshot("env-selection", &r.shown());
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("out/manifest.json")).unwrap()).unwrap();
    let artifacts = manifest["artifacts"].as_object().unwrap();
    assert_eq!(artifacts.keys().collect::<Vec<_>>(), ["shop-dev-network", "shop-dev-cluster"]);
    assert!(artifacts.values().all(|a| a["environment"] == "aws://111111111111/eu-west-1"));
    // Without --env: the blueprint as written, and a note naming the environments.
    let r = run(&["synth", "shop.yaml", "-o", "base"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stderr,
        "note: the blueprint declares environments (dev, prod); this is the blueprint as written: --env NAME selects one\n"
    );
    assert!(r.stdout.starts_with("Synthesized shop to base\n  shop-network ("), "{}", r.stdout);
    assert!(std::fs::read_to_string(tmp.path().join("base/manifest.json")).unwrap().contains("unknown-account"));
}

#[test]
fn an_unknown_environment_or_none_declared_exits_2_and_writes_nothing() {
    let tmp = dir(&[("shop.yaml", BLUEPRINT), ("plain.yaml", &BLUEPRINT[..BLUEPRINT.find("environments:").unwrap()])]);
    let unknown = run(&["synth", "shop.yaml", "--env", "stage", "-o", "out"], tmp.path());
    let none = run(&["synth", "plain.yaml", "--env", "prod", "-o", "out"], tmp.path());
    assert_eq!((unknown.code, none.code), (2, 2));
    assert!(!tmp.path().join("out").exists());
    snapshot("unknown-env", &format!("{}{}", unknown.shown(), none.shown()));
}

#[test]
fn an_override_of_an_unknown_key_is_named_with_its_path_and_position() {
    let text = BLUEPRINT.replace("network: {natGateways: single}", "network: {natGateway: single}");
    let tmp = dir(&[("shop.yaml", &text)]);
    let r = run(&["synth", "shop.yaml", "--env", "dev"], tmp.path());
    assert_eq!(r.code, 2);
    snapshot("override-unknown-key", &r.shown());
    // validate without --env checks every environment: the base is fine, dev is not.
    let r = run(&["validate", "shop.yaml"], tmp.path());
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.starts_with("error[unknown-field]: environments.dev.overrides.network.natGateway:"),
        "{}",
        r.stderr
    );
    let fixed = run(&["validate", "shop.yaml", "--env", "prod"], tmp.path());
    assert_eq!((fixed.code, fixed.stdout.as_str()), (0, "shop.yaml: valid (environment prod)\n"), "{}", fixed.stderr);
}

#[test]
fn semantic_errors_show_the_line_and_a_caret_in_yaml_and_json() {
    let yaml = BLUEPRINT.replace("network:\n", "network:\n  cidr: 10.0.0.0/33\n");
    let json = r#"{
  "name": "shop",
  "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}},
  "compute": {
    "managedNodeGroups": [
      {"name": "general", "minSize": 4, "maxSize": 2}
    ]
  }
}
"#;
    let tmp = dir(&[("shop.yaml", &yaml), ("shop.json", json)]);
    let yaml_run = run(&["validate", "shop.yaml"], tmp.path());
    let json_run = run(&["validate", "shop.json"], tmp.path());
    assert_eq!((yaml_run.code, json_run.code), (2, 2));
    snapshot("caret-yaml", &yaml_run.shown());
    snapshot("caret-json", &json_run.shown());
    assert!(json_run.stderr.contains(" --> shop.json:6:27\n"), "{}", json_run.stderr);
}

#[test]
fn message_format_json_prints_one_object_per_error_or_finding() {
    let spot = "name: shop\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\ncompute:\n  managedNodeGroups:\n    - {name: spot, capacityType: SPOT, instanceTypes: [m7i.large]}\n";
    let bad = "name: shop\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\nnetwork: {cidr: 10.0.0.0/8, availabilityZones: 9}\n";
    let tmp = dir(&[("spot.yaml", spot), ("bad.yaml", bad)]);
    let warned = run(&["synth", "spot.yaml", "--message-format", "json"], tmp.path());
    let refused = run(&["validate", "bad.yaml", "--message-format", "json"], tmp.path());
    assert_eq!((warned.code, refused.code), (0, 2));
    snapshot("json", &format!("{}{}", warned.shown(), refused.shown()));
    for line in warned.stdout.lines().chain(refused.stdout.lines()) {
        let object: serde_json::Value = serde_json::from_str(line).unwrap();
        let keys: Vec<&String> = object.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["severity", "code", "path", "message", "file", "line", "column"]);
    }
    // stdout is JSON only: the result lines went to stderr.
    assert!(warned.stderr.starts_with("Synthesized shop to out\n"), "{}", warned.stderr);
}

#[test]
fn quiet_prints_only_errors() {
    let spot = "name: shop\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\ncompute:\n  managedNodeGroups:\n    - {name: spot, capacityType: SPOT, instanceTypes: [m7i.large]}\n";
    let tmp = dir(&[("spot.yaml", spot), ("shop.yaml", BLUEPRINT)]);
    let r = run(&["synth", "spot.yaml", "--quiet"], tmp.path());
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    assert!(tmp.path().join("out/manifest.json").is_file());
    let r = run(&["validate", "shop.yaml", "-q", "--env", "nope"], tmp.path());
    assert_eq!(r.code, 2);
    assert!(r.stderr.starts_with("error[unknown-environment]: environments: no environment `nope`"), "{}", r.stderr);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal_and_never_with_no_color() {
    let tmp = dir(&[("bad.yaml", "name: 9shop\n")]);
    let always = run(&["validate", "bad.yaml", "--color", "always"], tmp.path());
    snapshot("color-always", &always.shown());
    assert!(always.stderr.contains("\x1b[1;31merror[invalid-name]\x1b[0m"), "{}", always.stderr);
    // NO_COLOR: no escape codes (auto); an explicit --color always still wins (no-color.org).
    let no_color = run_env(&["validate", "bad.yaml"], tmp.path(), &[("NO_COLOR", "1")]);
    let never = run(&["validate", "bad.yaml", "--color", "never"], tmp.path());
    assert!(!no_color.stderr.contains('\x1b'));
    assert_eq!(no_color.stderr, never.stderr);
    let forced = run_env(&["validate", "bad.yaml", "--color", "always"], tmp.path(), &[("NO_COLOR", "1")]);
    assert_eq!(forced.stderr, always.stderr);
}

#[test]
fn help_shows_examples_for_synth_and_validate() {
    let tmp = dir(&[]);
    let synth = run(&["synth", "--help"], tmp.path());
    let validate = run(&["validate", "--help"], tmp.path());
    assert_eq!((synth.code, validate.code), (0, 0));
    snapshot("help", &format!("{}{}", synth.shown(), validate.shown()));
    assert!(
        synth.stdout.contains("Examples:\n")
            && synth.stdout.contains("  eks-blueprint synth blueprint.yaml --env prod -o out-prod\n")
    );
}
