//! Tests of the output directory, on real temporary directories. Failures are injected by
//! an [`Fs`] that fails its n-th operation, for every n, so that every step of a write and
//! of its undo is covered (tests run as root here, where permissions would not fail).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::time::{Duration, SystemTime};

use super::*;

/// A real filesystem whose operation number `fail_at` (from 0) fails, or every operation
/// from `fail_at` on when `fail_after` is set.
struct FailingFs {
    count: usize,
    fail_at: usize,
    fail_after: bool,
}

impl FailingFs {
    fn at(n: usize) -> Self {
        FailingFs { count: 0, fail_at: n, fail_after: false }
    }

    fn from(n: usize) -> Self {
        FailingFs { count: 0, fail_at: n, fail_after: true }
    }

    fn check(&mut self) -> io::Result<()> {
        let n = self.count;
        self.count += 1;
        if n == self.fail_at || (self.fail_after && n > self.fail_at) {
            Err(io::Error::other(format!("injected failure of operation {n}")))
        } else {
            Ok(())
        }
    }
}

impl Fs for FailingFs {
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        self.check()?;
        RealFs.create_dir(path)
    }
    fn write_new(&mut self, path: &Path, contents: &[u8]) -> io::Result<()> {
        self.check()?;
        RealFs.write_new(path, contents)
    }
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        self.check()?;
        RealFs.rename(from, to)
    }
    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        self.check()?;
        RealFs.remove_file(path)
    }
    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        self.check()?;
        RealFs.remove_dir(path)
    }
    fn set_metadata(
        &mut self,
        path: &Path,
        permissions: &fs::Permissions,
        modified: Option<SystemTime>,
    ) -> io::Result<()> {
        self.check()?;
        RealFs.set_metadata(path, permissions, modified)
    }
}

fn files(entries: &[(&str, &str)]) -> IndexMap<String, String> {
    entries.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// An earlier output: top-level files and a nested directory.
fn earlier() -> IndexMap<String, String> {
    files(&[
        ("demo-network.template.json", "{\"Resources\": {\"Vpc\": {}}}\n"),
        ("demo-cluster.template.json", "{\"Resources\": {\"Cluster\": {}}}\n"),
        ("manifest.json", "{\"version\": \"36.0.0\", \"artifacts\": {}}\n"),
        ("manifests/karpenter/nodepools.yaml", "kind: NodePool\n"),
        ("manifests/kustomization.yaml", "resources: []\n"),
    ])
}

/// The next output: some names kept, some gone, some new, a file where a directory was.
fn next() -> IndexMap<String, String> {
    files(&[
        ("demo.template.yaml", "Resources: {Vpc: {}}\n"),
        ("manifest.json", "{\"version\": \"36.0.0\", \"artifacts\": {\"demo\": {}}}\n"),
        ("manifests/eniconfigs.yaml", "kind: ENIConfig\n"),
        ("demo-network.template.json", "{}\n"),
    ])
}

/// Everything under `root`: path -> (mode, content for a file, modification time of a file).
type Tree = BTreeMap<String, (u32, Option<Vec<u8>>, Option<SystemTime>)>;

fn tree(root: &Path) -> Tree {
    fn walk(root: &Path, dir: &Path, out: &mut Tree) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let meta = fs::symlink_metadata(&path).unwrap();
            let key = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let mode = meta.permissions().mode();
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&path).unwrap();
                out.insert(key, (mode, Some(target.to_string_lossy().into_owned().into_bytes()), None));
            } else if meta.is_dir() {
                out.insert(format!("{key}/"), (mode, None, None));
                walk(root, &path, out);
            } else {
                out.insert(key, (mode, Some(fs::read(&path).unwrap()), meta.modified().ok()));
            }
        }
    }
    let mut out = Tree::new();
    walk(root, root, &mut out);
    out
}

fn write_real(out: &Path, files: &IndexMap<String, String>) -> Result<(), OutputError> {
    write(out, files, &WriteOptions::new(), &mut RealFs)
}

fn refusal(result: Result<(), OutputError>) -> Refusal {
    match result {
        Err(OutputError::Refused { refusal, .. }) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The files of `dir` that are not the marker, with their content.
fn written(dir: &Path) -> BTreeMap<String, String> {
    tree(dir)
        .into_iter()
        .filter_map(|(k, (_, c, _))| Some((k, String::from_utf8(c?).unwrap())))
        .filter(|(k, _)| k != MARKER_FILE)
        .collect()
}

#[test]
fn a_new_directory_is_created_with_its_parents_and_a_marker_listing_every_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("a/b/out");
    write_real(&out, &files(&[("x.json", "abc"), ("manifests/y.yaml", "")])).unwrap();
    assert_eq!(
        written(&out),
        BTreeMap::from([("x.json".to_owned(), "abc".to_owned()), ("manifests/y.yaml".to_owned(), String::new())])
    );
    let marker: Value = serde_json::from_str(&fs::read_to_string(out.join(MARKER_FILE)).unwrap()).unwrap();
    // SHA-256 test vectors from FIPS 180-2 ("abc") and of the empty string.
    assert_eq!(
        marker["files"],
        json!({
            "x.json": {"bytes": 3, "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
            "manifests/y.yaml": {"bytes": 0, "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}
        })
    );
    assert_eq!(marker["generator"], json!("eks-blueprint"));
    assert_eq!(marker["format"], json!(1));
    assert_eq!(marker["version"], json!(env!("CARGO_PKG_VERSION")));
}

#[test]
fn an_earlier_output_is_replaced_and_nothing_of_it_remains() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();
    write_real(&out, &next()).unwrap();
    let expected: BTreeMap<String, String> = next().into_iter().collect();
    assert_eq!(written(&out), expected);
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1, "nothing beside the output");
    // A file deleted by hand since is no obstacle.
    fs::remove_file(out.join("manifests/eniconfigs.yaml")).unwrap();
    write_real(&out, &earlier()).unwrap();
    assert_eq!(written(&out), earlier().into_iter().collect::<BTreeMap<_, _>>());
}

#[test]
fn an_empty_directory_is_filled_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o750)).unwrap();
    write_real(&out, &next()).unwrap();
    assert_eq!(written(&out).len(), next().len());
    assert_eq!(fs::metadata(&out).unwrap().permissions().mode() & 0o7777, 0o750, "the directory itself stays");
}

/// Runs `write` with every operation failing in turn until it succeeds; after each
/// failure, `root` must be exactly as before.
fn every_failure_point(root: &Path, out: &Path, files: &IndexMap<String, String>) -> usize {
    let before = tree(root);
    for n in 0..500 {
        match write(out, files, &WriteOptions::new(), &mut FailingFs::at(n)) {
            Ok(()) => return n,
            Err(OutputError::Io { action, .. }) => {
                assert_eq!(tree(root), before, "after a failure of operation {n} ({action})");
            }
            Err(other) => panic!("operation {n}: {other}"),
        }
    }
    panic!("the write never succeeded");
}

#[test]
fn any_failure_while_replacing_leaves_the_earlier_output_exactly_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();
    // Permissions and times that a careless restore would lose.
    let file = out.join("manifests/karpenter/nodepools.yaml");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
        .unwrap();
    fs::set_permissions(out.join("manifests"), fs::Permissions::from_mode(0o700)).unwrap();
    let operations = every_failure_point(tmp.path(), &out, &next());
    // Create staging, 1 dir + 4 files, previous, 4 moves out, 4 moves in, remove staging,
    // delete 8 entries, remove previous: every one of them failed once.
    assert!(operations >= 25, "only {operations} operations");
    assert_eq!(written(&out), next().into_iter().collect::<BTreeMap<_, _>>());
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn any_failure_while_creating_leaves_no_directory_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("new/deeper/out");
    let operations = every_failure_point(tmp.path(), &out, &earlier());
    assert!(operations >= 10, "only {operations} operations");
    assert_eq!(written(&out), earlier().into_iter().collect::<BTreeMap<_, _>>());
}

#[test]
fn any_failure_while_filling_an_empty_directory_leaves_it_empty() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::set_permissions(&out, fs::Permissions::from_mode(0o751)).unwrap();
    every_failure_point(tmp.path(), &out, &earlier());
}

#[test]
fn a_failed_undo_is_reported_with_where_to_look() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();
    // Everything from the first move of an earlier entry on fails, the undo included.
    let err = write(&out, &next(), &WriteOptions::new(), &mut FailingFs::from(8)).unwrap_err();
    assert!(matches!(err, OutputError::Undo { .. }), "{err}");
    assert!(!err.is_user_error());
    let message = err.to_string();
    assert!(message.contains("undoing the changes failed too"), "{message}");
    assert!(message.contains(".eks-blueprint-staging"), "{message}");
}

/// Refused, and nothing changed.
fn refused(out: &Path, files: &IndexMap<String, String>, options: &WriteOptions) -> Refusal {
    let root = out.ancestors().find(|p| p.is_dir() && !p.is_symlink()).unwrap();
    let before = tree(root);
    let refusal = refusal(write(out, files, options, &mut RealFs));
    assert_eq!(tree(root), before, "{refusal}");
    refusal
}

#[test]
fn an_unrelated_directory_is_refused_even_with_a_manifest_json() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("my-extension");
    fs::create_dir_all(out.join("src")).unwrap();
    fs::write(out.join("manifest.json"), "{\"manifest_version\": 3}").unwrap();
    fs::write(out.join("README.md"), "my browser extension").unwrap();
    fs::write(out.join("src/main.js"), "code").unwrap();
    let r = refused(&out, &next(), &WriteOptions::new());
    assert_eq!(r.code(), "not-an-output");
    assert_eq!(r, Refusal::NotAnOutput { entries: vec!["README.md".into(), "manifest.json".into(), "src".into()] });
    let err = write_real(&out, &next()).unwrap_err();
    assert!(err.is_user_error());
    assert_eq!(
        err.to_string(),
        format!(
            "refusing to write to `{}`: it is not empty (`README.md`, `manifest.json`, `src`) and eks-blueprint did not write it (it has no `.eks-blueprint.json`); choose another output directory (a new or empty one), or remove this one yourself",
            out.display()
        )
    );
}

#[test]
fn a_cloud_assembly_without_a_marker_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("manifest.json"), "{\"version\": \"36.0.0\", \"artifacts\": {\"a\": {}}}").unwrap();
    fs::write(out.join("a.template.json"), "{}").unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()), Refusal::UnmarkedAssembly);
}

#[test]
fn an_earlier_output_with_an_added_or_changed_entry_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();

    fs::write(out.join("notes.txt"), "mine").unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()), Refusal::Unlisted { entry: "notes.txt".into() });
    fs::remove_file(out.join("notes.txt")).unwrap();

    fs::create_dir(out.join("manifests/extra")).unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()), Refusal::Unlisted { entry: "manifests/extra/".into() });
    fs::remove_dir(out.join("manifests/extra")).unwrap();

    // Same size, other content: the digest tells.
    let file = out.join("manifests/kustomization.yaml");
    fs::write(&file, "resources: {}\n").unwrap();
    let r = refused(&out, &next(), &WriteOptions::new());
    assert_eq!(r, Refusal::Changed { entry: "manifests/kustomization.yaml".into() });
    assert_eq!(r.code(), "changed-file");
    fs::write(&file, "resources: [a]\n").unwrap();
    assert_eq!(
        refused(&out, &next(), &WriteOptions::new()),
        Refusal::Changed { entry: "manifests/kustomization.yaml".into() }
    );
    fs::write(&file, "resources: []\n").unwrap();
    write_real(&out, &next()).unwrap();
}

#[test]
fn links_special_files_read_only_entries_and_leftovers_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();

    symlink("/etc/hostname", out.join("link")).unwrap();
    assert_eq!(
        refused(&out, &next(), &WriteOptions::new()),
        Refusal::NotAFile { entry: "link".into(), kind: "a symbolic link" }
    );
    fs::remove_file(out.join("link")).unwrap();

    let file = out.join("manifest.json");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o444)).unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()), Refusal::ReadOnly { entry: "manifest.json".into() });
    fs::set_permissions(&file, fs::Permissions::from_mode(0o644)).unwrap();

    fs::set_permissions(&out, fs::Permissions::from_mode(0o555)).unwrap();
    let r = refused(&out, &next(), &WriteOptions::new());
    assert_eq!(r, Refusal::ReadOnly { entry: String::new() });
    fs::set_permissions(&out, fs::Permissions::from_mode(0o755)).unwrap();

    fs::create_dir(out.join(STAGING_DIR)).unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()), Refusal::Interrupted { entry: STAGING_DIR.into() });
    fs::remove_dir(out.join(STAGING_DIR)).unwrap();

    fs::write(out.join(MARKER_FILE), "{\"generator\": \"someone-else\", \"format\": 1, \"files\": {}}").unwrap();
    assert_eq!(
        refused(&out, &next(), &WriteOptions::new()),
        Refusal::BadMarker { reason: "its `generator` is not `eks-blueprint`".into() }
    );
    fs::write(out.join(MARKER_FILE), "not json").unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()).code(), "bad-marker");
    fs::write(
        out.join(MARKER_FILE),
        "{\"generator\": \"eks-blueprint\", \"format\": 1, \"files\": {\"../x\": {\"bytes\": 1, \"sha256\": \"\"}}}",
    )
    .unwrap();
    assert_eq!(refused(&out, &next(), &WriteOptions::new()).code(), "bad-marker");
}

#[test]
fn a_directory_holding_an_input_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    write_real(&out, &earlier()).unwrap();
    let input = out.join("manifests/blueprint.yaml");
    fs::write(&input, "name: demo").unwrap();
    let options = WriteOptions::new().input(&input);
    let r = refused(&out, &next(), &options);
    assert_eq!(r, Refusal::ContainsInput { input: fs::canonicalize(&input).unwrap() });
    // Even when the directory is otherwise ours: the input through another spelling.
    fs::remove_file(&input).unwrap();
    let input = out.join("blueprint.yaml");
    fs::write(&input, "name: demo").unwrap();
    let options = WriteOptions::new().input(out.join("manifests/../blueprint.yaml"));
    assert_eq!(refused(&out, &next(), &options).code(), "contains-input");
}

#[test]
fn paths_that_are_not_directories_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file.txt");
    fs::write(&file, "x").unwrap();
    assert_eq!(refused(&file, &next(), &WriteOptions::new()), Refusal::NotADirectory { path: file.clone() });
    assert_eq!(refused(&file.join("out"), &next(), &WriteOptions::new()), Refusal::NotADirectory { path: file });

    let link = tmp.path().join("dangling");
    symlink(tmp.path().join("nowhere"), &link).unwrap();
    assert_eq!(
        refused(&link, &next(), &WriteOptions::new()),
        Refusal::DanglingLink { link: link.clone(), target: tmp.path().join("nowhere") }
    );
    assert_eq!(refused(&link.join("out"), &next(), &WriteOptions::new()).code(), "dangling-symlink");

    let odd = tmp.path().join("missing/../out");
    assert_eq!(refused(&odd, &next(), &WriteOptions::new()), Refusal::ParentOfMissing);
    assert_eq!(refusal(write_real(Path::new(""), &next())), Refusal::EmptyPath);
}

#[test]
fn a_symbolic_link_is_followed_and_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    write_real(&real, &earlier()).unwrap();
    let link = tmp.path().join("out");
    symlink(&real, &link).unwrap();
    write_real(&link, &next()).unwrap();
    assert!(fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert_eq!(written(&real), next().into_iter().collect::<BTreeMap<_, _>>());

    // A link to a directory that is not an output is refused like the directory.
    let other = tmp.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("keep.txt"), "x").unwrap();
    let link = tmp.path().join("out2");
    symlink(&other, &link).unwrap();
    assert_eq!(refused(&link, &next(), &WriteOptions::new()).code(), "not-an-output");
}

#[test]
fn file_names_that_would_leave_the_directory_are_a_bug_not_written() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    for name in ["../x", "/etc/x", "a//b", "a/./b", "", "a\\b", MARKER_FILE, ".eks-blueprint-staging/x"] {
        let err = write_real(&out, &files(&[(name, "x")])).unwrap_err();
        assert!(matches!(&err, OutputError::InvalidFileName(n) if n == name), "{name}: {err}");
        assert!(!err.is_user_error());
    }
    assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
}
