//! `astro workspace token list`: every API token with a role in the Workspace (ListApiTokens
//! `workspaceId`: its own tokens and Organization tokens given a role in it), with its scope
//! and its role in this Workspace; `--scope` keeps one kind, `--expiring-within` the tokens to
//! rotate soon.

use serde::Serialize;

use crate::api::{ApiToken, TokenFilter};
use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::time;
use crate::tokens::{Scope, TokenView};
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is the token's role in this Workspace. --expiring-within DAYS keeps the tokens \
                  whose expiry is at most DAYS days away, those already expired included (they \
                  need rotating too); tokens that never expire are left out.\n\n\
                  Examples:\n  astro workspace token list --workspace-id Analytics\n  \
                  astro wo to ls --expiring-within 14 --json --jq '.tokens[].name'"
)]
pub struct ListArgs {
    /// Only the tokens that expire within DAYS days (0-3650), expired ones included
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: Option<u32>,

    /// Only the Workspace's own tokens (`workspace`), or only the Organization tokens with a role
    /// in it (`organization`)
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub scope: Option<ScopeFilter>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

/// `astro workspace token organization-token list`: `list --scope organization`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace token organization-token list --workspace-id \"Data Platform\"\n  \
                  astro wo to organization-token ls --json"
)]
pub struct OrganizationListArgs {
    /// Only the tokens that expire within DAYS days (0-3650), expired ones included
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: Option<u32>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

impl From<OrganizationListArgs> for ListArgs {
    fn from(args: OrganizationListArgs) -> Self {
        Self {
            expiring_within: args.expiring_within,
            scope: Some(ScopeFilter::Organization),
            format: args.format,
            globals: args.globals,
        }
    }
}

/// Which tokens `--scope` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeFilter {
    Workspace,
    Organization,
}

impl ScopeFilter {
    fn api_scope(self) -> &'static str {
        match self {
            ScopeFilter::Workspace => "WORKSPACE",
            ScopeFilter::Organization => "ORGANIZATION",
        }
    }
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

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let workspace = workspaces::current(ctx).await?;
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let spinner = output::Spinner::start("Listing the Workspace's API tokens…");
    let all = client
        .list_api_tokens(&org, TokenFilter::InWorkspace(&workspace.id))
        .await?;
    drop(spinner);
    let now = time::now_unix();
    let tokens: Vec<ApiToken> = all
        .into_iter()
        .filter(|t| args.scope.is_none_or(|s| t.scope == s.api_scope()))
        .filter(|t| {
            args.expiring_within
                .is_none_or(|days| expires_within(t.end_at.as_deref(), days, now))
        })
        .collect();
    let scope = Scope::Workspace(workspace);
    let views: Vec<TokenView> = tokens
        .iter()
        .map(|t| TokenView::new(t, scope.role_of(t, &org)))
        .collect();
    if ctx.wants_json(args.format.wants_json()) {
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
