//! Kubernetes labels and taints in every representation rendering writes, in one place. The
//! spec and the blueprint hold taints as Kubernetes writes them (`key`, `value`, `NoSchedule`);
//! each wire format is mapped here:
//!
//! - the `AWS::EKS::Nodegroup` `Taints`, with CloudFormation's spelling of the effect
//!   (`NO_SCHEDULE`);
//! - the kubelet's `--node-labels` and `--register-with-taints` flags (self-managed Amazon
//!   Linux 2023 nodes);
//! - Bottlerocket's `[settings.kubernetes.node-labels]` and `[settings.kubernetes.node-taints]`;
//! - the Cluster Autoscaler's `node-template` tags on an Auto Scaling group, for scaling from
//!   zero;
//! - the taints of a Karpenter NodePool.

use indexmap::IndexMap;
use serde_json::Value;

use super::nodegroups::user_data::toml_str;
use crate::resources::eks;
use crate::spec::compute::{Taint, TaintEffect};

/// The effect as `AWS::EKS::Nodegroup` spells it (`NO_SCHEDULE`, `PREFER_NO_SCHEDULE`,
/// `NO_EXECUTE`).
fn cfn_effect(effect: TaintEffect) -> &'static str {
    match effect {
        TaintEffect::NoSchedule => "NO_SCHEDULE",
        TaintEffect::PreferNoSchedule => "PREFER_NO_SCHEDULE",
        TaintEffect::NoExecute => "NO_EXECUTE",
    }
}

/// The taints of a managed node group, as `AWS::EKS::Nodegroup` takes them.
pub(crate) fn nodegroup_taints(taints: &[Taint]) -> Vec<eks::Taint> {
    taints
        .iter()
        .map(|t| eks::Taint { effect: cfn_effect(t.effect).into(), key: t.key.clone(), value: t.value.clone() })
        .collect()
}

/// The kubelet's form of a taint: `key=value:Effect` (`key:Effect` without a value).
fn kubelet_taint(t: &Taint) -> String {
    match &t.value {
        Some(v) => format!("{}={v}:{}", t.key, t.effect.as_str()),
        None => format!("{}:{}", t.key, t.effect.as_str()),
    }
}

/// The value of a taint where it is written `value:Effect` (Bottlerocket, the Cluster
/// Autoscaler): the value may be empty.
fn value_and_effect(t: &Taint) -> String {
    format!("{}:{}", t.value.as_deref().unwrap_or_default(), t.effect.as_str())
}

/// The kubelet flags that register a node's labels and taints:
/// `--node-labels=key=value,...` and `--register-with-taints=key=value:Effect,...`.
pub(crate) fn kubelet_flags(labels: &IndexMap<String, String>, taints: &[Taint]) -> Vec<String> {
    let mut flags = Vec::new();
    if !labels.is_empty() {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        flags.push(format!("--node-labels={}", labels.join(",")));
    }
    if !taints.is_empty() {
        let taints: Vec<String> = taints.iter().map(kubelet_taint).collect();
        flags.push(format!("--register-with-taints={}", taints.join(",")));
    }
    flags
}

/// Bottlerocket's settings for labels and taints: `[settings.kubernetes.node-labels]` and
/// `[settings.kubernetes.node-taints]` (a list of `value:Effect` per key), or nothing
/// (<https://bottlerocket.dev/en/os/latest/#/api/settings/kubernetes/>).
pub(crate) fn bottlerocket_settings(labels: &IndexMap<String, String>, taints: &[Taint]) -> String {
    let mut toml = String::new();
    if !labels.is_empty() {
        toml.push_str("\n[settings.kubernetes.node-labels]\n");
        for (k, v) in labels {
            toml.push_str(&format!("{} = {}\n", toml_str(k), toml_str(v)));
        }
    }
    if !taints.is_empty() {
        toml.push_str("\n[settings.kubernetes.node-taints]\n");
        let mut by_key: IndexMap<&str, Vec<String>> = IndexMap::new();
        for t in taints {
            by_key.entry(t.key.as_str()).or_default().push(toml_str(&value_and_effect(t)));
        }
        for (k, values) in by_key {
            toml.push_str(&format!("{} = [{}]\n", toml_str(k), values.join(", ")));
        }
    }
    toml
}

/// The Cluster Autoscaler's `node-template` tags of an Auto Scaling group, so that it can
/// scale the group from zero with the right labels and taints
/// (cluster-autoscaler/cloudprovider/aws/README.md, "Scaling a node group to 0"):
/// `k8s.io/cluster-autoscaler/node-template/label/<key>: <value>` and
/// `k8s.io/cluster-autoscaler/node-template/taint/<key>: <value>:<Effect>`.
pub(crate) fn autoscaler_node_template_tags(
    labels: &IndexMap<String, String>,
    taints: &[Taint],
) -> Vec<(String, String)> {
    let labels = labels.iter().map(|(k, v)| (format!("k8s.io/cluster-autoscaler/node-template/label/{k}"), v.clone()));
    let taints = taints
        .iter()
        .map(|t| (format!("k8s.io/cluster-autoscaler/node-template/taint/{}", t.key), value_and_effect(t)));
    labels.chain(taints).collect()
}

/// A taint of a Karpenter NodePool (`spec.template.spec.taints[]`).
pub(crate) fn karpenter_taint(t: &Taint) -> Value {
    let mut v = serde_json::json!({"key": t.key, "effect": t.effect.as_str()});
    if let Some(value) = &t.value {
        v["value"] = Value::from(value.as_str());
    }
    v
}
