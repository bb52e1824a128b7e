//! The Astro v1 REST API client: builds URLs and headers, sends requests, decodes responses
//! into typed values and typed errors. It never prints, prompts or exits.

mod audit_logs;
pub mod auth;
mod error;
mod raw;
mod team_members;
mod types;

pub use audit_logs::Download;
pub use error::{ApiError, FieldError};
pub use raw::{Preview, RawRequest, RawResponse};
pub use team_members::Added;
pub use types::{
    ApiToken, ApiTokenRole, DagRole, Deployment, DeploymentRole, Invite, Organization, Profile,
    RoleInfo, RoleListing, SelfUser, SubjectRoles, Team, TeamMember, User, Workspace,
    WorkspaceRole,
};

use std::future::Future;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{StreamExt, TryStreamExt, stream};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;

use types::RolesPage;

use crate::env_vars;
use crate::secret::Token;
use types::{
    ApiTokensPage, DeploymentsPage, HasId, OrganizationsPage, Paged, TeamMembersPage, TeamsPage,
    UsersPage, WorkspacesPage,
};

/// The largest page the API serves.
pub const MAX_PAGE: usize = 1000;
/// The largest response body read (a 1,000-user page is about 400 KB).
const MAX_BODY: usize = 64 << 20;
/// The most pages one listing reads (10 million items at full pages).
const MAX_PAGES: usize = 10_000;
/// How many further pages of a listing are fetched at once: enough that an Organization of up
/// to 65,000 members costs two sequential round trips (a 429 from a burst is retried).
const PAGE_CONCURRENCY: usize = 64;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Client {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
    tracer: Option<Tracer>,
}

/// What the client tells a tracer about each request (`--verbose`): never a header or a body,
/// so never the token.
#[derive(Debug)]
pub enum TraceEvent<'a> {
    /// A response arrived (any status).
    Response {
        method: &'a Method,
        url: &'a Url,
        status: u16,
        elapsed: Duration,
        request_id: Option<&'a str>,
    },
    /// No usable response: a connection, TLS or timeout failure, or an unreadable body.
    Failed {
        method: &'a Method,
        url: &'a Url,
        elapsed: Duration,
        error: &'a ApiError,
    },
    /// The request will be sent again after `wait`.
    Retry {
        wait: Duration,
        next_attempt: u32,
        of: u32,
    },
}

/// Receives [`TraceEvent`]s; the command layer decides how to show them.
pub type Tracer = std::sync::Arc<dyn Fn(&TraceEvent<'_>) + Send + Sync>;

impl Client {
    pub fn new(base: Url, token: &Token, timeout: Duration) -> Result<Self, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, bearer(token)?);
        Ok(Self {
            http: http_client(headers, &base, timeout)?,
            base,
            timeout,
            tracer: None,
        })
    }

    /// Reports every request to `tracer`.
    pub fn with_tracer(mut self, tracer: Option<Tracer>) -> Self {
        self.tracer = tracer;
        self
    }

    fn trace(&self, event: TraceEvent<'_>) {
        if let Some(tracer) = &self.tracer {
            tracer(&event);
        }
    }

    /// Waits before another attempt, saying so to the tracer.
    async fn back_off(&self, error: &ApiError, attempt: u32) {
        let wait = retry_delay(error, attempt);
        self.trace(TraceEvent::Retry {
            wait,
            next_attempt: attempt + 1,
            of: MAX_ATTEMPTS,
        });
        tokio::time::sleep(wait).await;
    }

    fn url(&self, segments: &[&str]) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    /// Sends a request that is safe to repeat (a read, or setting a role), retrying transient
    /// failures with backoff.
    async fn send<T: DeserializeOwned + Send>(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ApiError> {
        self.retrying(|| self.send_once(method.clone(), url.clone(), query, body))
            .await
    }

    /// Runs `once` until it succeeds, fails for good, or has been tried `MAX_ATTEMPTS` times,
    /// backing off between transient failures.
    async fn retrying<T, Fut>(&self, mut once: impl FnMut() -> Fut) -> Result<T, ApiError>
    where
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut attempt = 1;
        loop {
            match once().await {
                Err(e) if attempt < MAX_ATTEMPTS && e.is_transient() => {
                    self.back_off(&e, attempt).await;
                    attempt += 1;
                }
                result => return result.map_err(|e| e.after_attempts(attempt)),
            }
        }
    }

    async fn send_once<T: DeserializeOwned + Send>(
        &self,
        method: Method,
        url: Url,
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ApiError> {
        let mut request = self.http.request(method.clone(), url.clone());
        if !query.is_empty() {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let request = request.build().map_err(|e| self.transport(e))?;
        execute(&self.http, request, self.timeout, self.tracer.as_ref()).await
    }

    fn transport(&self, err: reqwest::Error) -> ApiError {
        ApiError::from_transport(err, self.timeout)
    }

    /// One page of a listing, in an explicit total order so that pages fetched side by side
    /// are consistent. Array parameters go as repeated keys (`sorts=a&sorts=b`).
    async fn page<P: Paged>(
        &self,
        listing: &Listing<'_>,
        limit: usize,
        offset: usize,
    ) -> Result<P, ApiError> {
        let mut query = vec![("limit", limit.to_string()), ("offset", offset.to_string())];
        query.extend(listing.filters.iter().map(|(k, v)| (*k, v.clone())));
        query.extend(listing.sorts.iter().map(|s| ("sorts", (*s).to_owned())));
        self.send(Method::GET, self.url(listing.segments), &query, None::<&()>)
            .await
    }

    /// Every item of a listing: one page of the largest size, then, once the total is known,
    /// the remaining pages concurrently. Cost: two round trips at any size.
    async fn list_all<P: Paged>(&self, listing: Listing<'_>) -> Result<Vec<P::Item>, ApiError> {
        if env_vars::get(env_vars::PAGING).as_deref() == Some("reference") {
            return self.list_sequentially::<P>(&listing).await;
        }
        let listing = &listing;
        let first: P = self.page(listing, MAX_PAGE, 0).await?;
        let total = first.total();
        let mut items = first.into_items();
        // Step by the page size the server really gave, and never ask for more pages than a
        // sane total needs; if the pages do not add up, fall back to reading on until done.
        let step = items.len();
        if total > step && step > 0 {
            let pages = total.div_ceil(step).min(MAX_PAGES);
            let offsets = (1..pages).map(|page| page * step);
            let pages: Vec<P> =
                pages_concurrently(offsets, |offset| self.page(listing, MAX_PAGE, offset)).await?;
            items.extend(pages.into_iter().flat_map(Paged::into_items));
            while items.len() < total && items.len() < MAX_PAGES * step {
                let next: P = self.page(listing, MAX_PAGE, items.len()).await?;
                let batch = next.into_items();
                if batch.is_empty() {
                    break;
                }
                items.extend(batch);
            }
        }
        // An item added or removed while paging can shift another across a page boundary.
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        items.retain(|item| seen.insert(item.id().to_owned()));
        Ok(items)
    }

    /// The Go CLI's way, kept for side-by-side benchmarks: pages of 100, one after another.
    async fn list_sequentially<P: Paged>(
        &self,
        listing: &Listing<'_>,
    ) -> Result<Vec<P::Item>, ApiError> {
        const REFERENCE_PAGE: usize = 100;
        let mut items = Vec::new();
        loop {
            let page: P = self.page(listing, REFERENCE_PAGE, items.len()).await?;
            let total = page.total();
            let batch = page.into_items();
            let done = batch.is_empty() || items.len() + batch.len() >= total;
            items.extend(batch);
            if done {
                return Ok(items);
            }
        }
    }

    /// Every member of the Organization.
    pub async fn list_all_users(&self, organization_id: &str) -> Result<Vec<User>, ApiError> {
        self.list_all::<UsersPage>(Listing {
            segments: &["organizations", organization_id, "users"],
            filters: &[],
            sorts: &["createdAt:asc", "id:asc"],
        })
        .await
    }

    /// Every Workspace of the Organization, by name.
    pub async fn list_all_workspaces(
        &self,
        organization_id: &str,
    ) -> Result<Vec<Workspace>, ApiError> {
        self.list_all::<WorkspacesPage>(Listing {
            segments: &["organizations", organization_id, "workspaces"],
            filters: &[],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    /// Every Deployment of the Organization, by name.
    pub async fn list_all_deployments(
        &self,
        organization_id: &str,
    ) -> Result<Vec<Deployment>, ApiError> {
        self.list_all::<DeploymentsPage>(Listing {
            segments: &["organizations", organization_id, "deployments"],
            filters: &[],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    /// Every Deployment of one Workspace, by name (ListDeployments `workspaceIds=`).
    pub async fn list_workspace_deployments(
        &self,
        organization_id: &str,
        workspace_id: &str,
    ) -> Result<Vec<Deployment>, ApiError> {
        self.list_all::<DeploymentsPage>(Listing {
            segments: &["organizations", organization_id, "deployments"],
            filters: &[("workspaceIds", workspace_id.to_owned())],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    /// The Teams a user belongs to.
    pub async fn list_user_teams(
        &self,
        organization_id: &str,
        user_id: &str,
    ) -> Result<Vec<Team>, ApiError> {
        self.list_all::<TeamsPage>(Listing {
            segments: &["organizations", organization_id, "users", user_id, "teams"],
            filters: &[],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    /// Every Team of the Organization, by name.
    pub async fn list_all_teams(&self, organization_id: &str) -> Result<Vec<Team>, ApiError> {
        self.list_all::<TeamsPage>(Listing {
            segments: &["organizations", organization_id, "teams"],
            filters: &[],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    /// The users with a role in a Workspace or a Deployment (ListUsers `workspaceId` or
    /// `deploymentId`).
    pub async fn list_users_in(
        &self,
        organization_id: &str,
        level: crate::place::Level,
        id: &str,
    ) -> Result<Vec<User>, ApiError> {
        self.list_all::<UsersPage>(Listing {
            segments: &["organizations", organization_id, "users"],
            filters: &[(level.query_key(), id.to_owned())],
            sorts: &["createdAt:asc", "id:asc"],
        })
        .await
    }

    /// The Teams with a role in a Workspace or a Deployment (ListTeams `workspaceId` or
    /// `deploymentId`).
    pub async fn list_teams_in(
        &self,
        organization_id: &str,
        level: crate::place::Level,
        id: &str,
    ) -> Result<Vec<Team>, ApiError> {
        self.list_all::<TeamsPage>(Listing {
            segments: &["organizations", organization_id, "teams"],
            filters: &[(level.query_key(), id.to_owned())],
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    pub async fn get_team(&self, organization_id: &str, team_id: &str) -> Result<Team, ApiError> {
        let url = self.url(&["organizations", organization_id, "teams", team_id]);
        self.send(Method::GET, url, &[], None::<&()>).await
    }

    /// Every member of a Team.
    pub async fn list_team_members(
        &self,
        organization_id: &str,
        team_id: &str,
    ) -> Result<Vec<TeamMember>, ApiError> {
        self.list_all::<TeamMembersPage>(Listing {
            segments: &[
                "organizations",
                organization_id,
                "teams",
                team_id,
                "members",
            ],
            filters: &[],
            sorts: &["username:asc"],
        })
        .await
    }

    /// How many members a Team has: one page of one member, for its `totalCount`.
    pub async fn count_team_members(
        &self,
        organization_id: &str,
        team_id: &str,
    ) -> Result<usize, ApiError> {
        let listing = Listing {
            segments: &[
                "organizations",
                organization_id,
                "teams",
                team_id,
                "members",
            ],
            filters: &[],
            sorts: &["username:asc"],
        };
        let page: TeamMembersPage = self.page(&listing, 1, 0).await?;
        Ok(page.total())
    }

    /// Creates a Team. Not repeated blindly: after an ambiguous failure the Teams are listed,
    /// and one with this name whose ID is not among `existing` (the IDs listed before) counts
    /// as created.
    pub async fn create_team(
        &self,
        organization_id: &str,
        team: &TeamInput<'_>,
        existing: &[String],
    ) -> Result<Team, ApiError> {
        let url = self.url(&["organizations", organization_id, "teams"]);
        let creation = self
            .create_once(url, team, || async {
                let now = self.list_all_teams(organization_id).await?;
                Ok(now
                    .into_iter()
                    .find(|t| t.name == team.name && !existing.contains(&t.id)))
            })
            .await?;
        Ok(creation.either())
    }

    /// Sets a Team's name (required by the API) and, when given, its description (kept when
    /// left out). Safe to repeat.
    pub async fn update_team(
        &self,
        organization_id: &str,
        team_id: &str,
        name: &str,
        description: Option<&str>,
    ) -> Result<Team, ApiError> {
        #[derive(Serialize)]
        struct Body<'a> {
            name: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            description: Option<&'a str>,
        }
        let url = self.url(&["organizations", organization_id, "teams", team_id]);
        let body = Body { name, description };
        self.send(Method::POST, url, &[], Some(&body)).await
    }

    /// Deletes a Team. A retry that finds it gone (404) means the first attempt did it.
    pub async fn delete_team(&self, organization_id: &str, team_id: &str) -> Result<(), ApiError> {
        let url = self.url(&["organizations", organization_id, "teams", team_id]);
        self.delete_once_gone(url).await
    }

    /// Replaces the Team's role lists present in `roles` (the API requires
    /// `organizationRole`; omitted lists are kept). Safe to repeat.
    pub async fn update_team_roles(
        &self,
        organization_id: &str,
        team_id: &str,
        roles: &SubjectRoles,
    ) -> Result<SubjectRoles, ApiError> {
        let url = self.url(&["organizations", organization_id, "teams", team_id, "roles"]);
        self.send(Method::POST, url, &[], Some(roles)).await
    }

    /// Every API token of the Organization (`TokenFilter::All`), only its Organization-scoped
    /// ones, or every token with a role in a Workspace or a Deployment (of any scope).
    pub async fn list_api_tokens(
        &self,
        organization_id: &str,
        filter: TokenFilter<'_>,
    ) -> Result<Vec<ApiToken>, ApiError> {
        let filters: Vec<(&str, String)> = match filter {
            TokenFilter::All => vec![],
            TokenFilter::OrganizationOnly => {
                vec![("includeOnlyOrganizationTokens", "true".to_owned())]
            }
            TokenFilter::InWorkspace(ws) => vec![("workspaceId", ws.to_owned())],
            TokenFilter::InDeployment(d) => vec![("deploymentId", d.to_owned())],
        };
        self.list_all::<ApiTokensPage>(Listing {
            segments: &["organizations", organization_id, "tokens"],
            filters: &filters,
            sorts: &["name:asc", "createdAt:asc"],
        })
        .await
    }

    pub async fn get_api_token(
        &self,
        organization_id: &str,
        token_id: &str,
    ) -> Result<ApiToken, ApiError> {
        let url = self.url(&["organizations", organization_id, "tokens", token_id]);
        self.send(Method::GET, url, &[], None::<&()>).await
    }

    /// Creates an API token; its secret is in the answer's `token`. Never sent twice: after an
    /// ambiguous failure, a token with this name whose ID is not among `existing` (listed before)
    /// means the creation landed and its secret is lost ([`ApiError::SecretLost`]).
    pub async fn create_api_token(
        &self,
        organization_id: &str,
        token: &NewApiToken<'_>,
        existing: &[String],
    ) -> Result<ApiToken, ApiError> {
        let url = self.url(&["organizations", organization_id, "tokens"]);
        let creation = self
            .create_once::<ApiToken, ApiToken, _, _, _>(url, token, || async {
                let now = self
                    .list_api_tokens(organization_id, TokenFilter::All)
                    .await?;
                Ok(now
                    .into_iter()
                    .find(|t| t.name == token.name && !existing.contains(&t.id)))
            })
            .await?;
        match creation {
            Creation::Sent(created) => Ok(created),
            Creation::Found(found) => Err(ApiError::SecretLost {
                token_id: found.id,
                what: "created",
            }),
        }
    }

    /// Sets a token's name (required) and description. Safe to repeat.
    pub async fn update_api_token(
        &self,
        organization_id: &str,
        token_id: &str,
        name: &str,
        description: &str,
    ) -> Result<ApiToken, ApiError> {
        #[derive(Serialize)]
        struct Body<'a> {
            name: &'a str,
            description: &'a str,
        }
        let url = self.url(&["organizations", organization_id, "tokens", token_id]);
        self.send(Method::POST, url, &[], Some(&Body { name, description }))
            .await
    }

    /// Replaces a token's whole role list. Safe to repeat. The answer is the API's
    /// `SubjectRoles`: the token's roles after the change, grouped by kind.
    pub async fn update_api_token_roles(
        &self,
        organization_id: &str,
        token_id: &str,
        roles: &[ApiTokenRole],
    ) -> Result<SubjectRoles, ApiError> {
        #[derive(Serialize)]
        struct Body<'a> {
            roles: &'a [ApiTokenRole],
        }
        let url = self.url(&[
            "organizations",
            organization_id,
            "tokens",
            token_id,
            "roles",
        ]);
        self.send(Method::POST, url, &[], Some(&Body { roles }))
            .await
    }

    /// Rotates a token: the old secret stops working, the answer carries the new one. Sent once:
    /// a rotation is never repeated blindly, and one whose answer is lost cannot be recovered
    /// ([`ApiError::SecretLost`]): the token must be rotated again.
    pub async fn rotate_api_token(
        &self,
        organization_id: &str,
        token_id: &str,
    ) -> Result<ApiToken, ApiError> {
        let url = self.url(&[
            "organizations",
            organization_id,
            "tokens",
            token_id,
            "rotate",
        ]);
        let mut attempt = 1;
        loop {
            match self
                .send_once::<ApiToken>(Method::POST, url.clone(), &[], None::<&()>)
                .await
            {
                Ok(rotated) => return Ok(rotated),
                // Certainly not taken (429, no connection): safe to send again.
                Err(e) if e.was_not_processed() && attempt < MAX_ATTEMPTS => {
                    self.back_off(&e, attempt).await;
                    attempt += 1;
                }
                Err(e) if e.is_transient() || matches!(e.last(), ApiError::Timeout(_)) => {
                    return Err(ApiError::SecretLost {
                        token_id: token_id.to_owned(),
                        what: "may have been rotated",
                    });
                }
                Err(e) => return Err(e.after_attempts(attempt)),
            }
        }
    }

    /// Deletes a token. A retry that finds it gone (404) means the first attempt did it.
    pub async fn delete_api_token(
        &self,
        organization_id: &str,
        token_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&["organizations", organization_id, "tokens", token_id]);
        self.delete_once_gone(url).await
    }

    /// Cancels an invite (DeleteUserInvite). A retry that finds it gone (404) means the first
    /// attempt did it.
    pub async fn delete_invite(
        &self,
        organization_id: &str,
        invite_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&["organizations", organization_id, "invites", invite_id]);
        self.delete_once_gone(url).await
    }

    /// Replaces the role lists present in `roles` (the others are kept by the API). Safe to
    /// repeat: it sets, it does not add.
    pub async fn update_user_roles(
        &self,
        organization_id: &str,
        user_id: &str,
        roles: &SubjectRoles,
    ) -> Result<SubjectRoles, ApiError> {
        let url = self.url(&["organizations", organization_id, "users", user_id, "roles"]);
        self.send(Method::POST, url, &[], Some(roles)).await
    }

    /// Sends a creation that must not happen twice. It is sent again only when the server
    /// certainly did not take it (429, no connection). After an ambiguous failure (a lost
    /// response, a 502/503/504) `landed` looks for what the first attempt may have made: found,
    /// it is the result; not found, the creation is sent again.
    async fn create_once<T, F, B, L, Fut>(
        &self,
        url: Url,
        body: &B,
        landed: L,
    ) -> Result<Creation<T, F>, ApiError>
    where
        T: DeserializeOwned + Send,
        B: Serialize + ?Sized,
        L: Fn() -> Fut,
        Fut: Future<Output = Result<Option<F>, ApiError>>,
    {
        let mut attempt = 1;
        loop {
            let error = match self
                .send_once::<T>(Method::POST, url.clone(), &[], Some(body))
                .await
            {
                Ok(created) => return Ok(Creation::Sent(created)),
                Err(e) => e,
            };
            if !error.is_transient() {
                return Err(error.after_attempts(attempt));
            }
            if !error.was_not_processed()
                && let Some(found) = landed().await?
            {
                return Ok(Creation::Found(found));
            }
            if attempt >= MAX_ATTEMPTS {
                return Err(error.after_attempts(attempt));
            }
            self.back_off(&error, attempt).await;
            attempt += 1;
        }
    }

    /// Creates a Workspace. Not repeated blindly: after an ambiguous failure the Workspaces are
    /// listed, and one with this name whose ID is not among `existing` (the IDs listed before)
    /// counts as created.
    pub async fn create_workspace(
        &self,
        organization_id: &str,
        workspace: &WorkspaceInput<'_>,
        existing: &[String],
    ) -> Result<Workspace, ApiError> {
        let url = self.url(&["organizations", organization_id, "workspaces"]);
        let creation = self
            .create_once(url, workspace, || async {
                let now = self.list_all_workspaces(organization_id).await?;
                Ok(now
                    .into_iter()
                    .find(|w| w.name == workspace.name && !existing.contains(&w.id)))
            })
            .await?;
        Ok(creation.either())
    }

    /// Replaces a Workspace's name, description and CI/CD enforcement (all three required).
    pub async fn update_workspace(
        &self,
        organization_id: &str,
        workspace_id: &str,
        workspace: &WorkspaceInput<'_>,
    ) -> Result<Workspace, ApiError> {
        let url = self.url(&["organizations", organization_id, "workspaces", workspace_id]);
        self.send(Method::POST, url, &[], Some(workspace)).await
    }

    /// Deletes a Workspace. A retry that finds it gone (404) means the first attempt did it.
    pub async fn delete_workspace(
        &self,
        organization_id: &str,
        workspace_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&["organizations", organization_id, "workspaces", workspace_id]);
        self.delete_once_gone(url).await
    }

    /// Sends a DELETE, retrying transient failures; a retry that finds the object gone (404)
    /// means an earlier attempt deleted it.
    async fn delete_once_gone(&self, url: Url) -> Result<(), ApiError> {
        let mut attempt = 1;
        loop {
            match self
                .send_once::<()>(Method::DELETE, url.clone(), &[], None::<&()>)
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if attempt > 1 && e.status() == Some(404) => return Ok(()),
                Err(e) if attempt < MAX_ATTEMPTS && e.is_transient() => {
                    self.back_off(&e, attempt).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.after_attempts(attempt)),
            }
        }
    }

    /// Every Organization the token can see.
    pub async fn list_all_organizations(&self) -> Result<Vec<Organization>, ApiError> {
        self.list_all::<OrganizationsPage>(Listing {
            segments: &["organizations"],
            filters: &[],
            sorts: &["name:asc", "createdAt:asc"],
        })
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

    /// One Deployment (GetDeployment).
    pub async fn get_deployment(
        &self,
        organization_id: &str,
        deployment_id: &str,
    ) -> Result<Deployment, ApiError> {
        let url = self.url(&[
            "organizations",
            organization_id,
            "deployments",
            deployment_id,
        ]);
        self.send(Method::GET, url, &[], None::<&()>).await
    }

    /// The roles of one scope (`DEPLOYMENT`, …) the Organization offers (ListRoles with
    /// `includeDefaultRoles`): the default ones first, then every custom one.
    pub async fn list_roles(
        &self,
        organization_id: &str,
        scope_type: &str,
    ) -> Result<Vec<RoleInfo>, ApiError> {
        let listed = self
            .list_all_roles(organization_id, &[scope_type], true)
            .await?;
        let mut roles = listed.defaults;
        roles.extend(listed.custom);
        roles.retain(|r| r.scope_type == scope_type);
        Ok(roles)
    }

    /// ListRoles for the scopes `scope_types` (every scope when empty): the default roles
    /// (given whole with the first page, when `include_defaults`) and every custom role, their
    /// pages read one after another (an Organization has few), by name.
    pub async fn list_all_roles(
        &self,
        organization_id: &str,
        scope_types: &[&str],
        include_defaults: bool,
    ) -> Result<RoleListing, ApiError> {
        let url = self.url(&["organizations", organization_id, "roles"]);
        let mut listed = RoleListing::default();
        loop {
            let offset = listed.custom.len();
            let mut query = vec![
                // Asked for with the first page only: the defaults are not paged.
                (
                    "includeDefaultRoles",
                    (include_defaults && offset == 0).to_string(),
                ),
                ("limit", MAX_PAGE.to_string()),
                ("offset", offset.to_string()),
                ("sorts", "name:asc".to_owned()),
            ];
            query.extend(scope_types.iter().map(|s| ("scopeTypes", (*s).to_owned())));
            let page: RolesPage = self
                .send(Method::GET, url.clone(), &query, None::<&()>)
                .await?;
            if offset == 0 {
                listed.defaults = page.default_roles.unwrap_or_default();
            }
            let got = page.roles.len();
            listed.custom.extend(page.roles);
            let read = listed.custom.len();
            if got == 0 || read >= page.total_count || read >= MAX_PAGE * MAX_PAGES {
                break;
            }
        }
        Ok(listed)
    }

    /// The user the token belongs to (meaningful for a login token; an API token is no user).
    pub async fn get_self_user(&self) -> Result<SelfUser, ApiError> {
        let url = self.url(&["users", "self"]);
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

    /// Invites `email`. An invite is not safe to send twice, so it is repeated only when the
    /// server certainly did not process it (429, or no connection). After an ambiguous failure
    /// (a lost response, a 502/503/504) the Organization is checked first: an invitee already
    /// listed as PENDING means the invite landed.
    pub async fn create_invite(
        &self,
        organization_id: &str,
        email: &str,
        role: &str,
    ) -> Result<InviteResult, ApiError> {
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
        // Only an invitee PENDING with exactly this role counts as the invite landing;
        // anything else is settled by sending again (the server then says whether the email
        // already has a role).
        let creation = self
            .create_once::<Invite, _, _, _, _>(url, &body, || async {
                let users = self.list_all_users(organization_id).await?;
                Ok(users
                    .into_iter()
                    .find(|u| {
                        same_email(&u.username, email)
                            && u.status == "PENDING"
                            && u.organization_role.as_deref() == Some(role)
                    })
                    .map(|u| u.id))
            })
            .await?;
        Ok(match creation {
            Creation::Sent(invite) => InviteResult::Created(invite),
            Creation::Found(user_id) => InviteResult::Confirmed { user_id },
        })
    }
}

/// How a creation that must not happen twice ended: the server's answer, or (the answer was
/// lost) what was found to have been created.
enum Creation<T, F> {
    Sent(T),
    Found(F),
}

impl<T> Creation<T, T> {
    fn either(self) -> T {
        match self {
            Creation::Sent(t) | Creation::Found(t) => t,
        }
    }
}

/// Where a listing reads from: the path, filters (array ones as repeated keys) and the order.
struct Listing<'a> {
    segments: &'a [&'a str],
    filters: &'a [(&'a str, String)],
    sorts: &'a [&'a str],
}

/// Which API tokens to list.
#[derive(Debug, Clone, Copy)]
pub enum TokenFilter<'a> {
    All,
    OrganizationOnly,
    /// Every token with a role in this Workspace, whatever its scope.
    InWorkspace(&'a str),
    /// Every token with a role in this Deployment (a Deployment role, or a DAG or DAG tag role
    /// in it), whatever its scope.
    InDeployment(&'a str),
}

/// What CreateApiToken is sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewApiToken<'a> {
    pub name: &'a str,
    pub description: &'a str,
    /// `ORGANIZATION`, `WORKSPACE` or `DEPLOYMENT`.
    pub scope: &'a str,
    pub role: &'a str,
    /// The Workspace of a WORKSPACE-scoped token, the Deployment of a DEPLOYMENT-scoped one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<&'a str>,
    /// Days until it expires; left out: never.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_expiry_period_in_days: Option<u32>,
}

/// What CreateWorkspace and UpdateWorkspace are sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceInput<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub cicd_enforced_default: bool,
}

/// What CreateTeam is sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamInput<'a> {
    pub name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub organization_role: &'a str,
    /// Left out when empty.
    #[serde(skip_serializing_if = "none")]
    pub member_ids: &'a [String],
}

fn none(ids: &&[String]) -> bool {
    ids.is_empty()
}

/// Decodes `bytes` as every response and error body the client reads, discarding the results.
/// For the fuzz targets and property tests: decoding must never panic, whatever the bytes.
#[doc(hidden)]
pub fn decode_all_shapes(bytes: &[u8]) {
    let _ = decode_json::<UsersPage>(bytes);
    let _ = decode_json::<OrganizationsPage>(bytes);
    let _ = decode_json::<User>(bytes);
    let _ = decode_json::<SelfUser>(bytes);
    let _ = decode_json::<WorkspacesPage>(bytes);
    let _ = decode_json::<DeploymentsPage>(bytes);
    let _ = decode_json::<TeamsPage>(bytes);
    let _ = decode_json::<Team>(bytes);
    let _ = decode_json::<TeamMembersPage>(bytes);
    let _ = decode_json::<Workspace>(bytes);
    let _ = decode_json::<Organization>(bytes);
    let _ = decode_json::<SubjectRoles>(bytes);
    let _ = decode_json::<Invite>(bytes);
    let _ = decode_json::<auth::TokenSet>(bytes);
    let _ = decode_json::<auth::AuthConfig>(bytes);
    let _ = ApiError::from_status(400, bytes, None, None).to_string();
    let _ = std::str::from_utf8(bytes).ok().map(parse_retry_after);
}

/// Whether two emails name the same person: compared case-insensitively (Unicode), the way
/// every lookup by email in `astro` compares them.
pub fn same_email(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

/// How an invite ended.
#[derive(Debug)]
pub enum InviteResult {
    Created(Invite),
    /// The response was lost, but the invitee is listed as PENDING: the invite landed.
    Confirmed {
        user_id: String,
    },
}

/// The pages at `offsets`, fetched [`PAGE_CONCURRENCY`] at a time, in order; the first failure
/// ends it.
pub(crate) async fn pages_concurrently<T, E, Fut>(
    offsets: impl Iterator<Item = usize>,
    fetch: impl Fn(usize) -> Fut,
) -> Result<Vec<T>, E>
where
    Fut: Future<Output = Result<T, E>>,
{
    stream::iter(offsets)
        .map(fetch)
        .buffered(PAGE_CONCURRENCY)
        .try_collect()
        .await
}

/// How many times a request is tried in all.
const MAX_ATTEMPTS: u32 = 4;
const BACKOFF_BASE: Duration = Duration::from_millis(200);
const BACKOFF_CAP: Duration = Duration::from_secs(5);
/// The longest `Retry-After` honoured; a server asking for more is answered after this.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(30);

/// The wait before attempt `attempt + 1`: the server's `Retry-After` (capped), else exponential
/// backoff with full jitter.
fn retry_delay(error: &ApiError, attempt: u32) -> Duration {
    if let Some(wait) = error.retry_after() {
        return wait.min(RETRY_AFTER_CAP);
    }
    let ceiling = BACKOFF_BASE
        .saturating_mul(1 << (attempt - 1).min(16))
        .min(BACKOFF_CAP);
    let mut bytes = [0u8; 4];
    let fraction =
        match ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes) {
            Ok(()) => f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX),
            Err(_) => 1.0,
        };
    // Never less than a tenth of the ceiling, so a retry is never immediate.
    ceiling.mul_f64(0.1 + 0.9 * fraction)
}

/// `Retry-After` as seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate_to_unix(value)?;
    Some(Duration::from_secs(
        u64::try_from(when - crate::time::now_unix()).unwrap_or(0),
    ))
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` to Unix seconds.
fn httpdate_to_unix(value: &str) -> Option<i64> {
    let parts: Vec<&str> = value.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts.as_slice() else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| m == month)? + 1;
    crate::time::parse_rfc3339(&format!("{year}-{month:02}-{day:0>2}T{time}Z"))
}

/// Sends `request` and reads its response, telling `tracer` how it went (method, URL, status,
/// time, request ID; never a header or body).
pub(crate) async fn execute<T: DeserializeOwned + Send>(
    http: &reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    tracer: Option<&Tracer>,
) -> Result<T, ApiError> {
    let mut decoded = None;
    execute_into(http, request, timeout, tracer, &mut |body| {
        decoded = Some(decode_json(body)?);
        Ok(())
    })
    .await?;
    Ok(decoded.expect("the transport decodes every body it accepts"))
}

/// Decodes a successful response's body into the caller's typed value. The transport takes it
/// as a trait object, so sending, reading and tracing are compiled once instead of once for
/// each type of response (issue 16: 58 KB of the binary).
type Decoder<'a> = &'a mut (dyn FnMut(&[u8]) -> Result<(), String> + Send);

/// [`execute`] for any type of response: `Ok` once `decoder` has taken the body.
fn execute_into<'a>(
    http: &'a reqwest::Client,
    request: reqwest::Request,
    timeout: Duration,
    tracer: Option<&'a Tracer>,
    decoder: Decoder<'a>,
) -> BoxFuture<'a, Result<(), ApiError>> {
    Box::pin(async move {
        let method = request.method().clone();
        let url = request.url().clone();
        let started = std::time::Instant::now();
        let trace = |event: TraceEvent<'_>| {
            if let Some(tracer) = tracer {
                tracer(&event);
            }
        };
        let response = match http.execute(request).await {
            Ok(response) => response,
            Err(e) => {
                let error = ApiError::from_transport(e, timeout);
                trace(TraceEvent::Failed {
                    method: &method,
                    url: &url,
                    elapsed: started.elapsed(),
                    error: &error,
                });
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let header_id = request_id(&response);
        let result = decode(response, timeout, decoder).await;
        let elapsed = started.elapsed();
        match &result {
            Err(
                error @ (ApiError::Decode { .. } | ApiError::Transport(_) | ApiError::Timeout(_)),
            ) => trace(TraceEvent::Failed {
                method: &method,
                url: &url,
                elapsed,
                error,
            }),
            Err(ApiError::Status {
                request_id: Some(id),
                ..
            }) => trace(TraceEvent::Response {
                method: &method,
                url: &url,
                status,
                elapsed,
                request_id: Some(id),
            }),
            _ => trace(TraceEvent::Response {
                method: &method,
                url: &url,
                status,
                elapsed,
                request_id: header_id.as_deref(),
            }),
        }
        result
    })
}

/// Reads a response: its body handed to `decoder` on success, the server's error otherwise.
async fn decode(
    response: reqwest::Response,
    timeout: Duration,
    decoder: Decoder<'_>,
) -> Result<(), ApiError> {
    let status = response.status();
    let request_id = request_id(&response);
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after);
    let bytes = read_body(response, timeout).await?;
    if status.is_success() {
        // An empty body (204 No Content) reads as `null`, which is what `()` expects.
        let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        decoder(body).map_err(|detail| ApiError::Decode {
            status: status.as_u16(),
            detail,
        })
    } else {
        Err(ApiError::from_status(
            status.as_u16(),
            &bytes,
            request_id,
            retry_after,
        ))
    }
}

/// The server's ID for the request (`X-Request-Id`), which support asks for.
fn request_id(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Decodes a JSON body. The UTF-8 check runs once over the whole body: serde_json's reader of
/// bytes checks every string on its own, which was a tenth of the CPU time of a 50,000-member
/// list (cachegrind, issue 16).
pub fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    serde_json::from_str(text).map_err(|e| e.to_string())
}

/// A response's body, up to [`MAX_BODY`].
async fn read_body(
    mut response: reqwest::Response,
    timeout: Duration,
) -> Result<Vec<u8>, ApiError> {
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ApiError::from_transport(e, timeout))?
    {
        if bytes.len() + chunk.len() > MAX_BODY {
            return Err(ApiError::Decode {
                status,
                detail: format!("the response is larger than {} MiB", MAX_BODY >> 20),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// An `Authorization: Bearer …` value, marked sensitive so it is never logged.
pub(crate) fn bearer(token: &Token) -> Result<HeaderValue, ApiError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        ApiError::Config("the token contains characters not allowed in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The headers that identify the client to the API (as the Go CLI sends them), and `Accept`.
pub(crate) fn identity_headers() -> HeaderMap {
    let mut headers = HeaderMap::new();
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
    headers
}

/// The User-Agent every request carries.
const USER_AGENT: &str = concat!("astro-cli-rs/", env!("CARGO_PKG_VERSION"));

/// A reqwest client with our identifying headers plus `extra`, and the timeouts.
pub(crate) fn http_client(
    extra: HeaderMap,
    target: &Url,
    timeout: Duration,
) -> Result<reqwest::Client, ApiError> {
    let mut headers = extra;
    headers.extend(identity_headers());
    // Plain HTTP is only ever spoken to this machine; a proxy elsewhere would carry the token
    // across a network in clear text, so only a loopback proxy is used for it.
    let plain_http_proxy = if target.scheme() == "http" {
        Some(loopback_http_proxy()?)
    } else {
        None
    };
    let builder = || {
        let builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .default_headers(headers.clone())
            .connect_timeout(CONNECT_TIMEOUT.min(timeout))
            .timeout(timeout);
        match &plain_http_proxy {
            None => builder,
            Some(None) => builder.no_proxy(),
            Some(Some(proxy)) => builder.no_proxy().proxy(proxy.clone()),
        }
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

/// The environment's HTTP proxy, when it is on this machine (with `NO_PROXY` honoured).
fn loopback_http_proxy() -> Result<Option<reqwest::Proxy>, ApiError> {
    let configured = ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
        .iter()
        .find_map(|name| env_vars::get(name));
    let Some(url) = configured.and_then(|p| Url::parse(&p).ok()) else {
        return Ok(None);
    };
    if !crate::settings::is_loopback(&url) {
        return Ok(None);
    }
    let proxy = reqwest::Proxy::http(url.as_str())
        .map_err(|e| ApiError::Config(format!("invalid HTTP proxy: {e}")))?
        .no_proxy(reqwest::NoProxy::from_env());
    Ok(Some(proxy))
}

/// The Go CLI's `<os>-<arch>` naming, e.g. `linux-amd64`.
pub fn os_identifier() -> String {
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
    fn retry_after_in_seconds_or_as_a_date_and_backoff_grows() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(
            httpdate_to_unix("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(parse_retry_after("soon"), None);
        let transient = ApiError::from_status(503, b"", None, None);
        for attempt in 1..=3 {
            let wait = retry_delay(&transient, attempt);
            let ceiling = BACKOFF_BASE * (1 << (attempt - 1));
            assert!(wait <= ceiling && wait >= ceiling / 10, "{wait:?}");
        }
        assert!(retry_delay(&transient, 30) <= BACKOFF_CAP);
        let told = ApiError::from_status(429, b"", None, Some(Duration::from_secs(120)));
        assert_eq!(retry_delay(&told, 1), RETRY_AFTER_CAP);
    }

    /// After an ambiguous failure, only an invitee PENDING with the invited role counts as a
    /// landed invite; one pending with another role is sent again, and the server's refusal
    /// is the answer. (`astro … invite` checks membership first, so this is the race where
    /// someone else invited them in between.)
    #[tokio::test]
    async fn an_invitee_pending_with_another_role_is_not_taken_for_a_landed_invite() {
        use astro_emulator::{Emulator, Fault, FaultKind};
        let emu = Emulator::builder().spawn().unwrap();
        emu.inject(
            Fault::new(FaultKind::Status {
                status: 503,
                retry_after: None,
            })
            .method("POST")
            .path("/v1/organizations/*/invites"),
        );
        let client = Client::new(
            Url::parse(&emu.base_url()).unwrap(),
            &Token::new(&emu.token()).unwrap(),
            Duration::from_secs(10),
        )
        .unwrap();
        let err = client
            .create_invite(
                &emu.organization_id(),
                "barbara@example.com",
                "ORGANIZATION_OWNER",
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400), "{err}");
        assert!(
            err.to_string().contains("Invitee has existing role"),
            "{err}"
        );
        let posts = emu.requests().iter().filter(|r| r.method == "POST").count();
        assert_eq!(posts, 2);
        assert_eq!(
            emu.user("barbara@example.com")
                .unwrap()
                .organization_role
                .as_deref(),
            Some("ORGANIZATION_MEMBER")
        );
    }

    /// Array query parameters (`sorts`) go as repeated keys, one value each, never joined
    /// with commas: the API reads `sorts=a,b` as one (invalid) value.
    #[tokio::test]
    async fn sorts_are_repeated_keys_never_comma_joined() {
        use astro_emulator::Emulator;
        let emu = Emulator::builder().spawn().unwrap();
        let client = Client::new(
            Url::parse(&emu.base_url()).unwrap(),
            &Token::new(&emu.token()).unwrap(),
            Duration::from_secs(10),
        )
        .unwrap();
        let users = client.list_all_users(&emu.organization_id()).await.unwrap();
        assert_eq!(users.len(), emu.user_count());
        let organizations = client.list_all_organizations().await.unwrap();
        assert_eq!(organizations.len(), 1);
        let requests = emu.requests();
        assert_eq!(requests.len(), 2);
        let expected: [&[&str]; 2] = [&["createdAt:asc", "id:asc"], &["name:asc", "createdAt:asc"]];
        for (request, expected) in requests.iter().zip(expected) {
            let query = request.query.as_deref().unwrap_or_default();
            assert!(!query.contains(','), "{query}");
            let sorts: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
                .filter(|(k, _)| k == "sorts")
                .map(|(_, v)| v.into_owned())
                .collect();
            assert_eq!(sorts, expected, "{query}");
            assert_eq!(request.status, 200);
        }
    }

    #[test]
    fn os_identifier_uses_go_names() {
        let id = os_identifier();
        assert!(!id.contains("x86_64") && !id.contains("macos"), "{id}");
    }
}
