//! `astro deployment list` (`ls`): the Deployments of the `--workspace-id` Workspace (or the
//! current one), or of the whole Organization with `--all`: what naming a Deployment needs.

use std::collections::HashMap;

use serde::Serialize;

use crate::api::Deployment;
use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::deployments;
use crate::error::CliError;
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro deployment list --workspace-id \"Data Platform\"\n  \
                  astro deployment ls --all --jq '.deployments[] | select(.status != \"HEALTHY\") | .name'"
)]
pub struct ListArgs {
    /// Every Deployment of the Organization, not only the Workspace's
    #[arg(short = 'a', long)]
    pub all: bool,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DeploymentRow {
    id: String,
    name: String,
    workspace_id: String,
    workspace_name: Option<String>,
    status: String,
}

#[derive(Serialize)]
struct DeploymentList {
    deployments: Vec<DeploymentRow>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.all && ctx.workspace_option().is_some() {
        return Err(
            CliError::usage("--all and a Workspace were both given").with_hint(
                "pass --all for the whole Organization, or --workspace-id for one Workspace",
            ),
        );
    }
    let workspace = if args.all {
        None
    } else {
        Some(workspaces::current(ctx).await.map_err(|err| {
            if err.message == "no Workspace selected" {
                err.with_hint(
                    "pass --workspace-id ID_OR_NAME, or --all for every Deployment of the Organization",
                )
            } else {
                err
            }
        })?)
    };
    let (client, org) = ctx.api().await?;
    let deployments = deployments::list(client, org, workspace.as_ref()).await?;
    // The API may leave a Deployment's Workspace name out: one listing names them all.
    let names: HashMap<String, String> = match &workspace {
        Some(ws) => HashMap::from([(ws.id.clone(), ws.name.clone())]),
        None if deployments.iter().any(|d| d.workspace_name.is_none()) => client
            .list_all_workspaces(org)
            .await?
            .into_iter()
            .map(|w| (w.id, w.name))
            .collect(),
        None => HashMap::new(),
    };
    let rows: Vec<DeploymentRow> = deployments
        .into_iter()
        .map(|d: Deployment| DeploymentRow {
            workspace_name: d
                .workspace_name
                .or_else(|| names.get(&d.workspace_id).cloned()),
            id: d.id,
            name: d.name,
            workspace_id: d.workspace_id,
            status: d.status,
        })
        .collect();
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&DeploymentList { deployments: rows });
    }
    let table = rows
        .into_iter()
        .map(|r| {
            vec![
                r.name,
                r.id,
                r.workspace_name.unwrap_or(r.workspace_id),
                r.status,
            ]
        })
        .collect();
    ctx.print_table(
        &["NAME", "ID", "WORKSPACE", "STATUS"],
        (&["NAME", "WORKSPACE"], &["ID"]),
        table,
        ("Deployment", "Deployments"),
    )
}
