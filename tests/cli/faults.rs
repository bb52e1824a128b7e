//! The fault matrix: every way the API can fail, injected with the emulator's fault controls.
//! Each case asserts the exit code, a one-line message that names the cause, that nothing
//! panicked, and for transient faults that the request was retried and succeeded once the
//! fault cleared. `TESTING.md` holds the same matrix as a table; `matrix_document_is_current`
//! checks it against `CASES` (run with `UPDATE_SNAPSHOTS=1` to rewrite it).

use std::path::PathBuf;

use astro_emulator::{Fault, FaultKind};

use crate::common::{TestEnv, stderr, stdout};

#[derive(Clone, Copy)]
enum Job {
    /// `astro org user list --json`: reads (GET …/users).
    List,
    /// `astro org user update grace@example.com -r ORGANIZATION_OWNER`: the role POST.
    Update,
    /// `astro org user invite new@example.com`: the invite POST.
    Invite,
}

struct Case {
    name: &'static str,
    job: Job,
    fault: fn() -> FaultKind,
    /// How many requests the fault answers (then it clears).
    times: usize,
    exit: i32,
    /// Requests the job's faulted path received in all (attempts).
    attempts: usize,
    /// Text the one-line error (or, on success, stdout) must contain.
    says: &'static str,
}

fn status(code: u16) -> FaultKind {
    FaultKind::Status {
        status: code,
        retry_after: None,
    }
}

const CASES: &[Case] = &[
    Case {
        name: "400 with fieldErrors",
        job: Job::Update,
        fault: || {
            FaultKind::RawBody { status: 400, body: r#"{"message":"Invalid request","requestId":"req-400","statusCode":400,"fieldErrors":[{"code":"oneof","field":"organizationRole","message":"must be a known role"}]}"#.into() }
        },
        times: 1,
        exit: 1,
        attempts: 1,
        says: "organizationRole: must be a known role",
    },
    Case {
        name: "401",
        job: Job::List,
        fault: || status(401),
        times: 1,
        exit: 4,
        attempts: 1,
        says: "HTTP 401",
    },
    Case {
        name: "403",
        job: Job::Update,
        fault: || status(403),
        times: 1,
        exit: 4,
        attempts: 1,
        says: "HTTP 403",
    },
    Case {
        name: "404",
        job: Job::List,
        fault: || status(404),
        times: 1,
        exit: 3,
        attempts: 1,
        says: "HTTP 404",
    },
    Case {
        name: "405",
        job: Job::Update,
        fault: || status(405),
        times: 1,
        exit: 1,
        attempts: 1,
        says: "HTTP 405",
    },
    Case {
        name: "409",
        job: Job::Invite,
        fault: || status(409),
        times: 1,
        exit: 1,
        attempts: 1,
        says: "HTTP 409",
    },
    Case {
        name: "429 with Retry-After, clears",
        job: Job::Update,
        fault: || FaultKind::Status {
            status: 429,
            retry_after: Some("1".into()),
        },
        times: 2,
        exit: 0,
        attempts: 3,
        says: "Updated grace@example.com",
    },
    Case {
        name: "429 without Retry-After, clears",
        job: Job::List,
        fault: || status(429),
        times: 2,
        exit: 0,
        attempts: 3,
        says: "grace@example.com",
    },
    Case {
        name: "429 on an invite, clears",
        job: Job::Invite,
        fault: || status(429),
        times: 1,
        exit: 0,
        attempts: 2,
        says: "Invited new@example.com",
    },
    Case {
        name: "429 that persists",
        job: Job::List,
        fault: || status(429),
        times: 10,
        exit: 1,
        attempts: 4,
        says: "gave up after 4 attempts",
    },
    Case {
        name: "500 with a JSON body",
        job: Job::Update,
        fault: || status(500),
        times: 1,
        exit: 1,
        attempts: 1,
        says: "HTTP 500, request ID",
    },
    Case {
        name: "500 with an HTML body",
        job: Job::List,
        fault: || FaultKind::NonJson {
            status: 500,
            body: "<html><body>Internal Server Error</body></html>".into(),
        },
        times: 1,
        exit: 1,
        attempts: 1,
        says: "internal error (HTTP 500",
    },
    Case {
        name: "502, clears",
        job: Job::List,
        fault: || status(502),
        times: 2,
        exit: 0,
        attempts: 3,
        says: "grace@example.com",
    },
    Case {
        name: "503, clears",
        job: Job::Update,
        fault: || status(503),
        times: 2,
        exit: 0,
        attempts: 3,
        says: "Updated grace@example.com",
    },
    Case {
        name: "504, clears",
        job: Job::List,
        fault: || status(504),
        times: 1,
        exit: 0,
        attempts: 2,
        says: "grace@example.com",
    },
    Case {
        name: "503 on an invite, clears",
        job: Job::Invite,
        fault: || status(503),
        times: 1,
        exit: 0,
        attempts: 2,
        says: "Invited new@example.com",
    },
    Case {
        name: "503 that persists",
        job: Job::Update,
        fault: || status(503),
        times: 10,
        exit: 1,
        attempts: 4,
        says: "gave up after 4 attempts",
    },
    Case {
        name: "200 whose body is not JSON",
        job: Job::List,
        fault: || FaultKind::NonJson {
            status: 200,
            body: "<html>maintenance</html>".into(),
        },
        times: 1,
        exit: 1,
        attempts: 1,
        says: "could not be read (HTTP 200)",
    },
    Case {
        name: "200 missing a required field",
        job: Job::List,
        fault: || {
            FaultKind::RawBody { status: 200, body: r#"{"limit":1000,"offset":0,"totalCount":1,"users":[{"id":"cx0000000000000000000000a","fullName":"No Email","status":"ACTIVE","createdAt":"2024-01-01T00:00:00Z"}]}"#.into() }
        },
        times: 1,
        exit: 1,
        attempts: 1,
        says: "missing field `username`",
    },
    Case {
        name: "truncated body, clears",
        job: Job::List,
        fault: || FaultKind::Truncated,
        times: 1,
        exit: 0,
        attempts: 2,
        says: "grace@example.com",
    },
    Case {
        name: "truncated body that persists",
        job: Job::List,
        fault: || FaultKind::Truncated,
        times: 10,
        exit: 1,
        attempts: 4,
        says: "gave up after 4 attempts",
    },
    Case {
        name: "dropped connection, clears",
        job: Job::Update,
        fault: || FaultKind::DropConnection,
        times: 1,
        exit: 0,
        attempts: 2,
        says: "Updated grace@example.com",
    },
    Case {
        name: "dropped connection on an invite, clears",
        job: Job::Invite,
        fault: || FaultKind::DropConnection,
        times: 1,
        exit: 0,
        attempts: 2,
        says: "Invited new@example.com",
    },
    Case {
        name: "invite processed, response lost",
        job: Job::Invite,
        fault: || FaultKind::LostResponse,
        times: 1,
        exit: 0,
        attempts: 1,
        says: "the invite was confirmed in the member list",
    },
    Case {
        name: "role update processed, response lost",
        job: Job::Update,
        fault: || FaultKind::LostResponse,
        times: 1,
        exit: 0,
        attempts: 2,
        says: "Updated grace@example.com",
    },
    Case {
        name: "response slower than the timeout",
        job: Job::List,
        fault: || FaultKind::Hang,
        times: 1,
        exit: 1,
        attempts: 1,
        says: "timed out after 1 s",
    },
];

fn path_of(job: Job) -> (&'static str, &'static str) {
    match job {
        Job::List => ("GET", "/v1/organizations/*/users"),
        Job::Update => ("POST", "/v1/organizations/*/users/*/roles"),
        Job::Invite => ("POST", "/v1/organizations/*/invites"),
    }
}

fn args_of(job: Job) -> Vec<&'static str> {
    match job {
        Job::List => vec!["org", "user", "list"],
        Job::Update => vec![
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
        ],
        Job::Invite => vec!["org", "user", "invite", "new@example.com"],
    }
}

fn run_case(case: &Case) {
    let env = TestEnv::new();
    let (method, pattern) = path_of(case.job);
    env.emu.inject(
        Fault::new((case.fault)())
            .method(method)
            .path(pattern)
            .times(case.times),
    );
    let out = env
        .astro()
        .args(args_of(case.job))
        .args(["--timeout", "1"])
        .output()
        .unwrap();
    let (out_text, err_text) = (stdout(&out), stderr(&out));
    let context = format!(
        "case `{}`: stdout {out_text:?} stderr {err_text:?}",
        case.name
    );
    assert_eq!(out.status.code(), Some(case.exit), "{context}");
    assert!(!err_text.contains("panicked"), "{context}");
    if case.exit == 0 {
        assert!(out_text.contains(case.says), "{context}");
    } else {
        assert_eq!(out_text, "", "{context}");
        let lines: Vec<&str> = err_text.lines().collect();
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains(case.says),
            "{context}"
        );
        assert!(
            lines.len() == 1 || (lines.len() == 2 && lines[1].starts_with("hint: ")),
            "{context}"
        );
    }
    let attempts = env
        .api_requests()
        .iter()
        .filter(|r| r.method == method && matches_pattern(pattern, &r.path))
        .count();
    assert_eq!(attempts, case.attempts, "{context}");
    if matches!(case.job, Job::Invite) && case.exit == 0 {
        // Retried or not, exactly one invitee, PENDING.
        assert_eq!(env.emu.user("new@example.com").unwrap().status, "PENDING");
    }
}

fn matches_pattern(pattern: &str, path: &str) -> bool {
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == s.len() && p.iter().zip(&s).all(|(a, b)| *a == "*" || a == b)
}

#[test]
fn fault_matrix() {
    for case in CASES {
        run_case(case);
    }
}

#[test]
fn connection_refused_is_retried_then_reported() {
    let env = TestEnv::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = env
        .astro()
        .env("ASTRO_API_URL", format!("http://127.0.0.1:{port}/v1"))
        .args(["org", "user", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("could not connect") && err.contains("gave up after 4 attempts"),
        "{err}"
    );
}

/// The matrix as `TESTING.md` shows it.
fn matrix_markdown() -> String {
    let mut out = String::from(
        "| fault | job | exit | attempts | the output says |\n|---|---|---|---|---|\n",
    );
    for case in CASES {
        let job = match case.job {
            Job::List => "list",
            Job::Update => "update",
            Job::Invite => "invite",
        };
        out.push_str(&format!(
            "| {} | {job} | {} | {} | `{}` |\n",
            case.name,
            case.exit,
            case.attempts,
            case.says.replace('|', "\\|")
        ));
    }
    out
}

#[test]
fn matrix_document_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("TESTING.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let (begin, end) = ("<!-- fault-matrix:begin -->\n", "<!-- fault-matrix:end -->");
    let (Some(start), Some(stop)) = (text.find(begin), text.find(end)) else {
        panic!("TESTING.md needs the fault-matrix markers");
    };
    let current = &text[start + begin.len()..stop];
    let expected = matrix_markdown();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        let updated = format!("{}{begin}{expected}{}", &text[..start], &text[stop..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    assert_eq!(
        current, expected,
        "TESTING.md's fault matrix is out of date; run with UPDATE_SNAPSHOTS=1"
    );
}
