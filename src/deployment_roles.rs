//! Deployment roles: the default ones (DEPLOYMENT_ADMIN) and the Organization's custom roles of
//! scope DEPLOYMENT (ListRoles), a custom role restricted to some Workspaces being valid only on
//! their Deployments. A role is checked before the first write: an unknown one is exit 2
//! listing the valid ones (read once). A token that may not list roles (403) may still give
//! DEPLOYMENT_ADMIN; another name is sent as given, with a warning.

use crate::api::{Client, Deployment};
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

/// Reads the roles valid on `deployment` (one ListRoles, its pages read in turn).
pub async fn catalogue(
    client: &Client,
    org: &str,
    deployment: &Deployment,
) -> Result<Catalogue, CliError> {
    let roles = match client.list_roles(org, "DEPLOYMENT").await {
        Ok(roles) => Some(
            roles
                .into_iter()
                .filter(|r| {
                    r.restricted_workspace_ids
                        .as_ref()
                        .is_none_or(|ids| ids.is_empty() || ids.contains(&deployment.workspace_id))
                })
                .map(|r| r.name)
                .collect(),
        ),
        Err(e) if e.status() == Some(403) => None,
        Err(e) => return Err(e.into()),
    };
    Ok(Catalogue {
        roles,
        deployment: deployment.name.clone(),
    })
}

impl Catalogue {
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
    pub fn check(&self, given: &str) -> Result<String, CliError> {
        let Some(roles) = &self.roles else {
            if !given.eq_ignore_ascii_case(ADMIN) && !given.eq_ignore_ascii_case("admin") {
                output::note(&format!(
                    "warning: this token may not list the Organization's roles, so `{}` is sent unchecked",
                    echo(given)
                ));
                return Ok(given.to_owned());
            }
            return Ok(ADMIN.to_owned());
        };
        if let Some(exact) = roles.iter().find(|r| r.as_str() == given) {
            return Ok(exact.clone());
        }
        let folded: Vec<&String> = roles
            .iter()
            .filter(|r| {
                r.eq_ignore_ascii_case(given)
                    || r.eq_ignore_ascii_case(&format!("DEPLOYMENT_{given}"))
            })
            .collect();
        match folded.as_slice() {
            [one] => Ok((*one).clone()),
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
}
