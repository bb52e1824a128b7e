//! `astro deployment token organization-token remove [ORG_TOKEN]` (`rm`): take an Organization API
//! token's role on the Deployment away (the token itself and its other roles stay), after asking
//! unless `--force`.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The token is not deleted: it loses its role on this Deployment only (its DAG roles \
                  there stay). It is deleted with `astro organization token delete`.\n\n\
                  Example:\n  astro deployment token organization-token remove \"Platform automation\" --deployment-id Ingestion --force"
)]
pub struct RemoveArgs {
    /// The token's name (any case when only one has it) or ID; picked from the Organization tokens
    /// with a role on the Deployment when missing
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
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = token_membership::Request {
        level: Level::Deployment,
        kind: TokenKind::Organization,
        token: args.token.as_deref(),
        role: None,
        role_flag: "--role ROLE",
        json: args.json,
        dry_run: args.dry_run,
        force: args.force,
    };
    token_membership::remove(ctx, request).await
}
