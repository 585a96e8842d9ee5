//! The network stack: VPC, public, private, isolated and pod subnets per zone, internet and
//! NAT gateways, routes, VPC endpoints, and VPC flow logs encrypted with a KMS key. With an
//! existing VPC, no network stack: the ids are passed on as literals.

use super::{iam, ids, Context, Part};
use crate::blueprint::network::{AddressPlan, FlowLogs, Network, NewVpc};
use crate::blueprint::tags;
use crate::cfn::iam::{PolicyDocument, Statement};
use crate::cfn::{Expr, Handle, ResourceOptions};
use crate::resources::ec2::{
    EgressOnlyInternetGateway, FlowLog, InternetGateway, NatGateway, Route, RouteTable, SecurityGroup,
    SecurityGroupRule, Subnet, SubnetRouteTableAssociation, VPCCidrBlock, VPCEndpoint, VPCGatewayAttachment, EIP, VPC,
};
use crate::resources::iam::{Policy, Role};
use crate::resources::kms::{Alias, Key};
use crate::resources::logs::LogGroup;
use crate::spec::network::{AvailabilityZones, NatGateways};
use crate::synth::SynthError;

/// What later constructs use from the network: references to the resources of the network
/// stack, or the literal ids of an existing VPC.
pub(crate) struct NetworkRefs {
    /// The VPC id.
    pub vpc_id: Expr,
    /// The private subnets, one per zone: the cluster's and the nodes' subnets.
    pub private_subnets: Vec<Expr>,
    /// The public subnets (may be empty with an existing VPC).
    #[allow(dead_code)] // for constructs that place internet-facing resources
    pub public_subnets: Vec<Expr>,
}

/// The options of a subnet. Zones named in the blueprint are hard-coded on purpose (the
/// user chose them), so cfn-lint's W3010 ("avoid hardcoding availability zones") is
/// suppressed on those subnets only; zones by count use `Fn::GetAZs`, zone IDs
/// `AvailabilityZoneId`, which W3010 does not check.
fn subnet_options(zones: &AvailabilityZones) -> ResourceOptions {
    match zones {
        AvailabilityZones::Names(_) => {
            ResourceOptions::new().metadata(serde_json::json!({"cfn-lint": {"config": {"ignore_checks": ["W3010"]}}}))
        }
        AvailabilityZones::Count(_) | AvailabilityZones::Ids(_) => ResourceOptions::new(),
    }
}

/// Where a subnet is placed: its `AvailabilityZone` (a name, or `Fn::Select` over
/// `Fn::GetAZs`) or its `AvailabilityZoneId`; CloudFormation takes exactly one of them.
#[derive(Clone)]
struct Placement {
    name: Option<Expr>,
    id: Option<Expr>,
}

impl Placement {
    /// The placement of the subnets of zone `i` (0-based).
    fn of(zones: &AvailabilityZones, i: usize) -> Placement {
        let at = |list: &Vec<String>| list.get(i).map(|z| Expr::from(z.as_str()));
        match zones {
            AvailabilityZones::Names(names) => Placement { name: at(names), id: None },
            AvailabilityZones::Ids(ids) => Placement { name: None, id: at(ids) },
            AvailabilityZones::Count(_) => {
                Placement { name: Some(Expr::select(u32::try_from(i).unwrap_or_default(), Expr::azs())), id: None }
            }
        }
    }

    /// `subnet`, placed here.
    fn place(&self, subnet: Subnet) -> Subnet {
        Subnet { availability_zone: self.name.clone(), availability_zone_id: self.id.clone(), ..subnet }
    }
}

pub(crate) fn render(ctx: &mut Context) -> Result<NetworkRefs, SynthError> {
    let bp = ctx.bp;
    let spec = match &bp.network {
        Network::New(spec) => spec,
        Network::Existing(existing) => {
            // Bring your own VPC: nothing to create. CloudFormation cannot tag subnets it
            // does not own, so the subnets' EKS and Karpenter tags are the owner's job.
            return Ok(NetworkRefs {
                vpc_id: Expr::from(existing.vpc_id.as_str()),
                private_subnets: existing.private_subnet_ids.iter().map(Expr::from).collect(),
                public_subnets: existing.public_subnet_ids.iter().map(Expr::from).collect(),
            });
        }
    };
    let plan = &spec.plan;
    let cluster_tag = tags::cluster(&bp.name);
    let zone = |i: usize| Placement::of(&spec.availability_zones, i);

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
            ..Route::default()
        },
        ResourceOptions::new().depends_on(&attachment),
    )?;
    let zones = plan.private.len();
    // Dual stack: the VPC's Amazon-provided /56, one /64 per public (index i) and private
    // (index zones + i) subnet, carved with Fn::Cidr; subnets wait for the block.
    let ipv6 = if spec.ipv6 {
        let block = stack.add(
            "Ipv6CidrBlock",
            VPCCidrBlock {
                amazon_provided_ipv6_cidr_block: Some(true),
                vpc_id: vpc.reference(),
                ..VPCCidrBlock::default()
            },
        )?;
        stack.add_with(
            "PublicDefaultIpv6Route",
            Route {
                route_table_id: public_rt.reference(),
                destination_ipv6_cidr_block: Some(Expr::from("::/0")),
                gateway_id: Some(igw.reference()),
                ..Route::default()
            },
            ResourceOptions::new().depends_on(&attachment),
        )?;
        let count = u32::try_from(2 * zones).unwrap_or(2);
        let blocks = Expr::cidr(Expr::select(0, vpc.attr_ipv6_cidr_blocks()), count, 64);
        Some((block, blocks))
    } else {
        None
    };
    let ipv6_block = |i: usize| -> Option<Expr> {
        ipv6.as_ref().map(|(_, blocks)| Expr::select(u32::try_from(i).unwrap_or_default(), blocks.clone()))
    };
    let ipv6_options = |options: ResourceOptions| match &ipv6 {
        Some((block, _)) => options.depends_on(block),
        None => options,
    };

    let mut public_subnets = Vec::with_capacity(zones);
    let mut private_subnets = Vec::with_capacity(zones);
    for i in 0..zones {
        let n = i + 1;
        let public_tags = ctx.tags(&[
            ("Name", ctx.name_tag(&format!("public-{n}"))),
            (tags::PUBLIC_ELB_ROLE, Expr::from("1")),
            (&cluster_tag, Expr::from("shared")),
        ]);
        let private_tags = ctx.tags(&[
            ("Name", ctx.name_tag(&format!("private-{n}"))),
            (tags::INTERNAL_ELB_ROLE, Expr::from("1")),
            (&cluster_tag, Expr::from("shared")),
            // Lets Karpenter's EC2NodeClass find the node subnets by tag.
            (tags::KARPENTER_DISCOVERY, Expr::from(bp.name.as_str())),
        ]);
        let stack = ctx.stack(Part::Network);
        let public = stack.add_with(
            &format!("PublicSubnet{n}"),
            zone(i).place(Subnet {
                vpc_id: vpc.reference(),
                cidr_block: Some(Expr::from(plan.public[i].to_string())),
                // Load balancers and NAT gateways get their addresses explicitly; nothing
                // launched here should get a public IP by accident.
                map_public_ip_on_launch: Some(false),
                tags: Some(public_tags),
                assign_ipv6_address_on_creation: spec.ipv6.then_some(true),
                ipv6_cidr_block: ipv6_block(i),
                ..Subnet::default()
            }),
            ipv6_options(subnet_options(&spec.availability_zones)),
        )?;
        stack.add(
            &format!("PublicSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: public_rt.reference(), subnet_id: public.reference() },
        )?;
        let private = stack.add_with(
            &format!("PrivateSubnet{n}"),
            zone(i).place(Subnet {
                vpc_id: vpc.reference(),
                cidr_block: Some(Expr::from(plan.private[i].to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(private_tags),
                assign_ipv6_address_on_creation: spec.ipv6.then_some(true),
                ipv6_cidr_block: ipv6_block(zones + i),
                ..Subnet::default()
            }),
            ipv6_options(subnet_options(&spec.availability_zones)),
        )?;
        public_subnets.push(public);
        private_subnets.push(private);
    }

    let nat_count = match spec.nat_gateways {
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
    let eigw = if spec.ipv6 {
        let tags = ctx.tags(&[("Name", ctx.name_tag("eigw"))]);
        let stack = ctx.stack(Part::Network);
        Some(stack.add(
            "EgressOnlyInternetGateway",
            EgressOnlyInternetGateway { tags: Some(tags), vpc_id: vpc.reference() },
        )?)
    } else {
        None
    };
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
                    ..Route::default()
                },
            )?;
        }
        if let Some(eigw) = &eigw {
            stack.add(
                &format!("PrivateDefaultIpv6Route{n}"),
                Route {
                    route_table_id: rt.reference(),
                    destination_ipv6_cidr_block: Some(Expr::from("::/0")),
                    egress_only_internet_gateway_id: Some(eigw.reference()),
                    ..Route::default()
                },
            )?;
        }
        stack.add(
            &format!("PrivateSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: rt.reference(), subnet_id: private.reference() },
        )?;
        private_rts.push(rt);
    }

    pod_subnets(ctx, spec, &vpc, &private_rts, &zone)?;
    let isolated_rt = isolated_subnets(ctx, spec, &vpc, &zone)?;
    let mut gateway_rts: Vec<Expr> = private_rts.iter().map(Handle::reference).collect();
    gateway_rts.extend(isolated_rt.as_ref().map(Handle::reference));
    let private_refs: Vec<Expr> = private_subnets.iter().map(Handle::reference).collect();
    let ipv6_block_handle = ipv6.map(|(block, _)| block);
    vpc_endpoints(ctx, spec, &vpc, ipv6_block_handle.as_ref(), &private_refs, gateway_rts)?;
    if spec.flow_logs.enabled {
        flow_logs(ctx, &spec.flow_logs, &vpc)?;
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
    spec: &NewVpc,
    vpc: &Handle<VPC>,
    private_rts: &[Handle<RouteTable>],
    zone: &dyn Fn(usize) -> Placement,
) -> Result<(), SynthError> {
    let plan = &spec.plan;
    let Some(pod_cidr) = plan.pod_cidr else { return Ok(()) };
    let cluster_tag = tags::cluster(&ctx.bp.name);
    let stack = ctx.stack(Part::Network);
    let block = stack.add(
        "PodCidrBlock",
        VPCCidrBlock {
            cidr_block: Some(Expr::from(pod_cidr.to_string())),
            vpc_id: vpc.reference(),
            ..VPCCidrBlock::default()
        },
    )?;
    for (i, (cidr, rt)) in plan.pods.iter().zip(private_rts).enumerate() {
        let n = i + 1;
        let tags = ctx.tags(&[("Name", ctx.name_tag(&format!("pods-{n}"))), (&cluster_tag, Expr::from("shared"))]);
        let stack = ctx.stack(Part::Network);
        // The subnet's block exists only once the secondary CIDR is associated.
        let subnet = stack.add_with(
            &format!("PodSubnet{n}"),
            zone(i).place(Subnet {
                vpc_id: vpc.reference(),
                cidr_block: Some(Expr::from(cidr.to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(tags),
                ..Subnet::default()
            }),
            subnet_options(&spec.availability_zones).depends_on(&block),
        )?;
        stack.add(
            &format!("PodSubnet{n}RouteTableAssociation"),
            SubnetRouteTableAssociation { route_table_id: rt.reference(), subnet_id: subnet.reference() },
        )?;
        // Read by manifests/eniconfigs.sh to fill the ENIConfig of each zone: the zone is
        // the ENIConfig's name, the subnet its `spec.subnet`.
        super::custom_networking::pod_subnet_outputs(stack, n, &subnet)?;
    }
    Ok(())
}

/// Isolated subnets: one route table with no route but the VPC's local one.
fn isolated_subnets(
    ctx: &mut Context,
    spec: &NewVpc,
    vpc: &Handle<VPC>,
    zone: &dyn Fn(usize) -> Placement,
) -> Result<Option<Handle<RouteTable>>, SynthError> {
    let plan = &spec.plan;
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
        let subnet = stack.add_with(
            &format!("IsolatedSubnet{n}"),
            zone(i).place(Subnet {
                vpc_id: vpc.reference(),
                cidr_block: Some(Expr::from(cidr.to_string())),
                map_public_ip_on_launch: Some(false),
                tags: Some(tags),
                ..Subnet::default()
            }),
            subnet_options(&spec.availability_zones),
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
    spec: &NewVpc,
    vpc: &Handle<VPC>,
    ipv6_block: Option<&Handle<VPCCidrBlock>>,
    private_subnets: &[Expr],
    gateway_rts: Vec<Expr>,
) -> Result<(), SynthError> {
    let services = &spec.vpc_endpoints;
    if services.is_empty() {
        return Ok(());
    }
    let mut security_group = None;
    for service in services {
        let id = ids::vpc_endpoint(service);
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
                let group = endpoint_security_group(ctx, &spec.plan, vpc, ipv6_block)?;
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
fn endpoint_security_group(
    ctx: &mut Context,
    plan: &AddressPlan,
    vpc: &Handle<VPC>,
    ipv6_block: Option<&Handle<VPCCidrBlock>>,
) -> Result<Expr, SynthError> {
    let https = |cidr: String, what: &str| SecurityGroupRule {
        cidr_ip: Some(Expr::from(cidr)),
        description: Some(format!("HTTPS to AWS services from {what}")),
        from_port: Some(443),
        ip_protocol: "tcp".into(),
        to_port: Some(443),
        ..SecurityGroupRule::default()
    };
    let mut ingress = vec![https(plan.vpc.to_string(), "the VPC")];
    ingress.extend(plan.pod_cidr.map(|pods| https(pods.to_string(), "pods")));
    if ipv6_block.is_some() {
        ingress.push(SecurityGroupRule {
            cidr_ip: None,
            cidr_ipv6: Some(Expr::select(0, vpc.attr_ipv6_cidr_blocks())),
            description: Some("HTTPS to AWS services from the VPC (IPv6)".into()),
            ..https(String::new(), "")
        });
    }
    let tags = ctx.tags(&[("Name", ctx.name_tag("vpc-endpoints"))]);
    let stack = ctx.stack(Part::Network);
    // The VPC's IPv6 block is readable only once it is associated.
    let options = match ipv6_block {
        Some(block) => ResourceOptions::new().depends_on(block),
        None => ResourceOptions::new(),
    };
    let group = stack.add_with(
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
                ..SecurityGroupRule::default()
            }]),
            security_group_ingress: Some(ingress),
            tags: Some(tags),
            vpc_id: Some(vpc.reference()),
        },
        options,
    )?;
    Ok(group.attr_group_id())
}

/// The name of the flow-log group: fixed, so the key policy can name it (a generated name is
/// known only after the group exists, and the group needs the key first).
pub(crate) fn flow_log_group_name(blueprint: &str) -> String {
    format!("/aws/vpc-flow-logs/{blueprint}")
}

/// VPC flow logs to a CloudWatch Logs group with a retention period, encrypted with a KMS
/// key that only CloudWatch Logs may use, and only for this group (and IAM administers).
fn flow_logs(ctx: &mut Context, settings: &FlowLogs, vpc: &Handle<VPC>) -> Result<(), SynthError> {
    let key_tags = ctx.tags(&[("Name", ctx.name_tag("flow-logs"))]);
    let group_tags = ctx.tags(&[]);
    let role_tags = ctx.tags(&[]);
    let log_tags = ctx.tags(&[("Name", ctx.name_tag("flow-log"))]);
    let alias = format!("alias/eks/{}/flow-logs", ctx.bp.name);
    let description = format!("Encryption of the VPC flow logs of {}", ctx.bp.name);
    let group_name = flow_log_group_name(&ctx.bp.name);
    let stateful = ctx.stateful();
    let stack = ctx.stack(Part::Network);
    // Only this VPC's flow-log group may use the key (encryption context: the group's ARN).
    let key = stack.add_with(
        "FlowLogKey",
        Key {
            description: Some(description),
            enable_key_rotation: Some(true),
            key_policy: Some(iam::logs_key_policy("CloudWatchLogsUsesKeyForFlowLogGroup", &group_name)),
            tags: Some(key_tags),
            ..Key::default()
        },
        stateful.clone(),
    )?;
    stack.add("FlowLogKeyAlias", Alias { alias_name: Expr::from(alias), target_key_id: key.reference() })?;
    let group = stack.add_with(
        "FlowLogGroup",
        LogGroup {
            kms_key_id: Some(key.attr_arn()),
            log_group_name: Some(Expr::from(group_name.as_str())),
            retention_in_days: Some(settings.retention_days),
            tags: Some(group_tags),
        },
        stateful.clone(),
    )?;
    let role = stack.add(
        "FlowLogRole",
        Role {
            assume_role_policy_document: iam::flow_logs_trust(),
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

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::{Blueprint, Format};

    const ACCESS: &str = "cluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";

    /// The templates of a blueprint with this `network:` body (indented by two spaces), by
    /// stack name.
    fn synth(network: &str) -> indexmap::IndexMap<String, Value> {
        let bp = Blueprint::from_yaml(&format!(
            "name: demo\n{ACCESS}compute:\n  managedNodeGroups:\n    - name: general\nnetwork:\n{network}"
        ))
        .unwrap();
        let assembly = bp.synth(Format::Json).unwrap();
        assembly.stacks().iter().map(|s| (s.name.clone(), s.template.clone())).collect()
    }

    fn network(network: &str) -> Value {
        synth(network)["demo-network"]["Resources"].clone()
    }

    /// The logical ids of resources of a type.
    fn ids_of(resources: &Value, ty: &str) -> Vec<String> {
        resources.as_object().unwrap().iter().filter(|(_, r)| r["Type"] == ty).map(|(id, _)| id.clone()).collect()
    }

    fn tag<'a>(resource: &'a Value, key: &str) -> Option<&'a Value> {
        resource["Properties"]["Tags"].as_array().unwrap().iter().find(|t| t["Key"] == key).map(|t| &t["Value"])
    }

    #[test]
    fn zones_come_from_get_azs_or_names() {
        let r = network("  availabilityZones: 2\n");
        assert_eq!(
            ids_of(&r, "AWS::EC2::Subnet"),
            ["PublicSubnet1", "PrivateSubnet1", "PublicSubnet2", "PrivateSubnet2"]
        );
        assert_eq!(
            r["PrivateSubnet2"]["Properties"]["AvailabilityZone"],
            json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]})
        );
        let r =
            network("  availabilityZones: [eu-west-1a, eu-west-1b, eu-west-1c, eu-west-1d, eu-west-1e, eu-west-1f]\n");
        assert_eq!(ids_of(&r, "AWS::EC2::Subnet").len(), 12);
        assert_eq!(r["PrivateSubnet6"]["Properties"]["AvailabilityZone"], "eu-west-1f");
        // Named zones are deliberate: cfn-lint's W3010 is silenced on those subnets only.
        assert_eq!(r["PublicSubnet1"]["Metadata"], json!({"cfn-lint": {"config": {"ignore_checks": ["W3010"]}}}));
        assert_eq!(ids_of(&r, "AWS::EC2::NatGateway").len(), 6);
    }

    #[test]
    fn zone_ids_place_every_subnet_by_availability_zone_id() {
        let r = network(
            "  availabilityZones: [use1-az1, use1-az2]\n  podCidr: 100.64.0.0/16\n  subnets:\n    isolated: {}\n",
        );
        for id in ["PublicSubnet2", "PrivateSubnet2", "PodSubnet2", "IsolatedSubnet2"] {
            let properties = &r[id]["Properties"];
            assert_eq!(properties["AvailabilityZoneId"], "use1-az2", "{id}");
            // CloudFormation takes AvailabilityZone or AvailabilityZoneId, not both.
            assert!(properties.get("AvailabilityZone").is_none(), "{id}");
            // Nothing hard-codes a zone name: no cfn-lint W3010 to silence.
            assert!(r[id].get("Metadata").is_none(), "{id}");
        }
        assert_eq!(r["PrivateSubnet1"]["Properties"]["AvailabilityZoneId"], "use1-az1");
        // The ENIConfig of a zone is named after the zone name, read from the subnet.
        let outputs =
            &synth("  availabilityZones: [use1-az1, use1-az2]\n  podCidr: 100.64.0.0/16\n")["demo-network"]["Outputs"];
        assert_eq!(outputs["PodSubnet2Zone"]["Value"], json!({"Fn::GetAtt": ["PodSubnet2", "AvailabilityZone"]}));
    }

    #[test]
    fn subnets_carry_the_load_balancer_cluster_and_karpenter_tags() {
        let r = network("  cidr: 10.0.0.0/16\n");
        let public = &r["PublicSubnet1"];
        assert_eq!(tag(public, "kubernetes.io/role/elb"), Some(&json!("1")));
        assert_eq!(tag(public, "kubernetes.io/cluster/demo"), Some(&json!("shared")));
        assert_eq!(tag(public, "karpenter.sh/discovery"), None);
        let private = &r["PrivateSubnet3"];
        assert_eq!(tag(private, "Name"), Some(&json!("demo-private-3")));
        assert_eq!(tag(private, "kubernetes.io/role/internal-elb"), Some(&json!("1")));
        assert_eq!(tag(private, "kubernetes.io/cluster/demo"), Some(&json!("shared")));
        assert_eq!(tag(private, "karpenter.sh/discovery"), Some(&json!("demo")));
        assert_eq!(private["Properties"]["CidrBlock"], "10.0.64.0/19");
        assert_eq!(private["Properties"]["MapPublicIpOnLaunch"], false);
    }

    #[test]
    fn nat_per_az_single_and_none() {
        let r = network("  natGateways: perAz\n");
        assert_eq!(ids_of(&r, "AWS::EC2::NatGateway"), ["NatGateway1", "NatGateway2", "NatGateway3"]);
        assert_eq!(r["PrivateDefaultRoute3"]["Properties"]["NatGatewayId"], json!({"Ref": "NatGateway3"}));

        let r = network("  natGateways: single\n");
        assert_eq!(ids_of(&r, "AWS::EC2::NatGateway"), ["NatGateway1"]);
        for n in 1..=3 {
            assert_eq!(
                r[format!("PrivateDefaultRoute{n}")]["Properties"]["NatGatewayId"],
                json!({"Ref": "NatGateway1"})
            );
        }

        let r = network("  natGateways: none\n  vpcEndpoints: privateCluster\n");
        assert!(ids_of(&r, "AWS::EC2::NatGateway").is_empty());
        assert!(ids_of(&r, "AWS::EC2::EIP").is_empty());
        // The only route left is the public subnets' route to the internet gateway.
        assert_eq!(ids_of(&r, "AWS::EC2::Route"), ["PublicDefaultRoute"]);
        assert_eq!(
            ids_of(&r, "AWS::EC2::RouteTable"),
            ["PublicRouteTable", "PrivateRouteTable1", "PrivateRouteTable2", "PrivateRouteTable3"]
        );
    }

    #[test]
    fn isolated_subnets_have_no_route_out_and_only_a_name() {
        let r = network("  subnets:\n    isolated: {}\n");
        assert_eq!(ids_of(&r, "AWS::EC2::Subnet").iter().filter(|id| id.starts_with("Isolated")).count(), 3);
        let subnet = &r["IsolatedSubnet2"];
        assert_eq!(subnet["Properties"]["CidrBlock"], "10.0.100.0/24");
        assert_eq!(subnet["Properties"]["Tags"], json!([{"Key": "Name", "Value": "demo-isolated-2"}]));
        assert_eq!(
            r["IsolatedSubnet2RouteTableAssociation"]["Properties"],
            json!({"RouteTableId": {"Ref": "IsolatedRouteTable"}, "SubnetId": {"Ref": "IsolatedSubnet2"}})
        );
        let routes_to_isolated = r
            .as_object()
            .unwrap()
            .values()
            .filter(|v| {
                v["Type"] == "AWS::EC2::Route"
                    && v["Properties"]["RouteTableId"] == json!({"Ref": "IsolatedRouteTable"})
            })
            .count();
        assert_eq!(routes_to_isolated, 0);
    }

    #[test]
    fn pod_cidr_adds_a_block_and_pod_subnets_routed_privately() {
        let r = network("  podCidr: 100.64.0.0/16\n  vpcEndpoints: [sts]\n");
        assert_eq!(
            r["PodCidrBlock"],
            json!({"Type": "AWS::EC2::VPCCidrBlock", "Properties": {"CidrBlock": "100.64.0.0/16", "VpcId": {"Ref": "Vpc"}}})
        );
        let subnet = &r["PodSubnet2"];
        assert_eq!(subnet["DependsOn"], json!(["PodCidrBlock"]));
        assert_eq!(subnet["Properties"]["CidrBlock"], "100.64.64.0/18");
        assert_eq!(subnet["Properties"]["AvailabilityZone"], json!({"Fn::Select": [1, {"Fn::GetAZs": ""}]}));
        assert_eq!(
            subnet["Properties"]["Tags"],
            json!([{"Key": "Name", "Value": "demo-pods-2"}, {"Key": "kubernetes.io/cluster/demo", "Value": "shared"}])
        );
        assert_eq!(
            r["PodSubnet2RouteTableAssociation"]["Properties"]["RouteTableId"],
            json!({"Ref": "PrivateRouteTable2"})
        );
        // Pods calling AWS services through the endpoints come from the pod block.
        let ingress = &r["VpcEndpointSecurityGroup"]["Properties"]["SecurityGroupIngress"];
        assert_eq!(ingress[1]["CidrIp"], "100.64.0.0/16");
    }

    #[test]
    fn endpoints_gateway_for_s3_and_interfaces_behind_one_https_group() {
        let r = network("  cidr: 10.20.0.0/16\n  natGateways: none\n  vpcEndpoints: [s3, ecr.api, eks-auth, elasticfilesystem]\n  subnets:\n    isolated: {}\n");
        assert_eq!(
            r["VpcEndpointS3"]["Properties"],
            json!({
                "RouteTableIds": [
                    {"Ref": "PrivateRouteTable1"}, {"Ref": "PrivateRouteTable2"}, {"Ref": "PrivateRouteTable3"},
                    {"Ref": "IsolatedRouteTable"}
                ],
                "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
                "Tags": [{"Key": "Name", "Value": "demo-s3"}],
                "VpcEndpointType": "Gateway",
                "VpcId": {"Ref": "Vpc"}
            })
        );
        assert_eq!(
            r["VpcEndpointEcrApi"]["Properties"],
            json!({
                "PrivateDnsEnabled": true,
                "SecurityGroupIds": [{"Fn::GetAtt": ["VpcEndpointSecurityGroup", "GroupId"]}],
                "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.ecr.api"},
                "SubnetIds": [{"Ref": "PrivateSubnet1"}, {"Ref": "PrivateSubnet2"}, {"Ref": "PrivateSubnet3"}],
                "Tags": [{"Key": "Name", "Value": "demo-ecr.api"}],
                "VpcEndpointType": "Interface",
                "VpcId": {"Ref": "Vpc"}
            })
        );
        assert_eq!(
            r["VpcEndpointEksAuth"]["Properties"]["ServiceName"],
            json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.eks-auth"})
        );
        assert_eq!(
            r["VpcEndpointElasticfilesystem"]["Properties"]["ServiceName"],
            json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.elasticfilesystem"})
        );
        assert_eq!(ids_of(&r, "AWS::EC2::SecurityGroup"), ["VpcEndpointSecurityGroup"]);
        let group = &r["VpcEndpointSecurityGroup"]["Properties"];
        assert_eq!(
            group["SecurityGroupIngress"],
            json!([{"CidrIp": "10.20.0.0/16", "Description": "HTTPS to AWS services from the VPC", "FromPort": 443, "IpProtocol": "tcp", "ToPort": 443}])
        );
        assert_eq!(group["SecurityGroupEgress"][0]["CidrIp"], "255.255.255.255/32");
    }

    #[test]
    fn no_endpoints_no_security_group() {
        let r = network("  cidr: 10.0.0.0/16\n");
        assert!(ids_of(&r, "AWS::EC2::VPCEndpoint").is_empty());
        assert!(ids_of(&r, "AWS::EC2::SecurityGroup").is_empty());
        assert!(ids_of(&r, "AWS::EC2::VPCCidrBlock").is_empty());
    }

    #[test]
    fn flow_logs_are_encrypted_with_a_rotating_key_only_their_log_group_may_use() {
        let r = network("  flowLogs: {retentionDays: 365, trafficType: reject}\n");
        let key = &r["FlowLogKey"];
        assert_eq!(key["DeletionPolicy"], "RetainExceptOnCreate");
        assert_eq!(key["UpdateReplacePolicy"], "Retain");
        assert_eq!(key["Properties"]["EnableKeyRotation"], true);
        assert_eq!(
            key["Properties"]["KeyPolicy"]["Statement"],
            json!([
                {
                    "Sid": "AccountAdministersKeyThroughIam",
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
                    "Action": "kms:*",
                    "Resource": "*"
                },
                {
                    "Sid": "CloudWatchLogsUsesKeyForFlowLogGroup",
                    "Effect": "Allow",
                    "Principal": {"Service": {"Fn::Sub": "logs.${AWS::Region}.amazonaws.com"}},
                    "Action": ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                    "Resource": "*",
                    "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": {
                        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/vpc-flow-logs/demo"
                    }}}
                }
            ])
        );
        assert_eq!(r["FlowLogKeyAlias"]["Properties"]["AliasName"], "alias/eks/demo/flow-logs");
        let group = &r["FlowLogGroup"];
        assert_eq!(group["DeletionPolicy"], "RetainExceptOnCreate");
        assert_eq!(group["Properties"]["KmsKeyId"], json!({"Fn::GetAtt": ["FlowLogKey", "Arn"]}));
        // The name the key policy allows.
        assert_eq!(group["Properties"]["LogGroupName"], "/aws/vpc-flow-logs/demo");
        assert_eq!(group["Properties"]["RetentionInDays"], 365);
        assert_eq!(r["FlowLog"]["Properties"]["TrafficType"], "REJECT");
        assert_eq!(r["FlowLog"]["Properties"]["LogDestination"], json!({"Fn::GetAtt": ["FlowLogGroup", "Arn"]}));
    }

    #[test]
    fn flow_logs_can_be_turned_off() {
        let r = network("  flowLogs: {enabled: false}\n");
        for ty in ["AWS::EC2::FlowLog", "AWS::Logs::LogGroup", "AWS::KMS::Key", "AWS::IAM::Role"] {
            assert!(ids_of(&r, ty).is_empty(), "{ty}");
        }
    }

    #[test]
    fn existing_vpc_creates_no_network_stack_and_passes_literal_ids() {
        let stacks = synth(
            "  existing:\n    vpcId: vpc-0123456789abcdef0\n    privateSubnetIds: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]\n    publicSubnetIds: [subnet-0123456789abcdef2]\n",
        );
        assert_eq!(stacks.keys().collect::<Vec<_>>(), ["demo-cluster", "demo-compute", "demo-addons"]);
        let subnets = json!(["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]);
        let cluster = &stacks["demo-cluster"]["Resources"]["Cluster"]["Properties"];
        assert_eq!(cluster["ResourcesVpcConfig"]["SubnetIds"], subnets);
        let compute = &stacks["demo-compute"]["Resources"];
        let group = compute.as_object().unwrap().values().find(|r| r["Type"] == "AWS::EKS::Nodegroup").unwrap();
        assert_eq!(group["Properties"]["Subnets"], subnets);
        assert!(!stacks["demo-cluster"].to_string().contains("demo-network"));
    }

    #[test]
    fn private_cluster_example_has_no_egress_and_a_private_api() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/private-cluster.yaml");
        let bp = Blueprint::from_path(path).unwrap();
        let built = crate::Network::builder()
            .cidr("10.20.0.0/16")
            .availability_zones(3)
            .nat_gateways(crate::NatGateways::None)
            .private_cluster_endpoints()
            .isolated_subnets()
            .flow_logs(
                crate::FlowLogs::default().enabled(true).retention_days(365).traffic_type(crate::TrafficType::All),
            )
            .build();
        assert_eq!(bp.spec().network, built);
        let assembly = bp.synth(Format::Json).unwrap();
        let net = &assembly.stack("private-network").unwrap().template["Resources"];
        assert!(ids_of(net, "AWS::EC2::NatGateway").is_empty());
        assert_eq!(ids_of(net, "AWS::EC2::VPCEndpoint").len(), 9);
        let cluster = &assembly.stack("private-cluster").unwrap().template["Resources"]["Cluster"]["Properties"];
        assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPublicAccess"], false);
        assert_eq!(cluster["ResourcesVpcConfig"]["EndpointPrivateAccess"], true);
    }
}
