//! Helm-installed controllers per Kubernetes version: the chart version eks-blueprint pins
//! for each Kubernetes minor, and the oldest controller release that supports it, from each
//! project's own compatibility statement.
//!
//! The table is `data/helm-pins.csv` (sources in its header and `data/SOURCES.md`). For
//! Karpenter it follows the compatibility matrix of the Karpenter documentation
//! (<https://karpenter.sh/docs/upgrading/compatibility/>, read in aws/karpenter-provider-aws
//! `website/content/en/docs/upgrading/compatibility.md` and
//! `hack/docs/compatibilitymatrix_gen/compatibility.yaml` at 1d927085, 2026-08-21): each
//! Kubernetes minor needs a minimum Karpenter release (1.35 needs 1.9, 1.36 needs 1.13), so
//! Karpenter must be upgraded before the control plane.

use std::sync::OnceLock;

use super::csv;

/// The table, as written.
const TABLE: &str = include_str!("../../../data/helm-pins.csv");

/// One row: a chart on one Kubernetes minor version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmPin {
    /// The chart, e.g. `karpenter`.
    pub chart: String,
    /// The Kubernetes minor version.
    pub kubernetes_version: String,
    /// The oldest controller release that supports this Kubernetes minor.
    pub min_app_version: String,
    /// The chart version to install.
    pub pinned_chart_version: String,
    /// The controller release that chart version installs.
    pub pinned_app_version: String,
}

/// Every row of the table.
pub fn all() -> &'static [HelmPin] {
    static ROWS: OnceLock<Vec<HelmPin>> = OnceLock::new();
    ROWS.get_or_init(|| {
        csv::rows(TABLE)
            .into_iter()
            .map(|r| {
                let get = |k: &str| r.get(k).cloned().unwrap_or_default();
                HelmPin {
                    chart: get("chart"),
                    kubernetes_version: get("kubernetes_version"),
                    min_app_version: get("min_app_version"),
                    pinned_chart_version: get("pinned_chart_version"),
                    pinned_app_version: get("pinned_app_version"),
                }
            })
            .collect()
    })
}

/// The pin of `chart` on Kubernetes `version`.
pub fn lookup(chart: &str, version: &str) -> Option<&'static HelmPin> {
    all().iter().find(|r| r.chart == chart && r.kubernetes_version == version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::cluster::KubernetesVersion;

    #[test]
    fn every_chart_covers_every_known_kubernetes_version() {
        for chart in ["karpenter", "cluster-autoscaler", "aws-load-balancer-controller"] {
            for version in KubernetesVersion::KNOWN {
                assert!(lookup(chart, version.as_str()).is_some(), "{chart} on {version}");
            }
        }
    }

    #[test]
    fn karpenter_follows_its_compatibility_matrix() {
        // Karpenter compatibility matrix (website/content/en/docs/upgrading/compatibility.md
        // at 1d927085): Kubernetes 1.35 needs Karpenter >= 1.9, 1.36 needs >= 1.13.
        let pin = lookup("karpenter", "1.36").unwrap_or_else(|| unreachable!());
        assert_eq!(pin.min_app_version, "1.13");
        assert_eq!(pin.pinned_chart_version, "1.14.1");
        assert_eq!(lookup("karpenter", "1.35").map(|p| p.min_app_version.as_str()), Some("1.9"));
    }
}
