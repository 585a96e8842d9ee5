//! Environments: selecting one merges its overrides over the blueprint as written (the raw
//! document, before typed parsing), names the stacks after it, targets its account and
//! Region, and turns on the Region-aware checks. Each refusal is asserted by path, code,
//! message and, from a file, position.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{
    AccessEntrySpec, AccessPolicy, Blueprint, BlueprintSpec, ClusterSpec, Environment, Error, Format, Position, Source,
    SourceFormat,
};
use serde_json::json;

const BASE: &str = "name: shop
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
network:
  cidr: 10.0.0.0/16
  availabilityZones: 3
tags: {team: platform}
";

/// The blueprint `BASE` + `rest`, compiled for `env`.
fn select(rest: &str, env: Option<&str>) -> Result<Blueprint, Error> {
    let source = Source::from_text("b.yaml", &format!("{BASE}{rest}"), SourceFormat::Yaml)?;
    BlueprintSpec::from_source_for(&source, env)?.compile()
}

/// The validation errors, as `(path, code, message)`.
fn errors(rest: &str, env: Option<&str>) -> Vec<(String, &'static str, String)> {
    match select(rest, env) {
        Err(Error::Invalid(errors)) => errors.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

const ENVS: &str = "environments:
  dev:
    account: \"111111111111\"
    region: eu-west-1
    overrides:
      network: {natGateways: single}
      tags: {stage: dev}
  prod:
    account: \"222222222222\"
    region: eu-central-1
    overrides:
      network: {cidr: 10.20.0.0/16}
      compute:
        managedNodeGroups: [{name: general, instanceTypes: [m7i.xlarge], minSize: 3, maxSize: 9}]
";

#[test]
fn the_selected_environment_names_the_stacks_and_targets_its_account_and_region() {
    let prod = select(ENVS, Some("prod")).unwrap();
    assert_eq!(prod.name(), "shop-prod");
    let target = prod.environment().unwrap();
    assert_eq!((target.name.as_str(), target.base_name.as_str()), ("prod", "shop"));
    let assembly = prod.synth(Format::Json).unwrap();
    let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["shop-prod-network", "shop-prod-cluster", "shop-prod-compute", "shop-prod-addons"]);
    let manifest: serde_json::Value = serde_json::from_str(&assembly.files()["manifest.json"]).unwrap();
    for (_, artifact) in manifest["artifacts"].as_object().unwrap() {
        assert_eq!(artifact["environment"], "aws://222222222222/eu-central-1");
    }
    // The override replaced the CIDR; the cluster is named after the environment.
    let network = &assembly.stack("shop-prod-network").unwrap().template;
    assert_eq!(network["Resources"]["Vpc"]["Properties"]["CidrBlock"], "10.20.0.0/16");
    let cluster = &assembly.stack("shop-prod-cluster").unwrap().template;
    assert_eq!(cluster["Resources"]["Cluster"]["Properties"]["Name"], "shop-prod");
}

#[test]
fn without_a_selection_the_blueprint_as_written_compiles() {
    let base = select(ENVS, None).unwrap();
    assert_eq!(base.name(), "shop");
    assert!(base.environment().is_none());
    let assembly = base.synth(Format::Json).unwrap();
    assert!(assembly.files()["manifest.json"].contains("aws://unknown-account/unknown-region"));
    assert_eq!(base.spec().environments.len(), 2);
}

#[test]
fn overrides_merge_deeply_lists_and_values_replace() {
    let dev = select(ENVS, Some("dev")).unwrap();
    let spec = dev.spec();
    // Mappings merge: the base's CIDR stays, NAT changes; tags gain a key.
    assert_eq!(spec.network.cidr.as_deref(), Some("10.0.0.0/16"));
    assert_eq!(serde_json::to_value(spec.network.nat_gateways).unwrap(), json!("single"));
    assert_eq!(serde_json::to_value(&spec.tags).unwrap(), json!({"team": "platform", "stage": "dev"}));
    // A list replaces: the base's node groups are not kept.
    let with_groups = format!(
        "compute:\n  managedNodeGroups: [{{name: a}}, {{name: b}}]\n{}",
        ENVS.replace("network: {cidr: 10.20.0.0/16}", "network: {cidr: null}")
    );
    let prod = select(&with_groups, Some("prod")).unwrap();
    let groups: Vec<&str> = prod.spec().compute.managed_node_groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(groups, ["general"]);
    // null removes: the default CIDR applies again.
    assert_eq!(prod.spec().network.cidr, None);
}

#[test]
fn an_unknown_key_in_the_overrides_is_named_with_its_path_and_position() {
    let text = format!("{BASE}environments:\n  prod:\n    overrides:\n      network:\n        cidrr: 10.1.0.0/16\n");
    let source = Source::from_text("b.yaml", &text, SourceFormat::Yaml).unwrap();
    match BlueprintSpec::from_source_for(&source, Some("prod")) {
        Err(Error::Parse { code, path, position, message, .. }) => {
            assert_eq!(code, "unknown-field");
            assert_eq!(path, "environments.prod.overrides.network.cidrr");
            assert_eq!(position, Some(Position::new(15, 9)));
            assert!(message.starts_with("unknown field `cidrr`, expected one of `cidr`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    // Not selected, the overrides are not parsed as blueprint fields: the base is valid.
    assert!(BlueprintSpec::from_source_for(&source, None).is_ok());
}

#[test]
fn a_wrong_value_in_the_overrides_fails_the_same_validation() {
    let env = "environments:\n  prod:\n    overrides:\n      network: {cidr: 10.0.0.0/8}\n";
    assert_eq!(
        errors(env, Some("prod")),
        [(
            "network.cidr".to_owned(),
            "vpc-size",
            "10.0.0.0/8: a VPC CIDR block must be between /16 and /28".to_owned()
        )]
    );
    // And the error is shown at the override, not at the base's value.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.yaml");
    std::fs::write(&file, format!("{BASE}{env}")).unwrap();
    let (document, result) = eks_blueprint::load(&file, Some("prod"));
    let diagnostics = document.diagnostics(&result.unwrap_err());
    assert_eq!(diagnostics[0].position, Some(Position::new(14, 17)));
    assert_eq!(diagnostics[0].line_text.as_deref(), Some("      network: {cidr: 10.0.0.0/8}"));
}

#[test]
fn selecting_an_unknown_or_absent_environment_is_an_error() {
    assert_eq!(
        errors(ENVS, Some("stage")),
        [(
            "environments".to_owned(),
            "unknown-environment",
            "no environment `stage`; the blueprint declares: dev, prod".to_owned()
        )]
    );
    let none = errors("", Some("prod"));
    assert_eq!((none[0].0.as_str(), none[0].1), ("environments", "no-environments"));
}

#[test]
fn environments_are_validated_even_when_none_is_selected() {
    let bad = "environments:
  Prod_1:
    account: \"12345\"
    region: eu-west-9
  qa:
    region: EU-WEST-1
    overrides: {name: other}
  new:
    region: xx-newplace-1
    allowUnknownRegion: true
";
    let found = errors(bad, None);
    let codes: Vec<(&str, &str)> = found.iter().map(|(p, c, _)| (p.as_str(), *c)).collect();
    assert_eq!(
        codes,
        [
            ("environments.Prod_1", "invalid-environment"),
            ("environments.Prod_1.account", "invalid-account"),
            ("environments.Prod_1.region", "unknown-region"),
            ("environments.qa.region", "unknown-region"),
            ("environments.qa.overrides.name", "override-not-allowed"),
        ]
    );
    assert!(found[2].2.contains("set `allowUnknownRegion: true`"), "{}", found[2].2);
}

#[test]
fn zones_must_be_in_the_environments_region() {
    let names = "network: {availabilityZones: [eu-west-1a, eu-west-1b]}\n";
    let env = |region: &str| format!("environments:\n  prod:\n    region: {region}\n    overrides:\n      {names}");
    assert!(select(&env("eu-west-1"), Some("prod")).is_ok());
    let found = errors(&env("eu-central-1"), Some("prod"));
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].0, "network.availabilityZones[0]");
    assert_eq!(found[0].1, "zone-outside-region");
    assert_eq!(found[0].2, "`eu-west-1a` is in eu-west-1, but environment `prod` deploys to eu-central-1: list zones of eu-central-1 (or zone IDs, which are the same in every account)");
    // Zone IDs: the prefix of the Region (the AWS documentation's euw1-az1 for eu-west-1).
    let ids = "environments:\n  prod:\n    region: eu-west-1\n    overrides:\n      network: {availabilityZones: [euw1-az1, use1-az2]}\n";
    let found = errors(ids, Some("prod"));
    assert_eq!(
        found.iter().map(|e| (e.0.as_str(), e.1)).collect::<Vec<_>>(),
        [("network.availabilityZones[1]", "az-region"), ("network.availabilityZones[1]", "zone-outside-region"),]
    );
}

#[test]
fn arns_must_be_of_the_regions_partition_and_the_key_of_its_region() {
    let china = "environments:\n  cn:\n    region: cn-north-1\n";
    let found = errors(china, Some("cn"));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "cluster.access.entries[0].principalArn");
    assert_eq!(found[0].1, "arn-partition");
    assert!(found[0]
        .2
        .contains("in partition `aws`, but environment `cn` deploys to cn-north-1, in partition `aws-cn`"));
    // The same blueprint with aws-cn ARNs is fine there.
    let text = format!("{BASE}{china}").replace("arn:aws:iam", "arn:aws-cn:iam");
    let source = Source::from_text("b.yaml", &text, SourceFormat::Yaml).unwrap();
    assert!(BlueprintSpec::from_source_for(&source, Some("cn")).unwrap().compile().is_ok());
    // A KMS key of another Region.
    let key = "environments:\n  prod:\n    region: eu-west-1\n    overrides:\n      cluster: {secretsEncryption: {keyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab'}}\n";
    let found = errors(key, Some("prod"));
    assert_eq!(
        found.iter().map(|e| (e.0.as_str(), e.1)).collect::<Vec<_>>(),
        [("cluster.secretsEncryption.keyArn", "key-region")]
    );
}

#[test]
fn the_rust_builder_declares_and_selects_environments_the_same_way() {
    let spec = Blueprint::builder("shop")
        .cluster(ClusterSpec::builder().access_entry(
            AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
        ))
        .environment(
            "prod",
            Environment::new("222222222222", "eu-central-1").overrides(json!({"network": {"natGateways": "single"}})),
        )
        .spec();
    let prod = spec.select_environment("prod").unwrap().compile().unwrap();
    assert_eq!(prod.name(), "shop-prod");
    assert_eq!(serde_json::to_value(prod.spec().network.nat_gateways).unwrap(), json!("single"));
    assert_eq!(prod.environment().unwrap().cloud_assembly_environment(), "aws://222222222222/eu-central-1");
    // The file with the same content selects to the same blueprint.
    let file = "name: shop\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\nenvironments:\n  prod:\n    account: '222222222222'\n    region: eu-central-1\n    overrides: {network: {natGateways: single}}\n";
    let source = Source::from_text("b.yaml", file, SourceFormat::Yaml).unwrap();
    let from_file = BlueprintSpec::from_source_for(&source, Some("prod")).unwrap().compile().unwrap();
    assert_eq!(from_file, prod);
    let unknown = spec.select_environment("dev");
    assert!(matches!(unknown, Err(Error::Invalid(_))));
}
