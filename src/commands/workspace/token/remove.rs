//! `astro workspace token remove [ORG_TOKEN]` (also `organization-token remove`): take an
//! Organization API token's role in the Workspace away (the token itself, its Organization role
//! and its other roles stay), after asking unless `--force`.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The token is not deleted: it loses its role in this Workspace only. A Workspace's \
                  own token is deleted with `astro workspace token delete`.\n\n\
                  Example:\n  astro workspace token remove \"Platform automation\" --workspace-id \"Data Platform\" --force"
)]
pub struct RemoveArgs {
    /// The Organization token's name (any case when only one has it) or ID; picked from the
    /// Organization tokens in the Workspace when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

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
    let request = token_membership::Request {
        level: Level::Workspace,
        kind: TokenKind::Organization,
        token: args.token.as_deref(),
        role: None,
        role_flag: "--role WORKSPACE_ROLE",
        json: args.json,
        dry_run: args.dry_run,
        force: args.force,
    };
    token_membership::remove(ctx, request).await
}
