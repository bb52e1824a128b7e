//! `astro organization|workspace token create|rotate`: a secret is printed once, on stdout, and
//! nowhere else; creations and rotations are never sent twice; a lost secret is reported with
//! what to do; a created token works as `ASTRO_API_TOKEN` until rotated.

use std::process::Stdio;

use astro_emulator::{Fault, FaultKind};
use serde_json::Value;

use crate::common::{TestEnv, stderr, stdout};

const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";

/// Every file under `dir` whose bytes contain `needle`.
fn files_containing(dir: &std::path::Path, needle: &str) -> Vec<String> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_containing(&path, needle));
        } else if std::fs::read(&path)
            .map(|b| String::from_utf8_lossy(&b).contains(needle))
            .unwrap_or(false)
        {
            found.push(path.display().to_string());
        }
    }
    found
}

fn posts(env: &TestEnv) -> Vec<String> {
    env.mutations().into_iter().map(|r| r.path).collect()
}

#[test]
fn a_created_token_is_printed_once_on_stdout_and_nowhere_else() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "token",
        "create",
        "Release bot",
        "-d",
        "publishes",
        "-r",
        "billing_admin",
        "-e",
        "30",
        "--verbose",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let token = env.emu.api_token("Release bot").unwrap();
    let secret = env.emu.api_token_secret(&token.id).unwrap();
    assert_eq!(stdout(&out), format!("{secret}\n"));
    let err = stderr(&out);
    assert!(err.contains("It is shown now and never again"), "{err}");
    assert!(!err.contains(&secret), "the secret in stderr");
    assert!(files_containing(env.home.path(), &secret).is_empty());
    assert_eq!(token.scope, "ORGANIZATION");
    assert_eq!(token.description, "publishes");
    assert_eq!(
        token.organization_role(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
    assert_eq!(token.expiry_period_in_days, Some(30));
    let body: Value = serde_json::from_str(env.mutations()[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "Release bot",
            "description": "publishes",
            "scope": "ORGANIZATION",
            "role": "ORGANIZATION_BILLING_ADMIN",
            "tokenExpiryPeriodInDays": 30
        })
    );
}

#[test]
fn clean_output_and_json_carry_the_value_once() {
    let env = TestEnv::new();
    let out = env.run(&["org", "to", "cr", "quiet", "--clean-output"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--clean-output prints nothing else");
    let token = env.emu.api_token("quiet").unwrap();
    assert_eq!(
        stdout(&out),
        format!("{}\n", env.emu.api_token_secret(&token.id).unwrap())
    );
    assert_eq!(
        token.organization_role(),
        Some("ORGANIZATION_MEMBER"),
        "the default role"
    );
    assert_eq!(token.end_at, None, "never expires by default");

    let out = env.run(&["org", "to", "cr", "loud", "--json"]);
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let loud = env.emu.api_token("loud").unwrap();
    assert_eq!(json["token"], env.emu.api_token_secret(&loud.id).unwrap());
    assert_eq!(json["id"], loud.id);
    assert_eq!(json["role"], "ORGANIZATION_MEMBER");
    assert_eq!(json["expiresAt"], Value::Null);
    assert_eq!(
        stdout(&out)
            .matches(json["token"].as_str().unwrap())
            .count(),
        1
    );
}

#[test]
fn bad_input_is_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    for (args, expected) in [
        (
            &["org", "to", "cr", "x", "-r", "WORKSPACE_AUTHOR"][..],
            "unknown Organization role",
        ),
        (
            &["org", "to", "cr", "x", "-e", "0"][..],
            "0 is not in 1..=3650",
        ),
        (
            &["org", "to", "cr", "x", "-e", "3651"][..],
            "3651 is not in 1..=3650",
        ),
        (
            &["org", "to", "cr", "x", "-c", "--json"][..],
            "cannot be used with",
        ),
        (
            &["org", "to", "cr"][..],
            "the token's name is required when not running interactively",
        ),
        (
            &[
                "wo",
                "to",
                "cr",
                "x",
                "-r",
                "ORGANIZATION_OWNER",
                "--workspace-id",
                "Analytics",
            ][..],
            "unknown Workspace role",
        ),
        (
            &["org", "to", "ro", "CI deploy"][..],
            "hint: pass --force to rotate without asking",
        ),
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty());
    // A name another token of the scope has, ignoring case: exit 1, nothing created.
    let out = env.run(&["org", "to", "cr", "ci DEPLOY"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("another Organization API token is named `CI deploy`"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
    // A dry run checks and sends nothing.
    let out = env.run(&["org", "to", "cr", "fresh", "-r", "owner", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("(dry run: nothing sent)"));
    assert!(env.mutations().is_empty());
}

/// The issue's end-to-end case: a Workspace token used, rotated, the old value refused.
#[test]
fn a_workspace_token_works_until_rotated() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "to",
        "cr",
        "Dashboards reader",
        "-r",
        "accessor",
        "--workspace-id",
        "Analytics",
        "--clean-output",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let first = stdout(&out).trim_end().to_owned();
    let created = env.emu.api_token("Dashboards reader").unwrap();
    assert_eq!(created.scope, "WORKSPACE");
    assert_eq!(created.entity_id, ANALYTICS);
    let list = |secret: &str| {
        env.astro()
            .env("ASTRO_API_TOKEN", secret)
            .args([
                "wo",
                "us",
                "ls",
                "--workspace-id",
                ANALYTICS,
                "--jq",
                ".users | length",
            ])
            .output()
            .unwrap()
    };
    let out = list(&first);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2\n");

    let out = env.run(&[
        "wo",
        "to",
        "ro",
        "dashboards reader",
        "--workspace-id",
        "Analytics",
        "--force",
        "-c",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = stdout(&out).trim_end().to_owned();
    assert_ne!(first, second);
    assert_eq!(second, env.emu.api_token_secret(&created.id).unwrap());
    let out = list(&first);
    assert_eq!(out.status.code(), Some(4), "the old value is refused");
    assert!(!stderr(&out).contains(&first));
    let out = list(&second);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "2\n");
}

#[test]
fn rotating_the_token_in_use_warns_and_says_to_update_it() {
    let env = TestEnv::new();
    let ci = env.emu.api_token("CI deploy").unwrap();
    let secret = env.emu.api_token_secret(&ci.id).unwrap();
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &secret)
        .args(["org", "to", "ro", "CI deploy", "--force"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: API token CI deploy is the token this command is using"),
        "{err}"
    );
    assert!(
        err.contains("set ASTRO_API_TOKEN to the new value"),
        "{err}"
    );
    let new = env.emu.api_token_secret(&ci.id).unwrap();
    assert_eq!(stdout(&out), format!("{new}\n"));
    assert!(!err.contains(&new) && !err.contains(&secret));
}

#[test]
fn a_lost_answer_to_a_create_is_never_sent_again_and_names_the_token() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/tokens"),
    );
    let out = env.run(&["org", "to", "cr", "Lost one", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let created = env.emu.api_token("Lost one").expect("the creation landed");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "API token `{}` created, but its new value was lost",
            created.id
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: rotate it to get a value: `astro organization token rotate {}`",
            created.id
        )),
        "{err}"
    );
    assert_eq!(posts(&env).len(), 1, "sent once");
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_lost_answer_to_a_rotation_is_reported_as_such() {
    let env = TestEnv::new();
    let ci = env.emu.api_token("CI deploy").unwrap();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path(format!("/v1/organizations/*/tokens/{}/rotate", ci.id)),
    );
    let out = env.run(&["org", "to", "ro", "CI deploy", "--force", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("may have been rotated, but its new value was lost"),
        "{err}"
    );
    assert!(err.contains("hint: rotate it to get a value"), "{err}");
    assert_eq!(posts(&env).len(), 1, "sent once");
    assert_eq!(env.emu.api_token("CI deploy").unwrap().rotations, 1);
}

#[test]
fn a_secret_that_cannot_be_printed_is_reported_lost() {
    let env = TestEnv::new();
    let mut child = env
        .process()
        .args(["org", "to", "cr", "Nobody reads"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let created = env.emu.api_token("Nobody reads").unwrap();
    let err = stderr(&out);
    assert!(
        err.contains(&format!("API token `{}` has a new value, but it could not be printed (standard output was closed); it is lost", created.id)),
        "{err}"
    );
    assert!(!err.contains(&env.emu.api_token_secret(&created.id).unwrap()));
}

#[test]
fn a_token_of_another_scope_is_refused_before_anything_is_sent() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "to",
        "ro",
        "CI deploy",
        "--workspace-id",
        "Analytics",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("it is an Organization API token"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&["org", "to", "ro", "Analytics reporting", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!("--workspace-id {ANALYTICS}")),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}
