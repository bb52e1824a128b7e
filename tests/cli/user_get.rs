//! `astro organization user get`: a member's whole access, off a terminal (the pick-list is in
//! `pty.rs`): the JSON and the screen for the seeded users, the requests made (the user found
//! first, then the Workspaces, Deployments and Teams read at the same time, nothing written),
//! roles in Workspaces or Deployments the listings do not show, lists the token may not see,
//! and the errors.

use std::time::Duration;

use astro_emulator::{Emulator, Fault, FaultKind, Seed, SeedDeploymentRole};
use serde_json::{Value, json};

use crate::common::{TestEnv, stderr, stdout};

struct Ids {
    org: String,
    grace: String,
    data_platform: String,
    analytics: String,
    ingestion: String,
    warehouse_loads: String,
    reporting: String,
    platform_team: String,
}

fn ids(env: &TestEnv) -> Ids {
    let emu = &env.emu;
    Ids {
        org: emu.organization_id(),
        grace: env.user_id("grace@example.com"),
        data_platform: emu.workspace("Data Platform").unwrap().id,
        analytics: emu.workspace("Analytics").unwrap().id,
        ingestion: emu.deployment("Ingestion").unwrap().id,
        warehouse_loads: emu.deployment("Warehouse Loads").unwrap().id,
        reporting: emu.deployment("Reporting").unwrap().id,
        platform_team: emu.team("Platform Team").unwrap().id,
    }
}

fn grace_json(ids: &Ids) -> Value {
    json!({
        "id": ids.grace,
        "email": "grace@example.com",
        "fullName": "Grace Hopper",
        "status": "ACTIVE",
        "organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [
            {"workspaceId": ids.data_platform, "workspaceName": "Data Platform", "role": "WORKSPACE_OWNER"}
        ],
        "deploymentRoles": [
            {"deploymentId": ids.ingestion, "deploymentName": "Ingestion", "role": "DEPLOYMENT_ADMIN"}
        ],
        "dagRoles": [
            {"deploymentId": ids.warehouse_loads, "deploymentName": "Warehouse Loads",
             "dagId": "load_orders", "dagTag": null, "role": "DAG_AUTHOR"}
        ],
        "teams": [{"id": ids.platform_team, "name": "Platform Team"}]
    })
}

fn json_of(out: &std::process::Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)))
}

/// The API paths requested, in order, with the query left out.
fn paths(env: &TestEnv) -> Vec<String> {
    env.api_requests().into_iter().map(|r| r.path).collect()
}

/// The three lookups made once the user is found.
fn lookups(ids: &Ids, user_id: &str) -> Vec<String> {
    let mut paths = vec![
        format!("/v1/organizations/{}/workspaces", ids.org),
        format!("/v1/organizations/{}/deployments", ids.org),
        format!("/v1/organizations/{}/users/{user_id}/teams", ids.org),
    ];
    paths.sort();
    paths
}

#[test]
fn grace_by_email_is_found_in_one_listing_read_whole_and_named() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let out = env.run(&["organization", "user", "get", "GRACE@example.com", "--json"]);
    assert_eq!(json_of(&out), grace_json(&ids));
    assert_eq!(stderr(&out), "");
    let paths = paths(&env);
    assert_eq!(
        paths[..2],
        [
            format!("/v1/organizations/{}/users", ids.org),
            format!("/v1/organizations/{}/users/{}", ids.org, ids.grace),
        ]
    );
    let mut rest = paths[2..].to_vec();
    rest.sort();
    assert_eq!(rest, lookups(&ids, &ids.grace));
    assert!(env.mutations().is_empty());
    assert!(env.api_requests().iter().all(|r| r.status == 200));
}

#[test]
fn grace_by_id_is_one_get_user_then_the_lookups() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let out = env.run(&["org", "us", "get", &ids.grace, "-o", "json"]);
    assert_eq!(json_of(&out), grace_json(&ids));
    let paths = paths(&env);
    assert_eq!(
        paths[0],
        format!("/v1/organizations/{}/users/{}", ids.org, ids.grace)
    );
    let mut rest = paths[1..].to_vec();
    rest.sort();
    assert_eq!(rest, lookups(&ids, &ids.grace));
    assert!(env.mutations().is_empty());
}

/// With 200 ms per answer, the Workspaces, Deployments and Teams are asked for together, and
/// only once the user has been read.
#[test]
fn the_lookups_run_at_the_same_time_after_the_user_is_found() {
    let env = TestEnv::with_emulator(
        Emulator::builder()
            .latency(Duration::from_millis(200))
            .spawn()
            .unwrap(),
    );
    let ids = ids(&env);
    let out = env.run(&["organization", "user", "get", "grace@example.com", "--json"]);
    assert_eq!(json_of(&out), grace_json(&ids));
    let requests = env.api_requests();
    assert_eq!(requests.len(), 5, "{requests:?}");
    let get_user = &requests[1];
    assert_eq!(
        get_user.path,
        format!("/v1/organizations/{}/users/{}", ids.org, ids.grace)
    );
    let lookups = &requests[2..];
    for lookup in lookups {
        assert!(
            lookup.started_at >= get_user.finished_at,
            "{} started before the user was read",
            lookup.path
        );
    }
    let last_start = lookups.iter().map(|r| r.started_at).max().unwrap();
    let first_end = lookups.iter().map(|r| r.finished_at).min().unwrap();
    let times: Vec<String> = lookups
        .iter()
        .map(|r| format!("{} {:?}..{:?}", r.path, r.started_at, r.finished_at))
        .collect();
    assert!(
        last_start < first_end,
        "the lookups did not overlap: {times:#?}"
    );
    assert_eq!(env.emu.max_in_flight(), 3);
}

#[test]
fn alan_has_a_workspace_role_and_a_dag_tag_role() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let out = env.run(&["org", "user", "get", "alan@example.com", "--json"]);
    let json = json_of(&out);
    assert_eq!(
        json["workspaceRoles"],
        json!([{"workspaceId": ids.analytics, "workspaceName": "Analytics", "role": "WORKSPACE_MEMBER"}])
    );
    assert_eq!(json["deploymentRoles"], json!([]));
    assert_eq!(
        json["dagRoles"],
        json!([{"deploymentId": ids.reporting, "deploymentName": "Reporting",
                "dagId": null, "dagTag": "finance", "role": "DAG_VIEWER"}])
    );
    assert_eq!(json["teams"], json!([]));
    assert_eq!(json["organizationRole"], "ORGANIZATION_BILLING_ADMIN");
}

#[test]
fn the_screen_is_a_block_then_a_table_per_scope() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let out = env.run(&["organization", "user", "get", "grace@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let expected = format!(
        "Email:              grace@example.com\n\
         Name:               Grace Hopper\n\
         ID:                 {grace}\n\
         Status:             ACTIVE\n\
         Organization role:  ORGANIZATION_MEMBER\n\
         \n\
         WORKSPACE       WORKSPACE ID                WORKSPACE ROLE\n\
         Data Platform   {dp}   WORKSPACE_OWNER\n\
         \n\
         DEPLOYMENT   DEPLOYMENT ID               DEPLOYMENT ROLE\n\
         Ingestion    {ing}   DEPLOYMENT_ADMIN\n\
         \n\
         DEPLOYMENT        DEPLOYMENT ID               DAG           DAG ROLE\n\
         Warehouse Loads   {wl}   load_orders   DAG_AUTHOR\n\
         \n\
         TEAM            TEAM ID\n\
         Platform Team   {team}\n",
        grace = ids.grace,
        dp = ids.data_platform,
        ing = ids.ingestion,
        wl = ids.warehouse_loads,
        team = ids.platform_team,
    );
    assert_eq!(stdout(&out), expected);

    // --no-headers leaves out the tables' header lines, nothing else.
    let out = env.run(&["org", "user", "get", "alan@example.com", "--no-headers"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = format!(
        "Email:              alan@example.com\n\
         Name:               Alan Turing\n\
         ID:                 {alan}\n\
         Status:             ACTIVE\n\
         Organization role:  ORGANIZATION_BILLING_ADMIN\n\
         Deployment roles:   none\n\
         Teams:              none\n\
         \n\
         Analytics   {analytics}   WORKSPACE_MEMBER\n\
         \n\
         Reporting   {reporting}   tag:finance   DAG_VIEWER\n",
        alan = env.user_id("alan@example.com"),
        analytics = ids.analytics,
        reporting = ids.reporting,
    );
    assert_eq!(stdout(&out), expected);
}

#[test]
fn a_user_with_no_roles_needs_no_listing_and_says_none() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let edsger = env.user_id("edsger@example.com");
    let out = env.run(&["org", "user", "get", &edsger, "--json"]);
    assert_eq!(
        json_of(&out),
        json!({
            "id": edsger,
            "email": "edsger@example.com",
            "fullName": "Edsger Dijkstra",
            "status": "ACTIVE",
            "organizationRole": "ORGANIZATION_OBSERVE_MEMBER",
            "workspaceRoles": [],
            "deploymentRoles": [],
            "dagRoles": [],
            "teams": []
        })
    );
    assert_eq!(
        paths(&env),
        [
            format!("/v1/organizations/{}/users/{edsger}", ids.org),
            format!("/v1/organizations/{}/users/{edsger}/teams", ids.org),
        ]
    );
    env.emu.clear_requests();
    let out = env.run(&["org", "user", "get", "edsger@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Email:              edsger@example.com\n\
             Name:               Edsger Dijkstra\n\
             ID:                 {edsger}\n\
             Status:             ACTIVE\n\
             Organization role:  ORGANIZATION_OBSERVE_MEMBER\n\
             Workspace roles:    none\n\
             Deployment roles:   none\n\
             DAG roles:          none\n\
             Teams:              none\n"
        )
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn a_pending_invitee_is_shown_as_pending() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "user",
        "get",
        "barbara@example.com",
        "--jq",
        ".status",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "PENDING\n");
}

#[test]
fn someone_not_in_the_organization_is_exit_3_with_the_list_hint() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    for who in ["nobody@example.com", "cnotauser0000000000000000"] {
        let out = env.run(&["org", "user", "get", who, "--json"]);
        assert_eq!(out.status.code(), Some(3), "{who}: {}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            format!(
                "error: no user `{who}` in Organization `{org}`\n\
                 hint: run `astro organization user list` to see its members\n"
            )
        );
    }
    // One listing for the email, one GetUser for the ID; nothing after.
    assert_eq!(
        paths(&env),
        [
            format!("/v1/organizations/{org}/users"),
            format!("/v1/organizations/{org}/users/cnotauser0000000000000000"),
        ]
    );
}

#[test]
fn a_bad_email_or_no_argument_off_a_terminal_is_exit_2_before_any_request() {
    let env = TestEnv::new();
    let out = env.run(&["org", "user", "get", "grace@"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: `grace@` is not a valid email address: the domain is not a valid host name\n\
         hint: pass the user's email address or their 25-character user ID\n"
    );
    let out = env.run(&["org", "user", "get"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the user's email or ID is required when not running interactively\n\
         hint: pass it as the EMAIL_OR_ID argument\n"
    );
    assert_eq!(stdout(&out), "");
    assert!(env.emu.requests().is_empty());
}

/// A Deployment role whose Deployment the listing does not return (the seed keeps a
/// `deploymentId` as given): its ID is kept, its name is unknown, and the command succeeds.
#[test]
fn a_role_in_a_deployment_the_listing_does_not_show_keeps_its_id() {
    const GONE: &str = "cgonedeployment0000000000";
    let mut seed = Seed::default();
    let edsger = seed
        .users
        .iter_mut()
        .find(|u| u.email == "edsger@example.com")
        .expect("edsger is seeded");
    edsger.deployment_roles.push(SeedDeploymentRole {
        deployment: None,
        deployment_id: Some(GONE.into()),
        role: "DEPLOYMENT_ADMIN".into(),
    });
    let env = TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap());
    let out = env.run(&["org", "user", "get", "edsger@example.com", "--json"]);
    let json = json_of(&out);
    assert_eq!(
        json["deploymentRoles"],
        json!([{"deploymentId": GONE, "deploymentName": null, "role": "DEPLOYMENT_ADMIN"}])
    );
    assert_eq!(
        stderr(&out),
        "1 role names a Deployment that is not in the Organization's listing (deleted, or not \
         visible to this token): shown by ID\n"
    );
    let out = env.run(&["org", "user", "get", "edsger@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("\n(unknown)    {GONE}   DEPLOYMENT_ADMIN\n")),
        "{}",
        stdout(&out)
    );
    assert!(env.mutations().is_empty());
}

/// GetUser answering with a Workspace the listing does not have, and without the Deployment
/// and DAG lists (a token that may not see them): the Workspace keeps its ID, the lists left
/// out are "not visible" (null), and no Deployment listing is needed.
#[test]
fn an_unknown_workspace_keeps_its_id_and_lists_left_out_are_not_visible() {
    const GONE: &str = "cgoneworkspace00000000000";
    let env = TestEnv::new();
    let ids = ids(&env);
    let body = json!({
        "id": ids.grace,
        "username": "grace@example.com",
        "fullName": "Grace Hopper",
        "status": "ACTIVE",
        "createdAt": "2024-01-15T10:00:00Z",
        "updatedAt": "2024-01-15T10:00:00Z",
        "organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [
            {"workspaceId": GONE, "role": "WORKSPACE_AUTHOR"},
            {"workspaceId": ids.data_platform, "role": "WORKSPACE_OWNER"}
        ]
    });
    let get_user = format!("/v1/organizations/{}/users/{}", ids.org, ids.grace);
    let fault = || {
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: body.to_string(),
        })
        .method("GET")
        .path(get_user.clone())
    };
    env.emu.inject(fault());
    let out = env.run(&["org", "user", "get", &ids.grace, "--json"]);
    let json = json_of(&out);
    assert_eq!(
        json["workspaceRoles"],
        json!([
            {"workspaceId": ids.data_platform, "workspaceName": "Data Platform", "role": "WORKSPACE_OWNER"},
            {"workspaceId": GONE, "workspaceName": null, "role": "WORKSPACE_AUTHOR"}
        ])
    );
    assert!(json["deploymentRoles"].is_null(), "{json}");
    assert!(json["dagRoles"].is_null(), "{json}");
    assert_eq!(json["teams"].as_array().unwrap().len(), 1);
    assert_eq!(
        stderr(&out),
        "1 role names a Workspace that is not in the Organization's listing (deleted, or not \
         visible to this token): shown by ID\n"
    );
    let mut rest = paths(&env)[1..].to_vec();
    rest.sort();
    assert_eq!(
        rest,
        [
            format!("/v1/organizations/{}/users/{}/teams", ids.org, ids.grace),
            format!("/v1/organizations/{}/workspaces", ids.org),
        ]
    );

    env.emu.inject(fault());
    let out = env.run(&["org", "user", "get", &ids.grace]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("\nDeployment roles:   not visible to this token\nDAG roles:          not visible to this token\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "\nData Platform   {}   WORKSPACE_OWNER\n(unknown)       {GONE}   WORKSPACE_AUTHOR\n",
            ids.data_platform
        )),
        "{text}"
    );
}

/// A token that may not list the Workspaces or read the user's Teams (403): the Workspace keeps
/// its ID with no name, the Teams are not visible, and each is said on stderr; exit 0.
#[test]
fn listings_the_token_may_not_read_leave_names_unknown_and_teams_not_visible() {
    let env = TestEnv::new();
    let ids = ids(&env);
    for path in [
        "/v1/organizations/*/workspaces",
        "/v1/organizations/*/users/*/teams",
    ] {
        env.emu.inject(
            Fault::new(FaultKind::Status {
                status: 403,
                retry_after: None,
            })
            .method("GET")
            .path(path),
        );
    }
    let out = env.run(&["org", "user", "get", &ids.grace, "--json"]);
    let json = json_of(&out);
    assert_eq!(
        json["workspaceRoles"],
        json!([{"workspaceId": ids.data_platform, "workspaceName": null, "role": "WORKSPACE_OWNER"}])
    );
    assert_eq!(json["deploymentRoles"][0]["deploymentName"], "Ingestion");
    assert!(json["teams"].is_null(), "{json}");
    assert_eq!(
        stderr(&out),
        "this token may not list the Organization's Workspaces: their names are not shown\n"
    );
    assert!(env.mutations().is_empty());
}

/// Any other failure of a lookup fails the command (exit 1 after the retries), printing nothing.
#[test]
fn a_failing_lookup_fails_the_command() {
    let env = TestEnv::new();
    let ids = ids(&env);
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .method("GET")
        .path("/v1/organizations/*/deployments")
        .times(4),
    );
    let out = env.run(&["org", "user", "get", &ids.grace, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

/// Names from the server reach the screen cleaned of control characters; JSON keeps them exact
/// (escaped).
#[test]
fn escape_sequences_in_names_never_reach_the_terminal() {
    let env = TestEnv::new();
    let ids = ids(&env);
    let body = json!({
        "id": ids.grace,
        "username": "grace@example.com",
        "fullName": "Evil\u{1b}]0;owned\u{7}\u{1b}[2J",
        "status": "ACTIVE",
        "createdAt": "2024-01-15T10:00:00Z",
        "organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [], "deploymentRoles": [], "dagRoles": []
    });
    let fault = || {
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: body.to_string(),
        })
        .method("GET")
        .path(format!("/v1/organizations/{}/users/{}", ids.org, ids.grace))
    };
    env.emu.inject(fault());
    let out = env.run(&["org", "user", "get", &ids.grace]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("Name:               Evil\u{fffd}]0;owned\u{fffd}\u{fffd}[2J\n"),
        "{text:?}"
    );
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );
    env.emu.inject(fault());
    let out = env.run(&["org", "user", "get", &ids.grace, "--json"]);
    assert!(stdout(&out).contains("\\u001b"), "{}", stdout(&out));
}
