//! `astro organization user …`: the Organization's members, their Organization roles, and
//! (with `get`) their whole access.

pub mod get;
pub mod invite;
pub mod invite_cancel;
pub mod invite_from_file;
pub mod list;
pub mod update;
pub mod update_from_file;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Change a user's Organization role
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Invite someone to your Organization, or cancel an invite
    #[command(visible_alias = "inv")]
    Invite(Lazy<InviteCommand>),
    /// List the users of your Organization
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Show a user's roles at every level (Organization to DAG) and their Teams
    Get(Lazy<get::GetArgs>),
}

/// `invite EMAIL` invites; `invite cancel INVITE_ID` cancels (an email is never `cancel`).
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct InviteCommand {
    #[command(subcommand)]
    pub action: Option<InviteAction>,

    #[command(flatten)]
    pub invite: invite::InviteArgs,
}

#[derive(Debug, Subcommand)]
pub enum InviteAction {
    /// Cancel an invite by its ID (the `inviteId` that `invite --json` printed)
    Cancel(invite_cancel::CancelArgs),
}

impl UserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            UserCommand::Update(Lazy(args)) => match args.bulk.from_file.clone() {
                Some(file) => update_from_file::run(&args, &file, ctx).await,
                None => update::run(args, ctx).await,
            },
            UserCommand::Invite(Lazy(InviteCommand {
                action: Some(InviteAction::Cancel(args)),
                ..
            })) => invite_cancel::run(args, ctx).await,
            UserCommand::Invite(Lazy(InviteCommand {
                action: None,
                invite: args,
            })) => match args.bulk.from_file.clone() {
                Some(file) => invite_from_file::run(&args, &file, ctx).await,
                None => invite::run(args, ctx).await,
            },
            UserCommand::List(Lazy(args)) => list::run(args, ctx).await,
            UserCommand::Get(Lazy(args)) => get::run(args, ctx).await,
        }
    }
}
