//! `astro deployment token update [TOKEN]` (`up`): change one of the Deployment's own API tokens:
//! its name, description or Deployment role. Everything is checked before the first write (a
//! role the Deployment does not have, a name too long or taken by another of the Deployment's
//! tokens: nothing sent); nothing is sent when nothing changes, and a change of the name or
//! description alone never touches the roles. The role goes through UpdateApiTokenRoles with the
//! token's complete role list as read right before (GetApiToken), only its Deployment entry
//! changed (its DAG roles kept); the name and description through UpdateApiToken.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles;
use crate::error::CliError;
use crate::tokens::update::{self, Change};
use crate::tokens::{self, Level, Scope};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only what is given changes: without --role the roles are not touched. Only the \
                  Deployment's own tokens: an Organization or Workspace API token's role on the \
                  Deployment changes with `astro deployment token organization-token update` or \
                  `workspace-token update`.\n\n\
                  Examples:\n  astro deployment token update \"Ingestion deploys\" --name \"Ingestion CI\" --deployment-id Ingestion\n  \
                  astro de to up clrj9abcd000006l8abcdefgh -d \"Deploys from CI\" -r \"Custom Operator\" --json"
)]
pub struct UpdateArgs {
    /// The token's name (any case when only one of the Deployment's tokens has it) or ID;
    /// picked from the Deployment's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// A new name (no other token of the Deployment may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A new Deployment role (DEPLOYMENT_ADMIN or a custom Deployment role; any case, `admin`
    /// for DEPLOYMENT_ADMIN); no default: without it the role stays
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
    let mut change = Change {
        name: args.name,
        description: args.description,
        role: args.role,
    };
    update::check(&change, "ROLE")?;
    tokens::require(ctx, args.token.as_deref(), Level::Deployment)?;
    let scope = Level::Deployment.scope(ctx).await?;
    if let (Some(given), Scope::Deployment(deployment)) = (&change.role, &scope) {
        let (client, org) = ctx.api().await?;
        let catalogue = deployment_roles::catalogue(client, org, deployment).await?;
        change.role = Some(catalogue.check(given)?);
    }
    update::update(
        ctx,
        &scope,
        args.token.as_deref(),
        change,
        args.json,
        args.dry_run,
    )
    .await
}
