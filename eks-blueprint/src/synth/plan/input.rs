//! What a plan is made from: the stacks of an output in deploy order (name, template file,
//! template, size, dependencies) and its other files.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use crate::synth::assembly::MANIFEST_FILE;
use crate::synth::diff::{DiffError, Templates};
use crate::synth::Assembly;

/// One stack of an output.
#[derive(Debug, Clone)]
pub struct PlanStack<'a> {
    /// The stack name.
    pub name: String,
    /// The template file, relative to the output directory.
    pub template_file: String,
    /// The template.
    pub template: Cow<'a, Value>,
    /// The template file's size in bytes.
    pub bytes: usize,
    /// The stacks it depends on.
    pub dependencies: Vec<String>,
}

impl PlanStack<'_> {
    /// The template's resources: logical id -> resource.
    pub(crate) fn resources(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.template.get("Resources").and_then(Value::as_object).into_iter().flatten()
    }

    /// Whether the template has a resource of this type.
    pub(crate) fn has_type(&self, types: &[&str]) -> bool {
        self.resources().any(|(_, r)| r.get("Type").and_then(Value::as_str).is_some_and(|t| types.contains(&t)))
    }

    /// Whether the template has this output.
    pub(crate) fn has_output(&self, key: &str) -> bool {
        self.template.get("Outputs").and_then(Value::as_object).is_some_and(|o| o.contains_key(key))
    }
}

/// An output, as a plan reads it.
#[derive(Debug, Clone, Default)]
pub struct PlanInput<'a> {
    /// The stacks, in the manifest's deploy order.
    pub stacks: Vec<PlanStack<'a>>,
    /// The other files (path -> content); empty when unknown (a cloud assembly without
    /// eks-blueprint's marker).
    pub files: Cow<'a, IndexMap<String, String>>,
}

impl<'a> PlanInput<'a> {
    /// A synthesis in memory.
    pub fn from_assembly(assembly: &'a Assembly) -> PlanInput<'a> {
        let stacks = assembly
            .stacks()
            .iter()
            .map(|s| PlanStack {
                name: s.name.clone(),
                template_file: s.template_file.clone(),
                template: Cow::Borrowed(&s.template),
                bytes: assembly.files().get(&s.template_file).map_or(0, String::len),
                dependencies: s.dependencies.keys().cloned().collect(),
            })
            .collect();
        PlanInput { stacks, files: Cow::Borrowed(assembly.files()) }
    }

    /// An output directory, read as `diff` reads one ([`Templates::read_dir`]), with the
    /// stacks' dependencies and template files from its `manifest.json`.
    pub fn read_dir(dir: &Path) -> Result<PlanInput<'static>, DiffError> {
        let templates = Templates::read_dir(dir)?;
        let manifest_path = dir.join(MANIFEST_FILE);
        let io = |source| DiffError::Io { path: manifest_path.clone(), source };
        // Read and checked by `Templates::read_dir` just before.
        let manifest: Value = serde_json::from_str(&fs::read_to_string(&manifest_path).map_err(io)?)
            .map_err(|e| DiffError::Io { path: manifest_path.clone(), source: e.into() })?;
        let artifacts = manifest.get("artifacts").and_then(Value::as_object).cloned().unwrap_or_default();
        let is_stack = |a: &Value| a.get("type").and_then(Value::as_str) == Some("aws:cloudformation:stack");
        // Dependencies name artifact ids; a stack's name is its `stackName`, else its id.
        let names: IndexMap<&str, &str> = artifacts
            .iter()
            .filter(|(_, a)| is_stack(a))
            .map(|(id, a)| (id.as_str(), a.pointer("/properties/stackName").and_then(Value::as_str).unwrap_or(id)))
            .collect();
        let mut stacks = Vec::new();
        for (id, artifact) in &artifacts {
            let Some(name) = names.get(id.as_str()).map(|n| (*n).to_owned()) else { continue };
            let Some(template) = templates.stack(&name) else { continue };
            let template_file =
                artifact.pointer("/properties/templateFile").and_then(Value::as_str).unwrap_or_default().to_owned();
            let path = dir.join(&template_file);
            let bytes = fs::metadata(&path).map_err(|source| DiffError::Io { path, source })?.len();
            let dependencies = artifact
                .get("dependencies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(|d| names.get(d).map(|n| (*n).to_owned()))
                .collect();
            stacks.push(PlanStack {
                name,
                template_file,
                template: Cow::Owned(template.clone()),
                bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
                dependencies,
            });
        }
        let files = templates.files().cloned().unwrap_or_default();
        Ok(PlanInput { stacks, files: Cow::Owned(files) })
    }

    /// The stack with this name.
    pub(crate) fn stack(&self, name: &str) -> Option<&PlanStack<'a>> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// The stacks that depend on `name`, directly or not.
    pub(crate) fn dependents(&self, name: &str) -> Vec<&str> {
        let mut found: Vec<&str> = Vec::new();
        let mut queue = vec![name];
        while let Some(current) = queue.pop() {
            for s in &self.stacks {
                if s.dependencies.iter().any(|d| d == current) && !found.contains(&s.name.as_str()) {
                    found.push(&s.name);
                    queue.push(&s.name);
                }
            }
        }
        found
    }
}
