//! `astro deployment token get [TOKEN]`: one of the Deployment's own API tokens and all its roles
//! (the Deployment's, and each DAG's, named). Never its secret: the API gives it only when the
//! token is created or rotated.

use crate::cli::{DeploymentReads, FormatArgs, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Deployment's own tokens: an Organization API token is shown by `astro \
                  organization token get`, a Workspace API token by `astro workspace token get`.\n\n\
                  Examples:\n  astro deployment token get \"Ingestion deploys\" --deployment-id Ingestion\n  \
                  astro de to get clrj9abcd000006l8abcdefgh --deployment-id clrg4v5mo000001cuzllrbrmi --jq '.roles[].role'"
)]
pub struct GetArgs {
    /// The token's name (any case when only one of the Deployment's tokens has it) or ID;
    /// picked from the Deployment's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentReads>,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Deployment)?;
    let scope = Level::Deployment.scope(ctx).await?;
    tokens::detail::get(ctx, &scope, args.token.as_deref(), args.format.wants_json()).await
}
