//! `astro deployment list` and `astro deployment user|team …`: naming the Deployment
//! (`--deployment-id` by ID or by name, `ASTRO_DEPLOYMENT_ID`), and a user's or Team's role on
//! it. Every write sends the subject's Organization role as read and its complete Deployment
//! list with one entry changed, and no Workspace or DAG list: those stay exactly as they were.
//!
//! Seeded: Data Platform holds Ingestion and Warehouse Loads, Analytics holds Reporting and
//! Dashboards. grace@example.com is DEPLOYMENT_ADMIN on Ingestion (and has a DAG role on
//! Warehouse Loads); Team "Data Engineering, EU" is DEPLOYMENT_ADMIN on Warehouse Loads (and
//! has a DAG-tag role on Ingestion).

use astro_emulator::{Fault, FaultKind, TeamSnapshot, UserSnapshot};
use serde_json::json;

use crate::common::{TestEnv, bodies, json_of, query_param, requests, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";
const WAREHOUSE_LOADS: &str = "clrg580lc000002cuoizodml6";

/// Everything about a user but their Deployment roles.
fn all_but_deployment_roles(user: &UserSnapshot) -> String {
    format!(
        "{} {:?} {} {:?} {:?}",
        user.email, user.organization_role, user.status, user.workspace_roles, user.dag_roles
    )
}

/// Everything about a Team but its Deployment roles.
fn team_all_but_deployment_roles(team: &TeamSnapshot) -> String {
    format!(
        "{} {:?} {} {} {:?} {:?} {:?}",
        team.name,
        team.description,
        team.organization_role,
        team.is_idp_managed,
        team.members,
        team.workspace_roles,
        team.dag_roles
    )
}

fn deployment_roles(roles: &[astro_emulator::DeploymentRoleSnapshot]) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = roles
        .iter()
        .map(|r| (r.deployment_id.clone(), r.role.clone()))
        .collect();
    roles.sort();
    roles
}

// ---------------------------------------------------------------------------------------
// deployment list and --deployment-id

#[test]
fn list_shows_a_workspaces_deployments_or_all_of_them() {
    let env = TestEnv::new();
    let out = env.run(&[
        "deployment",
        "list",
        "--workspace-id",
        "Data Platform",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({"deployments": [
            {"id": INGESTION, "name": "Ingestion", "workspaceId": DATA_PLATFORM,
             "workspaceName": "Data Platform", "status": "HEALTHY"},
            {"id": WAREHOUSE_LOADS, "name": "Warehouse Loads", "workspaceId": DATA_PLATFORM,
             "workspaceName": "Data Platform", "status": "HEALTHY"},
        ]})
    );
    let listing = env
        .api_requests()
        .into_iter()
        .find(|r| r.path.ends_with("/deployments"))
        .unwrap();
    assert_eq!(
        query_param(&listing, "workspaceIds").as_deref(),
        Some(DATA_PLATFORM)
    );

    // The whole Organization, as a table for scripts (tab-separated off a terminal).
    let out = env.run(&["de", "ls", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines[0], "NAME\tID\tWORKSPACE\tSTATUS");
    assert!(
        lines.contains(&format!("Ingestion\t{INGESTION}\tData Platform\tHEALTHY")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Reporting\t")),
        "{lines:?}"
    );

    // Neither a Workspace nor --all: exit 2 before any request; both: exit 2.
    let env = TestEnv::new();
    let out = env.run(&["deployment", "list"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("--all for every Deployment of the Organization"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["deployment", "list", "--all", "--workspace-id", "Analytics"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(env.api_requests().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn the_deployment_is_named_by_id_by_name_or_by_the_environment() {
    let env = TestEnv::new();
    // By ID: one GetDeployment, then the listing of its users.
    let out = env.run(&[
        "deployment",
        "user",
        "list",
        "--deployment-id",
        INGESTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        requests(&env),
        [
            format!(
                "GET /v1/organizations/{}/deployments/{INGESTION}",
                env.emu.organization_id()
            ),
            format!("GET /v1/organizations/{}/users", env.emu.organization_id()),
        ]
    );
    let json = json_of(&out);
    assert_eq!(json["users"][0]["email"], "grace@example.com");
    assert_eq!(json["users"][0]["deploymentRole"], "DEPLOYMENT_ADMIN");
    assert!(json["users"][0].get("workspaceRole").is_none(), "{json}");

    // By name in any case, within the selected Workspace; and from ASTRO_DEPLOYMENT_ID.
    for out in [
        env.run(&[
            "de",
            "us",
            "ls",
            "--deployment-id",
            "ingestion",
            "--workspace-id",
            "Data Platform",
            "--json",
        ]),
        env.astro()
            .args(["de", "us", "ls", "--json"])
            .env("ASTRO_DEPLOYMENT_ID", " Ingestion ")
            .env("ASTRO_WORKSPACE_ID", "Data Platform")
            .output()
            .unwrap(),
    ] {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(json_of(&out), json);
    }

    // A name the Workspace does not have: exit 3, naming the Workspace.
    let out = env.run(&[
        "de",
        "us",
        "ls",
        "--deployment-id",
        "Reporting",
        "--workspace-id",
        "Data Platform",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "error: no Deployment `Reporting` in Workspace `Data Platform` (from --deployment-id)"
        ),
        "{}",
        stderr(&out)
    );

    // None given off a terminal (an empty variable counts as unset): exit 2 naming the flag,
    // before any request.
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["deployment", "user", "list"])
        .env("ASTRO_DEPLOYMENT_ID", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--deployment-id"), "{}", stderr(&out));
    assert!(env.api_requests().is_empty(), "{:#?}", requests(&env));
    // A command that does not take it refuses it.
    let out = env.run(&["workspace", "list", "--deployment-id", INGESTION]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn same_named_deployments_in_two_workspaces_need_the_workspace_or_the_id() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("twins.json");
    std::fs::write(
        &seed,
        r#"{"organization": {"name": "Twins"},
            "users": [{"email": "ada@example.com", "fullName": "Ada", "role": "ORGANIZATION_OWNER"}],
            "workspaces": [
              {"name": "East", "deployments": [{"name": "Loads"}]},
              {"name": "West", "deployments": [{"name": "Loads"}]}]}"#,
    )
    .unwrap();
    let env = TestEnv::with_emulator(
        astro_emulator::Emulator::builder()
            .seed_file(&seed)
            .unwrap()
            .spawn()
            .unwrap(),
    );
    let out = env.run(&["de", "us", "ls", "--deployment-id", "Loads"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("`Loads` names 2 Deployments")
            && err.contains("in Workspace East")
            && err.contains("in Workspace West"),
        "{err}"
    );
    let out = env.run(&[
        "de",
        "us",
        "ls",
        "--deployment-id",
        "Loads",
        "--workspace-id",
        "West",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out), json!({"users": []}));
}

// ---------------------------------------------------------------------------------------
// deployment user

#[test]
fn user_add_sends_only_the_deployment_list_and_keeps_every_other_role() {
    let env = TestEnv::new();
    let before = env.emu.user("alan@example.com").unwrap();
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "Alan@Example.com",
        "--deployment-id",
        WAREHOUSE_LOADS,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": before.id,
            "email": "alan@example.com",
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deploymentId": WAREHOUSE_LOADS,
            "deploymentName": "Warehouse Loads",
            "previousRole": null,
            "role": "DEPLOYMENT_ADMIN",
            "changed": true
        })
    );
    assert_eq!(
        bodies(&env),
        [json!({
            "organizationRole": "ORGANIZATION_BILLING_ADMIN",
            "deploymentRoles": [{"deploymentId": WAREHOUSE_LOADS, "role": "DEPLOYMENT_ADMIN"}]
        })]
    );
    let after = env.emu.user("alan@example.com").unwrap();
    assert_eq!(
        all_but_deployment_roles(&after),
        all_but_deployment_roles(&before)
    );
    assert_eq!(
        deployment_roles(&after.deployment_roles),
        [(WAREHOUSE_LOADS.to_owned(), "DEPLOYMENT_ADMIN".to_owned())]
    );

    // Adding again with the same role: nothing sent.
    let mutations = env.mutations().len();
    let out = env.run(&[
        "de",
        "us",
        "add",
        "alan@example.com",
        "-r",
        "admin",
        "--deployment-id",
        WAREHOUSE_LOADS,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "alan@example.com is already in Deployment Warehouse Loads as DEPLOYMENT_ADMIN; nothing changed\n"
    );
    assert_eq!(env.mutations().len(), mutations);
}

#[test]
fn user_remove_takes_only_the_deployment_role_and_asks_first() {
    let env = TestEnv::new();
    let before = env.emu.user("grace@example.com").unwrap();
    // Off a terminal without --force: exit 2, nothing sent.
    let out = env.run(&[
        "deployment",
        "user",
        "remove",
        "grace@example.com",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(env.api_requests().is_empty());
    // A dry run says what would go and sends nothing.
    let out = env.run(&[
        "de",
        "us",
        "rm",
        "grace@example.com",
        "--deployment-id",
        INGESTION,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would remove grace@example.com from Deployment Ingestion (was DEPLOYMENT_ADMIN) (dry run: nothing sent)\n"
    );
    assert!(env.mutations().is_empty());

    let out = env.run(&[
        "de",
        "us",
        "rm",
        "grace@example.com",
        "--deployment-id",
        INGESTION,
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed grace@example.com from Deployment Ingestion (was DEPLOYMENT_ADMIN)\n"
    );
    assert_eq!(
        bodies(&env),
        [json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": []})]
    );
    let after = env.emu.user("grace@example.com").unwrap();
    assert!(after.deployment_roles.is_empty());
    // Her Workspace role and her DAG role on Warehouse Loads stay.
    assert_eq!(
        all_but_deployment_roles(&after),
        all_but_deployment_roles(&before)
    );
    assert_eq!(after.dag_roles.len(), 1);
}

#[test]
fn user_update_of_someone_without_a_role_there_is_exit_3_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "de",
        "us",
        "up",
        "alan@example.com",
        "-r",
        "DEPLOYMENT_ADMIN",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        format!(
            "error: alan@example.com is not in Deployment `Ingestion`\nhint: add them with `astro deployment user add alan@example.com --deployment-id {INGESTION}`\n"
        )
    );
    assert!(env.mutations().is_empty());
    // Off a terminal the role is needed: exit 2 before any request.
    let env = TestEnv::new();
    let out = env.run(&[
        "de",
        "us",
        "up",
        "grace@example.com",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--role"), "{}", stderr(&out));
    assert!(env.api_requests().is_empty());
}

#[test]
fn when_roles_cannot_be_listed_admin_is_known_and_other_names_go_with_a_warning() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 403,
            retry_after: None,
        })
        .path("/v1/organizations/*/roles")
        .times(10),
    );
    let out = env.run(&[
        "de",
        "us",
        "up",
        "grace@example.com",
        "-r",
        "Night Shift",
        "--deployment-id",
        INGESTION,
    ]);
    // The CLI could not check the role; the API refuses it (exit 1, its message shown).
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("is not a Deployment role of this Organization"),
        "{err}"
    );
    assert!(
        err.starts_with(
            "warning: this token may not list the Organization's roles, so `Night Shift` is sent unchecked\n"
        ),
        "{err}"
    );
    assert_eq!(
        bodies(&env),
        [json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "deploymentRoles": [{"deploymentId": INGESTION, "role": "Night Shift"}]
        })]
    );
    assert_eq!(
        deployment_roles(&env.emu.user("grace@example.com").unwrap().deployment_roles),
        [(INGESTION.to_owned(), "DEPLOYMENT_ADMIN".to_owned())]
    );
    // DEPLOYMENT_ADMIN is known without the catalogue: no warning.
    let out = env.run(&[
        "de",
        "us",
        "add",
        "alan@example.com",
        "-r",
        "admin",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
}

#[test]
fn the_members_listed_are_those_with_a_deployment_role_not_only_a_dag_role() {
    let env = TestEnv::new();
    // Ingestion: grace has a Deployment role; "Data Engineering, EU" only a DAG-tag role.
    let out = env.run(&["de", "te", "ls", "--deployment-id", INGESTION, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out), json!({"teams": []}));
    let out = env.run(&["de", "te", "ls", "--deployment-id", WAREHOUSE_LOADS]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let team = env.emu.team("Data Engineering, EU").unwrap();
    assert_eq!(
        stdout(&out),
        format!(
            "ID\tROLE\tNAME\tDESCRIPTION\tCREATE DATE\n{}\tDEPLOYMENT_ADMIN\tData Engineering, EU\tPipelines for the EU region\t{}\n",
            team.id, team.created_at
        )
    );
    // Warehouse Loads: grace has only a DAG role there, so no user is listed.
    let out = env.run(&["de", "us", "ls", "--deployment-id", WAREHOUSE_LOADS]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("no members"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------
// deployment team

#[test]
fn team_add_update_and_remove_send_only_the_deployment_list() {
    let env = TestEnv::new();
    let before = env.emu.team("Platform Team").unwrap();
    let out = env.run(&[
        "deployment",
        "team",
        "add",
        "Platform Team",
        "--deployment-id",
        INGESTION,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": before.id,
            "name": "Platform Team",
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deploymentId": INGESTION,
            "deploymentName": "Ingestion",
            "previousRole": null,
            "role": "DEPLOYMENT_ADMIN",
            "changed": true
        })
    );
    let after = env.emu.team("Platform Team").unwrap();
    assert_eq!(
        team_all_but_deployment_roles(&after),
        team_all_but_deployment_roles(&before)
    );
    assert_eq!(
        deployment_roles(&after.deployment_roles),
        [(INGESTION.to_owned(), "DEPLOYMENT_ADMIN".to_owned())]
    );

    // The Team with a comma in its name, by its exact name: removed from Warehouse Loads; its
    // DAG-tag role on Ingestion and its Workspace roles stay.
    let before = env.emu.team("Data Engineering, EU").unwrap();
    let out = env.run(&[
        "de",
        "te",
        "rm",
        "Data Engineering, EU",
        "--deployment-id",
        WAREHOUSE_LOADS,
        "-f",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed Team Data Engineering, EU from Deployment Warehouse Loads (was DEPLOYMENT_ADMIN)\n"
    );
    let after = env.emu.team("Data Engineering, EU").unwrap();
    assert!(after.deployment_roles.is_empty());
    assert_eq!(
        team_all_but_deployment_roles(&after),
        team_all_but_deployment_roles(&before)
    );
    let bodies = bodies(&env);
    assert_eq!(
        bodies,
        [
            json!({
                "organizationRole": "ORGANIZATION_MEMBER",
                "deploymentRoles": [{"deploymentId": INGESTION, "role": "DEPLOYMENT_ADMIN"}]
            }),
            json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": []}),
        ]
    );

    // update of a Team without a role there: exit 3 with the add command.
    let out = env.run(&[
        "de",
        "te",
        "up",
        "Okta Engineers",
        "-r",
        "admin",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!("--deployment-id {INGESTION}`")),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.mutations().len(), 2);
}

// ---------------------------------------------------------------------------------------
// Deployment roles

#[test]
fn roles_are_checked_against_the_deployments_catalogue_before_any_write() {
    let env = TestEnv::new();
    // An unknown role: exit 2 listing the valid ones, nothing written.
    let out = env.run(&[
        "de",
        "us",
        "up",
        "grace@example.com",
        "-r",
        "OWNER",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().next().unwrap(),
        "error: `OWNER` is not a Deployment role on Deployment Ingestion; valid: DEPLOYMENT_ADMIN, DAG_OPERATOR_RESTRICTED, DEPLOYMENT_VIEWER"
    );
    assert!(env.mutations().is_empty());
    // The catalogue was read with the default roles, for the DEPLOYMENT scope.
    let roles = env
        .api_requests()
        .into_iter()
        .find(|r| r.path.ends_with("/roles"))
        .unwrap();
    assert_eq!(
        query_param(&roles, "includeDefaultRoles").as_deref(),
        Some("true")
    );
    assert_eq!(
        query_param(&roles, "scopeTypes").as_deref(),
        Some("DEPLOYMENT")
    );

    // A role restricted to Data Platform is not offered on Analytics' Reporting.
    let out = env.run(&[
        "de",
        "te",
        "add",
        "Platform Team",
        "-r",
        "DAG_OPERATOR_RESTRICTED",
        "--deployment-id",
        "clrg70beo000003cug1mqs4lw",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("valid: DEPLOYMENT_ADMIN, DEPLOYMENT_VIEWER\n"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());

    // A custom role in any case, on a Deployment of its Workspace: its exact name is sent.
    let before = env.emu.user("grace@example.com").unwrap();
    let out = env.run(&[
        "de",
        "us",
        "up",
        "grace@example.com",
        "-r",
        "dag_operator_restricted",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated grace@example.com in Deployment Ingestion: DEPLOYMENT_ADMIN -> DAG_OPERATOR_RESTRICTED\n"
    );
    assert_eq!(
        bodies(&env),
        [json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "deploymentRoles": [{"deploymentId": INGESTION, "role": "DAG_OPERATOR_RESTRICTED"}]
        })]
    );
    let after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(
        all_but_deployment_roles(&after),
        all_but_deployment_roles(&before)
    );

    // A Team's role, by the role's short name: DEPLOYMENT_VIEWER from `viewer`.
    let out = env.run(&[
        "de",
        "te",
        "up",
        "Data Engineering, EU",
        "-r",
        "viewer",
        "--deployment-id",
        WAREHOUSE_LOADS,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(json["role"], "DEPLOYMENT_VIEWER");
    assert_eq!(
        deployment_roles(
            &env.emu
                .team("Data Engineering, EU")
                .unwrap()
                .deployment_roles
        ),
        [(WAREHOUSE_LOADS.to_owned(), "DEPLOYMENT_VIEWER".to_owned())]
    );
}
