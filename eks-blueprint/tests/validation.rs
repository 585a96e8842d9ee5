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

// ---------------------------------------------------------------- access policies

/// A blueprint whose only access entry has these `policies` (YAML flow list).
fn entry(policies: &str) -> String {
    format!(
        "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: {policies}\n"
    )
}

const NO_ACCESS: &str = "nobody could ever use the cluster: add an access entry with a policy (e.g. ClusterAdmin for your admin role) or set bootstrapClusterCreatorAdminPermissions: true";

#[test]
fn unknown_access_policy_names_are_refused_with_a_suggestion_and_grant_nothing() {
    assert_eq!(
        errors(&entry("[{policy: Clusteradmin}]")),
        vec![
            e(
                "cluster.access.entries[0].policies[0].policy",
                "unknown-access-policy",
                "`Clusteradmin` is not an EKS access policy (did you mean `ClusterAdmin`?): write ClusterAdmin, Admin, Edit, View or a policy name like AmazonEKSAdminViewPolicy (names are case-sensitive); for a policy newer than eks-blueprint's list, write {unlisted: <name>}"
            ),
            e("cluster.access", "no-access", NO_ACCESS),
        ]
    );
    assert_eq!(
        errors(&entry("[{policy: ''}]")),
        vec![
            e(
                "cluster.access.entries[0].policies[0].policy",
                "unknown-access-policy",
                "`` is not an EKS access policy: write ClusterAdmin, Admin, Edit, View or a policy name like AmazonEKSAdminViewPolicy (names are case-sensitive); for a policy newer than eks-blueprint's list, write {unlisted: <name>}"
            ),
            e("cluster.access", "no-access", NO_ACCESS),
        ]
    );
    assert_eq!(
        error(&entry("[{policy: View}, {policy: AmazonEKSAdminVeiwPolicy}]")),
        e(
            "cluster.access.entries[0].policies[1].policy",
            "unknown-access-policy",
            "`AmazonEKSAdminVeiwPolicy` is not an EKS access policy (did you mean `AmazonEKSAdminViewPolicy`?): write ClusterAdmin, Admin, Edit, View or a policy name like AmazonEKSAdminViewPolicy (names are case-sensitive); for a policy newer than eks-blueprint's list, write {unlisted: <name>}"
        )
    );
    // The same from Rust: Other("") is not a policy.
    let refused = Blueprint::builder("demo")
        .cluster(ClusterSpec::builder().access_entry(
            AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::Other(String::new())),
        ))
        .build();
    let codes: Vec<&str> = built_errors(refused).iter().map(|e| e.1).collect();
    assert_eq!(codes, vec!["unknown-access-policy", "no-access"]);
}

#[test]
fn listed_policy_names_render_their_arn() {
    let bp = Blueprint::from_yaml(&entry(
        "[{policy: AmazonEKSAdminViewPolicy}, {policy: AmazonEKSSecretReaderPolicy, namespaces: [apps]}]",
    ))
    .unwrap();
    let t = template(&bp, "demo-cluster");
    assert_eq!(
        t["Resources"]["AccessEntryRoleAdmin"]["Properties"]["AccessPolicies"],
        json!([
            {"AccessScope": {"Type": "cluster"}, "PolicyArn": {"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"}},
            {"AccessScope": {"Type": "namespace", "Namespaces": ["apps"]}, "PolicyArn": {"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSSecretReaderPolicy"}},
        ])
    );
}

#[test]
fn unlisted_policies_are_deliberate_and_still_checked() {
    let bp = Blueprint::from_yaml(&entry("[{policy: {unlisted: AmazonEKSFuturePolicy}}]")).unwrap();
    assert_eq!(bp.cluster.access.entries[0].policies[0].policy, AccessPolicy::Unlisted("AmazonEKSFuturePolicy".into()));
    let t = template(&bp, "demo-cluster");
    assert_eq!(
        t["Resources"]["AccessEntryRoleAdmin"]["Properties"]["AccessPolicies"][0]["PolicyArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSFuturePolicy"})
    );
    for bad in ["amazonEKSFuturePolicy", "AmazonPolicy", "AmazonEKS${AWS::Region}Policy", "AmazonEKS Future Policy", ""]
    {
        assert_eq!(
            errors(&entry(&format!("[{{policy: {{unlisted: {}}}}}]", serde_json::to_string(bad).unwrap()))),
            vec![
                e(
                    "cluster.access.entries[0].policies[0].policy",
                    "invalid-access-policy",
                    &format!("`{bad}` is not an EKS access policy name: they read Amazon<letters and digits>Policy, like AmazonEKSAdminViewPolicy")
                ),
                e("cluster.access", "no-access", NO_ACCESS),
            ],
            "{bad}"
        );
    }
}

#[test]
fn service_linked_role_policies_are_refused_for_your_roles() {
    assert_eq!(
        errors(&entry("[{policy: View}, {policy: AmazonEKSComputePolicy}, {policy: {unlisted: AmazonEKSHybridPolicy}}]")),
        vec![
            e(
                "cluster.access.entries[0].policies[1].policy",
                "service-linked-access-policy",
                "`AmazonEKSComputePolicy` is reserved for AWS service-linked roles: EKS refuses it for an access entry of your own role or user"
            ),
            e(
                "cluster.access.entries[0].policies[2].policy",
                "service-linked-access-policy",
                "`AmazonEKSHybridPolicy` is reserved for AWS service-linked roles: EKS refuses it for an access entry of your own role or user"
            ),
        ]
    );
}

#[test]
fn an_empty_namespace_list_is_refused_not_widened_to_the_cluster() {
    assert_eq!(
        error(&format!(
            "{}      - principalArn: arn:aws:iam::123456789012:role/Tenant\n        policies: [{{policy: Edit, namespaces: []}}]\n",
            entry("[{policy: ClusterAdmin}]")
        )),
        e(
            "cluster.access.entries[1].policies[0].namespaces",
            "empty-namespaces",
            "the namespace list is empty, which EKS would read as the whole cluster for `AmazonEKSEditPolicy`; list the namespaces, or leave namespaces out to grant it cluster-wide on purpose"
        )
    );
    // From Rust: a namespace list that came out empty.
    let tenant_namespaces: Vec<String> = Vec::new();
    let refused = Blueprint::builder("demo")
        .cluster(
            ClusterSpec::builder()
                .access_entry(
                    AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
                )
                .access_entry(
                    AccessEntrySpec::new("arn:aws:iam::123456789012:role/Tenant")
                        .namespaced_policy(AccessPolicy::Edit, tenant_namespaces),
                ),
        )
        .build();
    assert_eq!(
        built_errors(refused),
        vec![e(
            "cluster.access.entries[1].policies[0].namespaces",
            "empty-namespaces",
            "the namespace list is empty, which EKS would read as the whole cluster for `AmazonEKSEditPolicy`; list the namespaces, or leave namespaces out to grant it cluster-wide on purpose"
        )]
    );
    // Leaving the key out is the cluster, on purpose.
    let bp = Blueprint::from_yaml(&entry("[{policy: View}]")).unwrap();
    assert_eq!(
        template(&bp, "demo-cluster")["Resources"]["AccessEntryRoleAdmin"]["Properties"]["AccessPolicies"][0]
            ["AccessScope"],
        json!({"Type": "cluster"})
    );
}

#[test]
fn the_same_policy_twice_is_found_whatever_its_spelling() {
    assert_eq!(
        error(&entry("[{policy: ClusterAdmin}, {policy: AmazonEKSClusterAdminPolicy}]")),
        e(
            "cluster.access.entries[0].policies[1]",
            "duplicate",
            "`AmazonEKSClusterAdminPolicy` is associated twice; list its namespaces in one association"
        )
    );
    assert_eq!(
        error(&entry("[{policy: AmazonEKSClusterAdminPolicy, namespaces: [a]}]")),
        e(
            "cluster.access.entries[0].policies[0]",
            "scope",
            "ClusterAdmin applies to the whole cluster; use Admin for namespaces"
        )
    );
}
