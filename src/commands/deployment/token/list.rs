//! `astro deployment token list` (`ls`): every API token with a role on the Deployment
//! (ListApiTokens `deploymentId`: its own tokens, and Organization and Workspace tokens given a
//! role on it or on one of its DAGs), with its scope and its role on this Deployment; `--scope`
//! keeps one kind, `--expiring-within` the tokens to rotate soon.

use crate::cli::{DeploymentReads, FormatArgs, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::Level;
use crate::tokens::listing::{self, Filter};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is the token's role on this Deployment (`-` for a token with only DAG roles \
                  in it). --expiring-within DAYS keeps the tokens whose expiry is at most DAYS days \
                  away, those already expired included (they need rotating too); tokens that never \
                  expire are left out.\n\n\
                  Examples:\n  astro deployment token list --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  astro de to ls --deployment-id clrg4v5mo000001cuzllrbrmi --scope deployment --json --jq '.tokens[].name'"
)]
pub struct ListArgs {
    /// Only the tokens that expire within DAYS days (0-3650), expired ones included
    #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=3650))]
    pub expiring_within: Option<u32>,

    /// Only the Deployment's own tokens (`deployment`), or only the Workspace or Organization
    /// tokens with a role on it (`workspace`, `organization`)
    #[arg(long, value_enum, value_name = "SCOPE")]
    pub scope: Option<ScopeFilter>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentReads>,
}

/// Which tokens `--scope` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScopeFilter {
    Deployment,
    Workspace,
    Organization,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    crate::deployments::require(ctx)?;
    let scope = Level::Deployment.scope(ctx).await?;
    let filter = Filter {
        expiring_within: args.expiring_within,
        scope: args.scope.map(|s| match s {
            ScopeFilter::Deployment => "DEPLOYMENT",
            ScopeFilter::Workspace => "WORKSPACE",
            ScopeFilter::Organization => "ORGANIZATION",
        }),
    };
    listing::print_list(ctx, &scope, filter, args.format.wants_json()).await
}
