//! IAM, in one place: trust policies (EKS Pod Identity with its conditions, IRSA through the
//! cluster's OIDC provider, EC2 and the other AWS services), the IAM role of each kind of EC2
//! node (one builder, one list of managed policies per kind), the KMS key policies, and
//! [`workload_role`], the one way constructs give pods AWS permissions: the blueprint's
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
use super::{ids, Context, Part};
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Handle, Output, Pseudo};
use crate::compile::defaults::IRSA_AUDIENCE;
use crate::resources::eks::{AccessEntry, Cluster, PodIdentityAssociation};
use crate::resources::iam::{OIDCProvider, Policy, Role};
use crate::resources::Tag;
use crate::spec::identity::IdentityMode;
use crate::synth::SynthError;

/// The `Fn::Sub` variable that holds the issuer host in an IRSA trust policy.
const ISSUER_HOST_VAR: &str = "IssuerHost";

/// The kinds of EC2 node the blueprint runs, each with its IAM role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeRole {
    /// The nodes of the managed node groups (`NodeRole`).
    ManagedNodeGroups,
    /// The nodes of the self-managed node groups (`SelfManagedNodeRole`).
    SelfManagedNodeGroups,
    /// The nodes Karpenter launches (`KarpenterNodeRole`).
    Karpenter,
    /// The nodes of the EKS Auto Mode node pools (`AutoModeNodeRole`).
    AutoMode,
}

impl NodeRole {
    /// The AWS managed policies of the role.
    ///
    /// - Node groups: what a node needs
    ///   (<https://docs.aws.amazon.com/eks/latest/userguide/create-node-role.html>). The CNI
    ///   policy is not among them: the VPC CNI gets it through Pod Identity.
    /// - Karpenter: as Karpenter's getting-started template, minus `AmazonEKS_CNI_Policy` (the
    ///   VPC CNI gets it through Pod Identity); `AmazonSSMManagedInstanceCore` lets operators
    ///   reach nodes through Session Manager instead of SSH.
    /// - EKS Auto Mode
    ///   (<https://docs.aws.amazon.com/eks/latest/userguide/auto-create-node-role.html>).
    pub(crate) fn policies(self) -> &'static [&'static str] {
        match self {
            NodeRole::ManagedNodeGroups | NodeRole::SelfManagedNodeGroups => {
                &["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly"]
            }
            NodeRole::Karpenter => {
                &["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"]
            }
            NodeRole::AutoMode => &["AmazonEKSWorkerNodeMinimalPolicy", "AmazonEC2ContainerRegistryPullOnly"],
        }
    }

    /// The role's description, for cluster `cluster`.
    fn description(self, cluster: &str) -> String {
        match self {
            NodeRole::ManagedNodeGroups => format!("Nodes of managed node groups of EKS cluster {cluster}"),
            NodeRole::SelfManagedNodeGroups => format!("Nodes of self-managed node groups of EKS cluster {cluster}"),
            NodeRole::Karpenter => format!("Nodes Karpenter launches for EKS cluster {cluster}"),
            NodeRole::AutoMode => format!("Nodes of the EKS Auto Mode node pools of cluster {cluster}"),
        }
    }

    /// The role: EC2 may assume it, with the kind's managed policies. No name: IAM names are
    /// global to the account, so the same blueprint deploys in several Regions.
    pub(crate) fn role(self, cluster: &str, tags: Vec<Tag>) -> Role {
        Role {
            assume_role_policy_document: ec2_trust(),
            description: Some(self.description(cluster)),
            managed_policy_arns: Some(self.policies().iter().map(|p| Expr::aws_managed_policy(p)).collect()),
            tags: Some(tags),
            ..Role::default()
        }
    }
}

/// The access entry that lets the nodes of `role` join the cluster (`EC2_LINUX`: the
/// `system:nodes` group). Managed node groups and Auto Mode need none: EKS creates theirs.
pub(crate) fn node_access_entry(cluster: &Handle<Cluster>, role: &Handle<Role>, tags: Vec<Tag>) -> AccessEntry {
    AccessEntry {
        cluster_name: cluster.reference(),
        principal_arn: role.attr_arn(),
        tags: Some(tags),
        entry_type: Some("EC2_LINUX".into()),
        ..AccessEntry::default()
    }
}

/// EC2 instances (a node's instance profile) may assume the role.
pub(crate) fn ec2_trust() -> PolicyDocument {
    PolicyDocument::trust_services(&["ec2.amazonaws.com"], &["sts:AssumeRole"])
}

/// The EKS control plane may assume the cluster role; `sts:TagSession` lets EKS tag the
/// sessions it uses, as the EKS cluster IAM role documentation's trust policy shows.
pub(crate) fn cluster_trust() -> PolicyDocument {
    PolicyDocument::trust_services(&["eks.amazonaws.com"], &["sts:AssumeRole", "sts:TagSession"])
}

/// Only Fargate profiles of cluster `cluster` may use the pod execution role (confused
/// deputy protection, as the EKS pod execution role documentation shows).
pub(crate) fn fargate_trust(cluster: &str) -> PolicyDocument {
    PolicyDocument::new([Statement::allow(["sts:AssumeRole"])
        .principal(Principal::Service(vec!["eks-fargate-pods.amazonaws.com".into()]))
        .condition(
            "ArnLike",
            "aws:SourceArn",
            Expr::arn(&format!("eks:${{AWS::Region}}:${{AWS::AccountId}}:fargateprofile/{cluster}/*")),
        )])
}

/// VPC Flow Logs may assume the role, on behalf of this account only.
pub(crate) fn flow_logs_trust() -> PolicyDocument {
    PolicyDocument::new([Statement::allow(["sts:AssumeRole"])
        .principal(Principal::Service(vec!["vpc-flow-logs.amazonaws.com".into()]))
        .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId)])
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
    if let Some(existing) = stack.handle::<OIDCProvider>(ids::OIDC_PROVIDER) {
        return Ok(existing);
    }
    // Shared by every IRSA identity: it belongs to the cluster, not to the entry that
    // happens to need it first (so it never moves with that entry when a stack is split).
    let entry = stack.set_origin(Some("cluster".to_owned()));
    let provider = stack.add(
        ids::OIDC_PROVIDER,
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
    stack.set_origin(entry);
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

/// The account administers a KMS key through IAM: the key policy statement every key here
/// starts with (the AWS default key policy), so no principal outside the account gets `kms:*`.
pub(crate) fn account_administers_key() -> Statement {
    Statement::allow(["kms:*"])
        .sid("AccountAdministersKeyThroughIam")
        .principal(Principal::Aws(vec![Expr::arn("iam::${AWS::AccountId}:root")]))
        .resource("*")
}

/// The key policy of a KMS key that encrypts CloudWatch Logs log groups, as "Encrypt log
/// data in CloudWatch Logs using AWS KMS" gives it
/// (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html>): the
/// account administers the key, and the Regional logs principal may use it only for the log
/// group named `log_group` in this account and Region (the encryption context CloudWatch Logs
/// sends is the group's ARN), so no other log group of the account can be encrypted with it.
pub(crate) fn logs_key_policy(sid: &str, log_group: &str) -> PolicyDocument {
    PolicyDocument::new([
        account_administers_key(),
        Statement::allow(["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"])
            .sid(sid)
            .principal(Principal::ServiceExpr(vec![Expr::sub("logs.${AWS::Region}.amazonaws.com")]))
            .resource("*")
            .condition(
                "ArnLike",
                "kms:EncryptionContext:aws:logs:arn",
                Expr::arn(&format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{log_group}")),
            ),
    ])
}
