//! `astro organization user invite cancel INVITE_ID`: cancel an invite (DeleteUserInvite) that
//! has not been accepted, after asking (unless `--force`). The API cannot list invites or find
//! one from its invitee, so the invite is named by the `inviteId` that `invite --json` printed.
//! An email is refused before any request; an ID that GetUser knows is a user's (a PENDING
//! member's user ID is not their invite's ID) is refused before anything is deleted.

use serde::Serialize;

use crate::api::User;
use crate::cli::{Changes, Hides, NoHeaders, Takes, id_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members::describe;
use crate::output;

/// Where an invite's ID comes from, for hints.
const WHERE_THE_ID_IS: &str = "an invite's ID is the `inviteId` that `astro organization user \
                               invite EMAIL --json` printed when the invite was sent";

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The API has no way to list invites or to find an invite from the invitee: a \
                  PENDING member's user ID (in `astro organization user list`) is not the \
                  invite's ID. The ID is the `inviteId` that `astro organization user invite \
                  EMAIL --json` printed. Cancelling removes the invite and its PENDING member.\n\n\
                  Examples:\n  astro organization user invite cancel clsh1b2nc000008l63ucz4fjh\n  \
                  astro org us inv cancel clsh1b2nc000008l63ucz4fjh --force --json"
)]
pub struct CancelArgs {
    /// The invite's ID (the `inviteId` that `invite --json` printed)
    #[arg(value_name = "INVITE_ID", value_parser = id_value)]
    pub invite_id: String,

    /// Cancel without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Check that the ID is no email or user ID and send no change (the API cannot read an
    /// invite, so whether it is still open is not known)
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,

    /// `invite` takes --no-headers; its `cancel` prints no table.
    #[command(flatten)]
    pub hides: Hides<NoHeaders>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CancelOutcome<'a> {
    invite_id: &'a str,
    cancelled: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

/// An email where an invite ID is expected: exit 2, nothing sent.
fn refuse_email(given: &str) -> Result<(), CliError> {
    if !given.contains('@') {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "`{}` is an email address, and an invite is cancelled by its ID: the API cannot find \
         an invite from the invitee",
        echo(given)
    ))
    .with_hint(WHERE_THE_ID_IS))
}

/// A user's ID where an invite ID is expected: exit 2, nothing deleted.
fn refuse_user(given: &str, user: &User) -> CliError {
    let who = if user.status == "PENDING" {
        format!("{}, invited and PENDING", describe(user))
    } else {
        format!("{}, a member of the Organization", describe(user))
    };
    CliError::usage(format!(
        "`{}` is the user ID of {who}, not an invite ID: a PENDING member's user ID is not \
         their invite's ID, and the API cannot find an invite from the invitee",
        echo(given)
    ))
    .with_hint(WHERE_THE_ID_IS)
}

pub async fn run(args: CancelArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let id = args.invite_id.as_str();
    refuse_email(id)?;
    confirm::can_confirm(ctx, args.force, args.dry_run, "cancelling an invite")?;
    let (client, org) = ctx.api().await?;
    // One read so that a user's ID is never sent to DeleteUserInvite. A token that may not
    // read users (403) cannot tell: the ID goes as given.
    match client.get_user(org, id).await {
        Ok(user) => return Err(refuse_user(id, &user)),
        Err(e) if matches!(e.status(), Some(404 | 403)) => {}
        Err(e) => return Err(e.into()),
    }
    let mut outcome = CancelOutcome {
        invite_id: id,
        cancelled: false,
        dry_run: args.dry_run,
    };
    if !args.dry_run {
        confirm::ask(
            ctx,
            args.force,
            &format!("Cancel invite {id}? The invitee can no longer accept it."),
        )?;
        let (client, org) = ctx.api().await?;
        client.delete_invite(org, id).await.map_err(|e| {
            if e.status() == Some(404) {
                CliError::not_found(format!(
                    "no open invite `{}` in the Organization: it was accepted, cancelled or \
                     has expired, or the ID is mistyped",
                    echo(id)
                ))
                .with_hint(WHERE_THE_ID_IS)
            } else {
                e.into()
            }
        })?;
        outcome.cancelled = true;
    }
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    output::line(&if outcome.cancelled {
        format!("Cancelled invite {id}; the invitee can no longer accept it")
    } else {
        format!("Would cancel invite {id} (dry run: nothing sent)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_refused_naming_where_the_id_is() {
        let err = refuse_email("lin@example.com").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.message
                .contains("cannot find an invite from the invitee")
        );
        assert!(err.hint.unwrap().contains("--json"));
        assert!(refuse_email("clsh1b2nc000008l63ucz4fjh").is_ok());
    }
}
