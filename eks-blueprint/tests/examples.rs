//! Golden tests: every blueprint file in `examples/` synthesizes, and every file of its
//! output (each stack's template, the manifest, Kubernetes manifests) matches its reviewed
//! snapshot under `snapshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;

use eks_blueprint::{Blueprint, Format};
use support::{example_files, examples_dir};

#[path = "../../examples/reference.rs"]
mod reference_example;

fn stem(path: &Path) -> String {
    path.file_stem().and_then(|s| s.to_str()).expect("utf-8 file name").to_owned()
}

#[test]
fn every_example_matches_its_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for file in example_files() {
            let blueprint = Blueprint::from_path(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let assembly = blueprint.synth(Format::Json).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let example = stem(&file);
            for (path, content) in assembly.files() {
                let name = format!("{example}__{}", path.replace('/', "__"));
                insta::assert_snapshot!(name, content);
            }
        }
    });
}

#[test]
fn the_rust_reference_example_equals_the_file() {
    let from_file = Blueprint::from_path(examples_dir().join("reference.yaml")).expect("reference.yaml is valid");
    let from_rust = reference_example::blueprint().expect("the Rust reference example is valid");
    assert_eq!(from_rust, from_file, "same model");
    let a = from_file.synth(Format::Json).expect("synthesizes");
    let b = from_rust.synth(Format::Json).expect("synthesizes");
    assert_eq!(a.files(), b.files(), "same templates, byte for byte");
}

#[test]
fn synthesis_is_deterministic() {
    for file in example_files() {
        for format in [Format::Json, Format::Yaml] {
            let first = Blueprint::from_path(&file).and_then(|b| b.synth(format)).expect("synthesizes");
            let second = Blueprint::from_path(&file).and_then(|b| b.synth(format)).expect("synthesizes");
            assert_eq!(first.files(), second.files(), "{} differs between two runs", file.display());
        }
    }
}

#[test]
fn yaml_templates_carry_the_same_content_as_json() {
    for file in example_files() {
        let blueprint = Blueprint::from_path(&file).expect("valid");
        let json = blueprint.synth(Format::Json).expect("synthesizes");
        let yaml = blueprint.synth(Format::Yaml).expect("synthesizes");
        for stack in json.stacks() {
            let other = yaml.stack(&stack.name).expect("same stacks");
            assert_eq!(other.template_file, format!("{}.template.yaml", stack.name));
            let parsed: serde_json::Value =
                serde_yaml::from_str(&yaml.files()[&other.template_file]).expect("YAML parses");
            assert_eq!(parsed, stack.template, "{}: YAML and JSON templates differ", stack.name);
        }
    }
}

#[test]
fn the_single_stack_layout_needs_no_exports() {
    let blueprint = Blueprint::from_path(examples_dir().join("single-stack.yaml")).expect("valid");
    let assembly = blueprint.synth(Format::Json).expect("synthesizes");
    assert_eq!(assembly.stacks().len(), 1);
    let text = &assembly.files()["sandbox.template.json"];
    assert!(!text.contains("Fn::ImportValue") && !text.contains("\"Export\""), "single stack has no imports/exports");
    // Within one stack, nothing orders nodes after the CNI but an explicit DependsOn.
    let template = &assembly.stacks()[0].template;
    assert_eq!(
        template["Resources"]["NodegroupGeneral"]["DependsOn"],
        serde_json::json!(["AddonVpcCni", "AddonKubeProxy"])
    );
}

/// Every file under `snapshots/` belongs to a current example or CLI fixture: a renamed or
/// removed example must not leave a stale snapshot behind that nobody reviews.
#[test]
fn no_snapshot_is_unreferenced() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut expected = std::collections::BTreeSet::new();
    for file in example_files() {
        let assembly = Blueprint::from_path(&file).and_then(|b| b.synth(Format::Json)).expect("synthesizes");
        for path in assembly.files().keys() {
            expected.insert(format!("{}__{}.snap", stem(&file), path.replace('/', "__")));
        }
    }
    for entry in std::fs::read_dir(root.join("eks-blueprint-cli/tests/fixtures/invalid")).expect("fixtures") {
        expected.insert(format!("cli_invalid__{}.snap", stem(&entry.expect("entry").path())));
    }
    // eks-blueprint-cli/tests/diff.rs: one snapshot per case.
    for case in [
        "allow-replace-elsewhere",
        "bad-inputs",
        "cluster-rename",
        "desired-size",
        "help",
        "instance-types",
        "json",
        "quiet",
        "subnet-cidr",
    ] {
        expected.insert(format!("cli_diff__{case}.snap"));
    }
    // eks-blueprint-cli/tests/messages.rs: one snapshot per case.
    for case in [
        "caret-json",
        "caret-yaml",
        "color-always",
        "env-selection",
        "help",
        "json",
        "override-unknown-key",
        "unknown-env",
    ] {
        expected.insert(format!("cli_messages__{case}.snap"));
    }
    let actual: std::collections::BTreeSet<String> = std::fs::read_dir(root.join("snapshots"))
        .expect("snapshots/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap"))
        .collect();
    let stale: Vec<&String> = actual.difference(&expected).collect();
    assert!(stale.is_empty(), "unreferenced snapshots (delete them): {stale:?}");
}
