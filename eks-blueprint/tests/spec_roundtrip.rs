//! The blueprint spec round-trips: every example, parsed and written back as YAML (and as
//! JSON), parses to the same spec and compiles to the same blueprint; a spec built in Rust
//! writes out as the file a user would have written, with nothing left at its default
//! spelled out (issue 8, "Done when").

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use eks_blueprint::{
    AccessEntrySpec, AccessPolicy, Blueprint, BlueprintSpec, ClusterSpec, KarpenterNodePool, ManagedNodeGroup, Network,
};
use support::example_files;

#[test]
fn every_example_round_trips_through_yaml_and_json() {
    for path in example_files() {
        let name = path.display();
        let spec = BlueprintSpec::from_path(&path).unwrap_or_else(|e| panic!("{name}: {e}"));

        let yaml = serde_yaml::to_string(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_yaml = BlueprintSpec::from_yaml(&yaml).unwrap_or_else(|e| panic!("{name} written back:\n{yaml}\n{e}"));
        assert_eq!(from_yaml, spec, "{name}: the spec written as YAML reads back different:\n{yaml}");

        let json = serde_json::to_string_pretty(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        let from_json = BlueprintSpec::from_json(&json).unwrap_or_else(|e| panic!("{name} written back:\n{json}\n{e}"));
        assert_eq!(from_json, spec, "{name}: the spec written as JSON reads back different:\n{json}");

        // Writing is stable: the spec read back writes the same text.
        assert_eq!(serde_yaml::to_string(&from_yaml).unwrap(), yaml, "{name}");

        // And it is the same platform.
        let blueprint = spec.compile().unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(from_yaml.compile().unwrap_or_else(|e| panic!("{name}: {e}")), blueprint, "{name}");
    }
}

#[test]
fn a_spec_writes_only_what_was_set() {
    let spec = BlueprintSpec::builder("demo").spec();
    assert_eq!(serde_yaml::to_string(&spec).unwrap(), "name: demo\n");

    let admin = AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin);
    let spec = BlueprintSpec::builder("demo")
        .network(Network::builder().cidr("10.1.0.0/16"))
        .cluster(ClusterSpec::builder().access_entry(admin))
        .managed_node_group(ManagedNodeGroup::builder("general").max_size(6))
        .spec();
    assert_eq!(
        serde_yaml::to_string(&spec).unwrap(),
        "\
name: demo
network:
  cidr: 10.1.0.0/16
cluster:
  access:
    entries:
    - principalArn: arn:aws:iam::123456789012:role/Admin
      policies:
      - policy: ClusterAdmin
compute:
  managedNodeGroups:
  - name: general
    maxSize: 6
"
    );
}

#[test]
fn a_spec_built_in_rust_round_trips_and_compiles_the_same() {
    let admin = AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin);
    let spec = BlueprintSpec::builder("demo")
        .network(Network::builder().cidr("10.1.0.0/16").availability_zones(2))
        .cluster(ClusterSpec::builder().public_endpoint(["203.0.113.0/24"]).access_entry(admin))
        .managed_node_group(ManagedNodeGroup::builder("system").instance_types(["m7i.large"]).min_size(2))
        .karpenter(
            eks_blueprint::Karpenter::builder()
                .node_pool(KarpenterNodePool::builder("general").instance_categories(["c", "m"]).weight(10)),
        )
        .spec();
    let yaml = serde_yaml::to_string(&spec).unwrap();
    let back = BlueprintSpec::from_yaml(&yaml).unwrap_or_else(|e| panic!("{yaml}\n{e}"));
    assert_eq!(back, spec, "{yaml}");
    let blueprint: Blueprint = spec.compile().unwrap();
    assert_eq!(back.compile().unwrap(), blueprint);
}
