//! `astro-emulator`: a stateful local emulator of Astronomer's Astro v1 REST API, for
//! tests, demos and scripts. Start one with [`Emulator::builder`]; see emulator/README.md.

mod api;
mod audit_logs;
mod auth;
mod faults;
mod idp;
mod model;
mod recorder;
mod seed;
mod server;
mod spec;
mod util;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

pub use auth::TokenOptions;
pub use faults::{Fault, FaultKind};
pub use recorder::RecordedRequest;
pub use seed::{
    Seed, SeedApiToken, SeedCustomRole, SeedDagRole, SeedDeployment, SeedDeploymentRole,
    SeedOrganization, SeedTeam, SeedUser, SeedWorkspace, SeedWorkspaceRole,
};

use api::{Shared, lock};

/// Why the emulator could not be built or started.
#[derive(Debug, thiserror::Error)]
pub enum EmulatorError {
    /// The seed file could not be read or is invalid.
    #[error("{0}")]
    Seed(String),
    /// The listening socket could not be opened.
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind {
        port: u16,
        #[source]
        source: std::io::Error,
    },
    /// The background runtime could not be started.
    #[error("cannot start the emulator's runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Entry point: `Emulator::builder()`.
pub struct Emulator;

impl Emulator {
    /// A builder with the default seed, no extra users, no latency, port 0 (any free port).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder {
            seed: Seed::default(),
            users: 0,
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            port: 0,
            access_token_ttl: DEFAULT_ACCESS_TOKEN_TTL,
            audit_log_bytes: None,
        }
    }
}

/// The default lifetime of user tokens and OAuth access tokens: 24 hours.
pub const DEFAULT_ACCESS_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

/// The OAuth client ID the emulated identity provider announces and accepts.
pub const OAUTH_CLIENT_ID: &str = idp::CLIENT_ID;

/// The audience the emulated identity provider announces.
pub const OAUTH_AUDIENCE: &str = idp::AUDIENCE;

/// Configures an emulator before it starts.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    seed: Seed,
    users: usize,
    latency: Duration,
    jitter: Duration,
    port: u16,
    access_token_ttl: Duration,
    audit_log_bytes: Option<u64>,
}

/// One Organization (from [`EmulatorHandle::organizations`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganizationSnapshot {
    pub id: String,
    pub name: String,
}

/// A live view of one user (from [`EmulatorHandle::user`]), roles included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSnapshot {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub organization_role: Option<String>,
    pub status: String,
    /// In the order the API lists them.
    pub workspace_roles: Vec<WorkspaceRoleSnapshot>,
    pub deployment_roles: Vec<DeploymentRoleSnapshot>,
    pub dag_roles: Vec<DagRoleSnapshot>,
}

/// A Workspace role of a user or Team, with the Workspace's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceRoleSnapshot {
    pub workspace_id: String,
    pub workspace_name: String,
    pub role: String,
}

/// A Deployment role of a user, with the Deployment's name (`None` for an ID that names no
/// Deployment, which only a seed's `deploymentId` can give).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentRoleSnapshot {
    pub deployment_id: String,
    pub deployment_name: Option<String>,
    pub role: String,
}

/// A DAG role of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DagRoleSnapshot {
    pub deployment_id: String,
    pub deployment_name: Option<String>,
    pub dag_id: Option<String>,
    pub dag_tag: Option<String>,
    pub role: String,
}

/// A live view of one Workspace (from [`EmulatorHandle::workspace`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSnapshot {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub cicd_enforced_default: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// A live view of one Deployment (from [`EmulatorHandle::deployments`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentSnapshot {
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    pub workspace_name: String,
}

/// A live view of one Team (from [`EmulatorHandle::team`], [`EmulatorHandle::teams`],
/// [`EmulatorHandle::team_by_id`]): its details, members and roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSnapshot {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub organization_role: String,
    pub is_idp_managed: bool,
    /// Members' emails, in the order they were added.
    pub members: Vec<String>,
    /// Members' user IDs, in the same order.
    pub member_ids: Vec<String>,
    pub workspace_roles: Vec<WorkspaceRoleSnapshot>,
    pub deployment_roles: Vec<DeploymentRoleSnapshot>,
    pub dag_roles: Vec<DagRoleSnapshot>,
    pub created_at: String,
    pub updated_at: String,
}

/// A live view of one API token (from [`EmulatorHandle::api_token`],
/// [`EmulatorHandle::api_tokens`], [`EmulatorHandle::api_token_by_id`]). It never holds the
/// secret (see [`EmulatorHandle::api_token_secret`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenSnapshot {
    pub id: String,
    pub name: String,
    /// `""` when none was given.
    pub description: String,
    /// `ORGANIZATION`, `WORKSPACE` or `DEPLOYMENT`.
    pub scope: String,
    /// What the scope names: the Organization's, the Workspace's or the Deployment's ID.
    pub entity_id: String,
    /// `STANDARD` or `DIRECT_ACCESS`.
    pub kind: String,
    /// Every role, in the order the API lists them.
    pub roles: Vec<ApiTokenRoleSnapshot>,
    pub expiry_period_in_days: Option<i64>,
    pub start_at: String,
    /// `None`: never expires.
    pub end_at: Option<String>,
    /// Whether `end_at` had passed when the snapshot was taken.
    pub expired: bool,
    pub created_at: String,
    pub updated_at: String,
    /// Who created it: a user's email, or an API token's name (else the subject's ID).
    pub created_by: String,
    /// Who changed it last, likewise.
    pub updated_by: String,
    pub last_used_at: Option<String>,
    pub last_rotated_at: Option<String>,
    /// How many times it was rotated.
    pub rotations: u32,
    /// Deleted (its secret refused).
    pub deleted: bool,
    /// The API's `shortToken`: changes with each rotation.
    pub short_token: String,
}

impl ApiTokenSnapshot {
    /// Its Organization role, if any.
    pub fn organization_role(&self) -> Option<&str> {
        self.roles
            .iter()
            .find(|r| r.entity_type == "ORGANIZATION")
            .map(|r| r.role.as_str())
    }

    /// Its role in a Workspace (by ID), if any.
    pub fn workspace_role(&self, workspace_id: &str) -> Option<&str> {
        self.roles
            .iter()
            .find(|r| r.entity_type == "WORKSPACE" && r.entity_id == workspace_id)
            .map(|r| r.role.as_str())
    }
}

/// A live view of one custom role (from [`EmulatorHandle::custom_roles`],
/// [`EmulatorHandle::custom_role`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomRoleSnapshot {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    /// `DEPLOYMENT`, `WORKSPACE` or `ORGANIZATION`.
    pub scope_type: String,
    /// The Workspaces it is restricted to (empty: any), in the order given.
    pub restricted_workspace_ids: Vec<String>,
    /// Their names, in the same order (`""` for an ID that names no Workspace).
    pub restricted_workspace_names: Vec<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// One role of an API token, as the API's `ApiTokenRole`, with the entity's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiTokenRoleSnapshot {
    /// `ORGANIZATION`, `WORKSPACE`, `DEPLOYMENT`, `DAG` or `DAG_TAG`.
    pub entity_type: String,
    /// The Organization, Workspace or Deployment ID; the DAG ID; the tag.
    pub entity_id: String,
    /// The Organization's, Workspace's or Deployment's name (`None` for DAGs and tags).
    pub entity_name: Option<String>,
    pub role: String,
    /// The Deployment of a DAG or DAG_TAG role.
    pub deployment_id: Option<String>,
}

impl EmulatorBuilder {
    /// Appends `n` generated members after the first Organization's seed users, each with a
    /// role in one or two of its seed Workspaces (see emulator/README.md, "The default seed").
    pub fn users(mut self, n: usize) -> Self {
        self.users = n;
        self
    }

    /// A fixed delay before every API request is answered.
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }

    /// Extra uniform random delay in `[0, d]` per request.
    pub fn jitter(mut self, d: Duration) -> Self {
        self.jitter = d;
        self
    }

    /// Replaces the default seed with one read from a JSON or YAML file.
    pub fn seed_file(mut self, path: impl AsRef<Path>) -> Result<Self, EmulatorError> {
        self.seed = Seed::from_file(path)?;
        Ok(self)
    }

    /// Replaces the default seed.
    pub fn seed(mut self, seed: Seed) -> Result<Self, EmulatorError> {
        seed.validate()?;
        self.seed = seed;
        Ok(self)
    }

    /// The port to listen on (127.0.0.1); 0, the default, picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The lifetime of user tokens and OAuth access tokens (`exp - iat` and `expires_in`);
    /// default 24 hours.
    pub fn access_token_ttl(mut self, ttl: Duration) -> Self {
        self.access_token_ttl = ttl;
        self
    }

    /// GetOrganizationAuditLogs answers at least `bytes` bytes (gzip) for any range that is
    /// not empty, its events spread evenly over the range, instead of the Organization's
    /// realistic timeline (about 960 events a day). For measuring a client's streaming.
    pub fn audit_log_bytes(mut self, bytes: u64) -> Self {
        self.audit_log_bytes = Some(bytes);
        self
    }

    fn prepare(self) -> Result<(std::net::TcpListener, Arc<Shared>), EmulatorError> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port)).map_err(|source| {
            EmulatorError::Bind {
                port: self.port,
                source,
            }
        })?;
        listener
            .set_nonblocking(true)
            .map_err(|source| EmulatorError::Bind {
                port: self.port,
                source,
            })?;
        let addr = local_addr(&listener)?;
        let world = model::World::from_seed(&self.seed, self.users);
        let mut shared = Shared::new(
            world,
            self.latency,
            self.jitter,
            self.access_token_ttl,
            addr,
        );
        shared.audit_log_bytes = self.audit_log_bytes;
        Ok((listener, Arc::new(shared)))
    }

    fn handle(
        shared: Arc<Shared>,
        addr: SocketAddr,
        shutdown: watch::Sender<bool>,
        stopper: Stopper,
    ) -> EmulatorHandle {
        let token = shared.mint(&TokenOptions::default());
        EmulatorHandle {
            shared,
            addr,
            token,
            shutdown,
            stopper: Some(stopper),
        }
    }

    /// Starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<EmulatorHandle, EmulatorError> {
        let (std_listener, shared) = self.prepare()?;
        let addr = local_addr(&std_listener)?;
        let listener = tokio::net::TcpListener::from_std(std_listener).map_err(|source| {
            EmulatorError::Bind {
                port: addr.port(),
                source,
            }
        })?;
        let (tx, rx) = watch::channel(false);
        let task = tokio::spawn(server::run(
            listener,
            shared.clone(),
            rx,
            Duration::from_secs(2),
        ));
        Ok(Self::handle(shared, addr, tx, Stopper::Task(task)))
    }

    /// Starts serving on a background thread with its own multi-thread tokio runtime;
    /// usable from synchronous code (inside a runtime or not).
    pub fn spawn(self) -> Result<EmulatorHandle, EmulatorError> {
        let (std_listener, shared) = self.prepare()?;
        let addr = local_addr(&std_listener)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("astro-emulator")
            .enable_all()
            .build()
            .map_err(EmulatorError::Runtime)?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(std_listener)
        };
        let listener = match listener {
            Ok(l) => l,
            Err(source) => {
                // Dropping a runtime inside another one's async context would panic.
                runtime.shutdown_background();
                return Err(EmulatorError::Bind {
                    port: addr.port(),
                    source,
                });
            }
        };
        let (tx, rx) = watch::channel(false);
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new()
            .name("astro-emulator".into())
            .spawn(move || {
                runtime.block_on(server::run(
                    listener,
                    server_shared,
                    rx,
                    Duration::from_millis(500),
                ));
                runtime.shutdown_timeout(Duration::from_millis(500));
            })
            .map_err(EmulatorError::Runtime)?;
        Ok(Self::handle(shared, addr, tx, Stopper::Thread(thread)))
    }
}

fn workspace_snapshot(w: &model::Workspace) -> WorkspaceSnapshot {
    WorkspaceSnapshot {
        id: w.id.to_string(),
        name: w.name.clone(),
        description: w.description.clone(),
        cicd_enforced_default: w.cicd_enforced_default,
        created_at: util::rfc3339(w.created),
        updated_at: util::rfc3339(w.updated),
    }
}

fn workspace_role_snapshots(
    data: &model::Data,
    roles: &[model::WorkspaceRole],
) -> Vec<WorkspaceRoleSnapshot> {
    roles
        .iter()
        .map(|r| WorkspaceRoleSnapshot {
            workspace_id: r.workspace_id.to_string(),
            workspace_name: data
                .workspace(&r.workspace_id)
                .map(|w| w.name.clone())
                .unwrap_or_default(),
            role: r.role.to_string(),
        })
        .collect()
}

fn deployment_role_snapshots(
    data: &model::Data,
    roles: &[model::DeploymentRole],
) -> Vec<DeploymentRoleSnapshot> {
    roles
        .iter()
        .map(|r| DeploymentRoleSnapshot {
            deployment_id: r.deployment_id.clone(),
            deployment_name: data.deployment(&r.deployment_id).map(|d| d.name.clone()),
            role: r.role.clone(),
        })
        .collect()
}

fn dag_role_snapshots(data: &model::Data, roles: &[model::DagRole]) -> Vec<DagRoleSnapshot> {
    roles
        .iter()
        .map(|r| DagRoleSnapshot {
            deployment_id: r.deployment_id.clone(),
            deployment_name: data.deployment(&r.deployment_id).map(|d| d.name.clone()),
            dag_id: r.dag_id.clone(),
            dag_tag: r.dag_tag.clone(),
            role: r.role.clone(),
        })
        .collect()
}

fn team_snapshot(data: &model::Data, t: &model::Team) -> TeamSnapshot {
    let (members, member_ids) = t
        .members()
        .iter()
        .filter_map(|m| {
            data.user(&m.user_id)
                .map(|u| (u.username.clone(), u.id.clone()))
        })
        .unzip();
    TeamSnapshot {
        id: t.id.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        organization_role: t.organization_role.to_string(),
        is_idp_managed: t.is_idp_managed,
        members,
        member_ids,
        workspace_roles: workspace_role_snapshots(data, &t.workspace_roles),
        deployment_roles: deployment_role_snapshots(data, &t.deployment_roles),
        dag_roles: dag_role_snapshots(data, &t.dag_roles),
        created_at: util::rfc3339(t.created),
        updated_at: util::rfc3339(t.updated),
    }
}

fn api_token_snapshot(data: &model::Data, t: &model::ApiToken) -> ApiTokenSnapshot {
    let subject = |id: &str| -> String {
        if let Some(u) = data.user(id) {
            u.username.clone()
        } else if let Some(t) = data.api_token_any(id) {
            t.name.clone()
        } else {
            id.to_string()
        }
    };
    ApiTokenSnapshot {
        id: t.id.clone(),
        name: t.name.clone(),
        description: t.description.clone(),
        scope: t.scope.to_string(),
        entity_id: t.entity_id.clone(),
        kind: t.kind.to_string(),
        roles: t
            .roles
            .iter()
            .map(|r| ApiTokenRoleSnapshot {
                entity_type: r.entity_type.to_string(),
                entity_id: r.entity_id.clone(),
                entity_name: match r.entity_type {
                    "ORGANIZATION" => Some(data.org.name.clone()),
                    "WORKSPACE" => data.workspace(&r.entity_id).map(|w| w.name.clone()),
                    "DEPLOYMENT" => data.deployment(&r.entity_id).map(|d| d.name.clone()),
                    _ => None,
                },
                role: r.role.clone(),
                deployment_id: r.deployment_id.clone(),
            })
            .collect(),
        expiry_period_in_days: t.expiry_days,
        start_at: util::rfc3339(t.start),
        end_at: t.end.map(util::rfc3339),
        expired: t.expired(util::now_unix()),
        created_at: util::rfc3339(t.created),
        updated_at: util::rfc3339(t.updated),
        created_by: subject(&t.created_by),
        updated_by: subject(&t.updated_by),
        last_used_at: t.last_used.map(util::rfc3339),
        last_rotated_at: t.last_rotated.map(util::rfc3339),
        rotations: t.rotations,
        deleted: t.deleted.is_some(),
        short_token: t.short_token.clone(),
    }
}

fn custom_role_snapshot(data: &model::Data, r: &model::CustomRole) -> CustomRoleSnapshot {
    CustomRoleSnapshot {
        id: r.id.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        scope_type: r.scope_type.to_string(),
        restricted_workspace_ids: r.restricted_workspace_ids.clone(),
        restricted_workspace_names: r
            .restricted_workspace_ids
            .iter()
            .map(|id| {
                data.workspace(id)
                    .map(|w| w.name.clone())
                    .unwrap_or_default()
            })
            .collect(),
        created_at: util::rfc3339(r.created),
        updated_at: util::rfc3339(r.updated),
    }
}

fn local_addr(l: &std::net::TcpListener) -> Result<SocketAddr, EmulatorError> {
    l.local_addr()
        .map_err(|source| EmulatorError::Bind { port: 0, source })
}

enum Stopper {
    Task(tokio::task::JoinHandle<()>),
    Thread(std::thread::JoinHandle<()>),
}

/// A running emulator. Dropping it stops the server.
pub struct EmulatorHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    token: String,
    shutdown: watch::Sender<bool>,
    stopper: Option<Stopper>,
}

impl std::fmt::Debug for EmulatorHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorHandle")
            .field("addr", &self.addr)
            .field("organization_id", &self.shared.org_id)
            .finish()
    }
}

impl EmulatorHandle {
    /// `http://127.0.0.1:PORT/v1`, no trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A valid, never-expiring API token for the first Organization (its permissions are
    /// `organizationId:<first Organization>`), its subject the first Organization's owner.
    pub fn token(&self) -> String {
        self.token.clone()
    }

    /// A fresh user (OAuth) token for the first Organization's first user (ada@example.com in
    /// the default seed), like an access token from `astro login`: JWT-shaped with `sub`,
    /// `iat`, `exp` (now + the access-token TTL), a unique `jti`, and no `permissions`
    /// claim. It covers every Organization its user is a member of.
    pub fn user_token(&self) -> String {
        self.shared.mint_user_token(&self.shared.owner_id)
    }

    /// The identity provider's base URL, `http://127.0.0.1:PORT/auth/`.
    pub fn idp_url(&self) -> String {
        self.shared.idp_base()
    }

    /// The first Organization's ID.
    pub fn organization_id(&self) -> String {
        self.shared.org_id.clone()
    }

    /// Every Organization, in creation order (the first Organization first).
    pub fn organizations(&self) -> Vec<OrganizationSnapshot> {
        lock(&self.shared.data)
            .orgs
            .iter()
            .map(|d| OrganizationSnapshot {
                id: d.org.id.clone(),
                name: d.org.name.clone(),
            })
            .collect()
    }

    /// Mints a token the emulator will accept (unless expired or for another Organization).
    pub fn mint_token(&self, opts: TokenOptions) -> String {
        self.shared.mint(&opts)
    }

    /// Every API request so far (control paths excluded), oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.recorder.requests()
    }

    /// Empties the request log and resets [`Self::max_in_flight`].
    pub fn clear_requests(&self) {
        self.shared.recorder.clear();
    }

    /// The highest number of API requests in flight at once since start (or the last clear).
    pub fn max_in_flight(&self) -> usize {
        self.shared.recorder.max_in_flight()
    }

    /// Queues a scripted fault.
    pub fn inject(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    /// Removes every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// The live state of a user of the first Organization, by email (case-insensitive),
    /// with their Workspace, Deployment and DAG roles.
    pub fn user(&self, email: &str) -> Option<UserSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let u = data.user_by_email(email)?;
        Some(UserSnapshot {
            id: u.id.clone(),
            email: u.username.clone(),
            full_name: u.full_name.clone(),
            organization_role: u.organization_role.map(str::to_string),
            status: u.status.to_string(),
            workspace_roles: workspace_role_snapshots(data, &u.workspace_roles),
            deployment_roles: deployment_role_snapshots(data, &u.deployment_roles),
            dag_roles: dag_role_snapshots(data, &u.dag_roles),
        })
    }

    /// A user's role in a Workspace of the first Organization, both by name (the email
    /// case-insensitively, the Workspace exactly; the first Workspace of that name).
    pub fn workspace_role(&self, email: &str, workspace_name: &str) -> Option<String> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let w = data.workspaces.iter().find(|w| w.name == workspace_name)?;
        data.user_by_email(email)?
            .workspace_roles
            .iter()
            .find(|r| r.workspace_id == w.id)
            .map(|r| r.role.to_string())
    }

    /// A Workspace of the first Organization by name (exact; the first of that name).
    pub fn workspace(&self, name: &str) -> Option<WorkspaceSnapshot> {
        let world = lock(&self.shared.data);
        let w = world.first().workspaces.iter().find(|w| w.name == name)?;
        Some(workspace_snapshot(w))
    }

    /// Every Workspace of the first Organization, in creation order.
    pub fn workspaces(&self) -> Vec<WorkspaceSnapshot> {
        lock(&self.shared.data)
            .first()
            .workspaces
            .iter()
            .map(workspace_snapshot)
            .collect()
    }

    /// The members of a first-Organization Workspace (by name): every user with a role in
    /// it, as (email, role), in user creation order. PENDING invitees included.
    pub fn workspace_members(&self, workspace_name: &str) -> Option<Vec<(String, String)>> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let w = data.workspaces.iter().find(|w| w.name == workspace_name)?;
        Some(
            data.users
                .iter()
                .filter_map(|u| {
                    u.workspace_roles
                        .iter()
                        .find(|r| r.workspace_id == w.id)
                        .map(|r| (u.username.clone(), r.role.to_string()))
                })
                .collect(),
        )
    }

    /// Every Deployment of the first Organization, in creation order.
    pub fn deployments(&self) -> Vec<DeploymentSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        data.deployments
            .iter()
            .map(|d| DeploymentSnapshot {
                id: d.id.clone(),
                name: d.name.clone(),
                workspace_id: d.workspace_id.to_string(),
                workspace_name: data
                    .workspace(&d.workspace_id)
                    .map(|w| w.name.clone())
                    .unwrap_or_default(),
            })
            .collect()
    }

    /// A Deployment of the first Organization by name (exact; the first of that name).
    pub fn deployment(&self, name: &str) -> Option<DeploymentSnapshot> {
        self.deployments().into_iter().find(|d| d.name == name)
    }

    /// A Team of the first Organization by name (exact, case-sensitive; the first of that
    /// name), with its members and roles.
    pub fn team(&self, name: &str) -> Option<TeamSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let t = data.teams.iter().find(|t| t.name == name)?;
        Some(team_snapshot(data, t))
    }

    /// A Team of the first Organization by ID.
    pub fn team_by_id(&self, id: &str) -> Option<TeamSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        Some(team_snapshot(data, data.team(id)?))
    }

    /// Every Team of the first Organization, in creation order.
    pub fn teams(&self) -> Vec<TeamSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        data.teams.iter().map(|t| team_snapshot(data, t)).collect()
    }

    /// The emails of a first-Organization Team's members, by Team name (exact; the first
    /// of that name), in the order they were added.
    pub fn team_members(&self, team_name: &str) -> Option<Vec<String>> {
        self.team(team_name).map(|t| t.members)
    }

    /// The names of the first-Organization Teams a user (by email, case-insensitive) is a
    /// member of, in Team creation order.
    pub fn user_teams(&self, email: &str) -> Option<Vec<String>> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let u = data.user_by_email(email)?;
        Some(
            data.teams
                .iter()
                .filter(|t| t.has_member(&u.id))
                .map(|t| t.name.clone())
                .collect(),
        )
    }

    /// The ID of the open invite for an email (case-insensitive) in the first Organization,
    /// e.g. a PENDING seed user's.
    pub fn invite_id(&self, email: &str) -> Option<String> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let user_id = data.user_by_email(email)?.id.clone();
        data.invites
            .iter()
            .find(|i| i.user_id == user_id)
            .map(|i| i.id.clone())
    }

    /// Every live API token of the first Organization, in creation order.
    pub fn api_tokens(&self) -> Vec<ApiTokenSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        data.api_tokens
            .iter()
            .map(|t| api_token_snapshot(data, t))
            .collect()
    }

    /// An API token of the first Organization by name (exact): the first live token of
    /// that name, else the one of that name deleted last (`deleted: true`).
    pub fn api_token(&self, name: &str) -> Option<ApiTokenSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        let t = data
            .api_tokens
            .iter()
            .find(|t| t.name == name)
            .or_else(|| {
                data.deleted_api_tokens
                    .iter()
                    .rev()
                    .find(|t| t.name == name)
            })?;
        Some(api_token_snapshot(data, t))
    }

    /// An API token of the first Organization by ID, live or deleted.
    pub fn api_token_by_id(&self, id: &str) -> Option<ApiTokenSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        Some(api_token_snapshot(data, data.api_token_any(id)?))
    }

    /// **For tests only**: the current secret (bearer value) of a live API token of the
    /// first Organization, by ID, seeded or created — the value the API showed once (or, for
    /// a seeded token, never). `None` for a deleted or unknown token. An expired token's
    /// secret is given too (the emulator refuses it).
    pub fn api_token_secret(&self, id: &str) -> Option<String> {
        let world = lock(&self.shared.data);
        world.first().api_token(id).map(|t| t.secret.clone())
    }

    /// Every custom role of the first Organization, in creation order.
    pub fn custom_roles(&self) -> Vec<CustomRoleSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        data.custom_roles
            .iter()
            .map(|r| custom_role_snapshot(data, r))
            .collect()
    }

    /// A custom role of the first Organization by its name (exact).
    pub fn custom_role(&self, name: &str) -> Option<CustomRoleSnapshot> {
        let world = lock(&self.shared.data);
        let data = world.first();
        Some(custom_role_snapshot(data, data.custom_role(name)?))
    }

    /// The body GetOrganizationAuditLogs serves now for the first Organization and
    /// `[start, end)` (RFC 3339 date-times): gzip-compressed NDJSON. `None` for a date that
    /// does not parse.
    pub fn audit_log(&self, start: &str, end: &str) -> Option<Vec<u8>> {
        let start = audit_logs::parse_date_time(start)?;
        let end = audit_logs::parse_date_time(end)?;
        let cast = api::audit_logs::cast(lock(&self.shared.data).first());
        let timeline =
            audit_logs::Timeline::new(start, end, util::now_millis(), self.shared.audit_log_bytes);
        Some(audit_logs::AuditLogBody::new(cast, timeline).collect())
    }

    /// How many users the first Organization has now (PENDING included).
    pub fn user_count(&self) -> usize {
        lock(&self.shared.data).first().users.len()
    }

    /// Stops the server and waits (bounded) for open connections to finish.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        match self.stopper.take() {
            Some(Stopper::Task(task)) => {
                let _ = task.await;
            }
            Some(Stopper::Thread(thread)) => {
                let _ = tokio::task::spawn_blocking(move || thread.join()).await;
            }
            None => {}
        }
    }
}

impl Drop for EmulatorHandle {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
        match self.stopper.take() {
            // The task stops by itself (bounded grace); nothing to block on here.
            Some(Stopper::Task(_)) | None => {}
            // Bounded: the server's grace period plus the runtime's shutdown timeout.
            Some(Stopper::Thread(thread)) => {
                let _ = thread.join();
            }
        }
    }
}
