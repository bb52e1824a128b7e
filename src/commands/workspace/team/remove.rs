//! `astro workspace team remove`: take a Team out of a Workspace (its other roles stay).

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  astro workspace team remove \"Platform Team\" --workspace-id Analytics --force"
)]
pub struct RemoveArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Workspace's
    /// Teams when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// Remove without asking (needed when not running interactively)
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

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = team_membership::Request {
        level: Level::Workspace,
        team: args.team.as_deref(),
        role: None,
        json: args.json,
        dry_run: args.dry_run,
        force: args.force,
    };
    team_membership::remove(ctx, request).await
}
