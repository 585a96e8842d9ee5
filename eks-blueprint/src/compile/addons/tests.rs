//! The contract as data: the registry's declarations agree with each other, each conflict
//! and requirement of the core add-ons and Karpenter is checked on real blueprints, and the
//! effective set is ordered by the declarations.

use super::*;
use crate::blueprint::addons::{Conflict, HelmRelease, Kind, PodIdentityRole, Requirement};
use crate::spec::BlueprintSpec;

const NODE_GROUP: &str = "managedNodeGroups: [{name: system}]";

fn spec(compute: &str) -> BlueprintSpec {
    BlueprintSpec::from_yaml(&format!("name: demo\ncompute: {{{compute}}}\n")).unwrap()
}

/// The ids of the effective set, in order.
fn effective(compute: &str) -> Vec<&'static str> {
    let spec = spec(compute);
    resolve(&Defaulted::of(&spec)).iter().map(Installed::id).collect()
}

/// (path, code, message) of every add-on error.
fn errors_with(compute: &str, registry: &[&Entry]) -> Vec<(String, &'static str, String)> {
    let spec = spec(compute);
    let mut errors = ValidationErrors::default();
    validate_with(&Defaulted::of(&spec), registry, &mut errors);
    errors.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect()
}

fn errors(compute: &str) -> Vec<(String, &'static str, String)> {
    errors_with(compute, REGISTRY)
}

#[test]
fn the_registry_is_consistent() {
    for (i, entry) in REGISTRY.iter().enumerate() {
        let d = &entry.declaration;
        assert!(!REGISTRY[..i].iter().any(|e| e.declaration.id == d.id), "{} is registered twice", d.id);
        // An add-on deployed before the compute stack cannot wait for nodes.
        if matches!(d.part, Part::Account | Part::Network | Part::Cluster) {
            assert!(!d.after.contains(&Anchor::Nodes), "{} is in {:?} but comes after nodes", d.id, d.part);
        }
        // An add-on nodes wait for is deployed before them.
        if d.before.contains(&Anchor::Nodes) {
            assert!(!after_nodes(d), "{} comes before nodes but is deployed after them", d.id);
        }
        for anchor in d.after.iter().chain(d.before) {
            if let Anchor::Addon(id) = anchor {
                assert!(REGISTRY.iter().any(|e| e.declaration.id == *id), "{}: unknown add-on {id}", d.id);
            }
        }
        for role in d.roles {
            assert!(role.logical_id.ends_with("Role"), "{}", role.logical_id);
        }
    }
    // Ordering every add-on respects every declared `after` and `before`: no cycle.
    let all = order(REGISTRY.to_vec());
    let position = |id: &str| all.iter().position(|e| e.declaration.id == id).unwrap();
    for entry in &all {
        let d = &entry.declaration;
        for anchor in d.after {
            if let Anchor::Addon(id) = anchor {
                assert!(position(id) < position(d.id), "{} must come after {id}", d.id);
            }
        }
        for anchor in d.before {
            if let Anchor::Addon(id) = anchor {
                assert!(position(d.id) < position(id), "{} must come before {id}", d.id);
            }
        }
    }
}

#[test]
fn the_core_addons_and_their_parts() {
    let parts: Vec<(&str, Part)> = REGISTRY.iter().map(|e| (e.declaration.id, e.declaration.part)).collect();
    assert_eq!(
        parts,
        [
            ("podIdentityAgent", Part::Cluster),
            ("vpcCni", Part::Cluster),
            ("kubeProxy", Part::Cluster),
            ("coredns", Part::Addons),
            ("karpenter", Part::Karpenter),
        ]
    );
    // Nodes need the CNI and kube-proxy to become Ready; CoreDNS needs nodes to run on.
    let before_nodes: Vec<&str> =
        REGISTRY.iter().filter(|e| e.declaration.before.contains(&Anchor::Nodes)).map(|e| e.declaration.id).collect();
    assert_eq!(before_nodes, ["vpcCni", "kubeProxy"]);
    let after_nodes: Vec<&str> =
        REGISTRY.iter().filter(|e| e.declaration.after.contains(&Anchor::Nodes)).map(|e| e.declaration.id).collect();
    assert_eq!(after_nodes, ["coredns", "karpenter"]);
}

#[test]
fn node_groups_get_every_core_addon_in_order() {
    assert_eq!(effective(NODE_GROUP), ["podIdentityAgent", "vpcCni", "kubeProxy", "coredns"]);
    assert_eq!(
        effective(&format!("{NODE_GROUP}, karpenter: {{}}")),
        ["podIdentityAgent", "vpcCni", "kubeProxy", "coredns", "karpenter"]
    );
}

#[test]
fn auto_mode_alone_omits_the_addons_it_runs_itself() {
    assert_eq!(effective("autoMode: {enabled: true}"), Vec::<&str>::new());
    assert_eq!(errors("autoMode: {enabled: true}"), []);
    // With node groups beside it, they need the add-ons.
    assert_eq!(
        effective(&format!("autoMode: {{enabled: true}}, {NODE_GROUP}")),
        ["podIdentityAgent", "vpcCni", "kubeProxy", "coredns"]
    );
}

#[test]
fn coredns_needs_something_to_run_on() {
    assert_eq!(effective(""), ["podIdentityAgent", "vpcCni", "kubeProxy"]);
    assert_eq!(
        effective("fargateProfiles: [{name: all, selectors: [{namespace: kube-system}]}]"),
        ["podIdentityAgent", "vpcCni", "kubeProxy", "coredns"]
    );
}

#[test]
fn karpenter_conflicts_with_auto_mode() {
    assert_eq!(
        errors(&format!("autoMode: {{enabled: true}}, {NODE_GROUP}, karpenter: {{}}")),
        [(
            "compute.karpenter".to_owned(),
            "conflict",
            "EKS Auto Mode runs its own managed Karpenter; turn off either autoMode or karpenter".to_owned()
        )]
    );
}

#[test]
fn karpenter_conflicts_with_the_cluster_autoscaler() {
    assert_eq!(
        errors(&format!("clusterAutoscaler: true, {NODE_GROUP}, karpenter: {{}}")),
        [(
            "compute.clusterAutoscaler".to_owned(),
            "conflict",
            "the Cluster Autoscaler and Karpenter both scale nodes and would fight over them: remove clusterAutoscaler or karpenter".to_owned()
        )]
    );
}

#[test]
fn karpenter_requires_a_node_group_for_its_controller() {
    let found = errors("karpenter: {}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("compute.karpenter", "no-controller-capacity"));
    // Only Auto Mode: both reasons, and no third about the Pod Identity agent Auto Mode omits.
    let codes: Vec<&str> = errors("autoMode: {enabled: true}, karpenter: {}").into_iter().map(|e| e.1).collect();
    assert_eq!(codes, ["conflict", "no-controller-capacity"]);
}

#[test]
fn karpenter_owns_its_service_account() {
    let spec = spec(&format!("{NODE_GROUP}, karpenter: {{namespace: kube-system, serviceAccount: kctl}}"));
    let addons = resolve(&Defaulted::of(&spec));
    let owned: Vec<(&str, Vec<ServiceAccount>)> =
        addons.iter().map(|a| (a.id(), a.service_accounts.clone())).filter(|(_, sa)| !sa.is_empty()).collect();
    assert_eq!(
        owned,
        [
            ("vpcCni", vec![ServiceAccount::new("kube-system", "aws-node")]),
            ("karpenter", vec![ServiceAccount::new("kube-system", "kctl")]),
        ]
    );
}

// Add-ons that are not in the registry, to check the contract's rules on their own.

static NEEDS_AGENT: Entry = Entry {
    declaration: Declaration {
        id: "needsAgent",
        field: "addons.needsAgent",
        kind: Kind::Eks { name: "needs-agent", logical_id: "AddonNeedsAgent" },
        part: Part::Compute,
        after: &[],
        before: &[],
        conflicts: &[],
        requires: &[],
        roles: &[PodIdentityRole {
            logical_id: "NeedsAgentRole",
            service_account: 0,
            what: "x",
            managed_policies: &[],
        }],
    },
    select: |_| true,
    service_accounts: |_| vec![ServiceAccount::new("kube-system", "x")],
};

static NOT_ON_FARGATE: Entry = Entry {
    declaration: Declaration {
        id: "notOnFargate",
        field: "addons.notOnFargate",
        kind: Kind::Helm(HelmRelease {
            name: "x",
            repository: "https://example.com",
            chart: "x",
            version: Some("1.0.0"),
            values_file: "manifests/x-values.yaml",
        }),
        part: Part::Compute,
        after: &[Anchor::Addon("needsAgent")],
        before: &[],
        conflicts: &[Conflict {
            with: Feature::FargateOnly,
            resolution: Resolution::Refuse { code: codes::CONFLICT, at: At::Other, message: "runs no pod on Fargate" },
        }],
        requires: &[Requirement {
            needs: Feature::Addon("coredns"),
            code: codes::ADDON_REQUIREMENT,
            message: "needs DNS",
        }],
        roles: &[],
    },
    select: |_| true,
    service_accounts: |_| Vec::new(),
};

#[test]
fn an_addon_with_a_role_needs_the_pod_identity_agent() {
    let registry = [&vpc_cni::ADDON, &NEEDS_AGENT];
    let found = errors_with(NODE_GROUP, &registry);
    assert_eq!(found.len(), 2, "{found:?}");
    for (addon, (path, code, message)) in [("vpcCni", "compute"), ("needsAgent", "addons.needsAgent")].iter().zip(found)
    {
        assert_eq!((path.as_str(), code), (addon.1, "addon-requirement"));
        assert!(
            message.contains(&format!("`{}`", addon.0)) && message.contains("`eks-pod-identity-agent`"),
            "{message}"
        );
    }
    assert_eq!(errors_with(NODE_GROUP, &[&pod_identity_agent::ADDON, &NEEDS_AGENT]), []);
}

#[test]
fn conflicts_and_requirements_are_reported_on_the_declared_fields() {
    let fargate = "fargateProfiles: [{name: all, selectors: [{namespace: kube-system}]}]";
    let registry = [&NOT_ON_FARGATE];
    assert_eq!(
        errors_with(fargate, &registry),
        [
            ("compute.fargateProfiles".to_owned(), "conflict", "runs no pod on Fargate".to_owned()),
            ("addons.notOnFargate".to_owned(), "addon-requirement", "needs DNS".to_owned()),
        ]
    );
    assert_eq!(errors_with(fargate, &[&coredns::ADDON, &NOT_ON_FARGATE]).len(), 1);
    assert_eq!(errors_with(NODE_GROUP, &[&coredns::ADDON, &NOT_ON_FARGATE]), []);
}

#[test]
fn an_addon_comes_after_what_it_declares_whatever_the_registry_order() {
    let spec = spec(NODE_GROUP);
    let registry: [&'static Entry; 4] = [&NOT_ON_FARGATE, &coredns::ADDON, &NEEDS_AGENT, &pod_identity_agent::ADDON];
    let ids: Vec<&str> = resolve_with(&Defaulted::of(&spec), &registry).iter().map(Installed::id).collect();
    // The agent is deployed before nodes; coredns comes after them; notOnFargate after
    // needsAgent.
    assert_eq!(ids, ["podIdentityAgent", "coredns", "needsAgent", "notOnFargate"]);
}
