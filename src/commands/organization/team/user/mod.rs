//! `astro organization team user …`: who is in a Team. Users are named by email or ID, several
//! at once; a file (`--from-file`) can name many Teams.

pub mod add;
pub mod from_file;
pub mod list;
pub mod remove;

use std::path::PathBuf;

use clap::Subcommand;

use crate::cli::Lazy;

use crate::context::Ctx;
use crate::error::CliError;

#[derive(Debug, Subcommand)]
pub enum TeamUserCommand {
    /// Add users to a Team (one request for all of them)
    Add(Lazy<add::AddArgs>),
    /// Take users out of a Team
    #[command(visible_alias = "rm")]
    Remove(Lazy<remove::RemoveArgs>),
    /// List a Team's members
    #[command(visible_alias = "ls")]
    List(Lazy<list::ListArgs>),
}

impl TeamUserCommand {
    pub async fn run(self, ctx: &mut Ctx) -> Result<(), CliError> {
        match self {
            TeamUserCommand::Add(Lazy(args)) => match args.bulk.from_file.clone() {
                Some(file) => from_file::add(&args, &file, ctx).await,
                None => add::run(args, ctx).await,
            },
            TeamUserCommand::Remove(Lazy(args)) => match args.bulk.from_file.clone() {
                Some(file) => from_file::remove(&args, &file, ctx).await,
                None => remove::run(args, ctx).await,
            },
            TeamUserCommand::List(Lazy(args)) => list::run(args, ctx).await,
        }
    }
}

/// `--from-file` and the flags that go with it, and `--dry-run`.
#[derive(Debug, Default, clap::Args)]
pub struct TeamBulkArgs {
    /// Apply many rows from a CSV file with header `team,email` (any order; other columns
    /// ignored), or JSON lines `{"team":…,"email":…}`; `-` reads stdin. A row without a team
    /// uses TEAM when given
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<PathBuf>,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    /// How many requests to send at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// With --from-file: apply the valid rows even when some are invalid
    #[arg(long, requires = "from_file")]
    pub skip_invalid: bool,
}

#[cfg(test)]
mod tests {
    use std::ffi::OsString;

    use super::*;
    use crate::cli::{Global, Lazy, parse};
    use crate::commands::Command;

    fn team_user(args: &[&str]) -> (TeamUserCommand, crate::cli::Invoked) {
        let line = ["astro", "org", "te", "us"]
            .iter()
            .chain(args)
            .map(OsString::from);
        let (cli, invoked) = parse(line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let Command::Organization(Lazy(crate::commands::organization::OrganizationCommand::Team(
            Lazy(crate::commands::organization::team::OrganizationTeamCommand::User(Lazy(command))),
        ))) = cli.command
        else {
            panic!("not a team user command");
        };
        (command, invoked)
    }

    #[test]
    fn aliases_and_the_global_flags_each_takes() {
        use Global::*;
        for (args, path) in [
            (&["add", "T", "a@x.io"][..], "organization team user add"),
            (&["rm", "T", "a@x.io"], "organization team user remove"),
            (&["ls", "T"], "organization team user list"),
        ] {
            let (_, invoked) = team_user(args);
            assert_eq!(invoked.path, path);
            assert_eq!(
                invoked.takes,
                [OrganizationId, NoInput, Json, NoHeaders, Http],
                "{path}"
            );
        }
    }

    #[test]
    fn add_takes_a_team_and_several_users() {
        let (TeamUserCommand::Add(Lazy(args)), _) = team_user(&[
            "add",
            "Platform Team",
            "a@x.io",
            "cbbbbbbbbbbbbbbbbbbbbbbbb",
            "--dry-run",
        ]) else {
            panic!("add");
        };
        assert_eq!(args.team.as_deref(), Some("Platform Team"));
        assert_eq!(args.users, ["a@x.io", "cbbbbbbbbbbbbbbbbbbbbbbbb"]);
        assert!(args.bulk.dry_run && args.bulk.from_file.is_none());
        assert_eq!(args.bulk.concurrency, 8);
    }

    #[test]
    fn remove_is_forced_only_when_asked_and_skip_invalid_needs_a_file() {
        let (TeamUserCommand::Remove(Lazy(args)), _) = team_user(&["remove", "T", "a@x.io", "-f"])
        else {
            panic!("remove");
        };
        assert!(args.force);
        let (TeamUserCommand::Remove(Lazy(args)), _) = team_user(&["rm"]) else {
            panic!("remove");
        };
        assert!(!args.force && args.team.is_none() && args.users.is_empty());
        let line = ["astro", "org", "te", "us", "add", "T", "--skip-invalid"].map(OsString::from);
        assert!(parse(line).is_err());
        let line =
            ["astro", "org", "te", "us", "add", "T", "--concurrency", "0"].map(OsString::from);
        assert!(parse(line).is_err());
    }
}
