//! The browser login end to end against the emulator's identity provider, with an HTTP client
//! playing the browser; renewal of a stored login; switching between Organizations.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use astro_emulator::{Emulator, Fault, FaultKind};
use serde_json::Value;

use crate::common::{BIN, TestEnv, assert_private_and_clean, stderr, stdout, without_owned_keys};

fn read_config(env: &TestEnv) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(env.config_path()).unwrap()).unwrap()
}

/// Starts `astro login --login-link` and returns it with the link it printed.
fn start_login(env: &TestEnv, extra: &[&str]) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["login", "--login-link"])
        .args(extra)
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_LOGIN_CALLBACK_PORT", "0")
        .env_remove("ASTRO_API_TOKEN")
        .env_remove("ASTRO_DOMAIN")
        .env_remove("ASTRO_ORGANIZATION_ID")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut link = None;
    let mut seen = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(url) = line.trim().strip_prefix("http") {
            link = Some(format!("http{url}"));
            break;
        }
    }
    // Keep draining stderr so the child never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    let link = link.unwrap_or_else(|| panic!("no login link on stderr: {seen}"));
    (child, link)
}

/// What a browser does with the link: follow it to the identity provider, which (the user being
/// logged in there) redirects back to astro's local callback.
fn browse(link: &str) -> (u16, String) {
    // The crate uses reqwest without a default crypto provider; choose ring, as `astro` does.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .unwrap();
        let response = client.get(link).send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    })
}

fn browser_login(env: &TestEnv) -> std::process::Output {
    let (child, link) = start_login(env, &[]);
    let (status, page) = browse(&link);
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("logged in"), "{page}");
    child.wait_with_output().unwrap()
}

/// The identity provider the emulator names in its auth configuration.
fn emu_idp(env: &TestEnv) -> String {
    format!("{}/auth/", env.emu.base_url().trim_end_matches("/v1"))
}

#[test]
fn browser_login_end_to_end() {
    let env = TestEnv::new();
    let out = browser_login(&env);
    assert_eq!(out.status.code(), Some(0));
    let org = env.emu.organizations()[0].clone();
    // With ASTRO_API_URL and no DOMAIN, the login is to the emulator's own context, and says
    // which API and identity provider it used.
    let domain = env.emu_domain();
    assert_eq!(
        stdout(&out),
        format!(
            "Logged in to {domain} (API {}, identity provider {}) as ada@example.com; Organization {} ({})\n",
            env.emu.base_url(),
            emu_idp(&env),
            org.name,
            org.id
        )
    );

    let config = read_config(&env);
    assert_eq!(config["context"], domain.as_str());
    let key = env.emu_context_key();
    let contexts: Vec<&String> = config["contexts"].as_object().unwrap().keys().collect();
    assert_eq!(contexts, [&key]);
    let mut keys: Vec<&String> = config["contexts"][key.as_str()]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "domain",
            "expiresin",
            "organization",
            "organization_product",
            "refreshtoken",
            "token",
            "user_email"
        ]
    );
    let ctx = &config["contexts"][key.as_str()];
    assert_eq!(ctx["domain"], domain.as_str());
    let token = ctx["token"].as_str().unwrap();
    assert!(token.starts_with("Bearer ") && token.len() > 20, "{token}");
    assert!(!ctx["refreshtoken"].as_str().unwrap().is_empty());
    assert_eq!(ctx["user_email"], "ada@example.com");
    assert_eq!(ctx["organization"], org.id.as_str());
    assert!(ctx["expiresin"].as_str().unwrap().ends_with('Z'));

    // The flow as the identity provider saw it: PKCE, one code exchange, user info.
    let requests = env.emu.requests();
    let paths: Vec<(&str, &str)> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert!(
        paths.contains(&("GET", "/private/v1alpha1/cli/auth-config")),
        "{paths:?}"
    );
    assert!(paths.contains(&("GET", "/auth/authorize")), "{paths:?}");
    assert!(paths.contains(&("GET", "/auth/userinfo")), "{paths:?}");
    let exchange: Vec<_> = requests
        .iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .collect();
    assert_eq!(exchange.len(), 1);
    let form = exchange[0].body.as_deref().unwrap();
    assert!(
        form.contains("grant_type=authorization_code") && form.contains("code_verifier="),
        "{form}"
    );
    let authorize = requests
        .iter()
        .find(|r| r.path == "/auth/authorize")
        .unwrap();
    let query = authorize.query.as_deref().unwrap();
    assert!(
        query.contains("code_challenge_method=S256") && query.contains("state="),
        "{query}"
    );

    // The stored login works for the core commands, against the same emulator without
    // ASTRO_API_URL.
    env.emu.clear_requests();
    let list = env
        .bare()
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert!(stdout(&list).contains("grace@example.com"));
    assert_eq!(env.api_requests()[0].authorization.as_deref(), Some(token));
}

#[test]
fn browser_login_json_names_the_api_and_identity_provider() {
    let env = TestEnv::new();
    let (child, link) = start_login(&env, &["--json"]);
    assert_eq!(browse(&link).0, 200);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["domain"], env.emu_domain().as_str());
    assert_eq!(json["apiUrl"], env.emu.base_url().as_str());
    assert_eq!(json["identityProvider"], emu_idp(&env).as_str());
    assert_eq!(json["email"], "ada@example.com");
}

#[test]
fn a_callback_with_the_wrong_state_is_ignored() {
    let env = TestEnv::new();
    let (mut child, link) = start_login(&env, &[]);
    let redirect = link
        .split('&')
        .find_map(|p| p.strip_prefix("redirect_uri="))
        .map(|u| u.replace("%3A", ":").replace("%2F", "/"))
        .unwrap();
    let (status, _) = browse(&format!("{redirect}?code=forged&state=not-the-state"));
    assert_eq!(status, 400);
    // The real flow still completes afterwards.
    let (status, _) = browse(&link);
    assert_eq!(status, 200);
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

#[test]
fn a_stored_login_about_to_expire_is_renewed() {
    let env = logged_in_with_ttl(60);
    let key = env.emu_context_key();
    let before = read_config(&env)["contexts"][key.as_str()]["token"].clone();
    env.emu.clear_requests();

    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let refresh: Vec<_> = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .collect();
    assert_eq!(refresh.len(), 1);
    assert!(
        refresh[0]
            .body
            .as_deref()
            .unwrap()
            .contains("grant_type=refresh_token")
    );
    let after = read_config(&env)["contexts"][key.as_str()]["token"].clone();
    assert_ne!(before, after);
    // The API saw the renewed token.
    let api = env.api_requests();
    assert_eq!(api[0].authorization.as_deref(), after.as_str());
}

#[test]
fn a_login_that_cannot_be_renewed_says_to_log_in_again() {
    let env = logged_in_with_ttl(60);
    // The stored login says it has expired.
    let stored = std::fs::read_to_string(env.config_path()).unwrap();
    let expires = read_config(&env)["contexts"][env.emu_context_key().as_str()]["expiresin"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = stored.replace(&expires, "2000-01-01T00:00:00Z");
    std::fs::write(env.config_path(), &before).unwrap();
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 403,
            body: r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#.into(),
        })
        .path("/auth/oauth/token"),
    );
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "user", "ls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let err = stderr(&out);
    assert!(
        err.contains("could not be renewed") && err.contains("invalid refresh token"),
        "{err}"
    );
    assert!(
        err.contains(&format!("hint: run `astro login {}`", env.emu_domain())),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}

/// An emulator whose access tokens live `ttl_secs`, and a browser login to it.
fn logged_in_with_ttl(ttl_secs: u64) -> TestEnv {
    let emu = Emulator::builder()
        .access_token_ttl(Duration::from_secs(ttl_secs))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    assert_eq!(browser_login(&env).status.code(), Some(0));
    env
}

/// Logs in with the emulator's user token (an OAuth login: no `permissions` claim).
fn user_login(env: &TestEnv) {
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.user_token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

fn switch(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["organization", "switch"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn switch_by_name_or_id_and_list_marks_the_new_current() {
    let env = TestEnv::new();
    user_login(&env);
    let key = env.emu_context_key();
    let orgs = env.emu.organizations();
    assert!(orgs.len() >= 2);
    let (first, second) = (&orgs[0], &orgs[1]);
    assert_eq!(
        read_config(&env)["contexts"][key.as_str()]["organization"],
        first.id.as_str()
    );

    let out = switch(&env, &[&second.name.to_uppercase(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["id"], second.id.as_str());
    assert_eq!(json["changed"], true);
    assert_eq!(
        read_config(&env)["contexts"][key.as_str()]["organization"],
        second.id.as_str()
    );

    let list = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "ls", "--json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_str(&stdout(&list)).unwrap();
    let current: Vec<&str> = json["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["isCurrent"] == true)
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(current, [second.id.as_str()]);

    let back = switch(&env, &[&first.id]);
    assert_eq!(back.status.code(), Some(0));
    assert_eq!(
        stdout(&back),
        format!("Switched to Organization {} ({})\n", first.name, first.id)
    );
}

#[test]
fn concurrent_switches_never_corrupt_the_file() {
    let env = TestEnv::new();
    env.write_config("telemetry:\n  enabled: true\n");
    user_login(&env);
    let orgs = env.emu.organizations();
    let ids = [orgs[0].id.clone(), orgs[1].id.clone()];
    for round in 0..5 {
        let children: Vec<Child> = (0..4)
            .map(|i| {
                Command::new(BIN)
                    .args(["org", "switch", &ids[(round + i) % 2]])
                    .env("HOME", env.home.path())
                    .env("ASTRO_API_URL", env.emu.base_url())
                    .env_remove("ASTRO_API_TOKEN")
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        }
        let config = read_config(&env);
        let ctx = &config["contexts"][env.emu_context_key().as_str()];
        let org = ctx["organization"].as_str().unwrap();
        assert!(ids.iter().any(|id| id == org), "{org}");
        assert_eq!(config["telemetry"]["enabled"], true);
        assert!(ctx["token"].as_str().unwrap().starts_with("Bearer "));
    }
    let leftovers: Vec<String> = std::fs::read_dir(env.config_path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The issue's acceptance test: one config file in the Go CLI's format, with keys `astro` does
/// not own at every depth, through login, switch and logout: first to the emulator's own
/// context (which leaves every other context whole, the keys `astro` owns included), then to
/// `astronomer.io` named as the DOMAIN.
#[test]
fn login_switch_logout_keep_every_unknown_key_of_a_go_cli_file() {
    let env = TestEnv::new();
    let original = r#"cloud:
  api:
    protocol: https
    port: "443"
context: astronomer.io
contexts:
  astronomer_io:
    domain: astronomer.io
    organization: ""
    organization_product: ""
    workspace: ""
    last_used_workspace: ""
    token: ""
    refreshtoken: ""
    user_email: ""
    expiresin: ""
    organization_short_name: legacy
    deeper: {list: [1, 2.5, true, null, "x"], when: "2020-01-01T00:00:00Z"}
  localhost:
    domain: localhost
    token: Bearer other-context
local:
  core: http://localhost:8888/v1alpha1
telemetry:
  enabled: false
  notice_shown: 1
"#;
    env.write_config(original);
    let before: Value = serde_saphyr::from_str(original).unwrap();
    let second = env.emu.organizations()[1].clone();
    let key = env.emu_context_key();

    // To the emulator, with no DOMAIN: a context of its own.
    user_login(&env);
    let out = switch(&env, &[&second.name]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = read_config(&env);
    assert_eq!(after["context"], env.emu_domain().as_str());
    assert_eq!(
        after["contexts"][key.as_str()]["organization"],
        second.id.as_str()
    );
    let logout = env.bare().args(["logout"]).output().unwrap();
    assert_eq!(logout.status.code(), Some(0));
    let emulator_context = read_config(&env)["contexts"][key.as_str()].clone();
    assert_eq!(emulator_context["token"], "");
    let mut rest = read_config(&env);
    rest["contexts"].as_object_mut().unwrap().remove(&key);
    rest["context"] = before["context"].clone();
    assert_eq!(rest, before);

    // To `astronomer.io` by name: only the keys `astro` owns there change.
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args([
            "login",
            "astronomer.io",
            "--token-login",
            &env.emu.user_token(),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = switch(&env, &[&second.name]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        read_config(&env)["contexts"]["astronomer_io"]["organization"],
        second.id.as_str()
    );
    let logout = env.bare().args(["logout"]).output().unwrap();
    assert_eq!(logout.status.code(), Some(0));

    let mut after = read_config(&env);
    assert_eq!(after["contexts"][key.as_str()], emulator_context);
    after["contexts"].as_object_mut().unwrap().remove(&key);
    assert_eq!(
        without_owned_keys(after.clone()),
        without_owned_keys(before)
    );
    assert_eq!(after["contexts"]["astronomer_io"]["token"], "");
    assert_eq!(
        after["contexts"]["localhost"]["token"],
        "Bearer other-context"
    );
    assert_private_and_clean(&env);
}

#[test]
fn a_renewal_that_fails_before_expiry_warns_and_goes_on() {
    let env = logged_in_with_ttl(60);
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 503,
            retry_after: None,
        })
        .path("/auth/oauth/token")
        .times(10),
    );
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("warning: could not renew your login"),
        "{}",
        stderr(&out)
    );
    assert!(stdout(&out).contains("grace@example.com"));
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}

#[test]
fn parallel_runs_near_expiry_renew_once_and_all_succeed() {
    let env = logged_in_with_ttl(120);
    env.emu.clear_requests();
    let children: Vec<Child> = (0..4)
        .map(|_| {
            env.process()
                .env_remove("ASTRO_API_TOKEN")
                .args(["org", "user", "ls", "--json"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stderr(&out), "");
    }
    let refreshes = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .count();
    assert_eq!(refreshes, 1);
}
