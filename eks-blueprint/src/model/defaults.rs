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

/// Karpenter's namespace: `kube-system`, as the Karpenter getting-started guide installs it
/// (<https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/>), so the
/// controller runs beside the other cluster-critical components.
pub const KARPENTER_NAMESPACE: &str = "kube-system";

/// Karpenter's service account: `karpenter`, the name the Karpenter Helm chart creates.
pub const KARPENTER_SERVICE_ACCOUNT: &str = "karpenter";

/// The EC2NodeClass AMI alias: `al2023@latest`, the EKS-optimized Amazon Linux 2023 AMI for
/// the cluster's Kubernetes version (Karpenter docs, EC2NodeClass `amiSelectorTerms`). The
/// Karpenter docs recommend pinning a version (`al2023@v20250101`) in production so new AMIs
/// roll out only when chosen.
pub const KARPENTER_AMI_ALIAS: &str = "al2023@latest";

/// The name of the NodePool a blueprint gets when it lists none: `default`, as in the
/// Karpenter getting-started guide.
pub const KARPENTER_NODE_POOL: &str = "default";

/// NodePool capacity types: On-Demand and Spot; Karpenter prefers Spot when both are
/// allowed and falls back to On-Demand (Karpenter docs, NodePools, `karpenter.sh/capacity-type`).
pub const KARPENTER_CAPACITY_TYPES: [&str; 2] = ["on-demand", "spot"];

/// NodePool instance categories: compute (`c`), general purpose (`m`) and memory optimized
/// (`r`), the getting-started guide's choice: no burstable or accelerated instances.
pub const KARPENTER_INSTANCE_CATEGORIES: [&str; 3] = ["c", "m", "r"];

/// NodePool instance generation: greater than 5 (sixth generation and later: Nitro, current
/// processors). Stricter than the getting-started guide's `Gt 2`, which also allows the
/// older Xen-based third and fourth generations.
pub const KARPENTER_INSTANCE_GENERATION_GREATER_THAN: u32 = 5;

/// NodePool CPU limit: 1000 vCPUs, the getting-started guide's bound on what one NodePool
/// may launch, so a runaway workload cannot scale without limit.
pub const KARPENTER_CPU_LIMIT: &str = "1000";

/// NodePool `consolidateAfter`: `1m`, as in the getting-started guide.
pub const KARPENTER_CONSOLIDATE_AFTER: &str = "1m";

/// Retention of interruption messages: 300 seconds, as Karpenter's own CloudFormation
/// template; an interruption notice older than that is no longer actionable.
pub const KARPENTER_MESSAGE_RETENTION_SECONDS: u32 = 300;

/// Root volume of Karpenter nodes in GiB: the same 80 as managed node groups.
pub const KARPENTER_ROOT_VOLUME_GIB: u32 = ROOT_VOLUME_GIB;

/// The longest IAM role name (IAM quota); the Karpenter node role is named
/// `<cluster>-karpenter-node` so the EC2NodeClass can name it.
pub const IAM_ROLE_NAME_MAX: usize = 64;
