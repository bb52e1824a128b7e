//! `astro deployment token list|get|create|update|rotate|delete` and the Go CLI's
//! `workspace-token add|update|remove|list` and `organization-token add|update|remove|list`: a
//! Deployment's API tokens, and the roles of wider tokens on it.
//!
//! The default seed plus (see [`seed`]): "Ingestion deploys" and "Ingestion reader", Ingestion's
//! own tokens (DEPLOYMENT_ADMIN; a custom role, expiring in 3 days); "Loads bot", Warehouse
//! Loads' own token; "Pipelines CI", a Workspace token of Data Platform with DEPLOYMENT_ADMIN on
//! Ingestion; and "Platform automation" (an Organization token, WORKSPACE_OPERATOR in Data
//! Platform) given DEPLOYMENT_ADMIN on Ingestion.
//!
//! The emulator may not serve ListRoles (the Deployment's roles): the tests that need a role
//! checked say what ListRoles answers, a 403 (the token may not list roles: DEPLOYMENT_ADMIN is
//! known, another name goes unchecked with a warning) or a catalogue of their own, so they hold
//! whether or not it is emulated.

use std::io::{Read, Write};

use astro_emulator::{
    Emulator, Fault, FaultKind, Seed, SeedApiToken, SeedCustomRole, SeedDeploymentRole,
};
use serde_json::{Value, json};

use crate::common::{TestEnv, query_param, stderr, stdout};

pub const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
pub const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";
const WAREHOUSE_LOADS: &str = "clrg580lc000002cuoizodml6";
const CI_DEPLOY: &str = "clrize000000001l88aik0i0y";
const ANALYTICS_REPORTING: &str = "clrj1j5s0000002l8qgdd6wpp";
const PLATFORM_AUTOMATION: &str = "clrj3obk0000003l8trly6hth";
const LEGACY_SYNC: &str = "clrj7yn40000005l8r081g9oq";

fn deployment_role(deployment: &str, role: &str) -> SeedDeploymentRole {
    SeedDeploymentRole {
        deployment: Some(deployment.into()),
        deployment_id: None,
        role: role.into(),
    }
}

/// The default seed with Deployment tokens and wider tokens on Ingestion (see the module).
pub fn seed() -> Seed {
    let mut seed = Seed::default();
    let org = seed.organization.as_mut().unwrap();
    // The custom Deployment roles these tests give (the API refuses a name it does not know).
    for name in [
        "Ingestion Viewer",
        "Custom Operator",
        "Loads Operator",
        "Ingestion Operator",
    ] {
        org.custom_roles.push(SeedCustomRole {
            name: name.into(),
            scope_type: "DEPLOYMENT".into(),
            description: None,
            restricted_workspaces: vec![],
            restricted_workspace_ids: vec![],
            id: None,
        });
    }
    org.api_tokens
        .iter_mut()
        .find(|t| t.name == "Platform automation")
        .unwrap()
        .deployment_roles
        .push(deployment_role("Ingestion", "DEPLOYMENT_ADMIN"));
    org.api_tokens.push(SeedApiToken {
        description: Some("Deploys from CI".into()),
        deployment: Some("Ingestion".into()),
        ..SeedApiToken::new("Ingestion deploys", "DEPLOYMENT", "DEPLOYMENT_ADMIN")
    });
    org.api_tokens.push(SeedApiToken {
        description: Some("Reads the run history".into()),
        deployment: Some("Ingestion".into()),
        expiry_period_in_days: Some(30),
        created_days_ago: Some(27.0),
        ..SeedApiToken::new("Ingestion reader", "DEPLOYMENT", "Ingestion Viewer")
    });
    org.api_tokens.push(SeedApiToken {
        deployment: Some("Warehouse Loads".into()),
        ..SeedApiToken::new("Loads bot", "DEPLOYMENT", "DEPLOYMENT_ADMIN")
    });
    org.api_tokens.push(SeedApiToken {
        workspace: Some("Data Platform".into()),
        deployment_roles: vec![deployment_role("Ingestion", "DEPLOYMENT_ADMIN")],
        ..SeedApiToken::new("Pipelines CI", "WORKSPACE", "WORKSPACE_AUTHOR")
    });
    seed
}

pub fn custom_env() -> TestEnv {
    TestEnv::with_emulator(Emulator::builder().seed(seed()).unwrap().spawn().unwrap())
}

/// ListRoles answers 403: the token in use may not list the Organization's roles.
pub fn roles_unlisted(env: &TestEnv) {
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 403,
            retry_after: None,
        })
        .method("GET")
        .path("/v1/organizations/*/roles")
        .times(1000),
    );
}

/// ListRoles answers with DEPLOYMENT_ADMIN and the custom role "Custom Operator".
pub fn roles_listed(env: &TestEnv) {
    env.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: json!({
                "defaultRoles": [{"name": "DEPLOYMENT_ADMIN", "scopeType": "DEPLOYMENT"}],
                "roles": [{"name": "Custom Operator", "scopeType": "DEPLOYMENT"}],
                "totalCount": 1,
                "limit": 1000,
                "offset": 0
            })
            .to_string(),
        })
        .method("GET")
        .path("/v1/organizations/*/roles")
        .times(1000),
    );
}

fn id_of(env: &TestEnv, name: &str) -> String {
    env.emu
        .api_token(name)
        .unwrap_or_else(|| panic!("no token {name}"))
        .id
}

/// Every API-token secret the emulator holds: none may ever be printed (but by create and
/// rotate).
fn secrets(env: &TestEnv) -> Vec<String> {
    env.emu
        .api_tokens()
        .iter()
        .filter_map(|t| env.emu.api_token_secret(&t.id))
        .collect()
}

/// Runs `astro ARGS` and checks that no API-token secret is in its output.
fn run(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let secrets = secrets(env);
    let out = env.run(args);
    for secret in secrets {
        assert!(
            !stdout(&out).contains(&secret) && !stderr(&out).contains(&secret),
            "a secret in the output of {args:?}"
        );
    }
    out
}

/// `astro ARGS --deployment-id Ingestion`.
fn on_ingestion(env: &TestEnv, args: &[&str]) -> std::process::Output {
    let args: Vec<&str> = args
        .iter()
        .chain(&["--deployment-id", "Ingestion"])
        .copied()
        .collect();
    run(env, &args)
}

fn json_of(out: &std::process::Output) -> Value {
    serde_json::from_str(&stdout(out))
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(out), stderr(out)))
}

fn bodies(env: &TestEnv) -> Vec<Value> {
    env.mutations()
        .into_iter()
        .map(|r| serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap())
        .collect()
}

fn tokens_path(env: &TestEnv) -> String {
    format!("/v1/organizations/{}/tokens", env.emu.organization_id())
}

/// `METHOD PATH` of every API request.
fn requests(env: &TestEnv) -> Vec<String> {
    env.api_requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// `METHOD PATH` of every change sent.
fn mutations(env: &TestEnv) -> Vec<String> {
    env.mutations()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// A token's roles in the emulator, as `TYPE ENTITY ROLE` (`… in DEPLOYMENT` for a DAG's)
/// lines in the API's order.
fn roles_of(env: &TestEnv, name: &str) -> Vec<String> {
    env.emu
        .api_token(name)
        .unwrap_or_else(|| panic!("no token {name}"))
        .roles
        .iter()
        .map(|r| match &r.deployment_id {
            Some(d) => format!("{} {} {} in {d}", r.entity_type, r.entity_id, r.role),
            None => format!("{} {} {}", r.entity_type, r.entity_id, r.role),
        })
        .collect()
}

fn names(json: &Value) -> Vec<&str> {
    json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect()
}

/// Sends `body` to the emulator as `POST path` (HTTP/1.1, the TestEnv token); the status.
fn post(env: &TestEnv, path: &str, body: &Value) -> u16 {
    let body = body.to_string();
    let mut stream = std::net::TcpStream::connect(env.emu.addr()).expect("connects");
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        env.emu.addr(),
        env.emu.token(),
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status in {answer}"))
}

// ---------------------------------------------------------------------------------------
// list

#[test]
fn list_shows_every_token_with_a_role_on_the_deployment_with_its_scope_and_role_there() {
    let env = custom_env();
    let out = run(
        &env,
        &[
            "de",
            "to",
            "ls",
            "--deployment-id",
            "Ingestion",
            "--workspace-id",
            "Data Platform",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(
        names(&json),
        [
            "Ingestion deploys",
            "Ingestion reader",
            "Pipelines CI",
            "Platform automation"
        ],
        "never Loads bot (another Deployment's) nor tokens without a role on Ingestion"
    );
    let scopes_and_roles: Vec<(&str, &str)> = json["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["scope"].as_str().unwrap(), t["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        scopes_and_roles,
        [
            ("DEPLOYMENT", "DEPLOYMENT_ADMIN"),
            ("DEPLOYMENT", "Ingestion Viewer"),
            ("WORKSPACE", "DEPLOYMENT_ADMIN"),
            // Its role on this Deployment, not its Organization role.
            ("ORGANIZATION", "DEPLOYMENT_ADMIN"),
        ]
    );
    assert_eq!(json["tokens"][0]["description"], "Deploys from CI");
    assert_eq!(json["tokens"][0]["expiresAt"], Value::Null);
    assert!(json["tokens"][1]["expiresAt"].is_string());
    assert!(json["tokens"][0].get("token").is_none());
    // One listing, by Deployment.
    let listings: Vec<_> = env
        .api_requests()
        .into_iter()
        .filter(|r| r.path == tokens_path(&env))
        .collect();
    assert_eq!(listings.len(), 1);
    assert_eq!(
        query_param(&listings[0], "deploymentId").as_deref(),
        Some(INGESTION)
    );
    assert!(env.mutations().is_empty());

    // The table: tab-separated off a terminal, the expiry in words.
    let out = run(
        &env,
        &["deployment", "token", "list", "--deployment-id", INGESTION],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<Vec<String>> = stdout(&out)
        .lines()
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect();
    assert_eq!(
        lines[0],
        [
            "NAME",
            "ID",
            "DESCRIPTION",
            "SCOPE",
            "ROLE",
            "EXPIRES",
            "CREATED BY",
            "CREATE DATE"
        ]
    );
    assert_eq!(lines.len(), 5);
    assert_eq!(
        lines[1][..7],
        [
            "Ingestion deploys",
            &id_of(&env, "Ingestion deploys"),
            "Deploys from CI",
            "DEPLOYMENT",
            "DEPLOYMENT_ADMIN",
            "never",
            "ada@example.com"
        ]
    );
    assert!(lines[2][5].contains("(in 2 days)") || lines[2][5].contains("(in 3 days)"));
    assert_eq!(
        lines[4][..5],
        [
            "Platform automation",
            PLATFORM_AUTOMATION,
            "Terraform for the platform",
            "ORGANIZATION",
            "DEPLOYMENT_ADMIN"
        ]
    );
}

#[test]
fn list_keeps_one_scope_or_the_tokens_expiring_soon_and_the_go_spellings_list_theirs() {
    let env = custom_env();
    let list = |extra: &[&str]| {
        let args: Vec<&str> = ["de", "to"]
            .iter()
            .chain(extra)
            .chain(&["--json"])
            .copied()
            .collect();
        let out = on_ingestion(&env, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        names(&json_of(&out))
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        list(&["ls", "--scope", "deployment"]),
        ["Ingestion deploys", "Ingestion reader"]
    );
    assert_eq!(list(&["ls", "--scope", "workspace"]), ["Pipelines CI"]);
    assert_eq!(
        list(&["ls", "--scope", "organization"]),
        ["Platform automation"]
    );
    assert_eq!(list(&["workspace-token", "list"]), ["Pipelines CI"]);
    assert_eq!(list(&["organization-token", "ls"]), ["Platform automation"]);
    assert_eq!(
        list(&["ls", "--expiring-within", "7"]),
        ["Ingestion reader"]
    );
    assert!(list(&["ls", "--expiring-within", "1"]).is_empty());
    assert!(env.mutations().is_empty());
    // Off a terminal without a Deployment, or with a bad filter: exit 2 before any request.
    env.emu.clear_requests();
    for args in [
        &["de", "to", "ls"][..],
        &["de", "to", "get", "x"],
        &["de", "to", "organization-token", "ls"],
        &[
            "de",
            "to",
            "ls",
            "--scope",
            "dag",
            "--deployment-id",
            INGESTION,
        ],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
    let out = run(&env, &["de", "to", "ls"]);
    assert!(stderr(&out).contains("--deployment-id"), "{}", stderr(&out));
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
}

// ---------------------------------------------------------------------------------------
// get

#[test]
fn get_shows_a_deployment_token_and_its_roles_by_name() {
    let env = custom_env();
    let id = id_of(&env, "Ingestion deploys");
    let out = on_ingestion(&env, &["de", "to", "get", "INGESTION deploys", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["id"], json!(id));
    assert_eq!(json["scope"], "DEPLOYMENT");
    assert_eq!(json["role"], "DEPLOYMENT_ADMIN");
    assert_eq!(json["deploymentId"], INGESTION);
    assert_eq!(json["deploymentName"], "Ingestion");
    assert_eq!(json["workspaceId"], DATA_PLATFORM);
    assert_eq!(json["workspaceName"], "Data Platform");
    assert!(json.get("token").is_none(), "{json}");
    assert_eq!(
        json["roles"],
        json!([{"entityType": "DEPLOYMENT", "entityId": INGESTION, "entityName": "Ingestion", "role": "DEPLOYMENT_ADMIN"}])
    );
    let out = run(
        &env,
        &["de", "to", "get", &id, "--deployment-id", INGESTION],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "Name:             Ingestion deploys\n",
        "Scope:            DEPLOYMENT\n",
        "Deployment:       Ingestion\n",
        "Workspace:        Data Platform\n",
        "Deployment role:  DEPLOYMENT_ADMIN\n",
        "Expires:          never\n",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
    assert!(
        text.lines().any(|l| l.starts_with("DEPLOYMENT")
            && l.contains(INGESTION)
            && l.contains("Ingestion")
            && l.ends_with("DEPLOYMENT_ADMIN")),
        "{text}"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn a_wider_or_another_deployments_token_named_in_get_update_rotate_or_delete_is_exit_2() {
    let env = custom_env();
    // `update --role` checks the role first.
    roles_unlisted(&env);
    let before = env.emu.api_tokens();
    let pipelines = id_of(&env, "Pipelines CI");
    let loads = id_of(&env, "Loads bot");
    for (token, id, expected) in [
        (
            "Platform automation",
            PLATFORM_AUTOMATION.to_owned(),
            format!(
                "hint: it is an Organization API token: use `astro organization token …`; its role on this Deployment changes with `astro deployment token organization-token update|remove {PLATFORM_AUTOMATION} --deployment-id {INGESTION}`"
            ),
        ),
        (
            "CI deploy",
            CI_DEPLOY.to_owned(),
            format!(
                "hint: it is an Organization API token: use `astro organization token …`; it gets a role on this Deployment with `astro deployment token organization-token add {CI_DEPLOY} --deployment-id {INGESTION}`"
            ),
        ),
        (
            "pipelines ci",
            pipelines.clone(),
            format!(
                "hint: it is a Workspace API token: use `astro workspace token …` with --workspace-id {DATA_PLATFORM}; its role on this Deployment changes with `astro deployment token workspace-token update|remove {pipelines} --deployment-id {INGESTION}`"
            ),
        ),
        (
            "Loads bot",
            loads.clone(),
            format!(
                "hint: it is a Deployment API token: use `astro deployment token …` with --deployment-id {WAREHOUSE_LOADS}"
            ),
        ),
    ] {
        for verb in [
            &["get"][..],
            &["update", "-n", "Renamed"],
            &["up", "-r", "DEPLOYMENT_ADMIN"],
            &["rotate", "--force"],
            &["delete", "--force"],
            &["de", "--force", "--json"],
        ] {
            let args: Vec<&str> = ["de", "to", verb[0], token]
                .iter()
                .chain(&verb[1..])
                .copied()
                .collect();
            let out = on_ingestion(&env, &args);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
            assert!(stdout(&out).is_empty(), "{args:?}");
            let err = stderr(&out);
            assert!(
                err.contains(&format!(
                    "names API token `{id}`, which is not one of this Deployment's own tokens"
                )) && err.contains(&expected),
                "{args:?}: {err}"
            );
        }
    }
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert_eq!(env.emu.api_tokens(), before, "nothing changed");
    // No token of that name anywhere: exit 3.
    let out = on_ingestion(&env, &["de", "to", "delete", "No such token", "--force"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("hint: run `astro deployment token list`"),
        "{}",
        stderr(&out)
    );
    // Off a terminal, the token and --force are needed, before any request.
    env.emu.clear_requests();
    for (args, flag) in [
        (&["de", "to", "get"][..], "TOKEN"),
        (&["de", "to", "update", "-n", "x"], "TOKEN"),
        (&["de", "to", "rotate", "--force"], "TOKEN"),
        (&["de", "to", "delete", "--force"], "TOKEN"),
        (&["de", "to", "rotate", "Ingestion deploys"], "--force"),
        (&["de", "to", "delete", "Ingestion deploys"], "--force"),
        (&["de", "to", "update", "Ingestion deploys"], "--name"),
    ] {
        let out = on_ingestion(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
}

// ---------------------------------------------------------------------------------------
// create, rotate

#[test]
fn create_makes_a_deployment_token_whose_value_works_until_rotated() {
    let env = custom_env();
    let out = run(
        &env,
        &[
            "de",
            "to",
            "cr",
            "Nightly deploys",
            "-d",
            "deploys at night",
            "-e",
            "30",
            "--deployment-id",
            INGESTION,
            "--clean-output",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "--clean-output prints nothing else");
    let created = env.emu.api_token("Nightly deploys").unwrap();
    let first = env.emu.api_token_secret(&created.id).unwrap();
    assert_eq!(stdout(&out), format!("{first}\n"));
    assert_eq!(created.scope, "DEPLOYMENT");
    assert_eq!(created.entity_id, INGESTION);
    assert_eq!(created.expiry_period_in_days, Some(30));
    assert_eq!(
        roles_of(&env, "Nightly deploys"),
        [format!("DEPLOYMENT {INGESTION} DEPLOYMENT_ADMIN")],
        "the default role"
    );
    assert_eq!(
        mutations(&env),
        [format!("POST {}", tokens_path(&env))],
        "sent once"
    );
    assert_eq!(
        bodies(&env),
        [json!({
            "name": "Nightly deploys",
            "description": "deploys at night",
            "scope": "DEPLOYMENT",
            "role": "DEPLOYMENT_ADMIN",
            "entityId": INGESTION,
            "tokenExpiryPeriodInDays": 30
        })]
    );
    // Off a terminal the default role needs no check: the Deployment's roles are not read.
    assert!(
        !requests(&env).iter().any(|r| r.ends_with("/roles")),
        "{:#?}",
        requests(&env)
    );

    // The value is ASTRO_API_TOKEN for what the token may read: its Deployment.
    let read = |secret: &str| {
        env.astro()
            .env("ASTRO_API_TOKEN", secret)
            .args(["deployment", "list", "--all", "--jq", ".deployments[].name"])
            .output()
            .unwrap()
    };
    let out = read(&first);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Ingestion\n");

    // Rotated: a new value printed once, the old one refused.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &["de", "to", "ro", "nightly DEPLOYS", "--force", "-c"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = stdout(&out).trim_end().to_owned();
    assert_ne!(first, second);
    assert_eq!(second, env.emu.api_token_secret(&created.id).unwrap());
    assert_eq!(stderr(&out), "");
    assert_eq!(
        mutations(&env),
        [format!("POST {}/{}/rotate", tokens_path(&env), created.id)]
    );
    let out = read(&first);
    assert_eq!(out.status.code(), Some(4), "the old value is refused");
    assert!(!stderr(&out).contains(&first));
    let out = read(&second);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "Ingestion\n");
    let after = env.emu.api_token("Nightly deploys").unwrap();
    assert_eq!(after.rotations, 1);
    assert_eq!(after.roles, created.roles);
}

#[test]
fn create_and_rotate_print_json_with_the_value_once() {
    let env = custom_env();
    roles_unlisted(&env);
    let out = on_ingestion(&env, &["de", "to", "cr", "Loud", "-r", "admin", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    let loud = env.emu.api_token("Loud").unwrap();
    let secret = env.emu.api_token_secret(&loud.id).unwrap();
    assert_eq!(json["token"], json!(secret));
    assert_eq!(json["id"], json!(loud.id));
    assert_eq!(json["scope"], "DEPLOYMENT");
    assert_eq!(json["role"], "DEPLOYMENT_ADMIN");
    assert_eq!(stdout(&out).matches(&secret).count(), 1);
    assert!(!stderr(&out).contains(&secret));
    // A custom role the token may not check goes as given, with a warning.
    let out = on_ingestion(
        &env,
        &["de", "to", "cr", "Custom", "-r", "Ingestion Operator"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "warning: this token may not list the Organization's roles, so `Ingestion Operator` is sent unchecked"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        roles_of(&env, "Custom"),
        [format!("DEPLOYMENT {INGESTION} Ingestion Operator")]
    );
    // Rotate as JSON.
    let out = on_ingestion(&env, &["de", "to", "ro", "Loud", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    let new = env.emu.api_token_secret(&loud.id).unwrap();
    assert_ne!(new, secret);
    assert_eq!(json["token"], json!(new));
    assert_eq!(json["role"], "DEPLOYMENT_ADMIN");
    assert_eq!(stdout(&out).matches(&new).count(), 1);
}

#[test]
fn a_lost_answer_to_a_create_is_never_sent_again_and_says_how_to_rotate_it() {
    let env = custom_env();
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/tokens"),
    );
    let out = on_ingestion(&env, &["de", "to", "cr", "Lost one", "--timeout", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let created = env.emu.api_token("Lost one").expect("the creation landed");
    assert_eq!(created.scope, "DEPLOYMENT");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "hint: rotate it to get a value: `astro deployment token rotate {} --deployment-id {INGESTION}`",
            created.id
        )),
        "{err}"
    );
    assert_eq!(env.mutations().len(), 1, "sent once");
    assert_eq!(stdout(&out), "");
}

#[test]
fn create_checks_the_name_and_the_role_before_anything_is_sent() {
    let env = custom_env();
    for (args, expected) in [
        (
            &[
                "de",
                "to",
                "cr",
                "x",
                "-e",
                "0",
                "--deployment-id",
                INGESTION,
            ][..],
            "0 is not in 1..=3650",
        ),
        (
            &[
                "de",
                "to",
                "cr",
                "x",
                "-c",
                "--json",
                "--deployment-id",
                INGESTION,
            ][..],
            "cannot be used with",
        ),
        (
            &["de", "to", "cr", "--deployment-id", INGESTION][..],
            "the token's name is required when not running interactively",
        ),
        (&["de", "to", "cr", "x"][..], "--deployment-id"),
        (
            &["de", "to", "ro", "x", "--deployment-id", INGESTION][..],
            "hint: pass --force to rotate without asking",
        ),
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
    // A name another of the Deployment's tokens has, ignoring case: exit 1, nothing created.
    let out = on_ingestion(&env, &["de", "to", "cr", "INGESTION READER"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("another Deployment API token is named `Ingestion reader`"),
        "{}",
        stderr(&out)
    );
    // Another scope's token may have it.
    let out = on_ingestion(&env, &["de", "to", "cr", "Loads bot", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would create Deployment API token Loads bot with the role DEPLOYMENT_ADMIN, never expiring (dry run: nothing sent)\n"
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn a_role_the_deployment_does_not_have_is_refused_before_anything_is_sent() {
    let env = custom_env();
    roles_listed(&env);
    let before = env.emu.api_tokens();
    for args in [
        &["de", "to", "cr", "x", "-r", "OWNER"][..],
        &["de", "to", "up", "Ingestion deploys", "-r", "OWNER"],
        &[
            "de",
            "to",
            "organization-token",
            "add",
            "CI deploy",
            "-r",
            "OWNER",
        ],
        &[
            "de",
            "to",
            "organization-token",
            "update",
            "Platform automation",
            "-r",
            "OWNER",
        ],
        &[
            "de",
            "to",
            "workspace-token",
            "add",
            "Legacy sync",
            "-r",
            "OWNER",
        ],
    ] {
        let out = on_ingestion(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(
                "`OWNER` is not a Deployment role on Deployment Ingestion; valid: DEPLOYMENT_ADMIN, Custom Operator"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert_eq!(env.emu.api_tokens(), before);
    // A known one in any case is sent as the catalogue names it.
    let out = on_ingestion(
        &env,
        &["de", "to", "cr", "Operator", "-r", "custom operator"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        roles_of(&env, "Operator"),
        [format!("DEPLOYMENT {INGESTION} Custom Operator")]
    );
}

// ---------------------------------------------------------------------------------------
// update

#[test]
fn a_name_only_update_never_touches_the_roles() {
    let env = custom_env();
    let id = id_of(&env, "Ingestion deploys");
    let before = env.emu.api_token("Ingestion deploys").unwrap();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "up",
            "Ingestion deploys",
            "-n",
            "Ingestion CI",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": id,
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deploymentId": INGESTION,
            "deploymentName": "Ingestion",
            "name": "Ingestion CI",
            "description": "Deploys from CI",
            "role": "DEPLOYMENT_ADMIN",
            "previous": {
                "name": "Ingestion deploys",
                "description": "Deploys from CI",
                "role": "DEPLOYMENT_ADMIN"
            },
            "changed": true
        })
    );
    // One UpdateApiToken with the description as it is; no role read, check or write.
    assert_eq!(
        mutations(&env),
        [format!("POST {}/{id}", tokens_path(&env))]
    );
    assert_eq!(
        bodies(&env),
        [json!({"name": "Ingestion CI", "description": "Deploys from CI"})]
    );
    let get = format!("GET {}/{id}", tokens_path(&env));
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.ends_with("/roles") || *r == get),
        "{:#?}",
        requests(&env)
    );
    let after = env.emu.api_token("Ingestion CI").unwrap();
    assert_eq!(after.roles, before.roles);
    assert_eq!(after.short_token, before.short_token);
    // The description alone, as a sentence.
    env.emu.clear_requests();
    let out = on_ingestion(&env, &["de", "to", "up", "Ingestion CI", "-d", ""]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!("Updated API token Ingestion CI ({id}): description \"Deploys from CI\" -> \"\"\n")
    );
    assert_eq!(
        bodies(&env),
        [json!({"name": "Ingestion CI", "description": ""})]
    );
    assert_eq!(
        env.emu.api_token("Ingestion CI").unwrap().roles,
        before.roles
    );
    // A name another of the Deployment's tokens has: exit 1, nothing sent.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &["de", "to", "up", "Ingestion CI", "-n", "ingestion reader"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("is taken by Deployment API token Ingestion reader"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn a_role_update_sends_the_whole_list_with_only_the_deployment_entry_changed() {
    let env = custom_env();
    roles_unlisted(&env);
    let id = id_of(&env, "Ingestion deploys");
    let token_path = format!("{}/{id}", tokens_path(&env));
    // Give it a DAG role in its Deployment, to be kept.
    let status = post(
        &env,
        &format!("{token_path}/roles"),
        &json!({"roles": [
            {"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "DEPLOYMENT_ADMIN"},
            {"entityType": "DAG", "entityId": "load_orders", "deploymentId": INGESTION, "role": "DAG_AUTHOR"}
        ]}),
    );
    assert_eq!(status, 200);
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "up",
            "Ingestion deploys",
            "-r",
            "Custom Operator",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Updated API token Ingestion deploys ({id}): role on Deployment Ingestion DEPLOYMENT_ADMIN -> Custom Operator\n"
        )
    );
    assert!(
        stderr(&out).contains("is sent unchecked"),
        "{}",
        stderr(&out)
    );
    assert_eq!(mutations(&env), [format!("POST {token_path}/roles")]);
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            {"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "Custom Operator"},
            {"entityType": "DAG", "entityId": "load_orders", "deploymentId": INGESTION, "role": "DAG_AUTHOR"}
        ]})]
    );
    // Read right before the write.
    let all = requests(&env);
    let at = all
        .iter()
        .position(|r| *r == format!("POST {token_path}/roles"))
        .unwrap();
    assert_eq!(all[at - 1], format!("GET {token_path}"));
    assert_eq!(
        roles_of(&env, "Ingestion deploys"),
        [
            format!("DEPLOYMENT {INGESTION} Custom Operator"),
            format!("DAG load_orders DAG_AUTHOR in {INGESTION}")
        ]
    );
    // Already so: nothing sent; a dry run sends nothing either.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "up",
            "Ingestion deploys",
            "-r",
            "Custom Operator",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "up",
            "Ingestion deploys",
            "-r",
            "admin",
            "--dry-run",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with(
            "role on Deployment Ingestion Custom Operator -> DEPLOYMENT_ADMIN (dry run: nothing sent)\n"
        ),
        "{}",
        stdout(&out)
    );
    assert!(env.mutations().is_empty());
}

// ---------------------------------------------------------------------------------------
// delete

#[test]
fn delete_needs_force_off_a_terminal_and_deletes_only_the_deployments_own_token() {
    let env = custom_env();
    let id = id_of(&env, "Ingestion reader");
    let out = on_ingestion(&env, &["de", "to", "de", "Ingestion reader", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Would delete API token Ingestion reader ({id}) of Deployment Ingestion (dry run: nothing sent)\n"
        )
    );
    assert!(env.mutations().is_empty());
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "delete",
            "ingestion READER",
            "--force",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": id,
            "name": "Ingestion reader",
            "scope": "DEPLOYMENT",
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deploymentId": INGESTION,
            "deploymentName": "Ingestion",
            "deleted": true,
            "inUse": false
        })
    );
    assert_eq!(
        mutations(&env),
        [format!("DELETE {}/{id}", tokens_path(&env))]
    );
    assert!(env.emu.api_token("Ingestion reader").unwrap().deleted);
    for other in [
        "Ingestion deploys",
        "Loads bot",
        "Pipelines CI",
        "Platform automation",
    ] {
        assert!(!env.emu.api_token(other).unwrap().deleted, "{other}");
    }
    // Its value is refused now.
    let out = env
        .astro()
        .env(
            "ASTRO_API_TOKEN",
            env.emu.api_token_secret(&id).unwrap_or_default(),
        )
        .args(["deployment", "list", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------
// organization-token, workspace-token

/// The Organization token's complete role list before a Deployment role is added: its
/// Organization role, its Workspace role and a DAG role in Ingestion.
fn wider_roles(env: &TestEnv) -> Value {
    let org = env.emu.organization_id();
    json!([
        {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"},
        {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_OPERATOR"},
        {"entityType": "DAG", "entityId": "load_orders", "deploymentId": INGESTION, "role": "DAG_AUTHOR"}
    ])
}

#[test]
fn a_deployment_change_leaves_the_tokens_organization_workspace_and_dag_roles_as_they_were() {
    let env = custom_env();
    roles_unlisted(&env);
    let token_path = format!("{}/{PLATFORM_AUTOMATION}", tokens_path(&env));
    let wider = wider_roles(&env);
    let status = post(
        &env,
        &format!("{token_path}/roles"),
        &json!({ "roles": wider }),
    );
    assert_eq!(status, 200);
    let before = roles_of(&env, "Platform automation");
    assert_eq!(before.len(), 3);
    let with = |role: &str| {
        let mut roles = wider.as_array().unwrap().clone();
        roles.push(json!({"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": role}));
        json!({ "roles": roles })
    };
    let last_two = |env: &TestEnv| {
        let all = requests(env);
        all[all.len() - 2..].to_vec()
    };

    // add: the Deployment entry appended, everything else as read.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "organization-token",
            "add",
            "Platform automation",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "id": PLATFORM_AUTOMATION,
            "name": "Platform automation",
            "workspaceId": DATA_PLATFORM,
            "workspaceName": "Data Platform",
            "deploymentId": INGESTION,
            "deploymentName": "Ingestion",
            "previousRole": null,
            "role": "DEPLOYMENT_ADMIN",
            "changed": true
        })
    );
    assert_eq!(bodies(&env), [with("DEPLOYMENT_ADMIN")]);
    assert_eq!(
        last_two(&env),
        [
            format!("GET {token_path}"),
            format!("POST {token_path}/roles")
        ]
    );

    // update: only the Deployment entry changes.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "organization-token",
            "up",
            "platform automation",
            "-r",
            "Custom Operator",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Updated API token Platform automation in Deployment Ingestion: DEPLOYMENT_ADMIN -> Custom Operator\n"
    );
    assert_eq!(bodies(&env), [with("Custom Operator")]);
    assert_eq!(
        last_two(&env),
        [
            format!("GET {token_path}"),
            format!("POST {token_path}/roles")
        ]
    );

    // remove: the Deployment entry goes; the token and its other roles stay.
    env.emu.clear_requests();
    let out = on_ingestion(
        &env,
        &[
            "de",
            "to",
            "organization-token",
            "rm",
            PLATFORM_AUTOMATION,
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed API token Platform automation from Deployment Ingestion (was Custom Operator)\n"
    );
    assert_eq!(bodies(&env), [json!({ "roles": wider })]);
    let after = env.emu.api_token("Platform automation").unwrap();
    assert!(!after.deleted);
    assert_eq!(roles_of(&env, "Platform automation"), before);
}

#[test]
fn a_workspace_token_gets_a_role_on_its_workspaces_deployments_only() {
    let env = custom_env();
    roles_unlisted(&env);
    let legacy_path = format!("{}/{LEGACY_SYNC}", tokens_path(&env));
    let ws_entry =
        json!({"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_MEMBER"});
    let on_loads = |args: &[&str]| {
        let args: Vec<&str> = ["de", "to", "workspace-token"]
            .iter()
            .chain(args)
            .chain(&["--deployment-id", "Warehouse Loads"])
            .copied()
            .collect();
        run(&env, &args)
    };
    let out = on_loads(&["add", "Legacy sync", "-r", "admin"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Added API token Legacy sync to Deployment Warehouse Loads as DEPLOYMENT_ADMIN\n"
    );
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            ws_entry,
            {"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS, "role": "DEPLOYMENT_ADMIN"}
        ]})]
    );
    let all = requests(&env);
    assert_eq!(
        all[all.len() - 2..],
        [
            format!("GET {legacy_path}"),
            format!("POST {legacy_path}/roles")
        ]
    );
    env.emu.clear_requests();
    let out = on_loads(&["update", "legacy sync", "-r", "Loads Operator", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json = json_of(&out);
    assert_eq!(json["previousRole"], "DEPLOYMENT_ADMIN");
    assert_eq!(json["role"], "Loads Operator");
    assert_eq!(json["deploymentId"], WAREHOUSE_LOADS);
    assert_eq!(
        bodies(&env),
        [json!({"roles": [
            ws_entry,
            {"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS, "role": "Loads Operator"}
        ]})]
    );
    let out = on_loads(&["ls", "--json"]);
    assert_eq!(names(&json_of(&out)), ["Legacy sync"]);
    env.emu.clear_requests();
    let out = on_loads(&["remove", LEGACY_SYNC, "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(bodies(&env), [json!({ "roles": [ws_entry] })]);
    assert_eq!(
        roles_of(&env, "Legacy sync"),
        [format!("WORKSPACE {DATA_PLATFORM} WORKSPACE_MEMBER")]
    );

    // Another Workspace's token, an Organization token, a Deployment token: exit 2, nothing sent.
    env.emu.clear_requests();
    for (args, hint) in [
        (
            &["workspace-token", "add", "Analytics reporting"][..],
            "hint: it is a token of another Workspace (`clrg6ngg0000002c60gj2k1hl`): a Workspace API token has roles only on its own Workspace's Deployments".to_owned(),
        ),
        (
            &["workspace-token", "add", "CI deploy"],
            "hint: it is an Organization API token: use `astro deployment token organization-token add|update|remove` for it".to_owned(),
        ),
        (
            &["organization-token", "add", "Pipelines CI"],
            "hint: it is a Workspace API token: use `astro deployment token workspace-token add|update|remove` for it".to_owned(),
        ),
        (
            &["organization-token", "update", "Ingestion deploys", "-r", "admin"],
            format!(
                "hint: it is a Deployment API token: its role on its own Deployment changes with `astro deployment token update {} --role ROLE --deployment-id {INGESTION}`",
                id_of(&env, "Ingestion deploys")
            ),
        ),
    ] {
        let args: Vec<&str> = ["de", "to"].iter().chain(args).copied().collect();
        let out = on_ingestion(&env, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(&hint), "{args:?}: {}", stderr(&out));
    }
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    assert!(
        !requests(&env)
            .iter()
            .any(|r| r.contains(ANALYTICS_REPORTING) || r.ends_with("/roles")),
        "the tokens themselves were never read: {:#?}",
        requests(&env)
    );
    assert_eq!(
        env.emu
            .api_token("Analytics reporting")
            .unwrap()
            .roles
            .len(),
        1
    );
}

#[test]
fn the_guards_of_add_update_and_remove_on_a_deployment() {
    let env = custom_env();
    roles_unlisted(&env);
    let org = |args: &[&str]| {
        let args: Vec<&str> = ["de", "to", "organization-token"]
            .iter()
            .chain(args)
            .copied()
            .collect();
        on_ingestion(&env, &args)
    };
    // add of a token there with that role: nothing sent; with another: exit 1, a hint.
    let out = org(&["add", "Platform automation", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    let out = org(&["add", "Platform automation", "-r", "Custom Operator"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "hint: to change its role run `astro deployment token organization-token update {PLATFORM_AUTOMATION} --role Custom Operator --deployment-id {INGESTION}`"
        )),
        "{}",
        stderr(&out)
    );
    // update of a token not there: exit 3, hint add.
    let out = org(&["update", "Nightly export", "-r", "admin"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "hint: add it with `astro deployment token organization-token add clrj5thc0000004l84xzwvilu --deployment-id {INGESTION}`"
        )),
        "{}",
        stderr(&out)
    );
    // remove of a token not there: nothing sent, exit 0.
    let out = org(&["rm", "Nightly export", "--force", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["changed"], json!(false));
    assert_eq!(json_of(&out)["previousRole"], Value::Null);
    // Dry runs read and send nothing.
    let out = org(&["rm", "Platform automation", "--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Would remove API token Platform automation from Deployment Ingestion (was DEPLOYMENT_ADMIN) (dry run: nothing sent)\n"
    );
    let out = org(&["add", "CI deploy", "--dry-run", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["dryRun"], json!(true));
    assert!(env.mutations().is_empty(), "{:#?}", mutations(&env));
    // Off a terminal: the token, the role, --force and the Deployment are needed, before any
    // request.
    env.emu.clear_requests();
    for (args, flag) in [
        (&["organization-token", "add"][..], "ORG_TOKEN"),
        (&["workspace-token", "add"], "WORKSPACE_TOKEN"),
        (
            &["organization-token", "update", "Platform automation"],
            "--role",
        ),
        (&["workspace-token", "update", "Pipelines CI"], "--role"),
        (
            &["organization-token", "remove", "Platform automation"],
            "--force",
        ),
        (&["workspace-token", "rm", "Pipelines CI"], "--force"),
    ] {
        let args: Vec<&str> = ["de", "to"].iter().chain(args).copied().collect();
        let out = on_ingestion(&env, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flag), "{args:?}: {}", stderr(&out));
    }
    for args in [
        &["de", "to", "organization-token", "add", "CI deploy"][..],
        &["de", "to", "workspace-token", "ls"],
    ] {
        let out = run(&env, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("--deployment-id"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert!(env.emu.requests().is_empty(), "{:#?}", requests(&env));
}
