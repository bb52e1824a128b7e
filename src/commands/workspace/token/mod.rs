//! `astro workspace token …` (`to`): the API tokens of a Workspace. `list` shows every token
//! with a role in it (its own and Organization tokens); `get`, `update` and `delete` touch only
//! the Workspace's own (WORKSPACE-scoped) tokens, never an Organization token; `add`,
//! `update-role` and `remove` (also spelled `organization-token add|update|remove`, as in the
//! Go CLI) give an Organization token a role in the Workspace, change it, or take it away.

pub mod add;
pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod remove;
pub mod rotate;
pub mod update;
pub mod update_role;

#[cfg(test)]
mod tests;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceTokenCommand {
    /// List the API tokens with a role in the Workspace: its own and Organization tokens
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Show one of the Workspace's API tokens and its roles
    Get(Lazy<get::GetArgs>),
    /// Create a Workspace API token and print its value once
    #[command(visible_alias = "cr")]
    Create(Lazy<create::CreateArgs>),
    /// Change a Workspace API token's name, description or role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Give a Workspace API token a new value and print it once (the old one stops working)
    #[command(visible_alias = "ro")]
    Rotate(Lazy<rotate::RotateArgs>),
    /// Delete a Workspace API token
    #[command(visible_alias = "de")]
    Delete(Lazy<delete::DeleteArgs>),
    /// Give an Organization API token a role in the Workspace
    Add(Lazy<add::AddArgs>),
    /// Change an Organization API token's role in the Workspace
    UpdateRole(Lazy<update_role::UpdateRoleArgs>),
    /// Take an Organization API token out of the Workspace
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
    /// Organization API tokens in the Workspace, as the Go CLI spells it (add, update, remove,
    /// list)
    #[command(subcommand)]
    OrganizationToken(Lazy<OrganizationTokenCommand>),
}

/// `astro workspace token organization-token …`: the Go CLI's names for `add`, `update-role`,
/// `remove` and `list --scope organization`, running the same code.
#[derive(Debug, Subcommand)]
pub enum OrganizationTokenCommand {
    /// Give an Organization API token a role in the Workspace (as `workspace token add`)
    Add(Lazy<add::AddArgs>),
    /// Change an Organization API token's role in the Workspace (as `workspace token
    /// update-role`)
    #[command(visible_alias = "up")]
    Update(Lazy<update_role::UpdateRoleArgs>),
    /// Take an Organization API token out of the Workspace (as `workspace token remove`)
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
    /// List the Organization API tokens with a role in the Workspace (as `workspace token list
    /// --scope organization`)
    #[command(visible_alias = "ls")]
    List(Lazy<list::OrganizationListArgs>),
}

impl WorkspaceTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceTokenCommand::List(Lazy(args)) => list::run(args, ctx).await,
            WorkspaceTokenCommand::Get(Lazy(args)) => get::run(args, ctx).await,
            WorkspaceTokenCommand::Create(Lazy(args)) => create::run(args, ctx).await,
            WorkspaceTokenCommand::Rotate(Lazy(args)) => rotate::run(args, ctx).await,
            WorkspaceTokenCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            WorkspaceTokenCommand::Delete(Lazy(args)) => delete::run(args, ctx).await,
            WorkspaceTokenCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            WorkspaceTokenCommand::UpdateRole(Lazy(args)) => update_role::run(args, ctx).await,
            WorkspaceTokenCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
            WorkspaceTokenCommand::OrganizationToken(Lazy(command)) => command.run(ctx).await,
        }
    }
}

impl OrganizationTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTokenCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            OrganizationTokenCommand::Update(Lazy(args)) => update_role::run(args, ctx).await,
            OrganizationTokenCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
            OrganizationTokenCommand::List(Lazy(args)) => list::run(args.into(), ctx).await,
        }
    }
}
