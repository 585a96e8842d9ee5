//! Checks: best-practice warnings (findings) that do not refuse synthesis. Each has a stable rule
//! id and can be suppressed in the blueprint with a reason:
//!
//! ```yaml
//! suppress:
//!   - rule: EKSB-COMPUTE-001
//!     reason: batch jobs tolerate losing the whole group
//! ```

use crate::blueprint::karpenter::Karpenter;
use crate::blueprint::Finding;
use crate::compile::codes;
use crate::compile::compute::Defaulted as ComputeDefaulted;
use crate::compile::data::instance_types;
use crate::compile::network::Defaulted as NetworkDefaulted;
use crate::compile::Defaulted;
use crate::error::ValidationErrors;
use crate::spec::cluster::{IpFamily, RemovalPolicy};
use crate::spec::compute::{Arch, CapacityType, SubnetType};
use crate::spec::findings::Suppression;
use crate::spec::karpenter::Architecture;
use crate::spec::StackLayout;

/// A Spot node group with a single instance type.
pub const SPOT_SINGLE_INSTANCE_TYPE: &str = "EKSB-COMPUTE-001";
/// Nodes with an SSH key pair.
pub const SSH_KEY: &str = "EKSB-COMPUTE-002";
/// Nodes in public subnets.
pub const PUBLIC_NODES: &str = "EKSB-COMPUTE-003";
/// A managed node group the Cluster Autoscaler scales from zero, with labels or taints.
pub const SCALE_FROM_ZERO_NEEDS_DESCRIBE_NODEGROUP: &str = "EKSB-COMPUTE-004";

/// A kubelet `maxPods` above the pod addresses of a node group's instance types.
pub const MAX_PODS_ABOVE_ADDRESSES: &str = "EKSB-COMPUTE-005";

/// A pod CIDR (VPC CNI custom networking) with node groups that keep the AMI's max pods.
pub const CUSTOM_NETWORKING_MAX_PODS: &str = "EKSB-NETWORK-001";
/// A pod CIDR (VPC CNI custom networking) with a private-only API endpoint: the ENIConfigs
/// between the stacks need kubectl access from inside the VPC.
pub const CUSTOM_NETWORKING_PRIVATE_ENDPOINT: &str = "EKSB-NETWORK-002";

/// `removalPolicy: destroy`: deleting a stack deletes the cluster, its keys and its logs.
pub const REMOVAL_DESTROY: &str = "EKSB-LIFECYCLE-001";
/// One stack that retains the cluster: deleting it fails on the VPC the cluster still uses.
pub const SINGLE_STACK_RETAINS_CLUSTER: &str = "EKSB-LIFECYCLE-002";

/// A Karpenter NodePool no known instance type matches.
pub const KARPENTER_NO_INSTANCE_TYPE: &str = "EKSB-KARPENTER-001";

pub use super::versions::{ADDON_VERSION_UNKNOWN, NODES_BEHIND, PAST_STANDARD_SUPPORT};

/// Every rule: id and what it checks.
pub const RULES: &[(&str, &str)] = &[
    (SPOT_SINGLE_INSTANCE_TYPE, "Spot node groups list several instance types"),
    (SSH_KEY, "nodes have no SSH key pair"),
    (PUBLIC_NODES, "nodes run in private subnets"),
    (
        SCALE_FROM_ZERO_NEEDS_DESCRIBE_NODEGROUP,
        "managed node groups scaled from zero by the Cluster Autoscaler: it needs eks:DescribeNodegroup",
    ),
    (MAX_PODS_ABOVE_ADDRESSES, "kubelet maxPods is within the pod addresses of the instance types"),
    (CUSTOM_NETWORKING_MAX_PODS, "with a pod CIDR, node groups set kubelet maxPods"),
    (CUSTOM_NETWORKING_PRIVATE_ENDPOINT, "with a pod CIDR, kubectl can reach the API endpoint between the stacks"),
    (REMOVAL_DESTROY, "stateful resources are retained when their stack is deleted"),
    (SINGLE_STACK_RETAINS_CLUSTER, "a single stack can be deleted as a whole"),
    (KARPENTER_NO_INSTANCE_TYPE, "each Karpenter NodePool matches some instance type"),
    (super::capacity::SUBNET_CAN_RUN_OUT, "node groups cannot run their subnets out of addresses"),
    (super::quotas::MANAGED_NODE_GROUPS, "managed node groups within the default EKS quota (30 per cluster)"),
    (super::quotas::FARGATE_PROFILES, "Fargate profiles within the default EKS quota (10 per cluster)"),
    (ADDON_VERSION_UNKNOWN, "every EKS add-on has a version for the cluster's Kubernetes version"),
    (PAST_STANDARD_SUPPORT, "the Kubernetes version is in standard support on the day of synthesis"),
    (NODES_BEHIND, "node groups run the control plane's Kubernetes version"),
];

pub(crate) fn validate_suppressions(suppress: &[Suppression], errors: &mut ValidationErrors) {
    for (i, s) in suppress.iter().enumerate() {
        if !RULES.iter().any(|(id, _)| *id == s.rule) {
            let known: Vec<&str> = RULES.iter().map(|(id, _)| *id).collect();
            errors.push(
                format!("suppress[{i}].rule"),
                codes::UNKNOWN_RULE,
                format!("`{}` is not a rule id (known: {})", s.rule, known.join(", ")),
            );
        }
        if s.reason.trim().is_empty() {
            errors.push(format!("suppress[{i}].reason"), codes::EMPTY, "say why the rule is suppressed");
        }
    }
}

/// Best-practice findings of the network part, before suppressions: with a pod CIDR
/// (VPC CNI custom networking), node groups without kubelet `maxPods`
/// (`EKSB-NETWORK-001`).
///
/// The primary network interface of a node carries no pods under custom networking
/// (EKS user guide, "Deploy Pods in alternate subnets with custom networking"), but the
/// AMI's max pods counts its addresses: nodes would accept pods they cannot give an
/// address to, which then wait in `ContainerCreating`.
fn network_findings(network: &NetworkDefaulted, compute: &ComputeDefaulted) -> Vec<Finding> {
    if network.pod_cidr.is_none() || network.existing.is_some() {
        return Vec::new();
    }
    let message = |types: &[String]| {
        let example = types.first().map_or("<instance type>", String::as_str);
        format!(
            "with podCidr the VPC CNI gives pods no address from the node's primary network interface, but the AMI's max pods counts them, so nodes accept pods they cannot start; set kubelet.maxPods to the value of `max-pods-calculator.sh --instance-type {example} --cni-version <vpc-cni version> --cni-custom-networking-enabled` for the smallest instance type"
        )
    };
    let managed =
        compute.managed_node_groups.iter().enumerate().filter(|(_, g)| g.base.kubelet.max_pods.is_none()).map(
            |(i, g)| {
                Finding::new(
                    CUSTOM_NETWORKING_MAX_PODS,
                    format!("compute.managedNodeGroups[{i}].kubelet.maxPods"),
                    message(&g.base.instance_types),
                )
            },
        );
    let self_managed =
        compute.self_managed_node_groups.iter().enumerate().filter(|(_, g)| g.base.kubelet.max_pods.is_none()).map(
            |(i, g)| {
                Finding::new(
                    CUSTOM_NETWORKING_MAX_PODS,
                    format!("compute.selfManagedNodeGroups[{i}].kubelet.maxPods"),
                    message(&g.base.instance_types),
                )
            },
        );
    managed.chain(self_managed).collect()
}

/// Best-practice findings of the compute part, before suppressions.
fn compute_findings(compute: &ComputeDefaulted) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut group = |path: String, capacity: CapacityType, types: &[String], ssh: Option<&str>, subnets: SubnetType| {
        if capacity == CapacityType::Spot && types.len() == 1 {
            out.push(Finding::new(
                SPOT_SINGLE_INSTANCE_TYPE,
                format!("{path}.instanceTypes"),
                format!(
                    "a Spot group with the single instance type {} loses all its nodes when that Spot pool is reclaimed; list several instance types of similar size",
                    types[0]
                ),
            ));
        }
        if let Some(key) = ssh {
            out.push(Finding::new(
                SSH_KEY,
                format!("{path}.sshKeyName"),
                format!("nodes accept SSH with key pair `{key}`; prefer SSM Session Manager and leave sshKeyName out"),
            ));
        }
        if subnets == SubnetType::Public {
            out.push(Finding::new(
                PUBLIC_NODES,
                format!("{path}.subnets"),
                "nodes in public subnets get public IP addresses; keep nodes in private subnets",
            ));
        }
    };
    for (i, g) in compute.managed_node_groups.iter().enumerate() {
        group(
            format!("compute.managedNodeGroups[{i}]"),
            g.base.capacity_type,
            &g.base.instance_types,
            g.base.ssh_key_name.as_deref(),
            g.base.subnets,
        );
    }
    for (i, g) in compute.self_managed_node_groups.iter().enumerate() {
        group(
            format!("compute.selfManagedNodeGroups[{i}]"),
            g.base.capacity_type,
            &g.base.instance_types,
            g.base.ssh_key_name.as_deref(),
            g.base.subnets,
        );
    }
    out.extend(scale_from_zero_findings(compute));
    out
}

/// Managed node groups the Cluster Autoscaler may scale from zero with labels or taints.
///
/// EKS creates each managed node group's Auto Scaling group itself and tags it for
/// Cluster Autoscaler auto-discovery ("Nodes launched as part of a managed node group are
/// automatically tagged for auto-discovery", EKS user guide, managed node groups); the
/// node group's own tags do not reach that group, and CloudFormation does not expose its
/// name (`AWS::EKS::Nodegroup` returns only `Arn`, `Id`, ...), so no template can tag it.
/// With no node to copy from, the Cluster Autoscaler learns a group's labels and taints
/// from the EKS `DescribeNodegroup` API (Cluster Autoscaler 1.24 and later, with
/// `eks:DescribeNodegroup` in its IAM policy; cluster-autoscaler/cloudprovider/aws/README.md
/// and proposals/circumvent-tag-limit-aws.md); without it, pods that need them never
/// trigger a scale-up of an empty group.
fn scale_from_zero_findings(compute: &ComputeDefaulted) -> Vec<Finding> {
    if !compute.cluster_autoscaler {
        return Vec::new();
    }
    compute.managed_node_groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.base.min_size == 0 && (!g.base.labels.is_empty() || !g.base.taints.is_empty()))
        .map(|(i, g)| {
            Finding::new(
                SCALE_FROM_ZERO_NEEDS_DESCRIBE_NODEGROUP,
                format!("compute.managedNodeGroups[{i}].minSize"),
                format!(
                    "the Cluster Autoscaler scales group `{}` up from zero nodes only if it knows its labels and taints, which EKS does not copy to the group's Auto Scaling group: run Cluster Autoscaler 1.24 or later with eks:DescribeNodegroup in its IAM policy (and, without NAT, the eks VPC endpoint), or keep minSize at 1",
                    g.base.name
                ),
            )
        })
        .collect()
}

/// Findings of rule `EKSB-COMPUTE-005`: a kubelet `maxPods` above the number of pods the
/// group's smallest instance type (of those in the instance type table) can give VPC
/// addresses to, without prefix delegation: `ENIs × (IPv4 per ENI − 1) + 2`, or with VPC
/// CNI custom networking, where the primary ENI carries no pods,
/// `(ENIs − 1) × (IPv4 per ENI − 1) + 2` (EKS user guide, "Deploy Pods in alternate subnets
/// with custom networking"). Pods above it stay in `ContainerCreating`. Not for ipv6
/// clusters, whose pods take addresses from prefixes.
fn max_pods_findings(compute: &ComputeDefaulted, custom_networking: bool) -> Vec<Finding> {
    let groups = compute
        .managed_node_groups
        .iter()
        .enumerate()
        .map(|(i, g)| (format!("compute.managedNodeGroups[{i}]"), &g.base.instance_types, g.base.kubelet.max_pods))
        .chain(compute.self_managed_node_groups.iter().enumerate().map(|(i, g)| {
            (format!("compute.selfManagedNodeGroups[{i}]"), &g.base.instance_types, g.base.kubelet.max_pods)
        }));
    let mut out = Vec::new();
    for (path, types, max_pods) in groups {
        let Some(max_pods) = max_pods else { continue };
        let capacity = |t: &instance_types::InstanceType| {
            if custom_networking {
                t.max_pods_custom_networking()
            } else {
                t.max_pods()
            }
        };
        let smallest = types
            .iter()
            .filter_map(|t| instance_types::lookup(t))
            .filter(|t| t.arch.is_some())
            .min_by_key(|t| (capacity(t), t.name));
        let Some(t) = smallest else { continue };
        let pods = capacity(t);
        if max_pods <= pods {
            continue;
        }
        let formula_enis = if custom_networking { format!("({} − 1)", t.max_enis) } else { t.max_enis.to_string() };
        let how = if custom_networking { " with custom networking (the primary ENI carries no pods)" } else { "" };
        out.push(Finding::new(
            MAX_PODS_ABOVE_ADDRESSES,
            format!("{path}.kubelet.maxPods"),
            format!(
                "maxPods {max_pods} is more pods than {} gives VPC addresses to{how}: {formula_enis} ENIs × ({} − 1) addresses + 2 = {pods}, without VPC CNI prefix delegation; pods above it stay in ContainerCreating. Set maxPods to at most {pods}",
                t.name, t.ipv4_per_eni
            ),
        ));
    }
    out
}

/// Findings of rule `EKSB-KARPENTER-001`: a NodePool whose instance categories,
/// generation and architectures match no instance type of the instance type table, so
/// Karpenter could launch no node for it.
fn karpenter_findings(karpenter: &Karpenter) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, pool) in karpenter.node_pools.iter().enumerate() {
        let matches = instance_types::all().iter().any(|t| {
            let Some((category, generation)) = category_and_generation(t.name) else { return false };
            let arch = match t.arch {
                Some(Arch::X86_64) => Architecture::Amd64,
                Some(Arch::Arm64) => Architecture::Arm64,
                None => return false,
            };
            (pool.instance_categories.is_empty() || pool.instance_categories.iter().any(|c| c == category))
                && pool.instance_generation_greater_than.is_none_or(|g| generation > g)
                && pool.architectures.contains(&arch)
        });
        if matches {
            continue;
        }
        let categories = if pool.instance_categories.is_empty() {
            "any category".to_owned()
        } else {
            format!("category {}", pool.instance_categories.join(" or "))
        };
        let generation =
            pool.instance_generation_greater_than.map_or_else(String::new, |g| format!(", a generation above {g}"));
        let archs: Vec<&str> = pool.architectures.iter().map(|a| a.as_str()).collect();
        out.push(Finding::new(
            KARPENTER_NO_INSTANCE_TYPE,
            format!("compute.karpenter.nodePools[{i}]"),
            format!(
                "no instance type eks-blueprint knows (instance types of {}) has {categories}{generation} and architecture {}: Karpenter would launch no node for NodePool `{}`; check instanceCategories, instanceGenerationGreaterThan and architectures (suppress this rule for instance types newer than the table)",
                instance_types::TABLE_DATE,
                archs.join(" or "),
                pool.name
            ),
        ));
    }
    out
}

/// The `karpenter.k8s.aws/instance-category` and `instance-generation` of an instance type, as
/// Karpenter reads them from its name: the leading letters, then (after an optional
/// `-<n>tb`) the generation digits (`c7i.large`: `c`, 7; `u-6tb1.metal`: `u`, 1)
/// (aws/karpenter-provider-aws `pkg/providers/instancetype/types.go`, `instanceTypeScheme`).
pub(crate) fn category_and_generation(name: &str) -> Option<(&str, u32)> {
    let family = name.split('.').next()?;
    let letters = family.find(|c: char| !c.is_ascii_lowercase())?;
    let (category, mut rest) = family.split_at(letters);
    if let Some(size) = rest.strip_prefix('-') {
        let digits = size.find(|c: char| !c.is_ascii_digit()).unwrap_or(size.len());
        if digits > 0 && size[digits..].starts_with("tb") {
            rest = &size[digits + 2..];
        }
    }
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    (!category.is_empty() && digits > 0).then_some(())?;
    Some((category, rest[..digits].parse().ok()?))
}

/// Best-practice findings (warnings with rule ids), without the suppressed rules;
/// `installed`: the EKS add-ons installed, `ctx`: what compile knows besides the spec.
pub(crate) fn findings(bp: &Defaulted, installed: &[&str], ctx: &super::Context) -> Vec<Finding> {
    let mut all = compute_findings(&bp.compute);
    all.extend(super::versions::findings(bp, installed, ctx));
    if bp.cluster.ip_family == IpFamily::Ipv4 {
        all.extend(max_pods_findings(&bp.compute, super::derived::custom_networking(bp)));
    }
    all.extend(network_findings(&bp.network, &bp.compute));
    all.extend(lifecycle_findings(bp));
    all.extend(custom_networking_findings(bp));
    if let Some(karpenter) = &bp.compute.karpenter {
        all.extend(karpenter_findings(karpenter));
    }
    all.extend(super::quotas::findings(bp));
    all.retain(|f| !bp.spec.suppress.iter().any(|s| s.rule == f.rule_id));
    all
}

/// What deleting the stacks would do: destroy stateful resources, or fail.
fn lifecycle_findings(bp: &Defaulted) -> Vec<Finding> {
    let mut out = Vec::new();
    match bp.removal_policy {
        RemovalPolicy::Destroy => out.push(Finding::new(
            REMOVAL_DESTROY,
            "removalPolicy",
            "deleting a stack deletes the EKS cluster, its IAM role and log groups, and schedules its KMS keys for deletion (their data becomes unreadable after 30 days); keep removalPolicy: retain for clusters whose data matters",
        )),
        RemovalPolicy::Retain => {
            // An existing VPC is not deleted with the stack, so nothing holds it up.
            if bp.stack_layout == StackLayout::Single && bp.network.existing.is_none() {
                out.push(Finding::new(
                    SINGLE_STACK_RETAINS_CLUSTER,
                    "stackLayout",
                    "one stack with removalPolicy: retain keeps the cluster when the stack is deleted, and the cluster's network interfaces keep its subnets: the delete fails on the VPC (DELETE_FAILED); use removalPolicy: destroy for a sandbox, or stackLayout: perLifecycle",
                ));
            }
        }
    }
    out
}

/// Findings of custom networking: a private-only API endpoint, from where the ENIConfigs
/// cannot be applied without a network path into the VPC (`EKSB-NETWORK-002`).
fn custom_networking_findings(bp: &Defaulted) -> Vec<Finding> {
    let endpoint = &bp.cluster.endpoint;
    if !super::derived::custom_networking(bp) || endpoint.public {
        return Vec::new();
    }
    vec![Finding::new(
        CUSTOM_NETWORKING_PRIVATE_ENDPOINT,
        "cluster.endpoint.public",
        "with podCidr the ENIConfigs are applied with kubectl between the cluster and compute stacks, and a private-only API endpoint answers only inside the VPC (or a network connected to it, with the cluster security group admitting HTTPS from there); set public: true with publicAccessCidrs limited to where kubectl runs, or suppress this rule with a reason that says how kubectl reaches the endpoint (docs/custom-networking.md)",
    )]
}
