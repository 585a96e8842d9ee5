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
//! Layers, data flowing one way: [`spec`] (what the user writes: the blueprint file's types
//! and the builders) -> [`compile`] (defaults applied once, validation collecting every error,
//! findings, derived data) -> [`blueprint`] (the validated, resolved [`Blueprint`]) -> render
//! (the blueprint rendered into stacks, by feature) -> [`cfn`] (CloudFormation core),
//! [`resources`] (typed L1 resources) and [`synth`] (cross-stack references, deploy order, the
//! output directory, and [`synth::diff`]: what deploying a new output over an old one would
//! replace). `spec`, `compile` and `blueprint` never import `cfn`, `resources`,
//! `synth` or render; [`text`] and [`cidr`] are leaves any layer may use.

pub mod blueprint;
pub mod cfn;
pub mod cidr;
pub mod compile;
pub mod diagnostic;
pub mod document;
pub mod error;
mod render;
pub mod resources;
pub mod source;
pub mod spec;
pub mod synth;
pub mod text;
pub mod yaml;

pub use blueprint::{Blueprint, Finding};
pub use diagnostic::{Diagnostic, RenderOptions, Severity};
pub use document::{load, Document};
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
pub use spec::environments::{Environment, Target};
pub use spec::findings::Suppression;
pub use spec::identity::{IdentityMode, PolicyStatement, StatementEffect, WorkloadIdentity};
pub use spec::karpenter::{Karpenter, NodePool as KarpenterNodePool};
pub use spec::network::{ExistingVpc, FlowLogs, TrafficType, VpcEndpointService};
pub use spec::network::{NatGateways, Network};
pub use spec::{BlueprintBuilder, BlueprintSpec, CrossStackReferences, StackLayout};
pub use synth::{App, Assembly, Format};
