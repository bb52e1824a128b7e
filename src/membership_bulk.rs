//! `astro workspace user add|update|remove --from-file FILE` and `astro deployment user …
//! --from-file FILE`: many Workspace or Deployment memberships at once. Rows name a user (email
//! or ID), a role (add and update) and optionally a Workspace or a Deployment (ID or name; the
//! selected one otherwise). Every row is checked before anything is sent (a Deployment role
//! against that Deployment's roles, read with one ListRoles); the Organization is listed once
//! (and the Workspaces once, when rows name any; the Deployments once); rows whose outcome the
//! listing already shows need no request; and all the rows about one user are merged into ONE
//! read-modify-write of that user's list of the level (see `role_lists`): two concurrent
//! read-modify-writes of the same user would lose one of the changes. Users are written with
//! bounded concurrency, results reported per row in file order.

use std::collections::HashMap;
use std::path::Path;

use crate::api::{Deployment, RoleInfo, User, Workspace};
use crate::bulk::read::RawRow;
use crate::bulk::report::{self, Outcome, Report, RowResult, Status};
use crate::confirm;
use crate::context::Ctx;
use crate::deployment_roles::{self, Catalogue};
use crate::deployments;
use crate::error::{CliError, Exit, echo};
use crate::lookup;
use crate::members::{check_email, is_cuid};
use crate::membership::MembershipOutcome;
use crate::output;
use crate::place::{Level, Place};
use crate::role_lists::{self, RoleChange, Subject};
use crate::roles::{self, Role, WorkspaceRole};
use crate::text;
use crate::workspaces;

/// What the rows ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb<'a> {
    /// Give each user a role in a Workspace or Deployment they are not in; rows without a
    /// role get `default_role` (a Workspace role's name, or a Deployment role checked on each
    /// row's Deployment).
    Add { default_role: &'a str },
    /// Change the role of each user already there; every row needs a role.
    Update,
    /// Take each user out.
    Remove,
}

/// The options of a bulk run.
#[derive(Debug, Clone, Copy)]
pub struct Options<'a> {
    pub source: &'a Path,
    pub json: bool,
    pub dry_run: bool,
    pub concurrency: u16,
    pub skip_invalid: bool,
    /// `remove`: no confirmation.
    pub force: bool,
}

impl<'a> Options<'a> {
    /// The options of `add` or `update`: `--from-file` reading `source`, and the other bulk flags.
    pub fn from_bulk(bulk: &crate::cli::BulkArgs, source: &'a Path, json: bool) -> Self {
        Self {
            source,
            json,
            dry_run: bulk.dry_run,
            concurrency: bulk.concurrency,
            skip_invalid: bulk.skip_invalid,
            force: false,
        }
    }
}

impl Outcome for MembershipOutcome {
    /// Deployment runs head the column `DEPLOYMENT` (see [`run`]).
    const SCOPE: Option<&'static str> = Some("WORKSPACE");

    fn for_email(email: &str) -> Self {
        Self {
            id: None,
            email: email.to_owned(),
            workspace_id: None,
            workspace_name: None,
            deployment_id: None,
            deployment_name: None,
            previous_role: None,
            role: None,
            changed: false,
            dry_run: false,
        }
    }

    fn email(&self) -> &str {
        &self.email
    }

    fn before(&self) -> Option<&str> {
        self.previous_role.as_deref()
    }

    fn after(&self) -> Option<&str> {
        self.role.as_deref()
    }

    fn scope(&self) -> Option<&str> {
        match level_of(self) {
            Level::Workspace => self.workspace_name.as_deref(),
            Level::Deployment => self.deployment_name.as_deref(),
        }
    }
}

/// The level of a row's outcome: a Deployment when it names one.
fn level_of(outcome: &MembershipOutcome) -> Level {
    if outcome.deployment_id.is_some() {
        Level::Deployment
    } else {
        Level::Workspace
    }
}

/// The ID of the Workspace or Deployment a row's outcome is about.
fn place_id(outcome: &MembershipOutcome) -> String {
    match level_of(outcome) {
        Level::Workspace => outcome.workspace_id.clone(),
        Level::Deployment => outcome.deployment_id.clone(),
    }
    .unwrap_or_default()
}

/// A row as checked before any request.
struct ValidRow {
    line: usize,
    /// An email (lower case) or a user ID.
    user: String,
    /// The role asked for (a Workspace role's name; a Deployment role as given until checked
    /// against its Deployment's roles); `None` for `remove`.
    role: Option<String>,
    /// The Workspace or Deployment the row names; `None`: the selected one.
    place: Option<String>,
}

/// What a row comes to, given the user's current role in its Workspace or Deployment.
#[derive(Debug, PartialEq, Eq)]
enum Judgement {
    Change,
    Unchanged,
    /// Not applied, and why.
    Refused(Status, String),
}

fn judge(
    verb: Verb<'_>,
    current: Option<&str>,
    wanted: Option<&str>,
    outcome: &MembershipOutcome,
) -> Judgement {
    let level = level_of(outcome);
    let (noun, command) = (level.noun(), level.command());
    let name = text::cell(outcome.scope().unwrap_or_default());
    match (verb, current) {
        (Verb::Add { .. }, None) => Judgement::Change,
        (Verb::Add { .. }, Some(current)) if Some(current) == wanted => Judgement::Unchanged,
        (Verb::Add { .. }, Some(current)) => Judgement::Refused(
            Status::Failed,
            format!(
                "already in {noun} `{name}` as {current}; to change their role use `astro {command} user update`"
            ),
        ),
        (Verb::Update, None) => Judgement::Refused(
            Status::NotFound,
            format!("not in {noun} `{name}`; add them with `astro {command} user add`"),
        ),
        (Verb::Update, Some(current)) if Some(current) == wanted => Judgement::Unchanged,
        (Verb::Update, Some(_)) => Judgement::Change,
        (Verb::Remove, None) => Judgement::Unchanged,
        (Verb::Remove, Some(_)) => Judgement::Change,
    }
}

/// Where the rows apply, as listed once: a row's Workspace or Deployment, by the name or ID it
/// gives, else the selected one.
struct Places {
    level: Level,
    /// The Organization's Workspaces (listed when Workspace rows name any).
    workspaces: Vec<Workspace>,
    /// The Organization's Deployments (Deployment rows).
    deployments: Vec<Deployment>,
    /// The selected Workspace, where Deployment names are looked for (`None`: the whole
    /// Organization).
    scope: Option<Workspace>,
    /// The place of rows that name none.
    default: Option<Place>,
    /// The Organization's Deployment roles, read when Deployment rows give roles (`Some(None)`:
    /// the token may not list them).
    deployment_roles: Option<Option<Vec<RoleInfo>>>,
}

impl Places {
    /// The place a row names (`None`: the default).
    fn find(&self, named: Option<&str>) -> Result<Place, CliError> {
        match (named, &self.default) {
            (Some(named), _) => match self.level {
                Level::Workspace => lookup::find(&self.workspaces, named, lookup::WORKSPACE)
                    .cloned()
                    .map(Place::Workspace),
                Level::Deployment => {
                    deployments::find_in(&self.deployments, named, self.scope.as_ref())
                        .map(Place::Deployment)
                }
            },
            (None, Some(place)) => Ok(place.clone()),
            (None, None) => Err(CliError::usage(format!(
                "the row names no {} and none is selected (fill the `{}` column or pass {})",
                self.level.noun(),
                self.level.command(),
                self.level.flag()
            ))),
        }
    }
}

/// Lists the Organization's members and the Workspaces the rows name (or resolves the
/// selected one when none does), at the same time.
async fn list_for_workspaces(
    ctx: &mut Ctx,
    rows: &[ValidRow],
) -> Result<(Vec<User>, Places), CliError> {
    // The Workspace rows without one apply to, if any is selected.
    let default = if rows.iter().any(|r| r.place.is_none()) {
        workspaces::selected(ctx).await?
    } else {
        None
    };
    let names_any = rows.iter().any(|r| r.place.is_some());
    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let spinner = output::Spinner::start("Listing the Organization's members…");
    let workspaces_read = async {
        match (&default, names_any) {
            (_, true) => Ok::<_, CliError>((client.list_all_workspaces(org).await?, None)),
            (Some((value, from)), false) => Ok((
                Vec::new(),
                Some(workspaces::resolve(client, org, value, from).await?),
            )),
            (None, false) => Ok((Vec::new(), None)),
        }
    };
    let (users, listed) = tokio::join!(client.list_all_users(org), workspaces_read);
    drop(spinner);
    let (listed, resolved_default) = listed?;
    let users = users?;
    let default_workspace = match (resolved_default, &default) {
        (Some(ws), _) => Some(ws),
        (None, Some((value, from))) => Some(workspaces::find_in(&listed, org, value, from)?),
        (None, None) => None,
    };
    Ok((
        users,
        Places {
            level: Level::Workspace,
            workspaces: listed,
            deployments: Vec::new(),
            scope: None,
            default: default_workspace.map(Place::Workspace),
            deployment_roles: None,
        },
    ))
}

/// Lists the Organization's members and Deployments, and (when rows give roles) its
/// Deployment roles, at the same time; the selected Workspace, where Deployment names are
/// looked for, is resolved alongside when a row may name a Deployment by name.
async fn list_for_deployments(
    ctx: &mut Ctx,
    verb: Verb<'_>,
    rows: &[ValidRow],
) -> Result<(Vec<User>, Places), CliError> {
    let default = if rows.iter().any(|r| r.place.is_none()) {
        ctx.deployment_option()
            .map(|(value, from)| (value.to_owned(), from))
    } else {
        None
    };
    let selected = workspaces::selected(ctx).await?;
    let values: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.place.as_deref())
        .chain(default.as_ref().map(|(value, _)| value.as_str()))
        .collect();
    // A value that cannot be an ID is a name: look it up in the selected Workspace.
    let scope_now = selected.is_some() && values.iter().any(|v| !is_cuid(v));
    let wants_roles = verb != Verb::Remove;
    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let spinner = output::Spinner::start("Listing the Organization's members and Deployments…");
    let scope_read = async {
        match (&selected, scope_now) {
            (Some((value, from)), true) => {
                Ok::<_, CliError>(Some(workspaces::resolve(client, org, value, from).await?))
            }
            _ => Ok(None),
        }
    };
    let roles_read = async {
        if wants_roles {
            Ok::<_, CliError>(Some(deployment_roles::list(client, org).await?))
        } else {
            Ok(None)
        }
    };
    let (users, listed, scope, deployment_roles) = tokio::join!(
        client.list_all_users(org),
        client.list_all_deployments(org),
        scope_read,
        roles_read
    );
    drop(spinner);
    let users = users?;
    let listed = listed?;
    let mut scope = scope?;
    let deployment_roles = deployment_roles?;
    // An ID-shaped value that is no Deployment's ID may be a name after all.
    if scope.is_none()
        && let Some((value, from)) = &selected
        && values.iter().any(|v| !listed.iter().any(|d| d.id == *v))
    {
        scope = Some(workspaces::resolve(client, org, value, from).await?);
    }
    let default_deployment = match &default {
        Some((value, from)) => Some(
            deployments::find_in(&listed, value, scope.as_ref()).map_err(|mut err| {
                err.message = format!("{} (from {from})", err.message);
                err
            })?,
        ),
        None => None,
    };
    Ok((
        users,
        Places {
            level: Level::Deployment,
            workspaces: Vec::new(),
            deployments: listed,
            scope,
            default: default_deployment.map(Place::Deployment),
            deployment_roles,
        },
    ))
}

/// Runs a bulk file of `level` memberships.
pub async fn run(
    ctx: &mut Ctx,
    level: Level,
    verb: Verb<'_>,
    options: Options<'_>,
) -> Result<(), CliError> {
    let source = options.source;
    if verb == Verb::Remove {
        confirm::can_confirm(ctx, options.force, options.dry_run, "removing members")?;
    }
    let what = format!("user and {}", level.noun());
    let rows = report::read_rows_keyed(source, options.skip_invalid, &what, |row| {
        let valid = check_row(row, level, verb)?;
        let key = format!("{}\n{}", valid.user, valid.place.as_deref().unwrap_or(""));
        Ok((key, valid))
    })?;
    let mut report: Report<MembershipOutcome> =
        Report::new(ctx.wants_json(options.json), &rows.lines);
    if level == Level::Deployment {
        report = report.with_scope("DEPLOYMENT");
    }
    let mut settled = rows.invalid;
    if rows.valid.is_empty() {
        for row in settled {
            report.push(ctx, row)?;
        }
        return report.finish(ctx, false);
    }

    let (users, places) = match level {
        Level::Workspace => list_for_workspaces(ctx, &rows.valid).await?,
        Level::Deployment => list_for_deployments(ctx, verb, &rows.valid).await?,
    };
    let by_key: HashMap<String, &User> = users
        .iter()
        .flat_map(|u| [(u.username.to_lowercase(), u), (u.id.clone(), u)])
        .collect();

    // Each row's place and user. A place named two ways, or a user named by email and by ID,
    // is only seen to be the same now. A Deployment role is checked on its Deployment.
    let mut invalid = Vec::new();
    let mut first_line: HashMap<(String, String), usize> = HashMap::new();
    let mut catalogues: HashMap<String, Catalogue> = HashMap::new();
    let mut unchecked: Vec<String> = Vec::new();
    let mut resolved: Vec<(ValidRow, Place, Option<&User>)> = Vec::new();
    for mut row in rows.valid {
        let place = match places.find(row.place.as_deref()) {
            Ok(place) => place,
            Err(e) => {
                invalid.push(
                    RowResult::about(row.line, &row.user, Status::Invalid).with_message(e.message),
                );
                continue;
            }
        };
        let mut sent_unchecked = false;
        if let (Place::Deployment(deployment), Some(role), Some(listed)) =
            (&place, &row.role, &places.deployment_roles)
        {
            let catalogue = catalogues
                .entry(deployment.id.clone())
                .or_insert_with(|| Catalogue::from_listing(listed.as_deref(), deployment));
            match catalogue.check_quietly(role) {
                Ok((role, checked)) => {
                    row.role = Some(role);
                    sent_unchecked = !checked;
                }
                Err(e) => {
                    invalid.push(
                        RowResult::about(row.line, &row.user, Status::Invalid)
                            .with_message(e.message),
                    );
                    continue;
                }
            }
        }
        let user = by_key.get(&row.user).copied();
        if let Some(user) = user {
            match first_line.get(&(user.id.clone(), place.id().to_owned())) {
                Some(first) => {
                    invalid.push(
                        RowResult::about(row.line, &user.username, Status::Invalid).with_message(
                            format!("the same user and {} as line {first}", level.noun()),
                        ),
                    );
                    continue;
                }
                None => {
                    first_line.insert((user.id.clone(), place.id().to_owned()), row.line);
                }
            }
        }
        if sent_unchecked
            && let Some(role) = &row.role
            && !unchecked.contains(role)
        {
            unchecked.push(role.clone());
        }
        resolved.push((row, place, user));
    }
    invalid.sort_by_key(|r| r.line);
    report::stop_on_invalid(&invalid, options.skip_invalid, source)?;
    settled.extend(invalid);
    if !unchecked.is_empty() {
        let names: Vec<&str> = unchecked.iter().map(String::as_str).collect();
        deployment_roles::warn_unchecked(&names);
    }

    // What the listing already shows; the rest is grouped by user, in file order.
    let mut groups: Vec<Vec<RowResult<MembershipOutcome>>> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (row, place, user) in resolved {
        let Some(user) = user else {
            let message = match verb {
                Verb::Add { .. } => format!(
                    "not in the Organization; invite them first with `astro organization user invite {}`",
                    if is_cuid(&row.user) {
                        "EMAIL".to_owned()
                    } else {
                        echo(&row.user)
                    }
                ),
                Verb::Update | Verb::Remove => "no such user in the Organization".to_owned(),
            };
            let keys = place.keys();
            let mut outcome = MembershipOutcome::for_email(&row.user);
            outcome.workspace_id = keys.workspace_id;
            outcome.workspace_name = keys.workspace_name;
            outcome.deployment_id = keys.deployment_id;
            outcome.deployment_name = keys.deployment_name;
            outcome.role = row.role;
            outcome.dry_run = options.dry_run;
            settled.push(RowResult::new(row.line, Status::NotFound, outcome).with_message(message));
            continue;
        };
        let wanted = row.role.as_deref();
        let outcome = MembershipOutcome::planned(user, &place, wanted, options.dry_run);
        let pending = RowResult::new(row.line, Status::WouldChange, outcome);
        // A listing that does not show the user's roles of the level: the read will.
        if user.shows(level) {
            let current = user.role_in(level, place.id());
            match judge(verb, current, wanted, &pending.outcome) {
                Judgement::Change if options.dry_run => {
                    settled.push(pending);
                    continue;
                }
                Judgement::Change => {}
                Judgement::Unchanged => {
                    settled.push(RowResult {
                        result: Status::Unchanged,
                        ..pending
                    });
                    continue;
                }
                Judgement::Refused(status, message) => {
                    settled.push(
                        RowResult {
                            result: status,
                            ..pending
                        }
                        .with_message(message),
                    );
                    continue;
                }
            }
        }
        let index = *group_of.entry(user.id.clone()).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[index].push(pending);
    }

    if verb == Verb::Remove && !options.force && !options.dry_run {
        confirm_removal(ctx, level, &groups)?;
    }
    let (client, org) = ctx.resolved_api()?;
    for row in settled {
        report.push(ctx, row)?;
    }
    let dry_run = options.dry_run;
    let apply = |rows: Vec<RowResult<MembershipOutcome>>| async move {
        apply_user(client, org, level, verb, dry_run, rows).await
    };
    let interrupted = report::execute_groups(
        ctx,
        &mut report,
        groups,
        usize::from(options.concurrency),
        apply,
    )
    .await?;
    report.finish(ctx, interrupted)
}

/// Checks a row before any request (a Deployment role is checked later, on its Deployment).
fn check_row(row: &RawRow, level: Level, verb: Verb<'_>) -> Result<ValidRow, String> {
    let user = if is_cuid(&row.email) {
        row.email.clone()
    } else {
        check_email(&row.email)?;
        row.email.to_lowercase()
    };
    let role = match verb {
        Verb::Remove => None,
        Verb::Add { default_role } if row.role.is_empty() => Some(default_role.to_owned()),
        Verb::Update if row.role.is_empty() => return Err("no role given".into()),
        Verb::Add { .. } | Verb::Update => Some(match level {
            Level::Workspace => roles::parse::<WorkspaceRole>(&row.role)?
                .as_str()
                .to_owned(),
            Level::Deployment => crate::cli::name_value(&row.role)
                .map_err(|why| format!("the role `{}` is not valid: {why}", echo(&row.role)))?,
        }),
    };
    let named = match level {
        Level::Workspace => &row.workspace,
        Level::Deployment => &row.deployment,
    };
    let place =
        if named.is_empty() {
            None
        } else {
            Some(crate::cli::name_value(named).map_err(|why| {
                format!("the {} `{}` is not valid: {why}", level.noun(), echo(named))
            })?)
        };
    Ok(ValidRow {
        line: row.line,
        user,
        role,
        place,
    })
}

/// Asks once, on a terminal, before removing anyone (the caller has refused to go on without
/// a terminal or `--force`).
fn confirm_removal(
    ctx: &mut Ctx,
    level: Level,
    groups: &[Vec<RowResult<MembershipOutcome>>],
) -> Result<(), CliError> {
    let rows: Vec<&RowResult<MembershipOutcome>> = groups.iter().flatten().collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut names: Vec<&str> = Vec::new();
    for row in &rows {
        let name = row.outcome.scope().unwrap_or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let noun = level.noun();
    let from = match names.as_slice() {
        [one] => format!("{noun} {}", text::cell(one)),
        several => format!(
            "{} ({})",
            text::count(several.len(), noun, &format!("{noun}s")),
            several
                .iter()
                .map(|n| text::cell(n))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let question = format!(
        "Remove {} from {from}?",
        text::count(rows.len(), "member", "members")
    );
    confirm::ask(ctx, false, &question)
}

/// One user's rows: read the user, judge each row on what was read, and send the rows that
/// change anything as ONE write of the user's list of `level`.
async fn apply_user(
    client: &crate::api::Client,
    org: &str,
    level: Level,
    verb: Verb<'_>,
    dry_run: bool,
    mut rows: Vec<RowResult<MembershipOutcome>>,
) -> Vec<RowResult<MembershipOutcome>> {
    let id = rows
        .first()
        .and_then(|r| r.outcome.id.clone())
        .unwrap_or_default();
    let user = match role_lists::read(client, org, &id).await {
        Ok(user) => user,
        Err(e) => {
            let status = if e.exit == Exit::NotFound {
                Status::NotFound
            } else {
                Status::Failed
            };
            for row in &mut rows {
                row.result = status;
                row.message = Some(e.message.clone());
            }
            return rows;
        }
    };
    let mut changes = Vec::new();
    let mut changing = Vec::new();
    for (index, row) in rows.iter_mut().enumerate() {
        let id = place_id(&row.outcome);
        let current = user.role_in(level, &id);
        row.outcome.previous_role = current.map(str::to_owned);
        let wanted = row.outcome.role.clone();
        match judge(verb, current, wanted.as_deref(), &row.outcome) {
            Judgement::Change if dry_run => row.result = Status::WouldChange,
            Judgement::Change => {
                changes.push(RoleChange {
                    level,
                    id,
                    role: wanted,
                });
                changing.push(index);
            }
            Judgement::Unchanged => row.result = Status::Unchanged,
            Judgement::Refused(status, message) => {
                row.result = status;
                row.message = Some(message);
            }
        }
    }
    if changes.is_empty() {
        return rows;
    }
    let written = role_lists::write(client, org, &user, &changes).await;
    for index in changing {
        let row = &mut rows[index];
        match &written {
            Ok(changed) => {
                row.result = if *changed {
                    Status::Changed
                } else {
                    Status::Unchanged
                };
                row.outcome.changed = *changed;
            }
            Err(e) => {
                row.result = Status::Failed;
                row.message = Some(e.message.clone());
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome() -> MembershipOutcome {
        let mut o = MembershipOutcome::for_email("a@x.io");
        o.workspace_name = Some("Analytics".into());
        o
    }

    #[test]
    fn each_verb_judges_the_current_role_as_the_single_command_does() {
        let add = Verb::Add {
            default_role: WorkspaceRole::WorkspaceMember.as_str(),
        };
        let (author, owner) = (Some("WORKSPACE_AUTHOR"), Some("WORKSPACE_OWNER"));
        assert_eq!(judge(add, None, author, &outcome()), Judgement::Change);
        assert_eq!(judge(add, author, author, &outcome()), Judgement::Unchanged);
        let Judgement::Refused(Status::Failed, why) = judge(add, owner, author, &outcome()) else {
            panic!("add with another role is not applied");
        };
        assert!(
            why.contains("as WORKSPACE_OWNER") && why.contains("workspace user update"),
            "{why}"
        );
        assert!(matches!(
            judge(Verb::Update, None, author, &outcome()),
            Judgement::Refused(Status::NotFound, _)
        ));
        assert_eq!(
            judge(Verb::Update, owner, author, &outcome()),
            Judgement::Change
        );
        assert_eq!(
            judge(Verb::Update, author, author, &outcome()),
            Judgement::Unchanged
        );
        assert_eq!(
            judge(Verb::Remove, None, None, &outcome()),
            Judgement::Unchanged
        );
        assert_eq!(
            judge(Verb::Remove, owner, None, &outcome()),
            Judgement::Change
        );
    }

    #[test]
    fn rows_are_checked_with_short_role_names_and_defaults() {
        let raw = |email: &str, role: &str, workspace: &str| RawRow {
            line: 2,
            team: String::new(),
            email: email.into(),
            role: role.into(),
            workspace: workspace.into(),
            deployment: String::new(),
        };
        let check_row = |row: &RawRow, verb| check_row(row, Level::Workspace, verb);
        let add = Verb::Add {
            default_role: WorkspaceRole::WorkspaceAccessor.as_str(),
        };
        let row = check_row(&raw("Grace@Example.com", "author", " Analytics"), add).unwrap();
        assert_eq!(row.user, "grace@example.com");
        assert_eq!(row.role.as_deref(), Some("WORKSPACE_AUTHOR"));
        assert_eq!(row.place.as_deref(), Some("Analytics"));
        let row = check_row(&raw("grace@example.com", "", ""), add).unwrap();
        assert_eq!(row.role.as_deref(), Some("WORKSPACE_ACCESSOR"));
        assert_eq!(row.place, None);
        assert_eq!(
            check_row(&raw("grace@example.com", "", ""), Verb::Update)
                .err()
                .as_deref(),
            Some("no role given")
        );
        let why = check_row(&raw("grace@example.com", "admin", ""), Verb::Update)
            .err()
            .unwrap();
        assert!(why.starts_with("unknown Workspace role `admin`"), "{why}");
        // remove ignores a role column.
        let row = check_row(&raw("grace@example.com", "admin", ""), Verb::Remove).unwrap();
        assert_eq!(row.role, None);
        assert!(check_row(&raw("grace", "", ""), Verb::Remove).is_err());
        assert!(check_row(&raw("grace@example.com", "", "a\u{7}b"), Verb::Remove).is_err());
    }

    #[test]
    fn deployment_rows_read_the_deployment_column_and_keep_the_role_for_its_catalogue() {
        let raw = |role: &str, workspace: &str, deployment: &str| RawRow {
            line: 3,
            team: String::new(),
            email: "Grace@Example.com".into(),
            role: role.into(),
            workspace: workspace.into(),
            deployment: deployment.into(),
        };
        let add = Verb::Add {
            default_role: "DEPLOYMENT_ADMIN",
        };
        let row = check_row(
            &raw("viewer", "Analytics", " Ingestion "),
            Level::Deployment,
            add,
        )
        .unwrap();
        assert_eq!(row.role.as_deref(), Some("viewer"));
        assert_eq!(row.place.as_deref(), Some("Ingestion"));
        let row = check_row(&raw("", "Analytics", ""), Level::Deployment, add).unwrap();
        assert_eq!(row.role.as_deref(), Some("DEPLOYMENT_ADMIN"));
        assert_eq!(
            row.place, None,
            "the workspace column is not the Deployment"
        );
        let why = check_row(&raw("", "", "a\u{7}b"), Level::Deployment, Verb::Remove)
            .err()
            .unwrap();
        assert!(why.starts_with("the Deployment `"), "{why}");
    }

    #[test]
    fn deployment_outcomes_are_judged_naming_the_deployment_commands() {
        let mut o = MembershipOutcome::for_email("a@x.io");
        o.workspace_name = Some("Data Platform".into());
        o.deployment_id = Some("d1".into());
        o.deployment_name = Some("Ingestion".into());
        assert_eq!(o.scope(), Some("Ingestion"));
        assert_eq!(place_id(&o), "d1");
        let add = Verb::Add {
            default_role: "DEPLOYMENT_ADMIN",
        };
        let Judgement::Refused(Status::Failed, why) =
            judge(add, Some("DEPLOYMENT_ADMIN"), Some("Viewer"), &o)
        else {
            panic!("add with another role is not applied");
        };
        assert_eq!(
            why,
            "already in Deployment `Ingestion` as DEPLOYMENT_ADMIN; to change their role use `astro deployment user update`"
        );
        let Judgement::Refused(Status::NotFound, why) = judge(Verb::Update, None, Some("x"), &o)
        else {
            panic!("update of a non-member is not found");
        };
        assert_eq!(
            why,
            "not in Deployment `Ingestion`; add them with `astro deployment user add`"
        );
    }
}
