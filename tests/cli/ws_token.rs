//! `astro workspace token list|get|update|delete|add|update-role|remove` (and the Go CLI's
//! `organization-token add|update|remove|list`): a Workspace's API tokens. Seeded: "Analytics
//! reporting" is a Workspace token of Analytics (WORKSPACE_AUTHOR), "Platform automation" an
//! Organization token (ORGANIZATION_MEMBER) with WORKSPACE_OPERATOR in Data Platform, "Legacy
//! sync" an expired Workspace token of Data Platform, "Nightly export" an Organization token
//! expiring 5.5 days after the emulator starts, "CI deploy" the Organization owner token.

use astro_emulator::{Emulator, Fault, FaultKind, Seed, SeedApiToken, SeedDeploymentRole};
use serde_json::{Value, json};

use crate::common::{TestEnv, bodies, json_of, query_param, requests, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const CI_DEPLOY: &str = "clrize000000001l88aik0i0y";
const ANALYTICS_REPORTING: &str = "clrj1j5s0000002l8qgdd6wpp";
const PLATFORM_AUTOMATION: &str = "clrj3obk0000003l8trly6hth";
const NIGHTLY_EXPORT: &str = "clrj5thc0000004l84xzwvilu";
const LEGACY_SYNC: &str = "clrj7yn40000005l8r081g9oq";

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

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_every_token_with_a_role_in_the_workspace_with_its_scope_and_role_there() {
    let env = TestEnv::new();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "ls",
            "--workspace-id",
            "Data Platform",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(
        json,
        json!({"tokens": [
            {
                "id": LEGACY_SYNC,
                "name": "Legacy sync",
                "description": "Replaced by Platform automation",
                "scope": "WORKSPACE",
                "role": "WORKSPACE_MEMBER",
                "expiresAt": "2024-02-17T13:00:00Z",
                "createdAt": json["tokens"][0]["createdAt"],
                "createdBy": "ada@example.com",
                "lastUsedAt": null
            },
            {
                "id": PLATFORM_AUTOMATION,
                "name": "Platform automation",
                "description": "Terraform for the platform",
                "scope": "ORGANIZATION",
                // Its role in this Workspace, not its Organization role.
                "role": "WORKSPACE_OPERATOR",
                "expiresAt": null,
                "createdAt": json["tokens"][1]["createdAt"],
                "createdBy": "CI deploy",
                "lastUsedAt": null
            }
        ]})
    );
    assert!(
        json["tokens"][0]["createdAt"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
    // One listing, by Workspace.
    let listings: Vec<_> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.path == tokens_path(&env))
        .collect();
    assert_eq!(listings.len(), 1);
    assert_eq!(
        query_param(&listings[0], "workspaceId").as_deref(),
        Some(DATA_PLATFORM)
    );

    // The table: tab-separated off a terminal, expiry in words.
    let out = run(&env, &["wo", "to", "ls", "--workspace-id", DATA_PLATFORM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Vec<String>> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "NAME",
            "ID",
            "DESCRIPTION",
            "SCOPE",
            "ROLE",
            "EXPIRES",
            "CREATED BY",
            "CREATE DATE"
        ]
    );
    assert_eq!(lines.len(), 3);
    assert_eq!(
        lines[1][..7],
        [
            "Legacy sync",
            LEGACY_SYNC,
            "Replaced by Platform automation",
            "WORKSPACE",
            "WORKSPACE_MEMBER",
            "2024-02-17 (expired)",
            "ada@example.com"
        ]
    );
    assert_eq!(
        lines[2][..7],
        [
            "Platform automation",
            PLATFORM_AUTOMATION,
            "Terraform for the platform",
            "ORGANIZATION",
            "WORKSPACE_OPERATOR",
            "never",
            "CI deploy"
        ]
    );

    // Analytics: its own token only.
    let out = run(
        &env,
        &[
            "workspace",
            "token",
            "list",
            "--workspace-id",
            "analytics",
            "--json",
        ],
    );
    assert_eq!(names(&json_of(&out)), ["Analytics reporting"]);
    assert!(env.mutations().is_empty());
}

#[test]
fn list_keeps_one_scope_when_asked_and_the_go_spelling_lists_organization_tokens() {
    let env = TestEnv::new();
    let ws = ["--workspace-id", "Data Platform", "--json"];
    let list = |extra: &[&str]| {
        let args: Vec<&str> = ["wo", "to"]
            .iter()
            .chain(extra)
            .chain(&ws)
            .copied()
            .collect();
        let out = run(&env, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        names(&json_of(&out))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(list(&["ls", "--scope", "workspace"]), ["Legacy sync"]);
    assert_eq!(
        list(&["ls", "--scope", "organization"]),
        ["Platform automation"]
    );
    assert_eq!(
        list(&["organization-token", "list"]),
        ["Platform automation"]
    );
    assert_eq!(list(&["organization-token", "ls"]), ["Platform automation"]);
    // A bad scope is refused before any request.
    env.emu.clear_requests();
    let out = run(&env, &["wo", "to", "ls", "--scope", "deployment"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn expiring_within_includes_the_expired_and_never_the_never_expiring() {
    let env = TestEnv::new();
    // Nightly export (expires in 5.5 days) joins Data Platform.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "add",
            "Nightly export",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let within = |days: &str| {
        let out = run(
            &env,
            &[
                "wo",
                "to",
                "ls",
                "--expiring-within",
                days,
                "--workspace-id",
                "Data Platform",
                "--json",
            ],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        names(&json_of(&out))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(within("7"), ["Legacy sync", "Nightly export"]);
    assert_eq!(within("5"), ["Legacy sync"]);
    assert_eq!(within("0"), ["Legacy sync"]);
    // The table says when.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "ls",
            "--expiring-within",
            "7",
            "--workspace-id",
            "Data Platform",
        ],
    );
    let text = stdout(&out);
    assert!(text.contains("(in 5 days)"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("Platform automation")),
        "{text}"
    );
    let out = run(&env, &["wo", "to", "ls", "--expiring-within", "3651"]);
    assert_eq!(out.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------
// get

fn seed_with_deployment_role() -> Seed {
    let mut seed = Seed::default();
    let org = seed.organization.as_mut().unwrap();
    let reporting = org
        .api_tokens
        .iter_mut()
        .find(|t| t.name == "Analytics reporting")
        .unwrap();
    reporting.deployment_roles.push(SeedDeploymentRole {
        deployment: Some("Dashboards".into()),
        deployment_id: None,
        role: "DEPLOYMENT_ADMIN".into(),
    });
    org.api_tokens.push(SeedApiToken {
        description: Some("Refreshes the dashboards".into()),
        workspace: Some("Analytics".into()),
        ..SeedApiToken::new("Dashboards refresh", "WORKSPACE", "WORKSPACE_MEMBER")
    });
    seed
}

fn custom_env() -> TestEnv {
    TestEnv::with_emulator(
        Emulator::builder()
            .seed(seed_with_deployment_role())
            .unwrap()
            .spawn()
            .unwrap(),
    )
}

#[test]
fn get_shows_a_workspace_token_and_every_role_by_name() {
    let env = custom_env();
    let dashboards = env
        .emu
        .api_token("Analytics reporting")
        .unwrap()
        .roles
        .iter()
        .find(|r| r.entity_type == "DEPLOYMENT")
        .unwrap()
        .entity_id
        .clone();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "get",
            "analytics REPORTING",
            "--workspace-id",
            "Analytics",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["id"], ANALYTICS_REPORTING);
    assert_eq!(json["scope"], "WORKSPACE");
    assert_eq!(json["role"], "WORKSPACE_AUTHOR");
    assert_eq!(json["workspaceName"], "Analytics");
    assert_eq!(json["expiresAt"], Value::Null);
    assert!(json.get("token").is_none(), "{json}");
    assert_eq!(
        json["roles"],
        json!([
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "entityName": "Analytics", "role": "WORKSPACE_AUTHOR"},
            {"entityType": "DEPLOYMENT", "entityId": dashboards, "entityName": "Dashboards", "role": "DEPLOYMENT_ADMIN"}
        ])
    );
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "get",
            ANALYTICS_REPORTING,
            "--workspace-id",
            "Analytics",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "Name:            Analytics reporting",
        "Workspace role:  WORKSPACE_AUTHOR",
        "Expires:         never",
        "Created by:      ada@example.com",
        "ENTITY TYPE",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(
        text.lines().any(|l| l.starts_with("DEPLOYMENT")
            && l.contains("Dashboards")
            && l.contains("DEPLOYMENT_ADMIN")),
        "{text}"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn an_organization_token_named_in_get_update_or_delete_is_exit_2_and_nothing_is_sent() {
    let env = TestEnv::new();
    let before = env.emu.api_token("Platform automation").unwrap();
    for args in [
        &["wo", "to", "get", "Platform automation"][..],
        &["wo", "to", "update", "Platform automation", "-n", "Renamed"],
        &["wo", "to", "up", PLATFORM_AUTOMATION, "-r", "owner"],
        &["wo", "to", "delete", "Platform automation", "--force"],
        &["wo", "to", "de", "platform AUTOMATION", "--force", "--json"],
    ] {
        let args: Vec<&str> = args
            .iter()
            .chain(&["--workspace-id", "Data Platform"])
            .copied()
            .collect();
        let out = run(&env, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("not one of this Workspace's own tokens")
                && err.contains(PLATFORM_AUTOMATION)
                && err.contains(
                    "hint: it is an Organization API token: use `astro organization token …`"
                ),
            "{args:?}: {err}"
        );
    }
    assert!(env.mutations().is_empty(), "{:#?}", env.mutations());
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.contains(PLATFORM_AUTOMATION)),
        "the token itself was never asked about: {:#?}",
        requests(&env)
    );
    assert_eq!(env.emu.api_token("Platform automation").unwrap(), before);
    // An Organization token without a role in the Workspace: the same refusal, nothing sent.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "delete",
            "CI deploy",
            "--force",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hint: it is an Organization API token"),
        "{}",
        stderr(&out)
    );
    // No token of that name anywhere: exit 3.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "delete",
            "No such token",
            "--force",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hint: run `astro workspace token list`"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    assert!(!env.emu.api_token("CI deploy").unwrap().deleted);
}

// ---------------------------------------------------------------------------------------
// update

#[test]
fn update_renames_and_describes_with_one_update_and_the_role_with_the_whole_list() {
    let env = custom_env();
    let id = ANALYTICS_REPORTING;
    let before = roles_of(&env, "Analytics reporting");
    let before_token = env.emu.api_token("Analytics reporting").unwrap();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "up",
            "Analytics reporting",
            "-n",
            "Reports",
            "-d",
            "Weekly reports",
            "-r",
            "operator",
            "--workspace-id",
            "Analytics",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": id,
            "workspaceId": ANALYTICS,
            "workspaceName": "Analytics",
            "name": "Reports",
            "description": "Weekly reports",
            "role": "WORKSPACE_OPERATOR",
            "previous": {
                "name": "Analytics reporting",
                "description": "Publishes the reports",
                "role": "WORKSPACE_AUTHOR"
            },
            "changed": true
        })
    );
    let token_path = format!("{}/{id}", tokens_path(&env));
    let mutations: Vec<String> = env
        .mutations()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        mutations,
        [
            format!("POST {token_path}/roles"),
            format!("POST {token_path}")
        ]
    );
    let sent = bodies(&env);
    // The complete list as read, only the Workspace entry changed: the Deployment role kept.
    let dashboards = before[1].split(' ').nth(1).unwrap();
    assert_eq!(
        sent[0],
        json!({"roles": [
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_OPERATOR"},
            {"entityType": "DEPLOYMENT", "entityId": dashboards, "role": "DEPLOYMENT_ADMIN"}
        ]})
    );
    assert_eq!(
        sent[1],
        json!({"name": "Reports", "description": "Weekly reports"})
    );
    // The token was read right before the roles were written.
    let all = requests(&env);
    let at = all
        .iter()
        .position(|r| *r == format!("POST {token_path}/roles"))
        .unwrap();
    assert_eq!(all[at - 1], format!("GET {token_path}"));
    let after = env.emu.api_token("Reports").unwrap();
    assert_eq!(after.description, "Weekly reports");
    assert_eq!(
        roles_of(&env, "Reports"),
        [
            format!("WORKSPACE {ANALYTICS} WORKSPACE_OPERATOR"),
            before[1].clone()
        ]
    );
    // Nothing but the name, description and role changed: the same secret, never rotated.
    assert_eq!(after.short_token, before_token.short_token);
    assert_eq!(after.rotations, 0);
    assert_eq!(after.end_at, before_token.end_at);
}

#[test]
fn update_sends_the_current_name_and_nothing_when_nothing_changes() {
    let env = custom_env();
    let ws = ["--workspace-id", "Analytics"];
    let update = |extra: &[&str]| {
        let args: Vec<&str> = ["wo", "to", "update", "Analytics reporting"]
            .iter()
            .chain(extra)
            .chain(&ws)
            .copied()
            .collect();
        run(&env, &args)
    };
    // The description alone: the name as it is goes with it (UpdateApiToken requires it).
    let out = update(&["-d", ""]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated API token Analytics reporting ({ANALYTICS_REPORTING}): description \"Publishes the reports\" -> \"\"\n"
        )
    );
    assert_eq!(
        bodies(&env),
        [json!({"name": "Analytics reporting", "description": ""})]
    );
    assert_eq!(
        env.emu
            .api_token("Analytics reporting")
            .unwrap()
            .description,
        ""
    );
    // Already so: nothing sent, not even a read of the roles.
    env.emu.clear_requests();
    let out = update(&[
        "-d",
        "",
        "-r",
        "author",
        "-n",
        "Analytics reporting",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    assert!(env.mutations().is_empty());
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.contains(ANALYTICS_REPORTING))
    );
    // A dry run reads and sends nothing.
    let out = update(&["-r", "owner", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Would update API token Analytics reporting"));
    assert!(stdout(&out).contains("WORKSPACE_AUTHOR -> WORKSPACE_OWNER (dry run: nothing sent)"));
    assert!(env.mutations().is_empty());
    // Nothing asked for, an Organization role, a name too long: exit 2 before any request.
    env.emu.clear_requests();
    let long = "x".repeat(257);
    for extra in [&[][..], &["-r", "ORGANIZATION_OWNER"], &["-n", &long]] {
        let out = update(extra);
        assert_eq!(out.status.code(), Some(2), "{extra:?}: {}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty());
    // A name another of the Workspace's tokens has (ignoring case): exit 1, nothing sent.
    let out = update(&["-n", "DASHBOARDS REFRESH"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("is taken by Workspace API token Dashboards refresh"));
    assert!(env.mutations().is_empty());
}

#[test]
fn an_answer_with_other_roles_is_exit_1() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: r#"{"workspaceRoles":[],"deploymentRoles":[],"dagRoles":[]}"#.into(),
        })
        .method("POST")
        .path("/v1/organizations/*/tokens/*/roles"),
    );
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "up",
            "Analytics reporting",
            "-r",
            "owner",
            "--workspace-id",
            "Analytics",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("the API answered with other roles for API token Analytics reporting"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint: check its roles with `astro workspace token get"));
}

// ---------------------------------------------------------------------------------------
// delete

#[test]
fn delete_needs_force_off_a_terminal_and_deletes_only_the_workspaces_own_token() {
    let env = TestEnv::new();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "de",
            "Legacy sync",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert!(env.emu.requests().is_empty());
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "de",
            "Legacy sync",
            "--workspace-id",
            "Data Platform",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would delete API token Legacy sync ({LEGACY_SYNC}) of Workspace Data Platform (dry run: nothing sent)\n"
        )
    );
    assert!(env.mutations().is_empty());
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "de",
            "legacy SYNC",
            "--workspace-id",
            "Data Platform",
            "--force",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": LEGACY_SYNC,
            "name": "Legacy sync",
            "scope": "WORKSPACE",
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deleted": true,
            "inUse": false
        })
    );
    let mutations: Vec<String> = env
        .mutations()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        mutations,
        [format!("DELETE {}/{LEGACY_SYNC}", tokens_path(&env))]
    );
    assert!(env.emu.api_token("Legacy sync").unwrap().deleted);
    assert!(!env.emu.api_token("Platform automation").unwrap().deleted);
}

#[test]
fn deleting_the_token_in_use_warns_first() {
    let env = TestEnv::new();
    // A Workspace owner may delete its Workspace's tokens, itself included.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "up",
            ANALYTICS_REPORTING,
            "-r",
            "owner",
            "--workspace-id",
            ANALYTICS,
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let secret = env.emu.api_token_secret(ANALYTICS_REPORTING).unwrap();
    // Its own Workspace comes from the token.
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &secret)
        .args(["wo", "to", "de", "Analytics reporting", "--force", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: API token Analytics reporting is the one this command is using: once it is deleted"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(json_of(&out)["inUse"], json!(true));
    for text in [stdout(&out), stderr(&out)] {
        assert!(!text.contains(&secret));
    }
    assert!(env.emu.api_token("Analytics reporting").unwrap().deleted);
    // Its value is refused now.
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &secret)
        .args(["wo", "to", "ls"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(!stderr(&out).contains(&secret));
}

// ---------------------------------------------------------------------------------------
// add, update-role, remove: Organization tokens in a Workspace

#[test]
fn add_update_role_and_remove_send_the_complete_list_with_one_entry_changed() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let token_path = format!("{}/{PLATFORM_AUTOMATION}", tokens_path(&env));
    let org_entry =
        json!({"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"});
    let dp =
        |role: &str| json!({"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": role});

    // add: the Analytics entry appended; the Organization role and Data Platform kept.
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "add",
            "Platform automation",
            "-r",
            "author",
            "--workspace-id",
            "Analytics",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": PLATFORM_AUTOMATION,
            "name": "Platform automation",
            "workspaceId": ANALYTICS,
            "workspaceName": "Analytics",
            "previousRole": null,
            "role": "WORKSPACE_AUTHOR",
            "changed": true
        })
    );
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            org_entry,
            dp("WORKSPACE_OPERATOR"),
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_AUTHOR"}
        ]})]
    );
    let all = requests(&env);
    assert_eq!(
        &all[all.len() - 2..],
        [
            format!("GET {token_path}"),
            format!("POST {token_path}/roles")
        ]
    );
    assert_eq!(
        roles_of(&env, "Platform automation"),
        [
            format!("ORGANIZATION {org} ORGANIZATION_MEMBER"),
            format!("WORKSPACE {DATA_PLATFORM} WORKSPACE_OPERATOR"),
            format!("WORKSPACE {ANALYTICS} WORKSPACE_AUTHOR"),
        ]
    );

    // update-role: only the Data Platform entry changes.
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "update-role",
            "platform automation",
            "-r",
            "owner",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated API token Platform automation in Workspace Data Platform: WORKSPACE_OPERATOR -> WORKSPACE_OWNER\n"
    );
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            org_entry,
            dp("WORKSPACE_OWNER"),
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_AUTHOR"}
        ]})]
    );
    assert_eq!(
        env.emu
            .api_token("Platform automation")
            .unwrap()
            .workspace_role(DATA_PLATFORM),
        Some("WORKSPACE_OWNER")
    );

    // remove: the Data Platform entry goes; the token and its other roles stay.
    env.emu.clear_requests();
    let out = run(
        &env,
        &[
            "wo",
            "to",
            "rm",
            PLATFORM_AUTOMATION,
            "--force",
            "--workspace-id",
            "Data Platform",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed API token Platform automation from Workspace Data Platform (was WORKSPACE_OWNER)\n"
    );
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            org_entry,
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_AUTHOR"}
        ]})]
    );
    let after = env.emu.api_token("Platform automation").unwrap();
    assert!(!after.deleted);
    assert_eq!(after.organization_role(), Some("ORGANIZATION_MEMBER"));
    assert_eq!(after.workspace_role(DATA_PLATFORM), None);
    assert_eq!(after.workspace_role(ANALYTICS), Some("WORKSPACE_AUTHOR"));
}

#[test]
fn the_guards_of_add_update_role_and_remove() {
    let env = TestEnv::new();
    let dp = ["--workspace-id", "Data Platform"];
    let go = |args: &[&str]| {
        let args: Vec<&str> = args.iter().chain(&dp).copied().collect();
        run(&env, &args)
    };
    // add of a token there with that role: nothing sent; with another: exit 1, hint.
    let out = go(&[
        "wo",
        "to",
        "add",
        "Platform automation",
        "-r",
        "operator",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    let out = go(&["wo", "to", "add", "Platform automation"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "hint: to change its role run `astro workspace token update-role {PLATFORM_AUTOMATION} --role WORKSPACE_MEMBER --workspace-id {DATA_PLATFORM}`"
        )),
        "{}",
        stderr(&out)
    );
    // update-role of a token not there: exit 3, hint add.
    let out = go(&["wo", "to", "update-role", "Nightly export", "-r", "author"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("hint: add it with `astro workspace token add"),
        "{}",
        stderr(&out)
    );
    // remove of a token not there: nothing sent, exit 0.
    let out = go(&["wo", "to", "rm", "Nightly export", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    assert_eq!(json_of(&out)["previousRole"], Value::Null);
    assert!(env.mutations().is_empty(), "{:#?}", env.mutations());
    // A Workspace token is no ORG_TOKEN: exit 2, nothing sent.
    for args in [
        &["wo", "to", "add", "Legacy sync"][..],
        &["wo", "to", "update-role", "Legacy sync", "-r", "owner"],
        &["wo", "to", "rm", "Legacy sync", "--force"],
    ] {
        let out = go(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is a Workspace API token"),
            "{}",
            stderr(&out)
        );
    }
    assert!(env.mutations().is_empty());
    // Off a terminal: the token, the role and --force are needed, before any request.
    env.emu.clear_requests();
    for (args, flag) in [
        (&["wo", "to", "add"][..], "ORG_TOKEN"),
        (
            &["wo", "to", "update-role", "Platform automation"],
            "--role",
        ),
        (&["wo", "to", "update-role"], "ORG_TOKEN"),
        (&["wo", "to", "remove", "Platform automation"], "--force"),
        (&["wo", "to", "get"], "TOKEN"),
        (&["wo", "to", "update", "-d", "x"], "TOKEN"),
        (&["wo", "to", "delete", "--force"], "TOKEN"),
    ] {
        let out = go(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
    // Dry runs read and send nothing.
    let out = go(&["wo", "to", "rm", "Platform automation", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would remove API token Platform automation from Workspace Data Platform (was WORKSPACE_OPERATOR) (dry run: nothing sent)\n"
    );
    let out = go(&["wo", "to", "add", "CI deploy", "--dry-run", "--json"]);
    assert_eq!(json_of(&out)["dryRun"], json!(true));
    assert!(env.mutations().is_empty());
}

#[test]
fn the_go_spellings_run_the_same_code() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let go = |args: &[&str]| {
        let args: Vec<&str> = ["wo", "to", "organization-token"]
            .iter()
            .chain(args)
            .chain(&["--workspace-id", "Analytics"])
            .copied()
            .collect();
        let out = run(&env, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        out
    };
    go(&["add", "Nightly export"]);
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"},
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_MEMBER"}
        ]})]
    );
    env.emu.clear_requests();
    let out = go(&["update", "Nightly export", "-r", "accessor", "--json"]);
    assert_eq!(json_of(&out)["previousRole"], "WORKSPACE_MEMBER");
    assert_eq!(json_of(&out)["role"], "WORKSPACE_ACCESSOR");
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"},
            {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_ACCESSOR"}
        ]})]
    );
    let out = go(&["list", "--json"]);
    assert_eq!(names(&json_of(&out)), ["Nightly export"]);
    env.emu.clear_requests();
    go(&["remove", NIGHTLY_EXPORT, "--force"]);
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"}
        ]})]
    );
    let after = env.emu.api_token("Nightly export").unwrap();
    assert_eq!(after.workspace_role(ANALYTICS), None);
    assert!(!after.deleted);
}
