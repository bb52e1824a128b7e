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

/// A Team name as `create` and a rename take it: not blank, no spaces around it, no control
/// characters (checked as typed at a prompt, and for arguments before any request).
pub fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        Err("a Team name is required".into())
    } else if name.trim() != name {
        Err("the name starts or ends with spaces".into())
    } else if name.chars().any(char::is_control) {
        Err("the name contains control characters".into())
    } else {
        Ok(())
    }
}

/// The Team other than `except` (an ID) whose name is `name` ignoring case, if any.
pub fn taken_by<'a>(teams: &'a [Team], name: &str, except: Option<&str>) -> Option<&'a Team> {
    let folded = name.to_lowercase();
    teams
        .iter()
        .filter(|t| Some(t.id.as_str()) != except)
        .find(|t| t.name.to_lowercase() == folded)
}

/// The message for a name another Team has (for a prompt's check and for the error).
pub fn taken_message(name: &str, other: &Team) -> String {
    format!(
        "the name `{}` is taken by Team {} (`{}`), ignoring case",
        crate::error::echo(name),
        crate::text::cell(&other.name),
        other.id
    )
}

/// Refuses (exit 1) a name another Team has, ignoring case: Teams are addressed by name here.
pub fn check_unique(teams: &[Team], name: &str, except: Option<&str>) -> Result<(), CliError> {
    match taken_by(teams, name, except) {
        Some(other) => Err(CliError::failure(taken_message(name, other)).with_hint(
            "choose another name: `astro` addresses Teams by name, so it keeps their names unique, ignoring case",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team(id: &str, name: &str) -> Team {
        Team {
            id: id.into(),
            name: name.into(),
            description: None,
            organization_role: None,
            is_idp_managed: false,
            created_at: String::new(),
            workspace_roles: None,
            deployment_roles: None,
            dag_roles: None,
        }
    }

    #[test]
    fn names_are_checked_before_anything_is_sent() {
        assert!(check_name("Data Engineering, EU").is_ok());
        for bad in ["", "  ", " Ops", "Ops ", "a\u{7}b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_name_is_taken_by_another_team_ignoring_case() {
        let all = [team("c1", "Platform Team"), team("c2", "Ops")];
        assert_eq!(taken_by(&all, "PLATFORM team", None).unwrap().id, "c1");
        assert!(taken_by(&all, "platform team", Some("c1")).is_none());
        let err = check_unique(&all, "ops", Some("c1")).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Failure);
        assert!(err.message.contains("Team Ops (`c2`)"), "{}", err.message);
        assert!(err.hint.is_some());
    }
}
