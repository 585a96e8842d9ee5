//! The steps of a plan, found in the output: stack commands from the templates, manual steps
//! from its files, resource types and outputs. A new kind of manual step is one more
//! function in [`deploy_steps`] or [`teardown_steps`]; it places its step with constraints
//! (after or before stacks found by what they hold, never by name).

use serde_json::Value;

use super::input::{PlanInput, PlanStack};
use super::{Capability, ManualStep, Retained, StackDelete, StackDeploy, MAX_INLINE_TEMPLATE_BYTES};

/// Where a command that needs only the AWS CLI runs.
pub(crate) const ANY_HOST: &str = "any host with the AWS CLI and credentials for the account, AWS_REGION set";

/// IAM resource types that need a capability to deploy, with the property that names one.
/// Source: CloudFormation API Reference, `CreateStack`, `Capabilities` (the list of IAM
/// resources), and each type's schema for the name property.
const IAM_TYPES: [(&str, Option<&str>); 8] = [
    ("AWS::IAM::AccessKey", None),
    ("AWS::IAM::Group", Some("GroupName")),
    ("AWS::IAM::InstanceProfile", Some("InstanceProfileName")),
    ("AWS::IAM::ManagedPolicy", Some("ManagedPolicyName")),
    ("AWS::IAM::Policy", None),
    ("AWS::IAM::Role", Some("RoleName")),
    ("AWS::IAM::User", Some("UserName")),
    ("AWS::IAM::UserToGroupAddition", None),
];

/// Resource types that launch nodes: ENIConfigs must exist before them, Karpenter's
/// controller runs on them, and Karpenter's nodes must be gone before them.
const NODE_TYPES: [&str; 3] = ["AWS::EKS::Nodegroup", "AWS::AutoScaling::AutoScalingGroup", "AWS::EKS::FargateProfile"];
/// Of those, the ones whose nodes run the VPC CNI (Fargate pods do not use ENIConfigs).
const CNI_NODE_TYPES: [&str; 2] = ["AWS::EKS::Nodegroup", "AWS::AutoScaling::AutoScalingGroup"];
/// Resource types that hold account- and Region-wide settings: a stack of only these is
/// not part of a platform's teardown.
const ACCOUNT_WIDE_TYPES: [&str; 2] = ["AWS::GuardDuty::Detector", "AWS::ECR::RegistryScanningConfiguration"];

/// The script of VPC CNI custom networking (`render/custom_networking.rs`).
const ENICONFIGS_SCRIPT: &str = "manifests/eniconfigs.sh";
/// The script that installs and removes Karpenter (`render/karpenter/script.rs`).
const KARPENTER_SCRIPT: &str = "manifests/karpenter.sh";
/// The output of the stack whose instance profile the EC2NodeClass uses: `karpenter.sh`
/// reads it.
const KARPENTER_OUTPUT: &str = "KarpenterNodeInstanceProfileName";

/// The EKS cluster of the output, as the plan needs it.
struct Cluster {
    stack: String,
    logical_id: String,
    /// The cluster name when the template sets it.
    name: Option<String>,
    deletion_protection: bool,
    retained: bool,
    run_from: String,
}

pub(crate) struct Context<'i, 'a> {
    input: &'i PlanInput<'a>,
    dir: &'i str,
    cluster: Option<Cluster>,
    retained: Vec<Retained>,
}

/// `Retain` and `RetainExceptOnCreate` keep a resource when its stack is deleted.
fn is_retained(resource: &Value) -> bool {
    matches!(resource.get("DeletionPolicy").and_then(Value::as_str), Some("Retain" | "RetainExceptOnCreate"))
}

fn resource_type(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or_default()
}

fn literal<'v>(resource: &'v Value, property: &str) -> Option<&'v str> {
    resource.pointer(&format!("/Properties/{property}")).and_then(Value::as_str)
}

/// A shell word: quoted unless it is plain.
pub(crate) fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ':' | '@' | '=' | '+'));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// `ClusterRole` -> `CLUSTER_ROLE`.
pub(super) fn variable_name(logical_id: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in logical_id.chars().filter(char::is_ascii_alphanumeric) {
        if c.is_ascii_uppercase() && previous_lower {
            out.push('_');
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_uppercase());
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "ID_");
    }
    out
}

/// Where kubectl runs: a host that reaches the cluster's API endpoint.
fn kubectl_host(cluster: &Value) -> String {
    let config = cluster.pointer("/Properties/ResourcesVpcConfig");
    let flag = |key: &str, default: bool| config.and_then(|c| c.get(key)).and_then(Value::as_bool).unwrap_or(default);
    // EKS defaults: public access on, private access off, public CIDRs 0.0.0.0/0 (EKS API
    // Reference, VpcConfigRequest).
    let public = flag("EndpointPublicAccess", true);
    let private = flag("EndpointPrivateAccess", false);
    let cidrs: Vec<&str> = config
        .and_then(|c| c.get("PublicAccessCidrs"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_else(|| vec!["0.0.0.0/0"]);
    let reach = match (public, private) {
        (true, _) if cidrs.contains(&"0.0.0.0/0") => "any network (the endpoint is public)".to_owned(),
        (true, true) => format!("{} (publicAccessCidrs) or inside the VPC", cidrs.join(", ")),
        (true, false) => format!("{} (publicAccessCidrs)", cidrs.join(", ")),
        (false, _) => {
            "inside the VPC or a network connected to it, such as a bastion, a VPN or an SSM session (the endpoint is private)"
                .to_owned()
        }
    };
    format!("a host that reaches the cluster endpoint: {reach}; with kubectl, as a principal with an access entry")
}

impl<'i, 'a> Context<'i, 'a> {
    pub(crate) fn new(input: &'i PlanInput<'a>, dir: &'i str) -> Self {
        let cluster = input.stacks.iter().find_map(|s| {
            s.resources().find(|(_, r)| resource_type(r) == "AWS::EKS::Cluster").map(|(id, r)| Cluster {
                stack: s.name.clone(),
                logical_id: id.clone(),
                name: literal(r, "Name").map(str::to_owned),
                deletion_protection: r.pointer("/Properties/DeletionProtection").and_then(Value::as_bool) == Some(true),
                retained: is_retained(r),
                run_from: kubectl_host(r),
            })
        });
        let mut context = Context { input, dir, cluster, retained: Vec::new() };
        context.retained = context.find_retained();
        context
    }

    /// A file of the output, as a command names it.
    fn path(&self, file: &str) -> String {
        if self.dir.is_empty() {
            quote(file)
        } else {
            quote(&format!("{}/{file}", self.dir))
        }
    }

    fn has_file(&self, file: &str) -> bool {
        self.input.files.contains_key(file)
    }

    pub(crate) fn name(&self) -> String {
        self.cluster
            .as_ref()
            .and_then(|c| c.name.clone())
            .or_else(|| self.input.stacks.first().map(|s| s.name.clone()))
            .unwrap_or_default()
    }

    /// The stacks holding a resource of one of `types`.
    fn stacks_with(&self, types: &[&str]) -> Vec<&'i str> {
        self.input.stacks.iter().filter(|s| s.has_type(types)).map(|s| s.name.as_str()).collect()
    }

    /// A command's argument for the physical id of `logical_id` in `stack`, read from the
    /// deployed stack.
    fn physical_id(stack: &str, logical_id: &str) -> String {
        format!(
            "$(aws cloudformation describe-stack-resource --stack-name {} --logical-resource-id {} --query StackResourceDetail.PhysicalResourceId --output text)",
            quote(stack),
            quote(logical_id)
        )
    }

    /// The cluster name as a command argument.
    fn cluster_name(cluster: &Cluster) -> String {
        match &cluster.name {
            Some(name) => quote(name),
            None => format!("\"{}\"", Context::physical_id(&cluster.stack, &cluster.logical_id)),
        }
    }

    /// A stack of account-wide settings only, on its own: not part of the teardown.
    pub(crate) fn is_account_wide(&self, stack: &PlanStack<'_>) -> bool {
        let mut resources = stack.resources().peekable();
        resources.peek().is_some()
            && resources.all(|(_, r)| ACCOUNT_WIDE_TYPES.contains(&resource_type(r)))
            && stack.dependencies.is_empty()
            && self.input.dependents(&stack.name).is_empty()
    }

    pub(crate) fn deploy(&self, stack: &PlanStack<'_>) -> StackDeploy {
        let mut capabilities = Vec::new();
        for (_, resource) in stack.resources() {
            let Some((_, name)) = IAM_TYPES.iter().find(|(t, _)| *t == resource_type(resource)) else { continue };
            let named = name.is_some_and(|n| resource.pointer(&format!("/Properties/{n}")).is_some());
            let capability = if named { Capability::NamedIam } else { Capability::Iam };
            if !capabilities.contains(&capability) {
                capabilities.push(capability);
            }
        }
        // CAPABILITY_NAMED_IAM covers unnamed IAM resources too: one is enough.
        if capabilities.contains(&Capability::NamedIam) {
            capabilities = vec![Capability::NamedIam];
        }
        let upload = stack.bytes > MAX_INLINE_TEMPLATE_BYTES;
        let mut command = format!(
            "aws cloudformation deploy --stack-name {} --template-file {}",
            quote(&stack.name),
            self.path(&stack.template_file)
        );
        if !capabilities.is_empty() {
            let names: Vec<&str> = capabilities.iter().map(|c| c.as_str()).collect();
            command.push_str(&format!(" --capabilities {}", names.join(" ")));
        }
        if upload {
            command.push_str(" --s3-bucket \"$BUCKET\"");
        }
        StackDeploy {
            stack: stack.name.clone(),
            template_file: stack.template_file.clone(),
            resources: stack.resources().count(),
            template_bytes: stack.bytes,
            upload,
            capabilities,
            after: stack.dependencies.clone(),
            commands: vec![command],
        }
    }

    pub(crate) fn delete(&self, stack: &PlanStack<'_>) -> StackDelete {
        let name = quote(&stack.name);
        StackDelete {
            stack: stack.name.clone(),
            retained: self.retained.iter().filter(|r| r.stack == stack.name).cloned().collect(),
            commands: vec![
                format!("aws cloudformation delete-stack --stack-name {name}"),
                format!("aws cloudformation wait stack-delete-complete --stack-name {name}"),
            ],
        }
    }

    /// What deleting the stacks leaves, but for account-wide stacks (not torn down).
    fn find_retained(&self) -> Vec<Retained> {
        let mut retained: Vec<Retained> = Vec::new();
        for stack in self.input.stacks.iter().filter(|s| !self.is_account_wide(s)) {
            for (id, resource) in stack.resources().filter(|(_, r)| is_retained(r)) {
                let resource_type = resource_type(resource).to_owned();
                let name_property = match resource_type.as_str() {
                    "AWS::EKS::Cluster" => Some("Name"),
                    "AWS::Logs::LogGroup" => Some("LogGroupName"),
                    "AWS::IAM::Role" => Some("RoleName"),
                    _ => None,
                };
                let (id_text, variable) = match name_property.and_then(|p| literal(resource, p)) {
                    Some(name) => (quote(name), None),
                    None => {
                        let mut variable = variable_name(id);
                        let base = variable.clone();
                        let mut n = 2;
                        while retained.iter().any(|r| r.variable.as_deref() == Some(variable.as_str())) {
                            variable = format!("{base}_{n}");
                            n += 1;
                        }
                        (format!("\"${variable}\""), Some(variable))
                    }
                };
                retained.push(Retained {
                    stack: stack.name.clone(),
                    logical_id: id.clone(),
                    resource_type,
                    id: id_text,
                    variable,
                });
            }
        }
        retained
    }
}

/// The manual steps of the deploy plan, in the order they go when ready together.
pub(crate) fn deploy_steps(ctx: &Context<'_, '_>) -> Vec<ManualStep> {
    [environment, kubeconfig, eniconfigs, karpenter_install].iter().filter_map(|rule| rule(ctx)).collect()
}

/// The manual steps of the teardown plan, in the order they go when ready together.
pub(crate) fn teardown_steps(ctx: &Context<'_, '_>) -> Vec<ManualStep> {
    let mut steps: Vec<ManualStep> = [
        teardown_environment,
        teardown_kubeconfig,
        load_balancers,
        karpenter_uninstall,
        retained_ids,
        delete_cluster,
        delete_retained,
    ]
    .iter()
    .filter_map(|rule| rule(ctx))
    .collect();
    steps.extend(account_stacks(ctx));
    steps
}

fn environment(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let mut step = ManualStep::new("environment", "Choose the account and Region of the stacks", ANY_HOST)
        .command("export AWS_REGION=<region>");
    for stack in &ctx.input.stacks {
        step = step.before_stack(&stack.name);
    }
    let large: Vec<&str> =
        ctx.input.stacks.iter().filter(|s| s.bytes > MAX_INLINE_TEMPLATE_BYTES).map(|s| s.name.as_str()).collect();
    if !large.is_empty() {
        step = step.command("export BUCKET=<an S3 bucket of yours in that Region>").detail(format!(
            "The template of {} is larger than the {MAX_INLINE_TEMPLATE_BYTES} bytes CloudFormation accepts inline, so `aws cloudformation deploy` uploads it to the bucket first (`--s3-bucket`); `cdk deploy --app` uploads to the CDK bootstrap bucket instead.",
            large.join(", ")
        ));
    }
    Some(step)
}

fn teardown_environment(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let mut step = ManualStep::new("environment", "Choose the account and Region of the stacks", ANY_HOST)
        .command("export AWS_REGION=<region>");
    for stack in &ctx.input.stacks {
        step = step.before_stack(&stack.name);
    }
    Some(if ctx.retained.iter().any(|r| r.variable.is_some()) {
        step.detail("Run the steps in one shell: one sets variables that later steps use.")
    } else {
        step
    })
}

fn kubeconfig(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let cluster = ctx.cluster.as_ref()?;
    Some(
        ManualStep::new("kubeconfig", "Point kubectl at the cluster", &cluster.run_from)
            .command(format!("aws eks update-kubeconfig --name {}", Context::cluster_name(cluster)))
            .after_stack(&cluster.stack)
            .after_step("environment"),
    )
}

fn teardown_kubeconfig(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let cluster = ctx.cluster.as_ref()?;
    Some(
        ManualStep::new("kubeconfig", "Point kubectl at the cluster", &cluster.run_from)
            .command(format!("aws eks update-kubeconfig --name {}", Context::cluster_name(cluster)))
            .after_step("environment")
            .before_stack(&cluster.stack),
    )
}

fn eniconfigs(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    if !ctx.has_file(ENICONFIGS_SCRIPT) {
        return None;
    }
    let run_from = ctx.cluster.as_ref().map_or(ANY_HOST, |c| c.run_from.as_str());
    let nodes = ctx.stacks_with(&CNI_NODE_TYPES);
    let mut step = ManualStep::new(
        "eniconfigs",
        "Apply the ENIConfigs of VPC CNI custom networking, before any node starts",
        run_from,
    )
    .command(format!("sh {}", ctx.path(ENICONFIGS_SCRIPT)))
    .command("kubectl get eniconfigs")
    .detail(format!(
        "A node whose zone has no ENIConfig never becomes Ready and its node group fails to create. Expect one ENIConfig per zone. If {} failed to create anyway (ROLLBACK_COMPLETE), apply the ENIConfigs, delete the stack and deploy it again.",
        if nodes.is_empty() { "a node stack".to_owned() } else { nodes.join(", ") }
    ))
    .after_step("kubeconfig");
    if let Some(cluster) = &ctx.cluster {
        step = step.after_stack(&cluster.stack);
    }
    for stack in nodes {
        step = step.before_stack(stack);
    }
    Some(step)
}

/// The stacks Karpenter needs before its install and after its uninstall: the one with its
/// instance profile, and those with nodes for its controller.
fn karpenter_stacks<'i>(ctx: &Context<'i, '_>) -> Vec<&'i str> {
    let mut stacks: Vec<&str> =
        ctx.input.stacks.iter().filter(|s| s.has_output(KARPENTER_OUTPUT)).map(|s| s.name.as_str()).collect();
    for stack in ctx.stacks_with(&NODE_TYPES) {
        if !stacks.contains(&stack) {
            stacks.push(stack);
        }
    }
    stacks
}

fn karpenter_install(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    if !ctx.has_file(KARPENTER_SCRIPT) {
        return None;
    }
    let run_from = ctx.cluster.as_ref().map_or(ANY_HOST, |c| c.run_from.as_str());
    let mut step = ManualStep::new(
        "karpenter-install",
        "Install Karpenter: the controller, then its EC2NodeClass and NodePools",
        format!("{run_from}, and helm"),
    )
    .command(format!("KARPENTER_VERSION=<1.x.y> sh {} install", ctx.path(KARPENTER_SCRIPT)))
    .command("kubectl get nodepools")
    .detail(
        "The chart first (the script waits for the controller, which runs on the nodes of the stacks before), then the EC2NodeClass with the instance profile read from the stack, then the NodePools, which need the controller's CRDs. Running it again upgrades the chart and applies the manifests again.",
    )
    .after_step("kubeconfig");
    for stack in karpenter_stacks(ctx) {
        step = step.after_stack(stack);
    }
    Some(step)
}

fn load_balancers(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let cluster = ctx.cluster.as_ref()?;
    let mut step = ManualStep::new(
        "load-balancers",
        "Delete what Kubernetes created in the VPC: load balancers of Services and Ingresses",
        &cluster.run_from,
    )
    .command("kubectl delete ingress --all --all-namespaces")
    .command("kubectl delete service --all-namespaces --field-selector spec.type=LoadBalancer")
    .detail(
        "They are in no stack, and while they and their security groups exist the subnets and the VPC cannot be deleted: wait until they are gone. Delete PersistentVolumeClaims whose EBS volumes should not outlive the cluster.",
    )
    .after_step("kubeconfig");
    for stack in &ctx.input.stacks {
        step = step.before_stack(&stack.name);
    }
    Some(step)
}

fn karpenter_uninstall(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    if !ctx.has_file(KARPENTER_SCRIPT) {
        return None;
    }
    let run_from = ctx.cluster.as_ref().map_or(ANY_HOST, |c| c.run_from.as_str());
    let mut step = ManualStep::new(
        "karpenter-uninstall",
        "Remove Karpenter: its NodePools, waiting until their nodes are gone, then the controller",
        format!("{run_from}, and helm"),
    )
    .command(format!("sh {} uninstall", ctx.path(KARPENTER_SCRIPT)))
    .detail(
        "Karpenter's nodes are in no stack: while they run, deleting the stacks leaves them running and fails on the node security group and instance profile they use. The script deletes the NodePools and waits (at most 30 minutes) until their nodes are drained and terminated, then the EC2NodeClass, the chart and the launch templates; run it again if it stops.",
    )
    .after_step("load-balancers")
    .after_step("kubeconfig");
    for stack in karpenter_stacks(ctx) {
        step = step.before_stack(stack);
    }
    Some(step)
}

fn retained_ids(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let with_variable: Vec<&Retained> = ctx.retained.iter().filter(|r| r.variable.is_some()).collect();
    if with_variable.is_empty() {
        return None;
    }
    let mut step = ManualStep::new(
        "retained-ids",
        "Note the ids of what the stacks retain, while the stacks still exist",
        ANY_HOST,
    )
    .detail(
        "Deleting a stack leaves these resources, and only the stack knows their ids: later steps use the variables.",
    )
    .after_step("environment");
    for r in &with_variable {
        let variable = r.variable.as_deref().unwrap_or_default();
        step = step.command(format!("{variable}={}", Context::physical_id(&r.stack, &r.logical_id)));
    }
    for r in with_variable {
        if !step.before.contains(&super::Node::Stack(r.stack.clone())) {
            step = step.before_stack(&r.stack);
        }
    }
    Some(step)
}

fn delete_cluster(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let cluster = ctx.cluster.as_ref().filter(|c| c.retained)?;
    let name = Context::cluster_name(cluster);
    let mut step = ManualStep::new("delete-cluster", "Delete the EKS cluster, which its stack retains", ANY_HOST)
        .detail(format!(
            "Deleting stack {} would leave the cluster running (DeletionPolicy), with its network interfaces in the subnets, so the VPC could not be deleted. EKS deletes a cluster only once no node group uses it: the stacks that use the cluster go first.",
            cluster.stack
        ));
    // EKS refuses to delete a cluster that node groups or Fargate profiles still use: those
    // of its own stack (one stack holding everything) go first.
    let own = ctx.input.stack(&cluster.stack);
    if own.is_some_and(|s| s.has_type(&["AWS::EKS::Nodegroup"])) {
        step = step.command(format!(
            "for ng in $(aws eks list-nodegroups --cluster-name {name} --query nodegroups --output text); do aws eks delete-nodegroup --cluster-name {name} --nodegroup-name \"$ng\" >/dev/null && aws eks wait nodegroup-deleted --cluster-name {name} --nodegroup-name \"$ng\"; done"
        ));
    }
    if own.is_some_and(|s| s.has_type(&["AWS::EKS::FargateProfile"])) {
        step = step.command(format!(
            "for fp in $(aws eks list-fargate-profiles --cluster-name {name} --query fargateProfileNames --output text); do aws eks delete-fargate-profile --cluster-name {name} --fargate-profile-name \"$fp\" >/dev/null && aws eks wait fargate-profile-deleted --cluster-name {name} --fargate-profile-name \"$fp\"; done"
        ));
    }
    // `--no-deletion-protection`: EKS User Guide, "Protect EKS clusters from accidental
    // deletion"; deletion protection refuses DeleteCluster on an ACTIVE cluster.
    if cluster.deletion_protection {
        step = step
            .command(format!("aws eks update-cluster-config --name {name} --no-deletion-protection"))
            .command(format!("aws eks wait cluster-active --name {name}"));
    }
    step = step
        .command(format!("aws eks delete-cluster --name {name}"))
        .command(format!("aws eks wait cluster-deleted --name {name}"))
        .after_step("retained-ids")
        .before_stack(&cluster.stack);
    for stack in ctx.input.dependents(&cluster.stack) {
        step = step.after_stack(stack);
    }
    Some(step)
}

fn delete_retained(ctx: &Context<'_, '_>) -> Option<ManualStep> {
    let others: Vec<&Retained> = ctx.retained.iter().filter(|r| r.resource_type != "AWS::EKS::Cluster").collect();
    if others.is_empty() {
        return None;
    }
    let mut step = ManualStep::new("delete-retained", "Delete what the stacks retained, once nothing uses it", ANY_HOST)
        .detail(
            "Keep what you still need (old logs, for example). KMS keys go last: their deletion waits 7 to 30 days (`aws kms cancel-key-deletion` undoes it meanwhile), and anything still encrypted with a key is unreadable once it is gone.",
        )
        .after_step("delete-cluster");
    // Keys last: logs may be encrypted with them.
    let rank = |r: &&Retained| usize::from(r.resource_type == "AWS::KMS::Key");
    let mut sorted = others.clone();
    sorted.sort_by_key(rank);
    for r in sorted {
        let id = &r.id;
        let commands: Vec<String> = match r.resource_type.as_str() {
            "AWS::IAM::Role" => vec![
                format!(
                    "for arn in $(aws iam list-attached-role-policies --role-name {id} --query 'AttachedPolicies[].PolicyArn' --output text); do aws iam detach-role-policy --role-name {id} --policy-arn \"$arn\"; done"
                ),
                format!(
                    "for policy in $(aws iam list-role-policies --role-name {id} --query 'PolicyNames' --output text); do aws iam delete-role-policy --role-name {id} --policy-name \"$policy\"; done"
                ),
                format!("aws iam delete-role --role-name {id}"),
            ],
            "AWS::Logs::LogGroup" => vec![format!("aws logs delete-log-group --log-group-name {id}")],
            "AWS::KMS::Key" => vec![format!("aws kms schedule-key-deletion --key-id {id} --pending-window-in-days 30")],
            other => vec![format!("# {other} {} of stack {} ({id}): delete it with its service's CLI", r.logical_id, r.stack)],
        };
        for command in commands {
            step = step.command(command);
        }
    }
    for stack in ctx.input.stacks.iter().filter(|s| !ctx.is_account_wide(s)) {
        step = step.after_stack(&stack.name);
    }
    Some(step)
}

fn account_stacks(ctx: &Context<'_, '_>) -> Vec<ManualStep> {
    let mut steps = Vec::new();
    for stack in ctx.input.stacks.iter().filter(|s| ctx.is_account_wide(s)) {
        let name = quote(&stack.name);
        let mut step = ManualStep::new(
            format!("account-stack:{}", stack.name),
            format!("Keep stack {}: it holds account- and Region-wide settings, not the platform's", stack.name),
            ANY_HOST,
        )
        .detail(
            "Delete it only to remove those settings for every cluster of the account and Region (registry scanning goes back to basic); what it retains (a GuardDuty detector) stays.",
        )
        .command(format!("aws cloudformation delete-stack --stack-name {name}    # only to remove the settings"))
        .command(format!("aws cloudformation wait stack-delete-complete --stack-name {name}"))
        .after_step("delete-retained");
        for other in ctx.input.stacks.iter().filter(|s| s.name != stack.name) {
            step = step.after_stack(&other.name);
        }
        steps.push(step);
    }
    steps
}
