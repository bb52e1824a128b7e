//! Roles as ListRoles shows them: Astro's default roles (fixed, the same in every
//! Organization) and an Organization's custom roles (seeded), and which names a Deployment
//! role may take (`DEPLOYMENT_ADMIN`, or a custom role of scope DEPLOYMENT whose Workspace
//! restriction, if any, holds the Deployment's Workspace).

use super::*;

/// The scope types of the document's `Role.scopeType`: what a custom role may have.
pub const CUSTOM_ROLE_SCOPES: [&str; 3] = ["DEPLOYMENT", "WORKSPACE", "ORGANIZATION"];

/// The values of ListRoles' `scopeTypes` filter.
pub const ROLE_SCOPE_TYPES: [&str; 4] = ["DEPLOYMENT", "WORKSPACE", "ORGANIZATION", "DAG"];

/// The one built-in Deployment role.
pub const DEPLOYMENT_ADMIN: &str = "DEPLOYMENT_ADMIN";

/// One of Astro's default roles, as the document's `DefaultRole`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultRole {
    pub name: &'static str,
    /// `ORGANIZATION`, `WORKSPACE`, `DEPLOYMENT` or `DAG`.
    pub scope_type: &'static str,
    pub description: &'static str,
    pub permissions: &'static [&'static str],
}

impl DefaultRole {
    /// The document's `DefaultRole`.
    pub fn json(&self) -> Value {
        json!({
            "name": self.name,
            "description": self.description,
            "permissions": self.permissions,
            "scopeType": self.scope_type,
        })
    }
}

/// Astro's default roles, in the order ListRoles gives them (Organization, Workspace,
/// Deployment, DAG; within a scope from the most to the least powerful). The permissions
/// are a plausible few of each (the document names the actions only in `x-permission`).
pub const DEFAULT_ROLES: [DefaultRole; 13] = [
    DefaultRole {
        name: "ORGANIZATION_OWNER",
        scope_type: "ORGANIZATION",
        description: "Manages the Organization: its users, Teams, roles, Workspaces, API \
                      tokens and settings.",
        permissions: &[
            "organization.get",
            "organization.settings.update",
            "organization.users.create",
            "organization.userRoles.access",
            "organization.teams.create",
            "organization.customRoles.create",
            "organization.apiTokens.access",
            "organization.workspaces.create",
        ],
    },
    DefaultRole {
        name: "ORGANIZATION_BILLING_ADMIN",
        scope_type: "ORGANIZATION",
        description: "Manages the Organization's billing and sees its usage.",
        permissions: &[
            "organization.get",
            "organization.billing.get",
            "organization.billing.update",
            "organization.users.get",
            "organization.customRoles.get",
        ],
    },
    DefaultRole {
        name: "ORGANIZATION_OBSERVE_ADMIN",
        scope_type: "ORGANIZATION",
        description: "Manages Astro Observe for the Organization.",
        permissions: &[
            "organization.get",
            "organization.observe.get",
            "organization.observe.update",
            "organization.users.get",
            "organization.customRoles.get",
        ],
    },
    DefaultRole {
        name: "ORGANIZATION_OBSERVE_MEMBER",
        scope_type: "ORGANIZATION",
        description: "Uses Astro Observe in the Organization.",
        permissions: &[
            "organization.get",
            "organization.observe.get",
            "organization.customRoles.get",
        ],
    },
    DefaultRole {
        name: "ORGANIZATION_MEMBER",
        scope_type: "ORGANIZATION",
        description: "Belongs to the Organization and sees its users, Teams and Workspaces.",
        permissions: &[
            "organization.get",
            "organization.users.get",
            "organization.teams.get",
            "organization.workspaces.get",
            "organization.customRoles.get",
        ],
    },
    DefaultRole {
        name: "WORKSPACE_OWNER",
        scope_type: "WORKSPACE",
        description: "Manages the Workspace: its users, Teams, API tokens, Deployments and \
                      settings.",
        permissions: &[
            "workspace.get",
            "workspace.settings.update",
            "workspace.delete",
            "workspace.userRoles.update",
            "workspace.apiTokens.update",
            "workspace.deployments.create",
        ],
    },
    DefaultRole {
        name: "WORKSPACE_OPERATOR",
        scope_type: "WORKSPACE",
        description: "Creates and updates the Workspace's Deployments and their environment.",
        permissions: &[
            "workspace.get",
            "workspace.deployments.create",
            "deployment.update",
            "deployment.deploys.create",
            "workspace.envObjects.update",
        ],
    },
    DefaultRole {
        name: "WORKSPACE_AUTHOR",
        scope_type: "WORKSPACE",
        description: "Deploys code to the Workspace's Deployments.",
        permissions: &[
            "workspace.get",
            "deployment.get",
            "deployment.deploys.create",
            "deployment.dags.update",
        ],
    },
    DefaultRole {
        name: "WORKSPACE_MEMBER",
        scope_type: "WORKSPACE",
        description: "Sees the Workspace, its Deployments and their DAGs.",
        permissions: &["workspace.get", "deployment.get", "deployment.dags.get"],
    },
    DefaultRole {
        name: "WORKSPACE_ACCESSOR",
        scope_type: "WORKSPACE",
        description: "Sees the Workspace and its Deployments.",
        permissions: &["workspace.get", "deployment.get"],
    },
    DefaultRole {
        name: DEPLOYMENT_ADMIN,
        scope_type: "DEPLOYMENT",
        description: "Manages the Deployment: its settings, deploys, API tokens and DAGs.",
        permissions: &[
            "deployment.get",
            "deployment.update",
            "deployment.delete",
            "deployment.deploys.create",
            "deployment.apiTokens.update",
            "deployment.dags.update",
            "deployment.logs.get",
        ],
    },
    DefaultRole {
        name: "DAG_VIEWER",
        scope_type: "DAG",
        description: "Sees the DAG and its runs.",
        permissions: &["deployment.dags.get", "deployment.dagRuns.get"],
    },
    DefaultRole {
        name: "DAG_AUTHOR",
        scope_type: "DAG",
        description: "Runs, pauses and edits the DAG.",
        permissions: &[
            "deployment.dags.get",
            "deployment.dags.update",
            "deployment.dagRuns.create",
        ],
    },
];

/// Whether a name is one of the default roles'.
pub fn is_default_role(name: &str) -> bool {
    DEFAULT_ROLES.iter().any(|r| r.name == name)
}

/// A custom role of an Organization.
#[derive(Debug, Clone)]
pub struct CustomRole {
    pub id: String,
    /// Unique in the Organization; what a role assignment names.
    pub name: String,
    pub description: Option<String>,
    /// One of [`CUSTOM_ROLE_SCOPES`].
    pub scope_type: &'static str,
    /// The Workspaces it may be used in; empty: any.
    pub restricted_workspace_ids: Vec<String>,
    pub created: i64,
    pub updated: i64,
    /// Subject IDs.
    pub created_by: String,
    pub updated_by: String,
}

/// Why a name may not be a Deployment role (for a given Deployment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeploymentRoleProblem {
    /// Neither `DEPLOYMENT_ADMIN` nor a custom role of scope DEPLOYMENT of the Organization;
    /// `allowed` is what it takes (`DEPLOYMENT_ADMIN`, then the custom ones).
    Unknown { allowed: Vec<String> },
    /// A custom Deployment role restricted to Workspaces (`restricted_to`) that do not hold
    /// the Deployment (which is in `workspace_id`).
    Restricted {
        restricted_to: Vec<String>,
        workspace_id: String,
    },
}

impl Data {
    /// The seed's custom roles (already validated), one hour apart from four days after the
    /// first user, created by the Organization's first user. Restricted Workspaces given by
    /// seed name become their IDs.
    pub(super) fn seed_custom_roles(&mut self, seed: &SeedOrganization, epoch: i64) {
        for (i, r) in seed.custom_roles.iter().enumerate() {
            let t = epoch + 4 * 86_400 + 3600 * i as i64;
            self.role_counter += 1;
            let mut restricted: Vec<String> = r
                .restricted_workspaces
                .iter()
                .filter_map(|name| self.workspaces.iter().find(|w| &w.name == name))
                .map(|w| w.id.to_string())
                .collect();
            for id in &r.restricted_workspace_ids {
                if !restricted.contains(id) {
                    restricted.push(id.clone());
                }
            }
            self.custom_roles.push(CustomRole {
                id: r.id.clone().unwrap_or_else(|| {
                    cuid(&format!("role{}", self.kind_suffix), self.role_counter, t)
                }),
                name: r.name.clone(),
                description: r.description.clone(),
                scope_type: known(&CUSTOM_ROLE_SCOPES, &r.scope_type).unwrap_or("DEPLOYMENT"),
                restricted_workspace_ids: restricted,
                created: t,
                updated: t,
                created_by: self.owner_id.clone(),
                updated_by: self.owner_id.clone(),
            });
        }
    }

    /// A custom role by its (exact) name.
    pub fn custom_role(&self, name: &str) -> Option<&CustomRole> {
        self.custom_roles.iter().find(|r| r.name == name)
    }

    /// ListRoles' `roles`: the custom roles of one of `scope_types` (all when empty), sorted
    /// (stable, creation order otherwise), then the page.
    pub fn list_custom_roles(
        &self,
        scope_types: &[String],
        page: &Page,
    ) -> (usize, Vec<&CustomRole>) {
        let mut items: Vec<&CustomRole> = self
            .custom_roles
            .iter()
            .filter(|r| scope_types.is_empty() || scope_types.iter().any(|s| s == r.scope_type))
            .collect();
        apply_sorts(&mut items, &page.sorts, |a, field, b| match field {
            "name" => cmp_ci(&a.name, &b.name),
            "scopeType" => a.scope_type.cmp(b.scope_type),
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

    /// The document's `Role` for a custom role.
    pub fn custom_role_json(&self, r: &CustomRole) -> Value {
        let mut v = json!({
            "id": r.id,
            "name": r.name,
            "scopeType": r.scope_type,
            "restrictedWorkspaceIds": r.restricted_workspace_ids,
            "createdAt": rfc3339(r.created),
            "updatedAt": rfc3339(r.updated),
            "createdBy": self.subject_profile(&r.created_by),
            "updatedBy": self.subject_profile(&r.updated_by),
        });
        if let Some(d) = &r.description {
            v["description"] = json!(d);
        }
        v
    }

    /// The names a Deployment role may take here: `DEPLOYMENT_ADMIN`, then the custom roles
    /// of scope DEPLOYMENT in creation order.
    pub fn deployment_role_names(&self) -> Vec<String> {
        std::iter::once(DEPLOYMENT_ADMIN.to_string())
            .chain(
                self.custom_roles
                    .iter()
                    .filter(|r| r.scope_type == "DEPLOYMENT")
                    .map(|r| r.name.clone()),
            )
            .collect()
    }

    /// Whether `role` may be a Deployment role on `deployment_id`: `DEPLOYMENT_ADMIN`, or a
    /// custom role of scope DEPLOYMENT (exact name) that is unrestricted or restricted to
    /// Workspaces including the Deployment's. An ID that names no Deployment is checked by
    /// name only (its own error is the caller's).
    pub fn deployment_role_problem(
        &self,
        role: &str,
        deployment_id: Option<&str>,
    ) -> Option<DeploymentRoleProblem> {
        if role == DEPLOYMENT_ADMIN {
            return None;
        }
        let Some(custom) = self
            .custom_role(role)
            .filter(|r| r.scope_type == "DEPLOYMENT")
        else {
            return Some(DeploymentRoleProblem::Unknown {
                allowed: self.deployment_role_names(),
            });
        };
        let deployment = deployment_id.and_then(|d| self.deployment(d))?;
        if custom.restricted_workspace_ids.is_empty()
            || custom
                .restricted_workspace_ids
                .iter()
                .any(|w| **w == *deployment.workspace_id)
        {
            return None;
        }
        Some(DeploymentRoleProblem::Restricted {
            restricted_to: custom.restricted_workspace_ids.clone(),
            workspace_id: deployment.workspace_id.to_string(),
        })
    }
}
