//! `astro deployment token delete [TOKEN]` (`de`): delete one of the Deployment's own API tokens
//! (its secret stops working at once), after asking (unless `--force`). Only a DEPLOYMENT-scoped
//! token of this Deployment can be named: deleting an Organization or Workspace token from a
//! Deployment command is impossible (exit 2, nothing sent); their role on the Deployment is
//! taken away with `organization-token remove` or `workspace-token remove`.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Deployment's own tokens: an Organization or Workspace API token is deleted \
                  with `astro organization token delete` or `astro workspace token delete`, and \
                  loses its role on the Deployment with `astro deployment token organization-token \
                  remove` or `workspace-token remove`.\n\n\
                  Examples:\n  astro deployment token delete \"Ingestion deploys\" --deployment-id Ingestion\n  \
                  astro de to de clrj9abcd000006l8abcdefgh --deployment-id clrg4v5mo000001cuzllrbrmi --force --json"
)]
pub struct DeleteArgs {
    /// The token's name (any case when only one of the Deployment's tokens has it) or ID;
    /// picked from the Deployment's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// Delete without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Deployment)?;
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting an API token")?;
    let scope = Level::Deployment.scope(ctx).await?;
    tokens::delete::delete(
        ctx,
        &scope,
        args.token.as_deref(),
        args.force,
        args.json,
        args.dry_run,
    )
    .await
}
