//! The defects the mutation test (`tests/fuzz.rs`) found, one test per class, each through
//! the real binary on a real temporary directory: before the fixes each input below exited
//! 0 (accepted, then refused by CloudFormation, EKS or Karpenter at deploy, or misread) or 1
//! (an invalid logical id at synthesis); now each exits 2, names the field and writes
//! nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// A valid blueprint's first lines: the cluster is usable, so nothing else is reported.
const HEAD: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";

/// Runs `synth FILE -o out` on `content` written to `name` in a fresh directory; returns the
/// exit code and stderr, after checking that nothing but the input is in the directory
/// when the exit code is not 0.
fn synth(name: &str, content: &[u8]) -> (i32, String) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join(name), content).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .args(["synth", name, "-o", "out"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    if code != 0 {
        let entries: Vec<String> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(entries, [name], "exit {code} left files behind");
        assert!(!Path::new(&tmp.path().join("out")).exists());
    }
    (code, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Asserts exit 2 and that every `expected` line is in stderr.
fn refused(name: &str, content: &str, expected: &[&str]) {
    let (code, stderr) = synth(name, content.as_bytes());
    assert_eq!(code, 2, "{name}: exit {code}\n{content}\n{stderr}");
    for line in expected {
        assert!(stderr.contains(line), "{name}: stderr lacks {line:?}:\n{stderr}");
    }
}

/// serde reads a struct from a sequence of its fields in order; serde_json hands it one, so
/// `"endpoint": [true, true]` was read as `{private: true, public: true}`.
#[test]
fn a_json_list_where_a_struct_is_expected_is_refused() {
    refused(
        "list.json",
        r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}, "endpoint": [true, false]}}"#,
        &[
            "error[invalid-type]: cluster.endpoint: invalid type: sequence, expected struct EndpointAccess",
            "\n --> list.json:1:",
        ],
    );
    refused(
        "nested.json",
        r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}}, "compute": {"managedNodeGroups": [["general"]]}}"#,
        &["compute.managedNodeGroups[0]: invalid type: sequence, expected struct ManagedNodeGroup"],
    );
    refused("top.json", r#"["demo"]"#, &[" --> top.json"]);
    // YAML refused it already; the rule now has one home for both formats.
    refused(
        "list.yaml",
        &format!("{HEAD}  endpoint: [true, false]\n"),
        &["cluster.endpoint: invalid type: sequence, expected struct EndpointAccess"],
    );
}

/// A long service name made a logical id over 255 characters, and two names differing in
/// punctuation the same logical id: both failed at synthesis with exit 1.
#[test]
fn vpc_endpoint_names_that_would_break_logical_ids_are_refused() {
    let long = "a".repeat(300);
    refused(
        "long.yaml",
        &format!("{HEAD}network:\n  vpcEndpoints: [s3, {long}]\n"),
        &["network.vpcEndpoints[1]: `aaaa", "at most 200 characters"],
    );
    refused(
        "same-id.yaml",
        &format!("{HEAD}network:\n  vpcEndpoints: [s3, a-b, a.b]\n"),
        &["network.vpcEndpoints[2]: `a.b` and `a-b` (at [1]) differ only in punctuation, so their endpoints would get the same logical id; list the service once"],
    );
}

/// `uniqueItems` in the AWS::EKS::AccessEntry schema (KubernetesGroups,
/// AccessPolicies[].AccessScope.Namespaces), and identical Fargate selectors.
#[test]
fn items_listed_twice_are_refused_with_both_indexes() {
    refused(
        "namespaces.yaml",
        "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Dev\n        kubernetesGroups: [devs, ops, devs]\n        policies: [{policy: Edit, namespaces: [a, b, a]}]\n",
        &[
            "cluster.access.entries[0].kubernetesGroups[2]: the group `devs` is listed twice, at [0] and [2]; list it once",
            "cluster.access.entries[0].policies[0].namespaces[2]: the namespace `a` is listed twice, at [0] and [2]; list it once",
        ],
    );
    refused(
        "fargate.yaml",
        &format!("{HEAD}compute:\n  fargateProfiles:\n    - name: fp\n      selectors: [{{namespace: a}}, {{namespace: b}}, {{namespace: a}}]\n"),
        &["compute.fargateProfiles[0].selectors[2]: the selector of namespace `a` is listed twice, at [0] and [2]; list it once"],
    );
}

/// Empty values where the API wants at least one character: the EKS API's node group
/// labels, CloudFormation's Fargate selector labels, Karpenter's NodePool taints.
#[test]
fn empty_values_the_apis_refuse_are_refused() {
    refused(
        "mng-label.yaml",
        &format!("{HEAD}compute:\n  managedNodeGroups:\n    - name: g\n      labels: {{team: \"\"}}\n"),
        &["compute.managedNodeGroups[0].labels.team: the label `team` has an empty value, which the EKS API for managed node groups refuses"],
    );
    refused(
        "fargate-label.yaml",
        &format!("{HEAD}compute:\n  fargateProfiles:\n    - name: fp\n      selectors: [{{namespace: a, labels: {{team: \"\"}}}}]\n"),
        &["compute.fargateProfiles[0].selectors[0].labels.team: the label `team` has an empty value"],
    );
    refused(
        "karpenter-taint.yaml",
        &format!(
            "{HEAD}compute:\n  managedNodeGroups:\n    - name: system\n  karpenter:\n    nodePools:\n      - name: p\n        taints: [{{key: k, value: \"\", effect: NoSchedule}}]\n"
        ),
        &["compute.karpenter.nodePools[0].taints[0].value: the taint `k` has an empty value, which Karpenter's NodePool schema refuses; leave `value` out"],
    );
    // Where the API takes an empty value, it stays accepted: a managed node group's taint
    // (`Value` has `minLength: 0` in the AWS::EKS::Nodegroup schema), and a Karpenter taint
    // written without a value.
    let ok = format!(
        "{HEAD}compute:\n  managedNodeGroups:\n    - name: system\n      taints: [{{key: k, value: \"\", effect: NoSchedule}}]\n  karpenter:\n    nodePools:\n      - name: p\n        taints: [{{key: k, effect: NoSchedule}}]\n"
    );
    let (code, stderr) = synth("ok.yaml", ok.as_bytes());
    assert_eq!(code, 0, "{stderr}");
}

/// YAML 1.1 readers (libyaml under serde_yaml, PyYAML) take U+0085, U+2028 and U+2029 for
/// line breaks, YAML 1.2 readers for characters: a quoted key holding U+2028 was read as a
/// value, and U+0085 in a quoted string folded into a space (`"a<NEL>b"` read `a b`).
#[test]
fn raw_unicode_line_breaks_in_yaml_are_refused_with_their_position() {
    refused(
        "key.yaml",
        &format!("{HEAD}tags:\n  \"a\u{2028}b\": x\n"),
        &[
            "error[ambiguous-line-break]: U+2028 (LINE SEPARATOR) is a line break to YAML 1.1 readers and a plain character to YAML 1.2 readers",
            "\n --> key.yaml:6:5\n",
        ],
    );
    refused(
        "value.yaml",
        &format!("{HEAD}tags:\n  team: \"a\u{85}b\"\n"),
        &[
            "error[ambiguous-line-break]: U+0085 (NEXT LINE)",
            "\n --> value.yaml:6:11\n",
            "write it as the escape \\N inside a double-quoted string",
        ],
    );
    refused("comment.yaml", &format!("{HEAD}# a comment\u{2029}x: 1\n"), &["U+2029 (PARAGRAPH SEPARATOR)"]);
    // Written as an escape, every reader reads the same character; validation then judges
    // the value (tags refuse it, with the field path).
    refused(
        "escaped.yaml",
        &format!("{HEAD}tags:\n  team: \"a\\Lb\"\n"),
        &["tags.team: the value `a\\u{2028}b` of tag `team` contains U+2028"],
    );
    // JSON has no such ambiguity: the character is part of the string, and validation
    // judges it.
    refused(
        "value.json",
        "{\"name\": \"demo\", \"cluster\": {\"access\": {\"bootstrapClusterCreatorAdminPermissions\": true}}, \"tags\": {\"team\": \"a\u{2028}b\"}}",
        &["tags.team: the value `a\\u{2028}b` of tag `team` contains U+2028"],
    );
}

/// An action naming no IAM action (`45:30`, a typo) was accepted and failed cfn-lint
/// (W3037). The table is cfn-lint's own; `allowUnlistedActions` accepts newer actions.
#[test]
fn iam_actions_the_table_does_not_know_are_refused() {
    let identity = |actions: &str, extra: &str| {
        format!(
            "{HEAD}identities:\n  - name: api\n    namespace: payments\n    serviceAccount: api\n    statements:\n      - actions: {actions}\n        resources: [\"*\"]\n{extra}"
        )
    };
    refused(
        "actions.yaml",
        &identity("[\"45:30\", s3:GetObjekt, dynamodb:GetItem, \"s3:Frob*\"]", ""),
        &[
            "identities[0].statements[0].actions[0]: `45` is not an IAM service prefix; the table is cfn-lint's (cfn-lint 1.58.0); set allowUnlistedActions: true on the statement for an action newer than the table",
            "identities[0].statements[0].actions[1]: `s3:GetObjekt` is not an action of `s3` (did you mean s3:getobject?)",
            "identities[0].statements[0].actions[3]: `s3:Frob*` matches no action of `s3`",
        ],
    );
    let (code, stderr) =
        synth("newer.yaml", identity("[s3:GetObjectV9]", "        allowUnlistedActions: true\n").as_bytes());
    assert_eq!(code, 0, "{stderr}");
}
