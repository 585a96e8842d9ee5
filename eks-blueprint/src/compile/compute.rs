//! Validation of the compute section: node groups, Fargate profiles and EKS Auto Mode, and
//! names that would share a logical id.

use crate::compile::codes;
use crate::compile::{fargate, nodegroups};
use crate::error::ValidationErrors;
use crate::spec::compute::Compute;
use crate::text::pascal_case;

/// Collects every problem of the compute part.
pub(crate) fn validate(compute: &Compute, version: &str, errors: &mut ValidationErrors) {
    let groups = &compute.managed_node_groups;
    for (i, group) in groups.iter().enumerate() {
        let path = format!("compute.managedNodeGroups[{i}]");
        nodegroups::managed(&path, group, errors);
        let id = pascal_case(&group.name);
        if let Some(other) = groups[..i].iter().find(|g| pascal_case(&g.name) == id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with node group `{}`: names must differ in more than '-' and '_'",
                    group.name, other.name
                ),
            );
        }
    }
    let groups = &compute.self_managed_node_groups;
    for (i, group) in groups.iter().enumerate() {
        let path = format!("compute.selfManagedNodeGroups[{i}]");
        nodegroups::self_managed(&path, group, version, errors);
        let id = pascal_case(&group.name);
        if let Some(other) = groups[..i].iter().find(|g| pascal_case(&g.name) == id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with node group `{}`: names must differ in more than '-' and '_'",
                    group.name, other.name
                ),
            );
        }
    }
    let profiles = &compute.fargate_profiles;
    for (i, profile) in profiles.iter().enumerate() {
        let path = format!("compute.fargateProfiles[{i}]");
        fargate::profile(&path, profile, errors);
        let id = pascal_case(&profile.name);
        if let Some(other) = profiles[..i].iter().find(|p| pascal_case(&p.name) == id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with Fargate profile `{}`: names must differ in more than '-' and '_'",
                    profile.name, other.name
                ),
            );
        }
    }
    fargate::coredns(compute, errors);
    let auto = &compute.auto_mode;
    if let Some(pools) = &auto.node_pools {
        if !auto.enabled {
            errors.push(
                "compute.autoMode.nodePools",
                codes::AUTO_MODE,
                "node pools need Auto Mode: add `enabled: true`",
            );
        }
        for (i, pool) in pools.iter().enumerate() {
            if pools[..i].contains(pool) {
                errors.push(
                    format!("compute.autoMode.nodePools[{i}]"),
                    codes::DUPLICATE,
                    format!("`{}` is listed twice", pool.as_str()),
                );
            }
        }
    }
}
