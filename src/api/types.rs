//! The API's response shapes, written from the OpenAPI document. Enumerations the server may
//! extend (roles, statuses) are kept as strings so a new value never breaks decoding.

use serde::Deserialize;

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
}

/// A page of a listing: its items and the total across pages.
pub trait Paged: serde::de::DeserializeOwned {
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

impl Paged for OrganizationsPage {
    type Item = Organization;
    fn total(&self) -> usize {
        self.total_count
    }
    fn into_items(self) -> Vec<Organization> {
        self.organizations
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubjectRoles {
    #[serde(default)]
    pub organization_role: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invite {
    pub invite_id: String,
    pub expires_at: String,
    #[serde(default)]
    pub user_id: Option<String>,
}
