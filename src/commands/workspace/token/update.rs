//! `astro workspace token update [TOKEN]`: change one of the Workspace's own API tokens: its
//! name, description or Workspace role. Everything is checked before the first write (a bad
//! role, a name too long or taken by another of the Workspace's tokens: nothing sent); nothing
//! is sent when nothing changes. The role goes through UpdateApiTokenRoles with the token's
//! complete role list as read right before (GetApiToken), only its Workspace entry changed;
//! the name and description through UpdateApiToken, which requires the name (the current one
//! is sent when only the description changes). An Organization token is never changed here.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::tokens::update::{self, Change};
use crate::tokens::{self, Level};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only what is given changes. Only the Workspace's own tokens: an Organization API \
                  token's role in the Workspace changes with `astro workspace token update-role`.\n\n\
                  Examples:\n  astro workspace token update \"Analytics reporting\" --role operator --workspace-id Analytics\n  \
                  astro wo to up clrj1j5s0000002l8qgdd6wpp -n \"Reports\" -d \"Publishes the weekly reports\" --json"
)]
pub struct UpdateArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// A new name (no other token of the Workspace may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A new Workspace role (any case, or a short name such as `operator`) [possible values:
    /// WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER,
    /// WORKSPACE_ACCESSOR]
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

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let change = Change {
        name: args.name,
        description: args.description,
        role: args.role.map(|r| r.as_str().to_owned()),
    };
    update::check(&change, "WORKSPACE_ROLE")?;
    tokens::require(ctx, args.token.as_deref(), Level::Workspace)?;
    let scope = Level::Workspace.scope(ctx).await?;
    update::update(
        ctx,
        &scope,
        args.token.as_deref(),
        change,
        args.json,
        args.dry_run,
    )
    .await
}
