//! References between resources: replacements that follow through `Ref`, `Fn::GetAtt` and
//! `Fn::Sub`, and replacements whose custom name would collide.

use super::*;

/// References found in a value: (path of the intrinsic function, the resource it names).
pub(super) type References = Vec<(Vec<String>, String)>;

/// Every reference to a resource of the stack in `value`: (path of the intrinsic, target).
pub(super) fn references(value: &Value, path: &mut Vec<String>, out: &mut References) {
    match value {
        Value::Object(map) if map.len() == 1 => {
            let Some((key, arg)) = map.iter().next() else { return };
            match (key.as_str(), arg) {
                ("Ref", Value::String(target)) => {
                    if !target.starts_with("AWS::") {
                        out.push((path.clone(), target.clone()));
                    }
                }
                ("Fn::GetAtt", Value::Array(parts)) => {
                    if let Some(Value::String(target)) = parts.first() {
                        out.push((path.clone(), target.clone()));
                    }
                }
                ("Fn::GetAtt", Value::String(dotted)) => {
                    if let Some((target, _)) = dotted.split_once('.') {
                        out.push((path.clone(), target.to_owned()));
                    }
                }
                ("Fn::Sub", Value::String(text)) => sub_targets(text, path, out),
                ("Fn::Sub", Value::Array(parts)) => {
                    if let Some(Value::String(text)) = parts.first() {
                        let locals: BTreeSet<&str> = parts
                            .get(1)
                            .and_then(Value::as_object)
                            .map(|m| m.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let mut found = Vec::new();
                        sub_targets(text, path, &mut found);
                        out.extend(found.into_iter().filter(|(_, t)| !locals.contains(t.as_str())));
                    }
                    if let Some(vars) = parts.get(1) {
                        references(vars, path, out);
                    }
                }
                _ => {
                    path.push(key.clone());
                    references(arg, path, out);
                    path.pop();
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(k.clone());
                references(v, path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(i.to_string());
                references(v, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// The resources named in `${X}` / `${X.Attr}` of an `Fn::Sub` string (`${!X}` is literal).
pub(super) fn sub_targets(text: &str, path: &[String], out: &mut References) {
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let name = &rest[..end];
        rest = &rest[end + 1..];
        if name.starts_with('!') || name.starts_with("AWS::") {
            continue;
        }
        let target = name.split_once('.').map_or(name, |(t, _)| t);
        out.push((path.to_vec(), target.to_owned()));
    }
}

pub(super) fn replaced_ids(changes: &IndexMap<String, ResourceChange>) -> BTreeMap<String, Replacement> {
    changes
        .iter()
        .filter(|(_, c)| c.replacement != Replacement::None)
        .map(|(id, c)| (id.clone(), c.replacement))
        .collect()
}

/// Replacements that follow from others: a reference to a replaced resource changes value
/// at deploy; under a create-only pointer that replaces the referring resource too. Runs
/// until nothing more changes (a replacement can cascade).
pub(super) fn propagate(
    old_resources: &Map<String, Value>,
    new_resources: &Map<String, Value>,
    changes: &mut IndexMap<String, ResourceChange>,
) {
    let mut refs_by_id: Vec<(&String, &Value, References)> = Vec::new();
    for (id, new_r) in new_resources {
        let Some(old_r) = old_resources.get(id) else { continue };
        if type_of(old_r) != type_of(new_r) {
            continue;
        }
        let mut refs = Vec::new();
        if let Some(props) = properties(new_r) {
            references(props, &mut Vec::new(), &mut refs);
        }
        if !refs.is_empty() {
            refs_by_id.push((id, new_r, refs));
        }
    }
    // Each pass adds at least one replacement or stops; bounded by the resources.
    for _ in 0..=new_resources.len() {
        let replaced = replaced_ids(changes);
        let mut grew = false;
        for (id, new_r, refs) in &refs_by_id {
            let behaviour = create_only::lookup(type_of(new_r));
            for (path, target) in refs {
                let Some(&target_replacement) = replaced.get(target) else { continue };
                if *id == target {
                    continue;
                }
                let pointer_path = pointer_of(path);
                let change = changes.entry((*id).clone()).or_insert_with(|| {
                    let mut c = addition(id, new_r);
                    c.action = Action::Update;
                    c
                });
                // Already counted: this reference, or a change of its text.
                let covered = change.properties.iter().any(|p| {
                    (p.via.is_none() && matches_prefix(&segments(&p.path), path))
                        || (p.path == pointer_path && p.via.as_deref() == Some(target.as_str()))
                });
                if covered {
                    continue;
                }
                let value = resolve(properties(new_r), path).first().map(|v| (*v).clone());
                let (kind, pointer) =
                    behaviour.map_or((Replacement::None, None), |b| classify(b, path, value.as_ref(), None));
                // A conditional replacement upstream makes this one conditional at most.
                let kind = kind.min(target_replacement);
                change.properties.push(PropertyChange {
                    path: pointer_path.clone(),
                    old: value.clone(),
                    new: value,
                    replacement: kind,
                    create_only: pointer.filter(|_| kind != Replacement::None).map(str::to_owned),
                    via: Some(target.clone()),
                });
                if kind != Replacement::None {
                    change.causes.push(format!("`{pointer_path}` refers to `{target}`, which is replaced"));
                    if kind > change.replacement {
                        change.replacement = kind;
                        change.old_resource = Some(fate(new_r, "UpdateReplacePolicy"));
                        grew = true;
                    }
                }
            }
        }
        if !grew {
            break;
        }
    }
}

/// When every pointer of the type's primary identifier is a create-only property set in
/// both templates to the same text, and none refers to a replaced resource, the
/// replacement would have the identifier of the resource it replaces: `"`/Name` `demo`"`.
pub(super) fn identifier_collision(
    old: &Value,
    new: &Value,
    replaced: &BTreeMap<String, Replacement>,
) -> Option<String> {
    let behaviour = create_only::lookup(type_of(new))?;
    if behaviour.identifier.is_empty() {
        return None;
    }
    let mut shown = Vec::new();
    for pointer in &behaviour.identifier {
        let segs = segments(pointer);
        let (o, n) = (resolve(properties(old), &segs), resolve(properties(new), &segs));
        let (Some(o), Some(n)) = (o.first(), n.first()) else { return None };
        if o != n {
            return None;
        }
        let mut refs = Vec::new();
        references(n, &mut Vec::new(), &mut refs);
        if refs.iter().any(|(_, t)| replaced.contains_key(t)) {
            return None;
        }
        shown.push(format!("`{pointer}` {}", text::short(n)));
    }
    Some(shown.join(", "))
}
