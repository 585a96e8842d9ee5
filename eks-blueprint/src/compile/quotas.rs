//! EKS service quotas a blueprint can pass, read from `data/eks-service-quotas.csv` (each
//! row with its source: the AWS General Reference "Amazon Elastic Kubernetes Service
//! endpoints and quotas" and the EKS user guide's Pod Identity limits).
//!
//! Above an adjustable quota's default: a finding (rule `EKSB-QUOTA-…`) that names the quota
//! and its code to raise in Service Quotas before deploying (an account's applied value can
//! be higher; the check cannot know it). Above a hard quota: a validation error
//! (`service-quota`), since EKS would refuse the stack at deploy.
//!
//! Already checked elsewhere, as errors: nodes per managed node group (`maxSize` above 450,
//! `compile/nodegroups.rs`), selectors per Fargate profile (`compile/fargate.rs`; the API
//! refuses more than 5), labels per selector, taints and labels per node group.

use crate::blueprint::Finding;
use crate::compile::{codes, Defaulted};
use crate::error::ValidationErrors;
use crate::spec::identity::IdentityMode;

const TABLE: &str = include_str!("../../data/eks-service-quotas.csv");

/// One row of the quota table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceQuota {
    /// The Service Quotas service code (`eks`, `fargate`, `cloudformation`), or `-`.
    pub service: &'static str,
    /// The quota's name, as its source names it.
    pub name: &'static str,
    /// The quota code to request an increase with (`L-6D54EA21`), when adjustable.
    pub code: Option<&'static str>,
    /// The AWS default value.
    pub default: u64,
    /// Whether an increase can be requested.
    pub adjustable: bool,
}

/// Every quota of the table, in its order.
pub fn all() -> Vec<ServiceQuota> {
    TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1) // the header
        .filter_map(|line| {
            let f: Vec<&'static str> = line.split(',').collect();
            (f.len() == 9).then(|| ServiceQuota {
                service: f[0],
                name: f[1],
                code: (!f[2].is_empty()).then_some(f[2]),
                default: f[3].parse().unwrap_or(u64::MAX),
                adjustable: f[4] == "yes",
            })
        })
        .collect()
}

/// The quota with this name.
pub fn lookup(name: &str) -> Option<ServiceQuota> {
    all().into_iter().find(|q| q.name == name)
}

/// More managed node groups than the default quota.
pub const MANAGED_NODE_GROUPS: &str = "EKSB-QUOTA-001";
/// More Fargate profiles than the default quota.
pub const FARGATE_PROFILES: &str = "EKSB-QUOTA-002";

/// The quota names the checks use (rows of the table; a test keeps them there).
pub(crate) const MANAGED_NODE_GROUPS_QUOTA: &str = "Managed node groups per cluster";
pub(crate) const FARGATE_PROFILES_QUOTA: &str = "Fargate profiles per cluster";
pub(crate) const ACCESS_ENTRIES_QUOTA: &str = "Access entries per cluster";
pub(crate) const POD_IDENTITY_QUOTA: &str = "Pod Identity associations per cluster";

/// Findings: adjustable quotas whose default the blueprint passes.
pub(crate) fn findings(bp: &Defaulted) -> Vec<Finding> {
    let mut out = Vec::new();
    for (rule, quota, path, count, what) in [
        (
            MANAGED_NODE_GROUPS,
            MANAGED_NODE_GROUPS_QUOTA,
            "compute.managedNodeGroups",
            bp.compute.managed_node_groups.len(),
            "managed node groups",
        ),
        (
            FARGATE_PROFILES,
            FARGATE_PROFILES_QUOTA,
            "compute.fargateProfiles",
            bp.compute.fargate_profiles.len(),
            "Fargate profiles",
        ),
    ] {
        let Some(q) = lookup(quota) else { continue };
        if count as u64 > q.default {
            out.push(Finding::new(
                rule,
                path,
                format!(
                    "{count} {what} pass the EKS service quota `{}` (default {}, adjustable): request an increase of quota {} in Service Quotas (service `{}`) to at least {count} before deploying, or the create fails",
                    q.name,
                    q.default,
                    q.code.unwrap_or("(no code published)"),
                    q.service
                ),
            ));
        }
    }
    out
}

/// Errors: hard quotas the blueprint passes.
pub(crate) fn validate(bp: &Defaulted, errors: &mut ValidationErrors) {
    let access = &bp.cluster.access;
    // The creator's entry, when bootstrapped, counts too. EKS also creates entries for the
    // roles of managed node groups and Fargate profiles: at least what is counted here.
    let entries = access.entries.len() + usize::from(access.bootstrap_cluster_creator_admin_permissions);
    let pod_identities = bp.identities.iter().filter(|i| i.mode == IdentityMode::PodIdentity).count();
    for (quota, path, count, what) in [
        (ACCESS_ENTRIES_QUOTA, "cluster.access.entries", entries, "access entries"),
        (POD_IDENTITY_QUOTA, "identities", pod_identities, "EKS Pod Identity associations"),
    ] {
        let Some(q) = lookup(quota) else { continue };
        if !q.adjustable && count as u64 > q.default {
            errors.push(
                path,
                codes::SERVICE_QUOTA,
                format!(
                    "{count} {what} pass the EKS quota `{}` of {}, which cannot be raised: EKS would refuse the ones above it; use fewer",
                    q.name, q.default
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_has_the_quotas_the_checks_use_with_their_published_defaults() {
        // Defaults and codes from the AWS General Reference, EKS quotas table, and the EKS
        // user guide, Pod Identity "Limits" (data/SOURCES.md).
        let q = lookup(MANAGED_NODE_GROUPS_QUOTA).unwrap();
        assert_eq!((q.default, q.adjustable, q.code), (30, true, Some("L-6D54EA21")));
        let q = lookup(FARGATE_PROFILES_QUOTA).unwrap();
        assert_eq!((q.default, q.adjustable, q.code), (10, true, Some("L-33415657")));
        let q = lookup(ACCESS_ENTRIES_QUOTA).unwrap();
        assert_eq!((q.default, q.adjustable), (3000, false));
        let q = lookup(POD_IDENTITY_QUOTA).unwrap();
        assert_eq!((q.default, q.adjustable), (5000, false));
        let q = lookup("Nodes per managed node group").unwrap();
        assert_eq!(q.default, u64::from(crate::compile::defaults::NODEGROUP_MAX_LIMIT));
        let q = lookup("Selectors per Fargate profile").unwrap();
        assert_eq!(q.default, crate::compile::defaults::FARGATE_MAX_SELECTORS as u64);
        // Every row parsed: as many as the file has data lines.
        let rows = TABLE.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count() - 1;
        assert_eq!(all().len(), rows);
    }
}
