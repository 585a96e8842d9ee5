//! IPv6: the dual-stack network (`network.ipv6`), ipv6 clusters on it, the VPC CNI's IPv6
//! policy, and every combination refused with its exact message.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use eks_blueprint::{Blueprint, Format};
use serde_json::{json, Value};
use support::errors;

const ACCESS: &str = "  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\n";

/// A blueprint with `network:` keys `network` and `cluster:` keys `cluster` (both indented
/// by two spaces) and `rest` appended.
fn yaml(network: &str, cluster: &str, rest: &str) -> String {
    format!("name: demo\nnetwork:\n{network}cluster:\n{ACCESS}{cluster}{rest}")
}

fn stacks(yaml: &str) -> indexmap::IndexMap<String, Value> {
    let bp = Blueprint::from_yaml(yaml).unwrap_or_else(|e| panic!("{e}"));
    let assembly = bp.synth(Format::Json).unwrap_or_else(|e| panic!("{e}"));
    assembly.stacks().iter().map(|s| (s.name.clone(), s.template["Resources"].clone())).collect()
}

const MNG: &str = "compute:\n  managedNodeGroups:\n    - name: general\n";

#[test]
fn dual_stack_vpc_gives_each_subnet_a_64_and_routes_ipv6_out() {
    let s =
        stacks(&yaml("  availabilityZones: 2\n  ipv6: true\n  vpcEndpoints: [ecr.api]\n", "  ipFamily: ipv6\n", MNG));
    let net = &s["demo-network"];
    assert_eq!(
        net["Ipv6CidrBlock"],
        json!({"Type": "AWS::EC2::VPCCidrBlock", "Properties": {"AmazonProvidedIpv6CidrBlock": true, "VpcId": {"Ref": "Vpc"}}})
    );
    let cidrs = json!({"Fn::Cidr": [{"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}, 4, 64]});
    for (id, index) in [("PublicSubnet1", 0), ("PublicSubnet2", 1), ("PrivateSubnet1", 2), ("PrivateSubnet2", 3)] {
        let subnet = &net[id];
        assert_eq!(subnet["Properties"]["Ipv6CidrBlock"], json!({"Fn::Select": [index, cidrs]}), "{id}");
        assert_eq!(subnet["Properties"]["AssignIpv6AddressOnCreation"], json!(true), "{id}");
        assert_eq!(subnet["DependsOn"], json!(["Ipv6CidrBlock"]), "{id}");
    }
    assert_eq!(net["EgressOnlyInternetGateway"]["Properties"]["VpcId"], json!({"Ref": "Vpc"}));
    for n in 1..=2 {
        assert_eq!(
            net[format!("PrivateDefaultIpv6Route{n}")]["Properties"],
            json!({
                "RouteTableId": {"Ref": format!("PrivateRouteTable{n}")},
                "DestinationIpv6CidrBlock": "::/0",
                "EgressOnlyInternetGatewayId": {"Ref": "EgressOnlyInternetGateway"}
            })
        );
    }
    assert_eq!(
        net["PublicDefaultIpv6Route"]["Properties"],
        json!({"RouteTableId": {"Ref": "PublicRouteTable"}, "GatewayId": {"Ref": "InternetGateway"}, "DestinationIpv6CidrBlock": "::/0"})
    );
    let group = &net["VpcEndpointSecurityGroup"];
    assert_eq!(group["DependsOn"], json!(["Ipv6CidrBlock"]));
    let ingress = group["Properties"]["SecurityGroupIngress"].as_array().unwrap();
    assert_eq!(ingress[1]["CidrIpv6"], json!({"Fn::Select": [0, {"Fn::GetAtt": ["Vpc", "Ipv6CidrBlocks"]}]}));
    assert_eq!(ingress[1]["FromPort"], json!(443));
    assert!(ingress[1].get("CidrIp").is_none());

    let cluster = &s["demo-cluster"];
    assert_eq!(cluster["Cluster"]["Properties"]["KubernetesNetworkConfig"], json!({"IpFamily": "ipv6"}));
    let cni = &cluster["VpcCniRole"]["Properties"];
    assert!(cni.get("ManagedPolicyArns").is_none());
    assert_eq!(cni["Policies"][0]["PolicyName"], json!("AmazonEKS_CNI_IPv6_Policy"));
    // The IPv6 policy of the VPC CNI documentation (aws/amazon-vpc-cni-k8s docs/iam-policy.md,
    // "IPv6 mode", master at 00fe9f4 of 2026-06-01): every action it lists, AssignIpv6Addresses
    // scoped to this account's network interfaces (its only resource type).
    assert_eq!(
        cni["Policies"][0]["PolicyDocument"]["Statement"],
        json!([
            {
                "Effect": "Allow",
                "Action": "ec2:AssignIpv6Addresses",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*"}
            },
            {
                "Effect": "Allow",
                "Action": [
                    "ec2:DescribeInstances",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeTags",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeInstanceTypes"
                ],
                "Resource": "*"
            },
            {
                "Effect": "Allow",
                "Action": "ec2:CreateTags",
                "Resource": {"Fn::Sub": "arn:${AWS::Partition}:ec2:*:*:network-interface/*"}
            }
        ])
    );
}

#[test]
fn ipv4_stays_as_it_was() {
    let s = stacks(&yaml("  availabilityZones: 2\n", "", MNG));
    let net = s["demo-network"].as_object().unwrap();
    assert!(!net.contains_key("Ipv6CidrBlock"));
    assert!(!net.contains_key("EgressOnlyInternetGateway"));
    assert!(net["PrivateSubnet1"]["Properties"].get("Ipv6CidrBlock").is_none());
    let cni = &s["demo-cluster"]["VpcCniRole"]["Properties"];
    assert!(cni.get("Policies").is_none());
    assert_eq!(cni["ManagedPolicyArns"].as_array().unwrap().len(), 1);
}

#[test]
fn an_ipv4_cluster_may_use_a_dual_stack_vpc() {
    let s = stacks(&yaml("  ipv6: true\n", "", MNG));
    assert!(s["demo-network"].get("EgressOnlyInternetGateway").is_some());
    assert!(s["demo-cluster"]["Cluster"]["Properties"].get("KubernetesNetworkConfig").is_none());
}

#[test]
fn ipv6_needs_an_ipv6_network() {
    assert_eq!(
        errors(&yaml("  cidr: 10.0.0.0/16\n", "  ipFamily: ipv6\n", MNG)),
        ["cluster.ipFamily: ipv6 needs IPv6 CIDR blocks on the VPC and its subnets; set network.ipv6: true, or use ipv4 (the default)"]
    );
}

#[test]
fn ipv6_refuses_pod_cidr_and_self_managed_groups() {
    assert_eq!(
        errors(&yaml("  ipv6: true\n  podCidr: 100.64.0.0/16\n", "", MNG)),
        ["network.podCidr: VPC CNI custom networking (pod subnets) is IPv4 only, and an ipv6 cluster gives pods IPv6 addresses from the node subnets; remove podCidr or network.ipv6"]
    );
    assert_eq!(
        errors(&yaml("  ipv6: true\n", "  ipFamily: ipv6\n", "compute:\n  selfManagedNodeGroups:\n    - name: legacy\n")),
        ["compute.selfManagedNodeGroups: self-managed node groups are not supported with ipFamily: ipv6 yet (their node configuration would need the cluster's IPv6 service CIDR); use managedNodeGroups"]
    );
}

#[test]
fn ipv6_with_an_existing_vpc_is_the_owners_job() {
    let bp = Blueprint::from_yaml(&yaml(
        "  existing:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n",
        "  ipFamily: ipv6\n",
        MNG,
    ));
    assert!(bp.is_ok(), "{:?}", bp.err().map(|e| e.to_string()));
}

#[test]
fn ipv6_refuses_karpenter() {
    assert_eq!(
        errors(&yaml(
            "  ipv6: true\n",
            "  ipFamily: ipv6\n",
            "compute:\n  managedNodeGroups:\n    - name: system\n  karpenter:\n    nodePools:\n      - name: general\n"
        )),
        ["compute.karpenter: Karpenter is not supported with ipFamily: ipv6 yet (its EC2NodeClass would need IPv6 instance metadata); use managedNodeGroups"]
    );
}
