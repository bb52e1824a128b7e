//! `astro workspace user add|list|update|remove`, one user at a time: the Workspace by ID or
//! name from the flag, the environment, the token or the config; the write sends only the
//! Organization role and the complete Workspace list; nothing else about the user changes.

use astro_emulator::{Fault, FaultKind, TokenOptions, UserSnapshot};
use serde_json::{Value, json};

use crate::common::{TestEnv, bodies, json_of, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";

fn roles(user: &UserSnapshot) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = user
        .workspace_roles
        .iter()
        .map(|r| (r.workspace_name.clone(), r.role.clone()))
        .collect();
    roles.sort();
    roles
}

/// Everything about a user but their Workspace roles.
fn all_but_workspace_roles(user: &UserSnapshot) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?}",
        user.organization_role, user.status, user.deployment_roles, user.dag_roles, user.full_name
    )
}

#[test]
fn add_by_email_and_workspace_name_sends_the_whole_list_and_changes_nothing_else() {
    let env = TestEnv::new();
    let grace = env.emu.user("grace@example.com").unwrap();
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "GRACE@example.com",
        "--role",
        "author",
        "--workspace-id",
        "analytics",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": grace.id,
            "email": "grace@example.com",
            "workspaceId": ANALYTICS,
            "workspaceName": "Analytics",
            "previousRole": null,
            "role": "WORKSPACE_AUTHOR",
            "changed": true
        })
    );
    // One write: her Organization role as read, her complete Workspace list, nothing else.
    let mut sent = bodies(&env);
    assert_eq!(sent.len(), 1);
    let list = sent[0]["workspaceRoles"].as_array_mut().unwrap();
    list.sort_by_key(|r| r["workspaceId"].as_str().unwrap().to_owned());
    assert_eq!(
        sent[0],
        json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "workspaceRoles": [
                {"workspaceId": DATA_PLATFORM, "role": "WORKSPACE_OWNER"},
                {"workspaceId": ANALYTICS, "role": "WORKSPACE_AUTHOR"},
            ]
        })
    );
    let after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(
        roles(&after),
        [
            ("Analytics".to_owned(), "WORKSPACE_AUTHOR".to_owned()),
            ("Data Platform".to_owned(), "WORKSPACE_OWNER".to_owned())
        ]
    );
    assert_eq!(
        all_but_workspace_roles(&after),
        all_but_workspace_roles(&grace)
    );
    // The user was read right before the write.
    let paths: Vec<String> = env
        .api_requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let read = paths.iter().position(|p| {
        p == &format!(
            "GET /v1/organizations/{}/users/{}",
            env.emu.organization_id(),
            grace.id
        )
    });
    let write = paths.iter().position(|p| p.starts_with("POST"));
    assert!(
        read.is_some() && write == Some(paths.len() - 1) && read.unwrap() + 1 == write.unwrap(),
        "{paths:#?}"
    );
}

#[test]
fn add_by_id_with_the_default_role_off_a_terminal() {
    let env = TestEnv::new();
    let edsger = env.user_id("edsger@example.com");
    let out = env.run(&["wo", "us", "add", &edsger, "--workspace-id", DATA_PLATFORM]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Added edsger@example.com to Workspace Data Platform as WORKSPACE_MEMBER\n"
    );
    assert_eq!(
        env.emu
            .workspace_role("edsger@example.com", "Data Platform")
            .as_deref(),
        Some("WORKSPACE_MEMBER")
    );
}

#[test]
fn add_of_a_member_already_there() {
    let env = TestEnv::new();
    // Same role: nothing sent, success.
    let out = env.run(&[
        "wo",
        "us",
        "add",
        "alan@example.com",
        "-r",
        "member",
        "--workspace-id",
        "Analytics",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    // Another role: exit 1, a hint to use update, nothing sent.
    let out = env.run(&[
        "wo",
        "us",
        "add",
        "alan@example.com",
        "-r",
        "owner",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: alan@example.com is already in Workspace `Analytics` as WORKSPACE_MEMBER\nhint: to change their role run `astro workspace user update alan@example.com --role WORKSPACE_OWNER --workspace-id {ANALYTICS}`\n"
        )
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn add_of_someone_not_in_the_organization_says_to_invite_them() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "us",
        "add",
        "stranger@example.com",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).ends_with(
            "hint: invite them first: `astro organization user invite stranger@example.com`\n"
        ),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn update_changes_only_that_workspace_entry() {
    let env = TestEnv::new();
    let before = env.emu.user("grace@example.com").unwrap();
    env.run(&[
        "wo",
        "us",
        "add",
        "grace@example.com",
        "-r",
        "accessor",
        "--workspace-id",
        "Analytics",
    ]);
    env.emu.clear_requests();
    let out = env.run(&[
        "wo",
        "us",
        "up",
        "grace@example.com",
        "-r",
        "operator",
        "--workspace-id",
        "analytics",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated grace@example.com in Workspace Analytics: WORKSPACE_ACCESSOR -> WORKSPACE_OPERATOR\n"
    );
    let after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(
        roles(&after),
        [
            ("Analytics".to_owned(), "WORKSPACE_OPERATOR".to_owned()),
            ("Data Platform".to_owned(), "WORKSPACE_OWNER".to_owned())
        ]
    );
    assert_eq!(
        all_but_workspace_roles(&after),
        all_but_workspace_roles(&before)
    );
    for body in bodies(&env) {
        assert!(
            body.get("deploymentRoles").is_none() && body.get("dagRoles").is_none(),
            "{body}"
        );
    }
}

#[test]
fn update_of_someone_not_in_the_workspace_is_exit_3_with_a_hint_to_add() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "us",
        "up",
        "edsger@example.com",
        "-r",
        "author",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("hint: add them with `astro workspace user add edsger@example.com"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    // Without --role off a terminal: exit 2 before any request.
    env.emu.clear_requests();
    let out = env.run(&[
        "wo",
        "us",
        "up",
        "alan@example.com",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the new role is required when not running interactively\nhint: pass --role ROLE\n"
    );
    assert!(env.emu.requests().is_empty());
}

#[test]
fn remove_needs_force_off_a_terminal_and_keeps_everything_else() {
    let env = TestEnv::new();
    let before = env.emu.user("alan@example.com").unwrap();
    let out = env.run(&[
        "wo",
        "us",
        "rm",
        "alan@example.com",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("hint: pass --force"),
        "{}",
        stderr(&out)
    );
    assert!(env.emu.requests().is_empty());

    let out = env.run(&[
        "wo",
        "us",
        "rm",
        "alan@example.com",
        "--workspace-id",
        "Analytics",
        "--force",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["previousRole"], "WORKSPACE_MEMBER");
    assert_eq!(json["role"], Value::Null);
    assert_eq!(json["changed"], json!(true));
    assert_eq!(
        bodies(&env),
        [json!({"organizationRole": "ORGANIZATION_BILLING_ADMIN", "workspaceRoles": []})]
    );
    let after = env.emu.user("alan@example.com").unwrap();
    assert!(after.workspace_roles.is_empty());
    assert_eq!(
        all_but_workspace_roles(&after),
        all_but_workspace_roles(&before)
    );
    assert_eq!(after.dag_roles.len(), 1, "the DAG role stays");

    // Not in it: nothing sent, success, changed false.
    env.emu.clear_requests();
    let out = env.run(&[
        "wo",
        "us",
        "rm",
        "alan@example.com",
        "--workspace-id",
        "Analytics",
        "--force",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json_of(&out)["changed"], json!(false));
    assert!(env.mutations().is_empty());
}

#[test]
fn dry_runs_read_and_send_nothing() {
    let env = TestEnv::new();
    for args in [
        &[
            "wo",
            "us",
            "add",
            "edsger@example.com",
            "-r",
            "author",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
        &[
            "wo",
            "us",
            "up",
            "alan@example.com",
            "-r",
            "author",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
        &[
            "wo",
            "us",
            "rm",
            "alan@example.com",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("(dry run: nothing sent)"),
            "{}",
            stdout(&out)
        );
    }
    assert!(env.mutations().is_empty());
}

#[test]
fn list_shows_the_workspaces_members_with_their_role() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "us", "ls", "--workspace-id", "Analytics", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    let users: Vec<(&str, &str)> = json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["email"].as_str().unwrap(),
                u["workspaceRole"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        users,
        [
            ("alan@example.com", "WORKSPACE_MEMBER"),
            ("Katherine.Johnson@Example.com", "WORKSPACE_OPERATOR")
        ]
    );
    let keys: Vec<&String> = json["users"][0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "fullName",
            "email",
            "id",
            "workspaceRole",
            "createdAt",
            "status"
        ]
    );
    let query = env.api_requests().last().unwrap().query.clone().unwrap();
    assert!(
        query.contains(&format!("workspaceId={ANALYTICS}")),
        "{query}"
    );
    let out = env.run(&[
        "wo",
        "us",
        "ls",
        "--workspace-id",
        "Analytics",
        "--role",
        "operator",
        "--jq",
        ".users[].email",
    ]);
    assert_eq!(stdout(&out), "Katherine.Johnson@Example.com\n");
    let out = env.run(&[
        "wo",
        "us",
        "ls",
        "--workspace-id",
        "Analytics",
        "--no-headers",
    ]);
    assert_eq!(stdout(&out).lines().count(), 2);
    assert!(stdout(&out).lines().all(|l| l.split('\t').count() == 6));
}

#[test]
fn the_workspace_comes_from_the_flag_then_the_environment_then_the_token_then_the_config() {
    let env = TestEnv::new();
    let list = |env: &TestEnv, extra: &[(&str, &str)], args: &[&str]| {
        let mut cmd = env.astro();
        for (k, v) in extra {
            cmd.env(k, v);
        }
        let out = cmd
            .args(["wo", "us", "ls", "--jq", ".users | length"])
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), stdout(&out), stderr(&out))
    };
    // None anywhere: exit 2 naming the flag and `workspace switch`, before any request.
    let (code, _, err) = list(&env, &[], &[]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        "error: no Workspace selected\nhint: pass --workspace-id ID_OR_NAME (or set ASTRO_WORKSPACE_ID), or choose one with `astro workspace switch`\n"
    );
    assert!(env.emu.requests().is_empty());
    // The environment, by name (Analytics has 2 members, Data Platform 1).
    let (code, out, _) = list(&env, &[("ASTRO_WORKSPACE_ID", " Analytics ")], &[]);
    assert_eq!((code, out.as_str()), (Some(0), "2\n"));
    // The flag beats the environment.
    let (_, out, _) = list(
        &env,
        &[("ASTRO_WORKSPACE_ID", "Analytics")],
        &["--workspace-id", "Data Platform"],
    );
    assert_eq!(out, "1\n");
    // A Workspace token's Workspace.
    let token = env.emu.mint_token(TokenOptions {
        workspace_id: Some(ANALYTICS.into()),
        ..Default::default()
    });
    let (_, out, _) = list(&env, &[("ASTRO_API_TOKEN", &token)], &[]);
    assert_eq!(out, "2\n");
    // The config context's, with the config's own Organization only.
    let org = env.emu.organization_id();
    env.write_config(&format!(
        "context: astronomer.io\ncontexts:\n  astronomer_io:\n    organization: {org}\n    workspace: {DATA_PLATFORM}\n"
    ));
    let (_, out, _) = list(&env, &[], &[]);
    assert_eq!(out, "1\n");
    let (code, _, err) = list(
        &env,
        &[],
        &["--organization-id", "cotherorg0000000000000000"],
    );
    assert_eq!(
        code,
        Some(2),
        "the config's Workspace is not used with another Organization: {err}"
    );
    // An ambiguous or unknown name.
    let (code, _, err) = list(&env, &[], &["--workspace-id", "Nope"]);
    assert_eq!(code, Some(3));
    assert!(
        err.contains("no Workspace `Nope`") && err.contains("(from --workspace-id)"),
        "{err}"
    );
}

#[test]
fn a_read_without_the_organization_role_is_exit_4_before_any_write() {
    let env = TestEnv::new();
    let alan = env.user_id("alan@example.com");
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: format!(
                r#"{{"id":"{alan}","username":"alan@example.com","fullName":"Alan Turing","avatarUrl":"","status":"ACTIVE","createdAt":"2024-01-15T11:00:00Z","updatedAt":"2024-01-15T11:00:00Z"}}"#
            ),
        })
        .method("GET")
        .path(format!("/v1/organizations/*/users/{alan}")),
    );
    let out = env.run(&[
        "wo",
        "us",
        "up",
        &alan,
        "-r",
        "author",
        "--workspace-id",
        ANALYTICS,
    ]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot be changed safely"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn an_answer_with_other_roles_than_sent_is_exit_1() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: r#"{"organizationRole":"ORGANIZATION_MEMBER","workspaceRoles":[]}"#.into(),
        })
        .method("POST")
        .path("/v1/organizations/*/users/*/roles"),
    );
    let out = env.run(&[
        "wo",
        "us",
        "add",
        "edsger@example.com",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .contains("the API answered with other roles for edsger@example.com than were sent"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_pending_invitee_counts_as_a_member() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "us",
        "add",
        "barbara@example.com",
        "-r",
        "author",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.emu
            .workspace_role("barbara@example.com", "Analytics")
            .as_deref(),
        Some("WORKSPACE_AUTHOR")
    );
}
