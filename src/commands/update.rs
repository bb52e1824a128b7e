//! `astro organization user update`: change one member's Organization role.

use serde::Serialize;

use crate::api::{User, same_email};
use crate::cli::UpdateArgs;
use crate::commands::{Ctx, check_email, describe, is_cuid};
use crate::error::{CliError, echo};
use crate::output;
use crate::roles::OrgRole;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateOutcome {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub previous_role: Option<String>,
    pub role: String,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let outcome = execute(&args, ctx).await?;
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let who = if outcome.full_name.is_empty() {
        outcome.email.clone()
    } else {
        format!("{} ({})", outcome.email, outcome.full_name)
    };
    let previous = outcome.previous_role.as_deref().unwrap_or("no role");
    if outcome.dry_run && outcome.previous_role.as_deref() != Some(outcome.role.as_str()) {
        output::line(&format!(
            "Would update {who}: {previous} -> {} (dry run: nothing sent)",
            outcome.role
        ))
    } else if outcome.changed {
        output::line(&format!("Updated {who}: {previous} -> {}", outcome.role))
    } else {
        output::line(&format!(
            "{who} already has the role {}; nothing changed",
            outcome.role
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

    let user = find_user(args.user.as_deref(), ctx).await?;
    let role = match args.role {
        Some(role) => role,
        None => ask_role(&user, ctx)?,
    };

    let previous_role = user.organization_role.clone();
    let mut outcome = UpdateOutcome {
        id: user.id.clone(),
        email: user.username.clone(),
        full_name: user.full_name.clone(),
        previous_role,
        role: role.as_str().to_owned(),
        changed: false,
        dry_run: args.bulk.dry_run,
    };
    if outcome.previous_role.as_deref() == Some(role.as_str()) || args.bulk.dry_run {
        return Ok(outcome);
    }
    let (client, org) = ctx.api().await?;
    let roles = client
        .update_organization_role(org, &user.id, role.as_str())
        .await?;
    outcome.role = roles
        .organization_role
        .unwrap_or_else(|| role.as_str().to_owned());
    outcome.changed = true;
    Ok(outcome)
}

async fn find_user(arg: Option<&str>, ctx: &mut Ctx) -> Result<User, CliError> {
    let (client, org) = ctx.api().await?;
    let not_found = |what: &str| {
        CliError::not_found(format!("no user `{}` in Organization `{org}`", echo(what)))
            .with_hint("run `astro organization user list` to see its members")
    };
    match arg {
        Some(id) if is_cuid(id) => client.get_user(org, id).await.map_err(|e| {
            if e.status() == Some(404) {
                not_found(id)
            } else {
                e.into()
            }
        }),
        Some(email) => {
            let spinner = output::Spinner::start("Looking up the user…");
            let users = client.list_all_users(org).await?;
            drop(spinner);
            users
                .into_iter()
                .find(|u| same_email(&u.username, email))
                .ok_or_else(|| not_found(email))
        }
        None => {
            let users = client.list_all_users(org).await?;
            if users.is_empty() {
                return Err(CliError::not_found(format!(
                    "Organization `{org}` has no users"
                )));
            }
            let items = user_choices(&users);
            let prompter = ctx.prompter.as_mut().expect("checked by execute");
            let index = prompter.fuzzy_select("User (type to filter)", &items)?;
            Ok(users.into_iter().nth(index).expect("index from the list"))
        }
    }
}

/// One line per user, aligned: email, name, current role.
fn user_choices(users: &[User]) -> Vec<String> {
    let email_width = users
        .iter()
        .map(|u| u.username.chars().count())
        .max()
        .unwrap_or(0);
    let name_width = users
        .iter()
        .map(|u| u.full_name.chars().count())
        .max()
        .unwrap_or(0);
    users
        .iter()
        .map(|u| {
            format!(
                "{:email_width$}  {:name_width$}  {}",
                u.username,
                u.full_name,
                u.organization_role.as_deref().unwrap_or("-")
            )
        })
        .collect()
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
            bulk: Default::default(),
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
        assert_eq!(outcome.role, "ORGANIZATION_OBSERVE_MEMBER");
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
        assert_eq!(outcome.role, "ORGANIZATION_OWNER");
        let asked = asked.borrow();
        assert_eq!(asked.len(), 2);
        let members = &asked[0].1;
        assert_eq!(members.len(), 6);
        assert!(members.iter().any(|m| m.contains("barbara@example.com")
            && m.contains("Barbara Liskov")
            && m.contains("ORGANIZATION_MEMBER")));
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
