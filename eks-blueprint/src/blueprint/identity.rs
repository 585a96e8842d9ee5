//! The resolved workload identities: defaults applied, managed policies read once.

use indexmap::IndexMap;

use crate::spec::identity::{IdentityMode, StatementEffect};

/// An IAM role for the pods of one Kubernetes service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Identity {
    /// The identity's name.
    pub(crate) name: String,
    /// The stem of its logical ids (the name in PascalCase), unique among identities.
    pub(crate) id: String,
    /// The Kubernetes namespace of the service account.
    pub(crate) namespace: String,
    /// The Kubernetes service account.
    pub(crate) service_account: String,
    /// EKS Pod Identity or IRSA.
    pub(crate) mode: IdentityMode,
    /// Managed policies to attach.
    pub(crate) managed_policies: Vec<ManagedPolicy>,
    /// Statements of the inline policy.
    pub(crate) statements: Vec<Statement>,
}

/// A managed policy: an AWS managed one by name, or any by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ManagedPolicy {
    /// The name (with its path, if any) of an AWS managed policy, e.g.
    /// `AmazonS3ReadOnlyAccess` or `service-role/AmazonEBSCSIDriverPolicy`.
    AwsManaged(String),
    /// A policy ARN, used as is.
    Arn(String),
}

/// One statement of an inline policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Statement {
    /// `Allow` or `Deny`.
    pub(crate) effect: StatementEffect,
    /// Actions.
    pub(crate) actions: Vec<String>,
    /// Resources, as written.
    pub(crate) resources: Vec<String>,
    /// Conditions: operator -> condition key -> values.
    pub(crate) conditions: IndexMap<String, IndexMap<String, Vec<String>>>,
}
