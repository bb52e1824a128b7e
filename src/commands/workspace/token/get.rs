//! `astro workspace token get [TOKEN]`: one of the Workspace's own API tokens and all its roles
//! (the Workspace's, each Deployment's and DAG's, with the name of what it is in). Never its
//! secret: the API gives it only when the token is created or rotated.

use crate::cli::{FormatArgs, Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Workspace's own tokens: an Organization API token is shown by `astro \
                  organization token get`.\n\n\
                  Examples:\n  astro workspace token get \"Analytics reporting\" --workspace-id Analytics\n  \
                  astro wo to get clrj1j5s0000002l8qgdd6wpp --jq '.roles[].role'"
)]
pub struct GetArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Workspace)?;
    let scope = Level::Workspace.scope(ctx).await?;
    tokens::detail::get(ctx, &scope, args.token.as_deref(), args.format.wants_json()).await
}
