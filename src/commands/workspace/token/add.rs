//! `astro workspace token add [ORG_TOKEN]` (also `organization-token add`): give an Organization
//! API token a role in the Workspace. Its complete role list, as read right before, goes back
//! with one Workspace entry added; its Organization role and every other role are kept.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::ask_role;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::token_membership::{self, Candidates, TokenMembershipOutcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only Organization API tokens: a Workspace's own tokens have their role from `astro \
                  workspace token create` and `update`.\n\n\
                  Examples:\n  astro workspace token add \"Platform automation\" --role author --workspace-id Analytics\n  \
                  astro wo to organization-token add clrj3obk0000003l8trly6hth -r WORKSPACE_OPERATOR --json"
)]
pub struct AddArgs {
    /// The Organization token's name (any case when only one has it) or ID; picked from the
    /// Organization tokens not yet in the Workspace when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// The Workspace role (any case, or a short name such as `author`); asked for on a terminal,
    /// starting on the default [default: WORKSPACE_MEMBER] [possible values: WORKSPACE_OWNER,
    /// WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "WORKSPACE_ROLE", hide_possible_values = true)]
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
    if args.token.is_none() && ctx.prompter.is_none() {
        return Err(token_membership::missing());
    }
    let target = token_membership::target(
        ctx,
        args.token.as_deref(),
        Candidates::NotInWorkspace,
        "Organization API token to add",
    )
    .await?;
    let current = target
        .token
        .role_on("WORKSPACE", &target.workspace.id)
        .map(str::to_owned);
    let role = ask_role(
        ctx,
        args.role,
        Some(WorkspaceRole::WorkspaceMember),
        current.as_deref(),
        &format!("API token {}", crate::text::cell(&target.token.name)),
        &target.workspace.name,
    )?;
    let role = role.as_str();
    let mut outcome =
        TokenMembershipOutcome::planned(&target.token, &target.workspace, Some(role), args.dry_run);
    match outcome.previous_role.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            return Err(CliError::failure(format!(
                "API token {} is already in Workspace `{}` as {current}",
                crate::text::cell(&outcome.name),
                crate::text::cell(&outcome.workspace_name)
            ))
            .with_hint(format!(
                "to change its role run `astro workspace token update-role {} --role {role} --workspace-id {}`",
                outcome.id, outcome.workspace_id
            )));
        }
        None if args.dry_run => {}
        None => outcome.changed = token_membership::write(ctx, &target, Some(role)).await?,
    }
    token_membership::print(ctx, &outcome, args.json)
}
