//! The cluster stack: the cluster IAM role, the secrets encryption key, the control-plane
//! log group, the EKS cluster, access entries, and the add-ons that run without nodes.

use super::network::NetworkRefs;
use super::{Context, Part};
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::{Expr, Handle, Output, ResourceOptions};
use crate::resources::eks::{
    AccessConfig, AccessEntry, AccessPolicy, AccessScope, Addon, AddonPodIdentityAssociation, Cluster, ClusterLogging,
    EncryptionConfig, KubernetesNetworkConfig, Logging, LoggingTypeConfig, Provider, ResourcesVpcConfig, UpgradePolicy,
    ZonalShiftConfig,
};
use crate::resources::iam::Role;
use crate::resources::kms::{Alias, Key};
use crate::resources::logs::LogGroup;
use crate::spec::cluster::IpFamily;
use crate::synth::SynthError;

/// What later constructs use from the cluster.
pub(crate) struct ClusterRefs {
    pub cluster: Handle<Cluster>,
    /// The networking add-ons nodes need before they join (vpc-cni, kube-proxy). In the
    /// per-lifecycle layout the stack order already guarantees it; in a single stack, node
    /// resources depend on them explicitly.
    pub node_addons: Vec<Handle<Addon>>,
}

/// The namespace of the VPC CNI's `aws-node` DaemonSet, which the `vpc-cni` add-on installs.
const VPC_CNI_NAMESPACE: &str = "kube-system";
/// The service account of the VPC CNI's `aws-node` DaemonSet.
const VPC_CNI_SERVICE_ACCOUNT: &str = "aws-node";

/// Renders the cluster stack: the cluster, its role, keys and log group, access entries and
/// the add-ons that need no nodes.
pub(crate) fn render(ctx: &mut Context, net: &NetworkRefs) -> Result<ClusterRefs, SynthError> {
    let bp = ctx.bp;
    let spec = &bp.cluster;
    let auto = super::compute::auto_mode(ctx)?;
    let tags = ctx.tags(&[]);
    // The removal policy of the stateful resources (see `Context::stateful`).
    let stateful = ctx.stateful();
    let stack = ctx.stack(Part::Cluster);

    // Removed like the cluster: a retained cluster whose role was deleted with the stack
    // could no longer manage its network interfaces or logs.
    let role = stack.add_with(
        "ClusterRole",
        Role {
            // sts:TagSession lets EKS tag the sessions it uses, as the EKS cluster IAM role
            // documentation's trust policy shows.
            assume_role_policy_document: PolicyDocument::trust_services(
                &["eks.amazonaws.com"],
                &["sts:AssumeRole", "sts:TagSession"],
            ),
            description: Some(format!("EKS control plane of {}", bp.name)),
            managed_policy_arns: Some(
                [vec![Expr::aws_managed_policy("AmazonEKSClusterPolicy")], auto.cluster_policies].concat(),
            ),
            tags: Some(tags.clone()),
            ..Role::default()
        },
        stateful.clone(),
    )?;

    let secrets_key_arn = match &spec.secrets_key_arn {
        Some(arn) => Expr::from(arn.as_str()),
        None => {
            let key = stack.add_with(
                "SecretsKey",
                Key {
                    description: Some(format!("Envelope encryption of Kubernetes secrets of EKS cluster {}", bp.name)),
                    enable_key_rotation: Some(true),
                    key_policy: Some(PolicyDocument::new([super::account_administers_key()])),
                    tags: Some(tags.clone()),
                    ..Key::default()
                },
                stateful.clone(),
            )?;
            stack.add(
                "SecretsKeyAlias",
                Alias {
                    alias_name: Expr::from(format!("alias/eks/{}/secrets", bp.name)),
                    target_key_id: key.reference(),
                },
            )?;
            key.attr_arn()
        }
    };

    // The name EKS writes to; creating it first gives it a retention period and a key.
    let log_group_name = format!("/aws/eks/{}/cluster", bp.name);
    let log_key = if spec.log_encryption {
        let key = stack.add_with(
            "ControlPlaneLogKey",
            Key {
                description: Some(format!("Encryption of the control-plane logs of EKS cluster {}", bp.name)),
                enable_key_rotation: Some(true),
                key_policy: Some(super::logs_key_policy(
                    "CloudWatchLogsUsesKeyForControlPlaneLogGroup",
                    &log_group_name,
                )),
                tags: Some(tags.clone()),
                ..Key::default()
            },
            stateful.clone(),
        )?;
        stack.add(
            "ControlPlaneLogKeyAlias",
            Alias { alias_name: Expr::from(format!("alias/eks/{}/logs", bp.name)), target_key_id: key.reference() },
        )?;
        Some(key)
    } else {
        None
    };
    let log_group = stack.add_with(
        "ControlPlaneLogGroup",
        LogGroup {
            kms_key_id: log_key.as_ref().map(|k| k.attr_arn()),
            log_group_name: Some(Expr::from(log_group_name.as_str())),
            retention_in_days: Some(spec.log_retention_days),
            tags: Some(tags.clone()),
        },
        stateful.clone(),
    )?;

    let endpoint = &spec.endpoint;
    let cluster = stack.add_with(
        "Cluster",
        Cluster {
            access_config: Some(AccessConfig {
                authentication_mode: Some(spec.access.authentication_mode.as_str().to_owned()),
                bootstrap_cluster_creator_admin_permissions: Some(
                    spec.access.bootstrap_cluster_creator_admin_permissions,
                ),
            }),
            // The core add-ons are managed below as AWS::EKS::Addon; no unmanaged copies.
            bootstrap_self_managed_addons: Some(false),
            deletion_protection: Some(spec.deletion_protection),
            compute_config: auto.compute_config,
            storage_config: auto.storage_config,
            encryption_config: Some(vec![EncryptionConfig {
                provider: Provider { key_arn: secrets_key_arn },
                resources: vec!["secrets".into()],
            }]),
            // Only when set: both properties are fixed at creation, so writing the defaults
            // out would make CloudFormation replace clusters created without them.
            // Auto Mode's load balancing joins it in the same block.
            kubernetes_network_config: (spec.ip_family != IpFamily::Ipv4
                || spec.service_ipv4_cidr.is_some()
                || auto.kubernetes_network_config.is_some())
            .then(|| KubernetesNetworkConfig {
                ip_family: (spec.ip_family != IpFamily::Ipv4).then(|| spec.ip_family.as_str().to_owned()),
                service_ipv4_cidr: spec.service_ipv4_cidr.clone(),
                ..auto.kubernetes_network_config.clone().unwrap_or_default()
            }),
            logging: Some(Logging {
                cluster_logging: ClusterLogging {
                    enabled_types: spec
                        .logging
                        .iter()
                        .map(|t| LoggingTypeConfig { log_type: t.as_str().to_owned() })
                        .collect(),
                },
            }),
            name: Some(Expr::from(bp.name.as_str())),
            resources_vpc_config: ResourcesVpcConfig {
                endpoint_private_access: Some(endpoint.private),
                endpoint_public_access: Some(endpoint.public),
                public_access_cidrs: endpoint.public.then(|| endpoint.public_access_cidrs.clone()),
                security_group_ids: (!spec.security_group_ids.is_empty())
                    .then(|| spec.security_group_ids.iter().map(|id| Expr::from(id.as_str())).collect()),
                subnet_ids: net.private_subnets.clone(),
            },
            role_arn: role.attr_arn(),
            tags: Some(tags.clone()),
            upgrade_policy: Some(UpgradePolicy { support_type: Some(spec.upgrade_policy.as_str().to_owned()) }),
            version: Some(Expr::from(bp.kubernetes_version.as_str())),
            zonal_shift_config: Some(ZonalShiftConfig { enabled: Some(spec.zonal_shift) }),
        },
        stateful.clone().depends_on(&log_group),
    )?;

    for (i, entry) in spec.access.entries.iter().enumerate() {
        let section = stack.set_origin(Some(format!("cluster.access.entries[{i}]")));
        let policies: Vec<AccessPolicy> = entry
            .policies
            .iter()
            .map(|(policy, namespaces)| AccessPolicy {
                policy_arn: Expr::arn(&format!("eks::aws:cluster-access-policy/{policy}")),
                access_scope: match namespaces {
                    None => AccessScope { scope_type: "cluster".into(), namespaces: None },
                    Some(namespaces) => {
                        AccessScope { scope_type: "namespace".into(), namespaces: Some(namespaces.clone()) }
                    }
                },
            })
            .collect();
        stack.add(
            &format!("AccessEntry{}", entry.id),
            AccessEntry {
                access_policies: (!policies.is_empty()).then_some(policies),
                cluster_name: cluster.reference(),
                kubernetes_groups: (!entry.kubernetes_groups.is_empty()).then(|| entry.kubernetes_groups.clone()),
                principal_arn: Expr::from(entry.principal_arn.as_str()),
                tags: Some(tags.clone()),
                entry_type: Some("STANDARD".into()),
                username: entry.username.clone(),
            },
        )?;
        stack.set_origin(section);
    }

    // EKS Auto Mode nodes run the VPC CNI, kube-proxy and the Pod Identity agent
    // themselves: when Auto Mode is the only compute, these add-ons are not installed.
    let mut node_addons = Vec::new();
    if bp.addons.pod_identity_agent {
        // Add-ons that run as DaemonSets become ACTIVE without nodes, so they live with the
        // cluster and are in place before the first node joins. CoreDNS (a Deployment) goes
        // to the compute stack: it stays DEGRADED until nodes exist.
        let pod_identity_agent = stack.add(
            "AddonEksPodIdentityAgent",
            Addon {
                addon_name: "eks-pod-identity-agent".into(),
                cluster_name: cluster.reference(),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.clone()),
                ..Addon::default()
            },
        )?;
        let cni_role = stack.add(
            "VpcCniRole",
            Role {
                // Only the add-on's own service account of this cluster may assume it, like
                // every other Pod Identity role.
                assume_role_policy_document: super::identity::pod_identity_trust_for(
                    &cluster,
                    VPC_CNI_NAMESPACE,
                    VPC_CNI_SERVICE_ACCOUNT,
                ),
                description: Some(format!("VPC CNI (aws-node) of EKS cluster {}, through EKS Pod Identity", bp.name)),
                // AmazonEKS_CNI_Policy covers IPv4 only; an ipv6 cluster's CNI gets the policy
                // of the EKS user guide "Create IAM policy for clusters that use the IPv6 family".
                managed_policy_arns: (spec.ip_family == IpFamily::Ipv4)
                    .then(|| vec![Expr::aws_managed_policy("AmazonEKS_CNI_Policy")]),
                policies: (spec.ip_family == IpFamily::Ipv6).then(vpc_cni_ipv6_policy),
                tags: Some(tags.clone()),
                ..Role::default()
            },
        )?;
        let vpc_cni = stack.add_with(
            "AddonVpcCni",
            Addon {
                addon_name: "vpc-cni".into(),
                cluster_name: cluster.reference(),
                // The CNI's EC2 permissions go to its own service account, not to every node
                // (EKS best practices: "Use IRSA/Pod Identity for the aws-node DaemonSet").
                pod_identity_associations: Some(vec![AddonPodIdentityAssociation {
                    role_arn: cni_role.attr_arn(),
                    service_account: VPC_CNI_SERVICE_ACCOUNT.into(),
                }]),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.clone()),
                // With a pod CIDR: VPC CNI custom networking, one ENIConfig per zone chosen
                // by the node's zone label. Node groups live in the compute stack, deployed
                // after this one, so every node starts with the CNI configured.
                configuration_values: super::eniconfig::vpc_cni_configuration(bp),
                ..Addon::default()
            },
            ResourceOptions::new().depends_on(&pod_identity_agent),
        )?;
        let kube_proxy = stack.add(
            "AddonKubeProxy",
            Addon {
                addon_name: "kube-proxy".into(),
                cluster_name: cluster.reference(),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.clone()),
                ..Addon::default()
            },
        )?;
        node_addons = vec![vpc_cni, kube_proxy];
    }

    stack.add_output("ClusterName", Output::new(cluster.reference(), "The EKS cluster name"))?;
    stack.add_output("ClusterArn", Output::new(cluster.attr_arn(), "The EKS cluster ARN"))?;
    stack.add_output(
        "ClusterSecurityGroupId",
        Output::new(
            cluster.attr_cluster_security_group_id(),
            "The security group EKS created for the control plane and managed nodes",
        ),
    )?;
    stack.add_output("ClusterEndpoint", Output::new(cluster.attr_endpoint(), "The Kubernetes API server endpoint"))?;
    stack.add_output(
        "UpdateKubeconfigCommand",
        Output::new(
            Expr::sub_with(
                "aws eks update-kubeconfig --name ${Name} --region ${AWS::Region}",
                [("Name", cluster.reference())],
            ),
            "Writes a kubeconfig entry for this cluster",
        ),
    )?;
    Ok(ClusterRefs { cluster, node_addons })
}

/// The VPC CNI's permissions in an ipv6 cluster: the "IPv6 mode" policy of the VPC CNI
/// documentation (<https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/iam-policy.md>,
/// which added `ec2:DescribeSecurityGroups` and `ec2:DescribeSubnets` to it in commit 00fe9f4,
/// June 2026), a superset of the EKS user guide's "Create IAM policy for clusters that use
/// the IPv6 family"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/cni-iam-role.html#cni-iam-role-create-ipv6-policy>).
fn vpc_cni_ipv6_policy() -> Vec<crate::resources::iam::Policy> {
    vec![crate::resources::iam::Policy {
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
