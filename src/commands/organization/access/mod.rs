//! `astro organization access …`: the Organization's whole access as code, in one file that
//! can be reviewed and kept under version control: `export` writes it, `plan` compares a file
//! with the Organization, `apply` makes the Organization match it.

pub mod apply;
pub mod export;
pub mod plan;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationAccessCommand {
    /// Write the Organization's access (roles, Teams, invites) as a YAML or JSON file
    Export(Lazy<export::ExportArgs>),
    /// Show what it would take to make the Organization's access match a file
    Plan(Lazy<plan::PlanArgs>),
    /// Make the Organization's access match a file: the plan, confirmed, then applied
    Apply(Lazy<apply::ApplyArgs>),
}

impl OrganizationAccessCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationAccessCommand::Export(Lazy(args)) => export::run(args, ctx).await,
            OrganizationAccessCommand::Plan(Lazy(args)) => plan::run(args, ctx).await,
            OrganizationAccessCommand::Apply(Lazy(args)) => apply::run(args, ctx).await,
        }
    }
}
