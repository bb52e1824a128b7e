//! One API token on one screen (`get`) and its roles as a table (`roles`), for any scope:
//! its fields, then each role with the name of what it is on (the Organization, each Workspace
//! and Deployment by name, a DAG or DAG tag with its Deployment). Never its secret: the API gives
//! it only when the token is created or rotated.

use serde::Serialize;

use super::{Scope, TokenView};
use crate::api::{ApiError, ApiToken, ApiTokenRole, Client, Deployment, Workspace};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::text;
use crate::time;

/// What names a token's roles: the Organization's name, Workspaces and Deployments (each `None`
/// when it could not be read).
#[derive(Debug, Default)]
pub struct Names {
    pub organization: Option<String>,
    pub workspaces: Option<Vec<Workspace>>,
    pub deployments: Option<Vec<Deployment>>,
}

impl Names {
    fn workspace(&self, id: &str) -> Option<String> {
        self.workspaces
            .iter()
            .flatten()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
    }

    fn deployment(&self, id: &str) -> Option<String> {
        self.deployments
            .iter()
            .flatten()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
    }
}

/// Reads the token (GetApiToken: one deleted since it was listed is exit 3) and, concurrently,
/// what names its roles as `listed` shows them: for an Organization command the Organization's
/// name, its Workspaces and Deployments; for a Workspace command the Workspace's Deployments;
/// for a Deployment command nothing more (its tokens have roles on that Deployment only).
/// A listing the token in use may not read names nothing (a note says so).
pub async fn read_named(
    client: &Client,
    org: &str,
    listed: &ApiToken,
    scope: &Scope,
) -> Result<(ApiToken, Names), CliError> {
    let has = |types: &[&str]| {
        listed.roles.as_ref().is_none_or(|roles| {
            roles
                .iter()
                .any(|r| types.contains(&r.entity_type.as_str()))
        })
    };
    let need_workspaces = matches!(scope, Scope::Organization) && has(&["WORKSPACE"]);
    let need_deployments = has(&["DEPLOYMENT", "DAG", "DAG_TAG"]);
    let spinner =
        output::Spinner::start(format!("Reading API token {}…", text::cell(&listed.name)));
    let token = async {
        client.get_api_token(org, &listed.id).await.map_err(|e| {
            if e.status() == Some(404) {
                CliError::not_found(format!(
                    "API token {} (`{}`) is gone: it was deleted since it was listed",
                    text::cell(&listed.name),
                    listed.id
                ))
            } else {
                e.into()
            }
        })
    };
    let organization = async {
        if !matches!(scope, Scope::Organization) {
            return Ok(None);
        }
        match client.get_organization(org).await {
            Ok(o) => Ok(Some(o.name)),
            Err(e) if e.status() == Some(403) => Ok(None),
            Err(e) => Err(CliError::from(e)),
        }
    };
    let workspaces = async {
        match scope {
            Scope::Workspace(ws) => Ok(Some(vec![ws.clone()])),
            Scope::Deployment(_) => Ok(Some(Vec::new())),
            Scope::Organization if need_workspaces => {
                visible(client.list_all_workspaces(org).await, "Workspaces")
            }
            Scope::Organization => Ok(Some(Vec::new())),
        }
    };
    let deployments = async {
        match scope {
            _ if !need_deployments => Ok(Some(Vec::new())),
            Scope::Deployment(d) => Ok(Some(vec![d.clone()])),
            Scope::Workspace(ws) => visible(
                client.list_workspace_deployments(org, &ws.id).await,
                "Deployments",
            ),
            Scope::Organization => visible(client.list_all_deployments(org).await, "Deployments"),
        }
    };
    let (token, organization, workspaces, deployments) =
        tokio::try_join!(token, organization, workspaces, deployments)?;
    drop(spinner);
    Ok((
        token,
        Names {
            organization,
            workspaces,
            deployments,
        },
    ))
}

/// A listing, or `None` (with a note) when the token in use may not read it.
fn visible<T>(result: Result<Vec<T>, ApiError>, what: &str) -> Result<Option<Vec<T>>, CliError> {
    match result {
        Ok(items) => Ok(Some(items)),
        Err(e) if e.status() == Some(403) => {
            output::note(&format!(
                "the token in use may not list the {what}: their names are not shown"
            ));
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// One role of a token, named, as `get --json` and `roles --json` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleView {
    /// `ORGANIZATION`, `WORKSPACE`, `DEPLOYMENT`, `DAG` or `DAG_TAG` (others as the API gives).
    pub entity_type: String,
    /// The Organization's, Workspace's or Deployment's ID; a DAG's ID; a DAG tag.
    pub entity_id: String,
    /// The Organization's, Workspace's or Deployment's name; null when it could not be read,
    /// and for DAGs and tags (they have no other name).
    pub entity_name: Option<String>,
    pub role: String,
    /// For DAG and DAG_TAG roles: the Deployment holding the DAG.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    /// For DAG and DAG_TAG roles: that Deployment's name (null when it could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<Option<String>>,
}

/// Each of `roles`, named, in the API's order.
pub fn name_roles(roles: &[ApiTokenRole], names: &Names) -> Vec<RoleView> {
    roles
        .iter()
        .map(|r| RoleView {
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            entity_name: match r.entity_type.as_str() {
                "ORGANIZATION" => names.organization.clone(),
                "WORKSPACE" => names.workspace(&r.entity_id),
                "DEPLOYMENT" => names.deployment(&r.entity_id),
                _ => None,
            },
            role: r.role.clone(),
            deployment_id: r.deployment_id.clone(),
            deployment_name: r.deployment_id.as_deref().map(|d| names.deployment(d)),
        })
        .collect()
}

/// A role as a table row: `ENTITY TYPE  ENTITY ID  ENTITY NAME  ROLE`; a DAG's name says which
/// Deployment it is in.
fn role_row(role: &RoleView) -> Vec<String> {
    let name = match (&role.deployment_id, &role.deployment_name) {
        (Some(id), Some(deployment)) => {
            let what = if role.entity_type == "DAG_TAG" {
                format!("tag {}", role.entity_id)
            } else {
                role.entity_id.clone()
            };
            match deployment {
                Some(name) => format!("{what} in {name}"),
                None => format!("{what} in Deployment {id}"),
            }
        }
        _ => role
            .entity_name
            .clone()
            .unwrap_or_else(|| "(unknown)".to_owned()),
    };
    vec![
        role.entity_type.clone(),
        role.entity_id.clone(),
        text::cell(&name),
        role.role.clone(),
    ]
}

const ROLE_HEADER: [&str; 4] = ["ENTITY TYPE", "ENTITY ID", "ENTITY NAME", "ROLE"];

/// What `get --json` prints: the token as lists show it (`role` is its role on the command's
/// scope), when it was last rotated, its Workspace (Workspace and Deployment commands), its
/// Deployment (Deployment commands) and every role, named.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenDetail {
    #[serde(flatten)]
    pub view: TokenView,
    pub last_rotated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
    pub roles: Vec<RoleView>,
}

/// `get`: the token `arg` names in `scope` (picked on a terminal when missing), read and named.
pub async fn get(
    ctx: &mut Ctx,
    scope: &Scope,
    arg: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    let listed = super::named_or_picked(ctx, arg, scope, "API token").await?;
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let (token, names) = read_named(client, &org, &listed, scope).await?;
    super::ensure_owned(scope, &token)?;
    let keys = scope.keys();
    let detail = TokenDetail {
        view: TokenView::new(&token, scope.role_of(&token, &org)),
        last_rotated_at: token.last_rotated_at.clone(),
        workspace_id: keys.workspace_id,
        workspace_name: keys.workspace_name,
        deployment_id: keys.deployment_id,
        deployment_name: keys.deployment_name,
        roles: name_roles(token.roles.as_deref().unwrap_or_default(), &names),
    };
    if ctx.wants_json(json) {
        return ctx.print_json(&detail);
    }
    output::data(&render(
        &detail,
        time::now_unix(),
        output::stdout_width(),
        !ctx.no_headers(),
    ))
}

/// `roles`: the token's roles as a table, or `{"roles":[…]}`.
pub async fn roles(
    ctx: &mut Ctx,
    scope: &Scope,
    arg: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    #[derive(Serialize)]
    struct Roles {
        roles: Vec<RoleView>,
    }
    let listed = super::named_or_picked(ctx, arg, scope, "API token").await?;
    let (client, org) = ctx.api().await?;
    let (token, names) = read_named(client, org, &listed, scope).await?;
    super::ensure_owned(scope, &token)?;
    let roles = name_roles(token.roles.as_deref().unwrap_or_default(), &names);
    if ctx.wants_json(json) {
        return ctx.print_json(&Roles { roles });
    }
    ctx.print_table(
        &ROLE_HEADER,
        (&["ENTITY NAME"], &["ENTITY ID"]),
        roles.iter().map(role_row).collect(),
        ("role", "roles"),
    )
}

/// A block of `Label:  value` lines, then the roles (`ENTITY TYPE  ENTITY ID  ENTITY NAME
/// ROLE`), fitted to `width` when given (names cut first, then the ID column left out).
fn render(detail: &TokenDetail, now: i64, width: Option<usize>, headers: bool) -> String {
    let view = &detail.view;
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".to_owned());
    let mut block: Vec<(&str, String)> = vec![
        ("Name", view.name.clone()),
        ("ID", view.id.clone()),
        ("Description", view.description.clone()),
        ("Scope", view.scope.clone()),
    ];
    match (&detail.deployment_name, &detail.workspace_name) {
        (Some(deployment), workspace) => {
            block.push(("Deployment", deployment.clone()));
            if let Some(workspace) = workspace {
                block.push(("Workspace", workspace.clone()));
            }
            block.push(("Deployment role", dash(&view.role)));
        }
        (None, Some(workspace)) => {
            block.push(("Workspace", workspace.clone()));
            block.push(("Workspace role", dash(&view.role)));
        }
        (None, None) => block.push(("Organization role", dash(&view.role))),
    }
    block.extend([
        ("Expires", time::expiry(view.expires_at.as_deref(), now)),
        ("Created", view.created_at.clone()),
        ("Created by", dash(&view.created_by)),
        (
            "Last used",
            view.last_used_at
                .clone()
                .unwrap_or_else(|| "never".to_owned()),
        ),
        (
            "Last rotated",
            detail
                .last_rotated_at
                .clone()
                .unwrap_or_else(|| "never".to_owned()),
        ),
    ]);
    let block: Vec<Vec<String>> = block
        .into_iter()
        .map(|(label, value)| vec![format!("{label}:"), text::cell(&value)])
        .collect();
    let mut lines = text::align(&block, 2, width);
    lines.push(String::new());
    if detail.roles.is_empty() {
        lines.push("No roles.".to_owned());
    } else {
        let mut cells: Vec<Vec<String>> = Vec::new();
        if headers {
            cells.push(ROLE_HEADER.map(str::to_owned).to_vec());
        }
        cells.extend(detail.roles.iter().map(role_row));
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
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(t: &str, id: &str, role: &str, deployment: Option<&str>) -> ApiTokenRole {
        ApiTokenRole {
            entity_type: t.into(),
            entity_id: id.into(),
            role: role.into(),
            deployment_id: deployment.map(Into::into),
        }
    }

    #[test]
    fn roles_are_named_in_the_apis_order_dags_by_their_deployment() {
        let names = Names {
            organization: Some("Example Org".into()),
            workspaces: Some(vec![Workspace {
                id: "cw".into(),
                name: "Data Platform".into(),
                description: None,
                cicd_enforced_default: false,
            }]),
            deployments: Some(vec![Deployment {
                id: "cd".into(),
                name: "Ingestion".into(),
                workspace_id: "cw".into(),
                workspace_name: None,
                status: "HEALTHY".into(),
            }]),
        };
        let roles = [
            role("ORGANIZATION", "co", "ORGANIZATION_MEMBER", None),
            role("WORKSPACE", "cw", "WORKSPACE_OPERATOR", None),
            role("WORKSPACE", "cgone", "WORKSPACE_MEMBER", None),
            role("DAG", "load_orders", "DAG_AUTHOR", Some("cd")),
            role("DAG_TAG", "finance", "DAG_VIEWER", Some("cother")),
        ];
        let rows: Vec<Vec<String>> = name_roles(&roles, &names).iter().map(role_row).collect();
        assert_eq!(
            rows,
            [
                ["ORGANIZATION", "co", "Example Org", "ORGANIZATION_MEMBER"],
                ["WORKSPACE", "cw", "Data Platform", "WORKSPACE_OPERATOR"],
                ["WORKSPACE", "cgone", "(unknown)", "WORKSPACE_MEMBER"],
                [
                    "DAG",
                    "load_orders",
                    "load_orders in Ingestion",
                    "DAG_AUTHOR"
                ],
                [
                    "DAG_TAG",
                    "finance",
                    "tag finance in Deployment cother",
                    "DAG_VIEWER"
                ],
            ]
        );
        let json = serde_json::to_value(name_roles(&roles[3..], &names)).unwrap();
        assert_eq!(
            json,
            serde_json::json!([
                {"entityType": "DAG", "entityId": "load_orders", "entityName": null,
                 "role": "DAG_AUTHOR", "deploymentId": "cd", "deploymentName": "Ingestion"},
                {"entityType": "DAG_TAG", "entityId": "finance", "entityName": null,
                 "role": "DAG_VIEWER", "deploymentId": "cother", "deploymentName": null},
            ])
        );
    }

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
            last_rotated_at: None,
            workspace_id: Some("cw1".into()),
            workspace_name: Some("Analytics".into()),
            deployment_id: None,
            deployment_name: None,
            roles: vec![
                RoleView {
                    entity_type: "WORKSPACE".into(),
                    entity_id: "cw1".into(),
                    entity_name: Some("Analytics".into()),
                    role: "WORKSPACE_AUTHOR".into(),
                    deployment_id: None,
                    deployment_name: None,
                },
                RoleView {
                    entity_type: "DAG".into(),
                    entity_id: "etl".into(),
                    entity_name: None,
                    role: "DAG_VIEWER".into(),
                    deployment_id: Some("cd1".into()),
                    deployment_name: Some(None),
                },
            ],
        }
    }

    #[test]
    fn a_block_then_the_roles_server_strings_cleaned() {
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
             Last rotated:    never\n\
             \n\
             ENTITY TYPE   ENTITY ID   ENTITY NAME             ROLE\n\
             WORKSPACE     cw1         Analytics               WORKSPACE_AUTHOR\n\
             DAG           etl         etl in Deployment cd1   DAG_VIEWER\n"
        );
    }

    #[test]
    fn a_deployment_token_names_its_deployment_its_workspace_and_its_role_there() {
        let now = time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let mut d = detail();
        d.view.scope = "DEPLOYMENT".into();
        d.view.role = Some("DEPLOYMENT_ADMIN".into());
        d.deployment_id = Some("cd1".into());
        d.deployment_name = Some("Ingestion".into());
        d.roles.clear();
        let out = render(&d, now, None, false);
        assert!(
            out.contains(
                "Scope:            DEPLOYMENT\n\
                 Deployment:       Ingestion\n\
                 Workspace:        Analytics\n\
                 Deployment role:  DEPLOYMENT_ADMIN\n"
            ),
            "{out}"
        );
        assert!(!out.contains("Workspace role"), "{out}");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["deploymentId"], "cd1");
        assert_eq!(json["deploymentName"], "Ingestion");
        // A Workspace token's detail has no Deployment keys.
        let json = serde_json::to_value(detail()).unwrap();
        assert!(json.get("deploymentId").is_none() && json.get("deploymentName").is_none());
    }

    #[test]
    fn an_organization_token_without_roles_says_so() {
        let now = time::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        let mut d = detail();
        d.workspace_id = None;
        d.workspace_name = None;
        d.view.role = None;
        d.roles.clear();
        let out = render(&d, now, None, false);
        assert!(out.contains("Organization role:  -\n"), "{out}");
        assert!(out.ends_with("\nNo roles.\n"), "{out}");
    }
}
