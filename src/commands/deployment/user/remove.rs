//! `astro deployment user remove`: take a user's role on a Deployment away, after asking.

use crate::cli::{DeploymentChanges, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Deployment role goes: the user stays in the Organization and keeps their \
                  Workspace and DAG roles.\n\n\
                  Examples:\n  astro deployment user remove grace@example.com --deployment-id Ingestion\n  \
                  astro de us rm grace@example.com --force --json"
)]
pub struct RemoveArgs {
    /// The user's email address (any case) or user ID; picked from the Deployment's users when
    /// missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

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
    let request = membership::Request {
        level: Level::Deployment,
        user: args.user.as_deref(),
        role: None,
        json: args.json,
        dry_run: args.dry_run,
        force: args.force,
    };
    membership::remove(ctx, request).await
}
