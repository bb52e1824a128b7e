//! `astro workspace token delete [TOKEN]`: delete one of the Workspace's own API tokens (its
//! secret stops working at once), after asking (unless `--force`). Only a WORKSPACE-scoped token
//! of this Workspace can be named: deleting an Organization token from a Workspace command is
//! impossible (exit 2, nothing sent). Deleting the token this run is authenticated with is
//! warned about first.

use serde::Serialize;

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::text;
use crate::tokens;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Workspace's own tokens: an Organization API token is deleted with `astro \
                  organization token delete`, and taken out of the Workspace with `astro workspace \
                  token remove`.\n\n\
                  Examples:\n  astro workspace token delete \"Legacy sync\" --workspace-id \"Data Platform\"\n  \
                  astro wo to de clrj7yn40000005l8r081g9oq --force --json"
)]
pub struct DeleteArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// Delete without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteOutcome {
    id: String,
    name: String,
    workspace_id: String,
    workspace_name: String,
    deleted: bool,
    /// Whether it is the token this run authenticated with.
    in_use: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if ctx.prompter.is_none() && args.token.is_none() {
        return Err(super::missing_token());
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting an API token")?;
    let (workspace, token) =
        super::own_token(ctx, args.token.as_deref(), "API token to delete").await?;
    // Never an Organization token, nor another Workspace's: checked again right before.
    super::ensure_own(&workspace, &token)?;
    let in_use = tokens::is_in_use(ctx, &token).await?;
    let mut outcome = DeleteOutcome {
        id: token.id.clone(),
        name: token.name.clone(),
        workspace_id: workspace.id.clone(),
        workspace_name: workspace.name.clone(),
        deleted: false,
        in_use,
        dry_run: args.dry_run,
    };
    if in_use {
        output::note(&format!(
            "warning: API token {} is the one this command is using (ASTRO_API_TOKEN): once it is deleted, it stops working",
            text::cell(&token.name)
        ));
    }
    if args.dry_run {
        return print(ctx, &outcome, args.json);
    }
    let question = format!(
        "Delete API token \"{}\" of Workspace {}?",
        text::cell(&token.name),
        text::cell(&workspace.name)
    );
    confirm::ask(ctx, args.force, &question)?;
    let (client, org) = ctx.api().await?;
    client.delete_api_token(org, &token.id).await?;
    outcome.deleted = true;
    print(ctx, &outcome, args.json)
}

fn print(ctx: &Ctx, outcome: &DeleteOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let what = format!(
        "API token {} ({}) of Workspace {}",
        outcome.name, outcome.id, outcome.workspace_name
    );
    output::line(&if outcome.deleted {
        format!("Deleted {what}")
    } else {
        format!("Would delete {what} (dry run: nothing sent)")
    })
}
