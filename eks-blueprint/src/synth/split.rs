//! Stable automatic splitting: a stack that would pass a CloudFormation quota is split into
//! numbered stacks `<stack>-2`, `<stack>-3`, ..., before cross-stack references are
//! resolved, so a moved resource is referred to through an export and an import like any
//! other reference across stacks.
//!
//! What moves is an *item*: the resources and outputs of one entry of a list of the input
//! (their origin, [`Stack::set_origin`], is `field[i]`: an identity, a node group). What
//! has no list origin, and any item the rest of its stack refers to, stays in the stack.
//!
//! Stability. Moving a resource between stacks deletes and recreates it, so an item must
//! never move because another one was added, removed or reordered. A pure function of the
//! current input cannot promise that once a stack is full (whichever item is "last" would
//! move), so the assignment is sticky: given the previous output ([`Placement`]), every item
//! whose resources were in `<stack>` or `<stack>-k` stays there as long as that stack stays
//! within the hard quotas; only items not placed before go to the first stack with room
//! under a soft capacity of 90% of each quota (the headroom lets placed items grow and
//! leaves room for the exports other stacks need). Logical ids never change. Without a
//! previous output, items are placed in input order, first fit. A stack within every quota
//! and with no item placed elsewhere before is left as it is (byte for byte).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;

use indexmap::IndexMap;
use serde_json::Value;

use super::{list_field, MAX_OUTPUTS, MAX_PARAMETERS, MAX_RESOURCES, MAX_TEMPLATE_BYTES};
use crate::cfn::{Expr, Stack, Target, QUALIFIER};

/// The share of each CloudFormation quota newly placed items may fill, in percent: the
/// rest is headroom for placed items to grow and for exports added at resolution.
pub const SOFT_CAPACITY_PERCENT: usize = 90;

/// Where each resource was in a previous output: what keeps items in their stacks.
///
/// Build it from the previous output directory ([`Placement::from_templates`] with
/// [`super::diff::Templates::read_dir`]), from an assembly in memory, or from stack
/// templates fetched from CloudFormation (`aws cloudformation get-template`).
#[derive(Debug, Clone, Default)]
pub struct Placement {
    /// Logical id -> the stacks whose templates held it.
    by_id: HashMap<String, Vec<String>>,
}

impl Placement {
    /// No previous output: items are placed in input order.
    pub fn new() -> Self {
        Placement::default()
    }

    /// From `(stack name, template)` pairs: each template's `Resources` keys.
    pub fn from_stacks<'a>(stacks: impl IntoIterator<Item = (&'a str, &'a Value)>) -> Self {
        let mut by_id: HashMap<String, Vec<String>> = HashMap::new();
        for (name, template) in stacks {
            if let Some(resources) = template.get("Resources").and_then(Value::as_object) {
                for id in resources.keys() {
                    by_id.entry(id.clone()).or_default().push(name.to_owned());
                }
            }
        }
        Placement { by_id }
    }

    /// From a previous output read with [`super::diff::Templates::read_dir`].
    pub fn from_templates(templates: &super::diff::Templates) -> Self {
        Placement::from_stacks(templates.stacks())
    }

    /// From a synthesis in memory.
    pub fn from_assembly(assembly: &super::Assembly) -> Self {
        Placement::from_stacks(assembly.stacks().iter().map(|s| (s.name.as_str(), &s.template)))
    }

    /// Whether nothing was placed before.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// The number of the stack (1 for `base` itself, k for `base-k`) that held `id`.
    fn previous(&self, base: &str, id: &str) -> Option<u32> {
        self.by_id.get(id)?.iter().find_map(|name| stack_number(base, name))
    }
}

/// 1 for `base`, k for `base-k` (k ≥ 2).
fn stack_number(base: &str, name: &str) -> Option<u32> {
    if name == base {
        return Some(1);
    }
    let rest = name.strip_prefix(base)?.strip_prefix('-')?;
    let k: u32 = rest.parse().ok()?;
    (k >= 2 && rest == k.to_string()).then_some(k)
}

/// The name of stack number `k` of `base`.
pub(crate) fn numbered(base: &str, k: u32) -> String {
    if k <= 1 {
        base.to_owned()
    } else {
        format!("{base}-{k}")
    }
}

/// What counts toward the quotas.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cost {
    resources: usize,
    outputs: usize,
    parameters: usize,
    bytes: usize,
}

impl Cost {
    fn plus(self, o: Cost) -> Cost {
        Cost {
            resources: self.resources + o.resources,
            outputs: self.outputs + o.outputs,
            parameters: self.parameters + o.parameters,
            bytes: self.bytes + o.bytes,
        }
    }

    fn within(self, limit: Cost) -> bool {
        self.resources <= limit.resources
            && self.outputs <= limit.outputs
            && self.parameters <= limit.parameters
            && self.bytes <= limit.bytes
    }
}

const HARD: Cost =
    Cost { resources: MAX_RESOURCES, outputs: MAX_OUTPUTS, parameters: MAX_PARAMETERS, bytes: MAX_TEMPLATE_BYTES };

fn soft() -> Cost {
    let p = |n: usize| n * SOFT_CAPACITY_PERCENT / 100;
    Cost {
        resources: p(MAX_RESOURCES),
        outputs: p(MAX_OUTPUTS),
        parameters: p(MAX_PARAMETERS),
        bytes: p(MAX_TEMPLATE_BYTES),
    }
}

/// Counts bytes and lines written.
#[derive(Default)]
struct Counter {
    bytes: usize,
    lines: usize,
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes += buf.len();
        self.lines += buf.iter().filter(|&&b| b == b'\n').count();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// About how many bytes `value` takes in the pretty-printed template, at `depth` levels of
/// two-space indentation, under the key `id`.
fn pretty_size(id: &str, value: &impl serde::Serialize, depth: usize) -> usize {
    let mut counter = Counter::default();
    let _ = serde_json::to_writer_pretty(&mut counter, value);
    counter.bytes + counter.lines * 2 * depth + id.len() + 2 * depth + 6
}

/// One entry of an input list: its resources and outputs, in template order.
#[derive(Debug, Default)]
struct Item {
    resources: Vec<String>,
    outputs: Vec<String>,
    cost: Cost,
}

/// Splits every stack that needs it. `None` when no stack does (the common case: nothing
/// is copied).
pub(crate) fn split(
    stacks: &IndexMap<String, Stack>,
    placement: &Placement,
) -> Result<Option<IndexMap<String, Stack>>, super::SynthError> {
    let mut plans: Vec<(usize, Plan)> = Vec::new();
    for (i, stack) in stacks.values().enumerate() {
        if let Some(plan) = plan(stack, placement) {
            plans.push((i, plan));
        }
    }
    if plans.is_empty() {
        return Ok(None);
    }
    // Logical id (qualified with its original stack) -> its new stack.
    let mut moved: HashMap<String, String> = HashMap::new();
    let mut out: IndexMap<String, Stack> = IndexMap::new();
    for (i, stack) in stacks.values().enumerate() {
        let Some((_, plan)) = plans.iter().find(|(j, _)| *j == i) else {
            out.insert(stack.name().to_owned(), stack.clone());
            continue;
        };
        for (id, k) in &plan.resource_bins {
            if *k > 1 {
                moved.insert(format!("{}{QUALIFIER}{id}", stack.name()), numbered(stack.name(), *k));
            }
        }
        for part in apply(stack, plan) {
            if out.contains_key(part.name()) || (stacks.contains_key(part.name()) && part.name() != stack.name()) {
                return Err(super::SynthError::DuplicateStack(part.name().to_owned()));
            }
            out.insert(part.name().to_owned(), part);
        }
    }
    for stack in out.values_mut() {
        retarget(stack, &moved);
    }
    Ok(Some(out))
}

/// Which stack number each item of a stack goes to.
#[derive(Debug)]
struct Plan {
    /// Logical id -> stack number, for every resource that moves or stays (items only).
    resource_bins: HashMap<String, u32>,
    /// Output id -> stack number, for item outputs.
    output_bins: HashMap<String, u32>,
}

fn plan(stack: &Stack, placement: &Placement) -> Option<Plan> {
    let template = stack.template();
    let (origins, output_origins) = (stack.origins(), stack.output_origins());
    fn is_entry(origin: Option<&String>) -> Option<&String> {
        origin.filter(|o| list_field(o).1)
    }
    // Quick count first: most stacks are far from every quota and were never split.
    let mut items: IndexMap<&str, Item> = IndexMap::new();
    for id in template.resources.keys() {
        if let Some(origin) = is_entry(origins.get(id)) {
            items.entry(origin).or_default().resources.push(id.clone());
        }
    }
    for id in template.outputs.keys() {
        if let Some(origin) = is_entry(output_origins.get(id)) {
            items.entry(origin).or_default().outputs.push(id.clone());
        }
    }
    if items.is_empty() {
        return None;
    }
    let base = stack.name();
    let was_split =
        items.values().flat_map(|item| &item.resources).any(|id| placement.previous(base, id).unwrap_or(1) > 1);
    let counts_fit = template.resources.len() <= MAX_RESOURCES
        && template.outputs.len() <= MAX_OUTPUTS
        && template.parameters.len() <= MAX_PARAMETERS;
    if !was_split && counts_fit && pretty_size("", template, 0) <= MAX_TEMPLATE_BYTES {
        return None;
    }
    // Items the rest of the stack refers to stay with it.
    let item_of: HashMap<&str, &str> = template
        .resources
        .keys()
        .filter_map(|id| is_entry(origins.get(id)).map(|origin| (id.as_str(), origin.as_str())))
        .collect();
    let mut pinned: HashSet<&str> = HashSet::new();
    for (id, resource) in &template.resources {
        if item_of.contains_key(id.as_str()) {
            continue;
        }
        visit_targets(&resource.properties, &mut |target| {
            if let Some(origin) = item_of.get(local_id(base, target)) {
                pinned.insert(origin);
            }
        });
        for dep in &resource.depends_on {
            if let Some(origin) = item_of.get(dep.as_str()) {
                pinned.insert(origin);
            }
        }
    }
    for (id, output) in &template.outputs {
        if is_entry(output_origins.get(id)).is_none() {
            visit_targets(&output.value.to_json(), &mut |target| {
                if let Some(origin) = item_of.get(local_id(base, target)) {
                    pinned.insert(origin);
                }
            });
        }
    }
    items.retain(|origin, _| !pinned.contains(origin));
    if items.is_empty() {
        return None;
    }
    let mut bins: BTreeMap<u32, Cost> = BTreeMap::new();
    let mut base_cost = Cost { parameters: template.parameters.len(), bytes: 200, ..Cost::default() };
    for (id, resource) in &template.resources {
        let cost = Cost { resources: 1, bytes: pretty_size(id, resource, 2), ..Cost::default() };
        match item_of.get(id.as_str()).and_then(|o| items.get_mut(*o)) {
            Some(item) => item.cost = item.cost.plus(cost),
            None => base_cost = base_cost.plus(cost),
        }
    }
    for (id, output) in &template.outputs {
        let cost = Cost { outputs: 1, bytes: pretty_size(id, output, 2), ..Cost::default() };
        match is_entry(output_origins.get(id)).and_then(|o| items.get_mut(o.as_str())) {
            Some(item) => item.cost = item.cost.plus(cost),
            None => base_cost = base_cost.plus(cost),
        }
    }
    bins.insert(1, base_cost);
    let mut assigned: Vec<Option<u32>> = vec![None; items.len()];
    // Sticky: where the previous output had it, while that stack stays within the quotas.
    for (n, item) in items.values().enumerate() {
        let Some(k) = item.resources.iter().find_map(|id| placement.previous(base, id)) else { continue };
        let bin = bins.entry(k).or_default();
        if bin.plus(item.cost).within(HARD) {
            *bin = bin.plus(item.cost);
            assigned[n] = Some(k);
        }
    }
    // New (or evicted) items: the first stack with room under the soft capacity.
    let soft = soft();
    for (n, item) in items.values().enumerate() {
        if assigned[n].is_some() {
            continue;
        }
        let k = bins
            .iter()
            .find(|(_, cost)| cost.plus(item.cost).within(soft))
            .map(|(k, _)| *k)
            .unwrap_or_else(|| (2..).find(|k| !bins.contains_key(k)).unwrap_or(u32::MAX));
        let bin = bins.entry(k).or_default();
        *bin = bin.plus(item.cost);
        assigned[n] = Some(k);
    }
    if assigned.iter().all(|k| *k == Some(1)) {
        return None;
    }
    let mut resource_bins = HashMap::new();
    let mut output_bins = HashMap::new();
    for (item, k) in items.values().zip(assigned) {
        let k = k.unwrap_or(1);
        resource_bins.extend(item.resources.iter().map(|id| (id.clone(), k)));
        output_bins.extend(item.outputs.iter().map(|id| (id.clone(), k)));
    }
    Some(Plan { resource_bins, output_bins })
}

/// The logical id of a target of stack `base` (qualified `base#Id` or local `Id`).
fn local_id<'a>(base: &str, target: &'a str) -> &'a str {
    match target.split_once(QUALIFIER) {
        Some((stack, id)) if stack == base => id,
        Some(_) => "",
        None => target,
    }
}

/// Calls `f` with the target of every `Ref` and `Fn::GetAtt` in `value`.
fn visit_targets(value: &Value, f: &mut dyn FnMut(&str)) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(id)) = map.get("Ref") {
                    return f(id);
                }
                if let Some(Value::Array(parts)) = map.get("Fn::GetAtt") {
                    if let Some(Value::String(id)) = parts.first() {
                        return f(id);
                    }
                }
            }
            map.values().for_each(|v| visit_targets(v, f));
        }
        Value::Array(items) => items.iter().for_each(|v| visit_targets(v, f)),
        _ => {}
    }
}

/// The stacks a split stack becomes: itself with what stays, then `-2`, `-3`, ...
fn apply(stack: &Stack, plan: &Plan) -> Vec<Stack> {
    let base = stack.name();
    let numbers: std::collections::BTreeSet<u32> =
        plan.resource_bins.values().chain(plan.output_bins.values()).copied().filter(|k| *k > 1).collect();
    let description = stack.template().description.clone().unwrap_or_default();
    let mut parts: BTreeMap<u32, Stack> = BTreeMap::new();
    let mut first = Stack::new(base, description.clone());
    first.template_mut().metadata = stack.template().metadata.clone();
    first.template_mut().parameters = stack.template().parameters.clone();
    first.template_mut().conditions = stack.template().conditions.clone();
    parts.insert(1, first);
    for k in numbers {
        let text = format!("{description} (continued: stack {k} of this part, split by eks-blueprint to stay within CloudFormation's quotas)");
        let text: String = text.chars().take(1024).collect();
        parts.insert(k, Stack::new(numbered(base, k), text));
    }
    let bin_of = |id: &str| plan.resource_bins.get(id).copied().unwrap_or(1);
    for (id, resource) in &stack.template().resources {
        let k = bin_of(id);
        let Some(part) = parts.get_mut(&k) else { continue };
        let mut resource = resource.clone();
        // A DependsOn on a resource now in another stack becomes a stack dependency.
        let (local, foreign): (Vec<String>, Vec<String>) =
            resource.depends_on.into_iter().partition(|dep| bin_of(dep) == k);
        resource.depends_on = local;
        for dep in foreign {
            let target = Target { stack: Some(base.to_owned()), logical_id: dep };
            part.foreign_depends_on.push((id.clone(), target));
        }
        // A local `Ref` to a resource now in another stack: qualify it with its stack.
        qualify_locals(&mut resource.properties, base, &|target| {
            bin_of(target) != k && stack.template().resources.contains_key(target)
        });
        part.template_mut().resources.insert(id.clone(), resource);
        if let Some(origin) = stack.origin_of(id) {
            part.origins_mut().0.insert(id.clone(), origin.to_owned());
        }
    }
    for (id, output) in &stack.template().outputs {
        let k = plan.output_bins.get(id).copied().unwrap_or(1);
        let Some(part) = parts.get_mut(&k) else { continue };
        part.template_mut().outputs.insert(id.clone(), output.clone());
        if let Some(origin) = stack.output_origins().get(id) {
            part.origins_mut().1.insert(id.clone(), origin.clone());
        }
    }
    for (from, target) in &stack.foreign_depends_on {
        let k = bin_of(from);
        if let Some(part) = parts.get_mut(&k) {
            part.foreign_depends_on.push((from.clone(), target.clone()));
        }
    }
    parts.into_values().collect()
}

fn qualify_locals(value: &mut Value, base: &str, elsewhere: &dyn Fn(&str) -> bool) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(id)) = map.get_mut("Ref") {
                    if !id.contains(QUALIFIER) && elsewhere(id) {
                        *id = format!("{base}{QUALIFIER}{id}");
                    }
                    return;
                }
                if let Some(Value::Array(parts)) = map.get_mut("Fn::GetAtt") {
                    if let Some(Value::String(id)) = parts.first_mut() {
                        if !id.contains(QUALIFIER) && elsewhere(id) {
                            *id = format!("{base}{QUALIFIER}{id}");
                        }
                    }
                    return;
                }
            }
            map.values_mut().for_each(|v| qualify_locals(v, base, elsewhere));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| qualify_locals(v, base, elsewhere)),
        _ => {}
    }
}

/// Points every reference to a moved resource at its new stack.
fn retarget(stack: &mut Stack, moved: &HashMap<String, String>) {
    if moved.is_empty() {
        return;
    }
    let new_name = |encoded: &str| -> Option<String> {
        let stack = moved.get(encoded)?;
        let (_, id) = encoded.split_once(QUALIFIER)?;
        Some(format!("{stack}{QUALIFIER}{id}"))
    };
    let template = stack.template_mut();
    for resource in template.resources.values_mut() {
        retarget_value(&mut resource.properties, &new_name);
        if let Some(metadata) = &mut resource.metadata {
            retarget_value(metadata, &new_name);
        }
    }
    for output in template.outputs.values_mut() {
        retarget_expr(&mut output.value, moved);
    }
    for condition in template.conditions.values_mut() {
        retarget_expr(condition, moved);
    }
    for (_, target) in &mut stack.foreign_depends_on {
        retarget_target(target, moved);
    }
}

fn retarget_value(value: &mut Value, new_name: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Object(map) => {
            if map.len() == 1 {
                if let Some(Value::String(id)) = map.get_mut("Ref") {
                    if let Some(new) = new_name(id) {
                        *id = new;
                    }
                    return;
                }
                if let Some(Value::Array(parts)) = map.get_mut("Fn::GetAtt") {
                    if let Some(Value::String(id)) = parts.first_mut() {
                        if let Some(new) = new_name(id) {
                            *id = new;
                        }
                    }
                    return;
                }
            }
            map.values_mut().for_each(|v| retarget_value(v, new_name));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| retarget_value(v, new_name)),
        _ => {}
    }
}

fn retarget_target(target: &mut Target, moved: &HashMap<String, String>) {
    let Some(stack) = &target.stack else { return };
    if let Some(new) = moved.get(&format!("{stack}{QUALIFIER}{}", target.logical_id)) {
        target.stack = Some(new.clone());
    }
}

fn retarget_expr(expr: &mut Expr, moved: &HashMap<String, String>) {
    match expr {
        Expr::Ref(target) | Expr::GetAtt(target, _) => retarget_target(target, moved),
        Expr::List(items) | Expr::Join(_, items) => items.iter_mut().for_each(|e| retarget_expr(e, moved)),
        Expr::Sub(_, vars) => vars.values_mut().for_each(|e| retarget_expr(e, moved)),
        Expr::Select(_, e)
        | Expr::Split(_, e)
        | Expr::GetAzs(e)
        | Expr::ImportValue(e)
        | Expr::Base64(e)
        | Expr::Cidr(e, _, _) => retarget_expr(e, moved),
        Expr::If(_, a, b) | Expr::Equals(a, b) => {
            retarget_expr(a, moved);
            retarget_expr(b, moved);
        }
        Expr::Json(value) => {
            let new_name = |encoded: &str| -> Option<String> {
                let stack = moved.get(encoded)?;
                let (_, id) = encoded.split_once(QUALIFIER)?;
                Some(format!("{stack}{QUALIFIER}{id}"))
            };
            retarget_value(value, &new_name);
        }
        Expr::Str(_) | Expr::Int(_) | Expr::Bool(_) | Expr::Pseudo(_) => {}
    }
}
