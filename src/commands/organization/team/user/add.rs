//! `astro organization team user add`: add users to a Team, all in one request.

use crate::api::Team;
use crate::cli::{Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::team_members::{self, Change, Summary};
use crate::teams;

use super::TeamBulkArgs;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Users already in the Team are reported and left alone; everyone else is added with one \
                  request. Exit 0 when every user ends up in the Team, 3 when the only problem is users \
                  not in the Organization (and nobody was added), 1 otherwise.\n\n\
                  Examples:\n  astro organization team user add \"Platform Team\" grace@example.com alan@example.com\n  \
                  astro org te us add cm1team000000000000000000 cm1user000000000000000000 --json\n  \
                  astro org te us add --from-file members.csv --dry-run"
)]
pub struct AddArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    /// The users' email addresses (any case) or user IDs; one is picked from the Organization's
    /// members not in the Team on a terminal when none is given
    #[arg(value_name = "EMAIL_OR_ID")]
    pub users: Vec<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: TeamBulkArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

pub async fn run(args: AddArgs, ctx: &mut Ctx) -> Result<(), CliError> {
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
    }
    let picked = match args.team {
        Some(_) => None,
        None => Some(picked_team(ctx).await?),
    };
    // The Team and its members, and at the same time the Organization's members.
    ctx.api().await?;
    let (client, org) = ctx.resolved_api()?;
    let team_and_members = async {
        let team = match (picked, args.team.as_deref()) {
            (Some(team), _) => team,
            (None, arg) => teams::find(client, org, arg.unwrap_or_default()).await?,
        };
        teams::refuse_if_idp_managed(&team, Change::Add.refusal())?;
        let members = client.list_team_members(org, &team.id).await?;
        Ok::<_, CliError>((team, members))
    };
    let users = async { Ok::<_, CliError>(client.list_all_users(org).await?) };
    let ((team, members), users) = tokio::try_join!(team_and_members, users)?;
    let mut named = args.users.clone();
    if named.is_empty() {
        named.push(team_members::pick_user_to_add(
            ctx, &users, &members, &team,
        )?);
    }
    let mut results = team_members::plan(&named, &members, Some(&users), Change::Add);
    let (client, org) = ctx.resolved_api()?;
    let changed =
        !args.bulk.dry_run && team_members::add_planned(client, org, &team, &mut results).await;
    let summary = Summary {
        team: (&team).into(),
        results,
        changed,
        dry_run: args.bulk.dry_run,
    };
    team_members::finish(ctx, &summary, args.json, Change::Add, false)
}

/// A Team picked on the terminal among those whose members can be changed here (not managed
/// by an identity provider).
pub async fn picked_team(ctx: &mut Ctx) -> Result<Team, CliError> {
    let (client, org) = ctx.api().await?;
    let mut all = client.list_all_teams(org).await?;
    all.retain(|t| !t.is_idp_managed);
    teams::pick(ctx, all, "Team")
}
