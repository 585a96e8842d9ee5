//! What `diff` compares: the stacks of an output, read from a directory or taken from a
//! synthesis in memory.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::Value;

use crate::synth::assembly::MANIFEST_FILE;
use crate::synth::output::{is_plain, marker_files};
use crate::synth::{Assembly, MARKER_FILE};

/// The largest `manifest.json` read (the same bound as the marker's).
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;
/// The largest template read: eight times what CloudFormation accepts (1,000,000 bytes from
/// S3), so that any template CloudFormation could deploy is read, and a stray huge file is
/// not.
const MAX_TEMPLATE_BYTES: u64 = 8_000_000;
/// The largest other file (Kubernetes manifest, script) compared.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// An output that cannot be compared.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiffError {
    /// The directory is not an output of eks-blueprint or a cloud assembly, or a template
    /// in it is not one: the user's input (exit 2 in the CLI).
    #[error("`{}`: {message}", path.display())]
    Invalid {
        /// The directory or file.
        path: PathBuf,
        /// A stable code: `not-a-directory`, `not-an-output`, `bad-manifest`,
        /// `nested-assembly`, `no-stacks`, `too-large`, `bad-template`.
        code: &'static str,
        /// What is wrong and what would be accepted.
        message: String,
    },
    /// A file could not be read.
    #[error("cannot read `{}`: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        source: io::Error,
    },
}

impl DiffError {
    /// Whether the error is the user's input (exit 2), as opposed to a failure to read.
    pub fn is_user_error(&self) -> bool {
        matches!(self, DiffError::Invalid { .. })
    }

    /// The stable code of an [`DiffError::Invalid`]; `io` for a read failure.
    pub fn code(&self) -> &'static str {
        match self {
            DiffError::Invalid { code, .. } => code,
            DiffError::Io { .. } => "io",
        }
    }

    fn invalid(path: &Path, code: &'static str, message: impl Into<String>) -> DiffError {
        let message = crate::error::cap_message(&message.into()).into_owned();
        DiffError::Invalid { path: path.to_owned(), code, message }
    }
}

/// The stacks of one output, in deploy order, each with its template; and its other files
/// (Kubernetes manifests, scripts) when they are known.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    label: String,
    stacks: IndexMap<String, Value>,
    files: Option<IndexMap<String, String>>,
}

impl Templates {
    /// Stacks given directly, for tools and tests: `(stack name, template)` in deploy order.
    /// Other files are unknown (not compared).
    pub fn new(label: impl Into<String>, stacks: impl IntoIterator<Item = (String, Value)>) -> Templates {
        Templates { label: label.into(), stacks: stacks.into_iter().collect(), files: None }
    }

    /// The stacks and files of a synthesis, in memory.
    pub fn from_assembly(label: impl Into<String>, assembly: &Assembly) -> Templates {
        let stacks = assembly.stacks().iter().map(|s| (s.name.clone(), s.template.clone())).collect();
        let templates: Vec<&str> = assembly.stacks().iter().map(|s| s.template_file.as_str()).collect();
        let files = assembly
            .files()
            .iter()
            .filter(|(path, _)| path.as_str() != MANIFEST_FILE && !templates.contains(&path.as_str()))
            .map(|(path, content)| (path.clone(), content.clone()))
            .collect();
        Templates { label: label.into(), stacks, files: Some(files) }
    }

    /// Reads an output directory: an eks-blueprint output or any AWS CDK cloud assembly
    /// (`manifest.json` with `aws:cloudformation:stack` artifacts and their templates, JSON
    /// or YAML). The other files are read when the directory has eks-blueprint's marker,
    /// which lists them.
    ///
    /// Refused ([`DiffError::Invalid`]): a path that is not a directory, a directory without
    /// a `manifest.json` that lists stacks, a nested cloud assembly (a CDK stage: give its
    /// own directory), a template file name that is not a plain relative path, a template
    /// over 8 MB or that is not a CloudFormation template.
    pub fn read_dir(dir: impl AsRef<Path>) -> Result<Templates, DiffError> {
        let dir = dir.as_ref();
        let meta = fs::metadata(dir).map_err(|source| DiffError::Io { path: dir.to_owned(), source })?;
        if !meta.is_dir() {
            return Err(DiffError::invalid(
                dir,
                "not-a-directory",
                "not a directory; give an output directory of `eks-blueprint synth` (or a CDK cloud assembly)",
            ));
        }
        let manifest_path = dir.join(MANIFEST_FILE);
        if !manifest_path.is_file() {
            return Err(DiffError::invalid(
                dir,
                "not-an-output",
                format!(
                    "not an output of eks-blueprint or a cloud assembly: it has no `{MANIFEST_FILE}`; give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)"
                ),
            ));
        }
        let manifest_text = read_capped(&manifest_path, MAX_MANIFEST_BYTES)?;
        let bad_manifest = |why: &str| {
            DiffError::invalid(
                &manifest_path,
                "bad-manifest",
                format!("not a cloud-assembly manifest: {why}; give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)"),
            )
        };
        let manifest: Value = serde_json::from_str(&manifest_text).map_err(|_| bad_manifest("it is not JSON"))?;
        let Some(artifacts) = manifest.get("artifacts").and_then(Value::as_object) else {
            return Err(bad_manifest("it has no `artifacts` map"));
        };
        let mut stacks = IndexMap::new();
        let mut template_files = Vec::new();
        for (id, artifact) in artifacts {
            match artifact.get("type").and_then(Value::as_str) {
                Some("aws:cloudformation:stack") => {}
                Some("cdk:cloud-assembly") => {
                    let inner = artifact
                        .pointer("/properties/directoryName")
                        .and_then(Value::as_str)
                        .map_or_else(String::new, |d| format!(" (`{d}`)"));
                    return Err(DiffError::invalid(
                        &manifest_path,
                        "nested-assembly",
                        format!("artifact `{id}` is a nested cloud assembly (a CDK stage){inner}; give the directory of that assembly instead"),
                    ));
                }
                _ => continue,
            }
            let Some(file) = artifact.pointer("/properties/templateFile").and_then(Value::as_str) else {
                return Err(bad_manifest(&format!("stack `{id}` has no `properties.templateFile`")));
            };
            if !is_plain(file) || file.contains('\\') {
                return Err(bad_manifest(&format!(
                    "the template of stack `{id}`, `{file}`, is not a relative path of plain names (no `..`, `.` or root)"
                )));
            }
            let name = artifact.pointer("/properties/stackName").and_then(Value::as_str).unwrap_or(id);
            let path = dir.join(file);
            let template = read_template(&path)?;
            template_files.push(file.to_owned());
            stacks.insert(name.to_owned(), template);
        }
        if stacks.is_empty() {
            return Err(DiffError::invalid(
                &manifest_path,
                "no-stacks",
                "lists no CloudFormation stacks (`aws:cloudformation:stack` artifacts); give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)",
            ));
        }
        let files = read_other_files(dir, &template_files)?;
        Ok(Templates { label: dir.display().to_string(), stacks, files })
    }

    /// What the output is called in reports: the directory or blueprint file.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The stacks, in deploy order: name and template.
    pub fn stacks(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.stacks.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The template of a stack.
    pub fn stack(&self, name: &str) -> Option<&Value> {
        self.stacks.get(name)
    }

    /// The other files (path -> content), when known: from a synthesis, or from a directory
    /// with eks-blueprint's marker.
    pub fn files(&self) -> Option<&IndexMap<String, String>> {
        self.files.as_ref()
    }
}

fn read_capped(path: &Path, max: u64) -> Result<String, DiffError> {
    let io = |source| DiffError::Io { path: path.to_owned(), source };
    let file = fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(DiffError::invalid(
            path,
            "too-large",
            format!("larger than {max} bytes, more than any file this reads"),
        ));
    }
    String::from_utf8(bytes).map_err(|_| DiffError::invalid(path, "bad-template", "not UTF-8 text"))
}

/// A template, JSON or YAML (by its extension), checked to be one: a mapping whose
/// `Resources` maps logical ids to mappings with a `Type`.
fn read_template(path: &Path) -> Result<Value, DiffError> {
    let text = read_capped(path, MAX_TEMPLATE_BYTES)?;
    let bad = |why: String| {
        DiffError::invalid(path, "bad-template", format!("not a CloudFormation template: {why}; templates are JSON, or YAML in the long form (`Ref:`, not `!Ref`)"))
    };
    let is_json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let template: Value = if is_json {
        serde_json::from_str(&text).map_err(|e| bad(format!("invalid JSON: {e}")))?
    } else {
        serde_yaml::from_str(&text).map_err(|e| bad(format!("invalid YAML: {e}")))?
    };
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Err(bad("it has no `Resources` mapping".into()));
    };
    for (id, resource) in resources {
        if resource.get("Type").and_then(Value::as_str).is_none() {
            return Err(bad(format!("resource `{id}` has no `Type` string")));
        }
        if resource.get("Properties").is_some_and(|p| !p.is_object()) {
            return Err(bad(format!("the `Properties` of resource `{id}` are not a mapping")));
        }
    }
    Ok(template)
}

/// The files other than the manifest and templates, when the marker lists them; `None`
/// without a marker (a cloud assembly of another tool) or with one eks-blueprint did not
/// write. A listed file that is missing is left out.
fn read_other_files(dir: &Path, templates: &[String]) -> Result<Option<IndexMap<String, String>>, DiffError> {
    let marker = dir.join(MARKER_FILE);
    if !marker.is_file() {
        return Ok(None);
    }
    let Ok(listed) = marker_files(&marker) else { return Ok(None) };
    let mut files = IndexMap::new();
    for name in listed {
        if name == MANIFEST_FILE || templates.contains(&name) {
            continue;
        }
        let path = dir.join(&name);
        if !path.is_file() {
            continue;
        }
        let content = match read_capped(&path, MAX_FILE_BYTES) {
            Ok(content) => content,
            // A file that is not text is compared by whether it is there.
            Err(DiffError::Invalid { .. }) => String::from("(not text)"),
            Err(e) => return Err(e),
        };
        files.insert(name, content);
    }
    Ok(Some(files))
}
