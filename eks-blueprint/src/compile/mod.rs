//! Compile: a blueprint spec becomes a validated [`crate::Blueprint`]. Defaults are applied
//! once, every rule is checked (all errors collected, each with a registered [`codes`]
//! code), and the derived data is computed once.
//!
//! Validation is by topic: [`network`](self) ([`address`] computes the address plan),
//! cluster, compute (node groups with one base validator, Fargate, Auto Mode), Karpenter,
//! identities, tags, labels and taints; every rule that spans sections is in `cross`.
//! Findings (warnings) are in [`checks`].

pub mod address;
pub mod capacity;
pub mod checks;
pub mod codes;
mod context;
pub mod data;
pub mod defaults;

pub(crate) mod addons;
pub(crate) mod cluster;
mod common;
mod compute;
mod cross;
mod derived;
pub(crate) mod environments;
mod fargate;
pub(crate) mod identity;
mod karpenter;
mod labels;
pub(crate) mod network;
mod nodegroups;
pub mod quotas;
pub(crate) mod tags;
pub mod versions;

pub use context::{Context, Date, InvalidDate};

use std::path::Path;

use indexmap::IndexMap;

use crate::blueprint::network::{AddressPlan, Network, NewVpc};
use crate::blueprint::stacks::Stacks;
use crate::blueprint::{Blueprint, Finding};
use crate::error::{Error, ValidationErrors};
use crate::source::{Source, SourceFormat};
use crate::spec::cluster::{KubernetesVersion, RemovalPolicy};
use crate::spec::{BlueprintBuilder, BlueprintSpec, CrossStackReferences, StackLayout};

/// The longest blueprint name: EKS cluster names are at most 100 characters.
pub const MAX_NAME_LEN: usize = 100;

/// A spec with every default applied: the one defaults pass ([`defaults`] names each
/// default). Validation, the checks and the resolved blueprint read it; `spec` is what was
/// written, for the rules about what was set.
pub(crate) struct Defaulted<'a> {
    pub(crate) spec: &'a BlueprintSpec,
    pub(crate) name: &'a str,
    pub(crate) tags: &'a IndexMap<String, String>,
    pub(crate) kubernetes_version: KubernetesVersion,
    pub(crate) stack_layout: StackLayout,
    pub(crate) cross_stack_references: CrossStackReferences,
    pub(crate) removal_policy: RemovalPolicy,
    pub(crate) network: network::Defaulted<'a>,
    pub(crate) cluster: crate::blueprint::cluster::Cluster,
    pub(crate) compute: compute::Defaulted,
    pub(crate) identities: Vec<crate::blueprint::identity::Identity>,
}

impl<'a> Defaulted<'a> {
    /// Applies every default of `spec`.
    pub(crate) fn of(spec: &'a BlueprintSpec) -> Self {
        Defaulted {
            spec,
            name: &spec.name,
            tags: &spec.tags,
            kubernetes_version: spec.kubernetes_version.clone().unwrap_or_default(),
            stack_layout: spec.stack_layout.unwrap_or(defaults::STACK_LAYOUT),
            cross_stack_references: spec.cross_stack_references.unwrap_or(defaults::CROSS_STACK_REFERENCES),
            removal_policy: spec.removal_policy.unwrap_or(defaults::REMOVAL_POLICY),
            network: network::defaulted(&spec.network),
            cluster: cluster::resolve(&spec.cluster, spec.removal_policy.unwrap_or(defaults::REMOVAL_POLICY)),
            compute: compute::defaulted(
                &spec.compute,
                network::nat_free(&spec.network),
                &spec.kubernetes_version.clone().unwrap_or_default(),
            ),
            identities: identity::resolve(&spec.identities),
        }
    }
}

/// Compiles a spec into a validated blueprint and its findings (warnings, apart from the
/// errors), or every problem found; [`compile_with`] an empty [`Context`].
pub fn compile(spec: BlueprintSpec) -> Result<(Blueprint, Vec<Finding>), ValidationErrors> {
    compile_with(spec, &Context::default())
}

/// Checks an upgrade of the control plane from `deployed` to `next` on its own (what
/// [`compile_with`] checks when its context has the deployed version): `next` equals
/// `deployed` or is one minor version newer. For tools that compare two outputs.
pub fn check_upgrade(deployed: &KubernetesVersion, next: &KubernetesVersion) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    versions::upgrade(deployed, next, &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// [`compile`] with what is known besides the spec: the version deployed now (an upgrade
/// that skips a minor version, or a downgrade, is refused) and the day of synthesis (a
/// version past standard support on it is a finding).
pub fn compile_with(spec: BlueprintSpec, ctx: &Context) -> Result<(Blueprint, Vec<Finding>), ValidationErrors> {
    let bp = Defaulted::of(&spec);
    let mut errors = ValidationErrors::default();
    let address_plan = validate(&bp, &mut errors);
    if let Some(deployed) = &ctx.deployed_version {
        versions::upgrade(deployed, &bp.kubernetes_version, &mut errors);
    }
    let network = match (bp.network.existing, address_plan) {
        (Some(existing), _) => Network::Existing(existing.clone()),
        (None, Some(plan)) => Network::New(NewVpc {
            availability_zones: bp.network.availability_zones.clone(),
            plan,
            nat_gateways: bp.network.nat_gateways,
            ipv6: bp.network.ipv6,
            vpc_endpoints: derived::vpc_endpoints(&bp),
            flow_logs: bp.network.flow_logs,
            custom_networking: derived::custom_networking(&bp),
        }),
        // Validation made no plan: it said why.
        (None, None) => return Err(errors),
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let addons = addons::resolve(&bp);
    let installed = addons.names();
    let mut findings = checks::findings(&bp, &installed, ctx);
    let service_cidr = derived::service_cidr(&bp);
    let addon_versions = versions::resolve_addons(&bp, &installed);
    let Some(compute) = compute::resolve(bp.compute.clone(), &service_cidr) else {
        // Validation refused what self-managed node groups need, and said why.
        return Err(errors);
    };
    let mut blueprint = Blueprint {
        name: spec.name.clone(),
        kubernetes_version: bp.kubernetes_version.clone(),
        stack_layout: bp.stack_layout,
        cross_stack_references: bp.cross_stack_references,
        removal_policy: bp.removal_policy,
        tags: spec.tags.clone(),
        network,
        cluster: bp.cluster.clone(),
        compute,
        identities: bp.identities.clone(),
        addons,
        addon_versions,
        stacks: Stacks::new(&spec.name, bp.stack_layout == StackLayout::Single),
        findings: findings.clone(),
        target: spec.target.clone(),
        spec,
    };
    // The capacity plan reads the resolved blueprint (address plan, groups, endpoints).
    let suppressed = |f: &Finding| blueprint.spec.suppress.iter().any(|s| s.rule == f.rule_id);
    let capacity: Vec<Finding> =
        capacity::findings(&capacity::plan(&blueprint)).into_iter().filter(|f| !suppressed(f)).collect();
    blueprint.findings.extend(capacity.iter().cloned());
    findings.extend(capacity);
    Ok((blueprint, findings))
}

impl BlueprintSpec {
    /// Compiles the spec into a validated blueprint ([`compile`]); its findings are
    /// [`Blueprint::findings`].
    pub fn compile(self) -> Result<Blueprint, Error> {
        self.compile_with(&Context::default())
    }

    /// Compiles the spec with a [`Context`] ([`compile_with`]).
    pub fn compile_with(self, ctx: &Context) -> Result<Blueprint, Error> {
        compile_with(self, ctx).map(|(blueprint, _)| blueprint).map_err(Error::Invalid)
    }
}

impl BlueprintBuilder {
    /// Validates and returns the blueprint, or every problem found.
    pub fn build(self) -> Result<Blueprint, Error> {
        self.spec().compile()
    }
}

impl Blueprint {
    /// A builder for a blueprint named `name`, with the secure defaults.
    pub fn builder(name: impl Into<String>) -> BlueprintBuilder {
        BlueprintSpec::builder(name)
    }

    /// Reads a blueprint file, YAML or JSON (a `.json` file), and compiles it
    /// ([`BlueprintSpec::from_path`], [`compile`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Blueprint, Error> {
        Self::from_source(&Source::read(path)?)
    }

    /// Reads a blueprint from YAML text and compiles it.
    pub fn from_yaml(text: &str) -> Result<Blueprint, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Yaml)?)
    }

    /// Reads a blueprint from JSON text and compiles it.
    pub fn from_json(text: &str) -> Result<Blueprint, Error> {
        Self::from_source(&Source::from_text("<input>", text, SourceFormat::Json)?)
    }

    /// Reads the blueprint of a checked [`Source`] and compiles it. Errors of the file's
    /// content carry the line and column ([`Error::Parse`]); validation errors carry field
    /// paths, which [`Source::map`] locates.
    pub fn from_source(source: &Source) -> Result<Blueprint, Error> {
        Self::from_source_with(source, &Context::default())
    }

    /// [`Blueprint::from_source`] with a [`Context`]: the deployed version and the day of
    /// synthesis ([`compile_with`]).
    pub fn from_source_with(source: &Source, ctx: &Context) -> Result<Blueprint, Error> {
        BlueprintSpec::from_source(source)?.compile_with(ctx)
    }

    /// [`Blueprint::from_path`] with a [`Context`] ([`compile_with`]).
    pub fn from_path_with(path: impl AsRef<Path>, ctx: &Context) -> Result<Blueprint, Error> {
        Self::from_source_with(&Source::read(path)?, ctx)
    }
}

/// Collects every problem of the blueprint, section by section, then the rules that span
/// sections, in the order users read them; returns the address plan of the network.
fn validate(bp: &Defaulted, errors: &mut ValidationErrors) -> Option<AddressPlan> {
    let name_ok = bp.name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && bp.name.len() <= MAX_NAME_LEN
        && bp.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !bp.name.ends_with('-');
    if bp.name.is_empty() {
        errors.push("name", codes::EMPTY, "the blueprint needs a name (it names the cluster and its stacks)");
    } else if !name_ok {
        errors.push(
            "name",
            codes::INVALID_NAME,
            format!(
                "`{}` is not a valid name: start with a letter, then letters, digits and '-', at most {MAX_NAME_LEN} characters (it names the cluster and its CloudFormation stacks)",
                bp.name
            ),
        );
    }
    cluster::version(&bp.kubernetes_version, errors);
    tags::check("tags", bp.tags, tags::BLUEPRINT_TAGS, errors);
    let address_plan = network::validate(&bp.network, errors);
    cluster::validate(&bp.spec.cluster, &bp.cluster, errors);
    cross::removal(&bp.spec.cluster, bp.removal_policy, errors);
    cross::cluster_network(&bp.cluster, &bp.network, errors);
    cross::node_reachability(&bp.cluster, &bp.network, errors);
    compute::validate(&bp.spec.compute, &bp.compute, bp.kubernetes_version.as_str(), errors);
    versions::node_skew(bp, errors);
    versions::addon_pins(bp, &addons::resolve(bp).names(), errors);
    identity::validate(&bp.spec.identities, &bp.identities, errors);
    cross::pod_identity_on_fargate(&bp.identities, &bp.compute, errors);
    cross::service_cidr_required(bp, errors);
    addons::validate(bp, errors);
    if let Some(karpenter) = &bp.compute.karpenter {
        karpenter::validate(karpenter, errors);
    }
    cross::ipv6(bp, errors);
    cross::custom_networking(bp, errors);
    tags::check_counts(bp, errors);
    quotas::validate(bp, errors);
    checks::validate_suppressions(&bp.spec.suppress, errors);
    environments::validate(&bp.spec.environments, bp.name, errors);
    if let Some(target) = &bp.spec.target {
        environments::region_checks(target, bp, errors);
    }
    address_plan
}
