//! `astro workspace token remove [ORG_TOKEN]` (also `organization-token remove`): take an
//! Organization API token's role in the Workspace away (the token itself, its Organization role
//! and its other roles stay), after asking unless `--force`.

use crate::cli::{Takes, WorkspaceWrites, name_value};
use crate::confirm;
use crate::context::Ctx;
use crate::error::CliError;
use crate::token_membership::{self, Candidates, TokenMembershipOutcome};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The token is not deleted: it loses its role in this Workspace only. A Workspace's \
                  own token is deleted with `astro workspace token delete`.\n\n\
                  Example:\n  astro workspace token remove \"Platform automation\" --workspace-id \"Data Platform\" --force"
)]
pub struct RemoveArgs {
    /// The Organization token's name (any case when only one has it) or ID; picked from the
    /// Organization tokens in the Workspace when missing
    #[arg(value_name = "ORG_TOKEN", value_parser = name_value)]
    pub token: Option<String>,

    /// Remove without asking (needed when not running interactively)
    #[arg(short, long)]
    pub force: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub globals: Takes<WorkspaceWrites>,
}

pub async fn run(args: RemoveArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    if ctx.prompter.is_none() && args.token.is_none() {
        return Err(token_membership::missing());
    }
    confirm::can_confirm(ctx, args.force, args.dry_run, "removing an API token")?;
    let target = token_membership::target(
        ctx,
        args.token.as_deref(),
        Candidates::InWorkspace,
        "Organization API token to remove",
    )
    .await?;
    let mut outcome =
        TokenMembershipOutcome::planned(&target.token, &target.workspace, None, args.dry_run);
    if outcome.previous_role.is_none() || args.dry_run {
        return token_membership::print(ctx, &outcome, args.json);
    }
    let question = format!(
        "Remove API token \"{}\" from Workspace {}?",
        crate::text::cell(&target.token.name),
        crate::text::cell(&target.workspace.name)
    );
    confirm::ask(ctx, args.force, &question)?;
    // Asked: the answer took a while, so the roles are read again right before the write.
    let target = if args.force {
        target
    } else {
        token_membership::reread(ctx, target).await?
    };
    outcome.changed = token_membership::write(ctx, &target, None).await?;
    token_membership::print(ctx, &outcome, args.json)
}
