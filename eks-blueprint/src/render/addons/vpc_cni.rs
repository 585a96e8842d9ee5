//! The `vpc-cni` add-on's hook: its role's policy in an ipv6 cluster, and the custom
//! networking configuration (declaration: `compile::addons::vpc_cni`).

use super::Hook;
use crate::blueprint::Blueprint;
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::Expr;
use crate::resources::iam::{Policy, Role};
use crate::spec::cluster::IpFamily;

/// The hook.
pub(crate) const HOOK: Hook = Hook { configuration: Some(configuration), role: Some(role), render: None };

/// With a pod CIDR: VPC CNI custom networking, one ENIConfig per zone chosen by the node's
/// zone label. Node groups live in the compute stack, deployed after this one, so every node
/// starts with the CNI configured.
fn configuration(bp: &Blueprint) -> Option<String> {
    crate::render::custom_networking::vpc_cni_configuration(bp.custom_networking())
}

/// AmazonEKS_CNI_Policy covers IPv4 only; an ipv6 cluster's CNI gets the policy of the EKS
/// user guide "Create IAM policy for clusters that use the IPv6 family" instead.
fn role(bp: &Blueprint, role: &mut Role) {
    if bp.cluster.ip_family == IpFamily::Ipv6 {
        role.managed_policy_arns = None;
        role.policies = Some(ipv6_policy());
    }
}

/// The VPC CNI's permissions in an ipv6 cluster: the "IPv6 mode" policy of the VPC CNI
/// documentation (<https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/iam-policy.md>,
/// which added `ec2:DescribeSecurityGroups` and `ec2:DescribeSubnets` to it in commit 00fe9f4,
/// June 2026), a superset of the EKS user guide's "Create IAM policy for clusters that use
/// the IPv6 family"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html#cni-iam-role-create-ipv6-policy>).
fn ipv6_policy() -> Vec<Policy> {
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
