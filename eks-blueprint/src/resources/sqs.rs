//! Amazon Simple Queue Service resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::iam::PolicyDocument;
use crate::cfn::Expr;

/// `AWS::SQS::Queue` (`Ref` returns the queue URL).
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queue.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Queue {
    /// The KMS key for server-side encryption (SSE-KMS); absent for SSE-SQS.
    pub kms_master_key_id: Option<Expr>,
    /// How long messages are kept, in seconds (60 to 1,209,600).
    pub message_retention_period: Option<u32>,
    /// The queue name (generated when absent; replacing it replaces the queue).
    pub queue_name: Option<Expr>,
    /// Server-side encryption with SQS-owned keys (SSE-SQS).
    pub sqs_managed_sse_enabled: Option<bool>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Queue, "AWS::SQS::Queue");
attributes!(Queue {
    /// The queue ARN.
    attr_arn => "Arn",
    /// The queue name.
    attr_queue_name => "QueueName",
    /// The queue URL.
    attr_queue_url => "QueueUrl",
});

/// `AWS::SQS::QueuePolicy`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sqs-queuepolicy.html>
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueuePolicy {
    /// The resource policy.
    pub policy_document: PolicyDocument,
    /// The URLs of the queues the policy applies to.
    pub queues: Vec<Expr>,
}
resource_type!(QueuePolicy, "AWS::SQS::QueuePolicy");
