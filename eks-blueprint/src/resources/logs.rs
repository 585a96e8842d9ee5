//! Amazon CloudWatch Logs resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::Expr;

/// `AWS::Logs::LogGroup`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-logs-loggroup.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogGroup {
    /// The KMS key ARN that encrypts the log data.
    pub kms_key_id: Option<Expr>,
    /// The name.
    pub log_group_name: Option<Expr>,
    /// Days to keep events (one of the values CloudWatch Logs allows).
    pub retention_in_days: Option<u32>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(LogGroup, "AWS::Logs::LogGroup");
attributes!(LogGroup {
    /// The log group ARN.
    attr_arn => "Arn",
});
