//! Two independent YAML readers for tests: the saphyr event parser with the YAML 1.1 type
//! resolution, and with the YAML 1.2 core schema. serde_yaml is a third (libyaml, 1.2 core
//! resolution). A writer is faithful when all three read back the value it was given.
//!
//! The resolution rules are the published ones, verbatim as regular expressions:
//! - YAML 1.1: <https://yaml.org/type/null.html>, <https://yaml.org/type/bool.html>,
//!   <https://yaml.org/type/int.html>, <https://yaml.org/type/float.html>,
//!   <https://yaml.org/type/timestamp.html>, <https://yaml.org/type/merge.html>,
//!   <https://yaml.org/type/value.html>.
//! - YAML 1.2 core schema: <https://yaml.org/spec/1.2.2/#1032-tag-resolution>.
//!
//! A plain scalar that resolves to a type JSON cannot hold (a date, a sexagesimal or octal
//! number, a merge key) reads as a marker string `<<yaml 1.1 timestamp ...>>`, which never
//! equals the value written, so the comparison fails loudly.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::LazyLock;

use regex::Regex;
use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::{Map, Value};

/// Which resolution rules plain scalars follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schema {
    /// YAML 1.1 types (PyYAML, libyaml-based tools, Helm's yaml.v2, cfn-lint).
    Yaml11,
    /// The YAML 1.2 core schema.
    Core12,
}

fn re(pattern: &str) -> Regex {
    Regex::new(&format!("^(?:{pattern})$")).expect("valid pattern")
}

static NULL_11: LazyLock<Regex> = LazyLock::new(|| re(r"~|null|Null|NULL|"));
static BOOL_11: LazyLock<Regex> =
    LazyLock::new(|| re(r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"));
static TRUE_11: LazyLock<Regex> = LazyLock::new(|| re(r"y|Y|yes|Yes|YES|true|True|TRUE|on|On|ON"));
static INT_11: LazyLock<Regex> = LazyLock::new(|| {
    re(r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(:[0-5]?[0-9])+")
});
static DECIMAL_11: LazyLock<Regex> = LazyLock::new(|| re(r"[-+]?(0|[1-9][0-9_]*)"));
static FLOAT_11: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[-+]?([0-9][0-9_]*)?\.[0-9.]*([eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
    )
});
static TIMESTAMP_11: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?([Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](\.[0-9]*)?(([ \t]*)Z|[-+][0-9][0-9]?(:[0-9][0-9])?)?",
    )
});
static MERGE_OR_VALUE_11: LazyLock<Regex> = LazyLock::new(|| re(r"<<|="));

static NULL_12: LazyLock<Regex> = LazyLock::new(|| re(r"null|Null|NULL|~|"));
static BOOL_12: LazyLock<Regex> = LazyLock::new(|| re(r"true|True|TRUE|false|False|FALSE"));
static INT_12: LazyLock<Regex> = LazyLock::new(|| re(r"[-+]?[0-9]+"));
static OTHER_INT_12: LazyLock<Regex> = LazyLock::new(|| re(r"0o[0-7]+|0x[0-9a-fA-F]+"));
static FLOAT_12: LazyLock<Regex> = LazyLock::new(|| re(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?"));
static SPECIAL_FLOAT_12: LazyLock<Regex> = LazyLock::new(|| re(r"[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"));

fn marker(schema: Schema, kind: &str, s: &str) -> Value {
    Value::String(format!("<<yaml {schema:?} {kind} {s:?}>>"))
}

fn integer(digits: &str) -> Option<Value> {
    let digits = digits.replace('_', "");
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    digits.parse::<u64>().map(Value::from).ok().or_else(|| digits.parse::<i64>().map(Value::from).ok())
}

fn float(text: &str) -> Option<Value> {
    let f: f64 = text.replace('_', "").parse().ok()?;
    serde_json::Number::from_f64(f).map(Value::Number)
}

/// The value of a plain scalar under `schema`.
pub fn resolve_plain(s: &str, schema: Schema) -> Value {
    match schema {
        Schema::Yaml11 => {
            if NULL_11.is_match(s) {
                Value::Null
            } else if BOOL_11.is_match(s) {
                Value::Bool(TRUE_11.is_match(s))
            } else if INT_11.is_match(s) {
                if DECIMAL_11.is_match(s) {
                    integer(s).unwrap_or_else(|| marker(schema, "int", s))
                } else {
                    marker(schema, "int", s)
                }
            } else if FLOAT_11.is_match(s) {
                // Sexagesimal, infinity and not-a-number have no JSON form.
                if s.contains([':', 'i', 'I', 'n', 'N']) {
                    marker(schema, "float", s)
                } else {
                    float(s).unwrap_or_else(|| marker(schema, "float", s))
                }
            } else if TIMESTAMP_11.is_match(s) {
                marker(schema, "timestamp", s)
            } else if MERGE_OR_VALUE_11.is_match(s) {
                marker(schema, "merge/value", s)
            } else {
                Value::String(s.to_owned())
            }
        }
        Schema::Core12 => {
            if NULL_12.is_match(s) {
                Value::Null
            } else if BOOL_12.is_match(s) {
                Value::Bool(s.eq_ignore_ascii_case("true"))
            } else if INT_12.is_match(s) {
                integer(s).unwrap_or_else(|| marker(schema, "int", s))
            } else if OTHER_INT_12.is_match(s) || SPECIAL_FLOAT_12.is_match(s) {
                marker(schema, "number", s)
            } else if FLOAT_12.is_match(s) {
                float(s).unwrap_or_else(|| marker(schema, "float", s))
            } else {
                Value::String(s.to_owned())
            }
        }
    }
}

enum Frame {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// Every document of `text`, read with saphyr and `schema`'s resolution. Anchors, aliases
/// and tags are refused (the writer never emits them), and so are keys that do not read as
/// strings.
pub fn read_all(text: &str, schema: Schema) -> Result<Vec<Value>, String> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.map_err(|e| format!("{e}"))?;
        let at = format!("line {} column {}", span.start.line(), span.start.col() + 1);
        let value = match event {
            Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd | Event::Nothing => {
                continue
            }
            Event::Alias(_) => return Err(format!("alias at {at}")),
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) if anchor != 0 || tag.is_some() => {
                return Err(format!("anchor or tag at {at}"));
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::Seq(Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(Map::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq(items)) => Value::Array(items),
                Some(Frame::Map(map, None)) => Value::Object(map),
                _ => return Err(format!("unbalanced collection at {at}")),
            },
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return Err(format!("anchor or tag at {at}"));
                }
                if style == ScalarStyle::Plain {
                    resolve_plain(&text, schema)
                } else {
                    Value::String(text.into_owned())
                }
            }
        };
        match stack.last_mut() {
            None => docs.push(value),
            Some(Frame::Seq(items)) => items.push(value),
            Some(Frame::Map(map, key)) => match key.take() {
                Some(k) => {
                    if map.insert(k.clone(), value).is_some() {
                        return Err(format!("duplicate key {k:?} at {at}"));
                    }
                }
                None => match value {
                    Value::String(k) => *key = Some(k),
                    other => return Err(format!("key {other} is not a string at {at}")),
                },
            },
        }
    }
    Ok(docs)
}

/// Every document of `text`, read with serde_yaml (libyaml syntax, YAML 1.2 core types).
pub fn serde_yaml_all(text: &str) -> Result<Vec<Value>, String> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text).map(|d| Value::deserialize(d).map_err(|e| e.to_string())).collect()
}

/// Asserts that the three readers read `text` as `expected` (one value per document).
pub fn assert_reads_back(text: &str, expected: &[Value], what: &str) {
    let serde = serde_yaml_all(text).unwrap_or_else(|e| panic!("{what}: serde_yaml: {e}\n{text}"));
    assert_eq!(serde, expected, "{what}: serde_yaml (YAML 1.2) reads other values\n{text}");
    for schema in [Schema::Core12, Schema::Yaml11] {
        let read = read_all(text, schema).unwrap_or_else(|e| panic!("{what}: saphyr {schema:?}: {e}\n{text}"));
        assert_eq!(read, expected, "{what}: {schema:?} reads other values\n{text}");
    }
}
