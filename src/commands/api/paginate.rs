//! `--paginate`: every page of a list operation (`limit`, `offset`, `totalCount`). The first
//! page is asked for at the operation's largest size (unless `limit` is given) to learn the
//! total; the remaining pages are then fetched at once (bounded), as the client's own listings
//! do, and merged in order.

use reqwest::Method;
use serde_json::Value;

use crate::api::{Client, MAX_PAGE, RawRequest, RawResponse, pages_concurrently};
use crate::env_vars;
use crate::error::CliError;
use crate::openapi::{Location, Operation};

/// The most pages read (10 million items at full pages).
const MAX_PAGES: usize = 10_000;

/// `--paginate` needs a GET of a list operation.
pub fn check(operation: Option<&Operation>, method: &Method) -> Result<(), CliError> {
    if *method != Method::GET {
        return Err(CliError::usage(format!(
            "--paginate reads pages of a list; {method} is not a read"
        )));
    }
    if let Some(op) = operation {
        let has = |name: &str| {
            op.parameters
                .iter()
                .any(|p| p.location == Location::Query && p.name == name)
        };
        if !(has("limit") && has("offset")) {
            return Err(CliError::usage(format!(
                "--paginate needs a list operation (with limit and offset); {} is not one",
                op.id
            )));
        }
    }
    Ok(())
}

pub enum Pages {
    /// The first page came back with an error status.
    Failed(RawResponse),
    /// The first response and every page's document, in order.
    All {
        first: RawResponse,
        documents: Vec<Value>,
    },
}

/// A page's list: its array-valued key and items, and `totalCount`.
fn list_of(doc: &Value) -> Option<(&str, usize, usize)> {
    let object = doc.as_object()?;
    let total = usize::try_from(object.get("totalCount")?.as_u64()?).ok()?;
    let (key, items) = object
        .iter()
        .find_map(|(k, v)| v.as_array().map(|a| (k, a)))?;
    Some((key.as_str(), items.len(), total))
}

fn not_a_list() -> CliError {
    CliError::failure("--paginate: the response is not a page of a list (no totalCount and items)")
}

/// The request's query with its own `limit` (left out when `None`: the server's default) and
/// `offset` replaced.
fn query_with(
    request: &RawRequest<'_>,
    limit: Option<usize>,
    offset: usize,
) -> Vec<(String, String)> {
    let mut query: Vec<(String, String)> = request
        .query
        .iter()
        .filter(|(k, _)| k != "limit" && k != "offset")
        .cloned()
        .collect();
    if let Some(limit) = limit {
        query.push(("limit".to_owned(), limit.to_string()));
    }
    query.push(("offset".to_owned(), offset.to_string()));
    query
}

/// Fetches every page.
pub async fn fetch(
    client: &Client,
    request: &RawRequest<'_>,
    operation: Option<&Operation>,
) -> Result<Pages, CliError> {
    let given = |key: &str| {
        request
            .query
            .iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| v.parse::<usize>().ok())
    };
    let declared = operation
        .and_then(|op| op.parameters.iter().find(|p| p.name == "limit"))
        .and_then(|p| p.maximum)
        .and_then(|m| usize::try_from(m).ok());
    // `ASTRO_PAGING=reference` (for the benchmark) pages as the Go CLI's `api cloud
    // --paginate` does: the server's default page size, one page after another.
    let reference = env_vars::get(env_vars::PAGING).as_deref() == Some("reference");
    let limit = if reference {
        given("limit")
    } else {
        Some(given("limit").or(declared).unwrap_or(MAX_PAGE))
    };
    let start = given("offset").unwrap_or(0);
    let page = |offset: usize| {
        let query = query_with(request, limit, offset);
        async move {
            let response = client
                .raw(&RawRequest {
                    query: &query,
                    method: request.method.clone(),
                    ..*request
                })
                .await?;
            Ok::<_, CliError>(response)
        }
    };
    let first = page(start).await?;
    if first.status >= 400 {
        return Ok(Pages::Failed(first));
    }
    let document: Value = crate::api::decode_json(&first.body).map_err(|_| not_a_list())?;
    let (_, step, total) = list_of(&document).ok_or_else(not_a_list)?;
    let mut documents = vec![document];
    if reference {
        let mut offset = start + step;
        while step > 0 && offset < total && documents.len() < MAX_PAGES {
            let response = page(offset).await?;
            if response.status >= 400 {
                return Err(response.error().into());
            }
            let document: Value =
                crate::api::decode_json(&response.body).map_err(|_| not_a_list())?;
            let received = list_of(&document).map_or(0, |(_, n, _)| n);
            documents.push(document);
            if received == 0 {
                break;
            }
            offset += received;
        }
    } else if step > 0 && total > start + step {
        let offsets = (start + step..total).step_by(step).take(MAX_PAGES);
        let rest = pages_concurrently(offsets, |offset| {
            let fetched = page(offset);
            async move {
                let response = fetched.await?;
                if response.status >= 400 {
                    return Err(response.error().into());
                }
                crate::api::decode_json::<Value>(&response.body).map_err(|_| not_a_list())
            }
        })
        .await?;
        documents.extend(rest);
    }
    Ok(Pages::All { first, documents })
}

/// The pages as one document: the first page's, with every page's items under its list key,
/// `offset` where it started and `limit` the number of items.
pub fn merge(documents: Vec<Value>) -> Result<Value, CliError> {
    let mut pages = documents.into_iter();
    let mut merged = pages.next().ok_or_else(not_a_list)?;
    let key = list_of(&merged).ok_or_else(not_a_list)?.0.to_owned();
    let mut items = match merged[&key].take() {
        Value::Array(items) => items,
        _ => Vec::new(),
    };
    for mut page in pages {
        if let Value::Array(more) = page[&key].take() {
            items.extend(more);
        }
    }
    merged["limit"] = Value::from(items.len());
    merged[&key] = Value::Array(items);
    Ok(merged)
}
