//! `astro deployment user add|update|remove --from-file`: many Deployment memberships at once,
//! each user's rows merged into one read-modify-write of their Deployment list.
//!
//! Some runs get a 403 from ListRoles (a token that may not list roles): DEPLOYMENT_ADMIN is
//! known, any other name is sent as given with one warning per run, and the API judges it (the
//! seed then defines custom roles `Dag Operator` and `Viewer` for it to accept).

use std::collections::BTreeSet;
use std::io::Write;
use std::process::Stdio;

use astro_emulator::{Emulator, Fault, FaultKind, Seed, SeedCustomRole, SeedDeployment};
use serde_json::{Value, json};

use crate::common::{TestEnv, body_list, ndjson, pairs, stderr, stdout, writes, writes_for};

const ROLES_PATH: &str = "/v1/organizations/*/roles";

/// The token may not list roles (403 on the next ListRoles).
fn roles_forbidden(env: &TestEnv) {
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 403,
            retry_after: None,
        })
        .path(ROLES_PATH),
    );
}

fn deployment_id(env: &TestEnv, name: &str) -> String {
    env.emu.deployment(name).unwrap().id
}

/// A user's Deployment roles in the emulator, as (Deployment name, role), sorted.
fn roles_of(env: &TestEnv, email: &str) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = env
        .emu
        .user(email)
        .unwrap()
        .deployment_roles
        .into_iter()
        .map(|r| (r.deployment_name.unwrap_or_default(), r.role))
        .collect();
    roles.sort();
    roles
}

/// A body's `deploymentRoles`, as (deploymentId, role), sorted.
fn body_roles(body: &Value) -> Vec<(String, String)> {
    body_list(body, "deploymentRoles", "deploymentId")
}

/// Only the Organization role (as read) and the Deployment list are sent.
fn assert_only_the_deployment_list(body: &Value) {
    let keys: BTreeSet<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from(["organizationRole", "deploymentRoles"]),
        "{body}"
    );
}

fn results(rows: &[Value]) -> Vec<(u64, String)> {
    rows.iter()
        .map(|r| {
            (
                r["line"].as_u64().unwrap(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Runs `astro ARGS` with `input` on its stdin.
fn run_with_stdin(env: &TestEnv, args: &[&str], input: &str) -> std::process::Output {
    let mut child = env
        .process()
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_csv_add_merges_each_users_rows_into_one_write_of_their_deployment_list() {
    let env = with_custom_roles();
    let ingestion = deployment_id(&env, "Ingestion");
    let reporting = deployment_id(&env, "Reporting");
    let loads = deployment_id(&env, "Warehouse Loads");
    let dashboards = deployment_id(&env, "Dashboards");
    let grace_before = env.emu.user("grace@example.com").unwrap();
    let alan_before = env.emu.user("alan@example.com").unwrap();
    // Deployments by name (any case), by ID and from --deployment-id; edsger and grace twice;
    // two custom role names, one of them twice.
    let file = env.write_file(
        "people.csv",
        &format!(
            "email,role,deployment\n\
             edsger@example.com,admin,ingestion\n\
             grace@example.com,Dag Operator,Reporting\n\
             EDSGER@example.com,,{reporting}\n\
             grace@example.com,DEPLOYMENT_ADMIN,Warehouse Loads\n\
             alan@example.com,Dag Operator,\n\
             grace@example.com,,Ingestion\n\
             katherine.johnson@example.com,Viewer,{dashboards}\n"
        ),
    );
    roles_forbidden(&env);
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "--from-file",
        &file,
        "--deployment-id",
        "Dashboards",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        lines[0],
        [
            "LINE",
            "EMAIL",
            "DEPLOYMENT",
            "RESULT",
            "FROM",
            "TO",
            "MESSAGE"
        ]
    );
    let rows: Vec<&[&str]> = lines[1..].iter().map(|l| &l[..6]).collect();
    assert_eq!(
        rows,
        [
            &[
                "2",
                "edsger@example.com",
                "Ingestion",
                "changed",
                "",
                "DEPLOYMENT_ADMIN"
            ][..],
            &[
                "3",
                "grace@example.com",
                "Reporting",
                "changed",
                "",
                "Dag Operator"
            ],
            &[
                "4",
                "edsger@example.com",
                "Reporting",
                "changed",
                "",
                "DEPLOYMENT_ADMIN"
            ],
            &[
                "5",
                "grace@example.com",
                "Warehouse Loads",
                "changed",
                "",
                "DEPLOYMENT_ADMIN"
            ],
            &[
                "6",
                "alan@example.com",
                "Dashboards",
                "changed",
                "",
                "Dag Operator"
            ],
            &[
                "7",
                "grace@example.com",
                "Ingestion",
                "unchanged",
                "DEPLOYMENT_ADMIN",
                "DEPLOYMENT_ADMIN"
            ],
            &[
                "8",
                "Katherine.Johnson@Example.com",
                "Dashboards",
                "changed",
                "",
                "Viewer"
            ],
        ]
    );
    let err = stderr(&out);
    assert!(err.contains("6 changed, 1 unchanged (7 rows)"), "{err}");
    // One warning for every name sent unchecked, once each.
    assert_eq!(
        err.matches("may not list the Organization's roles").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("so `Dag Operator`, `Viewer` are sent unchecked"),
        "{err}"
    );

    // One listing of the members, one of the Deployments, one ListRoles; then per user one
    // read and one write.
    let gets: Vec<String> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    let count = |suffix: &str| gets.iter().filter(|p| p.ends_with(suffix)).count();
    assert_eq!(count("/users"), 1, "{gets:#?}");
    assert_eq!(count("/deployments"), 1, "{gets:#?}");
    assert_eq!(count("/roles"), 1, "{gets:#?}");
    assert_eq!(gets.len(), 3 + 4, "{gets:#?}");
    assert_eq!(writes(&env).len(), 4);

    // edsger: ONE write with both Deployments, no other list.
    let edsger = writes_for(&env, "edsger@example.com");
    assert_eq!(edsger.len(), 1, "{edsger:#?}");
    assert_only_the_deployment_list(&edsger[0]);
    assert_eq!(edsger[0]["organizationRole"], "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(
        body_roles(&edsger[0]),
        pairs(&[
            (&ingestion, "DEPLOYMENT_ADMIN"),
            (&reporting, "DEPLOYMENT_ADMIN")
        ])
    );
    // grace: ONE write, her Ingestion role sent back untouched.
    let grace = writes_for(&env, "grace@example.com");
    assert_eq!(grace.len(), 1, "{grace:#?}");
    assert_only_the_deployment_list(&grace[0]);
    assert_eq!(grace[0]["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(
        body_roles(&grace[0]),
        pairs(&[
            (&ingestion, "DEPLOYMENT_ADMIN"),
            (&reporting, "Dag Operator"),
            (&loads, "DEPLOYMENT_ADMIN")
        ])
    );

    // The emulator's state after: Deployment roles added, every other role as it was.
    assert_eq!(
        roles_of(&env, "edsger@example.com"),
        pairs(&[
            ("Ingestion", "DEPLOYMENT_ADMIN"),
            ("Reporting", "DEPLOYMENT_ADMIN")
        ])
    );
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[
            ("Ingestion", "DEPLOYMENT_ADMIN"),
            ("Reporting", "Dag Operator"),
            ("Warehouse Loads", "DEPLOYMENT_ADMIN")
        ])
    );
    assert_eq!(
        roles_of(&env, "alan@example.com"),
        pairs(&[("Dashboards", "Dag Operator")])
    );
    for (before, email) in [
        (grace_before, "grace@example.com"),
        (alan_before, "alan@example.com"),
    ] {
        let after = env.emu.user(email).unwrap();
        assert_eq!(after.organization_role, before.organization_role, "{email}");
        assert_eq!(after.workspace_roles, before.workspace_roles, "{email}");
        assert_eq!(after.dag_roles, before.dag_roles, "{email}");
    }
}

#[test]
fn json_lines_on_stdin_update_with_the_single_commands_keys() {
    let env = with_custom_roles();
    let ingestion = deployment_id(&env, "Ingestion");
    roles_forbidden(&env);
    let single = env.run(&[
        "deployment",
        "user",
        "add",
        "edsger@example.com",
        "--deployment-id",
        "Warehouse Loads",
        "--json",
    ]);
    assert_eq!(single.status.code(), Some(0), "{}", stderr(&single));
    let single: Value = serde_json::from_str(&stdout(&single)).unwrap();
    let single_keys: BTreeSet<String> = single.as_object().unwrap().keys().cloned().collect();
    env.emu.clear_requests();
    let grace_before = env.emu.user("grace@example.com").unwrap();

    roles_forbidden(&env);
    let out = run_with_stdin(
        &env,
        &[
            "deployment",
            "user",
            "update",
            "--from-file",
            "-",
            "--json",
            "--concurrency",
            "2",
        ],
        &format!(
            "{{\"email\":\"grace@example.com\",\"role\":\"Operator\",\"deployment\":\"Ingestion\"}}\n\
             {{\"email\":\"grace@example.com\",\"role\":\"admin\",\"deployment\":\"Reporting\"}}\n\
             \n\
             {{\"email\":\"edsger@example.com\",\"role\":\"admin\",\"deployment\":\"{ingestion}\"}}\n\
             {{\"email\":\"edsger@example.com\",\"role\":\"DEPLOYMENT_ADMIN\",\"deployment\":\"Warehouse Loads\"}}\n\
             {{\"email\":\"nobody@example.com\",\"role\":\"admin\",\"deployment\":\"Ingestion\"}}\n"
        ),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (1, "changed".to_owned()),
            (2, "not_found".to_owned()),
            (4, "not_found".to_owned()),
            (5, "unchanged".to_owned()),
            (6, "not_found".to_owned()),
        ]
    );
    for row in &rows {
        let mut keys: BTreeSet<String> = row.as_object().unwrap().keys().cloned().collect();
        for extra in ["line", "result", "message"] {
            assert!(keys.remove(extra), "{row}");
        }
        assert_eq!(keys, single_keys, "{row}");
    }
    assert_eq!(rows[0]["deploymentId"], ingestion.as_str());
    assert_eq!(rows[0]["deploymentName"], "Ingestion");
    assert_eq!(
        rows[0]["workspaceId"],
        env.emu.workspace("Data Platform").unwrap().id.as_str()
    );
    assert_eq!(rows[0]["workspaceName"], "Data Platform");
    assert_eq!(rows[0]["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(rows[0]["role"], "Operator");
    assert_eq!(rows[0]["changed"], true);
    assert_eq!(
        rows[1]["message"],
        "not in Deployment `Reporting`; add them with `astro deployment user add`"
    );
    assert_eq!(rows[1]["workspaceName"], "Analytics");
    assert_eq!(rows[2]["email"], "edsger@example.com");
    assert_eq!(rows[3]["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(rows[4]["message"], "no such user in the Organization");
    let err = stderr(&out);
    assert!(
        err.contains("1 changed, 1 unchanged, 3 not found (5 rows)"),
        "{err}"
    );
    assert!(err.contains("so `Operator` is sent unchecked"), "{err}");

    // Only grace's row was sent: her complete Deployment list, no other list.
    let sent = writes(&env);
    assert_eq!(sent.len(), 1, "{sent:#?}");
    let grace = writes_for(&env, "grace@example.com");
    assert_eq!(
        grace,
        [json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "deploymentRoles": [{"deploymentId": ingestion, "role": "Operator"}]
        })]
    );
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[("Ingestion", "Operator")])
    );
    let grace_after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(grace_after.workspace_roles, grace_before.workspace_roles);
    assert_eq!(grace_after.dag_roles, grace_before.dag_roles);
    assert_eq!(
        grace_after.organization_role,
        grace_before.organization_role
    );
}

#[test]
fn remove_with_force_from_stdin_takes_only_the_deployment_roles_away() {
    let env = TestEnv::new();
    let ingestion = deployment_id(&env, "Ingestion");
    let reporting = deployment_id(&env, "Reporting");
    let alan_before = env.emu.user("alan@example.com").unwrap();
    let grace_before = env.emu.user("grace@example.com").unwrap();
    // edsger holds two Deployment roles and loses one; alan has only a DAG role on Reporting,
    // so no Deployment role to remove there; a role column is ignored.
    let setup = env.write_file(
        "setup.csv",
        "email,deployment\nedsger@example.com,Ingestion\nedsger@example.com,Dashboards\n",
    );
    roles_forbidden(&env);
    let out = env.run(&["deployment", "user", "add", "--from-file", &setup]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    env.emu.clear_requests();

    let out = run_with_stdin(
        &env,
        &[
            "deployment",
            "user",
            "remove",
            "--from-file",
            "-",
            "--force",
            "--json",
            "--deployment-id",
            &ingestion,
        ],
        &format!(
            "email,role,deployment\n\
             grace@example.com,ignored,\n\
             alan@example.com,,{reporting}\n\
             edsger@example.com,,\n"
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (2, "changed".to_owned()),
            (3, "unchanged".to_owned()),
            (4, "changed".to_owned()),
        ]
    );
    assert_eq!(rows[0]["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(rows[0]["role"], Value::Null);
    assert_eq!(rows[1]["deploymentName"], "Reporting");
    assert_eq!(rows[1]["changed"], false);
    // No ListRoles for a removal.
    assert!(
        !env.api_requests()
            .iter()
            .any(|r| r.path.ends_with("/roles") && r.method == "GET"),
        "{:#?}",
        env.api_requests()
    );
    assert_eq!(
        writes_for(&env, "grace@example.com"),
        [json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": []})]
    );
    let edsger = writes_for(&env, "edsger@example.com");
    assert_eq!(edsger.len(), 1);
    assert_only_the_deployment_list(&edsger[0]);
    assert_eq!(writes(&env).len(), 2, "nothing sent for alan");
    assert!(roles_of(&env, "grace@example.com").is_empty());
    assert_eq!(
        roles_of(&env, "edsger@example.com"),
        pairs(&[("Dashboards", "DEPLOYMENT_ADMIN")])
    );
    let grace_after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(grace_after.workspace_roles, grace_before.workspace_roles);
    assert_eq!(grace_after.dag_roles, grace_before.dag_roles);
    assert_eq!(env.emu.user("alan@example.com").unwrap(), alan_before);
}

#[test]
fn rows_wrong_on_their_face_stop_the_run_before_any_request() {
    let env = TestEnv::new();
    let file = env.write_file(
        "bad.jsonl",
        "{\"email\":\"grace@example.com\",\"role\":\"admin\",\"deployment\":\"Ingestion\"}\n\
         {\"email\":\"not-an-email\",\"role\":\"admin\",\"deployment\":\"Ingestion\"}\n\
         {\"email\":\"edsger@example.com\",\"deployment\":\"Reporting\"}\n\
         {\"email\":\"alan@example.com\",\"role\":\"admin\",\"deployment\":\"a\\u0007b\"}\n\
         {\"email\":\"GRACE@example.com\",\"role\":\"viewer\",\"deployment\":\"Ingestion\"}\n\
         not json\n",
    );
    let out = env.run(&["deployment", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for expected in [
        "line 2: `not-an-email` is not a valid email address",
        "line 3: no role given",
        "line 4: the Deployment `a",
        "line 5: the same user and Deployment as line 1",
        "line 6: not a JSON object",
        "error: 5 invalid rows in",
        "hint: fix the rows above, or pass --skip-invalid",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(!err.contains("line 1:"), "{err}");
    assert!(env.emu.requests().is_empty(), "checked before any request");
}

#[test]
fn rows_naming_unknown_deployments_or_the_same_one_twice_stop_the_run_before_any_write() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    let ingestion = deployment_id(&env, "Ingestion");
    let file = env.write_file(
        "rows.csv",
        &format!(
            "email,role,deployment\n\
             grace@example.com,admin,Ingestion\n\
             alan@example.com,admin,Nowhere\n\
             {grace},Viewer,{ingestion}\n\
             ada@example.com,admin,\n\
             barbara@example.com,admin,Dashboards\n"
        ),
    );
    roles_forbidden(&env);
    let out = env.run(&["deployment", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for expected in [
        "line 3: no Deployment `Nowhere` in the Organization",
        // The same user (by ID and by email) and the same Deployment (by name and by ID).
        "line 4: the same user and Deployment as line 2",
        "line 5: the row names no Deployment and none is selected (fill the `deployment` column or pass --deployment-id)",
        "error: 3 invalid rows in",
        "hint: fix the rows above, or pass --skip-invalid",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(
        !err.contains("line 2:") && !err.contains("line 6:"),
        "{err}"
    );
    assert!(!err.contains("sent unchecked"), "nothing is sent: {err}");
    assert!(env.mutations().is_empty(), "checked before any write");
    assert_eq!(env.api_requests().len(), 3, "the three listings only");
}

/// The default seed with more custom Deployment roles, `Dag Operator`, `Viewer` and `Operator`, for
/// runs that send names unchecked (the API still judges them).
fn with_custom_roles() -> TestEnv {
    let mut seed = Seed::default();
    let org = seed.organization.as_mut().unwrap();
    for name in ["Dag Operator", "Viewer", "Operator"] {
        org.custom_roles.push(SeedCustomRole {
            name: name.into(),
            scope_type: "DEPLOYMENT".into(),
            description: None,
            restricted_workspaces: vec![],
            restricted_workspace_ids: vec![],
            id: None,
        });
    }
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

/// A seed with a second Deployment called `Dashboards`, in Data Platform.
fn two_dashboards() -> TestEnv {
    let mut seed = Seed::default();
    seed.workspaces
        .iter_mut()
        .find(|w| w.name == "Data Platform")
        .unwrap()
        .deployments
        .push(SeedDeployment::new("Dashboards", "Platform dashboards"));
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

#[test]
fn a_name_two_workspaces_use_is_an_invalid_row_unless_a_workspace_is_selected() {
    let env = two_dashboards();
    let (analytics_one, platform_one) = {
        let all = env.emu.deployments();
        let id_in = |ws: &str| {
            all.iter()
                .find(|d| d.name == "Dashboards" && d.workspace_name == ws)
                .unwrap()
                .id
                .clone()
        };
        (id_in("Analytics"), id_in("Data Platform"))
    };
    let reporting = deployment_id(&env, "Reporting");
    let file = env.write_file(
        "rows.csv",
        &format!(
            "email,deployment\n\
             edsger@example.com,Dashboards\n\
             ada@example.com,{reporting}\n"
        ),
    );
    roles_forbidden(&env);
    let out = env.run(&["deployment", "user", "add", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "line 2: `Dashboards` names 2 Deployments: Dashboards (`".to_owned(),
        format!("Dashboards (`{analytics_one}`, in Workspace Analytics)"),
        format!("Dashboards (`{platform_one}`, in Workspace Data Platform)"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in {err}");
    }
    assert!(err.contains("error: 1 invalid row in"), "{err}");
    assert!(env.mutations().is_empty());

    // With Data Platform selected the name is its Deployment; an ID is found anywhere.
    env.emu.clear_requests();
    roles_forbidden(&env);
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "--from-file",
        &file,
        "--workspace-id",
        "Data Platform",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [(2, "changed".to_owned()), (3, "changed".to_owned())]
    );
    assert_eq!(rows[0]["deploymentId"], platform_one.as_str());
    assert_eq!(rows[0]["workspaceName"], "Data Platform");
    assert_eq!(rows[1]["deploymentName"], "Reporting");
    assert_eq!(rows[1]["workspaceName"], "Analytics");
    let edsger = writes_for(&env, "edsger@example.com");
    assert_eq!(
        body_roles(&edsger[0]),
        pairs(&[(&platform_one, "DEPLOYMENT_ADMIN")])
    );
}

#[test]
fn skip_invalid_applies_the_valid_rows_and_reports_the_others() {
    let env = TestEnv::new();
    let file = env.write_file(
        "rows.csv",
        "email,deployment\nedsger@example.com,Reporting\nbad,Reporting\nalan@example.com,Nowhere\nada@example.com,Reporting\nedsger@example.com,reporting\n",
    );
    roles_forbidden(&env);
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "--from-file",
        &file,
        "--skip-invalid",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (2, "changed".to_owned()),
            (3, "invalid".to_owned()),
            (4, "invalid".to_owned()),
            (5, "changed".to_owned()),
            (6, "invalid".to_owned()),
        ]
    );
    assert_eq!(
        rows[2]["message"],
        "no Deployment `Nowhere` in the Organization"
    );
    assert_eq!(rows[4]["message"], "the same user and Deployment as line 2");
    let err = stderr(&out);
    assert!(err.contains("2 changed, 3 invalid (5 rows)"), "{err}");
    assert!(err.contains("error: 3 of 5 rows were not applied"), "{err}");
    assert_eq!(writes(&env).len(), 2);
    assert_eq!(
        roles_of(&env, "ada@example.com"),
        pairs(&[("Reporting", "DEPLOYMENT_ADMIN")])
    );
    assert!(roles_of(&env, "alan@example.com").is_empty());
}

#[test]
fn dry_run_reads_and_checks_everything_and_sends_nothing() {
    let env = TestEnv::new();
    let file = env.write_file(
        "rows.csv",
        "email,role,deployment\ngrace@example.com,,Ingestion\ngrace@example.com,,Reporting\nalan@example.com,admin,Reporting\nnew.person@example.com,,Reporting\n",
    );
    roles_forbidden(&env);
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "--from-file",
        &file,
        "--role",
        "Custom Viewer",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (2, "failed".to_owned()),
            (3, "would_change".to_owned()),
            (4, "would_change".to_owned()),
            (5, "not_found".to_owned()),
        ]
    );
    // A row without a role gets --role.
    assert_eq!(rows[0]["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(rows[0]["role"], "Custom Viewer");
    assert!(
        rows[0]["message"].as_str().unwrap().contains(
            "already in Deployment `Ingestion` as DEPLOYMENT_ADMIN; to change their role use `astro deployment user update`"
        ),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["role"], "Custom Viewer");
    assert_eq!(rows[1]["dryRun"], true);
    assert_eq!(rows[1]["changed"], false);
    assert_eq!(rows[2]["role"], "DEPLOYMENT_ADMIN");
    assert!(
        rows[3]["message"].as_str().unwrap().contains(
            "invite them first with `astro organization user invite new.person@example.com`"
        ),
        "{}",
        rows[3]
    );
    assert!(env.mutations().is_empty());
    assert_eq!(env.api_requests().len(), 3, "the three listings only");
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[("Ingestion", "DEPLOYMENT_ADMIN")])
    );
    assert!(roles_of(&env, "alan@example.com").is_empty());
}

#[test]
fn remove_needs_force_off_a_terminal_and_a_dry_run_does_not() {
    let env = TestEnv::new();
    let file = env.write_file(
        "leavers.csv",
        "email,deployment\ngrace@example.com,Ingestion\n",
    );
    let out = env.run(&["deployment", "user", "remove", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("needs a confirmation"), "{err}");
    assert!(err.contains("hint: pass --force"), "{err}");
    assert!(env.emu.requests().is_empty());

    let out = env.run(&[
        "deployment",
        "user",
        "remove",
        "--from-file",
        &file,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("would change"), "{}", stdout(&out));
    assert!(env.mutations().is_empty());
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[("Ingestion", "DEPLOYMENT_ADMIN")])
    );
}

#[test]
fn a_default_deployment_that_does_not_exist_ends_the_run_with_exit_3() {
    let env = TestEnv::new();
    let file = env.write_file("rows.csv", "email\ngrace@example.com\n");
    let out = env.run(&[
        "deployment",
        "user",
        "remove",
        "--from-file",
        &file,
        "--force",
        "--deployment-id",
        "Nowhere",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no Deployment `Nowhere` in the Organization (from --deployment-id)"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn from_file_with_a_user_argument_or_update_role_is_a_usage_error() {
    let env = TestEnv::new();
    let file = env.write_file("rows.csv", "email,role\nalan@example.com,admin\n");
    for args in [
        &[
            "deployment",
            "user",
            "add",
            "alan@example.com",
            "--from-file",
            &file,
        ][..],
        &[
            "deployment",
            "user",
            "update",
            "--from-file",
            &file,
            "--role",
            "admin",
        ][..],
        &[
            "deployment",
            "user",
            "remove",
            "alan@example.com",
            "--from-file",
            &file,
        ][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--from-file takes the users"),
            "{}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn each_rows_role_is_checked_on_its_deployments_catalogue_before_any_write() {
    let env = TestEnv::new();
    // DAG_OPERATOR_RESTRICTED is a custom role of Data Platform's Deployments only.
    let file = env.write_file(
        "roles.csv",
        "email,role,deployment\n\
         edsger@example.com,viewer,Ingestion\n\
         edsger@example.com,dag_operator_restricted,Warehouse Loads\n\
         alan@example.com,DAG_OPERATOR_RESTRICTED,Reporting\n\
         alan@example.com,OWNER,Dashboards\n",
    );
    let out = env.run(&["deployment", "user", "add", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "line 4: `DAG_OPERATOR_RESTRICTED` is not a Deployment role on Deployment Reporting; valid: DEPLOYMENT_ADMIN, DEPLOYMENT_VIEWER"
        ),
        "{err}"
    );
    assert!(
        err.contains("line 5: `OWNER` is not a Deployment role on Deployment Dashboards"),
        "{err}"
    );
    assert!(
        !err.contains("line 2:") && !err.contains("line 3:"),
        "{err}"
    );
    assert!(env.mutations().is_empty());
    let roles_reads = env
        .api_requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/roles"))
        .count();
    assert_eq!(roles_reads, 1);

    // The valid rows alone: the roles' exact names are sent, in one write for edsger.
    let out = env.run(&[
        "deployment",
        "user",
        "add",
        "--from-file",
        &file,
        "--skip-invalid",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let edsger = writes_for(&env, "edsger@example.com");
    assert_eq!(edsger.len(), 1, "{edsger:#?}");
    assert_eq!(
        roles_of(&env, "edsger@example.com"),
        pairs(&[
            ("Ingestion", "DEPLOYMENT_VIEWER"),
            ("Warehouse Loads", "DAG_OPERATOR_RESTRICTED")
        ])
    );
    assert!(roles_of(&env, "alan@example.com").is_empty());
    assert!(!stderr(&out).contains("unchecked"), "{}", stderr(&out));
}
