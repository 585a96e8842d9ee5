//! Karpenter: node autoscaling that launches EC2 instances directly, with its AWS
//! infrastructure in CloudFormation and its NodePools and EC2NodeClass as Kubernetes
//! manifests.
//!
//! <https://karpenter.sh/docs/>

use indexmap::IndexMap;
use serde::{Deserialize, Deserializer};

use super::compute::Taint;
use super::Blueprint;
use crate::compile::codes;
use crate::compile::defaults;
use crate::error::ValidationErrors;

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
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

/// The label domains a NodePool may not set labels in (the NodePool CRD's CEL rules).
const RESTRICTED_LABEL_DOMAINS: [&str; 2] = ["karpenter.sh", "karpenter.k8s.aws"];

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

    /// Whether Karpenter runs in a VPC without a route to the internet (a VPC of the
    /// blueprint with `natGateways: none`): it then reaches AWS only through VPC endpoints
    /// ([`Karpenter::isolated_vpc_endpoints`]) and runs with `settings.isolatedVPC: true`.
    pub fn isolated_vpc(bp: &Blueprint) -> bool {
        bp.compute.karpenter.is_some()
            && bp.network.existing.is_none()
            && bp.network.nat_gateways == super::network::NatGateways::None
    }

    /// The VPC endpoints Karpenter needs in a VPC without internet access: the list of the
    /// Karpenter getting-started guide, "Private Clusters"
    /// (<https://karpenter.sh/docs/getting-started/getting-started-with-karpenter/#private-clusters>:
    /// `ec2`, `ecr.api`, `ecr.dkr`, `s3`, `sts`, `ssm` "for resolving default AMIs", `sqs`
    /// "for accessing SQS if using interruption handling", `eks` "for Karpenter to discover
    /// the cluster endpoint"), plus `eks-auth`: the controller's role comes through EKS Pod
    /// Identity, whose agent calls the EKS Auth API (EKS user guide, "Deploy private
    /// clusters with limited internet access"). IAM has no VPC endpoint, which is why the
    /// EC2NodeClass names an instance profile the compute stack creates rather than a role.
    pub fn isolated_vpc_endpoints() -> Vec<super::network::VpcEndpointService> {
        ["ec2", "ecr.api", "ecr.dkr", "s3", "sts", "ssm", "sqs", "eks", "eks-auth"]
            .into_iter()
            .map(super::network::VpcEndpointService::from)
            .collect()
    }

    pub(crate) fn validate(&self, bp: &Blueprint, errors: &mut ValidationErrors) {
        let path = "compute.karpenter";
        if bp.compute.cluster_autoscaler {
            errors.push(
                "compute.clusterAutoscaler",
                codes::CONFLICT,
                "the Cluster Autoscaler and Karpenter both scale nodes and would fight over them: remove clusterAutoscaler or karpenter",
            );
        }
        if bp.compute.auto_mode.enabled {
            errors.push(
                path,
                codes::CONFLICT,
                "EKS Auto Mode runs its own managed Karpenter; turn off either autoMode or karpenter",
            );
        }
        // Not Fargate: the controller's role uses EKS Pod Identity, which Fargate does not run.
        if bp.compute.managed_node_groups.is_empty() && bp.compute.self_managed_node_groups.is_empty() {
            errors.push(
                path,
                codes::NO_CONTROLLER_CAPACITY,
                "Karpenter's controller cannot run on nodes Karpenter launches: add a managed node group for it (and other cluster-critical pods)",
            );
        }
        if !super::is_dns_label(&self.namespace) {
            errors.push(
                format!("{path}.namespace"),
                codes::INVALID_NAME,
                format!("`{}` is not a namespace name: 1 to 63 lowercase letters, digits and '-'", self.namespace),
            );
        }
        if !super::is_dns_label(&self.service_account) {
            errors.push(
                format!("{path}.serviceAccount"),
                codes::INVALID_NAME,
                format!(
                    "`{}` is not a service account name: 1 to 63 lowercase letters, digits and '-'",
                    self.service_account
                ),
            );
        }
        check_ami_alias(&self.ami_alias, &format!("{path}.amiAlias"), errors);
        for (i, pool) in self.node_pools.iter().enumerate() {
            let p = format!("{path}.nodePools[{i}]");
            pool.validate(&p, errors);
            if self.node_pools[..i].iter().any(|o| o.name == pool.name) {
                errors.push(
                    format!("{p}.name"),
                    codes::DUPLICATE,
                    format!("`{}` is used by another NodePool", pool.name),
                );
            }
        }
    }
}

impl Karpenter {
    /// Findings of rule `EKSB-KARPENTER-001`: a NodePool whose instance categories,
    /// generation and architectures match no instance type of the instance type table, so
    /// Karpenter could launch no node for it.
    pub(crate) fn findings(&self) -> Vec<super::findings::Finding> {
        use super::compute::Arch;
        use super::findings::{Finding, KARPENTER_NO_INSTANCE_TYPE};
        let mut out = Vec::new();
        for (i, pool) in self.node_pools.iter().enumerate() {
            let matches = crate::compile::data::instance_types::all().iter().any(|t| {
                let Some((category, generation)) = category_and_generation(t.name) else { return false };
                let arch = match t.arch {
                    Some(Arch::X86_64) => Architecture::Amd64,
                    Some(Arch::Arm64) => Architecture::Arm64,
                    None => return false,
                };
                (pool.instance_categories.is_empty() || pool.instance_categories.iter().any(|c| c == category))
                    && pool.instance_generation_greater_than.is_none_or(|g| generation > g)
                    && pool.architectures.contains(&arch)
            });
            if matches {
                continue;
            }
            let categories = if pool.instance_categories.is_empty() {
                "any category".to_owned()
            } else {
                format!("category {}", pool.instance_categories.join(" or "))
            };
            let generation =
                pool.instance_generation_greater_than.map_or_else(String::new, |g| format!(", a generation above {g}"));
            let archs: Vec<&str> = pool.architectures.iter().map(|a| a.as_str()).collect();
            out.push(Finding::new(
                KARPENTER_NO_INSTANCE_TYPE,
                format!("compute.karpenter.nodePools[{i}]"),
                format!(
                    "no instance type eks-blueprint knows (instance types of {}) has {categories}{generation} and architecture {}: Karpenter would launch no node for NodePool `{}`; check instanceCategories, instanceGenerationGreaterThan and architectures (suppress this rule for instance types newer than the table)",
                    crate::compile::data::instance_types::TABLE_DATE,
                    archs.join(" or "),
                    pool.name
                ),
            ));
        }
        out
    }
}

/// The `karpenter.k8s.aws/instance-category` and `instance-generation` of an instance type, as
/// Karpenter reads them from its name: the leading letters, then (after an optional
/// `-<n>tb`) the generation digits (`c7i.large`: `c`, 7; `u-6tb1.metal`: `u`, 1)
/// (aws/karpenter-provider-aws `pkg/providers/instancetype/types.go`, `instanceTypeScheme`).
fn category_and_generation(name: &str) -> Option<(&str, u32)> {
    let family = name.split('.').next()?;
    let letters = family.find(|c: char| !c.is_ascii_lowercase())?;
    let (category, mut rest) = family.split_at(letters);
    if let Some(size) = rest.strip_prefix('-') {
        let digits = size.find(|c: char| !c.is_ascii_digit()).unwrap_or(size.len());
        if digits > 0 && size[digits..].starts_with("tb") {
            rest = &size[digits + 2..];
        }
    }
    let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
    (!category.is_empty() && digits > 0).then_some(())?;
    Some((category, rest[..digits].parse().ok()?))
}

fn check_ami_alias(alias: &str, path: &str, errors: &mut ValidationErrors) {
    // The EC2NodeClass CEL rule: `family@version`; this blueprint renders the Amazon Linux
    // 2023 block devices and user data, so only that family is accepted.
    match alias.split_once('@') {
        Some(("al2023", version))
            if !version.is_empty()
                && version.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_') => {}
        _ => errors.push(
            path,
            codes::INVALID_AMI_ALIAS,
            format!(
                "`{alias}` is not an Amazon Linux 2023 AMI alias: write al2023@latest or a pinned al2023@v20250101"
            ),
        ),
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

    fn validate(&self, path: &str, errors: &mut ValidationErrors) {
        if !super::is_dns_label(&self.name) {
            errors.push(
                format!("{path}.name"),
                codes::INVALID_NAME,
                format!("`{}` is not a NodePool name: 1 to 63 lowercase letters, digits and '-'", self.name),
            );
        }
        if self.capacity_types.is_empty() {
            errors.push(
                format!("{path}.capacityTypes"),
                codes::EMPTY,
                "give at least one capacity type: on-demand or spot",
            );
        }
        if self.architectures.is_empty() {
            errors.push(
                format!("{path}.architectures"),
                codes::EMPTY,
                "give at least one architecture: amd64 or arm64",
            );
        }
        for (i, c) in self.instance_categories.iter().enumerate() {
            if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_lowercase()) {
                errors.push(
                    format!("{path}.instanceCategories[{i}]"),
                    codes::INVALID_INSTANCE_CATEGORY,
                    format!("`{c}` is not an instance category: the letters before the generation, like c, m, r or t"),
                );
            }
        }
        for (key, value) in &self.labels {
            let p = format!("{path}.labels.{key}");
            if let Err(e) = super::check_label_key(key) {
                errors.push(p.clone(), codes::INVALID_LABEL, e);
            } else if let Some(domain) = restricted_domain(key) {
                errors.push(
                    p.clone(),
                    codes::INVALID_LABEL,
                    format!("`{key}`: the label domain {domain} is reserved for Karpenter's own labels"),
                );
            }
            if let Err(e) = super::check_label_value(value) {
                errors.push(p, codes::INVALID_LABEL, e);
            }
        }
        for (i, t) in self.taints.iter().enumerate() {
            let p = format!("{path}.taints[{i}]");
            if let Err(e) = super::check_label_key(&t.key) {
                errors.push(format!("{p}.key"), codes::INVALID_TAINT, e);
            }
            if let Some(v) = &t.value {
                if let Err(e) = super::check_label_value(v) {
                    errors.push(format!("{p}.value"), codes::INVALID_TAINT, e);
                }
            }
        }
        for (field, value) in [("cpu", &self.limits.cpu), ("memory", &self.limits.memory)] {
            if let Some(q) = value {
                if !is_quantity(q.as_str()) || q.as_str().starts_with('-') {
                    errors.push(
                        format!("{path}.limits.{field}"),
                        codes::INVALID_QUANTITY,
                        format!("`{}` is not a Kubernetes quantity like 1000, 500m or 4000Gi", q.as_str()),
                    );
                }
            }
        }
        let after = &self.disruption.consolidate_after;
        if !(after == "Never" || is_go_duration(after, &['s', 'm', 'h'])) {
            errors.push(
                format!("{path}.disruption.consolidateAfter"),
                codes::INVALID_DURATION,
                format!("`{after}` is not a duration like 30s, 5m or 1h30m, or Never"),
            );
        }
        for (i, b) in self.disruption.budgets.iter().enumerate() {
            let p = format!("{path}.disruption.budgets[{i}]");
            if !is_budget_nodes(b.nodes.as_str()) {
                errors.push(
                    format!("{p}.nodes"),
                    codes::INVALID_BUDGET,
                    format!("`{}` is not a node count like 2 or a percentage like 10%", b.nodes.as_str()),
                );
            }
            match (&b.schedule, &b.duration) {
                (Some(_), None) | (None, Some(_)) => errors.push(
                    p.clone(),
                    codes::INVALID_BUDGET,
                    "schedule and duration go together: give both, or neither for a budget that is always active",
                ),
                _ => {}
            }
            if let Some(s) = &b.schedule {
                if !is_schedule(s) {
                    errors.push(
                        format!("{p}.schedule"),
                        codes::INVALID_BUDGET,
                        format!(
                            "`{s}` is not a cron schedule of five fields (\"0 9 * * 1-5\") or @daily, @weekly, ..."
                        ),
                    );
                }
            }
            if let Some(d) = &b.duration {
                if !is_budget_duration(d) {
                    errors.push(
                        format!("{p}.duration"),
                        codes::INVALID_DURATION,
                        format!("`{d}` is not a duration in hours and minutes like 8h, 30m or 1h30m"),
                    );
                }
            }
        }
        if let Some(w) = self.weight {
            if !(1..=100).contains(&w) {
                errors.push(format!("{path}.weight"), codes::OUT_OF_RANGE, format!("weight {w} is outside 1 to 100"));
            }
        }
    }
}

/// The Karpenter-reserved domain of a label key, if any (`karpenter.sh`, `*.karpenter.sh`,
/// `karpenter.k8s.aws`, ...).
fn restricted_domain(key: &str) -> Option<&'static str> {
    let (domain, _) = key.split_once('/')?;
    RESTRICTED_LABEL_DOMAINS.iter().copied().find(|d| domain.ends_with(d))
}

/// A Kubernetes quantity (the NodePool CRD's `limits` pattern).
pub(crate) fn is_quantity(s: &str) -> bool {
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    let number_len = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (number, suffix) = s.split_at(number_len);
    let number_ok = match number.split_once('.') {
        None => !number.is_empty(),
        Some((a, b)) => (!a.is_empty() || !b.is_empty()) && !b.contains('.'),
    };
    let suffix_ok = matches!(
        suffix,
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T" | "P" | "E"
    );
    number_ok && suffix_ok
}

/// Digits-unit pairs, e.g. `1h30m` (units from `units`).
fn is_go_duration(s: &str, units: &[char]) -> bool {
    let mut digits = 0;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if units.contains(&c) && digits > 0 {
            digits = 0;
        } else {
            return false;
        }
    }
    !s.is_empty() && digits == 0
}

/// The NodePool CRD's budget duration pattern: `Nh`, `Nm` or `NhMm`, optionally `0s`.
fn is_budget_duration(s: &str) -> bool {
    let s = s.strip_suffix("0s").unwrap_or(s);
    let parts = match s.split_once('h') {
        Some((h, "")) => vec![h],
        Some((h, m)) => match m.strip_suffix('m') {
            Some(m) => vec![h, m],
            None => return false,
        },
        None => match s.strip_suffix('m') {
            Some(m) => vec![m],
            None => return false,
        },
    };
    parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// The NodePool CRD's budget `nodes` pattern: a count, or 0% to 100%.
fn is_budget_nodes(s: &str) -> bool {
    match s.strip_suffix('%') {
        Some(p) => p == "100" || (!p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit())),
        None => !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()),
    }
}

/// A cron schedule of five fields, or a macro (the NodePool CRD's `schedule` pattern).
fn is_schedule(s: &str) -> bool {
    const MACROS: [&str; 7] = ["@annually", "@yearly", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];
    MACROS.contains(&s) || s.split_whitespace().count() == 5
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    const BASE: &str = "
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
compute:
  managedNodeGroups: [{name: system}]
";

    fn parse(compute_extra: &str) -> Result<Blueprint, Error> {
        Blueprint::from_yaml(&format!("{BASE}{compute_extra}"))
    }

    /// The validation errors of a blueprint, as `path: message` lines.
    fn errors(compute_extra: &str) -> Vec<String> {
        match parse(compute_extra) {
            Err(Error::Invalid(errors)) => errors.iter().map(ToString::to_string).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    fn codes(compute_extra: &str) -> Vec<&'static str> {
        match parse(compute_extra) {
            Err(Error::Invalid(errors)) => errors.iter().map(|e| e.code).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn an_empty_karpenter_key_gets_the_secure_defaults() {
        let bp = parse("  karpenter: {}\n").unwrap();
        let k = bp.compute.karpenter.unwrap();
        assert_eq!(k, Karpenter::default());
        assert_eq!(k.namespace, "kube-system");
        assert_eq!(k.service_account, "karpenter");
        assert_eq!(k.ami_alias, "al2023@latest");
        assert_eq!(k.node_pools.len(), 1);
        let pool = &k.node_pools[0];
        assert_eq!(pool.name, "default");
        assert_eq!(pool.capacity_types, vec![CapacityType::OnDemand, CapacityType::Spot]);
        assert_eq!(pool.instance_categories, vec!["c", "m", "r"]);
        assert_eq!(pool.instance_generation_greater_than, Some(5));
        assert_eq!(pool.architectures, vec![Architecture::Amd64]);
        assert_eq!(pool.limits.cpu, Some(IntOrString("1000".into())));
        assert_eq!(pool.limits.memory, None);
        assert_eq!(pool.disruption.consolidation_policy, ConsolidationPolicy::WhenEmptyOrUnderutilized);
        assert_eq!(pool.disruption.consolidate_after, "1m");
        assert!(pool.disruption.budgets.is_empty());
    }

    #[test]
    fn the_builder_and_the_file_meet_in_the_same_model() {
        let from_file = parse("  karpenter:\n    nodePools: [{name: default}]\n").unwrap();
        let built = Blueprint::builder("demo")
            .cluster(from_file.cluster.clone())
            .managed_node_group(crate::ManagedNodeGroup::builder("system"))
            .karpenter(Karpenter::builder())
            .build()
            .unwrap();
        assert_eq!(built, from_file);
        let pool = NodePool::builder("x").instance_categories(Vec::<String>::new()).build();
        assert!(pool.instance_categories.is_empty(), "an explicit empty list allows every category");
    }

    #[test]
    fn numbers_and_strings_are_both_quantities() {
        let bp = parse("  karpenter:\n    nodePools: [{name: a, limits: {cpu: 64, memory: 256Gi}, disruption: {budgets: [{nodes: 2}]}}]\n")
            .unwrap();
        let pool = &bp.compute.karpenter.unwrap().node_pools[0];
        assert_eq!(pool.limits.cpu.as_ref().map(IntOrString::as_str), Some("64"));
        assert_eq!(pool.limits.memory.as_ref().map(IntOrString::as_str), Some("256Gi"));
        assert_eq!(pool.disruption.budgets[0].nodes.as_str(), "2");
    }

    #[test]
    fn karpenter_and_the_cluster_autoscaler_exclude_each_other() {
        assert_eq!(
            errors("  clusterAutoscaler: true\n  karpenter: {}\n"),
            vec!["compute.clusterAutoscaler: the Cluster Autoscaler and Karpenter both scale nodes and would fight over them: remove clusterAutoscaler or karpenter"]
        );
    }

    #[test]
    fn the_controller_needs_a_managed_node_group() {
        let yaml = BASE.replace("  managedNodeGroups: [{name: system}]\n", "  karpenter: {}\n");
        match Blueprint::from_yaml(&yaml) {
            Err(Error::Invalid(e)) => assert_eq!(
                e.to_string(),
                "compute.karpenter: Karpenter's controller cannot run on nodes Karpenter launches: add a managed node group for it (and other cluster-critical pods)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn karpenter_names_no_iam_resource_so_any_cluster_name_fits() {
        // The node role and instance profile get names CloudFormation generates (unique per
        // stack and Region), so the blueprint name is bounded only by EKS's 100 characters.
        let long = format!("a{}", "b".repeat(99));
        assert!(Blueprint::from_yaml(
            &format!("{BASE}  karpenter: {{}}\n").replace("name: demo", &format!("name: {long}"))
        )
        .is_ok());
    }

    #[test]
    fn names_and_the_ami_alias_are_checked() {
        assert_eq!(
            errors("  karpenter: {namespace: Kube_System, serviceAccount: '', amiAlias: bottlerocket@latest}\n"),
            vec![
                "compute.karpenter.namespace: `Kube_System` is not a namespace name: 1 to 63 lowercase letters, digits and '-'",
                "compute.karpenter.serviceAccount: `` is not a service account name: 1 to 63 lowercase letters, digits and '-'",
                "compute.karpenter.amiAlias: `bottlerocket@latest` is not an Amazon Linux 2023 AMI alias: write al2023@latest or a pinned al2023@v20250101",
            ]
        );
        assert_eq!(codes("  karpenter: {amiAlias: al2023}\n"), vec!["invalid-ami-alias"]);
        assert_eq!(codes("  karpenter: {amiAlias: 'al2023@'}\n"), vec!["invalid-ami-alias"]);
        assert!(parse("  karpenter: {amiAlias: al2023@v20250101}\n").is_ok());
    }

    #[test]
    fn node_pool_fields_are_checked() {
        let pool = "{name: Big_Pool, capacityTypes: [], architectures: [], instanceCategories: [c5, M], weight: 0}";
        assert_eq!(
            errors(&format!("  karpenter: {{nodePools: [{pool}]}}\n")),
            vec![
                "compute.karpenter.nodePools[0].name: `Big_Pool` is not a NodePool name: 1 to 63 lowercase letters, digits and '-'",
                "compute.karpenter.nodePools[0].capacityTypes: give at least one capacity type: on-demand or spot",
                "compute.karpenter.nodePools[0].architectures: give at least one architecture: amd64 or arm64",
                "compute.karpenter.nodePools[0].instanceCategories[0]: `c5` is not an instance category: the letters before the generation, like c, m, r or t",
                "compute.karpenter.nodePools[0].instanceCategories[1]: `M` is not an instance category: the letters before the generation, like c, m, r or t",
                "compute.karpenter.nodePools[0].weight: weight 0 is outside 1 to 100",
            ]
        );
    }

    #[test]
    fn node_pool_names_are_unique() {
        assert_eq!(
            errors("  karpenter: {nodePools: [{name: a}, {name: a}]}\n"),
            vec!["compute.karpenter.nodePools[1].name: `a` is used by another NodePool"]
        );
    }

    #[test]
    fn karpenter_label_domains_are_reserved() {
        assert_eq!(
            errors("  karpenter: {nodePools: [{name: a, labels: {karpenter.sh/capacity-type: spot, team.karpenter.k8s.aws/x: y, kubernetes.io/hostname: h}}]}\n"),
            vec![
                "compute.karpenter.nodePools[0].labels.karpenter.sh/capacity-type: `karpenter.sh/capacity-type`: the label domain karpenter.sh is reserved for Karpenter's own labels",
                "compute.karpenter.nodePools[0].labels.team.karpenter.k8s.aws/x: `team.karpenter.k8s.aws/x`: the label domain karpenter.k8s.aws is reserved for Karpenter's own labels",
                "compute.karpenter.nodePools[0].labels.kubernetes.io/hostname: `kubernetes.io/hostname`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes",
            ]
        );
    }

    #[test]
    fn taints_limits_and_disruption_are_checked() {
        let pool = "{name: a, taints: [{key: 'bad key', value: x, effect: NoSchedule}], limits: {cpu: lots, memory: 1.5.0Gi}, disruption: {consolidateAfter: 5 minutes, budgets: [{nodes: 101%}, {nodes: '1', schedule: '@daily'}, {nodes: '1', duration: 1d, schedule: '* *'}]}}";
        assert_eq!(
            errors(&format!("  karpenter: {{nodePools: [{pool}]}}\n")),
            vec![
                "compute.karpenter.nodePools[0].taints[0].key: `bad key` is not a label key: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit",
                "compute.karpenter.nodePools[0].limits.cpu: `lots` is not a Kubernetes quantity like 1000, 500m or 4000Gi",
                "compute.karpenter.nodePools[0].limits.memory: `1.5.0Gi` is not a Kubernetes quantity like 1000, 500m or 4000Gi",
                "compute.karpenter.nodePools[0].disruption.consolidateAfter: `5 minutes` is not a duration like 30s, 5m or 1h30m, or Never",
                "compute.karpenter.nodePools[0].disruption.budgets[0].nodes: `101%` is not a node count like 2 or a percentage like 10%",
                "compute.karpenter.nodePools[0].disruption.budgets[1]: schedule and duration go together: give both, or neither for a budget that is always active",
                "compute.karpenter.nodePools[0].disruption.budgets[2].schedule: `* *` is not a cron schedule of five fields (\"0 9 * * 1-5\") or @daily, @weekly, ...",
                "compute.karpenter.nodePools[0].disruption.budgets[2].duration: `1d` is not a duration in hours and minutes like 8h, 30m or 1h30m",
            ]
        );
    }

    #[test]
    fn quantities_accept_fractions_and_refuse_other_types() {
        let bp = parse("  karpenter:\n    nodePools: [{name: a, limits: {cpu: 0.5}}]\n").unwrap();
        assert_eq!(bp.compute.karpenter.unwrap().node_pools[0].limits.cpu, Some(IntOrString("0.5".into())));
        let err = parse("  karpenter:\n    nodePools: [{name: a, limits: {cpu: [1]}}]\n").unwrap_err().to_string();
        assert!(err.contains("expected a number or a string like 1000, 10% or 4000Gi"), "{err}");
        assert_eq!(
            errors("  karpenter:\n    nodePools: [{name: a, limits: {cpu: -1}}]\n"),
            vec!["compute.karpenter.nodePools[0].limits.cpu: `-1` is not a Kubernetes quantity like 1000, 500m or 4000Gi"]
        );
    }

    #[test]
    fn karpenter_and_auto_mode_exclude_each_other() {
        let err = parse("  autoMode: {enabled: true}\n  karpenter: {}\n").unwrap_err().to_string();
        assert!(
            err.contains("compute.karpenter: EKS Auto Mode runs its own managed Karpenter; turn off either autoMode or karpenter"),
            "{err}"
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = parse("  karpenter: {nodePool: []}\n").unwrap_err().to_string();
        assert_eq!(
            err,
            "<input>:10:15: compute.karpenter.nodePool: unknown field `nodePool`, expected one of `namespace`, `serviceAccount`, `amiAlias`, `nodePools`"
        );
    }

    #[test]
    fn categories_and_generations_are_read_as_karpenter_reads_them() {
        assert_eq!(category_and_generation("c7i.large"), Some(("c", 7)));
        assert_eq!(category_and_generation("c7i-flex.large"), Some(("c", 7)));
        assert_eq!(category_and_generation("im4gn.large"), Some(("im", 4)));
        assert_eq!(category_and_generation("u-6tb1.metal"), Some(("u", 1)));
        assert_eq!(category_and_generation("u7i-12tb.224xlarge"), Some(("u", 7)));
        assert_eq!(category_and_generation("p6-b200.48xlarge"), Some(("p", 6)));
        assert_eq!(category_and_generation("x.large"), None);
    }

    #[test]
    fn a_node_pool_that_matches_no_instance_type_is_a_finding() {
        let bp = parse("  karpenter:\n    nodePools: [{name: a, instanceCategories: [q]}, {name: b, instanceGenerationGreaterThan: 9}, {name: c, architectures: [arm64], instanceCategories: [t], instanceGenerationGreaterThan: 3}]\n").unwrap();
        let found: Vec<String> = bp.findings().iter().map(ToString::to_string).collect();
        assert_eq!(
            found,
            vec![
                "warning[EKSB-KARPENTER-001]: compute.karpenter.nodePools[0]: no instance type eks-blueprint knows (instance types of 2026-08-11) has category q, a generation above 5 and architecture amd64: Karpenter would launch no node for NodePool `a`; check instanceCategories, instanceGenerationGreaterThan and architectures (suppress this rule for instance types newer than the table)",
                "warning[EKSB-KARPENTER-001]: compute.karpenter.nodePools[1]: no instance type eks-blueprint knows (instance types of 2026-08-11) has category c or m or r, a generation above 9 and architecture amd64: Karpenter would launch no node for NodePool `b`; check instanceCategories, instanceGenerationGreaterThan and architectures (suppress this rule for instance types newer than the table)",
            ],
            "pool c matches t4g (arm64, generation 4)"
        );
    }

    #[test]
    fn pattern_helpers_follow_the_crd_patterns() {
        for q in ["1000", "500m", "4000Gi", "1.5", ".5", "+2", "16Ki", "1E"] {
            assert!(is_quantity(q), "{q}");
        }
        for q in ["", "Gi", "1GB", "1..2", "-", "1 Gi"] {
            assert!(!is_quantity(q), "{q}");
        }
        for d in ["8h", "30m", "1h30m", "1h30m0s", "10h0s"] {
            assert!(is_budget_duration(d), "{d}");
        }
        for d in ["", "h", "30s", "1d", "1m30h", "1h30"] {
            assert!(!is_budget_duration(d), "{d}");
        }
        for n in ["0", "10", "10%", "100%", "0%"] {
            assert!(is_budget_nodes(n), "{n}");
        }
        for n in ["", "%", "101%", "1000%", "-1", "ten"] {
            assert!(!is_budget_nodes(n), "{n}");
        }
        for d in ["1m", "30s", "1h30m", "90s"] {
            assert!(is_go_duration(d, &['s', 'm', 'h']), "{d}");
        }
        for d in ["", "m", "1", "1d", "1.5h"] {
            assert!(!is_go_duration(d, &['s', 'm', 'h']), "{d}");
        }
    }
}
