//! Finding suppressions: turning a best-practice rule off for the whole blueprint, with a
//! reason (`suppress: [{rule, reason}]`). The rules themselves are in
//! [`crate::compile::checks`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Turns a rule off for the whole blueprint (`suppress: [{rule, reason}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Suppression {
    /// The rule id, e.g. `EKSB-COMPUTE-001`.
    pub rule: String,
    /// Why the rule does not apply (required, for reviewers).
    pub reason: String,
}

impl Suppression {
    /// A suppression of `rule`, with the reason.
    pub fn new(rule: impl Into<String>, reason: impl Into<String>) -> Self {
        Suppression { rule: rule.into(), reason: reason.into() }
    }
}
