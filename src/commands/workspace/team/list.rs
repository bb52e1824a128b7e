//! `astro workspace team list`: the Teams with a role in the Workspace, and the role.

use serde::Serialize;

use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(after_help = "Example:\n  astro workspace team list --workspace-id Analytics --json")]
pub struct ListArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

/// The Go CLI's keys.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TeamRow<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_role: Option<&'a str>,
}

#[derive(Serialize)]
struct TeamList<'a> {
    teams: Vec<TeamRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let workspace = workspaces::current(ctx).await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Workspace's Teams…");
    let teams = client.list_workspace_teams(org, &workspace.id).await?;
    drop(spinner);
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&TeamList {
            teams: teams
                .iter()
                .map(|t| TeamRow {
                    id: &t.id,
                    name: &t.name,
                    description: t.description.as_deref().filter(|d| !d.is_empty()),
                    created_at: &t.created_at,
                    workspace_role: t.workspace_role(&workspace.id),
                })
                .collect(),
        });
    }
    let rows = teams
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                t.workspace_role(&workspace.id)
                    .unwrap_or_default()
                    .to_owned(),
                t.name.clone(),
                t.description.clone().unwrap_or_default(),
                t.created_at.clone(),
            ]
        })
        .collect();
    ctx.print_table(
        &["ID", "ROLE", "NAME", "DESCRIPTION", "CREATE DATE"],
        (
            &["NAME", "DESCRIPTION"],
            &["DESCRIPTION", "CREATE DATE", "ID"],
        ),
        rows,
        ("Team", "Teams"),
    )
}
