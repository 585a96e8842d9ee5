//! The upgrade plan: the ordered steps of a Kubernetes version upgrade from one output to
//! the next, with the checks a platform team runs between them (steps to take, never calls
//! this tool makes).
//!
//! The order is the one EKS requires (EKS best practices, Cluster Upgrades, "Upgrade your
//! control plane and data plane in sequence"; EKS user guide update-cluster.html):
//! pre-flight checks (upgrade insights, deprecated APIs, disruption budgets, free
//! addresses, controllers that must support the new version first), then each stack whose
//! versions move, in deploy order (the control plane and the add-ons of the cluster stack,
//! then node groups, rolling, then the add-ons that run on nodes), then the nodes
//! CloudFormation does not replace (self-managed instances, Karpenter's through drift,
//! Fargate pods), then the checks after. It is derived from the templates (and the
//! Kubernetes files) of both outputs, so it follows wherever the stacks put each resource.
//! `docs/upgrades.md` explains each step, how long it takes and how to roll it back.

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use super::diff::Templates;
use crate::spec::cluster::KubernetesVersion;

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum StepKind {
    /// A check before anything changes.
    PreFlight,
    /// A controller upgraded before the control plane (Karpenter's chart).
    Controller,
    /// A stack update (`aws cloudformation deploy`).
    Stack,
    /// Nodes CloudFormation does not replace: self-managed instances, Karpenter's nodes,
    /// Fargate pods.
    Nodes,
    /// A check after the upgrade.
    Verify,
}

/// One step of an upgrade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradeStep {
    /// What it does.
    pub kind: StepKind,
    /// One line.
    pub title: String,
    /// What it changes, replaces or rolls, how long it takes, what to watch.
    pub details: Vec<String>,
    /// The commands, in order (placeholders in `<angle brackets>`).
    pub commands: Vec<String>,
}

/// The ordered steps of an upgrade from one Kubernetes version to the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UpgradePlan {
    /// The cluster's name.
    pub cluster: String,
    /// The deployed version.
    pub from: String,
    /// The version upgraded to.
    pub to: String,
    /// The steps, in order.
    pub steps: Vec<UpgradeStep>,
}

/// The Kubernetes version of the EKS cluster of an output (its `AWS::EKS::Cluster`
/// `Version`), when it has one written as text.
pub fn cluster_version(templates: &Templates) -> Option<KubernetesVersion> {
    resources(templates)
        .find(|(_, _, r)| r["Type"] == "AWS::EKS::Cluster")
        .and_then(|(_, _, r)| r.pointer("/Properties/Version")?.as_str().map(KubernetesVersion::of))
}

/// Every resource: (stack, logical id, resource).
fn resources(t: &Templates) -> impl Iterator<Item = (&str, &str, &Value)> {
    t.stacks().flat_map(|(stack, template)| {
        template
            .get("Resources")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(id, r)| (stack, id.as_str(), r))
    })
}

fn text(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// The upgrade plan from `old` (what is deployed) to `new`, when both have an EKS cluster
/// and the new version is newer; `None` otherwise (no upgrade).
pub fn plan(old: &Templates, new: &Templates) -> Option<UpgradePlan> {
    let (from, to) = (cluster_version(old)?, cluster_version(new)?);
    let minor = |v: &KubernetesVersion| v.as_str().strip_prefix("1.")?.parse::<u32>().ok();
    if minor(&to)? <= minor(&from)? {
        return None;
    }
    let cluster = resources(new)
        .find(|(_, _, r)| r["Type"] == "AWS::EKS::Cluster")
        .and_then(|(_, _, r)| text(r.pointer("/Properties/Name")))
        .unwrap_or("<cluster>")
        .to_owned();
    let mut steps = preflight(&cluster, &to, new);
    steps.extend(stack_steps(old, new, &to));
    steps.extend(node_steps(old, new, &cluster, &to));
    steps.push(UpgradeStep {
        kind: StepKind::Verify,
        title: format!("Verify the cluster on {to}"),
        details: vec![
            format!("Every node reports {to} (or the version it is held at), every add-on is ACTIVE, and no upgrade insight is in ERROR."),
            format!("Update kubectl to within one minor version of {to} (EKS user guide: kubectl within one minor version of the control plane)."),
            "A control plane rollback to the previous version is possible for 7 days (docs/upgrades.md#rolling-back).".to_owned(),
        ],
        commands: vec![
            "kubectl get nodes -o custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion".to_owned(),
            format!("aws eks list-addons --cluster-name {cluster}"),
            format!("aws eks list-insights --cluster-name {cluster} --filter categories=UPGRADE_READINESS"),
            "kubectl version".to_owned(),
        ],
    });
    Some(UpgradePlan { cluster, from: from.as_str().to_owned(), to: to.as_str().to_owned(), steps })
}

/// The checks before anything changes, and the controllers that must support the new
/// version before the control plane moves.
fn preflight(cluster: &str, to: &KubernetesVersion, new: &Templates) -> Vec<UpgradeStep> {
    let mut steps = vec![
        UpgradeStep {
            kind: StepKind::PreFlight,
            title: "Read the upgrade insights and fix every one in ERROR".to_owned(),
            details: vec![
                format!("EKS upgrade insights (category UPGRADE_READINESS) check what {to} removes or requires: deprecated API use in the last 30 days, kubelet and add-on version skew; they refresh every 24 hours."),
                "Never force the update past them (AWS::EKS::Cluster Force stays unset).".to_owned(),
            ],
            commands: vec![
                format!("aws eks start-insights-refresh --cluster-name {cluster}"),
                format!("aws eks list-insights --cluster-name {cluster} --filter categories=UPGRADE_READINESS"),
                format!("aws eks describe-insight --cluster-name {cluster} --id <insight-id>"),
            ],
        },
        UpgradeStep {
            kind: StepKind::PreFlight,
            title: format!("Check manifests and charts for APIs {to} removes"),
            details: vec![
                "Static checks of what you apply (this output's manifests/, your own charts) are the most accurate; the cluster-side view is the insights above and the apiserver_requested_deprecated_apis metric (EKS best practices, Cluster Upgrades).".to_owned(),
            ],
            commands: vec![
                format!("pluto detect-files -d manifests/ --target-versions k8s=v{to}.0"),
                format!("kubent --target-version {to}"),
            ],
        },
        UpgradeStep {
            kind: StepKind::PreFlight,
            title: "Check that every PodDisruptionBudget allows a disruption".to_owned(),
            details: vec![
                "Node groups roll and Karpenter drifts respecting PodDisruptionBudgets: a budget that allows no eviction stops a managed node group update after 15 minutes (PodEvictionFailure) and holds Karpenter's drift.".to_owned(),
            ],
            commands: vec!["kubectl get poddisruptionbudgets --all-namespaces".to_owned()],
        },
        UpgradeStep {
            kind: StepKind::PreFlight,
            title: "Check free addresses in the cluster's subnets".to_owned(),
            details: vec![
                "EKS needs up to five available IP addresses in the subnets of the cluster to update the control plane (update-cluster.html); a rolling node group update also launches new nodes before it removes old ones.".to_owned(),
            ],
            commands: vec![format!(
                "aws ec2 describe-subnets --subnet-ids $(aws eks describe-cluster --name {cluster} --query 'cluster.resourcesVpcConfig.subnetIds' --output text) --query 'Subnets[].[SubnetId,AvailableIpAddressCount]' --output text"
            )],
        },
    ];
    if let Some(script) = new.files().and_then(|f| f.get("manifests/karpenter.sh")) {
        let needs = script
            .lines()
            .find_map(|l| l.trim_start_matches(['#', ' ']).strip_prefix(&format!("Kubernetes {to} needs Karpenter ")))
            .and_then(|rest| rest.split_whitespace().next())
            .map_or_else(String::new, |min| {
                format!(" (Karpenter {min} or later for Kubernetes {to}, Karpenter compatibility matrix)")
            });
        steps.push(UpgradeStep {
            kind: StepKind::Controller,
            title: format!("Upgrade Karpenter to a release that supports {to}{needs}"),
            details: vec![
                "Before the control plane: the new output's karpenter.sh installs the chart pinned for the new version (or KARPENTER_VERSION); it also applies the EC2NodeClass and NodePools again.".to_owned(),
            ],
            commands: vec![
                "helm list --namespace <karpenter-namespace>".to_owned(),
                "AWS_REGION=<region> sh manifests/karpenter.sh install".to_owned(),
            ],
        });
    }
    steps
}

/// One step per stack whose versions move, in the new output's deploy order.
fn stack_steps(old: &Templates, new: &Templates, to: &KubernetesVersion) -> Vec<UpgradeStep> {
    let old_resources: IndexMap<(&str, &str), &Value> = resources(old).map(|(s, id, r)| ((s, id), r)).collect();
    let mut steps = Vec::new();
    for (stack, template) in new.stacks() {
        let mut details = Vec::new();
        let Some(res) = template.get("Resources").and_then(Value::as_object) else { continue };
        for (id, r) in res {
            let before = old_resources.get(&(stack, id.as_str()));
            let prop = |r: &Value, p: &str| text(r.pointer(&format!("/Properties/{p}"))).map(str::to_owned);
            let was = |p: &str| before.and_then(|b| prop(b, p));
            match r["Type"].as_str() {
                Some("AWS::EKS::Cluster") => {
                    if let (Some(a), Some(b)) = (was("Version"), prop(r, "Version")) {
                        if a == b {
                            continue;
                        }
                        details.push(format!("{id}: control plane {a} -> {b}, updated in place (Version is not create-only); EKS says the update takes several minutes, in practice often 10 to 20; the API server stays available."));
                    }
                }
                Some("AWS::EKS::Addon") => {
                    let name = prop(r, "AddonName").unwrap_or_default();
                    match (was("AddonVersion"), prop(r, "AddonVersion")) {
                        (a, Some(b)) if a.as_deref() != Some(b.as_str()) => details.push(format!(
                            "{id}: add-on {name} {} -> {b}, updated in place (eks:UpdateAddon; its pods restart).",
                            a.as_deref().unwrap_or("(EKS default)")
                        )),
                        (_, None) if before.is_some() => details.push(format!(
                            "{id}: add-on {name} has no version for {to} and stays where it is: update it yourself (aws eks describe-addon-versions --addon-name {name} --kubernetes-version {to}; aws eks update-addon) or pin it in addonVersions."
                        )),
                        _ => {}
                    }
                }
                Some("AWS::EKS::Nodegroup") => {
                    if let (Some(a), Some(b)) = (was("Version"), prop(r, "Version")) {
                        if a == b {
                            continue;
                        }
                        let p = &r["Properties"];
                        let unavailable = p.pointer("/UpdateConfig/MaxUnavailable").and_then(Value::as_u64);
                        let percent = p.pointer("/UpdateConfig/MaxUnavailablePercentage").and_then(Value::as_u64);
                        let max = p.pointer("/ScalingConfig/MaxSize").and_then(Value::as_u64).unwrap_or(1);
                        let (pace, rounds) = match (unavailable, percent) {
                            (_, Some(pct)) => (format!("{pct}% of its nodes"), 100u64.div_ceil(pct.max(1))),
                            (n, None) => {
                                let n = n.unwrap_or(1).max(1);
                                (format!("{n} node{}", if n == 1 { "" } else { "s" }), max.div_ceil(n))
                            }
                        };
                        details.push(format!(
                            "{id}: managed node group {a} -> {b}, a rolling update {pace} at a time (UpdateConfig): up to {rounds} rounds for {max} nodes, each launching new nodes, cordoning and draining old ones (up to 15 minutes per node for PodDisruptionBudgets, then PodEvictionFailure; not forced) and waiting 60 seconds; CloudFormation waits for the whole roll."
                        ));
                    }
                }
                _ => {}
            }
        }
        for (name, p) in template.get("Parameters").and_then(Value::as_object).into_iter().flatten() {
            let old_default = old.stack(stack).and_then(|t| t.pointer(&format!("/Parameters/{name}/Default")));
            let new_default = p.get("Default");
            let is_ami = text(p.get("Type")).is_some_and(|t| t.contains("AWS::EC2::Image::Id"));
            if is_ami && old_default.is_some() && old_default != new_default {
                details.push(format!(
                    "{name}: the AMI of a self-managed node group moves to {} (its launch template gets a new version); running instances keep the old AMI until the instance refresh below.",
                    text(new_default).unwrap_or("?")
                ));
            }
        }
        if details.is_empty() {
            continue;
        }
        steps.push(UpgradeStep {
            kind: StepKind::Stack,
            title: format!("Deploy stack {stack}"),
            details,
            commands: vec![format!(
                "aws cloudformation deploy --template-file {stack}.template.json --stack-name {stack} --capabilities CAPABILITY_IAM CAPABILITY_NAMED_IAM"
            )],
        });
    }
    steps
}

/// The nodes CloudFormation does not replace.
fn node_steps(old: &Templates, new: &Templates, cluster: &str, to: &KubernetesVersion) -> Vec<UpgradeStep> {
    let mut steps = Vec::new();
    let groups: Vec<(&str, &str)> = resources(new)
        .filter(|(_, _, r)| r["Type"] == "AWS::AutoScaling::AutoScalingGroup")
        .map(|(s, id, _)| (s, id))
        .filter(|(s, _)| {
            // Only groups of a stack whose AMI parameter moved.
            let moved = |t: &Templates| {
                t.stack(s).and_then(|t| t.get("Parameters")).map(|p| {
                    p.as_object()
                        .into_iter()
                        .flatten()
                        .filter(|(_, p)| text(p.get("Type")).is_some_and(|t| t.contains("AWS::EC2::Image::Id")))
                        .map(|(n, p)| (n.clone(), p.get("Default").cloned()))
                        .collect::<Vec<_>>()
                })
            };
            moved(old) != moved(new)
        })
        .collect();
    if !groups.is_empty() {
        steps.push(UpgradeStep {
            kind: StepKind::Nodes,
            title: "Replace the self-managed nodes (instance refresh)".to_owned(),
            details: vec![
                "The Auto Scaling groups launch new instances from the new AMI; an instance refresh replaces the running ones in turn (MinHealthyPercentage keeps capacity), draining each through the node termination handling you run.".to_owned(),
            ],
            commands: groups
                .iter()
                .map(|(s, id)| {
                    format!(
                        "aws autoscaling start-instance-refresh --auto-scaling-group-name $(aws cloudformation describe-stack-resource --stack-name {s} --logical-resource-id {id} --query StackResourceDetail.PhysicalResourceId --output text) --preferences MinHealthyPercentage=90"
                    )
                })
                .collect(),
        });
    }
    if let Some(files) = new.files() {
        if let Some(node_class) = files.get("manifests/karpenter-nodeclass.yaml") {
            let alias = node_class
                .lines()
                .find_map(|l| l.trim().strip_prefix("- alias: ").or_else(|| l.trim().strip_prefix("alias: ")))
                .unwrap_or("al2023@latest")
                .trim_matches(['\'', '"'])
                .to_owned();
            let pinned = alias.split_once('@').map(|(_, v)| v).filter(|v| *v != "latest");
            let mut details = vec![
                format!("Karpenter resolves its AMI alias {alias} for the control plane's version: once the control plane is on {to}, every Karpenter node is drifted and replaced with the {to} AMI, respecting NodePool disruption budgets and PodDisruptionBudgets (Karpenter docs, Managing AMIs; Drift)."),
                "To pace it, set NodePool spec.disruption.budgets (e.g. nodes: \"10%\", reasons: [Drifted]) before the control plane step; terminationGracePeriod lets drift pass budgets that never allow an eviction.".to_owned(),
            ];
            let mut commands = vec![
                "kubectl get nodeclaims -o wide".to_owned(),
                "kubectl get nodes -L karpenter.sh/nodepool -o custom-columns=NAME:.metadata.name,VERSION:.status.nodeInfo.kubeletVersion".to_owned(),
            ];
            if let Some(release) = pinned {
                details.push(format!("The alias is pinned ({alias}): release {release} must exist for {to}, or Karpenter cannot launch nodes; otherwise move the pin in the same change."));
                commands.insert(
                    0,
                    format!("aws ssm get-parameters-by-path --path /aws/service/eks/optimized-ami/{to}/amazon-linux-2023/ --recursive --query 'Parameters[].Name' --output text | tr '\\t' '\\n' | grep {release}"),
                );
            }
            steps.push(UpgradeStep {
                kind: StepKind::Nodes,
                title: format!("Karpenter drifts its nodes to {to}"),
                details,
                commands,
            });
        }
    }
    if resources(new).any(|(_, _, r)| r["Type"] == "AWS::EKS::FargateProfile") {
        steps.push(UpgradeStep {
            kind: StepKind::Nodes,
            title: format!("Restart the pods on Fargate so that they run on {to}"),
            details: vec![
                "A Fargate pod keeps the kubelet it started with; delete and redeploy it (a rolling restart) to get the new version (EKS user guide, Kubernetes versions FAQ).".to_owned(),
            ],
            commands: vec![format!("kubectl rollout restart deployment --namespace <namespace>   # each namespace of a Fargate profile of {cluster}")],
        });
    }
    steps
}

impl UpgradePlan {
    /// The plan for people: numbered steps, each with its details and commands.
    pub fn to_text(&self) -> String {
        let mut out = format!("Upgrade of {} from Kubernetes {} to {}, in order:\n", self.cluster, self.from, self.to);
        for (i, step) in self.steps.iter().enumerate() {
            out.push_str(&format!("  {}. {}\n", i + 1, step.title));
            for d in &step.details {
                out.push_str(&format!("       {d}\n"));
            }
            for c in &step.commands {
                out.push_str(&format!("       $ {c}\n"));
            }
        }
        out
    }

    /// The plan as JSON.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
