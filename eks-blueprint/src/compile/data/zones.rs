//! The Availability Zones where EKS does not create clusters.

/// The table of Availability Zone IDs where EKS does not create clusters, as
/// `(region, zone ID)`: `data/eks-unsupported-zone-ids.csv`, from the EKS user guide "View
/// Amazon EKS networking requirements for VPC and subnets", section "Subnet requirements
/// for clusters" (<https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html>);
/// see `data/SOURCES.md`.
pub fn eks_unsupported_zone_ids() -> impl Iterator<Item = (&'static str, &'static str)> {
    const TABLE: &str = include_str!("../../../data/eks-unsupported-zone-ids.csv");
    TABLE
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != "region,zone_id")
        .filter_map(|l| l.split_once(','))
}
