//! The seed: what Organizations, users, Workspaces and Teams the emulator starts with,
//! either the built-in default or a JSON/YAML seed file (format in emulator/README.md).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::EmulatorError;

/// A whole seed: one or more Organizations and what they hold, in creation order.
///
/// Two forms, which may be combined:
/// - single: `organization` (name, id) with `users`, `workspaces` and `teams` at the top level;
/// - several: `organizations: [{name, id, users, workspaces, teams}, …]`.
///
/// With both, the single-form Organization comes first. The first Organization's first user
/// is the default token's user (and the user of [`crate::EmulatorHandle::user_token`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", try_from = "SeedFile")]
pub struct Seed {
    /// The single-form Organization; its users, Workspaces and Teams are the top-level lists
    /// (its API tokens, the top-level `apiTokens` of a seed file, are kept in it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<SeedOrganization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<SeedUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<SeedWorkspace>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<SeedTeam>,
    /// More Organizations, each with its own users, Workspaces and Teams.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organizations: Vec<SeedOrganization>,
}

/// What a seed file holds: a [`Seed`]'s members plus the single form's top-level
/// `apiTokens` and `customRoles`, which [`Seed`] keeps in its `organization` (so that `Seed`
/// keeps its fields).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SeedFile {
    #[serde(default)]
    organization: Option<SeedOrganization>,
    #[serde(default)]
    users: Vec<SeedUser>,
    #[serde(default)]
    workspaces: Vec<SeedWorkspace>,
    #[serde(default)]
    teams: Vec<SeedTeam>,
    #[serde(default)]
    api_tokens: Vec<SeedApiToken>,
    #[serde(default)]
    custom_roles: Vec<SeedCustomRole>,
    #[serde(default)]
    organizations: Vec<SeedOrganization>,
}

impl TryFrom<SeedFile> for Seed {
    type Error = String;

    fn try_from(f: SeedFile) -> Result<Seed, String> {
        let mut organization = f.organization;
        if !f.api_tokens.is_empty() {
            match &mut organization {
                Some(o) if o.api_tokens.is_empty() => o.api_tokens = f.api_tokens,
                Some(_) => {
                    return Err("apiTokens: give them at the top level or under \
                                `organization`, not both"
                        .into());
                }
                None => {
                    return Err("top-level apiTokens need an `organization`; with \
                                `organizations` put them inside each one"
                        .into());
                }
            }
        }
        if !f.custom_roles.is_empty() {
            match &mut organization {
                Some(o) if o.custom_roles.is_empty() => o.custom_roles = f.custom_roles,
                Some(_) => {
                    return Err("customRoles: give them at the top level or under \
                                `organization`, not both"
                        .into());
                }
                None => {
                    return Err("top-level customRoles need an `organization`; with \
                                `organizations` put them inside each one"
                        .into());
                }
            }
        }
        Ok(Seed {
            organization,
            users: f.users,
            workspaces: f.workspaces,
            teams: f.teams,
            organizations: f.organizations,
        })
    }
}

/// One seed Organization. In the single form (`Seed::organization`) its lists stay empty
/// (the seed's top-level lists belong to it); in `Seed::organizations` they hold its content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedOrganization {
    pub name: String,
    /// A fixed ID; derived deterministically when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Its users; the first is its creator. A user whose email is also in an earlier
    /// Organization is the same person (same ID) unless `id` says otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<SeedUser>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspaces: Vec<SeedWorkspace>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<SeedTeam>,
    /// Its API tokens, in creation order. In the single form a seed file gives them as the
    /// top-level `apiTokens` (or here, under `organization`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_tokens: Vec<SeedApiToken>,
    /// Its custom roles, in creation order. In the single form a seed file gives them as the
    /// top-level `customRoles` (or here, under `organization`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_roles: Vec<SeedCustomRole>,
}

impl SeedOrganization {
    /// An Organization with a name and nothing else yet.
    pub fn named(name: impl Into<String>) -> SeedOrganization {
        SeedOrganization {
            name: name.into(),
            id: None,
            users: vec![],
            workspaces: vec![],
            teams: vec![],
            api_tokens: vec![],
            custom_roles: vec![],
        }
    }
}

/// One seed custom role (what ListRoles lists as `roles`). A custom role of scope DEPLOYMENT
/// is what a Deployment role may name besides `DEPLOYMENT_ADMIN`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedCustomRole {
    /// Unique in the Organization, and no default role's name.
    pub name: String,
    /// `DEPLOYMENT`, `WORKSPACE` or `ORGANIZATION` (the document's `Role.scopeType`).
    pub scope_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The Workspaces it is restricted to, by seed name (DEPLOYMENT roles only; none: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_workspaces: Vec<String>,
    /// The same by ID: each the `id` a seed Workspace of the Organization gives itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restricted_workspace_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl SeedCustomRole {
    /// An unrestricted custom role with a name and a scope, and nothing else yet.
    pub fn new(name: impl Into<String>, scope_type: impl Into<String>) -> SeedCustomRole {
        SeedCustomRole {
            name: name.into(),
            scope_type: scope_type.into(),
            description: None,
            restricted_workspaces: vec![],
            restricted_workspace_ids: vec![],
            id: None,
        }
    }
}

/// One seed API token. Its secret is minted when the emulator starts (the API never shows
/// it; `EmulatorHandle::api_token_secret` gives it to tests).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedApiToken {
    pub name: String,
    /// Default `""`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `ORGANIZATION`, `WORKSPACE` or `DEPLOYMENT`.
    pub scope: String,
    /// A WORKSPACE token's Workspace, by its seed name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// A DEPLOYMENT token's Deployment, by its seed name (unique in the Organization).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// The role on its own scope: an Organization role, a Workspace role, or a Deployment
    /// role (`DEPLOYMENT_ADMIN` or a custom one).
    pub role: String,
    /// More Workspace roles (an ORGANIZATION token only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workspace_roles: Vec<SeedWorkspaceRole>,
    /// More Deployment roles, by seed Deployment name (an ORGANIZATION token: any; a
    /// WORKSPACE token: its Workspace's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployment_roles: Vec<SeedDeploymentRole>,
    /// `STANDARD` (default) or `DIRECT_ACCESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// 1..=3650; `endAt` is its creation plus this many days. None: never expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_period_in_days: Option<i64>,
    /// When given, the token was created this many days (fractions allowed) before the
    /// emulator started, rather than on the seed's fixed timeline; with
    /// `expiryPeriodInDays` this gives a token that expires soon (or expired lately)
    /// whenever the tests run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_days_ago: Option<f64>,
    /// Who created it: a seed user's email, or the name of an earlier seed token of the
    /// same Organization. Default: the Organization's first user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl SeedApiToken {
    /// A token with a name, a scope and a role, and nothing else yet (the Workspace or
    /// Deployment of a narrower scope still to be set).
    pub fn new(name: impl Into<String>, scope: impl Into<String>, role: impl Into<String>) -> Self {
        SeedApiToken {
            name: name.into(),
            description: None,
            scope: scope.into(),
            workspace: None,
            deployment: None,
            role: role.into(),
            workspace_roles: vec![],
            deployment_roles: vec![],
            kind: None,
            expiry_period_in_days: None,
            created_days_ago: None,
            created_by: None,
            id: None,
        }
    }
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
    /// Deployment roles, the Deployment named by its seed `deployment` name or by an ID
    /// (`deploymentId`, kept as given).
    #[serde(default)]
    pub deployment_roles: Vec<SeedDeploymentRole>,
    /// DAG roles, the Deployment named as in `deployment_roles`.
    #[serde(default)]
    pub dag_roles: Vec<SeedDagRole>,
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

/// A Deployment role of a seed user: exactly one of `deployment` (a seed Deployment's name,
/// unique in the Organization) and `deployment_id` (kept as given).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedDeploymentRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    pub role: String,
}

/// A DAG role of a seed user: the Deployment as in [`SeedDeploymentRole`], and at least one
/// of `dag_id` and `dag_tag`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedDagRole {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dag_tag: Option<String>,
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
    /// Its Deployments, in creation order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployments: Vec<SeedDeployment>,
}

impl SeedWorkspace {
    /// A Workspace with a name and nothing else yet.
    pub fn named(name: impl Into<String>) -> SeedWorkspace {
        SeedWorkspace {
            name: name.into(),
            description: None,
            id: None,
            deployments: vec![],
        }
    }
}

/// One seed Deployment (inside its Workspace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SeedDeployment {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
}

impl SeedDeployment {
    /// A Deployment with a name and a description.
    pub fn new(name: impl Into<String>, description: impl Into<String>) -> SeedDeployment {
        SeedDeployment {
            name: name.into(),
            description: Some(description.into()),
            id: None,
        }
    }
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
    /// Managed by an identity provider: the emulator refuses changes to its members, its
    /// name and its deletion (its roles change like any Team's).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_idp_managed: bool,
    /// Members, by email (case-insensitive), in the order they were added.
    #[serde(default)]
    pub members: Vec<String>,
    #[serde(default)]
    pub workspace_roles: Vec<SeedWorkspaceRole>,
    /// Deployment roles, the Deployment named as in a user's `deploymentRoles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deployment_roles: Vec<SeedDeploymentRole>,
    /// DAG roles, the Deployment named as in a user's `dagRoles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dag_roles: Vec<SeedDagRole>,
    #[serde(default)]
    pub id: Option<String>,
}

impl SeedTeam {
    /// A Team with a name, ORGANIZATION_MEMBER, not IdP-managed, and nothing else yet.
    pub fn named(name: impl Into<String>) -> SeedTeam {
        SeedTeam {
            name: name.into(),
            description: None,
            organization_role: member_role(),
            is_idp_managed: false,
            members: vec![],
            workspace_roles: vec![],
            deployment_roles: vec![],
            dag_roles: vec![],
            id: None,
        }
    }
}

fn member_role() -> String {
    "ORGANIZATION_MEMBER".to_string()
}

impl Default for Seed {
    /// The default seed the CLI's tests rely on: "Example Org" with six users, two
    /// Workspaces of two Deployments each, and four Teams (one IdP-managed, one with a comma
    /// in its name, two whose names differ only in case), six API tokens (three
    /// Organization tokens, one with a Workspace role and one expiring 5.5 days after the
    /// start, two Workspace tokens, one expired, and a Deployment token) and two custom
    /// Deployment roles (one restricted to Data Platform); then "Second Org" (ada the owner,
    /// margaret a member, a Workspace of two Deployments and one of one, whose name is also
    /// one of the first's; no API tokens).
    fn default() -> Self {
        let user = |email: &str, name: &str, role: &str, status: &str| SeedUser {
            email: email.into(),
            full_name: name.into(),
            role: role.into(),
            status: status.into(),
            id: None,
            workspace_roles: vec![],
            deployment_roles: vec![],
            dag_roles: vec![],
        };
        let ws_role = |workspace: &str, role: &str| SeedWorkspaceRole {
            workspace: workspace.into(),
            role: role.into(),
        };
        let dag_role =
            |deployment: &str, dag_id: Option<&str>, dag_tag: Option<&str>, role: &str| {
                SeedDagRole {
                    deployment: Some(deployment.into()),
                    deployment_id: None,
                    dag_id: dag_id.map(Into::into),
                    dag_tag: dag_tag.map(Into::into),
                    role: role.into(),
                }
            };
        let mut grace = user(
            "grace@example.com",
            "Grace Hopper",
            "ORGANIZATION_MEMBER",
            "ACTIVE",
        );
        grace
            .workspace_roles
            .push(ws_role("Data Platform", "WORKSPACE_OWNER"));
        grace.deployment_roles.push(SeedDeploymentRole {
            deployment: Some("Ingestion".into()),
            deployment_id: None,
            role: "DEPLOYMENT_ADMIN".into(),
        });
        grace.dag_roles.push(dag_role(
            "Warehouse Loads",
            Some("load_orders"),
            None,
            "DAG_AUTHOR",
        ));
        let mut alan = user(
            "alan@example.com",
            "Alan Turing",
            "ORGANIZATION_BILLING_ADMIN",
            "ACTIVE",
        );
        alan.workspace_roles
            .push(ws_role("Analytics", "WORKSPACE_MEMBER"));
        alan.dag_roles
            .push(dag_role("Reporting", None, Some("finance"), "DAG_VIEWER"));
        let mut katherine = user(
            "Katherine.Johnson@Example.com",
            "Katherine Johnson",
            "ORGANIZATION_OBSERVE_ADMIN",
            "ACTIVE",
        );
        katherine
            .workspace_roles
            .push(ws_role("Analytics", "WORKSPACE_OPERATOR"));
        let mut ada_second = user(
            "ada@example.com",
            "Ada Lovelace",
            "ORGANIZATION_OWNER",
            "ACTIVE",
        );
        ada_second
            .workspace_roles
            .push(ws_role("Engines", "WORKSPACE_OWNER"));
        let second = SeedOrganization {
            users: vec![
                ada_second,
                user(
                    "margaret@example.com",
                    "Margaret Hamilton",
                    "ORGANIZATION_MEMBER",
                    "ACTIVE",
                ),
            ],
            workspaces: vec![
                SeedWorkspace {
                    description: Some("Analytical engine experiments".into()),
                    deployments: vec![
                        SeedDeployment::new("Difference Engine", "Tables of polynomials"),
                        SeedDeployment::new("Analytical Engine", "Bernoulli numbers"),
                    ],
                    ..SeedWorkspace::named("Engines")
                },
                // A Deployment name that is in two Workspaces: a name alone is ambiguous.
                SeedWorkspace {
                    description: Some("Trials before the Engines".into()),
                    deployments: vec![SeedDeployment::new(
                        "Analytical Engine",
                        "Trial runs of the engine",
                    )],
                    ..SeedWorkspace::named("Research")
                },
            ],
            ..SeedOrganization::named("Second Org")
        };
        let ci_deploy = SeedApiToken {
            description: Some("Deploys from CI".into()),
            ..SeedApiToken::new("CI deploy", "ORGANIZATION", "ORGANIZATION_OWNER")
        };
        let analytics_reporting = SeedApiToken {
            description: Some("Publishes the reports".into()),
            workspace: Some("Analytics".into()),
            ..SeedApiToken::new("Analytics reporting", "WORKSPACE", "WORKSPACE_AUTHOR")
        };
        // An Organization token with a Workspace role too, created by another token.
        let platform_automation = SeedApiToken {
            description: Some("Terraform for the platform".into()),
            workspace_roles: vec![ws_role("Data Platform", "WORKSPACE_OPERATOR")],
            created_by: Some("CI deploy".into()),
            ..SeedApiToken::new("Platform automation", "ORGANIZATION", "ORGANIZATION_MEMBER")
        };
        // Expires 5.5 days after the emulator starts, whenever that is.
        let nightly_export = SeedApiToken {
            description: Some("Exports usage every night".into()),
            expiry_period_in_days: Some(30),
            created_days_ago: Some(24.5),
            ..SeedApiToken::new("Nightly export", "ORGANIZATION", "ORGANIZATION_MEMBER")
        };
        // Expired on 2024-02-17.
        let legacy_sync = SeedApiToken {
            description: Some("Replaced by Platform automation".into()),
            workspace: Some("Data Platform".into()),
            expiry_period_in_days: Some(30),
            ..SeedApiToken::new("Legacy sync", "WORKSPACE", "WORKSPACE_MEMBER")
        };
        let loads_deployer = SeedApiToken {
            description: Some("Deploys Warehouse Loads from CI".into()),
            deployment: Some("Warehouse Loads".into()),
            ..SeedApiToken::new("Loads deployer", "DEPLOYMENT", "DEPLOYMENT_ADMIN")
        };
        // Custom Deployment roles: one for any Workspace, one for Data Platform's only.
        let deployment_viewer = SeedCustomRole {
            description: Some("Sees the Deployment, its DAGs and their logs".into()),
            ..SeedCustomRole::new("DEPLOYMENT_VIEWER", "DEPLOYMENT")
        };
        let dag_operator_restricted = SeedCustomRole {
            description: Some("Runs and clears DAGs in Data Platform's Deployments".into()),
            restricted_workspaces: vec!["Data Platform".into()],
            ..SeedCustomRole::new("DAG_OPERATOR_RESTRICTED", "DEPLOYMENT")
        };
        Seed {
            organization: Some(SeedOrganization {
                api_tokens: vec![
                    ci_deploy,
                    analytics_reporting,
                    platform_automation,
                    nightly_export,
                    legacy_sync,
                    loads_deployer,
                ],
                custom_roles: vec![deployment_viewer, dag_operator_restricted],
                ..SeedOrganization::named("Example Org")
            }),
            organizations: vec![second],
            users: vec![
                user(
                    "ada@example.com",
                    "Ada Lovelace",
                    "ORGANIZATION_OWNER",
                    "ACTIVE",
                ),
                grace,
                alan,
                katherine,
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
                    description: Some("Pipelines that feed the warehouse".into()),
                    deployments: vec![
                        SeedDeployment::new("Ingestion", "Pulls sources into the lake"),
                        SeedDeployment::new("Warehouse Loads", "Loads the warehouse nightly"),
                    ],
                    ..SeedWorkspace::named("Data Platform")
                },
                SeedWorkspace {
                    description: Some("Reporting and dashboards".into()),
                    deployments: vec![
                        SeedDeployment::new("Reporting", "Scheduled reports"),
                        SeedDeployment::new("Dashboards", "Refreshes the dashboards"),
                    ],
                    ..SeedWorkspace::named("Analytics")
                },
            ],
            teams: vec![
                SeedTeam {
                    description: Some("Keeps the platform running".into()),
                    members: vec!["grace@example.com".into()],
                    workspace_roles: vec![ws_role("Data Platform", "WORKSPACE_AUTHOR")],
                    ..SeedTeam::named("Platform Team")
                },
                // A comma in the name: a value never to be split.
                SeedTeam {
                    description: Some("Pipelines for the EU region".into()),
                    members: vec![
                        "Katherine.Johnson@Example.com".into(),
                        "ada@example.com".into(),
                    ],
                    workspace_roles: vec![
                        ws_role("Data Platform", "WORKSPACE_OPERATOR"),
                        ws_role("Analytics", "WORKSPACE_MEMBER"),
                    ],
                    deployment_roles: vec![SeedDeploymentRole {
                        deployment: Some("Warehouse Loads".into()),
                        deployment_id: None,
                        role: "DEPLOYMENT_ADMIN".into(),
                    }],
                    dag_roles: vec![dag_role("Ingestion", None, Some("eu"), "DAG_AUTHOR")],
                    ..SeedTeam::named("Data Engineering, EU")
                },
                // Differs from "Platform Team" only in case.
                SeedTeam {
                    description: Some("Weekend on-call rota".into()),
                    members: vec!["ada@example.com".into()],
                    workspace_roles: vec![ws_role("Analytics", "WORKSPACE_MEMBER")],
                    ..SeedTeam::named("platform team")
                },
                // Managed by an identity provider.
                SeedTeam {
                    description: Some("Synced from Okta".into()),
                    organization_role: "ORGANIZATION_BILLING_ADMIN".into(),
                    is_idp_managed: true,
                    members: vec![
                        "ada@example.com".into(),
                        "Katherine.Johnson@Example.com".into(),
                    ],
                    workspace_roles: vec![ws_role("Analytics", "WORKSPACE_AUTHOR")],
                    ..SeedTeam::named("Okta Engineers")
                },
            ],
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

    /// Every Organization in creation order, each with its own lists (the single form's
    /// top-level lists moved into it).
    pub fn all_organizations(&self) -> Vec<SeedOrganization> {
        let mut out = Vec::with_capacity(1 + self.organizations.len());
        if let Some(o) = &self.organization {
            out.push(SeedOrganization {
                name: o.name.clone(),
                id: o.id.clone(),
                users: self.users.clone(),
                workspaces: self.workspaces.clone(),
                teams: self.teams.clone(),
                api_tokens: o.api_tokens.clone(),
                custom_roles: o.custom_roles.clone(),
            });
        }
        out.extend(self.organizations.iter().cloned());
        out
    }

    /// Checks roles, statuses, emails and references; the first problem is an error.
    pub fn validate(&self) -> Result<(), EmulatorError> {
        let bad = |m: String| Err(EmulatorError::Seed(m));
        match &self.organization {
            None if self.organizations.is_empty() => {
                return bad("an `organization` (or `organizations`) is needed".into());
            }
            None if !(self.users.is_empty()
                && self.workspaces.is_empty()
                && self.teams.is_empty()) =>
            {
                return bad(
                    "top-level users, workspaces and teams need an `organization`; \
                     with `organizations` put them inside each one"
                        .into(),
                );
            }
            Some(o) if !(o.users.is_empty() && o.workspaces.is_empty() && o.teams.is_empty()) => {
                return bad(
                    "organization: put its users, workspaces and teams at the top level".into(),
                );
            }
            _ => {}
        }
        let single = usize::from(self.organization.is_some());
        let mut ids = std::collections::HashSet::new();
        for (i, org) in self.all_organizations().iter().enumerate() {
            let at = if i < single {
                String::new()
            } else {
                format!("organizations[{}].", i - single)
            };
            let org_at = if i < single {
                "organization".to_string()
            } else {
                format!("organizations[{}]", i - single)
            };
            if org.name.trim().is_empty() {
                return bad(format!("{org_at}.name is empty"));
            }
            if let Some(id) = &org.id
                && !ids.insert(id.clone())
            {
                return bad(format!("{org_at}.id {id:?} appears twice"));
            }
            validate_organization(org, &at)?;
        }
        Ok(())
    }
}

/// Checks one Organization's users, Teams and references; `at` prefixes paths in messages.
fn validate_organization(org: &SeedOrganization, at: &str) -> Result<(), EmulatorError> {
    let bad = |m: String| Err(EmulatorError::Seed(m));
    if org.users.is_empty() {
        return bad(format!(
            "{at}users: at least one user is needed (the first is the Organization's creator)"
        ));
    }
    validate_custom_roles(org, at)?;
    let mut seen = std::collections::HashSet::new();
    for (i, u) in org.users.iter().enumerate() {
        if !crate::model::is_email(&u.email) {
            return bad(format!(
                "{at}users[{i}].email {:?} is not an email",
                u.email
            ));
        }
        if !seen.insert(u.email.to_lowercase()) {
            return bad(format!("{at}users[{i}].email {:?} appears twice", u.email));
        }
        if !crate::model::ORGANIZATION_ROLES.contains(&u.role.as_str()) {
            return bad(format!(
                "{at}users[{i}].role {:?} is not an Organization role",
                u.role
            ));
        }
        if !crate::model::USER_STATUSES.contains(&u.status.as_str()) {
            return bad(format!(
                "{at}users[{i}].status {:?} is not a user status",
                u.status
            ));
        }
        for wr in &u.workspace_roles {
            check_workspace_role(org, wr, &format!("{at}users[{i}]"))?;
        }
        for (j, dr) in u.deployment_roles.iter().enumerate() {
            check_seed_deployment_role(org, dr, &format!("{at}users[{i}].deploymentRoles[{j}]"))?;
        }
        for (j, dr) in u.dag_roles.iter().enumerate() {
            let place = format!("{at}users[{i}].dagRoles[{j}]");
            check_deployment_ref(
                org,
                dr.deployment.as_deref(),
                dr.deployment_id.as_deref(),
                &place,
            )?;
            if dr.dag_id.is_none() && dr.dag_tag.is_none() {
                return bad(format!("{place}: dagId or dagTag is needed"));
            }
            if dr.role.trim().is_empty() {
                return bad(format!("{place}.role is empty"));
            }
        }
    }
    for (i, w) in org.workspaces.iter().enumerate() {
        if w.name.trim().is_empty() {
            return bad(format!("{at}workspaces[{i}].name is empty"));
        }
        for (j, d) in w.deployments.iter().enumerate() {
            if d.name.trim().is_empty() {
                return bad(format!(
                    "{at}workspaces[{i}].deployments[{j}].name is empty"
                ));
            }
        }
    }
    for (i, t) in org.teams.iter().enumerate() {
        if !crate::model::ORGANIZATION_ROLES.contains(&t.organization_role.as_str()) {
            return bad(format!(
                "{at}teams[{i}].organizationRole {:?} is unknown",
                t.organization_role
            ));
        }
        if t.name.trim().is_empty() {
            return bad(format!("{at}teams[{i}].name is empty"));
        }
        let mut members = std::collections::HashSet::new();
        for m in &t.members {
            if !seen.contains(&m.to_lowercase()) {
                return bad(format!("{at}teams[{i}].members: no user {m:?}"));
            }
            if !members.insert(m.to_lowercase()) {
                return bad(format!("{at}teams[{i}].members: {m:?} appears twice"));
            }
        }
        for wr in &t.workspace_roles {
            check_workspace_role(org, wr, &format!("{at}teams[{i}]"))?;
        }
        for (j, dr) in t.deployment_roles.iter().enumerate() {
            check_seed_deployment_role(org, dr, &format!("{at}teams[{i}].deploymentRoles[{j}]"))?;
        }
        for (j, dr) in t.dag_roles.iter().enumerate() {
            let place = format!("{at}teams[{i}].dagRoles[{j}]");
            check_deployment_ref(
                org,
                dr.deployment.as_deref(),
                dr.deployment_id.as_deref(),
                &place,
            )?;
            if dr.dag_id.is_none() && dr.dag_tag.is_none() {
                return bad(format!("{place}: dagId or dagTag is needed"));
            }
            if dr.role.trim().is_empty() {
                return bad(format!("{place}.role is empty"));
            }
        }
    }
    validate_api_tokens(org, at, &seen)
}

/// Checks one Organization's API tokens: scopes, roles against them, the Workspaces and
/// Deployments they name, kinds, expiry, and who created them.
fn validate_api_tokens(
    org: &SeedOrganization,
    at: &str,
    emails: &std::collections::HashSet<String>,
) -> Result<(), EmulatorError> {
    use crate::model::{ORGANIZATION_ROLES, TOKEN_KINDS, WORKSPACE_ROLES};
    let bad = |m: String| Err(EmulatorError::Seed(m));
    let workspace_of = |name: &str| {
        org.workspaces
            .iter()
            .find(|w| w.deployments.iter().any(|d| d.name == name))
            .map(|w| w.name.as_str())
    };
    for (i, t) in org.api_tokens.iter().enumerate() {
        let place = format!("{at}apiTokens[{i}]");
        if t.name.trim().is_empty() {
            return bad(format!("{place}.name is empty"));
        }
        if t.name.chars().count() > 256 {
            return bad(format!("{place}.name is longer than 256 characters"));
        }
        if t.description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 500)
        {
            return bad(format!("{place}.description is longer than 500 characters"));
        }
        let role_ok = match t.scope.as_str() {
            "ORGANIZATION" => {
                if t.workspace.is_some() || t.deployment.is_some() {
                    return bad(format!(
                        "{place}: an ORGANIZATION token takes no workspace or deployment"
                    ));
                }
                ORGANIZATION_ROLES.contains(&t.role.as_str())
            }
            "WORKSPACE" => {
                let Some(w) = &t.workspace else {
                    return bad(format!("{place}.workspace is needed for a WORKSPACE token"));
                };
                if t.deployment.is_some() {
                    return bad(format!("{place}: a WORKSPACE token takes no deployment"));
                }
                if !org.workspaces.iter().any(|ws| &ws.name == w) {
                    return bad(format!("{place}.workspace: no Workspace named {w:?}"));
                }
                WORKSPACE_ROLES.contains(&t.role.as_str())
            }
            "DEPLOYMENT" => {
                let Some(d) = &t.deployment else {
                    return bad(format!(
                        "{place}.deployment is needed for a DEPLOYMENT token"
                    ));
                };
                if t.workspace.is_some() {
                    return bad(format!("{place}: a DEPLOYMENT token takes no workspace"));
                }
                check_deployment_ref(org, Some(d), None, &place)?;
                check_deployment_role_name(org, &t.role, Some(d), None, &place)?;
                true
            }
            other => {
                return bad(format!(
                    "{place}.scope {other:?} is not ORGANIZATION, WORKSPACE or DEPLOYMENT"
                ));
            }
        };
        if !role_ok {
            return bad(format!(
                "{place}.role {:?} is not a role for a token of scope {}",
                t.role, t.scope
            ));
        }
        if !t.workspace_roles.is_empty() && t.scope != "ORGANIZATION" {
            return bad(format!(
                "{place}.workspaceRoles: only an ORGANIZATION token has more Workspace roles"
            ));
        }
        let mut workspaces = std::collections::HashSet::new();
        for wr in &t.workspace_roles {
            check_workspace_role(org, wr, &place)?;
            if !workspaces.insert(wr.workspace.as_str()) {
                return bad(format!(
                    "{place}.workspaceRoles: Workspace {:?} appears twice",
                    wr.workspace
                ));
            }
        }
        let mut deployments = std::collections::HashSet::new();
        for (j, dr) in t.deployment_roles.iter().enumerate() {
            let at = format!("{place}.deploymentRoles[{j}]");
            let Some(name) = &dr.deployment else {
                return bad(format!(
                    "{at}: name the seed Deployment with `deployment` (an API token's \
                     Deployment roles take no deploymentId)"
                ));
            };
            check_deployment_ref(org, Some(name), dr.deployment_id.as_deref(), &at)?;
            match t.scope.as_str() {
                "ORGANIZATION" => {}
                "WORKSPACE" if workspace_of(name) == t.workspace.as_deref() => {}
                "WORKSPACE" => {
                    return bad(format!(
                        "{at}.deployment: {name:?} is not in the token's Workspace"
                    ));
                }
                _ => {
                    return bad(format!(
                        "{at}: a DEPLOYMENT token has no other Deployment roles"
                    ));
                }
            }
            if t.deployment.as_deref() == Some(name.as_str()) || !deployments.insert(name) {
                return bad(format!("{at}.deployment: {name:?} appears twice"));
            }
            check_deployment_role_name(org, &dr.role, Some(name), None, &at)?;
        }
        if let Some(k) = &t.kind
            && !TOKEN_KINDS.contains(&k.as_str())
        {
            return bad(format!(
                "{place}.kind {k:?} is not STANDARD or DIRECT_ACCESS"
            ));
        }
        if let Some(d) = t.expiry_period_in_days
            && !(1..=3650).contains(&d)
        {
            return bad(format!(
                "{place}.expiryPeriodInDays must be 1..=3650, not {d}"
            ));
        }
        if let Some(d) = t.created_days_ago
            && !(d.is_finite() && (0.0..=36_500.0).contains(&d))
        {
            return bad(format!(
                "{place}.createdDaysAgo must be a number of days from 0 to 36500"
            ));
        }
        if let Some(by) = &t.created_by
            && !emails.contains(&by.to_lowercase())
            && !org.api_tokens[..i].iter().any(|e| &e.name == by)
        {
            return bad(format!(
                "{place}.createdBy: {by:?} is neither a user's email nor an earlier token's name"
            ));
        }
    }
    Ok(())
}

/// Checks one Organization's custom roles: names (not blank, none twice, no default role's),
/// scope types (the document's `Role.scopeType`), and the Workspaces a DEPLOYMENT role is
/// restricted to (seed Workspaces, by name or by the `id` they give themselves; none twice).
fn validate_custom_roles(org: &SeedOrganization, at: &str) -> Result<(), EmulatorError> {
    use crate::model::{CUSTOM_ROLE_SCOPES, is_default_role};
    let bad = |m: String| Err(EmulatorError::Seed(m));
    let mut names = std::collections::HashSet::new();
    for (i, r) in org.custom_roles.iter().enumerate() {
        let place = format!("{at}customRoles[{i}]");
        if r.name.trim().is_empty() {
            return bad(format!("{place}.name is empty"));
        }
        if is_default_role(&r.name) {
            return bad(format!(
                "{place}.name {:?} is a default role's name: a custom role needs its own",
                r.name
            ));
        }
        if !names.insert(r.name.as_str()) {
            return bad(format!("{place}.name {:?} appears twice", r.name));
        }
        if !CUSTOM_ROLE_SCOPES.contains(&r.scope_type.as_str()) {
            return bad(format!(
                "{place}.scopeType {:?} is not DEPLOYMENT, WORKSPACE or ORGANIZATION",
                r.scope_type
            ));
        }
        if r.scope_type != "DEPLOYMENT"
            && !(r.restricted_workspaces.is_empty() && r.restricted_workspace_ids.is_empty())
        {
            return bad(format!(
                "{place}: only a DEPLOYMENT role can be restricted to Workspaces"
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for name in &r.restricted_workspaces {
            match org.workspaces.iter().position(|w| &w.name == name) {
                None => {
                    return bad(format!(
                        "{place}.restrictedWorkspaces: no Workspace named {name:?}"
                    ));
                }
                Some(w) if !seen.insert(w) => {
                    return bad(format!(
                        "{place}.restrictedWorkspaces: Workspace {name:?} appears twice"
                    ));
                }
                Some(_) => {}
            }
        }
        for id in &r.restricted_workspace_ids {
            match org
                .workspaces
                .iter()
                .position(|w| w.id.as_deref() == Some(id.as_str()))
            {
                None => {
                    return bad(format!(
                        "{place}.restrictedWorkspaceIds: no seed Workspace has the id {id:?} \
                         (name the Workspace in restrictedWorkspaces instead)"
                    ));
                }
                Some(w) if !seen.insert(w) => {
                    return bad(format!(
                        "{place}.restrictedWorkspaceIds: the Workspace of {id:?} appears twice"
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

/// A seed user's or Team's Deployment role: the Deployment reference, then the role's name.
fn check_seed_deployment_role(
    org: &SeedOrganization,
    dr: &SeedDeploymentRole,
    place: &str,
) -> Result<(), EmulatorError> {
    check_deployment_ref(
        org,
        dr.deployment.as_deref(),
        dr.deployment_id.as_deref(),
        place,
    )?;
    check_deployment_role_name(
        org,
        &dr.role,
        dr.deployment.as_deref(),
        dr.deployment_id.as_deref(),
        place,
    )
}

/// A seed Deployment role's name, as the API checks one: `DEPLOYMENT_ADMIN`, or a custom
/// role of scope DEPLOYMENT of the Organization that is unrestricted or restricted to
/// Workspaces including the Deployment's (when the seed knows the Deployment: by name, or
/// by an `id` a seed Deployment gives itself; a `deploymentId` naming no seed Deployment is
/// checked by name only).
fn check_deployment_role_name(
    org: &SeedOrganization,
    role: &str,
    deployment: Option<&str>,
    deployment_id: Option<&str>,
    place: &str,
) -> Result<(), EmulatorError> {
    let bad = |m: String| Err(EmulatorError::Seed(m));
    if role.trim().is_empty() {
        return bad(format!("{place}.role is empty"));
    }
    if role == crate::model::DEPLOYMENT_ADMIN {
        return Ok(());
    }
    let Some(custom) = org
        .custom_roles
        .iter()
        .find(|r| r.name == role && r.scope_type == "DEPLOYMENT")
    else {
        return bad(format!(
            "{place}.role {role:?} is not a Deployment role: DEPLOYMENT_ADMIN, or the name of \
             a customRoles entry of scopeType DEPLOYMENT"
        ));
    };
    let restricted: Vec<usize> = org
        .workspaces
        .iter()
        .enumerate()
        .filter(|(_, w)| {
            custom.restricted_workspaces.contains(&w.name)
                || w.id
                    .as_ref()
                    .is_some_and(|id| custom.restricted_workspace_ids.contains(id))
        })
        .map(|(i, _)| i)
        .collect();
    if restricted.is_empty() {
        return Ok(());
    }
    let workspace = org.workspaces.iter().position(|w| {
        w.deployments.iter().any(|d| {
            deployment == Some(d.name.as_str())
                || (deployment_id.is_some() && d.id.as_deref() == deployment_id)
        })
    });
    match workspace {
        Some(w) if !restricted.contains(&w) => bad(format!(
            "{place}.role {role:?} is restricted to Workspaces other than {:?}, the \
             Deployment's",
            org.workspaces[w].name
        )),
        _ => Ok(()),
    }
}

/// A seed Deployment reference: exactly one of a name (of exactly one of the Organization's
/// seed Deployments) and an ID.
fn check_deployment_ref(
    org: &SeedOrganization,
    name: Option<&str>,
    id: Option<&str>,
    at: &str,
) -> Result<(), EmulatorError> {
    let bad = |m: String| Err(EmulatorError::Seed(m));
    match (name, id) {
        (Some(_), Some(_)) | (None, None) => bad(format!(
            "{at}: give exactly one of deployment (a name) and deploymentId"
        )),
        (None, Some(id)) if id.trim().is_empty() => bad(format!("{at}.deploymentId is empty")),
        (None, Some(_)) => Ok(()),
        (Some(name), None) => {
            let n = org
                .workspaces
                .iter()
                .flat_map(|w| &w.deployments)
                .filter(|d| d.name == name)
                .count();
            match n {
                1 => Ok(()),
                0 => bad(format!("{at}.deployment: no Deployment named {name:?}")),
                _ => bad(format!(
                    "{at}.deployment: {n} Deployments are named {name:?}; use deploymentId"
                )),
            }
        }
    }
}

fn check_workspace_role(
    org: &SeedOrganization,
    wr: &SeedWorkspaceRole,
    at: &str,
) -> Result<(), EmulatorError> {
    if !org.workspaces.iter().any(|w| w.name == wr.workspace) {
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
