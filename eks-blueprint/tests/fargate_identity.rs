//! EKS Pod Identity does not work on Fargate (its agent is a DaemonSet): a Pod Identity role
//! for pods that can only run on Fargate is refused, pointing to IRSA.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use eks_blueprint::{Blueprint, Error};

const BASE: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";

fn parse(compute: &str, identities: &str) -> Result<Blueprint, Error> {
    Blueprint::from_yaml(&format!("{BASE}compute:\n{compute}identities:\n{identities}"))
}

/// (path, code, message) of each validation error.
fn errors(compute: &str, identities: &str) -> Vec<(String, &'static str, String)> {
    match parse(compute, identities) {
        Err(Error::Invalid(errs)) => errs.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect(),
        Err(e) => panic!("not a validation error: {e}"),
        Ok(_) => Vec::new(),
    }
}

const NODES_AND_BATCH_ON_FARGATE: &str = "  managedNodeGroups: [{name: general}]\n  fargateProfiles:\n    - name: batch\n      selectors: [{namespace: batch}]\n";
const WRITER: &str =
    "  - {name: writer, namespace: batch, serviceAccount: writer, managedPolicies: [AmazonSQSFullAccess]}\n";

#[test]
fn pod_identity_in_a_namespace_that_runs_on_fargate_is_refused() {
    assert_eq!(
        errors(NODES_AND_BATCH_ON_FARGATE, WRITER),
        [(
            "identities[0].mode".to_owned(),
            "pod-identity-fargate",
            "identity `writer` uses EKS Pod Identity, but Fargate profile `batch` runs every pod of namespace `batch` on Fargate, where the Pod Identity agent (a DaemonSet) does not run, so its pods would get no credentials; set mode: irsa (IAM roles for service accounts work on Fargate)".to_owned()
        )]
    );
}

#[test]
fn irsa_in_that_namespace_is_accepted() {
    let irsa = WRITER.replace("serviceAccount: writer,", "serviceAccount: writer, mode: irsa,");
    assert!(parse(NODES_AND_BATCH_ON_FARGATE, &irsa).is_ok());
}

#[test]
fn a_selector_with_labels_moves_only_some_pods_and_is_accepted() {
    let labelled =
        NODES_AND_BATCH_ON_FARGATE.replace("{namespace: batch}", "{namespace: batch, labels: {runtime: fargate}}");
    assert!(parse(&labelled, WRITER).is_ok());
    // Another namespace is not affected either.
    let other = WRITER.replace("namespace: batch", "namespace: web");
    assert!(parse(NODES_AND_BATCH_ON_FARGATE, &other).is_ok());
}

#[test]
fn with_fargate_as_the_only_compute_every_pod_identity_is_refused() {
    let fargate_only = "  fargateProfiles:\n    - name: system\n      selectors: [{namespace: kube-system, labels: {k8s-app: kube-dns}}]\n    - name: apps\n      selectors: [{namespace: web, labels: {tier: front}}]\n";
    let web = WRITER.replace("namespace: batch", "namespace: web");
    let found = errors(fargate_only, &web);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("identities[0].mode", "pod-identity-fargate"));
    assert!(found[0].2.contains("but Fargate is the only compute, where the Pod Identity agent"), "{}", found[0].2);
}

#[test]
fn karpenter_in_a_namespace_that_runs_on_fargate_is_refused() {
    let compute = "  managedNodeGroups: [{name: system}]\n  karpenter: {namespace: karpenter}\n  fargateProfiles:\n    - name: karpenter\n      selectors: [{namespace: karpenter}]\n";
    let found = errors(compute, "  []\n");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("compute.karpenter.namespace", "pod-identity-fargate"));
    assert!(
        found[0].2.starts_with("Karpenter's controller gets its role through EKS Pod Identity, but Fargate profile `karpenter` runs every pod of namespace `karpenter` on Fargate"),
        "{}",
        found[0].2
    );
}
