//! Amazon EKS resources.

use indexmap::IndexMap;
use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::Expr;

/// `AWS::EKS::Cluster`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-cluster.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Cluster {
    /// Authentication mode and creator admin permissions.
    pub access_config: Option<AccessConfig>,
    /// Whether EKS installs unmanaged vpc-cni, kube-proxy and CoreDNS.
    pub bootstrap_self_managed_addons: Option<bool>,
    /// EKS Auto Mode compute.
    pub compute_config: Option<ComputeConfig>,
    /// Refuse `DeleteCluster` while true.
    pub deletion_protection: Option<bool>,
    /// Envelope encryption of Kubernetes secrets.
    pub encryption_config: Option<Vec<EncryptionConfig>>,
    /// Service CIDR and IP family.
    pub kubernetes_network_config: Option<KubernetesNetworkConfig>,
    /// Control-plane log types sent to CloudWatch Logs.
    pub logging: Option<Logging>,
    /// The cluster name.
    pub name: Option<Expr>,
    /// Subnets, security groups and endpoint access.
    pub resources_vpc_config: ResourcesVpcConfig,
    /// The cluster IAM role.
    pub role_arn: Expr,
    /// EKS Auto Mode block storage.
    pub storage_config: Option<StorageConfig>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Standard or extended support.
    pub upgrade_policy: Option<UpgradePolicy>,
    /// The Kubernetes version, e.g. `1.33`.
    pub version: Option<Expr>,
    /// Zonal shift in Amazon Application Recovery Controller.
    pub zonal_shift_config: Option<ZonalShiftConfig>,
}
resource_type!(Cluster, "AWS::EKS::Cluster");
attributes!(Cluster {
    /// The cluster ARN.
    attr_arn => "Arn",
    /// The certificate authority data.
    attr_certificate_authority_data => "CertificateAuthorityData",
    /// The security group EKS creates for the control plane and managed nodes.
    attr_cluster_security_group_id => "ClusterSecurityGroupId",
    /// The API server endpoint.
    attr_endpoint => "Endpoint",
    /// The OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`).
    attr_open_id_connect_issuer_url => "OpenIdConnectIssuerUrl",
});

/// `AccessConfig`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessConfig {
    /// `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`.
    pub authentication_mode: Option<String>,
    /// Whether the identity that creates the cluster gets cluster admin.
    pub bootstrap_cluster_creator_admin_permissions: Option<bool>,
}

/// `EncryptionConfig`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EncryptionConfig {
    /// The KMS key.
    pub provider: Provider,
    /// What to encrypt: `secrets`.
    pub resources: Vec<String>,
}

/// `Provider`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Provider {
    /// The KMS key ARN.
    pub key_arn: Expr,
}

/// `KubernetesNetworkConfig`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct KubernetesNetworkConfig {
    /// EKS Auto Mode load balancing.
    pub elastic_load_balancing: Option<ElasticLoadBalancing>,
    /// `ipv4` or `ipv6`.
    pub ip_family: Option<String>,
    /// The IPv4 service CIDR.
    pub service_ipv4_cidr: Option<String>,
}

/// `Logging`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Logging {
    /// The cluster logging configuration.
    pub cluster_logging: ClusterLogging,
}

/// `ClusterLogging`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterLogging {
    /// The enabled log types.
    pub enabled_types: Vec<LoggingTypeConfig>,
}

/// `LoggingTypeConfig`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LoggingTypeConfig {
    /// `api`, `audit`, `authenticator`, `controllerManager` or `scheduler`.
    #[serde(rename = "Type")]
    pub log_type: String,
}

/// `ResourcesVpcConfig`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResourcesVpcConfig {
    /// Private access to the API server from the VPC.
    pub endpoint_private_access: Option<bool>,
    /// Public access to the API server.
    pub endpoint_public_access: Option<bool>,
    /// CIDRs allowed to reach the public endpoint.
    pub public_access_cidrs: Option<Vec<String>>,
    /// Extra security groups for the control-plane network interfaces.
    pub security_group_ids: Option<Vec<Expr>>,
    /// Subnets for the control-plane network interfaces.
    pub subnet_ids: Vec<Expr>,
}

/// `UpgradePolicy`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpgradePolicy {
    /// `STANDARD` or `EXTENDED`.
    pub support_type: Option<String>,
}

/// `ZonalShiftConfig`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ZonalShiftConfig {
    /// Whether zonal shift is enabled.
    pub enabled: Option<bool>,
}

/// `AWS::EKS::Nodegroup`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-nodegroup.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Nodegroup {
    /// The AMI type, e.g. `AL2023_x86_64_STANDARD`.
    pub ami_type: Option<String>,
    /// `ON_DEMAND` or `SPOT`.
    pub capacity_type: Option<String>,
    /// The cluster.
    pub cluster_name: Expr,
    /// Instance types.
    pub instance_types: Option<Vec<String>>,
    /// Kubernetes labels.
    pub labels: Option<IndexMap<String, String>>,
    /// The launch template.
    pub launch_template: Option<LaunchTemplateSpecification>,
    /// The node IAM role.
    pub node_role: Expr,
    /// Scaling sizes.
    pub scaling_config: Option<ScalingConfig>,
    /// Subnets.
    pub subnets: Vec<Expr>,
    /// Tags (a map for this resource type).
    pub tags: Option<IndexMap<String, Expr>>,
    /// Kubernetes taints.
    pub taints: Option<Vec<Taint>>,
    /// Rolling update limits.
    pub update_config: Option<UpdateConfig>,
    /// The Kubernetes version of the nodes (updatable: a change rolls the nodes by the
    /// update config); the cluster's version when absent, at creation only.
    pub version: Option<String>,
}
resource_type!(Nodegroup, "AWS::EKS::Nodegroup");
attributes!(Nodegroup {
    /// The node group ARN.
    attr_arn => "Arn",
});

/// `LaunchTemplateSpecification`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateSpecification {
    /// The launch template id.
    pub id: Option<Expr>,
    /// The version.
    pub version: Option<Expr>,
}

/// `ScalingConfig`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScalingConfig {
    /// Desired nodes.
    pub desired_size: u32,
    /// Maximum nodes.
    pub max_size: u32,
    /// Minimum nodes.
    pub min_size: u32,
}

/// `Taint`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Taint {
    /// `NO_SCHEDULE`, `PREFER_NO_SCHEDULE` or `NO_EXECUTE`.
    pub effect: String,
    /// The key.
    pub key: String,
    /// The value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `UpdateConfig`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateConfig {
    /// Nodes unavailable at once during an update.
    pub max_unavailable: Option<u32>,
    /// Percentage of nodes unavailable at once during an update.
    pub max_unavailable_percentage: Option<u32>,
}

/// `AWS::EKS::Addon`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-addon.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Addon {
    /// The add-on name, e.g. `vpc-cni`.
    pub addon_name: String,
    /// The version (the cluster version's default when absent).
    pub addon_version: Option<String>,
    /// The cluster.
    pub cluster_name: Expr,
    /// JSON configuration values.
    pub configuration_values: Option<String>,
    /// Pod Identity associations for the add-on's service accounts.
    pub pod_identity_associations: Option<Vec<AddonPodIdentityAssociation>>,
    /// Keep the add-on's software when the resource is deleted.
    pub preserve_on_delete: Option<bool>,
    /// `NONE`, `OVERWRITE` or `PRESERVE`.
    pub resolve_conflicts: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Addon, "AWS::EKS::Addon");

/// `PodIdentityAssociation` of an add-on.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddonPodIdentityAssociation {
    /// The role.
    pub role_arn: Expr,
    /// The service account.
    pub service_account: String,
}

/// `AWS::EKS::AccessEntry`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-accessentry.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessEntry {
    /// Access policies associated with the entry (at most 20).
    pub access_policies: Option<Vec<AccessPolicy>>,
    /// The cluster.
    pub cluster_name: Expr,
    /// Kubernetes groups.
    pub kubernetes_groups: Option<Vec<String>>,
    /// The IAM principal.
    pub principal_arn: Expr,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// `STANDARD`, `EC2_LINUX`, `EC2_WINDOWS`, `FARGATE_LINUX`, ...
    #[serde(rename = "Type")]
    pub entry_type: Option<String>,
    /// The Kubernetes username (EKS generates one from the ARN when absent).
    pub username: Option<String>,
}
resource_type!(AccessEntry, "AWS::EKS::AccessEntry");

/// `AccessPolicy`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessPolicy {
    /// Where the policy applies.
    pub access_scope: AccessScope,
    /// The access policy ARN.
    pub policy_arn: Expr,
}

/// `AccessScope`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccessScope {
    /// Namespaces, for `namespace` scope.
    pub namespaces: Option<Vec<String>>,
    /// `cluster` or `namespace`.
    #[serde(rename = "Type")]
    pub scope_type: String,
}

/// `AWS::EKS::PodIdentityAssociation`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-podidentityassociation.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PodIdentityAssociation {
    /// The cluster.
    pub cluster_name: Expr,
    /// The namespace.
    pub namespace: String,
    /// The role.
    pub role_arn: Expr,
    /// The service account.
    pub service_account: String,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(PodIdentityAssociation, "AWS::EKS::PodIdentityAssociation");

/// `ComputeConfig` of a cluster (EKS Auto Mode).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ComputeConfig {
    /// Whether Auto Mode manages compute.
    pub enabled: Option<bool>,
    /// Built-in node pools: `general-purpose`, `system`.
    pub node_pools: Option<Vec<String>>,
    /// The node IAM role of the built-in node pools.
    pub node_role_arn: Option<Expr>,
}

/// `StorageConfig` of a cluster (EKS Auto Mode).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StorageConfig {
    /// Block storage (EBS) management.
    pub block_storage: Option<BlockStorage>,
}

/// `BlockStorage`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlockStorage {
    /// Whether Auto Mode manages EBS volumes.
    pub enabled: Option<bool>,
}

/// `ElasticLoadBalancing`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ElasticLoadBalancing {
    /// Whether Auto Mode manages load balancers.
    pub enabled: Option<bool>,
}

/// `AWS::EKS::FargateProfile`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-fargateprofile.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FargateProfile {
    /// The cluster.
    pub cluster_name: Expr,
    /// The profile name.
    pub fargate_profile_name: Option<String>,
    /// The pod execution role.
    pub pod_execution_role_arn: Expr,
    /// Which pods run on Fargate (at least one).
    pub selectors: Vec<Selector>,
    /// Private subnets.
    pub subnets: Option<Vec<Expr>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(FargateProfile, "AWS::EKS::FargateProfile");
attributes!(FargateProfile {
    /// The profile ARN.
    attr_arn => "Arn",
});

/// `Selector` of a Fargate profile.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Selector {
    /// Labels pods must have.
    pub labels: Option<Vec<Label>>,
    /// The namespace.
    pub namespace: String,
}

/// `Label` of a Fargate profile selector.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Label {
    /// The key.
    pub key: String,
    /// The value.
    pub value: String,
}
