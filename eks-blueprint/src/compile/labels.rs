//! Kubernetes labels and taints, validated once for every place that takes them: node groups
//! (managed and self-managed), Fargate selectors and Karpenter NodePools.

use indexmap::IndexMap;

use crate::compile::codes;
use crate::compile::common::is_dns_label;
use crate::error::ValidationErrors;
use crate::spec::compute::Taint;

/// Checks a Kubernetes label (or taint) key: an optional DNS-subdomain prefix and `/`, then
/// a name of at most 63 characters; the `kubernetes.io` and `k8s.io` prefixes are reserved.
pub(crate) fn check_label_key(key: &str) -> Result<(), String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, key),
    };
    if let Some(p) = prefix {
        let ok = !p.is_empty() && p.len() <= 253 && p.split('.').all(is_dns_label);
        if !ok {
            return Err(format!("`{key}`: the prefix `{p}` is not a DNS subdomain"));
        }
        let reserved = ["kubernetes.io", "k8s.io"].iter().any(|r| p == *r || p.ends_with(&format!(".{r}")));
        if reserved {
            return Err(format!("`{key}`: the prefixes kubernetes.io and k8s.io are reserved for Kubernetes"));
        }
    }
    if !is_label_name(name) || name.is_empty() {
        return Err(format!("`{key}` is not a label key: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"));
    }
    Ok(())
}

/// Checks a Kubernetes label value (may be empty).
pub(crate) fn check_label_value(value: &str) -> Result<(), String> {
    if value.is_empty() || is_label_name(value) {
        Ok(())
    } else {
        Err(format!("`{value}` is not a label value: at most 63 letters, digits, '-', '_' and '.', starting and ending with a letter or digit"))
    }
}

fn is_label_name(s: &str) -> bool {
    s.len() <= 63
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// Checks labels: each key and value, and, for a key of the right form, `reserved`: the
/// message for a key that is not the user's to set (Karpenter's label domains), if any.
pub(crate) fn labels(
    path: &str,
    labels: &IndexMap<String, String>,
    reserved: &dyn Fn(&str) -> Option<String>,
    errors: &mut ValidationErrors,
) {
    for (key, value) in labels {
        let p = format!("{path}.labels.{key}");
        if let Err(e) = check_label_key(key) {
            errors.push(p.clone(), codes::INVALID_LABEL, e);
        } else if let Some(message) = reserved(key) {
            errors.push(p.clone(), codes::INVALID_LABEL, message);
        }
        if let Err(e) = check_label_value(value) {
            errors.push(p, codes::INVALID_LABEL, e);
        }
    }
}

/// Refuses empty label values where the API takes none: EKS's node group labels ("Value
/// Length Constraints: Minimum length of 1",
/// <https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateLabelsPayload.html>) and
/// Fargate selector labels (`Label.Value` has `minLength: 1` in the CloudFormation schema
/// of `AWS::EKS::FargateProfile`). Kubernetes itself accepts an empty value, so
/// [`labels`] does not refuse it; `api` names who refuses it in the message.
pub(crate) fn non_empty_label_values(
    path: &str,
    labels: &IndexMap<String, String>,
    api: &str,
    errors: &mut ValidationErrors,
) {
    for (key, value) in labels {
        if value.is_empty() {
            errors.push(
                format!("{path}.labels.{key}"),
                codes::INVALID_LABEL,
                format!(
                    "the label `{key}` has an empty value, which {api} refuses (1 to 63 characters); give it a value"
                ),
            );
        }
    }
}

/// Refuses taints written with an empty value (`value: ""`) where the API takes none:
/// Karpenter's NodePool CRD gives `taints[].value` the pattern
/// `^(...)?([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`, which needs at least one character
/// (`karpenter.sh_nodepools.yaml`, kubernetes-sigs/karpenter, API v1). A taint without a
/// value is written by leaving `value` out.
pub(crate) fn non_empty_taint_values(path: &str, taints: &[Taint], api: &str, errors: &mut ValidationErrors) {
    for (i, t) in taints.iter().enumerate() {
        if t.value.as_deref() == Some("") {
            errors.push(
                format!("{path}.taints[{i}].value"),
                codes::INVALID_TAINT,
                format!("the taint `{}` has an empty value, which {api} refuses; leave `value` out for a taint without a value", t.key),
            );
        }
    }
}

/// Checks taints: at most `limit` of them where EKS sets one (a node group takes at most
/// [`crate::compile::defaults::MAX_TAINTS`]; a Karpenter NodePool has no such limit), and
/// each key and value.
pub(crate) fn taints(path: &str, taints: &[Taint], limit: Option<usize>, errors: &mut ValidationErrors) {
    if let Some(limit) = limit.filter(|limit| taints.len() > *limit) {
        errors.push(
            format!("{path}.taints"),
            codes::TOO_MANY,
            format!("{} taints; EKS allows {limit} per node group", taints.len()),
        );
    }
    for (i, t) in taints.iter().enumerate() {
        let p = format!("{path}.taints[{i}]");
        if let Err(e) = check_label_key(&t.key) {
            errors.push(format!("{p}.key"), codes::INVALID_TAINT, e);
        }
        if let Some(v) = &t.value {
            if let Err(e) = check_label_value(v) {
                errors.push(format!("{p}.value"), codes::INVALID_TAINT, e);
            }
        }
    }
}
