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
        // tests/plan.rs: the text form of each example's plan.
        expected.insert(format!("plan__{}.snap", stem(&file)));
    }
    // tests/templates.rs: the init templates' output.
    for template in eks_blueprint::templates::Starter::ALL {
        let assembly = Blueprint::from_yaml(template.text()).and_then(|b| b.synth(Format::Json)).expect("synthesizes");
        for path in assembly.files().keys() {
            expected.insert(format!("init-{}__{}.snap", template.as_str(), path.replace('/', "__")));
        }
    }
    // eks-blueprint-cli/tests/init.rs: one snapshot per case.
    for case in ["cli_init__templates", "cli_init__default-and-directory", "cli_init__refusals", "cli_init__help"] {
        expected.insert(format!("{case}.snap"));
    }
    expected.insert("cli_schema__help-and-bad-argument.snap".to_owned());
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
    // eks-blueprint-cli/tests/plan.rs.
    for case in ["bad-inputs", "blueprint"] {
        expected.insert(format!("cli_plan__{case}.snap"));
    }
    let actual: std::collections::BTreeSet<String> = std::fs::read_dir(root.join("snapshots"))
        .expect("snapshots/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".snap"))
        .collect();
    let stale: Vec<&String> = actual.difference(&expected).collect();
    assert!(stale.is_empty(), "unreferenced snapshots (delete them): {stale:?}");
}

/// Every example's header comment says how to deploy and tear it down: its deploy steps name
/// every stack of the output, first in the manifest's deploy order, and the `delete-stack` steps it
/// spells out run in the reverse order (a stack before those it depends on).
#[test]
fn every_example_header_names_its_stacks_in_deploy_and_teardown_order() {
    for file in example_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let header: String = text.lines().take_while(|l| l.starts_with('#')).map(|l| format!("{l}\n")).collect();
        let assembly = Blueprint::from_path(&file).unwrap().synth(Format::Json).unwrap();
        let stacks: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
        // A stack name is followed by a character that cannot continue it (and is not the
        // example's file name, `examples/mixed-compute.yaml`).
        let find = |from: usize, name: &str| -> Option<usize> {
            header[from..]
                .match_indices(name)
                .find(|(i, _)| {
                    let end = from + i + name.len();
                    !header[end..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '-')
                        && !header[end..].starts_with(".yaml")
                })
                .map(|(i, _)| from + i)
        };
        // From the deploy steps on (prose before them may name an output of a stack).
        let steps = header.to_lowercase().find("deploy").expect("the header has deploy steps");
        let first: Vec<usize> = stacks
            .iter()
            .map(|s| find(steps, s).unwrap_or_else(|| panic!("{}: the header never names stack {s}", file.display())))
            .collect();
        assert!(
            first.windows(2).all(|w| w[0] < w[1]),
            "{}: stacks named out of deploy order {stacks:?}",
            file.display()
        );
        let deleted: Vec<&str> = header
            .match_indices("delete-stack --stack-name ")
            .map(|(i, m)| header[i + m.len()..].split_whitespace().next().unwrap_or_default())
            .collect();
        let order: Vec<usize> =
            deleted.iter().map(|d| stacks.iter().position(|s| s == d).expect("a stack of the output")).collect();
        assert!(
            order.windows(2).all(|w| w[0] > w[1]),
            "{}: delete-stack steps {deleted:?} not in reverse deploy order {stacks:?}",
            file.display()
        );
    }
}
