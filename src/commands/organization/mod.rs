//! `astro organization …` (`org`): the Organizations you can access, their members and Teams.

pub mod access;
pub mod audit_logs;
pub mod list;
pub mod role;
pub mod switch;
pub mod team;
pub mod token;
pub mod user;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum OrganizationCommand {
    /// List the Organizations you can access, the current one marked
    #[command(visible_alias = "ls")]
    List(Lazy<list::OrgListArgs>),
    /// Make another Organization the current one
    #[command(visible_alias = "sw")]
    Switch(Lazy<switch::SwitchArgs>),
    /// Manage the users of your Organization
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(Lazy<user::UserCommand>),
    /// Manage the Teams of your Organization
    #[command(subcommand, visible_aliases = ["te", "teams"])]
    Team(Lazy<team::OrganizationTeamCommand>),
    /// Manage API tokens
    #[command(subcommand, visible_alias = "to")]
    Token(Lazy<token::OrganizationTokenCommand>),
    /// List the roles that can be granted in your Organization
    #[command(subcommand, visible_aliases = ["ro", "roles"])]
    Role(Lazy<role::OrganizationRoleCommand>),
    /// Keep the Organization's access in a file: export it, plan changes from it, apply them
    #[command(subcommand)]
    Access(Lazy<access::OrganizationAccessCommand>),
    /// Export the Organization's audit logs
    #[command(subcommand, name = "audit-logs", visible_alias = "al")]
    AuditLogs(Lazy<audit_logs::AuditLogsCommand>),
}

impl OrganizationCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            OrganizationCommand::List(Lazy(args)) => list::run(args, ctx).await,
            OrganizationCommand::Switch(Lazy(args)) => switch::run(args, ctx).await,
            OrganizationCommand::User(Lazy(command)) => command.run(ctx).await,
            OrganizationCommand::Team(Lazy(command)) => command.run(ctx).await,
            OrganizationCommand::Token(Lazy(command)) => command.run(ctx).await,
            OrganizationCommand::Role(Lazy(command)) => command.run(ctx).await,
            OrganizationCommand::Access(Lazy(command)) => command.run(ctx).await,
            OrganizationCommand::AuditLogs(Lazy(command)) => command.run(ctx).await,
        }
    }
}
