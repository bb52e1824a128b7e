//! `astro workspace list|switch|create|update|delete`, off a terminal: exit codes, stdout
//! (parsed when JSON), stderr, the requests the emulator recorded with their bodies, its
//! Workspaces after, and the config file after a switch. The prompts are in `pty.rs`.

use astro_emulator::{
    Emulator, Fault, FaultKind, RecordedRequest, Seed, SeedDeployment, SeedWorkspace, TokenOptions,
};
use serde_json::{Value, json};

use crate::common::{TestEnv, assert_private_and_clean, query_param, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";

fn parse(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\nstderr: {}", stdout(out), stderr(out)))
}

fn body(request: &RecordedRequest) -> Value {
    serde_json::from_str(request.body.as_deref().expect("a body")).unwrap()
}

/// The default seed plus Workspaces named `names` (no Deployments), in Example Org.
fn env_with_workspaces(names: &[&str]) -> TestEnv {
    let mut seed = Seed::default();
    seed.workspaces
        .extend(names.iter().map(|n| SeedWorkspace::named(*n)));
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

fn workspaces_path(env: &TestEnv) -> String {
    format!("/v1/organizations/{}/workspaces", env.emu.organization_id())
}

/// Logs in with the emulator's API token, stored in the config file.
fn login(env: &TestEnv) {
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(["login", "--token-login", &env.emu.token()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    env.emu.clear_requests();
}

/// `astro ARGS` with the stored login (no ASTRO_API_TOKEN).
fn stored(env: &TestEnv, args: &[&str]) -> std::process::Output {
    env.bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .args(args)
        .output()
        .unwrap()
}

fn read_config(env: &TestEnv) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(env.config_path()).unwrap()).unwrap()
}

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_prints_every_workspace_by_name_in_one_listing() {
    let env = TestEnv::new();
    let out = env.run(&["workspace", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("NAME\tID\tCURRENT\nAnalytics\t{ANALYTICS}\t\nData Platform\t{DATA_PLATFORM}\t\n")
    );
    assert_eq!(stderr(&out), "");
    let requests = env.api_requests();
    assert_eq!(requests.len(), 1, "{requests:#?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, workspaces_path(&env));
    assert_eq!(query_param(&requests[0], "limit").as_deref(), Some("1000"));
    assert_eq!(
        query_param(&requests[0], "sorts").as_deref(),
        Some("name%3Aasc")
    );
}

#[test]
fn list_json_marks_the_workspace_named_by_flag_or_environment() {
    let env = TestEnv::new();
    for (args, var) in [
        (
            &["wo", "ls", "--json", "--workspace-id", "analytics"][..],
            None,
        ),
        (&["wo", "ls", "-o", "json"][..], Some("ANALYTICS")),
        (
            &["wo", "ls", "--json", "--workspace-id", ANALYTICS][..],
            None,
        ),
    ] {
        let mut cmd = env.astro();
        if let Some(value) = var {
            cmd.env("ASTRO_WORKSPACE_ID", value);
        }
        let out = cmd.args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(
            parse(&out),
            json!({"workspaces": [
                {"name": "Analytics", "id": ANALYTICS, "description": "Reporting and dashboards", "isCurrent": true},
                {"name": "Data Platform", "id": DATA_PLATFORM, "description": "Pipelines that feed the warehouse", "isCurrent": false},
            ]}),
            "{args:?}"
        );
    }
    let table = env.run(&[
        "wo",
        "ls",
        "--no-headers",
        "--workspace-id",
        "Data Platform",
    ]);
    assert_eq!(
        stdout(&table),
        format!("Analytics\t{ANALYTICS}\t\nData Platform\t{DATA_PLATFORM}\t*\n")
    );
}

#[test]
fn list_marks_the_tokens_workspace_and_the_configs() {
    let env = TestEnv::new();
    let token = env.emu.mint_token(TokenOptions {
        workspace_id: Some(DATA_PLATFORM.into()),
        ..TokenOptions::default()
    });
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &token)
        .args([
            "wo",
            "ls",
            "--jq",
            ".workspaces[] | select(.isCurrent) | .name",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Data Platform\n");

    login(&env);
    assert_eq!(
        stored(&env, &["wo", "sw", "Analytics"]).status.code(),
        Some(0)
    );
    let out = stored(
        &env,
        &[
            "wo",
            "ls",
            "--jq",
            ".workspaces[] | select(.isCurrent) | .id",
        ],
    );
    assert_eq!(stdout(&out), format!("{ANALYTICS}\n"), "{}", stderr(&out));
}

#[test]
fn list_reads_every_page() {
    let names: Vec<String> = (0..1100).map(|i| format!("WS {i:04}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let env = env_with_workspaces(&names);
    let out = env.run(&["wo", "ls", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = parse(&out)["workspaces"].as_array().unwrap().len();
    assert_eq!(listed, 1102);
    let offsets: Vec<Option<String>> = env
        .api_requests()
        .iter()
        .map(|r| query_param(r, "offset"))
        .collect();
    assert_eq!(
        offsets,
        [Some("0".to_owned()), Some("1000".to_owned())],
        "two pages of 1000"
    );
}

#[test]
fn list_with_a_workspace_that_is_not_there_is_exit_3() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "ls", "--workspace-id", "Nope"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!(
            "error: no Workspace `Nope` in Organization `{}` (from --workspace-id)\n\
             hint: run `astro workspace list` to see them\n",
            env.emu.organization_id()
        )
    );
}

// ---------------------------------------------------------------------------------------
// switch

#[test]
fn switch_writes_workspace_and_last_used_workspace_and_keeps_every_other_key() {
    let env = TestEnv::new();
    env.write_config(
        "cloud:\n  api:\n    port: \"443\"\ncontexts:\n  astronomer_io:\n    domain: astronomer.io\n    workspace: cold\n\
         telemetry:\n  enabled: false\n",
    );
    login(&env);
    let before = read_config(&env);
    let key = env.emu_context_key();
    assert!(before["contexts"][key.as_str()].get("workspace").is_none());

    let out = stored(&env, &["workspace", "switch", "analytics"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Switched to Workspace Analytics ({ANALYTICS})\n")
    );
    assert_eq!(stderr(&out), "");
    let mut after = read_config(&env);
    let ctx = after["contexts"][key.as_str()].as_object_mut().unwrap();
    assert_eq!(ctx.remove("workspace"), Some(json!(ANALYTICS)));
    assert_eq!(ctx.remove("last_used_workspace"), Some(json!(ANALYTICS)));
    assert_eq!(after, before, "only the two keys changed");
    assert_private_and_clean(&env);
    assert!(env.mutations().is_empty());

    // By ID, as JSON: the other one.
    let out = stored(&env, &["wo", "sw", DATA_PLATFORM, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({"name": "Data Platform", "id": DATA_PLATFORM, "previousId": ANALYTICS, "changed": true})
    );
    let ctx = &read_config(&env)["contexts"][key.as_str()];
    assert_eq!(ctx["workspace"], DATA_PLATFORM);
    assert_eq!(ctx["last_used_workspace"], DATA_PLATFORM);
    assert_private_and_clean(&env);
}

#[test]
fn switch_to_the_current_workspace_writes_nothing() {
    let env = TestEnv::new();
    login(&env);
    assert_eq!(
        stored(&env, &["wo", "sw", "Analytics"]).status.code(),
        Some(0)
    );
    let before = std::fs::read(env.config_path()).unwrap();
    for target in ["Analytics", "ANALYTICS", ANALYTICS] {
        let out = stored(&env, &["wo", "sw", target]);
        assert_eq!(out.status.code(), Some(0), "{target}: {}", stderr(&out));
        assert_eq!(
            stdout(&out),
            format!("Workspace Analytics ({ANALYTICS}) is already current; nothing changed\n")
        );
    }
    let out = stored(&env, &["wo", "sw", "Analytics", "--json"]);
    assert_eq!(parse(&out)["changed"], false);
    assert_eq!(std::fs::read(env.config_path()).unwrap(), before);
}

#[test]
fn switch_dry_run_writes_nothing() {
    let env = TestEnv::new();
    login(&env);
    let before = std::fs::read(env.config_path()).unwrap();
    let out = stored(&env, &["wo", "sw", "Analytics", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Would switch to Workspace Analytics ({ANALYTICS}) (dry run: nothing written)\n")
    );
    let out = stored(&env, &["wo", "sw", "Analytics", "--dry-run", "--json"]);
    assert_eq!(
        parse(&out),
        json!({"name": "Analytics", "id": ANALYTICS, "previousId": null, "changed": true, "dryRun": true})
    );
    assert_eq!(std::fs::read(env.config_path()).unwrap(), before);
}

#[test]
fn switch_refusals_write_nothing() {
    let env = env_with_workspaces(&["Ops", "ops"]);
    // No context at all: not logged in, nothing asked of the API.
    let out = env.run(&["wo", "sw", "Analytics"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(stderr(&out).contains("not logged in"), "{}", stderr(&out));
    assert!(env.api_requests().is_empty());

    login(&env);
    let before = std::fs::read(env.config_path()).unwrap();
    let missing = stored(&env, &["wo", "sw"]);
    assert_eq!(missing.status.code(), Some(2));
    assert_eq!(
        stderr(&missing),
        "error: the Workspace is required when not running interactively\n\
         hint: pass its name or ID as the NAME_OR_ID argument\n"
    );
    let empty = stored(&env, &["wo", "sw", " "]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(env.api_requests().is_empty());

    let ops: Vec<String> = env
        .emu
        .workspaces()
        .into_iter()
        .filter(|w| w.name.eq_ignore_ascii_case("ops"))
        .map(|w| w.id)
        .collect();
    let ambiguous = stored(&env, &["wo", "sw", "OPS"]);
    assert_eq!(ambiguous.status.code(), Some(2));
    let err = stderr(&ambiguous);
    assert!(
        err.starts_with(&format!(
            "error: `OPS` names 2 Workspaces: Ops (`{}`), ops (`{}`)\n",
            ops[0], ops[1]
        )),
        "{err}"
    );
    assert!(
        err.contains("hint: pass the ID of the Workspace you mean"),
        "{err}"
    );
    // The exact name is one of them.
    let exact = stored(&env, &["wo", "sw", "ops", "--dry-run", "--json"]);
    assert_eq!(parse(&exact)["id"], ops[1].as_str());

    let unknown = stored(&env, &["wo", "sw", "Nope"]);
    assert_eq!(unknown.status.code(), Some(3));
    assert!(stderr(&unknown).contains("hint: run `astro workspace list`"));

    // Another Organization in force than the config's: its Workspace would be meaningless there.
    let other = stored(
        &env,
        &[
            "wo",
            "sw",
            "Engines",
            "--organization-id",
            "clron08w0000002capw1rcli2",
        ],
    );
    assert_eq!(other.status.code(), Some(2));
    assert!(
        stderr(&other).contains("hint: to make both current run `astro organization switch"),
        "{}",
        stderr(&other)
    );
    // A flag it does not take.
    let flag = stored(&env, &["wo", "sw", "Analytics", "--workspace-id", "x"]);
    assert_eq!(flag.status.code(), Some(2));
    assert!(stderr(&flag).contains("--workspace-id does not apply to `astro workspace switch`"));

    assert_eq!(std::fs::read(env.config_path()).unwrap(), before);
    assert!(env.mutations().is_empty());
}

#[test]
fn switch_says_when_the_environment_overrides_the_config() {
    let env = TestEnv::new();
    login(&env);
    let out = env
        .bare()
        .env("ASTRO_API_URL", env.emu.base_url())
        .env("ASTRO_WORKSPACE_ID", "Data Platform")
        .args(["wo", "sw", "Analytics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: ASTRO_WORKSPACE_ID is set and overrides the current Workspace\n"
    );
    assert_eq!(
        read_config(&env)["contexts"][env.emu_context_key().as_str()]["workspace"],
        ANALYTICS
    );
}

// ---------------------------------------------------------------------------------------
// create

#[test]
fn create_lists_once_then_posts_exactly_the_fields() {
    let env = TestEnv::new();
    let out = env.run(&[
        "workspace",
        "create",
        "Sandbox",
        "-d",
        "Try things",
        "--enforce-cicd",
        "ON",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let created = env.emu.workspace("Sandbox").expect("created");
    assert_eq!(
        parse(&out),
        json!({"id": created.id, "name": "Sandbox", "description": "Try things", "cicdEnforcedDefault": true})
    );
    assert_eq!(stderr(&out), "");
    assert!(created.cicd_enforced_default);
    assert_eq!(created.description.as_deref(), Some("Try things"));
    let requests = env.api_requests();
    assert_eq!(requests.len(), 2, "{requests:#?}");
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", workspaces_path(&env).as_str())
    );
    assert_eq!(
        (requests[1].method.as_str(), requests[1].path.as_str()),
        ("POST", workspaces_path(&env).as_str())
    );
    assert_eq!(
        body(&requests[1]),
        json!({"name": "Sandbox", "description": "Try things", "cicdEnforcedDefault": true})
    );

    // The Go CLI's -n; enforcement off when not given.
    let out = env.run(&["wo", "cr", "-n", "Scratch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let scratch = env.emu.workspace("Scratch").expect("created");
    assert_eq!(
        stdout(&out),
        format!(
            "Created Workspace Scratch ({}); CI/CD enforcement off\n",
            scratch.id
        )
    );
    assert_eq!(
        body(env.mutations().last().unwrap()),
        json!({"name": "Scratch", "description": "", "cicdEnforcedDefault": false})
    );
    assert_eq!(env.emu.workspaces().len(), 4);
}

#[test]
fn create_refusals_send_nothing() {
    let env = TestEnv::new();
    let taken = env.run(&["wo", "cr", "data PLATFORM"]);
    assert_eq!(taken.status.code(), Some(2));
    assert_eq!(
        stderr(&taken),
        format!(
            "error: the name `data PLATFORM` is taken by Workspace Data Platform (`{DATA_PLATFORM}`), ignoring case\n\
             hint: choose another name: Workspace names are unique here, ignoring case\n"
        )
    );
    assert_eq!(env.api_requests().len(), 1, "one listing");
    env.emu.clear_requests();

    let long = "x".repeat(51);
    for (args, says) in [
        (
            vec!["wo", "cr"],
            "error: the new Workspace's name is required when not running interactively\nhint: pass it as the NAME argument\n",
        ),
        (
            vec!["wo", "cr", &long],
            "error: the name has 51 characters; a Workspace name has at most 50\n",
        ),
        (
            vec!["wo", "cr", "Sandbox", "--enforce-cicd", "maybe"],
            "error: invalid value 'maybe' for '--enforce-cicd <on|off>'",
        ),
        (
            vec!["wo", "cr", "Sandbox", "--workspace-id", "Analytics"],
            "error: --workspace-id does not apply to `astro workspace create`",
        ),
        (
            vec!["wo", "cr", "Sandbox", "-n", "Other"],
            "error: the argument",
        ),
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with(says), "{args:?}: {}", stderr(&out));
    }
    assert!(env.api_requests().is_empty());
    assert_eq!(env.emu.workspaces().len(), 2);
}

#[test]
fn create_dry_run_checks_the_name_and_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "cr", "Sandbox", "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({"id": null, "name": "Sandbox", "description": "", "cicdEnforcedDefault": false, "dryRun": true})
    );
    let out = env.run(&["wo", "cr", "Sandbox", "--dry-run", "-e", "on"]);
    assert_eq!(
        stdout(&out),
        "Would create Workspace Sandbox; CI/CD enforcement on (dry run: nothing sent)\n"
    );
    let out = env.run(&["wo", "cr", "analytics", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(env.mutations().is_empty());
    assert_eq!(env.emu.workspaces().len(), 2);
}

#[test]
fn a_creation_whose_answer_is_lost_is_found_not_repeated() {
    let env = TestEnv::new();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/workspaces")
            .times(1),
    );
    let out = env.run(&["wo", "cr", "Sandbox", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let sandboxes: Vec<_> = env
        .emu
        .workspaces()
        .into_iter()
        .filter(|w| w.name == "Sandbox")
        .collect();
    assert_eq!(sandboxes.len(), 1);
    assert_eq!(parse(&out)["id"], sandboxes[0].id.as_str());
    assert_eq!(env.mutations().len(), 1, "one POST");
}

// ---------------------------------------------------------------------------------------
// update

#[test]
fn update_sends_every_field_keeping_those_not_given() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "up", "analytics", "--enforce-cicd", "on"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Updated Workspace Analytics ({ANALYTICS}): CI/CD enforcement off -> on\n")
    );
    assert_eq!(
        body(&env.mutations()[0]),
        json!({"name": "Analytics", "description": "Reporting and dashboards", "cicdEnforcedDefault": true})
    );
    env.emu.clear_requests();

    // A rename keeps the description and the enforcement just set (the Go CLI would switch
    // enforcement off here).
    let out = env.run(&[
        "workspace",
        "update",
        ANALYTICS,
        "--name",
        "Reports",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({
            "id": ANALYTICS,
            "name": "Reports",
            "description": "Reporting and dashboards",
            "cicdEnforcedDefault": true,
            "previous": {"name": "Analytics", "description": "Reporting and dashboards", "cicdEnforcedDefault": true},
            "changed": true,
        })
    );
    let requests = env.api_requests();
    assert_eq!(requests.len(), 2, "one listing, one update: {requests:#?}");
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[1].method, "POST");
    assert_eq!(
        requests[1].path,
        format!("{}/{ANALYTICS}", workspaces_path(&env))
    );
    assert_eq!(
        body(&requests[1]),
        json!({"name": "Reports", "description": "Reporting and dashboards", "cicdEnforcedDefault": true})
    );
    let ws = env.emu.workspace("Reports").unwrap();
    assert_eq!(ws.id, ANALYTICS);
    assert!(ws.cicd_enforced_default);

    // An empty description empties it; a change of case of its own name is no clash.
    let out = env.run(&["wo", "up", "Reports", "-d", "", "-n", "REPORTS"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        body(env.mutations().last().unwrap()),
        json!({"name": "REPORTS", "description": "", "cicdEnforcedDefault": true})
    );
    assert_eq!(
        env.emu.workspace("REPORTS").unwrap().description.as_deref(),
        Some("")
    );
}

#[test]
fn update_to_what_is_already_there_sends_nothing() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "up",
        "Analytics",
        "-d",
        "Reporting and dashboards",
        "-e",
        "off",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = parse(&out);
    assert_eq!(json["changed"], false);
    assert_eq!(
        json["previous"],
        json!({"name": "Analytics", "description": "Reporting and dashboards", "cicdEnforcedDefault": false})
    );
    let out = env.run(&["wo", "up", "Analytics", "-n", "Analytics"]);
    assert_eq!(
        stdout(&out),
        format!("Workspace Analytics ({ANALYTICS}) is already as asked; nothing changed\n")
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn update_dry_run_says_what_would_change() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "up",
        "Analytics",
        "-n",
        "Reports",
        "-e",
        "on",
        "--dry-run",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would update Workspace Analytics ({ANALYTICS}): name Analytics -> Reports, CI/CD enforcement off -> on (dry run: nothing sent)\n"
        )
    );
    let out = env.run(&["wo", "up", "Analytics", "-d", "New", "--dry-run", "--json"]);
    let json = parse(&out);
    assert_eq!(
        (json["changed"].clone(), json["dryRun"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(json["description"], "New");
    assert!(env.mutations().is_empty());
    assert_eq!(
        env.emu
            .workspace("Analytics")
            .unwrap()
            .description
            .as_deref(),
        Some("Reporting and dashboards")
    );
}

#[test]
fn update_takes_the_argument_or_workspace_id_never_the_tokens_or_the_configs() {
    let env = TestEnv::new();
    // A token naming a Workspace, and a config with a current Workspace: neither is used.
    let token = env.emu.mint_token(TokenOptions {
        workspace_id: Some(ANALYTICS.into()),
        ..TokenOptions::default()
    });
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", &token)
        .args(["wo", "up", "-d", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the Workspace to update is required when not running interactively\n\
         hint: pass its name or ID as the WORKSPACE argument (or --workspace-id)\n"
    );
    login(&env);
    assert_eq!(
        stored(&env, &["wo", "sw", "Analytics"]).status.code(),
        Some(0)
    );
    env.emu.clear_requests();
    let out = stored(&env, &["wo", "up", "-d", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(env.api_requests().is_empty());

    // --workspace-id and ASTRO_WORKSPACE_ID name it.
    let out = env.run(&["wo", "up", "-d", "one", "--workspace-id", "data platform"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = env
        .astro()
        .env("ASTRO_WORKSPACE_ID", DATA_PLATFORM)
        .args(["wo", "up", "-d", "two"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The argument beats the environment.
    let out = env
        .astro()
        .env("ASTRO_WORKSPACE_ID", DATA_PLATFORM)
        .args(["wo", "up", "Analytics", "-d", "three"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let paths: Vec<String> = env.mutations().into_iter().map(|r| r.path).collect();
    let path = |id: &str| format!("{}/{id}", workspaces_path(&env));
    assert_eq!(
        paths,
        [path(DATA_PLATFORM), path(DATA_PLATFORM), path(ANALYTICS)]
    );
    assert_eq!(
        env.emu
            .workspace("Data Platform")
            .unwrap()
            .description
            .as_deref(),
        Some("two")
    );
}

#[test]
fn update_refusals_send_nothing() {
    let env = TestEnv::new();
    for (args, code, says) in [
        (
            vec!["wo", "up", "Analytics"],
            2,
            "error: nothing to update\nhint: pass --name NEW, --description TEXT or --enforce-cicd on|off\n".to_owned(),
        ),
        (
            vec!["wo", "up", "Analytics", "-n", "data platform"],
            2,
            format!("error: the name `data platform` is taken by Workspace Data Platform (`{DATA_PLATFORM}`), ignoring case\n"),
        ),
        (
            vec!["wo", "up", "Analytics", "--workspace-id", "Data Platform", "-d", "x"],
            2,
            "error: two Workspaces named: `Analytics` (the argument) and `Data Platform` (--workspace-id)\n".to_owned(),
        ),
        (
            vec!["wo", "up", "Nope", "-d", "x"],
            3,
            format!("error: no Workspace `Nope` in Organization `{}` (from the argument)\n", env.emu.organization_id()),
        ),
        (
            vec!["wo", "up", "Analytics", "-n", ""],
            2,
            "error: invalid value '' for '--name <NEW>'".to_owned(),
        ),
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).starts_with(&says), "{args:?}: {}", stderr(&out));
    }
    assert!(env.mutations().is_empty());
    assert_eq!(env.emu.workspace("Analytics").unwrap().name, "Analytics");
}

// ---------------------------------------------------------------------------------------
// delete

#[test]
fn delete_with_force_counts_the_deployments_then_deletes() {
    let env = env_with_workspaces(&["Sandbox"]);
    let sandbox = env.emu.workspace("Sandbox").unwrap().id;
    let out = env.run(&["workspace", "delete", "sandbox", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        parse(&out),
        json!({"id": sandbox, "name": "Sandbox", "deleted": true, "deployments": 0})
    );
    assert_eq!(stderr(&out), "");
    assert!(env.emu.workspace("Sandbox").is_none());
    let requests = env.api_requests();
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert_eq!(requests[0].path, workspaces_path(&env));
    assert_eq!(
        requests[1].path,
        format!(
            "/v1/organizations/{}/deployments",
            env.emu.organization_id()
        )
    );
    assert_eq!(
        query_param(&requests[1], "workspaceIds"),
        Some(sandbox.clone())
    );
    assert_eq!(
        (requests[2].method.as_str(), requests[2].path.clone()),
        ("DELETE", format!("{}/{sandbox}", workspaces_path(&env)))
    );

    let env = env_with_workspaces(&["Sandbox"]);
    let sandbox = env.emu.workspace("Sandbox").unwrap().id;
    let out = env.run(&["wo", "de", "--workspace-id", &sandbox, "-f"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Deleted Workspace Sandbox ({sandbox})\n")
    );
    assert!(env.emu.workspace("Sandbox").is_none());
}

#[test]
fn delete_off_a_terminal_needs_the_workspace_named_and_force() {
    let env = env_with_workspaces(&["Sandbox"]);
    let token = env.emu.mint_token(TokenOptions {
        workspace_id: Some(ANALYTICS.into()),
        ..TokenOptions::default()
    });
    let missing = "error: the Workspace to delete is required when not running interactively\n\
                   hint: pass its name or ID as the WORKSPACE argument (or --workspace-id)";
    for (mut cmd, says) in [
        (env.astro(), missing.to_owned()),
        (
            {
                let mut c = env.astro();
                c.env("ASTRO_API_TOKEN", &token);
                c
            },
            missing.to_owned(),
        ),
        (
            {
                let mut c = env.astro();
                c.env("ASTRO_WORKSPACE_ID", "Sandbox");
                c
            },
            format!("{missing}; ASTRO_WORKSPACE_ID never chooses the Workspace to delete\n"),
        ),
    ] {
        let out = cmd.args(["wo", "de", "--force"]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).starts_with(&says), "{}", stderr(&out));
    }
    let out = env.run(&["wo", "de", "Sandbox"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: deleting a Workspace needs a confirmation, and there is no terminal to ask\n\
         hint: pass --force to delete without asking\n"
    );
    assert!(env.api_requests().is_empty());
    assert!(env.emu.workspace("Sandbox").is_some());
}

#[test]
fn delete_dry_run_says_how_many_deployments_go_with_it() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "de", "Analytics", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would delete Workspace Analytics ({ANALYTICS}) and its 2 Deployments (dry run: nothing sent)\n"
        )
    );
    assert_eq!(
        stderr(&out),
        "note: the API refuses to delete a Workspace that still has Deployments; it has 2 Deployments\n"
    );
    let out = env.run(&["wo", "de", ANALYTICS, "--dry-run", "--json"]);
    assert_eq!(
        parse(&out),
        json!({"id": ANALYTICS, "name": "Analytics", "deleted": false, "deployments": 2, "dryRun": true})
    );
    assert!(env.mutations().is_empty());
    assert!(env.emu.workspace("Analytics").is_some());
}

#[test]
fn deleting_a_workspace_with_deployments_reports_the_servers_refusal() {
    let mut seed = Seed::default();
    let mut lab = SeedWorkspace::named("Lab");
    lab.deployments
        .push(SeedDeployment::new("Experiment", "one"));
    seed.workspaces.push(lab);
    let env = TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap());
    let lab = env.emu.workspace("Lab").unwrap().id;
    let out = env.run(&["wo", "de", "Lab", "--force"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    let err = stderr(&out);
    assert!(
        err.starts_with(&format!(
            "error: Workspace {lab} still has 1 Deployment; delete it before the Workspace"
        )),
        "{err}"
    );
    assert!(
        err.ends_with("hint: delete or move its 1 Deployment first, then run this again\n"),
        "{err}"
    );
    assert_eq!(env.mutations().len(), 1);
    assert!(env.emu.workspace("Lab").is_some());
}
