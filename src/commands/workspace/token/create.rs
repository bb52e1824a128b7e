//! `astro workspace token create`: a new Workspace API token (scope WORKSPACE, in the `--workspace-id` Workspace), its value printed once.

use crate::cli::{Takes, WorkspaceWrites};
use crate::context::Ctx;
use crate::error::CliError;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::tokens::{self, NewToken, Scope, SecretOutput};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace token create \"Nightly loads\" --role WORKSPACE_OPERATOR --workspace-id Analytics\n  \
                        TOKEN=$(astro wo to cr reader -r accessor --clean-output)"
)]
pub struct CreateArgs {
    /// The token's name (unique among the Workspace's tokens, ignoring case); asked for on a
    /// terminal when missing
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// What the token is for
    #[arg(short, long, value_name = "TEXT", default_value = "")]
    pub description: String,

    /// The token's Workspace role (any case, or a short name such as `author`); asked for on a
    /// terminal, starting on the default [default: WORKSPACE_MEMBER] [possible values:
    /// WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER,
    /// WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    /// Days until the token expires, 1 to 3650 (default: never)
    #[arg(short, long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub expiration: Option<u32>,

    /// Print only the token's value and a newline (for `TOKEN=$(astro …)`)
    #[arg(short = 'c', long, conflicts_with = "json")]
    pub clean_output: bool,

    /// Print the result as JSON, the value in its `token` key
    #[arg(long)]
    pub json: bool,

    /// Check everything and send nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: CreateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let workspace = crate::workspaces::current(ctx).await?;
    tokens::create(
        ctx,
        &Scope::Workspace(workspace),
        NewToken {
            name: args.name.as_deref(),
            description: &args.description,
            role: args.role.map(|r| r.as_str()),
            default_role: WorkspaceRole::WorkspaceMember.as_str(),
            roles: <WorkspaceRole as Role>::all()
                .iter()
                .map(|r| r.as_str())
                .collect(),
            expiration_days: args.expiration,
            output: SecretOutput {
                clean: args.clean_output,
                json: args.json,
            },
            dry_run: args.dry_run,
        },
    )
    .await
}
