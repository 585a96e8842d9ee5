//! # eks-blueprint
//!
//! Typed descriptions of Amazon EKS platforms, synthesized into deployable, lint-clean AWS
//! CloudFormation templates split into stacks by lifecycle, with cross-stack references
//! resolved automatically.
//!
//! ```
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
//! # let tmp = tempfile::tempdir()?;
//! # let out = tmp.path().join("out");
//! assembly.write_to(&out)?; // replaces only an earlier output of eks-blueprint
//! assert!(out.join("manifest.json").is_file());
//! assert!(out.join("demo-network.template.json").is_file());
//! # Ok(())
//! # }
//! ```
//!
//! # Where things are
//!
//! Everything a blueprint is written with is exported from the crate root: [`Blueprint`]
//! and its builder, each section's types and builders (network, cluster, node groups,
//! Fargate, Auto Mode, identities, Karpenter with its enums, suppressions), the errors, and
//! the synthesized output ([`Assembly`], [`SynthesizedStack`]). Less common types of a
//! section are under [`spec`]`::<section>` (e.g. [`spec::network::SubnetTier`]); the typed
//! CloudFormation resources are under [`resources`]`::<service>`, named as in the
//! CloudFormation resource specification (so `resources::eks::Taint` is the wire form of
//! [`Taint`]). No two public types outside [`resources`] share a name
//! (`tests/architecture.rs` checks it). Builder conventions are in [`spec`].
//!
//! Layers, data flowing one way: [`spec`] (what the user writes: the blueprint file's types
//! and the builders) -> [`compile`] (defaults applied once, validation collecting every error,
//! findings, derived data) -> [`blueprint`] (the validated, resolved [`Blueprint`]) -> render
//! (the blueprint rendered into stacks, by feature) -> [`cfn`] (CloudFormation core),
//! [`resources`] (typed L1 resources) and [`synth`] (cross-stack references, deploy order, the
//! output directory, [`synth::diff`]: what deploying a new output over an old one would
//! replace, and [`synth::plan`]: the deploy and teardown steps, in order). `spec`, `compile` and `blueprint` never import `cfn`, `resources`,
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
pub mod schema;
pub mod source;
pub mod spec;
pub mod synth;
pub mod templates;
pub mod text;
pub mod yaml;

pub use blueprint::{Blueprint, Finding};
pub use diagnostic::{Diagnostic, Level, RenderOptions};
pub use document::{load, load_with, Document};
pub use error::{Error, ValidationError, ValidationErrors};
pub use source::{Position, Source, SourceFormat, SourceMap};
pub use spec::cluster::{
    AccessEntrySpec, AccessPolicy, AuthenticationMode, ClusterSpec, ClusterSpecBuilder, EndpointAccess, GuardDuty,
    IpFamily, KubernetesVersion, LogType, RemovalPolicy, UpgradePolicy,
};
pub use spec::compute::{
    AmiType, AutoMode, AutoModeNodePool, CapacityType, FargateProfile, FargateProfileBuilder, FargateSelector, Kubelet,
    ManagedNodeGroup, ManagedNodeGroupBuilder, SelfManagedNodeGroup, SelfManagedNodeGroupBuilder,
    SpotAllocationStrategy, SubnetType, Taint, TaintEffect, UpdateConfig,
};
pub use spec::environments::{Environment, SelectedEnvironment};
pub use spec::findings::Suppression;
pub use spec::identity::{IdentityMode, PolicyStatement, StatementEffect, WorkloadIdentity, WorkloadIdentityBuilder};
pub use spec::karpenter::{
    Architecture, Budget, ConsolidationPolicy, DisruptionReason, Karpenter, KarpenterBuilder, KarpenterCapacityType,
    KarpenterNodePool, KarpenterNodePoolBuilder,
};
pub use spec::network::{ExistingVpc, FlowLogs, NatGateways, Network, NetworkBuilder, TrafficType, VpcEndpointService};
pub use spec::{BlueprintBuilder, BlueprintSpec, CrossStackReferences, StackLayout};
pub use synth::{App, Assembly, Format, SynthesizedStack};
