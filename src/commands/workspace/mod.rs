//! `astro workspace …` (`wo`): Workspaces and who is in them.

pub mod create;
pub mod delete;
pub mod list;
pub mod switch;
pub mod update;
pub mod user;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// List the Organization's Workspaces, the current one marked
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
    /// Make another Workspace the current one in the config file
    #[command(visible_alias = "sw")]
    Switch(switch::SwitchArgs),
    /// Create a Workspace
    #[command(visible_alias = "cr")]
    Create(create::CreateArgs),
    /// Change a Workspace's name, description or CI/CD enforcement
    #[command(visible_alias = "up")]
    Update(update::UpdateArgs),
    /// Delete a Workspace
    #[command(visible_alias = "de")]
    Delete(delete::DeleteArgs),
    /// Manage the users of a Workspace
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(user::WorkspaceUserCommand),
}

impl WorkspaceCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceCommand::List(args) => list::run(args, ctx).await,
            WorkspaceCommand::Switch(args) => switch::run(args, ctx).await,
            WorkspaceCommand::Create(args) => create::run(args, ctx).await,
            WorkspaceCommand::Update(args) => update::run(args, ctx).await,
            WorkspaceCommand::Delete(args) => delete::run(args, ctx).await,
            WorkspaceCommand::User(command) => command.run(ctx).await,
        }
    }
}
