//! Karpenter's Kubernetes side, under `manifests/`: the Helm values, the EC2NodeClass and the
//! NodePools, with [`script`](super::script) to install and remove them.

use serde_json::{json, Value};

use super::queue_name;
use crate::blueprint::karpenter::{Karpenter, NodePool};
use crate::blueprint::tags::{self, KARPENTER_DISCOVERY};
use crate::compile::defaults;
use crate::render::ids::KARPENTER_INSTANCE_PROFILE_OUTPUT as INSTANCE_PROFILE_OUTPUT;
use crate::render::{labels, manifests, Context};

/// The name of the EC2NodeClass every NodePool uses.
pub const NODE_CLASS_NAME: &str = "default";

/// Manifest paths in the assembly.
pub const VALUES_FILE: &str = "manifests/karpenter-values.yaml";
/// The EC2NodeClass manifest.
pub const NODE_CLASS_FILE: &str = "manifests/karpenter-nodeclass.yaml";
/// The NodePools manifest.
pub const NODE_POOLS_FILE: &str = "manifests/karpenter-nodepools.yaml";
/// The script that installs Karpenter and applies its manifests, or removes them before the
/// karpenter stack is deleted.
pub const SCRIPT_FILE: &str = "manifests/karpenter.sh";

/// The placeholder of the EC2NodeClass's instance profile, `${...}` around this name, that
/// [`SCRIPT_FILE`] fills from [`INSTANCE_PROFILE_OUTPUT`].
pub(crate) const INSTANCE_PROFILE_VAR: &str = "KARPENTER_NODE_INSTANCE_PROFILE";

/// The files: the Helm values, the EC2NodeClass, the NodePools (when there are any) and the
/// script, for cluster `cluster` whose Karpenter resources are in stack `stack`.
pub(crate) fn files(
    cluster: &str,
    stack: &str,
    karpenter: &Karpenter,
    values: Value,
    node_class: Value,
) -> Vec<(String, String)> {
    let header = values_header(stack, karpenter.isolated_vpc);
    let mut files = vec![
        (VALUES_FILE.to_owned(), manifests::yaml(&header, &[values])),
        (NODE_CLASS_FILE.to_owned(), manifests::yaml(&node_class_header(stack), &[node_class])),
    ];
    if !karpenter.node_pools.is_empty() {
        let pools: Vec<Value> = karpenter.node_pools.iter().map(node_pool).collect();
        files.push((NODE_POOLS_FILE.to_owned(), manifests::yaml(NODE_POOLS_HEADER, &pools)));
    }
    files.push((SCRIPT_FILE.to_owned(), super::script::script(cluster, stack, karpenter)));
    files
}

fn values_header(stack: &str, isolated: bool) -> String {
    let mut header = format!(
        "\
# Helm values for the Karpenter chart, consistent with stack {stack} (interruption queue,
# Pod Identity association for the service account). karpenter.sh installs the chart with
# them after that stack, pinning the chart version and passing the stacks' Region
# (controller.env AWS_REGION): nodes keep IMDS to themselves (hop limit 1), so the controller
# cannot discover the Region there, and the templates do not fix one.
#   AWS_REGION=<region> KARPENTER_VERSION=<1.x.y> sh manifests/karpenter.sh install
"
    );
    if isolated {
        header.push_str(
            "\
# No NAT: settings.isolatedVPC is on, and the controller's images must come from a registry
# the VPC reaches. Copy them to Amazon ECR in the stacks' Region and set controller.image
# (repository, tag, digest) here (Karpenter getting-started guide, \"Private Clusters\").
",
        );
    }
    header
}

fn node_class_header(stack: &str) -> String {
    format!(
        "\
# Karpenter EC2NodeClass: a template. ${{{INSTANCE_PROFILE_VAR}}} is output
# {INSTANCE_PROFILE_OUTPUT} of stack {stack}; karpenter.sh fills it and applies this
# after the chart (sh manifests/karpenter.sh print shows the result).
"
    )
}
const NODE_POOLS_HEADER: &str = "\
# Karpenter NodePools: karpenter.sh applies them after the EC2NodeClass.
";

/// The Helm values: cluster, queue and service account names, and controller resources as
/// the getting-started guide sets them (requests equal to limits).
pub(crate) fn helm_values(cluster: &str, karpenter: &Karpenter) -> Value {
    json!({
        "settings": {
            "clusterName": cluster,
            "interruptionQueue": queue_name(cluster),
        },
        "serviceAccount": {"create": true, "name": karpenter.service_account},
        "controller": {
            "resources": {
                "requests": {"cpu": "1", "memory": "1Gi"},
                "limits": {"cpu": "1", "memory": "1Gi"},
            }
        },
    })
}

/// The EC2NodeClass: the node role, the AMI alias, subnets and security group by the
/// discovery tag, IMDSv2 with hop limit 1, an encrypted gp3 root volume, and the
/// blueprint's tags on instances.
pub(crate) fn node_class(ctx: &Context, karpenter: &Karpenter) -> Value {
    let name = ctx.bp.name.as_str();
    let selector = json!([{"tags": {KARPENTER_DISCOVERY: name}}]);
    let tags: serde_json::Map<String, Value> = ctx
        .bp
        .tags
        .iter()
        .filter(|(k, _)| tags::node_class_may_set(k))
        .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
        .collect();
    let mut spec = json!({
        // The instance profile of the karpenter stack, by name: a CloudFormation-generated
        // name known after deployment, filled in by `manifests/karpenter.sh`. Not `role`:
        // Karpenter would then create an instance profile through the IAM API, which a VPC
        // without NAT cannot reach (Karpenter docs, NodeClasses, `spec.instanceProfile`),
        // and whose leftovers keep the role from being deleted with the stack.
        "instanceProfile": format!("${{{INSTANCE_PROFILE_VAR}}}"),
        "amiSelectorTerms": [{"alias": karpenter.ami_alias}],
        "subnetSelectorTerms": selector,
        "securityGroupSelectorTerms": selector,
        "metadataOptions": {
            "httpEndpoint": "enabled",
            "httpProtocolIPv6": "disabled",
            "httpPutResponseHopLimit": defaults::IMDS_HOP_LIMIT,
            "httpTokens": "required",
        },
        "blockDeviceMappings": [{
            "deviceName": "/dev/xvda",
            "rootVolume": true,
            "ebs": {
                "volumeSize": format!("{}Gi", defaults::KARPENTER_ROOT_VOLUME_GIB),
                "volumeType": defaults::ROOT_VOLUME_TYPE,
                "encrypted": true,
                "deleteOnTermination": true,
            },
        }],
    });
    if !tags.is_empty() {
        spec["tags"] = Value::Object(tags);
    }
    json!({
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": {"name": NODE_CLASS_NAME},
        "spec": spec,
    })
}

/// A NodePool (`karpenter.sh/v1`).
pub(crate) fn node_pool(pool: &NodePool) -> Value {
    let mut requirements = vec![
        json!({"key": "kubernetes.io/arch", "operator": "In",
               "values": pool.architectures.iter().map(|a| a.as_str()).collect::<Vec<_>>()}),
        json!({"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]}),
        json!({"key": "karpenter.sh/capacity-type", "operator": "In",
               "values": pool.capacity_types.iter().map(|c| c.as_str()).collect::<Vec<_>>()}),
    ];
    if !pool.instance_categories.is_empty() {
        requirements.push(
            json!({"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": pool.instance_categories}),
        );
    }
    if let Some(generation) = pool.instance_generation_greater_than {
        requirements.push(
            json!({"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": [generation.to_string()]}),
        );
    }
    let mut template_spec = json!({
        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": NODE_CLASS_NAME},
        "requirements": requirements,
    });
    if !pool.taints.is_empty() {
        template_spec["taints"] = Value::Array(pool.taints.iter().map(labels::karpenter_taint).collect());
    }
    let mut template = json!({});
    if !pool.labels.is_empty() {
        template["metadata"] = json!({"labels": pool.labels});
    }
    template["spec"] = template_spec;

    let mut disruption = json!({
        "consolidationPolicy": pool.consolidation_policy.as_str(),
        "consolidateAfter": pool.consolidate_after,
    });
    if !pool.budgets.is_empty() {
        let budgets: Vec<Value> = pool
            .budgets
            .iter()
            .map(|b| {
                let mut v = json!({"nodes": b.nodes.as_str()});
                if !b.reasons.is_empty() {
                    v["reasons"] = json!(b.reasons.iter().map(|r| r.as_str()).collect::<Vec<_>>());
                }
                if let Some(s) = &b.schedule {
                    v["schedule"] = Value::from(s.as_str());
                }
                if let Some(d) = &b.duration {
                    v["duration"] = Value::from(d.as_str());
                }
                v
            })
            .collect();
        disruption["budgets"] = Value::Array(budgets);
    }
    let mut spec = json!({"template": template, "disruption": disruption});
    let mut limits = serde_json::Map::new();
    if let Some(cpu) = &pool.cpu_limit {
        limits.insert("cpu".into(), Value::from(cpu.as_str()));
    }
    if let Some(memory) = &pool.memory_limit {
        limits.insert("memory".into(), Value::from(memory.as_str()));
    }
    if !limits.is_empty() {
        spec["limits"] = Value::Object(limits);
    }
    if let Some(w) = pool.weight {
        spec["weight"] = Value::from(w);
    }
    json!({
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": pool.name},
        "spec": spec,
    })
}
