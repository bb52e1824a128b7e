//! The operations of the vendored OpenAPI document (`openapi/astro-v1.0.openapi.yml`), read
//! from the document itself: the router is built from this table, so every documented
//! operation is routed (served, or 501 naming it), every documented path answers 405 for
//! the methods it does not have, and anything else is a 404.
//!
//! The document is embedded at build time and scanned once per process (a few thousand lines,
//! well under a millisecond in release). The scan relies on the document's layout (`paths:`
//! at the top level, a path per two-space key, a method per four-space key, `operationId` six
//! spaces in); a unit test checks it against a full YAML parse, so a reformatted document
//! fails the tests rather than silently losing routes.

use std::sync::OnceLock;

/// The vendored document, as text.
pub const DOCUMENT: &str = include_str!("../openapi/astro-v1.0.openapi.yml");

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One documented operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The path template under the base URL, e.g. `/organizations/{organizationId}/users`.
    pub path: &'static str,
    /// Upper case, e.g. `GET`.
    pub method: String,
    pub operation_id: &'static str,
}

/// Every operation of the document, in document order.
pub fn operations() -> &'static [Operation] {
    static OPS: OnceLock<Vec<Operation>> = OnceLock::new();
    OPS.get_or_init(|| scan(DOCUMENT))
}

fn scan(doc: &'static str) -> Vec<Operation> {
    let mut out = vec![];
    let mut in_paths = false;
    let mut path: Option<&'static str> = None;
    let mut method: Option<&'static str> = None;
    for line in doc.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_paths = line.trim_end() == "paths:";
            path = None;
            method = None;
            continue;
        }
        if !in_paths {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        match indent {
            2 => {
                method = None;
                path = text
                    .strip_suffix(':')
                    .map(|p| p.trim_matches(|c| c == '\'' || c == '"'))
                    .filter(|p| p.starts_with('/'));
            }
            4 => {
                method = text
                    .strip_suffix(':')
                    .filter(|m| METHODS.contains(m) && path.is_some());
            }
            6 => {
                if let (Some(p), Some(m), Some(id)) =
                    (path, method, text.strip_prefix("operationId:"))
                {
                    out.push(Operation {
                        path: p,
                        method: m.to_ascii_uppercase(),
                        operation_id: id.trim().trim_matches(|c| c == '\'' || c == '"'),
                    });
                    method = None;
                }
            }
            _ => {}
        }
    }
    out
}

/// The path template with its parameters renamed by position (`{p0}`, `{p1}`, …), so two
/// documented templates that differ only in parameter names (`/roles/{roleId}` and
/// `/roles/{customRoleId}`) are one route.
pub fn route_template(path: &str) -> String {
    let mut n = 0;
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') && seg.ends_with('}') {
                n += 1;
                format!("{{p{}}}", n - 1)
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// The line scan finds exactly what a YAML parser finds.
    #[test]
    fn the_scan_agrees_with_a_full_parse() {
        let doc: serde_json::Value = serde_saphyr::from_str(DOCUMENT).expect("document parses");
        let mut parsed = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if METHODS.contains(&method.as_str()) {
                    parsed.insert((
                        path.clone(),
                        method.to_ascii_uppercase(),
                        op["operationId"].as_str().expect("operationId").to_string(),
                    ));
                }
            }
        }
        let scanned: BTreeSet<_> = operations()
            .iter()
            .map(|o| {
                (
                    o.path.to_string(),
                    o.method.clone(),
                    o.operation_id.to_string(),
                )
            })
            .collect();
        assert_eq!(scanned.len(), operations().len(), "no duplicates");
        assert_eq!(scanned, parsed);
        assert_eq!(parsed.len(), 75);
    }

    #[test]
    fn templates_are_renamed_by_position() {
        assert_eq!(
            route_template("/organizations/{organizationId}/roles/{roleId}"),
            "/organizations/{p0}/roles/{p1}"
        );
        assert_eq!(route_template("/users/self"), "/users/self");
    }
}
