//! `astro workspace token add [ORG_TOKEN]` (also `organization-token add`): give an Organization
//! API token a role in the Workspace. Its complete role list, as read right before, goes back
//! with one Workspace entry added; its Organization role and every other role are kept.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only Organization API tokens: a Workspace's own tokens have their role from `astro \
                  workspace token create` and `update`.\n\n\
                  Examples:\n  astro workspace token add \"Platform automation\" --role author --workspace-id Analytics\n  \
                  astro wo to organization-token add clrj3obk0000003l8trly6hth -r WORKSPACE_OPERATOR --json"
)]
pub struct AddArgs {
    /// The Organization token's name (any case when only one has it) or ID; picked from the
    /// Organization tokens not yet in the Workspace when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// The Workspace role (any case, or a short name such as `author`); asked for on a terminal,
    /// starting on the default [default: WORKSPACE_MEMBER] [possible values: WORKSPACE_OWNER,
    /// WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
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

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
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
    token_membership::add(ctx, request, WorkspaceRole::WorkspaceMember.as_str()).await
}
