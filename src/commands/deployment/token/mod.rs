//! `astro deployment token …` (`to`): the API tokens of a Deployment. `list` shows every token
//! with a role on it (its own, and Organization and Workspace tokens given one); `get`,
//! `create`, `update`, `rotate` and `delete` touch only the Deployment's own (DEPLOYMENT-scoped)
//! tokens, never an Organization or Workspace token; `organization-token add|update|remove|list`
//! and `workspace-token add|update|remove|list` (as the Go CLI spells them) give an
//! Organization token, or a token of the Deployment's Workspace, a role on the Deployment,
//! change it, or take it away.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod organization_token;
pub mod rotate;
pub mod update;
pub mod workspace_token;

#[cfg(test)]
mod tests;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum DeploymentTokenCommand {
    /// List the API tokens with a role on the Deployment: its own, Workspace and Organization
    /// tokens
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Show one of the Deployment's API tokens and its roles
    Get(Lazy<get::GetArgs>),
    /// Create a Deployment API token and print its value once
    #[command(visible_alias = "cr")]
    Create(Lazy<create::CreateArgs>),
    /// Change a Deployment API token's name, description or role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Give a Deployment API token a new value and print it once (the old one stops working)
    #[command(visible_alias = "ro")]
    Rotate(Lazy<rotate::RotateArgs>),
    /// Delete a Deployment API token
    #[command(visible_alias = "de")]
    Delete(Lazy<delete::DeleteArgs>),
    /// Workspace API tokens on the Deployment (add, update, remove, list)
    #[command(subcommand)]
    WorkspaceToken(Lazy<workspace_token::WorkspaceTokenCommand>),
    /// Organization API tokens on the Deployment (add, update, remove, list)
    #[command(subcommand)]
    OrganizationToken(Lazy<organization_token::OrganizationTokenCommand>),
}

impl DeploymentTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            DeploymentTokenCommand::List(Lazy(args)) => list::run(args, ctx).await,
            DeploymentTokenCommand::Get(Lazy(args)) => get::run(args, ctx).await,
            DeploymentTokenCommand::Create(Lazy(args)) => create::run(args, ctx).await,
            DeploymentTokenCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            DeploymentTokenCommand::Rotate(Lazy(args)) => rotate::run(args, ctx).await,
            DeploymentTokenCommand::Delete(Lazy(args)) => delete::run(args, ctx).await,
            DeploymentTokenCommand::WorkspaceToken(Lazy(command)) => command.run(ctx).await,
            DeploymentTokenCommand::OrganizationToken(Lazy(command)) => command.run(ctx).await,
        }
    }
}
