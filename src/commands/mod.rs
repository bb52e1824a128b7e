//! One file per command. [`Ctx`] carries what every command may need: the resolved session
//! (built on first use, so usage errors come before any credential check) and the prompter.

mod auth_token;
mod batch;
mod bulk_invite;
mod bulk_update;
mod generate;
mod invite;
mod list;
mod login;
mod logout;
mod org_list;
mod org_switch;
mod update;

use std::time::Duration;

use crate::api::{Client, User};
use crate::cli::{AuthCommand, Cli, Command, GlobalArgs, OrganizationCommand, UserCommand};
use crate::credentials;
use crate::error::{CliError, echo};
use crate::interrupt::Interrupt;
use crate::jq::JqFilter;
use crate::output;
use crate::prompt::{self, Prompter, TerminalPrompter};
use crate::settings::{self, Inputs, Session};

pub struct Ctx {
    global: GlobalArgs,
    jq: Option<JqFilter>,
    pub interrupt: Interrupt,
    /// `None` when prompting is impossible or disabled.
    pub prompter: Option<Box<dyn Prompter>>,
    api: Option<(Client, Session)>,
}

impl Ctx {
    /// Checks the global options that need checking (a `--jq` expression) before any work.
    pub fn new(global: GlobalArgs, interrupt: Interrupt) -> Result<Self, CliError> {
        let prompter: Option<Box<dyn Prompter>> = prompt::interactive(global.no_input)
            .then(|| Box::new(TerminalPrompter::new()) as Box<dyn Prompter>);
        let jq = global.jq.as_deref().map(JqFilter::compile).transpose()?;
        Ok(Self {
            global,
            jq,
            interrupt,
            prompter,
            api: None,
        })
    }

    /// Whether to print JSON: the command's own flag, or `--jq`.
    pub fn wants_json(&self, json_flag: bool) -> bool {
        json_flag || self.jq.is_some()
    }

    /// Prints one JSON document on stdout, through the `--jq` filter when there is one.
    pub fn print_json(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        match &self.jq {
            None => output::json(value),
            Some(filter) => {
                let value = serde_json::to_value(value)
                    .map_err(|e| CliError::failure(format!("cannot render JSON: {e}")))?;
                output::data(&filter.apply(&value)?)
            }
        }
    }

    /// One compact JSON document per line (NDJSON), through the `--jq` filter when there is one.
    pub fn print_json_line(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        let value = serde_json::to_value(value)
            .map_err(|e| CliError::failure(format!("cannot render JSON: {e}")))?;
        match &self.jq {
            None => output::data(&format!("{value}\n")),
            Some(filter) => output::data(&filter.apply(&value)?),
        }
    }

    /// The client and Organization once `api()` has resolved them, borrowed immutably (so the
    /// context can print while requests are in flight).
    pub fn resolved_api(&self) -> Result<(&Client, &str), CliError> {
        let (client, session) = self
            .api
            .as_ref()
            .ok_or_else(|| CliError::failure("internal: the API was not resolved"))?;
        Ok((client, session.organization()?))
    }

    /// For commands whose output is not JSON.
    fn reject_jq(&self, command: &str) -> Result<(), CliError> {
        match self.jq {
            Some(_) => Err(CliError::usage(format!(
                "--jq does not apply to `{command}`: it prints no JSON"
            ))),
            None => Ok(()),
        }
    }

    /// A context with a ready client, for tests.
    #[cfg(test)]
    pub fn for_test(
        client: Client,
        organization_id: &str,
        prompter: Option<Box<dyn Prompter>>,
    ) -> Self {
        let session = Session {
            api_url: "http://127.0.0.1/v1".parse().expect("valid URL"),
            token: crate::secret::Token::new("test").expect("non-empty"),
            organization_id: Some(organization_id.to_owned()),
        };
        Self {
            global: GlobalArgs {
                organization_id: None,
                no_input: prompter.is_none(),
                jq: None,
                timeout: 30,
            },
            jq: None,
            interrupt: Interrupt::default(),
            prompter,
            api: Some((client, session)),
        }
    }

    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.global.timeout)
    }

    /// What the environment and the config file say (read afresh).
    pub fn inputs(&self) -> Result<Inputs, CliError> {
        Inputs::from_env(self.global.organization_id.clone())
    }

    /// The resolved session, renewing a stored login first when it is about to expire.
    pub async fn session(&mut self) -> Result<&Session, CliError> {
        Ok(&self.ensure_api().await?.1)
    }

    /// The API client and the Organization ID, resolved once.
    pub async fn api(&mut self) -> Result<(&Client, &str), CliError> {
        let (client, session) = self.ensure_api().await?;
        Ok((client, session.organization()?))
    }

    /// The API client alone, for work that needs no Organization yet.
    pub async fn client(&mut self) -> Result<&Client, CliError> {
        Ok(&self.ensure_api().await?.0)
    }

    async fn ensure_api(&mut self) -> Result<&(Client, Session), CliError> {
        if self.api.is_none() {
            let mut inputs = self.inputs()?;
            if credentials::refresh_if_needed(&inputs, self.timeout()).await? {
                inputs = self.inputs()?;
            }
            let session = settings::resolve(&inputs)?;
            let client = Client::new(session.api_url.clone(), &session.token, self.timeout())?;
            self.api = Some((client, session));
        }
        Ok(self.api.as_ref().expect("resolved above"))
    }
}

pub async fn dispatch(cli: Cli, interrupt: Interrupt) -> Result<(), CliError> {
    let mut ctx = Ctx::new(cli.global, interrupt)?;
    match cli.command {
        Command::Login(args) => login::run(args, &mut ctx).await,
        Command::Logout(args) => {
            ctx.reject_jq("logout")?;
            logout::run(args, &mut ctx).await
        }
        Command::Auth(auth) => match auth.command {
            AuthCommand::Token => {
                ctx.reject_jq("auth token")?;
                auth_token::run(&mut ctx).await
            }
        },
        Command::Completion(args) => {
            ctx.reject_jq("completion")?;
            generate::completion(args)
        }
        Command::Man(args) => {
            ctx.reject_jq("man")?;
            generate::man(args)
        }
        Command::Organization(org) => match org.command {
            OrganizationCommand::List(args) => org_list::run(args, &mut ctx).await,
            OrganizationCommand::Switch(args) => org_switch::run(args, &mut ctx).await,
            OrganizationCommand::User(user) => match user.command {
                UserCommand::Update(args) => match args.bulk.from_file.clone() {
                    Some(file) => bulk_update::run(&args, &file, &mut ctx).await,
                    None => update::run(args, &mut ctx).await,
                },
                UserCommand::Invite(args) => match args.bulk.from_file.clone() {
                    Some(file) => bulk_invite::run(&args, &file, &mut ctx).await,
                    None => invite::run(args, &mut ctx).await,
                },
                UserCommand::List(args) => list::run(args, &mut ctx).await,
            },
        },
    }
}

/// A user ID: 25 characters, `c` and 24 of `[0-9a-z]`.
pub fn is_cuid(s: &str) -> bool {
    s.len() == 25
        && s.starts_with('c')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A plausible email address: what the API would accept, checked before anything is sent.
pub fn check_email(s: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{}` is not a valid email address: {why}", echo(s)));
    if s.is_empty() {
        return Err("an email address is required".into());
    }
    if s.len() > 254 {
        return bad("longer than 254 characters");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains spaces");
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return bad("it has no @");
    };
    if local.is_empty() || local.contains('@') {
        return bad("the part before @ is empty or has another @");
    }
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return bad("the domain is not a valid host name");
    }
    Ok(())
}

/// How a user is named in messages: `email (Full Name)`.
pub fn describe(user: &User) -> String {
    if user.full_name.trim().is_empty() {
        user.username.clone()
    } else {
        format!("{} ({})", user.username, user.full_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuids() {
        assert!(is_cuid("clm9sq6s0000008kz7uvl7yz7"));
        assert!(!is_cuid("Clm9sq6s0000008kz7uvl7yz7"));
        assert!(!is_cuid("clm9sq6s0000008kz7uvl7yz"));
        assert!(!is_cuid("grace@example.com"));
    }

    #[test]
    fn emails() {
        assert!(check_email("grace@example.com").is_ok());
        assert!(check_email("Katherine.Johnson+x@Example.co.uk").is_ok());
        for bad in [
            "", "grace", "grace@", "@x.io", "a b@x.io", "a@x", "a@x..io", "a@.x.io",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_email(&format!("{}@x.io", "a".repeat(300))).is_err());
    }
}
