//! `astro organization token delete [TOKEN]` (`de`): delete an Organization API token (whatever
//! uses it stops working at once), after asking (unless `--force`).

use crate::cli::{Changes, Takes, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level, Scope};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Deleting the token `astro` itself is using (ASTRO_API_TOKEN) is warned about \
                  first; afterwards it no longer works. A Workspace's own token is deleted with \
                  `astro workspace token delete`.\n\n\
                  Examples:\n  astro organization token delete \"Nightly export\"\n  \
                  astro org to de clrj5thc0000004l84xzwvilu --force --json"
)]
pub struct DeleteArgs {
    /// The token's name (any case when only one Organization token has it) or ID; picked from
    /// the Organization's tokens on a terminal when missing
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
    pub globals: Takes<Changes>,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Organization)?;
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting an API token")?;
    tokens::delete::delete(
        ctx,
        &Scope::Organization,
        args.token.as_deref(),
        args.force,
        args.json,
        args.dry_run,
    )
    .await
}
