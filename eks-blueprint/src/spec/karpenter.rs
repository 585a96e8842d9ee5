//! Karpenter: node autoscaling that launches EC2 instances directly, with its AWS
//! infrastructure in CloudFormation and its NodePools and EC2NodeClass as Kubernetes
//! manifests.
//!
//! <https://karpenter.sh/docs/>

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::compute::Taint;
use crate::compile::defaults;

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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Karpenter {
    /// The namespace the Karpenter Helm chart is installed in. Default: `kube-system`.
    pub namespace: String,
    /// The controller's service account, which gets the controller role through EKS Pod
    /// Identity. Default: `karpenter`.
    pub service_account: String,
    /// The EC2NodeClass AMI alias, `al2023@<version>`: `al2023@latest` follows new
    /// EKS-optimized AMIs (nodes drift to them), `al2023@v20250101` pins one. Default:
    /// `al2023@latest`.
    pub ami_alias: String,
    /// The NodePools. Default: one NodePool `default` with the NodePool defaults (On-Demand
    /// and Spot, categories c/m/r, generation > 5, amd64, 1000 vCPUs).
    pub node_pools: Vec<NodePool>,
}

impl Default for Karpenter {
    fn default() -> Self {
        Karpenter {
            namespace: defaults::KARPENTER_NAMESPACE.to_owned(),
            service_account: defaults::KARPENTER_SERVICE_ACCOUNT.to_owned(),
            ami_alias: defaults::KARPENTER_AMI_ALIAS.to_owned(),
            node_pools: vec![NodePool::builder(defaults::KARPENTER_NODE_POOL).build()],
        }
    }
}

/// A Karpenter NodePool (`karpenter.sh/v1`): which instances Karpenter may launch for
/// pending pods, and how it may disrupt them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodePool {
    /// The NodePool name: a DNS label (lowercase letters, digits and `-`), unique.
    pub name: String,
    /// Capacity types (`on-demand`, `spot`). Default: `[on-demand, spot]`.
    #[serde(default = "default_capacity_types")]
    pub capacity_types: Vec<CapacityType>,
    /// Instance categories (`c`, `m`, `r`, `t`, `g`, ...); an empty list allows all.
    /// Default: `[c, m, r]`.
    #[serde(default = "default_instance_categories")]
    pub instance_categories: Vec<String>,
    /// Only instance generations greater than this (`m5` is generation 5); `null` allows
    /// all. Default: 5.
    #[serde(default = "default_generation")]
    pub instance_generation_greater_than: Option<u32>,
    /// CPU architectures (`amd64`, `arm64`). Default: `[amd64]`.
    #[serde(default = "default_architectures")]
    pub architectures: Vec<Architecture>,
    /// Taints of the nodes. Default: none.
    #[serde(default)]
    pub taints: Vec<Taint>,
    /// Kubernetes labels of the nodes. Default: none.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
    /// The most resources the NodePool may launch in total. Default: 1000 vCPUs, no
    /// memory limit.
    #[serde(default)]
    pub limits: Limits,
    /// How Karpenter may remove and replace nodes. Default: consolidate empty or
    /// underutilized nodes after 1 minute, Karpenter's budget of 10% of nodes at a time.
    #[serde(default)]
    pub disruption: Disruption,
    /// Priority among NodePools, 1 to 100 (higher first). Default: none (treated as 0).
    #[serde(default)]
    pub weight: Option<u32>,
}

fn default_capacity_types() -> Vec<CapacityType> {
    vec![CapacityType::OnDemand, CapacityType::Spot]
}
fn default_instance_categories() -> Vec<String> {
    defaults::KARPENTER_INSTANCE_CATEGORIES.iter().map(|c| (*c).to_owned()).collect()
}
#[allow(clippy::unnecessary_wraps)]
fn default_generation() -> Option<u32> {
    Some(defaults::KARPENTER_INSTANCE_GENERATION_GREATER_THAN)
}
fn default_architectures() -> Vec<Architecture> {
    vec![Architecture::Amd64]
}

/// A Karpenter capacity type (the `karpenter.sh/capacity-type` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapacityType {
    /// `on-demand`
    OnDemand,
    /// `spot`
    Spot,
}

impl CapacityType {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "on-demand",
            CapacityType::Spot => "spot",
        }
    }
}

/// A CPU architecture (the `kubernetes.io/arch` label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// Resource limits of a NodePool, as Kubernetes quantities (`1000`, `4000Gi`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Limits {
    /// Total vCPUs; `null` for no limit. Default: 1000.
    pub cpu: Option<IntOrString>,
    /// Total memory (`4000Gi`); `null` for no limit. Default: none.
    pub memory: Option<IntOrString>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { cpu: Some(IntOrString(defaults::KARPENTER_CPU_LIMIT.to_owned())), memory: None }
    }
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Disruption {
    /// Which nodes consolidation may remove. Default: `WhenEmptyOrUnderutilized`.
    pub consolidation_policy: ConsolidationPolicy,
    /// How long a node must be consolidatable before Karpenter acts (`30s`, `5m`, `1h`,
    /// `Never`). Default: `1m`.
    pub consolidate_after: String,
    /// Disruption budgets: how many nodes may be disrupted at once, when. Default: none
    /// (Karpenter's default, 10% of the NodePool's nodes).
    pub budgets: Vec<Budget>,
}

impl Default for Disruption {
    fn default() -> Self {
        Disruption {
            consolidation_policy: ConsolidationPolicy::default(),
            consolidate_after: defaults::KARPENTER_CONSOLIDATE_AFTER.to_owned(),
            budgets: Vec::new(),
        }
    }
}

/// Which nodes consolidation may remove.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsolidationPolicy {
    /// Only nodes without workload pods.
    WhenEmpty,
    /// Empty nodes, and nodes whose pods fit elsewhere or on a cheaper node. Default.
    #[default]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Budget {
    /// A count (`0`, `2`) or a percentage (`10%`) of the NodePool's nodes.
    pub nodes: IntOrString,
    /// The disruption reasons it applies to (`Underutilized`, `Empty`, `Drifted`).
    /// Default: all.
    #[serde(default)]
    pub reasons: Vec<DisruptionReason>,
    /// When the budget starts being active, as a cron expression (UTC) or `@daily` etc.;
    /// needs `duration`. Default: always active.
    #[serde(default)]
    pub schedule: Option<String>,
    /// How long the budget is active after each schedule hit (`8h`, `30m`, `1h30m`);
    /// needs `schedule`. Default: always active.
    #[serde(default)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
        KarpenterBuilder { karpenter: Karpenter { node_pools: Vec::new(), ..Karpenter::default() } }
    }

    /// The interruption queue's name for a cluster: `<cluster>-karpenter`. The Helm values
    /// carry it as a literal, so it is fixed at synthesis.
    pub fn queue_name(cluster: &str) -> String {
        format!("{cluster}-karpenter")
    }
}

impl NodePool {
    /// A builder with the defaults.
    pub fn builder(name: impl Into<String>) -> NodePoolBuilder {
        NodePoolBuilder(
            NodePool {
                name: name.into(),
                capacity_types: Vec::new(),
                instance_categories: Vec::new(),
                instance_generation_greater_than: default_generation(),
                architectures: Vec::new(),
                taints: Vec::new(),
                labels: IndexMap::new(),
                limits: Limits::default(),
                disruption: Disruption::default(),
                weight: None,
            },
            false,
        )
    }
}

/// Builds a [`Karpenter`]; every setter documents its default.
#[derive(Debug, Clone)]
pub struct KarpenterBuilder {
    karpenter: Karpenter,
}

impl KarpenterBuilder {
    /// The namespace of the Helm release. Default: `kube-system`.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.karpenter.namespace = namespace.into();
        self
    }

    /// The controller's service account. Default: `karpenter`.
    pub fn service_account(mut self, name: impl Into<String>) -> Self {
        self.karpenter.service_account = name.into();
        self
    }

    /// The EC2NodeClass AMI alias. Default: `al2023@latest`.
    pub fn ami_alias(mut self, alias: impl Into<String>) -> Self {
        self.karpenter.ami_alias = alias.into();
        self
    }

    /// Adds a NodePool (appends). Default: one NodePool `default` when none is added.
    pub fn node_pool(mut self, pool: impl Into<NodePool>) -> Self {
        self.karpenter.node_pools.push(pool.into());
        self
    }

    /// The Karpenter settings. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> Karpenter {
        if self.karpenter.node_pools.is_empty() {
            self.karpenter.node_pools = Karpenter::default().node_pools;
        }
        self.karpenter
    }
}

impl From<KarpenterBuilder> for Karpenter {
    fn from(b: KarpenterBuilder) -> Self {
        b.build()
    }
}

/// Builds a [`NodePool`]; every setter documents its default.
#[derive(Debug, Clone)]
pub struct NodePoolBuilder(NodePool, bool);

impl NodePoolBuilder {
    /// Adds capacity types (appends). Default: On-Demand and Spot when none is given.
    pub fn capacity_types(mut self, types: impl IntoIterator<Item = CapacityType>) -> Self {
        self.0.capacity_types.extend(types);
        self
    }

    /// Adds instance categories (appends); calling it with an empty list allows every
    /// category. Default: c, m and r when it is not called.
    pub fn instance_categories<S: Into<String>>(mut self, categories: impl IntoIterator<Item = S>) -> Self {
        self.0.instance_categories.extend(categories.into_iter().map(Into::into));
        self.1 = true;
        self
    }

    /// Only instance generations greater than `generation`; `None` allows all. Default: 5.
    pub fn instance_generation_greater_than(mut self, generation: Option<u32>) -> Self {
        self.0.instance_generation_greater_than = generation;
        self
    }

    /// Adds architectures (appends). Default: amd64 when none is given.
    pub fn architectures(mut self, architectures: impl IntoIterator<Item = Architecture>) -> Self {
        self.0.architectures.extend(architectures);
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
        self.0.limits.cpu = cpu.map(IntOrString::from);
        self
    }

    /// The total memory limit (`4000Gi`); `None` for none. Default: none.
    pub fn memory_limit(mut self, memory: Option<&str>) -> Self {
        self.0.limits.memory = memory.map(IntOrString::from);
        self
    }

    /// Which nodes consolidation may remove. Default: `WhenEmptyOrUnderutilized`.
    pub fn consolidation_policy(mut self, policy: ConsolidationPolicy) -> Self {
        self.0.disruption.consolidation_policy = policy;
        self
    }

    /// How long before consolidating (`30s`, `5m`, `Never`). Default: `1m`.
    pub fn consolidate_after(mut self, after: impl Into<String>) -> Self {
        self.0.disruption.consolidate_after = after.into();
        self
    }

    /// Adds a disruption budget. Default: none (Karpenter's 10%).
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
    pub fn build(mut self) -> NodePool {
        if self.0.capacity_types.is_empty() {
            self.0.capacity_types = default_capacity_types();
        }
        if !self.1 {
            self.0.instance_categories = default_instance_categories();
        }
        if self.0.architectures.is_empty() {
            self.0.architectures = default_architectures();
        }
        self.0
    }
}

impl From<NodePoolBuilder> for NodePool {
    fn from(b: NodePoolBuilder) -> Self {
        b.build()
    }
}
