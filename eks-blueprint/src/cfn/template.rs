//! The CloudFormation template: every section, in the documented order.
//!
//! <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html>

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::Expr;

/// The only template format version CloudFormation defines.
pub const TEMPLATE_FORMAT_VERSION: &str = "2010-09-09";

/// A CloudFormation template.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Template {
    /// `AWSTemplateFormatVersion`, always `2010-09-09`.
    #[serde(rename = "AWSTemplateFormatVersion")]
    pub format_version: &'static str,
    /// What the template creates (at most 1,024 bytes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Template metadata.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub metadata: IndexMap<String, Value>,
    /// Input parameters.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub parameters: IndexMap<String, Parameter>,
    /// Named conditions (`Fn::Equals`, ...).
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub conditions: IndexMap<String, Expr>,
    /// The resources, by logical id.
    pub resources: IndexMap<String, Resource>,
    /// The outputs, by logical id.
    #[serde(skip_serializing_if = "IndexMap::is_empty")]
    pub outputs: IndexMap<String, Output>,
}

impl Template {
    /// An empty template.
    pub fn new() -> Self {
        Template { format_version: TEMPLATE_FORMAT_VERSION, ..Template::default() }
    }
}

/// A resource's `DeletionPolicy`: what CloudFormation does with it when it leaves the stack
/// (the stack is deleted, or an update removes it from the template)
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html>).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum DeletionPolicy {
    /// Delete the resource (CloudFormation's default).
    Delete,
    /// Keep the resource, outside the stack.
    Retain,
    /// Keep the resource like `Retain`, except when the stack operation that created it is
    /// rolled back: then it is deleted, so a retry of a failed first create does not meet it
    /// (and its fixed name) again. Valid for every resource type that takes a
    /// `DeletionPolicy`; not a valid `UpdateReplacePolicy` (see [`UpdateReplacePolicy`]).
    RetainExceptOnCreate,
    /// Keep a snapshot (only for resources that support snapshots).
    Snapshot,
}

/// A resource's `UpdateReplacePolicy`: what CloudFormation does with the old resource when an
/// update replaces it. It takes `Delete`, `Retain` and `Snapshot`, not `RetainExceptOnCreate`
/// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-updatereplacepolicy.html>;
/// cfn-lint rule E3036 enforces the same set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UpdateReplacePolicy {
    /// Delete the old resource (CloudFormation's default).
    Delete,
    /// Keep the old resource, outside the stack.
    Retain,
    /// Keep a snapshot of the old resource (only for resources that support snapshots).
    Snapshot,
}

/// A resource entry of a template.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Resource {
    /// The resource type, e.g. `AWS::EKS::Cluster`.
    #[serde(rename = "Type")]
    pub resource_type: String,
    /// A condition name: the resource exists only when it is true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// Logical ids of resources of the same stack this one must wait for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// What happens when the resource leaves the stack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// What happens to the old resource when an update replaces it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_replace_policy: Option<UpdateReplacePolicy>,
    /// Resource metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Value>,
    /// The properties, as rendered from a typed resource struct.
    #[serde(skip_serializing_if = "is_empty_object")]
    pub properties: Value,
}

fn is_empty_object(v: &Value) -> bool {
    v.as_object().is_some_and(serde_json::Map::is_empty) || v.is_null()
}

/// A template output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Output {
    /// What the value is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The value.
    pub value: Expr,
    /// The export, for other stacks to import.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub export: Option<Export>,
    /// A condition name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
}

impl Output {
    /// An output with a value and a description.
    pub fn new(value: Expr, description: impl Into<String>) -> Self {
        Output { description: Some(description.into()), value, export: None, condition: None }
    }
}

/// The export of an output.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Export {
    /// The export name, unique in the account and region.
    pub name: Expr,
}

/// A template parameter.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    /// The parameter type, e.g. `String` or `AWS::SSM::Parameter::Value<String>`.
    #[serde(rename = "Type")]
    pub parameter_type: String,
    /// What the parameter is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The default value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
    /// The allowed values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub allowed_values: Vec<Value>,
}

impl Parameter {
    /// A parameter of a type with a default.
    pub fn new(parameter_type: impl Into<String>, default: Option<Value>) -> Self {
        Parameter { parameter_type: parameter_type.into(), description: None, default, allowed_values: Vec::new() }
    }
}
