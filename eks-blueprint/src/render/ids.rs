//! Logical ids, in one place: every rule that makes one from a name the user gave (from the
//! stems compile computed once: a name in PascalCase, or an access entry's principal), and
//! every id or output name that more than one part of rendering reads (the outputs the
//! scripts under `manifests/` read back). An id used once, at the resource it names, stays
//! there as a literal.
//!
//! Logical ids are part of the public contract: CloudFormation replaces a resource whose
//! logical id changes. They are readable, stable and never hashed.

use crate::spec::network::VpcEndpointService;

/// The cluster's IAM OIDC provider (cluster stack).
pub(crate) const OIDC_PROVIDER: &str = "OidcProvider";

/// The cluster stack's output with the cluster security group id (read by
/// `manifests/eniconfigs.sh`).
pub(crate) const CLUSTER_SECURITY_GROUP_OUTPUT: &str = "ClusterSecurityGroupId";

/// The compute stack's output with the name of the instance profile of Karpenter's nodes
/// (read by `manifests/karpenter.sh`).
pub(crate) const KARPENTER_INSTANCE_PROFILE_OUTPUT: &str = "KarpenterNodeInstanceProfileName";

/// A managed node group: `Nodegroup<Name>`.
pub(crate) fn nodegroup(stem: &str) -> String {
    format!("Nodegroup{stem}")
}

/// A self-managed node group's Auto Scaling group: `SelfManagedGroup<Name>`.
pub(crate) fn self_managed_group(stem: &str) -> String {
    format!("SelfManagedGroup{stem}")
}

/// The launch template of a node group whose logical id is `group`: `<group>LaunchTemplate`.
pub(crate) fn launch_template(group: &str) -> String {
    format!("{group}LaunchTemplate")
}

/// The AMI parameter of a self-managed node group whose logical id is `group`:
/// `<group>ImageId`.
pub(crate) fn image_parameter(group: &str) -> String {
    format!("{group}ImageId")
}

/// A Fargate profile: `FargateProfile<Name>`.
pub(crate) fn fargate_profile(stem: &str) -> String {
    format!("FargateProfile{stem}")
}

/// An access entry: `AccessEntry<stem>` (the stem is the principal's resource in PascalCase,
/// with its account when two entries would share it; compile decides it).
pub(crate) fn access_entry(stem: &str) -> String {
    format!("AccessEntry{stem}")
}

/// The prefix of a workload identity's ids: `Identity<Name>` (`Identity<Name>Role`, ...).
pub(crate) fn identity(stem: &str) -> String {
    format!("Identity{stem}")
}

/// A VPC endpoint: `VpcEndpoint<Service>`, the service name suffix in PascalCase
/// ([`VpcEndpointService::id_part`]).
pub(crate) fn vpc_endpoint(service: &VpcEndpointService) -> String {
    format!("VpcEndpoint{}", service.id_part())
}

/// The network stack's outputs of pod subnet `n` (1-based): its id and its Availability
/// Zone (read by `manifests/eniconfigs.sh`).
pub(crate) fn pod_subnet_outputs(n: usize) -> (String, String) {
    (format!("PodSubnet{n}Id"), format!("PodSubnet{n}Zone"))
}
