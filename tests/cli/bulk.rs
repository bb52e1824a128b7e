//! Bulk updates and invites from a file, and dry runs.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use astro_emulator::Emulator;
use serde_json::Value;

use crate::common::{TestEnv, ndjson, query_param, stderr, stdout};

/// A CSV making generated users 1..=n Organization Owners.
fn generated_rows(env: &TestEnv, n: usize) -> String {
    let mut csv = String::from("email,role\n");
    for i in 1..=n {
        csv.push_str(&format!("user{i:06}@example.com,ORGANIZATION_OWNER\n"));
    }
    env.write_file("many.csv", &csv)
}

/// A bulk update of `rows` generated users, `--json`, against an emulator that answers after
/// `latency_ms`, started and read up to its first result line.
fn slow_bulk_run(
    users: usize,
    latency_ms: u64,
    rows: usize,
    concurrency: u16,
) -> (
    TestEnv,
    std::process::Child,
    BufReader<std::process::ChildStdout>,
    String,
) {
    let emu = Emulator::builder()
        .users(users)
        .latency(Duration::from_millis(latency_ms))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let file = generated_rows(&env, rows);
    let mut child = env
        .process()
        .args([
            "org",
            "user",
            "update",
            "--from-file",
            &file,
            "--json",
            "--concurrency",
        ])
        .arg(concurrency.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    (env, child, reader, first)
}

fn posts(env: &TestEnv) -> Vec<(String, Value)> {
    env.mutations()
        .into_iter()
        .map(|r| {
            (
                r.path.clone(),
                serde_json::from_str(r.body.as_deref().unwrap()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn bulk_update_lists_once_skips_unchanged_and_reports_every_row() {
    let env = TestEnv::new();
    let file = env.write_file("roles.csv",
        "email,role\ngrace@example.com,organization_owner\nADA@example.com,ORGANIZATION_OWNER\nnobody@example.com,ORGANIZATION_MEMBER\nkatherine.johnson@example.com,ORGANIZATION_MEMBER\n",
    );
    let out = env
        .astro()
        .args(["org", "user", "update", "--from-file", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("LINE") && lines[0].contains("RESULT"));
    let row = |n: usize| lines[n].split_whitespace().collect::<Vec<_>>();
    assert_eq!(row(1)[..3], ["2", "grace@example.com", "changed"]);
    assert_eq!(row(2)[..3], ["3", "ada@example.com", "unchanged"]);
    assert_eq!(row(3)[..4], ["4", "nobody@example.com", "not", "found"]);
    assert_eq!(
        row(4)[..3],
        ["5", "Katherine.Johnson@Example.com", "changed"]
    );
    let err = stderr(&out);
    assert!(
        err.contains("2 changed, 1 unchanged, 1 not found (4 rows)"),
        "{err}"
    );
    assert!(err.contains("error: 1 of 4 rows were not applied"), "{err}");

    // One listing, then exactly the two changes, each with exactly the role.
    let gets: Vec<_> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.method == "GET")
        .collect();
    assert_eq!(gets.len(), 1);
    assert_eq!(query_param(&gets[0], "limit").as_deref(), Some("1000"));
    let mut sent = posts(&env);
    sent.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected = vec![
        (
            format!(
                "/v1/organizations/{}/users/{}/roles",
                env.emu.organization_id(),
                env.user_id("grace@example.com")
            ),
            serde_json::json!({"organizationRole": "ORGANIZATION_OWNER"}),
        ),
        (
            format!(
                "/v1/organizations/{}/users/{}/roles",
                env.emu.organization_id(),
                env.user_id("Katherine.Johnson@Example.com")
            ),
            serde_json::json!({"organizationRole": "ORGANIZATION_MEMBER"}),
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(sent, expected);
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
}

#[test]
fn bulk_update_reads_json_lines_from_stdin_and_prints_ndjson() {
    let env = TestEnv::new();
    let mut child = env
        .process()
        .args(["org", "user", "update", "--from-file", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"email\":\"alan@example.com\",\"role\":\"ORGANIZATION_MEMBER\"}\n\n{\"email\":\"edsger@example.com\",\"role\":\"organization_owner\"}\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut rows = ndjson(&stdout(&out));
    rows.sort_by_key(|r| r["line"].as_u64());
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[0]["email"], "alan@example.com");
    assert_eq!(rows[0]["previousRole"], "ORGANIZATION_BILLING_ADMIN");
    assert_eq!(rows[0]["role"], "ORGANIZATION_MEMBER");
    assert_eq!(rows[0]["result"], "changed");
    assert_eq!(rows[1]["line"], 3);
    assert_eq!(rows[1]["result"], "changed");
    assert_eq!(
        env.role_of("edsger@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
}

#[test]
fn invalid_rows_stop_the_run_before_any_request() {
    let env = TestEnv::new();
    let file = env.write_file("bad.csv",
        "email,role\ngrace@example.com,ORGANIZATION_OWNER\nnot-an-email,ORGANIZATION_OWNER\nalan@example.com,ADMIN\nedsger@example.com,\nGRACE@example.com,ORGANIZATION_MEMBER\n",
    );
    let out = env
        .astro()
        .args(["org", "user", "update", "--from-file", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    for expected in [
        "line 3: `not-an-email` is not a valid email address",
        "line 4: unknown Organization role `ADMIN`",
        "line 5: no role given",
        "line 6: the same user as line 2",
        "error: 4 invalid rows in",
        "hint: fix the rows above, or pass --skip-invalid",
    ] {
        assert!(err.contains(expected), "missing `{expected}` in {err}");
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn skip_invalid_applies_the_valid_rows_and_still_reports_the_others() {
    let env = TestEnv::new();
    let file = env.write_file(
        "mixed.csv",
        "email,role\ngrace@example.com,ORGANIZATION_OWNER\nbad,ORGANIZATION_OWNER\n",
    );
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "--from-file",
            &file,
            "--skip-invalid",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let rows = ndjson(&stdout(&out));
    let results: Vec<(u64, &str)> = rows
        .iter()
        .map(|r| (r["line"].as_u64().unwrap(), r["result"].as_str().unwrap()))
        .collect();
    assert!(
        results.contains(&(2, "changed")) && results.contains(&(3, "invalid")),
        "{results:?}"
    );
    assert_eq!(posts(&env).len(), 1);
}

#[test]
fn a_file_that_cannot_be_used_is_a_usage_error() {
    let env = TestEnv::new();
    let missing = env
        .astro()
        .args(["org", "user", "update", "--from-file", "/nonexistent/x.csv"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let no_header = env.write_file("h.csv", "name,role\nx,y\n");
    let out = env
        .astro()
        .args(["org", "user", "update", "--from-file", &no_header])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("hint: start the file with the line `email,role`"));
    let both = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "grace@example.com",
            "--from-file",
            &no_header,
        ])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn bulk_dry_run_sends_no_change() {
    let env = TestEnv::new();
    let file = env.write_file(
        "r.csv",
        "email,role\ngrace@example.com,ORGANIZATION_OWNER\nada@example.com,ORGANIZATION_OWNER\n",
    );
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "--from-file",
            &file,
            "--dry-run",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut rows = ndjson(&stdout(&out));
    rows.sort_by_key(|r| r["line"].as_u64());
    assert_eq!(rows[0]["result"], "would_change");
    assert_eq!(rows[1]["result"], "unchanged");
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
}

#[test]
fn changes_go_out_with_bounded_concurrency() {
    let emu = Emulator::builder()
        .users(40)
        .latency(Duration::from_millis(100))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let file = generated_rows(&env, 24);
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "--from-file",
            &file,
            "--concurrency",
            "4",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(posts(&env).len(), 24);
    let peak = env.emu.max_in_flight();
    assert!((2..=4).contains(&peak), "peak in flight {peak}");
}

#[test]
fn interrupted_bulk_reports_exactly_what_was_applied() {
    let (env, child, mut reader, first) = slow_bulk_run(60, 150, 40, 2);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));

    let rows = ndjson(&format!("{first}{rest}"));
    assert_eq!(rows.len(), 40, "every row is reported");
    let changed = rows.iter().filter(|r| r["result"] == "changed").count();
    let skipped = rows.iter().filter(|r| r["result"] == "skipped").count();
    assert_eq!(changed + skipped, 40);
    assert!(skipped > 0, "the run stopped early");
    // Nothing lost or doubled: what was reported changed is exactly what the server received.
    assert_eq!(posts(&env).len(), changed);
    assert!(stderr(&out).contains("interrupted"));
}

#[test]
fn bulk_invite_reports_members_and_invites_the_rest() {
    let env = TestEnv::new();
    let file = env.write_file("invites.csv",
        "email,role\nNew.One@example.com,\nnew.two@example.com,ORGANIZATION_BILLING_ADMIN\nGrace@Example.com,ORGANIZATION_MEMBER\n",
    );
    let out = env
        .astro()
        .args(["org", "user", "invite", "--from-file", &file, "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut rows = ndjson(&stdout(&out));
    rows.sort_by_key(|r| r["line"].as_u64());
    let results: Vec<&str> = rows.iter().map(|r| r["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["invited", "invited", "already_member"]);
    assert_eq!(rows[0]["email"], "new.one@example.com");
    assert_eq!(rows[0]["role"], "ORGANIZATION_MEMBER");
    let sent: Vec<Value> = posts(&env).into_iter().map(|(_, b)| b).collect();
    assert_eq!(sent.len(), 2);
    assert!(sent.contains(&serde_json::json!({"inviteeEmail": "new.two@example.com", "role": "ORGANIZATION_BILLING_ADMIN"})));
    assert_eq!(
        env.emu.user("new.one@example.com").unwrap().status,
        "PENDING"
    );
}

#[test]
fn single_dry_runs_send_nothing() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
            "--dry-run",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "Would update grace@example.com (Grace Hopper): ORGANIZATION_MEMBER -> ORGANIZATION_OWNER (dry run: nothing sent)\n"
    );
    let json = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
            "--dry-run",
            "--json",
        ])
        .output()
        .unwrap();
    let json: Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(
        (json["dryRun"].clone(), json["changed"].clone()),
        (Value::Bool(true), Value::Bool(false))
    );

    let invite = env
        .astro()
        .args(["org", "user", "invite", "x@example.com", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(invite.status.code(), Some(0));
    assert_eq!(
        stdout(&invite),
        "Would invite x@example.com as ORGANIZATION_MEMBER (dry run: nothing sent)\n"
    );
    let member = env
        .astro()
        .args(["org", "user", "invite", "grace@example.com", "--dry-run"])
        .output()
        .unwrap();
    // Already a member: nothing to do, which is success, as in a bulk invite.
    assert_eq!(member.status.code(), Some(0), "{}", stderr(&member));
    assert_eq!(
        stdout(&member),
        "grace@example.com is already a member of the Organization (ORGANIZATION_MEMBER); nothing sent\n"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn the_same_user_by_id_and_by_email_is_caught_before_any_change() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    let file = env.write_file(
        "dupe.csv",
        &format!(
            "email,role\n{grace},ORGANIZATION_OWNER\ngrace@example.com,ORGANIZATION_BILLING_ADMIN\n"
        ),
    );
    let out = env
        .astro()
        .args(["org", "user", "update", "--from-file", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("line 3: the same user as line 2"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
}

#[test]
fn a_closed_stdout_stops_a_bulk_run_and_accounts_for_every_row() {
    let (env, child, reader, _first) = slow_bulk_run(30, 60, 20, 1);
    drop(reader);
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("standard output was closed"), "{err}");
    let summary = err
        .lines()
        .find(|l| l.ends_with("(20 rows)"))
        .unwrap_or_else(|| panic!("{err}"));
    let changed: usize = summary
        .split(", ")
        .find_map(|part| {
            part.strip_suffix(" changed")
                .map(|n| n.trim().parse().unwrap())
        })
        .unwrap_or(0);
    assert!(summary.contains("skipped"), "{summary}");
    assert_eq!(posts(&env).len(), changed, "{summary}");
}
