//! The deploy plan: how to deploy an output, and how to tear it down, step by step, as data.
//!
//! A [`Plan`] is a pure function of an output (its stacks in the manifest's deploy order,
//! their dependencies and templates, and its other files): [`Plan::from_assembly`] reads a
//! synthesis in memory, [`Plan::read_dir`] an output directory. So `eks-blueprint plan
//! blueprint.yaml`, `eks-blueprint plan out/` and the `DEPLOY.md` that `synth` writes all say
//! the same thing.
//!
//! A plan is two ordered lists of [`Step`]s:
//!
//! - **deploy**: each stack's `aws cloudformation deploy` command (with the capabilities the
//!   template needs, and an S3 bucket where the template is too large to pass inline), and
//!   every manual step where it belongs, such as the ENIConfigs of VPC CNI custom networking
//!   between the cluster and the nodes, or Karpenter's chart and NodePools once its stack and
//!   some nodes exist;
//! - **teardown**: the stacks in reverse order, with the manual steps that deleting them
//!   needs (Karpenter's NodePools and nodes first, what Kubernetes created in the VPC), and
//!   what `DeletionPolicy` retains, with the commands that remove it afterwards.
//!
//! Manual steps are found by rules (`rules.rs`) that look at the output: a file
//! (`manifests/eniconfigs.sh`), a resource type (`AWS::EKS::Cluster`), a stack output
//! (`KarpenterNodeInstanceProfileName`). A rule places its step with constraints (after
//! these stacks or steps, before those), never by stack name, and the steps and stacks are
//! ordered together: every stack after the stacks it depends on, every step as early as its
//! constraints allow. A new kind of step is a new rule; [`Step`] is `#[non_exhaustive]`.

mod input;
mod order;
mod rules;
mod text;

use std::path::Path;

use serde::Serialize;

pub use input::{PlanInput, PlanStack};

use super::diff::DiffError;
use super::Assembly;
pub use super::MAX_INLINE_TEMPLATE_BYTES;

/// The file of the output directory that holds the plan, in Markdown.
pub const DEPLOY_FILE: &str = "DEPLOY.md";

/// A CloudFormation capability a stack needs to deploy.
///
/// Source: the CloudFormation API Reference, `CreateStack`, parameter `Capabilities`: a
/// template with IAM resources needs `CAPABILITY_IAM` or `CAPABILITY_NAMED_IAM`, one with
/// IAM resources that have custom names needs `CAPABILITY_NAMED_IAM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub enum Capability {
    /// `CAPABILITY_IAM`: the template creates IAM resources whose names CloudFormation
    /// generates.
    #[serde(rename = "CAPABILITY_IAM")]
    Iam,
    /// `CAPABILITY_NAMED_IAM`: the template names an IAM resource.
    #[serde(rename = "CAPABILITY_NAMED_IAM")]
    NamedIam,
}

impl Capability {
    /// The value CloudFormation takes: `CAPABILITY_IAM`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Iam => "CAPABILITY_IAM",
            Capability::NamedIam => "CAPABILITY_NAMED_IAM",
        }
    }
}

/// One step of a plan. Stacks are deployed or deleted with the AWS CLI; manual steps run
/// commands (kubectl, scripts of the output, the AWS CLI) from where they say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Step {
    /// Deploy (create or update) a stack.
    Deploy(StackDeploy),
    /// Delete a stack.
    Delete(StackDelete),
    /// Something to do by hand between stacks.
    Manual(ManualStep),
}

impl Step {
    /// The commands of the step, in order.
    pub fn commands(&self) -> &[String] {
        match self {
            Step::Deploy(s) => &s.commands,
            Step::Delete(s) => &s.commands,
            Step::Manual(s) => &s.commands,
        }
    }

    /// The stack the step deploys or deletes; `None` for a manual step.
    pub fn stack(&self) -> Option<&str> {
        match self {
            Step::Deploy(s) => Some(&s.stack),
            Step::Delete(s) => Some(&s.stack),
            Step::Manual(_) => None,
        }
    }

    /// The manual step; `None` for a stack.
    pub fn manual(&self) -> Option<&ManualStep> {
        match self {
            Step::Manual(s) => Some(s),
            _ => None,
        }
    }
}

/// Deploying one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StackDeploy {
    /// The stack name (the one in the template file name: imports name their exports by it).
    pub stack: String,
    /// The template file, relative to the output directory.
    pub template_file: String,
    /// How many resources the template holds.
    pub resources: usize,
    /// The template's size in bytes, as written.
    pub template_bytes: usize,
    /// Whether the template is too large to pass inline ([`MAX_INLINE_TEMPLATE_BYTES`]): the
    /// command uploads it to the S3 bucket `$BUCKET` first.
    pub upload: bool,
    /// The capabilities the template needs.
    pub capabilities: Vec<Capability>,
    /// The stacks it depends on (the manifest's dependencies): deployed before it.
    pub after: Vec<String>,
    /// The command: `aws cloudformation deploy ...`.
    pub commands: Vec<String>,
}

/// Deleting one stack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct StackDelete {
    /// The stack name.
    pub stack: String,
    /// What deleting it leaves in the account (`DeletionPolicy: Retain` or
    /// `RetainExceptOnCreate`); a later manual step removes it.
    pub retained: Vec<Retained>,
    /// The commands: `aws cloudformation delete-stack`, then `wait stack-delete-complete`.
    pub commands: Vec<String>,
}

/// A resource that deleting its stack leaves in the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Retained {
    /// The stack that held it.
    pub stack: String,
    /// Its logical id.
    pub logical_id: String,
    /// Its resource type: `AWS::EKS::Cluster`, ...
    #[serde(rename = "type")]
    pub resource_type: String,
    /// How the commands name it: its physical name when the template sets it
    /// (`/aws/eks/demo/cluster`), else a shell variable (`$SECRETS_KEY`) that a step before
    /// the stack's deletion sets from the stack.
    pub id: String,
    /// The shell variable that holds its physical id, when the template does not set it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variable: Option<String>,
}

/// A step to do by hand: its commands, and where to run them from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ManualStep {
    /// A stable id of the kind of step: `kubeconfig`, `eniconfigs`, `karpenter-install`, ...
    pub id: String,
    /// What to do, in one line.
    pub title: String,
    /// Why, and what to check; may be empty.
    pub detail: String,
    /// Where the commands can run: `any host with AWS credentials for the account and
    /// Region`, or a host that reaches the cluster's API endpoint.
    pub run_from: String,
    /// The commands, in order.
    pub commands: Vec<String>,
    /// Only for ordering (not serialized).
    #[serde(skip)]
    pub(crate) after: Vec<Node>,
    /// Only for ordering (not serialized).
    #[serde(skip)]
    pub(crate) before: Vec<Node>,
}

/// Something a manual step is ordered against: a stack (by name) or another manual step
/// (by id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Stack(String),
    Step(String),
}

impl ManualStep {
    /// A step with an id, a title and where to run it from; no commands, no constraints.
    pub fn new(id: impl Into<String>, title: impl Into<String>, run_from: impl Into<String>) -> ManualStep {
        ManualStep {
            id: id.into(),
            title: title.into(),
            detail: String::new(),
            run_from: run_from.into(),
            commands: Vec::new(),
            after: Vec::new(),
            before: Vec::new(),
        }
    }

    /// Sets why the step is needed and what to check.
    pub fn detail(mut self, detail: impl Into<String>) -> ManualStep {
        self.detail = detail.into();
        self
    }

    /// Adds a command.
    pub fn command(mut self, command: impl Into<String>) -> ManualStep {
        self.commands.push(command.into());
        self
    }

    /// Runs after the stack `name` (deployed, or deleted in a teardown).
    pub fn after_stack(mut self, name: impl Into<String>) -> ManualStep {
        self.after.push(Node::Stack(name.into()));
        self
    }

    /// Runs before the stack `name` (is deployed, or deleted in a teardown).
    pub fn before_stack(mut self, name: impl Into<String>) -> ManualStep {
        self.before.push(Node::Stack(name.into()));
        self
    }

    /// Runs after the manual step with id `id`, when the plan has it.
    pub fn after_step(mut self, id: impl Into<String>) -> ManualStep {
        self.after.push(Node::Step(id.into()));
        self
    }
}

/// The deploy and teardown plans of one output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Plan {
    /// What the plan is of: the EKS cluster's name, or else the first stack's.
    pub name: String,
    /// The output directory the commands name (`out`); empty: the commands run from inside
    /// it.
    pub dir: String,
    /// The deploy plan, in order.
    pub deploy: Vec<Step>,
    /// The teardown plan, in order.
    pub teardown: Vec<Step>,
}

/// A plan that cannot be ordered: its constraints contradict each other.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the deploy plan cannot be ordered: {0}")]
pub struct PlanError(pub String);

impl Plan {
    /// The plan of a synthesis in memory, its commands naming files under `dir` (empty: the
    /// output directory is the current one).
    pub fn from_assembly(assembly: &Assembly, dir: &str) -> Result<Plan, PlanError> {
        Plan::from_input(&PlanInput::from_assembly(assembly), dir)
    }

    /// The plan of an output directory: an eks-blueprint output (its manual steps come from
    /// the files its marker lists) or any AWS CDK cloud assembly (stacks only). The commands
    /// name files under `dir` as given.
    pub fn read_dir(dir: impl AsRef<Path>) -> Result<Plan, DiffError> {
        let dir = dir.as_ref();
        let input = PlanInput::read_dir(dir)?;
        let shown = dir.to_string_lossy();
        Plan::from_input(&input, &shown).map_err(|e| DiffError::Invalid {
            path: dir.to_owned(),
            code: "bad-plan",
            message: e.to_string(),
        })
    }

    /// The plan of an input.
    pub fn from_input(input: &PlanInput<'_>, dir: &str) -> Result<Plan, PlanError> {
        let dir = dir.trim_end_matches('/').to_owned();
        let ctx = rules::Context::new(input, &dir);
        let deploy_stacks: Vec<Step> = input.stacks.iter().map(|s| Step::Deploy(ctx.deploy(s))).collect();
        let deploy = order::order(input, deploy_stacks, rules::deploy_steps(&ctx), false)?;
        let delete_stacks: Vec<Step> =
            input.stacks.iter().filter(|s| !ctx.is_account_wide(s)).map(|s| Step::Delete(ctx.delete(s))).collect();
        let teardown = order::order(input, delete_stacks, rules::teardown_steps(&ctx), true)?;
        Ok(Plan { name: ctx.name(), dir, deploy, teardown })
    }

    /// The plan as text, for a terminal.
    pub fn to_text(&self) -> String {
        text::to_text(self)
    }

    /// The plan as Markdown: the `DEPLOY.md` of the output directory.
    pub fn to_markdown(&self) -> String {
        text::to_markdown(self)
    }

    /// The plan as JSON (schema in docs/cli.md, `plan`).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The JSON form, pretty-printed, with a final newline.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self).map_or_else(|_| String::from("{}"), |s| s + "\n")
    }

    /// Every stack step and manual step of both plans, for checks.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.deploy.iter().chain(&self.teardown)
    }
}

#[cfg(test)]
mod tests;
