//! What deploying a new output over an old one would do, stack by stack: the resources
//! CloudFormation would add, remove, update in place or **replace**, and the changes it
//! would refuse.
//!
//! [`diff`] compares two [`Templates`] (an output directory read back with
//! [`Templates::read_dir`], or a synthesis in memory with [`Templates::from_assembly`]),
//! taking the old one to be what is deployed. For every stack it lists:
//!
//! - resources added, removed, updated and replaced, each property change as a path with
//!   its old and new value, and whether it replaces the resource. That comes from the
//!   official CloudFormation resource schemas ([`create_only`]): a change under a
//!   `createOnlyProperties` pointer replaces the resource, one under a
//!   `conditionalCreateOnlyProperties` pointer may;
//! - replacements that follow from others: a resource whose create-only property refers
//!   (`Ref`, `Fn::GetAtt`, `Fn::Sub`) to a replaced resource of its stack is replaced too,
//!   since the reference's value changes; a reference from an in-place property is an
//!   in-place update;
//! - a logical id that changes (a removed and an added resource of one type with the same
//!   properties): CloudFormation creates the new one and deletes the old one, a
//!   replacement;
//! - changes to `DeletionPolicy`, `UpdateReplacePolicy`, `DependsOn`, `Condition`,
//!   `Metadata`, `UpdatePolicy` and `CreationPolicy`, outputs and exports, other template
//!   sections, and the other files of the output (Kubernetes manifests);
//! - deploy blockers, changes CloudFormation refuses: a changed resource type; an export
//!   another stack imports that is removed or whose value changes; a replacement that
//!   keeps a custom name (all of the type's primary identifier unchanged); a subnet created
//!   with a CIDR that overlaps one still in place until the update's cleanup;
//! - renamed stacks (an old and a new stack sharing most logical ids, as when the
//!   blueprint's `name` changes): deploying creates every resource anew in the new stack
//!   and leaves the old stack as it is.
//!
//! Each change has a [`Severity`]; changes are listed worst first: replacement of a
//! stateful resource ([`STATEFUL_TYPES`]), other replacements, blockers, removals, in-place
//! updates, additions.
//!
//! Not detected (the schemas do not say, or only the deploy knows): updates that interrupt
//! a resource without replacing it ("Update requires: Some interruptions"); whether a
//! conditional replacement happens; values that change at deploy time outside a stack
//! (an `Fn::ImportValue` of an export whose value changes upstream is reported on the
//! export, not on its importers; parameters and SSM values); the replacement of a resource
//! type that is not in the table (custom resources, newer types).

pub mod create_only;
mod input;
mod text;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

pub use create_only::Replacement;
pub use input::{DiffError, Templates};
pub use text::TextOptions;

use create_only::{matches_prefix, segments};

/// The version of the JSON form of a [`Diff`] ([`Diff::to_json`]): raised when a field
/// changes meaning or goes away (new fields may appear without it).
pub const JSON_FORMAT: u32 = 1;

/// Resource types whose replacement loses state or breaks what names them outside the
/// stack, each with what is lost. Their replacement is listed first, in red.
pub const STATEFUL_TYPES: &[(&str, &str)] = &[
    (
        "AWS::EKS::Cluster",
        "a new control plane: every Kubernetes object in the cluster (workloads, secrets, custom resources) is lost and every node must join the new one",
    ),
    (
        "AWS::KMS::Key",
        "a new key: what the old key encrypted (the cluster's secrets, logs) can no longer be read once the old key is deleted",
    ),
    ("AWS::Logs::LogGroup", "a new log group: the log history stays in the old one, or is deleted with it"),
    (
        "AWS::EC2::VPC",
        "a new VPC: everything in it (subnets, NAT gateways, the cluster's network interfaces, load balancers) must be recreated",
    ),
    ("AWS::EC2::VPCCidrBlock", "a new CIDR block: the subnets and pod addresses in it must be recreated"),
    ("AWS::EC2::Subnet", "a new subnet: the nodes, pods and load balancers in it lose their addresses"),
    ("AWS::EKS::Nodegroup", "new nodes: every node of the group is drained and terminated, its pods rescheduled"),
    ("AWS::AutoScaling::AutoScalingGroup", "new instances: every node of the group is terminated"),
    ("AWS::EKS::FargateProfile", "the pods running on Fargate through the profile are deleted with it"),
    (
        "AWS::IAM::Role",
        "a new role ARN: what names the old ARN outside the stack (trust policies, service account annotations) stops working",
    ),
    ("AWS::EC2::EIP", "a new public address: allow-lists that name the old address stop matching"),
];

/// Why a resource type is stateful ([`STATEFUL_TYPES`]), or `None`.
pub fn stateful(type_name: &str) -> Option<&'static str> {
    STATEFUL_TYPES.iter().find(|(t, _)| *t == type_name).map(|(_, why)| *why)
}

/// How bad a change is, worst first (the order changes are listed in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// A stateful resource ([`STATEFUL_TYPES`]) is replaced.
    StatefulReplacement,
    /// Another resource is replaced.
    Replacement,
    /// A change CloudFormation refuses: the deploy would fail.
    Blocker,
    /// A resource or output is removed.
    Removal,
    /// Updated in place.
    Update,
    /// Added.
    Addition,
}

impl Severity {
    /// The name used in the JSON form: `stateful-replacement`, `replacement`, `blocker`,
    /// `removal`, `update`, `addition`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::StatefulReplacement => "stateful-replacement",
            Severity::Replacement => "replacement",
            Severity::Blocker => "blocker",
            Severity::Removal => "removal",
            Severity::Update => "update",
            Severity::Addition => "addition",
        }
    }
}

/// What happens to a resource, output or file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Created.
    Add,
    /// Deleted (or retained, by its `DeletionPolicy`).
    Remove,
    /// Updated in place.
    Update,
    /// Replaced: a new physical resource, then the old one deleted (or retained).
    Replace,
}

impl Action {
    /// `add`, `remove`, `update`, `replace`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Remove => "remove",
            Action::Update => "update",
            Action::Replace => "replace",
        }
    }
}

/// What happens to a stack as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StackStatus {
    /// Only in the new output: created.
    Added,
    /// Only in the old output. Deploying the new output does not delete it.
    Removed,
    /// In the new output under a new name ([`StackDiff::renamed_from`]): a new stack, all
    /// of whose resources are created anew; the old stack stays until deleted.
    Renamed,
    /// In both, with differences.
    Changed,
    /// In both, the same.
    Unchanged,
}

/// The difference of one property, or of a reference whose value changes at deploy.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PropertyChange {
    /// The path below `Properties`, as a JSON pointer (`/ScalingConfig/DesiredSize`).
    pub path: String,
    /// The old value; absent when the property is new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value; absent when the property is removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// Whether the change replaces the resource.
    pub replacement: Replacement,
    /// The schema's create-only (or conditional) pointer that makes it so.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_only: Option<String>,
    /// For a reference whose text is unchanged: the replaced resource it refers to, whose
    /// new physical id or attributes change its value at deploy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

/// The difference of a resource attribute outside `Properties` (`DeletionPolicy`, ...).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributeChange {
    /// The attribute.
    pub name: String,
    /// The old value, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value, when set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// What happens to one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceChange {
    /// The logical id (in the new template, for a replacement under a new id).
    pub logical_id: String,
    /// The resource type (the new one, when it changes).
    #[serde(rename = "type")]
    pub resource_type: String,
    /// What happens.
    pub action: Action,
    /// How bad it is.
    pub severity: Severity,
    /// Whether it is replaced; `conditional` when only a conditional create-only property
    /// changes.
    pub replacement: Replacement,
    /// What is lost when it is replaced (a [`STATEFUL_TYPES`] entry).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stateful: Option<String>,
    /// For a resource whose logical id changed: the old one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// Why it is replaced, one sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
    /// Why CloudFormation would refuse the change, one sentence each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<String>,
    /// Other things to know (a type the schema table does not know).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The properties that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<PropertyChange>,
    /// The attributes that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attributes: Vec<AttributeChange>,
    /// For a replacement or removal: what becomes of the old physical resource (`deleted`,
    /// `retained`, `snapshot`, or `kept` in a renamed stack's old stack).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_resource: Option<&'static str>,
    /// Whether this replacement was acknowledged ([`Diff::acknowledge`]).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub acknowledged: bool,
}

/// What happens to one output.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputChange {
    /// The output's logical name.
    pub name: String,
    /// What happens.
    pub action: Action,
    /// How bad it is: `blocker`, `removal`, `update` or `addition`.
    pub severity: Severity,
    /// The export name (the new one, or the old one when it goes away).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<String>,
    /// The old `Value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new `Value`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// The replaced resource whose new identity changes the value at deploy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The stacks of the old output that import the export.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub imported_by: Vec<String>,
    /// Why CloudFormation would refuse the change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<String>,
}

/// A change to another section of a template (`Parameters`, `Conditions`, `Mappings`,
/// `Rules`, `Transform`, `Metadata`, `Description`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionChange {
    /// The section.
    pub section: String,
    /// The entry of the section (a parameter's name); absent for a section that is one value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What happens.
    pub action: Action,
}

/// What happens to one stack.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackDiff {
    /// The stack name (the new one).
    pub name: String,
    /// What happens to it.
    pub status: StackStatus,
    /// For a renamed stack: the old stack's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The resources that change, worst first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<ResourceChange>,
    /// The outputs that change, worst first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<OutputChange>,
    /// Changes to other sections.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<SectionChange>,
}

impl StackDiff {
    /// The worst severity of its changes, if any.
    pub fn worst(&self) -> Option<Severity> {
        self.resources.iter().map(|r| r.severity).chain(self.outputs.iter().map(|o| o.severity)).min()
    }
}

/// A change to another file of the output (a Kubernetes manifest, a script).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileChange {
    /// The path inside the output directory.
    pub path: String,
    /// `add`, `remove` or `update`.
    pub action: Action,
}

/// Counts over a whole diff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Resources replaced (including conditional replacements and renamed stacks).
    pub replacements: usize,
    /// Of those, stateful ones.
    pub stateful_replacements: usize,
    /// Of those, acknowledged ones.
    pub acknowledged: usize,
    /// Resources and outputs with a deploy blocker.
    pub blockers: usize,
    /// Resources removed.
    pub removed: usize,
    /// Resources updated in place.
    pub updated: usize,
    /// Resources added.
    pub added: usize,
    /// Outputs added, removed or changed.
    pub outputs: usize,
    /// Other template sections changed.
    pub sections: usize,
    /// Other files added, removed or changed.
    pub files: usize,
    /// Stacks by status.
    pub stacks: StackCounts,
}

/// Stacks by [`StackStatus`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StackCounts {
    /// New stacks.
    pub added: usize,
    /// Stacks gone.
    pub removed: usize,
    /// Stacks under a new name.
    pub renamed: usize,
    /// Stacks with differences.
    pub changed: usize,
    /// Stacks without.
    pub unchanged: usize,
}

/// The difference between two outputs. Build it with [`diff`]; print it with
/// [`Diff::to_text`] or [`Diff::to_json`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// [`JSON_FORMAT`].
    pub format: u32,
    /// The old output's label (a directory).
    pub old: String,
    /// The new output's label (a directory or blueprint file).
    pub new: String,
    /// The table of create-only properties used.
    pub schemas: SchemaSource,
    /// Counts.
    pub summary: Summary,
    /// What applies to the whole diff (renamed stacks), most important first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Every stack: the new output's in deploy order, then those removed.
    pub stacks: Vec<StackDiff>,
    /// Other files; absent when one side's files are unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileChange>>,
}

/// Where the table of create-only properties comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemaSource {
    /// The cfn-lint version whose schemas the table was generated from.
    pub cfn_lint: &'static str,
    /// The schemas' date.
    pub schema_date: &'static str,
}

impl Diff {
    /// Whether the outputs differ in anything.
    pub fn has_differences(&self) -> bool {
        let s = &self.summary;
        self.stacks.iter().any(|st| st.status != StackStatus::Unchanged) || s.files > 0
    }

    /// Whether a CI gate (`--fail-on-replace`) should stop: a replacement that was not
    /// acknowledged, or a deploy blocker.
    pub fn gate_fails(&self) -> bool {
        self.summary.replacements > self.summary.acknowledged || self.summary.blockers > 0
    }

    /// Marks the replacements named in `ids` as acknowledged: `STACK/LOGICAL_ID`, or
    /// `LOGICAL_ID` for that id in any stack. Returns the ids that name no replacement.
    pub fn acknowledge<S: AsRef<str>>(&mut self, ids: &[S]) -> Vec<String> {
        let mut used = vec![false; ids.len()];
        for stack in &mut self.stacks {
            for r in &mut stack.resources {
                if r.replacement == Replacement::None {
                    continue;
                }
                for (i, id) in ids.iter().enumerate() {
                    let id = id.as_ref();
                    let hit = match id.split_once('/') {
                        Some((s, l)) => s == stack.name && l == r.logical_id,
                        None => id == r.logical_id,
                    };
                    if hit {
                        r.acknowledged = true;
                        used[i] = true;
                    }
                }
            }
        }
        self.summary = summarize(&self.stacks, self.files.as_deref());
        ids.iter().zip(used).filter(|(_, u)| !u).map(|(id, _)| id.as_ref().to_owned()).collect()
    }

    /// The JSON form: this struct, camelCase, stable within a [`JSON_FORMAT`]
    /// (documented in docs/cli.md).
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The JSON form as pretty-printed text, with a final newline.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).map(|s| s + "\n").unwrap_or_default()
    }

    /// The human form; see [`TextOptions`].
    pub fn to_text(&self, options: &TextOptions) -> String {
        text::render(self, options)
    }

    /// The one-line summary (`--quiet`).
    pub fn summary_line(&self) -> String {
        text::summary_line(self)
    }
}

/// Compares two outputs, the old one taken to be what is deployed.
pub fn diff(old: &Templates, new: &Templates) -> Diff {
    let imports = imports_by_export(old);
    let mut stacks = Vec::new();
    let old_only: Vec<&str> = old.stacks().map(|(n, _)| n).filter(|n| new.stack(n).is_none()).collect();
    let new_only: Vec<&str> = new.stacks().map(|(n, _)| n).filter(|n| old.stack(n).is_none()).collect();
    let renames = pair_renamed_stacks(old, new, &old_only, &new_only);
    let mut notes = rename_notes(&renames, old, new);

    for (name, template) in new.stacks() {
        let stack = if let Some(old_template) = old.stack(name) {
            diff_stack(name, Some(old_template), template, None, &imports)
        } else if let Some((from, _)) = renames.iter().find(|(_, to)| *to == name) {
            let old_template = old.stack(from).unwrap_or(&Value::Null);
            diff_stack(name, Some(old_template), template, Some(from), &imports)
        } else {
            diff_stack(name, None, template, None, &imports)
        };
        stacks.push(stack);
    }
    for name in &old_only {
        if renames.iter().any(|(from, _)| from == name) {
            continue;
        }
        if let Some(template) = old.stack(name) {
            stacks.push(removed_stack(name, template));
        }
    }
    if stacks.iter().any(|s| s.status == StackStatus::Removed) {
        notes.push(
            "a stack only in the old output is not deleted by deploying the new one; deleting it deletes its resources, except those its DeletionPolicy retains"
                .to_owned(),
        );
    }
    let files = match (old.files(), new.files()) {
        (Some(o), Some(n)) => Some(diff_files(o, n)),
        _ => None,
    };
    let summary = summarize(&stacks, files.as_deref());
    Diff {
        format: JSON_FORMAT,
        old: old.label().to_owned(),
        new: new.label().to_owned(),
        schemas: SchemaSource { cfn_lint: create_only::cfn_lint_version(), schema_date: create_only::schema_date() },
        summary,
        notes,
        stacks,
        files,
    }
}

fn summarize(stacks: &[StackDiff], files: Option<&[FileChange]>) -> Summary {
    let mut s = Summary::default();
    for stack in stacks {
        match stack.status {
            StackStatus::Added => s.stacks.added += 1,
            StackStatus::Removed => s.stacks.removed += 1,
            StackStatus::Renamed => s.stacks.renamed += 1,
            StackStatus::Changed => s.stacks.changed += 1,
            StackStatus::Unchanged => s.stacks.unchanged += 1,
        }
        for r in &stack.resources {
            if r.replacement != Replacement::None {
                s.replacements += 1;
                s.stateful_replacements += usize::from(r.stateful.is_some());
                s.acknowledged += usize::from(r.acknowledged);
            } else {
                match r.action {
                    Action::Add => s.added += 1,
                    Action::Remove => s.removed += 1,
                    Action::Update | Action::Replace => s.updated += 1,
                }
            }
            s.blockers += usize::from(!r.blockers.is_empty());
        }
        s.outputs += stack.outputs.len();
        s.blockers += stack.outputs.iter().filter(|o| !o.blockers.is_empty()).count();
        s.sections += stack.sections.len();
    }
    s.files = files.map_or(0, <[FileChange]>::len);
    s
}

// --- stacks -----------------------------------------------------------------------------

/// Export name -> the stacks of `templates` that import it (`Fn::ImportValue` of a literal
/// name).
fn imports_by_export(templates: &Templates) -> BTreeMap<String, Vec<String>> {
    let mut imports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (stack, template) in templates.stacks() {
        let mut names = BTreeSet::new();
        collect_imports(template, &mut names);
        for name in names {
            imports.entry(name).or_default().push(stack.to_owned());
        }
    }
    imports
}

fn collect_imports(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(name))) = (map.len(), map.get("Fn::ImportValue")) {
                out.insert(name.clone());
            }
            map.values().for_each(|v| collect_imports(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_imports(v, out)),
        _ => {}
    }
}

/// Pairs stacks only in the old output with stacks only in the new one that share most of
/// their resources (logical id and type): a rename. Returns `(old, new)` pairs.
fn pair_renamed_stacks<'a>(
    old: &'a Templates,
    new: &'a Templates,
    old_only: &[&'a str],
    new_only: &[&'a str],
) -> Vec<(&'a str, &'a str)> {
    let keys = |t: &Value| -> BTreeSet<(String, String)> {
        resources(t).iter().map(|(id, r)| (id.clone(), type_of(r).to_owned())).collect()
    };
    let mut pairs = Vec::new();
    let mut taken = BTreeSet::new();
    for &to in new_only {
        let Some(new_keys) = new.stack(to).map(keys) else { continue };
        let best = old_only
            .iter()
            .filter(|from| !taken.contains(*from))
            .filter_map(|&from| {
                let old_keys = keys(old.stack(from)?);
                let shared = old_keys.intersection(&new_keys).count();
                let larger = old_keys.len().max(new_keys.len());
                (shared > 0 && shared * 2 >= larger).then_some((shared, from))
            })
            .max_by_key(|(shared, _)| *shared);
        if let Some((_, from)) = best {
            taken.insert(from);
            pairs.push((from, to));
        }
    }
    pairs
}

/// The note on renamed stacks: one for all when every stack was renamed with one prefix
/// (the blueprint's name), one per stack otherwise.
fn rename_notes(renames: &[(&str, &str)], old: &Templates, new: &Templates) -> Vec<String> {
    if renames.is_empty() {
        return Vec::new();
    }
    let all_renamed = renames.len() == old.stacks().count() && renames.len() == new.stacks().count();
    let prefixes: BTreeSet<(&str, &str)> = renames
        .iter()
        .filter_map(|(from, to)| {
            let suffix = common_suffix(from, to);
            let suffix = &suffix[suffix.find('-').unwrap_or(suffix.len())..];
            Some((from.strip_suffix(suffix)?, to.strip_suffix(suffix)?))
        })
        .collect();
    let consequence = "deploying creates every resource of the new stacks anew (a new VPC, a new cluster) beside the old ones, which keep running until their stacks are deleted";
    if all_renamed && prefixes.len() == 1 {
        if let Some((from, to)) = prefixes.first() {
            if !from.is_empty() && !to.is_empty() {
                return vec![format!(
                    "every stack has a new name: `{from}-*` is now `{to}-*` (the blueprint's name changed); {consequence}"
                )];
            }
        }
    }
    renames.iter().map(|(from, to)| format!("stack `{from}` is now `{to}`: {consequence}")).collect()
}

fn common_suffix<'a>(a: &'a str, b: &str) -> &'a str {
    let n = a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count();
    let mut start = a.len() - n;
    while !a.is_char_boundary(start) {
        start += 1;
    }
    &a[start..]
}

fn resources(template: &Value) -> &Map<String, Value> {
    static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
    template.get("Resources").and_then(Value::as_object).unwrap_or(&EMPTY)
}

fn type_of(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

fn properties(resource: &Value) -> Option<&Value> {
    resource.get("Properties")
}

/// The resource attributes compared besides `Type` and `Properties`.
const ATTRIBUTES: &[&str] =
    &["DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition", "Metadata", "UpdatePolicy", "CreationPolicy"];

/// What becomes of an old resource CloudFormation stops managing, by its policy attribute
/// (`DeletionPolicy` on removal, `UpdateReplacePolicy` on replacement).
fn fate(resource: &Value, policy: &str) -> &'static str {
    match resource.get(policy).and_then(Value::as_str) {
        Some("Retain" | "RetainExceptOnCreate") => "retained",
        Some("Snapshot") => "snapshot",
        _ => "deleted",
    }
}

fn removed_stack(name: &str, template: &Value) -> StackDiff {
    let mut changes: Vec<ResourceChange> = resources(template).iter().map(|(id, r)| removal(id, r)).collect();
    for c in &mut changes {
        c.old_resource = Some("kept");
    }
    let outputs = template
        .get("Outputs")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(n, out)| OutputChange {
                    name: n.clone(),
                    action: Action::Remove,
                    severity: Severity::Removal,
                    export: export_name(out),
                    old: out.get("Value").cloned(),
                    new: None,
                    via: None,
                    imported_by: Vec::new(),
                    blockers: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    StackDiff {
        name: name.to_owned(),
        status: StackStatus::Removed,
        renamed_from: None,
        resources: changes,
        outputs,
        sections: Vec::new(),
    }
}

fn removal(id: &str, resource: &Value) -> ResourceChange {
    ResourceChange {
        logical_id: id.to_owned(),
        resource_type: type_of(resource).to_owned(),
        action: Action::Remove,
        severity: Severity::Removal,
        replacement: Replacement::None,
        stateful: None,
        renamed_from: None,
        causes: Vec::new(),
        blockers: Vec::new(),
        notes: Vec::new(),
        properties: Vec::new(),
        attributes: Vec::new(),
        old_resource: Some(fate(resource, "DeletionPolicy")),
        acknowledged: false,
    }
}

fn addition(id: &str, resource: &Value) -> ResourceChange {
    ResourceChange {
        logical_id: id.to_owned(),
        resource_type: type_of(resource).to_owned(),
        action: Action::Add,
        severity: Severity::Addition,
        replacement: Replacement::None,
        stateful: None,
        renamed_from: None,
        causes: Vec::new(),
        blockers: Vec::new(),
        notes: Vec::new(),
        properties: Vec::new(),
        attributes: Vec::new(),
        old_resource: None,
        acknowledged: false,
    }
}

/// One stack: `old` is `None` for an added stack; `renamed_from` names the old stack of a
/// renamed one.
fn diff_stack(
    name: &str,
    old: Option<&Value>,
    new: &Value,
    renamed_from: Option<&str>,
    imports: &BTreeMap<String, Vec<String>>,
) -> StackDiff {
    let Some(old) = old else {
        let resources = resources(new).iter().map(|(id, r)| addition(id, r)).collect();
        let outputs = diff_outputs(name, &Value::Null, new, &BTreeMap::new(), imports);
        return StackDiff {
            name: name.to_owned(),
            status: StackStatus::Added,
            renamed_from: None,
            resources,
            outputs,
            sections: Vec::new(),
        };
    };
    let old_resources = resources(old);
    let new_resources = resources(new);
    let mut changes: IndexMap<String, ResourceChange> = IndexMap::new();
    let mut added: Vec<&String> = Vec::new();

    for (id, new_r) in new_resources {
        match old_resources.get(id) {
            Some(old_r) => {
                if let Some(change) = diff_resource(id, old_r, new_r) {
                    changes.insert(id.clone(), change);
                }
            }
            None => added.push(id),
        }
    }
    let mut removed: Vec<&String> = old_resources.keys().filter(|id| !new_resources.contains_key(*id)).collect();

    // A removed and an added resource of one type with the same properties: a new logical id.
    let mut renamed: Vec<(String, String)> = Vec::new();
    removed.retain(|old_id| {
        let old_r = &old_resources[*old_id];
        let found = added.iter().position(|new_id| {
            let new_r = &new_resources[*new_id];
            type_of(new_r) == type_of(old_r) && properties(new_r) == properties(old_r)
        });
        match found {
            Some(i) => {
                renamed.push(((*old_id).clone(), added.remove(i).clone()));
                false
            }
            None => true,
        }
    });
    for id in &added {
        changes.insert((*id).clone(), addition(id, &new_resources[*id]));
    }
    for (old_id, new_id) in &renamed {
        let new_r = &new_resources[new_id];
        let old_r = &old_resources[old_id];
        let mut change = addition(new_id, new_r);
        change.action = Action::Replace;
        change.replacement = Replacement::Always;
        change.renamed_from = Some(old_id.clone());
        change.causes.push(format!(
            "its logical id changed from `{old_id}`: CloudFormation creates `{new_id}`, then deletes `{old_id}`"
        ));
        change.old_resource = Some(fate(old_r, "DeletionPolicy"));
        changes.insert(new_id.clone(), change);
    }
    for id in &removed {
        changes.insert((*id).clone(), removal(id, &old_resources[*id]));
    }

    if let Some(from) = renamed_from {
        // A new stack: every resource is created anew; the old stack keeps its own, so a
        // custom name that stays the same collides with the old stack's resource.
        let everything: BTreeMap<String, Replacement> =
            new_resources.keys().map(|id| (id.clone(), Replacement::Always)).collect();
        for (id, new_r) in new_resources {
            let Some(old_r) = old_resources.get(id) else { continue };
            let change = changes.entry(id.clone()).or_insert_with(|| addition(id, new_r));
            change.action = Action::Replace;
            change.replacement = Replacement::Always;
            change.causes.insert(0, format!("the stack is new (it was `{from}`): the resource is created anew"));
            change.blockers.clear();
            change.old_resource = Some("kept");
            if let Some(what) = identifier_collision(old_r, new_r, &everything) {
                change.blockers.push(format!(
                    "stack `{from}` still holds a resource with the same custom name ({what}): CloudFormation fails to create this one (already exists); change the name, or delete the old stack first"
                ));
            }
        }
        for id in &removed {
            if let Some(change) = changes.get_mut(*id) {
                change.old_resource = Some("kept");
            }
        }
    } else {
        propagate(old_resources, new_resources, &mut changes);
        let replaced = replaced_ids(&changes);
        for (id, change) in changes.iter_mut() {
            let Some(new_r) = new_resources.get(id) else { continue };
            if change.replacement != Replacement::Always {
                continue;
            }
            if let Some(old_id) = &change.renamed_from {
                if let Some(what) = identifier_collision(new_r, new_r, &replaced) {
                    change.blockers.push(format!(
                        "`{id}` would be created while `{old_id}` still exists, with the same custom name ({what}): CloudFormation fails to create it (already exists); keep the logical id `{old_id}`, or change the name too"
                    ));
                }
                continue;
            }
            let Some(old_r) = old_resources.get(id) else { continue };
            let delete_first = create_only::lookup(type_of(new_r)).is_some_and(|b| b.delete_then_create);
            if delete_first || type_of(old_r) != type_of(new_r) {
                continue;
            }
            if let Some(what) = identifier_collision(old_r, new_r, &replaced) {
                change.blockers.push(format!(
                    "CloudFormation cannot replace a resource whose custom name stays the same ({what}): change the name as well, or undo the change that replaces it"
                ));
            }
        }
        subnet_overlaps(old_resources, new_resources, &mut changes);
    }

    let replaced: BTreeMap<String, Replacement> = changes
        .iter()
        .filter(|(_, c)| c.replacement != Replacement::None)
        .map(|(id, c)| (id.clone(), c.replacement))
        .collect();
    // A renamed stack is a new stack: its outputs and sections are all new, and the old
    // stack's exports stay where they are.
    let (outputs, sections) = if renamed_from.is_some() {
        (Vec::new(), Vec::new())
    } else {
        (diff_outputs(name, old, new, &replaced, imports), diff_sections(old, new))
    };

    // Worst first; within a severity, in template order (removed ones after the others).
    let index = |m: &Map<String, Value>| -> BTreeMap<String, usize> {
        m.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect()
    };
    let (new_index, old_index) = (index(new_resources), index(old_resources));
    let position = |r: &ResourceChange| match new_index.get(&r.logical_id) {
        Some(i) if r.action != Action::Remove => *i,
        _ => new_index.len() + old_index.get(&r.logical_id).copied().unwrap_or(0),
    };
    let mut resources: Vec<ResourceChange> = changes.into_values().map(finish).collect();
    resources.sort_by_key(|r| (r.severity, position(r)));
    let status = match (renamed_from, resources.is_empty() && outputs.is_empty() && sections.is_empty()) {
        (Some(_), _) => StackStatus::Renamed,
        (None, true) => StackStatus::Unchanged,
        (None, false) => StackStatus::Changed,
    };
    StackDiff {
        name: name.to_owned(),
        status,
        renamed_from: renamed_from.map(str::to_owned),
        resources,
        outputs,
        sections,
    }
}

/// Sets the severity and the stateful reason once the replacement is known.
fn finish(mut change: ResourceChange) -> ResourceChange {
    if change.replacement != Replacement::None {
        change.action = Action::Replace;
        change.stateful = stateful(&change.resource_type).map(str::to_owned);
    }
    change.severity = match (change.replacement, change.action) {
        (Replacement::Always | Replacement::Conditional, _) if change.stateful.is_some() => {
            Severity::StatefulReplacement
        }
        (Replacement::Always | Replacement::Conditional, _) => Severity::Replacement,
        _ if !change.blockers.is_empty() => Severity::Blocker,
        (_, Action::Remove) => Severity::Removal,
        (_, Action::Add) => Severity::Addition,
        _ => Severity::Update,
    };
    change
}

/// The changes of a resource present in both templates, or `None` when it is the same.
fn diff_resource(id: &str, old: &Value, new: &Value) -> Option<ResourceChange> {
    let (old_type, new_type) = (type_of(old), type_of(new));
    let mut change = addition(id, new);
    change.action = Action::Update;
    if old_type != new_type {
        change.action = Action::Replace;
        change.replacement = Replacement::Always;
        change.causes.push(format!("its type changes from `{old_type}`"));
        change.blockers.push(format!(
            "CloudFormation refuses to change the type of a resource (`Update of resource type is not permitted`): give the `{new_type}` a new logical id"
        ));
        change.old_resource = Some(fate(new, "UpdateReplacePolicy"));
        return Some(change);
    }
    let behaviour = create_only::lookup(new_type);
    let mut leaves = Vec::new();
    leaf_changes(properties(old), properties(new), &mut Vec::new(), &mut leaves);
    for (path, o, n) in leaves {
        let (replacement, pointer) = match behaviour {
            Some(b) => classify(b, &path, o, n),
            None => (Replacement::None, None),
        };
        change.properties.push(PropertyChange {
            path: pointer_of(&path),
            old: o.cloned(),
            new: n.cloned(),
            replacement,
            create_only: pointer.map(str::to_owned),
            via: None,
        });
    }
    for name in ATTRIBUTES {
        let (o, n) = (old.get(*name), new.get(*name));
        if o != n {
            change.attributes.push(AttributeChange { name: (*name).to_owned(), old: o.cloned(), new: n.cloned() });
        }
    }
    if change.properties.is_empty() && change.attributes.is_empty() {
        return None;
    }
    if behaviour.is_none() && !change.properties.is_empty() {
        change.notes.push(format!(
            "`{new_type}` is not in the table of create-only properties (cfn-lint {}): whether this replaces it is not known",
            create_only::cfn_lint_version()
        ));
    }
    let worst = change.properties.iter().map(|p| p.replacement).max().unwrap_or(Replacement::None);
    if worst != Replacement::None {
        change.replacement = worst;
        for p in change.properties.iter().filter(|p| p.replacement != Replacement::None) {
            let how = if p.replacement == Replacement::Always { "create-only" } else { "conditionally create-only" };
            change.causes.push(format!("`{}` is {how}", p.create_only.as_deref().unwrap_or(&p.path)));
        }
        change.old_resource = Some(fate(new, "UpdateReplacePolicy"));
    }
    Some(change)
}

/// Whether a changed leaf replaces the resource, and the schema pointer that says so.
fn classify(
    behaviour: &'static create_only::UpdateBehaviour,
    path: &[String],
    old: Option<&Value>,
    new: Option<&Value>,
) -> (Replacement, Option<&'static str>) {
    let mut found = (Replacement::None, None);
    for (pointers, kind) in
        [(&behaviour.create_only, Replacement::Always), (&behaviour.conditional, Replacement::Conditional)]
    {
        for pointer in pointers.iter().copied() {
            let segs = segments(pointer);
            let hit = if matches_prefix(&segs, path) {
                true
            } else if segs.len() > path.len() && matches_prefix(&segs[..path.len()], path) {
                // The change is above the pointer (a whole block added or removed): it
                // counts when the value at the pointer differs.
                let rest = &segs[path.len()..];
                resolve(old, rest) != resolve(new, rest)
            } else {
                false
            };
            // The strongest, then the most precise pointer.
            let longer = found.1.is_none_or(|f: &str| pointer.len() > f.len());
            if hit && (kind > found.0 || (kind == found.0 && longer)) {
                found = (kind, Some(pointer));
            }
        }
    }
    found
}

/// The values at `segments` below `value` (`*` for every list element).
fn resolve<'a>(value: Option<&'a Value>, segments: &[String]) -> Vec<&'a Value> {
    let Some(value) = value else { return Vec::new() };
    let Some((first, rest)) = segments.split_first() else { return vec![value] };
    match value {
        Value::Object(map) => resolve(map.get(first), rest),
        Value::Array(items) if first == "*" => items.iter().flat_map(|v| resolve(Some(v), rest)).collect(),
        Value::Array(items) => resolve(first.parse::<usize>().ok().and_then(|i| items.get(i)), rest),
        _ => Vec::new(),
    }
}

/// Whether a value is an intrinsic function (`{"Ref": ...}`, `{"Fn::...": ...}`): compared
/// whole, never entered.
fn is_intrinsic(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.keys().all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

/// The smallest changed parts: mappings are entered key by key; lists of equal length
/// holding mappings or lists, element by element; anything else (a scalar, a list of
/// scalars, an intrinsic function) is compared whole.
fn leaf_changes<'a>(
    old: Option<&'a Value>,
    new: Option<&'a Value>,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<&'a Value>, Option<&'a Value>)>,
) {
    match (old, new) {
        (Some(Value::Object(o)), Some(Value::Object(n))) if !is_intrinsic(o) && !is_intrinsic(n) => {
            for (k, ov) in o {
                path.push(k.clone());
                leaf_changes(Some(ov), n.get(k), path, out);
                path.pop();
            }
            for (k, nv) in n.iter().filter(|(k, _)| !o.contains_key(*k)) {
                path.push(k.clone());
                leaf_changes(None, Some(nv), path, out);
                path.pop();
            }
        }
        (Some(Value::Array(o)), Some(Value::Array(n)))
            if o.len() == n.len() && !(o.iter().all(is_scalar) && n.iter().all(is_scalar)) =>
        {
            for (i, (ov, nv)) in o.iter().zip(n).enumerate() {
                path.push(i.to_string());
                leaf_changes(Some(ov), Some(nv), path, out);
                path.pop();
            }
        }
        (o, n) if o != n => out.push((path.clone(), o, n)),
        _ => {}
    }
}

/// `["A", "b/c"]` -> `/A/b~1c`.
fn pointer_of(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}

// --- references -------------------------------------------------------------------------

/// References found in a value: (path of the intrinsic function, the resource it names).
type References = Vec<(Vec<String>, String)>;

/// Every reference to a resource of the stack in `value`: (path of the intrinsic, target).
fn references(value: &Value, path: &mut Vec<String>, out: &mut References) {
    match value {
        Value::Object(map) if map.len() == 1 => {
            let Some((key, arg)) = map.iter().next() else { return };
            match (key.as_str(), arg) {
                ("Ref", Value::String(target)) => {
                    if !target.starts_with("AWS::") {
                        out.push((path.clone(), target.clone()));
                    }
                }
                ("Fn::GetAtt", Value::Array(parts)) => {
                    if let Some(Value::String(target)) = parts.first() {
                        out.push((path.clone(), target.clone()));
                    }
                }
                ("Fn::GetAtt", Value::String(dotted)) => {
                    if let Some((target, _)) = dotted.split_once('.') {
                        out.push((path.clone(), target.to_owned()));
                    }
                }
                ("Fn::Sub", Value::String(text)) => sub_targets(text, path, out),
                ("Fn::Sub", Value::Array(parts)) => {
                    if let Some(Value::String(text)) = parts.first() {
                        let locals: BTreeSet<&str> = parts
                            .get(1)
                            .and_then(Value::as_object)
                            .map(|m| m.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let mut found = Vec::new();
                        sub_targets(text, path, &mut found);
                        out.extend(found.into_iter().filter(|(_, t)| !locals.contains(t.as_str())));
                    }
                    if let Some(vars) = parts.get(1) {
                        references(vars, path, out);
                    }
                }
                _ => {
                    path.push(key.clone());
                    references(arg, path, out);
                    path.pop();
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                references(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                references(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The resources named in `${X}` / `${X.Attr}` of an `Fn::Sub` string (`${!X}` is literal).
fn sub_targets(text: &str, path: &[String], out: &mut References) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        rest = &rest[end + 1..];
        if name.starts_with('!') || name.starts_with("AWS::") {
            continue;
        }
        let target = name.split_once('.').map_or(name, |(t, _)| t);
        out.push((path.to_vec(), target.to_owned()));
    }
}

fn replaced_ids(changes: &IndexMap<String, ResourceChange>) -> BTreeMap<String, Replacement> {
    changes
        .iter()
        .filter(|(_, c)| c.replacement != Replacement::None)
        .map(|(id, c)| (id.clone(), c.replacement))
        .collect()
}

/// Replacements that follow from others: a reference to a replaced resource changes value
/// at deploy; under a create-only pointer that replaces the referring resource too. Runs
/// until nothing more changes (a replacement can cascade).
fn propagate(
    old_resources: &Map<String, Value>,
    new_resources: &Map<String, Value>,
    changes: &mut IndexMap<String, ResourceChange>,
) {
    let mut refs_by_id: Vec<(&String, &Value, References)> = Vec::new();
    for (id, new_r) in new_resources {
        let Some(old_r) = old_resources.get(id) else { continue };
        if type_of(old_r) != type_of(new_r) {
            continue;
        }
        let mut refs = Vec::new();
        if let Some(props) = properties(new_r) {
            references(props, &mut Vec::new(), &mut refs);
        }
        if !refs.is_empty() {
            refs_by_id.push((id, new_r, refs));
        }
    }
    // Each pass adds at least one replacement or stops; bounded by the resources.
    for _ in 0..=new_resources.len() {
        let replaced = replaced_ids(changes);
        let mut grew = false;
        for (id, new_r, refs) in &refs_by_id {
            let behaviour = create_only::lookup(type_of(new_r));
            for (path, target) in refs {
                let Some(&target_replacement) = replaced.get(target) else { continue };
                if *id == target {
                    continue;
                }
                let pointer_path = pointer_of(path);
                let change = changes.entry((*id).clone()).or_insert_with(|| {
                    let mut c = addition(id, new_r);
                    c.action = Action::Update;
                    c
                });
                // Already counted: this reference, or a change of its text.
                let covered = change.properties.iter().any(|p| {
                    (p.via.is_none() && matches_prefix(&segments(&p.path), path))
                        || (p.path == pointer_path && p.via.as_deref() == Some(target.as_str()))
                });
                if covered {
                    continue;
                }
                let value = resolve(properties(new_r), path).first().map(|v| (*v).clone());
                let (kind, pointer) =
                    behaviour.map_or((Replacement::None, None), |b| classify(b, path, value.as_ref(), None));
                // A conditional replacement upstream makes this one conditional at most.
                let kind = kind.min(target_replacement);
                change.properties.push(PropertyChange {
                    path: pointer_path.clone(),
                    old: value.clone(),
                    new: value,
                    replacement: kind,
                    create_only: pointer.filter(|_| kind != Replacement::None).map(str::to_owned),
                    via: Some(target.clone()),
                });
                if kind != Replacement::None {
                    change.causes.push(format!("`{pointer_path}` refers to `{target}`, which is replaced"));
                    if kind > change.replacement {
                        change.replacement = kind;
                        change.old_resource = Some(fate(new_r, "UpdateReplacePolicy"));
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
}

/// When every pointer of the type's primary identifier is a create-only property set in
/// both templates to the same text, and none refers to a replaced resource, the
/// replacement would have the identifier of the resource it replaces: `"`/Name` `demo`"`.
fn identifier_collision(old: &Value, new: &Value, replaced: &BTreeMap<String, Replacement>) -> Option<String> {
    let behaviour = create_only::lookup(type_of(new))?;
    if behaviour.identifier.is_empty() {
        return None;
    }
    let mut shown = Vec::new();
    for pointer in &behaviour.identifier {
        let segs = segments(pointer);
        let (o, n) = (resolve(properties(old), &segs), resolve(properties(new), &segs));
        let (Some(o), Some(n)) = (o.first(), n.first()) else { return None };
        if o != n {
            return None;
        }
        let mut refs = Vec::new();
        references(n, &mut Vec::new(), &mut refs);
        if refs.iter().any(|(_, t)| replaced.contains_key(t)) {
            return None;
        }
        shown.push(format!("`{pointer}` {}", text::short(n)));
    }
    Some(shown.join(", "))
}

// --- subnets ----------------------------------------------------------------------------

/// A subnet created with a CIDR that overlaps one of a subnet that stays until the update's
/// cleanup (one replaced or removed, in the same VPC): EC2 refuses to create it
/// (`InvalidSubnet.Conflict`), since CloudFormation deletes old resources only after
/// creating new ones.
fn subnet_overlaps(
    old_resources: &Map<String, Value>,
    new_resources: &Map<String, Value>,
    changes: &mut IndexMap<String, ResourceChange>,
) {
    const SUBNET: &str = "AWS::EC2::Subnet";
    let cidr = |r: &Value| r.pointer("/Properties/CidrBlock").and_then(Value::as_str).and_then(parse_cidr);
    let vpc = |r: &Value| r.pointer("/Properties/VpcId").cloned();
    // Old subnets still there while new ones are created: replaced or removed.
    let lingering: Vec<(&String, &Value)> = old_resources
        .iter()
        .filter(|(_, r)| type_of(r) == SUBNET)
        .filter(|(id, _)| {
            changes.get(*id).is_some_and(|c| c.replacement != Replacement::None || c.action == Action::Remove)
        })
        .collect();
    for (id, change) in changes.iter_mut() {
        let Some(new_r) = new_resources.get(id) else { continue };
        let created = change.action == Action::Add || change.replacement != Replacement::None;
        if type_of(new_r) != SUBNET || !created {
            continue;
        }
        let Some(new_cidr) = cidr(new_r) else { continue };
        for (old_id, old_r) in &lingering {
            let Some(old_cidr) = cidr(old_r) else { continue };
            if vpc(old_r) != vpc(new_r) || !overlaps(new_cidr, old_cidr) {
                continue;
            }
            let whose = if *old_id == id { "the subnet it replaces".to_owned() } else { format!("`{old_id}`") };
            change.blockers.push(format!(
                "its CIDR {} overlaps {} of {whose}, which CloudFormation deletes only after creating the new subnet: EC2 refuses the overlap (InvalidSubnet.Conflict); move to a free range first, or remove the subnet in one deploy and add it in the next",
                show_cidr(new_cidr),
                show_cidr(old_cidr)
            ));
        }
    }
}

fn parse_cidr(s: &str) -> Option<(u32, u8)> {
    let (addr, len) = s.split_once('/')?;
    let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
    let addr: std::net::Ipv4Addr = addr.parse().ok()?;
    Some((u32::from(addr), len))
}

fn overlaps(a: (u32, u8), b: (u32, u8)) -> bool {
    let len = a.1.min(b.1);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    a.0 & mask == b.0 & mask
}

fn show_cidr((addr, len): (u32, u8)) -> String {
    format!("{}/{len}", std::net::Ipv4Addr::from(addr))
}

// --- outputs, sections, files -------------------------------------------------------------

fn export_name(output: &Value) -> Option<String> {
    output.pointer("/Export/Name").and_then(Value::as_str).map(str::to_owned)
}

fn quoted_list(names: &[String]) -> String {
    names.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// Exports in use can be neither deleted nor changed ("Exporting stack output values",
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>).
fn export_removed(export: &str, imported_by: &[String]) -> String {
    format!(
        "export `{export}` is imported by {}, and goes away: CloudFormation refuses to delete an export another stack imports; those stacks must stop importing it first",
        quoted_list(imported_by)
    )
}

fn diff_outputs(
    stack: &str,
    old: &Value,
    new: &Value,
    replaced: &BTreeMap<String, Replacement>,
    imports: &BTreeMap<String, Vec<String>>,
) -> Vec<OutputChange> {
    let empty = Map::new();
    let old_outputs = old.get("Outputs").and_then(Value::as_object).unwrap_or(&empty);
    let new_outputs = new.get("Outputs").and_then(Value::as_object).unwrap_or(&empty);
    let importers = |export: &Option<String>| -> Vec<String> {
        export
            .as_ref()
            .and_then(|e| imports.get(e))
            .map(|stacks| stacks.iter().filter(|s| *s != stack).cloned().collect())
            .unwrap_or_default()
    };
    let mut changes = Vec::new();
    for (name, n) in new_outputs {
        let new_export = export_name(n);
        let Some(o) = old_outputs.get(name) else {
            changes.push(OutputChange {
                name: name.clone(),
                action: Action::Add,
                severity: Severity::Addition,
                export: new_export,
                old: None,
                new: n.get("Value").cloned(),
                via: None,
                imported_by: Vec::new(),
                blockers: Vec::new(),
            });
            continue;
        };
        let old_export = export_name(o);
        let mut refs = Vec::new();
        if let Some(value) = n.get("Value") {
            references(value, &mut Vec::new(), &mut refs);
        }
        let via = refs.into_iter().map(|(_, t)| t).find(|t| replaced.contains_key(t));
        if o == n && via.is_none() {
            continue;
        }
        let value_changes = o.get("Value") != n.get("Value") || via.is_some();
        let imported_by = importers(&old_export);
        let mut blockers = Vec::new();
        if let Some(export) = old_export.as_ref().filter(|_| !imported_by.is_empty()) {
            if new_export.as_ref() != Some(export) {
                blockers.push(export_removed(export, &imported_by));
            } else if value_changes {
                let why = match &via {
                    Some(t) if o.get("Value") == n.get("Value") => format!(" (`{t}` is replaced)"),
                    _ => String::new(),
                };
                blockers.push(format!(
                    "export `{export}` is imported by {}, and its value changes{why}: CloudFormation refuses to change an export another stack imports; those stacks must stop importing it first",
                    quoted_list(&imported_by)
                ));
            }
        }
        changes.push(OutputChange {
            name: name.clone(),
            action: Action::Update,
            severity: if blockers.is_empty() { Severity::Update } else { Severity::Blocker },
            export: new_export.or(old_export),
            old: o.get("Value").cloned(),
            new: n.get("Value").cloned(),
            via,
            imported_by,
            blockers,
        });
    }
    for (name, o) in old_outputs.iter().filter(|(k, _)| !new_outputs.contains_key(*k)) {
        let export = export_name(o);
        let imported_by = importers(&export);
        let mut blockers = Vec::new();
        if let Some(export) = export.as_ref().filter(|_| !imported_by.is_empty()) {
            blockers.push(export_removed(export, &imported_by));
        }
        changes.push(OutputChange {
            name: name.clone(),
            action: Action::Remove,
            severity: if blockers.is_empty() { Severity::Removal } else { Severity::Blocker },
            export,
            old: o.get("Value").cloned(),
            new: None,
            via: None,
            imported_by,
            blockers,
        });
    }
    changes.sort_by_key(|c| c.severity);
    changes
}

/// The template sections other than `Resources` and `Outputs`: mappings compared entry by
/// entry, other values whole.
fn diff_sections(old: &Value, new: &Value) -> Vec<SectionChange> {
    let empty = Map::new();
    let (o, n) = (old.as_object().unwrap_or(&empty), new.as_object().unwrap_or(&empty));
    let keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for key in keys {
        if key == "Resources" || key == "Outputs" || !seen.insert(key) {
            continue;
        }
        match (o.get(key), n.get(key)) {
            (Some(Value::Object(om)), Some(Value::Object(nm))) => {
                for (name, ov) in om {
                    match nm.get(name) {
                        None => out.push(section_change(key, Some(name), Action::Remove)),
                        Some(nv) if nv != ov => out.push(section_change(key, Some(name), Action::Update)),
                        _ => {}
                    }
                }
                for name in nm.keys().filter(|k| !om.contains_key(*k)) {
                    out.push(section_change(key, Some(name), Action::Add));
                }
            }
            (Some(ov), Some(nv)) if ov != nv => out.push(section_change(key, None, Action::Update)),
            (Some(_), None) => out.push(section_change(key, None, Action::Remove)),
            (None, Some(_)) => out.push(section_change(key, None, Action::Add)),
            _ => {}
        }
    }
    out
}

fn section_change(section: &str, name: Option<&String>, action: Action) -> SectionChange {
    SectionChange { section: section.to_owned(), name: name.cloned(), action }
}

fn diff_files(old: &IndexMap<String, String>, new: &IndexMap<String, String>) -> Vec<FileChange> {
    let mut out = Vec::new();
    for (path, content) in new {
        match old.get(path) {
            None => out.push(FileChange { path: path.clone(), action: Action::Add }),
            Some(c) if c != content => out.push(FileChange { path: path.clone(), action: Action::Update }),
            _ => {}
        }
    }
    for path in old.keys().filter(|p| !new.contains_key(*p)) {
        out.push(FileChange { path: path.clone(), action: Action::Remove });
    }
    out
}

#[cfg(test)]
mod tests;
