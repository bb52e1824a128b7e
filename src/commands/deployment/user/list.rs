//! `astro deployment user list`: the users with a role on a Deployment, and the role.

use crate::cli::{DeploymentReads, FormatArgs, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro deployment user list --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  astro de us ls --deployment-id clrg4v5mo000001cuzllrbrmi --jq '.users[] | select(.deploymentRole == \"DEPLOYMENT_ADMIN\") | .email'"
)]
pub struct ListArgs {
    /// Only users with this Deployment role (any case)
    #[arg(long, value_name = "ROLE", value_parser = name_value)]
    pub role: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentReads>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    membership::list(
        ctx,
        Level::Deployment,
        args.role.as_deref(),
        args.format.wants_json(),
    )
    .await
}
