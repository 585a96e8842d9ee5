//! Data derived from the spec once, by compile, for the blueprint: what more than one part
//! of rendering needs to agree on.

use crate::compile::{defaults, Defaulted};
use crate::spec::network::VpcEndpointService;

/// Whether VPC CNI custom networking applies: a pod CIDR in a VPC of the blueprint, and
/// the `vpc-cni` add-on of the cluster stack (EKS Auto Mode nodes, when they are the only
/// compute, run their own CNI and take pod subnets from their NodeClass instead).
pub(crate) fn custom_networking(spec: &Defaulted) -> bool {
    spec.network.pod_cidr.is_some() && spec.network.existing.is_none() && !spec.compute.auto_mode_only()
}

/// Whether Karpenter runs in a VPC without a route to the internet (a VPC of the
/// blueprint with `natGateways: none`): it then reaches AWS only through VPC endpoints
/// ([`isolated_vpc_endpoints`]) and runs with `settings.isolatedVPC: true`.
pub(crate) fn isolated_vpc(bp: &Defaulted) -> bool {
    bp.compute.karpenter.as_ref().is_some_and(|k| k.isolated_vpc)
}

/// The VPC endpoints Karpenter needs in a VPC without internet access: the list of the
/// Karpenter getting-started guide, "Private Clusters"
/// (<https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/#private-clusters>:
/// `ec2`, `ecr.api`, `ecr.dkr`, `s3`, `sts`, `ssm` "for resolving default AMIs", `sqs`
/// "for accessing SQS if using interruption handling", `eks` "for Karpenter to discover
/// the cluster endpoint"), plus `eks-auth`: the controller's role comes through EKS Pod
/// Identity, whose agent calls the EKS Auth API (EKS user guide, "Deploy private
/// clusters with limited internet access"). IAM has no VPC endpoint, which is why the
/// EC2NodeClass names an instance profile the compute stack creates rather than a role.
pub(crate) fn isolated_vpc_endpoints() -> Vec<VpcEndpointService> {
    ["ec2", "ecr.api", "ecr.dkr", "s3", "sts", "ssm", "sqs", "eks", "eks-auth"]
        .into_iter()
        .map(VpcEndpointService::from)
        .collect()
}

/// The VPC endpoints the network stack creates: `network.vpcEndpoints`, then those
/// Karpenter needs in a VPC without NAT that the list lacks
/// ([`isolated_vpc_endpoints`]), so that it can launch nodes there.
pub(crate) fn vpc_endpoints(spec: &Defaulted) -> Vec<VpcEndpointService> {
    let mut all = spec.network.vpc_endpoints.to_vec();
    if isolated_vpc(spec) {
        for service in isolated_vpc_endpoints() {
            if !all.contains(&service) {
                all.push(service);
            }
        }
    }
    all
}

/// The service CIDR: `cluster.serviceIpv4Cidr` when set, else the one EKS picks:
/// `172.20.0.0/16` when the VPC is in `10.0.0.0/8`, else `10.100.0.0/16`
/// (<https://docs.aws.amazon.com/eks/latest/APIReference/API_KubernetesNetworkConfigRequest.html>).
/// Self-managed nodes need it to find the cluster DNS service.
pub(crate) fn service_cidr(bp: &Defaulted) -> String {
    if let Some(cidr) = &bp.cluster.service_ipv4_cidr {
        return cidr.clone();
    }
    if bp.network.cidr.starts_with("10.") {
        defaults::SERVICE_CIDR_FOR_10_VPC.to_owned()
    } else {
        defaults::SERVICE_CIDR.to_owned()
    }
}
