//! Golden tests of the starter blueprints `eks-blueprint init` writes
//! (`eks-blueprint/templates/`): each validates without a finding, passes the schema, and
//! every file of its output matches its reviewed snapshot (`snapshots/init-<template>__*`).
//! The test suite also lints their output (cfn-lint, checkov) beside the examples'.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::templates::{starter, Starter};
use eks_blueprint::{Blueprint, Format};

#[test]
fn every_template_synthesizes_and_matches_its_snapshots() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for template in Starter::ALL {
            let name = template.as_str();
            let blueprint = Blueprint::from_yaml(template.text()).unwrap_or_else(|e| panic!("{name}: {e}"));
            let findings: Vec<String> = blueprint.findings().iter().map(ToString::to_string).collect();
            assert!(findings.is_empty(), "{name}: a starter has no findings: {findings:?}");
            let assembly = blueprint.synth(Format::Json).unwrap_or_else(|e| panic!("{name}: {e}"));
            for (path, content) in assembly.files() {
                insta::assert_snapshot!(format!("init-{name}__{}", path.replace('/', "__")), content);
            }
        }
    });
}

#[test]
fn every_template_passes_the_schema() {
    let validator = jsonschema::draft7::new(&eks_blueprint::schema::blueprint_schema()).unwrap();
    for template in Starter::ALL {
        let document: serde_json::Value = serde_yaml::from_str(template.text()).unwrap();
        let errors: Vec<String> = validator.iter_errors(&document).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", template.as_str());
        assert_eq!(starter(template, None).unwrap(), template.text());
    }
}
