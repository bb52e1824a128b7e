//! `astro workspace token …` (`to`): a Workspace's API tokens.

pub mod create;
pub mod rotate;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceTokenCommand {
    /// Create a Workspace API token and print its value once
    #[command(visible_alias = "cr")]
    Create(create::CreateArgs),
    /// Give a Workspace API token a new value and print it once (the old one stops working)
    #[command(visible_alias = "ro")]
    Rotate(rotate::RotateArgs),
}

impl WorkspaceTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceTokenCommand::Create(args) => create::run(args, ctx).await,
            WorkspaceTokenCommand::Rotate(args) => rotate::run(args, ctx).await,
        }
    }
}
