//! The control plane: version, endpoint access, logging, secrets encryption, access.

use std::fmt;

use serde::{Deserialize, Deserializer};

use super::defaults;
use crate::error::ValidationErrors;

/// A Kubernetes minor version EKS supports, with an escape hatch for newer ones.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum KubernetesVersion {
    /// 1.30
    V1_30,
    /// 1.31
    V1_31,
    /// 1.32
    V1_32,
    /// 1.33
    V1_33,
    /// 1.34
    V1_34,
    /// 1.35
    V1_35,
    /// 1.36
    V1_36,
    /// A version this release does not list yet, e.g. `KubernetesVersion::of("1.37")`.
    Other(String),
}

impl KubernetesVersion {
    /// The versions this release knows, oldest first.
    pub const KNOWN: [KubernetesVersion; 7] = [
        KubernetesVersion::V1_30,
        KubernetesVersion::V1_31,
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
            KubernetesVersion::V1_30 => "1.30",
            KubernetesVersion::V1_31 => "1.31",
            KubernetesVersion::V1_32 => "1.32",
            KubernetesVersion::V1_33 => "1.33",
            KubernetesVersion::V1_34 => "1.34",
            KubernetesVersion::V1_35 => "1.35",
            KubernetesVersion::V1_36 => "1.36",
            KubernetesVersion::Other(v) => v,
        }
    }

    pub(crate) fn validate(&self, errors: &mut ValidationErrors) {
        if let KubernetesVersion::Other(v) = self {
            // The AWS::EKS::Cluster schema's pattern for Version is `1\.\d\d`.
            let ok = v.len() == 4 && v.starts_with("1.") && v[2..].chars().all(|c| c.is_ascii_digit());
            if !ok {
                errors.push(
                    "kubernetesVersion",
                    "invalid-version",
                    format!("`{v}` is not a Kubernetes minor version like 1.33 (known: {})", known_versions()),
                );
            }
        }
    }
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
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            endpoint: EndpointAccess::default(),
            logging: defaults::LOG_TYPES.to_vec(),
            log_retention_days: defaults::LOG_RETENTION_DAYS,
            access: Access::default(),
        }
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
}

impl AccessEntrySpec {
    /// An entry for a principal, with no policies yet.
    pub fn new(principal_arn: impl Into<String>) -> Self {
        AccessEntrySpec { principal_arn: principal_arn.into(), policies: Vec::new(), kubernetes_groups: Vec::new() }
    }

    /// Adds an access policy for the whole cluster (appends).
    pub fn policy(mut self, policy: AccessPolicy) -> Self {
        self.policies.push(AccessPolicyAssociation { policy, namespaces: Vec::new() });
        self
    }

    /// Adds an access policy limited to namespaces (appends).
    pub fn namespaced_policy<S: Into<String>>(
        mut self,
        policy: AccessPolicy,
        namespaces: impl IntoIterator<Item = S>,
    ) -> Self {
        self.policies
            .push(AccessPolicyAssociation { policy, namespaces: namespaces.into_iter().map(Into::into).collect() });
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
    /// Namespaces it is limited to; the whole cluster when empty.
    #[serde(default)]
    pub namespaces: Vec<String>,
}

/// An EKS access policy
/// (<https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html>).
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
    /// Another access policy, by name (e.g. `AmazonEKSAdminViewPolicy`).
    #[serde(untagged)]
    Other(String),
}

impl AccessPolicy {
    /// The policy name, e.g. `AmazonEKSClusterAdminPolicy`.
    pub fn policy_name(&self) -> &str {
        match self {
            AccessPolicy::ClusterAdmin => "AmazonEKSClusterAdminPolicy",
            AccessPolicy::Admin => "AmazonEKSAdminPolicy",
            AccessPolicy::Edit => "AmazonEKSEditPolicy",
            AccessPolicy::View => "AmazonEKSViewPolicy",
            AccessPolicy::Other(name) => name,
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
                "endpoint-none",
                "both private and public access are off; nothing could reach the API server",
            );
        }
        if ep.public && ep.public_access_cidrs.is_empty() {
            errors.push(
                "cluster.endpoint.publicAccessCidrs",
                "public-endpoint-open",
                "a public endpoint needs an allow-list of CIDRs; to open it to the whole internet, list 0.0.0.0/0 explicitly",
            );
        }
        if !ep.public && !ep.public_access_cidrs.is_empty() {
            errors.push(
                "cluster.endpoint.publicAccessCidrs",
                "public-cidrs-unused",
                "CIDRs are given but public access is off; set public: true or remove them",
            );
        }
        for (i, cidr) in ep.public_access_cidrs.iter().enumerate() {
            if let Err(e) = cidr.parse::<super::cidr::Ipv4Cidr>() {
                errors.push(format!("cluster.endpoint.publicAccessCidrs[{i}]"), "invalid-cidr", e);
            }
        }
        for (i, t) in self.logging.iter().enumerate() {
            if self.logging[..i].contains(t) {
                errors.push(format!("cluster.logging[{i}]"), "duplicate", format!("`{}` is listed twice", t.as_str()));
            }
        }
        if !defaults::LOG_RETENTION_CHOICES.contains(&self.log_retention_days) {
            errors.push(
                "cluster.logRetentionDays",
                "log-retention",
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
                    "invalid-principal",
                    format!(
                        "`{}` is not an IAM role or user ARN like arn:aws:iam::123456789012:role/Admin",
                        entry.principal_arn
                    ),
                );
            }
            if access.entries[..i].iter().any(|e| e.principal_arn == entry.principal_arn) {
                errors.push(
                    format!("{path}.principalArn"),
                    "duplicate",
                    format!("`{}` has two access entries; merge them", entry.principal_arn),
                );
            }
            if entry.policies.len() > 20 {
                errors.push(
                    format!("{path}.policies"),
                    "too-many",
                    format!("{} access policies; EKS allows 20 per entry", entry.policies.len()),
                );
            }
            for (j, p) in entry.policies.iter().enumerate() {
                for (k, ns) in p.namespaces.iter().enumerate() {
                    if !super::is_dns_label(ns) {
                        errors.push(
                            format!("{path}.policies[{j}].namespaces[{k}]"),
                            "invalid-namespace",
                            format!("`{ns}` is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)"),
                        );
                    }
                }
                if p.policy == AccessPolicy::ClusterAdmin && !p.namespaces.is_empty() {
                    errors.push(
                        format!("{path}.policies[{j}]"),
                        "scope",
                        "ClusterAdmin applies to the whole cluster; use Admin for namespaces",
                    );
                }
            }
            for (j, g) in entry.kubernetes_groups.iter().enumerate() {
                if g.starts_with("system:") {
                    errors.push(
                        format!("{path}.kubernetesGroups[{j}]"),
                        "reserved-group",
                        format!("`{g}`: EKS refuses groups starting with system: in access entries; use an access policy instead"),
                    );
                }
            }
        }
        let anyone = access.bootstrap_cluster_creator_admin_permissions
            || access.authentication_mode == AuthenticationMode::ApiAndConfigMap
            || access.entries.iter().any(|e| !e.policies.is_empty() || !e.kubernetes_groups.is_empty());
        if !anyone {
            errors.push(
                "cluster.access",
                "no-access",
                "nobody could ever use the cluster: add an access entry with a policy (e.g. ClusterAdmin for your admin role) or set bootstrapClusterCreatorAdminPermissions: true",
            );
        }
    }
}

fn is_iam_principal_arn(arn: &str) -> bool {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", partition, "iam", "", account, resource]
        if partition.starts_with("aws")
            && account.len() == 12 && account.chars().all(|c| c.is_ascii_digit())
            && (resource.starts_with("role/") || resource.starts_with("user/"))
            && resource.len() > 5)
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
