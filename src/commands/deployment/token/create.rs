//! `astro deployment token create` (`cr`): a new Deployment API token (scope DEPLOYMENT, on the
//! `--deployment-id` Deployment), its value printed once. The role (DEPLOYMENT_ADMIN unless told
//! otherwise) is checked against the Deployment's roles before anything is sent.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles::{self, ADMIN};
use crate::error::CliError;
use crate::tokens::{self, NewToken, Scope, SecretOutput};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is DEPLOYMENT_ADMIN or a custom Deployment role of the Organization, checked \
                  before anything is sent (an unknown one is exit 2, listing the valid ones). The \
                  value is printed once, on standard output, and never again: store it.\n\n\
                  Examples:\n  astro deployment token create \"Ingestion deploys\" --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  TOKEN=$(astro de to cr ci -e 90 --deployment-id clrg4v5mo000001cuzllrbrmi --clean-output)"
)]
pub struct CreateArgs {
    /// The token's name (unique among the Deployment's tokens, ignoring case); asked for on a
    /// terminal when missing
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// What the token is for
    #[arg(short, long, value_name = "TEXT", default_value = "")]
    pub description: String,

    /// The token's Deployment role (any case; `admin` for DEPLOYMENT_ADMIN); asked for on a
    /// terminal, starting on the default [default: DEPLOYMENT_ADMIN]
    #[arg(short, long, value_name = "ROLE", value_parser = name_value)]
    pub role: Option<String>,

    /// Days until the token expires, 1 to 3650 (default: never)
    #[arg(short, long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub expiration: Option<u32>,

    /// Print only the token's value and a newline (for `TOKEN=$(astro …)`)
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub clean_output: bool,

    /// Print the result as JSON, the value in its `token` key
    #[arg(long)]
    pub json: bool,

    /// Check everything and send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: CreateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require_name(ctx, args.name.as_deref())?;
    crate::deployments::require(ctx)?;
    let deployment = crate::deployments::current(ctx).await?;
    // The Deployment's roles, when there is a role to check or to offer; off a terminal
    // without --role the default goes unread.
    let catalogue = if args.role.is_some() || ctx.prompter.is_some() {
        let (client, org) = ctx.api().await?;
        Some(deployment_roles::catalogue(client, org, &deployment).await?)
    } else {
        None
    };
    let role = match (&args.role, &catalogue) {
        (Some(given), Some(catalogue)) => Some(catalogue.check(given)?),
        _ => None,
    };
    let choices = catalogue
        .map(|c| c.choices())
        .unwrap_or_else(|| vec![ADMIN.to_owned()]);
    tokens::create(
        ctx,
        &Scope::Deployment(deployment),
        NewToken {
            name: args.name.as_deref(),
            description: &args.description,
            role: role.as_deref(),
            default_role: ADMIN,
            roles: choices.iter().map(String::as_str).collect(),
            expiration_days: args.expiration,
            output: SecretOutput {
                clean: args.clean_output,
                json: args.json,
            },
            dry_run: args.dry_run,
        },
    )
    .await
}
