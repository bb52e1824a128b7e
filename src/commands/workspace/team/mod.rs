//! `astro workspace team …`: which Teams have a role in a Workspace, and which role.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceTeamCommand {
    /// Give a Team a role in the Workspace
    Add(Lazy<add::AddArgs>),
    /// List the Teams with a role in the Workspace
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Change a Team's Workspace role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take a Team out of the Workspace
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
}

impl WorkspaceTeamCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceTeamCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            WorkspaceTeamCommand::List(Lazy(args)) => list::run(args, ctx).await,
            WorkspaceTeamCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            WorkspaceTeamCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
        }
    }
}
