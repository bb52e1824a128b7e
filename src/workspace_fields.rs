//! What a Workspace is made of, as `workspace create` and `workspace update` set it: a name the
//! API accepts (not blank, at most 50 characters) that no other Workspace of the Organization
//! has, ignoring case; a description; CI/CD enforcement given as `on` or `off`.

use serde::Serialize;

use crate::api::Workspace;
use crate::error::{CliError, echo};

/// The longest name the API accepts (`maxLength` in the OpenAPI document), in characters.
pub const NAME_MAX: usize = 50;

/// `--enforce-cicd on|off`: whether new Deployments enforce CI/CD deploys by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Cicd {
    On,
    Off,
}

impl Cicd {
    pub fn enabled(self) -> bool {
        self == Cicd::On
    }
}

/// `on`/`off` for a boolean, in sentences.
pub fn on_off(enabled: bool) -> &'static str {
    if enabled { "on" } else { "off" }
}

/// A name as the API would take it: not blank, at most [`NAME_MAX`] characters, no control
/// characters. (Used as typed at a prompt, and for arguments before any request.)
pub fn check_name(name: &str) -> Result<(), String> {
    let count = name.chars().count();
    if name.trim().is_empty() {
        Err("a Workspace name is required".into())
    } else if name.trim() != name {
        Err("the name starts or ends with spaces".into())
    } else if name.chars().any(char::is_control) {
        Err("the name contains control characters".into())
    } else if count > NAME_MAX {
        Err(format!(
            "the name has {count} characters; a Workspace name has at most {NAME_MAX}"
        ))
    } else {
        Ok(())
    }
}

/// The Workspace other than `except` (an ID) whose name is `name` ignoring case, if any.
pub fn taken_by<'a>(
    workspaces: &'a [Workspace],
    name: &str,
    except: Option<&str>,
) -> Option<&'a Workspace> {
    let folded = name.to_lowercase();
    workspaces
        .iter()
        .filter(|w| Some(w.id.as_str()) != except)
        .find(|w| w.name.to_lowercase() == folded)
}

/// The message for a name another Workspace has (for a prompt's check and for the error).
pub fn taken_message(name: &str, other: &Workspace) -> String {
    format!(
        "the name `{}` is taken by Workspace {} (`{}`), ignoring case",
        echo(name),
        crate::text::cell(&other.name),
        other.id
    )
}

/// Refuses (exit 2) a name that another Workspace has, ignoring case.
pub fn check_unique(
    workspaces: &[Workspace],
    name: &str,
    except: Option<&str>,
) -> Result<(), CliError> {
    match taken_by(workspaces, name, except) {
        Some(other) => Err(CliError::usage(taken_message(name, other))
            .with_hint("choose another name: Workspace names are unique here, ignoring case")),
        None => Ok(()),
    }
}

/// A Workspace's fields as the commands report them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fields {
    pub name: String,
    pub description: String,
    pub cicd_enforced_default: bool,
}

impl Fields {
    /// A Workspace's current fields (a description the API left out is empty).
    pub fn of(workspace: &Workspace) -> Self {
        Self {
            name: workspace.name.clone(),
            description: workspace.description.clone().unwrap_or_default(),
            cicd_enforced_default: workspace.cicd_enforced_default,
        }
    }

    /// What UpdateWorkspace and CreateWorkspace are sent.
    pub fn input(&self) -> crate::api::WorkspaceInput<'_> {
        crate::api::WorkspaceInput {
            name: &self.name,
            description: &self.description,
            cicd_enforced_default: self.cicd_enforced_default,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(id: &str, name: &str) -> Workspace {
        Workspace {
            id: id.into(),
            name: name.into(),
            description: None,
            cicd_enforced_default: false,
        }
    }

    #[test]
    fn names_are_checked_as_the_api_would() {
        assert!(check_name("Sandbox").is_ok());
        assert!(check_name(&"x".repeat(50)).is_ok());
        assert!(check_name(&"é".repeat(50)).is_ok());
        for bad in ["", "   ", " Sandbox", "a\tb", &"x".repeat(51)] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_name_is_taken_by_another_workspace_ignoring_case() {
        let all = [ws("c1", "Data Platform"), ws("c2", "Analytics")];
        assert_eq!(taken_by(&all, "analytics", None).unwrap().id, "c2");
        assert!(taken_by(&all, "ANALYTICS", Some("c2")).is_none());
        assert!(taken_by(&all, "Sandbox", None).is_none());
        let err = check_unique(&all, "data platform", Some("c2")).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.message.contains("Data Platform (`c1`)"),
            "{}",
            err.message
        );
    }
}
