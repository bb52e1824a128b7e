//! `astro api ls [FILTER]`: the bundled document's operations.

use serde::Serialize;

use crate::cli::{FormatArgs, OfflineTables, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::openapi::Document;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  astro api ls\n  astro api ls team\n  \
                        astro api ls --jq '.operations[] | select(.method == \"DELETE\") | .operationId'")]
pub struct LsArgs {
    /// Show only operations whose method, path, operation ID or summary contains this (any case)
    pub filter: Option<String>,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<OfflineTables>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    method: &'a str,
    path: &'a str,
    operation_id: &'a str,
    summary: &'a str,
}

#[derive(Serialize)]
struct Operations<'a> {
    operations: Vec<Row<'a>>,
}

pub fn run(args: LsArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let doc = Document::bundled()?;
    let filter = args.filter.as_deref().map(str::to_lowercase);
    let rows: Vec<Row<'_>> = doc
        .operations
        .iter()
        .map(|op| Row {
            method: &op.method,
            path: &op.path,
            operation_id: &op.id,
            summary: &op.summary,
        })
        .filter(|r| {
            filter.as_deref().is_none_or(|f| {
                [r.method, r.path, r.operation_id, r.summary]
                    .iter()
                    .any(|field| field.to_lowercase().contains(f))
            })
        })
        .collect();
    if ctx.wants_json(args.format.wants_json()) {
        return ctx.print_json(&Operations { operations: rows });
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                r.method.to_owned(),
                r.path.to_owned(),
                r.operation_id.to_owned(),
                r.summary.to_owned(),
            ]
        })
        .collect();
    ctx.print_table(
        &["METHOD", "PATH", "OPERATION_ID", "SUMMARY"],
        (&["SUMMARY", "PATH"], &["SUMMARY"]),
        table,
        ("operation", "operations"),
    )
}
