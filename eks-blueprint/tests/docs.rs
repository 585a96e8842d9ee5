//! The documentation's blueprint examples use the model's real keys: each ```yaml block of
//! the README and docs/ that describes a blueprint deserializes into the spec (keys spelled
//! and nested as the parser expects, values of the documented kinds). Validation is not run:
//! the blocks show every option at once, with placeholder values.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use eks_blueprint::BlueprintSpec;

/// The ```yaml blocks of a file, in order.
fn yaml_blocks(file: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_start()) {
            (None, "```yaml") => current = Some(String::new()),
            (Some(block), "```") => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            (Some(block), _) => {
                block.push_str(line);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn parses_as_a_blueprint(file: &str, index: usize) {
    let block = &yaml_blocks(file)[index];
    let text = if block.starts_with("name:") { block.clone() } else { format!("name: demo\n{block}") };
    if let Err(e) = serde_yaml::from_str::<BlueprintSpec>(&text) {
        panic!("{file}, yaml block {index}: {e}\n{text}");
    }
}

#[test]
fn the_readme_blueprint_uses_real_keys() {
    parses_as_a_blueprint("README.md", 0);
}

#[test]
fn the_control_plane_page_uses_real_keys() {
    parses_as_a_blueprint("docs/control-plane.md", 0);
}

#[test]
fn the_compute_page_uses_real_keys() {
    parses_as_a_blueprint("docs/compute.md", 0);
}

#[test]
fn the_workload_identity_page_uses_real_keys() {
    parses_as_a_blueprint("docs/workload-identity.md", 0);
}
