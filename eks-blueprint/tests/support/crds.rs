//! The Karpenter v1 CRDs (`tests/fixtures/karpenter-crds/`, sources in its `SOURCES.md`)
//! as a check of rendered manifests: each CRD's `openAPIV3Schema`, made strict as
//! `kubectl apply` is, run by a JSON Schema validator, and the CEL rules
//! (`x-kubernetes-validations`) that what eks-blueprint renders could break, by hand.

use eks_blueprint::Assembly;
use serde_json::Value;

/// The NodePool CRD (`karpenter.sh/v1`).
pub const NODE_POOL_CRD: &str = include_str!("../fixtures/karpenter-crds/karpenter.sh_nodepools.yaml");
/// The EC2NodeClass CRD (`karpenter.k8s.aws/v1`).
pub const NODE_CLASS_CRD: &str = include_str!("../fixtures/karpenter-crds/karpenter.k8s.aws_ec2nodeclasses.yaml");

/// The output file of the EC2NodeClass (docs/karpenter.md lists the files).
pub const NODE_CLASS_FILE: &str = "manifests/karpenter-nodeclass.yaml";
/// The output file of the NodePools.
pub const NODE_POOLS_FILE: &str = "manifests/karpenter-nodepools.yaml";

/// The v1 `openAPIV3Schema` of a CRD, made strict: an object schema with `properties`
/// refuses unknown fields, as `kubectl apply` (strict field validation) does; the
/// `x-kubernetes-*` extensions are ignored by JSON Schema validators.
pub fn crd_schema(crd: &str) -> Value {
    let crd: Value = serde_yaml::from_str(crd).unwrap();
    let version = crd["spec"]["versions"].as_array().unwrap().iter().find(|v| v["name"] == "v1").unwrap();
    let mut schema = version["schema"]["openAPIV3Schema"].clone();
    fn strict(s: &mut Value) {
        match s {
            Value::Object(map) => {
                if map.contains_key("properties")
                    && !map.contains_key("additionalProperties")
                    && !map.contains_key("x-kubernetes-preserve-unknown-fields")
                {
                    map.insert("additionalProperties".into(), Value::Bool(false));
                }
                map.values_mut().for_each(strict);
            }
            Value::Array(items) => items.iter_mut().for_each(strict),
            _ => {}
        }
    }
    strict(&mut schema);
    schema
}

pub fn schema_errors(schema: &Value, doc: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).unwrap();
    validator.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// The CEL rules (`x-kubernetes-validations`) of the NodePool CRD that this blueprint's
/// NodePools could break, checked by hand.
pub fn node_pool_cel_errors(pool: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let allowed = ["karpenter.sh/capacity-type", "karpenter.sh/nodepool"];
    let restricted = |key: &str| -> bool {
        let domain = key.split('/').next().unwrap_or_default();
        let karpenter_k8s_aws_ok = key.starts_with("karpenter.k8s.aws/instance-")
            || key == "karpenter.k8s.aws/ec2nodeclass"
            || key.starts_with("karpenter.k8s.aws/capacity-reservation-");
        (domain.ends_with("karpenter.sh") && !allowed.contains(&key))
            || key == "karpenter.sh/nodepool"
            || key == "kubernetes.io/hostname"
            || (domain.ends_with("karpenter.k8s.aws") && !karpenter_k8s_aws_ok)
    };
    let template = &pool["spec"]["template"];
    for req in template["spec"]["requirements"].as_array().unwrap() {
        let key = req["key"].as_str().unwrap();
        let values = req["values"].as_array().cloned().unwrap_or_default();
        if restricted(key) {
            errors.push(format!("requirement key {key} is restricted"));
        }
        match req["operator"].as_str().unwrap() {
            "In" if values.is_empty() => errors.push(format!("{key}: 'In' must have a value")),
            "Gt" | "Lt" | "Gte" | "Lte" if values.len() != 1 || values[0].as_str().unwrap().parse::<u64>().is_err() => {
                errors.push(format!("{key}: must have a single positive integer value"))
            }
            _ => {}
        }
    }
    if let Some(labels) = template["metadata"]["labels"].as_object() {
        for key in labels.keys() {
            if restricted(key) || key.starts_with("kubernetes.io/") {
                errors.push(format!("label {key} is restricted"));
            }
        }
    }
    for b in pool["spec"]["disruption"]["budgets"].as_array().into_iter().flatten() {
        if b.get("schedule").is_some() != b.get("duration").is_some() {
            errors.push("'schedule' must be set with 'duration'".into());
        }
    }
    let r = &template["spec"]["nodeClassRef"];
    for f in ["group", "kind", "name"] {
        if r[f].as_str().unwrap_or_default().is_empty() {
            errors.push(format!("nodeClassRef.{f} may not be empty"));
        }
    }
    if pool["spec"].get("replicas").is_some() {
        errors.push("static NodePools are not rendered".into());
    }
    errors
}

/// The CEL rules of the EC2NodeClass CRD that matter for what is rendered.
pub fn node_class_cel_errors(class: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let spec = &class["spec"];
    let ami = spec["amiSelectorTerms"].as_array().unwrap();
    for term in ami {
        if let Some(alias) = term["alias"].as_str() {
            let family = alias.split('@').next().unwrap();
            if !alias.contains('@') || alias.split('@').nth(1).unwrap().is_empty() {
                errors.push("alias is improperly formatted".into());
            }
            if !["al2", "al2023", "bottlerocket", "windows2019", "windows2022", "windows2025"].contains(&family) {
                errors.push("family is not supported".into());
            }
            if ami.len() != 1 || term.as_object().unwrap().len() != 1 {
                errors.push("alias is mutually exclusive".into());
            }
        }
    }
    if spec.get("role").is_some() == spec.get("instanceProfile").is_some() {
        errors.push("must specify exactly one of role, instanceProfile".into());
    }
    if spec["role"].as_str() == Some("") {
        errors.push("role cannot be empty".into());
    }
    for field in ["subnetSelectorTerms", "securityGroupSelectorTerms"] {
        let terms = spec[field].as_array().unwrap();
        if terms.is_empty() {
            errors.push(format!("{field} cannot be empty"));
        }
        for t in terms {
            let tags = t["tags"].as_object().unwrap();
            if tags.is_empty() || tags.iter().any(|(k, v)| k.is_empty() || v.as_str().unwrap().is_empty()) {
                errors.push(format!("{field}: empty tag keys or values aren't supported"));
            }
        }
    }
    let devices = spec["blockDeviceMappings"].as_array().unwrap();
    if devices.iter().filter(|d| d["rootVolume"] == true).count() > 1 {
        errors.push("must have only one blockDeviceMappings with rootVolume".into());
    }
    for d in devices {
        if d["ebs"].get("volumeSize").is_none() && d["ebs"].get("snapshotID").is_none() {
            errors.push("snapshotID or volumeSize must be defined".into());
        }
    }
    for key in spec["tags"].as_object().into_iter().flatten().map(|(k, _)| k) {
        if key.is_empty()
            || key == "eks:eks-cluster-name"
            || key.starts_with("kubernetes.io/cluster")
            || ["karpenter.sh/nodepool", "karpenter.sh/nodeclaim", "karpenter.k8s.aws/ec2nodeclass"]
                .contains(&key.as_str())
        {
            errors.push(format!("tag {key} is restricted"));
        }
    }
    errors
}

pub fn assert_manifests_valid(assembly: &Assembly) {
    let pool_schema = crd_schema(NODE_POOL_CRD);
    let class_schema = crd_schema(NODE_CLASS_CRD);
    for class in super::yaml_documents(super::file(assembly, NODE_CLASS_FILE)) {
        assert_eq!(schema_errors(&class_schema, &class), Vec::<String>::new());
        assert_eq!(node_class_cel_errors(&class), Vec::<String>::new());
    }
    for pool in super::yaml_documents(super::file(assembly, NODE_POOLS_FILE)) {
        assert_eq!(schema_errors(&pool_schema, &pool), Vec::<String>::new(), "{pool}");
        assert_eq!(node_pool_cel_errors(&pool), Vec::<String>::new(), "{pool}");
    }
}
