//! The Workspace a command works in. It comes from `--workspace-id`, then `ASTRO_WORKSPACE_ID`
//! (an ID or a name), then the token's `workspaceId:` permission, then the config context's
//! `workspace` (IDs; each only with its own Organization). A name is resolved with one listing;
//! an ID with one GetWorkspace.

use crate::api::{Client, Workspace};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::lookup;
use crate::members::is_cuid;

/// The Workspace named by `value` (an ID or a name) in Organization `org`; `source` says where
/// the value came from, for messages.
pub async fn resolve(
    client: &Client,
    org: &str,
    value: &str,
    source: &str,
) -> Result<Workspace, CliError> {
    if is_cuid(value) {
        match client.get_workspace(org, value).await {
            Ok(workspace) => return Ok(workspace),
            // It may still be a name that looks like an ID.
            Err(e) if e.status() == Some(404) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let workspaces = client.list_all_workspaces(org).await?;
    find_in(&workspaces, org, value, source)
}

/// As [`resolve`], among Workspaces already listed.
pub fn find_in(
    workspaces: &[Workspace],
    org: &str,
    value: &str,
    source: &str,
) -> Result<Workspace, CliError> {
    lookup::find(workspaces, value, lookup::WORKSPACE)
        .cloned()
        .map_err(|err| {
            if err.exit == crate::error::Exit::NotFound {
                let hint = err.hint.clone();
                let mut err = CliError::not_found(format!(
                    "no Workspace `{}` in Organization `{org}` (from {source})",
                    echo(value)
                ));
                err.hint = hint;
                err
            } else {
                err
            }
        })
}

/// What names the Workspace to work in, and where it came from, before any request: `None`
/// when nothing does (then [`missing`] says what to pass).
pub async fn selected(ctx: &mut Ctx) -> Result<Option<(String, &'static str)>, CliError> {
    let session = ctx.session().await?;
    Ok(session
        .workspace
        .clone()
        .map(|ws| (ws, session.workspace_source)))
}

/// The error for a command that needs a Workspace and has none.
pub fn missing() -> CliError {
    CliError::usage("no Workspace selected").with_hint(
        "pass --workspace-id ID_OR_NAME (or set ASTRO_WORKSPACE_ID), or choose one with `astro workspace switch`",
    )
}

/// The Workspace to work in (see the module's documentation).
pub async fn current(ctx: &mut Ctx) -> Result<Workspace, CliError> {
    let (value, source) = selected(ctx).await?.ok_or_else(missing)?;
    let (client, org) = ctx.api().await?;
    resolve(client, org, &value, source).await
}
