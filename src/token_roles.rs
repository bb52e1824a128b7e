//! Changing one entry of an API token's roles safely. UpdateApiTokenRoles replaces the token's
//! whole role list with the one it is sent, so a change reads the token (GetApiToken) right
//! before the write and sends its complete list as read with exactly one entry (an
//! Organization's, a Workspace's or a Deployment's) added, changed or removed: every other role
//! (its Organization role, other Workspaces, Deployments, DAGs) goes back as it was. The API has no
//! conditional write, so a change someone else makes between the read and the write (one
//! round trip) cannot be detected. The answer (the API's `SubjectRoles`) is compared with what
//! was sent.

use crate::api::{ApiToken, ApiTokenRole, Client, SubjectRoles};
use crate::error::{CliError, echo};

/// The one entry a change touches: `entity_type` (`ORGANIZATION`, `WORKSPACE` or `DEPLOYMENT`)
/// and its ID, and the role to hold there (`None`: none, the entry goes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub role: Option<&'a str>,
}

impl<'a> Entry<'a> {
    /// The token's role in a Workspace.
    pub fn workspace(workspace_id: &'a str, role: Option<&'a str>) -> Self {
        Self {
            entity_type: "WORKSPACE",
            entity_id: workspace_id,
            role,
        }
    }

    /// The token's role on a Deployment.
    pub fn deployment(deployment_id: &'a str, role: Option<&'a str>) -> Self {
        Self {
            entity_type: "DEPLOYMENT",
            entity_id: deployment_id,
            role,
        }
    }

    /// The token's Organization role (an Organization token always has one).
    pub fn organization(organization_id: &'a str, role: &'a str) -> Self {
        Self {
            entity_type: "ORGANIZATION",
            entity_id: organization_id,
            role: Some(role),
        }
    }
}

/// Reads a token right before a write (GetApiToken). One deleted since it was listed is exit
/// 3; one whose roles the API does not show completely (no role list, or none on the token's
/// own scope) is exit 4: its roles cannot be changed safely.
pub async fn read(client: &Client, org: &str, token_id: &str) -> Result<ApiToken, CliError> {
    let token = client.get_api_token(org, token_id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!(
                "API token `{}` is gone: it was deleted since it was listed",
                echo(token_id)
            ))
        } else {
            e.into()
        }
    })?;
    let own_entry = match token.scope.as_str() {
        "ORGANIZATION" => "ORGANIZATION",
        "WORKSPACE" => "WORKSPACE",
        _ => "DEPLOYMENT",
    };
    let complete = token
        .roles
        .as_ref()
        .is_some_and(|roles| roles.iter().any(|r| r.entity_type == own_entry));
    if !complete {
        return Err(CliError::auth(format!(
            "the API did not show all the roles of API token {} (`{}`), so they cannot be changed safely",
            crate::text::cell(&token.name),
            token.id
        ))
        .with_hint("use a token that may manage the Organization's API tokens"));
    }
    Ok(token)
}

/// The token's role on the entry's entity, as read.
pub fn current<'t>(token: &'t ApiToken, entry: Entry<'_>) -> Option<&'t str> {
    token.role_on(entry.entity_type, entry.entity_id)
}

/// Whether writing `entry` would change the token's roles.
pub fn changes_anything(token: &ApiToken, entry: Entry<'_>) -> bool {
    current(token, entry) != entry.role
}

/// `roles` with `entry` applied: that entity's role replaced where it is, added at the end, or
/// removed; every other role as it was, in its order.
pub fn apply(roles: &[ApiTokenRole], entry: Entry<'_>) -> Vec<ApiTokenRole> {
    let is_it =
        |r: &ApiTokenRole| r.entity_type == entry.entity_type && r.entity_id == entry.entity_id;
    let mut out = Vec::with_capacity(roles.len() + 1);
    let mut placed = false;
    for r in roles {
        if !is_it(r) {
            out.push(r.clone());
        } else if let (Some(role), false) = (entry.role, placed) {
            out.push(ApiTokenRole {
                role: role.to_owned(),
                ..r.clone()
            });
            placed = true;
        }
    }
    if let (Some(role), false) = (entry.role, placed) {
        out.push(ApiTokenRole {
            entity_type: entry.entity_type.to_owned(),
            entity_id: entry.entity_id.to_owned(),
            role: role.to_owned(),
            deployment_id: None,
        });
    }
    out
}

/// Sends the token's complete role list (the token as just [`read`]) with `entry` applied,
/// then checks the answer against it; `check_hint` says how to look at the token's roles if
/// the answer differs. Sends nothing (and answers `false`) when nothing would change.
pub async fn write(
    client: &Client,
    org: &str,
    token: &ApiToken,
    entry: Entry<'_>,
    check_hint: &str,
) -> Result<bool, CliError> {
    if !changes_anything(token, entry) {
        return Ok(false);
    }
    let sent = apply(token.roles.as_deref().unwrap_or_default(), entry);
    let answer = client
        .update_api_token_roles(org, &token.id, &sent)
        .await
        .map_err(CliError::from)?;
    if !answer_matches(&sent, &answer) {
        return Err(CliError::failure(format!(
            "the API answered with other roles for API token {} than were sent",
            crate::text::cell(&token.name)
        ))
        .with_hint(check_hint.to_owned()));
    }
    Ok(true)
}

/// Whether the roles in the answer are the ones sent: its Organization role when it gives one,
/// and each list it gives (in any order).
fn answer_matches(sent: &[ApiTokenRole], answer: &SubjectRoles) -> bool {
    let of = |kind: &str| -> Vec<(String, String, String)> {
        let mut v: Vec<_> = sent
            .iter()
            .filter(|r| r.entity_type == kind)
            .map(|r| {
                (
                    r.entity_id.clone(),
                    r.deployment_id.clone().unwrap_or_default(),
                    r.role.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<(String, String, String)>| {
        v.sort();
        v
    };
    if let Some(role) = &answer.organization_role
        && of("ORGANIZATION")
            .first()
            .is_none_or(|(_, _, sent)| sent != role)
    {
        return false;
    }
    if let Some(list) = &answer.workspace_roles {
        let got = list
            .iter()
            .map(|r| (r.workspace_id.clone(), String::new(), r.role.clone()))
            .collect();
        if sorted(got) != of("WORKSPACE") {
            return false;
        }
    }
    if let Some(list) = &answer.deployment_roles {
        let got = list
            .iter()
            .map(|r| (r.deployment_id.clone(), String::new(), r.role.clone()))
            .collect();
        if sorted(got) != of("DEPLOYMENT") {
            return false;
        }
    }
    if let Some(list) = &answer.dag_roles {
        let dags = |tags: bool| {
            sorted(
                list.iter()
                    .filter_map(|r| {
                        let id = if tags { &r.dag_tag } else { &r.dag_id };
                        id.as_ref()
                            .map(|id| (id.clone(), r.deployment_id.clone(), r.role.clone()))
                    })
                    .collect(),
            )
        };
        if dags(false) != of("DAG") || dags(true) != of("DAG_TAG") {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{DagRole, WorkspaceRole};

    fn role(kind: &str, id: &str, role: &str) -> ApiTokenRole {
        ApiTokenRole {
            entity_type: kind.into(),
            entity_id: id.into(),
            role: role.into(),
            deployment_id: (kind == "DAG").then(|| "cd1".to_owned()),
        }
    }

    fn roles() -> Vec<ApiTokenRole> {
        vec![
            role("ORGANIZATION", "co", "ORGANIZATION_MEMBER"),
            role("WORKSPACE", "cw1", "WORKSPACE_OPERATOR"),
            role("DEPLOYMENT", "cd1", "DEPLOYMENT_ADMIN"),
            role("DAG", "etl", "DAG_VIEWER"),
        ]
    }

    fn described(roles: &[ApiTokenRole]) -> Vec<String> {
        roles
            .iter()
            .map(|r| format!("{} {} {}", r.entity_type, r.entity_id, r.role))
            .collect()
    }

    #[test]
    fn one_entry_changes_and_everything_else_stays_in_its_place() {
        let changed = apply(&roles(), Entry::workspace("cw1", Some("WORKSPACE_OWNER")));
        assert_eq!(
            described(&changed),
            [
                "ORGANIZATION co ORGANIZATION_MEMBER",
                "WORKSPACE cw1 WORKSPACE_OWNER",
                "DEPLOYMENT cd1 DEPLOYMENT_ADMIN",
                "DAG etl DAG_VIEWER"
            ]
        );
        assert_eq!(changed[3].deployment_id.as_deref(), Some("cd1"));
        let added = apply(&roles(), Entry::workspace("cw2", Some("WORKSPACE_MEMBER")));
        assert_eq!(added.len(), 5);
        assert_eq!(described(&added)[4], "WORKSPACE cw2 WORKSPACE_MEMBER");
        assert_eq!(added[..4], roles()[..]);
        let removed = apply(&roles(), Entry::workspace("cw1", None));
        assert_eq!(
            described(&removed),
            [
                "ORGANIZATION co ORGANIZATION_MEMBER",
                "DEPLOYMENT cd1 DEPLOYMENT_ADMIN",
                "DAG etl DAG_VIEWER"
            ]
        );
        assert_eq!(apply(&roles(), Entry::workspace("cw9", None)), roles());
        let deployment = apply(&roles(), Entry::deployment("cd1", Some("Custom Operator")));
        assert_eq!(described(&deployment)[2], "DEPLOYMENT cd1 Custom Operator");
        assert_eq!(
            deployment[3],
            roles()[3],
            "the DAG role in that Deployment is kept"
        );
        let added = apply(&roles(), Entry::deployment("cd2", Some("DEPLOYMENT_ADMIN")));
        assert_eq!(described(&added)[4], "DEPLOYMENT cd2 DEPLOYMENT_ADMIN");
        assert_eq!(added[4].deployment_id, None);
        let removed = apply(&roles(), Entry::deployment("cd1", None));
        assert_eq!(
            described(&removed),
            [
                "ORGANIZATION co ORGANIZATION_MEMBER",
                "WORKSPACE cw1 WORKSPACE_OPERATOR",
                "DAG etl DAG_VIEWER"
            ]
        );
        let org = apply(&roles(), Entry::organization("co", "ORGANIZATION_OWNER"));
        assert_eq!(described(&org)[0], "ORGANIZATION co ORGANIZATION_OWNER");
        assert_eq!(org[1..], roles()[1..]);
    }

    #[test]
    fn the_answer_must_hold_what_was_sent() {
        let sent = roles();
        let answer = SubjectRoles {
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            workspace_roles: Some(vec![WorkspaceRole {
                workspace_id: "cw1".into(),
                role: "WORKSPACE_OPERATOR".into(),
            }]),
            deployment_roles: Some(vec![crate::api::DeploymentRole {
                deployment_id: "cd1".into(),
                role: "DEPLOYMENT_ADMIN".into(),
            }]),
            dag_roles: Some(vec![DagRole {
                dag_id: Some("etl".into()),
                dag_tag: None,
                deployment_id: "cd1".into(),
                role: "DAG_VIEWER".into(),
            }]),
        };
        assert!(answer_matches(&sent, &answer));
        assert!(answer_matches(&sent, &SubjectRoles::default()));
        let mut other = answer.clone();
        other.workspace_roles = Some(vec![]);
        assert!(!answer_matches(&sent, &other));
        let mut other = answer.clone();
        other.organization_role = Some("ORGANIZATION_OWNER".into());
        assert!(!answer_matches(&sent, &other));
        let mut other = answer;
        other.dag_roles = Some(vec![]);
        assert!(!answer_matches(&sent, &other));
    }
}
