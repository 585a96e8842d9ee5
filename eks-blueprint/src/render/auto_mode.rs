//! EKS Auto Mode: what it adds to the cluster. It writes nothing itself: the cluster
//! construct asks it for its pieces (the properties of the cluster, the cluster role's extra
//! policies, a node role) and adds them to its own stack.

use super::iam::NodeRole;
use crate::blueprint::Blueprint;
use crate::cfn::Expr;
use crate::resources::eks::{
    BlockStorage, ComputeConfig, ElasticLoadBalancing, KubernetesNetworkConfig, StorageConfig,
};
use crate::resources::iam::Role;
use crate::resources::Tag;

/// The managed policies EKS Auto Mode needs on the cluster role, besides
/// `AmazonEKSClusterPolicy` (<https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html>).
pub const AUTO_MODE_CLUSTER_POLICIES: [&str; 4] = [
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
];

/// What EKS Auto Mode asks of the cluster construct; empty when Auto Mode is off.
#[derive(Default)]
pub(crate) struct AutoModePieces {
    /// The role of the nodes of the built-in node pools, to create in the cluster stack (none
    /// without node pools); its ARN goes into [`AutoModePieces::compute_config`].
    pub node_role: Option<Role>,
    /// `ComputeConfig`.
    pub compute_config: Option<ComputeConfig>,
    /// `StorageConfig`.
    pub storage_config: Option<StorageConfig>,
    /// `KubernetesNetworkConfig` (load balancing).
    pub kubernetes_network_config: Option<KubernetesNetworkConfig>,
    /// Managed policies to add to the cluster role.
    pub cluster_policies: Vec<Expr>,
}

/// The pieces of EKS Auto Mode of the blueprint; `tags` for its node role.
pub(crate) fn pieces(bp: &Blueprint, tags: Vec<Tag>) -> AutoModePieces {
    let Some(auto) = &bp.compute.auto_mode else {
        return AutoModePieces::default();
    };
    let pools = &auto.node_pools;
    AutoModePieces {
        node_role: (!pools.is_empty()).then(|| NodeRole::AutoMode.role(&bp.name, tags)),
        compute_config: Some(ComputeConfig {
            enabled: Some(true),
            node_pools: Some(pools.iter().map(|p| p.as_str().to_owned()).collect()),
            node_role_arn: None,
        }),
        // EKS requires compute, block storage and load balancing to be enabled together.
        storage_config: Some(StorageConfig { block_storage: Some(BlockStorage { enabled: Some(true) }) }),
        kubernetes_network_config: Some(KubernetesNetworkConfig {
            elastic_load_balancing: Some(ElasticLoadBalancing { enabled: Some(true) }),
            ..KubernetesNetworkConfig::default()
        }),
        cluster_policies: AUTO_MODE_CLUSTER_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect(),
    }
}
