//! The add-on contract, compile's half: the registry of every add-on ([`REGISTRY`], one file
//! per add-on in this module), and the effective add-on set, decided once: which add-ons the
//! blueprint installs ([`Entry::select`]), their conflicts and requirements checked as data
//! (each error names the add-on's field and the other one), in deploy order (each add-on
//! after what it declares it comes after).
//!
//! Adding an add-on: a new file here with its [`Entry`] (the [`Declaration`] and when it is
//! installed), and one line in [`REGISTRY`]. Rendering follows from the declaration; an
//! add-on that renders more than its declaration says (configuration values, extra
//! resources, manifests) adds a render hook in `render::addons` (see `docs/architecture.md`).

mod coredns;
mod karpenter;
mod kube_proxy;
mod pod_identity_agent;
mod vpc_cni;

use crate::blueprint::addons::{Addons, Anchor, At, Declaration, Feature, Installed, Resolution, ServiceAccount};
use crate::blueprint::stacks::Part;
use crate::compile::{codes, Defaulted};
use crate::error::ValidationErrors;

/// An add-on of the registry: its declaration, and what compile decides of it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// The declaration.
    pub(crate) declaration: Declaration,
    /// Whether the blueprint asks for the add-on (before its conflicts: an add-on whose
    /// conflict resolves to [`Resolution::Omit`] is then left out).
    pub(crate) select: fn(&Defaulted) -> bool,
    /// The service accounts it owns, for a blueprint that installs it.
    pub(crate) service_accounts: fn(&Defaulted) -> Vec<ServiceAccount>,
}

/// Every add-on, in the order they are listed when nothing orders them otherwise.
pub(crate) const REGISTRY: &[&Entry] =
    &[&pod_identity_agent::ADDON, &vpc_cni::ADDON, &kube_proxy::ADDON, &coredns::ADDON, &karpenter::ADDON];

/// The id of the EKS Pod Identity agent add-on, which every add-on with a Pod Identity role
/// needs.
pub(crate) const POD_IDENTITY_AGENT: &str = pod_identity_agent::ADDON.declaration.id;

/// Whether `feature` is on in the blueprint; `installed`: the add-on ids selected so far.
fn has(bp: &Defaulted, installed: &[&Entry], feature: Feature) -> bool {
    let compute = &bp.compute;
    match feature {
        Feature::AutoMode => compute.auto_mode.is_some(),
        Feature::AutoModeOnly => compute.auto_mode_only(),
        Feature::FargateOnly => compute.fargate_only(),
        Feature::ClusterAutoscaler => compute.cluster_autoscaler,
        Feature::NodeGroups => compute.has_node_groups(),
        Feature::Addon(id) => installed.iter().any(|e| e.declaration.id == id),
    }
}

/// The add-ons the blueprint asks for, without those a conflict omits.
fn selected<'r>(bp: &Defaulted, registry: &[&'r Entry]) -> Vec<&'r Entry> {
    let asked: Vec<&Entry> = registry.iter().copied().filter(|e| (e.select)(bp)).collect();
    asked
        .iter()
        .copied()
        .filter(|e| {
            !e.declaration.conflicts.iter().any(|c| c.resolution == Resolution::Omit && has(bp, &asked, c.with))
        })
        .collect()
}

/// Checks the conflicts and requirements of the add-ons the blueprint asks for: each error
/// is on the add-on's field (or the other's, as the conflict says) and names both.
pub(crate) fn validate(bp: &Defaulted, errors: &mut ValidationErrors) {
    validate_with(bp, REGISTRY, errors);
}

fn validate_with(bp: &Defaulted, registry: &[&Entry], errors: &mut ValidationErrors) {
    let installed = selected(bp, registry);
    for entry in &installed {
        let d = &entry.declaration;
        let mut refused = false;
        for conflict in d.conflicts {
            let Resolution::Refuse { code, at, message } = conflict.resolution else { continue };
            if has(bp, &installed, conflict.with) {
                let path = match at {
                    At::This => d.field,
                    At::Other => conflict.with.field(),
                };
                errors.push(path, code, message);
                refused = true;
            }
        }
        for requirement in d.requires {
            if !has(bp, &installed, requirement.needs) {
                errors.push(d.field, requirement.code, requirement.message);
                refused = true;
            }
        }
        // Said once: an add-on already refused needs no second reason.
        if !refused && !d.roles.is_empty() && !has(bp, &installed, Feature::Addon(POD_IDENTITY_AGENT)) {
            errors.push(
                d.field,
                codes::ADDON_REQUIREMENT,
                format!(
                    "add-on `{}` gets its AWS permissions through EKS Pod Identity, which needs the EKS Pod Identity agent (`eks-pod-identity-agent`) on the nodes, and the blueprint does not install it",
                    d.id
                ),
            );
        }
    }
}

/// The effective add-on set of a valid blueprint, in deploy order.
pub(crate) fn resolve(bp: &Defaulted) -> Addons {
    resolve_with(bp, REGISTRY)
}

fn resolve_with(bp: &Defaulted, registry: &[&'static Entry]) -> Addons {
    let installed = order(selected(bp, registry));
    Addons {
        installed: installed
            .into_iter()
            .map(|e| Installed { declaration: &e.declaration, service_accounts: (e.service_accounts)(bp) })
            .collect(),
    }
}

/// Whether an add-on is installed after the nodes: it says so, or its part is deployed with
/// or after the compute stack. Render renders the add-ons before nodes with the cluster,
/// the others after node groups and Fargate profiles.
pub(crate) fn after_nodes(d: &Declaration) -> bool {
    d.after.contains(&Anchor::Nodes) || !matches!(d.part, Part::Account | Part::Network | Part::Cluster)
}

/// Orders add-ons: those before nodes, then those after; within that, each after what it
/// comes after (and before what it comes before), otherwise in registry order. A cycle
/// cannot happen among the registry's add-ons (a test of the registry checks it); were one
/// there, the remaining add-ons keep their registry order.
fn order(entries: Vec<&Entry>) -> Vec<&Entry> {
    let must_precede = |a: &Entry, b: &Entry| {
        b.declaration.after.contains(&Anchor::Addon(a.declaration.id))
            || a.declaration.before.contains(&Anchor::Addon(b.declaration.id))
            || (!after_nodes(&a.declaration) && after_nodes(&b.declaration))
    };
    let mut rest = entries;
    let mut out = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let next = (0..rest.len())
            .find(|&i| !rest.iter().enumerate().any(|(j, other)| j != i && must_precede(other, rest[i])))
            .unwrap_or(0);
        out.push(rest.remove(next));
    }
    out
}

#[cfg(test)]
mod tests;
