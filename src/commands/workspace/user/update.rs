//! `astro workspace user update`: change a member's Workspace role.

use crate::cli::{BulkArgs, Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::{self, Candidates, MembershipOutcome};
use crate::membership_bulk::{self, Verb};
use crate::role_lists::{self, RoleChange};
use crate::roles::{Role, RoleParser, WorkspaceRole};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace user update grace@example.com --role WORKSPACE_OPERATOR\n  \
                        astro wo us up cm1abcdefghijklmnopqrstuv -r author --workspace-id cm1workspace0000000000000\n  \
                        astro workspace user update --from-file roles.csv",
    mut_arg("from_file", |a| a.help(FROM_FILE_HELP)),
    mut_arg("json", |a| a.help("Print the result as JSON (NDJSON, one object per row, with --from-file)"))
)]
pub struct UpdateArgs {
    /// The member's email address (any case) or user ID; picked from the Workspace's members
    /// when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The new Workspace role (any case, or a short name such as `operator`); asked for on a
    /// terminal when missing [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR,
    /// WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

const FROM_FILE_HELP: &str = "Change many members' roles from a CSV file with header \
     `email,role` and an optional `workspace` column (a Workspace ID or name; default: the \
     selected Workspace), or JSON lines {\"email\":…,\"role\":…,\"workspace\":…}; `-` reads \
     stdin";

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(source) = &args.bulk.from_file {
        if args.user.is_some() || args.role.is_some() {
            return Err(CliError::usage(
                "--from-file takes the users and roles from the file; drop EMAIL_OR_ID and --role",
            ));
        }
        let options = membership_bulk::Options::from_bulk(&args.bulk, source, args.json);
        return membership_bulk::run(ctx, Verb::Update, options).await;
    }
    membership::check_user_arg(args.user.as_deref())?;
    if ctx.prompter.is_none() {
        if args.user.is_none() {
            return Err(CliError::missing(
                "the member's email or ID",
                "it as the EMAIL_OR_ID argument",
            ));
        }
        if args.role.is_none() {
            return Err(CliError::missing("the new role", "--role ROLE"));
        }
    }
    let target = membership::target(ctx, args.user.as_deref(), Candidates::InWorkspace).await?;
    if target.user.workspace_role(&target.workspace.id).is_none() {
        let outcome = MembershipOutcome::planned(&target.user, &target.workspace, None, false);
        return Err(membership::not_a_member(&outcome));
    }
    let role = membership::role(ctx, args.role, None, &target)?;
    let role = role.as_str();
    let mut outcome = MembershipOutcome::planned(
        &target.user,
        &target.workspace,
        Some(role),
        args.bulk.dry_run,
    );
    if outcome.previous_role.as_deref() != Some(role) && !args.bulk.dry_run {
        let (client, org) = ctx.api().await?;
        let change = RoleChange::workspace(&target.workspace.id, Some(role));
        outcome.changed = role_lists::write(client, org, &target.user, &[change]).await?;
    }
    membership::print(ctx, &outcome, args.json)
}
