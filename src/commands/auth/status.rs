//! `astro auth status`: who you are and where your credentials come from: the identity (for a
//! browser login), the token's kind and source (environment or config context), its
//! Organization, Workspace and expiry, and the API it talks to. Never the token itself. It
//! reports what it can even when the token has expired or a lookup is refused, and then exits
//! with the matching code.

use serde::Serialize;

use crate::api::Client;
use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::env_vars;
use crate::error::{CliError, Exit};
use crate::jwt::Claims;
use crate::output;
use crate::settings::{self, Session};
use crate::time::{format_rfc3339, human_duration, now_unix};

#[derive(Debug, clap::Args)]
pub struct AuthStatusArgs {
    /// Print the status as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<StatusGlobals>,
}

/// The Organization to describe, JSON, and the lookups.
pub struct StatusGlobals;
impl GlobalSet for StatusGlobals {
    const TAKES: &'static [Global] = &[Global::OrganizationId, Global::Json, Global::Http];
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    /// `login` (a browser login) or `api-token`.
    kind: &'static str,
    /// `ASTRO_API_TOKEN`, or `config context <domain> (<file>)`.
    source: String,
    email: Option<String>,
    full_name: Option<String>,
    organization_id: Option<String>,
    organization_name: Option<String>,
    workspace_id: Option<String>,
    /// RFC 3339; null when the token never expires.
    expires_at: Option<String>,
    expired: bool,
    api_url: String,
    /// What could not be looked up, and why.
    warnings: Vec<String>,
}

pub async fn run(args: AuthStatusArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let inputs = ctx.inputs()?;
    let context = inputs.config.current(inputs.env_domain.as_deref());
    let from_env = env_vars::get(env_vars::API_TOKEN).is_some();
    let source = match (&context, &inputs.config_path) {
        _ if from_env => env_vars::API_TOKEN.to_owned(),
        (Some((domain, _)), Some(path)) => {
            format!("config context {domain} ({})", path.display())
        }
        _ => "config file".to_owned(),
    };
    let workspace_from_config = context
        .as_ref()
        .filter(|_| !from_env)
        .and_then(|(_, c)| c.workspace.clone())
        .filter(|w| !w.is_empty());
    // An expired token is still described; only the lookups need a valid one.
    let described = |session: &Session| {
        (
            session.api_url.to_string(),
            session.organization_id.clone(),
            Claims::parse(session.token.expose()).unwrap_or_default(),
        )
    };
    let ((api_url, organization_id, claims), problem) = match ctx.session().await {
        Ok(session) => (described(session), None),
        Err(err) if err.exit == Exit::Auth => {
            (described(&settings::resolve_unchecked(&inputs)?), Some(err))
        }
        Err(err) => return Err(err),
    };
    let mut status = Status {
        kind: if claims.is_login() {
            "login"
        } else {
            "api-token"
        },
        source,
        email: None,
        full_name: None,
        organization_id,
        organization_name: None,
        workspace_id: claims
            .workspace_id()
            .map(str::to_owned)
            .or(workspace_from_config),
        expires_at: claims.exp.map(|e| format_rfc3339(e as i64)),
        expired: claims.is_expired(now_unix().max(0) as u64),
        api_url,
        warnings: Vec::new(),
    };
    let mut refused = problem;
    if refused.is_none() {
        let client = ctx.client().await?;
        refused = look_up(client, &claims, &mut status).await;
    }
    if ctx.wants_json(args.json) {
        ctx.print_json(&status)?;
    } else {
        output::line(&describe(&status, &claims))?;
    }
    match refused {
        Some(err) => Err(err),
        None => Ok(()),
    }
}

/// Fills in the identity and the Organization's name, best effort: a refusal becomes a warning
/// (and, for a rejected token, the run's error).
async fn look_up(client: &Client, claims: &Claims, status: &mut Status) -> Option<CliError> {
    let (me, organization) = tokio::join!(
        async {
            if claims.is_login() {
                client.get_self_user().await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            match &status.organization_id {
                Some(id) => client.get_organization(id).await.map(Some),
                None => Ok(None),
            }
        }
    );
    let mut rejected = None;
    match me {
        Ok(me) => {
            status.email = me.as_ref().map(|u| u.username.clone());
            status.full_name = me.map(|u| u.full_name);
        }
        Err(e) => {
            status
                .warnings
                .push(format!("cannot read who you are: {e}"));
            if e.status() == Some(401) {
                rejected = Some(CliError::from(e));
            }
        }
    }
    match organization {
        Ok(org) => status.organization_name = org.map(|o| o.name),
        Err(e) => {
            status
                .warnings
                .push(format!("cannot read the Organization: {e}"));
            if e.status() == Some(401) && rejected.is_none() {
                rejected = Some(CliError::from(e));
            }
        }
    }
    rejected
}

fn describe(status: &Status, claims: &Claims) -> String {
    let mut lines = Vec::new();
    match (&status.email, &status.full_name) {
        (Some(email), Some(name)) if !name.is_empty() => {
            lines.push(format!("Logged in as {email} ({name})"))
        }
        (Some(email), _) => lines.push(format!("Logged in as {email}")),
        _ if claims.is_login() => lines.push("Logged in in a browser".to_owned()),
        _ => lines.push("Using an API token".to_owned()),
    }
    lines.push(format!("  token from:   {}", status.source));
    let org = match (&status.organization_name, &status.organization_id) {
        (Some(name), Some(id)) => format!("{name} ({id})"),
        (None, Some(id)) => id.clone(),
        _ => "none selected".to_owned(),
    };
    lines.push(format!("  organization: {org}"));
    if let Some(ws) = &status.workspace_id {
        lines.push(format!("  workspace:    {ws}"));
    }
    let expiry = match claims.exp {
        Some(exp) => {
            let left = exp as i64 - now_unix();
            format!(
                "{} ({})",
                status.expires_at.clone().unwrap_or_default(),
                if left > 0 {
                    format!("in {}", human_duration(left))
                } else {
                    "expired".to_owned()
                }
            )
        }
        None => "never".to_owned(),
    };
    lines.push(format!("  expires:      {expiry}"));
    lines.push(format!("  API:          {}", status.api_url));
    for warning in &status.warnings {
        lines.push(format!("  warning:      {warning}"));
    }
    lines.join("\n")
}
