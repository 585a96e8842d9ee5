//! `kube-proxy`: Service routing on every EC2 node, which nodes need before they run pods;
//! in the cluster stack, ACTIVE without nodes. EKS Auto Mode nodes run their own.

use super::Entry;
use crate::blueprint::addons::{Anchor, Conflict, Declaration, Feature, Kind, Resolution};
use crate::blueprint::stacks::Part;

/// The add-on.
pub(crate) const ADDON: Entry = Entry {
    declaration: Declaration {
        id: "kubeProxy",
        field: "compute",
        kind: Kind::Eks { name: "kube-proxy", logical_id: "AddonKubeProxy" },
        part: Part::Cluster,
        after: &[],
        before: &[Anchor::Nodes],
        conflicts: &[Conflict { with: Feature::AutoModeOnly, resolution: Resolution::Omit }],
        requires: &[],
        roles: &[],
    },
    select: |_| true,
    service_accounts: |_| Vec::new(),
};
