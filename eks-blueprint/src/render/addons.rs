//! The core EKS add-ons, as compile decided them ([`crate::blueprint::addons`]): the
//! DaemonSets every EC2 node needs (`eks-pod-identity-agent`, `vpc-cni` with its role through
//! EKS Pod Identity, `kube-proxy`) in the cluster stack, and CoreDNS, a Deployment, in the
//! compute stack after what runs it.

use serde_json::json;

use super::cluster::ClusterRefs;
use super::{custom_networking, iam, Context, Part};
use crate::blueprint::Blueprint;
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::{Expr, Handle, ResourceOptions, Stack};
use crate::resources::eks::{Addon, AddonPodIdentityAssociation, Cluster};
use crate::resources::iam::{Policy, Role};
use crate::resources::Tag;
use crate::spec::cluster::IpFamily;
use crate::synth::SynthError;

/// The namespace of the VPC CNI's `aws-node` DaemonSet, which the `vpc-cni` add-on installs.
const VPC_CNI_NAMESPACE: &str = "kube-system";
/// The service account of the VPC CNI's `aws-node` DaemonSet.
const VPC_CNI_SERVICE_ACCOUNT: &str = "aws-node";

/// Renders the add-ons of the cluster stack (they become ACTIVE without nodes, so they are
/// in place before the first node joins); returns the networking add-ons nodes wait for
/// (`vpc-cni`, `kube-proxy`). EKS Auto Mode nodes run their own: when Auto Mode is the only
/// compute, none is installed.
pub(crate) fn cluster_addons(
    stack: &mut Stack,
    bp: &Blueprint,
    cluster: &Handle<Cluster>,
    tags: &[Tag],
) -> Result<Vec<Handle<Addon>>, SynthError> {
    let addons = &bp.addons;
    let mut node_addons = Vec::new();
    let pod_identity_agent = if addons.pod_identity_agent {
        Some(stack.add(
            "AddonEksPodIdentityAgent",
            Addon {
                addon_name: "eks-pod-identity-agent".into(),
                cluster_name: cluster.reference(),
                addon_version: bp.addon_version("eks-pod-identity-agent").map(str::to_owned),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.to_vec()),
                ..Addon::default()
            },
        )?)
    } else {
        None
    };
    if let Some(vpc_cni) = addons.vpc_cni {
        let ip_family = bp.cluster.ip_family;
        let cni_role = stack.add(
            "VpcCniRole",
            Role {
                // Only the add-on's own service account of this cluster may assume it, like
                // every other Pod Identity role.
                assume_role_policy_document: iam::pod_identity_trust_for(
                    cluster,
                    VPC_CNI_NAMESPACE,
                    VPC_CNI_SERVICE_ACCOUNT,
                ),
                description: Some(format!("VPC CNI (aws-node) of EKS cluster {}, through EKS Pod Identity", bp.name)),
                // AmazonEKS_CNI_Policy covers IPv4 only; an ipv6 cluster's CNI gets the policy
                // of the EKS user guide "Create IAM policy for clusters that use the IPv6 family".
                managed_policy_arns: (ip_family == IpFamily::Ipv4)
                    .then(|| vec![Expr::aws_managed_policy("AmazonEKS_CNI_Policy")]),
                policies: (ip_family == IpFamily::Ipv6).then(vpc_cni_ipv6_policy),
                tags: Some(tags.to_vec()),
                ..Role::default()
            },
        )?;
        let mut options = ResourceOptions::new();
        if let Some(agent) = &pod_identity_agent {
            options = options.depends_on(agent);
        }
        node_addons.push(stack.add_with(
            "AddonVpcCni",
            Addon {
                addon_name: "vpc-cni".into(),
                cluster_name: cluster.reference(),
                addon_version: bp.addon_version("vpc-cni").map(str::to_owned),
                // The CNI's EC2 permissions go to its own service account, not to every node
                // (EKS best practices: "Use IRSA/Pod Identity for the aws-node DaemonSet").
                pod_identity_associations: Some(vec![AddonPodIdentityAssociation {
                    role_arn: cni_role.attr_arn(),
                    service_account: VPC_CNI_SERVICE_ACCOUNT.into(),
                }]),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.to_vec()),
                // With a pod CIDR: VPC CNI custom networking, one ENIConfig per zone chosen
                // by the node's zone label. Node groups live in the compute stack, deployed
                // after this one, so every node starts with the CNI configured.
                configuration_values: custom_networking::vpc_cni_configuration(vpc_cni.custom_networking),
                ..Addon::default()
            },
            options,
        )?);
    }
    if addons.kube_proxy {
        node_addons.push(stack.add(
            "AddonKubeProxy",
            Addon {
                addon_name: "kube-proxy".into(),
                cluster_name: cluster.reference(),
                addon_version: bp.addon_version("kube-proxy").map(str::to_owned),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.to_vec()),
                ..Addon::default()
            },
        )?);
    }
    Ok(node_addons)
}

/// CoreDNS, in the compute stack: a Deployment, it becomes ACTIVE only once something can run
/// it, so it waits for every node group and Fargate profile (`after`).
pub(crate) fn coredns(ctx: &mut Context, cluster: &ClusterRefs, after: ResourceOptions) -> Result<(), SynthError> {
    let Some(coredns) = ctx.bp.addons.coredns else { return Ok(()) };
    let tags = ctx.tags(&[]);
    let addon_version = ctx.bp.addon_version("coredns").map(str::to_owned);
    ctx.stack(Part::Compute).add_with(
        "AddonCoredns",
        Addon {
            addon_name: "coredns".into(),
            cluster_name: cluster.cluster.reference(),
            addon_version,
            // On a Fargate-only cluster CoreDNS must ask for Fargate capacity.
            configuration_values: coredns.on_fargate.then(|| json!({"computeType": "Fargate"}).to_string()),
            resolve_conflicts: Some("OVERWRITE".into()),
            tags: Some(tags),
            ..Addon::default()
        },
        after,
    )?;
    Ok(())
}

/// The VPC CNI's permissions in an ipv6 cluster: the "IPv6 mode" policy of the VPC CNI
/// documentation (<https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/iam-policy.md>,
/// which added `ec2:DescribeSecurityGroups` and `ec2:DescribeSubnets` to it in commit 00fe9f4,
/// June 2026), a superset of the EKS user guide's "Create IAM policy for clusters that use
/// the IPv6 family"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html#cni-iam-role-create-ipv6-policy>).
fn vpc_cni_ipv6_policy() -> Vec<Policy> {
    vec![Policy {
        policy_document: PolicyDocument::new([
            // The guide grants this on "*"; its only resource type is the network interface,
            // so it is scoped to this account's interfaces (least privilege).
            Statement::allow(["ec2:AssignIpv6Addresses"])
                .resource(Expr::sub("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*")),
            Statement::allow([
                "ec2:DescribeInstances",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeInstanceTypes",
            ])
            .resource("*"),
            Statement::allow(["ec2:CreateTags"])
                .resource(Expr::sub("arn:${AWS::Partition}:ec2:*:*:network-interface/*")),
        ]),
        policy_name: "AmazonEKS_CNI_IPv6_Policy".into(),
    }]
}
