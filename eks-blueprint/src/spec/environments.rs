//! Environments: one blueprint, several deployments (the AWS CDK practice of one definition
//! reused across environments through environment values).
//!
//! ```yaml
//! name: shop
//! network: {cidr: 10.0.0.0/16}
//! environments:
//!   dev:
//!     account: "111111111111"
//!     region: eu-west-1
//!     overrides:
//!       network: {natGateways: single}
//!   prod:
//!     account: "222222222222"
//!     region: eu-central-1
//!     overrides:
//!       compute:
//!         managedNodeGroups: [{name: general, instanceTypes: [m7i.xlarge], minSize: 3, maxSize: 12}]
//! ```
//!
//! Selecting an environment ([`BlueprintSpec::select_environment`], `--env prod` on the
//! command line) makes a new spec:
//!
//! - its `overrides` are deep-merged over the blueprint as written, before typed parsing:
//!   mappings merge key by key, lists and single values replace, and `null` removes the
//!   key (the default applies again). The result is parsed and validated exactly as a
//!   file would be: an unknown key in the overrides is an error naming its path under
//!   `environments.<env>.overrides`. `name` and `environments` cannot be overridden;
//! - its name becomes `<name>-<env>`: the cluster, the stacks (`<name>-<env>-network`, ...),
//!   exports and `Name` tags carry the environment, so that two environments can even
//!   share an account and Region;
//! - its target ([`SelectedEnvironment`]) is the environment's account and Region: the cloud assembly
//!   deploys to `aws://<account>/<region>`, and Region-aware checks turn on (zone names and
//!   zone IDs of that Region, ARNs of its partition, a KMS key in that Region).
//!
//! Without a selection the blueprint as written (the base) is what compiles: the
//! environments are validated (names, accounts, Regions, overrides' shape) but not applied.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::compile::codes;
use crate::error::{Error, ValidationErrors};
use crate::source::{Source, SourceFormat};
use crate::spec::BlueprintSpec;

/// One environment of a blueprint: where it deploys and what it changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct Environment {
    /// The AWS account ID: 12 digits (quote it in YAML, so that leading zeros stay).
    /// Default: unknown (the cloud assembly says `unknown-account`; the account deploying
    /// decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The AWS Region, e.g. `eu-west-1`: one of the Regions eks-blueprint knows
    /// (`data/regions.csv`), unless `allowUnknownRegion` is set. Default: unknown (no
    /// Region-aware checks; the Region deploying decides).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Accepts a Region that is not in eks-blueprint's list (a Region newer than this
    /// release), as long as it is spelled like one (`xx-name-1`). Zone ID checks are then
    /// skipped. Default: `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_unknown_region: Option<bool>,
    /// Blueprint fields changed in this environment, deep-merged over the blueprint:
    /// mappings merge, lists and single values replace, `null` removes. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    pub overrides: Option<Value>,
}

impl Environment {
    /// An environment in `account` and `region`, without overrides.
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        Environment { account: Some(account.into()), region: Some(region.into()), ..Environment::default() }
    }

    /// An environment without account or Region: only overrides.
    pub fn overrides_only(overrides: Value) -> Self {
        Environment { overrides: Some(overrides), ..Environment::default() }
    }

    /// Sets the overrides: a mapping of blueprint fields, as in the file (camelCase keys).
    pub fn overrides(mut self, overrides: Value) -> Self {
        self.overrides = Some(overrides);
        self
    }

    /// Accepts a Region that eks-blueprint does not know yet.
    pub fn allow_unknown_region(mut self, allow: bool) -> Self {
        self.allow_unknown_region = Some(allow);
        self
    }
}

/// The environment a spec was selected for: its name, account and Region.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SelectedEnvironment {
    /// The environment's name (`prod`).
    pub name: String,
    /// The blueprint's name before the environment was appended.
    pub base_name: String,
    /// The account ID, when given.
    pub account: Option<String>,
    /// The Region, when given.
    pub region: Option<String>,
    /// Whether the Region may be one eks-blueprint does not know.
    pub allow_unknown_region: bool,
}

impl SelectedEnvironment {
    /// The cloud assembly's environment: `aws://<account>/<region>`, `unknown-account` and
    /// `unknown-region` for what is not given (as the AWS CDK writes it).
    pub fn cloud_assembly_environment(&self) -> String {
        format!(
            "aws://{}/{}",
            self.account.as_deref().unwrap_or("unknown-account"),
            self.region.as_deref().unwrap_or("unknown-region")
        )
    }
}

/// The fields an environment cannot override: the name (the environment is appended to
/// it) and the environments themselves.
pub const NOT_OVERRIDABLE: [&str; 2] = ["name", "environments"];

/// `environments.<name>.overrides`: the field path of an environment's overrides.
pub fn overrides_path(environment: &str) -> String {
    format!("environments.{environment}.overrides")
}

impl BlueprintSpec {
    /// Reads the spec of a checked [`Source`] and, when `environment` is given, selects it
    /// ([`BlueprintSpec::select_environment`]) by merging its overrides over the file's raw
    /// document; an error in the overrides names its path under
    /// `environments.<env>.overrides` and its position in the file.
    pub fn from_source_for(source: &Source, environment: Option<&str>) -> Result<BlueprintSpec, Error> {
        let spec = BlueprintSpec::from_source(source)?;
        let Some(name) = environment else { return Ok(spec) };
        let raw = raw_document(source)?;
        select(&spec, raw, name, Some(source))
    }

    /// The spec of environment `name`: its overrides deep-merged over this spec (as its
    /// serialized form, what a file with the same content holds), named `<name>-<env>`,
    /// targeting the environment's account and Region. See [the module](self).
    ///
    /// Errors: no environments, an unknown environment (the message lists the declared
    /// ones), an invalid environment, and whatever the merged blueprint's parsing refuses.
    pub fn select_environment(&self, name: &str) -> Result<BlueprintSpec, Error> {
        let raw = serde_json::to_value(self)
            .map_err(|e| Error::parse("<input>", "invalid-value", None, "", e.to_string()))?;
        select(self, raw, name, None)
    }

    /// The environment this spec was selected for, if any.
    pub fn target(&self) -> Option<&SelectedEnvironment> {
        self.target.as_ref()
    }
}

/// The whole document as plain data, for merging.
fn raw_document(source: &Source) -> Result<Value, Error> {
    let raw = match source.format() {
        SourceFormat::Yaml => serde_yaml::from_str::<Value>(source.text()).map_err(|e| e.to_string()),
        SourceFormat::Json => serde_json::from_str::<Value>(source.text()).map_err(|e| e.to_string()),
    };
    // The typed parse of the same text succeeded, so this is not expected to fail.
    raw.map_err(|message| Error::parse(source.name(), "invalid-value", None, "", message))
}

fn select(spec: &BlueprintSpec, mut raw: Value, name: &str, source: Option<&Source>) -> Result<BlueprintSpec, Error> {
    let mut errors = ValidationErrors::default();
    if spec.environments.is_empty() {
        errors.push(
            "environments",
            codes::NO_ENVIRONMENTS,
            format!("environment `{name}` is selected, but the blueprint declares no environments: add `environments: {{{name}: {{account: ..., region: ...}}}}`, or select none"),
        );
        return Err(Error::Invalid(errors));
    }
    let Some(environment) = spec.environments.get(name) else {
        let known: Vec<&str> = spec.environments.keys().map(String::as_str).collect();
        errors.push(
            "environments",
            codes::UNKNOWN_ENVIRONMENT,
            format!("no environment `{name}`; the blueprint declares: {}", known.join(", ")),
        );
        return Err(Error::Invalid(errors));
    };
    crate::compile::environments::validate_one(name, environment, &spec.name, &mut errors);
    errors.into_result()?;
    let overrides = environment.overrides.clone().unwrap_or(Value::Null);
    if let Value::Object(map) = &mut raw {
        map.shift_remove("environments");
    }
    merge(&mut raw, &overrides);
    let file = source.map_or("<input>", Source::name);
    let mut merged: BlueprintSpec = serde_path_to_error::deserialize(raw).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        // A key that comes from the overrides is named where it is written.
        let path = if !path.is_empty() && contains_path(&overrides, &path) {
            format!("{}.{path}", overrides_path(name))
        } else {
            path
        };
        let message = e.inner().to_string();
        let position = source.and_then(|s| s.map().locate(&path));
        Error::parse(file, crate::spec::serde_code(&message), position, &path, message)
    })?;
    merged.name = format!("{}-{name}", spec.name);
    merged.environments = IndexMap::new();
    merged.target = Some(SelectedEnvironment {
        name: name.to_owned(),
        base_name: spec.name.clone(),
        account: environment.account.clone(),
        region: environment.region.clone(),
        allow_unknown_region: environment.allow_unknown_region.unwrap_or(false),
    });
    Ok(merged)
}

/// Deep merge: mappings merge key by key, `null` removes the key, anything else replaces.
/// A `null` for a key the base does not have stays, for typed parsing to judge.
pub fn merge(base: &mut Value, overrides: &Value) {
    match (base, overrides) {
        (Value::Object(base), Value::Object(overrides)) => {
            for (key, value) in overrides {
                match (base.get_mut(key), value) {
                    (Some(_), Value::Null) => {
                        base.shift_remove(key);
                    }
                    // Nothing to remove: kept, so that typed parsing still refuses an
                    // unknown key (and takes null for an unset field).
                    (Some(existing @ Value::Object(_)), Value::Object(_)) => merge(existing, value),
                    _ => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (_, Value::Null) => {}
        (base, overrides) => *base = overrides.clone(),
    }
}

/// Whether `path` (`network.subnets.private.cidrs[1]`, as serde_path_to_error spells it)
/// is written in `value`, or under a list or value written there.
fn contains_path(value: &Value, path: &str) -> bool {
    let mut node = value;
    for part in split_path(path) {
        node = match (node, part) {
            (Value::Object(map), PathPart::Key(key)) => match map.get(key) {
                Some(next) => next,
                None => return false,
            },
            // A list (or a value) written in the overrides replaces the base's whole.
            _ => return true,
        };
    }
    true
}

enum PathPart<'a> {
    Key(&'a str),
    Index,
}

fn split_path(path: &str) -> impl Iterator<Item = PathPart<'_>> {
    path.split('.').flat_map(|segment| {
        let (key, rest) = segment.split_once('[').map_or((segment, ""), |(k, r)| (k, r));
        let key = (!key.is_empty()).then_some(PathPart::Key(key));
        let indexes = rest.matches(']').map(|_| PathPart::Index);
        key.into_iter().chain(indexes)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_is_deep_for_mappings_and_replaces_lists_and_values() {
        let mut base = json!({"name": "a", "network": {"cidr": "10.0.0.0/16", "natGateways": "perAz"}, "tags": {"a": "1"}, "compute": {"managedNodeGroups": [{"name": "x"}, {"name": "y"}]}});
        merge(
            &mut base,
            &json!({"network": {"natGateways": "single", "cidr": null}, "tags": {"b": "2"}, "compute": {"managedNodeGroups": [{"name": "z"}]}}),
        );
        assert_eq!(
            base,
            json!({"name": "a", "network": {"natGateways": "single"}, "tags": {"a": "1", "b": "2"}, "compute": {"managedNodeGroups": [{"name": "z"}]}})
        );
        // A null for an absent key stays: parsing refuses it if the key is unknown.
        merge(&mut base, &json!({"network": {"cidrr": null}}));
        assert_eq!(base["network"], json!({"natGateways": "single", "cidrr": null}));
    }

    #[test]
    fn paths_are_found_in_the_overrides() {
        let overrides = json!({"network": {"cidr": "x"}, "compute": {"managedNodeGroups": [{"nme": "z"}]}});
        assert!(contains_path(&overrides, "network.cidr"));
        assert!(!contains_path(&overrides, "network.natGateways"));
        assert!(contains_path(&overrides, "compute.managedNodeGroups[0].nme"));
        assert!(!contains_path(&overrides, "cluster"));
    }
}
