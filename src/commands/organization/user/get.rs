//! `astro organization user get`: a member's whole access on one screen: their Organization
//! role, each Workspace, Deployment and DAG role (with the name of what it is in), and their
//! Teams.

use crate::access::{self, Access};
use crate::api::{ApiError, Client, User};
use crate::cli::{FormatArgs, Takes, Writes};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members;
use crate::membership;
use crate::output;
use crate::text;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization user get grace@example.com\n  \
                        astro org us get grace@example.com --jq '.workspaceRoles[].workspaceName'\n\n\
                  A role list the API does not show to this token is \"not visible\" (null in JSON), \
                  never \"none\" ([]). A role in a Workspace or Deployment the token cannot list keeps \
                  its ID; its name is \"(unknown)\" (null in JSON)."
)]
pub struct GetArgs {
    /// The user's email address (any case) or user ID; picked from the Organization's members
    /// on a terminal when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    membership::check_user_arg(args.user.as_deref())?;
    if args.user.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the user's email or ID",
            "it as the EMAIL_OR_ID argument",
        ));
    }
    let user = find(ctx, args.user.as_deref()).await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start(format!("Reading {}'s access…", user.username));
    let access = look_up(client, org, &user).await?;
    drop(spinner);
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&access);
    }
    let (text, ids_left_out) = render(&access, output::stdout_width(), !ctx.no_headers());
    output::data(&text)?;
    if ids_left_out {
        output::note("IDs left out to fit the terminal (--json shows all)");
    }
    Ok(())
}

/// The user `arg` names (or, without one, picked from the members on a terminal), as GetUser
/// shows them: a listing may leave the role lists out.
async fn find(ctx: &mut Ctx, arg: Option<&str>) -> Result<User, CliError> {
    let (client, org) = ctx.api().await?;
    if let Some(arg) = arg {
        let (user, listed) = members::find(client, org, arg).await?;
        return match listed {
            // Found by ID: that was GetUser.
            None => Ok(user),
            Some(_) => read(client, org, &user.id, arg).await,
        };
    }
    let spinner = output::Spinner::start("Listing the Organization's members…");
    let users = client.list_all_users(org).await?;
    drop(spinner);
    if users.is_empty() {
        return Err(CliError::not_found(format!(
            "Organization `{org}` has no users"
        )));
    }
    let rows = members::rows(&users, |u| u.organization_role.as_deref());
    let prompter = ctx.prompter.as_mut().expect("checked by run");
    let index = prompter.pick(&members::pick_list("User", &rows))?;
    let (id, email) = (users[index].id.clone(), users[index].username.clone());
    let (client, org) = ctx.api().await?;
    read(client, org, &id, &email).await
}

/// GetUser; gone since it was listed: exit 3 as if never found.
async fn read(client: &Client, org: &str, id: &str, named: &str) -> Result<User, CliError> {
    client.get_user(org, id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!("no user `{}` in Organization `{org}`", echo(named)))
                .with_hint("run `astro organization user list` to see its members")
        } else {
            e.into()
        }
    })
}

/// The listings that name the user's roles, and their Teams, read at the same time. A listing
/// the token may not read (403) leaves the names unknown (with a note), or the Teams not
/// visible.
async fn look_up(client: &Client, org: &str, user: &User) -> Result<Access, CliError> {
    let (need_workspaces, need_deployments) = access::needs_listings(user);
    let workspaces = async {
        if need_workspaces {
            visible(client.list_all_workspaces(org).await)
        } else {
            Ok(Some(Vec::new()))
        }
    };
    let deployments = async {
        if need_deployments {
            visible(client.list_all_deployments(org).await)
        } else {
            Ok(Some(Vec::new()))
        }
    };
    let teams = async { visible(client.list_user_teams(org, &user.id).await) };
    let (workspaces, deployments, teams) = tokio::try_join!(workspaces, deployments, teams)?;
    for (listing, what) in [
        (workspaces.is_none(), "Workspaces"),
        (deployments.is_none(), "Deployments"),
    ] {
        if listing {
            output::note(&format!(
                "this token may not list the Organization's {what}: their names are not shown"
            ));
        }
    }
    let access = access::assemble(
        user,
        workspaces.as_deref().unwrap_or_default(),
        deployments.as_deref().unwrap_or_default(),
        teams.as_deref(),
    );
    let (unnamed_workspaces, unnamed_deployments) = access.unnamed();
    for (count, listed, singular, plural) in [
        (
            unnamed_workspaces,
            workspaces.is_some(),
            "Workspace",
            "Workspaces",
        ),
        (
            unnamed_deployments,
            deployments.is_some(),
            "Deployment",
            "Deployments",
        ),
    ] {
        if count > 0 && listed {
            output::note(&format!(
                "{} {} not in the Organization's listing (deleted, or not visible to this token): shown by ID",
                text::count(
                    count,
                    &format!("role names a {singular}"),
                    &format!("roles name {plural}")
                ),
                if count == 1 { "that is" } else { "that are" },
            ));
        }
    }
    Ok(access)
}

/// A listing, or `None` when the token may not read it.
fn visible<T>(result: Result<Vec<T>, ApiError>) -> Result<Option<Vec<T>>, CliError> {
    match result {
        Ok(items) => Ok(Some(items)),
        Err(e) if e.status() == Some(403) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Rows of table cells.
type Rows = Vec<Vec<String>>;

const UNKNOWN: &str = "(unknown)";
const NOT_VISIBLE: &str = "not visible to this token";

/// The screen: a block of `Label:  value` lines (the user, their Organization role, and each
/// scope where they have no role or the token cannot see), then a table per scope where they
/// have roles. Fitted to `width` when given (names cut first, then the ID column left out);
/// returns the text and whether IDs were left out.
fn render(access: &Access, width: Option<usize>, headers: bool) -> (String, bool) {
    let mut block: Vec<(&str, String)> = vec![
        ("Email", access.email.clone()),
        ("Name", access.full_name.clone()),
        ("ID", access.id.clone()),
        ("Status", access.status.clone()),
        (
            "Organization role",
            access
                .organization_role
                .clone()
                .unwrap_or_else(|| NOT_VISIBLE.to_owned()),
        ),
    ];
    let name = |n: &Option<String>| n.clone().unwrap_or_else(|| UNKNOWN.to_owned());
    let workspaces = access.workspace_roles.as_ref().map(|roles| {
        roles
            .iter()
            .map(|r| {
                vec![
                    name(&r.workspace_name),
                    r.workspace_id.clone(),
                    r.role.clone(),
                ]
            })
            .collect::<Vec<_>>()
    });
    let deployments = access.deployment_roles.as_ref().map(|roles| {
        roles
            .iter()
            .map(|r| {
                vec![
                    name(&r.deployment_name),
                    r.deployment_id.clone(),
                    r.role.clone(),
                ]
            })
            .collect::<Vec<_>>()
    });
    let dags = access.dag_roles.as_ref().map(|roles| {
        roles
            .iter()
            .map(|r| {
                let dag = [
                    r.dag_id.clone(),
                    r.dag_tag.as_ref().map(|t| format!("tag:{t}")),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                vec![
                    name(&r.deployment_name),
                    r.deployment_id.clone(),
                    dag,
                    r.role.clone(),
                ]
            })
            .collect::<Vec<_>>()
    });
    let teams = access.teams.as_ref().map(|teams| {
        teams
            .iter()
            .map(|t| vec![t.name.clone(), t.id.clone()])
            .collect::<Vec<_>>()
    });
    let sections: [(&str, &[&str], Option<Rows>); 4] = [
        (
            "Workspace roles",
            &["WORKSPACE", "WORKSPACE ID", "WORKSPACE ROLE"],
            workspaces,
        ),
        (
            "Deployment roles",
            &["DEPLOYMENT", "DEPLOYMENT ID", "DEPLOYMENT ROLE"],
            deployments,
        ),
        (
            "DAG roles",
            &["DEPLOYMENT", "DEPLOYMENT ID", "DAG", "DAG ROLE"],
            dags,
        ),
        ("Teams", &["TEAM", "TEAM ID"], teams),
    ];
    let mut tables = Vec::new();
    for (label, header, rows) in sections {
        match rows {
            None => block.push((label, NOT_VISIBLE.to_owned())),
            Some(rows) if rows.is_empty() => block.push((label, "none".to_owned())),
            Some(rows) => tables.push((header, rows)),
        }
    }

    let block: Vec<Vec<String>> = block
        .into_iter()
        .map(|(label, value)| vec![format!("{label}:"), text::cell(&value)])
        .collect();
    let mut lines = text::align(&block, 2, width);
    let mut ids_left_out = false;
    for (header, rows) in tables {
        lines.push(String::new());
        let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
        if headers {
            cells.push(header.iter().map(|h| (*h).to_owned()).collect());
        }
        cells.extend(
            rows.into_iter()
                .map(|row| row.iter().map(|c| text::cell(c)).collect()),
        );
        match width {
            None => lines.extend(text::align(&cells, 3, None)),
            Some(width) => {
                // The name is cut first; the ID (the second column) goes before a role is cut.
                let fit = text::Fit {
                    cut_first: &[true],
                    drop_order: &[1],
                };
                let (fitted, dropped) = text::fit(&cells, 3, width, fit);
                ids_left_out |= !dropped.is_empty();
                lines.extend(fitted);
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    (text, ids_left_out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{DagAccess, DeploymentAccess, TeamRef, WorkspaceAccess};

    fn grace() -> Access {
        Access {
            id: "cgrace".into(),
            email: "grace@example.com".into(),
            full_name: "Grace \u{1b}[31mHopper".into(),
            status: "ACTIVE".into(),
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            workspace_roles: Some(vec![WorkspaceAccess {
                workspace_id: "cw1".into(),
                workspace_name: Some("Data Platform".into()),
                role: "WORKSPACE_OWNER".into(),
            }]),
            deployment_roles: Some(vec![DeploymentAccess {
                deployment_id: "cgone".into(),
                deployment_name: None,
                role: "DEPLOYMENT_ADMIN".into(),
            }]),
            dag_roles: Some(vec![DagAccess {
                deployment_id: "cd2".into(),
                deployment_name: Some("Warehouse Loads".into()),
                dag_id: Some("load_orders".into()),
                dag_tag: Some("finance".into()),
                role: "DAG_AUTHOR".into(),
            }]),
            teams: Some(vec![TeamRef {
                id: "ct".into(),
                name: "Platform Team".into(),
            }]),
        }
    }

    #[test]
    fn a_block_then_a_table_per_scope_cleaned_of_control_characters() {
        let (text, dropped) = render(&grace(), None, true);
        assert!(!dropped);
        assert_eq!(
            text,
            "Email:              grace@example.com\n\
             Name:               Grace \u{fffd}[31mHopper\n\
             ID:                 cgrace\n\
             Status:             ACTIVE\n\
             Organization role:  ORGANIZATION_MEMBER\n\
             \n\
             WORKSPACE       WORKSPACE ID   WORKSPACE ROLE\n\
             Data Platform   cw1            WORKSPACE_OWNER\n\
             \n\
             DEPLOYMENT   DEPLOYMENT ID   DEPLOYMENT ROLE\n\
             (unknown)    cgone           DEPLOYMENT_ADMIN\n\
             \n\
             DEPLOYMENT        DEPLOYMENT ID   DAG                       DAG ROLE\n\
             Warehouse Loads   cd2             load_orders tag:finance   DAG_AUTHOR\n\
             \n\
             TEAM            TEAM ID\n\
             Platform Team   ct\n"
        );
    }

    #[test]
    fn empty_and_invisible_scopes_are_lines_of_the_block() {
        let mut access = grace();
        access.organization_role = None;
        access.workspace_roles = Some(vec![]);
        access.deployment_roles = None;
        access.dag_roles = Some(vec![]);
        access.teams = None;
        let (text, _) = render(&access, None, false);
        assert_eq!(
            text,
            "Email:              grace@example.com\n\
             Name:               Grace \u{fffd}[31mHopper\n\
             ID:                 cgrace\n\
             Status:             ACTIVE\n\
             Organization role:  not visible to this token\n\
             Workspace roles:    none\n\
             Deployment roles:   not visible to this token\n\
             DAG roles:          none\n\
             Teams:              not visible to this token\n"
        );
    }

    #[test]
    fn on_a_narrow_terminal_ids_go_before_roles_are_cut() {
        let (text, dropped) = render(&grace(), Some(40), true);
        assert!(dropped);
        for line in text.lines() {
            assert!(text::width(line) <= 40, "{line:?}");
        }
        assert!(text.contains("WORKSPACE_OWNER"), "{text}");
        assert!(!text.contains("WORKSPACE ID"), "{text}");
        assert!(text.contains("Platform Team"), "{text}");
    }
}
