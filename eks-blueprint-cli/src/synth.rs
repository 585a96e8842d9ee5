//! `eks-blueprint synth` and `eks-blueprint validate`.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use eks_blueprint::compile::{Context, Date};
use eks_blueprint::synth::diff::Templates;
use eks_blueprint::synth::{upgrade, WriteOptions, MARKER_FILE};
use eks_blueprint::{Blueprint, Error, Format, KubernetesVersion};

/// What synthesis knows besides the blueprint: the deployed version and the day.
#[derive(Debug, Clone, Args)]
pub struct ContextArgs {
    /// The Kubernetes version of the deployed cluster: the blueprint's must equal it or be
    /// one minor version newer. Default: the version of the previous output in the output
    /// directory (synth), or of the old output (diff); none for a new cluster.
    #[arg(long, value_name = "VERSION")]
    pub deployed_version: Option<String>,
    /// The day of synthesis (UTC), for the support-period finding (EKSB-VERSION-002).
    /// Default: $SOURCE_DATE_EPOCH when set (reproducible builds), else today.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<Date>,
}

fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>().map_err(|e| e.to_string())
}

impl ContextArgs {
    /// The context: `--deployed-version`, else `previous`'s cluster version; `--date`, else
    /// `SOURCE_DATE_EPOCH` (<https://reproducible-builds.org/specs/source-date-epoch/>),
    /// else the clock.
    pub fn context(&self, previous: Option<&Templates>) -> Context {
        let mut ctx = Context::new().today(self.date.unwrap_or_else(today));
        let deployed = match &self.deployed_version {
            Some(v) => Some(KubernetesVersion::of(v)),
            None => previous.and_then(upgrade::cluster_version),
        };
        if let Some(v) = deployed {
            ctx = ctx.deployed_version(v);
        }
        ctx
    }
}

/// Today (UTC), or the day of `SOURCE_DATE_EPOCH` when it is set to a number.
fn today() -> Date {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<u64>().ok());
    let seconds = epoch.unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()));
    Date::from_unix_seconds(seconds)
}

/// The previous output in `dir`, when it holds one eks-blueprint wrote (its marker); what
/// cannot be read is no previous output (writing the directory then says why).
pub fn previous_output(dir: &Path) -> Option<Templates> {
    dir.join(MARKER_FILE).is_file().then(|| Templates::read_dir(dir).ok()).flatten()
}

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
    /// The deployed version and the day of synthesis.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The blueprint file.
    pub blueprint: PathBuf,
    /// The deployed version and the day of synthesis.
    #[command(flatten)]
    pub context: ContextArgs,
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
    let ctx = args.context.context(previous_output(&args.output).as_ref());
    let blueprint = Blueprint::from_path_with(&args.blueprint, &ctx)?;
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
    let blueprint = Blueprint::from_path_with(&args.blueprint, &args.context.context(None))?;
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
