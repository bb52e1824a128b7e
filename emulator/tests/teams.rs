//! The Teams issue over real HTTP: the seeded Teams (deterministic IDs, an IdP-managed one,
//! a comma in a name, two names that differ only in case), ListTeams' paging, sorts and
//! filters, CreateTeam, GetTeam, UpdateTeam, DeleteTeam, ListTeamMembers, AddTeamMembers,
//! RemoveTeamMember, UpdateTeamRoles (replace semantics and every refusal), ListUserTeams
//! kept consistent, the refusals for IdP-managed Teams, seed files with Teams, the handle,
//! and a large Team among 100,000 users.

mod common;

use std::time::{Duration, Instant};

use astro_emulator::{Emulator, Seed, TokenOptions};
use common::{Ctx, Reply, assert_error, assert_field_error, is_cuid, is_timestamp, unix_of};
use reqwest::Method;
use serde_json::{Value, json};

fn names(r: &Reply, key: &str) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array: {}", r.text))
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect()
}

fn usernames(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["teamMembers"]
        .as_array()
        .unwrap_or_else(|| panic!("no teamMembers: {}", r.text))
        .iter()
        .map(|m| m["username"].as_str().expect("username").to_string())
        .collect()
}

fn user_id(c: &Ctx, email: &str) -> String {
    c.emu
        .user(email)
        .unwrap_or_else(|| panic!("no user {email}"))
        .id
}

/// The IDs the README documents for the default seed's Teams.
const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";
const DATA_ENGINEERING_EU: &str = "clrhm3b40000002649ug96ewr";
const PLATFORM_TEAM_LOWER: &str = "clrho8gw0000003642m95fuxa";
const OKTA_ENGINEERS: &str = "clrhqdmo000000464shfil1yh";

// ----------------------------------------------------------------------------------------
// The seed and the handle

#[tokio::test]
async fn the_default_seed_has_four_teams() {
    let c = Ctx::new().await;
    let teams = c.emu.teams();
    let summary: Vec<(&str, &str, bool, Vec<String>)> = teams
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.organization_role.as_str(),
                t.is_idp_managed,
                t.members.clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                "Platform Team",
                "ORGANIZATION_MEMBER",
                false,
                vec!["grace@example.com".to_string()]
            ),
            (
                "Data Engineering, EU",
                "ORGANIZATION_MEMBER",
                false,
                vec![
                    "Katherine.Johnson@Example.com".to_string(),
                    "ada@example.com".to_string()
                ]
            ),
            (
                "platform team",
                "ORGANIZATION_MEMBER",
                false,
                vec!["ada@example.com".to_string()]
            ),
            (
                "Okta Engineers",
                "ORGANIZATION_BILLING_ADMIN",
                true,
                vec![
                    "ada@example.com".to_string(),
                    "Katherine.Johnson@Example.com".to_string()
                ]
            ),
        ]
    );
    // Deterministic IDs, an hour apart from 2024-01-17T09:00:00Z.
    let ids: Vec<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            PLATFORM_TEAM,
            DATA_ENGINEERING_EU,
            PLATFORM_TEAM_LOWER,
            OKTA_ENGINEERS
        ]
    );
    let created: Vec<&str> = teams.iter().map(|t| t.created_at.as_str()).collect();
    assert_eq!(
        created,
        [
            "2024-01-17T09:00:00Z",
            "2024-01-17T10:00:00Z",
            "2024-01-17T11:00:00Z",
            "2024-01-17T12:00:00Z"
        ]
    );
    // The Team the CLI tests knew before is as it was.
    let platform = c.emu.team("Platform Team").unwrap();
    assert_eq!(
        platform.description.as_deref(),
        Some("Keeps the platform running")
    );
    assert_eq!(platform.workspace_roles.len(), 1);
    assert_eq!(platform.workspace_roles[0].workspace_name, "Data Platform");
    assert_eq!(platform.workspace_roles[0].role, "WORKSPACE_AUTHOR");
    assert!(platform.deployment_roles.is_empty() && platform.dag_roles.is_empty());
    assert_eq!(platform.member_ids, [user_id(&c, "grace@example.com")]);
    // Every kind of role on the comma Team.
    let eu = c.emu.team("Data Engineering, EU").unwrap();
    let ws: Vec<(&str, &str)> = eu
        .workspace_roles
        .iter()
        .map(|r| (r.workspace_name.as_str(), r.role.as_str()))
        .collect();
    assert_eq!(
        ws,
        [
            ("Data Platform", "WORKSPACE_OPERATOR"),
            ("Analytics", "WORKSPACE_MEMBER")
        ]
    );
    assert_eq!(
        eu.deployment_roles[0].deployment_name.as_deref(),
        Some("Warehouse Loads")
    );
    assert_eq!(eu.deployment_roles[0].role, "DEPLOYMENT_ADMIN");
    assert_eq!(
        eu.dag_roles[0].deployment_name.as_deref(),
        Some("Ingestion")
    );
    assert_eq!(
        (
            eu.dag_roles[0].dag_tag.as_deref(),
            eu.dag_roles[0].dag_id.as_deref()
        ),
        (Some("eu"), None)
    );
    assert_eq!(eu.dag_roles[0].role, "DAG_AUTHOR");
    // Lookups: exact names only, by ID, and a user's Teams.
    assert!(c.emu.team("PLATFORM TEAM").is_none());
    assert_eq!(c.emu.team("platform team").unwrap().id, PLATFORM_TEAM_LOWER);
    assert_eq!(
        c.emu.team_by_id(OKTA_ENGINEERS).unwrap().name,
        "Okta Engineers"
    );
    assert!(c.emu.team_by_id("cnope").is_none());
    assert_eq!(
        c.emu.user_teams("ADA@example.com").unwrap(),
        ["Data Engineering, EU", "platform team", "Okta Engineers"]
    );
    assert_eq!(
        c.emu.user_teams("grace@example.com").unwrap(),
        ["Platform Team"]
    );
    for nobody in [
        "alan@example.com",
        "edsger@example.com",
        "barbara@example.com",
    ] {
        assert_eq!(c.emu.user_teams(nobody).unwrap(), Vec::<String>::new());
    }
    assert!(c.emu.user_teams("nobody@example.com").is_none());
    assert_eq!(
        c.emu.team_members("Okta Engineers").unwrap(),
        ["ada@example.com", "Katherine.Johnson@Example.com"]
    );
    // The second Organization has none.
    let user = c.emu.user_token();
    let second = &c.emu.organizations()[1].id;
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{second}/teams"),
            Some(&user),
            None,
        )
        .await;
    assert_eq!(r.json["totalCount"], 0, "{}", r.text);
}

#[tokio::test]
async fn get_team_shows_every_role_and_who_made_it() {
    let c = Ctx::new().await;
    let eu = c.emu.team("Data Engineering, EU").unwrap();
    let r = c.get(&c.org(&format!("/teams/{}", eu.id))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let wl = c.emu.deployment("Warehouse Loads").unwrap().id;
    let ing = c.emu.deployment("Ingestion").unwrap().id;
    let ada = c.emu.user("ada@example.com").unwrap();
    assert_eq!(
        r.json,
        json!({
            "id": DATA_ENGINEERING_EU,
            "name": "Data Engineering, EU",
            "description": "Pipelines for the EU region",
            "organizationId": c.emu.organization_id(),
            "organizationRole": "ORGANIZATION_MEMBER",
            "isIdpManaged": false,
            "rolesCount": 5,
            "workspaceRoles": [
                {"workspaceId": dp, "role": "WORKSPACE_OPERATOR"},
                {"workspaceId": an, "role": "WORKSPACE_MEMBER"}
            ],
            "deploymentRoles": [{"deploymentId": wl, "role": "DEPLOYMENT_ADMIN"}],
            "dagRoles": [{"deploymentId": ing, "dagTag": "eu", "role": "DAG_AUTHOR"}],
            "createdAt": "2024-01-17T10:00:00Z",
            "updatedAt": "2024-01-17T10:00:00Z",
            "createdBy": {"id": ada.id, "subjectType": "USER", "username": "ada@example.com",
                          "fullName": "Ada Lovelace",
                          "avatarUrl": format!("https://avatars.example.com/{}.png", ada.id)},
            "updatedBy": {"id": ada.id, "subjectType": "USER", "username": "ada@example.com",
                          "fullName": "Ada Lovelace",
                          "avatarUrl": format!("https://avatars.example.com/{}.png", ada.id)},
        })
    );
    let r = c.get(&c.org(&format!("/teams/{OKTA_ENGINEERS}"))).await;
    assert_eq!(r.json["isIdpManaged"], true);
    assert_eq!(r.json["rolesCount"], 2);
    assert_eq!(r.json["deploymentRoles"], json!([]));
    assert_eq!(r.json["dagRoles"], json!([]));
    assert!(assert_error(&c.get(&c.org("/teams/cnope")).await, 404).contains("Team"));
}

// ----------------------------------------------------------------------------------------
// ListTeams

#[tokio::test]
async fn list_teams_pages_and_sorts() {
    let c = Ctx::new().await;
    let list = |q: &str| {
        let (c, q) = (&c, q.to_string());
        async move { c.get(&c.org(&format!("/teams{q}"))).await }
    };
    let r = list("").await;
    assert_eq!(
        names(&r, "teams"),
        [
            "Platform Team",
            "Data Engineering, EU",
            "platform team",
            "Okta Engineers"
        ]
    );
    assert_eq!(
        (r.json["limit"].clone(), r.json["offset"].clone()),
        (json!(20), json!(0))
    );
    let r = list("?limit=2&offset=1").await;
    assert_eq!(
        names(&r, "teams"),
        ["Data Engineering, EU", "platform team"]
    );
    assert_eq!(
        (
            r.json["limit"].clone(),
            r.json["offset"].clone(),
            r.json["totalCount"].clone()
        ),
        (json!(2), json!(1), json!(4))
    );
    let r = list("?offset=4").await;
    assert_eq!(
        (r.json["teams"].clone(), r.json["totalCount"].clone()),
        (json!([]), json!(4))
    );
    assert_eq!(list("?limit=0").await.json["teams"], json!([]));
    assert_eq!(list("?limit=1000").await.json["totalCount"], 4);
    // Names compare case-insensitively; a tie keeps creation order.
    assert_eq!(
        names(&list("?sorts=name:asc").await, "teams"),
        [
            "Data Engineering, EU",
            "Okta Engineers",
            "Platform Team",
            "platform team"
        ]
    );
    assert_eq!(
        names(&list("?sorts=name:desc").await, "teams"),
        [
            "Platform Team",
            "platform team",
            "Okta Engineers",
            "Data Engineering, EU"
        ]
    );
    assert_eq!(
        names(&list("?sorts=description:asc").await, "teams"),
        [
            "Platform Team",
            "Data Engineering, EU",
            "Okta Engineers",
            "platform team"
        ]
    );
    assert_eq!(
        names(&list("?sorts=createdAt:desc&limit=1").await, "teams"),
        ["Okta Engineers"]
    );
    assert_eq!(
        names(
            &list("?sorts=updatedAt%3Adesc&sorts=name:asc").await,
            "teams"
        ),
        [
            "Okta Engineers",
            "platform team",
            "Data Engineering, EU",
            "Platform Team"
        ]
    );
    for (q, field) in [
        ("?sorts=id:asc", "sorts"),
        ("?sorts=name:asc,createdAt:desc", "sorts"),
        ("?sorts=name", "sorts"),
        ("?limit=1001", "limit"),
        ("?limit=-1", "limit"),
        ("?offset=-1", "offset"),
        ("?limit=ten", "limit"),
    ] {
        assert_field_error(&list(q).await, field);
    }
}

#[tokio::test]
async fn list_teams_filters() {
    let c = Ctx::new().await;
    let list = |q: String| {
        let c = &c;
        async move { c.get(&c.org(&format!("/teams{q}"))).await }
    };
    // `names`: exact and case-sensitive, repeated keys ORed, never split on commas.
    assert_eq!(
        names(&list("?names=Platform%20Team".into()).await, "teams"),
        ["Platform Team"]
    );
    assert_eq!(
        names(&list("?names=platform%20team".into()).await, "teams"),
        ["platform team"]
    );
    assert_eq!(
        list("?names=PLATFORM%20TEAM".into()).await.json["totalCount"],
        0
    );
    assert_eq!(
        names(
            &list("?names=Data%20Engineering%2C%20EU".into()).await,
            "teams"
        ),
        ["Data Engineering, EU"]
    );
    assert_eq!(
        names(
            &list("?names=Data%20Engineering,%20EU".into()).await,
            "teams"
        ),
        ["Data Engineering, EU"]
    );
    assert_eq!(
        list("?names=Data%20Engineering&names=EU".into()).await.json["totalCount"],
        0
    );
    assert_eq!(
        names(
            &list("?names=Okta%20Engineers&names=Platform%20Team&names=Nobody".into()).await,
            "teams"
        ),
        ["Platform Team", "Okta Engineers"]
    );
    assert_field_error(&list("?names=".into()).await, "names");
    assert_field_error(
        &list("?names=Okta%20Engineers&names=".into()).await,
        "names",
    );
    // `workspaceId`: Teams with a role in the Workspace; `deploymentId`: a Deployment or DAG
    // role in the Deployment. Filters are ANDed.
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let wl = c.emu.deployment("Warehouse Loads").unwrap().id;
    let ing = c.emu.deployment("Ingestion").unwrap().id;
    let dash = c.emu.deployment("Dashboards").unwrap().id;
    assert_eq!(
        names(&list(format!("?workspaceId={dp}")).await, "teams"),
        ["Platform Team", "Data Engineering, EU"]
    );
    assert_eq!(
        names(
            &list(format!("?workspaceId={an}&sorts=name:asc")).await,
            "teams"
        ),
        ["Data Engineering, EU", "Okta Engineers", "platform team"]
    );
    assert_eq!(
        names(&list(format!("?deploymentId={wl}")).await, "teams"),
        ["Data Engineering, EU"]
    );
    assert_eq!(
        names(&list(format!("?deploymentId={ing}")).await, "teams"),
        ["Data Engineering, EU"]
    );
    assert_eq!(
        list(format!("?deploymentId={dash}")).await.json["totalCount"],
        0
    );
    assert_eq!(
        names(
            &list(format!(
                "?workspaceId={an}&names=Okta%20Engineers&names=Platform%20Team"
            ))
            .await,
            "teams"
        ),
        ["Okta Engineers"]
    );
    assert_eq!(
        list(format!(
            "?workspaceId={dp}&deploymentId={wl}&limit=1&offset=1"
        ))
        .await
        .json,
        json!({"teams": [], "limit": 1, "offset": 1, "totalCount": 1})
    );
    assert!(
        assert_error(
            &list("?workspaceId=cnosuchworkspace0000000000".into()).await,
            404
        )
        .contains("Workspace")
    );
    assert!(
        assert_error(
            &list("?deploymentId=cnosuchdeployment000000000".into()).await,
            404
        )
        .contains("Deployment")
    );
    assert_field_error(&list("?workspaceId=".into()).await, "workspaceId");
}

// ----------------------------------------------------------------------------------------
// CreateTeam

#[tokio::test]
async fn create_team() {
    let c = Ctx::new().await;
    let ada = user_id(&c, "ada@example.com");
    let before = common::now_unix();
    let r = c.post(&c.org("/teams"), r#"{"name":"Ops"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ops = r.json["id"].as_str().unwrap().to_string();
    assert!(is_cuid(&ops), "{ops}");
    assert_eq!(r.json["name"], "Ops");
    assert!(r.json.get("description").is_none(), "{}", r.text);
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(r.json["organizationId"], c.emu.organization_id().as_str());
    assert_eq!(r.json["isIdpManaged"], false);
    assert_eq!(r.json["rolesCount"], 1);
    for list in ["workspaceRoles", "deploymentRoles", "dagRoles"] {
        assert_eq!(r.json[list], json!([]), "{list}");
    }
    assert_eq!(r.json["createdBy"]["id"], ada.as_str());
    assert_eq!(r.json["updatedBy"]["username"], "ada@example.com");
    let created = r.json["createdAt"].as_str().unwrap();
    assert!(is_timestamp(created));
    assert!(unix_of(created) >= before && unix_of(created) <= common::now_unix());
    assert_eq!(r.json["updatedAt"], r.json["createdAt"]);
    // GetTeam answers the same; it is listed last; no members.
    assert_eq!(c.get(&c.org(&format!("/teams/{ops}"))).await.json, r.json);
    assert_eq!(
        names(&c.get(&c.org("/teams")).await, "teams")
            .last()
            .unwrap(),
        "Ops"
    );
    let m = c.get(&c.org(&format!("/teams/{ops}/members"))).await;
    assert_eq!(
        (m.json["teamMembers"].clone(), m.json["totalCount"].clone()),
        (json!([]), json!(0))
    );

    // Every field: description, Organization role, members (a PENDING invitee too).
    let (grace, barbara) = (
        user_id(&c, "grace@example.com"),
        user_id(&c, "barbara@example.com"),
    );
    let body = json!({"name": "Ops, EU", "description": "Night shift",
        "organizationRole": "ORGANIZATION_OBSERVE_MEMBER", "memberIds": [barbara, grace]});
    let r = c.post(&c.org("/teams"), &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let eu = r.json["id"].as_str().unwrap().to_string();
    assert_ne!(eu, ops);
    assert_eq!(r.json["description"], "Night shift");
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(
        usernames(&c.get(&c.org(&format!("/teams/{eu}/members"))).await),
        ["barbara@example.com", "grace@example.com"]
    );
    let snap = c.emu.team("Ops, EU").unwrap();
    assert_eq!(snap.members, ["barbara@example.com", "grace@example.com"]);
    assert_eq!(snap.organization_role, "ORGANIZATION_OBSERVE_MEMBER");
    assert_eq!(
        c.emu.user_teams("grace@example.com").unwrap(),
        ["Platform Team", "Ops, EU"]
    );
    // An empty member list and an empty description are fine; so is a name already used
    // (the document does not ask names to be unique).
    let r = c
        .post(
            &c.org("/teams"),
            r#"{"name":"Platform Team","description":"","memberIds":[]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["description"], "");
    assert_eq!(
        names(
            &c.get(&c.org("/teams?names=Platform%20Team")).await,
            "teams"
        ),
        ["Platform Team", "Platform Team"]
    );
    // `null` members are the same as absent.
    let r = c
        .post(
            &c.org("/teams"),
            r#"{"name":"N","description":null,"organizationRole":null,"memberIds":null}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(c.emu.teams().len(), 8);
}

#[tokio::test]
async fn create_team_refusals_change_nothing() {
    let c = Ctx::new().await;
    let grace = user_id(&c, "grace@example.com");
    for (body, field) in [
        ("{}".to_string(), "name"),
        (r#"{"name":""}"#.into(), "name"),
        (r#"{"name":"   "}"#.into(), "name"),
        (r#"{"name":7}"#.into(), "name"),
        (r#"{"name":"X","description":5}"#.into(), "description"),
        (
            r#"{"name":"X","organizationRole":"WORKSPACE_OWNER"}"#.into(),
            "organizationRole",
        ),
        (
            r#"{"name":"X","organizationRole":"organization_member"}"#.into(),
            "organizationRole",
        ),
        (r#"{"name":"X","memberIds":"a"}"#.into(), "memberIds"),
        (r#"{"name":"X","memberIds":[7]}"#.into(), "memberIds[0]"),
        (r#"{"name":"X","memberIds":[""]}"#.into(), "memberIds[0]"),
        (
            json!({"name": "X", "memberIds": [grace, "cnosuchuser00000000000000"]}).to_string(),
            "memberIds[1]",
        ),
        (
            json!({"name": "X", "memberIds": [grace, grace]}).to_string(),
            "memberIds[1]",
        ),
        ("[]".into(), "body"),
        ("not json".into(), "body"),
    ] {
        let r = c.post(&c.org("/teams"), &body).await;
        assert_field_error(&r, field);
    }
    // Several problems at once: each has its field error.
    let r = c
        .post(
            &c.org("/teams"),
            r#"{"description":1,"organizationRole":"X"}"#,
        )
        .await;
    for field in ["name", "description", "organizationRole"] {
        assert_field_error(&r, field);
    }
    // Not JSON by Content-Type.
    let r = c
        .client
        .post(c.url(&c.org("/teams")))
        .bearer_auth(&c.token)
        .header("Content-Type", "text/plain")
        .body(r#"{"name":"X"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fieldErrors"][0]["field"], "body");
    // Auth first.
    assert_error(
        &c.call_with(
            Method::POST,
            &c.org("/teams"),
            None,
            Some(r#"{"name":"X"}"#),
        )
        .await,
        401,
    );
    let other = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    assert_error(
        &c.call_with(
            Method::POST,
            &c.org("/teams"),
            Some(&other),
            Some(r#"{"name":"X"}"#),
        )
        .await,
        403,
    );
    assert_eq!(c.emu.teams().len(), 4);
}

// ----------------------------------------------------------------------------------------
// UpdateTeam and DeleteTeam

#[tokio::test]
async fn update_team() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{PLATFORM_TEAM}"));
    let before = common::now_unix();
    let r = c
        .post(
            &path,
            r#"{"name":"Platform, Core","description":"Runs it"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["id"], PLATFORM_TEAM);
    assert_eq!(r.json["name"], "Platform, Core");
    assert_eq!(r.json["description"], "Runs it");
    assert_eq!(r.json["createdAt"], "2024-01-17T09:00:00Z");
    assert!(unix_of(r.json["updatedAt"].as_str().unwrap()) >= before);
    // Roles and members are untouched.
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(r.json["workspaceRoles"][0]["role"], "WORKSPACE_AUTHOR");
    assert_eq!(
        c.emu.team("Platform, Core").unwrap().members,
        ["grace@example.com"]
    );
    assert!(c.emu.team("Platform Team").is_none());
    // Without a description: the name changes, the description is kept.
    let r = c.post(&path, r#"{"name":"Platform"}"#).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.json["name"].clone(), r.json["description"].clone()),
        (json!("Platform"), json!("Runs it"))
    );
    // The current name and only a new description (how a client changes just that).
    let r = c
        .post(&path, r#"{"name":"Platform","description":""}"#)
        .await;
    assert_eq!(
        (r.json["name"].clone(), r.json["description"].clone()),
        (json!("Platform"), json!(""))
    );
    assert_eq!(
        c.emu.team("Platform").unwrap().description.as_deref(),
        Some("")
    );
    // ListUserTeams shows the new name.
    let grace = user_id(&c, "grace@example.com");
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/users/{grace}/teams"))).await,
            "teams"
        ),
        ["Platform"]
    );
    // `name` is required, validation comes before the lookup, and nothing changes.
    for (body, field) in [
        (r#"{"description":"only"}"#, "name"),
        (r#"{"name":""}"#, "name"),
        (r#"{"name":null}"#, "name"),
        (r#"{"name":["x"]}"#, "name"),
        (r#"{"name":"X","description":false}"#, "description"),
        ("[]", "body"),
    ] {
        assert_field_error(&c.post(&path, body).await, field);
        assert_field_error(
            &c.post(&c.org("/teams/cnosuchteam00000000000000"), body)
                .await,
            field,
        );
    }
    assert!(c.emu.team("Platform").is_some());
    assert!(
        assert_error(
            &c.post(
                &c.org("/teams/cnosuchteam00000000000000"),
                r#"{"name":"X"}"#
            )
            .await,
            404
        )
        .contains("Team")
    );
}

#[tokio::test]
async fn delete_team() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{DATA_ENGINEERING_EU}"));
    let r = c.delete(&path).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());
    assert!(r.header("content-type").is_none());
    assert_error(&c.get(&path).await, 404);
    assert_error(&c.get(&format!("{path}/members")).await, 404);
    assert!(c.emu.team("Data Engineering, EU").is_none());
    assert_eq!(c.emu.teams().len(), 3);
    // Its members lose it (and what it gave them); their other Teams stay.
    assert_eq!(
        c.emu.user_teams("katherine.johnson@example.com").unwrap(),
        ["Okta Engineers"]
    );
    let ada = user_id(&c, "ada@example.com");
    assert_eq!(
        c.get(&c.org(&format!("/users/{ada}/teams"))).await.json["totalCount"],
        2
    );
    let wl = c.emu.deployment("Warehouse Loads").unwrap().id;
    assert_eq!(
        c.get(&c.org(&format!("/teams?deploymentId={wl}")))
            .await
            .json["totalCount"],
        0
    );
    // Again: 404.
    assert!(assert_error(&c.delete(&path).await, 404).contains("Team"));
    // Auth first.
    assert_error(
        &c.call_with(
            Method::DELETE,
            &c.org(&format!("/teams/{PLATFORM_TEAM}")),
            None,
            None,
        )
        .await,
        401,
    );
    assert!(c.emu.team("Platform Team").is_some());
}

// ----------------------------------------------------------------------------------------
// ListTeamMembers, AddTeamMembers, RemoveTeamMember

#[tokio::test]
async fn list_team_members() {
    let c = Ctx::new().await;
    let list = |q: &str| {
        let (c, q) = (&c, q.to_string());
        async move {
            c.get(&c.org(&format!("/teams/{DATA_ENGINEERING_EU}/members{q}")))
                .await
        }
    };
    let r = list("").await;
    let katherine = c.emu.user("katherine.johnson@example.com").unwrap();
    assert_eq!(
        r.json,
        json!({
            "teamMembers": [
                {"userId": katherine.id, "username": "Katherine.Johnson@Example.com",
                 "fullName": "Katherine Johnson",
                 "avatarUrl": format!("https://avatars.example.com/{}.png", katherine.id),
                 "createdAt": "2024-01-17T10:00:00Z"},
                {"userId": user_id(&c, "ada@example.com"), "username": "ada@example.com",
                 "fullName": "Ada Lovelace",
                 "avatarUrl": format!("https://avatars.example.com/{}.png", user_id(&c, "ada@example.com")),
                 "createdAt": "2024-01-17T10:00:00Z"},
            ],
            "limit": 20, "offset": 0, "totalCount": 2,
        })
    );
    assert_eq!(
        usernames(&list("?sorts=username:asc").await),
        ["ada@example.com", "Katherine.Johnson@Example.com"]
    );
    assert_eq!(
        usernames(&list("?sorts=fullName:desc").await),
        ["Katherine.Johnson@Example.com", "ada@example.com"]
    );
    assert_eq!(
        usernames(&list("?sorts=userId:asc").await),
        ["ada@example.com", "Katherine.Johnson@Example.com"]
    );
    // createdAt ties: the order they were added.
    assert_eq!(
        usernames(&list("?sorts=createdAt:desc").await),
        ["Katherine.Johnson@Example.com", "ada@example.com"]
    );
    let r = list("?limit=1&offset=1&sorts=username:desc").await;
    assert_eq!(usernames(&r), ["ada@example.com"]);
    assert_eq!(
        (r.json["limit"].clone(), r.json["totalCount"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(list("?offset=2").await.json["teamMembers"], json!([]));
    // The document gives this limit no maximum.
    assert_eq!(list("?limit=5000").await.json["limit"], 5000);
    for (q, field) in [
        ("?sorts=name:asc", "sorts"),
        ("?sorts=email:asc", "sorts"),
        ("?sorts=username:asc,fullName:asc", "sorts"),
        ("?limit=-1", "limit"),
        ("?offset=x", "offset"),
    ] {
        assert_field_error(&list(q).await, field);
    }
    assert!(assert_error(&c.get(&c.org("/teams/cnope/members")).await, 404).contains("Team"));
    // An IdP-managed Team's members can be read.
    assert_eq!(
        usernames(
            &c.get(&c.org(&format!("/teams/{OKTA_ENGINEERS}/members")))
                .await
        ),
        ["ada@example.com", "Katherine.Johnson@Example.com"]
    );
}

#[tokio::test]
async fn add_team_members() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{PLATFORM_TEAM}/members"));
    let (alan, edsger, barbara) = (
        user_id(&c, "alan@example.com"),
        user_id(&c, "edsger@example.com"),
        user_id(&c, "barbara@example.com"),
    );
    let before = common::now_unix();
    let r = c
        .post(
            &path,
            &json!({"memberIds": [edsger, alan, barbara]}).to_string(),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());
    let r = c.get(&path).await;
    assert_eq!(
        usernames(&r),
        [
            "grace@example.com",
            "edsger@example.com",
            "alan@example.com",
            "barbara@example.com"
        ]
    );
    assert_eq!(
        r.json["teamMembers"][0]["createdAt"],
        "2024-01-17T09:00:00Z"
    );
    let added = r.json["teamMembers"][1]["createdAt"].as_str().unwrap();
    assert!(unix_of(added) >= before);
    let team = c.emu.team("Platform Team").unwrap();
    assert!(unix_of(&team.updated_at) >= before);
    assert_eq!(team.created_at, "2024-01-17T09:00:00Z");
    assert_eq!(
        c.emu.user_teams("alan@example.com").unwrap(),
        ["Platform Team"]
    );
    let r = c.get(&c.org(&format!("/users/{alan}/teams"))).await;
    assert_eq!(names(&r, "teams"), ["Platform Team"]);
    // Refusals: nothing is added, even for the valid IDs of the same body.
    let ada = user_id(&c, "ada@example.com");
    for (body, field) in [
        ("{}".to_string(), "memberIds"),
        (r#"{"memberIds":null}"#.into(), "memberIds"),
        (r#"{"memberIds":[]}"#.into(), "memberIds"),
        (r#"{"memberIds":"x"}"#.into(), "memberIds"),
        (r#"{"memberIds":[1]}"#.into(), "memberIds[0]"),
        (json!({"memberIds": [ada, ada]}).to_string(), "memberIds[1]"),
        (
            json!({"memberIds": [ada, "cnosuchuser00000000000000"]}).to_string(),
            "memberIds[1]",
        ),
        // Already a member.
        (
            json!({"memberIds": [ada, alan]}).to_string(),
            "memberIds[1]",
        ),
        ("[]".into(), "body"),
    ] {
        let r = c.post(&path, &body).await;
        assert_field_error(&r, field);
    }
    let r = c
        .post(&path, &json!({"memberIds": [alan]}).to_string())
        .await;
    assert!(
        assert_error(&r, 400).contains("already a member"),
        "{}",
        r.text
    );
    assert_eq!(c.emu.team("Platform Team").unwrap().members.len(), 4);
    assert!(
        assert_error(
            &c.post(
                &c.org("/teams/cnosuchteam00000000000000/members"),
                &json!({"memberIds": [ada]}).to_string()
            )
            .await,
            404
        )
        .contains("Team")
    );
}

#[tokio::test]
async fn remove_team_member() {
    let c = Ctx::new().await;
    let ada = user_id(&c, "ada@example.com");
    let katherine = user_id(&c, "katherine.johnson@example.com");
    let member = |team: &str, user: &str| c.org(&format!("/teams/{team}/members/{user}"));
    let r = c.delete(&member(DATA_ENGINEERING_EU, &ada)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert!(r.text.is_empty());
    assert_eq!(
        c.emu.team("Data Engineering, EU").unwrap().members,
        ["Katherine.Johnson@Example.com"]
    );
    assert_eq!(
        c.emu.user_teams("ada@example.com").unwrap(),
        ["platform team", "Okta Engineers"]
    );
    // Again: not a member, 404. An unknown user or Team: 404.
    let msg = assert_error(&c.delete(&member(DATA_ENGINEERING_EU, &ada)).await, 404);
    assert!(msg.contains("not a member"), "{msg}");
    assert_error(
        &c.delete(&member(DATA_ENGINEERING_EU, "cnosuchuser00000000000000"))
            .await,
        404,
    );
    assert!(
        assert_error(
            &c.delete(&member("cnosuchteam00000000000000", &katherine))
                .await,
            404
        )
        .contains("Team")
    );
    // The last member can go: the Team stays, empty.
    let r = c.delete(&member(DATA_ENGINEERING_EU, &katherine)).await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = c
        .get(&c.org(&format!("/teams/{DATA_ENGINEERING_EU}/members")))
        .await;
    assert_eq!(r.json["totalCount"], 0);
    assert!(c.emu.team("Data Engineering, EU").is_some());
}

#[tokio::test]
async fn deleting_an_invite_takes_the_invitee_out_of_teams() {
    let c = Ctx::new().await;
    let barbara = user_id(&c, "barbara@example.com");
    let r = c
        .post(
            &c.org(&format!("/teams/{PLATFORM_TEAM}/members")),
            &json!({"memberIds": [barbara]}).to_string(),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let invite = c.emu.invite_id("barbara@example.com").unwrap();
    let r = c.delete(&c.org(&format!("/invites/{invite}"))).await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(
        c.emu.team_members("Platform Team").unwrap(),
        ["grace@example.com"]
    );
    let r = c
        .get(&c.org(&format!("/teams/{PLATFORM_TEAM}/members")))
        .await;
    assert_eq!(r.json["totalCount"], 1);
}

// ----------------------------------------------------------------------------------------
// UpdateTeamRoles

#[tokio::test]
async fn update_team_roles_replaces_per_list() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{DATA_ENGINEERING_EU}/roles"));
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let an = c.emu.workspace("Analytics").unwrap().id;
    let wl = c.emu.deployment("Warehouse Loads").unwrap().id;
    let ing = c.emu.deployment("Ingestion").unwrap().id;
    let rep = c.emu.deployment("Reporting").unwrap().id;
    let seeded = json!({
        "workspaceRoles": [
            {"workspaceId": dp, "role": "WORKSPACE_OPERATOR"},
            {"workspaceId": an, "role": "WORKSPACE_MEMBER"}
        ],
        "deploymentRoles": [{"deploymentId": wl, "role": "DEPLOYMENT_ADMIN"}],
        "dagRoles": [{"deploymentId": ing, "dagTag": "eu", "role": "DAG_AUTHOR"}],
    });
    // The Organization role alone: every list kept.
    let r = c
        .post(&path, r#"{"organizationRole":"ORGANIZATION_OWNER"}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let mut expected = seeded.clone();
    expected["organizationRole"] = json!("ORGANIZATION_OWNER");
    assert_eq!(r.json, expected);
    // One list present replaces that list; the others are kept.
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_OWNER"}]});
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json,
        json!({
            "organizationRole": "ORGANIZATION_MEMBER",
            "workspaceRoles": [{"workspaceId": an, "role": "WORKSPACE_OWNER"}],
            "deploymentRoles": seeded["deploymentRoles"],
            "dagRoles": seeded["dagRoles"],
        })
    );
    // `[]` clears; `null` is the same as absent; a custom Deployment role (the seed's).
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": null,
        "deploymentRoles": [{"deploymentId": rep, "role": "DEPLOYMENT_VIEWER"},
                            {"deploymentId": wl, "role": "DEPLOYMENT_ADMIN"}],
        "dagRoles": []});
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["workspaceRoles"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["deploymentRoles"][0]["role"], "DEPLOYMENT_VIEWER");
    assert_eq!(r.json["dagRoles"], json!([]));
    // GetTeam, ListTeams filters and the handle agree.
    let team = c
        .get(&c.org(&format!("/teams/{DATA_ENGINEERING_EU}")))
        .await;
    assert_eq!(team.json["rolesCount"], 4);
    assert_eq!(team.json["deploymentRoles"], r.json["deploymentRoles"]);
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/teams?deploymentId={rep}"))).await,
            "teams"
        ),
        ["Data Engineering, EU"]
    );
    assert_eq!(
        c.get(&c.org(&format!("/teams?deploymentId={ing}")))
            .await
            .json["totalCount"],
        0
    );
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/teams?workspaceId={dp}"))).await,
            "teams"
        ),
        ["Platform Team"]
    );
    let snap = c.emu.team("Data Engineering, EU").unwrap();
    assert_eq!(
        snap.deployment_roles[0].deployment_name.as_deref(),
        Some("Reporting")
    );
    assert_eq!(snap.workspace_roles[0].workspace_name, "Analytics");
    assert!(snap.updated_at > snap.created_at);
    // Members are untouched.
    assert_eq!(snap.members.len(), 2);
    // The members' own roles are not the Team's.
    assert_eq!(
        c.emu
            .workspace_role("katherine.johnson@example.com", "Analytics"),
        Some("WORKSPACE_OPERATOR".into())
    );
}

#[tokio::test]
async fn update_team_roles_refusals_change_nothing() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/teams/{PLATFORM_TEAM}/roles"));
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let wl = c.emu.deployment("Warehouse Loads").unwrap().id;
    let second_org_ws = "clrq4l9c000000195x76phyir"; // "Engines", in Second Org
    let before = c.emu.team("Platform Team").unwrap();
    let member = "ORGANIZATION_MEMBER";
    for (body, field) in [
        // organizationRole is required, with or without lists.
        (json!({}), "organizationRole"),
        (json!({"workspaceRoles": []}), "organizationRole"),
        (
            json!({"organizationRole": null, "dagRoles": []}),
            "organizationRole",
        ),
        (
            json!({"organizationRole": "WORKSPACE_OWNER"}),
            "organizationRole",
        ),
        (json!({"organizationRole": 3}), "organizationRole"),
        // Unknown Workspace or Deployment (another Organization's too).
        (
            json!({"organizationRole": member, "workspaceRoles": [
                {"workspaceId": "cnosuchworkspace0000000000", "role": "WORKSPACE_MEMBER"}]}),
            "workspaceRoles[0].workspaceId",
        ),
        (
            json!({"organizationRole": member, "workspaceRoles": [
                {"workspaceId": dp, "role": "WORKSPACE_MEMBER"},
                {"workspaceId": second_org_ws, "role": "WORKSPACE_MEMBER"}]}),
            "workspaceRoles[1].workspaceId",
        ),
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": "cnosuchdeployment000000000", "role": "DEPLOYMENT_ADMIN"}]}),
            "deploymentRoles[0].deploymentId",
        ),
        (
            json!({"organizationRole": member, "dagRoles": [
                {"deploymentId": "cnosuchdeployment000000000", "dagId": "d", "role": "DAG_VIEWER"}]}),
            "dagRoles[0].deploymentId",
        ),
        // Duplicates.
        (
            json!({"organizationRole": member, "workspaceRoles": [
                {"workspaceId": dp, "role": "WORKSPACE_MEMBER"},
                {"workspaceId": dp, "role": "WORKSPACE_OWNER"}]}),
            "workspaceRoles[1].workspaceId",
        ),
        (
            json!({"organizationRole": member, "deploymentRoles": [
                {"deploymentId": wl, "role": "DEPLOYMENT_ADMIN"},
                {"deploymentId": wl, "role": "DEPLOYMENT_VIEWER"}]}),
            "deploymentRoles[1].deploymentId",
        ),
        (
            json!({"organizationRole": member, "dagRoles": [
                {"deploymentId": wl, "dagId": "d", "role": "DAG_VIEWER"},
                {"deploymentId": wl, "dagId": "d", "role": "DAG_AUTHOR"}]}),
            "dagRoles[1].deploymentId",
        ),
        // Malformed items.
        (
            json!({"organizationRole": member, "workspaceRoles": [
                {"workspaceId": dp, "role": "WORKSPACE_ADMIN"}]}),
            "workspaceRoles[0].role",
        ),
        (
            json!({"organizationRole": member, "workspaceRoles": [{"role": "WORKSPACE_MEMBER"}]}),
            "workspaceRoles[0].workspaceId",
        ),
        (
            json!({"organizationRole": member, "dagRoles": [
                {"deploymentId": wl, "role": "DAG_VIEWER"}]}),
            "dagRoles[0].dagId",
        ),
        (
            json!({"organizationRole": member, "workspaceRoles": {}}),
            "workspaceRoles",
        ),
        (json!([]), "body"),
    ] {
        let r = c.post(&path, &body.to_string()).await;
        assert_field_error(&r, field);
    }
    assert_eq!(c.emu.team("Platform Team").unwrap(), before);
    // Validation before the lookup; a valid body for an unknown Team is a 404.
    assert_field_error(
        &c.post(&c.org("/teams/cnosuchteam00000000000000/roles"), "{}")
            .await,
        "organizationRole",
    );
    assert!(
        assert_error(
            &c.post(
                &c.org("/teams/cnosuchteam00000000000000/roles"),
                r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#
            )
            .await,
            404
        )
        .contains("Team")
    );
}

// ----------------------------------------------------------------------------------------
// IdP-managed Teams

#[tokio::test]
async fn idp_managed_teams_refuse_member_changes_rename_and_delete() {
    let c = Ctx::new().await;
    let before = c.emu.team("Okta Engineers").unwrap();
    let team = c.org(&format!("/teams/{OKTA_ENGINEERS}"));
    let (ada, alan) = (
        user_id(&c, "ada@example.com"),
        user_id(&c, "alan@example.com"),
    );
    let refused = |r: &Reply| {
        let msg = assert_error(r, 400);
        assert!(r.json.get("fieldErrors").is_none(), "{}", r.text);
        assert!(
            msg.contains("Okta Engineers") && msg.contains("identity provider"),
            "{msg}"
        );
        msg
    };
    // Add members.
    let msg = refused(
        &c.post(
            &format!("{team}/members"),
            &json!({"memberIds": [alan]}).to_string(),
        )
        .await,
    );
    assert!(msg.contains("add its members"), "{msg}");
    // Remove a member (one who is a member, and one who is not).
    let msg = refused(&c.delete(&format!("{team}/members/{ada}")).await);
    assert!(msg.contains("remove its members"), "{msg}");
    refused(&c.delete(&format!("{team}/members/{alan}")).await);
    // Rename.
    let msg = refused(&c.post(&team, r#"{"name":"Okta Engineering"}"#).await);
    assert!(msg.contains("rename it"), "{msg}");
    refused(&c.post(&team, r#"{"name":"okta engineers"}"#).await);
    // Delete.
    let msg = refused(&c.delete(&team).await);
    assert!(msg.contains("delete it"), "{msg}");
    assert_eq!(c.emu.team("Okta Engineers").unwrap(), before);
    // A body that is invalid anyway is still a validation error first.
    assert_field_error(
        &c.post(&format!("{team}/members"), r#"{"memberIds":[]}"#)
            .await,
        "memberIds",
    );
    assert_field_error(&c.post(&team, "{}").await, "name");

    // What stays Astro's: its description (under its own name) and its roles.
    let r = c
        .post(
            &team,
            r#"{"name":"Okta Engineers","description":"From Okta, group eng"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["description"], "From Okta, group eng");
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let ing = c.emu.deployment("Ingestion").unwrap().id;
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": dp, "role": "WORKSPACE_OWNER"}],
        "deploymentRoles": [{"deploymentId": ing, "role": "DEPLOYMENT_ADMIN"}]});
    let r = c.post(&format!("{team}/roles"), &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let after = c.emu.team("Okta Engineers").unwrap();
    assert_eq!(after.organization_role, "ORGANIZATION_MEMBER");
    assert_eq!(after.workspace_roles[0].workspace_name, "Data Platform");
    assert_eq!(
        after.deployment_roles[0].deployment_name.as_deref(),
        Some("Ingestion")
    );
    assert_eq!(after.members, before.members);
    assert!(after.is_idp_managed);
    // Reads work as for any Team.
    assert_eq!(c.get(&team).await.json["isIdpManaged"], true);
    let r = c
        .get(&c.org(&format!("/users/{ada}/teams?sorts=name:desc")))
        .await;
    assert_eq!(r.json["teams"][1]["name"], "Okta Engineers");
    assert_eq!(r.json["teams"][1]["isIdpManaged"], true);
}

// ----------------------------------------------------------------------------------------
// ListUserTeams stays consistent

#[tokio::test]
async fn list_user_teams_follows_every_change() {
    let c = Ctx::new().await;
    let edsger = user_id(&c, "edsger@example.com");
    let teams = || {
        let (c, path) = (&c, c.org(&format!("/users/{edsger}/teams")));
        async move { names(&c.get(&path).await, "teams") }
    };
    assert_eq!(teams().await, Vec::<String>::new());
    let r = c
        .post(
            &c.org("/teams"),
            &json!({"name": "Reviewers", "memberIds": [edsger]}).to_string(),
        )
        .await;
    let reviewers = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(teams().await, ["Reviewers"]);
    c.post(
        &c.org(&format!("/teams/{PLATFORM_TEAM}/members")),
        &json!({"memberIds": [edsger]}).to_string(),
    )
    .await;
    assert_eq!(teams().await, ["Platform Team", "Reviewers"]);
    c.post(
        &c.org(&format!("/teams/{reviewers}/roles")),
        r#"{"organizationRole":"ORGANIZATION_OWNER"}"#,
    )
    .await;
    let r = c
        .get(&c.org(&format!("/users/{edsger}/teams?sorts=name:desc")))
        .await;
    assert_eq!(r.json["teams"][0]["organizationRole"], "ORGANIZATION_OWNER");
    assert_eq!(r.json["teams"][0]["rolesCount"], 1);
    c.delete(&c.org(&format!("/teams/{PLATFORM_TEAM}/members/{edsger}")))
        .await;
    assert_eq!(teams().await, ["Reviewers"]);
    c.delete(&c.org(&format!("/teams/{reviewers}"))).await;
    assert_eq!(teams().await, Vec::<String>::new());
}

// ----------------------------------------------------------------------------------------
// Methods and paths

#[tokio::test]
async fn team_paths_allow_the_documented_methods() {
    let c = Ctx::new().await;
    let team = c.org(&format!("/teams/{PLATFORM_TEAM}"));
    for (method, path, allow) in [
        (Method::PUT, c.org("/teams"), "GET, POST"),
        (Method::PATCH, team.clone(), "GET, POST, DELETE"),
        (Method::DELETE, format!("{team}/members"), "GET, POST"),
        (Method::GET, format!("{team}/members/x"), "DELETE"),
        (Method::GET, format!("{team}/roles"), "POST"),
    ] {
        let r = c
            .call_with(method.clone(), &path, Some(&c.token), None)
            .await;
        assert_error(&r, 405);
        assert_eq!(r.header("allow"), Some(allow), "{method} {path}");
    }
}

#[tokio::test]
async fn teams_of_the_second_organization() {
    let c = Ctx::new().await;
    let user = c.emu.user_token();
    let second = c.emu.organizations()[1].id.clone();
    let base = format!("/organizations/{second}");
    let margaret = "margaret@example.com";
    let users = c
        .call_with(Method::GET, &format!("{base}/users"), Some(&user), None)
        .await;
    let margaret_id = users.json["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == margaret)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let body = json!({"name": "Engine Room", "memberIds": [margaret_id]}).to_string();
    let r = c
        .call_with(
            Method::POST,
            &format!("{base}/teams"),
            Some(&user),
            Some(&body),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["organizationId"], second.as_str());
    let id = r.json["id"].as_str().unwrap().to_string();
    assert!(!c.emu.teams().iter().any(|t| t.id == id));
    // Not a Team of Example Org; the API token may not reach Second Org.
    assert_error(&c.get(&c.org(&format!("/teams/{id}"))).await, 404);
    assert_error(&c.get(&format!("{base}/teams/{id}")).await, 403);
    // A member of Example Org is no user of Second Org.
    let grace = user_id(&c, "grace@example.com");
    let r = c
        .call_with(
            Method::POST,
            &format!("{base}/teams/{id}/members"),
            Some(&user),
            Some(&json!({"memberIds": [grace]}).to_string()),
        )
        .await;
    assert_field_error(&r, "memberIds[0]");
}

// ----------------------------------------------------------------------------------------
// Seed files

#[tokio::test]
async fn seed_files_declare_teams_with_every_role() {
    let yaml = r#"
organization: {name: Acme}
users:
  - {email: boss@acme.test, fullName: The Boss, role: ORGANIZATION_OWNER}
  - {email: dev@acme.test, fullName: Dev One, role: ORGANIZATION_MEMBER}
workspaces:
  - name: Ops
    deployments: [{name: Ops Prod}]
customRoles:
  - {name: CUSTOM, scopeType: DEPLOYMENT}
teams:
  - name: Core
    description: The core
    organizationRole: ORGANIZATION_OBSERVE_ADMIN
    isIdpManaged: true
    members: [DEV@acme.test, boss@acme.test]
    workspaceRoles: [{workspace: Ops, role: WORKSPACE_OWNER}]
    deploymentRoles:
      - {deployment: Ops Prod, role: DEPLOYMENT_ADMIN}
      - {deploymentId: cdeployelsewhere000000000, role: CUSTOM}
    dagRoles:
      - {deployment: Ops Prod, dagId: etl, role: DAG_VIEWER}
    id: cteamcore0000000000000000
  - name: Plain
"#;
    let seed = Seed::from_yaml(yaml).unwrap();
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let core = c.emu.team("Core").unwrap();
    assert_eq!(core.id, "cteamcore0000000000000000");
    assert!(core.is_idp_managed);
    assert_eq!(core.members, ["dev@acme.test", "boss@acme.test"]);
    assert_eq!(core.organization_role, "ORGANIZATION_OBSERVE_ADMIN");
    assert_eq!(
        core.deployment_roles[0].deployment_name.as_deref(),
        Some("Ops Prod")
    );
    assert_eq!(
        core.deployment_roles[1].deployment_id,
        "cdeployelsewhere000000000"
    );
    assert_eq!(core.deployment_roles[1].deployment_name, None);
    assert_eq!(core.dag_roles[0].dag_id.as_deref(), Some("etl"));
    let r = c.get(&c.org("/teams/cteamcore0000000000000000")).await;
    assert_eq!(r.json["isIdpManaged"], true);
    assert_eq!(r.json["rolesCount"], 5);
    let plain = c.emu.team("Plain").unwrap();
    assert!(!plain.is_idp_managed && plain.members.is_empty());
    assert_eq!(plain.organization_role, "ORGANIZATION_MEMBER");
    // The IdP flag is honoured.
    let dev = user_id(&c, "dev@acme.test");
    let r = c
        .delete(&c.org(&format!("/teams/cteamcore0000000000000000/members/{dev}")))
        .await;
    assert_error(&r, 400);
    // JSON works the same.
    let seed = Seed::from_json(
        r#"{"organization":{"name":"J"},
            "users":[{"email":"a@j.test","fullName":"A","role":"ORGANIZATION_OWNER"}],
            "teams":[{"name":"T","isIdpManaged":true,"members":["a@j.test"]}]}"#,
    )
    .unwrap();
    assert!(seed.teams[0].is_idp_managed);
    // Errors name the place.
    for (teams, needle) in [
        (
            "[{name: X, members: [nobody@acme.test]}]",
            "teams[0].members",
        ),
        (
            "[{name: X, members: [dev@acme.test, Dev@acme.test]}]",
            "appears twice",
        ),
        ("[{name: ' '}]", "teams[0].name"),
        (
            "[{name: X, deploymentRoles: [{deployment: Nope, role: R}]}]",
            "teams[0].deploymentRoles[0].deployment",
        ),
        (
            "[{name: X, deploymentRoles: [{deployment: Ops Prod, deploymentId: c1, role: R}]}]",
            "teams[0].deploymentRoles[0]",
        ),
        (
            "[{name: X, deploymentRoles: [{deployment: Ops Prod, role: ''}]}]",
            "teams[0].deploymentRoles[0].role",
        ),
        (
            "[{name: X, dagRoles: [{deployment: Ops Prod, role: DAG_VIEWER}]}]",
            "teams[0].dagRoles[0]",
        ),
        ("[{name: X, isIdpManaged: maybe}]", "isIdpManaged"),
        ("[{name: X, idpManaged: true}]", "idpManaged"),
    ] {
        let text = format!(
            "organization: {{name: Acme}}\nusers:\n  - {{email: dev@acme.test, fullName: D, role: ORGANIZATION_OWNER}}\nworkspaces:\n  - name: Ops\n    deployments: [{{name: Ops Prod}}]\nteams: {teams}\n"
        );
        let err = Seed::from_yaml(&text).unwrap_err().to_string();
        assert!(err.contains(needle), "{teams}: {err}");
    }
}

// ----------------------------------------------------------------------------------------
// Scale

#[tokio::test]
async fn a_team_of_ten_thousand_among_a_hundred_thousand_users() {
    let c = Ctx::with(Emulator::builder().users(100_000)).await;
    // Ten thousand member IDs, read from ListUsers.
    let mut ids = vec![];
    for offset in (6..10_006).step_by(1000) {
        let r = c
            .get(&c.org(&format!("/users?limit=1000&offset={offset}")))
            .await;
        ids.extend(
            r.json["users"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].as_str().unwrap().to_string()),
        );
    }
    assert_eq!(ids.len(), 10_000);
    let started = Instant::now();
    let r = c
        .post(
            &c.org(&format!("/teams/{PLATFORM_TEAM}/members")),
            &json!({ "memberIds": ids }).to_string(),
        )
        .await;
    let add = started.elapsed();
    assert_eq!(r.status, 204, "{}", r.text);
    let started = Instant::now();
    let r = c
        .get(&c.org(&format!(
            "/teams/{PLATFORM_TEAM}/members?limit=1000&offset=9001"
        )))
        .await;
    let page = started.elapsed();
    assert_eq!(r.json["totalCount"], 10_001);
    assert_eq!(r.json["teamMembers"].as_array().unwrap().len(), 1000);
    assert_eq!(
        r.json["teamMembers"][999]["username"],
        "user010000@example.com"
    );
    // Adding 50 more (the CLI benchmark's shape) and one user's Teams stay cheap.
    let more: Vec<String> = (10_001..=10_050)
        .map(|i| c.emu.user(&format!("user{i:06}@example.com")).unwrap().id)
        .collect();
    let started = Instant::now();
    let r = c
        .post(
            &c.org(&format!("/teams/{PLATFORM_TEAM}/members")),
            &json!({ "memberIds": more }).to_string(),
        )
        .await;
    let add50 = started.elapsed();
    assert_eq!(r.status, 204, "{}", r.text);
    let r = c.get(&c.org(&format!("/users/{}/teams", more[49]))).await;
    assert_eq!(names(&r, "teams"), ["Platform Team"]);
    assert_eq!(c.emu.team("Platform Team").unwrap().members.len(), 10_051);
    // Generous bounds for unoptimized test builds on a busy 2-core machine.
    for (what, took) in [("add 10,000", add), ("page", page), ("add 50", add50)] {
        assert!(took < Duration::from_secs(3), "{what} took {took:?}");
    }
}
