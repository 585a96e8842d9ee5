//! Diagnostics: every error and finding about a blueprint file as one record (severity,
//! code, field path, message, file, line, column), and two ways to show it: text like rustc
//! and ruff (`file:line:column`, the offending line and a caret), and one JSON object per
//! record for editors and CI.
//!
//! A [`Document`](crate::document::Document) makes them: it knows the file's text and where
//! each field path is written, so semantic errors (`compute.managedNodeGroups[0].minSize`)
//! point at their line as syntax errors do.
//!
//! ```text
//! error[size-order]: compute.managedNodeGroups[0].minSize: min size 5 can't be greater than max size 3
//!  --> blueprint.yaml:9:9
//!   |
//! 9 |         minSize: 5
//!   |         ^^^^^^^
//! ```

use std::fmt::Write as _;

use serde_json::{json, Value};

use crate::source::Position;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// The input is refused: nothing is synthesized.
    Error,
    /// A best-practice finding: synthesis goes on.
    Warning,
}

impl Level {
    /// `error` or `warning`, as printed and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

/// One error or finding, located in its file when it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Level,
    /// A stable code: a validation code (`invalid-cidr`, [`crate::compile::codes`]), a file
    /// code (`syntax`, `unknown-field`, see [`crate::Error::Parse`]), a finding's rule id
    /// (`EKSB-COMPUTE-001`), or for failures that are not the input's: `io`, `output`,
    /// `diff`, `synth`.
    pub code: String,
    /// The field path (`network.cidr`), empty when the problem is not in one field.
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
    /// The file, when the problem is in one.
    pub file: Option<String>,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// The text of the line at `position`, when known.
    pub line_text: Option<String>,
}

/// How [`Diagnostic::render`] writes text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours (red errors, yellow warnings, blue gutter), as rustc.
    pub color: bool,
}

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const YELLOW: &str = "\x1b[1;33m";
const BLUE: &str = "\x1b[1;34m";

impl Diagnostic {
    /// A diagnostic that is not in a file.
    pub fn new(severity: Level, code: impl Into<String>, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.into(),
            path: path.into(),
            message: message.into(),
            file: None,
            position: None,
            line_text: None,
        }
    }

    /// The JSON form, one object: `severity`, `code`, `path`, `message`, `file`, `line`,
    /// `column` (`null` when unknown; line and column from 1, the column in characters).
    pub fn to_json(&self) -> Value {
        json!({
            "severity": self.severity.as_str(),
            "code": self.code,
            "path": self.path,
            "message": self.message,
            "file": self.file,
            "line": self.position.map(|p| p.line),
            "column": self.position.map(|p| p.column),
        })
    }

    /// The text form, ending with a line break:
    ///
    /// ```text
    /// error[code]: path: message
    ///  --> file:line:column
    ///   |
    /// 3 |   cidr: 10.0.0.0/8
    ///   |   ^^^^
    /// ```
    ///
    /// Without a position only the first two lines; without a file only the first.
    pub fn render(&self, options: RenderOptions) -> String {
        let paint = |style: &str, text: &str| {
            if options.color {
                format!("{style}{text}{RESET}")
            } else {
                text.to_owned()
            }
        };
        let level = match self.severity {
            Level::Error => RED,
            Level::Warning => YELLOW,
        };
        let mut out = paint(level, &format!("{}[{}]", self.severity.as_str(), self.code));
        let headline = if self.path.is_empty() {
            format!(": {}", self.message)
        } else {
            format!(": {}: {}", crate::error::cap_path(&self.path), self.message)
        };
        out.push_str(&paint(BOLD, &headline));
        out.push('\n');
        let Some(file) = &self.file else { return out };
        let Some(position) = self.position else {
            let _ = writeln!(out, "{} {file}", paint(BLUE, "-->"));
            return out;
        };
        let number = position.line.to_string();
        let pad = " ".repeat(number.len());
        let _ = writeln!(out, "{pad}{} {file}:{position}", paint(BLUE, "-->"));
        if let Some(line) = &self.line_text {
            let (line, column) = window(line, position.column);
            let bar = paint(BLUE, "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(out, "{} {bar} {line}", paint(BLUE, &number));
            let (indent, width) = caret(&line, column);
            let _ = writeln!(out, "{pad} {bar} {indent}{}", paint(level, &"^".repeat(width)));
        }
        out
    }
}

/// The most characters of a line shown: a longer line is cut around the column, with `…`
/// where text is left out, so that a 1 MB line never fills a terminal.
pub const MAX_LINE_CHARS: usize = 160;

/// `line` cut to [`MAX_LINE_CHARS`] around `column`, and the column in what is shown.
fn window(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= MAX_LINE_CHARS {
        return (line.to_owned(), column);
    }
    let start = column.saturating_sub(1 + MAX_LINE_CHARS / 4).min(chars.len() - MAX_LINE_CHARS);
    let end = start + MAX_LINE_CHARS;
    let mut shown = String::new();
    let mut column = column - start;
    if start > 0 {
        shown.push('…');
        column += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column)
}

/// The text before the caret (tabs kept, so that it lines up) and the caret's width: the
/// token at `column` (a quoted string to its closing quote, else up to `:`, `,`, a bracket
/// or a space), at least 1.
fn caret(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let indent: String = chars[..start].iter().map(|c| if *c == '\t' { '\t' } else { ' ' }).collect();
    let rest = &chars[start..];
    let width = match rest.first() {
        Some(q @ ('"' | '\'')) => rest.iter().skip(1).position(|c| c == q).map_or(rest.len(), |end| end + 2),
        Some(_) => rest
            .iter()
            .position(|c| matches!(c, ':' | ',' | '{' | '}' | '[' | ']' | '#') || c.is_whitespace())
            .unwrap_or(rest.len()),
        None => 1,
    };
    (indent, width.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn located(line: &str, column: usize) -> Diagnostic {
        Diagnostic {
            file: Some("b.yaml".into()),
            position: Some(Position::new(12, column)),
            line_text: Some(line.into()),
            ..Diagnostic::new(Level::Error, "invalid-cidr", "network.cidr", "`x` is not a CIDR block")
        }
    }

    #[test]
    fn text_shows_the_line_and_a_caret_under_the_token() {
        let d = located("  cidr: 10.0.0.0/8 # comment", 3);
        assert_eq!(
            d.render(RenderOptions::default()),
            "error[invalid-cidr]: network.cidr: `x` is not a CIDR block\n  --> b.yaml:12:3\n   |\n12 |   cidr: 10.0.0.0/8 # comment\n   |   ^^^^\n"
        );
        // A value: up to the space; a quoted value: to its closing quote.
        assert!(located("  cidr: 10.0.0.0/8 # c", 9)
            .render(RenderOptions::default())
            .ends_with("|         ^^^^^^^^^^\n"));
        assert!(located("  \"cidr\": \"a b\",", 11).render(RenderOptions::default()).ends_with("|           ^^^^^\n"));
        // Tabs are kept before the caret; a column past the end gets one caret.
        assert_eq!(caret("\tx: 1", 2), ("\t".to_owned(), 1));
        assert_eq!(caret("ab", 9), ("  ".to_owned(), 1));
    }

    #[test]
    fn long_lines_are_cut_around_the_column() {
        let line = format!("name: {}", "a".repeat(1_000_000));
        let (shown, column) = window(&line, 7);
        assert_eq!((shown.chars().count(), column), (MAX_LINE_CHARS + 1, 7));
        assert!(shown.ends_with('…') && shown.starts_with("name: a"));
        let (shown, column) = window(&line, 500_000);
        assert_eq!(shown.chars().count(), MAX_LINE_CHARS + 2);
        assert_eq!(column, MAX_LINE_CHARS / 4 + 2);
        assert_eq!(window("short", 3), ("short".to_owned(), 3));
        let d = located(&line, 500_000);
        assert!(d.render(RenderOptions::default()).len() < 1000);
    }

    #[test]
    fn without_a_position_or_a_file_the_text_is_shorter() {
        let mut d = located("", 1);
        d.position = None;
        assert_eq!(
            d.render(RenderOptions::default()),
            "error[invalid-cidr]: network.cidr: `x` is not a CIDR block\n--> b.yaml\n"
        );
        let d = Diagnostic::new(Level::Warning, "EKSB-X-001", "", "m");
        assert_eq!(d.render(RenderOptions::default()), "warning[EKSB-X-001]: m\n");
        assert_eq!(d.render(RenderOptions { color: true }), "\x1b[1;33mwarning[EKSB-X-001]\x1b[0m\x1b[1m: m\x1b[0m\n");
    }

    #[test]
    fn json_has_every_field_null_when_unknown() {
        assert_eq!(
            located("  cidr: x", 3).to_json(),
            json!({"severity": "error", "code": "invalid-cidr", "path": "network.cidr",
                   "message": "`x` is not a CIDR block", "file": "b.yaml", "line": 12, "column": 3})
        );
        assert_eq!(
            Diagnostic::new(Level::Error, "io", "", "m").to_json(),
            json!({"severity": "error", "code": "io", "path": "", "message": "m", "file": null, "line": null, "column": null})
        );
    }
}
