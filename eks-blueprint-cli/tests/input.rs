//! Reading blueprint files carefully, end to end on real files: encodings, duplicate keys,
//! size and alias limits, capped echoes, and line:column on whole-file problems. Every bad
//! file exits 2 with the exact message and writes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

/// The largest file accepted (`eks_blueprint::source::MAX_FILE_BYTES`).
const MAX_FILE_BYTES: usize = 1024 * 1024;

/// A valid blueprint, short.
const VALID_YAML: &str = "name: demo\ncluster:\n  access:\n    bootstrapClusterCreatorAdminPermissions: true\n";
const VALID_JSON: &str =
    r#"{"name": "demo", "cluster": {"access": {"bootstrapClusterCreatorAdminPermissions": true}}}"#;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Writes `content` to `file` in a fresh directory and runs `synth file -o out` there.
fn synth(file: &str, content: &[u8]) -> Run {
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::write(tmp.path().join(file), content).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .env("SOURCE_DATE_EPOCH", "1796169600") // 2026-12-02: findings must not depend on the clock
        .args(["synth", file, "-o", "out"])
        .current_dir(tmp.path())
        .output()
        .expect("the binary runs");
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: one_line(&String::from_utf8_lossy(&out.stderr)),
    };
    if run.code != 0 {
        assert_nothing_written(tmp.path(), file, &run);
    }
    run
}

/// The CLI's located diagnostics (`error[code]: path: message`, `--> file:line:column`, the
/// line and a caret) each as one line, `error: file:line:column: path: message`: these tests
/// assert the message and the position; the block's form is snapshot-tested in `cli.rs`.
fn one_line(stderr: &str) -> String {
    let mut out = String::new();
    let mut lines = stderr.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(rest) = line.strip_prefix("error[").and_then(|l| l.split_once("]: ")).map(|(_, rest)| rest) else {
            if !line.is_empty() && !line.contains(" errors in ") {
                out.push_str(line);
                out.push('\n');
            }
            continue;
        };
        match lines.peek().and_then(|next| next.trim_start().strip_prefix("--> ")) {
            Some(location) => out.push_str(&format!("error: {location}: {rest}\n")),
            None => out.push_str(&format!("error: {rest}\n")),
        }
        // The location, the gutter, the line and the caret.
        while lines.peek().is_some_and(|l| !l.is_empty() && !l.starts_with("error")) {
            lines.next();
        }
    }
    out
}

fn assert_nothing_written(dir: &Path, file: &str, run: &Run) {
    let entries: Vec<String> = std::fs::read_dir(dir)
        .expect("read")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, [file], "files were written: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

/// Runs a bad file: exit 2 and exactly `expected` on stderr.
fn refused(file: &str, content: &[u8], expected: &str) {
    let run = synth(file, content);
    assert_eq!(run.code, 2, "{file}: {}", run.stderr);
    assert_eq!(run.stderr, expected, "{file}");
}

#[test]
fn text_that_is_not_utf8_exits_2_at_the_first_bad_byte() {
    refused(
        "latin1.yaml",
        b"name: demo\ntags: {team: caf\xe9}\n",
        "error: latin1.yaml:2:17: byte 0xE9 is not UTF-8 text; a blueprint file is UTF-8 (save it as UTF-8)\n",
    );
    refused(
        "utf16.yaml",
        b"\xff\xfen\x00a\x00m\x00e\x00",
        "error: utf16.yaml:1:1: the file is UTF-16 or UTF-32 (it starts with that byte order mark); save it as UTF-8\n",
    );
}

#[test]
fn a_utf8_byte_order_mark_is_accepted_in_yaml_and_json() {
    for (file, content) in [("bom.yaml", VALID_YAML), ("bom.json", VALID_JSON)] {
        let run = synth(file, &[b"\xEF\xBB\xBF".as_slice(), content.as_bytes()].concat());
        assert_eq!(run.code, 0, "{file}: {}", run.stderr);
    }
}

#[test]
fn duplicate_keys_are_refused_with_both_positions() {
    refused(
        "dup.yaml",
        format!("{VALID_YAML}tags:\n  team: a\n  owner: b\n  team: c\n").as_bytes(),
        "error: dup.yaml:8:3: tags.team: duplicate key `team`, first at 6:3, again at 8:3; keep one\n",
    );
    refused(
        "dup.json",
        b"{\"name\": \"demo\",\n \"tags\": {\"team\": \"a\",\n          \"team\": \"b\"},\n \"name\": \"again\"}\n",
        "error: dup.json:3:11: tags.team: duplicate key `team`, first at 2:11, again at 3:11; keep one\nerror: dup.json:4:2: name: duplicate key `name`, first at 1:2, again at 4:2; keep one\n",
    );
    // A duplicated field of the model, not only of a free-form map.
    refused(
        "dup-field.yaml",
        format!("{VALID_YAML}compute:\n  managedNodeGroups:\n    - name: a\n      minSize: 1\n      minSize: 2\n").as_bytes(),
        "error: dup-field.yaml:9:7: compute.managedNodeGroups[0].minSize: duplicate key `minSize`, first at 8:7, again at 9:7; keep one\n",
    );
}

#[test]
fn a_file_over_1_mib_is_refused_before_it_is_parsed() {
    let mut big = VALID_YAML.as_bytes().to_vec();
    big.resize(MAX_FILE_BYTES + 1, b'#');
    refused(
        "big.yaml",
        &big,
        "error: big.yaml: the file is larger than 1048576 bytes (1 MiB), the most a blueprint file may be; a blueprint is a few kilobytes: check that this is the right file\n",
    );
    // At the cap it is read (here: padded with a comment).
    let mut at_cap = format!("{VALID_YAML}# ").into_bytes();
    at_cap.resize(MAX_FILE_BYTES - 1, b'x');
    at_cap.push(b'\n');
    let run = synth("at-cap.yaml", &at_cap);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_alias_bomb_is_refused_where_it_explodes() {
    let mut bomb = format!("{VALID_YAML}tags:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        bomb.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
        ));
    }
    refused(
        "bomb.yaml",
        bomb.as_bytes(),
        "error: bomb.yaml:9:47: aliases would expand the file by more than 10000 values; write the values out or use fewer aliases\n",
    );
}

#[test]
fn deep_nesting_is_refused() {
    // Block style: the structure pass stops at the 33rd level.
    let mut deep = format!("{VALID_YAML}tags:\n");
    for level in 0..100 {
        deep.push_str(&format!("{}k:\n", "  ".repeat(level + 1)));
    }
    refused(
        "deep.yaml",
        deep.as_bytes(),
        "error: deep.yaml:37:65: tags.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k.k: nested more than 32 levels deep; no blueprint field is that deep\n",
    );
    // Flow style, 100,000 levels: the YAML parser's own limit stops it first, as early.
    let run =
        synth("flow.yaml", format!("{VALID_YAML}tags: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: flow.yaml:5:262: invalid YAML: recursion limit exceeded\n");
    let run = synth("flow.json", format!("{{\"name\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000)).as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: flow.json:1:41: name{}: nested more than 32 levels deep; no blueprint field is that deep\n",
            "[0]".repeat(31)
        )
    );
}

#[test]
fn a_1_mb_name_is_capped_in_the_message() {
    let name = "a".repeat(1_000_000);
    let run = synth("long.yaml", format!("name: {name}\n{}", &VALID_YAML["name: demo\n".len()..]).as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: long.yaml:1:1: name: `{}… (999800 more characters)` is not a valid name: start with a letter, then letters, digits and '-', at most 100 characters (it names the cluster and its CloudFormation stacks)\n",
            "a".repeat(200)
        )
    );
    // Also in serde's messages: a 1 MB value of a closed set.
    let run = synth("nat.yaml", format!("{VALID_YAML}network: {{natGateways: {name}}}\n").as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: nat.yaml:5:24: network.natGateways: unknown variant `{}… (999800 more characters)`, expected one of `perAz`, `single`, `none`\n",
            "a".repeat(200)
        )
    );
    // And in field paths: a 1 MB unknown key of a JSON file.
    let run = synth("key.json", format!("{{\"name\": \"demo\", \"{name}\": 1}}").as_bytes());
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        format!(
            "error: key.json:1:18: {}… (999800 more characters): unknown field `{}… (999800 more characters)`, expected one of {}\n",
            "a".repeat(200),
            "a".repeat(200),
            "`name`, `kubernetesVersion`, `stackLayout`, `crossStackReferences`, `removalPolicy`, `tags`, `network`, `cluster`, `compute`, `identities`, `addonVersions`, `suppress`, `environments`"
        )
    );
}

#[test]
fn syntax_errors_and_whole_file_problems_have_line_and_column() {
    refused(
        "syntax.yaml",
        format!("{VALID_YAML}tags: [a, b\n").as_bytes(),
        "error: syntax.yaml:6:1: invalid YAML: while parsing a flow sequence, expected ',' or ']'\n",
    );
    refused(
        "syntax.json",
        b"{\"name\": \"demo\",\n \"tags\": {\"team\": }}\n",
        "error: syntax.json:2:19: invalid JSON: expected value\n",
    );
    refused(
        "two.yaml",
        format!("{VALID_YAML}---\nname: other\n").as_bytes(),
        "error: two.yaml:5:1: a second YAML document starts here; a blueprint file holds one document (remove the `---` line and what follows, or split the file)\n",
    );
    refused(
        "empty.yaml",
        b"# nothing yet\n",
        "error: empty.yaml:2:1: the file has no blueprint in it; a blueprint needs at least `name: <cluster name>`\n",
    );
    refused(
        "empty.json",
        b"",
        "error: empty.json:1:1: the file has no blueprint in it; a blueprint needs at least `name: <cluster name>`\n",
    );
    refused(
        "list.yaml",
        b"- name: demo\n",
        "error: list.yaml:1:1: the blueprint is a list; it must be a mapping of fields, like `name: demo`\n",
    );
    refused(
        "type.json",
        b"{\"name\": \"demo\",\n  \"tags\": {\"team\": [1]}}",
        "error: type.json:2:20: tags.team: invalid type: sequence, expected a string\n",
    );
}
