//! `astro organization token list|get|roles|update|delete` (`org to ls|get|roles|up|de`): the
//! Organization's own API tokens. Seeded: "CI deploy" (ORGANIZATION_OWNER, never expires),
//! "Platform automation" (ORGANIZATION_MEMBER, WORKSPACE_OPERATOR in Data Platform, created by
//! CI deploy), "Nightly export" (ORGANIZATION_MEMBER, expiring 5.5 days after the emulator
//! starts); "Analytics reporting" (Analytics) and "Legacy sync" (Data Platform, expired) are
//! Workspace tokens, never touched here. TestEnv authenticates with a minted Organization token
//! that is none of these; the token-in-use test sets ASTRO_API_TOKEN to CI deploy's secret.

use std::io::{Read, Write};

use astro_emulator::{ApiTokenSnapshot, Emulator, Seed, SeedApiToken, SeedDeploymentRole};
use serde_json::{Value, json};

use crate::common::{TestEnv, bodies, json_of, query_param, requests, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const CI_DEPLOY: &str = "clrize000000001l88aik0i0y";
const ANALYTICS_REPORTING: &str = "clrj1j5s0000002l8qgdd6wpp";
const PLATFORM_AUTOMATION: &str = "clrj3obk0000003l8trly6hth";
const NIGHTLY_EXPORT: &str = "clrj5thc0000004l84xzwvilu";
const LEGACY_SYNC: &str = "clrj7yn40000005l8r081g9oq";

const TABLE_HEADER: [&str; 8] = [
    "NAME",
    "ID",
    "DESCRIPTION",
    "SCOPE",
    "ROLE",
    "EXPIRES",
    "CREATED BY",
    "CREATE DATE",
];

/// The seeded tokens' secrets: none may ever be printed.
fn secrets(env: &TestEnv) -> Vec<String> {
    [
        CI_DEPLOY,
        ANALYTICS_REPORTING,
        PLATFORM_AUTOMATION,
        NIGHTLY_EXPORT,
        LEGACY_SYNC,
    ]
    .iter()
    .filter_map(|id| env.emu.api_token_secret(id))
    .collect()
}

/// Runs `astro ARGS` and checks that no API-token secret is in its output.
fn run(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let out = env.run(args);
    for secret in secrets(env) {
        assert!(
            !stdout(&out).contains(&secret) && !stderr(&out).contains(&secret),
            "a secret in the output of {args:?}"
        );
    }
    out
}

fn tokens_path(env: &TestEnv) -> String {
    format!("/v1/organizations/{}/tokens", env.emu.organization_id())
}

/// `METHOD PATH` of every API request that changes something.
fn mutations(env: &TestEnv) -> Vec<String> {
    env.mutations()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// A token's roles in the emulator, as `TYPE ENTITY ROLE` lines in the API's order.
fn roles_of(env: &TestEnv, name: &str) -> Vec<String> {
    env.emu
        .api_token(name)
        .unwrap_or_else(|| panic!("no token {name}"))
        .roles
        .iter()
        .map(|r| format!("{} {} {}", r.entity_type, r.entity_id, r.role))
        .collect()
}

fn names(json: &Value) -> Vec<&str> {
    json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// Every seeded token, live or not, as the emulator holds it.
fn all_tokens(env: &TestEnv) -> Vec<ApiTokenSnapshot> {
    [
        CI_DEPLOY,
        ANALYTICS_REPORTING,
        PLATFORM_AUTOMATION,
        NIGHTLY_EXPORT,
        LEGACY_SYNC,
    ]
    .iter()
    .map(|id| env.emu.api_token_by_id(id).unwrap())
    .collect()
}

/// Stdout split into tab-separated cells.
fn cells(out: &std::process::Output) -> Vec<Vec<String>> {
    stdout(out)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

fn assert_workspace_token_refused(out: &std::process::Output, args: &[&str]) {
    assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(out));
    assert!(stdout(out).is_empty(), "{args:?}: {}", stdout(out));
    let err = stderr(out);
    assert!(
        err.contains(&format!(
            "names API token `{ANALYTICS_REPORTING}`, which is not an Organization API token"
        )),
        "{args:?}: {err}"
    );
    assert!(
        err.contains(&format!(
            "hint: it is a Workspace API token: use `astro workspace token …` with --workspace-id {ANALYTICS}"
        )),
        "{args:?}: {err}"
    );
}

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_only_the_organization_tokens_with_their_organization_role() {
    let env = TestEnv::new();
    let out = run(&env, &["org", "to", "ls", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let json = json_of(&out);
    let nightly = env.emu.api_token("Nightly export").unwrap();
    assert_eq!(
        json,
        json!({"tokens": [
            {
                "id": CI_DEPLOY,
                "name": "CI deploy",
                "description": "Deploys from CI",
                "scope": "ORGANIZATION",
                "role": "ORGANIZATION_OWNER",
                "expiresAt": null,
                "createdAt": "2024-01-18T09:00:00Z",
                "createdBy": "ada@example.com",
                "lastUsedAt": null
            },
            {
                "id": NIGHTLY_EXPORT,
                "name": "Nightly export",
                "description": "Exports usage every night",
                "scope": "ORGANIZATION",
                "role": "ORGANIZATION_MEMBER",
                "expiresAt": nightly.end_at.as_deref().unwrap(),
                "createdAt": nightly.created_at,
                "createdBy": "ada@example.com",
                "lastUsedAt": null
            },
            {
                "id": PLATFORM_AUTOMATION,
                "name": "Platform automation",
                "description": "Terraform for the platform",
                "scope": "ORGANIZATION",
                // Its Organization role, not its role in Data Platform.
                "role": "ORGANIZATION_MEMBER",
                "expiresAt": null,
                "createdAt": "2024-01-18T11:00:00Z",
                "createdBy": "CI deploy",
                "lastUsedAt": null
            }
        ]})
    );
    // Everything the emulator has of Organization scope, and nothing of a Workspace's.
    let mut org_ids: Vec<String> = env
        .emu
        .api_tokens()
        .into_iter()
        .filter(|t| t.scope == "ORGANIZATION")
        .map(|t| t.id)
        .collect();
    org_ids.sort();
    let mut listed: Vec<&str> = json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, org_ids);
    for id in [ANALYTICS_REPORTING, LEGACY_SYNC] {
        assert!(!stdout(&out).contains(id), "{id} listed");
    }
    // One listing of the Organization's tokens, no Workspace filter.
    let all = env.api_requests();
    assert_eq!(all.len(), 1, "{:#?}", requests(&env));
    assert_eq!(all[0].method, "GET");
    assert_eq!(all[0].path, tokens_path(&env));
    assert_eq!(query_param(&all[0], "workspaceId"), None);

    // The table: tab-separated off a terminal, expiry in words, the long spelling alike.
    for args in [&["org", "to", "ls"][..], &["organization", "token", "list"]] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let lines = cells(&out);
        assert_eq!(lines.len(), 4, "{}", stdout(&out));
        assert_eq!(lines[0], TABLE_HEADER);
        assert_eq!(
            lines[1],
            [
                "CI deploy",
                CI_DEPLOY,
                "Deploys from CI",
                "ORGANIZATION",
                "ORGANIZATION_OWNER",
                "never",
                "ada@example.com",
                "2024-01-18T09:00:00Z"
            ]
        );
        assert_eq!(
            lines[2][..5],
            [
                "Nightly export",
                NIGHTLY_EXPORT,
                "Exports usage every night",
                "ORGANIZATION",
                "ORGANIZATION_MEMBER"
            ]
        );
        let expires = &lines[2][5];
        assert!(
            expires.starts_with(&nightly.end_at.as_deref().unwrap()[..10])
                && expires.ends_with("(in 5 days)"),
            "{expires}"
        );
        assert_eq!(
            lines[3],
            [
                "Platform automation",
                PLATFORM_AUTOMATION,
                "Terraform for the platform",
                "ORGANIZATION",
                "ORGANIZATION_MEMBER",
                "never",
                "CI deploy",
                "2024-01-18T11:00:00Z"
            ]
        );
    }
    // --no-headers: the same rows, no header.
    let with = cells(&run(&env, &["org", "to", "ls"]));
    let out = run(&env, &["org", "to", "ls", "--no-headers"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(cells(&out), with[1..]);
    assert!(env.mutations().is_empty());
}

#[test]
fn list_expiring_within_keeps_the_tokens_to_rotate_soon() {
    let env = TestEnv::new();
    let within = |days: &str| {
        let out = run(
            &env,
            &["org", "to", "ls", "--expiring-within", days, "--json"],
        );
        assert_eq!(out.status.code(), Some(0), "{days}: {}", stderr(&out));
        names(&json_of(&out))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    // Nightly export expires in 5.5 days; the expired Legacy sync is a Workspace token.
    assert_eq!(within("7"), ["Nightly export"]);
    assert_eq!(within("3650"), ["Nightly export"]);
    assert!(within("5").is_empty());
    assert!(within("0").is_empty());

    let out = run(&env, &["org", "to", "ls", "--expiring-within", "7"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = cells(&out);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(lines[0], TABLE_HEADER);
    assert_eq!(lines[1][0], "Nightly export");
    assert!(lines[1][5].ends_with("(in 5 days)"), "{:?}", lines[1]);

    // None left: nothing on stdout, a note on stderr, exit 0.
    let out = run(&env, &["org", "to", "ls", "--expiring-within", "3"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("no API tokens match"),
        "{}",
        stderr(&out)
    );

    let out = run(
        &env,
        &["org", "to", "ls", "--expiring-within", "3", "--json"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out), json!({"tokens": []}));

    // Out of range: exit 2 before any request.
    env.emu.clear_requests();
    for days in ["4000", "3651", "-1", "soon"] {
        let flag = format!("--expiring-within={days}");
        let out = run(&env, &["org", "to", "ls", &flag]);
        assert_eq!(out.status.code(), Some(2), "{days}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
        assert!(
            stderr(&out).contains("--expiring-within"),
            "{days}: {}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
}

// ---------------------------------------------------------------------------------------
// get and roles

#[test]
fn get_by_name_in_any_case_or_id_shows_the_token_and_every_role_by_name() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let org_name = env.emu.organizations()[0].name.clone();
    assert_eq!(org_name, "Example Org");
    let expected = json!({
        "id": PLATFORM_AUTOMATION,
        "name": "Platform automation",
        "description": "Terraform for the platform",
        "scope": "ORGANIZATION",
        "role": "ORGANIZATION_MEMBER",
        "expiresAt": null,
        "createdAt": "2024-01-18T11:00:00Z",
        "createdBy": "CI deploy",
        "lastUsedAt": null,
        "lastRotatedAt": null,
        "roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "entityName": org_name, "role": "ORGANIZATION_MEMBER"},
            {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "entityName": "Data Platform", "role": "WORKSPACE_OPERATOR"}
        ]
    });
    for token in [
        "Platform automation",
        "platform AUTOMATION",
        PLATFORM_AUTOMATION,
    ] {
        let out = run(&env, &["org", "to", "get", token, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{token}: {}", stderr(&out));
        let json = json_of(&out);
        assert_eq!(json, expected, "{token}");
        assert!(json.get("token").is_none() && json.get("workspaceId").is_none());
    }
    // The long spelling too; the token itself read once (GetApiToken).
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "organization",
            "token",
            "get",
            "Platform automation",
            "--json",
        ],
    );
    assert_eq!(json_of(&out), expected);
    let token_path = format!("{}/{PLATFORM_AUTOMATION}", tokens_path(&env));
    assert_eq!(
        requests(&env)
            .iter()
            .filter(|r| **r == format!("GET {token_path}"))
            .count(),
        1,
        "{:#?}",
        requests(&env)
    );

    // The text: its fields, its Organization role, and the roles table.
    let out = run(&env, &["org", "to", "get", "Platform automation"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[..11],
        [
            "Name:               Platform automation",
            &format!("ID:                 {PLATFORM_AUTOMATION}"),
            "Description:        Terraform for the platform",
            "Scope:              ORGANIZATION",
            "Organization role:  ORGANIZATION_MEMBER",
            "Expires:            never",
            "Created:            2024-01-18T11:00:00Z",
            "Created by:         CI deploy",
            "Last used:          never",
            "Last rotated:       never",
            "",
        ],
        "{text}"
    );
    let table: Vec<Vec<&str>> = lines[11..]
        .iter()
        .map(|l| {
            l.split("   ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        table,
        [
            vec!["ENTITY TYPE", "ENTITY ID", "ENTITY NAME", "ROLE"],
            vec!["ORGANIZATION", &org, "Example Org", "ORGANIZATION_MEMBER"],
            vec![
                "WORKSPACE",
                DATA_PLATFORM,
                "Data Platform",
                "WORKSPACE_OPERATOR"
            ],
        ],
        "{text}"
    );
    // An expiring token says when.
    let out = run(&env, &["org", "to", "get", "nightly export"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.starts_with("Expires:") && l.ends_with("(in 5 days)")),
        "{}",
        stdout(&out)
    );
    assert!(env.mutations().is_empty());
}

/// "Deployer": an Organization token (ORGANIZATION_OBSERVE_MEMBER) with DEPLOYMENT_ADMIN in
/// Deployment Dashboards. Seeds give tokens no DAG roles: the test adds one through the API.
fn deployer_env() -> TestEnv {
    let mut seed = Seed::default();
    let org = seed.organization.as_mut().unwrap();
    org.api_tokens.push(SeedApiToken {
        description: Some("Deploys the dashboards".into()),
        deployment_roles: vec![SeedDeploymentRole {
            deployment: Some("Dashboards".into()),
            deployment_id: None,
            role: "DEPLOYMENT_ADMIN".into(),
        }],
        ..SeedApiToken::new("Deployer", "ORGANIZATION", "ORGANIZATION_OBSERVE_MEMBER")
    });
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

/// Sends `body` to the emulator as `POST path` (HTTP/1.1, the TestEnv token); the status.
fn post(env: &TestEnv, path: &str, body: &Value) -> u16 {
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(env.emu.addr()).expect("connects");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        env.emu.addr(),
        env.emu.token(),
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer}"))
}

#[test]
fn get_and_roles_name_a_deployment_role_and_a_dag_roles_deployment() {
    let env = deployer_env();
    let org = env.emu.organization_id();
    let dashboards = env.emu.deployment("Dashboards").unwrap().id;
    let ingestion = env.emu.deployment("Ingestion").unwrap().id;
    let deployer = env.emu.api_token("Deployer").unwrap();
    // Give it a Workspace role and a DAG role in Ingestion, keeping the rest.
    let status = post(
        &env,
        &format!("{}/{}/roles", tokens_path(&env), deployer.id),
        &json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_OBSERVE_MEMBER"},
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_AUTHOR"},
            {"entityType": "DEPLOYMENT", "entityId": dashboards, "role": "DEPLOYMENT_ADMIN"},
            {"entityType": "DAG", "entityId": "load_orders", "deploymentId": ingestion, "role": "DAG_AUTHOR"}
        ]}),
    );
    assert_eq!(status, 200);
    env.emu.clear_requests();
    let roles = json!([
        {"entityType": "ORGANIZATION", "entityId": org, "entityName": "Example Org", "role": "ORGANIZATION_OBSERVE_MEMBER"},
        {"entityType": "WORKSPACE", "entityId": ANALYTICS, "entityName": "Analytics", "role": "WORKSPACE_AUTHOR"},
        {"entityType": "DEPLOYMENT", "entityId": dashboards, "entityName": "Dashboards", "role": "DEPLOYMENT_ADMIN"},
        {"entityType": "DAG", "entityId": "load_orders", "entityName": null, "role": "DAG_AUTHOR",
         "deploymentId": ingestion, "deploymentName": "Ingestion"}
    ]);
    let out = run(&env, &["org", "to", "get", "deployer", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["id"], json!(deployer.id));
    assert_eq!(json["role"], "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(json["roles"], roles);
    let out = run(&env, &["org", "to", "roles", &deployer.id, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out), json!({ "roles": roles }));

    // The text: the Deployment by its name, the DAG with its Deployment's.
    let out = run(&env, &["org", "to", "get", "Deployer"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Organization role:  ORGANIZATION_OBSERVE_MEMBER\n"),
        "{text}"
    );
    for (kind, id, name, role) in [
        (
            "DEPLOYMENT",
            dashboards.as_str(),
            "Dashboards",
            "DEPLOYMENT_ADMIN",
        ),
        (
            "DAG",
            "load_orders",
            "load_orders in Ingestion",
            "DAG_AUTHOR",
        ),
    ] {
        assert!(
            text.lines().any(|l| {
                let cells: Vec<&str> = l
                    .split("  ")
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .collect();
                cells == [kind, id, name, role]
            }),
            "{kind} in\n{text}"
        );
    }
    let out = run(&env, &["org", "to", "roles", "Deployer"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        cells(&out),
        [
            vec!["ENTITY TYPE", "ENTITY ID", "ENTITY NAME", "ROLE"],
            vec![
                "ORGANIZATION",
                &org,
                "Example Org",
                "ORGANIZATION_OBSERVE_MEMBER"
            ],
            vec!["WORKSPACE", ANALYTICS, "Analytics", "WORKSPACE_AUTHOR"],
            vec!["DEPLOYMENT", &dashboards, "Dashboards", "DEPLOYMENT_ADMIN"],
            vec![
                "DAG",
                "load_orders",
                "load_orders in Ingestion",
                "DAG_AUTHOR"
            ],
        ]
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn roles_lists_every_role_as_a_table_or_json() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let out = run(&env, &["org", "to", "roles", "Platform automation"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(
        cells(&out),
        [
            vec!["ENTITY TYPE", "ENTITY ID", "ENTITY NAME", "ROLE"],
            vec!["ORGANIZATION", &org, "Example Org", "ORGANIZATION_MEMBER"],
            vec![
                "WORKSPACE",
                DATA_PLATFORM,
                "Data Platform",
                "WORKSPACE_OPERATOR"
            ],
        ]
    );
    let out = run(
        &env,
        &["org", "to", "roles", "PLATFORM automation", "--no-headers"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(cells(&out).len(), 2);
    assert_eq!(cells(&out)[0][0], "ORGANIZATION");
    for args in [
        &["org", "to", "roles", PLATFORM_AUTOMATION, "--json"][..],
        &[
            "organization",
            "token",
            "roles",
            "platform automation",
            "--json",
        ],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(
            json_of(&out),
            json!({"roles": [
                {"entityType": "ORGANIZATION", "entityId": org, "entityName": "Example Org", "role": "ORGANIZATION_MEMBER"},
                {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "entityName": "Data Platform", "role": "WORKSPACE_OPERATOR"}
            ]})
        );
    }
    // A token with only its Organization role: one row.
    let out = run(&env, &["org", "to", "roles", "CI deploy", "--json"]);
    assert_eq!(
        json_of(&out),
        json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "entityName": "Example Org", "role": "ORGANIZATION_OWNER"}
        ]})
    );
    assert!(env.mutations().is_empty());
}

// ---------------------------------------------------------------------------------------
// naming a token

#[test]
fn a_workspace_token_named_in_get_roles_update_or_delete_is_exit_2_and_nothing_changes() {
    let env = TestEnv::new();
    let before = all_tokens(&env);
    for args in [
        &["org", "to", "get", "Analytics reporting"][..],
        &["org", "to", "get", ANALYTICS_REPORTING, "--json"],
        &["org", "to", "roles", "analytics REPORTING"],
        &["org", "to", "up", "Analytics reporting", "-n", "Renamed"],
        &["org", "to", "update", ANALYTICS_REPORTING, "-r", "owner"],
        &[
            "org",
            "to",
            "up",
            "Analytics reporting",
            "-d",
            "x",
            "--dry-run",
        ],
        &["org", "to", "de", "Analytics reporting", "--force"],
        &[
            "organization",
            "token",
            "delete",
            ANALYTICS_REPORTING,
            "--force",
            "--json",
        ],
    ] {
        let out = run(&env, args);
        assert_workspace_token_refused(&out, args);
    }
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.contains(ANALYTICS_REPORTING)),
        "the Workspace token itself was never asked about: {:#?}",
        requests(&env)
    );
    assert_eq!(all_tokens(&env), before);
}

#[test]
fn a_name_matching_no_organization_token_is_exit_3_with_a_hint_to_list_them() {
    let env = TestEnv::new();
    let before = all_tokens(&env);
    for args in [
        &["org", "to", "get", "No such token"][..],
        &["org", "to", "roles", "No such token", "--json"],
        &["org", "to", "up", "No such token", "-d", "x"],
        &["org", "to", "de", "No such token", "--force"],
        // An ID of no token.
        &["org", "to", "get", "clrzzzzzz000000l8zzzzzzzz"],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("no Organization API token `")
                && err.contains("hint: run `astro organization token list` to see them"),
            "{args:?}: {err}"
        );
    }
    assert!(env.mutations().is_empty());
    assert_eq!(all_tokens(&env), before);
}

#[test]
fn off_a_terminal_the_token_argument_is_needed_before_any_request() {
    let env = TestEnv::new();
    for args in [
        &["org", "to", "get"][..],
        &["org", "to", "get", "--json"],
        &["org", "to", "roles"],
        &["org", "to", "up", "-d", "x"],
        &["org", "to", "up", "-r", "owner", "--dry-run"],
        &["org", "to", "de", "--force"],
        &["org", "to", "de", "--dry-run"],
        // Without --force either: the token is named first.
        &["organization", "token", "delete"],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert_eq!(
            stderr(&out),
            "error: the Organization API token is required when not running interactively\n\
             hint: pass its name or ID as the TOKEN argument\n",
            "{args:?}"
        );
    }
    assert!(env.api_requests().is_empty(), "{:#?}", requests(&env));
    assert!(env.emu.requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// update

#[test]
fn update_role_sends_the_complete_role_list_with_only_the_organization_entry_changed() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let before = env.emu.api_token("Platform automation").unwrap();
    let others = all_tokens(&env);
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "Platform automation",
            "-r",
            "billing_admin",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated API token Platform automation ({PLATFORM_AUTOMATION}): Organization role ORGANIZATION_MEMBER -> ORGANIZATION_BILLING_ADMIN\n"
        )
    );
    let token_path = format!("{}/{PLATFORM_AUTOMATION}", tokens_path(&env));
    assert_eq!(mutations(&env), [format!("POST {token_path}/roles")]);
    // The whole list, only the Organization entry changed: Data Platform's role kept.
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_BILLING_ADMIN"},
            {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_OPERATOR"}
        ]})]
    );
    // The token was read right before its roles were written.
    let all = requests(&env);
    let at = all
        .iter()
        .position(|r| *r == format!("POST {token_path}/roles"))
        .unwrap();
    assert_eq!(all[at - 1], format!("GET {token_path}"), "{all:#?}");
    assert_eq!(at, all.len() - 1, "nothing after the write: {all:#?}");
    assert_eq!(
        roles_of(&env, "Platform automation"),
        [
            format!("ORGANIZATION {org} ORGANIZATION_BILLING_ADMIN"),
            format!("WORKSPACE {DATA_PLATFORM} WORKSPACE_OPERATOR"),
        ]
    );
    // Nothing else changed: the same secret, name, description, expiry; the others untouched.
    let after = env.emu.api_token("Platform automation").unwrap();
    assert_eq!(
        after,
        ApiTokenSnapshot {
            roles: after.roles.clone(),
            updated_at: after.updated_at.clone(),
            updated_by: after.updated_by.clone(),
            ..before
        }
    );
    for (was, now) in others.iter().zip(all_tokens(&env)) {
        if was.id != PLATFORM_AUTOMATION {
            assert_eq!(*was, now);
        }
    }

    // The role it has now: nothing sent, said so.
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            PLATFORM_AUTOMATION,
            "-r",
            "ORGANIZATION_billing_ADMIN",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "API token Platform automation ({PLATFORM_AUTOMATION}) is already as asked; nothing changed\n"
        )
    );
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "platform automation",
            "-r",
            "billing_admin",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let same = json!({
        "name": "Platform automation",
        "description": "Terraform for the platform",
        "role": "ORGANIZATION_BILLING_ADMIN"
    });
    assert_eq!(
        json_of(&out),
        json!({
            "id": PLATFORM_AUTOMATION,
            "name": "Platform automation",
            "description": "Terraform for the platform",
            "role": "ORGANIZATION_BILLING_ADMIN",
            "previous": same,
            "changed": false
        })
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn update_name_and_description_is_one_update_and_keeps_everything_else() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let before = env.emu.api_token("Nightly export").unwrap();
    let others = all_tokens(&env);
    let out = run(
        &env,
        &[
            "organization",
            "token",
            "update",
            "nightly EXPORT",
            "-n",
            "Nightly usage export",
            "-d",
            "Exports usage at 02:00",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": NIGHTLY_EXPORT,
            "name": "Nightly usage export",
            "description": "Exports usage at 02:00",
            "role": "ORGANIZATION_MEMBER",
            "previous": {
                "name": "Nightly export",
                "description": "Exports usage every night",
                "role": "ORGANIZATION_MEMBER"
            },
            "changed": true
        })
    );
    let token_path = format!("{}/{NIGHTLY_EXPORT}", tokens_path(&env));
    assert_eq!(mutations(&env), [format!("POST {token_path}")]);
    assert_eq!(
        bodies(&env),
        [json!({"name": "Nightly usage export", "description": "Exports usage at 02:00"})]
    );
    let after = env.emu.api_token("Nightly usage export").unwrap();
    assert!(env.emu.api_token("Nightly export").is_none());
    assert_eq!(
        after,
        ApiTokenSnapshot {
            name: "Nightly usage export".into(),
            description: "Exports usage at 02:00".into(),
            updated_at: after.updated_at.clone(),
            updated_by: after.updated_by.clone(),
            ..before.clone()
        }
    );
    assert_eq!(
        roles_of(&env, "Nightly usage export"),
        [format!("ORGANIZATION {org} ORGANIZATION_MEMBER")]
    );
    for (was, now) in others.iter().zip(all_tokens(&env)) {
        if was.id != NIGHTLY_EXPORT {
            assert_eq!(*was, now);
        }
    }

    // The description alone: the current name goes with it (UpdateApiToken requires it).
    env.emu.clear_requests();
    let out = run(&env, &["org", "to", "up", NIGHTLY_EXPORT, "-d", ""]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated API token Nightly usage export ({NIGHTLY_EXPORT}): description \"Exports usage at 02:00\" -> \"\"\n"
        )
    );
    assert_eq!(mutations(&env), [format!("POST {token_path}")]);
    assert_eq!(
        bodies(&env),
        [json!({"name": "Nightly usage export", "description": ""})]
    );
    assert_eq!(
        env.emu
            .api_token("Nightly usage export")
            .unwrap()
            .description,
        ""
    );

    // Its own name in another case is no clash: a rename of the case only.
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            NIGHTLY_EXPORT,
            "-n",
            "NIGHTLY USAGE EXPORT",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        bodies(&env),
        [json!({"name": "NIGHTLY USAGE EXPORT", "description": ""})]
    );

    // A name, a description and a role at once: the roles first, then the fields.
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            NIGHTLY_EXPORT,
            "-n",
            "Export",
            "-d",
            "Usage",
            "-r",
            "observe_admin",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated API token NIGHTLY USAGE EXPORT ({NIGHTLY_EXPORT}): name NIGHTLY USAGE EXPORT -> Export, description \"\" -> \"Usage\", Organization role ORGANIZATION_MEMBER -> ORGANIZATION_OBSERVE_ADMIN\n"
        )
    );
    assert_eq!(
        mutations(&env),
        [
            format!("POST {token_path}/roles"),
            format!("POST {token_path}")
        ]
    );
    assert_eq!(
        bodies(&env),
        [
            json!({"roles": [{"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_OBSERVE_ADMIN"}]}),
            json!({"name": "Export", "description": "Usage"})
        ]
    );
    let after = env.emu.api_token("Export").unwrap();
    assert_eq!(after.description, "Usage");
    assert_eq!(
        after.organization_role(),
        Some("ORGANIZATION_OBSERVE_ADMIN")
    );
    assert_eq!(after.short_token, before.short_token);
    assert_eq!(after.end_at, before.end_at);
    assert_eq!(after.rotations, 0);
}

#[test]
fn update_checks_everything_before_sending_anything() {
    let env = TestEnv::new();
    let before = all_tokens(&env);
    // Nothing asked for, a Workspace role, an unknown role, a name too long: exit 2, no request.
    let long = "x".repeat(257);
    for (args, says) in [
        (
            &["org", "to", "up", "Platform automation"][..],
            "nothing to update",
        ),
        (
            &[
                "org",
                "to",
                "up",
                "Platform automation",
                "-r",
                "WORKSPACE_OWNER",
            ],
            "unknown Organization role `WORKSPACE_OWNER`",
        ),
        (
            &["org", "to", "up", "Platform automation", "-r", "operator"],
            "unknown Organization role `operator`",
        ),
        (
            &["org", "to", "up", "Platform automation", "-n", &long],
            "at most 256",
        ),
        (&["org", "to", "up", "-n", "x"][..], "TOKEN argument"),
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
    let out = run(&env, &["org", "to", "up", "Platform automation"]);
    assert!(
        stderr(&out).contains("hint: pass --name NEW, --description TEXT or --role ORG_ROLE"),
        "{}",
        stderr(&out)
    );
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));

    // Another Organization token's name, in another case: exit 1, nothing sent.
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "Platform automation",
            "-n",
            "ci DEPLOY",
            "-d",
            "x",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "the name `ci DEPLOY` is taken by Organization API token CI deploy (`{CI_DEPLOY}`), ignoring case"
        )),
        "{}",
        stderr(&out)
    );
    // A Workspace token's name is not taken among the Organization's.
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "Platform automation",
            "-n",
            "legacy sync",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    // A dry run says what would change and sends nothing.
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "Platform automation",
            "-r",
            "owner",
            "-d",
            "Terraform",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would update API token Platform automation ({PLATFORM_AUTOMATION}): description \"Terraform for the platform\" -> \"Terraform\", Organization role ORGANIZATION_MEMBER -> ORGANIZATION_OWNER (dry run: nothing sent)\n"
        )
    );
    let out = run(
        &env,
        &[
            "org",
            "to",
            "up",
            "Platform automation",
            "-n",
            "Platform",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": PLATFORM_AUTOMATION,
            "name": "Platform",
            "description": "Terraform for the platform",
            "role": "ORGANIZATION_MEMBER",
            "previous": {
                "name": "Platform automation",
                "description": "Terraform for the platform",
                "role": "ORGANIZATION_MEMBER"
            },
            "changed": false,
            "dryRun": true
        })
    );
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert_eq!(all_tokens(&env), before);
}

// ---------------------------------------------------------------------------------------
// delete

#[test]
fn delete_needs_force_off_a_terminal_and_a_dry_run_sends_nothing() {
    let env = TestEnv::new();
    let before = all_tokens(&env);
    let out = run(&env, &["org", "to", "de", "Nightly export"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert_eq!(
        stderr(&out),
        "error: deleting an API token needs a confirmation, and there is no terminal to ask\n\
         hint: pass --force to delete without asking\n"
    );
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));

    let out = run(&env, &["org", "to", "de", "Nightly export", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would delete Organization API token Nightly export ({NIGHTLY_EXPORT}) (dry run: nothing sent)\n"
        )
    );
    let out = run(
        &env,
        &[
            "organization",
            "token",
            "delete",
            NIGHTLY_EXPORT,
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": NIGHTLY_EXPORT,
            "name": "Nightly export",
            "scope": "ORGANIZATION",
            "deleted": false,
            "inUse": false,
            "dryRun": true
        })
    );
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert_eq!(all_tokens(&env), before);
}

#[test]
fn delete_with_force_deletes_only_that_token() {
    let env = TestEnv::new();
    let before = all_tokens(&env);
    let out = run(&env, &["org", "to", "de", "platform AUTOMATION", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Deleted Organization API token Platform automation ({PLATFORM_AUTOMATION})\n")
    );
    assert_eq!(
        mutations(&env),
        [format!(
            "DELETE {}/{PLATFORM_AUTOMATION}",
            tokens_path(&env)
        )]
    );
    assert!(env.emu.api_token("Platform automation").unwrap().deleted);
    // Gone from the list; the others as they were.
    let out = run(&env, &["org", "to", "ls", "--json"]);
    assert_eq!(names(&json_of(&out)), ["CI deploy", "Nightly export"]);
    for (was, now) in before.iter().zip(all_tokens(&env)) {
        if was.id != PLATFORM_AUTOMATION {
            assert_eq!(*was, now);
        }
    }
    // Deleting it again: it is no longer there.
    let out = run(&env, &["org", "to", "de", PLATFORM_AUTOMATION, "--force"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));

    // By ID, as JSON; CI deploy is not the token TestEnv uses.
    env.emu.clear_requests();
    let out = run(&env, &["org", "to", "de", CI_DEPLOY, "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": CI_DEPLOY,
            "name": "CI deploy",
            "scope": "ORGANIZATION",
            "deleted": true,
            "inUse": false
        })
    );
    assert_eq!(
        mutations(&env),
        [format!("DELETE {}/{CI_DEPLOY}", tokens_path(&env))]
    );
    assert!(env.emu.api_token("CI deploy").unwrap().deleted);
    assert!(!env.emu.api_token("Nightly export").unwrap().deleted);
}

#[test]
fn deleting_the_token_in_use_warns_first() {
    let env = TestEnv::new();
    let secret = env.emu.api_token_secret(CI_DEPLOY).unwrap();
    let as_ci_deploy = |args: &[&str]| {
        let out = env
            .astro()
            .env("ASTRO_API_TOKEN", &secret)
            .args(args)
            .output()
            .unwrap();
        for text in [stdout(&out), stderr(&out)] {
            assert!(
                !text.contains(&secret),
                "the secret in the output of {args:?}"
            );
        }
        out
    };
    let warning = "warning: API token CI deploy is the one this command is using: once it is deleted, it stops working";
    // A dry run warns too, and sends nothing.
    let out = as_ci_deploy(&["org", "to", "de", "CI deploy", "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(warning), "{}", stderr(&out));
    assert_eq!(json_of(&out)["inUse"], json!(true));
    assert_eq!(json_of(&out)["dryRun"], json!(true));
    assert!(env.mutations().is_empty());
    // Another token is not the one in use.
    let out = as_ci_deploy(&["org", "to", "de", "Nightly export", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    assert_eq!(json_of(&out)["inUse"], json!(false));

    let out = as_ci_deploy(&["org", "to", "de", "ci deploy", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), format!("{warning}\n"));
    assert_eq!(
        stdout(&out),
        format!("Deleted Organization API token CI deploy ({CI_DEPLOY})\n")
    );
    assert_eq!(
        mutations(&env),
        [
            format!("DELETE {}/{NIGHTLY_EXPORT}", tokens_path(&env)),
            format!("DELETE {}/{CI_DEPLOY}", tokens_path(&env))
        ]
    );
    assert!(env.emu.api_token("CI deploy").unwrap().deleted);
    // Its value is refused now.
    let out = as_ci_deploy(&["org", "to", "ls"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
}

/// The default seed and three more Organization tokens: "Old reports" (expired on
/// 2024-02-17), and "Reports" and "reports" (names that differ only in case).
fn more_tokens_env() -> TestEnv {
    let mut seed = Seed::default();
    let org = seed.organization.as_mut().unwrap();
    org.api_tokens.push(SeedApiToken {
        description: Some("Replaced by Reports".into()),
        expiry_period_in_days: Some(30),
        ..SeedApiToken::new("Old reports", "ORGANIZATION", "ORGANIZATION_MEMBER")
    });
    org.api_tokens.push(SeedApiToken::new(
        "Reports",
        "ORGANIZATION",
        "ORGANIZATION_MEMBER",
    ));
    org.api_tokens.push(SeedApiToken::new(
        "reports",
        "ORGANIZATION",
        "ORGANIZATION_OBSERVE_MEMBER",
    ));
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

#[test]
fn an_expired_organization_token_is_listed_as_expired_and_counts_as_expiring() {
    let env = more_tokens_env();
    let within = |days: &str| {
        let out = run(
            &env,
            &["org", "to", "ls", "--expiring-within", days, "--json"],
        );
        assert_eq!(out.status.code(), Some(0), "{days}: {}", stderr(&out));
        names(&json_of(&out))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(within("0"), ["Old reports"]);
    assert_eq!(within("7"), ["Nightly export", "Old reports"]);
    let out = run(&env, &["org", "to", "ls", "--expiring-within", "0"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = cells(&out);
    assert_eq!(lines.len(), 2, "{}", stdout(&out));
    assert_eq!(
        lines[1][..6],
        [
            "Old reports",
            env.emu.api_token("Old reports").unwrap().id.as_str(),
            "Replaced by Reports",
            "ORGANIZATION",
            "ORGANIZATION_MEMBER",
            "2024-02-17 (expired)"
        ]
    );
    // The whole list: every Organization token, by name.
    let out = run(&env, &["org", "to", "ls", "--json"]);
    assert_eq!(
        names(&json_of(&out)),
        [
            "CI deploy",
            "Nightly export",
            "Old reports",
            "Platform automation",
            "Reports",
            "reports"
        ]
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn names_that_differ_only_in_case_need_the_exact_name_or_the_id() {
    let env = more_tokens_env();
    let upper = env.emu.api_token("Reports").unwrap().id;
    let lower = env.emu.api_token("reports").unwrap().id;
    // The exact name picks one.
    for (name, id, role) in [
        ("Reports", &upper, "ORGANIZATION_MEMBER"),
        ("reports", &lower, "ORGANIZATION_OBSERVE_MEMBER"),
    ] {
        let out = run(&env, &["org", "to", "get", name, "--json"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        assert_eq!(json_of(&out)["id"], json!(id), "{name}");
        assert_eq!(json_of(&out)["role"], json!(role), "{name}");
    }
    // Another case is both: exit 2 naming both IDs, nothing read or changed.
    env.emu.clear_requests();
    let before = env.emu.api_tokens();
    for args in [
        &["org", "to", "get", "REPORTS"][..],
        &["org", "to", "roles", "rePorts"],
        &["org", "to", "up", "REPORTS", "-d", "x"],
        &["org", "to", "de", "REPORTS", "--force"],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty());
        let err = stderr(&out);
        assert!(
            err.contains("names 2 Organization API tokens")
                && err.contains(&format!("Reports (`{upper}`)"))
                && err.contains(&format!("reports (`{lower}`)"))
                && err.contains("hint: pass the ID of the Organization API token you mean"),
            "{args:?}: {err}"
        );
    }
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.contains(&upper) || r.contains(&lower)),
        "{:#?}",
        requests(&env)
    );
    assert_eq!(env.emu.api_tokens(), before);
    // By ID, either can be changed; renaming one to the other's name in any case is refused.
    let out = run(&env, &["org", "to", "up", &upper, "-n", "REPORTS"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "is taken by Organization API token reports (`{lower}`), ignoring case"
        )),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    let out = run(&env, &["org", "to", "up", &upper, "-n", "Weekly reports"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        bodies(&env),
        [json!({"name": "Weekly reports", "description": ""})]
    );
    // Now "REPORTS" names one token only.
    let out = run(&env, &["org", "to", "get", "REPORTS", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["id"], json!(lower));
}

#[test]
fn control_characters_in_a_tokens_name_never_reach_the_output() {
    const EVIL: &str = "clrevil00000000l8evil0000";
    let mut seed = Seed::default();
    seed.organization
        .as_mut()
        .unwrap()
        .api_tokens
        .push(SeedApiToken {
            description: Some("clears \u{1b}[2J the screen".into()),
            id: Some(EVIL.into()),
            ..SeedApiToken::new("Evil \u{1b}[31mred", "ORGANIZATION", "ORGANIZATION_MEMBER")
        });
    let env = TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap());
    for args in [
        &["org", "to", "ls"][..],
        &["org", "to", "get", EVIL],
        &["org", "to", "roles", EVIL],
        &["org", "to", "up", EVIL, "-r", "member"],
        &["org", "to", "up", EVIL, "-r", "owner", "--dry-run"],
        &["org", "to", "de", EVIL, "--dry-run"],
        // The rename last: the name is gone after it.
        &["org", "to", "up", EVIL, "-n", "Tame"],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        for text in [stdout(&out), stderr(&out)] {
            assert!(!text.contains('\u{1b}'), "{args:?}: {text:?}");
        }
        if args[2] != "roles" {
            assert!(
                stdout(&out).contains("Evil \u{fffd}[31mred"),
                "{args:?}: {:?}",
                stdout(&out)
            );
        }
    }
    assert_eq!(env.emu.api_token_by_id(EVIL).unwrap().name, "Tame");
    // JSON keeps the description as it is, escaped.
    let out = run(&env, &["org", "to", "get", EVIL, "--json"]);
    assert!(!stdout(&out).contains('\u{1b}'));
    assert_eq!(json_of(&out)["description"], "clears \u{1b}[2J the screen");
}

#[test]
fn a_stored_login_with_the_token_is_recognised_as_the_one_in_use() {
    let env = TestEnv::new();
    let secret = env.emu.api_token_secret(CI_DEPLOY).unwrap();
    let stored = |args: &[&str]| {
        let out = env
            .bare()
            .env("ASTRO_API_URL", env.emu.base_url())
            .args(args)
            .output()
            .unwrap();
        for text in [stdout(&out), stderr(&out)] {
            assert!(
                !text.contains(&secret),
                "the secret in the output of {args:?}"
            );
        }
        out
    };
    let out = stored(&["login", "--token-login", &secret]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    env.emu.clear_requests();
    let out = stored(&["org", "to", "de", "CI deploy", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("warning: API token CI deploy is the one this command is using"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_of(&out)["inUse"], json!(true));
    assert_eq!(json_of(&out)["deleted"], json!(true));
    assert_eq!(
        mutations(&env),
        [format!("DELETE {}/{CI_DEPLOY}", tokens_path(&env))]
    );
    let out = stored(&["org", "to", "ls"]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}
