//! `astro workspace update [WORKSPACE]`: change a Workspace's name, description or CI/CD
//! enforcement. UpdateWorkspace replaces all three, so the ones not given are sent as read
//! (the Go CLI switches enforcement off when its flag is left out; this keeps it), and nothing
//! is sent when nothing changes.

use serde::Serialize;

use crate::changes::FieldChanges;
use crate::cli::{Takes, WorkspaceChanges, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::workspace_fields::{self, Cicd, Fields, on_off};
use crate::workspace_target::{self, Also};

#[derive(Debug, clap::Args)]
#[command(
    mut_arg("workspace_id", |a| a.help(
        "The Workspace to update, by ID or name, instead of the WORKSPACE argument [env: \
         ASTRO_WORKSPACE_ID] (never the API token's or the config file's)"
    )),
    after_help = "Only what is given changes; the rest is sent as it is now.\n\n\
                  Examples:\n  astro workspace update Sandbox --name Playground\n  \
                  astro wo up --workspace-id clrg6ngg0000002c60gj2k1hl -d \"Reporting\" --enforce-cicd on --json"
)]
pub struct UpdateArgs {
    /// The Workspace's name (any case, if only one has it) or ID; or --workspace-id; picked
    /// from a list on a terminal when missing
    #[arg(value_name = "WORKSPACE", value_parser = name_value)]
    pub workspace: Option<String>,

    /// A new name (at most 50 characters; no other Workspace may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Whether new Deployments enforce CI/CD deploys by default [default: unchanged]
    #[arg(
        short = 'e',
        long,
        value_enum,
        ignore_case = true,
        value_name = "on|off",
        hide_possible_values = true
    )]
    pub enforce_cicd: Option<Cicd>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceChanges>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateOutcome {
    id: String,
    #[serde(flatten)]
    fields: Fields,
    previous: Fields,
    changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.name.is_none() && args.description.is_none() && args.enforce_cicd.is_none() {
        return Err(CliError::usage("nothing to update")
            .with_hint("pass --name NEW, --description TEXT or --enforce-cicd on|off"));
    }
    if let Some(name) = &args.name {
        workspace_fields::check_name(name).map_err(CliError::usage)?;
    }
    let named = workspace_target::named(ctx, args.workspace.as_deref(), Also::FlagOrEnv)?;
    if named.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Workspace to update",
            "its name or ID as the WORKSPACE argument (or --workspace-id)",
        ));
    }
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    // One listing: the Workspace's current fields, and the names a rename must not take.
    let all = workspace_target::list(client, &org).await?;
    let workspace = match named {
        Some((value, source)) => crate::workspaces::find_in(&all, &org, &value, source)?,
        None => {
            let prompter = ctx.prompter.as_deref_mut().expect("checked above");
            let index = workspace_target::pick(prompter, "Workspace to update", &all, None, false)?;
            all[index].clone()
        }
    };
    let previous = Fields::of(&workspace);
    let wanted = Fields {
        name: args.name.unwrap_or_else(|| previous.name.clone()),
        description: args
            .description
            .unwrap_or_else(|| previous.description.clone()),
        cicd_enforced_default: args
            .enforce_cicd
            .map_or(previous.cicd_enforced_default, Cicd::enabled),
    };
    if wanted.name != previous.name {
        workspace_fields::check_unique(&all, &wanted.name, Some(&workspace.id))?;
    }
    let mut outcome = UpdateOutcome {
        id: workspace.id.clone(),
        changed: false,
        dry_run: args.dry_run,
        fields: wanted,
        previous,
    };
    if outcome.fields != outcome.previous && !args.dry_run {
        let (client, _) = ctx.api().await?;
        let updated = client
            .update_workspace(&org, &workspace.id, &outcome.fields.input())
            .await?;
        outcome.fields = Fields::of(&updated);
        outcome.changed = true;
    }
    print(ctx, &outcome, args.json)
}

fn print(ctx: &Ctx, outcome: &UpdateOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let (now, was) = (&outcome.fields, &outcome.previous);
    let mut changes = FieldChanges::of(format!("Workspace {} ({})", was.name, outcome.id));
    changes
        .field("name", &was.name, &now.name)
        .quoted("description", &was.description, &now.description)
        .field(
            "CI/CD enforcement",
            on_off(was.cicd_enforced_default),
            on_off(now.cicd_enforced_default),
        );
    output::line(&changes.sentence(outcome.dry_run))
}
