//! The Go CLI's configuration file (`$ASTRO_HOME/.astro/config.yaml` or `~/.astro/config.yaml`),
//! shared with it. Reading gives the current context (domain, Organization, token). Writing is a
//! read-modify-write of the whole document under the Go CLI's lock file (`config.yaml.lock`), so
//! every key we do not own survives, at any depth; the new file replaces the old one atomically
//! (temp file in the same folder, fsync, rename) with mode 0600. A file that cannot be parsed is
//! never overwritten.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::env_vars;
use crate::error::CliError;

/// The keys of a context that `astro` reads. `Debug` redacts the tokens.
#[derive(Default, Clone, Deserialize)]
pub struct Context {
    pub domain: Option<String>,
    pub organization: Option<String>,
    pub workspace: Option<String>,
    pub token: Option<String>,
    pub refreshtoken: Option<String>,
    pub user_email: Option<String>,
    /// When the token expires, RFC 3339 (the Go CLI's format).
    pub expiresin: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct LocalSettings {
    core: Option<String>,
}

/// The configuration as read: the whole document, plus typed access to what we use.
#[derive(Default, Clone)]
pub struct ConfigFile {
    doc: Map<String, Value>,
}

/// The document holds tokens: show only its top-level keys.
impl std::fmt::Debug for ConfigFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfigFile")
            .field("keys", &self.doc.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let redacted = |t: &Option<String>| t.as_ref().map(|_| "<redacted>");
        f.debug_struct("Context")
            .field("domain", &self.domain)
            .field("organization", &self.organization)
            .field("workspace", &self.workspace)
            .field("token", &redacted(&self.token))
            .field("refreshtoken", &redacted(&self.refreshtoken))
            .field("user_email", &self.user_email)
            .field("expiresin", &self.expiresin)
            .finish()
    }
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
    /// that names the file (the parser's message carries the line).
    pub fn load(path: &Path) -> Result<Self, CliError> {
        let text = match fs::read(path) {
            Ok(bytes) => {
                String::from_utf8(bytes).map_err(|_| invalid_file(path, "it is not UTF-8 text"))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(CliError::failure(format!(
                    "cannot read `{}`: {e}",
                    path.display()
                )));
            }
        };
        Self::parse(&text).map_err(|e| invalid_file(path, &e))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Self::default());
        }
        let doc = match serde_saphyr::from_str::<Value>(text).map_err(|e| e.to_string())? {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            _ => return Err("the top level is not a mapping of keys".into()),
        };
        let cfg = Self { doc };
        // Check the shape of what we read, so a wrong shape is reported, not ignored.
        if let Some(contexts) = cfg.doc.get("contexts")
            && !contexts.is_null()
        {
            serde_json::from_value::<std::collections::BTreeMap<String, Option<Context>>>(
                contexts.clone(),
            )
            .map_err(|e| format!("`contexts` has the wrong shape: {e}"))?;
        }
        if let Some(context) = cfg.doc.get("context")
            && !(context.is_string() || context.is_null())
        {
            return Err("`context` is not a domain name".into());
        }
        Ok(cfg)
    }

    /// The file as YAML text.
    pub fn to_yaml(&self) -> Result<String, CliError> {
        serde_saphyr::to_string(&self.doc)
            .map_err(|e| CliError::failure(format!("cannot write the configuration: {e}")))
    }

    /// The domain of the context in force: `domain_override` (`ASTRO_DOMAIN`) or `context`.
    pub fn current_domain(&self, domain_override: Option<&str>) -> Option<String> {
        domain_override
            .map(str::to_owned)
            .or_else(|| self.doc.get("context")?.as_str().map(str::to_owned))
            .filter(|d| !d.trim().is_empty())
    }

    /// The context stored for a domain (empty when there is none).
    pub fn context(&self, domain: &str) -> Context {
        self.doc
            .get("contexts")
            .and_then(|c| c.get(context_key(domain)))
            .and_then(|c| serde_json::from_value::<Context>(c.clone()).ok())
            .unwrap_or_default()
    }

    /// The context in force and its domain.
    pub fn current(&self, domain_override: Option<&str>) -> Option<(String, Context)> {
        let domain = self.current_domain(domain_override)?;
        let ctx = self.context(&domain);
        Some((domain, ctx))
    }

    /// The `local.core` setting (the API for the `localhost` domain).
    pub fn local_core(&self) -> Option<String> {
        let local: LocalSettings = serde_json::from_value(self.doc.get("local")?.clone()).ok()?;
        local.core
    }

    /// Sets `contexts.<domain>.<key>`, creating the context (with its `domain`) if needed.
    /// Returns whether anything changed.
    pub fn set_context_value(&mut self, domain: &str, key: &str, value: Value) -> bool {
        let ctx = self.context_map(domain);
        if ctx.get(key) == Some(&value) {
            return false;
        }
        ctx.insert(key.to_owned(), value);
        true
    }

    /// Empties `contexts.<domain>.<key>` if it is set (the Go CLI keeps keys, with empty values).
    pub fn clear_context_value(&mut self, domain: &str, key: &str) -> bool {
        let Some(ctx) = self
            .doc
            .get_mut("contexts")
            .and_then(|c| c.get_mut(context_key(domain)))
            .and_then(Value::as_object_mut)
        else {
            return false;
        };
        match ctx.get(key) {
            None => false,
            Some(Value::String(s)) if s.is_empty() => false,
            Some(_) => {
                ctx.insert(key.to_owned(), Value::String(String::new()));
                true
            }
        }
    }

    /// Makes `domain` the current context.
    pub fn set_current(&mut self, domain: &str) -> bool {
        let value = Value::String(domain.to_owned());
        if self.doc.get("context") == Some(&value) {
            return false;
        }
        self.doc.insert("context".into(), value);
        true
    }

    fn context_map(&mut self, domain: &str) -> &mut Map<String, Value> {
        let contexts = self
            .doc
            .entry("contexts")
            .or_insert_with(|| Value::Object(Map::new()));
        if !contexts.is_object() {
            *contexts = Value::Object(Map::new());
        }
        let ctx = contexts
            .as_object_mut()
            .expect("made an object above")
            .entry(context_key(domain))
            .or_insert_with(|| Value::Object(Map::new()));
        if !ctx.is_object() {
            *ctx = Value::Object(Map::new());
        }
        let ctx = ctx.as_object_mut().expect("made an object above");
        ctx.entry("domain")
            .or_insert_with(|| Value::String(domain.to_owned()));
        ctx
    }
}

fn invalid_file(path: &Path, why: &str) -> CliError {
    CliError::failure(format!(
        "`{}` is not a valid configuration file: {}",
        path.display(),
        why.lines().next().unwrap_or(why)
    ))
    .with_hint("fix or move the file (it was not changed), or set ASTRO_API_TOKEN and ASTRO_ORGANIZATION_ID")
}

/// How long to wait for another process's lock on the config file.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The Go CLI's lock file (`config.yaml.lock`), held from a read to the write that follows it,
/// so two processes never interleave their edits. Released when dropped.
pub struct Locked {
    _lock: File,
    path: PathBuf,
}

/// Takes the lock, waiting for another holder without blocking the runtime (so Ctrl-C still
/// ends the run) and giving up after a while with an error that says why.
pub async fn lock(path: &Path) -> Result<Locked, CliError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    create_private_dir(dir)?;
    let lock_path = sibling(path, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| io_error("open the lock file", &lock_path, &e))?;
    let deadline = std::time::Instant::now() + LOCK_WAIT;
    loop {
        match file.try_lock() {
            Ok(()) => {
                return Ok(Locked {
                    _lock: file,
                    path: path.to_path_buf(),
                });
            }
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(CliError::failure(format!(
                    "another process has held `{}` for {} s",
                    lock_path.display(),
                    LOCK_WAIT.as_secs()
                ))
                .with_hint("finish or stop the other astro command, then try again"));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(io_error("lock", &lock_path, &e));
            }
        }
    }
}

impl Locked {
    pub fn read(&self) -> Result<ConfigFile, CliError> {
        ConfigFile::load(&self.path)
    }

    pub fn write(&self, cfg: &ConfigFile) -> Result<(), CliError> {
        write_atomically(&self.path, cfg.to_yaml()?.as_bytes())
    }
}

/// Reads the file under its lock, lets `change` edit it, and writes it back only if `change`
/// reports a change.
pub async fn update<T>(
    path: &Path,
    change: impl FnOnce(&mut ConfigFile) -> Result<(bool, T), CliError>,
) -> Result<T, CliError> {
    let locked = lock(path).await?;
    let mut cfg = locked.read()?;
    let (changed, result) = change(&mut cfg)?;
    if changed {
        locked.write(&cfg)?;
    }
    Ok(result)
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn io_error(action: &str, path: &Path, err: &std::io::Error) -> CliError {
    CliError::failure(format!("cannot {action} `{}`: {err}", path.display()))
}

fn create_private_dir(dir: &Path) -> Result<(), CliError> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| io_error("create the folder", dir, &e))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let tmp = sibling(path, &format!(".tmp-{}", std::process::id()));
    let result = (|| {
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file: File = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        #[cfg(unix)]
        if let Some(dir) = path.parent() {
            File::open(dir)?.sync_all()?;
        }
        Ok::<(), std::io::Error>(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_error("write", path, &e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GO_CLI_FILE: &str = r#"cloud:
  api:
    protocol: https
    port: "443"
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
    expiresin: 2026-11-26T12:00:00Z
    organization_short_name: old
local:
  core: http://localhost:8888/v1alpha1
telemetry:
  enabled: true
  notice_shown: 1
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
        assert_eq!(ctx.expiresin.as_deref(), Some("2026-11-26T12:00:00Z"));
        assert_eq!(
            cfg.local_core().as_deref(),
            Some("http://localhost:8888/v1alpha1")
        );
    }

    #[test]
    fn debug_never_shows_a_token() {
        let cfg = ConfigFile::parse(GO_CLI_FILE).unwrap();
        let shown = format!("{cfg:?} {:?}", cfg.current(None).unwrap().1);
        assert!(
            !shown.contains("abc.def.ghi") && !shown.contains("refreshtoken: r"),
            "{shown}"
        );
        assert!(shown.contains("<redacted>"), "{shown}");
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
        assert!(ConfigFile::parse("- a\n- b\n").is_err());
        assert!(ConfigFile::parse("context: {a: 1}").is_err());
    }

    #[test]
    fn edits_keep_every_other_key_and_type() {
        let mut cfg = ConfigFile::parse(GO_CLI_FILE).unwrap();
        assert!(cfg.set_context_value("astronomer.io", "organization", "cnew".into()));
        assert!(!cfg.set_context_value("astronomer.io", "organization", "cnew".into()));
        assert!(cfg.clear_context_value("astronomer.io", "token"));
        let text = cfg.to_yaml().unwrap();
        let before: Value = serde_saphyr::from_str(GO_CLI_FILE).unwrap();
        let mut after: Value = serde_saphyr::from_str(&text).unwrap();
        assert_eq!(after["contexts"]["astronomer_io"]["organization"], "cnew");
        assert_eq!(after["contexts"]["astronomer_io"]["token"], "");
        after["contexts"]["astronomer_io"]["organization"] = "clorg0000000000000000000a".into();
        after["contexts"]["astronomer_io"]["token"] = "Bearer abc.def.ghi".into();
        assert_eq!(after, before);
        assert_eq!(after["telemetry"]["notice_shown"], 1);
        assert_eq!(after["cloud"]["api"]["port"], "443");
    }

    #[test]
    fn new_context_gets_its_domain() {
        let mut cfg = ConfigFile::default();
        cfg.set_context_value("pr1.astronomer-dev.io", "token", "Bearer x".into());
        cfg.set_current("pr1.astronomer-dev.io");
        let (domain, ctx) = cfg.current(None).unwrap();
        assert_eq!(domain, "pr1.astronomer-dev.io");
        assert_eq!(ctx.domain.as_deref(), Some("pr1.astronomer-dev.io"));
        assert!(cfg.to_yaml().unwrap().contains("pr1_astronomer-dev_io:"));
    }

    #[test]
    fn contexts_of_loopback_apis_are_written_and_read_back() {
        for (domain, key) in [
            ("127.0.0.1:41234", "127_0_0_1:41234"),
            ("localhost:8080", "localhost:8080"),
            ("[::1]:41234", "[::1]:41234"),
        ] {
            assert_eq!(context_key(domain), key);
            let mut cfg = ConfigFile::parse(GO_CLI_FILE).unwrap();
            cfg.set_context_value(domain, "token", "Bearer x.y.z".into());
            cfg.set_context_value(domain, "organization", "corg".into());
            cfg.set_current(domain);
            let text = cfg.to_yaml().unwrap();

            let back = ConfigFile::parse(&text).unwrap();
            let (current, ctx) = back.current(None).unwrap();
            assert_eq!(current, domain, "{text}");
            assert_eq!(ctx.domain.as_deref(), Some(domain), "{text}");
            assert_eq!(ctx.token.as_deref(), Some("Bearer x.y.z"), "{text}");
            assert_eq!(ctx.organization.as_deref(), Some("corg"), "{text}");
            // The key as written, and every other context as it was.
            let doc: Value = serde_saphyr::from_str(&text).unwrap();
            assert_eq!(doc["contexts"][key]["domain"], domain, "{text}");
            let before: Value = serde_saphyr::from_str(GO_CLI_FILE).unwrap();
            assert_eq!(
                doc["contexts"]["astronomer_io"],
                before["contexts"]["astronomer_io"]
            );
            assert_eq!(doc["telemetry"], before["telemetry"]);
        }
    }

    #[tokio::test]
    async fn update_writes_atomically_with_mode_0600_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("config.yaml");
        update(&path, |cfg| Ok((cfg.set_current("astronomer.io"), ())))
            .await
            .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains("context: astronomer.io"), "{text}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let dir_mode = fs::metadata(path.parent().unwrap())
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(dir_mode, 0o700);
        }
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
    }

    #[tokio::test]
    async fn update_never_overwrites_an_unparsable_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        fs::write(&path, "contexts: [unclosed\n").unwrap();
        let err = update(&path, |cfg| Ok((cfg.set_current("x"), ())))
            .await
            .unwrap_err();
        assert!(err.message.contains("config.yaml"), "{}", err.message);
        assert_eq!(fs::read_to_string(&path).unwrap(), "contexts: [unclosed\n");
    }

    #[tokio::test]
    async fn unchanged_update_does_not_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.yaml");
        fs::write(
            &path,
            "context: a   # a comment we keep when nothing changes\n",
        )
        .unwrap();
        update(&path, |cfg| Ok((cfg.set_current("a"), ())))
            .await
            .unwrap();
        assert!(fs::read_to_string(&path).unwrap().contains("# a comment"));
    }
}
