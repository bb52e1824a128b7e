//! `delete` for any scope: delete one of the scope's own API tokens (its secret stops working
//! at once), after asking (unless `--force`; off a terminal without it: exit 2 before any
//! request). A Workspace command can only name a WORKSPACE-scoped token of its Workspace, a
//! Deployment command a DEPLOYMENT-scoped token of its Deployment: deleting an Organization
//! token from either, or a Workspace token from a Deployment command, is impossible (exit 2,
//! nothing sent). Deleting the token this run is authenticated with is warned about first.

use serde::Serialize;

use super::{Scope, ensure_owned, is_in_use, named_or_picked};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::text;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DeleteOutcome {
    id: String,
    name: String,
    scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_name: Option<String>,
    deleted: bool,
    /// Whether it is the token this run authenticated with.
    in_use: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

/// Deletes the token `arg` names in `scope` (picked on a terminal when missing). The caller
/// has checked with `confirm::can_confirm` that it may ask or was forced.
pub async fn delete(
    ctx: &mut Ctx,
    scope: &Scope,
    arg: Option<&str>,
    force: bool,
    json: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    let token = named_or_picked(ctx, arg, scope, "API token to delete").await?;
    // Never an Organization token from a Workspace or Deployment command, nor another
    // Workspace's or Deployment's, nor a Workspace token from a Deployment command.
    ensure_owned(scope, &token)?;
    let in_use = is_in_use(ctx, &token).await?;
    let keys = scope.keys();
    let mut outcome = DeleteOutcome {
        id: token.id.clone(),
        name: token.name.clone(),
        scope: token.scope.clone(),
        workspace_id: keys.workspace_id,
        workspace_name: keys.workspace_name,
        deployment_id: keys.deployment_id,
        deployment_name: keys.deployment_name,
        deleted: false,
        in_use,
        dry_run,
    };
    if in_use {
        output::note(&format!(
            "warning: API token {} is the one this command is using: once it is deleted, it stops working",
            text::cell(&token.name)
        ));
    }
    if dry_run {
        return print(ctx, &outcome, json);
    }
    let question = match scope.place() {
        Some(place) => format!(
            "Delete API token \"{}\" of {}?",
            text::cell(&token.name),
            place.shown()
        ),
        None => format!(
            "Delete Organization API token \"{}\"? Whatever uses it stops working.",
            text::cell(&token.name)
        ),
    };
    confirm::ask(ctx, force, &question)?;
    let (client, org) = ctx.api().await?;
    client.delete_api_token(org, &token.id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!(
                "API token {} (`{}`) is gone: it was deleted since it was listed",
                text::cell(&token.name),
                token.id
            ))
        } else {
            e.into()
        }
    })?;
    outcome.deleted = true;
    print(ctx, &outcome, json)
}

fn print(ctx: &Ctx, outcome: &DeleteOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let what = match (&outcome.deployment_name, &outcome.workspace_name) {
        (Some(deployment), _) => format!(
            "API token {} ({}) of Deployment {}",
            outcome.name,
            outcome.id,
            text::cell(deployment)
        ),
        (None, Some(ws)) => format!(
            "API token {} ({}) of Workspace {}",
            outcome.name, outcome.id, ws
        ),
        (None, None) => format!("Organization API token {} ({})", outcome.name, outcome.id),
    };
    output::line(&if outcome.deleted {
        format!("Deleted {what}")
    } else {
        format!("Would delete {what} (dry run: nothing sent)")
    })
}
