//! `astro organization user list`: every member of the Organization, as a table or JSON.

use serde::Serialize;

use crate::api::User;
use crate::cli::{FormatArgs, Reads, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::roles::RoleParser;
use crate::roles::{OrgRole, Role};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization user list --role organization_owner --sort email\n  \
                        astro organization user list --status pending --jq '.users[].email'"
)]
pub struct ListArgs {
    /// Only users with this Organization role (any case, or a short name such as `owner`)
    /// [possible values: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN,
    /// ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Only users with this status (any case)
    #[arg(long, value_enum, ignore_case = true, value_name = "STATUS")]
    pub status: Option<UserStatus>,

    /// Order of the list (default: the API's, oldest member first)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<UserSort>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Reads>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Active,
    Inactive,
    Pending,
    Banned,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "ACTIVE",
            UserStatus::Inactive => "INACTIVE",
            UserStatus::Pending => "PENDING",
            UserStatus::Banned => "BANNED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum UserSort {
    Email,
    Name,
    Created,
    Role,
}

/// The Go CLI's JSON keys, plus `status`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UserRow<'a> {
    full_name: &'a str,
    email: &'a str,
    id: &'a str,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_role: Option<&'a str>,
    status: &'a str,
}

#[derive(Serialize)]
struct UserList<'a> {
    users: Vec<UserRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Organization's members…");
    let users = select(client.list_all_users(org).await?, &args);
    drop(spinner);
    if ctx.wants_json(args.format.wants_json()) {
        ctx.print_json(&UserList {
            users: users.iter().map(row).collect(),
        })
    } else {
        ctx.print_table(
            &[
                "FULLNAME",
                "EMAIL",
                "ID",
                "ORGANIZATION ROLE",
                "CREATE DATE",
                "STATUS",
            ],
            (&["FULLNAME", "EMAIL"], &["CREATE DATE", "ID"]),
            users.iter().map(table_row).collect(),
            ("member", "members"),
        )
    }
}

/// Applies `--role`, `--status` and `--sort` (the API filters by neither role nor status).
fn select(mut users: Vec<User>, args: &ListArgs) -> Vec<User> {
    if let Some(role) = args.role {
        users.retain(|u| u.organization_role.as_deref() == Some(role.as_str()));
    }
    if let Some(status) = args.status {
        users.retain(|u| u.status == status.as_str());
    }
    let lower = |s: &str| s.to_lowercase();
    match args.sort {
        None => {}
        Some(UserSort::Email) => users.sort_by_cached_key(|u| lower(&u.username)),
        Some(UserSort::Name) => {
            users.sort_by_cached_key(|u| (lower(&u.full_name), lower(&u.username)))
        }
        // As instants: `…00.5Z` is after `…00Z`, and offsets other than Z compare right.
        Some(UserSort::Created) => users.sort_by_cached_key(|u| {
            (
                crate::time::parse_rfc3339(&u.created_at).unwrap_or(i64::MAX),
                lower(&u.username),
            )
        }),
        Some(UserSort::Role) => users.sort_by_cached_key(|u| {
            (
                role_rank(u.organization_role.as_deref()),
                lower(&u.username),
            )
        }),
    }
    users
}

/// Most privileged first; roles we do not know after the known ones, users without one last.
fn role_rank(role: Option<&str>) -> usize {
    match role {
        Some(r) => OrgRole::all()
            .iter()
            .position(|known| known.as_str() == r)
            .unwrap_or(OrgRole::all().len()),
        None => OrgRole::all().len() + 1,
    }
}

fn row(user: &User) -> UserRow<'_> {
    UserRow {
        full_name: &user.full_name,
        email: &user.username,
        id: &user.id,
        created_at: &user.created_at,
        org_role: user.organization_role.as_deref(),
        status: &user.status,
    }
}

fn table_row(u: &User) -> Vec<String> {
    vec![
        u.full_name.clone(),
        u.username.clone(),
        u.id.clone(),
        u.organization_role.clone().unwrap_or_default(),
        u.created_at.clone(),
        u.status.clone(),
    ]
}
