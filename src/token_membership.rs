//! An Organization API token's role in one Workspace (`workspace token add|update-role|remove`,
//! and the Go CLI's spellings `workspace token organization-token add|update|remove`): the
//! Workspace and the token found together (the token by ID or name among the Organization's
//! Organization-scoped tokens, or a pick-list), the token read right before the write (see
//! `token_roles`), the outcome each such command reports; and the pick-list of API tokens the
//! Workspace token commands share.

use serde::Serialize;

use crate::api::{ApiToken, TokenFilter, Workspace};
use crate::context::Ctx;
use crate::error::CliError;
use crate::membership;
use crate::output;
use crate::token_roles;
use crate::tokens::{self, Scope};
use crate::workspaces;

/// What a command on an Organization token's Workspace role did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMembershipOutcome {
    pub id: String,
    pub name: String,
    pub workspace_id: String,
    pub workspace_name: String,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl TokenMembershipOutcome {
    pub fn planned(
        token: &ApiToken,
        workspace: &Workspace,
        role: Option<&str>,
        dry_run: bool,
    ) -> Self {
        Self {
            id: token.id.clone(),
            name: token.name.clone(),
            workspace_id: workspace.id.clone(),
            workspace_name: workspace.name.clone(),
            previous_role: token.role_on("WORKSPACE", &workspace.id).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
        }
    }
}

/// The Workspace and the Organization token, the token as read right before a write.
pub struct Target {
    pub workspace: Workspace,
    pub token: ApiToken,
}

/// Which Organization tokens a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Those without a role in the Workspace (`add`).
    NotInWorkspace,
    /// Those with a role in it (`update-role`, `remove`).
    InWorkspace,
}

/// The error for a missing ORG_TOKEN off a terminal.
pub fn missing() -> CliError {
    CliError::missing(
        "the Organization API token",
        "its name or ID as the ORG_TOKEN argument",
    )
}

/// Finds the Workspace and the Organization token (named: looked up at the same time, among
/// Organization-scoped tokens only; missing: picked on a terminal from `candidates`), then
/// reads the token (GetApiToken).
pub async fn target(
    ctx: &mut Ctx,
    token_arg: Option<&str>,
    candidates: Candidates,
    prompt: &str,
) -> Result<Target, CliError> {
    let (value, source) = workspaces::selected(ctx)
        .await?
        .ok_or_else(workspaces::missing)?;
    let (client, org) = ctx.api().await?;
    let (workspace, listed) = match token_arg {
        Some(arg) => {
            let (workspace, token) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                tokens::find(client, org, arg, &Scope::Organization)
            );
            (workspace?, token?)
        }
        None => {
            let workspace = workspaces::resolve(client, org, &value, source).await?;
            let spinner = output::Spinner::start("Listing the API tokens…");
            let filter = match candidates {
                Candidates::InWorkspace => TokenFilter::InWorkspace(&workspace.id),
                Candidates::NotInWorkspace => TokenFilter::OrganizationOnly,
            };
            let mut all = client.list_api_tokens(org, filter).await?;
            drop(spinner);
            all.retain(|t| {
                let there = t.role_on("WORKSPACE", &workspace.id).is_some();
                Scope::Organization.owns(t) && there == (candidates == Candidates::InWorkspace)
            });
            if all.is_empty() {
                return Err(CliError::not_found(match candidates {
                    Candidates::InWorkspace => format!(
                        "no Organization API token has a role in Workspace `{}`",
                        crate::text::cell(&workspace.name)
                    ),
                    Candidates::NotInWorkspace => format!(
                        "every Organization API token already has a role in Workspace `{}`",
                        crate::text::cell(&workspace.name)
                    ),
                })
                .with_hint("run `astro organization token list` to see them"));
            }
            let ws_id = workspace.id.clone();
            let token = tokens::pick(ctx, all, prompt, missing, |t| match candidates {
                Candidates::InWorkspace => t.role_on("WORKSPACE", &ws_id).map(str::to_owned),
                Candidates::NotInWorkspace => t
                    .roles
                    .iter()
                    .flatten()
                    .find(|r| r.entity_type == "ORGANIZATION")
                    .map(|r| r.role.clone()),
            })?;
            (workspace, token)
        }
    };
    let (client, org) = ctx.api().await?;
    let token = token_roles::read(client, org, &listed.id).await?;
    // Named among Organization tokens; read again: still one.
    if !Scope::Organization.owns(&token) {
        return Err(CliError::usage(format!(
            "API token `{}` is not an Organization API token",
            token.id
        )));
    }
    Ok(Target { workspace, token })
}

/// The target with the token read again (after a confirmation, so that the write follows its
/// read by one round trip).
pub async fn reread(ctx: &mut Ctx, target: Target) -> Result<Target, CliError> {
    let (client, org) = ctx.api().await?;
    let token = token_roles::read(client, org, &target.token.id).await?;
    Ok(Target { token, ..target })
}

/// How to look at a token's roles after an answer that differs from what was sent.
pub fn check_hint(token: &ApiToken) -> String {
    format!(
        "check its roles with `astro organization token roles {}`",
        token.id
    )
}

/// Sets (or, with `None`, removes) the token's role in the Workspace: its complete role list
/// as just read, with that one entry changed. Sends nothing when nothing would change.
pub async fn write(ctx: &mut Ctx, target: &Target, role: Option<&str>) -> Result<bool, CliError> {
    let (client, org) = ctx.api().await?;
    token_roles::write(
        client,
        org,
        &target.token,
        token_roles::Entry::workspace(&target.workspace.id, role),
        &check_hint(&target.token),
    )
    .await
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &TokenMembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    output::line(&membership::sentence(
        &format!("API token {}", outcome.name),
        &format!("Workspace {}", crate::text::cell(&outcome.workspace_name)),
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}
