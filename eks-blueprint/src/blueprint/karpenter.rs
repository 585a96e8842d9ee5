//! The resolved Karpenter: every default applied, NodePools included.

use indexmap::IndexMap;

use crate::spec::compute::Taint;
use crate::spec::karpenter::{Architecture, Budget, ConsolidationPolicy, KarpenterCapacityType};

/// Karpenter for the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Karpenter {
    /// The namespace of the Helm release.
    pub(crate) namespace: String,
    /// The controller's service account.
    pub(crate) service_account: String,
    /// The EC2NodeClass AMI alias.
    pub(crate) ami_alias: String,
    /// The NodePools.
    pub(crate) node_pools: Vec<NodePool>,
    /// Whether it runs in a VPC without NAT: only VPC endpoints reach AWS
    /// (`settings.isolatedVPC`).
    pub(crate) isolated_vpc: bool,
    /// The chart for the cluster's Kubernetes version, from the Helm pin table; `None` for
    /// a version the table does not know.
    pub(crate) chart: Option<KarpenterChart>,
}

/// The Karpenter chart pinned for the cluster's Kubernetes version
/// ([`crate::compile::data::helm_pins`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KarpenterChart {
    /// The cluster's Kubernetes version.
    pub(crate) kubernetes_version: String,
    /// The chart version installed by default.
    pub(crate) version: String,
    /// The oldest Karpenter release that supports the Kubernetes version.
    pub(crate) min_version: String,
}

/// A Karpenter NodePool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodePool {
    /// The name.
    pub(crate) name: String,
    /// Capacity types.
    pub(crate) capacity_types: Vec<KarpenterCapacityType>,
    /// Instance categories; empty allows all.
    pub(crate) instance_categories: Vec<String>,
    /// Only generations greater than this; `None` allows all.
    pub(crate) instance_generation_greater_than: Option<u32>,
    /// CPU architectures.
    pub(crate) architectures: Vec<Architecture>,
    /// Taints of the nodes.
    pub(crate) taints: Vec<Taint>,
    /// Labels of the nodes.
    pub(crate) labels: IndexMap<String, String>,
    /// Total vCPUs; `None` for no limit.
    pub(crate) cpu_limit: Option<String>,
    /// Total memory; `None` for no limit.
    pub(crate) memory_limit: Option<String>,
    /// Which nodes consolidation may remove.
    pub(crate) consolidation_policy: ConsolidationPolicy,
    /// How long before consolidating.
    pub(crate) consolidate_after: String,
    /// Disruption budgets.
    pub(crate) budgets: Vec<Budget>,
    /// Priority among NodePools.
    pub(crate) weight: Option<u32>,
}
