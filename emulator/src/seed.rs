//! The seed: what Organization, users, Workspaces and Teams the emulator starts with,
//! either the built-in default or a JSON/YAML seed file (format in emulator/README.md).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::EmulatorError;

/// A whole seed: one Organization and what it holds, in creation order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Seed {
    pub organization: SeedOrganization,
    #[serde(default)]
    pub users: Vec<SeedUser>,
    #[serde(default)]
    pub workspaces: Vec<SeedWorkspace>,
    #[serde(default)]
    pub teams: Vec<SeedTeam>,
}

/// The seed's Organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedOrganization {
    pub name: String,
    /// A fixed ID; derived deterministically when absent.
    #[serde(default)]
    pub id: Option<String>,
}

/// One seed user. The first user is the Organization's creator and the default token's subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedUser {
    pub email: String,
    pub full_name: String,
    /// Organization role, e.g. `ORGANIZATION_MEMBER`.
    pub role: String,
    /// `ACTIVE` (default), `INACTIVE`, `PENDING` or `BANNED`. A PENDING user gets an invite.
    #[serde(default = "active")]
    pub status: String,
    #[serde(default)]
    pub id: Option<String>,
    /// Workspace roles, the Workspace named by its seed `name`.
    #[serde(default)]
    pub workspace_roles: Vec<SeedWorkspaceRole>,
    /// Deployment roles (Deployments are not emulated; any ID is kept as given).
    #[serde(default)]
    pub deployment_roles: Vec<SeedDeploymentRole>,
}

fn active() -> String {
    "ACTIVE".to_string()
}

/// A Workspace role of a seed user or Team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedWorkspaceRole {
    /// The seed Workspace's name.
    pub workspace: String,
    pub role: String,
}

/// A Deployment role of a seed user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedDeploymentRole {
    pub deployment_id: String,
    pub role: String,
}

/// One seed Workspace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedWorkspace {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

/// One seed Team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedTeam {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default = "member_role")]
    pub organization_role: String,
    /// Members, by email.
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub workspace_roles: Vec<SeedWorkspaceRole>,
    #[serde(default)]
    pub id: Option<String>,
}

fn member_role() -> String {
    "ORGANIZATION_MEMBER".to_string()
}

impl Default for Seed {
    /// The default seed the CLI's tests rely on: "Example Org" with six users, two
    /// Workspaces and one Team.
    fn default() -> Self {
        let user = |email: &str, name: &str, role: &str, status: &str| SeedUser {
            email: email.into(),
            full_name: name.into(),
            role: role.into(),
            status: status.into(),
            id: None,
            workspace_roles: vec![],
            deployment_roles: vec![],
        };
        let mut grace = user(
            "grace@example.com",
            "Grace Hopper",
            "ORGANIZATION_MEMBER",
            "ACTIVE",
        );
        grace.workspace_roles.push(SeedWorkspaceRole {
            workspace: "Data Platform".into(),
            role: "WORKSPACE_OWNER".into(),
        });
        Seed {
            organization: SeedOrganization {
                name: "Example Org".into(),
                id: None,
            },
            users: vec![
                user(
                    "ada@example.com",
                    "Ada Lovelace",
                    "ORGANIZATION_OWNER",
                    "ACTIVE",
                ),
                grace,
                user(
                    "alan@example.com",
                    "Alan Turing",
                    "ORGANIZATION_BILLING_ADMIN",
                    "ACTIVE",
                ),
                user(
                    "Katherine.Johnson@Example.com",
                    "Katherine Johnson",
                    "ORGANIZATION_OBSERVE_ADMIN",
                    "ACTIVE",
                ),
                user(
                    "edsger@example.com",
                    "Edsger Dijkstra",
                    "ORGANIZATION_OBSERVE_MEMBER",
                    "ACTIVE",
                ),
                user(
                    "barbara@example.com",
                    "Barbara Liskov",
                    "ORGANIZATION_MEMBER",
                    "PENDING",
                ),
            ],
            workspaces: vec![
                SeedWorkspace {
                    name: "Data Platform".into(),
                    description: Some("Pipelines that feed the warehouse".into()),
                    id: None,
                },
                SeedWorkspace {
                    name: "Analytics".into(),
                    description: Some("Reporting and dashboards".into()),
                    id: None,
                },
            ],
            teams: vec![SeedTeam {
                name: "Platform Team".into(),
                description: Some("Keeps the platform running".into()),
                organization_role: "ORGANIZATION_MEMBER".into(),
                members: vec!["grace@example.com".into()],
                workspace_roles: vec![SeedWorkspaceRole {
                    workspace: "Data Platform".into(),
                    role: "WORKSPACE_AUTHOR".into(),
                }],
                id: None,
            }],
        }
    }
}

impl Seed {
    /// Reads a seed file: YAML when the extension is `.yml`/`.yaml`, JSON when `.json`,
    /// otherwise JSON if the text starts with `{`, else YAML.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Seed, EmulatorError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            EmulatorError::Seed(format!("cannot read seed file {}: {e}", path.display()))
        })?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let json = match ext.as_str() {
            "json" => true,
            "yml" | "yaml" => false,
            _ => text.trim_start().starts_with('{'),
        };
        let seed = if json {
            Seed::from_json(&text)
        } else {
            Seed::from_yaml(&text)
        };
        seed.map_err(|e| match e {
            EmulatorError::Seed(msg) => {
                EmulatorError::Seed(format!("invalid seed file {}: {msg}", path.display()))
            }
            other => other,
        })
    }

    /// Parses a JSON seed.
    pub fn from_json(text: &str) -> Result<Seed, EmulatorError> {
        let seed: Seed = serde_json::from_str(text)
            .map_err(|e| EmulatorError::Seed(e.to_string().replace('\n', " ")))?;
        seed.validate()?;
        Ok(seed)
    }

    /// Parses a YAML seed.
    pub fn from_yaml(text: &str) -> Result<Seed, EmulatorError> {
        let seed: Seed = serde_saphyr::from_str(text)
            .map_err(|e| EmulatorError::Seed(e.to_string().replace('\n', " ")))?;
        seed.validate()?;
        Ok(seed)
    }

    /// Checks roles, statuses, emails and references; the first problem is an error.
    pub fn validate(&self) -> Result<(), EmulatorError> {
        let bad = |m: String| Err(EmulatorError::Seed(m));
        if self.organization.name.trim().is_empty() {
            return bad("organization.name is empty".into());
        }
        if self.users.is_empty() {
            return bad("at least one user is needed (the first is the token's user)".into());
        }
        let mut seen = std::collections::HashSet::new();
        for (i, u) in self.users.iter().enumerate() {
            if !crate::model::is_email(&u.email) {
                return bad(format!("users[{i}].email {:?} is not an email", u.email));
            }
            if !seen.insert(u.email.to_lowercase()) {
                return bad(format!("users[{i}].email {:?} appears twice", u.email));
            }
            if !crate::model::ORGANIZATION_ROLES.contains(&u.role.as_str()) {
                return bad(format!(
                    "users[{i}].role {:?} is not an Organization role",
                    u.role
                ));
            }
            if !crate::model::USER_STATUSES.contains(&u.status.as_str()) {
                return bad(format!(
                    "users[{i}].status {:?} is not a user status",
                    u.status
                ));
            }
            for wr in &u.workspace_roles {
                self.check_workspace_role(wr, &format!("users[{i}]"))?;
            }
        }
        for (i, t) in self.teams.iter().enumerate() {
            if !crate::model::ORGANIZATION_ROLES.contains(&t.organization_role.as_str()) {
                return bad(format!(
                    "teams[{i}].organizationRole {:?} is unknown",
                    t.organization_role
                ));
            }
            for m in &t.members {
                if !seen.contains(&m.to_lowercase()) {
                    return bad(format!("teams[{i}].members: no user {m:?}"));
                }
            }
            for wr in &t.workspace_roles {
                self.check_workspace_role(wr, &format!("teams[{i}]"))?;
            }
        }
        Ok(())
    }

    fn check_workspace_role(&self, wr: &SeedWorkspaceRole, at: &str) -> Result<(), EmulatorError> {
        if !self.workspaces.iter().any(|w| w.name == wr.workspace) {
            return Err(EmulatorError::Seed(format!(
                "{at}.workspaceRoles: no Workspace named {:?}",
                wr.workspace
            )));
        }
        if !crate::model::WORKSPACE_ROLES.contains(&wr.role.as_str()) {
            return Err(EmulatorError::Seed(format!(
                "{at}.workspaceRoles: {:?} is not a Workspace role",
                wr.role
            )));
        }
        Ok(())
    }
}
