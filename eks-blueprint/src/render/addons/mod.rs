//! The add-on contract, render's half: every add-on of the effective set
//! ([`crate::blueprint::addons::Addons`], in deploy order) is rendered from its declaration
//! into its part's stack. An EKS add-on becomes an `AWS::EKS::Addon` with a role per declared
//! Pod Identity role (trusting only its service account of this cluster) and the association
//! on the add-on; its `DependsOn` follows its `after` (node groups and Fargate profiles, other
//! add-ons) and the `before` of others, and across stacks becomes a stack dependency. The
//! add-ons that nodes must come after are returned for the node resources to wait on.
//!
//! A [`Hook`] adds what a declaration cannot say: configuration values, a role's policies,
//! or, for an add-on with more CloudFormation than a role (Karpenter), its whole rendering.
//! [`hook`] is the one place that maps an add-on id to its hook.

mod coredns;
mod vpc_cni;

use indexmap::IndexMap;

use super::cluster::ClusterRefs;
use super::network::NetworkRefs;
use super::{iam, Context};
use crate::blueprint::addons::{Anchor, Installed, Kind};
use crate::blueprint::Blueprint;
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::compile::addons::after_nodes;
use crate::resources::eks::{Addon, AddonPodIdentityAssociation};
use crate::resources::iam::Role;
use crate::synth::SynthError;

/// What a render hook gets besides the context.
pub(crate) struct Inputs<'a> {
    /// The network.
    pub net: &'a NetworkRefs,
    /// The cluster.
    pub cluster: &'a ClusterRefs,
    /// The add-on, as compile resolved it (its declaration names its part).
    pub addon: &'a Installed,
    /// What its resources come after, from its declaration: for `after: [Nodes]` every node
    /// group and Fargate profile, and the add-ons it comes after. Across stacks it becomes
    /// a stack dependency.
    pub after: ResourceOptions,
}

/// Renders a whole add-on into the context's stacks; returns its files (manifests, Helm
/// values), by path under the output directory.
pub(crate) type RenderFn = fn(&mut Context, &Inputs) -> Result<Vec<(String, String)>, SynthError>;

/// What an add-on renders beyond its declaration.
#[derive(Clone, Copy, Default)]
pub(crate) struct Hook {
    /// The EKS add-on's `ConfigurationValues` (a JSON object, serialized).
    pub configuration: Option<fn(&Blueprint) -> Option<String>>,
    /// Changes a declared Pod Identity role (its policies) before it is added.
    pub role: Option<fn(&Blueprint, &mut Role)>,
    /// Renders the whole add-on instead of the generic rendering; returns its files.
    pub render: Option<RenderFn>,
}

/// The render hook of add-on `id`: one line per add-on that has one.
fn hook(id: &str) -> Hook {
    match id {
        "vpcCni" => vpc_cni::HOOK,
        "coredns" => coredns::HOOK,
        "karpenter" => Hook { configuration: None, role: None, render: Some(super::karpenter::render) },
        _ => Hook::default(),
    }
}

/// Renders the add-ons, in two passes: [`Addons::before_nodes`] with the cluster, then
/// [`Addons::after_nodes`] once node groups and Fargate profiles exist.
#[derive(Default)]
pub(crate) struct Addons {
    /// The `AWS::EKS::Addon` of each rendered EKS add-on, by id.
    handles: IndexMap<&'static str, Handle<Addon>>,
    /// The files (manifests, Helm values) of the rendered add-ons.
    pub files: Vec<(String, String)>,
}

impl Addons {
    /// Renders the add-ons installed before nodes; returns those nodes must wait for
    /// (declared `before: [Nodes]`).
    pub(crate) fn before_nodes(
        &mut self,
        ctx: &mut Context,
        net: &NetworkRefs,
        cluster: &ClusterRefs,
    ) -> Result<Vec<Handle<Addon>>, SynthError> {
        let bp = ctx.bp;
        let mut node_addons = Vec::new();
        for addon in bp.addons.iter().filter(|a| !after_nodes(a.declaration)) {
            if let Some(handle) = self.render(ctx, net, cluster, addon, &ResourceOptions::new())? {
                if addon.declaration.before.contains(&Anchor::Nodes) {
                    node_addons.push(handle);
                }
            }
        }
        Ok(node_addons)
    }

    /// Renders the add-ons installed after nodes; `capacity` waits for every node group and
    /// Fargate profile.
    pub(crate) fn after_nodes(
        &mut self,
        ctx: &mut Context,
        net: &NetworkRefs,
        cluster: &ClusterRefs,
        capacity: &ResourceOptions,
    ) -> Result<(), SynthError> {
        let bp = ctx.bp;
        for addon in bp.addons.iter().filter(|a| after_nodes(a.declaration)) {
            self.render(ctx, net, cluster, addon, capacity)?;
        }
        Ok(())
    }

    /// Renders one add-on into its part's stack; returns its `AWS::EKS::Addon`, if it has one.
    fn render(
        &mut self,
        ctx: &mut Context,
        net: &NetworkRefs,
        cluster: &ClusterRefs,
        addon: &Installed,
        capacity: &ResourceOptions,
    ) -> Result<Option<Handle<Addon>>, SynthError> {
        // Quota errors count its resources under its field.
        let origin = ctx.set_origin(addon.declaration.field);
        let handle = self.render_one(ctx, net, cluster, addon, capacity);
        ctx.restore_origin(origin);
        handle
    }

    fn render_one(
        &mut self,
        ctx: &mut Context,
        net: &NetworkRefs,
        cluster: &ClusterRefs,
        addon: &Installed,
        capacity: &ResourceOptions,
    ) -> Result<Option<Handle<Addon>>, SynthError> {
        let bp = ctx.bp;
        let d = addon.declaration;
        let hook = hook(d.id);
        // What it comes after: its `after`, and the add-ons that declare they come before it.
        let mut options = if d.after.contains(&Anchor::Nodes) { capacity.clone() } else { ResourceOptions::new() };
        for anchor in d.after {
            if let Anchor::Addon(id) = anchor {
                if let Some(handle) = self.handles.get(id) {
                    options = options.depends_on(handle);
                }
            }
        }
        for other in bp.addons.iter().filter(|o| o.declaration.before.contains(&Anchor::Addon(d.id))) {
            if let Some(handle) = self.handles.get(other.id()) {
                options = options.depends_on(handle);
            }
        }
        if let Some(render) = hook.render {
            let inputs = Inputs { net, cluster, addon, after: options };
            self.files.extend(render(ctx, &inputs)?);
            return Ok(None);
        }
        let Kind::Eks { name, logical_id } = d.kind else {
            // A Helm add-on renders through its hook.
            return Ok(None);
        };
        let tags = ctx.tags(&[]);
        let stack = ctx.stack(d.part);
        let mut associations = Vec::new();
        for declared in d.roles {
            let Some(account) = addon.service_accounts.get(declared.service_account) else { continue };
            let mut role = Role {
                // Only the add-on's own service account of this cluster may assume it.
                assume_role_policy_document: iam::pod_identity_trust_for(
                    &cluster.cluster,
                    &account.namespace,
                    &account.name,
                ),
                description: Some(format!("{} of EKS cluster {}, through EKS Pod Identity", declared.what, bp.name)),
                managed_policy_arns: (!declared.managed_policies.is_empty())
                    .then(|| declared.managed_policies.iter().map(|p| Expr::aws_managed_policy(p)).collect()),
                tags: Some(tags.clone()),
                ..Role::default()
            };
            if let Some(change) = hook.role {
                change(bp, &mut role);
            }
            let role = stack.add(declared.logical_id, role)?;
            associations
                .push(AddonPodIdentityAssociation { role_arn: role.attr_arn(), service_account: account.name.clone() });
        }
        let handle = stack.add_with(
            logical_id,
            Addon {
                addon_name: name.into(),
                // The version compile resolved for the cluster's Kubernetes version (absent:
                // EKS's default); a change updates the add-on in place.
                addon_version: bp.addon_version(name).map(str::to_owned),
                cluster_name: cluster.cluster.reference(),
                configuration_values: hook.configuration.and_then(|f| f(bp)),
                pod_identity_associations: (!associations.is_empty()).then_some(associations),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags),
                ..Addon::default()
            },
            options,
        )?;
        self.handles.insert(d.id, handle.clone());
        Ok(Some(handle))
    }
}
