//! Amazon GuardDuty resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};

/// `AWS::GuardDuty::Detector`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-guardduty-detector.html>
///
/// One detector exists per account and Region: creating a second one fails.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Detector {
    /// Whether the detector is on.
    pub enable: bool,
    /// Protection plans (`EKS_AUDIT_LOGS`, `RUNTIME_MONITORING`, ...) and their status.
    pub features: Option<Vec<FeatureConfiguration>>,
    /// `FIFTEEN_MINUTES`, `ONE_HOUR` or `SIX_HOURS`.
    pub finding_publishing_frequency: Option<String>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Detector, "AWS::GuardDuty::Detector");
attributes!(Detector {
    /// The detector id.
    attr_id => "Id",
});

/// `CFNFeatureConfiguration`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeatureConfiguration {
    /// Settings within the feature, e.g. `EKS_ADDON_MANAGEMENT`.
    pub additional_configuration: Option<Vec<FeatureAdditionalConfiguration>>,
    /// The feature, e.g. `EKS_AUDIT_LOGS` or `RUNTIME_MONITORING`.
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
}

/// `CFNFeatureAdditionalConfiguration`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FeatureAdditionalConfiguration {
    /// e.g. `EKS_ADDON_MANAGEMENT`.
    pub name: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
}
