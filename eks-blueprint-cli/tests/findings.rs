//! `synth` prints best-practice findings on stderr and still synthesizes; suppressed rules
//! are silent.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::Command;

const BLUEPRINT: &str = "name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
compute:
  managedNodeGroups:
    - name: spot
      capacityType: SPOT
      instanceTypes: [m7i.large]
";

fn synth(text: &str) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blueprint.yaml");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .env("SOURCE_DATE_EPOCH", "1796169600") // 2026-12-02: findings must not depend on the clock
        .arg("synth")
        .arg(&file)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn synth_prints_findings_as_warnings_with_rule_ids() {
    let (code, stderr) = synth(BLUEPRINT);
    assert_eq!(code, 0);
    // The finding, then where it is: the file, the line and a caret under the field.
    let (headline, location) = stderr.split_once('\n').unwrap();
    assert_eq!(
        headline,
        "warning[EKSB-COMPUTE-001]: compute.managedNodeGroups[0].instanceTypes: a Spot group with the single instance type m7i.large loses all its nodes when that Spot pool is reclaimed; list several instance types of similar size"
    );
    assert!(location.starts_with("  --> ") && location.contains("blueprint.yaml:11:7\n"), "{location}");
    assert!(location.ends_with("11 |       instanceTypes: [m7i.large]\n   |       ^^^^^^^^^^^^^\n\n"), "{location}");
}

#[test]
fn suppressed_rules_are_silent() {
    let (code, stderr) =
        synth(&format!("{BLUEPRINT}suppress:\n  - rule: EKSB-COMPUTE-001\n    reason: interruptible batch work\n"));
    assert_eq!(code, 0);
    assert_eq!(stderr, "");
}
