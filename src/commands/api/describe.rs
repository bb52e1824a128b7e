//! `astro api describe <PATH|OPERATION_ID> [-X METHOD]`: an operation's parameters, request body
//! and responses, `$ref`s resolved a few levels deep; `--json` prints the operation as the
//! document has it.

use serde_json::Value;

use crate::cli::{JsonOnly, Takes};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::openapi::{Document, Found, Kind, Location, Operation, Parameter};
use crate::output;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  astro api describe CreateTeam\n  \
                        astro api describe /organizations/{organizationId}/teams -X POST\n  \
                        astro api describe ListTeams --json")]
pub struct DescribeArgs {
    /// A path (`/organizations/{organizationId}/teams`) or an operation ID (`ListTeams`)
    #[arg(value_name = "PATH|OPERATION_ID")]
    pub target: String,

    /// The method, for a path that has several
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// Print the operation as the document has it (JSON)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<JsonOnly>,
}

/// How deep nested schemas are shown.
const DEPTH: usize = 3;

pub fn run(args: DescribeArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let doc = Document::bundled()?;
    let method = args.method.as_deref().map(str::to_ascii_uppercase);
    let operations: Vec<&Operation> = match doc.find(args.target.trim()) {
        Found::Operation(op) => vec![op],
        Found::Path { operations, .. } => operations,
        Found::Nothing => {
            return Err(CliError::usage(format!(
                "no operation `{}` in the Astro API",
                echo(&args.target)
            ))
            .with_hint("list them with `astro api ls`"));
        }
    };
    let chosen: Vec<&Operation> = operations
        .iter()
        .filter(|op| method.as_deref().is_none_or(|m| op.method == m))
        .copied()
        .collect();
    if chosen.is_empty() {
        let methods: Vec<&str> = operations.iter().map(|o| o.method.as_str()).collect();
        return Err(CliError::usage(format!(
            "{} has no {} operation; it has {}",
            operations[0].path,
            method.unwrap_or_default(),
            methods.join(", ")
        )));
    }
    if ctx.wants_json(args.json) {
        let raw: Vec<Value> = chosen
            .iter()
            .filter_map(|op| doc.raw_operation(op).cloned())
            .collect();
        return match <[Value; 1]>::try_from(raw) {
            Ok([one]) => ctx.print_json(&one),
            Err(all) => ctx.print_json(&all),
        };
    }
    let text: Vec<String> = chosen.iter().map(|op| describe(&doc, op)).collect();
    output::data(&text.join("\n"))
}

/// The first sentence of a description, on one line.
fn short(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(end) => line[..=end].to_owned(),
        None => line,
    }
}

fn parameter_line(p: &Parameter) -> String {
    let mut kind = p.kind.name().to_owned();
    if p.array {
        kind.push_str("[]");
    }
    let mut notes = Vec::new();
    if p.required {
        notes.push("required".to_owned());
    }
    if let Some(max) = p.maximum {
        notes.push(format!("max {max}"));
    }
    if !p.values.is_empty() {
        notes.push(format!("one of {}", p.values.join(", ")));
    }
    format!(
        "  {:<24} {:<10} {}{}",
        p.name,
        kind,
        if notes.is_empty() {
            String::new()
        } else {
            format!("({}) ", notes.join("; "))
        },
        short(&p.description)
    )
}

/// A schema's type as a word: `Team`, `string`, `Team[]`, `object`.
fn type_word(schema: &Value, doc: &Document) -> String {
    if let Some(name) = Document::ref_name(schema) {
        return name.to_owned();
    }
    let resolved = doc.resolve(schema);
    match Kind::of_schema(resolved) {
        Kind::Array => format!(
            "{}[]",
            type_word(resolved.get("items").unwrap_or(&Value::Null), doc)
        ),
        Kind::Any if resolved.get("oneOf").is_some() => "one of several shapes".to_owned(),
        kind => kind.name().to_owned(),
    }
}

/// The properties of `schema`, one per line, nested ones indented (to [`DEPTH`]).
fn properties(schema: &Value, doc: &Document, depth: usize, out: &mut Vec<String>) {
    let resolved = doc.resolve(schema);
    let resolved = match Kind::of_schema(resolved) {
        Kind::Array => doc.resolve(resolved.get("items").unwrap_or(&Value::Null)),
        _ => resolved,
    };
    let parts: Vec<&Value> = match resolved.get("allOf").and_then(Value::as_array) {
        Some(all) => all.iter().map(|p| doc.resolve(p)).collect(),
        None => vec![resolved],
    };
    let indent = "  ".repeat(depth + 1);
    for part in parts {
        let required: Vec<&str> = part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (name, prop) in part
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let word = type_word(prop, doc);
            let target = doc.resolve(prop);
            let description = short(
                prop.get("description")
                    .or_else(|| target.get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            );
            let values: Vec<&str> = target
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let mut notes = Vec::new();
            if required.contains(&name.as_str()) {
                notes.push("required".to_owned());
            }
            if !values.is_empty() {
                notes.push(format!("one of {}", values.join(", ")));
            }
            let width = 24usize.saturating_sub(indent.len() - 2);
            out.push(format!(
                "{indent}{name:<width$} {word:<14} {}{description}",
                if notes.is_empty() {
                    String::new()
                } else {
                    format!("({}) ", notes.join("; "))
                },
            ));
            let nested = match Kind::of_schema(target) {
                Kind::Array => doc.resolve(target.get("items").unwrap_or(&Value::Null)),
                _ => target,
            };
            if depth + 1 < DEPTH && nested.get("properties").is_some() {
                properties(prop, doc, depth + 1, out);
            }
        }
    }
}

fn describe(doc: &Document, op: &Operation) -> String {
    let mut out = vec![format!("{} {}  ({})", op.method, op.path, op.id)];
    if !op.summary.is_empty() {
        out.push(op.summary.clone());
    }
    if !op.description.is_empty() && op.description != op.summary {
        out.push(short(&op.description));
    }
    for (location, title) in [
        (Location::Path, "Path parameters:"),
        (Location::Query, "Query parameters:"),
    ] {
        let params: Vec<&Parameter> = op
            .parameters
            .iter()
            .filter(|p| p.location == location)
            .collect();
        if !params.is_empty() {
            out.push(String::new());
            out.push(title.to_owned());
            out.extend(params.into_iter().map(parameter_line));
        }
    }
    if let Some(body) = &op.body {
        out.push(String::new());
        out.push(format!(
            "Request body ({}{}):",
            type_word(&body.schema, doc),
            if body.required { ", required" } else { "" }
        ));
        properties(&body.schema, doc, 0, &mut out);
    }
    out.push(String::new());
    out.push("Responses:".to_owned());
    for response in &op.responses {
        let shape = response
            .schema
            .as_ref()
            .map(|s| format!(": {}", type_word(s, doc)))
            .or_else(|| response.content_type.as_ref().map(|t| format!(": {t}")))
            .unwrap_or_default();
        out.push(format!(
            "  {} {}{shape}",
            response.status, response.description
        ));
        if response.status.starts_with('2')
            && let Some(schema) = &response.schema
        {
            properties(schema, doc, 1, &mut out);
        }
    }
    out.push(String::new());
    out.join("\n")
}
