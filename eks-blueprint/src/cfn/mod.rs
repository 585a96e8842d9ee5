//! The CloudFormation core: templates, resources, outputs, parameters, intrinsic
//! functions, IAM policy documents and logical ids. It knows nothing of EKS.

mod expr;
pub mod iam;
pub mod logical_id;
mod stack;
mod template;

pub(crate) use expr::QUALIFIER;
pub use expr::{Expr, Pseudo, Target};
pub use stack::{Handle, ResourceOptions, ResourceType, Stack};
pub use template::{
    DeletionPolicy, Export, Output, Parameter, Resource, Template, UpdateReplacePolicy, TEMPLATE_FORMAT_VERSION,
};

/// An error building a template. These are programming errors of the model layer, not
/// user input errors, but they are reported, never panicked on.
#[derive(Debug, thiserror::Error)]
pub enum CfnError {
    /// A logical id that is not 1 to 255 ASCII alphanumerics.
    #[error("invalid logical id `{id}`: logical ids are 1 to 255 ASCII letters and digits")]
    InvalidLogicalId {
        /// The id.
        id: String,
    },
    /// Two resources or outputs with the same logical id in one stack.
    #[error("duplicate logical id `{id}` in stack `{stack}`")]
    DuplicateLogicalId {
        /// The stack.
        stack: String,
        /// The id.
        id: String,
    },
    /// A required property left unset.
    #[error("resource `{id}`: required property `{property}` is not set")]
    MissingProperty {
        /// The logical id.
        id: String,
        /// The property path.
        property: String,
    },
    /// A resource that could not be rendered to JSON.
    #[error("resource `{id}` could not be rendered: {source}")]
    Render {
        /// The logical id.
        id: String,
        /// The serializer's error.
        source: serde_json::Error,
    },
}
