//! The output directory, end to end on real temporary directories: what `synth -o` may
//! replace, what it refuses (exit 2, nothing changed), and that a failure in the middle
//! (exit 1) leaves everything as it was. Rules: docs/cli.md.

#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn finish(mut command: Command, cwd: &Path) -> Run {
    let out = command.current_dir(cwd).output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn run(args: &[&str], cwd: &Path) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"));
    // The day of synthesis, fixed (2026-12-02): findings must not depend on the clock.
    command.env("SOURCE_DATE_EPOCH", "1796169600");
    command.args(args);
    finish(command, cwd)
}

/// Runs with files limited to `kib` KiB (RLIMIT_FSIZE, SIGXFSZ ignored): writing a larger
/// file fails with EFBIG, even as root.
fn run_limited(kib: u32, args: &[&str], cwd: &Path) -> Run {
    let mut command = Command::new("bash");
    command
        .arg("-c")
        .arg(format!("trap '' XFSZ; ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_eks-blueprint"))
        .env("SOURCE_DATE_EPOCH", "1796169600")
        .args(args);
    finish(command, cwd)
}

/// A copy of an example blueprint in `dir`.
fn blueprint(dir: &Path, example: &str) -> PathBuf {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples").join(example);
    let copy = dir.join(example);
    fs::copy(source, &copy).unwrap();
    copy
}

/// Everything under `root`: path -> (mode, content or link target).
fn tree(root: &Path) -> BTreeMap<String, (u32, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (u32, Vec<u8>)>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let key = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap();
                out.insert(key, (mode, target.to_string_lossy().into_owned().into_bytes()));
            } else if meta.is_dir() {
                out.insert(format!("{key}/"), (mode, Vec::new()));
                walk(root, &path, out);
            } else {
                out.insert(key, (mode, fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

fn synth(tmp: &Path, blueprint: &Path, out: &str) {
    let r = run(&["synth", blueprint.to_str().unwrap(), "-o", out], tmp);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// Exit 2, an error on stderr only, and nothing under `root` changed.
fn assert_refused(r: &Run, root: &Path, before: &BTreeMap<String, (u32, Vec<u8>)>, message: &str) {
    assert_eq!(r.code, 2, "stderr: {}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.starts_with("error: refusing to write to "), "{}", r.stderr);
    assert!(r.stderr.contains(message), "expected {message:?} in: {}", r.stderr);
    assert!(&tree(root) == before, "something changed under {}", root.display());
}

#[test]
fn an_unrelated_directory_with_a_manifest_json_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    let project = tmp.path().join("my-project");
    fs::create_dir_all(project.join("src")).unwrap();
    fs::write(project.join("manifest.json"), "{\"manifest_version\": 3, \"name\": \"my extension\"}").unwrap();
    fs::write(project.join("README.md"), "# my browser extension\n").unwrap();
    fs::write(project.join("src/background.js"), "chrome.runtime.onInstalled.addListener(() => {});\n").unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "my-project"], tmp.path());
    assert_refused(
        &r,
        tmp.path(),
        &before,
        "error: refusing to write to `my-project`: it is not empty (`README.md`, `manifest.json`, `src`) and eks-blueprint did not write it (it has no `.eks-blueprint.json`); choose another output directory (a new or empty one), or remove this one yourself\n",
    );
}

#[test]
fn an_output_of_an_earlier_version_without_a_marker_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    synth(tmp.path(), &bp, "out");
    fs::remove_file(tmp.path().join("out/.eks-blueprint.json")).unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "it holds a cloud assembly (`manifest.json`) but no `.eks-blueprint.json`");
}

#[test]
fn the_input_file_inside_the_earlier_output_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    synth(tmp.path(), &bp, "out");
    fs::rename(&bp, tmp.path().join("out/reference.yaml")).unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", "out/reference.yaml", "-o", "out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "reference.yaml`, which replacing the directory would delete");
}

#[test]
fn an_earlier_output_is_replaced_with_nothing_left_over() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "karpenter.yaml");
    synth(tmp.path(), &bp, "out");
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out", "--format", "yaml"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = tmp.path().join("out");
    assert_eq!(
        names(&out),
        [
            ".eks-blueprint.json",
            "DEPLOY.md",
            "karpenter-demo-addons.template.yaml",
            "karpenter-demo-cluster.template.yaml",
            "karpenter-demo-compute.template.yaml",
            "karpenter-demo-karpenter.template.yaml",
            "karpenter-demo-network.template.yaml",
            "manifest.json",
            "manifests"
        ]
    );
    assert_eq!(names(tmp.path()), ["karpenter.yaml", "out"]);
    let marker: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join(".eks-blueprint.json")).unwrap()).unwrap();
    let listed: Vec<&String> = marker["files"].as_object().unwrap().keys().collect();
    assert_eq!(
        listed,
        [
            "karpenter-demo-network.template.yaml",
            "karpenter-demo-cluster.template.yaml",
            "karpenter-demo-compute.template.yaml",
            "karpenter-demo-addons.template.yaml",
            "karpenter-demo-karpenter.template.yaml",
            "manifest.json",
            "manifests/karpenter-values.yaml",
            "manifests/karpenter-nodeclass.yaml",
            "manifests/karpenter-nodepools.yaml",
            "manifests/karpenter.sh",
            "DEPLOY.md",
        ]
    );
}

#[test]
fn an_edited_earlier_output_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    synth(tmp.path(), &bp, "out");
    let args = ["synth", bp.to_str().unwrap(), "-o", "out"];

    fs::write(tmp.path().join("out/NOTES.md"), "my deployment notes\n").unwrap();
    let before = tree(tmp.path());
    let r = run(&args, tmp.path());
    assert_refused(&r, tmp.path(), &before, "`NOTES.md` was not written by eks-blueprint");
    fs::remove_file(tmp.path().join("out/NOTES.md")).unwrap();

    let template = tmp.path().join("out/reference-cluster.template.json");
    let mut edited = fs::read_to_string(&template).unwrap();
    edited = edited.replacen("\"Retain\"", "\"Delete\"", 1);
    fs::write(&template, edited).unwrap();
    let before = tree(tmp.path());
    let r = run(&args, tmp.path());
    assert_refused(&r, tmp.path(), &before, "`reference-cluster.template.json` changed after eks-blueprint wrote it");
}

#[test]
fn a_read_only_file_inside_the_earlier_output_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    synth(tmp.path(), &bp, "out");
    let template = tmp.path().join("out/reference-network.template.json");
    fs::set_permissions(&template, fs::Permissions::from_mode(0o444)).unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "`reference-network.template.json` is read-only");
}

#[test]
fn a_failure_in_the_middle_of_a_replace_restores_the_earlier_output_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "karpenter.yaml");
    synth(tmp.path(), &bp, "out");
    let before = tree(tmp.path());
    // 25 KiB: the network, cluster, compute and add-ons templates fit, the karpenter
    // template does not.
    let r = run_limited(25, &["synth", bp.to_str().unwrap(), "-o", "out"], tmp.path());
    assert_eq!(r.code, 1, "an environment failure; stderr: {}", r.stderr);
    assert!(r.stderr.contains("karpenter-demo-karpenter.template.json`: File too large"), "{}", r.stderr);
    assert!(r.stderr.ends_with("every change was undone, so the directory is as it was\n"), "{}", r.stderr);
    assert!(tree(tmp.path()) == before, "the earlier output changed");
}

#[test]
fn a_failure_while_creating_a_new_directory_leaves_no_parents_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    let r = run_limited(4, &["synth", bp.to_str().unwrap(), "-o", "new/deeper/out"], tmp.path());
    assert_eq!(r.code, 1, "stderr: {}", r.stderr);
    assert_eq!(names(tmp.path()), ["reference.yaml"], "directories created for the attempt remain");
}

#[test]
fn a_symbolic_link_to_an_earlier_output_is_written_through_and_stays_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    synth(tmp.path(), &bp, "real");
    symlink("real", tmp.path().join("out")).unwrap();
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out", "--format", "yaml"], tmp.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_link(tmp.path().join("out")).unwrap(), Path::new("real"), "the link is kept");
    assert!(tmp.path().join("real/reference-cluster.template.yaml").is_file(), "the target was written");
    assert!(!tmp.path().join("real/reference-cluster.template.json").exists(), "the earlier files are gone");
    assert_eq!(names(tmp.path()), ["out", "real", "reference.yaml"]);
}

#[test]
fn a_symbolic_link_to_an_unrelated_directory_is_refused_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    fs::create_dir(tmp.path().join("photos")).unwrap();
    fs::write(tmp.path().join("photos/manifest.json"), "{}").unwrap();
    symlink("photos", tmp.path().join("out")).unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "error: refusing to write to `out`: it is not empty (`manifest.json`)");

    fs::remove_file(tmp.path().join("out")).unwrap();
    symlink("nowhere", tmp.path().join("out")).unwrap();
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", "out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "`out` is a symbolic link to `nowhere`, which does not exist");
}

#[test]
fn dot_is_written_in_place_when_empty_or_an_earlier_output() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "reference.yaml");
    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    let bp_arg = bp.to_str().unwrap();
    let r = run(&["synth", bp_arg, "-o", "."], &work);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(work.join("reference-cluster.template.json").is_file());
    let r = run(&["synth", bp_arg, "-o", ".", "--format", "yaml"], &work);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(work.join("reference-cluster.template.yaml").is_file());
    assert!(!work.join("reference-cluster.template.json").exists());
    assert_eq!(names(tmp.path()), ["reference.yaml", "work"]);
}

#[test]
fn dot_holding_the_blueprint_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    blueprint(tmp.path(), "reference.yaml");
    let before = tree(tmp.path());
    let r = run(&["synth", "reference.yaml", "-o", "."], tmp.path());
    assert_refused(&r, tmp.path(), &before, "error: refusing to write to `.`: it holds the input file");
}

#[test]
fn an_output_that_holds_the_current_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let bp = blueprint(tmp.path(), "karpenter.yaml");
    synth(tmp.path(), &bp, "out");
    let before = tree(tmp.path());
    let r = run(&["synth", bp.to_str().unwrap(), "-o", ".."], &tmp.path().join("out/manifests"));
    assert_refused(&r, tmp.path(), &before, "error: refusing to write to `..`: the current directory");
}

#[test]
fn an_output_path_that_is_a_file_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    blueprint(tmp.path(), "reference.yaml");
    let before = tree(tmp.path());
    let r = run(&["synth", "reference.yaml", "-o", "reference.yaml"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "`reference.yaml` exists and is not a directory");
    let r = run(&["synth", "reference.yaml", "-o", "reference.yaml/out"], tmp.path());
    assert_refused(&r, tmp.path(), &before, "`reference.yaml` exists and is not a directory");
}
