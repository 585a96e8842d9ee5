//! Values that would fail at deploy fail at synth: instance types, Kubernetes versions, EKS
//! access policies, tags, and user strings that CloudFormation would read as `Fn::Sub`
//! variables. Each refusal is asserted by field path, code and message; each accepted
//! boundary value by the template it renders.

// Test helpers (not #[test] functions) may panic on unexpected results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::compile::data::versions::{self as calendar, VERSIONS_AS_OF};
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
    assert_eq!(bp.spec().compute.self_managed_node_groups[0].allow_unlisted_instance_types, Some(true));
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
    assert_eq!(*bp.kubernetes_version(), KubernetesVersion::Other("1.37".into()));
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
    assert_eq!(bp.kubernetes_version().as_str(), "1.33");
}

#[test]
fn the_calendar_covers_every_known_version_oldest_first() {
    let calendar: Vec<&str> = calendar::CALENDAR.iter().map(|s| s.version).collect();
    for v in KubernetesVersion::KNOWN {
        assert!(calendar.contains(&v.as_str()), "{v}");
        let support = calendar::support(&v).unwrap();
        assert!(support.end_of_extended_support.is_none_or(|d| d > VERSIONS_AS_OF), "{v} is retired");
    }
    assert!(calendar.windows(2).all(|w| w[0] < w[1]));
    // The default is supported, in standard support.
    let default = KubernetesVersion::default();
    assert!(calendar::support(&default).unwrap().end_of_standard_support.unwrap() > VERSIONS_AS_OF);
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
fn a_short_name_given_as_another_policy_is_that_policy() {
    let bp = Blueprint::builder("demo")
        .cluster(
            ClusterSpec::builder().access_entry(
                AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin")
                    .policy(AccessPolicy::Other("ClusterAdmin".into())),
            ),
        )
        .build()
        .unwrap();
    assert_eq!(
        template(&bp, "demo-cluster")["Resources"]["AccessEntryRoleAdmin"]["Properties"]["AccessPolicies"][0]
            ["PolicyArn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"})
    );
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
    assert_eq!(
        bp.spec().cluster.access.entries[0].policies[0].policy,
        AccessPolicy::Unlisted("AmazonEKSFuturePolicy".into())
    );
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
            "empty",
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
            "empty",
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

// ---------------------------------------------------------------- tags

const CHARS: &str =
    "tags take letters, digits, spaces and _ . : / = + - @ only (the characters every AWS service accepts)";
const BLUEPRINT_LIMITS: &str = "the blueprint's tags reach EKS add-ons and Fargate profiles, which take keys of 1 to 127 characters and values of 1 to 255";

/// `tags:` of the blueprint, from (key, value) pairs written as JSON strings.
fn with_tags(pairs: &[(&str, &str)]) -> String {
    // JSON strings are YAML double-quoted strings, but YAML reads a raw U+2028 or U+2029 as a
    // line break: write those as escapes.
    let quoted =
        |s: &str| serde_json::to_string(s).unwrap().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    let tags: Vec<String> = pairs.iter().map(|(k, v)| format!("  {}: {}", quoted(k), quoted(v))).collect();
    yaml(&format!("tags:\n{}\n", tags.join("\n")))
}

#[test]
fn blueprint_tags_meet_the_strictest_rule_of_every_resource_they_reach() {
    let long_key = "k".repeat(128);
    let long_value = "v".repeat(256);
    assert_eq!(
        errors(&with_tags(&[
            ("team$x", "a"),
            ("", "a"),
            (&long_key, "a"),
            ("aws:owner", "a"),
            ("AWS:Owner", "a"),
            ("empty", ""),
            ("long", &long_value),
            ("newline", "a\nb"),
            ("braces", "${AWS::Region}"),
            ("prefixed", "Aws:x"),
            ("\u{2028}team", "a"),
        ])),
        vec![
            e("tags", "invalid-tag", &format!("the tag key `team$x` contains `$` (U+0024): {CHARS}")),
            e("tags", "invalid-tag", &format!("a tag key is empty; {BLUEPRINT_LIMITS}")),
            e("tags", "invalid-tag", &format!("the tag key `{}…` has 128 characters, more than 127; {BLUEPRINT_LIMITS}", "k".repeat(80))),
            e("tags", "invalid-tag", "the tag key `aws:owner` starts with aws:, a prefix reserved for AWS"),
            e("tags", "invalid-tag", "the tag key `AWS:Owner` starts with aws:, a prefix reserved for AWS"),
            e("tags.empty", "invalid-tag", &format!("the value of tag `empty` is empty; {BLUEPRINT_LIMITS}")),
            e("tags.long", "invalid-tag", &format!("the value of tag `long` has 256 characters; {BLUEPRINT_LIMITS}")),
            e("tags.newline", "invalid-tag", &format!("the value `a\\u{{a}}b` of tag `newline` contains U+000A: {CHARS}")),
            e("tags.braces", "invalid-tag", &format!("the value `${{AWS::Region}}` of tag `braces` contains `$` (U+0024): {CHARS}")),
            e("tags.prefixed", "invalid-tag", "the value of tag `prefixed` starts with aws:, a prefix reserved for AWS"),
            e(
                "tags",
                "invalid-tag",
                &format!("the tag key `\\u{{2028}}team` contains U+2028 (LINE SEPARATOR, read as a line break by YAML and JavaScript): {CHARS}")
            ),
        ]
    );
}

#[test]
fn node_group_and_fargate_tags_follow_their_own_resource_types() {
    let key128 = "k".repeat(128);
    // A managed node group (AWS::EKS::Nodegroup) and an Auto Scaling group take 128-character
    // keys and empty values; a Fargate profile does not.
    let ok = Blueprint::from_yaml(&yaml(&format!(
        "compute:\n  managedNodeGroups: [{{name: a, tags: {{{key128}: '', team: 'a b'}}}}]\n  selfManagedNodeGroups: [{{name: b, tags: {{{key128}: ''}}}}]\n"
    )))
    .unwrap();
    let t = template(&ok, "demo-compute");
    assert_eq!(t["Resources"]["NodegroupA"]["Properties"]["Tags"][key128.as_str()], json!(""));
    assert_eq!(t["Resources"]["NodegroupA"]["Properties"]["Tags"]["team"], json!("a b"));
    assert!(t["Resources"]["SelfManagedGroupB"]["Properties"]["Tags"]
        .as_array()
        .unwrap()
        .contains(&json!({"Key": key128, "PropagateAtLaunch": true, "Value": ""})));
    assert_eq!(
        errors(&yaml(&format!(
            "compute:\n  managedNodeGroups: [{{name: a, tags: {{'a#b': x, k: \"v v\\P\"}}}}]\n  fargateProfiles: [{{name: f, selectors: [{{namespace: kube-system}}], tags: {{{key128}: x, empty: ''}}}}]\n"
        ))),
        vec![
            e("compute.managedNodeGroups[0].tags", "invalid-tag", &format!("the tag key `a#b` contains `#` (U+0023): {CHARS}")),
            e(
                "compute.managedNodeGroups[0].tags.k",
                "invalid-tag",
                &format!("the value `v v\\u{{2029}}` of tag `k` contains U+2029 (PARAGRAPH SEPARATOR, read as a line break by YAML and JavaScript): {CHARS}")
            ),
            e(
                "compute.fargateProfiles[0].tags",
                "invalid-tag",
                &format!("the tag key `{}…` has 128 characters, more than 127; Fargate profiles take tag keys of 1 to 127 characters and values of 1 to 255", "k".repeat(80))
            ),
            e(
                "compute.fargateProfiles[0].tags.empty",
                "invalid-tag",
                "the value of tag `empty` is empty; Fargate profiles take tag keys of 1 to 127 characters and values of 1 to 255"
            ),
        ]
    );
}

#[test]
fn letters_numbers_and_spaces_of_any_script_are_tags() {
    let key127 = "k".repeat(127);
    let value255 = "v".repeat(255);
    let bp = Blueprint::from_yaml(&with_tags(&[
        ("Équipe", "Données client"),
        ("部署", "開発 ٣"),
        ("cost-center/id_1", "a.b:c/d=e+f-g@h"),
        (&key127, &value255),
    ]))
    .unwrap();
    let t = template(&bp, "demo-cluster");
    let tags = &t["Resources"]["ClusterRole"]["Properties"]["Tags"];
    assert_eq!(tags[0], json!({"Key": "Équipe", "Value": "Données client"}));
    assert_eq!(tags[1], json!({"Key": "部署", "Value": "開発 ٣"}));
    assert_eq!(tags[3], json!({"Key": key127, "Value": value255}));
}

/// Every tag list in a template: resource `Tags` (list or map), `TagSpecifications` of
/// launch templates and their data; `(logical id, keys)`.
fn tag_lists(template: &Value) -> Vec<(String, Vec<String>)> {
    fn keys(tags: &Value) -> Vec<String> {
        match tags {
            Value::Array(items) => items.iter().map(|t| t["Key"].as_str().unwrap().to_owned()).collect(),
            Value::Object(map) => map.keys().cloned().collect(),
            _ => Vec::new(),
        }
    }
    let mut out = Vec::new();
    for (id, r) in template["Resources"].as_object().unwrap() {
        let p = &r["Properties"];
        if !p["Tags"].is_null() {
            out.push((id.clone(), keys(&p["Tags"])));
        }
        for specs in [&p["TagSpecifications"], &p["LaunchTemplateData"]["TagSpecifications"]] {
            for spec in specs.as_array().into_iter().flatten() {
                out.push((format!("{id}/{}", spec["ResourceType"].as_str().unwrap()), keys(&spec["Tags"])));
            }
        }
    }
    out
}

/// The most tags any resource of the blueprint carries: in its templates, and on the instances
/// Karpenter launches (the EC2NodeClass tags plus Karpenter's own six).
fn most_tags(bp: &Blueprint) -> (usize, String) {
    let assembly = bp.synth(Format::Json).unwrap();
    let mut best = (0, String::new());
    for stack in assembly.stacks() {
        for (id, keys) in tag_lists(&stack.template) {
            if keys.len() > best.0 {
                best = (keys.len(), format!("{}/{id}", stack.name));
            }
        }
    }
    if let Some(class) =
        assembly.files().iter().find(|(path, _)| path.ends_with("karpenter-nodeclass.yaml")).map(|(_, c)| c)
    {
        let class: Value = serde_yaml::from_str(class).unwrap();
        let mut keys: Vec<String> =
            class["spec"]["tags"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
        for k in [
            "Name",
            "karpenter.sh/nodeclaim",
            "karpenter.sh/nodepool",
            "karpenter.k8s.aws/ec2nodeclass",
            "kubernetes.io/cluster/demo",
            "eks:eks-cluster-name",
        ] {
            if !keys.iter().any(|x| x == k) {
                keys.push(k.to_owned());
            }
        }
        if keys.len() > best.0 {
            best = (keys.len(), "Karpenter instances".into());
        }
    }
    best
}

fn numbered_tags(n: usize) -> String {
    let tags: Vec<String> = (0..n).map(|i| format!("  t{i:02}: v")).collect();
    if tags.is_empty() {
        String::new()
    } else {
        format!("tags:\n{}\n", tags.join("\n"))
    }
}

/// Blueprints that put the most eks-blueprint tags on some resource, each with `{TAGS}` where
/// the blueprint's tags go.
const TAG_HEAVY: [&str; 3] = [
    // Subnets, launch templates and a managed node group.
    "{TAGS}compute:\n  managedNodeGroups: [{name: a}]\n",
    // The Cluster Autoscaler with a self-managed group of labels and taints, a pod CIDR, a
    // managed group and a Fargate profile with tags of their own.
    "{TAGS}network: {cidr: 10.0.0.0/16, podCidr: 100.64.0.0/16}\ncompute:\n  clusterAutoscaler: true\n  managedNodeGroups: [{name: a, tags: {own: x}, kubelet: {maxPods: 20}}]\n  selfManagedNodeGroups: [{name: b, labels: {role: batch, tier: x}, taints: [{key: batch, value: x, effect: NoSchedule}], tags: {own1: x, own2: y}, kubelet: {maxPods: 20}}]\n  fargateProfiles: [{name: f, selectors: [{namespace: jobs}], tags: {own: x}}]\n",
    // Karpenter: its node security group and the instances it launches.
    "{TAGS}compute:\n  managedNodeGroups: [{name: a}]\n  karpenter: {}\n",
];

#[test]
fn the_tag_count_includes_what_eks_blueprint_adds_and_is_exact() {
    for blueprint in TAG_HEAVY {
        let text = |n: usize| yaml(&blueprint.replace("{TAGS}", &numbered_tags(n)));
        // The most blueprint tags accepted ...
        let most = (0..=MAX).rev().find(|n| Blueprint::from_yaml(&text(*n)).is_ok()).unwrap();
        // ... fill some resource to exactly 50 and none beyond.
        let bp = Blueprint::from_yaml(&text(most)).unwrap();
        let (count, resource) = most_tags(&bp);
        assert_eq!(count, 50, "{most} blueprint tags leave {resource} with {count} tags in\n{blueprint}");
        // One more is refused, with the field that overflows.
        let refused = errors(&text(most + 1));
        assert!(refused.iter().all(|e| e.1 == "too-many"), "{refused:#?}");
    }
}
const MAX: usize = 50;

#[test]
fn too_many_tags_name_the_field_and_what_eks_blueprint_adds() {
    assert_eq!(
        error(&yaml(&format!("{}compute:\n  managedNodeGroups: [{{name: a}}]\n", numbered_tags(47)))),
        e(
            "tags",
            "too-many",
            "47 tags, at most 46 (4 added by eks-blueprint on the private subnets: Name, kubernetes.io/role/internal-elb, kubernetes.io/cluster/demo, karpenter.sh/discovery): AWS takes 50 tags per resource"
        )
    );
    assert_eq!(
        error(&yaml(&format!(
            "{}compute:\n  clusterAutoscaler: true\n  selfManagedNodeGroups: [{{name: b, labels: {{role: batch}}, tags: {{own: x}}}}]\n",
            numbered_tags(45)
        ))),
        e(
            "compute.selfManagedNodeGroups[0].tags",
            "too-many",
            "the Auto Scaling group of `b` would carry 51 tags: 1 of its own, 45 from the blueprint's tags, 5 added by eks-blueprint (Name, kubernetes.io/cluster/demo, k8s.io/cluster-autoscaler/enabled, k8s.io/cluster-autoscaler/demo, and 1 more); AWS takes 50 tags per resource"
        )
    );
    // 20000 tags: one error, not one per resource.
    assert_eq!(
        error(&yaml(&numbered_tags(20000))).2,
        "20000 tags, at most 46 (4 added by eks-blueprint on the private subnets: Name, kubernetes.io/role/internal-elb, kubernetes.io/cluster/demo, karpenter.sh/discovery): AWS takes 50 tags per resource"
    );
}

// ---------------------------------------------------------------- findings from the table

fn findings(text: &str) -> Vec<String> {
    Blueprint::from_yaml(text).unwrap_or_else(|e| panic!("{e}")).findings().iter().map(ToString::to_string).collect()
}

/// The maxPods findings only (a pod CIDR with a private endpoint also gets EKSB-NETWORK-002).
fn max_pods_findings(yaml: &str) -> Vec<String> {
    findings(yaml).into_iter().filter(|f| f.contains("EKSB-COMPUTE-005")).collect()
}

#[test]
fn max_pods_above_the_pod_addresses_of_the_smallest_type_is_a_finding() {
    // m7g.large: 3 ENIs × (10 − 1) + 2 = 29 pods; m7g.xlarge: 4 × 14 + 2 = 58.
    assert_eq!(
        findings(&yaml(
            "compute:\n  managedNodeGroups: [{name: a, amiType: BOTTLEROCKET_ARM_64, instanceTypes: [m7g.xlarge, m7g.large], kubelet: {maxPods: 58}}, {name: b, amiType: BOTTLEROCKET_ARM_64, instanceTypes: [m7g.xlarge], kubelet: {maxPods: 58}}]\n"
        )),
        vec!["warning[EKSB-COMPUTE-005]: compute.managedNodeGroups[0].kubelet.maxPods: maxPods 58 is more pods than m7g.large gives VPC addresses to: 3 ENIs × (10 − 1) addresses + 2 = 29, without VPC CNI prefix delegation; pods above it stay in ContainerCreating. Set maxPods to at most 29"]
    );
    // With custom networking the primary ENI carries no pods: m7i.large gives 20.
    assert_eq!(
        max_pods_findings(&yaml(
            "network: {podCidr: 100.64.0.0/16}\ncompute:\n  selfManagedNodeGroups: [{name: b, instanceTypes: [m7i.large], kubelet: {maxPods: 21}}]\n"
        )),
        vec!["warning[EKSB-COMPUTE-005]: compute.selfManagedNodeGroups[0].kubelet.maxPods: maxPods 21 is more pods than m7i.large gives VPC addresses to with custom networking (the primary ENI carries no pods): (3 − 1) ENIs × (10 − 1) addresses + 2 = 20, without VPC CNI prefix delegation; pods above it stay in ContainerCreating. Set maxPods to at most 20"]
    );
    assert!(max_pods_findings(&yaml(
        "network: {podCidr: 100.64.0.0/16}\ncompute:\n  selfManagedNodeGroups: [{name: b, instanceTypes: [m7i.large], kubelet: {maxPods: 20}}]\n"
    ))
    .is_empty());
    // Unlisted types are not judged; ipv6 pods take addresses from prefixes.
    assert!(findings(&yaml(
        "compute:\n  managedNodeGroups: [{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [m10i.large], kubelet: {maxPods: 110}}]\n"
    ))
    .is_empty());
    let ipv6 = yaml("network: {ipv6: true}\ncompute:\n  managedNodeGroups: [{name: a, kubelet: {maxPods: 110}}]\n")
        .replace("cluster:\n  access:", "cluster:\n  ipFamily: ipv6\n  access:");
    assert!(findings(&ipv6).is_empty());
    // Suppressible, e.g. with prefix delegation turned on outside the blueprint.
    assert!(findings(&yaml(
        "compute:\n  managedNodeGroups: [{name: a, kubelet: {maxPods: 110}}]\nsuppress: [{rule: EKSB-COMPUTE-005, reason: prefix delegation is on}]\n"
    ))
    .is_empty());
}

// ---------------------------------------------------------------- Fn::Sub

const SUBSTITUTION: &str = "which CloudFormation reads as a substitution";

#[test]
fn strings_written_as_given_refuse_cloudformation_substitutions() {
    let text = r#"
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
      - principalArn: arn:aws:iam::123456789012:role/Dev
        username: dev-${AWS::AccountId}
        kubernetesGroups: ["team-${AWS::Region}"]
      - principalArn: arn:aws:iam::123456789012:role/${AWS::Region}
        policies: [{policy: View}]
compute:
  managedNodeGroups: [{name: a, sshKeyName: "key-${AWS::Region}", kubelet: {flags: ["--node-labels=region=${AWS::Region}"]}}]
  selfManagedNodeGroups: [{name: b, kubelet: {flags: ["--pod-infra-container-image=${Image}"]}, labels: {region: "${AWS::Region}"}}]
"#;
    let found = errors(text);
    let written = |what: &str, value: &str| {
        format!("`{value}` contains `${{`, {SUBSTITUTION}; {what} is written as given, with no substitution: write the value itself")
    };
    assert_eq!(
        found,
        vec![
            e(
                "cluster.access.entries[1].kubernetesGroups[0]",
                "substitution",
                &written("a Kubernetes group", "team-${AWS::Region}")
            ),
            e("cluster.access.entries[1].username", "substitution", &written("a username", "dev-${AWS::AccountId}")),
            e(
                "cluster.access.entries[2].principalArn",
                "invalid-principal",
                "`arn:aws:iam::123456789012:role/${AWS::Region}` is not an IAM role or user ARN like arn:aws:iam::123456789012:role/Admin"
            ),
            e(
                "compute.managedNodeGroups[0].kubelet.flags[0]",
                "substitution",
                &written("a kubelet flag", "--node-labels=region=${AWS::Region}")
            ),
            e("compute.managedNodeGroups[0].sshKeyName", "substitution", &written("a key pair name", "key-${AWS::Region}")),
            e(
                "compute.selfManagedNodeGroups[0].labels.region",
                "invalid-label",
                "`${AWS::Region}` is not a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"
            ),
            e(
                "compute.selfManagedNodeGroups[0].kubelet.flags[0]",
                "substitution",
                &written("a kubelet flag", "--pod-infra-container-image=${Image}")
            ),
        ]
    );
}

fn identity(resources: &str, conditions: &str) -> String {
    yaml(&format!(
        "identities:\n  - name: app\n    namespace: apps\n    serviceAccount: app\n    statements:\n      - effect: Allow\n        actions: [s3:GetObject]\n        resources: {resources}\n        conditions: {conditions}\n"
    ))
}

#[test]
fn statements_keep_iam_policy_variables_and_refuse_cloudformation_ones() {
    let not_iam = |value: &str, inner: &str| {
        format!("`{value}`: `${{{inner}}}` is not an IAM policy variable but would read as a CloudFormation substitution, which statements do not get (they are written as given): write the value itself, or an IAM policy variable like ${{aws:PrincipalAccount}} or ${{aws:username}}")
    };
    assert_eq!(
        errors(&identity(
            r#"["arn:aws:s3:::logs-${AWS::AccountId}/*", "arn:aws:s3:::b/${Bucket.Arn}", "arn:aws:s3:::b/${Bucket}", "arn:aws:s3:::b/${aws:username"]"#,
            r#"{StringEquals: {"aws:ResourceAccount": "${AWS::AccountId}"}}"#
        )),
        vec![
            e("identities[0].statements[0].resources[0]", "substitution", &not_iam("arn:aws:s3:::logs-${AWS::AccountId}/*", "AWS::AccountId")),
            e("identities[0].statements[0].resources[1]", "substitution", &not_iam("arn:aws:s3:::b/${Bucket.Arn}", "Bucket.Arn")),
            e("identities[0].statements[0].resources[2]", "substitution", &not_iam("arn:aws:s3:::b/${Bucket}", "Bucket")),
            e(
                "identities[0].statements[0].resources[3]",
                "substitution",
                "`arn:aws:s3:::b/${aws:username` opens `${` without closing it: IAM policy variables read ${aws:username}"
            ),
            e(
                "identities[0].statements[0].conditions.StringEquals.aws:ResourceAccount[0]",
                "substitution",
                &not_iam("${AWS::AccountId}", "AWS::AccountId")
            ),
        ]
    );
    // IAM policy variables are written as given: literal strings, no Fn::Sub.
    let bp = Blueprint::from_yaml(&identity(
        r#"["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::team/${aws:PrincipalTag/team}/${*}"]"#,
        r#"{StringLike: {"s3:prefix": "${aws:username, 'anonymous'}/*"}}"#,
    ))
    .unwrap();
    let t = template(&bp, "demo-cluster");
    let statement = &t["Resources"]["IdentityAppRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Resource"],
        json!(["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::team/${aws:PrincipalTag/team}/${*}"])
    );
    assert_eq!(statement["Condition"], json!({"StringLike": {"s3:prefix": "${aws:username, 'anonymous'}/*"}}));
}

#[test]
fn a_dollar_without_a_brace_reaches_self_managed_user_data_unchanged() {
    let bp = Blueprint::from_yaml(&yaml(
        "compute:\n  selfManagedNodeGroups: [{name: b, kubelet: {flags: ['--cgroup-root=/$pods', '--eviction-hard=memory.available<5%']}}]\n",
    ))
    .unwrap();
    let t = template(&bp, "demo-compute");
    let sub = &t["Resources"]["SelfManagedGroupBLaunchTemplate"]["Properties"]["LaunchTemplateData"]["UserData"]
        ["Fn::Base64"]["Fn::Sub"][0];
    assert!(
        sub.as_str().unwrap().contains(
            "    flags:\n      - \"--cgroup-root=/$pods\"\n      - \"--eviction-hard=memory.available<5%\"\n"
        ),
        "{sub}"
    );
}

// ---------------------------------------------------------------- cfn-lint

/// The repository's pinned cfn-lint (`.venv`, installed by `scripts/lint-templates`), if
/// it is there.
fn cfn_lint() -> Option<std::path::PathBuf> {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    let bin = repo.join(".venv/bin/cfn-lint");
    bin.exists().then_some(bin)
}

/// Runs cfn-lint once over every template of the blueprints and a canary template with a tag
/// key cfn-lint must flag; returns its output lines, each naming its file.
fn lint(blueprints: &[Blueprint], cfn_lint: &std::path::Path) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mut templates = Vec::new();
    for (i, bp) in blueprints.iter().enumerate() {
        let out = dir.path().join(format!("bp{i}"));
        bp.synth(Format::Json).unwrap().write_to(&out).unwrap();
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            if path.to_string_lossy().ends_with(".template.json") {
                templates.push(path);
            }
        }
    }
    let canary = dir.path().join("canary.template.json");
    let role = json!({"Resources": {"Role": {"Type": "AWS::IAM::Role", "Properties": {
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
        "Tags": [{"Key": "team$x", "Value": "a"}]}}}});
    std::fs::write(&canary, role.to_string()).unwrap();
    templates.push(canary);
    let run = std::process::Command::new(cfn_lint).args(["--format", "parseable"]).args(&templates).output().unwrap();
    String::from_utf8_lossy(&run.stdout)
        .lines()
        .chain(String::from_utf8_lossy(&run.stderr).lines())
        .map(str::to_owned)
        .collect()
}

/// Boundary values validation accepts, each in a blueprint whose templates cfn-lint must pass
/// with no error and no warning (E3031 tag patterns, E3033 lengths, E1029 substitutions).
fn boundary_blueprints() -> Vec<Blueprint> {
    let key127 = "k".repeat(127);
    let value255 = "ü".repeat(255);
    let mut tags = vec![
        ("Équipe".to_owned(), "Données client".to_owned()),
        ("部署".to_owned(), "開発 ٣ Ⅻ".to_owned()),
        ("cost-center/id_1".to_owned(), "a.b:c/d=e+f-g@h".to_owned()),
        (key127, value255),
    ];
    tags.extend((tags.len()..46).map(|i| (format!("t{i:02}"), "v".to_owned())));
    let tag_lines: Vec<String> = tags
        .iter()
        .map(|(k, v)| format!("  {}: {}", serde_json::to_string(k).unwrap(), serde_json::to_string(v).unwrap()))
        .collect();
    let key128 = "n".repeat(128);
    [
        yaml(&format!(
            "tags:\n{}\ncompute:\n  managedNodeGroups: [{{name: a, allowUnlistedInstanceTypes: true, instanceTypes: [m7i.large, m10i.large], tags: {{{key128}: ''}}}}]\n  selfManagedNodeGroups: [{{name: b, tags: {{{key128}: ''}}}}]\n  fargateProfiles: [{{name: f, selectors: [{{namespace: kube-system}}], tags: {{own: x}}}}]\n",
            tag_lines.join("\n")
        )),
        entry("[{policy: AmazonEKSAdminViewPolicy}, {policy: {unlisted: AmazonEKSFuturePolicy}, namespaces: [apps]}]"),
        identity(
            r#"["arn:aws:s3:::home/${aws:username}/*", "arn:aws:s3:::team/${aws:PrincipalTag/team}/${*}"]"#,
            r#"{StringLike: {"s3:prefix": "${aws:username}/*"}}"#,
        ),
        yaml("compute:\n  selfManagedNodeGroups: [{name: b, sshKeyName: 'key $1', kubelet: {flags: ['--cgroup-root=/$pods']}}]\n  managedNodeGroups: [{name: a, kubelet: {flags: ['--cgroup-root=/$pods']}}]\n"),
    ]
    .iter()
    .map(|text| Blueprint::from_yaml(text).unwrap_or_else(|e| panic!("{e}")))
    .collect()
}

#[test]
fn accepted_boundary_values_pass_cfn_lint() {
    let Some(cfn_lint) = cfn_lint() else {
        eprintln!("skipped: no .venv/bin/cfn-lint (scripts/lint-templates installs it)");
        return;
    };
    let findings = lint(&boundary_blueprints(), &cfn_lint);
    // The canary proves cfn-lint ran and checks tag patterns; nothing else may be reported.
    assert!(findings.iter().any(|f| f.contains("canary.template.json") && f.contains("E3031")), "{findings:#?}");
    let others: Vec<&String> = findings.iter().filter(|f| !f.contains("canary.template.json")).collect();
    assert!(others.is_empty(), "{others:#?}");
}
