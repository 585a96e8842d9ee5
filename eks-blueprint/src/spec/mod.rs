//! The blueprint spec: what the user writes, in a blueprint file or with the builders.

pub mod cluster;
pub mod compute;
pub mod findings;
pub mod identity;
pub mod karpenter;
pub mod network;
pub mod tags;

use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::compile::codes;
use crate::error::{Error, ValidationErrors};
use crate::source::{Position, Source, SourceFormat};
use cluster::{ClusterSpec, KubernetesVersion, RemovalPolicy};
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
    /// What deleting a stack does to the cluster, its IAM role, the KMS keys, the log groups
    /// and the GuardDuty detector: `retain` keeps them (except when the create that made
    /// them rolls back), `destroy` deletes them (sandboxes). Default: retain.
    #[serde(default)]
    pub removal_policy: RemovalPolicy,
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
            removal_policy: RemovalPolicy::default(),
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
            errors.push("name", codes::EMPTY, "the blueprint needs a name (it names the cluster and its stacks)");
        } else if !name_ok {
            errors.push(
                "name",
                codes::INVALID_NAME,
                format!(
                    "`{}` is not a valid name: start with a letter, then letters, digits and '-', at most {MAX_NAME_LEN} characters (it names the cluster and its CloudFormation stacks)",
                    self.name
                ),
            );
        }
        self.kubernetes_version.validate(errors);
        tags::check("tags", &self.tags, tags::BLUEPRINT_TAGS, errors);
        let _ = self.network.plan(errors);
        self.cluster.validate(errors);
        self.cluster.validate_removal(self.removal_policy, errors);
        self.cluster.validate_with_network(&self.network, errors);
        self.cluster.validate_node_reachability(&self.network, errors);
        self.compute.validate(self.kubernetes_version.as_str(), errors);
        identity::validate(&self.identities, errors);
        identity::validate_with_compute(&self.identities, &self.compute, errors);
        if self.network.existing.is_some()
            && !self.compute.self_managed_node_groups.is_empty()
            && self.cluster.service_ipv4_cidr.is_none()
        {
            errors.push(
                "cluster.serviceIpv4Cidr",
                codes::SERVICE_CIDR_REQUIRED,
                "self-managed nodes need the cluster DNS address, which EKS derives from the VPC CIDR; in an existing VPC that CIDR is unknown here, so set serviceIpv4Cidr",
            );
        }
        if let Some(karpenter) = &self.compute.karpenter {
            karpenter.validate(self, errors);
        }
        self.validate_ipv6(errors);
        self.validate_custom_networking(errors);
        tags::check_counts(self, errors);
        findings::validate(&self.suppress, errors);
    }

    /// The VPC endpoints the network stack creates: `network.vpcEndpoints`, then those
    /// Karpenter needs in a VPC without NAT that the list lacks
    /// ([`karpenter::Karpenter::isolated_vpc_endpoints`]), so that it can launch nodes there.
    pub fn vpc_endpoints(&self) -> Vec<network::VpcEndpointService> {
        let mut all = self.network.vpc_endpoints.0.clone();
        if karpenter::Karpenter::isolated_vpc(self) {
            for service in karpenter::Karpenter::isolated_vpc_endpoints() {
                if !all.contains(&service) {
                    all.push(service);
                }
            }
        }
        all
    }

    /// Whether VPC CNI custom networking applies: a pod CIDR in a VPC of the blueprint, and
    /// the `vpc-cni` add-on of the cluster stack (EKS Auto Mode nodes, when they are the only
    /// compute, run their own CNI and take pod subnets from their NodeClass instead).
    pub fn custom_networking(&self) -> bool {
        self.network.pod_cidr.is_some() && self.network.existing.is_none() && !self.compute.auto_mode_only()
    }

    /// What custom networking cannot deploy with.
    ///
    /// With custom networking on, vpc-cni 1.13 and later attach the pod subnet's network
    /// interfaces while the node starts and fail when the node's zone has no ENIConfig: the
    /// node never becomes Ready (aws/amazon-vpc-cni-k8s#2683, #2490, #2426). The ENIConfigs
    /// must be applied after the cluster exists and before any node starts, which only the
    /// point between the cluster and compute stacks allows.
    fn validate_custom_networking(&self, errors: &mut ValidationErrors) {
        if self.custom_networking() && self.stack_layout == StackLayout::Single {
            errors.push(
                "network.podCidr",
                codes::POD_CIDR_SINGLE_STACK,
                "podCidr cannot deploy with stackLayout: single: custom networking needs the ENIConfigs applied after the cluster exists and before any node starts (a node whose zone has no ENIConfig never becomes Ready, and its node group fails), and a single stack creates the cluster and its nodes in one deployment; use stackLayout: perLifecycle (the default), or remove podCidr",
            );
        }
    }

    /// Findings of custom networking: a private-only API endpoint, from where the ENIConfigs
    /// cannot be applied without a network path into the VPC (`EKSB-NETWORK-002`).
    fn custom_networking_findings(&self) -> Vec<Finding> {
        let endpoint = &self.cluster.endpoint;
        if !self.custom_networking() || endpoint.public {
            return Vec::new();
        }
        vec![Finding::new(
            findings::CUSTOM_NETWORKING_PRIVATE_ENDPOINT,
            "cluster.endpoint.public",
            "with podCidr the ENIConfigs are applied with kubectl between the cluster and compute stacks, and a private-only API endpoint answers only inside the VPC (or a network connected to it, with the cluster security group admitting HTTPS from there); set public: true with publicAccessCidrs limited to where kubectl runs, or suppress this rule with a reason that says how kubectl reaches the endpoint (docs/custom-networking.md)",
        )]
    }

    /// What an ipv6 cluster or an IPv6 network does not support yet.
    fn validate_ipv6(&self, errors: &mut ValidationErrors) {
        if self.network.ipv6 && self.network.pod_cidr.is_some() {
            errors.push(
                "network.podCidr",
                codes::POD_CIDR_IPV6,
                "VPC CNI custom networking (pod subnets) is IPv4 only, and an ipv6 cluster gives pods IPv6 addresses from the node subnets; remove podCidr or network.ipv6",
            );
        }
        if self.cluster.ip_family != cluster::IpFamily::Ipv6 {
            return;
        }
        if !self.compute.self_managed_node_groups.is_empty() {
            errors.push(
                "compute.selfManagedNodeGroups",
                codes::IPV6_SELF_MANAGED,
                "self-managed node groups are not supported with ipFamily: ipv6 yet (their node configuration would need the cluster's IPv6 service CIDR); use managedNodeGroups",
            );
        }
        if self.compute.karpenter.is_some() {
            errors.push(
                "compute.karpenter",
                codes::IPV6_KARPENTER,
                "Karpenter is not supported with ipFamily: ipv6 yet (its EC2NodeClass would need IPv6 instance metadata); use managedNodeGroups",
            );
        }
    }

    /// Best-practice findings (warnings with rule ids), without the suppressed rules.
    pub fn findings(&self) -> Vec<Finding> {
        let mut all = self.compute.findings();
        if self.cluster.ip_family == cluster::IpFamily::Ipv4 {
            all.extend(self.compute.max_pods_findings(self.custom_networking()));
        }
        all.extend(self.network.findings(&self.compute));
        all.extend(self.lifecycle_findings());
        all.extend(self.custom_networking_findings());
        if let Some(karpenter) = &self.compute.karpenter {
            all.extend(karpenter.findings());
        }
        all.retain(|f| !self.suppress.iter().any(|s| s.rule == f.rule_id));
        all
    }

    /// What deleting the stacks would do: destroy stateful resources, or fail.
    fn lifecycle_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        match self.removal_policy {
            RemovalPolicy::Destroy => out.push(Finding::new(
                findings::REMOVAL_DESTROY,
                "removalPolicy",
                "deleting a stack deletes the EKS cluster, its IAM role and log groups, and schedules its KMS keys for deletion (their data becomes unreadable after 30 days); keep removalPolicy: retain for clusters whose data matters",
            )),
            RemovalPolicy::Retain => {
                // An existing VPC is not deleted with the stack, so nothing holds it up.
                if self.stack_layout == StackLayout::Single && self.network.existing.is_none() {
                    out.push(Finding::new(
                        findings::SINGLE_STACK_RETAINS_CLUSTER,
                        "stackLayout",
                        "one stack with removalPolicy: retain keeps the cluster when the stack is deleted, and the cluster's network interfaces keep its subnets: the delete fails on the VPC (DELETE_FAILED); use removalPolicy: destroy for a sandbox, or stackLayout: perLifecycle",
                    ));
                }
            }
        }
        out
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

    /// What deleting a stack does to the stateful resources. Default:
    /// [`RemovalPolicy::Retain`].
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.0.removal_policy = policy;
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

/// Refuses `${` in a user string that eks-blueprint writes into a template literally (a plain
/// string, or an `Fn::Sub` template where it escapes `${`): CloudFormation would never
/// substitute it, and cfn-lint reports `${AWS::Region}` or `${SomeLogicalId}` in a plain
/// string as an embedded parameter outside `Fn::Sub` (E1029). `what` names the field in the
/// message.
pub(crate) fn check_no_substitution(path: &str, value: &str, what: &str, errors: &mut crate::error::ValidationErrors) {
    if value.contains("${") {
        errors.push(
            path,
            codes::SUBSTITUTION,
            format!(
                "`{}` contains `${{`, which CloudFormation reads as a substitution; {what} is written as given, with no substitution: write the value itself",
                crate::text::quote(value)
            ),
        );
    }
}

/// Refuses `${...}` in an IAM policy string unless it is an IAM policy variable
/// (`${aws:username}`, `${aws:PrincipalTag/team}`, `${s3:prefix}`, `${aws:username, 'x'}`,
/// or the special `${*}`, `${?}`, `${$}`): statements are written as literal strings, so a
/// CloudFormation substitution (`${AWS::AccountId}`, `${MyBucket}`, `${MyBucket.Arn}`) would
/// reach IAM unsubstituted (and cfn-lint reports E1029).
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html>)
pub(crate) fn check_policy_variables(path: &str, value: &str, errors: &mut crate::error::ValidationErrors) {
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            errors.push(
                path,
                codes::SUBSTITUTION,
                format!(
                    "`{}` opens `${{` without closing it: IAM policy variables read ${{aws:username}}",
                    crate::text::quote(value)
                ),
            );
            return;
        };
        let inner = &after[..end];
        let name = inner.split(',').next().unwrap_or_default().trim();
        let iam_variable = matches!(name, "*" | "?" | "$")
            || name.split_once(':').is_some_and(|(prefix, key)| {
                !prefix.is_empty()
                    && !key.is_empty()
                    && !key.starts_with(':')
                    && prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_')
            });
        if !iam_variable {
            errors.push(
                path,
                codes::SUBSTITUTION,
                format!(
                    "`{}`: `${{{inner}}}` is not an IAM policy variable but would read as a CloudFormation substitution, which statements do not get (they are written as given): write the value itself, or an IAM policy variable like ${{aws:PrincipalAccount}} or ${{aws:username}}",
                    crate::text::quote(value)
                ),
            );
            return;
        }
        rest = &after[end + 1..];
    }
}
