//! Kubernetes manifests, the files CloudFormation cannot create: each is a comment header and
//! YAML documents, written through the one YAML writer ([`crate::yaml`]), which reads back
//! the same under YAML 1.1 and 1.2.

use serde_json::Value;

/// A manifest file: `header` (comment lines), then `docs` as YAML documents.
pub(crate) fn yaml(header: &str, docs: &[Value]) -> String {
    format!("{header}{}", crate::yaml::documents(docs))
}
