//! Starter blueprints for `eks-blueprint init`: commented blueprint files that synthesize as
//! they are, each starting with the `# yaml-language-server: $schema=...` line that makes
//! editors complete and check the file against [`crate::schema`].
//!
//! The templates are files of the library (`eks-blueprint/templates/*.yaml`), tested like
//! the examples: each validates, synthesizes, passes the schema, and its output is
//! snapshotted and linted by the test suite.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Blueprint, Error};

/// A starter blueprint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Starter {
    /// A VPC, a control plane and one managed node group: the shortest useful platform.
    Minimal,
    /// Production settings: pinned version, deletion protection, year-long logs, VPC
    /// endpoints, access entries per team, GuardDuty, a node group over three zones.
    Production,
    /// A system node group for the Karpenter controller, and one Karpenter NodePool.
    Karpenter,
}

/// The file `init` writes into a directory given as its path.
pub const DEFAULT_FILE_NAME: &str = "blueprint.yaml";

/// The name the templates give the platform, which `init --name` replaces.
pub const TEMPLATE_NAME: &str = "my-platform";

impl Starter {
    /// Every template, in the order `init --help` lists them.
    pub const ALL: [Starter; 3] = [Starter::Minimal, Starter::Production, Starter::Karpenter];

    /// The template's name, as `--template` takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Starter::Minimal => "minimal",
            Starter::Production => "production",
            Starter::Karpenter => "karpenter",
        }
    }

    /// The template by its name.
    pub fn from_name(name: &str) -> Option<Starter> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// The template's text, as written by `init` without `--name`.
    pub fn text(self) -> &'static str {
        match self {
            Starter::Minimal => include_str!("../templates/minimal.yaml"),
            Starter::Production => include_str!("../templates/production.yaml"),
            Starter::Karpenter => include_str!("../templates/karpenter.yaml"),
        }
    }
}

/// Why `init` wrote nothing.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// The file exists: `init` never overwrites.
    #[error("{}: already exists; init never overwrites a file (choose another path, or remove it first)", .0.display())]
    Exists(PathBuf),
    /// The directory to write into does not exist.
    #[error("{}: no such directory; create it first (init creates only the blueprint file)", .0.display())]
    NoDirectory(PathBuf),
}

/// The text of `template` with the platform named `name` (the template's own name when
/// `None`), checked: it parses, validates and names the platform as asked, so `init` never
/// writes a file that `synth` would refuse. A name that validation refuses is
/// [`Error::Invalid`], with the reason.
pub fn starter(template: Starter, name: Option<&str>) -> Result<String, Error> {
    let text = match name {
        None => template.text().to_owned(),
        Some(name) => {
            // A JSON string is a YAML double-quoted scalar: whatever the name holds, it stays
            // the value of `name` (and validation says what is wrong with it).
            let plain = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            let value = if plain { name.to_owned() } else { serde_json::to_string(name).unwrap_or_default() };
            template.text().replacen(&format!("\nname: {TEMPLATE_NAME}\n"), &format!("\nname: {value}\n"), 1)
        }
    };
    Blueprint::from_yaml(&text)?;
    Ok(text)
}

/// Writes [`starter`] to `path`, or to `path/blueprint.yaml` when `path` is a directory,
/// and returns the file written. An existing file is never touched ([`InitError::Exists`]);
/// a missing directory is not created ([`InitError::NoDirectory`]).
pub fn write_starter(path: &Path, template: Starter, name: Option<&str>) -> Result<PathBuf, Error> {
    let text = starter(template, name)?;
    let file = if path.is_dir() { path.join(DEFAULT_FILE_NAME) } else { path.to_owned() };
    // create_new: the check and the creation are one step, so a file that appears meanwhile
    // is not overwritten either.
    let mut out = match OpenOptions::new().write(true).create_new(true).open(&file) {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(InitError::Exists(file).into()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            return Err(InitError::NoDirectory(dir.to_owned()).into());
        }
        Err(e) => return Err(Error::Io { context: format!("cannot create {}", file.display()), source: e }),
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.sync_all())
        .map_err(|e| Error::Io { context: format!("cannot write {}", file.display()), source: e })?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::spec::BlueprintSpec;

    #[test]
    fn every_template_starts_with_the_schema_url_and_names_itself_once() {
        let header = format!("# yaml-language-server: $schema={}\n", crate::schema::SCHEMA_ID);
        for template in Starter::ALL {
            let text = template.text();
            assert!(text.starts_with(&header), "{}: first line", template.as_str());
            assert_eq!(text.matches(&format!("\nname: {TEMPLATE_NAME}\n")).count(), 1, "{}", template.as_str());
            assert_eq!(Starter::from_name(template.as_str()), Some(template));
        }
        assert_eq!(Starter::from_name("saas"), None);
    }

    #[test]
    fn a_name_replaces_the_templates_and_a_bad_one_is_refused() {
        let text = starter(Starter::Minimal, Some("payments")).unwrap();
        assert_eq!(BlueprintSpec::from_yaml(&text).unwrap().name, "payments");
        assert_eq!(text.lines().count(), Starter::Minimal.text().lines().count());
        let e = starter(Starter::Minimal, Some("9lives")).unwrap_err();
        assert!(matches!(e, Error::Invalid(_)), "{e}");
        // A name that would be YAML structure stays a string, and is refused as a name.
        let e = starter(Starter::Minimal, Some("x\ncompute: {}")).unwrap_err();
        assert!(e.to_string().contains("name"), "{e}");
    }
}
