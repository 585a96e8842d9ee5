//! `eks-blueprint synth` and `eks-blueprint validate`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use eks_blueprint::compile::capacity::Capacity;
use eks_blueprint::synth::diff::Templates;
use eks_blueprint::synth::{Placement, WriteOptions};
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
    /// A previous output (directory) whose stack placement to keep when a stack must be
    /// split to stay within CloudFormation's quotas: every identity or node group stays in
    /// the stack it was in (see docs/scale.md). Default: the output directory, when it
    /// holds an earlier output.
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The blueprint file.
    pub blueprint: PathBuf,
    /// Also print the IP capacity plan: per node group the addresses a node and the group
    /// can take at worst, per subnet what is left (docs/scale.md).
    #[arg(long)]
    pub capacity: bool,
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
    let placement = match &args.previous {
        Some(dir) => Placement::from_templates(&Templates::read_dir(dir)?),
        // An earlier output in the output directory, when there is one that reads.
        None => Templates::read_dir(&args.output).map(|t| Placement::from_templates(&t)).unwrap_or_default(),
    };
    let assembly = blueprint.synth_with(args.format.into(), &placement)?;
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
    if args.capacity {
        print!("{}", capacity_table(&blueprint.capacity()));
    }
    Ok(())
}

/// The capacity plan as two plain-text tables.
fn capacity_table(capacity: &Capacity) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if capacity.groups.is_empty() && capacity.subnets.is_empty() {
        out.push_str("capacity: not planned (existing VPC, ipv6, or no node group of a known instance type)\n");
        return out;
    }
    out.push_str("\nnode groups (worst case, VPC CNI WARM_ENI_TARGET=1, no prefix delegation):\n");
    let _ = writeln!(
        out,
        "  {:<24} {:<14} {:>4} {:>8} {:>8} {:>10} {:>6} {:>6} {:>10}",
        "group", "instance type", "ENIs", "IPv4/ENI", "max pods", "addr/node", "nodes", "surge", "per subnet"
    );
    for g in &capacity.groups {
        let _ = writeln!(
            out,
            "  {:<24} {:<14} {:>4} {:>8} {:>8} {:>10} {:>6} {:>6} {:>10}",
            g.name,
            g.instance_type,
            g.enis,
            g.ipv4_per_eni,
            g.max_pods,
            g.node_subnet_addresses_per_node + g.pod_subnet_addresses_per_node,
            g.nodes,
            g.surge,
            g.nodes_per_subnet
        );
    }
    out.push_str("\nsubnets:\n");
    let _ = writeln!(
        out,
        "  {:<8} {:>4} {:<18} {:>8} {:>8} {:>10} {:>8}",
        "tier", "zone", "cidr", "size", "kept", "node worst", "free"
    );
    for s in &capacity.subnets {
        let _ = writeln!(
            out,
            "  {:<8} {:>4} {:<18} {:>8} {:>8} {:>10} {:>8}",
            s.tier,
            s.zone,
            s.cidr,
            s.size,
            s.reserved,
            s.nodes_worst_case,
            s.free_after()
        );
    }
    out
}

/// Prints best-practice findings on stderr: `warning[RULE]: path: message`.
fn print_findings(blueprint: &Blueprint) {
    for finding in blueprint.findings() {
        eprintln!("{finding}");
    }
}
