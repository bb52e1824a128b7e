//! `astro organization token …` (`to`): the Organization's API tokens.

pub mod create;
pub mod rotate;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTokenCommand {
    /// Create an Organization API token and print its value once
    #[command(visible_alias = "cr")]
    Create(create::CreateArgs),
    /// Give an Organization API token a new value and print it once (the old one stops working)
    #[command(visible_alias = "ro")]
    Rotate(rotate::RotateArgs),
}

impl OrganizationTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTokenCommand::Create(args) => create::run(args, ctx).await,
            OrganizationTokenCommand::Rotate(args) => rotate::run(args, ctx).await,
        }
    }
}
