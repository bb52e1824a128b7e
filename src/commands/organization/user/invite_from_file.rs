//! `astro organization user invite --from-file FILE`: many invites at once. Rows are checked
//! first; the Organization is listed once so existing members are reported as such without a
//! request; invites go out with bounded concurrency and are never retried blindly.

use std::collections::HashMap;
use std::path::Path;

use crate::api::{InviteResult, User};
use crate::bulk::read::RawRow;
use crate::bulk::report::{self, Outcome, Report, RowResult, Status};
use crate::commands::organization::user::invite::InviteArgs;
use crate::commands::organization::user::invite::{DEFAULT_ROLE, InviteOutcome, already_has_role};
use crate::context::Ctx;
use crate::error::CliError;
use crate::members::check_email;
use crate::roles::{self, OrgRole, Role};

pub async fn run(args: &InviteArgs, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.email.is_some() {
        return Err(CliError::usage(
            "--from-file takes the emails from the file; drop EMAIL",
        ));
    }
    let default_role = args.role.unwrap_or(DEFAULT_ROLE);
    let rows = report::read_rows(source, args.bulk.skip_invalid, |row| {
        let (email, role) = validate(row, default_role)?;
        Ok((email.clone(), (row.line, email, role)))
    })?;

    let mut report: Report<InviteOutcome> = Report::new(ctx.wants_json(args.json), &rows.lines);
    for row in rows.invalid {
        report.push(ctx, row)?;
    }
    if rows.valid.is_empty() {
        return report.finish(ctx, false);
    }

    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let users = client.list_all_users(org).await?;
    let members: HashMap<String, &User> = users
        .iter()
        .map(|u| (u.username.to_lowercase(), u))
        .collect();
    let mut invites = Vec::new();
    for (line, email, role) in rows.valid {
        if let Some(member) = members.get(&email) {
            let outcome = InviteOutcome::existing(member, args.bulk.dry_run);
            let message = format!(
                "already in the Organization as {}",
                outcome.role.as_deref().unwrap_or("a member")
            );
            report.push(
                ctx,
                RowResult::new(line, Status::AlreadyMember, outcome).with_message(message),
            )?;
            continue;
        }
        let mut outcome = InviteOutcome::for_email(&email);
        outcome.role = Some(role.as_str().to_owned());
        outcome.dry_run = args.bulk.dry_run;
        let row = RowResult::new(line, Status::WouldInvite, outcome);
        if args.bulk.dry_run {
            report.push(ctx, row)?;
        } else {
            invites.push(row);
        }
    }

    let interrupted = report::execute(
        ctx,
        &mut report,
        invites,
        usize::from(args.bulk.concurrency),
        |mut row| async move {
            let role = row.outcome.role.clone().unwrap_or_default();
            match client.create_invite(org, &row.outcome.email, &role).await {
                Ok(result) => {
                    if matches!(result, InviteResult::Confirmed { .. }) {
                        row.message =
                            Some("the response was lost; confirmed in the member list".into());
                    }
                    row.outcome = row.outcome.clone().sent(result);
                    row.result = Status::Invited;
                }
                Err(e) if already_has_role(&e) => {
                    row.result = Status::AlreadyMember;
                    row.outcome.role = None;
                    row.outcome.already_member = true;
                    row.message = Some(e.to_string());
                }
                Err(e) => {
                    row.result = Status::Failed;
                    row.message = Some(e.to_string());
                }
            }
            row
        },
    )
    .await?;
    report.finish(ctx, interrupted)
}

fn validate(row: &RawRow, default_role: OrgRole) -> Result<(String, OrgRole), String> {
    check_email(&row.email)?;
    let role = if row.role.is_empty() {
        default_role
    } else {
        roles::parse::<OrgRole>(&row.role)?
    };
    Ok((row.email.to_lowercase(), role))
}
