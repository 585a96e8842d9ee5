//! Data tables with their sources and dates, loaded once: facts that change over time and
//! that validation checks against.

pub mod instance_types;
