//! The network: a VPC across Availability Zones with public, private and optional isolated
//! and pod subnets, NAT, VPC endpoints and flow logs; or an existing VPC.

use serde::Deserialize;

use crate::compile::address::{allocate, Ipv4Cidr};
use crate::compile::codes;
use crate::compile::defaults;
use crate::error::ValidationErrors;

/// The VPC of the platform.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Network {
    /// The VPC's IPv4 CIDR block, `/16` to `/28`. Default: `10.0.0.0/16`.
    pub cidr: String,
    /// How many Availability Zones (2 to 6), or which: their names (`eu-west-1a`) or their
    /// zone IDs (`euw1-az1`), all in one Region. A count picks the first zones
    /// `Fn::GetAZs` returns in the account, which may include a zone EKS refuses for cluster
    /// subnets (`use1-az3`, `usw1-az2`, `cac1-az3`) or fewer zones than asked (many
    /// accounts see two zones in us-west-1); zone IDs are the same in every account and are
    /// checked against the zones EKS does not support. Default: 3 zones, chosen with
    /// `Fn::GetAZs` in the region of deployment.
    pub availability_zones: AvailabilityZones,
    /// NAT gateways for the private subnets' egress. Default: one per zone.
    pub nat_gateways: NatGateways,
    /// Subnet sizes or explicit CIDRs per tier. Default: private subnets 3 bits longer than
    /// the VPC prefix (`/19` in a `/16`), public subnets 8 bits longer (`/24`), no isolated
    /// subnets.
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
    pub vpc_endpoints: VpcEndpoints,
    /// VPC flow logs to a CloudWatch Logs group encrypted with a KMS key of the network
    /// stack. Default: enabled, all traffic, kept 90 days.
    pub flow_logs: FlowLogs,
    /// Use an existing VPC instead of creating one: no network stack is created and the
    /// other stacks receive these ids as literal values. The subnets must already carry the
    /// tags EKS and its load balancers look for (CloudFormation cannot tag existing
    /// subnets). Default: none; a VPC is created.
    pub existing: Option<ExistingVpc>,
    /// Dual stack: an Amazon-provided IPv6 `/56` on the VPC and a `/64` on each public and
    /// private subnet (isolated subnets stay IPv4 only), with IPv6 addresses assigned on
    /// creation, `::/0` to the internet gateway from the public subnets and to an egress-only
    /// internet gateway from the private ones, and HTTPS from the VPC's IPv6 block on the
    /// endpoints' security group. Needed by `cluster.ipFamily: ipv6`; not compatible with
    /// `podCidr` (EKS custom networking is IPv4 only). Default: `false`, IPv4 only.
    pub ipv6: bool,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            cidr: defaults::VPC_CIDR.to_owned(),
            availability_zones: AvailabilityZones::default(),
            nat_gateways: NatGateways::default(),
            subnets: Subnets::default(),
            pod_cidr: None,
            vpc_endpoints: VpcEndpoints::default(),
            flow_logs: FlowLogs::default(),
            existing: None,
            ipv6: false,
        }
    }
}

/// Availability Zones: a count (chosen at deploy time with `Fn::GetAZs`), explicit names, or
/// explicit zone IDs.
///
/// In a blueprint file, a number is a count and a list is names, or zone IDs when every
/// entry is a zone ID (`use1-az1`); a list that mixes both is refused at validation.
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Default for AvailabilityZones {
    fn default() -> Self {
        AvailabilityZones::Count(defaults::AVAILABILITY_ZONES)
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

    /// Checks names and zone IDs: their form, duplicates, one Region, and no zone ID that
    /// EKS refuses for cluster subnets ([`eks_unsupported_zone_ids`]).
    fn validate(&self, errors: &mut ValidationErrors) {
        let (zones, by_id) = match self {
            AvailabilityZones::Count(_) => return,
            AvailabilityZones::Names(zones) => (zones, false),
            AvailabilityZones::Ids(zones) => (zones, true),
        };
        let path = |i: usize| format!("network.availabilityZones[{i}]");
        // The first well-formed zone decides the Region the others must share.
        let mut first: Option<(&str, &str)> = None;
        for (i, zone) in zones.iter().enumerate() {
            let region = if by_id {
                if !is_zone_id(zone) {
                    errors.push(
                        path(i),
                        codes::AZ_ID,
                        format!("`{}` is not an Availability Zone ID like use1-az1", quote(zone)),
                    );
                    continue;
                }
                zone_id_region_code(zone)
            } else if is_zone_id(zone) {
                errors.push(
                    path(i),
                    codes::AZ_MIXED,
                    format!(
                        "`{zone}` is a zone ID, but the list names zones ({}); give either names or zone IDs, not both",
                        zones.iter().find(|z| !is_zone_id(z)).map_or("", String::as_str)
                    ),
                );
                continue;
            } else if !is_zone_name(zone) {
                errors.push(
                    path(i),
                    codes::AZ_NAME,
                    format!("`{}` is not an Availability Zone name like eu-west-1a", quote(zone)),
                );
                continue;
            } else {
                region_of_zone_name(zone)
            };
            if zones[..i].contains(zone) {
                errors.push(path(i), codes::AZ_DUPLICATE, format!("`{zone}` is listed twice"));
                continue;
            }
            match first {
                None => first = Some((zone, region)),
                Some((other, other_region)) if other_region != region => errors.push(
                    path(i),
                    codes::AZ_REGION,
                    format!(
                        "`{zone}` is in {}, but `{other}` is in {}: the zones of a VPC are all in one Region",
                        describe_region(region, by_id),
                        describe_region(other_region, by_id)
                    ),
                ),
                Some(_) => {}
            }
            if by_id {
                if let Some((region, _)) = eks_unsupported_zone_ids().find(|(_, id)| id == zone) {
                    errors.push(
                        path(i),
                        codes::AZ_UNSUPPORTED,
                        format!(
                            "EKS does not accept cluster subnets in `{zone}` ({region}): creating the cluster would fail with UnsupportedAvailabilityZoneException; choose another zone ID (EKS user guide, \"Subnet requirements for clusters\")"
                        ),
                    );
                }
            }
        }
    }
}

/// `Region us-east-1` for a zone name's Region, `the Region of zone IDs use1-*` for a zone
/// ID's Region code.
fn describe_region(region: &str, by_id: bool) -> String {
    if by_id {
        format!("the Region of zone IDs {region}-*")
    } else {
        format!("Region {region}")
    }
}

/// A value quoted in an error: at most 64 characters.
fn quote(value: &str) -> String {
    const MAX: usize = 64;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", &value[..end]),
        None => value.to_owned(),
    }
}

/// The table of Availability Zone IDs where EKS does not create clusters, as
/// `(region, zone ID)`: `data/eks-unsupported-zone-ids.csv`, from the EKS user guide "View
/// Amazon EKS networking requirements for VPC and subnets", section "Subnet requirements
/// for clusters" (<https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html>);
/// see `data/SOURCES.md`.
pub fn eks_unsupported_zone_ids() -> impl Iterator<Item = (&'static str, &'static str)> {
    const TABLE: &str = include_str!("../../data/eks-unsupported-zone-ids.csv");
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != "region,zone_id")
        .filter_map(|l| l.split_once(','))
}

/// How private subnets reach the internet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NatGateways {
    /// One NAT gateway per zone: a zone failure does not cut the others' egress. Default.
    #[default]
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

    /// The readable part of the endpoint's logical id: `VpcEndpoint<this>`.
    pub fn id_part(&self) -> String {
        match self {
            VpcEndpointService::ElasticLoadBalancing => "ElasticLoadBalancing".into(),
            VpcEndpointService::SsmMessages => "SsmMessages".into(),
            VpcEndpointService::Ec2Messages => "Ec2Messages".into(),
            other => crate::cfn::logical_id::pascal_case(other.as_str()),
        }
    }

    /// Whether the service is reached through a gateway endpoint (route tables) rather
    /// than an interface endpoint (network interfaces).
    pub fn is_gateway(&self) -> bool {
        matches!(self, VpcEndpointService::S3)
    }
}

/// The VPC endpoints of the network: a list of services, or the `privateCluster` preset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum TrafficType {
    /// Accepted and rejected traffic. Default.
    #[default]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FlowLogs {
    /// Whether the VPC's traffic is logged. Default: true.
    pub enabled: bool,
    /// Days to keep flow log records (one of the periods CloudWatch Logs accepts). Default: 90.
    pub retention_days: u32,
    /// `all`, `accept` or `reject`. Default: `all`.
    pub traffic_type: TrafficType,
}

impl Default for FlowLogs {
    fn default() -> Self {
        FlowLogs { enabled: true, retention_days: defaults::LOG_RETENTION_DAYS, traffic_type: TrafficType::default() }
    }
}

impl FlowLogs {
    fn validate(&self, errors: &mut ValidationErrors) {
        if !defaults::LOG_RETENTION_CHOICES.contains(&self.retention_days) {
            let choices: Vec<String> = defaults::LOG_RETENTION_CHOICES.iter().map(ToString::to_string).collect();
            errors.push(
                "network.flowLogs.retentionDays",
                codes::RETENTION,
                format!(
                    "{} days is not a retention period CloudWatch Logs accepts; use one of {}",
                    self.retention_days,
                    choices.join(", ")
                ),
            );
        }
    }
}

/// A VPC that already exists, with its subnets.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExistingVpc {
    /// The VPC id, e.g. `vpc-0123456789abcdef0`.
    pub vpc_id: String,
    /// Private subnets for the cluster and nodes, in at least two Availability Zones. They
    /// must already be tagged `kubernetes.io/role/internal-elb: 1` (and
    /// `karpenter.sh/discovery: <name>` for Karpenter).
    #[serde(default)]
    pub private_subnet_ids: Vec<String>,
    /// Public subnets for internet-facing load balancers, tagged `kubernetes.io/role/elb: 1`.
    /// Default: none.
    #[serde(default)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Subnets {
    /// Public subnets (load balancers, NAT gateways), `/27` or larger. Default: 8 bits longer
    /// than the VPC prefix (`/24` in a `/16`), at most `/27`.
    pub public: SubnetTier,
    /// Private subnets (nodes, pods, internal load balancers), `/27` or larger. Default: 3
    /// bits longer than the VPC prefix (`/19` in a `/16`), at most `/27`.
    pub private: SubnetTier,
    /// Isolated subnets: no route out of the VPC at all (databases, caches), one per zone,
    /// tagged with their name only. Write `isolated: {}` for the default size. Default: none;
    /// when enabled, 8 bits longer than the VPC prefix (`/24` in a `/16`).
    pub isolated: Option<SubnetTier>,
}

/// The size of a tier's subnets, or their explicit CIDRs (one per zone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SubnetTier {
    /// The prefix length of each subnet, e.g. 19. Default: see [`Network::subnets`].
    pub prefix_length: Option<u8>,
    /// Explicit CIDR blocks, one per Availability Zone, inside the VPC CIDR.
    pub cidrs: Vec<String>,
}

/// The computed address plan: one public and one private subnet per zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressPlan {
    /// The VPC block.
    pub vpc: Ipv4Cidr,
    /// Public subnet blocks, by zone.
    pub public: Vec<Ipv4Cidr>,
    /// Private subnet blocks, by zone.
    pub private: Vec<Ipv4Cidr>,
    /// Isolated subnet blocks, by zone (empty when the tier is off).
    pub isolated: Vec<Ipv4Cidr>,
    /// The secondary block for pods, when set.
    pub pod_cidr: Option<Ipv4Cidr>,
    /// Pod subnet blocks carved from [`AddressPlan::pod_cidr`], by zone.
    pub pods: Vec<Ipv4Cidr>,
}

impl Network {
    /// A builder with the defaults.
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder(Network::default())
    }

    /// Checks the network and computes its address plan; problems go to `errors`.
    ///
    /// With [`Network::existing`] there is no plan: the ids are checked instead.
    pub fn plan(&self, errors: &mut ValidationErrors) -> Option<AddressPlan> {
        if let Some(existing) = &self.existing {
            self.check_existing(existing, errors);
            return None;
        }
        self.check_endpoints(errors);
        self.flow_logs.validate(errors);
        let zones = self.availability_zones.count();
        let min = usize::from(defaults::MIN_AVAILABILITY_ZONES);
        let max = usize::from(defaults::MAX_AVAILABILITY_ZONES);
        if !(min..=max).contains(&zones) {
            errors.push(
                "network.availabilityZones",
                codes::AZ_COUNT,
                format!("{zones} Availability Zones requested; EKS needs subnets in at least {min}, and a blueprint spreads over at most {max}"),
            );
        }
        self.availability_zones.validate(errors);
        let vpc = match self.cidr.parse::<Ipv4Cidr>() {
            Ok(vpc) if (defaults::MIN_VPC_PREFIX..=defaults::MAX_SUBNET_PREFIX).contains(&vpc.prefix()) => vpc,
            Ok(vpc) => {
                errors.push(
                    "network.cidr",
                    codes::VPC_SIZE,
                    format!(
                        "{vpc}: a VPC CIDR block must be between /{} and /{}",
                        defaults::MIN_VPC_PREFIX,
                        defaults::MAX_SUBNET_PREFIX
                    ),
                );
                return None;
            }
            Err(e) => {
                errors.push("network.cidr", codes::INVALID_CIDR, e);
                return None;
            }
        };
        if !(min..=max).contains(&zones) {
            return None;
        }
        let before = errors.0.len();
        let private_explicit = self.explicit("private", &self.subnets.private, vpc, zones, errors);
        let public_explicit = self.explicit("public", &self.subnets.public, vpc, zones, errors);
        let isolated_spec = self.subnets.isolated.clone().unwrap_or_default();
        let isolated_explicit = self.explicit("isolated", &isolated_spec, vpc, zones, errors);
        let pod_cidr = self.pod_cidr(vpc, errors);
        let mut taken: Vec<Ipv4Cidr> = Vec::new();
        for (tier, cidrs) in
            [("private", &private_explicit), ("public", &public_explicit), ("isolated", &isolated_explicit)]
        {
            for (i, block) in cidrs.iter().flatten().enumerate() {
                if let Some(other) = taken.iter().find(|t| t.overlaps(*block)) {
                    errors.push(
                        format!("network.subnets.{tier}.cidrs[{i}]"),
                        codes::SUBNET_OVERLAP,
                        format!("{block} overlaps {other}"),
                    );
                }
                taken.push(*block);
            }
        }
        if errors.0.len() > before {
            return None;
        }
        let mut tier = |name: &str, spec: &SubnetTier, explicit: Option<Vec<Ipv4Cidr>>, extra: u8| {
            if let Some(blocks) = explicit {
                return Some(blocks);
            }
            // Tiers tagged for load balancers default to no smaller than a load balancer needs.
            let smallest = load_balancer_tag(name)
                .map_or(defaults::MAX_SUBNET_PREFIX, |_| defaults::LOAD_BALANCER_SUBNET_MAX_PREFIX.max(vpc.prefix()));
            let prefix = spec.prefix_length.unwrap_or(vpc.prefix().saturating_add(extra).min(smallest));
            if !(vpc.prefix()..=defaults::MAX_SUBNET_PREFIX).contains(&prefix) {
                errors.push(
                    format!("network.subnets.{name}.prefixLength"),
                    codes::SUBNET_SIZE,
                    format!(
                        "/{prefix} does not fit: subnets of a {vpc} VPC are /{} to /{}",
                        vpc.prefix(),
                        defaults::MAX_SUBNET_PREFIX
                    ),
                );
                return None;
            }
            if let Some(message) = too_small_for_load_balancers(name, prefix) {
                errors.push(format!("network.subnets.{name}.prefixLength"), codes::LB_SUBNET_SIZE, message);
                return None;
            }
            let blocks = allocate(vpc, &vec![prefix; zones], &taken);
            match &blocks {
                Some(b) => taken.extend(b.iter().copied()),
                None => errors.push(
                    format!("network.subnets.{name}.prefixLength"),
                    codes::SUBNET_SPACE,
                    format!("{zones} {name} subnets of /{prefix} do not fit in the VPC {vpc} beside the other subnets; use a larger VPC CIDR or a longer prefix"),
                ),
            }
            blocks
        };
        let private = tier("private", &self.subnets.private, private_explicit, defaults::PRIVATE_SUBNET_EXTRA_BITS);
        let public = tier("public", &self.subnets.public, public_explicit, defaults::PUBLIC_SUBNET_EXTRA_BITS);
        let isolated = match self.subnets.isolated {
            Some(_) => tier("isolated", &isolated_spec, isolated_explicit, defaults::ISOLATED_SUBNET_EXTRA_BITS),
            None => Some(Vec::new()),
        };
        let pods = match pod_cidr {
            Some(block) => Some(self.pod_subnets(block, zones, errors)?),
            None => Some(Vec::new()),
        };
        Some(AddressPlan { vpc, public: public?, private: private?, isolated: isolated?, pod_cidr, pods: pods? })
    }

    /// Best-practice findings of the network part, before suppressions: with a pod CIDR
    /// (VPC CNI custom networking), node groups without kubelet `maxPods`
    /// (`EKSB-NETWORK-001`).
    ///
    /// The primary network interface of a node carries no pods under custom networking
    /// (EKS user guide, "Deploy Pods in alternate subnets with custom networking"), but the
    /// AMI's max pods counts its addresses: nodes would accept pods they cannot give an
    /// address to, which then wait in `ContainerCreating`.
    pub(crate) fn findings(&self, compute: &super::compute::Compute) -> Vec<super::findings::Finding> {
        use super::findings::{Finding, CUSTOM_NETWORKING_MAX_PODS};
        if self.pod_cidr.is_none() || self.existing.is_some() {
            return Vec::new();
        }
        let message = |types: &[String]| {
            let example = types.first().map_or("<instance type>", String::as_str);
            format!(
                "with podCidr the VPC CNI gives pods no address from the node's primary network interface, but the AMI's max pods counts them, so nodes accept pods they cannot start; set kubelet.maxPods to the value of `max-pods-calculator.sh --instance-type {example} --cni-version <vpc-cni version> --cni-custom-networking-enabled` for the smallest instance type"
            )
        };
        let managed = compute.managed_node_groups.iter().enumerate().filter(|(_, g)| g.kubelet.max_pods.is_none()).map(
            |(i, g)| {
                Finding::new(
                    CUSTOM_NETWORKING_MAX_PODS,
                    format!("compute.managedNodeGroups[{i}].kubelet.maxPods"),
                    message(&g.instance_types),
                )
            },
        );
        let self_managed =
            compute.self_managed_node_groups.iter().enumerate().filter(|(_, g)| g.kubelet.max_pods.is_none()).map(
                |(i, g)| {
                    Finding::new(
                        CUSTOM_NETWORKING_MAX_PODS,
                        format!("compute.selfManagedNodeGroups[{i}].kubelet.maxPods"),
                        message(&g.instance_types),
                    )
                },
            );
        managed.chain(self_managed).collect()
    }

    /// Checks `podCidr` against the VPC CIDR.
    fn pod_cidr(&self, vpc: Ipv4Cidr, errors: &mut ValidationErrors) -> Option<Ipv4Cidr> {
        let text = self.pod_cidr.as_ref()?;
        let path = "network.podCidr";
        let block = match text.parse::<Ipv4Cidr>() {
            Ok(block) => block,
            Err(e) => {
                errors.push(path, codes::INVALID_CIDR, e);
                return None;
            }
        };
        if !(defaults::MIN_VPC_PREFIX..=defaults::MAX_SUBNET_PREFIX).contains(&block.prefix()) {
            errors.push(
                path,
                codes::POD_CIDR_SIZE,
                format!(
                    "{block}: a VPC CIDR block must be between /{} and /{}",
                    defaults::MIN_VPC_PREFIX,
                    defaults::MAX_SUBNET_PREFIX
                ),
            );
            return None;
        }
        let vpc_range = defaults::RFC1918.iter().filter_map(|r| r.parse::<Ipv4Cidr>().ok()).find(|r| r.contains(vpc));
        let mut allowed: Vec<Ipv4Cidr> =
            defaults::POD_CIDR_RANGES.iter().filter_map(|r| r.parse::<Ipv4Cidr>().ok()).collect();
        allowed.extend(vpc_range);
        if !allowed.iter().any(|r| r.contains(block)) {
            let list: Vec<String> = allowed.iter().map(ToString::to_string).collect();
            errors.push(
                path,
                codes::POD_CIDR_RANGE,
                format!(
                    "{block} cannot be added to a VPC whose CIDR is {vpc}: a secondary block must lie in {} (100.64.0.0/10 is the usual choice for pods)",
                    list.join(", ")
                ),
            );
            return None;
        }
        if block.overlaps(vpc) {
            errors.push(
                path,
                codes::POD_CIDR_OVERLAP,
                format!("{block} overlaps the VPC CIDR {vpc}; pods need a separate block such as 100.64.0.0/16"),
            );
            return None;
        }
        Some(block)
    }

    /// One pod subnet per zone, as large as the pod block allows.
    fn pod_subnets(&self, block: Ipv4Cidr, zones: usize, errors: &mut ValidationErrors) -> Option<Vec<Ipv4Cidr>> {
        let bits = u8::try_from(usize::BITS - (zones.max(1) - 1).leading_zeros()).unwrap_or(u8::MAX);
        let prefix = block.prefix().saturating_add(bits);
        let blocks =
            (prefix <= defaults::MAX_SUBNET_PREFIX).then(|| allocate(block, &vec![prefix; zones], &[])).flatten();
        if blocks.is_none() {
            errors.push(
                "network.podCidr",
                codes::POD_CIDR_SIZE,
                format!(
                    "{block} is too small for {zones} pod subnets of at least /{}; use a larger block",
                    defaults::MAX_SUBNET_PREFIX
                ),
            );
        }
        blocks
    }

    /// Checks the endpoints, and that private subnets without NAT can still reach AWS.
    fn check_endpoints(&self, errors: &mut ValidationErrors) {
        let list = &self.vpc_endpoints.0;
        for (i, service) in list.iter().enumerate() {
            let path = format!("network.vpcEndpoints[{i}]");
            if let VpcEndpointService::Other(name) = service {
                if name.starts_with("com.amazonaws.") {
                    errors.push(
                        path.clone(),
                        codes::ENDPOINT_NAME,
                        format!("`{name}`: give the service name without `com.amazonaws.<region>.`, e.g. `elasticfilesystem`; the region is added at deploy time"),
                    );
                } else if !is_service_suffix(name) {
                    errors.push(
                        path.clone(),
                        codes::ENDPOINT_NAME,
                        format!("`{name}` is not a service name like `ecr.api` or `elasticfilesystem` (lowercase letters, digits, '.' and '-')"),
                    );
                }
            }
            if list[..i].contains(service) {
                errors.push(path, codes::ENDPOINT_DUPLICATE, format!("`{}` is listed twice", service.as_str()));
            }
        }
        if self.nat_gateways == NatGateways::None && list.is_empty() {
            errors.push(
                "network.vpcEndpoints",
                codes::NO_EGRESS,
                "natGateways is none and no VPC endpoints are given: nodes in the private subnets could not pull images or join the cluster. Add `vpcEndpoints: privateCluster` (s3, ecr.api, ecr.dkr, ec2, sts, eks, eks-auth, elasticloadbalancing, logs) or list the endpoints they need, or use natGateways: single or perAz",
            );
        }
    }

    /// Checks the ids of an existing VPC, and that nothing describes a VPC to create.
    fn check_existing(&self, existing: &ExistingVpc, errors: &mut ValidationErrors) {
        if !is_resource_id(&existing.vpc_id, "vpc") {
            errors.push(
                "network.existing.vpcId",
                codes::INVALID_ID,
                format!("`{}` is not a VPC id like vpc-0123456789abcdef0", existing.vpc_id),
            );
        }
        for (tier, ids) in [("private", &existing.private_subnet_ids), ("public", &existing.public_subnet_ids)] {
            for (i, id) in ids.iter().enumerate() {
                let path = format!("network.existing.{tier}SubnetIds[{i}]");
                if !is_resource_id(id, "subnet") {
                    errors.push(
                        path,
                        codes::INVALID_ID,
                        format!("`{id}` is not a subnet id like subnet-0123456789abcdef0"),
                    );
                } else if ids[..i].contains(id) {
                    errors.push(path, codes::DUPLICATE, format!("`{id}` is listed twice"));
                }
            }
        }
        let count = existing.private_subnet_ids.len();
        let min = usize::from(defaults::MIN_AVAILABILITY_ZONES);
        if count < min {
            errors.push(
                "network.existing.privateSubnetIds",
                codes::SUBNET_COUNT,
                format!(
                    "{count} private {} given; EKS needs subnets in at least {min} Availability Zones",
                    if count == 1 { "subnet" } else { "subnets" }
                ),
            );
        }
        let default = Network::default();
        let conflicts = [
            ("cidr", self.cidr != default.cidr),
            ("availabilityZones", self.availability_zones != default.availability_zones),
            ("natGateways", self.nat_gateways != default.nat_gateways),
            ("subnets", self.subnets != default.subnets),
            ("podCidr", self.pod_cidr.is_some()),
            ("vpcEndpoints", self.vpc_endpoints != default.vpc_endpoints),
            ("flowLogs", self.flow_logs != default.flow_logs),
        ];
        for (key, set) in conflicts {
            if set {
                errors.push(
                    format!("network.{key}"),
                    codes::EXISTING_VPC_CONFLICT,
                    "describes a VPC to create, but network.existing uses a VPC that already exists (no network stack is created); remove it",
                );
            }
        }
    }

    fn explicit(
        &self,
        tier: &str,
        spec: &SubnetTier,
        vpc: Ipv4Cidr,
        zones: usize,
        errors: &mut ValidationErrors,
    ) -> Option<Vec<Ipv4Cidr>> {
        if spec.cidrs.is_empty() {
            return None;
        }
        if spec.prefix_length.is_some() {
            errors.push(
                format!("network.subnets.{tier}"),
                codes::SUBNET_CONFLICT,
                "give either prefixLength or cidrs, not both",
            );
        }
        if spec.cidrs.len() != zones {
            errors.push(
                format!("network.subnets.{tier}.cidrs"),
                codes::SUBNET_COUNT,
                format!("{} CIDRs for {zones} Availability Zones; give one per zone", spec.cidrs.len()),
            );
        }
        let mut out = Vec::new();
        for (i, text) in spec.cidrs.iter().enumerate() {
            let path = format!("network.subnets.{tier}.cidrs[{i}]");
            match text.parse::<Ipv4Cidr>() {
                Err(e) => errors.push(path, codes::INVALID_CIDR, e),
                Ok(block) if !vpc.contains(block) => {
                    errors.push(path, codes::SUBNET_OUTSIDE_VPC, format!("{block} is not inside the VPC CIDR {vpc}"))
                }
                Ok(block) if block.prefix() > defaults::MAX_SUBNET_PREFIX => errors.push(
                    path,
                    codes::SUBNET_SIZE,
                    format!("{block} is smaller than /{}, the smallest subnet AWS allows", defaults::MAX_SUBNET_PREFIX),
                ),
                Ok(block) if too_small_for_load_balancers(tier, block.prefix()).is_some() => errors.push(
                    path,
                    codes::LB_SUBNET_SIZE,
                    format!("{block}: {}", too_small_for_load_balancers(tier, block.prefix()).unwrap_or_default()),
                ),
                Ok(block) => out.push(block),
            }
        }
        Some(out)
    }
}

/// The load balancer role tag of a subnet tier: public subnets are tagged for
/// internet-facing load balancers, private ones for internal load balancers.
fn load_balancer_tag(tier: &str) -> Option<&'static str> {
    match tier {
        "public" => Some("kubernetes.io/role/elb"),
        "private" => Some("kubernetes.io/role/internal-elb"),
        _ => None,
    }
}

/// Why subnets of `/prefix` in `tier` cannot hold the load balancers they are tagged for, if
/// they cannot ([`defaults::LOAD_BALANCER_SUBNET_MAX_PREFIX`]).
fn too_small_for_load_balancers(tier: &str, prefix: u8) -> Option<String> {
    let tag = load_balancer_tag(tier)?;
    let max = defaults::LOAD_BALANCER_SUBNET_MAX_PREFIX;
    (prefix > max).then(|| {
        format!(
            "{tier} subnets of /{prefix} are too small for the load balancers they are tagged for ({tag}): an Application Load Balancer needs a /{max} or larger subnet with at least 8 free addresses in each zone (ELB user guide, \"Subnets for your load balancer\"); use /{max} or larger"
        )
    })
}

/// `vpc-0123abcd` or `subnet-0123456789abcdef0`: the prefix, then 8 to 17 hex digits.
fn is_resource_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')).is_some_and(|hex| {
        (8..=17).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

fn is_service_suffix(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && name.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn is_zone_name(name: &str) -> bool {
    // region + letter, e.g. eu-west-1a, us-gov-west-1b; local zones carry more parts.
    name.len() >= 4
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.chars().last().is_some_and(|c| c.is_ascii_lowercase())
        && name.contains('-')
        && name.split('-').any(|part| part.starts_with(|c: char| c.is_ascii_digit()))
}

/// The Region of a zone name: the name up to the digits of its first part that starts with
/// a digit (`eu-west-1a` and the Local Zone `us-east-1-bos-1a` are in `eu-west-1` and
/// `us-east-1`).
fn region_of_zone_name(name: &str) -> &str {
    let mut start = 0;
    for part in name.split('-') {
        if part.starts_with(|c: char| c.is_ascii_digit()) {
            let digits = part.chars().take_while(char::is_ascii_digit).count();
            return &name[..start + digits];
        }
        start += part.len() + 1;
    }
    name
}

/// `use1-az1`, `apne1-az4`, `usgw1-az2`, or a Local Zone's `use1-bos1-az1`: a Region code
/// (letters, then digits), optional middle parts, and `az<digits>`.
fn is_zone_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return false };
    let letters = first.chars().take_while(char::is_ascii_lowercase).count();
    let code_ok = letters > 0 && first.len() > letters && first.chars().skip(letters).all(|c| c.is_ascii_digit());
    let az_ok = last.strip_prefix("az").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let middle_ok =
        middle.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    code_ok && az_ok && middle_ok
}

/// The Region code of a zone ID: `use1` for `use1-az1`.
fn zone_id_region_code(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// Builds a [`Network`]; every setter documents its default.
#[derive(Debug, Clone, Default)]
pub struct NetworkBuilder(Network);

impl NetworkBuilder {
    /// The VPC CIDR block. Default: `10.0.0.0/16`.
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.0.cidr = cidr.into();
        self
    }

    /// The number of Availability Zones (2 to 6). Default: 3.
    pub fn availability_zones(mut self, count: u8) -> Self {
        self.0.availability_zones = AvailabilityZones::Count(count);
        self
    }

    /// Explicit Availability Zone names. Default: the region's first three zones.
    pub fn availability_zone_names<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.0.availability_zones = AvailabilityZones::Names(names.into_iter().map(Into::into).collect());
        self
    }

    /// Explicit Availability Zone IDs (`euw1-az1`), the same physical zones in every account;
    /// zone IDs EKS does not support for cluster subnets are refused. Default: the region's
    /// first three zones.
    pub fn availability_zone_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.0.availability_zones = AvailabilityZones::Ids(ids.into_iter().map(Into::into).collect());
        self
    }

    /// NAT gateways. Default: one per zone.
    pub fn nat_gateways(mut self, nat: NatGateways) -> Self {
        self.0.nat_gateways = nat;
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
        self.0.ipv6 = enabled;
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
        self.0.flow_logs.enabled = false;
        self
    }

    /// Days to keep flow logs. Default: 90.
    pub fn flow_log_retention_days(mut self, days: u32) -> Self {
        self.0.flow_logs.retention_days = days;
        self
    }

    /// The traffic flow logs record. Default: all.
    pub fn flow_log_traffic_type(mut self, traffic: TrafficType) -> Self {
        self.0.flow_logs.traffic_type = traffic;
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
    use crate::{Blueprint, Error};

    /// A blueprint with this `network:` body (indented by two spaces).
    fn parse(network: &str) -> Result<Blueprint, Error> {
        Blueprint::from_yaml(&format!(
            "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\nnetwork:\n{network}"
        ))
    }

    /// Every validation error, as `path: message [code]`.
    fn errors(network: &str) -> Vec<String> {
        match parse(network) {
            Err(Error::Invalid(errors)) => errors.iter().map(|e| format!("{e} [{}]", e.code)).collect(),
            Err(other) => vec![other.to_string()],
            Ok(_) => Vec::new(),
        }
    }

    fn plan(network: &str) -> AddressPlan {
        parse(network).unwrap().address_plan().unwrap()
    }

    fn strings(blocks: &[Ipv4Cidr]) -> Vec<String> {
        blocks.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn zone_count_is_two_to_six() {
        assert_eq!(
            errors("  availabilityZones: 1\n"),
            ["network.availabilityZones: 1 Availability Zones requested; EKS needs subnets in at least 2, and a blueprint spreads over at most 6 [az-count]"]
        );
        assert_eq!(
            errors("  availabilityZones: 7\n"),
            ["network.availabilityZones: 7 Availability Zones requested; EKS needs subnets in at least 2, and a blueprint spreads over at most 6 [az-count]"]
        );
        assert_eq!(plan("  availabilityZones: 2\n").private.len(), 2);
        let six = plan("  availabilityZones: 6\n");
        assert_eq!(strings(&six.private)[5], "10.0.160.0/19");
        assert_eq!(strings(&six.public)[5], "10.0.197.0/24");
    }

    #[test]
    fn zone_names_are_checked() {
        assert_eq!(
            errors("  availabilityZones: [eu-west-1a, EU-WEST-1B, eu-west-1a]\n"),
            [
                "network.availabilityZones[1]: `EU-WEST-1B` is not an Availability Zone name like eu-west-1a [az-name]",
                "network.availabilityZones[2]: `eu-west-1a` is listed twice [az-duplicate]",
            ]
        );
    }

    #[test]
    fn zone_names_must_share_one_region() {
        // issue 11 item 10: names from two Regions cannot be the zones of one VPC.
        assert_eq!(
            errors("  availabilityZones: [eu-west-1a, us-east-1b, eu-west-1c]\n"),
            ["network.availabilityZones[1]: `us-east-1b` is in Region us-east-1, but `eu-west-1a` is in Region eu-west-1: the zones of a VPC are all in one Region [az-region]"]
        );
        // GovCloud names and Local Zones belong to their parent Region.
        assert!(errors("  availabilityZones: [us-gov-west-1a, us-gov-west-1b]\n").is_empty());
        assert!(errors("  availabilityZones: [us-east-1a, us-east-1-bos-1a]\n").is_empty());
        assert_eq!(region_of_zone_name("us-east-1-bos-1a"), "us-east-1");
        assert_eq!(region_of_zone_name("ap-southeast-4c"), "ap-southeast-4");
    }

    #[test]
    fn zone_ids_are_checked_against_the_zones_eks_refuses() {
        let bp = parse("  availabilityZones: [use1-az1, use1-az2, use1-az4]\n").unwrap();
        assert_eq!(
            bp.network.availability_zones,
            AvailabilityZones::Ids(vec!["use1-az1".into(), "use1-az2".into(), "use1-az4".into()])
        );
        assert_eq!(
            errors("  availabilityZones: [use1-az1, use1-az3, euw1-az1, use1-az1]\n"),
            [
                "network.availabilityZones[1]: EKS does not accept cluster subnets in `use1-az3` (us-east-1): creating the cluster would fail with UnsupportedAvailabilityZoneException; choose another zone ID (EKS user guide, \"Subnet requirements for clusters\") [az-unsupported]",
                "network.availabilityZones[2]: `euw1-az1` is in the Region of zone IDs euw1-*, but `use1-az1` is in the Region of zone IDs use1-*: the zones of a VPC are all in one Region [az-region]",
                "network.availabilityZones[3]: `use1-az1` is listed twice [az-duplicate]",
            ]
        );
        for (zone, region) in [("usw1-az2", "us-west-1"), ("cac1-az3", "ca-central-1")] {
            let other = format!("{}-az1", &zone[..zone.len() - 4]);
            assert_eq!(
                errors(&format!("  availabilityZones: [{other}, {zone}]\n")),
                [format!("network.availabilityZones[1]: EKS does not accept cluster subnets in `{zone}` ({region}): creating the cluster would fail with UnsupportedAvailabilityZoneException; choose another zone ID (EKS user guide, \"Subnet requirements for clusters\") [az-unsupported]")]
            );
        }
    }

    #[test]
    fn names_and_zone_ids_are_not_mixed() {
        assert_eq!(
            errors("  availabilityZones: [eu-west-1a, euw1-az2]\n"),
            ["network.availabilityZones[1]: `euw1-az2` is a zone ID, but the list names zones (eu-west-1a); give either names or zone IDs, not both [az-mixed]"]
        );
        // The builder takes IDs explicitly; a name there is not an ID.
        let bp = Blueprint::builder("demo")
            .cluster(crate::ClusterSpec::builder().bootstrap_cluster_creator_admin_permissions(true))
            .network(Network::builder().availability_zone_ids(["euw1-az1", "eu-west-1b"]))
            .build();
        match bp {
            Err(Error::Invalid(e)) => assert_eq!(
                e.to_string(),
                "network.availabilityZones[1]: `eu-west-1b` is not an Availability Zone ID like use1-az1"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_unsupported_zone_table_parses() {
        let table: Vec<(&str, &str)> = eks_unsupported_zone_ids().collect();
        assert_eq!(table, [("us-east-1", "use1-az3"), ("us-west-1", "usw1-az2"), ("ca-central-1", "cac1-az3")]);
        for (region, id) in table {
            assert!(is_zone_id(id), "{id}");
            assert!(is_zone_name(&format!("{region}a")), "{region}");
        }
        for id in ["use1-az1", "apne1-az4", "usgw1-az2", "use1-bos1-az1"] {
            assert!(is_zone_id(id), "{id}");
        }
        for not in ["use1", "az1", "use1-az", "use1-azx", "1use-az1", "USE1-AZ1", "eu-west-1a", "use1--az1"] {
            assert!(!is_zone_id(not), "{not}");
        }
    }

    #[test]
    fn default_plan_is_stable() {
        let plan = plan("  cidr: 10.0.0.0/16\n");
        assert_eq!(strings(&plan.private), ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]);
        assert_eq!(strings(&plan.public), ["10.0.96.0/24", "10.0.97.0/24", "10.0.98.0/24"]);
        assert!(plan.isolated.is_empty());
        assert!(plan.pods.is_empty());
        assert_eq!(plan.pod_cidr, None);
    }

    #[test]
    fn explicit_subnets_must_lie_inside_the_vpc_and_not_overlap() {
        assert_eq!(
            errors(
                "  subnets:\n    private:\n      cidrs: [10.0.0.0/19, 10.0.32.0/19, 10.1.0.0/19]\n    public:\n      cidrs: [10.0.16.0/24, 10.0.200.0/24, 10.0.201.0/24]\n"
            ),
            [
                "network.subnets.private.cidrs[2]: 10.1.0.0/19 is not inside the VPC CIDR 10.0.0.0/16 [subnet-outside-vpc]",
                "network.subnets.public.cidrs[0]: 10.0.16.0/24 overlaps 10.0.0.0/19 [subnet-overlap]",
            ]
        );
        assert_eq!(
            errors("  subnets:\n    public:\n      prefixLength: 24\n      cidrs: [10.0.200.0/24, 10.0.201.0/24]\n"),
            [
                "network.subnets.public: give either prefixLength or cidrs, not both [subnet-conflict]",
                "network.subnets.public.cidrs: 2 CIDRs for 3 Availability Zones; give one per zone [subnet-count]",
            ]
        );
        assert_eq!(
            errors("  cidr: 10.0.0.0/24\n  subnets:\n    private:\n      prefixLength: 25\n"),
            ["network.subnets.private.prefixLength: 3 private subnets of /25 do not fit in the VPC 10.0.0.0/24 beside the other subnets; use a larger VPC CIDR or a longer prefix [subnet-space]"]
        );
        assert_eq!(
            errors("  cidr: 10.0.0.0/8\n"),
            ["network.cidr: 10.0.0.0/8: a VPC CIDR block must be between /16 and /28 [vpc-size]"]
        );
    }

    #[test]
    fn subnets_tagged_for_load_balancers_are_at_least_a_27() {
        // A /20 VPC used to get /28 public subnets (prefix + 8): too small for an ALB.
        let small = plan("  cidr: 10.30.0.0/20\n");
        assert_eq!(strings(&small.public), ["10.30.6.0/27", "10.30.6.32/27", "10.30.6.64/27"]);
        assert_eq!(strings(&small.private), ["10.30.0.0/23", "10.30.2.0/23", "10.30.4.0/23"]);
        // A /16 keeps its /24s; isolated subnets are not tagged for load balancers.
        assert_eq!(strings(&plan("  cidr: 10.0.0.0/16\n").public)[0], "10.0.96.0/24");
        assert_eq!(strings(&plan("  cidr: 10.30.0.0/20\n  subnets:\n    isolated: {}\n").isolated)[0], "10.30.6.96/28");
        assert_eq!(
            errors("  subnets:\n    public: {prefixLength: 28}\n    private: {prefixLength: 28}\n"),
            [
                "network.subnets.private.prefixLength: private subnets of /28 are too small for the load balancers they are tagged for (kubernetes.io/role/internal-elb): an Application Load Balancer needs a /27 or larger subnet with at least 8 free addresses in each zone (ELB user guide, \"Subnets for your load balancer\"); use /27 or larger [lb-subnet-size]",
                "network.subnets.public.prefixLength: public subnets of /28 are too small for the load balancers they are tagged for (kubernetes.io/role/elb): an Application Load Balancer needs a /27 or larger subnet with at least 8 free addresses in each zone (ELB user guide, \"Subnets for your load balancer\"); use /27 or larger [lb-subnet-size]",
            ]
        );
        assert_eq!(
            errors("  subnets:\n    public:\n      cidrs: [10.0.200.0/27, 10.0.201.0/28, 10.0.202.0/24]\n"),
            ["network.subnets.public.cidrs[1]: 10.0.201.0/28: public subnets of /28 are too small for the load balancers they are tagged for (kubernetes.io/role/elb): an Application Load Balancer needs a /27 or larger subnet with at least 8 free addresses in each zone (ELB user guide, \"Subnets for your load balancer\"); use /27 or larger [lb-subnet-size]"]
        );
        assert!(errors("  subnets:\n    isolated: {prefixLength: 28}\n").is_empty());
    }

    #[test]
    fn isolated_tier_is_off_by_default_and_sized_like_public() {
        let plan = plan("  subnets:\n    isolated: {}\n");
        assert_eq!(strings(&plan.isolated), ["10.0.99.0/24", "10.0.100.0/24", "10.0.101.0/24"]);
        let plan = super::tests::plan("  subnets:\n    isolated: {prefixLength: 22}\n");
        assert_eq!(strings(&plan.isolated), ["10.0.100.0/22", "10.0.104.0/22", "10.0.108.0/22"]);
        assert_eq!(
            errors("  subnets:\n    isolated:\n      cidrs: [10.0.96.0/24, 10.0.150.0/24, 10.9.0.0/24]\n"),
            ["network.subnets.isolated.cidrs[2]: 10.9.0.0/24 is not inside the VPC CIDR 10.0.0.0/16 [subnet-outside-vpc]"]
        );
        assert_eq!(
            errors(
                "  subnets:
    isolated:
      cidrs: [10.0.96.0/24, 10.0.150.0/24, 10.0.151.0/24]
    public:
      cidrs: [10.0.96.0/24, 10.0.200.0/24, 10.0.201.0/24]
"
            ),
            ["network.subnets.isolated.cidrs[0]: 10.0.96.0/24 overlaps 10.0.96.0/24 [subnet-overlap]"]
        );
    }

    #[test]
    fn pod_cidr_is_split_per_zone() {
        let plan = plan("  podCidr: 100.64.0.0/16\n");
        assert_eq!(plan.pod_cidr.map(|c| c.to_string()).as_deref(), Some("100.64.0.0/16"));
        assert_eq!(strings(&plan.pods), ["100.64.0.0/18", "100.64.64.0/18", "100.64.128.0/18"]);
        let two = super::tests::plan("  availabilityZones: 2\n  podCidr: 198.19.0.0/16\n");
        assert_eq!(strings(&two.pods), ["198.19.0.0/17", "198.19.128.0/17"]);
        // The VPC's own RFC 1918 range is allowed too, outside the VPC CIDR.
        let same_range = super::tests::plan("  podCidr: 10.1.0.0/16\n");
        assert_eq!(strings(&same_range.pods)[0], "10.1.0.0/18");
    }

    #[test]
    fn pod_cidr_must_be_allowed_and_separate() {
        assert_eq!(
            errors("  podCidr: 172.16.0.0/16\n"),
            ["network.podCidr: 172.16.0.0/16 cannot be added to a VPC whose CIDR is 10.0.0.0/16: a secondary block must lie in 100.64.0.0/10, 198.19.0.0/16, 10.0.0.0/8 (100.64.0.0/10 is the usual choice for pods) [pod-cidr-range]"]
        );
        assert_eq!(
            errors("  podCidr: 10.0.128.0/17\n"),
            ["network.podCidr: 10.0.128.0/17 overlaps the VPC CIDR 10.0.0.0/16; pods need a separate block such as 100.64.0.0/16 [pod-cidr-overlap]"]
        );
        assert_eq!(
            errors("  podCidr: 100.64.0.0/10\n"),
            ["network.podCidr: 100.64.0.0/10: a VPC CIDR block must be between /16 and /28 [pod-cidr-size]"]
        );
        assert_eq!(
            errors("  availabilityZones: 3\n  podCidr: 100.64.0.0/27\n"),
            ["network.podCidr: 100.64.0.0/27 is too small for 3 pod subnets of at least /28; use a larger block [pod-cidr-size]"]
        );
        assert_eq!(
            errors("  podCidr: 100.64.0.1/16\n"),
            ["network.podCidr: `100.64.0.1/16` has host bits set: the block starting at that address is 100.64.0.0/16 [invalid-cidr]"]
        );
    }

    #[test]
    fn no_nat_needs_endpoints() {
        assert_eq!(
            errors("  natGateways: none\n"),
            ["network.vpcEndpoints: natGateways is none and no VPC endpoints are given: nodes in the private subnets could not pull images or join the cluster. Add `vpcEndpoints: privateCluster` (s3, ecr.api, ecr.dkr, ec2, sts, eks, eks-auth, elasticloadbalancing, logs) or list the endpoints they need, or use natGateways: single or perAz [no-egress]"]
        );
        assert!(errors("  natGateways: none\n  vpcEndpoints: privateCluster\n").is_empty());
        assert!(errors("  natGateways: none\n  vpcEndpoints: [s3, ecr.api, ecr.dkr]\n").is_empty());
    }

    #[test]
    fn endpoints_preset_list_and_escape_hatch() {
        let bp = parse("  vpcEndpoints: privateCluster\n").unwrap();
        assert_eq!(bp.network.vpc_endpoints.0, PRIVATE_CLUSTER_ENDPOINTS.to_vec());
        let bp = parse("  vpcEndpoints: [s3, ssm, ssmmessages, ec2messages, elasticfilesystem]\n").unwrap();
        assert_eq!(
            bp.network.vpc_endpoints.0,
            [
                VpcEndpointService::S3,
                VpcEndpointService::Ssm,
                VpcEndpointService::SsmMessages,
                VpcEndpointService::Ec2Messages,
                VpcEndpointService::Other("elasticfilesystem".into()),
            ]
        );
        assert_eq!(
            errors("  vpcEndpoints: [s3, ecr.api, s3, com.amazonaws.eu-west-1.sqs, Bad_Name]\n"),
            [
                "network.vpcEndpoints[2]: `s3` is listed twice [endpoint-duplicate]",
                "network.vpcEndpoints[3]: `com.amazonaws.eu-west-1.sqs`: give the service name without `com.amazonaws.<region>.`, e.g. `elasticfilesystem`; the region is added at deploy time [endpoint-name]",
                "network.vpcEndpoints[4]: `Bad_Name` is not a service name like `ecr.api` or `elasticfilesystem` (lowercase letters, digits, '.' and '-') [endpoint-name]",
            ]
        );
        let err = parse("  vpcEndpoints: everything\n").unwrap_err().to_string();
        assert!(
            err.contains("unknown preset `everything`: write `privateCluster` or a list of services such as [s3, ecr.api, ecr.dkr]"),
            "{err}"
        );
    }

    #[test]
    fn json_blueprints_take_the_same_keys() {
        let bp = Blueprint::from_json(
            r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}},
                "network": {"natGateways": "none", "vpcEndpoints": "privateCluster", "podCidr": "100.64.0.0/16",
                            "subnets": {"isolated": {}}, "flowLogs": {"trafficType": "accept"}}}"#,
        )
        .unwrap();
        assert_eq!(bp.network.vpc_endpoints.0, PRIVATE_CLUSTER_ENDPOINTS.to_vec());
        assert_eq!(bp.network.flow_logs.traffic_type, TrafficType::Accept);
        assert_eq!(bp.address_plan().unwrap().isolated.len(), 3);
        let list = Blueprint::from_json(
            r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}},
                "network": {"vpcEndpoints": ["s3", "eks-auth"]}}"#,
        )
        .unwrap();
        assert_eq!(list.network.vpc_endpoints.0, [VpcEndpointService::S3, VpcEndpointService::EksAuth]);
    }

    #[test]
    fn flow_logs_are_configurable() {
        let bp = parse("  flowLogs: {retentionDays: 365, trafficType: reject}\n").unwrap();
        assert_eq!(
            bp.network.flow_logs,
            FlowLogs { enabled: true, retention_days: 365, traffic_type: TrafficType::Reject }
        );
        assert_eq!(
            Network::default().flow_logs,
            FlowLogs { enabled: true, retention_days: 90, traffic_type: TrafficType::All }
        );
        assert_eq!(
            errors("  flowLogs: {retentionDays: 100}\n"),
            ["network.flowLogs.retentionDays: 100 days is not a retention period CloudWatch Logs accepts; use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 [retention]"]
        );
        let err = parse("  flowLogs: {trafficType: some}\n").unwrap_err().to_string();
        assert!(err.contains("unknown variant `some`, expected one of `all`, `accept`, `reject`"), "{err}");
    }

    #[test]
    fn existing_vpc_ids_are_checked() {
        assert!(errors(
            "  existing:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0123456789abcdef0, subnet-11111111]\n"
        )
        .is_empty());
        assert_eq!(
            errors(
                "  existing:\n    vpcId: vpc-XYZ\n    privateSubnetIds: [subnet-0123456789abcdef0]\n    publicSubnetIds: [sg-12345678, subnet-22222222, subnet-22222222]\n"
            ),
            [
                "network.existing.vpcId: `vpc-XYZ` is not a VPC id like vpc-0123456789abcdef0 [invalid-id]",
                "network.existing.publicSubnetIds[0]: `sg-12345678` is not a subnet id like subnet-0123456789abcdef0 [invalid-id]",
                "network.existing.publicSubnetIds[2]: `subnet-22222222` is listed twice [duplicate]",
                "network.existing.privateSubnetIds: 1 private subnet given; EKS needs subnets in at least 2 Availability Zones [subnet-count]",
            ]
        );
    }

    #[test]
    fn existing_vpc_excludes_settings_of_a_new_vpc() {
        assert_eq!(
            errors(
                "  cidr: 10.1.0.0/16\n  vpcEndpoints: [s3]\n  existing:\n    vpcId: vpc-01234567\n    privateSubnetIds: [subnet-01234567, subnet-89abcdef]\n"
            ),
            [
                "network.cidr: describes a VPC to create, but network.existing uses a VPC that already exists (no network stack is created); remove it [existing-vpc-conflict]",
                "network.vpcEndpoints: describes a VPC to create, but network.existing uses a VPC that already exists (no network stack is created); remove it [existing-vpc-conflict]",
            ]
        );
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
        assert!(!private.flow_logs.enabled);
    }
}
