//! `astro workspace create [NAME]`: a new Workspace in the Organization, its name unique
//! ignoring case. The creation is never repeated blindly (see `Client::create_workspace`).

use serde::Serialize;

use crate::cli::{Changes, Takes, name_value};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::workspace_fields::{self, Cicd, Fields, on_off};
use crate::workspace_target;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro workspace create Sandbox --description \"Try things here\"\n  \
                        astro wo cr Sandbox --enforce-cicd on --json"
)]
pub struct CreateArgs {
    /// The Workspace's name (at most 50 characters; no other Workspace may have it, ignoring
    /// case); asked for on a terminal when missing
    #[arg(value_name = "NAME", value_parser = name_value)]
    pub name: Option<String>,

    /// The name, as a flag (as in Astronomer's Go CLI)
    #[arg(short = 'n', long = "name", value_name = "NAME", value_parser = name_value, conflicts_with = "name")]
    pub name_flag: Option<String>,

    /// The Workspace's description
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Whether new Deployments enforce CI/CD deploys by default [default: off]
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
    pub globals: Takes<Changes>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateOutcome {
    /// `null` on a dry run.
    id: Option<String>,
    #[serde(flatten)]
    fields: Fields,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: CreateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let given = args.name.clone().or(args.name_flag.clone());
    if let Some(name) = &given {
        workspace_fields::check_name(name).map_err(CliError::usage)?;
    } else if ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the new Workspace's name",
            "it as the NAME argument",
        ));
    }
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    // The names are checked against this listing, and a creation whose answer is lost is
    // recognised as a Workspace that is not in it.
    let existing = workspace_target::list(client, &org).await?;
    let name = match given {
        Some(name) => {
            workspace_fields::check_unique(&existing, &name, None)?;
            name
        }
        None => {
            let prompter = ctx.prompter.as_deref_mut().expect("checked above");
            let validate = |typed: &str| {
                let typed = typed.trim();
                workspace_fields::check_name(typed)?;
                match workspace_fields::taken_by(&existing, typed, None) {
                    Some(other) => Err(workspace_fields::taken_message(typed, other)),
                    None => Ok(()),
                }
            };
            prompter
                .input("Name of the new Workspace", &validate)?
                .trim()
                .to_owned()
        }
    };
    let fields = Fields {
        name,
        description: args.description.unwrap_or_default(),
        cicd_enforced_default: args.enforce_cicd.is_some_and(Cicd::enabled),
    };
    let mut outcome = CreateOutcome {
        id: None,
        fields,
        dry_run: args.dry_run,
    };
    if !args.dry_run {
        let ids: Vec<String> = existing.iter().map(|w| w.id.clone()).collect();
        let (client, _) = ctx.api().await?;
        let created = client
            .create_workspace(&org, &outcome.fields.input(), &ids)
            .await?;
        outcome.id = Some(created.id.clone());
        outcome.fields = Fields::of(&created);
    }
    if ctx.wants_json(args.json) {
        return ctx.print_json(&outcome);
    }
    let f = &outcome.fields;
    let cicd = on_off(f.cicd_enforced_default);
    output::line(&match &outcome.id {
        Some(id) => format!(
            "Created Workspace {} ({id}); CI/CD enforcement {cicd}",
            f.name
        ),
        None => format!(
            "Would create Workspace {}; CI/CD enforcement {cicd} (dry run: nothing sent)",
            f.name
        ),
    })
}
