//! Versions follow the blueprint: the rules that tie node groups, add-ons and upgrades to
//! the cluster's Kubernetes version, the add-on versions compile resolves once, and the
//! version findings.
//!
//! - Version skew: "Starting from Kubernetes version `1.28`, `kubelet` may be up to three
//!   minor versions older than `kube-apiserver`" (EKS user guide, "Update existing cluster
//!   to new Kubernetes version", update-cluster.html, following the Kubernetes version skew
//!   policy, <https://kubernetes.io/releases/version-skew-policy/#kubelet>: "kubelet must
//!   not be newer than kube-apiserver, and may be up to three minor versions older"), the
//!   same for Amazon Linux 2023 and Bottlerocket nodes, managed or self-managed (EKS best
//!   practices, Cluster Upgrades: "supported across AWS Fargate, managed node groups, and
//!   self-managed nodes"). Every version eks-blueprint knows is 1.28 or later.
//! - One minor at a time: "Because Amazon EKS runs a highly available control plane, you
//!   can update only one minor version at a time" (update-cluster.html). A downgrade is a
//!   rollback, which CloudFormation does not perform ("the revert to a previous template
//!   version that specifies a lower Kubernetes version does not trigger a cluster version
//!   rollback", EKS user guide, rollback-cluster.html).

use indexmap::IndexMap;

use super::cluster::{minor_of, version_at};
use super::context::{Context, Date};
use super::data::{addon_versions, pricing, versions};
use super::{codes, Defaulted};
use crate::blueprint::Finding;
use crate::error::ValidationErrors;
use crate::spec::cluster::{KubernetesVersion, UpgradePolicy};

/// How many minor versions a kubelet may be older than the API server (1.28 and later).
pub const MAX_NODE_SKEW: u32 = 3;

/// Add-ons whose version no table row gives and nobody pinned: EKS installs its default.
pub const ADDON_VERSION_UNKNOWN: &str = "EKSB-VERSION-001";
/// The Kubernetes version is past its standard support on the day of synthesis.
pub const PAST_STANDARD_SUPPORT: &str = "EKSB-VERSION-002";
/// A node group held back behind the control plane.
pub const NODES_BEHIND: &str = "EKSB-VERSION-003";

/// The node versions: each group's and `compute.nodeVersion` a supported version, never
/// newer than the control plane, at most [`MAX_NODE_SKEW`] minor versions older.
pub(crate) fn node_skew(bp: &Defaulted, errors: &mut ValidationErrors) {
    let cluster = &bp.kubernetes_version;
    let Some(cluster_minor) = minor_of(cluster.as_str()) else { return };
    let written = &bp.spec.compute;
    let mut check = |path: String, version: &KubernetesVersion| {
        let before = errors.0.len();
        version_at(&path, version, errors);
        if errors.0.len() > before {
            return;
        }
        let Some(minor) = minor_of(version.as_str()) else { return };
        if minor > cluster_minor {
            errors.push(
                path,
                codes::VERSION_SKEW,
                format!(
                    "nodes of Kubernetes {version} would be newer than the control plane's {cluster} (kubernetesVersion): a kubelet must not be newer than the API server (Kubernetes version skew policy); upgrade the control plane first, or hold the nodes at {cluster} or older"
                ),
            );
        } else if cluster_minor - minor > MAX_NODE_SKEW {
            errors.push(
                path,
                codes::VERSION_SKEW,
                format!(
                    "nodes of Kubernetes {version} would be {} minor versions older than the control plane's {cluster} (kubernetesVersion): a kubelet may be at most {MAX_NODE_SKEW} minor versions older than the API server (Kubernetes version skew policy, EKS from 1.28); upgrade these nodes before the control plane passes 1.{}",
                    cluster_minor - minor,
                    minor + MAX_NODE_SKEW
                ),
            );
        }
    };
    if let Some(v) = &written.node_version {
        check("compute.nodeVersion".to_owned(), v);
    }
    for (i, g) in written.managed_node_groups.iter().enumerate() {
        if let Some(v) = &g.version {
            check(format!("compute.managedNodeGroups[{i}].version"), v);
        }
    }
    for (i, g) in written.self_managed_node_groups.iter().enumerate() {
        if let Some(v) = &g.version {
            check(format!("compute.selfManagedNodeGroups[{i}].version"), v);
        }
    }
}

/// `addonVersions`: each pin written like `v1.19.2-eksbuild.1`, for an add-on of
/// `installed`.
pub(crate) fn addon_pins(bp: &Defaulted, installed: &[&str], errors: &mut ValidationErrors) {
    for (name, version) in &bp.spec.addon_versions {
        let path = format!("addonVersions.{name}");
        if !installed.contains(&name.as_str()) {
            errors.push(
                path.clone(),
                codes::UNKNOWN_ADDON,
                format!(
                    "`{}` is not an EKS add-on this blueprint installs (it installs: {})",
                    crate::text::quote(name),
                    if installed.is_empty() { "none".to_owned() } else { installed.join(", ") }
                ),
            );
        }
        if !addon_versions::is_addon_version(version) {
            errors.push(
                path,
                codes::INVALID_ADDON_VERSION,
                format!(
                    "`{}` is not an EKS add-on version: write it as EKS lists it, like v1.19.2-eksbuild.1 (aws eks describe-addon-versions --addon-name {} --kubernetes-version {})",
                    crate::text::quote(version),
                    crate::text::quote(name),
                    bp.kubernetes_version
                ),
            );
        }
    }
}

/// The version of each installed add-on: the pin of `addonVersions`, else the table's for
/// the cluster's Kubernetes version; an add-on without either is absent (EKS default).
pub(crate) fn resolve_addons(bp: &Defaulted, installed: &[&str]) -> IndexMap<String, String> {
    installed
        .iter()
        .filter_map(|name| {
            let pinned = bp.spec.addon_versions.get(*name).cloned();
            let version =
                pinned.or_else(|| addon_versions::pinned(bp.kubernetes_version.as_str(), name).map(str::to_owned))?;
            Some(((*name).to_owned(), version))
        })
        .collect()
}

/// The upgrade rule: `next` equals `deployed` or is one minor version newer.
pub(crate) fn upgrade(deployed: &KubernetesVersion, next: &KubernetesVersion, errors: &mut ValidationErrors) {
    let (Some(from), Some(to)) = (minor_of(deployed.as_str()), minor_of(next.as_str())) else { return };
    let path = "kubernetesVersion";
    if to < from {
        errors.push(
            path,
            codes::DOWNGRADE,
            format!(
                "{next} is older than the deployed {deployed}: CloudFormation does not roll a cluster back to an older version; within 7 days of an in-place upgrade, roll back with `aws eks update-cluster-version --kubernetes-version {next}` (node groups first), then synthesize again with --deployed-version {next} (docs/upgrades.md#rolling-back)"
            ),
        );
    } else if to > from + 1 {
        let steps: Vec<String> = (from + 1..=to).map(|m| format!("1.{m}")).collect();
        errors.push(
            path,
            codes::UPGRADE_SKIPS_MINOR,
            format!(
                "an upgrade from the deployed {deployed} to {next} skips {}: EKS upgrades the control plane one minor version at a time; deploy {} in turn (docs/upgrades.md)",
                steps[..steps.len() - 1].join(", "),
                steps.join(", then ")
            ),
        );
    }
}

/// The version findings, before suppressions.
pub(crate) fn findings(bp: &Defaulted, installed: &[&str], ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    let version = &bp.kubernetes_version;
    // An add-on without a version matters when the cluster is upgraded (EKS leaves it where
    // it is) or when the table has no row at all for the version (newer than the table); on
    // a cluster created at a version the table lists, EKS's default is what it would pick.
    let upgrading = ctx.deployed_version.as_ref().is_some_and(|d| d != version);
    let unknown: Vec<&str> = installed
        .iter()
        .copied()
        .filter(|name| {
            !bp.spec.addon_versions.contains_key(*name)
                && addon_versions::pinned(version.as_str(), name).is_none()
                && (upgrading || addon_versions::lookup(version.as_str(), name).is_none())
        })
        .collect();
    if !unknown.is_empty() && minor_of(version.as_str()).is_some() {
        let why = if upgrading {
            "EKS leaves an add-on on the version it runs when the control plane is upgraded"
        } else {
            "EKS installs its default version when the add-on is created, and leaves it there when the cluster is upgraded"
        };
        out.push(Finding::new(
            ADDON_VERSION_UNKNOWN,
            "addonVersions",
            format!(
                "eks-blueprint's add-on table (of {}) knows no version of {} for Kubernetes {version}: {why}; pin each in addonVersions (aws eks describe-addon-versions --kubernetes-version {version} --addon-name {} lists them) or refresh the table (scripts/update-addon-versions)",
                addon_versions::table_date(),
                unknown.join(", "),
                unknown[0]
            ),
        ));
    }
    if let Some(today) = ctx.today {
        out.extend(support_finding(version, bp.cluster.upgrade_policy, today));
    }
    let behind = |path: String, group: &str, v: &KubernetesVersion| {
        (v != version).then(|| {
            Finding::new(
                NODES_BEHIND,
                path,
                format!(
                    "node group `{group}` stays on Kubernetes {v}, behind the control plane's {version}: AWS recommends the same version on nodes and control plane, and nodes must be upgraded before the control plane is more than {MAX_NODE_SKEW} minor versions ahead; remove the hold once the upgrade is verified"
                ),
            )
        })
    };
    for (i, g) in bp.compute.managed_node_groups.iter().enumerate() {
        out.extend(behind(format!("compute.managedNodeGroups[{i}]"), &g.base.name, &g.base.version));
    }
    for (i, g) in bp.compute.self_managed_node_groups.iter().enumerate() {
        out.extend(behind(format!("compute.selfManagedNodeGroups[{i}]"), &g.base.name, &g.base.version));
    }
    out
}

/// Finding `EKSB-VERSION-002`: `version` past standard support on `today`. Billing for
/// extended support starts on the day standard support ends (UTC) (EKS user guide,
/// "Understand the Kubernetes version lifecycle on EKS"), so that day counts as past.
fn support_finding(version: &KubernetesVersion, policy: UpgradePolicy, today: Date) -> Option<Finding> {
    let support = versions::support(version)?;
    let end_standard: Date = support.end_of_standard_support?.parse().ok()?;
    if today < end_standard {
        return None;
    }
    let end_extended = support.end_of_extended_support.unwrap_or("an unpublished date");
    let (standard, extended) = pricing::per_cluster_hour();
    let month = |rate: f64| rate * pricing::HOURS_PER_MONTH;
    let next = minor_of(version.as_str()).map_or_else(String::new, |m| format!("1.{}", m + 1));
    let message = match policy {
        UpgradePolicy::Standard => format!(
            "Kubernetes {version} left standard support on {end_standard} (today is {today}); with cluster.upgradePolicy STANDARD, EKS upgrades the control plane to {next} on its own (node groups and add-ons stay behind); upgrade it yourself, one minor version at a time (docs/upgrades.md). upgradePolicy EXTENDED would keep {version} until {end_extended} at ${extended:.2} per cluster-hour (about ${:.0} a month) instead of ${standard:.2} (about ${:.0})",
            month(extended),
            month(standard)
        ),
        UpgradePolicy::Extended => format!(
            "Kubernetes {version} left standard support on {end_standard} (today is {today}): with cluster.upgradePolicy EXTENDED the cluster pays the extended support rate, ${extended:.2} per cluster-hour (about ${:.0} a month) instead of ${standard:.2} (about ${:.0}), until {end_extended}, when EKS upgrades it on its own; upgrade to {next} (docs/upgrades.md)",
            month(extended),
            month(standard)
        ),
    };
    Some(Finding::new(PAST_STANDARD_SUPPORT, "kubernetesVersion", message))
}
