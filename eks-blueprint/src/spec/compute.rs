//! Compute: managed node groups, self-managed node groups, Fargate profiles and EKS Auto
//! Mode.
//!
//! Every node group kind shares the same secure launch-template defaults (IMDSv2 with a hop
//! limit of 1, encrypted gp3 volumes, no SSH key, private subnets).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::is_default;

/// Everything that runs pods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Compute {
    /// EKS managed node groups (`compute.managedNodeGroups`). Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub managed_node_groups: Vec<ManagedNodeGroup>,
    /// Self-managed node groups: Auto Scaling groups of EKS optimized AMIs that join the
    /// cluster through an `EC2_LINUX` access entry (`compute.selfManagedNodeGroups`).
    /// Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub self_managed_node_groups: Vec<SelfManagedNodeGroup>,
    /// AWS Fargate profiles (`compute.fargateProfiles`). Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fargate_profiles: Vec<FargateProfile>,
    /// EKS Auto Mode (`compute.autoMode`). Default: off.
    #[serde(skip_serializing_if = "is_default")]
    pub auto_mode: AutoMode,
    /// Karpenter: node autoscaling with NodePools (see [`super::karpenter::Karpenter`]).
    /// Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub karpenter: Option<super::karpenter::Karpenter>,
    /// The Cluster Autoscaler scales the node groups (`compute.clusterAutoscaler`): the Auto
    /// Scaling groups of self-managed node groups get the auto-discovery tags
    /// (`k8s.io/cluster-autoscaler/enabled`, `k8s.io/cluster-autoscaler/<cluster>: owned`)
    /// and the `node-template` label and taint tags for scaling from zero. Managed node groups
    /// need no tags: EKS tags their Auto Scaling groups for auto-discovery, and the Cluster
    /// Autoscaler reads their labels and taints from the EKS API (finding
    /// `EKSB-COMPUTE-004` when a group scales from zero). Refused with Karpenter. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_autoscaler: Option<bool>,
    /// The Kubernetes version of every node group that does not set its own `version`
    /// (`compute.nodeVersion`): holds the nodes back while the control plane is upgraded
    /// first (a staged upgrade, docs/upgrades.md). Never newer than `kubernetesVersion`, at
    /// most three minor versions older (the Kubernetes version skew policy). Karpenter,
    /// Fargate and Auto Mode nodes follow the control plane. Default: the cluster's
    /// `kubernetesVersion`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_version: Option<crate::spec::cluster::KubernetesVersion>,
}

/// The CPU architecture of an instance type or an AMI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Arch {
    /// x86_64 (Intel, AMD).
    X86_64,
    /// arm64 (AWS Graviton).
    Arm64,
}

impl Arch {
    /// The name used in AMI parameter paths: `x86_64` or `arm64`.
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    /// The architecture of an instance type, inferred from its family by the EC2 instance type
    /// naming conventions (<https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html>):
    /// a `g` right after the generation digits of the family (`m7g`, `c7gn`, `r8g`, `t4g`,
    /// `g5g`, `im4gn`, `x2gd`) marks an AWS Graviton (arm64) family, and so does `a1`; every
    /// other family is x86_64 (`m7i`, `c6a`, `g5`, `p5`, `inf2`). For types newer than the
    /// table; the table agrees with it on every type it lists but the EC2 Mac ones.
    pub fn by_naming_rule(instance_type: &str) -> Arch {
        let family = instance_type.split('.').next().unwrap_or_default();
        if family == "a1" {
            return Arch::Arm64;
        }
        let mut chars = family.chars().skip_while(|c| !c.is_ascii_digit()).skip_while(char::is_ascii_digit);
        if chars.next() == Some('g') {
            Arch::Arm64
        } else {
            Arch::X86_64
        }
    }
}

/// The operating system family of an AMI type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OsFamily {
    /// Amazon Linux 2023, configured by `nodeadm` (`NodeConfig` YAML user data).
    Al2023,
    /// Bottlerocket, configured by TOML settings user data.
    Bottlerocket,
}

/// The AMI type of a node group, spelled as in the `AWS::EKS::Nodegroup` `AmiType` enum.
///
/// Amazon Linux 2 (no AMIs from Kubernetes 1.33), Windows and `CUSTOM` are not offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub enum AmiType {
    /// Amazon Linux 2023, x86_64. Default.
    #[serde(rename = "AL2023_x86_64_STANDARD")]
    Al2023X86_64,
    /// Amazon Linux 2023, arm64 (Graviton).
    #[serde(rename = "AL2023_ARM_64_STANDARD")]
    Al2023Arm64,
    /// Amazon Linux 2023 with NVIDIA drivers, x86_64.
    #[serde(rename = "AL2023_x86_64_NVIDIA")]
    Al2023X86_64Nvidia,
    /// Amazon Linux 2023 with NVIDIA drivers, arm64.
    #[serde(rename = "AL2023_ARM_64_NVIDIA")]
    Al2023Arm64Nvidia,
    /// Amazon Linux 2023 with the AWS Neuron driver (Inferentia, Trainium), x86_64.
    #[serde(rename = "AL2023_x86_64_NEURON")]
    Al2023X86_64Neuron,
    /// Bottlerocket, x86_64.
    #[serde(rename = "BOTTLEROCKET_x86_64")]
    BottlerocketX86_64,
    /// Bottlerocket, arm64.
    #[serde(rename = "BOTTLEROCKET_ARM_64")]
    BottlerocketArm64,
    /// Bottlerocket with NVIDIA drivers, x86_64.
    #[serde(rename = "BOTTLEROCKET_x86_64_NVIDIA")]
    BottlerocketX86_64Nvidia,
    /// Bottlerocket with NVIDIA drivers, arm64.
    #[serde(rename = "BOTTLEROCKET_ARM_64_NVIDIA")]
    BottlerocketArm64Nvidia,
    /// Bottlerocket with FIPS 140-3 validated cryptography, x86_64 (managed node groups only).
    #[serde(rename = "BOTTLEROCKET_x86_64_FIPS")]
    BottlerocketX86_64Fips,
    /// Bottlerocket with FIPS, arm64 (managed node groups only).
    #[serde(rename = "BOTTLEROCKET_ARM_64_FIPS")]
    BottlerocketArm64Fips,
    /// Bottlerocket with NVIDIA drivers and FIPS, x86_64 (managed node groups only).
    #[serde(rename = "BOTTLEROCKET_x86_64_NVIDIA_FIPS")]
    BottlerocketX86_64NvidiaFips,
    /// Bottlerocket with NVIDIA drivers and FIPS, arm64 (managed node groups only).
    #[serde(rename = "BOTTLEROCKET_ARM_64_NVIDIA_FIPS")]
    BottlerocketArm64NvidiaFips,
}

impl AmiType {
    /// The name CloudFormation uses.
    pub fn as_str(&self) -> &'static str {
        match self {
            AmiType::Al2023X86_64 => "AL2023_x86_64_STANDARD",
            AmiType::Al2023Arm64 => "AL2023_ARM_64_STANDARD",
            AmiType::Al2023X86_64Nvidia => "AL2023_x86_64_NVIDIA",
            AmiType::Al2023Arm64Nvidia => "AL2023_ARM_64_NVIDIA",
            AmiType::Al2023X86_64Neuron => "AL2023_x86_64_NEURON",
            AmiType::BottlerocketX86_64 => "BOTTLEROCKET_x86_64",
            AmiType::BottlerocketArm64 => "BOTTLEROCKET_ARM_64",
            AmiType::BottlerocketX86_64Nvidia => "BOTTLEROCKET_x86_64_NVIDIA",
            AmiType::BottlerocketArm64Nvidia => "BOTTLEROCKET_ARM_64_NVIDIA",
            AmiType::BottlerocketX86_64Fips => "BOTTLEROCKET_x86_64_FIPS",
            AmiType::BottlerocketArm64Fips => "BOTTLEROCKET_ARM_64_FIPS",
            AmiType::BottlerocketX86_64NvidiaFips => "BOTTLEROCKET_x86_64_NVIDIA_FIPS",
            AmiType::BottlerocketArm64NvidiaFips => "BOTTLEROCKET_ARM_64_NVIDIA_FIPS",
        }
    }

    /// The CPU architecture the AMI is built for.
    pub fn arch(&self) -> Arch {
        if self.as_str().contains("ARM_64") {
            Arch::Arm64
        } else {
            Arch::X86_64
        }
    }

    /// Amazon Linux 2023 or Bottlerocket.
    pub fn os(&self) -> OsFamily {
        if self.as_str().starts_with("BOTTLEROCKET") {
            OsFamily::Bottlerocket
        } else {
            OsFamily::Al2023
        }
    }

    /// The architecture matching this AMI type's flavour, e.g. `AL2023_ARM_64_STANDARD`
    /// for `AL2023_x86_64_STANDARD` and arm64 (for error messages).
    pub fn for_arch(&self, arch: Arch) -> Option<AmiType> {
        use AmiType::*;
        let pairs = [
            (Al2023X86_64, Al2023Arm64),
            (Al2023X86_64Nvidia, Al2023Arm64Nvidia),
            (BottlerocketX86_64, BottlerocketArm64),
            (BottlerocketX86_64Nvidia, BottlerocketArm64Nvidia),
            (BottlerocketX86_64Fips, BottlerocketArm64Fips),
            (BottlerocketX86_64NvidiaFips, BottlerocketArm64NvidiaFips),
        ];
        pairs.iter().find(|(x, a)| x == self || a == self).map(|(x, a)| match arch {
            Arch::X86_64 => *x,
            Arch::Arm64 => *a,
        })
    }

    /// The public SSM parameter holding the recommended AMI id for a Kubernetes version,
    /// for self-managed nodes; `None` for the FIPS variants.
    ///
    /// Amazon Linux 2023: `/aws/service/eks/optimized-ami/<version>/amazon-linux-2023/<arch>/<flavour>/recommended/image_id`
    /// (<https://docs.aws.amazon.com/eks/latest/userguide/retrieve-ami-id.html>);
    /// Bottlerocket: `/aws/service/bottlerocket/aws-k8s-<version>[-nvidia]/<arch>/latest/image_id`
    /// (<https://docs.aws.amazon.com/eks/latest/userguide/retrieve-ami-id-bottlerocket.html>).
    pub fn ssm_parameter(&self, version: &str) -> Option<String> {
        let arch = self.arch().as_str();
        let al2023 = |flavour: &str| {
            Some(format!(
                "/aws/service/eks/optimized-ami/{version}/amazon-linux-2023/{arch}/{flavour}/recommended/image_id"
            ))
        };
        let bottlerocket = |variant: &str| {
            Some(format!("/aws/service/bottlerocket/aws-k8s-{version}{variant}/{arch}/latest/image_id"))
        };
        match self {
            AmiType::Al2023X86_64 | AmiType::Al2023Arm64 => al2023("standard"),
            AmiType::Al2023X86_64Nvidia | AmiType::Al2023Arm64Nvidia => al2023("nvidia"),
            AmiType::Al2023X86_64Neuron => al2023("neuron"),
            AmiType::BottlerocketX86_64 | AmiType::BottlerocketArm64 => bottlerocket(""),
            AmiType::BottlerocketX86_64Nvidia | AmiType::BottlerocketArm64Nvidia => bottlerocket("-nvidia"),
            AmiType::BottlerocketX86_64Fips
            | AmiType::BottlerocketArm64Fips
            | AmiType::BottlerocketX86_64NvidiaFips
            | AmiType::BottlerocketArm64NvidiaFips => None,
        }
    }
}

/// On-Demand or Spot capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum CapacityType {
    /// On-Demand. Default.
    OnDemand,
    /// Spot.
    Spot,
}

impl CapacityType {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "ON_DEMAND",
            CapacityType::Spot => "SPOT",
        }
    }
}

/// Which subnets of the blueprint's VPC nodes run in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "NodeSubnets")]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SubnetType {
    /// The private subnets (no public IP addresses). Default.
    Private,
    /// The public subnets: nodes get public IP addresses. Reported by rule
    /// `EKSB-COMPUTE-003`; refused for Fargate profiles.
    Public,
}

impl SubnetType {
    /// `private` or `public`.
    pub fn as_str(self) -> &'static str {
        match self {
            SubnetType::Private => "private",
            SubnetType::Public => "public",
        }
    }
}

/// A Kubernetes taint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Taint {
    /// The key.
    pub key: String,
    /// The value. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The effect: `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
    pub effect: TaintEffect,
}

impl Taint {
    /// A taint.
    pub fn new(key: impl Into<String>, value: impl Into<String>, effect: TaintEffect) -> Self {
        Taint { key: key.into(), value: Some(value.into()), effect }
    }

    /// A taint with a key and no value.
    pub fn key_only(key: impl Into<String>, effect: TaintEffect) -> Self {
        Taint { key: key.into(), value: None, effect }
    }
}

/// A taint effect, spelled as in Kubernetes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum TaintEffect {
    /// `NoSchedule`
    NoSchedule,
    /// `PreferNoSchedule`
    PreferNoSchedule,
    /// `NoExecute`
    NoExecute,
}

impl TaintEffect {
    /// The name Kubernetes uses (`NoSchedule`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }
}

/// How many nodes a managed node group update takes down at once: a count or a
/// percentage, not both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct UpdateConfig {
    /// Nodes unavailable at once (1 to 100). Default: 1 when no percentage is given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<u32>,
    /// Percentage of nodes unavailable at once (1 to 100). Default: none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_unavailable_percentage: Option<u32>,
}

/// Kubelet settings, written to the node's user data: a `nodeadm` `NodeConfig` on
/// Amazon Linux 2023, `[settings.kubernetes]` on Bottlerocket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Kubelet {
    /// Most pods per node (kubelet `maxPods`; Bottlerocket `max-pods`). With
    /// `network.podCidr` the AMI's value is too high: set it (rule `EKSB-NETWORK-001`).
    /// Default: the AMI's value, computed from the instance type's network interfaces.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_pods: Option<u32>,
    /// Extra kubelet command-line flags, each starting with `--` (Amazon Linux 2023 only:
    /// Bottlerocket takes settings, not flags). Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<String>,
}

/// An EKS managed node group, with a launch template that enforces IMDSv2 and encrypted
/// volumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ManagedNodeGroup {
    /// The name: letters, digits, `-` and `_`, unique in the blueprint.
    pub name: String,
    /// Instance types, all of the AMI type's architecture (a `g` after the generation
    /// digit, as in `m7g`, is arm64), each one eks-blueprint's instance type table knows
    /// unless `allowUnlistedInstanceTypes` is set. Default: `[m7i.large]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<Vec<String>>,
    /// Accept instance types newer than eks-blueprint's instance type table (see
    /// [`crate::compile::data::instance_types`]): an unlisted type must still look like one
    /// (`family.size`), and its architecture is read from its name. Default: off, an
    /// unknown type is an error with the closest known names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unlisted_instance_types: Option<bool>,
    /// The AMI type. Default: `AL2023_x86_64_STANDARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami_type: Option<AmiType>,
    /// On-Demand or Spot. Default: On-Demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_type: Option<CapacityType>,
    /// Fewest nodes. Default: 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u32>,
    /// Nodes at creation. Default: the minimum size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_size: Option<u32>,
    /// Most nodes. Default: 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// Volume size in GiB (encrypted gp3): the root volume on Amazon Linux, the data
    /// volume `/dev/xvdb` on Bottlerocket. Default: 80.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u32>,
    /// Kubernetes labels. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// Kubernetes taints (at most 50). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// How many nodes an update replaces at once. Default: one node at a time.
    #[serde(default, skip_serializing_if = "is_default")]
    pub update_config: UpdateConfig,
    /// The subnets: only `private` is accepted (EKS requires public subnets of managed
    /// node groups to assign public IP addresses at launch, and the blueprint's public
    /// subnets never do). Default: private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<SubnetType>,
    /// Tags of the node group (in addition to the blueprint's tags). Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// One-minute CloudWatch metrics for the instances (billed). Default: off (5-minute
    /// metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_monitoring: Option<bool>,
    /// An EC2 key pair for SSH. Opening SSH widens the attack surface: prefer SSM Session
    /// Manager (reported by rule `EKSB-COMPUTE-002`). Default: no key, no SSH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key_name: Option<String>,
    /// The Kubernetes version of the group's nodes, to hold them back in a staged upgrade
    /// (managed: the node group's `Version`; self-managed: the version in the AMI's SSM
    /// parameter). Never newer than `kubernetesVersion`, at most three minor versions
    /// older (the Kubernetes version skew policy). Default: `compute.nodeVersion`, else the
    /// cluster's `kubernetesVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<crate::spec::cluster::KubernetesVersion>,
    /// Kubelet settings, merged by EKS with its own bootstrap configuration. Default: the
    /// AMI's.
    #[serde(default, skip_serializing_if = "is_default")]
    pub kubelet: Kubelet,
}

impl ManagedNodeGroup {
    /// A builder with the defaults.
    pub fn builder(name: impl Into<String>) -> ManagedNodeGroupBuilder {
        ManagedNodeGroupBuilder(ManagedNodeGroup {
            name: name.into(),
            instance_types: None,
            allow_unlisted_instance_types: None,
            ami_type: None,
            capacity_type: None,
            min_size: None,
            desired_size: None,
            max_size: None,
            volume_size: None,
            labels: IndexMap::new(),
            taints: Vec::new(),
            update_config: UpdateConfig::default(),
            subnets: None,
            tags: IndexMap::new(),
            detailed_monitoring: None,
            ssh_key_name: None,
            kubelet: Kubelet::default(),
            version: None,
        })
    }
}

/// The setters managed and self-managed node group builders share (the two spec structs
/// name these fields alike).
macro_rules! node_group_setters {
    () => {
        /// The Kubernetes version of the group's nodes (a staged upgrade holds them back).
        /// Default: `compute.nodeVersion`, else the cluster's version.
        pub fn version(mut self, version: crate::spec::cluster::KubernetesVersion) -> Self {
            self.0.version = Some(version);
            self
        }

        /// Adds instance types (appends). Default: `m7i.large` when none is given.
        pub fn instance_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
            self.0.instance_types.get_or_insert_with(Vec::new).extend(types.into_iter().map(Into::into));
            self
        }

        /// Accepts instance types newer than eks-blueprint's instance type table. Default:
        /// off.
        pub fn allow_unlisted_instance_types(mut self, on: bool) -> Self {
            self.0.allow_unlisted_instance_types = Some(on);
            self
        }

        /// The AMI type. Default: `AL2023_x86_64_STANDARD`.
        pub fn ami_type(mut self, ami: AmiType) -> Self {
            self.0.ami_type = Some(ami);
            self
        }

        /// On-Demand or Spot. Default: On-Demand.
        pub fn capacity_type(mut self, capacity: CapacityType) -> Self {
            self.0.capacity_type = Some(capacity);
            self
        }

        /// Fewest nodes. Default: 2.
        pub fn min_size(mut self, n: u32) -> Self {
            self.0.min_size = Some(n);
            self
        }

        /// Nodes at creation. Default: the minimum size.
        pub fn desired_size(mut self, n: u32) -> Self {
            self.0.desired_size = Some(n);
            self
        }

        /// Most nodes. Default: 4.
        pub fn max_size(mut self, n: u32) -> Self {
            self.0.max_size = Some(n);
            self
        }

        /// Volume size in GiB (the data volume on Bottlerocket). Default: 80.
        pub fn volume_size(mut self, gib: u32) -> Self {
            self.0.volume_size = Some(gib);
            self
        }

        /// Adds a Kubernetes label. Default: none.
        pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self.0.labels.insert(key.into(), value.into());
            self
        }

        /// Adds a Kubernetes taint. Default: none.
        pub fn taint(mut self, taint: Taint) -> Self {
            self.0.taints.push(taint);
            self
        }

        /// Private or public subnets. Default: private.
        pub fn subnets(mut self, subnets: SubnetType) -> Self {
            self.0.subnets = Some(subnets);
            self
        }

        /// Adds a tag of the node group. Default: none.
        pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
            self.0.tags.insert(key.into(), value.into());
            self
        }

        /// One-minute CloudWatch instance metrics. Default: off.
        pub fn detailed_monitoring(mut self, on: bool) -> Self {
            self.0.detailed_monitoring = Some(on);
            self
        }

        /// An EC2 key pair for SSH (prefer SSM Session Manager). Default: none.
        pub fn ssh_key_name(mut self, name: impl Into<String>) -> Self {
            self.0.ssh_key_name = Some(name.into());
            self
        }

        /// Kubelet `maxPods`. Default: the AMI's value.
        pub fn max_pods(mut self, n: u32) -> Self {
            self.0.kubelet.max_pods = Some(n);
            self
        }

        /// Adds a kubelet flag such as `--image-gc-high-threshold=80` (Amazon Linux 2023
        /// only). Default: none.
        pub fn kubelet_flag(mut self, flag: impl Into<String>) -> Self {
            self.0.kubelet.flags.push(flag.into());
            self
        }
    };
}

/// Builds a [`ManagedNodeGroup`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{Blueprint, Format, ManagedNodeGroup, Taint, TaintEffect};
/// use serde_json::json;
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .managed_node_group(
///         ManagedNodeGroup::builder("gpu")
///             .instance_types(["g6.xlarge"])
///             .min_size(0)
///             .max_size(4)
///             .label("workload", "gpu")
///             .taint(Taint::new("nvidia.com/gpu", "true", TaintEffect::NoSchedule)),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let group = &assembly.stack("demo-compute").expect("a compute stack").template["Resources"]["NodegroupGpu"];
/// assert_eq!(group["Type"], "AWS::EKS::Nodegroup");
/// let props = &group["Properties"];
/// assert_eq!(props["InstanceTypes"], json!(["g6.xlarge"]));
/// assert_eq!(props["ScalingConfig"]["MaxSize"], 4);
/// assert_eq!(props["Labels"], json!({"workload": "gpu"}));
/// assert_eq!(props["Taints"], json!([{"Key": "nvidia.com/gpu", "Value": "true", "Effect": "NO_SCHEDULE"}]));
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct ManagedNodeGroupBuilder(ManagedNodeGroup);

impl ManagedNodeGroupBuilder {
    node_group_setters!();

    /// Nodes an update replaces at once. Default: 1.
    pub fn max_unavailable(mut self, n: u32) -> Self {
        self.0.update_config.max_unavailable = Some(n);
        self
    }

    /// Percentage of nodes an update replaces at once. Default: none (one node at a time).
    pub fn max_unavailable_percentage(mut self, percent: u32) -> Self {
        self.0.update_config.max_unavailable_percentage = Some(percent);
        self
    }

    /// The node group. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> ManagedNodeGroup {
        // No instance type given: the default, as if none had been asked for.
        if self.0.instance_types.as_ref().is_some_and(Vec::is_empty) {
            self.0.instance_types = None;
        }
        self.0
    }
}

impl From<ManagedNodeGroupBuilder> for ManagedNodeGroup {
    fn from(b: ManagedNodeGroupBuilder) -> Self {
        b.build()
    }
}

/// How an Auto Scaling group picks Spot capacity pools.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SpotAllocationStrategy {
    /// `price-capacity-optimized`: the pools least likely to be interrupted, then the
    /// cheapest among them (the EC2 Auto Scaling recommendation). Default.
    PriceCapacityOptimized,
    /// `capacity-optimized`: the pools least likely to be interrupted.
    CapacityOptimized,
}

impl SpotAllocationStrategy {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            SpotAllocationStrategy::PriceCapacityOptimized => "price-capacity-optimized",
            SpotAllocationStrategy::CapacityOptimized => "capacity-optimized",
        }
    }
}

/// A self-managed node group: an EC2 Auto Scaling group of EKS optimized AMIs (read from
/// the public SSM parameter of the cluster's Kubernetes version), with a launch template
/// that enforces IMDSv2 and encrypted volumes, the cluster security group, and an
/// `EC2_LINUX` access entry for its node role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct SelfManagedNodeGroup {
    /// The name: letters, digits, `-` and `_`, unique among self-managed node groups.
    pub name: String,
    /// Instance types, all of the AMI type's architecture, each one eks-blueprint's instance
    /// type table knows unless `allowUnlistedInstanceTypes` is set. Default: `[m7i.large]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_types: Option<Vec<String>>,
    /// Accept instance types newer than eks-blueprint's instance type table: an unlisted type
    /// must still look like one (`family.size`), and its architecture is read from its name.
    /// Default: off, an unknown type is an error with the closest known names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unlisted_instance_types: Option<bool>,
    /// The AMI type (the FIPS variants are for managed node groups only). Default:
    /// `AL2023_x86_64_STANDARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ami_type: Option<AmiType>,
    /// On-Demand or Spot. Default: On-Demand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_type: Option<CapacityType>,
    /// How Spot pools are chosen (Spot only). Default: `price-capacity-optimized`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_allocation_strategy: Option<SpotAllocationStrategy>,
    /// Fewest nodes. Default: 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_size: Option<u32>,
    /// Nodes at creation. Default: the minimum size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_size: Option<u32>,
    /// Most nodes. Default: 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u32>,
    /// Volume size in GiB (encrypted gp3; the data volume on Bottlerocket). Default: 80.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size: Option<u32>,
    /// Kubernetes labels, registered by the kubelet. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// Kubernetes taints, registered by the kubelet. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Private or public subnets; in public subnets the instances get a public IP address
    /// (rule `EKSB-COMPUTE-003`). Default: private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<SubnetType>,
    /// Tags of the Auto Scaling group, propagated to instances. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// One-minute CloudWatch instance metrics (billed). Default: off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_monitoring: Option<bool>,
    /// An EC2 key pair for SSH (prefer SSM Session Manager; rule `EKSB-COMPUTE-002`).
    /// Default: no key, no SSH.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssh_key_name: Option<String>,
    /// The Kubernetes version of the group's nodes, to hold them back in a staged upgrade
    /// (managed: the node group's `Version`; self-managed: the version in the AMI's SSM
    /// parameter). Never newer than `kubernetesVersion`, at most three minor versions
    /// older (the Kubernetes version skew policy). Default: `compute.nodeVersion`, else the
    /// cluster's `kubernetesVersion`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<crate::spec::cluster::KubernetesVersion>,
    /// Kubelet settings. Default: the AMI's.
    #[serde(default, skip_serializing_if = "is_default")]
    pub kubelet: Kubelet,
}

impl SelfManagedNodeGroup {
    /// A builder with the defaults.
    pub fn builder(name: impl Into<String>) -> SelfManagedNodeGroupBuilder {
        SelfManagedNodeGroupBuilder(SelfManagedNodeGroup {
            name: name.into(),
            instance_types: None,
            allow_unlisted_instance_types: None,
            ami_type: None,
            capacity_type: None,
            spot_allocation_strategy: None,
            min_size: None,
            desired_size: None,
            max_size: None,
            volume_size: None,
            labels: IndexMap::new(),
            taints: Vec::new(),
            subnets: None,
            tags: IndexMap::new(),
            detailed_monitoring: None,
            ssh_key_name: None,
            kubelet: Kubelet::default(),
            version: None,
        })
    }
}

/// Builds a [`SelfManagedNodeGroup`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{Blueprint, Format, SelfManagedNodeGroup, SpotAllocationStrategy};
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .self_managed_node_group(
///         SelfManagedNodeGroup::builder("legacy")
///             .instance_types(["m7i.large", "m6i.large"])
///             .max_size(3)
///             .spot_allocation_strategy(SpotAllocationStrategy::PriceCapacityOptimized),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let compute = &assembly.stack("demo-compute").expect("a compute stack").template["Resources"];
/// let groups: Vec<&serde_json::Value> = compute
///     .as_object()
///     .into_iter()
///     .flat_map(|r| r.values())
///     .filter(|r| r["Type"] == "AWS::AutoScaling::AutoScalingGroup")
///     .collect();
/// assert_eq!(groups.len(), 1);
/// assert_eq!(groups[0]["Properties"]["MaxSize"], "3");
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct SelfManagedNodeGroupBuilder(SelfManagedNodeGroup);

impl SelfManagedNodeGroupBuilder {
    node_group_setters!();

    /// How Spot pools are chosen. Default: `price-capacity-optimized`.
    pub fn spot_allocation_strategy(mut self, strategy: SpotAllocationStrategy) -> Self {
        self.0.spot_allocation_strategy = Some(strategy);
        self
    }

    /// The node group. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> SelfManagedNodeGroup {
        // No instance type given: the default, as if none had been asked for.
        if self.0.instance_types.as_ref().is_some_and(Vec::is_empty) {
            self.0.instance_types = None;
        }
        self.0
    }
}

impl From<SelfManagedNodeGroupBuilder> for SelfManagedNodeGroup {
    fn from(b: SelfManagedNodeGroupBuilder) -> Self {
        b.build()
    }
}

/// An AWS Fargate profile: pods matching one of its selectors run on Fargate, in the
/// private subnets, with a pod execution role that only this cluster's profiles can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct FargateProfile {
    /// The name: letters, digits, `-` and `_`, unique in the blueprint.
    pub name: String,
    /// Which pods run on Fargate: one to five selectors.
    pub selectors: Vec<FargateSelector>,
    /// Fargate runs pods in private subnets only; `public` is refused. Default: private.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<SubnetType>,
    /// Tags of the profile. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
}

/// Pods of a namespace, optionally with given labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct FargateSelector {
    /// The namespace.
    pub namespace: String,
    /// Labels a pod must all have. Default: none (every pod of the namespace).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
}

impl FargateSelector {
    /// Every pod of a namespace.
    pub fn new(namespace: impl Into<String>) -> Self {
        FargateSelector { namespace: namespace.into(), labels: IndexMap::new() }
    }

    /// Adds a label pods must have.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.insert(key.into(), value.into());
        self
    }
}

impl FargateProfile {
    /// A builder with the defaults; add at least one selector.
    pub fn builder(name: impl Into<String>) -> FargateProfileBuilder {
        FargateProfileBuilder(FargateProfile {
            name: name.into(),
            selectors: Vec::new(),
            subnets: None,
            tags: IndexMap::new(),
        })
    }
}

/// Builds a [`FargateProfile`].
///
/// ```
/// use eks_blueprint::{Blueprint, FargateProfile, FargateSelector, Format, ManagedNodeGroup};
/// use serde_json::json;
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .managed_node_group(ManagedNodeGroup::builder("system"))
///     .fargate_profile(
///         FargateProfile::builder("batch").selector(FargateSelector::new("batch").label("runtime", "fargate")),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let compute = &assembly.stack("demo-compute").expect("a compute stack").template["Resources"];
/// let profile = &compute["FargateProfileBatch"]["Properties"];
/// assert_eq!(profile["Selectors"], json!([{"Namespace": "batch", "Labels": [{"Key": "runtime", "Value": "fargate"}]}]));
/// // Fargate pods run with their own execution role.
/// assert_eq!(compute["FargatePodExecutionRole"]["Type"], "AWS::IAM::Role");
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct FargateProfileBuilder(FargateProfile);

impl FargateProfileBuilder {
    /// Adds a selector (appends; one to five). Default: none.
    pub fn selector(mut self, selector: FargateSelector) -> Self {
        self.0.selectors.push(selector);
        self
    }

    /// Adds a tag. Default: none.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.tags.insert(key.into(), value.into());
        self
    }

    /// The profile. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(self) -> FargateProfile {
        self.0
    }
}

impl From<FargateProfileBuilder> for FargateProfile {
    fn from(b: FargateProfileBuilder) -> Self {
        b.build()
    }
}

/// A built-in node pool of EKS Auto Mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "AutoModeNodePool")]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum AutoModeNodePool {
    /// `general-purpose`: On-Demand C, M and R instances of generation 5 or later.
    GeneralPurpose,
    /// `system`: nodes tainted `CriticalAddonsOnly` for critical add-ons.
    System,
}

impl AutoModeNodePool {
    /// The name EKS uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AutoModeNodePool::GeneralPurpose => "general-purpose",
            AutoModeNodePool::System => "system",
        }
    }
}

/// EKS Auto Mode: EKS runs compute (a managed Karpenter), block storage, load balancing,
/// pod networking and DNS itself (<https://docs.aws.amazon.com/eks/latest/userguide/automode.html>).
///
/// When on, the cluster gets `ComputeConfig`, `StorageConfig.BlockStorage` and
/// `KubernetesNetworkConfig.ElasticLoadBalancing` all enabled (EKS requires the three
/// together), a node role, and the four Auto Mode managed policies on its cluster role.
/// When Auto Mode is the only compute, the `vpc-cni`, `kube-proxy`, `coredns` and
/// `eks-pod-identity-agent` add-ons are not installed: Auto Mode nodes run those
/// components themselves.
///
/// ```
/// use eks_blueprint::{AutoMode, AutoModeNodePool, Blueprint, Format};
/// use serde_json::json;
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .auto_mode(AutoMode::enabled().node_pools([AutoModeNodePool::System]))
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let resources = &assembly.stack("demo-cluster").expect("a cluster stack").template["Resources"];
/// let compute_config = &resources["Cluster"]["Properties"]["ComputeConfig"];
/// assert_eq!(compute_config["Enabled"], true);
/// assert_eq!(compute_config["NodePools"], json!(["system"]));
/// // Auto Mode is the only compute: its nodes run the VPC CNI themselves, no add-on anywhere.
/// assert!(assembly.stacks().iter().all(|s| s.template["Resources"].get("AddonVpcCni").is_none()));
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct AutoMode {
    /// Turns Auto Mode on. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The built-in node pools. Default: `[general-purpose, system]`; `[]` for custom
    /// NodePools only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_pools: Option<Vec<AutoModeNodePool>>,
}

impl AutoMode {
    /// Auto Mode on, with the default node pools.
    pub fn enabled() -> Self {
        AutoMode { enabled: Some(true), node_pools: None }
    }

    /// Sets the built-in node pools (replaces the list). Default: `[general-purpose, system]`.
    pub fn node_pools(mut self, pools: impl IntoIterator<Item = AutoModeNodePool>) -> Self {
        self.node_pools = Some(pools.into_iter().collect());
        self
    }
}
