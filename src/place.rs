//! Where a role is held below the Organization: a Workspace or a Deployment. Membership
//! commands (users, Teams, tokens) work the same way at both; this is what differs.

use serde::Serialize;

use crate::api::{Deployment, Workspace};

/// The level of a place, known before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    Workspace,
    Deployment,
}

impl Level {
    /// `Workspace` or `Deployment`, as messages name it.
    pub fn noun(self) -> &'static str {
        match self {
            Level::Workspace => "Workspace",
            Level::Deployment => "Deployment",
        }
    }

    /// The flag that names a place of this level.
    pub fn flag(self) -> &'static str {
        match self {
            Level::Workspace => "--workspace-id",
            Level::Deployment => "--deployment-id",
        }
    }

    /// The listings' filter that keeps the subjects with a role at a place of this level.
    pub fn query_key(self) -> &'static str {
        match self {
            Level::Workspace => "workspaceId",
            Level::Deployment => "deploymentId",
        }
    }

    /// The command group of this level (`workspace`, `deployment`).
    pub fn command(self) -> &'static str {
        match self {
            Level::Workspace => "workspace",
            Level::Deployment => "deployment",
        }
    }
}

/// A Workspace or a Deployment, as found.
#[derive(Debug, Clone)]
pub enum Place {
    Workspace(Workspace),
    Deployment(Deployment),
}

impl Place {
    pub fn level(&self) -> Level {
        match self {
            Place::Workspace(_) => Level::Workspace,
            Place::Deployment(_) => Level::Deployment,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Place::Workspace(w) => &w.id,
            Place::Deployment(d) => &d.id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Place::Workspace(w) => &w.name,
            Place::Deployment(d) => &d.name,
        }
    }

    /// `Workspace Data Platform`, `Deployment Ingestion`: how sentences name it (cleaned).
    pub fn shown(&self) -> String {
        format!("{} {}", self.level().noun(), crate::text::cell(self.name()))
    }

    /// How outcomes name it in JSON: the Workspace's ID and name, and for a Deployment its own
    /// and its Workspace's.
    pub fn keys(&self) -> PlaceKeys {
        match self {
            Place::Workspace(w) => PlaceKeys {
                workspace_id: Some(w.id.clone()),
                workspace_name: Some(w.name.clone()),
                deployment_id: None,
                deployment_name: None,
            },
            Place::Deployment(d) => PlaceKeys {
                workspace_id: Some(d.workspace_id.clone()),
                workspace_name: d.workspace_name.clone(),
                deployment_id: Some(d.id.clone()),
                deployment_name: Some(d.name.clone()),
            },
        }
    }
}

/// A place's keys in an outcome (flattened): `workspaceId`, `workspaceName`, and for a
/// Deployment `deploymentId`, `deploymentName`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlaceKeys {
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
}
