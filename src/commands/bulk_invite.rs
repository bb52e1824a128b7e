//! `astro organization user invite --from-file FILE`: many invites at once. Rows are checked
//! first; the Organization is listed once so existing members are reported as such without a
//! request; invites go out with bounded concurrency and are never retried blindly.

use std::collections::HashSet;
use std::path::Path;

use clap::ValueEnum;

use crate::api::InviteResult;
use crate::bulk::RawRow;
use crate::cli::InviteArgs;
use crate::commands::batch::{self, Report, RowResult, Status};
use crate::commands::{Ctx, check_email};
use crate::error::{CliError, echo};
use crate::roles::OrgRole;

pub async fn run(args: &InviteArgs, source: &Path, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.email.is_some() {
        return Err(CliError::usage(
            "--from-file takes the emails from the file; drop EMAIL",
        ));
    }
    let (valid, invalid) = batch::read_rows(source, args.bulk.skip_invalid, |row| {
        let (email, role) = validate(row, args.role)?;
        Ok((email.clone(), (row.line, email, role)))
    })?;

    let mut report = Report::new(ctx.wants_json(args.json));
    for row in invalid {
        report.push(ctx, row)?;
    }
    if valid.is_empty() {
        return report.finish(false);
    }

    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let members: HashSet<String> = client
        .list_all_users(org)
        .await?
        .into_iter()
        .map(|u| u.username.to_lowercase())
        .collect();
    let mut invites = Vec::new();
    for (line, email, role) in valid {
        let mut result = RowResult::new(line, &email, Status::WouldInvite);
        result.role = Some(role.as_str().to_owned());
        if members.contains(&email) {
            result.result = Status::AlreadyMember;
            report.push(
                ctx,
                result.with_message("already in the Organization; use `update` to change the role"),
            )?;
        } else if args.bulk.dry_run {
            report.push(ctx, result)?;
        } else {
            invites.push(result);
        }
    }

    let interrupted = batch::execute(
        ctx,
        &mut report,
        invites,
        usize::from(args.bulk.concurrency),
        |mut row| async move {
            let role = row.role.clone().unwrap_or_default();
            match client.create_invite(org, &row.email, &role).await {
                Ok(InviteResult::Created(invite)) => {
                    row.result = Status::Invited;
                    row.id = invite.user_id;
                }
                Ok(InviteResult::Confirmed { user_id }) => {
                    row.result = Status::Invited;
                    row.id = Some(user_id);
                    row.message =
                        Some("the response was lost; confirmed in the member list".into());
                }
                Err(e) if e.status() == Some(400) && e.to_string().contains("existing role") => {
                    row.result = Status::AlreadyMember;
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
    report.finish(interrupted)
}

fn validate(row: &RawRow, default_role: OrgRole) -> Result<(String, OrgRole), String> {
    check_email(&row.email)?;
    let role = if row.role.is_empty() {
        default_role
    } else {
        OrgRole::from_str(&row.role, true)
            .map_err(|_| format!("unknown role `{}`", echo(&row.role)))?
    };
    Ok((row.email.to_lowercase(), role))
}
