//! `eks-blueprint synth` and `eks-blueprint validate`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use eks_blueprint::compile::capacity::Capacity;
use eks_blueprint::synth::diff::Templates;
use eks_blueprint::synth::{Placement, WriteOptions};
use eks_blueprint::{load, Error, Format};

use crate::output::{OutputArgs, Printer};
use crate::Status;

const SYNTH_EXAMPLES: &str = "\
Examples:
  eks-blueprint synth blueprint.yaml
      templates, manifest.json and manifests/ into out/
  eks-blueprint synth blueprint.yaml --env prod -o out-prod
      the environment prod: its overrides merged, stacks <name>-prod-*, its account and Region
  eks-blueprint synth blueprint.yaml --message-format json 2>/dev/null
      errors and findings as JSON lines on stdout (docs/cli.md#message-formats)

Exit status: 0 done, 1 a file could not be read or written, 2 bad input (the blueprint,
the arguments, or an output directory that is not an earlier output).";

const VALIDATE_EXAMPLES: &str = "\
Examples:
  eks-blueprint validate blueprint.yaml
      the blueprint as written and every environment it declares
  eks-blueprint validate blueprint.yaml --env prod
      only the environment prod
  eks-blueprint validate blueprint.yaml --quiet --message-format json
      errors only, as JSON lines, for an editor or CI

Exit status: 0 valid, 1 the file could not be read, 2 invalid.";

/// Arguments of `synth`.
#[derive(Debug, Args)]
#[command(after_help = SYNTH_EXAMPLES)]
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
    /// The environment to synthesize (one of the blueprint's `environments`). Default: the
    /// blueprint as written, without any environment's overrides.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    #[command(flatten)]
    pub output_args: OutputArgs,
}

/// Arguments of `validate`.
#[derive(Debug, Args)]
#[command(after_help = VALIDATE_EXAMPLES)]
pub struct ValidateArgs {
    /// The blueprint file.
    pub blueprint: PathBuf,
    /// The environment to validate. Default: the blueprint as written, then every
    /// environment it declares.
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Also print the IP capacity plan: per node group the addresses a node and the group
    /// can take at worst, per subnet what is left (docs/scale.md).
    #[arg(long)]
    pub capacity: bool,
    #[command(flatten)]
    pub output_args: OutputArgs,
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
pub fn synth(args: &SynthArgs) -> Result<Status, Error> {
    let printer = Printer::new(&args.output_args);
    let (document, result) = load(&args.blueprint, args.env.as_deref());
    let blueprint = match result {
        Ok(blueprint) => blueprint,
        Err(e) => return Ok(printer.error(&document, &e)),
    };
    printer.findings(&document, &blueprint);
    if args.env.is_none() && !blueprint.spec().environments.is_empty() {
        let names: Vec<&str> = blueprint.spec().environments.keys().map(String::as_str).collect();
        printer.note(&format!(
            "the blueprint declares environments ({}); this is the blueprint as written: --env NAME selects one",
            names.join(", ")
        ));
    }
    let placement = match &args.previous {
        Some(dir) => match Templates::read_dir(dir) {
            Ok(templates) => Placement::from_templates(&templates),
            Err(e) => return Ok(printer.error(&document, &e.into())),
        },
        // An earlier output in the output directory, when there is one that reads.
        None => Templates::read_dir(&args.output).map(|t| Placement::from_templates(&t)).unwrap_or_default(),
    };
    let written = blueprint.synth_with(args.format.into(), &placement).and_then(|assembly| {
        assembly
            .write_to_with(&args.output, &WriteOptions::new().input(&args.blueprint))
            .map(|()| assembly)
            .map_err(Error::from)
    });
    let assembly = match written {
        Ok(assembly) => assembly,
        Err(e) => return Ok(printer.error(&document, &e)),
    };
    printer.result(&format!("Synthesized {} to {}", blueprint.name(), args.output.display()));
    for stack in assembly.stacks() {
        let resources = stack.template.get("Resources").and_then(|r| r.as_object()).map_or(0, |r| r.len());
        let deps: Vec<&str> = stack.dependencies.keys().map(String::as_str).collect();
        let after = if deps.is_empty() { String::new() } else { format!(", after {}", deps.join(", ")) };
        printer.result(&format!("  {} ({resources} resources{after}): {}", stack.name, stack.template_file));
    }
    Ok(Status::Success)
}

/// Reads and validates: the environment selected, or the blueprint as written and then
/// every environment it declares.
pub fn validate(args: &ValidateArgs) -> Result<Status, Error> {
    let printer = Printer::new(&args.output_args);
    let (document, result) = load(&args.blueprint, args.env.as_deref());
    let blueprint = match result.and_then(|b| b.synth(Format::Json).map(|_| b)) {
        Ok(blueprint) => blueprint,
        Err(e) => return Ok(printer.error(&document, &e)),
    };
    printer.findings(&document, &blueprint);
    let environments: Vec<String> =
        if args.env.is_some() { Vec::new() } else { blueprint.spec().environments.keys().cloned().collect() };
    let mut status = Status::Success;
    for name in &environments {
        let (document, result) = load(&args.blueprint, Some(name));
        match result.and_then(|b| b.synth(Format::Json).map(|_| b)) {
            Ok(blueprint) => printer.findings(&document, &blueprint),
            Err(e) => status = worse(status, printer.error(&document, &e)),
        }
    }
    if status == Status::Success {
        let what = match (&args.env, environments.is_empty()) {
            (Some(env), _) => format!(" (environment {env})"),
            (None, true) => String::new(),
            (None, false) => format!(" (as written, and environments {})", environments.join(", ")),
        };
        printer.result(&format!("{}: valid{what}", args.blueprint.display()));
        if args.capacity && !args.output_args.quiet {
            print!("{}", capacity_table(&blueprint.capacity()));
        }
    }
    Ok(status)
}

/// The status that says more: a failure over bad input over success.
fn worse(a: Status, b: Status) -> Status {
    match (a, b) {
        (Status::Failure, _) | (_, Status::Failure) => Status::Failure,
        (Status::UserError, _) | (_, Status::UserError) => Status::UserError,
        _ => a,
    }
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
