//! `astro deployment user update`: change a user's role on a Deployment.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Deployment role changes: the user's Organization, Workspace and DAG \
                  roles are left as they are.\n\n\
                  Examples:\n  astro deployment user update grace@example.com --role DEPLOYMENT_VIEWER --deployment-id Ingestion\n  \
                  astro de us up grace@example.com -r admin --json"
)]
pub struct UpdateArgs {
    /// The user's email address (any case) or user ID; picked from the Deployment's users when
    /// missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

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
    let request = membership::Request {
        level: Level::Deployment,
        user: args.user.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    membership::update(ctx, request).await
}
