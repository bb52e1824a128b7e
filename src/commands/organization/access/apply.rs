//! `astro organization access apply -f FILE`: makes the Organization's access match FILE. The
//! plan is computed exactly as `plan` does (and refused as `plan` refuses), printed, confirmed
//! (`--yes` off a terminal), then executed per subject, `--concurrency` subjects at once:
//! invites first (CreateUserInvite, never sent twice blindly, then the invitee's Workspace and
//! Deployment roles), then ONE UpdateUserRoles per user carrying their Organization role and
//! the complete list of each level that changes (read with GetUser right before), and per Team,
//! in order and never concurrently: CreateTeam (new Team), UpdateTeamRoles, UpdateTeam (the
//! description), one AddTeamMembers, one RemoveTeamMember per removed member. Every change is
//! reported `applied`, `unchanged`, `failed` or `skipped`.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::Serialize;

use crate::access_code::plan::{self, Action, Change, Kind, SubjectType};
use crate::api::{Added, Client, InviteResult, TeamInput, same_email};
use crate::bulk::report::{self, Outcome, Report, RowResult, Status};
use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::place::Level;
use crate::role_lists::{self, RoleChange};
use crate::text;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The plan is computed and refused exactly as `astro organization access plan` does, \
                  printed, and confirmed: `Apply N changes? [y/N]` on a terminal; off a terminal \
                  --yes is required (exit 2, nothing sent). --dry-run prints the plan and sends \
                  nothing.\n\n\
                  Each user gets one role write with all their changes (their Organization role and \
                  the complete list of each level that changes, read right before); invites are \
                  never sent twice; a Team's writes run in order. Every change is reported as \
                  applied, unchanged (already so when re-read), failed (with the message) or \
                  skipped (Ctrl-C: nothing more is started, exit 130). Any failure is exit 1; run \
                  apply again to converge.\n\n\
                  Examples:\n  astro organization access apply -f access.yaml\n  \
                  astro org access apply -f access.yaml --prune --yes --json"
)]
pub struct ApplyArgs {
    /// The access file (YAML or JSON; `-` reads stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,

    /// Also make removals: Workspace and Deployment roles and Team members the file does not list
    #[arg(long)]
    pub prune: bool,

    /// Apply without asking (required off a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Print the plan and send nothing
    #[arg(long)]
    pub dry_run: bool,

    /// How many subjects (users, Teams) to change at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// Report each change as JSON lines (with --dry-run: the plan as JSON)
    #[arg(long)]
    pub json: bool,

    /// Apply a change of your own role away from ORGANIZATION_OWNER (refused otherwise)
    #[arg(long)]
    pub allow_self_demotion: bool,

    #[command(flatten)]
    pub globals: Takes<ApplyGlobals>,
}

/// The Organization, JSON and requests.
pub struct ApplyGlobals;
impl GlobalSet for ApplyGlobals {
    const TAKES: &'static [Global] = &[Global::OrganizationId, Global::Json, Global::Http];
}

/// One change's result: the plan's change, as `plan --json` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeOutcome {
    #[serde(flatten)]
    change: Option<Change>,
    #[serde(skip)]
    scope: String,
}

impl ChangeOutcome {
    fn of(change: Change) -> Self {
        let scope = match change.kind {
            Kind::Invite => "invite".to_owned(),
            Kind::OrganizationRole => "Organization role".to_owned(),
            Kind::WorkspaceRole => format!("Workspace {}", change.target()),
            Kind::DeploymentRole => format!("Deployment {}", change.target()),
            Kind::TeamCreate => "new Team".to_owned(),
            Kind::TeamDescription => "description".to_owned(),
            Kind::TeamMember => format!(
                "member {}",
                change.member.as_ref().map_or("", |m| m.email.as_str())
            ),
        };
        Self {
            change: Some(change),
            scope,
        }
    }

    fn change(&self) -> &Change {
        self.change.as_ref().expect("every row is a change")
    }
}

impl Outcome for ChangeOutcome {
    fn for_email(_email: &str) -> Self {
        Self {
            change: None,
            scope: String::new(),
        }
    }
    fn email(&self) -> &str {
        self.change.as_ref().map_or("", |c| {
            c.subject
                .email
                .as_deref()
                .or(c.subject.name.as_deref())
                .unwrap_or("")
        })
    }
    fn before(&self) -> Option<&str> {
        self.change.as_ref().and_then(|c| c.before.as_deref())
    }
    fn after(&self) -> Option<&str> {
        self.change.as_ref().and_then(|c| c.after.as_deref())
    }
    const SCOPE: Option<&'static str> = Some("CHANGE");
    fn scope(&self) -> Option<&str> {
        Some(&self.scope)
    }
}

type Row = RowResult<ChangeOutcome>;

pub async fn run(args: ApplyArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let json = ctx.wants_json(args.json);
    let plan = super::plan::compute(
        &args.file,
        args.prune,
        args.allow_self_demotion,
        "sent",
        ctx,
    )
    .await?;
    if args.dry_run && json {
        ctx.print_json(&plan)?;
        return Ok(());
    }
    let rendered = plan::render(&plan);
    if json {
        output::note(rendered.trim_end());
    } else {
        output::data(&rendered)?;
    }
    if plan.is_empty() {
        if !rendered.contains("no changes") {
            output::note("no changes");
        }
        return Ok(());
    }
    let n = plan.changes.len();
    if args.dry_run {
        output::note("dry run: nothing was sent");
        return Ok(());
    }
    if !args.yes {
        let Some(prompter) = ctx.prompter.as_mut() else {
            return Err(CliError::usage(format!(
                "applying {} needs a confirmation, and there is no terminal to ask; nothing was sent",
                text::count(n, "change", "changes")
            ))
            .with_hint("pass --yes to apply without asking, or --dry-run to see the plan only"));
        };
        if !prompter.confirm(&format!("Apply {}?", text::count(n, "change", "changes")))? {
            return Err(CliError::failure("not confirmed; nothing was sent"));
        }
    }

    let rows: Vec<Row> = plan
        .changes
        .into_iter()
        .enumerate()
        // Every row is settled by its subject's task (or reported skipped when not started).
        .map(|(i, c)| RowResult::new(i + 1, Status::Failed, ChangeOutcome::of(c)))
        .collect();
    let lines: Vec<usize> = (1..=n).collect();
    let (invites, others) = group(rows);
    let concurrency = usize::from(args.concurrency);
    let mut report: Report<ChangeOutcome> = Report::new(json, &lines).with_columns("#", "SUBJECT");
    let invited: Mutex<HashMap<String, String>> = Mutex::new(HashMap::new());
    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let interrupted = report::execute_groups(ctx, &mut report, invites, concurrency, |rows| {
        invite(client, org, rows, &invited)
    })
    .await?;
    let interrupted = if interrupted {
        for mut row in others.into_iter().flatten() {
            row.result = Status::Skipped;
            row.message = Some("not started: interrupted".into());
            report.push(ctx, row)?;
        }
        true
    } else {
        let invited = invited.into_inner().unwrap_or_default();
        report::execute_groups(ctx, &mut report, others, concurrency, |rows| {
            subject(client, org, rows, &invited)
        })
        .await?
    };
    report.finish(ctx, interrupted)
}

/// The invites (each with the invitee's other changes), then every other subject's changes,
/// each in the plan's order.
fn group(rows: Vec<Row>) -> (Vec<Vec<Row>>, Vec<Vec<Row>>) {
    let mut invites: Vec<Vec<Row>> = Vec::new();
    let mut others: Vec<Vec<Row>> = Vec::new();
    let mut index: HashMap<(SubjectType, bool, String), (bool, usize)> = HashMap::new();
    // Invites first, so an invitee's other changes join their group.
    let (first, rest): (Vec<Row>, Vec<Row>) = rows
        .into_iter()
        .partition(|r| r.outcome.change().kind == Kind::Invite);
    for row in first.into_iter().chain(rest) {
        let c = row.outcome.change();
        let by_id = c.subject.id.is_some();
        let key = (
            c.subject.kind,
            by_id,
            c.subject
                .id
                .clone()
                .or_else(|| c.subject.email.clone().map(|e| e.to_lowercase()))
                .or_else(|| c.subject.name.clone())
                .unwrap_or_default(),
        );
        let is_invite = c.kind == Kind::Invite;
        match index.get(&key) {
            Some(&(true, i)) => invites[i].push(row),
            Some(&(false, i)) => others[i].push(row),
            None if is_invite => {
                index.insert(key, (true, invites.len()));
                invites.push(vec![row]);
            }
            None => {
                index.insert(key, (false, others.len()));
                others.push(vec![row]);
            }
        }
    }
    for g in invites.iter_mut().chain(others.iter_mut()) {
        g.sort_by_key(|r| r.line);
    }
    (invites, others)
}

fn applied(row: &mut Row) {
    row.result = Status::Applied;
    row.message = None;
}

fn failed(row: &mut Row, message: impl Into<String>) {
    row.result = Status::Failed;
    row.message = Some(message.into());
}

/// The Workspace and Deployment changes among `rows`, as [`RoleChange`]s.
fn role_changes(rows: &[Row]) -> Vec<RoleChange> {
    rows.iter()
        .filter_map(|r| {
            let c = r.outcome.change();
            match c.kind {
                Kind::WorkspaceRole => c
                    .workspace
                    .as_ref()
                    .map(|w| RoleChange::workspace(&w.id, c.after.as_deref())),
                Kind::DeploymentRole => c.deployment.as_ref().map(|d| RoleChange {
                    level: Level::Deployment,
                    id: d.id.clone(),
                    role: c.after.as_deref().map(str::to_owned),
                }),
                _ => None,
            }
        })
        .collect()
}

fn is_role(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::OrganizationRole | Kind::WorkspaceRole | Kind::DeploymentRole
    )
}

/// Marks `rows` by how one role write went.
fn settle(rows: &mut [Row], outcome: Result<bool, CliError>) {
    for row in rows {
        match &outcome {
            Ok(true) => applied(row),
            Ok(false) => {
                row.result = Status::Unchanged;
                row.message = Some("already so when read".into());
            }
            Err(e) => failed(row, e.message.clone()),
        }
    }
}

/// An invite (CreateUserInvite, never sent twice blindly), then the invitee's Workspace and
/// Deployment roles in one UpdateUserRoles.
async fn invite(
    client: &Client,
    org: &str,
    mut rows: Vec<Row>,
    invited: &Mutex<HashMap<String, String>>,
) -> Vec<Row> {
    let Some(at) = rows
        .iter()
        .position(|r| r.outcome.change().kind == Kind::Invite)
    else {
        return rows;
    };
    let change = rows[at].outcome.change().clone();
    let email = change.subject.email.clone().unwrap_or_default();
    let role = change.after.clone().unwrap_or_default();
    let user_id = match client.create_invite(org, &email, &role).await {
        Ok(InviteResult::Created(i)) => i.user_id,
        Ok(InviteResult::Confirmed { user_id }) => Some(user_id),
        Err(e) => {
            let message = e.to_string();
            for row in &mut rows {
                failed(row, format!("the invite failed: {message}"));
            }
            rows[at].message = Some(message);
            return rows;
        }
    };
    applied(&mut rows[at]);
    let user_id = match user_id {
        Some(id) => Some(id),
        None => client.list_all_users(org).await.ok().and_then(|users| {
            users
                .into_iter()
                .find(|u| same_email(&u.username, &email))
                .map(|u| u.id)
        }),
    };
    let rest: Vec<usize> = (0..rows.len()).filter(|&i| i != at).collect();
    let Some(user_id) = user_id else {
        for i in rest {
            failed(
                &mut rows[i],
                "invited, but the invitee's ID could not be learned; run apply again",
            );
        }
        return rows;
    };
    if let Ok(mut map) = invited.lock() {
        map.insert(email.to_lowercase(), user_id.clone());
    }
    if rest.is_empty() {
        return rows;
    }
    let changes = role_changes(&rows);
    let outcome = match role_lists::read(client, org, &user_id).await {
        Ok(user) => role_lists::write_all(client, org, &user, None, &changes).await,
        Err(e) => Err(e),
    };
    let mut others: Vec<Row> = Vec::new();
    let mut kept: Vec<Row> = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        if i == at {
            kept.push(row)
        } else {
            others.push(row)
        }
    }
    settle(&mut others, outcome);
    kept.extend(others);
    kept
}

/// One user's or Team's changes.
async fn subject(
    client: &Client,
    org: &str,
    rows: Vec<Row>,
    invited: &HashMap<String, String>,
) -> Vec<Row> {
    match rows.first().map(|r| r.outcome.change().subject.kind) {
        Some(SubjectType::User) => user(client, org, rows).await,
        Some(SubjectType::Team) => team(client, org, rows, invited).await,
        None => rows,
    }
}

/// ONE UpdateUserRoles with everything the user changes, the user read right before.
async fn user(client: &Client, org: &str, mut rows: Vec<Row>) -> Vec<Row> {
    let Some(id) = rows[0].outcome.change().subject.id.clone() else {
        for row in &mut rows {
            failed(row, "the invite was not sent");
        }
        return rows;
    };
    let organization_role = rows
        .iter()
        .map(|r| r.outcome.change())
        .find(|c| c.kind == Kind::OrganizationRole)
        .and_then(|c| c.after.clone());
    let changes = role_changes(&rows);
    let outcome = match role_lists::read(client, org, &id).await {
        Ok(user) => {
            role_lists::write_all(client, org, &user, organization_role.as_deref(), &changes).await
        }
        Err(e) => Err(e),
    };
    settle(&mut rows, outcome);
    rows
}

/// A Team's changes, in order: CreateTeam, UpdateTeamRoles, UpdateTeam, AddTeamMembers,
/// RemoveTeamMember each.
async fn team(
    client: &Client,
    org: &str,
    mut rows: Vec<Row>,
    invited: &HashMap<String, String>,
) -> Vec<Row> {
    let subject = rows[0].outcome.change().subject.clone();
    let name = subject.name.clone().unwrap_or_default();
    let member_id = |c: &Change| -> Option<String> {
        let m = c.member.as_ref()?;
        m.id.clone()
            .or_else(|| invited.get(&m.email.to_lowercase()).cloned())
    };
    let is_add = |c: &Change| c.kind == Kind::TeamMember && c.action == Action::Add;
    let mut team_id = subject.id.clone();
    // Members whose ID is not known (their invite failed) fail at once.
    for row in &mut rows {
        if is_add(row.outcome.change()) && member_id(row.outcome.change()).is_none() {
            failed(row, "not invited (the invite failed): run apply again");
        }
    }
    // Rows start `failed` without a message (each is settled below); one with a message has
    // failed already and is not sent.
    let unknown = |row: &Row| row.result == Status::Failed && row.message.is_some();

    // CreateTeam: name, description, Organization role and members, never twice.
    if let Some(at) = rows
        .iter()
        .position(|r| r.outcome.change().kind == Kind::TeamCreate)
    {
        let create = rows[at].outcome.change().clone();
        let members: Vec<String> = rows
            .iter()
            .filter(|r| is_add(r.outcome.change()) && !unknown(r))
            .filter_map(|r| member_id(r.outcome.change()))
            .collect();
        let role = create.after.clone().unwrap_or_default();
        let input = TeamInput {
            name: &name,
            description: create.description.as_deref(),
            organization_role: &role,
            member_ids: &members,
        };
        let created = match client.list_all_teams(org).await {
            Ok(teams) => {
                let existing: Vec<String> = teams.into_iter().map(|t| t.id).collect();
                client
                    .create_team(org, &input, &existing)
                    .await
                    .map_err(|e| e.to_string())
            }
            Err(e) => Err(e.to_string()),
        };
        match created {
            Ok(t) => {
                team_id = Some(t.id);
                applied(&mut rows[at]);
                for row in &mut rows {
                    if is_add(row.outcome.change()) && !unknown(row) {
                        applied(row);
                        row.message = Some("with the Team's creation".into());
                    }
                }
            }
            Err(message) => {
                for row in &mut rows {
                    if !unknown(row) {
                        failed(row, format!("the Team was not created: {message}"));
                    }
                }
                rows[at].message = Some(message);
                return rows;
            }
        }
    }
    let Some(team_id) = team_id else {
        return rows;
    };

    // UpdateTeamRoles: the Organization role and each changed list, the Team read right before.
    let role_rows: Vec<usize> = (0..rows.len())
        .filter(|&i| is_role(rows[i].outcome.change().kind))
        .collect();
    if !role_rows.is_empty() {
        let selected: Vec<Row> = role_rows.iter().map(|&i| rows[i].clone()).collect();
        let organization_role = selected
            .iter()
            .map(|r| r.outcome.change())
            .find(|c| c.kind == Kind::OrganizationRole)
            .and_then(|c| c.after.clone());
        let changes = role_changes(&selected);
        let outcome = match role_lists::read_team(client, org, &team_id).await {
            Ok(t) => {
                role_lists::write_all(client, org, &t, organization_role.as_deref(), &changes).await
            }
            Err(e) => Err(e),
        };
        for &i in &role_rows {
            settle(std::slice::from_mut(&mut rows[i]), clone_outcome(&outcome));
        }
    }

    // UpdateTeam: the description.
    if let Some(at) = rows
        .iter()
        .position(|r| r.outcome.change().kind == Kind::TeamDescription)
    {
        let wanted = rows[at].outcome.change().after.clone().unwrap_or_default();
        match client
            .update_team(org, &team_id, &name, Some(&wanted))
            .await
        {
            Ok(_) => applied(&mut rows[at]),
            Err(e) => failed(&mut rows[at], e.to_string()),
        }
    }

    // One AddTeamMembers for every new member (a new Team has them already).
    if subject.id.is_some() {
        let adds: Vec<usize> = (0..rows.len())
            .filter(|&i| is_add(rows[i].outcome.change()) && !unknown(&rows[i]))
            .collect();
        let ids: Vec<String> = adds
            .iter()
            .filter_map(|&i| member_id(rows[i].outcome.change()))
            .collect();
        if !ids.is_empty() {
            let outcome = client.add_team_members(org, &team_id, &ids).await;
            for &i in &adds {
                match &outcome {
                    Ok(Added::Sent) => applied(&mut rows[i]),
                    Ok(Added::Confirmed) => {
                        applied(&mut rows[i]);
                        rows[i].message = Some(
                            "the response was lost; confirmed in the Team's member list".into(),
                        );
                    }
                    Err(e) => failed(&mut rows[i], e.to_string()),
                }
            }
        }
    }

    // One RemoveTeamMember per removed member (planned only with --prune).
    for row in &mut rows {
        let c = row.outcome.change();
        if c.kind != Kind::TeamMember || c.action != Action::Remove {
            continue;
        }
        let Some(id) = c.member.as_ref().and_then(|m| m.id.clone()) else {
            failed(row, "the member has no ID");
            continue;
        };
        match client.remove_team_member(org, &team_id, &id).await {
            Ok(()) => applied(row),
            Err(e) => failed(row, e.to_string()),
        }
    }
    rows
}

fn clone_outcome(outcome: &Result<bool, CliError>) -> Result<bool, CliError> {
    match outcome {
        Ok(b) => Ok(*b),
        Err(e) => Err(CliError::failure(e.message.clone())),
    }
}
