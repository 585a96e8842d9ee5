//! Account- and Region-wide resources (the GuardDuty detector, ECR registry scanning) live in
//! their own stack, `<name>-account`, with their own lifecycle: deleting a cluster's stacks
//! never turns GuardDuty off, and a blueprint can say the account already has a detector.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Assembly, Blueprint, Format};
use serde_json::{json, Value};

const ADMIN: &str =
    "cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

fn synth(top: &str, cluster: &str) -> Assembly {
    let bp = Blueprint::from_yaml(&format!("name: demo\n{top}{ADMIN}{cluster}")).unwrap_or_else(|e| panic!("{e}"));
    bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"))
}

fn stack_names(assembly: &Assembly) -> Vec<String> {
    assembly.stacks().iter().map(|s| s.name.clone()).collect()
}

fn resources(assembly: &Assembly, stack: &str) -> Value {
    assembly.stack(stack).unwrap().template["Resources"].clone()
}

const BOTH: &str = "  guardDuty: {}\n  ecrEnhancedScanning: true\n";

#[test]
fn the_detector_and_registry_scanning_are_in_the_account_stack_not_the_cluster_stack() {
    let a = synth("", BOTH);
    assert_eq!(stack_names(&a), ["demo-account", "demo-network", "demo-cluster"]);
    let account = resources(&a, "demo-account");
    let ids: Vec<&String> = account.as_object().unwrap().keys().collect();
    assert_eq!(ids, ["GuardDutyDetector", "EcrRegistryScanning"]);
    let cluster = resources(&a, "demo-cluster");
    for id in ["GuardDutyDetector", "EcrRegistryScanning"] {
        assert!(cluster.get(id).is_none(), "{id} still in the cluster stack");
    }
    assert_eq!(
        a.stack("demo-account").unwrap().template["Description"],
        json!("eks-blueprint demo: account- and Region-wide settings (GuardDuty detector, ECR registry scanning), kept apart from any cluster")
    );
}

#[test]
fn the_account_stack_is_independent_of_the_others() {
    let a = synth("", BOTH);
    let account = a.stack("demo-account").unwrap();
    // It needs no other stack...
    assert!(account.dependencies.is_empty(), "{:?}", account.dependencies);
    assert!(account.template.get("Outputs").is_none());
    // ...and no other stack needs it.
    for stack in a.stacks() {
        assert!(!stack.dependencies.contains_key("demo-account"), "{} depends on the account stack", stack.name);
    }
    let manifest: Value = serde_json::from_str(&a.files()["manifest.json"]).unwrap();
    assert!(manifest["artifacts"]["demo-account"].get("dependencies").is_none());
}

#[test]
fn the_detector_follows_the_removal_policy() {
    let kept = resources(&synth("", BOTH), "demo-account");
    assert_eq!(kept["GuardDutyDetector"]["DeletionPolicy"], json!("RetainExceptOnCreate"));
    let destroyed = resources(&synth("removalPolicy: destroy\n", BOTH), "demo-account");
    assert_eq!(destroyed["GuardDutyDetector"]["DeletionPolicy"], json!("Delete"));
    // The scanning configuration holds no data.
    assert!(kept["EcrRegistryScanning"].get("DeletionPolicy").is_none());
}

#[test]
fn an_existing_detector_is_not_created_again() {
    let a = synth("", "  guardDuty: {existingDetector: true}\n  ecrEnhancedScanning: true\n");
    let account = resources(&a, "demo-account");
    assert!(account.get("GuardDutyDetector").is_none());
    assert!(account.get("EcrRegistryScanning").is_some());
    // Nothing account-wide left to create: no account stack at all.
    let a = synth("", "  guardDuty: {existingDetector: true}\n");
    assert_eq!(stack_names(&a), ["demo-network", "demo-cluster"]);
}

#[test]
fn no_account_wide_resources_no_account_stack() {
    assert_eq!(stack_names(&synth("", "")), ["demo-network", "demo-cluster"]);
}

#[test]
fn one_stack_layout_still_keeps_the_account_stack_apart() {
    let a = synth("stackLayout: single\nremovalPolicy: destroy\n", BOTH);
    assert_eq!(stack_names(&a), ["demo-account", "demo"]);
    let single = resources(&a, "demo");
    assert!(single.get("GuardDutyDetector").is_none() && single.get("EcrRegistryScanning").is_none());
}

#[test]
fn existing_detector_from_the_builder_equals_the_file() {
    use eks_blueprint::spec::cluster::GuardDuty;
    use eks_blueprint::ClusterSpec;
    let built = Blueprint::builder("demo")
        .cluster(
            ClusterSpec::builder()
                .bootstrap_cluster_creator_admin_permissions(true)
                .guard_duty(GuardDuty::default().existing_detector(true)),
        )
        .build()
        .unwrap();
    let parsed = Blueprint::from_yaml(
        "name: demo\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\n  guardDuty: {existingDetector: true}\n",
    )
    .unwrap();
    assert_eq!(built, parsed);
}
