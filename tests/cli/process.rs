//! How the process starts and ends, whatever the caller left it: closed standard descriptors
//! are opened on `/dev/null` (so no file `astro` opens can take their place), and a reader that
//! goes away ends the run quietly with success instead of SIGPIPE killing it. On Linux `astro`
//! does this in its own entry point (src/main.rs), so these are the tests of that code.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use crate::common::{BIN, TestEnv, stderr, stdout};

/// `astro ARGS` run by `sh` with the redirections `fds` (e.g. `>&-` closes stdout).
fn with_descriptors(env: &TestEnv, fds: &str, args: &str) -> std::process::Output {
    let cmd = env.process();
    let script = format!("exec \"$0\" {args} {fds}");
    let mut sh = Command::new("sh");
    sh.arg("-c").arg(script).arg(BIN);
    for (key, value) in cmd.get_envs() {
        match value {
            Some(v) => sh.env(key, v),
            None => sh.env_remove(key),
        };
    }
    sh.stdin(Stdio::null()).output().unwrap()
}

#[test]
fn a_closed_stdout_is_dev_null_so_writing_succeeds_and_nothing_else_gets_it() {
    let env = TestEnv::new();
    // 450 KB through the output module: without a descriptor 1 every write would fail (EBADF).
    let out = with_descriptors(&env, ">&-", "completion bash");
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_closed_stdin_reads_as_empty() {
    let env = TestEnv::new();
    // Without a descriptor 0, reading `-` would fail (EBADF) instead of finding no header.
    let out = with_descriptors(&env, "<&-", "organization user update --from-file -");
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: the CSV header must name an `email` column"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
    assert!(env.api_requests().is_empty());
}

#[test]
fn a_reader_that_goes_away_ends_the_run_with_success_not_sigpipe() {
    let env = TestEnv::new();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = env
        .process()
        .args(["completion", "bash"])
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(
        out.status.signal(),
        None,
        "killed by a signal: {:?}",
        out.status
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stderr(&out), "");
}
