//! `astro deployment user add`: give a member of the Organization a role on a Deployment.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles;
use crate::error::CliError;
use crate::membership;
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is DEPLOYMENT_ADMIN or a custom Deployment role of the Organization, checked \
                  before anything is sent (an unknown one is exit 2, listing the valid ones).\n\n\
                  Examples:\n  astro deployment user add grace@example.com --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  astro de us add cm1abcdefghijklmnopqrstuv -r DEPLOYMENT_VIEWER --deployment-id clrg4v5mo000001cuzllrbrmi --json"
)]
pub struct AddArgs {
    /// The user's email address (any case) or user ID; picked from the Organization's members
    /// without a role on the Deployment when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

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
    let request = membership::Request {
        level: Level::Deployment,
        user: args.user.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    membership::add(ctx, request, deployment_roles::ADMIN).await
}
