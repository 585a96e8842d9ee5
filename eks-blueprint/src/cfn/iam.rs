//! A typed IAM policy document.
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html>

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{Map, Value};

use super::Expr;

/// The policy language version every document uses.
pub const POLICY_VERSION: &str = "2012-10-17";

/// An IAM policy document: a version and statements.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyDocument {
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// A document with the given statements.
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        PolicyDocument { statements: statements.into_iter().collect() }
    }

    /// A trust policy that lets the given AWS services assume a role with the given actions.
    pub fn trust_services(services: &[&str], actions: &[&str]) -> Self {
        PolicyDocument::new([Statement::allow(actions.iter().copied())
            .principal(Principal::Service(services.iter().map(|s| (*s).to_owned()).collect()))])
    }

    /// The JSON form of the document.
    pub fn to_json(&self) -> Value {
        let mut doc = Map::new();
        doc.insert("Version".into(), Value::from(POLICY_VERSION));
        doc.insert("Statement".into(), Value::Array(self.statements.iter().map(Statement::to_json).collect()));
        Value::Object(doc)
    }
}

impl Serialize for PolicyDocument {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// Allow or Deny.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

/// Who a statement of a resource-based or trust policy applies to.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `{"Service": [...]}`, e.g. `eks.amazonaws.com`.
    Service(Vec<String>),
    /// `{"AWS": [...]}`: account roots, roles or users (ARNs as expressions).
    Aws(Vec<Expr>),
    /// `{"Federated": ...}`: an OIDC or SAML provider ARN.
    Federated(Expr),
    /// `{"Service": [...]}` with expressions, for regional service principals such as
    /// `logs.${AWS::Region}.amazonaws.com`.
    ServiceExpr(Vec<Expr>),
}

/// One policy statement.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Optional statement id (alphanumeric).
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// The principal, for resource-based and trust policies.
    pub principal: Option<Principal>,
    /// The actions, e.g. `ec2:DescribeInstances`.
    pub actions: Vec<String>,
    /// The resources (`*` or ARNs); trust policies have none.
    pub resources: Vec<Expr>,
    /// Conditions: operator -> (condition key -> value).
    pub conditions: IndexMap<String, IndexMap<String, Expr>>,
}

impl Statement {
    /// An `Allow` statement for the given actions.
    pub fn allow<S: Into<String>>(actions: impl IntoIterator<Item = S>) -> Self {
        Statement {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            actions: actions.into_iter().map(Into::into).collect(),
            resources: Vec::new(),
            conditions: IndexMap::new(),
        }
    }

    /// A `Deny` statement for the given actions.
    pub fn deny<S: Into<String>>(actions: impl IntoIterator<Item = S>) -> Self {
        Statement { effect: Effect::Deny, ..Statement::allow(actions) }
    }

    /// Sets the statement id.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// Sets the principal.
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds a resource.
    pub fn resource(mut self, resource: impl Into<Expr>) -> Self {
        self.resources.push(resource.into());
        self
    }

    /// Adds a condition: `operator` (e.g. `StringEquals`) on `key` with `value`.
    pub fn condition(mut self, operator: impl Into<String>, key: impl Into<String>, value: impl Into<Expr>) -> Self {
        self.conditions.entry(operator.into()).or_default().insert(key.into(), value.into());
        self
    }

    fn to_json(&self) -> Value {
        let mut st = Map::new();
        if let Some(sid) = &self.sid {
            st.insert("Sid".into(), Value::from(sid.as_str()));
        }
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        st.insert("Effect".into(), Value::from(effect));
        if let Some(principal) = &self.principal {
            let (key, value) = match principal {
                Principal::Service(s) => ("Service", one_or_many(s.iter().map(|s| Value::from(s.as_str())))),
                Principal::Aws(a) => ("AWS", one_or_many(a.iter().map(Expr::to_json))),
                Principal::Federated(f) => ("Federated", f.to_json()),
                Principal::ServiceExpr(s) => ("Service", one_or_many(s.iter().map(Expr::to_json))),
            };
            let mut p = Map::new();
            p.insert(key.into(), value);
            st.insert("Principal".into(), Value::Object(p));
        }
        st.insert("Action".into(), one_or_many(self.actions.iter().map(|a| Value::from(a.as_str()))));
        if !self.resources.is_empty() {
            st.insert("Resource".into(), one_or_many(self.resources.iter().map(Expr::to_json)));
        }
        if !self.conditions.is_empty() {
            let conds: Map<String, Value> = self
                .conditions
                .iter()
                .map(|(op, kv)| {
                    let kv: Map<String, Value> = kv.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                    (op.clone(), Value::Object(kv))
                })
                .collect();
            st.insert("Condition".into(), Value::Object(conds));
        }
        Value::Object(st)
    }
}

/// A single value stays a scalar, as people write policies; several become a list.
fn one_or_many(items: impl Iterator<Item = Value>) -> Value {
    let mut items: Vec<Value> = items.collect();
    if items.len() == 1 {
        items.remove(0)
    } else {
        Value::Array(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trust_policy_renders_in_iam_grammar() {
        let doc = PolicyDocument::trust_services(&["pods.eks.amazonaws.com"], &["sts:AssumeRole", "sts:TagSession"]);
        assert_eq!(
            doc.to_json(),
            json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"]
                }]
            })
        );
    }

    #[test]
    fn statements_carry_resources_and_conditions() {
        let st = Statement::deny(["s3:*"]).sid("NoPlainHttp").resource("*").condition(
            "Bool",
            "aws:SecureTransport",
            "false",
        );
        assert_eq!(
            PolicyDocument::new([st]).to_json()["Statement"][0],
            json!({
                "Sid": "NoPlainHttp",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            })
        );
    }
}
