//! Validation of node groups: ONE base validator for what managed and self-managed node
//! groups share (name, sizes, instance types, volume, labels and taints, tags, kubelet, SSH
//! key), then each kind's own rules.

use crate::blueprint::compute::{ManagedNodeGroup, NodeGroup, UpdateConfig};
use crate::compile::codes;
use crate::compile::common::check_no_substitution;
use crate::compile::data::instance_types;
use crate::compile::defaults;
use crate::compile::{labels, tags};
use crate::error::ValidationErrors;
use crate::spec::cluster::KubernetesVersion;
use crate::spec::compute::{self as spec, AmiType, Arch, Kubelet, OsFamily, SpotAllocationStrategy, SubnetType};
use crate::text::pascal_case;

/// What both kinds share, every default applied: one place for their defaults, whichever
/// kind of spec it comes from (the two spec structs name these fields alike).
macro_rules! node_group_base {
    ($spec:expr, $version:expr) => {
        NodeGroup {
            version: $spec.version.clone().unwrap_or_else(|| $version.clone()),
            name: $spec.name.clone(),
            id: pascal_case(&$spec.name),
            instance_types: $spec.instance_types.clone().unwrap_or_else(|| vec![defaults::INSTANCE_TYPE.to_owned()]),
            allow_unlisted_instance_types: $spec
                .allow_unlisted_instance_types
                .unwrap_or(defaults::ALLOW_UNLISTED_INSTANCE_TYPES),
            ami_type: $spec.ami_type.unwrap_or(defaults::AMI_TYPE),
            capacity_type: $spec.capacity_type.unwrap_or(defaults::CAPACITY_TYPE),
            min_size: $spec.min_size.unwrap_or(defaults::NODEGROUP_MIN_SIZE),
            // The desired size defaults to the minimum size.
            desired_size: $spec.desired_size.unwrap_or_else(|| $spec.min_size.unwrap_or(defaults::NODEGROUP_MIN_SIZE)),
            max_size: $spec.max_size.unwrap_or(defaults::NODEGROUP_MAX_SIZE),
            volume_size: $spec.volume_size.unwrap_or(defaults::ROOT_VOLUME_GIB),
            labels: $spec.labels.clone(),
            taints: $spec.taints.clone(),
            subnets: $spec.subnets.unwrap_or(defaults::NODE_SUBNETS),
            tags: $spec.tags.clone(),
            detailed_monitoring: $spec.detailed_monitoring.unwrap_or(defaults::DETAILED_MONITORING),
            ssh_key_name: $spec.ssh_key_name.clone(),
            kubelet: $spec.kubelet.clone(),
        }
    };
}

/// A managed node group with its defaults applied.
/// `version`: the nodes' version when the group sets none (`compute.nodeVersion`, else the
/// cluster's).
pub(crate) fn resolve_managed(group: &spec::ManagedNodeGroup, version: &KubernetesVersion) -> ManagedNodeGroup {
    let update = &group.update_config;
    ManagedNodeGroup {
        base: node_group_base!(group, version),
        // One node at a time, unless a count or a percentage is given.
        update: match (update.max_unavailable, update.max_unavailable_percentage) {
            (None, Some(percent)) => UpdateConfig::MaxUnavailablePercentage(percent),
            (count, _) => UpdateConfig::MaxUnavailable(count.unwrap_or(defaults::NODEGROUP_MAX_UNAVAILABLE)),
        },
    }
}

/// A self-managed node group with its defaults applied, before the data compile derives for
/// it (its AMI parameter and the cluster DNS).
#[derive(Debug, Clone)]
pub(crate) struct SelfManaged {
    pub(crate) base: NodeGroup,
    pub(crate) spot_allocation_strategy: SpotAllocationStrategy,
}

/// A self-managed node group with its defaults applied.
pub(crate) fn resolve_self_managed(group: &spec::SelfManagedNodeGroup, version: &KubernetesVersion) -> SelfManaged {
    SelfManaged {
        base: node_group_base!(group, version),
        spot_allocation_strategy: group.spot_allocation_strategy.unwrap_or(defaults::SPOT_ALLOCATION_STRATEGY),
    }
}

/// The base validator: what every node group must meet. `size_limit` is the most nodes of
/// the kind (EKS limits managed node groups), `tag_rules` where its tags land.
fn base(
    path: &str,
    group: &NodeGroup,
    size_limit: Option<u32>,
    tag_rules: tags::TagRules,
    errors: &mut ValidationErrors,
) {
    check_name(path, &group.name, errors);
    check_sizes(path, group.min_size, group.desired_size, group.max_size, size_limit, errors);
    check_instance_types(path, &group.instance_types, group.allow_unlisted_instance_types, group.ami_type, errors);
    check_volume(path, group.volume_size, errors);
    labels::labels(path, &group.labels, &|_| None, errors);
    labels::taints(path, &group.taints, Some(defaults::MAX_TAINTS), errors);
    tags::check(&format!("{path}.tags"), &group.tags, tag_rules, errors);
    check_kubelet(path, &group.kubelet, group.ami_type, errors);
    check_ssh_key(path, group.ssh_key_name.as_deref(), errors);
}

/// Checks a managed node group (`spec` as written, `group` with its defaults).
pub(crate) fn managed(
    path: &str,
    spec: &spec::ManagedNodeGroup,
    group: &ManagedNodeGroup,
    errors: &mut ValidationErrors,
) {
    base(path, &group.base, Some(defaults::NODEGROUP_MAX_LIMIT), tags::NODEGROUP_TAGS, errors);
    labels::non_empty_label_values(path, &group.base.labels, "the EKS API for managed node groups", errors);
    if group.base.subnets == SubnetType::Public {
        errors.push(
            format!("{path}.subnets"),
            codes::PUBLIC_SUBNETS,
            "managed node groups need subnets that assign public IP addresses at launch, and the blueprint's public subnets do not; use private subnets, or a self-managed node group",
        );
    }
    let u = &spec.update_config;
    let p = format!("{path}.updateConfig");
    match (u.max_unavailable, u.max_unavailable_percentage) {
        (Some(_), Some(_)) => {
            errors.push(p, codes::UPDATE_CONFIG, "give maxUnavailable or maxUnavailablePercentage, not both")
        }
        (Some(n), None) if !(1..=defaults::MAX_UNAVAILABLE_LIMIT).contains(&n) => errors.push(
            format!("{p}.maxUnavailable"),
            codes::UPDATE_CONFIG,
            format!("{n} is outside 1 to {} nodes", defaults::MAX_UNAVAILABLE_LIMIT),
        ),
        (None, Some(n)) if !(1..=100).contains(&n) => errors.push(
            format!("{p}.maxUnavailablePercentage"),
            codes::UPDATE_CONFIG,
            format!("{n} is outside 1 to 100 percent"),
        ),
        _ => {}
    }
}

/// Checks a self-managed node group of a cluster of Kubernetes `version`.
pub(crate) fn self_managed(path: &str, group: &SelfManaged, version: &str, errors: &mut ValidationErrors) {
    base(path, &group.base, None, tags::AUTO_SCALING_GROUP_TAGS, errors);
    let ami = group.base.ami_type;
    if ami.ssm_parameter(version).is_none() {
        errors.push(
            format!("{path}.amiType"),
            codes::AMI_TYPE,
            format!(
                "{} is offered for managed node groups only; use a managed node group or a non-FIPS AMI type",
                ami.as_str()
            ),
        );
    }
}

pub(crate) fn check_name(path: &str, name: &str, errors: &mut ValidationErrors) {
    if name.is_empty()
        || name.len() > 63
        || !name.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        errors.push(
            format!("{path}.name"),
            codes::INVALID_NAME,
            format!(
                "`{name}` is not a valid name: 1 to 63 letters, digits, '-' and '_', starting with a letter or digit"
            ),
        );
    }
}

fn check_sizes(path: &str, min: u32, desired: u32, max: u32, limit: Option<u32>, errors: &mut ValidationErrors) {
    if max == 0 {
        errors.push(format!("{path}.maxSize"), codes::SIZE_ORDER, "max size must be at least 1");
    }
    if let Some(limit) = limit {
        if max > limit {
            errors.push(
                format!("{path}.maxSize"),
                codes::SIZE_LIMIT,
                format!("max size {max} is above the EKS limit of {limit} nodes per managed node group"),
            );
        }
    }
    if min > max {
        errors.push(
            format!("{path}.minSize"),
            codes::SIZE_ORDER,
            format!("min size {min} can't be greater than max size {max}"),
        );
    } else if desired > max {
        errors.push(
            format!("{path}.desiredSize"),
            codes::SIZE_ORDER,
            format!("desired size {desired} can't be greater than max size {max}"),
        );
    } else if desired < min {
        errors.push(
            format!("{path}.desiredSize"),
            codes::SIZE_ORDER,
            format!("desired size {desired} can't be less than min size {min}"),
        );
    }
}

fn check_instance_types(
    path: &str,
    types: &[String],
    allow_unlisted: bool,
    ami: AmiType,
    errors: &mut ValidationErrors,
) {
    if types.is_empty() {
        errors.push(format!("{path}.instanceTypes"), codes::EMPTY, "give at least one instance type");
    }
    for (i, t) in types.iter().enumerate() {
        // `family.size`, as every EC2 instance type is named (`m7i.large`, `u7i-12tb.224xlarge`).
        let valid = t.split_once('.').is_some_and(|(family, size)| {
            family.starts_with(|c: char| c.is_ascii_lowercase())
                && !size.is_empty()
                && family.chars().chain(size.chars()).all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        });
        if !valid {
            errors.push(
                format!("{path}.instanceTypes[{i}]"),
                codes::INVALID_INSTANCE_TYPE,
                format!("`{}` is not an EC2 instance type like m7i.large", crate::text::quote(t)),
            );
            continue;
        }
        if types[..i].contains(t) {
            errors.push(format!("{path}.instanceTypes[{i}]"), codes::DUPLICATE, format!("`{t}` is listed twice"));
        }
        let arch = match instance_types::lookup(t) {
            Some(known) => match known.arch {
                Some(arch) => arch,
                None => {
                    errors.push(
                        format!("{path}.instanceTypes[{i}]"),
                        codes::UNSUPPORTED_INSTANCE_TYPE,
                        format!("`{t}` is an EC2 Mac instance type, which runs macOS only: EKS nodes need a Linux instance type"),
                    );
                    continue;
                }
            },
            None if allow_unlisted => Arch::by_naming_rule(t),
            None => {
                let hint = crate::text::did_you_mean(&instance_types::suggestions(t));
                errors.push(
                    format!("{path}.instanceTypes[{i}]"),
                    codes::UNKNOWN_INSTANCE_TYPE,
                    format!(
                        "`{t}` is not an EC2 instance type eks-blueprint knows{hint}; for a type newer than its table (instance types of {}), set allowUnlistedInstanceTypes: true",
                        instance_types::TABLE_DATE
                    ),
                );
                continue;
            }
        };
        if arch != ami.arch() {
            let fix = match ami.for_arch(arch) {
                Some(other) => format!("use amiType {} or an {} instance type", other.as_str(), ami.arch().as_str()),
                None => format!("use an {} instance type", ami.arch().as_str()),
            };
            let kind = match arch {
                Arch::Arm64 => "an arm64 (Graviton)",
                Arch::X86_64 => "an x86_64",
            };
            errors.push(
                format!("{path}.instanceTypes[{i}]"),
                codes::ARCH_MISMATCH,
                format!(
                    "`{t}` is {kind} instance type but amiType {} is for {}: {fix}",
                    ami.as_str(),
                    ami.arch().as_str()
                ),
            );
        }
    }
}

fn check_volume(path: &str, gib: u32, errors: &mut ValidationErrors) {
    if !(1..=16384).contains(&gib) {
        errors.push(
            format!("{path}.volumeSize"),
            codes::VOLUME_SIZE,
            format!("{gib} GiB is outside gp3's 1 to 16384 GiB"),
        );
    }
}

fn check_kubelet(path: &str, kubelet: &Kubelet, ami: AmiType, errors: &mut ValidationErrors) {
    if kubelet.max_pods == Some(0) {
        errors.push(format!("{path}.kubelet.maxPods"), codes::KUBELET, "maxPods must be at least 1");
    }
    if ami.os() == OsFamily::Bottlerocket && !kubelet.flags.is_empty() {
        errors.push(
            format!("{path}.kubelet.flags"),
            codes::KUBELET,
            format!("{} takes Bottlerocket settings, not kubelet flags; remove the flags", ami.as_str()),
        );
    }
    for (i, flag) in kubelet.flags.iter().enumerate() {
        let p = format!("{path}.kubelet.flags[{i}]");
        let ok = flag.starts_with("--") && flag.len() > 2 && !flag.chars().any(|c| c.is_whitespace() || c.is_control());
        if !ok {
            errors.push(
                p,
                codes::KUBELET,
                format!("`{}` is not a kubelet flag like --image-gc-high-threshold=80", crate::text::quote(flag)),
            );
        } else {
            // The flag lands in the node's user data: a plain string for managed node groups,
            // an Fn::Sub template for self-managed ones.
            check_no_substitution(&p, flag, "a kubelet flag", errors);
        }
    }
}

fn check_ssh_key(path: &str, key: Option<&str>, errors: &mut ValidationErrors) {
    if let Some(key) = key {
        if key.is_empty() || key.len() > 255 || !key.is_ascii() || key.chars().any(|c| c.is_ascii_control()) {
            errors.push(
                format!("{path}.sshKeyName"),
                codes::INVALID_KEY_NAME,
                format!(
                    "`{}` is not an EC2 key pair name: 1 to 255 printable ASCII characters",
                    crate::text::quote(key)
                ),
            );
        } else {
            check_no_substitution(&format!("{path}.sshKeyName"), key, "a key pair name", errors);
        }
    }
}
