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
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use super::is_dns_label;
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::logical_id::pascal_case;
use crate::cfn::Expr;
use crate::compile::codes;
use crate::compile::defaults;
use crate::error::ValidationErrors;

/// An IAM role for the pods that run as one Kubernetes service account.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
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
    #[serde(default)]
    pub mode: IdentityMode,
    /// Managed policies to attach: an AWS managed policy name such as
    /// `AmazonS3ReadOnlyAccess` (or `service-role/<name>`), which becomes
    /// `arn:${AWS::Partition}:iam::aws:policy/<name>`, or a full policy ARN, used as is.
    /// Default: none.
    #[serde(default)]
    pub managed_policies: Vec<String>,
    /// Statements of the role's inline policy. Default: none. An identity needs at least one
    /// managed policy or one `Allow` statement.
    #[serde(default)]
    pub statements: Vec<PolicyStatement>,
}

/// How a pod gets the credentials of its service account's role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IdentityMode {
    /// EKS Pod Identity: a role trusting `pods.eks.amazonaws.com` and an
    /// `AWS::EKS::PodIdentityAssociation`; needs the `eks-pod-identity-agent` add-on (always
    /// installed) and EC2 Linux nodes. Default.
    #[default]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyStatement {
    /// `Allow` or `Deny`. Default: `Allow`.
    #[serde(default)]
    pub effect: StatementEffect,
    /// Actions as `service:Action`, wildcards allowed in the action (`s3:Get*`); a bare `*`
    /// is refused (grant named actions).
    pub actions: Vec<String>,
    /// Resources: ARNs (wildcards allowed, e.g. `arn:aws:s3:::bucket/prefix/*`) or `*`.
    /// Written as given (no `${...}` substitution, so IAM policy variables such as
    /// `${aws:PrincipalTag/team}` work).
    pub resources: Vec<String>,
    /// Conditions: operator (`StringEquals`, `ArnLike`, `ForAnyValue:StringLike`, ...) ->
    /// condition key -> a value or a list of values. Default: none.
    #[serde(default)]
    pub conditions: IndexMap<String, IndexMap<String, ConditionValues>>,
}

/// `Allow` or `Deny`, spelled as in IAM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum StatementEffect {
    /// `Allow`. Default.
    #[default]
    Allow,
    /// `Deny`.
    Deny,
}

/// The values of one condition key: the file may give one scalar (string, number or
/// boolean, kept as written) or a list of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionValues(pub Vec<String>);

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

/// A managed policy reference: an AWS managed policy name or a policy ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedPolicyRef<'a> {
    /// The name (with its path, if any) of an AWS managed policy, e.g.
    /// `AmazonS3ReadOnlyAccess` or `service-role/AmazonEBSCSIDriverPolicy`.
    AwsManaged(&'a str),
    /// A full policy ARN.
    Arn(&'a str),
}

impl<'a> ManagedPolicyRef<'a> {
    /// Reads a reference: an ARN when it starts with `arn:`, otherwise an AWS managed
    /// policy name; `Err` says what is wrong.
    pub fn parse(s: &'a str) -> Result<Self, String> {
        if s.starts_with("arn:") {
            check_policy_arn(s).map(|()| ManagedPolicyRef::Arn(s))
        } else if is_policy_path_name(s) {
            Ok(ManagedPolicyRef::AwsManaged(s))
        } else {
            Err(format!(
                "`{s}` is neither an AWS managed policy name (like AmazonS3ReadOnlyAccess: letters, digits and +=,.@_-, with an optional path such as service-role/) nor a policy ARN (arn:<partition>:iam::<account>:policy/<name>)"
            ))
        }
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
            mode: IdentityMode::default(),
            managed_policies: Vec::new(),
            statements: Vec::new(),
        })
    }

    pub(crate) fn validate(&self, path: &str, errors: &mut ValidationErrors) {
        let name_ok = !self.name.is_empty()
            && self.name.len() <= defaults::MAX_IDENTITY_NAME_LEN
            && self.name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            && self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !name_ok {
            errors.push(
                format!("{path}.name"),
                codes::INVALID_NAME,
                format!(
                    "`{}` is not an identity name: 1 to {} letters, digits, '-' and '_', starting with a letter or digit",
                    self.name,
                    defaults::MAX_IDENTITY_NAME_LEN
                ),
            );
        }
        if !is_dns_label(&self.namespace) {
            errors.push(
                format!("{path}.namespace"),
                codes::INVALID_NAMESPACE,
                format!(
                    "`{}` is not a Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
                    self.namespace
                ),
            );
        }
        if !is_dns_subdomain(&self.service_account) {
            errors.push(
                format!("{path}.serviceAccount"),
                codes::INVALID_SERVICE_ACCOUNT,
                format!(
                    "`{}` is not a Kubernetes service account name: at most 253 lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
                    self.service_account
                ),
            );
        }
        if let Some((_, _, owner)) = defaults::RESERVED_SERVICE_ACCOUNTS
            .iter()
            .find(|(ns, sa, _)| *ns == self.namespace && *sa == self.service_account)
        {
            errors.push(
                format!("{path}.serviceAccount"),
                codes::RESERVED,
                format!(
                    "`{}/{}` already gets its role from {owner}: a service account has one role",
                    self.namespace, self.service_account
                ),
            );
        }
        if self.managed_policies.len() > defaults::MAX_MANAGED_POLICIES_PER_ROLE {
            errors.push(
                format!("{path}.managedPolicies"),
                codes::TOO_MANY,
                format!(
                    "{} managed policies; IAM attaches at most {} to a role (10 unless the quota was raised)",
                    self.managed_policies.len(),
                    defaults::MAX_MANAGED_POLICIES_PER_ROLE
                ),
            );
        }
        for (j, policy) in self.managed_policies.iter().enumerate() {
            let p = format!("{path}.managedPolicies[{j}]");
            if let Err(e) = ManagedPolicyRef::parse(policy) {
                errors.push(p, codes::INVALID_POLICY, e);
            } else if self.managed_policies[..j].contains(policy) {
                errors.push(p, codes::DUPLICATE, format!("`{policy}` is listed twice"));
            }
        }
        for (k, st) in self.statements.iter().enumerate() {
            st.validate(&format!("{path}.statements[{k}]"), errors);
        }
        if !self.statements.is_empty() {
            let size = self.inline_policy().to_json().to_string().len();
            if size > defaults::MAX_ROLE_INLINE_POLICY_CHARS {
                errors.push(
                    format!("{path}.statements"),
                    codes::TOO_LARGE,
                    format!(
                        "the inline policy is {size} characters; IAM allows {} per role: merge statements, use wildcards in actions or resources, or attach a managed policy",
                        defaults::MAX_ROLE_INLINE_POLICY_CHARS
                    ),
                );
            }
        }
        let allows = self.statements.iter().any(|s| s.effect == StatementEffect::Allow);
        if self.managed_policies.is_empty() && !allows {
            errors.push(
                path,
                codes::NO_PERMISSIONS,
                format!(
                    "identity `{}` grants nothing: give at least one managed policy or one Allow statement",
                    self.name
                ),
            );
        }
    }
}

impl WorkloadIdentity {
    /// The role's inline policy: the statements as an IAM policy document.
    pub fn inline_policy(&self) -> PolicyDocument {
        PolicyDocument::new(self.statements.iter().map(PolicyStatement::to_statement))
    }
}

impl PolicyStatement {
    /// The statement as a typed IAM statement. Resources and condition values are literal
    /// strings (no `Fn::Sub`), so IAM policy variables pass through.
    pub fn to_statement(&self) -> Statement {
        let mut out = match self.effect {
            StatementEffect::Allow => Statement::allow(self.actions.iter().cloned()),
            StatementEffect::Deny => Statement::deny(self.actions.iter().cloned()),
        };
        for resource in &self.resources {
            out = out.resource(resource.as_str());
        }
        for (operator, keys) in &self.conditions {
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

    /// An `Allow` statement for `actions` on `resources`.
    pub fn allow<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement {
            effect: StatementEffect::Allow,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: resources.into_iter().map(Into::into).collect(),
            conditions: IndexMap::new(),
        }
    }

    /// A `Deny` statement for `actions` on `resources`.
    pub fn deny<A: Into<String>, R: Into<String>>(
        actions: impl IntoIterator<Item = A>,
        resources: impl IntoIterator<Item = R>,
    ) -> Self {
        PolicyStatement { effect: StatementEffect::Deny, ..PolicyStatement::allow(actions, resources) }
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

    fn validate(&self, path: &str, errors: &mut ValidationErrors) {
        if self.actions.is_empty() {
            errors.push(format!("{path}.actions"), codes::EMPTY, "give at least one action, like s3:GetObject");
        }
        for (i, action) in self.actions.iter().enumerate() {
            if !is_action(action) {
                errors.push(
                    format!("{path}.actions[{i}]"),
                    codes::INVALID_ACTION,
                    format!(
                        "`{action}` is not an IAM action: write service:Action, like s3:GetObject or s3:Get* (a bare * is not accepted: grant named actions)"
                    ),
                );
            } else if self.actions[..i].contains(action) {
                errors.push(format!("{path}.actions[{i}]"), codes::DUPLICATE, format!("`{action}` is listed twice"));
            }
        }
        if self.resources.is_empty() {
            errors.push(
                format!("{path}.resources"),
                codes::EMPTY,
                "give at least one resource: an ARN like arn:aws:s3:::bucket/prefix/*, or *",
            );
        }
        for (i, resource) in self.resources.iter().enumerate() {
            if resource != "*" {
                if let Err(e) = check_resource_arn(resource) {
                    errors.push(format!("{path}.resources[{i}]"), codes::INVALID_RESOURCE, e);
                } else {
                    super::check_policy_variables(&format!("{path}.resources[{i}]"), resource, errors);
                }
            }
        }
        for (operator, keys) in &self.conditions {
            let p = format!("{path}.conditions.{operator}");
            if !is_condition_operator(operator) {
                errors.push(
                    p.clone(),
                    codes::INVALID_CONDITION,
                    format!(
                        "`{operator}` is not an IAM condition operator: one of {}, optionally prefixed with ForAnyValue: or ForAllValues: and suffixed with IfExists",
                        CONDITION_OPERATORS.join(", ")
                    ),
                );
            }
            if keys.is_empty() {
                errors.push(p.clone(), codes::EMPTY, "give at least one condition key");
            }
            for (key, values) in keys {
                let key_ok = key.split_once(':').is_some_and(|(a, b)| !a.is_empty() && !b.is_empty())
                    && !key.chars().any(char::is_whitespace);
                if !key_ok {
                    errors.push(
                        format!("{p}.{key}"),
                        codes::INVALID_CONDITION,
                        format!("`{key}` is not a condition key: write prefix:name, like aws:SourceVpc or s3:prefix"),
                    );
                }
                if values.0.is_empty() {
                    errors.push(format!("{p}.{key}"), codes::EMPTY, "give at least one value");
                }
                for (j, value) in values.0.iter().enumerate() {
                    super::check_policy_variables(&format!("{p}.{key}[{j}]"), value, errors);
                }
            }
        }
    }
}

/// The IAM condition operators
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
pub const CONDITION_OPERATORS: [&str; 27] = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

fn is_condition_operator(op: &str) -> bool {
    let op = op.strip_prefix("ForAnyValue:").or_else(|| op.strip_prefix("ForAllValues:")).unwrap_or(op);
    let base = if op == "Null" { op } else { op.strip_suffix("IfExists").unwrap_or(op) };
    CONDITION_OPERATORS.contains(&base)
}

/// `service:Action`: a service prefix (lowercase letters, digits, `-`) and an action name
/// (letters, digits, wildcards `*` and `?`).
fn is_action(s: &str) -> bool {
    s.split_once(':').is_some_and(|(service, action)| {
        !service.is_empty()
            && service.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !action.is_empty()
            && action.chars().all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?')
    })
}

/// Whether `s` is a partition name (`aws`, `aws-cn`, `aws-us-gov`, ...).
fn is_partition(s: &str) -> bool {
    s == "aws"
        || s.strip_prefix("aws-")
            .is_some_and(|r| !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
}

/// Checks an ARN in a statement's `resources` (wildcards allowed in every part but the
/// `arn` prefix).
fn check_resource_arn(s: &str) -> Result<(), String> {
    let bad = || {
        format!(
            "`{s}` is not a resource ARN: write arn:<partition>:<service>:<region>:<account>:<resource> (wildcards allowed, e.g. arn:aws:s3:::bucket/prefix/*), or *"
        )
    };
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts.as_slice() else { return Err(bad()) };
    let wild = |p: &str, extra: &dyn Fn(char) -> bool| p.chars().all(|c| c == '*' || c == '?' || extra(c));
    let ok = *arn == "arn"
        && (is_partition(partition)
            || wild(partition, &|c| c.is_ascii_lowercase() || c == '-') && !partition.is_empty())
        && !service.is_empty()
        && wild(service, &|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && wild(region, &|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && (*account == "aws" || wild(account, &|c| c.is_ascii_digit()))
        && !resource.is_empty()
        && !s.chars().any(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// Checks a managed policy ARN: `arn:<partition>:iam::<account or aws>:policy/<path/><name>`.
fn check_policy_arn(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let ok = match parts.as_slice() {
        ["arn", partition, "iam", "", account, resource] => {
            is_partition(partition)
                && (*account == "aws" || (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())))
                && resource.strip_prefix("policy/").is_some_and(is_policy_path_name)
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not a managed policy ARN: write arn:<partition>:iam::<12-digit account or aws>:policy/<name>, like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
        ))
    }
}

/// A policy name with an optional path: `/`-separated parts of letters, digits and `+=,.@_-`.
fn is_policy_path_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 512
        && s.split('/').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c)))
}

/// Whether `s` is a DNS subdomain (RFC 1123): a Kubernetes service account name.
pub(crate) fn is_dns_subdomain(s: &str) -> bool {
    !s.is_empty() && s.len() <= 253 && s.split('.').all(is_dns_label)
}

/// Checks the `identities` list: each identity, unique names (as logical ids) and unique
/// (namespace, service account) pairs.
pub(crate) fn validate(identities: &[WorkloadIdentity], errors: &mut ValidationErrors) {
    for (i, identity) in identities.iter().enumerate() {
        let path = format!("identities[{i}]");
        identity.validate(&path, errors);
        let id = pascal_case(&identity.name);
        if let Some(other) = identities[..i].iter().find(|o| pascal_case(&o.name) == id) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with identity `{}`: names must differ in more than '-' and '_'",
                    identity.name, other.name
                ),
            );
        }
        if let Some(other) = identities[..i]
            .iter()
            .find(|o| o.namespace == identity.namespace && o.service_account == identity.service_account)
        {
            errors.push(
                format!("{path}.serviceAccount"),
                codes::DUPLICATE,
                format!(
                    "`{}/{}` already has identity `{}`: a service account has one role",
                    identity.namespace, identity.service_account, other.name
                ),
            );
        }
    }
}

/// Checks that every EKS Pod Identity role can be used where its pods run: the EKS Pod
/// Identity agent is a DaemonSet, and Fargate runs no DaemonSets, so pods on Fargate get no
/// Pod Identity credentials ("EKS Pod Identity considerations": Linux EC2 nodes only,
/// <https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html>). Refused, pointing
/// to IRSA, which works on Fargate:
///
/// - a `podIdentity` identity whose namespace a Fargate profile selects without labels (every
///   pod of it runs on Fargate), or in a blueprint whose only compute is Fargate;
/// - Karpenter (its controller role uses Pod Identity) installed in such a namespace.
///
/// A profile whose selector also has labels moves only the pods with those labels to Fargate;
/// that cannot be known here, and the docs say to use IRSA for them.
pub(crate) fn validate_with_compute(
    identities: &[WorkloadIdentity],
    compute: &super::compute::Compute,
    errors: &mut ValidationErrors,
) {
    let on_fargate = |namespace: &str| -> Option<String> {
        match compute.fargate_profile_for_namespace(namespace) {
            Some(profile) => {
                Some(format!("Fargate profile `{}` runs every pod of namespace `{namespace}` on Fargate", profile.name))
            }
            None => compute.fargate_only().then(|| "Fargate is the only compute".to_owned()),
        }
    };
    for (i, identity) in identities.iter().enumerate() {
        if identity.mode != IdentityMode::PodIdentity {
            continue;
        }
        if let Some(why) = on_fargate(&identity.namespace) {
            errors.push(
                format!("identities[{i}].mode"),
                codes::POD_IDENTITY_FARGATE,
                format!(
                    "identity `{}` uses EKS Pod Identity, but {why}, where the Pod Identity agent (a DaemonSet) does not run, so its pods would get no credentials; set mode: irsa (IAM roles for service accounts work on Fargate)",
                    identity.name
                ),
            );
        }
    }
    if let Some(karpenter) = &compute.karpenter {
        if let Some(why) = on_fargate(&karpenter.namespace) {
            errors.push(
                "compute.karpenter.namespace",
                codes::POD_IDENTITY_FARGATE,
                format!(
                    "Karpenter's controller gets its role through EKS Pod Identity, but {why}, where the Pod Identity agent does not run; install Karpenter in a namespace that runs on the node group, or add labels to that profile's selector"
                ),
            );
        }
    }
}

/// Builds a [`WorkloadIdentity`]; every setter documents its default.
#[derive(Debug, Clone)]
pub struct WorkloadIdentityBuilder(WorkloadIdentity);

impl WorkloadIdentityBuilder {
    /// How pods get the credentials. Default: [`IdentityMode::PodIdentity`].
    pub fn mode(mut self, mode: IdentityMode) -> Self {
        self.0.mode = mode;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Blueprint, Error};

    const BASE: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";

    fn parse(identities: &str) -> Result<Blueprint, Error> {
        Blueprint::from_yaml(&format!("{BASE}identities:\n{identities}"))
    }

    /// The validation errors of `identities` as `path: message` lines.
    fn errors(identities: &str) -> Vec<String> {
        match parse(identities) {
            Err(Error::Invalid(errs)) => errs.iter().map(ToString::to_string).collect(),
            Err(e) => vec![format!("not a validation error: {e}")],
            Ok(_) => Vec::new(),
        }
    }

    fn codes(identities: &str) -> Vec<&'static str> {
        match parse(identities) {
            Err(Error::Invalid(errs)) => errs.iter().map(|e| e.code).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn the_file_fills_the_model_with_its_defaults() {
        let bp = parse(
            "  - name: reader\n    namespace: reports\n    serviceAccount: reader\n    managedPolicies: [AmazonS3ReadOnlyAccess]\n    statements:\n      - actions: [s3:GetObject]\n        resources: [\"arn:aws:s3:::b/p/*\"]\n        conditions:\n          Bool: {aws:SecureTransport: true}\n          NumericLessThan: {s3:max-keys: 10}\n          StringLike: {s3:prefix: [a/*, b/*]}\n",
        )
        .unwrap();
        let id = &bp.identities[0];
        assert_eq!(id.mode, IdentityMode::PodIdentity);
        assert_eq!(id.managed_policies, ["AmazonS3ReadOnlyAccess"]);
        let st = &id.statements[0];
        assert_eq!(st.effect, StatementEffect::Allow);
        assert_eq!(st.conditions["Bool"]["aws:SecureTransport"], ConditionValues(vec!["true".into()]));
        assert_eq!(st.conditions["NumericLessThan"]["s3:max-keys"], ConditionValues(vec!["10".into()]));
        assert_eq!(st.conditions["StringLike"]["s3:prefix"], ConditionValues(vec!["a/*".into(), "b/*".into()]));
    }

    #[test]
    fn the_builder_and_the_file_make_the_same_model() {
        let built = Blueprint::builder("demo")
            .cluster(crate::ClusterSpec::builder().bootstrap_cluster_creator_admin_permissions(true))
            .identity(
                WorkloadIdentity::builder("writer", "batch", "writer")
                    .mode(IdentityMode::Irsa)
                    .statement(PolicyStatement::allow(["sqs:SendMessage"], ["arn:aws:sqs:*:123456789012:jobs"])),
            )
            .build()
            .unwrap();
        let parsed = parse(
            "  - {name: writer, namespace: batch, serviceAccount: writer, mode: irsa, statements: [{actions: [sqs:SendMessage], resources: [\"arn:aws:sqs:*:123456789012:jobs\"]}]}\n",
        )
        .unwrap();
        assert_eq!(built.identities, parsed.identities);
    }

    #[test]
    fn unknown_modes_and_keys_are_parse_errors() {
        let err = parse("  - {name: a, namespace: b, serviceAccount: c, mode: kiam}\n").unwrap_err().to_string();
        assert!(err.contains("identities[0].mode: unknown variant `kiam`, expected `podIdentity` or `irsa`"), "{err}");
        let err = parse("  - {name: a, namespace: b, serviceAccount: c, role: x}\n").unwrap_err().to_string();
        assert!(err.contains("unknown field `role`"), "{err}");
        let err = parse(
            "  - {name: a, namespace: b, serviceAccount: c, statements: [{actions: [s3:GetObject], resources: ['*'], conditions: {Bool: {aws:SecureTransport: {x: 1}}}}]}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("expected a string, number or boolean, or a list of them"), "{err}");
    }

    #[test]
    fn names_namespaces_and_service_accounts_are_checked() {
        assert_eq!(
            errors("  - {name: -bad, namespace: Reports, serviceAccount: my_sa, managedPolicies: [ReadOnlyAccess]}\n"),
            [
                "identities[0].name: `-bad` is not an identity name: 1 to 64 letters, digits, '-' and '_', starting with a letter or digit",
                "identities[0].namespace: `Reports` is not a Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
                "identities[0].serviceAccount: `my_sa` is not a Kubernetes service account name: at most 253 lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
            ]
        );
        assert!(errors("  - {name: a, namespace: b, serviceAccount: x.y-z, managedPolicies: [ReadOnlyAccess]}\n")
            .is_empty());
    }

    #[test]
    fn names_and_service_accounts_are_unique() {
        assert_eq!(
            errors(
                "  - {name: s3-reader, namespace: a, serviceAccount: sa, managedPolicies: [ReadOnlyAccess]}\n  - {name: s3_reader, namespace: a, serviceAccount: sa, managedPolicies: [ReadOnlyAccess]}\n"
            ),
            [
                "identities[1].name: `s3_reader` clashes with identity `s3-reader`: names must differ in more than '-' and '_'",
                "identities[1].serviceAccount: `a/sa` already has identity `s3-reader`: a service account has one role",
            ]
        );
    }

    #[test]
    fn the_vpc_cni_service_account_is_reserved() {
        assert_eq!(
            errors("  - {name: cni, namespace: kube-system, serviceAccount: aws-node, managedPolicies: [AmazonEKS_CNI_Policy]}\n"),
            ["identities[0].serviceAccount: `kube-system/aws-node` already gets its role from the vpc-cni add-on (AddonVpcCni, EKS Pod Identity): a service account has one role"]
        );
    }

    #[test]
    fn an_identity_must_grant_something() {
        assert_eq!(
            errors("  - {name: a, namespace: b, serviceAccount: c, statements: [{effect: Deny, actions: ['s3:*'], resources: ['*']}]}\n"),
            ["identities[0]: identity `a` grants nothing: give at least one managed policy or one Allow statement"]
        );
        assert_eq!(codes("  - {name: a, namespace: b, serviceAccount: c}\n"), ["no-permissions"]);
    }

    #[test]
    fn managed_policies_are_names_or_arns() {
        assert!(errors(
            "  - {name: a, namespace: b, serviceAccount: c, managedPolicies: [AmazonS3ReadOnlyAccess, service-role/AmazonEBSCSIDriverPolicy, 'arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws-cn:iam::123456789012:policy/team/Reports']}\n"
        )
        .is_empty());
        assert_eq!(
            errors(
                "  - {name: a, namespace: b, serviceAccount: c, managedPolicies: ['arn:aws:iam::12345:policy/X', 'arn:aws:s3:::bucket', 'Amazon S3', ReadOnlyAccess, ReadOnlyAccess]}\n"
            ),
            [
                "identities[0].managedPolicies[0]: `arn:aws:iam::12345:policy/X` is not a managed policy ARN: write arn:<partition>:iam::<12-digit account or aws>:policy/<name>, like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "identities[0].managedPolicies[1]: `arn:aws:s3:::bucket` is not a managed policy ARN: write arn:<partition>:iam::<12-digit account or aws>:policy/<name>, like arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                "identities[0].managedPolicies[2]: `Amazon S3` is neither an AWS managed policy name (like AmazonS3ReadOnlyAccess: letters, digits and +=,.@_-, with an optional path such as service-role/) nor a policy ARN (arn:<partition>:iam::<account>:policy/<name>)",
                "identities[0].managedPolicies[4]: `ReadOnlyAccess` is listed twice",
            ]
        );
        let many: Vec<String> = (0..21).map(|i| format!("P{i}")).collect();
        assert_eq!(
            errors(&format!("  - {{name: a, namespace: b, serviceAccount: c, managedPolicies: [{}]}}\n", many.join(", "))),
            ["identities[0].managedPolicies: 21 managed policies; IAM attaches at most 20 to a role (10 unless the quota was raised)"]
        );
    }

    #[test]
    fn statements_need_service_actions_and_resource_arns() {
        assert_eq!(
            errors(
                "  - {name: a, namespace: b, serviceAccount: c, statements: [{actions: ['*', GetObject, 's3:Get Object', s3:GetObject, s3:GetObject], resources: ['arn:aws:s3:::b/*', 'bucket', 'arn:aws:s3', '*']}, {actions: [], resources: []}]}\n"
            ),
            [
                "identities[0].statements[0].actions[0]: `*` is not an IAM action: write service:Action, like s3:GetObject or s3:Get* (a bare * is not accepted: grant named actions)",
                "identities[0].statements[0].actions[1]: `GetObject` is not an IAM action: write service:Action, like s3:GetObject or s3:Get* (a bare * is not accepted: grant named actions)",
                "identities[0].statements[0].actions[2]: `s3:Get Object` is not an IAM action: write service:Action, like s3:GetObject or s3:Get* (a bare * is not accepted: grant named actions)",
                "identities[0].statements[0].actions[4]: `s3:GetObject` is listed twice",
                "identities[0].statements[0].resources[1]: `bucket` is not a resource ARN: write arn:<partition>:<service>:<region>:<account>:<resource> (wildcards allowed, e.g. arn:aws:s3:::bucket/prefix/*), or *",
                "identities[0].statements[0].resources[2]: `arn:aws:s3` is not a resource ARN: write arn:<partition>:<service>:<region>:<account>:<resource> (wildcards allowed, e.g. arn:aws:s3:::bucket/prefix/*), or *",
                "identities[0].statements[1].actions: give at least one action, like s3:GetObject",
                "identities[0].statements[1].resources: give at least one resource: an ARN like arn:aws:s3:::bucket/prefix/*, or *",
            ]
        );
        assert!(errors(
            "  - {name: a, namespace: b, serviceAccount: c, statements: [{actions: ['s3:*', 'ec2:Describe*'], resources: ['arn:aws:sqs:*:123456789012:q', 'arn:*:s3:::b/${aws:PrincipalTag/team}/*', 'arn:aws:iam::aws:policy/X']}]}\n"
        )
        .is_empty());
    }

    #[test]
    fn conditions_use_iam_operators_and_keys() {
        assert_eq!(
            errors(
                "  - {name: a, namespace: b, serviceAccount: c, statements: [{actions: [s3:GetObject], resources: ['*'], conditions: {StringEqual: {aws:SourceVpc: vpc-1}, StringLike: {prefix: [], 'aws:x y': a}, Bool: {}}}]}\n"
            ),
            [
                format!("identities[0].statements[0].conditions.StringEqual: `StringEqual` is not an IAM condition operator: one of {}, optionally prefixed with ForAnyValue: or ForAllValues: and suffixed with IfExists", CONDITION_OPERATORS.join(", ")),
                "identities[0].statements[0].conditions.StringLike.prefix: `prefix` is not a condition key: write prefix:name, like aws:SourceVpc or s3:prefix".to_owned(),
                "identities[0].statements[0].conditions.StringLike.prefix: give at least one value".to_owned(),
                "identities[0].statements[0].conditions.StringLike.aws:x y: `aws:x y` is not a condition key: write prefix:name, like aws:SourceVpc or s3:prefix".to_owned(),
                "identities[0].statements[0].conditions.Bool: give at least one condition key".to_owned(),
            ]
        );
        assert!(errors(
            "  - {name: a, namespace: b, serviceAccount: c, statements: [{actions: [s3:GetObject], resources: ['*'], conditions: {ForAnyValue:StringLikeIfExists: {aws:TagKeys: [a]}, Null: {aws:TokenIssueTime: 'true'}}}]}\n"
        )
        .is_empty());
    }

    #[test]
    fn inline_policies_stay_within_the_iam_size_quota() {
        let resources: Vec<String> = (0..400).map(|i| format!("'arn:aws:s3:::bucket-{i:04}/*'")).collect();
        assert_eq!(
            errors(&format!(
                "  - {{name: a, namespace: b, serviceAccount: c, statements: [{{actions: [s3:GetObject], resources: [{}]}}]}}\n",
                resources.join(", ")
            )),
            ["identities[0].statements: the inline policy is 11694 characters; IAM allows 10240 per role: merge statements, use wildcards in actions or resources, or attach a managed policy"]
        );
    }
}
