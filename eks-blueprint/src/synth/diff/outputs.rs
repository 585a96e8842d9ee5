//! Outputs and exports, other template sections, and the other files of an output.

use super::*;

pub(super) fn export_name(output: &Value) -> Option<String> {
    output.pointer("/Export/Name").and_then(Value::as_str).map(str::to_owned)
}

pub(super) fn quoted_list(names: &[String]) -> String {
    names.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
}

/// Exports in use can be neither deleted nor changed ("Exporting stack output values",
/// <https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-stack-exports.html>).
pub(super) fn export_removed(export: &str, imported_by: &[String]) -> String {
    format!(
        "export `{export}` is imported by {}, and goes away: CloudFormation refuses to delete an export another stack imports; those stacks must stop importing it first",
        quoted_list(imported_by)
    )
}

pub(super) fn diff_outputs(
    stack: &str,
    old: &Value,
    new: &Value,
    replaced: &BTreeMap<String, Replacement>,
    imports: &BTreeMap<String, Vec<String>>,
) -> Vec<OutputChange> {
    let empty = Map::new();
    let old_outputs = old.get("Outputs").and_then(Value::as_object).unwrap_or(&empty);
    let new_outputs = new.get("Outputs").and_then(Value::as_object).unwrap_or(&empty);
    let importers = |export: &Option<String>| -> Vec<String> {
        export
            .as_ref()
            .and_then(|e| imports.get(e))
            .map(|stacks| stacks.iter().filter(|s| *s != stack).cloned().collect())
            .unwrap_or_default()
    };
    let mut changes = Vec::new();
    for (name, n) in new_outputs {
        let new_export = export_name(n);
        let Some(o) = old_outputs.get(name) else {
            changes.push(OutputChange {
                name: name.clone(),
                action: Action::Add,
                severity: Severity::Addition,
                export: new_export,
                old: None,
                new: n.get("Value").cloned(),
                via: None,
                imported_by: Vec::new(),
                blockers: Vec::new(),
            });
            continue;
        };
        let old_export = export_name(o);
        let mut refs = Vec::new();
        if let Some(value) = n.get("Value") {
            references(value, &mut Vec::new(), &mut refs);
        }
        let via = refs.into_iter().map(|(_, t)| t).find(|t| replaced.contains_key(t));
        if o == n && via.is_none() {
            continue;
        }
        let value_changes = o.get("Value") != n.get("Value") || via.is_some();
        let imported_by = importers(&old_export);
        let mut blockers = Vec::new();
        if let Some(export) = old_export.as_ref().filter(|_| !imported_by.is_empty()) {
            if new_export.as_ref() != Some(export) {
                blockers.push(export_removed(export, &imported_by));
            } else if value_changes {
                let why = match &via {
                    Some(t) if o.get("Value") == n.get("Value") => format!(" (`{t}` is replaced)"),
                    _ => String::new(),
                };
                blockers.push(format!(
                    "export `{export}` is imported by {}, and its value changes{why}: CloudFormation refuses to change an export another stack imports; those stacks must stop importing it first",
                    quoted_list(&imported_by)
                ));
            }
        }
        changes.push(OutputChange {
            name: name.clone(),
            action: Action::Update,
            severity: if blockers.is_empty() { Severity::Update } else { Severity::Blocker },
            export: new_export.or(old_export),
            old: o.get("Value").cloned(),
            new: n.get("Value").cloned(),
            via,
            imported_by,
            blockers,
        });
    }
    for (name, o) in old_outputs.iter().filter(|(k, _)| !new_outputs.contains_key(*k)) {
        let export = export_name(o);
        let imported_by = importers(&export);
        let mut blockers = Vec::new();
        if let Some(export) = export.as_ref().filter(|_| !imported_by.is_empty()) {
            blockers.push(export_removed(export, &imported_by));
        }
        changes.push(OutputChange {
            name: name.clone(),
            action: Action::Remove,
            severity: if blockers.is_empty() { Severity::Removal } else { Severity::Blocker },
            export,
            old: o.get("Value").cloned(),
            new: None,
            via: None,
            imported_by,
            blockers,
        });
    }
    changes.sort_by_key(|c| c.severity);
    changes
}

/// The template sections other than `Resources` and `Outputs`: mappings compared entry by
/// entry, other values whole.
pub(super) fn diff_sections(old: &Value, new: &Value) -> Vec<SectionChange> {
    let empty = Map::new();
    let (o, n) = (old.as_object().unwrap_or(&empty), new.as_object().unwrap_or(&empty));
    let keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for key in keys {
        if key == "Resources" || key == "Outputs" || !seen.insert(key) {
            continue;
        }
        match (o.get(key), n.get(key)) {
            (Some(Value::Object(om)), Some(Value::Object(nm))) => {
                for (name, ov) in om {
                    match nm.get(name) {
                        None => out.push(section_change(key, Some(name), Action::Remove)),
                        Some(nv) if nv != ov => out.push(section_change(key, Some(name), Action::Update)),
                        _ => {}
                    }
                }
                for name in nm.keys().filter(|k| !om.contains_key(*k)) {
                    out.push(section_change(key, Some(name), Action::Add));
                }
            }
            (Some(ov), Some(nv)) if ov != nv => out.push(section_change(key, None, Action::Update)),
            (Some(_), None) => out.push(section_change(key, None, Action::Remove)),
            (None, Some(_)) => out.push(section_change(key, None, Action::Add)),
            _ => {}
        }
    }
    out
}

pub(super) fn section_change(section: &str, name: Option<&String>, action: Action) -> SectionChange {
    SectionChange { section: section.to_owned(), name: name.cloned(), action }
}

/// The files added, removed or changed, but the deploy plan (`DEPLOY.md`): it is derived
/// from the stacks and the other files, which are compared themselves.
pub(super) fn diff_files(old: &IndexMap<String, String>, new: &IndexMap<String, String>) -> Vec<FileChange> {
    let mut out = Vec::new();
    let compared = |path: &&String| path.as_str() != crate::synth::plan::DEPLOY_FILE;
    for (path, content) in new.iter().filter(|(p, _)| compared(p)) {
        match old.get(path) {
            None => out.push(FileChange { path: path.clone(), action: Action::Add }),
            Some(c) if c != content => out.push(FileChange { path: path.clone(), action: Action::Update }),
            _ => {}
        }
    }
    for path in old.keys().filter(compared).filter(|p| !new.contains_key(*p)) {
        out.push(FileChange { path: path.clone(), action: Action::Remove });
    }
    out
}
