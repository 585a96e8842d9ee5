//! The Amazon EKS Kubernetes release calendar: which versions EKS still creates clusters of.

use crate::spec::cluster::KubernetesVersion;

/// A Kubernetes minor version on Amazon EKS and the end of its support periods
/// (`YYYY-MM-DD`, UTC), as the EKS user guide's release calendar gives them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionSupport {
    /// The minor version, e.g. `1.33`.
    pub version: &'static str,
    /// The end of standard support; `None` when the calendar does not give it yet.
    pub end_of_standard_support: Option<&'static str>,
    /// The end of extended support: from that day EKS no longer creates clusters of this
    /// version. `None` when the calendar does not give it yet.
    pub end_of_extended_support: Option<&'static str>,
}

/// The day the version calendar was last checked: versions whose extended support ended
/// on or before it are refused. Synthesis never reads the clock, so the same blueprint gives
/// the same answer until the calendar is updated.
pub const VERSIONS_AS_OF: &str = "2026-12-02";

/// The Amazon EKS Kubernetes release calendar, oldest first: the versions this release
/// knows and the last ones retired, with the end of their standard and extended support
/// (<https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html>, "Amazon
/// EKS Kubernetes release calendar"; 1.29 to 1.34 from awsdocs/amazon-eks-user-guide
/// `latest/ug/versioning/kubernetes-versions.adoc`, 1.35 from the same page as cited by
/// [`crate::compile::defaults::KUBERNETES_VERSION`] plus 12 months of extended support; 1.36
/// (on EKS since 2026-06-02) from the page's rows as quoted in `data/kubernetes-versions.csv`,
/// see `data/SOURCES.md`).
pub const CALENDAR: &[VersionSupport] = &[
    VersionSupport {
        version: "1.29",
        end_of_standard_support: Some("2025-03-23"),
        end_of_extended_support: Some("2026-03-23"),
    },
    VersionSupport {
        version: "1.30",
        end_of_standard_support: Some("2025-07-23"),
        end_of_extended_support: Some("2026-07-23"),
    },
    VersionSupport {
        version: "1.31",
        end_of_standard_support: Some("2025-11-26"),
        end_of_extended_support: Some("2026-11-26"),
    },
    VersionSupport {
        version: "1.32",
        end_of_standard_support: Some("2026-03-23"),
        end_of_extended_support: Some("2027-03-23"),
    },
    VersionSupport {
        version: "1.33",
        end_of_standard_support: Some("2026-07-29"),
        end_of_extended_support: Some("2027-07-29"),
    },
    VersionSupport {
        version: "1.34",
        end_of_standard_support: Some("2026-12-02"),
        end_of_extended_support: Some("2027-12-02"),
    },
    VersionSupport {
        version: "1.35",
        end_of_standard_support: Some("2027-03-27"),
        end_of_extended_support: Some("2028-03-27"),
    },
    VersionSupport {
        version: "1.36",
        end_of_standard_support: Some("2027-08-02"),
        end_of_extended_support: Some("2028-08-02"),
    },
];

/// The version's support dates, if the calendar lists it.
pub fn support(version: &KubernetesVersion) -> Option<&'static VersionSupport> {
    CALENDAR.iter().find(|s| s.version == version.as_str())
}
