//! `astro organization switch [NAME_OR_ID] [-w ID]`: make another Organization (and optionally
//! Workspace) current in the config file's context.

use serde::Serialize;
use serde_json::Value;

use crate::api::{ApiError, Organization};
use crate::cli::{Global, GlobalSet, Takes, id_value};
use crate::config;
use crate::context::Ctx;
use crate::env_vars;
use crate::error::{CliError, echo};
use crate::members::is_cuid;
use crate::output;
use crate::prompt::PickList;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization switch \"Example Org\"\n  \
                        astro org sw cm1abcdefghijklmnopqrstuv -w cm1workspace0000000000000"
)]
pub struct SwitchArgs {
    /// The Organization's name or ID; chosen from a list when missing
    #[arg(value_name = "NAME_OR_ID")]
    pub organization: Option<String>,

    /// The Workspace to make current in that Organization
    #[arg(short, long, value_name = "ID", value_parser = id_value)]
    pub workspace_id: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<SwitchGlobals>,
}

/// The Organization is the argument, not `--organization-id`.
pub struct SwitchGlobals;
impl GlobalSet for SwitchGlobals {
    const TAKES: &'static [Global] = &[Global::NoInput, Global::Json, Global::Http];
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SwitchOutcome {
    name: String,
    id: String,
    workspace_id: Option<String>,
    changed: bool,
}

pub async fn run(mut args: SwitchArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if let Some(arg) = &args.organization {
        let trimmed = arg.trim();
        if trimmed.is_empty() {
            return Err(CliError::usage(
                "the Organization's name or ID is empty (an unset shell variable?)",
            ));
        }
        args.organization = Some(trimmed.to_owned());
    }
    if args.organization.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Organization",
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

    let current = inputs.config.context(&domain).organization;
    let target = find(args.organization.as_deref(), current.as_deref(), ctx).await?;
    let client = ctx.client().await?;
    if let Some(ws) = &args.workspace_id {
        client
            .get_workspace(&target.id, ws)
            .await
            .map_err(|e| match e.status() {
                Some(404 | 403) => CliError::not_found(format!(
                    "no Workspace `{}` in Organization `{}` (`{}`)",
                    echo(ws),
                    target.name,
                    target.id
                )),
                _ => e.into(),
            })?;
    }

    let changed = config::update(&path, |cfg| {
        let current = cfg.context(&domain);
        let same_org = current.organization.as_deref() == Some(target.id.as_str());
        let same_ws = args.workspace_id.is_none() || current.workspace == args.workspace_id;
        if same_org && same_ws {
            return Ok((false, false));
        }
        let text = |s: &str| Value::String(s.to_owned());
        cfg.set_context_value(&domain, "organization", text(&target.id));
        cfg.set_context_value(
            &domain,
            "organization_product",
            text(target.product.as_deref().unwrap_or("HYBRID")),
        );
        match &args.workspace_id {
            Some(ws) => {
                cfg.set_context_value(&domain, "workspace", text(ws));
                cfg.set_context_value(&domain, "last_used_workspace", text(ws));
            }
            None => {
                cfg.clear_context_value(&domain, "workspace");
            }
        }
        Ok((true, true))
    })
    .await?;
    if env_vars::get(env_vars::ORGANIZATION_ID).is_some() {
        output::note("note: ASTRO_ORGANIZATION_ID is set and overrides the current Organization");
    }

    let outcome = SwitchOutcome {
        name: target.name,
        id: target.id,
        workspace_id: args.workspace_id,
        changed,
    };
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let ws = outcome
        .workspace_id
        .as_deref()
        .map(|w| format!(", Workspace {w}"))
        .unwrap_or_default();
    if changed {
        output::line(&format!(
            "Switched to Organization {} ({}){ws}",
            outcome.name, outcome.id
        ))
    } else {
        output::line(&format!(
            "Organization {} ({}){ws} is already current; nothing changed",
            outcome.name, outcome.id
        ))
    }
}

/// An ID is looked up directly; a name is matched exactly, then case-insensitively if that
/// finds exactly one; no argument is a choice on the terminal, starting on the current one.
async fn find(
    arg: Option<&str>,
    current: Option<&str>,
    ctx: &mut Ctx,
) -> Result<Organization, CliError> {
    let not_found = |what: &str| {
        CliError::not_found(format!(
            "no Organization `{}` that this login can access",
            echo(what)
        ))
        .with_hint("run `astro organization list` to see them")
    };
    let client = ctx.client().await?;
    if let Some(id) = arg.filter(|a| is_cuid(a)) {
        return client
            .get_organization(id)
            .await
            .map_err(|e: ApiError| match e.status() {
                Some(404 | 403) => not_found(id),
                _ => e.into(),
            });
    }
    let organizations = client.list_all_organizations().await?;
    let Some(name) = arg else {
        if organizations.is_empty() {
            return Err(not_found("(any)"));
        }
        let is_current = |o: &Organization| current == Some(o.id.as_str());
        let rows: Vec<Vec<String>> = organizations
            .iter()
            .map(|o| {
                vec![
                    o.name.clone(),
                    o.id.clone(),
                    if is_current(o) { "(current)" } else { "" }.to_owned(),
                ]
            })
            .collect();
        let prompter = ctx.prompter.as_mut().expect("checked by run");
        let index = prompter.pick(&PickList {
            prompt: "Organization",
            rows: &rows,
            default: organizations.iter().position(is_current).unwrap_or(0),
            noun: ("Organization", "Organizations"),
            cut_first: &[true],
        })?;
        return Ok(organizations[index].clone());
    };
    let exact: Vec<&Organization> = organizations.iter().filter(|o| o.name == name).collect();
    let matches = if exact.is_empty() {
        organizations
            .iter()
            .filter(|o| o.name.eq_ignore_ascii_case(name))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(not_found(name)),
        several => Err(CliError::usage(format!(
            "{} Organizations are named `{}`: {}",
            several.len(),
            echo(name),
            several
                .iter()
                .map(|o| o.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_hint("pass the ID of the one you mean")),
    }
}
