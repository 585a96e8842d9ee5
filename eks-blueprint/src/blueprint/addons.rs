//! The add-on contract, its data half: what an add-on declares ([`Declaration`]: its id, its
//! part (stack), what it comes after and before, what it conflicts with and requires, the
//! service accounts it owns, its Pod Identity roles, its Helm release), and the effective
//! add-on set compile decides once ([`Addons`]), in deploy order.
//!
//! Declarations are data: compile reads them to choose, check and order the add-ons
//! (`compile::addons`, which holds the registry and one file per add-on); render reads
//! them to place and render each add-on (`render::addons`, with a render hook for the
//! add-ons that render more than their declaration says). Nothing here knows
//! CloudFormation.

use super::stacks::Part;
use crate::compile::codes::Code;

/// What an add-on comes after or before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// The cluster's capacity: every node group and Fargate profile. An add-on `after`
    /// nodes waits for all of them (a Deployment becomes ACTIVE only once something runs
    /// it); one `before` nodes is waited on by every node group (nodes need it to join).
    Nodes,
    /// Another add-on, by id; ignored when that add-on is not installed.
    Addon(&'static str),
}

/// Something an add-on can conflict with or require.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Feature {
    /// EKS Auto Mode is on (`compute.autoMode`).
    AutoMode,
    /// EKS Auto Mode is the only compute: no node group, no Fargate profile.
    AutoModeOnly,
    /// Fargate is the only compute (no DaemonSet runs, no Pod Identity). No core add-on
    /// declares it; catalog add-ons that cannot run on Fargate do.
    #[allow(dead_code)]
    FargateOnly,
    /// The Cluster Autoscaler (`compute.clusterAutoscaler`).
    ClusterAutoscaler,
    /// A node group (managed or self-managed) exists.
    NodeGroups,
    /// Another add-on, by id, is installed.
    Addon(&'static str),
}

impl Feature {
    /// The blueprint field that turns the feature on, for error messages and paths.
    pub(crate) fn field(self) -> &'static str {
        match self {
            Feature::AutoMode | Feature::AutoModeOnly => "compute.autoMode",
            Feature::FargateOnly => "compute.fargateProfiles",
            Feature::ClusterAutoscaler => "compute.clusterAutoscaler",
            Feature::NodeGroups => "compute.managedNodeGroups",
            Feature::Addon(_) => "addons",
        }
    }
}

/// Which field an error about a conflict or a requirement is reported on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum At {
    /// The add-on's own field ([`Declaration::field`]).
    This,
    /// The conflicting feature's field ([`Feature::field`]).
    Other,
}

/// What an add-on does beside a [`Feature`] it conflicts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolution {
    /// The add-on is left out (a core add-on that the feature replaces, such as the VPC CNI
    /// under EKS Auto Mode, which runs its own).
    Omit,
    /// The blueprint is refused: `code`, on the field `at`, with
    /// `message`, which names both fields and the fix.
    Refuse { code: Code, at: At, message: &'static str },
}

/// An add-on's conflict: with what, why, and what happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Conflict {
    /// What it conflicts with.
    pub(crate) with: Feature,
    /// What happens when both are there.
    pub(crate) resolution: Resolution,
}

/// What an add-on cannot run without: refused with `code` and `message` on its own field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Requirement {
    /// What it needs.
    pub(crate) needs: Feature,
    /// The error code.
    pub(crate) code: Code,
    /// Why, and the fix.
    pub(crate) message: &'static str,
}

/// A Kubernetes service account, by namespace and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ServiceAccount {
    /// The namespace.
    pub(crate) namespace: String,
    /// The name.
    pub(crate) name: String,
}

impl ServiceAccount {
    /// The service account `namespace/name`.
    pub(crate) fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        ServiceAccount { namespace: namespace.into(), name: name.into() }
    }
}

/// An IAM role an add-on's service account assumes through EKS Pod Identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PodIdentityRole {
    /// The role's logical id (part of the public contract: changing it replaces the role).
    pub(crate) logical_id: &'static str,
    /// The index, in the add-on's service accounts, of the one that assumes it.
    pub(crate) service_account: usize,
    /// What the role is for, for its description: `<what> of EKS cluster <name>, through EKS
    /// Pod Identity`.
    pub(crate) what: &'static str,
    /// AWS managed policies attached (names); the render hook may add or replace policies.
    pub(crate) managed_policies: &'static [&'static str],
}

/// A Helm release an add-on installs (CloudFormation cannot install charts without custom
/// resources): written as a values file and installed after the stacks it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct HelmRelease {
    /// The release name.
    pub(crate) name: &'static str,
    /// The chart repository (`https://...` or `oci://...`).
    pub(crate) repository: &'static str,
    /// The chart's name in the repository (empty for an OCI repository that names the
    /// chart itself).
    pub(crate) chart: &'static str,
    /// The pinned chart version; `None` when the user chooses it at install time.
    pub(crate) version: Option<&'static str>,
    /// The values file under `manifests/`.
    pub(crate) values_file: &'static str,
}

/// How an add-on is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An EKS add-on (`AWS::EKS::Addon`), by its EKS name (`vpc-cni`), under a logical id.
    Eks {
        /// The EKS add-on name.
        name: &'static str,
        /// The `AWS::EKS::Addon` resource's logical id.
        logical_id: &'static str,
    },
    /// A Helm chart, with the CloudFormation resources it needs (roles, queues) rendered by
    /// its render hook.
    Helm(HelmRelease),
}

/// An add-on's declaration: everything compile and render need to know about it, as data.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Declaration {
    /// The add-on's id: its key in the blueprint (`vpcCni`, `karpenter`).
    pub(crate) id: &'static str,
    /// The blueprint field that configures it, for errors (`compute.karpenter`); core
    /// add-ons that follow from the rest of the blueprint name `compute`.
    pub(crate) field: &'static str,
    /// How it is installed.
    pub(crate) kind: Kind,
    /// The part (stack) its CloudFormation resources live in.
    pub(crate) part: Part,
    /// What it must come after. An add-on of a part deployed earlier than `Nodes` must not
    /// come after them (checked by a test of the registry).
    pub(crate) after: &'static [Anchor],
    /// What it must come before.
    pub(crate) before: &'static [Anchor],
    /// What it conflicts with.
    pub(crate) conflicts: &'static [Conflict],
    /// What it needs.
    pub(crate) requires: &'static [Requirement],
    /// Its Pod Identity roles (an add-on with roles needs the Pod Identity agent).
    pub(crate) roles: &'static [PodIdentityRole],
}

/// An add-on of the effective set: its declaration, and what compile resolved for it.
#[derive(Debug, Clone)]
pub(crate) struct Installed {
    /// The declaration.
    pub(crate) declaration: &'static Declaration,
    /// The service accounts it owns (resolved: Karpenter's follow its settings).
    pub(crate) service_accounts: Vec<ServiceAccount>,
}

impl PartialEq for Installed {
    fn eq(&self, other: &Self) -> bool {
        self.declaration.id == other.declaration.id && self.service_accounts == other.service_accounts
    }
}

impl Installed {
    /// The add-on's id.
    pub(crate) fn id(&self) -> &'static str {
        self.declaration.id
    }
}

/// The effective add-on set: every add-on the blueprint installs, in deploy order (each
/// after what it comes after), decided once by compile.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Addons {
    pub(crate) installed: Vec<Installed>,
}

impl Addons {
    /// The add-ons, in deploy order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Installed> {
        self.installed.iter()
    }

    /// The EKS names of the EKS add-ons installed (`vpc-cni`, ...), in deploy order.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.iter()
            .filter_map(|a| match a.declaration.kind {
                Kind::Eks { name, .. } => Some(name),
                Kind::Helm(_) => None,
            })
            .collect()
    }
}
