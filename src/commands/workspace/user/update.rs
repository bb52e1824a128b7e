//! `astro workspace user update`: change a member's Workspace role.

use crate::cli::{BulkArgs, Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::membership_bulk::{self, Verb};
use crate::place::Level;
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
        return membership_bulk::run(ctx, Level::Workspace, Verb::Update, options).await;
    }
    let request = membership::Request {
        level: Level::Workspace,
        user: args.user.as_deref(),
        role: args.role.map(|r| r.as_str().to_owned()),
        json: args.json,
        dry_run: args.bulk.dry_run,
        force: false,
    };
    membership::update(ctx, request).await
}
