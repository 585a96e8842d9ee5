//! `vpc-cni`: pod networking on every EC2 node (the `aws-node` DaemonSet), which a node needs
//! before it becomes Ready; in the cluster stack, ACTIVE without nodes, after the Pod
//! Identity agent that hands its role to it. Its EC2 permissions go to its own service
//! account, not to every node (EKS best practices: "Use IRSA/Pod Identity for the aws-node
//! DaemonSet"). EKS Auto Mode nodes run their own CNI. The render hook adds the ipv6 policy
//! and the custom-networking configuration (`render::addons::vpc_cni`).

use super::{Entry, POD_IDENTITY_AGENT};
use crate::blueprint::addons::{
    Anchor, Conflict, Declaration, Feature, Kind, PodIdentityRole, Resolution, ServiceAccount,
};
use crate::blueprint::stacks::Part;

/// The namespace of the VPC CNI's `aws-node` DaemonSet, which the add-on installs.
pub(crate) const NAMESPACE: &str = "kube-system";
/// The service account of the `aws-node` DaemonSet.
pub(crate) const SERVICE_ACCOUNT: &str = "aws-node";

/// The add-on.
pub(crate) const ADDON: Entry = Entry {
    declaration: Declaration {
        id: "vpcCni",
        field: "compute",
        kind: Kind::Eks { name: "vpc-cni", logical_id: "AddonVpcCni" },
        part: Part::Cluster,
        after: &[Anchor::Addon(POD_IDENTITY_AGENT)],
        before: &[Anchor::Nodes],
        conflicts: &[Conflict { with: Feature::AutoModeOnly, resolution: Resolution::Omit }],
        requires: &[],
        roles: &[PodIdentityRole {
            logical_id: "VpcCniRole",
            service_account: 0,
            what: "VPC CNI (aws-node)",
            // AmazonEKS_CNI_Policy covers IPv4 only; the render hook replaces it in an ipv6
            // cluster.
            managed_policies: &["AmazonEKS_CNI_Policy"],
        }],
    },
    select: |_| true,
    service_accounts: |_| vec![ServiceAccount::new(NAMESPACE, SERVICE_ACCOUNT)],
};
