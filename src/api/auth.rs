//! The OAuth side of Astro, as the Go CLI uses it: the domain's auth configuration, the
//! authorization-code flow with PKCE, token refresh, and user info. Like the API client, it
//! never prints, prompts or exits.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Deserialize;

use super::{ApiError, Tracer, bearer, execute, http_client};
use crate::secret::Token;

/// Where the auth configuration lives, under the API's host.
const AUTH_CONFIG_PATH: &[&str] = &["private", "v1alpha1", "cli", "auth-config"];

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthConfig {
    pub client_id: String,
    #[serde(default)]
    pub audience: String,
    /// The identity provider's base URL, ending in `/`.
    pub domain_url: String,
}

#[derive(Deserialize)]
pub struct TokenSet {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub expires_in: Option<u64>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSet(<redacted>)")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserInfo {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// A PKCE verifier, its S256 challenge, and a `state` value to match on the callback.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
    pub state: String,
}

impl Pkce {
    pub fn new() -> Result<Self, ApiError> {
        let verifier = random_token()?;
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        Ok(Self {
            challenge: URL_SAFE_NO_PAD.encode(digest.as_ref()),
            verifier,
            state: random_token()?,
        })
    }
}

fn random_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
        .map_err(|_| ApiError::Config("the system random generator failed".into()))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

pub struct AuthClient {
    http: reqwest::Client,
    timeout: Duration,
    tracer: Option<Tracer>,
}

impl AuthClient {
    /// A client for the identity provider of the API at `api_base`.
    pub fn new(api_base: &Url, timeout: Duration) -> Result<Self, ApiError> {
        Ok(Self {
            http: http_client(HeaderMap::new(), api_base, timeout)?,
            timeout,
            tracer: None,
        })
    }

    /// Reports every request to `tracer` (`--verbose`).
    pub fn with_tracer(mut self, tracer: Option<Tracer>) -> Self {
        self.tracer = tracer;
        self
    }

    async fn send<T: serde::de::DeserializeOwned + Send>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        let request = request
            .build()
            .map_err(|e| ApiError::from_transport(e, self.timeout))?;
        execute(&self.http, request, self.timeout, self.tracer.as_ref()).await
    }

    /// `GET <api host>/private/v1alpha1/cli/auth-config`, the host taken from the API base URL.
    pub async fn auth_config(&self, api_base: &Url) -> Result<AuthConfig, ApiError> {
        let mut url = api_base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            // The API base ends in its version (`/v1`); the auth configuration sits beside it.
            path.pop_if_empty().pop().extend(AUTH_CONFIG_PATH);
        }
        let mut config: AuthConfig = self.send(self.http.get(url)).await?;
        if !config.domain_url.ends_with('/') {
            config.domain_url.push('/');
        }
        // Codes and tokens go there: HTTPS only, or plain HTTP to this machine.
        let idp = Url::parse(&config.domain_url).map_err(|e| {
            ApiError::Config(format!("the identity provider's URL is invalid: {e}"))
        })?;
        let safe = idp.scheme() == "https"
            || (idp.scheme() == "http" && crate::settings::is_loopback(&idp));
        if !safe {
            return Err(ApiError::Config(format!(
                "refusing the identity provider at `{}`: it is not HTTPS",
                idp.origin().ascii_serialization()
            )));
        }
        Ok(config)
    }

    fn idp_url(config: &AuthConfig, path: &str) -> Result<Url, ApiError> {
        Url::parse(&config.domain_url)
            .and_then(|base| base.join(path))
            .map_err(|e| {
                ApiError::Config(format!(
                    "the auth configuration has an invalid URL `{}`: {e}",
                    config.domain_url
                ))
            })
    }

    /// The page the user opens in a browser to log in.
    pub fn authorize_url(
        config: &AuthConfig,
        redirect_uri: &str,
        pkce: &Pkce,
    ) -> Result<Url, ApiError> {
        let mut url = Self::idp_url(config, "authorize")?;
        url.query_pairs_mut()
            .append_pair("prompt", "login")
            .append_pair("audience", &config.audience)
            .append_pair("client_id", &config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", "openid profile email offline_access")
            .append_pair("response_type", "code")
            .append_pair("response_mode", "query")
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("state", &pkce.state);
        Ok(url)
    }

    async fn token_request(
        &self,
        config: &AuthConfig,
        form: &[(&str, &str)],
    ) -> Result<TokenSet, ApiError> {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        self.send(
            self.http
                .request(Method::POST, Self::idp_url(config, "oauth/token")?)
                .header(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                )
                .body(body),
        )
        .await
    }

    pub async fn exchange_code(
        &self,
        config: &AuthConfig,
        code: &str,
        pkce: &Pkce,
        redirect_uri: &str,
    ) -> Result<TokenSet, ApiError> {
        self.token_request(
            config,
            &[
                ("client_id", &config.client_id),
                ("grant_type", "authorization_code"),
                ("code", code),
                ("code_verifier", &pkce.verifier),
                ("redirect_uri", redirect_uri),
            ],
        )
        .await
    }

    pub async fn refresh(
        &self,
        config: &AuthConfig,
        refresh_token: &Token,
    ) -> Result<TokenSet, ApiError> {
        self.token_request(
            config,
            &[
                ("client_id", &config.client_id),
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
        )
        .await
    }

    pub async fn user_info(
        &self,
        config: &AuthConfig,
        access_token: &Token,
    ) -> Result<UserInfo, ApiError> {
        self.send(
            self.http
                .get(Self::idp_url(config, "userinfo")?)
                .header(AUTHORIZATION, bearer(access_token)?),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_is_the_s256_of_the_verifier() {
        let pkce = Pkce::new().unwrap();
        assert_eq!(pkce.verifier.len(), 43);
        let digest = ring::digest::digest(&ring::digest::SHA256, pkce.verifier.as_bytes());
        assert_eq!(pkce.challenge, URL_SAFE_NO_PAD.encode(digest.as_ref()));
        assert_ne!(pkce.state, Pkce::new().unwrap().state);
    }

    #[test]
    fn authorize_url_carries_the_pkce_and_redirect() {
        let config = AuthConfig {
            client_id: "cid".into(),
            audience: "aud".into(),
            domain_url: "https://auth.example.com/".into(),
        };
        let pkce = Pkce::new().unwrap();
        let url =
            AuthClient::authorize_url(&config, "http://localhost:12345/callback", &pkce).unwrap();
        assert!(
            url.as_str()
                .starts_with("https://auth.example.com/authorize?")
        );
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["code_challenge"], pkce.challenge);
        assert_eq!(pairs["code_challenge_method"], "S256");
        assert_eq!(pairs["redirect_uri"], "http://localhost:12345/callback");
        assert_eq!(pairs["state"], pkce.state);
        assert_eq!(pairs["client_id"], "cid");
    }
}
