//! The Go CLI's configuration file (`$ASTRO_HOME/.astro/config.yaml` or
//! `~/.astro/config.yaml`), read for the current context: its domain, Organization and token.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::env_vars;
use crate::error::CliError;

#[derive(Debug, Default, Deserialize)]
pub struct ConfigFile {
    #[serde(default)]
    pub context: Option<String>,
    #[serde(default)]
    pub contexts: BTreeMap<String, Context>,
    #[serde(default)]
    pub local: Option<LocalSettings>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LocalSettings {
    pub core: Option<String>,
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct Context {
    pub domain: Option<String>,
    pub organization: Option<String>,
    pub token: Option<String>,
}

/// Where the file lives: `$ASTRO_HOME/.astro/config.yaml`, else `$HOME/.astro/config.yaml`.
pub fn path() -> Option<PathBuf> {
    let home = env_vars::get(env_vars::HOME)
        .map(PathBuf::from)
        .or_else(std::env::home_dir)?;
    Some(home.join(".astro").join("config.yaml"))
}

/// The key a domain's context is stored under: `astronomer.io` → `astronomer_io`.
pub fn context_key(domain: &str) -> String {
    domain.replace('.', "_")
}

impl ConfigFile {
    /// Reads the file; a missing file is an empty configuration, an unparsable one an error
    /// that names the file (serde-saphyr's message carries the line).
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(CliError::failure(format!(
                    "cannot read `{}`: {e}",
                    path.display()
                )));
            }
        };
        Self::parse(&text).map_err(|e| {
            CliError::failure(format!(
                "`{}` is not a valid configuration file: {}",
                path.display(),
                first_line(&e)
            ))
            .with_hint("fix or move the file, or set ASTRO_API_TOKEN and ASTRO_ORGANIZATION_ID")
        })
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        serde_saphyr::from_str(text).map_err(|e| e.to_string())
    }

    /// The context in force: `domain_override` (from `ASTRO_DOMAIN`) or the file's `context`.
    pub fn current(&self, domain_override: Option<&str>) -> Option<(String, Context)> {
        let domain = domain_override
            .map(str::to_owned)
            .or_else(|| self.context.clone())?;
        let ctx = self
            .contexts
            .get(&context_key(&domain))
            .cloned()
            .unwrap_or_default();
        Some((domain, ctx))
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_CLI_FILE: &str = r#"
cloud:
  api:
    protocol: https
context: astronomer.io
contexts:
  astronomer_io:
    domain: astronomer.io
    organization: clorg0000000000000000000a
    organization_product: HOSTED
    workspace: clws00000000000000000000a
    last_used_workspace: clws00000000000000000000a
    token: Bearer abc.def.ghi
    refreshtoken: r
    user_email: ada@example.com
    expiresin: 86400
    organization_short_name: old
local:
  core: http://localhost:8888/v1alpha1
telemetry:
  enabled: true
"#;

    #[test]
    fn reads_the_go_cli_file() {
        let cfg = ConfigFile::parse(GO_CLI_FILE).unwrap();
        let (domain, ctx) = cfg.current(None).unwrap();
        assert_eq!(domain, "astronomer.io");
        assert_eq!(
            ctx.organization.as_deref(),
            Some("clorg0000000000000000000a")
        );
        assert_eq!(ctx.token.as_deref(), Some("Bearer abc.def.ghi"));
        assert_eq!(
            cfg.local.and_then(|l| l.core).as_deref(),
            Some("http://localhost:8888/v1alpha1")
        );
    }

    #[test]
    fn domain_override_selects_another_context() {
        let cfg = ConfigFile::parse(GO_CLI_FILE).unwrap();
        let (domain, ctx) = cfg.current(Some("astronomer-dev.io")).unwrap();
        assert_eq!(domain, "astronomer-dev.io");
        assert!(ctx.token.is_none());
    }

    #[test]
    fn empty_file_is_empty_config() {
        assert!(ConfigFile::parse("\n").unwrap().current(None).is_none());
    }

    #[test]
    fn wrong_shape_is_an_error() {
        assert!(ConfigFile::parse("contexts: [1, 2]").is_err());
        assert!(ConfigFile::parse("context: [unclosed").is_err());
    }
}
