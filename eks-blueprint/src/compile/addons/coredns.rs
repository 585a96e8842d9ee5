//! `coredns`: cluster DNS, a Deployment. It becomes ACTIVE only once something runs it, so it
//! comes after every node group and Fargate profile, and is installed only when some exist
//! (EKS Auto Mode runs its own). On a Fargate-only cluster it asks for Fargate capacity (the
//! render hook's configuration, `render::addons::coredns`).

use super::Entry;
use crate::blueprint::addons::{Anchor, Conflict, Declaration, Feature, Kind, Resolution};
use crate::blueprint::stacks::Part;

/// The add-on.
pub(crate) const ADDON: Entry = Entry {
    declaration: Declaration {
        id: "coredns",
        field: "compute",
        kind: Kind::Eks { name: "coredns", logical_id: "AddonCoredns" },
        part: Part::Addons,
        after: &[Anchor::Nodes],
        before: &[],
        conflicts: &[Conflict { with: Feature::AutoModeOnly, resolution: Resolution::Omit }],
        requires: &[],
        roles: &[],
    },
    select: |bp| bp.compute.has_node_groups() || !bp.compute.fargate_profiles.is_empty(),
    service_accounts: |_| Vec::new(),
};
