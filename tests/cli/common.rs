//! The test harness: a hermetic home directory, an emulator, and the binary wired to both.

use std::path::PathBuf;

use assert_cmd::Command;
use astro_emulator::{Emulator, EmulatorHandle, RecordedRequest};
use serde_json::Value;
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_astro");

pub struct TestEnv {
    pub emu: EmulatorHandle,
    pub home: TempDir,
}

impl TestEnv {
    pub fn new() -> Self {
        Self::with_users(0)
    }

    pub fn with_users(n: usize) -> Self {
        Self::with_emulator(
            Emulator::builder()
                .users(n)
                .spawn()
                .expect("emulator starts"),
        )
    }

    pub fn with_emulator(emu: EmulatorHandle) -> Self {
        Self {
            emu,
            home: tempfile::tempdir().expect("temp home"),
        }
    }

    /// `astro` with a temp HOME, the emulator's URL and token, and no inherited ASTRO_* settings.
    pub fn astro(&self) -> Command {
        let mut cmd = self.bare();
        cmd.env("ASTRO_API_URL", self.emu.base_url())
            .env("ASTRO_API_TOKEN", self.emu.token());
        cmd
    }

    /// A plain `std::process::Command` for `astro` (to pipe or signal it), set up like `astro()`.
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        for (key, _) in std::env::vars() {
            if key.starts_with("ASTRO_") || key == "GITHUB_ACTIONS" {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", self.home.path())
            .env("ASTRO_API_URL", self.emu.base_url())
            .env("ASTRO_API_TOKEN", self.emu.token());
        cmd
    }

    /// `astro` with a temp HOME and nothing else: no URL, no token.
    pub fn bare(&self) -> Command {
        let mut cmd = Command::new(BIN);
        for (key, _) in std::env::vars() {
            if key.starts_with("ASTRO_") || key == "GITHUB_ACTIONS" {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", self.home.path())
            .env("NO_COLOR", "1")
            .env_remove("HTTPS_PROXY")
            .env_remove("HTTP_PROXY")
            .env_remove("https_proxy")
            .env_remove("http_proxy")
            .env_remove("ALL_PROXY")
            .timeout(std::time::Duration::from_secs(60));
        cmd
    }

    /// Runs `astro ARGS` (set up as by [`TestEnv::astro`]) to completion.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        self.astro().args(args).output().expect("astro runs")
    }

    /// Writes `text` into the temp home as `name`; returns its path.
    pub fn write_file(&self, name: &str, text: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).expect("write a test file");
        path.display().to_string()
    }

    /// The context a login with the emulator's `ASTRO_API_URL` and no DOMAIN is stored under:
    /// `127.0.0.1:PORT`.
    pub fn emu_domain(&self) -> String {
        let url = self.emu.base_url();
        url.strip_prefix("http://")
            .and_then(|rest| rest.strip_suffix("/v1"))
            .unwrap_or_else(|| panic!("unexpected emulator URL {url}"))
            .to_owned()
    }

    /// The config file's key for [`Self::emu_domain`]: `127_0_0_1:PORT`.
    pub fn emu_context_key(&self) -> String {
        self.emu_domain().replace('.', "_")
    }

    pub fn config_path(&self) -> PathBuf {
        self.home.path().join(".astro").join("config.yaml")
    }

    pub fn write_config(&self, yaml: &str) {
        let path = self.config_path();
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, yaml).unwrap();
    }

    /// Requests to the API (the emulator's own control paths excluded).
    pub fn api_requests(&self) -> Vec<RecordedRequest> {
        self.emu
            .requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/v1/"))
            .collect()
    }

    pub fn mutations(&self) -> Vec<RecordedRequest> {
        self.api_requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    pub fn user_id(&self, email: &str) -> String {
        self.emu.user(email).expect("seed user").id
    }

    pub fn role_of(&self, email: &str) -> Option<String> {
        self.emu.user(email).expect("seed user").organization_role
    }
}

pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("utf-8 stderr")
}

/// The value of a query parameter (first occurrence).
pub fn query_param(request: &RecordedRequest, name: &str) -> Option<String> {
    request.query.as_deref()?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

/// A well-formed JWT for `organization_id` that no emulator ever issued.
pub fn forged_token(organization_id: &str) -> String {
    use base64::Engine;
    let payload = format!(r#"{{"sub":"x","permissions":["organizationId:{organization_id}"]}}"#);
    let encoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload);
    format!("eyJhbGciOiJub25lIn0.{encoded}.c2ln")
}

/// Everything but the keys `astro login` owns in `contexts.astronomer_io`.
pub fn without_owned_keys(doc: Value) -> Value {
    without_owned_keys_of(doc, "astronomer_io")
}

/// Everything but the keys `astro login` owns in `contexts.<key>`.
pub fn without_owned_keys_of(mut doc: Value, key: &str) -> Value {
    let ctx = doc["contexts"][key].as_object_mut().unwrap();
    for key in [
        "organization",
        "organization_product",
        "workspace",
        "last_used_workspace",
        "token",
        "refreshtoken",
        "user_email",
        "expiresin",
    ] {
        ctx.remove(key);
    }
    doc
}

pub fn assert_private_and_clean(env: &TestEnv) {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(env.config_path())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let leftovers: Vec<String> = std::fs::read_dir(env.config_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n != "config.yaml" && n != "config.yaml.lock")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}

/// stdout as JSON (a parse failure shows stdout and stderr).
pub fn json_of(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

/// The bodies of the changes the emulator recorded, as JSON (`null` for none).
pub fn bodies(env: &TestEnv) -> Vec<serde_json::Value> {
    env.mutations()
        .into_iter()
        .map(|r| serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap())
        .collect()
}

/// `METHOD PATH` of every API request the emulator recorded.
pub fn requests(env: &TestEnv) -> Vec<String> {
    env.api_requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// NDJSON on stdout, a value per line.
pub fn ndjson(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The role writes sent (POST …/users/ID/roles), as (user ID, body).
pub fn writes(env: &TestEnv) -> Vec<(String, serde_json::Value)> {
    env.mutations()
        .into_iter()
        .map(|r| {
            assert_eq!(r.method, "POST");
            let id = r
                .path
                .strip_suffix("/roles")
                .and_then(|p| p.rsplit('/').next())
                .unwrap_or_else(|| panic!("not a roles write: {}", r.path))
                .to_owned();
            (
                id,
                serde_json::from_str(r.body.as_deref().unwrap()).unwrap(),
            )
        })
        .collect()
}

/// The bodies of the role writes sent for one user.
pub fn writes_for(env: &TestEnv, email: &str) -> Vec<serde_json::Value> {
    let id = env.user_id(email);
    writes(env)
        .into_iter()
        .filter(|(user, _)| *user == id)
        .map(|(_, body)| body)
        .collect()
}

/// (a, b) pairs as owned strings, sorted: what the role helpers compare against.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    v.sort();
    v
}

/// A role write's list `key` (`workspaceRoles`, `deploymentRoles`), as (`id_key`, role), sorted.
pub fn body_list(body: &serde_json::Value, key: &str, id_key: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = body[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {body}"))
        .iter()
        .map(|r| {
            (
                r[id_key].as_str().unwrap().to_owned(),
                r["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    v.sort();
    v
}
