//! `astro organization user update`: change one member's Organization role.

use serde::Serialize;

use crate::api::User;
use crate::bulk::report::Outcome;
use crate::cli::{BulkArgs, Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::guard;
use crate::members::{self, check_email, describe, is_cuid};
use crate::output;
use crate::roles::RoleParser;
use crate::roles::{OrgRole, Role};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization user update grace@example.com --role ORGANIZATION_OWNER\n  \
                        astro org user up --no-input --json cm1abc… -r organization_member"
)]
pub struct UpdateArgs {
    /// The user's email address (any case) or user ID; prompted for when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The new Organization role (any case, or a short name such as `owner`); prompted for
    /// when missing [possible values: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN,
    /// ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    /// Change the role even when it demotes yourself or the last Organization Owner (asked on a
    /// terminal otherwise)
    #[arg(short, long)]
    pub force: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

/// The result of changing one user's Organization role (also each row of a bulk update).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    pub id: Option<String>,
    pub email: String,
    pub full_name: Option<String>,
    pub previous_role: Option<String>,
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl UpdateOutcome {
    /// The outcome before anything is sent: `user` moving to `role`.
    pub fn planned(user: &User, role: &str, dry_run: bool) -> Self {
        Self {
            id: Some(user.id.clone()),
            email: user.username.clone(),
            full_name: Some(user.full_name.clone()),
            previous_role: user.organization_role.clone(),
            role: Some(role.to_owned()),
            changed: false,
            dry_run,
        }
    }
}

impl Outcome for UpdateOutcome {
    fn for_email(email: &str) -> Self {
        Self {
            id: None,
            email: email.to_owned(),
            full_name: None,
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
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let outcome = execute(&args, ctx).await?;
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let who = match outcome.full_name.as_deref() {
        None | Some("") => outcome.email.clone(),
        Some(name) => format!("{} ({name})", outcome.email),
    };
    let previous = outcome.previous_role.as_deref().unwrap_or("no role");
    let role = outcome.role.as_deref().unwrap_or_default();
    if outcome.dry_run && outcome.previous_role.as_deref() != Some(role) {
        output::line(&format!(
            "Would update {who}: {previous} -> {role} (dry run: nothing sent)"
        ))
    } else if outcome.changed {
        output::line(&format!("Updated {who}: {previous} -> {role}"))
    } else {
        output::line(&format!(
            "{who} already has the role {role}; nothing changed"
        ))
    }
}

pub(crate) async fn execute(args: &UpdateArgs, ctx: &mut Ctx) -> Result<UpdateOutcome, CliError> {
    // Everything that can be known without the network is checked first.
    if let Some(user) = &args.user
        && !is_cuid(user)
    {
        check_email(user).map_err(|e| {
            CliError::usage(e)
                .with_hint("pass the user's email address or their 25-character user ID")
        })?;
    }
    if ctx.prompter.is_none() {
        if args.user.is_none() {
            return Err(CliError::missing(
                "the user's email or ID",
                "it as the EMAIL_OR_ID argument",
            ));
        }
        if args.role.is_none() {
            return Err(CliError::missing("the new role", "--role ROLE"));
        }
    }

    let (user, members) = find_user(args.user.as_deref(), ctx).await?;
    let role = match args.role {
        Some(role) => role,
        None => ask_role(&user, ctx)?,
    };
    let mut outcome = UpdateOutcome::planned(&user, role.as_str(), args.bulk.dry_run);
    if outcome.previous_role.as_deref() == Some(role.as_str()) {
        return Ok(outcome);
    }
    check_lockout(
        ctx,
        &user,
        role.as_str(),
        members,
        args.force,
        args.bulk.dry_run,
    )
    .await?;
    if args.bulk.dry_run {
        return Ok(outcome);
    }
    let (client, org) = ctx.api().await?;
    let roles = client
        .update_organization_role(org, &user.id, role.as_str())
        .await?;
    outcome.role = Some(
        roles
            .organization_role
            .unwrap_or_else(|| role.as_str().to_owned()),
    );
    outcome.changed = true;
    Ok(outcome)
}

/// Asks before (or, off a terminal, refuses without `--force`) demoting yourself or the last
/// ACTIVE Organization Owner. The lookups it needs are made only when the change could be one.
async fn check_lockout(
    ctx: &mut Ctx,
    user: &User,
    role: &str,
    members: Option<Vec<User>>,
    force: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    if force || !guard::may_need_guard(user, role) {
        return Ok(());
    }
    let me = guard::current_user_id(ctx).await?;
    let members = match members {
        Some(members) => members,
        None => {
            let (client, org) = ctx.api().await?;
            client.list_all_users(org).await?
        }
    };
    let risks = guard::risks(&members, &[(user, role)], me.as_deref());
    guard::confirm(ctx, &risks, force, dry_run)
}

/// The user named by `arg`, or picked from the members on a terminal; with the member list
/// when it was read.
async fn find_user(
    arg: Option<&str>,
    ctx: &mut Ctx,
) -> Result<(User, Option<Vec<User>>), CliError> {
    let (client, org) = ctx.api().await?;
    if let Some(arg) = arg {
        return members::find(client, org, arg).await;
    }
    let spinner = output::Spinner::start("Listing the Organization's members…");
    let users = client.list_all_users(org).await?;
    drop(spinner);
    if users.is_empty() {
        return Err(CliError::not_found(format!(
            "Organization `{org}` has no users"
        )));
    }
    let rows = members::rows(&users, |u| u.organization_role.as_deref());
    let prompter = ctx.prompter.as_mut().expect("checked by execute");
    let index = prompter.pick(&members::pick_list("User", &rows))?;
    let user = users[index].clone();
    Ok((user, Some(users)))
}

fn ask_role(user: &User, ctx: &mut Ctx) -> Result<OrgRole, CliError> {
    let current = user.organization_role.as_deref();
    let items: Vec<String> = OrgRole::all()
        .iter()
        .map(|r| {
            if Some(r.as_str()) == current {
                format!("{} (current)", r.as_str())
            } else {
                r.as_str().to_owned()
            }
        })
        .collect();
    let default = OrgRole::all()
        .iter()
        .position(|r| Some(r.as_str()) == current)
        .unwrap_or(0);
    let prompter = ctx.prompter.as_mut().expect("checked by execute");
    let index = prompter.select(
        &format!("New Organization role for {}", describe(user)),
        &items,
        default,
    )?;
    Ok(OrgRole::all()[index])
}

#[cfg(test)]
mod tests {
    use astro_emulator::{Emulator, EmulatorHandle};
    use reqwest::Url;

    use super::*;
    use crate::api::Client;
    use crate::prompt::Prompter;
    use crate::prompt::scripted::{Answer, Asked, ScriptedPrompter};
    use crate::secret::Token;

    fn ctx_with(emu: &EmulatorHandle, answers: Vec<Answer>) -> (Ctx, Asked) {
        let client = Client::new(
            Url::parse(&emu.base_url()).unwrap(),
            &Token::new(&emu.token()).unwrap(),
            std::time::Duration::from_secs(10),
        )
        .unwrap();
        let scripted = ScriptedPrompter::new(answers);
        let asked = scripted.asked.clone();
        let prompter: Box<dyn Prompter> = Box::new(scripted);
        (
            Ctx::for_test(client, &emu.organization_id(), Some(prompter)),
            asked,
        )
    }

    fn args(user: Option<&str>, role: Option<OrgRole>) -> UpdateArgs {
        UpdateArgs {
            user: user.map(str::to_owned),
            role,
            json: false,
            force: false,
            bulk: Default::default(),
            globals: Default::default(),
        }
    }

    #[tokio::test]
    async fn missing_role_offers_all_five_with_the_current_one_marked() {
        let emu = Emulator::builder().spawn().unwrap();
        let (mut ctx, asked) = ctx_with(&emu, vec![Answer::Choose("ORGANIZATION_OBSERVE_MEMBER")]);
        let outcome = execute(&args(Some("grace@example.com"), None), &mut ctx)
            .await
            .unwrap();
        assert!(outcome.changed);
        assert_eq!(outcome.role.as_deref(), Some("ORGANIZATION_OBSERVE_MEMBER"));
        assert_eq!(
            outcome.previous_role.as_deref(),
            Some("ORGANIZATION_MEMBER")
        );
        let asked = asked.borrow();
        assert_eq!(asked.len(), 1);
        let (prompt, items) = &asked[0];
        assert!(prompt.contains("grace@example.com (Grace Hopper)"));
        assert_eq!(items.len(), 5);
        assert_eq!(items.iter().filter(|i| i.ends_with("(current)")).count(), 1);
        assert!(items.contains(&"ORGANIZATION_MEMBER (current)".to_owned()));
    }

    #[tokio::test]
    async fn missing_email_offers_every_member_then_the_role() {
        let emu = Emulator::builder().spawn().unwrap();
        let (mut ctx, asked) = ctx_with(
            &emu,
            vec![
                Answer::Choose("alan@"),
                Answer::Choose("ORGANIZATION_OWNER"),
            ],
        );
        let outcome = execute(&args(None, None), &mut ctx).await.unwrap();
        assert_eq!(outcome.email, "alan@example.com");
        assert_eq!(outcome.role.as_deref(), Some("ORGANIZATION_OWNER"));
        let asked = asked.borrow();
        assert_eq!(asked.len(), 2);
        let members = &asked[0].1;
        assert_eq!(members.len(), 6);
        assert!(members.iter().any(|m| m.contains("barbara@example.com")
            && m.contains("Barbara Liskov")
            && m.contains("ORGANIZATION_MEMBER")
            && m.contains("PENDING")));
        assert_eq!(
            emu.user("alan@example.com")
                .unwrap()
                .organization_role
                .as_deref(),
            Some("ORGANIZATION_OWNER")
        );
    }

    #[tokio::test]
    async fn choosing_the_current_role_sends_nothing() {
        let emu = Emulator::builder().spawn().unwrap();
        let (mut ctx, _) = ctx_with(&emu, vec![Answer::Choose("(current)")]);
        let outcome = execute(&args(Some("ada@example.com"), None), &mut ctx)
            .await
            .unwrap();
        assert!(!outcome.changed);
        assert!(emu.requests().iter().all(|r| r.method == "GET"));
    }
}
