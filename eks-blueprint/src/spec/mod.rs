//! The blueprint spec: what the user writes, in a blueprint file or with the builders.
//!
//! The spec types are plain data (`Serialize + Deserialize`, public `Option` fields, every
//! field left out takes its default at [`crate::compile`]) and `#[non_exhaustive]`: build
//! them with their builders or constructors, never with struct literals, so that new fields
//! are not breaking changes. A spec written back to YAML holds only what was set
//! (`tests/spec_roundtrip.rs`).
//!
//! # Builder conventions
//!
//! - **`X::builder(..)` returns an `XBuilder`**, whose `build()` returns `X`. Identifying
//!   inputs are positional (`ManagedNodeGroup::builder("system")`,
//!   `WorkloadIdentity::builder(name, namespace, service_account)`); everything else is an
//!   optional setter whose doc ends with its default. A setter that takes a part accepts the
//!   part's builder too (`impl Into<ManagedNodeGroup>`), so `.build()` is rarely written.
//!   [`crate::Blueprint::builder`] is the exception that validates: its `build()` compiles
//!   the spec into a [`crate::Blueprint`] (and [`BlueprintBuilder::spec`] returns the
//!   unvalidated spec).
//! - **Small values have constructors** instead of builders, with setters on the value
//!   itself: [`cluster::AccessEntrySpec::new`], [`compute::Taint::new`],
//!   [`compute::FargateSelector::new`], [`compute::AutoMode::enabled`],
//!   [`network::ExistingVpc::new`], [`findings::Suppression::new`],
//!   [`identity::PolicyStatement::allow`].
//! - **Setters named for one item append** (`access_entry`, `managed_node_group`, `identity`,
//!   `tag`, `label`, `taint`, `node_pool`, `budget`, `vpc_endpoint`, `suppress`), and so do
//!   **plural setters of open lists** (`instance_types`, `public_access_cidrs`,
//!   `security_group_ids`, `kubernetes_groups`, `capacity_types`, `architectures`,
//!   `private_subnet_cidrs`, ...): each says "(appends)".
//! - **Setters of one value replace it**, a whole section included (`network`, `cluster`,
//!   `auto_mode`, `karpenter`, `min_size`, ...); so do the few plural setters whose list is
//!   one choice, and each says so: `logging` ("replaces the list"), `AutoMode::node_pools`
//!   and `availability_zone_names`/`availability_zone_ids` (set the zones).
//! - Builders are `#[must_use]`: a builder dropped without `build()` is a warning.

pub mod cluster;
pub mod compute;
pub mod environments;
pub mod findings;
pub mod identity;
pub mod karpenter;
pub mod network;
mod strict;

use std::path::Path;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::source::{Position, Source, SourceFormat};
use cluster::{ClusterSpec, KubernetesVersion, RemovalPolicy};
use compute::{AutoMode, Compute, FargateProfile, ManagedNodeGroup, SelfManagedNodeGroup};
use environments::{Environment, SelectedEnvironment};
use findings::Suppression;
use identity::WorkloadIdentity;
use network::Network;

/// How the platform is split into CloudFormation stacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum StackLayout {
    /// One stack per lifecycle: `<name>-network`, `<name>-cluster`, `<name>-compute`
    /// (AWS CDK best practice: what changes together deploys together). Default.
    PerLifecycle,
    /// Everything in one stack named `<name>`, for small setups.
    Single,
}

/// How a value produced by one stack reaches another (synthesis resolves it, see
/// `eks_blueprint::synth::References`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum CrossStackReferences {
    /// `Output` + `Export` and `Fn::ImportValue`: CloudFormation refuses to change or delete
    /// an export in use. Default.
    Exports,
    /// Plain `Output` and `Fn::GetStackOutput`: a weak reference; the producer can change
    /// freely, and consumers must be deployed again to see the change.
    StackOutputs,
}

/// A whole EKS platform as the user wrote it: what a blueprint file holds and what the Rust
/// builder ([`BlueprintSpec::builder`]) fills. Both meet in [`crate::compile`], which makes
/// the validated [`crate::Blueprint`] that synthesis renders.
///
/// Every field left out (`None`, empty) takes its default at compile, so the spec says only
/// what was written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct BlueprintSpec {
    /// The cluster name, also the stack name prefix: letters, digits and `-`, starting with
    /// a letter, at most 100 characters.
    pub name: String,
    /// The Kubernetes version. Default: 1.35.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<KubernetesVersion>,
    /// How resources are split into stacks. Default: one stack per lifecycle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_layout: Option<StackLayout>,
    /// How values cross stacks: `exports` (`Fn::ImportValue`, strong) or `stackOutputs`
    /// (`Fn::GetStackOutput`, weak). Default: exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_stack_references: Option<CrossStackReferences>,
    /// What deleting a stack does to the cluster, its IAM role, the KMS keys, the log groups
    /// and the GuardDuty detector: `retain` keeps them (except when the create that made
    /// them rolls back), `destroy` deletes them (sandboxes). Default: retain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removal_policy: Option<RemovalPolicy>,
    /// Tags for every resource that takes tags. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub tags: IndexMap<String, String>,
    /// The VPC.
    #[serde(default, skip_serializing_if = "is_default")]
    pub network: Network,
    /// The control plane.
    #[serde(default, skip_serializing_if = "is_default")]
    pub cluster: ClusterSpec,
    /// Node groups.
    #[serde(default, skip_serializing_if = "is_default")]
    pub compute: Compute,
    /// Workload identities: an IAM role per Kubernetes service account, through EKS Pod
    /// Identity or IRSA. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identities: Vec<WorkloadIdentity>,
    /// EKS add-on versions pinned by hand, by add-on name (`addonVersions: {coredns:
    /// v1.12.4-eksbuild.18}`), each written as EKS lists them (`v1.19.2-eksbuild.1`) and
    /// naming an add-on the blueprint installs. Default: none; each add-on gets the version
    /// of eks-blueprint's add-on table for the cluster's Kubernetes version
    /// ([`crate::compile::data::addon_versions`]), or the EKS default when the table knows
    /// none (finding `EKSB-VERSION-001`).
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub addon_versions: IndexMap<String, String>,
    /// Finding rules turned off, each with a reason (`suppress: [{rule, reason}]`).
    /// Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppress: Vec<Suppression>,
    /// Environments, by name (`dev`, `prod`): each an account, a Region and overrides
    /// deep-merged over this blueprint when it is selected (`--env prod`,
    /// [`BlueprintSpec::select_environment`]). Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub environments: IndexMap<String, Environment>,
    /// The environment this spec was selected for: set by selection, never read from a file.
    #[serde(skip)]
    pub(crate) target: Option<SelectedEnvironment>,
}

/// Whether a value is its type's `Default`, i.e. nothing was written (for
/// `skip_serializing_if`: a spec written back holds what the user set).
pub(crate) fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl BlueprintSpec {
    /// A builder for a blueprint named `name`, with the secure defaults.
    pub fn builder(name: impl Into<String>) -> BlueprintBuilder {
        BlueprintBuilder(BlueprintSpec {
            name: name.into(),
            kubernetes_version: None,
            stack_layout: None,
            cross_stack_references: None,
            removal_policy: None,
            tags: IndexMap::new(),
            network: Network::default(),
            cluster: ClusterSpec::default(),
            compute: Compute::default(),
            identities: Vec::new(),
            addon_versions: IndexMap::new(),
            suppress: Vec::new(),
            environments: IndexMap::new(),
            target: None,
        })
    }

    /// Reads a blueprint file: YAML, or JSON (a `.json` file). Unknown fields and keys given
    /// twice are errors; a file over 1 MiB, not UTF-8, or of several YAML documents is
    /// refused before it is parsed (see [`crate::source`]). Nothing is validated yet.
    pub fn from_path(path: impl AsRef<Path>) -> Result<BlueprintSpec, Error> {
        Self::from_source(&Source::read(path)?)
    }

    /// Reads a blueprint from YAML text.
    pub fn from_yaml(text: &str) -> Result<BlueprintSpec, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Yaml)?)
    }

    /// Reads a blueprint from JSON text.
    pub fn from_json(text: &str) -> Result<BlueprintSpec, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Json)?)
    }

    /// Reads the blueprint spec of a checked [`Source`]. Errors of the file's content carry
    /// the line and column ([`Error::Parse`]); validation errors, later, carry field paths,
    /// which [`Source::map`] locates.
    pub fn from_source(source: &Source) -> Result<BlueprintSpec, Error> {
        let spec: BlueprintSpec = match source.format() {
            SourceFormat::Yaml => {
                let de = serde_yaml::Deserializer::from_str(source.text());
                serde_path_to_error::deserialize(strict::Strict(de)).map_err(|e| {
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
                serde_path_to_error::deserialize(strict::Strict(&mut de)).map_err(|e| {
                    let (line, column) = (e.inner().line(), e.inner().column());
                    let position = (line > 0).then(|| source.position_of_line_byte(line, column));
                    // serde_json's column is where it stopped reading (before a value, after a
                    // key): the source map's position of the field is exact.
                    parse_error(source, e, position, Some(format!(" at line {line} column {column}")), true)
                })?
            }
        };
        Ok(spec)
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
    let code = serde_code(&message);
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

/// The code of a serde error, from its wording: `unknown-field`, `missing-field`,
/// `invalid-type`, `duplicate-key` or `invalid-value`.
pub(crate) fn serde_code(message: &str) -> &'static str {
    if message.starts_with("unknown field") {
        "unknown-field"
    } else if message.starts_with("missing field") {
        "missing-field"
    } else if message.starts_with("invalid type") {
        "invalid-type"
    } else if message.starts_with("duplicate field") {
        "duplicate-key"
    } else {
        "invalid-value"
    }
}

/// Builds a blueprint; every setter documents its default. `build()` compiles it into a
/// validated [`crate::Blueprint`]; [`BlueprintBuilder::spec`] returns what was set.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct BlueprintBuilder(BlueprintSpec);

impl BlueprintBuilder {
    /// The Kubernetes version. Default: 1.35.
    pub fn kubernetes_version(mut self, version: KubernetesVersion) -> Self {
        self.0.kubernetes_version = Some(version);
        self
    }

    /// How resources are split into stacks. Default: one stack per lifecycle.
    pub fn stack_layout(mut self, layout: StackLayout) -> Self {
        self.0.stack_layout = Some(layout);
        self
    }

    /// How values cross stacks. Default: exports.
    pub fn cross_stack_references(mut self, references: CrossStackReferences) -> Self {
        self.0.cross_stack_references = Some(references);
        self
    }

    /// What deleting a stack does to the stateful resources. Default:
    /// [`RemovalPolicy::Retain`].
    pub fn removal_policy(mut self, policy: RemovalPolicy) -> Self {
        self.0.removal_policy = Some(policy);
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
        self.0.compute.cluster_autoscaler = Some(on);
        self
    }

    /// The Kubernetes version of every node group that sets none (`compute.nodeVersion`).
    /// Default: the cluster's version.
    pub fn node_version(mut self, version: crate::spec::cluster::KubernetesVersion) -> Self {
        self.0.compute.node_version = Some(version);
        self
    }

    /// Pins the version of an EKS add-on (`addonVersions`; adds or replaces). Default: the
    /// version of the add-on table for the cluster's Kubernetes version.
    pub fn addon_version(mut self, addon: impl Into<String>, version: impl Into<String>) -> Self {
        self.0.addon_versions.insert(addon.into(), version.into());
        self
    }

    /// Suppresses a finding rule, with the reason (appends). Default: none.
    ///
    /// ```
    /// use eks_blueprint::{Blueprint, CapacityType, ManagedNodeGroup};
    /// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
    /// # let admin = || ClusterSpec::builder()
    /// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
    ///
    /// // Spot with a single instance type: finding EKSB-COMPUTE-001 (Spot needs diversity).
    /// let spot = || ManagedNodeGroup::builder("spot").capacity_type(CapacityType::Spot).instance_types(["m7i.large"]);
    /// let blueprint = Blueprint::builder("demo").cluster(admin()).managed_node_group(spot()).build()?;
    /// let finding = blueprint.findings().iter().find(|f| f.rule_id == "EKSB-COMPUTE-001").expect("the finding");
    /// assert_eq!(finding.path, "compute.managedNodeGroups[0].instanceTypes");
    ///
    /// // Suppressed, with the reason: the blueprint has no such finding.
    /// let blueprint = Blueprint::builder("demo")
    ///     .cluster(admin())
    ///     .managed_node_group(spot())
    ///     .suppress("EKSB-COMPUTE-001", "interruptible batch jobs; any capacity will do")
    ///     .build()?;
    /// assert!(blueprint.findings().iter().all(|f| f.rule_id != "EKSB-COMPUTE-001"));
    /// # Ok::<(), eks_blueprint::Error>(())
    /// ```
    pub fn suppress(mut self, rule: impl Into<String>, reason: impl Into<String>) -> Self {
        self.0.suppress.push(Suppression::new(rule, reason));
        self
    }

    /// Karpenter, with its NodePools. Default: off.
    pub fn karpenter(mut self, karpenter: impl Into<karpenter::Karpenter>) -> Self {
        self.0.compute.karpenter = Some(karpenter.into());
        self
    }

    /// Declares an environment (replaces one of the same name). Default: none. Select it
    /// with [`BlueprintSpec::select_environment`] on [`BlueprintBuilder::spec`].
    pub fn environment(mut self, name: impl Into<String>, environment: Environment) -> Self {
        self.0.environments.insert(name.into(), environment);
        self
    }

    /// The spec built so far, not validated.
    pub fn spec(self) -> BlueprintSpec {
        self.0
    }
}
