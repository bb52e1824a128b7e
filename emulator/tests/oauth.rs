//! The emulated identity provider (auth config, authorize with PKCE, token exchange,
//! refresh rotation, user info), user (OAuth) tokens across several Organizations, the
//! access-token TTL, and the multi-Organization seed.

mod common;

use std::time::Duration;

use astro_emulator::{Emulator, Fault, FaultKind, OAUTH_CLIENT_ID, TokenOptions};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{Ctx, assert_error};
use reqwest::Method;
use serde_json::Value;

/// The default seed's second Organization, pinned (deterministic).
const SECOND_ORG_ID: &str = "clron08w0000002capw1rcli2";

/// A client that does not follow redirects (to see the IdP's 302 itself).
fn no_redirects() -> reqwest::Client {
    common::client_builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn root(c: &Ctx) -> String {
    format!("http://{}", c.emu.addr())
}

fn s256(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The claims of a JWT-shaped token.
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// A query value from a URL (percent-decoded, `+` kept).
fn query_value(url: &str, key: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then(|| {
            let bytes = v.as_bytes();
            let mut out = vec![];
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i] == b'%' {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        })
    })
}

struct Authorize<'a> {
    client_id: &'a str,
    redirect_uri: &'a str,
    challenge: String,
    method: &'a str,
    response_type: &'a str,
    state: &'a str,
}

impl Authorize<'_> {
    fn new(verifier: &str) -> Authorize<'static> {
        Authorize {
            client_id: OAUTH_CLIENT_ID,
            redirect_uri: "http://localhost:54321/callback",
            challenge: s256(verifier),
            method: "S256",
            response_type: "code",
            state: "st ate/+&=",
        }
    }

    fn query(&self) -> String {
        form(&[
            ("prompt", "login"),
            ("audience", astro_emulator::OAUTH_AUDIENCE),
            ("client_id", self.client_id),
            ("redirect_uri", self.redirect_uri),
            ("scope", "openid profile email offline_access"),
            ("response_type", self.response_type),
            ("response_mode", "query"),
            ("code_challenge", &self.challenge),
            ("code_challenge_method", self.method),
            ("state", self.state),
        ])
    }
}

struct Answer {
    status: u16,
    location: Option<String>,
    json: Value,
}

async fn authorize(c: &Ctx, query: &str) -> Answer {
    let r = no_redirects()
        .get(format!("{}/auth/authorize?{query}", root(c)))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let text = r.text().await.unwrap();
    Answer {
        status,
        location,
        json: serde_json::from_str(&text).unwrap_or(Value::Null),
    }
}

/// Runs authorize and returns the code from the redirect (checking the state came back).
async fn code_for(c: &Ctx, verifier: &str) -> String {
    let a = Authorize::new(verifier);
    let r = authorize(c, &a.query()).await;
    assert_eq!(r.status, 302, "{}", r.json);
    let location = r.location.unwrap();
    assert!(
        location.starts_with("http://localhost:54321/callback?code="),
        "{location}"
    );
    assert_eq!(query_value(&location, "state").as_deref(), Some(a.state));
    query_value(&location, "code").unwrap()
}

async fn token_request(c: &Ctx, body: &str) -> (u16, Value) {
    let r = common::client()
        .post(format!("{}/auth/oauth/token", root(c)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn exchange(c: &Ctx, code: &str, verifier: &str) -> (u16, Value) {
    token_request(
        c,
        &form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", "http://localhost:54321/callback"),
        ]),
    )
    .await
}

async fn refresh(c: &Ctx, refresh_token: &str) -> (u16, Value) {
    token_request(
        c,
        &form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ]),
    )
    .await
}

async fn userinfo(c: &Ctx, token: Option<&str>) -> (u16, Value) {
    let mut req = common::client().get(format!("{}/auth/userinfo", root(c)));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn assert_oauth_error(status: u16, body: &Value, want_status: u16, error: &str) -> String {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error"], error, "{body}");
    let d = body["error_description"].as_str().unwrap().to_string();
    assert!(!d.is_empty());
    d
}

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

#[tokio::test]
async fn auth_config_points_at_the_identity_provider() {
    let c = Ctx::new().await;
    let r = reqwest::get(format!("{}/private/v1alpha1/cli/auth-config", root(&c)))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let json: Value = r.json().await.unwrap();
    assert_eq!(json["clientId"], OAUTH_CLIENT_ID);
    assert_eq!(json["audience"], astro_emulator::OAUTH_AUDIENCE);
    let domain = json["domainUrl"].as_str().unwrap();
    assert_eq!(domain, format!("http://{}/auth/", c.emu.addr()));
    assert_eq!(domain, c.emu.idp_url());
}

#[tokio::test]
async fn the_whole_pkce_flow_and_its_failures() {
    let c = Ctx::new().await;

    // A wrong verifier is refused, and uses the code up.
    let code = code_for(&c, VERIFIER).await;
    let (s, body) = exchange(&c, &code, "not-the-verifier-at-all-not-the-verifier-at").await;
    let d = assert_oauth_error(s, &body, 403, "invalid_grant");
    assert!(d.contains("verifier"), "{d}");
    let (s, body) = exchange(&c, &code, VERIFIER).await;
    assert_oauth_error(s, &body, 403, "invalid_grant");

    // The right verifier: tokens.
    let code = code_for(&c, VERIFIER).await;
    let (s, tokens) = exchange(&c, &code, VERIFIER).await;
    assert_eq!(s, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["scope"], "openid profile email offline_access");
    assert_eq!(tokens["expires_in"], 86_400);
    assert!(!tokens["refresh_token"].as_str().unwrap().is_empty());
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["email"], "ada@example.com");
    assert_eq!(id["aud"], OAUTH_CLIENT_ID);
    let access = tokens["access_token"].as_str().unwrap();
    let at = claims(access);
    let ada = c.emu.user("ada@example.com").unwrap();
    assert_eq!(at["sub"], ada.id.as_str());
    assert!(at.get("permissions").is_none(), "{at}");
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        86_400
    );

    // A code works once.
    let (s, body) = exchange(&c, &code, VERIFIER).await;
    let d = assert_oauth_error(s, &body, 403, "invalid_grant");
    assert!(d.contains("already used"), "{d}");

    // The access token: user info, and the API.
    let (s, info) = userinfo(&c, Some(access)).await;
    assert_eq!(s, 200, "{info}");
    assert_eq!(info["sub"], ada.id.as_str());
    assert_eq!(info["email"], "ada@example.com");
    assert_eq!(info["name"], "Ada Lovelace");
    assert_eq!(info["email_verified"], true);
    let orgs = c
        .call_with(Method::GET, "/organizations", Some(access), None)
        .await;
    assert_eq!(orgs.status, 200);
    assert_eq!(orgs.json["totalCount"], 2);

    // Another redirect_uri or client than the authorization request's: refused.
    let code = code_for(&c, VERIFIER).await;
    let (s, body) = token_request(
        &c,
        &form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", "http://localhost:1/callback"),
        ]),
    )
    .await;
    assert_oauth_error(s, &body, 403, "invalid_grant");
    let code = code_for(&c, VERIFIER).await;
    let (s, body) = token_request(
        &c,
        &form(&[
            ("client_id", "someone-else"),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", VERIFIER),
            ("redirect_uri", "http://localhost:54321/callback"),
        ]),
    )
    .await;
    assert_oauth_error(s, &body, 403, "invalid_grant");
    // An unknown code.
    let (s, body) = exchange(&c, "forged", VERIFIER).await;
    assert_oauth_error(s, &body, 403, "invalid_grant");

    // Malformed requests: 400.
    let (s, body) = token_request(
        &c,
        &form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", "x"),
        ]),
    )
    .await;
    assert_oauth_error(s, &body, 400, "invalid_request");
    let (s, body) = token_request(&c, "client_id=x").await;
    assert_oauth_error(s, &body, 400, "invalid_request");
    let (s, body) = token_request(&c, "grant_type=password&username=a&password=b").await;
    assert_oauth_error(s, &body, 400, "unsupported_grant_type");

    // User info needs a valid OAuth access token.
    let (s, body) = userinfo(&c, None).await;
    assert_oauth_error(s, &body, 401, "invalid_token");
    let (s, body) = userinfo(&c, Some("a.b.c")).await;
    assert_oauth_error(s, &body, 401, "invalid_token");
    let (s, body) = userinfo(&c, Some(&c.token)).await;
    assert_oauth_error(s, &body, 401, "invalid_token");

    // The token endpoint also takes JSON (as Auth0 does).
    let code = code_for(&c, VERIFIER).await;
    let r = common::client()
        .post(format!("{}/auth/oauth/token", root(&c)))
        .json(&serde_json::json!({
            "client_id": OAUTH_CLIENT_ID,
            "grant_type": "authorization_code",
            "code": code,
            "code_verifier": VERIFIER,
            "redirect_uri": "http://localhost:54321/callback",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn authorize_validates_and_never_redirects_a_bad_request() {
    let c = Ctx::new().await;
    let ok = Authorize::new(VERIFIER);
    let cases: Vec<(&str, Authorize)> = vec![
        (
            "redirect_uri",
            Authorize {
                redirect_uri: "https://evil.example/callback",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "redirect_uri",
            Authorize {
                redirect_uri: "http://localhost:54321/elsewhere",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "redirect_uri",
            Authorize {
                redirect_uri: "http://localhost:80@evil.example/callback",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "client",
            Authorize {
                client_id: "someone-else",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "response_type",
            Authorize {
                response_type: "token",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "S256",
            Authorize {
                method: "plain",
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "code_challenge",
            Authorize {
                challenge: String::new(),
                ..Authorize::new(VERIFIER)
            },
        ),
        (
            "state",
            Authorize {
                state: "",
                ..Authorize::new(VERIFIER)
            },
        ),
    ];
    for (what, a) in cases {
        let r = authorize(&c, &a.query()).await;
        assert_eq!(r.status, 400, "{what}: {}", r.json);
        assert!(r.location.is_none(), "{what}");
        assert_eq!(r.json["error"], "invalid_request", "{what}");
        let d = r.json["error_description"].as_str().unwrap();
        assert!(d.contains(what), "{what}: {d}");
    }
    // 127.0.0.1 is a loopback callback too.
    let r = authorize(
        &c,
        &Authorize {
            redirect_uri: "http://127.0.0.1:9/callback",
            ..ok
        }
        .query(),
    )
    .await;
    assert_eq!(r.status, 302);
    assert!(
        r.location
            .unwrap()
            .starts_with("http://127.0.0.1:9/callback?code=")
    );
    // Other methods: 405.
    let r = common::client()
        .post(format!("{}/auth/authorize", root(&c)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn refresh_tokens_rotate() {
    let c = Ctx::new().await;
    let code = code_for(&c, VERIFIER).await;
    let (_, first) = exchange(&c, &code, VERIFIER).await;
    let old_refresh = first["refresh_token"].as_str().unwrap();
    let old_access = first["access_token"].as_str().unwrap();

    let (s, second) = refresh(&c, old_refresh).await;
    assert_eq!(s, 200, "{second}");
    let new_access = second["access_token"].as_str().unwrap();
    let new_refresh = second["refresh_token"].as_str().unwrap();
    // Within the same second too: the jti differs.
    assert_ne!(new_access, old_access);
    assert_ne!(new_refresh, old_refresh);
    assert_eq!(second["expires_in"], 86_400);
    assert!(claims(new_access)["exp"].as_i64() >= claims(old_access)["exp"].as_i64());
    assert_eq!(claims(new_access)["sub"], claims(old_access)["sub"]);

    // The old refresh token is spent.
    let (s, body) = refresh(&c, old_refresh).await;
    let d = assert_oauth_error(s, &body, 403, "invalid_grant");
    assert_eq!(d, "Unknown or invalid refresh token.");
    let (s, body) = refresh(&c, "never-issued").await;
    assert_oauth_error(s, &body, 403, "invalid_grant");

    // The new access token works on the API; the new refresh token once more.
    let me = c
        .call_with(Method::GET, "/users/self", Some(new_access), None)
        .await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(me.json["username"], "ada@example.com");
    let (s, third) = refresh(&c, new_refresh).await;
    assert_eq!(s, 200, "{third}");

    // Malformed refresh requests.
    let (s, body) = token_request(&c, "grant_type=refresh_token&refresh_token=x").await;
    assert_oauth_error(s, &body, 400, "invalid_request");
    let (s, body) = token_request(
        &c,
        &form(&[
            ("client_id", "someone-else"),
            ("grant_type", "refresh_token"),
            ("refresh_token", third["refresh_token"].as_str().unwrap()),
        ]),
    )
    .await;
    assert_oauth_error(s, &body, 403, "invalid_grant");
}

#[tokio::test]
async fn a_user_token_spans_the_users_organizations() {
    let c = Ctx::new().await;
    let orgs = c.emu.organizations();
    assert_eq!(orgs.len(), 2);
    assert_eq!(orgs[0].id, "clremxa80000001cav49uda0p");
    assert_eq!(orgs[0].name, "Example Org");
    assert_eq!(orgs[1].id, SECOND_ORG_ID);
    assert_eq!(orgs[1].name, "Second Org");
    let user = c.emu.user_token();
    assert!(claims(&user).get("permissions").is_none());
    assert_ne!(user, c.emu.user_token());
    let get = |path: String, token: String| {
        let c = &c;
        async move { c.call_with(Method::GET, &path, Some(&token), None).await }
    };

    let r = get("/organizations".into(), user.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["totalCount"], 2);
    let names = |r: &common::Reply| -> Vec<String> {
        r.json["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&r), ["Example Org", "Second Org"]);
    let r = get("/organizations?sorts=name:desc".into(), user.clone()).await;
    assert_eq!(names(&r), ["Second Org", "Example Org"]);
    let r = get("/organizations?sorts=name:asc".into(), user.clone()).await;
    assert_eq!(names(&r), ["Example Org", "Second Org"]);
    let r = get("/organizations?sorts=createdAt:desc".into(), user.clone()).await;
    assert_eq!(names(&r), ["Second Org", "Example Org"]);
    let r = get("/organizations?limit=1&offset=1".into(), user.clone()).await;
    assert_eq!(names(&r), ["Second Org"]);
    assert_eq!(r.json["totalCount"], 2);
    assert_eq!(r.json["limit"], 1);
    assert_eq!(r.json["offset"], 1);
    let r = get("/organizations?offset=2".into(), user.clone()).await;
    assert_eq!(names(&r), Vec::<String>::new());
    assert_eq!(r.json["totalCount"], 2);
    let r = get("/organizations?product=HYBRID".into(), user.clone()).await;
    assert_eq!(r.json["totalCount"], 0);
    let r = get("/organizations?sorts=id:asc".into(), user.clone()).await;
    assert_error(&r, 400);

    // Every operation works in both; ada is the same person (same ID) in both.
    let ada = c.emu.user("ada@example.com").unwrap();
    for org in &orgs {
        let r = get(format!("/organizations/{}", org.id), user.clone()).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json["name"], org.name.as_str());
        let r = get(format!("/organizations/{}/users", org.id), user.clone()).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json["users"][0]["id"], ada.id.as_str());
        assert_eq!(r.json["users"][0]["organizationRole"], "ORGANIZATION_OWNER");
        let r = get(
            format!("/organizations/{}/workspaces", org.id),
            user.clone(),
        )
        .await;
        assert_eq!(r.status, 200);
    }
    let r = get(
        format!("/organizations/{SECOND_ORG_ID}/users"),
        user.clone(),
    )
    .await;
    let emails: Vec<&str> = r.json["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ada@example.com", "margaret@example.com"]);
    let r = get(
        format!("/organizations/{SECOND_ORG_ID}/workspaces"),
        user.clone(),
    )
    .await;
    assert_eq!(r.json["workspaces"][0]["name"], "Engines");
    assert_eq!(r.json["workspaces"][0]["organizationId"], SECOND_ORG_ID);
    // An invite in Second Org lands there only.
    let r = c
        .call_with(
            Method::POST,
            &format!("/organizations/{SECOND_ORG_ID}/invites"),
            Some(&user),
            Some(r#"{"inviteeEmail":"new@example.com","role":"ORGANIZATION_MEMBER"}"#),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["organizationId"], SECOND_ORG_ID);
    assert!(c.emu.user("new@example.com").is_none());
    // Any other Organization: 403.
    let r = get(
        "/organizations/cotherorg0000000000000000".into(),
        user.clone(),
    )
    .await;
    assert_error(&r, 403);
    // GetSelfUser: ada, with her role in each Organization.
    let r = get("/users/self".into(), user.clone()).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json["id"], ada.id.as_str());
    let org_scopes: Vec<&str> = r.json["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["scope"]["type"] == "ORGANIZATION")
        .map(|r| r["scope"]["entityId"].as_str().unwrap())
        .collect();
    assert_eq!(org_scopes, [orgs[0].id.as_str(), SECOND_ORG_ID]);

    // The API token sees only Example Org.
    let r = c.get("/organizations").await;
    assert_eq!(r.json["totalCount"], 1);
    assert_eq!(names(&r), ["Example Org"]);
    for path in ["", "/users", "/workspaces", "/teams"] {
        let r = c
            .get(&format!("/organizations/{SECOND_ORG_ID}{path}"))
            .await;
        assert_error(&r, 403);
    }
    // A token minted for Second Org covers it (and only it).
    let second = c.emu.mint_token(TokenOptions {
        organization_id: Some(SECOND_ORG_ID.into()),
        ..Default::default()
    });
    let r = get("/organizations".into(), second.clone()).await;
    assert_eq!(names(&r), ["Second Org"]);
    let r = get(c.org(""), second).await;
    assert_error(&r, 403);

    // The control path mints user tokens too.
    let r = common::client()
        .post(format!("{}/_emulator/user-token", root(&c)))
        .send()
        .await
        .unwrap();
    let token = r.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = get("/organizations".into(), token).await;
    assert_eq!(r.json["totalCount"], 2);
}

#[tokio::test]
async fn the_access_token_ttl_sets_exp_and_expires_in() {
    let c = Ctx::with(Emulator::builder().access_token_ttl(Duration::from_secs(60))).await;
    let user = claims(&c.emu.user_token());
    assert_eq!(
        user["exp"].as_i64().unwrap() - user["iat"].as_i64().unwrap(),
        60
    );
    let code = code_for(&c, VERIFIER).await;
    let (_, tokens) = exchange(&c, &code, VERIFIER).await;
    assert_eq!(tokens["expires_in"], 60);
    let at = claims(tokens["access_token"].as_str().unwrap());
    assert_eq!(
        at["exp"].as_i64().unwrap() - at["iat"].as_i64().unwrap(),
        60
    );
    let (_, renewed) = refresh(&c, tokens["refresh_token"].as_str().unwrap()).await;
    assert_eq!(renewed["expires_in"], 60);

    // A zero TTL: tokens expired from the start.
    let c = Ctx::with(Emulator::builder().access_token_ttl(Duration::ZERO)).await;
    let r = c
        .call_with(
            Method::GET,
            "/organizations",
            Some(&c.emu.user_token()),
            None,
        )
        .await;
    assert!(assert_error(&r, 401).contains("expired"));
}

#[tokio::test]
async fn identity_provider_requests_are_logged_delayed_and_faulted() {
    let c = Ctx::new().await;
    let code = code_for(&c, VERIFIER).await;
    let (_, tokens) = exchange(&c, &code, VERIFIER).await;
    userinfo(&c, tokens["access_token"].as_str()).await;
    let log = c.emu.requests();
    let paths: Vec<(&str, &str, u16)> = log
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.status))
        .collect();
    assert_eq!(
        paths,
        [
            ("GET", "/auth/authorize", 302),
            ("POST", "/auth/oauth/token", 200),
            ("GET", "/auth/userinfo", 200),
        ]
    );
    assert!(
        log[0]
            .query
            .as_deref()
            .unwrap()
            .contains("code_challenge_method=S256")
    );
    let body = log[1].body.as_deref().unwrap();
    assert!(
        body.contains("grant_type=authorization_code") && body.contains("code_verifier="),
        "{body}"
    );

    // A scripted answer on the token endpoint, once.
    c.emu.inject(
        Fault::new(FaultKind::RawBody {
            status: 403,
            body: r#"{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}"#
                .into(),
        })
        .method("POST")
        .path("/auth/oauth/token"),
    );
    let refresh_token = tokens["refresh_token"].as_str().unwrap();
    let (s, body) = refresh(&c, refresh_token).await;
    assert_oauth_error(s, &body, 403, "invalid_grant");
    // The faulted request did not reach the IdP: the refresh token still works.
    let (s, _) = refresh(&c, refresh_token).await;
    assert_eq!(s, 200);
    let faulted = c
        .emu
        .requests()
        .into_iter()
        .filter(|r| r.path == "/auth/oauth/token" && r.status == 403)
        .count();
    assert_eq!(faulted, 1);

    // A 503 on auth-config and a dropped connection on the token endpoint.
    c.emu.inject(
        Fault::new(FaultKind::Status {
            status: 503,
            retry_after: None,
        })
        .path("/private/**"),
    );
    let r = reqwest::get(format!("{}/private/v1alpha1/cli/auth-config", root(&c)))
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    c.emu
        .inject(Fault::new(FaultKind::DropConnection).path("/auth/oauth/token"));
    let r = common::client()
        .post(format!("{}/auth/oauth/token", root(&c)))
        .body("grant_type=refresh_token")
        .send()
        .await;
    assert!(r.is_err());

    // Latency applies too.
    let c = Ctx::with(Emulator::builder().latency(Duration::from_millis(150))).await;
    let started = std::time::Instant::now();
    let r = reqwest::get(format!("{}/private/v1alpha1/cli/auth-config", root(&c)))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn a_seed_file_can_hold_several_organizations() {
    let dir = std::env::temp_dir().join(format!("astro-emu-orgs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("orgs.yaml");
    std::fs::write(
        &path,
        "organizations:
  - name: Alpha
    id: calpha0000000000000000000
    users:
      - {email: boss@alpha.test, fullName: Boss, role: ORGANIZATION_OWNER}
      - {email: dev@alpha.test, fullName: Dev, role: ORGANIZATION_MEMBER}
    workspaces: [{name: Ops}]
    teams: [{name: Core, members: [dev@alpha.test], workspaceRoles: [{workspace: Ops, role: WORKSPACE_AUTHOR}]}]
  - name: Beta
    users:
      - {email: Boss@Alpha.test, fullName: Boss, role: ORGANIZATION_MEMBER}
      - {email: pending@beta.test, fullName: P, role: ORGANIZATION_MEMBER, status: PENDING}
",
    )
    .unwrap();
    let c = Ctx::with(Emulator::builder().seed_file(&path).unwrap().users(3)).await;
    let orgs = c.emu.organizations();
    assert_eq!(
        orgs.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(),
        ["Alpha", "Beta"]
    );
    assert_eq!(orgs[0].id, "calpha0000000000000000000");
    assert_eq!(c.emu.organization_id(), orgs[0].id);
    // `users(N)` adds to the first Organization only.
    assert_eq!(c.emu.user_count(), 5);
    assert_eq!(c.emu.team_members("Core").unwrap(), ["dev@alpha.test"]);
    let user = c.emu.user_token();
    let r = c
        .call_with(Method::GET, "/organizations", Some(&user), None)
        .await;
    assert_eq!(r.json["totalCount"], 2);
    let r = c
        .call_with(
            Method::GET,
            &format!("/organizations/{}/users", orgs[1].id),
            Some(&user),
            None,
        )
        .await;
    assert_eq!(r.json["totalCount"], 2);
    // Same email (any case): same person, same ID.
    assert_eq!(
        r.json["users"][0]["id"],
        c.emu.user("boss@alpha.test").unwrap().id.as_str()
    );

    // The single form and the list combine; the single form comes first.
    let both = dir.join("both.json");
    std::fs::write(
        &both,
        r#"{"organization":{"name":"One"},"users":[{"email":"a@one.test","fullName":"A","role":"ORGANIZATION_OWNER"}],
           "organizations":[{"name":"Two","users":[{"email":"b@two.test","fullName":"B","role":"ORGANIZATION_OWNER"}]}]}"#,
    )
    .unwrap();
    let emu = Emulator::builder()
        .seed_file(&both)
        .unwrap()
        .start()
        .await
        .unwrap();
    let orgs = emu.organizations();
    assert_eq!(orgs[0].name, "One");
    assert_eq!(orgs[1].name, "Two");
    assert_ne!(orgs[0].id, orgs[1].id);

    // Invalid multi-Organization seeds.
    for (text, needle) in [
        (
            r#"{"users":[{"email":"a@b.test","fullName":"A","role":"ORGANIZATION_OWNER"}]}"#,
            "organization",
        ),
        (
            r#"{"organizations":[{"name":"X","users":[]}]}"#,
            "organizations[0].users",
        ),
        (
            r#"{"organizations":[{"name":"X","users":[{"email":"a@b.test","fullName":"A","role":"KING"}]}]}"#,
            "organizations[0].users[0].role",
        ),
        (
            r#"{"organizations":[{"name":"X","id":"cx","users":[{"email":"a@b.test","fullName":"A","role":"ORGANIZATION_OWNER"}]},
                                 {"name":"Y","id":"cx","users":[{"email":"a@b.test","fullName":"A","role":"ORGANIZATION_OWNER"}]}]}"#,
            "appears twice",
        ),
        (
            r#"{"organizations":[{"name":"X","users":[{"email":"a@b.test","fullName":"A","role":"ORGANIZATION_OWNER","workspaceRoles":[{"workspace":"Nope","role":"WORKSPACE_MEMBER"}]}]}]}"#,
            "Nope",
        ),
        (
            r#"{"organization":{"name":"X","users":[{"email":"a@b.test","fullName":"A","role":"ORGANIZATION_OWNER"}]}}"#,
            "top level",
        ),
        (r#"{}"#, "organization"),
    ] {
        let bad = dir.join("bad.json");
        std::fs::write(&bad, text).unwrap();
        let err = Emulator::builder().seed_file(&bad).unwrap_err().to_string();
        assert!(err.contains(needle), "{needle}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
