//! The Astro v1 REST API client: builds URLs and headers, sends requests, decodes responses
//! into typed values and typed errors. It never prints, prompts or exits.

mod error;
mod types;

pub use error::{ApiError, FieldError};
pub use types::{Invite, SubjectRoles, User, UsersPage};

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::env_vars;
use crate::secret::Token;

/// The largest page the API serves.
pub const MAX_PAGE: usize = 1000;
/// How many further pages of a listing are fetched at once.
const PAGE_CONCURRENCY: usize = 8;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Client {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
}

impl Client {
    pub fn new(base: Url, token: &Token, timeout: Duration) -> Result<Self, ApiError> {
        let mut headers = HeaderMap::new();
        let mut auth =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                ApiError::Config(
                    "the API token contains characters not allowed in an HTTP header".into(),
                )
            })?;
        auth.set_sensitive(true);
        headers.insert(AUTHORIZATION, auth);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let identifier = if env_vars::get(env_vars::GITHUB_ACTIONS).as_deref() == Some("true") {
            "github-action"
        } else {
            "cli"
        };
        headers.insert(
            "X-Astro-Client-Identifier",
            HeaderValue::from_static(identifier),
        );
        headers.insert(
            "X-Astro-Client-Version",
            HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
        );
        if let Ok(os) = HeaderValue::from_str(&os_identifier()) {
            headers.insert("X-Client-Os-Identifier", os);
        }
        let builder = || {
            reqwest::Client::builder()
                .user_agent(concat!("astro-cli-rs/", env!("CARGO_PKG_VERSION")))
                .default_headers(headers.clone())
                .connect_timeout(CONNECT_TIMEOUT.min(timeout))
                .timeout(timeout)
        };
        install_crypto_provider();
        // The platform's roots where the machine has them; bundled roots where it has none
        // (a bare container), so the client can always be built.
        let http = match builder().build() {
            Ok(http) => http,
            Err(_) => builder()
                .tls_backend_preconfigured(bundled_roots_config())
                .build()
                .map_err(|e| ApiError::Config(format!("cannot set up HTTPS: {e}")))?,
        };
        Ok(Self {
            http,
            base,
            timeout,
        })
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ApiError> {
        let mut request = self.http.request(method, url);
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| self.transport(e))?;
        let status = response.status();
        let request_id = response
            .headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = response.bytes().await.map_err(|e| self.transport(e))?;
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode {
                status: status.as_u16(),
                detail: e.to_string(),
            })
        } else {
            Err(ApiError::from_status(status.as_u16(), &bytes, request_id))
        }
    }

    fn transport(&self, err: reqwest::Error) -> ApiError {
        ApiError::from_transport(err, self.timeout)
    }

    pub async fn list_users_page(
        &self,
        organization_id: &str,
        limit: usize,
        offset: usize,
    ) -> Result<UsersPage, ApiError> {
        let url = self.url(&["organizations", organization_id, "users"]);
        let query = [
            ("limit", limit.to_string()),
            ("offset", offset.to_string()),
            // An explicit, total order keeps pages fetched side by side consistent.
            ("sorts", "createdAt:asc".to_owned()),
            ("sorts", "id:asc".to_owned()),
        ];
        self.send(Method::GET, url, &query, None::<&()>).await
    }

    /// Every member of the Organization: one page of the largest size, then, once the total
    /// is known, the remaining pages concurrently. Cost: two round trips at any size.
    pub async fn list_all_users(&self, organization_id: &str) -> Result<Vec<User>, ApiError> {
        let first = self.list_users_page(organization_id, MAX_PAGE, 0).await?;
        let total = first.total_count;
        let mut users = first.users;
        if total > users.len() && !users.is_empty() {
            let offsets = (1..total.div_ceil(MAX_PAGE)).map(|page| page * MAX_PAGE);
            let pages: Vec<UsersPage> = stream::iter(offsets)
                .map(|offset| self.list_users_page(organization_id, MAX_PAGE, offset))
                .buffered(PAGE_CONCURRENCY)
                .try_collect()
                .await?;
            users.extend(pages.into_iter().flat_map(|p| p.users));
        }
        // A member added or removed while paging can shift a row across a page boundary.
        let mut seen = std::collections::HashSet::with_capacity(users.len());
        users.retain(|u| seen.insert(u.id.clone()));
        Ok(users)
    }

    pub async fn get_user(&self, organization_id: &str, user_id: &str) -> Result<User, ApiError> {
        let url = self.url(&["organizations", organization_id, "users", user_id]);
        self.send(Method::GET, url, &[], None::<&()>).await
    }

    /// Changes only the Organization role: the body carries no Workspace or Deployment
    /// lists, so those roles are left as they are on the server.
    pub async fn update_organization_role(
        &self,
        organization_id: &str,
        user_id: &str,
        role: &str,
    ) -> Result<SubjectRoles, ApiError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            organization_role: &'a str,
        }
        let url = self.url(&["organizations", organization_id, "users", user_id, "roles"]);
        self.send(
            Method::POST,
            url,
            &[],
            Some(&Body {
                organization_role: role,
            }),
        )
        .await
    }

    pub async fn create_invite(
        &self,
        organization_id: &str,
        email: &str,
        role: &str,
    ) -> Result<Invite, ApiError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            invitee_email: &'a str,
            role: &'a str,
        }
        let url = self.url(&["organizations", organization_id, "invites"]);
        self.send(
            Method::POST,
            url,
            &[],
            Some(&Body {
                invitee_email: email,
                role,
            }),
        )
        .await
    }
}

/// The Go CLI's `<os>-<arch>` naming, e.g. `linux-amd64`.
fn os_identifier() -> String {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        other => other,
    };
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    format!("{os}-{arch}")
}

fn install_crypto_provider() {
    // Fails only when a provider is already installed, which is what we want either way.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn bundled_roots_config() -> rustls::ClientConfig {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_escaped() {
        let token = Token::new("a.b.c").unwrap();
        let client = Client::new(
            Url::parse("http://127.0.0.1:1/v1").unwrap(),
            &token,
            Duration::from_secs(30),
        )
        .unwrap();
        assert_eq!(
            client.url(&["organizations", "a/../b?x", "users"]).as_str(),
            "http://127.0.0.1:1/v1/organizations/a%2F..%2Fb%3Fx/users"
        );
    }

    #[test]
    fn os_identifier_uses_go_names() {
        let id = os_identifier();
        assert!(!id.contains("x86_64") && !id.contains("macos"), "{id}");
    }
}
