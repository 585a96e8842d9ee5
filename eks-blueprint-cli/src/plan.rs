//! `eks-blueprint plan`: the deploy and teardown plan of a blueprint or an output directory.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use eks_blueprint::synth::plan::Plan;
use eks_blueprint::{load, Error, Format};

use crate::diff::emit;
use crate::output::Printer;
use crate::Status;

const EXAMPLES: &str = "\
Examples:
  eks-blueprint plan blueprint.yaml
      the steps to deploy and tear down what `eks-blueprint synth blueprint.yaml -o out`
      writes; the commands name files under out/
  eks-blueprint plan out/
      the plan of an output directory (the same as its DEPLOY.md)
  eks-blueprint plan blueprint.yaml --env prod -o out-prod
      the plan of the environment prod (docs/cli.md#environments)
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
    /// For a blueprint file: the environment to plan. Default: the blueprint as written.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
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
pub fn plan(args: &PlanArgs) -> Result<Status, Error> {
    let plan = match read(&args.input, &args.output, args.env.as_deref())? {
        Ok(plan) => plan,
        Err(status) => return Ok(status),
    };
    let text = match args.format {
        PlanFormat::Text => plan.to_text(),
        PlanFormat::Json => plan.to_json_string(),
    };
    emit(text.as_bytes()).map(|()| Status::Success)
}

/// A directory is read as an output; anything else as a blueprint file (with `env`
/// selected), whose errors are printed located in the file (`Err(status)`).
fn read(input: &Path, output: &Path, env: Option<&str>) -> Result<Result<Plan, Status>, Error> {
    if input.is_dir() {
        return Ok(Ok(Plan::read_dir(input)?));
    }
    let printer = Printer::human();
    let (document, result) = load(input, env);
    let blueprint = match result {
        Ok(blueprint) => blueprint,
        Err(e) => return Ok(Err(printer.error(&document, &e))),
    };
    printer.findings(&document, &blueprint);
    let assembly = match blueprint.synth(Format::Json) {
        Ok(assembly) => assembly,
        Err(e) => return Ok(Err(printer.error(&document, &e))),
    };
    Plan::from_assembly(&assembly, &output.to_string_lossy())
        .map(Ok)
        .map_err(|e| Error::Synth(eks_blueprint::synth::SynthError::Render { stack: "plan".into(), message: e.0 }))
}
