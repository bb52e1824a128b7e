//! `astro organization role list`: Astro's default roles of every scope, then the
//! Organization's custom roles (ListRoles, every page), `--scope`, `--custom-only`, `--json`.

use astro_emulator::{Emulator, Seed, SeedCustomRole};
use serde_json::{Value, json};

use crate::common::{TestEnv, json_of, query_param, requests, stderr, stdout};

/// Astro's default roles as the emulator lists them: (name, scope).
const DEFAULTS: [(&str, &str); 13] = [
    ("ORGANIZATION_OWNER", "ORGANIZATION"),
    ("ORGANIZATION_BILLING_ADMIN", "ORGANIZATION"),
    ("ORGANIZATION_OBSERVE_ADMIN", "ORGANIZATION"),
    ("ORGANIZATION_OBSERVE_MEMBER", "ORGANIZATION"),
    ("ORGANIZATION_MEMBER", "ORGANIZATION"),
    ("WORKSPACE_OWNER", "WORKSPACE"),
    ("WORKSPACE_OPERATOR", "WORKSPACE"),
    ("WORKSPACE_AUTHOR", "WORKSPACE"),
    ("WORKSPACE_MEMBER", "WORKSPACE"),
    ("WORKSPACE_ACCESSOR", "WORKSPACE"),
    ("DEPLOYMENT_ADMIN", "DEPLOYMENT"),
    ("DAG_VIEWER", "DAG"),
    ("DAG_AUTHOR", "DAG"),
];

const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";

/// The example seed with more custom roles.
fn with_custom_roles(roles: Vec<SeedCustomRole>) -> TestEnv {
    let mut seed = Seed::default();
    seed.organization
        .as_mut()
        .expect("the example seed has an organization")
        .custom_roles
        .extend(roles);
    TestEnv::with_emulator(Emulator::builder().seed(seed).unwrap().spawn().unwrap())
}

fn names(json: &Value) -> Vec<&str> {
    json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[test]
fn lists_default_roles_first_without_an_id_then_custom_roles_with_theirs() {
    let env = TestEnv::new();
    let out = env.run(&["organization", "role", "list"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let text = stdout(&out);
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    assert_eq!(rows[0], ["NAME", "SCOPE", "DESCRIPTION", "ID"]);
    assert_eq!(rows.len(), 1 + 13 + 2, "{text}");
    for (row, (name, scope)) in rows[1..14].iter().zip(DEFAULTS) {
        assert_eq!((row[0], row[1], row[3]), (name, scope, ""), "{text}");
        assert!(!row[2].is_empty(), "{text}");
    }
    assert_eq!(
        rows[3],
        [
            "ORGANIZATION_OBSERVE_ADMIN",
            "ORGANIZATION",
            "Manages Astro Observe for the Organization.",
            ""
        ]
    );
    let restricted = env.emu.custom_role("DAG_OPERATOR_RESTRICTED").unwrap();
    let viewer = env.emu.custom_role("DEPLOYMENT_VIEWER").unwrap();
    assert_eq!(
        rows[14],
        [
            "DAG_OPERATOR_RESTRICTED",
            "DEPLOYMENT",
            "Runs and clears DAGs in Data Platform's Deployments",
            restricted.id.as_str()
        ]
    );
    assert_eq!(
        rows[15],
        [
            "DEPLOYMENT_VIEWER",
            "DEPLOYMENT",
            "Sees the Deployment, its DAGs and their logs",
            viewer.id.as_str()
        ]
    );
    // One ListRoles with the default roles, of every scope.
    let org = env.emu.organization_id();
    assert_eq!(
        requests(&env),
        [format!("GET /v1/organizations/{org}/roles")]
    );
    let list = &env.api_requests()[0];
    assert_eq!(
        query_param(list, "includeDefaultRoles").as_deref(),
        Some("true")
    );
    assert_eq!(query_param(list, "scopeTypes"), None);
    assert_eq!(query_param(list, "offset").as_deref(), Some("0"));
}

#[test]
fn scope_filter_in_any_case_is_sent_as_scope_types_and_json_has_ids_and_restrictions() {
    let env = with_custom_roles(vec![SeedCustomRole {
        description: Some("Reads the Workspace's docs".into()),
        ..SeedCustomRole::new("Docs reader", "WORKSPACE")
    }]);
    let out = env.run(&[
        "org",
        "roles",
        "ls",
        "--scope",
        "deployment,Workspace",
        "--scope",
        "WORKSPACE",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let json = json_of(&out);
    assert_eq!(
        names(&json),
        [
            "WORKSPACE_OWNER",
            "WORKSPACE_OPERATOR",
            "WORKSPACE_AUTHOR",
            "WORKSPACE_MEMBER",
            "WORKSPACE_ACCESSOR",
            "DEPLOYMENT_ADMIN",
            "Docs reader",
            "DAG_OPERATOR_RESTRICTED",
            "DEPLOYMENT_VIEWER",
        ]
    );
    let roles = json["roles"].as_array().unwrap();
    assert_eq!(
        roles[5],
        json!({
            "name": "DEPLOYMENT_ADMIN",
            "scopeType": "DEPLOYMENT",
            "description": "Manages the Deployment: its settings, deploys, API tokens and DAGs.",
            "isDefault": true
        })
    );
    assert_eq!(
        roles[6],
        json!({
            "name": "Docs reader",
            "scopeType": "WORKSPACE",
            "description": "Reads the Workspace's docs",
            "id": env.emu.custom_role("Docs reader").unwrap().id,
            "isDefault": false
        })
    );
    let restricted = env.emu.custom_role("DAG_OPERATOR_RESTRICTED").unwrap();
    assert_eq!(roles[7]["id"], restricted.id.as_str());
    assert_eq!(
        roles[7]["restrictedWorkspaceIds"],
        json!(restricted.restricted_workspace_ids)
    );
    // The scopes once each, as repeated keys.
    let list = &env.api_requests()[0];
    assert_eq!(
        list.query
            .as_deref()
            .unwrap()
            .matches("scopeTypes=")
            .count(),
        2,
        "{list:?}"
    );
    for scope in ["scopeTypes=WORKSPACE", "scopeTypes=DEPLOYMENT"] {
        assert!(list.query.as_deref().unwrap().contains(scope), "{list:?}");
    }
    assert_eq!(env.api_requests().len(), 1);
}

#[test]
fn custom_only_asks_for_no_default_roles_and_the_go_clis_flag_changes_nothing() {
    let env = TestEnv::new();
    let out = env.run(&["org", "role", "list", "--custom-only", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        names(&json_of(&out)),
        ["DAG_OPERATOR_RESTRICTED", "DEPLOYMENT_VIEWER"]
    );
    assert_eq!(
        query_param(&env.api_requests()[0], "includeDefaultRoles").as_deref(),
        Some("false")
    );

    // -i/--include-default-roles (the Go CLI's): default roles are listed anyway.
    let plain = env.run(&["org", "role", "list"]);
    for flag in ["-i", "--include-default-roles"] {
        let out = env.run(&["org", "role", "list", flag]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), stdout(&plain));
    }

    // Both at once contradict each other: exit 2, nothing sent.
    env.emu.clear_requests();
    let out = env.run(&["org", "role", "list", "-i", "--custom-only"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "error: the argument '--include-default-roles' cannot be used with '--custom-only'"
        ) || stderr(&out).starts_with(
            "error: the argument '--custom-only' cannot be used with '--include-default-roles'"
        ),
        "{}",
        stderr(&out)
    );
    assert!(env.api_requests().is_empty());
}

#[test]
fn an_unknown_scope_is_exit_2_naming_the_valid_ones_with_nothing_sent() {
    let env = TestEnv::new();
    let out = env.run(&["org", "role", "list", "--scope", "SYSTEM"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out).contains("[possible values: ORGANIZATION, WORKSPACE, DEPLOYMENT, DAG]"),
        "{}",
        stderr(&out)
    );
    assert!(env.api_requests().is_empty());
}

#[test]
fn every_page_of_custom_roles_is_read_the_default_roles_once() {
    let roles = (0..1003)
        .map(|i| SeedCustomRole::new(format!("Custom {i:04}"), "DEPLOYMENT"))
        .collect();
    let env = with_custom_roles(roles);
    let out = env.run(&["org", "ro", "ls", "--jq", ".roles[].name"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(listed.len(), 13 + 2 + 1003);
    assert_eq!(listed[0], "ORGANIZATION_OWNER");
    assert_eq!(listed[13], "Custom 0000");
    assert_eq!(listed[13 + 1002], "Custom 1002");
    assert_eq!(listed.last().unwrap(), "DEPLOYMENT_VIEWER");
    let pages = env.api_requests();
    assert_eq!(pages.len(), 2, "{pages:#?}");
    let param = |i: usize, name: &str| query_param(&pages[i], name);
    assert_eq!(param(0, "offset").as_deref(), Some("0"));
    assert_eq!(param(1, "offset").as_deref(), Some("1000"));
    assert_eq!(param(1, "limit").as_deref(), Some("1000"));
    assert_eq!(param(0, "includeDefaultRoles").as_deref(), Some("true"));
    assert_eq!(param(1, "includeDefaultRoles").as_deref(), Some("false"));
}

#[test]
fn a_token_that_may_not_list_roles_is_exit_4() {
    let env = TestEnv::new();
    let deployment_token = env.emu.api_token("Loads deployer").unwrap().id;
    let secret = env.emu.api_token_secret(&deployment_token).unwrap();
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", secret)
        .env("ASTRO_ORGANIZATION_ID", env.emu.organization_id())
        .args(["org", "role", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}

/// A custom Deployment role this list shows is one `deployment user add --role` takes.
#[test]
fn a_listed_custom_deployment_role_is_accepted_by_deployment_commands() {
    let env = with_custom_roles(vec![SeedCustomRole::new("Release Manager", "DEPLOYMENT")]);
    let out = env.run(&[
        "org",
        "role",
        "list",
        "--scope",
        "deployment",
        "--custom-only",
        "--jq",
        ".roles[] | select(.restrictedWorkspaceIds == null) | .name",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "DEPLOYMENT_VIEWER\nRelease Manager\n");
    let out = env.run(&[
        "de",
        "us",
        "add",
        "edsger@example.com",
        "-r",
        "release manager",
        "--deployment-id",
        INGESTION,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let edsger = env.emu.user("edsger@example.com").unwrap();
    assert!(
        edsger
            .deployment_roles
            .iter()
            .any(|r| r.deployment_id == INGESTION && r.role == "Release Manager"),
        "{edsger:?}"
    );
}
