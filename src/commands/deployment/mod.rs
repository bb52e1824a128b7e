//! `astro deployment …` (`de`): access on a Deployment. Only what naming a Deployment needs
//! (`list`); deploying, inspecting and creating Deployments are out of scope.

pub mod list;
pub mod team;
pub mod token;
pub mod user;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DeploymentCommand {
    /// List the Deployments of the Workspace (or, with --all, of the Organization)
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Manage the users with a role on a Deployment
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(Lazy<user::DeploymentUserCommand>),
    /// Manage the Teams with a role on a Deployment
    #[command(subcommand, visible_aliases = ["te", "teams"])]
    Team(Lazy<team::DeploymentTeamCommand>),
    /// Manage a Deployment's API tokens, and the roles of other tokens on it
    #[command(subcommand, visible_alias = "to")]
    Token(Lazy<token::DeploymentTokenCommand>),
}

impl DeploymentCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            DeploymentCommand::List(Lazy(args)) => list::run(args, ctx).await,
            DeploymentCommand::User(Lazy(command)) => command.run(ctx).await,
            DeploymentCommand::Team(Lazy(command)) => command.run(ctx).await,
            DeploymentCommand::Token(Lazy(command)) => command.run(ctx).await,
        }
    }
}
