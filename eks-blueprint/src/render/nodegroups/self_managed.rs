//! A self-managed node group: an Auto Scaling group of the EKS optimized AMI (read from its
//! public SSM parameter), with its launch template.

use serde_json::json;

use super::{after_node_addons, launch_template, user_data};
use crate::blueprint::compute::SelfManagedNodeGroup;
use crate::blueprint::tags;
use crate::blueprint::Blueprint;
use crate::cfn::{Expr, Handle, Parameter, ResourceOptions};
use crate::render::cluster::ClusterRefs;
use crate::render::network::NetworkRefs;
use crate::render::{ids, labels, Context, Part};
use crate::resources::autoscaling::{
    AutoScalingGroup, InstancesDistribution, LaunchTemplate as AsgLaunchTemplate, LaunchTemplateOverrides,
    LaunchTemplateSpecification as AsgLaunchTemplateSpecification, MixedInstancesPolicy, TagProperty,
};
use crate::resources::ec2::{IamInstanceProfile, LaunchTemplateData, NetworkInterface};
use crate::resources::eks::AccessEntry;
use crate::resources::iam::InstanceProfile;
use crate::resources::Tag;
use crate::spec::compute::{CapacityType, SubnetType};
use crate::synth::SynthError;

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

/// Renders a self-managed node group, whose nodes take `profile` and join through
/// `access_entry`.
pub(crate) fn render(
    ctx: &mut Context,
    group: &SelfManagedNodeGroup,
    profile: &Handle<InstanceProfile>,
    access_entry: &Handle<AccessEntry>,
    net: &NetworkRefs,
    cluster: &ClusterRefs,
) -> Result<Handle<AutoScalingGroup>, SynthError> {
    let bp = ctx.bp;
    let base = &group.base;
    let id = ids::self_managed_group(&base.id);
    let version = bp.kubernetes_version.as_str();
    let c = &cluster.cluster;
    let user_data = Expr::base64(Expr::sub_with(
        user_data::self_managed(&bp.name, base, &group.cluster_dns),
        [
            (user_data::ENDPOINT_VAR, c.attr_endpoint()),
            (user_data::CERTIFICATE_AUTHORITY_VAR, c.attr_certificate_authority_data()),
        ],
    ));
    let name_tag = ctx.name_tag(&base.name);
    let instance_tags = ctx.tags(&[("Name", name_tag.clone())]);
    let lt_tags = ctx.tags(&[]);
    let mut asg_tags: Vec<TagProperty> = ctx
        .tags(&[("Name", name_tag)])
        .into_iter()
        .map(|Tag { key, value }| TagProperty { key, propagate_at_launch: true, value })
        .collect();
    let mut extra: Vec<(String, String, bool)> = vec![(tags::cluster(&bp.name), "owned".into(), true)];
    extra.extend(base.tags.iter().map(|(k, v)| (k.clone(), v.clone(), true)));
    if bp.compute.cluster_autoscaler {
        extra.extend(autoscaler_tags(bp).into_iter().map(|(k, v)| (k, v, false)));
        // Let the Cluster Autoscaler scale the group from zero with the right labels and taints.
        extra.extend(
            labels::autoscaler_node_template_tags(&base.labels, &base.taints).into_iter().map(|(k, v)| (k, v, false)),
        );
    }
    for (key, value, propagate) in extra {
        asg_tags.retain(|t| t.key != key);
        asg_tags.push(TagProperty { key, propagate_at_launch: propagate, value: Expr::from(value) });
    }

    let public = base.subnets == SubnetType::Public;
    let security_groups = vec![c.attr_cluster_security_group_id()];
    let image_parameter = ids::image_parameter(&id);
    let stack = ctx.stack(Part::Compute);
    let mut image =
        Parameter::new("AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Some(json!(group.image_parameter)));
    image.description = Some(format!(
        "The AMI of self-managed node group {}: the public SSM parameter of the recommended {} AMI for Kubernetes {version}",
        base.name,
        base.ami_type.as_str()
    ));
    stack.template_mut().parameters.insert(image_parameter.clone(), image);
    let template = stack.add(
        &ids::launch_template(&id),
        launch_template(
            base,
            instance_tags,
            lt_tags,
            LaunchTemplateData {
                iam_instance_profile: Some(IamInstanceProfile { arn: Some(profile.attr_arn()), name: None }),
                image_id: Some(Expr::local_ref(image_parameter)),
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
                user_data: Some(user_data),
                ..LaunchTemplateData::default()
            },
        ),
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
    stack
        .add_with(
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
                            base.instance_types
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
        )
        .map_err(SynthError::from)
}
