//! # eks-blueprint
//!
//! Typed descriptions of Amazon EKS platforms, synthesized into deployable, lint-clean AWS
//! CloudFormation templates split into stacks by lifecycle, with cross-stack references
//! resolved automatically.
//!
//! ```no_run
//! use eks_blueprint::{AccessEntrySpec, AccessPolicy, Blueprint, ClusterSpec, Format, ManagedNodeGroup, Network};
//!
//! # fn main() -> Result<(), eks_blueprint::Error> {
//! let blueprint = Blueprint::builder("demo")
//!     .network(Network::builder().cidr("10.0.0.0/16").availability_zones(3))
//!     .cluster(
//!         ClusterSpec::builder()
//!             .public_endpoint(["203.0.113.0/24"])
//!             .access_entry(
//!                 AccessEntrySpec::new("arn:aws:iam::123456789012:role/Admin").policy(AccessPolicy::ClusterAdmin),
//!             ),
//!     )
//!     .managed_node_group(ManagedNodeGroup::builder("general").instance_types(["m7i.large"]).min_size(2).max_size(6))
//!     .build()?;
//! let assembly = blueprint.synth(Format::Json)?;
//! assembly.write_to("out")?; // replaces only an earlier output of eks-blueprint
//! # Ok(())
//! # }
//! ```
//!
//! Layers, each depending only on the ones above it: [`cfn`] (CloudFormation core),
//! [`resources`] (typed L1 resources), [`spec`] (what the user writes: the blueprint file's
//! types and the builders), [`compile`] (defaults, validation, findings, derived data),
//! render (the validated blueprint rendered into stacks), [`synth`] (cross-stack
//! references, deploy order, the output directory).

pub mod cfn;
pub mod cidr;
pub mod compile;
pub mod error;
mod render;
pub mod resources;
pub mod source;
pub mod spec;
pub mod synth;
pub mod text;
pub mod yaml;

use crate::compile::codes;
pub use compile::checks::Finding;
pub use error::{Error, ValidationError, ValidationErrors};
pub use source::{Position, Source, SourceFormat, SourceMap};
pub use spec::cluster::{
    AccessEntrySpec, AccessPolicy, AuthenticationMode, ClusterSpec, EndpointAccess, KubernetesVersion, LogType,
    RemovalPolicy,
};
pub use spec::compute::{
    AmiType, AutoMode, CapacityType, FargateProfile, FargateSelector, Kubelet, ManagedNodeGroup, NodePool,
    SelfManagedNodeGroup, SpotAllocationStrategy, Subnets, Taint, TaintEffect, UpdateConfig,
};
pub use spec::findings::Suppression;
pub use spec::identity::{IdentityMode, PolicyStatement, StatementEffect, WorkloadIdentity};
pub use spec::karpenter::{Karpenter, NodePool as KarpenterNodePool};
pub use spec::network::{ExistingVpc, FlowLogs, TrafficType, VpcEndpointService};
pub use spec::network::{NatGateways, Network};
pub use spec::{Blueprint, BlueprintBuilder, CrossStackReferences, StackLayout};
pub use synth::{App, Assembly, Format};

impl Blueprint {
    /// The app of stacks this blueprint renders to, before synthesis.
    pub fn app(&self) -> Result<App, Error> {
        Ok(render::render(self)?)
    }

    /// Synthesizes the blueprint: templates in deploy order and the manifest, in memory.
    ///
    /// A stack past a CloudFormation quota is an invalid blueprint (code `stack-quota`)
    /// whose path is the field to change: the list that contributes most to the stack.
    pub fn synth(&self, format: Format) -> Result<Assembly, Error> {
        self.app()?.synth(format).map_err(|e| self.quota_error(e))
    }

    /// A quota error as a validation error on the blueprint field that caused it.
    fn quota_error(&self, error: synth::SynthError) -> Error {
        let synth::SynthError::Quota { sources, stack, .. } = &error else { return error.into() };
        let Some(top) = sources.iter().find(|s| s.is_list()).or_else(|| sources.iter().find(|s| !s.field.is_empty()))
        else {
            return error.into();
        };
        let mut fix = if top.is_list() {
            format!("fewer entries in {} bring it under the limit", top.field)
        } else {
            format!("a smaller {} brings it under the limit", top.field)
        };
        if self.stack_layout == StackLayout::Single && *stack == self.name {
            fix.push_str(", or `stackLayout: perLifecycle` spreads the platform over several stacks");
        }
        let mut errors = ValidationErrors::default();
        errors.push(top.field.clone(), codes::STACK_QUOTA, format!("{error}; {fix}"));
        Error::Invalid(errors)
    }
}
