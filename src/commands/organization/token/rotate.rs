//! `astro organization token rotate`: a new value for an Organization API token, printed once;
//! the old value stops working at once.

use crate::cli::{Takes, Writes};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::tokens::{self, Scope, SecretOutput};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization token rotate \"CI deploy\"\n  \
                        NEW=$(astro org to ro \"CI deploy\" --force --clean-output)"
)]
pub struct RotateArgs {
    /// The token's name (any case when only one token has it) or ID; picked from a list on a
    /// terminal when missing
    #[arg(value_name = "TOKEN")]
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
    pub globals: Takes<Writes>,
}

pub async fn run(args: RotateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.token.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the token",
            "its name or ID as the TOKEN argument",
        ));
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "rotating a token")?;
    let scope = Scope::Organization;
    let token =
        tokens::named_or_picked(ctx, args.token.as_deref(), &scope, "Token to rotate").await?;
    let how = SecretOutput {
        clean: args.clean_output,
        json: args.json,
    };
    tokens::rotate(ctx, &scope, token, args.force, args.dry_run, how).await
}
