//! `astro deployment team list`: the Teams with a role on a Deployment, and the role.

use crate::cli::{DeploymentReads, FormatArgs, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::team_membership;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  astro deployment team list --deployment-id Ingestion --json")]
pub struct ListArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentReads>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    team_membership::list(ctx, Level::Deployment, args.format.wants_json()).await
}
