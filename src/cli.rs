//! The command-line grammar, as a clap derive tree mirroring the Go CLI:
//! `astro organization user update|invite|list`.

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::roles::{OrgRole, RoleParser};

#[derive(Debug, Parser)]
#[command(
    name = "astro",
    version,
    propagate_version = true,
    about = "Manage the people in your Astro Organization",
    after_help = "Flags such as --organization-id, --jq, --timeout and --verbose go anywhere on the line; \
                  each command's help lists the ones it takes.\n\n\
                  Exit codes: 0 success, 1 failure, 2 usage or invalid input, 3 not found, \
                  4 not authenticated or not permitted, 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted anywhere on the line. Each is shown in the help of the commands it applies
/// to ([`GLOBALS_BY_COMMAND`]) and refused by the others. Their environment variables are read
/// by `settings`, not by clap, so that an empty variable counts as unset and a bad value names
/// the variable.
#[derive(Debug, Default, Args)]
pub struct GlobalArgs {
    /// The Organization to work in [env: ASTRO_ORGANIZATION_ID] (default: the API token's
    /// Organization, then the config file's)
    #[arg(long, global = true, value_name = "ID", value_parser = id_value, help_heading = GLOBAL)]
    pub organization_id: Option<String>,

    /// Never prompt; fail naming the missing flag instead [env: ASTRO_NO_INPUT]
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_input: bool,

    /// Filter the JSON output with a jq expression (implies --json; strings print raw)
    #[arg(long, global = true, value_name = "EXPR", help_heading = GLOBAL)]
    pub jq: Option<String>,

    /// Print JSON on one line, and each value a --jq filter yields on a line of its own
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub compact: bool,

    /// Print tables without their header line
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub no_headers: bool,

    /// Seconds to wait for each request before giving up [env: ASTRO_HTTP_TIMEOUT] [default: 30]
    #[arg(
        long,
        global = true,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=3600),
        help_heading = GLOBAL
    )]
    pub timeout: Option<u64>,

    /// Show every request on stderr: method, URL, status, time, request ID and retries (never
    /// the token) [env: ASTRO_DEBUG=1]
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub verbose: bool,
}

const GLOBAL: &str = "Global options";

/// A global flag, for [`GLOBALS_BY_COMMAND`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    OrganizationId,
    NoInput,
    /// `--jq` and `--compact`: for commands that print JSON.
    Json,
    NoHeaders,
    /// `--timeout` and `--verbose`: for commands that talk to the API.
    Http,
}

impl Global {
    fn ids(self) -> &'static [&'static str] {
        match self {
            Global::OrganizationId => &["organization_id"],
            Global::NoInput => &["no_input"],
            Global::Json => &["jq", "compact"],
            Global::NoHeaders => &["no_headers"],
            Global::Http => &["timeout", "verbose"],
        }
    }
}

/// Which global flags each command takes (by its path of canonical names). A test checks that
/// every command is listed.
pub const GLOBALS_BY_COMMAND: &[(&str, &[Global])] = {
    use Global::*;
    &[
        ("login", &[OrganizationId, NoInput, Json, Http]),
        ("logout", &[]),
        ("auth token", &[Http]),
        ("auth status", &[OrganizationId, Json, Http]),
        ("organization list", &[Json, NoHeaders, Http]),
        ("organization switch", &[NoInput, Json, Http]),
        (
            "organization user update",
            &[OrganizationId, NoInput, Json, NoHeaders, Http],
        ),
        (
            "organization user invite",
            &[OrganizationId, NoInput, Json, NoHeaders, Http],
        ),
        (
            "organization user list",
            &[OrganizationId, Json, NoHeaders, Http],
        ),
        ("version", &[Json]),
        ("completion", &[]),
        ("man", &[]),
    ]
};

/// The global flags `path` takes.
pub fn globals_of(path: &str) -> &'static [Global] {
    GLOBALS_BY_COMMAND
        .iter()
        .find(|(p, _)| *p == path)
        .map_or(&[], |(_, g)| *g)
}

/// The clap command, with each global flag shown only in the help of the commands that take
/// it. Every command gets its own copy of each global flag (clap then skips propagating it),
/// hidden where the command does not take it.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    let root = Cli::command();
    let globals: Vec<clap::Arg> = root
        .get_arguments()
        .filter(|a| a.is_global_set())
        .cloned()
        .collect();
    let root = globals
        .iter()
        .fold(root, |cmd, arg| cmd.mut_arg(arg.get_id(), |a| a.hide(true)));
    place_globals(root, "", &globals)
}

fn place_globals(mut cmd: clap::Command, path: &str, globals: &[clap::Arg]) -> clap::Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_owned())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        let takes = globals_of(&sub_path);
        cmd = cmd.mut_subcommand(&name, |mut sub| {
            for arg in globals {
                let shown = takes
                    .iter()
                    .any(|g| g.ids().contains(&arg.get_id().as_str()));
                sub = sub.arg(arg.clone().hide(!shown));
            }
            place_globals(sub, &sub_path, globals)
        });
    }
    cmd
}

/// The global flags given on the line that `path` does not take.
pub fn misplaced_globals(global: &GlobalArgs, path: &str) -> Vec<&'static str> {
    let takes = globals_of(path);
    let given = [
        (
            Global::OrganizationId,
            "--organization-id",
            global.organization_id.is_some(),
        ),
        (Global::NoInput, "--no-input", global.no_input),
        (Global::Json, "--jq", global.jq.is_some()),
        (Global::Json, "--compact", global.compact),
        (Global::NoHeaders, "--no-headers", global.no_headers),
        (Global::Http, "--timeout", global.timeout.is_some()),
        (Global::Http, "--verbose", global.verbose),
    ];
    given
        .into_iter()
        .filter(|(g, _, set)| *set && !takes.contains(g))
        .map(|(_, flag, _)| flag)
        .collect()
}

/// An ID from the command line: trimmed; empty (an unset shell variable) or with spaces inside
/// is refused.
pub fn id_value(raw: &str) -> Result<String, String> {
    let id = raw.trim();
    if id.is_empty() {
        return Err("the ID is empty (an unset shell variable?)".into());
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` is not an ID: it contains spaces or control characters",
            crate::error::echo(&id.escape_debug().to_string())
        ));
    }
    Ok(id.to_owned())
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
    /// Print the version of astro
    Version(VersionArgs),
    /// Print a shell completion script (e.g. `astro completion bash > ~/.local/share/bash-completion/completions/astro`)
    Completion(CompletionArgs),
    /// Print the man page, or write one per command into DIR
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Print the version as JSON
    #[arg(long)]
    pub json: bool,
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
    /// The Astro domain to log in to, and the context to store the login under (default: the
    /// domain ASTRO_API_URL belongs to, else the current context, else astronomer.io)
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
    /// Who you are logged in as: the identity, where the token comes from, its Organization,
    /// Workspace and expiry (never the token itself)
    Status(AuthStatusArgs),
}

#[derive(Debug, Args)]
pub struct AuthStatusArgs {
    /// Print the status as JSON
    #[arg(long)]
    pub json: bool,
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
    #[arg(short, long, value_name = "ID", value_parser = id_value)]
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

    /// The new Organization role (any case, or a short name such as `owner`); prompted for
    /// when missing [possible values: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN,
    /// ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

    /// Print the result as JSON (NDJSON, one object per row, with --from-file)
    #[arg(long)]
    pub json: bool,

    /// Change the role even when it demotes yourself or the last Organization Owner (asked on a
    /// terminal otherwise)
    #[arg(short, long)]
    pub force: bool,

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

    /// The Organization role to give (any case, or a short name such as `member`); with
    /// --from-file, for rows that give none. On a terminal it is asked for, starting on the
    /// default [default: ORGANIZATION_MEMBER]
    #[arg(short, long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
    pub role: Option<OrgRole>,

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
    /// Only users with this Organization role (any case, or a short name such as `owner`)
    /// [possible values: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN,
    /// ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER]
    #[arg(long, value_parser = RoleParser::<OrgRole>::new(), value_name = "ROLE", hide_possible_values = true)]
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
    use clap::FromArgMatches;

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        command()
            .try_get_matches_from(args)
            .and_then(|m| Cli::from_arg_matches(&m))
    }

    #[test]
    fn command_tree_is_valid() {
        command().debug_assert();
    }

    /// Every command is listed in GLOBALS_BY_COMMAND, and every listed path is a command.
    #[test]
    fn every_command_declares_its_global_flags() {
        fn leaves(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
            let subs: Vec<&clap::Command> = cmd
                .get_subcommands()
                .filter(|s| s.get_name() != "help")
                .collect();
            if subs.is_empty() {
                out.push(path.to_owned());
            }
            for sub in subs {
                let p = if path.is_empty() {
                    sub.get_name().to_owned()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                leaves(sub, &p, out);
            }
        }
        let mut paths = Vec::new();
        leaves(&command(), "", &mut paths);
        for path in &paths {
            assert!(
                GLOBALS_BY_COMMAND.iter().any(|(p, _)| p == path),
                "`{path}` is missing from GLOBALS_BY_COMMAND"
            );
        }
        for (p, _) in GLOBALS_BY_COMMAND {
            assert!(paths.iter().any(|path| path == p), "`{p}` is no command");
        }
    }

    #[test]
    fn global_flags_show_only_where_they_apply() {
        let mut cmd = command();
        let help = |cmd: &mut clap::Command, path: &[&str]| {
            let mut sub = cmd.clone();
            for name in path {
                sub = sub.find_subcommand(name).unwrap().clone();
            }
            sub.render_help().to_string()
        };
        let list = help(&mut cmd, &["organization", "user", "list"]);
        for flag in [
            "--organization-id",
            "--jq",
            "--no-headers",
            "--timeout",
            "--verbose",
        ] {
            assert!(
                list.contains(flag),
                "{flag} missing from list help:\n{list}"
            );
        }
        assert!(!list.contains("--no-input"), "{list}");
        let completion = help(&mut cmd, &["completion"]);
        for flag in ["--organization-id", "--jq", "--timeout", "--no-input"] {
            assert!(!completion.contains(flag), "{flag} in completion help");
        }
        let root = cmd.render_help().to_string();
        assert!(!root.contains("--organization-id <ID>"), "{root}");
    }

    #[test]
    fn aliases_and_global_flags_anywhere() {
        for args in [
            &[
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
            ][..],
            &[
                "astro",
                "--organization-id",
                "cx",
                "--no-input",
                "org",
                "us",
                "up",
                "a@b.co",
                "-r",
                "owner",
            ][..],
        ] {
            let cli = parse(args).unwrap();
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
    }

    #[test]
    fn misplaced_global_flags_are_named() {
        let cli = parse(&["astro", "completion", "bash", "--organization-id", "cx"]).unwrap();
        assert_eq!(
            misplaced_globals(&cli.global, "completion"),
            ["--organization-id"]
        );
        let cli = parse(&["astro", "org", "user", "ls", "--jq", ".", "--timeout", "5"]).unwrap();
        assert!(misplaced_globals(&cli.global, "organization user list").is_empty());
    }

    #[test]
    fn empty_and_spaced_ids_are_refused() {
        for bad in ["", "  ", "c1 c2"] {
            let err = parse(&["astro", "org", "user", "ls", "--organization-id", bad]).unwrap_err();
            assert_eq!(
                err.kind(),
                clap::error::ErrorKind::ValueValidation,
                "{bad:?}"
            );
        }
        let cli = parse(&["astro", "org", "user", "ls", "--organization-id", " cx "]).unwrap();
        assert_eq!(cli.global.organization_id.as_deref(), Some("cx"));
    }

    #[test]
    fn json_and_output_conflict() {
        let err = parse(&["astro", "org", "user", "ls", "--json", "-o", "table"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn unknown_role_lists_valid_values_and_suggests() {
        let err = parse(&[
            "astro",
            "org",
            "user",
            "invite",
            "x@y.io",
            "-r",
            "organization_ownr",
        ])
        .unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::InvalidValue);
        let text = err.to_string();
        assert!(text.contains("ORGANIZATION_OBSERVE_MEMBER"), "{text}");
        assert!(text.contains("did you mean ORGANIZATION_OWNER?"), "{text}");
    }
}
