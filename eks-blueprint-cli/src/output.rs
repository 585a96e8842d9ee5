//! How commands print: errors and findings as located diagnostics (text like rustc, or JSON
//! lines), `--quiet`, and colour (`--color`, `NO_COLOR`, only on a terminal).

use std::io::{IsTerminal, Write};

use clap::{Args, ValueEnum};
use eks_blueprint::{Blueprint, Diagnostic, Document, Error, Level, RenderOptions};

use crate::diff::{use_color, ColorChoice};
use crate::Status;

/// The printing options shared by the commands that read a blueprint.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// How errors and findings are printed: `human` (file:line:column, the line and a caret,
    /// on stderr) or `json` (one JSON object per line on stdout: severity, code, path,
    /// message, file, line, column; see docs/cli.md).
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,
    /// Print only errors: no findings, notes or summary.
    #[arg(short, long)]
    pub quiet: bool,
    /// When to colour: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// How errors and findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// For people: `error[code]: path: message`, `--> file:line:column`, the line, a caret.
    Human,
    /// For editors and CI: one JSON object per error or finding, one per line, on stdout.
    Json,
}

/// Prints diagnostics and results as the options say.
#[derive(Debug, Clone, Copy)]
pub struct Printer {
    format: MessageFormat,
    quiet: bool,
    color: bool,
}

impl Printer {
    /// A printer for `args`; colour is decided for stderr, where diagnostics go.
    pub fn new(args: &OutputArgs) -> Self {
        let color = args.message_format == MessageFormat::Human
            && use_color(args.color, std::env::var_os("NO_COLOR"), std::io::stderr().is_terminal());
        Printer { format: args.message_format, quiet: args.quiet, color }
    }

    /// The default printer: human text, colour on a terminal unless NO_COLOR.
    pub fn human() -> Self {
        Printer::new(&OutputArgs { message_format: MessageFormat::Human, quiet: false, color: ColorChoice::Auto })
    }

    /// Prints one diagnostic (a warning only without `--quiet`).
    pub fn diagnostic(&self, diagnostic: &Diagnostic) {
        if self.quiet && diagnostic.severity == Level::Warning {
            return;
        }
        match self.format {
            MessageFormat::Human => {
                let text = diagnostic.render(RenderOptions { color: self.color });
                // A located diagnostic is a block: a blank line after it, as rustc.
                let gap = if text.lines().nth(1).is_some() { "\n" } else { "" };
                eprint!("{text}{gap}");
            }
            MessageFormat::Json => stdout_line(&diagnostic.to_json().to_string()),
        }
    }

    /// Prints the blueprint's findings, located in its file.
    pub fn findings(&self, document: &Document, blueprint: &Blueprint) {
        for finding in blueprint.findings() {
            self.diagnostic(&document.finding(finding));
        }
    }

    /// Prints `error` (every validation error located in the file) and returns the exit
    /// status it means: 2 for bad input, 1 otherwise.
    pub fn error(&self, document: &Document, error: &Error) -> Status {
        let located = matches!(error, Error::Parse { .. } | Error::Invalid(_));
        let diagnostics = document.diagnostics(error);
        match self.format {
            MessageFormat::Human if !located => eprintln!("error: {error}"),
            _ => diagnostics.iter().for_each(|d| self.diagnostic(d)),
        }
        if located && diagnostics.len() > 1 && self.format == MessageFormat::Human && !self.quiet {
            eprintln!("error: {} errors in {}", diagnostics.len(), document.name());
        }
        if error.is_user_error() {
            Status::UserError
        } else {
            Status::Failure
        }
    }

    /// A result line (`Synthesized ...`): stdout, or stderr with `--message-format json`
    /// (stdout is then JSON only); nothing with `--quiet`.
    pub fn result(&self, line: &str) {
        if self.quiet {
            return;
        }
        match self.format {
            MessageFormat::Human => stdout_line(line),
            MessageFormat::Json => eprintln!("{line}"),
        }
    }

    /// A note on stderr (nothing with `--quiet` or JSON messages).
    pub fn note(&self, line: &str) {
        if !self.quiet && self.format == MessageFormat::Human {
            eprintln!("note: {line}");
        }
    }
}

/// One line on stdout; a reader that stopped reading is not an error.
fn stdout_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}").and_then(|()| out.flush());
}
