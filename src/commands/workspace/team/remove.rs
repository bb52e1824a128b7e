//! `astro workspace team remove`: take a Team out of a Workspace (its other roles stay).

use crate::cli::{Takes, WorkspaceWrites};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::role_lists::{self, RoleChange};
use crate::team_membership::{self, Candidates, TeamMembershipOutcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  astro workspace team remove \"Platform Team\" --workspace-id Analytics --force"
)]
pub struct RemoveArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Workspace's
    /// Teams when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// Remove without asking (needed when not running interactively)
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

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if ctx.prompter.is_none() && args.team.is_none() {
        return Err(CliError::missing(
            "the Team",
            "its name or ID as the TEAM argument",
        ));
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "removing a Team")?;
    let target =
        team_membership::target(ctx, args.team.as_deref(), Candidates::InWorkspace).await?;
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.workspace, None, args.dry_run);
    if outcome.previous_role.is_none() || args.dry_run {
        return team_membership::print(ctx, &outcome, args.json);
    }
    let question = format!(
        "Remove Team {} from Workspace {}?",
        crate::text::cell(&target.team.name),
        crate::text::cell(&target.workspace.name)
    );
    confirm::ask(ctx, args.force, &question)?;
    let (client, org) = ctx.api().await?;
    let change = RoleChange::workspace(&target.workspace.id, None);
    outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
    team_membership::print(ctx, &outcome, args.json)
}
