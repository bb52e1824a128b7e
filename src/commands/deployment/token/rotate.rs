//! `astro deployment token rotate [TOKEN]` (`ro`): a new value for one of the Deployment's own
//! API tokens, printed once; the old value stops working at once.

use crate::cli::{DeploymentChanges, Takes, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Level, SecretOutput};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Rotating the token `astro` itself is using is warned about first. The new value is \
                  printed once, on standard output, and never again.\n\n\
                  Examples:\n  astro deployment token rotate \"Ingestion deploys\" --deployment-id Ingestion\n  \
                  NEW=$(astro de to ro ci --deployment-id clrg4v5mo000001cuzllrbrmi --force --clean-output)"
)]
pub struct RotateArgs {
    /// The token's name (any case when only one of the Deployment's tokens has it) or ID;
    /// picked from the Deployment's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// Rotate without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print only the new value and a newline (for `TOKEN=$(astro …)`)
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub clean_output: bool,

    /// Print the result as JSON, the new value in its `token` key
    #[arg(long)]
    pub json: bool,

    /// Check everything and send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

pub async fn run(args: RotateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::require(ctx, args.token.as_deref(), Level::Deployment)?;
    confirm::can_confirm(ctx, args.force, args.dry_run, "rotating a token")?;
    let scope = Level::Deployment.scope(ctx).await?;
    let token =
        tokens::named_or_picked(ctx, args.token.as_deref(), &scope, "Token to rotate").await?;
    let how = SecretOutput {
        clean: args.clean_output,
        json: args.json,
    };
    tokens::rotate(ctx, &scope, token, args.force, args.dry_run, how).await
}
