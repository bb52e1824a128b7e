//! Output for scripts: `--jq`, list filters and sorting, completions and man pages.

use serde_json::Value;

use crate::common::{TestEnv, stderr, stdout};

#[test]
fn jq_filters_list_output_and_prints_strings_raw() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "ls",
            "--jq",
            ".users[] | select(.orgRole == \"ORGANIZATION_OWNER\") | .email",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "ada@example.com\n");
    assert_eq!(stderr(&out), "");

    let count = env
        .astro()
        .args(["org", "user", "ls", "--jq", ".users | length"])
        .output()
        .unwrap();
    assert_eq!(stdout(&count), "6\n");
}

#[test]
fn jq_applies_to_mutations_too() {
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
            "--jq",
            "[.previousRole, .role, .changed]",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json,
        serde_json::json!(["ORGANIZATION_MEMBER", "ORGANIZATION_OWNER", true])
    );
}

#[test]
fn a_bad_jq_expression_is_exit_2_before_any_request() {
    let env = TestEnv::new();
    for (expr, why) in [
        (".users[", "closing bracket"),
        ("nosuchfn(1)", "undefined filter `nosuchfn`"),
    ] {
        let out = env
            .astro()
            .args(["org", "user", "ls", "--jq", expr])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{expr}");
        let err = stderr(&out);
        assert!(
            err.starts_with("error: invalid --jq expression") && err.contains(why),
            "{err}"
        );
        assert_eq!(stdout(&out), "");
    }
    // On a mutation, too: nothing is changed.
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "update",
            "grace@example.com",
            "-r",
            "ORGANIZATION_OWNER",
            "--jq",
            "{",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
}

#[test]
fn a_jq_runtime_error_is_exit_1() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "user", "ls", "--jq", ".users | error(\"boom\")"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--jq expression failed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn jq_is_refused_where_there_is_no_json() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["auth", "token", "--jq", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
}

fn emails(env: &TestEnv, args: &[&str]) -> Vec<String> {
    let out = env
        .astro()
        .args(["org", "user", "ls", "--json"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn list_filters_by_role_and_status() {
    let env = TestEnv::new();
    assert_eq!(
        emails(&env, &["--role", "organization_member"]),
        ["grace@example.com", "barbara@example.com"]
    );
    assert_eq!(
        emails(&env, &["--status", "PENDING"]),
        ["barbara@example.com"]
    );
    assert_eq!(
        emails(
            &env,
            &["--role", "ORGANIZATION_MEMBER", "--status", "active"]
        ),
        ["grace@example.com"]
    );
    assert!(emails(&env, &["--status", "banned"]).is_empty());
    let bad = env
        .astro()
        .args(["org", "user", "ls", "--status", "gone"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn list_sorts_by_email_name_role_and_creation() {
    let env = TestEnv::new();
    assert_eq!(
        emails(&env, &["--sort", "email"]),
        [
            "ada@example.com",
            "alan@example.com",
            "barbara@example.com",
            "edsger@example.com",
            "grace@example.com",
            "Katherine.Johnson@Example.com"
        ]
    );
    assert_eq!(
        emails(&env, &["--sort", "name"])[..2],
        ["ada@example.com", "alan@example.com"]
    );
    assert_eq!(
        emails(&env, &["--sort", "role"]),
        [
            "ada@example.com",
            "Katherine.Johnson@Example.com",
            "edsger@example.com",
            "alan@example.com",
            "barbara@example.com",
            "grace@example.com"
        ]
    );
    // Creation order that differs from the order the server lists in, with an offset.
    let page = serde_json::json!({"limit": 1000, "offset": 0, "totalCount": 3, "users": [
        {"id": "cz00000000000000000000001", "username": "late@x.io", "fullName": "L", "avatarUrl": "", "status": "ACTIVE", "createdAt": "2024-03-01T10:00:00Z", "updatedAt": "2024-03-01T10:00:00Z"},
        {"id": "cz00000000000000000000002", "username": "early@x.io", "fullName": "E", "avatarUrl": "", "status": "ACTIVE", "createdAt": "2024-03-01T11:30:00+02:00", "updatedAt": "2024-03-01T10:00:00Z"},
        {"id": "cz00000000000000000000003", "username": "middle@x.io", "fullName": "M", "avatarUrl": "", "status": "ACTIVE", "createdAt": "2024-03-01T09:45:00Z", "updatedAt": "2024-03-01T10:00:00Z"}
    ]});
    env.emu.inject(
        astro_emulator::Fault::new(astro_emulator::FaultKind::RawBody {
            status: 200,
            body: page.to_string(),
        })
        .path("/v1/organizations/*/users"),
    );
    assert_eq!(
        emails(&env, &["--sort", "created"]),
        ["early@x.io", "middle@x.io", "late@x.io"]
    );
}

#[test]
fn completions_for_every_shell_and_man_pages() {
    let env = TestEnv::new();
    for (shell, marker) in [
        ("bash", "_astro()"),
        ("zsh", "#compdef astro"),
        ("fish", "complete -c astro"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = env.bare().args(["completion", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        assert!(script.contains(marker), "{shell}");
        assert!(script.contains("organization"), "{shell}");
    }
    let page = env.bare().args(["man"]).output().unwrap();
    assert!(stdout(&page).contains(".TH astro 1"));
    let dir = tempfile::tempdir().unwrap();
    let out = env.bare().args(["man"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let update =
        std::fs::read_to_string(dir.path().join("astro-organization-user-update.1")).unwrap();
    assert!(update.contains("\\-\\-role"), "{update}");
    assert!(env.emu.requests().is_empty());
}
