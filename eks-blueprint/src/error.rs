//! Errors: invalid input (refuses synthesis), and failures of synthesis or I/O.

use std::fmt;

use crate::synth::{OutputError, SynthError};

/// One problem with the input: the field path, a stable code, and what is wrong.
///
/// Displayed as `compute.managedNodeGroups[1].desiredSize: desired size 5 can't be
/// greater than max size 3`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// The field path, as in the blueprint file (`network.cidr`).
    pub path: String,
    /// A stable code (`invalid-cidr`, `size-order`, ...), for tooling.
    pub code: &'static str,
    /// The reason, quoting the value and saying what would be accepted.
    pub message: String,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found in one input: validation collects them all before returning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    /// Records a problem.
    pub fn push(&mut self, path: impl Into<String>, code: &'static str, message: impl Into<String>) {
        self.0.push(ValidationError { path: path.into(), code, message: message.into() });
    }

    /// Whether nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> impl Iterator<Item = &ValidationError> {
        self.0.iter()
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

/// Any error of the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The blueprint file could not be read as a blueprint (syntax, unknown field, wrong type).
    #[error("{file}: {path}{message}")]
    Parse {
        /// The file (or `<input>`).
        file: String,
        /// The field path followed by `: `, or empty when the error is not in a field.
        path: String,
        /// What is wrong, with line and column when known.
        message: String,
    },
    /// The blueprint is well-formed but invalid.
    #[error("invalid blueprint:\n{0}")]
    Invalid(ValidationErrors),
    /// Synthesis failed (a bug in the model layer or a CloudFormation quota).
    #[error(transparent)]
    Synth(#[from] SynthError),
    /// Writing the output directory failed or was refused.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// Reading or writing files failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the error is the user's input (bad file, invalid blueprint), as opposed to
    /// an environment or internal failure. The CLI exits with 2 for these.
    pub fn is_user_error(&self) -> bool {
        matches!(self, Error::Parse { .. } | Error::Invalid(_) | Error::Synth(SynthError::Quota { .. }))
            || matches!(self, Error::Output(e) if e.is_user_error())
    }
}
