//! Validation of the network section: zones, endpoints, flow logs, an existing VPC; the
//! address plan itself is computed by [`super::address`].

use super::address;
use crate::blueprint::network::{AddressPlan, FlowLogs};
use crate::compile::codes;
use crate::compile::data::zones::eks_unsupported_zone_ids;
use crate::compile::defaults;
use crate::error::ValidationErrors;
use crate::spec::network::{
    is_zone_id, AvailabilityZones, ExistingVpc, NatGateways, Network, Subnets, VpcEndpointService,
};

/// The network spec with every default applied ([`defaults`]): the defaults pass, which
/// validation, the checks and the resolved network read.
#[derive(Debug, Clone)]
pub(crate) struct Defaulted<'a> {
    pub(crate) cidr: &'a str,
    pub(crate) availability_zones: AvailabilityZones,
    pub(crate) nat_gateways: NatGateways,
    pub(crate) subnets: &'a Subnets,
    pub(crate) pod_cidr: Option<&'a str>,
    pub(crate) vpc_endpoints: &'a [VpcEndpointService],
    pub(crate) flow_logs: FlowLogs,
    pub(crate) existing: Option<&'a ExistingVpc>,
    pub(crate) ipv6: bool,
}

/// Whether the network is a VPC of the blueprint without NAT: only VPC endpoints reach AWS.
pub(crate) fn nat_free(spec: &Network) -> bool {
    let network = defaulted(spec);
    network.existing.is_none() && network.nat_gateways == NatGateways::None
}

/// Applies the network's defaults.
pub(crate) fn defaulted(spec: &Network) -> Defaulted<'_> {
    Defaulted {
        cidr: spec.cidr.as_deref().unwrap_or(defaults::VPC_CIDR),
        availability_zones: spec
            .availability_zones
            .clone()
            .unwrap_or(AvailabilityZones::Count(defaults::AVAILABILITY_ZONES)),
        nat_gateways: spec.nat_gateways.unwrap_or(defaults::NAT_GATEWAYS),
        subnets: &spec.subnets,
        pod_cidr: spec.pod_cidr.as_deref(),
        vpc_endpoints: &spec.vpc_endpoints.0,
        flow_logs: FlowLogs {
            enabled: spec.flow_logs.enabled.unwrap_or(defaults::FLOW_LOGS),
            retention_days: spec.flow_logs.retention_days.unwrap_or(defaults::LOG_RETENTION_DAYS),
            traffic_type: spec.flow_logs.traffic_type.unwrap_or(defaults::FLOW_LOG_TRAFFIC),
        },
        existing: spec.existing.as_ref(),
        ipv6: spec.ipv6.unwrap_or(defaults::IPV6),
    }
}

/// Checks the network and computes its address plan ([`address::plan`]); problems go to
/// `errors`.
///
/// With [`Network::existing`] there is no plan: the ids are checked instead.
pub(crate) fn validate(network: &Defaulted, errors: &mut ValidationErrors) -> Option<AddressPlan> {
    if let Some(existing) = network.existing {
        check_existing(network, existing, errors);
        return None;
    }
    check_endpoints(network, errors);
    flow_logs(&network.flow_logs, errors);
    let zones = network.availability_zones.count();
    let min = usize::from(defaults::MIN_AVAILABILITY_ZONES);
    let max = usize::from(defaults::MAX_AVAILABILITY_ZONES);
    if !(min..=max).contains(&zones) {
        errors.push(
            "network.availabilityZones",
            codes::AZ_COUNT,
            format!("{zones} Availability Zones requested; EKS needs subnets in at least {min}, and a blueprint spreads over at most {max}"),
        );
    }
    availability_zones(&network.availability_zones, errors);
    address::plan(network, zones, errors)
}

/// Checks names and zone IDs: their form, duplicates, one Region, and no zone ID that
/// EKS refuses for cluster subnets ([`eks_unsupported_zone_ids`]).
fn availability_zones(zones: &AvailabilityZones, errors: &mut ValidationErrors) {
    let (zones, by_id) = match zones {
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

/// Checks the flow logs' retention.
fn flow_logs(flow_logs: &FlowLogs, errors: &mut ValidationErrors) {
    if !defaults::LOG_RETENTION_CHOICES.contains(&flow_logs.retention_days) {
        let choices: Vec<String> = defaults::LOG_RETENTION_CHOICES.iter().map(ToString::to_string).collect();
        errors.push(
            "network.flowLogs.retentionDays",
            codes::RETENTION,
            format!(
                "{} days is not a retention period CloudWatch Logs accepts; use one of {}",
                flow_logs.retention_days,
                choices.join(", ")
            ),
        );
    }
}

/// Checks the endpoints, and that private subnets without NAT can still reach AWS.
fn check_endpoints(network: &Defaulted, errors: &mut ValidationErrors) {
    let list = network.vpc_endpoints;
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
                    format!("`{name}` is not a service name like `ecr.api` or `elasticfilesystem`: at most {MAX_SERVICE_SUFFIX} characters, dot-separated labels of lowercase letters, digits and '-', each starting and ending with a letter or digit"),
                );
            }
        }
        if list[..i].contains(service) {
            errors.push(path, codes::ENDPOINT_DUPLICATE, format!("`{}` is listed twice", service.as_str()));
        } else if let Some((k, other)) =
            list[..i].iter().enumerate().find(|(_, other)| other.id_part() == service.id_part())
        {
            // Logical ids keep letters and digits only: the two endpoints would be one resource.
            errors.push(
                path,
                codes::ENDPOINT_DUPLICATE,
                format!(
                    "`{}` and `{}` (at [{k}]) differ only in punctuation, so their endpoints would get the same logical id; list the service once",
                    service.as_str(),
                    other.as_str()
                ),
            );
        }
    }
    if network.nat_gateways == NatGateways::None && list.is_empty() {
        errors.push(
            "network.vpcEndpoints",
            codes::NO_EGRESS,
            "natGateways is none and no VPC endpoints are given: nodes in the private subnets could not pull images or join the cluster. Add `vpcEndpoints: privateCluster` (s3, ecr.api, ecr.dkr, ec2, sts, eks, eks-auth, elasticloadbalancing, logs) or list the endpoints they need, or use natGateways: single or perAz",
        );
    }
}

/// Checks the ids of an existing VPC, and that nothing describes a VPC to create.
fn check_existing(network: &Defaulted, existing: &ExistingVpc, errors: &mut ValidationErrors) {
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
    // A setting equal to its default describes nothing to create.
    let nothing = Network::default();
    let default = defaulted(&nothing);
    let conflicts = [
        ("cidr", network.cidr != default.cidr),
        ("availabilityZones", network.availability_zones != default.availability_zones),
        ("natGateways", network.nat_gateways != default.nat_gateways),
        ("subnets", *network.subnets != Subnets::default()),
        ("podCidr", network.pod_cidr.is_some()),
        ("vpcEndpoints", !network.vpc_endpoints.is_empty()),
        ("flowLogs", network.flow_logs != default.flow_logs),
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

/// `vpc-0123abcd` or `subnet-0123456789abcdef0`: the prefix, then 8 to 17 hex digits.
fn is_resource_id(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')).is_some_and(|hex| {
        (8..=17).contains(&hex.len()) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// The longest service name suffix accepted: a service name
/// (`com.amazonaws.<region>.<suffix>`) is a DNS name of at most 253 characters, and the
/// prefix takes up to 30 of them (the longest Region names are 14 characters). The bound
/// also keeps the endpoint's logical id (`VpcEndpoint` + the suffix in PascalCase) within
/// CloudFormation's 255 characters.
const MAX_SERVICE_SUFFIX: usize = 200;

/// Whether `name` is a service name suffix: dot-separated DNS labels (lowercase letters,
/// digits and '-', starting and ending with a letter or digit), at most
/// [`MAX_SERVICE_SUFFIX`] characters.
fn is_service_suffix(name: &str) -> bool {
    name.len() <= MAX_SERVICE_SUFFIX
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
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
pub(crate) fn region_of_zone_name(name: &str) -> &str {
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

/// The Region code of a zone ID: `use1` for `use1-az1`.
pub(crate) fn zone_id_region_code(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::network::NewVpc;
    use crate::cidr::Ipv4Cidr;
    use crate::spec::network::{TrafficType, PRIVATE_CLUSTER_ENDPOINTS};
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
        parse(network).unwrap().address_plan().unwrap().clone()
    }

    /// The VPC a valid blueprint creates.
    fn vpc(bp: &Blueprint) -> &NewVpc {
        bp.network.new_vpc().unwrap()
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
            vpc(&bp).availability_zones,
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

    /// Found by the mutation test (issue 11): a long name made a logical id over 255
    /// characters, and two names differing in punctuation the same logical id; both failed
    /// synthesis with exit 1 instead of validation.
    #[test]
    fn endpoint_names_that_would_break_logical_ids_are_refused() {
        let long = "a".repeat(201);
        // 200 characters in labels of at most 63: the longest accepted.
        let longest = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(8));
        assert_eq!(longest.len(), 200);
        let errs = errors(&format!("  vpcEndpoints: [s3, {long}, {longest}]\n"));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].starts_with("network.vpcEndpoints[1]: `aaaa"), "{errs:?}");
        assert!(errs[0].ends_with("at most 200 characters, dot-separated labels of lowercase letters, digits and '-', each starting and ending with a letter or digit [endpoint-name]"));
        for bad in ["a..b", "a.-b", "-a", "a.", ".a", "a-.b", "x.y-", "a".repeat(64).as_str()] {
            assert_eq!(errors(&format!("  vpcEndpoints: [\"{bad}\"]\n")).len(), 1, "{bad}");
        }
        assert_eq!(
            errors("  vpcEndpoints: [s3, a-b, a.b, ec2messages, ec2-messages, sagemaker.runtime-fips]\n"),
            [
                "network.vpcEndpoints[2]: `a.b` and `a-b` (at [1]) differ only in punctuation, so their endpoints would get the same logical id; list the service once [endpoint-duplicate]",
                "network.vpcEndpoints[4]: `ec2-messages` and `ec2messages` (at [3]) differ only in punctuation, so their endpoints would get the same logical id; list the service once [endpoint-duplicate]",
            ]
        );
    }

    #[test]
    fn endpoints_preset_list_and_escape_hatch() {
        let bp = parse("  vpcEndpoints: privateCluster\n").unwrap();
        assert_eq!(vpc(&bp).vpc_endpoints, PRIVATE_CLUSTER_ENDPOINTS.to_vec());
        let bp = parse("  vpcEndpoints: [s3, ssm, ssmmessages, ec2messages, elasticfilesystem]\n").unwrap();
        assert_eq!(
            vpc(&bp).vpc_endpoints,
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
                "network.vpcEndpoints[4]: `Bad_Name` is not a service name like `ecr.api` or `elasticfilesystem`: at most 200 characters, dot-separated labels of lowercase letters, digits and '-', each starting and ending with a letter or digit [endpoint-name]",
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
        assert_eq!(vpc(&bp).vpc_endpoints, PRIVATE_CLUSTER_ENDPOINTS.to_vec());
        assert_eq!(vpc(&bp).flow_logs.traffic_type, TrafficType::Accept);
        assert_eq!(bp.address_plan().unwrap().isolated.len(), 3);
        let list = Blueprint::from_json(
            r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}},
                "network": {"vpcEndpoints": ["s3", "eks-auth"]}}"#,
        )
        .unwrap();
        assert_eq!(vpc(&list).vpc_endpoints, [VpcEndpointService::S3, VpcEndpointService::EksAuth]);
    }

    #[test]
    fn flow_logs_are_configurable() {
        let bp = parse("  flowLogs: {retentionDays: 365, trafficType: reject}\n").unwrap();
        assert_eq!(
            vpc(&bp).flow_logs,
            FlowLogs { enabled: true, retention_days: 365, traffic_type: TrafficType::Reject }
        );
        assert_eq!(
            defaulted(&Network::default()).flow_logs,
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
}
