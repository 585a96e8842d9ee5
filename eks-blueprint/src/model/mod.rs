//! The EKS platform model and its builders. It never writes JSON: constructs render it.

pub mod cidr;
pub mod cluster;
pub mod compute;
pub mod defaults;
pub mod findings;
pub mod identity;
pub mod karpenter;
pub mod network;

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::error::{Error, ValidationErrors};
use crate::source::{Position, Source, SourceFormat};
use cluster::{ClusterSpec, KubernetesVersion};
use compute::{AutoMode, Compute, FargateProfile, ManagedNodeGroup, SelfManagedNodeGroup};
use findings::{Finding, Suppression};
use identity::WorkloadIdentity;
use network::{AddressPlan, Network};

/// How the platform is split into CloudFormation stacks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum StackLayout {
    /// One stack per lifecycle: `<name>-network`, `<name>-cluster`, `<name>-compute`
    /// (AWS CDK best practice: what changes together deploys together). Default.
    #[default]
    PerLifecycle,
    /// Everything in one stack named `<name>`, for small setups.
    Single,
}

/// How a value produced by one stack reaches another (see [`crate::synth::References`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CrossStackReferences {
    /// `Output` + `Export` and `Fn::ImportValue`: CloudFormation refuses to change or delete
    /// an export in use. Default.
    #[default]
    Exports,
    /// Plain `Output` and `Fn::GetStackOutput`: a weak reference; the producer can change
    /// freely, and consumers must be deployed again to see the change.
    StackOutputs,
}

/// A whole EKS platform: the single source of truth that the Rust builder and the
/// blueprint file both fill, and that synthesis renders.
///
/// Only [`Blueprint::builder`]`(..).build()` and [`Blueprint::from_path`] /
/// [`Blueprint::from_yaml`] make one, and both validate.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Blueprint {
    /// The cluster name, also the stack name prefix: letters, digits and `-`, starting with
    /// a letter, at most 100 characters.
    pub name: String,
    /// The Kubernetes version. Default: 1.35.
    #[serde(default)]
    pub kubernetes_version: KubernetesVersion,
    /// How resources are split into stacks. Default: one stack per lifecycle.
    #[serde(default)]
    pub stack_layout: StackLayout,
    /// How values cross stacks: `exports` (`Fn::ImportValue`, strong) or `stackOutputs`
    /// (`Fn::GetStackOutput`, weak). Default: exports.
    #[serde(default)]
    pub cross_stack_references: CrossStackReferences,
    /// Tags for every resource that takes tags. Default: none.
    #[serde(default)]
    pub tags: IndexMap<String, String>,
    /// The VPC.
    #[serde(default)]
    pub network: Network,
    /// The control plane.
    #[serde(default)]
    pub cluster: ClusterSpec,
    /// Node groups.
    #[serde(default)]
    pub compute: Compute,
    /// Workload identities: an IAM role per Kubernetes service account, through EKS Pod
    /// Identity or IRSA. Default: none.
    #[serde(default)]
    pub identities: Vec<WorkloadIdentity>,
    /// Finding rules turned off, each with a reason (`suppress: [{rule, reason}]`).
    /// Default: none.
    #[serde(default)]
    pub suppress: Vec<Suppression>,
}

/// The longest blueprint name: EKS cluster names are at most 100 characters.
pub const MAX_NAME_LEN: usize = 100;

impl Blueprint {
    /// A builder for a blueprint named `name`, with the secure defaults.
    pub fn builder(name: impl Into<String>) -> BlueprintBuilder {
        BlueprintBuilder(Blueprint {
            name: name.into(),
            kubernetes_version: KubernetesVersion::default(),
            stack_layout: StackLayout::default(),
            cross_stack_references: CrossStackReferences::default(),
            tags: IndexMap::new(),
            network: Network::default(),
            cluster: ClusterSpec::default(),
            compute: Compute::default(),
            identities: Vec::new(),
            suppress: Vec::new(),
        })
    }

    /// Reads a blueprint file: YAML, or JSON (a `.json` file). Unknown fields and keys given
    /// twice are errors; a file over 1 MiB, not UTF-8, or of several YAML documents is
    /// refused before it is parsed (see [`crate::source`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Blueprint, Error> {
        Self::from_source(&Source::read(path)?)
    }

    /// Reads a blueprint from YAML text.
    pub fn from_yaml(text: &str) -> Result<Blueprint, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Yaml)?)
    }

    /// Reads a blueprint from JSON text.
    pub fn from_json(text: &str) -> Result<Blueprint, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Json)?)
    }

    /// Builds and validates the blueprint of a checked [`Source`]. Errors of the file's
    /// content carry the line and column ([`Error::Parse`]); validation errors carry field
    /// paths, which [`Source::map`] locates.
    pub fn from_source(source: &Source) -> Result<Blueprint, Error> {
        let blueprint: Blueprint = match source.format() {
            SourceFormat::Yaml => {
                let de = serde_yaml::Deserializer::from_str(source.text());
                serde_path_to_error::deserialize(de).map_err(|e| {
                    // serde_yaml puts some errors of a value at the start of the file
                    // (index 0): the source map knows better.
                    let location = e.inner().location().filter(|l| l.index() > 0).map(|l| (l.line(), l.column()));
                    let position = location.map(|(line, column)| Position::new(line, column));
                    let suffix = location.map(|(line, column)| format!(" at line {line} column {column}"));
                    parse_error(source, e, position, suffix, false)
                })?
            }
            SourceFormat::Json => {
                let mut de = serde_json::Deserializer::from_str(source.text());
                serde_path_to_error::deserialize(&mut de).map_err(|e| {
                    let (line, column) = (e.inner().line(), e.inner().column());
                    let position = (line > 0).then(|| source.position_of_line_byte(line, column));
                    // serde_json's column is where it stopped reading (before a value, after a
                    // key): the source map's position of the field is exact.
                    parse_error(source, e, position, Some(format!(" at line {line} column {column}")), true)
                })?
            }
        };
        blueprint.validated()
    }

    fn validated(self) -> Result<Blueprint, Error> {
        let mut errors = ValidationErrors::default();
        self.validate(&mut errors);
        errors.into_result().map(|()| self)
    }

    /// Collects every problem of the blueprint.
    pub fn validate(&self, errors: &mut ValidationErrors) {
        let name_ok = self.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && self.name.len() <= MAX_NAME_LEN
            && self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !self.name.ends_with('-');
        if self.name.is_empty() {
            errors.push("name", "empty", "the blueprint needs a name (it names the cluster and its stacks)");
        } else if !name_ok {
            errors.push(
                "name",
                "invalid-name",
                format!(
                    "`{}` is not a valid name: start with a letter, then letters, digits and '-', at most {MAX_NAME_LEN} characters (it names the cluster and its CloudFormation stacks)",
                    self.name
                ),
            );
        }
        self.kubernetes_version.validate(errors);
        for (key, value) in &self.tags {
            if key.is_empty() || key.len() > 128 || key.to_ascii_lowercase().starts_with("aws:") {
                errors.push(
                    format!("tags.{key}"),
                    "invalid-tag",
                    "tag keys are 1 to 128 characters and cannot start with aws:",
                );
            }
            if value.len() > 256 {
                errors.push(format!("tags.{key}"), "invalid-tag", "tag values are at most 256 characters");
            }
        }
        let _ = self.network.plan(errors);
        self.cluster.validate(errors);
        self.cluster.validate_with_network(&self.network, errors);
        self.cluster.validate_node_reachability(&self.network, errors);
        self.compute.validate(self.kubernetes_version.as_str(), errors);
        identity::validate(&self.identities, errors);
        if self.network.existing.is_some()
            && !self.compute.self_managed_node_groups.is_empty()
            && self.cluster.service_ipv4_cidr.is_none()
        {
            errors.push(
                "cluster.serviceIpv4Cidr",
                "service-cidr-required",
                "self-managed nodes need the cluster DNS address, which EKS derives from the VPC CIDR; in an existing VPC that CIDR is unknown here, so set serviceIpv4Cidr",
            );
        }
        if let Some(karpenter) = &self.compute.karpenter {
            karpenter.validate(self, errors);
        }
        self.validate_ipv6(errors);
        findings::validate(&self.suppress, errors);
    }

    /// What an ipv6 cluster or an IPv6 network does not support yet.
    fn validate_ipv6(&self, errors: &mut ValidationErrors) {
        if self.network.ipv6 && self.network.pod_cidr.is_some() {
            errors.push(
                "network.podCidr",
                "pod-cidr-ipv6",
                "VPC CNI custom networking (pod subnets) is IPv4 only, and an ipv6 cluster gives pods IPv6 addresses from the node subnets; remove podCidr or network.ipv6",
            );
        }
        if self.cluster.ip_family != cluster::IpFamily::Ipv6 {
            return;
        }
        if !self.compute.self_managed_node_groups.is_empty() {
            errors.push(
                "compute.selfManagedNodeGroups",
                "ipv6-self-managed",
                "self-managed node groups are not supported with ipFamily: ipv6 yet (their node configuration would need the cluster's IPv6 service CIDR); use managedNodeGroups",
            );
        }
        if self.compute.karpenter.is_some() {
            errors.push(
                "compute.karpenter",
                "ipv6-karpenter",
                "Karpenter is not supported with ipFamily: ipv6 yet (its EC2NodeClass would need IPv6 instance metadata); use managedNodeGroups",
            );
        }
    }

    /// Best-practice findings (warnings with rule ids), without the suppressed rules.
    pub fn findings(&self) -> Vec<Finding> {
        let mut all = self.compute.findings();
        all.extend(self.network.findings(&self.compute));
        all.retain(|f| !self.suppress.iter().any(|s| s.rule == f.rule_id));
        all
    }

    /// The address plan (valid blueprints always have one).
    pub fn address_plan(&self) -> Option<AddressPlan> {
        self.network.plan(&mut ValidationErrors::default())
    }
}

/// A serde error of `source` as an [`Error::Parse`]: the field path, a code from serde's
/// wording, the position (serde's `position`, or the path's in the source map: first when
/// `map_first`, else when serde has none), and the message without the position serde
/// appends (`suffix`).
fn parse_error<E: std::fmt::Display>(
    source: &Source,
    e: serde_path_to_error::Error<E>,
    position: Option<Position>,
    suffix: Option<String>,
    map_first: bool,
) -> Error {
    let path = e.path().to_string();
    // `?` marks a position serde could not name (a syntax error): keep the part before it.
    let path = path.split(".?").next().unwrap_or_default().trim_end_matches('?').to_owned();
    let path = if path == "." { String::new() } else { path };
    let mut message = e.inner().to_string();
    if let Some(suffix) = suffix {
        if let Some(stripped) = message.strip_suffix(&suffix) {
            message = stripped.to_owned();
        }
    }
    // serde_yaml starts its messages with the path it knows (a prefix of ours): say it once.
    if let Some((prefix, rest)) = message.split_once(": ") {
        if !prefix.contains(' ') && path.starts_with(prefix) {
            message = rest.to_owned();
        }
    }
    let code = if message.starts_with("unknown field") {
        "unknown-field"
    } else if message.starts_with("missing field") {
        "missing-field"
    } else if message.starts_with("invalid type") {
        "invalid-type"
    } else if message.starts_with("duplicate field") {
        "duplicate-key"
    } else {
        "invalid-value"
    };
    // Without serde's position: a wrong value at the value, anything else at the field (or
    // the nearest enclosing one, for a missing field).
    let value_position = match code {
        "invalid-type" | "invalid-value" => source.map().get(&path).map(|l| l.value),
        _ => None,
    };
    let mapped = value_position.or_else(|| source.map().locate(&path));
    let position = if map_first { mapped.or(position) } else { position.or(mapped) };
    Error::parse(source.name(), code, position, &path, message)
}

/// Builds a [`Blueprint`]; every setter documents its default.
#[derive(Debug, Clone)]
pub struct BlueprintBuilder(Blueprint);

impl BlueprintBuilder {
    /// The Kubernetes version. Default: 1.35.
    pub fn kubernetes_version(mut self, version: KubernetesVersion) -> Self {
        self.0.kubernetes_version = version;
        self
    }

    /// How resources are split into stacks. Default: one stack per lifecycle.
    pub fn stack_layout(mut self, layout: StackLayout) -> Self {
        self.0.stack_layout = layout;
        self
    }

    /// How values cross stacks. Default: exports.
    pub fn cross_stack_references(mut self, references: CrossStackReferences) -> Self {
        self.0.cross_stack_references = references;
        self
    }

    /// Adds a tag for every resource that takes tags. Default: none.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.tags.insert(key.into(), value.into());
        self
    }

    /// The VPC. Default: [`Network::default`].
    pub fn network(mut self, network: impl Into<Network>) -> Self {
        self.0.network = network.into();
        self
    }

    /// The control plane. Default: [`ClusterSpec::default`].
    pub fn cluster(mut self, cluster: impl Into<ClusterSpec>) -> Self {
        self.0.cluster = cluster.into();
        self
    }

    /// Adds a managed node group (appends). Default: none.
    pub fn managed_node_group(mut self, group: impl Into<ManagedNodeGroup>) -> Self {
        self.0.compute.managed_node_groups.push(group.into());
        self
    }

    /// Adds a workload identity (appends). Default: none.
    pub fn identity(mut self, identity: impl Into<WorkloadIdentity>) -> Self {
        self.0.identities.push(identity.into());
        self
    }

    /// Adds a self-managed node group (appends). Default: none.
    pub fn self_managed_node_group(mut self, group: impl Into<SelfManagedNodeGroup>) -> Self {
        self.0.compute.self_managed_node_groups.push(group.into());
        self
    }

    /// Adds a Fargate profile (appends). Default: none.
    pub fn fargate_profile(mut self, profile: impl Into<FargateProfile>) -> Self {
        self.0.compute.fargate_profiles.push(profile.into());
        self
    }

    /// EKS Auto Mode. Default: off.
    pub fn auto_mode(mut self, auto_mode: AutoMode) -> Self {
        self.0.compute.auto_mode = auto_mode;
        self
    }

    /// Tags node groups for Cluster Autoscaler auto-discovery. Default: off.
    pub fn cluster_autoscaler(mut self, on: bool) -> Self {
        self.0.compute.cluster_autoscaler = on;
        self
    }

    /// Suppresses a finding rule, with the reason (appends). Default: none.
    pub fn suppress(mut self, rule: impl Into<String>, reason: impl Into<String>) -> Self {
        self.0.suppress.push(Suppression::new(rule, reason));
        self
    }

    /// Karpenter, with its NodePools. Default: off.
    pub fn karpenter(mut self, karpenter: impl Into<karpenter::Karpenter>) -> Self {
        self.0.compute.karpenter = Some(karpenter.into());
        self
    }

    /// Validates and returns the blueprint, or every problem found.
    pub fn build(self) -> Result<Blueprint, Error> {
        self.0.validated()
    }
}

/// Whether `s` is a DNS label (RFC 1123): a Kubernetes namespace name.
pub(crate) fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks a Kubernetes label (or taint) key: an optional DNS-subdomain prefix and `/`, then
/// a name of at most 63 characters; the `kubernetes.io` and `k8s.io` prefixes are reserved.
pub(crate) fn check_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        let ok = !p.is_empty() && p.len() <= 253 && p.split('.').all(is_dns_label);
        if !ok {
            return Err(format!("`{key}`: the prefix `{p}` is not a DNS subdomain"));
        }
        let reserved = ["kubernetes.io", "k8s.io"].iter().any(|r| p == *r || p.ends_with(&format!(".{r}")));
        if reserved {
            return Err(format!("`{key}`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes"));
        }
    }
    if !is_label_name(name) || name.is_empty() {
        return Err(format!("`{key}` is not a label key: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
    }
    Ok(())
}

/// Checks a Kubernetes label value (may be empty).
pub(crate) fn check_label_value(value: &str) -> Result<(), String> {
    if value.is_empty() || is_label_name(value) {
        Ok(())
    } else {
        Err(format!("`{value}` is not a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"))
    }
}

fn is_label_name(s: &str) -> bool {
    s.len() <= 63
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}
