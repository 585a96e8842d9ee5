//! What deploying, retrying and deleting the stacks does to the stateful resources: the
//! blueprint's `removalPolicy`, deletion protection, and the findings that warn before a
//! delete would destroy data or fail.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Blueprint, ClusterSpec, Error, Format, RemovalPolicy, StackLayout};
use serde_json::{json, Value};

const ADMIN: &str =
    "cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

fn blueprint(extra: &str) -> Blueprint {
    Blueprint::from_yaml(&format!("name: demo\n{extra}{ADMIN}")).unwrap_or_else(|e| panic!("{e}"))
}

fn templates(bp: &Blueprint) -> Vec<(String, Value)> {
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    assembly.stacks().iter().map(|s| (s.name.clone(), s.template.clone())).collect()
}

/// (stack, logical id, DeletionPolicy, UpdateReplacePolicy) of every resource that has one.
fn policies(bp: &Blueprint) -> Vec<(String, String, Value, Value)> {
    let mut out = Vec::new();
    for (stack, t) in templates(bp) {
        for (id, r) in t["Resources"].as_object().unwrap() {
            if r.get("DeletionPolicy").is_some() || r.get("UpdateReplacePolicy").is_some() {
                out.push((stack.clone(), id.clone(), r["DeletionPolicy"].clone(), r["UpdateReplacePolicy"].clone()));
            }
        }
    }
    out
}

fn errors(yaml: &str) -> Vec<(String, &'static str)> {
    match Blueprint::from_yaml(yaml) {
        Err(Error::Invalid(errors)) => errors.iter().map(|e| (e.path.clone(), e.code)).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

const STATEFUL: [(&str, &str); 7] = [
    ("demo-network", "FlowLogKey"),
    ("demo-network", "FlowLogGroup"),
    ("demo-cluster", "ClusterRole"),
    ("demo-cluster", "SecretsKey"),
    ("demo-cluster", "ControlPlaneLogKey"),
    ("demo-cluster", "ControlPlaneLogGroup"),
    ("demo-cluster", "Cluster"),
];

fn expected(deletion: &str, replace: &str) -> Vec<(String, String, Value, Value)> {
    STATEFUL.iter().map(|(s, id)| ((*s).to_owned(), (*id).to_owned(), json!(deletion), json!(replace))).collect()
}

#[test]
fn retain_is_the_default_and_a_failed_first_create_leaves_nothing_behind() {
    let bp = blueprint("");
    assert_eq!(bp.removal_policy(), RemovalPolicy::Retain);
    // Exactly the stateful resources, each RetainExceptOnCreate (UpdateReplacePolicy cannot
    // take that value: a replaced resource is retained).
    assert_eq!(policies(&bp), expected("RetainExceptOnCreate", "Retain"));
    let t = &templates(&bp)[1].1;
    assert_eq!(t["Resources"]["Cluster"]["Properties"]["DeletionProtection"], json!(true));
}

#[test]
fn destroy_deletes_the_stateful_resources_with_their_stack_and_turns_deletion_protection_off() {
    let bp = blueprint("removalPolicy: destroy\n");
    assert_eq!(policies(&bp), expected("Delete", "Delete"));
    let t = &templates(&bp)[1].1;
    assert_eq!(t["Resources"]["Cluster"]["Properties"]["DeletionProtection"], json!(false));
}

#[test]
fn destroy_with_deletion_protection_is_refused() {
    let yaml = format!("name: demo\nremovalPolicy: destroy\n{ADMIN}  deletionProtection: true\n");
    assert_eq!(errors(&yaml), [("cluster.deletionProtection".to_owned(), "deletion-protection-destroy")]);
    let message = Blueprint::from_yaml(&yaml).unwrap_err().to_string();
    assert!(
        message.contains("leave deletionProtection out (destroy turns it off) or use removalPolicy: retain"),
        "{message}"
    );
    // With retain, deletion protection can be turned off.
    let bp = Blueprint::from_yaml(&format!("name: demo\n{ADMIN}  deletionProtection: false\n")).unwrap();
    let cluster =
        bp.synth(Format::Json).unwrap().stack("demo-cluster").unwrap().template["Resources"]["Cluster"].clone();
    assert_eq!(cluster["Properties"]["DeletionProtection"], json!(false));
}

#[test]
fn unknown_removal_policies_are_parse_errors() {
    let err = Blueprint::from_yaml(&format!("name: demo\nremovalPolicy: snapshot\n{ADMIN}")).unwrap_err().to_string();
    assert!(err.contains("removalPolicy: unknown variant `snapshot`, expected `retain` or `destroy`"), "{err}");
}

#[test]
fn the_builder_and_the_file_make_the_same_model() {
    let built = Blueprint::builder("demo")
        .removal_policy(RemovalPolicy::Destroy)
        .stack_layout(StackLayout::Single)
        .cluster(ClusterSpec::builder().bootstrap_cluster_creator_admin_permissions(true))
        .build()
        .unwrap();
    let parsed = Blueprint::from_yaml(
        "name: demo\nremovalPolicy: destroy\nstackLayout: single\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n",
    )
    .unwrap();
    assert_eq!(built, parsed);
}

fn findings(bp: &Blueprint) -> Vec<(&'static str, String)> {
    bp.findings().iter().map(|f| (f.rule_id, f.path.clone())).collect()
}

#[test]
fn destroy_is_a_finding() {
    assert_eq!(findings(&blueprint("removalPolicy: destroy\n")), [("EKSB-LIFECYCLE-001", "removalPolicy".to_owned())]);
    assert!(findings(&blueprint("")).is_empty());
    let suppressed = blueprint(
        "removalPolicy: destroy\nsuppress: [{rule: EKSB-LIFECYCLE-001, reason: a sandbox deleted every evening}]\n",
    );
    assert!(findings(&suppressed).is_empty());
}

#[test]
fn a_single_stack_that_retains_its_cluster_cannot_be_deleted_and_says_so() {
    assert_eq!(findings(&blueprint("stackLayout: single\n")), [("EKSB-LIFECYCLE-002", "stackLayout".to_owned())]);
    // destroy: the delete goes through (and says it destroys).
    assert_eq!(
        findings(&blueprint("stackLayout: single\nremovalPolicy: destroy\n")),
        [("EKSB-LIFECYCLE-001", "removalPolicy".to_owned())]
    );
}

#[test]
fn the_sandbox_example_is_deletable() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/single-stack.yaml");
    let bp = Blueprint::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bp.removal_policy(), RemovalPolicy::Destroy);
    let stacks = templates(&bp);
    let names: Vec<&str> = stacks.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["sandbox"]);
    let r = &stacks[0].1["Resources"];
    for (id, resource) in r.as_object().unwrap() {
        assert!(
            resource.get("DeletionPolicy").is_none_or(|p| p == "Delete"),
            "{id} would outlive the stack and keep its subnets"
        );
    }
    assert_eq!(r["Cluster"]["Properties"]["DeletionProtection"], json!(false));
    // Its one finding (destroy) is suppressed with a reason.
    assert!(bp.findings().is_empty());
}
