//! Karpenter's rendered manifests (EC2NodeClass, NodePools) validate against the Karpenter
//! v1 CRDs, as `kubectl apply` would check them: the default, the example, every option;
//! and the check itself catches what the API server would refuse.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::json;
use support::crds::{
    assert_manifests_valid, crd_schema, node_pool_cel_errors, schema_errors, NODE_POOLS_FILE, NODE_POOL_CRD,
};
use support::{file, synth, yaml_documents};

const EXAMPLE: &str = include_str!("../../examples/karpenter.yaml");

/// The smallest blueprint with Karpenter: an admin, the controller's node group, defaults.
const MINIMAL: &str = "
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
compute:
  managedNodeGroups: [{name: system}]
  karpenter: {}
";

#[test]
fn default_manifests_validate_against_the_karpenter_v1_crds() {
    assert_manifests_valid(&synth(MINIMAL));
}

#[test]
fn example_manifests_validate_against_the_karpenter_v1_crds() {
    let assembly = synth(EXAMPLE);
    assert_eq!(yaml_documents(file(&assembly, NODE_POOLS_FILE)).len(), 2);
    assert_manifests_valid(&assembly);
}

#[test]
fn every_option_validates_against_the_karpenter_v1_crds() {
    let pool = "{name: all, capacityTypes: [spot], instanceCategories: [], instanceGenerationGreaterThan: null,
          architectures: [amd64, arm64], labels: {team: a, example.com/tier: gold},
          taints: [{key: dedicated, effect: NoExecute}, {key: gpu, value: 'true', effect: PreferNoSchedule}],
          limits: {cpu: null, memory: 1Ti}, weight: 100,
          disruption: {consolidationPolicy: WhenEmpty, consolidateAfter: Never,
            budgets: [{nodes: '0', reasons: [Empty, Drifted, Underutilized], schedule: '@daily', duration: 1h30m}]}}";
    let yaml =
        MINIMAL.replace("karpenter: {}", &format!("karpenter: {{amiAlias: al2023@v20250101, nodePools: [{pool}]}}"));
    let assembly = synth(&yaml);
    let pools = yaml_documents(file(&assembly, NODE_POOLS_FILE));
    assert!(pools[0]["spec"].get("limits").unwrap().get("cpu").is_none());
    assert_eq!(pools[0]["spec"]["template"]["spec"]["requirements"].as_array().unwrap().len(), 3);
    assert_eq!(pools[0]["spec"]["template"]["spec"]["taints"][0], json!({"key": "dedicated", "effect": "NoExecute"}));
    assert_manifests_valid(&assembly);
}

#[test]
fn the_schema_check_catches_what_kubernetes_would_refuse() {
    let pool_schema = crd_schema(NODE_POOL_CRD);
    let assembly = synth(MINIMAL);
    let good = yaml_documents(file(&assembly, NODE_POOLS_FILE)).remove(0);
    let mut bad = good.clone();
    bad["spec"]["weight"] = json!(0);
    bad["spec"]["disruption"]["consolidateAfter"] = json!("1 minute");
    bad["spec"]["template"]["spec"]["nodeClassRef"]["nmae"] = json!("typo");
    let errors = schema_errors(&pool_schema, &bad);
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("/spec/weight")), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with("/spec/disruption/consolidateAfter")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("nmae")), "{errors:?}");
    let mut cel = good;
    cel["spec"]["template"]["metadata"] = json!({"labels": {"karpenter.sh/custom": "x"}});
    cel["spec"]["disruption"]["budgets"] = json!([{"nodes": "1", "schedule": "@daily"}]);
    assert_eq!(
        node_pool_cel_errors(&cel),
        vec!["label karpenter.sh/custom is restricted", "'schedule' must be set with 'duration'"]
    );
}
