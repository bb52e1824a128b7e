//! `list` for any scope: an Organization command lists the Organization's own tokens; a
//! Workspace command every token with a role in the Workspace (ListApiTokens `workspaceId`: its
//! own tokens and Organization tokens given a role in it); a Deployment command every token with
//! a role on the Deployment (ListApiTokens `deploymentId`: its own tokens, and Organization and
//! Workspace tokens given a role on it or on one of its DAGs); each with its scope and its role
//! there. `--expiring-within DAYS` keeps the tokens to rotate soon.

use serde::Serialize;

use super::{Scope, TokenView};
use crate::api::{ApiToken, TokenFilter};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::time;

/// Which tokens a listing keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filter {
    /// Only tokens expiring within this many days (expired ones included; never-expiring ones
    /// left out).
    pub expiring_within: Option<u32>,
    /// Only tokens of this API scope (`DEPLOYMENT`, `WORKSPACE`, `ORGANIZATION`).
    pub scope: Option<&'static str>,
}

#[derive(Serialize)]
struct TokenList {
    tokens: Vec<TokenView>,
}

/// Whether a token expiring at `end_at` (`None`: never) is within `days` of `now` (or past).
fn expires_within(end_at: Option<&str>, days: u32, now: i64) -> bool {
    end_at
        .and_then(time::parse_rfc3339)
        .is_some_and(|at| at <= now + i64::from(days) * 86_400)
}

/// Prints the scope's tokens `filter` keeps: `{"tokens":[…]}`, or the table `NAME  ID
/// DESCRIPTION  SCOPE  ROLE  EXPIRES  CREATED BY  CREATE DATE`.
pub async fn print_list(
    ctx: &mut Ctx,
    scope: &Scope,
    filter: Filter,
    json: bool,
) -> Result<(), CliError> {
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let spinner = output::Spinner::start(format!("Listing the {}s…", scope.kind().noun));
    let all: Vec<ApiToken> = match scope {
        Scope::Organization => super::list(client, &org, scope).await?,
        Scope::Workspace(ws) => {
            client
                .list_api_tokens(&org, TokenFilter::InWorkspace(&ws.id))
                .await?
        }
        Scope::Deployment(d) => {
            client
                .list_api_tokens(&org, TokenFilter::InDeployment(&d.id))
                .await?
        }
    };
    drop(spinner);
    let now = time::now_unix();
    let views: Vec<TokenView> = all
        .iter()
        .filter(|t| filter.scope.is_none_or(|s| t.scope == s))
        .filter(|t| {
            filter
                .expiring_within
                .is_none_or(|days| expires_within(t.end_at.as_deref(), days, now))
        })
        .map(|t| TokenView::new(t, scope.role_of(t, &org)))
        .collect();
    if ctx.wants_json(json) {
        return ctx.print_json(&TokenList { tokens: views });
    }
    let rows = views
        .into_iter()
        .map(|v| {
            vec![
                v.name,
                v.id,
                v.description,
                v.scope,
                v.role.unwrap_or_else(|| "-".to_owned()),
                time::expiry(v.expires_at.as_deref(), now),
                v.created_by.unwrap_or_default(),
                v.created_at,
            ]
        })
        .collect();
    ctx.print_table(
        &[
            "NAME",
            "ID",
            "DESCRIPTION",
            "SCOPE",
            "ROLE",
            "EXPIRES",
            "CREATED BY",
            "CREATE DATE",
        ],
        (
            &["NAME", "DESCRIPTION", "CREATED BY"],
            &["DESCRIPTION", "CREATED BY", "CREATE DATE", "ID"],
        ),
        rows,
        ("API token", "API tokens"),
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiring_within_counts_the_expired_and_never_the_never_expiring() {
        let now = super::time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let within = |end: Option<&str>, days| super::expires_within(end, days, now);
        assert!(within(Some("2026-12-10T00:00:00Z"), 14));
        assert!(
            within(Some("2026-12-15T00:00:00Z"), 14),
            "exactly DAYS away"
        );
        assert!(!within(Some("2026-12-15T00:00:01Z"), 14));
        assert!(within(Some("2024-02-17T13:00:00Z"), 0), "expired");
        assert!(!within(None, 3650), "never expires");
    }
}
