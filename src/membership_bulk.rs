//! `astro workspace user add|update|remove --from-file FILE`: many Workspace memberships at
//! once. Rows name a user (email or ID), a role (add and update) and optionally a Workspace
//! (ID or name; the selected Workspace otherwise). Every row is checked before anything is
//! sent; the Organization is listed once (and the Workspaces once, when rows name any); rows
//! whose outcome the listing already shows need no request; and all the rows about one user
//! are merged into ONE read-modify-write of that user's Workspace list (see `role_lists`):
//! two concurrent read-modify-writes of the same user would lose one of the changes. Users
//! are written with bounded concurrency, results reported per row in file order.

use std::collections::HashMap;
use std::path::Path;

use crate::api::{User, Workspace};
use crate::bulk::read::RawRow;
use crate::bulk::report::{self, Outcome, Report, RowResult, Status};
use crate::confirm;
use crate::context::Ctx;
use crate::error::{CliError, Exit, echo};
use crate::lookup;
use crate::members::{check_email, is_cuid};
use crate::membership::MembershipOutcome;
use crate::output;
use crate::role_lists::{self, RoleChange};
use crate::roles::{self, Role, WorkspaceRole};
use crate::text;
use crate::workspaces;

/// What the rows ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// Give each user a role in a Workspace they are not in; rows without a role get
    /// `default_role`.
    Add { default_role: WorkspaceRole },
    /// Change the role of each user already in the Workspace; every row needs a role.
    Update,
    /// Take each user out of the Workspace.
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
        self.workspace_name.as_deref()
    }
}

/// A row as checked before any request.
struct ValidRow {
    line: usize,
    /// An email (lower case) or a user ID.
    user: String,
    /// The role asked for; `None` for `remove`.
    role: Option<WorkspaceRole>,
    /// The Workspace the row names; `None`: the selected one.
    workspace: Option<String>,
}

/// What a row comes to, given the user's current role in its Workspace.
#[derive(Debug, PartialEq, Eq)]
enum Judgement {
    Change,
    Unchanged,
    /// Not applied, and why.
    Refused(Status, String),
}

fn judge(
    verb: Verb,
    current: Option<&str>,
    wanted: Option<&str>,
    outcome: &MembershipOutcome,
) -> Judgement {
    let ws = text::cell(outcome.workspace_name.as_deref().unwrap_or_default());
    match (verb, current) {
        (Verb::Add { .. }, None) => Judgement::Change,
        (Verb::Add { .. }, Some(current)) if Some(current) == wanted => Judgement::Unchanged,
        (Verb::Add { .. }, Some(current)) => Judgement::Refused(
            Status::Failed,
            format!(
                "already in Workspace `{ws}` as {current}; to change their role use `astro workspace user update`"
            ),
        ),
        (Verb::Update, None) => Judgement::Refused(
            Status::NotFound,
            format!("not in Workspace `{ws}`; add them with `astro workspace user add`"),
        ),
        (Verb::Update, Some(current)) if Some(current) == wanted => Judgement::Unchanged,
        (Verb::Update, Some(_)) => Judgement::Change,
        (Verb::Remove, None) => Judgement::Unchanged,
        (Verb::Remove, Some(_)) => Judgement::Change,
    }
}

pub async fn run(ctx: &mut Ctx, verb: Verb, options: Options<'_>) -> Result<(), CliError> {
    let source = options.source;
    if verb == Verb::Remove {
        confirm::can_confirm(ctx, options.force, options.dry_run, "removing members")?;
    }
    let rows =
        report::read_rows_keyed(source, options.skip_invalid, "user and Workspace", |row| {
            let valid = check_row(row, verb)?;
            let key = format!(
                "{}\n{}",
                valid.user,
                valid.workspace.as_deref().unwrap_or("")
            );
            Ok((key, valid))
        })?;
    let mut report: Report<MembershipOutcome> =
        Report::new(ctx.wants_json(options.json), &rows.lines);
    let mut settled = rows.invalid;
    if rows.valid.is_empty() {
        for row in settled {
            report.push(ctx, row)?;
        }
        return report.finish(ctx, false);
    }

    // The Workspace rows without one apply to, if any is selected.
    let default = if rows.valid.iter().any(|r| r.workspace.is_none()) {
        workspaces::selected(ctx).await?
    } else {
        None
    };
    let names_any = rows.valid.iter().any(|r| r.workspace.is_some());
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
    let by_key: HashMap<String, &User> = users
        .iter()
        .flat_map(|u| [(u.username.to_lowercase(), u), (u.id.clone(), u)])
        .collect();

    // Each row's Workspace and user. A Workspace named two ways, or a user named by email and
    // by ID, is only seen to be the same now.
    let mut invalid = Vec::new();
    let mut first_line: HashMap<(String, String), usize> = HashMap::new();
    let mut resolved: Vec<(ValidRow, Workspace, Option<&User>)> = Vec::new();
    for row in rows.valid {
        let workspace = match (&row.workspace, &default_workspace) {
            (Some(named), _) => lookup::find(&listed, named, lookup::WORKSPACE).cloned(),
            (None, Some(ws)) => Ok(ws.clone()),
            (None, None) => Err(CliError::usage(
                "the row names no Workspace and none is selected (fill the `workspace` column or pass --workspace-id)",
            )),
        };
        let workspace = match workspace {
            Ok(ws) => ws,
            Err(e) => {
                invalid.push(
                    RowResult::about(row.line, &row.user, Status::Invalid).with_message(e.message),
                );
                continue;
            }
        };
        let user = by_key.get(&row.user).copied();
        if let Some(user) = user {
            match first_line.get(&(user.id.clone(), workspace.id.clone())) {
                Some(first) => {
                    invalid.push(
                        RowResult::about(row.line, &user.username, Status::Invalid)
                            .with_message(format!("the same user and Workspace as line {first}")),
                    );
                    continue;
                }
                None => {
                    first_line.insert((user.id.clone(), workspace.id.clone()), row.line);
                }
            }
        }
        resolved.push((row, workspace, user));
    }
    invalid.sort_by_key(|r| r.line);
    report::stop_on_invalid(&invalid, options.skip_invalid, source)?;
    settled.extend(invalid);

    // What the listing already shows; the rest is grouped by user, in file order.
    let mut groups: Vec<Vec<RowResult<MembershipOutcome>>> = Vec::new();
    let mut group_of: HashMap<String, usize> = HashMap::new();
    for (row, workspace, user) in resolved {
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
            let mut outcome = MembershipOutcome::for_email(&row.user);
            outcome.workspace_id = Some(workspace.id.clone());
            outcome.workspace_name = Some(workspace.name.clone());
            outcome.role = row.role.map(|r| r.as_str().to_owned());
            outcome.dry_run = options.dry_run;
            settled.push(RowResult::new(row.line, Status::NotFound, outcome).with_message(message));
            continue;
        };
        let wanted = row.role.map(Role::as_str);
        let place = crate::place::Place::Workspace(workspace.clone());
        let outcome = MembershipOutcome::planned(user, &place, wanted, options.dry_run);
        let pending = RowResult::new(row.line, Status::WouldChange, outcome);
        // A listing that does not show the user's Workspace roles: the read will.
        if user.workspace_roles.is_some() {
            let current = user.workspace_role(&workspace.id);
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
        confirm_removal(ctx, &groups)?;
    }
    let (client, org) = ctx.resolved_api()?;
    for row in settled {
        report.push(ctx, row)?;
    }
    let dry_run = options.dry_run;
    let apply = |rows: Vec<RowResult<MembershipOutcome>>| async move {
        apply_user(client, org, verb, dry_run, rows).await
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

/// Checks a row before any request.
fn check_row(row: &RawRow, verb: Verb) -> Result<ValidRow, String> {
    let user = if is_cuid(&row.email) {
        row.email.clone()
    } else {
        check_email(&row.email)?;
        row.email.to_lowercase()
    };
    let role = match verb {
        Verb::Remove => None,
        Verb::Add { default_role } if row.role.is_empty() => Some(default_role),
        Verb::Update if row.role.is_empty() => return Err("no role given".into()),
        Verb::Add { .. } | Verb::Update => Some(roles::parse::<WorkspaceRole>(&row.role)?),
    };
    let workspace = if row.workspace.is_empty() {
        None
    } else {
        Some(crate::cli::name_value(&row.workspace).map_err(|why| {
            format!(
                "the Workspace `{}` is not valid: {why}",
                echo(&row.workspace)
            )
        })?)
    };
    Ok(ValidRow {
        line: row.line,
        user,
        role,
        workspace,
    })
}

/// Asks once, on a terminal, before removing anyone (the caller has refused to go on without
/// a terminal or `--force`).
fn confirm_removal(
    ctx: &mut Ctx,
    groups: &[Vec<RowResult<MembershipOutcome>>],
) -> Result<(), CliError> {
    let rows: Vec<&RowResult<MembershipOutcome>> = groups.iter().flatten().collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut names: Vec<&str> = Vec::new();
    for row in &rows {
        let name = row.outcome.workspace_name.as_deref().unwrap_or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let from = match names.as_slice() {
        [one] => format!("Workspace {}", text::cell(one)),
        several => format!(
            "{} ({})",
            text::count(several.len(), "Workspace", "Workspaces"),
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
/// change anything as ONE write of the user's Workspace list.
async fn apply_user(
    client: &crate::api::Client,
    org: &str,
    verb: Verb,
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
        let workspace_id = row.outcome.workspace_id.clone().unwrap_or_default();
        let current = user.workspace_role(&workspace_id);
        row.outcome.previous_role = current.map(str::to_owned);
        let wanted = row.outcome.role.clone();
        match judge(verb, current, wanted.as_deref(), &row.outcome) {
            Judgement::Change if dry_run => row.result = Status::WouldChange,
            Judgement::Change => {
                changes.push(RoleChange::workspace(&workspace_id, wanted.as_deref()));
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
            default_role: WorkspaceRole::WorkspaceMember,
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
        let add = Verb::Add {
            default_role: WorkspaceRole::WorkspaceAccessor,
        };
        let row = check_row(&raw("Grace@Example.com", "author", " Analytics"), add).unwrap();
        assert_eq!(row.user, "grace@example.com");
        assert_eq!(row.role, Some(WorkspaceRole::WorkspaceAuthor));
        assert_eq!(row.workspace.as_deref(), Some("Analytics"));
        let row = check_row(&raw("grace@example.com", "", ""), add).unwrap();
        assert_eq!(row.role, Some(WorkspaceRole::WorkspaceAccessor));
        assert_eq!(row.workspace, None);
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
}
