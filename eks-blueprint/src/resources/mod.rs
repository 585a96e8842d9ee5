//! Typed CloudFormation resources (L1): one struct per resource type, one module per
//! service, properties spelled exactly as in the official resource schemas.
//!
//! No defaults and no cross-field logic live here; that is the model's job. Required
//! properties are plain fields, optional ones `Option`s left out of the template when
//! `None`. A required property left at its `Default` renders as `null`, which
//! [`crate::cfn::Stack::add`] refuses.

pub mod autoscaling;
pub mod ec2;
pub mod ecr;
pub mod eks;
pub mod events;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod logs;
pub mod sqs;

use serde::Serialize;

use crate::cfn::Expr;

/// A resource tag (`Key`/`Value`), the shape most resource types use.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Tag {
    /// The key.
    pub key: String,
    /// The value.
    pub value: Expr,
}

impl Tag {
    /// A tag.
    pub fn new(key: impl Into<String>, value: impl Into<Expr>) -> Self {
        Tag { key: key.into(), value: value.into() }
    }
}

/// Implements [`crate::cfn::ResourceType`] for a struct.
macro_rules! resource_type {
    ($ty:ident, $name:literal) => {
        impl $crate::cfn::ResourceType for $ty {
            const TYPE: &'static str = $name;
        }
    };
}
pub(crate) use resource_type;

/// Typed attribute accessors on a resource's handle.
macro_rules! attributes {
    ($ty:ident { $($(#[$doc:meta])* $method:ident => $attr:literal),* $(,)? }) => {
        impl $crate::cfn::Handle<$ty> {
            $(
                $(#[$doc])*
                pub fn $method(&self) -> $crate::cfn::Expr {
                    self.get_att($attr)
                }
            )*
        }
    };
}
pub(crate) use attributes;
