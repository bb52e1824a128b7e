//! A Team's members (`organization team user add|remove|list`, one Team on the line or many in
//! a file): the users named (emails or IDs) found among the Team's members and the
//! Organization's, a planned result per user (someone already in the Team, or not in it, is
//! settled without a request), the writes (one AddTeamMembers for everyone to add; one
//! RemoveTeamMember each, at the same time), and what the commands report.

use std::collections::HashMap;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;

use crate::api::{Added, Client, Team, TeamMember, User, same_email};
use crate::bulk::report::{Outcome, Status};
use crate::context::Ctx;
use crate::error::{CliError, Exit, echo};
use crate::members::{self, is_cuid};
use crate::output;
use crate::text;

/// Which way a command changes a Team's membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Add,
    Remove,
}

impl Change {
    /// For [`crate::teams::refuse_if_idp_managed`]: "cannot add members to it here".
    pub fn refusal(self) -> &'static str {
        match self {
            Change::Add => "add members to",
            Change::Remove => "remove members from",
        }
    }

    fn planned(self) -> Status {
        match self {
            Change::Add => Status::WouldAdd,
            Change::Remove => Status::WouldRemove,
        }
    }

    /// The result of a user who is already as wanted.
    fn settled(self) -> Status {
        match self {
            Change::Add => Status::AlreadyMember,
            Change::Remove => Status::NotMember,
        }
    }
}

/// The Team as the results name it.
#[derive(Debug, Clone, Serialize)]
pub struct TeamRef {
    pub id: String,
    pub name: String,
}

impl From<&Team> for TeamRef {
    fn from(team: &Team) -> Self {
        Self {
            id: team.id.clone(),
            name: team.name.clone(),
        }
    }
}

/// What happened to one user named on the line. A user not found keeps what was given: the
/// email, or the ID.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserResult {
    pub id: Option<String>,
    pub email: Option<String>,
    pub full_name: Option<String>,
    pub result: Status,
    pub message: Option<String>,
}

impl UserResult {
    fn of_member(member: &TeamMember, result: Status) -> Self {
        Self {
            id: Some(member.user_id.clone()),
            email: Some(member.username.clone()),
            full_name: member.full_name.clone(),
            result,
            message: None,
        }
    }

    fn of_user(user: &User, result: Status) -> Self {
        Self {
            id: Some(user.id.clone()),
            email: Some(user.username.clone()),
            full_name: Some(user.full_name.clone()),
            result,
            message: None,
        }
    }

    fn not_found(arg: &str) -> Self {
        let by_id = is_cuid(arg);
        Self {
            id: by_id.then(|| arg.to_owned()),
            email: (!by_id).then(|| arg.to_owned()),
            full_name: None,
            result: Status::NotFound,
            message: Some("no such user in the Organization".into()),
        }
    }

    /// The email, else the ID: how the user is named in a line of text.
    pub fn name(&self) -> &str {
        self.email
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or_default()
    }
}

/// Whether `arg` (an email, any case, or a user ID) names `member`.
pub fn names_member(arg: &str, member: &TeamMember) -> bool {
    member.user_id == arg || same_email(&member.username, arg)
}

/// Whether `arg` (an email, any case, or a user ID) names `user`.
pub fn names_user(arg: &str, user: &User) -> bool {
    user.id == arg || same_email(&user.username, arg)
}

/// A result per distinct user named by `args`, in the order first named: someone already as
/// wanted is settled (`already_member` for an add, `not_member` for a removal), the others
/// planned (`would_add`, `would_remove`); a user in neither the Team (`members`) nor the
/// Organization (`users`) is `not_found`. `users` may be `None` for a removal when every
/// argument names a member. A user named twice (by email and by ID) is reported once.
pub fn plan(
    args: &[String],
    members: &[TeamMember],
    users: Option<&[User]>,
    change: Change,
) -> Vec<UserResult> {
    let mut results: Vec<UserResult> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for arg in args {
        let result = match members.iter().find(|m| names_member(arg, m)) {
            Some(member) => {
                let status = match change {
                    Change::Add => change.settled(),
                    Change::Remove => change.planned(),
                };
                UserResult::of_member(member, status)
            }
            None => match users.and_then(|all| all.iter().find(|u| names_user(arg, u))) {
                Some(user) => {
                    let status = match change {
                        Change::Add => change.planned(),
                        Change::Remove => change.settled(),
                    };
                    UserResult::of_user(user, status)
                }
                None => UserResult::not_found(arg),
            },
        };
        let key = match &result.id {
            Some(id) if result.result != Status::NotFound => id.clone(),
            _ => arg.to_lowercase(),
        };
        if seen.insert(key, ()).is_none() {
            results.push(result);
        }
    }
    results
}

/// Whether any of `args` names no member of the Team (so the Organization must be listed to
/// tell someone not in the Team from someone not in the Organization).
pub fn any_outside(args: &[String], members: &[TeamMember]) -> bool {
    args.iter()
        .any(|arg| !members.iter().any(|m| names_member(arg, m)))
}

/// What `user add` and `user remove` print with `--json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub team: TeamRef,
    pub results: Vec<UserResult>,
    /// Whether anything was sent that changed the Team.
    pub changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

/// Adds everyone planned `would_add` in one AddTeamMembers request, and records how it went
/// on each of them: `added`, or `failed` with the server's message (the request is all or
/// nothing).
pub async fn add_planned(
    client: &Client,
    org: &str,
    team: &Team,
    results: &mut [UserResult],
) -> bool {
    let ids: Vec<String> = results
        .iter()
        .filter(|r| r.result == Status::WouldAdd)
        .filter_map(|r| r.id.clone())
        .collect();
    if ids.is_empty() {
        return false;
    }
    let (status, message) = match client.add_team_members(org, &team.id, &ids).await {
        Ok(Added::Sent) => (Status::Added, None),
        Ok(Added::Confirmed) => (
            Status::Added,
            Some("the response was lost; confirmed in the Team's member list".to_owned()),
        ),
        Err(e) => (Status::Failed, Some(e.to_string())),
    };
    for row in results.iter_mut().filter(|r| r.result == Status::WouldAdd) {
        row.result = status;
        row.message.clone_from(&message);
    }
    status == Status::Added
}

/// Removes everyone planned `would_remove`, `concurrency` at a time (one RemoveTeamMember
/// each). Ctrl-C stops starting removals, lets those in flight finish, and leaves the others
/// `skipped`. Returns whether anything was removed and whether the run was interrupted.
pub async fn remove_planned(
    ctx: &Ctx,
    client: &Client,
    org: &str,
    team: &Team,
    results: &mut [UserResult],
    concurrency: usize,
) -> (bool, bool) {
    ctx.interrupt.claim();
    let planned: Vec<(usize, String)> = results
        .iter()
        .enumerate()
        .filter(|(_, r)| r.result == Status::WouldRemove)
        .filter_map(|(i, r)| r.id.clone().map(|id| (i, id)))
        .collect();
    let spinner = output::Spinner::start(format!(
        "Removing {}…",
        text::count(planned.len(), "member", "members")
    ));
    let mut pending = planned.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut stopping = false;
    let mut removed = false;
    loop {
        while !stopping && in_flight.len() < concurrency.max(1) {
            match pending.next() {
                Some((index, id)) => in_flight.push(async move {
                    (index, client.remove_team_member(org, &team.id, &id).await)
                }),
                None => break,
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            Some((index, outcome)) = in_flight.next() => {
                let row = &mut results[index];
                match outcome {
                    Ok(()) => {
                        row.result = Status::Removed;
                        removed = true;
                    }
                    Err(e) => {
                        row.result = Status::Failed;
                        row.message = Some(e.to_string());
                    }
                }
            }
            () = ctx.interrupt.soft(), if !stopping => {
                stopping = true;
                output::note("interrupted: finishing the removals in flight, starting no more (Ctrl-C again to stop at once)");
            }
        }
    }
    drop(spinner);
    for (index, _) in pending {
        results[index].result = Status::Skipped;
        results[index].message = Some("not sent: interrupted".into());
    }
    (removed, stopping)
}

/// Prints the results (JSON, or a line per user) and turns them into the exit status:
/// 0 when every user ends as wanted (`added`, `already_member`, `removed`, `not_member`, or
/// planned so with `--dry-run`); 130 when interrupted; 3 when the only problem is users not
/// found and nothing was changed; 1 otherwise (something failed, or some users were not found
/// while others were changed).
pub fn finish(
    ctx: &Ctx,
    summary: &Summary,
    json: bool,
    change: Change,
    interrupted: bool,
) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        ctx.print_json(summary)?;
    } else {
        for row in &summary.results {
            output::line(&sentence(row, &summary.team.name, change))?;
        }
    }
    let problems: Vec<&UserResult> = summary
        .results
        .iter()
        .filter(|r| r.result.is_problem())
        .collect();
    if interrupted {
        return Err(CliError::new(
            Exit::Interrupted,
            "interrupted: removals not started are reported as skipped",
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let total = summary.results.len();
    let not_found = problems
        .iter()
        .filter(|r| r.result == Status::NotFound)
        .count();
    if not_found == problems.len() && !summary.changed {
        return Err(CliError::not_found(format!(
            "{not_found} of {} not in the Organization",
            text::count(total, "user is", "users are")
        ))
        .with_hint(
            "run `astro organization user list` to see its members; invite someone new with `astro organization user invite`",
        ));
    }
    let verb = match change {
        Change::Add => "added to",
        Change::Remove => "removed from",
    };
    Err(CliError::failure(format!(
        "{} of {} not {verb} Team {}",
        problems.len(),
        text::count(total, "user was", "users were"),
        text::cell(&summary.team.name)
    )))
}

/// One user's result in words.
fn sentence(row: &UserResult, team: &str, change: Change) -> String {
    let who = row.name();
    let team = text::cell(team);
    let why = row
        .message
        .as_deref()
        .map(|m| format!(": {m}"))
        .unwrap_or_default();
    match row.result {
        Status::Added => format!(
            "Added {who} to Team {team}{}",
            row.message
                .as_deref()
                .map(|m| format!(" ({m})"))
                .unwrap_or_default()
        ),
        Status::Removed => format!("Removed {who} from Team {team}"),
        Status::WouldAdd => format!("Would add {who} to Team {team} (dry run: nothing sent)"),
        Status::WouldRemove => {
            format!("Would remove {who} from Team {team} (dry run: nothing sent)")
        }
        Status::AlreadyMember => format!("{who} is already a member of Team {team}"),
        Status::NotMember => format!("{who} is not a member of Team {team}"),
        Status::NotFound => format!("Not found: {who} is not in the Organization"),
        Status::Skipped => format!("Skipped {who}{why}"),
        _ => {
            let verb = match change {
                Change::Add => "add",
                Change::Remove => "remove",
            };
            format!("Failed to {verb} {who}{why}")
        }
    }
}

/// A user to pick on a terminal: the Organization's members not in the Team (add).
pub fn pick_user_to_add(
    ctx: &mut Ctx,
    users: &[User],
    members: &[TeamMember],
    team: &Team,
) -> Result<String, CliError> {
    let candidates: Vec<&User> = users
        .iter()
        .filter(|u| !members.iter().any(|m| m.user_id == u.id))
        .collect();
    if candidates.is_empty() {
        return Err(CliError::not_found(format!(
            "every member of the Organization is already in Team {}",
            text::cell(&team.name)
        )));
    }
    let owned: Vec<User> = candidates.into_iter().cloned().collect();
    let rows = members::rows(&owned, |u| u.organization_role.as_deref());
    let prompt = format!("User to add to Team {}", text::cell(&team.name));
    let prompter = ctx.prompter.as_mut().ok_or_else(missing_users)?;
    let index = prompter.pick(&members::pick_list(&prompt, &rows))?;
    Ok(owned[index].id.clone())
}

/// A member to pick on a terminal: the Team's members (remove).
pub fn pick_member_to_remove(
    ctx: &mut Ctx,
    members: &[TeamMember],
    team: &Team,
) -> Result<String, CliError> {
    if members.is_empty() {
        return Err(CliError::not_found(format!(
            "Team {} has no members",
            text::cell(&team.name)
        )));
    }
    let rows: Vec<Vec<String>> = members
        .iter()
        .map(|m| {
            vec![
                m.username.clone(),
                m.full_name.clone().unwrap_or_default(),
                m.user_id.clone(),
            ]
        })
        .collect();
    let prompt = format!("Member to remove from Team {}", text::cell(&team.name));
    let prompter = ctx.prompter.as_mut().ok_or_else(missing_users)?;
    let index = prompter.pick(&members::pick_list(&prompt, &rows))?;
    Ok(members[index].user_id.clone())
}

/// No users named, and no terminal to pick one on.
pub fn missing_users() -> CliError {
    CliError::missing(
        "at least one user",
        "their emails or IDs as EMAIL_OR_ID arguments",
    )
}

/// Checks every user argument before anything is sent: an email address or a user ID.
pub fn check_user_args(args: &[String]) -> Result<(), CliError> {
    for arg in args {
        if !is_cuid(arg) {
            members::check_email(arg).map_err(|e| {
                CliError::usage(e)
                    .with_hint("pass each user's email address or 25-character user ID")
            })?;
        }
    }
    Ok(())
}

/// How the remove confirmation names the users: one by email, a few listed, many counted.
pub fn confirmation(results: &[UserResult], team: &Team) -> String {
    let names: Vec<&str> = results
        .iter()
        .filter(|r| r.result == Status::WouldRemove)
        .map(UserResult::name)
        .collect();
    let team = text::cell(&team.name);
    match names.as_slice() {
        [one] => format!("Remove {one} from Team \"{team}\"?"),
        few if few.len() <= 3 => format!(
            "Remove {} members ({}) from Team \"{team}\"?",
            few.len(),
            few.join(", ")
        ),
        many => format!(
            "Remove {} members ({}, …) from Team \"{team}\"?",
            many.len(),
            many[..3].join(", ")
        ),
    }
}

// ---------------------------------------------------------------------------------------
// Many rows (`--from-file`).

/// One row's outcome in a bulk run: the Team and the user it named (a row that never found
/// them keeps only the email or ID it gave).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowOutcome {
    pub team_id: Option<String>,
    pub team_name: Option<String>,
    pub id: Option<String>,
    pub email: String,
    pub full_name: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    /// Whether the row adds (the Team shows in the table's TO column) or removes (FROM).
    #[serde(skip)]
    pub adding: bool,
}

impl RowOutcome {
    /// A row about `user` (or, not found, the email or ID `arg` it gave) in `team` (if found).
    pub fn of(
        team: Option<&Team>,
        user: Option<&User>,
        arg: &str,
        change: Change,
        dry_run: bool,
    ) -> Self {
        Self {
            team_id: team.map(|t| t.id.clone()),
            team_name: team.map(|t| t.name.clone()),
            id: user
                .map(|u| u.id.clone())
                .or_else(|| is_cuid(arg).then(|| arg.to_owned())),
            email: user.map_or_else(|| arg.to_owned(), |u| u.username.clone()),
            full_name: user.map(|u| u.full_name.clone()),
            dry_run,
            adding: change == Change::Add,
        }
    }
}

impl Outcome for RowOutcome {
    fn for_email(email: &str) -> Self {
        Self {
            team_id: None,
            team_name: None,
            id: is_cuid(email).then(|| email.to_owned()),
            email: email.to_owned(),
            full_name: None,
            dry_run: false,
            adding: true,
        }
    }

    fn email(&self) -> &str {
        &self.email
    }

    fn before(&self) -> Option<&str> {
        (!self.adding)
            .then_some(self.team_name.as_deref())
            .flatten()
    }

    fn after(&self) -> Option<&str> {
        self.adding.then_some(self.team_name.as_deref()).flatten()
    }
}

/// A Team named in a file that names no Team: the row's result and message.
pub fn team_problem(err: &CliError) -> (Status, String) {
    let status = if err.exit == Exit::NotFound {
        Status::NotFound
    } else {
        Status::Invalid
    };
    (status, err.message.clone())
}

/// The Team named by `arg` among `teams` (see [`crate::lookup::find`]), for a row of a file.
pub fn find_listed<'a>(teams: &'a [Team], arg: &str) -> Result<&'a Team, CliError> {
    crate::lookup::find(teams, arg, crate::lookup::TEAM).map_err(|e| {
        if e.exit == Exit::NotFound {
            CliError::not_found(format!("no Team `{}`", echo(arg)))
        } else {
            e
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, email: &str) -> TeamMember {
        TeamMember {
            user_id: id.into(),
            username: email.into(),
            full_name: Some(email.into()),
            created_at: None,
        }
    }

    fn user(id: &str, email: &str) -> User {
        User {
            id: id.into(),
            username: email.into(),
            full_name: email.into(),
            status: "ACTIVE".into(),
            created_at: String::new(),
            organization_role: None,
            workspace_roles: None,
            deployment_roles: None,
            dag_roles: None,
        }
    }

    const A: &str = "caaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "cbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "ccccccccccccccccccccccccc";

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn add_settles_members_plans_the_others_and_reports_each_user_once() {
        let members = [member(A, "a@x.io")];
        let users = [user(A, "a@x.io"), user(B, "B@x.io")];
        let results = plan(
            &args(&["A@X.IO", "b@x.io", B, "nobody@x.io", C, "NOBODY@x.io"]),
            &members,
            Some(&users),
            Change::Add,
        );
        let got: Vec<(Option<&str>, Status)> = results
            .iter()
            .map(|r| (r.email.as_deref(), r.result))
            .collect();
        assert_eq!(
            got,
            [
                (Some("a@x.io"), Status::AlreadyMember),
                (Some("B@x.io"), Status::WouldAdd),
                (Some("nobody@x.io"), Status::NotFound),
                (None, Status::NotFound),
            ]
        );
        assert_eq!(results[3].id.as_deref(), Some(C));
    }

    #[test]
    fn remove_plans_members_and_needs_the_organization_only_for_others() {
        let members = [member(A, "a@x.io")];
        assert!(!any_outside(&args(&["a@x.io", A]), &members));
        assert!(any_outside(&args(&["a@x.io", "b@x.io"]), &members));
        let users = [user(A, "a@x.io"), user(B, "b@x.io")];
        let results = plan(
            &args(&[A, "b@x.io", "c@x.io"]),
            &members,
            Some(&users),
            Change::Remove,
        );
        let got: Vec<Status> = results.iter().map(|r| r.result).collect();
        assert_eq!(
            got,
            [Status::WouldRemove, Status::NotMember, Status::NotFound]
        );
    }

    #[test]
    fn the_confirmation_names_one_a_few_or_counts_many() {
        let team = Team {
            id: "t".into(),
            name: "Platform Team".into(),
            description: None,
            organization_role: None,
            is_idp_managed: false,
            created_at: String::new(),
            workspace_roles: None,
            deployment_roles: None,
            dag_roles: None,
        };
        let row = |email: &str| UserResult {
            id: None,
            email: Some(email.into()),
            full_name: None,
            result: Status::WouldRemove,
            message: None,
        };
        assert_eq!(
            confirmation(&[row("a@x.io")], &team),
            "Remove a@x.io from Team \"Platform Team\"?"
        );
        let many: Vec<UserResult> = ["a@x.io", "b@x.io", "c@x.io", "d@x.io"]
            .iter()
            .map(|e| row(e))
            .collect();
        assert_eq!(
            confirmation(&many, &team),
            "Remove 4 members (a@x.io, b@x.io, c@x.io, …) from Team \"Platform Team\"?"
        );
    }
}
