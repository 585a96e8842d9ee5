//! Fargate profiles in the compute stack, with the pod execution role they share.

use super::cluster::ClusterRefs;
use super::network::NetworkRefs;
use super::{iam, ids, Context, Part};
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::resources::eks::{FargateProfile, Label, Selector};
use crate::resources::iam::Role;
use crate::resources::Tag;
use crate::synth::SynthError;

/// The managed policy of the Fargate pod execution role
/// (<https://docs.aws.amazon.com/eks/latest/userguide/pod-execution-role.html>).
pub const FARGATE_POLICY: &str = "AmazonEKSFargatePodExecutionRolePolicy";

/// The pod execution role and the Fargate profiles, created one after the other (EKS
/// creates or deletes one Fargate profile of a cluster at a time); returns `after` with
/// every profile added to its dependencies (CoreDNS waits for them). Nothing without
/// profiles.
pub(crate) fn render(
    ctx: &mut Context,
    cluster: &ClusterRefs,
    net: &NetworkRefs,
    mut after: ResourceOptions,
) -> Result<ResourceOptions, SynthError> {
    let bp = ctx.bp;
    if bp.compute.fargate_profiles.is_empty() {
        return Ok(after);
    }
    let tags = ctx.tags(&[]);
    let stack = ctx.stack(Part::Compute);
    let role = stack.add(
        "FargatePodExecutionRole",
        Role {
            assume_role_policy_document: iam::fargate_trust(&bp.name),
            description: Some(format!("Pod execution role of the Fargate profiles of EKS cluster {}", bp.name)),
            managed_policy_arns: Some(vec![Expr::aws_managed_policy(FARGATE_POLICY)]),
            tags: Some(tags.clone()),
            ..Role::default()
        },
    )?;
    let mut previous: Option<Handle<FargateProfile>> = None;
    for (i, profile) in bp.compute.fargate_profiles.iter().enumerate() {
        let section = stack.set_origin(Some(format!("compute.fargateProfiles[{i}]")));
        let mut profile_tags = tags.clone();
        for (k, v) in &profile.tags {
            profile_tags.retain(|t| &t.key != k);
            profile_tags.push(Tag::new(k.clone(), v.as_str()));
        }
        let mut options = ResourceOptions::new();
        if let Some(previous) = &previous {
            options = options.depends_on(previous);
        }
        let handle = stack.add_with(
            &ids::fargate_profile(&profile.id),
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
        after = after.depends_on(&handle);
        previous = Some(handle);
    }
    Ok(after)
}
