//! The address plan of a VPC the blueprint creates: the VPC block, and each tier's subnets
//! per zone (explicit CIDRs, or allocated by size), the pod block and its subnets. Computed
//! once, by compile, and stored in the blueprint.

use crate::blueprint::network::AddressPlan;
use crate::cidr::{allocate, Ipv4Cidr};
use crate::compile::codes;
use crate::compile::defaults;
use crate::compile::network::Defaulted;
use crate::error::ValidationErrors;
use crate::spec::network::SubnetTier;

/// The address plan of a VPC to create with `zones` Availability Zones: the VPC block, then
/// the explicit subnets of each tier, the pod block, and the tiers sized by prefix length,
/// allocated in order (private, public, isolated) around the explicit ones. Problems go to
/// `errors`; `None` when there is no plan to make.
pub(crate) fn plan(network: &Defaulted, zones: usize, errors: &mut ValidationErrors) -> Option<AddressPlan> {
    let min = usize::from(defaults::MIN_AVAILABILITY_ZONES);
    let max = usize::from(defaults::MAX_AVAILABILITY_ZONES);
    let vpc = match network.cidr.parse::<Ipv4Cidr>() {
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
    let private_explicit = explicit("private", &network.subnets.private, vpc, zones, errors);
    let public_explicit = explicit("public", &network.subnets.public, vpc, zones, errors);
    let isolated_spec = network.subnets.isolated.clone().unwrap_or_default();
    let isolated_explicit = explicit("isolated", &isolated_spec, vpc, zones, errors);
    let pod_cidr = pod_cidr(network, vpc, errors);
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
    let private = tier("private", &network.subnets.private, private_explicit, defaults::PRIVATE_SUBNET_EXTRA_BITS);
    let public = tier("public", &network.subnets.public, public_explicit, defaults::PUBLIC_SUBNET_EXTRA_BITS);
    let isolated = match network.subnets.isolated {
        Some(_) => tier("isolated", &isolated_spec, isolated_explicit, defaults::ISOLATED_SUBNET_EXTRA_BITS),
        None => Some(Vec::new()),
    };
    let pods = match pod_cidr {
        Some(block) => Some(pod_subnets(block, zones, errors)?),
        None => Some(Vec::new()),
    };
    Some(AddressPlan { vpc, public: public?, private: private?, isolated: isolated?, pod_cidr, pods: pods? })
}

/// Checks `podCidr` against the VPC CIDR.
fn pod_cidr(network: &Defaulted, vpc: Ipv4Cidr, errors: &mut ValidationErrors) -> Option<Ipv4Cidr> {
    let text = network.pod_cidr?;
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
fn pod_subnets(block: Ipv4Cidr, zones: usize, errors: &mut ValidationErrors) -> Option<Vec<Ipv4Cidr>> {
    let bits = u8::try_from(usize::BITS - (zones.max(1) - 1).leading_zeros()).unwrap_or(u8::MAX);
    let prefix = block.prefix().saturating_add(bits);
    let blocks = (prefix <= defaults::MAX_SUBNET_PREFIX).then(|| allocate(block, &vec![prefix; zones], &[])).flatten();
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

fn explicit(
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
