//! `astro workspace token delete [TOKEN]`: delete one of the Workspace's own API tokens (its
//! secret stops working at once), after asking (unless `--force`). Only a WORKSPACE-scoped token
//! of this Workspace can be named: deleting an Organization token from a Workspace command is
//! impossible (exit 2, nothing sent). Deleting the token this run is authenticated with is
//! warned about first.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Workspace's own tokens: an Organization API token is deleted with `astro \
                  organization token delete`, and taken out of the Workspace with `astro workspace \
                  token remove`.\n\n\
                  Examples:\n  astro workspace token delete \"Legacy sync\" --workspace-id \"Data Platform\"\n  \
                  astro wo to de clrj7yn40000005l8r081g9oq --force --json"
)]
pub struct DeleteArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
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
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Workspace)?;
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting an API token")?;
    let scope = Level::Workspace.scope(ctx).await?;
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
