//! Compute: managed node groups.

use indexmap::IndexMap;
use serde::Deserialize;

use super::defaults;
use crate::error::ValidationErrors;

/// Everything that runs pods.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct Compute {
    /// EKS managed node groups. Default: none.
    pub managed_node_groups: Vec<ManagedNodeGroup>,
    /// Karpenter: node autoscaling with NodePools (see [`super::karpenter::Karpenter`]).
    /// Default: off.
    pub karpenter: Option<super::karpenter::Karpenter>,
    /// The Cluster Autoscaler for the managed node groups; excludes Karpenter. Default: off.
    pub cluster_autoscaler: bool,
}

/// An EKS managed node group, with a launch template that enforces IMDSv2 and encrypted
/// volumes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ManagedNodeGroup {
    /// The name: letters, digits, `-` and `_`, unique in the blueprint.
    pub name: String,
    /// Instance types. Default: `[m7i.large]`.
    #[serde(default = "default_instance_types")]
    pub instance_types: Vec<String>,
    /// The AMI type. Default: `AL2023_x86_64_STANDARD`.
    #[serde(default)]
    pub ami_type: AmiType,
    /// On-Demand or Spot. Default: On-Demand.
    #[serde(default)]
    pub capacity_type: CapacityType,
    /// Fewest nodes. Default: 2.
    #[serde(default = "default_min_size")]
    pub min_size: u32,
    /// Nodes at creation. Default: the minimum size.
    #[serde(default)]
    pub desired_size: Option<u32>,
    /// Most nodes. Default: 4.
    #[serde(default = "default_max_size")]
    pub max_size: u32,
    /// Root volume size in GiB (encrypted gp3). Default: 80.
    #[serde(default = "default_volume_size")]
    pub volume_size: u32,
    /// Kubernetes labels. Default: none.
    #[serde(default)]
    pub labels: IndexMap<String, String>,
    /// Kubernetes taints. Default: none.
    #[serde(default)]
    pub taints: Vec<Taint>,
}

fn default_instance_types() -> Vec<String> {
    vec![defaults::INSTANCE_TYPE.to_owned()]
}
fn default_min_size() -> u32 {
    defaults::NODEGROUP_MIN_SIZE
}
fn default_max_size() -> u32 {
    defaults::NODEGROUP_MAX_SIZE
}
fn default_volume_size() -> u32 {
    defaults::ROOT_VOLUME_GIB
}

/// The AMI type of a managed node group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub enum AmiType {
    /// Amazon Linux 2023, x86_64. Default.
    #[default]
    #[serde(rename = "AL2023_x86_64_STANDARD")]
    Al2023X86_64,
    /// Amazon Linux 2023, arm64 (Graviton).
    #[serde(rename = "AL2023_ARM_64_STANDARD")]
    Al2023Arm64,
}

impl AmiType {
    /// The name CloudFormation uses.
    pub fn as_str(&self) -> &'static str {
        match self {
            AmiType::Al2023X86_64 => "AL2023_x86_64_STANDARD",
            AmiType::Al2023Arm64 => "AL2023_ARM_64_STANDARD",
        }
    }

    /// The root device name of the AMI.
    pub fn root_device(&self) -> &'static str {
        "/dev/xvda"
    }
}

/// On-Demand or Spot capacity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CapacityType {
    /// On-Demand. Default.
    #[default]
    OnDemand,
    /// Spot.
    Spot,
}

impl CapacityType {
    /// The name CloudFormation uses.
    pub fn as_str(self) -> &'static str {
        match self {
            CapacityType::OnDemand => "ON_DEMAND",
            CapacityType::Spot => "SPOT",
        }
    }
}

/// A Kubernetes taint.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Taint {
    /// The key.
    pub key: String,
    /// The value. Default: none.
    #[serde(default)]
    pub value: Option<String>,
    /// The effect.
    pub effect: TaintEffect,
}

impl Taint {
    /// A taint.
    pub fn new(key: impl Into<String>, value: impl Into<String>, effect: TaintEffect) -> Self {
        Taint { key: key.into(), value: Some(value.into()), effect }
    }
}

/// A taint effect, spelled as in Kubernetes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum TaintEffect {
    /// `NoSchedule`
    NoSchedule,
    /// `PreferNoSchedule`
    PreferNoSchedule,
    /// `NoExecute`
    NoExecute,
}

impl TaintEffect {
    /// The name CloudFormation uses (`NO_SCHEDULE`, ...).
    pub fn as_cfn(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NO_SCHEDULE",
            TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
            TaintEffect::NoExecute => "NO_EXECUTE",
        }
    }
}

impl ManagedNodeGroup {
    /// A builder with the defaults.
    pub fn builder(name: impl Into<String>) -> ManagedNodeGroupBuilder {
        ManagedNodeGroupBuilder(ManagedNodeGroup {
            name: name.into(),
            instance_types: Vec::new(),
            ami_type: AmiType::default(),
            capacity_type: CapacityType::default(),
            min_size: defaults::NODEGROUP_MIN_SIZE,
            desired_size: None,
            max_size: defaults::NODEGROUP_MAX_SIZE,
            volume_size: defaults::ROOT_VOLUME_GIB,
            labels: IndexMap::new(),
            taints: Vec::new(),
        })
    }

    /// The desired size: as given, else the minimum size.
    pub fn desired(&self) -> u32 {
        self.desired_size.unwrap_or(self.min_size)
    }

    pub(crate) fn validate(&self, path: &str, errors: &mut ValidationErrors) {
        if self.name.is_empty()
            || self.name.len() > 63
            || !self.name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
            || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.push(
                format!("{path}.name"),
                "invalid-name",
                format!("`{}` is not a node group name: 1 to 63 letters, digits, '-' and '_', starting with a letter or digit", self.name),
            );
        }
        let desired = self.desired();
        if self.max_size == 0 {
            errors.push(format!("{path}.maxSize"), "size-order", "max size must be at least 1");
        }
        if self.max_size > defaults::NODEGROUP_MAX_LIMIT {
            errors.push(
                format!("{path}.maxSize"),
                "size-limit",
                format!(
                    "max size {} is above the EKS limit of {} nodes per managed node group",
                    self.max_size,
                    defaults::NODEGROUP_MAX_LIMIT
                ),
            );
        }
        if self.min_size > self.max_size {
            errors.push(
                format!("{path}.minSize"),
                "size-order",
                format!("min size {} can't be greater than max size {}", self.min_size, self.max_size),
            );
        } else if desired > self.max_size {
            errors.push(
                format!("{path}.desiredSize"),
                "size-order",
                format!("desired size {desired} can't be greater than max size {}", self.max_size),
            );
        } else if desired < self.min_size {
            errors.push(
                format!("{path}.desiredSize"),
                "size-order",
                format!("desired size {desired} can't be less than min size {}", self.min_size),
            );
        }
        if self.instance_types.is_empty() {
            errors.push(format!("{path}.instanceTypes"), "empty", "give at least one instance type");
        }
        for (i, t) in self.instance_types.iter().enumerate() {
            let valid = t.split_once('.').is_some_and(|(family, size)| {
                !family.is_empty()
                    && !size.is_empty()
                    && t.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            });
            if !valid {
                errors.push(
                    format!("{path}.instanceTypes[{i}]"),
                    "invalid-instance-type",
                    format!("`{t}` is not an EC2 instance type like m7i.large"),
                );
            } else if self.instance_types[..i].contains(t) {
                errors.push(format!("{path}.instanceTypes[{i}]"), "duplicate", format!("`{t}` is listed twice"));
            }
        }
        if !(1..=16384).contains(&self.volume_size) {
            errors.push(
                format!("{path}.volumeSize"),
                "volume-size",
                format!("{} GiB is outside gp3's 1 to 16384 GiB", self.volume_size),
            );
        }
        for (key, value) in &self.labels {
            let p = format!("{path}.labels.{key}");
            if let Err(e) = super::check_label_key(key) {
                errors.push(p.clone(), "invalid-label", e);
            }
            if let Err(e) = super::check_label_value(value) {
                errors.push(p, "invalid-label", e);
            }
        }
        if self.taints.len() > defaults::MAX_TAINTS {
            errors.push(
                format!("{path}.taints"),
                "too-many",
                format!("{} taints; EKS allows {} per node group", self.taints.len(), defaults::MAX_TAINTS),
            );
        }
        for (i, t) in self.taints.iter().enumerate() {
            let p = format!("{path}.taints[{i}]");
            if let Err(e) = super::check_label_key(&t.key) {
                errors.push(format!("{p}.key"), "invalid-taint", e);
            }
            if let Some(v) = &t.value {
                if let Err(e) = super::check_label_value(v) {
                    errors.push(format!("{p}.value"), "invalid-taint", e);
                }
            }
        }
    }
}

/// Builds a [`ManagedNodeGroup`]; every setter documents its default.
#[derive(Debug, Clone)]
pub struct ManagedNodeGroupBuilder(ManagedNodeGroup);

impl ManagedNodeGroupBuilder {
    /// Adds instance types (appends). Default: `m7i.large` when none is given.
    pub fn instance_types<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.0.instance_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// The AMI type. Default: `AL2023_x86_64_STANDARD`.
    pub fn ami_type(mut self, ami: AmiType) -> Self {
        self.0.ami_type = ami;
        self
    }

    /// On-Demand or Spot. Default: On-Demand.
    pub fn capacity_type(mut self, capacity: CapacityType) -> Self {
        self.0.capacity_type = capacity;
        self
    }

    /// Fewest nodes. Default: 2.
    pub fn min_size(mut self, n: u32) -> Self {
        self.0.min_size = n;
        self
    }

    /// Nodes at creation. Default: the minimum size.
    pub fn desired_size(mut self, n: u32) -> Self {
        self.0.desired_size = Some(n);
        self
    }

    /// Most nodes. Default: 4.
    pub fn max_size(mut self, n: u32) -> Self {
        self.0.max_size = n;
        self
    }

    /// Root volume size in GiB. Default: 80.
    pub fn volume_size(mut self, gib: u32) -> Self {
        self.0.volume_size = gib;
        self
    }

    /// Adds a Kubernetes label. Default: none.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.labels.insert(key.into(), value.into());
        self
    }

    /// Adds a Kubernetes taint. Default: none.
    pub fn taint(mut self, taint: Taint) -> Self {
        self.0.taints.push(taint);
        self
    }

    /// The node group. Validation happens in [`crate::BlueprintBuilder::build`].
    pub fn build(mut self) -> ManagedNodeGroup {
        if self.0.instance_types.is_empty() {
            self.0.instance_types = default_instance_types();
        }
        self.0
    }
}

impl From<ManagedNodeGroupBuilder> for ManagedNodeGroup {
    fn from(b: ManagedNodeGroupBuilder) -> Self {
        b.build()
    }
}
