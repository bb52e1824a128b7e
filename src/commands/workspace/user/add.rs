//! `astro workspace user add`: give a member of the Organization a role in a Workspace.

use crate::cli::{BulkArgs, Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::{self, Candidates, MembershipOutcome};
use crate::membership_bulk::{self, Verb};
use crate::role_lists::{self, RoleChange};
use crate::roles::{Role, RoleParser, WorkspaceRole};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace user add grace@example.com --role WORKSPACE_AUTHOR --workspace-id \"Data Platform\"\n  \
                        astro wo us add cm1abcdefghijklmnopqrstuv -r operator --json\n  \
                        astro workspace user add --from-file people.csv --workspace-id Analytics",
    mut_arg("from_file", |a| a.help(FROM_FILE_HELP)),
    mut_arg("json", |a| a.help("Print the result as JSON (NDJSON, one object per row, with --from-file)"))
)]
pub struct AddArgs {
    /// The user's email address (any case) or user ID; picked from the Organization's members
    /// not yet in the Workspace when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The Workspace role (any case, or a short name such as `author`); asked for on a terminal,
    /// starting on the default [default: WORKSPACE_MEMBER] [possible values: WORKSPACE_OWNER,
    /// WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
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

/// The role `add` gives when none is chosen.
pub const DEFAULT_ROLE: WorkspaceRole = WorkspaceRole::WorkspaceMember;

const FROM_FILE_HELP: &str = "Add many members from a CSV file with header `email,role` and an \
     optional `workspace` column (a Workspace ID or name; default: the selected Workspace), or \
     JSON lines {\"email\":…,\"role\":…,\"workspace\":…}; a row without a role gets --role or \
     WORKSPACE_MEMBER; `-` reads stdin";

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(source) = &args.bulk.from_file {
        if args.user.is_some() {
            return Err(CliError::usage(
                "--from-file takes the users from the file; drop EMAIL_OR_ID",
            ));
        }
        let verb = Verb::Add {
            default_role: args.role.unwrap_or(DEFAULT_ROLE),
        };
        return membership_bulk::run(
            ctx,
            verb,
            membership_bulk::Options::from_bulk(&args.bulk, source, args.json),
        )
        .await;
    }
    membership::check_user_arg(args.user.as_deref())?;
    if args.user.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the user's email or ID",
            "it as the EMAIL_OR_ID argument",
        ));
    }
    let target = membership::target(ctx, args.user.as_deref(), Candidates::NotInWorkspace).await?;
    let role = membership::role(ctx, args.role, Some(DEFAULT_ROLE), &target)?;
    let role = role.as_str();
    let mut outcome = MembershipOutcome::planned(
        &target.user,
        &target.workspace,
        Some(role),
        args.bulk.dry_run,
    );
    match outcome.previous_role.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            return Err(CliError::failure(format!(
                "{} is already in Workspace `{}` as {current}",
                outcome.email,
                crate::text::cell(&target.workspace.name)
            ))
            .with_hint(format!(
                "to change their role run `astro workspace user update {} --role {role} --workspace-id {}`",
                outcome.email, target.workspace.id
            )));
        }
        None if args.bulk.dry_run => {}
        None => {
            let (client, org) = ctx.api().await?;
            let change = RoleChange::workspace(&target.workspace.id, Some(role));
            outcome.changed = role_lists::write(client, org, &target.user, &[change]).await?;
        }
    }
    membership::print(ctx, &outcome, args.json)
}
