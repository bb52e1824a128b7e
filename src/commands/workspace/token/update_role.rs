//! `astro workspace token update-role [ORG_TOKEN]` (also `organization-token update`): change an
//! Organization API token's role in the Workspace. Its complete role list, as read right
//! before, goes back with only the Workspace entry changed.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only Organization API tokens: a Workspace's own token changes role with `astro \
                  workspace token update --role`.\n\n\
                  Examples:\n  astro workspace token update-role \"Platform automation\" -r owner --workspace-id \"Data Platform\"\n  \
                  astro wo to organization-token update clrj3obk0000003l8trly6hth -r author --json"
)]
pub struct UpdateRoleArgs {
    /// The Organization token's name (any case when only one has it) or ID; picked from the
    /// Organization tokens in the Workspace when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// The new Workspace role (any case, or a short name such as `operator`); asked for on a
    /// terminal when missing [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR,
    /// WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "WORKSPACE_ROLE", hide_possible_values = true)]
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

pub async fn run(args: UpdateRoleArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = token_membership::Request {
        level: Level::Workspace,
        kind: TokenKind::Organization,
        token: args.token.as_deref(),
        role: args.role.map(|r| r.as_str().to_owned()),
        role_flag: "--role WORKSPACE_ROLE",
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    token_membership::update(ctx, request).await
}
