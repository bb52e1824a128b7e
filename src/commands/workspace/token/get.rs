//! `astro workspace token get [TOKEN]`: one of the Workspace's own API tokens and all its roles
//! (the Workspace's, each Deployment's and DAG's, with the name of what it is in). Never its
//! secret: the API gives it only when the token is created or rotated.

use serde::Serialize;

use crate::api::{ApiError, ApiToken, Deployment};
use crate::cli::{FormatArgs, Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::output;
use crate::text;
use crate::time;
use crate::tokens::TokenView;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only the Workspace's own tokens: an Organization API token is shown by `astro \
                  organization token get`.\n\n\
                  Examples:\n  astro workspace token get \"Analytics reporting\" --workspace-id Analytics\n  \
                  astro wo to get clrj1j5s0000002l8qgdd6wpp --jq '.roles[].role'"
)]
pub struct GetArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

/// What `--json` prints: the token as lists show it, its Workspace, and every role.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenDetail {
    #[serde(flatten)]
    view: TokenView,
    workspace_id: String,
    workspace_name: String,
    roles: Vec<RoleView>,
}

/// One role, with the name of what it is on (`null` when unknown: a DAG, or a Deployment the
/// token cannot list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleView {
    entity_type: String,
    entity_id: String,
    entity_name: Option<String>,
    role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_id: Option<String>,
}

pub async fn run(args: GetArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.token.is_none() && ctx.prompter.is_none() {
        return Err(super::missing_token());
    }
    let (workspace, listed) = super::own_token(ctx, args.token.as_deref(), "API token").await?;
    let (client, org) = ctx.api().await?;
    let spinner =
        output::Spinner::start(format!("Reading API token {}…", text::cell(&listed.name)));
    let token = client.get_api_token(org, &listed.id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!(
                "API token `{}` was deleted while it was being read",
                echo(&listed.name)
            ))
        } else {
            CliError::from(e)
        }
    })?;
    super::ensure_own(&workspace, &token)?;
    let needs_deployments = token
        .roles
        .iter()
        .flatten()
        .any(|r| r.entity_type != "WORKSPACE");
    let deployments = if needs_deployments {
        visible(client.list_workspace_deployments(org, &workspace.id).await)?
    } else {
        Some(Vec::new())
    };
    drop(spinner);
    if deployments.is_none() {
        output::note(
            "this token may not list the Workspace's Deployments: their names are not shown",
        );
    }
    let roles = named_roles(
        &token,
        &workspace.id,
        &workspace.name,
        deployments.as_deref().unwrap_or_default(),
    );
    let detail = TokenDetail {
        view: TokenView::new(&token, token.role_on("WORKSPACE", &workspace.id)),
        workspace_id: workspace.id,
        workspace_name: workspace.name,
        roles,
    };
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&detail);
    }
    output::data(&render(
        &detail,
        time::now_unix(),
        output::stdout_width(),
        !ctx.no_headers(),
    ))
}

/// A listing, or `None` when the token may not read it.
fn visible<T>(result: Result<Vec<T>, ApiError>) -> Result<Option<Vec<T>>, CliError> {
    match result {
        Ok(items) => Ok(Some(items)),
        Err(e) if e.status() == Some(403) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The token's roles in the API's order, each with the name of its Workspace or Deployment.
fn named_roles(
    token: &ApiToken,
    workspace_id: &str,
    workspace_name: &str,
    deployments: &[Deployment],
) -> Vec<RoleView> {
    let deployment = |id: &str| {
        deployments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
    };
    token
        .roles
        .iter()
        .flatten()
        .map(|r| RoleView {
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            entity_name: match r.entity_type.as_str() {
                "WORKSPACE" if r.entity_id == workspace_id => Some(workspace_name.to_owned()),
                "DEPLOYMENT" => deployment(&r.entity_id),
                _ => None,
            },
            role: r.role.clone(),
            deployment_id: r.deployment_id.clone(),
        })
        .collect()
}

/// A block of `Label:  value` lines, then the roles: `ENTITY TYPE  ENTITY ID  ENTITY NAME
/// ROLE` (a DAG's row names its Deployment).
fn render(detail: &TokenDetail, now: i64, width: Option<usize>, headers: bool) -> String {
    let view = &detail.view;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let block: Vec<Vec<String>> = [
        ("Name", view.name.clone()),
        ("ID", view.id.clone()),
        ("Description", view.description.clone()),
        ("Scope", view.scope.clone()),
        ("Workspace", detail.workspace_name.clone()),
        ("Workspace role", dash(&view.role)),
        ("Expires", time::expiry(view.expires_at.as_deref(), now)),
        ("Created", view.created_at.clone()),
        ("Created by", dash(&view.created_by)),
        (
            "Last used",
            view.last_used_at
                .clone()
                .unwrap_or_else(|| "never".to_owned()),
        ),
    ]
    .into_iter()
    .map(|(label, value)| vec![format!("{label}:"), text::cell(&value)])
    .collect();
    let mut lines = text::align(&block, 2, width);
    lines.push(String::new());
    let mut cells: Vec<Vec<String>> = Vec::new();
    if headers {
        cells.push(
            ["ENTITY TYPE", "ENTITY ID", "ENTITY NAME", "ROLE"]
                .map(str::to_owned)
                .to_vec(),
        );
    }
    cells.extend(detail.roles.iter().map(|r| {
        let name = match (&r.entity_name, &r.deployment_id) {
            (Some(name), _) => name.clone(),
            (None, Some(deployment)) => format!("(in Deployment {deployment})"),
            (None, None) => "-".to_owned(),
        };
        vec![
            r.entity_type.clone(),
            r.entity_id.clone(),
            text::cell(&name),
            r.role.clone(),
        ]
    }));
    match width {
        None => lines.extend(text::align(&cells, 3, None)),
        Some(width) => {
            let fit = text::Fit {
                cut_first: &[false, false, true],
                drop_order: &[1],
            };
            lines.extend(text::fit(&cells, 3, width, fit).0);
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail() -> TokenDetail {
        TokenDetail {
            view: TokenView {
                id: "ct1".into(),
                name: "Reports \u{1b}[31m".into(),
                description: "Publishes the reports".into(),
                scope: "WORKSPACE".into(),
                role: Some("WORKSPACE_AUTHOR".into()),
                expires_at: Some("2026-12-13T00:00:00Z".into()),
                created_at: "2024-01-18T10:00:00Z".into(),
                created_by: Some("ada@example.com".into()),
                last_used_at: None,
            },
            workspace_id: "cw1".into(),
            workspace_name: "Analytics".into(),
            roles: vec![
                RoleView {
                    entity_type: "WORKSPACE".into(),
                    entity_id: "cw1".into(),
                    entity_name: Some("Analytics".into()),
                    role: "WORKSPACE_AUTHOR".into(),
                    deployment_id: None,
                },
                RoleView {
                    entity_type: "DAG".into(),
                    entity_id: "etl".into(),
                    entity_name: None,
                    role: "DAG_VIEWER".into(),
                    deployment_id: Some("cd1".into()),
                },
            ],
        }
    }

    #[test]
    fn a_block_then_the_roles() {
        let now = time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(
            render(&detail(), now, None, true),
            "Name:            Reports \u{fffd}[31m\n\
             ID:              ct1\n\
             Description:     Publishes the reports\n\
             Scope:           WORKSPACE\n\
             Workspace:       Analytics\n\
             Workspace role:  WORKSPACE_AUTHOR\n\
             Expires:         2026-12-13 (in 12 days)\n\
             Created:         2024-01-18T10:00:00Z\n\
             Created by:      ada@example.com\n\
             Last used:       never\n\
             \n\
             ENTITY TYPE   ENTITY ID   ENTITY NAME           ROLE\n\
             WORKSPACE     cw1         Analytics             WORKSPACE_AUTHOR\n\
             DAG           etl         (in Deployment cd1)   DAG_VIEWER\n"
        );
    }
}
