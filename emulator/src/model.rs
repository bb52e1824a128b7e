//! The emulated Organizations' live state (users, invites, Workspaces, Teams, API tokens,
//! custom roles) and the operations on it: seeding, filtered/sorted listing, role updates and invites.

mod api_tokens;
mod roles;

pub use api_tokens::*;
pub use roles::*;

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Value, json};

use crate::seed::{Seed, SeedOrganization};
use crate::util::{SEED_EPOCH, cuid, rfc3339};

/// The five Organization roles of the spec.
pub const ORGANIZATION_ROLES: [&str; 5] = [
    "ORGANIZATION_OWNER",
    "ORGANIZATION_OBSERVE_ADMIN",
    "ORGANIZATION_OBSERVE_MEMBER",
    "ORGANIZATION_BILLING_ADMIN",
    "ORGANIZATION_MEMBER",
];

/// The five Workspace roles of the spec.
pub const WORKSPACE_ROLES: [&str; 5] = [
    "WORKSPACE_OWNER",
    "WORKSPACE_OPERATOR",
    "WORKSPACE_AUTHOR",
    "WORKSPACE_MEMBER",
    "WORKSPACE_ACCESSOR",
];

/// The user statuses of the spec.
pub const USER_STATUSES: [&str; 4] = ["ACTIVE", "INACTIVE", "PENDING", "BANNED"];

/// A plausible email: one `@`, a non-empty local part, a dotted domain, no spaces.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The three default cloud providers of a Workspace.
pub const CLOUD_PROVIDERS: [&str; 3] = ["AWS", "AZURE", "GCP"];

/// A Workspace role as the API shows it. Compact, as 100,000 generated users hold one or
/// two: the Workspace ID is shared with the Workspace, the role is one of the enum's.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceRole {
    #[serde(serialize_with = "serialize_arc_str")]
    pub workspace_id: Arc<str>,
    pub role: &'static str,
}

fn serialize_arc_str<S: serde::Serializer>(s: &Arc<str>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(s)
}

/// A Deployment role as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRole {
    pub deployment_id: String,
    pub role: String,
}

/// A DAG role as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DagRole {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dag_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dag_tag: Option<String>,
    pub deployment_id: String,
    pub role: String,
}

/// A user; serializes exactly as the spec's `User`. Kept compact (100,000 of them must
/// stay cheap): enum-valued fields are `&'static str`, times are Unix seconds, and the
/// avatar URL is derived from the ID when serialized.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub username: String,
    pub full_name: String,
    pub status: &'static str,
    pub created: i64,
    pub updated: i64,
    pub organization_role: Option<&'static str>,
    pub workspace_roles: Vec<WorkspaceRole>,
    pub deployment_roles: Vec<DeploymentRole>,
    pub dag_roles: Vec<DagRole>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserView<'a> {
    id: &'a str,
    username: &'a str,
    full_name: &'a str,
    avatar_url: String,
    status: &'a str,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization_role: Option<&'a str>,
    workspace_roles: &'a [WorkspaceRole],
    deployment_roles: &'a [DeploymentRole],
    dag_roles: &'a [DagRole],
}

impl Serialize for User {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        UserView {
            id: &self.id,
            username: &self.username,
            full_name: &self.full_name,
            avatar_url: self.avatar_url(),
            status: self.status,
            created_at: rfc3339(self.created),
            updated_at: rfc3339(self.updated),
            organization_role: self.organization_role,
            workspace_roles: &self.workspace_roles,
            deployment_roles: &self.deployment_roles,
            dag_roles: &self.dag_roles,
        }
        .serialize(serializer)
    }
}

/// The `&'static` spelling of a known enum value.
pub fn known(values: &[&'static str], value: &str) -> Option<&'static str> {
    values.iter().find(|v| **v == value).copied()
}

impl User {
    pub fn avatar_url(&self) -> String {
        format!("https://avatars.example.com/{}.png", self.id)
    }

    /// The user's roles as the spec's `SubjectRoles`, all four keys present.
    pub fn subject_roles(&self) -> Value {
        json!({
            "organizationRole": self.organization_role.unwrap_or_default(),
            "workspaceRoles": self.workspace_roles,
            "deploymentRoles": self.deployment_roles,
            "dagRoles": self.dag_roles,
        })
    }

    /// The spec's `BasicSubjectProfile` for this user.
    pub fn profile(&self) -> Value {
        json!({
            "id": self.id,
            "subjectType": "USER",
            "username": self.username,
            "fullName": self.full_name,
            "avatarUrl": self.avatar_url(),
        })
    }
}

/// The Organization.
#[derive(Debug, Clone)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// Where a Workspace's new Deployments go by default: a cluster, or a cloud provider and
/// region (the document makes the two mutually exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkspaceDefaults {
    Cluster(String),
    Cloud {
        provider: &'static str,
        region: String,
    },
}

/// A Workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub id: Arc<str>,
    pub name: String,
    pub description: Option<String>,
    pub cicd_enforced_default: bool,
    pub defaults: Option<WorkspaceDefaults>,
    pub created: i64,
    pub updated: i64,
    /// The subject (user or API token) IDs that created and last updated it.
    pub created_by: String,
    pub updated_by: String,
}

/// The fields CreateWorkspace and UpdateWorkspace set (validated).
#[derive(Debug, Clone)]
pub struct WorkspaceFields {
    pub name: String,
    pub description: Option<String>,
    pub cicd_enforced_default: bool,
    /// `None`: left as it is (UpdateWorkspace) or none (CreateWorkspace).
    pub defaults: Option<WorkspaceDefaults>,
}

/// A Deployment: just enough to be listed, fetched and hold roles.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub workspace_id: Arc<str>,
    pub created: i64,
    pub updated: i64,
}

/// Why DeleteWorkspace refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeleteWorkspaceError {
    NotFound,
    /// It still has this many Deployments.
    HasDeployments(usize),
}

/// One member of a Team: the user's ID and when they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    pub user_id: String,
    pub added: i64,
}

/// A Team. Members are kept as user IDs (in the order they were added) with a set beside
/// them, so membership checks stay O(1) however large the Team.
#[derive(Debug, Clone)]
pub struct Team {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub organization_role: &'static str,
    /// Managed by an identity provider: its members, name and existence are not Astro's
    /// to change (its roles are).
    pub is_idp_managed: bool,
    members: Vec<TeamMember>,
    member_set: HashSet<String>,
    pub workspace_roles: Vec<WorkspaceRole>,
    pub deployment_roles: Vec<DeploymentRole>,
    pub dag_roles: Vec<DagRole>,
    pub created: i64,
    pub updated: i64,
    /// The subject (user or API token) IDs that created and last updated it.
    pub created_by: String,
    pub updated_by: String,
}

impl Team {
    /// The members, in the order they were added.
    pub fn members(&self) -> &[TeamMember] {
        &self.members
    }

    pub fn has_member(&self, user_id: &str) -> bool {
        self.member_set.contains(user_id)
    }

    /// Adds a member unless already there; whether it was added.
    fn add_member(&mut self, user_id: &str, now: i64) -> bool {
        if !self.member_set.insert(user_id.to_string()) {
            return false;
        }
        self.members.push(TeamMember {
            user_id: user_id.to_string(),
            added: now,
        });
        true
    }

    /// Removes a member; whether they were there.
    fn remove_member(&mut self, user_id: &str) -> bool {
        if !self.member_set.remove(user_id) {
            return false;
        }
        self.members.retain(|m| m.user_id != user_id);
        true
    }

    /// The Team's roles as the spec's `SubjectRoles`, all four keys present.
    pub fn subject_roles(&self) -> Value {
        json!({
            "organizationRole": self.organization_role,
            "workspaceRoles": self.workspace_roles,
            "deploymentRoles": self.deployment_roles,
            "dagRoles": self.dag_roles,
        })
    }

    /// `rolesCount`: the Organization role plus every Workspace, Deployment and DAG role.
    pub fn roles_count(&self) -> usize {
        1 + self.workspace_roles.len() + self.deployment_roles.len() + self.dag_roles.len()
    }
}

/// The fields CreateTeam sets (validated; the member IDs checked to be users).
#[derive(Debug, Clone)]
pub struct NewTeam {
    pub name: String,
    pub description: Option<String>,
    pub organization_role: &'static str,
    pub member_ids: Vec<String>,
}

/// Why a Team operation refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamError {
    /// No such Team.
    NotFound,
    /// The Team is IdP-managed and the change is one the identity provider owns.
    IdpManaged { name: String },
    /// RemoveTeamMember: the user is not a member.
    NotAMember,
}

/// A pending invite; its user is in the user list with status PENDING.
#[derive(Debug, Clone)]
pub struct Invite {
    pub id: String,
    pub user_id: String,
    pub inviter_id: String,
    pub expires_at: String,
}

/// A sort criterion: field name and whether descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub field: String,
    pub descending: bool,
}

/// Validated paging parameters.
#[derive(Debug, Clone)]
pub struct Page {
    pub limit: usize,
    pub offset: usize,
    pub sorts: Vec<Sort>,
}

/// Case-insensitive ASCII comparison, without allocating.
fn cmp_ci(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn apply_sorts<T>(items: &mut [&T], sorts: &[Sort], key: impl Fn(&T, &str, &T) -> Ordering) {
    if sorts.is_empty() {
        return;
    }
    items.sort_by(|a, b| {
        for s in sorts {
            let o = key(a, &s.field, b);
            let o = if s.descending { o.reverse() } else { o };
            if o != Ordering::Equal {
                return o;
            }
        }
        Ordering::Equal
    });
}

fn page_of<T: Clone>(items: &[&T], page: &Page) -> Vec<T> {
    let start = page.offset.min(items.len());
    let end = start.saturating_add(page.limit).min(items.len());
    items[start..end].iter().map(|t| (*t).clone()).collect()
}

fn sorted_teams<'a>(mut items: Vec<&'a Team>, page: &Page) -> (usize, Vec<&'a Team>) {
    apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
        "name" => cmp_ci(&a.name, &b.name),
        "description" => cmp_ci(
            a.description.as_deref().unwrap_or(""),
            b.description.as_deref().unwrap_or(""),
        ),
        "createdAt" => a.created.cmp(&b.created),
        "updatedAt" => a.updated.cmp(&b.updated),
        _ => Ordering::Equal,
    });
    let start = page.offset.min(items.len());
    let end = start.saturating_add(page.limit).min(items.len());
    (items.len(), items[start..end].to_vec())
}

/// The whole emulated state of one Organization.
#[derive(Debug)]
pub struct Data {
    pub org: Organization,
    pub users: Vec<User>,
    by_id: HashMap<String, usize>,
    by_email: HashMap<String, usize>,
    pub workspaces: Vec<Workspace>,
    pub deployments: Vec<Deployment>,
    pub teams: Vec<Team>,
    pub invites: Vec<Invite>,
    /// Live API tokens, in creation order.
    pub api_tokens: Vec<ApiToken>,
    /// Deleted API tokens (their secrets refused), in the order they went.
    pub deleted_api_tokens: Vec<ApiToken>,
    /// Custom roles, in creation order.
    pub custom_roles: Vec<CustomRole>,
    api_token_counter: u64,
    role_counter: u64,
    user_counter: u64,
    invite_counter: u64,
    workspace_counter: u64,
    deployment_counter: u64,
    team_counter: u64,
    /// The first seed user: the Organization's creator and the default token's subject.
    pub owner_id: String,
    /// The kind suffix that keeps this Organization's generated IDs apart from the others'.
    kind_suffix: String,
}

/// Every Organization, in creation order (the first is the default token's).
#[derive(Debug)]
pub struct World {
    pub orgs: Vec<Data>,
}

impl World {
    /// Builds every Organization of the seed; `extra` generated members go to the first.
    /// A user whose email is in an earlier Organization gets that user's ID (same person).
    /// Seed API tokens given `createdDaysAgo` count back from now.
    pub fn from_seed(seed: &Seed, extra: usize) -> World {
        let now = crate::util::now_unix();
        let mut known: HashMap<String, String> = HashMap::new();
        let mut orgs = vec![];
        for (i, org) in seed.all_organizations().iter().enumerate() {
            let data = Data::from_org(org, i, if i == 0 { extra } else { 0 }, &known, now);
            for u in data.users.iter().take(org.users.len()) {
                known
                    .entry(u.username.to_lowercase())
                    .or_insert_with(|| u.id.clone());
            }
            orgs.push(data);
        }
        World { orgs }
    }

    /// The first Organization (the default token's).
    pub fn first(&self) -> &Data {
        &self.orgs[0]
    }

    pub fn org(&self, id: &str) -> Option<&Data> {
        self.orgs.iter().find(|d| d.org.id == id)
    }

    pub fn org_mut(&mut self, id: &str) -> Option<&mut Data> {
        self.orgs.iter_mut().find(|d| d.org.id == id)
    }

    /// ListOrganizations over the Organizations `visible` keeps: sorted, then paged.
    pub fn list_organizations(
        &self,
        visible: impl Fn(&Data) -> bool,
        page: &Page,
    ) -> (usize, Vec<Value>) {
        let mut items: Vec<&Data> = self.orgs.iter().filter(|d| visible(d)).collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "name" => cmp_ci(&a.org.name, &b.org.name),
            "createdAt" => a.org.created_at.cmp(&b.org.created_at),
            "updatedAt" => a.org.updated_at.cmp(&b.org.updated_at),
            _ => Ordering::Equal,
        });
        let start = page.offset.min(items.len());
        let end = start.saturating_add(page.limit).min(items.len());
        (
            items.len(),
            items[start..end]
                .iter()
                .map(|d| d.organization_json())
                .collect(),
        )
    }
}

/// The Workspace roles of the `i`th generated user (from 1) over the seed's `workspaces`:
/// WORKSPACE_MEMBER in Workspace `(i - 1) % n`, and every third user (`i % 3 == 0`) also
/// WORKSPACE_AUTHOR in Workspace `i % n` (when there are two or more). With the default
/// seed's two Workspaces, 100,000 users put about 66,700 in each.
pub fn generated_workspace_roles(i: usize, workspaces: &[Arc<str>]) -> Vec<WorkspaceRole> {
    let n = workspaces.len();
    if n == 0 {
        return vec![];
    }
    let second = n > 1 && i.is_multiple_of(3);
    let mut roles = Vec::with_capacity(if second { 2 } else { 1 });
    roles.push(WorkspaceRole {
        workspace_id: workspaces[(i - 1) % n].clone(),
        role: "WORKSPACE_MEMBER",
    });
    if second {
        roles.push(WorkspaceRole {
            workspace_id: workspaces[i % n].clone(),
            role: "WORKSPACE_AUTHOR",
        });
    }
    roles
}

impl Data {
    /// Builds the state of the `index`th seed Organization plus `extra` generated members
    /// (`user{i:06}@example.com`, "Generated User {i}", ORGANIZATION_MEMBER, ACTIVE), spread
    /// over the seed's Workspaces (see [`generated_workspace_roles`]).
    /// Organization `index` has the first one's timeline shifted by `index` weeks. `now` is
    /// the emulator's start (for seed API tokens created a number of days ago).
    pub fn from_org(
        seed: &SeedOrganization,
        index: usize,
        extra: usize,
        known_ids: &HashMap<String, String>,
        now: i64,
    ) -> Data {
        let epoch = SEED_EPOCH + 7 * 86_400 * index as i64;
        let kind_suffix = if index == 0 {
            String::new()
        } else {
            format!("@{index}")
        };
        let kind = |k: &str| format!("{k}{kind_suffix}");
        let org_time = epoch - 3600;
        let org = Organization {
            id: seed
                .id
                .clone()
                .unwrap_or_else(|| cuid("organization", index as u64 + 1, org_time)),
            name: seed.name.clone(),
            created_at: rfc3339(org_time),
            updated_at: rfc3339(org_time),
        };
        let total = seed.users.len() + extra;
        let mut data = Data {
            org,
            users: Vec::with_capacity(total),
            by_id: HashMap::with_capacity(total),
            by_email: HashMap::with_capacity(total),
            workspaces: Vec::with_capacity(seed.workspaces.len()),
            deployments: Vec::new(),
            teams: Vec::new(),
            invites: Vec::new(),
            api_tokens: Vec::new(),
            deleted_api_tokens: Vec::new(),
            custom_roles: Vec::with_capacity(seed.custom_roles.len()),
            api_token_counter: 0,
            role_counter: 0,
            user_counter: 0,
            invite_counter: 0,
            workspace_counter: 0,
            deployment_counter: 0,
            team_counter: 0,
            owner_id: String::new(),
            kind_suffix: kind_suffix.clone(),
        };
        // Workspaces one hour apart from a day after the first user; each one's Deployments
        // ten minutes apart after it.
        for (i, w) in seed.workspaces.iter().enumerate() {
            let t = epoch + 86_400 + 3600 * i as i64;
            data.workspace_counter += 1;
            let id: Arc<str> =
                w.id.clone()
                    .unwrap_or_else(|| cuid(&kind("workspace"), data.workspace_counter, t))
                    .into();
            for (j, d) in w.deployments.iter().enumerate() {
                let dt = t + 600 * (j as i64 + 1);
                data.deployment_counter += 1;
                data.deployments.push(Deployment {
                    id: d
                        .id
                        .clone()
                        .unwrap_or_else(|| cuid(&kind("deployment"), data.deployment_counter, dt)),
                    name: d.name.clone(),
                    description: d.description.clone(),
                    workspace_id: id.clone(),
                    created: dt,
                    updated: dt,
                });
            }
            data.workspaces.push(Workspace {
                id,
                name: w.name.clone(),
                description: w.description.clone(),
                cicd_enforced_default: false,
                defaults: None,
                created: t,
                updated: t,
                // The creator (the first user) is filled in below.
                created_by: String::new(),
                updated_by: String::new(),
            });
        }
        let workspace_role = |data: &Data, r: &crate::seed::SeedWorkspaceRole| WorkspaceRole {
            workspace_id: data
                .workspaces
                .iter()
                .find(|w| w.name == r.workspace)
                .map(|w| w.id.clone())
                .unwrap_or_else(|| Arc::from("")),
            role: known(&WORKSPACE_ROLES, &r.role).unwrap_or("WORKSPACE_MEMBER"),
        };
        let deployment_id = |data: &Data, name: &Option<String>, id: &Option<String>| -> String {
            match (name, id) {
                (_, Some(id)) => id.clone(),
                (Some(name), None) => data
                    .deployments
                    .iter()
                    .find(|d| &d.name == name)
                    .map(|d| d.id.clone())
                    .unwrap_or_default(),
                (None, None) => String::new(),
            }
        };
        for (i, u) in seed.users.iter().enumerate() {
            let t = epoch + 3600 * i as i64;
            data.user_counter += 1;
            let id =
                u.id.clone()
                    .or_else(|| known_ids.get(&u.email.to_lowercase()).cloned())
                    .unwrap_or_else(|| cuid(&kind("user"), data.user_counter, t));
            let user = User {
                id,
                username: u.email.clone(),
                full_name: u.full_name.clone(),
                status: known(&USER_STATUSES, &u.status).unwrap_or("ACTIVE"),
                created: t,
                updated: t,
                organization_role: known(&ORGANIZATION_ROLES, &u.role),
                workspace_roles: u
                    .workspace_roles
                    .iter()
                    .map(|r| workspace_role(&data, r))
                    .collect(),
                deployment_roles: u
                    .deployment_roles
                    .iter()
                    .map(|r| DeploymentRole {
                        deployment_id: deployment_id(&data, &r.deployment, &r.deployment_id),
                        role: r.role.clone(),
                    })
                    .collect(),
                dag_roles: u
                    .dag_roles
                    .iter()
                    .map(|r| DagRole {
                        dag_id: r.dag_id.clone(),
                        dag_tag: r.dag_tag.clone(),
                        deployment_id: deployment_id(&data, &r.deployment, &r.deployment_id),
                        role: r.role.clone(),
                    })
                    .collect(),
            };
            data.push_user(user);
        }
        data.owner_id = data.users[0].id.clone();
        for w in &mut data.workspaces {
            w.created_by = data.owner_id.clone();
            w.updated_by = data.owner_id.clone();
        }
        // Each seed user who is PENDING has an open invite from the owner.
        for i in 0..data.users.len() {
            if data.users[i].status == "PENDING" {
                let t = epoch + 3600 * i as i64;
                data.invite_counter += 1;
                data.invites.push(Invite {
                    id: cuid(&kind("invite"), data.invite_counter, t),
                    user_id: data.users[i].id.clone(),
                    inviter_id: data.owner_id.clone(),
                    expires_at: rfc3339(t + 7 * 86_400),
                });
            }
        }
        let workspace_ids: Vec<Arc<str>> = data.workspaces.iter().map(|w| w.id.clone()).collect();
        let gen_base = epoch + 17 * 86_400 - 9 * 3600; // 2024-02-01T00:00:00Z for the first
        for i in 1..=extra {
            let t = gen_base + 60 * i as i64;
            data.user_counter += 1;
            data.push_user(User {
                id: cuid(&kind("user"), data.user_counter, t),
                username: format!("user{i:06}@example.com"),
                full_name: format!("Generated User {i}"),
                status: "ACTIVE",
                created: t,
                updated: t,
                organization_role: Some("ORGANIZATION_MEMBER"),
                workspace_roles: generated_workspace_roles(i, &workspace_ids),
                deployment_roles: vec![],
                dag_roles: vec![],
            });
        }
        // Teams one hour apart from two days after the first user; their members added
        // when the Team was created.
        for (i, t) in seed.teams.iter().enumerate() {
            let time = epoch + 2 * 86_400 + 3600 * i as i64;
            data.team_counter += 1;
            let mut team = Team {
                id: t
                    .id
                    .clone()
                    .unwrap_or_else(|| cuid(&kind("team"), data.team_counter, time)),
                name: t.name.clone(),
                description: t.description.clone(),
                organization_role: known(&ORGANIZATION_ROLES, &t.organization_role)
                    .unwrap_or("ORGANIZATION_MEMBER"),
                is_idp_managed: t.is_idp_managed,
                members: Vec::with_capacity(t.members.len()),
                member_set: HashSet::with_capacity(t.members.len()),
                workspace_roles: t
                    .workspace_roles
                    .iter()
                    .map(|r| workspace_role(&data, r))
                    .collect(),
                deployment_roles: t
                    .deployment_roles
                    .iter()
                    .map(|r| DeploymentRole {
                        deployment_id: deployment_id(&data, &r.deployment, &r.deployment_id),
                        role: r.role.clone(),
                    })
                    .collect(),
                dag_roles: t
                    .dag_roles
                    .iter()
                    .map(|r| DagRole {
                        dag_id: r.dag_id.clone(),
                        dag_tag: r.dag_tag.clone(),
                        deployment_id: deployment_id(&data, &r.deployment, &r.deployment_id),
                        role: r.role.clone(),
                    })
                    .collect(),
                created: time,
                updated: time,
                created_by: data.owner_id.clone(),
                updated_by: data.owner_id.clone(),
            };
            for m in &t.members {
                if let Some(u) = data.user_by_email(m) {
                    let id = u.id.clone();
                    team.add_member(&id, time);
                }
            }
            data.teams.push(team);
        }
        data.seed_custom_roles(seed, epoch);
        data.seed_api_tokens(seed, epoch, now);
        data
    }

    fn push_user(&mut self, user: User) {
        let idx = self.users.len();
        self.by_id.insert(user.id.clone(), idx);
        self.by_email.insert(user.username.to_lowercase(), idx);
        self.users.push(user);
    }

    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_email.clear();
        for (i, u) in self.users.iter().enumerate() {
            self.by_id.insert(u.id.clone(), i);
            self.by_email.insert(u.username.to_lowercase(), i);
        }
    }

    pub fn user(&self, id: &str) -> Option<&User> {
        self.by_id.get(id).map(|i| &self.users[*i])
    }

    fn user_mut(&mut self, id: &str) -> Option<&mut User> {
        self.by_id.get(id).copied().map(|i| &mut self.users[i])
    }

    /// Case-insensitive lookup by email.
    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.by_email
            .get(&email.to_lowercase())
            .map(|i| &self.users[*i])
    }

    /// Whether a user with this ID belongs to the Organization (a PENDING invitee does not).
    pub fn is_member(&self, user_id: &str) -> bool {
        self.user(user_id).is_some_and(|u| u.status != "PENDING")
    }

    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| &*w.id == id)
    }

    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.id == id)
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// ListUsers: filters, then sorts (stable, creation order otherwise), then the page.
    /// Without filters or sorts this touches only the page's users. `workspace_id` keeps the
    /// users with a role in that Workspace; `deployment_id` those with a Deployment role or a
    /// DAG role in that Deployment.
    pub fn list_users(
        &self,
        workspace_id: Option<&str>,
        deployment_id: Option<&str>,
        page: &Page,
    ) -> (usize, Vec<User>) {
        if workspace_id.is_none() && deployment_id.is_none() && page.sorts.is_empty() {
            let start = page.offset.min(self.users.len());
            let end = start.saturating_add(page.limit).min(self.users.len());
            return (self.users.len(), self.users[start..end].to_vec());
        }
        let mut items: Vec<&User> = self
            .users
            .iter()
            .filter(|u| {
                workspace_id.is_none_or(|w| u.workspace_roles.iter().any(|r| &*r.workspace_id == w))
                    && deployment_id.is_none_or(|d| {
                        u.deployment_roles.iter().any(|r| r.deployment_id == d)
                            || u.dag_roles.iter().any(|r| r.deployment_id == d)
                    })
            })
            .collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "id" => a.id.cmp(&b.id),
            "username" => cmp_ci(&a.username, &b.username),
            "fullName" => cmp_ci(&a.full_name, &b.full_name),
            "createdAt" => a.created.cmp(&b.created),
            "updatedAt" => a.updated.cmp(&b.updated),
            _ => Ordering::Equal,
        });
        (items.len(), page_of(&items, page))
    }

    /// ListWorkspaces with its `workspaceIds` and `names` filters (exact values; an empty
    /// list does not filter).
    pub fn list_workspaces(
        &self,
        ids: &[String],
        names: &[String],
        page: &Page,
    ) -> (usize, Vec<Workspace>) {
        let mut items: Vec<&Workspace> = self
            .workspaces
            .iter()
            .filter(|w| ids.is_empty() || ids.iter().any(|id| **id == *w.id))
            .filter(|w| names.is_empty() || names.contains(&w.name))
            .collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "name" => cmp_ci(&a.name, &b.name),
            "createdAt" => a.created.cmp(&b.created),
            "updatedAt" => a.updated.cmp(&b.updated),
            _ => Ordering::Equal,
        });
        (items.len(), page_of(&items, page))
    }

    /// CreateWorkspace on validated input, by subject `by`, at `now`.
    pub fn create_workspace(&mut self, fields: WorkspaceFields, by: &str, now: i64) -> Workspace {
        self.workspace_counter += 1;
        let w = Workspace {
            id: cuid(
                &format!("workspace{}", self.kind_suffix),
                self.workspace_counter,
                now,
            )
            .into(),
            name: fields.name,
            description: fields.description,
            cicd_enforced_default: fields.cicd_enforced_default,
            defaults: fields.defaults,
            created: now,
            updated: now,
            created_by: by.to_string(),
            updated_by: by.to_string(),
        };
        self.workspaces.push(w.clone());
        w
    }

    /// UpdateWorkspace on validated input: name, description and CI/CD enforcement replaced;
    /// the defaults replaced when given, else kept. `None` when there is no such Workspace.
    pub fn update_workspace(
        &mut self,
        id: &str,
        fields: WorkspaceFields,
        by: &str,
        now: i64,
    ) -> Option<Workspace> {
        let w = self.workspaces.iter_mut().find(|w| &*w.id == id)?;
        w.name = fields.name;
        w.description = fields.description;
        w.cicd_enforced_default = fields.cicd_enforced_default;
        if fields.defaults.is_some() {
            w.defaults = fields.defaults;
        }
        w.updated = now;
        w.updated_by = by.to_string();
        Some(w.clone())
    }

    /// DeleteWorkspace: refused while the Workspace has Deployments; otherwise it goes, and
    /// so does every user's, Team's and API token's role in it, and every API token scoped
    /// to it (deleted at `now`: their secrets stop working).
    pub fn delete_workspace(&mut self, id: &str, now: i64) -> Result<(), DeleteWorkspaceError> {
        let pos = self
            .workspaces
            .iter()
            .position(|w| &*w.id == id)
            .ok_or(DeleteWorkspaceError::NotFound)?;
        let deployments = self
            .deployments
            .iter()
            .filter(|d| &*d.workspace_id == id)
            .count();
        if deployments > 0 {
            return Err(DeleteWorkspaceError::HasDeployments(deployments));
        }
        self.workspaces.remove(pos);
        for u in &mut self.users {
            u.workspace_roles.retain(|r| &*r.workspace_id != id);
        }
        for t in &mut self.teams {
            t.workspace_roles.retain(|r| &*r.workspace_id != id);
        }
        self.forget_workspace_in_api_tokens(id, now);
        Ok(())
    }

    /// ListDeployments with its `deploymentIds`, `names` and `workspaceIds` filters.
    pub fn list_deployments(
        &self,
        ids: &[String],
        names: &[String],
        workspace_ids: &[String],
        page: &Page,
    ) -> (usize, Vec<Deployment>) {
        let mut items: Vec<&Deployment> = self
            .deployments
            .iter()
            .filter(|d| ids.is_empty() || ids.contains(&d.id))
            .filter(|d| names.is_empty() || names.contains(&d.name))
            .filter(|d| {
                workspace_ids.is_empty() || workspace_ids.iter().any(|w| **w == *d.workspace_id)
            })
            .collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "name" => cmp_ci(&a.name, &b.name),
            "createdAt" => a.created.cmp(&b.created),
            "updatedAt" => a.updated.cmp(&b.updated),
            _ => Ordering::Equal,
        });
        (items.len(), page_of(&items, page))
    }

    /// ListTeams with its `names`, `workspaceId` and `deploymentId` filters (the IDs
    /// already checked to exist). `deploymentId` keeps the Teams with a Deployment role, or
    /// a DAG role, in that Deployment.
    pub fn list_teams(
        &self,
        names: &[String],
        workspace_id: Option<&str>,
        deployment_id: Option<&str>,
        page: &Page,
    ) -> (usize, Vec<&Team>) {
        let items: Vec<&Team> = self
            .teams
            .iter()
            .filter(|t| names.is_empty() || names.contains(&t.name))
            .filter(|t| {
                workspace_id.is_none_or(|w| t.workspace_roles.iter().any(|r| &*r.workspace_id == w))
            })
            .filter(|t| {
                deployment_id.is_none_or(|d| {
                    t.deployment_roles.iter().any(|r| r.deployment_id == d)
                        || t.dag_roles.iter().any(|r| r.deployment_id == d)
                })
            })
            .collect();
        sorted_teams(items, page)
    }

    /// ListUserTeams: the Teams the user is a member of. `None` when there is no such user.
    pub fn list_user_teams(&self, user_id: &str, page: &Page) -> Option<(usize, Vec<&Team>)> {
        self.user(user_id)?;
        let items: Vec<&Team> = self
            .teams
            .iter()
            .filter(|t| t.has_member(user_id))
            .collect();
        Some(sorted_teams(items, page))
    }

    fn team_mut(&mut self, id: &str) -> Option<&mut Team> {
        self.teams.iter_mut().find(|t| t.id == id)
    }

    /// CreateTeam on validated input (the member IDs are users of this Organization), by
    /// subject `by`, at `now`. Listed last in creation order.
    pub fn create_team(&mut self, fields: NewTeam, by: &str, now: i64) -> String {
        self.team_counter += 1;
        let mut team = Team {
            id: cuid(&format!("team{}", self.kind_suffix), self.team_counter, now),
            name: fields.name,
            description: fields.description,
            organization_role: fields.organization_role,
            is_idp_managed: false,
            members: Vec::with_capacity(fields.member_ids.len()),
            member_set: HashSet::with_capacity(fields.member_ids.len()),
            workspace_roles: vec![],
            deployment_roles: vec![],
            dag_roles: vec![],
            created: now,
            updated: now,
            created_by: by.to_string(),
            updated_by: by.to_string(),
        };
        for id in &fields.member_ids {
            team.add_member(id, now);
        }
        let id = team.id.clone();
        self.teams.push(team);
        id
    }

    /// UpdateTeam: the name replaced, the description replaced when given (else kept). An
    /// IdP-managed Team keeps its name: a different one is refused.
    pub fn update_team(
        &mut self,
        id: &str,
        name: String,
        description: Option<String>,
        by: &str,
        now: i64,
    ) -> Result<(), TeamError> {
        let t = self.team_mut(id).ok_or(TeamError::NotFound)?;
        if t.is_idp_managed && t.name != name {
            return Err(TeamError::IdpManaged {
                name: t.name.clone(),
            });
        }
        t.name = name;
        if description.is_some() {
            t.description = description;
        }
        t.updated = now;
        t.updated_by = by.to_string();
        Ok(())
    }

    /// DeleteTeam: the Team and every role it gave its members go. Refused for an
    /// IdP-managed Team.
    pub fn delete_team(&mut self, id: &str) -> Result<(), TeamError> {
        let pos = self
            .teams
            .iter()
            .position(|t| t.id == id)
            .ok_or(TeamError::NotFound)?;
        if self.teams[pos].is_idp_managed {
            return Err(TeamError::IdpManaged {
                name: self.teams[pos].name.clone(),
            });
        }
        self.teams.remove(pos);
        Ok(())
    }

    /// Checks that a Team exists and may have its members changed (not IdP-managed).
    pub fn team_members_changeable(&self, id: &str) -> Result<&Team, TeamError> {
        let t = self.team(id).ok_or(TeamError::NotFound)?;
        if t.is_idp_managed {
            return Err(TeamError::IdpManaged {
                name: t.name.clone(),
            });
        }
        Ok(t)
    }

    /// AddTeamMembers on validated input (users of this Organization, none a member yet).
    pub fn add_team_members(
        &mut self,
        id: &str,
        user_ids: &[String],
        by: &str,
        now: i64,
    ) -> Result<(), TeamError> {
        self.team_members_changeable(id)?;
        let t = self.team_mut(id).ok_or(TeamError::NotFound)?;
        for u in user_ids {
            t.add_member(u, now);
        }
        t.updated = now;
        t.updated_by = by.to_string();
        Ok(())
    }

    /// RemoveTeamMember.
    pub fn remove_team_member(
        &mut self,
        id: &str,
        user_id: &str,
        by: &str,
        now: i64,
    ) -> Result<(), TeamError> {
        self.team_members_changeable(id)?;
        let t = self.team_mut(id).ok_or(TeamError::NotFound)?;
        if !t.remove_member(user_id) {
            return Err(TeamError::NotAMember);
        }
        t.updated = now;
        t.updated_by = by.to_string();
        Ok(())
    }

    /// UpdateTeamRoles on validated input: the Organization role replaced, each `Some`
    /// list replacing that set. Works on IdP-managed Teams too (their roles are Astro's).
    #[allow(clippy::too_many_arguments)]
    pub fn update_team_roles(
        &mut self,
        id: &str,
        organization_role: &'static str,
        workspace_roles: Option<Vec<WorkspaceRole>>,
        deployment_roles: Option<Vec<DeploymentRole>>,
        dag_roles: Option<Vec<DagRole>>,
        by: &str,
        now: i64,
    ) -> Option<Value> {
        let t = self.team_mut(id)?;
        t.organization_role = organization_role;
        if let Some(r) = workspace_roles {
            t.workspace_roles = r;
        }
        if let Some(r) = deployment_roles {
            t.deployment_roles = r;
        }
        if let Some(r) = dag_roles {
            t.dag_roles = r;
        }
        t.updated = now;
        t.updated_by = by.to_string();
        Some(t.subject_roles())
    }

    /// ListTeamMembers: the members (order added, or sorted), then the page, as the spec's
    /// `TeamMember`s. `None` when there is no such Team.
    pub fn list_team_members(&self, id: &str, page: &Page) -> Option<(usize, Vec<Value>)> {
        let t = self.team(id)?;
        let mut items: Vec<(&TeamMember, &User)> = t
            .members
            .iter()
            .filter_map(|m| self.user(&m.user_id).map(|u| (m, u)))
            .collect();
        if !page.sorts.is_empty() {
            items.sort_by(|a, b| {
                for s in &page.sorts {
                    let o = match s.field.as_str() {
                        "userId" => a.1.id.cmp(&b.1.id),
                        "fullName" => cmp_ci(&a.1.full_name, &b.1.full_name),
                        "username" => cmp_ci(&a.1.username, &b.1.username),
                        "createdAt" => a.0.added.cmp(&b.0.added),
                        _ => Ordering::Equal,
                    };
                    let o = if s.descending { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        let start = page.offset.min(items.len());
        let end = start.saturating_add(page.limit).min(items.len());
        let page_items = items[start..end]
            .iter()
            .map(|(m, u)| {
                json!({
                    "userId": u.id,
                    "username": u.username,
                    "fullName": u.full_name,
                    "avatarUrl": u.avatar_url(),
                    "createdAt": rfc3339(m.added),
                })
            })
            .collect();
        Some((items.len(), page_items))
    }

    /// UpdateUserRoles on validated input: each `Some` replaces that set.
    pub fn update_roles(
        &mut self,
        user_id: &str,
        organization_role: Option<&'static str>,
        workspace_roles: Option<Vec<WorkspaceRole>>,
        deployment_roles: Option<Vec<DeploymentRole>>,
        dag_roles: Option<Vec<DagRole>>,
        now: i64,
    ) -> Option<Value> {
        let user = self.user_mut(user_id)?;
        if let Some(r) = organization_role {
            user.organization_role = Some(r);
        }
        if let Some(r) = workspace_roles {
            user.workspace_roles = r;
        }
        if let Some(r) = deployment_roles {
            user.deployment_roles = r;
        }
        if let Some(r) = dag_roles {
            user.dag_roles = r;
        }
        user.updated = now;
        Some(user.subject_roles())
    }

    /// CreateUserInvite on validated input. `Err(())` when the email already has a role.
    pub fn create_invite(
        &mut self,
        email: &str,
        role: &str,
        inviter_id: &str,
        now_unix: i64,
    ) -> Result<(Invite, User), ()> {
        if self.user_by_email(email).is_some() {
            return Err(());
        }
        self.user_counter += 1;
        self.invite_counter += 1;
        let id = cuid(
            &format!("user{}", self.kind_suffix),
            self.user_counter,
            now_unix,
        );
        let user = User {
            id: id.clone(),
            username: email.to_string(),
            full_name: email.to_string(),
            status: "PENDING",
            created: now_unix,
            updated: now_unix,
            organization_role: known(&ORGANIZATION_ROLES, role),
            workspace_roles: vec![],
            deployment_roles: vec![],
            dag_roles: vec![],
        };
        let invite = Invite {
            id: cuid(
                &format!("invite{}", self.kind_suffix),
                self.invite_counter,
                now_unix,
            ),
            user_id: id,
            inviter_id: inviter_id.to_string(),
            expires_at: rfc3339(now_unix + 7 * 86_400),
        };
        self.push_user(user.clone());
        self.invites.push(invite.clone());
        Ok((invite, user))
    }

    /// DeleteUserInvite: removes the invite and its user if still PENDING.
    pub fn delete_invite(&mut self, invite_id: &str) -> bool {
        let Some(pos) = self.invites.iter().position(|i| i.id == invite_id) else {
            return false;
        };
        let invite = self.invites.remove(pos);
        if let Some(&idx) = self.by_id.get(&invite.user_id)
            && self.users[idx].status == "PENDING"
        {
            self.users.remove(idx);
            self.reindex();
            for t in &mut self.teams {
                t.remove_member(&invite.user_id);
            }
        }
        true
    }

    /// The spec's `Invite` for an invite and its invitee.
    pub fn invite_json(&self, invite: &Invite, invitee: &User) -> Value {
        let inviter = self
            .user(&invite.inviter_id)
            .map(User::profile)
            .unwrap_or_else(|| json!({"id": invite.inviter_id, "subjectType": "USER"}));
        json!({
            "inviteId": invite.id,
            "userId": invite.user_id,
            "organizationId": self.org.id,
            "organizationName": self.org.name,
            "expiresAt": invite.expires_at,
            "invitee": invitee.profile(),
            "inviter": inviter,
        })
    }

    fn owner_profile(&self) -> Value {
        self.user(&self.owner_id)
            .map(User::profile)
            .unwrap_or_else(|| json!({"id": self.owner_id, "subjectType": "USER"}))
    }

    /// The spec's `Organization`.
    pub fn organization_json(&self) -> Value {
        let o = &self.org;
        json!({
            "id": o.id,
            "name": o.name,
            "createdAt": o.created_at,
            "updatedAt": o.updated_at,
            "createdBy": self.owner_profile(),
            "updatedBy": self.owner_profile(),
            "allowEnhancedSupportAccess": false,
            "hasAllowedIpAddressRanges": false,
            "hasAiFeaturesDisabled": false,
            "isBlockedEnableAiFeatures": false,
            "isScimEnabled": false,
            "shouldEnforceDedicatedClusters": false,
            "billingEmail": self.user(&self.owner_id).map(|u| u.username.clone()).unwrap_or_default(),
            "managedDomains": [],
            "paymentMethod": "CREDIT_CARD",
            "product": "HOSTED",
            "status": "ACTIVE",
            "productPlans": [{
                "astronomerProduct": "ASTRO",
                "organizationId": o.id,
                "productPlanId": cuid(
                    &format!("productplan{}", self.kind_suffix),
                    1,
                    crate::util::SEED_EPOCH,
                ),
                "productPlanName": "TEAM",
            }],
        })
    }

    /// The spec's `BasicSubjectProfile` for a subject ID: the user's profile, or an API
    /// token's (`SERVICEKEY`, with `apiTokenName` when it is one of this Organization's API
    /// tokens, deleted ones included) when the ID is no user of this Organization.
    pub fn subject_profile(&self, id: &str) -> Value {
        if let Some(u) = self.user(id) {
            return u.profile();
        }
        match self.api_token_any(id) {
            Some(t) => json!({"id": id, "subjectType": "SERVICEKEY", "apiTokenName": t.name}),
            None => json!({"id": id, "subjectType": "SERVICEKEY"}),
        }
    }

    /// The spec's `Workspace`.
    pub fn workspace_json(&self, w: &Workspace) -> Value {
        let mut v = json!({
            "id": &*w.id,
            "name": w.name,
            "organizationId": self.org.id,
            "organizationName": self.org.name,
            "cicdEnforcedDefault": w.cicd_enforced_default,
            "createdAt": rfc3339(w.created),
            "updatedAt": rfc3339(w.updated),
            "createdBy": self.subject_profile(&w.created_by),
            "updatedBy": self.subject_profile(&w.updated_by),
        });
        if let Some(d) = &w.description {
            v["description"] = json!(d);
        }
        match &w.defaults {
            Some(WorkspaceDefaults::Cluster(id)) => v["defaultClusterId"] = json!(id),
            Some(WorkspaceDefaults::Cloud { provider, region }) => {
                v["defaultCloudProvider"] = json!(provider);
                v["defaultRegion"] = json!(region);
            }
            None => {}
        }
        v
    }

    /// The spec's `Deployment`: every required field, with made-up but plausible values
    /// derived from the IDs (the emulator runs no Airflow).
    pub fn deployment_json(&self, d: &Deployment) -> Value {
        // A short, stable host part, like Astro's `d8fe2wmv`.
        let short = &d.id[d.id.len().saturating_sub(8)..];
        let host = format!("{}.astronomer.run/d{short}", self.org.id);
        let mut v = json!({
            "id": d.id,
            "name": d.name,
            "organizationId": self.org.id,
            "workspaceId": &*d.workspace_id,
            "airflowVersion": "2.10.5",
            "astroRuntimeVersion": "12.8.0",
            "runtimeVersion": "12.8.0",
            "apiUrl": format!("https://{host}/api/v1"),
            "webServerAirflowApiUrl": format!("{host}/api/v1"),
            "webServerIngressHostname": host,
            "webServerUrl": format!("{host}?orgId={}", self.org.id),
            "uiUrl": format!("https://{host}?orgId={}", self.org.id),
            "imageRepository": format!("images.astronomer.cloud/{}/{}", self.org.id, d.id),
            "imageTag": "deploy-1",
            "namespace": format!("emulated-{short}"),
            "isCicdEnforced": false,
            "isDagDeployEnabled": true,
            "schedulerCpu": "1",
            "schedulerMemory": "2Gi",
            "schedulerReplicas": 1,
            "webServerCpu": "0.5",
            "webServerMemory": "1Gi",
            "status": "HEALTHY",
            "createdAt": rfc3339(d.created),
            "updatedAt": rfc3339(d.updated),
            "createdBy": self.owner_profile(),
            "updatedBy": self.owner_profile(),
        });
        if let Some(w) = self.workspace(&d.workspace_id) {
            v["workspaceName"] = json!(w.name);
        }
        if let Some(desc) = &d.description {
            v["description"] = json!(desc);
        }
        v
    }

    /// The spec's `Team`.
    pub fn team_json(&self, t: &Team) -> Value {
        let mut v = self.user_team_json(t);
        let m = v.as_object_mut().expect("an object");
        m.insert("organizationId".into(), json!(self.org.id));
        m.insert("createdAt".into(), json!(rfc3339(t.created)));
        m.insert("updatedAt".into(), json!(rfc3339(t.updated)));
        m.insert("createdBy".into(), self.subject_profile(&t.created_by));
        m.insert("updatedBy".into(), self.subject_profile(&t.updated_by));
        v
    }

    /// The spec's `UserTeamMembership` (an item of ListUserTeams).
    pub fn user_team_json(&self, t: &Team) -> Value {
        let mut v = json!({
            "id": t.id,
            "name": t.name,
            "organizationRole": t.organization_role,
            "isIdpManaged": t.is_idp_managed,
            "rolesCount": t.roles_count(),
            "workspaceRoles": t.workspace_roles,
            "deploymentRoles": t.deployment_roles,
            "dagRoles": t.dag_roles,
        });
        if let Some(d) = &t.description {
            v["description"] = json!(d);
        }
        v
    }

    /// The spec's `SelfUser` for one user.
    pub fn self_user_json(&self, u: &User) -> Value {
        let mut roles = vec![];
        if let Some(r) = &u.organization_role {
            roles.push(
                json!({"role": r, "scope": {"type": "ORGANIZATION", "entityId": self.org.id}}),
            );
        }
        for w in &u.workspace_roles {
            roles.push(
                json!({"role": w.role, "scope": {"type": "WORKSPACE", "entityId": &*w.workspace_id}}),
            );
        }
        for d in &u.deployment_roles {
            roles.push(json!({"role": d.role, "scope": {"type": "DEPLOYMENT", "entityId": d.deployment_id}}));
        }
        let invites: Vec<Value> = self
            .invites
            .iter()
            .filter(|i| i.user_id == u.id)
            .map(|i| json!({"inviteId": i.id, "organizationId": self.org.id, "expiresAt": i.expires_at}))
            .collect();
        json!({
            "id": u.id,
            "username": u.username,
            "fullName": u.full_name,
            "avatarUrl": u.avatar_url(),
            "status": u.status,
            "createdAt": rfc3339(u.created),
            "updatedAt": rfc3339(u.updated),
            "organizationId": self.org.id,
            "isIdpManaged": false,
            "roles": roles,
            "invites": invites,
            "featureFlags": [],
        })
    }
}
