//! Shared helpers of the CLI's property tests: a seeded random generator, a blueprint tree
//! that can hold what serde values cannot (a key written twice, a scalar written plain), its
//! YAML and JSON writers, the mutations the fuzz test applies to the examples, and readers
//! that check a YAML file reads back the same under YAML 1.1 and YAML 1.2.
//!
//! No external generator crate: a case is a pure function of `(seed, case index)`, so a
//! failure printed as `case 1234 (seed 7)` is reproduced by running that one case again.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../../../eks-blueprint/tests/support/yaml_readers.rs"]
pub mod yaml_readers;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// SplitMix64 (Steele, Lea, Flood 2014): small, fast and good enough to pick mutations.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for case `index` of the run seeded `seed`.
    pub fn for_case(seed: u64, index: u64) -> Rng {
        let mut r = Rng(seed ^ index.wrapping_mul(0xA076_1D64_78BD_642F));
        r.next();
        r
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True with probability `percent`%.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One item of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A blueprint file's tree, as written: keys may repeat, and a string may be written plain
/// in YAML however a reader would resolve it.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, as its JSON text (`1e400` included).
    Num(String),
    /// A string: plain in YAML when every reader reads it back as this string, else quoted.
    Str(String),
    /// Text written as is, unquoted, in YAML (`yes`, `45:30`, `2026-01-01`); a string in JSON.
    Plain(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in order, duplicates kept.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The tree of a JSON value.
    pub fn from_value(v: &Value) -> Node {
        match v {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(*b),
            Value::Number(n) => Node::Num(n.to_string()),
            Value::String(s) => Node::Str(s.clone()),
            Value::Array(items) => Node::Seq(items.iter().map(Node::from_value).collect()),
            Value::Object(map) => Node::Map(map.iter().map(|(k, v)| (k.clone(), Node::from_value(v))).collect()),
        }
    }

    /// The JSON value every reader should read from the file written from this tree: none
    /// when the tree holds a key twice, a `Plain` token or a number JSON cannot hold.
    pub fn intended(&self) -> Option<Value> {
        Some(match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Num(n) => serde_json::from_str::<Value>(n).ok().filter(Value::is_number)?,
            Node::Str(s) => Value::String(s.clone()),
            Node::Plain(_) => return None,
            Node::Seq(items) => Value::Array(items.iter().map(Node::intended).collect::<Option<_>>()?),
            Node::Map(entries) => {
                let mut map = serde_json::Map::new();
                for (k, v) in entries {
                    if map.insert(k.clone(), v.intended()?).is_some() {
                        return None;
                    }
                }
                Value::Object(map)
            }
        })
    }

    fn is_collection(&self) -> bool {
        matches!(self, Node::Seq(_) | Node::Map(_))
    }

    /// Every node's address (child indexes from the root), the root first.
    pub fn addresses(&self) -> Vec<Vec<usize>> {
        let mut out = Vec::new();
        let mut here = Vec::new();
        self.collect(&mut here, &mut out);
        out
    }

    fn collect(&self, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        out.push(here.clone());
        let children: Vec<&Node> = match self {
            Node::Seq(items) => items.iter().collect(),
            Node::Map(entries) => entries.iter().map(|(_, v)| v).collect(),
            _ => Vec::new(),
        };
        for (i, child) in children.into_iter().enumerate() {
            here.push(i);
            child.collect(here, out);
            here.pop();
        }
    }

    /// The node at `address`.
    pub fn at_mut(&mut self, address: &[usize]) -> &mut Node {
        let mut node = self;
        for &i in address {
            node = match node {
                Node::Seq(items) => &mut items[i],
                Node::Map(entries) => &mut entries[i].1,
                _ => unreachable!("addresses lead through collections"),
            };
        }
        node
    }

    /// The node at `address`.
    pub fn at(&self, address: &[usize]) -> &Node {
        let mut node = self;
        for &i in address {
            node = match node {
                Node::Seq(items) => &items[i],
                Node::Map(entries) => &entries[i].1,
                _ => unreachable!("addresses lead through collections"),
            };
        }
        node
    }

    /// Every `(key, value)` entry of every mapping of the tree.
    pub fn entries(&self) -> Vec<(String, Node)> {
        let mut out = Vec::new();
        for a in self.addresses() {
            if let Node::Map(entries) = self.at(&a) {
                out.extend(entries.iter().cloned());
            }
        }
        out
    }

    /// The tree as JSON text (pretty or compact). A `Plain` is a JSON string.
    pub fn to_json(&self, pretty: bool) -> String {
        let mut out = String::new();
        self.json(&mut out, 0, pretty);
        out.push('\n');
        out
    }

    fn json(&self, out: &mut String, indent: usize, pretty: bool) {
        let nl = |out: &mut String, n: usize| {
            if pretty {
                out.push('\n');
                out.push_str(&" ".repeat(n));
            }
        };
        match self {
            Node::Null => out.push_str("null"),
            Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Node::Num(n) => out.push_str(n),
            Node::Str(s) | Node::Plain(s) => out.push_str(&json_string(s)),
            Node::Seq(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, indent + 2);
                    item.json(out, indent + 2, pretty);
                }
                if !items.is_empty() {
                    nl(out, indent);
                }
                out.push(']');
            }
            Node::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    nl(out, indent + 2);
                    out.push_str(&json_string(k));
                    out.push_str(if pretty { ": " } else { ":" });
                    v.json(out, indent + 2, pretty);
                }
                if !entries.is_empty() {
                    nl(out, indent);
                }
                out.push('}');
            }
        }
    }

    /// The tree as block-style YAML text.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Node::Map(entries) if !entries.is_empty() => yaml_entries(entries, 0, &mut out),
            Node::Seq(items) if !items.is_empty() => yaml_items(items, 0, &mut out),
            other => {
                out.push_str(&other.yaml_scalar());
                out.push('\n');
            }
        }
        out
    }

    fn yaml_scalar(&self) -> String {
        match self {
            Node::Null => "null".to_owned(),
            Node::Bool(b) => b.to_string(),
            Node::Num(n) => n.clone(),
            Node::Str(s) => yaml_string(s),
            Node::Plain(s) => s.clone(),
            Node::Seq(items) if items.is_empty() => "[]".to_owned(),
            Node::Map(entries) if entries.is_empty() => "{}".to_owned(),
            // A collection in flow style: JSON is YAML.
            other => other.to_json(false).trim_end().to_owned(),
        }
    }
}

fn yaml_entries(entries: &[(String, Node)], indent: usize, out: &mut String) {
    for (k, v) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&yaml_key(k));
        out.push(':');
        yaml_value(v, indent, out);
    }
}

fn yaml_items(items: &[Node], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        yaml_value(item, indent, out);
    }
}

fn yaml_value(v: &Node, indent: usize, out: &mut String) {
    match v {
        Node::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            yaml_entries(entries, indent + 2, out);
        }
        Node::Seq(items) if !items.is_empty() => {
            out.push('\n');
            yaml_items(items, indent + 2, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&scalar.yaml_scalar());
            out.push('\n');
        }
    }
}

/// A JSON string literal (serde_json's escaping: control characters escaped, the rest raw).
pub fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// Words some YAML version reads as something other than a string.
const SPECIAL_WORDS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf"];

/// A string as a YAML scalar: plain when it is a plain word every YAML version reads as that
/// string, double-quoted (JSON escaping, a subset of YAML's) otherwise.
pub fn yaml_string(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
        && !SPECIAL_WORDS.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_owned()
    } else {
        json_string(s)
    }
}

fn yaml_key(k: &str) -> String {
    yaml_string(k)
}

/// Every example blueprint (`examples/*.yaml`), sorted: path and tree.
pub fn examples() -> Vec<(PathBuf, Node)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/ exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no examples in {}", dir.display());
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable example");
            let value: Value = serde_yaml::from_str(&text).expect("the example is YAML");
            (p, Node::from_value(&value))
        })
        .collect()
}

/// Hostile strings: empty, YAML 1.1 look-alikes, line and paragraph separators, byte order
/// marks, NUL, right-to-left marks, CloudFormation substitutions, long strings, near misses
/// of valid values.
pub const HOSTILE_STRINGS: &[&str] = &[
    "",
    " ",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "Y",
    "true",
    "False",
    "null",
    "~",
    "1_000",
    "45:30",
    "190:20:30.15",
    "2026-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "0x1F",
    "017",
    "0o17",
    "1e3",
    ".inf",
    ".NaN",
    "1.0",
    "1.29",
    "1.00",
    "1.35",
    "-1",
    "0",
    "<<",
    "=",
    "a\u{2028}b",
    "\u{2028}",
    "\u{2029}x",
    "a\u{85}b",
    "\u{85}",
    "\u{feff}x",
    "x\u{feff}",
    "a\0b",
    "\0",
    "\u{202e}evil",
    "tab\there",
    "line\nbreak",
    "cr\rlf",
    "trailing ",
    " leading",
    "é",
    "🦀",
    "${AWS::Region}",
    "${AWS::StackName}-x",
    "${!Literal}",
    "{{ .Values.x }}",
    "'",
    "\"",
    "\\",
    "#",
    "&anchor",
    "*alias",
    "- item",
    "key: value",
    "aws:tag",
    "kubernetes.io/cluster/x",
    "arn:aws:iam::123456789012:role/Admin",
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "10.0.0.0/16",
    "0.0.0.0/0",
    "10.0.0.0/33",
    "::/0",
    "fd00::/8",
    "256.1.1.1/16",
    "m7i.large",
    "m7i.lrage",
    "t4g.nano",
    "kube-system",
    "default",
    "NoSchedule",
    "ClusterAdmin",
    "Clusteradmin",
    "us-east-1a",
    "eu-west-1b",
    "al2023@latest",
    "Admin",
    "a-b",
    "A",
    "-",
    "_",
    ".",
    "..",
    "/",
    "*",
    "%",
    "100%",
    "10Gi",
    "1m",
    "0 8 * * 1-5",
];

/// Hostile numbers, as JSON text.
pub const HOSTILE_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1",
    "2",
    "3",
    "7",
    "101",
    "65536",
    "2147483648",
    "-2147483649",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "1.5",
    "-0.0",
    "0.1",
    "1e3",
    "1e300",
    "1e400",
];

/// A hostile scalar.
pub fn hostile_scalar(rng: &mut Rng) -> Node {
    match rng.below(20) {
        0..=9 => Node::Str(rng.pick(HOSTILE_STRINGS).to_string()),
        10..=11 => Node::Plain(rng.pick(PLAIN_TOKENS).to_string()),
        12..=15 => Node::Num(rng.pick(HOSTILE_NUMBERS).to_string()),
        16 => Node::Bool(rng.chance(50)),
        17 => Node::Null,
        18 => {
            // Long: over every name limit, sometimes over the file cap.
            let len = *rng.pick(&[64usize, 101, 256, 1025, 5000, 70_000, 1_100_000]);
            let unit = *rng.pick(&["a", "é", "\u{2028}", "${AWS::Region}"]);
            Node::Str(unit.repeat(len / unit.len().max(1)))
        }
        _ => {
            // A string made of random hostile pieces.
            let n = 1 + rng.below(4);
            Node::Str((0..n).map(|_| *rng.pick(HOSTILE_STRINGS)).collect())
        }
    }
}

/// Text written unquoted in YAML: each some YAML version reads as other than a string.
pub const PLAIN_TOKENS: &[&str] = &[
    "yes",
    "no",
    "on",
    "off",
    "Y",
    "n",
    "True",
    "NULL",
    "~",
    "1_000",
    "45:30",
    "2026-01-01",
    "2001-12-14 21:59:43.10 -5",
    "0x1F",
    "0o17",
    "017",
    "0b101",
    "+12",
    ".5",
    "1.",
    ".inf",
    "-.Inf",
    ".nan",
    "1e3",
    "<<",
    "=",
    "!!str x",
    "!!binary aGk=",
    "&a x",
    "*a",
    "[a, b",
    "{a: 1",
    "|",
    ">-",
    "'unterminated",
    "\"unterminated",
    "a: b: c",
    "- x",
    "? x",
    "@x",
    "`x",
    "%TAG",
];

/// Mutation kinds, for the case description.
pub const TEXT_MUTATIONS: &[&str] = &["truncate", "bom", "insert-bytes", "crlf", "tabs"];

/// One structural mutation of `tree`, drawing on `donors` (every entry of every example)
/// for keys in the wrong place; returns what it did.
pub fn mutate(tree: &mut Node, donors: &[(String, Node)], rng: &mut Rng) -> String {
    let addresses = tree.addresses();
    let maps: Vec<&Vec<usize>> =
        addresses.iter().filter(|a| matches!(tree.at(a), Node::Map(e) if !e.is_empty())).collect();
    let seqs: Vec<&Vec<usize>> =
        addresses.iter().filter(|a| matches!(tree.at(a), Node::Seq(i) if !i.is_empty())).collect();
    let scalars: Vec<&Vec<usize>> = addresses.iter().filter(|a| !tree.at(a).is_collection()).collect();
    let kind = rng.below(17);
    match kind {
        0 | 1 if !maps.is_empty() => {
            let a = (*rng.pick(&maps)).clone();
            let at = describe(tree, &a);
            let Node::Map(entries) = tree.at_mut(&a) else { unreachable!() };
            let i = rng.below(entries.len());
            let (k, _) = entries.remove(i);
            format!("delete key {k:?} of {at}")
        }
        2 if !maps.is_empty() => {
            let a = (*rng.pick(&maps)).clone();
            let at = describe(tree, &a);
            let Node::Map(entries) = tree.at_mut(&a) else { unreachable!() };
            let i = rng.below(entries.len());
            let entry = entries[i].clone();
            let j = rng.below(entries.len() + 1);
            entries.insert(j, entry.clone());
            format!("duplicate key {:?} of {at}", entry.0)
        }
        3 if !maps.is_empty() => {
            let a = (*rng.pick(&maps)).clone();
            let at = describe(tree, &a);
            let Node::Map(entries) = tree.at_mut(&a) else { unreachable!() };
            let (i, j) = (rng.below(entries.len()), rng.below(entries.len()));
            let vi = entries[i].1.clone();
            entries[i].1 = std::mem::replace(&mut entries[j].1, vi);
            format!("swap the values of keys {:?} and {:?} of {at}", entries[i].0, entries[j].0)
        }
        4 | 5 if !maps.is_empty() && !donors.is_empty() => {
            // A key from anywhere in any example, put into this mapping (replacing one of the
            // same name): valid blueprints the examples do not spell out, and keys in the
            // wrong place.
            let a = (*rng.pick(&maps)).clone();
            let at = describe(tree, &a);
            let (k, v) = rng.pick(donors).clone();
            let Node::Map(entries) = tree.at_mut(&a) else { unreachable!() };
            if let Some(e) = entries.iter_mut().find(|(key, _)| *key == k) {
                e.1 = v;
            } else {
                let j = rng.below(entries.len() + 1);
                entries.insert(j, (k.clone(), v));
            }
            format!("transplant key {k:?} into {at}")
        }
        6 if !maps.is_empty() => {
            let a = (*rng.pick(&maps)).clone();
            let at = describe(tree, &a);
            let Node::Map(entries) = tree.at_mut(&a) else { unreachable!() };
            let i = rng.below(entries.len());
            let new = match hostile_scalar(rng) {
                Node::Str(s) | Node::Plain(s) => s,
                other => other.to_json(false).trim_end().to_owned(),
            };
            let old = std::mem::replace(&mut entries[i].0, new.clone());
            format!("rename key {old:?} of {at} to {:?}", cap(&new))
        }
        7 if !seqs.is_empty() => {
            let a = (*rng.pick(&seqs)).clone();
            let at = describe(tree, &a);
            let Node::Seq(items) = tree.at_mut(&a) else { unreachable!() };
            let i = rng.below(items.len());
            match rng.below(3) {
                0 => {
                    items.remove(i);
                    format!("delete item {i} of {at}")
                }
                1 => {
                    let item = items[i].clone();
                    items.insert(rng.below(items.len() + 1), item);
                    format!("duplicate item {i} of {at}")
                }
                _ => {
                    let j = rng.below(items.len());
                    items.swap(i, j);
                    format!("swap items {i} and {j} of {at}")
                }
            }
        }
        8..=10 if !scalars.is_empty() => {
            let a = (*rng.pick(&scalars)).clone();
            let at = describe(tree, &a);
            let new = hostile_scalar(rng);
            let what = format!("replace {at} by {}", cap(&format!("{new:?}")));
            *tree.at_mut(&a) = new;
            what
        }
        14..=16 if !scalars.is_empty() => {
            // A near miss of the value written: longer, cut, another case, a stray
            // character, off by one.
            let a = (*rng.pick(&scalars)).clone();
            let at = describe(tree, &a);
            let new = perturb(tree.at(&a), rng);
            let what = format!("perturb {at} to {}", cap(&format!("{new:?}")));
            *tree.at_mut(&a) = new;
            what
        }
        11 | 12 => {
            // Change a node's type: scalar <-> list <-> map, a JSON array where a struct is
            // expected.
            let a = rng.pick(&addresses).clone();
            if a.is_empty() && rng.chance(80) {
                return "nothing (root kept)".to_owned();
            }
            let at = describe(tree, &a);
            let node = tree.at_mut(&a);
            let old = std::mem::replace(node, Node::Null);
            let (new, what) = match old {
                Node::Map(entries) => match rng.below(3) {
                    0 => (Node::Seq(entries.into_iter().map(|(_, v)| v).collect()), "map -> list of its values"),
                    1 => (Node::Seq(vec![Node::Map(entries)]), "map -> list of the map"),
                    _ => (Node::Str("x".into()), "map -> string"),
                },
                Node::Seq(items) => match rng.below(3) {
                    0 => (
                        Node::Map(items.into_iter().enumerate().map(|(i, v)| (i.to_string(), v)).collect()),
                        "list -> map",
                    ),
                    1 => (items.into_iter().next().unwrap_or(Node::Null), "list -> its first item"),
                    _ => (Node::Seq(vec![Node::Seq(items)]), "list -> list of the list"),
                },
                scalar => match rng.below(3) {
                    0 => (Node::Seq(vec![scalar]), "scalar -> list"),
                    1 => (Node::Map(vec![("value".into(), scalar)]), "scalar -> map"),
                    _ => (Node::Seq(vec![]), "scalar -> empty list"),
                },
            };
            *tree.at_mut(&a) = new;
            format!("{what} at {at}")
        }
        _ => {
            // Replace a node by a node of another place (often of another type or shape).
            let from = rng.pick(&addresses).clone();
            let to = rng.pick(&addresses).clone();
            if to.starts_with(&from) || to.is_empty() {
                return "nothing (no move)".to_owned();
            }
            let what = format!("copy {} over {}", describe(tree, &from), describe(tree, &to));
            let value = tree.at(&from).clone();
            *tree.at_mut(&to) = value;
            what
        }
    }
}

/// A near miss of a scalar.
pub fn perturb(node: &Node, rng: &mut Rng) -> Node {
    match node {
        Node::Str(s) => {
            let s = s.as_str();
            Node::Str(match rng.below(12) {
                0 => s.repeat(1 + 300 / s.len().max(1)),
                1 => s.repeat(2),
                2 => s.chars().take(s.chars().count() / 2).collect(),
                3 => s.to_uppercase(),
                4 => format!("{s}-"),
                5 => format!("-{s}"),
                6 => format!("{s}."),
                7 => s.replacen('.', "-", 1).replacen('-', ".", 1),
                8 => format!(
                    "{s}{}",
                    rng.pick(&["\u{2028}", "\u{85}", "\0", " ", "\n", "\t", "é", "/", ":", "*", "${AWS::Region}"])
                ),
                9 => s.replace(|c: char| c.is_ascii_digit(), "9"),
                10 => format!("{s}{s}"),
                _ => String::new(),
            })
        }
        Node::Num(n) => {
            let v: f64 = n.parse().unwrap_or(0.0);
            Node::Num(match rng.below(6) {
                0 => format!("{}", (v as i64).saturating_add(1)),
                1 => format!("{}", (v as i64).saturating_sub(1)),
                2 => format!("{}", (v as i64).saturating_mul(1000)),
                3 => format!("{}", (v as i64).saturating_neg()),
                4 => format!("{}.5", v as i64),
                _ => "0".to_owned(),
            })
        }
        Node::Bool(b) => {
            if rng.chance(50) {
                Node::Bool(!b)
            } else {
                Node::Str(b.to_string())
            }
        }
        _ => hostile_scalar(rng),
    }
}

/// A value cut for a case description.
pub fn cap(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…({} chars)", s.chars().take(60).collect::<String>(), s.chars().count())
    } else {
        s.to_owned()
    }
}

/// The field path of `address` (`compute.managedNodeGroups[0].name`).
pub fn describe(tree: &Node, address: &[usize]) -> String {
    let mut path = String::new();
    let mut node = tree;
    for &i in address {
        match node {
            Node::Seq(items) => {
                path.push_str(&format!("[{i}]"));
                node = &items[i];
            }
            Node::Map(entries) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&cap(&entries[i].0));
                node = &entries[i].1;
            }
            _ => break,
        }
    }
    if path.is_empty() {
        "the root".to_owned()
    } else {
        path
    }
}

/// One text mutation of the written file.
pub fn mutate_text(bytes: &mut Vec<u8>, rng: &mut Rng) -> String {
    match rng.below(TEXT_MUTATIONS.len()) {
        0 => {
            let at = rng.below(bytes.len().max(1));
            bytes.truncate(at);
            format!("truncate at byte {at}")
        }
        1 => {
            bytes.splice(0..0, *b"\xEF\xBB\xBF");
            "byte order mark".to_owned()
        }
        2 => {
            let junk: &[&[u8]] = &[
                b"\0",
                b"\xFF",
                b"\xC3",
                b"\xE2\x80\xA8",
                b"\xC2\x85",
                b"\t",
                b"\r",
                b":",
                b"\"",
                b"&",
                b"*",
                b"\xEF\xBB\xBF",
            ];
            let piece = *rng.pick(junk);
            let at = rng.below(bytes.len() + 1);
            bytes.splice(at..at, piece.iter().copied());
            format!("insert {piece:?} at byte {at}")
        }
        3 => {
            let text = String::from_utf8_lossy(bytes).replace('\n', "\r\n");
            *bytes = text.into_bytes();
            "CRLF line ends".to_owned()
        }
        _ => {
            // A tab in indentation: YAML forbids it.
            let text = String::from_utf8_lossy(bytes);
            let lines: Vec<&str> = text.lines().collect();
            let i = rng.below(lines.len().max(1));
            let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
            if let Some(line) = out.get_mut(i) {
                if line.starts_with("  ") {
                    line.replace_range(0..2, "\t");
                }
            }
            *bytes = (out.join("\n") + "\n").into_bytes();
            format!("tab indentation on line {}", i + 1)
        }
    }
}

/// Why the YAML `text` does not read back as `expected` (one value per document) under
/// serde_yaml (YAML 1.2) and the saphyr readers with YAML 1.1 and YAML 1.2 resolution.
pub fn yaml_reads_back(text: &str, expected: &[Value]) -> Result<(), String> {
    use yaml_readers::{read_all, serde_yaml_all, Schema};
    let serde = serde_yaml_all(text).map_err(|e| format!("serde_yaml cannot read it: {e}"))?;
    if serde != expected {
        return Err(format!("serde_yaml (YAML 1.2) reads other values: {}", first_difference(&serde, expected)));
    }
    for schema in [Schema::Core12, Schema::Yaml11] {
        let read = read_all(text, schema).map_err(|e| format!("saphyr {schema:?} cannot read it: {e}"))?;
        if read != expected {
            return Err(format!("{schema:?} reads other values: {}", first_difference(&read, expected)));
        }
    }
    Ok(())
}

/// Why the YAML `text` reads differently under YAML 1.1 and YAML 1.2 (or not at all).
pub fn yaml_reads_the_same(text: &str) -> Result<Vec<Value>, String> {
    let serde = yaml_readers::serde_yaml_all(text).map_err(|e| format!("serde_yaml cannot read it: {e}"))?;
    yaml_reads_back(text, &serde)?;
    Ok(serde)
}

/// The first place two lists of documents differ, for a failure message.
pub fn first_difference(got: &[Value], want: &[Value]) -> String {
    fn walk(path: &str, got: &Value, want: &Value) -> Option<String> {
        match (got, want) {
            (Value::Object(g), Value::Object(w)) => {
                for (k, wv) in w {
                    match g.get(k) {
                        None => return Some(format!("{path}.{k}: missing")),
                        Some(gv) => {
                            if let Some(d) = walk(&format!("{path}.{k}"), gv, wv) {
                                return Some(d);
                            }
                        }
                    }
                }
                g.keys().find(|k| !w.contains_key(*k)).map(|k| format!("{path}.{k}: extra"))
            }
            (Value::Array(g), Value::Array(w)) if g.len() == w.len() => {
                g.iter().zip(w).enumerate().find_map(|(i, (g, w))| walk(&format!("{path}[{i}]"), g, w))
            }
            _ if got == want => None,
            _ => Some(format!("{path}: read {}, written {}", cap(&got.to_string()), cap(&want.to_string()))),
        }
    }
    if got.len() != want.len() {
        return format!("{} documents read, {} written", got.len(), want.len());
    }
    got.iter()
        .zip(want)
        .enumerate()
        .find_map(|(i, (g, w))| walk(&format!("document {i}"), g, w))
        .unwrap_or_else(|| "no difference".to_owned())
}
