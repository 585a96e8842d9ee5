//! `eks-blueprint completions SHELL`: a completion script for the shell, on stdout.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use eks_blueprint::Error;

/// Arguments of `completions`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  eks-blueprint completions bash > ~/.local/share/bash-completion/completions/eks-blueprint
  eks-blueprint completions zsh > \"${fpath[1]}/_eks-blueprint\"
  eks-blueprint completions fish > ~/.config/fish/completions/eks-blueprint.fish")]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Prints the completion script of every command and option.
pub fn completions(args: &CompletionsArgs) -> Result<(), Error> {
    let mut command = crate::Cli::command();
    // Into memory first: clap_complete panics when its writer fails (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "eks-blueprint", &mut script);
    crate::diff::emit(&script)
}
