//! The registry of validation error codes: every code a [`crate::ValidationError`] can carry,
//! each with what it means, as the findings have their rule registry
//! (`RULES` of the findings).
//!
//! A code is a [`Code`], which only this module can make: [`crate::error::ValidationErrors::push`]
//! takes one, so every code used is registered, by construction. `docs/validation.md` lists
//! them all in one table, and a test keeps that table equal to [`ALL`]. Tooling should match
//! on codes, never on messages; a code, once published, keeps its meaning.

/// A stable validation error code, e.g. `invalid-cidr`. Only the constants of this module
/// exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code(&'static str);

impl Code {
    /// The code as written in errors and documentation, e.g. `invalid-cidr`.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// Defines each code as a constant and lists them all, with their meaning, in [`ALL`].
macro_rules! codes {
    ($($name:ident = $code:literal : $meaning:literal;)*) => {
        $(
            #[doc = concat!("`", $code, "`: ", $meaning, ".")]
            pub const $name: Code = Code($code);
        )*
        /// Every code with its meaning, in the order of the documentation's table.
        pub const ALL: &[(Code, &str)] = &[$(($name, $meaning)),*];
    };
}

codes! {
    // Shared by every section.
    DUPLICATE_KEY = "duplicate-key": "a key given twice in one mapping of the blueprint file";
    DUPLICATE = "duplicate": "a value listed twice, or an item whose name or key another item already has";
    EMPTY = "empty": "a list or value that must not be empty is";
    TOO_MANY = "too-many": "more items than AWS takes: tags on a resource, taints, access policies of an entry, managed policies of a role";
    INVALID_NAME = "invalid-name": "a name of the wrong form: the blueprint, a node group, a Fargate profile, a NodePool, an identity, Karpenter's namespace or service account";
    INVALID_NAMESPACE = "invalid-namespace": "not a Kubernetes namespace name (a DNS label)";
    INVALID_LABEL = "invalid-label": "a Kubernetes label key or value of the wrong form, or in a reserved domain";
    INVALID_TAINT = "invalid-taint": "a taint key or value of the wrong form";
    INVALID_TAG = "invalid-tag": "a tag key or value AWS refuses where the tag lands";
    SUBSTITUTION = "substitution": "`${` in a string written into a template as given, which CloudFormation would read as a substitution";
    INVALID_CIDR = "invalid-cidr": "not an IPv4 CIDR block, or one with host bits set";
    INVALID_VERSION = "invalid-version": "not a Kubernetes minor version like 1.33";
    UNSUPPORTED_VERSION = "unsupported-version": "a Kubernetes version EKS no longer creates clusters of";
    VERSION_SKEW = "version-skew": "a node version newer than the control plane, or more than three minor versions older";
    UPGRADE_SKIPS_MINOR = "upgrade-skips-minor": "an upgrade from the deployed Kubernetes version that skips a minor version";
    DOWNGRADE = "downgrade": "a Kubernetes version older than the deployed one";
    INVALID_ADDON_VERSION = "invalid-addon-version": "an add-on version not written like v1.19.2-eksbuild.1";
    UNKNOWN_ADDON = "unknown-addon": "an add-on version pinned for an add-on the blueprint does not install";
    UNKNOWN_RULE = "unknown-rule": "a suppression of a finding rule that does not exist";
    STACK_QUOTA = "stack-quota": "a stack past a CloudFormation quota, reported on the field that contributes most";
    SERVICE_QUOTA = "service-quota": "more of something than a hard EKS service quota allows: access entries, Pod Identity associations";
    // Network.
    VPC_SIZE = "vpc-size": "a VPC CIDR block outside /16 to /28";
    AZ_COUNT = "az-count": "fewer Availability Zones than EKS needs, or more than a blueprint spreads over";
    AZ_ID = "az-id": "not an Availability Zone ID like use1-az1";
    AZ_NAME = "az-name": "not an Availability Zone name like eu-west-1a";
    AZ_MIXED = "az-mixed": "zone names and zone IDs mixed in one list";
    AZ_DUPLICATE = "az-duplicate": "an Availability Zone listed twice";
    AZ_REGION = "az-region": "Availability Zones of different Regions";
    AZ_UNSUPPORTED = "az-unsupported": "a zone ID where EKS does not create clusters";
    SUBNET_CONFLICT = "subnet-conflict": "a subnet tier with both prefixLength and cidrs";
    SUBNET_COUNT = "subnet-count": "not one subnet CIDR per zone, or fewer than two subnets of an existing VPC";
    SUBNET_OUTSIDE_VPC = "subnet-outside-vpc": "a subnet CIDR outside the VPC CIDR";
    SUBNET_SIZE = "subnet-size": "a subnet larger than its VPC or smaller than /28";
    SUBNET_OVERLAP = "subnet-overlap": "subnet CIDRs that overlap";
    SUBNET_SPACE = "subnet-space": "subnets of a tier that do not fit in the VPC beside the others";
    LB_SUBNET_SIZE = "lb-subnet-size": "public or private subnets smaller than the /27 a load balancer needs";
    POD_CIDR_SIZE = "pod-cidr-size": "a pod CIDR outside /16 to /28, or too small for a subnet per zone";
    POD_CIDR_RANGE = "pod-cidr-range": "a pod CIDR outside the ranges a secondary VPC CIDR may come from";
    POD_CIDR_OVERLAP = "pod-cidr-overlap": "a pod CIDR that overlaps the VPC CIDR";
    POD_CIDR_IPV6 = "pod-cidr-ipv6": "a pod CIDR (custom networking, IPv4 only) with an IPv6 network";
    POD_CIDR_SINGLE_STACK = "pod-cidr-single-stack": "a pod CIDR with stackLayout: single, which has no point between cluster and nodes to apply the ENIConfigs";
    ENDPOINT_NAME = "endpoint-name": "not a VPC endpoint service name suffix like ecr.api";
    ENDPOINT_DUPLICATE = "endpoint-duplicate": "a VPC endpoint service listed twice";
    NO_EGRESS = "no-egress": "no NAT gateway and no VPC endpoint: nodes could not pull images or join";
    RETENTION = "retention": "a flow log retention CloudWatch Logs does not offer";
    INVALID_ID = "invalid-id": "not a VPC or subnet id";
    EXISTING_VPC_CONFLICT = "existing-vpc-conflict": "a setting of a VPC to create, with an existing VPC";
    // Control plane.
    ENDPOINT_NONE = "endpoint-none": "both private and public endpoint access off";
    PUBLIC_ENDPOINT_OPEN = "public-endpoint-open": "a public endpoint without an allow-list of CIDRs";
    PUBLIC_CIDRS_UNUSED = "public-cidrs-unused": "public access CIDRs with public access off";
    ENDPOINT_UNREACHABLE = "endpoint-unreachable": "no private endpoint and no NAT: nodes could not reach the API server";
    LOG_RETENTION = "log-retention": "a control-plane log retention CloudWatch Logs does not offer";
    INVALID_PRINCIPAL = "invalid-principal": "not an IAM role or user ARN";
    UNKNOWN_ACCESS_POLICY = "unknown-access-policy": "not an EKS access policy of the list";
    INVALID_ACCESS_POLICY = "invalid-access-policy": "an unlisted access policy name of the wrong form";
    SERVICE_LINKED_ACCESS_POLICY = "service-linked-access-policy": "an access policy reserved for AWS service-linked roles";
    SCOPE = "scope": "ClusterAdmin limited to namespaces";
    RESERVED_GROUP = "reserved-group": "a Kubernetes group starting with system: in an access entry";
    RESERVED_USERNAME = "reserved-username": "a username with a prefix EKS reserves";
    LOGICAL_ID_CLASH = "logical-id-clash": "access entries whose principals would share a logical id";
    NO_ACCESS = "no-access": "nobody could ever use the cluster";
    DELETION_PROTECTION_DESTROY = "deletion-protection-destroy": "deletion protection with removalPolicy: destroy";
    INVALID_KEY_ARN = "invalid-key-arn": "not a KMS key ARN";
    INVALID_SECURITY_GROUP = "invalid-security-group": "not a security group id";
    SERVICE_CIDR_IPV6 = "service-cidr-ipv6": "a service IPv4 CIDR with ipFamily: ipv6";
    SERVICE_CIDR_RANGE = "service-cidr-range": "a service CIDR outside the private ranges EKS takes";
    SERVICE_CIDR_SIZE = "service-cidr-size": "a service CIDR outside /12 to /24";
    SERVICE_CIDR_OVERLAP = "service-cidr-overlap": "a service CIDR that overlaps the VPC or the pod CIDR";
    SERVICE_CIDR_REQUIRED = "service-cidr-required": "self-managed nodes in an existing VPC without serviceIpv4Cidr";
    GUARDDUTY_EMPTY = "guardduty-empty": "GuardDuty with every protection off";
    IPV6_NEEDS_IPV6_NETWORK = "ipv6-needs-ipv6-network": "ipFamily: ipv6 in an IPv4-only VPC of the blueprint";
    // Compute.
    SIZE_ORDER = "size-order": "min, desired and max sizes out of order, or a max size of 0";
    SIZE_LIMIT = "size-limit": "a managed node group larger than EKS allows";
    INVALID_INSTANCE_TYPE = "invalid-instance-type": "not an EC2 instance type name";
    UNKNOWN_INSTANCE_TYPE = "unknown-instance-type": "an instance type the table does not know, without allowUnlistedInstanceTypes";
    UNKNOWN_ACTION = "unknown-action": "an IAM action the action table (cfn-lint's) does not list, without allowUnlistedActions";
    UNSUPPORTED_INSTANCE_TYPE = "unsupported-instance-type": "an EC2 Mac instance type";
    ARCH_MISMATCH = "arch-mismatch": "an instance type of another architecture than the AMI type";
    VOLUME_SIZE = "volume-size": "a volume size outside gp3's 1 to 16384 GiB";
    KUBELET = "kubelet": "a kubelet setting of the wrong form, or flags on Bottlerocket";
    INVALID_KEY_NAME = "invalid-key-name": "not an EC2 key pair name";
    PUBLIC_SUBNETS = "public-subnets": "public subnets for a managed node group or a Fargate profile";
    UPDATE_CONFIG = "update-config": "an update configuration out of range, or with both a count and a percentage";
    AMI_TYPE = "ami-type": "an AMI type offered for managed node groups only";
    SELECTORS = "selectors": "not one to five selectors in a Fargate profile";
    FARGATE_COREDNS = "fargate-coredns": "Fargate as the only compute without a profile for kube-system";
    AUTO_MODE = "auto-mode": "Auto Mode node pools without Auto Mode";
    IPV6_SELF_MANAGED = "ipv6-self-managed": "self-managed node groups in an ipv6 cluster";
    // Karpenter.
    CONFLICT = "conflict": "Karpenter with the Cluster Autoscaler or EKS Auto Mode";
    NO_CONTROLLER_CAPACITY = "no-controller-capacity": "Karpenter without a node group for its controller";
    ADDON_REQUIREMENT = "addon-requirement": "an add-on without what it needs, such as the Pod Identity agent for its role";
    IPV6_KARPENTER = "ipv6-karpenter": "Karpenter in an ipv6 cluster";
    INVALID_AMI_ALIAS = "invalid-ami-alias": "not an Amazon Linux 2023 AMI alias";
    INVALID_INSTANCE_CATEGORY = "invalid-instance-category": "not an instance category";
    INVALID_QUANTITY = "invalid-quantity": "not a Kubernetes quantity";
    INVALID_DURATION = "invalid-duration": "not a duration of the form Karpenter takes";
    INVALID_BUDGET = "invalid-budget": "a disruption budget of the wrong form";
    OUT_OF_RANGE = "out-of-range": "a NodePool weight outside 1 to 100";
    // Workload identities.
    INVALID_SERVICE_ACCOUNT = "invalid-service-account": "not a Kubernetes service account name";
    RESERVED = "reserved": "a service account whose role the blueprint already manages";
    INVALID_POLICY = "invalid-policy": "neither an AWS managed policy name nor a policy ARN";
    INVALID_ACTION = "invalid-action": "not an IAM action";
    INVALID_RESOURCE = "invalid-resource": "not a resource ARN or *";
    INVALID_CONDITION = "invalid-condition": "not an IAM condition operator or key";
    TOO_LARGE = "too-large": "an inline policy larger than IAM allows";
    NO_PERMISSIONS = "no-permissions": "an identity that grants nothing";
    POD_IDENTITY_FARGATE = "pod-identity-fargate": "EKS Pod Identity for pods that run on Fargate";
    // Environments.
    NO_ENVIRONMENTS = "no-environments": "an environment selected in a blueprint that declares none";
    UNKNOWN_ENVIRONMENT = "unknown-environment": "an environment selected that the blueprint does not declare";
    INVALID_ENVIRONMENT = "invalid-environment": "an environment name that is not lowercase letters, digits and '-', or makes the name too long";
    INVALID_ACCOUNT = "invalid-account": "an AWS account ID that is not 12 digits";
    UNKNOWN_REGION = "unknown-region": "a Region eks-blueprint does not know, or not spelled like one";
    OVERRIDE_NOT_ALLOWED = "override-not-allowed": "overrides that are not a mapping, or that change the name or the environments";
    ZONE_OUTSIDE_REGION = "zone-outside-region": "an Availability Zone that is not in the environment's Region";
    ARN_PARTITION = "arn-partition": "an ARN of another partition than the environment's Region";
    KEY_REGION = "key-region": "a KMS key in another Region than the environment's";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        for (i, (code, meaning)) in ALL.iter().enumerate() {
            let s = code.as_str();
            assert!(
                !s.is_empty()
                    && s.split('-')
                        .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())),
                "{s}"
            );
            assert!(!ALL[..i].iter().any(|(other, _)| other == code), "{s} is registered twice");
            assert!(!meaning.is_empty() && !meaning.ends_with('.'), "{s}: {meaning}");
        }
    }

    /// docs/validation.md has one table of every code: exactly the registry, in its order.
    #[test]
    fn every_code_is_documented_in_one_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/validation.md");
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let start = text.find("| code | meaning |").unwrap_or(text.len());
        let rows: Vec<(String, String)> = text[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                Some((cells.first()?.trim_matches('`').to_owned(), cells.get(1)?.to_string()))
            })
            .collect();
        let expected: Vec<(String, String)> =
            ALL.iter().map(|(c, m)| (c.as_str().to_owned(), m.replace('|', "\\|"))).collect();
        assert_eq!(rows, expected, "docs/validation.md's table of codes differs from compile::codes::ALL");
    }
}
