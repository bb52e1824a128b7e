//! GetOrganizationAuditLogs: the Organization's audit events between `startDate` and
//! `endDate` as a gzip-compressed NDJSON stream (`application/octet-stream`), see
//! `crate::audit_logs`.

use axum::body::Body;

use super::*;
use crate::audit_logs::{AuditLogBody, Cast, Timeline, parse_date_time};

/// Without `startDate`: the whole retention window.
const DEFAULT_DAYS: i64 = crate::audit_logs::RETENTION_DAYS;

pub(super) async fn get_organization_audit_logs(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    let now_ms = crate::util::now_millis();
    let mut date = |key: &str| -> Option<i64> {
        let raw = q.first(key)?;
        match parse_date_time(raw) {
            Some(ms) => Some(ms),
            None => {
                errs.push(fe(
                    "datetime",
                    key,
                    format!(
                        "{key} must be an RFC 3339 date-time (2026-11-01T00:00:00Z), got {raw:?}"
                    ),
                ));
                None
            }
        }
    };
    let start = date("startDate");
    let end = date("endDate");
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        errs.push(fe(
            "range",
            "startDate",
            "startDate must not be after endDate",
        ));
    }
    check(errs)?;
    // organization.auditLogs.get: Organization Owners only.
    if caller.write_org().is_err() {
        return Err(caller.refuse(
            "export the Organization's audit logs: that needs ORGANIZATION_OWNER \
             (organization.auditLogs.get)",
        ));
    }
    let cast = {
        let world = lock(&sh.data);
        cast(org_data(&world, &org)?)
    };
    let end = end.unwrap_or(now_ms);
    let start = start.unwrap_or(end - DEFAULT_DAYS * 86_400_000);
    let timeline = Timeline::new(start, end, now_ms, sh.audit_log_bytes);
    let mut r = Response::new(Body::new(AuditLogBody::new(cast, timeline)));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    Ok(r)
}

/// Who and what an Organization's events name (its first 1,000 users).
pub(crate) fn cast(data: &Data) -> Cast {
    Cast {
        organization_id: data.org.id.clone(),
        users: data
            .users
            .iter()
            .take(1000)
            .map(|u| (u.id.clone(), u.username.clone(), u.full_name.clone()))
            .collect(),
        workspaces: data
            .workspaces
            .iter()
            .map(|w| (w.id.to_string(), w.name.clone()))
            .collect(),
        deployments: data
            .deployments
            .iter()
            .map(|d| (d.id.clone(), d.name.clone(), d.workspace_id.to_string()))
            .collect(),
        teams: data
            .teams
            .iter()
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect(),
        api_tokens: data
            .api_tokens
            .iter()
            .map(|t| (t.id.clone(), t.name.clone()))
            .collect(),
    }
}
