//! The resolved network: the address plan of a VPC the blueprint creates.

use crate::cidr::Ipv4Cidr;

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
