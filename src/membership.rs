//! Changing one user's role in one Workspace or Deployment (`workspace user add|update|remove`,
//! `deployment user …`): the place and the user found together (the user by email, ID, or a
//! pick-list), the user read right before the write (see `role_lists`), a role asked for on a
//! terminal, and the outcome every such command reports.

use serde::Serialize;

use crate::api::User;
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::members::{self, check_email, is_cuid};
use crate::output;
use crate::place::{Level, Place};
use crate::role_lists::{self, RoleChange, Subject};
use crate::roles::{Role, WorkspaceRole};
use crate::{deployments, workspaces};

/// What a membership command did.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipOutcome {
    pub id: Option<String>,
    pub email: String,
    /// The Workspace (of a Deployment: the Deployment's Workspace).
    pub workspace_id: Option<String>,
    pub workspace_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment_name: Option<String>,
    pub previous_role: Option<String>,
    /// The role held after the command; null after a removal.
    pub role: Option<String>,
    pub changed: bool,
    /// Set by `--dry-run`: nothing was sent.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub dry_run: bool,
}

impl MembershipOutcome {
    /// `user` in `place` before anything is sent, moving to `role`.
    pub fn planned(user: &User, place: &Place, role: Option<&str>, dry_run: bool) -> Self {
        let keys = place.keys();
        Self {
            id: Some(user.id.clone()),
            email: user.username.clone(),
            workspace_id: keys.workspace_id,
            workspace_name: keys.workspace_name,
            deployment_id: keys.deployment_id,
            deployment_name: keys.deployment_name,
            previous_role: user.role_in(place.level(), place.id()).map(str::to_owned),
            role: role.map(str::to_owned),
            changed: false,
            dry_run,
        }
    }

    /// The place's level: a Deployment when the outcome names one.
    fn level(&self) -> Level {
        if self.deployment_id.is_some() {
            Level::Deployment
        } else {
            Level::Workspace
        }
    }

    /// `Workspace NAME` or `Deployment NAME`.
    pub fn place_shown(&self) -> String {
        let name = match self.level() {
            Level::Workspace => self.workspace_name.as_deref(),
            Level::Deployment => self.deployment_name.as_deref(),
        };
        format!(
            "{} {}",
            self.level().noun(),
            crate::text::cell(name.unwrap_or_default())
        )
    }
}

/// Which members a pick-list offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Candidates {
    /// Organization members without a role there (`add`).
    NotMembers,
    /// The members with a role there (`update`, `remove`).
    Members,
}

/// The place and the user, the user as read right before a write.
pub struct Target {
    pub place: Place,
    pub user: User,
}

/// The Workspace or Deployment a command works on: `--workspace-id` (…) or `--deployment-id`
/// (…, picked on a terminal when missing).
pub async fn place(ctx: &mut Ctx, level: Level) -> Result<Place, CliError> {
    Ok(match level {
        Level::Workspace => Place::Workspace(workspaces::current(ctx).await?),
        Level::Deployment => Place::Deployment(deployments::current(ctx).await?),
    })
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

/// Finds the place and the user. A named user is looked up at the same time as a Workspace
/// (a Deployment is found first: it may be picked); a missing one is picked on a terminal from
/// `candidates` (the caller has checked that a prompter exists).
pub async fn target(
    ctx: &mut Ctx,
    level: Level,
    user_arg: Option<&str>,
    candidates: Candidates,
) -> Result<Target, CliError> {
    let (place, user) = match (level, user_arg) {
        (Level::Workspace, Some(arg)) => {
            let (value, source) = workspaces::selected(ctx)
                .await?
                .ok_or_else(workspaces::missing)?;
            let (client, org) = ctx.api().await?;
            let (workspace, found) = tokio::join!(
                workspaces::resolve(client, org, &value, source),
                members::find(client, org, arg)
            );
            let place = Place::Workspace(workspace?);
            (place, read_found(ctx, found, arg, candidates).await?)
        }
        (Level::Deployment, Some(arg)) => {
            let place = place(ctx, level).await?;
            let (client, org) = ctx.api().await?;
            let found = members::find(client, org, arg).await;
            (
                place.clone(),
                read_found(ctx, found, arg, candidates).await?,
            )
        }
        (_, None) => {
            let place = place(ctx, level).await?;
            let (client, org) = ctx.api().await?;
            let spinner = output::Spinner::start("Listing the members…");
            let users = match candidates {
                Candidates::Members => client.list_users_in(org, level, place.id()).await?,
                Candidates::NotMembers => {
                    let mut users = client.list_all_users(org).await?;
                    users.retain(|u| u.role_in(level, place.id()).is_none());
                    users
                }
            };
            drop(spinner);
            if users.is_empty() {
                return Err(CliError::not_found(match candidates {
                    Candidates::Members => format!("{} has no members", place.shown()),
                    Candidates::NotMembers => format!(
                        "every member of the Organization is already in {}",
                        place.shown()
                    ),
                }));
            }
            let rows = members::rows(&users, |u| match candidates {
                Candidates::Members => u.role_in(level, place.id()),
                Candidates::NotMembers => u.organization_role.as_deref(),
            });
            let prompter = ctx.prompter.as_mut().expect("checked by the command");
            let index = prompter.pick(&members::pick_list("User", &rows))?;
            let id = users[index].id.clone();
            let (client, org) = ctx.api().await?;
            let user = role_lists::read(client, org, &id).await?;
            (place, user)
        }
    };
    Ok(Target { place, user })
}

/// The user `members::find` found, as read right before a write: found by ID, that GetUser was
/// the read; by email, it is read now.
async fn read_found(
    ctx: &mut Ctx,
    found: Result<(User, Option<Vec<User>>), CliError>,
    arg: &str,
    candidates: Candidates,
) -> Result<User, CliError> {
    let (user, listed) = found.map_err(|e| not_in_organization(e, arg, candidates))?;
    match listed {
        None => checked(user),
        Some(_) => {
            let (client, org) = ctx.api().await?;
            role_lists::read(client, org, &user.id).await
        }
    }
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

/// Someone who is not in the Organization cannot be added to a Workspace or Deployment: say to
/// invite them.
fn not_in_organization(err: CliError, arg: &str, candidates: Candidates) -> CliError {
    if err.exit == crate::error::Exit::NotFound && candidates == Candidates::NotMembers {
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
        target.user.role_in(target.place.level(), target.place.id()),
        &crate::members::describe(&target.user),
        target.place.name(),
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
    let all = <WorkspaceRole as Role>::all();
    let names: Vec<String> = all.iter().map(|r| r.as_str().to_owned()).collect();
    let chosen = ask_named_role(
        ctx,
        None,
        default.map(|d| d.as_str()),
        current,
        &format!(
            "Workspace role for {who} in {}",
            crate::text::cell(workspace_name)
        ),
        &names,
    )?;
    Ok(all[names
        .iter()
        .position(|n| *n == chosen)
        .expect("one of the names")])
}

/// A role among `choices`: `flag` when given, else asked on a terminal (`question`) starting on
/// `default` (or the current role), else `default` (or, with none, an error naming `--role`).
pub fn ask_named_role(
    ctx: &mut Ctx,
    flag: Option<&str>,
    default: Option<&str>,
    current: Option<&str>,
    question: &str,
    choices: &[String],
) -> Result<String, CliError> {
    if let Some(role) = flag {
        return Ok(role.to_owned());
    }
    let Some(prompter) = ctx.prompter.as_mut() else {
        return default
            .map(str::to_owned)
            .ok_or_else(|| CliError::missing("the new role", "--role ROLE"));
    };
    let items: Vec<String> = choices
        .iter()
        .map(|r| {
            if Some(r.as_str()) == current {
                format!("{} (current)", crate::text::cell(r))
            } else {
                crate::text::cell(r)
            }
        })
        .collect();
    let start = default
        .and_then(|d| choices.iter().position(|r| r == d))
        .or_else(|| choices.iter().position(|r| Some(r.as_str()) == current))
        .unwrap_or(0);
    let index = prompter.select(question, &items, start)?;
    Ok(choices[index].clone())
}

/// Prints the outcome: JSON, or a sentence.
pub fn print(ctx: &Ctx, outcome: &MembershipOutcome, json: bool) -> Result<(), CliError> {
    if ctx.wants_json(json) {
        return ctx.print_json(outcome);
    }
    output::line(&sentence(
        &outcome.email,
        &outcome.place_shown(),
        outcome.previous_role.as_deref(),
        outcome.role.as_deref(),
        outcome.dry_run,
    ))
}

/// What a membership change did (or, on a dry run, would do), as a sentence; `place` is
/// `Workspace NAME` or `Deployment NAME`.
pub fn sentence(
    who: &str,
    place: &str,
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
            format!("{who} is already in {place} as {r}; nothing changed")
        }
        (None, None) => format!("{who} is not in {place}; nothing changed"),
        (None, Some(r)) => format!(
            "{} {who} to {place} as {r}{dry}",
            verb("Added", "Would add")
        ),
        (Some(p), None) => format!(
            "{} {who} from {place} (was {p}){dry}",
            verb("Removed", "Would remove")
        ),
        (Some(p), Some(r)) => format!(
            "{} {who} in {place}: {p} -> {r}{dry}",
            verb("Updated", "Would update")
        ),
    }
}

/// The error for a user who is not in the Workspace or Deployment.
pub fn not_a_member(outcome: &MembershipOutcome) -> CliError {
    let level = outcome.level();
    let (id, name) = match level {
        Level::Workspace => (&outcome.workspace_id, &outcome.workspace_name),
        Level::Deployment => (&outcome.deployment_id, &outcome.deployment_name),
    };
    CliError::not_found(format!(
        "{} is not in {} `{}`",
        outcome.email,
        level.noun(),
        echo(name.as_deref().unwrap_or_default())
    ))
    .with_hint(format!(
        "add them with `astro {} user add {} {} {}`",
        level.command(),
        outcome.email,
        level.flag(),
        id.as_deref().unwrap_or_default()
    ))
}

/// The roles a place offers: the five Workspace roles, or a Deployment's catalogue (read once).
pub enum Roles {
    Workspace,
    Deployment(crate::deployment_roles::Catalogue),
}

impl Roles {
    /// The roles of `place` (a Deployment's: one ListRoles).
    pub async fn of(ctx: &mut Ctx, place: &Place) -> Result<Self, CliError> {
        Ok(match place {
            Place::Workspace(_) => Roles::Workspace,
            Place::Deployment(d) => {
                let (client, org) = ctx.api().await?;
                Roles::Deployment(crate::deployment_roles::catalogue(client, org, d).await?)
            }
        })
    }

    pub fn choices(&self) -> Vec<String> {
        match self {
            Roles::Workspace => <WorkspaceRole as Role>::all()
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
            Roles::Deployment(catalogue) => catalogue.choices(),
        }
    }

    /// The role `given` names (a Workspace role was checked by its parser already).
    pub fn check(&self, given: &str) -> Result<String, CliError> {
        match self {
            Roles::Workspace => Ok(given.to_owned()),
            Roles::Deployment(catalogue) => catalogue.check(given),
        }
    }
}

/// What one membership command was asked: the level, the user argument, the role flag (a
/// Workspace role already parsed; a Deployment role checked once the Deployment is known).
pub struct Request<'a> {
    pub level: Level,
    pub user: Option<&'a str>,
    pub role: Option<String>,
    pub json: bool,
    pub dry_run: bool,
    pub force: bool,
}

/// The role to give `target`: see [`choose_role`].
async fn wanted_role(
    ctx: &mut Ctx,
    target: &Target,
    flag: Option<&str>,
    default: Option<&str>,
) -> Result<String, CliError> {
    let current = target.user.role_in(target.place.level(), target.place.id());
    let who = crate::members::describe(&target.user);
    choose_role(ctx, &target.place, &who, current, flag, default).await
}

/// The role to give `who` in `place`: the flag's (checked against the place's roles), else
/// asked on a terminal among them starting on `default` (or `current`), else `default` (or,
/// with none, an error naming `--role`).
pub async fn choose_role(
    ctx: &mut Ctx,
    place: &Place,
    who: &str,
    current: Option<&str>,
    flag: Option<&str>,
    default: Option<&str>,
) -> Result<String, CliError> {
    let roles = Roles::of(ctx, place).await?;
    if let Some(flag) = flag {
        return roles.check(flag);
    }
    let level = place.level();
    ask_named_role(
        ctx,
        None,
        default,
        current,
        &format!(
            "{} role for {who} in {}",
            level.noun(),
            crate::text::cell(place.name())
        ),
        &roles.choices(),
    )
}

/// Off a terminal, what must be on the line: the user (and for `update` the role).
fn require(
    ctx: &Ctx,
    request: &Request<'_>,
    what: &str,
    role_needed: bool,
) -> Result<(), CliError> {
    check_user_arg(request.user)?;
    if ctx.prompter.is_none() {
        if request.user.is_none() {
            return Err(CliError::missing(what, "it as the EMAIL_OR_ID argument"));
        }
        if role_needed && request.role.is_none() {
            return Err(CliError::missing("the new role", "--role ROLE"));
        }
        if request.level == Level::Deployment && ctx.deployment_option().is_none() {
            return Err(deployments::missing());
        }
    }
    Ok(())
}

/// `add`: gives a member of the Organization a role in the place (`default_role` unless told
/// otherwise). One already there with another role is exit 1 (that is `update`'s job).
pub async fn add(ctx: &mut Ctx, request: Request<'_>, default_role: &str) -> Result<(), CliError> {
    require(ctx, &request, "the user's email or ID", false)?;
    let target = target(ctx, request.level, request.user, Candidates::NotMembers).await?;
    let role = wanted_role(ctx, &target, request.role.as_deref(), Some(default_role)).await?;
    let mut outcome =
        MembershipOutcome::planned(&target.user, &target.place, Some(&role), request.dry_run);
    match outcome.previous_role.as_deref() {
        Some(current) if current == role => {}
        Some(current) => {
            let level = target.place.level();
            return Err(CliError::failure(format!(
                "{} is already in {} `{}` as {current}",
                outcome.email,
                level.noun(),
                crate::text::cell(target.place.name())
            ))
            .with_hint(format!(
                "to change their role run `astro {} user update {} --role {role} {} {}`",
                level.command(),
                outcome.email,
                level.flag(),
                target.place.id()
            )));
        }
        None if request.dry_run => {}
        None => {
            let (client, org) = ctx.api().await?;
            let change = RoleChange::at(&target.place, Some(&role));
            outcome.changed = role_lists::write(client, org, &target.user, &[change]).await?;
        }
    }
    print(ctx, &outcome, request.json)
}

/// `update`: changes a member's role in the place.
pub async fn update(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, "the member's email or ID", true)?;
    let target = target(ctx, request.level, request.user, Candidates::Members).await?;
    if target
        .user
        .role_in(target.place.level(), target.place.id())
        .is_none()
    {
        let outcome = MembershipOutcome::planned(&target.user, &target.place, None, false);
        return Err(not_a_member(&outcome));
    }
    let role = wanted_role(ctx, &target, request.role.as_deref(), None).await?;
    let mut outcome =
        MembershipOutcome::planned(&target.user, &target.place, Some(&role), request.dry_run);
    if outcome.previous_role.as_deref() != Some(role.as_str()) && !request.dry_run {
        let (client, org) = ctx.api().await?;
        let change = RoleChange::at(&target.place, Some(&role));
        outcome.changed = role_lists::write(client, org, &target.user, &[change]).await?;
    }
    print(ctx, &outcome, request.json)
}

/// `remove`: takes a member's role in the place away, after asking (unless `--force`).
pub async fn remove(ctx: &mut Ctx, request: Request<'_>) -> Result<(), CliError> {
    require(ctx, &request, "the member's email or ID", false)?;
    crate::confirm::can_confirm(ctx, request.force, request.dry_run, "removing a member")?;
    let target = target(ctx, request.level, request.user, Candidates::Members).await?;
    let mut outcome =
        MembershipOutcome::planned(&target.user, &target.place, None, request.dry_run);
    if outcome.previous_role.is_none() || request.dry_run {
        return print(ctx, &outcome, request.json);
    }
    let question = format!(
        "Remove {} from {}?",
        target.user.username,
        target.place.shown()
    );
    crate::confirm::ask(ctx, request.force, &question)?;
    let (client, org) = ctx.api().await?;
    let change = RoleChange::at(&target.place, None);
    outcome.changed = role_lists::write(client, org, &target.user, &[change]).await?;
    print(ctx, &outcome, request.json)
}

/// One member as `user list --json` prints it: the Go CLI's keys (`workspaceRole` or
/// `deploymentRole`), plus `status`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MemberRow<'a> {
    full_name: &'a str,
    email: &'a str,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    workspace_role: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    deployment_role: Option<&'a str>,
    created_at: &'a str,
    status: &'a str,
}

#[derive(Serialize)]
struct MemberList<'a> {
    users: Vec<MemberRow<'a>>,
}

/// `user list`: the members of the place with their role there (only those with `role`, any
/// case, when given): `{"users":[…]}` or the table `FULLNAME  EMAIL  ID  <LEVEL> ROLE  CREATE
/// DATE  STATUS`.
pub async fn list(
    ctx: &mut Ctx,
    level: Level,
    role: Option<&str>,
    json: bool,
) -> Result<(), CliError> {
    if level == Level::Deployment && ctx.prompter.is_none() && ctx.deployment_option().is_none() {
        return Err(deployments::missing());
    }
    let place = place(ctx, level).await?;
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start(format!("Listing the members of {}…", place.shown()));
    let mut users = client.list_users_in(org, level, place.id()).await?;
    drop(spinner);
    let role_of = |u: &User| u.role_in(level, place.id()).map(str::to_owned);
    // The listing also gives those with only DAG roles in a Deployment: not members here.
    users.retain(|u| role_of(u).is_some());
    if let Some(role) = role {
        users.retain(|u| role_of(u).is_some_and(|r| r.eq_ignore_ascii_case(role)));
    }
    let roles: Vec<Option<String>> = users.iter().map(role_of).collect();
    if ctx.wants_json(json) {
        return ctx.print_json(&MemberList {
            users: users
                .iter()
                .zip(&roles)
                .map(|(u, role)| MemberRow {
                    full_name: &u.full_name,
                    email: &u.username,
                    id: &u.id,
                    workspace_role: role.as_deref().filter(|_| level == Level::Workspace),
                    deployment_role: role.as_deref().filter(|_| level == Level::Deployment),
                    created_at: &u.created_at,
                    status: &u.status,
                })
                .collect(),
        });
    }
    let rows = users
        .iter()
        .zip(roles)
        .map(|(u, role)| {
            vec![
                u.full_name.clone(),
                u.username.clone(),
                u.id.clone(),
                role.unwrap_or_default(),
                u.created_at.clone(),
                u.status.clone(),
            ]
        })
        .collect();
    let role_header = match level {
        Level::Workspace => "WORKSPACE ROLE",
        Level::Deployment => "DEPLOYMENT ROLE",
    };
    ctx.print_table(
        &[
            "FULLNAME",
            "EMAIL",
            "ID",
            role_header,
            "CREATE DATE",
            "STATUS",
        ],
        (&["FULLNAME", "EMAIL"], &["CREATE DATE", "ID"]),
        rows,
        ("member", "members"),
    )
}
