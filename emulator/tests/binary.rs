//! Tests of the `astro-emulator` binary: the export lines, exit 2 on bad input, exec mode
//! passing the environment and the exit code through, and the control paths.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_astro-emulator");

/// A started binary, killed (by its own PID) when dropped.
struct Running {
    child: std::process::Child,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn http(addr: &str, request: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn prints_the_export_lines_and_serves_until_terminated() {
    let child = Command::new(BIN)
        .args(["--users", "10"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut running = Running { child };
    let mut stdout = BufReader::new(running.child.stdout.take().unwrap());
    let mut url_line = String::new();
    let mut token_line = String::new();
    stdout.read_line(&mut url_line).unwrap();
    stdout.read_line(&mut token_line).unwrap();
    let url = url_line
        .trim_end()
        .strip_prefix("export ASTRO_API_URL=")
        .unwrap_or_else(|| panic!("first line: {url_line:?}"));
    let token = token_line
        .trim_end()
        .strip_prefix("export ASTRO_API_TOKEN=")
        .unwrap_or_else(|| panic!("second line: {token_line:?}"));
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/v1"),
        "{url}"
    );
    assert_eq!(token.split('.').count(), 3);
    let mut stderr = BufReader::new(running.child.stderr.take().unwrap());
    let mut human = String::new();
    stderr.read_line(&mut human).unwrap();
    assert!(
        human.contains("listening") && human.contains("Ctrl-C"),
        "{human}"
    );

    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/v1")
        .to_string();
    let out = http(
        &addr,
        &format!(
            "GET /v1/users/self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("ada@example.com"));
    // Control paths: a fault, the log, a token.
    let fault = r#"{"kind":"status","status":503,"retryAfter":"1","path":"/v1/users/self"}"#;
    let out = http(
        &addr,
        &format!(
            "POST /_emulator/faults HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{fault}",
            fault.len()
        ),
    );
    assert!(out.starts_with("HTTP/1.1 204"), "{out}");
    let out = http(
        &addr,
        &format!(
            "GET /v1/users/self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(out.starts_with("HTTP/1.1 503"), "{out}");
    assert!(out.to_ascii_lowercase().contains("retry-after: 1"), "{out}");
    let out = http(
        &addr,
        "GET /_emulator/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    let body = out.split("\r\n\r\n").nth(1).unwrap();
    let log: serde_json::Value = serde_json::from_str(body).unwrap();
    let statuses: Vec<u64> = log["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, [200, 503]);
    assert_eq!(log["maxInFlight"], 1);
    let opts = r#"{"expiresAt":1}"#;
    let out = http(
        &addr,
        &format!(
            "POST /_emulator/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{opts}",
            opts.len()
        ),
    );
    let body = out.split("\r\n\r\n").nth(1).unwrap();
    let expired = serde_json::from_str::<serde_json::Value>(body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = http(
        &addr,
        &format!(
            "GET /v1/users/self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {expired}\r\nConnection: close\r\n\r\n"
        ),
    );
    assert!(out.starts_with("HTTP/1.1 401"), "{out}");
    let out = http(
        &addr,
        "DELETE /_emulator/requests HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    assert!(out.starts_with("HTTP/1.1 204"), "{out}");

    // SIGTERM stops it gracefully with exit 0.
    let pid = running.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let started = Instant::now();
    loop {
        if let Some(status) = running.child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_one_line_exit_2(args: &[&str], needle: &str) {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{args:?}");
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.trim_end().lines().count(), 1, "{err:?}");
    assert!(err.contains(needle), "{err:?}");
}

#[test]
fn bad_flags_and_seed_files_exit_2_with_one_line() {
    assert_one_line_exit_2(&["--bogus"], "--bogus");
    assert_one_line_exit_2(&["--users", "many"], "many");
    assert_one_line_exit_2(&["--port", "70000"], "70000");
    assert_one_line_exit_2(
        &["--seed", "/nonexistent/seed.yaml"],
        "/nonexistent/seed.yaml",
    );
    let bad = std::env::temp_dir().join(format!("astro-emulator-bad-{}.json", std::process::id()));
    std::fs::write(&bad, r#"{"organization":{"name":"X"},"users":[{"email":"a@b.test","fullName":"A","role":"KING"}]}"#).unwrap();
    assert_one_line_exit_2(&["--seed", bad.to_str().unwrap()], "KING");
    std::fs::write(&bad, "{ not json").unwrap();
    assert_one_line_exit_2(&["--seed", bad.to_str().unwrap()], "invalid seed file");
    let _ = std::fs::remove_file(&bad);
}

#[test]
fn exec_mode_passes_the_environment_and_the_exit_code() {
    let out = Command::new(BIN)
        .args([
            "--",
            "sh",
            "-c",
            r#"test -n "$ASTRO_API_TOKEN" && case "$ASTRO_API_URL" in http://127.0.0.1:*/v1) exit 7;; esac; exit 1"#,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert!(
        out.stdout.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The child's own output goes through; success is 0.
    let out = Command::new(BIN)
        .args(["--", "sh", "-c", "echo child-says-hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "child-says-hi\n");
    // The emulator really serves the child: it can call the API with the token.
    if Command::new("curl").arg("--version").output().is_ok() {
        let out = Command::new(BIN)
            .args([
                "--",
                "sh",
                "-c",
                r#"curl -sf -H "Authorization: Bearer $ASTRO_API_TOKEN" "$ASTRO_API_URL/users/self""#,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("ada@example.com"));
    }
    // A command that cannot start: 127.
    let out = Command::new(BIN)
        .args(["--", "/nonexistent/command"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
}
