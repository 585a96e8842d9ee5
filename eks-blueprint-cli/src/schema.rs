//! `eks-blueprint schema`: the JSON Schema of the blueprint file, on stdout.

use clap::Args;
use eks_blueprint::Error;

/// Arguments of `schema`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  eks-blueprint schema > schema/blueprint.schema.json
  # then, first line of a blueprint file, for editors with the YAML language server:
  # yaml-language-server: $schema=schema/blueprint.schema.json")]
pub struct SchemaArgs {}

/// Prints the schema (JSON Schema draft-07), as `schema/blueprint.schema.json` holds it.
pub fn schema(_: &SchemaArgs) -> Result<(), Error> {
    crate::diff::emit(eks_blueprint::schema::blueprint_schema_text().as_bytes())
}
