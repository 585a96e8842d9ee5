//! The reference platform written with the Rust builder API. It produces exactly the
//! templates of `examples/reference.yaml` (a test asserts this).
//!
//! ```sh
//! cargo run -p eks-blueprint --example reference -- out/
//! ```

use eks_blueprint::{
    AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Error, Format, KubernetesVersion, LogType, ManagedNodeGroup,
    NatGateways, Network,
};

/// The reference blueprint.
pub fn blueprint() -> Result<Blueprint, Error> {
    Blueprint::builder("reference")
        .kubernetes_version(KubernetesVersion::V1_35)
        .tag("team", "platform")
        .network(Network::builder().cidr("10.0.0.0/16").availability_zones(3).nat_gateways(NatGateways::PerAz))
        .cluster(
            ClusterSpec::builder()
                .public_endpoint(["203.0.113.0/24"])
                .logging([
                    LogType::Api,
                    LogType::Audit,
                    LogType::Authenticator,
                    LogType::ControllerManager,
                    LogType::Scheduler,
                ])
                .access_entry(
                    AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
                ),
        )
        .managed_node_group(
            ManagedNodeGroup::builder("general")
                .instance_types(["m7i.large"])
                .min_size(2)
                .desired_size(3)
                .max_size(6)
                .label("workload", "general"),
        )
        .build()
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args().nth(1).unwrap_or_else(|| "out".into());
    let assembly = blueprint()?.synth(Format::Json)?;
    assembly.write_to(&out)?;
    for stack in assembly.stacks() {
        println!("{}: {}/{}", stack.name, out, stack.template_file);
    }
    Ok(())
}
