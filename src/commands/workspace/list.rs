//! `astro workspace list`: the Organization's Workspaces, the one in force marked.

use serde::Serialize;

use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::workspace_target;
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The current Workspace is the one commands work in: --workspace-id (or \
                  ASTRO_WORKSPACE_ID), else the API token's, else the config file's.\n\n\
                  Examples:\n  astro workspace list\n  \
                  astro wo ls --jq '.workspaces[] | select(.isCurrent) | .id'"
)]
pub struct ListArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

/// The Go CLI's JSON keys, plus `description`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorkspaceRow<'a> {
    name: &'a str,
    id: &'a str,
    description: Option<&'a str>,
    is_current: bool,
}

#[derive(Serialize)]
struct WorkspaceList<'a> {
    workspaces: Vec<WorkspaceRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let selected = workspaces::selected(ctx).await?;
    let (client, org) = ctx.api().await?;
    let all = workspace_target::list(client, org).await?;
    // A Workspace named on the line (or in ASTRO_WORKSPACE_ID) must be one of them; the
    // token's or the config's is an ID, marked when listed.
    let current = match selected {
        Some((value, source))
            if source == "--workspace-id" || source == crate::env_vars::WORKSPACE_ID =>
        {
            Some(crate::workspaces::find_in(&all, org, &value, source)?.id)
        }
        Some((id, _)) => Some(id),
        None => None,
    };
    let rows: Vec<WorkspaceRow<'_>> = all
        .iter()
        .map(|w| WorkspaceRow {
            name: &w.name,
            id: &w.id,
            description: w.description.as_deref(),
            is_current: current.as_deref() == Some(w.id.as_str()),
        })
        .collect();
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&WorkspaceList { workspaces: rows });
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_owned(),
                r.id.to_owned(),
                if r.is_current { "*" } else { "" }.to_owned(),
            ]
        })
        .collect();
    ctx.print_table(
        &["NAME", "ID", "CURRENT"],
        (&["NAME"], &[]),
        table,
        ("Workspace", "Workspaces"),
    )
}
