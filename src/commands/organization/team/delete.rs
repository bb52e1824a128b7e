//! `astro organization team delete [TEAM]`: delete a Team (its members lose the roles it gave
//! them), after saying how many members it has and asking (unless `--force`). A Team managed
//! by an identity provider is refused before anything is sent.

use serde::Serialize;

use crate::cli::{Changes, Takes, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::teams;
use crate::text::{self, count};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "A Team managed by an identity provider is deleted there, not here (exit 1, \
                  nothing sent).\n\n\
                  Examples:\n  astro organization team delete \"Platform Team\"\n  \
                  astro org te de clrhjy5c000000164wjlm5wfr --force --json"
)]
pub struct DeleteArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM", value_parser = name_value)]
    pub team: Option<String>,

    /// Delete without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

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
struct DeleteOutcome {
    id: String,
    name: String,
    deleted: bool,
    /// How many members the Team had when it was checked.
    members: usize,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

pub async fn run(args: DeleteArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if ctx.prompter.is_none() && args.team.is_none() {
        return Err(CliError::missing(
            "the Team to delete",
            "its name or ID as the TEAM argument",
        ));
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "deleting a Team")?;
    let team = teams::named_or_picked(ctx, args.team.as_deref(), "Team to delete").await?;
    teams::refuse_if_idp_managed(&team, "delete")?;
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let spinner = output::Spinner::start("Counting the Team's members…");
    let members = client
        .count_team_members(&org, &team.id)
        .await
        .map_err(|e| {
            if e.status() == Some(404) {
                CliError::not_found(format!(
                    "Team {} is gone: someone deleted it since it was listed",
                    text::cell(&team.name)
                ))
            } else {
                e.into()
            }
        })?;
    drop(spinner);
    let mut outcome = DeleteOutcome {
        id: team.id.clone(),
        name: team.name.clone(),
        deleted: false,
        members,
        dry_run: args.dry_run,
    };
    let its = count(members, "member", "members");
    if args.dry_run {
        return print(ctx, &outcome, &its, args.json);
    }
    let question = format!("Delete Team \"{}\" ({its})?", text::cell(&team.name));
    confirm::ask(ctx, args.force, &question)?;
    let (client, _) = ctx.api().await?;
    client.delete_team(&org, &team.id).await?;
    outcome.deleted = true;
    print(ctx, &outcome, &its, args.json)
}

fn print(ctx: &Ctx, outcome: &DeleteOutcome, its: &str, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let what = format!("Team {} ({})", outcome.name, outcome.id);
    output::line(&if outcome.deleted {
        format!("Deleted {what}, which had {its}")
    } else {
        format!("Would delete {what}, which has {its} (dry run: nothing sent)")
    })
}
