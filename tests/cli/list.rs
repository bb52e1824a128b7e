//! `astro organization user list`.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use serde_json::Value;

use crate::common::{TestEnv, query_param, stderr, stdout};

#[test]
fn piped_table_is_tab_separated_with_a_header() {
    let env = TestEnv::new();
    let out = env.astro().args(["org", "user", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 7, "{text}");
    let header = lines[0];
    for column in [
        "FULLNAME",
        "EMAIL",
        "ID",
        "ORGANIZATION ROLE",
        "CREATE DATE",
        "STATUS",
    ] {
        assert!(header.contains(column), "{header}");
    }
    // Not a terminal: tab-separated cells, no padding, so `cut -f2` gives the emails.
    for (line, email) in lines[1..].iter().zip([
        "ada@example.com",
        "grace@example.com",
        "alan@example.com",
        "Katherine.Johnson@Example.com",
        "edsger@example.com",
        "barbara@example.com",
    ]) {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 6, "{line}");
        assert_eq!(cells[1], email, "{line}");
        assert!(!line.contains("  "), "padded: {line:?}");
    }
    assert!(lines[6].contains("PENDING") && lines[1].contains("ORGANIZATION_OWNER"));
}

#[test]
fn json_has_the_go_cli_keys_and_status() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("{\n  \"users\": [\n") && text.ends_with("}\n"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&text).unwrap();
    let users = json["users"].as_array().unwrap();
    assert_eq!(users.len(), 6);
    let grace = &users[1];
    assert_eq!(grace["email"], "grace@example.com");
    assert_eq!(grace["fullName"], "Grace Hopper");
    assert_eq!(grace["orgRole"], "ORGANIZATION_MEMBER");
    assert_eq!(grace["status"], "ACTIVE");
    assert_eq!(grace["id"], env.user_id("grace@example.com").as_str());
    assert!(grace["createdAt"].as_str().unwrap().ends_with('Z'));

    let via_output = env
        .astro()
        .args(["org", "user", "ls", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(stdout(&via_output), text);
}

#[test]
fn json_and_output_together_are_a_usage_error() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "user", "ls", "--json", "--output", "table"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn large_organization_is_complete_without_duplicates() {
    let env = TestEnv::with_users(3_210);
    let out = env
        .astro()
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let users = json["users"].as_array().unwrap();
    assert_eq!(users.len(), 3_216);
    let ids: std::collections::HashSet<_> =
        users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3_216);
    let gets = env.api_requests();
    assert_eq!(gets.len(), 4);
    assert!(
        gets.iter()
            .all(|r| query_param(r, "limit").as_deref() == Some("1000"))
    );
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let env = TestEnv::with_users(5_000);
    let mut child = env
        .process()
        .args(["org", "user", "list"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("FULLNAME"));
    // The reader is dropped here: stdout is closed while astro still has rows to write.
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}

#[test]
fn reference_paging_fetches_pages_of_100_one_after_another() {
    let env = TestEnv::with_users(250);
    let out = env
        .astro()
        .env("ASTRO_PAGING", "reference")
        .args(["org", "user", "ls", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["users"].as_array().unwrap().len(), 256);
    let requests = env.api_requests();
    let offsets: Vec<String> = requests
        .iter()
        .map(|r| query_param(r, "offset").unwrap())
        .collect();
    assert_eq!(offsets, ["0", "100", "200"]);
    assert!(
        requests
            .iter()
            .all(|r| query_param(r, "limit").as_deref() == Some("100"))
    );
    // One after another: each request starts after the previous one ended.
    for pair in requests.windows(2) {
        assert!(pair[1].started_at >= pair[0].finished_at);
    }
}

#[test]
fn no_spinner_when_stderr_is_a_pipe() {
    let emu = astro_emulator::Emulator::builder()
        .latency(std::time::Duration::from_millis(700))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let out = env
        .astro()
        .env_remove("CI")
        .args(["org", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}
