//! `astro deployment user …`: who has a role on a Deployment, and which.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DeploymentUserCommand {
    /// Give a member of the Organization a role on the Deployment
    Add(add::AddArgs),
    /// List the users with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
    /// Change a user's Deployment role
    #[command(visible_alias = "up")]
    Update(update::UpdateArgs),
    /// Take a user's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(remove::RemoveArgs),
}

impl DeploymentUserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            DeploymentUserCommand::Add(args) => add::run(args, ctx).await,
            DeploymentUserCommand::List(args) => list::run(args, ctx).await,
            DeploymentUserCommand::Update(args) => update::run(args, ctx).await,
            DeploymentUserCommand::Remove(args) => remove::run(args, ctx).await,
        }
    }
}
