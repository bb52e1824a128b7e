//! The command-line grammar, as a clap derive tree mirroring the Go CLI:
//! `astro organization user update|invite|list`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env_vars;
use crate::roles::OrgRole;

#[derive(Debug, Parser)]
#[command(
    name = "astro",
    version,
    propagate_version = true,
    about = "Manage the people in your Astro Organization",
    after_help = "Exit codes: 0 success, 1 failure, 2 usage or invalid input, 3 not found, \
                  4 not authenticated or not permitted, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// The Organization to work in (default: the API token's Organization, then the config file's)
    #[arg(long, global = true, value_name = "ID", env = env_vars::ORGANIZATION_ID, hide_env_values = true)]
    pub organization_id: Option<String>,

    /// Never prompt; fail naming the missing flag instead
    #[arg(
        long,
        global = true,
        env = env_vars::NO_INPUT,
        hide_env_values = true,
        action = clap::ArgAction::SetTrue,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_input: bool,

    /// Filter the JSON output with a jq expression (implies --json; strings print raw)
    #[arg(long, global = true, value_name = "EXPR")]
    pub jq: Option<String>,

    /// Seconds to wait for each request before giving up
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        env = env_vars::HTTP_TIMEOUT,
        hide_env_values = true,
        default_value_t = 30,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    pub timeout: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Log in to Astro (in a browser, or with a token)
    Login(LoginArgs),
    /// Log out of Astro: forget the stored token of a context
    Logout(LogoutArgs),
    /// Manage your credentials
    Auth(AuthArgs),
    /// Manage your Astro Organization
    #[command(visible_alias = "org")]
    Organization(OrganizationArgs),
    /// Print a shell completion script (e.g. `astro completion bash > ~/.local/share/bash-completion/completions/astro`)
    Completion(CompletionArgs),
    /// Print the man page, or write one per command into DIR
    #[command(hide = true)]
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Folder to write `astro.1`, `astro-organization.1`, … into
    #[arg(value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  astro login                                  # in a browser\n  \
                        astro login --login-link                     # print the link instead of opening it\n  \
                        printenv ASTRO_TOKEN | astro login --token-login -"
)]
pub struct LoginArgs {
    /// The Astro domain to log in to (default: the current context, else astronomer.io)
    #[arg(value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Log in with this token instead of a browser; `-` reads it from stdin
    #[arg(short = 't', long, value_name = "TOKEN")]
    pub token_login: Option<String>,

    /// Print the login link instead of opening a browser
    #[arg(short = 'l', long, conflicts_with = "token_login")]
    pub login_link: bool,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// The domain to log out of (default: the current context)
    #[arg(value_name = "DOMAIN")]
    pub domain: Option<String>,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Print the token in use, for scripts (stdout, nothing else)
    Token,
}

#[derive(Debug, Args)]
pub struct OrganizationArgs {
    #[command(subcommand)]
    pub command: OrganizationCommand,
}

#[derive(Debug, Subcommand)]
pub enum OrganizationCommand {
    /// List the Organizations you can access, the current one marked
    #[command(visible_alias = "ls")]
    List(OrgListArgs),
    /// Make another Organization the current one
    #[command(visible_alias = "sw")]
    Switch(SwitchArgs),
    /// Manage the users of your Organization
    #[command(visible_aliases = ["us", "users"])]
    User(UserArgs),
}

#[derive(Debug, Args)]
pub struct OrgListArgs {
    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  astro organization switch \"Example Org\"\n  \
                        astro org sw cm1abcdefghijklmnopqrstuv -w cm1workspace0000000000000"
)]
pub struct SwitchArgs {
    /// The Organization's name or ID; chosen from a list when missing
    #[arg(value_name = "NAME_OR_ID")]
    pub organization: Option<String>,

    /// The Workspace to make current in that Organization
    #[arg(short, long, value_name = "ID")]
    pub workspace_id: Option<String>,

    /// Print the result as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Change a user's Organization role
    #[command(visible_alias = "up")]
    Update(UpdateArgs),
    /// Invite someone to your Organization
    #[command(visible_alias = "inv")]
    Invite(InviteArgs),
    /// List the users of your Organization
    #[command(visible_alias = "ls")]
    List(ListArgs),
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  astro organization user update grace@example.com --role ORGANIZATION_OWNER\n  \
                        astro org user up --no-input --json cm1abc… -r organization_member"
)]
pub struct UpdateArgs {
    /// The user's email address (any case) or user ID; prompted for when missing
    #[arg(value_name = "EMAIL_OR_ID")]
    pub user: Option<String>,

    /// The new Organization role (any case); prompted for when missing
    #[arg(short, long, value_enum, ignore_case = true, value_name = "ROLE")]
    pub role: Option<OrgRole>,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// Options shared by `update` and `invite` for many rows at once.
#[derive(Debug, Default, Args)]
pub struct BulkArgs {
    /// Apply many rows from a CSV file with header `email,role`, or JSON lines
    /// `{"email":…,"role":…}`; `-` reads stdin
    #[arg(long, value_name = "FILE")]
    pub from_file: Option<std::path::PathBuf>,

    /// Show what would be done and send no change
    #[arg(long)]
    pub dry_run: bool,

    /// With --from-file: how many requests to send at once
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,

    /// With --from-file: apply the valid rows even when some are invalid
    #[arg(long, requires = "from_file")]
    pub skip_invalid: bool,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  astro organization user invite new.hire@example.com --role ORGANIZATION_MEMBER"
)]
pub struct InviteArgs {
    /// The email address to invite; prompted for when missing
    #[arg(value_name = "EMAIL")]
    pub email: Option<String>,

    /// The Organization role to give (any case); with --from-file, for rows that give none
    #[arg(
        short,
        long,
        value_enum,
        ignore_case = true,
        value_name = "ROLE",
        default_value = "ORGANIZATION_MEMBER"
    )]
    pub role: OrgRole,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub bulk: BulkArgs,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  astro organization user list --role organization_owner --sort email\n  \
                        astro organization user list --status pending --jq '.users[].email'"
)]
pub struct ListArgs {
    /// Only users with this Organization role (any case)
    #[arg(long, value_enum, ignore_case = true, value_name = "ROLE")]
    pub role: Option<OrgRole>,

    /// Only users with this status (any case)
    #[arg(long, value_enum, ignore_case = true, value_name = "STATUS")]
    pub status: Option<UserStatus>,

    /// Order of the list (default: the API's, oldest member first)
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<UserSort>,

    #[command(flatten)]
    pub format: FormatArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserStatus {
    Active,
    Inactive,
    Pending,
    Banned,
}

impl UserStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "ACTIVE",
            UserStatus::Inactive => "INACTIVE",
            UserStatus::Pending => "PENDING",
            UserStatus::Banned => "BANNED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UserSort {
    Email,
    Name,
    Created,
    Role,
}

/// `--json` or `-o table|json`, for listings.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Print JSON (same as --output json)
    #[arg(long, conflicts_with = "output")]
    pub json: bool,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

impl FormatArgs {
    pub fn wants_json(&self) -> bool {
        self.json || self.output == Some(OutputFormat::Json)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_tree_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn aliases_and_global_flags_anywhere() {
        let cli = Cli::try_parse_from([
            "astro",
            "org",
            "us",
            "up",
            "a@b.co",
            "-r",
            "organization_owner",
            "--no-input",
            "--organization-id",
            "cx",
        ])
        .unwrap();
        assert!(cli.global.no_input);
        assert_eq!(cli.global.organization_id.as_deref(), Some("cx"));
        let Command::Organization(org) = cli.command else {
            panic!("expected organization");
        };
        let OrganizationCommand::User(user) = org.command else {
            panic!("expected user");
        };
        let UserCommand::Update(args) = user.command else {
            panic!("expected update");
        };
        assert_eq!(args.role, Some(OrgRole::OrganizationOwner));
    }

    #[test]
    fn json_and_output_conflict() {
        let err = Cli::try_parse_from(["astro", "org", "user", "ls", "--json", "-o", "table"])
            .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn unknown_role_lists_valid_values() {
        let err = Cli::try_parse_from(["astro", "org", "user", "invite", "x@y.io", "-r", "admin"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("ORGANIZATION_OBSERVE_MEMBER"), "{err}");
    }
}
