//! A Team's role in one Workspace (`workspace team add|update|remove`): the Workspace and the
//! Team found together (the Team by ID or name, or a pick-list), the Team read right before the
//! write (see `role_lists`), and the outcome each such command reports.

use serde::Serialize;

use crate::api::{Team, Workspace};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::role_lists;
use crate::teams;
use crate::workspaces;

/// What a Workspace Team command did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMembershipOutcome {
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl TeamMembershipOutcome {
    pub fn planned(team: &Team, workspace: &Workspace, role: Option<&str>, dry_run: bool) -> Self {
        Self {
            id: team.id.clone(),
            name: team.name.clone(),
            workspace_id: workspace.id.clone(),
            workspace_name: workspace.name.clone(),
            previous_role: team.workspace_role(&workspace.id).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
        }
    }
}

/// The Workspace and the Team, the Team as read right before a write.
pub struct Target {
    pub workspace: Workspace,
    pub team: Team,
}

/// Which Teams a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Teams without a role in the Workspace (`add`).
    NotInWorkspace,
    /// The Workspace's Teams (`update`, `remove`).
    InWorkspace,
}

/// Finds the Workspace and the Team (named: looked up at the same time; missing: picked on a
/// terminal from `candidates`), then reads the Team.
pub async fn target(
    ctx: &mut Ctx,
    team_arg: Option<&str>,
    candidates: Candidates,
) -> Result<Target, CliError> {
    let (value, source) = workspaces::selected(ctx)
        .await?
        .ok_or_else(workspaces::missing)?;
    let (client, org) = ctx.api().await?;
    let (workspace, team) = match team_arg {
        Some(arg) => {
            let (workspace, team) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                teams::find(client, org, arg)
            );
            (workspace?, team?)
        }
        None => {
            let workspace = workspaces::resolve(client, org, &value, source).await?;
            let mut all = client.list_all_teams(org).await?;
            all.retain(|t| {
                let there = t.workspace_role(&workspace.id).is_some();
                there == (candidates == Candidates::InWorkspace)
            });
            (workspace, teams::pick(ctx, all, "Team")?)
        }
    };
    let (client, org) = ctx.api().await?;
    let team = role_lists::read_team(client, org, &team.id).await?;
    Ok(Target { workspace, team })
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &TeamMembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    crate::output::line(&membership::sentence(
        &format!("Team {}", outcome.name),
        &format!("Workspace {}", crate::text::cell(&outcome.workspace_name)),
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}
