//! AWS Key Management Service resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::iam::PolicyDocument;
use crate::cfn::Expr;

/// `AWS::KMS::Key`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-key.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Key {
    /// What the key is for.
    pub description: Option<String>,
    /// Automatic yearly rotation of the key material.
    pub enable_key_rotation: Option<bool>,
    /// The key policy.
    pub key_policy: Option<PolicyDocument>,
    /// Days before a scheduled deletion completes (7 to 30).
    pub pending_window_in_days: Option<u32>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Key, "AWS::KMS::Key");
attributes!(Key {
    /// The key ARN.
    attr_arn => "Arn",
    /// The key id.
    attr_key_id => "KeyId",
});

/// `AWS::KMS::Alias`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-kms-alias.html>
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alias {
    /// `alias/...`.
    pub alias_name: Expr,
    /// The key id or ARN.
    pub target_key_id: Expr,
}
resource_type!(Alias, "AWS::KMS::Alias");
