//! `astro workspace user remove`: take a member out of a Workspace (their other roles stay).

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::membership_bulk::{self, Verb};
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace user remove grace@example.com\n  \
                        astro wo us rm grace@example.com --force --workspace-id \"Data Platform\"\n  \
                        astro workspace user remove --from-file leavers.csv --force"
)]
pub struct RemoveArgs {
    /// The member's email address (any case) or user ID; picked from the Workspace's members
    /// when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// Remove without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    /// Remove many members from a CSV file with header `email` and an optional `workspace`
    /// column (a Workspace ID or name; default: the selected Workspace), or JSON lines
    /// {"email":…,"workspace":…}; `-` reads stdin. Asks once on a terminal unless --force
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<std::path::PathBuf>,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    /// With --from-file: how many requests to send at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// With --from-file: apply the valid rows even when some are invalid
    #[arg(long, requires = "from_file")]
    pub skip_invalid: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(source) = &args.from_file {
        if args.user.is_some() {
            return Err(CliError::usage(
                "--from-file takes the users from the file; drop EMAIL_OR_ID",
            ));
        }
        let options = membership_bulk::Options {
            source,
            json: args.json,
            dry_run: args.dry_run,
            concurrency: args.concurrency,
            skip_invalid: args.skip_invalid,
            force: args.force,
        };
        return membership_bulk::run(ctx, Level::Workspace, Verb::Remove, options).await;
    }
    let request = membership::Request {
        level: Level::Workspace,
        user: args.user.as_deref(),
        role: None,
        json: args.json,
        dry_run: args.dry_run,
        force: args.force,
    };
    membership::remove(ctx, request).await
}
