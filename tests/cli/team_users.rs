//! `astro organization team user add|remove|list`: a Team's members by email or ID, several at
//! once (one AddTeamMembers for all the additions, removals at the same time), users already as
//! wanted left alone, IdP-managed Teams refused before anything is sent, and many rows from a
//! file (one AddTeamMembers per Team).

use std::process::Command;
use std::time::{Duration, Instant};

use astro_emulator::{Emulator, Fault, FaultKind};
use serde_json::{Value, json};

use crate::common::{TestEnv, json_of, stderr, stdout};

const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";
const DATA_ENGINEERING: &str = "clrhm3b40000002649ug96ewr";
const PLATFORM_TEAM_LOWER: &str = "clrho8gw0000003642m95fuxa";
const OKTA: &str = "clrhqdmo000000464shfil1yh";

fn ndjson(out: &std::process::Output) -> Vec<Value> {
    stdout(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// The writes sent: `METHOD path` and the body (null when none).
fn writes(env: &TestEnv) -> Vec<(String, Value)> {
    env.mutations()
        .into_iter()
        .map(|r| {
            let body = r
                .body
                .as_deref()
                .filter(|b| !b.is_empty())
                .map_or(Value::Null, |b| serde_json::from_str(b).unwrap());
            (format!("{} {}", r.method, r.path), body)
        })
        .collect()
}

fn members_path(env: &TestEnv, team: &str) -> String {
    format!(
        "/v1/organizations/{}/teams/{team}/members",
        env.emu.organization_id()
    )
}

fn members(env: &TestEnv, team: &str) -> Vec<String> {
    env.emu.team(team).expect("the Team").members
}

fn results(doc: &Value) -> Vec<(String, String)> {
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["email"].as_str().or(r["id"].as_str()).unwrap().to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn several_users_by_email_and_id_are_added_in_one_request() {
    let env = TestEnv::new();
    let alan = env.user_id("alan@example.com");
    let edsger = env.user_id("edsger@example.com");
    let barbara = env.user_id("barbara@example.com");
    let out = env.run(&[
        "organization",
        "team",
        "user",
        "add",
        "Platform Team",
        "ALAN@example.com",
        &edsger,
        "barbara@EXAMPLE.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "team": {"id": PLATFORM_TEAM, "name": "Platform Team"},
            "results": [
                {"id": alan, "email": "alan@example.com", "fullName": "Alan Turing", "result": "added", "message": null},
                {"id": edsger, "email": "edsger@example.com", "fullName": "Edsger Dijkstra", "result": "added", "message": null},
                {"id": barbara, "email": "barbara@example.com", "fullName": "Barbara Liskov", "result": "added", "message": null},
            ],
            "changed": true
        })
    );
    // Exactly one write: every ID in one AddTeamMembers, in the order given.
    assert_eq!(
        writes(&env),
        [(
            format!("POST {}", members_path(&env, PLATFORM_TEAM)),
            json!({"memberIds": [alan, edsger, barbara]})
        )]
    );
    assert_eq!(
        members(&env, "Platform Team"),
        [
            "grace@example.com",
            "alan@example.com",
            "edsger@example.com",
            "barbara@example.com"
        ]
    );
    // The Team's lookups and the Organization's listing, then the write: three round trips.
    let requests = env.api_requests();
    assert_eq!(requests.len(), 4, "{requests:#?}");
    assert_eq!(requests.last().unwrap().method, "POST");
}

#[test]
fn the_text_output_says_what_happened_to_each_user() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "data engineering, eu",
        "grace@example.com",
        "ada@example.com",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Added grace@example.com to Team Data Engineering, EU\n\
         ada@example.com is already a member of Team Data Engineering, EU\n"
    );
    assert_eq!(
        writes(&env)[0].1,
        json!({"memberIds": [env.user_id("grace@example.com")]})
    );
}

#[test]
fn users_already_in_the_team_are_reported_and_nothing_is_sent_for_them() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "team",
        "user",
        "add",
        PLATFORM_TEAM,
        "grace@example.com",
        &env.user_id("grace@example.com"),
        "--json",
    ]);
    // Named twice (email and ID): one result. Already there: exit 0, nothing sent.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        results(&json_of(&out)),
        [("grace@example.com".to_owned(), "already_member".to_owned())]
    );
    assert_eq!(json_of(&out)["changed"], false);
    assert!(env.mutations().is_empty());
    assert_eq!(members(&env, "Platform Team"), ["grace@example.com"]);
}

#[test]
fn users_not_in_the_organization_are_reported_with_exit_3_or_1() {
    let env = TestEnv::new();
    // Nothing else done: exit 3, nothing sent.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "grace@example.com",
        "nobody@example.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(
        results(&doc),
        [
            ("grace@example.com".to_owned(), "already_member".to_owned()),
            ("nobody@example.com".to_owned(), "not_found".to_owned())
        ]
    );
    assert_eq!(
        doc["results"][1]["message"],
        "no such user in the Organization"
    );
    assert!(
        stderr(&out).contains("error: 1 of 2 users are not in the Organization"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint: run `astro organization user list`"));
    assert!(env.mutations().is_empty());

    // Someone else added: exit 1; only the found user is sent.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "nobody@example.com",
        "alan@example.com",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Not found: nobody@example.com is not in the Organization\n\
         Added alan@example.com to Team Platform Team\n"
    );
    assert!(
        stderr(&out).contains("error: 1 of 2 users were not added to Team Platform Team"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        writes(&env),
        [(
            format!("POST {}", members_path(&env, PLATFORM_TEAM)),
            json!({"memberIds": [env.user_id("alan@example.com")]})
        )]
    );
    assert_eq!(
        members(&env, "Platform Team"),
        ["grace@example.com", "alan@example.com"]
    );

    // An ID no user has: not found, by its ID.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "cnobody000000000000000000",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(
        json_of(&out)["results"][0],
        json!({"id": "cnobody000000000000000000", "email": null, "fullName": null,
               "result": "not_found", "message": "no such user in the Organization"})
    );
}

#[test]
fn a_refused_addition_fails_every_user_of_the_request() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 400,
            retry_after: None,
        })
        .method("POST")
        .path("/v1/organizations/*/teams/*/members"),
    );
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "alan@example.com",
        "edsger@example.com",
        "grace@example.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(
        results(&doc),
        [
            ("alan@example.com".to_owned(), "failed".to_owned()),
            ("edsger@example.com".to_owned(), "failed".to_owned()),
            ("grace@example.com".to_owned(), "already_member".to_owned()),
        ]
    );
    assert!(
        doc["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("400")
    );
    assert_eq!(doc["changed"], false);
    assert!(stderr(&out).contains("error: 2 of 3 users were not added"));
    // All or nothing, and not repeated.
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(members(&env, "Platform Team"), ["grace@example.com"]);
}

#[test]
fn a_lost_answer_is_looked_for_in_the_member_list_and_never_sent_twice() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/teams/*/members"),
    );
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "alan@example.com",
        "edsger@example.com",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["results"][0]["result"], "added");
    assert_eq!(
        doc["results"][1]["message"],
        "the response was lost; confirmed in the Team's member list"
    );
    assert_eq!(env.mutations().len(), 1);
    let last = env.api_requests().pop().unwrap();
    assert_eq!(
        (last.method.as_str(), last.path),
        ("GET", members_path(&env, PLATFORM_TEAM))
    );
    assert_eq!(
        members(&env, "Platform Team"),
        [
            "grace@example.com",
            "alan@example.com",
            "edsger@example.com"
        ]
    );
}

#[test]
fn dry_runs_read_and_report_but_send_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "alan@example.com",
        "grace@example.com",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(
        results(&doc),
        [
            ("alan@example.com".to_owned(), "would_add".to_owned()),
            ("grace@example.com".to_owned(), "already_member".to_owned())
        ]
    );
    assert_eq!(doc["dryRun"], true);
    assert_eq!(doc["changed"], false);
    // Off a terminal a dry-run removal needs no --force.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "Platform Team",
        "grace@example.com",
        "alan@example.com",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would remove grace@example.com from Team Platform Team (dry run: nothing sent)\n\
         alan@example.com is not a member of Team Platform Team\n"
    );
    assert!(env.mutations().is_empty());
    assert_eq!(members(&env, "Platform Team"), ["grace@example.com"]);
}

#[test]
fn remove_needs_force_off_a_terminal_and_sends_nothing_without_it() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "Platform Team",
        "grace@example.com",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: removing members needs a confirmation, and there is no terminal to ask\n\
         hint: pass --force to remove without asking\n"
    );
    assert!(env.api_requests().is_empty());
    assert_eq!(members(&env, "Platform Team"), ["grace@example.com"]);

    let out = env.run(&[
        "org",
        "te",
        "us",
        "remove",
        "Platform Team",
        "grace@example.com",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed grace@example.com from Team Platform Team\n"
    );
    assert_eq!(
        writes(&env),
        [(
            format!(
                "DELETE {}/{}",
                members_path(&env, PLATFORM_TEAM),
                env.user_id("grace@example.com")
            ),
            Value::Null
        )]
    );
    assert!(members(&env, "Platform Team").is_empty());
}

#[test]
fn removals_go_out_at_the_same_time() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(100))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let names = [
        "alan@example.com",
        "edsger@example.com",
        "barbara@example.com",
    ];
    let mut add = vec!["org", "te", "us", "add", "Data Engineering, EU"];
    add.extend(names);
    assert_eq!(env.run(&add).status.code(), Some(0));
    env.emu.clear_requests();
    let mut remove = vec![
        "org",
        "te",
        "us",
        "rm",
        DATA_ENGINEERING,
        "--force",
        "--json",
    ];
    remove.extend(names);
    remove.push("Katherine.Johnson@example.com");
    remove.push("grace@example.com");
    let out = env.run(&remove);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        results(&json_of(&out)),
        [
            ("alan@example.com".to_owned(), "removed".to_owned()),
            ("edsger@example.com".to_owned(), "removed".to_owned()),
            ("barbara@example.com".to_owned(), "removed".to_owned()),
            (
                "Katherine.Johnson@Example.com".to_owned(),
                "removed".to_owned()
            ),
            ("grace@example.com".to_owned(), "not_member".to_owned()),
        ]
    );
    let mut deletes: Vec<String> = writes(&env).into_iter().map(|(w, _)| w).collect();
    deletes.sort();
    let mut expected: Vec<String> = names
        .iter()
        .chain(&["Katherine.Johnson@Example.com"])
        .map(|e| {
            format!(
                "DELETE {}/{}",
                members_path(&env, DATA_ENGINEERING),
                env.user_id(e)
            )
        })
        .collect();
    expected.sort();
    assert_eq!(deletes, expected);
    // At once: the four DELETEs overlap.
    let peak = env.emu.max_in_flight();
    assert!(peak >= 2, "peak in flight {peak}");
    // Only ada is left.
    assert_eq!(members(&env, "Data Engineering, EU"), ["ada@example.com"]);
}

#[test]
fn removing_someone_not_in_the_team_or_the_organization() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "Platform Team",
        "alan@example.com",
        "--force",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        results(&json_of(&out)),
        [("alan@example.com".to_owned(), "not_member".to_owned())]
    );
    assert!(env.mutations().is_empty());
    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "Platform Team",
        "nobody@example.com",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(env.mutations().is_empty());
    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "Platform Team",
        "nobody@example.com",
        "grace@example.com",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: 1 of 2 users were not removed from Team Platform Team"),
        "{}",
        stderr(&out)
    );
    assert!(members(&env, "Platform Team").is_empty());
}

#[test]
fn interrupted_removals_finish_those_in_flight_and_skip_the_rest() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(200))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    assert_eq!(
        env.run(&[
            "org",
            "te",
            "us",
            "add",
            "Platform Team",
            "alan@example.com",
            "edsger@example.com"
        ])
        .status
        .code(),
        Some(0)
    );
    env.emu.clear_requests();
    let child = env
        .process()
        .args([
            "org",
            "te",
            "us",
            "rm",
            "Platform Team",
            "grace@example.com",
            "alan@example.com",
            "edsger@example.com",
            "--force",
            "--json",
            "--concurrency",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Once the first removal is done, the second is in flight for 200 ms.
    let deadline = Instant::now() + Duration::from_secs(20);
    while !env
        .emu
        .requests()
        .iter()
        .any(|r| r.method == "DELETE" && r.status == 204)
    {
        assert!(Instant::now() < deadline, "no removal finished");
        std::thread::sleep(Duration::from_millis(5));
    }
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    // The one done and the one in flight (if it had started) are removed, the rest skipped:
    // every user accounted for, nothing sent that is not reported.
    let got = results(&json_of(&out));
    let removed = got.iter().filter(|(_, r)| r == "removed").count();
    assert!((1..=2).contains(&removed), "{got:?}");
    assert!(
        got[..removed].iter().all(|(_, r)| r == "removed")
            && got[removed..].iter().all(|(_, r)| r == "skipped"),
        "{got:?}"
    );
    assert!(stderr(&out).contains("interrupted"), "{}", stderr(&out));
    assert_eq!(env.mutations().len(), removed);
    let left: Vec<String> = got[removed..].iter().map(|(e, _)| e.clone()).collect();
    assert_eq!(members(&env, "Platform Team"), left);
}

#[test]
fn idp_managed_teams_are_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    for args in [
        &[
            "org",
            "te",
            "us",
            "add",
            "Okta Engineers",
            "alan@example.com",
        ][..],
        &["org", "te", "us", "rm", OKTA, "ada@example.com", "--force"],
        &[
            "org",
            "te",
            "us",
            "add",
            "okta engineers",
            "alan@example.com",
            "--dry-run",
        ],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("error: Team Okta Engineers is managed by an identity provider: cannot"),
            "{err}"
        );
        assert!(
            err.contains("hint: make this change in your identity provider"),
            "{err}"
        );
        assert_eq!(stdout(&out), "");
    }
    assert!(env.mutations().is_empty());
    assert_eq!(
        members(&env, "Okta Engineers"),
        ["ada@example.com", "Katherine.Johnson@Example.com"]
    );
}

#[test]
fn teams_are_named_by_id_exact_name_or_a_unique_name_in_any_case() {
    let env = TestEnv::new();
    // Two Teams differ only in case: the exact name picks one, any other case is ambiguous.
    let out = env.run(&["org", "te", "us", "ls", "platform team", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["members"][0]["email"], "ada@example.com");
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "PLATFORM TEAM",
        "alan@example.com",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "names 2 Teams: Platform Team (`{PLATFORM_TEAM}`), platform team (`{PLATFORM_TEAM_LOWER}`)"
        )),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["org", "te", "us", "add", "No Such Team", "alan@example.com"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("hint: run `astro organization team list` to see them"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn missing_values_off_a_terminal_are_exit_2_before_any_request() {
    let env = TestEnv::new();
    for (args, names) in [
        (&["org", "te", "us", "add"][..], "TEAM argument"),
        (&["org", "te", "us", "add", "Platform Team"], "EMAIL_OR_ID"),
        (
            &["org", "te", "us", "rm", "Platform Team", "--force"],
            "EMAIL_OR_ID",
        ),
        (&["org", "te", "us", "ls"], "TEAM argument"),
        (
            &["org", "te", "us", "add", "Platform Team", "not-an-email"],
            "not a valid email address",
        ),
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(names), "{args:?}: {}", stderr(&out));
    }
    assert!(env.api_requests().is_empty());
}

#[test]
fn list_prints_the_members_as_a_table_or_json() {
    let env = TestEnv::new();
    let out = env.run(&[
        "organization",
        "team",
        "user",
        "list",
        "Data Engineering, EU",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    let members = doc["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    let katherine = members
        .iter()
        .find(|m| m["email"] == "Katherine.Johnson@Example.com")
        .unwrap();
    assert_eq!(
        katherine,
        &json!({
            "id": env.user_id("Katherine.Johnson@Example.com"),
            "email": "Katherine.Johnson@Example.com",
            "fullName": "Katherine Johnson",
            "addedAt": "2024-01-17T10:00:00Z"
        })
    );
    // Piped: tab-separated, FULLNAME EMAIL ID.
    let out = env.run(&["org", "te", "us", "ls", PLATFORM_TEAM]);
    assert_eq!(
        stdout(&out),
        format!(
            "FULLNAME\tEMAIL\tID\nGrace Hopper\tgrace@example.com\t{}\n",
            env.user_id("grace@example.com")
        )
    );
    let out = env.run(&[
        "org",
        "te",
        "us",
        "ls",
        PLATFORM_TEAM,
        "--jq",
        ".members[].email",
    ]);
    assert_eq!(stdout(&out), "grace@example.com\n");
    assert!(env.mutations().is_empty());
}

// ---------------------------------------------------------------------------------------
// --from-file

#[test]
fn a_file_is_added_with_one_request_per_team_and_reported_in_file_order() {
    let env = TestEnv::new();
    let file = env.write_file(
        "members.csv",
        "email,team,note\n\
         alan@example.com,Platform Team,x\n\
         ada@example.com,\"Data Engineering, EU\",\n\
         edsger@example.com,\"Data Engineering, EU\",\n\
         edsger@example.com,Platform Team,\n\
         grace@example.com,platform team,\n\
         nobody@example.com,Platform Team,\n\
         alan@example.com,Nope Team,\n\
         ALAN@example.com,Okta Engineers,\n",
    );
    let out = env.run(&["org", "te", "us", "add", "--from-file", &file, "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&out);
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (2, "added"),
            (3, "already_member"),
            (4, "added"),
            (5, "added"),
            (6, "added"),
            (7, "not_found"),
            (8, "not_found"),
            (9, "failed"),
        ]
    );
    assert_eq!(
        rows[0],
        json!({"line": 2, "result": "added", "message": null, "teamId": PLATFORM_TEAM,
               "teamName": "Platform Team", "id": env.user_id("alan@example.com"),
               "email": "alan@example.com", "fullName": "Alan Turing"})
    );
    assert_eq!(rows[6]["message"], "no Team `Nope Team`");
    assert!(
        rows[7]["message"]
            .as_str()
            .unwrap()
            .contains("managed by an identity provider")
    );
    // One AddTeamMembers per Team, with every row of that Team.
    let mut sent = writes(&env);
    sent.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (
            format!("POST {}", members_path(&env, PLATFORM_TEAM)),
            json!({"memberIds": [env.user_id("alan@example.com"), env.user_id("edsger@example.com")]}),
        ),
        (
            format!("POST {}", members_path(&env, DATA_ENGINEERING)),
            json!({"memberIds": [env.user_id("edsger@example.com")]}),
        ),
        (
            format!("POST {}", members_path(&env, PLATFORM_TEAM_LOWER)),
            json!({"memberIds": [env.user_id("grace@example.com")]}),
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(sent, expected);
    // One listing of Teams, one of the Organization, one of each Team's members.
    let gets: Vec<String> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .map(|r| r.path)
        .collect();
    assert_eq!(gets.len(), 5, "{gets:#?}");
    assert_eq!(
        members(&env, "Platform Team"),
        [
            "grace@example.com",
            "alan@example.com",
            "edsger@example.com"
        ]
    );
    assert_eq!(
        members(&env, "platform team"),
        ["ada@example.com", "grace@example.com"]
    );
    assert!(stderr(&out).contains("1 already a member, 4 added, 2 not found, 1 failed (8 rows)"));
}

#[test]
fn invalid_rows_stop_the_file_before_anything_is_sent_unless_skipped() {
    let env = TestEnv::new();
    let file = env.write_file(
        "members.jsonl",
        "{\"team\":\"Platform Team\",\"email\":\"alan@example.com\"}\n\
         {\"team\":\"Platform Team\",\"email\":\"not an email\"}\n\
         {\"email\":\"edsger@example.com\"}\n\
         {\"team\":\"clrhjy5c000000164wjlm5wfr\",\"email\":\"ALAN@example.com\"}\n\
         {\"team\":\"PLATFORM TEAM\",\"email\":\"edsger@example.com\"}\n",
    );
    let out = env.run(&["org", "te", "us", "add", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("line 2: `not an email` is not a valid email address"),
        "{err}"
    );
    assert!(
        err.contains("line 3: no Team: give a `team` column (or key), or TEAM on the command line"),
        "{err}"
    );
    assert!(err.contains("2 invalid rows"), "{err}");
    assert!(env.api_requests().is_empty());

    // Skipping them: the rest is checked after the listings (the same Team by ID and by name,
    // an ambiguous name) and applied.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "--from-file",
        &file,
        "--skip-invalid",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let rows = ndjson(&out);
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            (1, "added"),
            (2, "invalid"),
            (3, "invalid"),
            (4, "invalid"),
            (5, "invalid")
        ]
    );
    assert_eq!(rows[3]["message"], "the same user and Team as line 1");
    assert!(
        rows[4]["message"]
            .as_str()
            .unwrap()
            .contains("names 2 Teams")
    );
    assert_eq!(
        writes(&env),
        [(
            format!("POST {}", members_path(&env, PLATFORM_TEAM)),
            json!({"memberIds": [env.user_id("alan@example.com")]})
        )]
    );

    // Found invalid only after the listings, without --skip-invalid: still nothing sent.
    env.emu.clear_requests();
    let file = env.write_file(
        "dupes.csv",
        "team,email\nPlatform Team,edsger@example.com\nclrhjy5c000000164wjlm5wfr,edsger@example.com\n",
    );
    let out = env.run(&["org", "te", "us", "add", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("line 3: the same user and Team as line 2"));
    assert!(env.mutations().is_empty());
}

#[test]
fn a_team_argument_names_the_team_of_rows_without_one_and_dry_run_sends_nothing() {
    let env = TestEnv::new();
    let file = env.write_file("people.csv", "email\nalan@example.com\ngrace@example.com\n");
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "--from-file",
        &file,
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "LINE\tEMAIL\tRESULT\tFROM\tTO\tMESSAGE\n\
         2\talan@example.com\twould add\t\tPlatform Team\t\n\
         3\tgrace@example.com\talready a member\t\tPlatform Team\t\n"
    );
    assert!(env.mutations().is_empty());
    // Users on the line too: refused.
    let out = env.run(&[
        "org",
        "te",
        "us",
        "add",
        "Platform Team",
        "alan@example.com",
        "--from-file",
        &file,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("drop the EMAIL_OR_ID arguments"));
    assert!(env.api_requests().iter().all(|r| r.method == "GET"));
}

#[test]
fn a_file_of_removals_needs_force_off_a_terminal_then_removes_row_by_row() {
    let env = TestEnv::new();
    let file = env.write_file(
        "leavers.csv",
        "team,email\n\
         \"Data Engineering, EU\",Katherine.Johnson@example.com\n\
         platform team,ada@example.com\n\
         Platform Team,alan@example.com\n",
    );
    let out = env.run(&["org", "te", "us", "rm", "--from-file", &file]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pass --force"));
    assert!(env.api_requests().is_empty());

    let out = env.run(&[
        "org",
        "te",
        "us",
        "rm",
        "--from-file",
        &file,
        "--force",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows = ndjson(&out);
    let got: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert_eq!(got, [(2, "removed"), (3, "removed"), (4, "not_member")]);
    let mut deletes: Vec<String> = writes(&env).into_iter().map(|(w, _)| w).collect();
    deletes.sort();
    let mut expected = vec![
        format!(
            "DELETE {}/{}",
            members_path(&env, DATA_ENGINEERING),
            env.user_id("Katherine.Johnson@Example.com")
        ),
        format!(
            "DELETE {}/{}",
            members_path(&env, PLATFORM_TEAM_LOWER),
            env.user_id("ada@example.com")
        ),
    ];
    expected.sort();
    assert_eq!(deletes, expected);
    assert_eq!(members(&env, "Data Engineering, EU"), ["ada@example.com"]);
    assert!(members(&env, "platform team").is_empty());
}

#[test]
fn an_interrupted_file_finishes_the_team_in_flight_and_skips_the_others() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(150))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let file = env.write_file(
        "three.csv",
        "team,email\n\
         Platform Team,alan@example.com\n\
         Platform Team,edsger@example.com\n\
         platform team,grace@example.com\n\
         platform team,alan@example.com\n\
         \"Data Engineering, EU\",grace@example.com\n",
    );
    let mut child = env
        .process()
        .args([
            "org",
            "te",
            "us",
            "add",
            "--from-file",
            &file,
            "--json",
            "--concurrency",
            "1",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    std::io::BufRead::read_line(&mut reader, &mut first).unwrap();
    assert!(first.contains("\"line\":2"), "{first}");
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    let results: Vec<String> = std::iter::once(first.as_str())
        .chain(rest.lines())
        .map(|l| {
            let row: Value = serde_json::from_str(l).unwrap();
            format!("{} {}", row["line"], row["result"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        results,
        ["2 added", "3 added", "4 added", "5 added", "6 skipped"]
    );
    assert_eq!(env.mutations().len(), 2);
    assert_eq!(members(&env, "Data Engineering, EU").len(), 2);
    assert!(
        stderr(&out).contains("4 added, 1 skipped (5 rows)"),
        "{}",
        stderr(&out)
    );
}
