//! `astro organization token get [TOKEN]`: an Organization API token on one screen: its fields,
//! its Organization role, and each Workspace, Deployment and DAG role with the name of what it
//! is on. Never its value (only `create` and `rotate` have one to show).

use crate::cli::{FormatArgs, Takes, Writes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level, Scope};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "A role in a Workspace or Deployment the token in use cannot list keeps its ID; its \
                  name is \"(unknown)\" (null in JSON). A Workspace's own token is shown by `astro \
                  workspace token get`.\n\n\
                  Examples:\n  astro organization token get \"CI deploy\"\n  \
                  astro org to get clrize000000001l88aik0i0y --jq '.roles[] | select(.entityType == \"WORKSPACE\") | .entityName'"
)]
pub struct GetArgs {
    /// The token's name (any case when only one Organization token has it) or ID; picked from
    /// the Organization's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Organization)?;
    tokens::detail::get(
        ctx,
        &Scope::Organization,
        args.token.as_deref(),
        args.format.wants_json(),
    )
    .await
}
