//! A seeded mutation property test over every example (issue 11, "Done when").
//!
//! Each case takes one `examples/*.yaml`, applies one to three mutations (keys deleted,
//! duplicated, swapped, renamed to hostile strings or moved from elsewhere; list items
//! deleted, duplicated, swapped; scalars replaced by hostile values; types changed:
//! scalar <-> list <-> map, a list where a struct is expected), writes it as YAML or JSON
//! (sometimes under the other extension), sometimes mutates the text (truncated, a byte
//! order mark, stray bytes, CRLF, tab indentation), and asserts:
//!
//! - the library never panics, and either synthesizes or refuses with an error the CLI
//!   maps to exit 2 (never an error of the environment, exit 1);
//! - on success, every YAML file (templates of `--format yaml`, `manifests/**`) reads back,
//!   under YAML 1.1 and YAML 1.2, to exactly the values of the JSON form;
//! - for one case in [`BINARY_EVERY`], the real binary on a real temporary directory exits
//!   with the same code (0 or 2, never 1 or 101), writes exactly the library's files on
//!   exit 0 and nothing at all otherwise;
//! - the distinct templates of successful cases (up to [`CORPUS_CAP`], the ones with the
//!   smallest hashes, so the choice does not depend on thread timing) are left in
//!   `target/tmp/fuzz-outputs/`, which `scripts/test` lints with cfn-lint once.
//!
//! [`DEFAULT_CASES`] cases run by default; `EKSB_FUZZ_CASES=100000` runs more,
//! `EKSB_FUZZ_SEED=N` another sequence, `EKSB_FUZZ_CASE=N` only case N (to reproduce one).
//! Failing inputs are written to `target/tmp/fuzz-failures/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

use common::{examples, mutate, mutate_text, yaml_reads_back, yaml_reads_the_same, Node, Rng};
use eks_blueprint::source::{Source, SourceFormat};
use eks_blueprint::synth::MARKER_FILE;
use eks_blueprint::{Assembly, Blueprint, Format};
use serde_json::Value;

/// Cases run by default (in CI).
const DEFAULT_CASES: u64 = 3000;
/// The default seed.
const DEFAULT_SEED: u64 = 11;
/// One case in this many also runs the real binary.
const BINARY_EVERY: u64 = 15;
/// The most templates left for cfn-lint.
const CORPUS_CAP: usize = 200;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().map(|v| v.trim().parse().unwrap_or_else(|_| panic!("{name}={v}: not a number")))
}

/// One generated input.
struct Case {
    index: u64,
    example: String,
    /// `yaml` or `json`: the file's extension, which decides how it is read.
    ext: &'static str,
    bytes: Vec<u8>,
    what: Vec<String>,
    /// The format the binary is asked for.
    format: Format,
    /// What every reader should read from the file, when the case says (no key twice, no
    /// plain token, the text not cut or changed).
    intended: Option<Value>,
}

impl Case {
    fn describe(&self) -> String {
        format!("case {} ({}, .{}): {}", self.index, self.example, self.ext, self.what.join("; "))
    }
}

struct Corpus {
    examples: Vec<(String, Node)>,
    donors: Vec<(String, Node)>,
}

impl Corpus {
    fn new() -> Corpus {
        let examples: Vec<(String, Node)> =
            examples().into_iter().map(|(p, n)| (p.file_name().unwrap().to_string_lossy().into_owned(), n)).collect();
        let donors = examples.iter().flat_map(|(_, n)| n.entries()).collect();
        Corpus { examples, donors }
    }

    /// Case `index` of the run seeded `seed`: a pure function of both.
    fn case(&self, seed: u64, index: u64) -> Case {
        let mut rng = Rng::for_case(seed, index);
        let (example, tree) = rng.pick(&self.examples);
        let mut tree = tree.clone();
        let mut what = Vec::new();
        let n = [0, 1, 1, 1, 2, 2, 3][rng.below(7)];
        for _ in 0..n {
            what.push(mutate(&mut tree, &self.donors, &mut rng));
        }
        let (ext, text) = match rng.below(20) {
            0..=13 => ("yaml", tree.to_yaml()),
            14..=17 => ("json", tree.to_json(rng.chance(50))),
            18 => {
                what.push("JSON text in a .yaml file".into());
                ("yaml", tree.to_json(rng.chance(50)))
            }
            _ => {
                what.push("YAML text in a .json file".into());
                ("json", tree.to_yaml())
            }
        };
        let mut bytes = text.into_bytes();
        let mut intended = tree.intended();
        if rng.chance(10) || n == 0 {
            let done = mutate_text(&mut bytes, &mut rng);
            if !(done.starts_with("byte order mark") || done.starts_with("CRLF")) {
                intended = None;
            }
            what.push(done);
        }
        let format = if rng.chance(50) { Format::Json } else { Format::Yaml };
        Case { index, example: example.clone(), ext, bytes, what, format, intended }
    }
}

/// What the library made of a case.
enum Outcome {
    /// Synthesized, in both formats; the spec as the library read it, written back.
    Valid { json: Box<Assembly>, yaml: Box<Assembly>, spec: Value },
    /// Refused as bad input (the CLI exits 2).
    Refused,
}

impl Outcome {
    fn exit_code(&self) -> i32 {
        match self {
            Outcome::Valid { .. } => 0,
            Outcome::Refused => 2,
        }
    }
}

/// Reads, validates and synthesizes as the CLI does; a panic or an error that is not the
/// input's is the failure message.
fn run_library(case: &Case) -> Result<Outcome, String> {
    let format = if case.ext == "json" { SourceFormat::Json } else { SourceFormat::Yaml };
    let result = catch_unwind(AssertUnwindSafe(|| {
        let source = Source::from_bytes(&format!("blueprint.{}", case.ext), &case.bytes, format)?;
        let blueprint = Blueprint::from_source(&source)?;
        let json = blueprint.synth(Format::Json)?;
        let yaml = blueprint.synth(Format::Yaml)?;
        let spec = serde_json::to_value(blueprint.spec()).expect("the spec serializes");
        Ok::<_, eks_blueprint::Error>((json, yaml, spec))
    }));
    match result {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            Err(format!("panic: {message}"))
        }
        Ok(Ok((json, yaml, spec))) => Ok(Outcome::Valid { json: Box::new(json), yaml: Box::new(yaml), spec }),
        Ok(Err(e)) if e.is_user_error() => Ok(Outcome::Refused),
        Ok(Err(e)) => Err(format!("an error that is not the input's (exit 1): {e}")),
    }
}

/// Every YAML file of a successful case reads back as its JSON form.
fn check_yaml(json: &Assembly, yaml: &Assembly) -> Result<(), String> {
    for stack in yaml.stacks() {
        let json_stack =
            json.stack(&stack.name).ok_or_else(|| format!("stack {} is only in the YAML output", stack.name))?;
        let json_form: Value = serde_json::from_str(&json.files()[&json_stack.template_file])
            .map_err(|e| format!("{}: not JSON: {e}", json_stack.template_file))?;
        yaml_reads_back(&yaml.files()[&stack.template_file], &[json_form])
            .map_err(|e| format!("{}: {e}", stack.template_file))?;
    }
    for (path, text) in json.files() {
        if path.ends_with(".json") {
            serde_json::from_str::<Value>(text).map_err(|e| format!("{path}: not JSON: {e}"))?;
        } else if path.ends_with(".yaml") || path.ends_with(".yml") {
            if yaml.files().get(path) != Some(text) {
                return Err(format!("{path} differs between --format json and --format yaml"));
            }
            yaml_reads_the_same(text).map_err(|e| format!("{path}: {e}"))?;
        }
    }
    Ok(())
}

/// The file read as written: the text reads back as the tree it was written from (a
/// YAML 1.1 line break such as U+0085 inside a quoted string is not folded away), and no
/// list was taken for a struct (serde accepts `[a, b]` for `{x: a, y: b}`).
fn check_read_as_written(case: &Case, spec: &Value) -> Result<(), String> {
    let Some(intended) = &case.intended else { return Ok(()) };
    let bytes = case.bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&case.bytes);
    let read: Value = if case.ext == "json" {
        serde_json::from_slice(bytes).map_err(|e| format!("valid, yet not JSON: {e}"))?
    } else {
        serde_yaml::from_slice(bytes).map_err(|e| format!("valid, yet not YAML: {e}"))?
    };
    if &read != intended {
        return Err(format!(
            "the file is read as other values than written: {}",
            common::first_difference(&[read], std::slice::from_ref(intended))
        ));
    }
    fn shapes(path: &str, written: &Value, read: &Value) -> Result<(), String> {
        match (written, read) {
            (Value::Array(_), Value::Object(_)) => Err(format!("{path}: a list was read as a struct")),
            (Value::Object(w), Value::Object(r)) => w
                .iter()
                .filter_map(|(k, wv)| r.get(k).map(|rv| (k, wv, rv)))
                .try_for_each(|(k, wv, rv)| shapes(&format!("{path}.{k}"), wv, rv)),
            (Value::Array(w), Value::Array(r)) if w.len() == r.len() => {
                w.iter().zip(r).enumerate().try_for_each(|(i, (w, r))| shapes(&format!("{path}[{i}]"), w, r))
            }
            _ => Ok(()),
        }
    }
    shapes("", intended, spec)
}

/// Every file under `dir`, relative path -> bytes.
fn files_under(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Runs the real binary on the case in a fresh temporary directory.
fn run_binary(case: &Case, outcome: &Outcome) -> Result<(), String> {
    let tmp = tempfile::tempdir().unwrap();
    let input = format!("blueprint.{}", case.ext);
    std::fs::write(tmp.path().join(&input), &case.bytes).unwrap();
    let format = match case.format {
        Format::Json => "json",
        _ => "yaml",
    };
    let out = Command::new(env!("CARGO_BIN_EXE_eks-blueprint"))
        .args(["synth", &input, "-o", "out/dir", "--format", format])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let code = out.status.code().unwrap_or(-1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if code != outcome.exit_code() {
        return Err(format!(
            "the binary exits {code}, the library says {}; stderr: {}",
            outcome.exit_code(),
            common::cap(&stderr)
        ));
    }
    let written = files_under(tmp.path());
    match outcome {
        Outcome::Refused => {
            if written.len() != 1 || !written.contains_key(&input) || tmp.path().join("out").exists() {
                let names: Vec<&String> = written.keys().collect();
                return Err(format!("exit 2 but files were written: {names:?}"));
            }
            // An error line, `error[code]: ...` located in the file (or `error: ...`), maybe
            // after the findings' warnings.
            let has_error = stderr.lines().any(|l| l.starts_with("error[") || l.starts_with("error: "));
            if !has_error || stderr.contains("panicked") {
                return Err(format!("exit 2 without an error message: {}", common::cap(&stderr)));
            }
        }
        Outcome::Valid { json, yaml, .. } => {
            let assembly = if case.format == Format::Json { json } else { yaml };
            let mut expected: BTreeSet<String> = assembly.files().keys().map(|k| format!("out/dir/{k}")).collect();
            expected.insert(format!("out/dir/{MARKER_FILE}"));
            expected.insert(input.clone());
            let got: BTreeSet<String> = written.keys().cloned().collect();
            if got != expected {
                return Err(format!("exit 0 wrote {got:?}, expected {expected:?}"));
            }
            for (path, content) in assembly.files() {
                if written[&format!("out/dir/{path}")] != content.as_bytes() {
                    return Err(format!("{path}: the binary wrote other bytes than the library"));
                }
            }
        }
    }
    Ok(())
}

/// What one thread found.
#[derive(Default)]
struct Findings {
    valid: u64,
    refused: u64,
    binary_runs: u64,
    failures: Vec<(u64, String)>,
    /// Template hash -> (file name in the corpus, content): the smallest hashes.
    templates: BTreeMap<u64, (String, String)>,
}

/// Keeps a template under its hash; of two cases with the same template, the first case's
/// name (so the corpus does not depend on which thread ran which case first).
fn keep_template(templates: &mut BTreeMap<u64, (String, String)>, hash: u64, name: String, content: &str) {
    match templates.get(&hash) {
        Some((kept, _)) if *kept <= name => {}
        _ => {
            templates.insert(hash, (name, content.to_owned()));
        }
    }
}

fn run_case(corpus: &Corpus, seed: u64, index: u64, found: &mut Findings) {
    let case = corpus.case(seed, index);
    let failure = match run_library(&case) {
        Err(e) => Some(e),
        Ok(outcome) => {
            let mut failure = None;
            if let Outcome::Valid { json, yaml, spec } = &outcome {
                found.valid += 1;
                failure = check_yaml(json, yaml).err().or_else(|| check_read_as_written(&case, spec).err());
                for stack in json.stacks() {
                    let content = &json.files()[&stack.template_file];
                    let mut h = DefaultHasher::new();
                    content.hash(&mut h);
                    let name = format!("case-{index:06}-{}", stack.template_file);
                    keep_template(&mut found.templates, h.finish(), name, content);
                    if found.templates.len() > CORPUS_CAP {
                        found.templates.pop_last();
                    }
                }
            } else {
                found.refused += 1;
            }
            if failure.is_none() && index % BINARY_EVERY == 0 {
                found.binary_runs += 1;
                failure = run_binary(&case, &outcome).err();
            }
            failure
        }
    };
    if let Some(message) = failure {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-failures");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join(format!("case-{index}.{}", case.ext));
        std::fs::write(&file, &case.bytes).unwrap();
        found.failures.push((index, format!("{}\n    {message}\n    input: {}", case.describe(), file.display())));
    }
}

#[test]
fn mutated_examples_synthesize_or_are_refused_cleanly() {
    let corpus = Corpus::new();
    let seed = env_u64("EKSB_FUZZ_SEED").unwrap_or(DEFAULT_SEED);
    let cases: Vec<u64> = match env_u64("EKSB_FUZZ_CASE") {
        Some(one) => vec![one],
        None => (0..env_u64("EKSB_FUZZ_CASES").unwrap_or(DEFAULT_CASES)).collect(),
    };
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get()).min(8);
    let results = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for t in 0..threads {
            let (corpus, cases, results) = (&corpus, &cases, &results);
            s.spawn(move || {
                let mut found = Findings::default();
                for &index in cases.iter().skip(t).step_by(threads) {
                    run_case(corpus, seed, index, &mut found);
                }
                results.lock().unwrap().push(found);
            });
        }
    });
    let mut total = Findings::default();
    for found in results.into_inner().unwrap() {
        total.valid += found.valid;
        total.refused += found.refused;
        total.binary_runs += found.binary_runs;
        total.failures.extend(found.failures);
        for (hash, (name, content)) in found.templates {
            keep_template(&mut total.templates, hash, name, &content);
        }
    }
    total.failures.sort();

    // The templates for cfn-lint (scripts/test, section "fuzz outputs").
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-outputs");
    if out.exists() {
        std::fs::remove_dir_all(&out).unwrap();
    }
    std::fs::create_dir_all(&out).unwrap();
    for (name, content) in total.templates.values().take(CORPUS_CAP) {
        std::fs::write(out.join(name), content).unwrap();
    }
    let written = total.templates.len().min(CORPUS_CAP);

    eprintln!(
        "fuzz: seed {seed}, {} cases: {} synthesized, {} refused, {} run through the binary; {written} templates for cfn-lint in {}",
        cases.len(),
        total.valid,
        total.refused,
        total.binary_runs,
        out.display()
    );
    if !total.failures.is_empty() {
        let shown: Vec<&String> = total.failures.iter().map(|(_, m)| m).take(30).collect();
        panic!(
            "{} of {} cases failed (reproduce one with EKSB_FUZZ_SEED={seed} EKSB_FUZZ_CASE=N):\n{}",
            total.failures.len(),
            cases.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
        );
    }
    if cases.len() >= 1000 {
        // The mutations must leave enough valid blueprints to exercise synthesis.
        assert!(total.valid * 10 >= cases.len() as u64, "only {} of {} cases synthesized", total.valid, cases.len());
    }
}

/// The generator itself: a case is a pure function of the seed and its index.
#[test]
fn cases_are_reproducible() {
    let corpus = Corpus::new();
    for index in [0, 1, 77, 2999] {
        let (a, b) = (corpus.case(5, index), corpus.case(5, index));
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.what, b.what);
    }
    assert_ne!(corpus.case(5, 1).bytes, corpus.case(6, 1).bytes);
}
