//! Values that would fail at deploy fail at synth: instance types, Kubernetes versions, EKS
//! access policies, tags, and user strings that CloudFormation would read as `Fn::Sub`
//! variables. Each refusal is asserted by field path, code and message; each accepted
//! boundary value by the template it renders.

// Test helpers (not #[test] functions) may panic on unexpected results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::model::cluster::VERSIONS_AS_OF;
use eks_blueprint::{
    AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Error, Format, KubernetesVersion, ManagedNodeGroup,
    SelfManagedNodeGroup,
};
use serde_json::{json, Value};

/// A valid blueprint head (an admin access entry), with `rest` (top-level YAML) appended.
fn yaml(rest: &str) -> String {
    format!(
        "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{{policy: ClusterAdmin}}]\n{rest}"
    )
}

/// The validation errors of an invalid blueprint, as `(path, code, message)`.
fn errors(text: &str) -> Vec<(String, &'static str, String)> {
    match Blueprint::from_yaml(text) {
        Err(Error::Invalid(errors)) => errors.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

/// The single validation error of an invalid blueprint.
fn error(text: &str) -> (String, &'static str, String) {
    let mut all = errors(text);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

fn built_errors(result: Result<Blueprint, Error>) -> Vec<(String, &'static str, String)> {
    match result {
        Err(Error::Invalid(errors)) => errors.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

fn e(path: &str, code: &'static str, message: &str) -> (String, &'static str, String) {
    (path.to_owned(), code, message.to_owned())
}

fn template(bp: &Blueprint, stack: &str) -> Value {
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    assembly.stack(stack).unwrap_or_else(|| panic!("no stack {stack}")).template.clone()
}

fn admin() -> ClusterSpec {
    ClusterSpec::builder()
        .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin))
        .build()
}

// ---------------------------------------------------------------- instance types

#[test]
fn a_misspelled_instance_type_is_refused_with_the_closest_names() {
    assert_eq!(
        error(&yaml("compute:\n  managedNodeGroups: [{name: a, instanceTypes: [m7i.lrage]}]\n")),
        e(
            "compute.managedNodeGroups[0].instanceTypes[0]",
            "unknown-instance-type",
            "`m7i.lrage` is not an EC2 instance type eks-blueprint knows (did you mean `m7i.large`?); for a type newer than its table (instance types of 2026-08-11), set allowUnlistedInstanceTypes: true"
        )
    );
    assert_eq!(
        error(&yaml("compute:\n  selfManagedNodeGroups: [{name: a, instanceTypes: [m7i.large, c7i.xlage]}]\n")),
        e(
            "compute.selfManagedNodeGroups[0].instanceTypes[1]",
            "unknown-instance-type",
            "`c7i.xlage` is not an EC2 instance type eks-blueprint knows (did you mean `c7i.xlarge`?); for a type newer than its table (instance types of 2026-08-11), set allowUnlistedInstanceTypes: true"
        )
    );
    // Nothing close: no hint.
    assert_eq!(
        error(&yaml("compute:\n  managedNodeGroups: [{name: a, instanceTypes: [zz9.huge]}]\n")).2,
        "`zz9.huge` is not an EC2 instance type eks-blueprint knows; for a type newer than its table (instance types of 2026-08-11), set allowUnlistedInstanceTypes: true"
    );
}

#[test]
fn unlisted_instance_types_need_the_escape_hatch_and_still_follow_the_rules() {
    // Accepted and rendered as written once allowed.
    let bp = Blueprint::from_yaml(&yaml(
        "compute:\n  managedNodeGroups: [{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [m7i.large, m10i.large]}]\n",
    ))
    .unwrap();
    let t = template(&bp, "demo-compute");
    assert_eq!(t["Resources"]["NodegroupA"]["Properties"]["InstanceTypes"], json!(["m7i.large", "m10i.large"]));
    // The architecture of an unlisted type comes from its name: m10g is Graviton.
    assert_eq!(
        error(&yaml(
            "compute:\n  managedNodeGroups: [{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [m10g.large]}]\n"
        )),
        e(
            "compute.managedNodeGroups[0].instanceTypes[0]",
            "arch-mismatch",
            "`m10g.large` is an arm64 (Graviton) instance type but amiType AL2023_x86_64_STANDARD is for x86_64: use amiType AL2023_ARM_64_STANDARD or an x86_64 instance type"
        )
    );
    // And it must still look like an instance type.
    assert_eq!(
        error(&yaml(
            "compute:\n  selfManagedNodeGroups: [{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [M10i.large]}]\n"
        )),
        e("compute.selfManagedNodeGroups[0].instanceTypes[0]", "invalid-instance-type", "`M10i.large` is not an EC2 instance type like m7i.large"),
    );
}

#[test]
fn malformed_instance_types_are_refused_whatever_the_escape_hatch() {
    assert_eq!(
        errors(&yaml(
            "compute:\n  selfManagedNodeGroups: [{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [m10i..large, .large, m10i.]}]\n"
        )),
        vec![
            e("compute.selfManagedNodeGroups[0].instanceTypes[0]", "invalid-instance-type", "`m10i..large` is not an EC2 instance type like m7i.large"),
            e("compute.selfManagedNodeGroups[0].instanceTypes[1]", "invalid-instance-type", "`.large` is not an EC2 instance type like m7i.large"),
            e("compute.selfManagedNodeGroups[0].instanceTypes[2]", "invalid-instance-type", "`m10i.` is not an EC2 instance type like m7i.large"),
        ]
    );
}

#[test]
fn the_builder_has_the_same_escape_hatch() {
    let refused = Blueprint::builder("demo")
        .cluster(admin())
        .managed_node_group(ManagedNodeGroup::builder("a").instance_types(["m10i.large"]))
        .build();
    assert_eq!(built_errors(refused)[0].1, "unknown-instance-type");
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .self_managed_node_group(
            SelfManagedNodeGroup::builder("a").instance_types(["m10i.large"]).allow_unlisted_instance_types(true),
        )
        .build()
        .unwrap();
    assert!(bp.compute.self_managed_node_groups[0].allow_unlisted_instance_types);
}

#[test]
fn ec2_mac_instance_types_cannot_be_nodes() {
    assert_eq!(
        error(&yaml("compute:\n  managedNodeGroups: [{name: a, amiType: AL2023_ARM_64_STANDARD, instanceTypes: [mac2-m2.metal]}]\n")),
        e(
            "compute.managedNodeGroups[0].instanceTypes[0]",
            "unsupported-instance-type",
            "`mac2-m2.metal` is an EC2 Mac instance type, which runs macOS only: EKS nodes need a Linux instance type"
        )
    );
}

#[test]
fn the_architecture_check_reads_the_table() {
    // Bare-metal and newest-generation sizes are in the table with their architecture.
    let bp = Blueprint::from_yaml(&yaml(
        "compute:\n  managedNodeGroups: [{name: a, amiType: AL2023_ARM_64_STANDARD, instanceTypes: [c8gb.metal-24xl, m8g.large, a1.metal]}]\n",
    ));
    assert!(bp.is_ok(), "{bp:?}");
    assert_eq!(
        error(&yaml("compute:\n  managedNodeGroups: [{name: a, instanceTypes: [i8ge.large]}]\n")).1,
        "arch-mismatch"
    );
}

// ---------------------------------------------------------------- Kubernetes versions

fn version_error(version: &str) -> (String, &'static str, String) {
    error(&yaml(&format!("kubernetesVersion: {}\n", serde_json::to_string(version).unwrap())))
}

const KNOWN: &str = "known: 1.32, 1.33, 1.34, 1.35, 1.36";

#[test]
fn malformed_versions_are_refused() {
    for v in ["1.00", "1.3x", "2.0", " 1.35", "1.35 ", "1.5", "1.05", "1.100", "", "v1.35", "1.35.2"] {
        assert_eq!(
            version_error(v),
            e(
                "kubernetesVersion",
                "invalid-version",
                &format!("`{v}` is not a Kubernetes minor version like 1.33 ({KNOWN})")
            ),
            "{v:?}"
        );
    }
}

#[test]
fn versions_past_extended_support_are_refused_with_the_date() {
    for (v, date) in [("1.29", "2026-03-23"), ("1.30", "2026-07-23"), ("1.31", "2026-11-26")] {
        assert_eq!(
            version_error(v),
            e(
                "kubernetesVersion",
                "unsupported-version",
                &format!("Kubernetes {v} reached the end of Amazon EKS extended support on {date}: EKS no longer creates clusters of it; use 1.32 or later ({KNOWN})")
            )
        );
    }
    for v in ["1.28", "1.10"] {
        assert_eq!(
            version_error(v),
            e(
                "kubernetesVersion",
                "unsupported-version",
                &format!("Kubernetes {v} is older than every version Amazon EKS still supports (the oldest is 1.32, as of 2026-12-02); use 1.32 or later ({KNOWN})")
            )
        );
    }
    // The same from Rust.
    let refused = Blueprint::builder("demo").cluster(admin()).kubernetes_version(KubernetesVersion::of("1.31")).build();
    assert_eq!(built_errors(refused)[0].1, "unsupported-version");
}

#[test]
fn the_escape_hatch_takes_only_versions_newer_than_the_known_ones() {
    let bp = Blueprint::from_yaml(&yaml("kubernetesVersion: \"1.37\"\n")).unwrap();
    assert_eq!(bp.kubernetes_version, KubernetesVersion::Other("1.37".into()));
    let t = template(&bp, "demo-cluster");
    assert_eq!(t["Resources"]["Cluster"]["Properties"]["Version"], json!("1.37"));
    // Every supported version renders as itself.
    for v in KubernetesVersion::KNOWN {
        let bp = Blueprint::builder("demo").cluster(admin()).kubernetes_version(v.clone()).build().unwrap();
        assert_eq!(template(&bp, "demo-cluster")["Resources"]["Cluster"]["Properties"]["Version"], json!(v.as_str()));
    }
    // A known version spelled through the escape hatch is still the known version.
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .kubernetes_version(KubernetesVersion::Other("1.33".into()))
        .build()
        .unwrap();
    assert_eq!(bp.kubernetes_version.as_str(), "1.33");
}

#[test]
fn the_calendar_covers_every_known_version_oldest_first() {
    let calendar: Vec<&str> = KubernetesVersion::CALENDAR.iter().map(|s| s.version).collect();
    for v in KubernetesVersion::KNOWN {
        assert!(calendar.contains(&v.as_str()), "{v}");
        let support = v.support().unwrap();
        assert!(support.end_of_extended_support.is_none_or(|d| d > VERSIONS_AS_OF), "{v} is retired");
    }
    assert!(calendar.windows(2).all(|w| w[0] < w[1]));
    // The default is supported, in standard support.
    let default = KubernetesVersion::default();
    assert!(default.support().unwrap().end_of_standard_support.unwrap() > VERSIONS_AS_OF);
}
