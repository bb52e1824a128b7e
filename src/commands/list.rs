//! `astro organization user list`: every member of the Organization, as a table or JSON.

use serde::Serialize;

use crate::api::User;
use crate::cli::ListArgs;
use crate::commands::Ctx;
use crate::error::CliError;
use crate::output;

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
    let users = client.list_all_users(org).await?;
    if args.format.wants_json() {
        output::json(&UserList {
            users: users.iter().map(row).collect(),
        })
    } else {
        output::data(&render_table(&users))
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

fn render_table(users: &[User]) -> String {
    let rows: Vec<Vec<String>> = users
        .iter()
        .map(|u| {
            vec![
                u.full_name.clone(),
                u.username.clone(),
                u.id.clone(),
                u.organization_role.clone().unwrap_or_default(),
                u.created_at.clone(),
                u.status.clone(),
            ]
        })
        .collect();
    output::table(
        &[
            "FULLNAME",
            "EMAIL",
            "ID",
            "ORGANIZATION ROLE",
            "CREATE DATE",
            "STATUS",
        ],
        &rows,
    )
}
