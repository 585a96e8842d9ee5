//! Compile: a blueprint spec becomes a validated [`crate::Blueprint`]. Defaults are applied
//! once, every rule is checked (all errors collected, each with a registered [`codes`]
//! code), and the derived data is computed once.

pub mod address;
pub mod codes;
pub mod data;
pub mod defaults;
