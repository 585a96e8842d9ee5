//! Validation of Fargate profiles.

use crate::compile::codes;
use crate::compile::common::{check_unique, is_dns_label};
use crate::compile::compute::Defaulted;
use crate::compile::defaults;
use crate::compile::{labels, nodegroups, tags};
use crate::error::ValidationErrors;
use crate::spec::compute::{FargateProfile, SubnetType};

/// Checks a Fargate profile.
pub(crate) fn profile(path: &str, profile: &FargateProfile, errors: &mut ValidationErrors) {
    nodegroups::check_name(path, &profile.name, errors);
    if profile.selectors.is_empty() || profile.selectors.len() > defaults::FARGATE_MAX_SELECTORS {
        errors.push(
            format!("{path}.selectors"),
            codes::SELECTORS,
            format!(
                "{} selectors; a Fargate profile takes 1 to {}",
                profile.selectors.len(),
                defaults::FARGATE_MAX_SELECTORS
            ),
        );
    }
    for (i, s) in profile.selectors.iter().enumerate() {
        let p = format!("{path}.selectors[{i}]");
        if !is_dns_label(&s.namespace) {
            errors.push(
                format!("{p}.namespace"),
                codes::INVALID_NAMESPACE,
                format!("`{}` is not a namespace name: at most 63 lowercase letters, digits and '-'", s.namespace),
            );
        }
        labels::labels(&p, &s.labels, &|_| None, errors);
        labels::non_empty_label_values(&p, &s.labels, "CloudFormation's AWS::EKS::FargateProfile schema", errors);
    }
    // Two identical selectors select nothing more than one: a copy-paste mistake.
    check_unique(
        &format!("{path}.selectors"),
        &profile.selectors,
        |s| format!("the selector of namespace `{}`", s.namespace),
        errors,
    );
    if profile.subnets.unwrap_or(defaults::NODE_SUBNETS) == SubnetType::Public {
        errors.push(
            format!("{path}.subnets"),
            codes::PUBLIC_SUBNETS,
            "Fargate runs pods in private subnets only; remove `subnets: public`",
        );
    }
    tags::check(&format!("{path}.tags"), &profile.tags, tags::FARGATE_PROFILE_TAGS, errors);
}

/// With Fargate as the only compute, CoreDNS runs on Fargate: a profile must select
/// `kube-system`.
pub(crate) fn coredns(compute: &Defaulted, errors: &mut ValidationErrors) {
    let profiles = &compute.fargate_profiles;
    let fargate_only = !profiles.is_empty() && !compute.has_node_groups() && compute.auto_mode.is_none();
    let kube_system = profiles.iter().any(|p| p.selectors.iter().any(|s| s.namespace == "kube-system"));
    if fargate_only && !kube_system {
        errors.push(
            "compute.fargateProfiles",
            codes::FARGATE_COREDNS,
            "with Fargate as the only compute, CoreDNS runs on Fargate: add a profile with a selector for namespace kube-system",
        );
    }
}
