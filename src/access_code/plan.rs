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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// Compares the desired state with the live one.
pub fn diff(desired: &Desired, live: &Live, prune: bool) -> Plan {
    let mut found: Vec<Change> = Vec::new();
    let mut push = |change: Change| found.push(change);
    let listed: BTreeSet<&str> = desired
        .members
        .iter()
        .filter_map(|m| m.user_id.as_deref())
        .collect();

    for member in &desired.members {
        let subject = Subject::user(member.user_id.as_deref(), &member.email);
        let user = member.user_id.as_deref().and_then(|id| live.user(id));
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
    let role_changes: Vec<(&User, &str)> = plan
        .changes
        .iter()
        .filter(|c| c.kind == Kind::OrganizationRole && c.subject.kind == SubjectType::User)
        .filter_map(|c| {
            let user = live.user(c.subject.id.as_deref()?)?;
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
    refusals.extend(
        guard::risks(&live.users, &role_changes, None)
            .into_iter()
            .map(|risk| Refusal::LastOwner(risk.replacen("this leaves", "the file leaves", 1))),
    );
    refusals
}
