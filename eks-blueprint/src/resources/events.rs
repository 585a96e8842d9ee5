//! Amazon EventBridge resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::Expr;

/// `AWS::Events::Rule`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-events-rule.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Rule {
    /// What the rule is for.
    pub description: Option<String>,
    /// The event bus (the account's default bus when absent).
    pub event_bus_name: Option<Expr>,
    /// The event pattern the rule matches.
    pub event_pattern: Option<serde_json::Value>,
    /// The rule name (generated when absent).
    pub name: Option<Expr>,
    /// `ENABLED`, `DISABLED`, or `ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS`.
    pub state: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Where matching events go (at most 5).
    pub targets: Option<Vec<Target>>,
}
resource_type!(Rule, "AWS::Events::Rule");
attributes!(Rule {
    /// The rule ARN.
    attr_arn => "Arn",
});

/// `Target` of a rule.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Target {
    /// The target's ARN.
    pub arn: Expr,
    /// An id unique among the rule's targets.
    pub id: String,
}
