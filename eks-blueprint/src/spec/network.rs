//! The network: a VPC across Availability Zones with public, private and optional isolated
//! and pod subnets, NAT, VPC endpoints and flow logs; or an existing VPC.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize, Serializer};

use super::is_default;

/// The VPC of the platform. Every field left out (`None`, empty) takes its default at
/// compile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Network {
    /// The VPC's IPv4 CIDR block, `/16` to `/28`. Default: `10.0.0.0/16`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    /// How many Availability Zones (2 to 6), or which: their names (`eu-west-1a`) or their
    /// zone IDs (`euw1-az1`), all in one Region. A count picks the first zones
    /// `Fn::GetAZs` returns in the account, which may include a zone EKS refuses for cluster
    /// subnets (`use1-az3`, `usw1-az2`, `cac1-az3`) or fewer zones than asked (many
    /// accounts see two zones in us-west-1); zone IDs are the same in every account and are
    /// checked against the zones EKS does not support. Default: 3 zones, chosen with
    /// `Fn::GetAZs` in the region of deployment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zones: Option<AvailabilityZones>,
    /// NAT gateways for the private subnets' egress. Default: one per zone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateways: Option<NatGateways>,
    /// Subnet sizes or explicit CIDRs per tier. Default: private subnets 3 bits longer than
    /// the VPC prefix (`/19` in a `/16`), public subnets 8 bits longer (`/24`), no isolated
    /// subnets.
    #[serde(skip_serializing_if = "is_default")]
    pub subnets: Subnets,
    /// A secondary VPC CIDR block for pods (VPC CNI custom networking), e.g. `100.64.0.0/16`:
    /// one pod subnet per zone is carved from it, tagged for the cluster and routed through the
    /// private route tables. It must lie in `100.64.0.0/10`, `198.19.0.0/16`, or the RFC 1918
    /// range of the VPC CIDR, and not overlap the VPC CIDR. The `vpc-cni` add-on is configured
    /// for custom networking (`AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true`,
    /// `ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone`), the network stack outputs each pod
    /// subnet's id and zone (`PodSubnet<n>Id`, `PodSubnet<n>Zone`), and the output has
    /// `manifests/eniconfigs.yaml` (one `ENIConfig` per zone) with `manifests/eniconfigs.sh`,
    /// which fills it from the stack outputs and applies it: run it between the cluster and
    /// compute stacks, because a node whose zone has no ENIConfig never becomes Ready. So it
    /// is refused with `stackLayout: single`, and a private-only API endpoint is reported
    /// (rule `EKSB-NETWORK-002`): kubectl must reach it between the stacks. Node groups
    /// should set `kubelet.maxPods` (rule `EKSB-NETWORK-001`). Default: none; pods take
    /// addresses from the private subnets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_cidr: Option<String>,
    /// VPC endpoints, so that nodes reach AWS services without the internet: a list of
    /// services (`s3`, `ecr.api`, `ecr.dkr`, `sts`, `ec2`, `elasticloadbalancing`, `logs`,
    /// `ssm`, `ssmmessages`, `ec2messages`, `eks`, `eks-auth`, or any other service name
    /// suffix such as `elasticfilesystem`), or the preset `privateCluster`. `s3` is a gateway
    /// endpoint on the private and isolated route tables; the others are interface endpoints
    /// in the private subnets, with private DNS, behind a security group that admits HTTPS
    /// from the VPC CIDR only. With Karpenter and `natGateways: none`, the endpoints it needs
    /// that the list lacks are added (see [`crate::Blueprint::vpc_endpoints`]). Default:
    /// none.
    #[serde(skip_serializing_if = "is_default")]
    pub vpc_endpoints: VpcEndpoints,
    /// VPC flow logs to a CloudWatch Logs group encrypted with a KMS key of the network
    /// stack. Default: enabled, all traffic, kept 90 days.
    #[serde(skip_serializing_if = "is_default")]
    pub flow_logs: FlowLogs,
    /// Use an existing VPC instead of creating one: no network stack is created and the
    /// other stacks receive these ids as literal values. The subnets must already carry the
    /// tags EKS and its load balancers look for (CloudFormation cannot tag existing
    /// subnets). Default: none; a VPC is created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing: Option<ExistingVpc>,
    /// Dual stack: an Amazon-provided IPv6 `/56` on the VPC and a `/64` on each public and
    /// private subnet (isolated subnets stay IPv4 only), with IPv6 addresses assigned on
    /// creation, `::/0` to the internet gateway from the public subnets and to an egress-only
    /// internet gateway from the private ones, and HTTPS from the VPC's IPv6 block on the
    /// endpoints' security group. Needed by `cluster.ipFamily: ipv6`; not compatible with
    /// `podCidr` (EKS custom networking is IPv4 only). Default: `false`, IPv4 only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6: Option<bool>,
}

/// Availability Zones: a count (chosen at deploy time with `Fn::GetAZs`), explicit names, or
/// explicit zone IDs.
///
/// In a blueprint file, a number is a count and a list is names, or zone IDs when every
/// entry is a zone ID (`use1-az1`); a list that mixes both is refused at validation.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AvailabilityZones {
    /// The first N zones of the region.
    Count(u8),
    /// These zones, by name, e.g. `eu-west-1a`. Names map to different physical zones in
    /// different accounts.
    Names(Vec<String>),
    /// These zones, by zone ID, e.g. `euw1-az1`: the same physical zone in every account.
    /// Subnets take them as `AvailabilityZoneId`.
    Ids(Vec<String>),
}

impl Serialize for AvailabilityZones {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AvailabilityZones::Count(n) => s.serialize_u8(*n),
            AvailabilityZones::Names(zones) | AvailabilityZones::Ids(zones) => zones.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for AvailabilityZones {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = AvailabilityZones;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number of zones (2 to 6), or a list of zone names like [eu-west-1a, eu-west-1b] or zone IDs like [euw1-az1, euw1-az2]")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<AvailabilityZones, E> {
                // Out-of-range counts become a validation error with the field path.
                Ok(AvailabilityZones::Count(u8::try_from(n).unwrap_or(u8::MAX)))
            }

            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<AvailabilityZones, E> {
                Ok(AvailabilityZones::Count(u8::try_from(n.max(0)).unwrap_or(u8::MAX)))
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<AvailabilityZones, A::Error> {
                let mut zones = Vec::new();
                while let Some(zone) = seq.next_element::<String>()? {
                    zones.push(zone);
                }
                if !zones.is_empty() && zones.iter().all(|z| is_zone_id(z)) {
                    Ok(AvailabilityZones::Ids(zones))
                } else {
                    Ok(AvailabilityZones::Names(zones))
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl AvailabilityZones {
    /// The number of zones.
    pub fn count(&self) -> usize {
        match self {
            AvailabilityZones::Count(n) => usize::from(*n),
            AvailabilityZones::Names(zones) | AvailabilityZones::Ids(zones) => zones.len(),
        }
    }
}

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum NatGateways {
    /// One NAT gateway per zone: a zone failure does not cut the others' egress. Default.
    PerAz,
    /// One NAT gateway for all zones: cheaper, but a single point of failure.
    Single,
    /// No NAT gateway: private subnets have no internet egress.
    None,
}

impl NatGateways {
    /// The name used in blueprint files.
    pub fn as_str(self) -> &'static str {
        match self {
            NatGateways::PerAz => "perAz",
            NatGateways::Single => "single",
            NatGateways::None => "none",
        }
    }
}

/// A service reachable through a VPC endpoint. Known services are named; any other
/// service name suffix is accepted as [`VpcEndpointService::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
#[non_exhaustive]
pub enum VpcEndpointService {
    /// Amazon S3 (a gateway endpoint): ECR stores image layers in S3.
    S3,
    /// Amazon ECR API (`ecr.api`): image manifests and authorization.
    EcrApi,
    /// Amazon ECR Docker registry (`ecr.dkr`): image pulls.
    EcrDkr,
    /// AWS STS (`sts`): IAM roles for service accounts.
    Sts,
    /// Amazon EC2 (`ec2`): the VPC CNI and node bootstrap.
    Ec2,
    /// Elastic Load Balancing (`elasticloadbalancing`): the AWS Load Balancer Controller.
    ElasticLoadBalancing,
    /// CloudWatch Logs (`logs`): log shipping.
    Logs,
    /// Systems Manager (`ssm`): Session Manager instead of SSH.
    Ssm,
    /// Systems Manager messages (`ssmmessages`): Session Manager channels.
    SsmMessages,
    /// EC2 messages (`ec2messages`): the SSM agent.
    Ec2Messages,
    /// Amazon EKS API (`eks`): node bootstrap and tools calling the EKS API.
    Eks,
    /// EKS Auth (`eks-auth`): EKS Pod Identity.
    EksAuth,
    /// Any other service, by the suffix after `com.amazonaws.<region>.`, e.g.
    /// `elasticfilesystem`.
    Other(String),
}

/// The endpoints of the `privateCluster` preset: what nodes of a cluster without internet
/// access need, from the EKS user guide "Deploy private clusters with limited internet
/// access" (<https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html>).
pub const PRIVATE_CLUSTER_ENDPOINTS: [VpcEndpointService; 9] = [
    VpcEndpointService::S3,
    VpcEndpointService::EcrApi,
    VpcEndpointService::EcrDkr,
    VpcEndpointService::Ec2,
    VpcEndpointService::Sts,
    VpcEndpointService::Eks,
    VpcEndpointService::EksAuth,
    VpcEndpointService::ElasticLoadBalancing,
    VpcEndpointService::Logs,
];

/// The name of the preset in blueprint files.
pub const PRIVATE_CLUSTER_PRESET: &str = "privateCluster";

impl From<String> for VpcEndpointService {
    fn from(name: String) -> Self {
        match name.as_str() {
            "s3" => VpcEndpointService::S3,
            "ecr.api" => VpcEndpointService::EcrApi,
            "ecr.dkr" => VpcEndpointService::EcrDkr,
            "sts" => VpcEndpointService::Sts,
            "ec2" => VpcEndpointService::Ec2,
            "elasticloadbalancing" => VpcEndpointService::ElasticLoadBalancing,
            "logs" => VpcEndpointService::Logs,
            "ssm" => VpcEndpointService::Ssm,
            "ssmmessages" => VpcEndpointService::SsmMessages,
            "ec2messages" => VpcEndpointService::Ec2Messages,
            "eks" => VpcEndpointService::Eks,
            "eks-auth" => VpcEndpointService::EksAuth,
            _ => VpcEndpointService::Other(name),
        }
    }
}

impl Serialize for VpcEndpointService {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<&str> for VpcEndpointService {
    fn from(name: &str) -> Self {
        VpcEndpointService::from(name.to_owned())
    }
}

impl VpcEndpointService {
    /// The service name suffix, as in blueprint files: `ecr.api`.
    pub fn as_str(&self) -> &str {
        match self {
            VpcEndpointService::S3 => "s3",
            VpcEndpointService::EcrApi => "ecr.api",
            VpcEndpointService::EcrDkr => "ecr.dkr",
            VpcEndpointService::Sts => "sts",
            VpcEndpointService::Ec2 => "ec2",
            VpcEndpointService::ElasticLoadBalancing => "elasticloadbalancing",
            VpcEndpointService::Logs => "logs",
            VpcEndpointService::Ssm => "ssm",
            VpcEndpointService::SsmMessages => "ssmmessages",
            VpcEndpointService::Ec2Messages => "ec2messages",
            VpcEndpointService::Eks => "eks",
            VpcEndpointService::EksAuth => "eks-auth",
            VpcEndpointService::Other(name) => name,
        }
    }

    /// The service name in PascalCase, as logical ids spell it (`ecr.api` -> `EcrApi`), with
    /// the words of three names spelled out: `ElasticLoadBalancing`, `SsmMessages`,
    /// `Ec2Messages`. Two names with the same form (`a-b`, `a.b`) are refused at compile.
    pub(crate) fn id_part(&self) -> String {
        match self {
            VpcEndpointService::ElasticLoadBalancing => "ElasticLoadBalancing".into(),
            VpcEndpointService::SsmMessages => "SsmMessages".into(),
            VpcEndpointService::Ec2Messages => "Ec2Messages".into(),
            other => crate::text::pascal_case(other.as_str()),
        }
    }

    /// Whether the service is reached through a gateway endpoint (route tables) rather
    /// than an interface endpoint (network interfaces).
    pub fn is_gateway(&self) -> bool {
        matches!(self, VpcEndpointService::S3)
    }
}

/// The VPC endpoints of the network: a list of services, or the `privateCluster` preset
/// (written back as its list).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcEndpoints(pub Vec<VpcEndpointService>);

impl<'de> Deserialize<'de> for VpcEndpoints {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = VpcEndpoints;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "`{PRIVATE_CLUSTER_PRESET}` or a list of service names such as [s3, ecr.api, ecr.dkr]")
            }

            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<VpcEndpoints, E> {
                if name == PRIVATE_CLUSTER_PRESET {
                    Ok(VpcEndpoints(PRIVATE_CLUSTER_ENDPOINTS.to_vec()))
                } else {
                    Err(E::custom(format!(
                        "unknown preset `{name}`: write `{PRIVATE_CLUSTER_PRESET}` or a list of services such as [s3, ecr.api, ecr.dkr]"
                    )))
                }
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<VpcEndpoints, A::Error> {
                let mut out = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    out.push(VpcEndpointService::from(name));
                }
                Ok(VpcEndpoints(out))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Which traffic flow logs record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum TrafficType {
    /// Accepted and rejected traffic. Default.
    All,
    /// Accepted traffic only.
    Accept,
    /// Rejected traffic only.
    Reject,
}

impl TrafficType {
    /// The value of `AWS::EC2::FlowLog` `TrafficType`.
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficType::All => "ALL",
            TrafficType::Accept => "ACCEPT",
            TrafficType::Reject => "REJECT",
        }
    }
}

/// VPC flow logs to CloudWatch Logs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct FlowLogs {
    /// Whether the VPC's traffic is logged. Default: true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Days to keep flow log records (one of the periods CloudWatch Logs accepts). Default: 90.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// `all`, `accept` or `reject`. Default: `all`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_type: Option<TrafficType>,
}

impl FlowLogs {
    /// Turns flow logs on or off. Default: on.
    pub fn enabled(mut self, on: bool) -> Self {
        self.enabled = Some(on);
        self
    }

    /// Days to keep flow log records. Default: 90.
    pub fn retention_days(mut self, days: u32) -> Self {
        self.retention_days = Some(days);
        self
    }

    /// The traffic flow logs record. Default: all.
    pub fn traffic_type(mut self, traffic: TrafficType) -> Self {
        self.traffic_type = Some(traffic);
        self
    }
}

/// A VPC that already exists, with its subnets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct ExistingVpc {
    /// The VPC id, e.g. `vpc-0123456789abcdef0`.
    pub vpc_id: String,
    /// Private subnets for the cluster and nodes, in at least two Availability Zones. They
    /// must already be tagged `kubernetes.io/role/internal-elb: 1` (and
    /// `karpenter.sh/discovery: <name>` for Karpenter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub private_subnet_ids: Vec<String>,
    /// Public subnets for internet-facing load balancers, tagged `kubernetes.io/role/elb: 1`.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_subnet_ids: Vec<String>,
}

impl ExistingVpc {
    /// An existing VPC; add its subnets with the setters.
    pub fn new(vpc_id: impl Into<String>) -> Self {
        ExistingVpc { vpc_id: vpc_id.into(), private_subnet_ids: Vec::new(), public_subnet_ids: Vec::new() }
    }

    /// Adds private subnets (appends).
    pub fn private_subnet_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.private_subnet_ids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Adds public subnets (appends). Default: none.
    pub fn public_subnet_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.public_subnet_ids.extend(ids.into_iter().map(Into::into));
        self
    }
}

/// Subnet sizing per tier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Subnets {
    /// Public subnets (load balancers, NAT gateways), `/27` or larger. Default: 8 bits longer
    /// than the VPC prefix (`/24` in a `/16`), at most `/27`.
    #[serde(skip_serializing_if = "is_default")]
    pub public: SubnetTier,
    /// Private subnets (nodes, pods, internal load balancers), `/27` or larger. Default: 3
    /// bits longer than the VPC prefix (`/19` in a `/16`), at most `/27`.
    #[serde(skip_serializing_if = "is_default")]
    pub private: SubnetTier,
    /// Isolated subnets: no route out of the VPC at all (databases, caches), one per zone,
    /// tagged with their name only. Write `isolated: {}` for the default size. Default: none;
    /// when enabled, 8 bits longer than the VPC prefix (`/24` in a `/16`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isolated: Option<SubnetTier>,
}

/// The size of a tier's subnets, or their explicit CIDRs (one per zone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SubnetTier {
    /// The prefix length of each subnet, e.g. 19. Default: see [`Network::subnets`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_length: Option<u8>,
    /// Explicit CIDR blocks, one per Availability Zone, inside the VPC CIDR.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
}

impl Network {
    /// A builder with the defaults.
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder(Network::default())
    }
}

/// `use1-az1`, `apne1-az4`, `usgw1-az2`, or a Local Zone's `use1-bos1-az1`: a Region code
/// (letters, then digits), optional middle parts, and `az<digits>`.
pub(crate) fn is_zone_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return false };
    let letters = first.chars().take_while(char::is_ascii_lowercase).count();
    let code_ok = letters > 0 && first.len() > letters && first.chars().skip(letters).all(|c| c.is_ascii_digit());
    let az_ok = last.strip_prefix("az").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let middle_ok =
        middle.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    code_ok && az_ok && middle_ok
}

/// Builds a [`Network`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{Blueprint, Format, NatGateways, Network};
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .network(Network::builder().cidr("10.1.0.0/16").availability_zones(2).nat_gateways(NatGateways::Single))
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let network = &assembly.stack("demo-network").expect("a network stack").template["Resources"];
/// assert_eq!(network["Vpc"]["Properties"]["CidrBlock"], "10.1.0.0/16");
/// // Two zones: two private subnets, and one NAT gateway for both.
/// assert!(network.get("PrivateSubnet2").is_some() && network.get("PrivateSubnet3").is_none());
/// assert!(network.get("NatGateway1").is_some() && network.get("NatGateway2").is_none());
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct NetworkBuilder(Network);

impl NetworkBuilder {
    /// The VPC CIDR block. Default: `10.0.0.0/16`.
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.0.cidr = Some(cidr.into());
        self
    }

    /// The number of Availability Zones (2 to 6). Default: 3.
    pub fn availability_zones(mut self, count: u8) -> Self {
        self.0.availability_zones = Some(AvailabilityZones::Count(count));
        self
    }

    /// Explicit Availability Zone names (replaces the zones). Default: the region's first
    /// three zones.
    pub fn availability_zone_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.0.availability_zones = Some(AvailabilityZones::Names(names.into_iter().map(Into::into).collect()));
        self
    }

    /// Explicit Availability Zone IDs (`euw1-az1`; replaces the zones), the same physical
    /// zones in every account; zone IDs EKS does not support for cluster subnets are refused.
    /// Default: the region's first three zones.
    pub fn availability_zone_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.0.availability_zones = Some(AvailabilityZones::Ids(ids.into_iter().map(Into::into).collect()));
        self
    }

    /// NAT gateways. Default: one per zone.
    pub fn nat_gateways(mut self, nat: NatGateways) -> Self {
        self.0.nat_gateways = Some(nat);
        self
    }

    /// The prefix length of private subnets, at most 27 (they are tagged for internal load
    /// balancers). Default: the VPC prefix + 3, at most 27.
    pub fn private_subnet_prefix_length(mut self, prefix: u8) -> Self {
        self.0.subnets.private.prefix_length = Some(prefix);
        self
    }

    /// The prefix length of public subnets, at most 27 (they are tagged for internet-facing
    /// load balancers). Default: the VPC prefix + 8, at most 27.
    pub fn public_subnet_prefix_length(mut self, prefix: u8) -> Self {
        self.0.subnets.public.prefix_length = Some(prefix);
        self
    }

    /// Explicit private subnet CIDRs, one per zone (appends). Default: computed.
    pub fn private_subnet_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.subnets.private.cidrs.extend(cidrs.into_iter().map(Into::into));
        self
    }

    /// Explicit public subnet CIDRs, one per zone (appends). Default: computed.
    pub fn public_subnet_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.subnets.public.cidrs.extend(cidrs.into_iter().map(Into::into));
        self
    }

    /// Adds isolated subnets (no route out of the VPC) of the default size. Default: none.
    pub fn isolated_subnets(mut self) -> Self {
        self.0.subnets.isolated.get_or_insert_with(SubnetTier::default);
        self
    }

    /// Adds isolated subnets with this prefix length. Default: none; when enabled, the VPC
    /// prefix + 8.
    pub fn isolated_subnet_prefix_length(mut self, prefix: u8) -> Self {
        self.0.subnets.isolated.get_or_insert_with(SubnetTier::default).prefix_length = Some(prefix);
        self
    }

    /// Explicit isolated subnet CIDRs, one per zone (appends). Default: none.
    pub fn isolated_subnet_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.subnets.isolated.get_or_insert_with(SubnetTier::default).cidrs.extend(cidrs.into_iter().map(Into::into));
        self
    }

    /// Dual stack: an Amazon-provided IPv6 `/56` on the VPC and a `/64` per public and
    /// private subnet, with IPv6 egress. Default: `false`, IPv4 only.
    pub fn ipv6(mut self, enabled: bool) -> Self {
        self.0.ipv6 = Some(enabled);
        self
    }

    /// A secondary CIDR block for pod subnets, e.g. `100.64.0.0/16`. Default: none.
    pub fn pod_cidr(mut self, cidr: impl Into<String>) -> Self {
        self.0.pod_cidr = Some(cidr.into());
        self
    }

    /// Adds a VPC endpoint (appends). Default: none.
    pub fn vpc_endpoint(mut self, service: impl Into<VpcEndpointService>) -> Self {
        self.0.vpc_endpoints.0.push(service.into());
        self
    }

    /// Adds the endpoints of the `privateCluster` preset ([`PRIVATE_CLUSTER_ENDPOINTS`]).
    /// Default: none.
    pub fn private_cluster_endpoints(mut self) -> Self {
        self.0.vpc_endpoints.0.extend(PRIVATE_CLUSTER_ENDPOINTS);
        self
    }

    /// Flow logs as a whole. Default: enabled, all traffic, kept 90 days.
    pub fn flow_logs(mut self, flow_logs: FlowLogs) -> Self {
        self.0.flow_logs = flow_logs;
        self
    }

    /// Turns flow logs off. Default: on.
    pub fn without_flow_logs(mut self) -> Self {
        self.0.flow_logs.enabled = Some(false);
        self
    }

    /// Days to keep flow logs. Default: 90.
    pub fn flow_log_retention_days(mut self, days: u32) -> Self {
        self.0.flow_logs.retention_days = Some(days);
        self
    }

    /// The traffic flow logs record. Default: all.
    pub fn flow_log_traffic_type(mut self, traffic: TrafficType) -> Self {
        self.0.flow_logs.traffic_type = Some(traffic);
        self
    }

    /// Uses an existing VPC: no network stack is created. Default: a VPC is created.
    pub fn existing(mut self, vpc: ExistingVpc) -> Self {
        self.0.existing = Some(vpc);
        self
    }

    /// The network. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(self) -> Network {
        self.0
    }
}

impl From<NetworkBuilder> for Network {
    fn from(b: NetworkBuilder) -> Self {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{BlueprintSpec, Error};

    /// The spec of a blueprint with this `network:` body (indented by two spaces).
    fn parse(network: &str) -> Result<BlueprintSpec, Error> {
        BlueprintSpec::from_yaml(&format!(
            "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\nnetwork:\n{network}"
        ))
    }

    #[test]
    fn builder_and_file_fill_the_same_model() {
        let from_file = parse(
            "  cidr: 10.20.0.0/16\n  availabilityZones: [eu-west-1a, eu-west-1b]\n  natGateways: single\n  podCidr: 100.64.0.0/16\n  vpcEndpoints: [s3, ecr.api]\n  subnets:\n    isolated: {prefixLength: 26}\n  flowLogs: {retentionDays: 30, trafficType: accept}\n",
        )
        .unwrap()
        .network;
        let built = Network::builder()
            .cidr("10.20.0.0/16")
            .availability_zone_names(["eu-west-1a", "eu-west-1b"])
            .nat_gateways(NatGateways::Single)
            .pod_cidr("100.64.0.0/16")
            .vpc_endpoint(VpcEndpointService::S3)
            .vpc_endpoint("ecr.api")
            .isolated_subnet_prefix_length(26)
            .flow_log_retention_days(30)
            .flow_log_traffic_type(TrafficType::Accept)
            .build();
        assert_eq!(built, from_file);

        let existing =
            parse("  existing:\n    vpcId: vpc-01234567\n    privateSubnetIds: [subnet-01234567, subnet-89abcdef]\n")
                .unwrap()
                .network;
        let built = Network::builder()
            .existing(ExistingVpc::new("vpc-01234567").private_subnet_ids(["subnet-01234567", "subnet-89abcdef"]))
            .build();
        assert_eq!(built, existing);
        let private =
            Network::builder().nat_gateways(NatGateways::None).private_cluster_endpoints().without_flow_logs().build();
        assert_eq!(private.vpc_endpoints.0.len(), 9);
        assert_eq!(private.flow_logs.enabled, Some(false));
    }
}
