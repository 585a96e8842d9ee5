//! `compute.clusterAutoscaler`: what reaches the Auto Scaling groups the Cluster Autoscaler
//! discovers and scales. Self-managed groups are ASGs of the stack and get the tags; a
//! managed node group's ASG belongs to EKS, which tags it for discovery itself, so its node
//! group carries no autoscaler tags, and scaling it from zero with labels or taints is a
//! finding (the autoscaler must read them from the EKS API).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Blueprint, Format};
use serde_json::{json, Value};

const BASE: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n  serviceIpv4Cidr: 172.20.0.0/16\n";

fn blueprint(compute: &str) -> Blueprint {
    Blueprint::from_yaml(&format!("{BASE}compute:\n{compute}")).unwrap_or_else(|e| panic!("{e}"))
}

fn compute_resources(bp: &Blueprint) -> Value {
    bp.synth(Format::Json).unwrap().stack("demo-compute").unwrap().template["Resources"].clone()
}

const GROUPS: &str = "  clusterAutoscaler: true\n  managedNodeGroups:\n    - name: batch\n      minSize: 0\n      maxSize: 5\n      labels: {workload: batch}\n      taints: [{key: dedicated, value: batch, effect: NoSchedule}]\n  selfManagedNodeGroups:\n    - name: workers\n      minSize: 0\n      maxSize: 5\n      labels: {workload: workers}\n";

#[test]
fn managed_node_groups_carry_no_autoscaler_tags() {
    let r = compute_resources(&blueprint(GROUPS));
    let tags = r["NodegroupBatch"]["Properties"]["Tags"].as_object().unwrap();
    let autoscaler: Vec<&String> = tags.keys().filter(|k| k.starts_with("k8s.io/cluster-autoscaler/")).collect();
    assert!(autoscaler.is_empty(), "{autoscaler:?}");
    // The labels and taints EKS reports through DescribeNodegroup are the node group's own.
    assert_eq!(r["NodegroupBatch"]["Properties"]["Labels"], json!({"workload": "batch"}));
}

#[test]
fn self_managed_auto_scaling_groups_get_discovery_and_node_template_tags() {
    let r = compute_resources(&blueprint(GROUPS));
    let tags = r["SelfManagedGroupWorkers"]["Properties"]["Tags"].as_array().unwrap();
    let autoscaler: Vec<(&str, &str, bool)> = tags
        .iter()
        .filter(|t| t["Key"].as_str().unwrap().starts_with("k8s.io/cluster-autoscaler/"))
        .map(|t| (t["Key"].as_str().unwrap(), t["Value"].as_str().unwrap(), t["PropagateAtLaunch"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        autoscaler,
        [
            ("k8s.io/cluster-autoscaler/enabled", "true", false),
            ("k8s.io/cluster-autoscaler/demo", "owned", false),
            ("k8s.io/cluster-autoscaler/node-template/label/workload", "workers", false),
        ]
    );
}

#[test]
fn scaling_a_managed_group_from_zero_with_labels_or_taints_is_a_finding() {
    let bp = blueprint(GROUPS);
    let findings: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        ["warning[EKSB-COMPUTE-004]: compute.managedNodeGroups[0].minSize: the Cluster Autoscaler scales group `batch` up from zero nodes only if it knows its labels and taints, which EKS does not copy to the group's Auto Scaling group: run Cluster Autoscaler 1.24 or later with eks:DescribeNodegroup in its IAM policy (and, without NAT, the eks VPC endpoint), or keep minSize at 1"]
    );
    // Not without the Cluster Autoscaler, not from one node, not without labels or taints.
    assert!(blueprint(&GROUPS.replace("  clusterAutoscaler: true\n", "")).findings().is_empty());
    assert!(blueprint(&GROUPS.replace(
        "      minSize: 0\n      maxSize: 5\n      labels: {workload: batch}",
        "      minSize: 1\n      maxSize: 5\n      labels: {workload: batch}"
    ))
    .findings()
    .is_empty());
    let plain = "  clusterAutoscaler: true\n  managedNodeGroups:\n    - {name: batch, minSize: 0, maxSize: 5}\n";
    assert!(blueprint(plain).findings().is_empty());
    // Suppressible, with a reason.
    let suppressed = Blueprint::from_yaml(&format!(
        "{BASE}compute:\n{GROUPS}suppress: [{{rule: EKSB-COMPUTE-004, reason: our autoscaler has eks:DescribeNodegroup}}]\n"
    ))
    .unwrap();
    assert!(suppressed.findings().is_empty());
}
