//! The deploy plan: every example's plan (text form, snapshot), its order (stacks after what
//! they import, manual steps between the right stacks), the same plan from an output
//! directory as from memory, the examples' headers, and templates past CloudFormation's
//! inline limit of 51,200 bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use eks_blueprint::synth::plan::{Plan, Step, DEPLOY_FILE, MAX_INLINE_TEMPLATE_BYTES};
use eks_blueprint::synth::MAX_TEMPLATE_BYTES;
use eks_blueprint::{Assembly, Blueprint, Format};

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn example_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    files
}

fn stem(path: &Path) -> String {
    path.file_stem().unwrap().to_str().unwrap().to_owned()
}

fn synth(path: &Path) -> Assembly {
    Blueprint::from_path(path).and_then(|b| b.synth(Format::Json)).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn position(steps: &[Step], pred: impl Fn(&Step) -> bool) -> Option<usize> {
    steps.iter().position(pred)
}

fn stack_at(steps: &[Step], name: &str) -> usize {
    position(steps, |s| s.stack() == Some(name)).unwrap_or_else(|| panic!("no stack {name}"))
}

fn manual_at(steps: &[Step], id: &str) -> Option<usize> {
    position(steps, |s| s.manual().is_some_and(|m| m.id == id))
}

/// The stacks holding a resource of one of `types`.
fn stacks_with(assembly: &Assembly, types: &[&str]) -> Vec<String> {
    assembly
        .stacks()
        .iter()
        .filter(|s| {
            s.template["Resources"]
                .as_object()
                .is_some_and(|r| r.values().any(|r| types.contains(&r["Type"].as_str().unwrap_or_default())))
        })
        .map(|s| s.name.clone())
        .collect()
}

#[test]
fn every_example_plan_matches_its_snapshot() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for file in example_files() {
            let plan = Plan::from_assembly(&synth(&file), "out").unwrap();
            insta::assert_snapshot!(format!("plan__{}", stem(&file)), plan.to_text());
        }
    });
}

#[test]
fn every_stack_comes_after_the_stacks_it_imports_from_and_is_deleted_before_them() {
    for file in example_files() {
        let assembly = synth(&file);
        let plan = Plan::from_assembly(&assembly, "out").unwrap();
        for stack in assembly.stacks() {
            let deployed = stack_at(&plan.deploy, &stack.name);
            let deleted = position(&plan.teardown, |s| s.stack() == Some(stack.name.as_str()));
            for dependency in stack.dependencies.keys() {
                assert!(stack_at(&plan.deploy, dependency) < deployed, "{}: {dependency} first", stack.name);
                if let Some(deleted) = deleted {
                    assert!(
                        deleted < stack_at(&plan.teardown, dependency),
                        "{}: deleted before {dependency}",
                        stack.name
                    );
                }
            }
            // Every stack is deployed exactly once with a command that names its file.
            let Step::Deploy(step) = &plan.deploy[deployed] else { panic!() };
            assert!(step.commands[0].contains(&format!("--template-file out/{}", stack.template_file)));
            assert!(step.commands[0].contains(&format!("--stack-name {} ", stack.name)));
        }
        let deploys = plan.deploy.iter().filter(|s| matches!(s, Step::Deploy(_))).count();
        assert_eq!(deploys, assembly.stacks().len(), "{}", file.display());
    }
}

#[test]
fn manual_steps_sit_between_the_right_stacks() {
    for file in example_files() {
        let assembly = synth(&file);
        let plan = Plan::from_assembly(&assembly, "out").unwrap();
        let clusters = stacks_with(&assembly, &["AWS::EKS::Cluster"]);
        let nodes = stacks_with(&assembly, &["AWS::EKS::Nodegroup", "AWS::AutoScaling::AutoScalingGroup"]);
        let d = &plan.deploy;
        let t = &plan.teardown;
        let name = file.display();
        if let Some(eni) = manual_at(d, "eniconfigs") {
            assert!(assembly.files().contains_key("manifests/eniconfigs.sh"));
            assert!(clusters.iter().all(|c| stack_at(d, c) < eni), "{name}: ENIConfigs need the cluster");
            assert!(nodes.iter().all(|n| eni < stack_at(d, n)), "{name}: ENIConfigs before any node");
            assert!(manual_at(d, "kubeconfig").unwrap() < eni);
        } else {
            assert!(!assembly.files().contains_key("manifests/eniconfigs.sh"), "{name}");
        }
        if let Some(install) = manual_at(d, "karpenter-install") {
            let holder = assembly
                .stacks()
                .iter()
                .find(|s| s.template["Outputs"].get("KarpenterNodeInstanceProfileName").is_some())
                .unwrap();
            assert!(stack_at(d, &holder.name) < install, "{name}: after the instance profile");
            assert!(nodes.iter().all(|n| stack_at(d, n) < install), "{name}: the controller needs nodes");
            let uninstall = manual_at(t, "karpenter-uninstall").unwrap();
            assert!(uninstall < stack_at(t, &holder.name), "{name}: Karpenter's nodes go first");
            assert!(nodes.iter().all(|n| uninstall < stack_at(t, n)));
        } else {
            assert!(manual_at(t, "karpenter-uninstall").is_none());
        }
        if let Some(kubeconfig) = manual_at(d, "kubeconfig") {
            assert!(clusters.iter().all(|c| stack_at(d, c) < kubeconfig));
        }
        for cluster in &clusters {
            let lb = manual_at(t, "load-balancers").unwrap();
            assert!(t.iter().skip(lb).all(|s| !matches!(s, Step::Manual(m) if m.id == "kubeconfig")));
            let deleted = t.iter().filter_map(Step::stack);
            assert!(deleted.map(|s| stack_at(t, s)).all(|at| lb < at), "{name}: before any stack goes");
            if let Some(delete) = manual_at(t, "delete-cluster") {
                assert!(delete < stack_at(t, cluster), "{name}: the retained cluster goes before its stack");
                assert!(nodes.iter().filter(|n| *n != cluster).all(|n| stack_at(t, n) < delete), "{name}");
            }
        }
    }
}

#[test]
fn retained_resources_are_listed_with_the_commands_that_remove_them() {
    let assembly = synth(&examples_dir().join("reference.yaml"));
    let plan = Plan::from_assembly(&assembly, "out").unwrap();
    let mut retained = Vec::new();
    for step in &plan.teardown {
        if let Step::Delete(d) = step {
            retained.extend(d.retained.iter().map(|r| (r.stack.as_str(), r.logical_id.as_str())));
        }
    }
    // Exactly the resources whose DeletionPolicy keeps them (the templates say so).
    let mut expected = Vec::new();
    for stack in assembly.stacks() {
        for (id, r) in stack.template["Resources"].as_object().unwrap() {
            if r["DeletionPolicy"] == "RetainExceptOnCreate" {
                expected.push((stack.name.as_str(), id.as_str()));
            }
        }
    }
    retained.sort_unstable();
    expected.sort_unstable();
    assert_eq!(retained, expected);
    let t = &plan.teardown;
    let commands: Vec<&str> =
        t[manual_at(t, "delete-retained").unwrap()].commands().iter().map(String::as_str).collect();
    assert!(commands.contains(&"aws logs delete-log-group --log-group-name /aws/eks/reference/cluster"));
    assert!(commands.contains(&"aws iam delete-role --role-name \"$CLUSTER_ROLE\""));
    assert_eq!(
        commands.last(),
        Some(&"aws kms schedule-key-deletion --key-id \"$CONTROL_PLANE_LOG_KEY\" --pending-window-in-days 30")
    );
    let cluster = t[manual_at(t, "delete-cluster").unwrap()].commands();
    assert_eq!(cluster[0], "aws eks update-cluster-config --name reference --no-deletion-protection");
    assert!(manual_at(t, "retained-ids").unwrap() < stack_at(t, "reference-network"));
}

#[test]
fn an_output_directory_has_the_plan_of_its_synthesis_and_its_deploy_md() {
    let blueprint = Blueprint::from_path(examples_dir().join("karpenter.yaml")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    for format in [Format::Json, Format::Yaml] {
        let dir = tmp.path().join(format.extension());
        let assembly = blueprint.synth(format).unwrap();
        assembly.write_to(&dir).unwrap();
        let shown = dir.to_string_lossy().into_owned();
        assert_eq!(Plan::read_dir(&dir).unwrap(), Plan::from_assembly(&assembly, &shown).unwrap(), "{format:?}");
        let written = std::fs::read_to_string(dir.join(DEPLOY_FILE)).unwrap();
        assert_eq!(written, Plan::from_assembly(&assembly, "").unwrap().to_markdown());
        assert!(written.contains("sh manifests/karpenter.sh install"), "DEPLOY.md runs from the directory");
    }
}

/// Header comment lines of an example, continuation lines joined, trailing comments and
/// the leading `#` removed.
fn header_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut continued = false;
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let body = line.trim_start_matches('#').trim();
        let body = match body.find("  # ") {
            Some(i) => body[..i].trim_end(),
            None => body,
        };
        let (body, next) = match body.strip_suffix('\\') {
            Some(b) => (b.trim_end(), true),
            None => (body, false),
        };
        match lines.last_mut() {
            Some(last) if continued => {
                last.push(' ');
                last.push_str(body);
            }
            _ => lines.push(body.to_owned()),
        }
        continued = next;
    }
    lines
}

/// Each example's header lists the deploy plan's commands, in order, and points to the
/// plan for the whole teardown: the plan is the source, the header a copy checked here.
#[test]
fn every_example_header_lists_its_deploy_plan() {
    for file in example_files() {
        let text = std::fs::read_to_string(&file).unwrap();
        let lines = header_lines(&text);
        let plan = Plan::from_assembly(&synth(&file), "out").unwrap();
        let mut at = 0;
        for command in plan.deploy.iter().flat_map(Step::commands) {
            let Some(found) = lines.iter().skip(at).position(|l| l == command) else {
                panic!("{}: the header does not list, in order, `{command}`", file.display());
            };
            at += found + 1;
        }
        assert!(
            lines.iter().any(|l| l.starts_with("Tear down") && l.contains("`eks-blueprint plan`")),
            "{}: the header's teardown points to the plan",
            file.display()
        );
    }
}

fn node_groups(n: usize) -> Blueprint {
    let mut yaml = String::from(
        "name: big\ncluster:\n  endpoint: {private: true, public: false}\n  access:\n    entries:\n      - principalArn: arn:aws:iam::123456789012:role/Admin\n        policies: [{policy: ClusterAdmin}]\ncompute:\n  managedNodeGroups:\n",
    );
    for i in 0..n {
        yaml.push_str(&format!(
            "    - name: group{i}\n      instanceTypes: [m7i.large]\n      minSize: 1\n      maxSize: 3\n"
        ));
    }
    Blueprint::from_yaml(&yaml).unwrap()
}

#[test]
fn a_template_that_fits_inline_only_compact_is_written_compact() {
    let assembly = node_groups(30).synth(Format::Json).unwrap();
    let compute = assembly.stack("big-compute").unwrap();
    let pretty = serde_json::to_string_pretty(&compute.template).unwrap();
    let written = &assembly.files()[&compute.template_file];
    assert!(pretty.len() > MAX_INLINE_TEMPLATE_BYTES, "the case: {} bytes pretty", pretty.len());
    assert!(written.len() <= MAX_INLINE_TEMPLATE_BYTES, "{} bytes written", written.len());
    assert_eq!(written.trim_end(), serde_json::to_string(&compute.template).unwrap(), "compact JSON");
    // Small templates stay pretty (readable, and so are the snapshots).
    let network = assembly.stack("big-network").unwrap();
    assert!(assembly.files()[&network.template_file].starts_with("{\n  \""));
    let plan = Plan::from_assembly(&assembly, "out").unwrap();
    assert!(plan.deploy.iter().all(|s| !s.commands().iter().any(|c| c.contains("--s3-bucket"))));
}

#[test]
fn a_template_past_the_inline_limit_even_compact_is_deployed_through_s3() {
    let assembly = node_groups(60).synth(Format::Json).unwrap();
    let compute = assembly.stack("big-compute").unwrap();
    let written = &assembly.files()[&compute.template_file];
    let compact = serde_json::to_string(&compute.template).unwrap();
    assert!(compact.len() > MAX_INLINE_TEMPLATE_BYTES, "the case: {} bytes compact", compact.len());
    assert!(written.len() <= MAX_TEMPLATE_BYTES);
    assert!(written.starts_with("{\n  \""), "through S3 anyway: kept readable");
    let plan = Plan::from_assembly(&assembly, "out").unwrap();
    let Step::Deploy(step) = &plan.deploy[stack_at(&plan.deploy, "big-compute")] else { panic!() };
    assert!(step.upload);
    assert_eq!(step.template_bytes, written.len());
    assert_eq!(
        step.commands,
        ["aws cloudformation deploy --stack-name big-compute --template-file out/big-compute.template.json --capabilities CAPABILITY_IAM --s3-bucket \"$BUCKET\""]
    );
    let Step::Deploy(network) = &plan.deploy[stack_at(&plan.deploy, "big-network")] else { panic!() };
    assert!(!network.upload, "only the large template");
    let environment = plan.deploy[0].manual().unwrap();
    assert_eq!(environment.commands[1], "export BUCKET=<an S3 bucket of yours in that Region>");
    assert!(environment.detail.contains("big-compute"));
}

/// DEPLOY.md is Markdown: the lines of a numbered step belong to it, so they are indented by
/// at least the width of its marker (CommonMark: "10. " needs four columns, "9. " three).
#[test]
fn every_line_of_a_step_in_deploy_md_is_indented_under_its_marker() {
    let mut ten_or_more = false;
    for file in example_files() {
        let assembly = synth(&file);
        let markdown = &assembly.files()[DEPLOY_FILE];
        let mut width = 0;
        for line in markdown.lines() {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            if digits > 0 && line[digits..].starts_with(". ") {
                width = digits + 2;
                ten_or_more |= digits > 1;
            } else if line.starts_with('#') {
                width = 0;
            } else if width > 0 && !line.is_empty() {
                let indent = line.len() - line.trim_start().len();
                assert!(indent >= width, "{}: `{line}` is indented {indent}, under a marker of {width}", stem(&file));
            }
        }
    }
    assert!(ten_or_more, "some example has a tenth step, so the wide marker is exercised");
}
