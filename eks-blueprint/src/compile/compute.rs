//! The compute section: node groups, Fargate profiles and EKS Auto Mode with their defaults
//! applied, their validation, and names that would share a logical id.

use crate::blueprint::compute::{
    AutoMode, ClusterDns, Compute, FargateProfile, ManagedNodeGroup, SelfManagedNodeGroup,
};
use crate::blueprint::karpenter::Karpenter;
use crate::cidr::Ipv4Cidr;
use crate::compile::codes;
use crate::compile::defaults;
use crate::compile::fargate;
use crate::compile::karpenter;
use crate::compile::nodegroups::{self, SelfManaged};
use crate::error::ValidationErrors;
use crate::spec::cluster::KubernetesVersion;
use crate::spec::compute as spec;
use crate::text::pascal_case;

/// The compute section with every default applied, before the data compile derives for
/// self-managed node groups.
#[derive(Debug, Clone)]
pub(crate) struct Defaulted {
    pub(crate) managed_node_groups: Vec<ManagedNodeGroup>,
    pub(crate) self_managed_node_groups: Vec<SelfManaged>,
    pub(crate) fargate_profiles: Vec<FargateProfile>,
    /// Auto Mode, when on.
    pub(crate) auto_mode: Option<AutoMode>,
    pub(crate) karpenter: Option<Karpenter>,
    pub(crate) cluster_autoscaler: bool,
}

/// Applies the compute section's defaults; `isolated_vpc`: whether the VPC has no NAT
/// (Karpenter then runs with `settings.isolatedVPC`); `cluster_version`: the control plane's
/// Kubernetes version, the nodes' when neither the group nor `compute.nodeVersion` sets one.
pub(crate) fn defaulted(spec: &spec::Compute, isolated_vpc: bool, cluster_version: &KubernetesVersion) -> Defaulted {
    let node_version = spec.node_version.as_ref().unwrap_or(cluster_version);
    Defaulted {
        managed_node_groups: spec
            .managed_node_groups
            .iter()
            .map(|g| nodegroups::resolve_managed(g, node_version))
            .collect(),
        self_managed_node_groups: spec
            .self_managed_node_groups
            .iter()
            .map(|g| nodegroups::resolve_self_managed(g, node_version))
            .collect(),
        fargate_profiles: spec
            .fargate_profiles
            .iter()
            .map(|p| FargateProfile {
                name: p.name.clone(),
                id: pascal_case(&p.name),
                selectors: p.selectors.clone(),
                tags: p.tags.clone(),
            })
            .collect(),
        auto_mode: spec.auto_mode.enabled.unwrap_or(defaults::AUTO_MODE).then(|| AutoMode {
            node_pools: spec.auto_mode.node_pools.clone().unwrap_or_else(|| defaults::AUTO_MODE_NODE_POOLS.to_vec()),
        }),
        karpenter: spec.karpenter.as_ref().map(|k| karpenter::resolve(k, isolated_vpc, cluster_version.as_str())),
        cluster_autoscaler: spec.cluster_autoscaler.unwrap_or(defaults::CLUSTER_AUTOSCALER),
    }
}

impl Defaulted {
    /// Whether some node group (managed or self-managed) exists.
    pub(crate) fn has_node_groups(&self) -> bool {
        !self.managed_node_groups.is_empty() || !self.self_managed_node_groups.is_empty()
    }

    /// The Fargate profile that runs every pod of `namespace`: one with a selector for the
    /// namespace and no labels. EKS schedules the pods a profile selects onto Fargate
    /// (<https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html>).
    pub(crate) fn fargate_profile_for_namespace(&self, namespace: &str) -> Option<&FargateProfile> {
        self.fargate_profiles
            .iter()
            .find(|p| p.selectors.iter().any(|s| s.namespace == namespace && s.labels.is_empty()))
    }

    /// Whether Fargate is the only compute: Fargate profiles, and no node group, Auto Mode or
    /// Karpenter, so every pod runs on Fargate (or nowhere).
    pub(crate) fn fargate_only(&self) -> bool {
        !self.fargate_profiles.is_empty()
            && !self.has_node_groups()
            && self.auto_mode.is_none()
            && self.karpenter.is_none()
    }

    /// Whether EKS Auto Mode is on and nothing else runs pods, so the core add-ons it
    /// replaces are not installed.
    pub(crate) fn auto_mode_only(&self) -> bool {
        self.auto_mode.is_some() && !self.has_node_groups() && self.fargate_profiles.is_empty()
    }
}

/// Collects every problem of the compute part (`spec` as written, `compute` with its
/// defaults) of a cluster of Kubernetes `version`.
pub(crate) fn validate(spec: &spec::Compute, compute: &Defaulted, version: &str, errors: &mut ValidationErrors) {
    let groups = &compute.managed_node_groups;
    for (i, (group, written)) in groups.iter().zip(&spec.managed_node_groups).enumerate() {
        let path = format!("compute.managedNodeGroups[{i}]");
        nodegroups::managed(&path, written, group, errors);
        if let Some(other) = groups[..i].iter().find(|g| g.base.id == group.base.id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with node group `{}`: names must differ in more than '-' and '_'",
                    group.base.name, other.base.name
                ),
            );
        }
    }
    let groups = &compute.self_managed_node_groups;
    for (i, group) in groups.iter().enumerate() {
        let path = format!("compute.selfManagedNodeGroups[{i}]");
        nodegroups::self_managed(&path, group, version, errors);
        if let Some(other) = groups[..i].iter().find(|g| g.base.id == group.base.id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with node group `{}`: names must differ in more than '-' and '_'",
                    group.base.name, other.base.name
                ),
            );
        }
    }
    let profiles = &compute.fargate_profiles;
    for (i, (profile, written)) in profiles.iter().zip(&spec.fargate_profiles).enumerate() {
        let path = format!("compute.fargateProfiles[{i}]");
        fargate::profile(&path, written, errors);
        if let Some(other) = profiles[..i].iter().find(|p| p.id == profile.id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with Fargate profile `{}`: names must differ in more than '-' and '_'",
                    profile.name, other.name
                ),
            );
        }
    }
    fargate::coredns(compute, errors);
    let auto = &spec.auto_mode;
    if let Some(pools) = &auto.node_pools {
        if compute.auto_mode.is_none() {
            errors.push(
                "compute.autoMode.nodePools",
                codes::AUTO_MODE,
                "node pools need Auto Mode: add `enabled: true`",
            );
        }
        for (i, pool) in pools.iter().enumerate() {
            if pools[..i].contains(pool) {
                errors.push(
                    format!("compute.autoMode.nodePools[{i}]"),
                    codes::DUPLICATE,
                    format!("`{}` is listed twice", pool.as_str()),
                );
            }
        }
    }
}

/// The resolved compute of a valid blueprint: what self-managed node groups need besides
/// their defaults, their AMI's SSM parameter for their Kubernetes version and the cluster
/// DNS of `service_cidr`. `None` only when validation refused what these need.
pub(crate) fn resolve(compute: Defaulted, service_cidr: &str) -> Option<Compute> {
    let dns = service_cidr.parse::<Ipv4Cidr>().ok().and_then(|block| block.address(10));
    let mut self_managed_node_groups = Vec::with_capacity(compute.self_managed_node_groups.len());
    for group in compute.self_managed_node_groups {
        self_managed_node_groups.push(SelfManagedNodeGroup {
            // The AMI of the group's own Kubernetes version (held back or the cluster's).
            image_parameter: group.base.ami_type.ssm_parameter(group.base.version.as_str())?,
            cluster_dns: ClusterDns { service_cidr: service_cidr.to_owned(), ip: dns?.to_string() },
            base: group.base,
            spot_allocation_strategy: group.spot_allocation_strategy,
        });
    }
    Some(Compute {
        managed_node_groups: compute.managed_node_groups,
        self_managed_node_groups,
        fargate_profiles: compute.fargate_profiles,
        auto_mode: compute.auto_mode,
        karpenter: compute.karpenter,
        cluster_autoscaler: compute.cluster_autoscaler,
    })
}
