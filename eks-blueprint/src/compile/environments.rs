//! Validation of environments: their names, accounts, Regions and overrides' shape; and,
//! for a spec selected for an environment with a Region, the Region-aware checks (zones of
//! that Region, ARNs of its partition, a KMS key in that Region).

use indexmap::IndexMap;

use crate::compile::codes;
use crate::compile::data::regions::{partition_of, region};
use crate::compile::network::{region_of_zone_name, zone_id_region_code};
use crate::compile::{Defaulted, MAX_NAME_LEN};
use crate::error::{quote, ValidationErrors};
use crate::spec::environments::{overrides_path, Environment, SelectedEnvironment, NOT_OVERRIDABLE};
use crate::spec::network::AvailabilityZones;

/// Checks every declared environment.
pub(crate) fn validate(environments: &IndexMap<String, Environment>, base_name: &str, errors: &mut ValidationErrors) {
    for (name, environment) in environments {
        validate_one(name, environment, base_name, errors);
    }
}

/// Checks one environment: `environments.<name>` and its fields.
pub(crate) fn validate_one(name: &str, environment: &Environment, base_name: &str, errors: &mut ValidationErrors) {
    let path = format!("environments.{name}");
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.ends_with('-');
    if !well_formed {
        errors.push(
            path.clone(),
            codes::INVALID_ENVIRONMENT,
            format!("{} is not an environment name: lowercase letters, digits and '-', starting with a letter (it is appended to the blueprint's name and stack names)", quote(name)),
        );
    } else if base_name.len() + 1 + name.len() > MAX_NAME_LEN {
        errors.push(
            path.clone(),
            codes::INVALID_ENVIRONMENT,
            format!("`{base_name}-{name}`, the name of this environment's cluster, is longer than {MAX_NAME_LEN} characters; shorten the environment's or the blueprint's name"),
        );
    }
    if let Some(account) = &environment.account {
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            errors.push(
                format!("{path}.account"),
                codes::INVALID_ACCOUNT,
                format!("{} is not an AWS account ID: 12 digits, quoted in YAML (\"012345678901\")", quote(account)),
            );
        }
    }
    if let Some(region_name) = &environment.region {
        let allow_unknown = environment.allow_unknown_region.unwrap_or(false);
        if !is_region_like(region_name) {
            errors.push(
                format!("{path}.region"),
                codes::UNKNOWN_REGION,
                format!("{} is not a Region code like eu-west-1", quote(region_name)),
            );
        } else if region(region_name).is_none() && !allow_unknown {
            errors.push(
                format!("{path}.region"),
                codes::UNKNOWN_REGION,
                format!("`{region_name}` is not a Region eks-blueprint knows; check the spelling, or, for a Region newer than this release, set `allowUnknownRegion: true`"),
            );
        }
    }
    match &environment.overrides {
        None | Some(serde_json::Value::Object(_)) => {}
        Some(_) => errors.push(
            overrides_path(name),
            codes::OVERRIDE_NOT_ALLOWED,
            "overrides are a mapping of blueprint fields, like `{network: {natGateways: single}}`",
        ),
    }
    if let Some(serde_json::Value::Object(map)) = &environment.overrides {
        for key in NOT_OVERRIDABLE.iter().filter(|k| map.contains_key(**k)) {
            errors.push(
                format!("{}.{key}", overrides_path(name)),
                codes::OVERRIDE_NOT_ALLOWED,
                format!("an environment cannot override `{key}`: the environment's name is appended to the blueprint's, and environments do not nest"),
            );
        }
    }
}

/// `xx-name-1`, `us-gov-west-1`: lowercase parts, the last one a number.
fn is_region_like(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return false };
    !middle.is_empty()
        && (2..=4).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_lowercase())
        && middle.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase()))
        && !last.is_empty()
        && last.chars().all(|c| c.is_ascii_digit())
}

/// The checks that need the Region: zones, partitions of ARNs, the KMS key's Region.
pub(crate) fn region_checks(target: &SelectedEnvironment, bp: &Defaulted, errors: &mut ValidationErrors) {
    let Some(region_name) = target.region.as_deref() else { return };
    let env = &target.name;
    match &bp.network.availability_zones {
        AvailabilityZones::Names(names) => {
            for (i, zone) in names.iter().enumerate() {
                let zone_region = region_of_zone_name(zone);
                if zone_region != region_name && zone_region != zone.as_str() {
                    errors.push(
                        format!("network.availabilityZones[{i}]"),
                        codes::ZONE_OUTSIDE_REGION,
                        format!("`{zone}` is in {zone_region}, but environment `{env}` deploys to {region_name}: list zones of {region_name} (or zone IDs, which are the same in every account)"),
                    );
                }
            }
        }
        AvailabilityZones::Ids(ids) => {
            if let Some(prefix) = region(region_name).and_then(|r| r.zone_id_prefix) {
                for (i, id) in ids.iter().enumerate() {
                    let code = zone_id_region_code(id);
                    if code != prefix && crate::spec::network::is_zone_id(id) {
                        errors.push(
                            format!("network.availabilityZones[{i}]"),
                            codes::ZONE_OUTSIDE_REGION,
                            format!("`{id}` is a zone of the Region of zone IDs {code}-*, but environment `{env}` deploys to {region_name}, whose zone IDs are {prefix}-az<N>"),
                        );
                    }
                }
            }
        }
        AvailabilityZones::Count(_) => {}
    }
    let partition = partition_of(region_name);
    let mut arn = |path: String, value: &str| {
        let parts: Vec<&str> = value.split(':').collect();
        if parts.first() == Some(&"arn") && parts.len() > 2 && parts[1] != partition && !parts[1].contains('*') {
            errors.push(
                path,
                codes::ARN_PARTITION,
                format!("{} is in partition `{}`, but environment `{env}` deploys to {region_name}, in partition `{partition}`: IAM and KMS refuse ARNs of another partition", quote(value), parts[1]),
            );
        }
    };
    for (i, entry) in bp.spec.cluster.access.entries.iter().enumerate() {
        arn(format!("cluster.access.entries[{i}].principalArn"), &entry.principal_arn);
    }
    if let Some(key) = &bp.spec.cluster.secrets_encryption.key_arn {
        arn("cluster.secretsEncryption.keyArn".to_owned(), key);
    }
    for (i, identity) in bp.spec.identities.iter().enumerate() {
        for (j, policy) in identity.managed_policies.iter().enumerate() {
            arn(format!("identities[{i}].managedPolicies[{j}]"), policy);
        }
        for (j, statement) in identity.statements.iter().enumerate() {
            for (k, resource) in statement.resources.iter().enumerate() {
                arn(format!("identities[{i}].statements[{j}].resources[{k}]"), resource);
            }
        }
    }
    if let Some(key) = &bp.spec.cluster.secrets_encryption.key_arn {
        let key_region = key.split(':').nth(3).unwrap_or_default();
        if key.starts_with("arn:") && !key_region.is_empty() && key_region != region_name {
            errors.push(
                "cluster.secretsEncryption.keyArn",
                codes::KEY_REGION,
                format!("the key is in {key_region}, but environment `{env}` deploys the cluster to {region_name}: EKS encrypts secrets only with a key of the cluster's Region"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_codes_are_recognized() {
        for ok in ["eu-west-1", "us-gov-west-1", "eusc-de-east-1", "ap-southeast-7"] {
            assert!(is_region_like(ok), "{ok}");
        }
        for bad in ["eu-west", "EU-west-1", "euwest1", "eu--1", "eu-west-1a"] {
            assert!(!is_region_like(bad), "{bad}");
        }
    }
}
