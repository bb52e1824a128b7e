//! The identity provider, as Astro's CLI finds and uses it: the CLI auth configuration,
//! the OAuth 2.0 authorization-code flow with PKCE (the seed owner is taken to be logged in
//! at the IdP already and to consent), refresh-token rotation and user info.
//!
//! Paths sit outside `/v1`: `GET /private/v1alpha1/cli/auth-config`, `GET /auth/authorize`,
//! `POST /auth/oauth/token`, `GET /auth/userinfo`. Errors are OAuth-shaped
//! (`{"error", "error_description"}`), not the v1 error body.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use crate::api::{S, Shared, json_response, lock, not_allowed};
use crate::auth::jwt;
use crate::util::{SplitMix64, fnv1a, now_unix, parse_query};

/// The OAuth client ID the auth configuration announces and the IdP accepts.
pub const CLIENT_ID: &str = "astro-emulator-cli";
/// The audience the auth configuration announces (put in access tokens' `aud`).
pub const AUDIENCE: &str = "astronomer-ee";
/// The scope granted (whatever was asked).
pub const SCOPE: &str = "openid profile email offline_access";
/// How long an authorization code can be redeemed.
pub const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// An issued authorization code, until it is redeemed (or tried).
#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    sub: String,
    issued: Instant,
}

/// Codes and refresh tokens in circulation.
#[derive(Debug, Default)]
pub struct IdpState {
    codes: HashMap<String, CodeGrant>,
    /// Refresh token → the user it was issued to.
    refresh: HashMap<String, String>,
    counter: u64,
}

/// Why a token request was refused: `(status, error, error_description)`.
type Refusal = (StatusCode, &'static str, String);

fn invalid_grant(description: impl Into<String>) -> Refusal {
    (StatusCode::FORBIDDEN, "invalid_grant", description.into())
}

/// base64url-no-pad(SHA-256(verifier)), the S256 code challenge.
pub fn s256(verifier: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    URL_SAFE_NO_PAD.encode(digest.as_ref())
}

impl IdpState {
    /// A fresh opaque value (32 random bytes, base64url): from the system's generator,
    /// with a counter-seeded PRNG as fallback; never repeats either way.
    fn fresh(&mut self) -> String {
        self.counter += 1;
        let mut bytes = [0u8; 32];
        if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
            let mut rng = SplitMix64(fnv1a(&now_unix().to_le_bytes()) ^ self.counter);
            for chunk in bytes.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
            }
        }
        // The counter makes values unique even if the generator were not.
        bytes[..8].copy_from_slice(&self.counter.to_le_bytes());
        URL_SAFE_NO_PAD.encode(bytes)
    }

    /// Issues a one-time authorization code.
    fn issue_code(
        &mut self,
        client_id: &str,
        redirect_uri: &str,
        challenge: &str,
        sub: &str,
    ) -> String {
        let code = self.fresh();
        self.codes.insert(
            code.clone(),
            CodeGrant {
                client_id: client_id.into(),
                redirect_uri: redirect_uri.into(),
                challenge: challenge.into(),
                sub: sub.into(),
                issued: Instant::now(),
            },
        );
        code
    }

    /// Redeems a code: it is used up by this attempt whatever the outcome. Returns the user.
    fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
        now: Instant,
    ) -> Result<String, Refusal> {
        let grant = self.codes.remove(code).ok_or_else(|| {
            invalid_grant("Invalid authorization code (unknown or already used).")
        })?;
        if now.saturating_duration_since(grant.issued) > CODE_LIFETIME {
            return Err(invalid_grant("The authorization code has expired."));
        }
        if grant.client_id != client_id {
            return Err(invalid_grant(
                "The authorization code was issued to another client.",
            ));
        }
        if grant.redirect_uri != redirect_uri {
            return Err(invalid_grant(
                "redirect_uri does not match the one of the authorization request.",
            ));
        }
        if s256(verifier) != grant.challenge {
            return Err(invalid_grant(
                "Failed to verify code verifier (PKCE: its S256 is not the code_challenge).",
            ));
        }
        Ok(grant.sub)
    }

    /// Issues a refresh token for a user.
    fn issue_refresh(&mut self, sub: &str) -> String {
        let token = self.fresh();
        self.refresh.insert(token.clone(), sub.into());
        token
    }

    /// Uses up a refresh token (rotation); returns its user.
    fn take_refresh(&mut self, token: &str) -> Result<String, Refusal> {
        self.refresh
            .remove(token)
            .ok_or_else(|| invalid_grant("Unknown or invalid refresh token."))
    }
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    let mut r = json_response(
        status,
        &json!({"error": error, "error_description": description}),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

fn refusal(r: Refusal) -> Response {
    oauth_error(r.0, r.1, &r.2)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `http://localhost:<port>/callback` or `http://127.0.0.1:<port>/callback`, port 1..=65535.
pub fn is_loopback_callback(uri: &str) -> bool {
    let Some(rest) = uri
        .strip_prefix("http://localhost:")
        .or_else(|| uri.strip_prefix("http://127.0.0.1:"))
    else {
        return false;
    };
    let Some((port, path)) = rest.split_once('/') else {
        return false;
    };
    !port.is_empty()
        && port.len() <= 5
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u16>().is_ok_and(|p| p != 0)
        && path == "callback"
}

/// Parameters of a query or form body (the first value of each key).
struct Params(Vec<(String, String)>);

impl Params {
    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }
}

async fn auth_config(State(sh): S) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"clientId": CLIENT_ID, "audience": AUDIENCE, "domainUrl": sh.idp_base()}),
    )
}

async fn authorize(State(sh): S, RawQuery(q): RawQuery) -> Response {
    let p = Params(parse_query(q.as_deref()));
    let bad = |d: &str| oauth_error(StatusCode::BAD_REQUEST, "invalid_request", d);
    let Some(client_id) = p.get("client_id") else {
        return bad("Missing required parameter: client_id");
    };
    if client_id != CLIENT_ID {
        return bad(&format!("Unknown client: {client_id}"));
    }
    match p.get("response_type") {
        Some("code") => {}
        Some(other) => {
            return bad(&format!(
                "Unsupported response_type {other:?}: only \"code\" is supported"
            ));
        }
        None => return bad("Missing required parameter: response_type"),
    }
    let Some(challenge) = p.get("code_challenge") else {
        return bad("Missing required parameter: code_challenge (PKCE is required)");
    };
    match p.get("code_challenge_method") {
        Some("S256") => {}
        other => {
            return bad(&format!(
                "code_challenge_method must be S256, got {}",
                other.unwrap_or("nothing")
            ));
        }
    }
    let Some(redirect_uri) = p.get("redirect_uri") else {
        return bad("Missing required parameter: redirect_uri");
    };
    if !is_loopback_callback(redirect_uri) {
        return bad(&format!(
            "redirect_uri {redirect_uri:?} is not allowed: only http://localhost:<port>/callback \
             or http://127.0.0.1:<port>/callback"
        ));
    }
    let Some(state) = p.get("state") else {
        return bad("Missing required parameter: state");
    };
    let code = lock(&sh.idp).issue_code(client_id, redirect_uri, challenge, &sh.owner_id);
    let location = format!(
        "{redirect_uri}?code={}&state={}",
        percent_encode(&code),
        percent_encode(state)
    );
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The user's email and name, from the first Organization that has them.
fn profile(sh: &Shared, sub: &str) -> Option<(String, String)> {
    let world = lock(&sh.data);
    world
        .orgs
        .iter()
        .find_map(|d| d.user(sub))
        .map(|u| (u.username.clone(), u.full_name.clone()))
}

/// A successful token response for a user: new access, refresh and ID tokens.
fn token_response(sh: &Shared, sub: &str) -> Response {
    let access_token = sh.mint_user_token(sub);
    let refresh_token = lock(&sh.idp).issue_refresh(sub);
    let (email, name) = profile(sh, sub).unwrap_or_default();
    let now = now_unix();
    let ttl = sh.access_token_ttl.as_secs();
    let id_token = jwt(&json!({
        "iss": sh.idp_base(),
        "sub": sub,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now.saturating_add(ttl as i64),
        "email": email,
        "email_verified": true,
        "name": name,
    }));
    let mut r = json_response(
        StatusCode::OK,
        &json!({
            "access_token": access_token,
            "refresh_token": refresh_token,
            "id_token": id_token,
            "scope": SCOPE,
            "expires_in": ttl,
            "token_type": "Bearer",
        }),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// The token request's parameters: a form body, or a JSON object of strings.
fn token_params(headers: &HeaderMap, body: &Bytes) -> Result<Params, Refusal> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"));
    let malformed = |d: &str| (StatusCode::BAD_REQUEST, "invalid_request", d.to_string());
    if is_json {
        let v: Value =
            serde_json::from_slice(body).map_err(|_| malformed("The body is not JSON."))?;
        let m = v
            .as_object()
            .ok_or_else(|| malformed("The body is not a JSON object."))?;
        Ok(Params(
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect(),
        ))
    } else {
        let text = std::str::from_utf8(body).map_err(|_| malformed("The body is not UTF-8."))?;
        Ok(Params(parse_query(Some(text))))
    }
}

async fn token(State(sh): S, headers: HeaderMap, body: Bytes) -> Response {
    let p = match token_params(&headers, &body) {
        Ok(p) => p,
        Err(r) => return refusal(r),
    };
    let missing = |name: &str| {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Missing required parameter: {name}"),
        )
    };
    let Some(grant_type) = p.get("grant_type") else {
        return missing("grant_type");
    };
    match grant_type {
        "authorization_code" => {
            for name in ["client_id", "code", "code_verifier", "redirect_uri"] {
                if p.get(name).is_none() {
                    return missing(name);
                }
            }
            let get = |k| p.get(k).unwrap_or_default();
            let redeemed = lock(&sh.idp).redeem_code(
                get("code"),
                get("client_id"),
                get("redirect_uri"),
                get("code_verifier"),
                Instant::now(),
            );
            match redeemed {
                Ok(sub) => token_response(&sh, &sub),
                Err(r) => refusal(r),
            }
        }
        "refresh_token" => {
            for name in ["client_id", "refresh_token"] {
                if p.get(name).is_none() {
                    return missing(name);
                }
            }
            if p.get("client_id") != Some(CLIENT_ID) {
                return refusal(invalid_grant("Unknown client_id."));
            }
            let taken = lock(&sh.idp).take_refresh(p.get("refresh_token").unwrap_or_default());
            match taken {
                Ok(sub) => token_response(&sh, &sub),
                Err(r) => refusal(r),
            }
        }
        other => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Unsupported grant type {other:?}: use authorization_code or refresh_token"),
        ),
    }
}

async fn userinfo(State(sh): S, headers: HeaderMap) -> Response {
    let unauthorized = |d: &str| {
        let mut r = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", d);
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        r
    };
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let claims = match lock(&sh.tokens).check(value) {
        Ok(c) => c,
        Err(e) => return unauthorized(e.0),
    };
    if !claims.is_user_token() {
        return unauthorized("not an OAuth access token (an API token has no user info)");
    }
    match profile(&sh, &claims.sub) {
        Some((email, name)) => json_response(
            StatusCode::OK,
            &json!({"sub": claims.sub, "email": email, "name": name, "email_verified": true}),
        ),
        None => unauthorized("the token's subject is not a known user"),
    }
}

/// The IdP's routes, merged into the main router.
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/private/v1alpha1/cli/auth-config",
            get(auth_config).fallback(|| async { not_allowed("GET") }),
        )
        .route(
            "/auth/authorize",
            get(authorize).fallback(|| async { not_allowed("GET") }),
        )
        .route(
            "/auth/oauth/token",
            post(token).fallback(|| async { not_allowed("POST") }),
        )
        .route(
            "/auth/userinfo",
            get(userinfo).fallback(|| async { not_allowed("GET") }),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_callbacks_only() {
        assert!(is_loopback_callback("http://localhost:12345/callback"));
        assert!(is_loopback_callback("http://127.0.0.1:1/callback"));
        assert!(!is_loopback_callback("http://localhost:0/callback"));
        assert!(!is_loopback_callback("http://localhost:65536/callback"));
        assert!(!is_loopback_callback("http://localhost:+80/callback"));
        assert!(!is_loopback_callback("http://localhost/callback"));
        assert!(!is_loopback_callback("https://localhost:80/callback"));
        assert!(!is_loopback_callback("http://evil.example:80/callback"));
        assert!(!is_loopback_callback("http://localhost:80/callback/x"));
        assert!(!is_loopback_callback(
            "http://localhost:80@evil.example/callback"
        ));
    }

    #[test]
    fn codes_are_single_use_and_expire() {
        let mut idp = IdpState::default();
        let verifier = "v".repeat(43);
        let challenge = s256(&verifier);
        let cb = "http://localhost:9/callback";
        let code = idp.issue_code(CLIENT_ID, cb, &challenge, "cuser");
        let later = Instant::now() + CODE_LIFETIME + Duration::from_secs(1);
        let err = idp
            .redeem_code(&code, CLIENT_ID, cb, &verifier, later)
            .unwrap_err();
        assert!(err.2.contains("expired"), "{err:?}");
        let code = idp.issue_code(CLIENT_ID, cb, &challenge, "cuser");
        assert_eq!(
            idp.redeem_code(&code, CLIENT_ID, cb, &verifier, Instant::now())
                .unwrap(),
            "cuser"
        );
        assert!(
            idp.redeem_code(&code, CLIENT_ID, cb, &verifier, Instant::now())
                .is_err()
        );
        let code = idp.issue_code(CLIENT_ID, cb, &challenge, "cuser");
        let err = idp
            .redeem_code(
                &code,
                CLIENT_ID,
                "http://localhost:8/callback",
                &verifier,
                Instant::now(),
            )
            .unwrap_err();
        assert_eq!(err.0, StatusCode::FORBIDDEN);
        assert_ne!(idp.fresh(), idp.fresh());
    }

    #[test]
    fn encodes_state() {
        assert_eq!(percent_encode("a b&c=d/é~"), "a%20b%26c%3Dd%2F%C3%A9~");
    }
}
