//! `update` for any scope: change one of the scope's own API tokens: its name, description
//! or role on its scope. Everything is checked before the first write (a role of the wrong
//! level, a name too long or taken by another of the scope's tokens: nothing sent); nothing is
//! sent when nothing changes. The role goes through UpdateApiTokenRoles with the token's
//! complete role list as read right before (GetApiToken), only its entry on the scope changed;
//! the name and description through UpdateApiToken, which requires the name (the current one is
//! sent when only the description changes); a name-only change never touches the roles. A
//! Workspace command never changes an Organization token, nor a Deployment command an
//! Organization or Workspace token.

use serde::Serialize;

use super::{Scope, ensure_owned, list, named_or_picked};
use crate::api::ApiToken;
use crate::changes::FieldChanges;
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::output;
use crate::text;
use crate::token_roles::{self, Entry};

/// What the user asked to change (the role already validated for the scope).
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub name: Option<String>,
    pub description: Option<String>,
    pub role: Option<String>,
}

/// The API's limits (UpdateApiTokenRequest).
const NAME_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 500;

/// A token's fields as `update` reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    name: String,
    description: String,
    /// Its role on the scope (its Organization role, or its role in the Workspace or on the
    /// Deployment).
    role: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateOutcome {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_name: Option<String>,
    #[serde(flatten)]
    fields: Fields,
    previous: Fields,
    changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

/// Checks the change before anything is sent; `role_flag` names the role flag's value
/// (`ORG_ROLE`, `WORKSPACE_ROLE`, `ROLE`) in the hint.
pub fn check(change: &Change, role_flag: &str) -> Result<(), CliError> {
    if change.name.is_none() && change.description.is_none() && change.role.is_none() {
        return Err(CliError::usage("nothing to update").with_hint(format!(
            "pass --name NEW, --description TEXT or --role {role_flag}"
        )));
    }
    if let Some(name) = &change.name
        && name.chars().count() > NAME_MAX
    {
        return Err(CliError::usage(format!(
            "the name is {} characters long; an API token's name may have at most {NAME_MAX}",
            name.chars().count()
        )));
    }
    if let Some(description) = &change.description
        && description.chars().count() > DESCRIPTION_MAX
    {
        return Err(CliError::usage(format!(
            "the description is {} characters long; an API token's may have at most {DESCRIPTION_MAX}",
            description.chars().count()
        )));
    }
    Ok(())
}

impl Scope {
    /// The entry of a token's roles that is its role on this scope.
    fn entry<'a>(&'a self, org: &'a str, role: &'a str) -> Entry<'a> {
        match self {
            Scope::Organization => Entry::organization(org, role),
            Scope::Workspace(ws) => Entry::workspace(&ws.id, Some(role)),
            Scope::Deployment(d) => Entry::deployment(&d.id, Some(role)),
        }
    }

    /// `get` of this scope's commands, for hints.
    fn get_command(&self, id: &str) -> String {
        match self {
            Scope::Organization => format!("astro organization token get {id}"),
            Scope::Workspace(ws) => {
                format!("astro workspace token get {id} --workspace-id {}", ws.id)
            }
            Scope::Deployment(d) => {
                format!("astro deployment token get {id} --deployment-id {}", d.id)
            }
        }
    }
}

/// Changes the token `arg` names in `scope` (picked on a terminal when missing) as `change`
/// asks; the change has passed [`check`].
pub async fn update(
    ctx: &mut Ctx,
    scope: &Scope,
    arg: Option<&str>,
    change: Change,
    json: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    let listed = named_or_picked(ctx, arg, scope, "API token to update").await?;
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    // A rename is checked against the scope's other tokens before anything is sent.
    if let Some(name) = change.name.as_deref().filter(|n| *n != listed.name) {
        let own = list(client, &org, scope).await?;
        check_unique(scope, &own, name, &listed.id)?;
    }
    // A role change needs the token's roles as they are right before the write.
    let token = match &change.role {
        Some(role) if scope.role_of(&listed, &org) != Some(role.as_str()) => {
            let token = token_roles::read(client, &org, &listed.id).await?;
            ensure_owned(scope, &token)?;
            token
        }
        _ => listed,
    };
    let previous = Fields {
        name: token.name.clone(),
        description: token.description.clone(),
        role: scope.role_of(&token, &org).map(str::to_owned),
    };
    let wanted = Fields {
        name: change.name.unwrap_or_else(|| previous.name.clone()),
        description: change
            .description
            .unwrap_or_else(|| previous.description.clone()),
        role: change.role.or_else(|| previous.role.clone()),
    };
    let fields_change = wanted.name != previous.name || wanted.description != previous.description;
    let role_change = wanted.role != previous.role;
    let keys = scope.keys();
    let mut outcome = UpdateOutcome {
        id: token.id.clone(),
        workspace_id: keys.workspace_id,
        workspace_name: keys.workspace_name,
        deployment_id: keys.deployment_id,
        deployment_name: keys.deployment_name,
        fields: wanted,
        previous,
        changed: false,
        dry_run,
    };
    if dry_run || !(fields_change || role_change) {
        return print(ctx, &outcome, json);
    }
    let (client, _) = ctx.api().await?;
    // The role first: its read was the last request.
    if let (true, Some(role)) = (role_change, outcome.fields.role.as_deref()) {
        let hint = format!("check its roles with `{}`", scope.get_command(&token.id));
        outcome.changed |=
            token_roles::write(client, &org, &token, scope.entry(&org, role), &hint).await?;
    }
    if fields_change {
        let (name, description) = (&outcome.fields.name, &outcome.fields.description);
        let updated = client
            .update_api_token(&org, &token.id, name, description)
            .await
            .map_err(|e| {
                let err = CliError::from(e);
                if outcome.changed {
                    CliError {
                        message: format!(
                            "the role was changed, but the name and description were not: {}",
                            err.message
                        ),
                        ..err
                    }
                } else {
                    err
                }
            })?;
        outcome.changed = true;
        if updated.name != *name || updated.description != *description {
            return Err(CliError::failure(format!(
                "the API answered with another name or description for API token `{}` than was sent",
                token.id
            ))
            .with_hint(format!("check it with `{}`", scope.get_command(&token.id))));
        }
    }
    print(ctx, &outcome, json)
}

/// Refuses (exit 1) a name another of the scope's tokens has, ignoring case: tokens are
/// addressed by name here.
fn check_unique(scope: &Scope, own: &[ApiToken], name: &str, except: &str) -> Result<(), CliError> {
    let whose = match scope {
        Scope::Organization => "the Organization's token",
        Scope::Workspace(_) => "a Workspace's token",
        Scope::Deployment(_) => "a Deployment's token",
    };
    let folded = name.to_lowercase();
    match own
        .iter()
        .find(|t| t.id != except && t.name.to_lowercase() == folded)
    {
        Some(other) => Err(CliError::failure(format!(
            "the name `{}` is taken by {} {} (`{}`), ignoring case",
            echo(name),
            scope.kind().noun,
            crate::text::cell(&other.name),
            other.id
        ))
        .with_hint(format!(
            "choose another name: `astro` addresses tokens by name, so it keeps {whose} names unique, ignoring case"
        ))),
        None => Ok(()),
    }
}

fn print(ctx: &Ctx, outcome: &UpdateOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let (now, was) = (&outcome.fields, &outcome.previous);
    let on = match (&outcome.deployment_name, &outcome.workspace_name) {
        (Some(deployment), _) => format!("role on Deployment {}", text::cell(deployment)),
        (None, Some(workspace)) => format!("role in Workspace {workspace}"),
        (None, None) => "Organization role".to_owned(),
    };
    let mut changes = FieldChanges::of(format!("API token {} ({})", was.name, outcome.id));
    changes
        .field("name", &was.name, &now.name)
        .quoted("description", &was.description, &now.description)
        .role(&on, was.role.as_deref(), now.role.as_deref());
    output::line(&changes.sentence(outcome.dry_run))
}
