//! Every default, named, with its source. A spec leaves a defaulted field `None`; compile's
//! one defaults pass fills it from here, whether the spec came from a file or the builders,
//! so a default is never applied in one path only. The fixed values render writes (volume
//! type, metadata hop limit, ...) are named here too.

use crate::spec::cluster::{AuthenticationMode, IpFamily, KubernetesVersion, LogType, RemovalPolicy, UpgradePolicy};
use crate::spec::compute::{AmiType, CapacityType, SpotAllocationStrategy, SubnetType};
use crate::spec::identity::{IdentityMode, StatementEffect};
use crate::spec::karpenter::{Architecture, ConsolidationPolicy, KarpenterCapacityType};
use crate::spec::network::{AvailabilityZones, NatGateways, TrafficType};
use crate::spec::{CrossStackReferences, StackLayout};

/// The Kubernetes version of a new cluster: `1.35`, in EKS standard support until
/// 2027-03-27 (<https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>).
pub const KUBERNETES_VERSION: &str = "1.35";

/// Stacks: one per lifecycle (AWS CDK best practice: what changes together deploys
/// together).
pub const STACK_LAYOUT: StackLayout = StackLayout::PerLifecycle;

/// Cross-stack references: exports and `Fn::ImportValue`, which CloudFormation protects from
/// changes while in use (the AWS CDK's default).
pub const CROSS_STACK_REFERENCES: CrossStackReferences = CrossStackReferences::Exports;

/// Removal policy: retain the stateful resources when their stack is deleted, so that no
/// deletion loses a cluster or its data by accident.
pub const REMOVAL_POLICY: RemovalPolicy = RemovalPolicy::Retain;

/// The VPC CIDR: `10.0.0.0/16`, the largest block a VPC may have, since the VPC CNI gives
/// every pod a VPC address.
pub const VPC_CIDR: &str = "10.0.0.0/16";

/// Availability Zones: 3, the EKS best-practices recommendation for resilience.
pub const AVAILABILITY_ZONES: u8 = 3;

/// NAT gateways: one per zone, so a zone failure does not cut the others' egress (Amazon VPC
/// user guide, "NAT gateway basics": "To improve resiliency, create a NAT gateway in each
/// Availability Zone", <https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html>).
pub const NAT_GATEWAYS: NatGateways = NatGateways::PerAz;

/// VPC flow logs: on (CIS AWS Foundations benchmark, "Ensure VPC flow logging is enabled
/// in all VPCs").
pub const FLOW_LOGS: bool = true;

/// The traffic flow logs record: all, accepted and rejected.
pub const FLOW_LOG_TRAFFIC: TrafficType = TrafficType::All;

/// IPv6: off; the VPC is IPv4 only unless `network.ipv6` asks for dual stack.
pub const IPV6: bool = false;

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

/// Isolated subnets, when enabled, are the VPC prefix plus this many bits (`/24` in a
/// `/16`), the size of public subnets: they hold databases and caches, not pods.
pub const ISOLATED_SUBNET_EXTRA_BITS: u8 = 8;

/// The RFC 1918 private ranges. A secondary VPC CIDR may come from the one the VPC CIDR
/// lies in (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html>).
pub const RFC1918: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// The non-RFC 1918 ranges a secondary VPC CIDR for pods may come from: the shared address
/// space `100.64.0.0/10` and `198.19.0.0/16`, which EKS supports for additional VPC CIDR
/// blocks (<https://docs.aws.amazon.com/eks/latest/best-practices/custom-networking.html>).
pub const POD_CIDR_RANGES: [&str; 2] = ["100.64.0.0/10", "198.19.0.0/16"];

/// The smallest subnet AWS allows: `/28`
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/subnet-sizing.html>).
pub const MAX_SUBNET_PREFIX: u8 = 28;

/// The smallest subnet a load balancer may use: `/27`. Each subnet of an Application Load
/// Balancer needs "a CIDR block with at least a /27 bitmask (for example, 10.0.0.0/27) and at
/// least 8 free IP addresses" (ELB user guide, "Subnets for your load balancer",
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#subnets-load-balancer>);
/// a Network Load Balancer needs 8 free addresses in each subnet (ELB user guide, "Update the
/// Availability Zones for your Network Load Balancer",
/// <https://docs.aws.amazon.com/elasticloadbalancing/latest/network/availability-zones.html>),
/// which a `/27` also leaves. Public and private subnets carry the load balancer role tags,
/// so neither is smaller, and their default size never is.
pub const LOAD_BALANCER_SUBNET_MAX_PREFIX: u8 = 27;

/// The largest VPC AWS allows: `/16`.
pub const MIN_VPC_PREFIX: u8 = 16;

/// Private endpoint access: on, so nodes and tools in the VPC reach the API server without
/// leaving it.
pub const ENDPOINT_PRIVATE: bool = true;

/// Public endpoint access: off; a public endpoint must be asked for, with its allow-list
/// (AWS Foundational Security Best Practices, control EKS.1 "EKS cluster endpoints should
/// not be publicly accessible").
pub const ENDPOINT_PUBLIC: bool = false;

/// Authentication mode: `API`, access entries only: the `aws-auth` ConfigMap is deprecated
/// (<https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html>).
pub const AUTHENTICATION_MODE: AuthenticationMode = AuthenticationMode::Api;

/// Cluster admin for the identity that deploys the cluster stack: off. With CloudFormation
/// that identity is often a pipeline role; explicit access entries say who is admin.
pub const BOOTSTRAP_CLUSTER_CREATOR_ADMIN: bool = false;

/// The IP family of pods and services: IPv4, which every add-on and node type supports.
pub const IP_FAMILY: IpFamily = IpFamily::Ipv4;

/// GuardDuty EKS Protection (audit logs), when `guardDuty` is given: on.
pub const GUARDDUTY_EKS_AUDIT_LOGS: bool = true;

/// GuardDuty Runtime Monitoring, when `guardDuty` is given: on.
pub const GUARDDUTY_RUNTIME_MONITORING: bool = true;

/// GuardDuty: the blueprint creates the detector unless told one exists.
pub const GUARDDUTY_EXISTING_DETECTOR: bool = false;

/// ECR enhanced scanning: off; it is account-wide and billed per image, so one blueprint of
/// the account opts in.
pub const ECR_ENHANCED_SCANNING: bool = false;

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

/// Node group AMI type: `AL2023_x86_64_STANDARD`, the Amazon Linux 2023 EKS optimized AMI
/// for the default instance type (x86_64); EKS publishes no Amazon Linux 2 AMIs from
/// Kubernetes 1.33 (<https://docs.aws.amazon.com/eks/latest/userguide/eks-ami-deprecation-faqs.html>).
pub const AMI_TYPE: AmiType = AmiType::Al2023X86_64;

/// Node group capacity: On-Demand; Spot, which EC2 can reclaim, is asked for.
pub const CAPACITY_TYPE: CapacityType = CapacityType::OnDemand;

/// How a Spot Auto Scaling group picks pools: `price-capacity-optimized`, the EC2 Auto
/// Scaling recommendation
/// (<https://docs.aws.amazon.com/autoscaling/ec2/userguide/allocation-strategies.html>).
pub const SPOT_ALLOCATION_STRATEGY: SpotAllocationStrategy = SpotAllocationStrategy::PriceCapacityOptimized;

/// The subnets of nodes and Fargate pods: the private ones, so nodes get no public IP
/// address (EKS best practices).
pub const NODE_SUBNETS: SubnetType = SubnetType::Private;

/// Instance types newer than the instance type table: refused, with the closest known
/// names, unless a group opts in.
pub const ALLOW_UNLISTED_INSTANCE_TYPES: bool = false;

/// One-minute CloudWatch metrics for node instances: off (billed; 5-minute metrics stay).
pub const DETAILED_MONITORING: bool = false;

/// Cluster Autoscaler tags on node groups: off.
pub const CLUSTER_AUTOSCALER: bool = false;

/// EKS Auto Mode: off.
pub const AUTO_MODE: bool = false;

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

/// How a workload identity's pods get credentials: EKS Pod Identity, which needs no OIDC
/// provider and no service account annotation, and whose roles work in any cluster (EKS
/// user guide, <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>).
pub const IDENTITY_MODE: IdentityMode = IdentityMode::PodIdentity;

/// The effect of a policy statement written without one: `Allow` (statements grant; a
/// `Deny` is written out).
pub const STATEMENT_EFFECT: StatementEffect = StatementEffect::Allow;

/// Most managed policies attached to one IAM role: 20, IAM's maximum for the
/// "managed policies per role" quota, whose default is 10
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub const MAX_MANAGED_POLICIES_PER_ROLE: usize = 20;

/// Largest inline policy of a role: 10,240 characters, IAM's quota for the aggregate size
/// of a role's inline policies
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html>).
pub const MAX_ROLE_INLINE_POLICY_CHARS: usize = 10_240;

/// Longest workload identity name: 64 characters, so `Identity<Name>PodIdentityAssociation`
/// stays a readable logical id and the inline policy name stays within IAM's 128.
pub const MAX_IDENTITY_NAME_LEN: usize = 64;

/// Service accounts whose role the blueprint already manages: (namespace, service account,
/// owner). A workload identity for one of them would be a second association for the same
/// service account, which EKS refuses. Features that always bind a service account add it
/// here.
pub const RESERVED_SERVICE_ACCOUNTS: &[(&str, &str, &str)] =
    &[("kube-system", "aws-node", "the vpc-cni add-on (AddonVpcCni, EKS Pod Identity)")];

/// The audience of IRSA tokens and the client id of the cluster's IAM OIDC provider:
/// `sts.amazonaws.com`
/// (<https://docs.aws.amazon.com/eks/latest/userguide/enable-iam-roles-for-service-accounts.html>).
pub const IRSA_AUDIENCE: &str = "sts.amazonaws.com";

/// Upgrade policy: `STANDARD`. EKS upgrades a cluster whose version leaves standard support
/// (14 months after release) instead of moving it into extended support, which costs extra
/// per cluster-hour; EKS's own default outside the console is `EXTENDED`
/// (<https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html>).
pub const UPGRADE_POLICY: UpgradePolicy = UpgradePolicy::Standard;

/// Deletion protection of a cluster the removal policy retains: on, so a stray
/// `DeleteCluster` cannot take the cluster down
/// (<https://docs.aws.amazon.com/eks/latest/userguide/deletion-protection.html>). With
/// `removalPolicy: destroy` it is off: EKS would refuse the stack's delete of the cluster.
pub const DELETION_PROTECTION: bool = true;

/// ARC zonal shift: off; it only helps workloads spread over zones with spare capacity
/// (<https://docs.aws.amazon.com/eks/latest/userguide/zone-shift.html>).
pub const ZONAL_SHIFT: bool = false;

/// KMS encryption of the control-plane log group: on (audit logs name users, roles and
/// objects; checkov CKV_AWS_158).
pub const LOG_ENCRYPTION: bool = true;

/// The private ranges a service IPv4 CIDR must lie in (EKS `KubernetesNetworkConfigRequest`).
pub const SERVICE_IPV4_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// The largest service CIDR EKS accepts: `/12`.
pub const SERVICE_IPV4_MIN_PREFIX: u8 = 12;

/// The smallest service CIDR EKS accepts: `/24`.
pub const SERVICE_IPV4_MAX_PREFIX: u8 = 24;

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
pub const AUTO_MODE_NODE_POOLS: [crate::spec::compute::AutoModeNodePool; 2] =
    [crate::spec::compute::AutoModeNodePool::GeneralPurpose, crate::spec::compute::AutoModeNodePool::System];

/// The service CIDR EKS assigns when the VPC is not in `10.0.0.0/8` and the cluster does
/// not set one (<https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html>).
pub const SERVICE_CIDR: &str = "10.100.0.0/16";

/// The service CIDR EKS assigns when the VPC is in `10.0.0.0/8` (same source).
pub const SERVICE_CIDR_FOR_10_VPC: &str = "172.20.0.0/16";

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
pub const KARPENTER_CAPACITY_TYPES: [KarpenterCapacityType; 2] =
    [KarpenterCapacityType::OnDemand, KarpenterCapacityType::Spot];

/// NodePool architectures: amd64, which every instance category offers (the getting-started
/// guide's choice).
pub const KARPENTER_ARCHITECTURES: [Architecture; 1] = [Architecture::Amd64];

/// NodePool consolidation: `WhenEmptyOrUnderutilized`, Karpenter's own default (the default
/// of `consolidationPolicy` in the NodePool CRD).
pub const KARPENTER_CONSOLIDATION_POLICY: ConsolidationPolicy = ConsolidationPolicy::WhenEmptyOrUnderutilized;

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

/// Defaults as values of the spec's types, for code that wants one ([`StackLayout::default`],
/// ...): each is the constant above, so every default has one home.
mod values {
    use super::*;

    impl Default for KubernetesVersion {
        fn default() -> Self {
            KubernetesVersion::of(KUBERNETES_VERSION)
        }
    }

    impl Default for UpgradePolicy {
        fn default() -> Self {
            UPGRADE_POLICY
        }
    }

    impl Default for IpFamily {
        fn default() -> Self {
            IP_FAMILY
        }
    }

    impl Default for AuthenticationMode {
        fn default() -> Self {
            AUTHENTICATION_MODE
        }
    }

    impl Default for AmiType {
        fn default() -> Self {
            AMI_TYPE
        }
    }

    impl Default for CapacityType {
        fn default() -> Self {
            CAPACITY_TYPE
        }
    }

    impl Default for SpotAllocationStrategy {
        fn default() -> Self {
            SPOT_ALLOCATION_STRATEGY
        }
    }

    impl Default for SubnetType {
        fn default() -> Self {
            NODE_SUBNETS
        }
    }

    impl Default for ConsolidationPolicy {
        fn default() -> Self {
            KARPENTER_CONSOLIDATION_POLICY
        }
    }

    impl Default for IdentityMode {
        fn default() -> Self {
            IDENTITY_MODE
        }
    }

    impl Default for StatementEffect {
        fn default() -> Self {
            STATEMENT_EFFECT
        }
    }

    impl Default for StackLayout {
        fn default() -> Self {
            STACK_LAYOUT
        }
    }

    impl Default for CrossStackReferences {
        fn default() -> Self {
            CROSS_STACK_REFERENCES
        }
    }

    impl Default for RemovalPolicy {
        fn default() -> Self {
            REMOVAL_POLICY
        }
    }

    impl Default for NatGateways {
        fn default() -> Self {
            NAT_GATEWAYS
        }
    }

    impl Default for TrafficType {
        fn default() -> Self {
            FLOW_LOG_TRAFFIC
        }
    }

    impl Default for AvailabilityZones {
        fn default() -> Self {
            AvailabilityZones::Count(AVAILABILITY_ZONES)
        }
    }
}
