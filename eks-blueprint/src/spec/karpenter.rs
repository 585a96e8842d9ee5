//! Karpenter: node autoscaling that launches EC2 instances directly, with its AWS
//! infrastructure in CloudFormation and its NodePools and EC2NodeClass as Kubernetes
//! manifests.
//!
//! <https://karpenter.sh/docs/>

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::is_default;

use super::compute::Taint;

/// Karpenter for the cluster (`compute.karpenter`): the controller's IAM role through EKS
/// Pod Identity, the node role with its instance profile and access entry (no fixed IAM
/// names, so one blueprint deploys in several Regions of an account), the interruption queue
/// and its EventBridge rules, a node security group, and the Helm values, EC2NodeClass and
/// NodePools under `manifests/`, with `manifests/karpenter.sh`, which installs them after
/// the compute stack and removes them (nodes first) before that stack is deleted. In a VPC
/// without NAT the endpoints Karpenter needs are added and it runs with
/// `settings.isolatedVPC`.
///
/// The controller itself must run on capacity Karpenter does not manage: give the blueprint
/// a managed node group. Karpenter and the Cluster Autoscaler exclude each other.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Karpenter {
    /// The namespace the Karpenter Helm chart is installed in. Default: `kube-system`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The controller's service account, which gets the controller role through EKS Pod
    /// Identity. Default: `karpenter`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account: Option<String>,
    /// The EC2NodeClass AMI alias, `al2023@<version>`: `al2023@latest` follows new
    /// EKS-optimized AMIs (nodes drift to them), `al2023@v20250101` pins one. Default:
    /// `al2023@latest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ami_alias: Option<String>,
    /// The NodePools. Default: one NodePool `default` with the NodePool defaults (On-Demand
    /// and Spot, categories c/m/r, generation > 5, amd64, 1000 vCPUs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_pools: Option<Vec<KarpenterNodePool>>,
}

/// A Karpenter NodePool (`karpenter.sh/v1`): which instances Karpenter may launch for
/// pending pods, and how it may disrupt them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "KarpenterNodePool")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct KarpenterNodePool {
    /// The NodePool name: a DNS label (lowercase letters, digits and `-`), unique.
    pub name: String,
    /// Capacity types (`on-demand`, `spot`). Default: `[on-demand, spot]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_types: Option<Vec<KarpenterCapacityType>>,
    /// Instance categories (`c`, `m`, `r`, `t`, `g`, ...); an empty list allows all.
    /// Default: `[c, m, r]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_categories: Option<Vec<String>>,
    /// Only instance generations greater than this (`m5` is generation 5); `null` allows
    /// all. Default: 5.
    #[serde(default, deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub instance_generation_greater_than: Option<Option<u32>>,
    /// CPU architectures (`amd64`, `arm64`). Default: `[amd64]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architectures: Option<Vec<Architecture>>,
    /// Taints of the nodes. Default: none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
    /// Kubernetes labels of the nodes. Default: none.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub labels: IndexMap<String, String>,
    /// The most resources the NodePool may launch in total. Default: 1000 vCPUs, no
    /// memory limit.
    #[serde(default, skip_serializing_if = "is_default")]
    pub limits: Limits,
    /// How Karpenter may remove and replace nodes. Default: consolidate empty or
    /// underutilized nodes after 1 minute, Karpenter's budget of 10% of nodes at a time.
    #[serde(default, skip_serializing_if = "is_default")]
    pub disruption: Disruption,
    /// Priority among NodePools, 1 to 100 (higher first). Default: none (treated as 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
}

/// A Karpenter capacity type (the `karpenter.sh/capacity-type` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(rename = "KarpenterCapacityType")]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KarpenterCapacityType {
    /// `on-demand`
    OnDemand,
    /// `spot`
    Spot,
}

impl KarpenterCapacityType {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            KarpenterCapacityType::OnDemand => "on-demand",
            KarpenterCapacityType::Spot => "spot",
        }
    }
}

/// A CPU architecture (the `kubernetes.io/arch` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Architecture {
    /// `amd64` (x86_64).
    Amd64,
    /// `arm64` (Graviton).
    Arm64,
}

impl Architecture {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Architecture::Amd64 => "amd64",
            Architecture::Arm64 => "arm64",
        }
    }
}

/// Resource limits of a NodePool, as Kubernetes quantities (`1000`, `4000Gi`). A field
/// left out takes its default; `null` is no limit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Limits {
    /// Total vCPUs; `null` for no limit. Default: 1000.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub cpu: Option<Option<IntOrString>>,
    /// Total memory (`4000Gi`); `null` for no limit. Default: none.
    #[serde(deserialize_with = "present", skip_serializing_if = "Option::is_none")]
    pub memory: Option<Option<IntOrString>>,
}

/// A field that may be `null` on purpose: `Some(None)` is `null` as written, `None` (the
/// key left out, through `#[serde(default)]`) is the default.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A value written as a number or a string in the blueprint (`1000` or `"1000"`), kept as
/// text, as Kubernetes quantities and budgets are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntOrString(pub String);

impl IntOrString {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for IntOrString {
    fn from(s: &str) -> Self {
        IntOrString(s.to_owned())
    }
}

impl Serialize for IntOrString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IntOrString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = IntOrString;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string like 1000, 10% or 4000Gi")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<IntOrString, E> {
                Ok(IntOrString(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<IntOrString, E> {
                Ok(IntOrString(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<IntOrString, E> {
                Ok(IntOrString(v.to_string()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<IntOrString, E> {
                Ok(IntOrString(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// How Karpenter may disrupt a NodePool's nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
#[non_exhaustive]
pub struct Disruption {
    /// Which nodes consolidation may remove. Default: `WhenEmptyOrUnderutilized`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consolidation_policy: Option<ConsolidationPolicy>,
    /// How long a node must be consolidatable before Karpenter acts (`30s`, `5m`, `1h`,
    /// `Never`). Default: `1m`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consolidate_after: Option<String>,
    /// Disruption budgets: how many nodes may be disrupted at once, when. Default: none
    /// (Karpenter's default, 10% of the NodePool's nodes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub budgets: Vec<Budget>,
}

/// Which nodes consolidation may remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub enum ConsolidationPolicy {
    /// Only nodes without workload pods.
    WhenEmpty,
    /// Empty nodes, and nodes whose pods fit elsewhere or on a cheaper node. Default.
    WhenEmptyOrUnderutilized,
}

impl ConsolidationPolicy {
    /// The name as Karpenter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsolidationPolicy::WhenEmpty => "WhenEmpty",
            ConsolidationPolicy::WhenEmptyOrUnderutilized => "WhenEmptyOrUnderutilized",
        }
    }
}

/// A disruption budget: at most `nodes` nodes disrupted at once, for the given reasons,
/// during the given schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Budget {
    /// A count (`0`, `2`) or a percentage (`10%`) of the NodePool's nodes.
    pub nodes: IntOrString,
    /// The disruption reasons it applies to (`Underutilized`, `Empty`, `Drifted`).
    /// Default: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<DisruptionReason>,
    /// When the budget starts being active, as a cron expression (UTC) or `@daily` etc.;
    /// needs `duration`. Default: always active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// How long the budget is active after each schedule hit (`8h`, `30m`, `1h30m`);
    /// needs `schedule`. Default: always active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<String>,
}

impl Budget {
    /// A budget of `nodes` (a count or a percentage), always active, for every reason.
    pub fn new(nodes: impl Into<String>) -> Self {
        Budget { nodes: IntOrString(nodes.into()), reasons: Vec::new(), schedule: None, duration: None }
    }

    /// Limits the budget to a reason (appends). Default: all reasons.
    pub fn reason(mut self, reason: DisruptionReason) -> Self {
        self.reasons.push(reason);
        self
    }

    /// Activates the budget on a cron schedule for a duration. Default: always active.
    pub fn during(mut self, schedule: impl Into<String>, duration: impl Into<String>) -> Self {
        self.schedule = Some(schedule.into());
        self.duration = Some(duration.into());
        self
    }
}

/// A reason Karpenter disrupts a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub enum DisruptionReason {
    /// `Underutilized`
    Underutilized,
    /// `Empty`
    Empty,
    /// `Drifted`
    Drifted,
}

impl DisruptionReason {
    /// The name as Karpenter writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            DisruptionReason::Underutilized => "Underutilized",
            DisruptionReason::Empty => "Empty",
            DisruptionReason::Drifted => "Drifted",
        }
    }
}

impl Karpenter {
    /// A builder with the defaults.
    pub fn builder() -> KarpenterBuilder {
        KarpenterBuilder { karpenter: Karpenter::default() }
    }
}

impl KarpenterNodePool {
    /// A builder with the defaults.
    pub fn builder(name: impl Into<String>) -> KarpenterNodePoolBuilder {
        KarpenterNodePoolBuilder(KarpenterNodePool {
            name: name.into(),
            capacity_types: None,
            instance_categories: None,
            instance_generation_greater_than: None,
            architectures: None,
            taints: Vec::new(),
            labels: IndexMap::new(),
            limits: Limits::default(),
            disruption: Disruption::default(),
            weight: None,
        })
    }
}

/// Builds a [`Karpenter`]; every setter documents its default.
///
/// ```
/// use eks_blueprint::{Blueprint, Format, Karpenter, KarpenterCapacityType, KarpenterNodePool, ManagedNodeGroup};
/// # use eks_blueprint::{AccessEntrySpec, AccessPolicy, ClusterSpec};
/// # let admin = ClusterSpec::builder()
/// #     .access_entry(AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin));
///
/// let blueprint = Blueprint::builder("demo")
///     .cluster(admin)
///     // The controller runs on capacity Karpenter does not manage.
///     .managed_node_group(ManagedNodeGroup::builder("system"))
///     .karpenter(
///         Karpenter::builder()
///             .node_pool(KarpenterNodePool::builder("spot").capacity_types([KarpenterCapacityType::Spot]).weight(10)),
///     )
///     .build()?;
/// let assembly = blueprint.synth(Format::Json)?;
/// // The AWS side in CloudFormation: the controller role, the node role, the interruption queue.
/// for id in ["KarpenterControllerRole", "KarpenterNodeRole", "KarpenterInterruptionQueue"] {
///     assert!(assembly.stacks().iter().any(|s| s.template["Resources"].get(id).is_some()), "{id}");
/// }
/// // The NodePools as a Kubernetes manifest.
/// let pool: serde_json::Value = serde_yaml::from_str(&assembly.files()["manifests/karpenter-nodepools.yaml"])
///     .expect("one NodePool");
/// assert_eq!(pool["metadata"]["name"], "spot");
/// assert_eq!(pool["spec"]["weight"], 10);
/// # Ok::<(), eks_blueprint::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct KarpenterBuilder {
    karpenter: Karpenter,
}

impl KarpenterBuilder {
    /// The namespace of the Helm release. Default: `kube-system`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.karpenter.namespace = Some(namespace.into());
        self
    }

    /// The controller's service account. Default: `karpenter`.
    pub fn service_account(mut self, name: impl Into<String>) -> Self {
        self.karpenter.service_account = Some(name.into());
        self
    }

    /// The EC2NodeClass AMI alias. Default: `al2023@latest`.
    pub fn ami_alias(mut self, alias: impl Into<String>) -> Self {
        self.karpenter.ami_alias = Some(alias.into());
        self
    }

    /// Adds a NodePool (appends). Default: one NodePool `default` when none is added.
    pub fn node_pool(mut self, pool: impl Into<KarpenterNodePool>) -> Self {
        self.karpenter.node_pools.get_or_insert_with(Vec::new).push(pool.into());
        self
    }

    /// The Karpenter settings. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> Karpenter {
        // No NodePool added: the default one, as if none had been asked for.
        if self.karpenter.node_pools.as_ref().is_some_and(Vec::is_empty) {
            self.karpenter.node_pools = None;
        }
        self.karpenter
    }
}

impl From<KarpenterBuilder> for Karpenter {
    fn from(b: KarpenterBuilder) -> Self {
        b.build()
    }
}

/// Builds a [`KarpenterNodePool`]; every setter documents its default.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until it is built or passed on"]
pub struct KarpenterNodePoolBuilder(KarpenterNodePool);

impl KarpenterNodePoolBuilder {
    /// Adds capacity types (appends). Default: On-Demand and Spot when none is given.
    pub fn capacity_types(mut self, types: impl IntoIterator<Item = KarpenterCapacityType>) -> Self {
        self.0.capacity_types.get_or_insert_with(Vec::new).extend(types);
        self
    }

    /// Adds instance categories (appends); calling it with an empty list allows every
    /// category. Default: c, m and r when it is not called.
    pub fn instance_categories<S: Into<String>>(mut self, categories: impl IntoIterator<Item = S>) -> Self {
        self.0.instance_categories.get_or_insert_with(Vec::new).extend(categories.into_iter().map(Into::into));
        self
    }

    /// Only instance generations greater than `generation`; `None` allows all. Default: 5.
    pub fn instance_generation_greater_than(mut self, generation: Option<u32>) -> Self {
        self.0.instance_generation_greater_than = Some(generation);
        self
    }

    /// Adds architectures (appends). Default: amd64 when none is given.
    pub fn architectures(mut self, architectures: impl IntoIterator<Item = Architecture>) -> Self {
        self.0.architectures.get_or_insert_with(Vec::new).extend(architectures);
        self
    }

    /// Adds a taint. Default: none.
    pub fn taint(mut self, taint: Taint) -> Self {
        self.0.taints.push(taint);
        self
    }

    /// Adds a label. Default: none.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.labels.insert(key.into(), value.into());
        self
    }

    /// The total vCPU limit; `None` for none. Default: 1000.
    pub fn cpu_limit(mut self, cpu: Option<&str>) -> Self {
        self.0.limits.cpu = Some(cpu.map(IntOrString::from));
        self
    }

    /// The total memory limit (`4000Gi`); `None` for none. Default: none.
    pub fn memory_limit(mut self, memory: Option<&str>) -> Self {
        self.0.limits.memory = Some(memory.map(IntOrString::from));
        self
    }

    /// Which nodes consolidation may remove. Default: `WhenEmptyOrUnderutilized`.
    pub fn consolidation_policy(mut self, policy: ConsolidationPolicy) -> Self {
        self.0.disruption.consolidation_policy = Some(policy);
        self
    }

    /// How long before consolidating (`30s`, `5m`, `Never`). Default: `1m`.
    pub fn consolidate_after(mut self, after: impl Into<String>) -> Self {
        self.0.disruption.consolidate_after = Some(after.into());
        self
    }

    /// Adds a disruption budget (appends). Default: none (Karpenter's 10%).
    pub fn budget(mut self, budget: Budget) -> Self {
        self.0.disruption.budgets.push(budget);
        self
    }

    /// Priority among NodePools, 1 to 100. Default: none.
    pub fn weight(mut self, weight: u32) -> Self {
        self.0.weight = Some(weight);
        self
    }

    /// The NodePool. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> KarpenterNodePool {
        // None given: the defaults, as if none had been asked for (an empty list of
        // instance categories, asked for, allows every category).
        if self.0.capacity_types.as_ref().is_some_and(Vec::is_empty) {
            self.0.capacity_types = None;
        }
        if self.0.architectures.as_ref().is_some_and(Vec::is_empty) {
            self.0.architectures = None;
        }
        self.0
    }
}

impl From<KarpenterNodePoolBuilder> for KarpenterNodePool {
    fn from(b: KarpenterNodePoolBuilder) -> Self {
        b.build()
    }
}
