//! `astro organization team list`: every Team of the Organization, with its Organization role,
//! its member count (one ListTeamMembers per Team, all sent at once) and whether an identity
//! provider manages it.

use futures_util::{StreamExt, TryStreamExt, stream};
use serde::Serialize;

use crate::api::{Client, Team};
use crate::cli::{FormatArgs, Reads, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

/// How many member counts are asked for at once.
const COUNT_CONCURRENCY: usize = 64;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The MEMBERS column costs one request per Team, sent at once; with \
                  --json the counts are left out unless --members asks for them.\n\n\
                  Examples:\n  astro organization team list\n  \
                  astro org te ls --json --members --jq '.teams[] | select(.membersCount == 0) | .name'"
)]
pub struct ListArgs {
    /// With --json: count each Team's members too (adds `membersCount`; one more request per
    /// Team). Tables always show the count
    #[arg(long)]
    pub members: bool,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Reads>,
}

/// The Go CLI's keys (`isIdpManaged` kept when false), and `membersCount` when asked for.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TeamRow<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    created_at: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    org_role: Option<&'a str>,
    is_idp_managed: bool,
    /// Null when the Team was deleted while it was being counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    members_count: Option<Option<usize>>,
}

#[derive(Serialize)]
struct TeamList<'a> {
    teams: Vec<TeamRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let json = ctx.wants_json(args.format.wants_json());
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Organization's Teams…");
    let teams = client.list_all_teams(org).await?;
    let counts = if !json || args.members {
        spinner.set_message("Counting the Teams' members…");
        Some(count_members(client, org, &teams).await?)
    } else {
        None
    };
    drop(spinner);
    if json {
        return ctx.print_json(&TeamList {
            teams: teams
                .iter()
                .enumerate()
                .map(|(i, t)| TeamRow {
                    id: &t.id,
                    name: &t.name,
                    description: t.description.as_deref().filter(|d| !d.is_empty()),
                    created_at: &t.created_at,
                    org_role: t.organization_role.as_deref(),
                    is_idp_managed: t.is_idp_managed,
                    members_count: counts.as_ref().map(|c| c[i]),
                })
                .collect(),
        });
    }
    let counts = counts.unwrap_or_default();
    let rows = teams
        .iter()
        .zip(counts)
        .map(|(t, count)| {
            vec![
                t.name.clone(),
                t.id.clone(),
                t.description.clone().unwrap_or_default(),
                t.organization_role.clone().unwrap_or_default(),
                count.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                t.is_idp_managed.to_string(),
                t.created_at.clone(),
            ]
        })
        .collect();
    ctx.print_table(
        &[
            "NAME",
            "ID",
            "DESCRIPTION",
            "ORGANIZATION ROLE",
            "MEMBERS",
            "IDP MANAGED",
            "CREATE DATE",
        ],
        (
            &["NAME", "DESCRIPTION"],
            &["DESCRIPTION", "CREATE DATE", "ID"],
        ),
        rows,
        ("Team", "Teams"),
    )
}

/// Each Team's member count, in the order of `teams`, asked for at once (a bounded number in
/// flight); a Team deleted since it was listed (404) has none.
async fn count_members(
    client: &Client,
    org: &str,
    teams: &[Team],
) -> Result<Vec<Option<usize>>, CliError> {
    stream::iter(teams)
        .map(|t| async move {
            match client.count_team_members(org, &t.id).await {
                Ok(n) => Ok(Some(n)),
                Err(e) if e.status() == Some(404) => Ok(None),
                Err(e) => Err(CliError::from(e)),
            }
        })
        .buffered(COUNT_CONCURRENCY)
        .try_collect()
        .await
}
