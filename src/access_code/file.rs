//! The access file's shape, checked without the API: the keys each level takes, roles of the
//! fixed sets (Organization and Workspace roles, any case or short name), emails, the same
//! person twice (emails compare ignoring case), a key given twice. Every problem is collected
//! with its place; what could be read is kept, so the checks against the Organization can
//! still run and report theirs in the same pass.
//!
//! ```yaml
//! organization: "c…"          # required: the Organization the file describes
//! members:                     # people, by email
//!   "grace@example.com":
//!     role: ORGANIZATION_OWNER # required
//!     status: PENDING          # written by export for invitees; informational
//!     workspaces: {"Data Platform": WORKSPACE_OWNER}   # absent: left alone; {}: none
//!     deployments: {"Data Platform": {"Ingestion": DEPLOYMENT_ADMIN}}  # by Workspace
//! teams:                       # by name
//!   "Platform Team":
//!     description: "…"         # absent: left alone
//!     role: ORGANIZATION_MEMBER  # required
//!     workspaces: {…}          # as for members
//!     deployments: {…}
//!     members: ["grace@example.com"]   # absent: left alone
//!     idpManaged: true         # written by export; such a Team is never changed
//! ```

use crate::roles::{self, OrgRole, Role, WorkspaceRole};

use super::tree::{Node, Pos, Problem, Value};

/// A value and where the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub at: Pos,
}

impl<T> Located<T> {
    pub fn new(value: T, at: Pos) -> Self {
        Self { value, at }
    }
}

/// The file as read: what is absent is `None` (left alone), what is there is kept in the
/// file's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessFile {
    pub organization: Option<Located<String>>,
    pub members: Option<Vec<MemberEntry>>,
    pub teams: Option<Vec<TeamEntry>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    pub email: Located<String>,
    /// The Organization role (the API's name); `None` when missing or invalid (reported).
    pub role: Option<Located<String>>,
    pub workspaces: Option<Vec<WorkspaceEntry>>,
    pub deployments: Option<Vec<DeploymentEntry>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEntry {
    pub name: Located<String>,
    pub description: Option<Located<String>>,
    /// The Organization role (the API's name); `None` when missing or invalid (reported).
    pub role: Option<Located<String>>,
    pub workspaces: Option<Vec<WorkspaceEntry>>,
    pub deployments: Option<Vec<DeploymentEntry>>,
    pub members: Option<Vec<Located<String>>>,
    pub idp_managed: Option<Located<bool>>,
}

/// A Workspace (a name or an ID, as written) and the role in it (the API's name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceEntry {
    pub workspace: Located<String>,
    pub role: Located<String>,
}

/// A Deployment (a name or an ID) in a Workspace (a name or an ID), and the role as written:
/// Deployment roles include the Organization's custom ones, checked against the API later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeploymentEntry {
    pub workspace: Located<String>,
    pub deployment: Located<String>,
    pub role: Located<String>,
}

const TOP_KEYS: &[&str] = &["organization", "members", "teams"];
const MEMBER_KEYS: &[&str] = &["role", "status", "workspaces", "deployments"];
const TEAM_KEYS: &[&str] = &[
    "description",
    "role",
    "workspaces",
    "deployments",
    "members",
    "idpManaged",
];

/// Reads the tree of an access file, adding every problem to `problems`.
pub fn read(tree: &Node, problems: &mut Vec<Problem>) -> AccessFile {
    let mut file = AccessFile::default();
    if tree.value == Value::Null {
        problems.push(Problem::new(
            tree.at,
            "the file is empty: it needs at least `organization`",
        ));
        return file;
    }
    let Some(entries) = mapping(tree, "the file", problems) else {
        return file;
    };
    let mut organization_given = false;
    for (key, value) in fields(entries, TOP_KEYS, "at the top level", problems) {
        match key {
            "organization" => {
                organization_given = true;
                file.organization = text(value, "`organization` (the Organization's ID)", problems)
            }
            "members" => file.members = Some(read_members(value, problems)),
            "teams" => file.teams = Some(read_teams(value, problems)),
            _ => unreachable!("fields() passes known keys only"),
        }
    }
    if !organization_given {
        problems.push(Problem::new(
            tree.at,
            "`organization` is missing: the ID of the Organization this file describes",
        ));
    }
    file
}

fn read_members(node: &Node, problems: &mut Vec<Problem>) -> Vec<MemberEntry> {
    let Some(entries) = mapping(node, "`members`", problems) else {
        return Vec::new();
    };
    let mut members: Vec<MemberEntry> = Vec::new();
    // Each email ignoring case, and where it first is: thousands of members stay quick.
    let mut seen: std::collections::HashMap<String, Located<String>> =
        std::collections::HashMap::new();
    for (key, value) in entries {
        let Some(email) = name_key(key, "an email", problems) else {
            continue;
        };
        if let Err(why) = crate::members::check_email(&email.value) {
            problems.push(Problem::new(email.at, why));
            continue;
        }
        if let Some(first) = seen.get(&email.value.to_lowercase()) {
            problems.push(Problem::new(
                email.at,
                format!(
                    "`{}` is listed twice: as `{}` at line {} too (emails compare ignoring case)",
                    crate::error::echo(&email.value),
                    crate::error::echo(&first.value),
                    first.at.line
                ),
            ));
            continue;
        }
        seen.insert(email.value.to_lowercase(), email.clone());
        let mut member = MemberEntry {
            email,
            role: None,
            workspaces: None,
            deployments: None,
        };
        let Some(fields_of) = mapping(value, "a member", problems) else {
            members.push(member);
            continue;
        };
        let mut role_given = false;
        for (field, field_value) in fields(fields_of, MEMBER_KEYS, "in a member", problems) {
            match field {
                "role" => {
                    role_given = true;
                    member.role = role::<OrgRole>(field_value, problems);
                }
                "status" => {
                    // Informational (export writes it for invitees): membership is decided by
                    // the Organization's listing.
                    let _ = text(field_value, "`status`", problems);
                }
                "workspaces" => member.workspaces = Some(read_workspaces(field_value, problems)),
                "deployments" => member.deployments = Some(read_deployments(field_value, problems)),
                _ => unreachable!("fields() passes known keys only"),
            }
        }
        if !role_given {
            problems.push(Problem::new(
                member.email.at,
                format!(
                    "member `{}` has no `role` (their Organization role)",
                    crate::error::echo(&member.email.value)
                ),
            ));
        }
        members.push(member);
    }
    members
}

fn read_teams(node: &Node, problems: &mut Vec<Problem>) -> Vec<TeamEntry> {
    let Some(entries) = mapping(node, "`teams`", problems) else {
        return Vec::new();
    };
    let mut teams: Vec<TeamEntry> = Vec::new();
    for (key, value) in entries {
        let Some(name) = name_key(key, "a Team name", problems) else {
            continue;
        };
        if let Err(why) = crate::teams::check_name(&name.value) {
            problems.push(Problem::new(name.at, format!("{why}: `{}`", name.value)));
            continue;
        }
        if let Some(first) = teams.iter().find(|t| t.name.value == name.value) {
            problems.push(Problem::new(
                name.at,
                format!(
                    "Team `{}` is listed twice (line {} too)",
                    crate::error::echo(&name.value),
                    first.name.at.line
                ),
            ));
            continue;
        }
        let mut team = TeamEntry {
            name,
            description: None,
            role: None,
            workspaces: None,
            deployments: None,
            members: None,
            idp_managed: None,
        };
        let Some(fields_of) = mapping(value, "a Team", problems) else {
            teams.push(team);
            continue;
        };
        let mut role_given = false;
        for (field, field_value) in fields(fields_of, TEAM_KEYS, "in a Team", problems) {
            match field {
                "description" => team.description = description(field_value, problems),
                "role" => {
                    role_given = true;
                    team.role = role::<OrgRole>(field_value, problems);
                }
                "workspaces" => team.workspaces = Some(read_workspaces(field_value, problems)),
                "deployments" => team.deployments = Some(read_deployments(field_value, problems)),
                "members" => team.members = Some(read_team_members(field_value, problems)),
                "idpManaged" => match field_value.value {
                    Value::Bool(b) => team.idp_managed = Some(Located::new(b, field_value.at)),
                    _ => problems.push(Problem::new(
                        field_value.at,
                        format!(
                            "`idpManaged` must be true or false, not {}",
                            field_value.kind()
                        ),
                    )),
                },
                _ => unreachable!("fields() passes known keys only"),
            }
        }
        if !role_given {
            problems.push(Problem::new(
                team.name.at,
                format!(
                    "Team `{}` has no `role` (its Organization role)",
                    crate::error::echo(&team.name.value)
                ),
            ));
        }
        teams.push(team);
    }
    teams
}

fn read_workspaces(node: &Node, problems: &mut Vec<Problem>) -> Vec<WorkspaceEntry> {
    let Some(entries) = mapping(node, "`workspaces`", problems) else {
        return Vec::new();
    };
    let mut out: Vec<WorkspaceEntry> = Vec::new();
    for (key, value) in entries {
        let Some(workspace) = name_key(key, "a Workspace name or ID", problems) else {
            continue;
        };
        if let Some(first) = out.iter().find(|w| w.workspace.value == workspace.value) {
            problems.push(Problem::new(
                workspace.at,
                format!(
                    "Workspace `{}` is given twice (line {} too)",
                    crate::error::echo(&workspace.value),
                    first.workspace.at.line
                ),
            ));
            continue;
        }
        if let Some(role) = role::<WorkspaceRole>(value, problems) {
            out.push(WorkspaceEntry { workspace, role });
        }
    }
    out
}

fn read_deployments(node: &Node, problems: &mut Vec<Problem>) -> Vec<DeploymentEntry> {
    let Some(entries) = mapping(node, "`deployments`", problems) else {
        return Vec::new();
    };
    let mut out: Vec<DeploymentEntry> = Vec::new();
    let mut workspaces_seen: Vec<Located<String>> = Vec::new();
    for (key, value) in entries {
        let Some(workspace) = name_key(key, "a Workspace name or ID", problems) else {
            continue;
        };
        if let Some(first) = workspaces_seen.iter().find(|w| w.value == workspace.value) {
            problems.push(Problem::new(
                workspace.at,
                format!(
                    "Workspace `{}` is given twice (line {} too)",
                    crate::error::echo(&workspace.value),
                    first.at.line
                ),
            ));
            continue;
        }
        workspaces_seen.push(workspace.clone());
        let Some(deployments) = mapping(
            value,
            "the Deployments of a Workspace (`Deployment: ROLE`)",
            problems,
        ) else {
            continue;
        };
        let mut seen: Vec<Located<String>> = Vec::new();
        for (dkey, dvalue) in deployments {
            let Some(deployment) = name_key(dkey, "a Deployment name or ID", problems) else {
                continue;
            };
            if let Some(first) = seen.iter().find(|d| d.value == deployment.value) {
                problems.push(Problem::new(
                    deployment.at,
                    format!(
                        "Deployment `{}` is given twice (line {} too)",
                        crate::error::echo(&deployment.value),
                        first.at.line
                    ),
                ));
                continue;
            }
            seen.push(deployment.clone());
            match dvalue.scalar().filter(|r| !r.trim().is_empty()) {
                Some(role) => out.push(DeploymentEntry {
                    workspace: workspace.clone(),
                    deployment,
                    role: Located::new(role.trim().to_owned(), dvalue.at),
                }),
                None => problems.push(Problem::new(
                    dvalue.at,
                    format!("expected a Deployment role, not {}", dvalue.kind()),
                )),
            }
        }
    }
    out
}

fn read_team_members(node: &Node, problems: &mut Vec<Problem>) -> Vec<Located<String>> {
    let items = match &node.value {
        Value::List(items) => items,
        _ => {
            problems.push(Problem::new(
                node.at,
                format!(
                    "`members` of a Team must be a list of emails (`[]` for none), not {}",
                    node.kind()
                ),
            ));
            return Vec::new();
        }
    };
    let mut out: Vec<Located<String>> = Vec::new();
    for item in items {
        let Some(email) = item.scalar() else {
            problems.push(Problem::new(
                item.at,
                format!("expected an email, not {}", item.kind()),
            ));
            continue;
        };
        if let Err(why) = crate::members::check_email(&email) {
            problems.push(Problem::new(item.at, why));
            continue;
        }
        if let Some(first) = out
            .iter()
            .find(|m| crate::api::same_email(&m.value, &email))
        {
            problems.push(Problem::new(
                item.at,
                format!(
                    "`{}` is listed twice in this Team: as `{}` at line {} too (emails compare ignoring case)",
                    crate::error::echo(&email),
                    crate::error::echo(&first.value),
                    first.at.line
                ),
            ));
            continue;
        }
        out.push(Located::new(email, item.at));
    }
    out
}

/// The entries of a mapping; anything else (`null` included) is a problem.
fn mapping<'a>(
    node: &'a Node,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<&'a [(Node, Node)]> {
    match &node.value {
        Value::Map(entries) => Some(entries),
        Value::Null => {
            problems.push(Problem::new(
                node.at,
                format!("{what} is empty: write `{{}}` for none"),
            ));
            None
        }
        _ => {
            problems.push(Problem::new(
                node.at,
                format!("{what} must be a mapping, not {}", node.kind()),
            ));
            None
        }
    }
}

/// The known fields of a mapping, each once; unknown and repeated keys are problems.
fn fields<'a>(
    entries: &'a [(Node, Node)],
    known: &'static [&'static str],
    place: &str,
    problems: &mut Vec<Problem>,
) -> Vec<(&'static str, &'a Node)> {
    let mut out: Vec<(&'static str, &'a Node, Pos)> = Vec::new();
    for (key, value) in entries {
        let Some(name) = key.scalar() else {
            problems.push(Problem::new(
                key.at,
                format!("expected a key, not {}", key.kind()),
            ));
            continue;
        };
        let Some(field) = known.iter().copied().find(|k| *k == name) else {
            problems.push(Problem::new(key.at, unknown_key(&name, known, place)));
            continue;
        };
        if let Some((_, _, first)) = out.iter().find(|(f, _, _)| *f == field) {
            problems.push(Problem::new(
                key.at,
                format!("`{field}` is given twice (line {} too)", first.line),
            ));
            continue;
        }
        out.push((field, value, key.at));
    }
    out.into_iter().map(|(f, v, _)| (f, v)).collect()
}

fn unknown_key(name: &str, known: &[&str], place: &str) -> String {
    let close = known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&name.to_lowercase(), &k.to_lowercase()),
                k,
            )
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default();
    format!(
        "unknown key `{}` {place}{close} (it takes {})",
        crate::error::echo(name),
        known
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// A key that names something (an email, a Team, a Workspace): text, not blank.
fn name_key(key: &Node, what: &str, problems: &mut Vec<Problem>) -> Option<Located<String>> {
    match key.scalar() {
        Some(name) if !name.trim().is_empty() => Some(Located::new(name, key.at)),
        _ => {
            problems.push(Problem::new(
                key.at,
                format!("expected {what}, not {}", key.kind()),
            ));
            None
        }
    }
}

fn text(node: &Node, what: &str, problems: &mut Vec<Problem>) -> Option<Located<String>> {
    match &node.value {
        Value::Text(t) if !t.trim().is_empty() => Some(Located::new(t.trim().to_owned(), node.at)),
        _ => {
            problems.push(Problem::new(
                node.at,
                format!("{what} must be text, not {}", node.kind()),
            ));
            None
        }
    }
}

fn description(node: &Node, problems: &mut Vec<Problem>) -> Option<Located<String>> {
    match &node.value {
        Value::Text(t) => Some(Located::new(t.clone(), node.at)),
        Value::Null => Some(Located::new(String::new(), node.at)),
        _ => {
            problems.push(Problem::new(
                node.at,
                format!("`description` must be text, not {}", node.kind()),
            ));
            None
        }
    }
}

/// A role of a fixed set: the API's name or the short one, in any case.
fn role<R: Role>(node: &Node, problems: &mut Vec<Problem>) -> Option<Located<String>> {
    let Some(given) = node.scalar() else {
        problems.push(Problem::new(
            node.at,
            format!("expected {} role, not {}", article(R::SCOPE), node.kind()),
        ));
        return None;
    };
    match roles::parse::<R>(&given) {
        Ok(role) => Some(Located::new(role.as_str().to_owned(), node.at)),
        Err(why) => {
            problems.push(Problem::new(node.at, why));
            None
        }
    }
}

fn article(scope: &str) -> String {
    match scope.chars().next() {
        Some('O') => format!("an {scope}"),
        _ => format!("a {scope}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_code::tree;

    fn read_text(text: &str) -> (AccessFile, Vec<String>) {
        let tree = tree::parse(text).unwrap();
        let mut problems = Vec::new();
        let file = read(&tree, &mut problems);
        problems.sort();
        (
            file,
            problems
                .iter()
                .map(|p| format!("{}: {}", p.at, p.message))
                .collect(),
        )
    }

    #[test]
    fn a_whole_file_is_read_with_roles_normalised() {
        let (file, problems) = read_text(
            "organization: c1\n\
             members:\n  \
               \"grace@example.com\":\n    \
                 role: owner\n    \
                 workspaces: {Analytics: author, \"c2\": WORKSPACE_OWNER}\n    \
                 deployments: {Analytics: {Reporting: DEPLOYMENT_ADMIN}}\n  \
               alan@example.com: {role: ORGANIZATION_MEMBER, status: PENDING}\n\
             teams:\n  \
               Platform:\n    \
                 description: The platform team\n    \
                 role: member\n    \
                 members: [grace@example.com]\n    \
                 idpManaged: false\n",
        );
        assert!(problems.is_empty(), "{problems:#?}");
        assert_eq!(file.organization.unwrap().value, "c1");
        let members = file.members.unwrap();
        assert_eq!(
            members[0].role.as_ref().unwrap().value,
            "ORGANIZATION_OWNER"
        );
        let ws = members[0].workspaces.as_ref().unwrap();
        assert_eq!(ws[0].role.value, "WORKSPACE_AUTHOR");
        assert_eq!(ws[1].workspace.value, "c2");
        let deps = members[0].deployments.as_ref().unwrap();
        assert_eq!(deps[0].deployment.value, "Reporting");
        assert!(members[1].workspaces.is_none());
        let teams = file.teams.unwrap();
        assert_eq!(teams[0].role.as_ref().unwrap().value, "ORGANIZATION_MEMBER");
        assert_eq!(teams[0].members.as_ref().unwrap().len(), 1);
        assert!(!teams[0].idp_managed.as_ref().unwrap().value);
    }

    #[test]
    fn every_problem_is_reported_with_its_place() {
        let (_, problems) = read_text(
            "organisation: c1\n\
             members:\n  \
               grace@example.com:\n    \
                 role: ownr\n    \
                 workspace: {}\n  \
               GRACE@example.com: {role: member}\n  \
               not-an-email: {role: member}\n  \
               alan@example.com: {workspaces: {A: WORKSPACE_BOSS}}\n\
             teams:\n  \
               Ops: {role: member, members: [x@y.io, X@Y.io], idpManaged: yes please}\n  \
               Ops2:\n\
             extra: 1\n",
        );
        assert_eq!(
            problems,
            [
                "1:1: `organization` is missing: the ID of the Organization this file describes",
                "1:1: unknown key `organisation` at the top level; did you mean `organization`? (it takes `organization`, `members`, `teams`)",
                "4:11: unknown Organization role `ownr`; did you mean ORGANIZATION_OWNER? (valid: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER; or the short names owner, observe_admin, observe_member, billing_admin, member)",
                "5:5: unknown key `workspace` in a member; did you mean `workspaces`? (it takes `role`, `status`, `workspaces`, `deployments`)",
                "6:3: `GRACE@example.com` is listed twice: as `grace@example.com` at line 3 too (emails compare ignoring case)",
                "7:3: `not-an-email` is not a valid email address: it has no @",
                "8:3: member `alan@example.com` has no `role` (their Organization role)",
                "8:38: unknown Workspace role `WORKSPACE_BOSS`; did you mean WORKSPACE_ACCESSOR? (valid: WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR; or the short names owner, operator, author, member, accessor)",
                "10:41: `X@Y.io` is listed twice in this Team: as `x@y.io` at line 10 too (emails compare ignoring case)",
                "10:62: `idpManaged` must be true or false, not text",
                "11:7: a Team is empty: write `{}` for none",
                "12:1: unknown key `extra` at the top level (it takes `organization`, `members`, `teams`)",
            ]
        );
    }

    #[test]
    fn repeated_keys_and_empty_values_are_problems() {
        let (_, problems) = read_text("organization: c1\norganization: c2\nmembers:\nteams: []\n");
        assert_eq!(
            problems,
            [
                "2:1: `organization` is given twice (line 1 too)",
                "3:8: `members` is empty: write `{}` for none",
                "4:8: `teams` must be a mapping, not a list",
            ]
        );
        let (_, problems) = read_text("");
        assert_eq!(
            problems,
            ["1:1: the file is empty: it needs at least `organization`"]
        );
    }
}
