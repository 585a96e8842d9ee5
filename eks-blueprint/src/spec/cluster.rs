//! The control plane: version, endpoint access, logging, secrets encryption, access.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::is_default;

/// A Kubernetes minor version EKS supports, with an escape hatch for newer ones.
///
/// The supported versions are those of [`crate::compile::data::versions::CALENDAR`] still in Amazon EKS
/// standard or extended support on [`crate::compile::data::versions::VERSIONS_AS_OF`]. Versions that left extended support
/// (EKS no longer creates clusters of them) and malformed ones are refused at validation;
/// [`KubernetesVersion::Other`] accepts only versions newer than the newest one listed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
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

impl KubernetesVersion {
    /// The versions this release knows, oldest first.
    pub const KNOWN: [KubernetesVersion; 5] = [
        KubernetesVersion::V1_32,
        KubernetesVersion::V1_33,
        KubernetesVersion::V1_34,
        KubernetesVersion::V1_35,
        KubernetesVersion::V1_36,
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
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for KubernetesVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
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
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ClusterSpec {
    /// Who can reach the Kubernetes API endpoint. Default: private only.
    #[serde(skip_serializing_if = "is_default")]
    pub endpoint: EndpointAccess,
    /// Control-plane log types. Default: all five.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logging: Option<Vec<LogType>>,
    /// Days to keep control-plane logs. Default: 90.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_retention_days: Option<u32>,
    /// Authentication mode, creator admin and access entries.
    #[serde(skip_serializing_if = "is_default")]
    pub access: Access,
    /// What happens when the Kubernetes version leaves EKS standard support. Default:
    /// `STANDARD`, the cluster is upgraded automatically: `EXTENDED` keeps the version 12
    /// more months at an additional cost per cluster-hour, and is what EKS itself picks
    /// when the policy is left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade_policy: Option<UpgradePolicy>,
    /// EKS deletion protection: `DeleteCluster` fails while it is on, whoever calls it.
    /// Default: on with `removalPolicy: retain`, off with `removalPolicy: destroy` (which
    /// deletes the cluster with its stack, and would fail on it); `true` with `destroy` is
    /// refused. Turn it off (and deploy) before deleting a retained cluster on purpose.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    /// Register the cluster with Amazon Application Recovery Controller (ARC) zonal shift, so
    /// traffic inside the cluster and through its load balancers can be moved away from an
    /// impaired Availability Zone (by you, or by zonal autoshift, configured in ARC). Enable
    /// it when workloads run replicas in several zones and the remaining zones have the
    /// capacity to take a zone's load. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zonal_shift: Option<bool>,
    /// Encrypt the control-plane log group with a dedicated KMS key created in the cluster
    /// stack (rotation on, kept or deleted with the stack per `removalPolicy`), usable only
    /// by CloudWatch Logs for this log group. Off leaves the group with CloudWatch Logs' own
    /// encryption (and checkov's CKV_AWS_158 flags it). Default: on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_encryption: Option<bool>,
    /// The KMS key for envelope encryption of Kubernetes secrets. Default: a new key in the
    /// cluster stack (rotation on, kept or deleted with the stack per `removalPolicy`).
    /// Fixed at cluster creation: changing it later would make CloudFormation replace the
    /// cluster.
    #[serde(skip_serializing_if = "is_default")]
    pub secrets_encryption: SecretsEncryption,
    /// The IP family of pods and services. `ipv6` needs IPv6 CIDR blocks on the VPC and its
    /// subnets: `network.ipv6: true`, or an existing VPC whose owner added them (with
    /// `AssignIpv6AddressOnCreation` on the subnets and IPv6 egress). With `ipv6` the VPC CNI's
    /// role gets the IPv6 policy of the EKS user guide instead of `AmazonEKS_CNI_Policy`;
    /// self-managed node groups and Karpenter are refused (not yet supported here). Fixed at
    /// cluster creation. Default: `ipv4`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_family: Option<IpFamily>,
    /// The CIDR block Kubernetes service addresses come from (fixed at creation): inside
    /// 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, /12 to /24, not overlapping the VPC.
    /// Default: EKS picks 10.100.0.0/16 or 172.20.0.0/16.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_ipv4_cidr: Option<String>,
    /// Additional security groups (`sg-...`) for the control-plane network interfaces, on
    /// top of the cluster security group EKS creates. Default: none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// Amazon GuardDuty threat detection: the account's GuardDuty detector in the Region,
    /// with EKS audit log monitoring and EKS Runtime Monitoring, in the account stack
    /// `<name>-account` (its own lifecycle: deleting the cluster does not turn GuardDuty
    /// off). A detector is one per account and Region: where one exists (another blueprint's,
    /// or your AWS Organizations administrator's), set `existingDetector: true` and turn the
    /// features on for that detector by hand. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard_duty: Option<GuardDuty>,
    /// Amazon Inspector enhanced scanning of every ECR repository of the account in the
    /// Region, continuously, in the account stack `<name>-account`. The registry scanning
    /// configuration is account-wide (it replaces the registry's current one, and affects
    /// repositories of other teams: manage it from one blueprint only) and billed by Amazon
    /// Inspector per image scanned. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ecr_enhanced_scanning: Option<bool>,
}

/// What happens at the end of standard support of the cluster's Kubernetes version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum UpgradePolicy {
    /// EKS upgrades the cluster to the next version. Default.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum RemovalPolicy {
    /// Keep them: `DeletionPolicy: RetainExceptOnCreate` and `UpdateReplacePolicy: Retain`.
    /// Deleting the stack leaves them in the account (delete them by hand, see
    /// docs/control-plane.md); only the rollback of the create that made them deletes them,
    /// so a failed first deploy can be retried. Cluster deletion protection defaults to on.
    /// Default.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum IpFamily {
    /// IPv4. Default.
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct SecretsEncryption {
    /// An existing symmetric KMS key in the cluster's Region, by ARN
    /// (`arn:aws:kms:<region>:<account>:key/<id>`). The identity deploying the stack needs
    /// `kms:DescribeKey` and `kms:CreateGrant` on it. Default: a new key in the cluster stack.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_arn: Option<String>,
}

/// Amazon GuardDuty protection plans for EKS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct GuardDuty {
    /// EKS Protection: GuardDuty analyses the cluster's Kubernetes audit logs (from the
    /// control plane, independent of `logging`). Default: on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eks_audit_logs: Option<bool>,
    /// Runtime Monitoring of nodes and containers, with automated agent management:
    /// GuardDuty installs the `aws-guardduty-agent` add-on and a VPC endpoint for it.
    /// Default: on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime_monitoring: Option<bool>,
    /// The account already has a detector in the Region: CloudFormation cannot create a
    /// second one, nor take over the existing one in a plain deploy, so the blueprint
    /// creates none; turn `eksAuditLogs` and `runtimeMonitoring` on for that detector by
    /// hand (docs/control-plane.md says how). Default: off (the account stack creates it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub existing_detector: Option<bool>,
}

impl GuardDuty {
    /// EKS audit log monitoring. Default: on.
    pub fn eks_audit_logs(mut self, on: bool) -> Self {
        self.eks_audit_logs = Some(on);
        self
    }

    /// Runtime Monitoring with automated agent management. Default: on.
    pub fn runtime_monitoring(mut self, on: bool) -> Self {
        self.runtime_monitoring = Some(on);
        self
    }

    /// Uses the account's existing detector: the blueprint creates none. Default: off.
    pub fn existing_detector(mut self, on: bool) -> Self {
        self.existing_detector = Some(on);
        self
    }
}

/// Endpoint access of the Kubernetes API server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct EndpointAccess {
    /// Access from inside the VPC. Default: on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    /// Access from the internet, limited to `public_access_cidrs`. Default: off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
    /// CIDRs allowed to reach the public endpoint. Required with `public`; `0.0.0.0/0`
    /// opens it to everyone and must be listed explicitly.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub public_access_cidrs: Vec<String>,
}

impl EndpointAccess {
    /// Access from inside the VPC. Default: on.
    pub fn private(mut self, on: bool) -> Self {
        self.private = Some(on);
        self
    }

    /// Access from the internet. Default: off.
    pub fn public(mut self, on: bool) -> Self {
        self.public = Some(on);
        self
    }

    /// Adds CIDRs allowed to reach the public endpoint (appends). Default: none.
    pub fn public_access_cidrs<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.public_access_cidrs.extend(cidrs.into_iter().map(Into::into));
        self
    }
}

/// How IAM principals authenticate to the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum AuthenticationMode {
    /// Access entries only. Default.
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Access {
    /// Default: `API`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication_mode: Option<AuthenticationMode>,
    /// Whether the identity that deploys the cluster stack gets cluster admin. Default: off:
    /// with CloudFormation that identity is often a pipeline role, and explicit access
    /// entries say who is admin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bootstrap_cluster_creator_admin_permissions: Option<bool>,
    /// Access entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<AccessEntrySpec>,
}

/// An IAM principal's access to the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AccessEntrySpec {
    /// The IAM role or user ARN.
    pub principal_arn: String,
    /// EKS access policies. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<AccessPolicyAssociation>,
    /// Kubernetes groups (for RBAC bindings of your own). Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubernetes_groups: Vec<String>,
    /// The Kubernetes username, as seen in audit logs and RBAC subjects. It can't start
    /// with `system:`, `eks:`, `aws:`, `amazon:` or `iam:`. Default: generated by EKS from
    /// the ARN (recommended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct AccessPolicyAssociation {
    /// The policy.
    pub policy: AccessPolicy,
    /// The namespaces it is limited to; `None` (the key left out) for the whole cluster. An
    /// empty list is refused: a list that came out empty must not widen to the cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespaces: Option<Vec<String>>,
}

/// An EKS access policy
/// (<https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>).
///
/// In the blueprint file: `ClusterAdmin`, `Admin`, `Edit`, `View`, another name of
/// [`crate::compile::data::access_policies::ACCESS_POLICIES`] (`AmazonEKSAdminViewPolicy`), or `{unlisted: <name>}` for a policy
/// newer than that list.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub enum AccessPolicy {
    /// `AmazonEKSClusterAdminPolicy`: cluster-admin.
    ClusterAdmin,
    /// `AmazonEKSAdminPolicy`: admin.
    Admin,
    /// `AmazonEKSEditPolicy`: edit.
    Edit,
    /// `AmazonEKSViewPolicy`: view.
    View,
    /// An access policy newer than [`crate::compile::data::access_policies::ACCESS_POLICIES`], by name, on purpose: only its form
    /// is checked (`Amazon<letters and digits>Policy`). In the file: `{unlisted: <name>}`.
    #[serde(rename = "unlisted")]
    Unlisted(String),
    /// Another access policy of [`crate::compile::data::access_policies::ACCESS_POLICIES`], by name (e.g.
    /// `AmazonEKSAdminViewPolicy`); a name not in the list is refused, with the closest
    /// names.
    #[serde(untagged)]
    Other(String),
}

/// Written as the file spells it: a name, or `{unlisted: <name>}` (a map, not a YAML tag, so
/// that it reads back).
impl Serialize for AccessPolicy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            AccessPolicy::ClusterAdmin => s.serialize_str("ClusterAdmin"),
            AccessPolicy::Admin => s.serialize_str("Admin"),
            AccessPolicy::Edit => s.serialize_str("Edit"),
            AccessPolicy::View => s.serialize_str("View"),
            AccessPolicy::Unlisted(name) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("unlisted", name)?;
                map.end()
            }
            AccessPolicy::Other(name) => s.serialize_str(name),
        }
    }
}

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
}

impl ClusterSpec {
    /// A builder with the defaults.
    pub fn builder() -> ClusterSpecBuilder {
        ClusterSpecBuilder(ClusterSpec::default())
    }
}

/// Builds a [`ClusterSpec`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Format, LogType};
/// use serde_json::json;
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(
///         ClusterSpec::builder()
///             .public_endpoint(["203.0.113.0/24"])
///             .logging([LogType::Api, LogType::Audit])
///             .access_entry(
///                 AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
///             ),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// let resources = &assembly.stack("demo-cluster").expect("a cluster stack").template["Resources"];
/// let cluster = &resources["Cluster"]["Properties"];
/// assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPublicAccess"], true);
/// assert_eq!(cluster["ResourcesVpcConfig"]["PublicAccessCidrs"], json!(["203.0.113.0/24"]));
/// assert_eq!(cluster["Logging"]["ClusterLogging"]["EnabledTypes"], json!([{"Type": "api"}, {"Type": "audit"}]));
/// assert_eq!(resources["AccessEntryRoleAdmin"]["Properties"]["PrincipalArn"], "arn:aws:iam::123456789012:role/Admin");
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct ClusterSpecBuilder(ClusterSpec);

impl ClusterSpecBuilder {
    /// Private endpoint access only. This is the default.
    pub fn private_endpoint(mut self) -> Self {
        self.0.endpoint = EndpointAccess::default();
        self
    }

    /// Private access plus public access from the given CIDRs (appends). Default: private only.
    pub fn public_endpoint<S: Into<String>>(mut self, cidrs: impl IntoIterator<Item = S>) -> Self {
        self.0.endpoint.public = Some(true);
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
        self.0.logging = Some(types.into_iter().collect());
        self
    }

    /// Days to keep control-plane logs. Default: 90.
    pub fn log_retention_days(mut self, days: u32) -> Self {
        self.0.log_retention_days = Some(days);
        self
    }

    /// The authentication mode. Default: `API`.
    pub fn authentication_mode(mut self, mode: AuthenticationMode) -> Self {
        self.0.access.authentication_mode = Some(mode);
        self
    }

    /// Whether the deploying identity gets cluster admin. Default: off.
    pub fn bootstrap_cluster_creator_admin_permissions(mut self, on: bool) -> Self {
        self.0.access.bootstrap_cluster_creator_admin_permissions = Some(on);
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
        self.0.upgrade_policy = Some(policy);
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
        self.0.zonal_shift = Some(on);
        self
    }

    /// KMS encryption of the control-plane log group with a dedicated key. Default: on.
    pub fn log_encryption(mut self, on: bool) -> Self {
        self.0.log_encryption = Some(on);
        self
    }

    /// Encrypts secrets with an existing KMS key. Default: a new key in the cluster stack.
    pub fn secrets_key_arn(mut self, arn: impl Into<String>) -> Self {
        self.0.secrets_encryption.key_arn = Some(arn.into());
        self
    }

    /// The IP family. Default: `ipv4`.
    pub fn ip_family(mut self, family: IpFamily) -> Self {
        self.0.ip_family = Some(family);
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
        self.0.ecr_enhanced_scanning = Some(on);
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
