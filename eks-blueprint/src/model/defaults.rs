//! Every default of the model, named, with its source. Builders and the blueprint file
//! both read these, so a default is never applied in one path only.

use super::cluster::LogType;

/// The Kubernetes version of a new cluster: `1.35`, in EKS standard support until
/// 2027-03-27 (<https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).
pub const KUBERNETES_VERSION: &str = "1.35";

/// The VPC CIDR: `10.0.0.0/16`, the largest block a VPC may have, since the VPC CNI gives
/// every pod a VPC address.
pub const VPC_CIDR: &str = "10.0.0.0/16";

/// Availability Zones: 3, the EKS best-practices recommendation for resilience.
pub const AVAILABILITY_ZONES: u8 = 3;

/// Fewest Availability Zones: EKS requires subnets in at least two
/// (<https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html>).
pub const MIN_AVAILABILITY_ZONES: u8 = 2;

/// Most Availability Zones a blueprint spreads over.
pub const MAX_AVAILABILITY_ZONES: u8 = 6;

/// Private subnets are the VPC prefix plus this many bits (`/19` in a `/16`: 8,187 pod and
/// node addresses per zone).
pub const PRIVATE_SUBNET_EXTRA_BITS: u8 = 3;

/// Public subnets are the VPC prefix plus this many bits (`/24` in a `/16`); they hold only
/// load balancers and NAT gateways.
pub const PUBLIC_SUBNET_EXTRA_BITS: u8 = 8;

/// The smallest subnet AWS allows: `/28`
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).
pub const MAX_SUBNET_PREFIX: u8 = 28;

/// The largest VPC AWS allows: `/16`.
pub const MIN_VPC_PREFIX: u8 = 16;

/// Control-plane log types: all five, as the EKS best-practices guide recommends.
pub const LOG_TYPES: [LogType; 5] =
    [LogType::Api, LogType::Audit, LogType::Authenticator, LogType::ControllerManager, LogType::Scheduler];

/// Retention of control-plane and flow logs: 90 days, so logs are not kept (and paid for)
/// forever by accident.
pub const LOG_RETENTION_DAYS: u32 = 90;

/// The retention periods CloudWatch Logs accepts (`AWS::Logs::LogGroup` `RetentionInDays`).
pub const LOG_RETENTION_CHOICES: [u32; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// Node group instance types: `m7i.large` (2 vCPU, 8 GiB), a general-purpose current
/// generation that fits the default `AL2023_x86_64_STANDARD` AMI type.
pub const INSTANCE_TYPE: &str = "m7i.large";

/// Node group minimum size: 2, so one node can fail or drain without losing capacity.
pub const NODEGROUP_MIN_SIZE: u32 = 2;

/// Node group maximum size: 4.
pub const NODEGROUP_MAX_SIZE: u32 = 4;

/// The largest node group EKS allows: 450 nodes per managed node group (service quota).
pub const NODEGROUP_MAX_LIMIT: u32 = 450;

/// Root volume size in GiB: 80, as eksctl (`DefaultNodeVolumeSize`), room for images.
pub const ROOT_VOLUME_GIB: u32 = 80;

/// Root volume type: gp3 (cheaper and faster than gp2 at the same size).
pub const ROOT_VOLUME_TYPE: &str = "gp3";

/// IMDS hop limit: 1, so pods (one hop away) cannot read the node role's credentials
/// (EKS best practices, "Restrict access to the instance profile assigned to the worker
/// node").
pub const IMDS_HOP_LIMIT: i64 = 1;

/// Most taints on one managed node group (EKS quota).
pub const MAX_TAINTS: usize = 50;

/// Nodes a managed node group update takes down at once: 1, the EKS default
/// (`UpdateConfig.MaxUnavailable`).
pub const NODEGROUP_MAX_UNAVAILABLE: u32 = 1;

/// The largest `maxUnavailable` EKS accepts: 100 nodes
/// (<https://docs.aws.amazon.com/eks/latest/APIReference/API_NodegroupUpdateConfig.html>).
pub const MAX_UNAVAILABLE_LIMIT: u32 = 100;

/// Most selectors of one Fargate profile: 5
/// (<https://docs.aws.amazon.com/eks/latest/userguide/fargate-profile.html>).
pub const FARGATE_MAX_SELECTORS: usize = 5;

/// The built-in EKS Auto Mode node pools: both `general-purpose` and `system`, as the EKS
/// console creates them
/// (<https://docs.aws.amazon.com/eks/latest/userguide/set-builtin-node-pools.html>).
pub const AUTO_MODE_NODE_POOLS: [super::compute::NodePool; 2] =
    [super::compute::NodePool::GeneralPurpose, super::compute::NodePool::System];

/// The service CIDR EKS assigns when the VPC is not in `10.0.0.0/8` and the cluster does
/// not set one (<https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html>).
pub const SERVICE_CIDR: &str = "10.100.0.0/16";

/// The service CIDR EKS assigns when the VPC is in `10.0.0.0/8` (same source).
pub const SERVICE_CIDR_FOR_10_VPC: &str = "172.20.0.0/16";
