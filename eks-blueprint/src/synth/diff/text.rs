//! The human form of a diff: one block per stack, worst change first, each marked so that
//! it reads without colour (`!!` stateful replacement, `!` replacement, `x` blocker, `-`
//! removal, `~` update, `+` addition).

use std::fmt::Write;

use serde_json::Value;

use super::{Action, Diff, PropertyChange, Replacement, ResourceChange, Severity, StackDiff, StackStatus};

/// The most characters of a value shown; the JSON form has them whole.
const MAX_VALUE_CHARS: usize = 60;

/// How to print a diff as text.
#[derive(Debug, Clone, Default)]
pub struct TextOptions {
    color: bool,
}

impl TextOptions {
    /// Plain text.
    pub fn new() -> Self {
        TextOptions::default()
    }

    /// ANSI colours: red for the replacement of a stateful resource, yellow for other
    /// replacements and deploy blockers. Default: none.
    pub fn color(mut self, color: bool) -> Self {
        self.color = color;
        self
    }
}

const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

fn marker(severity: Severity) -> &'static str {
    match severity {
        Severity::StatefulReplacement => "!!",
        Severity::Replacement => "! ",
        Severity::Blocker => "x ",
        Severity::Removal => "- ",
        Severity::Update => "~ ",
        Severity::Addition => "+ ",
    }
}

fn paint(options: &TextOptions, severity: Severity, line: &str) -> String {
    let color = match severity {
        Severity::StatefulReplacement => RED,
        Severity::Replacement | Severity::Blocker => YELLOW,
        _ => return line.to_owned(),
    };
    if options.color {
        format!("{color}{line}{RESET}")
    } else {
        line.to_owned()
    }
}

/// A value in one short line: compact JSON, cut after [`MAX_VALUE_CHARS`] characters.
pub(crate) fn short(value: &Value) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    match text.char_indices().nth(MAX_VALUE_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

fn short_opt(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), short)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The one-line summary.
pub(crate) fn summary_line(diff: &Diff) -> String {
    let s = &diff.summary;
    let total = diff.stacks.len();
    if !diff.has_differences() {
        return format!("No differences ({}).", plural(total, "stack", "stacks"));
    }
    let mut replacements = plural(s.replacements, "replacement", "replacements");
    let mut detail = Vec::new();
    if s.stateful_replacements > 0 {
        detail.push(format!("{} stateful", s.stateful_replacements));
    }
    if s.acknowledged > 0 {
        detail.push(format!("{} acknowledged", s.acknowledged));
    }
    if !detail.is_empty() {
        replacements.push_str(&format!(" ({})", detail.join(", ")));
    }
    let mut parts = vec![
        replacements,
        plural(s.blockers, "deploy blocker", "deploy blockers"),
        plural(s.removed, "removal", "removals"),
        plural(s.updated, "update", "updates"),
        plural(s.added, "addition", "additions"),
    ];
    if s.outputs > 0 {
        parts.push(plural(s.outputs, "output change", "output changes"));
    }
    if s.sections > 0 {
        parts.push(plural(s.sections, "other template change", "other template changes"));
    }
    if s.files > 0 {
        parts.push(plural(s.files, "file change", "file changes"));
    }
    let mut stacks = Vec::new();
    for (n, what) in [
        (s.stacks.changed, "changed"),
        (s.stacks.renamed, "renamed"),
        (s.stacks.added, "added"),
        (s.stacks.removed, "removed"),
        (s.stacks.unchanged, "unchanged"),
    ] {
        if n > 0 {
            stacks.push(format!("{n} {what}"));
        }
    }
    format!("Summary: {}; stacks: {}.", parts.join(", "), stacks.join(", "))
}

/// The whole report.
pub(crate) fn render(diff: &Diff, options: &TextOptions) -> String {
    let mut out = String::new();
    let count = |n: usize| plural(n, "stack", "stacks");
    let old_n = diff.stacks.iter().filter(|s| s.status != StackStatus::Added).count();
    let new_n = diff.stacks.iter().filter(|s| s.status != StackStatus::Removed).count();
    let _ = writeln!(out, "Old: {} ({})", diff.old, count(old_n));
    let _ = writeln!(out, "New: {} ({})", diff.new, count(new_n));
    for note in &diff.notes {
        let _ = writeln!(out, "\n{}", paint(options, Severity::StatefulReplacement, &format!("!! {note}")));
    }
    let mut unchanged = Vec::new();
    for stack in &diff.stacks {
        if stack.status == StackStatus::Unchanged {
            unchanged.push(stack.name.as_str());
            continue;
        }
        out.push('\n');
        render_stack(&mut out, stack, options);
    }
    if !unchanged.is_empty() {
        let _ = writeln!(out, "\nUnchanged: {}", unchanged.join(", "));
    }
    if let Some(files) = diff.files.as_ref().filter(|f| !f.is_empty()) {
        let _ = writeln!(out, "\nOther files:");
        for f in files {
            let m = match f.action {
                Action::Add => "+ ",
                Action::Remove => "- ",
                _ => "~ ",
            };
            let _ = writeln!(out, "  {m} {} {}", f.action.as_str(), f.path);
        }
    }
    let _ = writeln!(out, "\n{}", summary_line(diff));
    out
}

fn render_stack(out: &mut String, stack: &StackDiff, options: &TextOptions) {
    let header = match stack.status {
        StackStatus::Added => {
            format!("Stack {}: new, {} to create", stack.name, plural(stack.resources.len(), "resource", "resources"))
        }
        StackStatus::Removed => format!(
            "Stack {}: only in the old output; deploying does not delete it ({})",
            stack.name,
            plural(stack.resources.len(), "resource", "resources")
        ),
        StackStatus::Renamed => {
            let anew = stack.resources.iter().filter(|r| r.action == Action::Replace).count();
            format!(
                "Stack {}: new name of `{}`; {} created anew",
                stack.name,
                stack.renamed_from.as_deref().unwrap_or(""),
                if anew == 1 { "its one resource is".to_owned() } else { format!("all {anew} resources are") }
            )
        }
        StackStatus::Changed | StackStatus::Unchanged => format!("Stack {}", stack.name),
    };
    let _ = writeln!(out, "{header}");
    if matches!(stack.status, StackStatus::Added | StackStatus::Removed) {
        return; // every resource alike: the JSON form lists them
    }
    let renamed = stack.status == StackStatus::Renamed;
    let (mut listed, mut not_listed) = (0, 0);
    for r in &stack.resources {
        // In a renamed stack every resource is new: the stateful ones and those with a
        // blocker are listed, the others counted.
        if renamed && r.stateful.is_none() && r.blockers.is_empty() && r.action == Action::Replace {
            not_listed += 1;
            continue;
        }
        render_resource(out, r, options, renamed);
        listed += 1;
    }
    if not_listed > 0 && listed > 0 {
        let _ = writeln!(out, "  and {} created anew", plural(not_listed, "more resource", "more resources"));
    } else if not_listed > 0 {
        // Nothing listed above: "and N more" would count from nothing.
        let what = if not_listed == 1 {
            "not stateful, and nothing blocks it"
        } else {
            "none stateful, and nothing blocks them"
        };
        let _ = writeln!(out, "  {what}");
    }
    if !stack.outputs.is_empty() {
        let _ = writeln!(out, "  Outputs:");
        for o in &stack.outputs {
            let export = o.export.as_ref().map_or_else(String::new, |e| format!(" (export {e})"));
            let line = format!("  {} {} {}{export}", marker(o.severity), o.action.as_str(), o.name);
            let _ = writeln!(out, "{}", paint(options, o.severity, &line));
            if o.action == Action::Update {
                let mut value = format!("{} -> {}", short_opt(o.old.as_ref()), short_opt(o.new.as_ref()));
                if let (Some(via), true) = (&o.via, o.old == o.new) {
                    value = format!("{} changes at deploy: `{via}` is replaced", short_opt(o.new.as_ref()));
                }
                let _ = writeln!(out, "       value: {value}");
            }
            for b in &o.blockers {
                let _ = writeln!(out, "       blocked: {b}");
            }
        }
    }
    for s in &stack.sections {
        let name = s.name.as_ref().map_or_else(String::new, |n| format!(" {n}"));
        let _ = writeln!(out, "  ~  {} {}{name}", s.action.as_str(), s.section);
    }
}

/// One resource; in a renamed stack (`renamed`), only the property changes that would
/// replace it in place are shown (its new name), since all of it is new anyway.
fn render_resource(out: &mut String, r: &ResourceChange, options: &TextOptions, renamed: bool) {
    let ack = if r.acknowledged { " (acknowledged)" } else { "" };
    let line = format!("  {} {} {} ({}){ack}", marker(r.severity), r.action.as_str(), r.logical_id, r.resource_type);
    let _ = writeln!(out, "{}", paint(options, r.severity, &line));
    if let Some(why) = &r.stateful {
        let _ = writeln!(out, "       stateful: {why}");
    }
    // Causes that a property line does not already show.
    for cause in r.causes.iter().filter(|c| !c.starts_with("`/") && !renamed) {
        let _ = writeln!(out, "       because {cause}");
    }
    for p in r.properties.iter().filter(|p| !renamed || p.replacement != Replacement::None) {
        let _ = writeln!(out, "       {}", property_line(p));
    }
    for a in r.attributes.iter().filter(|_| !renamed) {
        let _ = writeln!(out, "       {}: {} -> {}", a.name, short_opt(a.old.as_ref()), short_opt(a.new.as_ref()));
    }
    for b in &r.blockers {
        let _ = writeln!(out, "       blocked: {b}");
    }
    for n in &r.notes {
        let _ = writeln!(out, "       note: {n}");
    }
    if let Some(fate) =
        r.old_resource.filter(|_| (r.action == Action::Replace || r.action == Action::Remove) && !renamed)
    {
        let said = match fate {
            "retained" => "retained (no longer managed by the stack)",
            "snapshot" => "snapshot taken, then deleted",
            "kept" => "kept in the old stack",
            _ => "deleted",
        };
        let _ = writeln!(out, "       old resource: {said}");
    }
}

fn property_line(p: &PropertyChange) -> String {
    let mark = match p.replacement {
        Replacement::Always => " [replaces]",
        Replacement::Conditional => " [may replace]",
        Replacement::None => "",
    };
    match &p.via {
        Some(via) => format!("{}: {} changes at deploy: `{via}` is replaced{mark}", p.path, short_opt(p.new.as_ref())),
        None => format!("{}: {} -> {}{mark}", p.path, short_opt(p.old.as_ref()), short_opt(p.new.as_ref())),
    }
}
