//! The cluster stack: the cluster IAM role, the secrets encryption key, the control-plane
//! log group, the EKS cluster, access entries, and the add-ons that run without nodes.

use super::network::NetworkRefs;
use super::{Context, Part};
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::logical_id::pascal_case;
use crate::cfn::{Expr, Handle, Output, ResourceOptions};
use crate::resources::eks::{
    AccessConfig, AccessEntry, AccessPolicy, AccessScope, Addon, AddonPodIdentityAssociation, Cluster, ClusterLogging,
    EncryptionConfig, Logging, LoggingTypeConfig, Provider, ResourcesVpcConfig,
};
use crate::resources::iam::Role;
use crate::resources::kms::{Alias, Key};
use crate::resources::logs::LogGroup;
use crate::synth::SynthError;

/// What later constructs use from the cluster.
pub(crate) struct ClusterRefs {
    pub cluster: Handle<Cluster>,
}

/// The trust policy of a role for EKS Pod Identity.
pub(crate) fn pod_identity_trust() -> PolicyDocument {
    PolicyDocument::trust_services(&["pods.eks.amazonaws.com"], &["sts:AssumeRole", "sts:TagSession"])
}

pub(crate) fn render(ctx: &mut Context, net: &NetworkRefs) -> Result<ClusterRefs, SynthError> {
    let bp = ctx.bp;
    let spec = &bp.cluster;
    let auto = super::compute::auto_mode(ctx)?;
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Cluster);

    let role = stack.add(
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
    )?;

    let key = stack.add_with(
        "SecretsKey",
        Key {
            description: Some(format!("Envelope encryption of Kubernetes secrets of EKS cluster {}", bp.name)),
            enable_key_rotation: Some(true),
            key_policy: Some(PolicyDocument::new([Statement::allow(["kms:*"])
                .sid("AccountAdministersKeyThroughIam")
                .principal(Principal::Aws(vec![Expr::arn("iam::${AWS::AccountId}:root")]))
                .resource("*")])),
            tags: Some(tags.clone()),
            ..Key::default()
        },
        ResourceOptions::new().retain(),
    )?;
    stack.add(
        "SecretsKeyAlias",
        Alias { alias_name: Expr::from(format!("alias/eks/{}/secrets", bp.name)), target_key_id: key.reference() },
    )?;

    let log_group = stack.add_with(
        "ControlPlaneLogGroup",
        LogGroup {
            // The name EKS writes to; creating it first gives it a retention period.
            log_group_name: Some(Expr::from(format!("/aws/eks/{}/cluster", bp.name))),
            retention_in_days: Some(spec.log_retention_days),
            tags: Some(tags.clone()),
            ..LogGroup::default()
        },
        ResourceOptions::new().retain(),
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
            compute_config: auto.compute_config,
            kubernetes_network_config: auto.kubernetes_network_config,
            storage_config: auto.storage_config,
            encryption_config: Some(vec![EncryptionConfig {
                provider: Provider { key_arn: key.attr_arn() },
                resources: vec!["secrets".into()],
            }]),
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
                security_group_ids: None,
                subnet_ids: net.private_subnets.iter().map(Handle::reference).collect(),
            },
            role_arn: role.attr_arn(),
            tags: Some(tags.clone()),
            version: Some(Expr::from(bp.kubernetes_version.as_str())),
            ..Cluster::default()
        },
        ResourceOptions::new().retain().depends_on(&log_group),
    )?;

    for entry in &spec.access.entries {
        let resource = entry.principal_arn.splitn(6, ':').nth(5).unwrap_or_default();
        let id = format!("AccessEntry{}", pascal_case(resource));
        let policies: Vec<AccessPolicy> = entry
            .policies
            .iter()
            .map(|p| AccessPolicy {
                policy_arn: Expr::arn(&format!("eks::aws:cluster-access-policy/{}", p.policy.policy_name())),
                access_scope: if p.namespaces.is_empty() {
                    AccessScope { scope_type: "cluster".into(), namespaces: None }
                } else {
                    AccessScope { scope_type: "namespace".into(), namespaces: Some(p.namespaces.clone()) }
                },
            })
            .collect();
        stack.add(
            &id,
            AccessEntry {
                access_policies: (!policies.is_empty()).then_some(policies),
                cluster_name: cluster.reference(),
                kubernetes_groups: (!entry.kubernetes_groups.is_empty()).then(|| entry.kubernetes_groups.clone()),
                principal_arn: Expr::from(entry.principal_arn.as_str()),
                tags: Some(tags.clone()),
                entry_type: Some("STANDARD".into()),
            },
        )?;
    }

    // EKS Auto Mode nodes run the VPC CNI, kube-proxy and the Pod Identity agent
    // themselves: when Auto Mode is the only compute, these add-ons are not installed.
    if auto.core_addons {
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
                assume_role_policy_document: pod_identity_trust(),
                description: Some(format!("VPC CNI (aws-node) of EKS cluster {}, through EKS Pod Identity", bp.name)),
                managed_policy_arns: Some(vec![Expr::aws_managed_policy("AmazonEKS_CNI_Policy")]),
                tags: Some(tags.clone()),
                ..Role::default()
            },
        )?;
        stack.add_with(
            "AddonVpcCni",
            Addon {
                addon_name: "vpc-cni".into(),
                cluster_name: cluster.reference(),
                // The CNI's EC2 permissions go to its own service account, not to every node
                // (EKS best practices: "Use IRSA/Pod Identity for the aws-node DaemonSet").
                pod_identity_associations: Some(vec![AddonPodIdentityAssociation {
                    role_arn: cni_role.attr_arn(),
                    service_account: "aws-node".into(),
                }]),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags.clone()),
                ..Addon::default()
            },
            ResourceOptions::new().depends_on(&pod_identity_agent),
        )?;
        stack.add(
            "AddonKubeProxy",
            Addon {
                addon_name: "kube-proxy".into(),
                cluster_name: cluster.reference(),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags),
                ..Addon::default()
            },
        )?;
    }

    stack.add_output("ClusterName", Output::new(cluster.reference(), "The EKS cluster name"))?;
    stack.add_output("ClusterArn", Output::new(cluster.attr_arn(), "The EKS cluster ARN"))?;
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
    Ok(ClusterRefs { cluster })
}
