//! Naming a Team (by ID, exact name, or a name ignoring case when only one Team has it, found
//! with one listing), offering Teams in a pick-list, and the rule for Teams an identity provider
//! manages: their members, name and existence belong to it, their roles to Astro.

use crate::api::{Client, Team};
use crate::context::Ctx;
use crate::error::CliError;
use crate::lookup;
use crate::prompt::PickList;

/// The Teams of the Organization, and the one `arg` names among them.
pub async fn find(client: &Client, org: &str, arg: &str) -> Result<Team, CliError> {
    let teams = client.list_all_teams(org).await?;
    lookup::find(&teams, arg, lookup::TEAM).cloned()
}

/// The Team `arg` names, or (none given, on a terminal) one picked from `teams`; `None` given
/// off a terminal is exit 2 naming the TEAM argument.
pub async fn named_or_picked(
    ctx: &mut Ctx,
    arg: Option<&str>,
    prompt: &str,
) -> Result<Team, CliError> {
    let (client, org) = ctx.api().await?;
    if let Some(arg) = arg {
        return find(client, org, arg).await;
    }
    let teams = client.list_all_teams(org).await?;
    pick(ctx, teams, prompt)
}

/// One of `teams`, picked on the terminal (the caller has checked there is one).
pub fn pick(ctx: &mut Ctx, teams: Vec<Team>, prompt: &str) -> Result<Team, CliError> {
    if teams.is_empty() {
        return Err(CliError::not_found("there are no Teams to choose from")
            .with_hint("create one with `astro organization team create`"));
    }
    let rows: Vec<Vec<String>> = teams
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.id.clone(),
                t.organization_role.clone().unwrap_or_else(|| "-".into()),
                if t.is_idp_managed { "IdP" } else { "" }.to_owned(),
            ]
        })
        .collect();
    let prompter = ctx
        .prompter
        .as_mut()
        .ok_or_else(|| CliError::missing("the Team", "its name or ID as the TEAM argument"))?;
    let index = prompter.pick(&PickList {
        prompt,
        rows: &rows,
        default: 0,
        noun: ("Team", "Teams"),
        cut_first: &[true],
    })?;
    Ok(teams.into_iter().nth(index).expect("an index of the list"))
}

/// Refuses, before anything is sent, a change an identity provider owns (`what`: "add members
/// to", "rename", "delete").
pub fn refuse_if_idp_managed(team: &Team, what: &str) -> Result<(), CliError> {
    if team.is_idp_managed {
        return Err(CliError::failure(format!(
            "Team {} is managed by an identity provider: cannot {what} it here",
            crate::text::cell(&team.name)
        ))
        .with_hint(
            "make this change in your identity provider; its roles can still be changed here",
        ));
    }
    Ok(())
}
