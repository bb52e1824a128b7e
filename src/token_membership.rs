//! A wider API token's role in one Workspace or on one Deployment: an Organization token's
//! (`workspace token add|update-role|remove`, the Go CLI's `workspace token organization-token
//! add|update|remove`, and `deployment token organization-token add|update|remove`), or a
//! Workspace token's on one of its Workspace's Deployments (`deployment token workspace-token
//! add|update|remove`). The place and the token found (the token by ID or name among the tokens
//! of that kind, or a pick-list), the token read right before the write (see `token_roles`: its
//! complete role list goes back with that one entry added, changed or removed), the role checked
//! against the place's roles (the five Workspace roles, or the Deployment's catalogue), and the
//! outcome each such command reports.

use serde::Serialize;

use crate::api::{ApiToken, TokenFilter, Workspace};
use crate::confirm;
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::membership::{self, Roles, ask_named_role};
use crate::output;
use crate::place::{Level, Place, PlaceKeys};
use crate::text;
use crate::token_roles::{self, Entry};
use crate::tokens::{self, Scope};
use crate::workspaces;

/// Which tokens a command gives a role to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// The Organization's own (ORGANIZATION-scoped) tokens, in a Workspace or on a Deployment.
    Organization,
    /// A Workspace's own (WORKSPACE-scoped) tokens, on one of that Workspace's Deployments.
    Workspace,
}

impl TokenKind {
    pub fn noun(self) -> &'static str {
        match self {
            TokenKind::Organization => "Organization API token",
            TokenKind::Workspace => "Workspace API token",
        }
    }

    /// The token argument's name in help and errors.
    pub fn arg(self) -> &'static str {
        match self {
            TokenKind::Organization => "ORG_TOKEN",
            TokenKind::Workspace => "WORKSPACE_TOKEN",
        }
    }

    /// The error for a missing token argument off a terminal.
    pub fn missing(self) -> CliError {
        CliError::missing(
            &format!("the {}", self.noun()),
            &format!("its name or ID as the {} argument", self.arg()),
        )
    }

    /// Whether `token` is of this kind and may hold a role in `place` (a Workspace token only on
    /// its own Workspace's Deployments).
    fn fits(self, token: &ApiToken, place: &Place) -> bool {
        match self {
            TokenKind::Organization => token.scope == "ORGANIZATION",
            TokenKind::Workspace => token.own_workspace() == Some(workspace_id(place)),
        }
    }
}

/// The Workspace a place is or lies in.
fn workspace_id(place: &Place) -> &str {
    match place {
        Place::Workspace(w) => &w.id,
        Place::Deployment(d) => &d.workspace_id,
    }
}

/// The Workspace a place is or lies in, as far as naming it goes (a Deployment's Workspace by
/// its ID when the API gave no name).
fn workspace_of(place: &Place) -> Workspace {
    match place {
        Place::Workspace(w) => w.clone(),
        Place::Deployment(d) => Workspace {
            id: d.workspace_id.clone(),
            name: d
                .workspace_name
                .clone()
                .unwrap_or_else(|| d.workspace_id.clone()),
            description: None,
            cicd_enforced_default: false,
        },
    }
}

/// The entity type of a role held in `place`.
fn entity_type(level: Level) -> &'static str {
    match level {
        Level::Workspace => "WORKSPACE",
        Level::Deployment => "DEPLOYMENT",
    }
}

/// The token's role in `place`, as read.
pub fn role_in<'t>(token: &'t ApiToken, place: &Place) -> Option<&'t str> {
    token.role_on(entity_type(place.level()), place.id())
}

/// The command that does `verb` (`add`, `update`) for `kind` in `place`, for hints.
fn command(
    kind: TokenKind,
    place: &Place,
    verb: &str,
    token_id: &str,
    role: Option<&str>,
) -> String {
    let role = role.map(|r| format!(" --role {r}")).unwrap_or_default();
    match (place, kind) {
        (Place::Workspace(w), _) => {
            let verb = if verb == "update" {
                "update-role"
            } else {
                verb
            };
            format!(
                "astro workspace token {verb} {token_id}{role} --workspace-id {}",
                w.id
            )
        }
        (Place::Deployment(d), TokenKind::Organization) => format!(
            "astro deployment token organization-token {verb} {token_id}{role} --deployment-id {}",
            d.id
        ),
        (Place::Deployment(d), TokenKind::Workspace) => format!(
            "astro deployment token workspace-token {verb} {token_id}{role} --deployment-id {}",
            d.id
        ),
    }
}

/// What a command on a token's role in a Workspace or on a Deployment did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenMembershipOutcome {
    pub id: String,
    pub name: String,
    #[serde(flatten)]
    pub place: PlaceKeys,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
    #[serde(skip)]
    shown: String,
}

impl TokenMembershipOutcome {
    pub fn planned(token: &ApiToken, place: &Place, role: Option<&str>, dry_run: bool) -> Self {
        Self {
            id: token.id.clone(),
            name: token.name.clone(),
            place: place.keys(),
            previous_role: role_in(token, place).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
            shown: place.shown(),
        }
    }
}

/// The place and the token, the token as read right before a write; for `add` and `update`
/// the place's roles (read before the token) and the role flag checked against them.
pub struct Target {
    pub place: Place,
    pub token: ApiToken,
    roles: Option<Roles>,
    role_flag: Option<String>,
}

/// What [`target`] looks for.
struct Wanted<'a> {
    level: Level,
    kind: TokenKind,
    token: Option<&'a str>,
    candidates: Candidates,
    prompt: &'a str,
    /// Read the place's roles (and check `role_flag` against them) before the token.
    roles: bool,
    role_flag: Option<&'a str>,
}

/// Which tokens a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Those without a role there (`add`).
    NotThere,
    /// Those with a role there (`update`, `remove`).
    There,
}

/// Finds the place and the token (named: among the tokens of `kind`, looked up at the same
/// time as a Workspace; a Deployment is found first, as it may be picked; missing: picked on a
/// terminal from `candidates`), reads the place's roles when asked (a Deployment's: one
/// ListRoles) and checks the role flag, then reads the token (GetApiToken) last, so that a
/// write follows its read by one round trip.
async fn target(ctx: &mut Ctx, wanted: Wanted<'_>) -> Result<Target, CliError> {
    let Wanted {
        level,
        kind,
        token: token_arg,
        candidates,
        prompt,
        ..
    } = wanted;
    let (place, listed) = match (level, token_arg) {
        (Level::Workspace, Some(arg)) => {
            let (value, source) = workspaces::selected(ctx)
                .await?
                .ok_or_else(workspaces::missing)?;
            let (client, org) = ctx.api().await?;
            let (workspace, token) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                tokens::find(client, org, arg, &Scope::Organization)
            );
            (Place::Workspace(workspace?), token?)
        }
        (Level::Deployment, Some(arg)) => {
            let place = membership::place(ctx, level).await?;
            let scope = match kind {
                TokenKind::Organization => Scope::Organization,
                TokenKind::Workspace => Scope::Workspace(workspace_of(&place)),
            };
            let (client, org) = ctx.api().await?;
            let token = match tokens::locate(client, org, arg, &scope).await? {
                Ok(token) => token,
                Err(other) => return Err(refusal(kind, &place, arg, &other)),
            };
            (place, token)
        }
        (_, None) => {
            let place = membership::place(ctx, level).await?;
            let token = pick(ctx, kind, &place, candidates, prompt).await?;
            (place, token)
        }
    };
    let (roles, role_flag) = if wanted.roles {
        let roles = Roles::of(ctx, &place).await?;
        let flag = wanted.role_flag.map(|f| roles.check(f)).transpose()?;
        (Some(roles), flag)
    } else {
        (None, None)
    };
    let (client, org) = ctx.api().await?;
    let token = token_roles::read(client, org, &listed.id).await?;
    // Named among the tokens of its kind; read again: still one.
    if !kind.fits(&token, &place) {
        return Err(CliError::usage(match kind {
            TokenKind::Organization => {
                format!("API token `{}` is not an Organization API token", token.id)
            }
            TokenKind::Workspace => format!(
                "API token `{}` is not a Workspace API token of Workspace `{}`",
                token.id,
                text::cell(&workspace_of(&place).name)
            ),
        }));
    }
    Ok(Target {
        place,
        token,
        roles,
        role_flag,
    })
}

/// The role to give: the flag's (checked), else asked on a terminal among the place's roles
/// starting on `default` (or the current role), else `default` (or, with none, an error naming
/// the role flag).
fn choose(
    ctx: &mut Ctx,
    target: &Target,
    current: Option<&str>,
    default: Option<&str>,
) -> Result<String, CliError> {
    if let Some(role) = &target.role_flag {
        return Ok(role.clone());
    }
    let choices = target
        .roles
        .as_ref()
        .map(Roles::choices)
        .unwrap_or_default();
    ask_named_role(
        ctx,
        None,
        default,
        current,
        &format!(
            "{} role for API token {} in {}",
            target.place.level().noun(),
            text::cell(&target.token.name),
            text::cell(target.place.name())
        ),
        &choices,
    )
}

/// A token of another kind named on a Deployment command: exit 2, saying which commands fit it.
fn refusal(kind: TokenKind, place: &Place, arg: &str, other: &ApiToken) -> CliError {
    let workspace = workspace_of(place);
    let what = match kind {
        TokenKind::Organization => "an Organization API token".to_owned(),
        TokenKind::Workspace => format!(
            "a Workspace API token of Workspace `{}`",
            text::cell(&workspace.name)
        ),
    };
    let hint = match other.scope.as_str() {
        "ORGANIZATION" => "it is an Organization API token: use `astro deployment token organization-token add|update|remove` for it".to_owned(),
        "WORKSPACE" if other.own_workspace() == Some(workspace.id.as_str()) => {
            "it is a Workspace API token: use `astro deployment token workspace-token add|update|remove` for it".to_owned()
        }
        "WORKSPACE" => format!(
            "it is a token of another Workspace (`{}`): a Workspace API token has roles only on its own Workspace's Deployments",
            other.own_workspace().unwrap_or("unknown")
        ),
        "DEPLOYMENT" => format!(
            "it is a Deployment API token: its role on its own Deployment changes with `astro deployment token update {} --role ROLE --deployment-id {}`",
            other.id,
            other.own_deployment().unwrap_or("DEPLOYMENT")
        ),
        _ => "use the commands of its scope".to_owned(),
    };
    CliError::usage(format!(
        "`{}` names API token `{}`, which is not {what} and cannot be used here",
        echo(arg),
        other.id
    ))
    .with_hint(hint)
}

/// One of the tokens of `kind` with (or without) a role in `place`, picked on the terminal.
async fn pick(
    ctx: &mut Ctx,
    kind: TokenKind,
    place: &Place,
    candidates: Candidates,
    prompt: &str,
) -> Result<ApiToken, CliError> {
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the API tokens…");
    let filter = match (candidates, place, kind) {
        (Candidates::There, Place::Workspace(w), _) => TokenFilter::InWorkspace(&w.id),
        (Candidates::There, Place::Deployment(d), _) => TokenFilter::InDeployment(&d.id),
        (Candidates::NotThere, _, TokenKind::Organization) => TokenFilter::OrganizationOnly,
        (Candidates::NotThere, _, TokenKind::Workspace) => {
            TokenFilter::InWorkspace(workspace_id(place))
        }
    };
    let mut all = client.list_api_tokens(org, filter).await?;
    drop(spinner);
    all.retain(|t| {
        let there = role_in(t, place).is_some();
        kind.fits(t, place) && there == (candidates == Candidates::There)
    });
    if all.is_empty() {
        let where_ = format!("{} `{}`", place.level().noun(), text::cell(place.name()));
        let hint = match kind {
            TokenKind::Organization => "run `astro organization token list` to see them".to_owned(),
            TokenKind::Workspace => format!(
                "run `astro workspace token list --workspace-id {}` to see them",
                workspace_id(place)
            ),
        };
        return Err(CliError::not_found(match candidates {
            Candidates::There => format!("no {} has a role in {where_}", kind.noun()),
            Candidates::NotThere => format!("every {} already has a role in {where_}", kind.noun()),
        })
        .with_hint(hint));
    }
    let missing = move || kind.missing();
    tokens::pick(ctx, all, prompt, missing, |t| match candidates {
        Candidates::There => role_in(t, place).map(str::to_owned),
        Candidates::NotThere => {
            let own = match kind {
                TokenKind::Organization => "ORGANIZATION",
                TokenKind::Workspace => "WORKSPACE",
            };
            t.roles
                .iter()
                .flatten()
                .find(|r| r.entity_type == own)
                .map(|r| r.role.clone())
        }
    })
}

/// The target with the token read again (after a confirmation, so that the write follows its
/// read by one round trip).
async fn reread(ctx: &mut Ctx, target: Target) -> Result<Target, CliError> {
    let (client, org) = ctx.api().await?;
    let token = token_roles::read(client, org, &target.token.id).await?;
    Ok(Target { token, ..target })
}

/// How to look at a token's roles after an answer that differs from what was sent.
fn check_hint(kind: TokenKind, target: &Target) -> String {
    match kind {
        TokenKind::Organization => format!(
            "check its roles with `astro organization token roles {}`",
            target.token.id
        ),
        TokenKind::Workspace => format!(
            "check its roles with `astro workspace token get {} --workspace-id {}`",
            target.token.id,
            workspace_id(&target.place)
        ),
    }
}

/// Sets (or, with `None`, removes) the token's role in the place: its complete role list as
/// just read, with that one entry changed. Sends nothing when nothing would change.
async fn write(
    ctx: &mut Ctx,
    kind: TokenKind,
    target: &Target,
    role: Option<&str>,
) -> Result<bool, CliError> {
    let entry = match &target.place {
        Place::Workspace(w) => Entry::workspace(&w.id, role),
        Place::Deployment(d) => Entry::deployment(&d.id, role),
    };
    let hint = check_hint(kind, target);
    let (client, org) = ctx.api().await?;
    token_roles::write(client, org, &target.token, entry, &hint).await
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &TokenMembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    output::line(&membership::sentence(
        &format!("API token {}", text::cell(&outcome.name)),
        &outcome.shown,
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}

/// What one such command was asked: the place's level, the kind of token, the token argument,
/// the role flag (a Workspace role already parsed; a Deployment role checked once the
/// Deployment is known) and how the role flag is named in errors (`--role WORKSPACE_ROLE`).
pub struct Request<'a> {
    pub level: Level,
    pub kind: TokenKind,
    pub token: Option<&'a str>,
    pub role: Option<String>,
    pub role_flag: &'a str,
    pub json: bool,
    pub dry_run: bool,
    pub force: bool,
}

/// Off a terminal, what must be on the line: the token (for `update` the role, and for a
/// Deployment the Deployment), before any request.
fn require(ctx: &Ctx, request: &Request<'_>, role_needed: bool) -> Result<(), CliError> {
    if ctx.prompter.is_none() {
        if request.token.is_none() {
            return Err(request.kind.missing());
        }
        if role_needed && request.role.is_none() {
            return Err(CliError::missing("the new role", request.role_flag));
        }
        if request.level == Level::Deployment && ctx.deployment_option().is_none() {
            return Err(crate::deployments::missing());
        }
    }
    Ok(())
}

/// `add`: gives the token a role in the place (`default_role` unless told otherwise). One
/// there with that role: nothing sent; with another: exit 1 (that is `update`'s job).
pub async fn add(ctx: &mut Ctx, request: Request<'_>, default_role: &str) -> Result<(), CliError> {
    require(ctx, &request, false)?;
    let kind = request.kind;
    let prompt = format!("{} to add", kind.noun());
    let wanted = Wanted {
        level: request.level,
        kind,
        token: request.token,
        candidates: Candidates::NotThere,
        prompt: &prompt,
        roles: true,
        role_flag: request.role.as_deref(),
    };
    let target = target(ctx, wanted).await?;
    let current = role_in(&target.token, &target.place).map(str::to_owned);
    let who = format!("API token {}", text::cell(&target.token.name));
    let role = choose(ctx, &target, current.as_deref(), Some(default_role))?;
    let mut outcome =
        TokenMembershipOutcome::planned(&target.token, &target.place, Some(&role), request.dry_run);
    match current.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            return Err(CliError::failure(format!(
                "{who} is already in {} `{}` as {current}",
                target.place.level().noun(),
                text::cell(target.place.name())
            ))
            .with_hint(format!(
                "to change its role run `{}`",
                command(kind, &target.place, "update", &outcome.id, Some(&role))
            )));
        }
        None if request.dry_run => {}
        None => outcome.changed = write(ctx, kind, &target, Some(&role)).await?,
    }
    print(ctx, &outcome, request.json)
}

/// `update`: changes the token's role in the place; a token not there is exit 3.
pub async fn update(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, true)?;
    let kind = request.kind;
    let wanted = Wanted {
        level: request.level,
        kind,
        token: request.token,
        candidates: Candidates::There,
        prompt: kind.noun(),
        roles: true,
        role_flag: request.role.as_deref(),
    };
    let target = target(ctx, wanted).await?;
    let Some(current) = role_in(&target.token, &target.place).map(str::to_owned) else {
        return Err(CliError::not_found(format!(
            "API token {} is not in {} `{}`",
            text::cell(&target.token.name),
            target.place.level().noun(),
            text::cell(target.place.name())
        ))
        .with_hint(format!(
            "add it with `{}`",
            command(kind, &target.place, "add", &target.token.id, None)
        )));
    };
    let role = choose(ctx, &target, Some(&current), None)?;
    let mut outcome =
        TokenMembershipOutcome::planned(&target.token, &target.place, Some(&role), request.dry_run);
    if current != role && !request.dry_run {
        outcome.changed = write(ctx, kind, &target, Some(&role)).await?;
    }
    print(ctx, &outcome, request.json)
}

/// `remove`: takes the token's role in the place away (the token itself and its other roles
/// stay), after asking (unless `--force`); a token not there: nothing sent, exit 0.
pub async fn remove(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, false)?;
    confirm::can_confirm(ctx, request.force, request.dry_run, "removing an API token")?;
    let kind = request.kind;
    let prompt = format!("{} to remove", kind.noun());
    let wanted = Wanted {
        level: request.level,
        kind,
        token: request.token,
        candidates: Candidates::There,
        prompt: &prompt,
        roles: false,
        role_flag: None,
    };
    let target = target(ctx, wanted).await?;
    let mut outcome =
        TokenMembershipOutcome::planned(&target.token, &target.place, None, request.dry_run);
    if outcome.previous_role.is_none() || request.dry_run {
        return print(ctx, &outcome, request.json);
    }
    let question = format!(
        "Remove API token \"{}\" from {}?",
        text::cell(&target.token.name),
        target.place.shown()
    );
    confirm::ask(ctx, request.force, &question)?;
    // Asked: the answer took a while, so the roles are read again right before the write.
    let target = if request.force {
        target
    } else {
        reread(ctx, target).await?
    };
    outcome.changed = write(ctx, kind, &target, None).await?;
    print(ctx, &outcome, request.json)
}
