//! `astro organization role …` (`ro`, `roles`): the roles that can be granted in the
//! Organization.

pub mod list;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationRoleCommand {
    /// List the default and custom roles that can be granted
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
}

impl OrganizationRoleCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationRoleCommand::List(Lazy(args)) => list::run(args, ctx).await,
        }
    }
}
