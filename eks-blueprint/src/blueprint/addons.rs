//! The EKS add-ons a blueprint installs, decided once by compile: which ones, and with which
//! settings. Rendering reads this set; it never decides it.

/// The core EKS add-ons of the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Addons {
    /// `eks-pod-identity-agent`: every EC2 node's Pod Identity credentials (not when EKS
    /// Auto Mode, whose nodes run it themselves, is the only compute).
    pub(crate) pod_identity_agent: bool,
    /// `vpc-cni`, with its settings (same condition).
    pub(crate) vpc_cni: Option<VpcCni>,
    /// `kube-proxy` (same condition).
    pub(crate) kube_proxy: bool,
    /// `coredns`: when node groups or Fargate profiles run it.
    pub(crate) coredns: Option<CoreDns>,
}

impl Addons {
    /// The EKS names of the add-ons installed, in the order they are rendered.
    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.pod_identity_agent {
            out.push("eks-pod-identity-agent");
        }
        if self.vpc_cni.is_some() {
            out.push("vpc-cni");
        }
        if self.kube_proxy {
            out.push("kube-proxy");
        }
        if self.coredns.is_some() {
            out.push("coredns");
        }
        out
    }
}

/// The `vpc-cni` add-on's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VpcCni {
    /// VPC CNI custom networking: pods in the pod subnets, one ENIConfig per zone.
    pub(crate) custom_networking: bool,
}

/// The `coredns` add-on's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CoreDns {
    /// CoreDNS asks for Fargate capacity: Fargate is the only compute that runs it.
    pub(crate) on_fargate: bool,
}
