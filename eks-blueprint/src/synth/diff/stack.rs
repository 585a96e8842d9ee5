//! One stack: matching stacks (renames), resources, their properties against the
//! create-only table, logical-id renames, and the severity of each change.

use super::*;

/// Export name -> the stacks of `templates` that import it (`Fn::ImportValue` of a literal
/// name).
pub(super) fn imports_by_export(templates: &Templates) -> BTreeMap<String, Vec<String>> {
    let mut imports: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (stack, template) in templates.stacks() {
        let mut names = BTreeSet::new();
        collect_imports(template, &mut names);
        for name in names {
            imports.entry(name).or_default().push(stack.to_owned());
        }
    }
    imports
}

pub(super) fn collect_imports(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let (1, Some(Value::String(name))) = (map.len(), map.get("Fn::ImportValue")) {
                out.insert(name.clone());
            }
            map.values().for_each(|v| collect_imports(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_imports(v, out)),
        _ => {}
    }
}

/// Pairs stacks only in the old output with stacks only in the new one that share most of
/// their resources (logical id and type): a rename. Returns `(old, new)` pairs.
pub(super) fn pair_renamed_stacks<'a>(
    old: &'a Templates,
    new: &'a Templates,
    old_only: &[&'a str],
    new_only: &[&'a str],
) -> Vec<(&'a str, &'a str)> {
    let keys = |t: &Value| -> BTreeSet<(String, String)> {
        resources(t).iter().map(|(id, r)| (id.clone(), type_of(r).to_owned())).collect()
    };
    let mut pairs = Vec::new();
    let mut taken = BTreeSet::new();
    for &to in new_only {
        let Some(new_keys) = new.stack(to).map(keys) else { continue };
        let best = old_only
            .iter()
            .filter(|from| !taken.contains(*from))
            .filter_map(|&from| {
                let old_keys = keys(old.stack(from)?);
                let shared = old_keys.intersection(&new_keys).count();
                let larger = old_keys.len().max(new_keys.len());
                (shared > 0 && shared * 2 >= larger).then_some((shared, from))
            })
            .max_by_key(|(shared, _)| *shared);
        if let Some((_, from)) = best {
            taken.insert(from);
            pairs.push((from, to));
        }
    }
    pairs
}

/// The note on renamed stacks: one for all when every stack was renamed with one prefix
/// (the blueprint's name), one per stack otherwise.
pub(super) fn rename_notes(renames: &[(&str, &str)], old: &Templates, new: &Templates) -> Vec<String> {
    if renames.is_empty() {
        return Vec::new();
    }
    let all_renamed = renames.len() == old.stacks().count() && renames.len() == new.stacks().count();
    let prefixes: BTreeSet<(&str, &str)> = renames
        .iter()
        .filter_map(|(from, to)| {
            let suffix = common_suffix(from, to);
            let suffix = &suffix[suffix.find('-').unwrap_or(suffix.len())..];
            Some((from.strip_suffix(suffix)?, to.strip_suffix(suffix)?))
        })
        .collect();
    let consequence = "deploying creates every resource of the new stacks anew (a new VPC, a new cluster) beside the old ones, which keep running until their stacks are deleted";
    if all_renamed && prefixes.len() == 1 {
        if let Some((from, to)) = prefixes.first() {
            if !from.is_empty() && !to.is_empty() {
                return vec![format!(
                    "every stack has a new name: `{from}-*` is now `{to}-*` (the blueprint's name changed); {consequence}"
                )];
            }
        }
    }
    renames.iter().map(|(from, to)| format!("stack `{from}` is now `{to}`: {consequence}")).collect()
}

pub(super) fn common_suffix<'a>(a: &'a str, b: &str) -> &'a str {
    let n = a.bytes().rev().zip(b.bytes().rev()).take_while(|(x, y)| x == y).count();
    let mut start = a.len() - n;
    while !a.is_char_boundary(start) {
        start += 1;
    }
    &a[start..]
}

pub(super) fn resources(template: &Value) -> &Map<String, Value> {
    static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);
    template.get("Resources").and_then(Value::as_object).unwrap_or(&EMPTY)
}

pub(super) fn type_of(resource: &Value) -> &str {
    resource.get("Type").and_then(Value::as_str).unwrap_or("")
}

pub(super) fn properties(resource: &Value) -> Option<&Value> {
    resource.get("Properties")
}

/// The resource attributes compared besides `Type` and `Properties`.
pub(super) const ATTRIBUTES: &[&str] =
    &["DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition", "Metadata", "UpdatePolicy", "CreationPolicy"];

/// What becomes of an old resource CloudFormation stops managing, by its policy attribute
/// (`DeletionPolicy` on removal, `UpdateReplacePolicy` on replacement).
pub(super) fn fate(resource: &Value, policy: &str) -> &'static str {
    match resource.get(policy).and_then(Value::as_str) {
        Some("Retain" | "RetainExceptOnCreate") => "retained",
        Some("Snapshot") => "snapshot",
        _ => "deleted",
    }
}

pub(super) fn removed_stack(name: &str, template: &Value) -> StackDiff {
    let mut changes: Vec<ResourceChange> = resources(template).iter().map(|(id, r)| removal(id, r)).collect();
    for c in &mut changes {
        c.old_resource = Some("kept");
    }
    let outputs = template
        .get("Outputs")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .map(|(n, out)| OutputChange {
                    name: n.clone(),
                    action: Action::Remove,
                    severity: Severity::Removal,
                    export: export_name(out),
                    old: out.get("Value").cloned(),
                    new: None,
                    via: None,
                    imported_by: Vec::new(),
                    blockers: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    StackDiff {
        name: name.to_owned(),
        status: StackStatus::Removed,
        renamed_from: None,
        resources: changes,
        outputs,
        sections: Vec::new(),
    }
}

pub(super) fn removal(id: &str, resource: &Value) -> ResourceChange {
    ResourceChange {
        logical_id: id.to_owned(),
        resource_type: type_of(resource).to_owned(),
        action: Action::Remove,
        severity: Severity::Removal,
        replacement: Replacement::None,
        stateful: None,
        renamed_from: None,
        causes: Vec::new(),
        blockers: Vec::new(),
        notes: Vec::new(),
        properties: Vec::new(),
        attributes: Vec::new(),
        old_resource: Some(fate(resource, "DeletionPolicy")),
        acknowledged: false,
    }
}

pub(super) fn addition(id: &str, resource: &Value) -> ResourceChange {
    ResourceChange {
        logical_id: id.to_owned(),
        resource_type: type_of(resource).to_owned(),
        action: Action::Add,
        severity: Severity::Addition,
        replacement: Replacement::None,
        stateful: None,
        renamed_from: None,
        causes: Vec::new(),
        blockers: Vec::new(),
        notes: Vec::new(),
        properties: Vec::new(),
        attributes: Vec::new(),
        old_resource: None,
        acknowledged: false,
    }
}

/// One stack: `old` is `None` for an added stack; `renamed_from` names the old stack of a
/// renamed one.
pub(super) fn diff_stack(
    name: &str,
    old: Option<&Value>,
    new: &Value,
    renamed_from: Option<&str>,
    imports: &BTreeMap<String, Vec<String>>,
) -> StackDiff {
    let Some(old) = old else {
        let resources = resources(new).iter().map(|(id, r)| addition(id, r)).collect();
        let outputs = diff_outputs(name, &Value::Null, new, &BTreeMap::new(), imports);
        return StackDiff {
            name: name.to_owned(),
            status: StackStatus::Added,
            renamed_from: None,
            resources,
            outputs,
            sections: Vec::new(),
        };
    };
    let old_resources = resources(old);
    let new_resources = resources(new);
    let mut changes: IndexMap<String, ResourceChange> = IndexMap::new();
    let mut added: Vec<&String> = Vec::new();

    for (id, new_r) in new_resources {
        match old_resources.get(id) {
            Some(old_r) => {
                if let Some(change) = diff_resource(id, old_r, new_r) {
                    changes.insert(id.clone(), change);
                }
            }
            None => added.push(id),
        }
    }
    let mut removed: Vec<&String> = old_resources.keys().filter(|id| !new_resources.contains_key(*id)).collect();

    // A removed and an added resource of one type with the same properties: a new logical id.
    let mut renamed: Vec<(String, String)> = Vec::new();
    removed.retain(|old_id| {
        let old_r = &old_resources[*old_id];
        let found = added.iter().position(|new_id| {
            let new_r = &new_resources[*new_id];
            type_of(new_r) == type_of(old_r) && properties(new_r) == properties(old_r)
        });
        match found {
            Some(i) => {
                renamed.push(((*old_id).clone(), added.remove(i).clone()));
                false
            }
            None => true,
        }
    });
    for id in &added {
        changes.insert((*id).clone(), addition(id, &new_resources[*id]));
    }
    for (old_id, new_id) in &renamed {
        let new_r = &new_resources[new_id];
        let old_r = &old_resources[old_id];
        let mut change = addition(new_id, new_r);
        change.action = Action::Replace;
        change.replacement = Replacement::Always;
        change.renamed_from = Some(old_id.clone());
        change.causes.push(format!(
            "its logical id changed from `{old_id}`: CloudFormation creates `{new_id}`, then deletes `{old_id}`"
        ));
        change.old_resource = Some(fate(old_r, "DeletionPolicy"));
        changes.insert(new_id.clone(), change);
    }
    for id in &removed {
        changes.insert((*id).clone(), removal(id, &old_resources[*id]));
    }

    if let Some(from) = renamed_from {
        // A new stack: every resource is created anew; the old stack keeps its own, so a
        // custom name that stays the same collides with the old stack's resource.
        let everything: BTreeMap<String, Replacement> =
            new_resources.keys().map(|id| (id.clone(), Replacement::Always)).collect();
        for (id, new_r) in new_resources {
            let Some(old_r) = old_resources.get(id) else { continue };
            let change = changes.entry(id.clone()).or_insert_with(|| addition(id, new_r));
            change.action = Action::Replace;
            change.replacement = Replacement::Always;
            change.causes.insert(0, format!("the stack is new (it was `{from}`): the resource is created anew"));
            change.blockers.clear();
            change.old_resource = Some("kept");
            if let Some(what) = identifier_collision(old_r, new_r, &everything) {
                change.blockers.push(format!(
                    "stack `{from}` still holds a resource with the same custom name ({what}): CloudFormation fails to create this one (already exists); change the name, or delete the old stack first"
                ));
            }
        }
        for id in &removed {
            if let Some(change) = changes.get_mut(*id) {
                change.old_resource = Some("kept");
            }
        }
    } else {
        propagate(old_resources, new_resources, &mut changes);
        let replaced = replaced_ids(&changes);
        for (id, change) in changes.iter_mut() {
            let Some(new_r) = new_resources.get(id) else { continue };
            if change.replacement != Replacement::Always {
                continue;
            }
            if let Some(old_id) = &change.renamed_from {
                if let Some(what) = identifier_collision(new_r, new_r, &replaced) {
                    change.blockers.push(format!(
                        "`{id}` would be created while `{old_id}` still exists, with the same custom name ({what}): CloudFormation fails to create it (already exists); keep the logical id `{old_id}`, or change the name too"
                    ));
                }
                continue;
            }
            let Some(old_r) = old_resources.get(id) else { continue };
            let delete_first = create_only::lookup(type_of(new_r)).is_some_and(|b| b.delete_then_create);
            if delete_first || type_of(old_r) != type_of(new_r) {
                continue;
            }
            if let Some(what) = identifier_collision(old_r, new_r, &replaced) {
                change.blockers.push(format!(
                    "CloudFormation cannot replace a resource whose custom name stays the same ({what}): change the name as well, or undo the change that replaces it"
                ));
            }
        }
        subnet_overlaps(old_resources, new_resources, &mut changes);
    }

    let replaced: BTreeMap<String, Replacement> = changes
        .iter()
        .filter(|(_, c)| c.replacement != Replacement::None)
        .map(|(id, c)| (id.clone(), c.replacement))
        .collect();
    // A renamed stack is a new stack: its outputs and sections are all new, and the old
    // stack's exports stay where they are.
    let (outputs, sections) = if renamed_from.is_some() {
        (Vec::new(), Vec::new())
    } else {
        (diff_outputs(name, old, new, &replaced, imports), diff_sections(old, new))
    };

    // Worst first; within a severity, in template order (removed ones after the others).
    let index = |m: &Map<String, Value>| -> BTreeMap<String, usize> {
        m.keys().enumerate().map(|(i, k)| (k.clone(), i)).collect()
    };
    let (new_index, old_index) = (index(new_resources), index(old_resources));
    let position = |r: &ResourceChange| match new_index.get(&r.logical_id) {
        Some(i) if r.action != Action::Remove => *i,
        _ => new_index.len() + old_index.get(&r.logical_id).copied().unwrap_or(0),
    };
    let mut resources: Vec<ResourceChange> = changes.into_values().map(finish).collect();
    resources.sort_by_key(|r| (r.severity, position(r)));
    let status = match (renamed_from, resources.is_empty() && outputs.is_empty() && sections.is_empty()) {
        (Some(_), _) => StackStatus::Renamed,
        (None, true) => StackStatus::Unchanged,
        (None, false) => StackStatus::Changed,
    };
    StackDiff {
        name: name.to_owned(),
        status,
        renamed_from: renamed_from.map(str::to_owned),
        resources,
        outputs,
        sections,
    }
}

/// Sets the severity and the stateful reason once the replacement is known.
pub(super) fn finish(mut change: ResourceChange) -> ResourceChange {
    if change.replacement != Replacement::None {
        change.action = Action::Replace;
        change.stateful = stateful(&change.resource_type).map(str::to_owned);
    }
    change.severity = match (change.replacement, change.action) {
        (Replacement::Always | Replacement::Conditional, _) if change.stateful.is_some() => {
            Severity::StatefulReplacement
        }
        (Replacement::Always | Replacement::Conditional, _) => Severity::Replacement,
        _ if !change.blockers.is_empty() => Severity::Blocker,
        (_, Action::Remove) => Severity::Removal,
        (_, Action::Add) => Severity::Addition,
        _ => Severity::Update,
    };
    change
}

/// The changes of a resource present in both templates, or `None` when it is the same.
pub(super) fn diff_resource(id: &str, old: &Value, new: &Value) -> Option<ResourceChange> {
    let (old_type, new_type) = (type_of(old), type_of(new));
    let mut change = addition(id, new);
    change.action = Action::Update;
    if old_type != new_type {
        change.action = Action::Replace;
        change.replacement = Replacement::Always;
        change.causes.push(format!("its type changes from `{old_type}`"));
        change.blockers.push(format!(
            "CloudFormation refuses to change the type of a resource (`Update of resource type is not permitted`): give the `{new_type}` a new logical id"
        ));
        change.old_resource = Some(fate(new, "UpdateReplacePolicy"));
        return Some(change);
    }
    let behaviour = create_only::lookup(new_type);
    // No `Properties` is the same as empty ones.
    let none = Value::Object(Map::new());
    let old_props = properties(old).filter(|p| !p.is_null()).unwrap_or(&none);
    let new_props = properties(new).filter(|p| !p.is_null()).unwrap_or(&none);
    let mut leaves = Vec::new();
    leaf_changes(Some(old_props), Some(new_props), &mut Vec::new(), &mut leaves);
    for (path, o, n) in leaves {
        let (replacement, pointer) = match behaviour {
            Some(b) => classify(b, &path, o, n),
            None => (Replacement::None, None),
        };
        change.properties.push(PropertyChange {
            path: pointer_of(&path),
            old: o.cloned(),
            new: n.cloned(),
            replacement,
            create_only: pointer.map(str::to_owned),
            via: None,
        });
    }
    for name in ATTRIBUTES {
        let (o, n) = (old.get(*name), new.get(*name));
        if o != n {
            change.attributes.push(AttributeChange { name: (*name).to_owned(), old: o.cloned(), new: n.cloned() });
        }
    }
    if change.properties.is_empty() && change.attributes.is_empty() {
        return None;
    }
    if behaviour.is_none() && !change.properties.is_empty() {
        change.notes.push(format!(
            "`{new_type}` is not in the table of create-only properties (cfn-lint {}): whether this replaces it is not known",
            create_only::cfn_lint_version()
        ));
    }
    let worst = change.properties.iter().map(|p| p.replacement).max().unwrap_or(Replacement::None);
    if worst != Replacement::None {
        change.replacement = worst;
        for p in change.properties.iter().filter(|p| p.replacement != Replacement::None) {
            let how = if p.replacement == Replacement::Always { "create-only" } else { "conditionally create-only" };
            change.causes.push(format!("`{}` is {how}", p.create_only.as_deref().unwrap_or(&p.path)));
        }
        change.old_resource = Some(fate(new, "UpdateReplacePolicy"));
    }
    Some(change)
}

/// Whether a changed leaf replaces the resource, and the schema pointer that says so.
pub(super) fn classify(
    behaviour: &'static create_only::UpdateBehaviour,
    path: &[String],
    old: Option<&Value>,
    new: Option<&Value>,
) -> (Replacement, Option<&'static str>) {
    let mut found = (Replacement::None, None);
    for (pointers, kind) in
        [(&behaviour.create_only, Replacement::Always), (&behaviour.conditional, Replacement::Conditional)]
    {
        for pointer in pointers.iter().copied() {
            let segs = segments(pointer);
            let hit = if matches_prefix(&segs, path) {
                true
            } else if segs.len() > path.len() && matches_prefix(&segs[..path.len()], path) {
                // The change is above the pointer (a whole block added or removed): it
                // counts when the value at the pointer differs.
                let rest = &segs[path.len()..];
                resolve(old, rest) != resolve(new, rest)
            } else {
                false
            };
            // The strongest, then the most precise pointer.
            let longer = found.1.is_none_or(|f: &str| pointer.len() > f.len());
            if hit && (kind > found.0 || (kind == found.0 && longer)) {
                found = (kind, Some(pointer));
            }
        }
    }
    found
}

/// The values at `segments` below `value` (`*` for every list element).
pub(super) fn resolve<'a>(value: Option<&'a Value>, segments: &[String]) -> Vec<&'a Value> {
    let Some(value) = value else { return Vec::new() };
    let Some((first, rest)) = segments.split_first() else { return vec![value] };
    match value {
        Value::Object(map) => resolve(map.get(first), rest),
        Value::Array(items) if first == "*" => items.iter().flat_map(|v| resolve(Some(v), rest)).collect(),
        Value::Array(items) => resolve(first.parse::<usize>().ok().and_then(|i| items.get(i)), rest),
        _ => Vec::new(),
    }
}

/// Whether a value is an intrinsic function (`{"Ref": ...}`, `{"Fn::...": ...}`): compared
/// whole, never entered.
pub(super) fn is_intrinsic(map: &Map<String, Value>) -> bool {
    map.len() == 1 && map.keys().all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

pub(super) fn is_scalar(v: &Value) -> bool {
    !matches!(v, Value::Object(_) | Value::Array(_))
}

/// The smallest changed parts: mappings are entered key by key; lists of equal length
/// holding mappings or lists, element by element; anything else (a scalar, a list of
/// scalars, an intrinsic function) is compared whole.
pub(super) fn leaf_changes<'a>(
    old: Option<&'a Value>,
    new: Option<&'a Value>,
    path: &mut Vec<String>,
    out: &mut Vec<(Vec<String>, Option<&'a Value>, Option<&'a Value>)>,
) {
    match (old, new) {
        (Some(Value::Object(o)), Some(Value::Object(n))) if !is_intrinsic(o) && !is_intrinsic(n) => {
            for (k, ov) in o {
                path.push(k.clone());
                leaf_changes(Some(ov), n.get(k), path, out);
                path.pop();
            }
            for (k, nv) in n.iter().filter(|(k, _)| !o.contains_key(*k)) {
                path.push(k.clone());
                leaf_changes(None, Some(nv), path, out);
                path.pop();
            }
        }
        (Some(Value::Array(o)), Some(Value::Array(n)))
            if o.len() == n.len() && !(o.iter().all(is_scalar) && n.iter().all(is_scalar)) =>
        {
            for (i, (ov, nv)) in o.iter().zip(n).enumerate() {
                path.push(i.to_string());
                leaf_changes(Some(ov), Some(nv), path, out);
                path.pop();
            }
        }
        (o, n) if o != n => out.push((path.clone(), o, n)),
        _ => {}
    }
}

/// `["A", "b/c"]` -> `/A/b~1c`.
pub(super) fn pointer_of(path: &[String]) -> String {
    path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect()
}
