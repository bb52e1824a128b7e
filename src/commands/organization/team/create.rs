//! `astro organization team create [NAME]`: a new Team, its name unique ignoring case (Teams
//! are addressed by name here), with an Organization role and, optionally, members named by
//! email or ID. The creation is never repeated blindly (see `Client::create_team`).

use serde::Serialize;

use crate::api::{TeamInput, User, same_email};
use crate::cli::{Changes, Takes, name_value};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members::is_cuid;
use crate::membership::check_user_arg;
use crate::output;
use crate::roles::{OrgRole, Role, RoleParser};
use crate::teams;
use crate::text;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization team create \"Data Science\" --description \"Models and notebooks\"\n  \
                        astro org te cr Platform -r billing_admin --member grace@example.com --member alan@example.com --json"
)]
pub struct CreateArgs {
    /// The Team's name (no other Team may have it, ignoring case); asked for on a terminal
    /// when missing
    #[arg(value_name = "NAME", value_parser = name_value)]
    pub name: Option<String>,

    /// The name, as a flag (as in Astronomer's Go CLI)
    #[arg(short = 'n', long = "name", value_name = "NAME", value_parser = name_value, conflicts_with = "name")]
    pub name_flag: Option<String>,

    /// The Team's description
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// The Team's Organization role (any case, or a short name such as `member`); asked for on
    /// a terminal, starting on the default [default: ORGANIZATION_MEMBER] [possible values:
    /// ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER,
    /// ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ORG_ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// A member of the new Team, by email (any case) or user ID; repeat it for more. Every one
    /// must be in the Organization, or nothing is created
    #[arg(long = "member", value_name = "EMAIL_OR_ID", value_parser = name_value)]
    pub members: Vec<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,
}

/// The role a Team gets when none is chosen.
pub const DEFAULT_ROLE: OrgRole = OrgRole::OrganizationMember;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutcome {
    /// `null` on a dry run.
    id: Option<String>,
    name: String,
    description: String,
    organization_role: String,
    members: Vec<Member>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct Member {
    id: String,
    email: String,
    full_name: String,
}

pub async fn run(args: CreateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let given = args.name.clone().or(args.name_flag.clone());
    if let Some(name) = &given {
        teams::check_name(name).map_err(CliError::usage)?;
    } else if ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the new Team's name",
            "it as the NAME argument",
        ));
    }
    for member in &args.members {
        check_user_arg(Some(member))?;
    }
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    // The names are checked against this listing, and a creation whose answer is lost is
    // recognised as a Team that is not in it. The members are found in one listing of the
    // Organization, read at the same time.
    let spinner = output::Spinner::start("Listing the Organization's Teams…");
    let users = async {
        if args.members.is_empty() {
            Ok(Vec::new())
        } else {
            client.list_all_users(&org).await
        }
    };
    let (existing, users) = tokio::try_join!(client.list_all_teams(&org), users)?;
    drop(spinner);
    let members = resolve_members(&users, &args.members, &org)?;
    let name = match given {
        Some(name) => {
            teams::check_unique(&existing, &name, None)?;
            name
        }
        None => {
            let prompter = ctx.prompter.as_deref_mut().expect("checked above");
            let validate = |typed: &str| {
                let typed = typed.trim();
                teams::check_name(typed)?;
                match teams::taken_by(&existing, typed, None) {
                    Some(other) => Err(teams::taken_message(typed, other)),
                    None => Ok(()),
                }
            };
            prompter
                .input("Name of the new Team", &validate)?
                .trim()
                .to_owned()
        }
    };
    let role = match (args.role, ctx.prompter.as_deref_mut()) {
        (Some(role), _) => role,
        (None, Some(prompter)) => {
            let items: Vec<String> = OrgRole::all()
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect();
            let start = OrgRole::all()
                .iter()
                .position(|r| *r == DEFAULT_ROLE)
                .unwrap_or(0);
            let question = format!("Organization role for Team {}", text::cell(&name));
            OrgRole::all()[prompter.select(&question, &items, start)?]
        }
        (None, None) => DEFAULT_ROLE,
    };
    let mut outcome = CreateOutcome {
        id: None,
        name,
        description: args.description.clone().unwrap_or_default(),
        organization_role: role.as_str().to_owned(),
        members,
        dry_run: args.dry_run,
    };
    if !args.dry_run {
        let ids: Vec<String> = existing.iter().map(|t| t.id.clone()).collect();
        let member_ids: Vec<String> = outcome.members.iter().map(|m| m.id.clone()).collect();
        let input = TeamInput {
            name: &outcome.name,
            description: args.description.as_deref(),
            organization_role: role.as_str(),
            member_ids: &member_ids,
        };
        let (client, _) = ctx.api().await?;
        let spinner = output::Spinner::start("Creating the Team…");
        let created = client.create_team(&org, &input, &ids).await?;
        drop(spinner);
        outcome.id = Some(created.id);
        outcome.name = created.name;
        outcome.description = created.description.unwrap_or_default();
        if let Some(role) = created.organization_role {
            outcome.organization_role = role;
        }
    }
    print(ctx, &outcome, args.json)
}

/// The members `args` name, each once, in the order given, found in `users` (the
/// Organization's members). Any not found: exit 3 naming them all, before anything is sent.
fn resolve_members(users: &[User], args: &[String], org: &str) -> Result<Vec<Member>, CliError> {
    let mut found: Vec<Member> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    for arg in args {
        let user = users.iter().find(|u| {
            if is_cuid(arg) {
                u.id == *arg
            } else {
                same_email(&u.username, arg)
            }
        });
        match user {
            Some(u) if found.iter().any(|m| m.id == u.id) => {}
            Some(u) => found.push(Member {
                id: u.id.clone(),
                email: u.username.clone(),
                full_name: u.full_name.clone(),
            }),
            None => missing.push(format!("`{}`", echo(arg))),
        }
    }
    if missing.is_empty() {
        return Ok(found);
    }
    let who = if missing.len() == 1 { "user" } else { "users" };
    Err(CliError::not_found(format!(
        "no {who} {} in Organization `{org}`; no Team was created",
        missing.join(", ")
    ))
    .with_hint("run `astro organization user list` to see its members, or invite them first"))
}

fn print(ctx: &Ctx, outcome: &CreateOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let members = match outcome.members.as_slice() {
        [] => "no members".to_owned(),
        members => format!(
            "{}: {}",
            text::count(members.len(), "member", "members"),
            members
                .iter()
                .map(|m| m.email.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let (name, role) = (&outcome.name, &outcome.organization_role);
    output::line(&match &outcome.id {
        Some(id) => format!("Created Team {name} ({id}) as {role} with {members}"),
        None => {
            format!("Would create Team {name} as {role} with {members} (dry run: nothing sent)")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, email: &str) -> User {
        User {
            id: id.into(),
            username: email.into(),
            full_name: String::new(),
            status: "ACTIVE".into(),
            created_at: String::new(),
            organization_role: None,
            workspace_roles: None,
            deployment_roles: None,
            dag_roles: None,
        }
    }

    #[test]
    fn members_by_email_in_any_case_or_id_each_once() {
        let id = "clm9sq6s0000008kz7uvl7yz7";
        let users = [
            user(id, "Grace@Example.com"),
            user("c2", "alan@example.com"),
        ];
        let args = ["grace@example.com".to_owned(), id.to_owned()];
        let found = resolve_members(&users, &args, "org").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].email, "Grace@Example.com");
        let args = ["nobody@example.com".to_owned(), "x@y.io".to_owned()];
        let err = resolve_members(&users, &args, "org").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::NotFound);
        assert!(
            err.message
                .starts_with("no users `nobody@example.com`, `x@y.io` in Organization `org`"),
            "{}",
            err.message
        );
    }
}
