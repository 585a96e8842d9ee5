//! Workload identity: IAM roles for the pods of one Kubernetes service account, through
//! EKS Pod Identity (the default) or IAM roles for service accounts (IRSA).
//!
//! A blueprint file lists them under `identities:`:
//!
//! ```yaml
//! identities:
//!   - name: reports-reader
//!     namespace: reports
//!     serviceAccount: reader
//!     managedPolicies: [AmazonS3ReadOnlyAccess]
//!     statements:
//!       - actions: [s3:GetObject]
//!         resources: ["arn:aws:s3:::reports-bucket/monthly/*"]
//! ```
//!
//! EKS Pod Identity: <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>;
//! IRSA: <https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html>.

use std::fmt;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// An IAM role for the pods that run as one Kubernetes service account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct WorkloadIdentity {
    /// The identity's name: 1 to 64 letters, digits, `-` and `_`, starting with a letter or
    /// digit, unique in the blueprint. It names the IAM role's logical id
    /// (`Identity<Name>Role`) and its inline policy.
    pub name: String,
    /// The Kubernetes namespace of the service account (a DNS label).
    pub namespace: String,
    /// The Kubernetes service account (a DNS subdomain). Each (namespace, service account)
    /// pair has at most one identity.
    pub service_account: String,
    /// How pods get the role's credentials: `podIdentity` or `irsa`. Default: `podIdentity`
    /// (EKS Pod Identity; no OIDC provider, no service account annotation). Use `irsa` for
    /// pods on Fargate, which EKS Pod Identity does not support: `podIdentity` is refused
    /// for a namespace a Fargate profile selects without labels, or when Fargate is the only
    /// compute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<IdentityMode>,
    /// Managed policies to attach: an AWS managed policy name such as
    /// `AmazonS3ReadOnlyAccess` (or `service-role/<name>`), which becomes
    /// `arn:${AWS::Partition}:iam::aws:policy/<name>`, or a full policy ARN, used as is.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<String>,
    /// Statements of the role's inline policy. Default: none. An identity needs at least one
    /// managed policy or one `Allow` statement.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<PolicyStatement>,
}

/// How a pod gets the credentials of its service account's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum IdentityMode {
    /// EKS Pod Identity: a role trusting `pods.eks.amazonaws.com` and an
    /// `AWS::EKS::PodIdentityAssociation`; needs the `eks-pod-identity-agent` add-on (always
    /// installed) and EC2 Linux nodes. Default.
    PodIdentity,
    /// IAM roles for service accounts: a role trusting the cluster's IAM OIDC provider for
    /// one service account; the service account needs the annotation
    /// `eks.amazonaws.com/role-arn: <role ARN>` (an output of the stack). Works on Fargate.
    Irsa,
}

impl IdentityMode {
    /// The name used in the blueprint file.
    pub fn as_str(self) -> &'static str {
        match self {
            IdentityMode::PodIdentity => "podIdentity",
            IdentityMode::Irsa => "irsa",
        }
    }
}

/// One statement of an identity's inline IAM policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PolicyStatement {
    /// `Allow` or `Deny`. Default: `Allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<StatementEffect>,
    /// Actions as `service:Action`, wildcards allowed in the action (`s3:Get*`); a bare `*`
    /// is refused (grant named actions).
    pub actions: Vec<String>,
    /// Resources: ARNs (wildcards allowed, e.g. `arn:aws:s3:::bucket/prefix/*`) or `*`.
    /// Written as given (no `${...}` substitution, so IAM policy variables such as
    /// `${aws:PrincipalTag/team}` work).
    pub resources: Vec<String>,
    /// Conditions: operator (`StringEquals`, `ArnLike`, `ForAnyValue:StringLike`, ...) ->
    /// condition key -> a value or a list of values. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub conditions: IndexMap<String, IndexMap<String, ConditionValues>>,
    /// Accept actions the IAM action table does not list (`data/iam-actions.tsv`, the table
    /// cfn-lint checks policies against): for actions newer than the table. cfn-lint of the
    /// same date warns about them (W3037). Default: false (an unknown service prefix or
    /// action is refused, with the closest known names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unlisted_actions: Option<bool>,
}

/// `Allow` or `Deny`, spelled as in IAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum StatementEffect {
    /// `Allow`. Default.
    Allow,
    /// `Deny`.
    Deny,
}

/// The values of one condition key: the file may give one scalar (string, number or
/// boolean, kept as written) or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionValues(pub Vec<String>);

impl Serialize for ConditionValues {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => s.serialize_str(one),
            many => many.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ConditionValues {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ConditionValues;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean, or a list of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ConditionValues, E> {
                Ok(ConditionValues(vec![v.to_owned()]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ConditionValues, E> {
                Ok(ConditionValues(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ConditionValues, E> {
                Ok(ConditionValues(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ConditionValues, E> {
                Ok(ConditionValues(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ConditionValues, E> {
                Ok(ConditionValues(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ConditionValues, A::Error> {
                let mut out = Vec::new();
                while let Some(Scalar(s)) = seq.next_element()? {
                    out.push(s);
                }
                Ok(ConditionValues(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// One scalar of a condition value list.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl WorkloadIdentity {
    /// A builder for the identity `name` of the service account `namespace/service_account`.
    pub fn builder(
        name: impl Into<String>,
        namespace: impl Into<String>,
        service_account: impl Into<String>,
    ) -> WorkloadIdentityBuilder {
        WorkloadIdentityBuilder(WorkloadIdentity {
            name: name.into(),
            namespace: namespace.into(),
            service_account: service_account.into(),
            mode: None,
            managed_policies: Vec::new(),
            statements: Vec::new(),
        })
    }
}

impl PolicyStatement {
    /// An `Allow` statement for `actions` on `resources`.
    pub fn allow<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement {
            effect: Some(StatementEffect::Allow),
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
            conditions: IndexMap::new(),
            allow_unlisted_actions: None,
        }
    }

    /// Accepts actions the IAM action table does not list (newer than the table).
    /// Default: unknown actions are refused.
    pub fn allow_unlisted_actions(mut self, on: bool) -> Self {
        self.allow_unlisted_actions = Some(on);
        self
    }

    /// A `Deny` statement for `actions` on `resources`.
    pub fn deny<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement { effect: Some(StatementEffect::Deny), ..PolicyStatement::allow(actions, resources) }
    }

    /// Adds a condition: `operator` (e.g. `StringEquals`) on `key` with `values` (appends).
    pub fn condition<S: Into<String>>(
        mut self,
        operator: impl Into<String>,
        key: impl Into<String>,
        values: impl IntoIterator<Item = S>,
    ) -> Self {
        self.conditions
            .entry(operator.into())
            .or_default()
            .insert(key.into(), ConditionValues(values.into_iter().map(Into::into).collect()));
        self
    }
}

/// Builds a [`WorkloadIdentity`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{Blueprint, Format, ManagedNodeGroup, PolicyStatement, WorkloadIdentity};
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     .managed_node_group(ManagedNodeGroup::builder("general"))
///     .identity(
///         WorkloadIdentity::builder("reports-reader", "reports", "reader")
///             .statement(PolicyStatement::allow(["s3:GetObject"], ["arn:aws:s3:::reports/*"])),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// // EKS Pod Identity by default: an association of the role with the service account.
/// let association = assembly
///     .stacks()
///     .iter()
///     .find_map(|s| s.template["Resources"].get("IdentityReportsReaderPodIdentityAssociation"))
///     .expect("a Pod Identity association");
/// assert_eq!(association["Properties"]["Namespace"], "reports");
/// assert_eq!(association["Properties"]["ServiceAccount"], "reader");
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct WorkloadIdentityBuilder(WorkloadIdentity);

impl WorkloadIdentityBuilder {
    /// How pods get the credentials. Default: [`IdentityMode::PodIdentity`].
    pub fn mode(mut self, mode: IdentityMode) -> Self {
        self.0.mode = Some(mode);
        self
    }

    /// Attaches a managed policy: an AWS managed policy name or a policy ARN (appends).
    /// Default: none.
    pub fn managed_policy(mut self, policy: impl Into<String>) -> Self {
        self.0.managed_policies.push(policy.into());
        self
    }

    /// Adds a statement to the inline policy (appends). Default: none.
    pub fn statement(mut self, statement: PolicyStatement) -> Self {
        self.0.statements.push(statement);
        self
    }

    /// The identity. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(self) -> WorkloadIdentity {
        self.0
    }
}

impl From<WorkloadIdentityBuilder> for WorkloadIdentity {
    fn from(b: WorkloadIdentityBuilder) -> Self {
        b.build()
    }
}
