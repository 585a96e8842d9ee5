//! The resolved compute: node groups with a shared base, Fargate profiles, EKS Auto Mode.

use indexmap::IndexMap;

use super::karpenter::Karpenter;
use crate::spec::cluster::KubernetesVersion;
use crate::spec::compute::{
    AmiType, AutoModeNodePool, CapacityType, FargateSelector, Kubelet, SpotAllocationStrategy, SubnetType, Taint,
};

/// Everything that runs pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Compute {
    /// EKS managed node groups.
    pub(crate) managed_node_groups: Vec<ManagedNodeGroup>,
    /// Self-managed node groups.
    pub(crate) self_managed_node_groups: Vec<SelfManagedNodeGroup>,
    /// Fargate profiles.
    pub(crate) fargate_profiles: Vec<FargateProfile>,
    /// EKS Auto Mode, when on.
    pub(crate) auto_mode: Option<AutoMode>,
    /// Karpenter, when on.
    pub(crate) karpenter: Option<Karpenter>,
    /// Cluster Autoscaler auto-discovery tags.
    pub(crate) cluster_autoscaler: bool,
}

/// What managed and self-managed node groups share, every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeGroup {
    /// The name.
    pub(crate) name: String,
    /// The stem of its logical ids (the name in PascalCase), unique among its kind.
    pub(crate) id: String,
    /// Instance types.
    pub(crate) instance_types: Vec<String>,
    /// Whether instance types newer than the instance type table are accepted.
    pub(crate) allow_unlisted_instance_types: bool,
    /// The AMI type.
    pub(crate) ami_type: AmiType,
    /// On-Demand or Spot.
    pub(crate) capacity_type: CapacityType,
    /// Fewest nodes.
    pub(crate) min_size: u32,
    /// Nodes at creation.
    pub(crate) desired_size: u32,
    /// Most nodes.
    pub(crate) max_size: u32,
    /// Volume size in GiB.
    pub(crate) volume_size: u32,
    /// Kubernetes labels.
    pub(crate) labels: IndexMap<String, String>,
    /// Kubernetes taints.
    pub(crate) taints: Vec<Taint>,
    /// Private or public subnets.
    pub(crate) subnets: SubnetType,
    /// The group's own tags.
    pub(crate) tags: IndexMap<String, String>,
    /// One-minute CloudWatch metrics.
    pub(crate) detailed_monitoring: bool,
    /// An EC2 key pair for SSH.
    pub(crate) ssh_key_name: Option<String>,
    /// Kubelet settings (nothing to default: `maxPods` left out keeps the AMI's).
    pub(crate) kubelet: Kubelet,
    /// The nodes' Kubernetes version: the group's, else `compute.nodeVersion`, else the
    /// cluster's (within the version skew, validated).
    pub(crate) version: KubernetesVersion,
}

/// An EKS managed node group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManagedNodeGroup {
    /// What every node group has.
    pub(crate) base: NodeGroup,
    /// How many nodes an update takes down at once.
    pub(crate) update: UpdateConfig,
}

/// How many nodes a managed node group update takes down at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UpdateConfig {
    /// A count.
    MaxUnavailable(u32),
    /// A percentage.
    MaxUnavailablePercentage(u32),
}

/// A self-managed node group: an Auto Scaling group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SelfManagedNodeGroup {
    /// What every node group has.
    pub(crate) base: NodeGroup,
    /// How Spot pools are chosen.
    pub(crate) spot_allocation_strategy: SpotAllocationStrategy,
    /// The public SSM parameter of the group's AMI for the cluster's Kubernetes version.
    pub(crate) image_parameter: String,
    /// The cluster's service CIDR and DNS address, which the nodes' configuration needs.
    pub(crate) cluster_dns: ClusterDns,
}

/// Where nodes find the cluster DNS service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClusterDns {
    /// The service CIDR.
    pub(crate) service_cidr: String,
    /// The kube-dns Service's ClusterIP: `.10` of the service CIDR.
    pub(crate) ip: String,
}

/// An AWS Fargate profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FargateProfile {
    /// The name.
    pub(crate) name: String,
    /// The stem of its logical id.
    pub(crate) id: String,
    /// Which pods run on Fargate.
    pub(crate) selectors: Vec<FargateSelector>,
    /// The profile's own tags.
    pub(crate) tags: IndexMap<String, String>,
}

/// EKS Auto Mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AutoMode {
    /// The built-in node pools.
    pub(crate) node_pools: Vec<AutoModeNodePool>,
}
