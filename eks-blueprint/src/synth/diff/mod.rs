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
mod follow;
mod input;
mod outputs;
mod stack;
mod subnets;
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
use follow::*;
use outputs::*;
use stack::*;
use subnets::*;

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

#[cfg(test)]
mod tests;
