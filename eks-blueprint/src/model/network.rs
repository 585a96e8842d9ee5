//! The network: a VPC across Availability Zones with public and private subnets.

use serde::Deserialize;

use super::cidr::{allocate, Ipv4Cidr};
use super::defaults;
use crate::error::ValidationErrors;

/// The VPC of the platform.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Network {
    /// The VPC's IPv4 CIDR block, `/16` to `/28`. Default: `10.0.0.0/16`.
    pub cidr: String,
    /// How many Availability Zones (2 to 6), or their names. Default: 3 zones, chosen with
    /// `Fn::GetAZs` in the region of deployment.
    pub availability_zones: AvailabilityZones,
    /// NAT gateways for the private subnets' egress. Default: one per zone.
    pub nat_gateways: NatGateways,
    /// Subnet sizes or explicit CIDRs per tier. Default: private subnets 3 bits longer than
    /// the VPC prefix (`/19` in a `/16`), public subnets 8 bits longer (`/24`).
    pub subnets: Subnets,
}

impl Default for Network {
    fn default() -> Self {
        Network {
            cidr: defaults::VPC_CIDR.to_owned(),
            availability_zones: AvailabilityZones::default(),
            nat_gateways: NatGateways::default(),
            subnets: Subnets::default(),
        }
    }
}

/// Availability Zones: a count (chosen at deploy time with `Fn::GetAZs`) or explicit names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum AvailabilityZones {
    /// The first N zones of the region.
    Count(u8),
    /// These zones, e.g. `eu-west-1a`.
    Names(Vec<String>),
}

impl Default for AvailabilityZones {
    fn default() -> Self {
        AvailabilityZones::Count(defaults::AVAILABILITY_ZONES)
    }
}

impl AvailabilityZones {
    /// The number of zones.
    pub fn count(&self) -> usize {
        match self {
            AvailabilityZones::Count(n) => usize::from(*n),
            AvailabilityZones::Names(names) => names.len(),
        }
    }
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

/// Subnet sizing per tier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Subnets {
    /// Public subnets (load balancers, NAT gateways).
    pub public: SubnetTier,
    /// Private subnets (nodes and pods).
    pub private: SubnetTier,
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
}

impl Network {
    /// A builder with the defaults.
    pub fn builder() -> NetworkBuilder {
        NetworkBuilder(Network::default())
    }

    /// Checks the network and computes its address plan; problems go to `errors`.
    pub fn plan(&self, errors: &mut ValidationErrors) -> Option<AddressPlan> {
        let zones = self.availability_zones.count();
        let min = usize::from(defaults::MIN_AVAILABILITY_ZONES);
        let max = usize::from(defaults::MAX_AVAILABILITY_ZONES);
        if !(min..=max).contains(&zones) {
            errors.push(
                "network.availabilityZones",
                "az-count",
                format!("{zones} Availability Zones requested; EKS needs subnets in at least {min}, and a blueprint spreads over at most {max}"),
            );
        }
        if let AvailabilityZones::Names(names) = &self.availability_zones {
            for (i, name) in names.iter().enumerate() {
                if !is_zone_name(name) {
                    errors.push(
                        format!("network.availabilityZones[{i}]"),
                        "az-name",
                        format!("`{name}` is not an Availability Zone name like eu-west-1a"),
                    );
                } else if names[..i].contains(name) {
                    errors.push(
                        format!("network.availabilityZones[{i}]"),
                        "az-duplicate",
                        format!("`{name}` is listed twice"),
                    );
                }
            }
        }
        let vpc = match self.cidr.parse::<Ipv4Cidr>() {
            Ok(vpc) if (defaults::MIN_VPC_PREFIX..=defaults::MAX_SUBNET_PREFIX).contains(&vpc.prefix()) => vpc,
            Ok(vpc) => {
                errors.push(
                    "network.cidr",
                    "vpc-size",
                    format!(
                        "{vpc}: a VPC CIDR block must be between /{} and /{}",
                        defaults::MIN_VPC_PREFIX,
                        defaults::MAX_SUBNET_PREFIX
                    ),
                );
                return None;
            }
            Err(e) => {
                errors.push("network.cidr", "invalid-cidr", e);
                return None;
            }
        };
        if !(min..=max).contains(&zones) {
            return None;
        }
        let before = errors.0.len();
        let private_explicit = self.explicit("private", &self.subnets.private, vpc, zones, errors);
        let public_explicit = self.explicit("public", &self.subnets.public, vpc, zones, errors);
        let mut taken: Vec<Ipv4Cidr> = Vec::new();
        for (tier, cidrs) in [("private", &private_explicit), ("public", &public_explicit)] {
            for (i, block) in cidrs.iter().flatten().enumerate() {
                if let Some(other) = taken.iter().find(|t| t.overlaps(*block)) {
                    errors.push(
                        format!("network.subnets.{tier}.cidrs[{i}]"),
                        "subnet-overlap",
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
            let prefix =
                spec.prefix_length.unwrap_or(vpc.prefix().saturating_add(extra).min(defaults::MAX_SUBNET_PREFIX));
            if !(vpc.prefix()..=defaults::MAX_SUBNET_PREFIX).contains(&prefix) {
                errors.push(
                    format!("network.subnets.{name}.prefixLength"),
                    "subnet-size",
                    format!(
                        "/{prefix} does not fit: subnets of a {vpc} VPC are /{} to /{}",
                        vpc.prefix(),
                        defaults::MAX_SUBNET_PREFIX
                    ),
                );
                return None;
            }
            let blocks = allocate(vpc, &vec![prefix; zones], &taken);
            match &blocks {
                Some(b) => taken.extend(b.iter().copied()),
                None => errors.push(
                    format!("network.subnets.{name}.prefixLength"),
                    "subnet-space",
                    format!("{zones} {name} subnets of /{prefix} do not fit in the VPC {vpc} beside the other subnets; use a larger VPC CIDR or a longer prefix"),
                ),
            }
            blocks
        };
        let private = tier("private", &self.subnets.private, private_explicit, defaults::PRIVATE_SUBNET_EXTRA_BITS);
        let public = tier("public", &self.subnets.public, public_explicit, defaults::PUBLIC_SUBNET_EXTRA_BITS);
        Some(AddressPlan { vpc, public: public?, private: private? })
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
                "subnet-conflict",
                "give either prefixLength or cidrs, not both",
            );
        }
        if spec.cidrs.len() != zones {
            errors.push(
                format!("network.subnets.{tier}.cidrs"),
                "subnet-count",
                format!("{} CIDRs for {zones} Availability Zones; give one per zone", spec.cidrs.len()),
            );
        }
        let mut out = Vec::new();
        for (i, text) in spec.cidrs.iter().enumerate() {
            let path = format!("network.subnets.{tier}.cidrs[{i}]");
            match text.parse::<Ipv4Cidr>() {
                Err(e) => errors.push(path, "invalid-cidr", e),
                Ok(block) if !vpc.contains(block) => {
                    errors.push(path, "subnet-outside-vpc", format!("{block} is not inside the VPC CIDR {vpc}"))
                }
                Ok(block) if block.prefix() > defaults::MAX_SUBNET_PREFIX => errors.push(
                    path,
                    "subnet-size",
                    format!("{block} is smaller than /{}, the smallest subnet AWS allows", defaults::MAX_SUBNET_PREFIX),
                ),
                Ok(block) => out.push(block),
            }
        }
        Some(out)
    }
}

fn is_zone_name(name: &str) -> bool {
    // region + letter, e.g. eu-west-1a, us-gov-west-1b; local zones carry more parts.
    name.len() >= 4
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name.chars().last().is_some_and(|c| c.is_ascii_lowercase())
        && name.contains('-')
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

    /// NAT gateways. Default: one per zone.
    pub fn nat_gateways(mut self, nat: NatGateways) -> Self {
        self.0.nat_gateways = nat;
        self
    }

    /// The prefix length of private subnets. Default: the VPC prefix + 3.
    pub fn private_subnet_prefix_length(mut self, prefix: u8) -> Self {
        self.0.subnets.private.prefix_length = Some(prefix);
        self
    }

    /// The prefix length of public subnets. Default: the VPC prefix + 8.
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
