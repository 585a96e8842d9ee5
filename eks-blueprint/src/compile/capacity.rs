//! IP capacity planning: how many VPC addresses each node group can take at its worst, and
//! whether its subnets have them (rule `EKSB-CAPACITY-001`). Library data for `plan` and
//! `eks-blueprint validate --capacity`: [`crate::Blueprint::capacity`].
//!
//! The model, with its sources (docs/scale.md, "IP capacity", says the same for users):
//!
//! - Max pods per node, without prefix delegation (eks-blueprint never turns it on):
//!   `ENIs × (IPv4 per ENI − 1) + 2` (the EKS AMI's `eni-max-pods.txt`;
//!   [`InstanceType::max_pods`]); with custom networking, `(ENIs − 1) × …`.
//! - Addresses one node can hold: the VPC CNI's default `WARM_ENI_TARGET=1` keeps a whole
//!   spare ENI attached, and an attached ENI gets all its secondary addresses
//!   (aws/amazon-vpc-cni-k8s `docs/eni-and-ip-target.md`), so a busy node holds every
//!   address of every ENI: **`ENIs × IPv4 per ENI`**. With custom networking, the primary ENI
//!   (1 address) is in the node subnet and the other ENIs in the pod subnet:
//!   `(ENIs − 1) × IPv4 per ENI` there.
//! - Nodes: `maxSize`, plus, for a managed node group, the update surge: EKS scales the
//!   group up by "the larger of up to twice the number of Availability Zones and
//!   maxUnavailable" while it replaces nodes (EKS user guide, "Understand each phase of node
//!   updates"). Spread over the group's subnets (one per zone) evenly, plus one node of
//!   imbalance per subnet.
//! - What else takes addresses in a subnet: 5 reserved by AWS (Amazon VPC user guide, subnet
//!   sizing); in the private subnets (the cluster's), 16 for the EKS control plane's network
//!   interfaces ("at least six", "we recommend at least 16", EKS user guide, network
//!   requirements) and one per interface VPC endpoint; in the public subnets, one per NAT
//!   gateway; and in every subnet 8 for one load balancer ("at least 8 free IP addresses",
//!   Elastic Load Balancing user guide). Assumption: one load balancer per subnet; more
//!   load balancers take 8 or more each.
//!
//! Not planned: an existing VPC (its subnets' free addresses are not known at synthesis),
//! ipv6 clusters (pods take IPv6 addresses), Karpenter NodePools and EKS Auto Mode (no node
//! count bound in the blueprint), instance types the table does not know.

use crate::blueprint::compute::UpdateConfig;
use crate::blueprint::{Blueprint, Finding};
use crate::compile::data::instance_types::{self, InstanceType};
use crate::spec::cluster::IpFamily;
use crate::spec::network::NatGateways;

/// Finding rule: a subnet that node groups can run out of addresses.
pub const SUBNET_CAN_RUN_OUT: &str = "EKSB-CAPACITY-001";

/// Addresses AWS reserves in every subnet: the first four and the last.
pub const AWS_RESERVED_PER_SUBNET: u64 = 5;
/// Addresses kept for the EKS control plane's network interfaces in each cluster subnet
/// (the recommended 16; EKS needs at least 6).
pub const CONTROL_PLANE_ADDRESSES: u64 = 16;
/// Addresses kept for one load balancer in each subnet (its minimum of 8 free addresses).
pub const LOAD_BALANCER_ADDRESSES: u64 = 8;

/// The capacity plan of a blueprint.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capacity {
    /// One row per node group whose instance types are known.
    pub groups: Vec<GroupCapacity>,
    /// One row per subnet of the VPC the blueprint creates.
    pub subnets: Vec<SubnetCapacity>,
}

/// What one node group can take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupCapacity {
    /// The field path, `compute.managedNodeGroups[0]`.
    pub path: String,
    /// The group's name.
    pub name: String,
    /// The instance type with the most addresses per node, of those the group lists.
    pub instance_type: String,
    /// Its network interfaces.
    pub enis: u32,
    /// Its IPv4 addresses per interface.
    pub ipv4_per_eni: u32,
    /// Max pods per node, from the interfaces (without prefix delegation).
    pub max_pods: u32,
    /// Addresses one node can hold in its node subnet.
    pub node_subnet_addresses_per_node: u32,
    /// Addresses one node can hold in its pod subnet (custom networking), else 0.
    pub pod_subnet_addresses_per_node: u32,
    /// Most nodes: `maxSize` plus the update surge.
    pub nodes: u32,
    /// Of which the update surge.
    pub surge: u32,
    /// The subnet tier: `private` or `public`.
    pub tier: &'static str,
    /// Most nodes in one subnet (even spread plus one).
    pub nodes_per_subnet: u32,
}

/// One subnet's addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetCapacity {
    /// `private`, `public` or `pods`.
    pub tier: &'static str,
    /// 1-based zone number.
    pub zone: usize,
    /// The block.
    pub cidr: String,
    /// All addresses of the block.
    pub size: u64,
    /// Taken by AWS, the control plane, endpoints, NAT and a load balancer.
    pub reserved: u64,
    /// The most node groups can take at once.
    pub nodes_worst_case: u64,
}

impl SubnetCapacity {
    /// What is left at the worst case (negative: the subnet runs out).
    pub fn free_after(&self) -> i64 {
        i64::try_from(self.size).unwrap_or(i64::MAX)
            - i64::try_from(self.reserved + self.nodes_worst_case).unwrap_or(i64::MAX)
    }
}

/// The type of `types` whose node takes the most addresses.
fn widest(types: &[String]) -> Option<&'static InstanceType> {
    types.iter().filter_map(|t| instance_types::lookup(t)).max_by_key(|t| (t.max_enis * t.ipv4_per_eni, t.name))
}

/// The capacity plan of a validated blueprint.
pub(crate) fn plan(bp: &Blueprint) -> Capacity {
    let Some(vpc) = bp.network.new_vpc() else { return Capacity::default() };
    if bp.cluster.ip_family != IpFamily::Ipv4 {
        return Capacity::default();
    }
    let zones = vpc.plan.private.len().max(1);
    let custom = vpc.custom_networking;
    let mut groups = Vec::new();
    let managed = bp.compute.managed_node_groups.iter().enumerate().map(|(i, g)| {
        let surge = match g.update {
            UpdateConfig::MaxUnavailable(n) => n,
            UpdateConfig::MaxUnavailablePercentage(p) => (g.base.max_size * p).div_ceil(100),
        }
        .max(2 * zones as u32);
        (format!("compute.managedNodeGroups[{i}]"), &g.base, surge)
    });
    let self_managed = bp
        .compute
        .self_managed_node_groups
        .iter()
        .enumerate()
        .map(|(i, g)| (format!("compute.selfManagedNodeGroups[{i}]"), &g.base, 0));
    for (path, base, surge) in managed.chain(self_managed) {
        let Some(t) = widest(&base.instance_types) else { continue };
        let nodes = base.max_size + surge;
        let (node_subnet, pod_subnet, max_pods) = if custom {
            (1, t.max_enis.saturating_sub(1) * t.ipv4_per_eni, t.max_pods_custom_networking())
        } else {
            (t.max_enis * t.ipv4_per_eni, 0, t.max_pods())
        };
        groups.push(GroupCapacity {
            path,
            name: base.name.clone(),
            instance_type: t.name.to_owned(),
            enis: t.max_enis,
            ipv4_per_eni: t.ipv4_per_eni,
            max_pods,
            node_subnet_addresses_per_node: node_subnet,
            pod_subnet_addresses_per_node: pod_subnet,
            nodes,
            surge,
            tier: base.subnets.as_str(),
            nodes_per_subnet: (nodes.div_ceil(zones as u32) + 1).min(nodes),
        });
    }
    let interface_endpoints = vpc.vpc_endpoints.iter().filter(|e| !e.is_gateway()).count() as u64;
    let mut subnets = Vec::new();
    for (tier, blocks) in [("private", &vpc.plan.private), ("public", &vpc.plan.public), ("pods", &vpc.plan.pods)] {
        for (z, block) in blocks.iter().enumerate() {
            let nat = match (tier, vpc.nat_gateways) {
                ("public", NatGateways::PerAz) => 1,
                ("public", NatGateways::Single) => u64::from(z == 0),
                _ => 0,
            };
            let reserved = AWS_RESERVED_PER_SUBNET
                + match tier {
                    "private" => CONTROL_PLANE_ADDRESSES + interface_endpoints + LOAD_BALANCER_ADDRESSES,
                    "public" => nat + LOAD_BALANCER_ADDRESSES,
                    _ => 0,
                };
            let nodes_worst_case = groups
                .iter()
                .map(|g| {
                    let per_node = match tier {
                        "pods" => g.pod_subnet_addresses_per_node,
                        t if t == g.tier => g.node_subnet_addresses_per_node,
                        _ => 0,
                    };
                    u64::from(g.nodes_per_subnet) * u64::from(per_node)
                })
                .sum();
            subnets.push(SubnetCapacity {
                tier,
                zone: z + 1,
                cidr: block.to_string(),
                size: block.size(),
                reserved,
                nodes_worst_case,
            });
        }
    }
    Capacity { groups, subnets }
}

/// `EKSB-CAPACITY-001` for each subnet node groups can exhaust, on the group that takes the
/// most of it.
pub(crate) fn findings(capacity: &Capacity) -> Vec<Finding> {
    let mut out = Vec::new();
    for s in capacity.subnets.iter().filter(|s| s.free_after() < 0) {
        let takes = |g: &GroupCapacity| {
            let per_node = if s.tier == "pods" {
                g.pod_subnet_addresses_per_node
            } else if s.tier == g.tier {
                g.node_subnet_addresses_per_node
            } else {
                0
            };
            u64::from(g.nodes_per_subnet) * u64::from(per_node)
        };
        let Some(top) = capacity.groups.iter().filter(|g| takes(g) > 0).max_by_key(|g| takes(g)) else { continue };
        let parts: Vec<String> = capacity
            .groups
            .iter()
            .filter(|g| takes(g) > 0)
            .map(|g| {
                let per_node = takes(g) / u64::from(g.nodes_per_subnet.max(1));
                format!(
                    "{} up to {} nodes here × {per_node} addresses ({}: {} ENIs × {} IPv4 addresses, the VPC CNI keeping a spare ENI)",
                    g.name, g.nodes_per_subnet, g.instance_type, g.enis, g.ipv4_per_eni
                )
            })
            .collect();
        out.push(Finding::new(
            SUBNET_CAN_RUN_OUT,
            format!("{}.maxSize", top.path),
            format!(
                "the {} subnet of zone {} ({}) can run out of addresses: {} addresses, {} kept for AWS, the control plane, endpoints, NAT and a load balancer, and node groups can take {} ({}), {} short; lower maxSize, use instance types with fewer addresses, or give the VPC larger subnets (docs/scale.md, IP capacity)",
                s.tier,
                s.zone,
                s.cidr,
                s.size,
                s.reserved,
                s.nodes_worst_case,
                parts.join(", "),
                -s.free_after()
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_per_node_follow_the_instance_data_for_three_types() {
        // ENIs and IPv4 addresses per ENI from data/instance-types.tsv, which agrees with the
        // EKS AMI's eni-max-pods.txt (m5.large 29 pods, c5.18xlarge 737, t3.medium 17) and
        // the EC2 instance type pages (m5.large: 3 interfaces × 10 addresses; t3.medium:
        // 3 × 6; c5.18xlarge: 15 × 50).
        for (name, enis, per_eni, max_pods, per_node) in
            [("m5.large", 3, 10, 29, 30), ("t3.medium", 3, 6, 17, 18), ("c5.18xlarge", 15, 50, 737, 750)]
        {
            let t = widest(&[name.to_owned()]).unwrap();
            assert_eq!(
                (t.max_enis, t.ipv4_per_eni, t.max_pods(), t.max_enis * t.ipv4_per_eni),
                (enis, per_eni, max_pods, per_node),
                "{name}"
            );
        }
        // Of several types, the one whose node takes the most addresses.
        assert_eq!(widest(&["m5.large".into(), "c5.18xlarge".into(), "t3.medium".into()]).unwrap().name, "c5.18xlarge");
    }
}
