//! `astro login --token-login`, `logout`, `auth token`, and what they do to a config file the
//! Go CLI wrote: every key we do not own survives, mode 0600, no temp file left behind.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

use crate::common::{
    BIN, TestEnv, assert_private_and_clean, forged_token, stderr, stdout, without_owned_keys,
};

/// A config file as the Go CLI writes it, with keys we do not own at every depth.
fn go_cli_config(env: &TestEnv) -> String {
    format!(
        r#"cloud:
  api:
    protocol: https
    port: "443"
    ws_protocol: wss
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
    custom_nested:
      list: [1, 2.5, true, "x"]
  localhost:
    domain: localhost
    token: Bearer keep-me
local:
  core: http://localhost:8888/v1alpha1
  registry: localhost:5555
telemetry:
  enabled: false
  notice_shown: 1
show_warnings: true
emulator_note: {url}
"#,
        url = env.emu.base_url()
    )
}

fn read_yaml(env: &TestEnv) -> Value {
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn token_login_writes_the_context_and_keeps_every_other_key() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    let before: Value = serde_saphyr::from_str(&go_cli_config(&env)).unwrap();

    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "astronomer.io", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    // The DOMAIN argument names the context, whatever API ASTRO_API_URL points at.
    assert_eq!(
        stdout(&out),
        format!(
            "Logged in to astronomer.io (API {}); Organization Example Org ({})\n",
            env.emu.base_url(),
            env.emu.organization_id()
        )
    );

    let after = read_yaml(&env);
    let ctx = &after["contexts"]["astronomer_io"];
    assert_eq!(ctx["token"], format!("Bearer {}", env.emu.token()).as_str());
    assert_eq!(ctx["organization"], env.emu.organization_id().as_str());
    assert_eq!(ctx["refreshtoken"], "");
    assert_eq!(after["context"], "astronomer.io");
    assert_eq!(without_owned_keys(after), without_owned_keys(before));
    assert_private_and_clean(&env);

    // The token is checked against the API once, with the Organization it names.
    let requests = env.api_requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(
        requests[0].path,
        format!("/v1/organizations/{}", env.emu.organization_id())
    );

    // The stored login now works without ASTRO_API_TOKEN.
    let list = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
}

#[test]
fn token_login_reads_the_token_from_stdin() {
    let env = TestEnv::new();
    let mut child = std::process::Command::new(BIN)
        .args(["login", "--token-login", "-", "--json"])
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env_remove("ASTRO_API_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "  {}  ", env.emu.token()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["domain"], env.emu_domain().as_str());
    assert_eq!(json["apiUrl"], env.emu.base_url().as_str());
    assert_eq!(json["identityProvider"], Value::Null);
    assert_eq!(json["organizationId"], env.emu.organization_id().as_str());
    assert_eq!(json["organizationName"], "Example Org");
    // A new file is created private, in a private folder.
    use std::os::unix::fs::PermissionsExt;
    let dir_mode = std::fs::metadata(env.config_path().parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dir_mode & 0o777, 0o700);
    assert_private_and_clean(&env);
    assert!(!stderr(&out).contains(&env.emu.token()));
}

#[test]
fn a_rejected_token_is_exit_4_and_nothing_is_written() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    let forged = forged_token(&env.emu.organization_id());
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &forged])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "stderr: {}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(env.config_path()).unwrap(),
        go_cli_config(&env)
    );
    assert!(!stderr(&out).contains(&forged));
}

#[test]
fn malformed_or_expired_tokens_are_refused_before_any_request() {
    let env = TestEnv::new();
    let expired = env.emu.mint_token(astro_emulator::TokenOptions {
        expires_at: Some(1_000),
        ..Default::default()
    });
    for bad in ["not-a-jwt", expired.as_str()] {
        let out = env
            .bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(["login", "--token-login", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty());
    assert!(!env.config_path().exists());
}

#[test]
fn login_off_a_terminal_without_a_token_names_the_flag() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("--token-login"), "{err}");
    assert!(env.emu.requests().is_empty());
    assert!(!env.config_path().exists());
}

#[test]
fn invalid_domain_is_a_usage_error() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .args(["login", "not a domain", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn logout_removes_only_the_tokens() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .assert()
        .success();
    let logged_in = read_yaml(&env);

    // The login went to the emulator's own context, which logout (of the current context) empties.
    let key = env.emu_context_key();
    let out = env.bare().args(["logout"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Logged out of {}\n", env.emu_domain())
    );
    let after = read_yaml(&env);
    let ctx = &after["contexts"][key.as_str()];
    assert_eq!(ctx["token"], "");
    assert_eq!(ctx["refreshtoken"], "");
    assert_eq!(ctx["organization"], env.emu.organization_id().as_str());
    assert_eq!(after["contexts"]["localhost"]["token"], "Bearer keep-me");
    let before: Value = serde_saphyr::from_str(&go_cli_config(&env)).unwrap();
    assert_eq!(
        after["contexts"]["astronomer_io"],
        before["contexts"]["astronomer_io"]
    );
    let mut expected = logged_in.clone();
    expected["contexts"][key.as_str()]["token"] = "".into();
    expected["contexts"][key.as_str()]["expiresin"] = "".into();
    assert_eq!(after, expected);
    assert_private_and_clean(&env);

    // Logged out: commands now fail with exit 4.
    let list = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "user", "ls"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(4));

    // Again: nothing to remove, nothing written.
    let modified = std::fs::metadata(env.config_path())
        .unwrap()
        .modified()
        .unwrap();
    let again = env.bare().args(["logout"]).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).starts_with(&format!("Not logged in to {}", env.emu_domain())));
    assert_eq!(
        std::fs::metadata(env.config_path())
            .unwrap()
            .modified()
            .unwrap(),
        modified
    );
}

#[test]
fn auth_token_prints_only_the_token_in_use() {
    let env = TestEnv::new();
    let out = env.astro().args(["auth", "token"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), format!("{}\n", env.emu.token()));
    assert_eq!(stderr(&out), "");

    let none = env.bare().args(["auth", "token"]).output().unwrap();
    assert_eq!(none.status.code(), Some(4));
    assert_eq!(stdout(&none), "");
}

#[test]
fn an_environment_token_is_never_written_to_disk() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    for args in [
        &["org", "user", "ls"][..],
        &["org", "ls"][..],
        &["auth", "token"][..],
    ] {
        env.astro().args(args).assert().success();
    }
    assert_eq!(
        std::fs::read_to_string(env.config_path()).unwrap(),
        go_cli_config(&env)
    );
}

#[test]
fn organization_list_marks_the_current_one() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["organization", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let orgs = json["organizations"].as_array().unwrap();
    assert_eq!(orgs.len(), 1);
    assert_eq!(orgs[0]["name"], "Example Org");
    assert_eq!(orgs[0]["id"], env.emu.organization_id().as_str());
    assert_eq!(orgs[0]["isCurrent"], true);
    let request = &env.api_requests()[0];
    assert_eq!(request.path, "/v1/organizations");
    assert!(
        request
            .query
            .as_deref()
            .unwrap_or("")
            .contains("limit=1000")
    );

    let table = env.astro().args(["org", "ls"]).output().unwrap();
    let text = stdout(&table);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["NAME", "ID", "CURRENT"]
    );
    assert!(
        lines[1].starts_with("Example Org") && lines[1].ends_with('*'),
        "{text}"
    );
}

#[test]
fn switch_to_the_current_organization_writes_nothing() {
    let env = TestEnv::new();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .assert()
        .success();
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    for target in [
        "Example Org",
        "example org",
        env.emu.organization_id().as_str(),
    ] {
        let out = env
            .bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(["organization", "switch", target])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr(&out));
        assert!(stdout(&out).contains("already current"), "{}", stdout(&out));
    }
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}

#[test]
fn switch_errors_name_what_is_missing() {
    let env = TestEnv::new();
    // Not logged in at all.
    let out = env
        .astro()
        .args(["org", "switch", "Example Org"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("astro login"));

    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .assert()
        .success();
    let switch = |args: &[&str]| {
        env.bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(["org", "switch"])
            .args(args)
            .output()
            .unwrap()
    };
    let missing = switch(&[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("NAME_OR_ID"));
    let unknown = switch(&["No Such Org"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(stderr(&unknown).contains("hint: run `astro organization list`"));
    let bad_ws = switch(&["Example Org", "-w", "cnoworkspace0000000000000"]);
    assert_eq!(bad_ws.status.code(), Some(3), "{}", stderr(&bad_ws));
}

#[test]
fn ctrl_c_while_waiting_for_the_config_lock_ends_the_run() {
    let env = TestEnv::new();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .assert()
        .success();
    let before = std::fs::read_to_string(env.config_path()).unwrap();
    // Another process holds the Go CLI's lock.
    let lock = std::fs::OpenOptions::new()
        .write(true)
        .open(env.config_path().with_file_name("config.yaml.lock"))
        .unwrap();
    lock.lock().unwrap();
    let mut child = env
        .process()
        .env_remove("ASTRO_API_TOKEN")
        .args(["logout"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "logout should be waiting for the lock"
    );
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut code = None;
    for _ in 0..100 {
        if let Some(done) = child.try_wait().unwrap() {
            code = done.code();
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    if code.is_none() {
        let _ = child.kill();
    }
    assert_eq!(
        code,
        Some(130),
        "Ctrl-C must end a run waiting for the lock"
    );
    drop(lock);
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), before);
}

/// `contexts.<key>` of the config file, as a sorted list of its keys.
fn context_keys(doc: &Value, key: &str) -> Vec<String> {
    let mut keys: Vec<String> = doc["contexts"][key]
        .as_object()
        .unwrap_or_else(|| panic!("no context {key} in {doc:#}"))
        .keys()
        .cloned()
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_login_to_a_local_api_is_stored_under_its_own_context_and_found_again() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let domain = env.emu_domain();
    assert_eq!(
        stdout(&out),
        format!(
            "Logged in to {domain} (API {}); Organization Example Org ({})\n",
            env.emu.base_url(),
            env.emu.organization_id()
        )
    );

    // Exactly this, in a new file: the context of `127.0.0.1:PORT`, current; no `astronomer_io`.
    let doc = read_yaml(&env);
    let text = std::fs::read_to_string(env.config_path()).unwrap();
    let mut top: Vec<&String> = doc.as_object().unwrap().keys().collect();
    top.sort();
    assert_eq!(top, ["context", "contexts"], "{text}");
    assert_eq!(doc["context"], domain.as_str(), "{text}");
    let key = env.emu_context_key();
    assert_eq!(key, domain.replace('.', "_"));
    assert!(key.starts_with("127_0_0_1:"), "{key}");
    let contexts: Vec<&String> = doc["contexts"].as_object().unwrap().keys().collect();
    assert_eq!(contexts, [&key], "{text}");
    assert_eq!(
        context_keys(&doc, &key),
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
    let ctx = &doc["contexts"][key.as_str()];
    assert_eq!(ctx["domain"], domain.as_str());
    assert_eq!(ctx["token"], format!("Bearer {}", env.emu.token()).as_str());
    assert_eq!(ctx["organization"], env.emu.organization_id().as_str());
    assert_private_and_clean(&env);

    // Later runs without ASTRO_API_URL reach the same emulator with the stored login.
    env.emu.clear_requests();
    let list = env
        .bare()
        .args(["org", "user", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(list.status.code(), Some(0), "{}", stderr(&list));
    assert!(stdout(&list).contains("grace@example.com"));
    let requests = env.api_requests();
    assert!(!requests.is_empty());
    assert_eq!(
        requests[0].authorization.as_deref(),
        Some(format!("Bearer {}", env.emu.token()).as_str())
    );

    // So does a new login, which stays in that context.
    let again = env
        .bare()
        .args(["login", "--token-login", &env.emu.token(), "--json"])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let json: Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(json["domain"], domain.as_str());
    assert_eq!(json["apiUrl"], env.emu.base_url().as_str());
    let contexts = read_yaml(&env)["contexts"].as_object().unwrap().len();
    assert_eq!(contexts, 1);
}

#[test]
fn an_api_url_of_no_known_shape_needs_a_domain() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    let loopback_prefix = format!("{}/proxy/v1", env.emu.base_url().trim_end_matches("/v1"));
    for url in ["https://astro.example.com/v1", loopback_prefix.as_str()] {
        for args in [
            &["login", "--token-login", env.emu.token().as_str()][..],
            &["login", "--login-link"][..],
        ] {
            let out = env
                .bare()
                .env("ASTRO_API_URL", url)
                .env("ASTRO_LOGIN_CALLBACK_PORT", "0")
                .args(args)
                .output()
                .unwrap();
            assert_eq!(
                out.status.code(),
                Some(2),
                "{url} {args:?}: {}",
                stderr(&out)
            );
            let err = stderr(&out);
            assert!(
                err.starts_with("error: ASTRO_API_URL `") && err.contains(url),
                "{err}"
            );
            assert!(err.contains("hint: pass the domain"), "{err}");
            assert!(err.contains("astro login DOMAIN"), "{err}");
            assert_eq!(err.lines().count(), 2, "{err}");
            assert!(!err.contains(&env.emu.token()));
            assert_eq!(stdout(&out), "");
        }
    }
    assert!(env.emu.requests().is_empty());
    assert_eq!(
        std::fs::read_to_string(env.config_path()).unwrap(),
        go_cli_config(&env)
    );
}

#[test]
fn a_domain_argument_names_the_context_whatever_the_api_url() {
    let env = TestEnv::new();
    env.write_config(&go_cli_config(&env));
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args([
            "login",
            "https://pr1234.astronomer-dev.io/",
            "--token-login",
            &env.emu.token(),
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["domain"], "pr1234.astronomer-dev.io");
    assert_eq!(json["apiUrl"], env.emu.base_url().as_str());
    let doc = read_yaml(&env);
    assert_eq!(doc["context"], "pr1234.astronomer-dev.io");
    let mut contexts: Vec<&String> = doc["contexts"].as_object().unwrap().keys().collect();
    contexts.sort();
    assert_eq!(
        contexts,
        ["astronomer_io", "localhost", "pr1234_astronomer-dev_io"]
    );
    assert_eq!(
        doc["contexts"]["pr1234_astronomer-dev_io"]["token"],
        format!("Bearer {}", env.emu.token()).as_str()
    );
    // Every other context exactly as the Go CLI left it.
    let before: Value = serde_saphyr::from_str(&go_cli_config(&env)).unwrap();
    assert_eq!(
        doc["contexts"]["astronomer_io"],
        before["contexts"]["astronomer_io"]
    );
    assert_eq!(
        doc["contexts"]["localhost"],
        before["contexts"]["localhost"]
    );

    // A domain of a local API's host:port is taken as given, too.
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "localhost:1", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Logged in to localhost:1 (API "));
    assert_eq!(read_yaml(&env)["context"], "localhost:1");
}

#[test]
fn an_astro_domain_that_hides_the_new_login_is_pointed_out() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_DOMAIN", "astronomer.io")
        .args(["login", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with(&format!("Logged in to {} ", env.emu_domain())),
        "{}",
        stdout(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("ASTRO_DOMAIN is set to `astronomer.io`"),
        "{err}"
    );
    let doc = read_yaml(&env);
    assert!(doc["contexts"].get("astronomer_io").is_none(), "{doc:#}");
}
