//! The Organization's access as the API shows it, read with every listing at once: users,
//! Workspaces, Teams and (as needed) Deployments, the Organization, its Deployment roles and
//! the user running the command in the first round trip; each Team's members as soon as the
//! Teams are listed, 64 Teams at once. A listing of up to 1,000 items is one request (more: one
//! more round trip, its pages side by side), so the reads take 1 + ceil(Teams / 64) sequential
//! round trips (one more past 1,000 Teams): two up to 64 Teams, three up to 128 (the benchmark's
//! 100 Teams), five up to 256.

use std::collections::{BTreeMap, HashMap};

use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api::{ApiError, Client, Deployment, RoleInfo, Team, TeamMember, User, Workspace};
use crate::error::CliError;

/// How many Teams' members are read at once.
const MEMBER_CONCURRENCY: usize = 64;

/// What to read besides users, Workspaces and Teams.
pub struct Wants<'a> {
    /// GetOrganization, for its name (a comment in an export).
    pub organization: bool,
    pub deployments: bool,
    /// ListRoles of scope DEPLOYMENT, to check Deployment role names.
    pub deployment_roles: bool,
    /// GetSelfUser (a browser login only): who "you" are, for the self-demotion rule.
    pub me: bool,
    /// Which Teams' members to read (IDs), given the Teams listed.
    pub members_of: &'a (dyn Fn(&[Team]) -> Vec<String> + Sync),
}

/// The Deployment roles the Organization offers, when read.
#[derive(Debug, Clone)]
pub enum Catalogue {
    NotRead,
    /// The token may not list them (403): names are not checked.
    Forbidden,
    Roles(Vec<RoleInfo>),
}

/// The Organization's access, as read.
#[derive(Debug, Clone)]
pub struct Live {
    pub organization_id: String,
    pub organization_name: Option<String>,
    pub users: Vec<User>,
    pub workspaces: Vec<Workspace>,
    /// Empty when not read.
    pub deployments: Vec<Deployment>,
    pub deployments_read: bool,
    pub teams: Vec<Team>,
    /// Members of the Teams read, by Team ID.
    pub team_members: BTreeMap<String, Vec<TeamMember>>,
    pub catalogue: Catalogue,
    /// The user running the command (a browser login); `None` for an API token.
    pub me: Option<String>,
}

/// Reads the Organization's access (see the module's comment for the round trips).
pub async fn read(client: &Client, org: &str, wants: Wants<'_>) -> Result<Live, CliError> {
    let teams_and_members = async {
        let teams = client.list_all_teams(org).await?;
        let ids = (wants.members_of)(&teams);
        let members = read_members(client, org, ids).await?;
        Ok::<_, ApiError>((teams, members))
    };
    let deployments = async {
        if wants.deployments {
            client.list_all_deployments(org).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let organization = async {
        if wants.organization {
            client.get_organization(org).await.map(|o| Some(o.name))
        } else {
            Ok(None)
        }
    };
    let catalogue = async {
        if !wants.deployment_roles {
            return Ok(Catalogue::NotRead);
        }
        match client.list_roles(org, "DEPLOYMENT").await {
            Ok(roles) => Ok(Catalogue::Roles(roles)),
            Err(e) if e.status() == Some(403) => Ok(Catalogue::Forbidden),
            Err(e) => Err(e),
        }
    };
    let me = async {
        if wants.me {
            client.get_self_user().await.map(|u| Some(u.id))
        } else {
            Ok(None)
        }
    };
    let (users, workspaces, (teams, team_members), deployments, organization_name, catalogue, me) =
        tokio::try_join!(
            client.list_all_users(org),
            client.list_all_workspaces(org),
            teams_and_members,
            deployments,
            organization,
            catalogue,
            me,
        )?;
    let live = Live {
        organization_id: org.to_owned(),
        organization_name,
        users,
        workspaces,
        deployments_read: deployments.is_some(),
        deployments: deployments.unwrap_or_default(),
        teams,
        team_members,
        catalogue,
        me,
    };
    live.check_visible()?;
    Ok(live)
}

/// The members of each Team in `ids`, a bounded number at once; a Team deleted since it was
/// listed (404) has none.
async fn read_members(
    client: &Client,
    org: &str,
    ids: Vec<String>,
) -> Result<BTreeMap<String, Vec<TeamMember>>, ApiError> {
    stream::iter(ids)
        .map(|id| async move {
            match client.list_team_members(org, &id).await {
                Ok(members) => Ok(Some((id, members))),
                Err(e) if e.status() == Some(404) => Ok(None),
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(MEMBER_CONCURRENCY)
        .try_filter_map(|found| async move { Ok(found) })
        .try_collect()
        .await
}

impl Live {
    /// A role list the API left out cannot be described or compared: exit 4, naming who.
    fn check_visible(&self) -> Result<(), CliError> {
        let hidden_user = self.users.iter().find(|u| {
            u.organization_role.is_none()
                || u.workspace_roles.is_none()
                || (self.deployments_read && u.deployment_roles.is_none())
        });
        if let Some(user) = hidden_user {
            return Err(CliError::auth(format!(
                "the API did not show all of {}'s roles, so the Organization's access cannot be read",
                crate::text::cell(&user.username)
            ))
            .with_hint("use a token that may manage the Organization's users and Teams"));
        }
        let hidden_team = self.teams.iter().find(|t| {
            t.organization_role.is_none()
                || t.workspace_roles.is_none()
                || (self.deployments_read && t.deployment_roles.is_none())
        });
        if let Some(team) = hidden_team {
            return Err(CliError::auth(format!(
                "the API did not show all of Team {}'s roles, so the Organization's access cannot be read",
                crate::text::cell(&team.name)
            ))
            .with_hint("use a token that may manage the Organization's users and Teams"));
        }
        Ok(())
    }

    pub fn workspace(&self, id: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| w.id == id)
    }

    pub fn deployment(&self, id: &str) -> Option<&Deployment> {
        self.deployments.iter().find(|d| d.id == id)
    }

    pub fn team(&self, id: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.id == id)
    }

    /// The members indexed by ID and by email, for lookups that stay fast at thousands of
    /// members.
    pub fn people(&self) -> People<'_> {
        let mut by_id = HashMap::with_capacity(self.users.len());
        let mut by_email = HashMap::with_capacity(self.users.len());
        for user in &self.users {
            by_id.entry(user.id.as_str()).or_insert(user);
            by_email.entry(user.username.to_lowercase()).or_insert(user);
        }
        People { by_id, by_email }
    }

    /// Whether another listed Workspace has exactly this one's name.
    fn workspace_name_shared(&self, workspace: &Workspace) -> bool {
        self.workspaces
            .iter()
            .any(|w| w.id != workspace.id && w.name == workspace.name)
    }

    /// How a file names a Workspace: its name, or (shared by another, or not listed) its ID,
    /// with the name as a comment.
    pub fn workspace_key(&self, id: &str) -> (String, Option<String>) {
        match self.workspace(id) {
            Some(w) if !self.workspace_name_shared(w) => (w.name.clone(), None),
            Some(w) => (w.id.clone(), Some(w.name.clone())),
            None => (
                id.to_owned(),
                Some("not in the Workspace listing".to_owned()),
            ),
        }
    }

    /// How the plan shows a Workspace: its name, with its ID when another has the name.
    pub fn workspace_label(&self, id: &str) -> String {
        match self.workspace(id) {
            Some(w) if !self.workspace_name_shared(w) => w.name.clone(),
            Some(w) => format!("{} ({})", w.name, w.id),
            None => id.to_owned(),
        }
    }

    /// How a file names a Deployment within its Workspace: its name, or (shared there) its
    /// ID with the name as a comment.
    pub fn deployment_key(&self, deployment: &Deployment) -> (String, Option<String>) {
        let shared = self.deployments.iter().any(|d| {
            d.id != deployment.id
                && d.workspace_id == deployment.workspace_id
                && d.name == deployment.name
        });
        if shared {
            (deployment.id.clone(), Some(deployment.name.clone()))
        } else {
            (deployment.name.clone(), None)
        }
    }

    /// How the plan shows a Deployment: `Workspace / Deployment`.
    pub fn deployment_label(&self, id: &str) -> String {
        match self.deployment(id) {
            Some(d) => {
                let (key, comment) = self.deployment_key(d);
                let name = match comment {
                    Some(name) => format!("{name} ({key})"),
                    None => key,
                };
                format!("{} / {name}", self.workspace_label(&d.workspace_id))
            }
            None => id.to_owned(),
        }
    }
}

/// The members by ID and by email ([`Live::people`]).
pub struct People<'a> {
    by_id: HashMap<&'a str, &'a User>,
    by_email: HashMap<String, &'a User>,
}

impl<'a> People<'a> {
    pub fn by_id(&self, id: &str) -> Option<&'a User> {
        self.by_id.get(id).copied()
    }

    /// The member with this email, compared ignoring case (as [`crate::api::same_email`]).
    pub fn by_email(&self, email: &str) -> Option<&'a User> {
        self.by_email.get(&email.to_lowercase()).copied()
    }
}

/// Sorting names the way people read them: ignoring case first, then exactly (so `Platform
/// Team` and `platform team` keep one order).
pub fn name_order(name: &str) -> (String, String) {
    (name.to_lowercase(), name.to_owned())
}
