//! The plan: what would make the Organization's access match the file, as a list of changes
//! that `apply` can execute as it stands (every subject, Workspace, Deployment and member by
//! ID, `null` for what the run itself creates: an invitee, a new Team), the removals it leaves
//! alone (without `--prune`, and everything about a Team an identity provider manages), and
//! the refusals a file can earn (the last ACTIVE Organization Owner removed; demoting yourself).
//!
//! What is compared: a member's Organization role always; their Workspace (Deployment) roles
//! when they have `workspaces` (`deployments`); people the file does not list lose roles of
//! the kinds the file describes for members, with `--prune`; a Team's description when given,
//! its Organization role, Workspace and Deployment roles as for members, its members when it
//! has `members`. Teams the file does not list are left alone, Teams are never deleted, invites
//! never cancelled, DAG roles never touched, and nobody leaves the Organization.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde::Serialize;

use crate::api::{DeploymentRole, User, WorkspaceRole};
use crate::guard;

use super::live::{Live, name_order};
use super::resolve::{Desired, MemberRef};

/// The shape of the JSON `plan --json` prints (and `apply` reads); raised on any change that
/// is not an addition.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// CreateUserInvite: `subject` (no ID yet) with Organization role `after`.
    Invite,
    OrganizationRole,
    WorkspaceRole,
    DeploymentRole,
    /// CreateTeam: `subject` (no ID yet) with Organization role `after` and `description`.
    TeamCreate,
    TeamDescription,
    /// A Team's member: `member` added or removed.
    TeamMember,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    Add,
    Change,
    Remove,
}

/// Why a change is left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Reason {
    /// A removal, and `--prune` was not given.
    Prune,
    /// The Team is managed by an identity provider: never changed here.
    IdpManaged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum SubjectType {
    User,
    Team,
}

/// Whose access changes. `id` is `null` for an invitee or a new Team (the run creates it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    #[serde(rename = "type")]
    pub kind: SubjectType,
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Subject {
    fn user(id: Option<&str>, email: &str) -> Self {
        Self {
            kind: SubjectType::User,
            id: id.map(str::to_owned),
            email: Some(email.to_owned()),
            name: None,
        }
    }

    fn team(id: Option<&str>, name: &str) -> Self {
        Self {
            kind: SubjectType::Team,
            id: id.map(str::to_owned),
            email: None,
            name: Some(name.to_owned()),
        }
    }

    fn label(&self) -> &str {
        self.email.as_deref().or(self.name.as_deref()).unwrap_or("")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub id: String,
    /// `null` when the listing does not show it.
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentPlace {
    pub id: String,
    pub name: Option<String>,
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
}

/// A Team member added or removed: `id` `null` for someone the run invites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub id: Option<String>,
    pub email: String,
}

/// One change (see the README's "Access as code" for the shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub kind: Kind,
    pub action: Action,
    pub subject: Subject,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<Place>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<DeploymentPlace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<Member>,
    /// The role (or description) now; `null` for an addition.
    pub before: Option<String>,
    /// The role (or description) wanted; `null` for a removal.
    pub after: Option<String>,
    /// A new Team's description (TeamCreate only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Why it is left alone (in `leftAlone` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// How the plan's text names the Workspace or Deployment.
    #[serde(skip)]
    target: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub add: usize,
    pub change: usize,
    pub remove: usize,
    pub left_alone: usize,
}

/// What `plan --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub format_version: u32,
    pub organization_id: String,
    pub prune: bool,
    pub summary: Summary,
    /// What `apply` would do, in the order of the text's groups.
    pub changes: Vec<Change>,
    /// Differences `apply` would not touch, with the reason.
    pub left_alone: Vec<Change>,
}

impl Change {
    /// How the plan's text names the Workspace or Deployment (empty for other kinds).
    pub fn target(&self) -> &str {
        &self.target
    }
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compares the desired state with the live one.
pub fn diff(desired: &Desired, live: &Live, prune: bool) -> Plan {
    let people = live.people();
    let mut found: Vec<Change> = Vec::new();
    let mut push = |change: Change| found.push(change);
    let listed: BTreeSet<&str> = desired
        .members
        .iter()
        .filter_map(|m| m.user_id.as_deref())
        .collect();

    for member in &desired.members {
        let subject = Subject::user(member.user_id.as_deref(), &member.email);
        let user = member.user_id.as_deref().and_then(|id| people.by_id(id));
        match user {
            None => push(change(Kind::Invite, &subject, None, Some(&member.role))),
            Some(u) if u.organization_role.as_deref() != Some(member.role.as_str()) => {
                push(change(
                    Kind::OrganizationRole,
                    &subject,
                    u.organization_role.as_deref(),
                    Some(&member.role),
                ))
            }
            Some(_) => {}
        }
        let held = user.map(held_roles).unwrap_or_default();
        if let Some(wanted) = &member.workspaces {
            for c in compare(&held.workspaces, wanted) {
                push(workspace_change(live, &subject, c));
            }
        }
        if let Some(wanted) = &member.deployments {
            for c in compare(&held.deployments, wanted) {
                push(deployment_change(live, &subject, c));
            }
        }
    }
    if desired.describes_members {
        for user in live
            .users
            .iter()
            .filter(|u| !listed.contains(u.id.as_str()))
        {
            let subject = Subject::user(Some(&user.id), &user.username);
            let held = held_roles(user);
            if desired.member_workspaces {
                for c in compare(&held.workspaces, &BTreeMap::new()) {
                    push(workspace_change(live, &subject, c));
                }
            }
            if desired.member_deployments {
                for c in compare(&held.deployments, &BTreeMap::new()) {
                    push(deployment_change(live, &subject, c));
                }
            }
        }
    }

    for team in &desired.teams {
        let subject = Subject::team(team.team_id.as_deref(), &team.name);
        let live_team = team.team_id.as_deref().and_then(|id| live.team(id));
        let mut team_changes: Vec<Change> = Vec::new();
        match live_team {
            None => {
                let mut create = change(Kind::TeamCreate, &subject, None, Some(&team.role));
                create.description = team.description.clone().filter(|d| !d.is_empty());
                team_changes.push(create);
            }
            Some(t) => {
                let now = t.description.clone().unwrap_or_default();
                if let Some(wanted) = team.description.as_ref().filter(|d| **d != now) {
                    team_changes.push(change(
                        Kind::TeamDescription,
                        &subject,
                        Some(&now),
                        Some(wanted),
                    ));
                }
                if t.organization_role.as_deref() != Some(team.role.as_str()) {
                    team_changes.push(change(
                        Kind::OrganizationRole,
                        &subject,
                        t.organization_role.as_deref(),
                        Some(&team.role),
                    ));
                }
            }
        }
        let held = live_team
            .map(|t| Held {
                workspaces: workspace_map(t.workspace_roles.as_deref()),
                deployments: deployment_map(t.deployment_roles.as_deref()),
            })
            .unwrap_or_default();
        if let Some(wanted) = &team.workspaces {
            for c in compare(&held.workspaces, wanted) {
                team_changes.push(workspace_change(live, &subject, c));
            }
        }
        if let Some(wanted) = &team.deployments {
            for c in compare(&held.deployments, wanted) {
                team_changes.push(deployment_change(live, &subject, c));
            }
        }
        if let Some(wanted) = &team.members {
            let now: Vec<MemberRef> = live_team
                .and_then(|t| live.team_members.get(&t.id))
                .into_iter()
                .flatten()
                .map(|m| MemberRef {
                    user_id: Some(m.user_id.clone()),
                    email: m.username.clone(),
                })
                .collect();
            for m in wanted {
                let there = m.user_id.is_some() && now.iter().any(|n| n.user_id == m.user_id);
                if !there {
                    team_changes.push(member_change(&subject, Action::Add, m));
                }
            }
            for n in &now {
                if !wanted.iter().any(|m| m.user_id == n.user_id) {
                    team_changes.push(member_change(&subject, Action::Remove, n));
                }
            }
        }
        for mut c in team_changes {
            if team.idp_managed {
                c.reason = Some(Reason::IdpManaged);
            }
            push(c);
        }
    }

    let mut changes = Vec::new();
    let mut left_alone = Vec::new();
    for mut c in found {
        if c.reason.is_none() && c.action == Action::Remove {
            c.reason = Some(Reason::Prune);
        }
        match c.reason {
            Some(Reason::Prune) if prune => {
                c.reason = None;
                changes.push(c);
            }
            Some(_) => left_alone.push(c),
            None => changes.push(c),
        }
    }
    changes.sort_by_cached_key(order);
    left_alone.sort_by_cached_key(order);
    let count = |a: Action| changes.iter().filter(|c| c.action == a).count();
    Plan {
        format_version: FORMAT_VERSION,
        organization_id: live.organization_id.clone(),
        prune,
        summary: Summary {
            add: count(Action::Add),
            change: count(Action::Change),
            remove: count(Action::Remove),
            left_alone: left_alone.len(),
        },
        changes,
        left_alone,
    }
}

/// A subject's Workspace and Deployment roles, by ID.
#[derive(Debug, Default)]
struct Held {
    workspaces: BTreeMap<String, String>,
    deployments: BTreeMap<String, String>,
}

fn held_roles(user: &User) -> Held {
    Held {
        workspaces: workspace_map(user.workspace_roles.as_deref()),
        deployments: deployment_map(user.deployment_roles.as_deref()),
    }
}

fn workspace_map(roles: Option<&[WorkspaceRole]>) -> BTreeMap<String, String> {
    roles
        .into_iter()
        .flatten()
        .map(|r| (r.workspace_id.clone(), r.role.clone()))
        .collect()
}

fn deployment_map(roles: Option<&[DeploymentRole]>) -> BTreeMap<String, String> {
    roles
        .into_iter()
        .flatten()
        .map(|r| (r.deployment_id.clone(), r.role.clone()))
        .collect()
}

/// One entry's difference: (ID, role now, role wanted).
type Difference = (String, Option<String>, Option<String>);

/// The entries that differ between what is held and what is wanted, by ID.
fn compare(held: &BTreeMap<String, String>, wanted: &BTreeMap<String, String>) -> Vec<Difference> {
    let ids: BTreeSet<&String> = held.keys().chain(wanted.keys()).collect();
    ids.into_iter()
        .filter_map(|id| {
            let (now, want) = (held.get(id), wanted.get(id));
            (now != want).then(|| (id.clone(), now.cloned(), want.cloned()))
        })
        .collect()
}

fn action(before: Option<&str>, after: Option<&str>) -> Action {
    match (before, after) {
        (None, _) => Action::Add,
        (_, None) => Action::Remove,
        _ => Action::Change,
    }
}

fn change(kind: Kind, subject: &Subject, before: Option<&str>, after: Option<&str>) -> Change {
    Change {
        kind,
        action: action(before, after),
        subject: subject.clone(),
        workspace: None,
        deployment: None,
        member: None,
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
        description: None,
        reason: None,
        target: String::new(),
    }
}

fn workspace_change(live: &Live, subject: &Subject, (id, before, after): Difference) -> Change {
    let mut c = change(
        Kind::WorkspaceRole,
        subject,
        before.as_deref(),
        after.as_deref(),
    );
    c.workspace = Some(Place {
        name: live.workspace(&id).map(|w| w.name.clone()),
        id: id.clone(),
    });
    c.target = live.workspace_label(&id);
    c
}

fn deployment_change(live: &Live, subject: &Subject, (id, before, after): Difference) -> Change {
    let mut c = change(
        Kind::DeploymentRole,
        subject,
        before.as_deref(),
        after.as_deref(),
    );
    let deployment = live.deployment(&id);
    let workspace_id = deployment.map(|d| d.workspace_id.clone());
    c.deployment = Some(DeploymentPlace {
        id: id.clone(),
        name: deployment.map(|d| d.name.clone()),
        workspace_name: workspace_id
            .as_deref()
            .and_then(|w| live.workspace(w))
            .map(|w| w.name.clone()),
        workspace_id,
    });
    c.target = live.deployment_label(&id);
    c
}

fn member_change(subject: &Subject, action: Action, member: &MemberRef) -> Change {
    let mut c = change(Kind::TeamMember, subject, None, None);
    c.action = action;
    c.member = Some(Member {
        id: member.user_id.clone(),
        email: member.email.clone(),
    });
    c
}

/// The text's group of a change, and its title.
fn group(c: &Change) -> (u8, &'static str) {
    match (c.kind, c.subject.kind) {
        (Kind::Invite, _) => (0, "Invites"),
        (Kind::OrganizationRole, SubjectType::User) => (1, "Organization roles"),
        (Kind::WorkspaceRole, SubjectType::User) => (2, "Workspace roles"),
        (Kind::DeploymentRole, SubjectType::User) => (3, "Deployment roles"),
        (Kind::TeamCreate, _) => (4, "Teams created"),
        (Kind::TeamDescription, _) => (5, "Team descriptions"),
        (
            Kind::OrganizationRole | Kind::WorkspaceRole | Kind::DeploymentRole,
            SubjectType::Team,
        ) => (6, "Team roles"),
        (Kind::TeamMember, _) => (7, "Team members"),
    }
}

type OrderKey = (
    u8,
    (String, String),
    Kind,
    (String, String),
    (String, String),
);

/// Group, subject, kind, Workspace or Deployment, member: names ignoring case, then exactly.
fn order(c: &Change) -> OrderKey {
    (
        group(c).0,
        name_order(c.subject.label()),
        c.kind,
        name_order(&c.target),
        name_order(c.member.as_ref().map_or("", |m| m.email.as_str())),
    )
}

/// The plan as text: the changes by group, one line each, then the summary.
pub fn render(plan: &Plan) -> String {
    let mut all: Vec<&Change> = plan.changes.iter().chain(&plan.left_alone).collect();
    all.sort_by_cached_key(|c| order(c));
    let mut text = String::new();
    let mut current = None;
    for c in all {
        let (number, title) = group(c);
        if current != Some(number) {
            current = Some(number);
            let _ = writeln!(text, "{title}");
        }
        let _ = writeln!(text, "  {}", line(c));
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let _ = writeln!(text, "{}", summary_line(&plan.summary));
    text
}

/// `3 to add, 2 to change, 0 to remove`, or `no changes`; and how many are left alone.
pub fn summary_line(summary: &Summary) -> String {
    let counts = if summary.add + summary.change + summary.remove == 0 {
        "no changes".to_owned()
    } else {
        format!(
            "{} to add, {} to change, {} to remove",
            summary.add, summary.change, summary.remove
        )
    };
    if summary.left_alone > 0 {
        format!("{counts} ({} left alone)", summary.left_alone)
    } else {
        counts
    }
}

fn line(c: &Change) -> String {
    let cell = crate::text::cell;
    let sign = match c.action {
        Action::Add => '+',
        Action::Change => '~',
        Action::Remove => '-',
    };
    let subject = cell(c.subject.label());
    let roles = || match (&c.before, &c.after) {
        (Some(before), Some(after)) => format!("{} -> {}", cell(before), cell(after)),
        (Some(only), None) | (None, Some(only)) => cell(only),
        (None, None) => String::new(),
    };
    let body = match c.kind {
        Kind::Invite | Kind::OrganizationRole => format!("{subject}: {}", roles()),
        Kind::WorkspaceRole | Kind::DeploymentRole => {
            format!("{subject} in {}: {}", cell(&c.target), roles())
        }
        Kind::TeamCreate => match &c.description {
            Some(d) => format!("{subject}: {}, description \"{}\"", roles(), cell(d)),
            None => format!("{subject}: {}", roles()),
        },
        Kind::TeamDescription => format!(
            "{subject}: \"{}\" -> \"{}\"",
            cell(c.before.as_deref().unwrap_or("")),
            cell(c.after.as_deref().unwrap_or(""))
        ),
        Kind::TeamMember => format!(
            "{subject}: {}",
            cell(c.member.as_ref().map_or("", |m| m.email.as_str()))
        ),
    };
    let suffix = match c.reason {
        Some(Reason::Prune) => "; left alone (use --prune)",
        Some(Reason::IdpManaged) => "; left alone (managed by an identity provider)",
        None => "",
    };
    format!("{sign} {body}{suffix}")
}

/// Why `apply` would refuse the plan (exit 2, before any write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No ACTIVE user would hold ORGANIZATION_OWNER directly. Nothing overrides it.
    LastOwner(String),
    /// The user of a browser login leaves ORGANIZATION_OWNER (`--allow-self-demotion`).
    SelfDemotion(String),
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Refusal::LastOwner(m) | Refusal::SelfDemotion(m) => m,
        }
    }
}

/// The refusals the plan earns: its Organization role changes applied to the members as
/// listed (Team roles do not count: the rule is about holding the role directly).
pub fn refusals(plan: &Plan, live: &Live) -> Vec<Refusal> {
    let people = live.people();
    let role_changes: Vec<(&User, &str)> = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::OrganizationRole && c.subject.kind == SubjectType::User)
        .filter_map(|c| {
            let user = people.by_id(c.subject.id.as_deref()?)?;
            Some((user, c.after.as_deref()?))
        })
        .collect();
    let mut refusals = Vec::new();
    if let Some(me) = live.me.as_deref() {
        for (user, role) in &role_changes {
            if user.id == me && guard::may_need_guard(user, role) {
                refusals.push(Refusal::SelfDemotion(format!(
                    "the file demotes you ({}) from ORGANIZATION_OWNER to {role}",
                    user.username
                )));
            }
        }
    }
    // Only ACTIVE users who are Owners, or are made Owners, count either way: the rule is
    // checked on them alone, so it stays quick however many roles the file changes.
    let changed_to_owner: BTreeSet<&str> = role_changes
        .iter()
        .filter(|(_, role)| guard::is_owner_role(role))
        .map(|(u, _)| u.id.as_str())
        .collect();
    let counted: Vec<User> = live
        .users
        .iter()
        .filter(|u| {
            u.status == "ACTIVE"
                && (u
                    .organization_role
                    .as_deref()
                    .is_some_and(guard::is_owner_role)
                    || changed_to_owner.contains(u.id.as_str()))
        })
        .cloned()
        .collect();
    let counted_ids: BTreeSet<&str> = counted.iter().map(|u| u.id.as_str()).collect();
    let counted_changes: Vec<(&User, &str)> = role_changes
        .iter()
        .filter(|(u, _)| counted_ids.contains(u.id.as_str()))
        .copied()
        .collect();
    refusals.extend(
        guard::risks(&counted, &counted_changes, None)
            .into_iter()
            .map(|risk| Refusal::LastOwner(risk.replacen("this leaves", "the file leaves", 1))),
    );
    refusals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access_code::live::Catalogue;
    use crate::access_code::resolve::{DesiredMember, DesiredTeam};
    use crate::api::{Team, TeamMember, Workspace};

    fn user(id: &str, role: &str, status: &str, workspaces: &[(&str, &str)]) -> User {
        User {
            id: id.into(),
            username: format!("{id}@x.io"),
            full_name: String::new(),
            status: status.into(),
            created_at: String::new(),
            organization_role: Some(role.into()),
            workspace_roles: Some(
                workspaces
                    .iter()
                    .map(|(w, r)| WorkspaceRole {
                        workspace_id: (*w).into(),
                        role: (*r).into(),
                    })
                    .collect(),
            ),
            deployment_roles: Some(vec![]),
            dag_roles: Some(vec![]),
        }
    }

    fn team(id: &str, name: &str, idp: bool) -> Team {
        Team {
            id: id.into(),
            name: name.into(),
            description: Some("old".into()),
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            is_idp_managed: idp,
            created_at: String::new(),
            workspace_roles: Some(vec![WorkspaceRole {
                workspace_id: "w1".into(),
                role: "WORKSPACE_MEMBER".into(),
            }]),
            deployment_roles: Some(vec![]),
            dag_roles: Some(vec![]),
        }
    }

    fn member(id: &str) -> TeamMember {
        TeamMember {
            user_id: id.into(),
            username: format!("{id}@x.io"),
            full_name: None,
            created_at: None,
        }
    }

    fn live() -> Live {
        Live {
            organization_id: "corg".into(),
            organization_name: None,
            users: vec![
                user(
                    "ann",
                    "ORGANIZATION_OWNER",
                    "ACTIVE",
                    &[("w1", "WORKSPACE_OWNER")],
                ),
                user(
                    "bob",
                    "ORGANIZATION_MEMBER",
                    "ACTIVE",
                    &[("w1", "WORKSPACE_MEMBER")],
                ),
                user("cat", "ORGANIZATION_OWNER", "PENDING", &[]),
            ],
            workspaces: vec![
                Workspace {
                    id: "w1".into(),
                    name: "Ops".into(),
                    description: None,
                    cicd_enforced_default: false,
                },
                Workspace {
                    id: "w2".into(),
                    name: "Data".into(),
                    description: None,
                    cicd_enforced_default: false,
                },
            ],
            deployments: vec![],
            deployments_read: false,
            teams: vec![team("t1", "Core", false), team("t2", "Synced", true)],
            team_members: [
                ("t1".to_owned(), vec![member("ann"), member("bob")]),
                ("t2".to_owned(), vec![member("ann")]),
            ]
            .into_iter()
            .collect(),
            catalogue: Catalogue::NotRead,
            me: None,
        }
    }

    fn wanted(
        user_id: Option<&str>,
        role: &str,
        workspaces: Option<&[(&str, &str)]>,
    ) -> DesiredMember {
        let email = format!("{}@x.io", user_id.unwrap_or("new"));
        DesiredMember {
            email,
            user_id: user_id.map(str::to_owned),
            role: role.into(),
            workspaces: workspaces.map(|w| {
                w.iter()
                    .map(|(id, r)| ((*id).to_owned(), (*r).to_owned()))
                    .collect()
            }),
            deployments: None,
        }
    }

    fn lines(plan: &Plan) -> Vec<String> {
        render(plan).lines().map(str::to_owned).collect()
    }

    /// The live state described exactly: nothing to do, with or without --prune.
    fn in_sync() -> Desired {
        Desired {
            describes_members: true,
            member_workspaces: true,
            member_deployments: false,
            members: vec![
                wanted(
                    Some("ann"),
                    "ORGANIZATION_OWNER",
                    Some(&[("w1", "WORKSPACE_OWNER")]),
                ),
                wanted(
                    Some("bob"),
                    "ORGANIZATION_MEMBER",
                    Some(&[("w1", "WORKSPACE_MEMBER")]),
                ),
                wanted(Some("cat"), "ORGANIZATION_OWNER", Some(&[])),
            ],
            teams: vec![DesiredTeam {
                name: "Core".into(),
                team_id: Some("t1".into()),
                idp_managed: false,
                description: Some("old".into()),
                role: "ORGANIZATION_MEMBER".into(),
                workspaces: Some([("w1".to_owned(), "WORKSPACE_MEMBER".to_owned())].into()),
                deployments: None,
                members: Some(vec![
                    MemberRef {
                        user_id: Some("ann".into()),
                        email: "ann@x.io".into(),
                    },
                    MemberRef {
                        user_id: Some("bob".into()),
                        email: "bob@x.io".into(),
                    },
                ]),
            }],
        }
    }

    #[test]
    fn the_live_state_described_exactly_is_no_changes() {
        for prune in [false, true] {
            let plan = diff(&in_sync(), &live(), prune);
            assert!(plan.is_empty() && plan.left_alone.is_empty(), "{plan:#?}");
            assert_eq!(render(&plan), "no changes\n");
        }
    }

    #[test]
    fn adds_changes_and_removals_by_entry() {
        let mut desired = in_sync();
        desired.members[1] = wanted(
            Some("bob"),
            "ORGANIZATION_BILLING_ADMIN",
            Some(&[("w2", "WORKSPACE_AUTHOR")]),
        );
        desired.members.push(wanted(
            None,
            "ORGANIZATION_MEMBER",
            Some(&[("w1", "WORKSPACE_MEMBER")]),
        ));
        let plan = diff(&desired, &live(), false);
        assert_eq!(
            lines(&plan),
            [
                "Invites",
                "  + new@x.io: ORGANIZATION_MEMBER",
                "Organization roles",
                "  ~ bob@x.io: ORGANIZATION_MEMBER -> ORGANIZATION_BILLING_ADMIN",
                "Workspace roles",
                "  + bob@x.io in Data: WORKSPACE_AUTHOR",
                "  - bob@x.io in Ops: WORKSPACE_MEMBER; left alone (use --prune)",
                "  + new@x.io in Ops: WORKSPACE_MEMBER",
                "",
                "3 to add, 1 to change, 0 to remove (1 left alone)",
            ]
        );
        // The invitee's Workspace role names them by email: the run creates their ID.
        let invitee = plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::WorkspaceRole && c.subject.id.is_none())
            .unwrap();
        assert_eq!(invitee.subject.email.as_deref(), Some("new@x.io"));
        let pruned = diff(&desired, &live(), true);
        assert_eq!(pruned.summary.remove, 1);
        assert!(pruned.left_alone.is_empty());
        assert!(pruned.changes.iter().all(|c| c.reason.is_none()));
    }

    #[test]
    fn people_not_in_the_file_lose_only_the_kinds_it_describes() {
        let mut desired = in_sync();
        desired
            .members
            .retain(|m| m.user_id.as_deref() == Some("ann"));
        let plan = diff(&desired, &live(), true);
        assert_eq!(
            lines(&plan),
            [
                "Workspace roles",
                "  - bob@x.io in Ops: WORKSPACE_MEMBER",
                "",
                "0 to add, 0 to change, 1 to remove",
            ]
        );
        // No member has `workspaces`: no Workspace role is described, none removed.
        desired.member_workspaces = false;
        desired.members[0].workspaces = None;
        assert!(diff(&desired, &live(), true).is_empty());
        // No `members` at all: members are not described.
        desired.describes_members = false;
        desired.member_workspaces = true;
        desired.members.clear();
        assert!(diff(&desired, &live(), true).is_empty());
    }

    #[test]
    fn teams_created_changed_and_their_members_with_invitees() {
        let mut desired = in_sync();
        desired
            .members
            .push(wanted(None, "ORGANIZATION_MEMBER", None));
        let core = &mut desired.teams[0];
        core.description = Some("new".into());
        core.role = "ORGANIZATION_OWNER".into();
        core.workspaces = Some([("w2".to_owned(), "WORKSPACE_OPERATOR".to_owned())].into());
        core.members = Some(vec![
            MemberRef {
                user_id: Some("ann".into()),
                email: "ann@x.io".into(),
            },
            MemberRef {
                user_id: None,
                email: "new@x.io".into(),
            },
        ]);
        desired.teams.push(DesiredTeam {
            name: "Fresh".into(),
            team_id: None,
            idp_managed: false,
            description: None,
            role: "ORGANIZATION_MEMBER".into(),
            workspaces: Some([("w1".to_owned(), "WORKSPACE_ACCESSOR".to_owned())].into()),
            deployments: None,
            members: Some(vec![MemberRef {
                user_id: Some("bob".into()),
                email: "bob@x.io".into(),
            }]),
        });
        let plan = diff(&desired, &live(), false);
        assert_eq!(
            lines(&plan),
            [
                "Invites",
                "  + new@x.io: ORGANIZATION_MEMBER",
                "Teams created",
                "  + Fresh: ORGANIZATION_MEMBER",
                "Team descriptions",
                "  ~ Core: \"old\" -> \"new\"",
                "Team roles",
                "  ~ Core: ORGANIZATION_MEMBER -> ORGANIZATION_OWNER",
                "  + Core in Data: WORKSPACE_OPERATOR",
                "  - Core in Ops: WORKSPACE_MEMBER; left alone (use --prune)",
                "  + Fresh in Ops: WORKSPACE_ACCESSOR",
                "Team members",
                "  - Core: bob@x.io; left alone (use --prune)",
                "  + Core: new@x.io",
                "  + Fresh: bob@x.io",
                "",
                "6 to add, 2 to change, 0 to remove (2 left alone)",
            ]
        );
        let new_member = plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::TeamMember && c.subject.name.as_deref() == Some("Core"))
            .unwrap();
        assert_eq!(new_member.member.as_ref().unwrap().id, None);
        let created = plan
            .changes
            .iter()
            .find(|c| c.kind == Kind::TeamCreate)
            .unwrap();
        assert_eq!(created.subject.id, None);
    }

    #[test]
    fn a_team_an_identity_provider_manages_is_left_alone_entirely() {
        let mut desired = in_sync();
        desired.teams = vec![DesiredTeam {
            name: "Synced".into(),
            team_id: Some("t2".into()),
            idp_managed: true,
            description: Some("new".into()),
            role: "ORGANIZATION_OWNER".into(),
            workspaces: Some(Default::default()),
            deployments: None,
            members: Some(vec![]),
        }];
        for prune in [false, true] {
            let plan = diff(&desired, &live(), prune);
            assert!(plan.is_empty(), "{plan:#?}");
            assert_eq!(plan.left_alone.len(), 4);
            assert!(
                plan.left_alone
                    .iter()
                    .all(|c| c.reason == Some(Reason::IdpManaged))
            );
        }
    }

    #[test]
    fn refusals_for_the_last_active_owner_and_for_demoting_yourself() {
        let mut desired = in_sync();
        desired.members[0].role = "ORGANIZATION_MEMBER".into();
        let mut state = live();
        let plan = diff(&desired, &state, false);
        // cat is an Owner but PENDING: ann is the only ACTIVE one.
        assert_eq!(
            refusals(&plan, &state),
            [Refusal::LastOwner(
                "the file leaves the Organization with no ACTIVE ORGANIZATION_OWNER (it has 1 now)"
                    .into()
            )]
        );
        desired.members[1].role = "ORGANIZATION_OWNER".into();
        let plan = diff(&desired, &state, false);
        assert!(refusals(&plan, &state).is_empty());
        state.me = Some("ann".into());
        assert_eq!(
            refusals(&plan, &state),
            [Refusal::SelfDemotion(
                "the file demotes you (ann@x.io) from ORGANIZATION_OWNER to ORGANIZATION_MEMBER"
                    .into()
            )]
        );
        state.me = Some("bob".into());
        assert!(refusals(&plan, &state).is_empty());
    }

    #[test]
    fn summary_lines() {
        let mut s = Summary::default();
        assert_eq!(summary_line(&s), "no changes");
        s.left_alone = 2;
        assert_eq!(summary_line(&s), "no changes (2 left alone)");
        s.add = 3;
        s.change = 2;
        assert_eq!(
            summary_line(&s),
            "3 to add, 2 to change, 0 to remove (2 left alone)"
        );
    }
}
