//! A managed node group: an `AWS::EKS::Nodegroup` with its launch template.

use super::{after_node_addons, launch_template};
use crate::blueprint::compute::{ManagedNodeGroup, UpdateConfig as Update};
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::render::cluster::ClusterRefs;
use crate::render::network::NetworkRefs;
use crate::render::{ids, labels, Context, Part};
use crate::resources::ec2::LaunchTemplateData;
use crate::resources::eks::{LaunchTemplateSpecification, Nodegroup, ScalingConfig, UpdateConfig};
use crate::resources::iam::Role;
use crate::synth::SynthError;

/// Renders a managed node group, whose nodes take `role`.
pub(crate) fn render(
    ctx: &mut Context,
    group: &ManagedNodeGroup,
    role: &Handle<Role>,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
) -> Result<Handle<Nodegroup>, SynthError> {
    let base = &group.base;
    let id = ids::nodegroup(&base.id);
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
    let user_data = super::user_data::managed(base);
    let stack = ctx.stack(Part::Compute);
    let template = stack.add(
        &ids::launch_template(&id),
        launch_template(
            base,
            instance_tags,
            lt_tags,
            LaunchTemplateData {
                user_data: user_data.map(|u| Expr::base64(Expr::from(u))),
                ..LaunchTemplateData::default()
            },
        ),
    )?;
    let taints = labels::nodegroup_taints(&base.taints);
    let update = match group.update {
        Update::MaxUnavailable(n) => UpdateConfig { max_unavailable: Some(n), max_unavailable_percentage: None },
        Update::MaxUnavailablePercentage(p) => {
            UpdateConfig { max_unavailable: None, max_unavailable_percentage: Some(p) }
        }
    };
    stack
        .add_with(
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
                // Without it EKS fixes the version at creation and an upgrade of the
                // cluster leaves the nodes behind; a change is a rolling update by
                // `update_config` (AWS::EKS::Nodegroup: `Version` is updatable).
                version: Some(base.version.as_str().to_owned()),
            },
            after_node_addons(ResourceOptions::new(), cluster),
        )
        .map_err(SynthError::from)
}
