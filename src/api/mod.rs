//! The Astro v1 REST API client: builds URLs and headers, sends requests, decodes responses
//! into typed values and typed errors. It never prints, prompts or exits.

pub mod auth;
mod error;
mod types;

pub use error::{ApiError, FieldError};
pub use types::{Invite, Organization, SubjectRoles, User, Workspace};

use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::env_vars;
use crate::secret::Token;
use types::{HasId, OrganizationsPage, Paged, UsersPage};

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
        headers.insert(AUTHORIZATION, bearer(token)?);
        Ok(Self {
            http: http_client(headers, timeout)?,
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
        decode(response, self.timeout).await
    }

    fn transport(&self, err: reqwest::Error) -> ApiError {
        ApiError::from_transport(err, self.timeout)
    }

    /// One page of a listing, in an explicit total order so that pages fetched side by side
    /// are consistent.
    async fn page<P: Paged>(
        &self,
        segments: &[&str],
        sorts: &[&str],
        limit: usize,
        offset: usize,
    ) -> Result<P, ApiError> {
        let mut query = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
        query.extend(sorts.iter().map(|s| ("sorts", (*s).to_owned())));
        self.send(Method::GET, self.url(segments), &query, None::<&()>)
            .await
    }

    /// Every item of a listing: one page of the largest size, then, once the total is known,
    /// the remaining pages concurrently. Cost: two round trips at any size.
    async fn list_all<P: Paged>(
        &self,
        segments: &[&str],
        sorts: &[&str],
    ) -> Result<Vec<P::Item>, ApiError> {
        let first: P = self.page(segments, sorts, MAX_PAGE, 0).await?;
        let total = first.total();
        let mut items = first.into_items();
        if total > items.len() && !items.is_empty() {
            let offsets = (1..total.div_ceil(MAX_PAGE)).map(|page| page * MAX_PAGE);
            let pages: Vec<P> = stream::iter(offsets)
                .map(|offset| self.page(segments, sorts, MAX_PAGE, offset))
                .buffered(PAGE_CONCURRENCY)
                .try_collect()
                .await?;
            items.extend(pages.into_iter().flat_map(Paged::into_items));
        }
        // An item added or removed while paging can shift another across a page boundary.
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        items.retain(|item| seen.insert(item.id().to_owned()));
        Ok(items)
    }

    /// Every member of the Organization.
    pub async fn list_all_users(&self, organization_id: &str) -> Result<Vec<User>, ApiError> {
        self.list_all::<UsersPage>(
            &["organizations", organization_id, "users"],
            &["createdAt:asc", "id:asc"],
        )
        .await
    }

    /// Every Organization the token can see.
    pub async fn list_all_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        self.list_all::<OrganizationsPage>(&["organizations"], &["name:asc", "createdAt:asc"])
            .await
    }

    pub async fn get_organization(&self, organization_id: &str) -> Result<Organization, ApiError> {
        let url = self.url(&["organizations", organization_id]);
        self.send(Method::GET, url, &[], None::<&()>).await
    }

    pub async fn get_workspace(
        &self,
        organization_id: &str,
        workspace_id: &str,
    ) -> Result<Workspace, ApiError> {
        let url = self.url(&["organizations", organization_id, "workspaces", workspace_id]);
        self.send(Method::GET, url, &[], None::<&()>).await
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
        let body = Body {
            organization_role: role,
        };
        self.send(Method::POST, url, &[], Some(&body)).await
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
        let body = Body {
            invitee_email: email,
            role,
        };
        self.send(Method::POST, url, &[], Some(&body)).await
    }
}

/// Reads a response: the decoded body on success, the server's error otherwise.
pub(crate) async fn decode<T: DeserializeOwned>(
    response: reqwest::Response,
    timeout: Duration,
) -> Result<T, ApiError> {
    let status = response.status();
    let request_id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ApiError::from_transport(e, timeout))?;
    if status.is_success() {
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Decode {
            status: status.as_u16(),
            detail: e.to_string(),
        })
    } else {
        Err(ApiError::from_status(status.as_u16(), &bytes, request_id))
    }
}

/// An `Authorization: Bearer …` value, marked sensitive so it is never logged.
pub(crate) fn bearer(token: &Token) -> Result<HeaderValue, ApiError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        ApiError::Config("the token contains characters not allowed in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// A reqwest client with our identifying headers plus `extra`, and the timeouts.
pub(crate) fn http_client(
    extra: HeaderMap,
    timeout: Duration,
) -> Result<reqwest::Client, ApiError> {
    let mut headers = extra;
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
    // The platform's roots where the machine has them; bundled roots where it has none (a bare
    // container), so a client can always be built.
    match builder().build() {
        Ok(http) => Ok(http),
        Err(_) => builder()
            .tls_backend_preconfigured(bundled_roots_config())
            .build()
            .map_err(|e| ApiError::Config(format!("cannot set up HTTPS: {e}"))),
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
