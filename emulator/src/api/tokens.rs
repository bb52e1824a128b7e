//! The seven API-token operations: ListApiTokens, CreateApiToken, GetApiToken,
//! UpdateApiToken, UpdateApiTokenRoles, RotateApiToken and DeleteApiToken. The secret (the
//! document's `token`) is in CreateApiToken's and RotateApiToken's answers only.

use std::collections::HashSet;

use super::*;
use crate::model::{
    ApiToken, NewApiToken, TOKEN_ENTITY_TYPES, TOKEN_KINDS, TOKEN_SCOPES, TokenFilter, TokenRole,
};

const API_TOKEN_SORTS: &[&str] = &[
    "name",
    "description",
    "createdAt",
    "updatedAt",
    "tokenStartAt",
];

/// `UpdateApiTokenRequest`'s `maxLength`s (applied to CreateApiToken too).
const NAME_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 500;

/// `tokenExpiryPeriodInDays`' `minimum` and `maximum`.
const EXPIRY_MIN: i64 = 1;
const EXPIRY_MAX: i64 = 3650;

fn not_found() -> ApiError {
    ApiError::not_found("API token")
}

/// The Workspace a token's own scope lies in: a WORKSPACE token's Workspace, a DEPLOYMENT
/// token's Deployment's; `None` for an ORGANIZATION token.
fn scope_workspace(data: &Data, t: &ApiToken) -> Option<String> {
    match t.scope {
        "WORKSPACE" => Some(t.entity_id.clone()),
        "DEPLOYMENT" => Some(
            data.deployment(&t.entity_id)
                .map(|d| d.workspace_id.to_string())
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

/// Changing a token: an ORGANIZATION token needs ORGANIZATION_OWNER, a narrower one
/// ORGANIZATION_OWNER or WORKSPACE_OWNER in its Workspace.
fn may_change(caller: &Caller, data: &Data, t: &ApiToken) -> Result<(), ApiError> {
    match scope_workspace(data, t) {
        Some(w) => caller.write_workspace(&w),
        None => caller.write_org(),
    }
}

/// Reading a token: any Organization role; or a role in a Workspace the token is scoped to
/// or has a role in.
fn may_read(caller: &Caller, data: &Data, t: &ApiToken) -> Result<(), ApiError> {
    let seen = scope_workspace(data, t).is_some_and(|w| caller.sees_workspace(&w))
        || t.roles
            .iter()
            .any(|r| r.entity_type == "WORKSPACE" && caller.sees_workspace(&r.entity_id));
    if seen { Ok(()) } else { caller.read_org() }
}

/// A required token name: a string, not blank, at most 256 characters.
fn token_name(body: &Map<String, Value>, errs: &mut Vec<FieldError>) -> Option<String> {
    match member(body, "name") {
        Some(Value::String(n)) if n.trim().is_empty() => {
            errs.push(fe("required", "name", "name is required (and not blank)"));
            None
        }
        Some(Value::String(n)) if n.chars().count() > NAME_MAX => {
            errs.push(fe(
                "max",
                "name",
                format!("name must be at most {NAME_MAX} characters long"),
            ));
            None
        }
        Some(Value::String(n)) => Some(n.clone()),
        None => {
            errs.push(fe("required", "name", "name is required"));
            None
        }
        Some(_) => {
            errs.push(fe("type", "name", "name must be a string"));
            None
        }
    }
}

/// An optional description of at most 500 characters: `Some(None)` when absent or null.
fn token_description(
    body: &Map<String, Value>,
    errs: &mut Vec<FieldError>,
) -> Option<Option<String>> {
    let d = optional_string(body, "description", errs)?;
    if d.as_ref()
        .is_some_and(|d| d.chars().count() > DESCRIPTION_MAX)
    {
        errs.push(fe(
            "max",
            "description",
            format!("description must be at most {DESCRIPTION_MAX} characters long"),
        ));
        return None;
    }
    Some(d)
}

pub(super) async fn list_api_tokens(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let page = q.page(API_TOKEN_SORTS, &mut errs);
    let workspace_id = q.filter_value("workspaceId", &mut errs);
    let deployment_id = q.filter_value("deploymentId", &mut errs);
    let dag_id = q.filter_value("dagId", &mut errs);
    let dag_tags = q.filter_values("dagTags", &mut errs);
    let only_organization = q.flag("includeOnlyOrganizationTokens", &mut errs);
    let kind = q.one_of("kind", &TOKEN_KINDS, &mut errs);
    check(errs)?;
    match &workspace_id {
        Some(w) => caller.read_workspace(w)?,
        None => caller.read_org()?,
    }
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    // The document gives ListApiTokens a 404: a filter naming no Workspace or Deployment.
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
    let filter = TokenFilter {
        workspace_id,
        deployment_id,
        dag_id,
        dag_tags,
        only_organization: only_organization.unwrap_or(false),
        kind,
    };
    let (total, items) = data.list_api_tokens(&filter, &page);
    let items = items
        .iter()
        .map(|t| data.api_token_json(t, false))
        .collect();
    paginated("tokens", items, total, &page)
}

pub(super) async fn create_api_token(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let name = token_name(&body, &mut errs);
    let description = token_description(&body, &mut errs);
    let scope = match member(&body, "scope") {
        None => {
            errs.push(fe("required", "scope", "scope is required"));
            None
        }
        Some(Value::String(s)) if known(&TOKEN_SCOPES, s).is_some() => known(&TOKEN_SCOPES, s),
        Some(other) => {
            errs.push(fe(
                "oneof",
                "scope",
                format!("scope {other} must be one of {}", TOKEN_SCOPES.join(", ")),
            ));
            None
        }
    };
    let role = match member(&body, "role") {
        Some(Value::String(r)) if !r.trim().is_empty() => Some(r.clone()),
        Some(Value::String(_)) | None => {
            errs.push(fe("required", "role", "role is required"));
            None
        }
        Some(_) => {
            errs.push(fe("type", "role", "role must be a string"));
            None
        }
    };
    let entity_id = match member(&body, "entityId") {
        None => None,
        Some(Value::String(e)) if !e.is_empty() => Some(e.clone()),
        Some(Value::String(_)) => {
            errs.push(fe("required", "entityId", "entityId must not be empty"));
            None
        }
        Some(_) => {
            errs.push(fe("type", "entityId", "entityId must be a string"));
            None
        }
    };
    let kind = match member(&body, "kind") {
        None => Some("STANDARD"),
        Some(Value::String(k)) if known(&TOKEN_KINDS, k).is_some() => known(&TOKEN_KINDS, k),
        Some(other) => {
            errs.push(fe(
                "oneof",
                "kind",
                format!("kind {other} must be one of {}", TOKEN_KINDS.join(", ")),
            ));
            None
        }
    };
    let expiry = match member(&body, "tokenExpiryPeriodInDays") {
        None => Some(None),
        Some(v) => match v.as_i64() {
            Some(d) if (EXPIRY_MIN..=EXPIRY_MAX).contains(&d) => Some(Some(d)),
            Some(d) => {
                errs.push(fe(
                    if d < EXPIRY_MIN { "min" } else { "max" },
                    "tokenExpiryPeriodInDays",
                    format!(
                        "tokenExpiryPeriodInDays must be from {EXPIRY_MIN} to {EXPIRY_MAX} \
                         (leave it out for a token that never expires), got {d}"
                    ),
                ));
                None
            }
            None => {
                errs.push(fe(
                    "type",
                    "tokenExpiryPeriodInDays",
                    format!("tokenExpiryPeriodInDays must be a whole number of days, got {v}"),
                ));
                None
            }
        },
    };
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    // The role and the entity must fit the scope.
    let mut workspace = None;
    if let (Some(scope), Some(role)) = (scope, &role) {
        let roles_of = match scope {
            "ORGANIZATION" => Some(&ORGANIZATION_ROLES),
            "WORKSPACE" => Some(&WORKSPACE_ROLES),
            _ => None,
        };
        match roles_of {
            Some(roles) if known(roles, role).is_none() => errs.push(fe(
                "oneof",
                "role",
                format!(
                    "role {role:?} does not fit a {scope} token: it takes one of {}",
                    roles.join(", ")
                ),
            )),
            Some(_) => {}
            // DEPLOYMENT_ADMIN or a custom Deployment role that may be used in the
            // Deployment (its Workspace, when the role is restricted).
            None => errs.extend(deployment_role_error(
                data,
                "role",
                role,
                entity_id.as_deref(),
            )),
        }
    }
    match (scope, &entity_id) {
        (Some("ORGANIZATION"), Some(e)) if *e != data.org.id => errs.push(fe(
            "exists",
            "entityId",
            format!(
                "entityId: an ORGANIZATION token's entityId, when given, is this \
                 Organization's ID ({}), not {e}",
                data.org.id
            ),
        )),
        (Some(s @ ("WORKSPACE" | "DEPLOYMENT")), None)
            if !errs.iter().any(|e| e.field == "entityId") =>
        {
            errs.push(fe(
                "required",
                "entityId",
                format!(
                    "entityId is required for a {s} token (the {})",
                    if s == "WORKSPACE" {
                        "Workspace's ID"
                    } else {
                        "Deployment's ID"
                    }
                ),
            ))
        }
        (Some("WORKSPACE"), Some(w)) => match data.workspace(w) {
            Some(ws) => workspace = Some(ws.id.to_string()),
            None => errs.push(fe(
                "exists",
                "entityId",
                format!("entityId: no Workspace {w} in this Organization"),
            )),
        },
        (Some("DEPLOYMENT"), Some(d)) => match data.deployment(d) {
            Some(dep) => workspace = Some(dep.workspace_id.to_string()),
            None => errs.push(fe(
                "exists",
                "entityId",
                format!("entityId: no Deployment {d} in this Organization"),
            )),
        },
        _ => {}
    }
    check(errs)?;
    let (Some(name), Some(description), Some(scope), Some(role), Some(kind), Some(expiry)) =
        (name, description, scope, role, kind, expiry)
    else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"));
    };
    match &workspace {
        Some(w) => caller.write_workspace(w)?,
        None => caller.write_org()?,
    }
    let id = data.create_api_token(
        NewApiToken {
            name,
            description: description.unwrap_or_default(),
            kind,
            scope,
            entity_id: entity_id.unwrap_or_default(),
            role,
            expiry_days: expiry,
        },
        &caller.sub,
        now_unix(),
    );
    let org_id = data.org.id.clone();
    let t = data.api_token_mut(&id).ok_or_else(not_found)?;
    mint_secret(&mut lock(&sh.tokens), &org_id, t);
    let t = data.api_token(&id).ok_or_else(not_found)?;
    ok(&data.api_token_json(t, true))
}

pub(super) async fn get_api_token(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    may_read(&caller, data, t)?;
    ok(&data.api_token_json(t, false))
}

pub(super) async fn update_api_token(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let body = json_body(&headers, &body)?;
    let mut errs = vec![];
    let name = token_name(&body, &mut errs);
    let description = token_description(&body, &mut errs);
    check(errs)?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "Invalid request"));
    };
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    may_change(&caller, data, t)?;
    data.update_api_token(&id, name, description, &caller.sub, now_unix())
        .ok_or_else(not_found)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    ok(&data.api_token_json(t, false))
}

/// An UpdateApiTokenRoles body's `roles`, each checked against the Organization: the
/// entity exists, the role fits the entity type, no entity twice.
fn parse_token_roles(
    body: &Map<String, Value>,
    data: &Data,
    errs: &mut Vec<FieldError>,
) -> Vec<TokenRole> {
    let Some(v) = member(body, "roles") else {
        errs.push(fe(
            "required",
            "roles",
            "roles is required (the token's whole role list)",
        ));
        return vec![];
    };
    let Some(items) = array_field(v, "roles", errs) else {
        return vec![];
    };
    if items.is_empty() {
        errs.push(fe(
            "min",
            "roles",
            "roles must hold at least one role (the token's role on its own scope)",
        ));
    }
    let mut out = vec![];
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("roles[{i}]");
        if !item.is_object() {
            errs.push(fe("type", &at, format!("{at} must be an object")));
            continue;
        }
        let entity_type = match item.get("entityType") {
            Some(Value::String(t)) if known(&TOKEN_ENTITY_TYPES, t).is_some() => {
                known(&TOKEN_ENTITY_TYPES, t)
            }
            None | Some(Value::Null) => {
                errs.push(fe(
                    "required",
                    &format!("{at}.entityType"),
                    format!("{at}.entityType is required"),
                ));
                None
            }
            Some(other) => {
                errs.push(fe(
                    "oneof",
                    &format!("{at}.entityType"),
                    format!(
                        "{at}.entityType {other} must be one of {}",
                        TOKEN_ENTITY_TYPES.join(", ")
                    ),
                ));
                None
            }
        };
        let entity = string_field(item, "entityId", &at, errs);
        let role = string_field(item, "role", &at, errs);
        let deployment = match item.get("deploymentId") {
            None | Some(Value::Null) => None,
            Some(Value::String(d)) if !d.is_empty() => Some(d.clone()),
            Some(_) => {
                errs.push(fe(
                    "type",
                    &format!("{at}.deploymentId"),
                    format!("{at}.deploymentId must be a non-empty string"),
                ));
                None
            }
        };
        let (Some(entity_type), Some(entity), Some(role)) = (entity_type, entity, role) else {
            continue;
        };
        let exists = |errs: &mut Vec<FieldError>, field: &str, what: &str, id: &str| {
            errs.push(fe(
                "exists",
                &format!("{at}.{field}"),
                format!("{at}.{field}: no {what} {id} in this Organization"),
            ));
        };
        let role_error = |errs: &mut Vec<FieldError>, takes: &str| {
            errs.push(fe(
                "oneof",
                &format!("{at}.role"),
                format!("{at}.role {role:?} does not fit a {entity_type} role: it takes {takes}"),
            ));
        };
        match entity_type {
            "ORGANIZATION" => {
                if entity != data.org.id {
                    errs.push(fe(
                        "exists",
                        &format!("{at}.entityId"),
                        format!(
                            "{at}.entityId: {entity} is not this Organization ({})",
                            data.org.id
                        ),
                    ));
                }
                if known(&ORGANIZATION_ROLES, &role).is_none() {
                    role_error(errs, &ORGANIZATION_ROLES.join(", "));
                }
            }
            "WORKSPACE" => {
                if data.workspace(&entity).is_none() {
                    exists(errs, "entityId", "Workspace", &entity);
                }
                if known(&WORKSPACE_ROLES, &role).is_none() {
                    role_error(errs, &WORKSPACE_ROLES.join(", "));
                }
            }
            "DEPLOYMENT" => {
                if data.deployment(&entity).is_none() {
                    exists(errs, "entityId", "Deployment", &entity);
                }
                errs.extend(deployment_role_error(
                    data,
                    &format!("{at}.role"),
                    &role,
                    Some(&entity),
                ));
            }
            // DAG and DAG_TAG: a DAG ID or a tag, in a Deployment; any role name (custom
            // DAG roles exist).
            _ => match &deployment {
                None => errs.push(fe(
                    "required",
                    &format!("{at}.deploymentId"),
                    format!("{at}.deploymentId is required for a {entity_type} role"),
                )),
                Some(d) if data.deployment(d).is_none() => {
                    exists(errs, "deploymentId", "Deployment", d)
                }
                Some(_) => {}
            },
        }
        if deployment.is_some() && !matches!(entity_type, "DAG" | "DAG_TAG") {
            errs.push(fe(
                "invalid",
                &format!("{at}.deploymentId"),
                format!("{at}.deploymentId is only for DAG and DAG_TAG roles"),
            ));
        }
        unique(
            &mut seen,
            format!("{entity_type}\u{0}{entity}\u{0}{deployment:?}"),
            &at,
            &format!("the {entity_type} role on {entity}"),
            errs,
        );
        out.push(TokenRole {
            entity_type,
            entity_id: entity,
            role,
            deployment_id: deployment,
        });
    }
    out
}

/// What a token's scope allows in its role list: an ORGANIZATION token keeps an
/// Organization role; a WORKSPACE token keeps its role in its Workspace and has roles only
/// there (and in its Deployments); a DEPLOYMENT token keeps its role in its Deployment and
/// has roles only there (DAG roles included).
fn check_scope(data: &Data, t: &ApiToken, roles: &[TokenRole], errs: &mut Vec<FieldError>) {
    // The own-scope entry's entity type is the scope's name.
    let own = |r: &TokenRole| r.entity_type == t.scope && r.entity_id == t.entity_id;
    if !roles.iter().any(own) {
        errs.push(fe(
            "required",
            "roles",
            match t.scope {
                "ORGANIZATION" => format!(
                    "roles: an ORGANIZATION token keeps its Organization role: the list needs \
                     an ORGANIZATION entry for {}",
                    t.entity_id
                ),
                scope => format!(
                    "roles: a {scope} token keeps its role on its {}: the list needs a {scope} \
                     entry for {}",
                    if scope == "WORKSPACE" {
                        "Workspace"
                    } else {
                        "Deployment"
                    },
                    t.entity_id
                ),
            },
        ));
    }
    if t.scope == "ORGANIZATION" {
        return;
    }
    for (i, r) in roles.iter().enumerate() {
        let at = format!("roles[{i}]");
        let wrong_type = matches!(
            (t.scope, r.entity_type),
            (_, "ORGANIZATION") | ("DEPLOYMENT", "WORKSPACE")
        );
        if wrong_type {
            errs.push(fe(
                "scope",
                &format!("{at}.entityType"),
                format!("{at}: a {} token has no {} role", t.scope, r.entity_type),
            ));
            continue;
        }
        let inside = match (t.scope, r.entity_type) {
            ("WORKSPACE", "WORKSPACE") => r.entity_id == t.entity_id,
            ("WORKSPACE", _) => r
                .deployment()
                .and_then(|d| data.deployment(d))
                .is_some_and(|d| *d.workspace_id == *t.entity_id),
            (_, _) => r.deployment() == Some(t.entity_id.as_str()),
        };
        if !inside {
            let field = if r.entity_type == "DAG" || r.entity_type == "DAG_TAG" {
                "deploymentId"
            } else {
                "entityId"
            };
            errs.push(fe(
                "scope",
                &format!("{at}.{field}"),
                format!(
                    "{at}: a {} token has roles in its own {} ({}) only",
                    t.scope,
                    if t.scope == "WORKSPACE" {
                        "Workspace and its Deployments"
                    } else {
                        "Deployment"
                    },
                    t.entity_id
                ),
            ));
        }
    }
}

pub(super) async fn update_api_token_roles(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let body = json_body(&headers, &body)?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let mut errs = vec![];
    let roles = parse_token_roles(&body, data, &mut errs);
    check(errs)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    may_change(&caller, data, t)?;
    let mut errs = vec![];
    check_scope(data, t, &roles, &mut errs);
    check(errs)?;
    let roles = data
        .set_api_token_roles(&id, roles, &caller.sub, now_unix())
        .ok_or_else(not_found)?;
    ok(&roles)
}

pub(super) async fn rotate_api_token(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    may_change(&caller, data, t)?;
    let org_id = data.org.id.clone();
    let t = data
        .rotate_api_token(&id, &caller.sub, now_unix())
        .ok_or_else(not_found)?;
    mint_secret(&mut lock(&sh.tokens), &org_id, t);
    let t = data.api_token(&id).ok_or_else(not_found)?;
    ok(&data.api_token_json(t, true))
}

pub(super) async fn delete_api_token(
    State(sh): S,
    headers: HeaderMap,
    Path((org, id)): Path<(String, String)>,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let mut world = lock(&sh.data);
    let data = org_data_mut(&mut world, &org)?;
    let t = data.api_token(&id).ok_or_else(not_found)?;
    may_change(&caller, data, t)?;
    data.delete_api_token(&id, now_unix());
    Ok(StatusCode::NO_CONTENT.into_response())
}
