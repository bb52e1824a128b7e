//! The API's response shapes, written from the OpenAPI document. Enumerations the server may
//! extend (roles, statuses) are kept as strings so a new value never breaks decoding.

use serde::{Deserialize, Serialize};

/// A user. The role lists are `None` when the response left them out (a token that may not
/// see them): never mistaken for "no roles".
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    /// The email address.
    pub username: String,
    pub full_name: String,
    pub status: String,
    pub created_at: String,
    #[serde(default)]
    pub organization_role: Option<String>,
    #[serde(default)]
    pub workspace_roles: Option<Vec<WorkspaceRole>>,
    #[serde(default)]
    pub deployment_roles: Option<Vec<DeploymentRole>>,
    #[serde(default)]
    pub dag_roles: Option<Vec<DagRole>>,
}

impl User {
    /// The user's role in a Workspace, when the response listed their Workspace roles.
    pub fn workspace_role(&self, workspace_id: &str) -> Option<&str> {
        self.workspace_roles
            .iter()
            .flatten()
            .find(|r| r.workspace_id == workspace_id)
            .map(|r| r.role.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceRole {
    pub workspace_id: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentRole {
    pub deployment_id: String,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DagRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag_tag: Option<String>,
    pub deployment_id: String,
    pub role: String,
}

/// The authenticated user (GetSelfUser).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SelfUser {
    pub id: String,
    pub username: String,
    pub full_name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersPage {
    pub users: Vec<User>,
    pub total_count: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: String,
    pub name: String,
    /// `HOSTED` or `HYBRID`; absent on older Organizations.
    #[serde(default)]
    pub product: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationsPage {
    pub organizations: Vec<Organization>,
    pub total_count: usize,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workspace {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub cicd_enforced_default: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspacesPage {
    pub workspaces: Vec<Workspace>,
    pub total_count: usize,
}

/// A Deployment, as far as naming it goes.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    #[serde(default)]
    pub workspace_name: Option<String>,
    /// `HEALTHY`, `UNHEALTHY`, `CREATING`, … (as the API gives it).
    #[serde(default)]
    pub status: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentsPage {
    pub deployments: Vec<Deployment>,
    pub total_count: usize,
}

/// A Team. Its role lists are `None` when the response left them out.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub organization_role: Option<String>,
    #[serde(default)]
    pub is_idp_managed: bool,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub workspace_roles: Option<Vec<WorkspaceRole>>,
    #[serde(default)]
    pub deployment_roles: Option<Vec<DeploymentRole>>,
    #[serde(default)]
    pub dag_roles: Option<Vec<DagRole>>,
}

impl Team {
    /// The Team's role in a Workspace, when the response listed its Workspace roles.
    pub fn workspace_role(&self, workspace_id: &str) -> Option<&str> {
        self.workspace_roles
            .iter()
            .flatten()
            .find(|r| r.workspace_id == workspace_id)
            .map(|r| r.role.as_str())
    }
}

/// A member of a Team.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMember {
    pub user_id: String,
    /// The email address.
    pub username: String,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub created_at: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamMembersPage {
    pub team_members: Vec<TeamMember>,
    pub total_count: usize,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsPage {
    pub teams: Vec<Team>,
    pub total_count: usize,
}

/// A page of a listing: its items and the total across pages.
pub trait Paged: serde::de::DeserializeOwned + Send {
    type Item: HasId;
    fn total(&self) -> usize;
    fn into_items(self) -> Vec<Self::Item>;
}

pub trait HasId {
    fn id(&self) -> &str;
}

impl HasId for User {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Workspace {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Deployment {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for Team {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for TeamMember {
    fn id(&self) -> &str {
        &self.user_id
    }
}

impl HasId for Organization {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Paged for UsersPage {
    type Item = User;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<User> {
        self.users
    }
}

impl Paged for WorkspacesPage {
    type Item = Workspace;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<Workspace> {
        self.workspaces
    }
}

impl Paged for DeploymentsPage {
    type Item = Deployment;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<Deployment> {
        self.deployments
    }
}

impl Paged for TeamsPage {
    type Item = Team;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<Team> {
        self.teams
    }
}

impl Paged for TeamMembersPage {
    type Item = TeamMember;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<TeamMember> {
        self.team_members
    }
}

impl Paged for OrganizationsPage {
    type Item = Organization;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<Organization> {
        self.organizations
    }
}

/// A subject's roles: what UpdateUserRoles answers, and (with lists left out) what it is sent.
/// A list that is present replaces the whole set; one left out is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRoles {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_roles: Option<Vec<WorkspaceRole>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_roles: Option<Vec<DeploymentRole>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag_roles: Option<Vec<DagRole>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    pub invite_id: String,
    pub expires_at: String,
    #[serde(default)]
    pub user_id: Option<String>,
}

/// An API token. `token` (its secret value) is present only in what CreateApiToken and
/// RotateApiToken answer, and never shown by `Debug`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `ORGANIZATION`, `WORKSPACE` or `DEPLOYMENT`.
    pub scope: String,
    #[serde(default)]
    pub roles: Option<Vec<ApiTokenRole>>,
    #[serde(default)]
    pub start_at: Option<String>,
    /// When it expires; `None`: never.
    #[serde(default)]
    pub end_at: Option<String>,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub created_by: Option<Profile>,
    #[serde(default)]
    pub last_used_at: Option<String>,
    #[serde(default)]
    pub last_rotated_at: Option<String>,
    #[serde(default)]
    pub token: Option<crate::secret::Token>,
}

impl ApiToken {
    /// The token's role on an entity (`ORGANIZATION` and the Organization's ID, `WORKSPACE` and
    /// a Workspace's ID).
    pub fn role_on(&self, entity_type: &str, entity_id: &str) -> Option<&str> {
        self.roles
            .iter()
            .flatten()
            .find(|r| r.entity_type == entity_type && r.entity_id == entity_id)
            .map(|r| r.role.as_str())
    }

    /// The Workspace a WORKSPACE-scoped token belongs to: the entity of its Workspace role.
    pub fn own_workspace(&self) -> Option<&str> {
        (self.scope == "WORKSPACE")
            .then(|| {
                self.roles
                    .iter()
                    .flatten()
                    .find(|r| r.entity_type == "WORKSPACE")
                    .map(|r| r.entity_id.as_str())
            })
            .flatten()
    }

    /// The Deployment a DEPLOYMENT-scoped token belongs to: the entity of its Deployment role.
    pub fn own_deployment(&self) -> Option<&str> {
        (self.scope == "DEPLOYMENT")
            .then(|| {
                self.roles
                    .iter()
                    .flatten()
                    .find(|r| r.entity_type == "DEPLOYMENT")
                    .map(|r| r.entity_id.as_str())
            })
            .flatten()
    }

    /// Who created it: a user's email, or a token's name.
    pub fn created_by(&self) -> Option<&str> {
        self.created_by
            .as_ref()
            .and_then(|p| p.username.as_deref().or(p.api_token_name.as_deref()))
    }
}

/// One role of an API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenRole {
    /// `ORGANIZATION`, `WORKSPACE`, `DEPLOYMENT`, `DAG` or `DAG_TAG`.
    pub entity_type: String,
    pub entity_id: String,
    pub role: String,
    /// For DAG and DAG_TAG roles: the Deployment holding the DAG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
}

/// A user or a token, as the API names who did something.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub id: String,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    #[serde(default)]
    pub api_token_name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokensPage {
    pub tokens: Vec<ApiToken>,
    pub total_count: usize,
}

impl HasId for ApiToken {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Paged for ApiTokensPage {
    type Item = ApiToken;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<ApiToken> {
        self.tokens
    }
}

/// A role the Organization offers (ListRoles): a default Astro role or a custom one.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleInfo {
    /// A custom role's ID; a default role has none.
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// `DEPLOYMENT`, `WORKSPACE`, `ORGANIZATION`, `DAG` (as the API gives it).
    pub scope_type: String,
    /// A custom role usable only in these Workspaces (`None` or empty: everywhere).
    #[serde(default)]
    pub restricted_workspace_ids: Option<Vec<String>>,
}

/// One page of ListRoles: the custom roles (paged) and, when asked for, every default role.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolesPage {
    #[serde(default)]
    pub default_roles: Option<Vec<RoleInfo>>,
    pub roles: Vec<RoleInfo>,
    pub total_count: usize,
}

/// What ListRoles gave, all pages read: the default roles, then the custom ones.
#[derive(Debug, Default)]
pub struct RoleListing {
    pub defaults: Vec<RoleInfo>,
    pub custom: Vec<RoleInfo>,
}
