//! Stable automatic splitting (docs/scale.md): a stack past a CloudFormation quota becomes
//! numbered stacks, each within every quota, ordered by the manifest; and a change to a
//! list never moves another entry's resources to another stack or renames them.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;

use eks_blueprint::synth::{Placement, MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, MAX_TEMPLATE_BYTES};
use eks_blueprint::{Assembly, Blueprint, Format};
use serde_json::Value;

fn fixture() -> Blueprint {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scale/many-identities.yaml");
    Blueprint::from_path(path).unwrap()
}

fn count(template: &Value, section: &str) -> usize {
    template.get(section).and_then(Value::as_object).map_or(0, |m| m.len())
}

/// Stack name -> resource logical ids, sorted.
fn placement(assembly: &Assembly) -> BTreeMap<String, Vec<String>> {
    assembly
        .stacks()
        .iter()
        .map(|s| {
            let mut ids: Vec<String> = s.template["Resources"].as_object().unwrap().keys().cloned().collect();
            ids.sort();
            (s.name.clone(), ids)
        })
        .collect()
}

/// Logical id -> its stack.
fn stack_of(assembly: &Assembly) -> BTreeMap<String, String> {
    placement(assembly)
        .into_iter()
        .flat_map(|(stack, ids)| ids.into_iter().map(move |id| (id, stack.clone())))
        .collect()
}

#[test]
fn a_blueprint_past_the_outputs_quota_splits_into_numbered_stacks_within_every_quota() {
    let assembly = fixture().synth(Format::Json).unwrap();
    let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
    // 420 role ARN outputs: 180 per stack at most (90% of 200) for new placements.
    assert_eq!(
        names,
        [
            "many-identities-network",
            "many-identities-cluster",
            "many-identities-cluster-2",
            "many-identities-cluster-3",
            "many-identities-compute",
            "many-identities-addons"
        ]
    );
    for stack in assembly.stacks() {
        let body = &assembly.files()[&stack.template_file];
        assert!(count(&stack.template, "Resources") <= MAX_RESOURCES, "{}", stack.name);
        assert!(count(&stack.template, "Outputs") <= MAX_OUTPUTS, "{}", stack.name);
        assert!(count(&stack.template, "Parameters") <= MAX_PARAMETERS, "{}", stack.name);
        assert!(body.len() <= MAX_TEMPLATE_BYTES, "{}", stack.name);
    }
    // Every identity is somewhere, with its role, association (Pod Identity) and output.
    let at = stack_of(&assembly);
    for i in 0..420 {
        let role = format!("IdentityApp{i:03}Role");
        let stack = at.get(&role).unwrap_or_else(|| panic!("{role} missing"));
        let template = &assembly.stack(stack).unwrap().template;
        assert!(template["Outputs"][format!("IdentityApp{i:03}RoleArn")].is_object(), "{role}'s output with it");
        if i % 7 != 3 {
            assert_eq!(at[&format!("IdentityApp{i:03}PodIdentityAssociation")], *stack);
        }
    }
    // What the identities share stays in the cluster stack: the cluster and the OIDC provider.
    assert_eq!(at["OidcProvider"], "many-identities-cluster");
    assert_eq!(at["Cluster"], "many-identities-cluster");
    // A split stack imports the cluster from the first one, and depends on it.
    let second = assembly.stack("many-identities-cluster-2").unwrap();
    assert!(second.dependencies.contains_key("many-identities-cluster"));
    let association = second.template["Resources"]
        .as_object()
        .unwrap()
        .values()
        .find(|r| r["Type"] == "AWS::EKS::PodIdentityAssociation")
        .unwrap();
    assert_eq!(
        association["Properties"]["ClusterName"],
        serde_json::json!({"Fn::ImportValue": "many-identities-cluster:Cluster"})
    );
    // The manifest lists every stack, each after the stacks it depends on.
    let manifest: Value = serde_json::from_str(&assembly.files()["manifest.json"]).unwrap();
    let artifacts: Vec<&String> = manifest["artifacts"].as_object().unwrap().keys().collect();
    assert_eq!(artifacts, names);
    assert_eq!(
        manifest["artifacts"]["many-identities-cluster-3"]["dependencies"],
        serde_json::json!(["many-identities-cluster"])
    );
}

/// A blueprint with the given identities (by number), all Pod Identity but every seventh.
fn with_identities(numbers: &[usize]) -> Blueprint {
    let mut yaml = String::from(
        "name: grow\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\nidentities:\n",
    );
    for i in numbers {
        let mode = if i % 7 == 3 { "    mode: irsa\n" } else { "" };
        yaml.push_str(&format!(
            "  - name: app-{i:03}\n    namespace: team-{}\n    serviceAccount: app-{i:03}\n{mode}    statements:\n      - actions: [sqs:SendMessage]\n        resources: [\"arn:aws:sqs:*:123456789012:app-{i:03}\"]\n",
            i % 10
        ));
    }
    Blueprint::from_yaml(&yaml).unwrap()
}

/// Every resource of `before` that is still in `after` is in the same stack (and so under
/// the same logical id in that stack).
fn assert_nothing_moved(before: &Assembly, after: &Assembly, what: &str) {
    let (old, new) = (stack_of(before), stack_of(after));
    let mut kept = 0;
    for (id, stack) in &old {
        if let Some(now) = new.get(id) {
            assert_eq!(now, stack, "{what}: {id} moved from {stack} to {now}");
            kept += 1;
        }
    }
    assert!(kept * 2 > old.len(), "{what}: most resources are still there ({kept} of {})", old.len());
}

#[test]
fn adding_removing_or_reordering_an_identity_moves_no_other_identity() {
    let first: Vec<usize> = (0..400).collect();
    let before = with_identities(&first).synth(Format::Json).unwrap();
    let stacks = placement(&before);
    assert!(stacks.contains_key("grow-cluster-2") && stacks.contains_key("grow-cluster-3"), "{:?}", stacks.keys());
    let previous = Placement::from_assembly(&before);

    // Add one in the middle: it goes to the first stack with room; no other moves.
    let mut added = first.clone();
    added.insert(200, 900);
    let after = with_identities(&added).synth_with(Format::Json, &previous).unwrap();
    assert_nothing_moved(&before, &after, "added app-900 in the middle");
    assert!(stack_of(&after).contains_key("IdentityApp900Role"));
    // Without the previous output, first fit in list order would have moved the entries
    // after the new one: what the placement prevents.
    let naive = with_identities(&added).synth(Format::Json).unwrap();
    let moved = stack_of(&before).iter().filter(|(id, s)| stack_of(&naive).get(*id).is_some_and(|n| n != *s)).count();
    assert!(moved > 0, "first fit alone is not stable");

    // Remove one from the first stack: no other moves, and nothing fills its place.
    let mut removed = first.clone();
    removed.remove(10);
    let after = with_identities(&removed).synth_with(Format::Json, &previous).unwrap();
    assert_nothing_moved(&before, &after, "removed app-010");
    assert!(!stack_of(&after).contains_key("IdentityApp010Role"));

    // Reverse the list: every identity stays where it was.
    let reversed: Vec<usize> = first.iter().rev().copied().collect();
    let after = with_identities(&reversed).synth_with(Format::Json, &previous).unwrap();
    assert_nothing_moved(&before, &after, "reversed");
    assert!(placement(&after) == stacks, "the same stacks, the same resources");

    // Several changes in a row, each synthesized over the previous output.
    let mut list = first.clone();
    let mut last = before;
    for (step, number) in [(0, 950), (1, 951), (2, 952)] {
        list.insert(step * 100, number);
        list.remove(step * 50 + 1);
        let next = with_identities(&list).synth_with(Format::Json, &Placement::from_assembly(&last)).unwrap();
        assert_nothing_moved(&last, &next, &format!("step {step}"));
        last = next;
    }
}

#[test]
fn a_stack_within_every_quota_is_not_split_and_an_emptied_numbered_stack_goes_away() {
    // 150 identities: 150 outputs, under 200, so one cluster stack, as before splitting existed.
    let small: Vec<usize> = (0..150).collect();
    let one = with_identities(&small).synth(Format::Json).unwrap();
    assert!(!placement(&one).contains_key("grow-cluster-2"));
    // Grown past the quota over that output, the 150 stay in the cluster stack.
    let grown: Vec<usize> = (0..250).collect();
    let two = with_identities(&grown).synth_with(Format::Json, &Placement::from_assembly(&one)).unwrap();
    assert_nothing_moved(&one, &two, "grown to 250");
    assert!(placement(&two).contains_key("grow-cluster-2"));
    // Shrunk back, the entries of the second stack are gone, and so is the stack.
    let three = with_identities(&small).synth_with(Format::Json, &Placement::from_assembly(&two)).unwrap();
    assert_eq!(placement(&three), placement(&one));
    assert_eq!(three.files(), one.files(), "byte for byte");
}

fn examples() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_capacity_finding_is_quiet_on_every_example_and_their_subnets_have_room() {
    for file in examples() {
        let blueprint = Blueprint::from_path(&file).unwrap();
        let rules: Vec<&str> = blueprint.findings().iter().map(|f| f.rule_id).collect();
        assert!(!rules.contains(&"EKSB-CAPACITY-001"), "{}: {rules:?}", file.display());
        for subnet in blueprint.capacity().subnets {
            assert!(subnet.free_after() >= 0, "{}: {subnet:?}", file.display());
        }
    }
}

#[test]
fn an_undersized_subnet_gets_the_capacity_finding_with_the_numbers() {
    // A /24 VPC: three private /27 subnets of 32 addresses. 5 for AWS, 16 for the control
    // plane, 8 for a load balancer: 3 left, where 4 m5.large nodes can take 30 each.
    let yaml = "name: small\nnetwork:\n  cidr: 10.0.0.0/24\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  managedNodeGroups:\n    - name: general\n      instanceTypes: [m5.large]\n      minSize: 1\n      maxSize: 3\n";
    let blueprint = Blueprint::from_yaml(yaml).unwrap();
    let capacity = blueprint.capacity();
    let group = &capacity.groups[0];
    // m5.large: 3 ENIs × 10 IPv4 addresses (data/instance-types.tsv; EC2 instance type
    // page), 29 pods (EKS AMI eni-max-pods.txt).
    assert_eq!((group.enis, group.ipv4_per_eni, group.max_pods, group.node_subnet_addresses_per_node), (3, 10, 29, 30));
    // maxSize 3 + update surge max(2 × 3 zones, maxUnavailable 1) = 9 nodes; over 3 subnets,
    // 3 each plus 1 of imbalance.
    assert_eq!((group.nodes, group.surge, group.nodes_per_subnet), (9, 6, 4));
    let private: Vec<_> = capacity.subnets.iter().filter(|s| s.tier == "private").collect();
    assert_eq!(private.len(), 3);
    let s = private[0];
    assert_eq!((s.size, s.reserved, s.nodes_worst_case), (32, 5 + 16 + 8, 120));
    assert!(s.free_after() < 0, "{s:?}");
    let finding = blueprint.findings().iter().find(|f| f.rule_id == "EKSB-CAPACITY-001").unwrap();
    assert_eq!(finding.path, "compute.managedNodeGroups[0].maxSize");
    assert!(
        finding
            .message
            .contains("can take 120 (general up to 4 nodes here × 30 addresses (m5.large: 3 ENIs × 10 IPv4 addresses"),
        "{}",
        finding.message
    );
    // Suppressed with a reason, it is gone.
    let quiet =
        Blueprint::from_yaml(&format!("{yaml}suppress:\n  - rule: EKSB-CAPACITY-001\n    reason: a lab cluster\n"))
            .unwrap();
    assert!(quiet.findings().iter().all(|f| f.rule_id != "EKSB-CAPACITY-001"));
}

#[test]
fn service_quotas_above_a_default_are_findings_and_above_a_hard_limit_errors() {
    let mut yaml = String::from("name: many\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  managedNodeGroups:\n");
    for i in 0..31 {
        yaml.push_str(&format!("    - name: g{i}\n      minSize: 1\n      maxSize: 1\n"));
    }
    let blueprint = Blueprint::from_yaml(&yaml).unwrap();
    let finding = blueprint.findings().iter().find(|f| f.rule_id == "EKSB-QUOTA-001").unwrap();
    assert_eq!(finding.path, "compute.managedNodeGroups");
    // Quota name, code and default from the AWS General Reference, EKS quotas.
    assert!(finding.message.starts_with("31 managed node groups pass the EKS service quota `Managed node groups per cluster` (default 30, adjustable): request an increase of quota L-6D54EA21"), "{}", finding.message);

    // 5,000 Pod Identity associations per cluster, a hard limit (EKS user guide, Pod Identity).
    let mut yaml = String::from("name: many\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\nidentities:\n");
    for i in 0..5001 {
        yaml.push_str(&format!(
            "  - {{name: a{i}, namespace: n, serviceAccount: a{i}, managedPolicies: [AmazonS3ReadOnlyAccess]}}\n"
        ));
    }
    let err = Blueprint::from_yaml(&yaml).unwrap_err().to_string();
    assert!(err.contains("identities: 5001 EKS Pod Identity associations pass the EKS quota `Pod Identity associations per cluster` of 5000, which cannot be raised"), "{err}");
}

#[test]
fn the_cloudformation_limits_splitting_uses_are_the_quota_table_rows() {
    // data/eks-service-quotas.csv, rows from "Understand CloudFormation quotas"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
    use eks_blueprint::compile::quotas::lookup;
    let row = |name: &str| usize::try_from(lookup(name).unwrap().default).unwrap();
    assert_eq!(row("Resources"), MAX_RESOURCES);
    assert_eq!(row("Outputs"), MAX_OUTPUTS);
    assert_eq!(row("Parameters"), MAX_PARAMETERS);
    assert_eq!(row("Template body size in an Amazon S3 object"), MAX_TEMPLATE_BYTES);
}
