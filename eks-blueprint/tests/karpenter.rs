//! Karpenter around its deployment: what it needs in a VPC without NAT (VPC endpoints and
//! `settings.isolatedVPC`), names that let one blueprint deploy in several Regions of an
//! account, and `manifests/karpenter.sh`, run here with stand-ins for `aws`, `helm` and
//! `kubectl`, which installs it after the karpenter stack and removes it, in order, before
//! that stack is deleted.

// Test helpers (not #[test] functions) may panic on unexpected results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::Path;
use std::process::Command;

use eks_blueprint::Assembly;
use serde_json::{json, Value};
use support::{file, synth, yaml_documents};

const BASE: &str = "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  managedNodeGroups: [{name: system}]\n";

/// The service names of the network stack's VPC endpoints, in template order.
fn endpoint_services(assembly: &Assembly) -> Vec<String> {
    let resources = assembly.stack("demo-network").unwrap().template["Resources"].as_object().unwrap().clone();
    resources
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::VPCEndpoint")
        .map(|r| {
            let name = r["Properties"]["ServiceName"]["Fn::Sub"].as_str().unwrap();
            name.trim_start_matches("com.amazonaws.${AWS::Region}.").to_owned()
        })
        .collect()
}

fn values(assembly: &Assembly) -> Value {
    yaml_documents(file(assembly, "manifests/karpenter-values.yaml")).remove(0)
}

#[test]
fn without_nat_karpenter_gets_its_endpoints_and_runs_isolated() {
    // Issue 7 item 3: privateCluster lacks ssm (AMI alias resolution) and sqs (interruption
    // queue); the Karpenter guide's private-cluster list and Pod Identity's eks-auth are added.
    let yaml = format!("{BASE}  karpenter: {{}}\nnetwork:\n  natGateways: none\n  vpcEndpoints: privateCluster\n");
    let assembly = synth(&yaml);
    assert_eq!(
        endpoint_services(&assembly),
        ["s3", "ecr.api", "ecr.dkr", "ec2", "sts", "eks", "eks-auth", "elasticloadbalancing", "logs", "ssm", "sqs"]
    );
    let network = &assembly.stack("demo-network").unwrap().template["Resources"];
    assert_eq!(network["VpcEndpointSqs"]["Properties"]["VpcEndpointType"], "Interface");
    assert_eq!(network["VpcEndpointSsm"]["Properties"]["PrivateDnsEnabled"], true);
    assert_eq!(values(&assembly)["settings"]["isolatedVPC"], json!(true));
    assert!(file(&assembly, "manifests/karpenter-values.yaml").contains("controller.image"));

    // A short list gets every endpoint Karpenter needs, each once.
    let short = format!("{BASE}  karpenter: {{}}\nnetwork:\n  natGateways: none\n  vpcEndpoints: [s3, sqs, ecr.api]\n");
    assert_eq!(
        endpoint_services(&synth(&short)),
        ["s3", "sqs", "ecr.api", "ec2", "ecr.dkr", "sts", "ssm", "eks", "eks-auth"]
    );

    // With NAT: nothing is added and Karpenter may reach the pricing API.
    let nat = synth(&format!("{BASE}  karpenter: {{}}\n"));
    assert!(endpoint_services(&nat).is_empty());
    assert!(values(&nat)["settings"].get("isolatedVPC").is_none());
    // Without Karpenter: the blueprint's endpoints only.
    let plain = synth(&format!("{BASE}network:\n  natGateways: none\n  vpcEndpoints: [s3, ecr.api]\n"));
    assert_eq!(endpoint_services(&plain), ["s3", "ecr.api"]);
}

#[test]
fn the_node_class_names_an_instance_profile_the_stack_creates() {
    // IAM is not reachable without NAT (no VPC endpoint), so Karpenter cannot create an
    // instance profile for a `role`: the EC2NodeClass names the stack's instance profile.
    let assembly = synth(&format!("{BASE}  karpenter: {{}}\n"));
    let class = &yaml_documents(file(&assembly, "manifests/karpenter-nodeclass.yaml"))[0];
    assert_eq!(class["spec"]["instanceProfile"], "${KARPENTER_NODE_INSTANCE_PROFILE}");
    assert!(class["spec"].get("role").is_none());
}

/// A stand-in command that logs its arguments to `$LOG`.
fn stand_in(dir: &Path, name: &str, body: &str) {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\necho \"{name} $*\" >> \"$LOG\"\n{body}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Writes the assembly's Karpenter files and stand-ins into `dir`, then runs
/// `sh manifests/karpenter.sh args` with `env`. The `aws` stand-in answers the karpenter
/// stack's instance profile output when `profile` is given, and two launch templates;
/// `kubectl apply` saves its input to `applied.yaml`.
fn run(
    assembly: &Assembly,
    dir: &Path,
    profile: Option<&str>,
    env: &[(&str, &str)],
    args: &[&str],
) -> std::process::Output {
    let manifests = dir.join("manifests");
    std::fs::create_dir_all(&manifests).unwrap();
    for (path, content) in assembly.files() {
        if path.starts_with("manifests/karpenter") {
            std::fs::write(dir.join(path), content).unwrap();
        }
    }
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let output = profile.map_or_else(|| "echo None".to_owned(), |p| format!("echo {p}"));
    stand_in(
        &bin,
        "aws",
        &format!(
            "case \"$1 $2\" in\n  'cloudformation describe-stacks') case \"$*\" in *KarpenterNodeInstanceProfileName*) {output} ;; *) echo None ;; esac ;;\n  'ec2 describe-launch-templates') printf 'lt-0aaa\\tlt-0bbb\\n' ;;\nesac\n"
        ),
    );
    stand_in(&bin, "helm", "[ \"$1\" = status ] && exit \"${HELM_STATUS:-0}\"\nexit 0\n");
    stand_in(&bin, "kubectl", "if [ \"$1\" = apply ] && [ \"$3\" = - ]; then cat >> \"$APPLIED\"; fi\nexit 0\n");
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new("sh");
    command
        .arg("manifests/karpenter.sh")
        .args(args)
        .current_dir(dir)
        .env("PATH", path)
        .env("LOG", dir.join("calls.log"))
        .env("APPLIED", dir.join("applied.yaml"))
        .env_remove("AWS_REGION")
        .env_remove("KARPENTER_VERSION");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn calls(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("calls.log")).unwrap_or_default().lines().map(str::to_owned).collect()
}

const PROFILE: &str = "demo-karpenter-KarpenterNodeInstanceProfile-AbCdEf012345";

#[test]
fn install_puts_the_chart_first_then_the_node_class_with_the_stacks_profile_then_the_pools() {
    let assembly = synth(&format!("{BASE}  karpenter: {{}}\n"));
    let dir = tempfile::tempdir().unwrap();
    let env = [("AWS_REGION", "eu-west-1"), ("KARPENTER_VERSION", "1.8.1")];
    let out = run(&assembly, dir.path(), Some(PROFILE), &env, &["install"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        calls(dir.path()),
        [
            "aws cloudformation describe-stacks --stack-name demo-karpenter --query Stacks[0].Outputs[?OutputKey=='KarpenterNodeInstanceProfileName'].OutputValue --output text",
            "helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter --version 1.8.1 --namespace kube-system --values manifests/karpenter-values.yaml --set controller.env[0].name=AWS_REGION --set controller.env[0].value=eu-west-1 --wait",
            "kubectl apply -f -",
            "kubectl apply -f manifests/karpenter-nodepools.yaml",
        ]
    );
    let applied = yaml_documents(&std::fs::read_to_string(dir.path().join("applied.yaml")).unwrap());
    assert_eq!(applied.len(), 1);
    assert_eq!(applied[0]["kind"], "EC2NodeClass");
    assert_eq!(applied[0]["spec"]["instanceProfile"], PROFILE);

    // print fills the same EC2NodeClass and installs nothing.
    let dir = tempfile::tempdir().unwrap();
    let out = run(&assembly, dir.path(), Some(PROFILE), &env[..1], &["print"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(yaml_documents(&String::from_utf8(out.stdout).unwrap())[0]["spec"]["instanceProfile"], PROFILE);
    assert!(!calls(dir.path()).iter().any(|c| c.starts_with("helm") || c.starts_with("kubectl")));
}

#[test]
fn install_changes_nothing_before_the_stack_or_without_region_and_version() {
    let assembly = synth(&format!("{BASE}  karpenter: {{}}\n"));
    // The karpenter stack is not deployed: no output, so no chart and no manifests.
    let dir = tempfile::tempdir().unwrap();
    let out =
        run(&assembly, dir.path(), None, &[("AWS_REGION", "eu-west-1"), ("KARPENTER_VERSION", "1.8.1")], &["install"]);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "karpenter.sh: stack demo-karpenter has no output KarpenterNodeInstanceProfileName; deploy it first\n"
    );
    assert!(!calls(dir.path()).iter().any(|c| c.starts_with("helm") || c.starts_with("kubectl")));
    // No Region: nothing is called at all.
    let dir = tempfile::tempdir().unwrap();
    let out = run(&assembly, dir.path(), Some(PROFILE), &[("KARPENTER_VERSION", "1.8.1")], &["install"]);
    assert!(!out.status.success());
    assert!(calls(dir.path()).is_empty(), "{:?}", calls(dir.path()));
    assert!(String::from_utf8_lossy(&out.stderr).contains("set AWS_REGION"));
    // No version: the chart pinned for the cluster's Kubernetes version (1.35 by default),
    // 1.14.1 in data/helm-pins.csv (Karpenter's compatibility matrix: 1.35 needs >= 1.9).
    let dir = tempfile::tempdir().unwrap();
    let out = run(&assembly, dir.path(), Some(PROFILE), &[("AWS_REGION", "eu-west-1")], &["install"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        calls(dir.path())
            .iter()
            .any(|c| c.starts_with("helm upgrade --install karpenter") && c.contains(" --version 1.14.1 ")),
        "{:?}",
        calls(dir.path())
    );
    let dir = tempfile::tempdir().unwrap();
    let out = run(&assembly, dir.path(), Some(PROFILE), &[("AWS_REGION", "eu-west-1")], &["deploy"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn uninstall_drains_karpenters_nodes_before_anything_the_stack_owns_goes() {
    // Issue 7 item 12: NodePools first (their nodes drained and terminated), then the
    // EC2NodeClass, then the chart, then the launch templates Karpenter leaves.
    let yaml =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/karpenter.yaml")).unwrap();
    let assembly = synth(&yaml);
    let dir = tempfile::tempdir().unwrap();
    let out = run(&assembly, dir.path(), Some(PROFILE), &[("AWS_REGION", "eu-west-1")], &["uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        calls(dir.path()),
        [
            "kubectl get crd nodepools.karpenter.sh",
            "kubectl delete nodepools.karpenter.sh general graviton-batch --cascade=foreground --ignore-not-found --timeout=30m",
            "kubectl delete ec2nodeclasses.karpenter.k8s.aws default --ignore-not-found --timeout=10m",
            "helm status karpenter --namespace kube-system",
            "helm uninstall karpenter --namespace kube-system --wait",
            "aws ec2 describe-launch-templates --filters Name=tag:karpenter.k8s.aws/cluster,Values=karpenter-demo --query LaunchTemplates[].LaunchTemplateId --output text",
            "aws ec2 delete-launch-template --launch-template-id lt-0aaa",
            "aws ec2 delete-launch-template --launch-template-id lt-0bbb",
        ]
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("stack karpenter-demo-karpenter can be deleted"));
    // Run again after the chart is gone: nothing left to uninstall, and no failure.
    let dir = tempfile::tempdir().unwrap();
    let out =
        run(&assembly, dir.path(), Some(PROFILE), &[("AWS_REGION", "eu-west-1"), ("HELM_STATUS", "1")], &["uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!calls(dir.path()).iter().any(|c| c.starts_with("helm uninstall")));

    // No NodePools in the blueprint: none to delete, none to apply, the rest the same.
    let none = synth(&format!("{BASE}  karpenter: {{nodePools: []}}\n"));
    let dir = tempfile::tempdir().unwrap();
    let out = run(&none, dir.path(), Some(PROFILE), &[("AWS_REGION", "eu-west-1")], &["uninstall"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let log = calls(dir.path());
    assert!(!log.iter().any(|c| c.contains("nodepools.karpenter.sh ")), "{log:?}");
    assert!(log.iter().any(|c| c.starts_with("kubectl delete ec2nodeclasses.karpenter.k8s.aws default")), "{log:?}");
    let dir = tempfile::tempdir().unwrap();
    let env = [("AWS_REGION", "eu-west-1"), ("KARPENTER_VERSION", "1.8.1")];
    let out = run(&none, dir.path(), Some(PROFILE), &env, &["install"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(calls(dir.path()).last().map(String::as_str), Some("kubectl apply -f -"));
}
