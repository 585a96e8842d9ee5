//! CloudFormation quotas (500 resources, 200 outputs, 1 MB template) reached from a valid
//! blueprint: the error is a validation error on the blueprint field to change, with
//! where the stack's resources or bytes come from.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Blueprint, Error, Format, ValidationError};

fn head(name: &str, extra: &str) -> String {
    format!(
        "name: {name}\n{extra}cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{{policy: ClusterAdmin}}]\n"
    )
}

fn node_groups(n: usize) -> String {
    let mut s = String::from("compute:\n  managedNodeGroups:\n");
    for i in 0..n {
        s.push_str(&format!("    - name: group{i}\n"));
    }
    s
}

/// The single validation error of a blueprint that synthesizes past a quota.
fn quota_error(yaml: &str) -> ValidationError {
    let blueprint = Blueprint::from_yaml(yaml).unwrap();
    match blueprint.synth(Format::Json) {
        Err(Error::Invalid(errors)) => {
            assert_eq!(errors.0.len(), 1, "{errors}");
            errors.0[0].clone()
        }
        Err(other) => panic!("expected a validation error, got {other}"),
        Ok(_) => panic!("expected a quota error, the blueprint synthesized"),
    }
}

#[test]
fn node_groups_past_500_resources_split_since_coredns_waits_from_the_addons_stack() {
    // A managed node group is a launch template and a node group: 250 of them are 500
    // resources, plus the compute stack's node role. CoreDNS, which waits for every node
    // group, is in the add-ons stack, so no resource of the compute stack refers to a node
    // group and the entries can move to a numbered stack (docs/scale.md).
    let assembly = Blueprint::from_yaml(&(head("big", "") + &node_groups(250))).unwrap().synth(Format::Json).unwrap();
    let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["big-network", "big-cluster", "big-compute", "big-compute-2", "big-addons"]);
    for stack in assembly.stacks() {
        let resources = stack.template["Resources"].as_object().map_or(0, |r| r.len());
        assert!(resources <= eks_blueprint::synth::MAX_RESOURCES, "{}: {resources}", stack.name);
    }
    let addons = assembly.stack("big-addons").unwrap();
    assert_eq!(addons.dependencies.keys().collect::<Vec<_>>(), ["big-cluster", "big-compute", "big-compute-2"]);
}

#[test]
fn in_a_single_stack_the_error_also_suggests_stacks_by_lifecycle() {
    let e = quota_error(&(head("big", "stackLayout: single\n") + &node_groups(240)));
    assert_eq!(e.path, "compute.managedNodeGroups");
    // The counts of the network and cluster parts follow their own features; the point is
    // the field named and the hint.
    assert!(e.message.starts_with("stack `big`: the number of resources is 5"), "{}", e.message);
    assert!(e.message.contains("; 480 come from compute.managedNodeGroups (240 entries), "), "{}", e.message);
    assert!(e.message.contains(" from network, "), "{}", e.message);
    assert!(
        e.message.ends_with(
            "fewer entries in compute.managedNodeGroups bring it under the limit, \
             or `stackLayout: perLifecycle` spreads the platform over several stacks"
        ),
        "{}",
        e.message
    );
}

#[test]
fn a_template_too_large_is_split_by_its_list_entries() {
    // 150 identities of about 7 KB each: more than the 1 MB a template may hold. Before
    // automatic splitting this was a `stack-quota` error on `identities`; now the entries
    // go to numbered stacks (docs/scale.md), each under the limit.
    let mut yaml = head("big", "") + "compute:\n  managedNodeGroups:\n    - name: general\nidentities:\n";
    let long = "b".repeat(2000);
    for i in 0..150 {
        yaml.push_str(&format!(
            "  - name: reader{i}\n    namespace: reports\n    serviceAccount: reader{i}\n    statements:\n      - actions: [s3:ListBucket]\n        resources: [\"arn:aws:s3:::reports\"]\n        conditions:\n          StringLike:\n            s3:prefix: [\"a/{long}/*\", \"b/{long}/*\", \"c/{long}/*\"]\n"
        ));
    }
    let assembly = Blueprint::from_yaml(&yaml).unwrap().synth(Format::Json).unwrap();
    let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["big-network", "big-cluster", "big-cluster-2", "big-compute", "big-addons"]);
    for stack in assembly.stacks() {
        let bytes = assembly.files()[&stack.template_file].len();
        assert!(bytes <= eks_blueprint::synth::MAX_TEMPLATE_BYTES, "{}: {bytes}", stack.name);
    }
}
