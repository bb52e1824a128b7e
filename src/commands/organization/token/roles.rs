//! `astro organization token roles [TOKEN]`: an Organization API token's roles, one row per
//! Organization, Workspace, Deployment, DAG or DAG tag: `ENTITY TYPE  ENTITY ID  ENTITY NAME
//! ROLE`.

use crate::cli::{FormatArgs, Takes, Writes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level, Scope};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "A DAG role's entity is the DAG's ID (DAG) or a DAG tag (DAG_TAG); its name says \
                  which Deployment holds it.\n\n\
                  Examples:\n  astro organization token roles \"Platform automation\"\n  \
                  astro org to roles clrj3obk0000003l8trly6hth --jq '.roles[] | select(.entityType == \"WORKSPACE\") | .entityName'"
)]
pub struct RolesArgs {
    /// The token's name (any case when only one Organization token has it) or ID; picked from
    /// the Organization's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

pub async fn run(args: RolesArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Organization)?;
    tokens::detail::roles(
        ctx,
        &Scope::Organization,
        args.token.as_deref(),
        args.format.wants_json(),
    )
    .await
}
