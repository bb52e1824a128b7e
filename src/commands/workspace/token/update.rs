//! `astro workspace token update [TOKEN]`: change one of the Workspace's own API tokens: its
//! name, description or Workspace role. Everything is checked before the first write (a bad
//! role, a name too long or taken by another of the Workspace's tokens: nothing sent); nothing
//! is sent when nothing changes. The role goes through UpdateApiTokenRoles with the token's
//! complete role list as read right before (GetApiToken), only its Workspace entry changed;
//! the name and description through UpdateApiToken, which requires the name (the current one
//! is sent when only the description changes). An Organization token is never changed here.

use serde::Serialize;

use crate::api::ApiToken;
use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::output;
use crate::roles::{Role, RoleParser, WorkspaceRole};
use crate::token_roles::{self, Entry};
use crate::tokens::{self, Scope};

/// The API's limits (UpdateApiTokenRequest).
const NAME_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 500;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Only what is given changes. Only the Workspace's own tokens: an Organization API \
                  token's role in the Workspace changes with `astro workspace token update-role`.\n\n\
                  Examples:\n  astro workspace token update \"Analytics reporting\" --role operator --workspace-id Analytics\n  \
                  astro wo to up clrj1j5s0000002l8qgdd6wpp -n \"Reports\" -d \"Publishes the weekly reports\" --json"
)]
pub struct UpdateArgs {
    /// The token's name (any case when only one of the Workspace's tokens has it) or ID; picked
    /// from the Workspace's tokens on a terminal when missing
    #[arg(value_name = "TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// A new name (no other token of the Workspace may have it, ignoring case)
    #[arg(short, long, value_name = "NEW", value_parser = name_value)]
    pub name: Option<String>,

    /// A new description (`""` empties it)
    #[arg(short, long, value_name = "TEXT")]
    pub description: Option<String>,

    /// A new Workspace role (any case, or a short name such as `operator`) [possible values:
    /// WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER,
    /// WORKSPACE_ACCESSOR]
    #[arg(short, long, value_parser = RoleParser::<WorkspaceRole>::new(), value_name = "WORKSPACE_ROLE", hide_possible_values = true)]
    pub role: Option<WorkspaceRole>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

/// A token's fields as `update` reports them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    name: String,
    description: String,
    /// Its role in the Workspace.
    role: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateOutcome {
    id: String,
    workspace_id: String,
    workspace_name: String,
    #[serde(flatten)]
    fields: Fields,
    previous: Fields,
    changed: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    dry_run: bool,
}

/// Checks the flags before anything is sent.
fn check(args: &UpdateArgs) -> Result<(), CliError> {
    if args.name.is_none() && args.description.is_none() && args.role.is_none() {
        return Err(CliError::usage("nothing to update")
            .with_hint("pass --name NEW, --description TEXT or --role WORKSPACE_ROLE"));
    }
    if let Some(name) = &args.name
        && name.chars().count() > NAME_MAX
    {
        return Err(CliError::usage(format!(
            "the name is {} characters long; an API token's name may have at most {NAME_MAX}",
            name.chars().count()
        )));
    }
    if let Some(description) = &args.description
        && description.chars().count() > DESCRIPTION_MAX
    {
        return Err(CliError::usage(format!(
            "the description is {} characters long; an API token's may have at most {DESCRIPTION_MAX}",
            description.chars().count()
        )));
    }
    Ok(())
}

pub async fn run(args: UpdateArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    check(&args)?;
    if args.token.is_none() && ctx.prompter.is_none() {
        return Err(super::missing_token());
    }
    let (workspace, listed) =
        super::own_token(ctx, args.token.as_deref(), "API token to update").await?;
    // A rename is checked against the Workspace's other tokens before anything is sent.
    if let Some(name) = args.name.as_deref().filter(|n| *n != listed.name) {
        let (client, org) = ctx.api().await?;
        let own = tokens::list(client, org, &Scope::Workspace(workspace.clone())).await?;
        check_unique(&own, name, &listed.id)?;
    }
    // A role change needs the token's roles as they are right before the write.
    let token = match args.role {
        Some(role) if listed.role_on("WORKSPACE", &workspace.id) != Some(role.as_str()) => {
            let (client, org) = ctx.api().await?;
            let token = token_roles::read(client, org, &listed.id).await?;
            super::ensure_own(&workspace, &token)?;
            token
        }
        _ => listed,
    };
    let previous = Fields {
        name: token.name.clone(),
        description: token.description.clone(),
        role: token.role_on("WORKSPACE", &workspace.id).map(str::to_owned),
    };
    let wanted = Fields {
        name: args.name.clone().unwrap_or_else(|| previous.name.clone()),
        description: args
            .description
            .clone()
            .unwrap_or_else(|| previous.description.clone()),
        role: args
            .role
            .map(|r| r.as_str().to_owned())
            .or_else(|| previous.role.clone()),
    };
    let fields_change = wanted.name != previous.name || wanted.description != previous.description;
    let role_change = wanted.role != previous.role;
    let mut outcome = UpdateOutcome {
        id: token.id.clone(),
        workspace_id: workspace.id.clone(),
        workspace_name: workspace.name.clone(),
        fields: wanted,
        previous,
        changed: false,
        dry_run: args.dry_run,
    };
    if args.dry_run || !(fields_change || role_change) {
        return print(ctx, &outcome, args.json);
    }
    let (client, org) = ctx.api().await?;
    // The role first: its read was the last request.
    if let (true, Some(role)) = (role_change, outcome.fields.role.as_deref()) {
        let hint = format!(
            "check its roles with `astro workspace token get {} --workspace-id {}`",
            token.id, workspace.id
        );
        outcome.changed |= token_roles::write(
            client,
            org,
            &token,
            Entry::workspace(&workspace.id, Some(role)),
            &hint,
        )
        .await?;
    }
    if fields_change {
        let (name, description) = (&outcome.fields.name, &outcome.fields.description);
        let updated = client
            .update_api_token(org, &token.id, name, description)
            .await
            .map_err(|e| {
                let err = CliError::from(e);
                if outcome.changed {
                    CliError {
                        message: format!(
                            "the Workspace role was changed, but the name and description were not: {}",
                            err.message
                        ),
                        ..err
                    }
                } else {
                    err
                }
            })?;
        outcome.changed = true;
        if updated.name != *name || updated.description != *description {
            return Err(CliError::failure(format!(
                "the API answered with another name or description for API token `{}` than was sent",
                token.id
            ))
            .with_hint(format!(
                "check it with `astro workspace token get {} --workspace-id {}`",
                token.id, workspace.id
            )));
        }
    }
    print(ctx, &outcome, args.json)
}

/// Refuses (exit 1) a name another of the Workspace's tokens has, ignoring case: tokens are
/// addressed by name here.
fn check_unique(own: &[ApiToken], name: &str, except: &str) -> Result<(), CliError> {
    let folded = name.to_lowercase();
    match own
        .iter()
        .find(|t| t.id != except && t.name.to_lowercase() == folded)
    {
        Some(other) => Err(CliError::failure(format!(
            "the name `{}` is taken by API token {} (`{}`) of this Workspace, ignoring case",
            echo(name),
            crate::text::cell(&other.name),
            other.id
        ))
        .with_hint(
            "choose another name: `astro` addresses tokens by name, so it keeps a Workspace's token names unique, ignoring case",
        )),
        None => Ok(()),
    }
}

fn print(ctx: &Ctx, outcome: &UpdateOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    let (now, was) = (&outcome.fields, &outcome.previous);
    let what = format!("API token {} ({})", was.name, outcome.id);
    let mut changes = Vec::new();
    if now.name != was.name {
        changes.push(format!("name {} -> {}", was.name, now.name));
    }
    if now.description != was.description {
        changes.push(format!(
            "description {:?} -> {:?}",
            was.description, now.description
        ));
    }
    if now.role != was.role {
        let role = |r: &Option<String>| r.clone().unwrap_or_else(|| "none".to_owned());
        changes.push(format!(
            "role in Workspace {} {} -> {}",
            outcome.workspace_name,
            role(&was.role),
            role(&now.role)
        ));
    }
    if changes.is_empty() {
        return output::line(&format!("{what} is already as asked; nothing changed"));
    }
    let changes = changes.join(", ");
    output::line(&if outcome.dry_run {
        format!("Would update {what}: {changes} (dry run: nothing sent)")
    } else {
        format!("Updated {what}: {changes}")
    })
}
