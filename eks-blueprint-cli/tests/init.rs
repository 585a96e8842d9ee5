//! `eks-blueprint init` and `eks-blueprint schema` end to end, in real temporary
//! directories: stdout, stderr and the exit code of each case are snapshots
//! (`snapshots/cli_init__*.snap`, `snapshots/cli_schema__*.snap`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// What a snapshot holds: the command, exit code, stdout and stderr.
    fn shown(&self, args: &[&str]) -> String {
        format!(
            "## eks-blueprint {}\nexit: {}\n--- stdout\n{}--- stderr\n{}",
            args.join(" "),
            self.code,
            self.stdout,
            self.stderr
        )
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
    settings.bind(|| insta::assert_snapshot!(name, shown));
}

/// Each template written by `init` validates and synthesizes with the CLI, as the next steps
/// it prints say.
#[test]
fn init_writes_each_template_and_it_synthesizes() {
    let tmp = tempfile::tempdir().unwrap();
    let mut shown = String::new();
    for template in ["minimal", "production", "karpenter"] {
        let file = format!("{template}.yaml");
        let args = ["init", "--template", template, &file];
        let r = run(&args, tmp.path());
        assert_eq!(r.code, 0, "{}", r.stderr);
        shown.push_str(&r.shown(&args));
        let text = std::fs::read_to_string(tmp.path().join(&file)).unwrap();
        assert!(text.starts_with("# yaml-language-server: $schema=https://"), "{template}");
        let v = run(&["validate", &file], tmp.path());
        assert_eq!((v.code, v.stderr.as_str()), (0, ""), "{template}");
        let s = run(&["synth", &file, "-o", &format!("out-{template}")], tmp.path());
        assert_eq!(s.code, 0, "{template}: {}", s.stderr);
        assert!(s.stdout.starts_with("Synthesized my-platform to "), "{}", s.stdout);
    }
    snapshot("cli_init__templates", &shown);
}

#[test]
fn init_defaults_to_minimal_blueprint_yaml_and_writes_into_a_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let mut shown = String::new();
    let r = run(&["init"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    shown.push_str(&r.shown(&["init"]));
    let minimal = std::fs::read_to_string(tmp.path().join("blueprint.yaml")).unwrap();
    assert!(minimal.contains("\nname: my-platform\n"));

    std::fs::create_dir(tmp.path().join("infra")).unwrap();
    let args = ["init", "--template", "karpenter", "--name", "payments", "infra"];
    let r = run(&args, tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    shown.push_str(&r.shown(&args));
    let written = std::fs::read_to_string(tmp.path().join("infra/blueprint.yaml")).unwrap();
    assert!(written.contains("\nname: payments\n") && written.contains("karpenter:"));
    let s = run(&["synth", "infra/blueprint.yaml", "-o", "out"], tmp.path());
    assert!(s.stdout.contains("payments-compute"), "{}", s.stdout);
    snapshot("cli_init__default-and-directory", &shown);
}

/// Every refusal is exit 2 with the reason, and leaves the directory as it was.
#[test]
fn init_refuses_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("blueprint.yaml"), "name: mine\n").unwrap();
    std::fs::create_dir(tmp.path().join("infra")).unwrap();
    std::fs::write(tmp.path().join("infra/blueprint.yaml"), "name: theirs\n").unwrap();
    let listing = || {
        let mut names: Vec<String> = walk(tmp.path());
        names.sort();
        names
    };
    let before = listing();
    let mut shown = String::new();
    for args in [
        &["init"][..],
        &["init", "--template", "production", "infra"],
        &["init", "missing/dir/blueprint.yaml"],
        &["init", "--template", "saas", "new.yaml"],
        &["init", "--name", "9lives", "new.yaml"],
        &["init", "--name", "", "new.yaml"],
    ] {
        let r = run(args, tmp.path());
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        shown.push_str(&r.shown(args));
    }
    assert_eq!(listing(), before, "nothing was written or created");
    assert_eq!(std::fs::read_to_string(tmp.path().join("blueprint.yaml")).unwrap(), "name: mine\n");
    snapshot("cli_init__refusals", &shown);
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        out.push(path.display().to_string());
        if path.is_dir() {
            out.extend(walk(&path));
        }
    }
    out
}

#[test]
fn init_help_lists_the_templates() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["init", "--help"], tmp.path());
    assert_eq!(r.code, 0);
    snapshot("cli_init__help", &r.shown(&["init", "--help"]));
}

/// `schema` prints the committed file, byte for byte; its help says how to use it.
#[test]
fn schema_prints_the_committed_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let r = run(&["schema"], tmp.path());
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    let committed =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/blueprint.schema.json")).unwrap();
    assert!(r.stdout == committed, "`eks-blueprint schema` differs from schema/blueprint.schema.json");
    let schema: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    let mut shown = String::new();
    for args in [&["schema", "--help"][..], &["schema", "--draft", "2020-12"]] {
        shown.push_str(&run(args, tmp.path()).shown(args));
    }
    snapshot("cli_schema__help-and-bad-argument", &shown);
}
