//! HTTP-level tests of the emulator over real HTTP: every operation, every error case,
//! pagination, roles semantics, invites, auth, faults, latency, the request log and scale.

mod common;

use std::time::{Duration, Instant, SystemTime};

use astro_emulator::{Emulator, Fault, FaultKind, TokenOptions};
use common::{Ctx, assert_error, assert_field_error, is_cuid, is_timestamp, now_unix, unix_of};
use reqwest::Method;
use serde_json::{Value, json};

const SEED_EMAILS: [&str; 6] = [
    "ada@example.com",
    "grace@example.com",
    "alan@example.com",
    "Katherine.Johnson@Example.com",
    "edsger@example.com",
    "barbara@example.com",
];

// ----------------------------------------------------------------------------------------
// Organizations, users, Workspaces, Teams, self

#[tokio::test]
async fn organizations_list_and_get() {
    let c = Ctx::new().await;
    let org_id = c.emu.organization_id();
    assert!(is_cuid(&org_id), "{org_id}");
    // Documented in emulator/README.md; tests elsewhere may rely on it.
    assert_eq!(org_id, "clremxa80000001cav49uda0p");
    let r = c.get("/organizations").await;
    assert_eq!(r.status, 200);
    assert!(
        r.header("content-type")
            .unwrap()
            .contains("application/json")
    );
    assert!(r.header("x-request-id").is_some());
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["limit"], 20);
    assert_eq!(r.json["offset"], 0);
    assert_eq!(r.json["organizations"][0]["id"], org_id.as_str());
    assert_eq!(r.json["organizations"][0]["name"], "Example Org");
    let r = c.get(&c.org("")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["id"], org_id.as_str());
    assert_eq!(r.json["productPlans"].as_array().unwrap().len(), 1);
    assert_eq!(r.json["createdBy"]["username"], "ada@example.com");
    // Unknown Organization the token does not cover: 403.
    let r = c.get("/organizations/cxxxxxxxxxxxxxxxxxxxxxxxx").await;
    assert_error(&r, 403);
    // Bad filter value.
    let r = c.get("/organizations?product=NOPE").await;
    assert_field_error(&r, "product");
    let r = c.get("/organizations?product=HOSTED&offset=1").await;
    assert_eq!(r.json["organizations"], json!([]));
    assert_eq!(r.json["totalCount"], 1);
}

#[tokio::test]
async fn seed_users_in_creation_order() {
    let c = Ctx::new().await;
    let r = c.get(&c.org("/users")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["totalCount"], 6);
    let users = r.json["users"].as_array().unwrap();
    let names: Vec<&str> = users
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, SEED_EMAILS);
    let expected = [
        ("Ada Lovelace", "ORGANIZATION_OWNER", "ACTIVE"),
        ("Grace Hopper", "ORGANIZATION_MEMBER", "ACTIVE"),
        ("Alan Turing", "ORGANIZATION_BILLING_ADMIN", "ACTIVE"),
        ("Katherine Johnson", "ORGANIZATION_OBSERVE_ADMIN", "ACTIVE"),
        ("Edsger Dijkstra", "ORGANIZATION_OBSERVE_MEMBER", "ACTIVE"),
        ("Barbara Liskov", "ORGANIZATION_MEMBER", "PENDING"),
    ];
    for (i, (u, (name, role, status))) in users.iter().zip(expected).enumerate() {
        assert_eq!(u["fullName"], name);
        assert_eq!(u["organizationRole"], role);
        assert_eq!(u["status"], status);
        assert!(is_cuid(u["id"].as_str().unwrap()));
        let created = u["createdAt"].as_str().unwrap();
        assert!(is_timestamp(created), "{created}");
        assert_eq!(
            unix_of(created),
            unix_of("2024-01-15T09:00:00Z") + 3600 * i as i64
        );
        assert!(is_timestamp(u["updatedAt"].as_str().unwrap()));
        for key in ["workspaceRoles", "deploymentRoles", "dagRoles"] {
            assert!(u[key].is_array(), "{key} must be an array");
        }
        assert!(u["avatarUrl"].is_string());
    }
    assert_eq!(users[1]["workspaceRoles"].as_array().unwrap().len(), 1);
    assert_eq!(users[1]["workspaceRoles"][0]["role"], "WORKSPACE_OWNER");
    // Deterministic: a second emulator has the same IDs.
    let c2 = Ctx::new().await;
    assert_eq!(c2.emu.organization_id(), c.emu.organization_id());
    let r2 = c2.get(&c2.org("/users")).await;
    assert_eq!(r2.json["users"], r.json["users"]);
}

#[tokio::test]
async fn get_user_and_not_found() {
    let c = Ctx::new().await;
    let grace = c.emu.user("GRACE@example.com").unwrap();
    assert_eq!(grace.email, "grace@example.com");
    assert_eq!(grace.full_name, "Grace Hopper");
    assert_eq!(
        grace.organization_role.as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
    assert_eq!(grace.status, "ACTIVE");
    let r = c.get(&c.org(&format!("/users/{}", grace.id))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["username"], "grace@example.com");
    let r = c.get(&c.org("/users/cnotauser000000000000000")).await;
    assert_error(&r, 404);
    assert!(c.emu.user("katherine.johnson@example.com").is_some());
    assert_eq!(c.emu.user_count(), 6);
    assert_eq!(
        c.emu.team_members("Platform Team"),
        Some(vec!["grace@example.com".to_string()])
    );
}

#[tokio::test]
async fn workspaces_and_teams() {
    let c = Ctx::new().await;
    let r = c.get(&c.org("/workspaces")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["totalCount"], 2);
    let names: Vec<&str> = r.json["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Data Platform", "Analytics"]);
    let r = c.get(&c.org("/workspaces?sorts=name:asc")).await;
    assert_eq!(r.json["workspaces"][0]["name"], "Analytics");
    let r = c.get(&c.org("/workspaces?names=Analytics")).await;
    assert_eq!(r.json["totalCount"], 1);
    let ws_id = r.json["workspaces"][0]["id"].as_str().unwrap().to_string();
    let r = c.get(&c.org(&format!("/workspaces/{ws_id}"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["name"], "Analytics");
    assert_eq!(r.json["organizationId"], c.emu.organization_id().as_str());
    assert_error(&c.get(&c.org("/workspaces/cnope")).await, 404);
    assert_field_error(&c.get(&c.org("/workspaces?sorts=id:asc")).await, "sorts");

    let r = c.get(&c.org("/teams")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["totalCount"], 4);
    assert_eq!(r.json["teams"][0]["name"], "Platform Team");
    let team_id = r.json["teams"][0]["id"].as_str().unwrap().to_string();
    let r = c.get(&c.org(&format!("/teams/{team_id}"))).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
    assert_error(&c.get(&c.org("/teams/cnope")).await, 404);
    let r = c.get(&c.org("/teams?names=Nobody")).await;
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(r.json["teams"], json!([]));
    assert_field_error(&c.get(&c.org("/teams?limit=5000")).await, "limit");
}

#[tokio::test]
async fn self_user() {
    let c = Ctx::new().await;
    let r = c.get("/users/self").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["username"], "ada@example.com");
    assert_eq!(r.json["fullName"], "Ada Lovelace");
    assert_eq!(r.json["organizationId"], c.emu.organization_id().as_str());
    assert_eq!(r.json["roles"][0]["role"], "ORGANIZATION_OWNER");
    assert_error(
        &c.call_with(Method::GET, "/users/self", None, None).await,
        401,
    );
}

// ----------------------------------------------------------------------------------------
// Pagination, sorts, filters

#[tokio::test]
async fn pagination_edges() {
    let c = Ctx::with(Emulator::builder().users(1500)).await;
    let total = 1506;
    let r = c.get(&c.org("/users")).await;
    assert_eq!(r.json["limit"], 20);
    assert_eq!(r.json["offset"], 0);
    assert_eq!(r.json["totalCount"], total);
    assert_eq!(r.json["users"].as_array().unwrap().len(), 20);
    let r = c.get(&c.org("/users?limit=1000")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["users"].as_array().unwrap().len(), 1000);
    let r = c.get(&c.org("/users?limit=1000&offset=1000")).await;
    assert_eq!(r.json["users"].as_array().unwrap().len(), 506);
    assert_eq!(r.json["users"][0]["username"], "user000995@example.com");
    let r = c.get(&c.org("/users?limit=0")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["users"], json!([]));
    for q in ["limit=1001", "limit=-1", "limit=abc", "limit=1.5"] {
        assert_field_error(&c.get(&c.org(&format!("/users?{q}"))).await, "limit");
    }
    for q in ["offset=-1", "offset=x"] {
        assert_field_error(&c.get(&c.org(&format!("/users?{q}"))).await, "offset");
    }
    for offset in [total, total + 1, 1_000_000] {
        let r = c.get(&c.org(&format!("/users?offset={offset}"))).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json["users"], json!([]));
        assert_eq!(r.json["totalCount"], total);
        assert_eq!(r.json["offset"], offset);
    }
    // Pages tile the whole list without gaps or repeats.
    let mut seen = std::collections::HashSet::new();
    for offset in (0..total).step_by(400) {
        let r = c
            .get(&c.org(&format!("/users?limit=400&offset={offset}")))
            .await;
        for u in r.json["users"].as_array().unwrap() {
            assert!(seen.insert(u["id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), total);
}

#[tokio::test]
async fn sorts_and_filters() {
    let c = Ctx::new().await;
    let asc = c.usernames("?sorts=username:asc").await;
    assert_eq!(
        asc,
        [
            "ada@example.com",
            "alan@example.com",
            "barbara@example.com",
            "edsger@example.com",
            "grace@example.com",
            "Katherine.Johnson@Example.com"
        ]
    );
    let mut desc = c.usernames("?sorts=username:desc").await;
    desc.reverse();
    assert_eq!(desc, asc);
    assert_eq!(c.usernames("?sorts=username%3Aasc").await, asc);
    assert_eq!(
        c.usernames("?sorts=username%3aasc&limit=2&offset=1").await,
        asc[1..3]
    );
    // createdAt desc is reverse creation order.
    let mut created = c.usernames("?sorts=createdAt:desc").await;
    created.reverse();
    assert_eq!(created, SEED_EMAILS);
    // Repeated key: Organization... fullName asc then createdAt desc.
    let r = c
        .usernames("?sorts=fullName:asc&sorts=createdAt:desc")
        .await;
    assert_eq!(r[0], "ada@example.com");
    assert_eq!(r[1], "alan@example.com");
    for bad in ["email:asc", "username", "username:up", "username:ASC"] {
        assert_field_error(
            &c.get(&c.org(&format!("/users?sorts={bad}"))).await,
            "sorts",
        );
    }
    // Workspace filter: only grace has a role in the first Workspace.
    let ws = c.get(&c.org("/workspaces?sorts=createdAt:asc")).await.json["workspaces"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = c.get(&c.org(&format!("/users?workspaceId={ws}"))).await;
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["users"][0]["username"], "grace@example.com");
    let r = c
        .get(&c.org(&format!("/users?workspaceId={ws}&offset=1")))
        .await;
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["users"], json!([]));
    let r = c.get(&c.org("/users?workspaceId=cnosuchworkspace")).await;
    assert_eq!(r.json["totalCount"], 0);
    // Deployment filter after giving alan a Deployment role (Dashboards has no one yet).
    let dashboards = c.emu.deployment("Dashboards").unwrap().id;
    let r = c
        .get(&c.org(&format!("/users?deploymentId={dashboards}")))
        .await;
    assert_eq!(r.json["totalCount"], 0);
    let alan = c.emu.user("alan@example.com").unwrap();
    let body = json!({"organizationRole": "ORGANIZATION_BILLING_ADMIN",
        "deploymentRoles": [{"deploymentId": dashboards, "role": "DEPLOYMENT_ADMIN"}]});
    let r = c
        .post(
            &c.org(&format!("/users/{}/roles", alan.id)),
            &body.to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = c
        .get(&c.org(&format!("/users?deploymentId={dashboards}")))
        .await;
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["users"][0]["username"], "alan@example.com");
}

// ----------------------------------------------------------------------------------------
// UpdateUserRoles

#[tokio::test]
async fn update_roles_replace_and_omit() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", grace.id));
    // Organization role only: Workspace roles are left unchanged.
    let r = c
        .post(&path, r#"{"organizationRole":"ORGANIZATION_OWNER"}"#)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let obj = r.json.as_object().unwrap();
    for key in [
        "organizationRole",
        "workspaceRoles",
        "deploymentRoles",
        "dagRoles",
    ] {
        assert!(obj.contains_key(key), "{key} missing: {}", r.text);
    }
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_OWNER");
    assert_eq!(r.json["workspaceRoles"][0]["role"], "WORKSPACE_OWNER");
    assert_eq!(
        c.emu
            .user("grace@example.com")
            .unwrap()
            .organization_role
            .as_deref(),
        Some("ORGANIZATION_OWNER")
    );
    let ws = r.json["workspaceRoles"][0]["workspaceId"]
        .as_str()
        .unwrap()
        .to_string();
    // A present list replaces the whole set.
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": ws, "role": "WORKSPACE_ACCESSOR"}]});
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["workspaceRoles"],
        json!([{"workspaceId": ws, "role": "WORKSPACE_ACCESSOR"}])
    );
    // dagRoles (with organizationRole) replaces only dagRoles.
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "dagRoles": [{"deploymentId": reporting, "dagId": "etl", "role": "DAG_VIEWER"}]});
    let r = c.post(&path, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["dagRoles"],
        json!([{"deploymentId": reporting, "dagId": "etl", "role": "DAG_VIEWER"}])
    );
    assert_eq!(r.json["workspaceRoles"][0]["role"], "WORKSPACE_ACCESSOR");
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
    // [] clears.
    let r = c
        .post(
            &path,
            r#"{"organizationRole":"ORGANIZATION_MEMBER","workspaceRoles":[]}"#,
        )
        .await;
    assert_eq!(r.json["workspaceRoles"], json!([]));
    assert_eq!(r.json["dagRoles"].as_array().unwrap().len(), 1);
    // GetUser shows the result.
    let r = c.get(&c.org(&format!("/users/{}", grace.id))).await;
    assert_eq!(r.json["workspaceRoles"], json!([]));
    assert_eq!(r.json["organizationRole"], "ORGANIZATION_MEMBER");
}

#[tokio::test]
async fn update_roles_errors() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", grace.id));
    assert_field_error(
        &c.post(&path, r#"{"organizationRole":"ORGANIZATION_GOD"}"#)
            .await,
        "organizationRole",
    );
    assert_field_error(
        &c.post(&path, r#"{"organizationRole":7}"#).await,
        "organizationRole",
    );
    let ws_only = r#"{"workspaceRoles":[]}"#;
    assert_field_error(&c.post(&path, ws_only).await, "organizationRole");
    let dep_only = r#"{"deploymentRoles":[{"deploymentId":"d","role":"DEPLOYMENT_ADMIN"}]}"#;
    assert_field_error(&c.post(&path, dep_only).await, "organizationRole");
    for bad in ["[]", "\"x\"", "not json", "", "null", "42"] {
        assert_field_error(&c.post(&path, bad).await, "body");
    }
    let r = c
        .post(&path, r#"{"organizationRole":"ORGANIZATION_MEMBER","workspaceRoles":[{"workspaceId":"cnope","role":"WORKSPACE_OWNER"}]}"#)
        .await;
    assert_field_error(&r, "workspaceRoles[0].workspaceId");
    let r = c
        .post(
            &path,
            r#"{"organizationRole":"ORGANIZATION_MEMBER","workspaceRoles":"x"}"#,
        )
        .await;
    assert_field_error(&r, "workspaceRoles");
    // Nothing changed by the refused bodies.
    assert_eq!(
        c.emu
            .user("grace@example.com")
            .unwrap()
            .organization_role
            .as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
    let r = c
        .post(
            &c.org("/users/cnosuchuser00000000000000/roles"),
            r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#,
        )
        .await;
    assert_error(&r, 404);
}

// ----------------------------------------------------------------------------------------
// Invites

#[tokio::test]
async fn invite_then_list_then_delete() {
    let c = Ctx::new().await;
    let before = now_unix();
    let r = c
        .post(
            &c.org("/invites"),
            r#"{"inviteeEmail":"new.person@example.com","role":"ORGANIZATION_BILLING_ADMIN"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let invite = r.json.clone();
    let user_id = invite["userId"].as_str().unwrap().to_string();
    let invite_id = invite["inviteId"].as_str().unwrap().to_string();
    assert!(is_cuid(&user_id) && is_cuid(&invite_id));
    assert_eq!(invite["organizationId"], c.emu.organization_id().as_str());
    assert_eq!(invite["invitee"]["id"], user_id.as_str());
    assert_eq!(invite["inviter"]["username"], "ada@example.com");
    let expires = unix_of(invite["expiresAt"].as_str().unwrap());
    assert!(
        (before + 7 * 86_400..=now_unix() + 7 * 86_400).contains(&expires),
        "{}",
        invite["expiresAt"]
    );
    // At once in ListUsers, PENDING, with that role and ID, last in creation order.
    let r = c.get(&c.org("/users?limit=100")).await;
    assert_eq!(r.json["totalCount"], 7);
    let last = &r.json["users"][6];
    assert_eq!(last["username"], "new.person@example.com");
    assert_eq!(last["status"], "PENDING");
    assert_eq!(last["organizationRole"], "ORGANIZATION_BILLING_ADMIN");
    assert_eq!(last["id"], user_id.as_str());
    assert_eq!(
        c.emu.user("NEW.person@example.com").unwrap().status,
        "PENDING"
    );
    // Inviting again, in any case, is refused.
    let r = c
        .post(
            &c.org("/invites"),
            r#"{"inviteeEmail":"New.Person@example.com","role":"ORGANIZATION_MEMBER"}"#,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400),
        "Invitee has existing role in organization"
    );
    // Delete: 204, empty body; the PENDING user is gone.
    let r = c.delete(&c.org(&format!("/invites/{invite_id}"))).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.text, "");
    assert!(c.emu.user("new.person@example.com").is_none());
    assert_eq!(c.get(&c.org("/users")).await.json["totalCount"], 6);
    assert_error(&c.get(&c.org(&format!("/users/{user_id}"))).await, 404);
    // A seed PENDING user's invite can be deleted too.
    let barbara_invite = c.emu.invite_id("Barbara@example.com").unwrap();
    assert_eq!(
        c.delete(&c.org(&format!("/invites/{barbara_invite}")))
            .await
            .status,
        204
    );
    assert!(c.emu.user("barbara@example.com").is_none());
    assert_eq!(c.emu.invite_id("barbara@example.com"), None);
    assert_eq!(c.emu.invite_id("ada@example.com"), None);
    assert_eq!(c.usernames("").await, SEED_EMAILS[..5]);
    // Unknown (or already deleted) invite: 404.
    assert_error(
        &c.delete(&c.org(&format!("/invites/{invite_id}"))).await,
        404,
    );
    // The remaining users still resolve by ID (the index was rebuilt).
    let edsger = c.emu.user("edsger@example.com").unwrap();
    assert_eq!(
        c.get(&c.org(&format!("/users/{}", edsger.id))).await.status,
        200
    );
}

#[tokio::test]
async fn invite_errors() {
    let c = Ctx::new().await;
    let path = c.org("/invites");
    for email in [
        "\"not-an-email\"",
        "\"a@b\"",
        "\"two words@example.com\"",
        "5",
        "\"\"",
    ] {
        let body = format!(r#"{{"inviteeEmail":{email},"role":"ORGANIZATION_MEMBER"}}"#);
        assert_field_error(&c.post(&path, &body).await, "inviteeEmail");
    }
    assert_field_error(
        &c.post(&path, r#"{"role":"ORGANIZATION_MEMBER"}"#).await,
        "inviteeEmail",
    );
    for role in [
        "\"WORKSPACE_OWNER\"",
        "\"organization_member\"",
        "null",
        "1",
    ] {
        let body = format!(r#"{{"inviteeEmail":"x@example.com","role":{role}}}"#);
        assert_field_error(&c.post(&path, &body).await, "role");
    }
    assert_field_error(&c.post(&path, "[1]").await, "body");
    assert_field_error(&c.post(&path, "{").await, "body");
    // Existing members, case-insensitively, including the mixed-case seed email and PENDING.
    for email in [
        "katherine.johnson@example.com",
        "ADA@EXAMPLE.COM",
        "barbara@example.com",
    ] {
        let body = format!(r#"{{"inviteeEmail":"{email}","role":"ORGANIZATION_MEMBER"}}"#);
        let r = c.post(&path, &body).await;
        assert_eq!(
            assert_error(&r, 400),
            "Invitee has existing role in organization"
        );
    }
    assert_eq!(c.emu.user_count(), 6);
    assert_error(
        &c.delete(&c.org("/invites/cnosuchinvite000000000000")).await,
        404,
    );
}

// ----------------------------------------------------------------------------------------
// Auth, 404 and 405

#[tokio::test]
async fn auth_errors() {
    let c = Ctx::new().await;
    let users = c.org("/users");
    let no_header = c.call_with(Method::GET, &users, None, None).await;
    assert_error(&no_header, 401);
    let basic = c
        .client
        .get(c.url(&users))
        .header("Authorization", format!("Basic {}", c.token))
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    for malformed in ["abc", "a.b.c", "", "x.y"] {
        let r = c
            .call_with(Method::GET, &users, Some(malformed), None)
            .await;
        assert_error(&r, 401);
    }
    // Well-formed but never minted by this emulator.
    let other = Emulator::builder().start().await.unwrap();
    let foreign = other.mint_token(TokenOptions {
        subject: Some("someone-else".into()),
        ..Default::default()
    });
    assert_error(
        &c.call_with(Method::GET, &users, Some(&foreign), None).await,
        401,
    );
    // Expired.
    let expired = c.emu.mint_token(TokenOptions {
        expires_at: Some(now_unix() - 60),
        ..Default::default()
    });
    let r = c.call_with(Method::GET, &users, Some(&expired), None).await;
    assert!(assert_error(&r, 401).contains("expired"));
    // Not yet expired is fine.
    let later = c.emu.mint_token(TokenOptions {
        expires_at: Some(now_unix() + 3600),
        ..Default::default()
    });
    assert_eq!(
        c.call_with(Method::GET, &users, Some(&later), None)
            .await
            .status,
        200
    );
    // Another Organization: 403 on this one, and ListOrganizations shows none.
    let elsewhere = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    assert_error(
        &c.call_with(Method::GET, &users, Some(&elsewhere), None)
            .await,
        403,
    );
    let r = c
        .call_with(
            Method::POST,
            &c.org("/invites"),
            Some(&elsewhere),
            Some(r#"{"inviteeEmail":"z@example.com","role":"ORGANIZATION_MEMBER"}"#),
        )
        .await;
    assert_error(&r, 403);
    let r = c
        .call_with(Method::GET, "/organizations", Some(&elsewhere), None)
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["organizations"], json!([]));
    assert_eq!(r.json["totalCount"], 0);
    // Its own (nonexistent) Organization: covered but not found.
    let r = c
        .call_with(
            Method::GET,
            "/organizations/cotherorg0000000000000000/users",
            Some(&elsewhere),
            None,
        )
        .await;
    assert_error(&r, 404);
    // A Workspace-scoped token for this Organization works and carries the permission.
    let ws_token = c.emu.mint_token(TokenOptions {
        workspace_id: Some("cws".into()),
        ..Default::default()
    });
    let payload = ws_token.split('.').nth(1).unwrap();
    use base64::Engine;
    let claims: Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    assert!(
        claims["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!(format!(
                "organizationId:{}",
                c.emu.organization_id()
            )))
    );
    assert!(
        claims["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("workspaceId:cws"))
    );
    assert!(claims.get("exp").is_none());
    assert!(claims["sub"].is_string() && claims["iat"].is_i64());
    assert_eq!(
        c.call_with(Method::GET, &users, Some(&ws_token), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let roles = c.org(&format!("/users/{}/roles", grace.id));
    let body = Some(r#"{"organizationRole":"ORGANIZATION_OWNER"}"#);
    for m in [Method::PATCH, Method::PUT, Method::GET, Method::DELETE] {
        let r = c.call_with(m.clone(), &roles, Some(&c.token), body).await;
        assert_error(&r, 405);
        assert_eq!(r.header("allow"), Some("POST"), "{m}");
    }
    // The refused PATCH changed nothing.
    assert_eq!(
        c.emu
            .user("grace@example.com")
            .unwrap()
            .organization_role
            .as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
    let user = c.org(&format!("/users/{}", grace.id));
    for (m, path) in [
        (Method::DELETE, user.clone()),
        (Method::PATCH, user.clone()),
        (Method::PUT, "/organizations".to_string()),
        (Method::PATCH, c.org("")),
        (Method::PUT, c.org("/invites")),
        (Method::GET, c.org("/invites")),
        (Method::POST, "/users/self".to_string()),
        (Method::PUT, c.org("/teams")),
    ] {
        assert_error(&c.call_with(m, &path, Some(&c.token), None).await, 405);
    }
    // Operations of the API that the emulator does not implement: 501.
    let r = c
        .call_with(Method::POST, &c.org(""), Some(&c.token), Some("{}"))
        .await;
    assert_error(&r, 501);
    for path in [
        "/nope",
        "/organizations/x/y/z",
        "/organizations/x/users/y/roles/z",
        "/users",
    ] {
        assert_error(
            &c.call_with(Method::GET, path, Some(&c.token), None).await,
            404,
        );
    }
    let r = c
        .client
        .get(format!("http://{}/elsewhere", c.emu.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

// ----------------------------------------------------------------------------------------
// Faults

#[tokio::test]
async fn fault_status_with_retry_after_then_normal() {
    let c = Ctx::new().await;
    c.emu.inject(
        Fault::new(FaultKind::Status {
            status: 429,
            retry_after: Some("2".into()),
        })
        .method("GET")
        .path("/v1/organizations/*/users")
        .times(2),
    );
    // Other paths and methods are untouched.
    assert_eq!(c.get("/users/self").await.status, 200);
    for _ in 0..2 {
        let r = c.get(&c.org("/users")).await;
        assert_error(&r, 429);
        assert_eq!(r.header("retry-after"), Some("2"));
    }
    assert_eq!(c.get(&c.org("/users")).await.status, 200);
    let log = c.emu.requests();
    let statuses: Vec<u16> = log.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 429, 429, 200]);
}

#[tokio::test]
async fn fault_non_json_and_raw_body() {
    let c = Ctx::new().await;
    c.emu.inject(Fault::new(FaultKind::NonJson {
        status: 502,
        body: "<html><body>Bad Gateway</body></html>".into(),
    }));
    let r = c.get(&c.org("/users")).await;
    assert_eq!(r.status, 502);
    assert!(r.header("content-type").unwrap().contains("text/html"));
    assert!(r.text.starts_with("<html>"));
    c.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 200,
            body: r#"{"limit":20,"offset":0,"users":[]}"#.into(),
        })
        .path("/v1/organizations/**"),
    );
    let r = c.get(&c.org("/users")).await;
    assert_eq!(r.status, 200);
    assert!(r.json.get("totalCount").is_none());
    assert!(r.header("content-type").unwrap().contains("json"));
    assert_eq!(c.get(&c.org("/users")).await.json["totalCount"], 6);
}

#[tokio::test]
async fn fault_truncated_body() {
    let c = Ctx::new().await;
    c.emu
        .inject(Fault::new(FaultKind::Truncated).path("/v1/organizations/*/users"));
    let resp = c
        .client
        .get(c.url(&c.org("/users")))
        .bearer_auth(&c.token)
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), 200);
    assert!(resp.content_length().unwrap_or(0) > 100);
    assert!(
        resp.text().await.is_err(),
        "a truncated body must fail to read"
    );
    assert_eq!(c.emu.requests().last().unwrap().status, 200);
    assert_eq!(c.get(&c.org("/users")).await.status, 200);
}

#[tokio::test]
async fn fault_dropped_connection_gives_no_response() {
    let c = Ctx::new().await;
    c.emu
        .inject(Fault::new(FaultKind::DropConnection).method("POST"));
    let grace = c.emu.user("grace@example.com").unwrap();
    let err = c
        .client
        .post(c.url(&c.org(&format!("/users/{}/roles", grace.id))))
        .bearer_auth(&c.token)
        .body(r#"{"organizationRole":"ORGANIZATION_OWNER"}"#)
        .send()
        .await
        .expect_err("no response must come");
    assert!(!err.is_status() && !err.is_timeout(), "{err:?}");
    // It was recorded, with status 0, and changed nothing.
    let last = c.emu.requests().pop().unwrap();
    assert_eq!(last.method, "POST");
    assert_eq!(last.status, 0);
    assert_eq!(
        c.emu
            .user("grace@example.com")
            .unwrap()
            .organization_role
            .as_deref(),
        Some("ORGANIZATION_MEMBER")
    );
    // A raw socket sees the connection closed with zero bytes.
    c.emu.inject(Fault::new(FaultKind::DropConnection));
    let raw = tokio::task::spawn_blocking({
        let addr = c.emu.addr();
        move || {
            use std::io::{Read, Write};
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.write_all(b"GET /v1/users/self HTTP/1.1\r\nHost: x\r\n\r\n")
                .unwrap();
            let mut buf = Vec::new();
            let _ = s.read_to_end(&mut buf);
            buf
        }
    })
    .await
    .unwrap();
    assert!(raw.is_empty(), "got {:?}", String::from_utf8_lossy(&raw));
}

#[tokio::test]
async fn fault_hang_never_answers() {
    let c = Ctx::new().await;
    c.emu
        .inject(Fault::new(FaultKind::Hang).path("/v1/users/self"));
    let started = Instant::now();
    let err = c
        .client
        .get(c.url("/users/self"))
        .bearer_auth(&c.token)
        .timeout(Duration::from_millis(400))
        .send()
        .await
        .expect_err("must hang");
    assert!(err.is_timeout(), "{err:?}");
    assert!(started.elapsed() >= Duration::from_millis(400));
    // Other requests are still served meanwhile.
    assert_eq!(c.get(&c.org("/users")).await.status, 200);
    assert_eq!(c.emu.requests()[0].path, "/v1/users/self");
}

// ----------------------------------------------------------------------------------------
// Latency, log, concurrency

#[tokio::test]
async fn latency_and_jitter() {
    let c = Ctx::with(
        Emulator::builder()
            .latency(Duration::from_millis(150))
            .jitter(Duration::from_millis(50)),
    )
    .await;
    for _ in 0..3 {
        let t = Instant::now();
        assert_eq!(c.get("/users/self").await.status, 200);
        let e = t.elapsed();
        assert!(e >= Duration::from_millis(150), "{e:?}");
        assert!(e < Duration::from_millis(1500), "{e:?}");
    }
}

#[tokio::test]
async fn request_log_fields() {
    let c = Ctx::new().await;
    let t0 = SystemTime::now();
    let grace = c.emu.user("grace@example.com").unwrap();
    let path = c.org(&format!("/users/{}/roles", grace.id));
    let body = r#"{"organizationRole":"ORGANIZATION_OWNER"}"#;
    c.post(&path, body).await;
    c.get(&c.org("/users?limit=5&sorts=username%3Aasc")).await;
    c.call_with(Method::GET, "/users/self", None, None).await;
    let log = c.emu.requests();
    assert_eq!(log.len(), 3);
    let r = &log[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, format!("/v1{path}"));
    assert_eq!(r.query, None);
    assert_eq!(r.body.as_deref(), Some(body));
    assert_eq!(r.authorization, Some(format!("Bearer {}", c.token)));
    assert_eq!(r.user_agent.as_deref(), Some("astro-emulator-tests/1"));
    assert!(
        r.headers
            .iter()
            .any(|(k, v)| k == "content-type" && v == "application/json")
    );
    assert_eq!(r.status, 200);
    assert!(r.started_at >= t0 - Duration::from_secs(1));
    assert!(r.finished_at >= r.started_at);
    assert_eq!(
        log[1].query.as_deref(),
        Some("limit=5&sorts=username%3Aasc")
    );
    assert_eq!(log[1].body, None);
    assert_eq!(log[2].authorization, None);
    assert_eq!(log[2].status, 401);
    assert!(log[1].started_at >= log[0].started_at);
    c.emu.clear_requests();
    assert!(c.emu.requests().is_empty());
}

#[tokio::test]
async fn concurrent_requests_and_max_in_flight() {
    let c = Ctx::with(Emulator::builder().latency(Duration::from_millis(500))).await;
    let started = Instant::now();
    let mut tasks = vec![];
    for _ in 0..8 {
        let client = c.client.clone();
        let url = c.url(&c.org("/users"));
        let token = c.token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let elapsed = started.elapsed();
    assert!(
        elapsed < Duration::from_millis(1800),
        "requests were serialized: {elapsed:?}"
    );
    assert_eq!(c.emu.max_in_flight(), 8);
    assert_eq!(c.emu.requests().len(), 8);
}

// ----------------------------------------------------------------------------------------
// Scale, seeds, spawn

#[tokio::test]
async fn hundred_thousand_users_paging() {
    let t = Instant::now();
    let c = Ctx::with(Emulator::builder().users(100_000)).await;
    let build = t.elapsed();
    assert_eq!(c.emu.user_count(), 100_006);
    let t = Instant::now();
    let r = c.get(&c.org("/users?limit=1000&offset=99000")).await;
    let page = t.elapsed();
    assert_eq!(r.status, 200);
    assert_eq!(r.json["totalCount"], 100_006);
    let users = r.json["users"].as_array().unwrap();
    assert_eq!(users.len(), 1000);
    assert_eq!(users[0]["username"], "user098995@example.com");
    assert_eq!(users[0]["fullName"], "Generated User 98995");
    assert_eq!(users[0]["organizationRole"], "ORGANIZATION_MEMBER");
    assert_eq!(users[999]["username"], "user099994@example.com");
    let ids: std::collections::HashSet<&str> =
        users.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 1000);
    assert!(ids.iter().all(|id| is_cuid(id)));
    let r = c.get(&c.org("/users?limit=1000&offset=100006")).await;
    assert_eq!(r.json["users"], json!([]));
    let r = c.get(&c.org("/users?limit=3&sorts=username:desc")).await;
    assert_eq!(r.json["users"][0]["username"], "user100000@example.com");
    assert!(c.emu.user("USER050000@example.com").is_some());
    // Generous bounds for unoptimized test builds on a 2-core machine.
    assert!(build < Duration::from_secs(5), "build took {build:?}");
    assert!(page < Duration::from_secs(2), "page took {page:?}");
}

#[tokio::test]
async fn seed_files_json_and_yaml() {
    let dir = std::env::temp_dir().join(format!("astro-emulator-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("seed.json");
    std::fs::write(
        &json_path,
        r#"{"organization":{"name":"Acme"},
            "users":[{"email":"boss@acme.test","fullName":"The Boss","role":"ORGANIZATION_OWNER"},
                     {"email":"new@acme.test","fullName":"New","role":"ORGANIZATION_MEMBER","status":"PENDING",
                      "workspaceRoles":[{"workspace":"Ops","role":"WORKSPACE_MEMBER"}]}],
            "workspaces":[{"name":"Ops"}],
            "teams":[{"name":"Ops Team","members":["new@acme.test"]}]}"#,
    )
    .unwrap();
    let yaml_path = dir.join("seed.yaml");
    std::fs::write(
        &yaml_path,
        "organization:\n  name: Yaml Org\n  id: cyamlorg00000000000000000\nusers:\n  - email: one@yaml.test\n    fullName: One\n    role: ORGANIZATION_OWNER\n  - email: two@yaml.test\n    fullName: Two\n    role: ORGANIZATION_OBSERVE_MEMBER\n    status: INACTIVE\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed_file(&json_path).unwrap().users(2)).await;
    let r = c.get(&c.org("")).await;
    assert_eq!(r.json["name"], "Acme");
    assert_eq!(
        c.usernames("").await,
        [
            "boss@acme.test",
            "new@acme.test",
            "user000001@example.com",
            "user000002@example.com"
        ]
    );
    assert_eq!(
        c.get("/users/self").await.json["username"],
        "boss@acme.test"
    );
    assert_eq!(
        c.get(&c.org("/teams")).await.json["teams"][0]["name"],
        "Ops Team"
    );
    let c = Ctx::with(Emulator::builder().seed_file(&yaml_path).unwrap()).await;
    assert_eq!(c.emu.organization_id(), "cyamlorg00000000000000000");
    assert_eq!(c.usernames("").await, ["one@yaml.test", "two@yaml.test"]);
    assert_eq!(c.emu.user("two@yaml.test").unwrap().status, "INACTIVE");
    // Invalid seeds are clear errors.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"organization":{"name":"X"},"users":[{"email":"x","fullName":"X","role":"ORGANIZATION_OWNER"}]}"#).unwrap();
    let err = Emulator::builder().seed_file(&bad).unwrap_err().to_string();
    assert!(err.contains("email"), "{err}");
    let err = Emulator::builder()
        .seed_file(dir.join("missing.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("cannot read"), "{err}");
    std::fs::write(&bad, "organization: [").unwrap();
    assert!(Emulator::builder().seed_file(&bad).is_err());
    let typo = dir.join("typo.yaml");
    std::fs::write(&typo, "organization:\n  name: X\nusers:\n  - email: a@b.test\n    fullName: A\n    role: ORGANIZATION_OWNER\n    colour: blue\n").unwrap();
    let err = Emulator::builder()
        .seed_file(&typo)
        .unwrap_err()
        .to_string();
    assert!(err.contains("colour"), "{err}");
    std::fs::write(&typo, "organization:\n  name: X\nusers: []\n").unwrap();
    assert!(
        Emulator::builder().seed_file(&typo).is_err(),
        "a seed needs a user"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn spawn_works_without_a_runtime_and_drop_stops_it() {
    use std::io::{Read, Write};
    let emu = Emulator::builder().spawn().expect("spawned");
    let addr = emu.addr();
    assert!(emu.base_url().ends_with("/v1"));
    assert!(!emu.base_url().ends_with('/'));
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET /v1/users/self HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        emu.token()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert!(out.contains("ada@example.com"));
    // A hung request must not make drop block forever.
    emu.inject(Fault::new(FaultKind::Hang));
    let mut hung = std::net::TcpStream::connect(addr).unwrap();
    write!(hung, "GET /v1/users/self HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    drop(emu);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "drop took {:?}",
        t.elapsed()
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "still listening after drop"
    );
}

/// Prints the median time of the 1,000-user page at offset 99,000 of 100,000 users.
/// Run with `cargo test -p astro-emulator --release --test http -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement, not a check: run it explicitly"]
#[allow(clippy::print_stderr)]
async fn measure_page_at_99000_of_100000() {
    let t = Instant::now();
    let c = Ctx::with(Emulator::builder().users(100_000)).await;
    let build = t.elapsed();
    let path = c.org("/users?limit=1000&offset=99000");
    let mut times = vec![];
    for _ in 0..9 {
        let t = Instant::now();
        let r = c.get(&path).await;
        times.push(t.elapsed());
        assert_eq!(r.json["users"].as_array().unwrap().len(), 1000);
    }
    times.sort();
    eprintln!(
        "build {build:?}; page median {:?} (min {:?}, max {:?})",
        times[4], times[0], times[8]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_inside_a_runtime_and_drop_there() {
    let emu = Emulator::builder().users(3).spawn().expect("spawned");
    let r = common::client()
        .get(format!(
            "{}/organizations/{}/users",
            emu.base_url(),
            emu.organization_id()
        ))
        .bearer_auth(emu.token())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["totalCount"], 9);
    let t = Instant::now();
    drop(emu);
    assert!(t.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = Emulator::builder().start().await.unwrap();
    let addr = emu.addr();
    emu.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_lost_response_still_applies_the_request() {
    let c = Ctx::new().await;
    c.emu.inject(
        astro_emulator::Fault::new(astro_emulator::FaultKind::LostResponse)
            .method("POST")
            .path("/v1/organizations/*/invites"),
    );
    let url = format!(
        "{}/organizations/{}/invites",
        c.emu.base_url(),
        c.emu.organization_id()
    );
    let sent = c
        .client
        .post(&url)
        .bearer_auth(&c.token)
        .json(
            &serde_json::json!({"inviteeEmail": "lost@example.com", "role": "ORGANIZATION_MEMBER"}),
        )
        .send()
        .await;
    assert!(sent.is_err(), "the client must get no response");
    let user = c.emu.user("lost@example.com").expect("the invite landed");
    assert_eq!(user.status, "PENDING");
    let recorded = c.emu.requests();
    assert_eq!(recorded.last().unwrap().status, 0);
}
