//! API tokens, as every token command sees them: naming one (its ID, exact name, or name in any
//! case when only one token has it) among the tokens a command may touch (an Organization
//! command: Organization tokens; a Workspace command: that Workspace's own tokens; a Deployment
//! command: that Deployment's own tokens), their JSON shape, recognising the token the CLI
//! itself is using, and printing a secret exactly once.

use serde::Serialize;

use crate::api::{ApiToken, Client, Deployment, TokenFilter, Workspace};
use crate::confirm;
use crate::context::Ctx;
use crate::error::{CliError, Exit, echo};
use crate::jwt::Claims;
use crate::lookup::{self, Kind, Named};
use crate::output;

pub mod delete;
pub mod detail;
pub mod listing;
pub mod update;

impl Named for ApiToken {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// Where a token command works.
#[derive(Debug, Clone)]
pub enum Scope {
    Organization,
    /// A Workspace's own (WORKSPACE-scoped) tokens.
    Workspace(Workspace),
    /// A Deployment's own (DEPLOYMENT-scoped) tokens.
    Deployment(Deployment),
}

impl Scope {
    fn kind(&self) -> Kind {
        match self {
            Scope::Organization => Kind {
                noun: "Organization API token",
                list_command: "astro organization token list",
            },
            Scope::Workspace(_) => Kind {
                noun: "Workspace API token",
                list_command: "astro workspace token list",
            },
            Scope::Deployment(_) => Kind {
                noun: "Deployment API token",
                list_command: "astro deployment token list",
            },
        }
    }

    /// Whether a command of this scope may touch `token`.
    pub fn owns(&self, token: &ApiToken) -> bool {
        match self {
            Scope::Organization => token.scope == "ORGANIZATION",
            Scope::Workspace(ws) => token.own_workspace() == Some(ws.id.as_str()),
            Scope::Deployment(d) => token.own_deployment() == Some(d.id.as_str()),
        }
    }

    /// The listing that holds this scope's tokens (and, for a Workspace or a Deployment, the
    /// tokens of wider scopes with a role in it).
    fn filter(&self) -> TokenFilter<'_> {
        match self {
            Scope::Organization => TokenFilter::All,
            Scope::Workspace(ws) => TokenFilter::InWorkspace(&ws.id),
            Scope::Deployment(d) => TokenFilter::InDeployment(&d.id),
        }
    }

    /// The token's role on this scope: its Organization role, or its role in the Workspace or
    /// on the Deployment.
    pub fn role_of<'a>(&self, token: &'a ApiToken, organization_id: &str) -> Option<&'a str> {
        match self {
            Scope::Organization => token.role_on("ORGANIZATION", organization_id),
            Scope::Workspace(ws) => token.role_on("WORKSPACE", &ws.id),
            Scope::Deployment(d) => token.role_on("DEPLOYMENT", &d.id),
        }
    }

    /// The Workspace or Deployment a command of this scope works in; `None` for the
    /// Organization.
    pub fn place(&self) -> Option<crate::place::Place> {
        match self {
            Scope::Organization => None,
            Scope::Workspace(ws) => Some(crate::place::Place::Workspace(ws.clone())),
            Scope::Deployment(d) => Some(crate::place::Place::Deployment(d.clone())),
        }
    }

    /// How outcomes name the place in JSON (see [`crate::place::PlaceKeys`]); all empty for the
    /// Organization.
    pub fn keys(&self) -> crate::place::PlaceKeys {
        self.place().map(|p| p.keys()).unwrap_or_default()
    }
}

/// The tokens this scope's commands may touch, with one listing.
pub async fn list(client: &Client, org: &str, scope: &Scope) -> Result<Vec<ApiToken>, CliError> {
    let all = client.list_api_tokens(org, scope.filter()).await?;
    Ok(all.into_iter().filter(|t| scope.owns(t)).collect())
}

/// The token `arg` names among those this scope may touch. One of another scope is exit 2,
/// with a hint to use that scope's commands (a Workspace or Deployment command can never touch
/// an Organization token, nor a Deployment command a Workspace token).
pub async fn find(
    client: &Client,
    org: &str,
    arg: &str,
    scope: &Scope,
) -> Result<ApiToken, CliError> {
    match locate(client, org, arg, scope).await? {
        Ok(token) => Ok(token),
        Err(elsewhere) => {
            let hint = match (scope, elsewhere.scope.as_str()) {
                (Scope::Workspace(_), "ORGANIZATION") => {
                    "it is an Organization API token: use `astro organization token …`; to change its role in this Workspace, `astro workspace token update-role`".to_owned()
                }
                (Scope::Deployment(d), "ORGANIZATION") => format!(
                    "it is an Organization API token: use `astro organization token …`; {}",
                    on_deployment(d, &elsewhere, "organization-token")
                ),
                (Scope::Deployment(d), "WORKSPACE") => format!(
                    "it is a Workspace API token: use `astro workspace token …` with --workspace-id {}; {}",
                    elsewhere.own_workspace().unwrap_or("WORKSPACE"),
                    on_deployment(d, &elsewhere, "workspace-token")
                ),
                (_, "WORKSPACE") => format!(
                    "it is a Workspace API token: use `astro workspace token …` with --workspace-id {}",
                    elsewhere.own_workspace().unwrap_or("WORKSPACE")
                ),
                (_, "DEPLOYMENT") => format!(
                    "it is a Deployment API token: use `astro deployment token …` with --deployment-id {}",
                    elsewhere.own_deployment().unwrap_or("DEPLOYMENT")
                ),
                _ => "use the commands of its scope".to_owned(),
            };
            Err(CliError::usage(format!(
                "`{}` names API token `{}`, which is not {} and cannot be used here",
                echo(arg),
                elsewhere.id,
                match scope {
                    Scope::Organization => "an Organization API token",
                    Scope::Workspace(_) => "one of this Workspace's own tokens",
                    Scope::Deployment(_) => "one of this Deployment's own tokens",
                }
            ))
            .with_hint(hint))
        }
    }
}

/// How a wider token's role on Deployment `d` is given (`add`) or changed and taken away
/// (`update`, `remove`), with the commands of `group` (`organization-token`, `workspace-token`).
fn on_deployment(d: &Deployment, token: &ApiToken, group: &str) -> String {
    if token.role_on("DEPLOYMENT", &d.id).is_some() {
        format!(
            "its role on this Deployment changes with `astro deployment token {group} update|remove {} --deployment-id {}`",
            token.id, d.id
        )
    } else {
        format!(
            "it gets a role on this Deployment with `astro deployment token {group} add {} --deployment-id {}`",
            token.id, d.id
        )
    }
}

/// The token `arg` names: `Ok(token)` among those this scope may touch; else `Err(token)`, one
/// of another scope that `arg` names (for a precise refusal). Named by neither: exit 3 (or 2
/// when it is ambiguous).
pub async fn locate(
    client: &Client,
    org: &str,
    arg: &str,
    scope: &Scope,
) -> Result<Result<ApiToken, ApiToken>, CliError> {
    let all = client.list_api_tokens(org, scope.filter()).await?;
    let (own, mut other): (Vec<ApiToken>, Vec<ApiToken>) =
        all.into_iter().partition(|t| scope.owns(t));
    let err = match lookup::find(&own, arg, scope.kind()) {
        Ok(token) => return Ok(Ok(token.clone())),
        Err(err) if err.exit == Exit::NotFound => err,
        Err(err) => return Err(err),
    };
    // Not among this scope's tokens: one of another scope is named, for a precise refusal;
    // first among the wider tokens with a role here, then among all (when they may be listed).
    if let Ok(elsewhere) = lookup::find(&other, arg, scope.kind()) {
        return Ok(Err(elsewhere.clone()));
    }
    if matches!(scope, Scope::Organization) {
        return Err(err);
    }
    other = match client.list_api_tokens(org, TokenFilter::All).await {
        Ok(all) => all,
        Err(e) if e.status() == Some(403) => return Err(err),
        Err(e) => return Err(e.into()),
    };
    other.retain(|t| !scope.owns(t));
    match lookup::find(&other, arg, scope.kind()) {
        Ok(elsewhere) => Ok(Err(elsewhere.clone())),
        Err(_) => Err(err),
    }
}

/// The token `arg` names in `scope`, or (none given, on a terminal) one picked from the scope's
/// tokens. Off a terminal a missing TOKEN is exit 2 (see [`require`]).
pub async fn named_or_picked(
    ctx: &mut Ctx,
    arg: Option<&str>,
    scope: &Scope,
    prompt: &str,
) -> Result<ApiToken, CliError> {
    let (client, org) = ctx.api().await?;
    if let Some(arg) = arg {
        return find(client, org, arg, scope).await;
    }
    let org = org.to_owned();
    let spinner = output::Spinner::start(format!("Listing the {}s…", scope.kind().noun));
    let tokens = list(client, &org, scope).await?;
    drop(spinner);
    if tokens.is_empty() {
        let (message, create) = match scope {
            Scope::Organization => (
                "the Organization has no Organization API tokens".to_owned(),
                "astro organization token create",
            ),
            Scope::Workspace(ws) => (
                format!(
                    "Workspace `{}` has no API tokens of its own",
                    crate::text::cell(&ws.name)
                ),
                "astro workspace token create",
            ),
            Scope::Deployment(d) => (
                format!(
                    "Deployment `{}` has no API tokens of its own",
                    crate::text::cell(&d.name)
                ),
                "astro deployment token create",
            ),
        };
        return Err(CliError::not_found(message).with_hint(format!("create one with `{create}`")));
    }
    let noun = scope.kind().noun;
    pick(
        ctx,
        tokens,
        prompt,
        || missing(noun),
        |t| scope.role_of(t, &org).map(str::to_owned),
    )
}

/// The error for a missing TOKEN off a terminal.
pub fn missing(noun: &str) -> CliError {
    CliError::missing(
        &format!("the {noun}"),
        "its name or ID as the TOKEN argument",
    )
}

/// Off a terminal a missing TOKEN (and, for a Deployment command, a missing Deployment) is
/// exit 2, before any request.
pub fn require(ctx: &Ctx, arg: Option<&str>, level: Level) -> Result<(), CliError> {
    if arg.is_none() && ctx.prompter.is_none() {
        return Err(missing(level.noun()));
    }
    if level == Level::Deployment {
        crate::deployments::require(ctx)?;
    }
    Ok(())
}

/// The level a token command works at, known before any request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Organization,
    Workspace,
    Deployment,
}

impl Level {
    pub fn noun(self) -> &'static str {
        match self {
            Level::Organization => "Organization API token",
            Level::Workspace => "Workspace API token",
            Level::Deployment => "Deployment API token",
        }
    }

    /// The scope: the Organization, the Workspace of `--workspace-id` (or the current one), or
    /// the Deployment of `--deployment-id` (picked on a terminal when missing).
    pub async fn scope(self, ctx: &mut Ctx) -> Result<Scope, CliError> {
        Ok(match self {
            Level::Organization => Scope::Organization,
            Level::Workspace => Scope::Workspace(crate::workspaces::current(ctx).await?),
            Level::Deployment => Scope::Deployment(crate::deployments::current(ctx).await?),
        })
    }
}

/// The guard every change passes right before its write: the token (as just read) is one this
/// scope may touch. An Organization token can never be changed or deleted by a Workspace or
/// Deployment command, nor a Workspace token by a Deployment command.
pub fn ensure_owned(scope: &Scope, token: &ApiToken) -> Result<(), CliError> {
    if scope.owns(token) {
        return Ok(());
    }
    Err(match scope {
        Scope::Organization => CliError::usage(format!(
            "API token `{}` is not an Organization API token",
            token.id
        ))
        .with_hint("use `astro workspace token …` for a Workspace's own tokens"),
        Scope::Workspace(ws) => CliError::usage(format!(
            "API token `{}` is not a token of Workspace `{}`",
            token.id,
            crate::text::cell(&ws.name)
        ))
        .with_hint("use `astro organization token …` for Organization API tokens"),
        Scope::Deployment(d) => CliError::usage(format!(
            "API token `{}` is not a token of Deployment `{}`",
            token.id,
            crate::text::cell(&d.name)
        ))
        .with_hint(
            "use `astro organization token …` or `astro workspace token …` for Organization and Workspace API tokens",
        ),
    })
}

/// One of `tokens`, picked on the terminal: rows of name, `role` (the role that matters here,
/// `-` for none), expiry and ID; on a narrow terminal the expiry and ID are cut first, so that
/// the name and role stay whole. Without a terminal: `missing()`.
pub fn pick(
    ctx: &mut Ctx,
    tokens: Vec<ApiToken>,
    prompt: &str,
    missing: impl FnOnce() -> CliError,
    role: impl Fn(&ApiToken) -> Option<String>,
) -> Result<ApiToken, CliError> {
    let now = crate::time::now_unix();
    let rows: Vec<Vec<String>> = tokens
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                role(t).unwrap_or_else(|| "-".to_owned()),
                crate::time::expiry(t.end_at.as_deref(), now),
                t.id.clone(),
            ]
        })
        .collect();
    let prompter = ctx.prompter.as_mut().ok_or_else(missing)?;
    let index = prompter.pick(&crate::prompt::PickList {
        prompt,
        rows: &rows,
        default: 0,
        noun: ("API token", "API tokens"),
        cut_first: &[false, false, true, true],
    })?;
    Ok(tokens.into_iter().nth(index).expect("an index of the list"))
}

/// The ID of the API token the CLI is using right now, if it is one.
pub fn in_use(ctx_token: &str) -> Option<String> {
    let claims = Claims::parse(ctx_token).ok()?;
    claims
        .permissions
        .iter()
        .flatten()
        .find_map(|p| p.strip_prefix("apiTokenId:"))
        .map(str::to_owned)
        .or_else(|| claims.sub.clone().filter(|_| !claims.is_login()))
}

/// Whether `token` is the one this run authenticates with.
pub async fn is_in_use(ctx: &mut Ctx, token: &ApiToken) -> Result<bool, CliError> {
    let session = ctx.session().await?;
    Ok(in_use(session.token.expose()).as_deref() == Some(token.id.as_str()))
}

/// A token as the commands show it (no secret): the Go CLI's keys and more.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub scope: String,
    /// The role on the command's scope (in a Workspace listing, the role in that Workspace).
    pub role: Option<String>,
    /// The API's `endAt`; null when it never expires.
    pub expires_at: Option<String>,
    pub created_at: String,
    /// The creator's email, or a token's name.
    pub created_by: Option<String>,
    pub last_used_at: Option<String>,
}

impl TokenView {
    pub fn new(token: &ApiToken, role: Option<&str>) -> Self {
        Self {
            id: token.id.clone(),
            name: token.name.clone(),
            description: token.description.clone(),
            scope: token.scope.clone(),
            role: role.map(str::to_owned),
            expires_at: token.end_at.clone(),
            created_at: token.created_at.clone(),
            created_by: token.created_by().map(str::to_owned),
            last_used_at: token.last_used_at.clone(),
        }
    }
}

/// How a new secret is printed.
#[derive(Debug, Clone, Copy)]
pub struct SecretOutput {
    /// `--clean-output`: the value alone, for `TOKEN=$(astro …)`.
    pub clean: bool,
    pub json: bool,
}

/// A created or rotated token, as `--json` prints it: the view and the secret.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithSecret<'a> {
    #[serde(flatten)]
    view: &'a TokenView,
    token: &'a str,
    changed: bool,
}

/// Prints a new secret exactly once: alone (`--clean-output`), as the `token` key (`--json`),
/// or after a line on stderr saying it will not be shown again. A secret that could not be
/// printed (stdout closed) is a failure saying the token must be rotated again: it is gone.
pub fn print_secret(
    ctx: &Ctx,
    token: &ApiToken,
    view: &TokenView,
    how: SecretOutput,
    rotate_command: &str,
) -> Result<(), CliError> {
    let Some(secret) = token.token.as_ref() else {
        return Err(
            CliError::failure(format!("the API sent no value for token `{}`", token.id))
                .with_hint(format!("rotate it to get one: `{rotate_command}`")),
        );
    };
    let printed = if how.clean {
        output::data(&format!("{}\n", secret.expose()))
    } else if ctx.wants_json(how.json) {
        ctx.print_json(&WithSecret {
            view,
            token: secret.expose(),
            changed: true,
        })
    } else {
        output::note(&format!(
            "The value of API token {} ({}) follows. It is shown now and never again: store it.",
            crate::text::cell(&token.name),
            token.id
        ));
        output::data(&format!("{}\n", secret.expose()))
    };
    printed.map_err(|e| {
        let why = if e.exit == Exit::Success {
            "standard output was closed".to_owned()
        } else {
            e.message
        };
        CliError::failure(format!(
            "API token `{}` has a new value, but it could not be printed ({why}); it is lost",
            token.id
        ))
        .with_hint(format!(
            "rotate it again to get a value: `{rotate_command}`"
        ))
    })
}

/// A lost secret (the answer to a create or rotate never arrived) as the user sees it.
pub fn secret_lost(err: crate::api::ApiError, rotate_command: &dyn Fn(&str) -> String) -> CliError {
    match err {
        crate::api::ApiError::SecretLost { ref token_id, .. } => {
            let hint = format!("rotate it to get a value: `{}`", rotate_command(token_id));
            CliError::failure(err.to_string()).with_hint(hint)
        }
        other => other.into(),
    }
}

/// What `create` makes.
pub struct NewToken<'a> {
    pub name: Option<&'a str>,
    pub description: &'a str,
    /// The role, as the API names it (already checked); `None`: ask on a terminal, else the
    /// default.
    pub role: Option<&'a str>,
    pub default_role: &'a str,
    /// Every role of the scope, for the question.
    pub roles: Vec<&'a str>,
    pub expiration_days: Option<u32>,
    pub output: SecretOutput,
    pub dry_run: bool,
}

/// The error for a missing NAME off a terminal.
fn missing_name() -> CliError {
    CliError::missing("the token's name", "it as the NAME argument")
}

/// Off a terminal a missing NAME is exit 2, before any request.
pub fn require_name(ctx: &Ctx, name: Option<&str>) -> Result<(), CliError> {
    if name.is_none() && ctx.prompter.is_none() {
        return Err(missing_name());
    }
    Ok(())
}

/// What a dry run of `create` would make.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlannedToken<'a> {
    name: &'a str,
    description: &'a str,
    scope: &'a str,
    role: &'a str,
    expiration_days: Option<u32>,
    dry_run: bool,
}

/// `organization|workspace|deployment token create`: checks the name (unique among the scope's
/// tokens, ignoring case) and the role, creates the token (never twice), and prints its secret
/// once.
pub async fn create(ctx: &mut Ctx, scope: &Scope, new: NewToken<'_>) -> Result<(), CliError> {
    let name = match (new.name.map(str::trim), ctx.prompter.as_mut()) {
        (Some(""), _) => return Err(CliError::usage("the token's name is empty")),
        (Some(name), _) => name.to_owned(),
        (None, Some(prompter)) => prompter.input("Name of the new API token", &|text| {
            if text.trim().is_empty() {
                Err("a name is required".to_owned())
            } else {
                Ok(())
            }
        })?,
        (None, None) => return Err(missing_name()),
    };
    let role = match (new.role, ctx.prompter.as_mut()) {
        (Some(role), _) => role,
        (None, Some(prompter)) => {
            let items: Vec<String> = new.roles.iter().map(|r| (*r).to_owned()).collect();
            let start = new
                .roles
                .iter()
                .position(|r| *r == new.default_role)
                .unwrap_or(0);
            new.roles[prompter.select(&format!("Role of API token {name}"), &items, start)?]
        }
        (None, None) => new.default_role,
    };
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    let all = client.list_api_tokens(&org, TokenFilter::All).await?;
    let folded = name.to_lowercase();
    if let Some(taken) = all
        .iter()
        .find(|t| scope.owns(t) && t.name.to_lowercase() == folded)
    {
        return Err(CliError::failure(format!(
            "another {} is named `{}` (`{}`)",
            scope.kind().noun,
            crate::text::cell(&taken.name),
            taken.id
        ))
        .with_hint("tokens are named by their names here: choose another, or rotate that one"));
    }
    let (scope_name, entity_id) = match scope {
        Scope::Organization => ("ORGANIZATION", None),
        Scope::Workspace(ws) => ("WORKSPACE", Some(ws.id.as_str())),
        Scope::Deployment(d) => ("DEPLOYMENT", Some(d.id.as_str())),
    };
    if new.dry_run {
        let plan = PlannedToken {
            name: &name,
            description: new.description,
            scope: scope_name,
            role,
            expiration_days: new.expiration_days,
            dry_run: true,
        };
        if ctx.wants_json(new.output.json) {
            return ctx.print_json(&plan);
        }
        return output::line(&format!(
            "Would create {} {name} with the role {role}, {} (dry run: nothing sent)",
            scope.kind().noun,
            match new.expiration_days {
                Some(days) => format!("expiring in {days} days"),
                None => "never expiring".to_owned(),
            }
        ));
    }
    let existing: Vec<String> = all
        .iter()
        .filter(|t| t.name == name)
        .map(|t| t.id.clone())
        .collect();
    let input = crate::api::NewApiToken {
        name: &name,
        description: new.description,
        scope: scope_name,
        role,
        entity_id,
        token_expiry_period_in_days: new.expiration_days,
    };
    let rotate = |id: &str| rotate_command(scope, id);
    let (client, _) = ctx.api().await?;
    let created = client
        .create_api_token(&org, &input, &existing)
        .await
        .map_err(|e| secret_lost(e, &rotate))?;
    let view = TokenView::new(&created, Some(role));
    print_secret(ctx, &created, &view, new.output, &rotate(&created.id))
}

/// The command that rotates token `id` in `scope`.
fn rotate_command(scope: &Scope, id: &str) -> String {
    match scope {
        Scope::Organization => format!("astro organization token rotate {id}"),
        Scope::Workspace(ws) => {
            format!("astro workspace token rotate {id} --workspace-id {}", ws.id)
        }
        Scope::Deployment(d) => {
            format!(
                "astro deployment token rotate {id} --deployment-id {}",
                d.id
            )
        }
    }
}

/// `organization|workspace|deployment token rotate`: confirms (warning when it is the
/// token in use), rotates once, and prints the new secret once.
pub async fn rotate(
    ctx: &mut Ctx,
    scope: &Scope,
    token: ApiToken,
    force: bool,
    dry_run: bool,
    how: SecretOutput,
) -> Result<(), CliError> {
    let in_use = is_in_use(ctx, &token).await?;
    let (_, org) = ctx.api().await?;
    let org = org.to_owned();
    let view = TokenView::new(&token, scope.role_of(&token, &org));
    let name = crate::text::cell(&token.name);
    let warning = if in_use {
        " It is the token this command is using: wherever it is kept (ASTRO_API_TOKEN, a CI secret, the config file) must be updated afterwards."
    } else {
        ""
    };
    if dry_run {
        if ctx.wants_json(how.json) {
            #[derive(Serialize)]
            #[serde(rename_all = "camelCase")]
            struct Planned<'a> {
                #[serde(flatten)]
                view: &'a TokenView,
                in_use: bool,
                dry_run: bool,
            }
            return ctx.print_json(&Planned {
                view: &view,
                in_use,
                dry_run: true,
            });
        }
        let stop = if in_use { "." } else { "" };
        return output::line(&format!(
            "Would rotate API token {name} ({}){stop}{warning} (dry run: nothing sent)",
            token.id
        ));
    }
    if in_use && force {
        output::note(&format!(
            "warning: API token {name} is the token this command is using; after the rotation ASTRO_API_TOKEN must be updated"
        ));
    }
    confirm::ask(
        ctx,
        force,
        &format!("Rotate API token {name}? Its current value stops working at once.{warning}"),
    )?;
    let rotate = |id: &str| rotate_command(scope, id);
    let (client, _) = ctx.api().await?;
    let rotated = client
        .rotate_api_token(&org, &token.id)
        .await
        .map_err(|e| secret_lost(e, &rotate))?;
    print_secret(ctx, &rotated, &view, how, &rotate(&token.id))?;
    if in_use {
        output::note(
            "note: the token in use was rotated: set ASTRO_API_TOKEN to the new value (or store it with `astro login --token-login -`)",
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine;

    #[test]
    fn the_token_in_use_is_read_from_its_claims() {
        let jwt = |payload: &str| {
            format!(
                "e30.{}.sig",
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload)
            )
        };
        assert_eq!(
            super::in_use(&jwt(
                r#"{"sub":"ct1","permissions":["apiTokenId:ct1","organizationId:co"]}"#
            ))
            .as_deref(),
            Some("ct1")
        );
        assert_eq!(
            super::in_use(&jwt(r#"{"sub":"ct2","permissions":["organizationId:co"]}"#)).as_deref(),
            Some("ct2")
        );
        assert_eq!(
            super::in_use(&jwt(r#"{"sub":"user1"}"#)),
            None,
            "a login is no API token"
        );
    }
}
