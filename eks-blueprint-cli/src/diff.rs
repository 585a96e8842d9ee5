//! `eks-blueprint diff`: what deploying a new output over an old one would do.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use eks_blueprint::synth::diff::{diff as compare, Templates, TextOptions};
use eks_blueprint::synth::{upgrade, Placement};
use eks_blueprint::{load_with, Error, Format};

use crate::output::Printer;
use crate::synth::ContextArgs;
use crate::Status;

const EXAMPLES: &str = "\
Examples:
  eks-blueprint diff out/ blueprint.yaml
      what deploying blueprint.yaml over the output in out/ (what is deployed) would do
  eks-blueprint diff out-v1/ out-v2/ --format json
      two output directories, as JSON (schema: docs/cli.md#diff)
  eks-blueprint diff out/ blueprint.yaml --fail-on-replace --allow-replace reference-compute/NodegroupGeneral
      a CI gate: exit 3 on any replacement but the one acknowledged, or a change CloudFormation refuses

Exit status: 0 done (differences or not), 1 a file could not be read, 2 bad input,
3 with --fail-on-replace: a replacement that was not acknowledged, or a deploy blocker.
Colour (red: a stateful resource is replaced, yellow: another replacement or a blocker) is
used on a terminal unless NO_COLOR is set; --color overrides both.";

/// Arguments of `diff`.
#[derive(Debug, Args)]
#[command(after_help = EXAMPLES)]
pub struct DiffArgs {
    /// The old output directory: what is deployed (an output of `eks-blueprint synth`, or a
    /// CDK cloud assembly).
    pub old: PathBuf,
    /// The new output: a directory like OLD, or a blueprint file, synthesized in memory.
    pub new: PathBuf,
    /// The report's format: text for people, json for tools (schema in docs/cli.md).
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with status 3 when a resource would be replaced (unless acknowledged with
    /// --allow-replace) or CloudFormation would refuse a change.
    #[arg(long)]
    pub fail_on_replace: bool,
    /// Acknowledge the replacement of a resource, by STACK/LOGICAL_ID or by LOGICAL_ID in
    /// any stack, so that --fail-on-replace lets it pass. Repeatable.
    #[arg(long, value_name = "[STACK/]LOGICAL_ID")]
    pub allow_replace: Vec<String>,
    /// Print only the summary line.
    #[arg(short, long, conflicts_with = "format")]
    pub quiet: bool,
    /// When to colour the text: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// When NEW is a blueprint file: the environment to synthesize. Default: the blueprint
    /// as written.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// The deployed version (default: OLD's) and the day of synthesis.
    #[command(flatten)]
    pub context: ContextArgs,
}

/// The report's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// A report for people.
    Text,
    /// The JSON form (docs/cli.md#diff).
    Json,
}

/// When to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set to something.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Whether to colour: `--color`, else a terminal without `NO_COLOR` (<https://no-color.org>:
/// set and not empty disables colour; a command-line flag overrides it).
pub(crate) fn use_color(choice: ColorChoice, no_color: Option<OsString>, terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

/// Reads both outputs, compares them and prints the report on stdout; warnings (an
/// acknowledgement that names no replacement) on stderr.
pub fn diff(args: &DiffArgs) -> Result<Status, Error> {
    let old = Templates::read_dir(&args.old)?;
    let ctx = args.context.context(Some(&old));
    let new = match read_new(&args.new, args.env.as_deref(), &old, &ctx)? {
        Ok(new) => new,
        Err(status) => return Ok(status),
    };
    let mut report = compare(&old, &new);
    let plan = upgrade::plan(&old, &new);
    for unused in report.acknowledge(&args.allow_replace) {
        eprintln!("warning: --allow-replace {unused}: no such resource is replaced");
    }
    if args.format == DiffFormat::Json {
        emit(report.to_json_string().as_bytes())?;
    } else if args.quiet {
        emit(format!("{}\n", report.summary_line()).as_bytes())?;
    } else {
        let color = use_color(args.color, std::env::var_os("NO_COLOR"), std::io::stdout().is_terminal());
        emit(report.to_text(&TextOptions::new().color(color)).as_bytes())?;
        if let Some(plan) = &plan {
            emit(format!("\n{}", plan.to_text()).as_bytes())?;
        }
    }
    Ok(if args.fail_on_replace && report.gate_fails() { Status::Replacement } else { Status::Success })
}

/// Writes to stdout. A reader that stopped reading (`| head`) is not an error: what it
/// read is what it wanted.
pub fn emit(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Io { context: "cannot write to stdout".to_owned(), source: e })
        }
        _ => Ok(()),
    }
}

/// A directory is read as an output; anything else as a blueprint file, synthesized in
/// memory the way `synth -o <old>` would: items of a split stack stay where `old` has them,
/// and the blueprint is compiled with `ctx` (an upgrade from the deployed version that skips
/// a minor version, or a downgrade, is refused), with `env` selected; its errors are printed
/// located in the file (`Err(status)`). Two directories are held to the same upgrade rule.
fn read_new(
    path: &Path,
    env: Option<&str>,
    old: &Templates,
    ctx: &eks_blueprint::compile::Context,
) -> Result<Result<Templates, Status>, Error> {
    if path.is_dir() {
        let new = Templates::read_dir(path)?;
        if let (Some(deployed), Some(next)) = (&ctx.deployed_version, upgrade::cluster_version(&new)) {
            eks_blueprint::compile::check_upgrade(deployed, &next).map_err(Error::Invalid)?;
        }
        return Ok(Ok(new));
    }
    let printer = Printer::human();
    let (document, result) = load_with(path, env, ctx);
    let blueprint = match result {
        Ok(blueprint) => blueprint,
        Err(e) => return Ok(Err(printer.error(&document, &e))),
    };
    printer.findings(&document, &blueprint);
    match blueprint.synth_with(Format::Json, &Placement::from_templates(old)) {
        Ok(assembly) => Ok(Ok(Templates::from_assembly(path.display().to_string(), &assembly))),
        Err(e) => Ok(Err(printer.error(&document, &e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_follows_the_flag_then_no_color_then_the_terminal() {
        let set = || Some(OsString::from("1"));
        assert!(use_color(ColorChoice::Auto, None, true));
        assert!(!use_color(ColorChoice::Auto, None, false), "not a terminal");
        assert!(!use_color(ColorChoice::Auto, set(), true), "NO_COLOR set");
        assert!(use_color(ColorChoice::Auto, Some(OsString::new()), true), "NO_COLOR empty counts as unset");
        assert!(use_color(ColorChoice::Always, set(), false), "the flag overrides NO_COLOR");
        assert!(!use_color(ColorChoice::Never, None, true));
    }
}
