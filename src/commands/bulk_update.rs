//! `astro organization user update --from-file FILE`: many role changes at once. Every row is
//! checked before anything is sent; the Organization is listed once; rows already at their
//! role are skipped without a request; changes go out with bounded concurrency.

use std::collections::HashMap;
use std::path::Path;

use clap::ValueEnum;

use crate::api::User;
use crate::bulk::RawRow;
use crate::cli::UpdateArgs;
use crate::commands::batch::{self, Report, RowResult, Status};
use crate::commands::{Ctx, check_email, is_cuid};
use crate::error::{CliError, echo};
use crate::roles::OrgRole;

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
    let (valid, invalid) = batch::read_rows(source, args.bulk.skip_invalid, validate)?;

    let mut report = Report::new(ctx.wants_json(args.json));
    for row in invalid {
        report.push(ctx, row)?;
    }
    if valid.is_empty() {
        return report.finish(false);
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
    for row in valid {
        match by_key.get(&row.key) {
            Some(user) => match first_line_of.get(user.id.as_str()) {
                Some(first) => same_user.push(
                    RowResult::new(row.line, &row.key, Status::Invalid)
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
    batch::stop_on_invalid(&same_user, args.bulk.skip_invalid, source)?;
    for row in same_user {
        report.push(ctx, row)?;
    }

    let mut changes = Vec::new();
    for (row, user) in resolved {
        let role = row.role.as_str();
        let Some(user) = user else {
            report.push(
                ctx,
                RowResult::new(row.line, &row.key, Status::NotFound)
                    .with_message("no such user in the Organization"),
            )?;
            continue;
        };
        let mut result = RowResult::new(row.line, &user.username, Status::Unchanged);
        result.id = Some(user.id.clone());
        result.previous_role = user.organization_role.clone();
        result.role = Some(role.to_owned());
        if user.organization_role.as_deref() == Some(role) {
            report.push(ctx, result)?;
        } else if args.bulk.dry_run {
            result.result = Status::WouldChange;
            report.push(ctx, result)?;
        } else {
            changes.push(result);
        }
    }

    let interrupted = batch::execute(
        ctx,
        &mut report,
        changes,
        usize::from(args.bulk.concurrency),
        |mut row| async move {
            let id = row.id.clone().unwrap_or_default();
            let role = row.role.clone().unwrap_or_default();
            match client.update_organization_role(org, &id, &role).await {
                Ok(_) => row.result = Status::Changed,
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
    let role = OrgRole::from_str(&row.role, true).map_err(|_| {
        format!(
            "unknown role `{}` (valid: {})",
            echo(&row.role),
            OrgRole::all()
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let valid = ValidRow {
        line: row.line,
        key: key.clone(),
        role,
    };
    Ok((key, valid))
}
