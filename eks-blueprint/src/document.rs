//! A blueprint file as the command line reads it: [`load`] reads, checks, selects an
//! environment and compiles, and keeps the file's text and source map in a [`Document`]
//! so that every error and finding, from the first syntax error to a quota found at
//! synthesis, becomes a [`Diagnostic`] with its `file:line:column` and line.

use std::io::Read;
use std::path::Path;

use crate::blueprint::{Blueprint, Finding};
use crate::compile::Context;
use crate::diagnostic::{Diagnostic, Level};
use crate::error::Error;
use crate::source::{Position, Source, SourceFormat, MAX_FILE_BYTES};
use crate::spec::BlueprintSpec;

/// A blueprint file read: its name, its text (when it could be read) and, when it passed
/// the whole-file checks, its source map; with the environment selected, where that
/// environment's overrides are written.
#[derive(Debug, Clone)]
pub struct Document {
    name: String,
    text: Option<String>,
    source: Option<Source>,
    /// `environments.<name>.overrides`: a merged field is located in the overrides first.
    overlay: Option<String>,
}

/// Reads the blueprint file at `path`, selects `environment` (see
/// [`BlueprintSpec::select_environment`]) and compiles it. The [`Document`] comes back
/// whatever happened, to turn the error (or, later, the findings and a synthesis error)
/// into located [`Diagnostic`]s.
pub fn load(path: impl AsRef<Path>, environment: Option<&str>) -> (Document, Result<Blueprint, Error>) {
    load_with(path, environment, &Context::default())
}

/// [`load`] with a [`Context`]: the deployed version and the day of synthesis
/// ([`crate::compile::compile_with`]).
pub fn load_with(
    path: impl AsRef<Path>,
    environment: Option<&str>,
    ctx: &Context,
) -> (Document, Result<Blueprint, Error>) {
    let path = path.as_ref();
    let name = path.display().to_string();
    let mut document = Document { name: name.clone(), text: None, source: None, overlay: None };
    let bytes = match read_capped(path) {
        Ok(bytes) => bytes,
        Err(source) => return (document, Err(Error::Io { context: format!("cannot read {name}"), source })),
    };
    if bytes.len() <= MAX_FILE_BYTES {
        document.text = Some(String::from_utf8_lossy(&bytes).into_owned());
    }
    let source = match Source::from_bytes(&name, &bytes, SourceFormat::of(path)) {
        Ok(source) => source,
        Err(e) => return (document, Err(e)),
    };
    let result = document.compile(source, environment, ctx);
    (document, result)
}

/// At most one byte more than [`MAX_FILE_BYTES`] (the length from metadata can lie).
fn read_capped(path: &Path) -> std::io::Result<Vec<u8>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

impl Document {
    /// A document of a checked [`Source`] (text given to the library, not a file).
    pub fn of_source(source: Source) -> Document {
        Document {
            name: source.name().to_owned(),
            text: Some(source.text().to_owned()),
            source: Some(source),
            overlay: None,
        }
    }

    /// Compiles `source` with `environment` selected; keeps the source for locating.
    fn compile(&mut self, source: Source, environment: Option<&str>, ctx: &Context) -> Result<Blueprint, Error> {
        let result = BlueprintSpec::from_source_for(&source, environment);
        if let Some(env) = environment {
            self.overlay = Some(crate::spec::environments::overrides_path(env));
        }
        self.text = Some(source.text().to_owned());
        self.source = Some(source);
        result?.compile_with(ctx)
    }

    /// The file name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The checked source, when the file passed the whole-file checks.
    pub fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    /// Where an error about `path` is best shown: the field in the selected environment's
    /// overrides, else in the base, else the nearest enclosing field that is written.
    pub fn locate(&self, path: &str) -> Option<Position> {
        let map = self.source.as_ref()?.map();
        let mut path = path;
        loop {
            if let Some(overlay) = self.overlay.as_deref().filter(|_| !path.is_empty()) {
                if let Some(location) = map.get(&format!("{overlay}.{path}")) {
                    return Some(location.key.unwrap_or(location.value));
                }
            }
            if let Some(location) = map.get(path) {
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

    /// Line `n` (from 1) of the text.
    fn line(&self, n: usize) -> Option<String> {
        self.text.as_deref()?.lines().nth(n.checked_sub(1)?).map(str::to_owned)
    }

    /// A diagnostic of this file at `position`.
    fn located(&self, mut diagnostic: Diagnostic, position: Option<Position>) -> Diagnostic {
        diagnostic.file = Some(self.name.clone());
        diagnostic.position = position;
        diagnostic.line_text = position.and_then(|p| self.line(p.line));
        diagnostic
    }

    /// Every diagnostic of `error`: one per validation error, each located in the file;
    /// one for anything else.
    pub fn diagnostics(&self, error: &Error) -> Vec<Diagnostic> {
        match error {
            Error::Parse { file, code, position, path, message } => {
                let d = Diagnostic::new(Level::Error, *code, path.clone(), message.clone());
                if *file == self.name {
                    vec![self.located(d, *position)]
                } else {
                    vec![Diagnostic { file: Some(file.clone()), position: *position, ..d }]
                }
            }
            Error::Invalid(errors) => errors
                .iter()
                .map(|e| {
                    let d = Diagnostic::new(Level::Error, e.code, e.path.clone(), e.message.clone());
                    self.located(d, e.position.or_else(|| self.locate(&e.path)))
                })
                .collect(),
            other => vec![Diagnostic::new(Level::Error, failure_code(other), "", other.to_string())],
        }
    }

    /// The diagnostic of a finding, located in the file.
    pub fn finding(&self, finding: &Finding) -> Diagnostic {
        let d = Diagnostic::new(Level::Warning, finding.rule_id, finding.path.clone(), finding.message.clone());
        self.located(d, self.locate(&finding.path))
    }
}

/// The code of an error that is not about one field.
fn failure_code(error: &Error) -> &'static str {
    match error {
        Error::Parse { code, .. } => code,
        Error::Invalid(_) => "invalid",
        Error::Synth(_) => "synth",
        Error::Output(_) => "output",
        Error::Diff(_) => "diff",
        Error::Io { .. } => "io",
        Error::Init(_) => "init",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(text: &str) -> (Document, Result<Blueprint, Error>) {
        let source = Source::from_text("b.yaml", text, SourceFormat::Yaml).expect("checked");
        let mut document = Document::of_source(source.clone());
        let result = document.compile(source, None, &Context::default());
        (document, result)
    }

    #[test]
    fn semantic_errors_point_at_their_field() {
        let (doc, result) = document(
            "name: demo\ncluster:\n  access: {bootstrapClusterCreatorAdminPermissions: true}\nnetwork:\n  cidr: 10.0.0.0/8\n",
        );
        let error = result.expect_err("invalid");
        let d = doc.diagnostics(&error);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].code.as_str(), d[0].path.as_str()), ("vpc-size", "network.cidr"));
        assert_eq!(d[0].position, Some(Position::new(5, 3)));
        assert_eq!(d[0].line_text.as_deref(), Some("  cidr: 10.0.0.0/8"));
    }

    #[test]
    fn a_missing_field_points_at_the_nearest_enclosing_one() {
        let (doc, _) = document("name: demo\nnetwork:\n  cidr: 10.0.0.0/16\n");
        assert_eq!(doc.locate("network.subnets.private"), Some(Position::new(2, 1)));
        assert_eq!(doc.locate("nothing.here"), Some(Position::new(1, 1)), "the top-level mapping");
    }
}
