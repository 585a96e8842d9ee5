//! Every role assumed through EKS Pod Identity trusts `pods.eks.amazonaws.com` on behalf of
//! this account only, and only for the session tags of its own cluster, namespace and
//! service account: workload identities, the VPC CNI and the Karpenter controller alike.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Blueprint, Format};
use serde_json::{json, Value};

const BLUEPRINT: &str = "
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
compute:
  managedNodeGroups: [{name: system}]
  karpenter: {namespace: karpenter, serviceAccount: controller}
identities:
  - {name: reader, namespace: reports, serviceAccount: reader, managedPolicies: [AmazonS3ReadOnlyAccess]}
";

/// The trust policy EKS Pod Identity roles get, with the cluster ARN as the stack sees it.
fn trust(cluster_arn: Value, namespace: &str, service_account: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Condition": {"StringEquals": {
                "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                "aws:RequestTag/eks-cluster-arn": cluster_arn,
                "aws:RequestTag/kubernetes-namespace": namespace,
                "aws:RequestTag/kubernetes-service-account": service_account
            }}
        }]
    })
}

fn templates() -> (Value, Value) {
    let assembly = Blueprint::from_yaml(BLUEPRINT).unwrap().synth(Format::Json).unwrap();
    let get = |name: &str| assembly.stack(name).unwrap().template.clone();
    (get("demo-cluster"), get("demo-karpenter"))
}

fn assume_role_policy<'a>(template: &'a Value, role: &str) -> &'a Value {
    &template["Resources"][role]["Properties"]["AssumeRolePolicyDocument"]
}

#[test]
fn the_vpc_cni_role_trusts_only_aws_node_of_this_cluster() {
    let (cluster, _) = templates();
    let arn = json!({"Fn::GetAtt": ["Cluster", "Arn"]});
    assert_eq!(assume_role_policy(&cluster, "VpcCniRole"), &trust(arn, "kube-system", "aws-node"));
    // The service account it trusts is the one the add-on associates.
    assert_eq!(
        cluster["Resources"]["AddonVpcCni"]["Properties"]["PodIdentityAssociations"],
        json!([{"RoleArn": {"Fn::GetAtt": ["VpcCniRole", "Arn"]}, "ServiceAccount": "aws-node"}])
    );
}

#[test]
fn the_karpenter_controller_role_trusts_only_the_charts_service_account_of_this_cluster() {
    let (_, karpenter) = templates();
    // In the karpenter stack the cluster ARN is imported from the cluster stack.
    let arn = json!({"Fn::ImportValue": "demo-cluster:Cluster-Arn"});
    assert_eq!(assume_role_policy(&karpenter, "KarpenterControllerRole"), &trust(arn, "karpenter", "controller"));
    let association = &karpenter["Resources"]["KarpenterControllerPodIdentityAssociation"]["Properties"];
    assert_eq!(
        (&association["Namespace"], &association["ServiceAccount"]),
        (&json!("karpenter"), &json!("controller"))
    );
}

#[test]
fn workload_identity_roles_trust_only_their_service_account_of_this_cluster() {
    let (cluster, _) = templates();
    let arn = json!({"Fn::GetAtt": ["Cluster", "Arn"]});
    assert_eq!(assume_role_policy(&cluster, "IdentityReaderRole"), &trust(arn, "reports", "reader"));
}
