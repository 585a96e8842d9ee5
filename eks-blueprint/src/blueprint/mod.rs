//! The validated blueprint: what [`crate::compile`] makes of a [`BlueprintSpec`], and the
//! only thing synthesis renders. Its fields are private: it cannot be deserialized, built
//! field by field, or changed after compile, so it cannot become invalid.

pub(crate) mod addons;
pub mod cluster;
pub mod compute;
pub mod identity;
pub mod karpenter;
pub mod network;
pub(crate) mod stacks;
pub(crate) mod tags;

use indexmap::IndexMap;

use crate::spec::cluster::{KubernetesVersion, RemovalPolicy};
use crate::spec::network::VpcEndpointService;
use crate::spec::{BlueprintSpec, CrossStackReferences, StackLayout};
use network::AddressPlan;

/// A validated EKS platform, ready to synthesize: make one with [`Blueprint::builder`],
/// [`Blueprint::from_path`] (or `from_yaml`, `from_json`, `from_source`), or
/// [`BlueprintSpec::compile`]; all of them validate, apply the defaults once and compute
/// what rendering needs (the address plan, the findings, ...).
///
/// Two blueprints are equal when they describe the same platform, whatever their specs
/// spelled out: a value left to its default equals the same value written.
///
/// # Only a validated blueprint exists
///
/// (The error codes of these compile-fail examples are the ones rustc gives, checked by hand:
/// stable rustdoc does not compare them, so each refusal is paired with the code that does
/// compile.)
///
/// A `Blueprint` cannot be deserialized (`serde_yaml::from_str::<Blueprint>` does not
/// compile; read a [`BlueprintSpec`] or use [`Blueprint::from_yaml`], which validates):
///
/// ```compile_fail,E0277
/// let bp: eks_blueprint::Blueprint = serde_yaml::from_str("name: demo\n").unwrap();
/// ```
///
/// while the same line with the spec compiles (and is the input side, not yet validated):
///
/// ```
/// let yaml = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";
/// let spec: eks_blueprint::BlueprintSpec = serde_yaml::from_str(yaml).unwrap();
/// assert_eq!(spec.compile().unwrap().name(), "demo");
/// ```
///
/// It cannot be built field by field (its fields are private: "cannot construct
/// `Blueprint` with struct literal syntax due to private fields"); [`Blueprint::builder`]
/// and [`BlueprintSpec::compile`] are the ways in:
///
/// ```compile_fail
/// let bp = eks_blueprint::Blueprint { name: "demo".to_owned() };
/// ```
///
/// and cannot be changed after compile: a node group's sizes read through the spec it was
/// compiled from are behind a shared reference, so `min_size > max_size` cannot be written
/// into it:
///
/// ```compile_fail,E0596
/// use eks_blueprint::{Blueprint, ManagedNodeGroup};
///
/// let bp = Blueprint::builder("demo")
///     .managed_node_group(ManagedNodeGroup::builder("general").min_size(2).max_size(6))
///     .build()
///     .unwrap();
/// bp.spec().compute.managed_node_groups[0].min_size = Some(5);
/// ```
///
/// To change a blueprint, change a copy of its spec and compile it again, which validates:
///
/// ```
/// use eks_blueprint::{Blueprint, Error, ManagedNodeGroup};
///
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin);
/// let bp = Blueprint::builder("demo")
///     .cluster(ClusterSpec::builder().access_entry(admin))
///     .managed_node_group(ManagedNodeGroup::builder("general").min_size(2).max_size(6))
///     .build()?;
/// let mut spec = bp.spec().clone();
/// spec.compute.managed_node_groups[0].min_size = Some(5);
/// spec.compute.managed_node_groups[0].max_size = Some(2);
/// let Err(Error::Invalid(errors)) = spec.compile() else { panic!("min > max was accepted") };
/// assert_eq!(errors.iter().next().map(|e| e.code), Some("size-order"));
/// # Ok::<(), Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Blueprint {
    /// The spec it was compiled from.
    pub(crate) spec: BlueprintSpec,
    pub(crate) name: String,
    pub(crate) kubernetes_version: KubernetesVersion,
    pub(crate) stack_layout: StackLayout,
    pub(crate) cross_stack_references: CrossStackReferences,
    pub(crate) removal_policy: RemovalPolicy,
    pub(crate) tags: IndexMap<String, String>,
    pub(crate) network: network::Network,
    pub(crate) cluster: cluster::Cluster,
    pub(crate) compute: compute::Compute,
    pub(crate) identities: Vec<identity::Identity>,
    /// The EKS add-ons installed.
    pub(crate) addons: addons::Addons,
    /// The version of each EKS add-on installed that has one (pinned in `addonVersions`, or
    /// from the add-on table for the cluster's Kubernetes version), by EKS add-on name;
    /// absent: the EKS default.
    pub(crate) addon_versions: IndexMap<String, String>,
    /// The stack of each part of the platform.
    pub(crate) stacks: stacks::Stacks,
    /// Best-practice findings, without the suppressed rules.
    pub(crate) findings: Vec<Finding>,
    /// The environment selected, with its account and Region.
    pub(crate) target: Option<crate::spec::environments::SelectedEnvironment>,
}

impl PartialEq for Blueprint {
    fn eq(&self, other: &Self) -> bool {
        let Blueprint {
            spec: _,
            name,
            kubernetes_version,
            stack_layout,
            cross_stack_references,
            removal_policy,
            tags,
            network,
            cluster,
            compute,
            identities,
            addons,
            addon_versions,
            stacks,
            findings,
            target,
        } = self;
        *name == other.name
            && *kubernetes_version == other.kubernetes_version
            && *stack_layout == other.stack_layout
            && *cross_stack_references == other.cross_stack_references
            && *removal_policy == other.removal_policy
            && *tags == other.tags
            && *network == other.network
            && *cluster == other.cluster
            && *compute == other.compute
            && *identities == other.identities
            && *addons == other.addons
            && *addon_versions == other.addon_versions
            && *stacks == other.stacks
            && *findings == other.findings
            && *target == other.target
    }
}

impl Blueprint {
    /// The blueprint's name: the cluster's, and the prefix of its stacks.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The spec this blueprint was compiled from, as written.
    pub fn spec(&self) -> &BlueprintSpec {
        &self.spec
    }

    /// The Kubernetes version.
    pub fn kubernetes_version(&self) -> &KubernetesVersion {
        &self.kubernetes_version
    }

    /// How the platform is split into stacks.
    pub fn stack_layout(&self) -> StackLayout {
        self.stack_layout
    }

    /// What deleting a stack does to the stateful resources.
    pub fn removal_policy(&self) -> RemovalPolicy {
        self.removal_policy
    }

    /// The version of the EKS add-on `name` (e.g. `kube-proxy`) the blueprint pins, when
    /// it installs the add-on and a version is known (`addonVersions`, else the add-on table
    /// for the cluster's Kubernetes version); `None`: EKS installs its default.
    pub fn addon_version(&self, name: &str) -> Option<&str> {
        self.addon_versions.get(name).map(String::as_str)
    }

    /// The EKS add-ons the blueprint installs, by EKS name, in the order they are rendered.
    pub fn addon_names(&self) -> Vec<&'static str> {
        self.addons.names()
    }

    /// The environment the blueprint was selected for (`--env`), with its account and
    /// Region; `None` for the blueprint as written.
    pub fn environment(&self) -> Option<&crate::spec::environments::SelectedEnvironment> {
        self.target.as_ref()
    }

    /// Best-practice findings (warnings with rule ids), without the suppressed rules.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The IP capacity plan: per node group, the addresses a node and the whole group can
    /// take at worst; per subnet of the VPC the blueprint creates, its size, what else
    /// takes addresses there and what node groups can (docs/scale.md, "IP capacity"). Empty
    /// for an existing VPC and for ipv6 clusters.
    pub fn capacity(&self) -> crate::compile::capacity::Capacity {
        crate::compile::capacity::plan(self)
    }

    /// The address plan of the VPC the blueprint creates (`None` for an existing VPC).
    pub fn address_plan(&self) -> Option<&AddressPlan> {
        self.network.new_vpc().map(|vpc| &vpc.plan)
    }

    /// The VPC endpoints the network stack creates: `network.vpcEndpoints`, then those
    /// Karpenter needs in a VPC without NAT that the list lacks, so that it can launch nodes
    /// there.
    pub fn vpc_endpoints(&self) -> &[VpcEndpointService] {
        self.network.new_vpc().map_or(&[], |vpc| &vpc.vpc_endpoints)
    }

    /// Whether VPC CNI custom networking applies: a pod CIDR in a VPC of the blueprint, and
    /// the `vpc-cni` add-on of the cluster stack (EKS Auto Mode nodes, when they are the only
    /// compute, run their own CNI and take pod subnets from their NodeClass instead).
    pub fn custom_networking(&self) -> bool {
        self.network.new_vpc().is_some_and(|vpc| vpc.custom_networking)
    }
}

/// A best-practice finding: the rule, the field path and what to do.
///
/// Displayed as `warning[EKSB-COMPUTE-001]: compute.managedNodeGroups[1].instanceTypes: ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The stable rule id, e.g. `EKSB-COMPUTE-001`.
    pub rule_id: &'static str,
    /// The field path, as in the blueprint file.
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Finding {
    /// A finding; values quoted in the message are capped ([`crate::error::cap_message`]).
    pub fn new(rule_id: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = crate::error::cap_message(&message.into()).into_owned();
        Finding { rule_id, path: path.into(), message }
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "warning[{}]: {}: {}", self.rule_id, self.path, self.message)
    }
}
