//! Data tables with their sources and dates, loaded once: facts that change over time and
//! that validation checks against.

pub mod access_policies;
pub mod instance_types;
pub mod regions;
pub mod versions;
pub mod zones;
