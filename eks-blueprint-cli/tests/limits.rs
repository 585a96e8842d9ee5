//! CloudFormation quotas from the command line: bad input (exit 2) that names the
//! blueprint field to change, and nothing written.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

#[test]
fn a_stack_past_500_resources_exits_2_naming_the_field_and_writes_nothing() {
    // One stack (stackLayout: single) with its cluster and node groups: node groups are not
    // split out of it (its CoreDNS add-on waits for all of them), so it passes the quota.
    let tmp = tempfile::tempdir().unwrap();
    let mut yaml = String::from(
        "name: big\nstackLayout: single\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  managedNodeGroups:\n",
    );
    for i in 0..250 {
        yaml.push_str(&format!("    - name: group{i}\n"));
    }
    std::fs::write(tmp.path().join("big.yaml"), yaml).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .env("SOURCE_DATE_EPOCH", "1796169600") // 2026-12-02: findings must not depend on the clock
        .args(["synth", "big.yaml", "-o", "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // 250 managed node groups also pass the EKS quota of 30 per cluster: a warning first.
    assert!(stderr.contains("warning[EKSB-QUOTA-001]: compute.managedNodeGroups: 250 managed node groups"), "{stderr}");
    assert!(
        stderr.contains("\nerror[stack-quota]: compute.managedNodeGroups: stack `big`: the number of resources is 5"),
        "{stderr}"
    );
    // One stack: CoreDNS waits on every group, so no group can be split off (docs/scale.md).
    assert!(stderr.contains("500 come from compute.managedNodeGroups (250 entries)"), "{stderr}");
    // Found at synthesis, and still located: the list that made the stack too large.
    assert!(stderr.contains("\n --> big.yaml:9:3\n  |\n9 |   managedNodeGroups:\n"), "{stderr}");
    assert!(!tmp.path().join("out").exists());
}
