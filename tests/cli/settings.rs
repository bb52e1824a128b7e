//! Where the token, the Organization and the API URL come from, and what happens when they
//! are missing or wrong: each a clear error, the documented exit code, and no request.

use astro_emulator::TokenOptions;

use crate::common::{TestEnv, forged_token, stderr, stdout};

const LIST: [&str; 3] = ["org", "user", "list"];

#[test]
fn no_token_anywhere_is_exit_4_with_a_hint() {
    let env = TestEnv::new();
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(err.starts_with("error: not logged in"), "{err}");
    assert!(
        err.contains("\nhint: ") && err.contains("ASTRO_API_TOKEN"),
        "{err}"
    );
    assert!(env.emu.requests().is_empty());
}

#[test]
fn expired_token_is_exit_4_before_any_request() {
    let env = TestEnv::new();
    let token = env.emu.mint_token(TokenOptions {
        expires_at: Some(1_000_000_000),
        ..TokenOptions::default()
    });
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &token)
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("expired"), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&token));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn malformed_token_is_exit_4_before_any_request() {
    let env = TestEnv::new();
    for bad in ["not-a-jwt", "a.b", "e30.!!!.sig", "e30.W10.sig"] {
        let out = env
            .astro()
            .env("ASTRO_API_TOKEN", bad)
            .args(LIST)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(4), "{bad}");
        assert!(
            !stderr(&out).contains(bad),
            "token echoed: {}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn organization_the_token_does_not_cover_is_exit_4() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(LIST)
        .args(["--organization-id", "cotherorg0000000000000000"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 403"), "{}", stderr(&out));
    let requests = env.api_requests();
    assert_eq!(requests.len(), 1);
    assert!(
        requests[0]
            .path
            .starts_with("/v1/organizations/cotherorg0000000000000000/")
    );
}

#[test]
fn organization_from_environment_variable() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .env("ASTRO_ORGANIZATION_ID", "cenvorg000000000000000000")
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(
        env.api_requests()[0]
            .path
            .contains("/cenvorg000000000000000000/")
    );
}

#[test]
fn unknown_token_is_exit_4() {
    let env = TestEnv::new();
    let forged = forged_token(&env.emu.organization_id());
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &forged)
        .args(["--organization-id", &env.emu.organization_id()])
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 401"));
}

#[test]
fn token_and_organization_from_the_go_cli_config_file() {
    let env = TestEnv::new();
    env.write_config(&format!(
        "context: astronomer.io\ncontexts:\n  astronomer_io:\n    domain: astronomer.io\n    organization: {}\n    token: Bearer {}\n    workspace: cws\n",
        env.emu.organization_id(),
        env.emu.token()
    ));
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("grace@example.com"));
    assert_eq!(
        env.api_requests()[0].authorization.as_deref(),
        Some(format!("Bearer {}", env.emu.token()).as_str())
    );
}

#[test]
fn astro_home_overrides_home_for_the_config_file() {
    let env = TestEnv::new();
    let other = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(other.path().join(".astro")).unwrap();
    std::fs::write(
        other.path().join(".astro/config.yaml"),
        format!(
            "context: astronomer.io\ncontexts:\n  astronomer_io:\n    token: Bearer {}\n",
            env.emu.token()
        ),
    )
    .unwrap();
    let out = env
        .bare()
        .env("ASTRO_HOME", other.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn unparsable_config_file_is_named_and_left_alone() {
    let env = TestEnv::new();
    let broken = "context: astronomer.io\ncontexts:\n  astronomer_io: [unclosed\n";
    env.write_config(broken);
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("config.yaml") && err.starts_with("error: "),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(env.config_path()).unwrap(), broken);
    assert!(env.emu.requests().is_empty());
}

#[test]
fn plain_http_to_a_remote_host_is_refused_before_sending() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .env("ASTRO_API_URL", "http://api.example.com/v1")
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("plain HTTP"), "{err}");
    assert!(!err.contains(&env.emu.token()));
}

#[test]
fn connection_refused_is_exit_1_naming_the_server() {
    let env = TestEnv::new();
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let out = env
        .astro()
        .env("ASTRO_API_URL", format!("http://127.0.0.1:{port}/v1"))
        .args(LIST)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("could not connect") && err.contains(&port.to_string()),
        "{err}"
    );
}

#[test]
fn a_response_that_never_comes_times_out_with_exit_1() {
    use astro_emulator::{Fault, FaultKind};
    let env = TestEnv::new();
    env.emu
        .inject(Fault::new(FaultKind::Hang).path("/v1/organizations/*/users"));
    let out = env
        .astro()
        .args(LIST)
        .args(["--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err, "error: the request timed out after 1 s\n");
}

#[test]
fn timeout_must_be_a_sensible_number_of_seconds() {
    let env = TestEnv::new();
    for bad in ["0", "-1", "abc", "100000"] {
        let out = env
            .astro()
            .env("ASTRO_HTTP_TIMEOUT", bad)
            .args(LIST)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
    assert!(env.emu.requests().is_empty());
}
