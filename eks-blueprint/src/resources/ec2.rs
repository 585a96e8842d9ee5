//! Amazon EC2 and Amazon VPC resources.

use serde::Serialize;
use serde_with::skip_serializing_none;

use super::{attributes, resource_type, Tag};
use crate::cfn::Expr;

/// `AWS::EC2::VPC`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpc.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VPC {
    /// The IPv4 CIDR block.
    pub cidr_block: Option<Expr>,
    /// Whether instances get DNS hostnames (EKS requires it for private endpoints).
    pub enable_dns_hostnames: Option<bool>,
    /// Whether DNS resolution is supported (EKS requires it).
    pub enable_dns_support: Option<bool>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(VPC, "AWS::EC2::VPC");
attributes!(VPC {
    /// The VPC's primary IPv4 CIDR block.
    attr_cidr_block => "CidrBlock",
    /// The VPC id.
    attr_vpc_id => "VpcId",
    /// The VPC's IPv6 CIDR blocks (a list; empty until a `VPCCidrBlock` adds one).
    attr_ipv6_cidr_blocks => "Ipv6CidrBlocks",
});

/// `AWS::EC2::Subnet`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subnet {
    /// The VPC.
    pub vpc_id: Expr,
    /// Whether network interfaces created here get an IPv6 address.
    pub assign_ipv6_address_on_creation: Option<bool>,
    /// The IPv6 CIDR block (a `/64` of the VPC's block).
    pub ipv6_cidr_block: Option<Expr>,
    /// The Availability Zone, by name (exclusive with `AvailabilityZoneId`).
    pub availability_zone: Option<Expr>,
    /// The Availability Zone, by zone ID, e.g. `use1-az1` (exclusive with
    /// `AvailabilityZone`).
    pub availability_zone_id: Option<Expr>,
    /// The IPv4 CIDR block.
    pub cidr_block: Option<Expr>,
    /// Whether instances launched here get a public IPv4 address.
    pub map_public_ip_on_launch: Option<bool>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(Subnet, "AWS::EC2::Subnet");
attributes!(Subnet {
    /// The subnet id.
    attr_subnet_id => "SubnetId",
    /// The Availability Zone name, e.g. `eu-west-1a` (also when chosen with `Fn::GetAZs`).
    attr_availability_zone => "AvailabilityZone",
});

/// `AWS::EC2::InternetGateway`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-internetgateway.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InternetGateway {
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(InternetGateway, "AWS::EC2::InternetGateway");

/// `AWS::EC2::EgressOnlyInternetGateway`: outbound-only IPv6 internet access.
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-egressonlyinternetgateway.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EgressOnlyInternetGateway {
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// The VPC.
    pub vpc_id: Expr,
}
resource_type!(EgressOnlyInternetGateway, "AWS::EC2::EgressOnlyInternetGateway");

/// `AWS::EC2::VPCGatewayAttachment`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcgatewayattachment.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VPCGatewayAttachment {
    /// The VPC.
    pub vpc_id: Expr,
    /// The internet gateway.
    pub internet_gateway_id: Option<Expr>,
}
resource_type!(VPCGatewayAttachment, "AWS::EC2::VPCGatewayAttachment");

/// `AWS::EC2::EIP`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-eip.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EIP {
    /// `vpc` for an address used in a VPC.
    pub domain: Option<Expr>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(EIP, "AWS::EC2::EIP");
attributes!(EIP {
    /// The allocation id.
    attr_allocation_id => "AllocationId",
});

/// `AWS::EC2::NatGateway`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-natgateway.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NatGateway {
    /// The Elastic IP allocation, for a public NAT gateway.
    pub allocation_id: Option<Expr>,
    /// The public subnet it lives in.
    pub subnet_id: Option<Expr>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(NatGateway, "AWS::EC2::NatGateway");

/// `AWS::EC2::RouteTable`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-routetable.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RouteTable {
    /// The VPC.
    pub vpc_id: Expr,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(RouteTable, "AWS::EC2::RouteTable");

/// `AWS::EC2::Route`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-route.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Route {
    /// The route table.
    pub route_table_id: Expr,
    /// The IPv4 destination.
    pub destination_cidr_block: Option<Expr>,
    /// An internet gateway target.
    pub gateway_id: Option<Expr>,
    /// A NAT gateway target.
    pub nat_gateway_id: Option<Expr>,
    /// The IPv6 destination.
    pub destination_ipv6_cidr_block: Option<Expr>,
    /// An egress-only internet gateway target (IPv6).
    pub egress_only_internet_gateway_id: Option<Expr>,
}
resource_type!(Route, "AWS::EC2::Route");

/// `AWS::EC2::SubnetRouteTableAssociation`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnetroutetableassociation.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubnetRouteTableAssociation {
    /// The route table.
    pub route_table_id: Expr,
    /// The subnet.
    pub subnet_id: Expr,
}
resource_type!(SubnetRouteTableAssociation, "AWS::EC2::SubnetRouteTableAssociation");

/// `AWS::EC2::FlowLog`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-flowlog.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlowLog {
    /// The role that publishes to CloudWatch Logs.
    pub deliver_logs_permission_arn: Option<Expr>,
    /// The destination ARN.
    pub log_destination: Option<Expr>,
    /// `cloud-watch-logs`, `s3` or `kinesis-data-firehose`.
    pub log_destination_type: Option<Expr>,
    /// The monitored resource.
    pub resource_id: Expr,
    /// `VPC`, `Subnet`, `NetworkInterface`, ...
    pub resource_type: Expr,
    /// `ACCEPT`, `REJECT` or `ALL`.
    pub traffic_type: Option<Expr>,
    /// Aggregation interval in seconds (60 or 600).
    pub max_aggregation_interval: Option<i64>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
}
resource_type!(FlowLog, "AWS::EC2::FlowLog");

/// `AWS::EC2::LaunchTemplate`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-launchtemplate.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplate {
    /// The launch template's content.
    pub launch_template_data: LaunchTemplateData,
    /// The name (generated when absent, which keeps replacements possible).
    pub launch_template_name: Option<Expr>,
    /// Tags of the launch template itself.
    pub tag_specifications: Option<Vec<LaunchTemplateTagSpecification>>,
}
resource_type!(LaunchTemplate, "AWS::EC2::LaunchTemplate");
attributes!(LaunchTemplate {
    /// The latest version number.
    attr_latest_version_number => "LatestVersionNumber",
    /// The default version number.
    attr_default_version_number => "DefaultVersionNumber",
});

/// `LaunchTemplateData`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateData {
    /// Block device mappings.
    pub block_device_mappings: Option<Vec<BlockDeviceMapping>>,
    /// The instance profile (self-managed nodes only).
    pub iam_instance_profile: Option<IamInstanceProfile>,
    /// The AMI (self-managed nodes only).
    pub image_id: Option<Expr>,
    /// The SSH key pair name.
    pub key_name: Option<Expr>,
    /// Instance metadata service options.
    pub metadata_options: Option<MetadataOptions>,
    /// Detailed monitoring.
    pub monitoring: Option<Monitoring>,
    /// Network interfaces (to give instances in public subnets a public IP address).
    pub network_interfaces: Option<Vec<NetworkInterface>>,
    /// Security groups.
    pub security_group_ids: Option<Vec<Expr>>,
    /// Tags applied to launched instances and volumes.
    pub tag_specifications: Option<Vec<TagSpecification>>,
    /// Base64-encoded user data.
    pub user_data: Option<Expr>,
}

/// `IamInstanceProfile` of a launch template.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IamInstanceProfile {
    /// The instance profile ARN.
    pub arn: Option<Expr>,
    /// The instance profile name.
    pub name: Option<Expr>,
}

/// `NetworkInterface` of a launch template.
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NetworkInterface {
    /// Give the instance a public IPv4 address.
    pub associate_public_ip_address: Option<bool>,
    /// Delete the interface with the instance.
    pub delete_on_termination: Option<bool>,
    /// The device index (0 for the primary interface).
    pub device_index: Option<i64>,
    /// Security groups.
    pub groups: Option<Vec<Expr>>,
}

/// `BlockDeviceMapping`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlockDeviceMapping {
    /// The device name, e.g. `/dev/xvda`.
    pub device_name: Option<String>,
    /// The EBS volume.
    pub ebs: Option<Ebs>,
}

/// `Ebs`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ebs {
    /// Delete the volume with the instance.
    pub delete_on_termination: Option<bool>,
    /// Encrypt the volume.
    pub encrypted: Option<bool>,
    /// Provisioned IOPS.
    pub iops: Option<i64>,
    /// The KMS key for encryption (the account's EBS default key when absent).
    pub kms_key_id: Option<Expr>,
    /// Throughput in MiB/s (gp3).
    pub throughput: Option<i64>,
    /// Size in GiB.
    pub volume_size: Option<i64>,
    /// `gp3`, `gp2`, `io2`, ...
    pub volume_type: Option<String>,
}

/// `MetadataOptions`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MetadataOptions {
    /// `enabled` or `disabled`.
    pub http_endpoint: Option<String>,
    /// Hop limit of PUT responses (1 keeps tokens on the host).
    pub http_put_response_hop_limit: Option<i64>,
    /// `required` (IMDSv2) or `optional`.
    pub http_tokens: Option<String>,
}

/// `Monitoring`
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Monitoring {
    /// Detailed (1-minute) monitoring.
    pub enabled: Option<bool>,
}

/// `TagSpecification` (tags for resources the launch template launches)
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagSpecification {
    /// `instance`, `volume`, `network-interface`, ...
    pub resource_type: String,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// `LaunchTemplateTagSpecification` (tags of the launch template)
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LaunchTemplateTagSpecification {
    /// `launch-template`.
    pub resource_type: String,
    /// Tags.
    pub tags: Vec<Tag>,
}

/// `AWS::EC2::VPCCidrBlock`: an additional CIDR block of a VPC.
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpccidrblock.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VPCCidrBlock {
    /// Whether Amazon provides a `/56` IPv6 CIDR block.
    pub amazon_provided_ipv6_cidr_block: Option<bool>,
    /// The IPv4 CIDR block.
    pub cidr_block: Option<Expr>,
    /// The VPC.
    pub vpc_id: Expr,
}
resource_type!(VPCCidrBlock, "AWS::EC2::VPCCidrBlock");

/// `AWS::EC2::VPCEndpoint`
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-vpcendpoint.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VPCEndpoint {
    /// Whether the endpoint answers for the service's default DNS name (interface endpoints).
    pub private_dns_enabled: Option<bool>,
    /// Route tables that get a route to the service (gateway endpoints).
    pub route_table_ids: Option<Vec<Expr>>,
    /// Security groups of the endpoint's network interfaces (interface endpoints).
    pub security_group_ids: Option<Vec<Expr>>,
    /// The service, e.g. `com.amazonaws.eu-west-1.ecr.api`.
    pub service_name: Option<Expr>,
    /// Subnets that get a network interface of the endpoint (interface endpoints).
    pub subnet_ids: Option<Vec<Expr>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// `Interface`, `Gateway`, ...
    pub vpc_endpoint_type: Option<String>,
    /// The VPC.
    pub vpc_id: Expr,
}
resource_type!(VPCEndpoint, "AWS::EC2::VPCEndpoint");

/// `AWS::EC2::SecurityGroup` (`Ref` returns the group id in a VPC).
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroup.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroup {
    /// What the group is for (replacing it replaces the group).
    pub group_description: String,
    /// Outbound rules (allow all when absent).
    pub security_group_egress: Option<Vec<SecurityGroupRule>>,
    /// Inbound rules. Rules that refer to the group itself are separate
    /// `AWS::EC2::SecurityGroupIngress` resources.
    pub security_group_ingress: Option<Vec<SecurityGroupRule>>,
    /// Tags.
    pub tags: Option<Vec<Tag>>,
    /// The VPC.
    pub vpc_id: Option<Expr>,
}
resource_type!(SecurityGroup, "AWS::EC2::SecurityGroup");
attributes!(SecurityGroup {
    /// The group id.
    attr_group_id => "GroupId",
});

/// An inline rule of a security group (`Ingress` / `Egress`).
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupRule {
    /// An IPv4 range.
    pub cidr_ip: Option<Expr>,
    /// An IPv6 range.
    pub cidr_ipv6: Option<Expr>,
    /// What the rule is for.
    pub description: Option<String>,
    /// The destination security group (egress rules).
    pub destination_security_group_id: Option<Expr>,
    /// First port (`-1` with protocol `-1`).
    pub from_port: Option<i64>,
    /// `tcp`, `udp`, `icmp`, or `-1` for all traffic.
    pub ip_protocol: String,
    /// The source security group (ingress rules).
    pub source_security_group_id: Option<Expr>,
    /// Last port (`-1` with protocol `-1`).
    pub to_port: Option<i64>,
}

/// `AWS::EC2::SecurityGroupIngress`: one inbound rule of a group, as a resource.
///
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-securitygroupingress.html>
#[skip_serializing_none]
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupIngress {
    /// What the rule is for.
    pub description: Option<String>,
    /// First port (`-1` with protocol `-1`).
    pub from_port: Option<i64>,
    /// The group the rule belongs to.
    pub group_id: Expr,
    /// `tcp`, `udp`, `icmp`, or `-1` for all traffic.
    pub ip_protocol: String,
    /// The source security group.
    pub source_security_group_id: Option<Expr>,
    /// Last port (`-1` with protocol `-1`).
    pub to_port: Option<i64>,
}
resource_type!(SecurityGroupIngress, "AWS::EC2::SecurityGroupIngress");

attributes!(Subnet {
    /// The VPC of the subnet.
    attr_vpc_id => "VpcId",
});
