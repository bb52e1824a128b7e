//! Contract check: calls every served operation (success and main errors) and validates
//! each response body against the vendored OpenAPI document's schema for that path,
//! method and status, with `#/components/schemas/...` refs resolved in the whole document.

mod common;

use std::sync::OnceLock;

use astro_emulator::{Emulator, Seed, TokenOptions};
use common::{Ctx, Reply};
use reqwest::Method;
use serde_json::{Value, json};

/// The OpenAPI document as JSON, with OpenAPI 3.0's `nullable: true` turned into a
/// JSON Schema type union.
fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/openapi/astro-v1.0.openapi.yml"
        );
        let text = std::fs::read_to_string(path).expect("spec readable");
        let mut doc: Value = serde_saphyr::from_str(&text).expect("spec parses");
        fix_nullable(&mut doc);
        doc
    })
}

/// The same document made strict: every object schema that lists `properties` and says
/// nothing of `additionalProperties` refuses other members, so a misspelled optional
/// field (which plain OpenAPI validation lets through) is caught too.
fn strict_spec() -> &'static Value {
    static STRICT: OnceLock<Value> = OnceLock::new();
    STRICT.get_or_init(|| {
        let mut doc = spec().clone();
        if let Some(schemas) = doc.pointer_mut("/components/schemas") {
            close_objects(schemas);
        }
        doc
    })
}

fn close_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("properties").is_some_and(Value::is_object)
                && !map.contains_key("additionalProperties")
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            for (key, child) in map.iter_mut() {
                // Inside `properties`, the keys are member names, not schema keywords.
                if key == "properties" {
                    if let Value::Object(props) = child {
                        props.values_mut().for_each(close_objects);
                    }
                } else {
                    close_objects(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

fn fix_nullable(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::String(t)) = map.get("type").cloned()
            {
                map.insert("type".into(), json!([t, "null"]));
            }
            map.values_mut().for_each(fix_nullable);
        }
        Value::Array(items) => items.iter_mut().for_each(fix_nullable),
        _ => {}
    }
}

/// JSON Pointer escaping of one token, percent-encoded for use in a URI fragment.
fn escape(token: &str) -> String {
    token
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// Validates `body` against the response schema of `path` (a spec path template such as
/// `/organizations/{organizationId}/users`), `method` and `status`. Returns the errors.
fn violations(path: &str, method: &str, status: u16, body: &Value) -> Vec<String> {
    let doc = spec();
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "the spec has no {method} {path}");
    let response = &op["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "the spec has no {status} for {method} {path}"
    );
    let schema = &response["content"]["application/json"]["schema"];
    assert!(
        schema.is_object(),
        "no JSON schema for {status} of {method} {path}"
    );
    let pointer = format!(
        "#/paths/{}/{method}/responses/{status}/content/{}/schema",
        escape(path),
        escape("application/json")
    );
    // The whole document is the root, so every `#/components/...` ref resolves; `$ref`
    // at the top makes it validate against just this response's schema.
    let mut root = strict_spec().clone();
    root["$ref"] = json!(pointer);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .expect("schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

fn assert_conforms(r: &Reply, path: &str, method: &str) {
    let errs = violations(path, method, r.status.as_u16(), &r.json);
    assert!(
        errs.is_empty(),
        "{method} {path} {} does not match the spec:\n{}\nbody: {}",
        r.status,
        errs.join("\n"),
        r.text
    );
}

const ORGS: &str = "/organizations";
const ORG: &str = "/organizations/{organizationId}";
const USERS: &str = "/organizations/{organizationId}/users";
const USER: &str = "/organizations/{organizationId}/users/{userId}";
const ROLES: &str = "/organizations/{organizationId}/users/{userId}/roles";
const INVITES: &str = "/organizations/{organizationId}/invites";
const INVITE: &str = "/organizations/{organizationId}/invites/{inviteId}";
const WORKSPACES: &str = "/organizations/{organizationId}/workspaces";
const WORKSPACE: &str = "/organizations/{organizationId}/workspaces/{workspaceId}";
const TEAMS: &str = "/organizations/{organizationId}/teams";
const TEAM: &str = "/organizations/{organizationId}/teams/{teamId}";
const SELF: &str = "/users/self";
const USER_TEAMS: &str = "/organizations/{organizationId}/users/{userId}/teams";
const DEPLOYMENTS: &str = "/organizations/{organizationId}/deployments";
const DEPLOYMENT: &str = "/organizations/{organizationId}/deployments/{deploymentId}";
const TEAM_MEMBERS: &str = "/organizations/{organizationId}/teams/{teamId}/members";
const TEAM_MEMBER: &str = "/organizations/{organizationId}/teams/{teamId}/members/{memberId}";
const TEAM_ROLES: &str = "/organizations/{organizationId}/teams/{teamId}/roles";
const TOKENS: &str = "/organizations/{organizationId}/tokens";
const TOKEN: &str = "/organizations/{organizationId}/tokens/{tokenId}";
const TOKEN_ROLES: &str = "/organizations/{organizationId}/tokens/{tokenId}/roles";
const TOKEN_ROTATE: &str = "/organizations/{organizationId}/tokens/{tokenId}/rotate";
const ORG_ROLES: &str = "/organizations/{organizationId}/roles";

#[tokio::test]
async fn every_operation_matches_the_spec() {
    let c = Ctx::new().await;
    let grace = c.emu.user("grace@example.com").unwrap();
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    let get = |p: String| {
        let c = &c;
        async move { c.get(&p).await }
    };

    // ListOrganizations
    assert_conforms(&get("/organizations".into()).await, ORGS, "get");
    assert_conforms(&get("/organizations?limit=5000".into()).await, ORGS, "get");
    assert_conforms(
        &c.call_with(Method::GET, "/organizations", None, None).await,
        ORGS,
        "get",
    );
    // GetOrganization
    assert_conforms(&get(c.org("")).await, ORG, "get");
    assert_conforms(&get(c.org("?isLookUpOnly=maybe")).await, ORG, "get");
    assert_conforms(
        &c.call_with(Method::GET, &c.org(""), Some("x.y.z"), None)
            .await,
        ORG,
        "get",
    );
    assert_conforms(
        &c.call_with(Method::GET, &c.org(""), Some(&other_org), None)
            .await,
        ORG,
        "get",
    );
    assert_conforms(
        &c.call_with(
            Method::GET,
            "/organizations/cotherorg0000000000000000",
            Some(&other_org),
            None,
        )
        .await,
        ORG,
        "get",
    );
    // ListUsers
    for q in [
        "",
        "?limit=1000",
        "?sorts=username:desc&limit=2",
        "?offset=99",
    ] {
        let r = get(c.org(&format!("/users{q}"))).await;
        assert_eq!(r.status, 200);
        assert_conforms(&r, USERS, "get");
    }
    let r = get(c.org("/users?limit=1001")).await;
    assert_eq!(r.status, 400);
    assert_conforms(&r, USERS, "get");
    assert_conforms(&get(c.org("/users?sorts=nope:asc")).await, USERS, "get");
    assert_conforms(
        &c.call_with(Method::GET, &c.org("/users"), None, None).await,
        USERS,
        "get",
    );
    assert_conforms(
        &c.call_with(Method::GET, &c.org("/users"), Some(&other_org), None)
            .await,
        USERS,
        "get",
    );
    // GetUser
    let r = get(c.org(&format!("/users/{}", grace.id))).await;
    assert_eq!(r.status, 200);
    assert_conforms(&r, USER, "get");
    let r = get(c.org("/users/cnosuchuser00000000000000")).await;
    assert_eq!(r.status, 404);
    assert_conforms(&r, USER, "get");
    // UpdateUserRoles
    let roles = c.org(&format!("/users/{}/roles", grace.id));
    let r = c
        .post(&roles, r#"{"organizationRole":"ORGANIZATION_OWNER"}"#)
        .await;
    assert_eq!(r.status, 200);
    assert_conforms(&r, ROLES, "post");
    let dep = c.emu.deployment("Ingestion").unwrap().id;
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": [],
        "deploymentRoles": [{"deploymentId": dep, "role": "DEPLOYMENT_ADMIN"}],
        "dagRoles": [{"deploymentId": dep, "dagTag": "team-a", "role": "DAG_VIEWER"}]});
    let r = c.post(&roles, &body.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_conforms(&r, ROLES, "post");
    assert_conforms(
        &get(c.org(&format!("/users/{}", grace.id))).await,
        USER,
        "get",
    );
    for bad in [
        r#"{"organizationRole":"X"}"#,
        r#"{"workspaceRoles":[]}"#,
        "[]",
    ] {
        let r = c.post(&roles, bad).await;
        assert_eq!(r.status, 400);
        assert_conforms(&r, ROLES, "post");
    }
    let r = c
        .post(
            &c.org("/users/cnosuchuser00000000000000/roles"),
            r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#,
        )
        .await;
    assert_eq!(r.status, 404);
    assert_conforms(&r, ROLES, "post");
    // CreateUserInvite
    let r = c
        .post(
            &c.org("/invites"),
            r#"{"inviteeEmail":"someone@example.com","role":"ORGANIZATION_MEMBER"}"#,
        )
        .await;
    assert_eq!(r.status, 200);
    assert_conforms(&r, INVITES, "post");
    let invite_id = r.json["inviteId"].as_str().unwrap().to_string();
    assert_conforms(&get(c.org("/users?limit=100")).await, USERS, "get");
    for bad in [
        r#"{"inviteeEmail":"nope","role":"ORGANIZATION_MEMBER"}"#,
        r#"{"inviteeEmail":"GRACE@example.com","role":"ORGANIZATION_MEMBER"}"#,
    ] {
        let r = c.post(&c.org("/invites"), bad).await;
        assert_eq!(r.status, 400);
        assert_conforms(&r, INVITES, "post");
    }
    // GetSelfUser while an invite is open, then DeleteUserInvite
    let r = get("/users/self".into()).await;
    assert_eq!(r.status, 200);
    assert_conforms(&r, SELF, "get");
    let r = c.delete(&c.org(&format!("/invites/{invite_id}"))).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert!(
        spec()["paths"][INVITE]["delete"]["responses"]["204"]
            .get("content")
            .is_none(),
        "the spec gives 204 no body"
    );
    let r = c.delete(&c.org(&format!("/invites/{invite_id}"))).await;
    assert_eq!(r.status, 404);
    assert_conforms(&r, INVITE, "delete");
    // Workspaces
    let r = get(c.org("/workspaces")).await;
    assert_conforms(&r, WORKSPACES, "get");
    let ws = r.json["workspaces"][0]["id"].as_str().unwrap().to_string();
    assert_conforms(
        &get(c.org("/workspaces?sorts=bad")).await,
        WORKSPACES,
        "get",
    );
    assert_conforms(
        &get(c.org(&format!("/workspaces/{ws}"))).await,
        WORKSPACE,
        "get",
    );
    assert_conforms(&get(c.org("/workspaces/cnope")).await, WORKSPACE, "get");
    // Teams
    let r = get(c.org("/teams")).await;
    assert_conforms(&r, TEAMS, "get");
    let team = r.json["teams"][0]["id"].as_str().unwrap().to_string();
    assert_conforms(&get(c.org("/teams?limit=-3")).await, TEAMS, "get");
    assert_conforms(&get(c.org(&format!("/teams/{team}"))).await, TEAM, "get");
    assert_conforms(&get(c.org("/teams/cnope")).await, TEAM, "get");
    // GetSelfUser errors
    assert_conforms(
        &c.call_with(Method::GET, "/users/self", None, None).await,
        SELF,
        "get",
    );
    assert_conforms(
        &get("/users/self?createIfNotExist=perhaps".into()).await,
        SELF,
        "get",
    );

    // A user (OAuth) token: both Organizations, each one's operations, and 403 elsewhere.
    let user = c.emu.user_token();
    let orgs = c.emu.organizations();
    let as_user = |p: String| {
        let (c, user) = (&c, &user);
        async move { c.call_with(Method::GET, &p, Some(user), None).await }
    };
    let r = as_user("/organizations?sorts=name:desc&limit=2".into()).await;
    assert_eq!(r.json["totalCount"], 2);
    assert_conforms(&r, ORGS, "get");
    assert_conforms(&as_user("/users/self".into()).await, SELF, "get");
    for o in &orgs {
        let base = format!("/organizations/{}", o.id);
        assert_conforms(&as_user(base.clone()).await, ORG, "get");
        assert_conforms(&as_user(format!("{base}/users")).await, USERS, "get");
        assert_conforms(
            &as_user(format!("{base}/workspaces")).await,
            WORKSPACES,
            "get",
        );
        assert_conforms(&as_user(format!("{base}/teams")).await, TEAMS, "get");
    }
    let r = as_user("/organizations/cotherorg0000000000000000/users".into()).await;
    assert_eq!(r.status, 403);
    assert_conforms(&r, USERS, "get");
}

/// The Workspaces issue's operations: every success and error response.
#[tokio::test]
async fn workspace_operations_match_the_spec() {
    let c = Ctx::new().await;
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    let get = |p: String| {
        let c = &c;
        async move { c.get(&p).await }
    };
    let expect = |r: &Reply, status: u16, path: &str, method: &str| {
        assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.text);
        assert_conforms(r, path, method);
    };
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let grace = c.emu.user("grace@example.com").unwrap();
    let ada = c.emu.user("ada@example.com").unwrap();

    // ListWorkspaces with its filters.
    for q in [
        format!("?workspaceIds={dp}"),
        "?names=Analytics&names=Data%20Platform&sorts=updatedAt:desc".into(),
        "?names=Ops,%20EU".into(),
    ] {
        expect(
            &get(c.org(&format!("/workspaces{q}"))).await,
            200,
            WORKSPACES,
            "get",
        );
    }
    expect(
        &get(c.org("/workspaces?names=")).await,
        400,
        WORKSPACES,
        "get",
    );
    // CreateWorkspace: minimal, every field, a cluster; then its errors.
    let r = c.post(&c.org("/workspaces"), r#"{"name":"Ops"}"#).await;
    expect(&r, 200, WORKSPACES, "post");
    let ops = r.json["id"].as_str().unwrap().to_string();
    let r = c
        .post(
            &c.org("/workspaces"),
            r#"{"name":"Full","description":"d","cicdEnforcedDefault":true,"defaultCloudProvider":"GCP","defaultRegion":"us-central1"}"#,
        )
        .await;
    expect(&r, 200, WORKSPACES, "post");
    let r = c
        .post(
            &c.org("/workspaces"),
            r#"{"name":"Clustered","defaultClusterId":"cc1"}"#,
        )
        .await;
    expect(&r, 200, WORKSPACES, "post");
    for bad in ["{}", r#"{"name":7,"cicdEnforcedDefault":"x"}"#, "[]"] {
        expect(
            &c.post(&c.org("/workspaces"), bad).await,
            400,
            WORKSPACES,
            "post",
        );
    }
    let r = c
        .client
        .post(c.url(&c.org("/workspaces")))
        .bearer_auth(&c.token)
        .header("Content-Type", "text/plain")
        .body(r#"{"name":"X"}"#)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let r400 = Reply {
        status: reqwest::StatusCode::BAD_REQUEST,
        headers: Default::default(),
        json: serde_json::from_str(&text).unwrap(),
        text,
    };
    expect(&r400, 400, WORKSPACES, "post");
    expect(
        &c.call_with(Method::POST, &c.org("/workspaces"), None, Some("{}"))
            .await,
        401,
        WORKSPACES,
        "post",
    );
    expect(
        &c.call_with(
            Method::POST,
            &c.org("/workspaces"),
            Some(&other_org),
            Some("{}"),
        )
        .await,
        403,
        WORKSPACES,
        "post",
    );
    // GetWorkspace of a created one.
    expect(
        &get(c.org(&format!("/workspaces/{ops}"))).await,
        200,
        WORKSPACE,
        "get",
    );
    // UpdateWorkspace.
    let path = c.org(&format!("/workspaces/{ops}"));
    let r = c
        .post(
            &path,
            r#"{"name":"Ops, EU","description":"","cicdEnforcedDefault":true,"defaultCloudProvider":"AWS","defaultRegion":"eu-west-1"}"#,
        )
        .await;
    expect(&r, 200, WORKSPACE, "post");
    expect(
        &c.post(&path, r#"{"name":"Ops"}"#).await,
        400,
        WORKSPACE,
        "post",
    );
    expect(
        &c.post(
            &c.org("/workspaces/cnope"),
            r#"{"name":"A","description":"","cicdEnforcedDefault":false}"#,
        )
        .await,
        404,
        WORKSPACE,
        "post",
    );
    // DeleteWorkspace: refused with Deployments, 204 with no body, then 404.
    expect(
        &c.delete(&c.org(&format!("/workspaces/{dp}"))).await,
        400,
        WORKSPACE,
        "delete",
    );
    let r = c.delete(&path).await;
    assert_eq!(r.status, 204);
    assert!(r.text.is_empty());
    assert!(
        spec()["paths"][WORKSPACE]["delete"]["responses"]["204"]
            .get("content")
            .is_none()
    );
    expect(&c.delete(&path).await, 404, WORKSPACE, "delete");
    // ListDeployments and GetDeployment.
    for q in [
        String::new(),
        format!("?workspaceIds={dp}&sorts=name:desc"),
        format!("?deploymentIds={ingestion}&names=Ingestion"),
        "?limit=5000&offset=3".into(),
    ] {
        expect(
            &get(c.org(&format!("/deployments{q}"))).await,
            200,
            DEPLOYMENTS,
            "get",
        );
    }
    for q in ["?sorts=status:asc", "?limit=-1", "?workspaceIds="] {
        expect(
            &get(c.org(&format!("/deployments{q}"))).await,
            400,
            DEPLOYMENTS,
            "get",
        );
    }
    expect(
        &c.call_with(Method::GET, &c.org("/deployments"), None, None)
            .await,
        401,
        DEPLOYMENTS,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &c.org("/deployments"), Some(&other_org), None)
            .await,
        403,
        DEPLOYMENTS,
        "get",
    );
    for d in c.emu.deployments() {
        expect(
            &get(c.org(&format!("/deployments/{}", d.id))).await,
            200,
            DEPLOYMENT,
            "get",
        );
    }
    expect(
        &get(c.org("/deployments/cnope")).await,
        404,
        DEPLOYMENT,
        "get",
    );
    // ListUsers by Workspace and Deployment; GetUser with all three kinds of role.
    for q in [
        format!("?workspaceId={dp}"),
        format!("?deploymentId={ingestion}"),
    ] {
        expect(&get(c.org(&format!("/users{q}"))).await, 200, USERS, "get");
    }
    expect(&get(c.org("/users?workspaceId=")).await, 400, USERS, "get");
    expect(
        &get(c.org(&format!("/users/{}", grace.id))).await,
        200,
        USER,
        "get",
    );
    // UpdateUserRoles with every list, and its new refusals.
    let roles = c.org(&format!("/users/{}/roles", grace.id));
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": dp, "role": "WORKSPACE_OWNER"}],
        "deploymentRoles": [{"deploymentId": ingestion, "role": "DEPLOYMENT_ADMIN"}],
        "dagRoles": [{"deploymentId": ingestion, "dagId": "a", "dagTag": "t", "role": "DAG_VIEWER"}]});
    expect(&c.post(&roles, &body.to_string()).await, 200, ROLES, "post");
    for bad in [
        json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": [
            {"workspaceId": dp, "role": "WORKSPACE_OWNER"}, {"workspaceId": dp, "role": "WORKSPACE_MEMBER"}]}),
        json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
            {"deploymentId": "cnope", "role": "DEPLOYMENT_ADMIN"}]}),
        json!({"dagRoles": []}),
    ] {
        expect(&c.post(&roles, &bad.to_string()).await, 400, ROLES, "post");
    }
    // ListUserTeams.
    for u in [&grace.id, &ada.id] {
        expect(
            &get(c.org(&format!("/users/{u}/teams?sorts=name:asc"))).await,
            200,
            USER_TEAMS,
            "get",
        );
    }
    expect(
        &get(c.org(&format!("/users/{}/teams?sorts=nope:asc", grace.id))).await,
        400,
        USER_TEAMS,
        "get",
    );
    expect(
        &get(c.org("/users/cnosuchuser00000000000000/teams")).await,
        404,
        USER_TEAMS,
        "get",
    );
    expect(
        &c.call_with(
            Method::GET,
            &c.org(&format!("/users/{}/teams", grace.id)),
            Some(&other_org),
            None,
        )
        .await,
        403,
        USER_TEAMS,
        "get",
    );
    // ListTeams' filters and their 404s.
    expect(
        &get(c.org(&format!("/teams?workspaceId={dp}&names=Platform%20Team"))).await,
        200,
        TEAMS,
        "get",
    );
    expect(
        &get(c.org(&format!("/teams?deploymentId={ingestion}"))).await,
        200,
        TEAMS,
        "get",
    );
    expect(
        &get(c.org("/teams?workspaceId=cnope")).await,
        404,
        TEAMS,
        "get",
    );
    expect(
        &get(c.org("/teams?deploymentId=cnope")).await,
        404,
        TEAMS,
        "get",
    );
    expect(&get(c.org("/teams?workspaceId=")).await, 400, TEAMS, "get");
    // The second Organization's, with a user token.
    let user = c.emu.user_token();
    let second = &c.emu.organizations()[1].id;
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{second}/deployments"),
            Some(&user),
            None,
        )
        .await;
    expect(&r, 200, DEPLOYMENTS, "get");
}

/// Asserts a 204 with an empty body, which is all the document gives that status.
fn assert_no_content(r: &Reply, path: &str, method: &str) {
    assert_eq!(r.status, 204, "{method} {path}: {}", r.text);
    assert!(r.text.is_empty(), "{method} {path}: {}", r.text);
    assert!(
        spec()["paths"][path][method]["responses"]["204"]
            .get("content")
            .is_none(),
        "the spec gives {method} {path} a 204 body"
    );
}

/// The Teams issue's operations: every success and error response.
#[tokio::test]
async fn team_operations_match_the_spec() {
    let c = Ctx::new().await;
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    let get = |p: String| {
        let c = &c;
        async move { c.get(&p).await }
    };
    let expect = |r: &Reply, status: u16, path: &str, method: &str| {
        assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.text);
        assert_conforms(r, path, method);
    };
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let grace = c.emu.user("grace@example.com").unwrap().id;
    let ada = c.emu.user("ada@example.com").unwrap().id;
    let alan = c.emu.user("alan@example.com").unwrap().id;
    let barbara = c.emu.user("barbara@example.com").unwrap().id;
    let platform = c.emu.team("Platform Team").unwrap().id;
    let eu = c.emu.team("Data Engineering, EU").unwrap().id;
    let okta = c.emu.team("Okta Engineers").unwrap().id;
    let nope = "cnosuchteam00000000000000";

    // ListTeams: every seeded Team (all three kinds of role, IdP-managed), filters, errors.
    for q in [
        String::new(),
        "?sorts=name:asc&sorts=description:desc&limit=1000".into(),
        "?names=Data%20Engineering%2C%20EU&names=platform%20team".into(),
        format!("?workspaceId={dp}&deploymentId={ingestion}"),
        "?offset=10".into(),
    ] {
        expect(&get(c.org(&format!("/teams{q}"))).await, 200, TEAMS, "get");
    }
    for q in ["?sorts=id:asc", "?limit=1001", "?names="] {
        expect(&get(c.org(&format!("/teams{q}"))).await, 400, TEAMS, "get");
    }
    expect(
        &get(c.org("/teams?deploymentId=cnope")).await,
        404,
        TEAMS,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &c.org("/teams"), None, None).await,
        401,
        TEAMS,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &c.org("/teams"), Some(&other_org), None)
            .await,
        403,
        TEAMS,
        "get",
    );
    // GetTeam of each seeded Team.
    for t in [&platform, &eu, &okta] {
        expect(&get(c.org(&format!("/teams/{t}"))).await, 200, TEAM, "get");
    }
    // CreateTeam: minimal and full; errors.
    let r = c.post(&c.org("/teams"), r#"{"name":"Ops"}"#).await;
    expect(&r, 200, TEAMS, "post");
    let ops = r.json["id"].as_str().unwrap().to_string();
    let body = json!({"name": "Ops, EU", "description": "d",
        "organizationRole": "ORGANIZATION_OWNER", "memberIds": [grace, barbara]});
    expect(
        &c.post(&c.org("/teams"), &body.to_string()).await,
        200,
        TEAMS,
        "post",
    );
    for bad in [
        "{}".to_string(),
        r#"{"name":"X","organizationRole":"NOPE"}"#.into(),
        json!({"name": "X", "memberIds": ["cnosuchuser00000000000000"]}).to_string(),
        "[]".into(),
    ] {
        expect(&c.post(&c.org("/teams"), &bad).await, 400, TEAMS, "post");
    }
    expect(
        &c.call_with(Method::POST, &c.org("/teams"), None, Some("{}"))
            .await,
        401,
        TEAMS,
        "post",
    );
    expect(
        &c.call_with(
            Method::POST,
            &c.org("/teams"),
            Some(&other_org),
            Some(r#"{"name":"X"}"#),
        )
        .await,
        403,
        TEAMS,
        "post",
    );
    // UpdateTeam: success, validation, IdP rename refusal, unknown Team.
    let path = c.org(&format!("/teams/{ops}"));
    expect(
        &c.post(&path, r#"{"name":"Ops 2","description":""}"#).await,
        200,
        TEAM,
        "post",
    );
    expect(
        &c.post(&path, r#"{"description":"x"}"#).await,
        400,
        TEAM,
        "post",
    );
    expect(
        &c.post(&c.org(&format!("/teams/{okta}")), r#"{"name":"Renamed"}"#)
            .await,
        400,
        TEAM,
        "post",
    );
    expect(
        &c.post(
            &c.org(&format!("/teams/{okta}")),
            r#"{"name":"Okta Engineers"}"#,
        )
        .await,
        200,
        TEAM,
        "post",
    );
    expect(
        &c.post(&c.org(&format!("/teams/{nope}")), r#"{"name":"X"}"#)
            .await,
        404,
        TEAM,
        "post",
    );
    expect(
        &c.call_with(
            Method::POST,
            &path,
            Some(&other_org),
            Some(r#"{"name":"X"}"#),
        )
        .await,
        403,
        TEAM,
        "post",
    );
    // GetTeam's 404 and 401.
    expect(
        &get(c.org(&format!("/teams/{nope}"))).await,
        404,
        TEAM,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &path, None, None).await,
        401,
        TEAM,
        "get",
    );
    // ListTeamMembers.
    for q in [
        "",
        "?sorts=username:desc&sorts=createdAt:asc",
        "?limit=5000&offset=1",
    ] {
        expect(
            &get(c.org(&format!("/teams/{eu}/members{q}"))).await,
            200,
            TEAM_MEMBERS,
            "get",
        );
    }
    expect(
        &get(c.org(&format!("/teams/{eu}/members?sorts=name:asc"))).await,
        400,
        TEAM_MEMBERS,
        "get",
    );
    expect(
        &get(c.org(&format!("/teams/{nope}/members"))).await,
        404,
        TEAM_MEMBERS,
        "get",
    );
    expect(
        &c.call_with(
            Method::GET,
            &c.org(&format!("/teams/{eu}/members")),
            Some(&other_org),
            None,
        )
        .await,
        403,
        TEAM_MEMBERS,
        "get",
    );
    // AddTeamMembers: 204 with no body; refusals.
    let members = c.org(&format!("/teams/{ops}/members"));
    assert_no_content(
        &c.post(&members, &json!({"memberIds": [alan, ada]}).to_string())
            .await,
        TEAM_MEMBERS,
        "post",
    );
    expect(
        &get(c.org(&format!("/teams/{ops}/members"))).await,
        200,
        TEAM_MEMBERS,
        "get",
    );
    for bad in [
        r#"{"memberIds":[]}"#.to_string(),
        json!({"memberIds": [alan]}).to_string(),
        "{}".into(),
    ] {
        expect(&c.post(&members, &bad).await, 400, TEAM_MEMBERS, "post");
    }
    expect(
        &c.post(
            &c.org(&format!("/teams/{okta}/members")),
            &json!({"memberIds": [alan]}).to_string(),
        )
        .await,
        400,
        TEAM_MEMBERS,
        "post",
    );
    expect(
        &c.post(
            &c.org(&format!("/teams/{nope}/members")),
            &json!({"memberIds": [alan]}).to_string(),
        )
        .await,
        404,
        TEAM_MEMBERS,
        "post",
    );
    expect(
        &c.call_with(
            Method::POST,
            &members,
            None,
            Some(&json!({"memberIds": [grace]}).to_string()),
        )
        .await,
        401,
        TEAM_MEMBERS,
        "post",
    );
    // RemoveTeamMember.
    assert_no_content(
        &c.delete(&c.org(&format!("/teams/{ops}/members/{alan}")))
            .await,
        TEAM_MEMBER,
        "delete",
    );
    expect(
        &c.delete(&c.org(&format!("/teams/{ops}/members/{alan}")))
            .await,
        404,
        TEAM_MEMBER,
        "delete",
    );
    expect(
        &c.delete(&c.org(&format!("/teams/{okta}/members/{ada}")))
            .await,
        400,
        TEAM_MEMBER,
        "delete",
    );
    expect(
        &c.delete(&c.org(&format!("/teams/{nope}/members/{ada}")))
            .await,
        404,
        TEAM_MEMBER,
        "delete",
    );
    expect(
        &c.call_with(
            Method::DELETE,
            &c.org(&format!("/teams/{ops}/members/{ada}")),
            Some(&other_org),
            None,
        )
        .await,
        403,
        TEAM_MEMBER,
        "delete",
    );
    // UpdateTeamRoles: every list, the Organization role alone, an IdP-managed Team; refusals.
    let roles = c.org(&format!("/teams/{ops}/roles"));
    let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
        "workspaceRoles": [{"workspaceId": dp, "role": "WORKSPACE_OWNER"}],
        "deploymentRoles": [{"deploymentId": ingestion, "role": "DEPLOYMENT_ADMIN"}],
        "dagRoles": [{"deploymentId": ingestion, "dagId": "a", "dagTag": "t", "role": "DAG_VIEWER"}]});
    expect(
        &c.post(&roles, &body.to_string()).await,
        200,
        TEAM_ROLES,
        "post",
    );
    expect(
        &c.post(&roles, r#"{"organizationRole":"ORGANIZATION_OWNER"}"#)
            .await,
        200,
        TEAM_ROLES,
        "post",
    );
    expect(
        &c.post(
            &c.org(&format!("/teams/{okta}/roles")),
            r#"{"organizationRole":"ORGANIZATION_MEMBER","workspaceRoles":[]}"#,
        )
        .await,
        200,
        TEAM_ROLES,
        "post",
    );
    for bad in [
        json!({"workspaceRoles": []}),
        json!({}),
        json!({"organizationRole": "ORGANIZATION_MEMBER", "workspaceRoles": [
            {"workspaceId": dp, "role": "WORKSPACE_OWNER"}, {"workspaceId": dp, "role": "WORKSPACE_MEMBER"}]}),
        json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
            {"deploymentId": "cnope", "role": "DEPLOYMENT_ADMIN"}]}),
    ] {
        expect(
            &c.post(&roles, &bad.to_string()).await,
            400,
            TEAM_ROLES,
            "post",
        );
    }
    expect(
        &c.post(
            &c.org(&format!("/teams/{nope}/roles")),
            r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#,
        )
        .await,
        404,
        TEAM_ROLES,
        "post",
    );
    expect(
        &c.call_with(
            Method::POST,
            &roles,
            Some(&other_org),
            Some(r#"{"organizationRole":"ORGANIZATION_MEMBER"}"#),
        )
        .await,
        403,
        TEAM_ROLES,
        "post",
    );
    // The changed Teams read back, and ListUserTeams with every kind of Team.
    expect(
        &get(c.org(&format!("/teams/{ops}"))).await,
        200,
        TEAM,
        "get",
    );
    expect(&get(c.org("/teams")).await, 200, TEAMS, "get");
    for u in [&ada, &grace, &barbara] {
        expect(
            &get(c.org(&format!("/users/{u}/teams?limit=100"))).await,
            200,
            USER_TEAMS,
            "get",
        );
    }
    // DeleteTeam: refused for the IdP-managed one, 204 with no body, then 404.
    expect(
        &c.delete(&c.org(&format!("/teams/{okta}"))).await,
        400,
        TEAM,
        "delete",
    );
    assert_no_content(&c.delete(&path).await, TEAM, "delete");
    expect(&c.delete(&path).await, 404, TEAM, "delete");
    expect(
        &c.call_with(Method::DELETE, &path, None, None).await,
        401,
        TEAM,
        "delete",
    );
    expect(
        &c.call_with(Method::DELETE, &path, Some(&other_org), None)
            .await,
        403,
        TEAM,
        "delete",
    );
}

/// The API-tokens issue's operations: every success and error response.
#[tokio::test]
async fn api_token_operations_match_the_spec() {
    let c = Ctx::new().await;
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    // Covers an Organization that does not exist: 404 on every operation.
    let missing_org = "/organizations/cotherorg0000000000000000";
    let get = |p: String| {
        let c = &c;
        async move { c.get(&p).await }
    };
    let expect = |r: &Reply, status: u16, path: &str, method: &str| {
        assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.text);
        assert_conforms(r, path, method);
    };
    let org = c.emu.organization_id();
    let dp = c.emu.workspace("Data Platform").unwrap().id;
    let analytics = c.emu.workspace("Analytics").unwrap().id;
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    let platform = c.emu.api_token("Platform automation").unwrap().id;
    let workspace_token = c.emu.api_token("Analytics reporting").unwrap().id;
    let workspace_secret = c.emu.api_token_secret(&workspace_token).unwrap();
    let legacy = c.emu.api_token("Legacy sync").unwrap().id;
    let nope = "cnosuchtoken0000000000000";

    // CreateApiToken: each scope, every field; then its errors.
    for body in [
        json!({"name": "Min", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION"}),
        json!({"name": "All", "description": "d", "role": "ORGANIZATION_OWNER",
               "scope": "ORGANIZATION", "entityId": org, "kind": "DIRECT_ACCESS",
               "tokenExpiryPeriodInDays": 3650}),
        json!({"name": "Ws", "role": "WORKSPACE_OWNER", "scope": "WORKSPACE",
               "entityId": analytics, "tokenExpiryPeriodInDays": 1}),
        json!({"name": "Dep", "role": "DEPLOYMENT_ADMIN", "scope": "DEPLOYMENT",
               "entityId": ingestion}),
    ] {
        let r = c.post(&c.org("/tokens"), &body.to_string()).await;
        expect(&r, 200, TOKENS, "post");
        assert!(r.json["token"].is_string());
    }
    for bad in [
        json!({}),
        json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "ORGANIZATION"}),
        json!({"name": "n", "role": "WORKSPACE_MEMBER", "scope": "WORKSPACE",
               "entityId": "cnope"}),
        json!({"name": "n", "role": "ORGANIZATION_MEMBER", "scope": "ORGANIZATION",
               "tokenExpiryPeriodInDays": 0}),
        json!([]),
    ] {
        expect(
            &c.post(&c.org("/tokens"), &bad.to_string()).await,
            400,
            TOKENS,
            "post",
        );
    }
    let body = r#"{"name":"n","role":"ORGANIZATION_MEMBER","scope":"ORGANIZATION"}"#;
    expect(
        &c.call_with(Method::POST, &c.org("/tokens"), None, Some(body))
            .await,
        401,
        TOKENS,
        "post",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::POST, &c.org("/tokens"), Some(token), Some(body))
                .await,
            403,
            TOKENS,
            "post",
        );
    }
    expect(
        &c.call_with(
            Method::POST,
            &format!("{missing_org}/tokens"),
            Some(&other_org),
            Some(body),
        )
        .await,
        404,
        TOKENS,
        "post",
    );
    // UpdateApiTokenRoles: every kind of role on an Organization token, a Workspace token
    // (no Organization role in the answer); then its errors.
    let every_kind = json!({"roles": [
        {"entityType": "ORGANIZATION", "entityId": org, "role": "ORGANIZATION_MEMBER"},
        {"entityType": "WORKSPACE", "entityId": dp, "role": "WORKSPACE_OWNER"},
        {"entityType": "DEPLOYMENT", "entityId": ingestion, "role": "DEPLOYMENT_ADMIN"},
        {"entityType": "DAG", "entityId": "etl", "deploymentId": ingestion, "role": "DAG_AUTHOR"},
        {"entityType": "DAG_TAG", "entityId": "eu", "deploymentId": reporting,
         "role": "DAG_VIEWER"},
    ]});
    let roles = c.org(&format!("/tokens/{platform}/roles"));
    expect(
        &c.post(&roles, &every_kind.to_string()).await,
        200,
        TOKEN_ROLES,
        "post",
    );
    let r = c
        .post(
            &c.org(&format!("/tokens/{workspace_token}/roles")),
            &json!({"roles": [{"entityType": "WORKSPACE", "entityId": analytics,
                                "role": "WORKSPACE_MEMBER"}]})
            .to_string(),
        )
        .await;
    expect(&r, 200, TOKEN_ROLES, "post");
    assert!(r.json.get("organizationRole").is_none());
    for bad in [
        json!({}),
        json!({"roles": []}),
        json!({"roles": [{"entityType": "WORKSPACE", "entityId": "cnope", "role": "X"}]}),
    ] {
        expect(
            &c.post(&roles, &bad.to_string()).await,
            400,
            TOKEN_ROLES,
            "post",
        );
    }
    let good = every_kind.to_string();
    expect(
        &c.post(&c.org(&format!("/tokens/{nope}/roles")), &good)
            .await,
        404,
        TOKEN_ROLES,
        "post",
    );
    expect(
        &c.call_with(Method::POST, &roles, None, Some(&good)).await,
        401,
        TOKEN_ROLES,
        "post",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::POST, &roles, Some(token), Some(&good))
                .await,
            403,
            TOKEN_ROLES,
            "post",
        );
    }
    // ListApiTokens: the seed and the created tokens, with every kind of role, filters,
    // a used and a rotated token; then its errors.
    let workspace_secret = c.emu.api_token_secret(&workspace_token).unwrap();
    assert_eq!(
        c.call_with(
            Method::GET,
            &c.org(&format!("/users?workspaceId={analytics}")),
            Some(&workspace_secret),
            None
        )
        .await
        .status,
        200
    );
    let r = c
        .post(&c.org(&format!("/tokens/{legacy}/rotate")), "")
        .await;
    expect(&r, 200, TOKEN_ROTATE, "post");
    assert!(r.json["token"].is_string() && r.json["lastRotatedAt"].is_string());
    for q in [
        "?limit=1000".to_string(),
        format!("?workspaceId={dp}&includeOnlyOrganizationTokens=true"),
        format!("?deploymentId={ingestion}&dagId=etl&dagTags=eu&dagTags=x&kind=STANDARD"),
        "?sorts=tokenStartAt:desc&sorts=name:asc&offset=2&limit=3".into(),
        "?offset=100".into(),
    ] {
        expect(
            &get(c.org(&format!("/tokens{q}"))).await,
            200,
            TOKENS,
            "get",
        );
    }
    expect(
        &c.call_with(
            Method::GET,
            &c.org(&format!("/tokens?workspaceId={analytics}")),
            Some(&workspace_secret),
            None,
        )
        .await,
        200,
        TOKENS,
        "get",
    );
    for q in [
        "?limit=1001",
        "?kind=X",
        "?includeOnlyOrganizationTokens=1",
        "?workspaceId=",
    ] {
        expect(
            &get(c.org(&format!("/tokens{q}"))).await,
            400,
            TOKENS,
            "get",
        );
    }
    expect(
        &get(c.org("/tokens?workspaceId=cnosuchworkspace000000000")).await,
        404,
        TOKENS,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &c.org("/tokens"), None, None)
            .await,
        401,
        TOKENS,
        "get",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::GET, &c.org("/tokens"), Some(token), None)
                .await,
            403,
            TOKENS,
            "get",
        );
    }
    // GetApiToken.
    for id in [&platform, &workspace_token, &legacy] {
        expect(
            &get(c.org(&format!("/tokens/{id}"))).await,
            200,
            TOKEN,
            "get",
        );
    }
    let path = c.org(&format!("/tokens/{platform}"));
    expect(
        &get(c.org(&format!("/tokens/{nope}"))).await,
        404,
        TOKEN,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &path, None, None).await,
        401,
        TOKEN,
        "get",
    );
    expect(
        &c.call_with(Method::GET, &path, Some(&other_org), None)
            .await,
        403,
        TOKEN,
        "get",
    );
    expect(
        &c.call_with(
            Method::GET,
            &format!("{missing_org}/tokens/{platform}"),
            Some(&other_org),
            None,
        )
        .await,
        404,
        TOKEN,
        "get",
    );
    // UpdateApiToken.
    expect(
        &c.post(&path, r#"{"name":"Renamed","description":""}"#)
            .await,
        200,
        TOKEN,
        "post",
    );
    for bad in ["{}", r#"{"name":""}"#, "7"] {
        expect(&c.post(&path, bad).await, 400, TOKEN, "post");
    }
    expect(
        &c.post(&c.org(&format!("/tokens/{nope}")), r#"{"name":"x"}"#)
            .await,
        404,
        TOKEN,
        "post",
    );
    expect(
        &c.call_with(Method::POST, &path, None, Some(r#"{"name":"x"}"#))
            .await,
        401,
        TOKEN,
        "post",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::POST, &path, Some(token), Some(r#"{"name":"x"}"#))
                .await,
            403,
            TOKEN,
            "post",
        );
    }
    // RotateApiToken's errors (its success is above).
    let rotate = c.org(&format!("/tokens/{platform}/rotate"));
    expect(
        &c.post(&c.org(&format!("/tokens/{nope}/rotate")), "").await,
        404,
        TOKEN_ROTATE,
        "post",
    );
    expect(
        &c.call_with(Method::POST, &rotate, None, None).await,
        401,
        TOKEN_ROTATE,
        "post",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::POST, &rotate, Some(token), None).await,
            403,
            TOKEN_ROTATE,
            "post",
        );
    }
    // DeleteApiToken: 204 with no body, then 404; 401, 403.
    expect(
        &c.call_with(Method::DELETE, &path, None, None).await,
        401,
        TOKEN,
        "delete",
    );
    for token in [&other_org, &workspace_secret] {
        expect(
            &c.call_with(Method::DELETE, &path, Some(token), None).await,
            403,
            TOKEN,
            "delete",
        );
    }
    assert_no_content(&c.delete(&path).await, TOKEN, "delete");
    expect(&c.delete(&path).await, 404, TOKEN, "delete");
    // A Workspace created with a token's secret names it (SERVICEKEY with apiTokenName).
    let ci = c.emu.api_token("CI deploy").unwrap().id;
    let ci_secret = c.emu.api_token_secret(&ci).unwrap();
    let r = c
        .call_with(
            Method::POST,
            &c.org("/workspaces"),
            Some(&ci_secret),
            Some(r#"{"name":"By CI"}"#),
        )
        .await;
    expect(&r, 200, WORKSPACES, "post");
    assert_eq!(r.json["createdBy"]["apiTokenName"], "CI deploy");
    // A rotated-away or deleted secret: 401 with the Error shape.
    expect(
        &c.call_with(Method::GET, &c.org("/tokens"), Some(&ci_secret), None)
            .await,
        200,
        TOKENS,
        "get",
    );
    assert_no_content(
        &c.delete(&c.org(&format!("/tokens/{ci}"))).await,
        TOKEN,
        "delete",
    );
    expect(
        &c.call_with(Method::GET, &c.org("/tokens"), Some(&ci_secret), None)
            .await,
        401,
        TOKENS,
        "get",
    );
}

#[tokio::test]
async fn role_operations_match_the_spec() {
    let c = Ctx::new().await;
    let expect = |r: &Reply, status: u16, path: &str, method: &str| {
        assert_eq!(r.status.as_u16(), status, "{method} {path}: {}", r.text);
        assert_conforms(r, path, method);
    };
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    let ingestion = c.emu.deployment("Ingestion").unwrap().id;
    let reporting = c.emu.deployment("Reporting").unwrap().id;
    let dashboards = c.emu.deployment("Dashboards").unwrap().id;
    let workspace_token = c.emu.api_token("Analytics reporting").unwrap().id;
    let deployment_token = c.emu.api_token("Loads deployer").unwrap().id;
    let loads = c.emu.deployment("Warehouse Loads").unwrap().id;

    // ListRoles: with and without the default roles, each scope filter, paging, sorts.
    for q in [
        "",
        "?includeDefaultRoles=true",
        "?includeDefaultRoles=false",
        "?includeDefaultRoles=true&scopeTypes=DEPLOYMENT",
        "?includeDefaultRoles=true&scopeTypes=DAG",
        "?includeDefaultRoles=true&scopeTypes=WORKSPACE&scopeTypes=ORGANIZATION",
        "?limit=1&offset=1&includeDefaultRoles=true",
        "?limit=0",
        "?offset=9",
        "?limit=5000&sorts=name:desc&sorts=createdAt:asc",
        "?sorts=scopeType:asc&sorts=description:desc&sorts=updatedAt:asc",
    ] {
        let r = c.get(&c.org(&format!("/roles{q}"))).await;
        expect(&r, 200, ORG_ROLES, "get");
    }
    // A user token; the second Organization, with no custom roles.
    let user = c.emu.user_token();
    let r = c
        .call_with(Method::GET, &c.org("/roles"), Some(&user), None)
        .await;
    expect(&r, 200, ORG_ROLES, "get");
    let second = c.emu.organizations()[1].id.clone();
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{second}/roles?includeDefaultRoles=true"),
            Some(&user),
            None,
        )
        .await;
    expect(&r, 200, ORG_ROLES, "get");
    assert_eq!(r.json["roles"], json!([]));
    // Its errors: 400s, 401, 403 (another Organization; Workspace and Deployment tokens), 404.
    for q in [
        "?includeDefaultRoles=maybe",
        "?scopeTypes=SYSTEM",
        "?sorts=id:asc",
        "?offset=-1",
        "?limit=x&scopeTypes=",
    ] {
        let r = c.get(&c.org(&format!("/roles{q}"))).await;
        expect(&r, 400, ORG_ROLES, "get");
    }
    expect(
        &c.call_with(Method::GET, &c.org("/roles"), None, None).await,
        401,
        ORG_ROLES,
        "get",
    );
    for token in [
        other_org.clone(),
        c.emu.api_token_secret(&workspace_token).unwrap(),
        c.emu.api_token_secret(&deployment_token).unwrap(),
    ] {
        expect(
            &c.call_with(Method::GET, &c.org("/roles"), Some(&token), None)
                .await,
            403,
            ORG_ROLES,
            "get",
        );
    }
    expect(
        &c.call_with(
            Method::GET,
            "/organizations/cotherorg0000000000000000/roles",
            Some(&other_org),
            None,
        )
        .await,
        404,
        ORG_ROLES,
        "get",
    );

    // Custom Deployment roles taken by the role operations (SubjectRoles).
    let grace = c.emu.user("grace@example.com").unwrap();
    let user_roles = c.org(&format!("/users/{}/roles", grace.id));
    let r = c
        .post(
            &user_roles,
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
                {"deploymentId": ingestion, "role": "DAG_OPERATOR_RESTRICTED"},
                {"deploymentId": reporting, "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    expect(&r, 200, ROLES, "post");
    let team = c.emu.team("Platform Team").unwrap().id;
    let team_roles = c.org(&format!("/teams/{team}/roles"));
    let r = c
        .post(
            &team_roles,
            &json!({"organizationRole": "ORGANIZATION_MEMBER", "deploymentRoles": [
                {"deploymentId": dashboards, "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    expect(&r, 200, TEAM_ROLES, "post");
    let token_roles = c.org(&format!("/tokens/{deployment_token}/roles"));
    let r = c
        .post(
            &token_roles,
            &json!({"roles": [{"entityType": "DEPLOYMENT", "entityId": loads,
                               "role": "DEPLOYMENT_VIEWER"}]})
            .to_string(),
        )
        .await;
    expect(&r, 200, TOKEN_ROLES, "post");
    let r = c
        .post(
            &c.org("/tokens"),
            &json!({"name": "Viewer", "scope": "DEPLOYMENT", "entityId": reporting,
                    "role": "DEPLOYMENT_VIEWER"})
            .to_string(),
        )
        .await;
    expect(&r, 200, TOKENS, "post");
    // And their new 400s: an unknown Deployment role, a restricted one elsewhere.
    for deployment_roles in [
        json!([{"deploymentId": ingestion, "role": "NOPE"}]),
        json!([{"deploymentId": reporting, "role": "DAG_OPERATOR_RESTRICTED"}]),
    ] {
        let body = json!({"organizationRole": "ORGANIZATION_MEMBER",
                          "deploymentRoles": deployment_roles})
        .to_string();
        let r = c.post(&user_roles, &body).await;
        expect(&r, 400, ROLES, "post");
        assert_eq!(r.json["fieldErrors"][0]["field"], "deploymentRoles[0].role");
        let r = c.post(&team_roles, &body).await;
        expect(&r, 400, TEAM_ROLES, "post");
        assert_eq!(r.json["fieldErrors"][0]["field"], "deploymentRoles[0].role");
    }
    for role in ["NOPE", "DAG_OPERATOR_RESTRICTED"] {
        let r = c
            .post(
                &c.org(&format!("/tokens/{deployment_token}/roles")),
                &json!({"roles": [{"entityType": "DEPLOYMENT", "entityId": loads,
                                   "role": "DEPLOYMENT_ADMIN"},
                                  {"entityType": "DEPLOYMENT", "entityId": dashboards,
                                   "role": role}]})
                .to_string(),
            )
            .await;
        expect(&r, 400, TOKEN_ROLES, "post");
        assert_eq!(r.json["fieldErrors"][0]["field"], "roles[1].role");
        let r = c
            .post(
                &c.org("/tokens"),
                &json!({"name": "n", "scope": "DEPLOYMENT", "entityId": dashboards,
                        "role": role})
                .to_string(),
            )
            .await;
        expect(&r, 400, TOKENS, "post");
        assert_eq!(r.json["fieldErrors"][0]["field"], "role");
    }
    // Custom roles of every scope type, one without a description, from a seed file.
    let seed = Seed::from_yaml(
        "organization: {name: Acme}\n\
         users: [{email: a@acme.test, fullName: A, role: ORGANIZATION_OWNER}]\n\
         workspaces: [{name: Ops}, {name: Lab}]\n\
         customRoles:\n\
         \x20 - {name: Plain, scopeType: DEPLOYMENT}\n\
         \x20 - {name: Two, scopeType: DEPLOYMENT, restrictedWorkspaces: [Ops, Lab]}\n\
         \x20 - {name: W, scopeType: WORKSPACE, description: w}\n\
         \x20 - {name: O, scopeType: ORGANIZATION, description: o}\n",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed(seed).unwrap()).await;
    let r = c.get(&c.org("/roles?includeDefaultRoles=true")).await;
    expect(&r, 200, ORG_ROLES, "get");
    assert_eq!(r.json["totalCount"], 4);
    assert!(r.json["roles"][0].get("description").is_none());
}

const AUDIT_LOGS: &str = "/organizations/{organizationId}/audit-logs";

/// Validates `body` against the `application/octet-stream` schema the document gives a
/// response of GetOrganizationAuditLogs (its only content type, errors included).
fn octet_violations(status: u16, body: &Value) -> Vec<String> {
    let response = &spec()["paths"][AUDIT_LOGS]["get"]["responses"][status.to_string()];
    assert!(
        response.is_object(),
        "the spec has no {status} for GetOrganizationAuditLogs"
    );
    let pointer = format!(
        "#/paths/{}/get/responses/{status}/content/{}/schema",
        escape(AUDIT_LOGS),
        escape("application/octet-stream")
    );
    let mut root = strict_spec().clone();
    root["$ref"] = json!(pointer);
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .build(&root)
        .expect("schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[tokio::test]
async fn audit_log_operation_matches_the_spec() {
    use std::io::Read;
    let c = Ctx::new().await;
    let get = |query: &str, token: Option<&str>, org: Option<&str>| {
        let url = match org {
            Some(org) => c.url(&format!("/organizations/{org}/audit-logs{query}")),
            None => c.url(&c.org(&format!("/audit-logs{query}"))),
        };
        let mut req = c.client.get(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        async move {
            let resp = req.send().await.expect("sent");
            let status = resp.status().as_u16();
            let ctype = resp
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, ctype, resp.bytes().await.expect("body").to_vec())
        }
    };
    // 200: the document's schema is an array of integers, i.e. the bytes; they are gzip,
    // and what they hold is NDJSON.
    let (status, ctype, body) = get(
        "?startDate=2026-11-30T00:00:00Z&endDate=2026-11-30T01:00:00Z",
        Some(&c.token),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(ctype.as_deref(), Some("application/octet-stream"));
    assert_eq!(&body[..2], &[0x1f, 0x8b], "gzip magic");
    let as_integers = Value::Array(body.iter().map(|b| json!(b)).collect());
    let errs = octet_violations(200, &as_integers);
    assert!(errs.is_empty(), "{errs:?}");
    assert!(
        !octet_violations(200, &json!(["x"])).is_empty(),
        "the check can fail"
    );
    let mut text = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut text)
        .expect("gzip");
    assert!(text.lines().count() >= 20, "{text}");
    for line in text.lines() {
        let event: Value = serde_json::from_str(line).expect("one JSON object a line");
        assert!(
            event["timestamp"]
                .as_str()
                .unwrap()
                .starts_with("2026-11-30T00:")
        );
    }
    // Errors: the document gives them `Error` under the same content type; the emulator sends
    // them as JSON (as every other operation), and the body follows `Error`.
    let other_org = c.emu.mint_token(TokenOptions {
        organization_id: Some("cotherorg0000000000000000".into()),
        ..Default::default()
    });
    let workspace_token = c
        .emu
        .api_token_secret(&c.emu.api_token("Analytics reporting").unwrap().id)
        .unwrap();
    for (query, token, org, status) in [
        ("?startDate=yesterday", Some(c.token.as_str()), None, 400),
        ("?startDate=2026-11-30", Some(c.token.as_str()), None, 400),
        (
            "?startDate=2026-11-30T00:00:00Z&endDate=2026-11-29T00:00:00Z",
            Some(c.token.as_str()),
            None,
            400,
        ),
        ("", None, None, 401),
        ("", Some("x.y.z"), None, 401),
        ("", Some(other_org.as_str()), None, 403),
        ("", Some(workspace_token.as_str()), None, 403),
    ] {
        let (got, ctype, body) = get(query, token, org).await;
        assert_eq!(got, status, "{query}: {}", String::from_utf8_lossy(&body));
        assert!(ctype.unwrap().contains("json"));
        let body: Value = serde_json::from_slice(&body).unwrap();
        let errs = octet_violations(status, &body);
        assert!(errs.is_empty(), "{status}: {errs:?} {body}");
    }
    // 404 (an Organization that does not exist; the document lists no 404 here): `Error`.
    let (got, _, body) = get("", Some(&other_org), Some("cotherorg0000000000000000")).await;
    assert_eq!(got, 404);
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert!(octet_violations(400, &body).is_empty(), "{body}");
}

#[tokio::test]
async fn error_bodies_of_405_404_and_501_use_the_error_schema() {
    // The spec has no 404/405 for unknown paths and methods, nor 501; their bodies still
    // follow `Error`.
    let c = Ctx::new().await;
    let error_schema = json!({"$ref": "#/components/schemas/Error"});
    let mut root = strict_spec().clone();
    root["$ref"] = error_schema["$ref"].clone();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .build(&root)
        .unwrap();
    for (r, status) in [
        c.call_with(
            Method::PATCH,
            &c.org("/users/x/roles"),
            Some(&c.token),
            None,
        )
        .await,
        c.call_with(Method::GET, "/nowhere", Some(&c.token), None)
            .await,
        // 501 for a documented operation that is not served (the document has no 501).
        c.call_with(Method::GET, &c.org("/clusters"), Some(&c.token), None)
            .await,
        c.call_with(
            Method::POST,
            &c.org("/clusters"),
            Some(&c.token),
            Some("{}"),
        )
        .await,
    ]
    .into_iter()
    .zip([405, 404, 501, 501])
    {
        assert_eq!(r.status.as_u16(), status, "{}", r.text);
        assert!(validator.is_valid(&r.json), "{}", r.text);
    }
}

#[test]
fn the_validator_rejects_drift() {
    let user = json!({
        "id": "clrep2g00000001leg1xpkbe9",
        "username": "ada@example.com",
        "fullName": "Ada Lovelace",
        "avatarUrl": "https://avatars.example.com/a.png",
        "status": "ACTIVE",
        "createdAt": "2024-01-15T09:00:00Z",
        "updatedAt": "2024-01-15T09:00:00Z",
        "organizationRole": "ORGANIZATION_OWNER",
        "workspaceRoles": [],
    });
    assert!(violations(USER, "get", 200, &user).is_empty());
    // A required field removed.
    let mut missing = user.clone();
    missing.as_object_mut().unwrap().remove("fullName");
    assert!(!violations(USER, "get", 200, &missing).is_empty());
    // A type drift.
    let mut drift = user.clone();
    drift["createdAt"] = json!(1705309200);
    assert!(!violations(USER, "get", 200, &drift).is_empty());
    // A nested required field removed (through a $ref into components).
    let mut nested = user.clone();
    nested["workspaceRoles"] = json!([{"role": "WORKSPACE_OWNER"}]);
    assert!(!violations(USER, "get", 200, &nested).is_empty());
    // A misspelled optional field.
    let mut typo = user.clone();
    typo.as_object_mut().unwrap().remove("organizationRole");
    typo["organisationRole"] = json!("ORGANIZATION_OWNER");
    assert!(!violations(USER, "get", 200, &typo).is_empty());
    // An enum drift.
    let mut role = user.clone();
    role["status"] = json!("ENABLED");
    assert!(!violations(USER, "get", 200, &role).is_empty());
    // A page without its array.
    let page = json!({"limit": 20, "offset": 0, "totalCount": 1});
    assert!(!violations(USERS, "get", 200, &page).is_empty());
    // An error body without requestId.
    let err = json!({"message": "x", "statusCode": 400});
    assert!(!violations(USERS, "get", 400, &err).is_empty());
    // A bad timestamp format.
    let mut ts = user;
    ts["updatedAt"] = json!("yesterday");
    assert!(!violations(USER, "get", 200, &ts).is_empty());
}
