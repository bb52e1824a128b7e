//! `astro workspace user add|update|remove --from-file`: many Workspace memberships at once,
//! each user's rows merged into one read-modify-write.

use std::collections::BTreeSet;
use std::process::{Command, Stdio};
use std::time::Duration;

use astro_emulator::{Emulator, Seed, SeedWorkspace};
use serde_json::{Value, json};

use crate::common::{TestEnv, body_list, ndjson, pairs, stderr, stdout, writes, writes_for};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";

/// A user's Workspace roles in the emulator, as (Workspace name, role), sorted.
fn roles_of(env: &TestEnv, email: &str) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = env
        .emu
        .user(email)
        .unwrap()
        .workspace_roles
        .into_iter()
        .map(|r| (r.workspace_name, r.role))
        .collect();
    roles.sort();
    roles
}

/// A body's `workspaceRoles`, as (workspaceId, role), sorted.
fn body_roles(body: &Value) -> Vec<(String, String)> {
    body_list(body, "workspaceRoles", "workspaceId")
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

#[test]
fn a_mixed_file_merges_each_users_rows_into_one_write() {
    let env = TestEnv::new();
    let grace_before = env.emu.user("grace@example.com").unwrap();
    // Workspaces by name (any case), by ID and from --workspace-id; edsger twice.
    let file = env.write_file(
        "people.csv",
        &format!(
            "email,role,workspace\n\
             edsger@example.com,author,analytics\n\
             grace@example.com,operator,Analytics\n\
             alan@example.com,member,{ANALYTICS}\n\
             EDSGER@example.com,accessor,\n\
             ada@example.com,,{DATA_PLATFORM}\n"
        ),
    );
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "--from-file",
        &file,
        "--workspace-id",
        "Data Platform",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(
        lines[0],
        [
            "LINE",
            "EMAIL",
            "WORKSPACE",
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
                "Analytics",
                "changed",
                "",
                "WORKSPACE_AUTHOR"
            ][..],
            &[
                "3",
                "grace@example.com",
                "Analytics",
                "changed",
                "",
                "WORKSPACE_OPERATOR"
            ],
            &[
                "4",
                "alan@example.com",
                "Analytics",
                "unchanged",
                "WORKSPACE_MEMBER",
                "WORKSPACE_MEMBER"
            ],
            &[
                "5",
                "edsger@example.com",
                "Data Platform",
                "changed",
                "",
                "WORKSPACE_ACCESSOR"
            ],
            &[
                "6",
                "ada@example.com",
                "Data Platform",
                "changed",
                "",
                "WORKSPACE_MEMBER"
            ],
        ]
    );
    assert!(
        stderr(&out).contains("4 changed, 1 unchanged (5 rows)"),
        "{}",
        stderr(&out)
    );

    // One listing of the members, one of the Workspaces, then per user one read and one write.
    let gets: Vec<String> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    let org = env.emu.organization_id();
    let listings = gets
        .iter()
        .filter(|p| p.ends_with("/users") || p.ends_with("/workspaces"))
        .count();
    assert_eq!(listings, 2, "{gets:#?}");
    assert_eq!(gets.len(), 2 + 3, "{gets:#?}");
    assert_eq!(writes(&env).len(), 3);

    // edsger: ONE write with both Workspaces.
    let edsger = writes_for(&env, "edsger@example.com");
    assert_eq!(edsger.len(), 1, "{edsger:#?}");
    assert_eq!(
        edsger[0],
        json!({
            "organizationRole": "ORGANIZATION_OBSERVE_MEMBER",
            "workspaceRoles": [
                {"workspaceId": DATA_PLATFORM, "role": "WORKSPACE_ACCESSOR"},
                {"workspaceId": ANALYTICS, "role": "WORKSPACE_AUTHOR"},
            ]
        })
    );
    // grace: her Data Platform role sent back untouched, no Deployment or DAG list.
    let grace = writes_for(&env, "grace@example.com");
    assert_eq!(grace.len(), 1);
    let body = grace[0].as_object().unwrap();
    assert!(!body.contains_key("deploymentRoles") && !body.contains_key("dagRoles"));
    assert_eq!(body["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(
        body_roles(&grace[0]),
        pairs(&[
            (DATA_PLATFORM, "WORKSPACE_OWNER"),
            (ANALYTICS, "WORKSPACE_OPERATOR")
        ])
    );
    assert!(writes_for(&env, "alan@example.com").is_empty());
    assert!(
        gets.iter()
            .all(|p| p.starts_with(&format!("/v1/organizations/{org}/"))),
        "{gets:#?}"
    );

    // The emulator's state after.
    assert_eq!(
        roles_of(&env, "edsger@example.com"),
        pairs(&[
            ("Analytics", "WORKSPACE_AUTHOR"),
            ("Data Platform", "WORKSPACE_ACCESSOR")
        ])
    );
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[
            ("Analytics", "WORKSPACE_OPERATOR"),
            ("Data Platform", "WORKSPACE_OWNER")
        ])
    );
    let grace_after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(grace_after.deployment_roles, grace_before.deployment_roles);
    assert_eq!(grace_after.dag_roles, grace_before.dag_roles);
    assert_eq!(
        grace_after.organization_role,
        grace_before.organization_role
    );
    assert_eq!(
        roles_of(&env, "ada@example.com"),
        pairs(&[("Data Platform", "WORKSPACE_MEMBER")])
    );
}

#[test]
fn json_rows_come_in_file_order_with_the_single_commands_keys() {
    let env = TestEnv::new();
    let single = env.run(&[
        "workspace",
        "user",
        "add",
        "edsger@example.com",
        "--role",
        "author",
        "--workspace-id",
        "Analytics",
        "--json",
    ]);
    assert_eq!(single.status.code(), Some(0), "{}", stderr(&single));
    let single: Value = serde_json::from_str(&stdout(&single)).unwrap();
    let single_keys: BTreeSet<String> = single.as_object().unwrap().keys().cloned().collect();
    env.emu.clear_requests();

    // Several rows per user and a small concurrency, so results complete out of file order.
    let mut text = String::new();
    for email in [
        "ada@example.com",
        "grace@example.com",
        "edsger@example.com",
        "barbara@example.com",
        "katherine.johnson@example.com",
    ] {
        for (ws, role) in [("Analytics", "accessor"), ("Data Platform", "author")] {
            text.push_str(&format!(
                "{{\"email\":\"{email}\",\"role\":\"{role}\",\"workspace\":\"{ws}\"}}\n"
            ));
        }
    }
    let file = env.write_file("rows.jsonl", &text);
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "--from-file",
        &file,
        "--json",
        "--concurrency",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        rows.iter()
            .map(|r| r["line"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    for row in &rows {
        let mut keys: BTreeSet<String> = row.as_object().unwrap().keys().cloned().collect();
        for extra in ["line", "result", "message"] {
            assert!(keys.remove(extra), "{row}");
        }
        assert_eq!(keys, single_keys, "{row}");
    }
    let by_line = |n: usize| &rows[n - 1];
    // ada: added to both.
    assert_eq!(by_line(1)["result"], "changed");
    assert_eq!(by_line(1)["changed"], true);
    assert_eq!(by_line(1)["workspaceId"], ANALYTICS);
    assert_eq!(by_line(1)["workspaceName"], "Analytics");
    assert_eq!(by_line(1)["previousRole"], Value::Null);
    assert_eq!(by_line(1)["role"], "WORKSPACE_ACCESSOR");
    assert_eq!(by_line(2)["result"], "changed");
    // grace is an owner of Data Platform: that row is not applied, her Analytics row is.
    assert_eq!(by_line(3)["result"], "changed");
    assert_eq!(by_line(4)["result"], "failed");
    assert_eq!(by_line(4)["previousRole"], "WORKSPACE_OWNER");
    assert_eq!(by_line(4)["changed"], false);
    let why = by_line(4)["message"].as_str().unwrap();
    assert!(
        why.contains("already in Workspace `Data Platform` as WORKSPACE_OWNER")
            && why.contains("astro workspace user update"),
        "{why}"
    );
    // edsger already has WORKSPACE_AUTHOR in Analytics (the single add above): not applied.
    assert_eq!(by_line(5)["result"], "failed");
    assert_eq!(by_line(6)["result"], "changed");
    // barbara is PENDING: an invitee counts as a member.
    assert_eq!(by_line(7)["result"], "changed");
    assert_eq!(by_line(9)["email"], "Katherine.Johnson@Example.com");
    assert_eq!(by_line(9)["result"], "failed");
    assert_eq!(by_line(10)["result"], "changed");
    assert!(
        stderr(&out).contains("error: 3 of 10 rows were not applied"),
        "{}",
        stderr(&out)
    );
    // One write per user that changed (grace's Data Platform row was not sent).
    assert_eq!(writes(&env).len(), 5);
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[
            ("Analytics", "WORKSPACE_ACCESSOR"),
            ("Data Platform", "WORKSPACE_OWNER")
        ])
    );
    assert_eq!(
        roles_of(&env, "barbara@example.com"),
        pairs(&[
            ("Analytics", "WORKSPACE_ACCESSOR"),
            ("Data Platform", "WORKSPACE_AUTHOR")
        ])
    );
}

#[test]
fn invalid_rows_are_listed_by_line_and_nothing_is_sent() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    let file = env.write_file(
        "bad.csv",
        &format!(
            "email,role,workspace\n\
             grace@example.com,operator,Analytics\n\
             not-an-email,member,Analytics\n\
             alan@example.com,admin,Analytics\n\
             edsger@example.com,,Analytics\n\
             GRACE@example.com,author,Analytics\n\
             {grace},author,Data Platform\n"
        ),
    );
    let out = env.run(&["workspace", "user", "update", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for expected in [
        "line 3: `not-an-email` is not a valid email address",
        "line 4: unknown Workspace role `admin`",
        "line 5: no role given",
        "line 6: the same user and Workspace as line 2",
        "error: 4 invalid rows in",
        "hint: fix the rows above, or pass --skip-invalid",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(!err.contains("line 7"), "{err}");
    assert!(env.emu.requests().is_empty(), "checked before any request");
}

#[test]
fn workspaces_that_do_not_exist_or_are_ambiguous_are_invalid_rows_before_any_write() {
    let mut seed = Seed::default();
    seed.workspaces.push(SeedWorkspace::named("analytics"));
    let env = TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap());
    let grace = env.user_id("grace@example.com");
    let file = env.write_file(
        "rows.csv",
        &format!(
            "email,role,workspace\n\
             edsger@example.com,member,Nowhere\n\
             edsger@example.com,member,ANALYTICS\n\
             alan@example.com,member,Data Platform\n\
             grace@example.com,member,Analytics\n\
             {grace},author,{ANALYTICS}\n\
             ada@example.com,member,\n"
        ),
    );
    let out = env.run(&["workspace", "user", "add", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "line 2: no Workspace `Nowhere`",
        "line 3: `ANALYTICS` names 2 Workspaces: Analytics (`clrg6ngg0000002c60gj2k1hl`), analytics (`",
        // The same user (by ID and by email) and the same Workspace (by name and by ID).
        "line 6: the same user and Workspace as line 5",
        "line 7: the row names no Workspace and none is selected",
        "error: 4 invalid rows in",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(env.mutations().is_empty());
    let gets = env.api_requests();
    assert_eq!(gets.len(), 2, "one listing of each: {gets:#?}");
}

#[test]
fn skip_invalid_applies_the_valid_rows_and_reports_the_others() {
    let env = TestEnv::new();
    let file = env.write_file(
        "rows.csv",
        "email,role\nedsger@example.com,author\nbad,member\nalan@example.com,owner\nedsger@example.com,member\n",
    );
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "--from-file",
        &file,
        "--workspace-id",
        "Data Platform",
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
            (4, "changed".to_owned()),
            (5, "invalid".to_owned()),
        ]
    );
    assert_eq!(rows[3]["message"], "the same user and Workspace as line 2");
    let err = stderr(&out);
    assert!(
        err.contains("line 3: `bad` is not a valid email address"),
        "{err}"
    );
    assert!(err.contains("2 changed, 2 invalid (4 rows)"), "{err}");
    assert_eq!(writes(&env).len(), 2);
    assert_eq!(
        roles_of(&env, "edsger@example.com"),
        pairs(&[("Data Platform", "WORKSPACE_AUTHOR")])
    );
    assert_eq!(
        roles_of(&env, "alan@example.com"),
        pairs(&[
            ("Analytics", "WORKSPACE_MEMBER"),
            ("Data Platform", "WORKSPACE_OWNER")
        ])
    );
}

#[test]
fn dry_run_reads_and_checks_everything_and_sends_nothing() {
    let env = TestEnv::new();
    let file = env.write_file(
        "rows.csv",
        "email,role,workspace\ngrace@example.com,author,Data Platform\nalan@example.com,operator,Analytics\nedsger@example.com,member,Analytics\nnobody@example.com,member,Analytics\n",
    );
    let out = env.run(&[
        "workspace",
        "user",
        "update",
        "--from-file",
        &file,
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (2, "would_change".to_owned()),
            (3, "would_change".to_owned()),
            (4, "not_found".to_owned()),
            (5, "not_found".to_owned()),
        ]
    );
    assert_eq!(rows[0]["previousRole"], "WORKSPACE_OWNER");
    assert_eq!(rows[0]["role"], "WORKSPACE_AUTHOR");
    assert_eq!(rows[0]["dryRun"], true);
    assert_eq!(rows[0]["changed"], false);
    assert!(
        rows[2]["message"]
            .as_str()
            .unwrap()
            .contains("not in Workspace `Analytics`"),
        "{}",
        rows[2]
    );
    assert_eq!(rows[3]["message"], "no such user in the Organization");
    assert!(env.mutations().is_empty());
    assert_eq!(env.api_requests().len(), 2, "the two listings only");
    assert_eq!(
        roles_of(&env, "grace@example.com"),
        pairs(&[("Data Platform", "WORKSPACE_OWNER")])
    );
}

#[test]
fn update_changes_only_members_and_merges_a_users_rows() {
    let env = TestEnv::new();
    let katherine = env.user_id("Katherine.Johnson@Example.com");
    let file = env.write_file(
        "rows.csv",
        &format!(
            "email,role,workspace\n{katherine},author,Analytics\nalan@example.com,accessor,Analytics\nkatherine.johnson@example.com,owner,Data Platform\n"
        ),
    );
    let out = env.run(&[
        "workspace",
        "user",
        "update",
        "--from-file",
        &file,
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (2, "changed".to_owned()),
            (3, "changed".to_owned()),
            (4, "not_found".to_owned()),
        ]
    );
    assert_eq!(rows[0]["previousRole"], "WORKSPACE_OPERATOR");
    assert_eq!(writes(&env).len(), 2);
    assert_eq!(
        roles_of(&env, "Katherine.Johnson@Example.com"),
        pairs(&[("Analytics", "WORKSPACE_AUTHOR")])
    );
    assert_eq!(
        roles_of(&env, "alan@example.com"),
        pairs(&[("Analytics", "WORKSPACE_ACCESSOR")])
    );
    assert!(
        stderr(&out).contains("2 changed, 1 not found (3 rows)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn add_of_someone_outside_the_organization_is_not_found_with_a_hint() {
    let env = TestEnv::new();
    let file = env.write_file("rows.csv", "email\nnew.person@example.com\n");
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "--from-file",
        &file,
        "--workspace-id",
        "Analytics",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(rows[0]["result"], "not_found");
    assert_eq!(rows[0]["workspaceName"], "Analytics");
    assert!(
        rows[0]["message"].as_str().unwrap().contains(
            "invite them first with `astro organization user invite new.person@example.com`"
        ),
        "{}",
        rows[0]
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn remove_needs_force_off_a_terminal_and_sends_nothing_without_it() {
    let env = TestEnv::new();
    let file = env.write_file("leavers.csv", "email\nalan@example.com\n");
    let out = env.run(&[
        "workspace",
        "user",
        "remove",
        "--from-file",
        &file,
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("needs a confirmation"), "{err}");
    assert!(err.contains("hint: pass --force"), "{err}");
    assert!(env.emu.requests().is_empty());
    assert_eq!(
        roles_of(&env, "alan@example.com"),
        pairs(&[("Analytics", "WORKSPACE_MEMBER")])
    );
}

#[test]
fn remove_with_force_takes_members_out_and_leaves_the_rest() {
    let env = TestEnv::new();
    let grace_before = env.emu.user("grace@example.com").unwrap();
    // JSON lines on stdin; a non-member, and grace out of one Workspace, kept in none.
    let mut child = env
        .process()
        .args([
            "workspace",
            "user",
            "remove",
            "--from-file",
            "-",
            "--force",
            "--json",
            "--workspace-id",
            "Analytics",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(
        &mut child.stdin.take().unwrap(),
        format!(
            "{{\"email\":\"alan@example.com\"}}\n{{\"email\":\"edsger@example.com\"}}\n{{\"email\":\"grace@example.com\",\"workspace\":\"{DATA_PLATFORM}\"}}\n{{\"email\":\"katherine.johnson@example.com\",\"role\":\"ignored\"}}\n"
        )
        .as_bytes(),
    )
    .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = ndjson(&stdout(&out));
    assert_eq!(
        results(&rows),
        [
            (1, "changed".to_owned()),
            (2, "unchanged".to_owned()),
            (3, "changed".to_owned()),
            (4, "changed".to_owned()),
        ]
    );
    assert_eq!(rows[0]["previousRole"], "WORKSPACE_MEMBER");
    assert_eq!(rows[0]["role"], Value::Null);
    assert_eq!(rows[1]["changed"], false);
    assert_eq!(rows[2]["workspaceName"], "Data Platform");
    assert!(roles_of(&env, "alan@example.com").is_empty());
    assert!(roles_of(&env, "grace@example.com").is_empty());
    assert!(roles_of(&env, "Katherine.Johnson@Example.com").is_empty());
    let grace_after = env.emu.user("grace@example.com").unwrap();
    assert_eq!(grace_after.deployment_roles, grace_before.deployment_roles);
    assert_eq!(grace_after.dag_roles, grace_before.dag_roles);
    let grace = writes_for(&env, "grace@example.com");
    assert_eq!(
        grace,
        [json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": []})]
    );
    assert_eq!(writes(&env).len(), 3);
}

#[test]
fn remove_dry_run_needs_no_force_and_sends_nothing() {
    let env = TestEnv::new();
    let file = env.write_file(
        "leavers.csv",
        "email,workspace\nalan@example.com,Analytics\n",
    );
    let out = env.run(&[
        "workspace",
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
        roles_of(&env, "alan@example.com"),
        pairs(&[("Analytics", "WORKSPACE_MEMBER")])
    );
}

#[test]
fn from_file_with_a_user_argument_is_a_usage_error() {
    let env = TestEnv::new();
    let file = env.write_file("rows.csv", "email,role\nalan@example.com,owner\n");
    for args in [
        &[
            "workspace",
            "user",
            "add",
            "alan@example.com",
            "--from-file",
            &file,
        ][..],
        &[
            "workspace",
            "user",
            "update",
            "--from-file",
            &file,
            "--role",
            "owner",
        ][..],
        &[
            "workspace",
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
fn users_are_written_with_bounded_concurrency() {
    let emu = Emulator::builder()
        .users(60)
        .latency(Duration::from_millis(60))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    // Generated users 1, 5, 7, 11, …: in Data Platform only (emulator/README.md).
    let emails: Vec<String> = (1..=60)
        .filter(|i| i % 6 == 1 || i % 6 == 5)
        .map(|i| format!("user{i:06}@example.com"))
        .collect();
    let mut text = String::from("email,role\n");
    for email in &emails {
        text.push_str(&format!("{email},author\n"));
    }
    let file = env.write_file("rows.csv", &text);
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "--from-file",
        &file,
        "--workspace-id",
        "Analytics",
        "--concurrency",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(writes(&env).len(), emails.len());
    let peak = env.emu.max_in_flight();
    assert!((2..=3).contains(&peak), "peak in flight {peak}");
    for email in &emails {
        assert_eq!(
            env.emu.workspace_role(email, "Analytics").as_deref(),
            Some("WORKSPACE_AUTHOR"),
            "{email}"
        );
    }
}

#[test]
fn an_interrupted_run_reports_exactly_what_was_applied() {
    use std::io::{BufRead, BufReader, Read};
    let emu = Emulator::builder()
        .users(120)
        .latency(Duration::from_millis(100))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    // Two rows per user (both Workspaces for users only in one would need care: use removals),
    // so interrupted groups leave no half-applied user.
    let users: Vec<usize> = (1..=120).filter(|i| i % 3 == 0).take(30).collect();
    let mut text = String::from("email,workspace\n");
    for i in &users {
        for ws in ["Analytics", "Data Platform"] {
            text.push_str(&format!("user{i:06}@example.com,{ws}\n"));
        }
    }
    let file = env.write_file("leavers.csv", &text);
    let mut child = env
        .process()
        .args([
            "workspace",
            "user",
            "remove",
            "--from-file",
            &file,
            "--force",
            "--json",
            "--concurrency",
            "2",
        ])
        .args(["--workspace-id", "Analytics"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    reader.read_to_string(&mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let rows = ndjson(&format!("{first}{rest}"));
    assert_eq!(rows.len(), 60, "every row is reported");
    let changed = rows.iter().filter(|r| r["result"] == "changed").count();
    let skipped = rows.iter().filter(|r| r["result"] == "skipped").count();
    assert_eq!(changed + skipped, 60);
    assert!(skipped > 0, "the run stopped early");
    assert_eq!(changed % 2, 0, "a user's rows go together");
    // Nothing lost or doubled: one write per user reported changed, and the state says so.
    assert_eq!(writes(&env).len(), changed / 2);
    for row in &rows {
        let email = row["email"].as_str().unwrap();
        let ws = row["workspaceName"].as_str().unwrap();
        let now = env.emu.workspace_role(email, ws);
        if row["result"] == "changed" {
            assert_eq!(now, None, "{row}");
        } else {
            assert!(now.is_some(), "{row}");
        }
    }
    assert!(stderr(&out).contains("interrupted"));
}
