//! The diff on small templates: one rule per test. The facts (which property is
//! create-only) are the table's, itself checked against the schemas
//! (tests/diff.rs `create_only_table_matches_cfn_lint_schemas`).

use serde_json::{json, Value};

use super::*;

fn stacks(list: &[(&str, Value)]) -> Templates {
    Templates::new("t", list.iter().map(|(n, v)| ((*n).to_owned(), v.clone())))
}

/// One stack `s`, old and new resources.
fn one(old: Value, new: Value) -> Diff {
    diff(&stacks(&[("s", json!({"Resources": old}))]), &stacks(&[("s", json!({"Resources": new}))]))
}

fn resource<'a>(d: &'a Diff, id: &str) -> &'a ResourceChange {
    d.stacks.iter().flat_map(|s| &s.resources).find(|r| r.logical_id == id).unwrap()
}

fn cluster(props: Value) -> Value {
    json!({"Type": "AWS::EKS::Cluster", "Properties": props})
}

#[test]
fn a_nested_create_only_pointer_replaces_and_its_siblings_do_not() {
    let old = json!({"C": cluster(json!({"Name": "a", "KubernetesNetworkConfig": {"ServiceIpv4Cidr": "172.20.0.0/16", "ElasticLoadBalancing": {"Enabled": false}}}))});
    let new = json!({"C": cluster(json!({"Name": "b", "KubernetesNetworkConfig": {"ServiceIpv4Cidr": "172.21.0.0/16", "ElasticLoadBalancing": {"Enabled": true}}}))});
    let d = one(old, new);
    let c = resource(&d, "C");
    assert_eq!(c.action, Action::Replace);
    assert_eq!(c.severity, Severity::StatefulReplacement);
    let by_path: Vec<(&str, Replacement, Option<&str>)> =
        c.properties.iter().map(|p| (p.path.as_str(), p.replacement, p.create_only.as_deref())).collect();
    assert_eq!(
        by_path,
        [
            ("/Name", Replacement::Always, Some("/Name")),
            (
                "/KubernetesNetworkConfig/ServiceIpv4Cidr",
                Replacement::Always,
                Some("/KubernetesNetworkConfig/ServiceIpv4Cidr")
            ),
            ("/KubernetesNetworkConfig/ElasticLoadBalancing/Enabled", Replacement::None, None),
        ]
    );
}

#[test]
fn a_block_added_above_a_pointer_replaces_only_when_the_value_at_the_pointer_changes() {
    let old = json!({"C": cluster(json!({"Name": "a"}))});
    let elb = json!({"C": cluster(json!({"Name": "a", "KubernetesNetworkConfig": {"ElasticLoadBalancing": {"Enabled": true}}}))});
    let d = one(old.clone(), elb);
    assert_eq!(resource(&d, "C").replacement, Replacement::None);
    assert_eq!(resource(&d, "C").properties[0].path, "/KubernetesNetworkConfig");
    let ipv6 = json!({"C": cluster(json!({"Name": "a", "KubernetesNetworkConfig": {"IpFamily": "ipv6"}}))});
    let d = one(old, ipv6);
    let c = resource(&d, "C");
    assert_eq!(c.replacement, Replacement::Always);
    assert_eq!(c.properties[0].create_only.as_deref(), Some("/KubernetesNetworkConfig/IpFamily"));
}

#[test]
fn list_elements_match_a_star_pointer() {
    // AWS::RedshiftServerless::Snapshot: /Tags and /Tags/*/Key are create-only in its
    // schema; the more precise pointer is shown.
    let snap = |key: &str| json!({"S": {"Type": "AWS::RedshiftServerless::Snapshot", "Properties": {"SnapshotName": "x", "Tags": [{"Key": key, "Value": "v"}]}}});
    let d = one(snap("a"), snap("b"));
    let p = &resource(&d, "S").properties[0];
    assert_eq!(
        (p.path.as_str(), p.replacement, p.create_only.as_deref()),
        ("/Tags/0/Key", Replacement::Always, Some("/Tags/*/Key"))
    );
}

#[test]
fn a_conditional_create_only_property_may_replace() {
    // AWS::EC2::VPC: /InstanceTenancy is in conditionalCreateOnlyProperties.
    let vpc = |t: &str| json!({"V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", "InstanceTenancy": t}}, "S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "V"}, "CidrBlock": "10.0.0.0/24"}}});
    let d = one(vpc("default"), vpc("dedicated"));
    assert_eq!(resource(&d, "V").replacement, Replacement::Conditional);
    assert_eq!(resource(&d, "V").causes, ["`/InstanceTenancy` is conditionally create-only"]);
    // The subnet's VpcId (create-only) follows, conditionally at most.
    let s = resource(&d, "S");
    assert_eq!(s.replacement, Replacement::Conditional);
    assert_eq!(s.properties[0].via.as_deref(), Some("V"));
    assert_eq!(d.summary.replacements, 2);
}

#[test]
fn a_reference_through_fn_sub_follows_a_replacement_into_an_in_place_property() {
    let old = json!({
        "R": {"Type": "AWS::IAM::Role", "Properties": {"Path": "/a/", "AssumeRolePolicyDocument": {}}},
        "G": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "g", "DataProtectionPolicy": {"Fn::Sub": "${R.Arn} ${!Literal} ${AWS::Region}"}}}
    });
    let mut new = old.clone();
    new["R"]["Properties"]["Path"] = json!("/b/");
    let d = one(old, new);
    assert_eq!(resource(&d, "R").replacement, Replacement::Always);
    let g = resource(&d, "G");
    assert_eq!((g.action, g.replacement), (Action::Update, Replacement::None));
    assert_eq!(g.properties[0].path, "/DataProtectionPolicy");
    assert_eq!(g.properties[0].via.as_deref(), Some("R"));
}

#[test]
fn a_new_logical_id_is_a_replacement_and_a_kept_custom_name_collides() {
    let group = json!({"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": "/aws/eks/demo/cluster"}, "DeletionPolicy": "Retain"});
    let role = json!({"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": {}}});
    let d = one(json!({"Old": group, "OldRole": role}), json!({"New": group, "NewRole": role}));
    let g = resource(&d, "New");
    assert_eq!(
        (g.action, g.replacement, g.renamed_from.as_deref()),
        (Action::Replace, Replacement::Always, Some("Old"))
    );
    assert_eq!(g.old_resource, Some("retained"), "the old id is removed: its DeletionPolicy decides");
    assert_eq!(
        g.blockers,
        ["`New` would be created while `Old` still exists, with the same custom name (`/LogGroupName` \"/aws/eks/demo/cluster\"): CloudFormation fails to create it (already exists); keep the logical id `Old`, or change the name too"]
    );
    let r = resource(&d, "NewRole");
    assert_eq!(r.renamed_from.as_deref(), Some("OldRole"));
    assert!(r.blockers.is_empty(), "a role without RoleName gets a generated name");
    assert_eq!(r.severity, Severity::StatefulReplacement);
}

#[test]
fn replacing_a_resource_that_keeps_its_custom_name_is_refused() {
    let old = json!({"C": cluster(json!({"Name": "demo", "RoleArn": "arn:aws:iam::1:role/a"}))});
    let new = json!({"C": cluster(json!({"Name": "demo", "RoleArn": "arn:aws:iam::1:role/b"}))});
    let d = one(old.clone(), new);
    assert_eq!(
        resource(&d, "C").blockers,
        ["CloudFormation cannot replace a resource whose custom name stays the same (`/Name` \"demo\"): change the name as well, or undo the change that replaces it"]
    );
    let renamed = json!({"C": cluster(json!({"Name": "demo2", "RoleArn": "arn:aws:iam::1:role/b"}))});
    assert!(resource(&one(old, renamed), "C").blockers.is_empty());
    // A composite identifier whose part refers to a replaced resource changes: no collision.
    let entry = |t: &str, name: &str| {
        json!({
            "C": cluster(json!({"Name": name})),
            "E": {"Type": "AWS::EKS::AccessEntry", "Properties": {"ClusterName": {"Ref": "C"}, "PrincipalArn": "arn:aws:iam::1:role/x", "Type": t}}
        })
    };
    let d = one(entry("STANDARD", "a"), entry("EC2_LINUX", "a"));
    assert_eq!(resource(&d, "E").blockers.len(), 1, "same cluster and principal: the new entry collides");
    let d = one(entry("STANDARD", "a"), entry("EC2_LINUX", "b"));
    assert!(resource(&d, "E").blockers.is_empty(), "a new cluster: a new identifier");
}

#[test]
fn a_type_change_is_refused() {
    let d = one(json!({"Q": {"Type": "AWS::SQS::Queue"}}), json!({"Q": {"Type": "AWS::SNS::Topic"}}));
    let q = resource(&d, "Q");
    assert_eq!((q.action, q.severity), (Action::Replace, Severity::Replacement));
    assert_eq!(q.causes, ["its type changes from `AWS::SQS::Queue`"]);
    assert!(q.blockers[0].contains("Update of resource type is not permitted"));
    assert!(d.gate_fails());
}

#[test]
fn attributes_removals_additions_and_unknown_types() {
    let old = json!({
        "K": {"Type": "AWS::KMS::Key", "Properties": {"Description": "a"}, "DeletionPolicy": "Retain"},
        "Gone": {"Type": "AWS::Logs::LogGroup", "DeletionPolicy": "RetainExceptOnCreate"},
        "Del": {"Type": "AWS::SQS::Queue"},
        "X": {"Type": "Custom::Thing", "Properties": {"A": 1}}
    });
    let new = json!({
        "K": {"Type": "AWS::KMS::Key", "Properties": {"Description": "b"}, "DeletionPolicy": "Delete"},
        "Add": {"Type": "AWS::SQS::Queue", "Properties": {"DelaySeconds": 5}},
        "X": {"Type": "Custom::Thing", "Properties": {"A": 2}}
    });
    let d = one(old, new);
    let order: Vec<(&str, Severity)> =
        d.stacks[0].resources.iter().map(|r| (r.logical_id.as_str(), r.severity)).collect();
    assert_eq!(
        order,
        [
            ("Gone", Severity::Removal),
            ("Del", Severity::Removal),
            ("K", Severity::Update),
            ("X", Severity::Update),
            ("Add", Severity::Addition)
        ],
        "worst first, then template order"
    );
    let k = resource(&d, "K");
    assert_eq!(k.replacement, Replacement::None, "AWS::KMS::Key has no create-only property");
    assert!(k.notes.is_empty());
    assert_eq!(
        k.attributes,
        [AttributeChange { name: "DeletionPolicy".into(), old: Some(json!("Retain")), new: Some(json!("Delete")) }]
    );
    assert_eq!(resource(&d, "Gone").old_resource, Some("retained"));
    assert_eq!(resource(&d, "Del").old_resource, Some("deleted"));
    assert_eq!(
        resource(&d, "X").notes,
        [format!("`Custom::Thing` is not in the table of create-only properties (cfn-lint {}): whether this replaces it is not known", create_only::cfn_lint_version())]
    );
    assert_eq!((d.summary.removed, d.summary.updated, d.summary.added), (2, 2, 1));
}

#[test]
fn exports_in_use_can_be_neither_removed_nor_changed() {
    let producer = |outputs: Value| json!({"Resources": {"V": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}}, "Outputs": outputs});
    let consumer =
        json!({"Resources": {"S": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Fn::ImportValue": "p:V"}}}}});
    let export = json!({"ExportV": {"Value": {"Ref": "V"}, "Export": {"Name": "p:V"}}, "Plain": {"Value": "x"}});
    let old = stacks(&[("p", producer(export.clone())), ("c", consumer.clone())]);
    let gone = stacks(&[("p", producer(json!({"Plain": {"Value": "y"}}))), ("c", consumer.clone())]);
    let d = diff(&old, &gone);
    let outputs = &d.stacks[0].outputs;
    assert_eq!(outputs[0].name, "ExportV");
    assert_eq!((outputs[0].action, outputs[0].severity), (Action::Remove, Severity::Blocker));
    assert_eq!(outputs[0].imported_by, ["c"]);
    assert_eq!(
        outputs[0].blockers,
        ["export `p:V` is imported by `c`, and goes away: CloudFormation refuses to delete an export another stack imports; those stacks must stop importing it first"]
    );
    assert_eq!((outputs[1].name.as_str(), outputs[1].severity), ("Plain", Severity::Update));
    assert_eq!(d.summary.blockers, 1);
    // Not imported: a plain removal.
    let unused = stacks(&[("p", producer(json!({}))), ("c", json!({"Resources": {}}))]);
    let d = diff(&stacks(&[("p", producer(export)), ("c", json!({"Resources": {}}))]), &unused);
    assert_eq!(d.stacks[0].outputs[0].severity, Severity::Removal);
    assert!(!d.gate_fails());
}

#[test]
fn stacks_added_and_removed() {
    let a = json!({"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}});
    let b = json!({"Resources": {"T": {"Type": "AWS::SNS::Topic"}}});
    let d = diff(&stacks(&[("a", a.clone())]), &stacks(&[("b", b)]));
    let s: Vec<(&str, StackStatus)> = d.stacks.iter().map(|s| (s.name.as_str(), s.status)).collect();
    assert_eq!(s, [("b", StackStatus::Added), ("a", StackStatus::Removed)], "nothing shared: not a rename");
    assert_eq!(d.notes, ["a stack only in the old output is not deleted by deploying the new one; deleting it deletes its resources, except those its DeletionPolicy retains"]);
    assert_eq!(resource(&d, "Q").old_resource, Some("kept"));
    assert_eq!((d.summary.added, d.summary.removed, d.summary.replacements), (1, 1, 0));
}

#[test]
fn other_sections_are_compared_by_entry() {
    let old =
        json!({"Description": "a", "Parameters": {"P": {"Type": "String"}, "Q": {"Type": "String"}}, "Resources": {}});
    let new =
        json!({"Description": "b", "Parameters": {"P": {"Type": "Number"}, "R": {"Type": "String"}}, "Resources": {}});
    let d = diff(&stacks(&[("s", old)]), &stacks(&[("s", new)]));
    let sections: Vec<(String, Option<String>, Action)> =
        d.stacks[0].sections.iter().map(|s| (s.section.clone(), s.name.clone(), s.action)).collect();
    assert_eq!(
        sections,
        [
            ("Description".into(), None, Action::Update),
            ("Parameters".into(), Some("P".into()), Action::Update),
            ("Parameters".into(), Some("Q".into()), Action::Remove),
            ("Parameters".into(), Some("R".into()), Action::Add),
        ]
    );
    assert_eq!(d.stacks[0].status, StackStatus::Changed);
}

#[test]
fn acknowledged_replacements_pass_the_gate_and_unknown_ids_come_back() {
    let q = |fifo: bool| json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": fifo}}});
    let mut d = one(q(false), q(true));
    assert!(d.gate_fails());
    assert_eq!(d.acknowledge(&["s/Q", "s/Nope", "Other"]), ["s/Nope", "Other"]);
    assert!(resource(&d, "Q").acknowledged);
    assert_eq!(d.summary.acknowledged, 1);
    assert!(!d.gate_fails());
    assert_eq!(
        d.summary_line(),
        "Summary: 1 replacement (1 acknowledged), 0 deploy blockers, 0 removals, 0 updates, 0 additions; stacks: 1 changed."
    );
    let mut d = one(q(false), q(true));
    assert!(d.acknowledge(&["Q"]).is_empty(), "a logical id alone matches in any stack");
}

#[test]
fn text_marks_each_change_and_colours_only_when_asked() {
    let old = json!({
        "C": cluster(json!({"Name": "a"})),
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": false}},
        "T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "x"}}
    });
    let new = json!({
        "C": cluster(json!({"Name": "b"})),
        "Q": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": true}},
        "T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": "y"}}
    });
    let d = one(old, new);
    let plain = d.to_text(&TextOptions::new());
    assert!(!plain.contains('\x1b'));
    assert_eq!(
        plain,
        "Old: t (1 stack)\nNew: t (1 stack)\n\nStack s\n\
         \x20 !! replace C (AWS::EKS::Cluster)\n\
         \x20      stateful: a new control plane: every Kubernetes object in the cluster (workloads, secrets, custom resources) is lost and every node must join the new one\n\
         \x20      /Name: \"a\" -> \"b\" [replaces]\n\
         \x20      old resource: deleted\n\
         \x20 !  replace Q (AWS::SQS::Queue)\n\
         \x20      /FifoQueue: false -> true [replaces]\n\
         \x20      old resource: deleted\n\
         \x20 ~  update T (AWS::SNS::Topic)\n\
         \x20      /DisplayName: \"x\" -> \"y\"\n\
         \nSummary: 2 replacements (1 stateful), 0 deploy blockers, 0 removals, 1 update, 0 additions; stacks: 1 changed.\n"
    );
    let coloured = d.to_text(&TextOptions::new().color(true));
    assert!(coloured.contains("\x1b[1;31m  !! replace C (AWS::EKS::Cluster)\x1b[0m\n"));
    assert!(coloured.contains("\x1b[33m  !  replace Q (AWS::SQS::Queue)\x1b[0m\n"));
    assert!(coloured.contains("\n  ~  update T (AWS::SNS::Topic)\n"), "in-place updates are not coloured");
}

#[test]
fn long_values_are_cut_in_text_and_whole_in_json() {
    let long = "x".repeat(100);
    let t = |v: &str| json!({"T": {"Type": "AWS::SNS::Topic", "Properties": {"DisplayName": v}}});
    let d = one(t("a"), t(&long));
    assert!(d.to_text(&TextOptions::new()).contains(&format!("/DisplayName: \"a\" -> \"{}…\n", "x".repeat(59))));
    assert_eq!(d.to_json()["stacks"][0]["resources"][0]["properties"][0]["new"], json!(long));
}

#[test]
fn cidr_overlap() {
    let p = |s| parse_cidr(s).unwrap();
    assert!(overlaps(p("10.0.0.0/19"), p("10.0.16.0/20")));
    assert!(!overlaps(p("10.0.0.0/19"), p("10.0.32.0/19")));
    assert!(overlaps(p("0.0.0.0/0"), p("192.168.0.0/24")));
    assert_eq!(parse_cidr("10.0.0.0/33"), None);
    assert_eq!(parse_cidr("nope"), None);
}

#[test]
fn properties_absent_or_empty_are_the_same_and_one_added_is_a_path() {
    let d = one(json!({"Q": {"Type": "AWS::SQS::Queue"}}), json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}}));
    assert!(!d.has_differences());
    let d = one(
        json!({"Q": {"Type": "AWS::SQS::Queue"}}),
        json!({"Q": {"Type": "AWS::SQS::Queue", "Properties": {"FifoQueue": true}}}),
    );
    let p = &resource(&d, "Q").properties[0];
    assert_eq!((p.path.as_str(), p.old.as_ref(), p.replacement), ("/FifoQueue", None, Replacement::Always));
}

#[test]
fn a_renamed_stack_of_one_plain_resource_reads_right() {
    let table = json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": "vpc-1"}});
    let old = stacks(&[("old-routes", json!({"Resources": {"R": table.clone()}}))]);
    let new = stacks(&[("new-routes", json!({"Resources": {"R": table}}))]);
    let d = diff(&old, &new);
    assert_eq!(d.stacks.iter().find(|s| s.name == "new-routes").map(|s| s.status), Some(StackStatus::Renamed));
    let text = d.to_text(&TextOptions::new());
    assert!(text.contains("Stack new-routes: new name of `old-routes`; its one resource is created anew\n"), "{text}");
    assert!(text.contains("  not stateful, and nothing blocks it\n"), "{text}");
    assert!(!text.contains("more resource"), "nothing was listed, so nothing is 'more': {text}");
}
