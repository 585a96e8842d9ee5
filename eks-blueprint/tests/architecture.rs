//! Architecture rules checked on the source itself (cheap: reading files, no build):
//! - layers: the model (`spec/`, `compile/`, `blueprint/`) never imports the CloudFormation
//!   layer (`cfn`, `resources`), synthesis (`synth`) or rendering (`render`) —
//!   `docs/architecture.md`, DESIGN.md "Layers";
//! - API hygiene: no two public types share a name, so a user never needs `as` to import
//!   two of them (issue 8 item 5). The typed L1 resources (`resources::<service>`) are
//!   exempt: they are named as in the CloudFormation resource specification, one module
//!   per AWS service (`resources::eks::Taint` is `AWS::EKS::Nodegroup.Taint`), and are
//!   always reached through their module.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())).path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The lines of a file that are code: comments (`//`, `///`, `//!`) left out, so doc links
/// to other layers are allowed.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with("//"))
        .map(|(i, l)| (i + 1, l.to_owned()))
        .collect()
}

/// Every mention of a forbidden layer in `line`: `crate::cfn`, `super::super::synth`, ...
/// (a path into the layer, in a `use` or inline).
fn forbidden_paths(line: &str) -> Vec<String> {
    const FORBIDDEN: [&str; 4] = ["cfn", "resources", "synth", "render"];
    let mut found = Vec::new();
    for root in ["crate::", "super::super::", "eks_blueprint::"] {
        for (at, _) in line.match_indices(root) {
            let rest = &line[at + root.len()..];
            let module: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if FORBIDDEN.contains(&module.as_str()) {
                found.push(format!("{root}{module}"));
            }
            // `crate::{cfn, spec}` groups.
            if let Some(group) = rest.strip_prefix('{') {
                let group = group.split('}').next().unwrap_or_default();
                for item in group.split(',') {
                    let module: String =
                        item.trim().chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    if FORBIDDEN.contains(&module.as_str()) {
                        found.push(format!("{root}{{{module}}}"));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn the_model_never_imports_the_cloudformation_layer_synthesis_or_rendering() {
    let mut violations = Vec::new();
    for layer in ["spec", "compile", "blueprint"] {
        let mut files = Vec::new();
        rust_files(&src().join(layer), &mut files);
        assert!(!files.is_empty(), "no source files under src/{layer}");
        for file in files {
            for (n, line) in code_lines(&file) {
                for path in forbidden_paths(&line) {
                    let shown = file.strip_prefix(src()).unwrap_or(&file).display().to_string();
                    violations.push(format!("src/{shown}:{n}: {path}: {}", line.trim()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "the model layer imports a layer below it:\n{}", violations.join("\n"));
}

#[test]
fn the_layer_check_finds_what_it_is_for() {
    assert_eq!(forbidden_paths("use crate::cfn::Expr;"), ["crate::cfn"]);
    assert_eq!(forbidden_paths("use crate::{cidr, synth::App};"), ["crate::{synth}"]);
    assert_eq!(forbidden_paths("    let t = crate::render::ids::x();"), ["crate::render"]);
    assert_eq!(forbidden_paths("use super::super::resources::eks;"), ["super::super::resources"]);
    assert!(forbidden_paths("use crate::spec::compute::Taint; // cfn").is_empty());
    assert!(forbidden_paths("use crate::cfnx::A;").is_empty());
}

/// `pub struct|enum|trait|type Name` (not `pub(crate)`), and `pub use path as Name`.
fn public_type_names(line: &str) -> Vec<String> {
    let t = line.trim_start();
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect() };
    for kind in ["pub struct ", "pub enum ", "pub trait ", "pub type "] {
        if let Some(rest) = t.strip_prefix(kind) {
            return vec![ident(rest)];
        }
    }
    if t.starts_with("pub use ") {
        return t.match_indices(" as ").map(|(at, _)| ident(&t[at + 4..])).collect();
    }
    Vec::new()
}

#[test]
fn no_two_public_types_share_a_name() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut names: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(src()).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        // render is a private module; resources are named as in CloudFormation (see above).
        if rel.starts_with("render/") || rel.starts_with("resources/") {
            continue;
        }
        for (n, line) in code_lines(&file) {
            for name in public_type_names(&line) {
                names.entry(name).or_default().push(format!("src/{rel}:{n}"));
            }
        }
    }
    assert!(names.len() > 100, "found only {} public types: is the scan broken?", names.len());
    let clashes: Vec<String> =
        names.iter().filter(|(_, at)| at.len() > 1).map(|(name, at)| format!("{name}: {}", at.join(", "))).collect();
    assert!(clashes.is_empty(), "public types sharing a name:\n{}", clashes.join("\n"));
}

#[test]
fn the_name_scan_sees_declarations_and_renamed_reexports() {
    assert_eq!(public_type_names("pub struct Taint {"), ["Taint"]);
    assert_eq!(public_type_names("    pub enum AmiType {"), ["AmiType"]);
    assert_eq!(public_type_names("pub use spec::karpenter::{NodePool as KarpenterNodePool};"), ["KarpenterNodePool"]);
    assert!(public_type_names("pub(crate) struct Hidden;").is_empty());
    assert!(public_type_names("pub fn builder() -> Self {").is_empty());
}
