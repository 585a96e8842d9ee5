//! The JSON Schema of the blueprint file: the committed `schema/blueprint.schema.json` is
//! what [`eks_blueprint::schema::blueprint_schema`] derives from the spec types, and it
//! agrees with the parser: every example and valid fixture passes both, every invalid fixture
//! fails both. (The test suite checks the same files again with Python's `jsonschema`, an
//! independent validator: `scripts/check-schema`.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use eks_blueprint::schema::{blueprint_schema, blueprint_schema_text};
use eks_blueprint::Blueprint;
use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The blueprint files of a directory, sorted.
fn blueprints(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no blueprints in {}", dir.display());
    files
}

/// A blueprint file as the JSON value the schema sees (YAML read by serde_yaml, as the
/// parser reads it).
fn document(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_yaml::from_str(&text).unwrap()
    }
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft7::new(&blueprint_schema()).unwrap()
}

const SCHEMA_HEADER: &str = "# yaml-language-server: $schema=";

#[test]
fn the_committed_schema_is_up_to_date() {
    let path = repo().join("schema/blueprint.schema.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == blueprint_schema_text(),
        "schema/blueprint.schema.json is out of date with the spec types; regenerate it with\n    \
         cargo run -p eks-blueprint-cli -- schema > schema/blueprint.schema.json"
    );
}

#[test]
fn every_example_starts_with_the_schema_line_and_is_valid() {
    let validator = validator();
    for file in blueprints(&repo().join("examples")) {
        let text = std::fs::read_to_string(&file).unwrap();
        if file.extension().is_some_and(|e| e != "json") {
            assert_eq!(
                text.lines().next(),
                Some("# yaml-language-server: $schema=../schema/blueprint.schema.json"),
                "{}: the first line names the schema (relative to examples/)",
                file.display()
            );
        }
        let errors: Vec<String> =
            validator.iter_errors(&document(&file)).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}:\n{}", file.display(), errors.join("\n"));
    }
}

#[test]
fn valid_fixtures_pass_the_schema_and_validation() {
    let validator = validator();
    for file in blueprints(&repo().join("schema/fixtures/valid")) {
        let errors: Vec<String> =
            validator.iter_errors(&document(&file)).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}:\n{}", file.display(), errors.join("\n"));
        Blueprint::from_path(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

#[test]
fn invalid_fixtures_fail_the_schema_and_validation() {
    let validator = validator();
    for file in blueprints(&repo().join("schema/fixtures/invalid")) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.starts_with(SCHEMA_HEADER), "{}: no schema line", file.display());
        assert!(text.contains("\n# expect: "), "{}: says which error it expects", file.display());
        assert!(!validator.is_valid(&document(&file)), "{}: the schema accepts it", file.display());
        assert!(Blueprint::from_path(&file).is_err(), "{}: validation accepts it", file.display());
    }
}

/// The schema reads a blueprint as serde writes it back: a spec serialized is valid.
#[test]
fn a_spec_written_back_is_valid() {
    let validator = validator();
    for dir in ["examples", "schema/fixtures/valid"] {
        for file in blueprints(&repo().join(dir)) {
            let spec = eks_blueprint::BlueprintSpec::from_path(&file).unwrap();
            let written = serde_json::to_value(&spec).unwrap();
            let errors: Vec<String> =
                validator.iter_errors(&written).map(|e| format!("{}: {e}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{} written back:\n{}", file.display(), errors.join("\n"));
        }
    }
}

/// What an editor shows: every property of every object has a description, and the closed
/// sets are listed (completion offers them).
#[test]
fn every_property_has_a_description() {
    fn walk(path: &str, schema: &Value, missing: &mut Vec<String>) {
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                if property.get("description").is_none() {
                    missing.push(format!("{path}/{name}"));
                }
            }
        }
    }
    let schema = blueprint_schema();
    let mut missing = Vec::new();
    walk("", &schema, &mut missing);
    for (name, definition) in schema["definitions"].as_object().unwrap() {
        walk(&format!("definitions/{name}"), definition, &mut missing);
    }
    assert!(missing.is_empty(), "properties without a description (write their rustdoc):\n{}", missing.join("\n"));
    let nat = &schema["definitions"]["NatGateways"];
    let values: Vec<&str> = nat["oneOf"].as_array().unwrap().iter().filter_map(|v| v["const"].as_str()).collect();
    assert_eq!(values, ["perAz", "single", "none"]);
}
