//! The command tree, one file per command: `astro workspace user add` is
//! `workspace/user/add.rs`. This module dispatches a parsed command line to its command.

mod auth;
mod completion;
mod login;
mod logout;
mod man;
mod organization;
mod version;

use crate::cli::{AuthCommand, Cli, Command, OrganizationCommand, UserCommand};
use crate::context::Ctx;
use crate::error::CliError;
use crate::interrupt::Interrupt;

/// The command's path of canonical names, as `GLOBALS_BY_COMMAND` lists it.
fn path_of(command: &Command) -> &'static str {
    match command {
        Command::Login(_) => "login",
        Command::Logout(_) => "logout",
        Command::Auth(auth) => match auth.command {
            AuthCommand::Token => "auth token",
            AuthCommand::Status(_) => "auth status",
        },
        Command::Organization(org) => match &org.command {
            OrganizationCommand::List(_) => "organization list",
            OrganizationCommand::Switch(_) => "organization switch",
            OrganizationCommand::User(user) => match user.command {
                UserCommand::Update(_) => "organization user update",
                UserCommand::Invite(_) => "organization user invite",
                UserCommand::List(_) => "organization user list",
            },
        },
        Command::Version(_) => "version",
        Command::Completion(_) => "completion",
        Command::Man(_) => "man",
    }
}

pub async fn dispatch(cli: Cli, interrupt: Interrupt) -> Result<(), CliError> {
    let mut ctx = Ctx::new(cli.global, path_of(&cli.command), interrupt)?;
    let result = run(cli.command, &mut ctx).await;
    result.map_err(|e| ctx.explain(e))
}

async fn run(command: Command, ctx: &mut Ctx) -> Result<(), CliError> {
    let ctx = &mut *ctx;
    match command {
        Command::Login(args) => login::run(args, ctx).await,
        Command::Logout(args) => logout::run(args, ctx).await,
        Command::Auth(auth) => match auth.command {
            AuthCommand::Token => auth::token::run(ctx).await,
            AuthCommand::Status(args) => auth::status::run(args, ctx).await,
        },
        Command::Version(args) => version::run(args, ctx),
        Command::Completion(args) => completion::run(args),
        Command::Man(args) => man::run(args),
        Command::Organization(org) => match org.command {
            OrganizationCommand::List(args) => organization::list::run(args, ctx).await,
            OrganizationCommand::Switch(args) => organization::switch::run(args, ctx).await,
            OrganizationCommand::User(user) => match user.command {
                UserCommand::Update(args) => match args.bulk.from_file.clone() {
                    Some(file) => {
                        organization::user::update_from_file::run(&args, &file, ctx).await
                    }
                    None => organization::user::update::run(args, ctx).await,
                },
                UserCommand::Invite(args) => match args.bulk.from_file.clone() {
                    Some(file) => {
                        organization::user::invite_from_file::run(&args, &file, ctx).await
                    }
                    None => organization::user::invite::run(args, ctx).await,
                },
                UserCommand::List(args) => organization::user::list::run(args, ctx).await,
            },
        },
    }
}
