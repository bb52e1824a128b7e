//! A Team's role in one Workspace or Deployment (`workspace team add|update|remove|list`,
//! `deployment team …`): the place and the Team found together (the Team by ID or name, or a
//! pick-list), the Team read right before the write (see `role_lists`), and the outcome each
//! such command reports.

use serde::Serialize;

use crate::api::Team;
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership::{self, choose_role};
use crate::place::{Level, Place, PlaceKeys};
use crate::role_lists::{self, RoleChange, Subject};
use crate::teams;
use crate::workspaces;

/// What a Team membership command did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMembershipOutcome {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub place: PlaceKeys,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    #[serde(skip)]
    shown: String,
}

impl TeamMembershipOutcome {
    pub fn planned(team: &Team, place: &Place, role: Option<&str>, dry_run: bool) -> Self {
        Self {
            id: team.id.clone(),
            name: team.name.clone(),
            place: place.keys(),
            previous_role: team.role_in(place.level(), place.id()).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
            shown: place.shown(),
        }
    }
}

/// The place and the Team, the Team as read right before a write.
pub struct Target {
    pub place: Place,
    pub team: Team,
}

/// Which Teams a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Teams without a role there (`add`).
    NotMembers,
    /// The Teams with a role there (`update`, `remove`).
    Members,
}

/// Finds the place and the Team (named: looked up at the same time as a Workspace; missing:
/// picked on a terminal from `candidates`), then reads the Team.
pub async fn target(
    ctx: &mut Ctx,
    level: Level,
    team_arg: Option<&str>,
    candidates: Candidates,
) -> Result<Target, CliError> {
    let (place, team) = match (level, team_arg) {
        (Level::Workspace, Some(arg)) => {
            let (value, source) = workspaces::selected(ctx)
                .await?
                .ok_or_else(workspaces::missing)?;
            let (client, org) = ctx.api().await?;
            let (workspace, team) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                teams::find(client, org, arg)
            );
            (Place::Workspace(workspace?), team?)
        }
        (Level::Deployment, Some(arg)) => {
            let place = membership::place(ctx, level).await?;
            let (client, org) = ctx.api().await?;
            let team = teams::find(client, org, arg).await?;
            (place, team)
        }
        (_, None) => {
            let place = membership::place(ctx, level).await?;
            let (client, org) = ctx.api().await?;
            let mut all = client.list_all_teams(org).await?;
            all.retain(|t| {
                let there = t.role_in(level, place.id()).is_some();
                there == (candidates == Candidates::Members)
            });
            let team = teams::pick(ctx, all, "Team")?;
            (place, team)
        }
    };
    let (client, org) = ctx.api().await?;
    let team = role_lists::read_team(client, org, &team.id).await?;
    Ok(Target { place, team })
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &TeamMembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    crate::output::line(&membership::sentence(
        &format!("Team {}", crate::text::cell(&outcome.name)),
        &outcome.shown,
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}

/// What one Team membership command was asked (a Workspace role already parsed; a Deployment
/// role checked once the Deployment is known).
pub struct Request<'a> {
    pub level: Level,
    pub team: Option<&'a str>,
    pub role: Option<String>,
    pub json: bool,
    pub dry_run: bool,
    pub force: bool,
}

/// Off a terminal, what must be on the line: the Team (and for `update` the role).
fn require(ctx: &Ctx, request: &Request<'_>, role_needed: bool) -> Result<(), CliError> {
    if ctx.prompter.is_none() {
        if request.team.is_none() {
            return Err(CliError::missing(
                "the Team",
                "its name or ID as the TEAM argument",
            ));
        }
        if role_needed && request.role.is_none() {
            return Err(CliError::missing("the new role", "--role ROLE"));
        }
        if request.level == Level::Deployment && ctx.deployment_option().is_none() {
            return Err(crate::deployments::missing());
        }
    }
    Ok(())
}

/// `team add`: gives a Team a role in the place (`default_role` unless told otherwise); one
/// already there with another role is exit 1.
pub async fn add(ctx: &mut Ctx, request: Request<'_>, default_role: &str) -> Result<(), CliError> {
    require(ctx, &request, false)?;
    let target = target(ctx, request.level, request.team, Candidates::NotMembers).await?;
    let level = target.place.level();
    let current = target
        .team
        .role_in(level, target.place.id())
        .map(str::to_owned);
    let who = format!("Team {}", crate::text::cell(&target.team.name));
    let role = choose_role(
        ctx,
        &target.place,
        &who,
        current.as_deref(),
        request.role.as_deref(),
        Some(default_role),
    )
    .await?;
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.place, Some(&role), request.dry_run);
    match current.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            return Err(CliError::failure(format!(
                "{who} is already in {} `{}` as {current}",
                level.noun(),
                crate::text::cell(target.place.name())
            ))
            .with_hint(format!(
                "to change its role run `astro {} team update {} --role {role} {} {}`",
                level.command(),
                outcome.id,
                level.flag(),
                target.place.id()
            )));
        }
        None if request.dry_run => {}
        None => {
            let (client, org) = ctx.api().await?;
            let change = RoleChange::at(&target.place, Some(&role));
            outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
        }
    }
    print(ctx, &outcome, request.json)
}

/// `team update`: changes a Team's role in the place; a Team not there is exit 3.
pub async fn update(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, true)?;
    let target = target(ctx, request.level, request.team, Candidates::Members).await?;
    let level = target.place.level();
    let Some(current) = target
        .team
        .role_in(level, target.place.id())
        .map(str::to_owned)
    else {
        return Err(CliError::not_found(format!(
            "Team {} is not in {} `{}`",
            crate::text::cell(&target.team.name),
            level.noun(),
            crate::text::cell(target.place.name())
        ))
        .with_hint(format!(
            "add it with `astro {} team add {} {} {}`",
            level.command(),
            target.team.id,
            level.flag(),
            target.place.id()
        )));
    };
    let who = format!("Team {}", crate::text::cell(&target.team.name));
    let role = choose_role(
        ctx,
        &target.place,
        &who,
        Some(&current),
        request.role.as_deref(),
        None,
    )
    .await?;
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.place, Some(&role), request.dry_run);
    if current != role && !request.dry_run {
        let (client, org) = ctx.api().await?;
        let change = RoleChange::at(&target.place, Some(&role));
        outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
    }
    print(ctx, &outcome, request.json)
}

/// `team remove`: takes a Team's role in the place away, after asking (unless `--force`).
pub async fn remove(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, false)?;
    confirm::can_confirm(ctx, request.force, request.dry_run, "removing a Team")?;
    let target = target(ctx, request.level, request.team, Candidates::Members).await?;
    let mut outcome =
        TeamMembershipOutcome::planned(&target.team, &target.place, None, request.dry_run);
    if outcome.previous_role.is_none() || request.dry_run {
        return print(ctx, &outcome, request.json);
    }
    let question = format!(
        "Remove Team {} from {}?",
        crate::text::cell(&target.team.name),
        target.place.shown()
    );
    confirm::ask(ctx, request.force, &question)?;
    let (client, org) = ctx.api().await?;
    let change = RoleChange::at(&target.place, None);
    outcome.changed = role_lists::write_team(client, org, &target.team, &[change]).await?;
    print(ctx, &outcome, request.json)
}

/// One Team as `team list --json` prints it: the Go CLI's keys (`workspaceRole` or
/// `deploymentRole`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TeamRow<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_role: Option<&'a str>,
}

#[derive(Serialize)]
struct TeamList<'a> {
    teams: Vec<TeamRow<'a>>,
}

/// `team list`: the Teams with a role in the place, and the role: `{"teams":[…]}` or the table
/// `ID  ROLE  NAME  DESCRIPTION  CREATE DATE`.
pub async fn list(ctx: &mut Ctx, level: Level, json: bool) -> Result<(), CliError> {
    if level == Level::Deployment && ctx.prompter.is_none() && ctx.deployment_option().is_none() {
        return Err(crate::deployments::missing());
    }
    let place = membership::place(ctx, level).await?;
    let (client, org) = ctx.api().await?;
    let spinner = crate::output::Spinner::start(format!("Listing the Teams of {}…", place.shown()));
    let mut teams = client.list_teams_in(org, level, place.id()).await?;
    drop(spinner);
    // The listing also gives Teams with only DAG roles in a Deployment: not members here.
    teams.retain(|t| t.role_in(level, place.id()).is_some());
    if ctx.wants_json(json) {
        return ctx.print_json(&TeamList {
            teams: teams
                .iter()
                .map(|t| {
                    let role = t.role_in(level, place.id());
                    TeamRow {
                        id: &t.id,
                        name: &t.name,
                        description: t.description.as_deref().filter(|d| !d.is_empty()),
                        created_at: &t.created_at,
                        workspace_role: role.filter(|_| level == Level::Workspace),
                        deployment_role: role.filter(|_| level == Level::Deployment),
                    }
                })
                .collect(),
        });
    }
    let rows = teams
        .iter()
        .map(|t| {
            vec![
                t.id.clone(),
                t.role_in(level, place.id()).unwrap_or_default().to_owned(),
                t.name.clone(),
                t.description.clone().unwrap_or_default(),
                t.created_at.clone(),
            ]
        })
        .collect();
    ctx.print_table(
        &["ID", "ROLE", "NAME", "DESCRIPTION", "CREATE DATE"],
        (
            &["NAME", "DESCRIPTION"],
            &["DESCRIPTION", "CREATE DATE", "ID"],
        ),
        rows,
        ("Team", "Teams"),
    )
}
