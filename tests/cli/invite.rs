//! `astro organization user invite`.

use serde_json::Value;

use crate::common::{TestEnv, stderr, stdout};

#[test]
fn invites_with_the_default_role_and_a_lower_cased_email() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["organization", "user", "invite", "New.Hire@Example.com"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "Invited new.hire@example.com as ORGANIZATION_MEMBER; the invite expires 20"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
    assert_eq!(stderr(&out), "");
    let posts = env.mutations();
    assert_eq!(posts.len(), 1);
    assert_eq!(
        posts[0].path,
        format!("/v1/organizations/{}/invites", env.emu.organization_id())
    );
    let body: Value = serde_json::from_str(posts[0].body.as_deref().unwrap()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"inviteeEmail": "new.hire@example.com", "role": "ORGANIZATION_MEMBER"})
    );
    let user = env.emu.user("new.hire@example.com").unwrap();
    assert_eq!(user.status, "PENDING");
}

#[test]
fn json_output_has_the_invite_fields() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args([
            "org",
            "users",
            "inv",
            "pat@example.com",
            "-r",
            "organization_billing_admin",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["email"], "pat@example.com");
    assert_eq!(json["role"], "ORGANIZATION_BILLING_ADMIN");
    assert!(json["inviteId"].as_str().is_some_and(|s| s.len() == 25));
    assert!(json["expiresAt"].as_str().is_some_and(|s| s.ends_with('Z')));
    let user = env.emu.user("pat@example.com").unwrap();
    assert_eq!(json["userId"], user.id.as_str());
    assert_eq!(
        user.organization_role.as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
}

#[test]
fn existing_member_is_success_with_nothing_sent_and_an_update_hint() {
    let env = TestEnv::new();
    let grace = env.user_id("grace@example.com");
    let out = env
        .astro()
        .args([
            "org",
            "user",
            "invite",
            "GRACE@example.com",
            "-r",
            "owner",
            "--json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "inviteId": null,
            "email": "grace@example.com",
            "role": "ORGANIZATION_MEMBER",
            "expiresAt": null,
            "userId": grace,
            "changed": false,
            "alreadyMember": true
        })
    );
    assert_eq!(
        stderr(&out),
        "hint: to change their role run `astro organization user update grace@example.com --role ORGANIZATION_OWNER`\n"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn invalid_email_is_exit_2_and_nothing_is_sent() {
    let env = TestEnv::new();
    for bad in ["not-an-email", "a@b", "two@@example.com", " "] {
        let out = env
            .astro()
            .args(["org", "user", "invite", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).starts_with("error: "));
    }
    assert!(env.emu.requests().is_empty());
}

#[test]
fn missing_email_off_a_terminal_is_exit_2_naming_the_argument() {
    let env = TestEnv::new();
    let out = env
        .astro()
        .args(["org", "user", "invite", "--no-input"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("EMAIL"), "{err}");
    assert!(env.emu.requests().is_empty());
}
