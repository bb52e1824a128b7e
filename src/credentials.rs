//! A login as the config file keeps it, in the Go CLI's format: storing one after `astro login`,
//! and renewing a stored token that is about to expire with its refresh token.

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::api::Tracer;
use crate::api::auth::AuthClient;
use crate::config;
use crate::error::CliError;
use crate::jwt::Claims;
use crate::output;
use crate::secret::Token;
use crate::settings::{self, Inputs};
use crate::time::{format_rfc3339, now_unix, parse_rfc3339};

/// Renew a stored token this long before it expires.
const REFRESH_MARGIN_SECS: i64 = 300;

/// What a login writes into its context.
pub struct Login<'a> {
    pub domain: &'a str,
    pub token: &'a Token,
    pub refresh_token: Option<&'a Token>,
    pub expires_at: Option<i64>,
    pub email: Option<&'a str>,
    pub organization_id: &'a str,
    pub organization_product: Option<&'a str>,
    pub workspace_id: Option<&'a str>,
}

/// Writes the login into `contexts.<domain>` and makes it the current context, keeping every
/// other key of the file as it was.
pub async fn store(path: &Path, login: &Login<'_>) -> Result<(), CliError> {
    config::update(path, |cfg| {
        let domain = login.domain;
        let previous_org = cfg.context(domain).organization;
        let text = |s: &str| Value::String(s.to_owned());
        let mut changed = cfg.set_current(domain);
        changed |= cfg.set_context_value(domain, "domain", text(domain));
        changed |= cfg.set_context_value(
            domain,
            "token",
            text(&format!("Bearer {}", login.token.expose())),
        );
        changed |= cfg.set_context_value(
            domain,
            "refreshtoken",
            text(login.refresh_token.map_or("", Token::expose)),
        );
        changed |= cfg.set_context_value(
            domain,
            "expiresin",
            text(&login.expires_at.map(format_rfc3339).unwrap_or_default()),
        );
        changed |= cfg.set_context_value(domain, "user_email", text(login.email.unwrap_or("")));
        changed |= cfg.set_context_value(domain, "organization", text(login.organization_id));
        changed |= cfg.set_context_value(
            domain,
            "organization_product",
            text(login.organization_product.unwrap_or("HYBRID")),
        );
        // A Workspace belongs to one Organization: keep it only while the Organization stays.
        match login.workspace_id {
            Some(ws) => {
                changed |= cfg.set_context_value(domain, "workspace", text(ws));
                changed |= cfg.set_context_value(domain, "last_used_workspace", text(ws));
            }
            None if previous_org.as_deref() != Some(login.organization_id) => {
                changed |= cfg.clear_context_value(domain, "workspace");
            }
            None => {}
        }
        Ok((changed, ()))
    })
    .await
}

/// When the token in force comes from the config file, has a refresh token and expires within
/// the margin, renews it and writes the new one, all under the config lock: a process that
/// finds the login already renewed by another uses that. Returns whether the stored login
/// changed. A renewal that fails is an error only once the token has expired; before that it
/// is a warning and the current token is used.
pub async fn refresh_if_needed(
    inputs: &Inputs,
    timeout: Duration,
    tracer: Option<Tracer>,
) -> Result<bool, CliError> {
    if inputs.env_token.is_some() {
        return Ok(false);
    }
    let (Some(path), Some((domain, ctx))) = (
        inputs.config_path.as_deref(),
        inputs.config.current(inputs.env_domain.as_deref()),
    ) else {
        return Ok(false);
    };
    let now = now_unix();
    let Some(expires_at) = renewal_due(&ctx, now) else {
        return Ok(false);
    };

    let locked = config::lock(path).await?;
    let mut cfg = locked.read()?;
    let current = cfg.context(&domain);
    if current.token != ctx.token {
        // Another process renewed (or replaced) the login while we waited for the lock.
        return Ok(true);
    }
    let Some(refresh_token) = current.refreshtoken.as_deref().and_then(Token::new) else {
        return Ok(false);
    };
    match renew(inputs, &domain, &refresh_token, timeout, tracer).await {
        Ok(tokens) => {
            let text = |s: String| Value::String(s);
            cfg.set_context_value(
                &domain,
                "token",
                text(format!("Bearer {}", tokens.access.expose())),
            );
            if let Some(refresh) = &tokens.refresh {
                cfg.set_context_value(&domain, "refreshtoken", text(refresh.expose().to_owned()));
            }
            let expires = tokens.expires_in.map(|s| format_rfc3339(now + s as i64));
            cfg.set_context_value(&domain, "expiresin", text(expires.unwrap_or_default()));
            locked.write(&cfg)?;
            Ok(true)
        }
        Err(why) if expires_at > now => {
            output::note(&format!(
                "warning: could not renew your login to {domain} ({why}); using it until it expires"
            ));
            Ok(false)
        }
        Err(why) => Err(CliError::auth(format!(
            "your login to {domain} has expired and could not be renewed: {why}"
        ))
        .with_hint(format!("run `astro login {domain}`"))),
    }
}

/// When the stored token expires, if that is within the renewal margin and it can be renewed.
fn renewal_due(ctx: &config::Context, now: i64) -> Option<i64> {
    let token = ctx.token.as_deref().and_then(Token::new)?;
    ctx.refreshtoken.as_deref().and_then(Token::new)?;
    let expires_at = ctx
        .expiresin
        .as_deref()
        .and_then(parse_rfc3339)
        .or_else(|| Claims::parse(token.expose()).ok()?.exp.map(|e| e as i64))?;
    (expires_at <= now + REFRESH_MARGIN_SECS).then_some(expires_at)
}

struct Renewed {
    access: Token,
    refresh: Option<Token>,
    expires_in: Option<u64>,
}

async fn renew(
    inputs: &Inputs,
    domain: &str,
    refresh_token: &Token,
    timeout: Duration,
    tracer: Option<Tracer>,
) -> Result<Renewed, String> {
    let api_url = settings::api_url(inputs, Some(domain)).map_err(|e| e.message)?;
    let auth = AuthClient::new(&api_url, timeout)
        .map_err(|e| e.to_string())?
        .with_tracer(tracer);
    let auth_config = auth
        .auth_config(&api_url)
        .await
        .map_err(|e| e.to_string())?;
    let tokens = auth
        .refresh(&auth_config, refresh_token)
        .await
        .map_err(|e| e.to_string())?;
    let access = Token::new(&tokens.access_token)
        .ok_or_else(|| "the identity provider sent an empty token".to_owned())?;
    Ok(Renewed {
        access,
        refresh: tokens.refresh_token.as_deref().and_then(Token::new),
        expires_in: tokens.expires_in,
    })
}
