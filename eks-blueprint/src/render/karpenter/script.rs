//! `manifests/karpenter.sh`: the steps around the karpenter stack that CloudFormation cannot
//! take, as a POSIX shell script: install the Karpenter chart and apply the EC2NodeClass and
//! NodePools after the stack, and remove them before the stack is deleted.
//!
//! Install: the chart with `karpenter-values.yaml` and the stacks' Region (the controller
//! cannot read it from IMDS on nodes with hop limit 1), then the EC2NodeClass with the
//! instance profile read from the karpenter stack's output (a name CloudFormation generates,
//! so the same blueprint deploys in several Regions of one account), then the NodePools.
//!
//! Uninstall, in the order the Karpenter docs imply: NodeClaims are owned by their NodePool
//! with `blockOwnerDeletion` ("deleting a NodePool will cascade-delete all of its
//! NodeClaims", Karpenter docs, NodeClaims), and Karpenter drains and terminates a node
//! before its NodeClaim goes, so a foreground delete of the NodePools returns once their
//! instances are gone; then the EC2NodeClass, then the chart (the controller must run until
//! its nodes are gone, and it runs on the compute stack's node group with the karpenter
//! stack's role), then the launch templates Karpenter leaves behind (the getting-started
//! guide's cleanup deletes them by the `karpenter.k8s.aws/cluster` tag). Deleting the stack
//! first would orphan the instances, and fail on the node security group and the instance
//! profile they still use.

use super::manifests::{INSTANCE_PROFILE_VAR, NODE_CLASS_NAME};
use crate::blueprint::karpenter::Karpenter;
use crate::render::ids::KARPENTER_INSTANCE_PROFILE_OUTPUT as INSTANCE_PROFILE_OUTPUT;

/// How long the uninstall waits for Karpenter to drain and terminate the nodes of the
/// NodePools.
const DRAIN_TIMEOUT: &str = "30m";

/// The chart version `install` uses: the one pinned for the cluster's Kubernetes version
/// (Karpenter compatibility matrix, <https://karpenter.sh/docs/upgrading/compatibility/>,
/// through [`crate::compile::data::helm_pins`]) unless `KARPENTER_VERSION` is set; for a
/// version the table does not know, `KARPENTER_VERSION` is required.
fn version_line(karpenter: &Karpenter) -> String {
    match &karpenter.chart {
        Some(chart) => format!(
            "  # Kubernetes {k8s} needs Karpenter {min} or later (Karpenter compatibility matrix,\n  # https://karpenter.sh/docs/upgrading/compatibility/): install or upgrade it before the\n  # control plane moves to {k8s}. Default: chart {version}, pinned for Kubernetes {k8s}.\n  KARPENTER_VERSION=\"${{KARPENTER_VERSION:-{version}}}\"\n",
            k8s = chart.kubernetes_version,
            min = chart.min_version,
            version = chart.version
        ),
        None => "  : \"${KARPENTER_VERSION:?set KARPENTER_VERSION to the Karpenter chart version to install (1.x.y)}\"\n"
            .to_owned(),
    }
}

/// The script for cluster `cluster`, whose Karpenter resources are in stack `stack`.
pub(crate) fn script(cluster: &str, stack: &str, karpenter: &Karpenter) -> String {
    let namespace = &karpenter.namespace;
    // NodePool names are DNS labels (validated): safe to write unquoted in the script.
    let pools: Vec<&str> = karpenter.node_pools.iter().map(|p| p.name.as_str()).collect();
    let pools = pools.join(" ");
    let version_line = version_line(karpenter);
    let mut out = format!(
        r#"#!/bin/sh
# Karpenter of EKS cluster {cluster}: installs the Karpenter chart with karpenter-values.yaml,
# then applies the EC2NodeClass, its instance profile read from stack {stack}, and the
# NodePools; or removes all of it in the order that lets stack {stack} be deleted.
#
# Needs: the AWS CLI with credentials and AWS_REGION set to the Region of the stacks, Helm
# 3.8 or later, and kubectl with the cluster as its current context:
#   aws eks update-kubeconfig --name {cluster}
#
# Usage:
#   AWS_REGION=<region> [KARPENTER_VERSION=<1.x.y>] sh manifests/karpenter.sh install
#       After stack {stack} is deployed (it follows the compute stack): the chart, then the
#       EC2NodeClass and the NodePools. Run again, it upgrades the chart and applies the manifests again.
#   AWS_REGION=<region> sh manifests/karpenter.sh print
#       Prints the EC2NodeClass with its instance profile filled in; changes nothing.
#   AWS_REGION=<region> sh manifests/karpenter.sh uninstall
#       Before stack {stack} is deleted: deletes the NodePools and waits (at most
#       {DRAIN_TIMEOUT}) until Karpenter has drained and terminated their nodes, deletes the
#       EC2NodeClass, uninstalls the chart and deletes the launch templates Karpenter
#       created. Pods whose disruption budgets allow no eviction keep their node until the
#       wait ends; the script then stops, and can be run again. Deleting the stack while
#       Karpenter's nodes run would leave them running, and fail on the node security
#       group and the instance profile they use.
set -eu

CLUSTER='{cluster}'
KARPENTER_STACK='{stack}'
NAMESPACE='{namespace}'
DIR=$(dirname "$0")

usage() {{
  echo "usage: AWS_REGION=<region> [KARPENTER_VERSION=<1.x.y>] sh $0 install|print|uninstall" >&2
  exit 2
}}

# output STACK KEY: the value of output KEY of stack STACK.
output() {{
  value=$(aws cloudformation describe-stacks --stack-name "$1" \
    --query "Stacks[0].Outputs[?OutputKey=='$2'].OutputValue" --output text)
  if [ -z "$value" ] || [ "$value" = None ]; then
    echo "karpenter.sh: stack $1 has no output $2; deploy it first" >&2
    exit 1
  fi
  printf '%s\n' "$value"
}}

# node_class: the EC2NodeClass, with the instance profile of stack KARPENTER_STACK.
node_class() {{
  profile=$(output "$KARPENTER_STACK" {INSTANCE_PROFILE_OUTPUT}) || exit 1
  sed "s|\${{{INSTANCE_PROFILE_VAR}}}|$profile|g" "$DIR/karpenter-nodeclass.yaml"
}}

do_install() {{
{version_line}  nodeclass=$(node_class) || exit 1
  helm upgrade --install karpenter oci://public.ecr.aws/karpenter/karpenter \
    --version "$KARPENTER_VERSION" --namespace "$NAMESPACE" --values "$DIR/karpenter-values.yaml" \
    --set 'controller.env[0].name=AWS_REGION' --set "controller.env[0].value=$AWS_REGION" --wait
  printf '%s\n' "$nodeclass" | kubectl apply -f -
"#
    );
    if !pools.is_empty() {
        out.push_str("  kubectl apply -f \"$DIR/karpenter-nodepools.yaml\"\n");
    }
    out.push_str(
        r#"}

do_uninstall() {
  if kubectl get crd nodepools.karpenter.sh >/dev/null 2>&1; then
"#,
    );
    if !pools.is_empty() {
        out.push_str(&format!(
            r#"    # NodeClaims belong to their NodePool (blockOwnerDeletion): a foreground delete
    # returns once Karpenter has drained and terminated every node of the NodePools.
    kubectl delete nodepools.karpenter.sh {pools} --cascade=foreground --ignore-not-found --timeout={DRAIN_TIMEOUT}
"#
        ));
    }
    out.push_str(&format!(
        r#"    # Its finalizer waits until no NodeClaim uses it.
    kubectl delete ec2nodeclasses.karpenter.k8s.aws {NODE_CLASS_NAME} --ignore-not-found --timeout=10m
  fi
  if helm status karpenter --namespace "$NAMESPACE" >/dev/null 2>&1; then
    helm uninstall karpenter --namespace "$NAMESPACE" --wait
  fi
  templates=$(aws ec2 describe-launch-templates \
    --filters "Name=tag:karpenter.k8s.aws/cluster,Values=$CLUSTER" \
    --query 'LaunchTemplates[].LaunchTemplateId' --output text)
  for id in $templates; do
    [ "$id" = None ] || aws ec2 delete-launch-template --launch-template-id "$id" >/dev/null
  done
  echo "karpenter.sh: Karpenter and its nodes are gone; stack $KARPENTER_STACK can be deleted"
}}

[ $# -eq 1 ] || usage
: "${{AWS_REGION:?set AWS_REGION to the Region of stack $KARPENTER_STACK}}"
case "$1" in
  install) do_install ;;
  print) node_class ;;
  uninstall) do_uninstall ;;
  *) usage ;;
esac
"#
    ));
    out
}
