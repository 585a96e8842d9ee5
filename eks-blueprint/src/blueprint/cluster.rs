//! The resolved control plane: every default applied, access entries with their logical-id
//! stems.

use crate::spec::cluster::{AuthenticationMode, IpFamily, LogType, UpgradePolicy};

/// The control plane of a blueprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cluster {
    /// Endpoint access.
    pub(crate) endpoint: EndpointAccess,
    /// Control-plane log types.
    pub(crate) logging: Vec<LogType>,
    /// Days to keep control-plane logs.
    pub(crate) log_retention_days: u32,
    /// Authentication mode, creator admin and access entries.
    pub(crate) access: Access,
    /// What happens at the end of standard support.
    pub(crate) upgrade_policy: UpgradePolicy,
    /// EKS deletion protection, as set or as the removal policy implies.
    pub(crate) deletion_protection: bool,
    /// ARC zonal shift.
    pub(crate) zonal_shift: bool,
    /// A dedicated KMS key for the control-plane log group.
    pub(crate) log_encryption: bool,
    /// An existing KMS key for secrets; `None` for a new key in the cluster stack.
    pub(crate) secrets_key_arn: Option<String>,
    /// The IP family of pods and services.
    pub(crate) ip_family: IpFamily,
    /// The service CIDR as set; `None` leaves it to EKS (and out of the template: it is
    /// fixed at creation).
    pub(crate) service_ipv4_cidr: Option<String>,
    /// Additional control-plane security groups.
    pub(crate) security_group_ids: Vec<String>,
    /// GuardDuty, when asked for.
    pub(crate) guard_duty: Option<GuardDuty>,
    /// ECR enhanced scanning of the account.
    pub(crate) ecr_enhanced_scanning: bool,
}

/// Endpoint access of the Kubernetes API server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EndpointAccess {
    /// From inside the VPC.
    pub(crate) private: bool,
    /// From the internet, limited to `public_access_cidrs`.
    pub(crate) public: bool,
    /// The allow-list of the public endpoint.
    pub(crate) public_access_cidrs: Vec<String>,
}

/// Cluster access.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Access {
    /// `API` or `API_AND_CONFIG_MAP`.
    pub(crate) authentication_mode: AuthenticationMode,
    /// Cluster admin for the identity that deploys the cluster stack.
    pub(crate) bootstrap_cluster_creator_admin_permissions: bool,
    /// Access entries.
    pub(crate) entries: Vec<AccessEntry>,
}

/// An IAM principal's access to the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AccessEntry {
    /// The stem of the entry's logical id (`RoleAdmin` for `AccessEntryRoleAdmin`), unique
    /// among the entries.
    pub(crate) id: String,
    /// The IAM role or user ARN.
    pub(crate) principal_arn: String,
    /// EKS access policies, by name, and their namespaces (`None`: the whole cluster).
    pub(crate) policies: Vec<(String, Option<Vec<String>>)>,
    /// Kubernetes groups.
    pub(crate) kubernetes_groups: Vec<String>,
    /// The Kubernetes username; `None` lets EKS generate it.
    pub(crate) username: Option<String>,
}

/// GuardDuty protection plans for EKS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct GuardDuty {
    /// EKS audit log monitoring.
    pub(crate) eks_audit_logs: bool,
    /// Runtime Monitoring with automated agent management.
    pub(crate) runtime_monitoring: bool,
    /// The account already has a detector: none is created.
    pub(crate) existing_detector: bool,
}
