//! What a newcomer trips on in the first hour (the items of the "first hour" issue), off a
//! terminal: environment and flags, messages, the demotion guard, scripts. The terminal items
//! are in `pty.rs`.

use std::io::Write;
use std::process::Stdio;

use astro_emulator::{Emulator, Fault, FaultKind};
use serde_json::{Value, json};

use crate::common::{TestEnv, stderr, stdout};

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

// ---------------------------------------------------------------------------------------
// 6–9: environment and flags

#[test]
fn empty_environment_variables_count_as_unset() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .env("ASTRO_HTTP_TIMEOUT", "")
        .env("ASTRO_NO_INPUT", "")
        .env("ASTRO_ORGANIZATION_ID", "")
        .env("ASTRO_DOMAIN", "")
        .env("ASTRO_DEBUG", " ")
        .env("ASTRO_PAGING", "")
        .args(["org", "user", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["users"].as_array().unwrap().len(), 6);
}

#[test]
fn a_bad_environment_value_names_the_variable_not_a_flag() {
    let env = TestEnv::new();
    for (var, value, expected) in [
        (
            "ASTRO_HTTP_TIMEOUT",
            "soon",
            "error: ASTRO_HTTP_TIMEOUT must be a number of seconds from 1 to 3600, not `soon`",
        ),
        (
            "ASTRO_HTTP_TIMEOUT",
            "0",
            "error: ASTRO_HTTP_TIMEOUT must be a number of seconds from 1 to 3600, not `0`",
        ),
        (
            "ASTRO_NO_INPUT",
            "maybe",
            "error: ASTRO_NO_INPUT must be 1, true, yes, on, 0, false, no or off, not `maybe`",
        ),
        (
            "ASTRO_DEBUG",
            "loud",
            "error: ASTRO_DEBUG must be 1, true, yes, on, 0, false, no or off, not `loud`",
        ),
        (
            "ASTRO_ORGANIZATION_ID",
            "c1 c2",
            "error: ASTRO_ORGANIZATION_ID: `c1 c2` is not an ID",
        ),
    ] {
        let out = env
            .astro()
            .env(var, value)
            .args(["org", "user", "update", "grace@example.com", "-r", "owner"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let err = stderr(&out);
        assert!(err.starts_with(expected), "{var}={value}: {err}");
        assert!(
            !err.contains("--timeout") && !err.contains("--no-input"),
            "{err}"
        );
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn values_are_trimmed() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let out = env
        .astro()
        .env("ASTRO_ORGANIZATION_ID", format!("  {org}\n"))
        .env("ASTRO_HTTP_TIMEOUT", " 5 ")
        .env("ASTRO_API_URL", format!(" {} ", env.emu.base_url()))
        .args(["org", "user", "list", "--jq", ".users | length"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "6\n");
    let paths: Vec<String> = env.api_requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths, [format!("/v1/organizations/{org}/users")]);
}

#[test]
fn a_refused_organization_is_named_quoted_with_its_source() {
    let env = TestEnv::new();
    let out = env.run(&["org", "user", "list", "--organization-id", "cnotmine"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).ends_with(
            "\nhint: check that the token belongs to Organization `cnotmine` (from --organization-id) and may do this\n"
        ),
        "{}",
        stderr(&out)
    );
    let out = env
        .astro()
        .env("ASTRO_ORGANIZATION_ID", " cnotmine ")
        .args(["org", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        stderr(&out).contains("Organization `cnotmine` (from ASTRO_ORGANIZATION_ID)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_empty_id_flag_is_an_error_never_a_fallback() {
    let env = TestEnv::new();
    for args in [
        &["org", "user", "list", "--organization-id", ""][..],
        &["org", "user", "list", "--organization-id", "  "][..],
        &["org", "switch", "Example Org", "-w", ""][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("the ID is empty (an unset shell variable?)"),
            "{}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn an_api_url_without_v1_gets_a_hint_naming_the_variable() {
    let env = TestEnv::new();
    let base = env.emu.base_url();
    let bare = base.trim_end_matches("/v1");
    let out = env
        .astro()
        .env("ASTRO_API_URL", bare)
        .args(["org", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "error: ASTRO_API_URL `{bare}` is not a v1 API base: its path must end in /v1\nhint: set ASTRO_API_URL to the API's base URL, such as {bare}/v1\n"
        )
    );
    assert!(env.emu.requests().is_empty());
}

#[test]
fn global_flags_a_command_does_not_take_are_refused() {
    let env = TestEnv::new();
    let out = env.run(&["completion", "bash", "--organization-id", "cx"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --organization-id does not apply to `astro completion`\nhint: see `astro completion --help` for the flags it takes\n"
    );
    let out = env.run(&["auth", "token", "--jq", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--jq does not apply to `astro auth token`"));
    assert_eq!(stdout(&out), "");
}

// ---------------------------------------------------------------------------------------
// 10: the first message

#[test]
fn no_token_says_run_astro_login_and_names_the_config_file() {
    let env = TestEnv::new();
    let out = env.bare().args(["org", "user", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    let config = env.config_path();
    assert_eq!(
        stderr(&out),
        format!(
            "error: not logged in: no API token in ASTRO_API_TOKEN or in {}\nhint: run `astro login`, or set ASTRO_API_TOKEN to an Astro API token\n",
            config.display()
        )
    );
}

// ---------------------------------------------------------------------------------------
// 11, 14: --jq

#[test]
fn a_jq_typo_never_prints_the_data() {
    let env = TestEnv::with_users(300);
    let out = env.run(&["org", "user", "list", "--jq", ".users.email"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: --jq expression failed: cannot index array with \"email\"\n"
    );
}

#[test]
fn compact_jq_output_feeds_a_bulk_update() {
    let env = TestEnv::new();
    let listed = env
        .astro()
        .args([
            "org",
            "user",
            "list",
            "--status",
            "active",
            "--jq",
            ".users[] | select(.orgRole == \"ORGANIZATION_OBSERVE_MEMBER\") | {email, role: \"ORGANIZATION_OBSERVE_ADMIN\", fullName}",
            "--compact",
        ])
        .output()
        .unwrap();
    assert_eq!(listed.status.code(), Some(0), "{}", stderr(&listed));
    let rows = stdout(&listed);
    assert_eq!(
        rows,
        "{\"email\":\"edsger@example.com\",\"role\":\"ORGANIZATION_OBSERVE_ADMIN\",\"fullName\":\"Edsger Dijkstra\"}\n"
    );
    let mut child = env
        .process()
        .args(["org", "user", "update", "--from-file", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(rows.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("edsger@example.com").as_deref(),
        Some("ORGANIZATION_OBSERVE_ADMIN")
    );
    assert_eq!(stderr(&out), "1 changed (1 row)\n");
}

#[test]
fn compact_json_and_jq_formats() {
    let env = TestEnv::new();
    let out = env.run(&["org", "list", "--compact"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("{\"organizations\":[{"), "{text}");
    let out = env
        .astro()
        .env("TEAM", "platform")
        .args([
            "org",
            "user",
            "list",
            "--jq",
            ".users[:2][] | [.email, .fullName, $ENV.TEAM] | @tsv",
        ])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&out),
        "ada@example.com\tAda Lovelace\tplatform\ngrace@example.com\tGrace Hopper\tplatform\n"
    );
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "list",
            "--jq",
            ".users[0] | [.email, .orgRole] | @csv",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "\"ada@example.com\",\"ORGANIZATION_OWNER\"\n");
}

// ---------------------------------------------------------------------------------------
// 5: tables off a terminal

#[test]
fn no_headers_and_an_empty_result() {
    let env = TestEnv::new();
    let out = env.run(&["org", "user", "list", "--no-headers", "--status", "pending"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.starts_with("Barbara Liskov\tbarbara@example.com\t"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
    let out = env.run(&["org", "user", "list", "--status", "banned"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert_eq!(stderr(&out), "no members match\n");
    let out = env.run(&["org", "list", "--no-headers"]);
    let text = stdout(&out);
    assert!(!text.contains("NAME"), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("Example Org\t")),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------
// 12: demoting yourself or the last owner

#[test]
fn demoting_the_last_owner_needs_force_off_a_terminal() {
    let env = TestEnv::new();
    let out = env.run(&["org", "user", "update", "ada@example.com", "-r", "member"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: this leaves the Organization with no ACTIVE ORGANIZATION_OWNER (it has 1 now); nothing was sent\nhint: pass --force to change it anyway\n"
    );
    assert!(env.mutations().is_empty());
    // By ID too (the member list is read only for this check).
    let ada = env.user_id("ada@example.com");
    let out = env.run(&["org", "user", "update", &ada, "-r", "member"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(env.mutations().is_empty());
    let out = env.run(&[
        "org", "user", "update", &ada, "-r", "member", "--force", "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("ada@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
    let bodies: Vec<Value> = env
        .mutations()
        .into_iter()
        .map(|r| serde_json::from_str(r.body.as_deref().unwrap()).unwrap())
        .collect();
    assert_eq!(bodies, [json!({"organizationRole": "ORGANIZATION_MEMBER"})]);
}

#[test]
fn demoting_an_owner_who_is_not_the_last_needs_nothing() {
    let env = TestEnv::new();
    env.astro()
        .args(["org", "user", "update", "grace@example.com", "-r", "owner"])
        .assert()
        .success();
    let out = env.run(&["org", "user", "update", "ada@example.com", "-r", "member"]);
    // The default token is an API token: it is no user, so only the last-owner rule applies.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        !env.api_requests()
            .iter()
            .any(|r| r.path == "/v1/users/self"),
        "an API token needs no GetSelfUser"
    );
}

#[test]
fn demoting_yourself_with_a_login_needs_force() {
    let env = TestEnv::new();
    env.astro()
        .args(["org", "user", "update", "grace@example.com", "-r", "owner"])
        .assert()
        .success();
    // The emulator's user token is Ada's browser login.
    let login = env.emu.user_token();
    let org = env.emu.organization_id();
    let run = |extra: &[&str]| {
        env.astro()
            .env("ASTRO_API_TOKEN", &login)
            .args(["org", "user", "update", "ada@example.com", "-r", "member"])
            .args(["--organization-id", &org])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: this demotes you (ada@example.com) from ORGANIZATION_OWNER to ORGANIZATION_MEMBER; nothing was sent\nhint: pass --force to change it anyway\n"
    );
    assert_eq!(
        env.role_of("ada@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    let out = run(&["--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("ada@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
}

#[test]
fn a_bulk_run_that_removes_every_owner_needs_force() {
    let env = TestEnv::new();
    let file = env.write_file(
        "roles.csv",
        "email,role\ngrace@example.com,billing_admin\nada@example.com,member\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no ACTIVE ORGANIZATION_OWNER"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    // Promoting someone in the same file keeps an owner: no question.
    let file = env.write_file(
        "swap.csv",
        "email,role\nada@example.com,member\ngrace@example.com,owner\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    assert_eq!(
        env.role_of("ada@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
}

// ---------------------------------------------------------------------------------------
// 15, 16: bulk results and input

#[test]
fn bulk_invite_rows_have_the_single_invites_keys() {
    let env = TestEnv::new();
    let file = env.write_file(
        "invites.csv",
        "email,role\nnew.one@example.com,member\ngrace@example.com,owner\n",
    );
    let out = env.run(&["org", "user", "invite", "--from-file", &file, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = json_lines(&stdout(&out));
    assert_eq!(rows.len(), 2);
    let single_keys = [
        "inviteId",
        "email",
        "role",
        "expiresAt",
        "userId",
        "changed",
        "alreadyMember",
    ];
    for row in &rows {
        for key in single_keys.iter().chain(&["line", "result", "message"]) {
            assert!(row.get(key).is_some(), "{key} missing from {row}");
        }
    }
    assert_eq!(rows[0]["result"], "invited");
    assert!(rows[0]["inviteId"].is_string() && rows[0]["expiresAt"].is_string());
    assert_eq!(rows[0]["userId"], json!(env.user_id("new.one@example.com")));
    assert_eq!(rows[1]["result"], "already_member");
    assert_eq!(rows[1]["userId"], json!(env.user_id("grace@example.com")));
    assert_eq!(rows[1]["changed"], json!(false));
    // The same person invited alone: the same keys and the same exit code.
    let single = env.run(&[
        "org",
        "user",
        "invite",
        "grace@example.com",
        "-r",
        "owner",
        "--json",
    ]);
    assert_eq!(single.status.code(), Some(0));
    let single: Value = serde_json::from_str(&stdout(&single)).unwrap();
    for key in single_keys {
        assert_eq!(single[key], rows[1][key], "{key}");
    }
    let invites = env
        .mutations()
        .into_iter()
        .filter(|r| r.path.ends_with("/invites"))
        .count();
    assert_eq!(invites, 1, "only the new person is invited");
}

#[test]
fn bulk_update_rows_have_the_single_updates_keys_in_file_order() {
    // Jitter makes later rows finish first; the results still come in file order.
    let emu = Emulator::builder()
        .users(40)
        .jitter(std::time::Duration::from_millis(40))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let mut csv = String::from("email,role\n");
    for i in 1..=24 {
        csv.push_str(&format!("user{i:06}@example.com,observe_member\n"));
    }
    let file = env.write_file("many.csv", &csv);
    let out = env.run(&[
        "org",
        "user",
        "update",
        "--from-file",
        &file,
        "--json",
        "--concurrency",
        "8",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = json_lines(&stdout(&out));
    let lines: Vec<u64> = rows.iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, (2..=25).collect::<Vec<u64>>());
    let single = env.run(&[
        "org",
        "user",
        "update",
        "user000001@example.com",
        "-r",
        "member",
        "--json",
    ]);
    let single: Value = serde_json::from_str(&stdout(&single)).unwrap();
    let keys = |v: &Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.retain(|k| !["line", "result", "message"].contains(&k.as_str()));
        k
    };
    assert_eq!(keys(&rows[0]), keys(&single));
    assert_eq!(rows[0]["role"], "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(rows[0]["changed"], json!(true));
}

#[test]
fn json_lines_ignore_unknown_keys_and_arrays_are_refused() {
    let env = TestEnv::new();
    let file = env.write_file("rows.jsonl",
        "{\"email\":\"grace@example.com\",\"role\":\"owner\",\"fullName\":\"Grace Hopper\",\"team\":\"x\"}\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    assert_eq!(stderr(&out), "1 changed (1 row)\n");

    let file = env.write_file(
        "rows.json",
        "[{\"email\":\"alan@example.com\",\"role\":\"owner\"}]\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("holds a JSON array"), "{err}");
    assert!(err.contains("hint: use JSON lines"), "{err}");
}

#[test]
fn an_unterminated_quote_is_reported_and_nothing_sent() {
    let env = TestEnv::new();
    let file = env.write_file("rows.csv",
        "email,role\ngrace@example.com,owner\n\"alan@example.com,member\nedsger@example.com,member\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 3: a quoted value opened here is never closed"),
        "{}",
        stderr(&out)
    );
    assert!(env.emu.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// 17: --verbose

#[test]
fn verbose_shows_every_request_and_retry_never_the_token() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 503,
            retry_after: Some("0".into()),
        })
        .path("/v1/organizations/*/users")
        .times(1),
    );
    let out = env.run(&[
        "org",
        "user",
        "update",
        "grace@example.com",
        "-r",
        "owner",
        "--verbose",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    let org = env.emu.organization_id();
    let base = env.emu.base_url();
    assert!(
        lines[0].starts_with(&format!(
            "> GET {base}/organizations/{org}/users?limit=1000&offset=0&sorts=createdAt%3Aasc&sorts=id%3Aasc -> 503 in "
        )),
        "{err}"
    );
    assert!(lines[0].contains("(request ID "), "{err}");
    assert!(
        lines[1].starts_with("  retrying in ") && lines[1].ends_with("(attempt 2 of 4)"),
        "{err}"
    );
    assert!(lines[2].contains("-> 200 in "), "{err}");
    assert!(
        lines[3].starts_with(&format!("> POST {base}/organizations/{org}/users/")),
        "{err}"
    );
    assert!(lines[3].contains("/roles -> 200 in "), "{err}");
    assert!(!err.contains(&env.emu.token()));
    assert_eq!(
        stdout(&out),
        "Updated grace@example.com (Grace Hopper): ORGANIZATION_MEMBER -> ORGANIZATION_OWNER\n"
    );

    // ASTRO_DEBUG=1 is the same; a refused connection gives its cause.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = env
        .astro()
        .env("ASTRO_DEBUG", "1")
        .env("ASTRO_API_URL", format!("http://127.0.0.1:{port}/v1"))
        .args(["org", "user", "list", "--timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("-> failed after"), "{err}");
    assert!(err.to_lowercase().contains("connection refused"), "{err}");
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("error: could not connect"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------
// 18: version, auth status, help

#[test]
fn version_as_text_and_json() {
    let env = TestEnv::new();
    let out = env.bare().args(["version"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let out = env.bare().args(["version", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert!(json["platform"].as_str().unwrap().contains('-'));
    // `astro 0.1.0 (1a2b3c4 x86_64-unknown-linux-gnu)`: the commit this checkout is at (or
    // `unknown` outside git) and the target the test binaries were built for.
    let commit = json["commit"].as_str().unwrap();
    assert!(
        commit == "unknown" || (commit.len() == 7 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    if let Ok(git) = std::process::Command::new("git")
        .args([
            "-C",
            env!("CARGO_MANIFEST_DIR"),
            "rev-parse",
            "--short=7",
            "HEAD",
        ])
        .output()
        && git.status.success()
    {
        assert_eq!(commit, String::from_utf8_lossy(&git.stdout).trim());
    }
    let target = json["target"].as_str().unwrap();
    assert!(target.split('-').count() >= 3, "{target}");
    assert_eq!(
        text,
        format!("astro {} ({commit} {target})\n", env!("CARGO_PKG_VERSION"))
    );
    // `--version` says the same.
    let out = env.bare().arg("--version").output().unwrap();
    assert_eq!(stdout(&out), text);
    assert!(env.emu.requests().is_empty());
}

#[test]
fn auth_status_with_an_api_token_from_the_environment() {
    let env = TestEnv::new();
    let out = env.run(&["auth", "status", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json,
        json!({
            "kind": "api-token",
            "source": "ASTRO_API_TOKEN",
            "email": null,
            "fullName": null,
            "organizationId": env.emu.organization_id(),
            "organizationName": "Example Org",
            "workspaceId": null,
            "expiresAt": null,
            "expired": false,
            "apiUrl": env.emu.base_url(),
            "warnings": [],
        })
    );
    assert!(!stdout(&out).contains(&env.emu.token()));
    let text = env.run(&["auth", "status"]);
    let text = stdout(&text);
    assert!(text.starts_with("Using an API token\n"), "{text}");
    assert!(
        text.contains(&format!(
            "organization: Example Org ({})",
            env.emu.organization_id()
        )),
        "{text}"
    );
    assert!(text.contains("expires:      never"), "{text}");
}

#[test]
fn auth_status_of_a_stored_browser_login() {
    let env = TestEnv::new();
    let login = env.emu.user_token();
    let org = env.emu.organization_id();
    env.write_config(&format!(
        "context: astronomer.io\ncontexts:\n  astronomer_io:\n    domain: astronomer.io\n    token: Bearer {login}\n    organization: {org}\n    workspace: cws1\n"
    ));
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["auth", "status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["kind"], "login");
    assert_eq!(json["email"], "ada@example.com");
    assert_eq!(json["fullName"], "Ada Lovelace");
    assert_eq!(
        json["source"],
        format!(
            "config context astronomer.io ({})",
            env.config_path().display()
        )
    );
    assert_eq!(json["workspaceId"], "cws1");
    assert!(json["expiresAt"].is_string());
    assert!(!stdout(&out).contains(&login));
}

#[test]
fn auth_status_when_not_logged_in_is_exit_4() {
    let env = TestEnv::new();
    let out = env.bare().args(["auth", "status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("hint: run `astro login`"));
}

// ---------------------------------------------------------------------------------------
// 19: role names

#[test]
fn short_role_names_and_suggestions_whatever_the_case() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "user",
        "update",
        "alan@example.com",
        "-r",
        "Observe_Admin",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.role_of("alan@example.com").as_deref(),
        Some("ORGANIZATION_OBSERVE_ADMIN")
    );
    let out = env.run(&[
        "org",
        "user",
        "update",
        "alan@example.com",
        "-r",
        "organization_ownr",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("did you mean ORGANIZATION_OWNER?"), "{err}");
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "list",
            "--role",
            "observe_member",
            "--jq",
            ".users[].email",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "edsger@example.com\n");
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "list",
            "--role",
            "OWNER",
            "--jq",
            ".users[].email",
        ])
        .output()
        .unwrap();
    assert_eq!(stdout(&out), "ada@example.com\n");
    assert_eq!(env.mutations().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Found in review

#[test]
fn demotions_wait_for_promotions_and_are_held_back_when_they_fail() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 400,
            retry_after: None,
        })
        .method("POST")
        .path(format!("/v1/organizations/*/users/{grace}/roles")),
    );
    let file = env.write_file(
        "swap.csv",
        "email,role\nada@example.com,member\ngrace@example.com,owner\nalan@example.com,observe_admin\n",
    );
    let out = env.run(&["org", "user", "update", "--from-file", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = json_lines(&stdout(&out));
    let results: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r["email"].as_str().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        results,
        [
            ("ada@example.com", "failed"),
            ("grace@example.com", "failed"),
            ("alan@example.com", "changed"),
        ]
    );
    assert!(
        rows[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("not sent:")
    );
    // Ada is still the Owner; the promotion went first, the demotion was never sent.
    assert_eq!(
        env.role_of("ada@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    let ada = env.user_id("ada@example.com");
    let posts: Vec<String> = env.mutations().into_iter().map(|r| r.path).collect();
    assert!(posts[0].contains(&grace), "{posts:?}");
    assert!(!posts.iter().any(|p| p.contains(&ada)), "{posts:?}");
}

#[test]
fn a_jq_failure_in_a_bulk_run_stops_starting_rows_and_accounts_for_all() {
    let emu = Emulator::builder()
        .users(10)
        .latency(std::time::Duration::from_millis(50))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let mut csv = String::from("email,role\n");
    for i in 1..=6 {
        csv.push_str(&format!("user{i:06}@example.com,owner\n"));
    }
    let file = env.write_file("rows.csv", &csv);
    let out = env.run(&[
        "org",
        "user",
        "update",
        "--from-file",
        &file,
        "--concurrency",
        "2",
        "--jq",
        ".id | tonumber",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("a result could not be printed"), "{err}");
    assert!(
        err.contains("(6 rows)"),
        "every row is accounted for: {err}"
    );
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("error: --jq expression failed"),
        "{err}"
    );
    assert!(!err.contains("user00000"), "no data in the error: {err}");
    let sent = env.mutations().len();
    assert!(sent < 6, "rows kept being started: {sent}");
}

#[test]
fn environment_values_a_command_does_not_use_are_not_read() {
    let env = TestEnv::new();
    for (var, args) in [
        ("ASTRO_HTTP_TIMEOUT", &["version"][..]),
        ("ASTRO_DEBUG", &["completion", "bash"][..]),
        ("ASTRO_ORGANIZATION_ID", &["logout"][..]),
    ] {
        let out = env
            .bare()
            .env(var, "not valid")
            .args(args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{var} broke {args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn verbose_traces_login_too() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token(), "--verbose"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.lines()
            .any(|l| l.starts_with("> GET ") && l.contains("/organizations/")),
        "{err}"
    );
    assert!(!err.contains(&env.emu.token()));
}

#[test]
fn auth_status_reports_an_expired_token_and_a_refused_organization() {
    let env = TestEnv::new();
    let expired = env.emu.mint_token(astro_emulator::TokenOptions {
        expires_at: Some(1_000),
        ..Default::default()
    });
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &expired)
        .args(["auth", "status", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["expired"], json!(true));
    assert_eq!(json["expiresAt"], "1970-01-01T00:16:40Z");
    assert!(
        stderr(&out).starts_with("error: the API token has expired"),
        "{}",
        stderr(&out)
    );
    assert!(env.emu.requests().is_empty());

    let out = env.run(&["auth", "status", "--json", "--organization-id", "cnotmine"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["organizationId"], "cnotmine");
    assert_eq!(json["organizationName"], Value::Null);
    assert!(
        json["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("cannot read the Organization"),
        "{json}"
    );
}

#[test]
fn jq_env_never_shows_the_token() {
    let env = TestEnv::new();
    let out = env.run(&[
        "version",
        "--jq",
        "[$ENV.ASTRO_API_TOKEN, env.ASTRO_API_TOKEN]",
        "--compact",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "[null,null]\n");
}

#[test]
fn a_dry_run_of_a_risky_change_warns_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "user",
        "update",
        "ada@example.com",
        "-r",
        "member",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would update ada@example.com (Ada Lovelace): ORGANIZATION_OWNER -> ORGANIZATION_MEMBER (dry run: nothing sent)\n"
    );
    assert!(
        stderr(&out).starts_with("warning: this leaves the Organization with no ACTIVE"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn the_api_url_hint_keeps_the_path() {
    let env = TestEnv::new();
    let gateway = format!("{}/astro", env.emu.base_url().trim_end_matches("/v1"));
    let out = env
        .astro()
        .env("ASTRO_API_URL", &gateway)
        .args(["org", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).ends_with(&format!("such as {gateway}/v1\n")),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_empty_organization_argument_to_switch_is_refused_before_any_request() {
    let env = TestEnv::new();
    let out = env.run(&["org", "switch", " "]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is empty (an unset shell variable?)"),
        "{}",
        stderr(&out)
    );
    assert!(env.emu.requests().is_empty());
}

#[test]
fn a_tls_failure_gives_its_cause_and_is_not_retried() {
    use std::io::{Read, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { break };
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
        }
    });
    let env = TestEnv::new();
    let out = env
        .astro()
        .env("ASTRO_API_URL", format!("https://127.0.0.1:{port}/v1"))
        .args(["org", "user", "list", "--timeout", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!("error: a secure connection to the Astro API at https://127.0.0.1:{port} could not be made: ")),
        "{err}"
    );
    assert_eq!(
        accepted.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "{err}"
    );
}
