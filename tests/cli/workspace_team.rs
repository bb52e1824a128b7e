//! `astro workspace team add|list|update|remove`: a Team's role in a Workspace, the Team by name
//! or ID; the write sends the Team's Organization role and complete Workspace list only.

use astro_emulator::TeamSnapshot;
use serde_json::{Value, json};

use crate::common::{TestEnv, bodies, stderr, stdout};

const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const DATA_ENGINEERING: &str = "clrhm3b40000002649ug96ewr";

fn roles(team: &TeamSnapshot) -> Vec<(String, String)> {
    let mut roles: Vec<(String, String)> = team
        .workspace_roles
        .iter()
        .map(|r| (r.workspace_name.clone(), r.role.clone()))
        .collect();
    roles.sort();
    roles
}

fn all_but_workspace_roles(team: &TeamSnapshot) -> String {
    format!(
        "{} {:?} {} {:?} {:?} {:?}",
        team.organization_role,
        team.description,
        team.is_idp_managed,
        team.members,
        team.deployment_roles,
        team.dag_roles
    )
}

#[test]
fn add_by_name_sends_the_teams_whole_list_and_nothing_else() {
    let env = TestEnv::new();
    let before = env.emu.team("Data Engineering, EU").unwrap();
    // Update, then re-add elsewhere: the Team with a comma in its name, by exact name.
    let out = env.run(&[
        "wo",
        "team",
        "up",
        "Data Engineering, EU",
        "-r",
        "author",
        "--workspace-id",
        "Analytics",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json,
        json!({
            "id": DATA_ENGINEERING,
            "name": "Data Engineering, EU",
            "workspaceId": ANALYTICS,
            "workspaceName": "Analytics",
            "previousRole": "WORKSPACE_MEMBER",
            "role": "WORKSPACE_AUTHOR",
            "changed": true
        })
    );
    let mut sent = bodies(&env);
    assert_eq!(sent.len(), 1);
    sent[0]["workspaceRoles"]
        .as_array_mut()
        .unwrap()
        .sort_by_key(|r| r["workspaceId"].as_str().unwrap().to_owned());
    assert_eq!(
        sent[0],
        json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "workspaceRoles": [
                {"workspaceId": DATA_PLATFORM, "role": "WORKSPACE_OPERATOR"},
                {"workspaceId": ANALYTICS, "role": "WORKSPACE_AUTHOR"},
            ]
        })
    );
    let after = env.emu.team("Data Engineering, EU").unwrap();
    assert_eq!(
        roles(&after),
        [
            ("Analytics".to_owned(), "WORKSPACE_AUTHOR".to_owned()),
            ("Data Platform".to_owned(), "WORKSPACE_OPERATOR".to_owned())
        ]
    );
    assert_eq!(
        all_but_workspace_roles(&after),
        all_but_workspace_roles(&before)
    );
    let team_path = format!(
        "/v1/organizations/{}/teams/{DATA_ENGINEERING}",
        env.emu.organization_id()
    );
    let paths: Vec<String> = env
        .api_requests()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(
        &paths[paths.len() - 2],
        &format!("GET {team_path}"),
        "read right before the write: {paths:#?}"
    );
}

#[test]
fn add_with_the_default_role_and_the_guards() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "te",
        "add",
        "Platform Team",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Added Team Platform Team to Workspace Analytics as WORKSPACE_MEMBER\n"
    );
    // Again with that role: nothing sent. With another: exit 1, hint to update.
    env.emu.clear_requests();
    let out = env.run(&[
        "wo",
        "te",
        "add",
        "Platform Team",
        "-r",
        "member",
        "--workspace-id",
        "Analytics",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()["changed"],
        json!(false)
    );
    let out = env.run(&[
        "wo",
        "te",
        "add",
        "Platform Team",
        "-r",
        "owner",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("hint: to change its role run `astro workspace team update"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn update_of_a_team_not_there_is_exit_3_and_remove_of_one_is_a_no_op() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "te",
        "up",
        "Platform Team",
        "-r",
        "owner",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).contains("hint: add it with `astro workspace team add"),
        "{}",
        stderr(&out)
    );
    let out = env.run(&[
        "wo",
        "te",
        "rm",
        "Platform Team",
        "--workspace-id",
        "Analytics",
        "--force",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        serde_json::from_str::<Value>(&stdout(&out)).unwrap()["changed"],
        json!(false)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn remove_needs_force_off_a_terminal_and_keeps_the_other_roles() {
    let env = TestEnv::new();
    let before = env.emu.team("Data Engineering, EU").unwrap();
    let out = env.run(&[
        "wo",
        "te",
        "rm",
        DATA_ENGINEERING,
        "--workspace-id",
        "Data Platform",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(env.emu.requests().is_empty());
    let out = env.run(&[
        "wo",
        "te",
        "rm",
        DATA_ENGINEERING,
        "--workspace-id",
        "Data Platform",
        "--force",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Removed Team Data Engineering, EU from Workspace Data Platform (was WORKSPACE_OPERATOR)\n"
    );
    let after = env.emu.team("Data Engineering, EU").unwrap();
    assert_eq!(
        roles(&after),
        [("Analytics".to_owned(), "WORKSPACE_MEMBER".to_owned())]
    );
    assert_eq!(
        all_but_workspace_roles(&after),
        all_but_workspace_roles(&before)
    );
    for body in bodies(&env) {
        assert!(
            body.get("deploymentRoles").is_none() && body.get("dagRoles").is_none(),
            "{body}"
        );
    }
}

#[test]
fn an_identity_provider_managed_team_gets_workspace_roles_like_any_other() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "te",
        "up",
        "okta engineers",
        "-r",
        "operator",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let okta = env.emu.team("Okta Engineers").unwrap();
    assert_eq!(
        roles(&okta),
        [("Analytics".to_owned(), "WORKSPACE_OPERATOR".to_owned())]
    );
}

#[test]
fn two_teams_matching_a_name_ignoring_case_is_exit_2_listing_both() {
    let env = TestEnv::new();
    let out = env.run(&[
        "wo",
        "te",
        "add",
        "PLATFORM TEAM",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("Platform Team (`clrhjy5c000000164wjlm5wfr`)")
            && err.contains("platform team (`clrho8gw0000003642m95fuxa`)"),
        "{err}"
    );
    let out = env.run(&[
        "wo",
        "te",
        "add",
        "Nobody's Team",
        "--workspace-id",
        "Analytics",
    ]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("hint: run `astro organization team list` to see them"));
    assert!(env.mutations().is_empty());
}

#[test]
fn list_fills_in_the_role_column() {
    let env = TestEnv::new();
    let out = env.run(&["wo", "te", "ls", "--workspace-id", "Analytics", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let teams: Vec<(&str, &str)> = json["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["workspaceRole"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        teams,
        [
            ("Data Engineering, EU", "WORKSPACE_MEMBER"),
            ("Okta Engineers", "WORKSPACE_AUTHOR"),
            ("platform team", "WORKSPACE_MEMBER")
        ]
    );
    let out = env.run(&[
        "wo",
        "te",
        "ls",
        "--workspace-id",
        "Analytics",
        "--no-headers",
    ]);
    let first: Vec<String> = stdout(&out)
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .map(str::to_owned)
        .collect();
    assert_eq!(
        first[..3],
        [
            DATA_ENGINEERING.to_owned(),
            "WORKSPACE_MEMBER".to_owned(),
            "Data Engineering, EU".to_owned()
        ]
    );
}

#[test]
fn dry_runs_send_nothing() {
    let env = TestEnv::new();
    for args in [
        &[
            "wo",
            "te",
            "add",
            "Platform Team",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
        &[
            "wo",
            "te",
            "up",
            "platform team",
            "-r",
            "owner",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
        &[
            "wo",
            "te",
            "rm",
            "platform team",
            "--workspace-id",
            "Analytics",
            "--dry-run",
        ][..],
    ] {
        let out = env.run(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            stdout(&out).contains("(dry run: nothing sent)"),
            "{}",
            stdout(&out)
        );
    }
    assert!(env.mutations().is_empty());
}
