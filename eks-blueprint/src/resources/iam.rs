//! AWS Identity and Access Management resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::iam::PolicyDocument;
use crate::cfn::Expr;

/// `AWS::IAM::Role`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Role {
    /// The trust policy.
    pub assume_role_policy_document: PolicyDocument,
    /// What the role is for.
    pub description: Option<String>,
    /// Managed policy ARNs.
    pub managed_policy_arns: Option<Vec<Expr>>,
    /// Inline policies.
    pub policies: Option<Vec<Policy>>,
    /// The role name (generated when absent).
    pub role_name: Option<Expr>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Role, "AWS::IAM::Role");
attributes!(Role {
    /// The role ARN.
    attr_arn => "Arn",
});

/// An inline policy of a role (`Policy`).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Policy {
    /// The policy document.
    pub policy_document: PolicyDocument,
    /// The policy name.
    pub policy_name: String,
}

/// `AWS::IAM::InstanceProfile`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-instanceprofile.html>
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InstanceProfile {
    /// The role (exactly one).
    pub roles: Vec<Expr>,
}
resource_type!(InstanceProfile, "AWS::IAM::InstanceProfile");
attributes!(InstanceProfile {
    /// The instance profile ARN.
    attr_arn => "Arn",
});

/// `AWS::IAM::OIDCProvider`: an OpenID Connect identity provider IAM trusts, such as an
/// EKS cluster's service account token issuer (IRSA).
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-oidcprovider.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OIDCProvider {
    /// The audiences (client ids) tokens must carry.
    pub client_id_list: Option<Vec<String>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// Server certificate thumbprints. Optional: IAM verifies the JWKS endpoint's TLS
    /// certificate against its library of trusted root CAs and uses thumbprints only for
    /// providers whose certificate no such CA signs.
    pub thumbprint_list: Option<Vec<String>>,
    /// The issuer URL (`https://...`).
    pub url: Option<Expr>,
}
resource_type!(OIDCProvider, "AWS::IAM::OIDCProvider");
attributes!(OIDCProvider {
    /// The provider ARN (`arn:<partition>:iam::<account>:oidc-provider/<host>/<path>`).
    attr_arn => "Arn",
});

/// `AWS::IAM::ManagedPolicy` (`Ref` returns the policy ARN).
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ManagedPolicy {
    /// What the policy is for (replacing it replaces the policy).
    pub description: Option<String>,
    /// The policy name (generated when absent).
    pub managed_policy_name: Option<Expr>,
    /// The policy document (at most 6,144 characters without whitespace).
    pub policy_document: PolicyDocument,
    /// The names of the roles the policy is attached to.
    pub roles: Option<Vec<Expr>>,
}
resource_type!(ManagedPolicy, "AWS::IAM::ManagedPolicy");
