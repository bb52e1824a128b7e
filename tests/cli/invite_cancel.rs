//! `astro organization user invite cancel INVITE_ID`: DeleteUserInvite by the `inviteId` that
//! `invite --json` printed; an email or a user ID is refused before anything is deleted.

use astro_emulator::{TeamSnapshot, UserSnapshot, WorkspaceSnapshot};
use serde_json::json;

use crate::common::{TestEnv, json_of, requests, stderr, stdout};

const ACTIVE: [&str; 5] = [
    "ada@example.com",
    "grace@example.com",
    "alan@example.com",
    "Katherine.Johnson@Example.com",
    "edsger@example.com",
];

const WHERE_THE_ID_IS: &str = "hint: an invite's ID is the `inviteId` that `astro organization \
                               user invite EMAIL --json` printed when the invite was sent\n";

/// Everything a cancel must leave alone: the active members, Barbara's open invite, the Teams
/// and the Workspaces.
#[derive(Debug, PartialEq)]
struct Rest {
    members: Vec<Option<UserSnapshot>>,
    barbara: Option<UserSnapshot>,
    barbara_invite: Option<String>,
    teams: Vec<TeamSnapshot>,
    workspaces: Vec<WorkspaceSnapshot>,
}

fn rest(env: &TestEnv, keep_barbara: bool) -> Rest {
    Rest {
        members: ACTIVE.iter().map(|e| env.emu.user(e)).collect(),
        barbara: keep_barbara
            .then(|| env.emu.user("barbara@example.com"))
            .flatten(),
        barbara_invite: keep_barbara
            .then(|| env.emu.invite_id("barbara@example.com"))
            .flatten(),
        teams: env.emu.teams(),
        workspaces: env.emu.workspaces(),
    }
}

/// Invites `email`; returns the invite's ID as `--json` printed it. Requests are cleared.
fn invited(env: &TestEnv, email: &str) -> String {
    let out = env.run(&["org", "user", "invite", email, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = json_of(&out)["inviteId"].as_str().unwrap().to_owned();
    env.emu.clear_requests();
    id
}

#[test]
fn the_invite_id_that_invite_printed_cancels_it_and_its_pending_member() {
    let env = TestEnv::new();
    let id = invited(&env, "lin@example.com");
    let user = env.emu.user("lin@example.com").unwrap();
    assert_eq!(user.status, "PENDING");
    assert_eq!(env.emu.invite_id("lin@example.com").as_deref(), Some(&*id));
    let before = rest(&env, true);
    let out = env.run(&["organization", "user", "invite", "cancel", &id, "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Cancelled invite {id}; the invitee can no longer accept it\n")
    );
    assert_eq!(stderr(&out), "");
    // One read (is it a user's ID?), then the one DELETE, without a body.
    let org = env.emu.organization_id();
    assert_eq!(
        requests(&env),
        [
            format!("GET /v1/organizations/{org}/users/{id}"),
            format!("DELETE /v1/organizations/{org}/invites/{id}"),
        ]
    );
    assert_eq!(env.api_requests()[0].status, 404);
    assert_eq!(env.api_requests()[1].status, 204);
    assert_eq!(env.mutations()[0].body, None);
    // The invite and its PENDING member are gone; nothing else changed.
    assert!(env.emu.user("lin@example.com").is_none());
    assert_eq!(env.emu.invite_id("lin@example.com"), None);
    assert_eq!(rest(&env, true), before);
}

#[test]
fn a_seed_invite_cancelled_with_json_by_its_alias() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    let before = rest(&env, false);
    let out = env.run(&["org", "us", "inv", "cancel", &id, "-f", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out), json!({"inviteId": id, "cancelled": true}));
    assert_eq!(stderr(&out), "");
    assert_eq!(env.mutations().len(), 1);
    assert!(env.emu.user("barbara@example.com").is_none());
    assert_eq!(env.emu.invite_id("barbara@example.com"), None);
    assert_eq!(rest(&env, false), before);
}

#[test]
fn an_email_is_exit_2_saying_the_api_cannot_find_an_invite_from_it_with_nothing_sent() {
    let env = TestEnv::new();
    let out = env.run(&[
        "org",
        "user",
        "invite",
        "cancel",
        "barbara@example.com",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: `barbara@example.com` is an email address, and an invite is cancelled by \
             its ID: the API cannot find an invite from the invitee\n{WHERE_THE_ID_IS}"
        )
    );
    assert!(env.api_requests().is_empty());
    assert!(env.emu.invite_id("barbara@example.com").is_some());
}

#[test]
fn a_pending_members_user_id_is_exit_2_after_one_read_and_no_delete() {
    let env = TestEnv::new();
    let barbara = env.user_id("barbara@example.com");
    let before = rest(&env, true);
    let out = env.run(&["org", "user", "invite", "cancel", &barbara, "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: `{barbara}` is the user ID of barbara@example.com (Barbara Liskov), invited \
             and PENDING, not an invite ID: a PENDING member's user ID is not their invite's ID, \
             and the API cannot find an invite from the invitee\n{WHERE_THE_ID_IS}"
        )
    );
    let org = env.emu.organization_id();
    assert_eq!(
        requests(&env),
        [format!("GET /v1/organizations/{org}/users/{barbara}")]
    );
    assert_eq!(rest(&env, true), before);

    // An active member's ID likewise.
    let ada = env.user_id("ada@example.com");
    let out = env.run(&["org", "user", "invite", "cancel", &ada, "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(&format!(
            "error: `{ada}` is the user ID of ada@example.com (Ada Lovelace), a member of the \
             Organization, not an invite ID"
        )),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn off_a_terminal_without_force_is_exit_2_naming_force_before_any_request() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    let out = env.run(&["org", "user", "invite", "cancel", &id]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "error: cancelling an invite needs a confirmation, and there is no terminal to ask\n\
         hint: pass --force to cancel without asking\n"
    );
    assert!(env.api_requests().is_empty());
    assert!(env.emu.user("barbara@example.com").is_some());
}

#[test]
fn an_unknown_or_already_cancelled_invite_is_exit_3_with_a_hint() {
    let env = TestEnv::new();
    let id = invited(&env, "lin@example.com");
    let first = env.run(&["org", "user", "invite", "cancel", &id, "-f"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    env.emu.clear_requests();
    let before = rest(&env, true);
    let out = env.run(&["org", "user", "invite", "cancel", &id, "-f"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: no open invite `{id}` in the Organization: it was accepted, cancelled or \
             has expired, or the ID is mistyped\n{WHERE_THE_ID_IS}"
        )
    );
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(env.mutations()[0].status, 404);
    assert_eq!(rest(&env, true), before);
}

#[test]
fn dry_run_checks_the_id_and_sends_no_delete() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    let out = env.run(&["org", "user", "invite", "cancel", &id, "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Would cancel invite {id} (dry run: nothing sent)\n")
    );
    assert_eq!(env.api_requests().len(), 1);
    assert!(env.mutations().is_empty());
    assert_eq!(env.emu.invite_id("barbara@example.com"), Some(id.clone()));
    let out = env.run(&[
        "org",
        "user",
        "invite",
        "cancel",
        &id,
        "--dry-run",
        "--json",
    ]);
    assert_eq!(
        json_of(&out),
        json!({"inviteId": id, "cancelled": false, "dryRun": true})
    );
}

#[test]
fn a_token_that_may_not_delete_invites_is_exit_4_and_the_invite_stays() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    // An Organization token with the member role reads users but may not delete invites.
    let member_token = env.emu.api_token("Nightly export").unwrap().id;
    let secret = env.emu.api_token_secret(&member_token).unwrap();
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", secret)
        .args(["org", "user", "invite", "cancel", &id, "-f"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(env.mutations()[0].status, 403);
    assert!(env.emu.user("barbara@example.com").is_some());
    assert_eq!(env.emu.invite_id("barbara@example.com"), Some(id));
}

#[test]
fn invite_email_still_invites_and_cancel_takes_no_invite_flags() {
    let env = TestEnv::new();
    // `invite EMAIL` is unchanged beside its new subcommand.
    let out = env.run(&["org", "user", "invite", "cancel@example.com"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(env.emu.user("cancel@example.com").is_some());
    env.emu.clear_requests();
    // Invite flags before `cancel`, or a missing ID: usage errors, nothing sent.
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    for args in [
        &[
            "org", "user", "invite", "--role", "owner", "cancel", &id, "-f",
        ][..],
        &["org", "user", "invite", "cancel"][..],
        &["org", "user", "invite", "cancel", &id, "-f", "--no-headers"][..],
        &["org", "user", "invite", "cancel", " ", "-f"][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "", "{args:?}");
    }
    assert!(env.api_requests().is_empty());
    assert!(env.emu.user("barbara@example.com").is_some());
}
