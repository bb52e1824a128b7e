//! `astro organization token create`: a new Organization API token, its value printed once.

use crate::cli::{Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::roles::{OrgRole, Role, RoleParser};
use crate::tokens::{self, NewToken, Scope, SecretOutput};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization token create \"CI deploy\" --role ORGANIZATION_OWNER --expiration 90\n  \
                        TOKEN=$(astro org to cr ci-reader -r member --clean-output)"
)]
pub struct CreateArgs {
    /// The token's name (unique among the Organization's tokens, ignoring case); asked for on a
    /// terminal when missing
    #[arg(value_name = "NAME")]
    pub name: Option<String>,

    /// What the token is for
    #[arg(short, long, value_name = "TEXT", default_value = "")]
    pub description: String,

    /// The token's Organization role (any case, or a short name such as `member`); asked for on a
    /// terminal, starting on the default [default: ORGANIZATION_MEMBER] [possible values:
    /// ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER,
    /// ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

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
    pub globals: Takes<Writes>,
}

pub async fn run(args: CreateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    tokens::create(
        ctx,
        &Scope::Organization,
        NewToken {
            name: args.name.as_deref(),
            description: &args.description,
            role: args.role.map(|r| r.as_str()),
            default_role: OrgRole::OrganizationMember.as_str(),
            roles: <OrgRole as Role>::all()
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
