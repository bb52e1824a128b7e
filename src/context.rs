//! The per-run context every command gets: the resolved global options, the output helpers
//! that honour them (`--json`, `--jq`, `--compact`, `--no-headers`), the prompter (when there
//! is a terminal), and the API client and session, resolved on first use so that usage errors
//! come before any credential check.

use std::time::Duration;

use crate::api::{Client, TraceEvent, Tracer};
use crate::cli::{self, GlobalArgs, Invoked};
use crate::credentials;
use crate::error::{CliError, echo};
use crate::interrupt::Interrupt;
use crate::jq::JqFilter;
use crate::output;
use crate::prompt::{self, Prompter, TerminalPrompter};
use crate::settings::{self, Inputs, Options, Session};

pub struct Ctx {
    options: Options,
    jq: Option<JqFilter>,
    compact: bool,
    no_headers: bool,
    pub interrupt: Interrupt,
    /// `None` when prompting is impossible or disabled.
    pub prompter: Option<Box<dyn Prompter>>,
    api: Option<(Client, Session)>,
}

impl Ctx {
    /// Resolves the global options and checks what needs checking before any work: flags the
    /// command does not take, bad environment values, a `--jq` expression.
    pub fn new(
        global: GlobalArgs,
        invoked: &Invoked,
        interrupt: Interrupt,
    ) -> Result<Self, CliError> {
        let command = &invoked.path;
        let global = global.without(&invoked.own);
        if let Some(flag) = cli::misplaced_globals(&global, &invoked.takes).first() {
            return Err(
                CliError::usage(format!("{flag} does not apply to `astro {command}`")).with_hint(
                    format!("see `astro {command} --help` for the flags it takes"),
                ),
            );
        }
        let options = Options::resolve(&global, &invoked.takes)?;
        let prompter: Option<Box<dyn Prompter>> = prompt::interactive(options.no_input)
            .then(|| Box::new(TerminalPrompter::new()) as Box<dyn Prompter>);
        let jq = global.jq.as_deref().map(JqFilter::compile).transpose()?;
        Ok(Self {
            options,
            jq,
            compact: global.compact,
            no_headers: global.no_headers,
            interrupt,
            prompter,
            api: None,
        })
    }

    /// Whether `--no-input` (or `ASTRO_NO_INPUT`) is in force: nothing may be read from the terminal.
    pub fn no_input(&self) -> bool {
        self.options.no_input
    }

    /// The Workspace named by `--workspace-id` or `ASTRO_WORKSPACE_ID` (an ID or a name) and
    /// which of the two named it, read before any request; `None` when neither is given.
    pub fn workspace_option(&self) -> Option<(&str, &'static str)> {
        self.options
            .workspace
            .as_deref()
            .map(|ws| (ws, self.options.workspace_source))
    }

    /// The Deployment named by `--deployment-id` or `ASTRO_DEPLOYMENT_ID` (an ID or a name) and
    /// which of the two named it; `None` when neither is given.
    pub fn deployment_option(&self) -> Option<(&str, &'static str)> {
        self.options
            .deployment
            .as_deref()
            .map(|d| (d, self.options.deployment_source))
    }

    /// Whether `--no-headers` was given: tables are printed without their header lines.
    pub fn no_headers(&self) -> bool {
        self.no_headers
    }

    /// Whether to print JSON: the command's own flag, `--jq` or `--compact`.
    pub fn wants_json(&self, json_flag: bool) -> bool {
        json_flag || self.jq.is_some() || self.compact
    }

    /// Prints one JSON document on stdout, through the `--jq` filter when there is one.
    pub fn print_json(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        match &self.jq {
            None if self.compact => output::json_line(value),
            None => output::json(value),
            Some(filter) => output::data(&filter.apply(value, self.compact)?),
        }
    }

    /// One compact JSON document per line (NDJSON), through the `--jq` filter when there is one.
    pub fn print_json_line(&self, value: &impl serde::Serialize) -> Result<(), CliError> {
        match &self.jq {
            None => output::json_line(value),
            Some(filter) => output::data(&filter.apply(value, true)?),
        }
    }

    /// Prints a table on stdout (see [`output::Table`]): on a narrow terminal the first columns
    /// named are cut first, and the second are left out (in order) before any other is cut;
    /// `noun` counts the rows (`308 members`) in the footer and says
    /// what is missing when there are none (`no members match`).
    pub fn print_table(
        &self,
        header: &[&str],
        (cut_first, drop_first): (&[&str], &[&str]),
        rows: Vec<Vec<String>>,
        noun: (&str, &str),
    ) -> Result<(), CliError> {
        output::Table {
            header,
            cut_first,
            drop_first,
            rows,
            noun,
            headers: !self.no_headers,
        }
        .print()
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

    /// The client once `client()` or `api()` has resolved it, borrowed immutably.
    pub fn resolved_client(&self) -> Result<&Client, CliError> {
        self.api
            .as_ref()
            .map(|(client, _)| client)
            .ok_or_else(|| CliError::failure("internal: the API was not resolved"))
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
            organization_source: "a test",
            workspace: None,
            workspace_source: "",
        };
        Self {
            options: Options {
                organization_id: None,
                organization_source: "",
                workspace: None,
                workspace_source: "",
                deployment: None,
                deployment_source: "",
                no_input: prompter.is_none(),
                timeout: Duration::from_secs(30),
                verbose: false,
            },
            jq: None,
            compact: false,
            no_headers: false,
            interrupt: Interrupt::default(),
            prompter,
            api: Some((client, session)),
        }
    }

    /// Whether `--verbose` (or `ASTRO_DEBUG=1`) is in force.
    pub fn verbose(&self) -> bool {
        self.options.verbose
    }

    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// What the environment and the config file say (read afresh).
    pub fn inputs(&self) -> Result<Inputs, CliError> {
        let mut inputs = Inputs::from_env(self.options.organization_id.clone())?;
        inputs.organization_flag_source = self.options.organization_source;
        inputs.workspace_flag = self.options.workspace.clone();
        inputs.workspace_flag_source = self.options.workspace_source;
        Ok(inputs)
    }

    /// An error about the Organization made specific: a refusal names the Organization (quoted,
    /// so stray characters show) and where it came from.
    pub(crate) fn explain(&self, mut err: CliError) -> CliError {
        let Some((_, session)) = &self.api else {
            return err;
        };
        if let (Some(org), Some(crate::error::FORBIDDEN_HINT)) =
            (&session.organization_id, err.hint.as_deref())
        {
            err.hint = Some(format!(
                "check that the token belongs to Organization `{}` (from {}) and may do this",
                echo(org),
                session.organization_source
            ));
        }
        err
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

    /// A client for `api_url` and `token` with this run's timeout and tracing (for login, which
    /// has a token before it has a session).
    pub fn client_for(
        &self,
        api_url: reqwest::Url,
        token: &crate::secret::Token,
    ) -> Result<Client, CliError> {
        Ok(Client::new(api_url, token, self.timeout())?.with_tracer(self.tracer()))
    }

    /// With `--verbose` (or `ASTRO_DEBUG=1`): a line on stderr per request, retry and failure.
    pub fn tracer(&self) -> Option<Tracer> {
        self.options.verbose.then(|| {
            std::sync::Arc::new(|event: &TraceEvent<'_>| output::note(&trace_line(event))) as Tracer
        })
    }

    async fn ensure_api(&mut self) -> Result<&(Client, Session), CliError> {
        if self.api.is_none() {
            let mut inputs = self.inputs()?;
            if credentials::refresh_if_needed(&inputs, self.timeout(), self.tracer()).await? {
                inputs = self.inputs()?;
            }
            let session = settings::resolve(&inputs)?;
            let client = self.client_for(session.api_url.clone(), &session.token)?;
            self.api = Some((client, session));
        }
        Ok(self.api.as_ref().expect("resolved above"))
    }
}

/// One `--verbose` line: `GET <url> -> 200 in 12 ms (request ID r-1)`.
fn trace_line(event: &TraceEvent<'_>) -> String {
    let ms = |d: std::time::Duration| {
        if d.as_millis() >= 1000 {
            format!("{:.1} s", d.as_secs_f64())
        } else {
            format!("{} ms", d.as_millis())
        }
    };
    match event {
        TraceEvent::Response {
            method,
            url,
            status,
            elapsed,
            request_id,
        } => {
            let id = request_id
                .map(|id| format!(" (request ID {id})"))
                .unwrap_or_default();
            format!("> {method} {url} -> {status} in {}{id}", ms(*elapsed))
        }
        TraceEvent::Failed {
            method,
            url,
            elapsed,
            error,
        } => format!("> {method} {url} -> failed after {}: {error}", ms(*elapsed)),
        TraceEvent::Retry {
            wait,
            next_attempt,
            of,
        } => format!(
            "  retrying in {} (attempt {next_attempt} of {of})",
            ms(*wait)
        ),
    }
}
