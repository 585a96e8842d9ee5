//! `synth::diff` on real pairs of outputs: the reference example and modified copies,
//! synthesized in memory and written to disk, and the create-only table checked against the
//! schemas of the cfn-lint the test suite runs.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use eks_blueprint::synth::diff::{create_only, diff, Diff, StackStatus, Templates, TextOptions};
use eks_blueprint::{Blueprint, Format};
use serde_json::{json, Value};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn reference() -> String {
    std::fs::read_to_string(repo().join("examples/reference.yaml")).unwrap()
}

/// The reference blueprint with one piece of text replaced (which must be there).
fn edited(from: &str, to: &str) -> String {
    let text = reference();
    assert!(text.contains(from), "{from:?} is not in examples/reference.yaml");
    text.replace(from, to)
}

fn synth(label: &str, blueprint: &str) -> Templates {
    let assembly = Blueprint::from_yaml(blueprint).unwrap().synth(Format::Json).unwrap();
    Templates::from_assembly(label, &assembly)
}

fn diff_reference_with(blueprint: &str) -> Diff {
    diff(&synth("old", &reference()), &synth("new", blueprint))
}

/// The JSON of one stack of a diff.
fn stack(d: &Diff, name: &str) -> Value {
    let json = d.to_json();
    json["stacks"].as_array().unwrap().iter().find(|s| s["name"] == name).cloned().unwrap()
}

fn statuses(d: &Diff) -> Vec<(String, StackStatus)> {
    d.stacks.iter().map(|s| (s.name.clone(), s.status)).collect()
}

const SUBNETS: &str = "  natGateways: perAz\n";

#[test]
fn changing_instance_types_replaces_the_node_group() {
    // InstanceTypes is create-only in the AWS::EKS::Nodegroup schema.
    let d = diff_reference_with(&edited("instanceTypes: [m7i.large]", "instanceTypes: [m7i.xlarge]"));
    assert_eq!(
        stack(&d, "reference-compute"),
        json!({
            "name": "reference-compute",
            "status": "changed",
            "resources": [{
                "logicalId": "NodegroupGeneral",
                "type": "AWS::EKS::Nodegroup",
                "action": "replace",
                "severity": "stateful-replacement",
                "replacement": "always",
                "stateful": "new nodes: every node of the group is drained and terminated, its pods rescheduled",
                "causes": ["`/InstanceTypes` is create-only"],
                "properties": [{
                    "path": "/InstanceTypes",
                    "old": ["m7i.large"],
                    "new": ["m7i.xlarge"],
                    "replacement": "always",
                    "createOnly": "/InstanceTypes"
                }],
                "oldResource": "deleted"
            }]
        })
    );
    assert_eq!(d.summary.replacements, 1);
    assert_eq!(d.summary.stateful_replacements, 1);
    assert!(d.gate_fails());
    assert_eq!(
        statuses(&d),
        [
            ("reference-network".to_owned(), StackStatus::Unchanged),
            ("reference-cluster".to_owned(), StackStatus::Unchanged),
            ("reference-compute".to_owned(), StackStatus::Changed),
            ("reference-addons".to_owned(), StackStatus::Unchanged)
        ]
    );
}

#[test]
fn changing_the_desired_size_is_an_update_in_place() {
    // ScalingConfig is not create-only in the AWS::EKS::Nodegroup schema.
    let d = diff_reference_with(&edited("desiredSize: 3", "desiredSize: 4"));
    assert_eq!(
        stack(&d, "reference-compute")["resources"],
        json!([{
            "logicalId": "NodegroupGeneral",
            "type": "AWS::EKS::Nodegroup",
            "action": "update",
            "severity": "update",
            "replacement": "none",
            "properties": [{"path": "/ScalingConfig/DesiredSize", "old": 3, "new": 4, "replacement": "none"}]
        }])
    );
    assert_eq!((d.summary.replacements, d.summary.updated, d.summary.blockers), (0, 1, 0));
    assert!(!d.gate_fails());
    assert_eq!(
        d.summary_line(),
        "Summary: 0 replacements, 0 deploy blockers, 0 removals, 1 update, 0 additions; stacks: 1 changed, 3 unchanged."
    );
}

#[test]
fn changing_a_subnet_cidr_replaces_it_and_blocks_on_the_export_the_cluster_imports() {
    let d = diff_reference_with(&edited(
        SUBNETS,
        "  natGateways: perAz\n  subnets:\n    private: {cidrs: [10.0.128.0/19, 10.0.32.0/19, 10.0.64.0/19]}\n    public: {cidrs: [10.0.96.0/24, 10.0.97.0/24, 10.0.98.0/24]}\n",
    ));
    assert_eq!(
        stack(&d, "reference-network"),
        json!({
            "name": "reference-network",
            "status": "changed",
            "resources": [
                {
                    "logicalId": "PrivateSubnet1",
                    "type": "AWS::EC2::Subnet",
                    "action": "replace",
                    "severity": "stateful-replacement",
                    "replacement": "always",
                    "stateful": "a new subnet: the nodes, pods and load balancers in it lose their addresses",
                    "causes": ["`/CidrBlock` is create-only"],
                    "properties": [{
                        "path": "/CidrBlock",
                        "old": "10.0.0.0/19",
                        "new": "10.0.128.0/19",
                        "replacement": "always",
                        "createOnly": "/CidrBlock"
                    }],
                    "oldResource": "deleted"
                },
                {
                    // SubnetId is create-only in AWS::EC2::SubnetRouteTableAssociation: the
                    // association follows the subnet.
                    "logicalId": "PrivateSubnet1RouteTableAssociation",
                    "type": "AWS::EC2::SubnetRouteTableAssociation",
                    "action": "replace",
                    "severity": "replacement",
                    "replacement": "always",
                    "causes": ["`/SubnetId` refers to `PrivateSubnet1`, which is replaced"],
                    "properties": [{
                        "path": "/SubnetId",
                        "old": {"Ref": "PrivateSubnet1"},
                        "new": {"Ref": "PrivateSubnet1"},
                        "replacement": "always",
                        "createOnly": "/SubnetId",
                        "via": "PrivateSubnet1"
                    }],
                    "oldResource": "deleted"
                }
            ],
            "outputs": [{
                "name": "ExportPrivateSubnet1",
                "action": "update",
                "severity": "blocker",
                "export": "reference-network:PrivateSubnet1",
                "old": {"Ref": "PrivateSubnet1"},
                "new": {"Ref": "PrivateSubnet1"},
                "via": "PrivateSubnet1",
                "importedBy": ["reference-cluster", "reference-compute"],
                "blockers": ["export `reference-network:PrivateSubnet1` is imported by `reference-cluster`, `reference-compute`, and its value changes (`PrivateSubnet1` is replaced): CloudFormation refuses to change an export another stack imports; those stacks must stop importing it first"]
            }]
        })
    );
    assert_eq!((d.summary.replacements, d.summary.stateful_replacements, d.summary.blockers), (2, 1, 1));
}

#[test]
fn a_smaller_subnet_prefix_overlaps_the_subnets_it_replaces() {
    let d =
        diff_reference_with(&edited(SUBNETS, "  natGateways: perAz\n  subnets:\n    private: {prefixLength: 20}\n"));
    let network = d.stacks.iter().find(|s| s.name == "reference-network").unwrap();
    let subnet = network.resources.iter().find(|r| r.logical_id == "PrivateSubnet1").unwrap();
    assert_eq!(
        subnet.blockers,
        ["its CIDR 10.0.0.0/20 overlaps 10.0.0.0/19 of the subnet it replaces, which CloudFormation deletes only after creating the new subnet: EC2 refuses the overlap (InvalidSubnet.Conflict); move to a free range first, or remove the subnet in one deploy and add it in the next"]
    );
    let subnet2 = network.resources.iter().find(|r| r.logical_id == "PrivateSubnet2").unwrap();
    assert!(subnet2.blockers[0].starts_with("its CIDR 10.0.16.0/20 overlaps 10.0.0.0/19 of `PrivateSubnet1`"));
}

#[test]
fn renaming_the_cluster_renames_every_stack_and_creates_a_second_platform() {
    let d = diff_reference_with(&edited("name: reference", "name: prod"));
    assert_eq!(
        statuses(&d),
        [
            ("prod-network".to_owned(), StackStatus::Renamed),
            ("prod-cluster".to_owned(), StackStatus::Renamed),
            ("prod-compute".to_owned(), StackStatus::Renamed),
            ("prod-addons".to_owned(), StackStatus::Renamed)
        ]
    );
    assert_eq!(
        d.notes,
        ["every stack has a new name: `reference-*` is now `prod-*` (the blueprint's name changed); deploying creates every resource of the new stacks anew (a new VPC, a new cluster) beside the old ones, which keep running until their stacks are deleted"]
    );
    let cluster = stack(&d, "prod-cluster");
    assert_eq!(cluster["renamedFrom"], "reference-cluster");
    let control_plane = cluster["resources"].as_array().unwrap().iter().find(|r| r["logicalId"] == "Cluster").unwrap();
    assert_eq!(control_plane["severity"], "stateful-replacement");
    assert_eq!(control_plane["oldResource"], "kept");
    assert_eq!(
        control_plane["causes"][0],
        "the stack is new (it was `reference-cluster`): the resource is created anew"
    );
    assert!(control_plane["properties"].as_array().unwrap().contains(
        &json!({"path": "/Name", "old": "reference", "new": "prod", "replacement": "always", "createOnly": "/Name"})
    ));
    // Every resource of the four stacks is created anew; no old export is touched.
    let total: usize = d.stacks.iter().map(|s| s.resources.len()).sum();
    assert_eq!(d.summary.replacements, total);
    assert_eq!(d.summary.blockers, 0);
    assert!(d.stacks.iter().all(|s| s.outputs.is_empty()));
}

#[test]
fn output_directories_read_back_as_the_synthesis_in_memory_json_and_yaml() {
    let blueprint = Blueprint::from_yaml(&reference()).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for format in [Format::Json, Format::Yaml] {
        let dir = tmp.path().join(format.extension());
        blueprint.synth(format).unwrap().write_to(&dir).unwrap();
        let read = Templates::read_dir(&dir).unwrap();
        let memory = synth("memory", &reference());
        let d = diff(&read, &memory);
        assert!(!d.has_differences(), "{format:?}: {}", d.to_text(&TextOptions::new()));
        assert_eq!(d.files.as_deref(), Some(&[][..]), "the marker lists the other files");
        let names: Vec<&str> = read.stacks().map(|(n, _)| n).collect();
        assert_eq!(names, ["reference-network", "reference-cluster", "reference-compute", "reference-addons"]);
    }
}

#[test]
fn kubernetes_manifests_are_compared_as_files() {
    let karpenter = std::fs::read_to_string(repo().join("examples/karpenter.yaml")).unwrap();
    assert!(karpenter.contains("limits: {cpu: 200}"));
    let old = synth("old", &karpenter);
    let d = diff(&old, &synth("new", &karpenter.replace("limits: {cpu: 200}", "limits: {cpu: 300}")));
    assert_eq!(d.to_json()["files"], json!([{"path": "manifests/karpenter-nodepools.yaml", "action": "update"}]));
    assert!(d.has_differences());
    assert!(d.stacks.iter().all(|s| s.status == StackStatus::Unchanged), "a NodePool limit is not in a template");
    assert_eq!(d.summary.files, 1);
    // Without the other files on one side (a cloud assembly of another tool), they are not
    // compared.
    let without_files = Templates::new("new", old.stacks().map(|(n, t)| (n.to_owned(), t.clone())));
    let d = diff(&old, &without_files);
    assert!(d.files.is_none());
    assert!(!d.has_differences());
}

#[test]
fn the_diff_of_two_different_blueprints_is_deterministic() {
    let production = std::fs::read_to_string(repo().join("examples/production.yaml")).unwrap();
    let a = diff(&synth("old", &reference()), &synth("new", &production));
    let b = diff(&synth("old", &reference()), &synth("new", &production));
    assert_eq!(a.to_json_string(), b.to_json_string());
}

// --- the table against the schemas -------------------------------------------------------

/// `<repo>/.venv/lib/python3.*/site-packages`, where scripts/lint-templates installs the
/// pinned cfn-lint.
fn site_packages() -> Option<PathBuf> {
    let lib = repo().join(".venv/lib");
    let mut found: Vec<PathBuf> = std::fs::read_dir(lib)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("site-packages")))
        .filter(|p| p.join("cfnlint").is_dir())
        .collect();
    found.sort();
    found.pop()
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    create_only: BTreeSet<String>,
    conditional: BTreeSet<String>,
    delete_then_create: bool,
    identifier: Vec<String>,
}

fn relative(pointers: Option<&Value>) -> Vec<String> {
    pointers
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|p| p.as_str().unwrap().strip_prefix("/properties").unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn create_only_table_matches_cfn_lint_schemas() {
    let Some(site) = site_packages() else {
        assert!(
            std::env::var("CI").is_err(),
            "no cfn-lint in .venv: scripts/test installs it before cargo test (scripts/lint-templates does too)"
        );
        eprintln!("skipped: no cfn-lint in .venv (run scripts/lint-templates once)");
        return;
    };
    let version = std::fs::read_dir(&site)
        .unwrap()
        .filter_map(|e| e.ok())
        .find_map(|e| e.file_name().to_str()?.strip_prefix("cfn_lint-")?.strip_suffix(".dist-info").map(str::to_owned))
        .unwrap();
    assert_eq!(
        create_only::cfn_lint_version(),
        version,
        "the table was generated from another cfn-lint than .venv's: run scripts/update-create-only"
    );
    let schemas = site.join("cfnlint/data/schemas");
    let date: Value = serde_json::from_str(&std::fs::read_to_string(schemas.join("version.json")).unwrap()).unwrap();
    assert_eq!(create_only::schema_date(), date["schema_date"]);

    // Every type of every Region (us-east-1 first), as the script reads them.
    let providers = schemas.join("providers");
    let mut regions: Vec<PathBuf> = std::fs::read_dir(&providers)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("sam.json"))
        .collect();
    regions.sort_by_key(|p| (!p.ends_with("us-east-1.json"), p.clone()));
    let mut digests: BTreeMap<String, String> = BTreeMap::new();
    for region in regions {
        let map: BTreeMap<String, String> = serde_json::from_str(&std::fs::read_to_string(region).unwrap()).unwrap();
        for (t, d) in map {
            digests.entry(t).or_insert(d);
        }
    }
    let mut expected: BTreeMap<String, Expected> = BTreeMap::new();
    for (type_name, digest) in &digests {
        let path = schemas.join("resources").join(format!("{digest}.json"));
        let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let create_only = relative(schema.get("createOnlyProperties"));
        let identifier = relative(schema.get("primaryIdentifier"));
        let all_create_only = !identifier.is_empty() && identifier.iter().all(|p| create_only.contains(p));
        expected.insert(
            type_name.clone(),
            Expected {
                create_only: create_only.into_iter().collect(),
                conditional: relative(schema.get("conditionalCreateOnlyProperties")).into_iter().collect(),
                delete_then_create: schema["replacementStrategy"] == "delete_then_create",
                identifier: if all_create_only { identifier } else { Vec::new() },
            },
        );
    }
    let actual: BTreeMap<String, Expected> = create_only::all()
        .map(|(t, b)| {
            (
                t.to_owned(),
                Expected {
                    create_only: b.create_only.iter().map(|s| (*s).to_owned()).collect(),
                    conditional: b.conditional.iter().map(|s| (*s).to_owned()).collect(),
                    delete_then_create: b.delete_then_create,
                    identifier: b.identifier.iter().map(|s| (*s).to_owned()).collect(),
                },
            )
        })
        .collect();
    let missing: Vec<&String> = expected.keys().filter(|t| !actual.contains_key(*t)).collect();
    let extra: Vec<&String> = actual.keys().filter(|t| !expected.contains_key(*t)).collect();
    assert!(missing.is_empty() && extra.is_empty(), "types missing: {missing:?}; not in the schemas: {extra:?}");
    for (t, e) in &expected {
        assert_eq!(&actual[t], e, "{t}: the table differs from the schema; run scripts/update-create-only");
    }
    assert!(expected.len() > 1000);
}

// --- reading output directories ----------------------------------------------------------

fn read_error(setup: impl FnOnce(&Path)) -> (&'static str, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    std::fs::create_dir(&dir).unwrap();
    setup(&dir);
    let err = Templates::read_dir(&dir).unwrap_err();
    assert!(err.is_user_error(), "{err}");
    let message = err.to_string().replace(&dir.display().to_string(), "out");
    (err.code(), message)
}

fn manifest(dir: &Path, artifacts: Value) {
    std::fs::write(dir.join("manifest.json"), json!({"version": "36.0.0", "artifacts": artifacts}).to_string())
        .unwrap();
}

fn stack_artifact(file: &str) -> Value {
    json!({"type": "aws:cloudformation:stack", "properties": {"templateFile": file}})
}

#[test]
fn a_directory_that_is_not_an_output_is_refused_with_a_code() {
    assert_eq!(
        read_error(|d| std::fs::write(d.join("notes.txt"), "x").unwrap()),
        ("not-an-output", "`out`: not an output of eks-blueprint or a cloud assembly: it has no `manifest.json`; give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)".to_owned())
    );
    assert_eq!(
        read_error(|d| std::fs::write(d.join("manifest.json"), "{").unwrap()),
        ("bad-manifest", "`out/manifest.json`: not a cloud-assembly manifest: it is not JSON; give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)".to_owned())
    );
    assert_eq!(read_error(|d| manifest(d, json!([]))).0, "bad-manifest");
    assert_eq!(
        read_error(|d| manifest(d, json!({"Tree": {"type": "cdk:tree"}}))),
        ("no-stacks", "`out/manifest.json`: lists no CloudFormation stacks (`aws:cloudformation:stack` artifacts); give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)".to_owned())
    );
    assert_eq!(
        read_error(|d| manifest(d, json!({"Stage": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Stage"}}}))),
        ("nested-assembly", "`out/manifest.json`: artifact `Stage` is a nested cloud assembly (a CDK stage) (`assembly-Stage`); give the directory of that assembly instead".to_owned())
    );
    assert_eq!(
        read_error(|d| manifest(d, json!({"s": stack_artifact("../outside.json")}))),
        ("bad-manifest", "`out/manifest.json`: not a cloud-assembly manifest: the template of stack `s`, `../outside.json`, is not a relative path of plain names (no `..`, `.` or root); give a directory written by `eks-blueprint synth` (or a CDK cloud assembly)".to_owned())
    );
    let (code, message) = read_error(|d| {
        manifest(d, json!({"s": stack_artifact("s.template.yaml")}));
        std::fs::write(
            d.join("s.template.yaml"),
            "Resources:\n  B:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: !Ref Name\n",
        )
        .unwrap();
    });
    assert_eq!(code, "bad-template");
    assert!(message.starts_with("`out/s.template.yaml`: not a CloudFormation template: invalid YAML:"), "{message}");
    assert!(message.ends_with("templates are JSON, or YAML in the long form (`Ref:`, not `!Ref`)"), "{message}");
    assert_eq!(
        read_error(|d| {
            manifest(d, json!({"s": stack_artifact("s.json")}));
            std::fs::write(d.join("s.json"), r#"{"Resources": {"B": {"Properties": {}}}}"#).unwrap();
        }),
        ("bad-template", "`out/s.json`: not a CloudFormation template: resource `B` has no `Type` string; templates are JSON, or YAML in the long form (`Ref:`, not `!Ref`)".to_owned())
    );
    let (code, message) = read_error(|d| {
        manifest(d, json!({"s": stack_artifact("s.json")}));
        std::fs::write(d.join("s.json"), " ".repeat(8_000_001)).unwrap();
    });
    assert_eq!(
        (code, message.as_str()),
        ("too-large", "`out/s.json`: larger than 8000000 bytes, more than any file this reads")
    );

    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    assert_eq!(Templates::read_dir(&file).unwrap_err().code(), "not-a-directory");
    let missing = Templates::read_dir(tmp.path().join("missing")).unwrap_err();
    assert_eq!((missing.code(), missing.is_user_error()), ("io", false));
}

#[test]
fn a_cdk_cloud_assembly_is_read_by_its_stack_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    manifest(
        dir,
        json!({
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            "AppStack": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "AppStack.template.json", "stackName": "app-prod"}}
        }),
    );
    std::fs::write(dir.join("AppStack.template.json"), r#"{"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}}"#).unwrap();
    let t = Templates::read_dir(dir).unwrap();
    assert_eq!(t.stacks().map(|(n, _)| n).collect::<Vec<_>>(), ["app-prod"]);
    assert!(t.files().is_none(), "no marker: the other files are unknown");
}
