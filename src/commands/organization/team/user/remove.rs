//! `astro organization team user remove`: take users out of a Team, the removals sent at the
//! same time.

use crate::bulk::report::Status;
use crate::cli::{Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::team_members::{self, Change, Summary};
use crate::teams;

use super::TeamBulkArgs;
use super::add::picked_team;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Users not in the Team are reported and left alone. Asks first on a terminal; needs \
                  --force otherwise. Exit 0 when every user ends up out of the Team, 3 when the only \
                  problem is users not in the Organization (and nobody was removed), 1 otherwise.\n\n\
                  Examples:\n  astro organization team user remove \"Platform Team\" grace@example.com\n  \
                  astro org te us rm \"Platform Team\" grace@example.com alan@example.com --force --json\n  \
                  astro org te us rm --from-file leavers.csv --force"
)]
pub struct RemoveArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The members' email addresses (any case) or user IDs; one is picked from the Team's
    /// members on a terminal when none is given
    #[arg(value_name = "EMAIL_OR_ID")]
    pub users: Vec<String>,

    /// Remove without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: TeamBulkArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    team_members::check_user_args(&args.users)?;
    if ctx.prompter.is_none() {
        if args.team.is_none() {
            return Err(CliError::missing(
                "the Team",
                "its name or ID as the TEAM argument",
            ));
        }
        if args.users.is_empty() {
            return Err(team_members::missing_users());
        }
        if !args.force && !args.bulk.dry_run {
            return Err(needs_force());
        }
    }
    let team = match args.team.as_deref() {
        Some(arg) => {
            let (client, org) = ctx.api().await?;
            teams::find(client, org, arg).await?
        }
        None => picked_team(ctx).await?,
    };
    teams::refuse_if_idp_managed(&team, Change::Remove.refusal())?;
    let (client, org) = ctx.api().await?;
    let members = client.list_team_members(org, &team.id).await?;
    let mut named = args.users.clone();
    if named.is_empty() {
        named.push(team_members::pick_member_to_remove(ctx, &members, &team)?);
    }
    // The Organization is listed only to tell someone not in the Team from someone not in the
    // Organization.
    let (client, org) = ctx.api().await?;
    let users = if team_members::any_outside(&named, &members) {
        Some(client.list_all_users(org).await?)
    } else {
        None
    };
    let mut results = team_members::plan(&named, &members, users.as_deref(), Change::Remove);
    let to_remove = results
        .iter()
        .filter(|r| r.result == Status::WouldRemove)
        .count();
    let mut summary_changed = false;
    let mut interrupted = false;
    if to_remove > 0 && !args.bulk.dry_run {
        if !args.force
            && let Some(prompter) = ctx.prompter.as_mut()
            && !prompter.confirm(&team_members::confirmation(&results, &team))?
        {
            return Err(CliError::failure("not confirmed; nothing was sent"));
        }
        let (client, org) = ctx.resolved_api()?;
        (summary_changed, interrupted) = team_members::remove_planned(
            ctx,
            client,
            org,
            &team,
            &mut results,
            usize::from(args.bulk.concurrency),
        )
        .await;
    }
    let summary = Summary {
        team: (&team).into(),
        results,
        changed: summary_changed,
        dry_run: args.bulk.dry_run,
    };
    team_members::finish(ctx, &summary, args.json, Change::Remove, interrupted)
}

/// Off a terminal, a removal needs `--force`.
pub fn needs_force() -> CliError {
    CliError::usage("removing members needs a confirmation, and there is no terminal to ask")
        .with_hint("pass --force to remove without asking")
}
