//! `astro organization team update [TEAM]`: change a Team's name, description or Organization
//! role. Everything is checked before the first write (a bad role, a taken name or the rename
//! of an IdP-managed Team sends nothing); nothing is sent when nothing changes. The name and
//! description go through UpdateTeam (which requires the name: the current one is sent when
//! only the description changes); the role through UpdateTeamRoles, with the Team's Workspace
//! roles as read right before and the other lists left out.

use serde::Serialize;

use crate::api::Team;
use crate::changes::FieldChanges;
use crate::cli::{Changes, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::lookup;
use crate::output;
use crate::role_lists;
use crate::roles::{OrgRole, Role, RoleParser};
use crate::teams;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only what is given changes. The Team of an identity provider can have its \
                  description and role changed here, not its name.\n\n\
                  Examples:\n  astro organization team update \"Platform Team\" --name \"Platform\"\n  \
                  astro org te up clrhjy5c000000164wjlm5wfr -d \"On call for the platform\" -r billing_admin --json"
)]
pub struct UpdateArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM", value_parser = name_value)]
    pub team: Option<String>,

    /// A new name (no other Team may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A new Organization role (any case, or a short name such as `owner`) [possible values:
    /// ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER,
    /// ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ORG_ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,
}

/// A Team's fields as `update` reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    name: String,
    description: String,
    organization_role: Option<String>,
}

impl Fields {
    fn of(team: &Team) -> Self {
        Self {
            name: team.name.clone(),
            description: team.description.clone().unwrap_or_default(),
            organization_role: team.organization_role.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateOutcome {
    id: String,
    #[serde(flatten)]
    fields: Fields,
    previous: Fields,
    changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.name.is_none() && args.description.is_none() && args.role.is_none() {
        return Err(CliError::usage("nothing to update")
            .with_hint("pass --name NEW, --description TEXT or --role ORG_ROLE"));
    }
    if let Some(name) = &args.name {
        teams::check_name(name).map_err(CliError::usage)?;
    }
    if args.team.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Team to update",
            "its name or ID as the TEAM argument",
        ));
    }
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    // One listing: the Team, its current fields, and the names a rename must not take.
    let spinner = output::Spinner::start("Listing the Organization's Teams…");
    let all = client.list_all_teams(&org).await?;
    drop(spinner);
    let listed = match args.team.as_deref() {
        Some(arg) => lookup::find(&all, arg, lookup::TEAM)?.clone(),
        None => teams::pick(ctx, all.clone(), "Team to update")?,
    };
    // A rename is checked against the listing first, before any other request.
    if let Some(name) = &args.name {
        check_rename(&all, &listed, name)?;
    }
    // A role change needs the Team's Workspace roles as they are right before the write.
    let team = match args.role {
        Some(_) => {
            let (client, _) = ctx.api().await?;
            role_lists::read_team(client, &org, &listed.id).await?
        }
        None => listed,
    };
    let previous = Fields::of(&team);
    let wanted = Fields {
        name: args.name.clone().unwrap_or_else(|| previous.name.clone()),
        description: args
            .description
            .clone()
            .unwrap_or_else(|| previous.description.clone()),
        organization_role: args
            .role
            .map(|r| r.as_str().to_owned())
            .or_else(|| previous.organization_role.clone()),
    };
    let renamed = wanted.name != previous.name;
    if renamed {
        check_rename(&all, &team, &wanted.name)?;
    }
    let fields_change = renamed || wanted.description != previous.description;
    let role_change = wanted.organization_role != previous.organization_role;
    let mut outcome = UpdateOutcome {
        id: team.id.clone(),
        fields: wanted,
        previous,
        changed: false,
        dry_run: args.dry_run,
    };
    if args.dry_run || !(fields_change || role_change) {
        return print(ctx, &outcome, args.json);
    }
    let (client, _) = ctx.api().await?;
    // The role first: its read was the last request.
    if let (true, Some(role)) = (role_change, outcome.fields.organization_role.as_deref()) {
        outcome.changed |=
            role_lists::write_team_organization_role(client, &org, &team, role).await?;
    }
    if fields_change {
        let description = args.description.as_deref();
        let updated = client
            .update_team(&org, &team.id, &outcome.fields.name, description)
            .await
            .map_err(|e| {
                let err = CliError::from(e);
                if outcome.changed {
                    CliError {
                        message: format!(
                            "the Organization role was changed, but the name and description were not: {}",
                            err.message
                        ),
                        ..err
                    }
                } else {
                    err
                }
            })?;
        outcome.fields.name = updated.name;
        outcome.fields.description = updated.description.unwrap_or_default();
        outcome.changed = true;
    }
    print(ctx, &outcome, args.json)
}

/// Renaming `team` to `name` (when that changes it): refused for a Team an identity provider
/// manages, and for a name another Team has, ignoring case.
fn check_rename(all: &[Team], team: &Team, name: &str) -> Result<(), CliError> {
    if name == team.name {
        return Ok(());
    }
    teams::refuse_if_idp_managed(team, "rename")?;
    teams::check_unique(all, name, Some(&team.id))
}

fn print(ctx: &Ctx, outcome: &UpdateOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let (now, was) = (&outcome.fields, &outcome.previous);
    let mut changes = FieldChanges::of(format!("Team {} ({})", was.name, outcome.id));
    changes
        .field("name", &was.name, &now.name)
        .quoted("description", &was.description, &now.description)
        .role(
            "Organization role",
            was.organization_role.as_deref(),
            now.organization_role.as_deref(),
        );
    output::line(&changes.sentence(outcome.dry_run))
}
