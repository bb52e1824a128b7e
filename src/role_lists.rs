//! Changing a user's or a Team's Workspace or Deployment roles safely. The API replaces each
//! role list it is given, keeps a list that is left out, and needs `organizationRole` beside a
//! scoped list. So: read the user (GetUser) right before writing; send their Organization role
//! as read and their complete list of the level changed (Workspace or Deployment) with only the
//! requested entries added, changed or removed; leave the other lists out (sending them back could undo a change made meanwhile, or
//! erase what the token cannot see). The API has no conditional write, so a change someone else
//! makes between the read and the write cannot be detected: the gap is one round trip. The
//! answer is compared with what was sent.

use std::collections::BTreeMap;

use crate::api::{Client, DeploymentRole, SubjectRoles, Team, User, WorkspaceRole};
use crate::error::{CliError, echo};
use crate::place::{Level, Place};

/// One entry of a subject's Workspace or Deployment list: the role to hold there, or `None` to
/// leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleChange {
    pub level: Level,
    /// The Workspace's or Deployment's ID.
    pub id: String,
    pub role: Option<String>,
}

impl RoleChange {
    /// The role to hold in `place` (`None`: none).
    pub fn at(place: &Place, role: Option<&str>) -> Self {
        Self {
            level: place.level(),
            id: place.id().to_owned(),
            role: role.map(str::to_owned),
        }
    }

    /// The role to hold in Workspace `workspace_id` (`None`: none).
    pub fn workspace(workspace_id: &str, role: Option<&str>) -> Self {
        Self {
            level: Level::Workspace,
            id: workspace_id.to_owned(),
            role: role.map(str::to_owned),
        }
    }
}

/// Reads a user right before a write, refusing (exit 4) one whose roles the token cannot see.
pub async fn read(client: &Client, org: &str, user_id: &str) -> Result<User, CliError> {
    let user = client.get_user(org, user_id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!(
                "no user `{}` in Organization `{org}`",
                echo(user_id)
            ))
        } else {
            e.into()
        }
    })?;
    if user.organization_role.is_none() || user.workspace_roles.is_none() {
        return Err(CliError::auth(format!(
            "the API did not show {}'s Organization and Workspace roles, so they cannot be changed safely",
            user.username
        ))
        .with_hint("use a token that may manage the Organization's users"));
    }
    Ok(user)
}

/// Whose roles are changed: a user or a Team, as read right before the write.
pub trait Subject {
    /// How messages name it: an email, or a Team's name.
    fn shown_as(&self) -> &str;
    fn organization_role(&self) -> Option<&str>;
    fn workspace_roles(&self) -> Option<&[WorkspaceRole]>;
    fn deployment_roles(&self) -> Option<&[DeploymentRole]>;

    fn workspace_role(&self, workspace_id: &str) -> Option<&str> {
        self.workspace_roles()
            .into_iter()
            .flatten()
            .find(|r| r.workspace_id == workspace_id)
            .map(|r| r.role.as_str())
    }

    /// Its role in the Workspace or Deployment `id` of `level`.
    fn role_in(&self, level: Level, id: &str) -> Option<&str> {
        match level {
            Level::Workspace => self.workspace_role(id),
            Level::Deployment => self
                .deployment_roles()
                .into_iter()
                .flatten()
                .find(|r| r.deployment_id == id)
                .map(|r| r.role.as_str()),
        }
    }

    /// Whether the API showed its list of `level` (a list it did not show cannot be changed
    /// safely).
    fn shows(&self, level: Level) -> bool {
        match level {
            Level::Workspace => self.workspace_roles().is_some(),
            Level::Deployment => self.deployment_roles().is_some(),
        }
    }
}

impl Subject for User {
    fn shown_as(&self) -> &str {
        &self.username
    }
    fn organization_role(&self) -> Option<&str> {
        self.organization_role.as_deref()
    }
    fn workspace_roles(&self) -> Option<&[WorkspaceRole]> {
        self.workspace_roles.as_deref()
    }
    fn deployment_roles(&self) -> Option<&[DeploymentRole]> {
        self.deployment_roles.as_deref()
    }
}

impl Subject for Team {
    fn shown_as(&self) -> &str {
        &self.name
    }
    fn organization_role(&self) -> Option<&str> {
        self.organization_role.as_deref()
    }
    fn workspace_roles(&self) -> Option<&[WorkspaceRole]> {
        self.workspace_roles.as_deref()
    }
    fn deployment_roles(&self) -> Option<&[DeploymentRole]> {
        self.deployment_roles.as_deref()
    }
}

/// Reads a Team right before a write, refusing (exit 4) one whose roles the token cannot see.
pub async fn read_team(client: &Client, org: &str, team_id: &str) -> Result<Team, CliError> {
    let team = client.get_team(org, team_id).await.map_err(|e| {
        if e.status() == Some(404) {
            CliError::not_found(format!(
                "no Team `{}` in Organization `{org}`",
                echo(team_id)
            ))
        } else {
            e.into()
        }
    })?;
    if team.organization_role.is_none() || team.workspace_roles.is_none() {
        return Err(CliError::auth(format!(
            "the API did not show Team {}'s Organization and Workspace roles, so they cannot be changed safely",
            crate::text::cell(&team.name)
        ))
        .with_hint("use a token that may manage the Organization's Teams"));
    }
    Ok(team)
}

/// The subject's list of `level` (Workspace or Deployment IDs and roles) with the changes of
/// that level applied, in a stable order.
fn apply_level<S: Subject>(
    subject: &S,
    level: Level,
    changes: &[RoleChange],
) -> Vec<(String, String)> {
    let mut roles: BTreeMap<String, String> = match level {
        Level::Workspace => subject
            .workspace_roles()
            .into_iter()
            .flatten()
            .map(|r| (r.workspace_id.clone(), r.role.clone()))
            .collect(),
        Level::Deployment => subject
            .deployment_roles()
            .into_iter()
            .flatten()
            .map(|r| (r.deployment_id.clone(), r.role.clone()))
            .collect(),
    };
    for change in changes.iter().filter(|c| c.level == level) {
        match &change.role {
            Some(role) => roles.insert(change.id.clone(), role.clone()),
            None => roles.remove(&change.id),
        };
    }
    roles.into_iter().collect()
}

/// The subject's Workspace list with `changes` applied, in a stable order.
pub fn apply<S: Subject>(subject: &S, changes: &[RoleChange]) -> Vec<WorkspaceRole> {
    apply_level(subject, Level::Workspace, changes)
        .into_iter()
        .map(|(workspace_id, role)| WorkspaceRole { workspace_id, role })
        .collect()
}

/// Whether applying `changes` to `subject` would change anything.
pub fn changes_anything<S: Subject>(subject: &S, changes: &[RoleChange]) -> bool {
    changes
        .iter()
        .any(|c| subject.role_in(c.level, &c.id) != c.role.as_deref())
}

/// What is sent: the Organization role as read, the complete list of each level `changes`
/// touch with them applied, and no other list. A list the API did not show is exit 4: it
/// cannot be changed safely.
fn request<S: Subject>(
    subject: &S,
    organization_role: Option<&str>,
    changes: &[RoleChange],
) -> Result<SubjectRoles, CliError> {
    let touches = |level: Level| changes.iter().any(|c| c.level == level);
    for level in [Level::Workspace, Level::Deployment] {
        if touches(level) && !subject.shows(level) {
            return Err(CliError::auth(format!(
                "the API did not show the {} roles of {}, so they cannot be changed safely",
                level.noun(),
                crate::text::cell(subject.shown_as())
            ))
            .with_hint("use a token that may manage the Organization's users and Teams"));
        }
    }
    Ok(SubjectRoles {
        organization_role: organization_role
            .or(subject.organization_role())
            .map(str::to_owned),
        workspace_roles: touches(Level::Workspace).then(|| apply(subject, changes)),
        deployment_roles: touches(Level::Deployment).then(|| {
            apply_level(subject, Level::Deployment, changes)
                .into_iter()
                .map(|(deployment_id, role)| DeploymentRole {
                    deployment_id,
                    role,
                })
                .collect()
        }),
        dag_roles: None,
    })
}

/// Sends a Team's Workspace list with `changes` applied (the Team as just [`read_team`]), then
/// checks the answer. Sends nothing when nothing would change.
pub async fn write_team(
    client: &Client,
    org: &str,
    team: &Team,
    changes: &[RoleChange],
) -> Result<bool, CliError> {
    if !changes_anything(team, changes) {
        return Ok(false);
    }
    let sent = request(team, None, changes)?;
    let answer = client
        .update_team_roles(org, &team.id, &sent)
        .await
        .map_err(CliError::from)?;
    check_answer(team.shown_as(), &sent, &answer)?;
    Ok(true)
}

/// Sets a Team's Organization role (the Team as just [`read_team`]): UpdateTeamRoles with the
/// new role and the Team's Workspace list as read, the Deployment and DAG lists left out; then
/// checks the answer. Sends nothing when the role is already `role`.
pub async fn write_team_organization_role(
    client: &Client,
    org: &str,
    team: &Team,
    role: &str,
) -> Result<bool, CliError> {
    if team.organization_role.as_deref() == Some(role) {
        return Ok(false);
    }
    let sent = SubjectRoles {
        organization_role: Some(role.to_owned()),
        workspace_roles: team.workspace_roles.clone(),
        deployment_roles: None,
        dag_roles: None,
    };
    let answer = client
        .update_team_roles(org, &team.id, &sent)
        .await
        .map_err(CliError::from)?;
    check_answer(team.shown_as(), &sent, &answer).map_err(|e| {
        e.with_hint(format!(
            "check them with `astro organization team get {}`",
            team.id
        ))
    })?;
    Ok(true)
}

/// Sends `user`'s Workspace list with `changes` applied (the user as just [`read`]), then checks
/// the answer. Sends nothing when nothing would change.
pub async fn write(
    client: &Client,
    org: &str,
    user: &User,
    changes: &[RoleChange],
) -> Result<bool, CliError> {
    if !changes_anything(user, changes) {
        return Ok(false);
    }
    let sent = request(user, None, changes)?;
    let answer = client
        .update_user_roles(org, &user.id, &sent)
        .await
        .map_err(|e| {
            let pending = user.status == "PENDING";
            let err = CliError::from(e);
            if pending && err.exit == crate::error::Exit::Failure {
                CliError::failure(format!(
                    "the API refused roles for {}, who has not accepted their invite yet: {}",
                    user.username, err.message
                ))
            } else {
                err
            }
        })?;
    check_answer(&user.username, &sent, &answer)?;
    Ok(true)
}

/// Whether `subject` would change: its Organization role is not `organization_role` (when
/// given), or `changes` change a list.
fn differs<S: Subject>(
    subject: &S,
    organization_role: Option<&str>,
    changes: &[RoleChange],
) -> bool {
    organization_role.is_some_and(|r| subject.organization_role() != Some(r))
        || changes_anything(subject, changes)
}

/// One role write carrying everything a subject (a user as just [`read`], a Team as just
/// [`read_team`]) changes: the Organization role `organization_role` (or as read, when
/// `None`) and the complete list of each level `changes` touch, the other lists left out;
/// then checks the answer. Sends nothing when nothing would change.
pub async fn write_all<S: Subject + WriteTarget>(
    client: &Client,
    org: &str,
    subject: &S,
    organization_role: Option<&str>,
    changes: &[RoleChange],
) -> Result<bool, CliError> {
    if !differs(subject, organization_role, changes) {
        return Ok(false);
    }
    let sent = request(subject, organization_role, changes)?;
    let answer = subject.send(client, org, &sent).await?;
    check_answer(subject.shown_as(), &sent, &answer)?;
    Ok(true)
}

/// Where a subject's roles are written: UpdateUserRoles or UpdateTeamRoles.
pub trait WriteTarget {
    fn send(
        &self,
        client: &Client,
        org: &str,
        roles: &SubjectRoles,
    ) -> impl std::future::Future<Output = Result<SubjectRoles, CliError>> + Send;
}

impl WriteTarget for User {
    async fn send(
        &self,
        client: &Client,
        org: &str,
        roles: &SubjectRoles,
    ) -> Result<SubjectRoles, CliError> {
        Ok(client.update_user_roles(org, &self.id, roles).await?)
    }
}

impl WriteTarget for Team {
    async fn send(
        &self,
        client: &Client,
        org: &str,
        roles: &SubjectRoles,
    ) -> Result<SubjectRoles, CliError> {
        Ok(client.update_team_roles(org, &self.id, roles).await?)
    }
}

/// The lists present in the answer must be the ones sent.
fn check_answer(who: &str, sent: &SubjectRoles, answer: &SubjectRoles) -> Result<(), CliError> {
    let sorted = |roles: &Option<Vec<WorkspaceRole>>| {
        roles.as_ref().map(|r| {
            let mut r = r.clone();
            r.sort_by(|a, b| a.workspace_id.cmp(&b.workspace_id));
            r
        })
    };
    let org_differs =
        answer.organization_role.is_some() && answer.organization_role != sent.organization_role;
    let ws_differs = sent.workspace_roles.is_some()
        && answer.workspace_roles.is_some()
        && sorted(&answer.workspace_roles) != sorted(&sent.workspace_roles);
    let sorted_deployments = |roles: &Option<Vec<DeploymentRole>>| {
        roles.as_ref().map(|r| {
            let mut r: Vec<(String, String)> = r
                .iter()
                .map(|d| (d.deployment_id.clone(), d.role.clone()))
                .collect();
            r.sort();
            r
        })
    };
    let deployments_differ = sent.deployment_roles.is_some()
        && answer.deployment_roles.is_some()
        && sorted_deployments(&answer.deployment_roles)
            != sorted_deployments(&sent.deployment_roles);
    if org_differs || ws_differs || deployments_differ {
        return Err(CliError::failure(format!(
            "the API answered with other roles for {who} than were sent"
        ))
        .with_hint(format!(
            "check them with `astro organization user get {who}`"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: &[(&str, &str)]) -> User {
        User {
            id: "c1".into(),
            username: "a@x.io".into(),
            full_name: String::new(),
            status: "ACTIVE".into(),
            created_at: String::new(),
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            workspace_roles: Some(
                roles
                    .iter()
                    .map(|(w, r)| WorkspaceRole {
                        workspace_id: (*w).into(),
                        role: (*r).into(),
                    })
                    .collect(),
            ),
            deployment_roles: None,
            dag_roles: None,
        }
    }

    fn change(ws: &str, role: Option<&str>) -> RoleChange {
        RoleChange::workspace(ws, role)
    }

    #[test]
    fn only_the_named_entries_change() {
        let u = user(&[("w1", "WORKSPACE_MEMBER"), ("w2", "WORKSPACE_OWNER")]);
        let after = apply(
            &u,
            &[
                change("w1", Some("WORKSPACE_AUTHOR")),
                change("w3", Some("WORKSPACE_MEMBER")),
            ],
        );
        assert_eq!(
            after
                .iter()
                .map(|r| (r.workspace_id.as_str(), r.role.as_str()))
                .collect::<Vec<_>>(),
            [
                ("w1", "WORKSPACE_AUTHOR"),
                ("w2", "WORKSPACE_OWNER"),
                ("w3", "WORKSPACE_MEMBER")
            ]
        );
        let after = apply(&u, &[change("w2", None)]);
        assert_eq!(after.len(), 1);
        assert!(!changes_anything(
            &u,
            &[change("w1", Some("WORKSPACE_MEMBER")), change("w9", None)]
        ));
        assert!(changes_anything(&u, &[change("w2", None)]));
    }

    #[test]
    fn an_answer_with_other_lists_is_an_error() {
        let sent = SubjectRoles {
            organization_role: Some("ORGANIZATION_MEMBER".into()),
            workspace_roles: Some(vec![WorkspaceRole {
                workspace_id: "w1".into(),
                role: "WORKSPACE_MEMBER".into(),
            }]),
            ..Default::default()
        };
        assert!(check_answer("a", &sent, &sent).is_ok());
        assert!(check_answer("a", &sent, &SubjectRoles::default()).is_ok());
        let other = SubjectRoles {
            workspace_roles: Some(vec![]),
            ..sent.clone()
        };
        assert_eq!(
            check_answer("a", &sent, &other).unwrap_err().exit,
            crate::error::Exit::Failure
        );
    }
}
