//! Amazon EC2 Auto Scaling resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::resource_type;
use crate::cfn::Expr;

/// `AWS::AutoScaling::AutoScalingGroup`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-autoscaling-autoscalinggroup.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AutoScalingGroup {
    /// The group name (generated when absent).
    pub auto_scaling_group_name: Option<Expr>,
    /// Replace Spot instances at elevated risk of interruption proactively.
    pub capacity_rebalance: Option<bool>,
    /// Instances at creation (a digit string).
    pub desired_capacity: Option<String>,
    /// A single launch template (when there is no mixed instances policy).
    pub launch_template: Option<LaunchTemplateSpecification>,
    /// Most instances (a digit string).
    pub max_size: String,
    /// Fewest instances (a digit string).
    pub min_size: String,
    /// Several instance types and purchase options.
    pub mixed_instances_policy: Option<MixedInstancesPolicy>,
    /// Tags, optionally propagated to instances.
    pub tags: Option<Vec<TagProperty>>,
    /// Subnets.
    #[serde(rename = "VPCZoneIdentifier")]
    pub vpc_zone_identifier: Option<Vec<Expr>>,
}
resource_type!(AutoScalingGroup, "AWS::AutoScaling::AutoScalingGroup");

/// `LaunchTemplateSpecification`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateSpecification {
    /// The launch template id.
    pub launch_template_id: Option<Expr>,
    /// The launch template name.
    pub launch_template_name: Option<Expr>,
    /// The version.
    pub version: Expr,
}

/// `MixedInstancesPolicy`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MixedInstancesPolicy {
    /// On-Demand and Spot split and allocation strategies.
    pub instances_distribution: Option<InstancesDistribution>,
    /// The launch template and its instance type overrides.
    pub launch_template: LaunchTemplate,
}

/// `LaunchTemplate` of a mixed instances policy.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplate {
    /// The launch template.
    pub launch_template_specification: LaunchTemplateSpecification,
    /// Instance types to launch.
    pub overrides: Option<Vec<LaunchTemplateOverrides>>,
}

/// `LaunchTemplateOverrides`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateOverrides {
    /// The instance type.
    pub instance_type: Option<String>,
}

/// `InstancesDistribution`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstancesDistribution {
    /// `lowest-price` or `prioritized`.
    pub on_demand_allocation_strategy: Option<String>,
    /// On-Demand instances before the percentage applies.
    pub on_demand_base_capacity: Option<i64>,
    /// Percentage of On-Demand above the base capacity.
    pub on_demand_percentage_above_base_capacity: Option<i64>,
    /// `price-capacity-optimized`, `capacity-optimized`, ...
    pub spot_allocation_strategy: Option<String>,
}

/// `TagProperty`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagProperty {
    /// The key.
    pub key: String,
    /// Copy the tag to instances the group launches.
    pub propagate_at_launch: bool,
    /// The value.
    pub value: Expr,
}
