//! Render: a validated [`Blueprint`] becomes an [`App`] of stacks, by feature. It never
//! validates: what it needs is guaranteed by the blueprint's types or was computed by
//! compile.
//!
//! Data flows one way: network -> cluster -> compute. A construct returns typed handles
//! that later constructs use; a handle used in another stack becomes an export and an
//! import at synthesis. One home each: [`ids`] for logical ids, [`iam`] for IAM, [`labels`]
//! for taints and labels, [`custom_networking`] for everything of a pod CIDR, [`manifests`]
//! for the Kubernetes files.

mod account;
mod addons;
mod auto_mode;
mod cluster;
mod custom_networking;
mod fargate;
mod iam;
mod identity;
mod ids;
mod karpenter;
mod labels;
mod manifests;
mod network;
mod nodegroups;

use indexmap::IndexMap;

pub(crate) use crate::blueprint::stacks::Part;
use crate::blueprint::Blueprint;
use crate::cfn::{Expr, ResourceOptions, Stack};
use crate::compile::codes;
use crate::error::{Error, ValidationErrors};
use crate::resources::Tag;
use crate::spec::cluster::RemovalPolicy;
use crate::spec::{CrossStackReferences, StackLayout};
use crate::synth::{self, App, Assembly, Format, Placement, References, SynthError};

/// What a part's stack holds: the stack's description.
fn description(part: Part) -> &'static str {
    match part {
        Part::Account => {
            "account- and Region-wide settings (GuardDuty detector, ECR registry scanning), kept apart from any cluster"
        }
        Part::Network => "VPC, subnets, NAT and flow logs",
        Part::Cluster => {
            "EKS control plane, secrets encryption key, IAM roles, access entries and the add-ons nodes need (VPC CNI, kube-proxy, Pod Identity agent)"
        }
        Part::Compute => "node groups and Fargate profiles",
        Part::Karpenter => {
            "Karpenter's node role, instance profile and access entry, controller role, interruption queue and node security group"
        }
        Part::Addons => "EKS add-ons that run on nodes (CoreDNS), after the node groups",
    }
}

/// Shared state while rendering one blueprint.
pub(crate) struct Context<'a> {
    pub bp: &'a Blueprint,
    stacks: IndexMap<String, Stack>,
    /// The blueprint field the resources added now come from (see [`Stack::set_origin`]).
    origin: Option<String>,
}

impl<'a> Context<'a> {
    fn new(bp: &'a Blueprint) -> Self {
        Context { bp, stacks: IndexMap::new(), origin: None }
    }

    /// Resources added from now on come from this blueprint field path
    /// (`compute.managedNodeGroups[2]`); returns the previous one, to restore after a loop.
    /// Quota errors count resources by it.
    pub fn set_origin(&mut self, origin: impl Into<String>) -> Option<String> {
        self.origin.replace(origin.into())
    }

    /// Restores the origin [`Context::set_origin`] returned.
    pub fn restore_origin(&mut self, origin: Option<String>) {
        self.origin = origin;
    }

    /// The stack name of a part (decided by compile, [`Stacks`](crate::blueprint::stacks::Stacks)).
    pub fn stack_name(&self, part: Part) -> String {
        self.bp.stacks.name(part).to_owned()
    }

    /// The stack of a part, created on first use.
    pub fn stack(&mut self, part: Part) -> &mut Stack {
        let name = self.stack_name(part);
        let description = if self.bp.stacks.own(part) {
            format!("eks-blueprint {}: {}", self.bp.name, description(part))
        } else {
            format!("eks-blueprint {}: network, EKS cluster and compute", self.bp.name)
        };
        let origin = self.origin.clone();
        let stack = self.stacks.entry(name.clone()).or_insert_with(|| Stack::new(name, description));
        stack.set_origin(origin);
        stack
    }

    /// The blueprint's tags, then `extra`.
    pub fn tags(&self, extra: &[(&str, Expr)]) -> Vec<Tag> {
        let mut tags: Vec<Tag> = self.bp.tags.iter().map(|(k, v)| Tag::new(k.clone(), v.as_str())).collect();
        for (k, v) in extra {
            tags.retain(|t| t.key != *k);
            tags.push(Tag::new(*k, v.clone()));
        }
        tags
    }

    /// The blueprint's tags and `extra`, as a map (for resource types that take one).
    pub fn tag_map(&self, extra: &[(&str, Expr)]) -> IndexMap<String, Expr> {
        self.tags(extra).into_iter().map(|t| (t.key, t.value)).collect()
    }

    /// The options of a stateful resource (cluster, its role, KMS keys, log groups, the
    /// GuardDuty detector), from the blueprint's removal policy: `retain` gives
    /// `DeletionPolicy: RetainExceptOnCreate` (kept when the stack is deleted, deleted when
    /// the create that made it rolls back, so a retry does not meet it again) and
    /// `UpdateReplacePolicy: Retain`; `destroy` gives `Delete` for both.
    pub fn stateful(&self) -> ResourceOptions {
        match self.bp.removal_policy {
            RemovalPolicy::Retain => ResourceOptions::new().retain_except_on_create(),
            RemovalPolicy::Destroy => ResourceOptions::new().destroy(),
        }
    }

    /// A `Name` tag value: `<blueprint>-<what>`.
    pub fn name_tag(&self, what: &str) -> Expr {
        Expr::from(format!("{}-{what}", self.bp.name))
    }
}

impl Blueprint {
    /// The app of stacks this blueprint renders to, before synthesis.
    pub fn app(&self) -> Result<App, Error> {
        Ok(render(self)?)
    }

    /// Synthesizes the blueprint: templates in deploy order and the manifest, in memory.
    ///
    /// A stack past a CloudFormation quota is an invalid blueprint (code `stack-quota`)
    /// whose path is the field to change: the list that contributes most to the stack.
    pub fn synth(&self, format: Format) -> Result<Assembly, Error> {
        self.app()?.synth(format).map_err(|e| self.quota_error(e))
    }

    /// Synthesizes like [`Blueprint::synth`], keeping every item (an identity, a node group)
    /// of a stack that must be split in the stack a previous output put it in, so that a
    /// change to the list never moves another entry's resources between stacks (which would
    /// delete and recreate them). See [`Placement`] and docs/scale.md.
    pub fn synth_with(&self, format: Format, previous: &Placement) -> Result<Assembly, Error> {
        let mut app = self.app()?;
        app.set_placement(previous.clone());
        app.synth(format).map_err(|e| self.quota_error(e))
    }

    /// A quota error as a validation error on the blueprint field that caused it.
    fn quota_error(&self, error: synth::SynthError) -> Error {
        let synth::SynthError::Quota { sources, stack, .. } = &error else { return error.into() };
        let Some(top) = sources.iter().find(|s| s.is_list()).or_else(|| sources.iter().find(|s| !s.field.is_empty()))
        else {
            return error.into();
        };
        let mut fix = if top.is_list() {
            format!("fewer entries in {} bring it under the limit", top.field)
        } else {
            format!("a smaller {} brings it under the limit", top.field)
        };
        if self.stack_layout == StackLayout::Single && *stack == self.name {
            fix.push_str(", or `stackLayout: perLifecycle` spreads the platform over several stacks");
        }
        let mut errors = ValidationErrors::default();
        errors.push(top.field.clone(), codes::STACK_QUOTA, format!("{error}; {fix}"));
        Error::Invalid(errors)
    }
}

/// Renders a validated blueprint into an app of stacks.
pub(crate) fn render(bp: &Blueprint) -> Result<App, SynthError> {
    let mut ctx = Context::new(bp);
    // Each section's resources carry its field path (items within a list, their own).
    // The account stack first, so the manifest lists it first: it needs nothing and nothing
    // needs it.
    ctx.set_origin("cluster");
    account::render(&mut ctx)?;
    ctx.set_origin("network");
    let net = network::render(&mut ctx)?;
    ctx.set_origin("cluster");
    let mut cluster = cluster::render(&mut ctx, &net)?;
    // The add-ons of the effective set, by their declarations: first those nodes need (in
    // the per-lifecycle layout the stack order makes nodes wait for them; in a single stack,
    // node resources depend on them explicitly), then those that need nodes.
    let mut addons = addons::Addons::default();
    cluster.node_addons = addons.before_nodes(&mut ctx, &net, &cluster)?;
    ctx.set_origin("identities");
    identity::render(&mut ctx, &cluster)?;
    ctx.set_origin("compute");
    // What waits for every node group and Fargate profile (add-ons `after: [Nodes]`).
    let capacity = nodegroups::render(&mut ctx, &net, &cluster, ResourceOptions::new())?;
    let capacity = fargate::render(&mut ctx, &cluster, &net, capacity)?;
    addons.after_nodes(&mut ctx, &net, &cluster, &capacity)?;
    let mut app = App::new();
    app.set_references(match bp.cross_stack_references {
        CrossStackReferences::Exports => References::Exports,
        CrossStackReferences::StackOutputs => References::StackOutputs,
    });
    if let Some(target) = &bp.target {
        app.set_environment(target.cloud_assembly_environment());
    }
    for (path, content) in addons.files {
        app.add_file(path, content);
    }
    for (path, content) in custom_networking::render(&ctx) {
        app.add_file(path, content);
    }
    for (_, stack) in ctx.stacks {
        app.add_stack(stack)?;
    }
    Ok(app)
}
