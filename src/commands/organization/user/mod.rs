//! `astro organization user …`: the Organization's members, their Organization roles, and
//! (with `get`) their whole access.

pub mod get;
pub mod invite;
pub mod invite_from_file;
pub mod list;
pub mod update;
pub mod update_from_file;

use clap::Subcommand;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Change a user's Organization role
    #[command(visible_alias = "up")]
    Update(update::UpdateArgs),
    /// Invite someone to your Organization
    #[command(visible_alias = "inv")]
    Invite(invite::InviteArgs),
    /// List the users of your Organization
    #[command(visible_alias = "ls")]
    List(list::ListArgs),
    /// Show a user's roles at every level (Organization to DAG) and their Teams
    Get(get::GetArgs),
}

impl UserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            UserCommand::Update(args) => match args.bulk.from_file.clone() {
                Some(file) => update_from_file::run(&args, &file, ctx).await,
                None => update::run(args, ctx).await,
            },
            UserCommand::Invite(args) => match args.bulk.from_file.clone() {
                Some(file) => invite_from_file::run(&args, &file, ctx).await,
                None => invite::run(args, ctx).await,
            },
            UserCommand::List(args) => list::run(args, ctx).await,
            UserCommand::Get(args) => get::run(args, ctx).await,
        }
    }
}
