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

use super::cluster::{pod_identity_trust, ClusterRefs};
use super::{Context, Part};
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::logical_id::logical_id;
use crate::cfn::{Expr, Handle, Output};
use crate::model::defaults::IRSA_AUDIENCE;
use crate::model::identity::{IdentityMode, ManagedPolicyRef, PolicyStatement, StatementEffect, WorkloadIdentity};
use crate::resources::eks::PodIdentityAssociation;
use crate::resources::iam::{OIDCProvider, Policy, Role};
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
        IdentityMode::PodIdentity => pod_identity_trust_for(cluster, &spec.namespace, &spec.service_account),
        IdentityMode::Irsa => {
            let provider = oidc_provider(ctx, cluster)?;
            irsa_trust(&provider, cluster, &spec.namespace, &spec.service_account)
        }
    };
    let tags = ctx.tags(&[]);
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
            tags: Some(tags.clone()),
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
                tags: Some(tags),
            },
        )?;
    }
    Ok(role)
}

/// The EKS Pod Identity trust policy, limited to one cluster, namespace and service account
/// through the session tags EKS Pod Identity adds
/// (<https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html>).
pub(crate) fn pod_identity_trust_for(cluster: &ClusterRefs, namespace: &str, service_account: &str) -> PolicyDocument {
    let mut trust = pod_identity_trust();
    for st in &mut trust.statements {
        *st = st
            .clone()
            .condition("StringEquals", "aws:RequestTag/eks-cluster-name", cluster.cluster.reference())
            .condition("StringEquals", "aws:RequestTag/kubernetes-namespace", namespace)
            .condition("StringEquals", "aws:RequestTag/kubernetes-service-account", service_account);
    }
    trust
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

/// The managed policy ARN of a validated `managedPolicies` entry.
fn managed_policy_arn(policy: &str) -> Expr {
    match ManagedPolicyRef::parse(policy) {
        Ok(ManagedPolicyRef::AwsManaged(name)) => Expr::aws_managed_policy(name),
        _ => Expr::from(policy),
    }
}

/// A model statement as a typed IAM statement.
fn statement(st: &PolicyStatement) -> Statement {
    let mut out = match st.effect {
        StatementEffect::Allow => Statement::allow(st.actions.iter().cloned()),
        StatementEffect::Deny => Statement::deny(st.actions.iter().cloned()),
    };
    for resource in &st.resources {
        out = out.resource(resource.as_str());
    }
    for (operator, keys) in &st.conditions {
        for (key, values) in keys {
            let value = match values.0.as_slice() {
                [one] => Expr::from(one.as_str()),
                many => Expr::str_list(many.iter().cloned()),
            };
            out = out.condition(operator.clone(), key.clone(), value);
        }
    }
    out
}

/// Renders the blueprint's `identities` into the cluster stack: a role per identity, its
/// Pod Identity association or the shared OIDC provider, and an output with the role ARN.
pub(crate) fn render(ctx: &mut Context, cluster: &ClusterRefs) -> Result<(), SynthError> {
    let bp = ctx.bp;
    for identity in &bp.identities {
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
    }
    Ok(())
}

fn identity_role(identity: &WorkloadIdentity, cluster_name: &str) -> WorkloadRole {
    let how = match identity.mode {
        IdentityMode::PodIdentity => "EKS Pod Identity",
        IdentityMode::Irsa => "IRSA",
    };
    WorkloadRole {
        id_prefix: logical_id("Identity", &identity.name),
        description: format!(
            "Workload identity {} of EKS cluster {cluster_name}: service account {}/{}, through {how}",
            identity.name, identity.namespace, identity.service_account
        ),
        namespace: identity.namespace.clone(),
        service_account: identity.service_account.clone(),
        mode: identity.mode,
        managed_policy_arns: identity.managed_policies.iter().map(|p| managed_policy_arn(p)).collect(),
        statements: identity.statements.iter().map(statement).collect(),
        associate: true,
    }
}
