//! `eks-pod-identity-agent`: the DaemonSet that hands EKS Pod Identity credentials to pods on
//! EC2 nodes. It becomes ACTIVE without nodes, so it lives in the cluster stack. EKS Auto
//! Mode nodes run it themselves: it is left out when Auto Mode is the only compute.

use super::Entry;
use crate::blueprint::addons::{Conflict, Declaration, Feature, Kind, Resolution};
use crate::blueprint::stacks::Part;

/// The add-on.
pub(crate) const ADDON: Entry = Entry {
    declaration: Declaration {
        id: "podIdentityAgent",
        field: "compute",
        kind: Kind::Eks { name: "eks-pod-identity-agent", logical_id: "AddonEksPodIdentityAgent" },
        part: Part::Cluster,
        after: &[],
        before: &[],
        conflicts: &[Conflict { with: Feature::AutoModeOnly, resolution: Resolution::Omit }],
        requires: &[],
        roles: &[],
    },
    select: |_| true,
    // The agent's DaemonSet runs with host networking and no IAM role of its own.
    service_accounts: |_| Vec::new(),
};
