//! `astro organization list`: the Organizations the token can see, the current one marked.

use serde::Serialize;

use crate::cli::{FormatArgs, Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, clap::Args)]
pub struct OrgListArgs {
    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<ListGlobals>,
}

/// The Organizations come from the token, not from `--organization-id`.
pub struct ListGlobals;
impl GlobalSet for ListGlobals {
    const TAKES: &'static [Global] = &[Global::Json, Global::NoHeaders, Global::Http];
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OrgRow<'a> {
    name: &'a str,
    id: &'a str,
    is_current: bool,
}

#[derive(Serialize)]
struct OrgList<'a> {
    organizations: Vec<OrgRow<'a>>,
}

pub async fn run(args: OrgListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let current = ctx.session().await?.organization_id.clone();
    let organizations = ctx.client().await?.list_all_organizations().await?;
    let rows: Vec<OrgRow<'_>> = organizations
        .iter()
        .map(|o| OrgRow {
            name: &o.name,
            id: &o.id,
            is_current: current.as_deref() == Some(o.id.as_str()),
        })
        .collect();
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&OrgList {
            organizations: rows,
        });
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_owned(),
                r.id.to_owned(),
                if r.is_current { "*" } else { "" }.to_owned(),
            ]
        })
        .collect();
    ctx.print_table(
        &["NAME", "ID", "CURRENT"],
        (&["NAME"], &[]),
        table,
        ("Organization", "Organizations"),
    )
}
