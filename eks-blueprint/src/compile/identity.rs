//! Validation of workload identities (`identities`): names, service accounts, managed
//! policies, and the statements of the inline policy, with its size computed from the
//! statements themselves.

use serde_json::{Map, Value};

use crate::blueprint::identity::{Identity, ManagedPolicy, Statement};
use crate::compile::codes;
use crate::compile::common::{is_dns_label, is_dns_subdomain};
use crate::compile::data::iam_actions;
use crate::compile::defaults;
use crate::error::ValidationErrors;
use crate::spec::identity::{PolicyStatement, StatementEffect, WorkloadIdentity};
use crate::text::pascal_case;

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

/// Checks the `identities` list: each identity, unique names (as logical ids) and unique
/// (namespace, service account) pairs.
pub(crate) fn validate(identities: &[WorkloadIdentity], resolved: &[Identity], errors: &mut ValidationErrors) {
    // The first identity of each logical id and of each service account: lookups, so the
    // check stays linear in the number of identities (docs/scale.md).
    let mut ids: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut accounts: std::collections::HashMap<(&str, &str), usize> = std::collections::HashMap::new();
    for (i, (identity, resolved)) in identities.iter().zip(resolved).enumerate() {
        let path = format!("identities[{i}]");
        self::identity(&path, identity, resolved, errors);
        let first = *ids.entry(pascal_case(&identity.name)).or_insert(i);
        if let Some(other) = (first < i).then(|| &identities[first]) {
            errors.push(
                format!("{path}.name"),
                codes::DUPLICATE,
                format!(
                    "`{}` clashes with identity `{}`: names must differ in more than '-' and '_'",
                    identity.name, other.name
                ),
            );
        }
        let first = *accounts.entry((identity.namespace.as_str(), identity.service_account.as_str())).or_insert(i);
        if let Some(other) = (first < i).then(|| &identities[first]) {
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

/// Checks one identity.
fn identity(path: &str, identity: &WorkloadIdentity, resolved: &Identity, errors: &mut ValidationErrors) {
    let name_ok = !identity.name.is_empty()
        && identity.name.len() <= defaults::MAX_IDENTITY_NAME_LEN
        && identity.name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && identity.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !name_ok {
        errors.push(
            format!("{path}.name"),
            codes::INVALID_NAME,
            format!(
                "`{}` is not an identity name: 1 to {} letters, digits, '-' and '_', starting with a letter or digit",
                identity.name,
                defaults::MAX_IDENTITY_NAME_LEN
            ),
        );
    }
    if !is_dns_label(&identity.namespace) {
        errors.push(
            format!("{path}.namespace"),
            codes::INVALID_NAMESPACE,
            format!(
                "`{}` is not a Kubernetes namespace name: at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit",
                identity.namespace
            ),
        );
    }
    if !is_dns_subdomain(&identity.service_account) {
        errors.push(
            format!("{path}.serviceAccount"),
            codes::INVALID_SERVICE_ACCOUNT,
            format!(
                "`{}` is not a Kubernetes service account name: at most 253 lowercase letters, digits, '-' and '.', each dot-separated part starting and ending with a letter or digit",
                identity.service_account
            ),
        );
    }
    if let Some((_, _, owner)) = defaults::RESERVED_SERVICE_ACCOUNTS
        .iter()
        .find(|(ns, sa, _)| *ns == identity.namespace && *sa == identity.service_account)
    {
        errors.push(
            format!("{path}.serviceAccount"),
            codes::RESERVED,
            format!(
                "`{}/{}` already gets its role from {owner}: a service account has one role",
                identity.namespace, identity.service_account
            ),
        );
    }
    if identity.managed_policies.len() > defaults::MAX_MANAGED_POLICIES_PER_ROLE {
        errors.push(
            format!("{path}.managedPolicies"),
            codes::TOO_MANY,
            format!(
                "{} managed policies; IAM attaches at most {} to a role (10 unless the quota was raised)",
                identity.managed_policies.len(),
                defaults::MAX_MANAGED_POLICIES_PER_ROLE
            ),
        );
    }
    for (j, policy) in identity.managed_policies.iter().enumerate() {
        let p = format!("{path}.managedPolicies[{j}]");
        if let Err(e) = ManagedPolicyRef::parse(policy) {
            errors.push(p, codes::INVALID_POLICY, e);
        } else if identity.managed_policies[..j].contains(policy) {
            errors.push(p, codes::DUPLICATE, format!("`{policy}` is listed twice"));
        }
    }
    for (k, st) in identity.statements.iter().enumerate() {
        statement(&format!("{path}.statements[{k}]"), st, errors);
    }
    if !identity.statements.is_empty() {
        let size = inline_policy_json(&resolved.statements).to_string().len();
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
    let allows = resolved.statements.iter().any(|s| s.effect == StatementEffect::Allow);
    if identity.managed_policies.is_empty() && !allows {
        errors.push(
            path,
            codes::NO_PERMISSIONS,
            format!(
                "identity `{}` grants nothing: give at least one managed policy or one Allow statement",
                identity.name
            ),
        );
    }
}

/// Applies the identities' defaults, and reads their managed policies (a name that is not
/// one, which validation refuses, is kept as written).
pub(crate) fn resolve(identities: &[WorkloadIdentity]) -> Vec<Identity> {
    identities
        .iter()
        .map(|identity| Identity {
            name: identity.name.clone(),
            id: pascal_case(&identity.name),
            namespace: identity.namespace.clone(),
            service_account: identity.service_account.clone(),
            mode: identity.mode.unwrap_or(defaults::IDENTITY_MODE),
            managed_policies: identity
                .managed_policies
                .iter()
                .map(|policy| match ManagedPolicyRef::parse(policy) {
                    Ok(ManagedPolicyRef::AwsManaged(name)) => ManagedPolicy::AwsManaged(name.to_owned()),
                    _ => ManagedPolicy::Arn(policy.clone()),
                })
                .collect(),
            statements: identity
                .statements
                .iter()
                .map(|st| Statement {
                    effect: st.effect.unwrap_or(defaults::STATEMENT_EFFECT),
                    actions: st.actions.clone(),
                    resources: st.resources.clone(),
                    conditions: st
                        .conditions
                        .iter()
                        .map(|(op, keys)| (op.clone(), keys.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()))
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The version of the IAM policy language every document uses
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html>).
const IAM_POLICY_VERSION: &str = "2012-10-17";

/// The JSON text of the inline policy IAM receives for `statements` (as the role's
/// `PolicyDocument` renders it: `Version`, then each statement's `Effect`, `Action`,
/// `Resource` and `Condition`, a single value as a scalar), for its size.
pub(crate) fn inline_policy_json(statements: &[Statement]) -> Value {
    fn one_or_many(mut items: Vec<Value>) -> Value {
        if items.len() == 1 {
            items.remove(0)
        } else {
            Value::Array(items)
        }
    }
    let statements: Vec<Value> = statements
        .iter()
        .map(|st| {
            let mut out = Map::new();
            let effect = match st.effect {
                StatementEffect::Allow => "Allow",
                StatementEffect::Deny => "Deny",
            };
            out.insert("Effect".into(), Value::from(effect));
            out.insert("Action".into(), one_or_many(st.actions.iter().map(|a| Value::from(a.as_str())).collect()));
            if !st.resources.is_empty() {
                out.insert(
                    "Resource".into(),
                    one_or_many(st.resources.iter().map(|r| Value::from(r.as_str())).collect()),
                );
            }
            let mut conditions = Map::new();
            for (operator, keys) in &st.conditions {
                for (key, values) in keys {
                    let value = match values.as_slice() {
                        [one] => Value::from(one.as_str()),
                        many => Value::Array(many.iter().map(|v| Value::from(v.as_str())).collect()),
                    };
                    let entry = conditions.entry(operator.clone()).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(keys) = entry {
                        keys.insert(key.clone(), value);
                    }
                }
            }
            if !conditions.is_empty() {
                out.insert("Condition".into(), Value::Object(conditions));
            }
            Value::Object(out)
        })
        .collect();
    let mut doc = Map::new();
    doc.insert("Version".into(), Value::from(IAM_POLICY_VERSION));
    doc.insert("Statement".into(), Value::Array(statements));
    Value::Object(doc)
}

/// Checks one statement of an inline policy.
fn statement(path: &str, statement: &PolicyStatement, errors: &mut ValidationErrors) {
    if statement.actions.is_empty() {
        errors.push(format!("{path}.actions"), codes::EMPTY, "give at least one action, like s3:GetObject");
    }
    for (i, action) in statement.actions.iter().enumerate() {
        if !is_action(action) {
            errors.push(
                format!("{path}.actions[{i}]"),
                codes::INVALID_ACTION,
                format!(
                    "`{action}` is not an IAM action: write service:Action, like s3:GetObject or s3:Get* (a bare * is not accepted: grant named actions)"
                ),
            );
        } else if statement.actions[..i].contains(action) {
            errors.push(format!("{path}.actions[{i}]"), codes::DUPLICATE, format!("`{action}` is listed twice"));
        } else if statement.allow_unlisted_actions != Some(true) {
            if let Some(problem) = iam_actions::problem(action) {
                errors.push(
                    format!("{path}.actions[{i}]"),
                    codes::UNKNOWN_ACTION,
                    format!("{problem}; the table is cfn-lint's ({}); set allowUnlistedActions: true on the statement for an action newer than the table", iam_actions::TABLE_SOURCE),
                );
            }
        }
    }
    if statement.resources.is_empty() {
        errors.push(
            format!("{path}.resources"),
            codes::EMPTY,
            "give at least one resource: an ARN like arn:aws:s3:::bucket/prefix/*, or *",
        );
    }
    for (i, resource) in statement.resources.iter().enumerate() {
        if resource != "*" {
            if let Err(e) = check_resource_arn(resource) {
                errors.push(format!("{path}.resources[{i}]"), codes::INVALID_RESOURCE, e);
            } else {
                check_policy_variables(&format!("{path}.resources[{i}]"), resource, errors);
            }
        }
    }
    for (operator, keys) in &statement.conditions {
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
                check_policy_variables(&format!("{p}.{key}[{j}]"), value, errors);
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

/// Refuses `${...}` in an IAM policy string unless it is an IAM policy variable
/// (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`, `${aws:username, 'x'}`,
/// or the special `${*}`, `${?}`, `${$}`): statements are written as literal strings, so a
/// CloudFormation substitution (`${AWS::AccountId}`, `${MyBucket}`, `${MyBucket.Arn}`) would
/// reach IAM unsubstituted (and cfn-lint reports E1029).
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>)
pub(crate) fn check_policy_variables(path: &str, value: &str, errors: &mut ValidationErrors) {
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            errors.push(
                path,
                codes::SUBSTITUTION,
                format!(
                    "`{}` opens `${{` without closing it: IAM policy variables read ${{aws:username}}",
                    crate::text::quote(value)
                ),
            );
            return;
        };
        let inner = &after[..end];
        let name = inner.split(',').next().unwrap_or_default().trim();
        let iam_variable = matches!(name, "*" | "?" | "$")
            || name.split_once(':').is_some_and(|(prefix, key)| {
                !prefix.is_empty()
                    && !key.is_empty()
                    && !key.starts_with(':')
                    && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
            });
        if !iam_variable {
            errors.push(
                path,
                codes::SUBSTITUTION,
                format!(
                    "`{}`: `${{{inner}}}` is not an IAM policy variable but would read as a CloudFormation substitution, which statements do not get (they are written as given): write the value itself, or an IAM policy variable like ${{aws:PrincipalAccount}} or ${{aws:username}}",
                    crate::text::quote(value)
                ),
            );
            return;
        }
        rest = &after[end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::identity::IdentityMode;
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
        assert_eq!(id.managed_policies, [ManagedPolicy::AwsManaged("AmazonS3ReadOnlyAccess".into())]);
        let st = &id.statements[0];
        assert_eq!(st.effect, StatementEffect::Allow);
        assert_eq!(st.conditions["Bool"]["aws:SecureTransport"], ["true"]);
        assert_eq!(st.conditions["NumericLessThan"]["s3:max-keys"], ["10"]);
        assert_eq!(st.conditions["StringLike"]["s3:prefix"], ["a/*", "b/*"]);
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
