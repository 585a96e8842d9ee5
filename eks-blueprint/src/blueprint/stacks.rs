//! Stack assignment: which stack each part of the platform goes to, decided once by compile
//! from the stack layout.

/// The lifecycle a resource belongs to, which decides its stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// Once per account and Region, independent of any cluster: the GuardDuty detector, ECR
    /// registry scanning. Always its own stack, `<name>-account`, in every layout.
    Account,
    /// VPC, subnets, gateways, flow logs.
    Network,
    /// Control plane, KMS key, IAM, access entries, the add-ons nodes need.
    Cluster,
    /// Node groups and Fargate profiles.
    Compute,
    /// Karpenter's CloudFormation: its node role, instance profile and access entry, the
    /// controller role, the interruption queue and its rules, the node security group.
    Karpenter,
    /// The add-ons that need nodes (CoreDNS; CSI drivers and controllers), after compute.
    Addons,
}

impl Part {
    /// Every part, in deploy order.
    pub(crate) const ALL: [Part; 6] =
        [Part::Account, Part::Network, Part::Cluster, Part::Compute, Part::Karpenter, Part::Addons];

    /// The suffix of the part's own stack: `<name>-<suffix>`.
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Part::Account => "account",
            Part::Network => "network",
            Part::Cluster => "cluster",
            Part::Compute => "compute",
            Part::Karpenter => "karpenter",
            Part::Addons => "addons",
        }
    }
}

/// The stack of each part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stacks {
    /// The stack names, in the order of [`Part::ALL`].
    names: [String; 6],
    /// Whether the parts other than the account's share one stack (`stackLayout: single`).
    pub(crate) single: bool,
}

impl Stacks {
    /// Stacks per part: `<name>-<part>`; with `single`, every part but the account's in the
    /// stack `<name>` (the account part keeps its own lifecycle in every layout).
    pub(crate) fn new(name: &str, single: bool) -> Self {
        let names = Part::ALL.map(|part| match (single, part) {
            (false, _) | (true, Part::Account) => format!("{name}-{}", part.suffix()),
            (true, _) => name.to_owned(),
        });
        Stacks { names, single }
    }

    /// The name of the stack of `part`.
    pub(crate) fn name(&self, part: Part) -> &str {
        let i = Part::ALL.iter().position(|p| *p == part).unwrap_or_default();
        &self.names[i]
    }

    /// Whether `part` has a stack of its own (every part but those sharing the single stack).
    pub(crate) fn own(&self, part: Part) -> bool {
        !self.single || part == Part::Account
    }
}
