//! Changing one user's role in one Workspace (`workspace user add|update|remove`): the
//! Workspace and the user found together (the user by email, ID, or a pick-list), the user
//! read right before the write (see `role_lists`), a role asked for on a terminal, and the
//! outcome every such command reports.

use serde::Serialize;

use crate::api::{User, Workspace};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members::{self, check_email, is_cuid};
use crate::output;
use crate::role_lists;
use crate::roles::{Role, WorkspaceRole};
use crate::workspaces;

/// What a Workspace membership command did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipOutcome {
    pub id: Option<String>,
    pub email: String,
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl MembershipOutcome {
    /// `user` in `workspace` before anything is sent, moving to `role`.
    pub fn planned(user: &User, workspace: &Workspace, role: Option<&str>, dry_run: bool) -> Self {
        Self {
            id: Some(user.id.clone()),
            email: user.username.clone(),
            workspace_id: Some(workspace.id.clone()),
            workspace_name: Some(workspace.name.clone()),
            previous_role: user.workspace_role(&workspace.id).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
        }
    }
}

/// Which members a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Organization members not yet in the Workspace (`add`).
    NotInWorkspace,
    /// The Workspace's members (`update`, `remove`).
    InWorkspace,
}

/// The Workspace and the user, the user as read right before a write.
pub struct Target {
    pub workspace: Workspace,
    pub user: User,
}

/// Checks a user argument before anything is sent.
pub fn check_user_arg(arg: Option<&str>) -> Result<(), CliError> {
    match arg {
        Some(user) if !is_cuid(user) => check_email(user).map_err(|e| {
            CliError::usage(e)
                .with_hint("pass the user's email address or their 25-character user ID")
        }),
        _ => Ok(()),
    }
}

/// Finds the Workspace and the user. Named users are looked up at the same time as the
/// Workspace; a missing one is picked on a terminal from `candidates` (the caller has checked
/// that a prompter exists).
pub async fn target(
    ctx: &mut Ctx,
    user_arg: Option<&str>,
    candidates: Candidates,
) -> Result<Target, CliError> {
    let (value, source) = workspaces::selected(ctx)
        .await?
        .ok_or_else(workspaces::missing)?;
    let (client, org) = ctx.api().await?;
    let (workspace, user) = match user_arg {
        Some(arg) => {
            let (workspace, found) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                members::find(client, org, arg)
            );
            let workspace = workspace?;
            let (user, listed) = found.map_err(|e| not_in_organization(e, arg, candidates))?;
            // Found by ID: that GetUser was the read; by email: read the user now.
            let user = match listed {
                None => checked(user)?,
                Some(_) => role_lists::read(client, org, &user.id).await?,
            };
            (workspace, user)
        }
        None => {
            let workspace = workspaces::resolve(client, org, &value, source).await?;
            let spinner = output::Spinner::start("Listing the members…");
            let users = match candidates {
                Candidates::InWorkspace => client.list_workspace_users(org, &workspace.id).await?,
                Candidates::NotInWorkspace => {
                    let mut users = client.list_all_users(org).await?;
                    users.retain(|u| u.workspace_role(&workspace.id).is_none());
                    users
                }
            };
            drop(spinner);
            if users.is_empty() {
                return Err(CliError::not_found(match candidates {
                    Candidates::InWorkspace => format!(
                        "Workspace `{}` has no members",
                        crate::text::cell(&workspace.name)
                    ),
                    Candidates::NotInWorkspace => format!(
                        "every member of the Organization is already in Workspace `{}`",
                        crate::text::cell(&workspace.name)
                    ),
                }));
            }
            let rows = members::rows(&users, |u| match candidates {
                Candidates::InWorkspace => u.workspace_role(&workspace.id),
                Candidates::NotInWorkspace => u.organization_role.as_deref(),
            });
            let prompter = ctx.prompter.as_mut().expect("checked by the command");
            let index = prompter.pick(&members::pick_list("User", &rows))?;
            let id = users[index].id.clone();
            let (client, org) = ctx.api().await?;
            (workspace, role_lists::read(client, org, &id).await?)
        }
    };
    Ok(Target { workspace, user })
}

/// A user read by ID must show their roles, as [`role_lists::read`] requires.
fn checked(user: User) -> Result<User, CliError> {
    if user.organization_role.is_none() || user.workspace_roles.is_none() {
        return Err(CliError::auth(format!(
            "the API did not show {}'s Organization and Workspace roles, so they cannot be changed safely",
            user.username
        ))
        .with_hint("use a token that may manage the Organization's users"));
    }
    Ok(user)
}

/// Someone who is not in the Organization cannot be added to a Workspace: say to invite them.
fn not_in_organization(err: CliError, arg: &str, candidates: Candidates) -> CliError {
    if err.exit == crate::error::Exit::NotFound && candidates == Candidates::NotInWorkspace {
        let email = if is_cuid(arg) { "EMAIL" } else { arg };
        err.with_hint(format!(
            "invite them first: `astro organization user invite {}`",
            echo(email)
        ))
    } else {
        err
    }
}

/// The Workspace role to give: the flag's, else asked on a terminal starting on `default`
/// (or the current role), else `default` (or, with none, an error naming `--role`).
pub fn role(
    ctx: &mut Ctx,
    flag: Option<WorkspaceRole>,
    default: Option<WorkspaceRole>,
    target: &Target,
) -> Result<WorkspaceRole, CliError> {
    ask_role(
        ctx,
        flag,
        default,
        target.user.workspace_role(&target.workspace.id),
        &crate::members::describe(&target.user),
        &target.workspace.name,
    )
}

/// [`role`] for any subject: `current` is its role in the Workspace, `who` how it is named.
pub fn ask_role(
    ctx: &mut Ctx,
    flag: Option<WorkspaceRole>,
    default: Option<WorkspaceRole>,
    current: Option<&str>,
    who: &str,
    workspace_name: &str,
) -> Result<WorkspaceRole, CliError> {
    if let Some(role) = flag {
        return Ok(role);
    }
    let Some(prompter) = ctx.prompter.as_mut() else {
        return default.ok_or_else(|| CliError::missing("the new role", "--role ROLE"));
    };
    let all = <WorkspaceRole as Role>::all();
    let items: Vec<String> = all
        .iter()
        .map(|r| {
            if Some(r.as_str()) == current {
                format!("{} (current)", r.as_str())
            } else {
                r.as_str().to_owned()
            }
        })
        .collect();
    let start = default
        .and_then(|d| all.iter().position(|r| *r == d))
        .or_else(|| all.iter().position(|r| Some(r.as_str()) == current))
        .unwrap_or(0);
    let index = prompter.select(
        &format!(
            "Workspace role for {who} in {}",
            crate::text::cell(workspace_name)
        ),
        &items,
        start,
    )?;
    Ok(all[index])
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &MembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    output::line(&sentence(
        &outcome.email,
        outcome.workspace_name.as_deref().unwrap_or_default(),
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}

/// What a membership change did (or, on a dry run, would do), as a sentence.
pub fn sentence(
    who: &str,
    ws: &str,
    previous: Option<&str>,
    role: Option<&str>,
    dry_run: bool,
) -> String {
    let dry = if dry_run {
        " (dry run: nothing sent)"
    } else {
        ""
    };
    let verb = |done: &'static str, planned: &'static str| if dry_run { planned } else { done };
    match (previous, role) {
        (Some(p), Some(r)) if p == r => {
            format!("{who} is already in Workspace {ws} as {r}; nothing changed")
        }
        (None, None) => format!("{who} is not in Workspace {ws}; nothing changed"),
        (None, Some(r)) => format!(
            "{} {who} to Workspace {ws} as {r}{dry}",
            verb("Added", "Would add")
        ),
        (Some(p), None) => format!(
            "{} {who} from Workspace {ws} (was {p}){dry}",
            verb("Removed", "Would remove")
        ),
        (Some(p), Some(r)) => format!(
            "{} {who} in Workspace {ws}: {p} -> {r}{dry}",
            verb("Updated", "Would update")
        ),
    }
}

/// The hint of a user who is not in the Workspace.
pub fn not_a_member(outcome: &MembershipOutcome) -> CliError {
    CliError::not_found(format!(
        "{} is not in Workspace `{}`",
        outcome.email,
        echo(outcome.workspace_name.as_deref().unwrap_or_default())
    ))
    .with_hint(format!(
        "add them with `astro workspace user add {} --workspace-id {}`",
        outcome.email,
        outcome.workspace_id.as_deref().unwrap_or_default()
    ))
}
