//! Node user data, per AMI family: Amazon Linux 2023's `nodeadm` `NodeConfig` and
//! Bottlerocket's TOML settings, for managed node groups (merged by EKS with its own) and
//! self-managed ones (complete, with the cluster's endpoint and certificate).

use crate::blueprint::compute::{ClusterDns, NodeGroup};
use crate::render::labels;
use crate::spec::compute::{Kubelet, OsFamily};

/// The MIME boundary of Amazon Linux 2023 user data.
const MIME_BOUNDARY: &str = "BOUNDARY";

/// The `Fn::Sub` variables of self-managed user data: the cluster's API server endpoint and
/// certificate authority.
pub(crate) const ENDPOINT_VAR: &str = "Endpoint";
/// See [`ENDPOINT_VAR`].
pub(crate) const CERTIFICATE_AUTHORITY_VAR: &str = "CertificateAuthority";

/// Escapes `${` for an `Fn::Sub` template. Self-managed user data is the one template a user
/// string (a kubelet flag) reaches; validation refuses `${` in kubelet flags (code
/// `substitution`, docs/validation.md), so this only keeps the template literal if that rule
/// ever loosens.
fn sub_escape(s: &str) -> String {
    s.replace("${", "${!")
}

/// A YAML double-quoted string, escaped for YAML 1.1 and 1.2 alike (see [`crate::yaml`]).
fn yaml_str(s: &str) -> String {
    crate::yaml::quoted(s)
}

/// A TOML basic string (JSON string syntax is a TOML basic string).
pub(crate) fn toml_str(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}

/// The user data of a managed node group's launch template: what EKS merges with its own
/// bootstrap configuration, or nothing when the group sets no kubelet setting. Labels and
/// taints go to the `AWS::EKS::Nodegroup` itself.
pub(crate) fn managed(group: &NodeGroup) -> Option<String> {
    let kubelet = &group.kubelet;
    match group.ami_type.os() {
        _ if kubelet.max_pods.is_none() && kubelet.flags.is_empty() => None,
        OsFamily::Al2023 => Some(nodeadm("", kubelet, &managed_max_pods_flag(kubelet))),
        OsFamily::Bottlerocket => Some(bottlerocket("", kubelet, "")),
    }
}

/// The user data of a self-managed node of cluster `cluster`: an `Fn::Sub` template whose
/// [`ENDPOINT_VAR`] and [`CERTIFICATE_AUTHORITY_VAR`] are the cluster's; the node registers
/// its labels and taints itself.
pub(crate) fn self_managed(cluster: &str, group: &NodeGroup, dns: &ClusterDns) -> String {
    match group.ami_type.os() {
        OsFamily::Al2023 => {
            let cluster_block = format!(
                "  cluster:\n    name: {}\n    apiServerEndpoint: ${{{ENDPOINT_VAR}}}\n    certificateAuthority: ${{{CERTIFICATE_AUTHORITY_VAR}}}\n    cidr: {}\n",
                yaml_str(cluster),
                dns.service_cidr
            );
            let extra = labels::kubelet_flags(&group.labels, &group.taints);
            let mut kubelet = group.kubelet.clone();
            kubelet.flags = kubelet.flags.iter().map(|f| sub_escape(f)).collect();
            nodeadm(&cluster_block, &kubelet, &extra)
        }
        OsFamily::Bottlerocket => {
            let cluster_block = format!(
                "cluster-name = {}\napi-server = \"${{{ENDPOINT_VAR}}}\"\ncluster-certificate = \"${{{CERTIFICATE_AUTHORITY_VAR}}}\"\ncluster-dns-ip = \"{}\"\n",
                toml_str(cluster),
                dns.ip
            );
            bottlerocket(&cluster_block, &group.kubelet, &labels::bottlerocket_settings(&group.labels, &group.taints))
        }
    }
}

/// Amazon Linux 2023 user data: a MIME multi-part document with one `NodeConfig` for
/// `nodeadm` (<https://awslabs.github.io/amazon-eks-ami/nodeadm/>). `cluster` is the
/// `spec.cluster` block (self-managed nodes) or empty (managed node groups: EKS adds it
/// and merges this document with its own).
fn nodeadm(cluster: &str, kubelet: &Kubelet, extra_flags: &[String]) -> String {
    let mut spec = String::from(cluster);
    let flags: Vec<String> = kubelet.flags.iter().chain(extra_flags).cloned().collect();
    if kubelet.max_pods.is_some() || !flags.is_empty() {
        spec.push_str("  kubelet:\n");
        if let Some(n) = kubelet.max_pods {
            spec.push_str(&format!("    config:\n      maxPods: {n}\n"));
        }
        if !flags.is_empty() {
            spec.push_str("    flags:\n");
            for f in &flags {
                spec.push_str(&format!("      - {}\n", yaml_str(f)));
            }
        }
    }
    format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"{MIME_BOUNDARY}\"\n\n--{MIME_BOUNDARY}\nContent-Type: application/node.eks.aws\n\n---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n{spec}\n--{MIME_BOUNDARY}--\n"
    )
}

/// The kubelet flag that makes `maxPods` hold on an Amazon Linux 2023 managed node.
///
/// EKS appends its own `NodeConfig` after the launch template's user data on managed nodes
/// without a custom AMI (eksctl "Node bootstrapping": "the default NodeConfig is being added
/// by EKS MNG under the hood, appended directly to the EC2's userdata"), and that
/// `NodeConfig` sets `kubelet.config.maxPods` to the value EKS computes for the instance
/// type (eksctl-io/eksctl#8037), which ignores custom networking. `nodeadm` merges
/// `NodeConfig` documents in order, later values overriding earlier ones, except kubelet
/// flags, which it appends (amazon-eks-ami `nodeadm/internal/api/merge.go`); and the kubelet
/// lets a command-line flag override the same setting of its configuration file (Kubernetes
/// docs, "Set Kubelet parameters via a configuration file"). So the group's value is also
/// passed as `--max-pods`: the `config` value alone would be overwritten. Bottlerocket needs
/// nothing: EKS applies the user's `settings.kubernetes.max-pods` over its own (EKS user
/// guide, "Customize managed nodes with launch templates"). Self-managed nodes get no EKS
/// user data, so `config.maxPods` holds there.
fn managed_max_pods_flag(kubelet: &Kubelet) -> Vec<String> {
    kubelet.max_pods.map(|n| format!("--max-pods={n}")).into_iter().collect()
}

/// Bottlerocket user data: TOML settings
/// (<https://bottlerocket.dev/en/os/latest/#/api/settings/kubernetes/>): `cluster` is the
/// cluster's settings (self-managed nodes) or empty (managed node groups), `labels_and_taints`
/// their settings ([`labels::bottlerocket_settings`]).
fn bottlerocket(cluster: &str, kubelet: &Kubelet, labels_and_taints: &str) -> String {
    let mut toml = format!("[settings.kubernetes]\n{cluster}");
    if let Some(n) = kubelet.max_pods {
        toml.push_str(&format!("max-pods = {n}\n"));
    }
    toml.push_str(labels_and_taints);
    toml
}
