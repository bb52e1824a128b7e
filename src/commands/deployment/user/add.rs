//! `astro deployment user add`: give a member of the Organization a role on a Deployment.

use crate::cli::{BulkArgs, DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::deployment_roles;
use crate::error::CliError;
use crate::membership;
use crate::membership_bulk::{self, Verb};
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "ROLE is DEPLOYMENT_ADMIN or a custom Deployment role of the Organization, checked \
                  before anything is sent (an unknown one is exit 2, listing the valid ones).\n\n\
                  Examples:\n  astro deployment user add grace@example.com --deployment-id Ingestion --workspace-id \"Data Platform\"\n  \
                  astro de us add cm1abcdefghijklmnopqrstuv -r DEPLOYMENT_VIEWER --deployment-id clrg4v5mo000001cuzllrbrmi --json\n  \
                  astro deployment user add --from-file people.csv --deployment-id Ingestion",
    mut_arg("from_file", |a| a.help(FROM_FILE_HELP)),
    mut_arg("json", |a| a.help("Print the result as JSON (NDJSON, one object per row, with --from-file)"))
)]
pub struct AddArgs {
    /// The user's email address (any case) or user ID; picked from the Organization's members
    /// without a role on the Deployment when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The Deployment role (any case; `admin` for DEPLOYMENT_ADMIN); asked for on a terminal,
    /// starting on the default [default: DEPLOYMENT_ADMIN]
    #[arg(short, long, value_name = "ROLE", value_parser = name_value)]
    pub role: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,

    #[command(flatten)]
    pub globals: Takes<DeploymentChanges>,
}

const FROM_FILE_HELP: &str = "Add many users from a CSV file with header `email,role` and an \
     optional `deployment` column (a Deployment ID or name, names looked for in the selected \
     Workspace, else the Organization; default: --deployment-id), or JSON lines \
     {\"email\":…,\"role\":…,\"deployment\":…}; a row without a role gets --role or \
     DEPLOYMENT_ADMIN; `-` reads stdin";

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(source) = &args.bulk.from_file {
        if args.user.is_some() {
            return Err(CliError::usage(
                "--from-file takes the users from the file; drop EMAIL_OR_ID",
            ));
        }
        let verb = Verb::Add {
            default_role: args.role.as_deref().unwrap_or(deployment_roles::ADMIN),
        };
        return membership_bulk::run(
            ctx,
            Level::Deployment,
            verb,
            membership_bulk::Options::from_bulk(&args.bulk, source, args.json),
        )
        .await;
    }
    let request = membership::Request {
        level: Level::Deployment,
        user: args.user.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.bulk.dry_run,
        force: false,
    };
    membership::add(ctx, request, deployment_roles::ADMIN).await
}
