//! The compute stack: the node role, a launch template and a managed node group per
//! group, and the add-ons that need nodes.

use super::cluster::ClusterRefs;
use super::network::NetworkRefs;
use super::{Context, Part};
use crate::cfn::iam::PolicyDocument;
use crate::cfn::logical_id::logical_id;
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::model::compute::ManagedNodeGroup;
use crate::model::defaults;
use crate::resources::ec2::{
    BlockDeviceMapping, Ebs, LaunchTemplate, LaunchTemplateData, MetadataOptions, TagSpecification,
};
use crate::resources::eks::{Addon, LaunchTemplateSpecification, Nodegroup, ScalingConfig, Taint, UpdateConfig};
use crate::resources::iam::Role;
use crate::synth::SynthError;

/// The AWS managed policies a node needs
/// (<https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>). The CNI
/// policy is not among them: the VPC CNI gets it through Pod Identity.
pub const NODE_POLICIES: [&str; 2] = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"];

pub(crate) fn render(ctx: &mut Context, net: &NetworkRefs, cluster: &ClusterRefs) -> Result<(), SynthError> {
    let bp = ctx.bp;
    let groups = &bp.compute.managed_node_groups;
    if groups.is_empty() {
        return Ok(());
    }
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Compute);
    let role = stack.add(
        "NodeRole",
        Role {
            assume_role_policy_document: PolicyDocument::trust_services(&["ec2.amazonaws.com"], &["sts:AssumeRole"]),
            description: Some(format!("Nodes of managed node groups of EKS cluster {}", bp.name)),
            managed_policy_arns: Some(NODE_POLICIES.iter().map(|p| Expr::aws_managed_policy(p)).collect()),
            tags: Some(tags),
            ..Role::default()
        },
    )?;
    let mut nodegroups = Vec::with_capacity(groups.len());
    for group in groups {
        nodegroups.push(nodegroup(ctx, group, &role, net, cluster)?);
    }
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Compute);
    let mut options = ResourceOptions::new();
    for ng in &nodegroups {
        options = options.depends_on(ng);
    }
    stack.add_with(
        "AddonCoredns",
        Addon {
            addon_name: "coredns".into(),
            cluster_name: cluster.cluster.reference(),
            resolve_conflicts: Some("OVERWRITE".into()),
            tags: Some(tags),
            ..Addon::default()
        },
        // CoreDNS is a Deployment: it becomes ACTIVE only once nodes can run it.
        options,
    )?;
    Ok(())
}

fn nodegroup(
    ctx: &mut Context,
    group: &ManagedNodeGroup,
    role: &Handle<Role>,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
) -> Result<Handle<Nodegroup>, SynthError> {
    let id = logical_id("Nodegroup", &group.name);
    let name_tag = ctx.name_tag(&group.name);
    let instance_tags = ctx.tags(&[("Name", name_tag.clone())]);
    let lt_tags = ctx.tags(&[]);
    let ng_tags = ctx.tag_map(&[("Name", name_tag)]);
    let stack = ctx.stack(Part::Compute);
    let template = stack.add(
        &format!("{id}LaunchTemplate"),
        LaunchTemplate {
            launch_template_data: LaunchTemplateData {
                block_device_mappings: Some(vec![BlockDeviceMapping {
                    device_name: Some(group.ami_type.root_device().into()),
                    ebs: Some(Ebs {
                        delete_on_termination: Some(true),
                        encrypted: Some(true),
                        volume_size: Some(i64::from(group.volume_size)),
                        volume_type: Some(defaults::ROOT_VOLUME_TYPE.into()),
                        ..Ebs::default()
                    }),
                }]),
                metadata_options: Some(MetadataOptions {
                    http_endpoint: Some("enabled".into()),
                    http_put_response_hop_limit: Some(defaults::IMDS_HOP_LIMIT),
                    http_tokens: Some("required".into()),
                }),
                tag_specifications: Some(vec![
                    TagSpecification { resource_type: "instance".into(), tags: instance_tags.clone() },
                    TagSpecification { resource_type: "volume".into(), tags: instance_tags },
                ]),
                ..LaunchTemplateData::default()
            },
            launch_template_name: None,
            tag_specifications: (!lt_tags.is_empty()).then(|| {
                vec![crate::resources::ec2::LaunchTemplateTagSpecification {
                    resource_type: "launch-template".into(),
                    tags: lt_tags,
                }]
            }),
        },
    )?;
    let taints: Vec<Taint> = group
        .taints
        .iter()
        .map(|t| Taint { effect: t.effect.as_cfn().into(), key: t.key.clone(), value: t.value.clone() })
        .collect();
    let ng = stack.add(
        &id,
        Nodegroup {
            ami_type: Some(group.ami_type.as_str().into()),
            capacity_type: Some(group.capacity_type.as_str().into()),
            cluster_name: cluster.cluster.reference(),
            instance_types: Some(group.instance_types.clone()),
            labels: (!group.labels.is_empty()).then(|| group.labels.clone()),
            launch_template: Some(LaunchTemplateSpecification {
                id: Some(template.reference()),
                version: Some(template.attr_latest_version_number()),
            }),
            node_role: role.attr_arn(),
            scaling_config: Some(ScalingConfig {
                desired_size: group.desired(),
                max_size: group.max_size,
                min_size: group.min_size,
            }),
            subnets: net.private_subnets.clone(),
            tags: Some(ng_tags),
            taints: (!taints.is_empty()).then_some(taints),
            update_config: Some(UpdateConfig { max_unavailable: Some(1), max_unavailable_percentage: None }),
        },
    )?;
    Ok(ng)
}
