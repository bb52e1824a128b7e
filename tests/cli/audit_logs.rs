//! `astro organization audit-logs export`: the request sent (range, Organization), the bytes
//! written (exactly what the emulator served; gzip NDJSON whose events lie in the range), the
//! default file name, stdout, usage errors before any request, refusals, and streams that
//! break off leaving neither a half file nor a temporary one.

use std::io::Read;
use std::path::Path;

use astro_emulator::{Fault, FaultKind, RecordedRequest, TokenOptions};

use crate::common::{TestEnv, requests, stderr, stdout};

const PATH: &str = "/v1/organizations/*/audit-logs";

/// The (startDate, endDate) the request carried, decoded.
fn range_of(request: &RecordedRequest) -> (String, String) {
    let query = request.query.as_deref().unwrap_or_default();
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(pairs.len(), 2, "{query}");
    assert_eq!(pairs[0].0, "startDate");
    assert_eq!(pairs[1].0, "endDate");
    (pairs[0].1.clone(), pairs[1].1.clone())
}

fn audit_requests(env: &TestEnv) -> Vec<RecordedRequest> {
    env.api_requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/audit-logs"))
        .collect()
}

/// The events of a gzip NDJSON export.
fn events(gz: &[u8]) -> Vec<serde_json::Value> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .expect("a gzip file");
    crate::common::ndjson(&text)
}

/// Unix seconds of an RFC 3339 UTC time (`…Z`, with or without a fraction).
fn unix(ts: &str) -> i64 {
    let day: i64 = {
        let (y, m, d): (i64, i64, i64) = (
            ts[0..4].parse().unwrap(),
            ts[5..7].parse().unwrap(),
            ts[8..10].parse().unwrap(),
        );
        let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * m + 2) / 5 + d - 1;
        era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
    };
    let h: i64 = ts[11..13].parse().unwrap();
    let mi: i64 = ts[14..16].parse().unwrap();
    let s: i64 = ts[17..19].parse().unwrap();
    day * 86_400 + h * 3600 + mi * 60 + s
}

/// `YYYY-MM-DD` of a Unix time.
fn day_of(t: i64) -> String {
    let z = t.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{m:02}-{d:02}", yoe + era * 400 + i64::from(m <= 2))
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The names in a directory.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// Every event lies in `[start, end)`, oldest first.
fn assert_in_range(events: &[serde_json::Value], start: &str, end: &str) {
    let (start, end) = (unix(start), unix(end));
    let mut last = 0;
    for e in events {
        let t = unix(e["timestamp"].as_str().expect("timestamp"));
        assert!(t >= start && t < end, "{e}");
        assert!(t >= last);
        last = t;
    }
}

#[test]
fn without_flags_the_last_day_goes_to_the_file_the_go_cli_names() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let out = env
        .astro()
        .current_dir(dir.path())
        .args(["organization", "audit-logs", "export"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let org = env.emu.organization_id();
    // The name comes from GetOrganization; then one export request.
    assert_eq!(
        requests(&env),
        [
            format!("GET /v1/organizations/{org}"),
            format!("GET /v1/organizations/{org}/audit-logs"),
        ]
    );
    let request = &audit_requests(&env)[0];
    let (start, end) = range_of(request);
    assert_eq!(unix(&end) - unix(&start), 86_400);
    assert!((unix(&end) - now()).abs() < 60, "{end}");
    assert_eq!(
        request
            .headers
            .iter()
            .find(|(k, _)| k == "accept")
            .map(|(_, v)| v.as_str()),
        Some("application/octet-stream")
    );
    let name = format!(
        "exampleorg-logs-1-day-{}.ndjson.gz",
        day_of(unix(&end)).replace('-', "")
    );
    assert_eq!(
        listing(dir.path()),
        [name.as_str()],
        "no temporary file left"
    );
    let bytes = std::fs::read(dir.path().join(&name)).unwrap();
    assert_eq!(Some(bytes.clone()), env.emu.audit_log(&start, &end));
    let events = events(&bytes);
    assert!((900..1020).contains(&events.len()), "{}", events.len());
    assert_in_range(&events, &start, &end);
    // One summary line, no progress off a terminal.
    let err = stderr(&out);
    assert_eq!(
        err,
        format!(
            "wrote {} of audit logs from {start} to {end} to `{name}`\n",
            size(bytes.len())
        )
    );
}

fn size(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out} bytes ({:.1} KiB)", n as f64 / 1024.0)
}

#[test]
fn days_given_as_dates_cover_whole_days_and_dash_writes_to_stdout() {
    let env = TestEnv::new();
    let (first, last) = (day_of(now() - 5 * 86_400), day_of(now() - 4 * 86_400));
    let out = env.run(&[
        "org", "al", "e", "--start", &first, "--end", &last, "-o", "-",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The Organization's name is not needed: one request.
    let sent = env.api_requests();
    assert_eq!(sent.len(), 1);
    let (start, end) = range_of(&sent[0]);
    assert_eq!(start, format!("{first}T00:00:00Z"));
    assert_eq!(end, format!("{}T00:00:00Z", day_of(now() - 3 * 86_400)));
    assert_eq!(Some(out.stdout.clone()), env.emu.audit_log(&start, &end));
    let events = events(&out.stdout);
    assert!((1800..2040).contains(&events.len()), "{}", events.len());
    assert_in_range(&events, &start, &end);
    assert!(
        stderr(&out).ends_with("to standard output\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn last_and_include_and_output_file_and_rfc3339_times() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("week.ndjson.gz");
    let out = env.run(&[
        "org",
        "audit-logs",
        "export",
        "--last",
        "7",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (start, end) = range_of(&audit_requests(&env)[0]);
    assert_eq!(unix(&end) - unix(&start), 7 * 86_400);
    assert_eq!(requests(&env).len(), 1, "no GetOrganization with -o");
    assert_eq!(std::fs::read(&file).ok(), env.emu.audit_log(&start, &end));

    env.emu.clear_requests();
    let out = env.run(&[
        "org",
        "al",
        "e",
        "-i",
        "2",
        "--output-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (start, end) = range_of(&audit_requests(&env)[0]);
    assert_eq!(unix(&end) - unix(&start), 2 * 86_400);
    assert_eq!(std::fs::read(&file).ok(), env.emu.audit_log(&start, &end));
    assert_eq!(listing(dir.path()), ["week.ndjson.gz"]);

    env.emu.clear_requests();
    let since = format!("{}T08:30:00+02:00", day_of(now() - 2 * 86_400));
    let out = env.run(&["org", "al", "e", "--start", &since, "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (start, _) = range_of(&audit_requests(&env)[0]);
    assert_eq!(start, format!("{}T06:30:00Z", day_of(now() - 2 * 86_400)));
}

#[test]
fn bad_dates_and_ranges_exit_2_before_any_request() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--start", "yesterday"][..],
        &["--start", "2026-02-30"],
        &["--end", "2026-11-01T24:00:00Z"],
        &["--start", "2026-11-02", "--end", "2026-11-01"],
        &[
            "--start",
            "2026-11-01T10:00:00Z",
            "--end",
            "2026-11-01T10:00:00Z",
        ],
        &["--last", "0"],
        &["--last", "91"],
        &["--last", "3", "--start", "2026-11-01"],
        &["--last", "3", "--end", "2026-11-01"],
        &["-n", " "],
    ] {
        let out = env
            .astro()
            .current_dir(dir.path())
            .args(["org", "al", "e"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    }
    let out = env.run(&["org", "al", "e", "--start", "yesterday"]);
    assert_eq!(
        stderr(&out),
        "error: --start `yesterday` is not a date: give a day such as 2026-11-01 or an RFC 3339 \
         time such as 2026-11-01T08:00:00Z\n"
    );
    let out = env.run(&[
        "org",
        "al",
        "e",
        "--start",
        "2026-11-02",
        "--end",
        "2026-11-01",
    ]);
    assert!(stderr(&out).contains("hint: "), "{}", stderr(&out));
    // A directory as the file.
    let out = env.run(&["org", "al", "e", "-o", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(env.api_requests().is_empty());
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn refusals_and_unknown_organizations_keep_their_exit_codes_and_leave_no_file() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logs.gz");
    let file = file.to_str().unwrap();
    // A Workspace token: not an Organization Owner (403 → 4).
    let reader = env.emu.api_token("Analytics reporting").unwrap();
    let secret = env.emu.api_token_secret(&reader.id).unwrap();
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &secret)
        .args(["org", "al", "e", "-o", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("ORGANIZATION_OWNER"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("hint: "), "{}", stderr(&out));
    // An Organization that does not exist (404 → 3).
    let ghost = "cghostorg0000000000000000";
    let token = env.emu.mint_token(TokenOptions {
        organization_id: Some(ghost.into()),
        ..Default::default()
    });
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &token)
        .args(["org", "al", "e", "--organization-id", ghost, "-o", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    // 401 → 4.
    let out = env
        .astro()
        .env(
            "ASTRO_API_TOKEN",
            crate::common::forged_token(&env.emu.organization_id()),
        )
        .args(["org", "al", "e", "-o", file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(audit_requests(&env).len(), 3);
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn a_stream_cut_midway_leaves_the_old_file_and_no_temporary_file() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logs.ndjson.gz");
    std::fs::write(&file, b"the previous export").unwrap();
    env.emu.inject(
        Fault::new(FaultKind::CutBody { after: 30_000 })
            .method("GET")
            .path(PATH),
    );
    let out = env.run(&[
        "org",
        "al",
        "e",
        "--last",
        "3",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: the export broke off after 30,000 bytes (29.3 KiB): "),
        "{err}"
    );
    assert!(
        err.contains(&format!("nothing was written to `{}`", file.display())),
        "{err}"
    );
    assert!(err.ends_with("hint: run it again\n"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap(), b"the previous export");
    assert_eq!(listing(dir.path()), ["logs.ndjson.gz"]);
    // Sent once: a body that broke off is not fetched again behind the user's back.
    assert_eq!(audit_requests(&env).len(), 1);

    // Without -o, the default file is not created either.
    env.emu.inject(
        Fault::new(FaultKind::CutBody { after: 10 })
            .method("GET")
            .path(PATH),
    );
    let empty = tempfile::tempdir().unwrap();
    let out = env
        .astro()
        .current_dir(empty.path())
        .args(["org", "al", "e"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(listing(empty.path()).is_empty());
}

#[test]
fn a_failure_before_the_body_is_retried_and_the_export_completes() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 503,
            retry_after: Some("0".into()),
        })
        .method("GET")
        .path(PATH),
    );
    let out = env.run(&["org", "al", "e", "-o", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sent = audit_requests(&env);
    assert_eq!(
        sent.iter().map(|r| r.status).collect::<Vec<_>>(),
        [503, 200]
    );
    let (start, end) = range_of(&sent[1]);
    assert_eq!(range_of(&sent[0]), (start.clone(), end.clone()));
    assert_eq!(Some(out.stdout), env.emu.audit_log(&start, &end));
}

#[test]
fn organization_name_picks_the_organization_as_the_go_cli_does() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let out = env
        .astro()
        .current_dir(dir.path())
        .args(["org", "al", "e", "-n", "example org", "--last", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let org = env.emu.organization_id();
    assert_eq!(
        requests(&env),
        [
            "GET /v1/organizations".to_owned(),
            format!("GET /v1/organizations/{org}/audit-logs"),
        ]
    );
    let files = listing(dir.path());
    assert_eq!(files.len(), 1);
    assert!(files[0].starts_with("exampleorg-logs-2-days-"), "{files:?}");

    env.emu.clear_requests();
    let out = env.run(&["org", "al", "e", "-n", "Nope", "-o", "-"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("astro organization list"));
    let out = env.run(&[
        "org",
        "al",
        "e",
        "-n",
        "Example Org",
        "--organization-id",
        &org,
        "-o",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(audit_requests(&env).len(), 0);
}

/// `--json`: the summary (file, bytes, range) on stdout, the file as without it.
#[test]
fn json_prints_what_was_written() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logs.ndjson.gz");
    let out = env
        .astro()
        .args(["org", "al", "e", "--last", "2", "--json", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let org = env.emu.organization_id();
    assert_eq!(
        requests(&env),
        [format!("GET /v1/organizations/{org}/audit-logs")]
    );
    let (start, end) = range_of(&audit_requests(&env)[0]);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(Some(bytes.clone()), env.emu.audit_log(&start, &end));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        summary,
        serde_json::json!({
            "organizationId": org,
            "file": file.display().to_string(),
            "bytes": bytes.len(),
            "startDate": start,
            "endDate": end,
        })
    );
    assert_eq!(listing(dir.path()), ["logs.ndjson.gz"]);
}

/// `-o - --json` would mix the summary into the logs: refused before any request.
#[test]
fn json_with_stdout_output_is_refused() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "al", "e", "-o", "-", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: --json prints a summary on stdout, which `-o -` fills with the logs\n\
         hint: give a file: -o FILE --json\n"
    );
    assert!(env.api_requests().is_empty());
}
