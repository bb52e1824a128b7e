//! `astro logout [DOMAIN]`: forget the token and refresh token of a context; keep the rest.

use crate::commands::login::normalize_domain;
use crate::config;
use crate::context::Ctx;
use crate::env_vars;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct LogoutArgs {
    /// The domain to log out of (default: the current context)
    #[arg(value_name = "DOMAIN")]
    pub domain: Option<String>,
}

pub async fn run(args: LogoutArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let inputs = ctx.inputs()?;
    let domain = match args.domain.as_deref() {
        Some(d) => normalize_domain(d)?,
        None => match inputs.config.current_domain(inputs.env_domain.as_deref()) {
            Some(d) => d,
            None => {
                output::note("not logged in: the config file has no current context");
                return Ok(());
            }
        },
    };
    let Some(path) = inputs.config_path.as_deref() else {
        return Err(CliError::failure(
            "cannot find a home folder for the config file",
        ));
    };
    let removed = config::update(path, |cfg| {
        let mut changed = cfg.clear_context_value(&domain, "token");
        changed |= cfg.clear_context_value(&domain, "refreshtoken");
        if changed {
            cfg.clear_context_value(&domain, "expiresin");
        }
        Ok((changed, changed))
    })
    .await?;
    if env_vars::get(env_vars::API_TOKEN).is_some() {
        output::note("note: ASTRO_API_TOKEN is still set in this environment");
    }
    if removed {
        output::line(&format!("Logged out of {domain}"))
    } else {
        output::line(&format!("Not logged in to {domain}; nothing to remove"))
    }
}
