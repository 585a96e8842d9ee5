//! Every YAML this crate writes reads back, under YAML 1.1 and YAML 1.2, to exactly the
//! values of its JSON form: a property over generated values, the cases of issue 11 item 5,
//! and every YAML file every example synthesizes.
//!
//! The same check runs with PyYAML, a real YAML 1.1 loader, in `scripts/test`
//! (`scripts/yaml-roundtrip.py`): over the synthesized examples, and over the corpus of
//! generated values this test leaves in `$CARGO_TARGET_TMPDIR/yaml-roundtrip/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/yaml_readers.rs"]
mod yaml_readers;

use std::path::{Path, PathBuf};

use eks_blueprint::{yaml, Blueprint, Format};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};
use yaml_readers::{assert_reads_back, read_all, Schema};

/// Words and shapes that some YAML version reads as something other than a string.
const TRICKY: &[&str] = &[
    "on",
    "On",
    "ON",
    "off",
    "yes",
    "Yes",
    "no",
    "No",
    "y",
    "Y",
    "n",
    "N",
    "true",
    "True",
    "FALSE",
    "null",
    "Null",
    "~",
    "",
    "45:30",
    "190:20:30.15",
    "1_000",
    "0b1010",
    "017",
    "0o17",
    "0x1F",
    "1e3",
    "1.0",
    "1.2.3",
    ".5",
    "+1",
    "-0",
    ".inf",
    "-.Inf",
    ".NaN",
    "2026-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14 21:59:43.10 -5",
    "<<",
    "=",
    "- a",
    "? a",
    ": a",
    "a: b",
    "a:b",
    "a #b",
    "#b",
    "&a",
    "*a",
    "!a",
    "!!str",
    "%YAML",
    "@a",
    "`a",
    "|",
    ">",
    "'a'",
    "\"a\"",
    "[a]",
    "{a}",
    "a,b",
    "---",
    "...",
    " a",
    "a ",
    "a\n",
    "\n",
    "a\nb",
    "a\n\n",
    " a\nb",
    "\ta\nb",
    "a\r\nb",
    "a\u{85}b",
    "a\u{2028}b",
    "a\u{2029}b",
    "\u{FEFF}a",
    "a\u{0}b",
    "a\u{7F}b",
    "é",
    "\u{1F600}",
    "a\\b",
    "AWS::EKS::Cluster",
    "arn:aws:iam::aws:policy/X",
    "10.0.0.0/16",
    "m7i.large",
    "spot-ok",
];

/// A character alphabet rich in YAML indicators, breaks and escapes.
const ALPHABET: &[char] = &[
    'a',
    'Z',
    'y',
    'n',
    'o',
    'e',
    '0',
    '1',
    '9',
    ' ',
    ' ',
    '\t',
    '\n',
    '\n',
    '\r',
    ':',
    '#',
    '-',
    '.',
    '_',
    '/',
    '"',
    '\'',
    '\\',
    '{',
    '}',
    '[',
    ']',
    ',',
    '&',
    '*',
    '!',
    '|',
    '>',
    '%',
    '@',
    '`',
    '?',
    '~',
    '=',
    '+',
    '$',
    '<',
    '\u{0}',
    '\u{7}',
    '\u{1B}',
    '\u{7F}',
    '\u{85}',
    '\u{A0}',
    '\u{2028}',
    '\u{2029}',
    '\u{FEFF}',
    '\u{FFFE}',
    'é',
    '\u{1F600}',
];

fn string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TRICKY).prop_map(str::to_owned),
        prop::collection::vec(prop::sample::select(ALPHABET), 0..16).prop_map(|cs| cs.into_iter().collect()),
        (prop::sample::select(TRICKY), prop::sample::select(ALPHABET), prop::sample::select(TRICKY))
            .prop_map(|(a, c, b)| format!("{a}{c}{b}")),
        prop::collection::vec(any::<char>(), 0..12).prop_map(|cs| cs.into_iter().collect()),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((string(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Documents are mappings or sequences: generated values are wrapped in one when scalar.
fn document() -> impl Strategy<Value = Value> {
    (value(), string()).prop_map(|(v, key)| match v {
        Value::Object(_) | Value::Array(_) => v,
        scalar => json!({key: scalar}),
    })
}

proptest! {
    #![proptest_config(Config { cases: 256, ..Config::default() })]

    #[test]
    fn generated_values_read_back_under_yaml_1_1_and_1_2(doc in document()) {
        let text = yaml::to_string(&doc);
        assert_reads_back(&text, std::slice::from_ref(&doc), "generated value");
    }

    #[test]
    fn generated_strings_are_plain_only_when_every_reader_sees_a_string(s in string()) {
        if yaml::is_plain_safe(&s) {
            prop_assert_eq!(yaml_readers::resolve_plain(&s, Schema::Yaml11), Value::String(s.clone()));
            prop_assert_eq!(yaml_readers::resolve_plain(&s, Schema::Core12), Value::String(s.clone()));
        }
    }
}

/// Leaves a corpus of generated values (`corpus.json`, and `corpus.yaml` with one document
/// each) for `scripts/yaml-roundtrip.py` to read with PyYAML; asserts the Rust readers on it.
#[test]
fn a_corpus_of_generated_values_for_pyyaml() {
    let mut runner = TestRunner::deterministic();
    let strategy = document();
    let mut docs: Vec<Value> = TRICKY.iter().map(|s| json!({"value": s, *s: [s]})).collect();
    for _ in 0..512 {
        docs.push(strategy.new_tree(&mut runner).expect("a value").current());
    }
    let text = yaml::documents(&docs);
    assert_reads_back(&text, &docs, "corpus");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("yaml-roundtrip");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("corpus.yaml"), &text).expect("write");
    std::fs::write(dir.join("corpus.json"), serde_json::to_string_pretty(&docs).expect("json")).expect("write");
}

#[test]
fn the_cases_of_the_issue_read_back_as_strings() {
    let doc = json!({
        "labels": {"spot-ok": "True"},
        "name": "on",
        "values": ["yes", "45:30", "1_000", "2026-01-01", "a\u{2028}b"],
    });
    let text = yaml::to_string(&doc);
    assert_reads_back(&text, &[doc], "issue cases");
    // The same under the YAML 1.1 reader alone, spelled out.
    let read = read_all(&text, Schema::Yaml11).expect("reads");
    assert_eq!(read[0]["labels"]["spot-ok"], json!("True"));
    assert_eq!(read[0]["name"], json!("on"));
}

fn examples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    assert!(!files.is_empty());
    files
}

/// Every YAML file of every example (templates written with `--format yaml`, Kubernetes
/// manifests, Helm values) reads back the same under every reader; each YAML template is
/// its JSON template.
#[test]
fn every_yaml_file_of_every_example_reads_back_the_same() {
    let mut yaml_files = 0;
    for file in examples() {
        let blueprint = Blueprint::from_path(&file).expect("valid");
        let json_assembly = blueprint.synth(Format::Json).expect("synthesizes");
        let yaml_assembly = blueprint.synth(Format::Yaml).expect("synthesizes");
        for stack in json_assembly.stacks() {
            let other = yaml_assembly.stack(&stack.name).expect("same stacks");
            let text = &yaml_assembly.files()[&other.template_file];
            assert_reads_back(text, std::slice::from_ref(&stack.template), &other.template_file);
            yaml_files += 1;
        }
        for (path, text) in
            yaml_assembly.files().iter().filter(|(p, _)| p.ends_with(".yaml") && p.starts_with("manifests/"))
        {
            let expected = yaml_readers::serde_yaml_all(text).expect("serde_yaml reads it");
            assert_reads_back(text, &expected, path);
            yaml_files += 1;
        }
    }
    assert!(yaml_files > 20, "{yaml_files} YAML files checked");
}

/// A blueprint named `on` whose Karpenter NodePool has the label `spot-ok: "True"`: with a
/// YAML 1.1 reader (Helm), the Helm values name the cluster `on` and the NodePool label is
/// the string `True` (Karpenter's schema refuses a boolean there).
#[test]
fn a_blueprint_named_on_writes_manifests_a_yaml_1_1_reader_reads_right() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/karpenter.yaml"))
        .expect("example")
        .replace("name: karpenter-demo", "name: \"on\"")
        .replace("labels: {workload: batch}", "labels: {workload: batch, spot-ok: \"True\"}");
    let assembly = Blueprint::from_yaml(&text).expect("valid").synth(Format::Yaml).expect("synthesizes");
    let values = read_all(&assembly.files()["manifests/karpenter-values.yaml"], Schema::Yaml11).expect("reads");
    assert_eq!(values[0]["settings"]["clusterName"], json!("on"));
    let node_class = read_all(&assembly.files()["manifests/karpenter-nodeclass.yaml"], Schema::Yaml11).expect("reads");
    let selectors = node_class[0]["spec"]["subnetSelectorTerms"].to_string();
    assert!(selectors.contains("\"on\"") && !selectors.contains("true"), "{selectors}");
    let pools = read_all(&assembly.files()["manifests/karpenter-nodepools.yaml"], Schema::Yaml11).expect("reads");
    assert_eq!(pools[1]["spec"]["template"]["metadata"]["labels"]["spot-ok"], json!("True"));
    let network = &assembly.files()["on-network.template.yaml"];
    let template = read_all(network, Schema::Yaml11).expect("reads");
    assert_eq!(template[0], assembly.stack("on-network").expect("stack").template);
}
