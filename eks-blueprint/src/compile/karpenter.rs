//! Validation of Karpenter (`compute.karpenter`) and its NodePools, with the patterns of the
//! NodePool and EC2NodeClass CRDs. Its conflicts with other sections are in
//! [`super::cross`].

use crate::blueprint::karpenter::{Karpenter, KarpenterChart, NodePool};
use crate::compile::codes;
use crate::compile::common::is_dns_label;
use crate::compile::data::helm_pins;
use crate::compile::defaults;
use crate::compile::labels;
use crate::error::ValidationErrors;
use crate::spec::karpenter as spec;

/// Applies Karpenter's defaults; `isolated_vpc`: whether its VPC has no NAT; `version`: the
/// cluster's Kubernetes version, which picks the chart (Karpenter compatibility matrix,
/// [`crate::compile::data::helm_pins`]).
pub(crate) fn resolve(spec: &spec::Karpenter, isolated_vpc: bool, version: &str) -> Karpenter {
    let node_pools = match &spec.node_pools {
        Some(pools) => pools.iter().map(node_pool_defaults).collect(),
        // One NodePool, named as in the Karpenter getting-started guide, with every default.
        None => vec![node_pool_defaults(&spec::KarpenterNodePool::builder(defaults::KARPENTER_NODE_POOL).build())],
    };
    Karpenter {
        namespace: spec.namespace.clone().unwrap_or_else(|| defaults::KARPENTER_NAMESPACE.to_owned()),
        service_account: spec.service_account.clone().unwrap_or_else(|| defaults::KARPENTER_SERVICE_ACCOUNT.to_owned()),
        ami_alias: spec.ami_alias.clone().unwrap_or_else(|| defaults::KARPENTER_AMI_ALIAS.to_owned()),
        node_pools,
        isolated_vpc,
        chart: helm_pins::lookup("karpenter", version).map(|pin| KarpenterChart {
            kubernetes_version: version.to_owned(),
            version: pin.pinned_chart_version.clone(),
            min_version: pin.min_app_version.clone(),
        }),
    }
}

/// Applies a NodePool's defaults.
fn node_pool_defaults(pool: &spec::KarpenterNodePool) -> NodePool {
    let text = |q: &Option<spec::IntOrString>| q.as_ref().map(|q| q.as_str().to_owned());
    NodePool {
        name: pool.name.clone(),
        capacity_types: pool.capacity_types.clone().unwrap_or_else(|| defaults::KARPENTER_CAPACITY_TYPES.to_vec()),
        instance_categories: pool
            .instance_categories
            .clone()
            .unwrap_or_else(|| defaults::KARPENTER_INSTANCE_CATEGORIES.iter().map(|c| (*c).to_owned()).collect()),
        instance_generation_greater_than: pool
            .instance_generation_greater_than
            .unwrap_or(Some(defaults::KARPENTER_INSTANCE_GENERATION_GREATER_THAN)),
        architectures: pool.architectures.clone().unwrap_or_else(|| defaults::KARPENTER_ARCHITECTURES.to_vec()),
        taints: pool.taints.clone(),
        labels: pool.labels.clone(),
        cpu_limit: match &pool.limits.cpu {
            Some(cpu) => text(cpu),
            None => Some(defaults::KARPENTER_CPU_LIMIT.to_owned()),
        },
        memory_limit: pool.limits.memory.as_ref().and_then(text),
        consolidation_policy: pool.disruption.consolidation_policy.unwrap_or(defaults::KARPENTER_CONSOLIDATION_POLICY),
        consolidate_after: pool
            .disruption
            .consolidate_after
            .clone()
            .unwrap_or_else(|| defaults::KARPENTER_CONSOLIDATE_AFTER.to_owned()),
        budgets: pool.disruption.budgets.clone(),
        weight: pool.weight,
    }
}

/// Checks the Karpenter settings and NodePools (`compute.karpenter`), defaults applied.
pub(crate) fn validate(karpenter: &Karpenter, errors: &mut ValidationErrors) {
    let path = "compute.karpenter";
    if !is_dns_label(&karpenter.namespace) {
        errors.push(
            format!("{path}.namespace"),
            codes::INVALID_NAME,
            format!("`{}` is not a namespace name: 1 to 63 lowercase letters, digits and '-'", karpenter.namespace),
        );
    }
    if !is_dns_label(&karpenter.service_account) {
        errors.push(
            format!("{path}.serviceAccount"),
            codes::INVALID_NAME,
            format!(
                "`{}` is not a service account name: 1 to 63 lowercase letters, digits and '-'",
                karpenter.service_account
            ),
        );
    }
    check_ami_alias(&karpenter.ami_alias, &format!("{path}.amiAlias"), errors);
    for (i, pool) in karpenter.node_pools.iter().enumerate() {
        let p = format!("{path}.nodePools[{i}]");
        node_pool(&p, pool, errors);
        if karpenter.node_pools[..i].iter().any(|o| o.name == pool.name) {
            errors.push(format!("{p}.name"), codes::DUPLICATE, format!("`{}` is used by another NodePool", pool.name));
        }
    }
}

/// Checks a NodePool.
fn node_pool(path: &str, pool: &NodePool, errors: &mut ValidationErrors) {
    if !is_dns_label(&pool.name) {
        errors.push(
            format!("{path}.name"),
            codes::INVALID_NAME,
            format!("`{}` is not a NodePool name: 1 to 63 lowercase letters, digits and '-'", pool.name),
        );
    }
    if pool.capacity_types.is_empty() {
        errors.push(
            format!("{path}.capacityTypes"),
            codes::EMPTY,
            "give at least one capacity type: on-demand or spot",
        );
    }
    if pool.architectures.is_empty() {
        errors.push(format!("{path}.architectures"), codes::EMPTY, "give at least one architecture: amd64 or arm64");
    }
    for (i, c) in pool.instance_categories.iter().enumerate() {
        if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_lowercase()) {
            errors.push(
                format!("{path}.instanceCategories[{i}]"),
                codes::INVALID_INSTANCE_CATEGORY,
                format!("`{c}` is not an instance category: the letters before the generation, like c, m, r or t"),
            );
        }
    }
    let reserved = |key: &str| {
        restricted_domain(key)
            .map(|domain| format!("`{key}`: the label domain {domain} is reserved for Karpenter's own labels"))
    };
    labels::labels(path, &pool.labels, &reserved, errors);
    // EKS's limit of taints per node group does not apply: Karpenter is not a node group.
    labels::taints(path, &pool.taints, None, errors);
    labels::non_empty_taint_values(path, &pool.taints, "Karpenter's NodePool schema", errors);
    for (field, value) in [("cpu", &pool.cpu_limit), ("memory", &pool.memory_limit)] {
        if let Some(q) = value {
            if !is_quantity(q) || q.starts_with('-') {
                errors.push(
                    format!("{path}.limits.{field}"),
                    codes::INVALID_QUANTITY,
                    format!("`{q}` is not a Kubernetes quantity like 1000, 500m or 4000Gi"),
                );
            }
        }
    }
    let after = &pool.consolidate_after;
    if !(after == "Never" || is_go_duration(after, &['s', 'm', 'h'])) {
        errors.push(
            format!("{path}.disruption.consolidateAfter"),
            codes::INVALID_DURATION,
            format!("`{after}` is not a duration like 30s, 5m or 1h30m, or Never"),
        );
    }
    for (i, b) in pool.budgets.iter().enumerate() {
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
                    format!("`{s}` is not a cron schedule of five fields (\"0 9 * * 1-5\") or @daily, @weekly, ..."),
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
    if let Some(w) = pool.weight {
        if !(1..=100).contains(&w) {
            errors.push(format!("{path}.weight"), codes::OUT_OF_RANGE, format!("weight {w} is outside 1 to 100"));
        }
    }
}

/// The label domains a NodePool may not set labels in (the NodePool CRD's CEL rules).
const RESTRICTED_LABEL_DOMAINS: [&str; 2] = ["karpenter.sh", "karpenter.k8s.aws"];

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::checks::category_and_generation;
    use crate::spec::karpenter::{Architecture, ConsolidationPolicy, KarpenterCapacityType};
    use crate::{Blueprint, Error};

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
        assert_eq!(k, resolve(&spec::Karpenter::default(), false, "1.35"));
        assert_eq!(k.namespace, "kube-system");
        assert_eq!(k.service_account, "karpenter");
        assert_eq!(k.ami_alias, "al2023@latest");
        assert_eq!(k.node_pools.len(), 1);
        let pool = &k.node_pools[0];
        assert_eq!(pool.name, "default");
        assert_eq!(pool.capacity_types, vec![KarpenterCapacityType::OnDemand, KarpenterCapacityType::Spot]);
        assert_eq!(pool.instance_categories, vec!["c", "m", "r"]);
        assert_eq!(pool.instance_generation_greater_than, Some(5));
        assert_eq!(pool.architectures, vec![Architecture::Amd64]);
        assert_eq!(pool.cpu_limit.as_deref(), Some("1000"));
        assert_eq!(pool.memory_limit, None);
        assert_eq!(pool.consolidation_policy, ConsolidationPolicy::WhenEmptyOrUnderutilized);
        assert_eq!(pool.consolidate_after, "1m");
        assert!(pool.budgets.is_empty());
    }

    #[test]
    fn the_builder_and_the_file_meet_in_the_same_model() {
        let from_file = parse("  karpenter:\n    nodePools: [{name: default}]\n").unwrap();
        let built = Blueprint::builder("demo")
            .cluster(from_file.spec().cluster.clone())
            .managed_node_group(crate::ManagedNodeGroup::builder("system"))
            .karpenter(spec::Karpenter::builder())
            .build()
            .unwrap();
        assert_eq!(built, from_file);
        let pool = node_pool_defaults(
            &spec::KarpenterNodePool::builder("x").instance_categories(Vec::<String>::new()).build(),
        );
        assert!(pool.instance_categories.is_empty(), "an explicit empty list allows every category");
    }

    #[test]
    fn numbers_and_strings_are_both_quantities() {
        let bp = parse("  karpenter:\n    nodePools: [{name: a, limits: {cpu: 64, memory: 256Gi}, disruption: {budgets: [{nodes: 2}]}}]\n")
            .unwrap();
        let pool = &bp.compute.karpenter.unwrap().node_pools[0];
        assert_eq!(pool.cpu_limit.as_deref(), Some("64"));
        assert_eq!(pool.memory_limit.as_deref(), Some("256Gi"));
        assert_eq!(pool.budgets[0].nodes.as_str(), "2");
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
        assert_eq!(bp.compute.karpenter.unwrap().node_pools[0].cpu_limit.as_deref(), Some("0.5"));
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
        let found: Vec<String> =
            bp.findings().iter().filter(|f| f.rule_id == "EKSB-KARPENTER-001").map(ToString::to_string).collect();
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
