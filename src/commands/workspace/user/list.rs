//! `astro workspace user list`: the Workspace's members and their Workspace roles.

use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::place::Level;
use crate::roles::{Role, RoleParser, WorkspaceRole};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace user list --workspace-id \"Data Platform\"\n  \
                        astro wo us ls --role operator --jq '.users[].email'"
)]
pub struct ListArgs {
    /// Only members with this Workspace role (any case, or a short name such as `author`)
    /// [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR,
    /// WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let role = args.role.map(|r| r.as_str());
    membership::list(ctx, Level::Workspace, role, args.format.wants_json()).await
}
