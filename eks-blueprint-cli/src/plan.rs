//! `eks-blueprint plan`: the deploy and teardown plan of a blueprint or an output directory.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use eks_blueprint::synth::plan::Plan;
use eks_blueprint::{Blueprint, Error, Format};

use crate::diff::emit;

const EXAMPLES: &str = "\
Examples:
  eks-blueprint plan blueprint.yaml
      the steps to deploy and tear down what `eks-blueprint synth blueprint.yaml -o out`
      writes; the commands name files under out/
  eks-blueprint plan out/
      the plan of an output directory (the same as its DEPLOY.md)
  eks-blueprint plan blueprint.yaml --format json | jq -r '.deploy[].commands[]'
      the plan for scripts (schema: docs/cli.md#plan)

Exit status: 0 done, 1 a file could not be read, 2 bad input.";

/// Arguments of `plan`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct PlanArgs {
    /// A blueprint file (synthesized in memory, nothing written), or an output directory of
    /// `eks-blueprint synth`.
    pub input: PathBuf,
    /// For a blueprint file: the output directory the commands name, where `synth -o` writes
    /// it. An output directory is named as given.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// The plan's format: text for people, json for scripts (schema in docs/cli.md).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

/// The plan's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Numbered steps with their commands.
    Text,
    /// The JSON form (docs/cli.md#plan).
    Json,
}

/// Reads the blueprint or the directory and prints its plan on stdout.
pub fn plan(args: &PlanArgs) -> Result<(), Error> {
    let plan = read(&args.input, &args.output)?;
    let text = match args.format {
        PlanFormat::Text => plan.to_text(),
        PlanFormat::Json => plan.to_json_string(),
    };
    emit(text.as_bytes())
}

/// A directory is read as an output; anything else as a blueprint file.
fn read(input: &Path, output: &Path) -> Result<Plan, Error> {
    if input.is_dir() {
        return Ok(Plan::read_dir(input)?);
    }
    let blueprint = Blueprint::from_path(input)?;
    for finding in blueprint.findings() {
        eprintln!("{finding}");
    }
    let assembly = blueprint.synth(Format::Json)?;
    Plan::from_assembly(&assembly, &output.to_string_lossy())
        .map_err(|e| Error::Synth(eks_blueprint::synth::SynthError::Render { stack: "plan".into(), message: e.0 }))
}
