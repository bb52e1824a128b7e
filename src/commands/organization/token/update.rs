//! `astro organization token update [TOKEN]` (`up`): change an Organization API token's name,
//! description or Organization role. The role goes through UpdateApiTokenRoles with the token's
//! complete role list as read right before, only its Organization entry changed.

use crate::cli::{Changes, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::roles::{OrgRole, Role, RoleParser};
use crate::tokens::update::{self, Change};
use crate::tokens::{self, Level, Scope};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only what is given changes; the token's other roles (in Workspaces, Deployments \
                  and DAGs) are sent back as they were read, right before the change. The API has \
                  no conditional write: a change someone else makes in between cannot be detected, \
                  but an answer that differs from what was sent is exit 1.\n\n\
                  Examples:\n  astro organization token update \"CI deploy\" --name \"CI deploy (prod)\"\n  \
                  astro org to up clrj3obk0000003l8trly6hth -d \"Terraform\" -r billing_admin --json"
)]
pub struct UpdateArgs {
    /// The token's name (any case when only one Organization token has it) or ID; picked from
    /// the Organization's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// A new name (no other Organization token may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A new Organization role (any case, or a short name such as `owner`) [possible values:
    /// ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER,
    /// ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ORG_ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let change = Change {
        name: args.name,
        description: args.description,
        role: args.role.map(|r| r.as_str().to_owned()),
    };
    update::check(&change, "ORG_ROLE")?;
    tokens::require(ctx, args.token.as_deref(), Level::Organization)?;
    update::update(
        ctx,
        &Scope::Organization,
        args.token.as_deref(),
        change,
        args.json,
        args.dry_run,
    )
    .await
}
