//! The EKS access policies, and which are reserved for AWS service-linked roles.

/// The EKS access policies: `(name, reserved for AWS service-linked roles)`. The second
/// are the policies the user guide marks "designated for AWS service-linked roles only and
/// cannot be used with customer-managed roles": an access entry of this blueprint (an IAM
/// role or user of yours) cannot have them.
///
/// From the EKS user guide, "Review access policy permissions"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>;
/// awsdocs/amazon-eks-user-guide `latest/ug/manage-access/k8s-access/access-policy-reference.adoc`
/// at 145543a96a20b66b1e946cd818943e5aa7713f6c, change log through 2025-11-06, and the
/// `aws eks list-access-policies` output it shows). Newer policies: [`crate::spec::cluster::AccessPolicy::Unlisted`].
pub const ACCESS_POLICIES: &[(&str, bool)] = &[
    ("AmazonAIOpsAssistantPolicy", false),
    ("AmazonARCRegionSwitchScalingPolicy", false),
    ("AmazonEKSAdminPolicy", false),
    ("AmazonEKSAdminViewPolicy", false),
    ("AmazonEKSAutoNodePolicy", false),
    ("AmazonEKSBlockStorageClusterPolicy", true),
    ("AmazonEKSBlockStoragePolicy", true),
    ("AmazonEKSClusterAdminPolicy", false),
    ("AmazonEKSClusterInsightsPolicy", true),
    ("AmazonEKSComputeClusterPolicy", true),
    ("AmazonEKSComputePolicy", true),
    ("AmazonEKSEditPolicy", false),
    ("AmazonEKSHybridPolicy", true),
    ("AmazonEKSLoadBalancingClusterPolicy", false),
    ("AmazonEKSLoadBalancingPolicy", false),
    ("AmazonEKSNetworkingClusterPolicy", false),
    ("AmazonEKSNetworkingPolicy", false),
    ("AmazonEKSSecretReaderPolicy", false),
    ("AmazonEKSViewPolicy", false),
];
