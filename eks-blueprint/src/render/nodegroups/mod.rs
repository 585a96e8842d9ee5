//! Node groups in the compute stack: the shared base of both kinds (the node role, the launch
//! template with its block devices, IMDS options and tags), then [`managed`] node groups
//! (an `AWS::EKS::Nodegroup` each) and [`self_managed`] ones (an Auto Scaling group each),
//! with their [`user_data`] per AMI family.
//!
//! Every node group kind shares the same secure launch-template defaults (IMDSv2 with a hop
//! limit of 1, encrypted gp3 volumes, no SSH key, private subnets).

pub(crate) mod managed;
pub(crate) mod self_managed;
pub(crate) mod user_data;

use super::cluster::ClusterRefs;
use super::iam::{self, NodeRole};
use super::network::NetworkRefs;
use super::{Context, Part};
use crate::blueprint::compute::NodeGroup;
use crate::cfn::{Expr, ResourceOptions};
use crate::compile::defaults;
use crate::resources::ec2::{
    BlockDeviceMapping, Ebs, LaunchTemplate, LaunchTemplateData, LaunchTemplateTagSpecification, MetadataOptions,
    Monitoring, TagSpecification,
};
use crate::resources::iam::InstanceProfile;
use crate::resources::Tag;
use crate::spec::compute::{AmiType, OsFamily};
use crate::synth::SynthError;

/// Renders the node groups into the compute stack; returns `after` with every node group
/// added to its dependencies (CoreDNS waits for them).
pub(crate) fn render(
    ctx: &mut Context,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
    mut after: ResourceOptions,
) -> Result<ResourceOptions, SynthError> {
    let bp = ctx.bp;
    let compute = &bp.compute;
    if !compute.managed_node_groups.is_empty() {
        let tags = ctx.tags(&[]);
        let role = ctx.stack(Part::Compute).add("NodeRole", NodeRole::ManagedNodeGroups.role(&bp.name, tags))?;
        for (i, group) in compute.managed_node_groups.iter().enumerate() {
            let section = ctx.set_origin(format!("compute.managedNodeGroups[{i}]"));
            let ng = managed::render(ctx, group, &role, net, cluster)?;
            ctx.restore_origin(section);
            after = after.depends_on(&ng);
        }
    }

    if !compute.self_managed_node_groups.is_empty() {
        let tags = ctx.tags(&[]);
        let stack = ctx.stack(Part::Compute);
        let role = stack.add("SelfManagedNodeRole", NodeRole::SelfManagedNodeGroups.role(&bp.name, tags.clone()))?;
        let profile = stack.add("SelfManagedNodeInstanceProfile", InstanceProfile { roles: vec![role.reference()] })?;
        let entry = stack.add("AccessEntrySelfManagedNodes", iam::node_access_entry(&cluster.cluster, &role, tags))?;
        for (i, group) in compute.self_managed_node_groups.iter().enumerate() {
            let section = ctx.set_origin(format!("compute.selfManagedNodeGroups[{i}]"));
            let asg = self_managed::render(ctx, group, &profile, &entry, net, cluster)?;
            ctx.restore_origin(section);
            after = after.depends_on(&asg);
        }
    }
    Ok(after)
}

/// The EBS volumes of an AMI type: `(device, sized)`. Amazon Linux has one root volume
/// `/dev/xvda`; Bottlerocket has an OS volume `/dev/xvda` and a data volume `/dev/xvdb`
/// that holds images and container storage, so the configured size applies to
/// `/dev/xvdb` (<https://github.com/bottlerocket-os/bottlerocket#default-volumes>).
fn volumes(ami: AmiType) -> &'static [(&'static str, bool)] {
    match ami.os() {
        OsFamily::Al2023 => &[("/dev/xvda", true)],
        OsFamily::Bottlerocket => &[("/dev/xvda", false), ("/dev/xvdb", true)],
    }
}

/// Encrypted gp3 volumes for an AMI type: Amazon Linux's root volume at the given size;
/// Bottlerocket's OS volume at the AMI's size and its data volume at the given size.
fn block_devices(ami: AmiType, gib: u32) -> Vec<BlockDeviceMapping> {
    volumes(ami)
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

/// The launch template of a node group: `data` (what the kind adds: user data, AMI, instance
/// profile, network) with what every node group has: encrypted volumes, IMDSv2, the SSH key
/// (none unless asked), detailed monitoring as asked, and `instance_tags` on instances and
/// volumes, `template_tags` on the template itself.
fn launch_template(
    group: &NodeGroup,
    instance_tags: Vec<Tag>,
    template_tags: Vec<Tag>,
    data: LaunchTemplateData,
) -> LaunchTemplate {
    LaunchTemplate {
        launch_template_data: LaunchTemplateData {
            block_device_mappings: Some(block_devices(group.ami_type, group.volume_size)),
            key_name: group.ssh_key_name.as_deref().map(Expr::from),
            metadata_options: Some(metadata_options()),
            monitoring: Some(Monitoring { enabled: Some(group.detailed_monitoring) }),
            tag_specifications: Some(vec![
                TagSpecification { resource_type: "instance".into(), tags: instance_tags.clone() },
                TagSpecification { resource_type: "volume".into(), tags: instance_tags },
            ]),
            ..data
        },
        launch_template_name: None,
        tag_specifications: (!template_tags.is_empty()).then(|| {
            vec![LaunchTemplateTagSpecification { resource_type: "launch-template".into(), tags: template_tags }]
        }),
    }
}

/// Node resources wait for the networking add-ons. Across stacks this is a stack
/// dependency (already implied by the stack order); in a single stack it is a `DependsOn`.
fn after_node_addons(mut options: ResourceOptions, cluster: &ClusterRefs) -> ResourceOptions {
    for addon in &cluster.node_addons {
        options = options.depends_on(addon);
    }
    options
}
