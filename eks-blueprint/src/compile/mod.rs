//! Compile: a blueprint spec becomes a validated [`crate::Blueprint`]. Defaults are applied
//! once, every rule is checked (all errors collected, each with a registered [`codes`]
//! code), and the derived data is computed once.
//!
//! Validation is by topic: [`network`](self) ([`address`] computes the address plan),
//! cluster, compute (node groups with one base validator, Fargate, Auto Mode), Karpenter,
//! identities, tags, labels and taints; every rule that spans sections is in `cross`.
//! Findings (warnings) are in [`checks`].

pub mod address;
pub mod checks;
pub mod codes;
pub mod data;
pub mod defaults;

pub(crate) mod cluster;
mod common;
mod compute;
mod cross;
mod fargate;
pub(crate) mod identity;
mod karpenter;
mod labels;
pub(crate) mod network;
mod nodegroups;
pub(crate) mod tags;

use crate::error::ValidationErrors;
use crate::spec::Blueprint;

/// The longest blueprint name: EKS cluster names are at most 100 characters.
pub const MAX_NAME_LEN: usize = 100;

/// Collects every problem of the blueprint, section by section, then the rules that span
/// sections, in the order users read them.
pub(crate) fn validate(bp: &Blueprint, errors: &mut ValidationErrors) {
    let name_ok = bp.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && bp.name.len() <= MAX_NAME_LEN
        && bp.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !bp.name.ends_with('-');
    if bp.name.is_empty() {
        errors.push("name", codes::EMPTY, "the blueprint needs a name (it names the cluster and its stacks)");
    } else if !name_ok {
        errors.push(
            "name",
            codes::INVALID_NAME,
            format!(
                "`{}` is not a valid name: start with a letter, then letters, digits and '-', at most {MAX_NAME_LEN} characters (it names the cluster and its CloudFormation stacks)",
                bp.name
            ),
        );
    }
    cluster::version(&bp.kubernetes_version, errors);
    tags::check("tags", &bp.tags, tags::BLUEPRINT_TAGS, errors);
    let _ = network::validate(&bp.network, errors);
    cluster::validate(&bp.cluster, errors);
    cross::removal(&bp.cluster, bp.removal_policy, errors);
    cross::cluster_network(&bp.cluster, &bp.network, errors);
    cross::node_reachability(&bp.cluster, &bp.network, errors);
    compute::validate(&bp.compute, bp.kubernetes_version.as_str(), errors);
    identity::validate(&bp.identities, errors);
    cross::pod_identity_on_fargate(&bp.identities, &bp.compute, errors);
    cross::service_cidr_required(bp, errors);
    cross::karpenter(bp, errors);
    if let Some(spec) = &bp.compute.karpenter {
        karpenter::validate(spec, errors);
    }
    cross::ipv6(bp, errors);
    cross::custom_networking(bp, errors);
    tags::check_counts(bp, errors);
    checks::validate_suppressions(&bp.suppress, errors);
}
