//! Errors: invalid input (refuses synthesis), and failures of synthesis or I/O.

use std::borrow::Cow;
use std::fmt;

use crate::compile::codes::Code;
use crate::source::Position;
use crate::synth::{OutputError, SynthError};

/// The most characters of a value from the input that an error message quotes; the rest is
/// counted, not shown (`first 200 characters… (999800 more characters)`). Longer than any
/// value validation accepts and any fixed text our messages put between backticks (a
/// command line of 114 characters), so only what is absurd is cut.
pub const MAX_QUOTED_CHARS: usize = 200;

/// The most characters of one error message, whatever it quotes.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// The most characters of a field path an error shows (a path holds keys from the input).
pub const MAX_PATH_CHARS: usize = 200;

/// `s` cut to `max` characters, with how many were left out. Idempotent: a value already
/// cut is left as it is.
fn cap_to(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((end, _)) if is_capped(&s[end..]) => Cow::Borrowed(s),
        Some((end, _)) => {
            let more = s[end..].chars().count();
            let unit = if more == 1 { "character" } else { "characters" };
            Cow::Owned(format!("{}… ({more} more {unit})", &s[..end]))
        }
    }
}

/// Whether `tail` is the mark [`cap_to`] appends: `… (N more characters)`.
fn is_capped(tail: &str) -> bool {
    tail.strip_prefix("… (")
        .and_then(|t| t.strip_suffix(" more characters)").or_else(|| t.strip_suffix(" more character)")))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// A field path as an error shows it: at most [`MAX_PATH_CHARS`] characters.
pub fn cap_path(path: &str) -> Cow<'_, str> {
    cap_to(path, MAX_PATH_CHARS)
}

/// A value from the input as an error message shows it: at most [`MAX_QUOTED_CHARS`]
/// characters, then how many more there are.
pub fn cap(value: &str) -> Cow<'_, str> {
    cap_to(value, MAX_QUOTED_CHARS)
}

/// A value from the input quoted for an error message: `` `value` ``, capped by [`cap`].
pub fn quote(value: &str) -> String {
    format!("`{}`", cap(value))
}

/// An error message with every quoted value (between backticks) capped by [`cap`], and the
/// whole message capped at [`MAX_MESSAGE_CHARS`]: one place caps what every error echoes,
/// so a 1 MB name never fills a terminal.
pub fn cap_message(message: &str) -> Cow<'_, str> {
    let quoted_too_long = message.split('`').skip(1).step_by(2).any(|q| q.chars().nth(MAX_QUOTED_CHARS).is_some());
    let message: Cow<'_, str> = if quoted_too_long {
        let parts: Vec<&str> = message.split('`').collect();
        let last = parts.len() - 1;
        let mut out = String::new();
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                out.push('`');
            }
            // Odd parts are inside backticks (an unmatched last one is not a quote).
            if i % 2 == 1 && !(i == last && parts.len() % 2 == 0) {
                out.push_str(&cap(part));
            } else {
                out.push_str(part);
            }
        }
        Cow::Owned(out)
    } else {
        Cow::Borrowed(message)
    };
    match cap_to(&message, MAX_MESSAGE_CHARS) {
        Cow::Borrowed(_) => message,
        Cow::Owned(capped) => Cow::Owned(capped),
    }
}

/// One problem with the input: the field path, a stable code, and what is wrong.
///
/// Displayed as `compute.managedNodeGroups[1].desiredSize: desired size 5 can't be
/// greater than max size 3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field path, as in the blueprint file (`network.cidr`).
    pub path: String,
    /// A stable code (`invalid-cidr`, `size-order`, ...), for tooling: one of
    /// [`crate::compile::codes::ALL`].
    pub code: &'static str,
    /// The reason, quoting the value and saying what would be accepted.
    pub message: String,
    /// Where in the file, when the error knows better than its path does (the second of
    /// two equal keys, say); otherwise the path is located with [`crate::source::SourceMap`].
    pub position: Option<Position>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", cap_to(&self.path, MAX_PATH_CHARS), cap_message(&self.message))
    }
}

/// Every problem found in one input: validation collects them all before returning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// Records a problem under a registered code ([`crate::compile::codes`]); values quoted in
    /// the message are capped ([`cap_message`]).
    pub fn push(&mut self, path: impl Into<String>, code: Code, message: impl Into<String>) {
        let code = code.as_str();
        let message = message.into();
        let message = match cap_message(&message) {
            Cow::Borrowed(_) => message,
            Cow::Owned(capped) => capped,
        };
        self.0.push(ValidationError { path: path.into(), code, message, position: None });
    }

    /// Records a problem at a known position of the file ([`ValidationErrors::push`]).
    pub fn push_at(&mut self, path: impl Into<String>, code: Code, position: Position, message: impl Into<String>) {
        self.push(path, code, message);
        if let Some(last) = self.0.last_mut() {
            last.position = Some(position);
        }
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in the order found (also `for e in &errors`, and `errors.into_iter()`
    /// for owned ones).
    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }

    /// How many problems were found.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// `Ok(())` when empty, otherwise the errors.
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

impl std::error::Error for ValidationError {}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl IntoIterator for ValidationErrors {
    type Item = ValidationError;
    type IntoIter = std::vec::IntoIter<ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Any error of the library.
///
/// [`Error::is_user_error`] tells the input's fault (exit code 2 in the CLI) from the rest.
/// Invalid input lists every problem found:
///
/// ```
/// use eks_blueprint::{Blueprint, Error};
///
/// let err = Blueprint::from_yaml("name: demo\nnetwork:\n  cidr: 10.0.0.0/33\n").unwrap_err();
/// assert!(err.is_user_error());
/// let Error::Invalid(errors) = err else { panic!("expected validation errors") };
/// // Every problem, not only the first: a bad CIDR, and no one given access to the cluster.
/// let found: Vec<(&str, &str)> = errors.iter().map(|e| (e.path.as_str(), e.code)).collect();
/// assert!(found.contains(&("network.cidr", "invalid-cidr")), "{found:?}");
/// assert!(found.contains(&("cluster.access", "no-access")), "{found:?}");
/// for e in &errors {
///     println!("{e}"); // network.cidr: ...
/// }
/// ```
///
/// An I/O error converts with `?` ([`Error::Io`] with no context), so a function returning
/// `Result<_, eks_blueprint::Error>` can read files itself:
///
/// ```
/// fn load(path: &std::path::Path) -> Result<eks_blueprint::Blueprint, eks_blueprint::Error> {
///     let text = std::fs::read_to_string(path)?;
///     eks_blueprint::Blueprint::from_yaml(&text)
/// }
/// assert!(load(std::path::Path::new("/nonexistent/blueprint.yaml")).is_err());
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The blueprint file could not be read as a blueprint: too large, not UTF-8, a syntax
    /// error, several documents, an unknown field, a wrong type.
    ///
    /// Displayed as `file:line:column: path: message` (the parts known).
    #[error("{}", display_parse(file, *position, path, message))]
    Parse {
        /// The file (or `<input>`).
        file: String,
        /// A stable code: `too-large`, `not-utf8`, `ambiguous-line-break`, `empty`, `syntax`,
        /// `multiple-documents`, `not-a-mapping`, `too-deep`, `alias-limit`, `complex-key`,
        /// `unknown-field`, `missing-field`, `invalid-type`, `invalid-value`.
        code: &'static str,
        /// Where in the file, when known.
        position: Option<Position>,
        /// The field path, or empty when the error is not in a field.
        path: String,
        /// What is wrong (without the position); values it quotes are capped.
        message: String,
    },
    /// The blueprint is well-formed but invalid.
    #[error("invalid blueprint:\n{0}")]
    Invalid(ValidationErrors),
    /// Synthesis failed (a bug in rendering or a CloudFormation quota).
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// Writing the output directory failed or was refused.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// An output given to `diff` is not one, or could not be read.
    #[error(transparent)]
    Diff(#[from] crate::synth::diff::DiffError),
    /// `init` refused to write its starter blueprint.
    #[error(transparent)]
    Init(#[from] crate::templates::InitError),
    /// Reading or writing files failed. `context` says what was being done; it is empty for
    /// an error converted from [`std::io::Error`] by `?`, and the message is then the cause
    /// alone.
    #[error("{}{source}", if context.is_empty() { String::new() } else { format!("{context}: ") })]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl From<std::io::Error> for Error {
    fn from(source: std::io::Error) -> Self {
        Error::Io { context: String::new(), source }
    }
}

fn display_parse(file: &str, position: Option<Position>, path: &str, message: &str) -> String {
    let mut out = file.to_owned();
    if let Some(p) = position {
        out.push_str(&format!(":{p}"));
    }
    if !path.is_empty() {
        out.push_str(&format!(": {}", cap_to(path, MAX_PATH_CHARS)));
    }
    out.push_str(&format!(": {}", cap_message(message)));
    out
}

impl Error {
    /// A [`Error::Parse`]; the message's quoted values are capped.
    pub fn parse(
        file: &str,
        code: &'static str,
        position: Option<Position>,
        path: &str,
        message: impl Into<String>,
    ) -> Error {
        let message = message.into();
        let message = cap_message(&message).into_owned();
        Error::Parse { file: file.to_owned(), code, position, path: path.to_owned(), message }
    }

    /// Whether the error is the user's input (bad file, invalid blueprint), as opposed to
    /// an environment or internal failure. The CLI exits with 2 for these.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Parse { .. } | Error::Invalid(_) | Error::Synth(SynthError::Quota { .. }) | Error::Init(_)
        ) || matches!(self, Error::Output(e) if e.is_user_error())
            || matches!(self, Error::Diff(e) if e.is_user_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::codes;

    #[test]
    fn long_quoted_values_are_capped() {
        let name = "a".repeat(1_000_000);
        let mut errors = ValidationErrors::default();
        errors.push("name", codes::INVALID_NAME, format!("`{name}` is not a valid name"));
        let expected = format!("`{}… (999800 more characters)` is not a valid name", "a".repeat(200));
        assert_eq!(errors.0[0].message, expected);
        // Capping again (Display) leaves it as it is.
        assert_eq!(errors.to_string(), format!("name: {expected}"));
        assert_eq!(cap_message(&expected), expected);
        assert_eq!(quote("short"), "`short`");
        assert_eq!(cap(&"é".repeat(201)), format!("{}… (1 more character)", "é".repeat(200)));
        // A message with an unmatched backtick or a long unquoted value is capped whole.
        let long = format!("x `{}", "b".repeat(5000));
        assert_eq!(cap_message(&long).chars().count(), MAX_MESSAGE_CHARS + "… (4003 more characters)".chars().count());
        // Short messages are untouched.
        assert!(matches!(cap_message("`a` and `b`"), Cow::Borrowed("`a` and `b`")));
    }

    #[test]
    fn parse_errors_show_file_line_column_path_and_message() {
        let e = Error::parse(
            "b.yaml",
            "unknown-field",
            Some(Position::new(4, 3)),
            "cluster.acess",
            "unknown field `acess`",
        );
        assert_eq!(e.to_string(), "b.yaml:4:3: cluster.acess: unknown field `acess`");
        let e = Error::parse("b.yaml", "too-large", None, "", "too large");
        assert_eq!(e.to_string(), "b.yaml: too large");
    }
}
