//! Token hygiene, bad input, and proxies: the token never appears where it should not, bad
//! input is refused before any request, and proxies from the environment are honoured.

use std::ffi::OsStr;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use astro_emulator::{Fault, FaultKind};

use crate::common::{TestEnv, stderr, stdout};

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
        } else if let Ok(bytes) = std::fs::read(&path)
            && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        {
            found.push(path.display().to_string());
        }
    }
    found
}

const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";
const REPORTING: &str = "clrg70beo000003cug1mqs4lw";

#[test]
fn the_token_never_appears_in_output_or_files() {
    let env = TestEnv::new();
    let token = env.emu.token();
    let csv = env.home.path().join("rows.csv");
    std::fs::write(
        &csv,
        "email,role\ngrace@example.com,ORGANIZATION_OWNER\nbad,x\n",
    )
    .unwrap();
    let csv = csv.display().to_string();
    let barbara_invite = env.emu.invite_id("barbara@example.com").unwrap();
    let barbara_id = env.user_id("barbara@example.com");
    let team_csv = env.write_file(
        "team-rows.csv",
        "team,email\nPlatform Team,alan@example.com\nNope,x\n",
    );
    let runs: Vec<Vec<&str>> = vec![
        vec!["org", "user", "list"],
        vec!["org", "user", "list", "--json"],
        vec!["org", "user", "list", "--jq", ".users[0]"],
        vec![
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
            "--json",
        ],
        vec![
            "org",
            "user",
            "update",
            "nobody@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ],
        vec!["org", "user", "update", "grace@example.com", "-r", "BAD"],
        vec!["org", "user", "update", "--from-file", &csv],
        vec![
            "org",
            "user",
            "update",
            "--from-file",
            &csv,
            "--skip-invalid",
            "--json",
        ],
        vec!["org", "user", "invite", "grace@example.com"],
        vec!["org", "user", "invite", "fresh@example.com", "--dry-run"],
        vec!["org", "user", "get", "grace@example.com"],
        vec!["org", "user", "get", "grace@example.com", "--json"],
        vec!["org", "user", "invite", "cancel", &barbara_id, "--force"],
        vec![
            "org",
            "user",
            "invite",
            "cancel",
            &barbara_invite,
            "--dry-run",
        ],
        vec![
            "org",
            "user",
            "invite",
            "cancel",
            &barbara_invite,
            "--force",
            "--json",
        ],
        vec![
            "org",
            "user",
            "invite",
            "cancel",
            &barbara_invite,
            "--force",
        ],
        vec!["org", "role", "list"],
        vec!["org", "role", "list", "--scope", "deployment", "--json"],
        vec!["org", "list"],
        vec!["org", "switch", "Example Org"],
        vec!["workspace", "list", "--json"],
        vec!["workspace", "switch", "Analytics"],
        vec!["workspace", "create", "Leak Check", "--json"],
        vec![
            "workspace",
            "update",
            "Leak Check",
            "-d",
            "checked",
            "--json",
        ],
        vec!["workspace", "delete", "Leak Check", "--force", "--json"],
        vec!["workspace", "delete", "Analytics", "--force"],
        vec!["org", "team", "list"],
        vec!["org", "team", "list", "--json", "--members"],
        vec!["org", "team", "get", "Platform Team"],
        vec!["org", "team", "get", "Data Engineering, EU", "--json"],
        vec!["org", "team", "get", "PLATFORM TEAM"],
        vec![
            "org",
            "team",
            "create",
            "Leak Team",
            "--member",
            "grace@example.com",
            "--json",
        ],
        vec![
            "org",
            "team",
            "update",
            "Leak Team",
            "-d",
            "checked",
            "-r",
            "owner",
            "--json",
        ],
        vec!["org", "team", "delete", "Leak Team", "--force", "--json"],
        vec!["org", "team", "delete", "Okta Engineers", "--force"],
        vec![
            "org",
            "team",
            "user",
            "add",
            "Platform Team",
            "alan@example.com",
            "nobody@example.com",
            "--json",
        ],
        vec!["org", "team", "user", "list", "Platform Team"],
        vec!["org", "team", "user", "list", "Platform Team", "--json"],
        vec![
            "org",
            "team",
            "user",
            "remove",
            "Platform Team",
            "alan@example.com",
            "--force",
        ],
        vec![
            "org",
            "team",
            "user",
            "add",
            "Okta Engineers",
            "alan@example.com",
        ],
        vec![
            "org",
            "team",
            "user",
            "add",
            "--from-file",
            &team_csv,
            "--dry-run",
        ],
        vec!["logout"],
        vec![
            "org",
            "user",
            "list",
            "--organization-id",
            "cotherorg0000000000000000",
        ],
        vec!["--help"],
        vec!["org", "token", "create", "Leak token", "-e", "7"],
        vec!["org", "token", "rotate", "Leak token", "--force", "--json"],
        vec![
            "workspace",
            "token",
            "create",
            "Leak ws token",
            "--workspace-id",
            "Analytics",
            "-c",
        ],
        vec![
            "workspace",
            "token",
            "rotate",
            "Leak ws token",
            "--workspace-id",
            "Analytics",
            "--force",
        ],
        vec!["org", "token", "list"],
        vec!["org", "token", "get", "Leak token", "--json"],
        vec!["org", "token", "roles", "Leak token"],
        vec![
            "org",
            "token",
            "update",
            "Leak token",
            "-d",
            "leaks",
            "-r",
            "member",
        ],
        vec![
            "workspace",
            "token",
            "list",
            "--workspace-id",
            "Analytics",
            "--json",
        ],
        vec![
            "workspace",
            "token",
            "get",
            "Leak ws token",
            "--workspace-id",
            "Analytics",
        ],
        vec![
            "workspace",
            "token",
            "update",
            "Leak ws token",
            "-r",
            "author",
            "--workspace-id",
            "Analytics",
        ],
        vec![
            "workspace",
            "token",
            "add",
            "Leak token",
            "-r",
            "member",
            "--workspace-id",
            "Analytics",
        ],
        vec![
            "workspace",
            "token",
            "update-role",
            "Leak token",
            "-r",
            "author",
            "--workspace-id",
            "Analytics",
        ],
        vec![
            "workspace",
            "token",
            "remove",
            "Leak token",
            "-f",
            "--workspace-id",
            "Analytics",
        ],
        vec![
            "deployment",
            "token",
            "create",
            "Leak dep token",
            "--deployment-id",
            INGESTION,
            "-c",
        ],
        vec![
            "deployment",
            "token",
            "rotate",
            "Leak dep token",
            "--force",
            "--json",
            "--deployment-id",
            INGESTION,
        ],
        vec!["deployment", "token", "list", "--deployment-id", INGESTION],
        vec![
            "deployment",
            "token",
            "get",
            "Leak dep token",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "deployment",
            "token",
            "update",
            "Leak dep token",
            "-d",
            "leaks",
            "-r",
            "admin",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "deployment",
            "token",
            "organization-token",
            "add",
            "Leak token",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "deployment",
            "token",
            "organization-token",
            "update",
            "Leak token",
            "-r",
            "Leak Role",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "deployment",
            "token",
            "organization-token",
            "list",
            "--deployment-id",
            INGESTION,
            "--json",
        ],
        vec![
            "deployment",
            "token",
            "organization-token",
            "remove",
            "Leak token",
            "-f",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "deployment",
            "token",
            "workspace-token",
            "add",
            "Leak ws token",
            "-r",
            "admin",
            "--deployment-id",
            REPORTING,
        ],
        vec![
            "deployment",
            "token",
            "workspace-token",
            "update",
            "Leak ws token",
            "-r",
            "Leak Role",
            "--deployment-id",
            REPORTING,
        ],
        vec![
            "deployment",
            "token",
            "workspace-token",
            "list",
            "--deployment-id",
            REPORTING,
        ],
        vec![
            "deployment",
            "token",
            "workspace-token",
            "remove",
            "Leak ws token",
            "-f",
            "--deployment-id",
            REPORTING,
        ],
        vec![
            "deployment",
            "token",
            "delete",
            "Leak dep token",
            "-f",
            "--json",
            "--deployment-id",
            INGESTION,
        ],
        vec![
            "workspace",
            "token",
            "delete",
            "Leak ws token",
            "-f",
            "--workspace-id",
            "Analytics",
        ],
        vec!["org", "token", "delete", "Leak token", "--force", "--json"],
        vec!["auth", "status"],
        vec!["auth", "status", "--json"],
        vec!["version", "--json"],
    ];
    let faults: Vec<fn() -> FaultKind> = vec![
        || FaultKind::Status {
            status: 401,
            retry_after: None,
        },
        || FaultKind::Status {
            status: 500,
            retry_after: None,
        },
        || FaultKind::NonJson {
            status: 502,
            body: "<html>".into(),
        },
        || FaultKind::DropConnection,
        || FaultKind::Truncated,
        || FaultKind::RawBody {
            status: 200,
            body: "{}".into(),
        },
    ];
    let check = |out: &std::process::Output, what: &str| {
        assert!(!stdout(out).contains(&token), "token in stdout of {what}");
        assert!(!stderr(out).contains(&token), "token in stderr of {what}");
    };
    // Deployment roles are checked against ListRoles, which may not be emulated: a 403 (the
    // token may not list roles) lets DEPLOYMENT_ADMIN through and other names unchecked.
    crate::dep_token::roles_unlisted(&env);
    for args in &runs {
        // Every request traced on stderr (`ASTRO_DEBUG=1`, as `--verbose`): still no token.
        let out = env
            .astro()
            .args(args)
            .env("ASTRO_HTTP_TIMEOUT", "2")
            .env("ASTRO_DEBUG", "1")
            .output()
            .unwrap();
        check(&out, &args.join(" "));
    }
    for fault in &faults {
        env.emu.inject(Fault::new(fault()).path("/v1/**").times(10));
        for args in &runs[..4] {
            let out = env
                .astro()
                .args(args)
                .env("ASTRO_HTTP_TIMEOUT", "2")
                .env("ASTRO_DEBUG", "1")
                .output()
                .unwrap();
            check(&out, &format!("{} under a fault", args.join(" ")));
        }
        env.emu.clear_faults();
    }
    // With ASTRO_API_TOKEN nothing may hold the token on disk.
    assert_eq!(
        files_containing(env.home.path(), &token),
        Vec::<String>::new()
    );

    // `login` writes it to the config file, and only there.
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &token])
        .assert()
        .success();
    let config = env.config_path().display().to_string();
    assert_eq!(files_containing(env.home.path(), &token), vec![config]);
}

#[test]
fn invalid_utf8_arguments_are_usage_errors() {
    let env = TestEnv::new();
    let bad = OsStr::from_bytes(b"gr\xffce@example.com");
    let out = env
        .astro()
        .args(["org", "user", "update"])
        .arg(bad)
        .args(["-r", "ORGANIZATION_OWNER"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("UTF-8"), "{}", stderr(&out));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn empty_and_huge_arguments_are_refused_before_any_request() {
    let env = TestEnv::new();
    let huge = format!("{}@example.com", "a".repeat(100_000));
    for args in [
        vec!["org", "user", "update", "", "-r", "ORGANIZATION_OWNER"],
        vec!["org", "user", "update", &huge, "-r", "ORGANIZATION_OWNER"],
        vec!["org", "user", "invite", ""],
        vec!["org", "user", "invite", &huge],
        vec!["org", "user", "invite", "cancel", "", "--force"],
        vec!["org", "user", "invite", "cancel", &huge, "--force"],
        vec!["org", "user", "update", "czz", "-r", "ORGANIZATION_OWNER"],
    ] {
        let out = env.astro().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{:?}", &args[..3]);
        let err = stderr(&out);
        assert!(
            err.len() < 600,
            "the error echoes too much: {} bytes",
            err.len()
        );
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn invalid_utf8_on_stdin_is_refused() {
    use std::io::Write;
    let env = TestEnv::new();
    for args in [
        vec!["org", "user", "update", "--from-file", "-"],
        vec!["login", "--token-login", "-"],
    ] {
        let mut child = env
            .process()
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"email,role\n\xff\xfe,x\n")
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty());
    assert!(!env.config_path().exists());
}

#[test]
fn broken_config_files_are_named_and_never_changed() {
    let env = TestEnv::new();
    let list = |env: &TestEnv| {
        env.bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(["org", "user", "list"])
            .output()
            .unwrap()
    };
    // Empty: as if there were none.
    env.write_config("");
    assert_eq!(list(&env).status.code(), Some(4));
    // Not YAML, or YAML of the wrong shape: exit 1, naming the file, file untouched.
    for text in [
        "context: [unclosed\n",
        "- just\n- a list\n",
        "contexts: 5\n",
        "\u{0}\u{1}binary",
    ] {
        env.write_config(text);
        let out = list(&env);
        assert_eq!(out.status.code(), Some(1), "{text:?}");
        assert!(stderr(&out).contains("config.yaml"), "{}", stderr(&out));
        // Writers refuse too, and leave it as it was.
        let login = env
            .bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(["login", "--token-login", &env.emu.token()])
            .output()
            .unwrap();
        assert_eq!(login.status.code(), Some(1));
        assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), text);
    }
    // Unreadable (a folder where the file should be).
    std::fs::remove_file(env.config_path()).unwrap();
    std::fs::create_dir(env.config_path()).unwrap();
    let out = list(&env);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn proxies_from_the_environment_are_used_and_no_proxy_is_honoured() {
    let env = TestEnv::new();
    // The API URL points at a port nobody listens on; only the proxy (the emulator, which
    // serves absolute-form requests) can answer.
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let api = format!("http://127.0.0.1:{dead}/v1");
    let proxy = env.emu.base_url().trim_end_matches("/v1").to_owned();
    let via_proxy = env
        .astro()
        .env("ASTRO_API_URL", &api)
        .env("HTTP_PROXY", &proxy)
        .env("NO_PROXY", "")
        .args(["org", "user", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(via_proxy.status.code(), Some(0), "{}", stderr(&via_proxy));
    assert!(stdout(&via_proxy).contains("grace@example.com"));
    assert!(!env.api_requests().is_empty());

    let direct = env
        .astro()
        .env("ASTRO_API_URL", &api)
        .env("HTTP_PROXY", &proxy)
        .env("NO_PROXY", "127.0.0.1")
        .args(["org", "user", "list", "--timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(direct.status.code(), Some(1));
    assert!(
        stderr(&direct).contains("could not connect"),
        "{}",
        stderr(&direct)
    );
}

#[test]
fn plain_http_never_goes_through_a_proxy_elsewhere() {
    let env = TestEnv::new();
    // A proxy that is not on this machine (`.invalid` never resolves): with a plain-HTTP API on
    // loopback it must not be used, so the request goes straight to the emulator.
    let out = env
        .astro()
        .env("HTTP_PROXY", "http://proxy.invalid:3128")
        .env("ALL_PROXY", "http://proxy.invalid:3128")
        .env("NO_PROXY", "")
        .args(["org", "user", "list", "--json", "--timeout", "5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("grace@example.com"));
}

#[test]
fn an_identity_provider_without_https_is_refused() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: r#"{"clientId":"x","audience":"y","domainUrl":"http://idp.example.com/"}"#.into(),
        })
        .path("/private/v1alpha1/cli/auth-config"),
    );
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_LOGIN_CALLBACK_PORT", "0")
        .args(["login", "--login-link"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("not HTTPS"), "{}", stderr(&out));
    assert_eq!(env.emu.requests().len(), 1);
    assert!(!env.config_path().exists());
}

#[test]
fn escape_sequences_from_the_server_never_reach_the_terminal() {
    let env = TestEnv::new();
    let page = serde_json::json!({"limit": 1000, "offset": 0, "totalCount": 1, "users": [
        {"id": "cz00000000000000000000001", "username": "x@x.io", "fullName": "Evil\u{1b}]0;owned\u{7}\u{1b}[2J",
         "avatarUrl": "", "status": "ACTIVE", "createdAt": "2024-03-01T10:00:00Z", "updatedAt": "2024-03-01T10:00:00Z"}
    ]});
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: page.to_string(),
        })
        .path("/v1/organizations/*/users"),
    );
    let out = env.astro().args(["org", "user", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !stdout(&out).contains('\u{1b}') && stdout(&out).contains("Evil"),
        "{:?}",
        stdout(&out)
    );
    // JSON keeps the data exact (escaped, so still nothing raw reaches a terminal).
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: page.to_string(),
        })
        .path("/v1/organizations/*/users"),
    );
    let json = env
        .astro()
        .args(["org", "user", "list", "--json"])
        .output()
        .unwrap();
    assert!(stdout(&json).contains("\\u001b"), "{}", stdout(&json));
}
