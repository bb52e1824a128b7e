//! `astro workspace user list`: the Workspace's members and their Workspace roles.

use serde::Serialize;

use crate::api::User;
use crate::cli::{FormatArgs, Takes, WorkspaceReads};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace user list --workspace-id \"Data Platform\"\n  \
                        astro wo us ls --role operator --jq '.users[].email'"
)]
pub struct ListArgs {
    /// Only members with this Workspace role (any case, or a short name such as `author`)
    /// [possible values: WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR,
    /// WORKSPACE_MEMBER, WORKSPACE_ACCESSOR]
    #[arg(long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceReads>,
}

/// The Go CLI's JSON keys, plus `status`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberRow<'a> {
    full_name: &'a str,
    email: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_role: Option<&'a str>,
    created_at: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct MemberList<'a> {
    users: Vec<MemberRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let workspace = workspaces::current(ctx).await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Workspace's members…");
    let mut users = client.list_workspace_users(org, &workspace.id).await?;
    drop(spinner);
    let role_of = |u: &User| u.workspace_role(&workspace.id).map(str::to_owned);
    if let Some(role) = args.role {
        users.retain(|u| role_of(u).as_deref() == Some(role.as_str()));
    }
    if ctx.wants_json(args.format.wants_json()) {
        let roles: Vec<Option<String>> = users.iter().map(role_of).collect();
        return ctx.print_json(&MemberList {
            users: users
                .iter()
                .zip(&roles)
                .map(|(u, role)| MemberRow {
                    full_name: &u.full_name,
                    email: &u.username,
                    id: &u.id,
                    workspace_role: role.as_deref(),
                    created_at: &u.created_at,
                    status: &u.status,
                })
                .collect(),
        });
    }
    let rows = users
        .iter()
        .map(|u| {
            vec![
                u.full_name.clone(),
                u.username.clone(),
                u.id.clone(),
                role_of(u).unwrap_or_default(),
                u.created_at.clone(),
                u.status.clone(),
            ]
        })
        .collect();
    ctx.print_table(
        &[
            "FULLNAME",
            "EMAIL",
            "ID",
            "WORKSPACE ROLE",
            "CREATE DATE",
            "STATUS",
        ],
        (&["FULLNAME", "EMAIL"], &["CREATE DATE", "ID"]),
        rows,
        ("member", "members"),
    )
}
