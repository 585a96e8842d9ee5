//! Every rule that spans sections, in one place: what the cluster needs of the network, the
//! removal policy, Pod Identity and Fargate, IPv6 and custom networking with the rest of the
//! blueprint. The add-ons' conflicts and requirements are data, checked by `compile::addons`.

use crate::blueprint::cluster::Cluster;
use crate::blueprint::identity::Identity;
use crate::cidr::Ipv4Cidr;
use crate::compile::codes;
use crate::compile::compute::Defaulted as ComputeDefaulted;
use crate::compile::network::Defaulted as NetworkDefaulted;
use crate::compile::Defaulted;
use crate::error::ValidationErrors;
use crate::spec::cluster::{ClusterSpec, IpFamily, RemovalPolicy};
use crate::spec::identity::IdentityMode;
use crate::spec::network::NatGateways;
use crate::spec::StackLayout;

/// Checks what depends on the blueprint's removal policy.
pub(crate) fn removal(cluster: &ClusterSpec, removal: RemovalPolicy, errors: &mut ValidationErrors) {
    if removal == RemovalPolicy::Destroy && cluster.deletion_protection == Some(true) {
        errors.push(
            "cluster.deletionProtection",
            codes::DELETION_PROTECTION_DESTROY,
            "deletion protection makes DeleteCluster fail, so deleting the stack with removalPolicy: destroy would stop at the cluster; leave deletionProtection out (destroy turns it off) or use removalPolicy: retain",
        );
    }
}

/// Checks what depends on the network: the IP family and the service CIDR against the VPC.
pub(crate) fn cluster_network(cluster: &Cluster, network: &NetworkDefaulted, errors: &mut ValidationErrors) {
    if cluster.ip_family == IpFamily::Ipv6 && !network.ipv6 && network.existing.is_none() {
        // An ipv6 cluster in an IPv4-only VPC fails at deploy time, so refuse it here. An
        // existing VPC's IPv6 blocks are its owner's job.
        errors.push(
            "cluster.ipFamily",
            codes::IPV6_NEEDS_IPV6_NETWORK,
            "ipv6 needs IPv6 CIDR blocks on the VPC and its subnets; set network.ipv6: true, or use ipv4 (the default)",
        );
    }
    // With an existing VPC its CIDR is not known here: `network.cidr` is not used.
    if network.existing.is_some() {
        return;
    }
    let Some(service) = cluster.service_ipv4_cidr.as_ref().and_then(|c| c.parse::<Ipv4Cidr>().ok()) else {
        return;
    };
    if let Ok(vpc) = network.cidr.parse::<Ipv4Cidr>() {
        if service.overlaps(vpc) {
            errors.push(
                "cluster.serviceIpv4Cidr",
                codes::SERVICE_CIDR_OVERLAP,
                format!("{service} overlaps the VPC CIDR {vpc}; pick a block outside the VPC (and outside networks peered or connected to it)"),
            );
        }
    }
    if let Some(pods) = network.pod_cidr.as_ref().and_then(|c| c.parse::<Ipv4Cidr>().ok()) {
        if service.overlaps(pods) {
            errors.push(
                "cluster.serviceIpv4Cidr",
                codes::SERVICE_CIDR_OVERLAP,
                format!(
                    "{service} overlaps the pod CIDR {pods}; Kubernetes services and pods need separate address ranges"
                ),
            );
        }
    }
}

/// Checks that nodes can reach the API server: without NAT gateways, nodes in private
/// subnets have no route to the public endpoint.
pub(crate) fn node_reachability(cluster: &Cluster, network: &NetworkDefaulted, errors: &mut ValidationErrors) {
    if network.existing.is_none() && network.nat_gateways == NatGateways::None && !cluster.endpoint.private {
        errors.push(
            "cluster.endpoint.private",
            codes::ENDPOINT_UNREACHABLE,
            "with natGateways: none, nodes in private subnets have no route to the public endpoint; turn private endpoint access on",
        );
    }
}

/// Self-managed nodes need the cluster DNS address, derived from the VPC CIDR, which is
/// unknown for an existing VPC.
pub(crate) fn service_cidr_required(bp: &Defaulted, errors: &mut ValidationErrors) {
    if bp.network.existing.is_some()
        && !bp.compute.self_managed_node_groups.is_empty()
        && bp.cluster.service_ipv4_cidr.is_none()
    {
        errors.push(
            "cluster.serviceIpv4Cidr",
            codes::SERVICE_CIDR_REQUIRED,
            "self-managed nodes need the cluster DNS address, which EKS derives from the VPC CIDR; in an existing VPC that CIDR is unknown here, so set serviceIpv4Cidr",
        );
    }
}

/// Checks that every EKS Pod Identity role can be used where its pods run: the EKS Pod
/// Identity agent is a DaemonSet, and Fargate runs no DaemonSets, so pods on Fargate get no
/// Pod Identity credentials ("EKS Pod Identity considerations": Linux EC2 nodes only,
/// <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>). Refused, pointing
/// to IRSA, which works on Fargate:
///
/// - a `podIdentity` identity whose namespace a Fargate profile selects without labels (every
///   pod of it runs on Fargate), or in a blueprint whose only compute is Fargate;
/// - Karpenter (its controller role uses Pod Identity) installed in such a namespace.
///
/// A profile whose selector also has labels moves only the pods with those labels to Fargate;
/// that cannot be known here, and the docs say to use IRSA for them.
pub(crate) fn pod_identity_on_fargate(
    identities: &[Identity],
    compute: &ComputeDefaulted,
    errors: &mut ValidationErrors,
) {
    let on_fargate = |namespace: &str| -> Option<String> {
        match compute.fargate_profile_for_namespace(namespace) {
            Some(profile) => {
                Some(format!("Fargate profile `{}` runs every pod of namespace `{namespace}` on Fargate", profile.name))
            }
            None => compute.fargate_only().then(|| "Fargate is the only compute".to_owned()),
        }
    };
    for (i, identity) in identities.iter().enumerate() {
        if identity.mode != IdentityMode::PodIdentity {
            continue;
        }
        if let Some(why) = on_fargate(&identity.namespace) {
            errors.push(
                format!("identities[{i}].mode"),
                codes::POD_IDENTITY_FARGATE,
                format!(
                    "identity `{}` uses EKS Pod Identity, but {why}, where the Pod Identity agent (a DaemonSet) does not run, so its pods would get no credentials; set mode: irsa (IAM roles for service accounts work on Fargate)",
                    identity.name
                ),
            );
        }
    }
    if let Some(karpenter) = &compute.karpenter {
        if let Some(why) = on_fargate(&karpenter.namespace) {
            errors.push(
                "compute.karpenter.namespace",
                codes::POD_IDENTITY_FARGATE,
                format!(
                    "Karpenter's controller gets its role through EKS Pod Identity, but {why}, where the Pod Identity agent does not run; install Karpenter in a namespace that runs on the node group, or add labels to that profile's selector"
                ),
            );
        }
    }
}

/// What an ipv6 cluster or an IPv6 network does not support yet.
pub(crate) fn ipv6(bp: &Defaulted, errors: &mut ValidationErrors) {
    if bp.network.ipv6 && bp.network.pod_cidr.is_some() {
        errors.push(
            "network.podCidr",
            codes::POD_CIDR_IPV6,
            "VPC CNI custom networking (pod subnets) is IPv4 only, and an ipv6 cluster gives pods IPv6 addresses from the node subnets; remove podCidr or network.ipv6",
        );
    }
    if bp.cluster.ip_family != IpFamily::Ipv6 {
        return;
    }
    if !bp.compute.self_managed_node_groups.is_empty() {
        errors.push(
            "compute.selfManagedNodeGroups",
            codes::IPV6_SELF_MANAGED,
            "self-managed node groups are not supported with ipFamily: ipv6 yet (their node configuration would need the cluster's IPv6 service CIDR); use managedNodeGroups",
        );
    }
    if bp.compute.karpenter.is_some() {
        errors.push(
            "compute.karpenter",
            codes::IPV6_KARPENTER,
            "Karpenter is not supported with ipFamily: ipv6 yet (its EC2NodeClass would need IPv6 instance metadata); use managedNodeGroups",
        );
    }
}

/// What custom networking cannot deploy with.
///
/// With custom networking on, vpc-cni 1.13 and later attach the pod subnet's network
/// interfaces while the node starts and fail when the node's zone has no ENIConfig: the
/// node never becomes Ready (aws/amazon-vpc-cni-k8s#2683, #2490, #2426). The ENIConfigs
/// must be applied after the cluster exists and before any node starts, which only the
/// point between the cluster and compute stacks allows.
pub(crate) fn custom_networking(bp: &Defaulted, errors: &mut ValidationErrors) {
    if super::derived::custom_networking(bp) && bp.stack_layout == StackLayout::Single {
        errors.push(
            "network.podCidr",
            codes::POD_CIDR_SINGLE_STACK,
            "podCidr cannot deploy with stackLayout: single: custom networking needs the ENIConfigs applied after the cluster exists and before any node starts (a node whose zone has no ENIConfig never becomes Ready, and its node group fails), and a single stack creates the cluster and its nodes in one deployment; use stackLayout: perLifecycle (the default), or remove podCidr",
        );
    }
}
