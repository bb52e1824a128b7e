//! `astro organization access plan -f FILE`: what `apply` would change to make the
//! Organization's access match FILE, one line per change, grouped, with a summary; `--json`
//! gives the change list `apply` executes. Reads only: nothing is ever sent but listings.

use std::path::{Path, PathBuf};

use crate::access_code::{self, file, live, plan, resolve, tree};
use crate::api::Team;
use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::{CliError, Exit};
use crate::jwt::Claims;
use crate::output;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each line is a change: + added, ~ changed (before -> after), - removed. Removals (a \
                  Workspace or Deployment role or a Team membership the file does not list) are made \
                  only with --prune; without it they are listed as `left alone (use --prune)`. A \
                  member without `workspaces` (or `deployments`, a Team without `members`) is left \
                  alone for that kind; `{}` or `[]` means none. Teams an identity provider manages \
                  are never changed. Teams are never deleted and nobody leaves the Organization.\n\n\
                  A file with problems is exit 2, every problem listed as FILE:LINE:COLUMN. So is a \
                  file that would leave no ACTIVE ORGANIZATION_OWNER, or that demotes you (a browser \
                  login) without --allow-self-demotion.\n\n\
                  Exit codes with --exit-code: 0 in sync, 10 changes to make, 2 invalid file.\n\n\
                  Examples:\n  astro organization access plan -f access.yaml\n  \
                  astro org access plan -f access.yaml --prune --exit-code   # fail CI on drift\n  \
                  astro org access plan -f access.yaml --json --jq '.summary'"
)]
pub struct PlanArgs {
    /// The access file (YAML or JSON; `-` reads stdin)
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub file: PathBuf,

    /// Also plan removals: Workspace and Deployment roles and Team members the file does not list
    #[arg(long)]
    pub prune: bool,

    /// Print the change list as JSON
    #[arg(long)]
    pub json: bool,

    /// Exit 10 when there are changes to make (0 when in sync), for CI
    #[arg(long)]
    pub exit_code: bool,

    /// Plan a change of your own role away from ORGANIZATION_OWNER (refused otherwise)
    #[arg(long)]
    pub allow_self_demotion: bool,

    #[command(flatten)]
    pub globals: Takes<PlanGlobals>,
}

/// The Organization, JSON and requests; nothing is asked.
pub struct PlanGlobals;
impl GlobalSet for PlanGlobals {
    const TAKES: &'static [Global] = &[Global::OrganizationId, Global::Json, Global::Http];
}

pub async fn run(args: PlanArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let json = ctx.wants_json(args.json);
    let plan = compute(
        &args.file,
        args.prune,
        args.allow_self_demotion,
        "planned",
        ctx,
    )
    .await?;
    if json {
        ctx.print_json(&plan)?;
    } else {
        output::data(&plan::render(&plan))?;
    }
    if args.exit_code && !plan.is_empty() {
        return Err(CliError::new(Exit::Changes, ""));
    }
    Ok(())
}

/// Reads FILE and what it describes of the Organization, and computes the plan: exit 2 for a
/// file with problems, one for another Organization, or a plan that is refused (`nothing was
/// {done}`). Reads only.
pub(super) async fn compute(
    path: &Path,
    prune: bool,
    allow_self_demotion: bool,
    done: &str,
    ctx: &mut Ctx,
) -> Result<plan::Plan, CliError> {
    let label = access_code::source_label(path);
    let text = access_code::read_source(path)?;
    let tree = tree::parse(&text).map_err(|p| access_code::report(&label, vec![p]))?;
    let mut problems = Vec::new();
    let file = file::read(&tree, &mut problems);

    let session = ctx.session().await?;
    let is_login = Claims::parse(session.token.expose()).is_ok_and(|c| c.is_login());
    let source = session.organization_source;
    let (client, org) = ctx.api().await?;
    if let Some(problem) = resolve::check_organization(&file, org, source) {
        problems.push(problem);
        let other = file.organization.as_ref().map_or("", |o| o.value.as_str());
        return Err(access_code::report_with_hint(
            &label,
            problems,
            &format!(
                "to plan for that Organization, pass --organization-id {}",
                crate::error::echo(other)
            ),
        ));
    }

    let (deployments, deployment_roles) = resolve::names_deployments(&file);
    let members_of = |teams: &[Team]| resolve::teams_to_read(&file, teams);
    let spinner = output::Spinner::start("Reading the Organization's access…");
    let live = live::read(
        client,
        org,
        live::Wants {
            organization: false,
            deployments,
            deployment_roles,
            me: is_login,
            members_of: &members_of,
        },
    )
    .await?;
    drop(spinner);
    let desired = resolve::resolve(&file, &live, &mut problems);
    if !problems.is_empty() {
        return Err(access_code::report(&label, problems));
    }

    let plan = plan::diff(&desired, &live, prune);
    check_refusals(&plan::refusals(&plan, &live), allow_self_demotion, done)?;
    Ok(plan)
}

/// Exit 2 for a plan `apply` would refuse; a self-demotion allowed is a warning.
fn check_refusals(
    refusals: &[plan::Refusal],
    allow_self_demotion: bool,
    done: &str,
) -> Result<(), CliError> {
    let mut blocking = Vec::new();
    for refusal in refusals {
        match refusal {
            plan::Refusal::SelfDemotion(m) if allow_self_demotion => {
                output::note(&format!("warning: {m} (--allow-self-demotion)"));
            }
            other => blocking.push(other),
        }
    }
    if blocking.is_empty() {
        return Ok(());
    }
    let message = blocking
        .iter()
        .map(|r| r.message())
        .collect::<Vec<_>>()
        .join("; ");
    let hint = if blocking
        .iter()
        .any(|r| matches!(r, plan::Refusal::LastOwner(_)))
    {
        "keep at least one ACTIVE member with role ORGANIZATION_OWNER in the file"
    } else {
        "pass --allow-self-demotion if you mean to give up the role"
    };
    Err(CliError::usage(format!("refused: {message}; nothing was {done}")).with_hint(hint))
}
