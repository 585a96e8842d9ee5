//! `eks-blueprint synth` and `eks-blueprint validate`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use eks_blueprint::synth::WriteOptions;
use eks_blueprint::{Blueprint, Error, Format};

/// Arguments of `synth`.
#[derive(Debug, Args)]
pub struct SynthArgs {
    /// The blueprint file (YAML, or JSON with a .json extension).
    pub blueprint: PathBuf,
    /// The output directory: created, or filled when empty, or replaced when it holds
    /// exactly an earlier output of eks-blueprint (see docs/cli.md); anything else is
    /// refused. A symbolic link is followed.
    #[arg(short, long, default_value = "out")]
    pub output: PathBuf,
    /// The template format.
    #[arg(long, value_enum, default_value_t = FormatArg::Json)]
    pub format: FormatArg,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The blueprint file.
    pub blueprint: PathBuf,
}

/// The template format.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// JSON templates (`<stack>.template.json`).
    Json,
    /// YAML templates (`<stack>.template.yaml`).
    Yaml,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Json => Format::Json,
            FormatArg::Yaml => Format::Yaml,
        }
    }
}

/// Reads, validates and synthesizes; writes the directory only when everything succeeded.
pub fn synth(args: &SynthArgs) -> Result<(), Error> {
    let blueprint = Blueprint::from_path(&args.blueprint)?;
    print_findings(&blueprint);
    let assembly = blueprint.synth(args.format.into())?;
    assembly.write_to_with(&args.output, &WriteOptions::new().input(&args.blueprint))?;
    println!("Synthesized {} to {}", blueprint.name(), args.output.display());
    for stack in assembly.stacks() {
        let resources = stack.template.get("Resources").and_then(|r| r.as_object()).map_or(0, |r| r.len());
        let deps: Vec<&str> = stack.dependencies.keys().map(String::as_str).collect();
        let after = if deps.is_empty() { String::new() } else { format!(", after {}", deps.join(", ")) };
        println!("  {} ({resources} resources{after}): {}", stack.name, stack.template_file);
    }
    Ok(())
}

/// Reads and validates.
pub fn validate(args: &ValidateArgs) -> Result<(), Error> {
    let blueprint = Blueprint::from_path(&args.blueprint)?;
    print_findings(&blueprint);
    blueprint.synth(Format::Json)?;
    println!("{}: valid", args.blueprint.display());
    Ok(())
}

/// Prints best-practice findings on stderr: `warning[RULE]: path: message`.
fn print_findings(blueprint: &Blueprint) {
    for finding in blueprint.findings() {
        eprintln!("{finding}");
    }
}
