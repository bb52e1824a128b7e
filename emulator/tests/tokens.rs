//! The API-tokens issue over real HTTP: the seeded tokens (pinned IDs, scopes, roles,
//! expiry) and the handle's token methods; ListApiTokens' paging, sorts and every filter;
//! CreateApiToken for each scope and every refusal; GetApiToken; UpdateApiToken;
//! UpdateApiTokenRoles' replace semantics, validation and scope rules; RotateApiToken and
//! DeleteApiToken; a token's secret as a bearer token through its whole life (used,
//! rotated, deleted, expired) and with exactly its roles; DeleteWorkspace taking its tokens;
//! seed files with tokens.

mod common;

use astro_emulator::{Emulator, Seed, TokenOptions};
use base64::Engine;
use common::{
    Ctx, Reply, assert_error, assert_field_error, is_cuid, is_timestamp, now_unix, unix_of,
};
use reqwest::Method;
use serde_json::{Value, json};

const ORG: &str = "clremxa80000001cav49uda0p";
const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const INGESTION: &str = "clrg4v5mo000001cuzllrbrmi";
const WAREHOUSE_LOADS: &str = "clrg580lc000002cuoizodml6";
const REPORTING: &str = "clrg70beo000003cug1mqs4lw";
const DASHBOARDS: &str = "clrg7d6dc000004cuaihgx7j0";

const CI_DEPLOY: &str = "clrize000000001l88aik0i0y";
const ANALYTICS_REPORTING: &str = "clrj1j5s0000002l8qgdd6wpp";
const PLATFORM_AUTOMATION: &str = "clrj3obk0000003l8trly6hth";
const NIGHTLY_EXPORT: &str = "clrj5thc0000004l84xzwvilu";
const LEGACY_SYNC: &str = "clrj7yn40000005l8r081g9oq";
const LOADS_DEPLOYER: &str = "clrja3sw0000006l80lj4mzs6";

const SEED_NAMES: [&str; 6] = [
    "CI deploy",
    "Analytics reporting",
    "Platform automation",
    "Nightly export",
    "Legacy sync",
    "Loads deployer",
];

fn names(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["tokens"]
        .as_array()
        .expect("tokens array")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect()
}

fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url"),
    )
    .expect("JSON claims")
}

async fn call(c: &Ctx, method: Method, path: &str, token: &str, body: Option<&str>) -> Reply {
    c.call_with(method, path, Some(token), body).await
}

async fn create(c: &Ctx, body: Value) -> Reply {
    c.post(&c.org("/tokens"), &body.to_string()).await
}

/// Creates a token and returns (its ID, its secret).
async fn create_ok(c: &Ctx, body: Value) -> (String, String) {
    let r = create(c, body).await;
    assert_eq!(r.status, 200, "{}", r.text);
    (
        r.json["id"].as_str().unwrap().to_string(),
        r.json["token"].as_str().unwrap().to_string(),
    )
}

fn secret(c: &Ctx, id: &str) -> String {
    c.emu.api_token_secret(id).expect("a live token")
}

// ----------------------------------------------------------------------------------------
// The seed and the handle

#[tokio::test]
async fn seeded_tokens_have_pinned_ids_scopes_roles_and_expiry() {
    let c = Ctx::new().await;
    let tokens = c.emu.api_tokens();
    let got: Vec<(&str, &str, &str, &str)> = tokens
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                t.id.as_str(),
                t.scope.as_str(),
                t.entity_id.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("CI deploy", CI_DEPLOY, "ORGANIZATION", ORG),
            (
                "Analytics reporting",
                ANALYTICS_REPORTING,
                "WORKSPACE",
                ANALYTICS
            ),
            (
                "Platform automation",
                PLATFORM_AUTOMATION,
                "ORGANIZATION",
                ORG
            ),
            ("Nightly export", NIGHTLY_EXPORT, "ORGANIZATION", ORG),
            ("Legacy sync", LEGACY_SYNC, "WORKSPACE", DATA_PLATFORM),
            (
                "Loads deployer",
                LOADS_DEPLOYER,
                "DEPLOYMENT",
                WAREHOUSE_LOADS
            ),
        ]
    );
    for t in &tokens {
        assert!(is_cuid(&t.id), "{}", t.id);
        assert_eq!(t.kind, "STANDARD");
        assert!(!t.deleted);
        assert_eq!(t.rotations, 0);
        assert_eq!(t.last_used_at, None);
        assert_eq!(t.last_rotated_at, None);
        assert!(!t.short_token.is_empty());
    }
    let ci = c.emu.api_token("CI deploy").unwrap();
    assert_eq!(ci.organization_role(), Some("ORGANIZATION_OWNER"));
    assert_eq!(ci.roles.len(), 1);
    assert_eq!(ci.roles[0].entity_name.as_deref(), Some("Example Org"));
    assert_eq!(ci.description, "Deploys from CI");
    assert_eq!(ci.created_at, "2024-01-18T09:00:00Z");
    assert_eq!(ci.start_at, ci.created_at);
    assert_eq!((ci.end_at.as_deref(), ci.expired), (None, false));
    assert_eq!(ci.created_by, "ada@example.com");
    let ar = c.emu.api_token("Analytics reporting").unwrap();
    assert_eq!(ar.organization_role(), None);
    assert_eq!(ar.workspace_role(ANALYTICS), Some("WORKSPACE_AUTHOR"));
    assert_eq!(ar.roles[0].entity_name.as_deref(), Some("Analytics"));
    let pa = c.emu.api_token("Platform automation").unwrap();
    assert_eq!(pa.organization_role(), Some("ORGANIZATION_MEMBER"));
    assert_eq!(pa.workspace_role(DATA_PLATFORM), Some("WORKSPACE_OPERATOR"));
    // Created by another token: the snapshot names it.
    assert_eq!(pa.created_by, "CI deploy");
    assert_eq!(pa.updated_by, "CI deploy");
    // Expires 5.5 days after the start, whenever the tests run.
    let ne = c.emu.api_token("Nightly export").unwrap();
    assert_eq!(ne.expiry_period_in_days, Some(30));
    let end = unix_of(ne.end_at.as_deref().unwrap());
    let expected = now_unix() + 5 * 86_400 + 12 * 3600;
    assert!((end - expected).abs() <= 120, "{end} vs {expected}");
    assert_eq!(end - unix_of(&ne.start_at), 30 * 86_400);
    assert_eq!(ne.start_at, ne.created_at);
    assert!(!ne.expired);
    // Expired long ago.
    let ls = c.emu.api_token("Legacy sync").unwrap();
    assert_eq!(ls.end_at.as_deref(), Some("2024-02-17T13:00:00Z"));
    assert!(ls.expired);
    assert_eq!(ls.workspace_role(DATA_PLATFORM), Some("WORKSPACE_MEMBER"));
    // A Deployment token: its one role is DEPLOYMENT_ADMIN on its Deployment.
    let ld = c.emu.api_token("Loads deployer").unwrap();
    assert_eq!(ld.organization_role(), None);
    assert_eq!(ld.roles.len(), 1);
    assert_eq!(
        (
            ld.roles[0].entity_type.as_str(),
            ld.roles[0].entity_id.as_str(),
            ld.roles[0].entity_name.as_deref(),
            ld.roles[0].role.as_str()
        ),
        (
            "DEPLOYMENT",
            WAREHOUSE_LOADS,
            Some("Warehouse Loads"),
            "DEPLOYMENT_ADMIN"
        )
    );
    assert_eq!(ld.created_at, "2024-01-18T14:00:00Z");
    assert_eq!((ld.end_at.as_deref(), ld.expired), (None, false));
    assert_eq!(ld.description, "Deploys Warehouse Loads from CI");
    // by ID, and no such token.
    assert_eq!(
        c.emu.api_token_by_id(LEGACY_SYNC).unwrap().name,
        "Legacy sync"
    );
    assert!(c.emu.api_token("ci deploy").is_none());
    assert!(c.emu.api_token_by_id("cnosuchtoken0000000000000").is_none());
    assert!(
        c.emu
            .api_token_secret("cnosuchtoken0000000000000")
            .is_none()
    );
    // The rest of the seed is untouched.
    assert_eq!(c.emu.teams().len(), 4);
    assert_eq!(c.emu.user_count(), 6);
}

#[tokio::test]
async fn the_seed_as_the_api_shows_it() {
    let c = Ctx::new().await;
    let r = c.get(&c.org("/tokens")).await;
    assert_eq!(names(&r), SEED_NAMES);
    assert_eq!(
        (&r.json["totalCount"], &r.json["limit"], &r.json["offset"]),
        (&json!(6), &json!(20), &json!(0))
    );
    for t in r.json["tokens"].as_array().unwrap() {
        // The secret is never in a listing.
        assert!(t.get("token").is_none(), "{t}");
        for key in ["createdAt", "updatedAt", "startAt"] {
            assert!(is_timestamp(t[key].as_str().unwrap()), "{key}: {t}");
        }
        assert!(!t["shortToken"].as_str().unwrap().is_empty());
        assert!(t.get("lastUsedAt").is_none() && t.get("lastRotatedAt").is_none());
    }
    let ci = &r.json["tokens"][0];
    assert_eq!(ci["id"], CI_DEPLOY);
    assert_eq!(ci["description"], "Deploys from CI");
    assert_eq!(ci["kind"], "STANDARD");
    assert_eq!(ci["scope"], "ORGANIZATION");
    assert_eq!(
        ci["roles"],
        json!([{"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_OWNER"}])
    );
    assert!(ci.get("endAt").is_none() && ci.get("expiryPeriodInDays").is_none());
    assert_eq!(ci["createdBy"]["username"], "ada@example.com");
    assert_eq!(ci["createdBy"]["subjectType"], "USER");
    let pa = &r.json["tokens"][2];
    assert_eq!(
        pa["createdBy"],
        json!({"id": CI_DEPLOY, "subjectType": "SERVICEKEY", "apiTokenName": "CI deploy"})
    );
    assert_eq!(pa["roles"][1]["entityType"], "WORKSPACE");
    assert_eq!(pa["roles"][1]["entityId"], DATA_PLATFORM);
    let ls = &r.json["tokens"][4];
    assert_eq!(ls["endAt"], "2024-02-17T13:00:00Z");
    assert_eq!(ls["expiryPeriodInDays"], 30);
    let ld = &r.json["tokens"][5];
    assert_eq!(ld["scope"], "DEPLOYMENT");
    assert_eq!(
        ld["roles"],
        json!([{"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS,
                "role": "DEPLOYMENT_ADMIN"}])
    );
    // GetApiToken gives the same object.
    let g = c
        .get(&c.org(&format!("/tokens/{PLATFORM_AUTOMATION}")))
        .await;
    assert_eq!(g.status, 200);
    assert_eq!(&g.json, pa);
    // The second Organization has none.
    let second = &c.emu.organizations()[1].id;
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{second}/tokens"),
            Some(&c.emu.user_token()),
            None,
        )
        .await;
    assert_eq!(r.json["totalCount"], 0, "{}", r.text);
}

// ----------------------------------------------------------------------------------------
// ListApiTokens

#[tokio::test]
async fn list_filters() {
    let c = Ctx::new().await;
    let list = |q: &str| {
        let c = &c;
        let q = q.to_string();
        async move { c.get(&c.org(&format!("/tokens{q}"))).await }
    };
    // workspaceId: every token with a role in the Workspace, Organization tokens included.
    assert_eq!(
        names(&list(&format!("?workspaceId={DATA_PLATFORM}")).await),
        ["Platform automation", "Legacy sync"]
    );
    assert_eq!(
        names(&list(&format!("?workspaceId={ANALYTICS}")).await),
        ["Analytics reporting"]
    );
    // includeOnlyOrganizationTokens, alone and with workspaceId.
    assert_eq!(
        names(&list("?includeOnlyOrganizationTokens=true").await),
        ["CI deploy", "Platform automation", "Nightly export"]
    );
    assert_eq!(
        names(&list("?includeOnlyOrganizationTokens=false").await),
        SEED_NAMES
    );
    assert_eq!(
        names(
            &list(&format!(
                "?workspaceId={DATA_PLATFORM}&includeOnlyOrganizationTokens=true"
            ))
            .await
        ),
        ["Platform automation"]
    );
    // kind.
    assert_eq!(names(&list("?kind=STANDARD").await), SEED_NAMES);
    assert!(names(&list("?kind=DIRECT_ACCESS").await).is_empty());
    create_ok(
        &c,
        json!({"name": "Direct", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
               "kind": "DIRECT_ACCESS"}),
    )
    .await;
    assert_eq!(names(&list("?kind=DIRECT_ACCESS").await), ["Direct"]);
    // deploymentId, dagId, dagTags: give two tokens Deployment and DAG roles.
    let r = c
        .post(
            &c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles")),
            &json!({"roles": [
                {"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"},
                {"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "DEPLOYMENT_ADMIN"},
                {"entityType": "DAG", "entityId": "load_orders", "deploymentId": WAREHOUSE_LOADS,
                 "role": "DAG_AUTHOR"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = c
        .post(
            &c.org(&format!("/tokens/{ANALYTICS_REPORTING}/roles")),
            &json!({"roles": [
                {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_AUTHOR"},
                {"entityType": "DAG_TAG", "entityId": "finance, eu", "deploymentId": REPORTING,
                 "role": "DAG_VIEWER"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        names(&list(&format!("?deploymentId={INGESTION}")).await),
        ["Platform automation"]
    );
    // A DAG role counts for its Deployment; so does a Deployment token's own role.
    assert_eq!(
        names(&list(&format!("?deploymentId={WAREHOUSE_LOADS}")).await),
        ["Platform automation", "Loads deployer"]
    );
    assert_eq!(
        names(&list(&format!("?deploymentId={REPORTING}")).await),
        ["Analytics reporting"]
    );
    assert!(names(&list(&format!("?deploymentId={DASHBOARDS}")).await).is_empty());
    assert_eq!(
        names(&list("?dagId=load_orders").await),
        ["Platform automation"]
    );
    assert!(names(&list("?dagId=other").await).is_empty());
    // dagTags: repeated keys, ORed; a comma inside one value is kept.
    assert_eq!(
        names(&list("?dagTags=finance%2C%20eu").await),
        ["Analytics reporting"]
    );
    assert!(names(&list("?dagTags=finance").await).is_empty());
    assert_eq!(
        names(&list("?dagTags=nope&dagTags=finance,%20eu&dagId=load_orders").await),
        ["Analytics reporting", "Platform automation"]
    );
    // Filters are ANDed.
    assert!(
        names(
            &list(&format!(
                "?deploymentId={INGESTION}&includeOnlyOrganizationTokens=true&kind=DIRECT_ACCESS"
            ))
            .await
        )
        .is_empty()
    );
    // The Platform automation's Workspace role went with the replaced list.
    assert_eq!(
        names(&list(&format!("?workspaceId={DATA_PLATFORM}")).await),
        ["Legacy sync"]
    );
    // Refusals: empty values, bad booleans and kinds; unknown Workspace or Deployment: 404.
    for (q, field) in [
        ("?workspaceId=", "workspaceId"),
        ("?deploymentId=", "deploymentId"),
        ("?dagId=", "dagId"),
        ("?dagTags=", "dagTags"),
        (
            "?includeOnlyOrganizationTokens=yes",
            "includeOnlyOrganizationTokens",
        ),
        (
            "?includeOnlyOrganizationTokens=",
            "includeOnlyOrganizationTokens",
        ),
        ("?kind=standard", "kind"),
    ] {
        assert_field_error(&list(q).await, field);
    }
    let r = list("?workspaceId=cnosuchworkspace000000000").await;
    assert!(assert_error(&r, 404).contains("Workspace"));
    let r = list("?deploymentId=cnosuchdeployment00000000").await;
    assert!(assert_error(&r, 404).contains("Deployment"));
}

#[tokio::test]
async fn list_paging_and_sorts() {
    let c = Ctx::new().await;
    let list = |q: &str| {
        let c = &c;
        let q = q.to_string();
        async move { c.get(&c.org(&format!("/tokens{q}"))).await }
    };
    let r = list("?limit=2&offset=1").await;
    assert_eq!(names(&r), ["Analytics reporting", "Platform automation"]);
    assert_eq!(
        (&r.json["limit"], &r.json["offset"], &r.json["totalCount"]),
        (&json!(2), &json!(1), &json!(6))
    );
    let r = list("?offset=6").await;
    assert!(names(&r).is_empty());
    assert_eq!(r.json["totalCount"], 6);
    assert!(names(&list("?limit=0").await).is_empty());
    assert_eq!(names(&list("?limit=1000").await).len(), 6);
    assert_eq!(
        names(&list("?sorts=name:asc").await),
        [
            "Analytics reporting",
            "CI deploy",
            "Legacy sync",
            "Loads deployer",
            "Nightly export",
            "Platform automation"
        ]
    );
    assert_eq!(
        names(&list("?sorts=name%3Adesc&limit=2").await),
        ["Platform automation", "Nightly export"]
    );
    assert_eq!(
        names(&list("?sorts=description:asc").await),
        [
            "CI deploy",
            "Loads deployer",
            "Nightly export",
            "Analytics reporting",
            "Legacy sync",
            "Platform automation"
        ]
    );
    assert_eq!(
        names(&list("?sorts=createdAt:desc").await),
        [
            "Nightly export",
            "Loads deployer",
            "Legacy sync",
            "Platform automation",
            "Analytics reporting",
            "CI deploy"
        ]
    );
    assert_eq!(
        names(&list("?sorts=tokenStartAt:asc").await),
        [
            "CI deploy",
            "Analytics reporting",
            "Platform automation",
            "Legacy sync",
            "Loads deployer",
            "Nightly export"
        ]
    );
    // A rotation moves the start.
    let r = c
        .post(&c.org(&format!("/tokens/{CI_DEPLOY}/rotate")), "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        names(&list("?sorts=tokenStartAt:desc&limit=1").await),
        ["CI deploy"]
    );
    // Ties keep creation order; several sorts apply in turn.
    for n in ["Twin", "twin"] {
        create_ok(
            &c,
            json!({"name": n, "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "description": "A twin"}),
        )
        .await;
    }
    assert_eq!(
        names(&list("?sorts=description:asc&sorts=name:desc&limit=3").await),
        ["Twin", "twin", "CI deploy"]
    );
    // The rotation updated CI deploy in the same second as the twins were created: a tie,
    // so creation order.
    assert_eq!(
        names(&list("?sorts=updatedAt:asc").await),
        [
            "Analytics reporting",
            "Platform automation",
            "Legacy sync",
            "Loads deployer",
            "Nightly export",
            "CI deploy",
            "Twin",
            "twin"
        ]
    );
    for q in [
        "?limit=1001",
        "?limit=-1",
        "?offset=-2",
        "?offset=x",
        "?sorts=nope:asc",
        "?sorts=name",
        "?sorts=name:asc,createdAt:desc",
        "?sorts=startAt:asc",
    ] {
        let r = list(q).await;
        assert_error(&r, 400);
        assert!(r.json["fieldErrors"].is_array(), "{q}: {}", r.text);
    }
    // Auth first.
    assert_error(
        &c.call_with(Method::GET, &c.org("/tokens?limit=5000"), None, None)
            .await,
        401,
    );
    let elsewhere = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    assert_error(
        &c.call_with(Method::GET, &c.org("/tokens"), Some(&elsewhere), None)
            .await,
        403,
    );
}

// ----------------------------------------------------------------------------------------
// CreateApiToken

#[tokio::test]
async fn create_in_each_scope() {
    let c = Ctx::new().await;
    let ada = c.emu.user("ada@example.com").unwrap();
    let before = now_unix();
    // Minimal ORGANIZATION token.
    let r = create(
        &c,
        json!({"name": "Release bot", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let t = &r.json;
    let id = t["id"].as_str().unwrap();
    assert!(is_cuid(id), "{id}");
    assert_eq!(t["name"], "Release bot");
    assert_eq!(t["description"], "");
    assert_eq!(t["kind"], "STANDARD");
    assert_eq!(t["scope"], "ORGANIZATION");
    assert_eq!(
        t["roles"],
        json!([{"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"}])
    );
    assert!(t.get("endAt").is_none() && t.get("expiryPeriodInDays").is_none());
    assert!(t.get("lastUsedAt").is_none() && t.get("lastRotatedAt").is_none());
    let created = unix_of(t["createdAt"].as_str().unwrap());
    assert!((before..=now_unix()).contains(&created));
    assert_eq!(t["startAt"], t["createdAt"]);
    assert_eq!(t["updatedAt"], t["createdAt"]);
    assert_eq!(t["createdBy"]["id"], ada.id.as_str());
    assert_eq!(t["createdBy"]["username"], "ada@example.com");
    assert_eq!(t["updatedBy"], t["createdBy"]);
    // The secret: a JWT naming the token, its Organization, no expiry.
    let token = t["token"].as_str().unwrap();
    let cl = claims(token);
    assert_eq!(cl["sub"], id);
    assert!(cl.get("exp").is_none());
    assert_eq!(
        cl["permissions"],
        json!([format!("apiTokenId:{id}"), format!("organizationId:{ORG}")])
    );
    assert_eq!(cl["jti"], t["shortToken"]);
    assert_eq!(c.emu.api_token_secret(id).as_deref(), Some(token));
    // Listed last; GetApiToken shows it without the secret.
    let r = c.get(&c.org("/tokens")).await;
    assert_eq!(names(&r).last().unwrap(), "Release bot");
    let g = c.get(&c.org(&format!("/tokens/{id}"))).await;
    assert_eq!(g.status, 200);
    assert!(g.json.get("token").is_none());
    let mut without = t.clone();
    without.as_object_mut().unwrap().remove("token");
    assert_eq!(g.json, without);
    // Every field; the Organization named as the entity; an expiry.
    let r = create(
        &c,
        json!({"name": "Auditor", "description": "Reads the audit log", "role":
               "ORGANIZATION_OBSERVE_ADMIN", "scope": "ORGANIZATION", "entityId": ORG,
               "kind": "DIRECT_ACCESS", "tokenExpiryPeriodInDays": 30}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["kind"], "DIRECT_ACCESS");
    assert_eq!(r.json["description"], "Reads the audit log");
    assert_eq!(r.json["expiryPeriodInDays"], 30);
    let start = unix_of(r.json["startAt"].as_str().unwrap());
    let end = unix_of(r.json["endAt"].as_str().unwrap());
    assert_eq!(end - start, 30 * 86_400);
    assert_eq!(claims(r.json["token"].as_str().unwrap())["exp"], end);
    let snap = c.emu.api_token("Auditor").unwrap();
    assert_eq!(snap.end_at.as_deref(), r.json["endAt"].as_str());
    assert_eq!(snap.expiry_period_in_days, Some(30));
    assert!(!snap.expired);
    // A WORKSPACE token.
    let r = create(
        &c,
        json!({"name": "Dashboards CI", "role": "WORKSPACE_OPERATOR", "scope": "WORKSPACE",
               "entityId": ANALYTICS, "tokenExpiryPeriodInDays": 1}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["scope"], "WORKSPACE");
    assert_eq!(
        r.json["roles"],
        json!([{"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_OPERATOR"}])
    );
    let wid = r.json["id"].as_str().unwrap();
    assert!(
        claims(r.json["token"].as_str().unwrap())["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!(format!("workspaceId:{ANALYTICS}")))
    );
    let snap = c.emu.api_token_by_id(wid).unwrap();
    assert_eq!(
        (snap.scope.as_str(), snap.entity_id.as_str()),
        ("WORKSPACE", ANALYTICS)
    );
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/tokens?workspaceId={ANALYTICS}")))
                .await
        ),
        ["Analytics reporting", "Dashboards CI"]
    );
    // DEPLOYMENT tokens: the built-in role and a custom one (restricted to Data Platform,
    // where Ingestion is); the longest expiry.
    for (name, role) in [
        ("Deployer", "DEPLOYMENT_ADMIN"),
        ("Custom", "DAG_OPERATOR_RESTRICTED"),
    ] {
        let r = create(
            &c,
            json!({"name": name, "role": role, "scope": "DEPLOYMENT", "entityId": INGESTION,
                   "tokenExpiryPeriodInDays": 3650}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            r.json["roles"],
            json!([{"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": role}])
        );
        assert!(
            claims(r.json["token"].as_str().unwrap())["permissions"]
                .as_array()
                .unwrap()
                .contains(&json!(format!("deploymentId:{INGESTION}")))
        );
    }
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/tokens?deploymentId={INGESTION}")))
                .await
        ),
        ["Deployer", "Custom"]
    );
    // Names need not be unique; a null optional member counts as absent.
    let r = create(
        &c,
        json!({"name": "Release bot", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
               "description": null, "kind": null, "tokenExpiryPeriodInDays": null,
               "entityId": null}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_ne!(r.json["id"].as_str().unwrap(), id);
    assert_eq!(c.emu.api_tokens().len(), 12);
    // Each secret is different.
    let secrets: std::collections::HashSet<String> = c
        .emu
        .api_tokens()
        .iter()
        .map(|t| secret(&c, &t.id))
        .collect();
    assert_eq!(secrets.len(), 12);
}

#[tokio::test]
async fn create_refusals_change_nothing() {
    let c = Ctx::new().await;
    let long = "x".repeat(257);
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({}), &["name", "role", "scope"]),
        (
            json!({"name": "  ", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"}),
            &["name"],
        ),
        (
            json!({"name": long, "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"}),
            &["name"],
        ),
        (
            json!({"name": 7, "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "description": "d".repeat(501)}),
            &["name", "description"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANISATION"}),
            &["scope"],
        ),
        (
            json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "ORGANIZATION"}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_OWNER", "scope": "WORKSPACE",
                   "entityId": ANALYTICS}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "WORKSPACE_OWNER", "scope": "DEPLOYMENT",
                   "entityId": INGESTION}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "", "scope": "DEPLOYMENT", "entityId": INGESTION}),
            &["role"],
        ),
        // A Deployment role is DEPLOYMENT_ADMIN or a custom Deployment role of the
        // Organization (exactly), one restricted to Workspaces only in those.
        (
            json!({"name": "n", "role": "DAG_RUNNER_PLUS", "scope": "DEPLOYMENT",
                   "entityId": INGESTION}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "deployment_viewer", "scope": "DEPLOYMENT",
                   "entityId": INGESTION}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "DAG_VIEWER", "scope": "DEPLOYMENT",
                   "entityId": INGESTION}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "DAG_OPERATOR_RESTRICTED", "scope": "DEPLOYMENT",
                   "entityId": REPORTING}),
            &["role"],
        ),
        (
            json!({"name": "n", "role": "DAG_RUNNER_PLUS", "scope": "DEPLOYMENT",
                   "entityId": "cnosuchdeployment00000000"}),
            &["role", "entityId"],
        ),
        (
            json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE"}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
                   "entityId": "cnosuchworkspace000000000"}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
                   "entityId": ANALYTICS}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT"}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "entityId": DATA_PLATFORM}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "entityId": 3}),
            &["entityId"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "kind": "SPECIAL"}),
            &["kind"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "tokenExpiryPeriodInDays": 0}),
            &["tokenExpiryPeriodInDays"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "tokenExpiryPeriodInDays": 3651}),
            &["tokenExpiryPeriodInDays"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "tokenExpiryPeriodInDays": "30"}),
            &["tokenExpiryPeriodInDays"],
        ),
        (
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
                   "tokenExpiryPeriodInDays": 1.5}),
            &["tokenExpiryPeriodInDays"],
        ),
        (json!([]), &["body"]),
    ];
    for (body, fields) in cases {
        let r = create(&c, body.clone()).await;
        for f in fields {
            assert_field_error(&r, f);
        }
        assert_eq!(
            r.json["fieldErrors"].as_array().unwrap().len(),
            fields.len(),
            "{body}: {}",
            r.text
        );
    }
    // Not JSON, or not said to be.
    let r = c
        .client
        .post(c.url(&c.org("/tokens")))
        .bearer_auth(&c.token)
        .header("Content-Type", "text/plain")
        .body(r#"{"name":"n","role":"ORGANIZATION_MEMBER","scope":"ORGANIZATION"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_field_error(&c.post(&c.org("/tokens"), "{").await, "body");
    // Auth comes first.
    assert_error(
        &c.call_with(Method::POST, &c.org("/tokens"), None, Some("{}"))
            .await,
        401,
    );
    let elsewhere = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    assert_error(
        &c.call_with(
            Method::POST,
            &c.org("/tokens"),
            Some(&elsewhere),
            Some("{}"),
        )
        .await,
        403,
    );
    assert_eq!(c.emu.api_tokens().len(), 6);
}

// ----------------------------------------------------------------------------------------
// GetApiToken, UpdateApiToken

#[tokio::test]
async fn get_and_update() {
    let c = Ctx::new().await;
    assert_error(
        &c.get(&c.org("/tokens/cnosuchtoken0000000000000")).await,
        404,
    );
    let path = c.org(&format!("/tokens/{ANALYTICS_REPORTING}"));
    let before = c.get(&path).await.json;
    let r = c
        .post(
            &path,
            r#"{"name":"Analytics, reports","description":"Weekly"}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["name"], "Analytics, reports");
    assert_eq!(r.json["description"], "Weekly");
    assert!(r.json.get("token").is_none());
    assert_eq!(r.json["createdAt"], before["createdAt"]);
    assert_eq!(r.json["startAt"], before["startAt"]);
    assert_eq!(r.json["roles"], before["roles"]);
    assert_eq!(r.json["shortToken"], before["shortToken"]);
    assert!(unix_of(r.json["updatedAt"].as_str().unwrap()) >= now_unix() - 5);
    // The description is kept when omitted (or null), and "" clears it.
    let r = c.post(&path, r#"{"name":"Analytics"}"#).await;
    assert_eq!(r.json["description"], "Weekly");
    let r = c
        .post(&path, r#"{"name":"Analytics","description":null}"#)
        .await;
    assert_eq!(r.json["description"], "Weekly");
    let r = c
        .post(&path, r#"{"name":"Analytics","description":""}"#)
        .await;
    assert_eq!(r.json["description"], "");
    let snap = c.emu.api_token_by_id(ANALYTICS_REPORTING).unwrap();
    assert_eq!(
        (snap.name.as_str(), snap.description.as_str()),
        ("Analytics", "")
    );
    // The secret still works after an update.
    let users = c.org(&format!("/users?workspaceId={ANALYTICS}"));
    let s = secret(&c, ANALYTICS_REPORTING);
    assert_eq!(call(&c, Method::GET, &users, &s, None).await.status, 200);
    // Refusals: name required, not blank, at most 256; description at most 500; JSON.
    for (body, field) in [
        (json!({}), "name"),
        (json!({"description": "only"}), "name"),
        (json!({"name": ""}), "name"),
        (json!({"name": "   "}), "name"),
        (json!({"name": "x".repeat(257)}), "name"),
        (json!({"name": false}), "name"),
        (
            json!({"name": "ok", "description": "d".repeat(501)}),
            "description",
        ),
        (json!({"name": "ok", "description": 5}), "description"),
        (json!("name"), "body"),
    ] {
        assert_field_error(&c.post(&path, &body.to_string()).await, field);
    }
    // The limits themselves are fine.
    let r = c
        .post(
            &path,
            &json!({"name": "n".repeat(256), "description": "d".repeat(500)}).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Validation before the 404.
    let nope = c.org("/tokens/cnosuchtoken0000000000000");
    assert_field_error(&c.post(&nope, "{}").await, "name");
    assert_error(&c.post(&nope, r#"{"name":"x"}"#).await, 404);
    // Updated by a token: updatedBy names it.
    let ci = secret(&c, CI_DEPLOY);
    let r = call(&c, Method::POST, &path, &ci, Some(r#"{"name":"By CI"}"#)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["updatedBy"],
        json!({"id": CI_DEPLOY, "subjectType": "SERVICEKEY", "apiTokenName": "CI deploy"})
    );
    assert_eq!(r.json["createdBy"]["username"], "ada@example.com");
    assert_eq!(
        c.emu
            .api_token_by_id(ANALYTICS_REPORTING)
            .unwrap()
            .updated_by,
        "CI deploy"
    );
}

// ----------------------------------------------------------------------------------------
// UpdateApiTokenRoles

#[tokio::test]
async fn update_roles_replaces_the_whole_list() {
    let c = Ctx::new().await;
    let path = c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles"));
    let every_kind = json!({"roles": [
        {"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_BILLING_ADMIN"},
        {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_OWNER"},
        {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_ACCESSOR"},
        {"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "DEPLOYMENT_ADMIN"},
        {"entityType": "DAG", "entityId": "load_orders", "deploymentId": WAREHOUSE_LOADS,
         "role": "DAG_AUTHOR"},
        {"entityType": "DAG_TAG", "entityId": "finance", "deploymentId": REPORTING,
         "role": "CUSTOM_DAG_ROLE"},
    ]});
    let r = c.post(&path, &every_kind.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json,
        json!({
            "organizationRole": "ORGANIZATION_BILLING_ADMIN",
            "workspaceRoles": [
                {"workspaceId": DATA_PLATFORM, "role": "WORKSPACE_OWNER"},
                {"workspaceId": ANALYTICS, "role": "WORKSPACE_ACCESSOR"},
            ],
            "deploymentRoles": [{"deploymentId": INGESTION, "role": "DEPLOYMENT_ADMIN"}],
            "dagRoles": [
                {"dagId": "load_orders", "deploymentId": WAREHOUSE_LOADS, "role": "DAG_AUTHOR"},
                {"dagTag": "finance", "deploymentId": REPORTING, "role": "CUSTOM_DAG_ROLE"},
            ],
        })
    );
    let g = c
        .get(&c.org(&format!("/tokens/{PLATFORM_AUTOMATION}")))
        .await;
    assert_eq!(g.json["roles"], every_kind["roles"]);
    assert_eq!(g.json["scope"], "ORGANIZATION");
    let snap = c.emu.api_token("Platform automation").unwrap();
    assert_eq!(snap.roles.len(), 6);
    assert_eq!(snap.roles[3].entity_name.as_deref(), Some("Ingestion"));
    assert_eq!(
        snap.roles[4].deployment_id.as_deref(),
        Some(WAREHOUSE_LOADS)
    );
    assert_eq!(snap.roles[4].entity_name, None);
    // The whole list is replaced: what is left out goes.
    let r = c
        .post(
            &path,
            &json!({"roles": [
                {"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"},
                {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_MEMBER"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["deploymentRoles"], json!([]));
    assert_eq!(r.json["dagRoles"], json!([]));
    let snap = c.emu.api_token("Platform automation").unwrap();
    assert_eq!(snap.workspace_role(DATA_PLATFORM), None);
    assert_eq!(snap.workspace_role(ANALYTICS), Some("WORKSPACE_MEMBER"));
    assert_eq!(
        names(
            &c.get(&c.org(&format!("/tokens?workspaceId={ANALYTICS}")))
                .await
        ),
        ["Analytics reporting", "Platform automation"]
    );
    // A WORKSPACE token: its Workspace's role (changed), its Deployments; no Organization
    // role in the answer.
    let r = c
        .post(
            &c.org(&format!("/tokens/{ANALYTICS_REPORTING}/roles")),
            &json!({"roles": [
                {"entityType": "DEPLOYMENT", "entityId": DASHBOARDS, "role": "DEPLOYMENT_ADMIN"},
                {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_OWNER"},
                {"entityType": "DAG", "entityId": "refresh", "deploymentId": REPORTING,
                 "role": "DAG_VIEWER"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.json.get("organizationRole").is_none(), "{}", r.text);
    assert_eq!(
        r.json["workspaceRoles"],
        json!([{"workspaceId": ANALYTICS, "role": "WORKSPACE_OWNER"}])
    );
    // The order given is kept.
    assert_eq!(
        c.emu.api_token("Analytics reporting").unwrap().roles[0].entity_type,
        "DEPLOYMENT"
    );
    // A DEPLOYMENT token: its Deployment and DAG roles in it.
    let (dep, _) = create_ok(
        &c,
        json!({"name": "Dep", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
               "entityId": REPORTING}),
    )
    .await;
    let r = c
        .post(
            &c.org(&format!("/tokens/{dep}/roles")),
            &json!({"roles": [
                {"entityType": "DEPLOYMENT", "entityId": REPORTING, "role": "DEPLOYMENT_VIEWER"},
                {"entityType": "DAG_TAG", "entityId": "nightly", "deploymentId": REPORTING,
                 "role": "DAG_AUTHOR"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["deploymentRoles"],
        json!([{"deploymentId": REPORTING, "role": "DEPLOYMENT_VIEWER"}])
    );
    // The updater is recorded; the secret keeps working with the new roles.
    let r = c.get(&c.org(&format!("/tokens/{dep}"))).await;
    assert_eq!(r.json["updatedBy"]["username"], "ada@example.com");
}

#[tokio::test]
async fn update_roles_refusals_change_nothing() {
    let c = Ctx::new().await;
    let before = c.emu.api_tokens();
    let org_role =
        json!({"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"});
    let pa = c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles"));
    let cases: Vec<(Value, &[&str])> = vec![
        (json!({}), &["roles"]),
        (json!({"roles": null}), &["roles"]),
        (json!({"roles": {}}), &["roles"]),
        (json!({"roles": []}), &["roles"]),
        (json!({"roles": [org_role, 7]}), &["roles[1]"]),
        (
            json!({"roles": [{"entityId": ORG, "role": "ORGANIZATION_MEMBER"}]}),
            &["roles[0].entityType"],
        ),
        (
            json!({"roles": [{"entityType": "TEAM", "entityId": ORG, "role": "X"}]}),
            &["roles[0].entityType"],
        ),
        (
            json!({"roles": [{"entityType": "ORGANIZATION", "role": "ORGANIZATION_MEMBER"}]}),
            &["roles[0].entityId"],
        ),
        (
            json!({"roles": [{"entityType": "ORGANIZATION", "entityId": ORG}]}),
            &["roles[0].role"],
        ),
        (
            json!({"roles": [{"entityType": "ORGANIZATION", "entityId": ORG, "role": "OWNER"}]}),
            &["roles[0].role"],
        ),
        (
            json!({"roles": [{"entityType": "ORGANIZATION", "entityId": "cotherorg0000000000000000",
                              "role": "ORGANIZATION_MEMBER"}]}),
            &["roles[0].entityId"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "WORKSPACE",
                   "entityId": "cnosuchworkspace000000000", "role": "WORKSPACE_MEMBER"}]}),
            &["roles[1].entityId"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "WORKSPACE", "entityId": ANALYTICS,
                   "role": "ORGANIZATION_OWNER"}]}),
            &["roles[1].role"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "DEPLOYMENT",
                   "entityId": "cnosuchdeployment00000000", "role": "DEPLOYMENT_ADMIN"}]}),
            &["roles[1].entityId"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "DEPLOYMENT", "entityId": INGESTION,
                   "role": "WORKSPACE_OWNER"}]}),
            &["roles[1].role"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "DEPLOYMENT", "entityId": INGESTION,
                   "role": "CUSTOM"}]}),
            &["roles[1].role"],
        ),
        // Restricted to Data Platform; Dashboards is in Analytics.
        (
            json!({"roles": [org_role, {"entityType": "DEPLOYMENT", "entityId": DASHBOARDS,
                   "role": "DAG_OPERATOR_RESTRICTED"}]}),
            &["roles[1].role"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "DAG", "entityId": "etl",
                   "role": "DAG_VIEWER"}]}),
            &["roles[1].deploymentId"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "DAG_TAG", "entityId": "eu",
                   "deploymentId": "cnosuchdeployment00000000", "role": "DAG_VIEWER"}]}),
            &["roles[1].deploymentId"],
        ),
        (
            json!({"roles": [org_role, {"entityType": "WORKSPACE", "entityId": ANALYTICS,
                   "deploymentId": INGESTION, "role": "WORKSPACE_MEMBER"}]}),
            &["roles[1].deploymentId"],
        ),
        (
            json!({"roles": [org_role,
                   {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_MEMBER"},
                   {"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_OWNER"}]}),
            &["roles[2]"],
        ),
        (json!({"roles": [org_role, org_role]}), &["roles[1]"]),
        // Scope rules: an ORGANIZATION token keeps an Organization role.
        (
            json!({"roles": [{"entityType": "WORKSPACE", "entityId": ANALYTICS,
                              "role": "WORKSPACE_MEMBER"}]}),
            &["roles"],
        ),
    ];
    for (body, fields) in cases {
        let r = c.post(&pa, &body.to_string()).await;
        for f in fields {
            assert_field_error(&r, f);
        }
        assert_eq!(
            r.json["fieldErrors"].as_array().unwrap().len(),
            fields.len(),
            "{body}: {}",
            r.text
        );
    }
    // A WORKSPACE token: its Workspace's role required; nothing outside its Workspace.
    let ar = c.org(&format!("/tokens/{ANALYTICS_REPORTING}/roles"));
    let own = json!({"entityType": "WORKSPACE", "entityId": ANALYTICS, "role": "WORKSPACE_OWNER"});
    for (roles, field) in [
        (
            json!([{"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_OWNER"}]),
            "roles",
        ),
        (
            json!([{"entityType": "DEPLOYMENT", "entityId": REPORTING, "role": "DEPLOYMENT_ADMIN"}]),
            "roles",
        ),
        (json!([own, org_role]), "roles[1].entityType"),
        (
            json!([own, {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM,
                         "role": "WORKSPACE_MEMBER"}]),
            "roles[1].entityId",
        ),
        (
            json!([own, {"entityType": "DEPLOYMENT", "entityId": INGESTION,
                         "role": "DEPLOYMENT_ADMIN"}]),
            "roles[1].entityId",
        ),
        (
            json!([own, {"entityType": "DAG", "entityId": "etl", "deploymentId": INGESTION,
                         "role": "DAG_VIEWER"}]),
            "roles[1].deploymentId",
        ),
    ] {
        let r = c.post(&ar, &json!({"roles": roles}).to_string()).await;
        assert_field_error(&r, field);
    }
    // A DEPLOYMENT token: its Deployment's role required; only it.
    let (dep, _) = create_ok(
        &c,
        json!({"name": "Dep", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
               "entityId": INGESTION}),
    )
    .await;
    let dp = c.org(&format!("/tokens/{dep}/roles"));
    let own =
        json!({"entityType": "DEPLOYMENT", "entityId": INGESTION, "role": "DEPLOYMENT_ADMIN"});
    for (roles, field) in [
        (
            json!([{"entityType": "DEPLOYMENT", "entityId": REPORTING, "role": "DEPLOYMENT_ADMIN"}]),
            "roles",
        ),
        (
            json!([own, {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM,
                         "role": "WORKSPACE_MEMBER"}]),
            "roles[1].entityType",
        ),
        (json!([own, org_role]), "roles[1].entityType"),
        (
            json!([own, {"entityType": "DEPLOYMENT", "entityId": WAREHOUSE_LOADS,
                         "role": "DEPLOYMENT_ADMIN"}]),
            "roles[1].entityId",
        ),
        (
            json!([own, {"entityType": "DAG_TAG", "entityId": "eu", "deploymentId": REPORTING,
                         "role": "DAG_VIEWER"}]),
            "roles[1].deploymentId",
        ),
    ] {
        let r = c.post(&dp, &json!({"roles": roles}).to_string()).await;
        assert_field_error(&r, field);
    }
    // Validation of the list before the 404; a good list for no token: 404.
    let nope = c.org("/tokens/cnosuchtoken0000000000000/roles");
    assert_field_error(&c.post(&nope, "{}").await, "roles");
    assert_error(
        &c.post(&nope, &json!({"roles": [org_role]}).to_string())
            .await,
        404,
    );
    assert_error(&c.call_with(Method::POST, &pa, None, Some("{}")).await, 401);
    // Nothing changed.
    let mut after = c.emu.api_tokens();
    after.retain(|t| t.id != dep);
    assert_eq!(after, before);
}

// ----------------------------------------------------------------------------------------
// The secret as a bearer token

#[tokio::test]
async fn a_created_token_is_used_rotated_and_deleted() {
    let c = Ctx::new().await;
    let (id, first) = create_ok(
        &c,
        json!({"name": "CI for Analytics", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
               "entityId": ANALYTICS, "tokenExpiryPeriodInDays": 7}),
    )
    .await;
    let users = c.org(&format!("/users?workspaceId={ANALYTICS}&limit=1000"));
    // Used: its Workspace's users.
    let r = call(&c, Method::GET, &users, &first, None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let emails: Vec<&str> = r.json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(
        emails,
        ["alan@example.com", "Katherine.Johnson@Example.com"]
    );
    // lastUsedAt is recorded.
    let used = c.emu.api_token_by_id(&id).unwrap().last_used_at.unwrap();
    assert!(unix_of(&used) >= now_unix() - 5);
    let g = c.get(&c.org(&format!("/tokens/{id}"))).await;
    assert_eq!(g.json["lastUsedAt"], used.as_str());
    // It is refused another Organization (and lists only its own).
    let second = &c.emu.organizations()[1].id;
    assert_error(
        &call(
            &c,
            Method::GET,
            &format!("/organizations/{second}/users"),
            &first,
            None,
        )
        .await,
        403,
    );
    let r = call(&c, Method::GET, "/organizations", &first, None).await;
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["organizations"][0]["id"], ORG);
    // Rotated: a new secret in the answer, the old one refused, the new one accepted.
    let before = c.emu.api_token_by_id(&id).unwrap();
    let r = c.post(&c.org(&format!("/tokens/{id}/rotate")), "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let second_secret = r.json["token"].as_str().unwrap().to_string();
    assert_ne!(second_secret, first);
    assert_eq!(r.json["id"], id.as_str());
    assert_ne!(r.json["shortToken"].as_str().unwrap(), before.short_token);
    assert!(r.json["lastRotatedAt"].is_string());
    assert_eq!(r.json["startAt"], r.json["lastRotatedAt"]);
    assert_eq!(r.json["createdAt"], before.created_at.as_str());
    let start = unix_of(r.json["startAt"].as_str().unwrap());
    assert_eq!(
        unix_of(r.json["endAt"].as_str().unwrap()) - start,
        7 * 86_400
    );
    assert_eq!(r.json["expiryPeriodInDays"], 7);
    let msg = assert_error(&call(&c, Method::GET, &users, &first, None).await, 401);
    assert!(msg.contains("rotated"), "{msg}");
    assert_eq!(
        call(&c, Method::GET, &users, &second_secret, None)
            .await
            .status,
        200
    );
    let snap = c.emu.api_token_by_id(&id).unwrap();
    assert_eq!(snap.rotations, 1);
    assert_eq!(
        snap.last_rotated_at.as_deref(),
        r.json["lastRotatedAt"].as_str()
    );
    assert_eq!(secret(&c, &id), second_secret);
    // Rotated again: only the newest value works.
    let r = c.post(&c.org(&format!("/tokens/{id}/rotate")), "").await;
    let third = r.json["token"].as_str().unwrap().to_string();
    for old in [&first, &second_secret] {
        assert_error(&call(&c, Method::GET, &users, old, None).await, 401);
    }
    assert_eq!(
        call(&c, Method::GET, &users, &third, None).await.status,
        200
    );
    assert_eq!(c.emu.api_token_by_id(&id).unwrap().rotations, 2);
    // Deleted: refused; gone from the API; the handle still knows it.
    let r = c.delete(&c.org(&format!("/tokens/{id}"))).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    let msg = assert_error(&call(&c, Method::GET, &users, &third, None).await, 401);
    assert!(msg.contains("deleted"), "{msg}");
    assert_error(&c.get(&c.org(&format!("/tokens/{id}"))).await, 404);
    assert_error(&c.delete(&c.org(&format!("/tokens/{id}"))).await, 404);
    assert_error(
        &c.post(&c.org(&format!("/tokens/{id}/rotate")), "").await,
        404,
    );
    assert!(!names(&c.get(&c.org("/tokens")).await).contains(&"CI for Analytics".to_string()));
    let gone = c.emu.api_token("CI for Analytics").unwrap();
    assert!(gone.deleted);
    assert_eq!(gone.rotations, 2);
    assert!(c.emu.api_token_secret(&id).is_none());
    assert_eq!(c.emu.api_tokens().len(), 6);
}

#[tokio::test]
async fn expired_tokens_are_refused_until_rotated() {
    let c = Ctx::new().await;
    let users = c.org("/users");
    // The seeded expired token.
    let legacy = secret(&c, LEGACY_SYNC);
    assert_eq!(claims(&legacy)["exp"], unix_of("2024-02-17T13:00:00Z"));
    let msg = assert_error(
        &call(
            &c,
            Method::GET,
            &c.org(&format!("/users?workspaceId={DATA_PLATFORM}")),
            &legacy,
            None,
        )
        .await,
        401,
    );
    assert!(msg.contains("expired"), "{msg}");
    assert_eq!(c.emu.api_token("Legacy sync").unwrap().last_used_at, None);
    // The one expiring soon still works.
    let nightly = secret(&c, NIGHTLY_EXPORT);
    assert_eq!(
        call(&c, Method::GET, &users, &nightly, None).await.status,
        200
    );
    // Rotating the expired token starts its period again.
    let r = c
        .post(&c.org(&format!("/tokens/{LEGACY_SYNC}/rotate")), "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let end = unix_of(r.json["endAt"].as_str().unwrap());
    assert!(end > now_unix() + 29 * 86_400, "{}", r.text);
    assert!(!c.emu.api_token("Legacy sync").unwrap().expired);
    let fresh = r.json["token"].as_str().unwrap();
    assert_eq!(
        call(
            &c,
            Method::GET,
            &c.org(&format!("/users?workspaceId={DATA_PLATFORM}")),
            fresh,
            None
        )
        .await
        .status,
        200
    );
    assert_error(&call(&c, Method::GET, &users, &legacy, None).await, 401);
    // A seed token created 40 days ago with a 30-day period expired 10 days ago.
    let seed = Seed::from_yaml(
        "organization: {name: Acme}\n\
         users: [{email: boss@acme.test, fullName: Boss, role: ORGANIZATION_OWNER}]\n\
         apiTokens:\n  \
           - {name: Old, scope: ORGANIZATION, role: ORGANIZATION_OWNER, expiryPeriodInDays: 30, createdDaysAgo: 40}\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let old = c.emu.api_token("Old").unwrap();
    assert!(old.expired);
    let ago = now_unix() - unix_of(old.end_at.as_deref().unwrap());
    assert!(
        (10 * 86_400 - 120..=10 * 86_400 + 120).contains(&ago),
        "{ago}"
    );
    let s = secret(&c, &old.id);
    assert!(
        assert_error(&call(&c, Method::GET, &c.org(""), &s, None).await, 401).contains("expired")
    );
}

#[tokio::test]
async fn a_token_may_rotate_and_delete_itself() {
    let c = Ctx::new().await;
    let ci = secret(&c, CI_DEPLOY);
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/tokens/{CI_DEPLOY}/rotate")),
        &ci,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["updatedBy"],
        json!({"id": CI_DEPLOY, "subjectType": "SERVICEKEY", "apiTokenName": "CI deploy"})
    );
    let new = r.json["token"].as_str().unwrap().to_string();
    assert_error(&call(&c, Method::GET, &c.org(""), &ci, None).await, 401);
    assert_eq!(
        call(&c, Method::GET, &c.org(""), &new, None).await.status,
        200
    );
    // A body on RotateApiToken (the document gives none) is ignored.
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/tokens/{CI_DEPLOY}/rotate")),
        &new,
        Some(r#"{"anything": true}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let newest = r.json["token"].as_str().unwrap().to_string();
    let r = call(
        &c,
        Method::DELETE,
        &c.org(&format!("/tokens/{CI_DEPLOY}")),
        &newest,
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    assert!(
        assert_error(&call(&c, Method::GET, &c.org(""), &newest, None).await, 401)
            .contains("deleted")
    );
    // What it created still names it.
    let r = c
        .get(&c.org(&format!("/tokens/{PLATFORM_AUTOMATION}")))
        .await;
    assert_eq!(r.json["createdBy"]["apiTokenName"], "CI deploy");
    assert_eq!(
        c.emu.api_token("Platform automation").unwrap().created_by,
        "CI deploy"
    );
}

#[tokio::test]
async fn rotate_and_delete_refusals() {
    let c = Ctx::new().await;
    for (m, p) in [
        (Method::POST, "/tokens/cnosuchtoken0000000000000/rotate"),
        (Method::DELETE, "/tokens/cnosuchtoken0000000000000"),
    ] {
        assert_error(
            &c.call_with(m.clone(), &c.org(p), Some(&c.token), None)
                .await,
            404,
        );
        assert_error(&c.call_with(m.clone(), &c.org(p), None, None).await, 401);
        let elsewhere = c.emu.mint_token(TokenOptions {
            organization_id: Some("cotherorg0000000000000000".into()),
            ..Default::default()
        });
        assert_error(
            &c.call_with(m, &c.org(p), Some(&elsewhere), None).await,
            403,
        );
    }
    // Documented methods only.
    for (m, p, allow) in [
        (Method::PUT, "/tokens".to_string(), "GET, POST"),
        (
            Method::PATCH,
            format!("/tokens/{CI_DEPLOY}"),
            "GET, POST, DELETE",
        ),
        (Method::GET, format!("/tokens/{CI_DEPLOY}/rotate"), "POST"),
        (Method::DELETE, format!("/tokens/{CI_DEPLOY}/roles"), "POST"),
    ] {
        let r = c.call_with(m, &c.org(&p), Some(&c.token), None).await;
        assert_error(&r, 405);
        assert_eq!(r.header("allow"), Some(allow));
    }
    assert_eq!(c.emu.api_tokens().len(), 6);
    assert!(c.emu.api_tokens().iter().all(|t| t.rotations == 0));
}

// ----------------------------------------------------------------------------------------
// What a token's roles allow

#[tokio::test]
async fn a_workspace_token_reaches_its_workspace_only() {
    let c = Ctx::new().await;
    let s = secret(&c, ANALYTICS_REPORTING);
    let get = |p: String| {
        let (c, s) = (&c, &s);
        async move { call(c, Method::GET, &p, s, None).await }
    };
    // Reads in its Workspace.
    assert_eq!(get(c.org("")).await.status, 200);
    let r = get(c.org("/workspaces")).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(r.json["workspaces"][0]["id"], ANALYTICS);
    let r = get(c.org(&format!("/workspaces?workspaceIds={DATA_PLATFORM}"))).await;
    assert_eq!(r.json["totalCount"], 0);
    assert_eq!(
        get(c.org(&format!("/workspaces/{ANALYTICS}"))).await.status,
        200
    );
    assert_error(
        &get(c.org(&format!("/workspaces/{DATA_PLATFORM}"))).await,
        403,
    );
    assert_error(
        &get(c.org("/workspaces/cnosuchworkspace000000000")).await,
        404,
    );
    let r = get(c.org(&format!("/users?workspaceId={ANALYTICS}"))).await;
    assert_eq!(r.json["totalCount"], 2, "{}", r.text);
    let r = get(c.org("/deployments")).await;
    let deps: Vec<&str> = r.json["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert_eq!(deps, ["Reporting", "Dashboards"]);
    assert_eq!(r.json["totalCount"], 2);
    assert_eq!(
        get(c.org(&format!("/deployments/{REPORTING}")))
            .await
            .status,
        200
    );
    assert_error(&get(c.org(&format!("/deployments/{INGESTION}"))).await, 403);
    assert_eq!(
        get(c.org(&format!("/teams?workspaceId={ANALYTICS}")))
            .await
            .status,
        200
    );
    let r = get(c.org(&format!("/tokens?workspaceId={ANALYTICS}"))).await;
    assert_eq!(names(&r), ["Analytics reporting"]);
    assert_eq!(
        get(c.org(&format!("/tokens/{ANALYTICS_REPORTING}")))
            .await
            .status,
        200
    );
    // Refused: anything across the Organization, other Workspaces, any change (it is
    // WORKSPACE_AUTHOR, not owner).
    let grace = c.emu.user("grace@example.com").unwrap().id;
    let team = c.emu.team("Platform Team").unwrap().id;
    for p in [
        c.org("/users"),
        c.org(&format!("/users?workspaceId={DATA_PLATFORM}")),
        c.org(&format!("/users/{grace}")),
        c.org(&format!("/users/{grace}/teams")),
        c.org("/teams"),
        c.org(&format!("/teams/{team}")),
        c.org(&format!("/teams/{team}/members")),
        c.org("/tokens"),
        c.org(&format!("/tokens?workspaceId={DATA_PLATFORM}")),
        c.org(&format!("/tokens?deploymentId={REPORTING}")),
        c.org(&format!("/tokens/{CI_DEPLOY}")),
    ] {
        let msg = assert_error(&get(p.clone()).await, 403);
        assert!(msg.contains("Analytics reporting"), "{p}: {msg}");
    }
    let posts = [
        (c.org("/workspaces"), json!({"name": "Mine"})),
        (
            c.org(&format!("/workspaces/{ANALYTICS}")),
            json!({"name": "A", "description": "", "cicdEnforcedDefault": false}),
        ),
        (
            c.org(&format!("/users/{grace}/roles")),
            json!({"organizationRole": "ORGANIZATION_MEMBER"}),
        ),
        (
            c.org("/invites"),
            json!({"inviteeEmail": "x@example.com", "role": "ORGANIZATION_MEMBER"}),
        ),
        (c.org("/teams"), json!({"name": "T"})),
        (
            c.org("/tokens"),
            json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
                   "entityId": ANALYTICS}),
        ),
        (
            c.org(&format!("/tokens/{ANALYTICS_REPORTING}")),
            json!({"name": "renamed"}),
        ),
        (
            c.org(&format!("/tokens/{ANALYTICS_REPORTING}/rotate")),
            json!({}),
        ),
    ];
    for (p, body) in posts {
        assert_error(
            &call(&c, Method::POST, &p, &s, Some(&body.to_string())).await,
            403,
        );
    }
    assert_error(
        &call(
            &c,
            Method::DELETE,
            &c.org(&format!("/tokens/{ANALYTICS_REPORTING}")),
            &s,
            None,
        )
        .await,
        403,
    );
    // An API token has no user.
    assert_error(&get("/users/self".into()).await, 401);
    // Nothing changed, and the token still works.
    assert_eq!(c.emu.api_tokens().len(), 6);
    assert_eq!(c.emu.workspaces().len(), 2);
    assert_eq!(get(c.org("")).await.status, 200);
}

#[tokio::test]
async fn a_workspace_owner_token_changes_its_workspace() {
    let c = Ctx::new().await;
    // Make "Analytics reporting" WORKSPACE_OWNER.
    let r = c
        .post(
            &c.org(&format!("/tokens/{ANALYTICS_REPORTING}/roles")),
            &json!({"roles": [{"entityType": "WORKSPACE", "entityId": ANALYTICS,
                                "role": "WORKSPACE_OWNER"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let s = secret(&c, ANALYTICS_REPORTING);
    // A Workspace token in its Workspace, then that token's life.
    let r = call(
        &c,
        Method::POST,
        &c.org("/tokens"),
        &s,
        Some(
            &json!({"name": "Child", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
                    "entityId": ANALYTICS})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["createdBy"],
        json!({"id": ANALYTICS_REPORTING, "subjectType": "SERVICEKEY",
               "apiTokenName": "Analytics reporting"})
    );
    let child = r.json["id"].as_str().unwrap().to_string();
    assert_eq!(
        c.emu.api_token("Child").unwrap().created_by,
        "Analytics reporting"
    );
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/tokens/{child}")),
        &s,
        Some(r#"{"name":"Child 2"}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/tokens/{child}/roles")),
        &s,
        Some(
            &json!({"roles": [{"entityType": "WORKSPACE", "entityId": ANALYTICS,
                                "role": "WORKSPACE_AUTHOR"}]})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/tokens/{child}/rotate")),
        &s,
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // And a Deployment token in one of its Deployments.
    let r = call(
        &c,
        Method::POST,
        &c.org("/tokens"),
        &s,
        Some(
            &json!({"name": "Dep", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
                    "entityId": DASHBOARDS})
            .to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // UpdateWorkspace of its Workspace.
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/workspaces/{ANALYTICS}")),
        &s,
        Some(r#"{"name":"Analytics","description":"By token","cicdEnforcedDefault":true}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["updatedBy"]["apiTokenName"], "Analytics reporting");
    let r = call(
        &c,
        Method::DELETE,
        &c.org(&format!("/tokens/{child}")),
        &s,
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    // Not elsewhere: other Workspaces, Organization tokens, Organization changes.
    for (p, body) in [
        (
            c.org("/tokens"),
            json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
                   "entityId": DATA_PLATFORM}),
        ),
        (
            c.org("/tokens"),
            json!({"name": "n", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
                   "entityId": INGESTION}),
        ),
        (
            c.org("/tokens"),
            json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"}),
        ),
        (c.org(&format!("/tokens/{LEGACY_SYNC}/rotate")), json!({})),
        (c.org(&format!("/tokens/{CI_DEPLOY}")), json!({"name": "x"})),
        (
            c.org(&format!("/workspaces/{DATA_PLATFORM}")),
            json!({"name": "A", "description": "", "cicdEnforcedDefault": false}),
        ),
    ] {
        assert_error(
            &call(&c, Method::POST, &p, &s, Some(&body.to_string())).await,
            403,
        );
    }
}

#[tokio::test]
async fn organization_roles_other_than_owner_read_only() {
    let c = Ctx::new().await;
    let s = secret(&c, NIGHTLY_EXPORT);
    let grace = c.emu.user("grace@example.com").unwrap().id;
    for p in [
        c.org("/users?limit=1000"),
        c.org(&format!("/users/{grace}")),
        c.org("/workspaces"),
        c.org(&format!("/workspaces/{DATA_PLATFORM}")),
        c.org(&format!("/deployments/{INGESTION}")),
        c.org("/teams"),
        c.org("/tokens"),
        c.org(&format!("/tokens/{LEGACY_SYNC}")),
    ] {
        assert_eq!(call(&c, Method::GET, &p, &s, None).await.status, 200, "{p}");
    }
    assert_eq!(
        call(&c, Method::GET, &c.org("/workspaces"), &s, None)
            .await
            .json["totalCount"],
        2
    );
    for (p, body) in [
        (c.org("/workspaces"), json!({"name": "Mine"})),
        (
            c.org(&format!("/users/{grace}/roles")),
            json!({"organizationRole": "ORGANIZATION_OWNER"}),
        ),
        (
            c.org("/tokens"),
            json!({"name": "n", "role": "ORGANIZATION_OWNER", "scope": "ORGANIZATION"}),
        ),
        (
            c.org(&format!("/tokens/{NIGHTLY_EXPORT}/rotate")),
            json!({}),
        ),
    ] {
        let msg = assert_error(
            &call(&c, Method::POST, &p, &s, Some(&body.to_string())).await,
            403,
        );
        assert!(msg.contains("ORGANIZATION_OWNER"), "{msg}");
    }
    // Made owner, it may do everything.
    let r = c
        .post(
            &c.org(&format!("/tokens/{NIGHTLY_EXPORT}/roles")),
            &json!({"roles": [{"entityType": "ORGANIZATION", "entityId": ORG,
                                "role": "ORGANIZATION_OWNER"}]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &c,
        Method::POST,
        &c.org("/workspaces"),
        &s,
        Some(r#"{"name":"Mine"}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["createdBy"],
        json!({"id": NIGHTLY_EXPORT, "subjectType": "SERVICEKEY",
               "apiTokenName": "Nightly export"})
    );
    // The Organization owner's token: every kind of change.
    let ci = secret(&c, CI_DEPLOY);
    let r = call(
        &c,
        Method::POST,
        &c.org(&format!("/users/{grace}/roles")),
        &ci,
        Some(r#"{"organizationRole":"ORGANIZATION_OWNER"}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = call(
        &c,
        Method::POST,
        &c.org("/tokens"),
        &ci,
        Some(
            &json!({"name": "From CI", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"})
                .to_string(),
        ),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["createdBy"]["apiTokenName"], "CI deploy");
    let r = call(
        &c,
        Method::POST,
        &c.org("/teams"),
        &ci,
        Some(r#"{"name":"CI Team"}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["createdBy"]["apiTokenName"], "CI deploy");
}

#[tokio::test]
async fn the_emulator_s_own_tokens_are_not_narrowed() {
    // handle.token(), mint_token and user tokens keep full access to their Organizations.
    let c = Ctx::new().await;
    let minted = c.emu.mint_token(TokenOptions {
        workspace_id: Some(ANALYTICS.into()),
        subject: Some("csomeservice000000000000".into()),
        ..Default::default()
    });
    let r = c
        .call_with(
            Method::POST,
            &c.org("/workspaces"),
            Some(&minted),
            Some(r#"{"name":"M"}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["createdBy"],
        json!({"id": "csomeservice000000000000", "subjectType": "SERVICEKEY"})
    );
    let user = c.emu.user_token();
    let r = c
        .call_with(Method::GET, &c.org("/tokens"), Some(&user), None)
        .await;
    assert_eq!(names(&r), SEED_NAMES);
}

// ----------------------------------------------------------------------------------------
// Other operations' effects on tokens

#[tokio::test]
async fn deleting_a_workspace_takes_its_tokens() {
    let c = Ctx::new().await;
    let r = c.post(&c.org("/workspaces"), r#"{"name":"Temp"}"#).await;
    let ws = r.json["id"].as_str().unwrap().to_string();
    let (temp, temp_secret) = create_ok(
        &c,
        json!({"name": "Temp token", "role": "WORKSPACE_OWNER", "scope": "WORKSPACE",
               "entityId": ws}),
    )
    .await;
    let r = c
        .post(
            &c.org(&format!("/tokens/{PLATFORM_AUTOMATION}/roles")),
            &json!({"roles": [
                {"entityType": "ORGANIZATION", "entityId": ORG, "role": "ORGANIZATION_MEMBER"},
                {"entityType": "WORKSPACE", "entityId": DATA_PLATFORM, "role": "WORKSPACE_OPERATOR"},
                {"entityType": "WORKSPACE", "entityId": ws, "role": "WORKSPACE_MEMBER"},
            ]})
            .to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        names(&c.get(&c.org(&format!("/tokens?workspaceId={ws}"))).await),
        ["Platform automation", "Temp token"]
    );
    assert_eq!(
        c.delete(&c.org(&format!("/workspaces/{ws}"))).await.status,
        204
    );
    assert!(c.emu.api_token("Temp token").unwrap().deleted);
    assert!(
        assert_error(
            &call(&c, Method::GET, &c.org(""), &temp_secret, None).await,
            401
        )
        .contains("deleted")
    );
    assert_error(&c.get(&c.org(&format!("/tokens/{temp}"))).await, 404);
    let pa = c.emu.api_token("Platform automation").unwrap();
    assert_eq!(pa.roles.len(), 2);
    assert_eq!(pa.workspace_role(DATA_PLATFORM), Some("WORKSPACE_OPERATOR"));
    assert_eq!(c.emu.api_tokens().len(), 6);
}

// ----------------------------------------------------------------------------------------
// Seed files

#[tokio::test]
async fn seed_files_declare_tokens() {
    let dir = std::env::temp_dir().join(format!("astro-emulator-tokens-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let yaml = dir.join("tokens.yaml");
    std::fs::write(
        &yaml,
        "organization: {name: Acme}\n\
         users:\n  - {email: boss@acme.test, fullName: Boss, role: ORGANIZATION_OWNER}\n\
         workspaces:\n  - name: Ops\n    deployments: [{name: Ops Prod}]\n\
         apiTokens:\n\
         \x20 - name: Deployer\n\
         \x20   scope: DEPLOYMENT\n\
         \x20   deployment: Ops Prod\n\
         \x20   role: DEPLOYMENT_ADMIN\n\
         \x20   id: cdeployertoken00000000000\n\
         \x20 - name: Ops CI\n\
         \x20   description: Runs Ops\n\
         \x20   scope: WORKSPACE\n\
         \x20   workspace: Ops\n\
         \x20   role: WORKSPACE_OWNER\n\
         \x20   deploymentRoles: [{deployment: Ops Prod, role: DEPLOYMENT_ADMIN}]\n\
         \x20   kind: DIRECT_ACCESS\n\
         \x20   createdBy: Deployer\n\
         \x20 - name: Admin\n\
         \x20   scope: ORGANIZATION\n\
         \x20   role: ORGANIZATION_OWNER\n\
         \x20   workspaceRoles: [{workspace: Ops, role: WORKSPACE_MEMBER}]\n\
         \x20   expiryPeriodInDays: 10\n\
         \x20   createdDaysAgo: 1\n\
         \x20   createdBy: BOSS@acme.test\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed_file(&yaml).unwrap()).await;
    let tokens = c.emu.api_tokens();
    assert_eq!(tokens.len(), 3);
    assert_eq!(tokens[0].id, "cdeployertoken00000000000");
    assert_eq!(tokens[0].scope, "DEPLOYMENT");
    assert_eq!(tokens[0].roles[0].entity_name.as_deref(), Some("Ops Prod"));
    assert_eq!(tokens[1].kind, "DIRECT_ACCESS");
    assert_eq!(tokens[1].created_by, "Deployer");
    assert_eq!(tokens[1].roles.len(), 2);
    assert_eq!(tokens[2].created_by, "boss@acme.test");
    assert_eq!(tokens[2].roles[1].entity_name.as_deref(), Some("Ops"));
    let end = unix_of(tokens[2].end_at.as_deref().unwrap());
    assert!((end - (now_unix() + 9 * 86_400)).abs() <= 120);
    // Their secrets work with their roles.
    let admin = secret(&c, &tokens[2].id);
    assert_eq!(
        call(&c, Method::GET, &c.org("/tokens"), &admin, None)
            .await
            .status,
        200
    );
    // The several-Organizations form, JSON.
    let json_seed = dir.join("orgs.json");
    std::fs::write(
        &json_seed,
        r#"{"organizations":[
             {"name":"One","users":[{"email":"a@one.test","fullName":"A","role":"ORGANIZATION_OWNER"}],
              "apiTokens":[{"name":"One token","scope":"ORGANIZATION","role":"ORGANIZATION_MEMBER"}]},
             {"name":"Two","users":[{"email":"a@one.test","fullName":"A","role":"ORGANIZATION_OWNER"}],
              "workspaces":[{"name":"W"}],
              "apiTokens":[{"name":"Two token","scope":"WORKSPACE","workspace":"W","role":"WORKSPACE_MEMBER"}]}]}"#,
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed_file(&json_seed).unwrap()).await;
    assert_eq!(c.emu.api_tokens().len(), 1);
    let two = &c.emu.organizations()[1].id;
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{two}/tokens"),
            Some(&c.emu.user_token()),
            None,
        )
        .await;
    assert_eq!(names(&r), ["Two token"]);
    // The second Organization's token is not the first's: its ID differs, and the first's
    // secret does not reach the second.
    assert_ne!(r.json["tokens"][0]["id"], json!(c.emu.api_tokens()[0].id));
    let one = secret(&c, &c.emu.api_tokens()[0].id);
    assert_error(
        &call(
            &c,
            Method::GET,
            &format!("/organizations/{two}/tokens"),
            &one,
            None,
        )
        .await,
        403,
    );
    // Refusals name the place.
    let base = "organization: {name: X}\nusers: [{email: x@x.test, fullName: X, role: ORGANIZATION_OWNER}]\nworkspaces: [{name: W, deployments: [{name: D}]}]\n";
    for (tokens, needle) in [
        ("[{scope: ORGANIZATION, role: ORGANIZATION_OWNER}]", "name"),
        (
            "[{name: ' ', scope: ORGANIZATION, role: ORGANIZATION_OWNER}]",
            "apiTokens[0].name",
        ),
        (
            "[{name: t, scope: TEAM, role: ORGANIZATION_OWNER}]",
            "apiTokens[0].scope",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: WORKSPACE_OWNER}]",
            "apiTokens[0].role",
        ),
        (
            "[{name: t, scope: WORKSPACE, role: WORKSPACE_OWNER}]",
            "apiTokens[0].workspace",
        ),
        (
            "[{name: t, scope: WORKSPACE, workspace: Nope, role: WORKSPACE_OWNER}]",
            "apiTokens[0].workspace",
        ),
        (
            "[{name: t, scope: WORKSPACE, workspace: W, role: ORGANIZATION_OWNER}]",
            "apiTokens[0].role",
        ),
        (
            "[{name: t, scope: DEPLOYMENT, role: DEPLOYMENT_ADMIN}]",
            "apiTokens[0].deployment",
        ),
        (
            "[{name: t, scope: DEPLOYMENT, deployment: Nope, role: DEPLOYMENT_ADMIN}]",
            "apiTokens[0].deployment",
        ),
        (
            "[{name: t, scope: DEPLOYMENT, deployment: D, role: WORKSPACE_OWNER}]",
            "apiTokens[0].role",
        ),
        (
            "[{name: t, scope: ORGANIZATION, workspace: W, role: ORGANIZATION_OWNER}]",
            "apiTokens[0]",
        ),
        (
            "[{name: t, scope: WORKSPACE, workspace: W, role: WORKSPACE_OWNER, workspaceRoles: [{workspace: W, role: WORKSPACE_MEMBER}]}]",
            "workspaceRoles",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, workspaceRoles: [{workspace: Nope, role: WORKSPACE_MEMBER}]}]",
            "workspaceRoles",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, deploymentRoles: [{deploymentId: cd, role: DEPLOYMENT_ADMIN}]}]",
            "deploymentRoles[0]",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, kind: SPECIAL}]",
            "kind",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, expiryPeriodInDays: 0}]",
            "expiryPeriodInDays",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, createdDaysAgo: -1}]",
            "createdDaysAgo",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, createdBy: nobody}]",
            "createdBy",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, createdBy: u}, {name: u, scope: ORGANIZATION, role: ORGANIZATION_OWNER}]",
            "createdBy",
        ),
        (
            "[{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER, secret: x}]",
            "secret",
        ),
    ] {
        let err = Seed::from_yaml(&format!("{base}apiTokens: {tokens}\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{tokens}: {err}");
    }
    // Top-level apiTokens need the single form, and go there or under organization.
    let err = Seed::from_yaml(
        "organizations: [{name: A, users: [{email: a@a.test, fullName: A, role: ORGANIZATION_OWNER}]}]\n\
         apiTokens: [{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER}]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("apiTokens"), "{err}");
    let err = Seed::from_yaml(
        "organization: {name: A, apiTokens: [{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER}]}\n\
         users: [{email: a@a.test, fullName: A, role: ORGANIZATION_OWNER}]\n\
         apiTokens: [{name: u, scope: ORGANIZATION, role: ORGANIZATION_OWNER}]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not both"), "{err}");
    let seed = Seed::from_yaml(
        "organization: {name: A, apiTokens: [{name: t, scope: ORGANIZATION, role: ORGANIZATION_OWNER}]}\n\
         users: [{email: a@a.test, fullName: A, role: ORGANIZATION_OWNER}]\n",
    )
    .unwrap();
    assert_eq!(seed.all_organizations()[0].api_tokens[0].name, "t");
    // The default seed round-trips through JSON.
    let text = serde_json::to_string(&Seed::default()).unwrap();
    assert_eq!(Seed::from_json(&text).unwrap(), Seed::default());
}
