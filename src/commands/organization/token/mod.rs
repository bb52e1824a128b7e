//! `astro organization token …` (`to`): the Organization's API tokens.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod roles;
pub mod rotate;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTokenCommand {
    /// List the Organization API tokens, with their role and expiry (never their values)
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Show an Organization API token and every role it has
    Get(Lazy<get::GetArgs>),
    /// List an Organization API token's roles: Organization, Workspaces, Deployments, DAGs
    Roles(Lazy<roles::RolesArgs>),
    /// Create an Organization API token and print its value once
    #[command(visible_alias = "cr")]
    Create(Lazy<create::CreateArgs>),
    /// Give an Organization API token a new value and print it once (the old one stops working)
    #[command(visible_alias = "ro")]
    Rotate(Lazy<rotate::RotateArgs>),
    /// Change an Organization API token's name, description or Organization role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Delete an Organization API token (whatever uses it stops working)
    #[command(visible_alias = "de")]
    Delete(Lazy<delete::DeleteArgs>),
}

impl OrganizationTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTokenCommand::List(Lazy(args)) => list::run(args, ctx).await,
            OrganizationTokenCommand::Get(Lazy(args)) => get::run(args, ctx).await,
            OrganizationTokenCommand::Roles(Lazy(args)) => roles::run(args, ctx).await,
            OrganizationTokenCommand::Create(Lazy(args)) => create::run(args, ctx).await,
            OrganizationTokenCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            OrganizationTokenCommand::Delete(Lazy(args)) => delete::run(args, ctx).await,
            OrganizationTokenCommand::Rotate(Lazy(args)) => rotate::run(args, ctx).await,
        }
    }
}
