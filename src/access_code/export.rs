//! The live access written as an access file, deterministically: members by email and Teams,
//! Workspaces and Deployments by name (ignoring case, then exactly), so that two exports of an
//! unchanged Organization are byte-identical and a diff of two exports reads as a change log.
//! In YAML every key that is a name (an email, a Team, a Workspace, a Deployment) is quoted, so
//! that names such as `yes`, `2024` or `null` read back as the same names; an object named by
//! its ID (its name is shared) has the name in a comment. JSON has the same shape, without the
//! comments.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::api::{DeploymentRole, WorkspaceRole};

use super::live::{Live, name_order};

/// A document to write: mappings keep their order.
#[derive(Debug, Clone, PartialEq)]
pub enum Out {
    Map(Vec<Entry>),
    List(Vec<Out>),
    /// Text, quoted in YAML.
    Text(String),
    /// A role name: bare in YAML when it is a plain upper-case word.
    Role(String),
    Bool(bool),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// A name (quoted in YAML), not one of the format's own keys.
    pub named: bool,
    pub value: Out,
    /// A YAML comment after the key (or the value, for a scalar).
    pub comment: Option<String>,
}

impl Entry {
    fn field(key: &str, value: Out) -> Self {
        Self {
            key: key.to_owned(),
            named: false,
            value,
            comment: None,
        }
    }

    fn named(key: String, comment: Option<String>, value: Out) -> Self {
        Self {
            key,
            named: true,
            value,
            comment,
        }
    }
}

/// What an export left out: Deployment roles on Deployments the listing does not show (their
/// Workspace is unknown, so they have no place in the file).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Omitted {
    pub deployment_roles: usize,
}

/// The live access as a document (see the module's comment for the order).
pub fn document(live: &Live) -> (Out, Omitted) {
    let mut omitted = Omitted::default();
    let mut top = vec![Entry {
        key: "organization".into(),
        named: false,
        value: Out::Text(live.organization_id.clone()),
        comment: live.organization_name.clone(),
    }];

    let mut users: Vec<&crate::api::User> = live.users.iter().collect();
    users.sort_by_cached_key(|u| name_order(&u.username));
    let members = users
        .into_iter()
        .map(|u| {
            let mut fields = vec![Entry::field(
                "role",
                Out::Role(u.organization_role.clone().unwrap_or_default()),
            )];
            if u.status != "ACTIVE" && !u.status.is_empty() {
                fields.push(Entry::field("status", Out::Role(u.status.clone())));
            }
            fields.push(Entry::field(
                "workspaces",
                workspaces(live, u.workspace_roles.as_deref().unwrap_or_default()),
            ));
            let deployments = deployments(
                live,
                u.deployment_roles.as_deref().unwrap_or_default(),
                &mut omitted,
            );
            if let Out::Map(entries) = &deployments
                && !entries.is_empty()
            {
                fields.push(Entry::field("deployments", deployments));
            }
            Entry::named(u.username.clone(), None, Out::Map(fields))
        })
        .collect();
    top.push(Entry::field("members", Out::Map(members)));

    let mut teams: Vec<&crate::api::Team> = live.teams.iter().collect();
    teams.sort_by_cached_key(|t| (name_order(&t.name), t.id.clone()));
    let teams = teams
        .into_iter()
        .map(|t| {
            let mut fields = Vec::new();
            if let Some(description) = t.description.as_deref().filter(|d| !d.is_empty()) {
                fields.push(Entry::field(
                    "description",
                    Out::Text(description.to_owned()),
                ));
            }
            fields.push(Entry::field(
                "role",
                Out::Role(t.organization_role.clone().unwrap_or_default()),
            ));
            fields.push(Entry::field(
                "workspaces",
                workspaces(live, t.workspace_roles.as_deref().unwrap_or_default()),
            ));
            let deployments = deployments(
                live,
                t.deployment_roles.as_deref().unwrap_or_default(),
                &mut omitted,
            );
            if let Out::Map(entries) = &deployments
                && !entries.is_empty()
            {
                fields.push(Entry::field("deployments", deployments));
            }
            let mut emails: Vec<String> = live
                .team_members
                .get(&t.id)
                .into_iter()
                .flatten()
                .map(|m| m.username.clone())
                .collect();
            emails.sort_by_cached_key(|e| name_order(e));
            fields.push(Entry::field(
                "members",
                Out::List(emails.into_iter().map(Out::Text).collect()),
            ));
            if t.is_idp_managed {
                fields.push(Entry::field("idpManaged", Out::Bool(true)));
            }
            let shared = live.teams.iter().any(|o| o.id != t.id && o.name == t.name);
            let (key, comment) = if shared {
                (t.id.clone(), Some(t.name.clone()))
            } else {
                (t.name.clone(), None)
            };
            Entry::named(key, comment, Out::Map(fields))
        })
        .collect();
    top.push(Entry::field("teams", Out::Map(teams)));
    (Out::Map(top), omitted)
}

/// `{Workspace: ROLE}`, by Workspace name.
fn workspaces(live: &Live, roles: &[WorkspaceRole]) -> Out {
    let mut entries: Vec<(String, Option<String>, String)> = roles
        .iter()
        .map(|r| {
            let (key, comment) = live.workspace_key(&r.workspace_id);
            (key, comment, r.role.clone())
        })
        .collect();
    entries.sort_by_cached_key(|(key, comment, _)| {
        (name_order(comment.as_deref().unwrap_or(key)), key.clone())
    });
    Out::Map(
        entries
            .into_iter()
            .map(|(key, comment, role)| Entry::named(key, comment, Out::Role(role)))
            .collect(),
    )
}

/// A key, its comment, and the role it holds.
type Keyed = (String, Option<String>, String);

/// `{Workspace: {Deployment: ROLE}}`, by Workspace, then Deployment name.
fn deployments(live: &Live, roles: &[DeploymentRole], omitted: &mut Omitted) -> Out {
    // Workspace ID -> (Deployment key, comment, role)
    let mut by_workspace: BTreeMap<String, Vec<(String, Option<String>, String)>> = BTreeMap::new();
    for role in roles {
        let Some(deployment) = live.deployment(&role.deployment_id) else {
            omitted.deployment_roles += 1;
            continue;
        };
        let (key, comment) = live.deployment_key(deployment);
        by_workspace
            .entry(deployment.workspace_id.clone())
            .or_default()
            .push((key, comment, role.role.clone()));
    }
    let mut workspaces: Vec<(String, Option<String>, Vec<Keyed>)> = by_workspace
        .into_iter()
        .map(|(id, mut deployments)| {
            deployments.sort_by_cached_key(|(key, comment, _)| {
                (name_order(comment.as_deref().unwrap_or(key)), key.clone())
            });
            let (key, comment) = live.workspace_key(&id);
            (key, comment, deployments)
        })
        .collect();
    workspaces.sort_by_cached_key(|(key, comment, _)| {
        (name_order(comment.as_deref().unwrap_or(key)), key.clone())
    });
    Out::Map(
        workspaces
            .into_iter()
            .map(|(key, comment, deployments)| {
                Entry::named(
                    key,
                    comment,
                    Out::Map(
                        deployments
                            .into_iter()
                            .map(|(key, comment, role)| Entry::named(key, comment, Out::Role(role)))
                            .collect(),
                    ),
                )
            })
            .collect(),
    )
}

/// The document as YAML: two-space indents, block style, `{}`/`[]` for empty ones.
pub fn to_yaml(doc: &Out) -> String {
    let mut text = String::new();
    if let Out::Map(entries) = doc {
        write_entries(&mut text, entries, 0);
    }
    text
}

fn write_entries(text: &mut String, entries: &[Entry], indent: usize) {
    let pad = " ".repeat(indent);
    for entry in entries {
        let key = if entry.named {
            quote(&entry.key)
        } else {
            entry.key.clone()
        };
        let comment = entry
            .comment
            .as_deref()
            .map(|c| format!("  # {}", crate::text::cell(c)))
            .unwrap_or_default();
        match &entry.value {
            Out::Map(inner) if inner.is_empty() => {
                let _ = writeln!(text, "{pad}{key}: {{}}{comment}");
            }
            Out::List(items) if items.is_empty() => {
                let _ = writeln!(text, "{pad}{key}: []{comment}");
            }
            Out::Map(inner) => {
                let _ = writeln!(text, "{pad}{key}:{comment}");
                write_entries(text, inner, indent + 2);
            }
            Out::List(items) => {
                let _ = writeln!(text, "{pad}{key}:{comment}");
                for item in items {
                    let _ = writeln!(text, "{pad}  - {}", scalar(item));
                }
            }
            value => {
                let _ = writeln!(text, "{pad}{key}: {}{comment}", scalar(value));
            }
        }
    }
}

fn scalar(value: &Out) -> String {
    match value {
        Out::Text(t) => quote(t),
        Out::Role(r) if is_plain_role(r) => r.clone(),
        Out::Role(r) => quote(r),
        Out::Bool(b) => b.to_string(),
        // Nested collections inside lists do not occur in this format.
        Out::Map(_) | Out::List(_) => String::new(),
    }
}

/// `ORGANIZATION_OWNER`, `DEPLOYMENT_ADMIN`: safe without quotes (never a YAML keyword).
fn is_plain_role(role: &str) -> bool {
    let mut chars = role.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && !matches!(
            role,
            "NULL" | "TRUE" | "FALSE" | "Y" | "N" | "YES" | "NO" | "ON" | "OFF"
        )
}

/// A YAML double-quoted scalar: `"` and `\` escaped, and every character YAML does not allow
/// printed as an escape.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if printable(c) => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
    out
}

/// YAML 1.2's printable characters (`c-printable`), less the byte-order mark and NEL (a line
/// break to YAML 1.1 readers).
fn printable(c: char) -> bool {
    matches!(c as u32,
        0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFEFE | 0xFF00..=0xFFFD | 0x10000..=0x10FFFF)
}

/// The document as JSON (two-space indent, a trailing newline), keys in the same order.
pub fn to_json(doc: &Out) -> String {
    let mut text = serde_json::to_string_pretty(&json_value(doc)).unwrap_or_default();
    text.push('\n');
    text
}

fn json_value(value: &Out) -> serde_json::Value {
    match value {
        Out::Map(entries) => serde_json::Value::Object(
            entries
                .iter()
                .map(|e| (e.key.clone(), json_value(&e.value)))
                .collect(),
        ),
        Out::List(items) => serde_json::Value::Array(items.iter().map(json_value).collect()),
        Out::Text(t) | Out::Role(t) => serde_json::Value::String(t.clone()),
        Out::Bool(b) => serde_json::Value::Bool(*b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_code::tree;

    #[test]
    fn quoted_names_read_back_as_the_same_text() {
        for name in [
            "yes",
            "2024",
            "null",
            "~",
            "a: b",
            "# not a comment",
            "quote \" and \\ back",
            "tab\tand\nnewline",
            "bell \u{7} del \u{7f} c1 \u{85}\u{9b}",
            "emoji 🚀 and ünïcödé",
            " spaced ",
            "",
        ] {
            let yaml = format!("{}: x\n", quote(name));
            let tree = tree::parse(&yaml).unwrap_or_else(|e| panic!("{name:?}: {e:?}"));
            let tree::Value::Map(entries) = tree.value else {
                panic!()
            };
            assert_eq!(
                entries[0].0.value,
                tree::Value::Text(name.to_owned()),
                "{yaml}"
            );
        }
    }

    #[test]
    fn roles_are_bare_only_when_plain() {
        assert!(is_plain_role("WORKSPACE_OWNER"));
        assert!(!is_plain_role("Dag Operator"));
        assert!(!is_plain_role("YES"));
        assert!(!is_plain_role(""));
    }

    #[test]
    fn yaml_layout_with_comments_and_empty_collections() {
        let doc = Out::Map(vec![
            Entry {
                key: "organization".into(),
                named: false,
                value: Out::Text("c1".into()),
                comment: Some("Acme\nCorp".into()),
            },
            Entry::field(
                "members",
                Out::Map(vec![Entry::named(
                    "a@x.io".into(),
                    None,
                    Out::Map(vec![
                        Entry::field("role", Out::Role("ORGANIZATION_OWNER".into())),
                        Entry::field(
                            "workspaces",
                            Out::Map(vec![Entry::named(
                                "cw1".into(),
                                Some("Ops".into()),
                                Out::Role("WORKSPACE_OWNER".into()),
                            )]),
                        ),
                    ]),
                )]),
            ),
            Entry::field(
                "teams",
                Out::Map(vec![Entry::named(
                    "Ops".into(),
                    None,
                    Out::Map(vec![
                        Entry::field("workspaces", Out::Map(vec![])),
                        Entry::field("members", Out::List(vec![])),
                        Entry::field("idpManaged", Out::Bool(true)),
                    ]),
                )]),
            ),
        ]);
        assert_eq!(
            to_yaml(&doc),
            "organization: \"c1\"  # Acme Corp\n\
             members:\n  \
               \"a@x.io\":\n    \
                 role: ORGANIZATION_OWNER\n    \
                 workspaces:\n      \
                   \"cw1\": WORKSPACE_OWNER  # Ops\n\
             teams:\n  \
               \"Ops\":\n    \
                 workspaces: {}\n    \
                 members: []\n    \
                 idpManaged: true\n"
        );
        assert_eq!(
            to_json(&doc),
            "{\n  \"organization\": \"c1\",\n  \"members\": {\n    \"a@x.io\": {\n      \"role\": \"ORGANIZATION_OWNER\",\n      \"workspaces\": {\n        \"cw1\": \"WORKSPACE_OWNER\"\n      }\n    }\n  },\n  \"teams\": {\n    \"Ops\": {\n      \"workspaces\": {},\n      \"members\": [],\n      \"idpManaged\": true\n    }\n  }\n}\n"
        );
    }
}
