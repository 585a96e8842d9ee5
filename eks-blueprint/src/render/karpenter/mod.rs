//! Karpenter in its own stack (`<name>-karpenter`, after compute): the node role and its access entry, the controller role
//! through EKS Pod Identity with the controller's permissions, the interruption queue and
//! the EventBridge rules that feed it, and a node security group; plus the Helm values,
//! the EC2NodeClass and the NodePools as files under `manifests/`.
//!
//! The controller permissions follow the Karpenter project's v1 CloudFormation template
//! (<https://karpenter.sh/docs/reference/cloudformation/>), written here statement by
//! statement; every difference is documented where it is made.
//!
//! Security group choice: EKS creates the cluster security group itself, so CloudFormation
//! cannot tag it with `karpenter.sh/discovery`, and its id is only known after deployment,
//! so a static EC2NodeClass cannot name it. Karpenter nodes get their own security group,
//! tagged for discovery, that trusts the cluster security group both ways (as eksctl does
//! for its node groups): control plane, managed nodes and Karpenter nodes reach each other
//! on every port, as within the cluster security group.

mod manifests;
mod script;

use manifests::INSTANCE_PROFILE_VAR;

use serde_json::{json, Value};

use super::addons::Inputs;
use super::cluster::ClusterRefs;
use super::iam::{self, NodeRole};
use super::network::NetworkRefs;
use super::{ids, Context, Part};
use crate::blueprint::tags;
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Handle, Output, Pseudo, ResourceOptions};
use crate::compile::defaults;
use crate::resources::ec2::{SecurityGroup, SecurityGroupIngress, SecurityGroupRule};
use crate::resources::eks::PodIdentityAssociation;
use crate::resources::events::{Rule, Target};
use crate::resources::iam::{InstanceProfile, ManagedPolicy, Role};
use crate::resources::sqs::{Queue, QueuePolicy};
use crate::synth::SynthError;

/// The EventBridge rules that feed the interruption queue: logical id suffix, source,
/// detail type (as Karpenter's getting-started template).
pub const INTERRUPTION_RULES: [(&str, &str, &str); 5] = [
    ("ScheduledChangeRule", "aws.health", "AWS Health Event"),
    ("SpotInterruptionRule", "aws.ec2", "EC2 Spot Instance Interruption Warning"),
    ("RebalanceRule", "aws.ec2", "EC2 Instance Rebalance Recommendation"),
    ("InstanceStateChangeRule", "aws.ec2", "EC2 Instance State-change Notification"),
    ("CapacityReservationInterruptionRule", "aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"),
];

/// The interruption queue's name for a cluster: `<cluster>-karpenter`. The Helm values
/// carry it as a literal, so it is fixed at synthesis.
pub(crate) fn queue_name(cluster: &str) -> String {
    format!("{cluster}-karpenter")
}

fn invalid(stack: &str, message: impl Into<String>) -> SynthError {
    SynthError::Render { stack: stack.to_owned(), message: message.into() }
}

/// Renders Karpenter's resources into its part's stack (its add-on declaration,
/// `compile::addons::karpenter`); returns the manifest files. The add-on render hook.
pub(crate) fn render(ctx: &mut Context, inputs: &Inputs) -> Result<Vec<(String, String)>, SynthError> {
    let Inputs { net, cluster, addon, after } = inputs;
    let part = addon.declaration.part;
    let bp = ctx.bp;
    let Some(karpenter) = &bp.compute.karpenter else {
        return Ok(Vec::new());
    };
    let name = bp.name.as_str();
    let tags = ctx.tags(&[]);
    let sg_tags = ctx.tags(&[
        (tags::NAME, ctx.name_tag("karpenter-node")),
        (tags::KARPENTER_DISCOVERY, Expr::from(name)),
        // The AWS Load Balancer Controller opens node ports on the one security group of an
        // ENI that carries this tag; the cluster security group carries it on managed nodes.
        (&tags::cluster(name), Expr::from("owned")),
    ]);
    let stack = ctx.stack(part);

    // IAM names are global to the account: neither the role nor its instance profile is
    // named, so the same blueprint deploys in several Regions of one account. The
    // EC2NodeClass names the instance profile, read from this stack's output when
    // `manifests/karpenter.sh` applies it (see the module documentation).
    let node_role = stack.add("KarpenterNodeRole", NodeRole::Karpenter.role(name, tags.clone()))?;
    let instance_profile =
        stack.add("KarpenterNodeInstanceProfile", InstanceProfile { roles: vec![node_role.reference()] })?;
    stack.add("KarpenterNodeAccessEntry", iam::node_access_entry(&cluster.cluster, &node_role, tags.clone()))?;

    // Node security group: see the module documentation.
    let cluster_sg = cluster.cluster.attr_cluster_security_group_id();
    let vpc_id = net.vpc_id.clone();
    let node_sg = stack.add(
        "KarpenterNodeSecurityGroup",
        SecurityGroup {
            group_description: format!("Nodes Karpenter launches for EKS cluster {name}"),
            security_group_egress: Some(vec![SecurityGroupRule {
                cidr_ip: Some(Expr::from("0.0.0.0/0")),
                description: Some("Nodes reach AWS APIs, registries and the internet through NAT".into()),
                ip_protocol: "-1".into(),
                ..SecurityGroupRule::default()
            }]),
            security_group_ingress: Some(vec![SecurityGroupRule {
                description: Some("Control plane and managed nodes (cluster security group)".into()),
                ip_protocol: "-1".into(),
                source_security_group_id: Some(cluster_sg.clone()),
                ..SecurityGroupRule::default()
            }]),
            tags: Some(sg_tags),
            vpc_id: Some(vpc_id),
        },
    )?;
    stack.add(
        "KarpenterNodeSecurityGroupSelfIngress",
        SecurityGroupIngress {
            description: Some("Karpenter nodes reach each other (pod to pod)".into()),
            group_id: node_sg.attr_group_id(),
            ip_protocol: "-1".into(),
            source_security_group_id: Some(node_sg.attr_group_id()),
            ..SecurityGroupIngress::default()
        },
    )?;
    stack.add(
        "KarpenterClusterSecurityGroupIngress",
        SecurityGroupIngress {
            description: Some("Karpenter nodes reach the control plane and managed nodes".into()),
            group_id: cluster_sg,
            ip_protocol: "-1".into(),
            source_security_group_id: Some(node_sg.attr_group_id()),
            ..SecurityGroupIngress::default()
        },
    )?;

    // Interruption queue and the rules that feed it.
    let queue_name = queue_name(name);
    // Encrypted at rest with SQS-owned keys (SSE-SQS), as Karpenter's template. checkov's
    // CKV_AWS_27 only recognizes SSE-KMS; the AWS managed key `alias/aws/sqs` cannot be used
    // with EventBridge (its key policy cannot grant events.amazonaws.com), and a customer
    // managed key would add a key and its policy for five-minute interruption notices that
    // carry no customer data.
    let queue = stack.add_with(
        "KarpenterInterruptionQueue",
        Queue {
            message_retention_period: Some(defaults::KARPENTER_MESSAGE_RETENTION_SECONDS),
            queue_name: Some(Expr::from(queue_name.as_str())),
            sqs_managed_sse_enabled: Some(true),
            tags: Some(tags.clone()),
            ..Queue::default()
        },
        ResourceOptions::new().metadata(json!({"checkov": {"skip": [{
            "id": "CKV_AWS_27",
            "comment": "Encrypted with SQS-owned keys (SqsManagedSseEnabled); EventBridge cannot use the AWS managed SQS KMS key"
        }]}})),
    )?;
    let mut rule_arns = Vec::with_capacity(INTERRUPTION_RULES.len());
    for (id, source, detail_type) in INTERRUPTION_RULES {
        let rule = stack.add(
            &format!("Karpenter{id}"),
            Rule {
                description: Some(format!("{detail_type} events for Karpenter of EKS cluster {name}")),
                event_pattern: Some(json!({"source": [source], "detail-type": [detail_type]})),
                state: Some("ENABLED".into()),
                tags: Some(tags.clone()),
                targets: Some(vec![Target { arn: queue.attr_arn(), id: "KarpenterInterruptionQueueTarget".into() }]),
                ..Rule::default()
            },
        )?;
        rule_arns.push(rule.attr_arn());
    }
    stack.add(
        "KarpenterInterruptionQueuePolicy",
        QueuePolicy {
            policy_document: PolicyDocument::new([
                // Only this stack's rules may send (confused-deputy protection, as the
                // EventBridge documentation for SQS targets recommends).
                Statement::allow(["sqs:SendMessage"])
                    .sid("EventBridgeRulesSendEvents")
                    .principal(Principal::Service(vec!["events.amazonaws.com".into()]))
                    .resource(queue.attr_arn())
                    .condition("ArnEquals", "aws:SourceArn", Expr::List(rule_arns)),
                // Karpenter's template also lets the SQS service principal send; kept, but
                // only on behalf of this account.
                Statement::allow(["sqs:SendMessage"])
                    .sid("SqsSendsForThisAccount")
                    .principal(Principal::Service(vec!["sqs.amazonaws.com".into()]))
                    .resource(queue.attr_arn())
                    .condition("StringEquals", "aws:SourceAccount", Pseudo::AccountId),
                Statement::deny(["sqs:*"])
                    .sid("DenyInsecureTransport")
                    .principal(Principal::Aws(vec![Expr::from("*")]))
                    .resource(queue.attr_arn())
                    .condition("Bool", "aws:SecureTransport", "false"),
            ]),
            queues: vec![queue.reference()],
        },
    )?;

    // The controller role.
    let controller_role = stack.add(
        "KarpenterControllerRole",
        Role {
            // Only the chart's service account in the release namespace (both from
            // `compute.karpenter`, written into the Helm values below) of this cluster.
            assume_role_policy_document: iam::pod_identity_trust_for(
                &cluster.cluster,
                &karpenter.namespace,
                &karpenter.service_account,
            ),
            description: Some(format!(
                "Karpenter controller ({}/{}) of EKS cluster {name}, through EKS Pod Identity",
                karpenter.namespace, karpenter.service_account
            )),
            tags: Some(tags.clone()),
            ..Role::default()
        },
    )?;
    let policies = controller_policies(name, &node_role, &queue, cluster);
    for (id, description, document) in policies {
        stack.add(
            &format!("KarpenterController{id}Policy"),
            ManagedPolicy {
                description: Some(format!("Karpenter controller of EKS cluster {name}: {description}")),
                managed_policy_name: None,
                policy_document: document,
                roles: Some(vec![controller_role.reference()]),
            },
        )?;
    }
    // The controller runs on the node groups: its association comes after them (the
    // declaration's `after`; across stacks, the karpenter stack after the compute stack).
    stack.add_with(
        "KarpenterControllerPodIdentityAssociation",
        PodIdentityAssociation {
            cluster_name: cluster.cluster.reference(),
            namespace: karpenter.namespace.clone(),
            role_arn: controller_role.attr_arn(),
            service_account: karpenter.service_account.clone(),
            tags: Some(tags),
        },
        after.clone(),
    )?;
    stack.add_output(
        "KarpenterInterruptionQueueName",
        Output::new(queue.attr_queue_name(), "Karpenter's interruption queue (settings.interruptionQueue)"),
    )?;
    stack.add_output("KarpenterNodeRoleName", Output::new(node_role.reference(), "The role of Karpenter's nodes"))?;
    stack.add_output(
        ids::KARPENTER_INSTANCE_PROFILE_OUTPUT,
        Output::new(
            instance_profile.reference(),
            "The instance profile of Karpenter's nodes (EC2NodeClass spec.instanceProfile)",
        ),
    )?;
    stack.add_output(
        "KarpenterControllerRoleArn",
        Output::new(controller_role.attr_arn(), "The Karpenter controller's role (EKS Pod Identity)"),
    )?;

    let mut values = manifests::helm_values(name, karpenter);
    super::custom_networking::karpenter_settings(bp, &mut values);
    if karpenter.isolated_vpc {
        // No internet: only the AWS services with VPC endpoints are reachable, and the
        // pricing API has none (Karpenter getting-started guide, "Private Clusters";
        // settings reference, ISOLATED_VPC).
        values["settings"]["isolatedVPC"] = json!(true);
    }
    let node_class = manifests::node_class(ctx, karpenter);
    check_consistency(ctx, part, net, &values, &node_class)?;
    let stack = ctx.stack_name(part);
    Ok(manifests::files(name, &stack, karpenter, values, node_class))
}

/// One managed policy per concern, as Karpenter's template: (id, description, document).
fn controller_policies(
    name: &str,
    node_role: &Handle<Role>,
    queue: &Handle<Queue>,
    cluster: &ClusterRefs,
) -> Vec<(&'static str, &'static str, PolicyDocument)> {
    let owned_key = |kind: &str| format!("aws:{kind}/kubernetes.io/cluster/{name}");
    let ec2 = |resource: &str| Expr::arn(&format!("ec2:${{AWS::Region}}:*:{resource}/*"));
    let created = ["fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request"];
    let scoped_to_nodes = |st: Statement| {
        st.condition("StringEquals", owned_key("ResourceTag"), "owned").condition(
            "StringLike",
            "aws:ResourceTag/karpenter.sh/nodepool",
            "*",
        )
    };
    let request_tagged = |st: Statement| {
        st.condition("StringEquals", owned_key("RequestTag"), "owned")
            .condition("StringEquals", "aws:RequestTag/eks:eks-cluster-name", name)
            .condition("StringLike", "aws:RequestTag/karpenter.sh/nodepool", "*")
    };
    let with_resources = |mut st: Statement, resources: &[&str]| {
        for r in resources {
            st = st.resource(ec2(r));
        }
        st
    };

    let mut launch_inputs = Statement::allow(["ec2:RunInstances", "ec2:CreateFleet"])
        .sid("AllowScopedEC2InstanceAccessActions")
        .resource(Expr::arn("ec2:${AWS::Region}::image/*"))
        .resource(Expr::arn("ec2:${AWS::Region}::snapshot/*"));
    launch_inputs =
        with_resources(launch_inputs, &["security-group", "subnet", "capacity-reservation", "placement-group"]);
    let node_lifecycle = PolicyDocument::new([
        launch_inputs,
        scoped_to_nodes(
            Statement::allow(["ec2:RunInstances", "ec2:CreateFleet"])
                .sid("AllowScopedEC2LaunchTemplateAccessActions")
                .resource(ec2("launch-template")),
        ),
        request_tagged(with_resources(
            Statement::allow(["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"])
                .sid("AllowScopedEC2InstanceActionsWithTags"),
            &created,
        )),
        request_tagged(with_resources(
            Statement::allow(["ec2:CreateTags"]).sid("AllowScopedResourceCreationTagging"),
            &created,
        ))
        .condition(
            "StringEquals",
            "ec2:CreateAction",
            Expr::str_list(["RunInstances", "CreateFleet", "CreateLaunchTemplate"]),
        ),
        scoped_to_nodes(
            Statement::allow(["ec2:CreateTags"]).sid("AllowScopedResourceTagging").resource(ec2("instance")),
        )
        .condition("StringEqualsIfExists", "aws:RequestTag/eks:eks-cluster-name", name)
        .condition(
            "ForAllValues:StringEquals",
            "aws:TagKeys",
            Expr::str_list(["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]),
        ),
        scoped_to_nodes(with_resources(
            Statement::allow(["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]).sid("AllowScopedDeletion"),
            &["instance", "launch-template"],
        )),
    ]);

    let profile = || Expr::arn("iam::${AWS::AccountId}:instance-profile/*");
    // The EC2NodeClass names the instance profile this stack creates (`spec.instanceProfile`),
    // so Karpenter creates, tags and deletes none ("If you use the instanceProfile field
    // instead of role, Karpenter will not manage the InstanceProfile on your behalf",
    // Karpenter docs, NodeClasses): of its template's instance-profile statements only
    // PassRole, to launch instances with the profile's role, remains.
    let iam_integration = PolicyDocument::new([Statement::allow(["iam:PassRole"])
        .sid("AllowPassingInstanceRole")
        .resource(node_role.attr_arn())
        // `ec2.amazonaws.com` in the aws partition, `ec2.amazonaws.com.cn` in China.
        .condition("StringEquals", "iam:PassedToService", Expr::sub("ec2.${AWS::URLSuffix}"))]);

    let eks_integration = PolicyDocument::new([Statement::allow(["eks:DescribeCluster"])
        .sid("AllowAPIServerEndpointDiscovery")
        .resource(cluster.cluster.attr_arn())]);

    let interruption =
        PolicyDocument::new([Statement::allow(["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"])
            .sid("AllowInterruptionQueueActions")
            .resource(queue.attr_arn())]);

    let zonal_shift = PolicyDocument::new([Statement::allow(["arc-zonal-shift:GetManagedResource"])
        .sid("AllowZonalShiftStatusReadOnly")
        .resource("*")
        .condition("StringEquals", "arc-zonal-shift:ResourceIdentifier", cluster.cluster.attr_arn())]);

    let discovery = PolicyDocument::new([
        Statement::allow([
            "ec2:DescribeCapacityReservations",
            "ec2:DescribeImages",
            "ec2:DescribeInstances",
            "ec2:DescribeInstanceStatus",
            "ec2:DescribeInstanceTypeOfferings",
            "ec2:DescribeInstanceTypes",
            "ec2:DescribeLaunchTemplates",
            "ec2:DescribePlacementGroups",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSpotPriceHistory",
            "ec2:DescribeSubnets",
        ])
        .sid("AllowRegionalReadActions")
        .resource("*")
        .condition("StringEquals", "aws:RequestedRegion", Pseudo::Region),
        Statement::allow(["ssm:GetParameter"])
            .sid("AllowSSMReadActions")
            .resource(Expr::arn("ssm:${AWS::Region}::parameter/aws/service/*")),
        Statement::allow(["pricing:GetProducts"]).sid("AllowPricingReadActions").resource("*"),
        Statement::allow(["iam:ListInstanceProfiles"]).sid("AllowUnscopedInstanceProfileListAction").resource("*"),
        Statement::allow(["iam:GetInstanceProfile"]).sid("AllowInstanceProfileReadActions").resource(profile()),
    ]);

    vec![
        ("NodeLifecycle", "launch, tag and terminate its nodes", node_lifecycle),
        ("IamIntegration", "pass the node role to the instances it launches", iam_integration),
        ("EksIntegration", "API server endpoint discovery", eks_integration),
        ("Interruption", "read the interruption queue", interruption),
        ("ZonalShift", "zonal shift status of the cluster", zonal_shift),
        ("ResourceDiscovery", "read-only discovery of instance types, prices, AMIs, subnets", discovery),
    ]
}

/// The string value of tag `key` in a resource's `Tags`, if it is a literal.
fn tag_value<'a>(properties: &'a Value, key: &str) -> Option<&'a str> {
    properties.get("Tags")?.as_array()?.iter().find(|t| t["Key"] == key).and_then(|t| t["Value"].as_str())
}

/// Checks that the manifests agree with the templates: the EC2NodeClass selector tags are
/// set on exactly the private subnets and on the node security group, the role it names is
/// the node role, and the Helm values name the queue the stack creates.
fn check_consistency(
    ctx: &mut Context,
    part: Part,
    net: &NetworkRefs,
    values: &Value,
    node_class: &Value,
) -> Result<(), SynthError> {
    let own = ctx.stack(part);
    let own_name = own.name().to_owned();
    let resources = &own.template().resources;
    let property = |id: &str, key: &str| resources.get(id).and_then(|r| r.properties.get(key)).cloned();

    let queue = property("KarpenterInterruptionQueue", "QueueName");
    if queue.as_ref() != Some(&values["settings"]["interruptionQueue"]) {
        return Err(invalid(
            &own_name,
            format!(
                "the Helm values name interruption queue {} but the stack creates {}",
                values["settings"]["interruptionQueue"],
                queue.map_or_else(|| "none".to_owned(), |q| q.to_string())
            ),
        ));
    }
    // The EC2NodeClass's instance profile is the placeholder the script fills from the
    // stack's output, and that output is the instance profile holding the node role.
    let placeholder = json!(format!("${{{INSTANCE_PROFILE_VAR}}}"));
    let output = own.template().outputs.get(ids::KARPENTER_INSTANCE_PROFILE_OUTPUT).map(|o| o.value.clone());
    let profile_roles = property("KarpenterNodeInstanceProfile", "Roles");
    let consistent = node_class["spec"]["instanceProfile"] == placeholder
        && matches!(&output, Some(Expr::Ref(t)) if t.logical_id == "KarpenterNodeInstanceProfile")
        && profile_roles
            == Some(json!([Expr::Ref(crate::cfn::Target {
                stack: Some(own_name.clone()),
                logical_id: "KarpenterNodeRole".into()
            })]));
    if !consistent {
        return Err(invalid(
            &own_name,
            format!(
                "the EC2NodeClass's instanceProfile {} is not output {}, the instance profile of KarpenterNodeRole",
                node_class["spec"]["instanceProfile"],
                ids::KARPENTER_INSTANCE_PROFILE_OUTPUT
            ),
        ));
    }
    let sg = resources.get("KarpenterNodeSecurityGroup").map(|r| r.properties.clone()).unwrap_or_default();
    let subnet_selector = selector_tags(&node_class["spec"]["subnetSelectorTerms"]);
    let sg_selector = selector_tags(&node_class["spec"]["securityGroupSelectorTerms"]);
    for (key, value) in &sg_selector {
        if tag_value(&sg, key) != Some(value.as_str()) {
            return Err(invalid(
                &own_name,
                format!("the EC2NodeClass selects security groups by tag {key}={value}, which the node security group does not carry"),
            ));
        }
    }

    // Subnets of an existing VPC are the owner's to tag (CloudFormation cannot tag them).
    if ctx.bp.network.is_existing() {
        return Ok(());
    }
    let private: Vec<String> = net
        .private_subnets
        .iter()
        .filter_map(|s| match s {
            Expr::Ref(target) => Some(target.logical_id.clone()),
            _ => None,
        })
        .collect();
    let network = ctx.stack(Part::Network);
    let network_name = network.name().to_owned();
    for (id, resource) in &network.template().resources {
        if resource.resource_type != "AWS::EC2::Subnet" {
            continue;
        }
        let is_private = private.contains(id);
        for (key, value) in &subnet_selector {
            let tagged = tag_value(&resource.properties, key) == Some(value.as_str());
            if is_private && !tagged {
                return Err(invalid(
                    &network_name,
                    format!("the EC2NodeClass selects subnets by tag {key}={value}, which private subnet {id} does not carry"),
                ));
            }
            if !is_private && tagged {
                return Err(invalid(
                    &network_name,
                    format!("subnet {id} is not private but carries {key}={value}: Karpenter would launch nodes in it"),
                ));
            }
        }
    }
    Ok(())
}

/// The tags of every selector term, as (key, value) pairs.
fn selector_tags(terms: &Value) -> Vec<(String, String)> {
    terms
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("tags")?.as_object())
        .flat_map(|tags| tags.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::manifests::{helm_values, node_class, NODE_CLASS_FILE, NODE_POOLS_FILE, SCRIPT_FILE, VALUES_FILE};
    use indexmap::IndexMap;
    use serde::Deserialize;
    use serde_json::{json, Value};

    use super::*;
    use crate::synth::Assembly;
    use crate::Blueprint;
    use crate::Format;

    const MINIMAL: &str = "
name: demo
cluster:
  access:
    entries:
      - principalArn: arn:aws:iam::123456789012:role/Admin
        policies: [{policy: ClusterAdmin}]
compute:
  managedNodeGroups: [{name: system}]
  karpenter: {}
";

    fn synth(yaml: &str) -> Assembly {
        Blueprint::from_yaml(yaml).unwrap().synth(Format::Json).unwrap()
    }

    fn resources<'a>(assembly: &'a Assembly, stack: &str) -> &'a serde_json::Map<String, Value> {
        assembly.stack(stack).unwrap().template["Resources"].as_object().unwrap()
    }

    fn docs(assembly: &Assembly, file: &str) -> Vec<Value> {
        let text = &assembly.files()[file];
        serde_yaml::Deserializer::from_str(text).map(|d| Value::deserialize(d).unwrap()).collect()
    }

    /// Every statement of every controller policy, by Sid.
    fn statements(assembly: &Assembly) -> IndexMap<String, Value> {
        resources(assembly, "demo-karpenter")
            .values()
            .filter(|r| r["Type"] == "AWS::IAM::ManagedPolicy")
            .flat_map(|r| r["Properties"]["PolicyDocument"]["Statement"].as_array().unwrap().clone())
            .map(|s| (s["Sid"].as_str().unwrap().to_owned(), s))
            .collect()
    }

    #[test]
    fn nothing_is_rendered_without_karpenter() {
        let assembly = synth(&MINIMAL.replace("  karpenter: {}\n", ""));
        assert!(assembly.stack("demo-karpenter").is_none());
        assert!(!resources(&assembly, "demo-compute").keys().any(|k| k.starts_with("Karpenter")));
        assert!(!assembly.files().keys().any(|k| k.contains("karpenter")));
    }

    #[test]
    fn node_role_and_access_entry() {
        let assembly = synth(MINIMAL);
        let r = resources(&assembly, "demo-karpenter");
        let role = &r["KarpenterNodeRole"]["Properties"];
        // Issue 7 item 14: no fixed IAM names, so a second Region of the account does not
        // collide; the EC2NodeClass gets the instance profile's name from the stack output.
        assert!(role.get("RoleName").is_none(), "{role}");
        assert_eq!(
            r["KarpenterNodeInstanceProfile"],
            json!({"Type": "AWS::IAM::InstanceProfile", "Properties": {"Roles": [{"Ref": "KarpenterNodeRole"}]}})
        );
        let outputs = &assembly.stack("demo-karpenter").unwrap().template["Outputs"];
        assert_eq!(
            outputs["KarpenterNodeInstanceProfileName"]["Value"],
            json!({"Ref": "KarpenterNodeInstanceProfile"})
        );
        for stack in assembly.stacks() {
            let text = stack.template.to_string();
            for named in ["\"RoleName\"", "\"InstanceProfileName\"", "\"ManagedPolicyName\""] {
                assert!(!text.contains(named), "{}: {named}", stack.name);
            }
        }
        assert_eq!(
            role["ManagedPolicyArns"],
            json!([
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEKSWorkerNodePolicy"},
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"},
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"},
            ])
        );
        assert_eq!(
            role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
            json!({"Service": "ec2.amazonaws.com"})
        );
        let entry = &r["KarpenterNodeAccessEntry"]["Properties"];
        assert_eq!(entry["Type"], "EC2_LINUX");
        assert_eq!(entry["PrincipalArn"], json!({"Fn::GetAtt": ["KarpenterNodeRole", "Arn"]}));
        assert_eq!(entry["ClusterName"], json!({"Fn::ImportValue": "demo-cluster:Cluster"}));
        assert!(entry.get("AccessPolicies").is_none());
    }

    #[test]
    fn controller_role_through_pod_identity() {
        let assembly =
            synth(&MINIMAL.replace("karpenter: {}", "karpenter: {namespace: karpenter, serviceAccount: ctl}"));
        let r = resources(&assembly, "demo-karpenter");
        let trust = &r["KarpenterControllerRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
        assert_eq!(trust["Principal"], json!({"Service": "pods.eks.amazonaws.com"}));
        assert_eq!(trust["Action"], json!(["sts:AssumeRole", "sts:TagSession"]));
        let assoc = &r["KarpenterControllerPodIdentityAssociation"]["Properties"];
        assert_eq!(assoc["Namespace"], "karpenter");
        assert_eq!(assoc["ServiceAccount"], "ctl");
        assert_eq!(assoc["RoleArn"], json!({"Fn::GetAtt": ["KarpenterControllerRole", "Arn"]}));
        let policies: Vec<&String> =
            r.iter().filter(|(_, v)| v["Type"] == "AWS::IAM::ManagedPolicy").map(|(k, _)| k).collect();
        assert_eq!(
            policies,
            [
                "KarpenterControllerNodeLifecyclePolicy",
                "KarpenterControllerIamIntegrationPolicy",
                "KarpenterControllerEksIntegrationPolicy",
                "KarpenterControllerInterruptionPolicy",
                "KarpenterControllerZonalShiftPolicy",
                "KarpenterControllerResourceDiscoveryPolicy",
            ]
        );
        for id in policies {
            assert_eq!(r[id]["Properties"]["Roles"], json!([{"Ref": "KarpenterControllerRole"}]), "{id}");
        }
        let values = &docs(&assembly, VALUES_FILE)[0];
        assert_eq!(values["serviceAccount"]["name"], "ctl");
        assert!(assembly.files()[SCRIPT_FILE].contains("NAMESPACE='karpenter'\n"));
    }

    #[test]
    fn controller_permissions_are_scoped_to_the_cluster() {
        let assembly = synth(MINIMAL);
        let s = statements(&assembly);
        // Launch templates, deletion and tagging only of what this cluster's NodePools own.
        for sid in ["AllowScopedEC2LaunchTemplateAccessActions", "AllowScopedResourceTagging", "AllowScopedDeletion"] {
            assert_eq!(
                s[sid]["Condition"]["StringEquals"]["aws:ResourceTag/kubernetes.io/cluster/demo"], "owned",
                "{sid}"
            );
            assert_eq!(s[sid]["Condition"]["StringLike"]["aws:ResourceTag/karpenter.sh/nodepool"], "*", "{sid}");
        }
        // Creation only with this cluster's tags in the request.
        for sid in ["AllowScopedEC2InstanceActionsWithTags", "AllowScopedResourceCreationTagging"] {
            let c = &s[sid]["Condition"];
            assert_eq!(c["StringEquals"]["aws:RequestTag/kubernetes.io/cluster/demo"], "owned", "{sid}");
            assert_eq!(c["StringEquals"]["aws:RequestTag/eks:eks-cluster-name"], "demo", "{sid}");
            assert_eq!(c["StringLike"]["aws:RequestTag/karpenter.sh/nodepool"], "*", "{sid}");
        }
        assert_eq!(
            s["AllowScopedResourceCreationTagging"]["Condition"]["StringEquals"]["ec2:CreateAction"],
            json!(["RunInstances", "CreateFleet", "CreateLaunchTemplate"])
        );
        assert_eq!(
            s["AllowScopedResourceTagging"]["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"],
            json!(["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"])
        );
        assert_eq!(s["AllowScopedDeletion"]["Action"], json!(["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"]));
        // PassRole: the node role only, to EC2 only.
        let pass = &s["AllowPassingInstanceRole"];
        assert_eq!(pass["Resource"], json!({"Fn::GetAtt": ["KarpenterNodeRole", "Arn"]}));
        assert_eq!(
            pass["Condition"]["StringEquals"]["iam:PassedToService"],
            json!({"Fn::Sub": "ec2.${AWS::URLSuffix}"})
        );
        // Instance profiles: the stack creates the only one, so Karpenter manages none.
        for sid in [
            "AllowScopedInstanceProfileCreationActions",
            "AllowScopedInstanceProfileTagActions",
            "AllowScopedInstanceProfileActions",
        ] {
            assert!(s.get(sid).is_none(), "{sid}");
        }
        let iam_writes: Vec<&String> = s
            .iter()
            .filter(|(_, st)| st.to_string().contains("\"iam:") && st["Sid"] != "AllowPassingInstanceRole")
            .filter(|(_, st)| {
                !st.to_string().contains("iam:GetInstanceProfile")
                    && !st.to_string().contains("iam:ListInstanceProfiles")
            })
            .map(|(sid, _)| sid)
            .collect();
        assert!(iam_writes.is_empty(), "{iam_writes:?}");
        // The cluster and the queue by ARN.
        assert_eq!(
            s["AllowAPIServerEndpointDiscovery"]["Resource"],
            json!({"Fn::ImportValue": "demo-cluster:Cluster-Arn"})
        );
        assert_eq!(s["AllowAPIServerEndpointDiscovery"]["Action"], "eks:DescribeCluster");
        assert_eq!(
            s["AllowInterruptionQueueActions"]["Resource"],
            json!({"Fn::GetAtt": ["KarpenterInterruptionQueue", "Arn"]})
        );
        assert_eq!(
            s["AllowInterruptionQueueActions"]["Action"],
            json!(["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"])
        );
        // Every statement with Resource "*" is read-only, and regional reads stay in the region.
        for (sid, st) in &s {
            if st["Resource"] == "*" {
                let actions: Vec<&str> = match &st["Action"] {
                    Value::String(a) => vec![a.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => unreachable!(),
                };
                for a in actions {
                    let verb = a.split(':').nth(1).unwrap();
                    assert!(["Describe", "Get", "List"].iter().any(|p| verb.starts_with(p)), "{sid}: {a}");
                }
            }
        }
        assert_eq!(
            s["AllowRegionalReadActions"]["Condition"]["StringEquals"]["aws:RequestedRegion"],
            json!({"Ref": "AWS::Region"})
        );
        // Each managed policy stays far below IAM's 6,144 characters.
        for r in resources(&assembly, "demo-karpenter").values().filter(|r| r["Type"] == "AWS::IAM::ManagedPolicy") {
            assert!(r["Properties"]["PolicyDocument"].to_string().len() < 4_500);
        }
    }

    #[test]
    fn interruption_queue_policy_and_rules() {
        let assembly = synth(MINIMAL);
        let r = resources(&assembly, "demo-karpenter");
        let queue = &r["KarpenterInterruptionQueue"]["Properties"];
        assert_eq!(queue["QueueName"], "demo-karpenter");
        assert_eq!(queue["MessageRetentionPeriod"], 300);
        assert_eq!(queue["SqsManagedSseEnabled"], true);
        let policy = &r["KarpenterInterruptionQueuePolicy"]["Properties"];
        assert_eq!(policy["Queues"], json!([{"Ref": "KarpenterInterruptionQueue"}]));
        let st = policy["PolicyDocument"]["Statement"].as_array().unwrap();
        assert_eq!(st[0]["Principal"], json!({"Service": "events.amazonaws.com"}));
        assert_eq!(st[0]["Action"], "sqs:SendMessage");
        assert_eq!(st[0]["Condition"]["ArnEquals"]["aws:SourceArn"].as_array().unwrap().len(), 5);
        assert_eq!(st[1]["Principal"], json!({"Service": "sqs.amazonaws.com"}));
        assert_eq!(st[2]["Effect"], "Deny");
        assert_eq!(st[2]["Action"], "sqs:*");
        assert_eq!(st[2]["Condition"], json!({"Bool": {"aws:SecureTransport": "false"}}));
        let rules: Vec<(&String, &Value)> = r.iter().filter(|(_, v)| v["Type"] == "AWS::Events::Rule").collect();
        let patterns: Vec<Value> = rules.iter().map(|(_, v)| v["Properties"]["EventPattern"].clone()).collect();
        assert_eq!(
            patterns,
            vec![
                json!({"source": ["aws.health"], "detail-type": ["AWS Health Event"]}),
                json!({"source": ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"]}),
                json!({"source": ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"]}),
                json!({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}),
                json!({"source": ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"]}),
            ]
        );
        for (id, rule) in rules {
            assert_eq!(
                rule["Properties"]["Targets"],
                json!([{"Arn": {"Fn::GetAtt": ["KarpenterInterruptionQueue", "Arn"]}, "Id": "KarpenterInterruptionQueueTarget"}]),
                "{id}"
            );
        }
    }

    #[test]
    fn node_security_group_trusts_the_cluster_security_group_both_ways() {
        let assembly = synth(MINIMAL);
        let r = resources(&assembly, "demo-karpenter");
        let sg = &r["KarpenterNodeSecurityGroup"]["Properties"];
        let cluster_sg = json!({"Fn::ImportValue": "demo-cluster:Cluster-ClusterSecurityGroupId"});
        assert_eq!(sg["SecurityGroupIngress"][0]["SourceSecurityGroupId"], cluster_sg);
        assert_eq!(sg["SecurityGroupIngress"][0]["IpProtocol"], "-1");
        assert_eq!(sg["SecurityGroupEgress"][0]["CidrIp"], "0.0.0.0/0");
        let tags = sg["Tags"].as_array().unwrap();
        assert!(tags.contains(&json!({"Key": "karpenter.sh/discovery", "Value": "demo"})));
        assert!(tags.contains(&json!({"Key": "kubernetes.io/cluster/demo", "Value": "owned"})));
        let back = &r["KarpenterClusterSecurityGroupIngress"]["Properties"];
        assert_eq!(back["GroupId"], cluster_sg);
        assert_eq!(back["SourceSecurityGroupId"], json!({"Fn::GetAtt": ["KarpenterNodeSecurityGroup", "GroupId"]}));
        let own = &r["KarpenterNodeSecurityGroupSelfIngress"]["Properties"];
        assert_eq!(own["GroupId"], own["SourceSecurityGroupId"]);
        // Only private subnets carry the discovery tag.
        for (id, subnet) in resources(&assembly, "demo-network").iter().filter(|(_, v)| v["Type"] == "AWS::EC2::Subnet")
        {
            let tagged = subnet["Properties"]["Tags"]
                .as_array()
                .unwrap()
                .contains(&json!({"Key": "karpenter.sh/discovery", "Value": "demo"}));
            assert_eq!(tagged, id.starts_with("PrivateSubnet"), "{id}");
        }
    }

    #[test]
    fn manifests_name_what_the_stacks_create() {
        let assembly = synth(MINIMAL);
        let values = &docs(&assembly, VALUES_FILE)[0];
        assert_eq!(values["settings"], json!({"clusterName": "demo", "interruptionQueue": "demo-karpenter"}));
        assert_eq!(values["serviceAccount"]["name"], "karpenter");
        let class = &docs(&assembly, NODE_CLASS_FILE)[0];
        assert_eq!(class["spec"]["instanceProfile"], "${KARPENTER_NODE_INSTANCE_PROFILE}");
        assert!(class["spec"].get("role").is_none());
        assert_eq!(class["spec"]["amiSelectorTerms"], json!([{"alias": "al2023@latest"}]));
        assert_eq!(class["spec"]["subnetSelectorTerms"], json!([{"tags": {"karpenter.sh/discovery": "demo"}}]));
        assert_eq!(class["spec"]["securityGroupSelectorTerms"], json!([{"tags": {"karpenter.sh/discovery": "demo"}}]));
        assert_eq!(class["spec"]["metadataOptions"]["httpTokens"], "required");
        assert_eq!(class["spec"]["metadataOptions"]["httpPutResponseHopLimit"], 1);
        assert_eq!(
            class["spec"]["blockDeviceMappings"][0]["ebs"],
            json!({"volumeSize": "80Gi", "volumeType": "gp3", "encrypted": true, "deleteOnTermination": true})
        );
        assert!(class["spec"].get("tags").is_none());
        let pools = docs(&assembly, NODE_POOLS_FILE);
        assert_eq!(pools.len(), 1);
        assert_eq!(
            pools[0]["spec"]["template"]["spec"]["requirements"],
            json!([
                {"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]},
                {"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
                {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["on-demand", "spot"]},
                {"key": "karpenter.k8s.aws/instance-category", "operator": "In", "values": ["c", "m", "r"]},
                {"key": "karpenter.k8s.aws/instance-generation", "operator": "Gt", "values": ["5"]},
            ])
        );
        assert_eq!(pools[0]["spec"]["limits"], json!({"cpu": "1000"}));
        assert_eq!(
            pools[0]["spec"]["disruption"],
            json!({"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "1m"})
        );
        let outputs = &assembly.stack("demo-karpenter").unwrap().template["Outputs"];
        assert_eq!(
            outputs["KarpenterInterruptionQueueName"]["Value"],
            json!({"Fn::GetAtt": ["KarpenterInterruptionQueue", "QueueName"]})
        );
    }

    #[test]
    fn blueprint_tags_reach_instances_except_the_ones_karpenter_owns() {
        let yaml = MINIMAL.replace(
            "name: demo\n",
            "name: demo\ntags: {team: platform, eks:eks-cluster-name: x, karpenter.sh/nodepool: y}\n",
        );
        let assembly = synth(&yaml);
        let class = &docs(&assembly, NODE_CLASS_FILE)[0];
        assert_eq!(class["spec"]["tags"], json!({"team": "platform"}));
    }

    #[test]
    fn no_node_pools_file_without_node_pools() {
        let assembly = synth(&MINIMAL.replace("karpenter: {}", "karpenter: {nodePools: []}"));
        assert!(assembly.files().contains_key(NODE_CLASS_FILE));
        assert!(!assembly.files().contains_key(NODE_POOLS_FILE));
    }

    #[test]
    fn single_stack_layout_keeps_references_local() {
        let assembly = synth(&MINIMAL.replace("name: demo\n", "name: demo\nstackLayout: single\n"));
        let r = resources(&assembly, "demo");
        assert_eq!(r["KarpenterNodeSecurityGroup"]["Properties"]["VpcId"], json!({"Ref": "Vpc"}));
    }

    #[test]
    fn consistency_check_catches_a_selector_tag_missing_from_the_subnets() {
        let bp = Blueprint::from_yaml(MINIMAL).unwrap();
        let mut ctx = Context::new(&bp);
        let net = crate::render::network::render(&mut ctx).unwrap();
        let cluster = crate::render::cluster::render(&mut ctx, &net).unwrap();
        let k = bp.compute.karpenter.as_ref().unwrap();
        // The stacks' resources as rendered, but an EC2NodeClass selecting another tag.
        let addon = bp.addons.iter().find(|a| a.id() == "karpenter").unwrap();
        let inputs = Inputs { net: &net, cluster: &cluster, addon, after: ResourceOptions::new() };
        render(&mut ctx, &inputs).unwrap();
        let values = helm_values("demo", k);
        let mut class = node_class(&ctx, k);
        class["spec"]["subnetSelectorTerms"] = json!([{"tags": {"team": "x"}}]);
        class["spec"]["securityGroupSelectorTerms"] = json!([{"tags": {"team": "x"}}]);
        let err = check_consistency(&mut ctx, Part::Karpenter, &net, &values, &class).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `demo-karpenter` could not be rendered: the EC2NodeClass selects security groups by tag team=x, which the node security group does not carry"
        );
        class["spec"]["securityGroupSelectorTerms"] = json!([{"tags": {"karpenter.sh/discovery": "demo"}}]);
        let err = check_consistency(&mut ctx, Part::Karpenter, &net, &values, &class).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `demo-network` could not be rendered: the EC2NodeClass selects subnets by tag team=x, which private subnet PrivateSubnet1 does not carry"
        );
        let mut wrong_queue = values.clone();
        wrong_queue["settings"]["interruptionQueue"] = json!("other");
        let class = node_class(&ctx, k);
        let err = check_consistency(&mut ctx, Part::Karpenter, &net, &wrong_queue, &class).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `demo-karpenter` could not be rendered: the Helm values name interruption queue \"other\" but the stack creates \"demo-karpenter\""
        );
        let mut wrong_profile = class.clone();
        wrong_profile["spec"]["instanceProfile"] = json!("other");
        let err = check_consistency(&mut ctx, Part::Karpenter, &net, &values, &wrong_profile).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `demo-karpenter` could not be rendered: the EC2NodeClass's instanceProfile \"other\" is not output KarpenterNodeInstanceProfileName, the instance profile of KarpenterNodeRole"
        );
        // A public subnet with the discovery tag would let Karpenter launch nodes in it.
        let public = &mut ctx.stack(Part::Network).template_mut().resources["PublicSubnet2"].properties;
        public["Tags"].as_array_mut().unwrap().push(json!({"Key": "karpenter.sh/discovery", "Value": "demo"}));
        let err = check_consistency(&mut ctx, Part::Karpenter, &net, &values, &class).unwrap_err().to_string();
        assert_eq!(
            err,
            "stack `demo-network` could not be rendered: subnet PublicSubnet2 is not private but carries karpenter.sh/discovery=demo: Karpenter would launch nodes in it"
        );
    }
}
