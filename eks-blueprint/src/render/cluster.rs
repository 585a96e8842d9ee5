//! The cluster stack: the cluster IAM role, the secrets encryption key, the control-plane
//! log group, the EKS cluster and access entries (the add-ons that run without nodes join it
//! from `render::addons`).

use super::network::NetworkRefs;
use super::{iam, ids, Context, Part};
use crate::cfn::iam::PolicyDocument;
use crate::cfn::{Expr, Handle, Output};
use crate::resources::eks::{
    AccessConfig, AccessEntry, AccessPolicy, AccessScope, Addon, Cluster, ClusterLogging, EncryptionConfig,
    KubernetesNetworkConfig, Logging, LoggingTypeConfig, Provider, ResourcesVpcConfig, UpgradePolicy, ZonalShiftConfig,
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

/// Renders the cluster stack: the cluster, its role, keys and log group, access entries.
pub(crate) fn render(ctx: &mut Context, net: &NetworkRefs) -> Result<ClusterRefs, SynthError> {
    let bp = ctx.bp;
    let spec = &bp.cluster;
    let mut auto = super::auto_mode::pieces(bp, ctx.tags(&[]));
    let tags = ctx.tags(&[]);
    // The removal policy of the stateful resources (see `Context::stateful`).
    let stateful = ctx.stateful();
    let stack = ctx.stack(Part::Cluster);
    // EKS Auto Mode's node role, which its ComputeConfig names.
    if let Some(role) = auto.node_role.take() {
        let role = stack.add("AutoModeNodeRole", role)?;
        if let Some(config) = &mut auto.compute_config {
            config.node_role_arn = Some(role.attr_arn());
        }
    }

    // Removed like the cluster: a retained cluster whose role was deleted with the stack
    // could no longer manage its network interfaces or logs.
    let role = stack.add_with(
        "ClusterRole",
        Role {
            assume_role_policy_document: iam::cluster_trust(),
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
                    key_policy: Some(PolicyDocument::new([iam::account_administers_key()])),
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
                key_policy: Some(iam::logs_key_policy("CloudWatchLogsUsesKeyForControlPlaneLogGroup", &log_group_name)),
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
            &ids::access_entry(&entry.id),
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

    stack.add_output("ClusterName", Output::new(cluster.reference(), "The EKS cluster name"))?;
    stack.add_output("ClusterArn", Output::new(cluster.attr_arn(), "The EKS cluster ARN"))?;
    stack.add_output(
        ids::CLUSTER_SECURITY_GROUP_OUTPUT,
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
    // The add-ons nodes wait for are rendered next (`render::addons`).
    Ok(ClusterRefs { cluster, node_addons: Vec::new() })
}
