//! The one YAML writer: every YAML file this crate writes (`--format yaml` templates,
//! Kubernetes manifests, Helm values) goes through [`to_string`].
//!
//! The rule it keeps: the text reads back to exactly the JSON value it was given, under the
//! YAML 1.2 core schema (serde_yaml, kubectl, Go's yaml.v3) and under YAML 1.1 (PyYAML,
//! cfn-lint, Helm's yaml.v2, ...). YAML 1.1 resolves many plain scalars that YAML 1.2 reads as
//! strings: `on`, `yes`, `n` are booleans, `45:30` and `1_000` are numbers, `2026-01-01` is a
//! date (<https://yaml.org/type/bool.html>, <https://yaml.org/type/int.html>,
//! <https://yaml.org/type/float.html>, <https://yaml.org/type/timestamp.html>). So a string is
//! written plain only when it provably resolves to a string under both ([`is_plain_safe`]: a
//! conservative allow-list); every other string is double-quoted with every character that
//! either version could misread escaped ([`quoted`]). A string of several lines is written as
//! a literal block scalar (`|`) when that reads back exactly ([`block_chomping`]), so user
//! data and scripts stay readable; otherwise it is double-quoted with `\n`.
//!
//! Layout: block style, two-space indentation, a sequence under a mapping key at the key's
//! indentation (as kubectl and serde_yaml write it), empty collections as `{}` and `[]`. The
//! output is a pure function of the value: same value, same bytes.
//!
//! No EKS or CloudFormation knowledge lives here.

use std::fmt::Write as _;

use serde_json::{Map, Number, Value};

/// The longest key, in characters as written, that is written as an implicit key (`key:`).
///
/// YAML limits implicit keys to 1024 Unicode characters (YAML 1.2.2 §7.4.2, "implicit keys
/// are restricted to a single line"; libyaml and PyYAML enforce it). A longer key is written
/// as an explicit key (`? key` then `: value`).
pub const MAX_IMPLICIT_KEY_CHARS: usize = 1000;

/// Writes `value` as one YAML document (no `---`), ending with a line break.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_mapping(&mut out, map, 0, false),
        Value::Array(items) if !items.is_empty() => write_sequence(&mut out, items, 0, false),
        other => {
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
    out
}

/// Writes each value as a YAML document, each one starting with `---`.
pub fn documents<'a>(values: impl IntoIterator<Item = &'a Value>) -> String {
    let mut out = String::new();
    for value in values {
        out.push_str("---\n");
        out.push_str(&to_string(value));
    }
    out
}

/// A string as a YAML scalar on one line: plain when [`is_plain_safe`], double-quoted
/// otherwise.
pub fn string(s: &str) -> String {
    if is_plain_safe(s) {
        s.to_owned()
    } else {
        quoted(s)
    }
}

/// The words YAML 1.1 resolves to booleans (<https://yaml.org/type/bool.html>: y, yes, n,
/// no, true, false, on, off, in three casings) or null (<https://yaml.org/type/null.html>),
/// and those YAML 1.2's core schema resolves (true, false, null). Compared without case,
/// which covers every casing of both.
const RESERVED_WORDS: [&str; 9] = ["y", "yes", "n", "no", "true", "false", "on", "off", "null"];

/// Whether `s` can be written as a plain (unquoted) scalar and read back as the same string
/// under YAML 1.1 and YAML 1.2.
///
/// A conservative allow-list, not a YAML resolver: it starts with an ASCII letter or `/`
/// (every YAML 1.1 and 1.2 number, date, sexagesimal, `.inf`, `~`, `<<`, `=` and indicator
/// starts with something else), it holds only ASCII letters, digits, spaces and `. _ / : - @ = + * ,
/// ( ) { } $`, it has no `: ` (a key) and does not end with a space or `:`, and it is not one
/// of the boolean or null words of either version in any casing. `#` is never allowed (` #`
/// starts a comment). Flow indicators (`, { }`) are plain characters in block context, the
/// only context this writer uses for strings.
pub fn is_plain_safe(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else { return false };
    (first.is_ascii_alphabetic() || first == '/')
        && chars.all(|c| c.is_ascii_alphanumeric() || " ._/:-@=+*,(){}$".contains(c))
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !RESERVED_WORDS.iter().any(|w| s.eq_ignore_ascii_case(w))
}

/// Whether YAML may carry `c` unescaped inside a double-quoted scalar, for YAML 1.1 and
/// 1.2 alike.
///
/// YAML's printable set (`#x9 | #xA | #xD | [#x20-#x7E] | #x85 | [#xA0-#xD7FF] |
/// [#xE000-#xFFFD] | [#x10000-#x10FFFF]`, YAML 1.2.2 §5.1), less the characters either
/// version reads differently: tab, line feed and carriage return (line breaks fold), NEL
/// U+0085, LINE SEPARATOR U+2028 and PARAGRAPH SEPARATOR U+2029 (line breaks in YAML 1.1,
/// §5.4 of 1.1), and the byte order mark U+FEFF.
fn is_verbatim(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{FEFF}')
}

/// `s` as a YAML double-quoted scalar, always, with `\`, `"` and every character YAML 1.1
/// or 1.2 could read differently (controls, NEL, U+2028, U+2029, the byte order mark,
/// non-characters) escaped (`\n`, `\t`, `\r`, `\"`, `\\`, else `\xXX`, `\uXXXX` or
/// `\UXXXXXXXX`; escapes YAML 1.1 and 1.2 share). For text embedded in other YAML (node
/// user data).
pub fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_verbatim(c) => out.push(c),
            c if u32::from(c) <= 0xFF => {
                let _ = write!(out, "\\x{:02X}", u32::from(c));
            }
            c if u32::from(c) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => {
                let _ = write!(out, "\\U{:08X}", u32::from(c));
            }
        }
    }
    out.push('"');
    out
}

/// The chomping indicator for writing `s` as a literal block scalar (`""` clip, `"-"` strip,
/// `"+"` keep), or `None` when a block would not read back as exactly `s`.
///
/// A block is used only for text of several lines whose characters are all verbatim (tabs
/// too), and whose first non-empty line starts with neither a space nor a tab: the
/// indentation of a block is detected from that line (YAML 1.2.2 §8.1.1.1), and libyaml
/// refuses a tab there. Trailing line breaks are kept exactly by the chomping indicator
/// (§8.1.1.2): none, strip; one, clip; more, keep.
pub fn block_chomping(s: &str) -> Option<&'static str> {
    if !s.contains('\n') || !s.chars().all(|c| c == '\n' || c == '\t' || is_verbatim(c)) {
        return None;
    }
    let first = s.split('\n').find(|line| !line.is_empty())?;
    if first.starts_with([' ', '\t']) {
        return None;
    }
    let trailing = s.len() - s.trim_end_matches('\n').len();
    Some(match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    })
}

/// A scalar, or an empty collection, on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number(n),
        Value::String(s) => string(s),
        Value::Array(_) => "[]".to_owned(),
        Value::Object(_) => "{}".to_owned(),
    }
}

/// A number both YAML versions read as the same number: integers in decimal; floats with a
/// `.` and a signed exponent (`1.0e+100`), the form YAML 1.1's float pattern requires
/// (<https://yaml.org/type/float.html>), which YAML 1.2's core schema also reads.
fn number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    let Some(f) = n.as_f64() else { return n.to_string() };
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf".to_owned() } else { "-.inf".to_owned() };
    }
    let text = n.to_string();
    let (mantissa, exponent) = match text.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (text.as_str(), None),
    };
    let mut out = mantissa.to_owned();
    if !out.contains('.') {
        out.push_str(".0");
    }
    if let Some(e) = exponent {
        out.push('e');
        if !e.starts_with(['-', '+']) {
            out.push('+');
        }
        out.push_str(e);
    }
    out
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping whose keys start at column `indent`; with `inline_first`, the cursor already
/// stands there (after `- `) for the first key.
fn write_mapping(out: &mut String, map: &Map<String, Value>, indent: usize, inline_first: bool) {
    for (i, (key, value)) in map.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        let key = string(key);
        if key.chars().count() > MAX_IMPLICIT_KEY_CHARS {
            out.push_str("? ");
            out.push_str(&key);
            out.push('\n');
            pad(out, indent);
            out.push(':');
            write_value(out, value, indent, true);
        } else {
            out.push_str(&key);
            out.push(':');
            write_value(out, value, indent, false);
        }
    }
}

/// The value of a mapping entry whose key is at column `indent`, after its `:`.
fn write_value(out: &mut String, value: &Value, indent: usize, explicit_key: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_mapping(out, map, indent + 2, false);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            // Under an implicit key, a sequence may start at the key's column; after an
            // explicit `:` it is indented like any other node.
            write_sequence(out, items, if explicit_key { indent + 2 } else { indent }, false);
        }
        Value::String(s) => write_string(out, s, indent + 2),
        other => {
            out.push(' ');
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// A sequence whose `-` stand at column `indent`; with `inline_first`, the cursor already
/// stands there for the first item.
fn write_sequence(out: &mut String, items: &[Value], indent: usize, inline_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !inline_first {
            pad(out, indent);
        }
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                out.push(' ');
                write_mapping(out, map, indent + 2, true);
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push(' ');
                write_sequence(out, inner, indent + 2, true);
            }
            Value::String(s) => write_string(out, s, indent + 2),
            other => {
                out.push(' ');
                out.push_str(&inline(other));
                out.push('\n');
            }
        }
    }
}

/// A string after `key:` or `-`: a literal block with its lines at column `indent`, or a
/// scalar on the same line.
fn write_string(out: &mut String, s: &str, indent: usize) {
    let Some(chomping) = block_chomping(s) else {
        out.push(' ');
        out.push_str(&string(s));
        out.push('\n');
        return;
    };
    out.push_str(" |");
    out.push_str(chomping);
    out.push('\n');
    // With clip or strip, the last line break (if any) is the chomping's; with keep, every
    // trailing line break is written as an empty line.
    let body = if chomping == "+" { s.strip_suffix('\n').unwrap_or(s) } else { s.trim_end_matches('\n') };
    for line in body.split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use serde_json::json;

    use super::*;

    #[test]
    fn strings_yaml_1_1_would_misread_are_quoted() {
        // The cases of issue 11, item 5, and their neighbours.
        for s in [
            "on",
            "On",
            "ON",
            "off",
            "yes",
            "Yes",
            "no",
            "NO",
            "y",
            "Y",
            "n",
            "N",
            "True",
            "true",
            "FALSE",
            "null",
            "Null",
            "~",
            "",
            "45:30",
            "1_000",
            "2026-01-01",
            "2001-12-14t21:59:43.10-05:00",
            "0x1F",
            "0o17",
            "0b101",
            "017",
            "1e3",
            ".inf",
            "-.Inf",
            ".nan",
            "<<",
            "=",
            "1.35",
            "10.0.0.0/16",
            "-1",
            "+1",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "key:",
            "a\u{2028}b",
            "#x",
            "&a",
            "*a",
            "!t",
            "|",
            ">",
            "%x",
            "@x",
            "`x",
            "'x'",
            "\"x\"",
            "-",
            "- x",
            "? x",
            "[x]",
            "{x}",
            "a\tb",
            "é",
            "a\\b",
        ] {
            assert!(!is_plain_safe(s), "{s:?} must not be plain");
            assert!(string(s).starts_with('"'), "{s:?}");
        }
    }

    #[test]
    fn ordinary_strings_stay_plain() {
        for s in [
            "demo",
            "AWS::EKS::Cluster",
            "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
            "m7i.large",
            "karpenter.sh/v1",
            "s3:Get*",
            "al2023@latest",
            "arn:${AWS::Partition}:iam::aws:policy/X",
            "Allow SSH from the bastion",
            "yesterday",
            "onward",
            "nope",
            "Nulls",
            "/dev/xvda",
        ] {
            assert!(is_plain_safe(s), "{s:?} should be plain");
        }
    }

    #[test]
    fn the_issue_cases_are_written_quoted() {
        let value = json!({
            "labels": {"spot-ok": "True"},
            "name": "on",
            "answer": "yes",
            "time": "45:30",
            "count": "1_000",
            "date": "2026-01-01",
            "line": "a\u{2028}b",
            "nel": "a\u{85}b",
            "bom": "\u{FEFF}x",
        });
        assert_eq!(
            to_string(&value),
            "labels:\n  spot-ok: \"True\"\nname: \"on\"\nanswer: \"yes\"\ntime: \"45:30\"\ncount: \"1_000\"\ndate: \"2026-01-01\"\nline: \"a\\u2028b\"\nnel: \"a\\x85b\"\nbom: \"\\uFEFFx\"\n"
        );
    }

    #[test]
    fn keys_are_quoted_by_the_same_rule() {
        assert_eq!(to_string(&json!({"on": 1, "demo": 2, "1": 3})), "\"on\": 1\ndemo: 2\n\"1\": 3\n");
    }

    #[test]
    fn layout_nested_collections_and_empties() {
        let value = json!({
            "a": {"b": [1, {"c": "d", "e": []}, [2, 3], {}], "f": {}},
            "g": [],
            "h": null,
            "i": true,
            "j": -2.5,
            "k": 1e100,
        });
        assert_eq!(
            to_string(&value),
            "a:\n  b:\n  - 1\n  - c: d\n    e: []\n  - - 2\n    - 3\n  - {}\n  f: {}\ng: []\nh: null\ni: true\nj: -2.5\nk: 1.0e+100\n"
        );
        assert_eq!(to_string(&json!({})), "{}\n");
        assert_eq!(to_string(&json!("on")), "\"on\"\n");
        assert_eq!(documents(&[json!({"a": 1}), json!([1])]), "---\na: 1\n---\n- 1\n");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks_with_exact_chomping() {
        let value = json!({"strip": "a\nb", "clip": "a\n  b\n", "keep": "a\n\n", "seq": ["#!/bin/sh\necho hi\n"]});
        assert_eq!(
            to_string(&value),
            "strip: |-\n  a\n  b\nclip: |\n  a\n    b\nkeep: |+\n  a\n\nseq:\n- |\n  #!/bin/sh\n  echo hi\n"
        );
        // Text a block could not carry exactly is double-quoted.
        assert_eq!(block_chomping(" indented\nx"), None);
        assert_eq!(block_chomping("\n\n"), None);
        assert_eq!(block_chomping("a\r\nb"), None);
        assert_eq!(block_chomping("a\u{2028}\nb"), None);
        assert_eq!(to_string(&json!({"k": "\tx\ny"})), "k: \"\\tx\\ny\"\n");
    }

    #[test]
    fn a_key_longer_than_yaml_allows_for_implicit_keys_is_explicit() {
        let long = "k".repeat(MAX_IMPLICIT_KEY_CHARS + 1);
        let text = to_string(&json!({long.clone(): [1]}));
        assert_eq!(text, format!("? {long}\n:\n  - 1\n"));
        let back: Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, json!({long: [1]}));
    }

    #[test]
    fn escapes_use_the_escapes_both_versions_share() {
        assert_eq!(quoted("a\"b\\c\u{0}\u{7F}\u{1F600}\u{FFFE}"), "\"a\\\"b\\\\c\\x00\\x7F\u{1F600}\\uFFFE\"");
    }
}
