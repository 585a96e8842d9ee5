//! The network stack: VPC, public, private, isolated and pod subnets per zone, internet and
//! NAT gateways, routes, VPC endpoints, and VPC flow logs encrypted with a KMS key. With an
//! existing VPC, no network stack: the ids are passed on as literals.

use super::{Context, Part};
use crate::cfn::iam::{PolicyDocument, Principal, Statement};
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::model::network::{AddressPlan, AvailabilityZones, NatGateways};
use crate::resources::ec2::{
    FlowLog, InternetGateway, NatGateway, Route, RouteTable, SecurityGroup, SecurityGroupRule, Subnet,
    SubnetRouteTableAssociation, VPCCidrBlock, VPCEndpoint, VPCGatewayAttachment, EIP, VPC,
};
use crate::resources::iam::{Policy, Role};
use crate::resources::kms::{Alias, Key};
use crate::resources::logs::LogGroup;
use crate::synth::SynthError;

/// What later constructs use from the network: references to the resources of the network
/// stack, or the literal ids of an existing VPC.
pub(crate) struct NetworkRefs {
    /// The VPC id.
    #[allow(dead_code)] // for constructs that need the VPC (security groups, load balancers)
    pub vpc_id: Expr,
    /// The private subnets, one per zone: the cluster's and the nodes' subnets.
    pub private_subnets: Vec<Expr>,
    /// The public subnets (may be empty with an existing VPC).
    #[allow(dead_code)] // for constructs that place internet-facing resources
    pub public_subnets: Vec<Expr>,
}

fn invalid(message: &str) -> SynthError {
    SynthError::Render { stack: "network".into(), message: message.into() }
}

pub(crate) fn render(ctx: &mut Context) -> Result<NetworkRefs, SynthError> {
    let bp = ctx.bp;
    if let Some(existing) = &bp.network.existing {
        // Bring your own VPC: nothing to create. CloudFormation cannot tag subnets it does
        // not own, so the subnets' EKS and Karpenter tags are the owner's job.
        return Ok(NetworkRefs {
            vpc_id: Expr::from(existing.vpc_id.as_str()),
            private_subnets: existing.private_subnet_ids.iter().map(Expr::from).collect(),
            public_subnets: existing.public_subnet_ids.iter().map(Expr::from).collect(),
        });
    }
    let plan = bp.address_plan().ok_or_else(|| invalid("the blueprint was not validated: no address plan"))?;
    let cluster_tag = format!("kubernetes.io/cluster/{}", bp.name);
    let zone = |i: usize| -> Expr {
        match &bp.network.availability_zones {
            AvailabilityZones::Names(names) => Expr::from(names[i].as_str()),
            AvailabilityZones::Count(_) => Expr::select(u32::try_from(i).unwrap_or_default(), Expr::azs()),
        }
    };

    let vpc_tags = ctx.tags(&[("Name", ctx.name_tag("vpc"))]);
    let igw_tags = ctx.tags(&[("Name", ctx.name_tag("igw"))]);
    let public_rt_tags = ctx.tags(&[("Name", ctx.name_tag("public"))]);
    let stack = ctx.stack(Part::Network);
    let vpc = stack.add(
        "Vpc",
        VPC {
            cidr_block: Some(Expr::from(plan.vpc.to_string())),
            enable_dns_hostnames: Some(true),
            enable_dns_support: Some(true),
            tags: Some(vpc_tags),
        },
    )?;
    let igw = stack.add("InternetGateway", InternetGateway { tags: Some(igw_tags) })?;
    let attachment = stack.add(
        "InternetGatewayAttachment",
        VPCGatewayAttachment { vpc_id: vpc.reference(), internet_gateway_id: Some(igw.reference()) },
    )?;
    let public_rt =
        stack.add("PublicRouteTable", RouteTable { vpc_id: vpc.reference(), tags: Some(public_rt_tags) })?;
    stack.add_with(
        "PublicDefaultRoute",
        Route {
            route_table_id: public_rt.reference(),
            destination_cidr_block: Some(Expr::from("0.0.0.0/0")),
            gateway_id: Some(igw.reference()),
            nat_gateway_id: None,
        },
        ResourceOptions::new().depends_on(&attachment),
    )?;

    let zones = plan.private.len();
    let mut public_subnets = Vec::with_capacity(zones);
    let mut private_subnets = Vec::with_capacity(zones);
    for i in 0..zones {
        let n = i + 1;
        let public_tags = ctx.tags(&[
            ("Name", ctx.name_tag(&format!("public-{n}"))),
            ("kubernetes.io/role/elb", Expr::from("1")),
            (&cluster_tag, Expr::from("shared")),
        ]);
        let private_tags = ctx.tags(&[
            ("Name", ctx.name_tag(&format!("private-{n}"))),
            ("kubernetes.io/role/internal-elb", Expr::from("1")),
            (&cluster_tag, Expr::from("shared")),
            // Lets Karpenter's EC2NodeClass find the node subnets by tag.
            ("karpenter.sh/discovery", Expr::from(bp.name.as_str())),
        ]);
        let stack = ctx.stack(Part::Network);
        let public = stack.add(
            &format!("PublicSubnet{n}"),
            Subnet {
                vpc_id: vpc.reference(),
                availability_zone: Some(zone(i)),
                cidr_block: Some(Expr::from(plan.public[i].to_string())),
                // Load balancers and NAT gateways get their addresses explicitly; nothing
                // launched here should get a public IP by accident.
                map_public_ip_on_launch: Some(false),
                tags: Some(public_tags),
            },
        )?;
        stack.add(
            &format!("PublicSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: public_rt.reference(), subnet_id: public.reference() },
        )?;
        let private = stack.add(
            &format!("PrivateSubnet{n}"),
            Subnet {
                vpc_id: vpc.reference(),
                availability_zone: Some(zone(i)),
                cidr_block: Some(Expr::from(plan.private[i].to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(private_tags),
            },
        )?;
        public_subnets.push(public);
        private_subnets.push(private);
    }

    let nat_count = match bp.network.nat_gateways {
        NatGateways::PerAz => zones,
        NatGateways::Single => 1,
        NatGateways::None => 0,
    };
    let mut nats = Vec::with_capacity(nat_count);
    for (i, public) in public_subnets.iter().enumerate().take(nat_count) {
        let n = i + 1;
        let eip_tags = ctx.tags(&[("Name", ctx.name_tag(&format!("nat-{n}")))]);
        let nat_tags = eip_tags.clone();
        let stack = ctx.stack(Part::Network);
        let eip = stack.add_with(
            &format!("NatGateway{n}Eip"),
            EIP { domain: Some(Expr::from("vpc")), tags: Some(eip_tags) },
            ResourceOptions::new().depends_on(&attachment),
        )?;
        let nat = stack.add(
            &format!("NatGateway{n}"),
            NatGateway {
                allocation_id: Some(eip.attr_allocation_id()),
                subnet_id: Some(public.reference()),
                tags: Some(nat_tags),
            },
        )?;
        nats.push(nat);
    }
    let mut private_rts = Vec::with_capacity(zones);
    for (i, private) in private_subnets.iter().enumerate() {
        let n = i + 1;
        let rt_tags = ctx.tags(&[("Name", ctx.name_tag(&format!("private-{n}")))]);
        let stack = ctx.stack(Part::Network);
        let rt =
            stack.add(&format!("PrivateRouteTable{n}"), RouteTable { vpc_id: vpc.reference(), tags: Some(rt_tags) })?;
        if let Some(nat) = nats.get(i).or(nats.first()) {
            stack.add(
                &format!("PrivateDefaultRoute{n}"),
                Route {
                    route_table_id: rt.reference(),
                    destination_cidr_block: Some(Expr::from("0.0.0.0/0")),
                    gateway_id: None,
                    nat_gateway_id: Some(nat.reference()),
                },
            )?;
        }
        stack.add(
            &format!("PrivateSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: rt.reference(), subnet_id: private.reference() },
        )?;
        private_rts.push(rt);
    }

    pod_subnets(ctx, &plan, &vpc, &private_rts, &zone)?;
    let isolated_rt = isolated_subnets(ctx, &plan, &vpc, &zone)?;
    let mut gateway_rts: Vec<Expr> = private_rts.iter().map(Handle::reference).collect();
    gateway_rts.extend(isolated_rt.as_ref().map(Handle::reference));
    let private_refs: Vec<Expr> = private_subnets.iter().map(Handle::reference).collect();
    vpc_endpoints(ctx, &plan, &vpc, &private_refs, gateway_rts)?;
    if bp.network.flow_logs.enabled {
        flow_logs(ctx, &vpc)?;
    }
    Ok(NetworkRefs {
        vpc_id: vpc.reference(),
        private_subnets: private_refs,
        public_subnets: public_subnets.iter().map(Handle::reference).collect(),
    })
}

/// The secondary CIDR block for pods and one pod subnet per zone, routed like the private
/// subnet of its zone.
fn pod_subnets(
    ctx: &mut Context,
    plan: &AddressPlan,
    vpc: &Handle<VPC>,
    private_rts: &[Handle<RouteTable>],
    zone: &dyn Fn(usize) -> Expr,
) -> Result<(), SynthError> {
    let Some(pod_cidr) = plan.pod_cidr else { return Ok(()) };
    let cluster_tag = format!("kubernetes.io/cluster/{}", ctx.bp.name);
    let stack = ctx.stack(Part::Network);
    let block = stack.add(
        "PodCidrBlock",
        VPCCidrBlock { cidr_block: Some(Expr::from(pod_cidr.to_string())), vpc_id: vpc.reference() },
    )?;
    for (i, (cidr, rt)) in plan.pods.iter().zip(private_rts).enumerate() {
        let n = i + 1;
        let tags = ctx.tags(&[("Name", ctx.name_tag(&format!("pods-{n}"))), (&cluster_tag, Expr::from("shared"))]);
        let stack = ctx.stack(Part::Network);
        // The subnet's block exists only once the secondary CIDR is associated.
        let subnet = stack.add_with(
            &format!("PodSubnet{n}"),
            Subnet {
                vpc_id: vpc.reference(),
                availability_zone: Some(zone(i)),
                cidr_block: Some(Expr::from(cidr.to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(tags),
            },
            ResourceOptions::new().depends_on(&block),
        )?;
        stack.add(
            &format!("PodSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: rt.reference(), subnet_id: subnet.reference() },
        )?;
    }
    Ok(())
}

/// Isolated subnets: one route table with no route but the VPC's local one.
fn isolated_subnets(
    ctx: &mut Context,
    plan: &AddressPlan,
    vpc: &Handle<VPC>,
    zone: &dyn Fn(usize) -> Expr,
) -> Result<Option<Handle<RouteTable>>, SynthError> {
    if plan.isolated.is_empty() {
        return Ok(None);
    }
    let rt_tags = ctx.tags(&[("Name", ctx.name_tag("isolated"))]);
    let stack = ctx.stack(Part::Network);
    let rt = stack.add("IsolatedRouteTable", RouteTable { vpc_id: vpc.reference(), tags: Some(rt_tags) })?;
    for (i, cidr) in plan.isolated.iter().enumerate() {
        let n = i + 1;
        let tags = ctx.tags(&[("Name", ctx.name_tag(&format!("isolated-{n}")))]);
        let stack = ctx.stack(Part::Network);
        let subnet = stack.add(
            &format!("IsolatedSubnet{n}"),
            Subnet {
                vpc_id: vpc.reference(),
                availability_zone: Some(zone(i)),
                cidr_block: Some(Expr::from(cidr.to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(tags),
            },
        )?;
        stack.add(
            &format!("IsolatedSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: rt.reference(), subnet_id: subnet.reference() },
        )?;
    }
    Ok(Some(rt))
}

/// VPC endpoints: gateway endpoints on the private and isolated route tables, interface
/// endpoints in the private subnets behind one security group that admits HTTPS from the
/// VPC's own blocks only.
fn vpc_endpoints(
    ctx: &mut Context,
    plan: &AddressPlan,
    vpc: &Handle<VPC>,
    private_subnets: &[Expr],
    gateway_rts: Vec<Expr>,
) -> Result<(), SynthError> {
    let services = &ctx.bp.network.vpc_endpoints.0;
    if services.is_empty() {
        return Ok(());
    }
    let mut security_group = None;
    for service in services {
        let id = format!("VpcEndpoint{}", service.id_part());
        let tags = ctx.tags(&[("Name", ctx.name_tag(service.as_str()))]);
        let service_name = Expr::sub(format!("com.amazonaws.${{AWS::Region}}.{}", service.as_str()));
        if service.is_gateway() {
            let stack = ctx.stack(Part::Network);
            stack.add(
                &id,
                VPCEndpoint {
                    route_table_ids: Some(gateway_rts.clone()),
                    service_name: Some(service_name),
                    tags: Some(tags),
                    vpc_endpoint_type: Some("Gateway".into()),
                    vpc_id: vpc.reference(),
                    ..VPCEndpoint::default()
                },
            )?;
            continue;
        }
        let group = match &security_group {
            Some(group) => Expr::clone(group),
            None => {
                let group = endpoint_security_group(ctx, plan, vpc)?;
                security_group = Some(group.clone());
                group
            }
        };
        let stack = ctx.stack(Part::Network);
        stack.add(
            &id,
            VPCEndpoint {
                private_dns_enabled: Some(true),
                security_group_ids: Some(vec![group]),
                service_name: Some(service_name),
                subnet_ids: Some(private_subnets.to_vec()),
                tags: Some(tags),
                vpc_endpoint_type: Some("Interface".into()),
                vpc_id: vpc.reference(),
                ..VPCEndpoint::default()
            },
        )?;
    }
    Ok(())
}

/// The security group of the interface endpoints: HTTPS in from the VPC CIDR (and the pod
/// CIDR), nothing out (the endpoints answer, they never connect).
fn endpoint_security_group(ctx: &mut Context, plan: &AddressPlan, vpc: &Handle<VPC>) -> Result<Expr, SynthError> {
    let https = |cidr: String, what: &str| SecurityGroupRule {
        cidr_ip: Some(Expr::from(cidr)),
        description: Some(format!("HTTPS to AWS services from {what}")),
        from_port: Some(443),
        ip_protocol: "tcp".into(),
        to_port: Some(443),
    };
    let mut ingress = vec![https(plan.vpc.to_string(), "the VPC")];
    ingress.extend(plan.pod_cidr.map(|pods| https(pods.to_string(), "pods")));
    let tags = ctx.tags(&[("Name", ctx.name_tag("vpc-endpoints"))]);
    let stack = ctx.stack(Part::Network);
    let group = stack.add(
        "VpcEndpointSecurityGroup",
        SecurityGroup {
            group_description: "Interface VPC endpoints: HTTPS from inside the VPC only".into(),
            // Security groups are stateful: replies need no egress rule. This rule matches
            // no traffic and replaces the default allow-all egress rule.
            security_group_egress: Some(vec![SecurityGroupRule {
                cidr_ip: Some(Expr::from("255.255.255.255/32")),
                description: Some("Disallow all outbound traffic".into()),
                from_port: Some(252),
                ip_protocol: "icmp".into(),
                to_port: Some(86),
            }]),
            security_group_ingress: Some(ingress),
            tags: Some(tags),
            vpc_id: Some(vpc.reference()),
        },
    )?;
    Ok(group.attr_group_id())
}

/// VPC flow logs to a CloudWatch Logs group with a retention period, encrypted with a KMS
/// key that only CloudWatch Logs of this account and region may use (and IAM administers).
fn flow_logs(ctx: &mut Context, vpc: &Handle<VPC>) -> Result<(), SynthError> {
    let settings = &ctx.bp.network.flow_logs;
    let key_tags = ctx.tags(&[("Name", ctx.name_tag("flow-logs"))]);
    let group_tags = ctx.tags(&[]);
    let role_tags = ctx.tags(&[]);
    let log_tags = ctx.tags(&[("Name", ctx.name_tag("flow-log"))]);
    let alias = format!("alias/eks/{}/flow-logs", ctx.bp.name);
    let description = format!("Encryption of the VPC flow logs of {}", ctx.bp.name);
    let stack = ctx.stack(Part::Network);
    // The key policy of "Encrypt log data in CloudWatch Logs using AWS KMS"
    // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html),
    // with the encryption context limited to log groups of this account and region.
    let key = stack.add_with(
        "FlowLogKey",
        Key {
            description: Some(description),
            enable_key_rotation: Some(true),
            key_policy: Some(PolicyDocument::new([
                Statement::allow(["kms:*"])
                    .sid("AccountAdministersKeyThroughIam")
                    .principal(Principal::Aws(vec![Expr::arn("iam::${AWS::AccountId}:root")]))
                    .resource("*"),
                Statement::allow([
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ])
                .sid("CloudWatchLogsEncryptsLogGroupsOfThisAccount")
                .principal(Principal::ServiceExpr(vec![Expr::sub("logs.${AWS::Region}.amazonaws.com")]))
                .resource("*")
                .condition(
                    "ArnLike",
                    "kms:EncryptionContext:aws:logs:arn",
                    Expr::arn("logs:${AWS::Region}:${AWS::AccountId}:log-group:*"),
                ),
            ])),
            tags: Some(key_tags),
            ..Key::default()
        },
        ResourceOptions::new().retain(),
    )?;
    stack.add("FlowLogKeyAlias", Alias { alias_name: Expr::from(alias), target_key_id: key.reference() })?;
    let group = stack.add_with(
        "FlowLogGroup",
        LogGroup {
            kms_key_id: Some(key.attr_arn()),
            retention_in_days: Some(settings.retention_days),
            tags: Some(group_tags),
            ..LogGroup::default()
        },
        ResourceOptions::new().retain(),
    )?;
    let role = stack.add(
        "FlowLogRole",
        Role {
            assume_role_policy_document: PolicyDocument::new([Statement::allow(["sts:AssumeRole"])
                .principal(Principal::Service(vec!["vpc-flow-logs.amazonaws.com".into()]))
                .condition("StringEquals", "aws:SourceAccount", crate::cfn::Pseudo::AccountId)]),
            description: Some("Lets VPC Flow Logs publish to the flow log group".into()),
            policies: Some(vec![Policy {
                policy_name: "PublishFlowLogs".into(),
                policy_document: PolicyDocument::new([Statement::allow([
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ])
                .resource(group.attr_arn())]),
            }]),
            tags: Some(role_tags),
            ..Role::default()
        },
    )?;
    stack.add(
        "FlowLog",
        FlowLog {
            deliver_logs_permission_arn: Some(role.attr_arn()),
            log_destination: Some(group.attr_arn()),
            log_destination_type: Some(Expr::from("cloud-watch-logs")),
            resource_id: vpc.reference(),
            resource_type: Expr::from("VPC"),
            traffic_type: Some(Expr::from(settings.traffic_type.as_str())),
            max_aggregation_interval: None,
            tags: Some(log_tags),
        },
    )?;
    Ok(())
}
