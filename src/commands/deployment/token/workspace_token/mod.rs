//! `astro deployment token workspace-token add|update|remove|list`: a Workspace API token (of the
//! Deployment's Workspace)'s role on the Deployment, given, changed or taken away
//! (UpdateApiTokenRoles with the token's complete role list as read right before, only the
//! Deployment entry changed), and the Workspace API tokens of the Deployment's Workspace with a
//! role on it.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceTokenCommand {
    /// Give a Workspace API token a role on the Deployment
    Add(Lazy<add::AddArgs>),
    /// Change a Workspace API token's role on the Deployment
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take a Workspace API token's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
    /// List the Workspace API tokens with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
}

impl WorkspaceTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceTokenCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            WorkspaceTokenCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            WorkspaceTokenCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
            WorkspaceTokenCommand::List(Lazy(args)) => super::list::run(args.into(), ctx).await,
        }
    }
}
