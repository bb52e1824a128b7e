//! A member's whole access, named: their Organization role, each Workspace, Deployment and DAG
//! role with the name of what it is in, and their Teams. Built from the user as GetUser shows
//! them and listings of the Organization's Workspaces and Deployments (and the user's Teams).
//! A role whose Workspace or Deployment the listing does not show keeps its ID and has no name
//! (`null`); a role list the API left out (a token that may not see it) stays `None` (`null`),
//! never taken for "no roles" (`[]`).

use serde::Serialize;

use crate::api::{DagRole, Deployment, DeploymentRole, Team, User, Workspace, WorkspaceRole};

/// What `astro organization user get --json` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Access {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub status: String,
    pub organization_role: Option<String>,
    pub workspace_roles: Option<Vec<WorkspaceAccess>>,
    pub deployment_roles: Option<Vec<DeploymentAccess>>,
    pub dag_roles: Option<Vec<DagAccess>>,
    pub teams: Option<Vec<TeamRef>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceAccess {
    pub workspace_id: String,
    /// `None` when the Workspace listing does not show it.
    pub workspace_name: Option<String>,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentAccess {
    pub deployment_id: String,
    /// `None` when the Deployment listing does not show it.
    pub deployment_name: Option<String>,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DagAccess {
    pub deployment_id: String,
    /// `None` when the Deployment listing does not show it.
    pub deployment_name: Option<String>,
    pub dag_id: Option<String>,
    pub dag_tag: Option<String>,
    pub role: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamRef {
    pub id: String,
    pub name: String,
}

/// Which listings naming the user's roles needs: the Workspaces when they have a Workspace
/// role, the Deployments when they have a Deployment or DAG role.
pub fn needs_listings(user: &User) -> (bool, bool) {
    listings_for(RoleLists::of_user(user))
}

/// The user's access, each role named from `workspaces` and `deployments` (the listings, or
/// what of them the token could see), sorted by name (unnamed last), then ID. `teams` is
/// `None` when the user's Teams could not be read.
pub fn assemble(
    user: &User,
    workspaces: &[Workspace],
    deployments: &[Deployment],
    teams: Option<&[Team]>,
) -> Access {
    let roles = name_roles(RoleLists::of_user(user), workspaces, deployments);
    Access {
        id: user.id.clone(),
        email: user.username.clone(),
        full_name: user.full_name.clone(),
        status: user.status.clone(),
        organization_role: user.organization_role.clone(),
        workspace_roles: roles.workspace_roles,
        deployment_roles: roles.deployment_roles,
        dag_roles: roles.dag_roles,
        teams: teams.map(|teams| {
            teams
                .iter()
                .map(|t| TeamRef {
                    id: t.id.clone(),
                    name: t.name.clone(),
                })
                .collect()
        }),
    }
}

/// A subject's scoped role lists as the API gave them (`None`: left out).
#[derive(Debug, Clone, Copy)]
pub struct RoleLists<'a> {
    pub workspace_roles: Option<&'a [WorkspaceRole]>,
    pub deployment_roles: Option<&'a [DeploymentRole]>,
    pub dag_roles: Option<&'a [DagRole]>,
}

impl<'a> RoleLists<'a> {
    pub fn of_user(user: &'a User) -> Self {
        Self {
            workspace_roles: user.workspace_roles.as_deref(),
            deployment_roles: user.deployment_roles.as_deref(),
            dag_roles: user.dag_roles.as_deref(),
        }
    }

    pub fn of_team(team: &'a Team) -> Self {
        Self {
            workspace_roles: team.workspace_roles.as_deref(),
            deployment_roles: team.deployment_roles.as_deref(),
            dag_roles: team.dag_roles.as_deref(),
        }
    }
}

/// A subject's scoped roles, each named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedRoles {
    pub workspace_roles: Option<Vec<WorkspaceAccess>>,
    pub deployment_roles: Option<Vec<DeploymentAccess>>,
    pub dag_roles: Option<Vec<DagAccess>>,
}

/// Which listings naming `roles` needs: the Workspaces when there is a Workspace role, the
/// Deployments when there is a Deployment or DAG role.
pub fn listings_for(roles: RoleLists<'_>) -> (bool, bool) {
    let any = |n: Option<usize>| n.unwrap_or(0) > 0;
    let workspaces = any(roles.workspace_roles.map(<[_]>::len));
    let deployments =
        any(roles.deployment_roles.map(<[_]>::len)) || any(roles.dag_roles.map(<[_]>::len));
    (workspaces, deployments)
}

/// Each role of `roles` named from `workspaces` and `deployments` (the listings, or what of
/// them the token could see), sorted by name (unnamed last), then ID; a list left out stays
/// `None`.
pub fn name_roles(
    roles: RoleLists<'_>,
    workspaces: &[Workspace],
    deployments: &[Deployment],
) -> NamedRoles {
    let workspace_name = |id: &str| {
        workspaces
            .iter()
            .find(|w| w.id == id)
            .map(|w| w.name.clone())
    };
    let deployment_name = |id: &str| {
        deployments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
    };
    let workspace_roles = roles.workspace_roles.map(|roles| {
        let mut roles: Vec<WorkspaceAccess> = roles
            .iter()
            .map(|r| WorkspaceAccess {
                workspace_id: r.workspace_id.clone(),
                workspace_name: workspace_name(&r.workspace_id),
                role: r.role.clone(),
            })
            .collect();
        roles.sort_by_cached_key(|r| name_key(r.workspace_name.as_deref(), &r.workspace_id));
        roles
    });
    let deployment_roles = roles.deployment_roles.map(|roles| {
        let mut roles: Vec<DeploymentAccess> = roles
            .iter()
            .map(|r| DeploymentAccess {
                deployment_id: r.deployment_id.clone(),
                deployment_name: deployment_name(&r.deployment_id),
                role: r.role.clone(),
            })
            .collect();
        roles.sort_by_cached_key(|r| name_key(r.deployment_name.as_deref(), &r.deployment_id));
        roles
    });
    let dag_roles = roles.dag_roles.map(|roles| {
        let mut roles: Vec<DagAccess> = roles
            .iter()
            .map(|r| DagAccess {
                deployment_id: r.deployment_id.clone(),
                deployment_name: deployment_name(&r.deployment_id),
                dag_id: r.dag_id.clone(),
                dag_tag: r.dag_tag.clone(),
                role: r.role.clone(),
            })
            .collect();
        roles.sort_by_cached_key(|r| {
            (
                name_key(r.deployment_name.as_deref(), &r.deployment_id),
                r.dag_id.clone(),
                r.dag_tag.clone(),
            )
        });
        roles
    });
    NamedRoles {
        workspace_roles,
        deployment_roles,
        dag_roles,
    }
}

/// Named before unnamed; by name ignoring case, then by ID.
fn name_key(name: Option<&str>, id: &str) -> (bool, String, String) {
    (
        name.is_none(),
        name.unwrap_or_default().to_lowercase(),
        id.to_owned(),
    )
}

impl Access {
    /// How many roles name a Workspace, and how many a Deployment, that the listings did not show.
    pub fn unnamed(&self) -> (usize, usize) {
        let workspaces = self
            .workspace_roles
            .iter()
            .flatten()
            .filter(|r| r.workspace_name.is_none())
            .count();
        let deployments = self
            .deployment_roles
            .iter()
            .flatten()
            .filter(|r| r.deployment_name.is_none())
            .count()
            + self
                .dag_roles
                .iter()
                .flatten()
                .filter(|r| r.deployment_name.is_none())
                .count();
        (workspaces, deployments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{DagRole, DeploymentRole, WorkspaceRole};

    fn user() -> User {
        User {
            id: "cu".into(),
            username: "grace@example.com".into(),
            full_name: "Grace Hopper".into(),
            status: "ACTIVE".into(),
            created_at: String::new(),
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            workspace_roles: Some(vec![
                WorkspaceRole {
                    workspace_id: "cw-gone".into(),
                    role: "WORKSPACE_MEMBER".into(),
                },
                WorkspaceRole {
                    workspace_id: "cw2".into(),
                    role: "WORKSPACE_OWNER".into(),
                },
                WorkspaceRole {
                    workspace_id: "cw1".into(),
                    role: "WORKSPACE_AUTHOR".into(),
                },
            ]),
            deployment_roles: Some(vec![DeploymentRole {
                deployment_id: "cd-gone".into(),
                role: "DEPLOYMENT_ADMIN".into(),
            }]),
            dag_roles: None,
        }
    }

    fn workspace(id: &str, name: &str) -> Workspace {
        Workspace {
            id: id.into(),
            name: name.into(),
            description: None,
            cicd_enforced_default: false,
        }
    }

    #[test]
    fn roles_are_named_and_sorted_and_unknown_ones_keep_their_id() {
        let workspaces = [workspace("cw1", "beta"), workspace("cw2", "Alpha")];
        let access = assemble(&user(), &workspaces, &[], Some(&[]));
        let named: Vec<(&str, Option<&str>)> = access
            .workspace_roles
            .iter()
            .flatten()
            .map(|r| (r.workspace_id.as_str(), r.workspace_name.as_deref()))
            .collect();
        assert_eq!(
            named,
            [
                ("cw2", Some("Alpha")),
                ("cw1", Some("beta")),
                ("cw-gone", None)
            ]
        );
        let deployments = access.deployment_roles.clone().unwrap();
        assert_eq!(deployments[0].deployment_id, "cd-gone");
        assert_eq!(deployments[0].deployment_name, None);
        assert_eq!(access.unnamed(), (1, 1));
        let json = serde_json::to_value(&access).unwrap();
        assert_eq!(
            json["workspaceRoles"][2]["workspaceName"],
            serde_json::Value::Null
        );
        assert_eq!(json["workspaceRoles"][2]["workspaceId"], "cw-gone");
    }

    #[test]
    fn a_list_left_out_is_null_and_an_empty_one_is_empty() {
        let access = assemble(&user(), &[], &[], None);
        let json = serde_json::to_value(&access).unwrap();
        assert!(json["dagRoles"].is_null(), "{json}");
        assert!(json["teams"].is_null(), "{json}");
        let mut u = user();
        u.dag_roles = Some(vec![]);
        let json = serde_json::to_value(assemble(&u, &[], &[], Some(&[]))).unwrap();
        assert_eq!(json["dagRoles"], serde_json::json!([]));
        assert_eq!(json["teams"], serde_json::json!([]));
    }

    #[test]
    fn listings_are_needed_only_for_roles_there_are() {
        let mut u = user();
        assert_eq!(needs_listings(&u), (true, true));
        u.deployment_roles = Some(vec![]);
        assert_eq!(needs_listings(&u), (true, false));
        u.dag_roles = Some(vec![DagRole {
            dag_id: Some("etl".into()),
            dag_tag: None,
            deployment_id: "cd".into(),
            role: "DAG_VIEWER".into(),
        }]);
        u.workspace_roles = None;
        assert_eq!(needs_listings(&u), (false, true));
    }
}
