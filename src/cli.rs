//! The command line's shared grammar: the root parser, the global flags (accepted anywhere on
//! the line; each command shows and reads only those it takes), and argument groups several
//! commands share. Each command's own arguments live in its file under `commands/`.

use std::ffi::OsString;
use std::marker::PhantomData;

use clap::parser::ValueSource;
use clap::{
    Arg, ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum,
};

#[derive(Debug, Parser)]
#[command(
    name = "astro",
    version = crate::commands::version::LONG,
    propagate_version = true,
    about = "Manage the people in your Astro Organization",
    after_help = "Flags such as --organization-id, --jq, --timeout and --verbose go anywhere on the line; \
                  each command's help lists the ones it takes.\n\n\
                  Exit codes: 0 success, 1 failure, 2 usage or invalid input, 3 not found, \
                  4 not authenticated or not permitted, 10 changes to make (`access plan \
                  --exit-code`), 130 interrupted."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: crate::commands::Command,
}

/// The global flags as given on the line. Their environment variables are read by `settings`,
/// not by clap, so that an empty variable counts as unset and a bad value names the variable.
#[derive(Debug, Default, Clone)]
pub struct GlobalArgs {
    pub organization_id: Option<String>,
    pub workspace_id: Option<String>,
    pub deployment_id: Option<String>,
    pub no_input: bool,
    pub jq: Option<String>,
    pub compact: bool,
    pub no_headers: bool,
    pub timeout: Option<u64>,
    pub verbose: bool,
}

const GLOBAL: &str = "Global options";

/// A global flag, or two that always go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Global {
    OrganizationId,
    /// `--workspace-id`: for commands that work in a Workspace.
    WorkspaceId,
    /// `--deployment-id`: for commands that work on a Deployment.
    DeploymentId,
    NoInput,
    /// `--jq` and `--compact`: for commands that print JSON.
    Json,
    NoHeaders,
    /// `--timeout` and `--verbose`: for commands that talk to the API.
    Http,
}

impl Global {
    pub const ALL: [Global; 7] = [
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::DeploymentId,
        Global::NoInput,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];

    fn ids(self) -> &'static [&'static str] {
        match self {
            Global::OrganizationId => &["organization_id"],
            Global::WorkspaceId => &["workspace_id"],
            Global::DeploymentId => &["deployment_id"],
            Global::NoInput => &["no_input"],
            Global::Json => &["jq", "compact"],
            Global::NoHeaders => &["no_headers"],
            Global::Http => &["timeout", "verbose"],
        }
    }

    /// The flags' definitions. In the whole tree ([`command`]) they are clap's global
    /// arguments, passed down to every subcommand; in the tree [`parse`] makes, each command
    /// clap builds defines them itself (see [`with_globals`]), so that the commands the line
    /// does not reach are not given copies (start-up, issue 16). Either way they are accepted
    /// anywhere on the line.
    fn args(self) -> Vec<Arg> {
        let flag = |id: &'static str, help: &'static str| {
            Arg::new(id)
                .long(id.replace('_', "-"))
                .action(ArgAction::SetTrue)
                .help(help)
        };
        let args = match self {
            Global::OrganizationId => vec![
                Arg::new("organization_id")
                    .long("organization-id")
                    .value_name("ID")
                    .value_parser(id_value)
                    .help(
                        "The Organization to work in [env: ASTRO_ORGANIZATION_ID] (default: the \
                         API token's Organization, then the config file's)",
                    ),
            ],
            Global::WorkspaceId => vec![
                Arg::new("workspace_id")
                    .long("workspace-id")
                    .value_name("ID_OR_NAME")
                    .value_parser(name_value)
                    .help(
                        "The Workspace to work in, by ID or name [env: ASTRO_WORKSPACE_ID] \
                         (default: the API token's Workspace, then the config file's)",
                    ),
            ],
            Global::DeploymentId => vec![
                Arg::new("deployment_id")
                    .long("deployment-id")
                    .value_name("ID_OR_NAME")
                    .value_parser(name_value)
                    .help(
                        "The Deployment to work on, by ID or name (a name within the Workspace when one is \
                         selected) [env: ASTRO_DEPLOYMENT_ID] (default: picked on a terminal)",
                    ),
            ],
            Global::NoInput => vec![flag(
                "no_input",
                "Never prompt; fail naming the missing flag instead [env: ASTRO_NO_INPUT]",
            )],
            Global::Json => vec![
                Arg::new("jq").long("jq").value_name("EXPR").help(
                    "Filter the JSON output with a jq expression (implies --json; strings print \
                     raw)",
                ),
                flag(
                    "compact",
                    "Print JSON on one line, and each value a --jq filter yields on a line of \
                     its own",
                ),
            ],
            Global::NoHeaders => vec![flag("no_headers", "Print tables without their header line")],
            Global::Http => vec![
                Arg::new("timeout")
                    .long("timeout")
                    .value_name("SECONDS")
                    .value_parser(clap::value_parser!(u64).range(1..=3600))
                    .help(
                        "Seconds to wait for each request before giving up [env: \
                         ASTRO_HTTP_TIMEOUT] [default: 30]",
                    ),
                flag(
                    "verbose",
                    "Show every request on stderr: method, URL, status, time, request ID and \
                     retries (never the token) [env: ASTRO_DEBUG=1]",
                ),
            ],
        };
        let global = !LAZY.get();
        args.into_iter()
            .map(|a| a.global(global).help_heading(GLOBAL))
            .collect()
    }

    /// Every global flag's ID.
    fn all_ids() -> impl Iterator<Item = &'static str> {
        Global::ALL.iter().flat_map(|g| g.ids()).copied()
    }

    /// The flag as written on the line, for messages.
    fn flag(id: &str) -> String {
        format!("--{}", id.replace('_', "-"))
    }
}

/// At the root every global flag is defined, hidden: accepted anywhere, shown nowhere but on
/// the commands that take them (see [`Takes`]).
impl Args for GlobalArgs {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        Global::ALL
            .iter()
            .flat_map(|g| g.args())
            .fold(cmd, |cmd, arg| cmd.arg(arg.hide(true)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

/// The flags' values are gathered along the invoked path of commands, from the root down, a
/// value given deeper replacing one given higher, as clap does for its global arguments. (In
/// the tree [`parse`] makes, each command has its own definitions and so its own values; in the
/// whole tree, clap has already copied the final values to every level.) `Cli`'s subcommand is
/// read after this, so `matches` still holds the whole path.
impl FromArgMatches for GlobalArgs {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut global = Self::default();
        let mut level = Some(m);
        while let Some(m) = level {
            global.take_given(m);
            level = m.subcommand().map(|(_, sub)| sub);
        }
        Ok(global)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl GlobalArgs {
    /// Takes the values given on the line to one command of the path.
    fn take_given(&mut self, m: &ArgMatches) {
        let string = |id| given::<String>(m, id);
        let set = |id| given::<bool>(m, id).unwrap_or(false);
        self.organization_id = string("organization_id").or(self.organization_id.take());
        self.workspace_id = string("workspace_id").or(self.workspace_id.take());
        self.deployment_id = string("deployment_id").or(self.deployment_id.take());
        self.no_input |= set("no_input");
        self.jq = string("jq").or(self.jq.take());
        self.compact |= set("compact");
        self.no_headers |= set("no_headers");
        self.timeout = given::<u64>(m, "timeout").or(self.timeout);
        self.verbose |= set("verbose");
    }
}

/// The value of `id` when it was given on the line to this command (not a default).
fn given<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str) -> Option<T> {
    match m.try_get_one::<T>(id) {
        Ok(Some(value)) if m.value_source(id) == Some(ValueSource::CommandLine) => {
            Some(value.clone())
        }
        _ => None,
    }
}

/// The global flags a command takes: `#[command(flatten)] pub globals: Takes<Writes>` in its
/// arguments shows those flags in its help (under "Global options") and lets it read them and
/// their environment variables; any other global flag given to it is refused.
pub struct Takes<S>(PhantomData<S>);

/// A set of global flags, for [`Takes`].
pub trait GlobalSet: 'static {
    const TAKES: &'static [Global];
}

impl<S> std::fmt::Debug for Takes<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Takes")
    }
}

impl<S> Default for Takes<S> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<S: GlobalSet> Args for Takes<S> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        S::TAKES
            .iter()
            .flat_map(|g| g.args())
            .fold(cmd, |cmd, arg| cmd.arg(arg))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<S: GlobalSet> FromArgMatches for Takes<S> {
    fn from_arg_matches(_: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(Self::default())
    }

    fn update_from_arg_matches(&mut self, _: &ArgMatches) -> Result<(), clap::Error> {
        Ok(())
    }
}

/// Global flags a subcommand does not take though its parent command does (`invite` shows
/// `--no-headers`, `invite cancel` prints no table): `#[command(flatten)] pub hides:
/// Hides<NoHeaders>` defines them hidden on the subcommand, so the parent's are not passed down
/// to its help, and giving them is refused as anywhere else they do not apply.
pub struct Hides<S>(PhantomData<S>);

impl<S> std::fmt::Debug for Hides<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Hides")
    }
}

impl<S> Default for Hides<S> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<S: GlobalSet> Args for Hides<S> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        S::TAKES
            .iter()
            .flat_map(|g| g.args())
            .fold(cmd, |cmd, arg| cmd.arg(arg.hide(true)))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

impl<S: GlobalSet> FromArgMatches for Hides<S> {
    fn from_arg_matches(_: &ArgMatches) -> Result<Self, clap::Error> {
        Ok(Self::default())
    }

    fn update_from_arg_matches(&mut self, _: &ArgMatches) -> Result<(), clap::Error> {
        Ok(())
    }
}

/// `--no-headers` alone, for [`Hides`].
pub struct NoHeaders;
impl GlobalSet for NoHeaders {
    const TAKES: &'static [Global] = &[Global::NoHeaders];
}

/// Commands that read from the API: the Organization, JSON, tables, requests.
pub struct Reads;
impl GlobalSet for Reads {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];
}

/// Commands that change things: as [`Reads`], and they may prompt.
pub struct Writes;
impl GlobalSet for Writes {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::NoInput,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];
}

/// Commands that change things and print no table: the Organization, `--no-input`, JSON,
/// requests.
pub struct Changes;
impl GlobalSet for Changes {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::NoInput,
        Global::Json,
        Global::Http,
    ];
}

/// Commands that change things in a Workspace and print no table: as [`Changes`], and
/// `--workspace-id`.
pub struct WorkspaceChanges;
impl GlobalSet for WorkspaceChanges {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::NoInput,
        Global::Json,
        Global::Http,
    ];
}

/// Commands that read from the API about a Deployment: the Organization, the Workspace (to
/// name the Deployment in), the Deployment, `--no-input` (a Deployment may be picked), JSON,
/// tables, requests.
pub struct DeploymentReads;
impl GlobalSet for DeploymentReads {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::DeploymentId,
        Global::NoInput,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];
}

/// Commands that change access on a Deployment: as [`DeploymentReads`] without tables.
pub struct DeploymentChanges;
impl GlobalSet for DeploymentChanges {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::DeploymentId,
        Global::NoInput,
        Global::Json,
        Global::Http,
    ];
}

/// Commands that read from the API in a Workspace: as [`Reads`], and `--workspace-id`.
pub struct WorkspaceReads;
impl GlobalSet for WorkspaceReads {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];
}

/// Commands that change things in a Workspace: as [`Writes`], and `--workspace-id`.
pub struct WorkspaceWrites;
impl GlobalSet for WorkspaceWrites {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::NoInput,
        Global::Json,
        Global::NoHeaders,
        Global::Http,
    ];
}

/// `astro api`: any request, so every scope a path may need, JSON and requests.
pub struct ApiRequests;
impl GlobalSet for ApiRequests {
    const TAKES: &'static [Global] = &[
        Global::OrganizationId,
        Global::WorkspaceId,
        Global::DeploymentId,
        Global::Json,
        Global::Http,
    ];
}

/// Commands that print a table or JSON and talk to no API.
pub struct OfflineTables;
impl GlobalSet for OfflineTables {
    const TAKES: &'static [Global] = &[Global::Json, Global::NoHeaders];
}

/// Commands that print JSON and talk to no API.
pub struct JsonOnly;
impl GlobalSet for JsonOnly {
    const TAKES: &'static [Global] = &[Global::Json];
}

/// The command that was invoked: its path of names (`organization user update`) and the global
/// flags it takes.
#[derive(Debug, Clone)]
pub struct Invoked {
    pub path: String,
    pub takes: Vec<Global>,
    /// Global flags' IDs the command defines as its own flags (`organization switch -w`):
    /// their values are the command's, not the global option's.
    pub own: Vec<String>,
}

/// The clap command tree, whole (for the man pages, completions and tests).
pub fn command() -> clap::Command {
    Cli::command()
}

/// The tree as [`parse`] uses it: every command behind a [`Lazy`] (a group's subcommands, a
/// command's arguments) is made only when the line reaches it, and the global flags are defined
/// on each command as it is made instead of being copied by clap into every subcommand, so
/// `astro --version` or `astro org user list --help` builds a few commands and their arguments
/// instead of all of them (start-up time, issue 16).
fn lazy_command() -> clap::Command {
    lazily(Cli::command)
}

thread_local! {
    /// Whether the tree is being made for [`parse`]: [`Lazy`] defers its part, and the global
    /// flags are each command's own (see [`Global::args`]).
    static LAZY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn lazily<R>(make: impl FnOnce() -> R) -> R {
    let before = LAZY.replace(true);
    let made = make();
    LAZY.set(before);
    made
}

/// A part of the tree clap makes only when the line reaches it, when the tree was made by
/// [`parse`]; [`command`] makes the whole tree as before. Parsing, help and errors are the same
/// either way: clap runs a deferred part before it looks at a command.
/// - A group's subcommands: `#[command(subcommand)] Organization(Lazy<OrganizationCommand>)`.
/// - A command's arguments: `List(Lazy<list::ListArgs>)`; until then the command is its name,
///   about and aliases, all its parent's help and errors need. Subcommands inside those
///   arguments (`invite cancel`, `api ls`) are made with them, not deferred again.
#[derive(Debug)]
pub struct Lazy<T>(pub T);

fn deferred<T: Subcommand>(cmd: clap::Command) -> clap::Command {
    keeping_about(cmd, |cmd| {
        lazily(|| with_globals(T::augment_subcommands(cmd)))
    })
}

fn deferred_for_update<T: Subcommand>(cmd: clap::Command) -> clap::Command {
    keeping_about(cmd, |cmd| {
        lazily(|| with_globals(T::augment_subcommands_for_update(cmd)))
    })
}

fn deferred_args<T: Args>(cmd: clap::Command) -> clap::Command {
    keeping_about(cmd, |cmd| {
        lazily(|| passing_globals_down(with_globals(T::augment_args(cmd))))
    })
}

fn deferred_args_for_update<T: Args>(cmd: clap::Command) -> clap::Command {
    keeping_about(cmd, |cmd| {
        lazily(|| passing_globals_down(with_globals(T::augment_args_for_update(cmd))))
    })
}

/// Whether `arg` is a global flag's definition (shown or hidden), not a command's own flag
/// that has a global flag's ID (`organization switch -w`).
fn is_global(arg: &Arg) -> bool {
    arg.is_global_set() || arg.get_help_heading() == Some(GLOBAL)
}

fn defines(cmd: &clap::Command, id: &str) -> bool {
    cmd.get_arguments().any(|a| a.get_id().as_str() == id)
}

/// A command made lazily defines, hidden, the global flags it does not define itself (those it
/// takes or hides): what clap's global arguments, all hidden at the root, would have given it.
/// Every command between the root and a [`Lazy`] part is a group, which defines none itself.
fn with_globals(cmd: clap::Command) -> clap::Command {
    // Only the flags it lacks are made: most commands define most of them already.
    let lacking: Vec<Global> = Global::ALL
        .into_iter()
        .filter(|g| g.ids().iter().any(|id| !defines(&cmd, id)))
        .collect();
    lacking.iter().flat_map(|g| g.args()).fold(cmd, |cmd, arg| {
        if defines(&cmd, arg.get_id().as_str()) {
            cmd
        } else {
            cmd.arg(arg.hide(true))
        }
    })
}

/// The subcommands made with a command's arguments (`invite cancel`) get its global flags'
/// definitions, shown or hidden, that they do not define themselves, as clap passes global
/// arguments down.
fn passing_globals_down(mut cmd: clap::Command) -> clap::Command {
    if !cmd.has_subcommands() {
        return cmd;
    }
    let globals: Vec<Arg> = cmd
        .get_arguments()
        .filter(|a| is_global(a))
        .cloned()
        .collect();
    for sub in cmd.get_subcommands_mut() {
        let made = globals.iter().fold(std::mem::take(sub), |sub, arg| {
            if defines(&sub, arg.get_id().as_str()) {
                sub
            } else {
                sub.arg(arg.clone())
            }
        });
        *sub = passing_globals_down(made);
    }
    cmd
}

/// Made eagerly, a group's enum (or an arguments struct) sets its own doc comment as the about
/// and the variant's doc comment then overrides it; deferred, the enum's would come last. The
/// variant's stays.
fn keeping_about(
    cmd: clap::Command,
    augment: impl FnOnce(clap::Command) -> clap::Command,
) -> clap::Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = augment(cmd);
    match (about, long_about) {
        (None, _) => cmd,
        (Some(about), None) => cmd.about(about).long_about(None),
        (Some(about), Some(long_about)) => cmd.about(about).long_about(long_about),
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        if LAZY.get() {
            cmd.defer(deferred::<T>)
        } else {
            T::augment_subcommands(cmd)
        }
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        if LAZY.get() {
            cmd.defer(deferred_for_update::<T>)
        } else {
            T::augment_subcommands_for_update(cmd)
        }
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        if LAZY.get() {
            cmd.defer(deferred_args::<T>)
        } else {
            T::augment_args(cmd)
        }
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        if LAZY.get() {
            cmd.defer(deferred_args_for_update::<T>)
        } else {
            T::augment_args_for_update(cmd)
        }
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(m).map(Lazy)
    }

    fn from_arg_matches_mut(m: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(m).map(Lazy)
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(m)
    }

    fn update_from_arg_matches_mut(&mut self, m: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(m)
    }
}

/// Parses `args` (the program name first) into the command line and what was invoked.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<(Cli, Invoked), clap::Error> {
    parse_with(lazy_command(), args)
}

/// Parses `args` with the tree `cmd` (the lazy one, or in tests the whole one).
fn parse_with(
    mut cmd: clap::Command,
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
) -> Result<(Cli, Invoked), clap::Error> {
    let matches = cmd.try_get_matches_from_mut(args)?;
    let invoked = invoked(&cmd, &matches);
    let mut cli = Cli::from_arg_matches(&matches)?;
    cli.command.take_global_values(&cli.global);
    Ok((cli, invoked))
}

/// Walks from the root to the invoked command; the global flags it shows are those it takes.
fn invoked(root: &clap::Command, matches: &ArgMatches) -> Invoked {
    let (mut cmd, mut matches) = (root, matches);
    let mut names = Vec::new();
    while let Some((name, sub)) = matches.subcommand() {
        let Some(next) = cmd.find_subcommand(name) else {
            break;
        };
        names.push(next.get_name().to_owned());
        (cmd, matches) = (next, sub);
    }
    // A command's own flag with a global flag's name (`organization switch -w`) is not it.
    let shown = |id: &str| {
        cmd.get_arguments()
            .any(|a| a.get_id().as_str() == id && is_global(a) && !a.is_hide_set())
    };
    let own = Global::all_ids()
        .filter(|id| {
            cmd.get_arguments()
                .any(|a| a.get_id().as_str() == *id && !is_global(a))
        })
        .map(str::to_owned)
        .collect();
    Invoked {
        path: names.join(" "),
        takes: Global::ALL
            .into_iter()
            .filter(|g| g.ids().iter().all(|id| shown(id)))
            .collect(),
        own,
    }
}

impl GlobalArgs {
    /// Forgets the values of global flags the command defines as its own.
    pub fn without(mut self, own: &[String]) -> Self {
        if own.iter().any(|id| id == "workspace_id") {
            self.workspace_id = None;
        }
        if own.iter().any(|id| id == "organization_id") {
            self.organization_id = None;
        }
        self
    }
}

/// The global flags given on the line that the command does not take.
pub fn misplaced_globals(global: &GlobalArgs, takes: &[Global]) -> Vec<String> {
    let given = [
        ("organization_id", global.organization_id.is_some()),
        ("workspace_id", global.workspace_id.is_some()),
        ("deployment_id", global.deployment_id.is_some()),
        ("no_input", global.no_input),
        ("jq", global.jq.is_some()),
        ("compact", global.compact),
        ("no_headers", global.no_headers),
        ("timeout", global.timeout.is_some()),
        ("verbose", global.verbose),
    ];
    given
        .into_iter()
        .filter(|(id, set)| *set && !takes.iter().any(|g| g.ids().contains(id)))
        .map(|(id, _)| Global::flag(id))
        .collect()
}

/// An ID or a name from the command line: trimmed; empty (an unset shell variable) is refused.
pub fn name_value(raw: &str) -> Result<String, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("the value is empty (an unset shell variable?)".into());
    }
    if value.chars().any(char::is_control) {
        return Err("it contains control characters".into());
    }
    Ok(value.to_owned())
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

/// Options shared by `update`, `invite` and `workspace user add|update` for many rows at once.
#[derive(Debug, Default, clap::Args)]
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

/// `--json` or `-o table|json`, for listings.
#[derive(Debug, clap::Args)]
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
    use super::*;
    use crate::commands::Command;

    /// Every command's path of names, from the whole tree.
    fn paths(cmd: &clap::Command, prefix: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands() {
            let mut path = prefix.to_vec();
            path.push(sub.get_name().to_owned());
            out.push(path.clone());
            paths(sub, &path, out);
        }
    }

    /// The lines tried on every command: help, version, an unknown flag, nothing, `help`
    /// before it, and each global flag before, inside and after it (given once, or at two
    /// levels with different values).
    fn lines(path: &[String]) -> Vec<Vec<String>> {
        let globals: [&[&str]; 11] = [
            &["--organization-id", "cx"],
            &["--workspace-id", "w1"],
            &["--deployment-id", "d1"],
            &["--no-input"],
            &["--jq", ".a"],
            &["--compact"],
            &["--no-headers"],
            &["--timeout", "5"],
            &["--verbose"],
            &["--timeout", "0"],
            &["--organizaton-id", "cx"],
        ];
        let owned = |words: &[&str]| words.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let line = |before: &[String], tail: &[String]| {
            std::iter::once("astro".to_owned())
                .chain(before.iter().cloned())
                .chain(path.iter().cloned())
                .chain(tail.iter().cloned())
                .collect::<Vec<_>>()
        };
        let mut lines: Vec<Vec<String>> = [
            &["--help"][..],
            &["-h"],
            &["--version"],
            &["--no-such-flag"],
            &[],
        ]
        .iter()
        .map(|tail| line(&[], &owned(tail)))
        .collect();
        lines.push(line(&owned(&["help"]), &[]));
        for flag in globals {
            lines.push(line(&owned(flag), &[]));
            lines.push(line(&[], &owned(flag)));
            if path.len() > 1 {
                let mut inside = line(&[], &[]);
                inside.splice(2..2, owned(flag));
                lines.push(inside);
            }
        }
        for (higher, deeper) in [
            (&["--timeout", "5"][..], &["--timeout", "7"][..]),
            (&["--organization-id", "c1"], &["--organization-id", "c2"]),
            (&["--workspace-id", "w1"], &["--workspace-id", "w2"]),
            (&["--verbose", "--jq", ".a"], &["--verbose", "--jq", ".b"]),
            (&["--no-input", "--no-input"], &[]),
        ] {
            lines.push(line(&owned(higher), &owned(deeper)));
        }
        lines
    }

    #[test]
    fn the_lazy_tree_parses_and_helps_as_the_whole_one() {
        let whole = command();
        let mut all = Vec::new();
        paths(&whole, &[], &mut all);
        assert!(all.len() > 50, "only {} commands found", all.len());
        for path in all {
            for line in lines(&path) {
                // What clap made of the line, the command invoked and the global flags taken.
                let outcome = |cmd: clap::Command| match parse_with(cmd, &line) {
                    Ok((cli, invoked)) => format!("ok {cli:?} {invoked:?}"),
                    Err(e) => format!("{:?}: {}", e.kind(), e.render()),
                };
                assert_eq!(
                    outcome(lazy_command()),
                    outcome(whole.clone()),
                    "`{}` differs when the tree is made lazily (is each command's variant \
                     `Lazy<…>`, its arguments or its group?)",
                    line.join(" ")
                );
            }
        }
    }

    /// The commands the line does not reach are name, about and aliases only.
    #[test]
    fn the_lazy_tree_makes_only_what_the_line_reaches() {
        let arguments = |cmd: &clap::Command| {
            cmd.get_arguments()
                .map(|a| a.get_id().to_string())
                .collect::<Vec<_>>()
        };
        let mut cmd = lazy_command();
        cmd.try_get_matches_from_mut(["astro", "org", "user", "list"])
            .unwrap();
        assert_eq!(arguments(cmd.find_subcommand("login").unwrap()), [""; 0]);
        let org = cmd.find_subcommand("organization").unwrap();
        assert_eq!(arguments(org.find_subcommand("switch").unwrap()), [""; 0]);
        assert_eq!(
            org.find_subcommand("team")
                .unwrap()
                .get_subcommands()
                .count(),
            0
        );
        let user = org.find_subcommand("user").unwrap();
        let update = user.find_subcommand("update").unwrap();
        assert_eq!(
            update.get_about().unwrap().to_string(),
            "Change a user's Organization role"
        );
        assert_eq!(update.get_visible_aliases().collect::<Vec<_>>(), ["up"]);
        assert_eq!(arguments(update), [""; 0]);
        let list = arguments(user.find_subcommand("list").unwrap());
        assert!(list.iter().any(|id| id == "role"), "{list:?}");
        for id in Global::all_ids() {
            assert!(
                list.iter().filter(|a| *a == id).count() == 1,
                "{id} in {list:?}"
            );
        }
    }

    fn parse(args: &[&str]) -> Result<(Cli, Invoked), clap::Error> {
        super::parse(args.iter().map(OsString::from))
    }

    #[test]
    fn command_tree_is_valid() {
        command().debug_assert();
    }

    #[test]
    fn each_command_takes_the_global_flags_it_declares() {
        for (args, path, takes) in [
            (
                &["astro", "org", "us", "ls"][..],
                "organization user list",
                Reads::TAKES,
            ),
            (
                &["astro", "org", "user", "up", "a@b.co"][..],
                "organization user update",
                Writes::TAKES,
            ),
            (
                &["astro", "org", "us", "inv", "a@b.co"][..],
                "organization user invite",
                Writes::TAKES,
            ),
            // Not `--no-headers`, though `invite` takes it: `cancel` prints no table.
            (
                &["astro", "org", "us", "inv", "cancel", "cx"][..],
                "organization user invite cancel",
                Changes::TAKES,
            ),
            (
                &["astro", "org", "roles", "ls"][..],
                "organization role list",
                Reads::TAKES,
            ),
            (&["astro", "version"][..], "version", JsonOnly::TAKES),
            (&["astro", "completion", "bash"][..], "completion", &[][..]),
            (
                &["astro", "org", "sw", "x"][..],
                "organization switch",
                &[Global::NoInput, Global::Json, Global::Http][..],
            ),
        ] {
            let (_, invoked) = parse(args).unwrap();
            assert_eq!(invoked.path, path);
            assert_eq!(invoked.takes, takes, "{path}");
        }
    }

    #[test]
    fn global_flags_show_only_where_they_apply() {
        let help = |path: &[&str]| {
            let mut cmd = command();
            cmd.build();
            let mut sub = cmd;
            for name in path {
                sub = sub.find_subcommand(name).unwrap().clone();
            }
            sub.render_help().to_string()
        };
        let list = help(&["organization", "user", "list"]);
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
        let completion = help(&["completion"]);
        for flag in ["--organization-id", "--jq", "--timeout", "--no-input"] {
            assert!(!completion.contains(flag), "{flag} in completion help");
        }
        let root = command().render_help().to_string();
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
            let (cli, invoked) = parse(args).unwrap();
            assert!(cli.global.no_input);
            assert_eq!(cli.global.organization_id.as_deref(), Some("cx"));
            assert_eq!(invoked.path, "organization user update");
            let Command::Organization(_) = cli.command else {
                panic!("expected organization");
            };
        }
    }

    #[test]
    fn misplaced_global_flags_are_named() {
        let (cli, invoked) =
            parse(&["astro", "completion", "bash", "--organization-id", "cx"]).unwrap();
        assert_eq!(
            misplaced_globals(&cli.global, &invoked.takes),
            ["--organization-id"]
        );
        let (cli, invoked) =
            parse(&["astro", "org", "user", "ls", "--jq", ".", "--timeout", "5"]).unwrap();
        assert!(misplaced_globals(&cli.global, &invoked.takes).is_empty());
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
        let (cli, _) = parse(&["astro", "org", "user", "ls", "--organization-id", " cx "]).unwrap();
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
