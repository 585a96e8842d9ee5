//! The `eks-blueprint` command: a thin layer over the `eks-blueprint` library. It parses
//! arguments, calls the library, prints results, and maps errors to exit codes.

mod completions;
mod diff;
mod init;
mod output;
mod plan;
mod schema;
mod synth;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Synthesize Amazon EKS platforms into AWS CloudFormation.
#[derive(Debug, Parser)]
#[command(name = "eks-blueprint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Synthesize a blueprint file into an output directory of templates.
    Synth(synth::SynthArgs),
    /// Check a blueprint file without writing anything.
    Validate(synth::ValidateArgs),
    /// Show what deploying a new output (or blueprint) over an old output would change,
    /// replacements first.
    Diff(diff::DiffArgs),
    /// Write a starter blueprint file (never over an existing one).
    Init(init::InitArgs),
    /// Print the JSON Schema of the blueprint file (for editors and CI).
    Schema(schema::SchemaArgs),
    /// Print the deploy and teardown plan of a blueprint file or an output directory: each
    /// stack's command, and every manual step where it belongs.
    Plan(plan::PlanArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
}

/// The process exit status: one place decides every code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// 0: done.
    Success,
    /// 1: the environment failed (I/O) or a bug.
    Failure,
    /// 2: the input is wrong (bad arguments, bad blueprint file, invalid blueprint).
    UserError,
    /// 3: `diff --fail-on-replace` found a replacement or a deploy blocker.
    Replacement,
}

impl From<Status> for ExitCode {
    fn from(s: Status) -> Self {
        match s {
            Status::Success => ExitCode::SUCCESS,
            Status::Failure => ExitCode::from(1),
            Status::UserError => ExitCode::from(2),
            Status::Replacement => ExitCode::from(3),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Synth(args) => synth::synth(&args),
        Command::Validate(args) => synth::validate(&args),
        Command::Diff(args) => diff::diff(&args),
        Command::Init(args) => init::init(&args).map(|()| Status::Success),
        Command::Schema(args) => schema::schema(&args).map(|()| Status::Success),
        Command::Plan(args) => plan::plan(&args),
        Command::Completions(args) => completions::completions(&args).map(|()| Status::Success),
    };
    match result {
        Ok(status) => status.into(),
        Err(e) => {
            eprintln!("error: {e}");
            let status = if e.is_user_error() { Status::UserError } else { Status::Failure };
            status.into()
        }
    }
}
