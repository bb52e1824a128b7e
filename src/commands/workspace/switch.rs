//! `astro workspace switch [NAME_OR_ID]`: make another Workspace of the Organization in force
//! the current one in the config file's context (`workspace` and `last_used_workspace`, as the
//! Go CLI writes them).

use serde::Serialize;
use serde_json::Value;

use crate::api::Workspace;
use crate::cli::{Changes, Takes};
use crate::config;
use crate::context::Ctx;
use crate::env_vars;
use crate::error::{CliError, echo};
use crate::output;
use crate::workspace_target;
use crate::workspaces;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The Workspace is looked for in the Organization in force, which must be the config \
                  file's current one (`astro organization switch ORG -w WORKSPACE` changes both).\n\n\
                  Examples:\n  astro workspace switch Analytics\n  \
                  astro wo sw clrg6ngg0000002c60gj2k1hl --json"
)]
pub struct SwitchArgs {
    /// The Workspace's name (any case, if only one has it) or ID; chosen from a list when
    /// missing
    #[arg(value_name = "NAME_OR_ID")]
    pub workspace: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and write nothing
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<Changes>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SwitchOutcome {
    name: String,
    id: String,
    /// The Workspace that was current before, by ID.
    previous_id: Option<String>,
    changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(mut args: SwitchArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(arg) = &args.workspace {
        let trimmed = arg.trim();
        if trimmed.is_empty() {
            return Err(CliError::usage(
                "the Workspace's name or ID is empty (an unset shell variable?)",
            ));
        }
        args.workspace = Some(trimmed.to_owned());
    }
    if args.workspace.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Workspace",
            "its name or ID as the NAME_OR_ID argument",
        ));
    }
    let inputs = ctx.inputs()?;
    let (Some(path), Some(domain)) = (
        inputs.config_path.clone(),
        inputs.config.current_domain(inputs.env_domain.as_deref()),
    ) else {
        return Err(
            CliError::auth("not logged in: there is no current context to switch")
                .with_hint("run `astro login` first"),
        );
    };
    let context = inputs.config.context(&domain);
    let config_org = context.organization.filter(|o| !o.is_empty());
    let current = context.workspace.filter(|w| !w.is_empty());

    let session = ctx.session().await?;
    let token_workspace = session.workspace_source == "the API token";
    let (client, org) = ctx.api().await?;
    // The config's Workspace counts only with the config's Organization: writing one of
    // another Organization's Workspaces there would name a Workspace nothing uses.
    if config_org.as_deref() != Some(org) {
        return Err(CliError::usage(format!(
            "Organization `{org}` is in force, but context `{domain}` of the config file has {}",
            match &config_org {
                Some(other) => format!("Organization `{other}`"),
                None => "no Organization".to_owned(),
            }
        ))
        .with_hint(format!(
            "to make both current run `astro organization switch {org} --workspace-id WORKSPACE_ID`"
        )));
    }
    let org = org.to_owned();
    let target: Workspace = match args.workspace.as_deref() {
        Some(value) => workspaces::resolve(client, &org, value, "the argument").await?,
        None => {
            let all = workspace_target::list(client, &org).await?;
            let prompter = ctx.prompter.as_deref_mut().expect("checked above");
            let index =
                workspace_target::pick(prompter, "Workspace", &all, current.as_deref(), true)?;
            all[index].clone()
        }
    };

    // Both keys, as the Go CLI writes them; `|` so that both are set.
    let apply = |cfg: &mut config::ConfigFile| {
        let id = Value::String(target.id.clone());
        cfg.set_context_value(&domain, "workspace", id.clone())
            | cfg.set_context_value(&domain, "last_used_workspace", id)
    };
    let changed = if args.dry_run {
        apply(&mut inputs.config.clone())
    } else {
        config::update(&path, |cfg| {
            if cfg.context(&domain).organization.as_deref() != Some(org.as_str()) {
                return Err(CliError::failure(
                    "the config file's Organization changed meanwhile; nothing was written",
                )
                .with_hint("run the command again"));
            }
            let changed = apply(cfg);
            Ok((changed, changed))
        })
        .await?
    };
    if env_vars::get(env_vars::WORKSPACE_ID).is_some() {
        output::note("note: ASTRO_WORKSPACE_ID is set and overrides the current Workspace");
    } else if token_workspace {
        output::note("note: the API token names a Workspace, which overrides the current one");
    }

    let outcome = SwitchOutcome {
        name: target.name,
        id: target.id,
        previous_id: current,
        changed,
        dry_run: args.dry_run,
    };
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let what = format!("Workspace {} ({})", echo(&outcome.name), outcome.id);
    output::line(&match (changed, args.dry_run) {
        (false, _) => format!("{what} is already current; nothing changed"),
        (true, false) => format!("Switched to {what}"),
        (true, true) => format!("Would switch to {what} (dry run: nothing written)"),
    })
}
