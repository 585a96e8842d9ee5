//! The resolved network: a VPC the blueprint creates, with its address plan, or an
//! existing one.

use crate::cidr::Ipv4Cidr;
use crate::spec::network::{AvailabilityZones, ExistingVpc, NatGateways, TrafficType, VpcEndpointService};

/// The network of a blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Network {
    /// A VPC the network stack creates.
    New(NewVpc),
    /// A VPC that exists: no network stack; its ids reach the other stacks as literals.
    Existing(ExistingVpc),
}

impl Network {
    /// The VPC the blueprint creates, if it creates one.
    pub(crate) fn new_vpc(&self) -> Option<&NewVpc> {
        match self {
            Network::New(vpc) => Some(vpc),
            Network::Existing(_) => None,
        }
    }

    /// Whether the VPC exists already.
    pub(crate) fn is_existing(&self) -> bool {
        matches!(self, Network::Existing(_))
    }
}

/// A VPC the blueprint creates, every default applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewVpc {
    /// The zones: a count (`Fn::GetAZs`), names or zone IDs.
    pub(crate) availability_zones: AvailabilityZones,
    /// The VPC block and every subnet's.
    pub(crate) plan: AddressPlan,
    /// NAT gateways.
    pub(crate) nat_gateways: NatGateways,
    /// Dual stack.
    pub(crate) ipv6: bool,
    /// The VPC endpoints to create: `network.vpcEndpoints`, then those Karpenter needs in a
    /// VPC without NAT that the list lacks.
    pub(crate) vpc_endpoints: Vec<VpcEndpointService>,
    /// Flow logs.
    pub(crate) flow_logs: FlowLogs,
    /// Whether VPC CNI custom networking applies (pod subnets, ENIConfigs).
    pub(crate) custom_networking: bool,
}

/// VPC flow logs, every default applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FlowLogs {
    /// Whether the VPC's traffic is logged.
    pub(crate) enabled: bool,
    /// Days to keep the records.
    pub(crate) retention_days: u32,
    /// What is recorded.
    pub(crate) traffic_type: TrafficType,
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
