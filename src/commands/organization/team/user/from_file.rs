//! `astro organization team user add|remove --from-file FILE`: many Team memberships at once.
//! Every row is checked before anything is sent (line numbers; Teams and users once the Teams
//! and the Organization are listed, once each); each Team named is listed once for its members;
//! someone already as wanted is reported without a request; additions go out as ONE
//! AddTeamMembers per Team, removals one RemoveTeamMember per row, with bounded concurrency,
//! results in file order and Ctrl-C accounting.

use std::collections::HashMap;
use std::path::Path;

use futures_util::{StreamExt, stream};

use crate::api::{Added, Team, TeamMember, User};
use crate::bulk::read::RawRow;
use crate::bulk::report::{self, Report, RowResult, Status};
use crate::context::Ctx;
use crate::error::CliError;
use crate::members::{check_email, is_cuid};
use crate::team_members::{self, Change, RowOutcome};
use crate::teams;
use crate::text;

use super::TeamBulkArgs;
use super::add::AddArgs;
use super::remove::{RemoveArgs, needs_force};

/// A row that passed the checks made before any request.
struct ValidRow {
    line: usize,
    team: String,
    user: String,
}

pub async fn add(args: &AddArgs, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
    if !args.users.is_empty() {
        return Err(drop_users());
    }
    let run = Run {
        change: Change::Add,
        bulk: &args.bulk,
        default_team: args.team.as_deref(),
        json: args.json,
        force: true,
    };
    run.go(source, ctx).await
}

pub async fn remove(args: &RemoveArgs, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
    if !args.users.is_empty() {
        return Err(drop_users());
    }
    if ctx.prompter.is_none() && !args.force && !args.bulk.dry_run {
        return Err(needs_force());
    }
    let run = Run {
        change: Change::Remove,
        bulk: &args.bulk,
        default_team: args.team.as_deref(),
        json: args.json,
        force: args.force,
    };
    run.go(source, ctx).await
}

fn drop_users() -> CliError {
    CliError::usage("--from-file takes the users from the file; drop the EMAIL_OR_ID arguments")
        .with_hint("a TEAM argument is used for the rows that name no Team")
}

struct Run<'a> {
    change: Change,
    bulk: &'a TeamBulkArgs,
    default_team: Option<&'a str>,
    json: bool,
    force: bool,
}

/// A row with its Team and user found.
struct Resolved<'a> {
    line: usize,
    team: &'a Team,
    user: &'a User,
}

impl Run<'_> {
    async fn go(&self, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
        let dry_run = self.bulk.dry_run;
        let change = self.change;
        let rows = report::read_rows(source, self.bulk.skip_invalid, |row| {
            let valid = self.check(row)?;
            // Every row is its own key: the same user and Team twice is only known once the
            // Teams are listed (a name and an ID can name the same Team).
            Ok((format!("line {}", row.line), valid))
        })?;
        let mut report: Report<RowOutcome> = Report::new(ctx.wants_json(self.json), &rows.lines);
        for row in rows.invalid {
            report.push(ctx, row)?;
        }
        if rows.valid.is_empty() {
            return report.finish(ctx, false);
        }

        ctx.api().await?;
        let (client, org) = ctx.resolved_api()?;
        let (teams, users) = tokio::try_join!(
            async { Ok::<_, CliError>(client.list_all_teams(org).await?) },
            async { Ok::<_, CliError>(client.list_all_users(org).await?) },
        )?;

        // Teams and users found; a row naming the same Team and user as an earlier one is
        // invalid.
        let mut settled: Vec<RowResult<RowOutcome>> = Vec::new();
        let mut invalid: Vec<RowResult<RowOutcome>> = Vec::new();
        let mut resolved: Vec<Resolved<'_>> = Vec::new();
        let mut first_line: HashMap<(&str, &str), usize> = HashMap::new();
        for row in &rows.valid {
            let user = users
                .iter()
                .find(|u| team_members::names_user(&row.user, u));
            let team = match team_members::find_listed(&teams, &row.team) {
                Ok(team) => team,
                Err(e) => {
                    let (status, message) = team_members::team_problem(&e);
                    let outcome = RowOutcome::of(None, user, &row.user, change, dry_run);
                    let result = RowResult::new(row.line, status, outcome).with_message(message);
                    if status == Status::Invalid {
                        invalid.push(result);
                    } else {
                        settled.push(result);
                    }
                    continue;
                }
            };
            let Some(user) = user else {
                settled.push(
                    RowResult::new(
                        row.line,
                        Status::NotFound,
                        RowOutcome::of(Some(team), None, &row.user, change, dry_run),
                    )
                    .with_message("no such user in the Organization"),
                );
                continue;
            };
            let outcome = RowOutcome::of(Some(team), Some(user), &row.user, change, dry_run);
            if let Some(first) = first_line.get(&(team.id.as_str(), user.id.as_str())) {
                invalid.push(
                    RowResult::new(row.line, Status::Invalid, outcome)
                        .with_message(format!("the same user and Team as line {first}")),
                );
                continue;
            }
            first_line.insert((&team.id, &user.id), row.line);
            if let Err(e) = teams::refuse_if_idp_managed(team, change.refusal()) {
                settled.push(
                    RowResult::new(row.line, Status::Failed, outcome).with_message(e.message),
                );
                continue;
            }
            resolved.push(Resolved {
                line: row.line,
                team,
                user,
            });
        }
        invalid.sort_by_key(|r| r.line);
        report::stop_on_invalid(&invalid, self.bulk.skip_invalid, source)?;

        // Each Team's members, once, the Teams at the same time.
        let mut team_ids: Vec<&str> = resolved.iter().map(|r| r.team.id.as_str()).collect();
        team_ids.sort_unstable();
        team_ids.dedup();
        let listed: HashMap<&str, Result<Vec<TeamMember>, String>> = stream::iter(team_ids)
            .map(|id| async move {
                let members = client
                    .list_team_members(org, id)
                    .await
                    .map_err(|e| e.to_string());
                (id, members)
            })
            .buffer_unordered(usize::from(self.bulk.concurrency))
            .collect()
            .await;

        let mut planned: Vec<RowResult<RowOutcome>> = Vec::new();
        for row in resolved {
            let outcome = RowOutcome::of(Some(row.team), Some(row.user), "", change, dry_run);
            let members = match &listed[row.team.id.as_str()] {
                Ok(members) => members,
                Err(message) => {
                    settled.push(
                        RowResult::new(row.line, Status::Failed, outcome)
                            .with_message(format!("cannot list the Team's members: {message}")),
                    );
                    continue;
                }
            };
            let member = members.iter().any(|m| m.user_id == row.user.id);
            let status = match (change, member) {
                (Change::Add, true) => Status::AlreadyMember,
                (Change::Add, false) => Status::WouldAdd,
                (Change::Remove, true) => Status::WouldRemove,
                (Change::Remove, false) => Status::NotMember,
            };
            let result = RowResult::new(row.line, status, outcome);
            if matches!(status, Status::WouldAdd | Status::WouldRemove) {
                planned.push(result);
            } else {
                settled.push(result);
            }
        }

        if change == Change::Remove
            && !planned.is_empty()
            && !dry_run
            && !self.force
            && let Some(prompter) = ctx.prompter.as_mut()
        {
            let teams: std::collections::HashSet<&str> = planned
                .iter()
                .filter_map(|r| r.outcome.team_id.as_deref())
                .collect();
            let question = format!(
                "Remove {} from {}?",
                text::count(planned.len(), "membership", "memberships"),
                text::count(teams.len(), "Team", "Teams")
            );
            if !prompter.confirm(&question)? {
                return Err(CliError::failure("not confirmed; nothing was sent"));
            }
        }
        let (client, org) = ctx.resolved_api()?;
        for row in invalid.into_iter().chain(settled) {
            report.push(ctx, row)?;
        }
        if dry_run {
            for row in planned {
                report.push(ctx, row)?;
            }
            return report.finish(ctx, false);
        }
        let concurrency = usize::from(self.bulk.concurrency);
        let interrupted = match change {
            Change::Add => {
                // One request per Team, in the order the Teams first appear in the file.
                let mut groups: Vec<Vec<RowResult<RowOutcome>>> = Vec::new();
                let mut group_of: HashMap<String, usize> = HashMap::new();
                for row in planned {
                    let team = row.outcome.team_id.clone().unwrap_or_default();
                    let index = *group_of.entry(team).or_insert_with(|| {
                        groups.push(Vec::new());
                        groups.len() - 1
                    });
                    groups[index].push(row);
                }
                crate::bulk::report::execute_groups(
                    ctx,
                    &mut report,
                    groups,
                    concurrency,
                    |group| add_group(client, org, group),
                )
                .await?
            }
            Change::Remove => {
                report::execute(
                    ctx,
                    &mut report,
                    planned,
                    concurrency,
                    |mut row| async move {
                        let team = row.outcome.team_id.clone().unwrap_or_default();
                        let user = row.outcome.id.clone().unwrap_or_default();
                        match client.remove_team_member(org, &team, &user).await {
                            Ok(()) => row.result = Status::Removed,
                            Err(e) => {
                                row.result = Status::Failed;
                                row.message = Some(e.to_string());
                            }
                        }
                        row
                    },
                )
                .await?
            }
        };
        report.finish(ctx, interrupted)
    }

    /// The checks made before any request: a user (email or ID) and a Team on every row.
    fn check(&self, row: &RawRow) -> Result<ValidRow, String> {
        if !is_cuid(&row.email) {
            check_email(&row.email)?;
        }
        let team = if row.team.is_empty() {
            self.default_team
                .ok_or("no Team: give a `team` column (or key), or TEAM on the command line")?
                .to_owned()
        } else {
            row.team.clone()
        };
        Ok(ValidRow {
            line: row.line,
            team,
            user: row.email.clone(),
        })
    }
}

/// One Team's additions in one AddTeamMembers; every row gets how it went.
async fn add_group(
    client: &crate::api::Client,
    org: &str,
    mut group: Vec<RowResult<RowOutcome>>,
) -> Vec<RowResult<RowOutcome>> {
    let Some(team) = group.first().and_then(|r| r.outcome.team_id.clone()) else {
        return group;
    };
    let ids: Vec<String> = group.iter().filter_map(|r| r.outcome.id.clone()).collect();
    let (status, message) = match client.add_team_members(org, &team, &ids).await {
        Ok(Added::Sent) => (Status::Added, None),
        Ok(Added::Confirmed) => (
            Status::Added,
            Some("the response was lost; confirmed in the Team's member list".to_owned()),
        ),
        Err(e) => (Status::Failed, Some(e.to_string())),
    };
    for row in &mut group {
        row.result = status;
        row.message.clone_from(&message);
    }
    group
}
