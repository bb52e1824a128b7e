//! ListRoles: the Organization's custom roles (paged) and, when asked, Astro's default
//! roles (not paged), both filtered by scope type.

use super::*;
use crate::model::{DEFAULT_ROLES, ROLE_SCOPE_TYPES};

const ROLE_SORTS: &[&str] = &["name", "scopeType", "description", "createdAt", "updatedAt"];

pub(super) async fn list_roles(
    State(sh): S,
    headers: HeaderMap,
    Path(org): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let caller = authorize(&sh, &headers, Some(&org))?;
    let q = Query::new(q);
    let mut errs = vec![];
    // The document gives ListRoles' limit no maximum.
    let page = q.page_up_to(ROLE_SORTS, None, &mut errs);
    let include_default = q.flag("includeDefaultRoles", &mut errs);
    let scope_types = q.enum_values("scopeTypes", &ROLE_SCOPE_TYPES, &mut errs);
    check(errs)?;
    // organization.customRoles.get: any Organization role.
    if caller.read_org().is_err() {
        return Err(caller.refuse(
            "list the Organization's roles: that needs an Organization role \
             (organization.customRoles.get)",
        ));
    }
    let world = lock(&sh.data);
    let data = org_data(&world, &org)?;
    let (total, roles) = data.list_custom_roles(&scope_types, &page);
    let mut m = Map::new();
    m.insert(
        "roles".into(),
        Value::Array(roles.iter().map(|r| data.custom_role_json(r)).collect()),
    );
    if include_default == Some(true) {
        m.insert(
            "defaultRoles".into(),
            Value::Array(
                DEFAULT_ROLES
                    .iter()
                    .filter(|r| {
                        scope_types.is_empty() || scope_types.iter().any(|s| s == r.scope_type)
                    })
                    .map(|r| r.json())
                    .collect(),
            ),
        );
    }
    m.insert("limit".into(), json!(page.limit));
    m.insert("offset".into(), json!(page.offset));
    m.insert("totalCount".into(), json!(total));
    ok(&m)
}
