//! The tag keys eks-blueprint and Karpenter add to AWS resources, named once: render writes
//! them, compile counts them against the 50-tag limit of a resource.

/// The `Name` tag of every named resource.
pub(crate) const NAME: &str = "Name";

/// Marks the subnets the AWS Load Balancer Controller puts internet-facing load balancers in.
pub(crate) const PUBLIC_ELB_ROLE: &str = "kubernetes.io/role/elb";

/// Marks the subnets the AWS Load Balancer Controller puts internal load balancers in.
pub(crate) const INTERNAL_ELB_ROLE: &str = "kubernetes.io/role/internal-elb";

/// The tag Karpenter's EC2NodeClass selects subnets and security groups by.
pub(crate) const KARPENTER_DISCOVERY: &str = "karpenter.sh/discovery";

/// The tag EKS and Karpenter put on a cluster's instances (`eks:eks-cluster-name`).
pub(crate) const EKS_CLUSTER_NAME: &str = "eks:eks-cluster-name";

/// The tags Karpenter puts on every instance, volume and launch template it creates, naming
/// what created it.
pub(crate) const KARPENTER_OWNED: [&str; 3] =
    ["karpenter.sh/nodeclaim", "karpenter.sh/nodepool", "karpenter.k8s.aws/ec2nodeclass"];

/// Whether an EC2NodeClass may set a tag key in `spec.tags`: its CRD refuses the keys
/// Karpenter sets itself.
pub(crate) fn node_class_may_set(key: &str) -> bool {
    !(key == EKS_CLUSTER_NAME || key.starts_with("kubernetes.io/cluster") || KARPENTER_OWNED.contains(&key))
}

/// `kubernetes.io/cluster/<cluster>`: the resource belongs to (`owned`) or is used by
/// (`shared`) the cluster.
pub(crate) fn cluster(cluster: &str) -> String {
    format!("kubernetes.io/cluster/{cluster}")
}

/// The kinds of subnets eks-blueprint creates and tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SubnetKind {
    /// Public subnets: load balancers and NAT gateways.
    Public,
    /// Private subnets: nodes and internal load balancers.
    Private,
    /// Pod subnets of a `podCidr`.
    Pods,
}

/// The keys eks-blueprint tags a subnet of a kind with, in the order render writes them.
pub(crate) fn subnet(cluster_name: &str, kind: SubnetKind) -> Vec<String> {
    let cluster_tag = cluster(cluster_name);
    match kind {
        SubnetKind::Public => vec![NAME.into(), PUBLIC_ELB_ROLE.into(), cluster_tag],
        SubnetKind::Private => vec![NAME.into(), INTERNAL_ELB_ROLE.into(), cluster_tag, KARPENTER_DISCOVERY.into()],
        SubnetKind::Pods => vec![NAME.into(), cluster_tag],
    }
}
