//! Findings: best-practice warnings that do not refuse synthesis. Each has a stable rule
//! id and can be suppressed in the blueprint with a reason:
//!
//! ```yaml
//! suppress:
//!   - rule: EKSB-COMPUTE-001
//!     reason: batch jobs tolerate losing the whole group
//! ```

use serde::Deserialize;

use crate::compile::codes;
use crate::error::ValidationErrors;

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
];

/// A best-practice finding: the rule, the field path and what to do.
///
/// Displayed as `warning[EKSB-COMPUTE-001]: compute.managedNodeGroups[1].instanceTypes: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The stable rule id, e.g. `EKSB-COMPUTE-001`.
    pub rule_id: &'static str,
    /// The field path, as in the blueprint file.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// A finding; values quoted in the message are capped ([`crate::error::cap_message`]).
    pub fn new(rule_id: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = crate::error::cap_message(&message.into()).into_owned();
        Finding { rule_id, path: path.into(), message }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning[{}]: {}: {}", self.rule_id, self.path, self.message)
    }
}

/// Turns a rule off for the whole blueprint (`suppress: [{rule, reason}]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Suppression {
    /// The rule id, e.g. `EKSB-COMPUTE-001`.
    pub rule: String,
    /// Why the rule does not apply (required, for reviewers).
    pub reason: String,
}

impl Suppression {
    /// A suppression of `rule`, with the reason.
    pub fn new(rule: impl Into<String>, reason: impl Into<String>) -> Self {
        Suppression { rule: rule.into(), reason: reason.into() }
    }
}

pub(crate) fn validate(suppress: &[Suppression], errors: &mut ValidationErrors) {
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
