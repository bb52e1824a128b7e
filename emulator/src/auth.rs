//! Bearer tokens: minting JWT-shaped tokens, either API tokens
//! (`permissions: ["organizationId:<id>", …]`) or user (OAuth) tokens (no `permissions`: they
//! cover every Organization their user belongs to), remembering them, and checking a
//! request's `Authorization` header against them. The secrets of the API tokens the API
//! manages (CreateApiToken, RotateApiToken, seeded ones) are minted here too; whether such a
//! secret is still the token's current value is the model's to say (see `api::authorize`).

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::util::{SplitMix64, fnv1a, now_unix};

/// The API token (as the API manages it) a secret belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRef {
    pub organization_id: String,
    pub token_id: String,
}

/// What a minted token says. Every field is optional; the defaults give a token like
/// [`crate::EmulatorHandle::token`]'s (the seed Organization, its owner, never expiring).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TokenOptions {
    /// The Organization the token covers (any string: it need not exist).
    pub organization_id: Option<String>,
    /// An extra `workspaceId:<id>` permission.
    pub workspace_id: Option<String>,
    /// `exp`, Unix seconds; may be in the past (an expired token). `None`: never expires.
    pub expires_at: Option<i64>,
    /// `sub`, the user ID; default the seed's first user.
    pub subject: Option<String>,
}

/// The claims the emulator reads from a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    pub sub: String,
    pub exp: Option<i64>,
    /// `None` for a user (OAuth) token: it has no `permissions` claim.
    pub permissions: Option<Vec<String>>,
    /// Set for the secret of an API token the API manages (created, rotated or seeded):
    /// the token it belongs to. `None` for the emulator's own tokens and user tokens.
    pub api_token: Option<ApiTokenRef>,
}

impl Claims {
    /// For an API token: whether its permissions include `organizationId:<org>`.
    /// For a user token: `None` (membership decides).
    pub fn covers_organization(&self, org: &str) -> Option<bool> {
        self.permissions.as_ref().map(|ps| {
            ps.iter()
                .any(|p| p.strip_prefix("organizationId:") == Some(org))
        })
    }

    /// Whether this is a user (OAuth) token.
    pub fn is_user_token(&self) -> bool {
        self.permissions.is_none()
    }
}

/// A JWT-shaped token for a payload: `base64url(header).base64url(payload).base64url(sig)`.
/// The signature is not a real one: 32 bytes derived from the signed text.
pub fn jwt(payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(payload.to_string());
    let mut rng = SplitMix64(fnv1a(format!("{header}.{body}").as_bytes()));
    let sig: Vec<u8> = (0..4).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
    format!("{header}.{body}.{}", URL_SAFE_NO_PAD.encode(sig))
}

/// Why a token was refused (always a 401).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unauthorized(pub &'static str);

/// The tokens this emulator minted.
#[derive(Debug, Default)]
pub struct TokenStore {
    minted: HashMap<String, Claims>,
    counter: u64,
}

impl TokenStore {
    /// Mints and remembers a token.
    pub fn mint(&mut self, opts: &TokenOptions, default_org: &str, default_sub: &str) -> String {
        self.counter += 1;
        let sub = opts
            .subject
            .clone()
            .unwrap_or_else(|| default_sub.to_string());
        let org = opts
            .organization_id
            .clone()
            .unwrap_or_else(|| default_org.to_string());
        let mut permissions = vec![format!("organizationId:{org}")];
        if let Some(w) = &opts.workspace_id {
            permissions.push(format!("workspaceId:{w}"));
        }
        let mut payload = json!({
            "iss": "astro-emulator",
            "sub": sub,
            "iat": now_unix(),
            "jti": format!("t{}", self.counter),
            "permissions": permissions,
        });
        if let Some(exp) = opts.expires_at {
            payload["exp"] = json!(exp);
        }
        // Tokens are trusted because the emulator remembers them, not for their signature.
        let token = jwt(&payload);
        self.minted.insert(
            token.clone(),
            Claims {
                sub,
                exp: opts.expires_at,
                permissions: Some(permissions),
                api_token: None,
            },
        );
        token
    }

    /// Mints and remembers a user (OAuth) access token: `sub`, `iat`, `exp`, a unique `jti`,
    /// the audience and issuer given, and no `permissions`.
    pub fn mint_user(&mut self, sub: &str, exp: i64, audience: &str, issuer: &str) -> String {
        self.counter += 1;
        let payload = json!({
            "iss": issuer,
            "sub": sub,
            "aud": [audience, format!("{issuer}userinfo")],
            "iat": now_unix(),
            "exp": exp,
            "jti": format!("u{}", self.counter),
            "scope": "openid profile email offline_access",
        });
        let token = jwt(&payload);
        self.minted.insert(
            token.clone(),
            Claims {
                sub: sub.to_string(),
                exp: Some(exp),
                permissions: None,
                api_token: None,
            },
        );
        token
    }

    /// Mints and remembers a secret for an API token the API manages: `sub` the token's
    /// ID, `iat`, `exp` (its `endAt`, when it expires), a random `jti`, and `permissions`
    /// `apiTokenId:<id>`, `organizationId:<org>` and, for a narrower scope,
    /// `workspaceId:<id>` or `deploymentId:<id>`. Returns the secret and its `jti`, which
    /// serves as the token's `shortToken` (it identifies the value without revealing it).
    pub fn mint_api_token(
        &mut self,
        token: &ApiTokenRef,
        scope_permission: Option<String>,
        iat: i64,
        exp: Option<i64>,
    ) -> (String, String) {
        self.counter += 1;
        let jti = fresh_jti(self.counter);
        let mut permissions = vec![
            format!("apiTokenId:{}", token.token_id),
            format!("organizationId:{}", token.organization_id),
        ];
        permissions.extend(scope_permission);
        let mut payload = json!({
            "iss": "astro-emulator",
            "sub": token.token_id,
            "iat": iat,
            "jti": jti,
            "permissions": permissions,
        });
        if let Some(exp) = exp {
            payload["exp"] = json!(exp);
        }
        let secret = jwt(&payload);
        self.minted.insert(
            secret.clone(),
            Claims {
                sub: token.token_id.clone(),
                exp,
                permissions: Some(permissions),
                api_token: Some(token.clone()),
            },
        );
        (secret, jti)
    }

    /// Checks an `Authorization` header value: present, Bearer, JWT-shaped, minted here,
    /// not expired.
    pub fn check(&self, header: Option<&str>) -> Result<Claims, Unauthorized> {
        let header = header.ok_or(Unauthorized("missing Authorization header"))?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(Unauthorized("Authorization header is not a Bearer token"))?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Unauthorized("Authorization header is not a Bearer token"));
        }
        let token = token.trim();
        decode(token).ok_or(Unauthorized("malformed token"))?;
        let claims = self
            .minted
            .get(token)
            .cloned()
            .ok_or(Unauthorized("unknown token"))?;
        if claims.exp.is_some_and(|exp| exp <= now_unix()) {
            return Err(Unauthorized("token expired"));
        }
        Ok(claims)
    }
}

/// 12 characters of base64url: 9 bytes from the system's generator (a counter-seeded PRNG
/// as fallback, so two values of one run still differ), the counter mixed in.
fn fresh_jti(counter: u64) -> String {
    let mut bytes = [0u8; 9];
    if ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes).is_err() {
        let mut rng = SplitMix64(fnv1a(&now_unix().to_le_bytes()) ^ counter);
        bytes[..8].copy_from_slice(&rng.next_u64().to_le_bytes());
        bytes[8] = rng.next_u64() as u8;
    }
    for (b, c) in bytes.iter_mut().zip(counter.to_le_bytes()) {
        *b ^= c;
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a JWT-shaped token's claims without checking its signature.
pub fn decode(token: &str) -> Option<Claims> {
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.is_empty() || s.is_empty() {
        return None;
    }
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(h).ok()?).ok()?;
    header.as_object()?;
    URL_SAFE_NO_PAD.decode(s).ok()?;
    let payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).ok()?).ok()?;
    Some(Claims {
        sub: payload.get("sub")?.as_str()?.to_string(),
        exp: payload.get("exp").and_then(Value::as_i64),
        permissions: match payload.get("permissions") {
            None => None,
            Some(p) => Some(
                p.as_array()?
                    .iter()
                    .filter_map(|p| p.as_str().map(str::to_string))
                    .collect(),
            ),
        },
        api_token: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mints_and_checks() {
        let mut store = TokenStore::default();
        let t = store.mint(&TokenOptions::default(), "corg", "cuser");
        let c = store.check(Some(&format!("Bearer {t}"))).unwrap();
        assert_eq!(c.covers_organization("corg"), Some(true));
        assert_eq!(c.covers_organization("cother"), Some(false));
        assert_eq!(c.sub, "cuser");
        let u = store.mint_user("cuser", now_unix() + 60, "aud", "http://idp/");
        let uc = store.check(Some(&format!("Bearer {u}"))).unwrap();
        assert!(uc.is_user_token());
        assert_eq!(uc.covers_organization("corg"), None);
        assert_eq!(decode(&u).unwrap().permissions, None);
        assert_ne!(
            u,
            store.mint_user("cuser", now_unix() + 60, "aud", "http://idp/")
        );
        assert_eq!(
            store.check(None).unwrap_err().0,
            "missing Authorization header"
        );
        assert!(store.check(Some(&format!("Basic {t}"))).is_err());
        assert_eq!(
            store.check(Some("Bearer abc")).unwrap_err().0,
            "malformed token"
        );
        let expired = store.mint(
            &TokenOptions {
                expires_at: Some(1),
                ..Default::default()
            },
            "corg",
            "cuser",
        );
        assert_eq!(
            store
                .check(Some(&format!("Bearer {expired}")))
                .unwrap_err()
                .0,
            "token expired"
        );
        let other = TokenStore::default().mint(
            &TokenOptions {
                subject: Some("someone".into()),
                ..Default::default()
            },
            "corg",
            "cuser",
        );
        assert_eq!(
            store.check(Some(&format!("Bearer {other}"))).unwrap_err().0,
            "unknown token"
        );
    }
}
