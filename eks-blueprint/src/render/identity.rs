//! Workload identity: an IAM role per Kubernetes service account, through EKS Pod Identity
//! or IAM roles for service accounts (IRSA), and the cluster's IAM OIDC provider that IRSA
//! needs.
//!
//! [`workload_role`] is the one way constructs give pods AWS permissions: the blueprint's
//! `identities` use it, and so can add-ons, Karpenter or tenants.
//!
//! Everything is plain CloudFormation; no Lambda-backed custom resource. The one thing
//! CloudFormation cannot express directly is an IRSA trust policy: its condition keys
//! contain the cluster's issuer host (`oidc.eks.<region>.amazonaws.com/id/<id>:sub`), known
//! only at deploy time, and a JSON key cannot be an intrinsic function. The trust policy
//! is therefore rendered as one `Fn::Sub` JSON string (see
//! [`PolicyDocument::substituted`]), with the host cut out of the issuer URL by
//! `Fn::Select [1, Fn::Split ["//", url]]`.

use super::cluster::ClusterRefs;
use super::{Context, Part};
use crate::blueprint;
use crate::blueprint::identity::{Identity, ManagedPolicy};
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Handle, Output, Pseudo};
use crate::compile::defaults::IRSA_AUDIENCE;
use crate::resources::eks::{Cluster, PodIdentityAssociation};
use crate::resources::iam::{OIDCProvider, Policy, Role};
use crate::spec::identity::{IdentityMode, StatementEffect};
use crate::synth::SynthError;

/// The logical id of the cluster's IAM OIDC provider (in the cluster stack).
pub(crate) const OIDC_PROVIDER_ID: &str = "OidcProvider";

/// The `Fn::Sub` variable that holds the issuer host in an IRSA trust policy.
const ISSUER_HOST_VAR: &str = "IssuerHost";

/// The cluster's IAM OIDC provider, created in the cluster stack on the first call and
/// returned as is on later calls.
///
/// Call it from any construct that needs IRSA (Fargate pods, tools that do not support EKS
/// Pod Identity); a blueprint that never calls it has no OIDC provider.
///
/// No `ThumbprintList`: it is optional in the resource schema, and IAM verifies the
/// issuer's TLS certificate against its trusted root CAs for EKS issuers.
pub(crate) fn oidc_provider(ctx: &mut Context, cluster: &ClusterRefs) -> Result<Handle<OIDCProvider>, SynthError> {
    let tags = ctx.tags(&[("Name", ctx.name_tag("irsa"))]);
    let stack = ctx.stack(Part::Cluster);
    if let Some(existing) = stack.handle::<OIDCProvider>(OIDC_PROVIDER_ID) {
        return Ok(existing);
    }
    let provider = stack.add(
        OIDC_PROVIDER_ID,
        OIDCProvider {
            client_id_list: Some(vec![IRSA_AUDIENCE.to_owned()]),
            tags: Some(tags),
            thumbprint_list: None,
            url: Some(cluster.cluster.attr_open_id_connect_issuer_url()),
        },
    )?;
    stack.add_output(
        "OidcProviderArn",
        Output::new(provider.attr_arn(), "The IAM OIDC provider of the cluster's service account issuer (IRSA)"),
    )?;
    Ok(provider)
}

/// A role for the pods of one service account: what [`workload_role`] creates.
#[derive(Debug, Clone)]
pub(crate) struct WorkloadRole {
    /// The prefix of the logical ids: `<prefix>Role`, `<prefix>PodIdentityAssociation`.
    /// Also the name of the inline policy.
    pub id_prefix: String,
    /// What the role is for (the role's `Description`, ASCII).
    pub description: String,
    /// The Kubernetes namespace.
    pub namespace: String,
    /// The Kubernetes service account.
    pub service_account: String,
    /// EKS Pod Identity or IRSA.
    pub mode: IdentityMode,
    /// Managed policy ARNs (use [`Expr::aws_managed_policy`] for AWS managed ones).
    pub managed_policy_arns: Vec<Expr>,
    /// Statements of the inline policy; none means no inline policy.
    pub statements: Vec<Statement>,
    /// For [`IdentityMode::PodIdentity`]: whether to create the
    /// `AWS::EKS::PodIdentityAssociation`. `false` when the caller associates the role
    /// itself, as an `AWS::EKS::Addon` does in its `PodIdentityAssociations`.
    pub associate: bool,
}

/// Creates the IAM role of a workload identity in the stack of `part`, and returns it.
///
/// - [`IdentityMode::PodIdentity`]: the role trusts `pods.eks.amazonaws.com`
///   (`sts:AssumeRole`, `sts:TagSession`), limited by the session tags EKS Pod Identity sets
///   to this cluster, namespace and service account, so no other association can use it;
///   plus `<prefix>PodIdentityAssociation` when `associate` is set.
/// - [`IdentityMode::Irsa`]: the role trusts the cluster's IAM OIDC provider (created on
///   first use, see [`oidc_provider`]) with `sts:AssumeRoleWithWebIdentity`, for tokens whose
///   `sub` is `system:serviceaccount:<namespace>:<service account>` and whose `aud` is
///   `sts.amazonaws.com`. The service account must be annotated with
///   `eks.amazonaws.com/role-arn`.
///
/// Logical ids: `<prefix>Role` and `<prefix>PodIdentityAssociation`. References to the
/// cluster from another stack become exports and imports at synthesis.
pub(crate) fn workload_role(
    ctx: &mut Context,
    part: Part,
    cluster: &ClusterRefs,
    spec: &WorkloadRole,
) -> Result<Handle<Role>, SynthError> {
    let trust = match spec.mode {
        IdentityMode::PodIdentity => pod_identity_trust_for(&cluster.cluster, &spec.namespace, &spec.service_account),
        IdentityMode::Irsa => {
            let provider = oidc_provider(ctx, cluster)?;
            irsa_trust(&provider, cluster, &spec.namespace, &spec.service_account)
        }
    };
    let tags = ctx.tags(&[]);
    let tags = (!tags.is_empty()).then_some(tags);
    let stack = ctx.stack(part);
    let role = stack.add(
        &format!("{}Role", spec.id_prefix),
        Role {
            assume_role_policy_document: trust,
            description: Some(spec.description.clone()),
            managed_policy_arns: (!spec.managed_policy_arns.is_empty()).then(|| spec.managed_policy_arns.clone()),
            policies: (!spec.statements.is_empty()).then(|| {
                vec![Policy {
                    policy_document: PolicyDocument::new(spec.statements.iter().cloned()),
                    policy_name: spec.id_prefix.clone(),
                }]
            }),
            tags: tags.clone(),
            ..Role::default()
        },
    )?;
    if spec.mode == IdentityMode::PodIdentity && spec.associate {
        stack.add(
            &format!("{}PodIdentityAssociation", spec.id_prefix),
            PodIdentityAssociation {
                cluster_name: cluster.cluster.reference(),
                namespace: spec.namespace.clone(),
                role_arn: role.attr_arn(),
                service_account: spec.service_account.clone(),
                tags,
            },
        )?;
    }
    Ok(role)
}

/// The trust policy of every EKS Pod Identity role here (workload identities, the VPC CNI,
/// the Karpenter controller): `pods.eks.amazonaws.com` may `sts:AssumeRole` and
/// `sts:TagSession` (the EKS user guide's "Create IAM role with trust policy required by EKS
/// Pod Identity", <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>), only
///
/// - on behalf of this account (`aws:SourceAccount`, the cross-service confused deputy
///   guard, <https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html>; the EKS
///   best practices guide's Pod Identity trust policy guards with `aws:SourceOrgId`, a key
///   of the same source-resource family), and
/// - for pods of this cluster, namespace and service account: the session tags EKS Pod
///   Identity adds to the request (`aws:RequestTag/eks-cluster-arn`,
///   `kubernetes-namespace`, `kubernetes-service-account`, listed in "Define permissions
///   for EKS Pod Identities to assume roles based on tags",
///   <https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html>), so no other
///   association, in this cluster or another, can use the role.
///
/// No `aws:SourceArn`: the user guide does not say which ARN EKS Pod Identity sends, and the
/// session tags already name the cluster.
pub(crate) fn pod_identity_trust_for(
    cluster: &Handle<Cluster>,
    namespace: &str,
    service_account: &str,
) -> PolicyDocument {
    PolicyDocument::new([Statement::allow(["sts:AssumeRole", "sts:TagSession"])
        .sid("AllowEksAuthToAssumeRoleForPodIdentity")
        .principal(Principal::Service(vec!["pods.eks.amazonaws.com".to_owned()]))
        .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId)
        .condition("StringEquals", "aws:RequestTag/eks-cluster-arn", cluster.attr_arn())
        .condition("StringEquals", "aws:RequestTag/kubernetes-namespace", namespace)
        .condition("StringEquals", "aws:RequestTag/kubernetes-service-account", service_account)])
}

/// The IRSA trust policy for one service account, as an `Fn::Sub` JSON string
/// (<https://docs.aws.amazon.com/eks/latest/userguide/associate-service-account-role.html>).
pub(crate) fn irsa_trust(
    provider: &Handle<OIDCProvider>,
    cluster: &ClusterRefs,
    namespace: &str,
    service_account: &str,
) -> PolicyDocument {
    // `https://oidc.eks.<region>.amazonaws.com/id/<id>` -> `oidc.eks.<region>.amazonaws.com/id/<id>`
    let issuer_host = Expr::select(1, Expr::split("//", cluster.cluster.attr_open_id_connect_issuer_url()));
    PolicyDocument::new([Statement::allow(["sts:AssumeRoleWithWebIdentity"])
        .principal(Principal::Federated(provider.attr_arn()))
        .condition(
            "StringEquals",
            format!("${{{ISSUER_HOST_VAR}}}:sub"),
            format!("system:serviceaccount:{namespace}:{service_account}"),
        )
        .condition("StringEquals", format!("${{{ISSUER_HOST_VAR}}}:aud"), IRSA_AUDIENCE)])
    .substituted([(ISSUER_HOST_VAR, issuer_host)])
}

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
        id_prefix: format!("Identity{}", identity.id),
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
