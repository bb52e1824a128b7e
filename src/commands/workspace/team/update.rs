//! `astro workspace team update`: change a Team's Workspace role.

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::ask_role;
use crate::role_lists::{self, RoleChange};
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::team_membership::{self, Candidates, TeamMembershipOutcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example:\n  astro workspace team update \"Platform Team\" --role WORKSPACE_OWNER --workspace-id \"Data Platform\""
)]
pub struct UpdateArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Workspace's
    /// Teams when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The new Workspace role (any case, or a short name such as `operator`); asked for on a
    /// terminal when missing [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR,
    /// WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if ctx.prompter.is_none() {
        if args.team.is_none() {
            return Err(CliError::missing(
                "the Team",
                "its name or ID as the TEAM argument",
            ));
        }
        if args.role.is_none() {
            return Err(CliError::missing("the new role", "--role ROLE"));
        }
    }
    let target =
        team_membership::target(ctx, args.team.as_deref(), Candidates::InWorkspace).await?;
    let Some(current) = target
        .team
        .workspace_role(&target.workspace.id)
        .map(str::to_owned)
    else {
        return Err(CliError::not_found(format!(
            "Team {} is not in Workspace `{}`",
            crate::text::cell(&target.team.name),
            crate::text::cell(&target.workspace.name)
        ))
        .with_hint(format!(
            "add it with `astro workspace team add {} --workspace-id {}`",
            target.team.id, target.workspace.id
        )));
    };
    let role = ask_role(
        ctx,
        args.role,
        None,
        Some(&current),
        &format!("Team {}", crate::text::cell(&target.team.name)),
        &target.workspace.name,
    )?;
    let role = role.as_str();
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.workspace, Some(role), args.dry_run);
    if current != role && !args.dry_run {
        let (client, org) = ctx.api().await?;
        let change = RoleChange::workspace(&target.workspace.id, Some(role));
        outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
    }
    team_membership::print(ctx, &outcome, args.json)
}
