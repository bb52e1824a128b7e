//! `astro organization team get`: a Team on one screen: its Organization role, each Workspace,
//! Deployment and DAG role (with the name of what it is in), and its members by name and email.

use serde::Serialize;

use crate::access::{self, DagAccess, DeploymentAccess, RoleLists, WorkspaceAccess};
use crate::api::{ApiError, Team, TeamMember};
use crate::cli::{FormatArgs, Takes, Writes, name_value};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::output;
use crate::teams;
use crate::text;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization team get \"Platform Team\"\n  \
                        astro org te get clrhjy5c000000164wjlm5wfr --jq '.members[].email'\n\n\
                  A role list the API does not show to this token is \"not visible\" (null in JSON), \
                  never \"none\" ([]). A role in a Workspace or Deployment the token cannot list keeps \
                  its ID; its name is \"(unknown)\" (null in JSON)."
)]
pub struct GetArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM", value_parser = name_value)]
    pub team: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

/// What `--json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct TeamView {
    id: String,
    name: String,
    description: String,
    created_at: String,
    organization_role: Option<String>,
    is_idp_managed: bool,
    workspace_roles: Option<Vec<WorkspaceAccess>>,
    deployment_roles: Option<Vec<DeploymentAccess>>,
    dag_roles: Option<Vec<DagAccess>>,
    members: Vec<MemberView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberView {
    id: String,
    email: String,
    full_name: String,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.team.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Team",
            "its name or ID as the TEAM argument",
        ));
    }
    let listed = teams::named_or_picked(ctx, args.team.as_deref(), "Team").await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start(format!("Reading Team {}…", text::cell(&listed.name)));
    // A list the listing left out may still have roles: name them in case.
    let needed = |list: Option<usize>| list.is_none_or(|n| n > 0);
    let need_workspaces = needed(listed.workspace_roles.as_ref().map(Vec::len));
    let need_deployments = needed(listed.deployment_roles.as_ref().map(Vec::len))
        || needed(listed.dag_roles.as_ref().map(Vec::len));
    let team = async {
        client.get_team(org, &listed.id).await.map_err(|e| {
            if e.status() == Some(404) {
                CliError::not_found(format!(
                    "Team `{}` was deleted while it was being read",
                    echo(&listed.name)
                ))
            } else {
                e.into()
            }
        })
    };
    let members = async { Ok(client.list_team_members(org, &listed.id).await?) };
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
    let (team, members, workspaces, deployments): (Team, Vec<TeamMember>, _, _) =
        tokio::try_join!(team, members, workspaces, deployments)?;
    drop(spinner);
    for (missing, what) in [
        (workspaces.is_none(), "Workspaces"),
        (deployments.is_none(), "Deployments"),
    ] {
        if missing {
            output::note(&format!(
                "this token may not list the Organization's {what}: their names are not shown"
            ));
        }
    }
    let roles = access::name_roles(
        RoleLists::of_team(&team),
        workspaces.as_deref().unwrap_or_default(),
        deployments.as_deref().unwrap_or_default(),
    );
    let view = TeamView {
        id: team.id,
        name: team.name,
        description: team.description.unwrap_or_default(),
        created_at: team.created_at,
        organization_role: team.organization_role,
        is_idp_managed: team.is_idp_managed,
        workspace_roles: roles.workspace_roles,
        deployment_roles: roles.deployment_roles,
        dag_roles: roles.dag_roles,
        members: members
            .into_iter()
            .map(|m| MemberView {
                id: m.user_id,
                email: m.username,
                full_name: m.full_name.unwrap_or_default(),
            })
            .collect(),
    };
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&view);
    }
    let (text, ids_left_out) = render(&view, output::stdout_width(), !ctx.no_headers());
    output::data(&text)?;
    if ids_left_out {
        output::note("IDs left out to fit the terminal (--json shows all)");
    }
    Ok(())
}

/// A listing, or `None` when the token may not read it.
fn visible<T>(result: Result<Vec<T>, ApiError>) -> Result<Option<Vec<T>>, CliError> {
    match result {
        Ok(items) => Ok(Some(items)),
        Err(e) if e.status() == Some(403) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

const UNKNOWN: &str = "(unknown)";
const NOT_VISIBLE: &str = "not visible to this token";

/// One table of the screen: its header, rows, which columns are cut first and which one (the
/// ID) is left out before the others are cut.
struct Section {
    label: &'static str,
    header: &'static [&'static str],
    rows: Option<Vec<Vec<String>>>,
    cut_first: &'static [bool],
    id_column: usize,
}

/// The screen: a block of `Label:  value` lines (the Team, its Organization role, and each
/// scope where it has no role or the token cannot see), then a table per scope where it has
/// roles, then its members. Fitted to `width` when given (names cut first, then the ID columns
/// left out); returns the text and whether IDs were left out.
fn render(view: &TeamView, width: Option<usize>, headers: bool) -> (String, bool) {
    let mut block: Vec<(&str, String)> = vec![
        ("Name", view.name.clone()),
        ("ID", view.id.clone()),
        ("Description", view.description.clone()),
        (
            "Organization role",
            view.organization_role
                .clone()
                .unwrap_or_else(|| NOT_VISIBLE.to_owned()),
        ),
        (
            "IdP managed",
            if view.is_idp_managed {
                "yes (members, name and deletion are managed in the identity provider)"
            } else {
                "no"
            }
            .to_owned(),
        ),
        ("Created", view.created_at.clone()),
    ];
    let name = |n: &Option<String>| n.clone().unwrap_or_else(|| UNKNOWN.to_owned());
    let sections = [
        Section {
            label: "Workspace roles",
            header: &["WORKSPACE", "WORKSPACE ID", "WORKSPACE ROLE"],
            rows: view.workspace_roles.as_ref().map(|roles| {
                roles
                    .iter()
                    .map(|r| {
                        vec![
                            name(&r.workspace_name),
                            r.workspace_id.clone(),
                            r.role.clone(),
                        ]
                    })
                    .collect()
            }),
            cut_first: &[true],
            id_column: 1,
        },
        Section {
            label: "Deployment roles",
            header: &["DEPLOYMENT", "DEPLOYMENT ID", "DEPLOYMENT ROLE"],
            rows: view.deployment_roles.as_ref().map(|roles| {
                roles
                    .iter()
                    .map(|r| {
                        vec![
                            name(&r.deployment_name),
                            r.deployment_id.clone(),
                            r.role.clone(),
                        ]
                    })
                    .collect()
            }),
            cut_first: &[true],
            id_column: 1,
        },
        Section {
            label: "DAG roles",
            header: &["DEPLOYMENT", "DEPLOYMENT ID", "DAG", "DAG ROLE"],
            rows: view.dag_roles.as_ref().map(|roles| {
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
                    .collect()
            }),
            cut_first: &[true],
            id_column: 1,
        },
        Section {
            label: "Members",
            header: &["FULLNAME", "EMAIL", "ID"],
            rows: Some(
                view.members
                    .iter()
                    .map(|m| vec![m.full_name.clone(), m.email.clone(), m.id.clone()])
                    .collect(),
            ),
            cut_first: &[true, true],
            id_column: 2,
        },
    ];
    let mut tables = Vec::new();
    for section in sections {
        match &section.rows {
            None => block.push((section.label, NOT_VISIBLE.to_owned())),
            Some(rows) if rows.is_empty() => block.push((section.label, "none".to_owned())),
            Some(_) => tables.push(section),
        }
    }

    let block: Vec<Vec<String>> = block
        .into_iter()
        .map(|(label, value)| vec![format!("{label}:"), text::cell(&value)])
        .collect();
    let mut lines = text::align(&block, 2, width);
    let mut ids_left_out = false;
    for section in tables {
        lines.push(String::new());
        let mut cells: Vec<Vec<String>> = Vec::new();
        if headers {
            cells.push(section.header.iter().map(|h| (*h).to_owned()).collect());
        }
        cells.extend(
            section
                .rows
                .into_iter()
                .flatten()
                .map(|row| row.iter().map(|c| text::cell(c)).collect()),
        );
        match width {
            None => lines.extend(text::align(&cells, 3, None)),
            Some(width) => {
                let fit = text::Fit {
                    cut_first: section.cut_first,
                    drop_order: &[section.id_column],
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

    fn view() -> TeamView {
        TeamView {
            id: "ct".into(),
            name: "Data Engineering, EU".into(),
            description: "Pipelines \u{1b}[31mfor the EU".into(),
            created_at: "2024-01-17T10:00:00Z".into(),
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            is_idp_managed: false,
            workspace_roles: Some(vec![WorkspaceAccess {
                workspace_id: "cw1".into(),
                workspace_name: Some("Data Platform".into()),
                role: "WORKSPACE_OPERATOR".into(),
            }]),
            deployment_roles: Some(vec![DeploymentAccess {
                deployment_id: "cgone".into(),
                deployment_name: None,
                role: "DEPLOYMENT_ADMIN".into(),
            }]),
            dag_roles: Some(vec![]),
            members: vec![MemberView {
                id: "cu1".into(),
                email: "ada@example.com".into(),
                full_name: "Ada Lovelace".into(),
            }],
        }
    }

    #[test]
    fn a_block_then_a_table_per_scope_then_the_members() {
        let (text, dropped) = render(&view(), None, true);
        assert!(!dropped);
        assert_eq!(
            text,
            "Name:               Data Engineering, EU\n\
             ID:                 ct\n\
             Description:        Pipelines \u{fffd}[31mfor the EU\n\
             Organization role:  ORGANIZATION_MEMBER\n\
             IdP managed:        no\n\
             Created:            2024-01-17T10:00:00Z\n\
             DAG roles:          none\n\
             \n\
             WORKSPACE       WORKSPACE ID   WORKSPACE ROLE\n\
             Data Platform   cw1            WORKSPACE_OPERATOR\n\
             \n\
             DEPLOYMENT   DEPLOYMENT ID   DEPLOYMENT ROLE\n\
             (unknown)    cgone           DEPLOYMENT_ADMIN\n\
             \n\
             FULLNAME       EMAIL             ID\n\
             Ada Lovelace   ada@example.com   cu1\n"
        );
    }

    #[test]
    fn no_members_and_invisible_lists_are_lines_of_the_block() {
        let mut view = view();
        view.members.clear();
        view.workspace_roles = None;
        view.deployment_roles = Some(vec![]);
        view.is_idp_managed = true;
        let (text, _) = render(&view, None, false);
        assert!(
            text.contains("Workspace roles:    not visible to this token\n"),
            "{text}"
        );
        assert!(text.contains("Deployment roles:   none\n"), "{text}");
        assert!(text.contains("Members:            none\n"), "{text}");
        assert!(text.contains("IdP managed:        yes"), "{text}");
        assert!(!text.contains("WORKSPACE"), "{text}");
    }

    #[test]
    fn on_a_narrow_terminal_ids_go_before_names_and_roles_are_lost() {
        let (text, dropped) = render(&view(), Some(40), true);
        assert!(dropped);
        for line in text.lines() {
            assert!(text::width(line) <= 40, "{line:?}");
        }
        assert!(text.contains("WORKSPACE_OPERATOR"), "{text}");
        assert!(!text.contains("WORKSPACE ID"), "{text}");
        assert!(text.contains("ada@example.com"), "{text}");
    }
}
