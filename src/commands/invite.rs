//! `astro organization user invite`: invite someone to the Organization.

use serde::Serialize;

use crate::api::{InviteResult, same_email};
use crate::cli::InviteArgs;
use crate::commands::{Ctx, check_email};
use crate::error::CliError;
use crate::output;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteOutcome {
    /// Unknown when the response was lost and the invite was confirmed by listing.
    pub invite_id: Option<String>,
    pub email: String,
    pub role: String,
    pub expires_at: Option<String>,
    pub user_id: Option<String>,
}

/// What `--dry-run` reports: the invite that would be sent.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitePlan {
    pub email: String,
    pub role: String,
    pub dry_run: bool,
}

#[derive(Debug)]
pub(crate) enum Invited {
    Sent(InviteOutcome),
    Planned(InvitePlan),
}

pub async fn run(args: InviteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    match execute(&args, ctx).await? {
        Invited::Planned(plan) if ctx.wants_json(args.json) => ctx.print_json(&plan),
        Invited::Planned(plan) => output::line(&format!(
            "Would invite {} as {} (dry run: nothing sent)",
            plan.email, plan.role
        )),
        Invited::Sent(outcome) if ctx.wants_json(args.json) => ctx.print_json(&outcome),
        Invited::Sent(outcome) => match &outcome.expires_at {
            Some(expiry) => output::line(&format!(
                "Invited {} as {}; the invite expires {expiry}",
                outcome.email, outcome.role
            )),
            None => output::line(&format!(
                "Invited {} as {} (the response was lost; the invite was confirmed in the member list)",
                outcome.email, outcome.role
            )),
        },
    }
}

pub(crate) async fn execute(args: &InviteArgs, ctx: &mut Ctx) -> Result<Invited, CliError> {
    let email = match (&args.email, ctx.prompter.as_mut()) {
        (Some(email), _) => {
            let email = email.trim();
            check_email(email).map_err(CliError::usage)?;
            email.to_lowercase()
        }
        (None, Some(prompter)) => prompter
            .input("Email address to invite", &check_email)?
            .to_lowercase(),
        (None, None) => {
            return Err(CliError::missing(
                "the email address to invite",
                "it as the EMAIL argument",
            ));
        }
    };
    let role = args.role.as_str();
    let (client, org) = ctx.api().await?;
    let member_hint = || {
        format!(
            "`{email}` is already a member; to change their role run `astro organization user update {email} --role {role}`"
        )
    };
    if args.bulk.dry_run {
        let members = client.list_all_users(org).await?;
        if members.iter().any(|u| same_email(&u.username, &email)) {
            return Err(CliError::failure(format!(
                "`{email}` is already in the Organization (dry run: nothing sent)"
            ))
            .with_hint(member_hint()));
        }
        return Ok(Invited::Planned(InvitePlan {
            email,
            role: role.to_owned(),
            dry_run: true,
        }));
    }
    let invite = client.create_invite(org, &email, role).await.map_err(|e| {
        let existing = e.status() == Some(400) && e.to_string().contains("existing role");
        let err = CliError::from(e);
        if existing {
            err.with_hint(member_hint())
        } else {
            err
        }
    })?;
    let (invite_id, expires_at, user_id) = match invite {
        InviteResult::Created(invite) => (
            Some(invite.invite_id),
            Some(invite.expires_at),
            invite.user_id,
        ),
        InviteResult::Confirmed { user_id } => (None, None, Some(user_id)),
    };
    Ok(Invited::Sent(InviteOutcome {
        invite_id,
        email,
        role: role.to_owned(),
        expires_at,
        user_id,
    }))
}

#[cfg(test)]
mod tests {
    use astro_emulator::Emulator;
    use reqwest::Url;

    use super::*;
    use crate::api::Client;
    use crate::prompt::scripted::{Answer, ScriptedPrompter};
    use crate::roles::OrgRole;
    use crate::secret::Token;

    fn ctx(emu: &astro_emulator::EmulatorHandle, answers: Vec<Answer>) -> Ctx {
        let client = Client::new(
            Url::parse(&emu.base_url()).unwrap(),
            &Token::new(&emu.token()).unwrap(),
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        Ctx::for_test(
            client,
            &emu.organization_id(),
            Some(Box::new(ScriptedPrompter::new(answers))),
        )
    }

    fn args() -> InviteArgs {
        InviteArgs {
            email: None,
            role: OrgRole::OrganizationMember,
            json: false,
            bulk: Default::default(),
        }
    }

    #[tokio::test]
    async fn prompted_email_is_lower_cased_and_invited() {
        let emu = Emulator::builder().spawn().unwrap();
        let mut ctx = ctx(&emu, vec![Answer::Text("Lin@Example.com")]);
        let Invited::Sent(outcome) = execute(&args(), &mut ctx).await.unwrap() else {
            panic!("expected a sent invite");
        };
        assert_eq!(outcome.email, "lin@example.com");
        assert_eq!(emu.user("lin@example.com").unwrap().status, "PENDING");
    }

    #[tokio::test]
    async fn prompted_email_that_fails_validation_sends_nothing() {
        let emu = Emulator::builder().spawn().unwrap();
        let mut ctx = ctx(&emu, vec![Answer::Text("not-an-email")]);
        let err = execute(&args(), &mut ctx).await.unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(emu.requests().is_empty());
    }
}
