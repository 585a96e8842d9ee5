//! Reading a blueprint file carefully: from bytes to text, whole-file checks, and a source
//! map from every field path to its line and column.
//!
//! [`Source::read`] and [`Source::from_text`] do, in order, before any value is built:
//!
//! 1. refuse a file larger than [`MAX_FILE_BYTES`] (1 MiB: a blueprint is a few kilobytes),
//!    without reading more than that;
//! 2. accept a UTF-8 byte order mark, refuse UTF-16 and UTF-32 (by their marks) and any
//!    text that is not UTF-8, naming the line and column of the first bad byte;
//! 3. read the structure with an event parser that records positions (YAML: saphyr-parser;
//!    JSON: a scanner over text serde_json has already accepted), and refuse a syntax
//!    error, an empty file, a second YAML document, a top level that is not a mapping,
//!    nesting deeper than [`MAX_DEPTH`], aliases that would expand to more than
//!    [`MAX_ALIAS_NODES`] nodes (a "billion laughs"), and every key given twice in one
//!    mapping, each with both positions.
//!
//! Only then do serde_yaml or serde_json build the blueprint
//! ([`crate::Blueprint::from_source`]), so what they build is bounded by the file's size.
//!
//! The [`SourceMap`] maps each field path, spelled as in validation errors
//! (`compute.managedNodeGroups[0].labels.team`), to the position of its key and value, so
//! that any error naming a path can name its line and column too.

use std::fmt;
use std::io::Read;
use std::path::Path;

use indexmap::IndexMap;
use saphyr_parser::{Event, Parser, ScalarStyle};

use crate::error::{Error, ValidationErrors};

/// The largest blueprint file read, in bytes: 1 MiB. A blueprint of a hundred node groups
/// is under 50 KiB; the cap keeps memory and time bounded whatever the file holds.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;

/// The deepest nesting of mappings and sequences accepted. The deepest field of a blueprint
/// (a condition of an IAM policy statement of a workload identity) is 7 levels down.
pub const MAX_DEPTH: usize = 32;

/// The most nodes YAML aliases may add to a file when expanded. Anchors and aliases are
/// accepted (to share a block between node groups, say); a file whose aliases would
/// expand beyond this is refused before anything is built from it.
pub const MAX_ALIAS_NODES: usize = 10_000;

/// A position in a file: line and column, both from 1; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters (not bytes).
    pub column: usize,
}

impl Position {
    /// Line `line`, column `column` (both from 1).
    pub fn new(line: usize, column: usize) -> Position {
        Position { line, column }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where a field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The position of its key, for a field of a mapping.
    pub key: Option<Position>,
    /// The position of its value.
    pub value: Position,
}

/// Field path -> where it is written, for every node of the file (first occurrence wins).
///
/// Paths are spelled as in validation errors: keys joined by `.`, sequence items as `[i]`,
/// the top-level mapping as the empty path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceMap {
    entries: IndexMap<String, Location>,
}

impl SourceMap {
    /// Where `path` is written, if it is in the file.
    pub fn get(&self, path: &str) -> Option<&Location> {
        self.entries.get(path)
    }

    /// The best position for an error about `path`: its key (or, for a sequence item, its
    /// value), else the nearest enclosing field that is in the file (a missing field's
    /// mapping, say).
    pub fn locate(&self, path: &str) -> Option<Position> {
        let mut path = path;
        loop {
            if let Some(location) = self.entries.get(path) {
                return Some(location.key.unwrap_or(location.value));
            }
            if path.is_empty() {
                return None;
            }
            path = match path.rfind(['.', '[']) {
                Some(i) => &path[..i],
                None => "",
            };
        }
    }

    /// Every field path and where it is written, in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Location)> {
        self.entries.iter().map(|(path, location)| (path.as_str(), location))
    }

    /// How many nodes are mapped.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn record(&mut self, path: String, location: Location) {
        self.entries.entry(path).or_insert(location);
    }
}

/// The syntax of a blueprint file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// YAML (YAML 1.2, the default).
    Yaml,
    /// JSON (a `.json` file).
    Json,
}

impl SourceFormat {
    /// The format of a file by its extension: JSON for `.json`, YAML otherwise.
    pub fn of(path: &Path) -> SourceFormat {
        if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
            SourceFormat::Json
        } else {
            SourceFormat::Yaml
        }
    }
}

/// A blueprint file that passed the whole-file checks: its name, text (without a byte order
/// mark) and source map.
#[derive(Debug, Clone)]
pub struct Source {
    name: String,
    text: String,
    format: SourceFormat,
    map: SourceMap,
}

impl Source {
    /// Reads and checks the file at `path` (YAML, or JSON for a `.json` file).
    ///
    /// An error reading the file is [`Error::Io`]; anything wrong with its content is
    /// [`Error::Parse`] or [`Error::Invalid`] (duplicate keys).
    pub fn read(path: impl AsRef<Path>) -> Result<Source, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let io = |source| Error::Io { context: format!("cannot read {name}"), source };
        let file = std::fs::File::open(path).map_err(io)?;
        // The length from metadata can lie (a pipe, /proc): read one byte past the cap.
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes).map_err(io)?;
        Source::from_bytes(&name, &bytes, SourceFormat::of(path))
    }

    /// Checks `bytes` read from the file `name`.
    pub fn from_bytes(name: &str, bytes: &[u8], format: SourceFormat) -> Result<Source, Error> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(parse(
                name,
                "too-large",
                None,
                format!(
                    "the file is larger than {} bytes (1 MiB), the most a blueprint file may be; a blueprint is a few kilobytes: check that this is the right file",
                    MAX_FILE_BYTES
                ),
            ));
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let utf16_or_32 = [&b"\xFF\xFE"[..], b"\xFE\xFF", b"\x00\x00\xFE\xFF"].iter().any(|bom| bytes.starts_with(bom));
        if utf16_or_32 {
            return Err(parse(
                name,
                "not-utf8",
                Some(Position::new(1, 1)),
                "the file is UTF-16 or UTF-32 (it starts with that byte order mark); save it as UTF-8".to_owned(),
            ));
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                let valid = &bytes[..e.valid_up_to()];
                // The valid prefix is UTF-8 by definition.
                let prefix = String::from_utf8_lossy(valid);
                let position = end_position(&prefix);
                let bad = bytes.get(e.valid_up_to()).copied().unwrap_or_default();
                return Err(parse(
                    name,
                    "not-utf8",
                    Some(position),
                    format!("byte 0x{bad:02X} is not UTF-8 text; a blueprint file is UTF-8 (save it as UTF-8)"),
                ));
            }
        };
        Source::from_text(name, text, format)
    }

    /// Checks `text` of the file `name` (a leading byte order mark is dropped).
    pub fn from_text(name: &str, text: &str, format: SourceFormat) -> Result<Source, Error> {
        if text.len() > MAX_FILE_BYTES {
            return Source::from_bytes(name, text.as_bytes(), format);
        }
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        let map = match format {
            SourceFormat::Yaml => scan_yaml(name, text)?,
            SourceFormat::Json => scan_json(name, text)?,
        };
        Ok(Source { name: name.to_owned(), text: text.to_owned(), format, map })
    }

    /// The file name (or `<input>`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text, without a byte order mark.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// YAML or JSON.
    pub fn format(&self) -> SourceFormat {
        self.format
    }

    /// Every field path and where it is written.
    pub fn map(&self) -> &SourceMap {
        &self.map
    }

    /// Line `n` (from 1) of the text, without its line break.
    pub fn line(&self, n: usize) -> Option<&str> {
        self.text.lines().nth(n.checked_sub(1)?)
    }

    /// The position of byte `index` of the text, if it is on a character boundary.
    pub fn position_of_byte(&self, index: usize) -> Option<Position> {
        self.text.get(..index).map(end_position)
    }

    /// The position of the `column`th byte (from 1) of line `line`, as serde_json counts.
    pub(crate) fn position_of_line_byte(&self, line: usize, byte_column: usize) -> Position {
        line_byte_position(&self.text, line, byte_column)
    }
}

/// The position of the `column`th byte (from 1) of line `line` of `text`.
fn line_byte_position(text: &str, line: usize, byte_column: usize) -> Position {
    let chars = text
        .lines()
        .nth(line.saturating_sub(1))
        .map(|text| {
            let end = byte_column.saturating_sub(1).min(text.len());
            text.char_indices().take_while(|(i, _)| *i < end).count()
        })
        .unwrap_or(byte_column.saturating_sub(1));
    Position::new(line.max(1), chars + 1)
}

/// The position just after `text`.
fn end_position(text: &str) -> Position {
    let line = text.matches('\n').count() + 1;
    let last = text.rfind('\n').map_or(text, |i| &text[i + 1..]);
    Position::new(line, last.chars().count() + 1)
}

/// Refuses U+0085 (NEXT LINE), U+2028 (LINE SEPARATOR) and U+2029 (PARAGRAPH SEPARATOR)
/// written as such in a YAML file. YAML 1.1 readers (libyaml, on which serde_yaml is built,
/// PyYAML, Helm's yaml.v2) take them for line breaks, YAML 1.2 readers (saphyr) for ordinary
/// characters, so the file means different things to different tools: serde_yaml folds a
/// U+0085 inside a quoted string into a space (`"a<NEL>b"` reads `a b`), a quoted key
/// holding U+2028 is read as a value, and a comment ends early (found by the mutation test,
/// issue 11). The escapes `\N`,
/// `\L`, `\P` (or `\u2028`) in a double-quoted string say the same thing to every reader
/// and are accepted here; validation then decides whether the field may hold the character.
fn check_yaml_line_breaks(file: &str, text: &str) -> Result<(), Error> {
    let Some((index, c)) = text.char_indices().find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}')) else {
        return Ok(());
    };
    let (name, escape) = match c {
        '\u{85}' => ("U+0085 (NEXT LINE)", "\\N"),
        '\u{2028}' => ("U+2028 (LINE SEPARATOR)", "\\L"),
        _ => ("U+2029 (PARAGRAPH SEPARATOR)", "\\P"),
    };
    Err(parse(
        file,
        "ambiguous-line-break",
        Some(end_position(&text[..index])),
        format!(
            "{name} is a line break to YAML 1.1 readers and a plain character to YAML 1.2 readers, so tools would read this file differently; remove it, or write it as the escape {escape} inside a double-quoted string"
        ),
    ))
}

fn parse(file: &str, code: &'static str, position: Option<Position>, message: String) -> Error {
    Error::parse(file, code, position, "", message)
}

// ------------------------------------------------------------------ the structure pass

/// A mapping or sequence being read.
struct Frame {
    path: String,
    kind: Kind,
    anchor: usize,
    /// Nodes inside, aliases expanded.
    nodes: usize,
}

enum Kind {
    Map { keys: IndexMap<String, Position>, pending: Option<(String, Position)> },
    Seq { next: usize },
}

/// What an anchor stands for.
struct Anchor {
    /// Its nodes, aliases expanded; `None` while it is still open (an alias inside its own
    /// anchor would be infinite).
    nodes: Option<usize>,
    /// Its text, when it is a scalar (an alias can be a key).
    scalar: Option<String>,
}

/// The structure pass over one document, shared by YAML and JSON: paths, positions,
/// duplicate keys, depth and alias expansion.
struct Structure<'a> {
    file: &'a str,
    map: SourceMap,
    frames: Vec<Frame>,
    anchors: IndexMap<usize, Anchor>,
    alias_nodes: usize,
    duplicates: ValidationErrors,
    root: bool,
}

fn child_key(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

impl<'a> Structure<'a> {
    fn new(file: &'a str) -> Self {
        Structure {
            file,
            map: SourceMap::default(),
            frames: Vec::new(),
            anchors: IndexMap::new(),
            alias_nodes: 0,
            duplicates: ValidationErrors::default(),
            root: false,
        }
    }

    fn error(&self, code: &'static str, position: Position, message: String) -> Error {
        parse(self.file, code, Some(position), message)
    }

    /// Whether the next node is a mapping key.
    fn expects_key(&self) -> bool {
        matches!(self.frames.last(), Some(Frame { kind: Kind::Map { pending: None, .. }, .. }))
    }

    /// A mapping key.
    fn key(&mut self, key: String, position: Position) {
        let Some(Frame { kind: Kind::Map { keys, pending }, path, .. }) = self.frames.last_mut() else { return };
        if let Some(first) = keys.get(&key) {
            self.duplicates.push_at(
                child_key(path, &key),
                crate::compile::codes::DUPLICATE_KEY,
                position,
                format!("duplicate key `{key}`, first at {first}, again at {position}; keep one"),
            );
        } else {
            keys.insert(key.clone(), position);
        }
        *pending = Some((key, position));
    }

    /// Records a value node starting at `position`; its path.
    fn value(&mut self, position: Position, what: &str) -> Result<String, Error> {
        let Some(frame) = self.frames.last_mut() else {
            self.root = true;
            return match what {
                "mapping" => {
                    self.map.record(String::new(), Location { key: None, value: position });
                    Ok(String::new())
                }
                "empty" => Err(self.error("empty", position, EMPTY.to_owned())),
                _ => Err(self.error(
                    "not-a-mapping",
                    position,
                    format!("the blueprint is {what}; it must be a mapping of fields, like `name: demo`"),
                )),
            };
        };
        let (path, key) = match &mut frame.kind {
            Kind::Map { pending, .. } => {
                let (key, key_position) = pending.take().unwrap_or_else(|| (String::new(), position));
                (child_key(&frame.path, &key), Some(key_position))
            }
            Kind::Seq { next } => {
                *next += 1;
                (format!("{}[{}]", frame.path, *next - 1), None)
            }
        };
        self.map.record(path.clone(), Location { key, value: position });
        Ok(path)
    }

    fn add_nodes(&mut self, nodes: usize) {
        if let Some(frame) = self.frames.last_mut() {
            frame.nodes = frame.nodes.saturating_add(nodes);
        }
    }

    /// A scalar at `position` (`text` kept when anchored or a key).
    fn scalar(&mut self, text: &str, empty: bool, anchor: usize, position: Position) -> Result<(), Error> {
        if anchor != 0 {
            self.anchors.insert(anchor, Anchor { nodes: Some(1), scalar: Some(text.to_owned()) });
        }
        if self.expects_key() {
            self.key(text.to_owned(), position);
        } else {
            let what = if empty { "empty" } else { "a single value" };
            self.value(position, what)?;
        }
        self.add_nodes(1);
        Ok(())
    }

    /// The start of a mapping (`map`) or sequence at `position`.
    fn start(&mut self, map: bool, anchor: usize, position: Position) -> Result<(), Error> {
        if self.expects_key() {
            return Err(self.error(
                "complex-key",
                position,
                "a key is a mapping or a list; keys of a blueprint are plain strings".to_owned(),
            ));
        }
        let path = self.value(position, if map { "mapping" } else { "a list" })?;
        if self.frames.len() >= MAX_DEPTH {
            return Err(Error::parse(
                self.file,
                "too-deep",
                Some(position),
                &path,
                format!("nested more than {MAX_DEPTH} levels deep; no blueprint field is that deep"),
            ));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, Anchor { nodes: None, scalar: None });
        }
        let kind = if map { Kind::Map { keys: IndexMap::new(), pending: None } } else { Kind::Seq { next: 0 } };
        self.frames.push(Frame { path, kind, anchor, nodes: 0 });
        Ok(())
    }

    /// The end of the innermost mapping or sequence.
    fn end(&mut self) {
        if let Some(frame) = self.frames.pop() {
            let nodes = frame.nodes.saturating_add(1);
            if let Some(anchor) = self.anchors.get_mut(&frame.anchor).filter(|_| frame.anchor != 0) {
                anchor.nodes = Some(nodes);
            }
            self.add_nodes(nodes);
        }
    }

    /// An alias of anchor `id` at `position`.
    fn alias(&mut self, id: usize, position: Position) -> Result<(), Error> {
        let (nodes, scalar) = match self.anchors.get(&id) {
            Some(Anchor { nodes: Some(n), scalar }) => (*n, scalar.clone()),
            _ => {
                return Err(self.error(
                    "alias-limit",
                    position,
                    "this alias refers to the node that contains it, which would never end".to_owned(),
                ))
            }
        };
        self.alias_nodes = self.alias_nodes.saturating_add(nodes);
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(self.error(
                "alias-limit",
                position,
                format!(
                    "aliases would expand the file by more than {MAX_ALIAS_NODES} values; write the values out or use fewer aliases"
                ),
            ));
        }
        if self.expects_key() {
            match scalar {
                Some(key) => self.key(key, position),
                None => {
                    return Err(self.error(
                        "complex-key",
                        position,
                        "a key is a mapping or a list; keys of a blueprint are plain strings".to_owned(),
                    ))
                }
            }
        } else {
            self.value(position, "a single value")?;
        }
        self.add_nodes(nodes);
        Ok(())
    }

    fn finish(self, end: Position) -> Result<SourceMap, Error> {
        if !self.root {
            return Err(parse(self.file, "empty", Some(end), EMPTY.to_owned()));
        }
        if self.duplicates.is_empty() {
            Ok(self.map)
        } else {
            Err(Error::Invalid(self.duplicates))
        }
    }
}

const EMPTY: &str = "the file has no blueprint in it; a blueprint needs at least `name: <cluster name>`";

fn marker_position(marker: &saphyr_parser::Marker) -> Position {
    Position::new(marker.line().max(1), marker.col() + 1)
}

/// The structure pass over YAML text.
fn scan_yaml(file: &str, text: &str) -> Result<SourceMap, Error> {
    check_yaml_line_breaks(file, text)?;
    let mut structure = Structure::new(file);
    let mut documents = 0;
    let mut end = Position::new(1, 1);
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            Err(e) => {
                let position = Some(marker_position(e.marker()));
                let message = format!("invalid YAML: {}", e.info());
                // No field path: the parser stopped inside the token it could not read, and
                // which field that belongs to is a guess; the position is exact.
                return Err(parse(file, "syntax", position, message));
            }
        };
        let position = marker_position(&span.start);
        end = position;
        match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(structure.error(
                        "multiple-documents",
                        position,
                        "a second YAML document starts here; a blueprint file holds one document (remove the `---` line and what follows, or split the file)"
                            .to_owned(),
                    ));
                }
            }
            Event::Scalar(value, style, anchor, _tag) => {
                let empty = style == ScalarStyle::Plain && matches!(&*value, "" | "~" | "null" | "Null" | "NULL");
                structure.scalar(&value, empty, anchor, position)?;
            }
            Event::SequenceStart(anchor, _tag) => structure.start(false, anchor, position)?,
            Event::MappingStart(anchor, _tag) => structure.start(true, anchor, position)?,
            Event::SequenceEnd | Event::MappingEnd => structure.end(),
            Event::Alias(id) => structure.alias(id, position)?,
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    structure.finish(end)
}

/// The structure pass over JSON text: serde_json checks the syntax first (its errors are the
/// clearest), then a scanner reads the structure with positions.
fn scan_json(file: &str, text: &str) -> Result<SourceMap, Error> {
    if text.trim().is_empty() {
        return Err(parse(file, "empty", Some(end_position(text)), EMPTY.to_owned()));
    }
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let position = line_byte_position(text, e.line(), e.column());
        let message = e.to_string();
        let message = message.strip_suffix(&format!(" at line {} column {}", e.line(), e.column())).unwrap_or(&message);
        return Err(parse(file, "syntax", Some(position), format!("invalid JSON: {message}")));
    }
    let mut scanner = JsonScanner { text: text.as_bytes(), at: 0, line: 1, column: 1 };
    let mut structure = Structure::new(file);
    loop {
        scanner.skip_whitespace();
        let position = scanner.position();
        let Some(byte) = scanner.peek() else { break };
        match byte {
            b'{' | b'[' => {
                scanner.bump();
                structure.start(byte == b'{', 0, position)?;
            }
            b'}' | b']' => {
                scanner.bump();
                structure.end();
            }
            b',' | b':' => scanner.bump(),
            b'"' => {
                let key = structure.expects_key();
                let text = scanner.string(key);
                if key {
                    structure.key(text, position);
                } else {
                    structure.scalar(&text, false, 0, position)?;
                }
            }
            _ => {
                let empty = scanner.literal() == "null";
                structure.scalar("", empty, 0, position)?;
            }
        }
    }
    let end = scanner.position();
    structure.finish(end)
}

/// A byte scanner over JSON text serde_json has accepted, counting lines and columns (in
/// characters: UTF-8 continuation bytes do not count).
struct JsonScanner<'t> {
    text: &'t [u8],
    at: usize,
    line: usize,
    column: usize,
}

impl JsonScanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn position(&self) -> Position {
        Position::new(self.line, self.column)
    }

    fn bump(&mut self) {
        if let Some(byte) = self.peek() {
            self.at += 1;
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
            } else if byte & 0xC0 != 0x80 {
                self.column += 1;
            }
        }
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }

    /// A number, `true`, `false` or `null`.
    fn literal(&mut self) -> &str {
        let start = self.at;
        while matches!(self.peek(), Some(b) if !matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
        std::str::from_utf8(&self.text[start..self.at]).unwrap_or_default()
    }

    /// A string, from its opening quote past its closing one; decoded when `decode`.
    fn string(&mut self, decode: bool) -> String {
        self.bump();
        let mut out = Vec::new();
        while let Some(byte) = self.peek() {
            self.bump();
            match byte {
                b'"' => break,
                b'\\' => {
                    let Some(escape) = self.peek() else { break };
                    self.bump();
                    if !decode {
                        continue;
                    }
                    let c = match escape {
                        b'b' => '\u{8}',
                        b'f' => '\u{C}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape(),
                        other => char::from(other),
                    };
                    let mut buf = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                other if decode => out.push(other),
                _ => {}
            }
        }
        String::from_utf8(out).unwrap_or_default()
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.text.get(self.at..self.at + 4)?;
        let value = u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()?;
        for _ in 0..4 {
            self.bump();
        }
        Some(value)
    }

    /// After `\u`: the character, joining a surrogate pair.
    fn unicode_escape(&mut self) -> char {
        let Some(high) = self.hex4() else { return char::REPLACEMENT_CHARACTER };
        if (0xD800..0xDC00).contains(&high) && self.text.get(self.at..self.at + 2) == Some(b"\\u") {
            self.bump();
            self.bump();
            if let Some(low) = self.hex4() {
                let c = 0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                return char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
            }
        }
        char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    fn yaml(text: &str) -> Result<Source, Error> {
        Source::from_text("b.yaml", text, SourceFormat::Yaml)
    }

    fn json(text: &str) -> Result<Source, Error> {
        Source::from_text("b.json", text, SourceFormat::Json)
    }

    fn parse_error(result: Result<Source, Error>) -> (&'static str, Option<Position>, String) {
        match result {
            Err(Error::Parse { code, position, message, .. }) => (code, position, message),
            other => panic!("expected a parse error, got {other:?}"),
        }
    }

    fn invalid(result: Result<Source, Error>) -> Vec<(String, &'static str, String)> {
        match result {
            Err(Error::Invalid(errors)) => errors.iter().map(|e| (e.path.clone(), e.code, e.message.clone())).collect(),
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn the_source_map_names_every_path_like_validation_errors() {
        let source =
            yaml("name: demo\ntags:\n  team: a\ncompute:\n  managedNodeGroups:\n    - name: x\n      labels: {kubernetes.io/role: y}\n")
                .unwrap();
        let map = source.map();
        assert_eq!(map.get("name"), Some(&Location { key: Some(Position::new(1, 1)), value: Position::new(1, 7) }));
        assert_eq!(map.locate("tags.team"), Some(Position::new(3, 3)));
        assert_eq!(map.get("compute.managedNodeGroups[0]").map(|l| l.value), Some(Position::new(6, 7)));
        assert_eq!(map.locate("compute.managedNodeGroups[0].labels.kubernetes.io/role"), Some(Position::new(7, 16)));
        // A missing field is located at its mapping.
        assert_eq!(map.locate("compute.managedNodeGroups[0].minSize"), Some(Position::new(6, 7)));
        assert_eq!(map.locate("network.cidr"), Some(Position::new(1, 1)));

        let source = json("{\n  \"name\": \"d\u{e9}mo\", \"tags\": {\"t\u{e9}am\": \"a\"}\n}").unwrap();
        assert_eq!(source.map().locate("tags.t\u{e9}am"), Some(Position::new(2, 28)));
    }

    #[test]
    fn duplicate_keys_are_refused_with_both_positions() {
        assert_eq!(
            invalid(yaml("name: demo\ntags:\n  team: a\n  other: b\n  \"team\": c\nname: again\n")),
            [
                (
                    "tags.team".to_owned(),
                    "duplicate-key",
                    "duplicate key `team`, first at 3:3, again at 5:3; keep one".to_owned()
                ),
                (
                    "name".to_owned(),
                    "duplicate-key",
                    "duplicate key `name`, first at 1:1, again at 6:1; keep one".to_owned()
                ),
            ]
        );
        assert_eq!(
            invalid(json("{\"name\": \"demo\",\n \"tags\": {\"team\": \"a\", \"t\\u0065am\": \"b\"}}")),
            [(
                "tags.team".to_owned(),
                "duplicate-key",
                "duplicate key `team`, first at 2:11, again at 2:24; keep one".to_owned()
            )]
        );
        // Escapes and multi-byte characters before a key do not shift its position.
        assert_eq!(
            invalid(json("{\"name\": \"x\\\"y\\\\\u{e9}\", \"tags\": {\"k\": \"}\", \"k\": \"w\"}}")),
            [(
                "tags.k".to_owned(),
                "duplicate-key",
                "duplicate key `k`, first at 1:30, again at 1:40; keep one".to_owned()
            )]
        );
    }

    #[test]
    fn whole_file_problems_have_a_code_and_a_position() {
        assert_eq!(parse_error(yaml("")).0, "empty");
        assert_eq!(parse_error(yaml("# only a comment\n")).0, "empty");
        assert_eq!(parse_error(yaml("---\n")).0, "empty");
        assert_eq!(parse_error(json(" \n")).0, "empty");
        let (code, position, _) = parse_error(yaml("name: a\n---\nname: b\n"));
        assert_eq!((code, position), ("multiple-documents", Some(Position::new(2, 1))));
        let (code, position, _) = parse_error(yaml("- name: a\n"));
        assert_eq!((code, position), ("not-a-mapping", Some(Position::new(1, 1))));
        let (code, position, message) = parse_error(yaml("name: a\nnetwork:\n  cidr: [\n"));
        assert_eq!(code, "syntax", "{message}");
        assert!(position.is_some_and(|p| p.line >= 3), "{position:?}");
        let (code, position, message) = parse_error(json("{\"name\": \"a\",\n \"x\": }"));
        assert_eq!((code, position), ("syntax", Some(Position::new(2, 7))), "{message}");
        assert_eq!(message, "invalid JSON: expected value");
    }

    #[test]
    fn bytes_that_are_not_utf8_are_located() {
        let (code, position, message) =
            parse_error(Source::from_bytes("b.yaml", b"name: d\xC3\xA9mo\ntags: {a: \xFF}\n", SourceFormat::Yaml));
        assert_eq!((code, position), ("not-utf8", Some(Position::new(2, 11))));
        assert_eq!(message, "byte 0xFF is not UTF-8 text; a blueprint file is UTF-8 (save it as UTF-8)");
        let (code, _, _) = parse_error(Source::from_bytes("b.yaml", b"\xFF\xFEn\x00", SourceFormat::Yaml));
        assert_eq!(code, "not-utf8");
    }

    #[test]
    fn a_byte_order_mark_is_accepted() {
        let source = Source::from_bytes("b.yaml", b"\xEF\xBB\xBFname: demo\n", SourceFormat::Yaml).unwrap();
        assert_eq!(source.text(), "name: demo\n");
        assert_eq!(source.map().locate("name"), Some(Position::new(1, 1)));
        let source = Source::from_bytes("b.json", b"\xEF\xBB\xBF{\"name\": \"demo\"}", SourceFormat::Json).unwrap();
        assert_eq!(source.text(), "{\"name\": \"demo\"}");
    }

    #[test]
    fn a_file_over_the_cap_is_refused_before_parsing() {
        let big = vec![b'#'; MAX_FILE_BYTES + 1];
        let (code, position, _) = parse_error(Source::from_bytes("b.yaml", &big, SourceFormat::Yaml));
        assert_eq!((code, position), ("too-large", None));
        let at_cap = format!("name: demo\n{}", "#".repeat(MAX_FILE_BYTES - 11));
        assert!(yaml(&at_cap).is_ok());
    }

    #[test]
    fn nesting_and_aliases_are_bounded() {
        let deep = format!("name: demo\nx: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let (code, position, _) = parse_error(yaml(&deep));
        assert_eq!((code, position), ("too-deep", Some(Position::new(2, MAX_DEPTH + 3))));
        let fine = format!("name: demo\nx: {}{}\n", "[".repeat(MAX_DEPTH - 1), "]".repeat(MAX_DEPTH - 1));
        assert!(yaml(&fine).is_ok());
        let deep_json = format!("{{\"a\": {}{}}}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(parse_error(json(&deep_json)).0, "too-deep");

        // A billion laughs: each level ten aliases of the one before.
        let mut bomb = String::from("name: demo\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            bomb.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let (code, position, _) = parse_error(yaml(&bomb));
        assert_eq!(code, "alias-limit");
        assert_eq!(position.map(|p| p.line), Some(5));
        // Modest sharing is fine.
        assert!(yaml("name: demo\nbase: &b {minSize: 1}\nx: *b\ny: *b\n").is_ok());
        assert_eq!(parse_error(yaml("name: demo\nx: &a [*a]\n")).0, "alias-limit");
    }
}
