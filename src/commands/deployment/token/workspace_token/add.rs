//! `astro deployment token workspace-token add [WORKSPACE_TOKEN]`: give a Workspace API token (of
//! the Deployment's Workspace) a role on the Deployment. Its complete role list, as read right
//! before, goes back with one Deployment entry added; every other role is kept.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles;
use crate::error::CliError;
use crate::place::Level;
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is DEPLOYMENT_ADMIN or a custom Deployment role of the Organization, checked \
                  before anything is sent (an unknown one is exit 2, listing the valid ones). A \
                  token there with that role already: nothing is sent.\n\n\
                  Examples:\n  astro deployment token workspace-token add \"Legacy sync\" --deployment-id Ingestion\n  \
                  astro de to workspace-token add clrj7yn40000005l8r081g9oq -r DEPLOYMENT_ADMIN --deployment-id clrg4v5mo000001cuzllrbrmi --json"
)]
pub struct AddArgs {
    /// The token's name (any case when only one has it) or ID; picked from the Deployment's
    /// Workspace's own tokens without a role on the Deployment when missing
    #[arg(value_name = "WORKSPACE_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// The Deployment role (any case; `admin` for DEPLOYMENT_ADMIN); asked for on a terminal,
    /// starting on the default [default: DEPLOYMENT_ADMIN]
    #[arg(short, long, value_name = "ROLE", value_parser = name_value)]
    pub role: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = token_membership::Request {
        level: Level::Deployment,
        kind: TokenKind::Workspace,
        token: args.token.as_deref(),
        role: args.role,
        role_flag: "--role ROLE",
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    token_membership::add(ctx, request, deployment_roles::ADMIN).await
}
