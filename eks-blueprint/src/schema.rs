//! The JSON Schema of the blueprint file, for editors and CI.
//!
//! [`blueprint_schema`] derives it from the spec types ([`crate::spec`], through
//! `schemars`): every key in camelCase as serde reads it, descriptions from the rustdoc,
//! `additionalProperties: false` where unknown keys are refused. The types that read several
//! shapes (a count or a list of zones, a preset or a list of endpoints, a number or a
//! string) have their schemas written here by hand, next to the defaults: a default is named
//! once, in [`crate::compile::defaults`], and [`DEFAULTS`] places it in the schema.
//!
//! The schema is JSON Schema draft-07, the draft editors support best (the VS Code YAML
//! extension's `yaml-language-server`); it is committed as `schema/blueprint.schema.json`
//! and `eks-blueprint schema` prints it. It checks the shape of a file (keys, types, closed
//! sets, counts); validation ([`crate::compile`]) checks everything else, and a file the
//! schema accepts can still be refused there, never the other way round.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Value};

use crate::compile::defaults;
use crate::spec::cluster::{AccessPolicy, KubernetesVersion};
use crate::spec::identity::ConditionValues;
use crate::spec::karpenter::IntOrString;
use crate::spec::network::{
    AvailabilityZones, VpcEndpointService, VpcEndpoints, PRIVATE_CLUSTER_ENDPOINTS, PRIVATE_CLUSTER_PRESET,
};
use crate::spec::BlueprintSpec;

/// The schema's `$id`: where the committed file is published.
pub const SCHEMA_ID: &str =
    "https://raw.githubusercontent.com/eks-blueprint/eks-blueprint/main/schema/blueprint.schema.json";

/// The schema's title.
const TITLE: &str = "eks-blueprint blueprint file";

/// The schema's description: what a blueprint file is, for an editor's hover.
const DESCRIPTION: &str = "An Amazon EKS platform for eks-blueprint (`eks-blueprint synth blueprint.yaml`): \
    the VPC, the control plane, compute, workload identities. Every key is optional except `name`; \
    a key left out takes its secure default; unknown keys are errors. \
    Reference: the project's README and docs/.";

/// The JSON Schema (draft-07) of a blueprint file, as `schema/blueprint.schema.json` holds
/// it.
pub fn blueprint_schema() -> Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<BlueprintSpec>().to_value();
    if let Some(root) = schema.as_object_mut() {
        // The header first (`$schema`, `$id`, title, description), as schema files are
        // usually laid out, then the properties, then the definitions.
        root.insert("$id".to_owned(), json!(SCHEMA_ID));
        // The root type's rustdoc speaks to Rust users; the file's readers get their own.
        root.insert("title".to_owned(), json!(TITLE));
        root.insert("description".to_owned(), json!(DESCRIPTION));
        let mut rest = std::mem::take(root);
        for key in ["$schema", "$id", "title", "description"] {
            if let Some(value) = rest.remove(key) {
                root.insert(key.to_owned(), value);
            }
        }
        root.extend(rest);
    }
    for (pointer, default) in DEFAULTS {
        if let Some(Value::Object(property)) = schema.pointer_mut(pointer) {
            property.insert("default".to_owned(), default());
        }
    }
    plain_descriptions(&mut schema);
    schema
}

/// [`blueprint_schema`] as the committed file spells it: pretty JSON and a final newline.
pub fn blueprint_schema_text() -> String {
    let mut text = serde_json::to_string_pretty(&blueprint_schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// A default, as the file would write it.
type DefaultValue = fn() -> Value;

fn value<T: serde::Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Where each default of [`crate::compile::defaults`] goes in the schema (a JSON pointer to
/// the property). A test checks that every pointer names a property.
pub const DEFAULTS: &[(&str, DefaultValue)] = &[
    ("/properties/kubernetesVersion", || value(defaults::KUBERNETES_VERSION)),
    ("/properties/stackLayout", || value(defaults::STACK_LAYOUT)),
    ("/properties/crossStackReferences", || value(defaults::CROSS_STACK_REFERENCES)),
    ("/properties/removalPolicy", || value(defaults::REMOVAL_POLICY)),
    ("/definitions/Network/properties/cidr", || value(defaults::VPC_CIDR)),
    ("/definitions/Network/properties/availabilityZones", || value(defaults::AVAILABILITY_ZONES)),
    ("/definitions/Network/properties/natGateways", || value(defaults::NAT_GATEWAYS)),
    ("/definitions/Network/properties/ipv6", || value(defaults::IPV6)),
    ("/definitions/FlowLogs/properties/enabled", || value(defaults::FLOW_LOGS)),
    ("/definitions/FlowLogs/properties/retentionDays", || value(defaults::LOG_RETENTION_DAYS)),
    ("/definitions/FlowLogs/properties/trafficType", || value(defaults::FLOW_LOG_TRAFFIC)),
    ("/definitions/ClusterSpec/properties/logging", || value(defaults::LOG_TYPES)),
    ("/definitions/ClusterSpec/properties/logRetentionDays", || value(defaults::LOG_RETENTION_DAYS)),
    ("/definitions/ClusterSpec/properties/upgradePolicy", || value(defaults::UPGRADE_POLICY)),
    ("/definitions/ClusterSpec/properties/zonalShift", || value(defaults::ZONAL_SHIFT)),
    ("/definitions/ClusterSpec/properties/logEncryption", || value(defaults::LOG_ENCRYPTION)),
    ("/definitions/ClusterSpec/properties/ipFamily", || value(defaults::IP_FAMILY)),
    ("/definitions/ClusterSpec/properties/ecrEnhancedScanning", || value(defaults::ECR_ENHANCED_SCANNING)),
    ("/definitions/EndpointAccess/properties/private", || value(defaults::ENDPOINT_PRIVATE)),
    ("/definitions/EndpointAccess/properties/public", || value(defaults::ENDPOINT_PUBLIC)),
    ("/definitions/Access/properties/authenticationMode", || value(defaults::AUTHENTICATION_MODE)),
    ("/definitions/Access/properties/bootstrapClusterCreatorAdminPermissions", || {
        value(defaults::BOOTSTRAP_CLUSTER_CREATOR_ADMIN)
    }),
    ("/definitions/GuardDuty/properties/eksAuditLogs", || value(defaults::GUARDDUTY_EKS_AUDIT_LOGS)),
    ("/definitions/GuardDuty/properties/runtimeMonitoring", || value(defaults::GUARDDUTY_RUNTIME_MONITORING)),
    ("/definitions/GuardDuty/properties/existingDetector", || value(defaults::GUARDDUTY_EXISTING_DETECTOR)),
    ("/definitions/Compute/properties/clusterAutoscaler", || value(defaults::CLUSTER_AUTOSCALER)),
    ("/definitions/AutoMode/properties/enabled", || value(defaults::AUTO_MODE)),
    ("/definitions/AutoMode/properties/nodePools", || value(defaults::AUTO_MODE_NODE_POOLS)),
    ("/definitions/ManagedNodeGroup/properties/instanceTypes", || value([defaults::INSTANCE_TYPE])),
    ("/definitions/ManagedNodeGroup/properties/allowUnlistedInstanceTypes", || {
        value(defaults::ALLOW_UNLISTED_INSTANCE_TYPES)
    }),
    ("/definitions/ManagedNodeGroup/properties/amiType", || value(defaults::AMI_TYPE)),
    ("/definitions/ManagedNodeGroup/properties/capacityType", || value(defaults::CAPACITY_TYPE)),
    ("/definitions/ManagedNodeGroup/properties/minSize", || value(defaults::NODEGROUP_MIN_SIZE)),
    ("/definitions/ManagedNodeGroup/properties/maxSize", || value(defaults::NODEGROUP_MAX_SIZE)),
    ("/definitions/ManagedNodeGroup/properties/volumeSize", || value(defaults::ROOT_VOLUME_GIB)),
    ("/definitions/ManagedNodeGroup/properties/subnets", || value(defaults::NODE_SUBNETS)),
    ("/definitions/ManagedNodeGroup/properties/detailedMonitoring", || value(defaults::DETAILED_MONITORING)),
    ("/definitions/SelfManagedNodeGroup/properties/instanceTypes", || value([defaults::INSTANCE_TYPE])),
    ("/definitions/SelfManagedNodeGroup/properties/allowUnlistedInstanceTypes", || {
        value(defaults::ALLOW_UNLISTED_INSTANCE_TYPES)
    }),
    ("/definitions/SelfManagedNodeGroup/properties/amiType", || value(defaults::AMI_TYPE)),
    ("/definitions/SelfManagedNodeGroup/properties/capacityType", || value(defaults::CAPACITY_TYPE)),
    ("/definitions/SelfManagedNodeGroup/properties/spotAllocationStrategy", || {
        value(defaults::SPOT_ALLOCATION_STRATEGY)
    }),
    ("/definitions/SelfManagedNodeGroup/properties/minSize", || value(defaults::NODEGROUP_MIN_SIZE)),
    ("/definitions/SelfManagedNodeGroup/properties/maxSize", || value(defaults::NODEGROUP_MAX_SIZE)),
    ("/definitions/SelfManagedNodeGroup/properties/volumeSize", || value(defaults::ROOT_VOLUME_GIB)),
    ("/definitions/SelfManagedNodeGroup/properties/subnets", || value(defaults::NODE_SUBNETS)),
    ("/definitions/SelfManagedNodeGroup/properties/detailedMonitoring", || value(defaults::DETAILED_MONITORING)),
    ("/definitions/WorkloadIdentity/properties/mode", || value(defaults::IDENTITY_MODE)),
    ("/definitions/PolicyStatement/properties/effect", || value(defaults::STATEMENT_EFFECT)),
    ("/definitions/Karpenter/properties/namespace", || value(defaults::KARPENTER_NAMESPACE)),
    ("/definitions/Karpenter/properties/serviceAccount", || value(defaults::KARPENTER_SERVICE_ACCOUNT)),
    ("/definitions/Karpenter/properties/amiAlias", || value(defaults::KARPENTER_AMI_ALIAS)),
    ("/definitions/KarpenterNodePool/properties/capacityTypes", || value(defaults::KARPENTER_CAPACITY_TYPES)),
    ("/definitions/KarpenterNodePool/properties/instanceCategories", || value(defaults::KARPENTER_INSTANCE_CATEGORIES)),
    ("/definitions/KarpenterNodePool/properties/instanceGenerationGreaterThan", || {
        value(defaults::KARPENTER_INSTANCE_GENERATION_GREATER_THAN)
    }),
    ("/definitions/KarpenterNodePool/properties/architectures", || value(defaults::KARPENTER_ARCHITECTURES)),
    ("/definitions/Limits/properties/cpu", || value(defaults::KARPENTER_CPU_LIMIT)),
    ("/definitions/Disruption/properties/consolidationPolicy", || value(defaults::KARPENTER_CONSOLIDATION_POLICY)),
    ("/definitions/Disruption/properties/consolidateAfter", || value(defaults::KARPENTER_CONSOLIDATE_AFTER)),
];

/// Descriptions for an editor's hover: rustdoc links (`` [`Network::subnets`] ``; a
/// `[text](url)` stays) read as plain code spans, wrapped lines are joined.
fn plain_descriptions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(text) if key == "description" => {
                        *text = unwrap_lines(&strip_doc_links(&prose(text)));
                    }
                    other => plain_descriptions(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(plain_descriptions),
        _ => {}
    }
}

/// The prose of a rustdoc comment: its code examples (fenced blocks) and section headings
/// (`# Examples`) are for Rust readers, not for a hover in a YAML file.
fn prose(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || line.starts_with("# ") {
            continue;
        }
        if line.trim().is_empty() && out.last().is_none_or(|l| l.trim().is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.trim().is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Rustdoc's wrapped lines joined: a paragraph is one line (an editor wraps it), paragraphs
/// stay apart.
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|paragraph| paragraph.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// `` [`x`] `` -> `` `x` `` (an intra-doc link with no target written).
fn strip_doc_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[`") {
        let after = &rest[start + 1..];
        match after.find("`]") {
            Some(end) if !after[end + 2..].starts_with('(') => {
                out.push_str(&rest[..start]);
                out.push_str(&after[..end + 1]);
                rest = &after[end + 2..];
            }
            _ => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.push_str(rest);
    out.replace("`crate::", "`eks_blueprint::")
}

impl JsonSchema for KubernetesVersion {
    fn schema_name() -> Cow<'static, str> {
        "KubernetesVersion".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known: Vec<&str> = KubernetesVersion::KNOWN.iter().map(KubernetesVersion::as_str).collect();
        json_schema!({
            "description": "A Kubernetes minor version EKS supports, as a quoted string (`\"1.35\"`: unquoted, YAML reads 1.30 as the number 1.3). A version newer than this release lists is accepted when it is newer than the newest one listed.",
            "anyOf": [
                { "enum": known },
                { "type": "string", "pattern": "^[0-9]+\\.[0-9]+$" }
            ]
        })
    }
}

impl JsonSchema for AvailabilityZones {
    fn schema_name() -> Cow<'static, str> {
        "AvailabilityZones".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let (min, max) = (defaults::MIN_AVAILABILITY_ZONES, defaults::MAX_AVAILABILITY_ZONES);
        json_schema!({
            "description": "How many Availability Zones, or which: their names (`eu-west-1a`) or their zone IDs (`euw1-az1`), all in one Region.",
            "oneOf": [
                { "type": "integer", "minimum": min, "maximum": max },
                {
                    "type": "array",
                    "items": { "type": "string" },
                    "minItems": min,
                    "maxItems": max,
                    "examples": [["eu-west-1a", "eu-west-1b", "eu-west-1c"], ["euw1-az1", "euw1-az2", "euw1-az3"]]
                }
            ]
        })
    }
}

impl JsonSchema for VpcEndpointService {
    fn schema_name() -> Cow<'static, str> {
        "VpcEndpointService".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known = [
            VpcEndpointService::S3,
            VpcEndpointService::EcrApi,
            VpcEndpointService::EcrDkr,
            VpcEndpointService::Sts,
            VpcEndpointService::Ec2,
            VpcEndpointService::ElasticLoadBalancing,
            VpcEndpointService::Logs,
            VpcEndpointService::Ssm,
            VpcEndpointService::SsmMessages,
            VpcEndpointService::Ec2Messages,
            VpcEndpointService::Eks,
            VpcEndpointService::EksAuth,
        ];
        let known: Vec<&str> = known.iter().map(VpcEndpointService::as_str).collect();
        json_schema!({
            "description": "A service reachable through a VPC endpoint: a known name, or any other service name suffix after `com.amazonaws.<region>.` (e.g. `elasticfilesystem`).",
            "anyOf": [
                { "enum": known },
                { "type": "string", "minLength": 1 }
            ]
        })
    }
}

impl JsonSchema for VpcEndpoints {
    fn schema_name() -> Cow<'static, str> {
        "VpcEndpoints".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let service = generator.subschema_for::<VpcEndpointService>();
        let preset: Vec<&str> = PRIVATE_CLUSTER_ENDPOINTS.iter().map(VpcEndpointService::as_str).collect();
        let preset = format!("the endpoints of a private cluster: {}", preset.join(", "));
        json_schema!({
            "description": "VPC endpoints: a list of services, or the preset `privateCluster`.",
            "anyOf": [
                { "type": "array", "items": service },
                { "const": PRIVATE_CLUSTER_PRESET, "description": preset }
            ]
        })
    }
}

impl JsonSchema for AccessPolicy {
    fn schema_name() -> Cow<'static, str> {
        "AccessPolicy".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An EKS access policy: `ClusterAdmin`, `Admin`, `Edit`, `View`, another listed policy name (`AmazonEKSAdminViewPolicy`), or `{unlisted: <name>}` for a policy newer than the list.",
            "anyOf": [
                { "enum": ["ClusterAdmin", "Admin", "Edit", "View"] },
                { "type": "string", "pattern": "^Amazon[A-Za-z0-9]+Policy$" },
                {
                    "type": "object",
                    "properties": {
                        "unlisted": { "type": "string", "pattern": "^Amazon[A-Za-z0-9]+Policy$" }
                    },
                    "required": ["unlisted"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

impl JsonSchema for ConditionValues {
    fn schema_name() -> Cow<'static, str> {
        "ConditionValues".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One value (string, number or boolean, kept as written) or a list of them.",
            "anyOf": [
                { "type": ["string", "number", "boolean"] },
                { "type": "array", "items": { "type": ["string", "number", "boolean"] } }
            ]
        })
    }
}

impl JsonSchema for IntOrString {
    fn schema_name() -> Cow<'static, str> {
        "IntOrString".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A number or a string, like 1000, 10% or 4000Gi.",
            "type": ["number", "string"]
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    #[test]
    fn every_default_names_a_property_and_is_valid_there() {
        let schema = blueprint_schema();
        for (pointer, default) in DEFAULTS {
            let property = schema.pointer(pointer).unwrap_or_else(|| panic!("{pointer}: no such property"));
            assert_eq!(property.get("default"), Some(&default()), "{pointer}");
            // The property's schema, with the definitions its `$ref`s point into.
            let mut alone = property.clone();
            alone["definitions"] = schema["definitions"].clone();
            let validator = jsonschema::draft7::new(&alone).unwrap();
            assert!(validator.is_valid(&default()), "{pointer}: the default {} is not valid there", default());
        }
    }

    #[test]
    fn the_schema_is_valid_draft_07() {
        let schema = blueprint_schema();
        assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
        jsonschema::meta::validate(&schema).unwrap();
    }

    #[test]
    fn code_examples_and_headings_are_left_out() {
        let doc = "Auto Mode.\n\nWhen on, nodes.\n\n# Examples\n\n```\nlet x = 1;\n# hidden\n```\n";
        assert_eq!(prose(doc), "Auto Mode.\n\nWhen on, nodes.");
    }

    #[test]
    fn doc_links_read_as_code() {
        assert_eq!(strip_doc_links("see [`Network::subnets`]."), "see `Network::subnets`.");
        assert_eq!(strip_doc_links("[`a`](http://x) and [b]"), "[`a`](http://x) and [b]");
        assert_eq!(strip_doc_links("see [`crate::Blueprint`]"), "see `eks_blueprint::Blueprint`");
    }
}
