//! API tokens, as every token command sees them: naming one (its ID, exact name, or name in any
//! case when only one token has it) among the tokens a command may touch (an Organization
//! command: Organization tokens; a Workspace command: that Workspace's own tokens), their JSON
//! shape, recognising the token the CLI itself is using, and printing a secret exactly once.

use serde::Serialize;

use crate::api::{ApiToken, Client, TokenFilter, Workspace};
use crate::context::Ctx;
use crate::error::{CliError, Exit, echo};
use crate::jwt::Claims;
use crate::lookup::{self, Kind, Named};
use crate::output;

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
        }
    }

    /// Whether a command of this scope may touch `token`.
    pub fn owns(&self, token: &ApiToken) -> bool {
        match self {
            Scope::Organization => token.scope == "ORGANIZATION",
            Scope::Workspace(ws) => token.own_workspace() == Some(ws.id.as_str()),
        }
    }

    /// The listing that holds this scope's tokens (and, for a Workspace, the Organization tokens
    /// with a role in it).
    fn filter(&self) -> TokenFilter<'_> {
        match self {
            Scope::Organization => TokenFilter::All,
            Scope::Workspace(ws) => TokenFilter::InWorkspace(&ws.id),
        }
    }

    /// The token's role on this scope: its Organization role, or its role in the Workspace.
    pub fn role_of<'a>(&self, token: &'a ApiToken, organization_id: &str) -> Option<&'a str> {
        match self {
            Scope::Organization => token.role_on("ORGANIZATION", organization_id),
            Scope::Workspace(ws) => token.role_on("WORKSPACE", &ws.id),
        }
    }
}

/// The tokens this scope's commands may touch, with one listing.
pub async fn list(client: &Client, org: &str, scope: &Scope) -> Result<Vec<ApiToken>, CliError> {
    let all = client.list_api_tokens(org, scope.filter()).await?;
    Ok(all.into_iter().filter(|t| scope.owns(t)).collect())
}

/// The token `arg` names among those this scope may touch. One of another scope is exit 2,
/// with a hint to use that scope's commands (a Workspace command can never touch an
/// Organization token).
pub async fn find(
    client: &Client,
    org: &str,
    arg: &str,
    scope: &Scope,
) -> Result<ApiToken, CliError> {
    let all = client.list_api_tokens(org, scope.filter()).await?;
    let (own, other): (Vec<ApiToken>, Vec<ApiToken>) = all.into_iter().partition(|t| scope.owns(t));
    match lookup::find(&own, arg, scope.kind()) {
        Ok(token) => Ok(token.clone()),
        Err(err) if err.exit == Exit::NotFound => {
            let Ok(elsewhere) = lookup::find(&other, arg, scope.kind()) else {
                return Err(err);
            };
            let (what, hint) = match elsewhere.scope.as_str() {
                "ORGANIZATION" => (
                    "an Organization API token",
                    "use `astro organization token …`; its role in this Workspace changes with `astro workspace token update-role` or `remove`",
                ),
                "WORKSPACE" => (
                    "a Workspace API token",
                    "use `astro workspace token …` with its Workspace's --workspace-id",
                ),
                _ => ("a token of another scope", "use the commands of its scope"),
            };
            Err(CliError::usage(format!(
                "`{}` is {what} (`{}`), not one this command may change",
                echo(arg),
                elsewhere.id
            ))
            .with_hint(hint))
        }
        Err(err) => Err(err),
    }
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
