//! `astro deployment token organization-token add|update|remove|list`: an Organization API token's
//! role on the Deployment, given, changed or taken away (UpdateApiTokenRoles with the token's
//! complete role list as read right before, only the Deployment entry changed), and the
//! Organization API tokens with a role on it.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTokenCommand {
    /// Give an Organization API token a role on the Deployment
    Add(Lazy<add::AddArgs>),
    /// Change an Organization API token's role on the Deployment
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Take an Organization API token's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
    /// List the Organization API tokens with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
}

impl OrganizationTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTokenCommand::Add(Lazy(args)) => add::run(args, ctx).await,
            OrganizationTokenCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            OrganizationTokenCommand::Remove(Lazy(args)) => remove::run(args, ctx).await,
            OrganizationTokenCommand::List(Lazy(args)) => super::list::run(args.into(), ctx).await,
        }
    }
}
