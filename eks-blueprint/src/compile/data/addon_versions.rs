//! EKS add-on versions per Kubernetes version: the version an `AWS::EKS::Addon` pins
//! (`AddonVersion`) for the cluster's Kubernetes version, so that an upgrade of the cluster
//! moves its add-ons with it.
//!
//! The table is `data/addon-versions.csv` (sources and dates in its header and
//! `data/SOURCES.md`; refreshed by `scripts/update-addon-versions` from `aws eks
//! describe-addon-versions`). `AddonVersion` is updatable in place (`AWS::EKS::Addon`
//! schema: not a create-only property; the update calls `eks:UpdateAddon`), and EKS does not
//! move an add-on on its own when the control plane is upgraded ("EKS Add-ons are not
//! automatically upgraded during a control plane upgrade", EKS best practices, Cluster
//! Upgrades): without a pin, kube-proxy and CoreDNS stay on the version they were created
//! with. A combination the table does not know is left unpinned: EKS installs its default
//! version for the cluster's Kubernetes version at creation (finding `EKSB-VERSION-001`).

use std::sync::OnceLock;

use super::csv;

/// The table, as written (`#` starts a comment line).
const TABLE: &str = include_str!("../../../data/addon-versions.csv");

/// One row: an add-on on one Kubernetes minor version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddonVersion {
    /// The Kubernetes minor version, e.g. `1.35`.
    pub kubernetes_version: String,
    /// The EKS add-on name, e.g. `kube-proxy`.
    pub addon: String,
    /// What EKS installs when `AddonVersion` is unset (`describe-addon-versions`
    /// `compatibilities[].defaultVersion`), when known.
    pub default_version: Option<String>,
    /// The newest version EKS lists for the Kubernetes version, when known.
    pub latest_version: Option<String>,
    /// Where the row comes from: `docs`, `listed`, `not-offered` or `unknown`.
    pub status: String,
    /// The day the row was taken, `YYYY-MM-DD`.
    pub taken: String,
}

impl AddonVersion {
    /// The version eks-blueprint pins: the EKS default when the table has it (what EKS
    /// itself would pick), else the newest version the EKS user guide lists for the
    /// Kubernetes version; `None` when the table knows neither.
    pub fn pinned(&self) -> Option<&str> {
        if self.status == "not-offered" {
            return None;
        }
        self.default_version.as_deref().or(self.latest_version.as_deref())
    }
}

/// Every row of the table.
pub fn all() -> &'static [AddonVersion] {
    static ROWS: OnceLock<Vec<AddonVersion>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let cell = |s: &String| (!s.is_empty()).then(|| s.clone());
        csv::rows(TABLE)
            .into_iter()
            .map(|r| AddonVersion {
                kubernetes_version: r.get("kubernetes_version").cloned().unwrap_or_default(),
                addon: r.get("addon").cloned().unwrap_or_default(),
                default_version: r.get("default_version").and_then(cell),
                latest_version: r.get("latest_version").and_then(cell),
                status: r.get("status").cloned().unwrap_or_default(),
                taken: r.get("taken").cloned().unwrap_or_default(),
            })
            .collect()
    })
}

/// The row of `addon` on Kubernetes `version`.
pub fn lookup(version: &str, addon: &str) -> Option<&'static AddonVersion> {
    all().iter().find(|r| r.kubernetes_version == version && r.addon == addon)
}

/// The version to pin for `addon` on Kubernetes `version`, when the table knows one.
pub fn pinned(version: &str, addon: &str) -> Option<&'static str> {
    lookup(version, addon).and_then(AddonVersion::pinned)
}

/// The day the table was taken (the newest `taken` of its rows).
pub fn table_date() -> &'static str {
    all().iter().map(|r| r.taken.as_str()).max().unwrap_or("")
}

/// Whether `version` is written like an EKS add-on version: `v<major>.<minor>.<patch>-eksbuild.<n>`
/// (`v1.19.2-eksbuild.1`), the form `describe-addon-versions` lists.
pub fn is_addon_version(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else { return false };
    let Some((semver, build)) = rest.split_once("-eksbuild.") else { return false };
    let number = |s: &str| !s.is_empty() && s.len() <= 9 && s.chars().all(|c| c.is_ascii_digit());
    let parts: Vec<&str> = semver.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| number(p)) && number(build)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::cluster::KubernetesVersion;

    /// The add-ons the table lists: those `scripts/update-addon-versions` knows.
    const ADDONS: &[&str] = &[
        "vpc-cni",
        "kube-proxy",
        "coredns",
        "eks-pod-identity-agent",
        "aws-ebs-csi-driver",
        "aws-efs-csi-driver",
        "aws-mountpoint-s3-csi-driver",
        "snapshot-controller",
        "amazon-cloudwatch-observability",
        "metrics-server",
    ];

    #[test]
    fn the_table_covers_every_known_kubernetes_version_and_add_on() {
        for version in KubernetesVersion::KNOWN {
            for addon in ADDONS {
                let rows: Vec<_> =
                    all().iter().filter(|r| r.kubernetes_version == version.as_str() && r.addon == *addon).collect();
                assert_eq!(rows.len(), 1, "one row for {addon} on {version}");
            }
        }
        assert_eq!(all().len(), KubernetesVersion::KNOWN.len() * ADDONS.len(), "no other rows");
    }

    #[test]
    fn every_version_in_the_table_is_an_addon_version() {
        for row in all() {
            for v in [&row.default_version, &row.latest_version].into_iter().flatten() {
                assert!(is_addon_version(v), "{}/{}: {v}", row.kubernetes_version, row.addon);
            }
        }
    }

    #[test]
    fn pins_come_from_the_user_guide_tables() {
        // data/addon-versions.csv, rows from the EKS user guide's kube-proxy and CoreDNS
        // version tables (managing-kube-proxy.html, managing-coredns.html).
        assert_eq!(pinned("1.35", "kube-proxy"), Some("v1.35.3-eksbuild.13"));
        assert_eq!(pinned("1.36", "kube-proxy"), Some("v1.36.0-eksbuild.14"));
        assert_eq!(pinned("1.35", "coredns"), Some("v1.14.3-eksbuild.3"));
        assert_eq!(pinned("1.35", "vpc-cni"), None, "unknown in the table");
        assert_eq!(pinned("1.99", "kube-proxy"), None);
        assert_eq!(table_date(), "2026-12-02");
    }

    #[test]
    fn addon_version_format() {
        assert!(is_addon_version("v1.19.2-eksbuild.1"));
        assert!(is_addon_version("v1.35.3-eksbuild.13"));
        for bad in
            ["1.19.2-eksbuild.1", "v1.19-eksbuild.1", "v1.19.2", "v1.19.2-eksbuild.", "v1.19.2-eksbuild.1 ", "latest"]
        {
            assert!(!is_addon_version(bad), "{bad}");
        }
    }
}
