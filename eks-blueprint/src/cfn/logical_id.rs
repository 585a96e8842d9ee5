//! Logical ids: stable, readable, alphanumeric.
//!
//! Logical ids are part of the public contract: CloudFormation replaces a resource whose
//! logical id changes. They are derived from the model's names, never hashed.

/// The longest logical id CloudFormation accepts.
pub const MAX_LOGICAL_ID_LEN: usize = 255;

pub use crate::text::pascal_case;

/// A logical id from a prefix and a model name: `("Nodegroup", "system")` -> `NodegroupSystem`.
pub fn logical_id(prefix: &str, name: &str) -> String {
    format!("{prefix}{}", pascal_case(name))
}

/// Whether `id` is a valid logical id (alphanumeric, 1 to 255 characters).
pub fn is_valid(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_LOGICAL_ID_LEN && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_pascal_case() {
        assert_eq!(pascal_case("system"), "System");
        assert_eq!(pascal_case("system-nodes_v2"), "SystemNodesV2");
        assert_eq!(pascal_case("gpu.large"), "GpuLarge");
        assert_eq!(logical_id("Nodegroup", "spot-arm"), "NodegroupSpotArm");
    }

    #[test]
    fn validity_follows_cloudformation_rules() {
        assert!(is_valid("Vpc1"));
        assert!(!is_valid(""));
        assert!(!is_valid("my-vpc"));
        assert!(!is_valid(&"A".repeat(256)));
    }
}
