//! The compute stack: managed node groups (a launch template each), self-managed node
//! groups (an Auto Scaling group each), Fargate profiles, and the add-ons that need
//! nodes; and the EKS Auto Mode pieces of the cluster.

use indexmap::IndexMap;
use serde_json::json;

use super::cluster::ClusterRefs;
use super::network::NetworkRefs;
use super::{Context, Part};
use crate::blueprint::compute::{ManagedNodeGroup, SelfManagedNodeGroup, UpdateConfig as ManagedUpdate};
use crate::blueprint::Blueprint;
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Handle, Parameter, ResourceOptions};
use crate::compile::defaults;
use crate::resources::autoscaling::{
    AutoScalingGroup, InstancesDistribution, LaunchTemplate as AsgLaunchTemplate, LaunchTemplateOverrides,
    LaunchTemplateSpecification as AsgLaunchTemplateSpecification, MixedInstancesPolicy, TagProperty,
};
use crate::resources::ec2::{
    BlockDeviceMapping, Ebs, IamInstanceProfile, LaunchTemplate, LaunchTemplateData, LaunchTemplateTagSpecification,
    MetadataOptions, Monitoring, NetworkInterface, TagSpecification,
};
use crate::resources::eks::{
    AccessEntry, Addon, BlockStorage, ComputeConfig, ElasticLoadBalancing, FargateProfile, KubernetesNetworkConfig,
    Label, LaunchTemplateSpecification, Nodegroup, ScalingConfig, Selector, StorageConfig, Taint, UpdateConfig,
};
use crate::resources::iam::{InstanceProfile, Role};
use crate::resources::Tag;
use crate::spec::compute::{AmiType, CapacityType, Kubelet, OsFamily, Subnets};
use crate::synth::SynthError;

/// The AWS managed policies a node needs
/// (<https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>). The CNI
/// policy is not among them: the VPC CNI gets it through Pod Identity.
pub const NODE_POLICIES: [&str; 2] = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

/// The managed policies EKS Auto Mode needs on the cluster role, besides
/// `AmazonEKSClusterPolicy` (<https://docs.aws.amazon.com/eks/latest/userguide/auto-cluster-iam-role.html>).
pub const AUTO_MODE_CLUSTER_POLICIES: [&str; 4] = [
    "AmazonEKSComputePolicy",
    "AmazonEKSBlockStoragePolicy",
    "AmazonEKSLoadBalancingPolicy",
    "AmazonEKSNetworkingPolicy",
];

/// The managed policies of the EKS Auto Mode node role
/// (<https://docs.aws.amazon.com/eks/latest/userguide/auto-create-node-role.html>).
pub const AUTO_MODE_NODE_POLICIES: [&str; 2] =
    ["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"];

/// The managed policy of the Fargate pod execution role
/// (<https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html>).
pub const FARGATE_POLICY: &str = "AmazonEKSFargatePodExecutionRolePolicy";

/// The MIME boundary of Amazon Linux 2023 user data.
const MIME_BOUNDARY: &str = "BOUNDARY";

/// What EKS Auto Mode adds to the cluster: its properties and the cluster role's extra
/// policies.
pub(crate) struct AutoModePieces {
    /// `ComputeConfig`.
    pub compute_config: Option<ComputeConfig>,
    /// `StorageConfig`.
    pub storage_config: Option<StorageConfig>,
    /// `KubernetesNetworkConfig` (load balancing).
    pub kubernetes_network_config: Option<KubernetesNetworkConfig>,
    /// Managed policies to add to the cluster role.
    pub cluster_policies: Vec<Expr>,
}

/// The EKS Auto Mode pieces of the cluster, and its node role in the cluster stack.
pub(crate) fn auto_mode(ctx: &mut Context) -> Result<AutoModePieces, SynthError> {
    let bp = ctx.bp;
    let Some(auto) = &bp.compute.auto_mode else {
        return Ok(AutoModePieces {
            compute_config: None,
            storage_config: None,
            kubernetes_network_config: None,
            cluster_policies: Vec::new(),
        });
    };
    let pools = &auto.node_pools;
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Cluster);
    let node_role = if pools.is_empty() {
        None
    } else {
        Some(stack.add(
            "AutoModeNodeRole",
            Role {
                assume_role_policy_document: PolicyDocument::trust_services(
                    &["ec2.amazonaws.com"],
                    &["sts:AssumeRole"],
                ),
                description: Some(format!("Nodes of the EKS Auto Mode node pools of cluster {}", bp.name)),
                managed_policy_arns: Some(
                    AUTO_MODE_NODE_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect(),
                ),
                tags: Some(tags),
                ..Role::default()
            },
        )?)
    };
    Ok(AutoModePieces {
        compute_config: Some(ComputeConfig {
            enabled: Some(true),
            node_pools: Some(pools.iter().map(|p| p.as_str().to_owned()).collect()),
            node_role_arn: node_role.as_ref().map(Handle::<Role>::attr_arn),
        }),
        // EKS requires compute, block storage and load balancing to be enabled together.
        storage_config: Some(StorageConfig { block_storage: Some(BlockStorage { enabled: Some(true) }) }),
        kubernetes_network_config: Some(KubernetesNetworkConfig {
            elastic_load_balancing: Some(ElasticLoadBalancing { enabled: Some(true) }),
            ..KubernetesNetworkConfig::default()
        }),
        cluster_policies: AUTO_MODE_CLUSTER_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect(),
    })
}

pub(crate) fn render(ctx: &mut Context, net: &NetworkRefs, cluster: &ClusterRefs) -> Result<(), SynthError> {
    let bp = ctx.bp;
    let compute = &bp.compute;
    // CoreDNS is a Deployment: it becomes ACTIVE only once something can run it, so it
    // waits for every node group and Fargate profile.
    let mut coredns_after = ResourceOptions::new();

    if !compute.managed_node_groups.is_empty() {
        let tags = ctx.tags(&[]);
        let role = ctx.stack(Part::Compute).add(
            "NodeRole",
            Role {
                assume_role_policy_document: PolicyDocument::trust_services(
                    &["ec2.amazonaws.com"],
                    &["sts:AssumeRole"],
                ),
                description: Some(format!("Nodes of managed node groups of EKS cluster {}", bp.name)),
                managed_policy_arns: Some(NODE_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect()),
                tags: Some(tags),
                ..Role::default()
            },
        )?;
        for (i, group) in compute.managed_node_groups.iter().enumerate() {
            let section = ctx.set_origin(format!("compute.managedNodeGroups[{i}]"));
            let ng = nodegroup(ctx, group, &role, net, cluster)?;
            ctx.restore_origin(section);
            coredns_after = coredns_after.depends_on(&ng);
        }
    }

    if !compute.self_managed_node_groups.is_empty() {
        let tags = ctx.tags(&[]);
        let stack = ctx.stack(Part::Compute);
        let role = stack.add(
            "SelfManagedNodeRole",
            Role {
                assume_role_policy_document: PolicyDocument::trust_services(
                    &["ec2.amazonaws.com"],
                    &["sts:AssumeRole"],
                ),
                description: Some(format!("Nodes of self-managed node groups of EKS cluster {}", bp.name)),
                managed_policy_arns: Some(NODE_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect()),
                tags: Some(tags.clone()),
                ..Role::default()
            },
        )?;
        let profile = stack.add("SelfManagedNodeInstanceProfile", InstanceProfile { roles: vec![role.reference()] })?;
        // Nodes of this role may join the cluster (EC2_LINUX: the system:nodes group).
        let entry = stack.add(
            "AccessEntrySelfManagedNodes",
            AccessEntry {
                cluster_name: cluster.cluster.reference(),
                principal_arn: role.attr_arn(),
                tags: Some(tags),
                entry_type: Some("EC2_LINUX".into()),
                ..AccessEntry::default()
            },
        )?;
        for (i, group) in compute.self_managed_node_groups.iter().enumerate() {
            let section = ctx.set_origin(format!("compute.selfManagedNodeGroups[{i}]"));
            let asg = self_managed(ctx, group, &profile, &entry, net, cluster)?;
            ctx.restore_origin(section);
            coredns_after = coredns_after.depends_on(&asg);
        }
    }

    if !compute.fargate_profiles.is_empty() {
        for profile in fargate(ctx, cluster, net)? {
            coredns_after = coredns_after.depends_on(&profile);
        }
    }

    if let Some(coredns) = bp.addons.coredns {
        let tags = ctx.tags(&[]);
        ctx.stack(Part::Compute).add_with(
            "AddonCoredns",
            Addon {
                addon_name: "coredns".into(),
                cluster_name: cluster.cluster.reference(),
                // On a Fargate-only cluster CoreDNS must ask for Fargate capacity.
                configuration_values: coredns.on_fargate.then(|| json!({"computeType": "Fargate"}).to_string()),
                resolve_conflicts: Some("OVERWRITE".into()),
                tags: Some(tags),
                ..Addon::default()
            },
            coredns_after,
        )?;
    }
    Ok(())
}

/// Encrypted gp3 volumes for an AMI type: Amazon Linux's root volume at the given size;
/// Bottlerocket's OS volume at the AMI's size and its data volume at the given size.
fn block_devices(ami: AmiType, gib: u32) -> Vec<BlockDeviceMapping> {
    ami.volumes()
        .iter()
        .map(|(device, sized)| BlockDeviceMapping {
            device_name: Some((*device).into()),
            ebs: Some(Ebs {
                delete_on_termination: Some(true),
                encrypted: Some(true),
                volume_size: sized.then_some(i64::from(gib)),
                volume_type: Some(defaults::ROOT_VOLUME_TYPE.into()),
                ..Ebs::default()
            }),
        })
        .collect()
}

/// IMDSv2 only, with a hop limit of 1 so pods cannot reach the node's credentials.
fn metadata_options() -> MetadataOptions {
    MetadataOptions {
        http_endpoint: Some("enabled".into()),
        http_put_response_hop_limit: Some(defaults::IMDS_HOP_LIMIT),
        http_tokens: Some("required".into()),
    }
}

/// Escapes `${` for an `Fn::Sub` template. Self-managed user data is the one template a user
/// string (a kubelet flag) reaches; validation refuses `${` in kubelet flags (code
/// `substitution`, docs/validation.md), so this only keeps the template literal if that rule
/// ever loosens.
fn sub_escape(s: &str) -> String {
    s.replace("${", "${!")
}

/// A YAML double-quoted string, escaped for YAML 1.1 and 1.2 alike (see [`crate::yaml`]).
fn yaml_str(s: &str) -> String {
    crate::yaml::quoted(s)
}

/// A TOML basic string (JSON string syntax is a TOML basic string).
fn toml_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// Amazon Linux 2023 user data: a MIME multi-part document with one `NodeConfig` for
/// `nodeadm` (<https://awslabs.github.io/amazon-eks-ami/nodeadm/>). `cluster` is the
/// `spec.cluster` block (self-managed nodes) or empty (managed node groups: EKS adds it
/// and merges this document with its own).
fn nodeadm_user_data(cluster: &str, kubelet: &Kubelet, extra_flags: &[String]) -> String {
    let mut spec = String::from(cluster);
    let flags: Vec<String> = kubelet.flags.iter().chain(extra_flags).cloned().collect();
    if kubelet.max_pods.is_some() || !flags.is_empty() {
        spec.push_str("  kubelet:\n");
        if let Some(n) = kubelet.max_pods {
            spec.push_str(&format!("    config:\n      maxPods: {n}\n"));
        }
        if !flags.is_empty() {
            spec.push_str("    flags:\n");
            for f in &flags {
                spec.push_str(&format!("      - {}\n", yaml_str(f)));
            }
        }
    }
    format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"{MIME_BOUNDARY}\"\n\n--{MIME_BOUNDARY}\nContent-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n{spec}\n--{MIME_BOUNDARY}--\n"
    )
}

/// The kubelet flag that makes `maxPods` hold on an Amazon Linux 2023 managed node.
///
/// EKS appends its own `NodeConfig` after the launch template's user data on managed nodes
/// without a custom AMI (eksctl "Node bootstrapping": "the default NodeConfig is being added
/// by EKS MNG under the hood, appended directly to the EC2's userdata"), and that
/// `NodeConfig` sets `kubelet.config.maxPods` to the value EKS computes for the instance
/// type (eksctl-io/eksctl#8037), which ignores custom networking. `nodeadm` merges
/// `NodeConfig` documents in order, later values overriding earlier ones, except kubelet
/// flags, which it appends (amazon-eks-ami `nodeadm/internal/api/merge.go`); and the kubelet
/// lets a command-line flag override the same setting of its configuration file (Kubernetes
/// docs, "Set Kubelet parameters via a configuration file"). So the group's value is also
/// passed as `--max-pods`: the `config` value alone would be overwritten. Bottlerocket needs
/// nothing: EKS applies the user's `settings.kubernetes.max-pods` over its own (EKS user
/// guide, "Customize managed nodes with launch templates"). Self-managed nodes get no EKS
/// user data, so `config.maxPods` holds there.
fn managed_max_pods_flag(kubelet: &Kubelet) -> Vec<String> {
    kubelet.max_pods.map(|n| format!("--max-pods={n}")).into_iter().collect()
}

/// Bottlerocket user data: TOML settings
/// (<https://bottlerocket.dev/en/os/latest/#/api/settings/kubernetes/>).
fn bottlerocket_user_data(
    cluster: &str,
    kubelet: &Kubelet,
    labels: &IndexMap<String, String>,
    taints: &[crate::spec::compute::Taint],
) -> String {
    let mut toml = format!("[settings.kubernetes]\n{cluster}");
    if let Some(n) = kubelet.max_pods {
        toml.push_str(&format!("max-pods = {n}\n"));
    }
    if !labels.is_empty() {
        toml.push_str("\n[settings.kubernetes.node-labels]\n");
        for (k, v) in labels {
            toml.push_str(&format!("{} = {}\n", toml_str(k), toml_str(v)));
        }
    }
    if !taints.is_empty() {
        toml.push_str("\n[settings.kubernetes.node-taints]\n");
        let mut by_key: IndexMap<&str, Vec<String>> = IndexMap::new();
        for t in taints {
            let value = format!("{}:{}", t.value.as_deref().unwrap_or_default(), t.effect.as_str());
            by_key.entry(t.key.as_str()).or_default().push(toml_str(&value));
        }
        for (k, values) in by_key {
            toml.push_str(&format!("{} = [{}]\n", toml_str(k), values.join(", ")));
        }
    }
    toml
}

/// Tags for Cluster Autoscaler auto-discovery on a self-managed group's Auto Scaling group,
/// when enabled.
fn autoscaler_tags(bp: &Blueprint) -> Vec<(String, String)> {
    if bp.compute.cluster_autoscaler {
        vec![
            ("k8s.io/cluster-autoscaler/enabled".into(), "true".into()),
            (format!("k8s.io/cluster-autoscaler/{}", bp.name), "owned".into()),
        ]
    } else {
        Vec::new()
    }
}

fn nodegroup(
    ctx: &mut Context,
    group: &ManagedNodeGroup,
    role: &Handle<Role>,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
) -> Result<Handle<Nodegroup>, SynthError> {
    let base = &group.base;
    let id = format!("Nodegroup{}", base.id);
    let name_tag = ctx.name_tag(&base.name);
    let instance_tags = ctx.tags(&[("Name", name_tag.clone())]);
    let lt_tags = ctx.tags(&[]);
    let mut ng_tags = ctx.tag_map(&[("Name", name_tag)]);
    // No Cluster Autoscaler tags: they would stay on the node group (EKS does not copy them to
    // its Auto Scaling group, which EKS tags for auto-discovery itself); see
    // `Compute::cluster_autoscaler`.
    for (k, v) in &base.tags {
        ng_tags.insert(k.clone(), Expr::from(v.as_str()));
    }
    // EKS merges this user data with its own bootstrap configuration.
    let user_data = match base.ami_type.os() {
        _ if base.kubelet.max_pods.is_none() && base.kubelet.flags.is_empty() => None,
        OsFamily::Al2023 => Some(nodeadm_user_data("", &base.kubelet, &managed_max_pods_flag(&base.kubelet))),
        OsFamily::Bottlerocket => Some(bottlerocket_user_data("", &base.kubelet, &IndexMap::new(), &[])),
    };
    let stack = ctx.stack(Part::Compute);
    let template = stack.add(
        &format!("{id}LaunchTemplate"),
        LaunchTemplate {
            launch_template_data: LaunchTemplateData {
                block_device_mappings: Some(block_devices(base.ami_type, base.volume_size)),
                key_name: base.ssh_key_name.as_deref().map(Expr::from),
                metadata_options: Some(metadata_options()),
                monitoring: Some(Monitoring { enabled: Some(base.detailed_monitoring) }),
                tag_specifications: Some(vec![
                    TagSpecification { resource_type: "instance".into(), tags: instance_tags.clone() },
                    TagSpecification { resource_type: "volume".into(), tags: instance_tags },
                ]),
                user_data: user_data.map(|u| Expr::base64(Expr::from(u))),
                ..LaunchTemplateData::default()
            },
            launch_template_name: None,
            tag_specifications: (!lt_tags.is_empty()).then(|| {
                vec![LaunchTemplateTagSpecification { resource_type: "launch-template".into(), tags: lt_tags }]
            }),
        },
    )?;
    let taints: Vec<Taint> = base
        .taints
        .iter()
        .map(|t| Taint { effect: t.effect.as_cfn().into(), key: t.key.clone(), value: t.value.clone() })
        .collect();
    let update = match group.update {
        ManagedUpdate::MaxUnavailable(n) => UpdateConfig { max_unavailable: Some(n), max_unavailable_percentage: None },
        ManagedUpdate::MaxUnavailablePercentage(p) => {
            UpdateConfig { max_unavailable: None, max_unavailable_percentage: Some(p) }
        }
    };
    let ng = stack.add_with(
        &id,
        Nodegroup {
            ami_type: Some(base.ami_type.as_str().into()),
            capacity_type: Some(base.capacity_type.as_str().into()),
            cluster_name: cluster.cluster.reference(),
            instance_types: Some(base.instance_types.clone()),
            labels: (!base.labels.is_empty()).then(|| base.labels.clone()),
            launch_template: Some(LaunchTemplateSpecification {
                id: Some(template.reference()),
                version: Some(template.attr_latest_version_number()),
            }),
            node_role: role.attr_arn(),
            scaling_config: Some(ScalingConfig {
                desired_size: base.desired_size,
                max_size: base.max_size,
                min_size: base.min_size,
            }),
            subnets: net.private_subnets.clone(),
            tags: Some(ng_tags),
            taints: (!taints.is_empty()).then_some(taints),
            update_config: Some(update),
        },
        after_node_addons(ResourceOptions::new(), cluster),
    )?;
    Ok(ng)
}

fn self_managed(
    ctx: &mut Context,
    group: &SelfManagedNodeGroup,
    profile: &Handle<InstanceProfile>,
    access_entry: &Handle<AccessEntry>,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
) -> Result<Handle<AutoScalingGroup>, SynthError> {
    let bp = ctx.bp;
    let base = &group.base;
    let id = format!("SelfManagedGroup{}", base.id);
    let version = bp.kubernetes_version.as_str();
    let parameter = &group.image_parameter;
    let cidr = &group.cluster_dns.service_cidr;
    let c = &cluster.cluster;
    let user_data = match base.ami_type.os() {
        OsFamily::Al2023 => {
            let cluster_block = format!(
                "  cluster:\n    name: {}\n    apiServerEndpoint: ${{Endpoint}}\n    certificateAuthority: ${{CertificateAuthority}}\n    cidr: {cidr}\n",
                yaml_str(&bp.name)
            );
            let mut extra = Vec::new();
            if !base.labels.is_empty() {
                let labels: Vec<String> = base.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                extra.push(format!("--node-labels={}", labels.join(",")));
            }
            if !base.taints.is_empty() {
                let taints: Vec<String> = base.taints.iter().map(crate::spec::compute::Taint::kubelet_form).collect();
                extra.push(format!("--register-with-taints={}", taints.join(",")));
            }
            let kubelet = Kubelet {
                max_pods: base.kubelet.max_pods,
                flags: base.kubelet.flags.iter().map(|f| sub_escape(f)).collect(),
            };
            nodeadm_user_data(&cluster_block, &kubelet, &extra)
        }
        OsFamily::Bottlerocket => {
            let cluster_block = format!(
                "cluster-name = {}\napi-server = \"${{Endpoint}}\"\ncluster-certificate = \"${{CertificateAuthority}}\"\ncluster-dns-ip = \"{}\"\n",
                toml_str(&bp.name),
                group.cluster_dns.ip
            );
            bottlerocket_user_data(&cluster_block, &base.kubelet, &base.labels, &base.taints)
        }
    };
    let user_data = Expr::base64(Expr::sub_with(
        user_data,
        [("Endpoint", c.attr_endpoint()), ("CertificateAuthority", c.attr_certificate_authority_data())],
    ));
    let name_tag = ctx.name_tag(&base.name);
    let instance_tags = ctx.tags(&[("Name", name_tag.clone())]);
    let lt_tags = ctx.tags(&[]);
    let mut asg_tags: Vec<TagProperty> = ctx
        .tags(&[("Name", name_tag)])
        .into_iter()
        .map(|Tag { key, value }| TagProperty { key, propagate_at_launch: true, value })
        .collect();
    let mut extra: Vec<(String, String, bool)> =
        vec![(format!("kubernetes.io/cluster/{}", bp.name), "owned".into(), true)];
    extra.extend(base.tags.iter().map(|(k, v)| (k.clone(), v.clone(), true)));
    if bp.compute.cluster_autoscaler {
        extra.extend(autoscaler_tags(bp).into_iter().map(|(k, v)| (k, v, false)));
        // Let the Cluster Autoscaler scale the group from zero with the right labels and taints.
        for (k, v) in &base.labels {
            extra.push((format!("k8s.io/cluster-autoscaler/node-template/label/{k}"), v.clone(), false));
        }
        for t in &base.taints {
            let value = format!("{}:{}", t.value.as_deref().unwrap_or_default(), t.effect.as_str());
            extra.push((format!("k8s.io/cluster-autoscaler/node-template/taint/{}", t.key), value, false));
        }
    }
    for (key, value, propagate) in extra {
        asg_tags.retain(|t| t.key != key);
        asg_tags.push(TagProperty { key, propagate_at_launch: propagate, value: Expr::from(value) });
    }

    let public = base.subnets == Subnets::Public;
    let security_groups = vec![c.attr_cluster_security_group_id()];
    let image_parameter = format!("{id}ImageId");
    let stack = ctx.stack(Part::Compute);
    let mut image = Parameter::new("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Some(json!(parameter)));
    image.description = Some(format!(
        "The AMI of self-managed node group {}: the public SSM parameter of the recommended {} AMI for Kubernetes {version}",
        base.name,
        base.ami_type.as_str()
    ));
    stack.template_mut().parameters.insert(image_parameter.clone(), image);
    let template = stack.add(
        &format!("{id}LaunchTemplate"),
        LaunchTemplate {
            launch_template_data: LaunchTemplateData {
                block_device_mappings: Some(block_devices(base.ami_type, base.volume_size)),
                iam_instance_profile: Some(IamInstanceProfile { arn: Some(profile.attr_arn()), name: None }),
                image_id: Some(Expr::local_ref(image_parameter)),
                key_name: base.ssh_key_name.as_deref().map(Expr::from),
                metadata_options: Some(metadata_options()),
                monitoring: Some(Monitoring { enabled: Some(base.detailed_monitoring) }),
                // In public subnets (which never assign public addresses themselves) the
                // primary interface asks for one. checkov CKV_AWS_88 flags this; it is the
                // user's explicit `subnets: public` choice, reported as EKSB-COMPUTE-003.
                network_interfaces: public.then(|| {
                    vec![NetworkInterface {
                        associate_public_ip_address: Some(true),
                        delete_on_termination: Some(true),
                        device_index: Some(0),
                        groups: Some(security_groups.clone()),
                    }]
                }),
                security_group_ids: (!public).then(|| security_groups.clone()),
                tag_specifications: Some(vec![
                    TagSpecification { resource_type: "instance".into(), tags: instance_tags.clone() },
                    TagSpecification { resource_type: "volume".into(), tags: instance_tags },
                ]),
                user_data: Some(user_data),
            },
            launch_template_name: None,
            tag_specifications: (!lt_tags.is_empty()).then(|| {
                vec![LaunchTemplateTagSpecification { resource_type: "launch-template".into(), tags: lt_tags }]
            }),
        },
    )?;
    let spot = base.capacity_type == CapacityType::Spot;
    let distribution = if spot {
        InstancesDistribution {
            on_demand_base_capacity: Some(0),
            on_demand_percentage_above_base_capacity: Some(0),
            spot_allocation_strategy: Some(group.spot_allocation_strategy.as_str().into()),
            ..InstancesDistribution::default()
        }
    } else {
        InstancesDistribution {
            // On-Demand: the first instance type that has capacity, in the listed order.
            on_demand_allocation_strategy: Some("prioritized".into()),
            on_demand_base_capacity: Some(0),
            on_demand_percentage_above_base_capacity: Some(100),
            ..InstancesDistribution::default()
        }
    };
    let subnets = if public { &net.public_subnets } else { &net.private_subnets };
    let asg = stack.add_with(
        &id,
        AutoScalingGroup {
            capacity_rebalance: spot.then_some(true),
            desired_capacity: Some(base.desired_size.to_string()),
            max_size: base.max_size.to_string(),
            min_size: base.min_size.to_string(),
            mixed_instances_policy: Some(MixedInstancesPolicy {
                instances_distribution: Some(distribution),
                launch_template: AsgLaunchTemplate {
                    launch_template_specification: AsgLaunchTemplateSpecification {
                        launch_template_id: Some(template.reference()),
                        launch_template_name: None,
                        version: template.attr_latest_version_number(),
                    },
                    overrides: Some(
                        group
                            .base
                            .instance_types
                            .iter()
                            .map(|t| LaunchTemplateOverrides { instance_type: Some(t.clone()) })
                            .collect(),
                    ),
                },
            }),
            tags: Some(asg_tags),
            vpc_zone_identifier: Some(subnets.clone()),
            ..AutoScalingGroup::default()
        },
        // Nodes can join only once their role has an access entry.
        after_node_addons(ResourceOptions::new().depends_on(access_entry), cluster),
    )?;
    Ok(asg)
}

/// The pod execution role and the Fargate profiles, created one after the other (EKS
/// creates or deletes one Fargate profile of a cluster at a time).
fn fargate(
    ctx: &mut Context,
    cluster: &ClusterRefs,
    net: &NetworkRefs,
) -> Result<Vec<Handle<FargateProfile>>, SynthError> {
    let bp = ctx.bp;
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Compute);
    // Only Fargate profiles of this cluster may use the role (confused deputy
    // protection, as the EKS pod execution role documentation shows).
    let trust = PolicyDocument::new([Statement::allow(["sts:AssumeRole"])
        .principal(Principal::Service(vec!["eks-fargate-pods.amazonaws.com".into()]))
        .condition(
            "ArnLike",
            "aws:SourceArn",
            Expr::arn(&format!("eks:${{AWS::Region}}:${{AWS::AccountId}}:fargateprofile/{}/*", bp.name)),
        )]);
    let role = stack.add(
        "FargatePodExecutionRole",
        Role {
            assume_role_policy_document: trust,
            description: Some(format!("Pod execution role of the Fargate profiles of EKS cluster {}", bp.name)),
            managed_policy_arns: Some(vec![Expr::aws_managed_policy(FARGATE_POLICY)]),
            tags: Some(tags.clone()),
            ..Role::default()
        },
    )?;
    let mut handles: Vec<Handle<FargateProfile>> = Vec::new();
    for (i, profile) in bp.compute.fargate_profiles.iter().enumerate() {
        let section = stack.set_origin(Some(format!("compute.fargateProfiles[{i}]")));
        let mut profile_tags = tags.clone();
        for (k, v) in &profile.tags {
            profile_tags.retain(|t| &t.key != k);
            profile_tags.push(Tag::new(k.clone(), v.as_str()));
        }
        let mut options = ResourceOptions::new();
        if let Some(previous) = handles.last() {
            options = options.depends_on(previous);
        }
        let handle = stack.add_with(
            &format!("FargateProfile{}", profile.id),
            FargateProfile {
                cluster_name: cluster.cluster.reference(),
                // Generated, so a change of selectors (which replaces the profile) works.
                fargate_profile_name: None,
                pod_execution_role_arn: role.attr_arn(),
                selectors: profile
                    .selectors
                    .iter()
                    .map(|s| Selector {
                        labels: (!s.labels.is_empty()).then(|| {
                            s.labels.iter().map(|(k, v)| Label { key: k.clone(), value: v.clone() }).collect()
                        }),
                        namespace: s.namespace.clone(),
                    })
                    .collect(),
                subnets: Some(net.private_subnets.clone()),
                tags: (!profile_tags.is_empty()).then_some(profile_tags),
            },
            options,
        )?;
        stack.set_origin(section);
        handles.push(handle);
    }
    Ok(handles)
}

/// Node resources wait for the networking add-ons. Across stacks this is a stack
/// dependency (already implied by the stack order); in a single stack it is a `DependsOn`.
fn after_node_addons(mut options: ResourceOptions, cluster: &ClusterRefs) -> ResourceOptions {
    for addon in &cluster.node_addons {
        options = options.depends_on(addon);
    }
    options
}
