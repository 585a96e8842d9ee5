#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::borrow::Cow;

use indexmap::IndexMap;
use serde_json::{json, Value};

use super::*;

fn stack(name: &str, deps: &[&str], resources: Value, bytes: usize) -> PlanStack<'static> {
    PlanStack {
        name: name.into(),
        template_file: format!("{name}.template.json"),
        template: Cow::Owned(json!({ "Resources": resources })),
        bytes,
        dependencies: deps.iter().map(|d| (*d).to_owned()).collect(),
    }
}

fn input(stacks: Vec<PlanStack<'static>>, files: &[&str]) -> PlanInput<'static> {
    let files: IndexMap<String, String> = files.iter().map(|f| ((*f).to_owned(), String::new())).collect();
    PlanInput { stacks, files: Cow::Owned(files) }
}

fn position(steps: &[Step], what: &str) -> usize {
    steps
        .iter()
        .position(|s| s.stack() == Some(what) || s.manual().is_some_and(|m| m.id == what))
        .unwrap_or_else(|| panic!("no step {what}"))
}

#[test]
fn capabilities_follow_the_iam_resources_and_their_names() {
    let plan = Plan::from_input(
        &input(
            vec![
                stack("plain", &[], json!({"Vpc": {"Type": "AWS::EC2::VPC"}}), 10),
                stack("iam", &[], json!({"Role": {"Type": "AWS::IAM::Role", "Properties": {}}}), 10),
                stack(
                    "named",
                    &[],
                    json!({
                        "Role": {"Type": "AWS::IAM::Role", "Properties": {"RoleName": "fixed"}},
                        "Other": {"Type": "AWS::IAM::Role"}
                    }),
                    10,
                ),
            ],
            &[],
        ),
        "out",
    )
    .unwrap();
    let commands: Vec<&str> =
        plan.deploy.iter().filter(|s| s.stack().is_some()).map(|s| s.commands()[0].as_str()).collect();
    assert_eq!(
        commands,
        [
            "aws cloudformation deploy --stack-name plain --template-file out/plain.template.json",
            "aws cloudformation deploy --stack-name iam --template-file out/iam.template.json --capabilities CAPABILITY_IAM",
            "aws cloudformation deploy --stack-name named --template-file out/named.template.json --capabilities CAPABILITY_NAMED_IAM",
        ]
    );
}

#[test]
fn a_template_over_the_inline_limit_is_uploaded_to_a_bucket() {
    let big = MAX_INLINE_TEMPLATE_BYTES + 1;
    let plan = Plan::from_input(
        &input(
            vec![stack("small", &[], json!({}), MAX_INLINE_TEMPLATE_BYTES), stack("big", &["small"], json!({}), big)],
            &[],
        ),
        "",
    )
    .unwrap();
    let Step::Deploy(small) = &plan.deploy[position(&plan.deploy, "small")] else { panic!() };
    let Step::Deploy(large) = &plan.deploy[position(&plan.deploy, "big")] else { panic!() };
    assert!(!small.upload, "exactly 51,200 bytes still goes inline");
    assert!(large.upload);
    assert_eq!(
        large.commands,
        ["aws cloudformation deploy --stack-name big --template-file big.template.json --s3-bucket \"$BUCKET\""]
    );
    let environment = plan.deploy[0].manual().unwrap();
    assert_eq!(environment.id, "environment");
    assert!(environment.commands.iter().any(|c| c.starts_with("export BUCKET=")));
}

#[test]
fn steps_are_placed_by_what_stacks_hold_not_by_their_names() {
    // Names that say nothing: the rules look at types, outputs and files.
    let stacks = vec![
        stack("a", &[], json!({"Vpc": {"Type": "AWS::EC2::VPC"}}), 1),
        stack(
            "b",
            &["a"],
            json!({"C": {"Type": "AWS::EKS::Cluster", "DeletionPolicy": "Retain", "Properties": {"Name": "c"}}}),
            1,
        ),
        stack("c", &["b"], json!({"Ng": {"Type": "AWS::EKS::Nodegroup"}}), 1),
        {
            let mut k = stack("d", &["b"], json!({"Profile": {"Type": "AWS::IAM::InstanceProfile"}}), 1);
            k.template = Cow::Owned(json!({
                "Resources": {"Profile": {"Type": "AWS::IAM::InstanceProfile"}},
                "Outputs": {"KarpenterNodeInstanceProfileName": {"Value": {"Ref": "Profile"}}}
            }));
            k
        },
    ];
    let plan = Plan::from_input(&input(stacks, &["manifests/eniconfigs.sh", "manifests/karpenter.sh"]), "out").unwrap();
    let d = &plan.deploy;
    assert!(position(d, "b") < position(d, "kubeconfig"));
    assert!(position(d, "kubeconfig") < position(d, "eniconfigs"));
    assert!(position(d, "eniconfigs") < position(d, "c"), "ENIConfigs before the nodes");
    assert!(position(d, "karpenter-install") > position(d, "c"), "the controller needs nodes");
    assert!(position(d, "karpenter-install") > position(d, "d"), "and its instance profile");

    let t = &plan.teardown;
    assert!(position(t, "karpenter-uninstall") < position(t, "c"));
    assert!(position(t, "karpenter-uninstall") < position(t, "d"));
    assert!(position(t, "delete-cluster") > position(t, "c"), "no node group left");
    assert!(position(t, "delete-cluster") > position(t, "d"));
    assert!(position(t, "delete-cluster") < position(t, "b"), "before its stack, which retains it");
    assert!(position(t, "b") < position(t, "a"), "reverse order");
    assert_eq!(
        t[position(t, "delete-cluster")].commands(),
        ["aws eks delete-cluster --name c", "aws eks wait cluster-deleted --name c"],
        "no deletion protection: nothing to turn off"
    );
}

#[test]
fn retained_resources_without_a_name_are_read_from_the_stack_before_it_goes() {
    let stacks = vec![stack(
        "s",
        &[],
        json!({
            "Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "RetainExceptOnCreate"},
            "Logs": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Retain", "Properties": {"LogGroupName": "/x y"}},
            "Gone": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "Delete"}
        }),
        1,
    )];
    let plan = Plan::from_input(&input(stacks, &[]), "out").unwrap();
    let t = &plan.teardown;
    let ids = t[position(t, "retained-ids")].commands();
    assert_eq!(
        ids,
        ["KEY=$(aws cloudformation describe-stack-resource --stack-name s --logical-resource-id Key --query StackResourceDetail.PhysicalResourceId --output text)"]
    );
    assert!(position(t, "retained-ids") < position(t, "s"));
    assert_eq!(
        t[position(t, "delete-retained")].commands(),
        [
            "aws logs delete-log-group --log-group-name '/x y'",
            "aws kms schedule-key-deletion --key-id \"$KEY\" --pending-window-in-days 30"
        ],
        "keys last; names quoted for the shell; what the stack deletes is not listed"
    );
    let Step::Delete(delete) = &t[position(t, "s")] else { panic!() };
    let kept: Vec<&str> = delete.retained.iter().map(|r| r.logical_id.as_str()).collect();
    assert_eq!(kept, ["Key", "Logs"]);
}

#[test]
fn contradictory_constraints_are_an_error_not_a_wrong_order() {
    // ENIConfigs after the cluster and before nodes that are in the same stack.
    let stacks =
        vec![stack("one", &[], json!({"C": {"Type": "AWS::EKS::Cluster"}, "Ng": {"Type": "AWS::EKS::Nodegroup"}}), 1)];
    let err = Plan::from_input(&input(stacks, &["manifests/eniconfigs.sh"]), "out").unwrap_err();
    assert!(err.to_string().contains("stack one"), "{err}");
    assert!(err.to_string().contains("step eniconfigs"), "{err}");
}

#[test]
fn variable_names_are_shell_names() {
    assert_eq!(rules::variable_name("ClusterRole"), "CLUSTER_ROLE");
    assert_eq!(rules::variable_name("Key1A"), "KEY1_A");
    assert_eq!(rules::variable_name("9x"), "ID_9X");
}

#[test]
fn the_json_form_names_each_kind() {
    let plan = Plan::from_input(&input(vec![stack("s", &[], json!({}), 5)], &[]), "out").unwrap();
    let json = plan.to_json();
    assert_eq!(json["deploy"][1]["kind"], "deploy");
    assert_eq!(json["deploy"][1]["templateBytes"], 5);
    assert_eq!(json["teardown"][1]["kind"], "delete");
    assert_eq!(json["deploy"][0]["kind"], "manual");
    assert_eq!(json["deploy"][0]["id"], "environment");
    assert!(json["deploy"][0].get("after").is_none(), "constraints are not part of the form");
}

#[test]
fn a_retained_cluster_sharing_its_stack_with_node_groups_loses_them_first() {
    // stackLayout: single with removalPolicy: retain (finding EKSB-LIFECYCLE-002).
    let stacks = vec![stack(
        "one",
        &[],
        json!({
            "C": {"Type": "AWS::EKS::Cluster", "DeletionPolicy": "RetainExceptOnCreate",
                  "Properties": {"Name": "one", "DeletionProtection": true}},
            "Ng": {"Type": "AWS::EKS::Nodegroup"}
        }),
        1,
    )];
    let plan = Plan::from_input(&input(stacks, &[]), "out").unwrap();
    let t = &plan.teardown;
    let commands = t[position(t, "delete-cluster")].commands();
    assert!(commands[0].starts_with("for ng in $(aws eks list-nodegroups --cluster-name one "), "{commands:?}");
    assert_eq!(commands[1], "aws eks update-cluster-config --name one --no-deletion-protection");
    assert_eq!(commands.last().unwrap(), "aws eks wait cluster-deleted --name one");
    assert!(position(t, "delete-cluster") < position(t, "one"));
}
