//! VPC CNI custom networking for `network.podCidr`, everything of it but the pod subnets
//! themselves (network.rs): the `vpc-cni` add-on's configuration, the outputs of the pod
//! subnets, the `ENIConfig` objects (one per zone) that point the CNI at them with the
//! script that applies them, and Karpenter's reserved network interface.
//!
//! From the EKS user guide "Deploy Pods in alternate subnets with custom networking"
//! (<https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html>): with
//! `AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true` the CNI takes the subnet and security groups of
//! a node's secondary network interfaces from the node's `ENIConfig`; with
//! `ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone` it picks the `ENIConfig` named after the
//! node's zone, so no node needs an annotation.
//!
//! An `ENIConfig` needs the subnet id and the cluster security group id, which exist only
//! after deployment, and zone names that are only known at deployment when the blueprint
//! gives a zone count. So the network stack outputs each pod subnet's id and zone, the
//! cluster stack outputs the cluster security group, and the assembly gets
//! `manifests/eniconfigs.yaml` (a template with `${...}` placeholders) and
//! `manifests/eniconfigs.sh`, a POSIX shell script that reads those outputs with the AWS CLI,
//! fills the template and applies it with kubectl. Nothing is looked up at synthesis.

use serde_json::json;

use super::{ids, Context, Part};
use crate::blueprint::Blueprint;
use crate::cfn::{Handle, Output, Stack};
use crate::resources::ec2::Subnet;
use crate::spec::network::AvailabilityZones;
use crate::synth::SynthError;

/// The network stack's outputs of pod subnet `n` (1-based), which
/// `manifests/eniconfigs.sh` reads: the ENIConfig of each zone is named after the zone, and
/// points at the subnet.
pub(crate) fn pod_subnet_outputs(stack: &mut Stack, n: usize, subnet: &Handle<Subnet>) -> Result<(), SynthError> {
    let (subnet_output, zone_output) = ids::pod_subnet_outputs(n);
    stack.add_output(
        &subnet_output,
        Output::new(subnet.reference(), format!("Pod subnet {n} (VPC CNI custom networking)")),
    )?;
    stack.add_output(
        &zone_output,
        Output::new(subnet.attr_availability_zone(), format!("Availability Zone of pod subnet {n}")),
    )?;
    Ok(())
}

/// The `ENIConfig` template, relative to the assembly.
pub(crate) const MANIFEST_PATH: &str = "manifests/eniconfigs.yaml";
/// The script that fills and applies it.
pub(crate) const SCRIPT_PATH: &str = "manifests/eniconfigs.sh";
/// The node label whose value names a node's `ENIConfig`: the zone, set on every node.
pub(crate) const ENI_CONFIG_LABEL: &str = "topology.kubernetes.io/zone";
/// The apiVersion of `ENIConfig` (the CRD the VPC CNI installs).
const ENICONFIG_API_VERSION: &str = "crd.k8s.amazonaws.com/v1alpha1";

/// Whether custom networking applies ([`Blueprint::custom_networking`]).
fn enabled(bp: &Blueprint) -> bool {
    bp.custom_networking()
}

/// The `ConfigurationValues` of the `vpc-cni` add-on: its `env` map (keys of the add-on's
/// configuration schema, `aws eks describe-addon-configuration --addon-name vpc-cni`), or
/// none without a pod CIDR.
pub(crate) fn vpc_cni_configuration(custom_networking: bool) -> Option<String> {
    custom_networking.then(|| {
        json!({
            "env": {
                "AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG": "true",
                "ENI_CONFIG_LABEL_DEF": ENI_CONFIG_LABEL,
            }
        })
        .to_string()
    })
}

/// Karpenter's Helm values under custom networking: Karpenter computes each instance type's
/// max pods from its network interfaces, and the primary one carries no pods, so it is
/// reserved (`settings.reservedENIs`, a string in the chart's values).
pub(crate) fn karpenter_settings(bp: &Blueprint, values: &mut serde_json::Value) {
    if enabled(bp) {
        values["settings"]["reservedENIs"] = json!("1");
    }
}

/// A placeholder of the template, as written in it: `${NAME}`.
fn placeholder(name: &str) -> String {
    format!("${{{name}}}")
}

/// The shell variable (and placeholder) names of pod subnet `n`.
fn subnet_var(n: usize) -> String {
    format!("POD_SUBNET_{n}_ID")
}
fn zone_var(n: usize) -> String {
    format!("POD_SUBNET_{n}_ZONE")
}
const SECURITY_GROUP_VAR: &str = "CLUSTER_SECURITY_GROUP_ID";

/// `manifests/eniconfigs.yaml` and `manifests/eniconfigs.sh`, or nothing without a pod CIDR.
pub(crate) fn render(ctx: &Context) -> Vec<(String, String)> {
    let bp = ctx.bp;
    if !enabled(bp) {
        return Vec::new();
    }
    let Some(vpc) = bp.network.new_vpc() else { return Vec::new() };
    let zones = vpc.plan.pods.len();
    let names = match &vpc.availability_zones {
        AvailabilityZones::Names(names) => Some(names),
        // Zone IDs: the ENIConfig is named after the zone name, which the network stack
        // outputs (`PodSubnet<n>Zone`, the subnet's `AvailabilityZone` attribute).
        AvailabilityZones::Count(_) | AvailabilityZones::Ids(_) => None,
    };
    let network = ctx.stack_name(Part::Network);
    let cluster = ctx.stack_name(Part::Cluster);
    let compute = ctx.stack_name(Part::Compute);

    // When to apply: between the cluster and compute stacks (validation refuses the single
    // stack layout with a pod CIDR, which has no such point).
    let when = format!(
        "after stack {cluster} is deployed and before stack {compute} is: a\n\
         # node whose zone has no ENIConfig cannot attach its pod network interfaces (vpc-cni\n\
         # 1.13 and later), never becomes Ready, and its node group fails to create."
    );

    // The zone of each ENIConfig: literal when the blueprint names the zones.
    let zone_of = |n: usize| -> String {
        match names.and_then(|names| names.get(n - 1)) {
            Some(name) => name.clone(),
            None => placeholder(&zone_var(n)),
        }
    };

    let manifest = format!(
        "# ENIConfigs of EKS cluster {name}: VPC CNI custom networking puts the pods of a node in\n\
         # the pod subnet of the node's zone (ENI_CONFIG_LABEL_DEF={ENI_CONFIG_LABEL}).\n\
         # A template: fill the ${{...}} placeholders from the stack outputs and apply it with\n\
         #   sh {SCRIPT_PATH}\n\
         # {when}\n",
        name = bp.name,
    );
    let documents: Vec<serde_json::Value> = (1..=zones)
        .map(|n| {
            json!({
                "apiVersion": ENICONFIG_API_VERSION,
                "kind": "ENIConfig",
                "metadata": {"name": zone_of(n)},
                "spec": {"subnet": placeholder(&subnet_var(n)), "securityGroups": [placeholder(SECURITY_GROUP_VAR)]},
            })
        })
        .collect();
    let manifest = super::manifests::yaml(&manifest, &documents);

    let mut script = format!(
        "#!/bin/sh\n\
         # VPC CNI custom networking of EKS cluster {name}: fills {MANIFEST_PATH} with the pod\n\
         # subnets of stack {network} and the cluster security group of stack {cluster}, then\n\
         # applies it with kubectl (nothing is applied when an output is missing).\n\
         #\n\
         # When: {when}\n\
         # Needs: the AWS CLI, with credentials and the region of the stacks (AWS_REGION), and\n\
         # kubectl with the cluster as its current context:\n\
         #   aws eks update-kubeconfig --name {name}\n\
         #\n\
         # Usage: sh {SCRIPT_PATH}           fill and apply\n\
         #        sh {SCRIPT_PATH} --print   fill and print, apply nothing\n\
         set -eu\n\
         \n\
         NETWORK_STACK='{network}'\n\
         CLUSTER_STACK='{cluster}'\n\
         TEMPLATE=\"$(dirname \"$0\")/eniconfigs.yaml\"\n\
         \n\
         # output STACK KEY: the value of output KEY of stack STACK.\n\
         output() {{\n\
         \x20 value=$(aws cloudformation describe-stacks --stack-name \"$1\" \\\n\
         \x20   --query \"Stacks[0].Outputs[?OutputKey=='$2'].OutputValue\" --output text)\n\
         \x20 if [ -z \"$value\" ] || [ \"$value\" = None ]; then\n\
         \x20   echo \"eniconfigs.sh: stack $1 has no output $2; deploy it first\" >&2\n\
         \x20   exit 1\n\
         \x20 fi\n\
         \x20 printf '%s\\n' \"$value\"\n\
         }}\n\
         \n\
         {SECURITY_GROUP_VAR}=$(output \"$CLUSTER_STACK\" {security_group_output})\n",
        name = bp.name,
        security_group_output = ids::CLUSTER_SECURITY_GROUP_OUTPUT,
    );
    let mut substitutions = vec![SECURITY_GROUP_VAR.to_owned()];
    for n in 1..=zones {
        let (subnet_output, zone_output) = ids::pod_subnet_outputs(n);
        script.push_str(&format!("{}=$(output \"$NETWORK_STACK\" {subnet_output})\n", subnet_var(n)));
        substitutions.push(subnet_var(n));
        if names.is_none() {
            script.push_str(&format!("{}=$(output \"$NETWORK_STACK\" {zone_output})\n", zone_var(n)));
            substitutions.push(zone_var(n));
        }
    }
    script.push_str("\nfilled=$(sed");
    for var in &substitutions {
        // `${` is literal in a POSIX basic regular expression; the values (ids, zone names)
        // hold no `|` or `&`.
        script.push_str(&format!(" \\\n  -e \"s|\\${{{var}}}|${var}|g\""));
    }
    script.push_str(
        " \\\n  \"$TEMPLATE\")\n\
         \n\
         if [ \"${1:-}\" = --print ]; then\n\
         \x20 printf '%s\\n' \"$filled\"\n\
         else\n\
         \x20 printf '%s\\n' \"$filled\" | kubectl apply -f -\n\
         fi\n",
    );
    vec![(MANIFEST_PATH.to_owned(), manifest), (SCRIPT_PATH.to_owned(), script)]
}
