//! `astro workspace …` (`wo`): Workspaces and who is in them.

pub mod create;
pub mod delete;
pub mod list;
pub mod switch;
pub mod team;
pub mod token;
pub mod update;
pub mod user;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// List the Organization's Workspaces, the current one marked
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
    /// Make another Workspace the current one in the config file
    #[command(visible_alias = "sw")]
    Switch(Lazy<switch::SwitchArgs>),
    /// Create a Workspace
    #[command(visible_alias = "cr")]
    Create(Lazy<create::CreateArgs>),
    /// Change a Workspace's name, description or CI/CD enforcement
    #[command(visible_alias = "up")]
    Update(Lazy<update::UpdateArgs>),
    /// Delete a Workspace
    #[command(visible_alias = "de")]
    Delete(Lazy<delete::DeleteArgs>),
    /// Manage the users of a Workspace
    #[command(subcommand, visible_aliases = ["us", "users"])]
    User(Lazy<user::WorkspaceUserCommand>),
    /// Manage the Teams of a Workspace
    #[command(subcommand, visible_aliases = ["te", "teams"])]
    Team(Lazy<team::WorkspaceTeamCommand>),
    /// Manage the API tokens of a Workspace
    #[command(subcommand, visible_alias = "to")]
    Token(Lazy<token::WorkspaceTokenCommand>),
}

impl WorkspaceCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            WorkspaceCommand::List(Lazy(args)) => list::run(args, ctx).await,
            WorkspaceCommand::Switch(Lazy(args)) => switch::run(args, ctx).await,
            WorkspaceCommand::Create(Lazy(args)) => create::run(args, ctx).await,
            WorkspaceCommand::Update(Lazy(args)) => update::run(args, ctx).await,
            WorkspaceCommand::Delete(Lazy(args)) => delete::run(args, ctx).await,
            WorkspaceCommand::User(Lazy(command)) => command.run(ctx).await,
            WorkspaceCommand::Team(Lazy(command)) => command.run(ctx).await,
            WorkspaceCommand::Token(Lazy(command)) => command.run(ctx).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;
    use crate::cli::{Global, parse};
    use crate::commands::Command;
    use crate::workspace_fields::Cicd;

    fn workspace(args: &[&str]) -> (WorkspaceCommand, crate::cli::Invoked) {
        let line = ["astro", "wo"].iter().chain(args).map(OsString::from);
        let (cli, invoked) = parse(line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let Command::Workspace(Lazy(command)) = cli.command else {
            panic!("not a workspace command");
        };
        (command, invoked)
    }

    #[test]
    fn aliases_and_the_global_flags_each_takes() {
        use Global::*;
        for (args, path, takes) in [
            (
                &["ls"][..],
                "workspace list",
                &[OrganizationId, WorkspaceId, Json, NoHeaders, Http][..],
            ),
            (
                &["sw", "x"],
                "workspace switch",
                &[OrganizationId, NoInput, Json, Http],
            ),
            (
                &["cr", "x"],
                "workspace create",
                &[OrganizationId, NoInput, Json, Http],
            ),
            (
                &["up", "x"],
                "workspace update",
                &[OrganizationId, WorkspaceId, NoInput, Json, Http],
            ),
            (
                &["de", "x"],
                "workspace delete",
                &[OrganizationId, WorkspaceId, NoInput, Json, Http],
            ),
        ] {
            let (_, invoked) = workspace(args);
            assert_eq!(invoked.path, path);
            assert_eq!(invoked.takes, takes, "{path}");
        }
    }

    #[test]
    fn create_takes_the_name_as_argument_or_flag_and_cicd_in_any_case() {
        let (WorkspaceCommand::Create(Lazy(args)), _) =
            workspace(&["cr", " Sandbox ", "-d", "x", "-e", "ON"])
        else {
            panic!("create");
        };
        assert_eq!(args.name.as_deref(), Some("Sandbox"));
        assert_eq!(args.enforce_cicd, Some(Cicd::On));
        let (WorkspaceCommand::Create(Lazy(args)), _) = workspace(&["cr", "--name", "Sandbox"])
        else {
            panic!("create");
        };
        assert_eq!(args.name_flag.as_deref(), Some("Sandbox"));
        assert!(args.enforce_cicd.is_none());
        let line = ["astro", "wo", "cr", "A", "-n", "B"].map(OsString::from);
        assert!(parse(line).is_err(), "the name twice");
    }

    #[test]
    fn update_leaves_out_what_is_not_given() {
        let (WorkspaceCommand::Update(Lazy(args)), _) =
            workspace(&["up", "Analytics", "--description", ""])
        else {
            panic!("update");
        };
        assert_eq!(args.workspace.as_deref(), Some("Analytics"));
        assert_eq!(args.description.as_deref(), Some(""));
        assert!(args.name.is_none() && args.enforce_cicd.is_none());
        let line = ["astro", "wo", "up", "Analytics", "-n", " "].map(OsString::from);
        assert!(parse(line).is_err(), "an empty new name");
    }

    #[test]
    fn delete_is_forced_only_when_asked() {
        let (WorkspaceCommand::Delete(Lazy(args)), _) = workspace(&["de", "Sandbox"]) else {
            panic!("delete");
        };
        assert!(!args.force && !args.dry_run);
        let (WorkspaceCommand::Delete(Lazy(args)), _) = workspace(&["de", "-f", "--dry-run"])
        else {
            panic!("delete");
        };
        assert!(args.force && args.dry_run && args.workspace.is_none());
    }
}
