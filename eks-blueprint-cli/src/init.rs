//! `eks-blueprint init`: writes a starter blueprint file.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use eks_blueprint::templates::{write_starter, Starter};
use eks_blueprint::Error;

/// Arguments of `init`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  eks-blueprint init                                  # blueprint.yaml, template minimal
  eks-blueprint init --template production --name payments platform/payments.yaml
  eks-blueprint init --template karpenter infra/      # infra/blueprint.yaml

The file starts with a `# yaml-language-server: $schema=...` line, so editors with the YAML
language server complete and check it. An existing file is never overwritten (exit 2), and
a missing directory is not created.")]
pub struct InitArgs {
    /// The starter blueprint.
    #[arg(long, value_enum, default_value_t = TemplateArg::Minimal)]
    pub template: TemplateArg,
    /// The platform's name (cluster name and stack name prefix). Default: my-platform.
    #[arg(long)]
    pub name: Option<String>,
    /// The file to write, or a directory to write blueprint.yaml into.
    #[arg(default_value = "blueprint.yaml")]
    pub path: PathBuf,
}

/// The starter blueprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateArg {
    /// A VPC, a control plane and one managed node group.
    Minimal,
    /// Production settings: deletion protection, year-long logs, VPC endpoints, access
    /// entries per team, GuardDuty.
    Production,
    /// A system node group and Karpenter with one NodePool.
    Karpenter,
}

impl From<TemplateArg> for Starter {
    fn from(t: TemplateArg) -> Self {
        match t {
            TemplateArg::Minimal => Starter::Minimal,
            TemplateArg::Production => Starter::Production,
            TemplateArg::Karpenter => Starter::Karpenter,
        }
    }
}

/// Writes the starter blueprint and says what to run next.
pub fn init(args: &InitArgs) -> Result<(), Error> {
    let template = Starter::from(args.template);
    let file = write_starter(&args.path, template, args.name.as_deref())?;
    let file = file.display();
    println!("Wrote {file} (template {})", template.as_str());
    println!("Next: replace the placeholders its comments name, then");
    println!("  eks-blueprint validate {file}");
    println!("  eks-blueprint synth {file} -o out/");
    Ok(())
}
