//! The Deployment-access issue over real HTTP: ListRoles (custom roles paged and sorted,
//! default roles on request, scope filters, refusals, who may read it, faults on its path);
//! the seeded custom roles and the handle's `custom_roles()`; the seeded Deployments (a
//! name in two Workspaces) and the seeded Deployment token; Deployment role names checked
//! by UpdateUserRoles, UpdateTeamRoles, UpdateApiTokenRoles and CreateApiToken (unknown or
//! restricted: 400 on the entry, nothing changed); the `deploymentId` filters of ListUsers,
//! ListTeams and ListApiTokens; seed files with custom roles.

mod common;

use astro_emulator::{Emulator, Fault, FaultKind, Seed, SeedCustomRole, TokenOptions};
use common::{Ctx, Reply, assert_error, assert_field_error, is_cuid};
use reqwest::Method;
use serde_json::{Value, json};

const ORG: &str = "clremxa80000001cav49uda0p";
const SECOND_ORG: &str = "clron08w0000002capw1rcli2";
const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";
const WAREHOUSE_LOADS: &str = "clrg580lc000002cuoizodml6";
const REPORTING: &str = "clrg70beo000003cug1mqs4lw";
const DASHBOARDS: &str = "clrg7d6dc000004cuaihgx7j0";
const ENGINES: &str = "clrq4l9c000000195x76phyir";
const RESEARCH: &str = "clrq6qf4000000295n4nna03x";
const DIFFERENCE_ENGINE: &str = "clrq4y4ao000001u9qvimld0h";
const ANALYTICAL_ENGINE: &str = "clrq5az9c000002u9syva51e2";
const RESEARCH_ANALYTICAL_ENGINE: &str = "clrq73a2o000003u9jkhr4xaz";

const DEPLOYMENT_VIEWER: &str = "clrketuo0000001o91hz4cias";
const DAG_OPERATOR_RESTRICTED: &str = "clrkgz0g0000002o9wnnkfhms";

const ANALYTICS_REPORTING: &str = "clrj1j5s0000002l8qgdd6wpp";
const PLATFORM_AUTOMATION: &str = "clrj3obk0000003l8trly6hth";
const LOADS_DEPLOYER: &str = "clrja3sw0000006l80lj4mzs6";

const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";
const DATA_ENGINEERING_EU: &str = "clrhm3b40000002649ug96ewr";

/// What an unknown Deployment role's field error says in the default seed.
const TAKES: &str = "is not a Deployment role of this Organization: it takes DEPLOYMENT_ADMIN \
                     or a custom role of scope DEPLOYMENT (DEPLOYMENT_VIEWER, \
                     DAG_OPERATOR_RESTRICTED)";

fn names(r: &Reply, key: &str) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array: {}", r.text))
        .iter()
        .map(|i| {
            i.get("name")
                .or_else(|| i.get("username"))
                .and_then(Value::as_str)
                .expect("name")
                .to_string()
        })
        .collect()
}

fn field_message<'a>(r: &'a Reply, field: &str) -> &'a str {
    assert_field_error(r, field);
    r.json["fieldErrors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .unwrap()
}

fn fields(r: &Reply) -> Vec<String> {
    r.json["fieldErrors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

async fn roles(c: &Ctx, q: &str) -> Reply {
    c.get(&c.org(&format!("/roles{q}"))).await
}

async fn as_token(c: &Ctx, path: &str, token: &str) -> Reply {
    c.call_with(Method::GET, path, Some(token), None).await
}

// ----------------------------------------------------------------------------------------
// The seed: custom roles, Deployments, the Deployment token

#[tokio::test]
async fn seeded_custom_roles_and_the_handle() {
    let c = Ctx::new().await;
    let all = c.emu.custom_roles();
    let got: Vec<(&str, &str, &str)> = all
        .iter()
        .map(|r| (r.name.as_str(), r.id.as_str(), r.scope_type.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("DEPLOYMENT_VIEWER", DEPLOYMENT_VIEWER, "DEPLOYMENT"),
            (
                "DAG_OPERATOR_RESTRICTED",
                DAG_OPERATOR_RESTRICTED,
                "DEPLOYMENT"
            ),
        ]
    );
    // One unrestricted, one restricted to Data Platform.
    assert!(all[0].restricted_workspace_ids.is_empty());
    assert!(all[0].restricted_workspace_names.is_empty());
    assert_eq!(all[1].restricted_workspace_ids, [DATA_PLATFORM]);
    assert_eq!(all[1].restricted_workspace_names, ["Data Platform"]);
    let viewer = c.emu.custom_role("DEPLOYMENT_VIEWER").unwrap();
    assert_eq!(
        viewer.description.as_deref(),
        Some("Sees the Deployment, its DAGs and their logs")
    );
    assert_eq!(viewer.created_at, "2024-01-19T09:00:00Z");
    assert_eq!(viewer.updated_at, viewer.created_at);
    assert_eq!(all[1].created_at, "2024-01-19T10:00:00Z");
    assert!(all.iter().all(|r| is_cuid(&r.id)));
    // Exact names only.
    assert!(c.emu.custom_role("deployment_viewer").is_none());
    assert!(c.emu.custom_role("DEPLOYMENT_ADMIN").is_none());
    // Deterministic: a second emulator has the same.
    assert_eq!(Ctx::new().await.emu.custom_roles(), all);
    // The rest of the seed is as before.
    assert_eq!(c.emu.user_count(), 6);
    assert_eq!(c.emu.teams().len(), 4);
    assert_eq!(c.emu.workspaces().len(), 2);
    assert_eq!(c.emu.deployments().len(), 4);
}

#[tokio::test]
async fn seeded_deployments_one_name_in_two_workspaces() {
    let c = Ctx::new().await;
    // Example Org: two Deployments in each Workspace.
    for (w, expected) in [
        (DATA_PLATFORM, ["Ingestion", "Warehouse Loads"]),
        (ANALYTICS, ["Reporting", "Dashboards"]),
    ] {
        let r = c
            .get(&c.org(&format!("/deployments?workspaceIds={w}")))
            .await;
        assert_eq!(names(&r, "deployments"), expected);
    }
    // Second Org: Engines holds two, Research one, whose name is also one of Engines'.
    let user = c.emu.user_token();
    let r = as_token(
        &c,
        &format!("/organizations/{SECOND_ORG}/workspaces"),
        &user,
    )
    .await;
    assert_eq!(names(&r, "workspaces"), ["Engines", "Research"]);
    assert_eq!(r.json["workspaces"][1]["id"], RESEARCH);
    assert_eq!(
        r.json["workspaces"][1]["description"],
        "Trials before the Engines"
    );
    let r = as_token(
        &c,
        &format!("/organizations/{SECOND_ORG}/deployments"),
        &user,
    )
    .await;
    let got: Vec<(&str, &str, &str)> = r.json["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["id"].as_str().unwrap(),
                d["name"].as_str().unwrap(),
                d["workspaceId"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (DIFFERENCE_ENGINE, "Difference Engine", ENGINES),
            (ANALYTICAL_ENGINE, "Analytical Engine", ENGINES),
            (RESEARCH_ANALYTICAL_ENGINE, "Analytical Engine", RESEARCH),
        ]
    );
    // A name filter finds both; the Workspace tells them apart.
    let r = as_token(
        &c,
        &format!("/organizations/{SECOND_ORG}/deployments?names=Analytical%20Engine"),
        &user,
    )
    .await;
    assert_eq!(r.json["totalCount"], 2);
    let r = as_token(
        &c,
        &format!(
            "/organizations/{SECOND_ORG}/deployments?names=Analytical%20Engine\
             &workspaceIds={RESEARCH}"
        ),
        &user,
    )
    .await;
    assert_eq!(r.json["deployments"][0]["id"], RESEARCH_ANALYTICAL_ENGINE);
    assert_eq!(r.json["deployments"][0]["workspaceName"], "Research");
    assert_eq!(
        r.json["deployments"][0]["description"],
        "Trial runs of the engine"
    );
}

#[tokio::test]
async fn the_seeded_deployment_roles_and_deployment_token() {
    let c = Ctx::new().await;
    // A seeded user and a seeded Team hold Deployment roles.
    let grace = c.emu.user("grace@example.com").unwrap();
    assert_eq!(grace.deployment_roles.len(), 1);
    assert_eq!(grace.deployment_roles[0].deployment_id, INGESTION);
    assert_eq!(grace.deployment_roles[0].role, "DEPLOYMENT_ADMIN");
    let team = c.emu.team("Data Engineering, EU").unwrap();
    assert_eq!(team.deployment_roles[0].deployment_id, WAREHOUSE_LOADS);
    assert_eq!(team.deployment_roles[0].role, "DEPLOYMENT_ADMIN");
    // The Deployment token.
    let r = c.get(&c.org(&format!("/tokens/{LOADS_DEPLOYER}"))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["name"], "Loads deployer");
    assert_eq!(r.json["scope"], "DEPLOYMENT");
    assert_eq!(r.json["description"], "Deploys Warehouse Loads from CI");
    assert_eq!(
        r.json["roles"],
        json!([{"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS,
                "role": "DEPLOYMENT_ADMIN"}])
    );
    assert!(r.json.get("endAt").is_none());
    // It is its Deployment's, not its Workspace's, and no Organization token.
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/tokens?deploymentId={WAREHOUSE_LOADS}")))
                .await,
            "tokens"
        ),
        ["Loads deployer"]
    );
    assert!(
        !names(
            &c.get(&c.org(&format!("/tokens?workspaceId={DATA_PLATFORM}")))
                .await,
            "tokens"
        )
        .contains(&"Loads deployer".to_string())
    );
    assert!(
        !names(
            &c.get(&c.org("/tokens?includeOnlyOrganizationTokens=true"))
                .await,
            "tokens"
        )
        .contains(&"Loads deployer".to_string())
    );
    // Its secret: its Deployment only.
    let secret = c.emu.api_token_secret(LOADS_DEPLOYER).unwrap();
    let r = as_token(
        &c,
        &c.org(&format!("/deployments/{WAREHOUSE_LOADS}")),
        &secret,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_error(
        &as_token(&c, &c.org(&format!("/deployments/{INGESTION}")), &secret).await,
        403,
    );
    assert_eq!(
        names(
            &as_token(&c, &c.org("/deployments"), &secret).await,
            "deployments"
        ),
        ["Warehouse Loads"]
    );
    assert_eq!(as_token(&c, &c.org(""), &secret).await.status, 200);
    assert_error(&as_token(&c, &c.org("/users"), &secret).await, 403);
    assert!(
        assert_error(&as_token(&c, &c.org("/roles"), &secret).await, 403)
            .contains("Organization role")
    );
    assert!(
        c.emu
            .api_token("Loads deployer")
            .unwrap()
            .last_used_at
            .is_some()
    );
}

// ----------------------------------------------------------------------------------------
// ListRoles

#[tokio::test]
async fn list_roles_custom_and_default() {
    let c = Ctx::new().await;
    // Without includeDefaultRoles: the custom roles only, no defaultRoles member.
    let r = roles(&c, "").await;
    assert_eq!(
        names(&r, "roles"),
        ["DEPLOYMENT_VIEWER", "DAG_OPERATOR_RESTRICTED"]
    );
    assert!(r.json.get("defaultRoles").is_none(), "{}", r.text);
    assert_eq!(
        (&r.json["limit"], &r.json["offset"], &r.json["totalCount"]),
        (&json!(20), &json!(0), &json!(2))
    );
    let viewer = &r.json["roles"][0];
    assert_eq!(viewer["id"], DEPLOYMENT_VIEWER);
    assert_eq!(viewer["scopeType"], "DEPLOYMENT");
    assert_eq!(viewer["restrictedWorkspaceIds"], json!([]));
    assert_eq!(
        viewer["description"],
        "Sees the Deployment, its DAGs and their logs"
    );
    assert_eq!(viewer["createdAt"], "2024-01-19T09:00:00Z");
    assert_eq!(viewer["createdBy"]["username"], "ada@example.com");
    assert_eq!(viewer["updatedBy"]["subjectType"], "USER");
    let restricted = &r.json["roles"][1];
    assert_eq!(restricted["id"], DAG_OPERATOR_RESTRICTED);
    assert_eq!(restricted["restrictedWorkspaceIds"], json!([DATA_PLATFORM]));
    assert_eq!(r.json, roles(&c, "?includeDefaultRoles=false").await.json);
    // With them: the thirteen default roles, in their order, each with permissions.
    let r = roles(&c, "?includeDefaultRoles=true").await;
    assert_eq!(
        names(&r, "defaultRoles"),
        [
            "ORGANIZATION_OWNER",
            "ORGANIZATION_BILLING_ADMIN",
            "ORGANIZATION_OBSERVE_ADMIN",
            "ORGANIZATION_OBSERVE_MEMBER",
            "ORGANIZATION_MEMBER",
            "WORKSPACE_OWNER",
            "WORKSPACE_OPERATOR",
            "WORKSPACE_AUTHOR",
            "WORKSPACE_MEMBER",
            "WORKSPACE_ACCESSOR",
            "DEPLOYMENT_ADMIN",
            "DAG_VIEWER",
            "DAG_AUTHOR",
        ]
    );
    let scopes: Vec<&str> = r.json["defaultRoles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["scopeType"].as_str().unwrap())
        .collect();
    assert_eq!(
        scopes,
        [
            "ORGANIZATION",
            "ORGANIZATION",
            "ORGANIZATION",
            "ORGANIZATION",
            "ORGANIZATION",
            "WORKSPACE",
            "WORKSPACE",
            "WORKSPACE",
            "WORKSPACE",
            "WORKSPACE",
            "DEPLOYMENT",
            "DAG",
            "DAG"
        ]
    );
    for d in r.json["defaultRoles"].as_array().unwrap() {
        assert!(!d["description"].as_str().unwrap().is_empty(), "{d}");
        let permissions = d["permissions"].as_array().unwrap();
        assert!(!permissions.is_empty(), "{d}");
        assert!(
            permissions
                .iter()
                .all(|p| p.as_str().unwrap().contains('.'))
        );
    }
    // totalCount counts the custom roles only.
    assert_eq!(r.json["totalCount"], 2);
    assert_eq!(names(&r, "roles").len(), 2);
    // The same roles for the second Organization: no custom ones there.
    let r = as_token(
        &c,
        &format!("/organizations/{SECOND_ORG}/roles?includeDefaultRoles=true"),
        &c.emu.user_token(),
    )
    .await;
    assert_eq!(r.json["totalCount"], 0, "{}", r.text);
    assert_eq!(r.json["roles"], json!([]));
    assert_eq!(names(&r, "defaultRoles").len(), 13);
}

#[tokio::test]
async fn list_roles_scope_filters_paging_and_sorts() {
    let c = Ctx::new().await;
    // scopeTypes filters both lists; repeated keys are ORed.
    let r = roles(&c, "?includeDefaultRoles=true&scopeTypes=DEPLOYMENT").await;
    assert_eq!(
        names(&r, "roles"),
        ["DEPLOYMENT_VIEWER", "DAG_OPERATOR_RESTRICTED"]
    );
    assert_eq!(names(&r, "defaultRoles"), ["DEPLOYMENT_ADMIN"]);
    let r = roles(&c, "?includeDefaultRoles=true&scopeTypes=DAG").await;
    assert!(names(&r, "roles").is_empty());
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(names(&r, "defaultRoles"), ["DAG_VIEWER", "DAG_AUTHOR"]);
    let r = roles(
        &c,
        "?includeDefaultRoles=true&scopeTypes=DAG&scopeTypes=DEPLOYMENT",
    )
    .await;
    assert_eq!(r.json["totalCount"], 2);
    assert_eq!(
        names(&r, "defaultRoles"),
        ["DEPLOYMENT_ADMIN", "DAG_VIEWER", "DAG_AUTHOR"]
    );
    let r = roles(
        &c,
        "?includeDefaultRoles=true&scopeTypes=WORKSPACE&scopeTypes=ORGANIZATION",
    )
    .await;
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(names(&r, "defaultRoles").len(), 10);
    // Without includeDefaultRoles the filter still applies to the custom roles.
    let r = roles(&c, "?scopeTypes=WORKSPACE").await;
    assert!(names(&r, "roles").is_empty());
    assert!(r.json.get("defaultRoles").is_none());
    // Paging applies to the custom roles; the default roles are never paged.
    let r = roles(&c, "?includeDefaultRoles=true&limit=1&offset=1").await;
    assert_eq!(names(&r, "roles"), ["DAG_OPERATOR_RESTRICTED"]);
    assert_eq!(
        (&r.json["limit"], &r.json["offset"], &r.json["totalCount"]),
        (&json!(1), &json!(1), &json!(2))
    );
    assert_eq!(names(&r, "defaultRoles").len(), 13);
    let r = roles(&c, "?includeDefaultRoles=true&limit=0").await;
    assert!(names(&r, "roles").is_empty());
    assert_eq!(r.json["totalCount"], 2);
    assert_eq!(names(&r, "defaultRoles").len(), 13);
    let r = roles(&c, "?offset=2").await;
    assert!(names(&r, "roles").is_empty());
    assert_eq!(r.json["totalCount"], 2);
    // The document gives limit no maximum.
    let r = roles(&c, "?limit=5000").await;
    assert_eq!(r.json["limit"], 5000);
    assert_eq!(names(&r, "roles").len(), 2);
    // Sorts, case-insensitive names; a %3A colon works.
    assert_eq!(
        names(&roles(&c, "?sorts=name:asc").await, "roles"),
        ["DAG_OPERATOR_RESTRICTED", "DEPLOYMENT_VIEWER"]
    );
    assert_eq!(
        names(&roles(&c, "?sorts=name%3Adesc").await, "roles"),
        ["DEPLOYMENT_VIEWER", "DAG_OPERATOR_RESTRICTED"]
    );
    assert_eq!(
        names(&roles(&c, "?sorts=createdAt:desc").await, "roles"),
        ["DAG_OPERATOR_RESTRICTED", "DEPLOYMENT_VIEWER"]
    );
    assert_eq!(
        names(&roles(&c, "?sorts=updatedAt:asc").await, "roles"),
        ["DEPLOYMENT_VIEWER", "DAG_OPERATOR_RESTRICTED"]
    );
    // "Runs and clears…" before "Sees the…".
    assert_eq!(
        names(&roles(&c, "?sorts=description:asc").await, "roles"),
        ["DAG_OPERATOR_RESTRICTED", "DEPLOYMENT_VIEWER"]
    );
    // Ties keep creation order; several sorts apply in turn.
    assert_eq!(
        names(&roles(&c, "?sorts=scopeType:desc").await, "roles"),
        ["DEPLOYMENT_VIEWER", "DAG_OPERATOR_RESTRICTED"]
    );
    assert_eq!(
        names(
            &roles(&c, "?sorts=scopeType:asc&sorts=name:asc&limit=1").await,
            "roles"
        ),
        ["DAG_OPERATOR_RESTRICTED"]
    );
}

#[tokio::test]
async fn list_roles_refusals_and_who_may_read_it() {
    let c = Ctx::new().await;
    for (q, field) in [
        ("?includeDefaultRoles=yes", "includeDefaultRoles"),
        ("?includeDefaultRoles=", "includeDefaultRoles"),
        ("?includeDefaultRoles=TRUE", "includeDefaultRoles"),
        ("?scopeTypes=SYSTEM", "scopeTypes"),
        ("?scopeTypes=deployment", "scopeTypes"),
        ("?scopeTypes=", "scopeTypes"),
        ("?scopeTypes=DEPLOYMENT,DAG", "scopeTypes"),
        ("?sorts=id:asc", "sorts"),
        ("?sorts=name", "sorts"),
        ("?sorts=name:asc,createdAt:desc", "sorts"),
        ("?offset=-1", "offset"),
        ("?offset=x", "offset"),
        ("?limit=-1", "limit"),
        ("?limit=1.5", "limit"),
    ] {
        let r = roles(&c, q).await;
        assert_field_error(&r, field);
        assert_eq!(fields(&r), [field], "{q}: {}", r.text);
    }
    // Several problems at once: every one named.
    let r = roles(&c, "?scopeTypes=X&scopeTypes=Y&offset=-1").await;
    assert_eq!(fields(&r), ["offset", "scopeTypes", "scopeTypes"]);
    // Auth: none, another Organization, an Organization the token names that does not exist.
    assert_error(
        &c.call_with(Method::GET, &c.org("/roles"), None, None).await,
        401,
    );
    let elsewhere = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    assert_error(&as_token(&c, &c.org("/roles"), &elsewhere).await, 403);
    assert_error(
        &as_token(
            &c,
            "/organizations/cotherorg0000000000000000/roles",
            &elsewhere,
        )
        .await,
        404,
    );
    // Any Organization role may read it: an Organization token short of owner, a user token.
    let member = c.emu.api_token_secret(PLATFORM_AUTOMATION).unwrap();
    let r = as_token(&c, &c.org("/roles?includeDefaultRoles=true"), &member).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalCount"], 2);
    let r = as_token(&c, &c.org("/roles"), &c.emu.user_token()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // A token without an Organization role may not (Workspace and Deployment tokens).
    for id in [ANALYTICS_REPORTING, LOADS_DEPLOYER] {
        let secret = c.emu.api_token_secret(id).unwrap();
        let message = assert_error(&as_token(&c, &c.org("/roles"), &secret).await, 403);
        assert!(
            message.contains("list the Organization's roles")
                && message.contains("organization.customRoles.get"),
            "{message}"
        );
    }
    // The other method of the path is not served: CreateCustomRole answers 501.
    let r = c.post(&c.org("/roles"), "{}").await;
    assert!(assert_error(&r, 501).contains("CreateCustomRole"));
}

#[tokio::test]
async fn list_roles_faults_on_its_path() {
    let c = Ctx::new().await;
    // A 403 scripted for ListRoles only (how a client tests falling back without roles).
    c.emu.inject(
        Fault::new(FaultKind::Status {
            status: 403,
            retry_after: None,
        })
        .method("GET")
        .path("/v1/organizations/*/roles")
        .times(2),
    );
    assert_eq!(c.get(&c.org("/users")).await.status, 200);
    assert_eq!(
        c.get(&c.org(&format!("/users/{}/roles", "x"))).await.status,
        405
    );
    for _ in 0..2 {
        let r = roles(&c, "?includeDefaultRoles=true").await;
        assert_error(&r, 403);
    }
    assert_eq!(roles(&c, "").await.status, 200);
    // And a 500 once, then the answer.
    c.emu.inject(
        Fault::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .path("/v1/organizations/*/roles"),
    );
    assert_error(&roles(&c, "").await, 500);
    assert_eq!(roles(&c, "").await.status, 200);
    let log = c.emu.requests();
    let statuses: Vec<u16> = log
        .iter()
        .filter(|r| r.path.ends_with("/roles"))
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [405, 403, 403, 200, 500, 200]);
}

// ----------------------------------------------------------------------------------------
// Deployment role names in the write operations

#[tokio::test]
async fn update_user_roles_takes_admin_and_custom_deployment_roles() {
    let c = Ctx::new().await;
    let edsger = c.emu.user("edsger@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", edsger.id));
    let body = json!({"organizationRole": "ORGANIZATION_OBSERVE_MEMBER", "deploymentRoles": [
        {"deploymentId": DASHBOARDS, "role": "DEPLOYMENT_VIEWER"},
        // Restricted to Data Platform, where Ingestion is.
        {"deploymentId": INGESTION, "role": "DAG_OPERATOR_RESTRICTED"},
        {"deploymentId": WAREHOUSE_LOADS, "role": "DEPLOYMENT_ADMIN"},
    ]});
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["deploymentRoles"], body["deploymentRoles"]);
    // State: the handle, GetUser and the filters agree.
    let snap = c.emu.user("edsger@example.com").unwrap();
    let got: Vec<(&str, Option<&str>, &str)> = snap
        .deployment_roles
        .iter()
        .map(|d| {
            (
                d.deployment_id.as_str(),
                d.deployment_name.as_deref(),
                d.role.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (DASHBOARDS, Some("Dashboards"), "DEPLOYMENT_VIEWER"),
            (INGESTION, Some("Ingestion"), "DAG_OPERATOR_RESTRICTED"),
            (WAREHOUSE_LOADS, Some("Warehouse Loads"), "DEPLOYMENT_ADMIN"),
        ]
    );
    let r = c.get(&c.org(&format!("/users/{}", edsger.id))).await;
    assert_eq!(r.json["deploymentRoles"], body["deploymentRoles"]);
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/users?deploymentId={DASHBOARDS}")))
                .await,
            "users"
        ),
        ["edsger@example.com"]
    );
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/users?deploymentId={INGESTION}")))
                .await,
            "users"
        ),
        ["grace@example.com", "edsger@example.com"]
    );
    // A PENDING invitee takes them too.
    let barbara = c.emu.user("barbara@example.com").unwrap();
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", barbara.id)),
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
                {"deploymentId": REPORTING, "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        c.emu.user("barbara@example.com").unwrap().deployment_roles[0].role,
        "DEPLOYMENT_VIEWER"
    );
}

#[tokio::test]
async fn update_user_roles_refuses_unknown_and_restricted_deployment_roles() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", grace.id));
    let member = "ORGANIZATION_MEMBER";
    let restricted = format!(
        "deploymentRoles[1].role \"DAG_OPERATOR_RESTRICTED\" is restricted to Workspace \
         {DATA_PLATFORM}; Deployment {REPORTING} is in Workspace {ANALYTICS}"
    );
    let cases: Vec<(Value, Vec<(&str, String)>)> = vec![
        // Unknown names, exactly as the API says it.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "NOPE"}]}),
            vec![(
                "deploymentRoles[0].role",
                format!("deploymentRoles[0].role \"NOPE\" {TAKES}"),
            )],
        ),
        // Names are exact: no other case.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "deployment_admin"}]}),
            vec![(
                "deploymentRoles[0].role",
                format!("deploymentRoles[0].role \"deployment_admin\" {TAKES}"),
            )],
        ),
        // Roles of other scopes are no Deployment roles.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "DEPLOYMENT_ADMIN"},
                {"deploymentId": REPORTING, "role": "WORKSPACE_OWNER"},
                {"deploymentId": DASHBOARDS, "role": "DAG_VIEWER"}]}),
            vec![
                (
                    "deploymentRoles[1].role",
                    format!("deploymentRoles[1].role \"WORKSPACE_OWNER\" {TAKES}"),
                ),
                (
                    "deploymentRoles[2].role",
                    format!("deploymentRoles[2].role \"DAG_VIEWER\" {TAKES}"),
                ),
            ],
        ),
        // Restricted to Data Platform; Reporting is in Analytics. The valid entry before it
        // is not applied either.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "DEPLOYMENT_VIEWER"},
                {"deploymentId": REPORTING, "role": "DAG_OPERATOR_RESTRICTED"}]}),
            vec![("deploymentRoles[1].role", restricted.clone())],
        ),
        // An unknown Deployment is still refused; its role name is checked too.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": "cnosuchdeployment00000000", "role": "DAG_OPERATOR_RESTRICTED"}]}),
            vec![(
                "deploymentRoles[0].deploymentId",
                "deploymentRoles[0].deploymentId: no Deployment cnosuchdeployment00000000 in \
                 this Organization"
                    .to_string(),
            )],
        ),
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": "cnosuchdeployment00000000", "role": "NOPE"}]}),
            vec![
                (
                    "deploymentRoles[0].deploymentId",
                    "deploymentRoles[0].deploymentId: no Deployment cnosuchdeployment00000000 \
                     in this Organization"
                        .to_string(),
                ),
                (
                    "deploymentRoles[0].role",
                    format!("deploymentRoles[0].role \"NOPE\" {TAKES}"),
                ),
            ],
        ),
        // Another Organization's Deployment is unknown here.
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": ANALYTICAL_ENGINE, "role": "DEPLOYMENT_ADMIN"}]}),
            vec![(
                "deploymentRoles[0].deploymentId",
                format!(
                    "deploymentRoles[0].deploymentId: no Deployment {ANALYTICAL_ENGINE} in \
                     this Organization"
                ),
            )],
        ),
        // Refused along with a change of the Organization role and the other lists.
        (
            json!({"organizationRole": "ORGANIZATION_OWNER",
                   "workspaceRoles": [], "dagRoles": [],
                   "deploymentRoles": [{"deploymentId": WAREHOUSE_LOADS, "role": "VIEWER"}]}),
            vec![(
                "deploymentRoles[0].role",
                format!("deploymentRoles[0].role \"VIEWER\" {TAKES}"),
            )],
        ),
    ];
    for (body, expected) in cases {
        let r = c.post(&path, &body.to_string()).await;
        let want: Vec<&str> = expected.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields(&r), want, "{body}: {}", r.text);
        for (field, message) in &expected {
            assert_eq!(field_message(&r, field), message, "{body}");
        }
        assert!(
            r.json["message"]
                .as_str()
                .unwrap()
                .starts_with("Invalid request: ")
        );
        // Nothing changed.
        assert_eq!(c.emu.user("grace@example.com").unwrap(), grace, "{body}");
    }
    // The same check for an unknown user comes first: validation before the 404.
    let r = c
        .post(
            &c.org("/users/cnosuchuser00000000000000/roles"),
            &json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "NOPE"}]})
            .to_string(),
        )
        .await;
    assert_field_error(&r, "deploymentRoles[0].role");
}

#[tokio::test]
async fn update_team_roles_checks_deployment_roles_the_same_way() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{PLATFORM_TEAM}/roles"));
    let r = c
        .post(
            &path,
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
                {"deploymentId": REPORTING, "role": "DEPLOYMENT_VIEWER"},
                {"deploymentId": WAREHOUSE_LOADS, "role": "DAG_OPERATOR_RESTRICTED"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let team = c.emu.team("Platform Team").unwrap();
    let got: Vec<(&str, &str)> = team
        .deployment_roles
        .iter()
        .map(|d| (d.deployment_id.as_str(), d.role.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (REPORTING, "DEPLOYMENT_VIEWER"),
            (WAREHOUSE_LOADS, "DAG_OPERATOR_RESTRICTED")
        ]
    );
    // ListTeams by Deployment: the Team now holds a role on Reporting.
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/teams?deploymentId={REPORTING}")))
                .await,
            "teams"
        ),
        ["Platform Team"]
    );
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/teams?deploymentId={WAREHOUSE_LOADS}")))
                .await,
            "teams"
        ),
        ["Platform Team", "Data Engineering, EU"]
    );
    // Refusals, on this Team and on the one with every kind of role; nothing changes.
    let before = c.emu.teams();
    for (team, body, field, message) in [
        (
            PLATFORM_TEAM,
            json!({"organizationRole": "ORGANIZATION_OWNER", "deploymentRoles": [
                {"deploymentId": DASHBOARDS, "role": "DASHBOARD_READER"}]}),
            "deploymentRoles[0].role",
            format!("deploymentRoles[0].role \"DASHBOARD_READER\" {TAKES}"),
        ),
        (
            DATA_ENGINEERING_EU,
            json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": [],
                   "deploymentRoles": [
                       {"deploymentId": INGESTION, "role": "DEPLOYMENT_ADMIN"},
                       {"deploymentId": DASHBOARDS, "role": "DAG_OPERATOR_RESTRICTED"}]}),
            "deploymentRoles[1].role",
            format!(
                "deploymentRoles[1].role \"DAG_OPERATOR_RESTRICTED\" is restricted to \
                 Workspace {DATA_PLATFORM}; Deployment {DASHBOARDS} is in Workspace {ANALYTICS}"
            ),
        ),
    ] {
        let r = c
            .post(&c.org(&format!("/teams/{team}/roles")), &body.to_string())
            .await;
        assert_eq!(fields(&r), [field], "{}", r.text);
        assert_eq!(field_message(&r, field), message);
    }
    assert_eq!(c.emu.teams(), before);
    // Validation before the Team's 404.
    let r = c
        .post(
            &c.org("/teams/cnosuchteam00000000000000/roles"),
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
                {"deploymentId": INGESTION, "role": "NOPE"}]})
            .to_string(),
        )
        .await;
    assert_field_error(&r, "deploymentRoles[0].role");
}

#[tokio::test]
async fn api_tokens_check_deployment_roles_the_same_way() {
    let c = Ctx::new().await;
    // CreateApiToken, DEPLOYMENT scope: a custom role, usable where it is restricted to.
    for (name, role, deployment) in [
        ("Viewer", "DEPLOYMENT_VIEWER", DASHBOARDS),
        ("Operator", "DAG_OPERATOR_RESTRICTED", INGESTION),
    ] {
        let r = c
            .post(
                &c.org("/tokens"),
                &json!({"name": name, "role": role, "scope": "DEPLOYMENT",
                        "entityId": deployment})
                .to_string(),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(c.emu.api_token(name).unwrap().roles[0].role, role, "{name}");
    }
    let count = c.emu.api_tokens().len();
    for (body, message) in [
        (
            json!({"name": "n", "role": "DAG_OPERATOR_RESTRICTED", "scope": "DEPLOYMENT",
                   "entityId": DASHBOARDS}),
            format!(
                "role \"DAG_OPERATOR_RESTRICTED\" is restricted to Workspace {DATA_PLATFORM}; \
                 Deployment {DASHBOARDS} is in Workspace {ANALYTICS}"
            ),
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_OWNER", "scope": "DEPLOYMENT",
                   "entityId": DASHBOARDS}),
            format!("role \"ORGANIZATION_OWNER\" {TAKES}"),
        ),
    ] {
        let r = c.post(&c.org("/tokens"), &body.to_string()).await;
        assert_eq!(fields(&r), ["role"], "{}", r.text);
        assert_eq!(field_message(&r, "role"), message);
    }
    assert_eq!(c.emu.api_tokens().len(), count);
    // UpdateApiTokenRoles: the seeded Deployment token takes a custom role on its own
    // Deployment (Warehouse Loads is in Data Platform: the restricted one fits).
    let path = c.org(&format!("/tokens/{LOADS_DEPLOYER}/roles"));
    let r = c
        .post(
            &path,
            &json!({"roles": [{"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS,
                               "role": "DAG_OPERATOR_RESTRICTED"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["deploymentRoles"],
        json!([{"deploymentId": WAREHOUSE_LOADS, "role": "DAG_OPERATOR_RESTRICTED"}])
    );
    // An Organization token: a restricted role in the wrong Workspace, an unknown one.
    let before = c.emu.api_tokens();
    let org_role =
        json!({"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"});
    let r = c
        .post(
            &c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles")),
            &json!({"roles": [org_role,
                {"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "DEPLOYMENT_VIEWER"},
                {"entityType": "DEPLOYMENT", "entityId": REPORTING,
                 "role": "DAG_OPERATOR_RESTRICTED"},
                {"entityType": "DEPLOYMENT", "entityId": DASHBOARDS, "role": "Viewer"}]})
            .to_string(),
        )
        .await;
    assert_eq!(fields(&r), ["roles[2].role", "roles[3].role"], "{}", r.text);
    assert_eq!(
        field_message(&r, "roles[2].role"),
        format!(
            "roles[2].role \"DAG_OPERATOR_RESTRICTED\" is restricted to Workspace \
             {DATA_PLATFORM}; Deployment {REPORTING} is in Workspace {ANALYTICS}"
        )
    );
    assert_eq!(
        field_message(&r, "roles[3].role"),
        format!("roles[3].role \"Viewer\" {TAKES}")
    );
    assert_eq!(c.emu.api_tokens(), before);
}

#[tokio::test]
async fn without_custom_roles_only_deployment_admin() {
    let seed = Seed::from_yaml(
        "organization: {name: Bare}\n\
         users: [{email: boss@bare.test, fullName: Boss, role: ORGANIZATION_OWNER}]\n\
         workspaces: [{name: Ops, deployments: [{name: Prod}]}]\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let r = roles(&c, "?includeDefaultRoles=true").await;
    assert_eq!(r.json["roles"], json!([]));
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(names(&r, "defaultRoles").len(), 13);
    assert!(c.emu.custom_roles().is_empty());
    let boss = c.emu.user("boss@bare.test").unwrap();
    let prod = c.emu.deployment("Prod").unwrap().id;
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", boss.id)),
            &json!({"organizationRole": "ORGANIZATION_OWNER", "deploymentRoles": [
                {"deploymentId": prod, "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    assert_eq!(
        field_message(&r, "deploymentRoles[0].role"),
        "deploymentRoles[0].role \"DEPLOYMENT_VIEWER\" is not a Deployment role of this \
         Organization: it takes DEPLOYMENT_ADMIN (no custom role of scope DEPLOYMENT exists)"
    );
}

// ----------------------------------------------------------------------------------------
// deploymentId filters

#[tokio::test]
async fn deployment_filters_of_users_teams_and_tokens() {
    let c = Ctx::new().await;
    // ListUsers: a Deployment role or a DAG role in the Deployment.
    for (d, expected) in [
        (INGESTION, vec!["grace@example.com"]),
        (WAREHOUSE_LOADS, vec!["grace@example.com"]),
        (REPORTING, vec!["alan@example.com"]),
        (DASHBOARDS, vec![]),
    ] {
        let r = c.get(&c.org(&format!("/users?deploymentId={d}"))).await;
        assert_eq!(names(&r, "users"), expected, "{d}");
        assert_eq!(r.json["totalCount"], expected.len());
    }
    // ListTeams: likewise.
    for (d, expected) in [
        (INGESTION, vec!["Data Engineering, EU"]),
        (WAREHOUSE_LOADS, vec!["Data Engineering, EU"]),
        (REPORTING, vec![]),
    ] {
        let r = c.get(&c.org(&format!("/teams?deploymentId={d}"))).await;
        assert_eq!(names(&r, "teams"), expected, "{d}");
    }
    // ListApiTokens: tokens scoped to the Deployment and tokens with a Deployment role on it.
    let r = c
        .post(
            &c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles")),
            &json!({"roles": [
                {"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"},
                {"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS,
                 "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/tokens?deploymentId={WAREHOUSE_LOADS}")))
                .await,
            "tokens"
        ),
        ["Platform automation", "Loads deployer"]
    );
    assert!(
        names(
            &c.get(&c.org(&format!("/tokens?deploymentId={INGESTION}")))
                .await,
            "tokens"
        )
        .is_empty()
    );
    // With workspaceId too (ANDed): Platform automation has no Workspace role any more.
    assert!(
        names(
            &c.get(&c.org(&format!(
                "/tokens?deploymentId={WAREHOUSE_LOADS}&workspaceId={DATA_PLATFORM}"
            )))
            .await,
            "tokens"
        )
        .is_empty()
    );
    // An unknown Deployment: ListUsers (no 404 in the document) an empty list; ListTeams
    // and ListApiTokens a 404. Another Organization's Deployment is unknown here.
    for d in ["cnosuchdeployment00000000", ANALYTICAL_ENGINE] {
        let r = c.get(&c.org(&format!("/users?deploymentId={d}"))).await;
        assert!(names(&r, "users").is_empty());
        for op in ["teams", "tokens"] {
            let r = c.get(&c.org(&format!("/{op}?deploymentId={d}"))).await;
            assert!(assert_error(&r, 404).contains("Deployment"), "{op}");
        }
    }
    // An empty value is a 400 in all three.
    for op in ["users", "teams", "tokens"] {
        assert_field_error(
            &c.get(&c.org(&format!("/{op}?deploymentId="))).await,
            "deploymentId",
        );
    }
}

// ----------------------------------------------------------------------------------------
// Seed files

#[tokio::test]
async fn seed_files_declare_custom_roles() {
    let yaml = r#"
organization: {name: Acme}
users:
  - email: boss@acme.test
    fullName: The Boss
    role: ORGANIZATION_OWNER
    deploymentRoles:
      - {deployment: Ops Prod, role: Ops Viewer}
      - {deployment: Lab Prod, role: Lab Only}
workspaces:
  - name: Ops
    deployments: [{name: Ops Prod}]
  - name: Lab
    id: cworkspacelab000000000000
    deployments: [{name: Lab Prod}]
customRoles:
  - name: Ops Viewer
    scopeType: DEPLOYMENT
    description: Reads Deployments
    id: croleopsviewer00000000000
  - name: Lab Only
    scopeType: DEPLOYMENT
    restrictedWorkspaceIds: [cworkspacelab000000000000]
  - name: Both
    scopeType: DEPLOYMENT
    restrictedWorkspaces: [Ops]
    restrictedWorkspaceIds: [cworkspacelab000000000000]
  - {name: Auditor, scopeType: ORGANIZATION}
teams:
  - name: Ops Team
    deploymentRoles: [{deployment: Ops Prod, role: Both}]
apiTokens:
  - {name: Lab CI, scope: DEPLOYMENT, deployment: Lab Prod, role: Lab Only}
"#;
    let seed = Seed::from_yaml(yaml).unwrap();
    assert_eq!(seed.organization.as_ref().unwrap().custom_roles.len(), 4);
    let c = Ctx::with(Emulator::builder().seed(seed.clone()).unwrap()).await;
    let got: Vec<(String, String, Vec<String>)> = c
        .emu
        .custom_roles()
        .into_iter()
        .map(|r| (r.name, r.scope_type, r.restricted_workspace_names))
        .collect();
    let ops = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        got,
        [
            ("Ops Viewer".into(), "DEPLOYMENT".into(), vec![]),
            ("Lab Only".into(), "DEPLOYMENT".into(), ops(&["Lab"])),
            ("Both".into(), "DEPLOYMENT".into(), ops(&["Ops", "Lab"])),
            ("Auditor".into(), "ORGANIZATION".into(), vec![]),
        ]
    );
    let viewer = c.emu.custom_role("Ops Viewer").unwrap();
    assert_eq!(viewer.id, "croleopsviewer00000000000");
    assert_eq!(viewer.description.as_deref(), Some("Reads Deployments"));
    assert_eq!(viewer.created_at, "2024-01-19T09:00:00Z");
    let boss = c.emu.user("boss@acme.test").unwrap();
    assert_eq!(boss.deployment_roles[1].role, "Lab Only");
    assert_eq!(
        c.emu.team("Ops Team").unwrap().deployment_roles[0].role,
        "Both"
    );
    assert_eq!(c.emu.api_token("Lab CI").unwrap().roles[0].role, "Lab Only");
    // ListRoles shows them; scopeTypes=ORGANIZATION the one Organization role.
    let r = roles(&c, "?scopeTypes=ORGANIZATION").await;
    assert_eq!(names(&r, "roles"), ["Auditor"]);
    let r = roles(&c, "?sorts=name:asc").await;
    assert_eq!(
        names(&r, "roles"),
        ["Auditor", "Both", "Lab Only", "Ops Viewer"]
    );
    assert!(r.json["roles"][0].get("description").is_none());
    // An Organization-scope custom role is no Deployment role.
    let prod = c.emu.deployment("Ops Prod").unwrap().id;
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", boss.id)),
            &json!({"organizationRole": "ORGANIZATION_OWNER", "deploymentRoles": [
                {"deploymentId": prod, "role": "Auditor"}]})
            .to_string(),
        )
        .await;
    assert_eq!(
        field_message(&r, "deploymentRoles[0].role"),
        "deploymentRoles[0].role \"Auditor\" is not a Deployment role of this Organization: \
         it takes DEPLOYMENT_ADMIN or a custom role of scope DEPLOYMENT (Ops Viewer, Lab Only, \
         Both)"
    );
    // The same under `organization`, in JSON; a serialized Seed reads back.
    let json_seed = Seed::from_json(
        r#"{"organization": {"name": "J", "customRoles": [{"name": "R", "scopeType": "DEPLOYMENT"}]},
            "users": [{"email": "a@j.test", "fullName": "A", "role": "ORGANIZATION_OWNER"}]}"#,
    )
    .unwrap();
    assert_eq!(json_seed.organization.unwrap().custom_roles[0].name, "R");
    let text = serde_json::to_string(&seed).unwrap();
    assert_eq!(Seed::from_json(&text).unwrap(), seed);
    let text = serde_json::to_string(&Seed::default()).unwrap();
    assert_eq!(Seed::from_json(&text).unwrap(), Seed::default());
    // In the several-Organizations form each Organization has its own.
    let several = Seed::from_yaml(
        "organizations:\n\
         \x20 - name: A\n\
         \x20   users: [{email: a@a.test, fullName: A, role: ORGANIZATION_OWNER}]\n\
         \x20 - name: B\n\
         \x20   users: [{email: b@b.test, fullName: B, role: ORGANIZATION_OWNER}]\n\
         \x20   customRoles: [{name: B Role, scopeType: DEPLOYMENT}]\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed(several).unwrap()).await;
    assert!(c.emu.custom_roles().is_empty());
    let b = c.emu.organizations()[1].id.clone();
    let r = as_token(
        &c,
        &format!("/organizations/{b}/roles"),
        &c.emu.mint_token(TokenOptions {
            organization_id: Some(b.clone()),
            ..Default::default()
        }),
    )
    .await;
    assert_eq!(names(&r, "roles"), ["B Role"]);
    // The builder takes custom roles from code too.
    let mut seed = Seed::default();
    seed.organization
        .as_mut()
        .unwrap()
        .custom_roles
        .push(SeedCustomRole {
            description: Some("Made in code".into()),
            ..SeedCustomRole::new("CODE_ROLE", "DEPLOYMENT")
        });
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    assert_eq!(c.emu.custom_roles().len(), 3);
    assert_eq!(
        c.emu.custom_role("CODE_ROLE").unwrap().created_at,
        "2024-01-19T11:00:00Z"
    );
}

#[test]
fn seed_file_custom_role_errors_name_the_place() {
    let base = "organization: {name: Acme}\n\
                users:\n  - {email: boss@acme.test, fullName: B, role: ORGANIZATION_OWNER}\n\
                workspaces:\n  - {name: Ops, deployments: [{name: Ops Prod}]}\n  \
                - {name: Lab, id: cworkspacelab000000000000, deployments: [{name: Lab Prod}]}\n";
    for (extra, needle) in [
        (
            "customRoles: [{name: ' ', scopeType: DEPLOYMENT}]",
            "customRoles[0].name is empty",
        ),
        (
            "customRoles: [{name: DEPLOYMENT_ADMIN, scopeType: DEPLOYMENT}]",
            "customRoles[0].name \"DEPLOYMENT_ADMIN\" is a default role's name",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT}, {name: R, scopeType: WORKSPACE}]",
            "customRoles[1].name \"R\" appears twice",
        ),
        (
            "customRoles: [{name: R, scopeType: DAG}]",
            "customRoles[0].scopeType \"DAG\" is not DEPLOYMENT, WORKSPACE or ORGANIZATION",
        ),
        ("customRoles: [{name: R}]", "scopeType"),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT, color: red}]",
            "color",
        ),
        (
            "customRoles: [{name: R, scopeType: WORKSPACE, restrictedWorkspaces: [Ops]}]",
            "customRoles[0]: only a DEPLOYMENT role can be restricted to Workspaces",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT, restrictedWorkspaces: [Nope]}]",
            "customRoles[0].restrictedWorkspaces: no Workspace named \"Nope\"",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT, restrictedWorkspaces: [Ops, Ops]}]",
            "customRoles[0].restrictedWorkspaces: Workspace \"Ops\" appears twice",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT, restrictedWorkspaceIds: [cnope]}]",
            "customRoles[0].restrictedWorkspaceIds: no seed Workspace has the id \"cnope\"",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT, restrictedWorkspaces: [Lab], \
             restrictedWorkspaceIds: [cworkspacelab000000000000]}]",
            "appears twice",
        ),
        // Deployment roles of users, Teams and tokens name DEPLOYMENT_ADMIN or a custom one.
        (
            "teams: [{name: T, deploymentRoles: [{deployment: Ops Prod, role: VIEWER}]}]",
            "teams[0].deploymentRoles[0].role \"VIEWER\" is not a Deployment role",
        ),
        (
            "customRoles: [{name: Lab Only, scopeType: DEPLOYMENT, restrictedWorkspaces: [Lab]}]\n\
             teams: [{name: T, deploymentRoles: [{deployment: Ops Prod, role: Lab Only}]}]",
            "teams[0].deploymentRoles[0].role \"Lab Only\" is restricted to Workspaces other \
             than \"Ops\"",
        ),
        (
            "customRoles: [{name: Auditor, scopeType: ORGANIZATION}]\n\
             teams: [{name: T, deploymentRoles: [{deploymentId: cdep1, role: Auditor}]}]",
            "teams[0].deploymentRoles[0].role \"Auditor\" is not a Deployment role",
        ),
        (
            "apiTokens: [{name: D, scope: DEPLOYMENT, deployment: Ops Prod, role: CUSTOM}]",
            "apiTokens[0].role \"CUSTOM\" is not a Deployment role",
        ),
        (
            "customRoles: [{name: Lab Only, scopeType: DEPLOYMENT, \
             restrictedWorkspaceIds: [cworkspacelab000000000000]}]\n\
             apiTokens: [{name: D, scope: ORGANIZATION, role: ORGANIZATION_MEMBER, \
             deploymentRoles: [{deployment: Ops Prod, role: Lab Only}]}]",
            "apiTokens[0].deploymentRoles[0].role \"Lab Only\" is restricted",
        ),
        (
            "customRoles: [{name: R, scopeType: DEPLOYMENT}]\n\
             organizations: [{name: B, users: [{email: b@b.test, fullName: B, \
             role: ORGANIZATION_OWNER}], customRoles: [{name: R, scopeType: X}]}]",
            "organizations[0].customRoles[0].scopeType",
        ),
    ] {
        let err = Seed::from_yaml(&format!("{base}{extra}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{extra}: {err}");
    }
    // Top-level customRoles need an `organization`, and are given once.
    let err = Seed::from_yaml(
        "customRoles: [{name: R, scopeType: DEPLOYMENT}]\n\
         organizations: [{name: B, users: [{email: b@b.test, fullName: B, \
         role: ORGANIZATION_OWNER}]}]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("top-level customRoles need an `organization`"),
        "{err}"
    );
    let err = Seed::from_yaml(
        "organization: {name: A, customRoles: [{name: R, scopeType: DEPLOYMENT}]}\n\
         users: [{email: a@a.test, fullName: A, role: ORGANIZATION_OWNER}]\n\
         customRoles: [{name: S, scopeType: DEPLOYMENT}]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not both"), "{err}");
}
