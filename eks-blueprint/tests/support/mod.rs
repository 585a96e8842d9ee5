//! Helpers shared by the integration tests, in one place: a test file says `mod support;`
//! and uses what it needs (`support::errors`, `support::synth`, ...).
//!
//! - this module: blueprints in and validation errors or synthesized output out, YAML
//!   documents of a manifest, the example blueprint files;
//! - [`crds`]: the Karpenter v1 CRDs' schemas and CEL rules, to check rendered manifests as
//!   the Kubernetes API server would;
//! - `yaml_readers.rs`: two independent YAML readers (1.1 and 1.2 core), included by
//!   `yaml_roundtrip.rs` alone (`#[path]`), which is the only test that needs them.

// Helpers panic on unexpected results, and not every test file uses every helper.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod crds;

use std::path::{Path, PathBuf};

use eks_blueprint::{Assembly, Blueprint, Error, Format};
use serde::Deserialize;
use serde_json::Value;

/// A `cluster:` section with one admin access entry, so that a blueprint is usable (a
/// blueprint nobody can access is refused).
pub const ADMIN_CLUSTER: &str = "cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

/// The validation messages of an invalid blueprint, as `path: message`; panics when the
/// blueprint is valid or fails otherwise.
pub fn errors(yaml: &str) -> Vec<String> {
    match Blueprint::from_yaml(yaml) {
        Err(Error::Invalid(errors)) => errors.iter().map(ToString::to_string).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

/// The blueprint synthesized as JSON; panics with the error.
pub fn synth(yaml: &str) -> Assembly {
    let blueprint = Blueprint::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"));
    blueprint.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"))
}

/// A file of the output; panics when there is none.
pub fn file<'a>(assembly: &'a Assembly, path: &str) -> &'a str {
    assembly.files().get(path).unwrap_or_else(|| panic!("no file {path}"))
}

/// The documents of a multi-document YAML text, as JSON values (empty documents left out).
pub fn yaml_documents(text: &str) -> Vec<Value> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| serde_json::to_value(serde_yaml::Value::deserialize(doc).unwrap()).unwrap())
        .filter(|v| !v.is_null())
        .collect()
}

/// The repository's `examples/` directory.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

/// The blueprint files of `examples/` (`*.yaml`, `*.yml`, `*.json`), sorted.
pub fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no example blueprints found");
    files
}
