//! The output directory: recognizing what this tool wrote there, and replacing it all or
//! nothing. The rule is the project's: the tool never deletes or changes a file it did not
//! write.
//!
//! - A directory that does not exist is created, with any missing parents.
//! - An existing directory is filled in place (the directory itself, its permissions, and
//!   a symbolic link that leads to it stay as they are) when it is empty, or when it holds
//!   an earlier output and nothing else: a marker, [`MARKER_FILE`], lists every file
//!   eks-blueprint wrote with its size and SHA-256, and every other entry in the directory
//!   is one of those files, unchanged, writable, or a directory that holds them. A listed
//!   file that was deleted is no obstacle.
//! - Anything else is refused before any change, with a [`Refusal`] that says why and what
//!   to do: a directory without the marker (even one that holds a `manifest.json`), a
//!   changed or added file, a symbolic link, a read-only entry, a mount point, a directory
//!   that holds an input file or the current directory.
//!
//! Replacing goes in reversible steps, each recorded in a journal: the new files are
//! written into a staging directory inside the output directory; the earlier entries are
//! moved into a second one; the new entries are moved in (the marker last); then the
//! earlier files are deleted. A failure at any step undoes every step done so far, in
//! reverse, recreating deleted files (content, permissions, modification time) from the
//! copy read while checking that they were unchanged; the directory is then as it was and
//! nothing created for the attempt (staging directories, missing parents) remains.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use indexmap::IndexMap;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

/// The marker eks-blueprint writes into every output directory: the files it wrote, with
/// their sizes and SHA-256 digests. A directory is replaced only while it holds exactly
/// these files, unchanged.
pub const MARKER_FILE: &str = ".eks-blueprint.json";
/// Where the new files are written before they are moved in.
const STAGING_DIR: &str = ".eks-blueprint-staging";
/// Where the earlier files wait while the new ones are moved in.
const PREVIOUS_DIR: &str = ".eks-blueprint-previous";
/// The `generator` of the marker.
const GENERATOR: &str = "eks-blueprint";
/// The version of the marker's format; a marker of another format is not recognized.
const MARKER_FORMAT: u64 = 1;
/// A marker larger than this is not one eks-blueprint wrote (a few hundred bytes a file).
const MAX_MARKER_BYTES: u64 = 16 * 1024 * 1024;
/// How many entries of an unrelated directory a refusal names.
const SHOWN_ENTRIES: usize = 3;

/// Options of [`Assembly::write_to_with`](super::Assembly::write_to_with).
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    inputs: Vec<PathBuf>,
}

impl WriteOptions {
    /// No options.
    pub fn new() -> Self {
        WriteOptions::default()
    }

    /// An input file (the blueprint file): an output directory that holds it is refused,
    /// since replacing the directory would delete it. Appends. Default: none.
    pub fn input(mut self, path: impl Into<PathBuf>) -> Self {
        self.inputs.push(path.into());
        self
    }
}

/// Why an output directory is refused. Nothing was changed. Each has a stable
/// [`code`](Refusal::code); the message says why and how to proceed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The path is empty.
    EmptyPath,
    /// The path, or one of its parents, exists and is not a directory.
    NotADirectory {
        /// The path that is not a directory.
        path: PathBuf,
    },
    /// The path is a symbolic link to something that does not exist.
    DanglingLink {
        /// The link.
        link: PathBuf,
        /// Where it points.
        target: PathBuf,
    },
    /// `..` follows a directory that does not exist.
    ParentOfMissing,
    /// The directory holds an input file, which replacing it would delete.
    ContainsInput {
        /// The input file.
        input: PathBuf,
    },
    /// The current directory is inside the directory, which replacing it would delete.
    ContainsCurrentDir {
        /// The current directory.
        cwd: PathBuf,
    },
    /// The directory is not empty and has no marker.
    NotAnOutput {
        /// The first few entries, by name.
        entries: Vec<String>,
    },
    /// The directory holds a cloud assembly (`manifest.json`) but no marker: an output of
    /// an eks-blueprint version before the marker, or of another tool.
    UnmarkedAssembly,
    /// The marker is not one eks-blueprint wrote.
    BadMarker {
        /// What is wrong with it.
        reason: String,
    },
    /// An entry the marker does not list.
    Unlisted {
        /// The entry, relative to the directory (`/` after a directory).
        entry: String,
    },
    /// A listed file whose size or content changed.
    Changed {
        /// The file, relative to the directory.
        entry: String,
    },
    /// A symbolic link or a special file, which eks-blueprint never writes.
    NotAFile {
        /// The entry, relative to the directory.
        entry: String,
        /// What it is.
        kind: &'static str,
    },
    /// A read-only entry: someone protected it. Empty `entry`: the directory itself.
    ReadOnly {
        /// The entry, relative to the directory; empty for the directory itself.
        entry: String,
    },
    /// A mount point inside the directory.
    MountPoint {
        /// The entry, relative to the directory.
        entry: String,
    },
    /// A staging directory left by an interrupted run.
    Interrupted {
        /// The entry.
        entry: String,
    },
}

impl Refusal {
    /// A stable code, for tooling: `not-an-output`, `changed-file`, ...
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::EmptyPath => "empty-path",
            Refusal::NotADirectory { .. } => "not-a-directory",
            Refusal::DanglingLink { .. } => "dangling-symlink",
            Refusal::ParentOfMissing => "parent-of-missing",
            Refusal::ContainsInput { .. } => "contains-input",
            Refusal::ContainsCurrentDir { .. } => "contains-current-dir",
            Refusal::NotAnOutput { .. } => "not-an-output",
            Refusal::UnmarkedAssembly => "unmarked-output",
            Refusal::BadMarker { .. } => "bad-marker",
            Refusal::Unlisted { .. } => "unlisted-entry",
            Refusal::Changed { .. } => "changed-file",
            Refusal::NotAFile { .. } => "not-a-file",
            Refusal::ReadOnly { .. } => "read-only",
            Refusal::MountPoint { .. } => "mount-point",
            Refusal::Interrupted { .. } => "interrupted-run",
        }
    }
}

const ELSEWHERE: &str = "choose another output directory (a new or empty one)";

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::EmptyPath => write!(f, "the path is empty; name a directory, such as `out`"),
            Refusal::NotADirectory { path } => {
                write!(f, "`{}` exists and is not a directory; {ELSEWHERE}", path.display())
            }
            Refusal::DanglingLink { link, target } => write!(
                f,
                "`{}` is a symbolic link to `{}`, which does not exist; create that directory, or {ELSEWHERE}",
                link.display(),
                target.display()
            ),
            Refusal::ParentOfMissing => {
                write!(f, "`..` follows a directory that does not exist; write the path without it")
            }
            Refusal::ContainsInput { input } => write!(
                f,
                "it holds the input file `{}`, which replacing the directory would delete; move the input out of it, or {ELSEWHERE}",
                input.display()
            ),
            Refusal::ContainsCurrentDir { cwd } => write!(
                f,
                "the current directory `{}` is inside it, and replacing the output would delete it; run from another directory, or {ELSEWHERE}",
                cwd.display()
            ),
            Refusal::NotAnOutput { entries } => {
                let shown: Vec<String> = entries.iter().map(|e| format!("`{e}`")).collect();
                write!(
                    f,
                    "it is not empty ({}) and eks-blueprint did not write it (it has no `{MARKER_FILE}`); {ELSEWHERE}, or remove this one yourself",
                    shown.join(", ")
                )
            }
            Refusal::UnmarkedAssembly => write!(
                f,
                "it holds a cloud assembly (`manifest.json`) but no `{MARKER_FILE}`, so nothing shows that eks-blueprint wrote every file in it (an output of an eks-blueprint version before the marker, or of another tool such as the AWS CDK); remove it yourself and run again, or {ELSEWHERE}"
            ),
            Refusal::BadMarker { reason } => write!(
                f,
                "its `{MARKER_FILE}` is not a marker eks-blueprint wrote ({reason}); remove the directory yourself, or {ELSEWHERE}"
            ),
            Refusal::Unlisted { entry } => write!(
                f,
                "`{entry}` was not written by eks-blueprint (`{MARKER_FILE}` does not list it); move it out, or {ELSEWHERE}"
            ),
            Refusal::Changed { entry } => write!(
                f,
                "`{entry}` changed after eks-blueprint wrote it; keep your change elsewhere and delete the file (the next run writes it again), or {ELSEWHERE}"
            ),
            Refusal::NotAFile { entry, kind } => {
                write!(f, "`{entry}` is {kind}, which eks-blueprint never writes; remove it, or {ELSEWHERE}")
            }
            Refusal::ReadOnly { entry } if entry.is_empty() => write!(
                f,
                "it is read-only, so someone protected it; make it writable to let eks-blueprint replace its content, or {ELSEWHERE}"
            ),
            Refusal::ReadOnly { entry } => write!(
                f,
                "`{entry}` is read-only, so someone protected it; make it writable to let eks-blueprint replace it, or {ELSEWHERE}"
            ),
            Refusal::MountPoint { entry } => {
                write!(f, "`{entry}` is a mount point; unmount it, or {ELSEWHERE}")
            }
            Refusal::Interrupted { entry } => write!(
                f,
                "`{entry}` was left by an interrupted eks-blueprint run, so the directory may hold a partial output; remove the directory yourself and run again, or {ELSEWHERE}"
            ),
        }
    }
}

/// Writing the output directory failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The directory may not be written (the user's input is wrong); nothing was changed.
    #[error("refusing to write to `{}`: {refusal}", path.display())]
    Refused {
        /// The output directory, as given.
        path: PathBuf,
        /// Why.
        refusal: Refusal,
    },
    /// An I/O operation failed; every change made was undone.
    #[error("cannot write to `{}`: {action}: {source}; every change was undone, so the directory is as it was", path.display())]
    Io {
        /// The output directory, as given.
        path: PathBuf,
        /// What was being done.
        action: String,
        /// The cause.
        source: io::Error,
    },
    /// An I/O operation failed, and undoing the changes made failed too.
    #[error(
        "cannot write to `{}`: {action}: {source}; undoing the changes failed too ({undo_action}: {undo_source}); look in `{}` for `{STAGING_DIR}` and `{PREVIOUS_DIR}` (the earlier files)",
        path.display(),
        path.display()
    )]
    Undo {
        /// The output directory, as given.
        path: PathBuf,
        /// What was being done.
        action: String,
        /// The cause.
        source: io::Error,
        /// The first undo step that failed.
        undo_action: String,
        /// Why it failed.
        undo_source: io::Error,
    },
    /// A file name of the assembly is not a relative path of plain names, or is one
    /// eks-blueprint reserves (a bug of the caller that added the file).
    #[error("cannot write `{0}`: an output file name is a relative path of plain names (no `..`, `.` or root), and not `{MARKER_FILE}`, `{STAGING_DIR}` or `{PREVIOUS_DIR}`")]
    InvalidFileName(String),
}

impl OutputError {
    /// Whether the error is the user's choice of directory (exit 2 in the CLI), as opposed
    /// to a failure of the environment.
    pub fn is_user_error(&self) -> bool {
        matches!(self, OutputError::Refused { .. })
    }

    /// The refusal, when the directory was refused.
    pub fn refusal(&self) -> Option<&Refusal> {
        match self {
            OutputError::Refused { refusal, .. } => Some(refusal),
            _ => None,
        }
    }
}

/// The filesystem operations that change something, so that tests can make any one of
/// them fail. Reading goes to `std::fs` directly.
pub(crate) trait Fs {
    /// Creates one directory; fails when it exists.
    fn create_dir(&mut self, path: &Path) -> io::Result<()>;
    /// Creates a file that does not exist yet with the given content; on failure, no file
    /// is left.
    fn write_new(&mut self, path: &Path, contents: &[u8]) -> io::Result<()>;
    /// Renames; fails when `to` exists.
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    /// Removes a file.
    fn remove_file(&mut self, path: &Path) -> io::Result<()>;
    /// Removes an empty directory.
    fn remove_dir(&mut self, path: &Path) -> io::Result<()>;
    /// Sets permissions and, when given, the modification time.
    fn set_metadata(
        &mut self,
        path: &Path,
        permissions: &fs::Permissions,
        modified: Option<SystemTime>,
    ) -> io::Result<()>;
}

/// The real filesystem.
pub(crate) struct RealFs;

impl Fs for RealFs {
    fn create_dir(&mut self, path: &Path) -> io::Result<()> {
        fs::create_dir(path)
    }

    fn write_new(&mut self, path: &Path, contents: &[u8]) -> io::Result<()> {
        use io::Write;
        let mut file = fs::OpenOptions::new().write(true).create_new(true).open(path)?;
        let written = file.write_all(contents);
        if written.is_err() {
            // Created here, so removed here: a failed write leaves no file behind.
            drop(file);
            let _ = fs::remove_file(path);
        }
        written
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        // `rename` replaces an existing file silently; never replace one we did not write.
        if fs::symlink_metadata(to).is_ok() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("`{}` exists", to.display())));
        }
        fs::rename(from, to)
    }

    fn remove_file(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    fn remove_dir(&mut self, path: &Path) -> io::Result<()> {
        fs::remove_dir(path)
    }

    fn set_metadata(
        &mut self,
        path: &Path,
        permissions: &fs::Permissions,
        modified: Option<SystemTime>,
    ) -> io::Result<()> {
        if let Some(modified) = modified {
            fs::OpenOptions::new().write(true).open(path)?.set_modified(modified)?;
        }
        fs::set_permissions(path, permissions.clone())
    }
}

/// An entry of an earlier output, read while checking it: enough to recreate it.
#[derive(Debug)]
struct OldEntry {
    /// Relative to the output directory.
    rel: PathBuf,
    /// `None` for a directory.
    contents: Option<Vec<u8>>,
    permissions: fs::Permissions,
    modified: Option<SystemTime>,
}

/// What is at the output path.
#[derive(Debug)]
enum State {
    /// Nothing: these directories are created, parents first (the last is the output).
    Missing(Vec<PathBuf>),
    /// An empty directory.
    Empty,
    /// An earlier output, entries in pre-order (a directory before its content).
    Earlier(Vec<OldEntry>),
}

/// Writes `files` (relative path -> content) and the marker into `out`, all or nothing.
pub(crate) fn write(
    out: &Path,
    files: &IndexMap<String, String>,
    options: &WriteOptions,
    fs_ops: &mut impl Fs,
) -> Result<(), OutputError> {
    let new_files = checked_files(files)?;
    let (dir, state) = inspect(out, options)?;
    let mut journal = Journal { fs: fs_ops, done: Vec::new() };
    let old: &[OldEntry] = match &state {
        State::Earlier(entries) => entries,
        _ => &[],
    };
    match replace(&mut journal, &dir, &state, &new_files) {
        Ok(()) => Ok(()),
        Err((action, source)) => {
            let path = out.to_owned();
            match journal.undo(old) {
                Ok(()) => Err(OutputError::Io { path, action, source }),
                Err((undo_action, undo_source)) => {
                    Err(OutputError::Undo { path, action, source, undo_action, undo_source })
                }
            }
        }
    }
}

/// The files to write, as relative paths, with the marker last.
fn checked_files(files: &IndexMap<String, String>) -> Result<Vec<(PathBuf, Vec<u8>)>, OutputError> {
    let reserved = [MARKER_FILE, STAGING_DIR, PREVIOUS_DIR];
    let mut out = Vec::with_capacity(files.len() + 1);
    for (name, content) in files {
        let path = Path::new(name);
        let first = name.split('/').next().unwrap_or_default();
        if !is_plain(name) || name.contains('\\') || reserved.contains(&first) {
            return Err(OutputError::InvalidFileName(name.clone()));
        }
        out.push((path.to_owned(), content.as_bytes().to_vec()));
    }
    let marker = marker(files);
    out.push((PathBuf::from(MARKER_FILE), marker.into_bytes()));
    Ok(out)
}

/// A relative path of plain names separated by `/`: no root, `.`, `..` or empty name.
pub(crate) fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && Path::new(name).components().all(|c| matches!(c, Component::Normal(_)))
}

/// The marker's content: every file with its size and SHA-256, in the assembly's order.
fn marker(files: &IndexMap<String, String>) -> String {
    let mut listed = Map::new();
    for (name, content) in files {
        listed.insert(name.clone(), json!({"bytes": content.len(), "sha256": sha256(content.as_bytes())}));
    }
    let marker = json!({
        "generator": GENERATOR,
        "version": env!("CARGO_PKG_VERSION"),
        "format": MARKER_FORMAT,
        "about": "The files eks-blueprint wrote into this directory. It replaces the directory only while \
                  the directory holds these files, unchanged, and nothing else.",
        "files": listed,
    });
    // A map of strings and numbers always serializes.
    serde_json::to_string_pretty(&marker).unwrap_or_default() + "\n"
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Finds the real directory behind `out` and decides whether it may be written.
fn inspect(out: &Path, options: &WriteOptions) -> Result<(PathBuf, State), OutputError> {
    let refused = |refusal| OutputError::Refused { path: out.to_owned(), refusal };
    let failed = |action: String, source| OutputError::Io { path: out.to_owned(), action, source };
    if out.as_os_str().is_empty() {
        return Err(refused(Refusal::EmptyPath));
    }

    // The nearest part of the path that exists, and the names below it that do not.
    let mut existing = out;
    let mut missing_names = Vec::new();
    loop {
        match fs::symlink_metadata(or_dot(existing)) {
            Ok(_) => break,
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                match (existing.components().next_back(), existing.parent()) {
                    (Some(last), Some(parent)) => {
                        missing_names.push(last);
                        existing = parent;
                    }
                    _ => return Err(failed(format!("reading `{}`", existing.display()), e)),
                }
            }
            Err(e) => return Err(failed(format!("reading `{}`", existing.display()), e)),
        }
    }
    let existing = or_dot(existing);
    let real = match fs::canonicalize(existing) {
        Ok(real) => real,
        Err(e) if matches!(e.kind(), io::ErrorKind::NotFound) => {
            let target =
                fs::read_link(existing).map_err(|_| failed(format!("resolving `{}`", existing.display()), e))?;
            return Err(refused(Refusal::DanglingLink { link: existing.to_owned(), target }));
        }
        Err(e) if matches!(e.kind(), io::ErrorKind::NotADirectory) => {
            return Err(refused(Refusal::NotADirectory { path: existing.to_owned() }));
        }
        Err(e) => return Err(failed(format!("resolving `{}`", existing.display()), e)),
    };
    let meta = fs::metadata(&real).map_err(|e| failed(format!("reading `{}`", real.display()), e))?;
    if !meta.is_dir() {
        return Err(refused(Refusal::NotADirectory { path: existing.to_owned() }));
    }

    if !missing_names.is_empty() {
        let mut dir = real;
        let mut create = Vec::new();
        for name in missing_names.iter().rev() {
            match name {
                Component::Normal(name) => {
                    dir.push(name);
                    create.push(dir.clone());
                }
                Component::CurDir => {}
                _ => return Err(refused(Refusal::ParentOfMissing)),
            }
        }
        return Ok((dir, State::Missing(create)));
    }

    let dir = real;
    for input in &options.inputs {
        if let Ok(input) = fs::canonicalize(input) {
            if input.starts_with(&dir) {
                return Err(refused(Refusal::ContainsInput { input }));
            }
        }
    }
    if meta.permissions().readonly() {
        return Err(refused(Refusal::ReadOnly { entry: String::new() }));
    }
    let entries = earlier_output(&dir, &meta).map_err(|e| match e {
        Inspect::Refused(refusal) => refused(refusal),
        Inspect::Io(action, source) => failed(action, source),
    })?;
    if entries.is_empty() {
        return Ok((dir, State::Empty));
    }
    if let Ok(cwd) = std::env::current_dir().and_then(fs::canonicalize) {
        if cwd.starts_with(&dir) && cwd != dir {
            return Err(refused(Refusal::ContainsCurrentDir { cwd }));
        }
    }
    Ok((dir, State::Earlier(entries)))
}

/// `.` for the empty path (the parent of a relative name).
fn or_dot(path: &Path) -> &Path {
    if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    }
}

enum Inspect {
    Refused(Refusal),
    Io(String, io::Error),
}

impl From<Refusal> for Inspect {
    fn from(refusal: Refusal) -> Self {
        Inspect::Refused(refusal)
    }
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<std::ffi::OsString>, Inspect> {
    let failed = |e| Inspect::Io(format!("reading `{}`", dir.display()), e);
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(failed)? {
        names.push(entry.map_err(failed)?.file_name());
    }
    names.sort();
    Ok(names)
}

/// The entries of an earlier output in `dir`, read in full; empty for an empty directory;
/// a refusal for anything that is not exactly an earlier output.
fn earlier_output(dir: &Path, meta: &fs::Metadata) -> Result<Vec<OldEntry>, Inspect> {
    let top = read_dir_sorted(dir)?;
    if top.is_empty() {
        return Ok(Vec::new());
    }
    for name in &top {
        if name == STAGING_DIR || name == PREVIOUS_DIR {
            return Err(Refusal::Interrupted { entry: name.to_string_lossy().into_owned() }.into());
        }
    }
    let marker_path = dir.join(MARKER_FILE);
    match fs::symlink_metadata(&marker_path) {
        Ok(m) if m.is_file() => {}
        Ok(m) => return Err(Refusal::NotAFile { entry: MARKER_FILE.into(), kind: kind_of(&m.file_type()) }.into()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if is_cloud_assembly(&dir.join("manifest.json")) {
                return Err(Refusal::UnmarkedAssembly.into());
            }
            let entries = top.iter().take(SHOWN_ENTRIES).map(|n| n.to_string_lossy().into_owned()).collect();
            return Err(Refusal::NotAnOutput { entries }.into());
        }
        Err(e) => return Err(Inspect::Io(format!("reading `{}`", marker_path.display()), e)),
    }
    let listed = read_marker(&marker_path)?;
    let mut walk = Walk { root: dir, listed: &listed, device: device(meta), entries: Vec::new() };
    walk.dir(Path::new(""), top)?;
    Ok(walk.entries)
}

/// Whether `path` is a JSON file with an `artifacts` map: a cloud-assembly manifest.
fn is_cloud_assembly(path: &Path) -> bool {
    if fs::metadata(path).map_or(true, |m| m.len() > MAX_MARKER_BYTES) {
        return false;
    }
    let Ok(text) = fs::read_to_string(path) else { return false };
    serde_json::from_str::<Value>(&text).is_ok_and(|v| v.get("artifacts").is_some_and(Value::is_object))
}

/// The files a marker lists, for reading an earlier output (`diff`); the error is why it
/// is not a marker eks-blueprint wrote, or why it could not be read.
pub(crate) fn marker_files(path: &Path) -> Result<Vec<String>, String> {
    match read_marker(path) {
        Ok(listed) => Ok(listed.into_keys().collect()),
        Err(Inspect::Refused(Refusal::BadMarker { reason })) => Err(reason),
        Err(Inspect::Refused(refusal)) => Err(refusal.to_string()),
        Err(Inspect::Io(action, e)) => Err(format!("{action}: {e}")),
    }
}

/// The marker's files: relative path -> (size, SHA-256 in hex).
fn read_marker(path: &Path) -> Result<IndexMap<String, (u64, String)>, Inspect> {
    let bad = |reason: &str| Inspect::Refused(Refusal::BadMarker { reason: reason.to_owned() });
    let size = fs::metadata(path).map_err(|e| Inspect::Io(format!("reading `{}`", path.display()), e))?.len();
    if size > MAX_MARKER_BYTES {
        return Err(bad("it is larger than any marker eks-blueprint writes"));
    }
    let text = fs::read(path).map_err(|e| Inspect::Io(format!("reading `{}`", path.display()), e))?;
    let value: Value = serde_json::from_slice(&text).map_err(|_| bad("it is not JSON"))?;
    if value.get("generator").and_then(Value::as_str) != Some(GENERATOR) {
        return Err(bad("its `generator` is not `eks-blueprint`"));
    }
    if value.get("format").and_then(Value::as_u64) != Some(MARKER_FORMAT) {
        return Err(bad("its `format` is not 1"));
    }
    let Some(files) = value.get("files").and_then(Value::as_object) else {
        return Err(bad("it has no `files` map"));
    };
    let mut listed = IndexMap::new();
    for (name, file) in files {
        let plain = is_plain(name);
        let bytes = file.get("bytes").and_then(Value::as_u64);
        let digest = file.get("sha256").and_then(Value::as_str);
        match (plain, bytes, digest) {
            (true, Some(bytes), Some(digest)) => {
                listed.insert(name.clone(), (bytes, digest.to_owned()));
            }
            _ => return Err(bad(&format!("its entry for `{name}` is not a relative path with `bytes` and `sha256`"))),
        }
    }
    Ok(listed)
}

#[cfg(unix)]
fn device(meta: &fs::Metadata) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    Some(meta.dev())
}

#[cfg(not(unix))]
fn device(_meta: &fs::Metadata) -> Option<u64> {
    None
}

fn kind_of(file_type: &fs::FileType) -> &'static str {
    if file_type.is_symlink() {
        "a symbolic link"
    } else if file_type.is_dir() {
        "a directory"
    } else {
        "a special file (a device, socket or FIFO)"
    }
}

struct Walk<'a> {
    root: &'a Path,
    listed: &'a IndexMap<String, (u64, String)>,
    device: Option<u64>,
    entries: Vec<OldEntry>,
}

impl Walk<'_> {
    fn dir(&mut self, rel: &Path, names: Vec<std::ffi::OsString>) -> Result<(), Inspect> {
        for name in names {
            let rel = rel.join(&name);
            let path = self.root.join(&rel);
            // Shown and looked up with `/`, as the marker lists them.
            let key = rel.to_string_lossy().replace(std::path::MAIN_SEPARATOR, "/");
            let meta =
                fs::symlink_metadata(&path).map_err(|e| Inspect::Io(format!("reading `{}`", path.display()), e))?;
            let file_type = meta.file_type();
            if file_type.is_symlink() || !(file_type.is_dir() || file_type.is_file()) {
                return Err(Refusal::NotAFile { entry: key, kind: kind_of(&file_type) }.into());
            }
            if self.device.is_some() && device(&meta) != self.device {
                return Err(Refusal::MountPoint { entry: key }.into());
            }
            if meta.permissions().readonly() {
                return Err(Refusal::ReadOnly { entry: key }.into());
            }
            let modified = meta.modified().ok();
            let permissions = meta.permissions();
            if file_type.is_dir() {
                let prefix = format!("{key}/");
                if !self.listed.keys().any(|k| k.starts_with(&prefix)) {
                    return Err(Refusal::Unlisted { entry: prefix }.into());
                }
                self.entries.push(OldEntry { rel: rel.clone(), contents: None, permissions, modified });
                let names = read_dir_sorted(&path)?;
                self.dir(&rel, names)?;
                continue;
            }
            let is_marker = key == MARKER_FILE;
            let expected = self.listed.get(&key);
            if !is_marker && (expected.is_none() || name.to_str().is_none()) {
                return Err(Refusal::Unlisted { entry: key }.into());
            }
            if let Some((bytes, _)) = expected {
                if meta.len() != *bytes {
                    return Err(Refusal::Changed { entry: key }.into());
                }
            }
            let contents = fs::read(&path).map_err(|e| Inspect::Io(format!("reading `{}`", path.display()), e))?;
            if let Some((_, digest)) = expected {
                if !sha256(&contents).eq_ignore_ascii_case(digest) {
                    return Err(Refusal::Changed { entry: key }.into());
                }
            }
            self.entries.push(OldEntry { rel, contents: Some(contents), permissions, modified });
        }
        Ok(())
    }
}

/// One step done, and how to undo it.
#[derive(Debug)]
enum Done {
    /// Undo: remove the (empty) directory.
    CreatedDir(PathBuf),
    /// Undo: remove the file.
    WroteFile(PathBuf),
    /// Undo: rename back.
    Renamed { from: PathBuf, to: PathBuf },
    /// An empty directory created earlier in this run, removed. Undo: create it.
    RemovedDir(PathBuf),
    /// An entry of the earlier output deleted. Undo: recreate it from the copy.
    Deleted { path: PathBuf, entry: usize },
}

type StepError = (String, io::Error);

struct Journal<'a, F: Fs> {
    fs: &'a mut F,
    done: Vec<Done>,
}

impl<F: Fs> Journal<'_, F> {
    fn create_dir(&mut self, path: &Path) -> Result<(), StepError> {
        self.fs.create_dir(path).map_err(|e| (format!("creating `{}`", path.display()), e))?;
        self.done.push(Done::CreatedDir(path.to_owned()));
        Ok(())
    }

    fn write_new(&mut self, path: &Path, contents: &[u8]) -> Result<(), StepError> {
        self.fs.write_new(path, contents).map_err(|e| (format!("writing `{}`", path.display()), e))?;
        self.done.push(Done::WroteFile(path.to_owned()));
        Ok(())
    }

    fn rename(&mut self, from: &Path, to: &Path) -> Result<(), StepError> {
        self.fs.rename(from, to).map_err(|e| (format!("moving `{}` to `{}`", from.display(), to.display()), e))?;
        self.done.push(Done::Renamed { from: from.to_owned(), to: to.to_owned() });
        Ok(())
    }

    fn remove_created_dir(&mut self, path: &Path) -> Result<(), StepError> {
        self.fs.remove_dir(path).map_err(|e| (format!("removing `{}`", path.display()), e))?;
        self.done.push(Done::RemovedDir(path.to_owned()));
        Ok(())
    }

    fn delete_old(&mut self, path: &Path, entry: usize, is_dir: bool) -> Result<(), StepError> {
        let result = if is_dir { self.fs.remove_dir(path) } else { self.fs.remove_file(path) };
        result.map_err(|e| (format!("deleting `{}`", path.display()), e))?;
        self.done.push(Done::Deleted { path: path.to_owned(), entry });
        Ok(())
    }

    /// Undoes every step, last first. Keeps going after a failure (to leave as little as
    /// possible behind) and returns the first one.
    fn undo(&mut self, old: &[OldEntry]) -> Result<(), StepError> {
        let mut first_failure = None;
        while let Some(step) = self.done.pop() {
            let result = match &step {
                Done::CreatedDir(path) => {
                    self.fs.remove_dir(path).map_err(|e| (format!("removing `{}`", path.display()), e))
                }
                Done::WroteFile(path) => {
                    self.fs.remove_file(path).map_err(|e| (format!("removing `{}`", path.display()), e))
                }
                Done::Renamed { from, to } => self
                    .fs
                    .rename(to, from)
                    .map_err(|e| (format!("moving `{}` back to `{}`", to.display(), from.display()), e)),
                Done::RemovedDir(path) => {
                    self.fs.create_dir(path).map_err(|e| (format!("recreating `{}`", path.display()), e))
                }
                Done::Deleted { path, entry } => self.recreate(path, old.get(*entry)),
            };
            if let Err(e) = result {
                first_failure.get_or_insert(e);
            }
        }
        first_failure.map_or(Ok(()), Err)
    }

    fn recreate(&mut self, path: &Path, entry: Option<&OldEntry>) -> Result<(), StepError> {
        let Some(entry) = entry else {
            return Err((format!("recreating `{}`", path.display()), io::Error::other("no copy of it")));
        };
        let action = || format!("recreating `{}`", path.display());
        match &entry.contents {
            None => {
                self.fs.create_dir(path).map_err(|e| (action(), e))?;
                self.fs.set_metadata(path, &entry.permissions, None).map_err(|e| (action(), e))
            }
            Some(contents) => {
                self.fs.write_new(path, contents).map_err(|e| (action(), e))?;
                self.fs.set_metadata(path, &entry.permissions, entry.modified).map_err(|e| (action(), e))
            }
        }
    }
}

/// The steps of a write; the journal records each one done.
fn replace<F: Fs>(
    journal: &mut Journal<'_, F>,
    dir: &Path,
    state: &State,
    new_files: &[(PathBuf, Vec<u8>)],
) -> Result<(), StepError> {
    if let State::Missing(create) = state {
        for path in create {
            journal.create_dir(path)?;
        }
    }

    // 1. The new files, in a staging directory inside the output directory (so every
    //    later rename stays within one filesystem, whatever is mounted where).
    let staging = dir.join(STAGING_DIR);
    journal.create_dir(&staging)?;
    let mut made = BTreeSet::new();
    let mut top_new: Vec<&std::ffi::OsStr> = Vec::new();
    for (rel, contents) in new_files {
        let mut components = rel.components();
        if let Some(Component::Normal(first)) = components.next() {
            if !top_new.contains(&first) {
                top_new.push(first);
            }
        }
        let mut parent = staging.clone();
        if let Some(rel_parent) = rel.parent() {
            for c in rel_parent.components() {
                parent.push(c);
                if made.insert(parent.clone()) {
                    journal.create_dir(&parent)?;
                }
            }
        }
        journal.write_new(&staging.join(rel), contents)?;
    }

    // 2. The earlier entries, aside.
    let old = match state {
        State::Earlier(entries) => entries.as_slice(),
        _ => &[],
    };
    let previous = dir.join(PREVIOUS_DIR);
    if !old.is_empty() {
        journal.create_dir(&previous)?;
        for entry in old.iter().filter(|e| e.rel.components().count() == 1) {
            journal.rename(&dir.join(&entry.rel), &previous.join(&entry.rel))?;
        }
    }

    // 3. The new entries, in (the marker is the last file, so it comes last).
    for name in top_new {
        journal.rename(&staging.join(name), &dir.join(name))?;
    }
    journal.remove_created_dir(&staging)?;

    // 4. The earlier files, deleted: content before its directory.
    if !old.is_empty() {
        for (i, entry) in old.iter().enumerate().rev() {
            journal.delete_old(&previous.join(&entry.rel), i, entry.contents.is_none())?;
        }
        journal.remove_created_dir(&previous)?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests;
