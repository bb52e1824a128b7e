//! `astro workspace delete [WORKSPACE]`: delete a Workspace, after saying how many Deployments
//! it has and asking (unless `--force`). The Workspace is named on the line or picked, never
//! taken from the API token, the config file or `ASTRO_WORKSPACE_ID`.

use serde::Serialize;

use crate::cli::{Takes, WorkspaceChanges, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::env_vars;
use crate::error::CliError;
use crate::output;
use crate::text::count;
use crate::workspace_target::{self, Also};
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("workspace_id", |a| a.help(
        "The Workspace to delete, by ID or name, instead of the WORKSPACE argument (never from \
         ASTRO_WORKSPACE_ID, the API token or the config file)"
    )),
    after_help = "ASTRO_WORKSPACE_ID never chooses the Workspace to delete: name it, or pass \
                  --workspace-id.\n\n\
                  Examples:\n  astro workspace delete Sandbox\n  \
                  astro wo de clrg6ngg0000002c60gj2k1hl --force --json"
)]
pub struct DeleteArgs {
    /// The Workspace's name (any case, if only one has it) or ID; or --workspace-id; picked
    /// from a list on a terminal when missing
    #[arg(value_name = "WORKSPACE", value_parser = name_value)]
    pub workspace: Option<String>,

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
    pub globals: Takes<WorkspaceChanges>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteOutcome {
    id: String,
    name: String,
    deleted: bool,
    /// How many Deployments the Workspace had when it was checked.
    deployments: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let named = workspace_target::named(ctx, args.workspace.as_deref(), Also::FlagOnly)?;
    if ctx.prompter.is_none() && named.is_none() {
        let hint = if env_vars::get(env_vars::WORKSPACE_ID).is_some() {
            "pass its name or ID as the WORKSPACE argument (or --workspace-id); \
             ASTRO_WORKSPACE_ID never chooses the Workspace to delete"
        } else {
            "pass its name or ID as the WORKSPACE argument (or --workspace-id)"
        };
        return Err(CliError::usage(
            "the Workspace to delete is required when not running interactively",
        )
        .with_hint(hint));
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting a Workspace")?;
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let workspace = match named {
        Some((value, source)) => workspaces::resolve(client, &org, &value, source).await?,
        None => {
            let all = workspace_target::list(client, &org).await?;
            let prompter = ctx.prompter.as_deref_mut().expect("checked above");
            let index = workspace_target::pick(prompter, "Workspace to delete", &all, None, false)?;
            all[index].clone()
        }
    };
    let (client, _) = ctx.api().await?;
    let spinner = output::Spinner::start("Counting the Workspace's Deployments…");
    let deployments = client
        .list_workspace_deployments(&org, &workspace.id)
        .await?
        .len();
    drop(spinner);
    let mut outcome = DeleteOutcome {
        id: workspace.id.clone(),
        name: workspace.name.clone(),
        deleted: false,
        deployments,
        dry_run: args.dry_run,
    };
    let name = crate::text::cell(&workspace.name);
    let its = count(deployments, "Deployment", "Deployments");
    if args.dry_run {
        if deployments > 0 {
            output::note(&format!(
                "note: the API refuses to delete a Workspace that still has Deployments; it has {its}"
            ));
        }
        return print(ctx, &outcome, &its, args.json);
    }
    let question = format!("Delete Workspace \"{name}\" and its {its}?");
    confirm::ask(ctx, args.force, &question)?;
    let (client, _) = ctx.api().await?;
    client
        .delete_workspace(&org, &workspace.id)
        .await
        .map_err(|e| {
            let refused = e.status() == Some(400) && deployments > 0;
            let err = CliError::from(e);
            if refused {
                err.with_hint(format!(
                    "delete or move its {its} first, then run this again"
                ))
            } else {
                err
            }
        })?;
    outcome.deleted = true;
    let session = ctx.session().await?;
    if session.workspace_source == "the config file"
        && session.workspace.as_deref() == Some(workspace.id.as_str())
    {
        output::note(
            "note: it was the config file's current Workspace; choose another with `astro workspace switch`",
        );
    }
    print(ctx, &outcome, &its, args.json)
}

fn print(ctx: &Ctx, outcome: &DeleteOutcome, its: &str, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let what = format!("Workspace {} ({})", outcome.name, outcome.id);
    output::line(&if outcome.deleted {
        format!("Deleted {what}")
    } else {
        format!("Would delete {what} and its {its} (dry run: nothing sent)")
    })
}
