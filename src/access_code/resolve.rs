//! The file's names resolved against the Organization: Workspaces, Deployments and Teams by
//! ID, exact name, or name ignoring case when only one has it (as everywhere in `astro`);
//! people by email, ignoring case. What cannot be resolved is a problem with its place: an
//! unknown or ambiguous Workspace, Deployment or Team, a Deployment role the Organization does
//! not offer there, a Team member who is neither in the Organization nor listed to be invited,
//! two keys naming one thing, a file for another Organization.

use std::collections::{BTreeMap, HashSet};

use crate::api::{Deployment, Team};
use crate::deployment_roles;
use crate::error::{Exit, echo};
use crate::lookup::{self, Named};
use crate::members::is_cuid;

use super::file::{AccessFile, DeploymentEntry, Located, WorkspaceEntry};
use super::live::{Catalogue, Live, People};
use super::tree::{Pos, Problem};

/// What the file asks for, by ID. A list that is `None` is not described: left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desired {
    /// Whether the file has `members` (people it does not list may then lose roles of the
    /// kinds below, with `--prune`).
    pub describes_members: bool,
    /// Whether some member has `workspaces`: the file describes members' Workspace roles.
    pub member_workspaces: bool,
    /// Whether some member has `deployments`.
    pub member_deployments: bool,
    pub members: Vec<DesiredMember>,
    pub teams: Vec<DesiredTeam>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredMember {
    /// The Organization's spelling for a member, the file's for someone to invite.
    pub email: String,
    /// `None`: not in the Organization, to be invited.
    pub user_id: Option<String>,
    pub role: String,
    /// Workspace ID -> role.
    pub workspaces: Option<BTreeMap<String, String>>,
    /// Deployment ID -> role.
    pub deployments: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesiredTeam {
    /// The Team's name as the Organization has it (as the file has it, for a new one).
    pub name: String,
    /// `None`: a new Team.
    pub team_id: Option<String>,
    pub idp_managed: bool,
    pub description: Option<String>,
    pub role: String,
    pub workspaces: Option<BTreeMap<String, String>>,
    pub deployments: Option<BTreeMap<String, String>>,
    pub members: Option<Vec<MemberRef>>,
}

/// A person as a Team's member list names them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct MemberRef {
    /// `None`: someone the file invites.
    pub user_id: Option<String>,
    pub email: String,
}

/// The problem of a file for another Organization, checked before anything is read.
pub fn check_organization(file: &AccessFile, org: &str, source: &str) -> Option<Problem> {
    let given = file.organization.as_ref()?;
    (given.value != org).then(|| {
        Problem::new(
            given.at,
            format!(
                "this file describes Organization `{}`, not `{org}` (the Organization from {source})",
                echo(&given.value)
            ),
        )
    })
}

/// Whether the file names Deployments (so the Deployments are listed), and Deployment roles (so
/// the Organization's Deployment roles are read).
pub fn names_deployments(file: &AccessFile) -> (bool, bool) {
    let lists = file
        .members
        .iter()
        .flatten()
        .map(|m| &m.deployments)
        .chain(file.teams.iter().flatten().map(|t| &t.deployments));
    let (mut any_key, mut any_entry) = (false, false);
    for list in lists.flatten() {
        any_key = true;
        any_entry |= !list.is_empty();
    }
    (any_key, any_entry)
}

/// The Teams whose members the plan compares: those the file names, with `members`.
pub fn teams_to_read(file: &AccessFile, teams: &[Team]) -> Vec<String> {
    file.teams
        .iter()
        .flatten()
        .filter(|t| t.members.is_some())
        .filter_map(|t| lookup::find(teams, &t.name.value, lookup::TEAM).ok())
        .map(|t| t.id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Resolves the file against `live`, adding a problem for everything that does not resolve.
pub fn resolve(file: &AccessFile, live: &Live, problems: &mut Vec<Problem>) -> Desired {
    let people = live.people();
    let mut r = Resolver {
        live,
        people: &people,
        problems,
        warned_unchecked: false,
    };
    let mut desired = Desired {
        describes_members: file.members.is_some(),
        ..Desired::default()
    };
    for entry in file.members.iter().flatten() {
        desired.member_workspaces |= entry.workspaces.is_some();
        desired.member_deployments |= entry.deployments.is_some();
        let workspaces = entry.workspaces.as_deref().map(|w| r.workspaces(w));
        let deployments = entry.deployments.as_deref().map(|d| r.deployments(d));
        let Some(role) = &entry.role else { continue };
        let user = people.by_email(&entry.email.value);
        desired.members.push(DesiredMember {
            email: user.map_or_else(|| entry.email.value.clone(), |u| u.username.clone()),
            user_id: user.map(|u| u.id.clone()),
            role: role.value.clone(),
            workspaces,
            deployments,
        });
    }
    // People the file invites (whatever else is wrong with their entry): Teams may list them.
    let invitees: Vec<String> = file
        .members
        .iter()
        .flatten()
        .filter(|m| people.by_email(&m.email.value).is_none())
        .map(|m| m.email.value.clone())
        .collect();
    let mut seen: Vec<(String, Pos)> = Vec::new();
    let mut new_names: Vec<(String, Pos)> = Vec::new();
    for entry in file.teams.iter().flatten() {
        let workspaces = entry.workspaces.as_deref().map(|w| r.workspaces(w));
        let deployments = entry.deployments.as_deref().map(|d| r.deployments(d));
        let members = entry
            .members
            .as_deref()
            .map(|m| r.team_members(m, &invitees));
        let team = match lookup::find(&live.teams, &entry.name.value, lookup::TEAM) {
            Ok(team) => {
                if let Some((_, first)) = seen.iter().find(|(id, _)| *id == team.id) {
                    r.problem(
                        entry.name.at,
                        format!(
                            "`{}` names Team {} (`{}`), as line {} does",
                            echo(&entry.name.value),
                            crate::text::cell(&team.name),
                            team.id,
                            first.line
                        ),
                    );
                    continue;
                }
                seen.push((team.id.clone(), entry.name.at));
                Some(team)
            }
            Err(e) if e.exit == Exit::NotFound && is_cuid(&entry.name.value) => {
                r.problem(
                    entry.name.at,
                    format!("no Team has the ID `{}`", entry.name.value),
                );
                continue;
            }
            Err(e) if e.exit == Exit::NotFound => {
                let folded = entry.name.value.to_lowercase();
                if let Some((_, first)) = new_names.iter().find(|(n, _)| n.to_lowercase() == folded)
                {
                    r.problem(
                        entry.name.at,
                        format!(
                            "new Team `{}` has the name of the new Team at line {}, ignoring case: Teams are named ignoring case",
                            echo(&entry.name.value),
                            first.line
                        ),
                    );
                    continue;
                }
                new_names.push((entry.name.value.clone(), entry.name.at));
                None
            }
            Err(e) => {
                r.problem(
                    entry.name.at,
                    format!("{}; write the exact name or the Team's ID", e.message),
                );
                continue;
            }
        };
        if let Some(flag) = entry.idp_managed.as_ref().filter(|f| f.value) {
            match team {
                Some(t) if t.is_idp_managed => {}
                Some(t) => r.problem(
                    flag.at,
                    format!(
                        "Team {} is not managed by an identity provider; remove `idpManaged: true`",
                        crate::text::cell(&t.name)
                    ),
                ),
                None => r.problem(
                    flag.at,
                    format!(
                        "Team `{}` does not exist, and a Team managed by an identity provider cannot be created here",
                        echo(&entry.name.value)
                    ),
                ),
            }
        }
        let Some(role) = &entry.role else { continue };
        desired.teams.push(DesiredTeam {
            name: team.map_or_else(|| entry.name.value.clone(), |t| t.name.clone()),
            team_id: team.map(|t| t.id.clone()),
            idp_managed: team.is_some_and(|t| t.is_idp_managed),
            description: entry.description.as_ref().map(|d| d.value.clone()),
            role: role.value.clone(),
            workspaces,
            deployments,
            members,
        });
    }
    desired
}

struct Resolver<'a> {
    live: &'a Live,
    people: &'a People<'a>,
    problems: &'a mut Vec<Problem>,
    warned_unchecked: bool,
}

impl Resolver<'_> {
    fn problem(&mut self, at: Pos, message: impl Into<String>) {
        self.problems.push(Problem::new(at, message));
    }

    /// The Workspace `key` names: its ID.
    fn workspace(&mut self, key: &Located<String>) -> Option<String> {
        match lookup::find(&self.live.workspaces, &key.value, lookup::WORKSPACE) {
            Ok(w) => Some(w.id.clone()),
            Err(e) if e.exit == Exit::NotFound => {
                // An ID a role names though the listing does not show the Workspace.
                let held = self.live.users.iter().any(|u| {
                    u.workspace_roles
                        .iter()
                        .flatten()
                        .any(|r| r.workspace_id == key.value)
                });
                if held {
                    return Some(key.value.clone());
                }
                let mut names: Vec<&str> = self
                    .live
                    .workspaces
                    .iter()
                    .map(|w| w.name.as_str())
                    .collect();
                names.sort_by_key(|n| n.to_lowercase());
                let shown = if names.len() > 10 {
                    format!("{}, …", names[..10].join(", "))
                } else {
                    names.join(", ")
                };
                self.problem(
                    key.at,
                    format!(
                        "no Workspace `{}` in the Organization (its Workspaces: {shown})",
                        echo(&key.value)
                    ),
                );
                None
            }
            Err(e) => {
                self.problem(key.at, e.message);
                None
            }
        }
    }

    fn workspaces(&mut self, entries: &[WorkspaceEntry]) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        let mut at: BTreeMap<String, Pos> = BTreeMap::new();
        for entry in entries {
            let Some(id) = self.workspace(&entry.workspace) else {
                continue;
            };
            if let Some(first) = at.get(&id) {
                let message = format!(
                    "`{}` names the Workspace line {} names",
                    echo(&entry.workspace.value),
                    first.line
                );
                self.problem(entry.workspace.at, message);
                continue;
            }
            at.insert(id.clone(), entry.workspace.at);
            out.insert(id, entry.role.value.clone());
        }
        out
    }

    fn deployments(&mut self, entries: &[DeploymentEntry]) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        let mut at: BTreeMap<String, Pos> = BTreeMap::new();
        let mut workspace_of: BTreeMap<(u64, u64), Option<String>> = BTreeMap::new();
        for entry in entries {
            // Each Workspace key is resolved (and reported) once.
            let key = (entry.workspace.at.line, entry.workspace.at.column);
            let workspace = match workspace_of.get(&key) {
                Some(ws) => ws.clone(),
                None => {
                    let ws = self.workspace(&entry.workspace);
                    workspace_of.insert(key, ws.clone());
                    ws
                }
            };
            let Some(workspace) = workspace else { continue };
            let Some(deployment) = self.deployment(&workspace, &entry.deployment) else {
                continue;
            };
            let Some(role) = self.deployment_role(&deployment, &entry.role) else {
                continue;
            };
            if let Some(first) = at.get(&deployment.id) {
                let message = format!(
                    "`{}` names the Deployment line {} names",
                    echo(&entry.deployment.value),
                    first.line
                );
                self.problem(entry.deployment.at, message);
                continue;
            }
            at.insert(deployment.id.clone(), entry.deployment.at);
            out.insert(deployment.id.clone(), role);
        }
        out
    }

    fn deployment(&mut self, workspace: &str, key: &Located<String>) -> Option<Deployment> {
        let here: Vec<Deployment> = self
            .live
            .deployments
            .iter()
            .filter(|d| d.workspace_id == workspace)
            .cloned()
            .collect();
        match lookup::find(&here, &key.value, crate::deployments::KIND) {
            Ok(d) => Some(d.clone()),
            Err(e) if e.exit == Exit::NotFound => {
                let names: Vec<&str> = here.iter().map(Named::name).collect();
                let message = format!(
                    "no Deployment `{}` in Workspace {} (its Deployments: {})",
                    echo(&key.value),
                    crate::text::cell(&self.live.workspace_label(workspace)),
                    if names.is_empty() {
                        "none".to_owned()
                    } else {
                        names.join(", ")
                    }
                );
                self.problem(key.at, message);
                None
            }
            Err(e) => {
                self.problem(key.at, e.message);
                None
            }
        }
    }

    /// The role as the API names it, if the Organization offers it on `deployment`.
    fn deployment_role(
        &mut self,
        deployment: &Deployment,
        role: &Located<String>,
    ) -> Option<String> {
        let admin = |given: &str| {
            given.eq_ignore_ascii_case(deployment_roles::ADMIN)
                || given.eq_ignore_ascii_case("admin")
        };
        match &self.live.catalogue {
            Catalogue::Roles(roles) => {
                let valid: Vec<String> = roles
                    .iter()
                    .filter(|r| {
                        r.restricted_workspace_ids.as_ref().is_none_or(|ids| {
                            ids.is_empty() || ids.contains(&deployment.workspace_id)
                        })
                    })
                    .map(|r| r.name.clone())
                    .collect();
                match deployment_roles::Catalogue::of(valid, &deployment.name).check(&role.value) {
                    Ok(name) => Some(name),
                    Err(e) => {
                        self.problem(role.at, e.message);
                        None
                    }
                }
            }
            _ if admin(&role.value) => Some(deployment_roles::ADMIN.to_owned()),
            _ => {
                if !self.warned_unchecked {
                    self.warned_unchecked = true;
                    crate::output::note(
                        "warning: this token may not list the Organization's roles, so custom Deployment roles are not checked",
                    );
                }
                Some(role.value.clone())
            }
        }
    }

    /// A Team's members: people of the Organization, or people the file invites.
    fn team_members(&mut self, emails: &[Located<String>], invitees: &[String]) -> Vec<MemberRef> {
        let mut out = Vec::new();
        let mut ids: HashSet<String> = HashSet::new();
        for email in emails {
            if let Some(user) = self.people.by_email(&email.value) {
                if ids.insert(user.id.clone()) {
                    out.push(MemberRef {
                        user_id: Some(user.id.clone()),
                        email: user.username.clone(),
                    });
                }
            } else if let Some(invitee) = invitees
                .iter()
                .find(|m| crate::api::same_email(m, &email.value))
            {
                out.push(MemberRef {
                    user_id: None,
                    email: invitee.clone(),
                });
            } else {
                self.problem(
                    email.at,
                    format!(
                        "`{}` is not a member of the Organization; list them under `members` to invite them",
                        echo(&email.value)
                    ),
                );
            }
        }
        out
    }
}
