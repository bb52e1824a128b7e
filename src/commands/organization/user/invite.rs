//! `astro organization user invite`: invite someone to the Organization.

use serde::Serialize;

use crate::api::{ApiError, InviteResult, User, same_email};
use crate::bulk::report::Outcome;
use crate::cli::{BulkArgs, Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::members::check_email;
use crate::output;
use crate::roles::RoleParser;
use crate::roles::{OrgRole, Role};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Keep the `inviteId` that --json prints: it is what `invite cancel` takes (the \
                  API cannot find an invite from the invitee).\n\n\
                  Examples:\n  astro organization user invite new.hire@example.com --role ORGANIZATION_MEMBER\n  \
                  astro organization user invite cancel clsh1b2nc000008l63ucz4fjh"
)]
pub struct InviteArgs {
    /// The email address to invite; prompted for when missing
    #[arg(value_name = "EMAIL")]
    pub email: Option<String>,

    /// The Organization role to give (any case, or a short name such as `member`); with
    /// --from-file, for rows that give none. On a terminal it is asked for, starting on the
    /// default [default: ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

/// The result of one invite (also each row of a bulk invite). Inviting someone who is already
/// a member sends nothing and is a success: `changed` is false, `role` is the role they hold.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InviteOutcome {
    /// Unknown when nothing was sent, or the response was lost and the invite was confirmed
    /// by listing.
    pub invite_id: Option<String>,
    pub email: String,
    pub role: Option<String>,
    pub expires_at: Option<String>,
    pub user_id: Option<String>,
    pub changed: bool,
    /// The invitee is already in the Organization (any status): nothing is sent.
    pub already_member: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl InviteOutcome {
    fn planned(email: &str, role: &str, dry_run: bool) -> Self {
        Self {
            invite_id: None,
            email: email.to_owned(),
            role: Some(role.to_owned()),
            expires_at: None,
            user_id: None,
            changed: false,
            already_member: false,
            dry_run,
        }
    }

    /// `member` is already in the Organization: nothing to send.
    pub fn existing(member: &User, dry_run: bool) -> Self {
        Self {
            invite_id: None,
            email: member.username.clone(),
            role: member.organization_role.clone(),
            expires_at: None,
            user_id: Some(member.id.clone()),
            changed: false,
            already_member: true,
            dry_run,
        }
    }

    /// Fills in what the server said about the invite it took.
    pub fn sent(mut self, result: InviteResult) -> Self {
        match result {
            InviteResult::Created(invite) => {
                self.invite_id = Some(invite.invite_id);
                self.expires_at = Some(invite.expires_at);
                self.user_id = invite.user_id;
            }
            InviteResult::Confirmed { user_id } => self.user_id = Some(user_id),
        }
        self.changed = true;
        self
    }
}

impl Outcome for InviteOutcome {
    fn for_email(email: &str) -> Self {
        Self {
            invite_id: None,
            email: email.to_owned(),
            role: None,
            expires_at: None,
            user_id: None,
            changed: false,
            already_member: false,
            dry_run: false,
        }
    }

    fn email(&self) -> &str {
        &self.email
    }

    fn before(&self) -> Option<&str> {
        None
    }

    fn after(&self) -> Option<&str> {
        self.role.as_deref()
    }
}

/// Whether a failed invite was refused because the invitee already has a role (someone
/// invited them between our listing and our invite).
pub fn already_has_role(err: &ApiError) -> bool {
    err.status() == Some(400) && err.to_string().contains("existing role")
}

pub async fn run(args: InviteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let (outcome, requested) = execute(&args, ctx).await?;
    let role = outcome.role.as_deref().unwrap_or("an unknown role");
    if outcome.already_member && outcome.role.as_deref() != Some(requested) {
        output::note(&format!(
            "hint: to change their role run `astro organization user update {} --role {requested}`",
            outcome.email
        ));
    }
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let email = &outcome.email;
    if outcome.already_member {
        return output::line(&format!(
            "{email} is already a member of the Organization ({role}); nothing sent"
        ));
    }
    if outcome.dry_run {
        return output::line(&format!(
            "Would invite {email} as {role} (dry run: nothing sent)"
        ));
    }
    match &outcome.expires_at {
        Some(expiry) => output::line(&format!(
            "Invited {email} as {role}; the invite expires {expiry}"
        )),
        None => output::line(&format!(
            "Invited {email} as {role} (the response was lost; the invite was confirmed in the member list)"
        )),
    }
}

/// Invites one person; returns the outcome and the role that was asked for.
pub(crate) async fn execute(
    args: &InviteArgs,
    ctx: &mut Ctx,
) -> Result<(InviteOutcome, &'static str), CliError> {
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
    let role = match (args.role, ctx.prompter.as_mut()) {
        (Some(role), _) => role,
        (None, Some(prompter)) => {
            let items: Vec<String> = OrgRole::all()
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect();
            let default = OrgRole::all()
                .iter()
                .position(|r| *r == DEFAULT_ROLE)
                .unwrap_or(0);
            OrgRole::all()
                [prompter.select(&format!("Organization role for {email}"), &items, default)?]
        }
        (None, None) => DEFAULT_ROLE,
    };
    let role = role.as_str();
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Checking the Organization's members…");
    let members = client.list_all_users(org).await?;
    drop(spinner);
    if let Some(member) = members.iter().find(|u| same_email(&u.username, &email)) {
        return Ok((InviteOutcome::existing(member, args.bulk.dry_run), role));
    }
    let planned = InviteOutcome::planned(&email, role, args.bulk.dry_run);
    if args.bulk.dry_run {
        return Ok((planned, role));
    }
    match client.create_invite(org, &email, role).await {
        Ok(result) => Ok((planned.sent(result), role)),
        Err(e) if already_has_role(&e) => {
            let mut outcome = InviteOutcome::for_email(&email);
            outcome.already_member = true;
            output::note(&format!(
                "note: the server says `{email}` already has a role: {e}"
            ));
            Ok((outcome, role))
        }
        Err(e) => Err(e.into()),
    }
}

/// The role an invite gives when none is chosen.
pub const DEFAULT_ROLE: OrgRole = OrgRole::OrganizationMember;

#[cfg(test)]
mod tests {
    use astro_emulator::Emulator;
    use reqwest::Url;

    use super::*;
    use crate::api::Client;
    use crate::prompt::scripted::{Answer, ScriptedPrompter};
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
            role: Some(OrgRole::OrganizationMember),
            json: false,
            bulk: Default::default(),
            globals: Default::default(),
        }
    }

    #[tokio::test]
    async fn prompted_email_is_lower_cased_and_invited() {
        let emu = Emulator::builder().spawn().unwrap();
        let mut ctx = ctx(&emu, vec![Answer::Text("Lin@Example.com")]);
        let (outcome, _) = execute(&args(), &mut ctx).await.unwrap();
        assert!(outcome.changed);
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
