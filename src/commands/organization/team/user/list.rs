//! `astro organization team user list`: a Team's members.

use serde::Serialize;

use crate::cli::{FormatArgs, Takes, Writes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;
use crate::teams;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  astro organization team user list \"Platform Team\"\n  \
                        astro org te us ls \"Platform Team\" --jq '.members[].email'"
)]
pub struct ListArgs {
    /// The Team's name (any case when only one Team has it) or ID; picked from the Teams on a
    /// terminal when missing
    #[arg(value_name = "TEAM")]
    pub team: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Writes>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberRow<'a> {
    id: &'a str,
    email: &'a str,
    full_name: Option<&'a str>,
    /// When they were added to the Team.
    added_at: Option<&'a str>,
}

#[derive(Serialize)]
struct MemberList<'a> {
    members: Vec<MemberRow<'a>>,
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if args.team.is_none() && ctx.prompter.is_none() {
        return Err(CliError::missing(
            "the Team",
            "its name or ID as the TEAM argument",
        ));
    }
    let team = teams::named_or_picked(ctx, args.team.as_deref(), "Team").await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Team's members…");
    let members = client.list_team_members(org, &team.id).await?;
    drop(spinner);
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&MemberList {
            members: members
                .iter()
                .map(|m| MemberRow {
                    id: &m.user_id,
                    email: &m.username,
                    full_name: m.full_name.as_deref(),
                    added_at: m.created_at.as_deref(),
                })
                .collect(),
        });
    }
    if members.is_empty() {
        output::note(&format!(
            "Team {} has no members",
            crate::text::cell(&team.name)
        ));
        return Ok(());
    }
    let rows = members
        .iter()
        .map(|m| {
            vec![
                m.full_name.clone().unwrap_or_default(),
                m.username.clone(),
                m.user_id.clone(),
            ]
        })
        .collect();
    ctx.print_table(
        &["FULLNAME", "EMAIL", "ID"],
        (&["FULLNAME", "EMAIL"], &["ID"]),
        rows,
        ("member", "members"),
    )
}
