//! Compute: managed and self-managed node groups, Fargate profiles, EKS Auto Mode and the
//! findings of the compute part. Validation errors are asserted with their exact text;
//! rendering is asserted on the emitted template JSON.

// Test helpers (not #[test] functions) may panic on unexpected results.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use eks_blueprint::compile::data::instance_types::arch_of;
use eks_blueprint::spec::compute::Arch;
use eks_blueprint::{
    AccessEntrySpec, AccessPolicy, AmiType, AutoMode, AutoModeNodePool, Blueprint, CapacityType, ClusterSpec,
    FargateProfile, FargateSelector, Format, ManagedNodeGroup, SelfManagedNodeGroup, Taint, TaintEffect,
};
use serde_json::{json, Value};
use support::errors;

/// A valid blueprint head, with `compute` (YAML, indented two spaces) appended.
fn yaml(compute: &str) -> String {
    format!(
        "name: demo\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{{policy: ClusterAdmin}}]\n{compute}"
    )
}

fn template(bp: &Blueprint, stack: &str) -> Value {
    let assembly = bp.synth(Format::Json).unwrap();
    assembly.stack(stack).unwrap_or_else(|| panic!("no stack {stack}")).template.clone()
}

fn resource<'a>(t: &'a Value, id: &str) -> &'a Value {
    t["Resources"].get(id).unwrap_or_else(|| panic!("no resource {id}"))
}

fn admin() -> ClusterSpec {
    ClusterSpec::builder()
        .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin))
        .build()
}

#[test]
fn instance_architecture_follows_the_graviton_naming_rule() {
    for t in
        ["m7g.large", "c7gn.xlarge", "r8g.medium", "t4g.small", "g5g.xlarge", "im4gn.large", "x2gd.large", "a1.large"]
    {
        assert_eq!(arch_of(t), Arch::Arm64, "{t}");
    }
    for t in ["m7i.large", "c6a.large", "g5.xlarge", "p5.48xlarge", "inf2.xlarge", "t3.micro", "m5.large"] {
        assert_eq!(arch_of(t), Arch::X86_64, "{t}");
    }
}

#[test]
fn ami_type_of_the_wrong_architecture_is_an_error() {
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: web\n      amiType: AL2023_x86_64_STANDARD\n      instanceTypes: [m7i.large, m7g.large]\n",
    ));
    assert_eq!(
        e,
        ["compute.managedNodeGroups[0].instanceTypes[1]: `m7g.large` is an arm64 (Graviton) instance type but amiType AL2023_x86_64_STANDARD is for x86_64: use amiType AL2023_ARM_64_STANDARD or an x86_64 instance type"]
    );
    let e = errors(&yaml(
        "compute:\n  selfManagedNodeGroups:\n    - name: web\n      amiType: BOTTLEROCKET_ARM_64\n      instanceTypes: [c6a.large]\n",
    ));
    assert_eq!(
        e,
        ["compute.selfManagedNodeGroups[0].instanceTypes[0]: `c6a.large` is an x86_64 instance type but amiType BOTTLEROCKET_ARM_64 is for arm64: use amiType BOTTLEROCKET_x86_64 or an arm64 instance type"]
    );
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: ml\n      amiType: AL2023_x86_64_NEURON\n      instanceTypes: [m7g.large]\n",
    ));
    assert_eq!(
        e,
        ["compute.managedNodeGroups[0].instanceTypes[0]: `m7g.large` is an arm64 (Graviton) instance type but amiType AL2023_x86_64_NEURON is for x86_64: use an x86_64 instance type"]
    );
}

#[test]
fn every_ami_type_is_spelled_as_in_the_schema() {
    for ami in [
        "AL2023_x86_64_STANDARD",
        "AL2023_ARM_64_STANDARD",
        "AL2023_x86_64_NVIDIA",
        "AL2023_ARM_64_NVIDIA",
        "AL2023_x86_64_NEURON",
        "BOTTLEROCKET_x86_64",
        "BOTTLEROCKET_ARM_64",
        "BOTTLEROCKET_x86_64_NVIDIA",
        "BOTTLEROCKET_ARM_64_NVIDIA",
        "BOTTLEROCKET_x86_64_FIPS",
        "BOTTLEROCKET_ARM_64_FIPS",
        "BOTTLEROCKET_x86_64_NVIDIA_FIPS",
        "BOTTLEROCKET_ARM_64_NVIDIA_FIPS",
    ] {
        let types = if ami.contains("ARM_64") { "[m7g.large]" } else { "[m7i.large]" };
        let bp = Blueprint::from_yaml(&yaml(&format!(
            "compute:\n  managedNodeGroups:\n    - name: g\n      amiType: {ami}\n      instanceTypes: {types}\n"
        )))
        .unwrap();
        assert_eq!(bp.spec().compute.managed_node_groups[0].ami_type.map(|t| t.as_str()), Some(ami));
        let t = template(&bp, "demo-compute");
        assert_eq!(resource(&t, "NodegroupG")["Properties"]["AmiType"], ami);
    }
}

#[test]
fn update_config_takes_a_count_or_a_percentage_not_both() {
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: a\n      updateConfig: {maxUnavailable: 2, maxUnavailablePercentage: 20}\n    - name: b\n      updateConfig: {maxUnavailablePercentage: 101}\n    - name: c\n      updateConfig: {maxUnavailable: 0}\n",
    ));
    assert_eq!(
        e,
        [
            "compute.managedNodeGroups[0].updateConfig: give maxUnavailable or maxUnavailablePercentage, not both",
            "compute.managedNodeGroups[1].updateConfig.maxUnavailablePercentage: 101 is outside 1 to 100 percent",
            "compute.managedNodeGroups[2].updateConfig.maxUnavailable: 0 is outside 1 to 100 nodes",
        ]
    );
}

#[test]
fn sizes_labels_and_taints_are_checked() {
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: a\n      minSize: 3\n      desiredSize: 5\n      maxSize: 4\n      labels: {kubernetes.io/role: x}\n      taints: [{key: k8s.io/x, effect: NoExecute}]\n  selfManagedNodeGroups:\n    - name: b\n      minSize: 2\n      desiredSize: 1\n",
    ));
    assert_eq!(
        e,
        [
            "compute.managedNodeGroups[0].desiredSize: desired size 5 can't be greater than max size 4",
            "compute.managedNodeGroups[0].labels.kubernetes.io/role: `kubernetes.io/role`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes",
            "compute.managedNodeGroups[0].taints[0].key: `k8s.io/x`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes",
            "compute.selfManagedNodeGroups[0].desiredSize: desired size 1 can't be less than min size 2",
        ]
    );
    let taints: String = (0..51).map(|i| format!("{{key: t{i}, effect: NoSchedule}}, ")).collect();
    let e = errors(&yaml(&format!(
        "compute:\n  managedNodeGroups:\n    - name: a\n      taints: [{}]\n",
        taints.trim_end_matches(", ")
    )));
    assert_eq!(e, ["compute.managedNodeGroups[0].taints: 51 taints; EKS allows 50 per node group"]);
}

#[test]
fn kubelet_settings_are_checked() {
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: br\n      amiType: BOTTLEROCKET_x86_64\n      kubelet: {maxPods: 0, flags: [--v=2]}\n    - name: al\n      kubelet: {flags: [max-pods=3, \"--a b\"]}\n",
    ));
    assert_eq!(
        e,
        [
            "compute.managedNodeGroups[0].kubelet.maxPods: maxPods must be at least 1",
            "compute.managedNodeGroups[0].kubelet.flags: BOTTLEROCKET_x86_64 takes Bottlerocket settings, not kubelet flags; remove the flags",
            "compute.managedNodeGroups[1].kubelet.flags[0]: `max-pods=3` is not a kubelet flag like --image-gc-high-threshold=80",
            "compute.managedNodeGroups[1].kubelet.flags[1]: `--a b` is not a kubelet flag like --image-gc-high-threshold=80",
        ]
    );
}

#[test]
fn public_subnets_are_refused_where_they_cannot_work() {
    let e = errors(&yaml(
        "compute:\n  managedNodeGroups:\n    - name: a\n      subnets: public\n  fargateProfiles:\n    - name: f\n      subnets: public\n      selectors: [{namespace: kube-system}]\n",
    ));
    assert_eq!(
        e,
        [
            "compute.managedNodeGroups[0].subnets: managed node groups need subnets that assign public IP addresses at launch, and the blueprint's public subnets do not; use private subnets, or a self-managed node group",
            "compute.fargateProfiles[0].subnets: Fargate runs pods in private subnets only; remove `subnets: public`",
        ]
    );
}

#[test]
fn fargate_profiles_are_checked() {
    let six: Vec<String> = (0..6).map(|i| format!("{{namespace: ns{i}}}")).collect();
    let e = errors(&yaml(&format!(
        "compute:\n  managedNodeGroups: [{{name: a}}]\n  fargateProfiles:\n    - name: many\n      selectors: [{}]\n    - name: none\n      selectors: []\n    - name: bad\n      selectors: [{{namespace: Bad_NS, labels: {{k8s.io/x: y}}}}]\n    - name: Many\n      selectors: [{{namespace: a}}]\n",
        six.join(", ")
    )));
    assert_eq!(
        e,
        [
            "compute.fargateProfiles[0].selectors: 6 selectors; a Fargate profile takes 1 to 5",
            "compute.fargateProfiles[1].selectors: 0 selectors; a Fargate profile takes 1 to 5",
            "compute.fargateProfiles[2].selectors[0].namespace: `Bad_NS` is not a namespace name: at most 63 lowercase letters, digits and '-'",
            "compute.fargateProfiles[2].selectors[0].labels.k8s.io/x: `k8s.io/x`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes",
            "compute.fargateProfiles[3].name: `Many` clashes with Fargate profile `many`: names must differ in more than '-' and '_'",
        ]
    );
    let e = errors(&yaml("compute:\n  fargateProfiles:\n    - name: apps\n      selectors: [{namespace: apps}]\n"));
    assert_eq!(
        e,
        ["compute.fargateProfiles: with Fargate as the only compute, CoreDNS runs on Fargate: add a profile with a selector for namespace kube-system"]
    );
}

#[test]
fn self_managed_fips_and_auto_mode_pools_are_checked() {
    let e = errors(&yaml(
        "compute:\n  selfManagedNodeGroups:\n    - name: f\n      amiType: BOTTLEROCKET_x86_64_FIPS\n  autoMode:\n    nodePools: [system, system]\n",
    ));
    assert_eq!(
        e,
        [
            "compute.selfManagedNodeGroups[0].amiType: BOTTLEROCKET_x86_64_FIPS is offered for managed node groups only; use a managed node group or a non-FIPS AMI type",
            "compute.autoMode.nodePools: node pools need Auto Mode: add `enabled: true`",
            "compute.autoMode.nodePools[1]: `system` is listed twice",
        ]
    );
}

#[test]
fn suppressions_need_a_known_rule_and_a_reason() {
    let e = errors(&yaml(
        "suppress:\n  - {rule: EKSB-NOPE-001, reason: because}\n  - {rule: EKSB-COMPUTE-001, reason: \" \"}\n",
    ));
    assert_eq!(
        e,
        [
            "suppress[0].rule: `EKSB-NOPE-001` is not a rule id (known: EKSB-COMPUTE-001, EKSB-COMPUTE-002, EKSB-COMPUTE-003, EKSB-COMPUTE-004, EKSB-COMPUTE-005, EKSB-NETWORK-001, EKSB-NETWORK-002, EKSB-LIFECYCLE-001, EKSB-LIFECYCLE-002, EKSB-KARPENTER-001, EKSB-CAPACITY-001, EKSB-QUOTA-001, EKSB-QUOTA-002, EKSB-VERSION-001, EKSB-VERSION-002, EKSB-VERSION-003)",
            "suppress[1].reason: say why the rule is suppressed",
        ]
    );
    let err = Blueprint::from_yaml(&yaml("suppress:\n  - {rule: EKSB-COMPUTE-001}\n")).unwrap_err();
    assert!(err.to_string().contains("missing field `reason`"), "{err}");
}

#[test]
fn spot_with_one_instance_type_is_a_suppressible_finding() {
    let text = yaml(
        "compute:\n  managedNodeGroups:\n    - name: spot\n      capacityType: SPOT\n      instanceTypes: [m7i.large]\n    - name: spread\n      capacityType: SPOT\n      instanceTypes: [m7i.large, m6i.large]\n",
    );
    let bp = Blueprint::from_yaml(&text).unwrap();
    let findings: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
    assert_eq!(
        findings,
        ["warning[EKSB-COMPUTE-001]: compute.managedNodeGroups[0].instanceTypes: a Spot group with the single instance type m7i.large loses all its nodes when that Spot pool is reclaimed; list several instance types of similar size"]
    );
    let bp = Blueprint::from_yaml(&format!(
        "{text}suppress:\n  - rule: EKSB-COMPUTE-001\n    reason: interruptible batch work\n"
    ))
    .unwrap();
    assert!(bp.findings().is_empty());
}

#[test]
fn managed_node_group_renders_launch_template_security_defaults() {
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .cluster_autoscaler(true)
        .managed_node_group(
            ManagedNodeGroup::builder("system")
                .instance_types(["m7i.large"])
                .taint(Taint::new("CriticalAddonsOnly", "true", TaintEffect::NoSchedule))
                .max_unavailable_percentage(25)
                .tag("cost-center", "platform")
                .detailed_monitoring(true)
                .max_pods(110)
                .kubelet_flag("--image-gc-high-threshold=80"),
        )
        .build()
        .unwrap();
    let t = template(&bp, "demo-compute");
    let lt = &resource(&t, "NodegroupSystemLaunchTemplate")["Properties"]["LaunchTemplateData"];
    assert_eq!(
        lt["MetadataOptions"],
        json!({"HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 1, "HttpTokens": "required"})
    );
    assert_eq!(
        lt["BlockDeviceMappings"],
        json!([{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": true, "Encrypted": true, "VolumeSize": 80, "VolumeType": "gp3"}}])
    );
    assert_eq!(lt["Monitoring"], json!({"Enabled": true}));
    assert!(lt.get("KeyName").is_none());
    let user_data = lt["UserData"]["Fn::Base64"].as_str().unwrap();
    assert!(user_data.starts_with("MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"BOUNDARY\"\n"));
    // maxPods also as a flag: EKS appends its own NodeConfig with its computed maxPods after
    // this one on managed nodes, and the kubelet's flag wins over any config value (issue 7
    // item 18).
    assert!(user_data.contains(
        "Content-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      maxPods: 110\n    flags:\n      - \"--image-gc-high-threshold=80\"\n      - \"--max-pods=110\"\n\n--BOUNDARY--\n"
    ));
    assert!(user_data.ends_with("--BOUNDARY--\n"));
    let ng = &resource(&t, "NodegroupSystem")["Properties"];
    assert_eq!(ng["UpdateConfig"], json!({"MaxUnavailablePercentage": 25}));
    assert_eq!(ng["Taints"], json!([{"Effect": "NO_SCHEDULE", "Key": "CriticalAddonsOnly", "Value": "true"}]));
    assert_eq!(ng["Tags"]["cost-center"], "platform");
    // No Cluster Autoscaler tags on a managed node group: they would not reach its Auto
    // Scaling group (tests/cluster_autoscaler.rs).
    assert_eq!(ng["Tags"], json!({"Name": "demo-system", "cost-center": "platform"}));
    assert_eq!(ng["Subnets"][0], json!({"Fn::ImportValue": "demo-network:PrivateSubnet1"}));
}

#[test]
fn bottlerocket_encrypts_both_volumes_and_sizes_the_data_volume() {
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .managed_node_group(
            ManagedNodeGroup::builder("br")
                .ami_type(AmiType::BottlerocketArm64)
                .instance_types(["m7g.large", "m6g.large"])
                .capacity_type(CapacityType::Spot)
                .volume_size(120)
                // m7g.large and m6g.large: 3 ENIs × (10 − 1) + 2 = 29 pod addresses.
                .max_pods(29)
                .ssh_key_name("ops"),
        )
        .build()
        .unwrap();
    let t = template(&bp, "demo-compute");
    let lt = &resource(&t, "NodegroupBrLaunchTemplate")["Properties"]["LaunchTemplateData"];
    assert_eq!(
        lt["BlockDeviceMappings"],
        json!([
            {"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": true, "Encrypted": true, "VolumeType": "gp3"}},
            {"DeviceName": "/dev/xvdb", "Ebs": {"DeleteOnTermination": true, "Encrypted": true, "VolumeSize": 120, "VolumeType": "gp3"}}
        ])
    );
    assert_eq!(lt["UserData"], json!({"Fn::Base64": "[settings.kubernetes]\nmax-pods = 29\n"}));
    assert_eq!(lt["KeyName"], "ops");
    assert_eq!(resource(&t, "NodegroupBr")["Properties"]["CapacityType"], "SPOT");
    let findings: Vec<&str> = bp.findings().iter().map(|f| f.rule_id).collect();
    assert_eq!(findings, ["EKSB-COMPUTE-002"]);
}

#[test]
fn self_managed_node_group_joins_through_nodeadm_and_an_access_entry() {
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .cluster_autoscaler(true)
        .self_managed_node_group(
            SelfManagedNodeGroup::builder("workers")
                .instance_types(["m7i.large", "m6i.large"])
                .capacity_type(CapacityType::Spot)
                .label("role", "workers")
                .taint(Taint::new("dedicated", "workers", TaintEffect::NoSchedule))
                .max_pods(58),
        )
        .build()
        .unwrap();
    let t = template(&bp, "demo-compute");
    assert_eq!(
        t["Parameters"]["SelfManagedGroupWorkersImageId"],
        json!({
            "Type": "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            "Description": "The AMI of self-managed node group workers: the public SSM parameter of the recommended AL2023_x86_64_STANDARD AMI for Kubernetes 1.35",
            "Default": "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/recommended/image_id"
        })
    );
    let entry = &resource(&t, "AccessEntrySelfManagedNodes")["Properties"];
    assert_eq!(entry["Type"], "EC2_LINUX");
    assert!(entry.get("AccessPolicies").is_none());
    assert_eq!(entry["PrincipalArn"], json!({"Fn::GetAtt": ["SelfManagedNodeRole", "Arn"]}));
    let lt = &resource(&t, "SelfManagedGroupWorkersLaunchTemplate")["Properties"]["LaunchTemplateData"];
    assert_eq!(lt["ImageId"], json!({"Ref": "SelfManagedGroupWorkersImageId"}));
    assert_eq!(lt["SecurityGroupIds"], json!([{"Fn::ImportValue": "demo-cluster:Cluster-ClusterSecurityGroupId"}]));
    assert_eq!(lt["IamInstanceProfile"], json!({"Arn": {"Fn::GetAtt": ["SelfManagedNodeInstanceProfile", "Arn"]}}));
    assert_eq!(lt["MetadataOptions"]["HttpTokens"], "required");
    assert_eq!(lt["MetadataOptions"]["HttpPutResponseHopLimit"], 1);
    assert_eq!(lt["BlockDeviceMappings"][0]["Ebs"]["Encrypted"], true);
    let sub = &lt["UserData"]["Fn::Base64"]["Fn::Sub"];
    let text = sub[0].as_str().unwrap();
    assert!(text.contains(
        "spec:\n  cluster:\n    name: \"demo\"\n    apiServerEndpoint: ${Endpoint}\n    certificateAuthority: ${CertificateAuthority}\n    cidr: 172.20.0.0/16\n  kubelet:\n    config:\n      maxPods: 58\n    flags:\n      - \"--node-labels=role=workers\"\n      - \"--register-with-taints=dedicated=workers:NoSchedule\"\n"
    ));
    assert_eq!(sub[1]["Endpoint"], json!({"Fn::ImportValue": "demo-cluster:Cluster-Endpoint"}));
    assert_eq!(
        sub[1]["CertificateAuthority"],
        json!({"Fn::ImportValue": "demo-cluster:Cluster-CertificateAuthorityData"})
    );
    let asg = resource(&t, "SelfManagedGroupWorkers");
    assert_eq!(asg["DependsOn"], json!(["AccessEntrySelfManagedNodes"]));
    let p = &asg["Properties"];
    assert_eq!(
        (p["MinSize"].as_str(), p["MaxSize"].as_str(), p["DesiredCapacity"].as_str()),
        (Some("2"), Some("4"), Some("2"))
    );
    assert_eq!(p["CapacityRebalance"], true);
    assert_eq!(
        p["MixedInstancesPolicy"]["InstancesDistribution"],
        json!({"OnDemandBaseCapacity": 0, "OnDemandPercentageAboveBaseCapacity": 0, "SpotAllocationStrategy": "price-capacity-optimized"})
    );
    assert_eq!(
        p["MixedInstancesPolicy"]["LaunchTemplate"]["Overrides"],
        json!([{"InstanceType": "m7i.large"}, {"InstanceType": "m6i.large"}])
    );
    let tags = p["Tags"].as_array().unwrap();
    let tag = |k: &str| tags.iter().find(|t| t["Key"] == k).cloned();
    assert_eq!(
        tag("kubernetes.io/cluster/demo"),
        Some(json!({"Key": "kubernetes.io/cluster/demo", "PropagateAtLaunch": true, "Value": "owned"}))
    );
    assert_eq!(tag("k8s.io/cluster-autoscaler/demo").unwrap()["Value"], "owned");
    assert_eq!(tag("k8s.io/cluster-autoscaler/node-template/taint/dedicated").unwrap()["Value"], "workers:NoSchedule");
}

#[test]
fn self_managed_bottlerocket_reads_its_parameter_and_toml_settings() {
    let bp = Blueprint::from_yaml(&yaml(
        "network: {cidr: 192.168.0.0/16}\ncompute:\n  selfManagedNodeGroups:\n    - name: br\n      amiType: BOTTLEROCKET_ARM_64_NVIDIA\n      instanceTypes: [g5g.xlarge, g5g.2xlarge]\n      labels: {gpu: \"true\"}\n      taints: [{key: nvidia.com/gpu, effect: NoSchedule}]\n",
    ))
    .unwrap();
    let t = template(&bp, "demo-compute");
    assert_eq!(
        t["Parameters"]["SelfManagedGroupBrImageId"]["Default"],
        "/aws/service/bottlerocket/aws-k8s-1.35-nvidia/arm64/latest/image_id"
    );
    let lt = &resource(&t, "SelfManagedGroupBrLaunchTemplate")["Properties"]["LaunchTemplateData"];
    let text = lt["UserData"]["Fn::Base64"]["Fn::Sub"][0].as_str().unwrap();
    assert_eq!(
        text,
        "[settings.kubernetes]\ncluster-name = \"demo\"\napi-server = \"${Endpoint}\"\ncluster-certificate = \"${CertificateAuthority}\"\ncluster-dns-ip = \"10.100.0.10\"\n\n[settings.kubernetes.node-labels]\n\"gpu\" = \"true\"\n\n[settings.kubernetes.node-taints]\n\"nvidia.com/gpu\" = [\":NoSchedule\"]\n"
    );
    assert_eq!(lt["BlockDeviceMappings"][1]["DeviceName"], "/dev/xvdb");
    let p = &resource(&t, "SelfManagedGroupBr")["Properties"];
    assert_eq!(p["MixedInstancesPolicy"]["InstancesDistribution"]["OnDemandPercentageAboveBaseCapacity"], 100);
    assert!(p.get("CapacityRebalance").is_none());
}

#[test]
fn fargate_profiles_get_a_scoped_pod_execution_role_and_are_created_one_at_a_time() {
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .fargate_profile(FargateProfile::builder("system").selector(FargateSelector::new("kube-system")))
        .fargate_profile(
            FargateProfile::builder("batch").selector(FargateSelector::new("batch").label("runtime", "fargate")),
        )
        .build()
        .unwrap();
    let t = template(&bp, "demo-compute");
    let role = &resource(&t, "FargatePodExecutionRole")["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"],
        json!([{
            "Effect": "Allow",
            "Principal": {"Service": "eks-fargate-pods.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:SourceArn": {"Fn::Sub": "arn:${AWS::Partition}:eks:${AWS::Region}:${AWS::AccountId}:fargateprofile/demo/*"}}}
        }])
    );
    assert_eq!(
        role["ManagedPolicyArns"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEKSFargatePodExecutionRolePolicy"}])
    );
    let batch = resource(&t, "FargateProfileBatch");
    assert_eq!(batch["DependsOn"], json!(["FargateProfileSystem"]));
    assert_eq!(
        batch["Properties"]["Selectors"],
        json!([{"Labels": [{"Key": "runtime", "Value": "fargate"}], "Namespace": "batch"}])
    );
    assert_eq!(batch["Properties"]["Subnets"][0], json!({"Fn::ImportValue": "demo-network:PrivateSubnet1"}));
    // Fargate only: CoreDNS asks for Fargate capacity. It is in the add-ons stack, after the
    // compute stack because it comes after every Fargate profile (its declaration's `after:
    // [Nodes]`): a stack dependency, not a DependsOn across stacks.
    let assembly = bp.synth(Format::Json).unwrap();
    let addons = assembly.stack("demo-addons").unwrap();
    let coredns = resource(&addons.template, "AddonCoredns");
    assert_eq!(coredns["Properties"]["ConfigurationValues"], "{\"computeType\":\"Fargate\"}");
    assert!(coredns.get("DependsOn").is_none());
    assert_eq!(
        addons.dependencies["demo-compute"],
        ["AddonCoredns depends on FargateProfileSystem", "AddonCoredns depends on FargateProfileBatch"]
    );
    assert!(t["Resources"].get("AddonCoredns").is_none());
}

#[test]
fn auto_mode_enables_compute_storage_and_load_balancing_together() {
    let bp = Blueprint::builder("demo").cluster(admin()).auto_mode(AutoMode::enabled()).build().unwrap();
    let t = template(&bp, "demo-cluster");
    let cluster = &resource(&t, "Cluster")["Properties"];
    assert_eq!(
        cluster["ComputeConfig"],
        json!({"Enabled": true, "NodePools": ["general-purpose", "system"], "NodeRoleArn": {"Fn::GetAtt": ["AutoModeNodeRole", "Arn"]}})
    );
    assert_eq!(cluster["StorageConfig"], json!({"BlockStorage": {"Enabled": true}}));
    assert_eq!(cluster["KubernetesNetworkConfig"], json!({"ElasticLoadBalancing": {"Enabled": true}}));
    assert_eq!(cluster["BootstrapSelfManagedAddons"], false);
    let policies: Vec<&str> = resource(&t, "ClusterRole")["Properties"]["ManagedPolicyArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Fn::Sub"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        policies,
        [
            "AmazonEKSClusterPolicy",
            "AmazonEKSComputePolicy",
            "AmazonEKSBlockStoragePolicy",
            "AmazonEKSLoadBalancingPolicy",
            "AmazonEKSNetworkingPolicy"
        ]
    );
    let node_role = &resource(&t, "AutoModeNodeRole")["Properties"];
    assert_eq!(
        node_role["ManagedPolicyArns"],
        json!([
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodeMinimalPolicy"},
            {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"}
        ])
    );
    // Auto Mode alone: its nodes run the core components; no add-ons, no compute or add-ons
    // stack.
    for addon in ["AddonVpcCni", "AddonKubeProxy", "AddonEksPodIdentityAgent"] {
        assert!(t["Resources"].get(addon).is_none(), "{addon}");
    }
    let assembly = bp.synth(Format::Json).unwrap();
    let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["demo-network", "demo-cluster"]);
}

#[test]
fn auto_mode_with_managed_node_groups_keeps_the_core_add_ons() {
    let bp = Blueprint::builder("demo")
        .cluster(admin())
        .auto_mode(AutoMode::enabled().node_pools([AutoModeNodePool::System]))
        .managed_node_group(ManagedNodeGroup::builder("legacy"))
        .build()
        .unwrap();
    let t = template(&bp, "demo-cluster");
    assert_eq!(resource(&t, "Cluster")["Properties"]["ComputeConfig"]["NodePools"], json!(["system"]));
    for addon in ["AddonVpcCni", "AddonKubeProxy", "AddonEksPodIdentityAgent"] {
        assert!(t["Resources"].get(addon).is_some(), "{addon}");
    }
    let assembly = bp.synth(Format::Json).unwrap();
    let addons = assembly.stack("demo-addons").unwrap();
    assert!(addons.template["Resources"].get("AddonCoredns").is_some());
    assert_eq!(addons.dependencies["demo-compute"], ["AddonCoredns depends on NodegroupLegacy"]);
    // Without node pools there is no node role to give.
    let bp = Blueprint::builder("demo").cluster(admin()).auto_mode(AutoMode::enabled().node_pools([])).build().unwrap();
    let t = template(&bp, "demo-cluster");
    assert_eq!(resource(&t, "Cluster")["Properties"]["ComputeConfig"], json!({"Enabled": true, "NodePools": []}));
    assert!(t["Resources"].get("AutoModeNodeRole").is_none());
}

#[test]
fn builder_and_file_fill_the_same_model() {
    let file = Blueprint::from_yaml(&yaml(
        "compute:\n  clusterAutoscaler: true\n  managedNodeGroups:\n    - name: g\n      instanceTypes: [m7g.large]\n      amiType: AL2023_ARM_64_STANDARD\n      updateConfig: {maxUnavailable: 2}\n      kubelet: {maxPods: 20}\n  fargateProfiles:\n    - name: f\n      selectors: [{namespace: batch}]\n  autoMode: {enabled: true}\nsuppress:\n  - {rule: EKSB-COMPUTE-002, reason: break-glass access}\n",
    ))
    .unwrap();
    let built = Blueprint::builder("demo")
        .cluster(admin())
        .cluster_autoscaler(true)
        .managed_node_group(
            ManagedNodeGroup::builder("g")
                .instance_types(["m7g.large"])
                .ami_type(AmiType::Al2023Arm64)
                .max_unavailable(2)
                .max_pods(20),
        )
        .fargate_profile(FargateProfile::builder("f").selector(FargateSelector::new("batch")))
        .auto_mode(AutoMode::enabled())
        .suppress("EKSB-COMPUTE-002", "break-glass access")
        .build()
        .unwrap();
    assert_eq!(file.spec().compute, built.spec().compute);
    assert_eq!(file.spec().suppress, built.spec().suppress);
}

#[test]
fn self_managed_nodes_use_the_configured_service_cidr_for_cluster_dns() {
    let yaml = "name: demo\ncluster:\n  serviceIpv4Cidr: 10.200.64.0/18\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  selfManagedNodeGroups:\n    - name: br\n      amiType: BOTTLEROCKET_x86_64\n";
    let bp = Blueprint::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"));
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    let text = &assembly.files()["demo-compute.template.json"];
    assert!(text.contains("cluster-dns-ip = \\\"10.200.64.10\\\""), "{text}");
}

#[test]
fn self_managed_nodes_in_an_existing_vpc_need_the_service_cidr() {
    let yaml = "name: demo\nnetwork:\n  existing:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\ncluster:\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  selfManagedNodeGroups:\n    - name: al\n";
    let err = Blueprint::from_yaml(yaml).map(|_| ()).map_err(|e| e.to_string());
    assert_eq!(
        err,
        Err("invalid blueprint:\ncluster.serviceIpv4Cidr: self-managed nodes need the cluster DNS address, which EKS derives from the VPC CIDR; in an existing VPC that CIDR is unknown here, so set serviceIpv4Cidr".to_owned())
    );
}
