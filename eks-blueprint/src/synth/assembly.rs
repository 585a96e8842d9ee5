//! The synthesized output: one template per stack, the cloud-assembly manifest, and any
//! Kubernetes manifests, in memory until written (all or nothing, by [`super::output`]).

use std::path::Path;

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::output::{self, OutputError, WriteOptions};
use super::resolve::ResolvedStack;
use super::{quota_sources, QuotaSource, SynthError, MAX_INLINE_TEMPLATE_BYTES, MAX_TEMPLATE_BYTES};

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

/// A synthesized stack: its name, its template as a [`serde_json::Value`] (the same content
/// as the template file, in either [`Format`]), and what it depends on. Get one with
/// [`Assembly::stack`] or [`Assembly::stacks`]; for a user's own tests of a blueprint, the
/// template is plain JSON to index into (see the example of [`Assembly::stack`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    environment: Option<&str>,
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
                sources: size_sources(&stack, body.len()),
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
    let manifest = manifest(&stacks, environment.unwrap_or(UNKNOWN_ENVIRONMENT));
    let manifest = serde_json::to_string_pretty(&manifest)
        .map_err(|e| SynthError::Render { stack: MANIFEST_FILE.into(), message: e.to_string() })?;
    files.insert(MANIFEST_FILE.to_owned(), manifest + "\n");
    for (path, content) in extra {
        files.insert(path.clone(), content.clone());
    }
    let mut assembly = Assembly { stacks, files };
    // The plan reads every other file (the scripts of its manual steps), so it comes last.
    let plan = super::plan::Plan::from_assembly(&assembly, "")
        .map_err(|e| SynthError::Render { stack: super::plan::DEPLOY_FILE.into(), message: e.to_string() })?;
    assembly.files.insert(super::plan::DEPLOY_FILE.to_owned(), plan.to_markdown());
    Ok(assembly)
}

/// The template's bytes by origin: each resource's share of the body, in proportion to
/// its compact JSON (so the amounts add up to about the body's size).
fn size_sources(stack: &ResolvedStack, body: usize) -> Vec<QuotaSource> {
    let Some(resources) = stack.template.get("Resources").and_then(Value::as_object) else {
        return Vec::new();
    };
    let sizes: Vec<(&String, usize)> =
        resources.iter().map(|(id, r)| (id, id.len() + serde_json::to_string(r).map_or(0, |s| s.len()))).collect();
    let total: usize = sizes.iter().map(|(_, n)| n).sum::<usize>().max(1);
    let share = |n: usize| (n as u128 * body as u128 / total as u128) as usize;
    quota_sources(sizes.into_iter().map(|(id, n)| (id, share(n))), &stack.origins)
}

/// A template's text. JSON is pretty-printed, unless that makes it pass a limit the compact
/// form stays within: the 51,200 bytes CloudFormation takes inline
/// ([`MAX_INLINE_TEMPLATE_BYTES`]: a template within it deploys without an S3 bucket), or the
/// 1,000,000 bytes it takes from S3 ([`MAX_TEMPLATE_BYTES`]). Templates under the inline
/// limit, every example's among them, stay readable.
fn render(stack: &str, template: &Value, format: Format) -> Result<String, SynthError> {
    let failed = |e: serde_json::Error| SynthError::Render { stack: stack.to_owned(), message: e.to_string() };
    match format {
        Format::Json => {
            let pretty = serde_json::to_string_pretty(template).map_err(failed)? + "\n";
            if pretty.len() <= MAX_INLINE_TEMPLATE_BYTES {
                return Ok(pretty);
            }
            let compact = serde_json::to_string(template).map_err(failed)? + "\n";
            let fits = |limit: usize| pretty.len() > limit && compact.len() <= limit;
            Ok(if fits(MAX_INLINE_TEMPLATE_BYTES) || fits(MAX_TEMPLATE_BYTES) { compact } else { pretty })
        }
        Format::Yaml => Ok(crate::yaml::to_string(template)),
    }
}

/// The environment of a stack whose account and Region are not known at synthesis, as the
/// AWS CDK writes it: the account and Region deploying decide.
pub const UNKNOWN_ENVIRONMENT: &str = "aws://unknown-account/unknown-region";

/// The AWS CDK cloud-assembly manifest: one `aws:cloudformation:stack` artifact per stack,
/// in deploy order, with its dependencies, so that `cdk ls` and `cdk deploy --app <dir>`
/// work on the output directory.
fn manifest(stacks: &[SynthesizedStack], environment: &str) -> Value {
    let artifacts: serde_json::Map<String, Value> = stacks
        .iter()
        .map(|s| {
            let mut artifact = json!({
                "type": "aws:cloudformation:stack",
                "environment": environment,
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

    /// The stack with the given name (`<blueprint>-network`, `-cluster`, `-compute`, ...,
    /// or `<blueprint>` alone with `stackLayout: single`).
    ///
    /// Its [`template`](SynthesizedStack::template) is a [`serde_json::Value`], which is
    /// how a test of your own blueprint reads what will be deployed:
    ///
    /// ```
    /// use eks_blueprint::{AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Format, ManagedNodeGroup};
    ///
    /// let blueprint = Blueprint::builder("demo")
    ///     .cluster(ClusterSpec::builder().access_entry(
    ///         AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
    ///     ))
    ///     .managed_node_group(ManagedNodeGroup::builder("general").min_size(2).max_size(6))
    ///     .build()?;
    /// let assembly = blueprint.synth(Format::Json)?;
    /// let compute = assembly.stack("demo-compute").expect("a compute stack");
    /// let template: &serde_json::Value = &compute.template;
    /// let scaling = &template["Resources"]["NodegroupGeneral"]["Properties"]["ScalingConfig"];
    /// assert_eq!(scaling["MinSize"], 2);
    /// assert_eq!(scaling["MaxSize"], 6);
    /// // The compute stack imports from the cluster and network stacks.
    /// assert!(compute.dependencies.contains_key("demo-cluster"));
    /// # Ok::<(), eks_blueprint::Error>(())
    /// ```
    pub fn stack(&self, name: &str) -> Option<&SynthesizedStack> {
        self.stacks.iter().find(|s| s.name == name)
    }

    /// Every file of the output directory: relative path -> content. Writing adds one more,
    /// the marker [`MARKER_FILE`](super::MARKER_FILE), which lists these files.
    pub fn files(&self) -> &IndexMap<String, String> {
        &self.files
    }

    /// Writes the assembly to `dir`, all or nothing; see
    /// [`write_to_with`](Assembly::write_to_with).
    pub fn write_to(&self, dir: impl AsRef<Path>) -> Result<(), OutputError> {
        self.write_to_with(dir, &WriteOptions::new())
    }

    /// Writes the assembly to `dir`, all or nothing, with a marker ([`MARKER_FILE`](super::MARKER_FILE)) that
    /// lists every file written, so that a later run recognizes its own output.
    ///
    /// A missing `dir` is created (with its parents); an existing one is filled in place
    /// when it is empty or holds exactly an earlier output, unchanged. Anything else is
    /// refused before any change ([`OutputError::Refused`]): a directory without the
    /// marker, a changed or added file, a directory holding one of `options`' inputs or the
    /// current directory. A symbolic link is followed: the directory it leads to is
    /// written, and the link stays. On any failure every change is undone: an earlier
    /// output is back as it was, and nothing created for the attempt remains. The rules
    /// in full are in the [`output`](super::output) module.
    pub fn write_to_with(&self, dir: impl AsRef<Path>, options: &WriteOptions) -> Result<(), OutputError> {
        output::write(dir.as_ref(), &self.files, options, &mut output::RealFs)
    }
}
