//! `astro deployment team update`: change a Team's role on a Deployment.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  astro deployment team update \"Platform Team\" --role DEPLOYMENT_VIEWER --deployment-id Ingestion"
)]
pub struct UpdateArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the
    /// Deployment's Teams when missing
    #[arg(value_name = "TEAM", value_parser = name_value)]
    pub team: Option<String>,

    /// The new Deployment role (DEPLOYMENT_ADMIN or a custom Deployment role; any case); asked
    /// for on a terminal when missing
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

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = team_membership::Request {
        level: Level::Deployment,
        team: args.team.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    team_membership::update(ctx, request).await
}
