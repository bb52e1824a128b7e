//! The prompts and the spinner on a real terminal: the binary in a pseudo-terminal of a given
//! size, its output run through a terminal emulator, and assertions on what a person would see
//! (rows, scrollback, cursor), the exit code and what reached the emulator.

mod screen;

use astro_emulator::{Emulator, Seed, SeedOrganization, SeedUser};

use crate::common::TestEnv;
use screen::{CTRL_C, CTRL_U, DOWN, ENTER, ESC, Screen, UP, command};

const OWNER: &str = "ORGANIZATION_OWNER";
const MEMBER: &str = "ORGANIZATION_MEMBER";

/// `astro ARGS` for a `cols`×`rows` terminal with the emulator's URL and token, no colour, and
/// nothing else inherited that could change what it does.
fn prepared(env: &TestEnv, cols: u16, rows: u16, args: &[&str]) -> std::process::Command {
    let mut cmd = command(cols, rows, args);
    for (key, _) in std::env::vars() {
        if key.starts_with("ASTRO_") || key == "GITHUB_ACTIONS" || key.ends_with("_proxy") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_API_TOKEN", env.emu.token())
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("HTTPS_PROXY")
        .env_remove("HTTP_PROXY")
        .env_remove("ALL_PROXY")
        // CI runs these tests with CI=true, which (rightly) turns the spinner off.
        .env_remove("CI");
    cmd
}

fn astro(env: &TestEnv, cols: u16, rows: u16, args: &[&str]) -> Screen {
    Screen::spawn(prepared(env, cols, rows, args), cols, rows)
}

fn user(email: &str, name: &str, role: &str, status: &str) -> SeedUser {
    SeedUser {
        email: email.into(),
        full_name: name.into(),
        role: role.into(),
        status: status.into(),
        id: None,
        workspace_roles: vec![],
        deployment_roles: vec![],
        dag_roles: vec![],
    }
}

/// 35 members with 40-odd-character emails: an owner, three rows for ranking (listed in the
/// reverse of the order a filter of `kat` ranks them), thirty more (every third PENDING), and
/// one whose name holds an escape sequence and a newline.
fn long_seed() -> Seed {
    let mut users = vec![
        user(
            "owner.of.this.organization.0@example.com",
            "Olive Owner",
            OWNER,
            "ACTIVE",
        ),
        user(
            "k.a.t.fuzzy.with.a.long.address@example.com",
            "Fuzzy Match",
            MEMBER,
            "ACTIVE",
        ),
        user(
            "mckat.substring.with.long.address@example.com",
            "Substring Match",
            MEMBER,
            "ACTIVE",
        ),
        user(
            "kathy.prefix.with.a.long.address@example.com",
            "Kathy Prefix",
            MEMBER,
            "ACTIVE",
        ),
    ];
    for i in 0..30 {
        users.push(user(
            &format!("member{i:02}.with.a.long.address@example.com"),
            &format!("Member Number {i:02}"),
            MEMBER,
            if i % 3 == 0 { "PENDING" } else { "ACTIVE" },
        ));
    }
    users.push(user(
        "mallory.escapes.with.long.address@example.com",
        "Mallory\u{1b}[31mRed\nSecond Line",
        MEMBER,
        "ACTIVE",
    ));
    Seed {
        organization: Some(SeedOrganization::named("Long Org")),
        users,
        workspaces: vec![],
        teams: vec![],
        organizations: vec![],
    }
}

fn long_env() -> TestEnv {
    TestEnv::with_emulator(
        Emulator::builder()
            .seed(long_seed())
            .unwrap()
            .spawn()
            .unwrap(),
    )
}

/// A row of a list (marked with the cursor or indented), as opposed to prompts and counts.
fn is_list_row(line: &str) -> bool {
    line.starts_with("❯ ") || (line.starts_with("  ") && !line.trim().is_empty())
}

fn update_picker(cols: u16, rows: u16) {
    let env = long_env();
    let mut s = astro(&env, cols, rows, &["org", "user", "update"]);
    s.wait_for("35 members");
    // The footer is drawn before the cursor goes back to the prompt line and is shown again:
    // wait for the end of the redraw, not only its text.
    s.wait_until("the cursor shown again", |s| s.cursor().1);
    let context = format!("at {cols}x{rows}:\n{}", s.dump());
    let window = usize::from(rows - 3).min(15);
    let shown: Vec<String> = s.rows().into_iter().filter(|r| is_list_row(r)).collect();
    assert_eq!(shown.len(), window, "{context}");
    assert!(shown[0].starts_with("❯ owner.of"), "{context}");
    assert!(s.wrapped_rows().is_empty(), "{context}");
    assert!(s.contents().contains("PENDING"), "{context}");
    assert_eq!(s.rows()[0], "? User:", "{context}");
    assert_eq!(s.cursor(), ((0, 8), true), "{context}");

    s.type_into("? User: ", "kat");
    s.wait_for("3 of 35 members");
    let context = format!("at {cols}x{rows}:\n{}", s.dump());
    let screen = s.rows();
    // Prefix match, then substring, then fuzzy.
    assert!(screen[1].starts_with("❯ kathy.pre"), "{context}");
    assert!(screen[2].starts_with("  mckat.sub"), "{context}");
    assert!(screen[3].starts_with("  k.a.t.fuz"), "{context}");
    // One picker in the whole terminal, scrollback included: no stale copy of an earlier frame.
    let history = s.history();
    assert_eq!(
        history.iter().filter(|l| l.starts_with("? User")).count(),
        1,
        "{context}"
    );
    assert_eq!(
        history.iter().filter(|l| is_list_row(l)).count(),
        3,
        "{context}"
    );
    assert_eq!(
        history.iter().filter(|l| l.contains(" members")).count(),
        1,
        "{context}"
    );
    assert!(s.wrapped_rows().is_empty(), "{context}");
    assert_eq!(s.cursor(), ((0, 11), true), "{context}");

    s.send(ENTER);
    s.wait_for("? New Organization role for kathy.prefix");
    let context = format!("at {cols}x{rows}:\n{}", s.dump());
    assert!(
        s.rows()[0].starts_with("✔ User · kathy.prefix"),
        "{context}"
    );
    assert!(
        s.rows()
            .iter()
            .any(|r| r == "❯ ORGANIZATION_MEMBER (current)"),
        "{context}"
    );
    s.send(UP);
    s.wait_for("❯ ORGANIZATION_BILLING_ADMIN");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(s.wrapped_rows().iter().all(|r| r.starts_with("Updated")));
    assert!(s.contents().contains("· ORGANIZATION_BILLING_ADMIN"));
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(
        env.role_of("kathy.prefix.with.a.long.address@example.com")
            .as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
}

#[test]
fn the_update_picker_fits_80_columns_ranks_and_redraws_exactly() {
    update_picker(80, 24);
}

#[test]
fn the_update_picker_fits_60_columns_ranks_and_redraws_exactly() {
    update_picker(60, 24);
}

#[test]
fn the_update_picker_on_a_short_terminal_shows_rows_minus_three() {
    update_picker(60, 12);
}

#[test]
fn esc_in_the_picker_exits_130_and_no_matches_ignores_enter() {
    let env = long_env();
    let mut s = astro(&env, 60, 24, &["org", "user", "update"]);
    s.wait_for("35 members");
    // A filter longer than the terminal: its end and the cursor stay in view.
    let long = format!("{}xyz", "q".repeat(70));
    s.send(&long);
    s.wait_until("the whole filter", |s| {
        s.rows()[0].ends_with("qqqxyz") && s.contents().contains("0 of 35 members")
    });
    let context = s.dump();
    let header = &s.rows()[0];
    assert!(header.starts_with("? User: …"), "{context}");
    assert_eq!(s.rows()[1], "  no matches", "{context}");
    let ((row, column), shown) = s.cursor();
    assert_eq!(row, 0);
    assert_eq!(usize::from(column), header.chars().count(), "{context}");
    assert!(column < 60 && shown, "{context}");
    assert!(s.wrapped_rows().is_empty(), "{context}");
    // Enter with nothing to choose does nothing: the next key still edits the filter.
    s.send(ENTER);
    s.send(CTRL_U);
    s.wait_until("the cleared filter", |s| {
        s.rows()[0] == "? User:" && s.rows().iter().any(|r| r.starts_with("35 members"))
    });
    assert!(!contains(s.raw(), b"\x1b[0m"), "colour under NO_COLOR");
    s.send(ESC);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    assert!(!s.contents().contains("? User"), "{}", s.dump());
    assert!(!s.contents().contains("members"), "{}", s.dump());
    assert!(s.cursor().1, "the cursor is shown again");
    assert!(env.mutations().is_empty());
}

#[test]
fn a_name_with_an_escape_sequence_and_a_newline_is_shown_cleaned() {
    let env = long_env();
    let mut s = astro(&env, 160, 24, &["org", "user", "update"]);
    s.wait_for("35 members");
    s.type_into("? User: ", "mallory");
    s.wait_for("1 of 35 members");
    let context = s.dump();
    let row = &s.rows()[1];
    assert!(row.starts_with("❯ mallory.escapes"), "{context}");
    // The escape character became U+FFFD, which vt100 (unlike a real terminal) does not draw.
    assert!(row.contains("Mallory[31mRed Second Line"), "{context}");
    assert!(
        contains(s.raw(), "Mallory\u{fffd}[31mRed Second Line".as_bytes()),
        "the cleaned name was not drawn"
    );
    assert!(
        !s.history().iter().any(|l| l.starts_with("Second Line")),
        "{context}"
    );
    assert!(
        !contains(s.raw(), b"\x1b[31m"),
        "the escape sequence reached the terminal"
    );
    s.send(ESC);
    assert_eq!(s.finish(), 130);
    assert!(env.mutations().is_empty());
}

#[test]
fn missing_email_is_picked_by_typing_to_filter() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        160,
        24,
        &["org", "user", "update", "--role", "ORGANIZATION_OWNER"],
    );
    s.wait_for("6 members · type to filter");
    s.type_into("? User: ", "alan");
    s.wait_until("alan first", |s| {
        s.rows()[1].starts_with("❯ alan@example.com ") && s.rows()[1].contains(" Alan Turing ")
    });
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(screen.contains("✔ User · alan@example.com"), "{screen}");
    assert!(
        screen.contains(
            "Updated alan@example.com (Alan Turing): ORGANIZATION_BILLING_ADMIN -> ORGANIZATION_OWNER"
        ),
        "{screen}"
    );
    assert_eq!(env.role_of("alan@example.com").as_deref(), Some(OWNER));
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn missing_role_is_chosen_from_a_list_marking_the_current_one() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        80,
        24,
        &["org", "user", "update", "grace@example.com"],
    );
    s.wait_for("? New Organization role for grace@example.com (Grace Hopper)");
    // The cursor starts on the current role (last); one up is ORGANIZATION_BILLING_ADMIN.
    s.wait_for("❯ ORGANIZATION_MEMBER (current)");
    s.send(UP);
    s.wait_for("❯ ORGANIZATION_BILLING_ADMIN");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(s.contents().contains(
        "Updated grace@example.com (Grace Hopper): ORGANIZATION_MEMBER -> ORGANIZATION_BILLING_ADMIN"
    ));
    assert_eq!(
        env.role_of("grace@example.com").as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn ctrl_c_at_a_role_list_exits_130_and_sends_nothing() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        80,
        24,
        &["org", "user", "update", "grace@example.com"],
    );
    s.wait_for("❯ ORGANIZATION_MEMBER (current)");
    s.send(DOWN);
    s.send(CTRL_C);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    assert!(
        !s.contents().contains("ORGANIZATION_MEMBER"),
        "{}",
        s.dump()
    );
    assert!(s.cursor().1, "the cursor is shown again");
    assert!(env.mutations().is_empty());
}

#[test]
fn switch_without_an_argument_starts_on_the_current_organization() {
    let env = TestEnv::new();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.user_token()])
        .assert()
        .success();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["org", "switch", "Second Org"])
        .assert()
        .success();
    let organizations = env.emu.organizations();
    let mut cmd = prepared(&env, 80, 24, &["org", "switch"]);
    cmd.env_remove("ASTRO_API_TOKEN");
    let mut s = Screen::spawn(cmd, 80, 24);
    s.wait_for("2 Organizations");
    let context = s.dump();
    let selected = s.rows().into_iter().find(|r| r.starts_with("❯ ")).unwrap();
    assert!(selected.starts_with("❯ Second Org"), "{context}");
    assert!(selected.ends_with("(current)"), "{context}");
    s.send(UP);
    s.wait_for("❯ Example Org");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(screen.contains("✔ Organization · Example Org"), "{screen}");
    assert!(
        screen.contains("Switched to Organization Example Org"),
        "{screen}"
    );
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(
        config.contains(&format!("organization: {}", organizations[0].id)),
        "{config}"
    );
}

#[test]
fn missing_invite_email_is_prompted_and_validated() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "user", "invite", "-r", "member"]);
    s.wait_for("? Email address to invite:");
    s.type_into("? Email address to invite: ", "Lin@Example.com");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Invited lin@example.com as ORGANIZATION_MEMBER")
    );
    assert_eq!(env.emu.user("lin@example.com").unwrap().status, "PENDING");
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn an_invalid_email_keeps_the_typed_text_for_correcting() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "user", "invite", "-r", "member"]);
    s.wait_for("? Email address to invite:");
    s.type_into("? Email address to invite: ", "lin@example");
    s.send(ENTER);
    s.wait_for("✘ `lin@example` is not a valid email address");
    let context = s.dump();
    assert_eq!(
        s.rows()[0],
        "? Email address to invite: lin@example",
        "{context}"
    );
    assert_eq!(s.cursor(), ((0, 38), true), "{context}");
    assert!(env.mutations().is_empty());
    s.type_into("? Email address to invite: lin@example", ".com");
    assert!(!s.contents().contains('✘'), "{}", s.dump());
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Email address to invite · lin@example.com"),
        "{screen}"
    );
    assert!(screen.contains("Invited lin@example.com as ORGANIZATION_MEMBER"));
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(env.emu.user("lin@example.com").unwrap().status, "PENDING");
}

#[test]
fn ctrl_c_at_the_invite_email_prompt_exits_130_and_clears_it() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "user", "invite"]);
    s.wait_for("? Email address to invite:");
    s.type_into("? Email address to invite: ", "lin@");
    s.send(CTRL_C);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    let screen = s.contents();
    assert!(!screen.contains("Email address"), "{screen}");
    assert!(!screen.contains("lin@"), "{screen}");
    assert!(s.cursor().1, "the cursor is shown again");
    assert!(env.api_requests().is_empty());
    assert!(env.emu.user("lin@example.com").is_none());
}

#[test]
fn invite_on_a_terminal_asks_for_the_role_starting_on_member() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "user", "invite", "lin@example.com"]);
    s.wait_for("? Organization role for lin@example.com");
    let context = s.dump();
    let selected = s.rows().into_iter().find(|r| r.starts_with("❯ ")).unwrap();
    assert_eq!(selected, "❯ ORGANIZATION_MEMBER", "{context}");
    assert!(env.mutations().is_empty());
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Organization role for lin@example.com · ORGANIZATION_MEMBER"),
        "{screen}"
    );
    assert!(screen.contains("Invited lin@example.com as ORGANIZATION_MEMBER"));
    let lin = env.emu.user("lin@example.com").unwrap();
    assert_eq!(
        (lin.status.as_str(), lin.organization_role.as_deref()),
        ("PENDING", Some(MEMBER))
    );
    assert_eq!(env.mutations().len(), 1);
}

/// `astro org user update ada@example.com -r member`: ada is the only ACTIVE owner.
fn demote_the_last_owner(answer: &str) -> (TestEnv, Screen, i32) {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        80,
        24,
        &["org", "user", "update", "ada@example.com", "-r", "member"],
    );
    s.wait_for("? Change the role anyway? [y/N]");
    let context = s.dump();
    assert!(
        s.contents()
            .contains("warning: this leaves the Organization with no ACTIVE ORGANIZATION_OWNER"),
        "{context}"
    );
    assert!(env.mutations().is_empty());
    s.send(answer);
    let code = s.finish();
    (env, s, code)
}

#[test]
fn demoting_the_last_active_owner_answered_no_sends_nothing() {
    let (env, s, code) = demote_the_last_owner("n");
    assert_eq!(code, 1, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Change the role anyway? · no"),
        "{screen}"
    );
    assert!(
        screen.contains("error: not confirmed; nothing was sent"),
        "{screen}"
    );
    assert!(env.mutations().is_empty());
    assert_eq!(env.role_of("ada@example.com").as_deref(), Some(OWNER));
}

#[test]
fn demoting_the_last_active_owner_answered_yes_sends_it() {
    let (env, s, code) = demote_the_last_owner("y");
    assert_eq!(code, 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Change the role anyway? · yes"),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Updated ada@example.com (Ada Lovelace): ORGANIZATION_OWNER -> ORGANIZATION_MEMBER"
        ),
        "{screen}"
    );
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(env.role_of("ada@example.com").as_deref(), Some(MEMBER));
}

#[test]
fn esc_at_a_confirmation_exits_130_and_sends_nothing() {
    let (env, s, code) = demote_the_last_owner(ESC);
    assert_eq!(code, 130, "{}", s.dump());
    assert!(
        !s.contents().contains("Change the role anyway"),
        "{}",
        s.dump()
    );
    assert!(s.cursor().1, "the cursor is shown again");
    assert!(env.mutations().is_empty());
    assert_eq!(env.role_of("ada@example.com").as_deref(), Some(OWNER));
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn help_on_a_terminal_is_coloured_and_under_no_color_is_not() {
    let env = TestEnv::new();
    let mut cmd = prepared(&env, 100, 40, &["org", "user", "list", "--help"]);
    cmd.env_remove("NO_COLOR");
    let mut s = Screen::spawn(cmd, 100, 40);
    s.wait_for("Examples:");
    assert!(
        contains(s.raw(), b"\x1b[1m\x1b[4mUsage:\x1b[0m"),
        "{}",
        s.dump()
    );
    assert_eq!(s.finish(), 0);
    let mut s = astro(&env, 100, 40, &["org", "user", "list", "--help"]);
    s.wait_for("Examples:");
    assert!(!contains(s.raw(), b"\x1b[1m"), "{}", s.dump());
    assert_eq!(s.finish(), 0);
}

#[test]
fn colour_on_a_terminal_does_not_change_what_fits() {
    let env = long_env();
    let mut cmd = prepared(&env, 60, 24, &["org", "user", "update"]);
    cmd.env_remove("NO_COLOR");
    let mut s = Screen::spawn(cmd, 60, 24);
    s.wait_for("35 members");
    s.type_into("? User: ", "member1");
    s.wait_for("of 35 members");
    let context = s.dump();
    assert!(contains(s.raw(), b"\x1b[36m"), "no colour:\n{context}");
    assert!(s.wrapped_rows().is_empty(), "{context}");
    let history = s.history();
    assert_eq!(
        history.iter().filter(|l| l.starts_with("? User")).count(),
        1,
        "{context}"
    );
    assert_eq!(s.cursor(), ((0, 15), true), "{context}");
    s.send(CTRL_C);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    assert!(!s.contents().contains("? User"), "{}", s.dump());
    assert!(env.mutations().is_empty());
}

fn slow_env(latency_ms: u64) -> TestEnv {
    TestEnv::with_emulator(
        Emulator::builder()
            .latency(std::time::Duration::from_millis(latency_ms))
            .spawn()
            .unwrap(),
    )
}

#[test]
fn a_slow_listing_shows_a_spinner_on_a_terminal() {
    let env = slow_env(900);
    let mut s = astro(&env, 160, 24, &["org", "user", "list"]);
    s.wait_for("Listing the Organization's members");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(screen.contains("grace@example.com"), "{screen}");
    assert!(!screen.contains("Listing"), "{screen}");
}

#[test]
fn ctrl_c_during_a_slow_listing_leaves_no_spinner() {
    let env = slow_env(5_000);
    let mut s = astro(&env, 80, 24, &["org", "user", "list"]);
    s.wait_for("Listing the Organization's members");
    s.send(CTRL_C);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    let screen = s.contents();
    assert!(!screen.contains("Listing"), "{screen}");
    assert!(!screen.contains("grace@example.com"), "{screen}");
    assert!(env.mutations().is_empty());
}

#[test]
fn no_spinner_under_ci_even_on_a_terminal() {
    let env = slow_env(700);
    let mut cmd = command(160, 24, &["org", "user", "list"]);
    cmd.env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_API_TOKEN", env.emu.token())
        .env_remove("ASTRO_NO_INPUT")
        .env("TERM", "xterm")
        .env("CI", "true");
    let mut s = Screen::spawn(cmd, 160, 24);
    assert_eq!(s.finish(), 0);
    assert!(s.contents().contains("grace@example.com"));
    assert!(
        !String::from_utf8_lossy(s.raw()).contains("Listing"),
        "{}",
        s.dump()
    );
}

#[test]
fn picker_rows_keep_roles_and_statuses_whole_at_60_columns() {
    let env = long_env();
    let mut s = astro(&env, 60, 24, &["org", "user", "update"]);
    s.wait_for("35 members");
    let context = s.dump();
    let shown: Vec<String> = s.rows().into_iter().filter(|r| is_list_row(r)).collect();
    // Emails and names are cut; the role and status columns stay readable.
    assert!(
        shown.iter().all(|r| r.contains("ORGANIZATION_MEMBER")
            || r.contains("ORGANIZATION_OWNER")
            || r.contains("ORGANIZATION_BILLING_ADMIN")),
        "{context}"
    );
    assert!(shown.iter().any(|r| r.ends_with("PENDING")), "{context}");
    assert!(shown.iter().any(|r| r.contains('…')), "{context}");
    s.send("\x1b");
    assert_eq!(s.finish(), 130);
}

/// A table on a terminal: aligned, fitted to the width (names and emails cut first, the date
/// and ID left out before a role is cut), and a count on stderr.
#[test]
fn a_table_on_a_terminal_fits_its_width_and_counts_its_rows() {
    let env = TestEnv::new();
    for cols in [160u16, 80, 60] {
        let mut s = astro(&env, cols, 24, &["org", "user", "list"]);
        s.wait_for("6 members");
        assert_eq!(s.finish(), 0);
        let context = format!("at {cols}:\n{}", s.dump());
        let rows = s.rows();
        let header = rows
            .iter()
            .position(|r| r.starts_with("FULLNAME"))
            .expect(&context);
        let role_col = rows[header].find("ORGANIZATION ROLE").expect(&context);
        let body = &rows[header + 1..header + 7];
        assert!(s.wrapped_rows().is_empty(), "{context}");
        for row in body {
            assert!(row.chars().count() < usize::from(cols), "{context}");
            // Aligned: every role starts under its header, whole.
            let role = &row[row.char_indices().nth(role_col).unwrap().0..];
            assert!(role.starts_with("ORGANIZATION_"), "{context}");
        }
        assert!(body[3].contains("ORGANIZATION_OBSERVE_ADMIN"), "{context}");
        assert!(body[4].contains("ORGANIZATION_OBSERVE_MEMBER"), "{context}");
        assert!(body[5].ends_with("PENDING"), "{context}");
        let footer = &rows[header + 7];
        if cols == 160 {
            assert_eq!(footer, "6 members", "{context}");
            assert!(body[0].contains("clrep2g00000001leg1xpkbe9"), "{context}");
            assert!(body.iter().all(|r| !r.contains('…')), "{context}");
        } else {
            assert_eq!(
                footer, "6 members; CREATE DATE, ID left out (--json shows all)",
                "{context}"
            );
            assert!(!rows[header].contains("CREATE DATE"), "{context}");
        }
    }
}

#[test]
fn rows_from_a_terminal_say_how_to_end_them() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &["org", "user", "update", "--from-file", "-", "--dry-run"],
    );
    s.wait_for("reading rows from stdin, Ctrl-D to end");
    s.send("email,role\r");
    s.send("grace@example.com,owner\r");
    s.send("\x04");
    s.wait_for("would change");
    assert_eq!(s.finish(), 0);
    assert!(env.mutations().is_empty());
}

/// `workspace user add` with nothing given: the Organization's members not yet in the
/// Workspace, then the role starting on WORKSPACE_MEMBER.
#[test]
fn workspace_user_add_picks_a_member_not_in_the_workspace_then_a_role() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &["wo", "user", "add", "--workspace-id", "Analytics"],
    );
    // alan and Katherine are already in Analytics: four others are offered.
    s.wait_for("4 members");
    let offered = s.contents();
    assert!(!offered.contains("alan@example.com"), "{offered}");
    assert!(offered.contains("edsger@example.com"), "{offered}");
    s.type_into("? User: ", "edsger");
    s.wait_for("1 of 4 members");
    s.send(ENTER);
    s.wait_for("? Workspace role for edsger@example.com (Edsger Dijkstra) in Analytics");
    s.wait_for("❯ WORKSPACE_MEMBER");
    s.send(UP);
    s.wait_for("❯ WORKSPACE_AUTHOR");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Added edsger@example.com to Workspace Analytics as WORKSPACE_AUTHOR")
    );
    assert_eq!(
        env.emu
            .workspace_role("edsger@example.com", "Analytics")
            .as_deref(),
        Some("WORKSPACE_AUTHOR")
    );
}

/// `workspace user remove` asks first; no sends nothing, yes removes.
#[test]
fn workspace_user_remove_asks_first() {
    let env = TestEnv::new();
    for (answer, code) in [("n", 1), ("y", 0)] {
        let mut s = astro(
            &env,
            80,
            24,
            &[
                "wo",
                "user",
                "rm",
                "alan@example.com",
                "--workspace-id",
                "Analytics",
            ],
        );
        s.wait_for("Remove alan@example.com from Workspace Analytics? [y/N]");
        s.send(answer);
        assert_eq!(s.finish(), code, "{}", s.dump());
    }
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(
        env.emu.workspace_role("alan@example.com", "Analytics"),
        None
    );
}

// ---------------------------------------------------------------------------------------
// astro workspace switch|create|delete

const ANALYTICS_ID: &str = "clrg6ngg0000002c60gj2k1hl";
const DATA_PLATFORM_ID: &str = "clrg4iao0000001c6z943nxrv";

#[test]
fn workspace_switch_without_an_argument_starts_on_the_current_workspace() {
    let env = TestEnv::new();
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .assert()
        .success();
    // The current one is the second row, so starting on it is not starting on the first.
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["wo", "switch", "Data Platform"])
        .assert()
        .success();
    let mut cmd = prepared(&env, 80, 24, &["wo", "switch"]);
    cmd.env_remove("ASTRO_API_TOKEN");
    let mut s = Screen::spawn(cmd, 80, 24);
    s.wait_for("2 Workspaces");
    let context = s.dump();
    assert_eq!(s.rows()[0], "? Workspace:", "{context}");
    let selected = s.rows().into_iter().find(|r| r.starts_with("❯ ")).unwrap();
    assert!(selected.starts_with("❯ Data Platform"), "{context}");
    assert!(selected.contains(DATA_PLATFORM_ID), "{context}");
    assert!(selected.ends_with("(current)"), "{context}");
    s.send(UP);
    s.wait_for("❯ Analytics");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(screen.contains("✔ Workspace · Analytics"), "{screen}");
    assert!(
        screen.contains(&format!("Switched to Workspace Analytics ({ANALYTICS_ID})")),
        "{screen}"
    );
    let config = std::fs::read_to_string(env.config_path()).unwrap();
    assert!(
        config.contains(&format!("  workspace: {ANALYTICS_ID}")),
        "{config}"
    );
    assert!(
        config.contains(&format!("last_used_workspace: {ANALYTICS_ID}")),
        "{config}"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn workspace_create_asks_for_a_name_refusing_a_taken_one_as_typed() {
    let env = TestEnv::new();
    let mut s = astro(&env, 100, 24, &["wo", "create", "-d", "Try things"]);
    s.wait_for("? Name of the new Workspace:");
    s.type_into("? Name of the new Workspace: ", "analytics");
    s.send(ENTER);
    s.wait_for("✘ the name `analytics` is taken by Workspace Analytics");
    let context = s.dump();
    assert_eq!(
        s.rows()[0],
        "? Name of the new Workspace: analytics",
        "{context}"
    );
    assert!(env.mutations().is_empty());
    s.send(CTRL_U);
    s.type_into("? Name of the new Workspace: ", "Sandbox");
    assert!(!s.contents().contains('✘'), "{}", s.dump());
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Name of the new Workspace · Sandbox"),
        "{screen}"
    );
    let sandbox = env.emu.workspace("Sandbox").expect("created");
    assert!(
        screen.contains(&format!("Created Workspace Sandbox ({})", sandbox.id)),
        "{screen}"
    );
    assert_eq!(sandbox.description.as_deref(), Some("Try things"));
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn workspace_delete_answered_no_sends_nothing() {
    let env = TestEnv::new();
    let mut s = astro(&env, 100, 24, &["wo", "delete", "Analytics"]);
    s.wait_for("? Delete Workspace \"Analytics\" and its 2 Deployments? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("n");
    assert_eq!(s.finish(), 1, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Delete Workspace \"Analytics\" and its 2 Deployments? · no"),
        "{screen}"
    );
    assert!(
        screen.contains("error: not confirmed; nothing was sent"),
        "{screen}"
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.workspace("Analytics").is_some());
}

#[test]
fn workspace_delete_picks_the_workspace_then_answered_yes_deletes_it() {
    let mut seed = Seed::default();
    seed.workspaces
        .push(astro_emulator::SeedWorkspace::named("Sandbox"));
    let env = TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap());
    let sandbox = env.emu.workspace("Sandbox").unwrap().id;
    let mut s = astro(&env, 100, 24, &["wo", "delete"]);
    s.wait_for("3 Workspaces");
    // It starts on the first row, whichever is current.
    let selected = s.rows().into_iter().find(|r| r.starts_with("❯ ")).unwrap();
    assert!(selected.starts_with("❯ Analytics"), "{}", s.dump());
    s.type_into("? Workspace to delete: ", "sand");
    s.wait_until("Sandbox first", |s| s.rows()[1].starts_with("❯ Sandbox"));
    s.send(ENTER);
    s.wait_for("? Delete Workspace \"Sandbox\" and its 0 Deployments? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Workspace to delete · Sandbox"),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("Deleted Workspace Sandbox ({sandbox})")),
        "{screen}"
    );
    assert_eq!(env.mutations().len(), 1);
    assert!(env.emu.workspace("Sandbox").is_none());
}

/// `organization user get` without an argument offers the members, then shows the one picked.
#[test]
fn get_without_an_argument_picks_a_member_by_typing_to_filter() {
    let env = TestEnv::new();
    let mut s = astro(&env, 120, 30, &["org", "user", "get"]);
    s.wait_for("6 members · type to filter");
    s.type_into("? User: ", "alan");
    s.wait_until("alan first", |s| {
        s.rows()[1].starts_with("❯ alan@example.com ")
            && s.rows()[1].contains(" ORGANIZATION_BILLING_ADMIN ")
    });
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(screen.contains("✔ User · alan@example.com"), "{screen}");
    assert!(
        screen.contains("Organization role:  ORGANIZATION_BILLING_ADMIN"),
        "{screen}"
    );
    assert!(screen.contains("Analytics"), "{screen}");
    assert!(screen.contains("tag:finance"), "{screen}");
    assert!(s.wrapped_rows().is_empty(), "{screen}");
    assert!(env.mutations().is_empty());
    let alan = env.user_id("alan@example.com");
    assert!(
        env.api_requests()
            .iter()
            .any(|r| r.path.ends_with(&format!("/users/{alan}"))),
        "the picked member is read with GetUser"
    );
}

// ---------------------------------------------------------------------------------------
// astro organization team create|delete

#[test]
fn team_create_asks_for_a_name_refusing_a_taken_one_as_typed_then_a_role() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &["org", "te", "cr", "--member", "grace@example.com"],
    );
    s.wait_for("? Name of the new Team:");
    s.type_into("? Name of the new Team: ", "PLATFORM team");
    s.send(ENTER);
    s.wait_for("✘ the name `PLATFORM team` is taken by Team Platform Team");
    assert_eq!(
        s.rows()[0],
        "? Name of the new Team: PLATFORM team",
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
    s.send(CTRL_U);
    s.type_into("? Name of the new Team: ", "Data Science");
    assert!(!s.contents().contains('✘'), "{}", s.dump());
    s.send(ENTER);
    // The role list starts on the default.
    s.wait_for("? Organization role for Team Data Science");
    assert!(
        s.rows().iter().any(|r| r == "❯ ORGANIZATION_MEMBER"),
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
    s.send(UP);
    s.wait_for("❯ ORGANIZATION_BILLING_ADMIN");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Name of the new Team · Data Science"),
        "{screen}"
    );
    let team = env.emu.team("Data Science").expect("created");
    assert!(
        screen.contains(&format!(
            "Created Team Data Science ({}) as ORGANIZATION_BILLING_ADMIN with 1 member: grace@example.com",
            team.id
        )),
        "{screen}"
    );
    assert_eq!(team.organization_role, "ORGANIZATION_BILLING_ADMIN");
    assert_eq!(team.members, ["grace@example.com"]);
    assert_eq!(env.mutations().len(), 1);
}

#[test]
fn team_delete_answered_no_sends_nothing() {
    let env = TestEnv::new();
    let mut s = astro(&env, 100, 24, &["org", "te", "de", "Data Engineering, EU"]);
    s.wait_for("? Delete Team \"Data Engineering, EU\" (2 members)? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("n");
    assert_eq!(s.finish(), 1, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Delete Team \"Data Engineering, EU\" (2 members)? · no"),
        "{screen}"
    );
    assert!(
        screen.contains("error: not confirmed; nothing was sent"),
        "{screen}"
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.team("Data Engineering, EU").is_some());
}

#[test]
fn team_delete_picks_the_team_then_answered_yes_deletes_it() {
    let env = TestEnv::new();
    let mut s = astro(&env, 100, 24, &["org", "te", "de"]);
    s.wait_for("4 Teams");
    s.type_into("? Team to delete: ", "platform team");
    s.wait_until("two rows", |s| {
        s.rows()[1].starts_with("❯ ") && s.contents().contains("2 of 4 Teams")
    });
    // Typing narrows; the arrow keys choose between the two that differ only in case.
    let lower = "clrho8gw0000003642m95fuxa";
    if !s.rows()[1].contains(lower) {
        s.send(DOWN);
        s.wait_until("the lower-case one", |s| {
            s.rows()
                .iter()
                .any(|r| r.starts_with("❯ ") && r.contains(lower))
        });
    }
    s.send(ENTER);
    s.wait_for("? Delete Team \"platform team\" (1 member)? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains(&format!(
            "Deleted Team platform team ({lower}), which had 1 member"
        )),
        "{screen}"
    );
    assert_eq!(env.mutations().len(), 1);
    assert!(env.emu.team_by_id(lower).is_none());
    assert!(env.emu.team("Platform Team").is_some());
}

/// `workspace team add` with nothing given: the Teams not yet in the Workspace, then the role.
#[test]
fn workspace_team_add_picks_a_team_not_in_the_workspace_then_a_role() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &["wo", "team", "add", "--workspace-id", "Analytics"],
    );
    // Three of the four Teams already have a role in Analytics.
    s.wait_for("1 Team");
    assert!(s.contents().contains("Platform Team"), "{}", s.dump());
    s.send(ENTER);
    s.wait_for("? Workspace role for Team Platform Team in Analytics");
    s.wait_for("❯ WORKSPACE_MEMBER");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let platform = env.emu.team("Platform Team").unwrap();
    assert!(
        platform
            .workspace_roles
            .iter()
            .any(|r| r.workspace_name == "Analytics" && r.role == "WORKSPACE_MEMBER"),
        "{platform:?}"
    );
}

/// `workspace user remove --from-file` on a terminal: asked once for the whole file.
fn bulk_remove(answer: &str) -> (TestEnv, Screen, i32) {
    let env = TestEnv::new();
    let file = env.write_file(
        "leavers.csv",
        "email\nalan@example.com\nkatherine.johnson@example.com\nedsger@example.com\n",
    );
    let mut s = astro(
        &env,
        100,
        24,
        &[
            "workspace",
            "user",
            "remove",
            "--from-file",
            &file,
            "--workspace-id",
            "Analytics",
        ],
    );
    s.wait_for("? Remove 2 members from Workspace Analytics? [y/N]");
    assert!(env.mutations().is_empty(), "{}", s.dump());
    s.send(answer);
    let code = s.finish();
    (env, s, code)
}

#[test]
fn bulk_remove_on_a_terminal_asks_once_and_answered_yes_removes() {
    let (env, s, code) = bulk_remove("y");
    assert_eq!(code, 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("✔ Remove 2 members from Workspace Analytics? · yes"),
        "{screen}"
    );
    assert_eq!(screen.matches("Remove 2 members").count(), 1, "{screen}");
    assert!(
        screen.contains("2 changed, 1 unchanged (3 rows)"),
        "{screen}"
    );
    assert_eq!(env.mutations().len(), 2);
    assert!(
        env.emu
            .workspace_role("alan@example.com", "Analytics")
            .is_none()
    );
    assert!(
        env.emu
            .workspace_role("Katherine.Johnson@Example.com", "Analytics")
            .is_none()
    );
}

#[test]
fn bulk_remove_on_a_terminal_answered_no_sends_nothing() {
    let (env, s, code) = bulk_remove("n");
    assert_eq!(code, 1, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("error: not confirmed; nothing was sent"),
        "{screen}"
    );
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.emu
            .workspace_role("alan@example.com", "Analytics")
            .as_deref(),
        Some("WORKSPACE_MEMBER")
    );
}

// ---------------------------------------------------------------------------------------
// astro organization team user add|remove

/// `organization team user remove` asks first, naming the member and the Team: no sends
/// nothing (exit 1), yes removes.
#[test]
fn team_user_remove_asks_first() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &[
            "org",
            "team",
            "user",
            "rm",
            "Platform Team",
            "grace@example.com",
        ],
    );
    s.wait_for("? Remove grace@example.com from Team \"Platform Team\"? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("n");
    assert_eq!(s.finish(), 1, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("error: not confirmed; nothing was sent"),
        "{screen}"
    );
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.emu.team("Platform Team").unwrap().members,
        ["grace@example.com"]
    );

    let mut s = astro(
        &env,
        160,
        24,
        &[
            "org",
            "te",
            "us",
            "rm",
            "Data Engineering, EU",
            "ada@example.com",
            "katherine.johnson@example.com",
            "alan@example.com",
        ],
    );
    // Only the two members are asked about; alan is not one.
    s.wait_for(
        "? Remove 2 members (ada@example.com, Katherine.Johnson@Example.com) from Team \"Data Engineering, EU\"? [y/N]",
    );
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let screen = s.contents();
    assert!(
        screen.contains("Removed Katherine.Johnson@Example.com from Team Data Engineering, EU"),
        "{screen}"
    );
    assert!(
        screen.contains("alan@example.com is not a member of Team Data Engineering, EU"),
        "{screen}"
    );
    assert_eq!(env.mutations().len(), 2);
    assert!(
        env.emu
            .team("Data Engineering, EU")
            .unwrap()
            .members
            .is_empty()
    );
}

/// `organization team user add` with nothing given: the Teams whose members can change here
/// (no IdP-managed one), then the Organization's members not in the Team picked.
#[test]
fn team_user_add_picks_a_team_then_a_user_not_in_it() {
    let env = TestEnv::new();
    let mut s = astro(&env, 100, 24, &["org", "te", "us", "add"]);
    s.wait_for("3 Teams");
    assert!(!s.contents().contains("Okta Engineers"), "{}", s.dump());
    s.type_into("? Team: ", "Platform");
    s.wait_until("Platform Team first", |s| {
        s.rows()[1].starts_with("❯ Platform Team ")
    });
    s.send(ENTER);
    // grace is in Platform Team already: five others are offered.
    s.wait_for("5 members");
    assert!(!s.contents().contains("grace@example.com"), "{}", s.dump());
    s.type_into("? User to add to Team Platform Team: ", "edsger");
    s.wait_for("1 of 5 members");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Added edsger@example.com to Team Platform Team"),
        "{}",
        s.dump()
    );
    assert_eq!(
        env.emu.team("Platform Team").unwrap().members,
        ["grace@example.com", "edsger@example.com"]
    );
}

// ---------------------------------------------------------------------------------------
// astro workspace token delete|get|add|update-role|remove

/// `workspace token delete` asks first, naming the token and the Workspace: no sends nothing
/// (exit 1); without a TOKEN the Workspace's own tokens are offered (never an Organization
/// token), and yes deletes.
#[test]
fn workspace_token_delete_asks_first_and_picks_only_the_workspaces_own_tokens() {
    let env = TestEnv::new();
    let ws = ["--workspace-id", "Data Platform"];
    let args: Vec<&str> = ["wo", "to", "de", "Legacy sync"]
        .iter()
        .chain(&ws)
        .copied()
        .collect();
    let mut s = astro(&env, 100, 24, &args);
    s.wait_for("? Delete API token \"Legacy sync\" of Workspace Data Platform? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("n");
    assert_eq!(s.finish(), 1, "{}", s.dump());
    assert!(
        s.contents()
            .contains("error: not confirmed; nothing was sent"),
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
    assert!(!env.emu.api_token("Legacy sync").unwrap().deleted);

    let args: Vec<&str> = ["wo", "to", "de"].iter().chain(&ws).copied().collect();
    let mut s = astro(&env, 100, 24, &args);
    // Platform automation has a role in Data Platform, but is an Organization token.
    s.wait_for("1 API token");
    assert!(s.contents().contains("Legacy sync"), "{}", s.dump());
    assert!(
        !s.contents().contains("Platform automation"),
        "{}",
        s.dump()
    );
    s.send(ENTER);
    s.wait_for("? Delete API token \"Legacy sync\" of Workspace Data Platform? [y/N]");
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents().contains(
            "Deleted API token Legacy sync (clrj7yn40000005l8r081g9oq) of Workspace Data Platform"
        ),
        "{}",
        s.dump()
    );
    assert_eq!(env.mutations().len(), 1);
    assert!(env.emu.api_token("Legacy sync").unwrap().deleted);
    assert!(!env.emu.api_token("Platform automation").unwrap().deleted);
}

/// `workspace token add` with nothing given: the Organization tokens not yet in the Workspace
/// (no Workspace token), by typing to filter, then the role starting on WORKSPACE_MEMBER.
#[test]
fn workspace_token_add_picks_an_organization_token_then_a_role() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &["wo", "to", "add", "--workspace-id", "Analytics"],
    );
    s.wait_for("3 API tokens");
    let offered = s.contents();
    for name in ["CI deploy", "Platform automation", "Nightly export"] {
        assert!(offered.contains(name), "{offered}");
    }
    assert!(!offered.contains("Analytics reporting"), "{offered}");
    s.type_into("? Organization API token to add: ", "nightly");
    s.wait_for("1 of 3 API tokens");
    s.send(ENTER);
    s.wait_for("? Workspace role for API token Nightly export in Analytics");
    s.wait_for("❯ WORKSPACE_MEMBER");
    s.send(DOWN);
    s.wait_for("❯ WORKSPACE_ACCESSOR");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents().contains(
            "Added API token Nightly export to Workspace Analytics as WORKSPACE_ACCESSOR"
        ),
        "{}",
        s.dump()
    );
    let nightly = env.emu.api_token("Nightly export").unwrap();
    assert_eq!(
        nightly.workspace_role("clrg6ngg0000002c60gj2k1hl"),
        Some("WORKSPACE_ACCESSOR")
    );
    assert_eq!(nightly.organization_role(), Some("ORGANIZATION_MEMBER"));
}

/// `workspace token update-role` without --role: a selection starting on the current role;
/// `remove` asks, then reads the token again right before writing.
#[test]
fn workspace_token_update_role_selects_a_role_and_remove_asks_first() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        24,
        &[
            "wo",
            "to",
            "update-role",
            "Platform automation",
            "--workspace-id",
            "Data Platform",
        ],
    );
    s.wait_for("? Workspace role for API token Platform automation in Data Platform");
    s.wait_for("❯ WORKSPACE_OPERATOR (current)");
    assert!(env.mutations().is_empty());
    s.send(UP);
    s.wait_for("❯ WORKSPACE_OWNER");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents().contains(
            "Updated API token Platform automation in Workspace Data Platform: WORKSPACE_OPERATOR -> WORKSPACE_OWNER"
        ),
        "{}",
        s.dump()
    );
    let dp = "clrg4iao0000001c6z943nxrv";
    assert_eq!(
        env.emu
            .api_token("Platform automation")
            .unwrap()
            .workspace_role(dp),
        Some("WORKSPACE_OWNER")
    );

    env.emu.clear_requests();
    let mut s = astro(
        &env,
        100,
        24,
        &["wo", "to", "rm", "--workspace-id", "Data Platform"],
    );
    s.wait_for("1 API token");
    s.send(ENTER);
    s.wait_for("? Remove API token \"Platform automation\" from Workspace Data Platform? [y/N]");
    assert!(env.mutations().is_empty());
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    let after = env.emu.api_token("Platform automation").unwrap();
    assert_eq!(after.workspace_role(dp), None);
    assert_eq!(after.organization_role(), Some("ORGANIZATION_MEMBER"));
    // Read again after the answer: the write follows a read.
    let paths: Vec<String> = env
        .api_requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let post = paths.iter().position(|p| p.starts_with("POST")).unwrap();
    assert!(
        paths[post - 1].starts_with("GET")
            && paths[post - 1].ends_with("clrj3obk0000003l8trly6hth"),
        "{paths:#?}"
    );
}

/// `workspace token get` without a TOKEN: the Workspace's own tokens in a pick-list.
#[test]
fn workspace_token_get_picks_the_token() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        100,
        30,
        &["wo", "to", "get", "--workspace-id", "Analytics"],
    );
    s.wait_for("1 API token");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents().contains("Workspace role:  WORKSPACE_AUTHOR"),
        "{}",
        s.dump()
    );
}

/// `organization token delete` with nothing given, at 60 columns: only the Organization's own
/// tokens are offered (no Workspace token), typing filters them, the choice is confirmed
/// before the one DELETE.
#[test]
fn organization_token_delete_picks_an_organization_token_at_60_columns_and_asks_first() {
    let env = TestEnv::new();
    let mut s = astro(&env, 60, 24, &["org", "to", "de"]);
    s.wait_for("3 API tokens");
    let screen = s.contents();
    for name in ["CI deploy", "Nightly export", "Platform automation"] {
        assert!(screen.contains(name), "{}", s.dump());
    }
    for name in ["Analytics reporting", "Legacy sync"] {
        assert!(!screen.contains(name), "{}", s.dump());
    }
    assert!(
        screen.lines().all(|l| l.chars().count() <= 60),
        "{}",
        s.dump()
    );
    s.send("nigh");
    s.wait_for("1 of 3");
    s.send(ENTER);
    // The question is cut to the terminal's width, its answer hint kept.
    s.wait_for("? Delete Organization API token \"Nightly export\"? … [y/N]");
    assert!(env.mutations().is_empty());
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Deleted Organization API token Nightly export"),
        "{}",
        s.dump()
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1, "{mutations:#?}");
    assert_eq!(mutations[0].method, "DELETE");
    assert!(env.emu.api_token("Nightly export").unwrap().deleted);
    assert!(!env.emu.api_token("CI deploy").unwrap().deleted);
}

/// `organization token update --role` with no TOKEN: picked on the terminal, then one read and
/// one UpdateApiTokenRoles that keeps the token's Workspace role.
#[test]
fn organization_token_update_picks_the_token_and_keeps_its_other_roles() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "to", "up", "-r", "billing_admin"]);
    s.wait_for("3 API tokens");
    s.send("platform");
    s.wait_for("1 of 3");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Organization role ORGANIZATION_MEMBER -> ORGANIZATION_BILLING_ADMIN"),
        "{}",
        s.dump()
    );
    let token = env.emu.api_token("Platform automation").unwrap();
    let roles: Vec<(String, String)> = token
        .roles
        .iter()
        .map(|r| (r.entity_type.clone(), r.role.clone()))
        .collect();
    assert!(
        roles.contains(&("ORGANIZATION".into(), "ORGANIZATION_BILLING_ADMIN".into()))
            && roles.contains(&("WORKSPACE".into(), "WORKSPACE_OPERATOR".into()))
            && roles.len() == 2,
        "{roles:?}"
    );
}

/// `deployment user add` with nothing but the Workspace: the Deployment picked from the
/// Workspace's, then the user from the members without a role there, then the role from the
/// Deployment's catalogue starting on DEPLOYMENT_ADMIN; one write of the Deployment list.
#[test]
fn deployment_user_add_picks_the_deployment_the_user_and_the_role() {
    let env = TestEnv::new();
    let mut s = astro(
        &env,
        80,
        24,
        &["de", "us", "add", "--workspace-id", "Data Platform"],
    );
    s.wait_for("2 Deployments");
    assert!(s.contents().contains("Warehouse Loads"), "{}", s.dump());
    assert!(!s.contents().contains("Reporting"), "{}", s.dump());
    s.send(ENTER);
    s.wait_for("? User");
    // grace already has a Deployment role on Ingestion: not offered.
    assert!(!s.contents().contains("grace@example.com"), "{}", s.dump());
    s.send("alan");
    s.wait_for("❯ alan@example.com");
    s.send(ENTER);
    s.wait_for("? Deployment role for");
    s.wait_for("❯ DEPLOYMENT_ADMIN");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Added alan@example.com to Deployment Ingestion as DEPLOYMENT_ADMIN"),
        "{}",
        s.dump()
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1, "{mutations:#?}");
    let alan = env.emu.user("alan@example.com").unwrap();
    assert_eq!(alan.deployment_roles.len(), 1);
    assert_eq!(alan.workspace_roles.len(), 1);
    assert_eq!(alan.dag_roles.len(), 1);
}

/// With no Workspace selected the Deployment pick-list covers the Organization, each row
/// naming its Workspace; at 60 columns no row wraps.
#[test]
fn deployment_team_list_picks_among_the_organizations_deployments_at_60_columns() {
    let env = TestEnv::new();
    let mut s = astro(&env, 60, 24, &["de", "te", "ls"]);
    s.wait_for("4 Deployments");
    let screen = s.contents();
    assert!(screen.contains("Analytics"), "{}", s.dump());
    assert!(
        screen.lines().all(|l| l.chars().count() <= 60),
        "{}",
        s.dump()
    );
    s.send("warehouse");
    s.wait_for("1 of 4");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    // Data Engineering, EU, fitted to the width.
    assert!(
        s.contents()
            .contains("clrhm3b40000002649ug96ewr   DEPLOYMENT_ADMIN   Data Engine…"),
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
}

// ---------------------------------------------------------------------------------------
// astro deployment token delete|organization-token add

/// `deployment token delete` with only the Deployment given, at 60 columns: the Deployment's
/// own tokens are offered (never an Organization or Workspace token with a role on it), their
/// roles whole; typing filters them; the choice is confirmed: no sends nothing, yes deletes.
#[test]
fn deployment_token_delete_picks_a_deployment_token_at_60_columns_and_asks_first() {
    use crate::dep_token::INGESTION;
    let env = crate::dep_token::custom_env();
    for (answer, code) in [("n", 1), ("y", 0)] {
        let mut s = astro(
            &env,
            60,
            24,
            &["de", "to", "de", "--deployment-id", INGESTION],
        );
        s.wait_for("2 API tokens");
        let screen = s.contents();
        for name in ["Ingestion deploys", "Ingestion reader"] {
            assert!(screen.contains(name), "{}", s.dump());
        }
        for name in [
            "Platform automation",
            "Pipelines CI",
            "Loads bot",
            "CI deploy",
        ] {
            assert!(!screen.contains(name), "{}", s.dump());
        }
        assert!(
            screen.lines().all(|l| l.chars().count() <= 60),
            "{}",
            s.dump()
        );
        let shown: Vec<String> = s.rows().into_iter().filter(|r| is_list_row(r)).collect();
        assert!(
            shown.iter().any(|r| r.contains("DEPLOYMENT_ADMIN"))
                && shown.iter().any(|r| r.contains("Ingestion Viewer")),
            "{}",
            s.dump()
        );
        s.send("reader");
        s.wait_for("1 of 2");
        s.send(ENTER);
        // The question is cut to the terminal's width, its answer hint kept.
        s.wait_for("? Delete API token \"Ingestion reader\" of Deploymen… [y/N]");
        assert!(env.mutations().is_empty());
        s.send(answer);
        assert_eq!(s.finish(), code, "{}", s.dump());
    }
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1, "{mutations:#?}");
    assert_eq!(mutations[0].method, "DELETE");
    assert!(env.emu.api_token("Ingestion reader").unwrap().deleted);
    assert!(!env.emu.api_token("Ingestion deploys").unwrap().deleted);
}

/// `deployment token organization-token add` with nothing given: the Organization tokens
/// without a role on the Deployment, then the Deployment's roles (as ListRoles gives them),
/// starting on DEPLOYMENT_ADMIN.
#[test]
fn deployment_organization_token_add_picks_a_token_then_a_deployment_role() {
    use crate::dep_token::INGESTION;
    let env = crate::dep_token::custom_env();
    crate::dep_token::roles_listed(&env);
    let mut s = astro(
        &env,
        100,
        24,
        &[
            "de",
            "to",
            "organization-token",
            "add",
            "--deployment-id",
            INGESTION,
        ],
    );
    // Platform automation has a role on Ingestion already.
    s.wait_for("2 API tokens");
    let offered = s.contents();
    assert!(offered.contains("CI deploy"), "{offered}");
    assert!(offered.contains("Nightly export"), "{offered}");
    assert!(!offered.contains("Platform automation"), "{offered}");
    s.type_into("? Organization API token to add: ", "nightly");
    s.wait_for("1 of 2 API tokens");
    s.send(ENTER);
    s.wait_for("? Deployment role for API token Nightly export in Ingestion");
    s.wait_for("❯ DEPLOYMENT_ADMIN");
    assert!(env.mutations().is_empty());
    s.send(DOWN);
    s.wait_for("❯ Custom Operator");
    s.send(ENTER);
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents()
            .contains("Added API token Nightly export to Deployment Ingestion as Custom Operator"),
        "{}",
        s.dump()
    );
    let nightly = env.emu.api_token("Nightly export").unwrap();
    let roles: Vec<(String, String, String)> = nightly
        .roles
        .iter()
        .map(|r| (r.entity_type.clone(), r.entity_id.clone(), r.role.clone()))
        .collect();
    assert_eq!(
        roles,
        [
            (
                "ORGANIZATION".to_owned(),
                env.emu.organization_id(),
                "ORGANIZATION_MEMBER".to_owned()
            ),
            (
                "DEPLOYMENT".to_owned(),
                INGESTION.to_owned(),
                "Custom Operator".to_owned()
            ),
        ]
    );
}

/// `organization access apply` of a file changing edsger's Organization role, answered `answer`.
fn apply_one_change(answer: &str) -> (TestEnv, Screen, i32) {
    let env = TestEnv::new();
    let out = env.run(&["organization", "access", "export"]);
    let text = String::from_utf8_lossy(&out.stdout).replacen(
        "  \"edsger@example.com\":\n    role: ORGANIZATION_OBSERVE_MEMBER\n",
        "  \"edsger@example.com\":\n    role: ORGANIZATION_MEMBER\n",
        1,
    );
    let file = env.write_file("access.yaml", &text);
    let mut s = astro(&env, 100, 24, &["org", "access", "apply", "-f", &file]);
    s.wait_for("? Apply 1 change? [y/N]");
    let context = s.dump();
    assert!(
        s.contents()
            .contains("~ edsger@example.com: ORGANIZATION_OBSERVE_MEMBER -> ORGANIZATION_MEMBER"),
        "{context}"
    );
    assert!(env.mutations().is_empty());
    s.send(answer);
    let code = s.finish();
    (env, s, code)
}

#[test]
fn access_apply_on_a_terminal_asks_and_no_sends_nothing() {
    let (env, s, code) = apply_one_change("n");
    assert_eq!(code, 1, "{}", s.dump());
    assert!(
        s.contents()
            .contains("error: not confirmed; nothing was sent"),
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn access_apply_on_a_terminal_answered_yes_applies() {
    let (env, s, code) = apply_one_change("y");
    assert_eq!(code, 0, "{}", s.dump());
    assert_eq!(env.mutations().len(), 1);
    assert_eq!(env.role_of("edsger@example.com").as_deref(), Some(MEMBER));
}

/// `organization user invite cancel` asks first; yes cancels the invite and its PENDING member.
#[test]
fn invite_cancel_asks_first_and_answered_yes_cancels() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    let mut s = astro(&env, 100, 24, &["org", "user", "invite", "cancel", &id]);
    s.wait_for(&format!(
        "? Cancel invite {id}? The invitee can no longer accept it. [y/N]"
    ));
    // Only the read that checks the ID is no user's has been sent.
    assert_eq!(env.api_requests().len(), 1);
    assert!(env.mutations().is_empty());
    s.send("y");
    assert_eq!(s.finish(), 0, "{}", s.dump());
    assert!(
        s.contents().contains(&format!(
            "Cancelled invite {id}; the invitee can no longer accept it"
        )),
        "{}",
        s.dump()
    );
    let mutations = env.mutations();
    assert_eq!(mutations.len(), 1, "{mutations:#?}");
    assert_eq!(mutations[0].method, "DELETE");
    assert!(env.emu.user("barbara@example.com").is_none());
    assert_eq!(env.emu.invite_id("barbara@example.com"), None);
}

/// At 60 columns the question is cut to fit, its answer hint kept; no sends nothing and says so.
#[test]
fn invite_cancel_at_60_columns_answered_no_sends_nothing() {
    let env = TestEnv::new();
    let id = env.emu.invite_id("barbara@example.com").unwrap();
    let mut s = astro(&env, 60, 24, &["org", "us", "inv", "cancel", &id]);
    s.wait_for("[y/N]");
    assert!(
        s.contents().lines().all(|l| l.chars().count() <= 60),
        "{}",
        s.dump()
    );
    s.send("n");
    assert_eq!(s.finish(), 1, "{}", s.dump());
    // The question was cut to fit; the ID it names stays whole.
    assert_eq!(
        s.rows()[..2],
        [
            format!("✔ Cancel invite {id}? The invite… · no"),
            "error: not confirmed; nothing was sent".to_owned()
        ],
        "{}",
        s.dump()
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.user("barbara@example.com").is_some());
    assert_eq!(env.emu.invite_id("barbara@example.com"), Some(id));
}

/// An export shows its progress (bytes so far) on a terminal; Ctrl-C in the middle of the
/// stream ends it with 130 and leaves neither the file nor a temporary one.
#[test]
fn an_export_shows_its_progress_and_ctrl_c_leaves_no_file() {
    use astro_emulator::{Fault, FaultKind};
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::StallBody { after: 20_000 })
            .method("GET")
            .path("/v1/organizations/*/audit-logs"),
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("logs.ndjson.gz");
    let mut s = astro(
        &env,
        60,
        24,
        &[
            "org",
            "al",
            "e",
            "--last",
            "3",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    s.wait_for("Exporting audit logs: 20,000 bytes (19.5 KiB) so far");
    s.send(CTRL_C);
    assert_eq!(s.finish(), 130, "{}", s.dump());
    assert!(
        !s.contents().contains("so far"),
        "the line is cleared: {}",
        s.dump()
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    assert_eq!(env.api_requests().len(), 1);
}

/// `-o -` on a terminal would print gzip data there: refused before any request.
#[test]
fn an_export_to_a_terminal_is_refused() {
    let env = TestEnv::new();
    let mut s = astro(&env, 80, 24, &["org", "al", "e", "-o", "-"]);
    assert_eq!(s.finish(), 2, "{}", s.dump());
    assert!(
        s.contents()
            .contains("refusing to write gzip-compressed data to a terminal"),
        "{}",
        s.dump()
    );
    assert!(env.api_requests().is_empty());
}
