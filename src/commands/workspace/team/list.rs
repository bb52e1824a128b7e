//! `astro workspace team list`: the Teams with a role in the Workspace, and the role.

use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  astro workspace team list --workspace-id Analytics --json")]
pub struct ListArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    team_membership::list(ctx, Level::Workspace, args.format.wants_json()).await
}
