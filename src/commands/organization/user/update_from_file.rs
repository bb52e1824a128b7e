//! `astro organization user update --from-file FILE`: many role changes at once. Every row is
//! checked before anything is sent; the Organization is listed once; rows already at their
//! role are skipped without a request; changes go out with bounded concurrency.

use std::collections::HashMap;
use std::path::Path;

use crate::api::User;
use crate::bulk::read::RawRow;
use crate::bulk::report::{self, Report, RowResult, Status};
use crate::commands::organization::user::update::UpdateArgs;
use crate::commands::organization::user::update::UpdateOutcome;
use crate::context::Ctx;
use crate::error::CliError;
use crate::guard;
use crate::members::{check_email, is_cuid};
use crate::roles::{self, OrgRole, Role};

struct ValidRow {
    line: usize,
    key: String,
    role: OrgRole,
}

pub async fn run(args: &UpdateArgs, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.user.is_some() || args.role.is_some() {
        return Err(CliError::usage(
            "--from-file takes the users and roles from the file; drop EMAIL_OR_ID and --role",
        ));
    }
    let rows = report::read_rows(source, args.bulk.skip_invalid, validate)?;

    let mut report: Report<UpdateOutcome> = Report::new(ctx.wants_json(args.json), &rows.lines);
    for row in rows.invalid {
        report.push(ctx, row)?;
    }
    if rows.valid.is_empty() {
        return report.finish(ctx, false);
    }

    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let users = client.list_all_users(org).await?;
    let by_key: HashMap<String, &User> = users
        .iter()
        .flat_map(|u| [(u.username.to_lowercase(), u), (u.id.clone(), u)])
        .collect();

    // A user named once by ID and once by email is only seen to be the same user now.
    let mut first_line_of: HashMap<&str, usize> = HashMap::new();
    let mut same_user = Vec::new();
    let mut resolved = Vec::new();
    for row in rows.valid {
        match by_key.get(&row.key) {
            Some(user) => match first_line_of.get(user.id.as_str()) {
                Some(first) => same_user.push(
                    RowResult::about(row.line, &row.key, Status::Invalid)
                        .with_message(format!("the same user as line {first}")),
                ),
                None => {
                    first_line_of.insert(&user.id, row.line);
                    resolved.push((row, Some(*user)));
                }
            },
            None => resolved.push((row, None)),
        }
    }
    report::stop_on_invalid(&same_user, args.bulk.skip_invalid, source)?;

    let mut settled = same_user;
    let mut changes = Vec::new();
    for (row, user) in resolved {
        let role = row.role.as_str();
        let Some(user) = user else {
            settled.push(
                RowResult::about(row.line, &row.key, Status::NotFound)
                    .with_message("no such user in the Organization"),
            );
            continue;
        };
        let outcome = UpdateOutcome::planned(user, role, args.bulk.dry_run);
        if user.organization_role.as_deref() == Some(role) {
            settled.push(RowResult::new(row.line, Status::Unchanged, outcome));
        } else {
            changes.push((user, RowResult::new(row.line, Status::WouldChange, outcome)));
        }
    }

    // Demoting yourself or the last Organization Owner is asked about once, for the whole run.
    let planned: Vec<(&User, &str)> = changes
        .iter()
        .map(|(u, r)| (*u, r.outcome.role.as_deref().unwrap_or_default()))
        .collect();
    let any_owner_leaves = planned.iter().any(|(u, r)| guard::may_need_guard(u, r));
    let me = if any_owner_leaves && !args.force {
        guard::current_user_id(ctx).await?
    } else {
        None
    };
    let risks = guard::risks(&users, &planned, me.as_deref());
    guard::confirm(ctx, &risks, args.force, args.bulk.dry_run)?;
    // Unless the user accepted the risk, demotions of Owners wait for this run's promotions to
    // Owner, and are held back if those failed and no ACTIVE Owner would be left.
    let recheck = !args.force && risks.is_empty() && any_owner_leaves;
    let (client, org) = ctx.resolved_api()?;
    for row in settled {
        report.push(ctx, row)?;
    }
    if args.bulk.dry_run {
        for (_, row) in changes {
            report.push(ctx, row)?;
        }
        return report.finish(ctx, false);
    }
    let (promotions, others): (Vec<_>, Vec<_>) = changes
        .into_iter()
        .partition(|(_, r)| guard::is_owner_role(r.outcome.role.as_deref().unwrap_or_default()));
    let apply = |mut row: RowResult<UpdateOutcome>| async move {
        let id = row.outcome.id.clone().unwrap_or_default();
        let role = row.outcome.role.clone().unwrap_or_default();
        match client.update_organization_role(org, &id, &role).await {
            Ok(roles) => {
                row.result = Status::Changed;
                row.outcome.changed = true;
                if let Some(applied) = roles.organization_role {
                    row.outcome.role = Some(applied);
                }
            }
            Err(e) => {
                row.result = Status::Failed;
                row.message = Some(e.to_string());
            }
        }
        row
    };
    let concurrency = usize::from(args.bulk.concurrency);
    let promoted: Vec<(usize, String)> = promotions
        .iter()
        .map(|(u, r)| (r.line, u.id.clone()))
        .collect();
    let promotions: Vec<RowResult<UpdateOutcome>> =
        promotions.into_iter().map(|(_, r)| r).collect();
    if promotions.is_empty() || !recheck {
        let all = promotions
            .into_iter()
            .chain(others.into_iter().map(|(_, r)| r))
            .collect();
        let interrupted = report::execute(ctx, &mut report, all, concurrency, apply).await?;
        return report.finish(ctx, interrupted);
    }
    let interrupted = report::execute(ctx, &mut report, promotions, concurrency, apply).await?;
    if interrupted {
        for (_, mut row) in others {
            row.result = Status::Skipped;
            report.push(ctx, row)?;
        }
        return report.finish(ctx, true);
    }
    // The members as they are now: only the promotions that succeeded happened.
    let now: Vec<User> = users
        .iter()
        .map(|u| {
            let mut u = u.clone();
            if promoted
                .iter()
                .any(|(line, id)| *id == u.id && report.status_of(*line) == Some(Status::Changed))
            {
                u.organization_role = Some("ORGANIZATION_OWNER".to_owned());
            }
            u
        })
        .collect();
    let remaining: Vec<(&User, &str)> = others
        .iter()
        .map(|(u, r)| (*u, r.outcome.role.as_deref().unwrap_or_default()))
        .collect();
    let held_back = !guard::risks(&now, &remaining, None).is_empty();
    let mut to_send = Vec::new();
    for (user, mut row) in others {
        let role = row.outcome.role.as_deref().unwrap_or_default();
        if held_back && guard::may_need_guard(user, role) {
            row.result = Status::Failed;
            row.message = Some(
                "not sent: a promotion to ORGANIZATION_OWNER in this file failed, and this change would leave no ACTIVE owner"
                    .into(),
            );
            report.push(ctx, row)?;
        } else {
            to_send.push(row);
        }
    }
    let interrupted = report::execute(ctx, &mut report, to_send, concurrency, apply).await?;
    report.finish(ctx, interrupted)
}

fn validate(row: &RawRow) -> Result<(String, ValidRow), String> {
    let key = if is_cuid(&row.email) {
        row.email.clone()
    } else {
        check_email(&row.email)?;
        row.email.to_lowercase()
    };
    if row.role.is_empty() {
        return Err("no role given".into());
    }
    let role = roles::parse::<OrgRole>(&row.role)?;
    let valid = ValidRow {
        line: row.line,
        key: key.clone(),
        role,
    };
    Ok((key, valid))
}
