//! The real dialoguer prompts, driven in a pseudo-terminal.

use std::process::Command;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::common::{BIN, TestEnv};

const UP: &str = "\x1b[A";

fn spawn(env: &TestEnv, args: &[&str]) -> PtySession {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_API_TOKEN", env.emu.token())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("ASTRO_NO_INPUT")
        .env_remove("ASTRO_ORGANIZATION_ID")
        // CI runs these tests with CI=true, which (rightly) turns the spinner off.
        .env_remove("CI");
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

fn exit_code(session: &mut PtySession) -> i32 {
    match session.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        other => panic!("unexpected status {other:?}"),
    }
}

#[test]
fn missing_role_is_chosen_from_a_list_marking_the_current_one() {
    let env = TestEnv::new();
    let mut p = spawn(&env, &["org", "user", "update", "grace@example.com"]);
    p.exp_string("New Organization role for grace@example.com (Grace Hopper)")
        .unwrap();
    p.exp_string("ORGANIZATION_MEMBER (current)").unwrap();
    // The cursor starts on the current role (last); one up is ORGANIZATION_BILLING_ADMIN.
    p.send(UP).unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Updated grace@example.com (Grace Hopper): ORGANIZATION_MEMBER -> ORGANIZATION_BILLING_ADMIN")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn missing_email_is_picked_by_typing_to_filter() {
    let env = TestEnv::new();
    let mut p = spawn(
        &env,
        &["org", "user", "update", "--role", "ORGANIZATION_OWNER"],
    );
    p.exp_string("User (type to filter)").unwrap();
    p.send("alan").unwrap();
    p.flush().unwrap();
    p.exp_string("Alan Turing").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string(
        "Updated alan@example.com (Alan Turing): ORGANIZATION_BILLING_ADMIN -> ORGANIZATION_OWNER",
    )
    .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(
        env.role_of("alan@example.com").as_deref(),
        Some("ORGANIZATION_OWNER")
    );
}

#[test]
fn missing_invite_email_is_prompted_and_validated() {
    let env = TestEnv::new();
    let mut p = spawn(&env, &["org", "user", "invite"]);
    p.exp_string("Email address to invite").unwrap();
    p.send("Lin@Example.com\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Invited lin@example.com as ORGANIZATION_MEMBER")
        .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    assert_eq!(env.emu.user("lin@example.com").unwrap().status, "PENDING");
}

#[test]
fn ctrl_c_at_a_prompt_exits_130_and_sends_nothing() {
    let env = TestEnv::new();
    let mut p = spawn(&env, &["org", "user", "update", "grace@example.com"]);
    p.exp_string("ORGANIZATION_MEMBER (current)").unwrap();
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert!(env.mutations().is_empty());
}

#[test]
fn a_slow_listing_shows_a_spinner_on_a_terminal() {
    let emu = astro_emulator::Emulator::builder()
        .latency(std::time::Duration::from_millis(900))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let mut p = spawn(&env, &["org", "user", "list"]);
    p.exp_string("Listing the Organization's members").unwrap();
    p.exp_string("grace@example.com").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
}

#[test]
fn no_spinner_under_ci_even_on_a_terminal() {
    let emu = astro_emulator::Emulator::builder()
        .latency(std::time::Duration::from_millis(700))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    let mut cmd = Command::new(BIN);
    cmd.args(["org", "user", "list"])
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_API_TOKEN", env.emu.token())
        .env("TERM", "xterm")
        .env("CI", "true");
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    let before = p.exp_string("grace@example.com").unwrap();
    assert!(!before.contains("Listing"), "{before}");
    p.exp_eof().unwrap();
}

#[test]
fn switch_without_an_argument_offers_the_organizations() {
    let env = TestEnv::new();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.user_token()])
        .assert()
        .success();
    let mut cmd = Command::new(BIN);
    cmd.args(["org", "switch"])
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("TERM", "xterm")
        .env_remove("ASTRO_API_TOKEN")
        .env_remove("CI");
    let mut p = spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("Second Org").unwrap();
    p.send("\x1b[B").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    p.exp_string("Switched to Organization Second Org").unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 0);
    let second = env.emu.organizations()[1].id.clone();
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(
        config.contains(&format!("organization: {second}")),
        "{config}"
    );
}
