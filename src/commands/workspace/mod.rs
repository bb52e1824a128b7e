//! `astro workspace …` (`wo`): Workspaces and who is in them.

pub mod user;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Manage the users of a Workspace
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(user::WorkspaceUserCommand),
}

impl WorkspaceCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceCommand::User(command) => command.run(ctx).await,
        }
    }
}
