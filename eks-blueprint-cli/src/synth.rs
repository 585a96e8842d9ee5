//! `eks-blueprint synth` and `eks-blueprint validate`.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use clap::{Args, ValueEnum};
use eks_blueprint::compile::capacity::Capacity;
use eks_blueprint::compile::{Context, Date};
use eks_blueprint::synth::diff::Templates;
use eks_blueprint::synth::{upgrade, Placement, WriteOptions};
use eks_blueprint::{load_with, Error, Format, KubernetesVersion};

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

/// What synthesis knows besides the blueprint: the deployed version and the day.
#[derive(Debug, Clone, Args)]
pub struct ContextArgs {
    /// The Kubernetes version of the deployed cluster: the blueprint's must equal it or be
    /// one minor version newer. Default: the version of the previous output (synth), or of
    /// the old output (diff); none for a new cluster.
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
    /// The deployed version (default: the previous output's) and the day of synthesis.
    #[command(flatten)]
    pub context: ContextArgs,
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
pub fn synth(args: &SynthArgs) -> Result<Status, Error> {
    let printer = Printer::new(&args.output_args);
    // An earlier output: `--previous`, else the output directory when it holds one that reads.
    // An unreadable `--previous` is reported after the blueprint's own errors.
    let previous = match &args.previous {
        Some(dir) => Templates::read_dir(dir).map(Some),
        None => Ok(Templates::read_dir(&args.output).ok()),
    };
    // The deployed version is the previous output's: an upgrade that skips a minor version,
    // or a downgrade, is refused before anything is written.
    let ctx = args.context.context(previous.as_ref().ok().and_then(Option::as_ref));
    let (document, result) = load_with(&args.blueprint, args.env.as_deref(), &ctx);
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
    let placement = match previous {
        Ok(templates) => templates.as_ref().map(Placement::from_templates).unwrap_or_default(),
        Err(e) => return Ok(printer.error(&document, &e.into())),
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
    let ctx = args.context.context(None);
    let (document, result) = load_with(&args.blueprint, args.env.as_deref(), &ctx);
    let blueprint = match result.and_then(|b| b.synth(Format::Json).map(|_| b)) {
        Ok(blueprint) => blueprint,
        Err(e) => return Ok(printer.error(&document, &e)),
    };
    printer.findings(&document, &blueprint);
    let environments: Vec<String> =
        if args.env.is_some() { Vec::new() } else { blueprint.spec().environments.keys().cloned().collect() };
    let mut status = Status::Success;
    for name in &environments {
        let (document, result) = load_with(&args.blueprint, Some(name), &ctx);
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
