//! `astro api <PATH|OPERATION_ID>`: one request (or, with `--paginate`, every page of a list),
//! checked against the bundled document before anything is sent.

use std::collections::BTreeMap;
use std::path::PathBuf;

use reqwest::Method;
use serde_json::Value;

use super::{fields, paginate};
use crate::api::{Client, Preview, RawRequest, RawResponse};
use crate::cli::{ApiRequests, Takes};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members::is_cuid;
use crate::openapi::{self, Document, Found, Operation};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct RequestArgs {
    /// A path (`/organizations/{organizationId}/teams`, the leading slash optional, a query
    /// string allowed) or an operation ID (`ListTeams`, any case)
    #[arg(value_name = "PATH|OPERATION_ID", required = true)]
    pub target: Option<String>,

    /// The HTTP method [default: the operation's; for a path GET, or POST with fields or --input]
    #[arg(short = 'X', long, value_name = "METHOD")]
    pub method: Option<String>,

    /// A string field: a query parameter for GET, else a body property (key[sub]=v nests,
    /// key[]=v appends; a key given twice is an array)
    #[arg(short = 'f', long = "raw-field", value_name = "KEY=VALUE")]
    pub raw_fields: Vec<String>,

    /// A typed field: numbers, true, false and null as JSON; @FILE (or @-) reads a file's text
    #[arg(short = 'F', long = "field", value_name = "KEY=VALUE")]
    pub fields: Vec<String>,

    /// An extra request header
    #[arg(short = 'H', long = "header", value_name = "NAME:VALUE")]
    pub headers: Vec<String>,

    /// The request body from a file, or `-` for stdin (fields then go to the query string)
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,

    /// A value for a path placeholder ({organizationId}, {workspaceId} and {deploymentId} come
    /// from --organization-id, --workspace-id and --deployment-id or the usual defaults)
    #[arg(short = 'p', long = "path-param", value_name = "KEY=VALUE")]
    pub path_params: Vec<String>,

    /// Fetch every page of a list (the first, then the rest at once) and print one document
    #[arg(long, conflicts_with_all = ["input", "generate"])]
    pub paginate: bool,

    /// With --paginate: print an array of the pages instead of one merged document
    #[arg(long, requires = "paginate")]
    pub slurp: bool,

    /// Print the status line and response headers before the body
    #[arg(short = 'i', long)]
    pub include: bool,

    /// Print no response body
    #[arg(long)]
    pub silent: bool,

    /// Print an equivalent curl command instead of sending (the token as $ASTRO_API_TOKEN)
    #[arg(long)]
    pub generate: bool,

    /// Send the request even when the document says it is wrong
    #[arg(long)]
    pub no_validate: bool,

    #[command(flatten)]
    pub globals: Takes<ApiRequests>,
}

/// The placeholders filled from the usual resolution.
const ORGANIZATION: &str = "organizationId";
const WORKSPACE: &str = "workspaceId";
const DEPLOYMENT: &str = "deploymentId";

/// A request worked out from the line, before the placeholders are filled.
pub struct Planned<'d> {
    pub operation: Option<&'d Operation>,
    pub method: Method,
    /// The path with placeholders, as given or the operation's.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

fn key_value<'a>(raw: &'a str, flag: &str) -> Result<(&'a str, &'a str), CliError> {
    raw.split_once('=')
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| CliError::usage(format!("{flag} `{}` is not key=value", echo(raw))))
}

fn header(raw: &str) -> Result<(String, String), CliError> {
    raw.split_once(':')
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| CliError::usage(format!("-H `{}` is not NAME:VALUE", echo(raw))))
}

fn methods_of(ops: &[&Operation]) -> String {
    ops.iter()
        .map(|o| o.method.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Works out the operation, method, path, query and body, and checks them (unless
/// `--no-validate`): everything that can be wrong with the line, before any request.
pub fn plan<'d>(args: &RequestArgs, doc: &'d Document) -> Result<Planned<'d>, CliError> {
    let target = args.target.as_deref().unwrap_or_default().trim();
    let (target, inline_query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (target, None),
    };
    let mut query: Vec<(String, String)> = inline_query
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let fields = fields::parse(&args.raw_fields, &args.fields)?;
    let input = args
        .input
        .as_ref()
        .map(|file| fields::read_file(&file.to_string_lossy(), "--input"))
        .transpose()?;
    let method = match &args.method {
        Some(m) => m.trim().to_ascii_uppercase(),
        None => match doc.find(target) {
            Found::Operation(op) => op.method.clone(),
            _ if fields.is_some() || input.is_some() => "POST".to_owned(),
            _ => "GET".to_owned(),
        },
    };
    let validate = !args.no_validate;
    let (operation, path) = match doc.find(target) {
        Found::Operation(op) if op.method == method || !validate => (Some(op), op.path.clone()),
        Found::Operation(op) => {
            return Err(CliError::usage(format!(
                "{} is {} {}; -X {method} does not apply",
                op.id, op.method, op.path
            ))
            .with_hint("leave out -X, or pass --no-validate to send it anyway"));
        }
        Found::Path { operations, .. } => match operations.iter().find(|o| o.method == method) {
            Some(op) => (Some(*op), target.to_owned()),
            None if !validate => (None, target.to_owned()),
            None => {
                let why = if method == "PATCH" {
                    " (the v1 API has no PATCH)"
                } else {
                    ""
                };
                let mut err = CliError::usage(format!(
                    "{method} is not a method of {}{why}; it has {}",
                    operations[0].path,
                    methods_of(&operations)
                ));
                if method == "POST" && args.method.is_none() {
                    err = err.with_hint("fields make the request a POST; pass -X GET to send them as query parameters");
                }
                return Err(err);
            }
        },
        Found::Nothing if target.contains('/') && !validate => (None, target.to_owned()),
        Found::Nothing if target.contains('/') => {
            return Err(CliError::usage(format!(
                "no operation of the Astro API has the path `{}`",
                echo(target)
            ))
            .with_hint("list them with `astro api ls`, or pass --no-validate to send it anyway"));
        }
        Found::Nothing => {
            let similar = doc.similar_ids(target);
            let hint = if similar.is_empty() {
                "list them with `astro api ls`".to_owned()
            } else {
                format!("did you mean {}?", similar.join(" or "))
            };
            return Err(CliError::usage(format!(
                "no operation `{}` in the Astro API",
                echo(target)
            ))
            .with_hint(hint));
        }
    };
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| CliError::usage(format!("-X `{}` is not an HTTP method", echo(&method))))?;
    // Fields are the query of a GET (or of a request whose body is --input), else the body.
    let in_query = input.is_some() || matches!(method, Method::GET | Method::HEAD);
    let (body, body_json) = match (&input, fields) {
        (Some(bytes), fields) => {
            if let Some(fields) = fields {
                query.extend(fields::to_query(&fields)?);
            }
            (
                Some(bytes.clone()),
                serde_json::from_slice::<Value>(bytes).ok(),
            )
        }
        (None, Some(fields)) if in_query => {
            query.extend(fields::to_query(&fields)?);
            (None, None)
        }
        (None, Some(fields)) => (Some(fields.to_string().into_bytes()), Some(fields)),
        (None, None) => (None, None),
    };
    if validate && let Some(op) = operation {
        if input.is_some() && body_json.is_none() && op.body.is_some() {
            return Err(CliError::usage(format!(
                "--input is not JSON, and {} takes a JSON body",
                op.id
            )));
        }
        openapi::check_query(op, &query)?;
        openapi::check_body(op, body_json.as_ref())?;
    }
    if args.paginate {
        paginate::check(operation, &method)?;
    }
    let headers = args
        .headers
        .iter()
        .map(|h| header(h))
        .collect::<Result<_, _>>()?;
    Ok(Planned {
        operation,
        method,
        path,
        query,
        headers,
        body,
    })
}

/// The path's segments with every placeholder filled: `-p` first, then the Organization,
/// Workspace and Deployment from the usual resolution. A placeholder left without a value is a
/// usage error naming `-p`, found before any request.
async fn fill_path(path: &str, args: &RequestArgs, ctx: &mut Ctx) -> Result<Vec<String>, CliError> {
    let mut given = BTreeMap::new();
    let names = openapi::placeholders(path);
    for raw in &args.path_params {
        let (key, value) = key_value(raw, "-p")?;
        if !names.contains(&key) {
            return Err(CliError::usage(format!(
                "-p {key}: the path has no {{{key}}}; its placeholders are {}",
                if names.is_empty() {
                    "none".to_owned()
                } else {
                    names.join(", ")
                }
            )));
        }
        given.insert(key.to_owned(), value.to_owned());
    }
    let unfilled = |name: &str| {
        let flag = match name {
            ORGANIZATION => " (or --organization-id)",
            WORKSPACE => " (or --workspace-id)",
            DEPLOYMENT => " (or --deployment-id)",
            _ => "",
        };
        CliError::usage(format!("the path's {{{name}}} has no value"))
            .with_hint(format!("pass -p {name}=VALUE{flag}"))
    };
    if let Some(name) = names
        .iter()
        .find(|n| !given.contains_key(**n) && ![ORGANIZATION, WORKSPACE, DEPLOYMENT].contains(*n))
    {
        return Err(unfilled(name));
    }
    for name in names {
        if given.contains_key(name) {
            continue;
        }
        let value = match name {
            ORGANIZATION => {
                let session = ctx.session().await?;
                session
                    .organization_id
                    .clone()
                    .ok_or_else(|| unfilled(name))?
            }
            WORKSPACE => match crate::workspaces::selected(ctx).await? {
                Some((value, _)) if is_cuid(&value) => value,
                Some(_) => crate::workspaces::current(ctx).await?.id,
                None => return Err(unfilled(name)),
            },
            _ => match ctx.deployment_option() {
                Some((value, _)) if is_cuid(value) => value.to_owned(),
                Some(_) => crate::deployments::current(ctx).await?.id,
                None => return Err(unfilled(name)),
            },
        };
        given.insert(name.to_owned(), value);
    }
    openapi::fill_template(path, |name| given.get(name).cloned())
        .map_err(|missing| unfilled(&missing[0]))
}

pub async fn run(args: RequestArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let doc = Document::bundled()?;
    let planned = plan(&args, &doc)?;
    let segments = fill_path(&planned.path, &args, ctx).await?;
    let verbose = ctx.verbose();
    ctx.client().await?;
    let client = ctx.resolved_client()?;
    let request = RawRequest {
        method: planned.method.clone(),
        segments: &segments,
        query: &planned.query,
        headers: &planned.headers,
        body: planned.body.as_deref(),
    };
    if args.generate {
        return output::data(&curl(&client.preview(&request), planned.body.as_deref()));
    }
    if verbose {
        show_request(&client.preview(&request), planned.body.as_deref());
    }
    if args.paginate {
        let pages = paginate::fetch(client, &request, planned.operation).await?;
        let (first, documents) = match pages {
            paginate::Pages::Failed(response) => return finish(&args, ctx, &response, verbose),
            paginate::Pages::All { first, documents } => (first, documents),
        };
        if verbose {
            show_response(&first);
        }
        if args.include {
            output::data(&status_and_headers(&first))?;
        }
        if args.silent {
            return Ok(());
        }
        return if args.slurp {
            ctx.print_json(&Value::Array(documents))
        } else {
            ctx.print_json(&paginate::merge(documents)?)
        };
    }
    let response = send(client, &request).await?;
    finish(&args, ctx, &response, verbose)
}

async fn send(client: &Client, request: &RawRequest<'_>) -> Result<RawResponse, CliError> {
    Ok(client.raw(request).await?)
}

/// Prints the response (the body even for an error status, as gh does) and maps an error
/// status to its exit code.
fn finish(
    args: &RequestArgs,
    ctx: &Ctx,
    response: &RawResponse,
    verbose: bool,
) -> Result<(), CliError> {
    if verbose {
        show_response(response);
    }
    if args.include {
        output::data(&status_and_headers(response))?;
    }
    let failed = response.status >= 400;
    if !args.silent && !response.body.is_empty() {
        match serde_json::from_slice::<Value>(&response.body) {
            // --jq applies to a successful response only.
            Ok(json) if !failed => ctx.print_json(&json)?,
            Ok(json) => output::json(&json)?,
            Err(_) => {
                let mut text = String::from_utf8_lossy(&response.body).into_owned();
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                output::data(&text)?;
            }
        }
    }
    if failed {
        return Err(response.error().into());
    }
    Ok(())
}

fn status_line(response: &RawResponse) -> String {
    let reason = reqwest::StatusCode::from_u16(response.status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or_default();
    format!("{} {} {reason}", response.version, response.status)
}

fn status_and_headers(response: &RawResponse) -> String {
    let mut text = status_line(response);
    text.push('\n');
    for (name, value) in &response.headers {
        text.push_str(&format!("{name}: {value}\n"));
    }
    text.push('\n');
    text
}

/// `--verbose`: the request as sent (the token masked) on stderr.
fn show_request(preview: &Preview, body: Option<&[u8]>) {
    output::note(&format!("> {} {}", preview.method, preview.url));
    for (name, value) in &preview.headers {
        output::note(&format!("> {name}: {value}"));
    }
    if let Some(body) = body {
        output::note(&format!("> {}", String::from_utf8_lossy(body)));
    }
}

/// `--verbose`: the response's status line and headers on stderr.
fn show_response(response: &RawResponse) {
    output::note(&format!("< {}", status_line(response)));
    for (name, value) in &response.headers {
        output::note(&format!("< {name}: {value}"));
    }
}

/// A shell word in single quotes.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// `--generate`: the request as a curl command, the token left to `$ASTRO_API_TOKEN`.
fn curl(preview: &Preview, body: Option<&[u8]>) -> String {
    let mut words = vec![
        "curl".to_owned(),
        "-sS".to_owned(),
        "-X".to_owned(),
        preview.method.to_string(),
        quote(preview.url.as_str()),
    ];
    for (name, value) in &preview.headers {
        words.push("-H".to_owned());
        if name.eq_ignore_ascii_case("authorization") {
            words.push("\"Authorization: Bearer $ASTRO_API_TOKEN\"".to_owned());
        } else {
            words.push(quote(&format!("{name}: {value}")));
        }
    }
    if let Some(body) = body {
        words.push("--data-binary".to_owned());
        words.push(quote(&String::from_utf8_lossy(body)));
    }
    format!("{}\n", words.join(" "))
}
