//! Intrinsic functions and pseudo parameters as one typed expression type.
//!
//! An [`Expr`] is any value a CloudFormation property can take: a literal or an intrinsic
//! function. References to resources carry the stack that owns the resource, so synthesis
//! can turn a reference that crosses stacks into an export and an import in one pass
//! (see [`crate::synth`]).

use indexmap::IndexMap;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

/// The separator between a stack name and a logical id in a qualified reference.
///
/// Logical ids are alphanumeric and pseudo parameters are `AWS::...`, so a `#` never
/// occurs in a real reference; synthesis rewrites every qualified reference before a
/// template is rendered.
pub(crate) const QUALIFIER: char = '#';

/// A pseudo parameter: a value CloudFormation provides in every stack.
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html>
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::NoValue`: removes the property it is assigned to.
    NoValue,
    /// `AWS::Partition` (`aws`, `aws-cn`, `aws-us-gov`, ...).
    Partition,
    /// `AWS::Region`
    Region,
    /// `AWS::StackId`
    StackId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::URLSuffix` (`amazonaws.com`, `amazonaws.com.cn`, ...).
    UrlSuffix,
}

impl Pseudo {
    /// The name as written in a template, e.g. `AWS::Region`.
    pub fn as_str(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
        }
    }
}

/// The target of a `Ref` or `Fn::GetAtt`: a logical id, and the stack that owns it when
/// it is a resource created through [`crate::cfn::Stack::add`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Target {
    /// The stack that owns the resource; `None` for a parameter or a resource of the
    /// stack the expression is used in.
    pub stack: Option<String>,
    /// The logical id.
    pub logical_id: String,
}

impl Target {
    /// A target in the stack the expression is used in (a parameter, a condition, or a
    /// resource of the same stack).
    pub fn local(logical_id: impl Into<String>) -> Self {
        Target { stack: None, logical_id: logical_id.into() }
    }

    fn encoded(&self) -> String {
        match &self.stack {
            Some(stack) => format!("{stack}{QUALIFIER}{}", self.logical_id),
            None => self.logical_id.clone(),
        }
    }
}

/// A CloudFormation value: a literal or an intrinsic function.
///
/// Build them with the constructor functions ([`Expr::sub`], [`Expr::join`], ...) or from
/// literals (`Expr::from("text")`, `Expr::from(3)`, `Expr::from(true)`).
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal string.
    Str(String),
    /// A literal integer.
    Int(i64),
    /// A literal boolean.
    Bool(bool),
    /// A literal list.
    List(Vec<Expr>),
    /// `Ref` to a resource or parameter.
    Ref(Target),
    /// `Ref` to a pseudo parameter.
    Pseudo(Pseudo),
    /// `Fn::GetAtt` of a resource attribute.
    GetAtt(Target, String),
    /// `Fn::Sub` with a template string and, when not empty, a variable map.
    Sub(String, IndexMap<String, Expr>),
    /// `Fn::Join` with a delimiter.
    Join(String, Vec<Expr>),
    /// `Fn::Select` of an index from a list.
    Select(u32, Box<Expr>),
    /// `Fn::Split` of a string by a delimiter.
    Split(String, Box<Expr>),
    /// `Fn::GetAZs` of a region (`""` for the stack's region).
    GetAzs(Box<Expr>),
    /// `Fn::ImportValue` of an export name.
    ImportValue(Box<Expr>),
    /// `Fn::If` on a condition name.
    If(String, Box<Expr>, Box<Expr>),
    /// `Fn::Equals` of two values (used in conditions).
    Equals(Box<Expr>, Box<Expr>),
    /// `Fn::Cidr`: `count` CIDR blocks with `bits` host bits each, carved from a block.
    Cidr(Box<Expr>, u32, u32),
    /// `Fn::Base64` of a string.
    Base64(Box<Expr>),
    /// Any JSON value, for policy documents and other free-form properties.
    Json(serde_json::Value),
}

impl Expr {
    /// `Fn::Sub` with only a template string.
    pub fn sub(template: impl Into<String>) -> Self {
        Expr::Sub(template.into(), IndexMap::new())
    }

    /// `Fn::Sub` with a template string and variables.
    pub fn sub_with<K: Into<String>>(template: impl Into<String>, vars: impl IntoIterator<Item = (K, Expr)>) -> Self {
        Expr::Sub(template.into(), vars.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// `Fn::Join`.
    pub fn join(delimiter: impl Into<String>, parts: impl IntoIterator<Item = Expr>) -> Self {
        Expr::Join(delimiter.into(), parts.into_iter().collect())
    }

    /// `Fn::Select`.
    pub fn select(index: u32, list: Expr) -> Self {
        Expr::Select(index, Box::new(list))
    }

    /// `Fn::Split`.
    pub fn split(delimiter: impl Into<String>, source: Expr) -> Self {
        Expr::Split(delimiter.into(), Box::new(source))
    }

    /// `Fn::GetAZs ""`: the Availability Zones of the stack's region.
    pub fn azs() -> Self {
        Expr::GetAzs(Box::new(Expr::from("")))
    }

    /// `Fn::ImportValue` of a literal export name.
    pub fn import_value(name: impl Into<String>) -> Self {
        Expr::ImportValue(Box::new(Expr::Str(name.into())))
    }

    /// `Fn::If`.
    pub fn if_(condition: impl Into<String>, then: Expr, otherwise: Expr) -> Self {
        Expr::If(condition.into(), Box::new(then), Box::new(otherwise))
    }

    /// `Fn::Equals`.
    pub fn equals(a: Expr, b: Expr) -> Self {
        Expr::Equals(Box::new(a), Box::new(b))
    }

    /// `Fn::Cidr`.
    pub fn cidr(block: Expr, count: u32, host_bits: u32) -> Self {
        Expr::Cidr(Box::new(block), count, host_bits)
    }

    /// `Fn::Base64`.
    pub fn base64(value: Expr) -> Self {
        Expr::Base64(Box::new(value))
    }

    /// `Ref` to a parameter or resource of the stack the expression is used in.
    pub fn local_ref(logical_id: impl Into<String>) -> Self {
        Expr::Ref(Target::local(logical_id))
    }

    /// An ARN in the stack's partition: `arn:${AWS::Partition}:<rest>`.
    ///
    /// `rest` is an `Fn::Sub` template, so it may use `${AWS::Region}` and
    /// `${AWS::AccountId}`.
    pub fn arn(rest: &str) -> Self {
        Expr::sub(format!("arn:${{AWS::Partition}}:{rest}"))
    }

    /// The ARN of an AWS managed IAM policy, e.g. `AmazonEKSClusterPolicy`.
    pub fn aws_managed_policy(name: &str) -> Self {
        Expr::arn(&format!("iam::aws:policy/{name}"))
    }

    /// A list of literal strings.
    pub fn str_list<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Self {
        Expr::List(items.into_iter().map(|s| Expr::Str(s.into())).collect())
    }
}

/// A missing value: renders as `null`, which [`crate::cfn::Stack::add`] refuses. It lets
/// typed resources derive `Default` without hiding a forgotten required property.
impl Default for Expr {
    fn default() -> Self {
        Expr::Json(serde_json::Value::Null)
    }
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::Str(s.to_owned())
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::Str(s)
    }
}

impl From<&String> for Expr {
    fn from(s: &String) -> Self {
        Expr::Str(s.clone())
    }
}

impl From<i64> for Expr {
    fn from(n: i64) -> Self {
        Expr::Int(n)
    }
}

impl From<u32> for Expr {
    fn from(n: u32) -> Self {
        Expr::Int(i64::from(n))
    }
}

impl From<bool> for Expr {
    fn from(b: bool) -> Self {
        Expr::Bool(b)
    }
}

impl From<Pseudo> for Expr {
    fn from(p: Pseudo) -> Self {
        Expr::Pseudo(p)
    }
}

impl From<Vec<Expr>> for Expr {
    fn from(items: Vec<Expr>) -> Self {
        Expr::List(items)
    }
}

impl Expr {
    /// The JSON form of the expression, as it appears in a template.
    pub fn to_json(&self) -> Value {
        fn one(key: &str, value: Value) -> Value {
            let mut map = serde_json::Map::with_capacity(1);
            map.insert(key.to_owned(), value);
            Value::Object(map)
        }
        match self {
            Expr::Str(v) => Value::from(v.as_str()),
            Expr::Int(v) => Value::from(*v),
            Expr::Bool(v) => Value::from(*v),
            Expr::List(items) => Value::Array(items.iter().map(Expr::to_json).collect()),
            Expr::Ref(target) => one("Ref", Value::from(target.encoded())),
            Expr::Pseudo(p) => one("Ref", Value::from(p.as_str())),
            Expr::GetAtt(target, attr) => one("Fn::GetAtt", json!([target.encoded(), attr])),
            Expr::Sub(template, vars) if vars.is_empty() => one("Fn::Sub", json!(template)),
            Expr::Sub(template, vars) => {
                let vars: serde_json::Map<String, Value> = vars.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
                one("Fn::Sub", json!([template, vars]))
            }
            Expr::Join(delim, parts) => {
                let parts: Vec<Value> = parts.iter().map(Expr::to_json).collect();
                one("Fn::Join", json!([delim, parts]))
            }
            Expr::Select(index, list) => one("Fn::Select", json!([index, list.to_json()])),
            Expr::Split(delim, source) => one("Fn::Split", json!([delim, source.to_json()])),
            Expr::GetAzs(region) => one("Fn::GetAZs", region.to_json()),
            Expr::ImportValue(name) => one("Fn::ImportValue", name.to_json()),
            Expr::If(cond, a, b) => one("Fn::If", json!([cond, a.to_json(), b.to_json()])),
            Expr::Equals(a, b) => one("Fn::Equals", json!([a.to_json(), b.to_json()])),
            Expr::Cidr(block, count, bits) => one("Fn::Cidr", json!([block.to_json(), count, bits])),
            Expr::Base64(v) => one("Fn::Base64", v.to_json()),
            Expr::Json(v) => v.clone(),
        }
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(e: &Expr) -> serde_json::Value {
        e.to_json()
    }

    #[test]
    fn renders_every_intrinsic_in_the_documented_shape() {
        assert_eq!(js(&Expr::local_ref("Vpc")), json!({"Ref": "Vpc"}));
        assert_eq!(js(&Expr::Pseudo(Pseudo::UrlSuffix)), json!({"Ref": "AWS::URLSuffix"}));
        assert_eq!(
            js(&Expr::GetAtt(Target::local("Cluster"), "Arn".into())),
            json!({"Fn::GetAtt": ["Cluster", "Arn"]})
        );
        assert_eq!(js(&Expr::sub("a-${AWS::Region}")), json!({"Fn::Sub": "a-${AWS::Region}"}));
        assert_eq!(
            js(&Expr::sub_with("${X}", [("X", Expr::local_ref("Y"))])),
            json!({"Fn::Sub": ["${X}", {"X": {"Ref": "Y"}}]})
        );
        assert_eq!(js(&Expr::join(",", [Expr::from("a"), Expr::from("b")])), json!({"Fn::Join": [",", ["a", "b"]]}));
        assert_eq!(js(&Expr::select(1, Expr::azs())), json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
        assert_eq!(js(&Expr::split("/", Expr::from("a/b"))), json!({"Fn::Split": ["/", "a/b"]}));
        assert_eq!(js(&Expr::import_value("x:y")), json!({"Fn::ImportValue": "x:y"}));
        assert_eq!(
            js(&Expr::if_("C", Expr::Int(1), Expr::Pseudo(Pseudo::NoValue))),
            json!({"Fn::If": ["C", 1, {"Ref": "AWS::NoValue"}]})
        );
        assert_eq!(js(&Expr::equals(Expr::from("a"), Expr::from("b"))), json!({"Fn::Equals": ["a", "b"]}));
        assert_eq!(js(&Expr::cidr(Expr::from("10.0.0.0/16"), 6, 8)), json!({"Fn::Cidr": ["10.0.0.0/16", 6, 8]}));
        assert_eq!(js(&Expr::base64(Expr::from("x"))), json!({"Fn::Base64": "x"}));
    }

    #[test]
    fn arns_use_the_partition_pseudo_parameter() {
        assert_eq!(
            js(&Expr::aws_managed_policy("AmazonEKSClusterPolicy")),
            json!({"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEKSClusterPolicy"})
        );
    }

    #[test]
    fn qualified_targets_encode_their_stack() {
        let t = Target { stack: Some("demo-network".into()), logical_id: "Vpc".into() };
        assert_eq!(js(&Expr::Ref(t)), json!({"Ref": "demo-network#Vpc"}));
    }
}
