//! The Deployment a command works on. It comes from `--deployment-id`, then
//! `ASTRO_DEPLOYMENT_ID` (an ID, or a name: within the selected Workspace when there is one,
//! else within the Organization), else it is picked from a list on a terminal (exit 2 off one,
//! naming `--deployment-id`). An ID is checked with one GetDeployment; a name is resolved with
//! one listing.

use crate::api::{Client, Deployment, Workspace};
use crate::context::Ctx;
use crate::error::{CliError, Exit, echo};
use crate::lookup::{self, Kind, Named};
use crate::members::is_cuid;
use crate::output;
use crate::prompt::PickList;
use crate::workspaces;

impl Named for Deployment {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
    fn place(&self) -> Option<String> {
        Some(format!(
            "Workspace {}",
            self.workspace_name.as_deref().unwrap_or(&self.workspace_id)
        ))
    }
}

pub const KIND: Kind = Kind {
    noun: "Deployment",
    list_command: "astro deployment list",
};

/// The error for a command that needs a Deployment and has none, off a terminal.
pub fn missing() -> CliError {
    CliError::missing(
        "the Deployment",
        "--deployment-id ID_OR_NAME (or ASTRO_DEPLOYMENT_ID)",
    )
}

/// Off a terminal a missing Deployment is exit 2, before any request.
pub fn require(ctx: &Ctx) -> Result<(), CliError> {
    if ctx.deployment_option().is_none() && ctx.prompter.is_none() {
        return Err(missing());
    }
    Ok(())
}

/// Where Deployments are looked for: the selected Workspace, or (none selected) the whole
/// Organization.
pub async fn scope(ctx: &mut Ctx) -> Result<Option<Workspace>, CliError> {
    match workspaces::selected(ctx).await? {
        Some(_) => Ok(Some(workspaces::current(ctx).await?)),
        None => Ok(None),
    }
}

/// The Deployments of `workspace`, or of the Organization, with a spinner on a terminal.
pub async fn list(
    client: &Client,
    org: &str,
    workspace: Option<&Workspace>,
) -> Result<Vec<Deployment>, CliError> {
    let spinner = output::Spinner::start("Listing the Deployments…");
    let deployments = match workspace {
        Some(ws) => client.list_workspace_deployments(org, &ws.id).await?,
        None => client.list_all_deployments(org).await?,
    };
    drop(spinner);
    Ok(deployments)
}

/// The Deployment to work on (see the module's documentation).
pub async fn current(ctx: &mut Ctx) -> Result<Deployment, CliError> {
    let named = ctx
        .deployment_option()
        .map(|(value, source)| (value.to_owned(), source));
    match named {
        Some((value, source)) => resolve(ctx, &value, source).await,
        None => {
            if ctx.prompter.is_none() {
                return Err(missing());
            }
            let workspace = scope(ctx).await?;
            let (client, org) = ctx.api().await?;
            let all = list(client, org, workspace.as_ref()).await?;
            pick(ctx, all, workspace.as_ref())
        }
    }
}

/// The Deployment `value` names: its ID (one GetDeployment), else its name among the selected
/// Workspace's Deployments (or the Organization's).
pub async fn resolve(ctx: &mut Ctx, value: &str, source: &str) -> Result<Deployment, CliError> {
    if is_cuid(value) {
        let (client, org) = ctx.api().await?;
        match client.get_deployment(org, value).await {
            Ok(deployment) => return Ok(deployment),
            // It may still be a name that looks like an ID.
            Err(e) if e.status() == Some(404) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let workspace = scope(ctx).await?;
    let (client, org) = ctx.api().await?;
    let all = list(client, org, workspace.as_ref()).await?;
    lookup::find(&all, value, KIND)
        .cloned()
        .map_err(|err| match (err.exit, &workspace) {
            (Exit::NotFound, Some(ws)) => CliError::not_found(format!(
                "no Deployment `{}` in Workspace `{}` (from {source})",
                echo(value),
                crate::text::cell(&ws.name)
            ))
            .with_hint(
                "run `astro deployment list` to see them, or pass the Deployment's ID (or another --workspace-id)",
            ),
            (Exit::NotFound, None) => CliError::not_found(format!(
                "no Deployment `{}` in Organization `{org}` (from {source})",
                echo(value)
            ))
            .with_hint("run `astro deployment list --all` to see them"),
            _ => err,
        })
}

/// The Deployment `value` names among `all` (the Organization's, listed once), as
/// [`resolve`] would find it: its exact ID anywhere in the Organization, else its name among
/// `workspace`'s Deployments (the selected Workspace), or among all of them when none is.
pub fn find_in(
    all: &[Deployment],
    value: &str,
    workspace: Option<&Workspace>,
) -> Result<Deployment, CliError> {
    if let Some(by_id) = all.iter().find(|d| d.id == value) {
        return Ok(by_id.clone());
    }
    let scoped: Vec<Deployment> = all
        .iter()
        .filter(|d| workspace.is_none_or(|ws| d.workspace_id == ws.id))
        .cloned()
        .collect();
    lookup::find(&scoped, value, KIND)
        .cloned()
        .map_err(|err| match (err.exit, workspace) {
            (Exit::NotFound, Some(ws)) => CliError::not_found(format!(
                "no Deployment `{}` in Workspace `{}`",
                echo(value),
                crate::text::cell(&ws.name)
            ))
            .with_hint(
                "run `astro deployment list` to see them, or pass the Deployment's ID (or another --workspace-id)",
            ),
            (Exit::NotFound, None) => CliError::not_found(format!(
                "no Deployment `{}` in the Organization",
                echo(value)
            ))
            .with_hint("run `astro deployment list --all` to see them"),
            _ => err,
        })
}

/// One of `all`, picked on the terminal: rows of name, Workspace (when listing the whole
/// Organization), status and ID.
fn pick(
    ctx: &mut Ctx,
    all: Vec<Deployment>,
    workspace: Option<&Workspace>,
) -> Result<Deployment, CliError> {
    if all.is_empty() {
        return Err(match workspace {
            Some(ws) => CliError::not_found(format!(
                "Workspace `{}` has no Deployments",
                crate::text::cell(&ws.name)
            )),
            None => CliError::not_found("the Organization has no Deployments"),
        });
    }
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|d| {
            let mut row = vec![d.name.clone()];
            if workspace.is_none() {
                row.push(d.workspace_name.clone().unwrap_or_default());
            }
            row.push(d.status.clone());
            row.push(d.id.clone());
            row
        })
        .collect();
    let cut_first: &[bool] = if workspace.is_none() {
        &[false, true, false, true]
    } else {
        &[false, false, true]
    };
    let prompter = ctx.prompter.as_mut().ok_or_else(missing)?;
    let index = prompter.pick(&PickList {
        prompt: "Deployment",
        rows: &rows,
        default: 0,
        noun: ("Deployment", "Deployments"),
        cut_first,
    })?;
    Ok(all.into_iter().nth(index).expect("an index of the list"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(id: &str, name: &str, workspace: &str) -> Deployment {
        Deployment {
            id: id.into(),
            name: name.into(),
            workspace_id: workspace.into(),
            workspace_name: Some(format!("{workspace} name")),
            status: String::new(),
        }
    }

    fn workspace(id: &str) -> Workspace {
        serde_json::from_value(serde_json::json!({"id": id, "name": format!("{id} name")})).unwrap()
    }

    #[test]
    fn an_id_anywhere_then_a_name_in_the_selected_workspace_else_the_organization() {
        let all = [
            deployment("d1", "Ingestion", "w1"),
            deployment("d2", "Reports", "w1"),
            deployment("d3", "Reports", "w2"),
        ];
        let w2 = workspace("w2");
        assert_eq!(find_in(&all, "d1", Some(&w2)).unwrap().id, "d1");
        assert_eq!(find_in(&all, "reports", Some(&w2)).unwrap().id, "d3");
        let err = find_in(&all, "Ingestion", Some(&w2)).unwrap_err();
        assert_eq!(err.exit, Exit::NotFound);
        assert_eq!(
            err.message,
            "no Deployment `Ingestion` in Workspace `w2 name`"
        );
        let err = find_in(&all, "Reports", None).unwrap_err();
        assert_eq!(err.exit, Exit::Usage);
        assert!(
            err.message
                .starts_with("`Reports` names 2 Deployments: Reports (`d2`, in Workspace w1 name)"),
            "{}",
            err.message
        );
        let err = find_in(&all, "Nowhere", None).unwrap_err();
        assert_eq!(err.message, "no Deployment `Nowhere` in the Organization");
    }
}
