//! `astro login --login-link` on a machine whose browser is elsewhere: the browser is sent to
//! its own `localhost` and never reaches the callback, so the user pastes the address it ended
//! on (or its code) into the terminal. Driven in a pseudo-terminal; the authorize step is done
//! as the browser does it, but the callback is never called.

use std::process::Command;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};
use serde_json::Value;

use crate::common::{BIN, TestEnv};

fn spawn_login(env: &TestEnv) -> PtySession {
    let mut cmd = Command::new(BIN);
    cmd.args(["login", "--login-link"])
        .env("HOME", env.home.path())
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_LOGIN_CALLBACK_PORT", "0")
        .env("TERM", "xterm")
        .env("NO_COLOR", "1")
        .env_remove("ASTRO_API_TOKEN")
        .env_remove("ASTRO_NO_INPUT")
        .env_remove("ASTRO_ORGANIZATION_ID")
        .env_remove("ASTRO_DOMAIN")
        .env_remove("CI");
    spawn_command(cmd, Some(20_000)).expect("spawn in a pty")
}

fn exit_code(session: &mut PtySession) -> i32 {
    match session.process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => code,
        WaitStatus::Signaled(_, signal, _) => 128 + signal as i32,
        other => panic!("unexpected status {other:?}"),
    }
}

/// Reads the login link, and the invitation to paste that follows it.
fn read_link(p: &mut PtySession) -> String {
    let (_, link) = p
        .exp_regex(r"http://127\.0\.0\.1:\d+/auth/authorize\?[^\s]+")
        .expect("the login link");
    p.exp_string("paste that address here, or just its code")
        .expect("the invitation to paste");
    p.exp_string("Waiting for the login to finish").unwrap();
    link
}

/// What the browser does with the link, up to the redirect it is given: the address of the
/// callback with a fresh code, which a browser on another machine cannot load.
fn authorize(link: &str) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let response = client.get(link).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 302);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(
            location.starts_with("http://localhost:") && location.contains("/callback?code="),
            "{location}"
        );
        location
    })
}

/// The seed user belongs to several Organizations: the terminal login offers them. Takes the
/// first, then checks the result line and the exit code.
fn finish(p: &mut PtySession, env: &TestEnv) {
    p.exp_string("Organization").unwrap();
    p.send("\r").unwrap();
    p.flush().unwrap();
    let idp = format!("{}/auth/", env.emu.base_url().trim_end_matches("/v1"));
    p.exp_string(&format!(
        "Logged in to {} (API {}, identity provider {idp}) as ada@example.com; Organization",
        env.emu_domain(),
        env.emu.base_url()
    ))
    .unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(p), 0);

    let config: Value =
        serde_saphyr::from_str(&std::fs::read_to_string(env.config_path()).unwrap()).unwrap();
    assert_eq!(config["context"], env.emu_domain().as_str());
    let ctx = &config["contexts"][env.emu_context_key().as_str()];
    assert!(
        ctx["token"].as_str().unwrap().starts_with("Bearer "),
        "{config:#}"
    );
    assert_eq!(ctx["user_email"], "ada@example.com");
    assert_eq!(ctx["organization"], env.emu.organizations()[0].id.as_str());
    // One exchange of one code, with the PKCE verifier.
    let exchanges: Vec<_> = env
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/auth/oauth/token")
        .collect();
    assert_eq!(exchanges.len(), 1);
    assert!(
        exchanges[0]
            .body
            .as_deref()
            .unwrap()
            .contains("code_verifier=")
    );
}

#[test]
fn the_redirect_address_pasted_into_the_terminal_completes_the_login() {
    let env = TestEnv::new();
    let mut p = spawn_login(&env);
    let link = read_link(&mut p);
    let redirect = authorize(&link);
    p.send_line(&redirect).unwrap();
    finish(&mut p, &env);
}

#[test]
fn a_pasted_address_of_another_login_is_refused_and_the_wait_goes_on() {
    let env = TestEnv::new();
    let mut p = spawn_login(&env);
    let link = read_link(&mut p);
    let redirect = authorize(&link);
    let (callback, _) = redirect.split_once('?').unwrap();
    p.send_line(&format!("{callback}?code=forged&state=not-this-login"))
        .unwrap();
    p.exp_string("that address is not from this login (its state does not match)")
        .unwrap();
    p.exp_string("still waiting").unwrap();
    // Nothing was exchanged for the forged code.
    assert!(
        env.emu
            .requests()
            .iter()
            .all(|r| r.path != "/auth/oauth/token")
    );
    p.send_line(&redirect).unwrap();
    finish(&mut p, &env);
}

#[test]
fn a_pasted_bare_code_completes_the_login() {
    let env = TestEnv::new();
    let mut p = spawn_login(&env);
    let link = read_link(&mut p);
    let redirect = authorize(&link);
    let code = redirect
        .split(['?', '&'])
        .find_map(|pair| pair.strip_prefix("code="))
        .unwrap()
        .to_owned();
    p.send_line(&format!("  {code}  ")).unwrap();
    finish(&mut p, &env);
}

#[test]
fn ctrl_c_while_waiting_for_a_paste_exits_130_and_writes_nothing() {
    let env = TestEnv::new();
    let mut p = spawn_login(&env);
    read_link(&mut p);
    p.send_control('c').unwrap();
    p.exp_eof().unwrap();
    assert_eq!(exit_code(&mut p), 130);
    assert!(!env.config_path().exists());
}
