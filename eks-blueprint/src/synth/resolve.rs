//! Cross-stack references, resolved in one pass over the rendered templates.

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::SynthError;
use crate::cfn::{Stack, QUALIFIER};

/// How a value produced by one stack and used by another is passed between them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum References {
    /// An `Output` with an `Export` in the producer and `Fn::ImportValue` in the consumer
    /// (the AWS CDK's behaviour). A strong reference: CloudFormation refuses to delete or
    /// change an export while another stack imports it, which protects the consumer but
    /// makes some producer changes a two-step deployment. Default.
    #[default]
    Exports,
    /// An `Output` (no export) in the producer and `Fn::GetStackOutput` in the consumer. A
    /// weak reference: the value is read when the consumer is created or updated, and
    /// CloudFormation does not stop the producer from changing or deleting the output, so
    /// deploy consumers again after such a change.
    /// (<https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/intrinsic-function-reference-getstackoutput.html>)
    StackOutputs,
}

/// A stack after resolution: its rendered template and what it depends on.
#[derive(Debug, Clone)]
pub(crate) struct ResolvedStack {
    pub name: String,
    pub template: Value,
    /// Producer stack name -> why (one line per reference or dependency).
    pub dependencies: IndexMap<String, Vec<String>>,
    /// Logical id -> the field path of the input that produced the resource.
    pub origins: IndexMap<String, String>,
    /// Output id -> the field path of the input that produced the output.
    pub output_origins: IndexMap<String, String>,
}

struct Export {
    value: Value,
    /// The export name; `None` for a plain output read with `Fn::GetStackOutput`.
    name: Option<String>,
}

struct Resolver<'a> {
    stacks: &'a IndexMap<String, Stack>,
    mode: References,
    exports: Vec<IndexMap<String, Export>>,
    dependencies: Vec<IndexMap<String, Vec<String>>>,
}

pub(crate) fn resolve(stacks: &IndexMap<String, Stack>, mode: References) -> Result<Vec<ResolvedStack>, SynthError> {
    let mut rendered = Vec::with_capacity(stacks.len());
    for stack in stacks.values() {
        let value = serde_json::to_value(stack.template())
            .map_err(|e| SynthError::Render { stack: stack.name().to_owned(), message: e.to_string() })?;
        rendered.push(value);
    }
    let mut resolver = Resolver {
        stacks,
        mode,
        exports: (0..stacks.len()).map(|_| IndexMap::new()).collect(),
        dependencies: (0..stacks.len()).map(|_| IndexMap::new()).collect(),
    };
    for (i, template) in rendered.iter_mut().enumerate() {
        for section in ["Conditions", "Resources", "Outputs"] {
            if let Some(Value::Object(entries)) = template.get_mut(section) {
                for (id, value) in entries.iter_mut() {
                    resolver.rewrite(i, id, value)?;
                }
            }
        }
        let stack = &stacks[i];
        for (from, target) in &stack.foreign_depends_on {
            let producer = target.stack.clone().unwrap_or_default();
            resolver.lookup(i, from, &producer, &target.logical_id)?;
            resolver.dependencies[i]
                .entry(producer)
                .or_default()
                .push(format!("{from} depends on {}", target.logical_id));
        }
    }
    let Resolver { exports, dependencies, .. } = resolver;
    let mut out = Vec::with_capacity(stacks.len());
    for (((template, exports), dependencies), stack) in
        rendered.into_iter().zip(exports).zip(dependencies).zip(stacks.values())
    {
        let mut template = template;
        add_exports(stack.name(), &mut template, exports)?;
        check_local_references(stack.name(), &template)?;
        out.push(ResolvedStack {
            name: stack.name().to_owned(),
            template,
            dependencies,
            origins: stack.origins().clone(),
            output_origins: stack.output_origins().clone(),
        });
    }
    Ok(out)
}

/// A reference in rendered JSON: `{"Ref": id}` or `{"Fn::GetAtt": [id, attr]}`.
fn as_reference(value: &Value) -> Option<(&str, Option<&str>)> {
    let map = value.as_object()?;
    if map.len() != 1 {
        return None;
    }
    if let Some(Value::String(id)) = map.get("Ref") {
        return Some((id, None));
    }
    if let Some(Value::Array(parts)) = map.get("Fn::GetAtt") {
        if let [Value::String(id), Value::String(attr)] = parts.as_slice() {
            return Some((id, Some(attr)));
        }
    }
    None
}

fn local_reference(id: &str, attr: Option<&str>) -> Value {
    let mut map = Map::with_capacity(1);
    match attr {
        None => map.insert("Ref".into(), Value::from(id)),
        Some(attr) => map.insert("Fn::GetAtt".into(), serde_json::json!([id, attr])),
    };
    Value::Object(map)
}

impl Resolver<'_> {
    fn rewrite(&mut self, i: usize, from: &str, value: &mut Value) -> Result<(), SynthError> {
        if let Some((encoded, attr)) = as_reference(value) {
            if let Some((producer, id)) = encoded.split_once(QUALIFIER) {
                let (producer, id, attr) = (producer.to_owned(), id.to_owned(), attr.map(str::to_owned));
                *value = self.reference(i, from, &producer, &id, attr.as_deref())?;
            }
            return Ok(());
        }
        match value {
            Value::Array(items) => {
                for item in items {
                    self.rewrite(i, from, item)?;
                }
            }
            Value::Object(map) => {
                for item in map.values_mut() {
                    self.rewrite(i, from, item)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn lookup(&self, i: usize, from: &str, producer: &str, id: &str) -> Result<usize, SynthError> {
        let consumer = self.stacks[i].name();
        let Some(j) = self.stacks.get_index_of(producer) else {
            return Err(SynthError::UnknownStack {
                stack: consumer.to_owned(),
                from: from.to_owned(),
                target: id.to_owned(),
                target_stack: producer.to_owned(),
            });
        };
        if !self.stacks[j].template().resources.contains_key(id) {
            return Err(SynthError::UnknownTarget {
                stack: consumer.to_owned(),
                from: from.to_owned(),
                target: id.to_owned(),
                target_stack: producer.to_owned(),
            });
        }
        Ok(j)
    }

    fn reference(
        &mut self,
        i: usize,
        from: &str,
        producer: &str,
        id: &str,
        attr: Option<&str>,
    ) -> Result<Value, SynthError> {
        let j = self.lookup(i, from, producer, id)?;
        if i == j {
            return Ok(local_reference(id, attr));
        }
        let suffix: String = attr.unwrap_or_default().chars().filter(char::is_ascii_alphanumeric).collect();
        let prefix = match self.mode {
            References::Exports => "Export",
            References::StackOutputs => "Output",
        };
        let output_id = format!("{prefix}{id}{suffix}");
        let name = match attr {
            None => format!("{producer}:{id}"),
            Some(_) => format!("{producer}:{id}-{suffix}"),
        };
        let export_name = (self.mode == References::Exports).then(|| name.clone());
        self.exports[j]
            .entry(output_id.clone())
            .or_insert_with(|| Export { value: local_reference(id, attr), name: export_name });
        let what = match attr {
            None => id.to_owned(),
            Some(attr) => format!("{id}.{attr}"),
        };
        self.dependencies[i].entry(producer.to_owned()).or_default().push(format!("{from} uses {what}"));
        let mut reference = Map::with_capacity(1);
        match self.mode {
            References::Exports => reference.insert("Fn::ImportValue".into(), Value::from(name)),
            References::StackOutputs => reference.insert(
                "Fn::GetStackOutput".into(),
                serde_json::json!({"StackName": producer, "OutputName": output_id}),
            ),
        };
        Ok(Value::Object(reference))
    }
}

fn add_exports(stack: &str, template: &mut Value, exports: IndexMap<String, Export>) -> Result<(), SynthError> {
    if exports.is_empty() {
        return Ok(());
    }
    let Some(root) = template.as_object_mut() else {
        return Err(SynthError::Render { stack: stack.to_owned(), message: "template is not an object".into() });
    };
    let outputs = root.entry("Outputs").or_insert_with(|| Value::Object(Map::new()));
    let Some(outputs) = outputs.as_object_mut() else {
        return Err(SynthError::Render { stack: stack.to_owned(), message: "Outputs is not an object".into() });
    };
    for (id, export) in exports {
        if outputs.contains_key(&id) {
            return Err(crate::cfn::CfnError::DuplicateLogicalId { stack: stack.to_owned(), id }.into());
        }
        let output = match export.name {
            Some(name) => serde_json::json!({
                "Description": format!("Used by other stacks of this app (export {name})"),
                "Value": export.value,
                "Export": {"Name": name},
            }),
            None => serde_json::json!({
                "Description": "Used by other stacks of this app (Fn::GetStackOutput)",
                "Value": export.value,
            }),
        };
        outputs.insert(id, output);
    }
    Ok(())
}

/// Every `Ref`, `Fn::GetAtt`, `DependsOn` and `Fn::Sub` variable points at something the
/// template defines: a reference that would only fail at deploy time fails here.
fn check_local_references(stack: &str, template: &Value) -> Result<(), SynthError> {
    // Sets, so the check stays linear in the template's size.
    let names = |section: &str| -> std::collections::HashSet<&str> {
        template
            .get(section)
            .and_then(Value::as_object)
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    };
    let resources = names("Resources");
    let parameters = names("Parameters");
    let unknown = |from: &str, target: &str| SynthError::UnknownTarget {
        stack: stack.to_owned(),
        from: from.to_owned(),
        target: target.to_owned(),
        target_stack: stack.to_owned(),
    };
    let known = |id: &str, attr: bool| {
        resources.contains(&id) || (!attr && (parameters.contains(&id) || id.starts_with("AWS::")))
    };
    for section in ["Resources", "Outputs", "Conditions"] {
        let Some(entries) = template.get(section).and_then(Value::as_object) else { continue };
        for (from, value) in entries {
            let mut err = None;
            visit(value, &mut |v| {
                if err.is_some() {
                    return;
                }
                if let Some((id, attr)) = as_reference(v) {
                    if !known(id, attr.is_some()) {
                        err = Some(unknown(from, id));
                    }
                } else if let Some(sub) = v.as_object().and_then(|m| m.get("Fn::Sub")) {
                    let (text, vars) = match sub {
                        Value::String(s) => (s.as_str(), None),
                        Value::Array(a) => {
                            (a.first().and_then(Value::as_str).unwrap_or_default(), a.get(1).and_then(Value::as_object))
                        }
                        _ => ("", None),
                    };
                    for var in sub_variables(text) {
                        let in_vars = vars.is_some_and(|m| m.contains_key(var));
                        let (id, attr) = match var.split_once('.') {
                            Some((id, _)) => (id, true),
                            None => (var, false),
                        };
                        if !in_vars && !known(id, attr) {
                            err = Some(unknown(from, var));
                        }
                    }
                }
            });
            if let Some(e) = err {
                return Err(e);
            }
            if section == "Resources" {
                if let Some(deps) = value.get("DependsOn").and_then(Value::as_array) {
                    for dep in deps.iter().filter_map(Value::as_str) {
                        if !resources.contains(&dep) {
                            return Err(unknown(from, dep));
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn visit(value: &Value, f: &mut dyn FnMut(&Value)) {
    f(value);
    match value {
        Value::Array(items) => items.iter().for_each(|v| visit(v, f)),
        Value::Object(map) => map.values().for_each(|v| visit(v, f)),
        _ => {}
    }
}

/// The `${Name}` variables of an `Fn::Sub` string (not the `${!Literal}` escapes).
pub(crate) fn sub_variables(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('}') else { break };
        let var = &rest[..end];
        if !var.starts_with('!') {
            out.push(var.trim());
        }
        rest = &rest[end + 1..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_literal_escapes() {
        assert_eq!(sub_variables("a ${X} ${!Y} ${Z.Arn} ${AWS::Region}"), vec!["X", "Z.Arn", "AWS::Region"]);
    }
}
