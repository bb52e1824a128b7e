//! `astro organization team …` (`te`, `teams`): the Organization's Teams, named by ID or name.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod update;
pub mod user;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTeamCommand {
    /// List the Organization's Teams, with their roles and member counts
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Show a Team: its roles (Organization, Workspaces, Deployments) and its members
    Get(Lazy<get::GetArgs>),
    /// Create a Team
    #[command(visible_alias = "cr")]
    Create(Lazy<create::CreateArgs>),
    /// Change a Team's name, description or Organization role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Delete a Team
    #[command(visible_alias = "de")]
    Delete(Lazy<delete::DeleteArgs>),
    /// Manage the members of a Team
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(Lazy<user::TeamUserCommand>),
}

impl OrganizationTeamCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTeamCommand::List(Lazy(args)) => list::run(args, ctx).await,
            OrganizationTeamCommand::Get(Lazy(args)) => get::run(args, ctx).await,
            OrganizationTeamCommand::Create(Lazy(args)) => create::run(args, ctx).await,
            OrganizationTeamCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            OrganizationTeamCommand::Delete(Lazy(args)) => delete::run(args, ctx).await,
            OrganizationTeamCommand::User(Lazy(command)) => command.run(ctx).await,
        }
    }
}

#[cfg(test)]
mod tests;
