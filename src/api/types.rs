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

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersPage {
    pub users: Vec<User>,
    pub total_count: usize,
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
