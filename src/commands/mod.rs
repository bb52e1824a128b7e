//! The command tree, one file per command: `astro workspace user add` is
//! `workspace/user/add.rs`, its arguments and its `run`. Each group's `mod.rs` lists its
//! commands (the clap variants) and hands a parsed one to its `run`.

mod api;
mod auth;
mod completion;
mod deployment;
mod login;
mod logout;
mod man;
mod organization;
pub(crate) mod version;
mod workspace;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::cli::{Cli, Invoked};
use crate::context::Ctx;
use crate::error::CliError;
use crate::interrupt::Interrupt;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to Astro (in a browser, or with a token)
    Login(login::LoginArgs),
    /// Log out of Astro: forget the stored token of a context
    Logout(logout::LogoutArgs),
    /// Manage your credentials
    #[command(subcommand)]
    Auth(Lazy<auth::AuthCommand>),
    /// Manage your Astro Organization
    #[command(subcommand, visible_alias = "org")]
    Organization(Lazy<organization::OrganizationCommand>),
    /// Manage Workspaces and who is in them
    #[command(subcommand, visible_alias = "wo")]
    Workspace(Lazy<workspace::WorkspaceCommand>),
    /// Manage who can do what on a Deployment
    #[command(subcommand, visible_alias = "de")]
    Deployment(Lazy<deployment::DeploymentCommand>),
    /// Send any Astro API request, list the API's operations, or describe one
    Api(Box<api::ApiArgs>),
    /// Print the version of astro
    Version(version::VersionArgs),
    /// Print a shell completion script (e.g. `astro completion bash > ~/.local/share/bash-completion/completions/astro`)
    Completion(completion::CompletionArgs),
    /// Print the man page, or write one per command into DIR
    Man(man::ManArgs),
}

impl Command {
    async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            Command::Login(args) => login::run(args, ctx).await,
            Command::Logout(args) => logout::run(args, ctx).await,
            Command::Auth(Lazy(command)) => command.run(ctx).await,
            Command::Organization(Lazy(command)) => command.run(ctx).await,
            Command::Workspace(Lazy(command)) => command.run(ctx).await,
            Command::Deployment(Lazy(command)) => command.run(ctx).await,
            Command::Api(args) => args.run(ctx).await,
            Command::Version(args) => version::run(args, ctx),
            Command::Completion(args) => completion::run(args),
            Command::Man(args) => man::run(args),
        }
    }
}

/// Runs the command line: the global options first (refusing those the command does not take),
/// then the command.
pub async fn dispatch(cli: Cli, invoked: &Invoked, interrupt: Interrupt) -> Result<(), CliError> {
    let mut ctx = Ctx::new(cli.global, invoked, interrupt)?;
    let result = cli.command.run(&mut ctx).await;
    result.map_err(|e| ctx.explain(e))
}
