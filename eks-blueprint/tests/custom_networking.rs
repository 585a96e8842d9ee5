//! VPC CNI custom networking (`network.podCidr`): the vpc-cni add-on's configuration, the
//! stack outputs, the ENIConfig template and the script that fills and applies it (run here
//! with stand-ins for `aws` and `kubectl`), and rule EKSB-NETWORK-001.

// Test helpers (not #[test] functions) may panic on unexpected results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Command;

use eks_blueprint::{Assembly, Blueprint, Format};
use serde_json::{json, Value};
use support::{file, yaml_documents};

/// The cluster: an admin, and a public endpoint for the operator's network, from where
/// kubectl applies the ENIConfigs between the stacks.
const ACCESS: &str = "cluster:\n  endpoint: {public: true, publicAccessCidrs: [203.0.113.0/24]}\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";
/// The same cluster with the default private-only endpoint.
const PRIVATE_ACCESS: &str = "cluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";
const GROUP: &str = "compute:\n  managedNodeGroups:\n    - name: general\n      instanceTypes: [m7i.large]\n      kubelet: {maxPods: 20}\n";

/// A blueprint named demo with this `network:` body (indented two spaces) and `rest`.
fn blueprint(network: &str, rest: &str) -> Blueprint {
    Blueprint::from_yaml(&format!("name: demo\n{ACCESS}network:\n{network}{rest}")).unwrap()
}

fn synth(bp: &Blueprint) -> Assembly {
    bp.synth(Format::Json).unwrap()
}

fn template<'a>(assembly: &'a Assembly, stack: &str) -> &'a Value {
    &assembly.stack(stack).unwrap_or_else(|| panic!("no stack {stack}")).template
}

fn eniconfig(zone: &str, subnet: &str, group: &str) -> Value {
    json!({
        "apiVersion": "crd.k8s.amazonaws.com/v1alpha1",
        "kind": "ENIConfig",
        "metadata": {"name": zone},
        "spec": {"subnet": subnet, "securityGroups": [group]},
    })
}

#[test]
fn the_vpc_cni_addon_is_configured_for_custom_networking_with_a_pod_cidr_only() {
    let with = synth(&blueprint("  podCidr: 100.64.0.0/16\n", GROUP));
    let config = &template(&with, "demo-cluster")["Resources"]["AddonVpcCni"]["Properties"]["ConfigurationValues"];
    let parsed: Value = serde_json::from_str(config.as_str().expect("a JSON string")).unwrap();
    assert_eq!(
        parsed,
        json!({"env": {
            "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true",
            "ENI_CONFIG_LABEL_DEF": "topology.kubernetes.io/zone",
        }})
    );

    let without = synth(&blueprint("  cidr: 10.0.0.0/16\n", GROUP));
    let addon = &template(&without, "demo-cluster")["Resources"]["AddonVpcCni"]["Properties"];
    assert!(addon.get("ConfigurationValues").is_none(), "{addon}");
    assert!(!without.files().keys().any(|p| p.starts_with("manifests/eniconfigs")));
}

#[test]
fn the_stacks_output_pod_subnets_zones_and_the_cluster_security_group() {
    let assembly = synth(&blueprint("  availabilityZones: 2\n  podCidr: 100.64.0.0/16\n", GROUP));
    let outputs = &template(&assembly, "demo-network")["Outputs"];
    for n in 1..=2 {
        assert_eq!(outputs[format!("PodSubnet{n}Id")]["Value"], json!({"Ref": format!("PodSubnet{n}")}));
        assert_eq!(
            outputs[format!("PodSubnet{n}Zone")]["Value"],
            json!({"Fn::GetAtt": [format!("PodSubnet{n}"), "AvailabilityZone"]})
        );
    }
    assert!(outputs.get("PodSubnet3Id").is_none());
    assert_eq!(
        template(&assembly, "demo-cluster")["Outputs"]["ClusterSecurityGroupId"]["Value"],
        json!({"Fn::GetAtt": ["Cluster", "ClusterSecurityGroupId"]})
    );
    // Without a pod CIDR: no pod subnet outputs; the cluster security group is still output.
    let plain = synth(&blueprint("  availabilityZones: 2\n", GROUP));
    let outputs = template(&plain, "demo-network")["Outputs"].as_object().cloned().unwrap_or_default();
    assert!(!outputs.keys().any(|k| k.starts_with("PodSubnet")), "{outputs:?}");
    assert!(template(&plain, "demo-cluster")["Outputs"].get("ClusterSecurityGroupId").is_some());
}

#[test]
fn eniconfigs_by_zone_count_are_a_template_with_placeholders() {
    let assembly = synth(&blueprint("  availabilityZones: 3\n  podCidr: 100.64.0.0/16\n", GROUP));
    let docs = yaml_documents(file(&assembly, "manifests/eniconfigs.yaml"));
    let expected: Vec<Value> = (1..=3)
        .map(|n| {
            eniconfig(
                &format!("${{POD_SUBNET_{n}_ZONE}}"),
                &format!("${{POD_SUBNET_{n}_ID}}"),
                "${CLUSTER_SECURITY_GROUP_ID}",
            )
        })
        .collect();
    assert_eq!(docs, expected);
}

#[test]
fn eniconfigs_of_named_zones_carry_the_names() {
    let assembly =
        synth(&blueprint("  availabilityZones: [eu-west-1a, eu-west-1b]\n  podCidr: 100.64.0.0/16\n", GROUP));
    let docs = yaml_documents(file(&assembly, "manifests/eniconfigs.yaml"));
    assert_eq!(
        docs,
        [
            eniconfig("eu-west-1a", "${POD_SUBNET_1_ID}", "${CLUSTER_SECURITY_GROUP_ID}"),
            eniconfig("eu-west-1b", "${POD_SUBNET_2_ID}", "${CLUSTER_SECURITY_GROUP_ID}"),
        ]
    );
    let script = file(&assembly, "manifests/eniconfigs.sh");
    assert!(!script.contains("Zone"), "zone names are literal, no zone output is read:\n{script}");
}

#[test]
fn the_script_reads_the_outputs_of_the_right_stacks() {
    let assembly = synth(&blueprint("  availabilityZones: 2\n  podCidr: 100.64.0.0/16\n", GROUP));
    let script = file(&assembly, "manifests/eniconfigs.sh");
    assert!(script.starts_with("#!/bin/sh\n"), "{script}");
    let lines: Vec<&str> = script.lines().collect();
    for expected in [
        "set -eu",
        "NETWORK_STACK='demo-network'",
        "CLUSTER_STACK='demo-cluster'",
        "CLUSTER_SECURITY_GROUP_ID=$(output \"$CLUSTER_STACK\" ClusterSecurityGroupId)",
        "POD_SUBNET_1_ID=$(output \"$NETWORK_STACK\" PodSubnet1Id)",
        "POD_SUBNET_1_ZONE=$(output \"$NETWORK_STACK\" PodSubnet1Zone)",
        "POD_SUBNET_2_ID=$(output \"$NETWORK_STACK\" PodSubnet2Id)",
        "POD_SUBNET_2_ZONE=$(output \"$NETWORK_STACK\" PodSubnet2Zone)",
        "  printf '%s\\n' \"$filled\" | kubectl apply -f -",
    ] {
        assert!(lines.contains(&expected), "no line `{expected}` in:\n{script}");
    }
    assert!(!script.contains("PodSubnet3"));
    // Both the template and the script name the order: after the cluster, before compute.
    for text in [script, file(&assembly, "manifests/eniconfigs.yaml")] {
        assert!(text.contains("after stack demo-cluster is deployed and before stack demo-compute is"), "{text}");
    }
}

/// Writes the assembly's manifests and stand-ins for `aws` (answers describe-stacks from
/// `outputs`, logs each call) and `kubectl` (saves what it is asked to apply) into `dir`,
/// then runs `sh manifests/eniconfigs.sh args` with them first on PATH.
fn run_script(assembly: &Assembly, dir: &Path, outputs: &[(&str, &str, &str)], args: &[&str]) -> std::process::Output {
    let manifests = dir.join("manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    for name in ["eniconfigs.yaml", "eniconfigs.sh"] {
        std::fs::write(manifests.join(name), file(assembly, &format!("manifests/{name}"))).unwrap();
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let mut aws = String::from(
        "#!/bin/sh\n# cloudformation describe-stacks --stack-name S --query Q --output text\necho \"$*\" >> \"$LOG\"\ncase \"$4 $6\" in\n",
    );
    for (stack, key, value) in outputs {
        aws.push_str(&format!("  \"{stack} \"*\"'{key}'\"*) echo {value} ;;\n"));
    }
    aws.push_str("  *) echo None ;;\nesac\n");
    let kubectl = "#!/bin/sh\necho \"$*\" >> \"$LOG\"\ncat > \"$APPLIED\"\n";
    for (name, text) in [("aws", aws.as_str()), ("kubectl", kubectl)] {
        let path = bin.join(name);
        std::fs::write(&path, text).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    Command::new("sh")
        .arg("manifests/eniconfigs.sh")
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("LOG", dir.join("calls.log"))
        .env("APPLIED", dir.join("applied.yaml"))
        .output()
        .unwrap()
}

const OUTPUTS: [(&str, &str, &str); 5] = [
    ("demo-cluster", "ClusterSecurityGroupId", "sg-0123456789abcdef0"),
    ("demo-network", "PodSubnet1Id", "subnet-0aaa"),
    ("demo-network", "PodSubnet1Zone", "eu-west-1a"),
    ("demo-network", "PodSubnet2Id", "subnet-0bbb"),
    ("demo-network", "PodSubnet2Zone", "eu-west-1b"),
];

#[test]
fn the_script_fills_the_template_from_the_outputs_and_applies_it() {
    let assembly = synth(&blueprint("  availabilityZones: 2\n  podCidr: 100.64.0.0/16\n", GROUP));
    let dir = tempfile::tempdir().unwrap();
    let out = run_script(&assembly, dir.path(), &OUTPUTS, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let applied = std::fs::read_to_string(dir.path().join("applied.yaml")).unwrap();
    assert_eq!(
        yaml_documents(&applied),
        [
            eniconfig("eu-west-1a", "subnet-0aaa", "sg-0123456789abcdef0"),
            eniconfig("eu-west-1b", "subnet-0bbb", "sg-0123456789abcdef0"),
        ]
    );
    let log = std::fs::read_to_string(dir.path().join("calls.log")).unwrap();
    assert!(log.contains(
        "cloudformation describe-stacks --stack-name demo-network --query Stacks[0].Outputs[?OutputKey=='PodSubnet2Zone'].OutputValue --output text"
    ), "{log}");
    assert!(log.lines().any(|l| l == "apply -f -"), "{log}");

    // --print fills and prints, and applies nothing.
    let dir = tempfile::tempdir().unwrap();
    let out = run_script(&assembly, dir.path(), &OUTPUTS, &["--print"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let printed = String::from_utf8(out.stdout).unwrap();
    assert_eq!(yaml_documents(&printed)[1], eniconfig("eu-west-1b", "subnet-0bbb", "sg-0123456789abcdef0"));
    assert!(!dir.path().join("applied.yaml").exists());
}

#[test]
fn the_script_applies_nothing_when_an_output_is_missing() {
    let assembly = synth(&blueprint("  availabilityZones: 2\n  podCidr: 100.64.0.0/16\n", GROUP));
    let dir = tempfile::tempdir().unwrap();
    // The network stack was deployed by an older version: no PodSubnet2Zone.
    let out = run_script(&assembly, dir.path(), &OUTPUTS[..4], &[]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "eniconfigs.sh: stack demo-network has no output PodSubnet2Zone; deploy it first\n"
    );
    assert!(!dir.path().join("applied.yaml").exists());
}

/// Every validation error of a blueprint, as `path: message [code]`.
fn errors(yaml: &str) -> Vec<String> {
    match Blueprint::from_yaml(yaml) {
        Err(eks_blueprint::Error::Invalid(errors)) => errors.iter().map(|e| format!("{e} [{}]", e.code)).collect(),
        Err(other) => vec![other.to_string()],
        Ok(_) => Vec::new(),
    }
}

#[test]
fn the_example_is_deployable_as_its_header_says() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/custom-networking.yaml");
    let bp = Blueprint::from_path(&path).unwrap();
    // kubectl reaches the endpoint from the operator's network between the stacks.
    assert!(bp.findings().is_empty(), "{:?}", bp.findings());
    let assembly = bp.synth(Format::Json).unwrap();
    let endpoint =
        &assembly.stack("pods-cluster").unwrap().template["Resources"]["Cluster"]["Properties"]["ResourcesVpcConfig"];
    assert_eq!((&endpoint["EndpointPrivateAccess"], &endpoint["EndpointPublicAccess"]), (&json!(true), &json!(true)));
    let cidrs = endpoint["PublicAccessCidrs"].as_array().unwrap();
    assert!(!cidrs.is_empty() && !cidrs.iter().any(|c| c == "0.0.0.0/0"));
    // The header's deploy steps run in the only order that works.
    let text = std::fs::read_to_string(&path).unwrap();
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no `{needle}` in the header"));
    assert!(at("--stack-name pods-network") < at("--stack-name pods-cluster"));
    assert!(at("--stack-name pods-cluster") < at("sh out/manifests/eniconfigs.sh"));
    assert!(at("sh out/manifests/eniconfigs.sh") < at("--stack-name pods-compute"));
    assert!(at("--stack-name pods-compute") < at("--stack-name pods-addons"));
    let assembly = synth(&bp);
    assert!(assembly.files().contains_key("manifests/eniconfigs.sh"));
    assert_eq!(
        assembly.stacks().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["pods-network", "pods-cluster", "pods-compute", "pods-addons"]
    );
}

#[test]
fn a_pod_cidr_in_a_single_stack_is_refused() {
    // Issue 7 item 2: one stack holds the cluster and its nodes, so the ENIConfigs cannot
    // exist before the first node starts, and that node never becomes Ready.
    let yaml = format!("name: demo\nstackLayout: single\n{ACCESS}network:\n  podCidr: 100.64.0.0/16\n{GROUP}");
    assert_eq!(
        errors(&yaml),
        ["network.podCidr: podCidr cannot deploy with stackLayout: single: custom networking needs the ENIConfigs applied after the cluster exists and before any node starts (a node whose zone has no ENIConfig never becomes Ready, and its node group fails), and a single stack creates the cluster and its nodes in one deployment; use stackLayout: perLifecycle (the default), or remove podCidr [pod-cidr-single-stack]"]
    );
    // Auto Mode alone runs no vpc-cni and needs no ENIConfigs: a single stack is fine.
    let auto = format!("name: demo\nstackLayout: single\n{ACCESS}network:\n  podCidr: 100.64.0.0/16\ncompute:\n  autoMode: {{enabled: true}}\n");
    assert!(errors(&auto).is_empty(), "{:?}", errors(&auto));
}

#[test]
fn a_private_only_endpoint_is_a_finding_with_a_pod_cidr() {
    // Issue 7 item 1: kubectl must reach the API server between the stacks.
    let yaml = format!("name: demo\n{PRIVATE_ACCESS}network:\n  podCidr: 100.64.0.0/16\n{GROUP}");
    let bp = Blueprint::from_yaml(&yaml).unwrap();
    let findings: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        ["warning[EKSB-NETWORK-002]: cluster.endpoint.public: with podCidr the ENIConfigs are applied with kubectl between the cluster and compute stacks, and a private-only API endpoint answers only inside the VPC (or a network connected to it, with the cluster security group admitting HTTPS from there); set public: true with publicAccessCidrs limited to where kubectl runs, or suppress this rule with a reason that says how kubectl reaches the endpoint (docs/custom-networking.md)"]
    );
    // A public endpoint for the operator's CIDR, or a suppression with the way in: none.
    assert!(blueprint("  podCidr: 100.64.0.0/16\n", GROUP).findings().is_empty());
    let suppressed = format!(
        "{yaml}suppress:\n  - rule: EKSB-NETWORK-002\n    reason: kubectl runs in a CloudShell VPC environment with the cluster security group\n"
    );
    assert!(Blueprint::from_yaml(&suppressed).unwrap().findings().is_empty());
    // Without a pod CIDR there is no step between the stacks.
    let plain = format!("name: demo\n{PRIVATE_ACCESS}{GROUP}");
    assert!(Blueprint::from_yaml(&plain).unwrap().findings().is_empty());
}

#[test]
fn auto_mode_only_clusters_get_no_eniconfigs() {
    let bp = blueprint("  podCidr: 100.64.0.0/16\n", "compute:\n  autoMode:\n    enabled: true\n");
    let assembly = synth(&bp);
    assert!(template(&assembly, "demo-cluster")["Resources"].get("AddonVpcCni").is_none());
    assert!(!assembly.files().keys().any(|p| p.starts_with("manifests/eniconfigs")));
    assert!(bp.findings().is_empty());
}

#[test]
fn node_groups_without_max_pods_are_a_suppressible_finding_with_a_pod_cidr() {
    let compute = "compute:\n  managedNodeGroups:\n    - name: set\n      instanceTypes: [m7i.large]\n      kubelet: {maxPods: 20}\n    - name: unset\n      instanceTypes: [m7i.xlarge, m6i.xlarge]\n  selfManagedNodeGroups:\n    - name: self\n      instanceTypes: [c7i.large]\n";
    let bp = blueprint("  podCidr: 100.64.0.0/16\n", compute);
    let findings: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        [
            "warning[EKSB-NETWORK-001]: compute.managedNodeGroups[1].kubelet.maxPods: with podCidr the VPC CNI gives pods no address from the node's primary network interface, but the AMI's max pods counts them, so nodes accept pods they cannot start; set kubelet.maxPods to the value of `max-pods-calculator.sh --instance-type m7i.xlarge --cni-version <vpc-cni version> --cni-custom-networking-enabled` for the smallest instance type",
            "warning[EKSB-NETWORK-001]: compute.selfManagedNodeGroups[0].kubelet.maxPods: with podCidr the VPC CNI gives pods no address from the node's primary network interface, but the AMI's max pods counts them, so nodes accept pods they cannot start; set kubelet.maxPods to the value of `max-pods-calculator.sh --instance-type c7i.large --cni-version <vpc-cni version> --cni-custom-networking-enabled` for the smallest instance type",
        ]
    );
    // Without a pod CIDR the AMI's value is right: no finding.
    assert!(blueprint("  cidr: 10.0.0.0/16\n", compute).findings().is_empty());
    // Suppressed with a reason: no finding.
    let suppressed = blueprint(
        "  podCidr: 100.64.0.0/16\n",
        &format!("{compute}suppress:\n  - rule: EKSB-NETWORK-001\n    reason: pods per node are capped by requests\n"),
    );
    assert!(suppressed.findings().is_empty());
}

#[test]
fn karpenter_reserves_the_primary_network_interface() {
    let karpenter = format!("{GROUP}  karpenter: {{}}\n");
    let values = |network: &str| {
        let assembly = synth(&blueprint(network, &karpenter));
        let docs = yaml_documents(file(&assembly, "manifests/karpenter-values.yaml"));
        docs[0]["settings"].clone()
    };
    assert_eq!(values("  podCidr: 100.64.0.0/16\n")["reservedENIs"], json!("1"));
    assert!(values("  cidr: 10.0.0.0/16\n").get("reservedENIs").is_none());
}
