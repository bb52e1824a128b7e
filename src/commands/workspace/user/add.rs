//! `astro workspace user add`: give a member of the Organization a role in a Workspace.

use crate::cli::{BulkArgs, Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::membership_bulk::{self, Verb};
use crate::place::Level;
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
            default_role: args.role.unwrap_or(DEFAULT_ROLE).as_str(),
        };
        return membership_bulk::run(
            ctx,
            Level::Workspace,
            verb,
            membership_bulk::Options::from_bulk(&args.bulk, source, args.json),
        )
        .await;
    }
    let request = membership::Request {
        level: Level::Workspace,
        user: args.user.as_deref(),
        role: args.role.map(|r| r.as_str().to_owned()),
        json: args.json,
        dry_run: args.bulk.dry_run,
        force: false,
    };
    membership::add(ctx, request, DEFAULT_ROLE.as_str()).await
}
