//! The HTTP API: the axum router for the emulated Astro v1 operations and the
//! `/_emulator/*` control paths, with auth, validation and the spec's error bodies.

pub(crate) mod audit_logs;
mod roles;
mod tokens;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, delete, get, on, post};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::auth::{ApiTokenRef, Claims, TokenOptions, TokenStore};
use crate::faults::{FaultQueue, FaultSpec};
use crate::idp::IdpState;
use crate::model::{
    CLOUD_PROVIDERS, DagRole, Data, DeleteWorkspaceError, DeploymentRole, DeploymentRoleProblem,
    NewTeam, ORGANIZATION_ROLES, Page, Sort, TeamError, WORKSPACE_ROLES, WorkspaceDefaults,
    WorkspaceFields, WorkspaceRole, World, is_email, known,
};
use crate::recorder::Recorder;
use crate::util::{SplitMix64, cuid, now_unix, parse_query};

/// Everything the server shares between requests. Every lock is held only for
/// synchronous work, never across an `.await`.
#[derive(Debug)]
pub struct Shared {
    pub data: Mutex<World>,
    pub tokens: Mutex<TokenStore>,
    pub idp: Mutex<IdpState>,
    pub faults: Mutex<FaultQueue>,
    pub recorder: Recorder,
    pub latency: Duration,
    pub jitter: Duration,
    pub rng: Mutex<SplitMix64>,
    request_counter: AtomicU64,
    /// The first Organization's ID.
    pub org_id: String,
    /// The first Organization's first user: the default token's and the IdP's user.
    pub owner_id: String,
    /// `exp - iat` of user tokens and OAuth access tokens.
    pub access_token_ttl: Duration,
    pub addr: SocketAddr,
    /// GetOrganizationAuditLogs' body size, when one was asked for (`--audit-log-bytes`).
    pub audit_log_bytes: Option<u64>,
}

/// Locks a mutex, recovering from poisoning (a panicked request must not wedge the server).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(
        mut world: World,
        latency: Duration,
        jitter: Duration,
        access_token_ttl: Duration,
        addr: SocketAddr,
    ) -> Shared {
        let org_id = world.first().org.id.clone();
        let owner_id = world.first().owner_id.clone();
        // The seed's API tokens get their secrets now.
        let mut tokens = TokenStore::default();
        for data in &mut world.orgs {
            let org = data.org.id.clone();
            for t in &mut data.api_tokens {
                mint_secret(&mut tokens, &org, t);
            }
        }
        Shared {
            data: Mutex::new(world),
            tokens: Mutex::new(tokens),
            idp: Mutex::new(IdpState::default()),
            faults: Mutex::new(FaultQueue::default()),
            recorder: Recorder::default(),
            latency,
            jitter,
            rng: Mutex::new(SplitMix64(0x5EED)),
            request_counter: AtomicU64::new(0),
            org_id,
            owner_id,
            access_token_ttl,
            addr,
            audit_log_bytes: None,
        }
    }

    /// A fresh request ID (CUID-shaped).
    pub fn next_request_id(&self) -> String {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed) + 1;
        cuid("request", n, now_unix())
    }

    /// The delay for one request: the fixed latency plus uniform jitter in `[0, jitter]`.
    pub fn delay(&self) -> Duration {
        let jitter_ns = self.jitter.as_nanos() as u64;
        let extra = if jitter_ns == 0 {
            0
        } else {
            lock(&self.rng).next_u64() % (jitter_ns + 1)
        };
        self.latency + Duration::from_nanos(extra)
    }

    /// Mints a token; defaults to the seed Organization and its owner.
    pub fn mint(&self, opts: &TokenOptions) -> String {
        lock(&self.tokens).mint(opts, &self.org_id, &self.owner_id)
    }

    /// The identity provider's base URL, ending in `/`.
    pub fn idp_base(&self) -> String {
        format!("http://{}/auth/", self.addr)
    }

    /// Mints a user (OAuth) access token for `sub`, expiring after the access-token TTL.
    pub fn mint_user_token(&self, sub: &str) -> String {
        let exp = now_unix().saturating_add(self.access_token_ttl.as_secs() as i64);
        lock(&self.tokens).mint_user(sub, exp, crate::idp::AUDIENCE, &self.idp_base())
    }
}

/// Mints a new secret for an API token and makes it the token's current value (`iat` its
/// `startAt`, `exp` its `endAt`).
pub fn mint_secret(tokens: &mut TokenStore, organization_id: &str, t: &mut crate::model::ApiToken) {
    let reference = ApiTokenRef {
        organization_id: organization_id.to_string(),
        token_id: t.id.clone(),
    };
    let (secret, short) = tokens.mint_api_token(&reference, t.scope_permission(), t.start, t.end);
    t.secret = secret;
    t.short_token = short;
}

/// One entry of `fieldErrors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub code: String,
    pub field: String,
    pub message: String,
}

fn fe(code: &str, field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        code: code.into(),
        field: field.into(),
        message: message.into(),
    }
}

/// An error answer. Handlers return it as a response extension; the server renders the
/// body (`{message, requestId, statusCode, fieldErrors?}`) with the request's ID.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub field_errors: Vec<FieldError>,
    pub allow: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
            field_errors: vec![],
            allow: None,
        }
    }

    fn validation(field_errors: Vec<FieldError>) -> ApiError {
        let message = match field_errors.as_slice() {
            [one] => format!("Invalid request: {}", one.message),
            many => format!(
                "Invalid request: {}",
                many.iter()
                    .map(|f| f.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        };
        ApiError {
            field_errors,
            ..ApiError::new(StatusCode::BAD_REQUEST, message)
        }
    }

    fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found"))
    }

    /// The JSON body for this error.
    pub fn body(&self, request_id: &str) -> Value {
        let mut v = json!({
            "message": self.message,
            "requestId": request_id,
            "statusCode": self.status.as_u16(),
        });
        if !self.field_errors.is_empty() {
            v["fieldErrors"] = json!(self.field_errors);
        }
        v
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        if let Some(allow) = self
            .allow
            .as_deref()
            .and_then(|a| HeaderValue::from_str(a).ok())
        {
            r.headers_mut().insert(header::ALLOW, allow);
        }
        r.extensions_mut().insert(self);
        r
    }
}

type ApiResult = Result<Response, ApiError>;

/// A JSON response with the given status.
pub fn json_response(status: StatusCode, body: &impl Serialize) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    let mut r = (status, bytes).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn ok(body: &impl Serialize) -> ApiResult {
    Ok(json_response(StatusCode::OK, body))
}

// ---------------------------------------------------------------------------------------
// Auth

/// Who is calling, and what they may do in the Organization the request names.
#[derive(Debug, Clone)]
pub struct Caller {
    pub claims: Claims,
    pub access: Access,
}

impl std::ops::Deref for Caller {
    type Target = Claims;

    fn deref(&self) -> &Claims {
        &self.claims
    }
}

/// What a caller may do in an Organization it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Everything: user tokens, the emulator's own tokens (`handle.token()`, `mint_token`),
    /// and API tokens whose Organization role is ORGANIZATION_OWNER.
    Full,
    /// An API token's roles (read when the request came in), short of ORGANIZATION_OWNER.
    Roles {
        token: String,
        organization_role: Option<String>,
        /// (Workspace ID, role).
        workspaces: Vec<(String, String)>,
        /// Deployments it has a Deployment role in.
        deployments: Vec<String>,
    },
}

impl Caller {
    fn refuse(&self, what: &str) -> ApiError {
        let who = match &self.access {
            Access::Full => "the token".to_string(),
            Access::Roles {
                token,
                organization_role: Some(role),
                ..
            } => format!("API token {token:?} ({role})"),
            Access::Roles { token, .. } => {
                format!("API token {token:?} (no Organization role)")
            }
        };
        ApiError::new(StatusCode::FORBIDDEN, format!("{who} may not {what}"))
    }

    /// Reads of the Organization's users, Teams, API tokens and the like: any Organization
    /// role.
    pub fn read_org(&self) -> Result<(), ApiError> {
        match &self.access {
            Access::Full
            | Access::Roles {
                organization_role: Some(_),
                ..
            } => Ok(()),
            Access::Roles { .. } => Err(self.refuse(
                "read this across the Organization: it has roles in Workspaces only \
                 (name one of its Workspaces where the operation takes workspaceId)",
            )),
        }
    }

    /// Changes to the Organization (users' roles, invites, Teams, Workspaces created,
    /// Organization tokens): ORGANIZATION_OWNER.
    pub fn write_org(&self) -> Result<(), ApiError> {
        match &self.access {
            Access::Full => Ok(()),
            Access::Roles { .. } => {
                Err(self.refuse("change the Organization: that needs ORGANIZATION_OWNER"))
            }
        }
    }

    /// Whether the caller sees a Workspace: any Organization role, or a role in it.
    pub fn sees_workspace(&self, workspace_id: &str) -> bool {
        match &self.access {
            Access::Full
            | Access::Roles {
                organization_role: Some(_),
                ..
            } => true,
            Access::Roles { workspaces, .. } => workspaces.iter().any(|(w, _)| w == workspace_id),
        }
    }

    /// `None` when the caller sees every Workspace; otherwise the ones it has a role in.
    pub fn visible_workspaces(&self) -> Option<Vec<String>> {
        match &self.access {
            Access::Roles {
                organization_role: None,
                workspaces,
                ..
            } => Some(workspaces.iter().map(|(w, _)| w.clone()).collect()),
            _ => None,
        }
    }

    /// Whether the caller sees a Deployment (in `workspace_id`): it sees the Workspace, or
    /// has a Deployment role in it.
    pub fn sees_deployment(&self, deployment_id: &str, workspace_id: &str) -> bool {
        self.sees_workspace(workspace_id)
            || matches!(&self.access, Access::Roles { deployments, .. }
                if deployments.iter().any(|d| d == deployment_id))
    }

    pub fn read_workspace(&self, workspace_id: &str) -> Result<(), ApiError> {
        if self.sees_workspace(workspace_id) {
            Ok(())
        } else {
            Err(self.refuse(&format!(
                "read Workspace {workspace_id}: it has no role there"
            )))
        }
    }

    /// Changes within one Workspace (the Workspace itself, its Workspace and Deployment
    /// tokens): ORGANIZATION_OWNER, or WORKSPACE_OWNER in it.
    pub fn write_workspace(&self, workspace_id: &str) -> Result<(), ApiError> {
        match &self.access {
            Access::Full => Ok(()),
            Access::Roles { workspaces, .. }
                if workspaces
                    .iter()
                    .any(|(w, r)| w == workspace_id && r == "WORKSPACE_OWNER") =>
            {
                Ok(())
            }
            Access::Roles { .. } => Err(self.refuse(&format!(
                "change Workspace {workspace_id}: that needs ORGANIZATION_OWNER, or \
                 WORKSPACE_OWNER in it"
            ))),
        }
    }
}

/// Checks the bearer token (401 when missing, malformed, unknown, expired, or an API
/// token's value that was rotated away or whose token was deleted) and, given an
/// Organization, that the token covers it (403; 404 when the token names one that does not
/// exist). An API token's secret also records the use (`lastUsedAt`) and carries the
/// token's roles as the caller's [`Access`].
fn authorize(shared: &Shared, headers: &HeaderMap, org: Option<&str>) -> Result<Caller, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let claims = lock(&shared.tokens)
        .check(value)
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, e.0))?;
    let mut world = lock(&shared.data);
    let mut access = Access::Full;
    if let Some(reference) = &claims.api_token {
        let presented = value
            .and_then(|v| v.trim().split_once(' '))
            .map(|(_, t)| t.trim())
            .unwrap_or_default();
        let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, m);
        let data = world
            .org_mut(&reference.organization_id)
            .ok_or_else(|| unauthorized("unknown token"))?;
        let now = now_unix();
        let t = data
            .api_token_mut(&reference.token_id)
            .ok_or_else(|| unauthorized("this API token was deleted"))?;
        if t.secret != presented {
            return Err(unauthorized(
                "this API token value was rotated: use the value RotateApiToken returned",
            ));
        }
        if t.expired(now) {
            return Err(unauthorized("this API token expired"));
        }
        t.last_used = Some(now);
        if t.organization_role() != Some("ORGANIZATION_OWNER") {
            access = Access::Roles {
                token: t.name.clone(),
                organization_role: t.organization_role().map(str::to_string),
                workspaces: t
                    .roles
                    .iter()
                    .filter(|r| r.entity_type == "WORKSPACE")
                    .map(|r| (r.entity_id.clone(), r.role.clone()))
                    .collect(),
                deployments: t
                    .roles
                    .iter()
                    .filter(|r| r.entity_type == "DEPLOYMENT")
                    .map(|r| r.entity_id.clone())
                    .collect(),
            };
        }
    }
    if let Some(org) = org {
        let forbidden = || {
            ApiError::new(
                StatusCode::FORBIDDEN,
                format!("the token does not grant access to Organization {org}"),
            )
        };
        match claims.covers_organization(org) {
            Some(false) => return Err(forbidden()),
            Some(true) if world.org(org).is_none() => {
                return Err(ApiError::not_found("Organization"));
            }
            Some(true) => {}
            // A user token covers the Organizations its user belongs to (and says nothing
            // about the others, existing or not).
            None if !world.org(org).is_some_and(|d| d.is_member(&claims.sub)) => {
                return Err(forbidden());
            }
            None => {}
        }
    }
    Ok(Caller { claims, access })
}

/// Whether a token covers an existing Organization.
fn covers(claims: &Claims, data: &Data) -> bool {
    claims
        .covers_organization(&data.org.id)
        .unwrap_or_else(|| data.is_member(&claims.sub))
}

/// The state of an Organization `authorize` has let through.
fn org_data<'a>(world: &'a World, org: &str) -> Result<&'a Data, ApiError> {
    world
        .org(org)
        .ok_or_else(|| ApiError::not_found("Organization"))
}

fn org_data_mut<'a>(world: &'a mut World, org: &str) -> Result<&'a mut Data, ApiError> {
    world
        .org_mut(org)
        .ok_or_else(|| ApiError::not_found("Organization"))
}

// ---------------------------------------------------------------------------------------
// Query parameters

struct Query(Vec<(String, String)>);

impl Query {
    fn new(raw: Option<String>) -> Query {
        Query(parse_query(raw.as_deref()))
    }

    fn first(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All values of an array parameter. The document's arrays are `form`-style with
    /// `explode`, i.e. repeated keys (`names=a&names=b`); a value is never split on commas
    /// (a name may contain one).
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// An array filter: like [`Self::all`], but an empty value is a 400 (it can match
    /// nothing and is always a caller's mistake).
    fn filter_values(&self, key: &str, errs: &mut Vec<FieldError>) -> Vec<String> {
        let values = self.all(key);
        if values.iter().any(|v| v.is_empty()) {
            errs.push(fe(
                "required",
                key,
                format!("{key} must not contain an empty value"),
            ));
        }
        values
    }

    /// A single-valued filter (the first if repeated); present but empty is a 400.
    fn filter_value(&self, key: &str, errs: &mut Vec<FieldError>) -> Option<String> {
        let v = self.first(key)?;
        if v.is_empty() {
            errs.push(fe("required", key, format!("{key} must not be empty")));
            return None;
        }
        Some(v.to_string())
    }

    fn int(&self, key: &str, default: i64, max: Option<i64>, errs: &mut Vec<FieldError>) -> i64 {
        let Some(raw) = self.first(key) else {
            return default;
        };
        match raw.trim().parse::<i64>() {
            Err(_) => {
                errs.push(fe(
                    "numeric",
                    key,
                    format!("{key} must be an integer, got {raw:?}"),
                ));
                default
            }
            Ok(n) if n < 0 => {
                errs.push(fe("min", key, format!("{key} must be at least 0, got {n}")));
                default
            }
            Ok(n) if max.is_some_and(|m| n > m) => {
                errs.push(fe(
                    "max",
                    key,
                    format!("{key} must be at most {}, got {n}", max.unwrap_or_default()),
                ));
                default
            }
            Ok(n) => n,
        }
    }

    fn page(&self, sort_fields: &[&str], errs: &mut Vec<FieldError>) -> Page {
        self.page_up_to(sort_fields, Some(1000), errs)
    }

    /// Paging with the given maximum `limit` (ListDeployments documents none).
    fn page_up_to(
        &self,
        sort_fields: &[&str],
        max_limit: Option<i64>,
        errs: &mut Vec<FieldError>,
    ) -> Page {
        let limit = self.int("limit", 20, max_limit, errs) as usize;
        let offset = self.int("offset", 0, None, errs) as usize;
        let mut sorts = vec![];
        for s in self.all("sorts") {
            match s.split_once(':') {
                Some((field, dir))
                    if sort_fields.contains(&field) && (dir == "asc" || dir == "desc") =>
                {
                    sorts.push(Sort {
                        field: field.to_string(),
                        descending: dir == "desc",
                    })
                }
                _ => errs.push(fe(
                    "oneof",
                    "sorts",
                    format!(
                        "sorts {s:?} must be one of {}",
                        sort_fields
                            .iter()
                            .flat_map(|f| [format!("{f}:asc"), format!("{f}:desc")])
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
            }
        }
        Page {
            limit,
            offset,
            sorts,
        }
    }

    fn one_of(&self, key: &str, allowed: &[&str], errs: &mut Vec<FieldError>) -> Option<String> {
        let v = self.first(key)?;
        if allowed.contains(&v) {
            Some(v.to_string())
        } else {
            errs.push(fe(
                "oneof",
                key,
                format!("{key} {v:?} must be one of {}", allowed.join(", ")),
            ));
            None
        }
    }

    /// An array parameter of enum values (repeated keys): each value one of `allowed`,
    /// anything else (an empty value included) a 400.
    fn enum_values(&self, key: &str, allowed: &[&str], errs: &mut Vec<FieldError>) -> Vec<String> {
        let values = self.all(key);
        for v in &values {
            if !allowed.contains(&v.as_str()) {
                errs.push(fe(
                    "oneof",
                    key,
                    format!("{key} {v:?} must be one of {}", allowed.join(", ")),
                ));
            }
        }
        values
    }

    fn boolean(&self, key: &str, errs: &mut Vec<FieldError>) {
        self.flag(key, errs);
    }

    /// A boolean parameter: `true` or `false` (anything else, empty included, is a 400).
    fn flag(&self, key: &str, errs: &mut Vec<FieldError>) -> Option<bool> {
        match self.first(key)? {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                errs.push(fe("boolean", key, format!("{key} must be true or false")));
                None
            }
        }
    }
}

fn check(errs: Vec<FieldError>) -> Result<(), ApiError> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errs))
    }
}

fn paginated(key: &str, items: Vec<Value>, total: usize, page: &Page) -> ApiResult {
    let mut m = Map::new();
    m.insert(key.into(), Value::Array(items));
    m.insert("limit".into(), json!(page.limit));
    m.insert("offset".into(), json!(page.offset));
    m.insert("totalCount".into(), json!(total));
    ok(&m)
}

// ---------------------------------------------------------------------------------------
// Request bodies

/// The JSON object body of an operation whose document gives only an `application/json`
/// request body: another (or no) `Content-Type` is a 400 with a field error on `body`.
fn json_body(headers: &HeaderMap, body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let media_type = content_type
        .as_deref()
        .and_then(|c| c.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media_type.as_deref() != Some("application/json") {
        let got = content_type.map_or_else(|| "none".to_string(), |c| format!("{c:?}"));
        return Err(ApiError::validation(vec![fe(
            "contentType",
            "body",
            format!("the request body must be application/json (Content-Type: {got})"),
        )]));
    }
    json_object(body)
}

fn json_object(body: &Bytes) -> Result<Map<String, Value>, ApiError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::validation(vec![fe(
            "invalid",
            "body",
            format!("request body is not valid JSON: {e}"),
        )])
    })?;
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(ApiError::validation(vec![fe(
            "type",
            "body",
            "request body must be a JSON object",
        )])),
    }
}

/// A present, non-null member of the body.
fn member<'a>(body: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    body.get(key).filter(|v| !v.is_null())
}

fn string_field(item: &Value, key: &str, at: &str, errs: &mut Vec<FieldError>) -> Option<String> {
    match item.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            errs.push(fe(
                "required",
                &format!("{at}.{key}"),
                format!("{at}.{key} is required"),
            ));
            None
        }
        Some(_) => {
            errs.push(fe(
                "type",
                &format!("{at}.{key}"),
                format!("{at}.{key} must be a string"),
            ));
            None
        }
    }
}

fn array_field<'a>(
    v: &'a Value,
    field: &str,
    errs: &mut Vec<FieldError>,
) -> Option<&'a Vec<Value>> {
    match v.as_array() {
        Some(a) => Some(a),
        None => {
            errs.push(fe("type", field, format!("{field} must be an array")));
            None
        }
    }
}

// ---------------------------------------------------------------------------------------
// Handlers: the Astro v1 operations

pub type S = State<Arc<Shared>>;

const USER_SORTS: &[&str] = &["id", "username", "fullName", "createdAt", "updatedAt"];
const ORG_SORTS: &[&str] = &["name", "createdAt", "updatedAt"];
const WORKSPACE_SORTS: &[&str] = &["name", "createdAt", "updatedAt"];
const TEAM_SORTS: &[&str] = &["name", "description", "createdAt", "updatedAt"];
const DEPLOYMENT_SORTS: &[&str] = &["name", "createdAt", "updatedAt"];
const TEAM_MEMBER_SORTS: &[&str] = &["userId", "fullName", "username", "createdAt"];

async fn list_organizations(State(sh): S, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    let claims = authorize(&sh, &headers, None)?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(ORG_SORTS, &mut errs);
    let plan = q.one_of(
        "productPlan",
        &["TRIAL", "BASIC", "STANDARD", "PREMIUM", "BUSINESS_CRITICAL"],
        &mut errs,
    );
    let astro = q.one_of("astronomerProduct", &["ASTRO"], &mut errs);
    let product = q.one_of("product", &["HOSTED", "HYBRID"], &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let (total, items) = world.list_organizations(
        |d| {
            // Every emulated Organization is HOSTED, on the TEAM plan of ASTRO.
            covers(&claims, d)
                && plan.as_deref().is_none_or(|p| p == "TEAM")
                && astro.as_deref().is_none_or(|a| a == "ASTRO")
                && product.as_deref().is_none_or(|p| p == "HOSTED")
        },
        &page,
    );
    paginated("organizations", items, total, &page)
}

async fn get_organization(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    authorize(&sh, &headers, Some(&org))?;
    let mut errs = vec![];
    Query::new(q).boolean("isLookUpOnly", &mut errs);
    check(errs)?;
    ok(&org_data(&lock(&sh.data), &org)?.organization_json())
}

async fn list_users(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(USER_SORTS, &mut errs);
    let workspace_id = q.filter_value("workspaceId", &mut errs);
    let deployment_id = q.filter_value("deploymentId", &mut errs);
    let dag_id = q.filter_value("dagId", &mut errs);
    let dag_tags = q.filter_values("dagTags", &mut errs);
    check(errs)?;
    match &workspace_id {
        Some(w) => caller.read_workspace(w)?,
        None => caller.read_org()?,
    }
    let (workspace_id, deployment_id) = (workspace_id.as_deref(), deployment_id.as_deref());
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, users) = if dag_id.is_some() || !dag_tags.is_empty() {
        // DAG filters are rare: filter first, then page the filtered list.
        let unpaged = Page {
            limit: usize::MAX,
            offset: 0,
            sorts: page.sorts.clone(),
        };
        let (_, all) = data.list_users(workspace_id, deployment_id, &unpaged);
        let kept: Vec<_> = all
            .into_iter()
            .filter(|u| {
                u.dag_roles.iter().any(|r| {
                    (dag_id.is_some() && r.dag_id == dag_id)
                        || r.dag_tag.as_ref().is_some_and(|t| dag_tags.contains(t))
                })
            })
            .collect();
        let total = kept.len();
        (
            total,
            kept.into_iter()
                .skip(page.offset)
                .take(page.limit)
                .collect(),
        )
    } else {
        data.list_users(workspace_id, deployment_id, &page)
    };
    drop(world);
    let mut m = Map::new();
    m.insert(
        "users".into(),
        serde_json::to_value(&users).unwrap_or_default(),
    );
    m.insert("limit".into(), json!(page.limit));
    m.insert("offset".into(), json!(page.offset));
    m.insert("totalCount".into(), json!(total));
    ok(&m)
}

async fn get_user(
    State(sh): S,
    headers: HeaderMap,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.read_org()?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let user = data
        .user(&user)
        .ok_or_else(|| ApiError::not_found("User"))?;
    ok(user)
}

/// A field error when `key` was seen before in this list; `what` names the thing.
fn unique(
    seen: &mut std::collections::HashSet<String>,
    key: String,
    field: &str,
    what: &str,
    errs: &mut Vec<FieldError>,
) {
    if !seen.insert(key) {
        errs.push(fe(
            "unique",
            field,
            format!("{field}: {what} appears more than once in the list"),
        ));
    }
}

/// A field error (on `field`, e.g. `deploymentRoles[0].role`) when `role` may not be a
/// Deployment role on `deployment_id`: it must be `DEPLOYMENT_ADMIN` or a custom role of
/// scope DEPLOYMENT of the Organization, and such a role restricted to Workspaces must be
/// restricted to ones including the Deployment's. An unknown Deployment (its own error) is
/// checked by name only.
fn deployment_role_error(
    data: &Data,
    field: &str,
    role: &str,
    deployment_id: Option<&str>,
) -> Option<FieldError> {
    Some(match data.deployment_role_problem(role, deployment_id)? {
        DeploymentRoleProblem::Unknown { allowed } => fe(
            "oneof",
            field,
            format!(
                "{field} {role:?} is not a Deployment role of this Organization: it takes {}",
                match allowed.split_first() {
                    Some((admin, custom)) if !custom.is_empty() => format!(
                        "{admin} or a custom role of scope DEPLOYMENT ({})",
                        custom.join(", ")
                    ),
                    _ => "DEPLOYMENT_ADMIN (no custom role of scope DEPLOYMENT exists)".into(),
                }
            ),
        ),
        DeploymentRoleProblem::Restricted {
            restricted_to,
            workspace_id,
        } => fe(
            "restricted",
            field,
            format!(
                "{field} {role:?} is restricted to Workspace{} {}; Deployment {} is in \
                 Workspace {workspace_id}",
                if restricted_to.len() == 1 { "" } else { "s" },
                restricted_to.join(", "),
                deployment_id.unwrap_or_default(),
            ),
        ),
    })
}

/// Validates an UpdateUserRoles body against the Organization's Workspaces, Deployments and
/// custom roles. Every problem becomes a field error.
#[allow(clippy::type_complexity)]
fn parse_roles_body(
    body: &Map<String, Value>,
    data: &Data,
    errs: &mut Vec<FieldError>,
) -> (
    Option<&'static str>,
    Option<Vec<WorkspaceRole>>,
    Option<Vec<DeploymentRole>>,
    Option<Vec<DagRole>>,
) {
    let org_role = match member(body, "organizationRole") {
        None => None,
        Some(Value::String(r)) if known(&ORGANIZATION_ROLES, r).is_some() => {
            known(&ORGANIZATION_ROLES, r)
        }
        Some(other) => {
            errs.push(fe(
                "oneof",
                "organizationRole",
                format!(
                    "organizationRole {other} must be one of {}",
                    ORGANIZATION_ROLES.join(", ")
                ),
            ));
            None
        }
    };
    let deployment_exists = |id: &Option<String>, at: &str, errs: &mut Vec<FieldError>| {
        if let Some(d) = id
            && data.deployment(d).is_none()
        {
            errs.push(fe(
                "exists",
                &format!("{at}.deploymentId"),
                format!("{at}.deploymentId: no Deployment {d} in this Organization"),
            ));
        }
    };
    let workspace_roles = member(body, "workspaceRoles").and_then(|v| {
        let items = array_field(v, "workspaceRoles", errs)?;
        let mut out = vec![];
        let mut seen = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("workspaceRoles[{i}]");
            let ws = string_field(item, "workspaceId", &at, errs);
            let role = string_field(item, "role", &at, errs);
            let workspace = ws.as_deref().and_then(|w| data.workspace(w));
            if let Some(w) = &ws {
                if workspace.is_none() {
                    errs.push(fe(
                        "exists",
                        &format!("{at}.workspaceId"),
                        format!("{at}.workspaceId: no Workspace {w} in this Organization"),
                    ));
                }
                unique(
                    &mut seen,
                    w.clone(),
                    &format!("{at}.workspaceId"),
                    &format!("Workspace {w}"),
                    errs,
                );
            }
            let role = role.and_then(|r| {
                let k = known(&WORKSPACE_ROLES, &r);
                if k.is_none() {
                    errs.push(fe(
                        "oneof",
                        &format!("{at}.role"),
                        format!(
                            "{at}.role {r:?} must be one of {}",
                            WORKSPACE_ROLES.join(", ")
                        ),
                    ));
                }
                k
            });
            if let (Some(w), Some(role)) = (workspace, role) {
                out.push(WorkspaceRole {
                    workspace_id: w.id.clone(),
                    role,
                });
            }
        }
        Some(out)
    });
    let deployment_roles = member(body, "deploymentRoles").and_then(|v| {
        let items = array_field(v, "deploymentRoles", errs)?;
        let mut out = vec![];
        let mut seen = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("deploymentRoles[{i}]");
            let d = string_field(item, "deploymentId", &at, errs);
            let r = string_field(item, "role", &at, errs);
            deployment_exists(&d, &at, errs);
            if let Some(e) = r
                .as_deref()
                .and_then(|r| deployment_role_error(data, &format!("{at}.role"), r, d.as_deref()))
            {
                errs.push(e);
            }
            if let Some(d) = &d {
                unique(
                    &mut seen,
                    d.clone(),
                    &format!("{at}.deploymentId"),
                    &format!("Deployment {d}"),
                    errs,
                );
            }
            if let (Some(deployment_id), Some(role)) = (d, r) {
                out.push(DeploymentRole {
                    deployment_id,
                    role,
                });
            }
        }
        Some(out)
    });
    let dag_roles = member(body, "dagRoles").and_then(|v| {
        let items = array_field(v, "dagRoles", errs)?;
        let mut out = vec![];
        let mut seen = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            let at = format!("dagRoles[{i}]");
            let d = string_field(item, "deploymentId", &at, errs);
            let r = string_field(item, "role", &at, errs);
            deployment_exists(&d, &at, errs);
            let mut optional = |key: &str| match item.get(key) {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(_) => {
                    errs.push(fe(
                        "type",
                        &format!("{at}.{key}"),
                        format!("{at}.{key} must be a non-empty string"),
                    ));
                    None
                }
            };
            let dag_id = optional("dagId");
            let dag_tag = optional("dagTag");
            if dag_id.is_none() && dag_tag.is_none() {
                errs.push(fe(
                    "required",
                    &format!("{at}.dagId"),
                    format!("{at}: dagId or dagTag is required"),
                ));
            }
            if let Some(d) = &d {
                unique(
                    &mut seen,
                    format!("{d}\u{0}{dag_id:?}\u{0}{dag_tag:?}"),
                    &format!("{at}.deploymentId"),
                    "this DAG role's Deployment, DAG and tag",
                    errs,
                );
            }
            if let (Some(deployment_id), Some(role)) = (d, r) {
                out.push(DagRole {
                    dag_id,
                    dag_tag,
                    deployment_id,
                    role,
                });
            }
        }
        Some(out)
    });
    let lists: Vec<&str> = ["workspaceRoles", "deploymentRoles", "dagRoles"]
        .into_iter()
        .filter(|k| member(body, k).is_some())
        .collect();
    if !lists.is_empty() && member(body, "organizationRole").is_none() {
        errs.push(fe(
            "required",
            "organizationRole",
            format!(
                "organizationRole is required when {} {} given",
                lists.join(" and "),
                if lists.len() == 1 { "is" } else { "are" }
            ),
        ));
    }
    (org_role, workspace_roles, deployment_roles, dag_roles)
}

async fn update_user_roles(
    State(sh): S,
    headers: HeaderMap,
    Path((org, user_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let (org_role, workspace_roles, deployment_roles, dag_roles) =
        parse_roles_body(&body, data, &mut errs);
    check(errs)?;
    let roles = data
        .update_roles(
            &user_id,
            org_role,
            workspace_roles,
            deployment_roles,
            dag_roles,
            now_unix(),
        )
        .ok_or_else(|| ApiError::not_found("User"))?;
    ok(&roles)
}

async fn list_user_teams(
    State(sh): S,
    headers: HeaderMap,
    Path((org, user)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.read_org()?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(TEAM_SORTS, &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, teams) = data
        .list_user_teams(&user, &page)
        .ok_or_else(|| ApiError::not_found("User"))?;
    let items = teams.iter().map(|t| data.user_team_json(t)).collect();
    paginated("teams", items, total, &page)
}

async fn create_user_invite(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let email = match member(&body, "inviteeEmail") {
        None => {
            errs.push(fe("required", "inviteeEmail", "inviteeEmail is required"));
            None
        }
        Some(Value::String(e)) if is_email(e.trim()) => Some(e.trim().to_string()),
        Some(other) => {
            errs.push(fe(
                "email",
                "inviteeEmail",
                format!("inviteeEmail {other} is not a valid email address"),
            ));
            None
        }
    };
    let role = match member(&body, "role") {
        None => {
            errs.push(fe("required", "role", "role is required"));
            None
        }
        Some(Value::String(r)) if ORGANIZATION_ROLES.contains(&r.as_str()) => Some(r.clone()),
        Some(other) => {
            errs.push(fe(
                "oneof",
                "role",
                format!(
                    "role {other} must be one of {}",
                    ORGANIZATION_ROLES.join(", ")
                ),
            ));
            None
        }
    };
    check(errs)?;
    let (Some(email), Some(role)) = (email, role) else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"));
    };
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let inviter = if data.user(&claims.sub).is_some() {
        claims.sub.clone()
    } else {
        data.owner_id.clone()
    };
    let (invite, user) = data
        .create_invite(&email, &role, &inviter, now_unix())
        .map_err(|()| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "Invitee has existing role in organization",
            )
        })?;
    ok(&data.invite_json(&invite, &user))
}

async fn delete_user_invite(
    State(sh): S,
    headers: HeaderMap,
    Path((org, invite)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.write_org()?;
    if org_data_mut(&mut lock(&sh.data), &org)?.delete_invite(&invite) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::not_found("Invite"))
    }
}

async fn list_workspaces(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(WORKSPACE_SORTS, &mut errs);
    let ids = q.filter_values("workspaceIds", &mut errs);
    let names = q.filter_values("names", &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, items) = match caller.visible_workspaces() {
        None => data.list_workspaces(&ids, &names, &page),
        // A token with roles in Workspaces only sees those.
        Some(visible) => {
            let ids: Vec<String> = if ids.is_empty() {
                visible
            } else {
                ids.into_iter().filter(|i| visible.contains(i)).collect()
            };
            if ids.is_empty() {
                (0, vec![])
            } else {
                data.list_workspaces(&ids, &names, &page)
            }
        }
    };
    let items = items.iter().map(|w| data.workspace_json(w)).collect();
    paginated("workspaces", items, total, &page)
}

async fn get_workspace(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let w = data
        .workspace(&id)
        .ok_or_else(|| ApiError::not_found("Workspace"))?;
    caller.read_workspace(&id)?;
    ok(&data.workspace_json(w))
}

/// The longest Workspace name (`maxLength` of both request schemas), in characters.
const WORKSPACE_NAME_MAX: usize = 50;

/// Validates a CreateWorkspaceRequest (`update: false`) or an UpdateWorkspaceRequest
/// (`update: true`, where `description` and `cicdEnforcedDefault` are required too).
fn parse_workspace_body(
    body: &Map<String, Value>,
    update: bool,
    errs: &mut Vec<FieldError>,
) -> Option<WorkspaceFields> {
    let required = |key: &str, errs: &mut Vec<FieldError>| {
        errs.push(fe("required", key, format!("{key} is required")));
    };
    let string = |key: &str, errs: &mut Vec<FieldError>| -> Option<Option<String>> {
        match member(body, key) {
            None => Some(None),
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(_) => {
                errs.push(fe("type", key, format!("{key} must be a string")));
                None
            }
        }
    };
    let name = match string("name", errs) {
        Some(Some(n)) if n.trim().is_empty() => {
            required("name", errs);
            None
        }
        Some(Some(n)) if n.chars().count() > WORKSPACE_NAME_MAX => {
            errs.push(fe(
                "max",
                "name",
                format!("name must be at most {WORKSPACE_NAME_MAX} characters long"),
            ));
            None
        }
        Some(Some(n)) => Some(n),
        Some(None) => {
            required("name", errs);
            None
        }
        None => None,
    };
    let description = string("description", errs);
    if update && matches!(description, Some(None)) {
        required("description", errs);
    }
    let cicd = match member(body, "cicdEnforcedDefault") {
        None if update => {
            required("cicdEnforcedDefault", errs);
            None
        }
        None => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            errs.push(fe(
                "type",
                "cicdEnforcedDefault",
                "cicdEnforcedDefault must be true or false",
            ));
            None
        }
    };
    let provider = match member(body, "defaultCloudProvider") {
        None => Some(None),
        Some(Value::String(p)) if known(&CLOUD_PROVIDERS, p).is_some() => {
            Some(known(&CLOUD_PROVIDERS, p))
        }
        Some(other) => {
            errs.push(fe(
                "oneof",
                "defaultCloudProvider",
                format!(
                    "defaultCloudProvider {other} must be one of {}",
                    CLOUD_PROVIDERS.join(", ")
                ),
            ));
            None
        }
    };
    let region = string("defaultRegion", errs);
    let cluster = string("defaultClusterId", errs);
    let defaults = match (provider, region, cluster) {
        (Some(None), Some(None), Some(None)) => Some(None),
        (Some(None), Some(None), Some(Some(c))) if !c.is_empty() => {
            Some(Some(WorkspaceDefaults::Cluster(c)))
        }
        (Some(Some(provider)), Some(Some(region)), Some(None)) if !region.is_empty() => {
            Some(Some(WorkspaceDefaults::Cloud { provider, region }))
        }
        (Some(p), Some(r), Some(c)) => {
            let (field, message) = if c.is_some() && (p.is_some() || r.is_some()) {
                (
                    "defaultClusterId",
                    "defaultClusterId cannot be given with defaultCloudProvider or defaultRegion",
                )
            } else if c.is_some() {
                ("defaultClusterId", "defaultClusterId must not be empty")
            } else if p.is_none() {
                (
                    "defaultCloudProvider",
                    "defaultCloudProvider is required with defaultRegion",
                )
            } else {
                (
                    "defaultRegion",
                    "defaultRegion is required (and not empty) with defaultCloudProvider",
                )
            };
            errs.push(fe("invalid", field, message));
            None
        }
        _ => None,
    };
    Some(WorkspaceFields {
        name: name?,
        description: description?,
        cicd_enforced_default: cicd?,
        defaults: defaults?,
    })
}

async fn create_workspace(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let fields = parse_workspace_body(&body, false, &mut errs);
    check(errs)?;
    let fields = fields.ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"))?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let w = data.create_workspace(fields, &claims.sub, now_unix());
    ok(&data.workspace_json(&w))
}

async fn update_workspace(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let fields = parse_workspace_body(&body, true, &mut errs);
    check(errs)?;
    let fields = fields.ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"))?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    if data.workspace(&id).is_none() {
        return Err(ApiError::not_found("Workspace"));
    }
    claims.write_workspace(&id)?;
    let w = data
        .update_workspace(&id, fields, &claims.sub, now_unix())
        .ok_or_else(|| ApiError::not_found("Workspace"))?;
    ok(&data.workspace_json(&w))
}

async fn delete_workspace(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    if data.workspace(&id).is_some() {
        caller.write_workspace(&id)?;
    }
    match data.delete_workspace(&id, now_unix()) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(DeleteWorkspaceError::NotFound) => Err(ApiError::not_found("Workspace")),
        Err(DeleteWorkspaceError::HasDeployments(n)) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "Workspace {id} still has {n} Deployment{}; delete {} before the Workspace",
                if n == 1 { "" } else { "s" },
                if n == 1 { "it" } else { "them" },
            ),
        )),
    }
}

async fn list_deployments(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    // The document gives ListDeployments' limit no maximum.
    let page = q.page_up_to(DEPLOYMENT_SORTS, None, &mut errs);
    let ids = q.filter_values("deploymentIds", &mut errs);
    let names = q.filter_values("names", &mut errs);
    let workspace_ids = q.filter_values("workspaceIds", &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, items) = match caller.visible_workspaces() {
        None => data.list_deployments(&ids, &names, &workspace_ids, &page),
        // A token with roles in Workspaces (or Deployments) only sees their Deployments.
        Some(_) => {
            let unpaged = Page {
                limit: usize::MAX,
                offset: 0,
                sorts: page.sorts.clone(),
            };
            let (_, all) = data.list_deployments(&ids, &names, &workspace_ids, &unpaged);
            let kept: Vec<_> = all
                .into_iter()
                .filter(|d| caller.sees_deployment(&d.id, &d.workspace_id))
                .collect();
            let total = kept.len();
            (
                total,
                kept.into_iter()
                    .skip(page.offset)
                    .take(page.limit)
                    .collect(),
            )
        }
    };
    let items = items.iter().map(|d| data.deployment_json(d)).collect();
    paginated("deployments", items, total, &page)
}

async fn get_deployment(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let d = data
        .deployment(&id)
        .ok_or_else(|| ApiError::not_found("Deployment"))?;
    if !caller.sees_deployment(&d.id, &d.workspace_id) {
        return Err(caller.refuse(&format!(
            "read Deployment {id}: it has no role in it or its Workspace"
        )));
    }
    ok(&data.deployment_json(d))
}

async fn list_teams(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(TEAM_SORTS, &mut errs);
    let names = q.filter_values("names", &mut errs);
    let workspace_id = q.filter_value("workspaceId", &mut errs);
    let deployment_id = q.filter_value("deploymentId", &mut errs);
    check(errs)?;
    match &workspace_id {
        Some(w) => caller.read_workspace(w)?,
        None => caller.read_org()?,
    }
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    // The document gives ListTeams a 404: a filter naming no Workspace or Deployment.
    if let Some(w) = &workspace_id
        && data.workspace(w).is_none()
    {
        return Err(ApiError::not_found("Workspace"));
    }
    if let Some(d) = &deployment_id
        && data.deployment(d).is_none()
    {
        return Err(ApiError::not_found("Deployment"));
    }
    let (total, items) = data.list_teams(
        &names,
        workspace_id.as_deref(),
        deployment_id.as_deref(),
        &page,
    );
    let items = items.iter().map(|t| data.team_json(t)).collect();
    paginated("teams", items, total, &page)
}

async fn get_team(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.read_org()?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let t = data.team(&id).ok_or_else(|| ApiError::not_found("Team"))?;
    ok(&data.team_json(t))
}

/// What an IdP-managed Team refuses, and where to do it instead.
fn team_error(e: TeamError, refused: &str) -> ApiError {
    match e {
        TeamError::NotFound => ApiError::not_found("Team"),
        TeamError::IdpManaged { name } => ApiError::new(
            StatusCode::BAD_REQUEST,
            format!(
                "Team {name:?} is managed by an identity provider: {refused} in the identity \
                 provider, not through the Astro API (its roles and description can still be \
                 changed here)"
            ),
        ),
        TeamError::NotAMember => ApiError::not_found("Team member"),
    }
}

/// A required Team name: a string that is not blank.
fn team_name(body: &Map<String, Value>, errs: &mut Vec<FieldError>) -> Option<String> {
    match member(body, "name") {
        Some(Value::String(n)) if !n.trim().is_empty() => Some(n.clone()),
        Some(Value::String(_)) | None => {
            errs.push(fe("required", "name", "name is required (and not blank)"));
            None
        }
        Some(_) => {
            errs.push(fe("type", "name", "name must be a string"));
            None
        }
    }
}

/// An optional string member: `Some(None)` when absent or null, `None` on a type error.
fn optional_string(
    body: &Map<String, Value>,
    key: &str,
    errs: &mut Vec<FieldError>,
) -> Option<Option<String>> {
    match member(body, key) {
        None => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => {
            errs.push(fe("type", key, format!("{key} must be a string")));
            None
        }
    }
}

/// A `memberIds` list: non-empty strings, none twice; at least one when `min_one`.
fn member_ids(v: &Value, min_one: bool, errs: &mut Vec<FieldError>) -> Vec<String> {
    let Some(items) = array_field(v, "memberIds", errs) else {
        return vec![];
    };
    if min_one && items.is_empty() {
        errs.push(fe(
            "min",
            "memberIds",
            "memberIds must hold at least one user ID",
        ));
    }
    let mut out = vec![];
    let mut seen = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("memberIds[{i}]");
        match item {
            Value::String(id) if !id.is_empty() => {
                unique(&mut seen, id.clone(), &at, &format!("user {id}"), errs);
                out.push(id.clone());
            }
            Value::String(_) => errs.push(fe("required", &at, format!("{at} is empty"))),
            _ => errs.push(fe("type", &at, format!("{at} must be a string"))),
        }
    }
    out
}

/// A field error for each member ID that is no user of the Organization.
fn check_users_exist(data: &Data, ids: &[String], errs: &mut Vec<FieldError>) {
    for (i, id) in ids.iter().enumerate() {
        if data.user(id).is_none() {
            let at = format!("memberIds[{i}]");
            errs.push(fe(
                "exists",
                &at,
                format!("{at}: no user {id} in this Organization"),
            ));
        }
    }
}

async fn create_team(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let name = team_name(&body, &mut errs);
    let description = optional_string(&body, "description", &mut errs);
    let organization_role = match member(&body, "organizationRole") {
        None => Some("ORGANIZATION_MEMBER"),
        Some(Value::String(r)) if known(&ORGANIZATION_ROLES, r).is_some() => {
            known(&ORGANIZATION_ROLES, r)
        }
        Some(other) => {
            errs.push(fe(
                "oneof",
                "organizationRole",
                format!(
                    "organizationRole {other} must be one of {}",
                    ORGANIZATION_ROLES.join(", ")
                ),
            ));
            None
        }
    };
    let ids = member(&body, "memberIds")
        .map(|v| member_ids(v, false, &mut errs))
        .unwrap_or_default();
    check(errs)?;
    let (Some(name), Some(description), Some(organization_role)) =
        (name, description, organization_role)
    else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"));
    };
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let mut errs = vec![];
    check_users_exist(data, &ids, &mut errs);
    check(errs)?;
    let id = data.create_team(
        NewTeam {
            name,
            description,
            organization_role,
            member_ids: ids,
        },
        &claims.sub,
        now_unix(),
    );
    let t = data.team(&id).ok_or_else(|| ApiError::not_found("Team"))?;
    ok(&data.team_json(t))
}

async fn update_team(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let name = team_name(&body, &mut errs);
    let description = optional_string(&body, "description", &mut errs);
    check(errs)?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"));
    };
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    data.update_team(&id, name, description, &claims.sub, now_unix())
        .map_err(|e| team_error(e, "rename it"))?;
    let t = data.team(&id).ok_or_else(|| ApiError::not_found("Team"))?;
    ok(&data.team_json(t))
}

async fn delete_team(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.write_org()?;
    let mut world = lock(&sh.data);
    org_data_mut(&mut world, &org)?
        .delete_team(&id)
        .map_err(|e| team_error(e, "delete it"))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn list_team_members(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    caller.read_org()?;
    let q = Query::new(q);
    let mut errs = vec![];
    // The document gives ListTeamMembers' limit no maximum.
    let page = q.page_up_to(TEAM_MEMBER_SORTS, None, &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, items) = data
        .list_team_members(&id, &page)
        .ok_or_else(|| ApiError::not_found("Team"))?;
    paginated("teamMembers", items, total, &page)
}

async fn add_team_members(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let ids = match member(&body, "memberIds") {
        None => {
            errs.push(fe("required", "memberIds", "memberIds is required"));
            vec![]
        }
        Some(v) => member_ids(v, true, &mut errs),
    };
    check(errs)?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let team = data
        .team_members_changeable(&id)
        .map_err(|e| team_error(e, "add its members"))?;
    let mut errs = vec![];
    check_users_exist(data, &ids, &mut errs);
    for (i, user) in ids.iter().enumerate() {
        if team.has_member(user) {
            let at = format!("memberIds[{i}]");
            errs.push(fe(
                "member",
                &at,
                format!(
                    "{at}: user {user} is already a member of Team {:?}",
                    team.name
                ),
            ));
        }
    }
    check(errs)?;
    data.add_team_members(&id, &ids, &claims.sub, now_unix())
        .map_err(|e| team_error(e, "add its members"))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn remove_team_member(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id, user)): Path<(String, String, String)>,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let name = data
        .team_members_changeable(&id)
        .map_err(|e| team_error(e, "remove its members"))?
        .name
        .clone();
    match data.remove_team_member(&id, &user, &claims.sub, now_unix()) {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(TeamError::NotAMember) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("User {user} is not a member of Team {name:?}"),
        )),
        Err(e) => Err(team_error(e, "remove its members")),
    }
}

async fn update_team_roles(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    claims.write_org()?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let (org_role, workspace_roles, deployment_roles, dag_roles) =
        parse_roles_body(&body, data, &mut errs);
    // The document requires organizationRole in every UpdateTeamRoles body (a body with a
    // list and without it already has its field error).
    if member(&body, "organizationRole").is_none()
        && !errs.iter().any(|e| e.field == "organizationRole")
    {
        errs.push(fe(
            "required",
            "organizationRole",
            "organizationRole is required",
        ));
    }
    check(errs)?;
    let org_role =
        org_role.ok_or_else(|| ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"))?;
    let roles = data
        .update_team_roles(
            &id,
            org_role,
            workspace_roles,
            deployment_roles,
            dag_roles,
            &claims.sub,
            now_unix(),
        )
        .ok_or_else(|| ApiError::not_found("Team"))?;
    ok(&roles)
}

async fn get_self_user(State(sh): S, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    let claims = authorize(&sh, &headers, None)?;
    if claims.api_token.is_some() {
        // The document gives GetSelfUser no 403; an API token simply is no user.
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "an API token has no user: GetSelfUser needs a user's token",
        ));
    }
    let mut errs = vec![];
    Query::new(q).boolean("createIfNotExist", &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    // The user as seen from the first Organization the token covers that has them
    // (else any Organization that has them).
    let data = world
        .orgs
        .iter()
        .find(|d| d.user(&claims.sub).is_some() && covers(&claims, d))
        .or_else(|| world.orgs.iter().find(|d| d.user(&claims.sub).is_some()))
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "the token's subject is not a known user",
            )
        })?;
    let user = data.user(&claims.sub).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "the token's subject is not a known user",
        )
    })?;
    let mut json = data.self_user_json(user);
    if claims.is_user_token() {
        // A user token spans every Organization of its user: list those roles too.
        for other in world
            .orgs
            .iter()
            .filter(|d| d.org.id != data.org.id && d.is_member(&claims.sub))
        {
            if let (Some(u), Some(roles)) = (other.user(&claims.sub), json["roles"].as_array_mut())
            {
                roles.extend(
                    other.self_user_json(u)["roles"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default(),
                );
            }
        }
    }
    ok(&json)
}

// ---------------------------------------------------------------------------------------
// Control paths

async fn control_requests(State(sh): S) -> Response {
    let requests: Vec<Value> = sh.recorder.requests().iter().map(|r| r.to_json()).collect();
    json_response(
        StatusCode::OK,
        &json!({"requests": requests, "maxInFlight": sh.recorder.max_in_flight()}),
    )
}

async fn control_clear_requests(State(sh): S) -> StatusCode {
    sh.recorder.clear();
    StatusCode::NO_CONTENT
}

async fn control_add_fault(State(sh): S, body: Bytes) -> Result<StatusCode, ApiError> {
    let spec: FaultSpec = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    let fault = spec
        .into_fault()
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("invalid fault: {e}")))?;
    lock(&sh.faults).push(fault);
    Ok(StatusCode::NO_CONTENT)
}

async fn control_clear_faults(State(sh): S) -> StatusCode {
    lock(&sh.faults).clear();
    StatusCode::NO_CONTENT
}

async fn control_mint_token(State(sh): S, body: Bytes) -> ApiResult {
    let opts: TokenOptions = if body.iter().all(u8::is_ascii_whitespace) {
        TokenOptions::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("invalid token options: {e}"),
            )
        })?
    };
    ok(&json!({"token": sh.mint(&opts)}))
}

async fn control_user_token(State(sh): S) -> Response {
    json_response(
        StatusCode::OK,
        &json!({"token": sh.mint_user_token(&sh.owner_id)}),
    )
}

// ---------------------------------------------------------------------------------------
// Routing

pub async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such path in the Astro v1 API")
}

pub fn not_allowed(allow: impl Into<String>) -> ApiError {
    let allow = allow.into();
    ApiError {
        message: format!("method not allowed on this path (allowed: {allow})"),
        allow: Some(allow),
        ..ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "")
    }
}

/// The answer to a documented operation the emulator does not serve.
pub fn not_emulated(operation: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!("{operation} exists in the Astro API but is not emulated"),
    )
}

/// The handler of each documented operation the emulator serves, by operation ID.
fn served(operation_id: &str) -> Option<MethodRouter<Arc<Shared>>> {
    Some(match operation_id {
        "ListOrganizations" => get(list_organizations),
        "GetOrganization" => get(get_organization),
        "ListUsers" => get(list_users),
        "GetUser" => get(get_user),
        "UpdateUserRoles" => post(update_user_roles),
        "ListUserTeams" => get(list_user_teams),
        "CreateUserInvite" => post(create_user_invite),
        "DeleteUserInvite" => delete(delete_user_invite),
        "ListWorkspaces" => get(list_workspaces),
        "GetWorkspace" => get(get_workspace),
        "CreateWorkspace" => post(create_workspace),
        "UpdateWorkspace" => post(update_workspace),
        "DeleteWorkspace" => delete(delete_workspace),
        "ListDeployments" => get(list_deployments),
        "GetDeployment" => get(get_deployment),
        "ListTeams" => get(list_teams),
        "CreateTeam" => post(create_team),
        "GetTeam" => get(get_team),
        "UpdateTeam" => post(update_team),
        "DeleteTeam" => delete(delete_team),
        "ListTeamMembers" => get(list_team_members),
        "AddTeamMembers" => post(add_team_members),
        "RemoveTeamMember" => delete(remove_team_member),
        "UpdateTeamRoles" => post(update_team_roles),
        "ListRoles" => get(roles::list_roles),
        "ListApiTokens" => get(tokens::list_api_tokens),
        "CreateApiToken" => post(tokens::create_api_token),
        "GetApiToken" => get(tokens::get_api_token),
        "UpdateApiToken" => post(tokens::update_api_token),
        "UpdateApiTokenRoles" => post(tokens::update_api_token_roles),
        "RotateApiToken" => post(tokens::rotate_api_token),
        "DeleteApiToken" => delete(tokens::delete_api_token),
        "GetSelfUser" => get(get_self_user),
        "GetOrganizationAuditLogs" => get(audit_logs::get_organization_audit_logs),
        _ => return None,
    })
}

/// The operation IDs [`served`] knows.
#[cfg(test)]
const SERVED: [&str; 34] = [
    "ListOrganizations",
    "GetOrganization",
    "ListUsers",
    "GetUser",
    "UpdateUserRoles",
    "ListUserTeams",
    "CreateUserInvite",
    "DeleteUserInvite",
    "ListWorkspaces",
    "GetWorkspace",
    "CreateWorkspace",
    "UpdateWorkspace",
    "DeleteWorkspace",
    "ListDeployments",
    "GetDeployment",
    "ListTeams",
    "CreateTeam",
    "GetTeam",
    "UpdateTeam",
    "DeleteTeam",
    "ListTeamMembers",
    "AddTeamMembers",
    "RemoveTeamMember",
    "UpdateTeamRoles",
    "ListRoles",
    "ListApiTokens",
    "CreateApiToken",
    "GetApiToken",
    "UpdateApiToken",
    "UpdateApiTokenRoles",
    "RotateApiToken",
    "DeleteApiToken",
    "GetSelfUser",
    "GetOrganizationAuditLogs",
];

/// Methods in the order `Allow` lists them.
const METHOD_ORDER: [&str; 8] = [
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE",
];

/// The `/v1` routes, one per documented path: each documented method is served or answers
/// 501 naming its operation; any other method is a 405 with `Allow`.
fn v1_routes() -> Router<Arc<Shared>> {
    let mut paths: Vec<(String, Vec<&'static crate::spec::Operation>)> = vec![];
    for op in crate::spec::operations() {
        let template = format!("/v1{}", crate::spec::route_template(op.path));
        match paths.iter_mut().find(|(t, _)| *t == template) {
            Some((_, ops)) => ops.push(op),
            None => paths.push((template, vec![op])),
        }
    }
    let mut router = Router::new();
    for (template, mut ops) in paths {
        ops.sort_by_key(|o| METHOD_ORDER.iter().position(|m| *m == o.method));
        let allow = ops
            .iter()
            .map(|o| o.method.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut methods: MethodRouter<Arc<Shared>> = MethodRouter::new();
        for op in ops {
            let handler = served(op.operation_id).unwrap_or_else(|| {
                let id = op.operation_id;
                let filter = match op.method.as_str() {
                    "GET" => MethodFilter::GET,
                    "POST" => MethodFilter::POST,
                    "PUT" => MethodFilter::PUT,
                    "PATCH" => MethodFilter::PATCH,
                    "DELETE" => MethodFilter::DELETE,
                    "HEAD" => MethodFilter::HEAD,
                    "OPTIONS" => MethodFilter::OPTIONS,
                    _ => MethodFilter::TRACE,
                };
                on(filter, move || async move { not_emulated(id) })
            });
            methods = methods.merge(handler);
        }
        let methods = methods.fallback(move || {
            let allow = allow.clone();
            async move { not_allowed(allow) }
        });
        router = router.route(&template, methods);
    }
    router
}

/// The whole router: the documented v1 paths (served, 501 or 405), the control paths and
/// the identity provider, 404 elsewhere.
pub fn router(shared: Arc<Shared>) -> Router {
    v1_routes()
        .route(
            "/_emulator/requests",
            get(control_requests)
                .delete(control_clear_requests)
                .fallback(|| async { not_allowed("GET, DELETE") }),
        )
        .route(
            "/_emulator/faults",
            post(control_add_fault)
                .delete(control_clear_faults)
                .fallback(|| async { not_allowed("POST, DELETE") }),
        )
        .route(
            "/_emulator/tokens",
            post(control_mint_token).fallback(|| async { not_allowed("POST") }),
        )
        .route(
            "/_emulator/user-token",
            post(control_user_token).fallback(|| async { not_allowed("POST") }),
        )
        .merge(crate::idp::routes())
        .fallback(not_found)
        .with_state(shared)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every served operation is in the document, and nothing else is served.
    #[test]
    fn served_operations_are_documented() {
        let documented: Vec<&str> = crate::spec::operations()
            .iter()
            .map(|o| o.operation_id)
            .collect();
        for id in SERVED {
            assert!(served(id).is_some(), "{id} has no handler");
            assert!(documented.contains(&id), "{id} is not in the document");
        }
        let served_count = documented.iter().filter(|id| served(id).is_some()).count();
        assert_eq!(served_count, SERVED.len());
    }
}
