//! Reads the claims of an Astro API token without verifying it: its Organization (the
//! `permissions` entry `organizationId:<id>`) and its expiry. The server does the verifying.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct Claims {
    /// `None` for a user's login token (OAuth): only API tokens carry permissions.
    #[serde(default)]
    pub permissions: Option<Vec<String>>,
    pub exp: Option<f64>,
    /// The subject: the user (login tokens) or the token's own ID (API tokens).
    #[serde(default)]
    pub sub: Option<String>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the API token is not a JWT (expected three dot-separated parts)")]
    Shape,
    #[error("the API token's payload is not valid base64url")]
    Encoding,
    #[error("the API token's payload is not a JSON object of claims")]
    Payload,
}

impl Claims {
    pub fn parse(token: &str) -> Result<Self, JwtError> {
        let mut parts = token.split('.');
        let (Some(_header), Some(payload), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JwtError::Shape);
        };
        if payload.is_empty() {
            return Err(JwtError::Shape);
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| JwtError::Encoding)?;
        serde_json::from_slice(&bytes).map_err(|_| JwtError::Payload)
    }

    /// The first `organizationId:<id>` permission, as the reference CLI reads it.
    pub fn organization_id(&self) -> Option<&str> {
        self.permission("organizationId:")
    }

    /// The first `workspaceId:<id>` permission (a Workspace API token's Workspace).
    pub fn workspace_id(&self) -> Option<&str> {
        self.permission("workspaceId:")
    }

    fn permission(&self, prefix: &str) -> Option<&str> {
        self.permissions
            .iter()
            .flatten()
            .find_map(|p| p.strip_prefix(prefix))
            .filter(|id| !id.is_empty())
    }

    /// A user's login token (from `astro login` in a browser), not an API token.
    pub fn is_login(&self) -> bool {
        self.permissions.is_none()
    }

    pub fn is_expired(&self, now_unix: u64) -> bool {
        self.exp.is_some_and(|exp| exp <= now_unix as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn reads_organization_and_expiry() {
        let claims = Claims::parse(&token(
            r#"{"permissions":["workspaceId:w1","organizationId:corg"],"exp":100,"org_id":"other"}"#,
        ))
        .unwrap();
        assert_eq!(claims.organization_id(), Some("corg"));
        assert_eq!(claims.workspace_id(), Some("w1"));
        assert!(!claims.is_login());
        assert!(claims.is_expired(100));
        assert!(!claims.is_expired(99));
    }

    #[test]
    fn no_exp_never_expires() {
        let claims = Claims::parse(&token(r#"{"permissions":[]}"#)).unwrap();
        assert_eq!(claims.organization_id(), None);
        assert!(Claims::parse(&token(r#"{"sub":"u1"}"#)).unwrap().is_login());
        assert!(!claims.is_expired(u64::MAX));
    }

    #[test]
    fn rejects_malformed() {
        assert_eq!(Claims::parse("abc").unwrap_err(), JwtError::Shape);
        assert_eq!(Claims::parse("a..c").unwrap_err(), JwtError::Shape);
        assert_eq!(Claims::parse("a.!!!.c").unwrap_err(), JwtError::Encoding);
        assert_eq!(
            Claims::parse(&token("[1,2]")).unwrap_err(),
            JwtError::Payload
        );
        assert_eq!(Claims::parse("a.b.c.d").unwrap_err(), JwtError::Shape);
    }
}
