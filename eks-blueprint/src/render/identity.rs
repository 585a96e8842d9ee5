//! The blueprint's workload identities (`identities`): a role per service account, through
//! [`super::iam::workload_role`], with an output of its ARN.

use super::cluster::ClusterRefs;
use super::iam::{workload_role, WorkloadRole};
use super::{ids, Context, Part};
use crate::blueprint;
use crate::blueprint::identity::{Identity, ManagedPolicy};
use crate::cfn::iam::Statement;
use crate::cfn::{Expr, Output};
use crate::spec::identity::{IdentityMode, StatementEffect};
use crate::synth::SynthError;

/// The ARN of a managed policy.
fn managed_policy_arn(policy: &ManagedPolicy) -> Expr {
    match policy {
        ManagedPolicy::AwsManaged(name) => Expr::aws_managed_policy(name),
        ManagedPolicy::Arn(arn) => Expr::from(arn.as_str()),
    }
}

/// Renders the blueprint's `identities` into the cluster stack: a role per identity, its
/// Pod Identity association or the shared OIDC provider, and an output with the role ARN.
pub(crate) fn render(ctx: &mut Context, cluster: &ClusterRefs) -> Result<(), SynthError> {
    let bp = ctx.bp;
    for (i, identity) in bp.identities.iter().enumerate() {
        let section = ctx.set_origin(format!("identities[{i}]"));
        let spec = identity_role(identity, &bp.name);
        let role = workload_role(ctx, Part::Cluster, cluster, &spec)?;
        let what = match identity.mode {
            IdentityMode::PodIdentity => "(EKS Pod Identity; associated by this stack)",
            IdentityMode::Irsa => "(IRSA; annotate the service account with eks.amazonaws.com/role-arn)",
        };
        ctx.stack(Part::Cluster).add_output(
            &format!("{}RoleArn", spec.id_prefix),
            Output::new(
                role.attr_arn(),
                format!("Role of service account {}/{} {what}", identity.namespace, identity.service_account),
            ),
        )?;
        ctx.restore_origin(section);
    }
    Ok(())
}

/// The statement as a typed IAM statement. Resources and condition values are literal
/// strings (no `Fn::Sub`), so IAM policy variables pass through.
fn statement(statement: &blueprint::identity::Statement) -> Statement {
    let mut out = match statement.effect {
        StatementEffect::Allow => Statement::allow(statement.actions.iter().cloned()),
        StatementEffect::Deny => Statement::deny(statement.actions.iter().cloned()),
    };
    for resource in &statement.resources {
        out = out.resource(resource.as_str());
    }
    for (operator, keys) in &statement.conditions {
        for (key, values) in keys {
            let value = match values.as_slice() {
                [one] => Expr::from(one.as_str()),
                many => Expr::str_list(many.iter().cloned()),
            };
            out = out.condition(operator.clone(), key.clone(), value);
        }
    }
    out
}

fn identity_role(identity: &Identity, cluster_name: &str) -> WorkloadRole {
    let how = match identity.mode {
        IdentityMode::PodIdentity => "EKS Pod Identity",
        IdentityMode::Irsa => "IRSA",
    };
    WorkloadRole {
        id_prefix: ids::identity(&identity.id),
        description: format!(
            "Workload identity {} of EKS cluster {cluster_name}: service account {}/{}, through {how}",
            identity.name, identity.namespace, identity.service_account
        ),
        namespace: identity.namespace.clone(),
        service_account: identity.service_account.clone(),
        mode: identity.mode,
        managed_policy_arns: identity.managed_policies.iter().map(managed_policy_arn).collect(),
        statements: identity.statements.iter().map(statement).collect(),
        associate: true,
    }
}

#[cfg(test)]
mod tests {
    use crate::cfn::iam::PolicyDocument;
    use crate::render::iam::oidc_provider;
    use crate::render::ids::OIDC_PROVIDER as OIDC_PROVIDER_ID;
    use serde_json::{json, Value};

    use super::*;
    use crate::render::{cluster, network};
    use crate::synth::App;
    use crate::{Blueprint, Format};

    const BASE: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";

    fn cluster_template(identities: &str) -> Value {
        let bp = Blueprint::from_yaml(&format!("{BASE}identities:\n{identities}")).unwrap();
        let assembly = bp.synth(Format::Json).unwrap();
        assembly.stack("demo-cluster").unwrap().template.clone()
    }

    /// What an `Fn::Sub` JSON document says once CloudFormation substitutes `values` for its
    /// variables: the policy IAM receives.
    fn substitute(sub: &Value, values: &[(&str, &str)]) -> (Value, Value) {
        let [Value::String(text), vars] = sub["Fn::Sub"].as_array().unwrap().as_slice() else {
            panic!("not an Fn::Sub with variables: {sub}")
        };
        let mut text = text.clone();
        for (name, value) in values {
            text = text.replace(&format!("${{{name}}}"), value);
        }
        assert!(!text.contains("${"), "unsubstituted variable left in {text}");
        (serde_json::from_str(&text).unwrap(), vars.clone())
    }

    /// Validation measures an inline policy without the CloudFormation layer
    /// (`compile::identity::inline_policy_json`): it must be the document the role gets.
    #[test]
    fn the_measured_inline_policy_is_the_rendered_one() {
        let bp = Blueprint::from_yaml(&format!(
            "{BASE}identities:\n  - name: a\n    namespace: b\n    serviceAccount: c\n    statements:\n      - actions: [s3:GetObject]\n        resources: ['arn:aws:s3:::b/*']\n      - effect: Deny\n        actions: [s3:DeleteObject, s3:PutObject]\n        resources: ['arn:aws:s3:::b/x', '*']\n        conditions: {{Bool: {{aws:SecureTransport: false}}, StringLike: {{s3:prefix: [a/*, b/*], aws:PrincipalTag/team: '${{aws:username}}'}}}}\n"
        ))
        .unwrap();
        let statements = &bp.identities[0].statements;
        let rendered = PolicyDocument::new(statements.iter().map(statement)).to_json();
        assert_eq!(crate::compile::identity::inline_policy_json(statements), rendered);
        assert_eq!(crate::compile::identity::inline_policy_json(&[]), PolicyDocument::new([]).to_json());
    }

    #[test]
    fn pod_identity_roles_trust_pods_of_one_service_account_and_are_associated() {
        let t = cluster_template(
            "  - name: reports-reader\n    namespace: reports\n    serviceAccount: reader\n    managedPolicies: [AmazonS3ReadOnlyAccess, 'arn:aws:iam::123456789012:policy/Reports']\n    statements:\n      - actions: [s3:GetObject]\n        resources: ['arn:aws:s3:::reports/monthly/*']\n        conditions: {Bool: {aws:SecureTransport: true}}\n",
        );
        let role = &t["Resources"]["IdentityReportsReaderRole"];
        assert_eq!(role["Type"], "AWS::IAM::Role");
        assert_eq!(
            role["Properties"]["AssumeRolePolicyDocument"],
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Sid": "AllowEksAuthToAssumeRoleForPodIdentity",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {"StringEquals": {
                        "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                        "aws:RequestTag/eks-cluster-arn": {"Fn::GetAtt": ["Cluster", "Arn"]},
                        "aws:RequestTag/kubernetes-namespace": "reports",
                        "aws:RequestTag/kubernetes-service-account": "reader"
                    }}
                }]
            })
        );
        assert_eq!(
            role["Properties"]["ManagedPolicyArns"],
            json!([
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"},
                "arn:aws:iam::123456789012:policy/Reports"
            ])
        );
        assert_eq!(
            role["Properties"]["Policies"],
            json!([{
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::reports/monthly/*",
                        "Condition": {"Bool": {"aws:SecureTransport": "true"}}
                    }]
                },
                "PolicyName": "IdentityReportsReader"
            }])
        );
        assert_eq!(
            t["Resources"]["IdentityReportsReaderPodIdentityAssociation"],
            json!({
                "Type": "AWS::EKS::PodIdentityAssociation",
                "Properties": {
                    "ClusterName": {"Ref": "Cluster"},
                    "Namespace": "reports",
                    "RoleArn": {"Fn::GetAtt": ["IdentityReportsReaderRole", "Arn"]},
                    "ServiceAccount": "reader"
                }
            })
        );
        assert_eq!(
            t["Outputs"]["IdentityReportsReaderRoleArn"]["Value"],
            json!({"Fn::GetAtt": ["IdentityReportsReaderRole", "Arn"]})
        );
        // No IRSA, no OIDC provider.
        assert!(t["Resources"].get(OIDC_PROVIDER_ID).is_none());
    }

    #[test]
    fn irsa_roles_trust_the_cluster_oidc_provider_for_one_service_account() {
        let t = cluster_template(
            "  - {name: batch-writer, namespace: batch, serviceAccount: writer, mode: irsa, managedPolicies: [AmazonSQSFullAccess]}\n  - {name: other, namespace: batch, serviceAccount: other, mode: irsa, managedPolicies: [AmazonSQSFullAccess]}\n",
        );
        assert_eq!(
            t["Resources"][OIDC_PROVIDER_ID],
            json!({
                "Type": "AWS::IAM::OIDCProvider",
                "Properties": {
                    "ClientIdList": ["sts.amazonaws.com"],
                    "Tags": [{"Key": "Name", "Value": "demo-irsa"}],
                    "Url": {"Fn::GetAtt": ["Cluster", "OpenIdConnectIssuerUrl"]}
                }
            })
        );
        // One provider for the cluster, however many IRSA roles.
        let providers =
            t["Resources"].as_object().unwrap().values().filter(|r| r["Type"] == "AWS::IAM::OIDCProvider").count();
        assert_eq!(providers, 1);

        let trust = &t["Resources"]["IdentityBatchWriterRole"]["Properties"]["AssumeRolePolicyDocument"];
        let host = "oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
        let provider = format!("arn:aws:iam::111122223333:oidc-provider/{host}");
        let (policy, vars) = substitute(trust, &[("IssuerHost", host), ("OidcProviderArn", &provider)]);
        assert_eq!(
            policy,
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Federated": provider},
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {
                        format!("{host}:sub"): "system:serviceaccount:batch:writer",
                        format!("{host}:aud"): "sts.amazonaws.com"
                    }}
                }]
            })
        );
        assert_eq!(
            vars,
            json!({
                "IssuerHost": {"Fn::Select": [1, {"Fn::Split": ["//", {"Fn::GetAtt": ["Cluster", "OpenIdConnectIssuerUrl"]}]}]},
                "OidcProviderArn": {"Fn::GetAtt": ["OidcProvider", "Arn"]}
            })
        );
        // IRSA roles are not associated through EKS Pod Identity.
        assert!(t["Resources"].get("IdentityBatchWriterPodIdentityAssociation").is_none());
        assert_eq!(t["Outputs"]["OidcProviderArn"]["Value"], json!({"Fn::GetAtt": ["OidcProvider", "Arn"]}));
    }

    /// Another construct (add-ons, Karpenter, tenants) calling the API for a role in another
    /// stack: the cluster references become imports, inside the `Fn::Sub` variables too.
    #[test]
    fn workload_roles_in_other_stacks_import_the_cluster_and_provider() {
        let bp = Blueprint::from_yaml(BASE).unwrap();
        let mut ctx = Context::new(&bp);
        let net = network::render(&mut ctx).unwrap();
        let cluster = cluster::render(&mut ctx, &net).unwrap();
        let mut spec = WorkloadRole {
            id_prefix: "Controller".into(),
            description: "a controller".into(),
            namespace: "kube-system".into(),
            service_account: "controller".into(),
            mode: IdentityMode::Irsa,
            managed_policy_arns: Vec::new(),
            statements: vec![Statement::allow(["ec2:DescribeInstances"]).resource("*")],
            associate: true,
        };
        workload_role(&mut ctx, Part::Compute, &cluster, &spec).unwrap();
        spec.id_prefix = "Agent".into();
        spec.mode = IdentityMode::PodIdentity;
        spec.associate = false;
        workload_role(&mut ctx, Part::Compute, &cluster, &spec).unwrap();
        let mut app = App::new();
        for (_, stack) in ctx.stacks {
            app.add_stack(stack).unwrap();
        }
        let assembly = app.synth(Format::Json).unwrap();
        let compute = &assembly.stack("demo-compute").unwrap().template;
        let trust = &compute["Resources"]["ControllerRole"]["Properties"]["AssumeRolePolicyDocument"];
        assert_eq!(
            trust["Fn::Sub"][1],
            json!({
                "IssuerHost": {"Fn::Select": [1, {"Fn::Split": ["//", {"Fn::ImportValue": "demo-cluster:Cluster-OpenIdConnectIssuerUrl"}]}]},
                "OidcProviderArn": {"Fn::ImportValue": "demo-cluster:OidcProvider-Arn"}
            })
        );
        assert_eq!(
            compute["Resources"]["ControllerRole"]["Properties"]["Policies"][0]["PolicyName"],
            json!("Controller")
        );
        // `associate: false`: the caller wires the role (e.g. into an AWS::EKS::Addon).
        assert!(compute["Resources"].get("AgentPodIdentityAssociation").is_none());
        assert!(compute["Resources"].get("ControllerPodIdentityAssociation").is_none());
        let cluster_stack = &assembly.stack("demo-cluster").unwrap().template;
        assert_eq!(cluster_stack["Resources"][OIDC_PROVIDER_ID]["Type"], "AWS::IAM::OIDCProvider");
    }

    #[test]
    fn the_oidc_provider_is_created_once() {
        let bp = Blueprint::from_yaml(BASE).unwrap();
        let mut ctx = Context::new(&bp);
        let net = network::render(&mut ctx).unwrap();
        let cluster = cluster::render(&mut ctx, &net).unwrap();
        let a = oidc_provider(&mut ctx, &cluster).unwrap();
        let b = oidc_provider(&mut ctx, &cluster).unwrap();
        assert_eq!(a.target(), b.target());
        assert_eq!(a.logical_id(), OIDC_PROVIDER_ID);
    }
}
