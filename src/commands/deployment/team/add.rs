//! `astro deployment team add`: give a Team a role on a Deployment.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles;
use crate::error::CliError;
use crate::place::Level;
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is DEPLOYMENT_ADMIN or a custom Deployment role of the Organization, checked \
                  before anything is sent. Only the Team's Deployment roles change: its \
                  Organization, Workspace and DAG roles stay as they are.\n\n\
                  Examples:\n  astro deployment team add \"Platform Team\" --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  astro de te add clrhjy5c000000164wjlm5wfr -r DEPLOYMENT_VIEWER --deployment-id clrg4v5mo000001cuzllrbrmi --json"
)]
pub struct AddArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams
    /// without a role on the Deployment when missing
    #[arg(value_name = "TEAM", value_parser = name_value)]
    pub team: Option<String>,

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
    let request = team_membership::Request {
        level: Level::Deployment,
        team: args.team.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    team_membership::add(ctx, request, deployment_roles::ADMIN).await
}
