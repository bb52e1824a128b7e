//! HTTP tests of the Workspaces issue's operations: Workspaces (list, get, create, update,
//! delete), Deployments (list, get), users' Workspace/Deployment/DAG roles (ListUsers
//! filters, UpdateUserRoles' replace semantics and errors, PENDING invitees), ListUserTeams,
//! generated users spread over the Workspaces; and the fixes found by the differential test:
//! array parameters never split on commas, 501 for every documented operation not served,
//! JSON-only request bodies, ListTeams' 404 for unknown filters.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use astro_emulator::{
    Emulator, Seed, SeedDeployment, SeedOrganization, SeedTeam, SeedUser, SeedWorkspace,
    SeedWorkspaceRole,
};
use common::{Ctx, Reply, assert_error, assert_field_error};
use reqwest::Method;
use serde_json::{Value, json};

fn names(r: &Reply, key: &str) -> Vec<String> {
    r.json[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array: {}", r.text))
        .iter()
        .map(|i| i["name"].as_str().expect("name").to_string())
        .collect()
}

fn usernames(r: &Reply) -> Vec<String> {
    r.json["users"]
        .as_array()
        .unwrap_or_else(|| panic!("no users array: {}", r.text))
        .iter()
        .map(|u| u["username"].as_str().expect("username").to_string())
        .collect()
}

/// A POST with a raw body and the given Content-Type (none when `None`).
async fn post_as(c: &Ctx, path: &str, content_type: Option<&str>, body: &str) -> Reply {
    let mut req = c
        .client
        .post(c.url(path))
        .bearer_auth(&c.token)
        .body(body.to_string());
    if let Some(ct) = content_type {
        req = req.header("Content-Type", ct);
    }
    let resp = req.send().await.expect("sent");
    let status = resp.status();
    let headers = resp.headers().clone();
    let text = resp.text().await.expect("body");
    let json = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
    Reply {
        status,
        headers,
        text,
        json,
    }
}

// ----------------------------------------------------------------------------------------
// Seed: Workspaces and Deployments

#[tokio::test]
async fn seeded_workspaces_and_deployments() {
    let c = Ctx::new().await;
    let ws = c.emu.workspaces();
    let ws_names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(ws_names, ["Data Platform", "Analytics"]);
    let deps = c.emu.deployments();
    let dep_names: Vec<(&str, &str)> = deps
        .iter()
        .map(|d| (d.name.as_str(), d.workspace_name.as_str()))
        .collect();
    assert_eq!(
        dep_names,
        [
            ("Ingestion", "Data Platform"),
            ("Warehouse Loads", "Data Platform"),
            ("Reporting", "Analytics"),
            ("Dashboards", "Analytics"),
        ]
    );
    let r = c.get(&c.org("/deployments")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalCount"], 4);
    assert_eq!(r.json["limit"], 20);
    assert_eq!(r.json["offset"], 0);
    assert_eq!(
        names(&r, "deployments"),
        ["Ingestion", "Warehouse Loads", "Reporting", "Dashboards"]
    );
    let first = &r.json["deployments"][0];
    assert_eq!(first["id"], deps[0].id.as_str());
    assert_eq!(first["workspaceId"], ws[0].id.as_str());
    assert_eq!(first["workspaceName"], "Data Platform");
    assert_eq!(first["organizationId"], c.emu.organization_id().as_str());
    assert_eq!(first["status"], "HEALTHY");
    // GetDeployment
    let r = c.get(&c.org(&format!("/deployments/{}", deps[2].id))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["name"], "Reporting");
    assert_eq!(r.json["workspaceId"], ws[1].id.as_str());
    assert_error(
        &c.get(&c.org("/deployments/cnosuchdeployment00000000"))
            .await,
        404,
    );
    // Deterministic, as emulator/README.md lists them (the Workspaces' IDs predate the
    // Deployments); a second emulator has the same.
    let ids: Vec<&str> = ws.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(
        ids,
        ["clrg4iao0000001c6z943nxrv", "clrg6ngg0000002c60gj2k1hl"]
    );
    let ids: Vec<&str> = deps.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "clrg4v5mo000001cuzllrbrmi",
            "clrg580lc000002cuoizodml6",
            "clrg70beo000003cug1mqs4lw",
            "clrg7d6dc000004cuaihgx7j0"
        ]
    );
    let c2 = Ctx::new().await;
    assert_eq!(c2.emu.workspaces(), ws);
    assert_eq!(c2.emu.deployments(), deps);
    // Second Org's Workspaces have their own, seen with a user token: Engines two, Research
    // one whose name is also one of Engines'.
    let second = &c.emu.organizations()[1];
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{}/deployments", second.id),
            Some(&c.emu.user_token()),
            None,
        )
        .await;
    assert_eq!(
        names(&r, "deployments"),
        [
            "Difference Engine",
            "Analytical Engine",
            "Analytical Engine"
        ]
    );
    let workspaces: Vec<&str> = r.json["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["workspaceName"].as_str().unwrap())
        .collect();
    assert_eq!(workspaces, ["Engines", "Engines", "Research"]);
}

#[tokio::test]
async fn list_deployments_filters_sorts_and_paging() {
    let c = Ctx::new().await;
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let list = |q: String| {
        let c = &c;
        async move { c.get(&c.org(&format!("/deployments{q}"))).await }
    };
    let r = list(format!("?workspaceIds={dp}")).await;
    assert_eq!(names(&r, "deployments"), ["Ingestion", "Warehouse Loads"]);
    assert_eq!(r.json["totalCount"], 2);
    let r = list(format!("?workspaceIds={an}&workspaceIds={dp}")).await;
    assert_eq!(r.json["totalCount"], 4);
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    let r = list(format!("?deploymentIds={reporting}")).await;
    assert_eq!(names(&r, "deployments"), ["Reporting"]);
    let r = list("?names=Dashboards&names=Ingestion".into()).await;
    assert_eq!(names(&r, "deployments"), ["Ingestion", "Dashboards"]);
    let r = list("?names=Warehouse%20Loads".into()).await;
    assert_eq!(names(&r, "deployments"), ["Warehouse Loads"]);
    let r = list(format!("?names=Dashboards&workspaceIds={dp}")).await;
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(r.json["deployments"], json!([]));
    // An unknown Workspace filters everything out (ListDeployments documents no 404).
    let r = list("?workspaceIds=cnosuchworkspace0000000000".into()).await;
    assert_eq!(
        (r.status.as_u16(), r.json["totalCount"].clone()),
        (200, json!(0))
    );
    // Sorts as documented: name, createdAt, updatedAt.
    let r = list("?sorts=name:asc".into()).await;
    assert_eq!(
        names(&r, "deployments"),
        ["Dashboards", "Ingestion", "Reporting", "Warehouse Loads"]
    );
    let r = list("?sorts=createdAt:desc&limit=2&offset=1".into()).await;
    assert_eq!(names(&r, "deployments"), ["Reporting", "Warehouse Loads"]);
    assert_eq!(r.json["totalCount"], 4);
    assert_field_error(&list("?sorts=status:asc".into()).await, "sorts");
    // The document gives ListDeployments' limit a minimum and no maximum.
    let r = list("?limit=5000".into()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["limit"], 5000);
    assert_field_error(&list("?limit=-1".into()).await, "limit");
    assert_field_error(&list("?offset=x".into()).await, "offset");
    // An empty ID or name is refused, not an empty page.
    assert_field_error(&list("?workspaceIds=".into()).await, "workspaceIds");
    assert_field_error(&list("?deploymentIds=".into()).await, "deploymentIds");
    assert_field_error(&list("?names=".into()).await, "names");
    // Auth applies.
    assert_error(
        &c.call_with(Method::GET, &c.org("/deployments"), None, None)
            .await,
        401,
    );
}

// ----------------------------------------------------------------------------------------
// Workspaces: create, update, delete

#[tokio::test]
async fn create_workspace_minimal_and_full() {
    let c = Ctx::new().await;
    let before = common::now_unix();
    let r = c.post(&c.org("/workspaces"), r#"{"name":"Ops"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_string();
    assert!(common::is_cuid(&id), "{id}");
    assert_eq!(r.json["name"], "Ops");
    assert_eq!(r.json["cicdEnforcedDefault"], false);
    assert!(r.json.get("description").is_none(), "{}", r.text);
    assert_eq!(r.json["organizationId"], c.emu.organization_id().as_str());
    assert_eq!(r.json["organizationName"], "Example Org");
    assert_eq!(r.json["createdBy"]["username"], "ada@example.com");
    assert_eq!(r.json["createdAt"], r.json["updatedAt"]);
    let created = common::unix_of(r.json["createdAt"].as_str().unwrap());
    assert!(created >= before && created <= common::now_unix() + 1);
    // It is listed last in creation order, and fetched.
    let r = c.get(&c.org("/workspaces")).await;
    assert_eq!(
        names(&r, "workspaces"),
        ["Data Platform", "Analytics", "Ops"]
    );
    let r = c.get(&c.org(&format!("/workspaces/{id}"))).await;
    assert_eq!(r.json["name"], "Ops");
    assert_eq!(c.emu.workspace("Ops").unwrap().id, id);
    // Every field.
    let r = c
        .post(
            &c.org("/workspaces"),
            r#"{"name":"Édition spéciale, 50 caractères exactement !!!!!!!","description":"All of it","cicdEnforcedDefault":true,"defaultCloudProvider":"AWS","defaultRegion":"us-east-1"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["description"], "All of it");
    assert_eq!(r.json["cicdEnforcedDefault"], true);
    assert_eq!(r.json["defaultCloudProvider"], "AWS");
    assert_eq!(r.json["defaultRegion"], "us-east-1");
    let r = c
        .post(
            &c.org("/workspaces"),
            r#"{"name":"On a cluster","defaultClusterId":"cclusterxxxxxxxxxxxxxxxxx"}"#,
        )
        .await;
    assert_eq!(r.json["defaultClusterId"], "cclusterxxxxxxxxxxxxxxxxx");
    // Two Workspaces may share a name (the document does not forbid it).
    let r = c.post(&c.org("/workspaces"), r#"{"name":"Ops"}"#).await;
    assert_eq!(r.status, 200);
    assert_ne!(r.json["id"], id.as_str());
    assert_eq!(c.emu.workspaces().len(), 6);
}

#[tokio::test]
async fn create_workspace_errors() {
    let c = Ctx::new().await;
    let path = c.org("/workspaces");
    for (body, field) in [
        (r#"{}"#, "name"),
        (r#"{"name":""}"#, "name"),
        (r#"{"name":"   "}"#, "name"),
        (r#"{"name":null}"#, "name"),
        (r#"{"name":7}"#, "name"),
        (
            r#"{"name":"123456789012345678901234567890123456789012345678901"}"#,
            "name",
        ),
        (r#"{"name":"X","description":false}"#, "description"),
        (
            r#"{"name":"X","cicdEnforcedDefault":"yes"}"#,
            "cicdEnforcedDefault",
        ),
        (
            r#"{"name":"X","defaultCloudProvider":"IBM","defaultRegion":"r"}"#,
            "defaultCloudProvider",
        ),
        (
            r#"{"name":"X","defaultCloudProvider":"GCP"}"#,
            "defaultRegion",
        ),
        (
            r#"{"name":"X","defaultRegion":"eu"}"#,
            "defaultCloudProvider",
        ),
        (
            r#"{"name":"X","defaultCloudProvider":"GCP","defaultRegion":"eu","defaultClusterId":"c1"}"#,
            "defaultClusterId",
        ),
        (r#"{"name":"X","defaultClusterId":""}"#, "defaultClusterId"),
        ("[]", "body"),
        ("nope", "body"),
    ] {
        let r = c.post(&path, body).await;
        assert_field_error(&r, field);
    }
    // Several problems at once are all named.
    let r = c
        .post(&path, r#"{"name":"","cicdEnforcedDefault":1}"#)
        .await;
    assert_field_error(&r, "name");
    assert_field_error(&r, "cicdEnforcedDefault");
    assert_eq!(c.emu.workspaces().len(), 2, "nothing was created");
    // Auth before validation; another Organization is a 403.
    assert_error(
        &c.call_with(Method::POST, &path, None, Some("{}")).await,
        401,
    );
}

#[tokio::test]
async fn update_workspace_requires_the_documented_fields() {
    let c = Ctx::new().await;
    let ws = c.emu.workspace("Analytics").unwrap();
    let path = c.org(&format!("/workspaces/{}", ws.id));
    // name, description and cicdEnforcedDefault are all required.
    for (body, field) in [
        (r#"{"description":"d","cicdEnforcedDefault":true}"#, "name"),
        (r#"{"name":"A","cicdEnforcedDefault":true}"#, "description"),
        (r#"{"name":"A","description":"d"}"#, "cicdEnforcedDefault"),
        (
            r#"{"name":"A","description":"d","cicdEnforcedDefault":"no"}"#,
            "cicdEnforcedDefault",
        ),
        (
            r#"{"name":"","description":"d","cicdEnforcedDefault":true}"#,
            "name",
        ),
    ] {
        assert_field_error(&c.post(&path, body).await, field);
    }
    let r = c.post(&path, "{}").await;
    for field in ["name", "description", "cicdEnforcedDefault"] {
        assert_field_error(&r, field);
    }
    assert_eq!(c.emu.workspace("Analytics").unwrap(), ws, "nothing changed");
    // A valid update replaces the three and keeps the rest.
    let r = c
        .post(
            &path,
            r#"{"name":"Analytics, EU","description":"","cicdEnforcedDefault":true,"defaultCloudProvider":"AZURE","defaultRegion":"westeurope"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["id"], ws.id.as_str());
    assert_eq!(r.json["name"], "Analytics, EU");
    assert_eq!(r.json["description"], "");
    assert_eq!(r.json["cicdEnforcedDefault"], true);
    assert_eq!(r.json["createdAt"], ws.created_at.as_str());
    assert_ne!(r.json["updatedAt"], ws.updated_at.as_str());
    assert_eq!(r.json["updatedBy"]["username"], "ada@example.com");
    // Omitted defaults are kept; given ones replace (a cluster replaces provider/region).
    let r = c
        .post(
            &path,
            r#"{"name":"Analytics","description":"Back","cicdEnforcedDefault":false}"#,
        )
        .await;
    assert_eq!(r.json["defaultCloudProvider"], "AZURE");
    assert_eq!(r.json["defaultRegion"], "westeurope");
    let r = c
        .post(
            &path,
            r#"{"name":"Analytics","description":"Back","cicdEnforcedDefault":false,"defaultClusterId":"cc1"}"#,
        )
        .await;
    assert_eq!(r.json["defaultClusterId"], "cc1");
    assert!(r.json.get("defaultCloudProvider").is_none(), "{}", r.text);
    let now = c.emu.workspace("Analytics").unwrap();
    assert_eq!(now.description.as_deref(), Some("Back"));
    assert!(!now.cicd_enforced_default);
    // GetWorkspace and ListWorkspaces show it; the roles in it are untouched.
    let r = c.get(&path).await;
    assert_eq!(r.json["description"], "Back");
    assert_eq!(
        c.emu
            .workspace_role("alan@example.com", "Analytics")
            .as_deref(),
        Some("WORKSPACE_MEMBER")
    );
    // Unknown Workspace: 404 (a valid body); an invalid body is a 400 first.
    let valid = r#"{"name":"A","description":"","cicdEnforcedDefault":false}"#;
    assert_error(&c.post(&c.org("/workspaces/cnope"), valid).await, 404);
    assert_field_error(&c.post(&c.org("/workspaces/cnope"), "{}").await, "name");
}

#[tokio::test]
async fn delete_workspace_removes_roles_and_refuses_while_deployments_exist() {
    let c = Ctx::new().await;
    // A seeded Workspace still has Deployments: refused, nothing changed.
    let dp = c.emu.workspace("Data Platform").unwrap();
    let r = c.delete(&c.org(&format!("/workspaces/{}", dp.id))).await;
    let msg = assert_error(&r, 400);
    assert!(msg.contains("2 Deployments"), "{msg}");
    assert!(c.emu.workspace("Data Platform").is_some());
    assert_eq!(
        c.emu
            .workspace_role("grace@example.com", "Data Platform")
            .as_deref(),
        Some("WORKSPACE_OWNER")
    );
    // A new Workspace with members: deleted, and their roles in it go; others stay.
    let r = c.post(&c.org("/workspaces"), r#"{"name":"Temp"}"#).await;
    let temp = r.json["id"].as_str().unwrap().to_string();
    let grace = c.emu.user("grace@example.com").unwrap();
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": [
        {"workspaceId": dp.id, "role": "WORKSPACE_OWNER"},
        {"workspaceId": temp, "role": "WORKSPACE_OPERATOR"}]});
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", grace.id)),
            &body.to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        c.emu.workspace_members("Temp").unwrap(),
        [(
            "grace@example.com".to_string(),
            "WORKSPACE_OPERATOR".to_string()
        )]
    );
    let r = c.delete(&c.org(&format!("/workspaces/{temp}"))).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert_error(&c.get(&c.org(&format!("/workspaces/{temp}"))).await, 404);
    assert_error(&c.delete(&c.org(&format!("/workspaces/{temp}"))).await, 404);
    let r = c.get(&c.org(&format!("/users/{}", grace.id))).await;
    assert_eq!(
        r.json["workspaceRoles"],
        json!([{"workspaceId": dp.id, "role": "WORKSPACE_OWNER"}])
    );
    let r = c.get(&c.org(&format!("/users?workspaceId={temp}"))).await;
    assert_eq!(r.json["totalCount"], 0);
    // A role in it can no longer be given.
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", grace.id)),
            &body.to_string(),
        )
        .await;
    assert_field_error(&r, "workspaceRoles[1].workspaceId");
    assert!(c.emu.workspace("Temp").is_none());
    assert_eq!(c.emu.workspaces().len(), 2);
}

#[tokio::test]
async fn delete_workspace_removes_team_roles() {
    let user = |email: &str, role: &str, ws: &[(&str, &str)]| SeedUser {
        email: email.into(),
        full_name: email.into(),
        role: role.into(),
        status: "ACTIVE".into(),
        id: None,
        workspace_roles: ws
            .iter()
            .map(|(w, r)| SeedWorkspaceRole {
                workspace: (*w).into(),
                role: (*r).into(),
            })
            .collect(),
        deployment_roles: vec![],
        dag_roles: vec![],
    };
    let seed = Seed {
        organization: Some(SeedOrganization::named("Acme")),
        users: vec![
            user("boss@acme.test", "ORGANIZATION_OWNER", &[]),
            user(
                "dev@acme.test",
                "ORGANIZATION_MEMBER",
                &[("Empty", "WORKSPACE_AUTHOR"), ("Busy", "WORKSPACE_MEMBER")],
            ),
        ],
        workspaces: vec![
            SeedWorkspace::named("Empty"),
            SeedWorkspace {
                deployments: vec![SeedDeployment::new("Prod", "The one")],
                ..SeedWorkspace::named("Busy")
            },
        ],
        teams: vec![SeedTeam {
            members: vec!["dev@acme.test".into()],
            workspace_roles: vec![
                SeedWorkspaceRole {
                    workspace: "Empty".into(),
                    role: "WORKSPACE_OWNER".into(),
                },
                SeedWorkspaceRole {
                    workspace: "Busy".into(),
                    role: "WORKSPACE_ACCESSOR".into(),
                },
            ],
            ..SeedTeam::named("Devs")
        }],
        organizations: vec![],
    };
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let empty = c.emu.workspace("Empty").unwrap().id;
    let busy = c.emu.workspace("Busy").unwrap().id;
    let team = c.emu.team("Devs").unwrap();
    assert_eq!(team.workspace_roles.len(), 2);
    let r = c.get(&c.org(&format!("/teams/{}", team.id))).await;
    assert_eq!(r.json["rolesCount"], 3);
    assert_eq!(
        c.get(&c.org(&format!("/teams?workspaceId={empty}")))
            .await
            .json["totalCount"],
        1
    );
    assert_error(&c.delete(&c.org(&format!("/workspaces/{busy}"))).await, 400);
    let r = c.delete(&c.org(&format!("/workspaces/{empty}"))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = c.get(&c.org(&format!("/teams/{}", team.id))).await;
    assert_eq!(
        r.json["workspaceRoles"],
        json!([{"workspaceId": busy, "role": "WORKSPACE_ACCESSOR"}])
    );
    assert_eq!(r.json["rolesCount"], 2);
    let dev = c.emu.user("dev@acme.test").unwrap();
    assert_eq!(dev.workspace_roles.len(), 1);
    assert_eq!(dev.workspace_roles[0].workspace_name, "Busy");
    // The deleted Workspace is now unknown to ListTeams' filter.
    assert_error(
        &c.get(&c.org(&format!("/teams?workspaceId={empty}"))).await,
        404,
    );
}

// ----------------------------------------------------------------------------------------
// Users' roles: filters, UpdateUserRoles, PENDING invitees, the handle

#[tokio::test]
async fn seeded_roles_and_the_handle() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let dp = c.emu.workspace("Data Platform").unwrap();
    assert_eq!(grace.workspace_roles.len(), 1);
    assert_eq!(grace.workspace_roles[0].workspace_id, dp.id);
    assert_eq!(grace.workspace_roles[0].workspace_name, "Data Platform");
    assert_eq!(grace.workspace_roles[0].role, "WORKSPACE_OWNER");
    assert_eq!(grace.deployment_roles.len(), 1);
    assert_eq!(
        grace.deployment_roles[0].deployment_name.as_deref(),
        Some("Ingestion")
    );
    assert_eq!(grace.deployment_roles[0].role, "DEPLOYMENT_ADMIN");
    assert_eq!(grace.dag_roles.len(), 1);
    assert_eq!(
        grace.dag_roles[0].deployment_name.as_deref(),
        Some("Warehouse Loads")
    );
    assert_eq!(grace.dag_roles[0].dag_id.as_deref(), Some("load_orders"));
    assert_eq!(grace.dag_roles[0].role, "DAG_AUTHOR");
    let alan = c.emu.user("alan@example.com").unwrap();
    assert_eq!(alan.dag_roles[0].dag_tag.as_deref(), Some("finance"));
    assert_eq!(
        c.emu.workspace_members("Analytics").unwrap(),
        [
            ("alan@example.com".into(), "WORKSPACE_MEMBER".into()),
            (
                "Katherine.Johnson@Example.com".into(),
                "WORKSPACE_OPERATOR".into()
            ),
        ]
    );
    assert_eq!(c.emu.workspace_role("ada@example.com", "Analytics"), None);
    assert_eq!(c.emu.workspace_members("Nope"), None);
    let team = c.emu.team("Platform Team").unwrap();
    assert_eq!(team.members, ["grace@example.com"]);
    assert_eq!(team.workspace_roles[0].role, "WORKSPACE_AUTHOR");
    // The API shows the same.
    let r = c.get(&c.org(&format!("/users/{}", grace.id))).await;
    assert_eq!(
        r.json["deploymentRoles"],
        json!([{"deploymentId": grace.deployment_roles[0].deployment_id, "role": "DEPLOYMENT_ADMIN"}])
    );
    assert_eq!(
        r.json["dagRoles"],
        json!([{"deploymentId": grace.dag_roles[0].deployment_id, "dagId": "load_orders", "role": "DAG_AUTHOR"}])
    );
}

#[tokio::test]
async fn list_users_by_workspace_and_deployment() {
    let c = Ctx::new().await;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let r = c.get(&c.org(&format!("/users?workspaceId={an}"))).await;
    assert_eq!(
        usernames(&r),
        ["alan@example.com", "Katherine.Johnson@Example.com"]
    );
    assert_eq!(r.json["totalCount"], 2);
    // Paging and sorts still apply.
    let r = c
        .get(&c.org(&format!(
            "/users?workspaceId={an}&sorts=fullName:desc&limit=1"
        )))
        .await;
    assert_eq!(usernames(&r), ["Katherine.Johnson@Example.com"]);
    assert_eq!(r.json["totalCount"], 2);
    let r = c
        .get(&c.org(&format!("/users?workspaceId={an}&offset=1")))
        .await;
    assert_eq!(usernames(&r), ["Katherine.Johnson@Example.com"]);
    // A Deployment role or a DAG role in the Deployment counts.
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let loads = c.emu.deployment("Warehouse Loads").unwrap().id;
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    for (d, who) in [
        (&ingestion, vec!["grace@example.com"]),
        (&loads, vec!["grace@example.com"]),
        (&reporting, vec!["alan@example.com"]),
    ] {
        let r = c.get(&c.org(&format!("/users?deploymentId={d}"))).await;
        assert_eq!(usernames(&r), who);
    }
    // Both filters at once: users matching both.
    let r = c
        .get(&c.org(&format!("/users?workspaceId={an}&deploymentId={reporting}")))
        .await;
    assert_eq!(usernames(&r), ["alan@example.com"]);
    // DAG filters.
    let r = c.get(&c.org("/users?dagTags=finance")).await;
    assert_eq!(usernames(&r), ["alan@example.com"]);
    let r = c.get(&c.org("/users?dagId=load_orders")).await;
    assert_eq!(usernames(&r), ["grace@example.com"]);
    // Empty filters are 400s, not empty lists.
    for q in ["workspaceId=", "deploymentId=", "dagId=", "dagTags="] {
        let r = c.get(&c.org(&format!("/users?{q}"))).await;
        assert_field_error(&r, q.trim_end_matches('='));
    }
    // An unknown Workspace is an empty list (ListUsers documents no 404).
    let r = c
        .get(&c.org("/users?workspaceId=cnosuchworkspace0000000000"))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.json["totalCount"].clone()),
        (200, json!(0))
    );
}

#[tokio::test]
async fn update_roles_replace_semantics_over_all_three_lists() {
    let c = Ctx::new().await;
    let k = c.emu.user("katherine.johnson@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", k.id));
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let dashboards = c.emu.deployment("Dashboards").unwrap().id;
    let body = json!({
        "organizationRole": "ORGANIZATION_OBSERVE_ADMIN",
        "workspaceRoles": [{"workspaceId": dp, "role": "WORKSPACE_AUTHOR"},
                           {"workspaceId": an, "role": "WORKSPACE_OWNER"}],
        "deploymentRoles": [{"deploymentId": ingestion, "role": "DEPLOYMENT_ADMIN"},
                            {"deploymentId": dashboards, "role": "DEPLOYMENT_VIEWER"}],
        "dagRoles": [{"deploymentId": dashboards, "dagId": "refresh", "role": "DAG_VIEWER"},
                     {"deploymentId": dashboards, "dagTag": "refresh", "role": "DAG_AUTHOR"}],
    });
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The response is the document's SubjectRoles: exactly its four keys.
    let keys: BTreeSet<&str> = r
        .json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "dagRoles",
            "deploymentRoles",
            "organizationRole",
            "workspaceRoles"
        ])
    );
    assert_eq!(r.json["workspaceRoles"], body["workspaceRoles"]);
    assert_eq!(r.json["deploymentRoles"], body["deploymentRoles"]);
    assert_eq!(r.json["dagRoles"], body["dagRoles"]);
    let snap = c.emu.user("katherine.johnson@example.com").unwrap();
    assert_eq!(snap.workspace_roles.len(), 2);
    assert_eq!(
        snap.deployment_roles[1].deployment_name.as_deref(),
        Some("Dashboards")
    );
    assert_eq!(snap.dag_roles.len(), 2);
    // organizationRole alone keeps all three lists.
    let r = c
        .post(&path, r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#)
        .await;
    assert_eq!(r.json["workspaceRoles"], body["workspaceRoles"]);
    assert_eq!(r.json["deploymentRoles"], body["deploymentRoles"]);
    assert_eq!(r.json["dagRoles"], body["dagRoles"]);
    // One list replaces only that list; [] clears; null is the same as omitted.
    let r = c
        .post(
            &path,
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [],
                    "dagRoles": null})
            .to_string(),
        )
        .await;
    assert_eq!(r.json["deploymentRoles"], json!([]));
    assert_eq!(r.json["dagRoles"], body["dagRoles"]);
    assert_eq!(r.json["workspaceRoles"], body["workspaceRoles"]);
    let r = c
        .post(
            &path,
            &json!({"organizationRole": "ORGANIZATION_MEMBER",
                    "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_ACCESSOR"}]})
            .to_string(),
        )
        .await;
    assert_eq!(
        r.json["workspaceRoles"],
        json!([{"workspaceId": an, "role": "WORKSPACE_ACCESSOR"}])
    );
    assert_eq!(
        c.emu
            .workspace_role("katherine.johnson@example.com", "Data Platform"),
        None
    );
    assert_eq!(r.json["dagRoles"], body["dagRoles"]);
}

#[tokio::test]
async fn update_roles_refusals_change_nothing() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", grace.id));
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let cases: Vec<(Value, &str)> = vec![
        // Each list needs organizationRole in the same body.
        (json!({"workspaceRoles": []}), "organizationRole"),
        (json!({"deploymentRoles": []}), "organizationRole"),
        (
            json!({"dagRoles": [{"deploymentId": ingestion, "dagId": "x", "role": "DAG_VIEWER"}]}),
            "organizationRole",
        ),
        // An unknown Workspace or Deployment.
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "workspaceRoles": [{"workspaceId": "cnosuchworkspace0000000000", "role": "WORKSPACE_MEMBER"}]}),
            "workspaceRoles[0].workspaceId",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "deploymentRoles": [{"deploymentId": "cnosuchdeployment00000000", "role": "DEPLOYMENT_ADMIN"}]}),
            "deploymentRoles[0].deploymentId",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "dagRoles": [{"deploymentId": "cnosuchdeployment00000000", "dagId": "d", "role": "DAG_VIEWER"}]}),
            "dagRoles[0].deploymentId",
        ),
        // A Workspace (or Deployment, or DAG) twice in one list.
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_MEMBER"},
                                      {"workspaceId": dp, "role": "WORKSPACE_MEMBER"},
                                      {"workspaceId": an, "role": "WORKSPACE_OWNER"}]}),
            "workspaceRoles[2].workspaceId",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "deploymentRoles": [{"deploymentId": ingestion, "role": "DEPLOYMENT_ADMIN"},
                                       {"deploymentId": ingestion, "role": "DEPLOYMENT_VIEWER"}]}),
            "deploymentRoles[1].deploymentId",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "dagRoles": [{"deploymentId": ingestion, "dagId": "a", "role": "DAG_VIEWER"},
                                {"deploymentId": ingestion, "dagId": "a", "role": "DAG_AUTHOR"}]}),
            "dagRoles[1].deploymentId",
        ),
        // Malformed items.
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_KING"}]}),
            "workspaceRoles[0].role",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "deploymentRoles": [{"deploymentId": ingestion}]}),
            "deploymentRoles[0].role",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER",
                   "dagRoles": [{"deploymentId": ingestion, "role": "DAG_VIEWER"}]}),
            "dagRoles[0].dagId",
        ),
        (
            json!({"organizationRole": "ORGANIZATION_MEMBER", "dagRoles": {}}),
            "dagRoles",
        ),
    ];
    for (body, field) in cases {
        let r = c.post(&path, &body.to_string()).await;
        assert_field_error(&r, field);
    }
    // Validation comes before the user lookup.
    let r = c
        .post(
            &c.org("/users/cnosuchuser00000000000000/roles"),
            r#"{"workspaceRoles":[]}"#,
        )
        .await;
    assert_field_error(&r, "organizationRole");
    assert_eq!(c.emu.user("grace@example.com").unwrap(), grace);
}

#[tokio::test]
async fn pending_invitees_hold_roles_until_their_invite_is_deleted() {
    let c = Ctx::new().await;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let barbara = c.emu.user("barbara@example.com").unwrap();
    assert_eq!(barbara.status, "PENDING");
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_MEMBER"}]});
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", barbara.id)),
            &body.to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = c.get(&c.org(&format!("/users?workspaceId={an}"))).await;
    assert!(usernames(&r).contains(&"barbara@example.com".to_string()));
    assert_eq!(c.emu.user("barbara@example.com").unwrap().status, "PENDING");
    // A fresh invitee too.
    let r = c
        .post(
            &c.org("/invites"),
            r#"{"inviteeEmail":"new@example.com","role":"ORGANIZATION_MEMBER"}"#,
        )
        .await;
    let new_id = r.json["userId"].as_str().unwrap().to_string();
    let invite = r.json["inviteId"].as_str().unwrap().to_string();
    let r = c
        .post(&c.org(&format!("/users/{new_id}/roles")), &body.to_string())
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        c.emu
            .workspace_role("new@example.com", "Analytics")
            .as_deref(),
        Some("WORKSPACE_MEMBER")
    );
    // Deleting the invite removes the invitee and so their roles.
    assert_eq!(
        c.delete(&c.org(&format!("/invites/{invite}"))).await.status,
        204
    );
    let r = c.get(&c.org(&format!("/users?workspaceId={an}"))).await;
    assert!(!usernames(&r).contains(&"new@example.com".to_string()));
    assert_error(
        &c.post(&c.org(&format!("/users/{new_id}/roles")), &body.to_string())
            .await,
        404,
    );
}

// ----------------------------------------------------------------------------------------
// ListUserTeams

#[tokio::test]
async fn list_user_teams() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let r = c.get(&c.org(&format!("/users/{}/teams", grace.id))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["limit"], 20);
    let t = &r.json["teams"][0];
    assert_eq!(t["name"], "Platform Team");
    assert_eq!(t["id"], c.emu.team("Platform Team").unwrap().id.as_str());
    assert_eq!(t["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(t["isIdpManaged"], false);
    assert_eq!(
        t["workspaceRoles"][0]["workspaceId"],
        c.emu.workspace("Data Platform").unwrap().id.as_str()
    );
    let edsger = c.emu.user("edsger@example.com").unwrap();
    let r = c.get(&c.org(&format!("/users/{}/teams", edsger.id))).await;
    assert_eq!(
        (r.json["totalCount"].clone(), r.json["teams"].clone()),
        (json!(0), json!([]))
    );
    // ada is in three seeded Teams, the IdP-managed one among them.
    let ada = c.emu.user("ada@example.com").unwrap();
    let r = c
        .get(&c.org(&format!("/users/{}/teams?sorts=name:asc", ada.id)))
        .await;
    assert_eq!(
        names(&r, "teams"),
        ["Data Engineering, EU", "Okta Engineers", "platform team"]
    );
    assert_eq!(r.json["teams"][1]["isIdpManaged"], true);
    let r = c
        .get(&c.org(&format!(
            "/users/{}/teams?offset=1&sorts=name:desc",
            grace.id
        )))
        .await;
    assert_eq!(
        (r.json["totalCount"].clone(), r.json["teams"].clone()),
        (json!(1), json!([]))
    );
    assert_field_error(
        &c.get(&c.org(&format!("/users/{}/teams?sorts=id:asc", grace.id)))
            .await,
        "sorts",
    );
    assert_field_error(
        &c.get(&c.org(&format!("/users/{}/teams?limit=1001", grace.id)))
            .await,
        "limit",
    );
    assert_error(
        &c.get(&c.org("/users/cnosuchuser00000000000000/teams"))
            .await,
        404,
    );
}

#[tokio::test]
async fn list_user_teams_sorts_several() {
    let user = |email: &str, role: &str| SeedUser {
        email: email.into(),
        full_name: email.into(),
        role: role.into(),
        status: "ACTIVE".into(),
        id: None,
        workspace_roles: vec![],
        deployment_roles: vec![],
        dag_roles: vec![],
    };
    let team = |name: &str, description: &str, members: &[&str]| SeedTeam {
        description: Some(description.into()),
        members: members.iter().map(|m| (*m).to_string()).collect(),
        ..SeedTeam::named(name)
    };
    let seed = Seed {
        organization: Some(SeedOrganization::named("Acme")),
        users: vec![
            user("boss@acme.test", "ORGANIZATION_OWNER"),
            user("dev@acme.test", "ORGANIZATION_MEMBER"),
        ],
        workspaces: vec![],
        teams: vec![
            team("Zeta", "a", &["dev@acme.test"]),
            team("alpha", "c", &["dev@acme.test", "boss@acme.test"]),
            team("Mid", "b", &["boss@acme.test"]),
            team("Beta", "b", &["dev@acme.test"]),
        ],
        organizations: vec![],
    };
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let dev = c.emu.user("dev@acme.test").unwrap();
    let list = |q: &str| {
        let (c, q, id) = (&c, q.to_string(), dev.id.clone());
        async move { c.get(&c.org(&format!("/users/{id}/teams{q}"))).await }
    };
    assert_eq!(names(&list("").await, "teams"), ["Zeta", "alpha", "Beta"]);
    assert_eq!(
        names(&list("?sorts=name:asc").await, "teams"),
        ["alpha", "Beta", "Zeta"]
    );
    assert_eq!(
        names(
            &list("?sorts=description:desc&sorts=name:desc").await,
            "teams"
        ),
        ["alpha", "Beta", "Zeta"]
    );
    let r = list("?sorts=name:asc&limit=1&offset=1").await;
    assert_eq!(names(&r, "teams"), ["Beta"]);
    assert_eq!(r.json["totalCount"], 3);
}

// ----------------------------------------------------------------------------------------
// Generated users spread over the Workspaces

#[tokio::test]
async fn generated_users_get_workspace_roles() {
    let c = Ctx::with(Emulator::builder().users(6)).await;
    // User i: WORKSPACE_MEMBER in Workspace (i-1) % 2; every third also WORKSPACE_AUTHOR in i % 2.
    assert_eq!(
        c.emu.workspace_members("Data Platform").unwrap(),
        [
            ("grace@example.com", "WORKSPACE_OWNER"),
            ("user000001@example.com", "WORKSPACE_MEMBER"),
            ("user000003@example.com", "WORKSPACE_MEMBER"),
            ("user000005@example.com", "WORKSPACE_MEMBER"),
            ("user000006@example.com", "WORKSPACE_AUTHOR"),
        ]
        .map(|(e, r)| (e.to_string(), r.to_string()))
    );
    assert_eq!(
        c.emu.workspace_members("Analytics").unwrap(),
        [
            ("alan@example.com", "WORKSPACE_MEMBER"),
            ("Katherine.Johnson@Example.com", "WORKSPACE_OPERATOR"),
            ("user000002@example.com", "WORKSPACE_MEMBER"),
            ("user000003@example.com", "WORKSPACE_AUTHOR"),
            ("user000004@example.com", "WORKSPACE_MEMBER"),
            ("user000006@example.com", "WORKSPACE_MEMBER"),
        ]
        .map(|(e, r)| (e.to_string(), r.to_string()))
    );
    let u3 = c.emu.user("user000003@example.com").unwrap();
    let r = c.get(&c.org(&format!("/users/{}", u3.id))).await;
    assert_eq!(r.json["workspaceRoles"].as_array().unwrap().len(), 2);
    // A seed without Workspaces gives generated users none.
    let seed = Seed {
        organization: Some(SeedOrganization::named("Bare")),
        users: vec![SeedUser {
            email: "boss@bare.test".into(),
            full_name: "Boss".into(),
            role: "ORGANIZATION_OWNER".into(),
            status: "ACTIVE".into(),
            id: None,
            workspace_roles: vec![],
            deployment_roles: vec![],
            dag_roles: vec![],
        }],
        workspaces: vec![],
        teams: vec![],
        organizations: vec![],
    };
    let bare = Ctx::with(Emulator::builder().seed(seed).unwrap().users(3)).await;
    assert!(
        bare.emu
            .user("user000003@example.com")
            .unwrap()
            .workspace_roles
            .is_empty()
    );
}

#[tokio::test]
async fn large_workspaces_at_100_000_users() {
    let t = Instant::now();
    let c = Ctx::with(Emulator::builder().users(100_000)).await;
    let build = t.elapsed();
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let t = Instant::now();
    let r = c
        .get(&c.org(&format!("/users?workspaceId={dp}&limit=1000&offset=60000")))
        .await;
    let page = t.elapsed();
    assert_eq!(r.status, 200);
    // Odd users (50,000), even multiples of 3 (16,666), and grace.
    assert_eq!(r.json["totalCount"], 66_667);
    assert_eq!(r.json["users"].as_array().unwrap().len(), 1000);
    let r = c
        .get(&c.org(&format!("/users?workspaceId={an}&limit=1")))
        .await;
    // Even users (50,000), odd multiples of 3 (16,667), alan and katherine.
    assert_eq!(r.json["totalCount"], 66_669);
    let r = c
        .get(&c.org(&format!(
            "/users?workspaceId={an}&limit=2&sorts=username:desc"
        )))
        .await;
    assert_eq!(
        usernames(&r),
        ["user100000@example.com", "user099999@example.com"]
    );
    assert!(build < Duration::from_secs(5), "build took {build:?}");
    assert!(page < Duration::from_secs(2), "page took {page:?}");
}

// ----------------------------------------------------------------------------------------
// Fixes from the differential test

#[tokio::test]
async fn array_parameters_are_repeated_keys_never_split_on_commas() {
    let c = Ctx::new().await;
    for name in ["Ops", "Ops, EU", "EU"] {
        let r = c
            .post(&c.org("/workspaces"), &json!({ "name": name }).to_string())
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let list = |q: &str| {
        let (c, q) = (&c, q.to_string());
        async move { c.get(&c.org(&format!("/workspaces{q}"))).await }
    };
    assert_eq!(
        names(&list("?names=Ops,%20EU").await, "workspaces"),
        ["Ops, EU"]
    );
    assert_eq!(
        names(&list("?names=Ops%2C%20EU").await, "workspaces"),
        ["Ops, EU"]
    );
    assert_eq!(
        names(&list("?names=Ops&names=EU").await, "workspaces"),
        ["Ops", "EU"]
    );
    assert_eq!(list("?names=Ops,EU").await.json["totalCount"], 0);
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    assert_eq!(
        list(&format!("?workspaceIds={dp},{an}")).await.json["totalCount"],
        0
    );
    assert_eq!(
        list(&format!("?workspaceIds={dp}&workspaceIds={an}"))
            .await
            .json["totalCount"],
        2
    );
    // `names[]` is not the documented parameter: it filters nothing.
    assert_eq!(list("?names[]=Ops").await.json["totalCount"], 5);
    // Teams and Deployments too.
    let r = c.get(&c.org("/teams?names=Platform%20Team,Other")).await;
    assert_eq!(r.json["totalCount"], 0);
    let r = c
        .get(&c.org("/teams?names=Platform%20Team&names=Other"))
        .await;
    assert_eq!(r.json["totalCount"], 1);
    let r = c
        .get(&c.org("/deployments?names=Ingestion,Reporting"))
        .await;
    assert_eq!(r.json["totalCount"], 0);
    // sorts too: each value is one `field:direction`.
    assert_field_error(
        &c.get(&c.org("/users?sorts=username:asc,id:desc")).await,
        "sorts",
    );
    let r = c
        .get(&c.org("/users?sorts=fullName:asc&sorts=id:desc"))
        .await;
    assert_eq!(r.status, 200);
}

/// Every operation of the document, read with a YAML parser here (independently of the
/// emulator's own scan): (method, path template, operation ID).
fn documented_operations() -> Vec<(String, String, String)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/openapi/astro-v1.0.openapi.yml"
    );
    let doc: Value = serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut out = vec![];
    for (p, item) in doc["paths"].as_object().unwrap() {
        for (m, op) in item.as_object().unwrap() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                out.push((m.to_ascii_uppercase(), p.clone(), id.to_string()));
            }
        }
    }
    out
}

const SERVED: [&str; 34] = [
    "ListOrganizations",
    "GetOrganization",
    "ListUsers",
    "GetUser",
    "UpdateUserRoles",
    "ListUserTeams",
    "CreateUserInvite",
    "DeleteUserInvite",
    "ListWorkspaces",
    "GetWorkspace",
    "CreateWorkspace",
    "UpdateWorkspace",
    "DeleteWorkspace",
    "ListDeployments",
    "GetDeployment",
    "ListTeams",
    "CreateTeam",
    "GetTeam",
    "UpdateTeam",
    "DeleteTeam",
    "ListTeamMembers",
    "AddTeamMembers",
    "RemoveTeamMember",
    "UpdateTeamRoles",
    "ListRoles",
    "ListApiTokens",
    "CreateApiToken",
    "GetApiToken",
    "UpdateApiToken",
    "UpdateApiTokenRoles",
    "RotateApiToken",
    "DeleteApiToken",
    "GetSelfUser",
    "GetOrganizationAuditLogs",
];

#[tokio::test]
async fn every_documented_operation_is_served_or_501_naming_it() {
    let c = Ctx::new().await;
    let ops = documented_operations();
    assert_eq!(ops.len(), 75);
    let mut not_served = 0;
    for (method, path, id) in &ops {
        // Fill the parameters: the Organization with the real one, the rest with an ID.
        let concrete = path
            .replace("{organizationId}", &c.emu.organization_id())
            .split('/')
            .map(|s| {
                if s.starts_with('{') {
                    "cnosuchthing0000000000000"
                } else {
                    s
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let m = Method::from_bytes(method.as_bytes()).unwrap();
        let body = (method == "POST").then_some("{}");
        let r = c.call_with(m, &concrete, Some(&c.token), body).await;
        if SERVED.contains(&id.as_str()) {
            assert_ne!(
                r.status, 501,
                "{method} {path} ({id}) is served: {}",
                r.text
            );
            assert_ne!(r.status, 405, "{method} {path} ({id}): {}", r.text);
            assert!(
                r.status != 404 || r.json["message"] != "no such path in the Astro v1 API",
                "{method} {path}: {}",
                r.text
            );
        } else {
            not_served += 1;
            let msg = assert_error(&r, 501);
            assert!(msg.contains(id.as_str()), "{method} {path}: {msg}");
        }
    }
    assert_eq!(not_served, 75 - SERVED.len());
    // The two the differential test named (ListApiTokens was a 501 then; now served).
    assert_eq!(c.get(&c.org("/tokens")).await.status, 200);
    assert_eq!(c.get(&c.org("/deployments")).await.status, 200);
    let r = c.get(&c.org("/clusters")).await;
    assert!(assert_error(&r, 501).contains("ListClusters"));
}

#[tokio::test]
async fn undocumented_paths_404_and_undocumented_methods_405() {
    let c = Ctx::new().await;
    let org = c.org("");
    for path in [
        "/nope".to_string(),
        format!("{org}/nope"),
        format!("{org}/deployments/x/nope"),
        format!("{org}/tokens/x/rotate/y"),
        "/organizations/x/y/z".to_string(),
    ] {
        let msg = assert_error(
            &c.call_with(Method::GET, &path, Some(&c.token), None).await,
            404,
        );
        assert!(msg.contains("no such path"), "{path}: {msg}");
    }
    // Allow lists exactly the document's methods for the path.
    for (method, path, allow) in [
        (Method::PATCH, format!("{org}/tokens"), "GET, POST"),
        (
            Method::PUT,
            format!("{org}/workspaces/x"),
            "GET, POST, DELETE",
        ),
        (Method::DELETE, format!("{org}/deployments"), "GET, POST"),
        // `/roles/{roleId}` (GET) and `/roles/{customRoleId}` (POST, DELETE) are one path.
        (Method::PUT, format!("{org}/roles/x"), "GET, POST, DELETE"),
        (
            Method::GET,
            format!("{org}/allowed-ip-address-ranges/bulk-create"),
            "POST",
        ),
        (Method::POST, format!("{org}/users/x/teams"), "GET"),
        (Method::DELETE, format!("{org}/users/x"), "GET"),
    ] {
        let r = c
            .call_with(method.clone(), &path, Some(&c.token), None)
            .await;
        assert_error(&r, 405);
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
    }
    // A literal segment wins over a parameter: bulk-delete is POST-only, the ID path is
    // DELETE-only.
    let r = c
        .call_with(
            Method::DELETE,
            &format!("{org}/allowed-ip-address-ranges/crange"),
            Some(&c.token),
            None,
        )
        .await;
    assert!(assert_error(&r, 501).contains("DeleteAllowedIpAddressRange"));
}

#[tokio::test]
async fn request_bodies_must_be_json() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let roles = c.org(&format!("/users/{}/roles", grace.id));
    let owner = r#"{"organizationRole":"ORGANIZATION_OWNER"}"#;
    for ct in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("application/jsonx"),
        Some("application/merge-patch+json"),
        None,
    ] {
        let r = post_as(&c, &roles, ct, owner).await;
        assert_field_error(&r, "body");
        assert!(
            r.json["fieldErrors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("application/json"),
            "{}",
            r.text
        );
    }
    assert_eq!(
        c.emu
            .user("grace@example.com")
            .unwrap()
            .organization_role
            .as_deref(),
        Some("ORGANIZATION_MEMBER"),
        "no refused body changed anything"
    );
    let invite = r#"{"inviteeEmail":"x@example.com","role":"ORGANIZATION_MEMBER"}"#;
    assert_field_error(
        &post_as(&c, &c.org("/invites"), Some("text/plain"), invite).await,
        "body",
    );
    assert!(c.emu.user("x@example.com").is_none());
    let ws = r#"{"name":"Plain"}"#;
    assert_field_error(&post_as(&c, &c.org("/workspaces"), None, ws).await, "body");
    let an = c.emu.workspace("Analytics").unwrap().id;
    let update = r#"{"name":"A","description":"","cicdEnforcedDefault":false}"#;
    assert_field_error(
        &post_as(
            &c,
            &c.org(&format!("/workspaces/{an}")),
            Some("text/json"),
            update,
        )
        .await,
        "body",
    );
    assert!(c.emu.workspace("Plain").is_none());
    // Parameters and case do not matter.
    for ct in ["application/json; charset=utf-8", "Application/JSON"] {
        let r = post_as(&c, &roles, Some(ct), owner).await;
        assert_eq!(r.status, 200, "{ct}: {}", r.text);
    }
    // Auth still comes first.
    let r = c
        .client
        .post(c.url(&roles))
        .header("Content-Type", "text/plain")
        .body(owner)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn list_teams_unknown_filters_are_404() {
    let c = Ctx::new().await;
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    assert_eq!(
        c.get(&c.org(&format!("/teams?workspaceId={dp}")))
            .await
            .json["totalCount"],
        2
    );
    assert_eq!(
        c.get(&c.org(&format!("/teams?workspaceId={an}")))
            .await
            .json["totalCount"],
        3
    );
    // A DAG role in a Deployment counts as a role in it.
    let r = c
        .get(&c.org(&format!("/teams?deploymentId={ingestion}")))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.json["totalCount"].clone()),
        (200, json!(1))
    );
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    let r = c
        .get(&c.org(&format!("/teams?deploymentId={reporting}")))
        .await;
    assert_eq!(
        (r.status.as_u16(), r.json["totalCount"].clone()),
        (200, json!(0))
    );
    let msg = assert_error(
        &c.get(&c.org("/teams?workspaceId=cnosuchworkspace0000000000"))
            .await,
        404,
    );
    assert!(msg.contains("Workspace"), "{msg}");
    let msg = assert_error(
        &c.get(&c.org("/teams?deploymentId=cnosuchdeployment00000000"))
            .await,
        404,
    );
    assert!(msg.contains("Deployment"), "{msg}");
    assert_field_error(&c.get(&c.org("/teams?workspaceId=")).await, "workspaceId");
    assert_field_error(&c.get(&c.org("/teams?deploymentId=")).await, "deploymentId");
}

#[tokio::test]
async fn seed_files_with_deployments_and_roles() {
    let dir = std::env::temp_dir().join(format!("astro-emulator-ws-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed.yaml");
    std::fs::write(
        &path,
        "organization: {name: Acme}\n\
         users:\n\
         \x20 - {email: boss@acme.test, fullName: Boss, role: ORGANIZATION_OWNER}\n\
         \x20 - email: dev@acme.test\n\
         \x20   fullName: Dev\n\
         \x20   role: ORGANIZATION_MEMBER\n\
         \x20   deploymentRoles:\n\
         \x20     - {deployment: Ops Prod, role: DEPLOYMENT_ADMIN}\n\
         \x20     - {deploymentId: celsewhere, role: DEPLOYMENT_ADMIN}\n\
         \x20   dagRoles:\n\
         \x20     - {deployment: Ops Dev, dagTag: nightly, role: DAG_VIEWER}\n\
         workspaces:\n\
         \x20 - name: Ops\n\
         \x20   deployments:\n\
         \x20     - {name: Ops Prod, description: Production}\n\
         \x20     - {name: Ops Dev, id: cdevdeployment00000000000}\n\
         \x20 - name: Empty\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed_file(&path).unwrap()).await;
    let deps = c.emu.deployments();
    assert_eq!(deps.len(), 2);
    assert_eq!(deps[1].id, "cdevdeployment00000000000");
    assert_eq!(deps[0].workspace_name, "Ops");
    let dev = c.emu.user("dev@acme.test").unwrap();
    assert_eq!(dev.deployment_roles[0].deployment_id, deps[0].id);
    assert_eq!(
        dev.deployment_roles[0].deployment_name.as_deref(),
        Some("Ops Prod")
    );
    assert_eq!(dev.deployment_roles[1].deployment_id, "celsewhere");
    assert_eq!(dev.deployment_roles[1].deployment_name, None);
    assert_eq!(dev.dag_roles[0].deployment_id, "cdevdeployment00000000000");
    let r = c.get(&c.org(&format!("/deployments/{}", deps[0].id))).await;
    assert_eq!(r.json["description"], "Production");
    // The Workspace without Deployments can be deleted.
    let empty = c.emu.workspace("Empty").unwrap().id;
    assert_eq!(
        c.delete(&c.org(&format!("/workspaces/{empty}")))
            .await
            .status,
        204
    );
    // Bad references are clear errors naming the place.
    for (yaml, expected) in [
        (
            "  - {email: b@a.test, fullName: B, role: ORGANIZATION_OWNER, deploymentRoles: [{deployment: Nope, role: R}]}\n",
            "users[0].deploymentRoles[0].deployment: no Deployment named \"Nope\"",
        ),
        (
            "  - {email: b@a.test, fullName: B, role: ORGANIZATION_OWNER, deploymentRoles: [{deployment: P, deploymentId: c1, role: R}]}\n",
            "users[0].deploymentRoles[0]: give exactly one of",
        ),
        (
            "  - {email: b@a.test, fullName: B, role: ORGANIZATION_OWNER, dagRoles: [{deployment: P, role: R}]}\n",
            "users[0].dagRoles[0]: dagId or dagTag is needed",
        ),
        (
            "  - {email: b@a.test, fullName: B, role: ORGANIZATION_OWNER, dagRoles: [{deployment: Twice, dagId: d, role: R}]}\n",
            "2 Deployments are named \"Twice\"",
        ),
    ] {
        let bad = dir.join("bad.yaml");
        std::fs::write(
            &bad,
            format!(
                "organization: {{name: A}}\nworkspaces:\n  - {{name: W, deployments: [{{name: P}}, {{name: Twice}}]}}\n  - {{name: V, deployments: [{{name: Twice}}]}}\nusers:\n{yaml}"
            ),
        )
        .unwrap();
        let err = Emulator::builder().seed_file(&bad).unwrap_err().to_string();
        assert!(err.contains(expected), "{err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
