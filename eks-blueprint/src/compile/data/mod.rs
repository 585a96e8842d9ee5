//! Data tables with their sources and dates, loaded once: facts that change over time and
//! that validation checks against.

pub mod access_policies;
pub mod addon_versions;
mod csv;
pub mod helm_pins;
pub mod iam_actions;
pub mod instance_types;
pub mod pricing;
pub mod regions;
pub mod versions;
pub mod zones;
