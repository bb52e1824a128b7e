//! `astro workspace token list`: every API token with a role in the Workspace (ListApiTokens
//! `workspaceId`: its own tokens and Organization tokens given a role in it), with its scope
//! and its role in this Workspace; `--scope` keeps one kind, `--expiring-within` the tokens to
//! rotate soon.

use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::Level;
use crate::tokens::listing::{self, Filter};

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

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let scope = Level::Workspace.scope(ctx).await?;
    let filter = Filter {
        expiring_within: args.expiring_within,
        scope: args.scope.map(|s| match s {
            ScopeFilter::Workspace => "WORKSPACE",
            ScopeFilter::Organization => "ORGANIZATION",
        }),
    };
    listing::print_list(ctx, &scope, filter, args.format.wants_json()).await
}
