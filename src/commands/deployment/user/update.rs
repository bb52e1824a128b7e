//! `astro deployment user update`: change a user's role on a Deployment.

use crate::cli::{BulkArgs, DeploymentChanges, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::membership_bulk::{self, Verb};
use crate::place::Level;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Deployment role changes: the user's Organization, Workspace and DAG \
                  roles are left as they are.\n\n\
                  Examples:\n  astro deployment user update grace@example.com --role DEPLOYMENT_VIEWER --deployment-id Ingestion\n  \
                  astro de us up grace@example.com -r admin --json\n  \
                  astro deployment user update --from-file roles.csv",
    mut_arg("from_file", |a| a.help(FROM_FILE_HELP)),
    mut_arg("json", |a| a.help("Print the result as JSON (NDJSON, one object per row, with --from-file)"))
)]
pub struct UpdateArgs {
    /// The user's email address (any case) or user ID; picked from the Deployment's users when
    /// missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The new Deployment role (DEPLOYMENT_ADMIN or a custom Deployment role; any case); asked
    /// for on a terminal when missing
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

const FROM_FILE_HELP: &str = "Change many users' roles from a CSV file with header \
     `email,role` and an optional `deployment` column (a Deployment ID or name, names looked \
     for in the selected Workspace, else the Organization; default: --deployment-id), or JSON \
     lines {\"email\":…,\"role\":…,\"deployment\":…}; `-` reads stdin";

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(source) = &args.bulk.from_file {
        if args.user.is_some() || args.role.is_some() {
            return Err(CliError::usage(
                "--from-file takes the users and roles from the file; drop EMAIL_OR_ID and --role",
            ));
        }
        let options = membership_bulk::Options::from_bulk(&args.bulk, source, args.json);
        return membership_bulk::run(ctx, Level::Deployment, Verb::Update, options).await;
    }
    let request = membership::Request {
        level: Level::Deployment,
        user: args.user.as_deref(),
        role: args.role,
        json: args.json,
        dry_run: args.bulk.dry_run,
        force: false,
    };
    membership::update(ctx, request).await
}
