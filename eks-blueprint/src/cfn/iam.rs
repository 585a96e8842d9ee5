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
    /// When set, the document renders as one `Fn::Sub` JSON string with these variables
    /// (see [`PolicyDocument::substituted`]).
    sub_variables: Option<IndexMap<String, Expr>>,
}

impl PolicyDocument {
    /// A document with the given statements.
    pub fn new(statements: impl IntoIterator<Item = Statement>) -> Self {
        PolicyDocument { statements: statements.into_iter().collect(), sub_variables: None }
    }

    /// The same document, rendered as one `Fn::Sub` string holding its JSON text.
    ///
    /// Policy grammar puts some values in JSON *keys* (condition keys such as
    /// `oidc.eks.<region>.amazonaws.com/id/<id>:sub`), and a key cannot be an intrinsic
    /// function. A document that needs a deploy-time value in a key is rendered as a JSON
    /// string through `Fn::Sub` instead; `AWS::IAM::Role` `AssumeRolePolicyDocument` and
    /// inline `PolicyDocument` accept a string as well as an object.
    ///
    /// In this form every string of the document (keys and literal values) is `Fn::Sub`
    /// template text: `${Name}` names one of `variables` or a pseudo parameter, and `${!X}`
    /// is a literal `${X}`. Values that are intrinsic functions (`Ref`, `Fn::GetAtt`,
    /// `Fn::ImportValue`, ...) become further variables, named after what they reference,
    /// so cross-stack references inside the document still resolve.
    pub fn substituted<K: Into<String>>(mut self, variables: impl IntoIterator<Item = (K, Expr)>) -> Self {
        self.sub_variables = Some(variables.into_iter().map(|(k, v)| (k.into(), v)).collect());
        self
    }

    /// The document as an `Fn::Sub` expression whose template is the document's JSON text,
    /// with `variables` (see [`PolicyDocument::substituted`]).
    pub fn to_sub(&self, variables: &IndexMap<String, Expr>) -> Expr {
        let mut vars = variables.clone();
        let mut generated = 0usize;
        let doc = self.render(&mut |e| sub_text(e, &mut vars, &mut generated));
        Expr::Sub(doc.to_string(), vars)
    }

    /// A trust policy that lets the given AWS services assume a role with the given actions.
    pub fn trust_services(services: &[&str], actions: &[&str]) -> Self {
        PolicyDocument::new([Statement::allow(actions.iter().copied())
            .principal(Principal::Service(services.iter().map(|s| (*s).to_owned()).collect()))])
    }

    /// The JSON form of the document (an `Fn::Sub` for a [`PolicyDocument::substituted`] one).
    pub fn to_json(&self) -> Value {
        match &self.sub_variables {
            Some(vars) => self.to_sub(vars).to_json(),
            None => self.render(&mut Expr::to_json),
        }
    }

    fn render(&self, value: &mut dyn FnMut(&Expr) -> Value) -> Value {
        let mut doc = Map::new();
        doc.insert("Version".into(), Value::from(POLICY_VERSION));
        doc.insert("Statement".into(), Value::Array(self.statements.iter().map(|st| st.render(value)).collect()));
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
    /// `{"Service": [...]}` with expressions, for Regional service principals such as
    /// `logs.${AWS::Region}.amazonaws.com`.
    ServiceExpr(Vec<Expr>),
    /// `{"AWS": [...]}`: account roots, roles or users (ARNs as expressions).
    Aws(Vec<Expr>),
    /// `{"Federated": ...}`: an OIDC or SAML provider ARN.
    Federated(Expr),
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

    fn render(&self, value: &mut dyn FnMut(&Expr) -> Value) -> Value {
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
                Principal::ServiceExpr(s) => ("Service", one_or_many(s.iter().map(&mut *value))),
                Principal::Aws(a) => ("AWS", one_or_many(a.iter().map(&mut *value))),
                Principal::Federated(f) => ("Federated", value(f)),
            };
            let mut p = Map::new();
            p.insert(key.into(), value);
            st.insert("Principal".into(), Value::Object(p));
        }
        st.insert("Action".into(), one_or_many(self.actions.iter().map(|a| Value::from(a.as_str()))));
        if !self.resources.is_empty() {
            st.insert("Resource".into(), one_or_many(self.resources.iter().map(&mut *value)));
        }
        if !self.conditions.is_empty() {
            let conds: Map<String, Value> = self
                .conditions
                .iter()
                .map(|(op, kv)| {
                    let kv: Map<String, Value> = kv.iter().map(|(k, v)| (k.clone(), value(v))).collect();
                    (op.clone(), Value::Object(kv))
                })
                .collect();
            st.insert("Condition".into(), Value::Object(conds));
        }
        Value::Object(st)
    }
}

/// The text an expression contributes to an `Fn::Sub` template: literals and `Fn::Sub`
/// templates as they are, pseudo parameters as `${AWS::...}`, any other intrinsic as a
/// variable added to `vars`.
fn sub_text(expr: &Expr, vars: &mut IndexMap<String, Expr>, generated: &mut usize) -> Value {
    match expr {
        Expr::Str(s) => Value::from(s.as_str()),
        Expr::Int(n) => Value::from(*n),
        Expr::Bool(b) => Value::from(*b),
        Expr::Json(v) => v.clone(),
        Expr::List(items) => Value::Array(items.iter().map(|e| sub_text(e, vars, generated)).collect()),
        Expr::Pseudo(p) => Value::from(format!("${{{}}}", p.as_str())),
        Expr::Sub(template, inner) => {
            let mut template = template.clone();
            for (name, value) in inner {
                match vars.get(name) {
                    None => {
                        vars.insert(name.clone(), value.clone());
                    }
                    Some(existing) if existing == value => {}
                    Some(_) => {
                        let renamed = variable_name(name, value, vars, generated);
                        template = template.replace(&format!("${{{name}}}"), &format!("${{{renamed}}}"));
                    }
                }
            }
            Value::from(template)
        }
        other => {
            let base = match other {
                Expr::Ref(t) => t.logical_id.clone(),
                Expr::GetAtt(t, attr) => {
                    format!("{}{}", t.logical_id, attr.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
                }
                _ => "Value".to_owned(),
            };
            let name = variable_name(&base, other, vars, generated);
            Value::from(format!("${{{name}}}"))
        }
    }
}

/// A variable for `value` named `base` (or `base<n>` when `base` holds something else),
/// reusing an existing variable with the same value.
fn variable_name(base: &str, value: &Expr, vars: &mut IndexMap<String, Expr>, generated: &mut usize) -> String {
    if let Some((name, _)) = vars.iter().find(|(_, v)| *v == value) {
        return name.clone();
    }
    let mut name = base.to_owned();
    while vars.contains_key(&name) {
        *generated += 1;
        name = format!("{base}{generated}");
    }
    vars.insert(name.clone(), value.clone());
    name
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

    #[test]
    fn a_substituted_document_is_one_sub_string_with_generated_variables() {
        use crate::cfn::{Pseudo, Target};
        let provider = Expr::GetAtt(Target { stack: Some("s".into()), logical_id: "Provider".into() }, "Arn".into());
        let doc = PolicyDocument::new([Statement::allow(["sts:AssumeRoleWithWebIdentity"])
            .principal(Principal::Federated(provider.clone()))
            .resource(Expr::arn("s3:::${Bucket}/*"))
            .resource(Expr::sub_with("${Bucket}-logs", [("Bucket", Expr::local_ref("Other"))]))
            .condition("StringEquals", "${Host}:aud", "sts.amazonaws.com")
            .condition("StringEquals", "aws:RequestedRegion", Expr::Pseudo(Pseudo::Region))])
        .substituted([("Host", Expr::from("example.com")), ("Bucket", Expr::local_ref("Logs"))]);
        assert_eq!(
            doc.to_json(),
            json!({"Fn::Sub": [
                concat!(
                    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"${ProviderArn}"},"#,
                    r#""Action":"sts:AssumeRoleWithWebIdentity","Resource":["arn:${AWS::Partition}:s3:::${Bucket}/*","${Bucket1}-logs"],"#,
                    r#""Condition":{"StringEquals":{"${Host}:aud":"sts.amazonaws.com","aws:RequestedRegion":"${AWS::Region}"}}}]}"#
                ),
                {
                    "Host": "example.com",
                    "Bucket": {"Ref": "Logs"},
                    "ProviderArn": {"Fn::GetAtt": ["s#Provider", "Arn"]},
                    // An inlined Fn::Sub whose variable clashes with another is renamed.
                    "Bucket1": {"Ref": "Other"}
                }
            ]})
        );
        // Serialization (what a resource property renders) is the same Fn::Sub.
        assert_eq!(serde_json::to_value(&doc).unwrap(), doc.to_json());
    }

    #[test]
    fn a_plain_document_is_unchanged_by_the_sub_form() {
        let doc = PolicyDocument::trust_services(&["pods.eks.amazonaws.com"], &["sts:AssumeRole"]);
        let plain = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": "sts:AssumeRole"
            }]
        });
        // Not substituted: the document renders as a JSON object, no Fn::Sub.
        assert_eq!(doc.to_json(), plain);
        // The Sub form of a document with no expressions is the same document as text, with
        // no variables: nothing in it is rewritten.
        let Expr::Sub(text, vars) = doc.to_sub(&IndexMap::new()) else { panic!("to_sub gave no Fn::Sub") };
        assert!(vars.is_empty(), "{vars:?}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), plain);
        // Substituted with no variables, it is that Fn::Sub string, and the plain document it
        // came from still renders as an object.
        assert_eq!(doc.clone().substituted(Vec::<(String, Expr)>::new()).to_json(), json!({"Fn::Sub": text}));
        assert_eq!(doc.to_json(), plain);
    }
}
