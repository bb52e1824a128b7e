//! `astro deployment token organization-token update [ORG_TOKEN]` (`up`): change an Organization
//! API token's role on the Deployment. Its complete role list, as read right before, goes back with
//! only the Deployment entry changed.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::place::Level;
use crate::token_membership::{self, TokenKind};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "A token without a role on the Deployment is exit 3: give it one with `add`. Its \
                  other roles (Organization, Workspace, DAGs) are sent back as they were read.\n\n\
                  Examples:\n  astro deployment token organization-token update \"Platform automation\" -r \"Custom Operator\" --deployment-id Ingestion\n  \
                  astro de to organization-token up clrj3obk0000003l8trly6hth -r admin --deployment-id clrg4v5mo000001cuzllrbrmi --json"
)]
pub struct UpdateArgs {
    /// The token's name (any case when only one has it) or ID; picked from the Organization tokens
    /// with a role on the Deployment when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// The new Deployment role (DEPLOYMENT_ADMIN or a custom Deployment role; any case); asked
    /// for on a terminal when missing
    #[arg(short, long, value_name = "ROLE", value_parser = name_value)]
    pub role: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let request = token_membership::Request {
        level: Level::Deployment,
        kind: TokenKind::Organization,
        token: args.token.as_deref(),
        role: args.role,
        role_flag: "--role ROLE",
        json: args.json,
        dry_run: args.dry_run,
        force: false,
    };
    token_membership::update(ctx, request).await
}
