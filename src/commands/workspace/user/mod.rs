//! `astro workspace user …`: who is in a Workspace, with which Workspace role.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceUserCommand {
    /// Give a member of the Organization a role in the Workspace
    Add(Lazy<add::AddArgs>),
    /// List the Workspace's members
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Change a member's Workspace role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take a member out of the Workspace
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
}

impl WorkspaceUserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceUserCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            WorkspaceUserCommand::List(Lazy(args)) => list::run(args, ctx).await,
            WorkspaceUserCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            WorkspaceUserCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
        }
    }
}
