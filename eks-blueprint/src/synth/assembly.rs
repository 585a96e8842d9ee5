//! The output directory: one template per stack, the cloud-assembly manifest, and any
//! Kubernetes manifests, written all or nothing.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::resolve::ResolvedStack;
use super::{SynthError, MAX_TEMPLATE_BYTES};

/// The AWS CDK cloud-assembly schema version written to `manifest.json`.
///
/// The CDK CLI reads assemblies of this version and newer CLIs read older versions, so the
/// oldest version that has every field we write keeps the widest range of CLIs working.
pub const CLOUD_ASSEMBLY_VERSION: &str = "36.0.0";

/// The file name of the cloud-assembly manifest.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The template file format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// JSON, pretty-printed. Default.
    #[default]
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// The file extension: `json` or `yaml`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }
}

/// A synthesized stack.
#[derive(Debug, Clone)]
pub struct SynthesizedStack {
    /// The stack name.
    pub name: String,
    /// The template.
    pub template: Value,
    /// The stacks this one depends on, each with the references that make it so.
    pub dependencies: IndexMap<String, Vec<String>>,
    /// The template file name inside the assembly.
    pub template_file: String,
}

/// The synthesized output, in memory: stacks in deploy order and every file's content.
#[derive(Debug, Clone)]
pub struct Assembly {
    stacks: Vec<SynthesizedStack>,
    files: IndexMap<String, String>,
}

pub(crate) fn build(
    resolved: Vec<ResolvedStack>,
    order: Vec<usize>,
    extra: &IndexMap<String, String>,
    format: Format,
) -> Result<Assembly, SynthError> {
    let mut slots: Vec<Option<ResolvedStack>> = resolved.into_iter().map(Some).collect();
    let mut stacks = Vec::with_capacity(slots.len());
    let mut files = IndexMap::new();
    for i in order {
        let Some(stack) = slots.get_mut(i).and_then(Option::take) else { continue };
        let template_file = format!("{}.template.{}", stack.name, format.extension());
        let body = render(&stack.name, &stack.template, format)?;
        if body.len() > MAX_TEMPLATE_BYTES {
            return Err(SynthError::Quota {
                stack: stack.name,
                what: "the template size in bytes",
                actual: body.len(),
                limit: MAX_TEMPLATE_BYTES,
            });
        }
        files.insert(template_file.clone(), body);
        stacks.push(SynthesizedStack {
            name: stack.name,
            template: stack.template,
            dependencies: stack.dependencies,
            template_file,
        });
    }
    let manifest = manifest(&stacks);
    let manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| SynthError::Render { stack: MANIFEST_FILE.into(), message: e.to_string() })?;
    files.insert(MANIFEST_FILE.to_owned(), manifest + "\n");
    for (path, content) in extra {
        files.insert(path.clone(), content.clone());
    }
    Ok(Assembly { stacks, files })
}

fn render(stack: &str, template: &Value, format: Format) -> Result<String, SynthError> {
    let rendered = match format {
        Format::Json => serde_json::to_string_pretty(template).map(|s| s + "\n").map_err(|e| e.to_string()),
        Format::Yaml => Ok(crate::yaml::to_string(template)),
    };
    rendered.map_err(|message| SynthError::Render { stack: stack.to_owned(), message })
}

/// The AWS CDK cloud-assembly manifest: one `aws:cloudformation:stack` artifact per stack,
/// in deploy order, with its dependencies, so that `cdk ls` and `cdk deploy --app <dir>`
/// work on the output directory.
fn manifest(stacks: &[SynthesizedStack]) -> Value {
    let artifacts: serde_json::Map<String, Value> = stacks
        .iter()
        .map(|s| {
            let mut artifact = json!({
                "type": "aws:cloudformation:stack",
                "environment": "aws://unknown-account/unknown-region",
                "properties": {"templateFile": s.template_file},
                "displayName": s.name,
            });
            if !s.dependencies.is_empty() {
                artifact["dependencies"] = json!(s.dependencies.keys().collect::<Vec<_>>());
            }
            (s.name.clone(), artifact)
        })
        .collect();
    json!({"version": CLOUD_ASSEMBLY_VERSION, "artifacts": artifacts})
}

impl Assembly {
    /// The stacks, in deploy order.
    pub fn stacks(&self) -> &[SynthesizedStack] {
        &self.stacks
    }

    /// The stack with the given name.
    pub fn stack(&self, name: &str) -> Option<&SynthesizedStack> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// Every file of the output directory: relative path -> content.
    pub fn files(&self) -> &IndexMap<String, String> {
        &self.files
    }

    /// Writes the assembly to `dir`, all or nothing.
    ///
    /// The files are written to a temporary sibling directory first, which then replaces
    /// `dir`. An existing `dir` is replaced only when it is empty or holds an earlier
    /// assembly (a `manifest.json`), so a mistyped `-o` never deletes unrelated files.
    pub fn write_to(&self, dir: impl AsRef<Path>) -> io::Result<()> {
        let dir = dir.as_ref();
        if dir.exists() && !replaceable(dir)? {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!(
                    "{} exists and is not an empty directory or an earlier eks-blueprint output (no {MANIFEST_FILE}); refusing to replace it",
                    dir.display()
                ),
            ));
        }
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)?;
        let base = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
        let staging = parent.join(format!(".{base}.tmp-{}", std::process::id()));
        let result = self.write_files(&staging).and_then(|()| swap_in(&staging, dir, &parent, &base));
        if result.is_err() {
            let _ = fs::remove_dir_all(&staging);
        }
        result
    }

    fn write_files(&self, staging: &Path) -> io::Result<()> {
        if staging.exists() {
            fs::remove_dir_all(staging)?;
        }
        fs::create_dir_all(staging)?;
        for (path, content) in &self.files {
            let target = staging.join(path);
            if let Some(p) = target.parent() {
                fs::create_dir_all(p)?;
            }
            fs::write(target, content)?;
        }
        Ok(())
    }
}

fn replaceable(dir: &Path) -> io::Result<bool> {
    if !dir.is_dir() {
        return Ok(false);
    }
    Ok(dir.join(MANIFEST_FILE).is_file() || fs::read_dir(dir)?.next().is_none())
}

fn swap_in(staging: &Path, dir: &Path, parent: &Path, base: &str) -> io::Result<()> {
    if dir.exists() {
        let old = parent.join(format!(".{base}.old-{}", std::process::id()));
        fs::rename(dir, &old)?;
        if let Err(e) = fs::rename(staging, dir) {
            let _ = fs::rename(&old, dir);
            return Err(e);
        }
        fs::remove_dir_all(old)
    } else {
        fs::rename(staging, dir)
    }
}
