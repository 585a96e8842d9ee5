//! The control plane: version, endpoint access, logging, secrets encryption, access.

use std::fmt;

use serde::{Deserialize, Deserializer};

use super::network::Network;
use crate::cfn::logical_id::pascal_case;
use crate::compile::address::Ipv4Cidr;
use crate::compile::codes;
use crate::compile::defaults;
use crate::error::ValidationErrors;

/// A Kubernetes minor version EKS supports, with an escape hatch for newer ones.
///
/// The supported versions are those of [`KubernetesVersion::CALENDAR`] still in Amazon EKS
/// standard or extended support on [`VERSIONS_AS_OF`]. Versions that left extended support
/// (EKS no longer creates clusters of them) and malformed ones are refused at validation;
/// [`KubernetesVersion::Other`] accepts only versions newer than the newest one listed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KubernetesVersion {
    /// 1.32 (extended support until 2027-03-23)
    V1_32,
    /// 1.33 (extended support until 2027-07-29)
    V1_33,
    /// 1.34 (standard support until 2026-12-02, extended until 2027-12-02)
    V1_34,
    /// 1.35 (standard support until 2027-03-27, extended until 2028-03-27)
    V1_35,
    /// 1.36
    V1_36,
    /// A version newer than this release lists, e.g. `KubernetesVersion::of("1.37")`.
    Other(String),
}

/// A Kubernetes minor version on Amazon EKS and the end of its support periods
/// (`YYYY-MM-DD`, UTC), as the EKS user guide's release calendar gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSupport {
    /// The minor version, e.g. `1.33`.
    pub version: &'static str,
    /// The end of standard support; `None` when the calendar does not give it yet.
    pub end_of_standard_support: Option<&'static str>,
    /// The end of extended support: from that day EKS no longer creates clusters of this
    /// version. `None` when the calendar does not give it yet.
    pub end_of_extended_support: Option<&'static str>,
}

/// The day the version calendar was last checked: versions whose extended support ended
/// on or before it are refused. Synthesis never reads the clock, so the same blueprint gives
/// the same answer until the calendar is updated.
pub const VERSIONS_AS_OF: &str = "2026-12-02";

impl KubernetesVersion {
    /// The versions this release knows, oldest first.
    pub const KNOWN: [KubernetesVersion; 5] = [
        KubernetesVersion::V1_32,
        KubernetesVersion::V1_33,
        KubernetesVersion::V1_34,
        KubernetesVersion::V1_35,
        KubernetesVersion::V1_36,
    ];

    /// The Amazon EKS Kubernetes release calendar, oldest first: the versions this release
    /// knows and the last ones retired, with the end of their standard and extended support
    /// (<https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>, "Amazon
    /// EKS Kubernetes release calendar"; 1.29 to 1.34 from awsdocs/amazon-eks-user-guide
    /// `latest/ug/versioning/kubernetes-versions.adoc`, 1.35 from the same page as cited by
    /// [`crate::compile::defaults::KUBERNETES_VERSION`] plus 12 months of extended support; 1.36's
    /// dates were not published in the sources available on [`VERSIONS_AS_OF`]).
    pub const CALENDAR: &'static [VersionSupport] = &[
        VersionSupport {
            version: "1.29",
            end_of_standard_support: Some("2025-03-23"),
            end_of_extended_support: Some("2026-03-23"),
        },
        VersionSupport {
            version: "1.30",
            end_of_standard_support: Some("2025-07-23"),
            end_of_extended_support: Some("2026-07-23"),
        },
        VersionSupport {
            version: "1.31",
            end_of_standard_support: Some("2025-11-26"),
            end_of_extended_support: Some("2026-11-26"),
        },
        VersionSupport {
            version: "1.32",
            end_of_standard_support: Some("2026-03-23"),
            end_of_extended_support: Some("2027-03-23"),
        },
        VersionSupport {
            version: "1.33",
            end_of_standard_support: Some("2026-07-29"),
            end_of_extended_support: Some("2027-07-29"),
        },
        VersionSupport {
            version: "1.34",
            end_of_standard_support: Some("2026-12-02"),
            end_of_extended_support: Some("2027-12-02"),
        },
        VersionSupport {
            version: "1.35",
            end_of_standard_support: Some("2027-03-27"),
            end_of_extended_support: Some("2028-03-27"),
        },
        VersionSupport { version: "1.36", end_of_standard_support: None, end_of_extended_support: None },
    ];

    /// A version from its text, e.g. `"1.33"`.
    pub fn of(version: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|v| v.as_str() == version)
            .cloned()
            .unwrap_or_else(|| KubernetesVersion::Other(version.to_owned()))
    }

    /// The version text, e.g. `1.33`.
    pub fn as_str(&self) -> &str {
        match self {
            KubernetesVersion::V1_32 => "1.32",
            KubernetesVersion::V1_33 => "1.33",
            KubernetesVersion::V1_34 => "1.34",
            KubernetesVersion::V1_35 => "1.35",
            KubernetesVersion::V1_36 => "1.36",
            KubernetesVersion::Other(v) => v,
        }
    }

    /// The version's support dates, if the calendar lists it.
    pub fn support(&self) -> Option<&'static VersionSupport> {
        Self::CALENDAR.iter().find(|s| s.version == self.as_str())
    }

    pub(crate) fn validate(&self, errors: &mut ValidationErrors) {
        let path = "kubernetesVersion";
        let text = self.as_str();
        let Some(minor) = minor_of(text) else {
            errors.push(
                path,
                codes::INVALID_VERSION,
                format!(
                    "`{}` is not a Kubernetes minor version like 1.33 (known: {})",
                    crate::text::quote(text),
                    known_versions()
                ),
            );
            return;
        };
        let oldest = Self::KNOWN[0].as_str();
        if let Some(retired) = self.support().filter(|s| s.end_of_extended_support.is_some_and(|d| d <= VERSIONS_AS_OF))
        {
            errors.push(
                path,
                codes::UNSUPPORTED_VERSION,
                format!(
                    "Kubernetes {text} reached the end of Amazon EKS extended support on {}: EKS no longer creates clusters of it; use {oldest} or later (known: {})",
                    retired.end_of_extended_support.unwrap_or_default(),
                    known_versions()
                ),
            );
            return;
        }
        let oldest_minor = minor_of(oldest).unwrap_or(0);
        if minor < oldest_minor {
            errors.push(
                path,
                codes::UNSUPPORTED_VERSION,
                format!(
                    "Kubernetes {text} is older than every version Amazon EKS still supports (the oldest is {oldest}, as of {VERSIONS_AS_OF}); use {oldest} or later (known: {})",
                    known_versions()
                ),
            );
        }
    }
}

/// The minor number of a version written `1.NN` (two digits, no leading zero: the
/// `AWS::EKS::Cluster` schema's pattern for `Version` is `1\.\d\d`).
fn minor_of(version: &str) -> Option<u32> {
    let digits = version.strip_prefix("1.")?;
    if digits.len() != 2 || digits.starts_with('0') || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn known_versions() -> String {
    KubernetesVersion::KNOWN.iter().map(KubernetesVersion::as_str).collect::<Vec<_>>().join(", ")
}

impl Default for KubernetesVersion {
    fn default() -> Self {
        KubernetesVersion::of(defaults::KUBERNETES_VERSION)
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for KubernetesVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Number(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => Ok(KubernetesVersion::of(&s)),
            // `kubernetesVersion: 1.30` in YAML is the number 1.3: refuse rather than guess.
            Raw::Number(n) => {
                Err(serde::de::Error::custom(format!("must be a quoted string like \"1.33\", not the number {n}")))
            }
        }
    }
}

/// A control-plane log type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LogType {
    /// `api`
    Api,
    /// `audit`
    Audit,
    /// `authenticator`
    Authenticator,
    /// `controllerManager`
    ControllerManager,
    /// `scheduler`
    Scheduler,
}

impl LogType {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            LogType::Api => "api",
            LogType::Audit => "audit",
            LogType::Authenticator => "authenticator",
            LogType::ControllerManager => "controllerManager",
            LogType::Scheduler => "scheduler",
        }
    }
}

/// The control plane.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ClusterSpec {
    /// Who can reach the Kubernetes API endpoint. Default: private only.
    pub endpoint: EndpointAccess,
    /// Control-plane log types. Default: all five.
    pub logging: Vec<LogType>,
    /// Days to keep control-plane logs. Default: 90.
    pub log_retention_days: u32,
    /// Authentication mode, creator admin and access entries.
    pub access: Access,
    /// What happens when the Kubernetes version leaves EKS standard support. Default:
    /// `STANDARD`, the cluster is upgraded automatically: `EXTENDED` keeps the version 12
    /// more months at an additional cost per cluster-hour, and is what EKS itself picks
    /// when the policy is left out.
    pub upgrade_policy: UpgradePolicy,
    /// EKS deletion protection: `DeleteCluster` fails while it is on, whoever calls it.
    /// Default: on with `removalPolicy: retain`, off with `removalPolicy: destroy` (which
    /// deletes the cluster with its stack, and would fail on it); `true` with `destroy` is
    /// refused. Turn it off (and deploy) before deleting a retained cluster on purpose.
    pub deletion_protection: Option<bool>,
    /// Register the cluster with Amazon Application Recovery Controller (ARC) zonal shift, so
    /// traffic inside the cluster and through its load balancers can be moved away from an
    /// impaired Availability Zone (by you, or by zonal autoshift, configured in ARC). Enable
    /// it when workloads run replicas in several zones and the remaining zones have the
    /// capacity to take a zone's load. Default: off.
    pub zonal_shift: bool,
    /// Encrypt the control-plane log group with a dedicated KMS key created in the cluster
    /// stack (rotation on, kept or deleted with the stack per `removalPolicy`), usable only
    /// by CloudWatch Logs for this log group. Off leaves the group with CloudWatch Logs' own
    /// encryption (and checkov's CKV_AWS_158 flags it). Default: on.
    pub log_encryption: bool,
    /// The KMS key for envelope encryption of Kubernetes secrets. Default: a new key in the
    /// cluster stack (rotation on, kept or deleted with the stack per `removalPolicy`).
    /// Fixed at cluster creation: changing it later would make CloudFormation replace the
    /// cluster.
    pub secrets_encryption: SecretsEncryption,
    /// The IP family of pods and services. `ipv6` needs IPv6 CIDR blocks on the VPC and its
    /// subnets: `network.ipv6: true`, or an existing VPC whose owner added them (with
    /// `AssignIpv6AddressOnCreation` on the subnets and IPv6 egress). With `ipv6` the VPC CNI's
    /// role gets the IPv6 policy of the EKS user guide instead of `AmazonEKS_CNI_Policy`;
    /// self-managed node groups and Karpenter are refused (not yet supported here). Fixed at
    /// cluster creation. Default: `ipv4`.
    pub ip_family: IpFamily,
    /// The CIDR block Kubernetes service addresses come from (fixed at creation): inside
    /// 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, /12 to /24, not overlapping the VPC.
    /// Default: EKS picks 10.100.0.0/16 or 172.20.0.0/16.
    pub service_ipv4_cidr: Option<String>,
    /// Additional security groups (`sg-...`) for the control-plane network interfaces, on
    /// top of the cluster security group EKS creates. Default: none.
    pub security_group_ids: Vec<String>,
    /// Amazon GuardDuty threat detection: the account's GuardDuty detector in the Region,
    /// with EKS audit log monitoring and EKS Runtime Monitoring, in the account stack
    /// `<name>-account` (its own lifecycle: deleting the cluster does not turn GuardDuty
    /// off). A detector is one per account and Region: where one exists (another blueprint's,
    /// or your AWS Organizations administrator's), set `existingDetector: true` and turn the
    /// features on for that detector by hand. Default: off.
    pub guard_duty: Option<GuardDuty>,
    /// Amazon Inspector enhanced scanning of every ECR repository of the account in the
    /// Region, continuously, in the account stack `<name>-account`. The registry scanning
    /// configuration is account-wide (it replaces the registry's current one, and affects
    /// repositories of other teams: manage it from one blueprint only) and billed by Amazon
    /// Inspector per image scanned. Default: off.
    pub ecr_enhanced_scanning: bool,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            endpoint: EndpointAccess::default(),
            logging: defaults::LOG_TYPES.to_vec(),
            log_retention_days: defaults::LOG_RETENTION_DAYS,
            access: Access::default(),
            upgrade_policy: defaults::UPGRADE_POLICY,
            deletion_protection: None,
            zonal_shift: defaults::ZONAL_SHIFT,
            log_encryption: defaults::LOG_ENCRYPTION,
            secrets_encryption: SecretsEncryption::default(),
            ip_family: IpFamily::default(),
            service_ipv4_cidr: None,
            security_group_ids: Vec::new(),
            guard_duty: None,
            ecr_enhanced_scanning: false,
        }
    }
}

/// What happens at the end of standard support of the cluster's Kubernetes version.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UpgradePolicy {
    /// EKS upgrades the cluster to the next version. Default.
    #[default]
    Standard,
    /// The cluster enters extended support (12 more months, extra cost per cluster-hour).
    Extended,
}

impl UpgradePolicy {
    /// The name CloudFormation uses (`SupportType`).
    pub fn as_str(self) -> &'static str {
        match self {
            UpgradePolicy::Standard => "STANDARD",
            UpgradePolicy::Extended => "EXTENDED",
        }
    }
}

/// What deleting a stack, or an update that removes or replaces them, does to the stateful
/// resources: the EKS cluster, its IAM role, the KMS keys, the control-plane and flow-log
/// log groups, and the GuardDuty detector (`removalPolicy`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum RemovalPolicy {
    /// Keep them: `DeletionPolicy: RetainExceptOnCreate` and `UpdateReplacePolicy: Retain`.
    /// Deleting the stack leaves them in the account (delete them by hand, see
    /// docs/control-plane.md); only the rollback of the create that made them deletes them,
    /// so a failed first deploy can be retried. Cluster deletion protection defaults to on.
    /// Default.
    #[default]
    Retain,
    /// Delete them with their stack (`DeletionPolicy` and `UpdateReplacePolicy` `Delete`), for
    /// sandboxes: deleting the stack deletes the cluster, its role and log groups, and
    /// schedules the KMS keys for deletion (after KMS's waiting period of 30 days, during
    /// which `aws kms cancel-key-deletion` can still undo it). Cluster deletion protection
    /// defaults to off. Reported as finding `EKSB-LIFECYCLE-001`.
    Destroy,
}

impl RemovalPolicy {
    /// The name used in the blueprint file.
    pub fn as_str(self) -> &'static str {
        match self {
            RemovalPolicy::Retain => "retain",
            RemovalPolicy::Destroy => "destroy",
        }
    }
}

/// The IP family of pods and services.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IpFamily {
    /// IPv4. Default.
    #[default]
    Ipv4,
    /// IPv6 (needs a dual-stack VPC).
    Ipv6,
}

impl IpFamily {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            IpFamily::Ipv4 => "ipv4",
            IpFamily::Ipv6 => "ipv6",
        }
    }
}

/// Which KMS key encrypts Kubernetes secrets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct SecretsEncryption {
    /// An existing symmetric KMS key in the cluster's Region, by ARN
    /// (`arn:aws:kms:<region>:<account>:key/<id>`). The identity deploying the stack needs
    /// `kms:DescribeKey` and `kms:CreateGrant` on it. Default: a new key in the cluster stack.
    pub key_arn: Option<String>,
}

/// Amazon GuardDuty protection plans for EKS.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct GuardDuty {
    /// EKS Protection: GuardDuty analyses the cluster's Kubernetes audit logs (from the
    /// control plane, independent of `logging`). Default: on.
    pub eks_audit_logs: bool,
    /// Runtime Monitoring of nodes and containers, with automated agent management:
    /// GuardDuty installs the `aws-guardduty-agent` add-on and a VPC endpoint for it.
    /// Default: on.
    pub runtime_monitoring: bool,
    /// The account already has a detector in the Region: CloudFormation cannot create a
    /// second one, nor take over the existing one in a plain deploy, so the blueprint
    /// creates none; turn `eksAuditLogs` and `runtimeMonitoring` on for that detector by
    /// hand (docs/control-plane.md says how). Default: off (the account stack creates it).
    pub existing_detector: bool,
}

impl Default for GuardDuty {
    fn default() -> Self {
        GuardDuty { eks_audit_logs: true, runtime_monitoring: true, existing_detector: false }
    }
}

/// Endpoint access of the Kubernetes API server.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EndpointAccess {
    /// Access from inside the VPC. Default: on.
    pub private: bool,
    /// Access from the internet, limited to `public_access_cidrs`. Default: off.
    pub public: bool,
    /// CIDRs allowed to reach the public endpoint. Required with `public`; `0.0.0.0/0`
    /// opens it to everyone and must be listed explicitly.
    pub public_access_cidrs: Vec<String>,
}

impl Default for EndpointAccess {
    fn default() -> Self {
        EndpointAccess { private: true, public: false, public_access_cidrs: Vec::new() }
    }
}

/// How IAM principals authenticate to the cluster.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthenticationMode {
    /// Access entries only. Default.
    #[default]
    Api,
    /// Access entries and the `aws-auth` ConfigMap (for migrations).
    ApiAndConfigMap,
}

impl AuthenticationMode {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthenticationMode::Api => "API",
            AuthenticationMode::ApiAndConfigMap => "API_AND_CONFIG_MAP",
        }
    }
}

/// Cluster access.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Access {
    /// Default: `API`.
    pub authentication_mode: AuthenticationMode,
    /// Whether the identity that deploys the cluster stack gets cluster admin. Default: off:
    /// with CloudFormation that identity is often a pipeline role, and explicit access
    /// entries say who is admin.
    pub bootstrap_cluster_creator_admin_permissions: bool,
    /// Access entries.
    pub entries: Vec<AccessEntrySpec>,
}

/// An IAM principal's access to the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessEntrySpec {
    /// The IAM role or user ARN.
    pub principal_arn: String,
    /// EKS access policies. Default: none.
    #[serde(default)]
    pub policies: Vec<AccessPolicyAssociation>,
    /// Kubernetes groups (for RBAC bindings of your own). Default: none.
    #[serde(default)]
    pub kubernetes_groups: Vec<String>,
    /// The Kubernetes username, as seen in audit logs and RBAC subjects. It can't start
    /// with `system:`, `eks:`, `aws:`, `amazon:` or `iam:`. Default: generated by EKS from
    /// the ARN (recommended).
    #[serde(default)]
    pub username: Option<String>,
}

impl AccessEntrySpec {
    /// An entry for a principal, with no policies yet.
    pub fn new(principal_arn: impl Into<String>) -> Self {
        AccessEntrySpec {
            principal_arn: principal_arn.into(),
            policies: Vec::new(),
            kubernetes_groups: Vec::new(),
            username: None,
        }
    }

    /// Sets the Kubernetes username. Default: generated by EKS from the ARN.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Adds an access policy for the whole cluster (appends).
    pub fn policy(mut self, policy: AccessPolicy) -> Self {
        self.policies.push(AccessPolicyAssociation { policy, namespaces: None });
        self
    }

    /// Adds an access policy limited to namespaces (appends). The list must not be empty:
    /// an empty list is refused at validation rather than read as the whole cluster.
    pub fn namespaced_policy<S: Into<String>>(
        mut self,
        policy: AccessPolicy,
        namespaces: impl IntoIterator<Item = S>,
    ) -> Self {
        self.policies.push(AccessPolicyAssociation {
            policy,
            namespaces: Some(namespaces.into_iter().map(Into::into).collect()),
        });
        self
    }

    /// Adds Kubernetes groups (appends).
    pub fn kubernetes_groups<S: Into<String>>(mut self, groups: impl IntoIterator<Item = S>) -> Self {
        self.kubernetes_groups.extend(groups.into_iter().map(Into::into));
        self
    }
}

/// An access policy and its scope.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccessPolicyAssociation {
    /// The policy.
    pub policy: AccessPolicy,
    /// The namespaces it is limited to; `None` (the key left out) for the whole cluster. An
    /// empty list is refused: a list that came out empty must not widen to the cluster.
    #[serde(default)]
    pub namespaces: Option<Vec<String>>,
}

/// An EKS access policy
/// (<https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>).
///
/// In the blueprint file: `ClusterAdmin`, `Admin`, `Edit`, `View`, another name of
/// [`ACCESS_POLICIES`] (`AmazonEKSAdminViewPolicy`), or `{unlisted: <name>}` for a policy
/// newer than that list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub enum AccessPolicy {
    /// `AmazonEKSClusterAdminPolicy`: cluster-admin.
    ClusterAdmin,
    /// `AmazonEKSAdminPolicy`: admin.
    Admin,
    /// `AmazonEKSEditPolicy`: edit.
    Edit,
    /// `AmazonEKSViewPolicy`: view.
    View,
    /// An access policy newer than [`ACCESS_POLICIES`], by name, on purpose: only its form
    /// is checked (`Amazon<letters and digits>Policy`). In the file: `{unlisted: <name>}`.
    #[serde(rename = "unlisted")]
    Unlisted(String),
    /// Another access policy of [`ACCESS_POLICIES`], by name (e.g.
    /// `AmazonEKSAdminViewPolicy`); a name not in the list is refused, with the closest
    /// names.
    #[serde(untagged)]
    Other(String),
}

/// The EKS access policies: `(name, reserved for AWS service-linked roles)`. The second
/// are the policies the user guide marks "designated for AWS service-linked roles only and
/// cannot be used with customer-managed roles": an access entry of this blueprint (an IAM
/// role or user of yours) cannot have them.
///
/// From the EKS user guide, "Review access policy permissions"
/// (<https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>;
/// awsdocs/amazon-eks-user-guide `latest/ug/manage-access/k8s-access/access-policy-reference.adoc`
/// at 145543a96a20b66b1e946cd818943e5aa7713f6c, change log through 2025-11-06, and the
/// `aws eks list-access-policies` output it shows). Newer policies: [`AccessPolicy::Unlisted`].
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

/// The short names the blueprint file takes for the common policies.
const ACCESS_POLICY_SHORT_NAMES: [&str; 4] = ["ClusterAdmin", "Admin", "Edit", "View"];

impl AccessPolicy {
    /// The policy name, e.g. `AmazonEKSClusterAdminPolicy` (also for a short name given as
    /// `Other("ClusterAdmin")`).
    pub fn policy_name(&self) -> &str {
        match self {
            AccessPolicy::ClusterAdmin => "AmazonEKSClusterAdminPolicy",
            AccessPolicy::Admin => "AmazonEKSAdminPolicy",
            AccessPolicy::Edit => "AmazonEKSEditPolicy",
            AccessPolicy::View => "AmazonEKSViewPolicy",
            AccessPolicy::Other(name) => match name.as_str() {
                "ClusterAdmin" => AccessPolicy::ClusterAdmin.policy_name(),
                "Admin" => AccessPolicy::Admin.policy_name(),
                "Edit" => AccessPolicy::Edit.policy_name(),
                "View" => AccessPolicy::View.policy_name(),
                other => other,
            },
            AccessPolicy::Unlisted(name) => name,
        }
    }

    /// Why EKS would refuse this policy for an access entry of the blueprint, as `(code,
    /// message)`; `None` when it is fine.
    fn problem(&self) -> Option<(codes::Code, String)> {
        let name = self.policy_name();
        let listed = ACCESS_POLICIES.iter().find(|(n, _)| *n == name);
        match (self, listed) {
            (_, Some((_, true))) => Some((
                codes::SERVICE_LINKED_ACCESS_POLICY,
                format!("`{name}` is reserved for AWS service-linked roles: EKS refuses it for an access entry of your own role or user"),
            )),
            (AccessPolicy::Unlisted(_), None) => {
                let well_formed = name
                    .strip_prefix("Amazon")
                    .and_then(|rest| rest.strip_suffix("Policy"))
                    .is_some_and(|middle| !middle.is_empty() && middle.chars().all(|c| c.is_ascii_alphanumeric()));
                (!well_formed).then(|| {
                    (
                        codes::INVALID_ACCESS_POLICY,
                        format!(
                            "`{}` is not an EKS access policy name: they read Amazon<letters and digits>Policy, like AmazonEKSAdminViewPolicy",
                            crate::text::quote(name)
                        ),
                    )
                })
            }
            (AccessPolicy::Other(_), None) => {
                let candidates = ACCESS_POLICY_SHORT_NAMES.iter().copied().chain(ACCESS_POLICIES.iter().map(|(n, _)| *n));
                let hint = crate::text::did_you_mean(&crate::text::closest(name, candidates, 3));
                Some((
                    codes::UNKNOWN_ACCESS_POLICY,
                    format!(
                        "`{}` is not an EKS access policy{hint}: write ClusterAdmin, Admin, Edit, View or a policy name like AmazonEKSAdminViewPolicy (names are case-sensitive); for a policy newer than eks-blueprint's list, write {{unlisted: <name>}}",
                        crate::text::quote(name)
                    ),
                ))
            }
            _ => None,
        }
    }
}

impl ClusterSpec {
    /// A builder with the defaults.
    pub fn builder() -> ClusterSpecBuilder {
        ClusterSpecBuilder(ClusterSpec::default())
    }

    pub(crate) fn validate(&self, errors: &mut ValidationErrors) {
        let ep = &self.endpoint;
        if !ep.private && !ep.public {
            errors.push(
                "cluster.endpoint",
                codes::ENDPOINT_NONE,
                "both private and public access are off; nothing could reach the API server",
            );
        }
        if ep.public && ep.public_access_cidrs.is_empty() {
            errors.push(
                "cluster.endpoint.publicAccessCidrs",
                codes::PUBLIC_ENDPOINT_OPEN,
                "a public endpoint needs an allow-list of CIDRs; to open it to the whole internet, list 0.0.0.0/0 explicitly",
            );
        }
        if !ep.public && !ep.public_access_cidrs.is_empty() {
            errors.push(
                "cluster.endpoint.publicAccessCidrs",
                codes::PUBLIC_CIDRS_UNUSED,
                "CIDRs are given but public access is off; set public: true or remove them",
            );
        }
        for (i, cidr) in ep.public_access_cidrs.iter().enumerate() {
            if let Err(e) = cidr.parse::<crate::compile::address::Ipv4Cidr>() {
                errors.push(format!("cluster.endpoint.publicAccessCidrs[{i}]"), codes::INVALID_CIDR, e);
            }
        }
        for (i, t) in self.logging.iter().enumerate() {
            if self.logging[..i].contains(t) {
                errors.push(
                    format!("cluster.logging[{i}]"),
                    codes::DUPLICATE,
                    format!("`{}` is listed twice", t.as_str()),
                );
            }
        }
        if !defaults::LOG_RETENTION_CHOICES.contains(&self.log_retention_days) {
            errors.push(
                "cluster.logRetentionDays",
                codes::LOG_RETENTION,
                format!(
                    "{} is not a retention CloudWatch Logs offers; choose one of {}",
                    self.log_retention_days,
                    defaults::LOG_RETENTION_CHOICES.map(|d| d.to_string()).join(", ")
                ),
            );
        }
        let access = &self.access;
        for (i, entry) in access.entries.iter().enumerate() {
            let path = format!("cluster.access.entries[{i}]");
            if !is_iam_principal_arn(&entry.principal_arn) {
                errors.push(
                    format!("{path}.principalArn"),
                    codes::INVALID_PRINCIPAL,
                    format!(
                        "`{}` is not an IAM role or user ARN like arn:aws:iam::123456789012:role/Admin",
                        entry.principal_arn
                    ),
                );
            }
            if access.entries[..i].iter().any(|e| e.principal_arn == entry.principal_arn) {
                errors.push(
                    format!("{path}.principalArn"),
                    codes::DUPLICATE,
                    format!("`{}` has two access entries; merge them", entry.principal_arn),
                );
            }
            if entry.policies.len() > 20 {
                errors.push(
                    format!("{path}.policies"),
                    codes::TOO_MANY,
                    format!("{} access policies; EKS allows 20 per entry", entry.policies.len()),
                );
            }
            for (j, p) in entry.policies.iter().enumerate() {
                if let Some((code, message)) = p.policy.problem() {
                    errors.push(format!("{path}.policies[{j}].policy"), code, message);
                }
                if p.namespaces.as_ref().is_some_and(Vec::is_empty) {
                    errors.push(
                        format!("{path}.policies[{j}].namespaces"),
                        codes::EMPTY,
                        format!(
                            "the namespace list is empty, which EKS would read as the whole cluster for `{}`; list the namespaces, or leave namespaces out to grant it cluster-wide on purpose",
                            p.policy.policy_name()
                        ),
                    );
                }
                for (k, ns) in p.namespaces.iter().flatten().enumerate() {
                    if !super::is_dns_label(ns) {
                        errors.push(
                            format!("{path}.policies[{j}].namespaces[{k}]"),
                            codes::INVALID_NAMESPACE,
                            format!("`{ns}` is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)"),
                        );
                    }
                }
                if p.policy.policy_name() == AccessPolicy::ClusterAdmin.policy_name()
                    && p.namespaces.as_ref().is_some_and(|ns| !ns.is_empty())
                {
                    errors.push(
                        format!("{path}.policies[{j}]"),
                        codes::SCOPE,
                        "ClusterAdmin applies to the whole cluster; use Admin for namespaces",
                    );
                }
            }
            for (j, g) in entry.kubernetes_groups.iter().enumerate() {
                super::check_no_substitution(&format!("{path}.kubernetesGroups[{j}]"), g, "a Kubernetes group", errors);
                if g.starts_with("system:") {
                    errors.push(
                        format!("{path}.kubernetesGroups[{j}]"),
                        codes::RESERVED_GROUP,
                        format!("`{g}`: EKS refuses groups starting with system: in access entries; use an access policy instead"),
                    );
                }
            }
            for (j, p) in entry.policies.iter().enumerate() {
                // Reported once, at the first repetition.
                let same = |q: &AccessPolicyAssociation| q.policy.policy_name() == p.policy.policy_name();
                if entry.policies[..j].iter().filter(|q| same(q)).count() == 1 {
                    errors.push(
                        format!("{path}.policies[{j}]"),
                        codes::DUPLICATE,
                        format!(
                            "`{}` is associated twice; list its namespaces in one association",
                            p.policy.policy_name()
                        ),
                    );
                }
            }
            if let Some(name) = &entry.username {
                if let Some(prefix) = RESERVED_USERNAME_PREFIXES.iter().find(|p| name.starts_with(*p)) {
                    errors.push(
                        format!("{path}.username"),
                        codes::RESERVED_USERNAME,
                        format!("`{name}`: EKS refuses usernames starting with {prefix}; leave username out to let EKS generate one"),
                    );
                } else if name.is_empty() {
                    errors.push(
                        format!("{path}.username"),
                        codes::EMPTY,
                        "the username is empty; leave it out to let EKS generate one from the ARN",
                    );
                } else {
                    super::check_no_substitution(&format!("{path}.username"), name, "a username", errors);
                }
            }
        }
        let ids = access_entry_logical_ids(&access.entries);
        for (i, id) in ids.iter().enumerate() {
            let same_id = ids[..i].iter().position(|other| other == id);
            // The same ARN twice is reported above as a duplicate.
            if let Some(j) = same_id.filter(|&j| access.entries[j].principal_arn != access.entries[i].principal_arn) {
                errors.push(
                    format!("cluster.access.entries[{i}].principalArn"),
                    codes::LOGICAL_ID_CLASH,
                    format!(
                        "`{}` and `{}` (entries[{j}]) differ only in punctuation and would share the logical id {id}",
                        access.entries[i].principal_arn, access.entries[j].principal_arn
                    ),
                );
            }
        }
        self.validate_options(errors);
        let anyone = access.bootstrap_cluster_creator_admin_permissions
            || access.authentication_mode == AuthenticationMode::ApiAndConfigMap
            || access.entries.iter().any(|e| {
                // An invalid policy grants nothing: it must not pass for access.
                let usable = |p: &AccessPolicyAssociation| {
                    p.policy.problem().is_none() && p.namespaces.as_ref().is_none_or(|ns| !ns.is_empty())
                };
                e.policies.iter().any(usable) || !e.kubernetes_groups.is_empty()
            });
        if !anyone {
            errors.push(
                "cluster.access",
                codes::NO_ACCESS,
                "nobody could ever use the cluster: add an access entry with a policy (e.g. ClusterAdmin for your admin role) or set bootstrapClusterCreatorAdminPermissions: true",
            );
        }
    }
}

/// Username prefixes EKS refuses in access entries
/// (<https://docs.aws.amazon.com/eks/latest/userguide/set-custom-username.html>).
const RESERVED_USERNAME_PREFIXES: [&str; 5] = ["system:", "eks:", "aws:", "amazon:", "iam:"];

/// The logical ids of the access entries, in order: `AccessEntry` + the ARN's resource in
/// PascalCase (`AccessEntryRoleAdmin`); an entry whose id an earlier entry already has
/// (the same name in another account) gets its account too
/// (`AccessEntry210987654321RoleAdmin`), so adding an entry never renames an earlier one.
pub(crate) fn access_entry_logical_ids(entries: &[AccessEntrySpec]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::with_capacity(entries.len());
    for entry in entries {
        let parts: Vec<&str> = entry.principal_arn.splitn(6, ':').collect();
        let account = parts.get(4).copied().unwrap_or_default();
        let resource = parts.get(5).copied().unwrap_or_default();
        let plain = format!("AccessEntry{}", pascal_case(resource));
        let id = if ids.contains(&plain) { format!("AccessEntry{account}{}", pascal_case(resource)) } else { plain };
        ids.push(id);
    }
    ids
}

impl ClusterSpec {
    /// Whether the cluster gets EKS deletion protection: as set, else on unless the
    /// blueprint's removal policy deletes the cluster with its stack.
    pub fn effective_deletion_protection(&self, removal: RemovalPolicy) -> bool {
        self.deletion_protection.unwrap_or(match removal {
            RemovalPolicy::Retain => defaults::DELETION_PROTECTION,
            RemovalPolicy::Destroy => false,
        })
    }

    /// Checks what depends on the blueprint's removal policy.
    pub(crate) fn validate_removal(&self, removal: RemovalPolicy, errors: &mut ValidationErrors) {
        if removal == RemovalPolicy::Destroy && self.deletion_protection == Some(true) {
            errors.push(
                "cluster.deletionProtection",
                codes::DELETION_PROTECTION_DESTROY,
                "deletion protection makes DeleteCluster fail, so deleting the stack with removalPolicy: destroy would stop at the cluster; leave deletionProtection out (destroy turns it off) or use removalPolicy: retain",
            );
        }
    }

    /// Checks the options beyond endpoint, logging and access.
    fn validate_options(&self, errors: &mut ValidationErrors) {
        if let Some(arn) = &self.secrets_encryption.key_arn {
            if !is_kms_key_arn(arn) {
                errors.push(
                    "cluster.secretsEncryption.keyArn",
                    codes::INVALID_KEY_ARN,
                    format!("`{arn}` is not a KMS key ARN like arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab (aliases are not accepted)"),
                );
            }
        }
        for (i, id) in self.security_group_ids.iter().enumerate() {
            let path = format!("cluster.securityGroupIds[{i}]");
            if !is_security_group_id(id) {
                errors.push(
                    path,
                    codes::INVALID_SECURITY_GROUP,
                    format!("`{id}` is not a security group id like sg-0123456789abcdef0"),
                );
            } else if self.security_group_ids[..i].contains(id) {
                errors.push(path, codes::DUPLICATE, format!("`{id}` is listed twice"));
            }
        }
        if let Some(text) = &self.service_ipv4_cidr {
            let path = "cluster.serviceIpv4Cidr";
            if self.ip_family == IpFamily::Ipv6 {
                errors.push(
                    path,
                    codes::SERVICE_CIDR_IPV6,
                    "an ipv6 cluster takes its service addresses from fc00::/7; remove serviceIpv4Cidr or use ipFamily: ipv4",
                );
            }
            match text.parse::<Ipv4Cidr>() {
                Err(e) => errors.push(path, codes::INVALID_CIDR, e),
                Ok(block) => {
                    let ranges = defaults::SERVICE_IPV4_RANGES.iter().filter_map(|r| r.parse::<Ipv4Cidr>().ok());
                    if !ranges.clone().any(|r| r.contains(block)) {
                        errors.push(
                            path,
                            codes::SERVICE_CIDR_RANGE,
                            format!(
                                "{block} is not inside {}, the private ranges EKS takes service addresses from",
                                defaults::SERVICE_IPV4_RANGES.join(", ")
                            ),
                        );
                    }
                    let (min, max) = (defaults::SERVICE_IPV4_MIN_PREFIX, defaults::SERVICE_IPV4_MAX_PREFIX);
                    if !(min..=max).contains(&block.prefix()) {
                        errors.push(
                            path,
                            codes::SERVICE_CIDR_SIZE,
                            format!("{block}: EKS needs a service CIDR between /{min} and /{max}"),
                        );
                    }
                }
            }
        }
        if let Some(gd) = &self.guard_duty {
            if !gd.eks_audit_logs && !gd.runtime_monitoring {
                errors.push(
                    "cluster.guardDuty",
                    codes::GUARDDUTY_EMPTY,
                    "both eksAuditLogs and runtimeMonitoring are off, so the detector would watch nothing of the cluster; turn one on or remove guardDuty",
                );
            }
        }
    }

    /// Checks what depends on the network: the IP family and the service CIDR against the VPC.
    pub(crate) fn validate_with_network(&self, network: &Network, errors: &mut ValidationErrors) {
        if self.ip_family == IpFamily::Ipv6 && !network.ipv6 && network.existing.is_none() {
            // An ipv6 cluster in an IPv4-only VPC fails at deploy time, so refuse it here. An
            // existing VPC's IPv6 blocks are its owner's job.
            errors.push(
                "cluster.ipFamily",
                codes::IPV6_NEEDS_IPV6_NETWORK,
                "ipv6 needs IPv6 CIDR blocks on the VPC and its subnets; set network.ipv6: true, or use ipv4 (the default)",
            );
        }
        // With an existing VPC its CIDR is not known here: `network.cidr` is not used.
        if network.existing.is_some() {
            return;
        }
        let Some(service) = self.service_ipv4_cidr.as_ref().and_then(|c| c.parse::<Ipv4Cidr>().ok()) else {
            return;
        };
        if let Ok(vpc) = network.cidr.parse::<Ipv4Cidr>() {
            if service.overlaps(vpc) {
                errors.push(
                    "cluster.serviceIpv4Cidr",
                    codes::SERVICE_CIDR_OVERLAP,
                    format!("{service} overlaps the VPC CIDR {vpc}; pick a block outside the VPC (and outside networks peered or connected to it)"),
                );
            }
        }
        if let Some(pods) = network.pod_cidr.as_ref().and_then(|c| c.parse::<Ipv4Cidr>().ok()) {
            if service.overlaps(pods) {
                errors.push(
                    "cluster.serviceIpv4Cidr",
                    codes::SERVICE_CIDR_OVERLAP,
                    format!("{service} overlaps the pod CIDR {pods}; Kubernetes services and pods need separate address ranges"),
                );
            }
        }
    }

    /// Checks that nodes can reach the API server: without NAT gateways, nodes in private
    /// subnets have no route to the public endpoint.
    pub(crate) fn validate_node_reachability(&self, network: &Network, errors: &mut ValidationErrors) {
        if network.existing.is_none()
            && network.nat_gateways == super::network::NatGateways::None
            && !self.endpoint.private
        {
            errors.push(
                "cluster.endpoint.private",
                codes::ENDPOINT_UNREACHABLE,
                "with natGateways: none, nodes in private subnets have no route to the public endpoint; turn private endpoint access on",
            );
        }
    }
}

fn is_kms_key_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "kms", region, account, resource]
        if partition.starts_with("aws")
            && !region.is_empty() && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            && resource.strip_prefix("key/").is_some_and(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')))
}

fn is_security_group_id(id: &str) -> bool {
    id.strip_prefix("sg-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
    })
}

/// `arn:<partition>:iam::<account>:role/<path/><name>` or `...:user/...`: a path of
/// `/`-separated parts and a name of the characters IAM allows in role and user names
/// (letters, digits and `+=,.@_-`, at most 64 for a role name)
/// (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html>).
fn is_iam_principal_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let iam_chars = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
            && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            && resource
                .strip_prefix("role/")
                .or_else(|| resource.strip_prefix("user/"))
                .is_some_and(|path_name| path_name.len() <= 512 && path_name.split('/').all(iam_chars)))
}

/// Builds a [`ClusterSpec`]; every setter documents its default.
#[derive(Debug, Clone, Default)]
pub struct ClusterSpecBuilder(ClusterSpec);

impl ClusterSpecBuilder {
    /// Private endpoint access only. This is the default.
    pub fn private_endpoint(mut self) -> Self {
        self.0.endpoint = EndpointAccess::default();
        self
    }

    /// Private access plus public access from the given CIDRs (appends). Default: private only.
    pub fn public_endpoint<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.endpoint.public = true;
        self.0.endpoint.public_access_cidrs.extend(cidrs.into_iter().map(Into::into));
        self
    }

    /// Sets endpoint access as a whole. Default: private only.
    pub fn endpoint(mut self, endpoint: EndpointAccess) -> Self {
        self.0.endpoint = endpoint;
        self
    }

    /// The control-plane log types (replaces the list). Default: all five.
    pub fn logging(mut self, types: impl IntoIterator<Item = LogType>) -> Self {
        self.0.logging = types.into_iter().collect();
        self
    }

    /// Days to keep control-plane logs. Default: 90.
    pub fn log_retention_days(mut self, days: u32) -> Self {
        self.0.log_retention_days = days;
        self
    }

    /// The authentication mode. Default: `API`.
    pub fn authentication_mode(mut self, mode: AuthenticationMode) -> Self {
        self.0.access.authentication_mode = mode;
        self
    }

    /// Whether the deploying identity gets cluster admin. Default: off.
    pub fn bootstrap_cluster_creator_admin_permissions(mut self, on: bool) -> Self {
        self.0.access.bootstrap_cluster_creator_admin_permissions = on;
        self
    }

    /// Adds an access entry (appends).
    pub fn access_entry(mut self, entry: AccessEntrySpec) -> Self {
        self.0.access.entries.push(entry);
        self
    }

    /// What happens at the end of standard support. Default: `STANDARD` (automatic upgrade,
    /// no extended-support charges).
    pub fn upgrade_policy(mut self, policy: UpgradePolicy) -> Self {
        self.0.upgrade_policy = policy;
        self
    }

    /// EKS deletion protection. Default: on with [`RemovalPolicy::Retain`], off with
    /// [`RemovalPolicy::Destroy`].
    pub fn deletion_protection(mut self, on: bool) -> Self {
        self.0.deletion_protection = Some(on);
        self
    }

    /// ARC zonal shift. Default: off.
    pub fn zonal_shift(mut self, on: bool) -> Self {
        self.0.zonal_shift = on;
        self
    }

    /// KMS encryption of the control-plane log group with a dedicated key. Default: on.
    pub fn log_encryption(mut self, on: bool) -> Self {
        self.0.log_encryption = on;
        self
    }

    /// Encrypts secrets with an existing KMS key. Default: a new key in the cluster stack.
    pub fn secrets_key_arn(mut self, arn: impl Into<String>) -> Self {
        self.0.secrets_encryption.key_arn = Some(arn.into());
        self
    }

    /// The IP family. Default: `ipv4`.
    pub fn ip_family(mut self, family: IpFamily) -> Self {
        self.0.ip_family = family;
        self
    }

    /// The service IPv4 CIDR. Default: chosen by EKS.
    pub fn service_ipv4_cidr(mut self, cidr: impl Into<String>) -> Self {
        self.0.service_ipv4_cidr = Some(cidr.into());
        self
    }

    /// Adds control-plane security groups (appends). Default: none.
    pub fn security_group_ids<S: Into<String>>(mut self, ids: impl IntoIterator<Item = S>) -> Self {
        self.0.security_group_ids.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Creates a GuardDuty detector with these EKS protections, in the account stack (none
    /// with [`GuardDuty::existing_detector`]). Default: none.
    pub fn guard_duty(mut self, guard_duty: GuardDuty) -> Self {
        self.0.guard_duty = Some(guard_duty);
        self
    }

    /// ECR enhanced scanning of every repository (account-wide, in the account stack).
    /// Default: off.
    pub fn ecr_enhanced_scanning(mut self, on: bool) -> Self {
        self.0.ecr_enhanced_scanning = on;
        self
    }

    /// The cluster spec. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(self) -> ClusterSpec {
        self.0
    }
}

impl From<ClusterSpecBuilder> for ClusterSpec {
    fn from(b: ClusterSpecBuilder) -> Self {
        b.0
    }
}
