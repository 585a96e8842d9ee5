//! Karpenter (`compute.karpenter`): a Helm chart, with the CloudFormation its controller and
//! nodes need (node role, instance profile and access entry, controller role through EKS Pod
//! Identity, interruption queue and rules, node security group), rendered by its hook
//! (`render::karpenter`), and its manifests (values, EC2NodeClass, NodePools, the install
//! script).

use super::Entry;
use crate::blueprint::addons::{
    Anchor, At, Conflict, Declaration, Feature, HelmRelease, Kind, PodIdentityRole, Requirement, Resolution,
    ServiceAccount,
};
use crate::blueprint::stacks::Part;
use crate::compile::codes;

/// The chart Karpenter's script installs (Karpenter getting-started guide); the version is
/// chosen at install time (`KARPENTER_VERSION`).
pub(crate) const RELEASE: HelmRelease = HelmRelease {
    name: "karpenter",
    repository: "oci://public.ecr.aws/karpenter/karpenter",
    chart: "",
    version: None,
    values_file: "manifests/karpenter-values.yaml",
};

/// The add-on.
pub(crate) const ADDON: Entry = Entry {
    declaration: Declaration {
        id: "karpenter",
        field: "compute.karpenter",
        kind: Kind::Helm(RELEASE),
        part: Part::Karpenter,
        // Its controller runs on the node groups (the chart is installed after them, by
        // manifests/karpenter.sh), and its uninstall must run while they do.
        after: &[Anchor::Nodes],
        before: &[],
        conflicts: &[
            Conflict {
                with: Feature::ClusterAutoscaler,
                resolution: Resolution::Refuse {
                    code: codes::CONFLICT,
                    at: At::Other,
                    message: "the Cluster Autoscaler and Karpenter both scale nodes and would fight over them: remove clusterAutoscaler or karpenter",
                },
            },
            Conflict {
                with: Feature::AutoMode,
                resolution: Resolution::Refuse {
                    code: codes::CONFLICT,
                    at: At::This,
                    message: "EKS Auto Mode runs its own managed Karpenter; turn off either autoMode or karpenter",
                },
            },
        ],
        // Not Fargate: the controller's role uses EKS Pod Identity, which Fargate does not run.
        requires: &[Requirement {
            needs: Feature::NodeGroups,
            code: codes::NO_CONTROLLER_CAPACITY,
            message: "Karpenter's controller cannot run on nodes Karpenter launches: add a managed node group for it (and other cluster-critical pods)",
        }],
        roles: &[PodIdentityRole {
            logical_id: "KarpenterControllerRole",
            service_account: 0,
            what: "Karpenter controller",
            managed_policies: &[],
        }],
    },
    select: |bp| bp.compute.karpenter.is_some(),
    service_accounts: |bp| {
        bp.compute.karpenter.iter().map(|k| ServiceAccount::new(k.namespace.clone(), k.service_account.clone())).collect()
    },
};
