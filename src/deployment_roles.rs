//! Deployment roles: the default ones (DEPLOYMENT_ADMIN) and the Organization's custom roles of
//! scope DEPLOYMENT (ListRoles), a custom role restricted to some Workspaces being valid only on
//! their Deployments. A role is checked before the first write: an unknown one is exit 2
//! listing the valid ones (read once). A token that may not list roles (403) may still give
//! DEPLOYMENT_ADMIN; another name is sent as given, with a warning.

use crate::api::{Client, Deployment, RoleInfo};
use crate::error::{CliError, echo};
use crate::output;

/// The default Deployment role, and the one `add` gives unless told otherwise.
pub const ADMIN: &str = "DEPLOYMENT_ADMIN";

/// The roles valid on one Deployment.
#[derive(Debug, Clone)]
pub struct Catalogue {
    /// `None`: the token may not list roles.
    roles: Option<Vec<String>>,
    deployment: String,
}

/// The Organization's Deployment roles (one ListRoles, its pages read in turn); `None` when
/// the token may not list them (403).
pub async fn list(client: &Client, org: &str) -> Result<Option<Vec<RoleInfo>>, CliError> {
    match client.list_roles(org, "DEPLOYMENT").await {
        Ok(roles) => Ok(Some(roles)),
        Err(e) if e.status() == Some(403) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Reads the roles valid on `deployment` (one ListRoles, its pages read in turn).
pub async fn catalogue(
    client: &Client,
    org: &str,
    deployment: &Deployment,
) -> Result<Catalogue, CliError> {
    Ok(Catalogue::from_listing(
        list(client, org).await?.as_deref(),
        deployment,
    ))
}

impl Catalogue {
    /// The roles valid on `deployment` among the Organization's (as [`list`] read them; `None`:
    /// the token may not list them): a custom role restricted to some Workspaces is valid only
    /// on their Deployments.
    pub fn from_listing(roles: Option<&[RoleInfo]>, deployment: &Deployment) -> Self {
        Self {
            roles: roles.map(|roles| {
                roles
                    .iter()
                    .filter(|r| {
                        r.restricted_workspace_ids.as_ref().is_none_or(|ids| {
                            ids.is_empty() || ids.contains(&deployment.workspace_id)
                        })
                    })
                    .map(|r| r.name.clone())
                    .collect()
            }),
            deployment: deployment.name.clone(),
        }
    }

    /// A catalogue of known names (for tests and for callers that already have them).
    pub fn of(roles: Vec<String>, deployment: &str) -> Self {
        Self {
            roles: Some(roles),
            deployment: deployment.to_owned(),
        }
    }

    /// The roles to offer on a terminal: the valid ones, or (unknown) DEPLOYMENT_ADMIN.
    pub fn choices(&self) -> Vec<String> {
        match &self.roles {
            Some(roles) => roles.clone(),
            None => vec![ADMIN.to_owned()],
        }
    }

    /// The role `given` names: exactly, in any case when only one role has that name, or
    /// without its `DEPLOYMENT_` prefix (`admin`). Unknown: exit 2 listing the valid ones.
    /// Without a catalogue a name other than DEPLOYMENT_ADMIN is sent unchecked, with a warning.
    pub fn check(&self, given: &str) -> Result<String, CliError> {
        let (role, checked) = self.check_quietly(given)?;
        if !checked {
            warn_unchecked(&[role.as_str()]);
        }
        Ok(role)
    }

    /// As [`Catalogue::check`] without the warning: the role, and whether it was checked
    /// (`false`: the token may not list roles and the name is sent as given).
    pub fn check_quietly(&self, given: &str) -> Result<(String, bool), CliError> {
        let Some(roles) = &self.roles else {
            if !given.eq_ignore_ascii_case(ADMIN) && !given.eq_ignore_ascii_case("admin") {
                return Ok((given.to_owned(), false));
            }
            return Ok((ADMIN.to_owned(), true));
        };
        if let Some(exact) = roles.iter().find(|r| r.as_str() == given) {
            return Ok((exact.clone(), true));
        }
        let folded: Vec<&String> = roles
            .iter()
            .filter(|r| {
                r.eq_ignore_ascii_case(given)
                    || r.eq_ignore_ascii_case(&format!("DEPLOYMENT_{given}"))
            })
            .collect();
        match folded.as_slice() {
            [one] => Ok(((*one).clone(), true)),
            _ => Err(CliError::usage(format!(
                "`{}` is not a Deployment role on Deployment {}; valid: {}",
                echo(given),
                crate::text::cell(&self.deployment),
                roles.join(", ")
            ))
            .with_hint("custom Deployment roles are defined in the Organization's settings")),
        }
    }
}

/// The warning for role names sent unchecked because the token may not list roles (once for
/// all of them).
pub fn warn_unchecked(names: &[&str]) {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", echo(n))).collect();
    let (list, verb) = match quoted.as_slice() {
        [one] => (one.clone(), "is"),
        _ => (quoted.join(", "), "are"),
    };
    output::note(&format!(
        "warning: this token may not list the Organization's roles, so {list} {verb} sent unchecked"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_then_any_case_then_without_the_prefix_else_exit_2_listing_them() {
        let c = Catalogue::of(
            vec![
                ADMIN.into(),
                "DEPLOYMENT_VIEWER".into(),
                "Dag Operator".into(),
            ],
            "Ingestion",
        );
        assert_eq!(c.check("DEPLOYMENT_ADMIN").unwrap(), ADMIN);
        assert_eq!(c.check("deployment_viewer").unwrap(), "DEPLOYMENT_VIEWER");
        assert_eq!(c.check("admin").unwrap(), ADMIN);
        assert_eq!(c.check("dag operator").unwrap(), "Dag Operator");
        let err = c.check("OWNER").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert_eq!(
            err.message,
            "`OWNER` is not a Deployment role on Deployment Ingestion; valid: DEPLOYMENT_ADMIN, DEPLOYMENT_VIEWER, Dag Operator"
        );
    }

    #[test]
    fn without_a_catalogue_admin_is_known_and_others_go_unchecked() {
        let c = Catalogue {
            roles: None,
            deployment: "Ingestion".into(),
        };
        assert_eq!(c.check("admin").unwrap(), ADMIN);
        assert_eq!(c.check("Custom Thing").unwrap(), "Custom Thing");
        assert_eq!(c.choices(), [ADMIN]);
    }

    #[test]
    fn one_listing_gives_each_deployment_the_roles_of_its_workspace() {
        let role = |name: &str, restricted: Option<Vec<&str>>| RoleInfo {
            id: None,
            name: name.into(),
            description: None,
            scope_type: "DEPLOYMENT".into(),
            restricted_workspace_ids: restricted
                .map(|ids| ids.into_iter().map(str::to_owned).collect()),
        };
        let roles = vec![
            role(ADMIN, None),
            role("Everywhere", Some(vec![])),
            role("Platform Only", Some(vec!["w1"])),
        ];
        let deployment = |workspace: &str| Deployment {
            id: "d1".into(),
            name: "Ingestion".into(),
            workspace_id: workspace.into(),
            workspace_name: None,
            status: String::new(),
        };
        let in_w1 = Catalogue::from_listing(Some(&roles), &deployment("w1"));
        assert_eq!(in_w1.choices(), [ADMIN, "Everywhere", "Platform Only"]);
        let in_w2 = Catalogue::from_listing(Some(&roles), &deployment("w2"));
        assert_eq!(in_w2.choices(), [ADMIN, "Everywhere"]);
        assert_eq!(
            in_w2.check("platform only").unwrap_err().exit,
            crate::error::Exit::Usage
        );
        let unknown = Catalogue::from_listing(None, &deployment("w2"));
        assert_eq!(
            unknown.check_quietly("Anything").unwrap(),
            ("Anything".to_owned(), false)
        );
        assert_eq!(
            unknown.check_quietly("admin").unwrap(),
            (ADMIN.to_owned(), true)
        );
    }
}
