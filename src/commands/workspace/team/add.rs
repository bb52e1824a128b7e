//! `astro workspace team add`: give a Team a role in a Workspace (its members inherit it).

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace team add \"Platform Team\" --role WORKSPACE_OPERATOR --workspace-id Analytics\n  \
                        astro wo te add cm1team000000000000000000 -r author --json"
)]
pub struct AddArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams not
    /// yet in the Workspace when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The Workspace role (any case, or a short name such as `author`); asked for on a terminal,
    /// starting on the default [default: WORKSPACE_MEMBER] [possible values: WORKSPACE_OWNER,
    /// WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
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

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = team_membership::Request {
        level: Level::Workspace,
        team: args.team.as_deref(),
        role: args.role.map(|r| r.as_str().to_owned()),
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    team_membership::add(ctx, request, WorkspaceRole::WorkspaceMember.as_str()).await
}
