//! Amazon Elastic Container Registry resources.

use serde::Serialize;

use super::resource_type;

/// `AWS::ECR::RegistryScanningConfiguration`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecr-registryscanningconfiguration.html>
///
/// The scanning configuration of the account's private registry in the Region: one per
/// account and Region.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegistryScanningConfiguration {
    /// At most 2 rules.
    pub rules: Vec<ScanningRule>,
    /// `BASIC` or `ENHANCED` (Amazon Inspector).
    pub scan_type: String,
}
resource_type!(RegistryScanningConfiguration, "AWS::ECR::RegistryScanningConfiguration");

/// `ScanningRule`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ScanningRule {
    /// Which repositories the rule applies to.
    pub repository_filters: Vec<RepositoryFilter>,
    /// `SCAN_ON_PUSH` or `CONTINUOUS_SCAN` (the latter only with `ENHANCED`).
    pub scan_frequency: String,
}

/// `RepositoryFilter`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RepositoryFilter {
    /// A repository name pattern; `*` matches every repository.
    pub filter: String,
    /// `WILDCARD`.
    pub filter_type: String,
}
