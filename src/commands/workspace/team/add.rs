//! `astro workspace team add`: give a Team a role in a Workspace (its members inherit it).

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::ask_role;
use crate::role_lists::{self, RoleChange};
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::team_membership::{self, Candidates, TeamMembershipOutcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace team add \"Platform Team\" --role WORKSPACE_OPERATOR --workspace-id Analytics\n  \
                        astro wo te add cm1team000000000000000000 -r author --json"
)]
pub struct AddArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams not
    /// yet in the Workspace when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The Workspace role (any case, or a short name such as `author`); asked for on a terminal,
    /// starting on the default [default: WORKSPACE_MEMBER] [possible values: WORKSPACE_OWNER,
    /// WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
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

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.team.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Team",
            "its name or ID as the TEAM argument",
        ));
    }
    let target =
        team_membership::target(ctx, args.team.as_deref(), Candidates::NotInWorkspace).await?;
    let current = target
        .team
        .workspace_role(&target.workspace.id)
        .map(str::to_owned);
    let role = ask_role(
        ctx,
        args.role,
        Some(WorkspaceRole::WorkspaceMember),
        current.as_deref(),
        &format!("Team {}", crate::text::cell(&target.team.name)),
        &target.workspace.name,
    )?;
    let role = role.as_str();
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.workspace, Some(role), args.dry_run);
    match outcome.previous_role.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            return Err(CliError::failure(format!(
                "Team {} is already in Workspace `{}` as {current}",
                crate::text::cell(&outcome.name),
                crate::text::cell(&outcome.workspace_name)
            ))
            .with_hint(format!(
                "to change its role run `astro workspace team update {} --role {role} --workspace-id {}`",
                outcome.id, outcome.workspace_id
            )));
        }
        None if args.dry_run => {}
        None => {
            let (client, org) = ctx.api().await?;
            let change = RoleChange::workspace(&target.workspace.id, Some(role));
            outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
        }
    }
    team_membership::print(ctx, &outcome, args.json)
}
