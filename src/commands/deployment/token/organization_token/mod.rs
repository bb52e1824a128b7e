//! `astro deployment token organization-token add|update|remove|list`: an Organization API token's
//! role on the Deployment, given, changed or taken away (UpdateApiTokenRoles with the token's
//! complete role list as read right before, only the Deployment entry changed), and the
//! Organization API tokens with a role on it.

pub mod add;
pub mod list;
pub mod remove;
pub mod update;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationTokenCommand {
    /// Give an Organization API token a role on the Deployment
    Add(add::AddArgs),
    /// Change an Organization API token's role on the Deployment
    #[command(visible_alias = "up")]
    Update(update::UpdateArgs),
    /// Take an Organization API token's role on the Deployment away
    #[command(visible_alias = "rm")]
    Remove(remove::RemoveArgs),
    /// List the Organization API tokens with a role on the Deployment
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
}

impl OrganizationTokenCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationTokenCommand::Add(args) => add::run(args, ctx).await,
            OrganizationTokenCommand::Update(args) => update::run(args, ctx).await,
            OrganizationTokenCommand::Remove(args) => remove::run(args, ctx).await,
            OrganizationTokenCommand::List(args) => super::list::run(args.into(), ctx).await,
        }
    }
}
