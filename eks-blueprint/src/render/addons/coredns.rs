//! The `coredns` add-on's hook: on a Fargate-only cluster CoreDNS must ask for Fargate
//! capacity (declaration: `compile::addons::coredns`).

use serde_json::json;

use super::Hook;
use crate::blueprint::Blueprint;

/// The hook.
pub(crate) const HOOK: Hook = Hook { configuration: Some(configuration), role: None, render: None };

/// `{"computeType": "Fargate"}` when Fargate is the only compute that runs CoreDNS.
fn configuration(bp: &Blueprint) -> Option<String> {
    let compute = &bp.compute;
    let on_fargate = !compute.fargate_profiles.is_empty()
        && compute.managed_node_groups.is_empty()
        && compute.self_managed_node_groups.is_empty()
        && compute.auto_mode.is_none();
    on_fargate.then(|| json!({"computeType": "Fargate"}).to_string())
}
