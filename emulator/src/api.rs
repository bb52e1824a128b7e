//! The HTTP API: the axum router for the emulated Astro v1 operations and the
//! `/_emulator/*` control paths, with auth, validation and the spec's error bodies.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post};
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::auth::{Claims, TokenOptions, TokenStore};
use crate::faults::{FaultQueue, FaultSpec};
use crate::idp::IdpState;
use crate::model::{
    DagRole, Data, DeploymentRole, ORGANIZATION_ROLES, Page, Sort, WORKSPACE_ROLES, WorkspaceRole,
    World, is_email, known,
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
}

/// Locks a mutex, recovering from poisoning (a panicked request must not wedge the server).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub fn new(
        world: World,
        latency: Duration,
        jitter: Duration,
        access_token_ttl: Duration,
        addr: SocketAddr,
    ) -> Shared {
        let org_id = world.first().org.id.clone();
        let owner_id = world.first().owner_id.clone();
        Shared {
            data: Mutex::new(world),
            tokens: Mutex::new(TokenStore::default()),
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
    pub allow: Option<&'static str>,
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
        if let Some(allow) = self.allow {
            r.headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static(allow));
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

fn authorize(shared: &Shared, headers: &HeaderMap, org: Option<&str>) -> Result<Claims, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    let claims = lock(&shared.tokens)
        .check(value)
        .map_err(|e| ApiError::new(StatusCode::UNAUTHORIZED, e.0))?;
    if let Some(org) = org {
        let forbidden = || {
            ApiError::new(
                StatusCode::FORBIDDEN,
                format!("the token does not grant access to Organization {org}"),
            )
        };
        let world = lock(&shared.data);
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
    Ok(claims)
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

    /// All values of a repeated key (comma-separated values are split too).
    fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key || *k == format!("{key}[]"))
            .flat_map(|(_, v)| v.split(','))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
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
        let limit = self.int("limit", 20, Some(1000), errs) as usize;
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

    fn boolean(&self, key: &str, errs: &mut Vec<FieldError>) {
        if let Some(v) = self.first(key)
            && v != "true"
            && v != "false"
        {
            errs.push(fe("boolean", key, format!("{key} must be true or false")));
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
    authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(USER_SORTS, &mut errs);
    check(errs)?;
    let dag_id = q.first("dagId");
    let dag_tags = q.all("dagTags");
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, users) = if dag_id.is_some() || !dag_tags.is_empty() {
        // DAG filters are rare: filter first, then page the filtered list.
        let unpaged = Page {
            limit: usize::MAX,
            offset: 0,
            sorts: page.sorts.clone(),
        };
        let (_, all) = data.list_users(q.first("workspaceId"), q.first("deploymentId"), &unpaged);
        let kept: Vec<_> = all
            .into_iter()
            .filter(|u| {
                u.dag_roles.iter().any(|r| {
                    dag_id.is_some_and(|d| r.dag_id.as_deref() == Some(d))
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
        data.list_users(q.first("workspaceId"), q.first("deploymentId"), &page)
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
    authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let user = data
        .user(&user)
        .ok_or_else(|| ApiError::not_found("User"))?;
    ok(user)
}

async fn update_user_roles(
    State(sh): S,
    headers: HeaderMap,
    Path((org, user_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    authorize(&sh, &headers, Some(&org))?;
    let body = json_object(&body)?;
    let mut errs = vec![];
    let org_role = match member(&body, "organizationRole") {
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
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let workspace_roles = member(&body, "workspaceRoles").and_then(|v| {
        let items = array_field(v, "workspaceRoles", &mut errs)?;
        let mut out = vec![];
        for (i, item) in items.iter().enumerate() {
            let at = format!("workspaceRoles[{i}]");
            let ws = string_field(item, "workspaceId", &at, &mut errs);
            let role = string_field(item, "role", &at, &mut errs);
            if let Some(ws) = &ws
                && data.workspace(ws).is_none()
            {
                errs.push(fe(
                    "exists",
                    &format!("{at}.workspaceId"),
                    format!("{at}.workspaceId: no Workspace {ws} in this Organization"),
                ));
            }
            if let Some(r) = &role
                && !WORKSPACE_ROLES.contains(&r.as_str())
            {
                errs.push(fe(
                    "oneof",
                    &format!("{at}.role"),
                    format!(
                        "{at}.role {r:?} must be one of {}",
                        WORKSPACE_ROLES.join(", ")
                    ),
                ));
            }
            if let (Some(workspace_id), Some(role)) = (ws, role) {
                out.push(WorkspaceRole { workspace_id, role });
            }
        }
        Some(out)
    });
    drop(world);
    let deployment_roles = member(&body, "deploymentRoles").and_then(|v| {
        let items = array_field(v, "deploymentRoles", &mut errs)?;
        let mut out = vec![];
        for (i, item) in items.iter().enumerate() {
            let at = format!("deploymentRoles[{i}]");
            let d = string_field(item, "deploymentId", &at, &mut errs);
            let r = string_field(item, "role", &at, &mut errs);
            if let (Some(deployment_id), Some(role)) = (d, r) {
                out.push(DeploymentRole {
                    deployment_id,
                    role,
                });
            }
        }
        Some(out)
    });
    let dag_roles = member(&body, "dagRoles").and_then(|v| {
        let items = array_field(v, "dagRoles", &mut errs)?;
        let mut out = vec![];
        for (i, item) in items.iter().enumerate() {
            let at = format!("dagRoles[{i}]");
            let d = string_field(item, "deploymentId", &at, &mut errs);
            let r = string_field(item, "role", &at, &mut errs);
            let dag_id = item
                .get("dagId")
                .and_then(Value::as_str)
                .map(str::to_string);
            let dag_tag = item
                .get("dagTag")
                .and_then(Value::as_str)
                .map(str::to_string);
            if dag_id.is_none() && dag_tag.is_none() {
                errs.push(fe(
                    "required",
                    &format!("{at}.dagId"),
                    format!("{at}: dagId or dagTag is required"),
                ));
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
    let needs_org_role =
        member(&body, "workspaceRoles").is_some() || member(&body, "deploymentRoles").is_some();
    if needs_org_role && member(&body, "organizationRole").is_none() {
        errs.push(fe(
            "required",
            "organizationRole",
            "organizationRole is required when workspaceRoles or deploymentRoles are given",
        ));
    }
    check(errs)?;
    let now = now_unix();
    let roles = org_data_mut(&mut lock(&sh.data), &org)?
        .update_roles(
            &user_id,
            org_role,
            workspace_roles,
            deployment_roles,
            dag_roles,
            now,
        )
        .ok_or_else(|| ApiError::not_found("User"))?;
    ok(&roles)
}

async fn create_user_invite(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult {
    let claims = authorize(&sh, &headers, Some(&org))?;
    let body = json_object(&body)?;
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
    authorize(&sh, &headers, Some(&org))?;
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
    authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(WORKSPACE_SORTS, &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, items) = data.list_workspaces(&q.all("workspaceIds"), &q.all("names"), &page);
    let items = items.iter().map(|w| data.workspace_json(w)).collect();
    paginated("workspaces", items, total, &page)
}

async fn get_workspace(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let w = data
        .workspace(&id)
        .ok_or_else(|| ApiError::not_found("Workspace"))?;
    ok(&data.workspace_json(w))
}

async fn list_teams(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(TEAM_SORTS, &mut errs);
    check(errs)?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, items) = data.list_teams(
        &q.all("names"),
        q.first("workspaceId"),
        q.first("deploymentId"),
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
    authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let t = data.team(&id).ok_or_else(|| ApiError::not_found("Team"))?;
    ok(&data.team_json(t))
}

async fn get_self_user(State(sh): S, headers: HeaderMap, RawQuery(q): RawQuery) -> ApiResult {
    let claims = authorize(&sh, &headers, None)?;
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

pub fn not_allowed(allow: &'static str) -> ApiError {
    ApiError {
        allow: Some(allow),
        ..ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("method not allowed on this path (allowed: {allow})"),
        )
    }
}

fn not_emulated(operation: &'static str) -> MethodRouter<Arc<Shared>> {
    post(move || async move {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            format!("{operation} exists in the Astro API but is not emulated"),
        )
    })
}

async fn not_emulated_delete(operation: &'static str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        format!("{operation} exists in the Astro API but is not emulated"),
    )
}

/// The whole router: the v1 operations, 405/501 for other methods, 404 elsewhere.
pub fn router(shared: Arc<Shared>) -> Router {
    let org = "/v1/organizations/{org}";
    Router::new()
        .route(
            "/v1/organizations",
            get(list_organizations).fallback(|| async { not_allowed("GET") }),
        )
        .route(
            org,
            get(get_organization)
                .merge(not_emulated("UpdateOrganization"))
                .fallback(|| async { not_allowed("GET, POST") }),
        )
        .route(
            &format!("{org}/users"),
            get(list_users).fallback(|| async { not_allowed("GET") }),
        )
        .route(
            &format!("{org}/users/{{user}}"),
            get(get_user).fallback(|| async { not_allowed("GET") }),
        )
        .route(
            &format!("{org}/users/{{user}}/roles"),
            post(update_user_roles).fallback(|| async { not_allowed("POST") }),
        )
        .route(
            &format!("{org}/invites"),
            post(create_user_invite).fallback(|| async { not_allowed("POST") }),
        )
        .route(
            &format!("{org}/invites/{{invite}}"),
            delete(delete_user_invite).fallback(|| async { not_allowed("DELETE") }),
        )
        .route(
            &format!("{org}/workspaces"),
            get(list_workspaces)
                .merge(not_emulated("CreateWorkspace"))
                .fallback(|| async { not_allowed("GET, POST") }),
        )
        .route(
            &format!("{org}/workspaces/{{workspace}}"),
            get(get_workspace)
                .merge(not_emulated("UpdateWorkspace"))
                .delete(|| not_emulated_delete("DeleteWorkspace"))
                .fallback(|| async { not_allowed("GET, POST, DELETE") }),
        )
        .route(
            &format!("{org}/teams"),
            get(list_teams)
                .merge(not_emulated("CreateTeam"))
                .fallback(|| async { not_allowed("GET, POST") }),
        )
        .route(
            &format!("{org}/teams/{{team}}"),
            get(get_team)
                .merge(not_emulated("UpdateTeam"))
                .delete(|| not_emulated_delete("DeleteTeam"))
                .fallback(|| async { not_allowed("GET, POST, DELETE") }),
        )
        .route(
            "/v1/users/self",
            get(get_self_user).fallback(|| async { not_allowed("GET") }),
        )
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
