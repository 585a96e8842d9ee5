//! Synthesis: stacks into an assembly.
//!
//! An [`App`] holds stacks. [`App::synth`] renders every template, turns each reference
//! that crosses stacks into an export in the producer and an import in the consumer (in one
//! pass, like the AWS CDK), checks that every reference resolves, orders the stacks by
//! their dependencies (a cycle is an error that names the chain), checks CloudFormation's
//! quotas, and returns an [`Assembly`]: the files of the output directory, in memory.
//! [`Assembly::write_to`] writes them all or nothing, and replaces only its own earlier
//! output ([`output`]). [`diff`] compares two outputs: what deploying the new one would
//! add, remove, update or replace. [`plan`] says how to deploy an output and tear it down,
//! step by step; every assembly holds it as `DEPLOY.md`.

mod assembly;
pub mod diff;
mod graph;
pub mod output;
pub mod plan;
mod resolve;
mod split;
pub mod upgrade;

pub use assembly::{Assembly, Format, SynthesizedStack, CLOUD_ASSEMBLY_VERSION};
pub use output::{OutputError, Refusal, WriteOptions, MARKER_FILE};
pub use resolve::References;
pub use split::{Placement, SOFT_CAPACITY_PERCENT};

use indexmap::IndexMap;

use crate::cfn::{CfnError, Stack};

/// The most resources one template may hold (CloudFormation quota).
pub const MAX_RESOURCES: usize = 500;
/// The most outputs one template may hold (CloudFormation quota).
pub const MAX_OUTPUTS: usize = 200;
/// The most parameters one template may hold (CloudFormation quota).
pub const MAX_PARAMETERS: usize = 200;
/// The largest template body, in bytes, CloudFormation accepts from S3 (CDK and
/// `aws cloudformation deploy --s3-bucket` upload it there).
pub const MAX_TEMPLATE_BYTES: usize = 1_000_000;
/// The largest template body, in bytes, CloudFormation accepts inline (the `TemplateBody`
/// of `CreateStack` and `UpdateStack`, and so `aws cloudformation deploy` without
/// `--s3-bucket`); a larger one is uploaded to S3 first, up to [`MAX_TEMPLATE_BYTES`].
/// Source: AWS CloudFormation User Guide, "AWS CloudFormation quotas": template body size in
/// a request 51,200 bytes, in an Amazon S3 object 1 MB.
pub const MAX_INLINE_TEMPLATE_BYTES: usize = 51_200;

/// An error of synthesis. Each names the stack, the resource and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// Building a template failed.
    #[error(transparent)]
    Cfn(#[from] CfnError),
    /// Two stacks with one name.
    #[error("duplicate stack name `{0}`")]
    DuplicateStack(String),
    /// A stack name CloudFormation would refuse.
    #[error(
        "invalid stack name `{0}`: a stack name starts with a letter and holds at most 128 letters, digits and hyphens"
    )]
    InvalidStackName(String),
    /// A reference to a stack that is not in the app.
    #[error("stack `{stack}`: `{from}` refers to `{target}` in stack `{target_stack}`, which is not part of the app")]
    UnknownStack {
        /// The referring stack.
        stack: String,
        /// Where the reference is (a logical id).
        from: String,
        /// The referred logical id.
        target: String,
        /// The missing stack.
        target_stack: String,
    },
    /// A reference to a logical id that does not exist.
    #[error("stack `{stack}`: `{from}` refers to `{target}`, which is not a resource or parameter of stack `{target_stack}`")]
    UnknownTarget {
        /// The referring stack.
        stack: String,
        /// Where the reference is.
        from: String,
        /// The referred logical id.
        target: String,
        /// The stack searched.
        target_stack: String,
    },
    /// Stacks that depend on each other in a circle.
    #[error("stack dependency cycle: {0}")]
    Cycle(String),
    /// A CloudFormation quota exceeded.
    #[error("stack `{stack}`: {what} is {actual}, above CloudFormation's limit of {limit}{}", describe_sources(.what, .sources))]
    Quota {
        /// The stack.
        stack: String,
        /// What was counted.
        what: &'static str,
        /// The count.
        actual: usize,
        /// The limit.
        limit: usize,
        /// Where the count comes from, by field of the input, largest first (empty when
        /// no origins were recorded): what to change to fit.
        sources: Vec<QuotaSource>,
    },
    /// Rendering to JSON or YAML failed.
    #[error("stack `{stack}` could not be rendered: {message}")]
    Render {
        /// The stack.
        stack: String,
        /// Why.
        message: String,
    },
}

/// A part of the input that counts toward a quota: resources, outputs or template bytes
/// whose origin ([`Stack::set_origin`]) is the field `field`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaSource {
    /// The field path, without the index of a list entry (`compute.managedNodeGroups`);
    /// empty for what has no recorded origin (such as exports for other stacks).
    pub field: String,
    /// How many entries of the list contribute; 0 when the field is not a list.
    pub entries: usize,
    /// How much they contribute (resources, outputs, or about so many bytes).
    pub amount: usize,
}

impl QuotaSource {
    /// Whether the field is a list whose entries can be fewer.
    pub fn is_list(&self) -> bool {
        self.entries > 0
    }
}

/// `; 480 come from compute.managedNodeGroups (240 entries), 12 from network`.
fn describe_sources(what: &str, sources: &[QuotaSource]) -> String {
    if sources.is_empty() {
        return String::new();
    }
    // Bytes are shared out in proportion to each resource's JSON: approximate.
    let about = if what.contains("bytes") { "about " } else { "" };
    let parts: Vec<String> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let from = if i == 0 { "come from" } else { "from" };
            let field =
                if s.field.is_empty() { "elsewhere (no blueprint field, such as exports)" } else { s.field.as_str() };
            let entries = match s.entries {
                0 => String::new(),
                1 => " (1 entry)".to_owned(),
                n => format!(" ({n} entries)"),
            };
            format!("{about}{} {from} {field}{entries}", s.amount)
        })
        .collect();
    format!("; {}", parts.join(", "))
}

/// Splits `compute.managedNodeGroups[3]` into the list field and the entry.
fn list_field(origin: &str) -> (&str, bool) {
    match origin.strip_suffix(']').and_then(|o| o.rfind('[').map(|i| &o[..i])) {
        Some(field) => (field, true),
        None => (origin, false),
    }
}

/// Sums `amount(id)` over `ids` by origin field, largest first.
pub(crate) fn quota_sources<'a>(
    ids: impl Iterator<Item = (&'a String, usize)>,
    origins: &IndexMap<String, String>,
) -> Vec<QuotaSource> {
    let mut by_field: IndexMap<&str, (std::collections::BTreeSet<&str>, usize)> = IndexMap::new();
    for (id, amount) in ids {
        let origin = origins.get(id).map_or("", String::as_str);
        let (field, is_list) = list_field(origin);
        let slot = by_field.entry(field).or_default();
        if is_list {
            slot.0.insert(origin);
        }
        slot.1 += amount;
    }
    let mut sources: Vec<QuotaSource> = by_field
        .into_iter()
        .map(|(field, (entries, amount))| QuotaSource { field: field.to_owned(), entries: entries.len(), amount })
        .collect();
    if sources.iter().all(|s| s.field.is_empty()) {
        return Vec::new(); // no origins recorded: nothing to say
    }
    sources.sort_by(|a, b| b.amount.cmp(&a.amount).then_with(|| a.field.cmp(&b.field)));
    sources
}

/// A set of stacks and extra files (Kubernetes manifests) to synthesize together.
#[derive(Debug, Default)]
pub struct App {
    stacks: IndexMap<String, Stack>,
    files: IndexMap<String, String>,
    references: References,
    environment: Option<String>,
    placement: Placement,
}

impl App {
    /// An empty app.
    pub fn new() -> Self {
        App::default()
    }

    /// How references across stacks are rendered. Default: [`References::Exports`].
    pub fn set_references(&mut self, references: References) {
        self.references = references;
    }

    /// The environment every stack deploys to, as the cloud assembly writes it:
    /// `aws://<account>/<region>`. Default: `aws://unknown-account/unknown-region` (the
    /// account and Region deploying decide).
    pub fn set_environment(&mut self, environment: impl Into<String>) {
        self.environment = Some(environment.into());
    }

    /// Where a previous output placed each resource: a stack that must be split keeps every
    /// item where it was (see [`Placement`]). Default: none (items placed in input order).
    pub fn set_placement(&mut self, placement: Placement) {
        self.placement = placement;
    }

    /// Adds a stack.
    pub fn add_stack(&mut self, stack: Stack) -> Result<(), SynthError> {
        let name = stack.name().to_owned();
        if !is_valid_stack_name(&name) {
            return Err(SynthError::InvalidStackName(name));
        }
        if self.stacks.contains_key(&name) {
            return Err(SynthError::DuplicateStack(name));
        }
        self.stacks.insert(name, stack);
        Ok(())
    }

    /// The stack with the given name.
    pub fn stack(&self, name: &str) -> Option<&Stack> {
        self.stacks.get(name)
    }

    /// The stacks, in the order they were added.
    pub fn stacks(&self) -> impl Iterator<Item = &Stack> {
        self.stacks.values()
    }

    /// Adds a file to the assembly, e.g. `manifests/karpenter.yaml`.
    pub fn add_file(&mut self, path: impl Into<String>, content: impl Into<String>) {
        self.files.insert(path.into(), content.into());
    }

    /// Synthesizes every stack: splits a stack that would pass a CloudFormation quota into
    /// numbered stacks (stably, see [`Placement`]), resolves cross-stack references, checks
    /// the quotas, orders the stacks by their dependencies.
    pub fn synth(&self, format: Format) -> Result<Assembly, SynthError> {
        let split = split::split(&self.stacks, &self.placement)?;
        let stacks = split.as_ref().unwrap_or(&self.stacks);
        let resolved = resolve::resolve(stacks, self.references)?;
        let order = graph::deploy_order(&resolved)?;
        for stack in &resolved {
            check_quotas(stack)?;
        }
        assembly::build(resolved, order, &self.files, format, self.environment.as_deref())
    }
}

/// CloudFormation stack names: a letter, then letters, digits and hyphens, 128 at most.
pub fn is_valid_stack_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic())
        && name.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn check_quotas(stack: &resolve::ResolvedStack) -> Result<(), SynthError> {
    let section = |name: &str| stack.template.get(name).and_then(|s| s.as_object());
    let count = |name: &str| section(name).map_or(0, |m| m.len());
    for (what, name, limit, origins) in [
        ("the number of resources", "Resources", MAX_RESOURCES, Some(&stack.origins)),
        ("the number of outputs", "Outputs", MAX_OUTPUTS, Some(&stack.output_origins)),
        ("the number of parameters", "Parameters", MAX_PARAMETERS, None),
    ] {
        let actual = count(name);
        if actual > limit {
            let sources = match (origins, section(name)) {
                (Some(origins), Some(entries)) => quota_sources(entries.keys().map(|id| (id, 1)), origins),
                _ => Vec::new(),
            };
            return Err(SynthError::Quota { stack: stack.name.clone(), what, actual, limit, sources });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::cfn::{Expr, Output, ResourceOptions};
    use crate::resources::ec2::{Subnet, VPC};

    fn two_stacks() -> App {
        let mut network = Stack::new("demo-network", "network");
        let vpc = network.add("Vpc", VPC { cidr_block: Some("10.0.0.0/16".into()), ..VPC::default() }).unwrap();
        let mut cluster = Stack::new("demo-cluster", "cluster");
        let subnet = cluster
            .add(
                "Subnet",
                Subnet { vpc_id: vpc.reference(), cidr_block: Some(vpc.attr_cidr_block()), ..Subnet::default() },
            )
            .unwrap();
        cluster.add_output("SubnetId", Output::new(subnet.reference(), "the subnet")).unwrap();
        let mut app = App::new();
        // Added consumer first: the deploy order must still put the producer first.
        app.add_stack(cluster).unwrap();
        app.add_stack(network).unwrap();
        app
    }

    #[test]
    fn a_reference_across_stacks_becomes_an_export_and_an_import() {
        let assembly = two_stacks().synth(Format::Json).unwrap();
        let names: Vec<&str> = assembly.stacks().iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["demo-network", "demo-cluster"]);
        let network = &assembly.stack("demo-network").unwrap().template;
        assert_eq!(
            network["Outputs"]["ExportVpc"],
            json!({
                "Description": "Used by other stacks of this app (export demo-network:Vpc)",
                "Value": {"Ref": "Vpc"},
                "Export": {"Name": "demo-network:Vpc"}
            })
        );
        assert_eq!(network["Outputs"]["ExportVpcCidrBlock"]["Value"], json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]}));
        let cluster = assembly.stack("demo-cluster").unwrap();
        assert_eq!(
            cluster.template["Resources"]["Subnet"]["Properties"]["VpcId"],
            json!({"Fn::ImportValue": "demo-network:Vpc"})
        );
        assert_eq!(
            cluster.template["Resources"]["Subnet"]["Properties"]["CidrBlock"],
            json!({"Fn::ImportValue": "demo-network:Vpc-CidrBlock"})
        );
        assert_eq!(cluster.template["Outputs"]["SubnetId"]["Value"], json!({"Ref": "Subnet"}));
        assert_eq!(
            cluster.dependencies["demo-network"],
            vec!["Subnet uses Vpc".to_owned(), "Subnet uses Vpc.CidrBlock".to_owned()]
        );
    }

    #[test]
    fn weak_references_read_plain_outputs_with_get_stack_output() {
        let mut app = two_stacks();
        app.set_references(References::StackOutputs);
        let assembly = app.synth(Format::Json).unwrap();
        let network = &assembly.stack("demo-network").unwrap().template;
        assert_eq!(
            network["Outputs"]["OutputVpc"],
            json!({"Description": "Used by other stacks of this app (Fn::GetStackOutput)", "Value": {"Ref": "Vpc"}})
        );
        let cluster = &assembly.stack("demo-cluster").unwrap().template;
        assert_eq!(
            cluster["Resources"]["Subnet"]["Properties"]["VpcId"],
            json!({"Fn::GetStackOutput": {"StackName": "demo-network", "OutputName": "OutputVpc"}})
        );
        assert_eq!(assembly.stacks()[0].name, "demo-network", "still a dependency");
    }

    #[test]
    fn a_cycle_between_stacks_is_an_error_naming_the_chain() {
        let mut a = Stack::new("a", "a");
        let mut b = Stack::new("b", "b");
        let va = a.add("VpcA", VPC::default()).unwrap();
        let vb = b.add("VpcB", VPC::default()).unwrap();
        a.add("SubnetA", Subnet { vpc_id: vb.reference(), ..Subnet::default() }).unwrap();
        b.add("SubnetB", Subnet { vpc_id: va.reference(), ..Subnet::default() }).unwrap();
        let mut app = App::new();
        app.add_stack(a).unwrap();
        app.add_stack(b).unwrap();
        let err = app.synth(Format::Json).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("stack dependency cycle: a -> b (SubnetA uses VpcB), b -> a (SubnetB uses VpcA)".to_owned())
        );
    }

    #[test]
    fn a_dependency_on_another_stack_orders_the_stacks() {
        let mut a = Stack::new("a", "a");
        let va = a.add("Vpc", VPC::default()).unwrap();
        let mut b = Stack::new("b", "b");
        b.add_with("Other", VPC::default(), ResourceOptions::new().depends_on(&va)).unwrap();
        let mut app = App::new();
        app.add_stack(b).unwrap();
        app.add_stack(a).unwrap();
        let assembly = app.synth(Format::Json).unwrap();
        let b = assembly.stack("b").unwrap();
        assert_eq!(b.dependencies["a"], vec!["Other depends on Vpc".to_owned()]);
        assert!(b.template["Resources"]["Other"].get("DependsOn").is_none(), "no cross-stack DependsOn");
        assert_eq!(assembly.stacks()[0].name, "a");
    }

    #[test]
    fn unresolvable_references_fail_at_synthesis_not_at_deploy() {
        let mut s = Stack::new("s", "s");
        s.add("Subnet", Subnet { vpc_id: Expr::local_ref("Missing"), ..Subnet::default() }).unwrap();
        let mut app = App::new();
        app.add_stack(s).unwrap();
        let err = app.synth(Format::Json).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("stack `s`: `Subnet` refers to `Missing`, which is not a resource or parameter of stack `s`".into())
        );

        let mut s = Stack::new("s", "s");
        s.add_output("Bad", Output::new(Expr::sub("${Nope.Arn} in ${AWS::Region}"), "x")).unwrap();
        let mut app = App::new();
        app.add_stack(s).unwrap();
        let err = app.synth(Format::Json).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(
            err,
            Err("stack `s`: `Bad` refers to `Nope.Arn`, which is not a resource or parameter of stack `s`".into())
        );
    }

    #[test]
    fn stack_names_and_quotas_are_checked() {
        let mut app = App::new();
        assert!(matches!(app.add_stack(Stack::new("1bad", "x")), Err(SynthError::InvalidStackName(_))));
        app.add_stack(Stack::new("ok", "x")).unwrap();
        assert!(matches!(app.add_stack(Stack::new("ok", "x")), Err(SynthError::DuplicateStack(_))));

        let mut big = Stack::new("big", "x");
        for i in 0..=MAX_RESOURCES {
            big.add(&format!("Vpc{i}"), VPC::default()).unwrap();
        }
        let mut app = App::new();
        app.add_stack(big).unwrap();
        let err = app.synth(Format::Json).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(err, Err("stack `big`: the number of resources is 501, above CloudFormation's limit of 500".into()));
    }

    #[test]
    fn a_quota_error_says_which_fields_the_resources_come_from() {
        let mut big = Stack::new("big", "x");
        big.set_origin(Some("network".into()));
        big.add("Vpc", VPC::default()).unwrap();
        // Every entry is waited on by the rest of the stack, so none can be split off.
        let mut pinned = ResourceOptions::new();
        for i in 0..250 {
            big.set_origin(Some(format!("compute.managedNodeGroups[{i}]")));
            pinned = pinned.depends_on(&big.add(&format!("Group{i}A"), VPC::default()).unwrap());
            pinned = pinned.depends_on(&big.add(&format!("Group{i}B"), VPC::default()).unwrap());
        }
        for i in 0..50 {
            big.set_origin(Some(format!("identities[{i}]")));
            pinned = pinned.depends_on(&big.add(&format!("Identity{i}"), VPC::default()).unwrap());
        }
        big.set_origin(None);
        big.add_with("Unattributed", VPC::default(), pinned).unwrap();
        assert_eq!(big.origin_of("Group3B"), Some("compute.managedNodeGroups[3]"));
        assert_eq!(big.origin_of("Unattributed"), None);
        let mut app = App::new();
        app.add_stack(big).unwrap();
        let err = app.synth(Format::Json).map(|_| ()).unwrap_err();
        let SynthError::Quota { sources, .. } = &err else { panic!("{err}") };
        assert_eq!(sources[0], QuotaSource { field: "compute.managedNodeGroups".into(), entries: 250, amount: 500 });
        assert_eq!(
            err.to_string(),
            "stack `big`: the number of resources is 552, above CloudFormation's limit of 500; \
             500 come from compute.managedNodeGroups (250 entries), 50 from identities (50 entries), \
             1 from elsewhere (no blueprint field, such as exports), 1 from network"
        );

        let mut outputs = Stack::new("outputs", "x");
        for i in 0..=MAX_OUTPUTS {
            outputs.set_origin(Some(format!("identities[{i}]")));
            outputs.add_output(&format!("Identity{i}Arn"), Output::new(Expr::from("x"), "x")).unwrap();
        }
        let mut app = App::new();
        app.add_stack(outputs).unwrap();
        // Entries of a list nothing else refers to are split off instead (split.rs): 180
        // outputs (90% of the quota) in the first stack, the rest in `outputs-2`.
        let assembly = app.synth(Format::Json).unwrap();
        let counts: Vec<(&str, usize)> = assembly
            .stacks()
            .iter()
            .map(|s| (s.name.as_str(), s.template["Outputs"].as_object().map_or(0, |o| o.len())))
            .collect();
        assert_eq!(counts, [("outputs", 180), ("outputs-2", 21)]);
    }
}
