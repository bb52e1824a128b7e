//! `astro organization user update`.

use astro_emulator::{Fault, FaultKind};
use serde_json::Value;

use crate::common::{TestEnv, query_param, stderr, stdout};

#[test]
fn updates_by_email_with_one_post_of_exactly_the_role() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "organization",
            "user",
            "update",
            "grace@example.com",
            "--role",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated grace@example.com (Grace Hopper): ORGANIZATION_MEMBER -> ORGANIZATION_OWNER\n"
    );
    assert_eq!(stderr(&out), "");
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );

    let requests = env.api_requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    let list = &requests[0];
    assert_eq!(list.method, "GET");
    assert_eq!(
        list.path,
        format!("/v1/organizations/{}/users", env.emu.organization_id())
    );
    assert_eq!(query_param(list, "limit").as_deref(), Some("1000"));
    let post = &requests[1];
    assert_eq!(post.method, "POST");
    assert_eq!(
        post.path,
        format!(
            "/v1/organizations/{}/users/{}/roles",
            env.emu.organization_id(),
            env.user_id("grace@example.com")
        )
    );
    let body: Value = serde_json::from_str(post.body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"organizationRole": "ORGANIZATION_OWNER"})
    );
}

#[test]
fn sends_identifying_headers_and_the_bearer_token() {
    let env = TestEnv::new();
    env.astro()
        .args([
            "org",
            "user",
            "up",
            "alan@example.com",
            "-r",
            "ORGANIZATION_MEMBER",
        ])
        .assert()
        .success();
    for request in env.api_requests() {
        assert_eq!(
            request.authorization.as_deref(),
            Some(format!("Bearer {}", env.emu.token()).as_str())
        );
        let ua = request.user_agent.as_deref().unwrap_or_default();
        assert!(ua.starts_with("astro-cli-rs/"), "{ua}");
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        assert_eq!(header("x-astro-client-identifier").as_deref(), Some("cli"));
        assert_eq!(
            header("x-astro-client-version").as_deref(),
            Some(env!("CARGO_PKG_VERSION"))
        );
        let os = header("x-client-os-identifier").unwrap();
        assert!(os.contains('-') && !os.contains("x86_64"), "{os}");
    }
}

#[test]
fn matches_email_case_insensitively_and_role_in_any_case() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "katherine.johnson@EXAMPLE.com",
            "-r",
            "organization_billing_admin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated Katherine.Johnson@Example.com (Katherine Johnson): ORGANIZATION_OBSERVE_ADMIN -> ORGANIZATION_BILLING_ADMIN\n"
    );
    assert_eq!(
        env.role_of("Katherine.Johnson@Example.com").as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
}

#[test]
fn updates_by_user_id_without_listing() {
    let env = TestEnv::new();
    let id = env.user_id("edsger@example.com");
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            &id,
            "--role",
            "ORGANIZATION_OBSERVE_ADMIN",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["id"], id.as_str());
    assert_eq!(json["email"], "edsger@example.com");
    assert_eq!(json["previousRole"], "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(json["role"], "ORGANIZATION_OBSERVE_ADMIN");
    assert_eq!(json["changed"], true);
    let requests = env.api_requests();
    let methods: Vec<_> = requests
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str()))
        .collect();
    assert_eq!(
        methods,
        vec![
            (
                "GET",
                format!("/v1/organizations/{}/users/{id}", env.emu.organization_id()).as_str()
            ),
            (
                "POST",
                format!(
                    "/v1/organizations/{}/users/{id}/roles",
                    env.emu.organization_id()
                )
                .as_str()
            ),
        ]
    );
}

#[test]
fn same_role_is_reported_and_nothing_is_sent() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "ada@example.com",
            "-r",
            "ORGANIZATION_OWNER",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["changed"], false);
    assert_eq!(json["previousRole"], "ORGANIZATION_OWNER");
    assert!(env.mutations().is_empty());

    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "ada@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "ada@example.com (Ada Lovelace) already has the role ORGANIZATION_OWNER; nothing changed\n"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn unknown_email_is_not_found_with_a_hint_and_no_post() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "nobody@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].starts_with("error: no user `nobody@example.com`"),
        "{err}"
    );
    assert_eq!(
        lines[1],
        "hint: run `astro organization user list` to see its members"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn unknown_user_id_is_not_found() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "czzzzzzzzzzzzzzzzzzzzzzzz",
            "-r",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(env.mutations().is_empty());
}

#[test]
fn invalid_role_is_a_usage_error_listing_roles_before_any_request() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "user", "update", "grace@example.com", "-r", "ADMIN"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for role in [
        "ORGANIZATION_OWNER",
        "ORGANIZATION_OBSERVE_ADMIN",
        "ORGANIZATION_OBSERVE_MEMBER",
        "ORGANIZATION_BILLING_ADMIN",
        "ORGANIZATION_MEMBER",
    ] {
        assert!(err.contains(role), "{err}");
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn missing_role_off_a_terminal_names_the_flag_and_sends_nothing() {
    let env = TestEnv::new();
    for extra in [&[][..], &["--no-input"][..]] {
        let out = env
            .astro()
            .args(["org", "user", "update", "grace@example.com"])
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(stdout(&out), "");
        let err = stderr(&out);
        assert!(err.starts_with("error: the new role is required"), "{err}");
        assert!(err.contains("hint: pass --role ROLE"), "{err}");
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn missing_email_off_a_terminal_names_the_argument() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .env("ASTRO_NO_INPUT", "1")
        .args(["org", "user", "update", "--role", "ORGANIZATION_OWNER"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("EMAIL_OR_ID"), "{}", stderr(&out));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn malformed_email_is_rejected_before_any_request() {
    let env = TestEnv::new();
    for bad in ["grace", "grace@", "a b@example.com", ""] {
        let out = env
            .astro()
            .args(["org", "user", "update", bad, "-r", "ORGANIZATION_OWNER"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn finds_a_user_in_a_large_organization_with_pages_fetched_side_by_side() {
    let env = TestEnv::with_users(2_500);
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "user002400@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(
        env.role_of("user002400@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    let requests = env.api_requests();
    let mut offsets: Vec<String> = requests
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| {
            assert_eq!(query_param(r, "limit").as_deref(), Some("1000"));
            query_param(r, "offset").unwrap()
        })
        .collect();
    offsets.sort();
    assert_eq!(offsets, ["0", "1000", "2000"]);
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn server_error_exits_1_with_its_message_and_request_id() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .method("POST")
        .path("/v1/organizations/*/users/*/roles"),
    );
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("HTTP 500") && err.contains("request ID"),
        "{err}"
    );
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
}

#[test]
fn a_server_role_we_do_not_know_is_shown_as_it_comes() {
    let env = TestEnv::new();
    let body = serde_json::json!({
        "limit": 1000, "offset": 0, "totalCount": 1,
        "users": [{
            "id": "cnewrole00000000000000001", "username": "new@example.com", "fullName": "New Role",
            "avatarUrl": "", "status": "ACTIVE", "createdAt": "2024-01-01T00:00:00Z",
            "updatedAt": "2024-01-01T00:00:00Z", "organizationRole": "ORGANIZATION_FUTURE_ROLE"
        }]
    });
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: body.to_string(),
        })
        .method("GET")
        .path("/v1/organizations/*/users"),
    );
    let out = env
        .astro()
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["users"][0]["orgRole"], "ORGANIZATION_FUTURE_ROLE");
}

#[test]
fn no_input_environment_variable_accepts_the_usual_spellings() {
    let env = TestEnv::new();
    for value in ["1", "true", "yes", "on"] {
        let out = env
            .astro()
            .env("ASTRO_NO_INPUT", value)
            .args(["org", "user", "update", "grace@example.com"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{value}: {}", stderr(&out));
        assert!(stderr(&out).contains("--role"), "{value}");
    }
    assert!(env.emu.requests().is_empty());
}
