//! `astro workspace team update`: change a Team's Workspace role.

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  astro workspace team update \"Platform Team\" --role WORKSPACE_OWNER --workspace-id \"Data Platform\""
)]
pub struct UpdateArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Workspace's
    /// Teams when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The new Workspace role (any case, or a short name such as `operator`); asked for on a
    /// terminal when missing [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR,
    /// WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = team_membership::Request {
        level: Level::Workspace,
        team: args.team.as_deref(),
        role: args.role.map(|r| r.as_str().to_owned()),
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    team_membership::update(ctx, request).await
}
