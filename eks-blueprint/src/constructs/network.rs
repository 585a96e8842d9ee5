//! The network stack: VPC, public and private subnets per zone, internet and NAT gateways,
//! routes, and VPC flow logs.

use super::{Context, Part};
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::model::defaults;
use crate::model::network::{AvailabilityZones, NatGateways};
use crate::resources::ec2::{
    FlowLog, InternetGateway, NatGateway, Route, RouteTable, Subnet, SubnetRouteTableAssociation, VPCGatewayAttachment,
    EIP, VPC,
};
use crate::resources::iam::{Policy, Role};
use crate::resources::logs::LogGroup;
use crate::synth::SynthError;

/// What later constructs use from the network.
pub(crate) struct NetworkRefs {
    pub private_subnets: Vec<Handle<Subnet>>,
}

fn invalid(message: &str) -> SynthError {
    SynthError::Render { stack: "network".into(), message: message.into() }
}

pub(crate) fn render(ctx: &mut Context) -> Result<NetworkRefs, SynthError> {
    let bp = ctx.bp;
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
    }

    flow_logs(ctx, &vpc)?;
    Ok(NetworkRefs { private_subnets })
}

/// VPC flow logs to a CloudWatch Logs group with a retention period.
fn flow_logs(ctx: &mut Context, vpc: &Handle<VPC>) -> Result<(), SynthError> {
    let group_tags = ctx.tags(&[]);
    let role_tags = ctx.tags(&[]);
    let log_tags = ctx.tags(&[("Name", ctx.name_tag("flow-log"))]);
    let stack = ctx.stack(Part::Network);
    let group = stack.add_with(
        "FlowLogGroup",
        LogGroup {
            retention_in_days: Some(defaults::LOG_RETENTION_DAYS),
            tags: Some(group_tags),
            ..LogGroup::default()
        },
        ResourceOptions::new().retain(),
    )?;
    let role = stack.add(
        "FlowLogRole",
        Role {
            assume_role_policy_document: PolicyDocument::new([Statement::allow(["sts:AssumeRole"])
                .principal(crate::cfn::iam::Principal::Service(vec!["vpc-flow-logs.amazonaws.com".into()]))
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
            traffic_type: Some(Expr::from("ALL")),
            max_aggregation_interval: None,
            tags: Some(log_tags),
        },
    )?;
    Ok(())
}
