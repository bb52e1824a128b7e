//! `astro organization team …` (`te`, `teams`): the Organization's Teams, named by ID or name.

pub mod user;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTeamCommand {
    /// Manage the members of a Team
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(user::TeamUserCommand),
}

impl OrganizationTeamCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTeamCommand::User(command) => command.run(ctx).await,
        }
    }
}
