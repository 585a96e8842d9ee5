//! Kubernetes version upgrades (issue 14): versions follow the blueprint (node groups, add-ons,
//! the Karpenter chart), staged upgrades within the version skew, one minor version at a
//! time, the support-period finding and the upgrade plan.
//!
//! Expected add-on versions are the rows of `data/addon-versions.csv` (EKS user guide,
//! "Manage kube-proxy" and "Manage CoreDNS" version tables, read 2026-12-02).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::compile::Context;
use eks_blueprint::synth::diff::{diff, Action, Templates};
use eks_blueprint::{Blueprint, Error, Format, KubernetesVersion};
use serde_json::{json, Value};

const ADMIN: &str =
    "cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

const GROUPS: &str = "compute:\n  managedNodeGroups:\n    - {name: system}\n    - {name: apps, instanceTypes: [m7i.xlarge], updateConfig: {maxUnavailablePercentage: 25}}\n";

fn yaml(version: &str, extra: &str) -> String {
    format!("name: demo\nkubernetesVersion: \"{version}\"\n{ADMIN}{extra}")
}

fn blueprint(text: &str) -> Blueprint {
    Blueprint::from_yaml(text).unwrap_or_else(|e| panic!("{e}"))
}

fn templates(bp: &Blueprint, label: &str) -> Templates {
    Templates::from_assembly(label, &bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}")))
}

fn errors(text: &str) -> Vec<String> {
    errors_with(text, &Context::new())
}

fn errors_with(text: &str, ctx: &Context) -> Vec<String> {
    let spec = eks_blueprint::BlueprintSpec::from_yaml(text).unwrap_or_else(|e| panic!("{e}"));
    match spec.compile_with(ctx) {
        Err(Error::Invalid(errors)) => errors.iter().map(|e| format!("{} [{}]", e, e.code)).collect(),
        Err(other) => panic!("expected validation errors, got {other}"),
        Ok(_) => panic!("expected validation errors, the blueprint was accepted"),
    }
}

/// Every (stack, logical id, property path, old, new) that changes.
fn changes(old: &Blueprint, new: &Blueprint) -> Vec<(String, String, String, Value, Value)> {
    let d = diff(&templates(old, "old"), &templates(new, "new"));
    assert_eq!(d.files.as_deref().map(<[_]>::len), Some(0), "no other file changes: {:?}", d.files);
    let mut out = Vec::new();
    for stack in &d.stacks {
        assert!(stack.outputs.is_empty() && stack.sections.is_empty(), "{}: {stack:?}", stack.name);
        for r in &stack.resources {
            assert_eq!(r.action, Action::Update, "{}/{} is updated in place", stack.name, r.logical_id);
            assert!(r.causes.is_empty() && r.blockers.is_empty(), "{r:?}");
            for p in &r.properties {
                out.push((
                    stack.name.clone(),
                    r.logical_id.clone(),
                    p.path.clone(),
                    p.old.clone().unwrap_or(Value::Null),
                    p.new.clone().unwrap_or(Value::Null),
                ));
            }
        }
    }
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

#[test]
fn one_minor_up_changes_the_cluster_node_group_and_add_on_versions_and_nothing_else() {
    let old = blueprint(&yaml("1.34", GROUPS));
    let new = blueprint(&yaml("1.35", GROUPS));
    let row = |s: &str, id: &str, path: &str, old: &str, new: &str| {
        (s.to_owned(), id.to_owned(), path.to_owned(), json!(old), json!(new))
    };
    assert_eq!(
        changes(&old, &new),
        vec![
            // data/addon-versions.csv: coredns 1.34 v1.13.2-eksbuild.11, 1.35 v1.14.3-eksbuild.3
            // (CoreDNS lives in the add-ons stack, after the nodes it runs on).
            row("demo-addons", "AddonCoredns", "/AddonVersion", "v1.13.2-eksbuild.11", "v1.14.3-eksbuild.3"),
            // kube-proxy 1.34 v1.34.6-eksbuild.13, 1.35 v1.35.3-eksbuild.13.
            row("demo-cluster", "AddonKubeProxy", "/AddonVersion", "v1.34.6-eksbuild.13", "v1.35.3-eksbuild.13"),
            row("demo-cluster", "Cluster", "/Version", "1.34", "1.35"),
            row("demo-compute", "NodegroupApps", "/Version", "1.34", "1.35"),
            row("demo-compute", "NodegroupSystem", "/Version", "1.34", "1.35"),
        ]
    );
}

#[test]
fn node_groups_and_add_ons_carry_the_cluster_version() {
    let bp = blueprint(&yaml("1.36", GROUPS));
    let assembly = bp.synth(Format::Json).unwrap();
    let mut versions = Vec::new();
    for stack in assembly.stacks() {
        for (id, r) in stack.template["Resources"].as_object().unwrap() {
            match r["Type"].as_str().unwrap() {
                "AWS::EKS::Nodegroup" => versions.push((id.clone(), r["Properties"]["Version"].clone())),
                "AWS::EKS::Addon" => versions.push((id.clone(), r["Properties"]["AddonVersion"].clone())),
                "AWS::EKS::Cluster" => versions.push((id.clone(), r["Properties"]["Version"].clone())),
                _ => {}
            }
        }
    }
    versions.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        versions,
        vec![
            // The table has no vpc-cni or eks-pod-identity-agent version: EKS's default.
            ("AddonCoredns".to_owned(), json!("v1.14.3-eksbuild.3")),
            ("AddonEksPodIdentityAgent".to_owned(), Value::Null),
            ("AddonKubeProxy".to_owned(), json!("v1.36.0-eksbuild.14")),
            ("AddonVpcCni".to_owned(), Value::Null),
            ("Cluster".to_owned(), json!("1.36")),
            ("NodegroupApps".to_owned(), json!("1.36")),
            ("NodegroupSystem".to_owned(), json!("1.36")),
        ]
    );
    assert!(bp.findings().is_empty(), "a new cluster of a version the table lists: {:?}", bp.findings());
}

#[test]
fn pinned_add_on_versions_win_and_are_checked() {
    let bp = blueprint(&yaml(
        "1.35",
        &format!("{GROUPS}addonVersions:\n  vpc-cni: v1.20.4-eksbuild.2\n  kube-proxy: v1.35.0-eksbuild.2\n"),
    ));
    assert_eq!(bp.addon_version("vpc-cni"), Some("v1.20.4-eksbuild.2"));
    assert_eq!(bp.addon_version("kube-proxy"), Some("v1.35.0-eksbuild.2"));
    assert_eq!(bp.addon_version("coredns"), Some("v1.14.3-eksbuild.3"), "from the table");
    assert_eq!(bp.addon_version("eks-pod-identity-agent"), None);
    assert_eq!(
        errors(&yaml("1.35", &format!("{GROUPS}addonVersions:\n  vpc-cni: 1.20.4\n  aws-ebs-csi-driver: v1.40.0-eksbuild.1\n"))),
        vec![
            "addonVersions.vpc-cni: `1.20.4` is not an EKS add-on version: write it as EKS lists it, like v1.19.2-eksbuild.1 (aws eks describe-addon-versions --addon-name vpc-cni --kubernetes-version 1.35) [invalid-addon-version]",
            "addonVersions.aws-ebs-csi-driver: `aws-ebs-csi-driver` is not an EKS add-on this blueprint installs (it installs: eks-pod-identity-agent, vpc-cni, kube-proxy, coredns) [unknown-addon]",
        ]
    );
}

#[test]
fn held_back_node_groups_stay_within_the_version_skew() {
    // Kubernetes version skew policy (kubernetes.io/releases/version-skew-policy/#kubelet):
    // kubelet never newer than kube-apiserver, at most three minor versions older (EKS:
    // from 1.28, update-cluster.html).
    let staged = "compute:\n  nodeVersion: \"1.35\"\n  managedNodeGroups:\n    - {name: system}\n    - {name: old, version: \"1.33\"}\n  selfManagedNodeGroups:\n    - {name: self, version: \"1.34\"}\n";
    let bp = blueprint(&yaml("1.36", staged));
    let assembly = bp.synth(Format::Json).unwrap();
    let compute = &assembly.stacks().iter().find(|s| s.name == "demo-compute").unwrap().template;
    assert_eq!(compute["Resources"]["NodegroupSystem"]["Properties"]["Version"], json!("1.35"));
    assert_eq!(compute["Resources"]["NodegroupOld"]["Properties"]["Version"], json!("1.33"));
    // The self-managed group's AMI is the EKS-optimized AMI of its own version
    // (retrieve-ami-id.html: /aws/service/eks/optimized-ami/<k8s>/amazon-linux-2023/...).
    let params = compute["Parameters"].to_string();
    assert!(
        params.contains("/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/x86_64/standard/recommended/image_id"),
        "{params}"
    );
    let rules: Vec<(&str, &str)> = bp.findings().iter().map(|f| (f.rule_id, f.path.as_str())).collect();
    assert_eq!(
        rules,
        vec![
            ("EKSB-VERSION-003", "compute.managedNodeGroups[0]"),
            ("EKSB-VERSION-003", "compute.managedNodeGroups[1]"),
            ("EKSB-VERSION-003", "compute.selfManagedNodeGroups[0]"),
        ]
    );

    let too_old = "compute:\n  managedNodeGroups:\n    - {name: old, version: \"1.32\"}\n";
    assert_eq!(
        errors(&yaml("1.36", too_old)),
        vec!["compute.managedNodeGroups[0].version: nodes of Kubernetes 1.32 would be 4 minor versions older than the control plane's 1.36 (kubernetesVersion): a kubelet may be at most 3 minor versions older than the API server (Kubernetes version skew policy, EKS from 1.28); upgrade these nodes before the control plane passes 1.35 [version-skew]"]
    );
    let too_new = "compute:\n  nodeVersion: \"1.36\"\n  selfManagedNodeGroups:\n    - {name: new}\n";
    assert_eq!(
        errors(&yaml("1.35", too_new)),
        vec!["compute.nodeVersion: nodes of Kubernetes 1.36 would be newer than the control plane's 1.35 (kubernetesVersion): a kubelet must not be newer than the API server (Kubernetes version skew policy); upgrade the control plane first, or hold the nodes at 1.35 or older [version-skew]"]
    );
    let malformed = "compute:\n  managedNodeGroups:\n    - {name: x, version: \"1.3\"}\n";
    assert_eq!(errors(&yaml("1.35", malformed)).len(), 1);
}

#[test]
fn the_karpenter_chart_is_pinned_for_the_cluster_version() {
    // Karpenter compatibility matrix (karpenter.sh/docs/upgrading/compatibility, in
    // data/helm-pins.csv): Kubernetes 1.36 needs Karpenter 1.13 or later; chart 1.14.1.
    let bp = blueprint(&yaml("1.36", "compute:\n  managedNodeGroups: [{name: system}]\n  karpenter: {}\n"));
    let assembly = bp.synth(Format::Json).unwrap();
    let script = &assembly.files()["manifests/karpenter.sh"];
    assert!(script.contains("Kubernetes 1.36 needs Karpenter 1.13 or later"), "{script}");
    assert!(script.contains("KARPENTER_VERSION=\"${KARPENTER_VERSION:-1.14.1}\""), "{script}");
}

#[test]
fn every_known_kubernetes_version_synthesizes_with_its_add_on_versions() {
    for version in KubernetesVersion::KNOWN {
        let bp = blueprint(&yaml(version.as_str(), GROUPS));
        assert!(bp.addon_version("kube-proxy").is_some_and(|v| v.starts_with(&format!("v{version}."))), "{version}");
        assert!(bp.addon_version("coredns").is_some(), "{version}");
    }
}

#[test]
fn an_upgrade_goes_one_minor_version_at_a_time_and_never_down() {
    let ctx = |v: &str| Context::new().deployed_version(KubernetesVersion::of(v));
    // "you can update only one minor version at a time" (EKS user guide, update-cluster.html).
    assert_eq!(
        errors_with(&yaml("1.35", GROUPS), &ctx("1.33")),
        vec!["kubernetesVersion: an upgrade from the deployed 1.33 to 1.35 skips 1.34: EKS upgrades the control plane one minor version at a time; deploy 1.34, then 1.35 in turn (docs/upgrades.md) [upgrade-skips-minor]"]
    );
    assert_eq!(
        errors_with(&yaml("1.34", GROUPS), &ctx("1.35")),
        vec!["kubernetesVersion: 1.34 is older than the deployed 1.35: CloudFormation does not roll a cluster back to an older version; within 7 days of an in-place upgrade, roll back with `aws eks update-cluster-version --kubernetes-version 1.34` (node groups first), then synthesize again with --deployed-version 1.34 (docs/upgrades.md#rolling-back) [downgrade]"]
    );
    for deployed in ["1.34", "1.35"] {
        let spec = eks_blueprint::BlueprintSpec::from_yaml(&yaml("1.35", GROUPS)).unwrap();
        assert!(spec.compile_with(&ctx(deployed)).is_ok(), "from {deployed}");
    }
    assert!(
        eks_blueprint::compile::check_upgrade(&KubernetesVersion::of("1.32"), &KubernetesVersion::of("1.36")).is_err()
    );
}

#[test]
fn add_ons_without_a_version_are_a_finding_when_the_cluster_is_upgraded() {
    let spec = eks_blueprint::BlueprintSpec::from_yaml(&yaml("1.35", GROUPS)).unwrap();
    let bp = spec.compile_with(&Context::new().deployed_version(KubernetesVersion::of("1.34"))).unwrap();
    let found: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        vec!["warning[EKSB-VERSION-001]: addonVersions: eks-blueprint's add-on table (of 2026-12-02) knows no version of eks-pod-identity-agent, vpc-cni for Kubernetes 1.35: EKS leaves an add-on on the version it runs when the control plane is upgraded; pin each in addonVersions (aws eks describe-addon-versions --kubernetes-version 1.35 --addon-name eks-pod-identity-agent lists them) or refresh the table (scripts/update-addon-versions)"]
    );
}

#[test]
fn a_version_past_standard_support_on_the_day_of_synthesis_is_a_finding_with_its_cost() {
    // data/kubernetes-versions.csv: 1.34 standard support ends 2026-12-02, extended
    // 2027-12-02; billing for extended support starts on that day (kubernetes-versions.html).
    // data/eks-support-pricing.csv: $0.10 and $0.60 per cluster-hour; 730 hours a month.
    let on = |day: &str, extra: &str| {
        let spec = eks_blueprint::BlueprintSpec::from_yaml(&yaml("1.34", extra)).unwrap();
        let bp = spec.compile_with(&Context::new().today(day.parse().unwrap())).unwrap();
        bp.findings().iter().map(ToString::to_string).collect::<Vec<_>>()
    };
    assert!(on("2026-12-01", "").is_empty());
    assert_eq!(
        on("2026-12-02", ""),
        vec!["warning[EKSB-VERSION-002]: kubernetesVersion: Kubernetes 1.34 left standard support on 2026-12-02 (today is 2026-12-02); with cluster.upgradePolicy STANDARD, EKS upgrades the control plane to 1.35 on its own (node groups and add-ons stay behind); upgrade it yourself, one minor version at a time (docs/upgrades.md). upgradePolicy EXTENDED would keep 1.34 until 2027-12-02 at $0.60 per cluster-hour (about $438 a month) instead of $0.10 (about $73)"]
    );
    let extended = "  upgradePolicy: EXTENDED\n";
    let text = yaml("1.34", "").replace("cluster:\n", &format!("cluster:\n{extended}"));
    let spec = eks_blueprint::BlueprintSpec::from_yaml(&text).unwrap();
    let bp = spec.compile_with(&Context::new().today("2027-01-15".parse().unwrap())).unwrap();
    assert_eq!(
        bp.findings().iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["warning[EKSB-VERSION-002]: kubernetesVersion: Kubernetes 1.34 left standard support on 2026-12-02 (today is 2027-01-15): with cluster.upgradePolicy EXTENDED the cluster pays the extended support rate, $0.60 per cluster-hour (about $438 a month) instead of $0.10 (about $73), until 2027-12-02, when EKS upgrades it on its own; upgrade to 1.35 (docs/upgrades.md)"]
    );
    // Without a date, no finding: synthesis never reads the clock.
    assert!(blueprint(&yaml("1.34", "")).findings().is_empty());
}

#[test]
fn the_upgrade_plan_orders_preflight_controllers_control_plane_add_ons_nodes() {
    let compute = "compute:\n  managedNodeGroups: [{name: system, maxSize: 6, updateConfig: {maxUnavailable: 2}}]\n  selfManagedNodeGroups: [{name: batch}]\n  karpenter: {}\n";
    let old = blueprint(&yaml("1.34", compute));
    let new = blueprint(&yaml("1.35", compute));
    let plan = eks_blueprint::synth::upgrade::plan(&templates(&old, "old"), &templates(&new, "new")).unwrap();
    assert_eq!((plan.cluster.as_str(), plan.from.as_str(), plan.to.as_str()), ("demo", "1.34", "1.35"));
    let titles: Vec<&str> = plan.steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        titles,
        vec![
            "Read the upgrade insights and fix every one in ERROR",
            "Check manifests and charts for APIs 1.35 removes",
            "Check that every PodDisruptionBudget allows a disruption",
            "Check free addresses in the cluster's subnets",
            "Upgrade Karpenter to a release that supports 1.35 (Karpenter 1.9 or later for Kubernetes 1.35, Karpenter compatibility matrix)",
            "Deploy stack demo-cluster",
            "Deploy stack demo-compute",
            "Deploy stack demo-addons",
            "Replace the self-managed nodes (instance refresh)",
            "Karpenter drifts its nodes to 1.35",
            "Verify the cluster on 1.35",
        ]
    );
    let cluster = plan.steps[5].details.join("\n");
    assert!(cluster.contains("Cluster: control plane 1.34 -> 1.35"), "{cluster}");
    assert!(
        cluster.contains("AddonKubeProxy: add-on kube-proxy v1.34.6-eksbuild.13 -> v1.35.3-eksbuild.13"),
        "{cluster}"
    );
    let compute = plan.steps[6].details.join("\n");
    assert!(compute.contains("NodegroupSystem: managed node group 1.34 -> 1.35, a rolling update 2 nodes at a time (UpdateConfig): up to 3 rounds for 6 nodes"), "{compute}");
    assert!(
        compute.contains("/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id"),
        "{compute}"
    );
    // No upgrade, no plan.
    assert!(eks_blueprint::synth::upgrade::plan(&templates(&new, "a"), &templates(&new, "b")).is_none());
    assert!(eks_blueprint::synth::upgrade::plan(&templates(&new, "a"), &templates(&old, "b")).is_none());
}
