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

use crate::cli::{Cli, GlobalArgs, Invoked};
use crate::context::Ctx;
use crate::error::CliError;
use crate::interrupt::Interrupt;

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to Astro (in a browser, or with a token)
    Login(Lazy<login::LoginArgs>),
    /// Log out of Astro: forget the stored token of a context
    Logout(Lazy<logout::LogoutArgs>),
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
    Api(Lazy<Box<api::ApiArgs>>),
    /// Print the version of astro
    Version(Lazy<version::VersionArgs>),
    /// Print a shell completion script (e.g. `astro completion bash > ~/.local/share/bash-completion/completions/astro`)
    Completion(Lazy<completion::CompletionArgs>),
    /// Print the man page, or write one per command into DIR
    Man(Lazy<man::ManArgs>),
}

impl Command {
    /// A command's own flag with a global flag's ID (`organization switch -w`, whose long form
    /// is `--workspace-id`) has the value that ID was given anywhere on the line, as when
    /// clap's global arguments passed it down; in the tree `cli::parse` makes, the flags are
    /// not clap's global arguments, so the value is passed here.
    pub(crate) fn take_global_values(&mut self, global: &GlobalArgs) {
        if let Command::Organization(Lazy(organization::OrganizationCommand::Switch(Lazy(args)))) =
            self
        {
            args.workspace_id.clone_from(&global.workspace_id);
        }
    }

    async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            Command::Login(Lazy(args)) => login::run(args, ctx).await,
            Command::Logout(Lazy(args)) => logout::run(args, ctx).await,
            Command::Auth(Lazy(command)) => command.run(ctx).await,
            Command::Organization(Lazy(command)) => command.run(ctx).await,
            Command::Workspace(Lazy(command)) => command.run(ctx).await,
            Command::Deployment(Lazy(command)) => command.run(ctx).await,
            Command::Api(Lazy(args)) => args.run(ctx).await,
            Command::Version(Lazy(args)) => version::run(args, ctx),
            Command::Completion(Lazy(args)) => completion::run(args),
            Command::Man(Lazy(args)) => man::run(args),
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
