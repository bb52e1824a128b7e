//! `astro deployment team …`: which Teams have a role on a Deployment, and which.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DeploymentTeamCommand {
    /// Give a Team a role on the Deployment
    Add(Lazy<add::AddArgs>),
    /// List the Teams with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Change a Team's Deployment role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take a Team's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
}

impl DeploymentTeamCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            DeploymentTeamCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            DeploymentTeamCommand::List(Lazy(args)) => list::run(args, ctx).await,
            DeploymentTeamCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            DeploymentTeamCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
        }
    }
}
