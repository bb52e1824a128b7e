//! `astro organization team list|get|create|update|delete`, off a terminal: exit codes, stdout
//! (parsed when JSON), stderr, the requests the emulator recorded with their bodies, and its
//! Teams after. The prompts are in `pty.rs`.

use astro_emulator::{Fault, FaultKind, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{TestEnv, query_param, stderr, stdout};

const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";
const DATA_ENGINEERING: &str = "clrhm3b40000002649ug96ewr";
const PLATFORM_TEAM_LOWER: &str = "clrho8gw0000003642m95fuxa";
const OKTA: &str = "clrhqdmo000000464shfil1yh";
const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const WAREHOUSE_LOADS: &str = "clrg580lc000002cuoizodml6";
const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";

fn parse(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\nstderr: {}", stdout(out), stderr(out)))
}

fn body(request: &RecordedRequest) -> Value {
    serde_json::from_str(request.body.as_deref().expect("a body")).unwrap()
}

fn teams_path(env: &TestEnv) -> String {
    format!("/v1/organizations/{}/teams", env.emu.organization_id())
}

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

/// The (method, path) of every request to the API.
fn calls(env: &TestEnv) -> Vec<(String, String)> {
    env.api_requests()
        .into_iter()
        .map(|r| (r.method, r.path))
        .collect()
}

/// The Team's Workspace roles as the emulator holds them, as the API writes them.
fn workspace_roles_json(env: &TestEnv, name: &str) -> Value {
    Value::Array(
        env.emu
            .team(name)
            .unwrap()
            .workspace_roles
            .iter()
            .map(|r| json!({"workspaceId": r.workspace_id, "role": r.role}))
            .collect(),
    )
}

/// Everything the emulator holds about the Teams, to compare before and after a refusal.
fn teams_state(env: &TestEnv) -> Vec<astro_emulator::TeamSnapshot> {
    env.emu.teams()
}

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_every_team_with_its_member_count_in_one_extra_round_trip() {
    let env = TestEnv::new();
    let out = env.run(&["organization", "team", "list"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "NAME\tID\tDESCRIPTION\tORGANIZATION ROLE\tMEMBERS\tIDP MANAGED\tCREATE DATE\n\
             Data Engineering, EU\t{DATA_ENGINEERING}\tPipelines for the EU region\tORGANIZATION_MEMBER\t2\tfalse\t2024-01-17T10:00:00Z\n\
             Okta Engineers\t{OKTA}\tSynced from Okta\tORGANIZATION_BILLING_ADMIN\t2\ttrue\t2024-01-17T12:00:00Z\n\
             Platform Team\t{PLATFORM_TEAM}\tKeeps the platform running\tORGANIZATION_MEMBER\t1\tfalse\t2024-01-17T09:00:00Z\n\
             platform team\t{PLATFORM_TEAM_LOWER}\tWeekend on-call rota\tORGANIZATION_MEMBER\t1\tfalse\t2024-01-17T11:00:00Z\n"
        )
    );
    assert_eq!(stderr(&out), "");
    let requests = env.api_requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    assert_eq!(requests[0].path, teams_path(&env));
    assert_eq!(query_param(&requests[0], "limit").as_deref(), Some("1000"));
    // One count per Team, each one member long (its totalCount is the count), all sent once
    // the listing was in: one more round trip.
    let listed = requests[0].finished_at;
    let mut counted: Vec<String> = requests[1..]
        .iter()
        .map(|r| {
            assert_eq!(r.method, "GET");
            assert_eq!(query_param(r, "limit").as_deref(), Some("1"), "{r:?}");
            assert!(r.started_at >= listed);
            r.path.clone()
        })
        .collect();
    counted.sort();
    let mut expected: Vec<String> = [PLATFORM_TEAM, DATA_ENGINEERING, PLATFORM_TEAM_LOWER, OKTA]
        .iter()
        .map(|id| format!("{}/{id}/members", teams_path(&env)))
        .collect();
    expected.sort();
    assert_eq!(counted, expected);
}

#[test]
fn list_json_keeps_the_go_keys_and_counts_members_only_when_asked() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "ls", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let team = |id: &str, name: &str, description: &str, created: &str, role: &str, idp: bool| {
        json!({"id": id, "name": name, "description": description, "createdAt": created,
               "orgRole": role, "isIdpManaged": idp})
    };
    let mut expected = json!({"teams": [
        team(DATA_ENGINEERING, "Data Engineering, EU", "Pipelines for the EU region", "2024-01-17T10:00:00Z", "ORGANIZATION_MEMBER", false),
        team(OKTA, "Okta Engineers", "Synced from Okta", "2024-01-17T12:00:00Z", "ORGANIZATION_BILLING_ADMIN", true),
        team(PLATFORM_TEAM, "Platform Team", "Keeps the platform running", "2024-01-17T09:00:00Z", "ORGANIZATION_MEMBER", false),
        team(PLATFORM_TEAM_LOWER, "platform team", "Weekend on-call rota", "2024-01-17T11:00:00Z", "ORGANIZATION_MEMBER", false),
    ]});
    assert_eq!(parse(&out), expected);
    assert_eq!(env.api_requests().len(), 1, "no member counts unless asked");
    env.emu.clear_requests();

    let out = env.run(&["org", "teams", "list", "-o", "json", "--members"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    for (team, count) in expected["teams"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .zip([2, 2, 1, 1])
    {
        team["membersCount"] = json!(count);
    }
    assert_eq!(parse(&out), expected);
    assert_eq!(env.api_requests().len(), 5);

    let out = env.run(&[
        "org",
        "te",
        "ls",
        "--members",
        "--jq",
        ".teams[] | select(.isIdpManaged) | \"\\(.name) \\(.membersCount)\"",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Okta Engineers 2\n");
}

// ---------------------------------------------------------------------------------------
// get

#[test]
fn get_names_every_role_and_lists_the_members_in_one_more_round_trip() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "get", "Data Engineering, EU", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let ada = env.user_id("ada@example.com");
    let katherine = env.user_id("Katherine.Johnson@Example.com");
    assert_eq!(
        parse(&out),
        json!({
            "id": DATA_ENGINEERING,
            "name": "Data Engineering, EU",
            "description": "Pipelines for the EU region",
            "createdAt": "2024-01-17T10:00:00Z",
            "organizationRole": "ORGANIZATION_MEMBER",
            "isIdpManaged": false,
            "workspaceRoles": [
                {"workspaceId": ANALYTICS, "workspaceName": "Analytics", "role": "WORKSPACE_MEMBER"},
                {"workspaceId": DATA_PLATFORM, "workspaceName": "Data Platform", "role": "WORKSPACE_OPERATOR"},
            ],
            "deploymentRoles": [
                {"deploymentId": WAREHOUSE_LOADS, "deploymentName": "Warehouse Loads", "role": "DEPLOYMENT_ADMIN"},
            ],
            "dagRoles": [
                {"deploymentId": INGESTION, "deploymentName": "Ingestion", "dagId": null, "dagTag": "eu", "role": "DAG_AUTHOR"},
            ],
            "members": [
                {"id": ada, "email": "ada@example.com", "fullName": "Ada Lovelace"},
                {"id": katherine, "email": "Katherine.Johnson@Example.com", "fullName": "Katherine Johnson"},
            ],
        })
    );
    // The listing (to find it by name), then GetTeam, its members and the two listings that
    // name its roles, at the same time.
    let requests = env.api_requests();
    assert_eq!(requests.len(), 5, "{requests:#?}");
    assert!(requests.iter().all(|r| r.method == "GET"));
    assert_eq!(requests[0].path, teams_path(&env));
    let listed = requests[0].finished_at;
    assert!(requests[1..].iter().all(|r| r.started_at >= listed));
    let org = env.emu.organization_id();
    let mut paths: Vec<String> = requests[1..].iter().map(|r| r.path.clone()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            format!("/v1/organizations/{org}/deployments"),
            format!("/v1/organizations/{org}/teams/{DATA_ENGINEERING}"),
            format!("/v1/organizations/{org}/teams/{DATA_ENGINEERING}/members"),
            format!("/v1/organizations/{org}/workspaces"),
        ]
    );
}

#[test]
fn get_as_a_table_says_none_where_the_team_has_no_role() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "get", PLATFORM_TEAM]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let grace = env.user_id("grace@example.com");
    assert_eq!(
        stdout(&out),
        format!(
            "Name:               Platform Team\n\
             ID:                 {PLATFORM_TEAM}\n\
             Description:        Keeps the platform running\n\
             Organization role:  ORGANIZATION_MEMBER\n\
             IdP managed:        no\n\
             Created:            2024-01-17T09:00:00Z\n\
             Deployment roles:   none\n\
             DAG roles:          none\n\
             \n\
             WORKSPACE       WORKSPACE ID                WORKSPACE ROLE\n\
             Data Platform   {DATA_PLATFORM}   WORKSPACE_AUTHOR\n\
             \n\
             FULLNAME       EMAIL               ID\n\
             Grace Hopper   grace@example.com   {grace}\n"
        )
    );
    assert_eq!(stderr(&out), "");
    // No Deployment role to name: the Deployments are not listed.
    assert!(
        !env.api_requests()
            .iter()
            .any(|r| r.path.ends_with("/deployments"))
    );
}

#[test]
fn a_team_is_named_by_exact_name_then_by_a_unique_name_in_any_case_then_by_id() {
    let env = TestEnv::new();
    for (arg, id) in [
        ("Platform Team", PLATFORM_TEAM),
        ("platform team", PLATFORM_TEAM_LOWER),
        ("data engineering, eu", DATA_ENGINEERING),
        ("OKTA ENGINEERS", OKTA),
        (PLATFORM_TEAM_LOWER, PLATFORM_TEAM_LOWER),
    ] {
        let out = env.run(&["org", "te", "get", arg, "--jq", ".id"]);
        assert_eq!(code(&out), Some(0), "{arg}: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("{id}\n"), "{arg}");
    }

    // Two Teams whose names differ only in case: exit 2 listing both with their IDs.
    env.emu.clear_requests();
    let out = env.run(&["org", "te", "get", "PLATFORM TEAM"]);
    assert_eq!(code(&out), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: `PLATFORM TEAM` names 2 Teams: Platform Team (`{PLATFORM_TEAM}`), platform team (`{PLATFORM_TEAM_LOWER}`)\n\
             hint: pass the ID of the Team you mean\n"
        )
    );
    assert_eq!(env.api_requests().len(), 1, "only the listing");

    let out = env.run(&["org", "te", "get", "Platform"]);
    assert_eq!(code(&out), Some(3));
    assert_eq!(
        stderr(&out),
        "error: no Team `Platform`\nhint: run `astro organization team list` to see them\n"
    );
}

#[test]
fn get_without_a_team_off_a_terminal_names_the_argument_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "get"]);
    assert_eq!(code(&out), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the Team is required when not running interactively\n\
         hint: pass its name or ID as the TEAM argument\n"
    );
    assert!(env.api_requests().is_empty());
}

// ---------------------------------------------------------------------------------------
// create

#[test]
fn create_sends_one_create_team_with_the_members_found_by_email_or_id() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    let katherine = env.user_id("Katherine.Johnson@Example.com");
    let out = env.run(&[
        "org",
        "te",
        "cr",
        "Data Science",
        "-d",
        "Models and notebooks",
        "-r",
        "billing_admin",
        "--member",
        "GRACE@example.com",
        "--member",
        &katherine,
        "--member",
        "grace@example.com",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let created = env.emu.team("Data Science").expect("created");
    assert_eq!(
        parse(&out),
        json!({
            "id": created.id,
            "name": "Data Science",
            "description": "Models and notebooks",
            "organizationRole": "ORGANIZATION_BILLING_ADMIN",
            "members": [
                {"id": grace, "email": "grace@example.com", "fullName": "Grace Hopper"},
                {"id": katherine, "email": "Katherine.Johnson@Example.com", "fullName": "Katherine Johnson"},
            ],
        })
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1);
    assert_eq!(mutations[0].method, "POST");
    assert_eq!(mutations[0].path, teams_path(&env));
    assert_eq!(
        body(&mutations[0]),
        json!({"name": "Data Science", "description": "Models and notebooks",
               "organizationRole": "ORGANIZATION_BILLING_ADMIN", "memberIds": [grace, katherine]})
    );
    // Teams and members listed once, at the same time, before it.
    let reads: Vec<String> = env
        .api_requests()
        .iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(reads.len(), 2, "{reads:?}");
    assert_eq!(created.organization_role, "ORGANIZATION_BILLING_ADMIN");
    assert_eq!(
        created.members,
        ["grace@example.com", "Katherine.Johnson@Example.com"]
    );
    assert_eq!(created.description.as_deref(), Some("Models and notebooks"));
}

#[test]
fn create_defaults_to_organization_member_and_sends_only_what_is_given() {
    let env = TestEnv::new();
    let out = env.run(&["org", "team", "create", "Ops"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let ops = env.emu.team("Ops").expect("created");
    assert_eq!(
        stdout(&out),
        format!(
            "Created Team Ops ({}) as ORGANIZATION_MEMBER with no members\n",
            ops.id
        )
    );
    assert_eq!(
        body(&env.mutations()[0]),
        json!({"name": "Ops", "organizationRole": "ORGANIZATION_MEMBER"})
    );
    // No members to find: the Organization's users are not listed.
    assert_eq!(calls(&env).len(), 2, "{:?}", calls(&env));
    assert!(ops.members.is_empty());
    assert_eq!(ops.organization_role, "ORGANIZATION_MEMBER");
}

#[test]
fn create_refuses_a_name_another_team_has_in_any_case() {
    let env = TestEnv::new();
    let before = teams_state(&env);
    for name in ["platform TEAM", "Okta Engineers"] {
        let out = env.run(&["org", "te", "cr", name]);
        assert_eq!(code(&out), Some(1), "{name}");
        let err = stderr(&out);
        assert!(
            err.starts_with(&format!("error: the name `{name}` is taken by Team ")),
            "{err}"
        );
        assert!(
            err.contains("hint: choose another name: `astro` addresses Teams by name"),
            "{err}"
        );
    }
    assert!(env.mutations().is_empty());
    assert_eq!(teams_state(&env), before);
}

#[test]
fn create_with_a_member_not_in_the_organization_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "cr",
        "Ops",
        "--member",
        "grace@example.com",
        "--member",
        "nobody@example.com",
        "--member",
        "cnobody000000000000000000",
    ]);
    assert_eq!(code(&out), Some(3));
    assert_eq!(
        stderr(&out),
        format!(
            "error: no users `nobody@example.com`, `cnobody000000000000000000` in Organization `{}`; no Team was created\n\
             hint: run `astro organization user list` to see its members, or invite them first\n",
            env.emu.organization_id()
        )
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.team("Ops").is_none());

    // Not an email or an ID at all: exit 2 before any request.
    env.emu.clear_requests();
    let out = env.run(&["org", "te", "cr", "Ops", "--member", "grace"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("`grace` is not a valid email address"));
    assert!(env.api_requests().is_empty());
}

#[test]
fn create_without_a_name_off_a_terminal_names_the_argument() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "cr", "-d", "x"]);
    assert_eq!(code(&out), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the new Team's name is required when not running interactively\n\
         hint: pass it as the NAME argument\n"
    );
    let out = env.run(&["org", "te", "cr", " "]);
    assert_eq!(code(&out), Some(2));
    assert!(env.api_requests().is_empty());
    // With a name and --no-input nothing is asked: the role is the default.
    let out = env.run(&["org", "te", "cr", "Ops", "--no-input"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        env.emu.team("Ops").unwrap().organization_role,
        "ORGANIZATION_MEMBER"
    );
}

#[test]
fn create_dry_run_checks_everything_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "cr",
        "Ops",
        "-r",
        "owner",
        "--member",
        "alan@example.com",
        "--dry-run",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would create Team Ops as ORGANIZATION_OWNER with 1 member: alan@example.com (dry run: nothing sent)\n"
    );
    let out = env.run(&["org", "te", "cr", "Ops", "--dry-run", "--json"]);
    assert_eq!(
        parse(&out),
        json!({"id": null, "name": "Ops", "description": "", "organizationRole": "ORGANIZATION_MEMBER",
               "members": [], "dryRun": true})
    );
    let out = env.run(&["org", "te", "cr", "PLATFORM TEAM", "--dry-run"]);
    assert_eq!(
        code(&out),
        Some(1),
        "a taken name is refused on a dry run too"
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.team("Ops").is_none());
}

#[test]
fn a_creation_whose_answer_is_lost_is_found_not_repeated() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/teams")
            .times(1),
    );
    let out = env.run(&["org", "te", "cr", "Ops", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let created: Vec<_> = env
        .emu
        .teams()
        .into_iter()
        .filter(|t| t.name == "Ops")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(parse(&out)["id"], created[0].id.as_str());
    assert_eq!(env.mutations().len(), 1, "one POST");
}

// ---------------------------------------------------------------------------------------
// update

#[test]
fn update_of_the_description_alone_sends_the_current_name() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "up",
        "Platform Team",
        "-d",
        "Runs the platform",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated Team Platform Team ({PLATFORM_TEAM}): description \"Keeps the platform running\" -> \"Runs the platform\"\n"
        )
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1);
    assert_eq!(
        mutations[0].path,
        format!("{}/{PLATFORM_TEAM}", teams_path(&env))
    );
    assert_eq!(
        body(&mutations[0]),
        json!({"name": "Platform Team", "description": "Runs the platform"})
    );
    // One listing gave the Team and its current name: no GetTeam.
    assert_eq!(calls(&env).len(), 2);
    let team = env.emu.team("Platform Team").unwrap();
    assert_eq!(team.description.as_deref(), Some("Runs the platform"));
    assert_eq!(team.organization_role, "ORGANIZATION_MEMBER");
}

#[test]
fn update_renames_to_a_name_no_other_team_has() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "up",
        "platform team",
        "--name",
        "Weekend Rota",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({
            "id": PLATFORM_TEAM_LOWER,
            "name": "Weekend Rota",
            "description": "Weekend on-call rota",
            "organizationRole": "ORGANIZATION_MEMBER",
            "previous": {"name": "platform team", "description": "Weekend on-call rota",
                         "organizationRole": "ORGANIZATION_MEMBER"},
            "changed": true,
        })
    );
    assert_eq!(body(&env.mutations()[0]), json!({"name": "Weekend Rota"}));
    assert_eq!(
        env.emu.team_by_id(PLATFORM_TEAM_LOWER).unwrap().name,
        "Weekend Rota"
    );

    // Now "Platform Team" is the only one of that name in any case; a rename onto another
    // Team's name (in any case) is refused, and so is changing the role in the same run.
    env.emu.clear_requests();
    let before = teams_state(&env);
    let out = env.run(&[
        "org",
        "te",
        "up",
        "platform team",
        "-n",
        "weekend rota",
        "-r",
        "owner",
    ]);
    assert_eq!(code(&out), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: the name `weekend rota` is taken by Team Weekend Rota (`{PLATFORM_TEAM_LOWER}`), ignoring case\n\
             hint: choose another name: `astro` addresses Teams by name, so it keeps their names unique, ignoring case\n"
        )
    );
    assert!(env.mutations().is_empty());
    assert_eq!(env.api_requests().len(), 1, "only the listing");
    assert_eq!(teams_state(&env), before);
}

#[test]
fn update_of_the_role_sends_the_workspace_roles_as_read_and_no_other_list() {
    let env = TestEnv::new();
    let name = "Data Engineering, EU";
    let before = env.emu.team(name).unwrap();
    let workspace_roles = workspace_roles_json(&env, name);
    let out = env.run(&["org", "te", "up", name, "-r", "ORGANIZATION_OBSERVE_MEMBER"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated Team Data Engineering, EU ({DATA_ENGINEERING}): Organization role ORGANIZATION_MEMBER -> ORGANIZATION_OBSERVE_MEMBER\n"
        )
    );
    let requests = env.api_requests();
    let org = env.emu.organization_id();
    assert_eq!(
        calls(&env),
        [
            ("GET".to_owned(), teams_path(&env)),
            (
                "GET".to_owned(),
                format!("/v1/organizations/{org}/teams/{DATA_ENGINEERING}")
            ),
            (
                "POST".to_owned(),
                format!("/v1/organizations/{org}/teams/{DATA_ENGINEERING}/roles")
            ),
        ]
    );
    let sent = body(&requests[2]);
    assert_eq!(
        sent,
        json!({"organizationRole": "ORGANIZATION_OBSERVE_MEMBER", "workspaceRoles": workspace_roles})
    );
    assert!(sent.get("deploymentRoles").is_none() && sent.get("dagRoles").is_none());
    let after = env.emu.team(name).unwrap();
    assert_eq!(after.organization_role, "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(after.workspace_roles, before.workspace_roles);
    assert_eq!(after.deployment_roles, before.deployment_roles);
    assert_eq!(after.dag_roles, before.dag_roles);
    assert_eq!(after.name, before.name);
    assert_eq!(after.description, before.description);
}

#[test]
fn update_of_everything_writes_the_role_then_the_name_and_description() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "up",
        PLATFORM_TEAM,
        "-n",
        "Platform",
        "-d",
        "",
        "-r",
        "owner",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let value = parse(&out);
    assert_eq!(value["name"], "Platform");
    assert_eq!(value["description"], "");
    assert_eq!(value["organizationRole"], "ORGANIZATION_OWNER");
    assert_eq!(value["changed"], true);
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 2);
    assert!(mutations[0].path.ends_with("/roles"));
    assert_eq!(
        body(&mutations[1]),
        json!({"name": "Platform", "description": ""})
    );
    let team = env.emu.team_by_id(PLATFORM_TEAM).unwrap();
    assert_eq!(
        (
            team.name.as_str(),
            team.description.as_deref(),
            team.organization_role.as_str()
        ),
        ("Platform", Some(""), "ORGANIZATION_OWNER")
    );
}

#[test]
fn an_answer_with_other_roles_than_were_sent_fails_before_the_name_is_written() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: r#"{"organizationRole":"ORGANIZATION_OWNER","workspaceRoles":[]}"#.into(),
        })
        .method("POST")
        .path("/v1/organizations/*/teams/*/roles"),
    );
    let out = env.run(&[
        "org",
        "te",
        "up",
        PLATFORM_TEAM,
        "-r",
        "owner",
        "-n",
        "Platform",
    ]);
    assert_eq!(code(&out), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "error: the API answered with other roles for Platform Team than were sent\n\
             hint: check them with `astro organization team get {PLATFORM_TEAM}`\n"
        )
    );
    assert_eq!(env.mutations().len(), 1, "no UpdateTeam after it");
    assert_eq!(
        env.emu.team_by_id(PLATFORM_TEAM).unwrap().name,
        "Platform Team"
    );
}

#[test]
fn a_refused_rename_after_the_role_change_says_what_was_done() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 400,
            retry_after: None,
        })
        .method("POST")
        .path(format!("/v1/organizations/*/teams/{PLATFORM_TEAM}")),
    );
    let out = env.run(&[
        "org",
        "te",
        "up",
        PLATFORM_TEAM,
        "-r",
        "owner",
        "-n",
        "Platform",
    ]);
    assert_eq!(code(&out), Some(1));
    assert!(
        stderr(&out).starts_with(
            "error: the Organization role was changed, but the name and description were not: "
        ),
        "{}",
        stderr(&out)
    );
    let team = env.emu.team_by_id(PLATFORM_TEAM).unwrap();
    assert_eq!(
        (team.name.as_str(), team.organization_role.as_str()),
        ("Platform Team", "ORGANIZATION_OWNER")
    );
}

#[test]
fn update_to_what_the_team_already_is_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "up",
        "Platform Team",
        "-n",
        "Platform Team",
        "-d",
        "Keeps the platform running",
        "-r",
        "member",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let value = parse(&out);
    assert_eq!(value["changed"], false);
    assert_eq!(value["previous"]["name"], "Platform Team");
    assert!(env.mutations().is_empty());
    let out = env.run(&[
        "org",
        "te",
        "up",
        "Platform Team",
        "-d",
        "Keeps the platform running",
    ]);
    assert_eq!(
        stdout(&out),
        format!("Team Platform Team ({PLATFORM_TEAM}) is already as asked; nothing changed\n")
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn update_refuses_bad_input_before_any_request() {
    let env = TestEnv::new();
    for (args, message) in [
        (
            &["org", "te", "up", "Platform Team"][..],
            "error: nothing to update",
        ),
        (
            &["org", "te", "up", "Platform Team", "-r", "workspace_owner"],
            "unknown Organization role `workspace_owner`",
        ),
        (&["org", "te", "up", "Platform Team", "-n", ""], "--name"),
        (
            &["org", "te", "up", "-d", "x"],
            "error: the Team to update is required when not running interactively",
        ),
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(env.api_requests().is_empty());
}

#[test]
fn an_idp_managed_team_keeps_its_name_but_its_description_and_role_change() {
    let env = TestEnv::new();
    let before = teams_state(&env);
    for new_name in ["Okta", "okta engineers"] {
        let out = env.run(&[
            "org",
            "te",
            "up",
            "Okta Engineers",
            "-n",
            new_name,
            "-r",
            "owner",
        ]);
        assert_eq!(code(&out), Some(1), "{new_name}");
        assert_eq!(
            stderr(&out),
            "error: Team Okta Engineers is managed by an identity provider: cannot rename it here\n\
             hint: make this change in your identity provider; its roles can still be changed here\n"
        );
    }
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.api_requests().len(),
        2,
        "a listing per run, nothing else"
    );
    assert_eq!(teams_state(&env), before);

    let out = env.run(&[
        "org",
        "te",
        "up",
        "Okta Engineers",
        "-d",
        "From Okta",
        "-r",
        "member",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 2);
    assert_eq!(
        body(&mutations[0]),
        json!({"organizationRole": "ORGANIZATION_MEMBER",
               "workspaceRoles": [{"workspaceId": ANALYTICS, "role": "WORKSPACE_AUTHOR"}]})
    );
    assert_eq!(
        body(&mutations[1]),
        json!({"name": "Okta Engineers", "description": "From Okta"})
    );
    let okta = env.emu.team("Okta Engineers").unwrap();
    assert_eq!(okta.description.as_deref(), Some("From Okta"));
    assert_eq!(okta.organization_role, "ORGANIZATION_MEMBER");
}

#[test]
fn update_dry_run_reads_and_checks_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "up",
        "Platform Team",
        "-n",
        "Platform",
        "-r",
        "owner",
        "--dry-run",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would update Team Platform Team ({PLATFORM_TEAM}): name Platform Team -> Platform, Organization role ORGANIZATION_MEMBER -> ORGANIZATION_OWNER (dry run: nothing sent)\n"
        )
    );
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.emu.team_by_id(PLATFORM_TEAM).unwrap().name,
        "Platform Team"
    );
}

// ---------------------------------------------------------------------------------------
// delete

#[test]
fn delete_off_a_terminal_needs_force_and_sends_nothing_without_it() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "de", "Platform Team"]);
    assert_eq!(code(&out), Some(2));
    assert_eq!(
        stderr(&out),
        "error: deleting a Team needs a confirmation, and there is no terminal to ask\n\
         hint: pass --force to delete without asking\n"
    );
    let out = env.run(&["org", "te", "de", "--force"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("pass its name or ID as the TEAM argument"));
    assert!(env.api_requests().is_empty());
    assert!(env.emu.team("Platform Team").is_some());
}

#[test]
fn delete_with_force_deletes_the_team_named() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "de",
        "data engineering, eu",
        "--force",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({"id": DATA_ENGINEERING, "name": "Data Engineering, EU", "deleted": true, "members": 2})
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1);
    assert_eq!(mutations[0].method, "DELETE");
    assert_eq!(
        mutations[0].path,
        format!("{}/{DATA_ENGINEERING}", teams_path(&env))
    );
    assert!(env.emu.team_by_id(DATA_ENGINEERING).is_none());
    assert_eq!(
        env.emu.user_teams("ada@example.com").unwrap(),
        ["platform team", "Okta Engineers"]
    );

    let out = env.run(&["org", "te", "de", PLATFORM_TEAM, "-f"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Deleted Team Platform Team ({PLATFORM_TEAM}), which had 1 member\n")
    );
    assert!(env.emu.team_by_id(PLATFORM_TEAM).is_none());
    assert!(env.emu.team_by_id(PLATFORM_TEAM_LOWER).is_some());
}

#[test]
fn delete_of_an_idp_managed_team_is_refused_before_sending() {
    let env = TestEnv::new();
    let before = teams_state(&env);
    for extra in [&["--force"][..], &["--dry-run"]] {
        let mut args = vec!["org", "te", "de", "Okta Engineers"];
        args.extend_from_slice(extra);
        let out = env.run(&args);
        assert_eq!(code(&out), Some(1), "{extra:?}");
        assert_eq!(
            stderr(&out),
            "error: Team Okta Engineers is managed by an identity provider: cannot delete it here\n\
             hint: make this change in your identity provider; its roles can still be changed here\n"
        );
    }
    assert!(env.mutations().is_empty());
    assert_eq!(teams_state(&env), before);
}

#[test]
fn delete_dry_run_counts_the_members_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&["org", "te", "de", "Platform Team", "--dry-run"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would delete Team Platform Team ({PLATFORM_TEAM}), which has 1 member (dry run: nothing sent)\n"
        )
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.team("Platform Team").is_some());
}

#[test]
fn a_deletion_whose_answer_is_lost_is_done_when_the_retry_finds_it_gone() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("DELETE")
            .path("/v1/organizations/*/teams/*")
            .times(1),
    );
    let out = env.run(&["org", "te", "de", "Platform Team", "-f", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(parse(&out)["deleted"], true);
    let deletes: Vec<u16> = env.mutations().iter().map(|r| r.status).collect();
    assert_eq!(deletes.len(), 2, "{deletes:?}");
    assert_eq!(deletes[1], 404);
    assert!(env.emu.team_by_id(PLATFORM_TEAM).is_none());
}
