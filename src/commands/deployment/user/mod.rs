//! `astro deployment user …`: who has a role on a Deployment, and which.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DeploymentUserCommand {
    /// Give a member of the Organization a role on the Deployment
    Add(Lazy<add::AddArgs>),
    /// List the users with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Change a user's Deployment role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take a user's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
}

impl DeploymentUserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            DeploymentUserCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            DeploymentUserCommand::List(Lazy(args)) => list::run(args, ctx).await,
            DeploymentUserCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            DeploymentUserCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
        }
    }
}
