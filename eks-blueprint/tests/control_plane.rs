//! The control plane: every option from the blueprint file and the builder, rendered into
//! the cluster stack, and every invalid combination refused with its exact message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use eks_blueprint::spec::cluster::{GuardDuty, IpFamily, UpgradePolicy};
use eks_blueprint::{AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Error, Format};
use serde_json::{json, Value};
use support::errors;

/// An admin entry, so that the blueprint is reachable; `extra` is more `cluster:` keys.
fn with_admin(extra: &str) -> String {
    format!(
        "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{{policy: ClusterAdmin}}]\n{extra}"
    )
}

fn cluster_stack(yaml: &str) -> Value {
    let bp = Blueprint::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"));
    cluster_stack_of(&bp)
}

fn cluster_stack_of(bp: &Blueprint) -> Value {
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    assembly.stack(&format!("{}-cluster", bp.name())).unwrap().template.clone()
}

/// The account stack, where account- and Region-wide resources live.
fn account_stack(yaml: &str) -> Value {
    let bp = Blueprint::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"));
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    assembly.stack(&format!("{}-account", bp.name())).unwrap().template.clone()
}

fn cluster_props(template: &Value) -> &Value {
    &template["Resources"]["Cluster"]["Properties"]
}

// ---------------------------------------------------------------- defaults

#[test]
fn defaults_are_standard_support_deletion_protection_no_zonal_shift() {
    let t = cluster_stack(&with_admin(""));
    let c = cluster_props(&t);
    assert_eq!(c["UpgradePolicy"], json!({"SupportType": "STANDARD"}));
    assert_eq!(c["DeletionProtection"], json!(true));
    assert_eq!(c["ZonalShiftConfig"], json!({"Enabled": false}));
    // Create-only properties stay out unless set, so existing clusters are not replaced.
    assert!(c.get("KubernetesNetworkConfig").is_none());
    assert!(c["ResourcesVpcConfig"].get("SecurityGroupIds").is_none());
    // Private endpoint only.
    assert_eq!(c["ResourcesVpcConfig"]["EndpointPrivateAccess"], json!(true));
    assert_eq!(c["ResourcesVpcConfig"]["EndpointPublicAccess"], json!(false));
    assert!(c["ResourcesVpcConfig"].get("PublicAccessCidrs").is_none());
    // No account-wide resources unless asked for.
    assert!(t["Resources"].get("GuardDutyDetector").is_none());
    assert!(t["Resources"].get("EcrRegistryScanning").is_none());
}

#[test]
fn cluster_role_keys_and_log_group_are_retained_except_on_a_failed_create() {
    let t = cluster_stack(&with_admin(""));
    for id in ["Cluster", "ClusterRole", "SecretsKey", "ControlPlaneLogKey", "ControlPlaneLogGroup"] {
        let r = &t["Resources"][id];
        // A rolled-back first create deletes them, so its retry does not fail with
        // AlreadyExists on the fixed names (cluster, log group).
        assert_eq!(r["DeletionPolicy"], json!("RetainExceptOnCreate"), "{id}");
        assert_eq!(r["UpdateReplacePolicy"], json!("Retain"), "{id}");
    }
}

#[test]
fn upgrade_policy_deletion_protection_and_zonal_shift_from_the_file() {
    let t = cluster_stack(&with_admin("  upgradePolicy: EXTENDED\n  deletionProtection: false\n  zonalShift: true\n"));
    let c = cluster_props(&t);
    assert_eq!(c["UpgradePolicy"], json!({"SupportType": "EXTENDED"}));
    assert_eq!(c["DeletionProtection"], json!(false));
    assert_eq!(c["ZonalShiftConfig"], json!({"Enabled": true}));
}

#[test]
fn unknown_upgrade_policy_is_a_parse_error() {
    let err = Blueprint::from_yaml(&with_admin("  upgradePolicy: LTS\n")).unwrap_err().to_string();
    assert!(err.starts_with("<input>:7:18: cluster.upgradePolicy: "), "{err}");
    assert!(err.contains("unknown variant `LTS`, expected `STANDARD` or `EXTENDED`"), "{err}");
}

// ---------------------------------------------------------------- endpoint

#[test]
fn endpoint_with_no_access_at_all_is_refused() {
    assert_eq!(
        errors(&with_admin("  endpoint: {private: false}\n")),
        ["cluster.endpoint: both private and public access are off; nothing could reach the API server"]
    );
}

#[test]
fn public_endpoint_needs_an_allow_list() {
    assert_eq!(
        errors(&with_admin("  endpoint: {public: true}\n")),
        ["cluster.endpoint.publicAccessCidrs: a public endpoint needs an allow-list of CIDRs; to open it to the whole internet, list 0.0.0.0/0 explicitly"]
    );
}

#[test]
fn allow_list_without_public_endpoint_is_refused() {
    assert_eq!(
        errors(&with_admin("  endpoint: {publicAccessCidrs: [203.0.113.0/24]}\n")),
        ["cluster.endpoint.publicAccessCidrs: CIDRs are given but public access is off; set public: true or remove them"]
    );
}

#[test]
fn public_cidrs_with_host_bits_are_refused_including_a_mistyped_slash_zero() {
    assert_eq!(
        errors(&with_admin("  endpoint: {public: true, publicAccessCidrs: [203.0.113.7/24, 10.0.0.0/0, 198.51.100.0]}\n")),
        [
            "cluster.endpoint.publicAccessCidrs[0]: `203.0.113.7/24` has host bits set: the block starting at that address is 203.0.113.0/24",
            "cluster.endpoint.publicAccessCidrs[1]: `10.0.0.0/0` has host bits set: the block starting at that address is 0.0.0.0/0",
            "cluster.endpoint.publicAccessCidrs[2]: `198.51.100.0` is not a CIDR block: expected an IPv4 address and a prefix length, like 10.0.0.0/16",
        ]
    );
}

#[test]
fn the_whole_internet_only_when_listed_explicitly() {
    let t = cluster_stack(&with_admin("  endpoint: {public: true, publicAccessCidrs: [0.0.0.0/0]}\n"));
    let vpc = &cluster_props(&t)["ResourcesVpcConfig"];
    assert_eq!(vpc["EndpointPublicAccess"], json!(true));
    assert_eq!(vpc["EndpointPrivateAccess"], json!(true));
    assert_eq!(vpc["PublicAccessCidrs"], json!(["0.0.0.0/0"]));
}

// ---------------------------------------------------------------- logs

#[test]
fn control_plane_logs_are_encrypted_with_a_key_only_logs_can_use_for_that_group() {
    let t = cluster_stack(&with_admin(""));
    let r = &t["Resources"];
    assert_eq!(
        r["ControlPlaneLogGroup"]["Properties"]["KmsKeyId"],
        json!({"Fn::GetAtt": ["ControlPlaneLogKey", "Arn"]})
    );
    assert_eq!(r["ControlPlaneLogGroup"]["Properties"]["LogGroupName"], json!("/aws/eks/demo/cluster"));
    let key = &r["ControlPlaneLogKey"]["Properties"];
    assert_eq!(key["EnableKeyRotation"], json!(true));
    let statements = key["KeyPolicy"]["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 2);
    assert_eq!(
        statements[0]["Principal"],
        json!({"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}})
    );
    assert_eq!(
        statements[1],
        json!({
            "Sid": "CloudWatchLogsUsesKeyForControlPlaneLogGroup",
            "Effect": "Allow",
            "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
            "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            "Resource": "*",
            "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
                "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/eks/demo/cluster"
            }}}
        })
    );
    // Nobody but the account root gets kms:*.
    for st in statements {
        if st["Action"] == json!("kms:*") {
            assert!(st["Principal"].get("AWS").is_some());
        }
    }
    assert_eq!(
        r["ControlPlaneLogKeyAlias"]["Properties"],
        json!({"AliasName": "alias/eks/demo/logs", "TargetKeyId": {"Ref": "ControlPlaneLogKey"}})
    );
}

#[test]
fn log_encryption_can_be_turned_off() {
    let t = cluster_stack(&with_admin("  logEncryption: false\n"));
    assert!(t["Resources"].get("ControlPlaneLogKey").is_none());
    assert!(t["Resources"].get("ControlPlaneLogKeyAlias").is_none());
    assert!(t["Resources"]["ControlPlaneLogGroup"]["Properties"].get("KmsKeyId").is_none());
}

// ---------------------------------------------------------------- secrets encryption

#[test]
fn secrets_use_a_new_retained_key_by_default() {
    let t = cluster_stack(&with_admin(""));
    assert_eq!(
        cluster_props(&t)["EncryptionConfig"],
        json!([{"Provider": {"KeyArn": {"Fn::GetAtt": ["SecretsKey", "Arn"]}}, "Resources": ["secrets"]}])
    );
    assert_eq!(t["Resources"]["SecretsKey"]["Properties"]["EnableKeyRotation"], json!(true));
    assert_eq!(t["Resources"]["SecretsKeyAlias"]["Properties"]["AliasName"], json!("alias/eks/demo/secrets"));
}

#[test]
fn secrets_can_use_an_existing_key() {
    let arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let t = cluster_stack(&with_admin(&format!("  secretsEncryption: {{keyArn: {arn}}}\n")));
    assert!(t["Resources"].get("SecretsKey").is_none());
    assert!(t["Resources"].get("SecretsKeyAlias").is_none());
    assert_eq!(cluster_props(&t)["EncryptionConfig"][0]["Provider"]["KeyArn"], json!(arn));
}

#[test]
fn existing_secrets_key_must_be_a_key_arn() {
    for bad in ["arn:aws:kms:eu-west-1:123456789012:alias/eks", "arn:aws:kms:eu-west-1:1234:key/abc", "1234abcd-12ab"] {
        assert_eq!(
            errors(&with_admin(&format!("  secretsEncryption: {{keyArn: \"{bad}\"}}\n"))),
            [format!("cluster.secretsEncryption.keyArn: `{bad}` is not a KMS key ARN like arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (aliases are not accepted)")]
        );
    }
}

// ---------------------------------------------------------------- networking

#[test]
fn service_cidr_is_rendered() {
    let t = cluster_stack(&with_admin("  serviceIpv4Cidr: 172.20.0.0/16\n"));
    assert_eq!(cluster_props(&t)["KubernetesNetworkConfig"], json!({"ServiceIpv4Cidr": "172.20.0.0/16"}));
}

#[test]
fn service_cidr_must_be_private_sized_and_outside_the_vpc() {
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 100.64.0.0/16\n")),
        ["cluster.serviceIpv4Cidr: 100.64.0.0/16 is not inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, the private ranges EKS takes service addresses from"]
    );
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 192.168.0.0/25\n")),
        ["cluster.serviceIpv4Cidr: 192.168.0.0/25: EKS needs a service CIDR between /12 and /24"]
    );
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 10.0.0.0/8\n")),
        [
            "cluster.serviceIpv4Cidr: 10.0.0.0/8: EKS needs a service CIDR between /12 and /24",
            "cluster.serviceIpv4Cidr: 10.0.0.0/8 overlaps the VPC CIDR 10.0.0.0/16; pick a block outside the VPC (and outside networks peered or connected to it)",
        ]
    );
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 10.0.128.0/24\n")),
        ["cluster.serviceIpv4Cidr: 10.0.128.0/24 overlaps the VPC CIDR 10.0.0.0/16; pick a block outside the VPC (and outside networks peered or connected to it)"]
    );
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 10.100.0.1/16\n")),
        ["cluster.serviceIpv4Cidr: `10.100.0.1/16` has host bits set: the block starting at that address is 10.100.0.0/16"]
    );
}

#[test]
fn service_cidr_must_not_overlap_the_pod_cidr_and_skips_the_vpc_check_for_an_existing_vpc() {
    assert_eq!(
        errors(&with_admin("  serviceIpv4Cidr: 10.100.0.0/16\nnetwork:\n  podCidr: 10.100.0.0/16\n")),
        ["cluster.serviceIpv4Cidr: 10.100.0.0/16 overlaps the pod CIDR 10.100.0.0/16; Kubernetes services and pods need separate address ranges"]
    );
    // The existing VPC's CIDR is unknown; the default 10.0.0.0/16 must not be held against it.
    let yaml = with_admin(
        "  serviceIpv4Cidr: 10.0.0.0/16\nnetwork:\n  existing:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n",
    );
    assert!(Blueprint::from_yaml(&yaml).is_ok());
}

#[test]
fn without_nat_nodes_need_the_private_endpoint() {
    let yaml = with_admin(
        "  endpoint: {private: false, public: true, publicAccessCidrs: [203.0.113.0/24]}\nnetwork:\n  natGateways: none\n  vpcEndpoints: privateCluster\n",
    );
    assert_eq!(
        errors(&yaml),
        ["cluster.endpoint.private: with natGateways: none, nodes in private subnets have no route to the public endpoint; turn private endpoint access on"]
    );
}

#[test]
fn ipv6_is_refused_on_an_ipv4_only_network() {
    assert_eq!(
        errors(&with_admin("  ipFamily: ipv6\n")),
        ["cluster.ipFamily: ipv6 needs IPv6 CIDR blocks on the VPC and its subnets; set network.ipv6: true, or use ipv4 (the default)"]
    );
    assert_eq!(
        errors(&with_admin("  ipFamily: ipv6\n  serviceIpv4Cidr: 172.20.0.0/16\n")),
        [
            "cluster.serviceIpv4Cidr: an ipv6 cluster takes its service addresses from fc00::/7; remove serviceIpv4Cidr or use ipFamily: ipv4",
            "cluster.ipFamily: ipv6 needs IPv6 CIDR blocks on the VPC and its subnets; set network.ipv6: true, or use ipv4 (the default)",
        ]
    );
}

#[test]
fn additional_security_groups_are_validated_and_rendered() {
    let t = cluster_stack(&with_admin("  securityGroupIds: [sg-0123456789abcdef0, sg-12345678]\n"));
    assert_eq!(
        cluster_props(&t)["ResourcesVpcConfig"]["SecurityGroupIds"],
        json!(["sg-0123456789abcdef0", "sg-12345678"])
    );
    assert_eq!(
        errors(&with_admin("  securityGroupIds: [sg-12345678, sg-12345678, sg-XYZ, default]\n")),
        [
            "cluster.securityGroupIds[1]: `sg-12345678` is listed twice",
            "cluster.securityGroupIds[2]: `sg-XYZ` is not a security group id like sg-0123456789abcdef0",
            "cluster.securityGroupIds[3]: `default` is not a security group id like sg-0123456789abcdef0",
        ]
    );
}

// ---------------------------------------------------------------- access

#[test]
fn access_entries_for_roles_and_users_with_scopes_groups_and_username() {
    let yaml = r#"
name: demo
cluster:
  access:
    authenticationMode: API_AND_CONFIG_MAP
    bootstrapClusterCreatorAdminPermissions: true
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
      - principalArn: arn:aws:iam::123456789012:role/teams/Payments
        policies: [{policy: Edit, namespaces: [payments]}, {policy: View}]
      - principalArn: arn:aws:iam::123456789012:user/alice
        username: alice
        kubernetesGroups: [auditors]
      - principalArn: arn:aws:iam::210987654321:role/Admin
        policies: [{policy: Admin, namespaces: [tools]}]
"#;
    let t = cluster_stack(yaml);
    let r = &t["Resources"];
    assert_eq!(
        cluster_props(&t)["AccessConfig"],
        json!({"AuthenticationMode": "API_AND_CONFIG_MAP", "BootstrapClusterCreatorAdminPermissions": true})
    );
    let payments = &r["AccessEntryRoleTeamsPayments"]["Properties"];
    assert_eq!(
        payments["AccessPolicies"],
        json!([
            {"AccessScope": {"Namespaces": ["payments"], "Type": "namespace"},
             "PolicyArn": {"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"}},
            {"AccessScope": {"Type": "cluster"},
             "PolicyArn": {"Fn::Sub": "arn:${AWS::Partition}:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"}}
        ])
    );
    let alice = &r["AccessEntryUserAlice"]["Properties"];
    assert_eq!(alice["PrincipalArn"], json!("arn:aws:iam::123456789012:user/alice"));
    assert_eq!(alice["Username"], json!("alice"));
    assert_eq!(alice["KubernetesGroups"], json!(["auditors"]));
    assert!(alice.get("AccessPolicies").is_none());
    assert!(r["AccessEntryRoleAdmin"]["Properties"].get("Username").is_none());
    // The same role name in another account keeps the first entry's id and adds the account.
    assert_eq!(
        r["AccessEntry210987654321RoleAdmin"]["Properties"]["PrincipalArn"],
        json!("arn:aws:iam::210987654321:role/Admin")
    );
}

#[test]
fn invalid_access_entries_are_refused_with_reasons() {
    let policies: Vec<String> =
        (0..21).map(|i| format!("{{policy: {{unlisted: AmazonEKSCustom{i}Policy}}}}")).collect();
    let yaml = format!(
        r#"
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{{policy: ClusterAdmin}}]
      - principalArn: arn:aws:iam::123456789012:group/Admins
        policies: [{{policy: View}}]
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{{policy: View}}]
      - principalArn: arn:aws:iam::123456789012:role/Dev
        policies: [{{policy: ClusterAdmin, namespaces: [dev]}}]
      - principalArn: arn:aws:iam::123456789012:role/Ops
        kubernetesGroups: [ops, "system:masters"]
      - principalArn: arn:aws:iam::123456789012:role/Many
        policies: [{}]
      - principalArn: arn:aws:iam::123456789012:role/Twice
        policies: [{{policy: Edit, namespaces: [a]}}, {{policy: Edit, namespaces: [b]}}]
      - principalArn: arn:aws:iam::123456789012:role/Named
        username: "system:named"
        policies: [{{policy: View}}]
      - principalArn: arn:aws:iam::123456789012:role/a-b
        policies: [{{policy: View}}]
      - principalArn: arn:aws:iam::123456789012:role/a_b
        policies: [{{policy: View}}]
      - principalArn: arn:aws:iam::123456789012:role/a.b
        policies: [{{policy: View}}]
"#,
        policies.join(", ")
    );
    assert_eq!(
        errors(&yaml),
        [
            "cluster.access.entries[1].principalArn: `arn:aws:iam::123456789012:group/Admins` is not an IAM role or user ARN like arn:aws:iam::123456789012:role/Admin",
            "cluster.access.entries[2].principalArn: `arn:aws:iam::123456789012:role/Admin` has two access entries; merge them",
            "cluster.access.entries[3].policies[0]: ClusterAdmin applies to the whole cluster; use Admin for namespaces",
            "cluster.access.entries[4].kubernetesGroups[1]: `system:masters`: EKS refuses groups starting with system: in access entries; use an access policy instead",
            "cluster.access.entries[5].policies: 21 access policies; EKS allows 20 per entry",
            "cluster.access.entries[6].policies[1]: `AmazonEKSEditPolicy` is associated twice; list its namespaces in one association",
            "cluster.access.entries[7].username: `system:named`: EKS refuses usernames starting with system:; leave username out to let EKS generate one",
            // a-b keeps AccessEntryRoleAB, a_b gets the account as well, a.b has nothing left.
            "cluster.access.entries[10].principalArn: `arn:aws:iam::123456789012:role/a.b` and `arn:aws:iam::123456789012:role/a_b` (entries[9]) differ only in punctuation and would share the logical id AccessEntry123456789012RoleAB",
        ]
    );
}

#[test]
fn a_cluster_nobody_could_reach_is_refused() {
    let expected = ["cluster.access: nobody could ever use the cluster: add an access entry with a policy (e.g. ClusterAdmin for your admin role) or set bootstrapClusterCreatorAdminPermissions: true"];
    assert_eq!(errors("name: demo\n"), expected);
    // An entry without policies or groups grants nothing either.
    assert_eq!(
        errors("name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n"),
        expected
    );
    // The creator as admin, or the aws-auth ConfigMap, is a way in.
    assert!(Blueprint::from_yaml("name: demo\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\n")
        .is_ok());
    assert!(Blueprint::from_yaml("name: demo\ncluster:\n  access: {authenticationMode: API_AND_CONFIG_MAP}\n").is_ok());
}

// ---------------------------------------------------------------- threat detection

#[test]
fn guard_duty_detector_with_eks_audit_logs_and_managed_runtime_agent() {
    let t = account_stack(&with_admin("  guardDuty: {}\n"));
    assert_eq!(
        t["Resources"]["GuardDutyDetector"],
        json!({
            "Type": "AWS::GuardDuty::Detector",
            "DeletionPolicy": "RetainExceptOnCreate",
            "UpdateReplacePolicy": "Retain",
            "Properties": {
                "Enable": true,
                "Features": [
                    {"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"},
                    {"AdditionalConfiguration": [{"Name": "EKS_ADDON_MANAGEMENT", "Status": "ENABLED"}],
                     "Name": "RUNTIME_MONITORING", "Status": "ENABLED"}
                ],
                "Tags": []
            }
        })
    );
}

#[test]
fn guard_duty_features_can_be_chosen_but_not_all_off() {
    let t = account_stack(&with_admin("  guardDuty: {runtimeMonitoring: false}\n"));
    assert_eq!(
        t["Resources"]["GuardDutyDetector"]["Properties"]["Features"],
        json!([{"Name": "EKS_AUDIT_LOGS", "Status": "ENABLED"}, {"Name": "RUNTIME_MONITORING", "Status": "DISABLED"}])
    );
    assert_eq!(
        errors(&with_admin("  guardDuty: {eksAuditLogs: false, runtimeMonitoring: false}\n")),
        ["cluster.guardDuty: both eksAuditLogs and runtimeMonitoring are off, so the detector would watch nothing of the cluster; turn one on or remove guardDuty"]
    );
}

#[test]
fn ecr_enhanced_scanning_scans_every_repository_continuously() {
    let t = account_stack(&with_admin("  ecrEnhancedScanning: true\n"));
    assert_eq!(
        t["Resources"]["EcrRegistryScanning"],
        json!({
            "Type": "AWS::ECR::RegistryScanningConfiguration",
            "Properties": {
                "Rules": [{"RepositoryFilters": [{"Filter": "*", "FilterType": "WILDCARD"}], "ScanFrequency": "CONTINUOUS_SCAN"}],
                "ScanType": "ENHANCED"
            }
        })
    );
}

// ---------------------------------------------------------------- builder == file

#[test]
fn the_builder_fills_the_same_model_as_the_file() {
    let yaml = with_admin(
        r#"      - principalArn: arn:aws:iam::123456789012:user/alice
        username: alice
        policies: [{policy: Edit, namespaces: [team-a]}]
  upgradePolicy: EXTENDED
  deletionProtection: false
  zonalShift: true
  logEncryption: false
  secretsEncryption: {keyArn: "arn:aws:kms:eu-west-1:123456789012:key/abcd"}
  serviceIpv4Cidr: 172.20.0.0/16
  securityGroupIds: [sg-12345678]
  guardDuty: {eksAuditLogs: true, runtimeMonitoring: false}
  ecrEnhancedScanning: true
"#,
    );
    let from_file = Blueprint::from_yaml(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let built = Blueprint::builder("demo")
        .cluster(
            ClusterSpec::builder()
                .access_entry(
                    AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
                )
                .access_entry(
                    AccessEntrySpec::new("arn:aws:iam::123456789012:user/alice")
                        .username("alice")
                        .namespaced_policy(AccessPolicy::Edit, ["team-a"]),
                )
                .upgrade_policy(UpgradePolicy::Extended)
                .deletion_protection(false)
                .zonal_shift(true)
                .log_encryption(false)
                .secrets_key_arn("arn:aws:kms:eu-west-1:123456789012:key/abcd")
                .service_ipv4_cidr("172.20.0.0/16")
                .security_group_ids(["sg-12345678"])
                .guard_duty(GuardDuty::default().runtime_monitoring(false))
                .ecr_enhanced_scanning(true),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(built, from_file);
    assert_eq!(cluster_stack_of(&built), cluster_stack_of(&from_file));
}

#[test]
fn the_builder_meets_the_same_validation() {
    let err = Blueprint::builder("demo")
        .cluster(
            ClusterSpec::builder()
                .bootstrap_cluster_creator_admin_permissions(true)
                .ip_family(IpFamily::Ipv6)
                .security_group_ids(["sg-1"]),
        )
        .build()
        .unwrap_err();
    let Error::Invalid(errors) = err else { panic!("{err}") };
    let codes: Vec<&str> = errors.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["invalid-security-group", "ipv6-needs-ipv6-network"]);
}

// ---------------------------------------------------------------- the example

#[test]
fn production_example_synthesizes_with_every_control_plane_feature() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/production.yaml");
    let bp = Blueprint::from_path(path).unwrap_or_else(|e| panic!("{e}"));
    let t = cluster_stack_of(&bp);
    let r = &t["Resources"];
    let c = cluster_props(&t);
    assert_eq!(c["UpgradePolicy"]["SupportType"], json!("STANDARD"));
    assert_eq!(c["DeletionProtection"], json!(true));
    assert_eq!(c["ResourcesVpcConfig"]["PublicAccessCidrs"], json!(["203.0.113.0/24"]));
    assert!(r["ControlPlaneLogGroup"]["Properties"].get("KmsKeyId").is_some());
    for id in [
        "AccessEntryRolePlatformAdmin",
        "AccessEntryRoleTeamPayments",
        "AccessEntryRoleSecurityAudit",
        "AccessEntryUserBreakGlass",
    ] {
        assert!(r.get(id).is_some(), "{id} missing");
    }
    // Account-wide threat detection lives in the account stack.
    let assembly = bp.synth(Format::Json).unwrap();
    let account = &assembly.stack("production-account").unwrap().template["Resources"];
    assert!(account.get("GuardDutyDetector").is_some() && account.get("EcrRegistryScanning").is_some());
    assert_eq!(
        r["AccessEntryRoleTeamPayments"]["Properties"]["AccessPolicies"][0]["AccessScope"],
        json!({"Namespaces": ["payments", "payments-jobs"], "Type": "namespace"})
    );
}
