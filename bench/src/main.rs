//! `astro-bench`: runs the release `astro` binary against an in-process emulator with a fixed
//! per-request latency and compares each job done the new way with the reference way (the
//! Go CLI's paging, `ASTRO_PAGING=reference`, and one process per change), side by side in
//! the same run. See bench/README.md.

mod access;
mod access_apply;
mod alone;
mod api_paginate;
mod audit_logs;
mod chain;
mod measure;
mod startup;
mod team_users;

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use astro_emulator::{Emulator, EmulatorHandle};
use clap::Parser;

use measure::ChildRun;

const OWNER: &str = "ORGANIZATION_OWNER";
const MEMBER: &str = "ORGANIZATION_MEMBER";
/// The Workspace generated users are added to, and the role they get there.
const WORKSPACE: &str = "Analytics";
const WS_ROLE: &str = "WORKSPACE_AUTHOR";
/// Users in the emulator's default seed, before the generated ones.
const SEED_USERS: usize = 6;
/// The reference CLI's page size; its presence in the log proves the binary honoured
/// `ASTRO_PAGING=reference`.
const REFERENCE_LIMIT: &str = "limit=100&";

#[derive(Parser, Debug)]
#[command(about = "Benchmark the release `astro` binary against the bundled emulator")]
struct Args {
    /// Organization sizes (members, including the 6 seed users)
    #[arg(long, value_delimiter = ',', default_value = "100,1000,10000,50000")]
    sizes: Vec<usize>,
    /// Emulator latency per request, in milliseconds
    #[arg(long, default_value_t = 25)]
    latency_ms: u64,
    /// Where to write the Markdown report [default: bench/RESULTS.md in the workspace]
    #[arg(long)]
    out: Option<PathBuf>,
    /// The `astro` binary [default: target/release/astro in the workspace]
    #[arg(long)]
    astro: Option<PathBuf>,
    /// Runs per job and way (the median is reported)
    #[arg(long, default_value_t = 3)]
    runs: usize,
    /// Runs of the whole reference bulk loop (it is slow)
    #[arg(long, default_value_t = 1)]
    bulk_ref_runs: usize,
    /// Single runs to time when the reference bulk loop would exceed --ref-budget-s
    #[arg(long, default_value_t = 20)]
    sample: usize,
    /// Estimated seconds above which the reference bulk loop is sampled and extrapolated
    #[arg(long, default_value_t = 60)]
    ref_budget_s: u64,
    /// Runs of `astro --version` and of /bin/true for the start-up figure
    #[arg(long, default_value_t = 200)]
    startup_runs: usize,
    /// Organization size (members, seed users included) of the Team members job
    #[arg(long, default_value_t = 10_000)]
    team_size: usize,
    /// Emails given to one `organization team user add` in the Team members job
    #[arg(long, default_value_t = 50)]
    team_emails: usize,
    /// Run only the Team members job, and replace only its section of the report at --out
    #[arg(long)]
    team_only: bool,
    /// Members (the owner included) of the access job's Organization
    #[arg(long, default_value_t = 5_000)]
    access_members: usize,
    /// Workspaces (3 Deployments each) of the access job's Organization
    #[arg(long, default_value_t = 50)]
    access_workspaces: usize,
    /// Teams of the access job's Organization
    #[arg(long, default_value_t = 100)]
    access_teams: usize,
    /// Run only the access job (`organization access export`, then `plan` of the file), and
    /// replace only its section of the report at --out
    #[arg(long, conflicts_with = "team_only")]
    access_only: bool,
    /// Run only the access-apply job (`organization access apply` of 1,000 changes against
    /// the single commands, on the access job's Organization), and replace only its section
    /// of the report at --out and its line in the Targets table
    #[arg(long, conflicts_with_all = ["team_only", "access_only"])]
    access_apply_only: bool,
    /// Members (seed users included) of the `astro api --paginate` job's Organization
    #[arg(long, default_value_t = 50_000)]
    api_members: usize,
    /// Run only the `astro api ListUsers --paginate` job, and replace only its section of the
    /// report at --out
    #[arg(long, conflicts_with_all = ["team_only", "access_only", "access_apply_only"])]
    api_only: bool,
    /// Run only the audit-log job (`organization audit-logs export` of --audit-bytes from the
    /// emulator, time and peak RSS), and replace only its section of the report at --out and
    /// its line in the Targets table
    #[arg(long, conflicts_with_all = ["team_only", "access_only", "access_apply_only", "api_only"])]
    audit_only: bool,
    /// Bytes (gzip) the emulator streams for the audit-log job (default 200 MiB)
    #[arg(long, default_value_t = 200 << 20)]
    audit_bytes: u64,
    /// Run only the size and start-up job (issue 16: the binary under 6 MB, `--version` and
    /// `org user list --help` within 2× /bin/true; --startup-runs of each, no emulator), and
    /// replace only its section of the report at --out
    #[arg(long, conflicts_with_all = ["team_only", "access_only", "access_apply_only", "api_only", "audit_only"])]
    startup_only: bool,
    /// With --startup-only: an older `astro` binary measured in the same rounds (before/after)
    #[arg(long, requires = "startup_only")]
    baseline: Option<PathBuf>,
    /// With --startup-only: a statically linked build of this checkout (the shape of the Linux
    /// release archives), measured in the same rounds and judged against the start-up target
    /// on its own lines; build it with `RUSTFLAGS='-C target-feature=+crt-static' cargo build
    /// --release --bin astro --target x86_64-unknown-linux-gnu`
    #[arg(long, requires = "startup_only")]
    static_build: Option<PathBuf>,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// Aggregated figures of one job done one way at one size.
#[derive(Debug, Clone)]
struct Stat {
    /// Median wall time (for the reference bulk: the loop's total, possibly extrapolated).
    wall: Duration,
    requests: f64,
    chain: f64,
    /// The highest peak RSS over the runs, KiB.
    maxrss_kib: u64,
    runs: usize,
    /// `Some(k)`: extrapolated linearly from k single runs.
    extrapolated_from: Option<usize>,
}

/// One measured run: the child's cost and what it sent.
#[derive(Debug, Clone, Copy)]
struct Sample {
    child: ChildRun,
    requests: usize,
    chain: usize,
}

struct Bench<'a> {
    args: &'a Args,
    astro: PathBuf,
    scratch: PathBuf,
    latency: Duration,
}

struct SizeResult {
    size: usize,
    update: (Stat, Stat),
    list: (Stat, Stat),
    bulk_rows: usize,
    bulk: (Stat, Stat),
    ws_add: (Stat, Stat),
    ws_bulk_rows: usize,
    ws_bulk: (Stat, Stat),
}

fn run(args: &Args) -> Result<(), String> {
    let root = workspace_root();
    let astro = args
        .astro
        .clone()
        .unwrap_or_else(|| root.join("target/release/astro"));
    if !astro.is_file() {
        return Err(format!(
            "no astro binary at {}\nhint: build it first with `cargo build --release --bin astro` \
             (from {}), or pass --astro PATH",
            astro.display(),
            root.display()
        ));
    }
    if args.sizes.iter().any(|&n| n <= SEED_USERS) || args.runs == 0 || args.sample == 0 {
        return Err(format!(
            "every size must be over {SEED_USERS} (the seed users) and --runs/--sample at least 1"
        ));
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| root.join("bench/RESULTS.md"));
    let scratch = std::env::temp_dir().join(format!("astro-bench-{}", std::process::id()));
    fs::create_dir_all(&scratch).map_err(|e| format!("cannot create {scratch:?}: {e}"))?;

    let started = Instant::now();
    let load_start = loadavg();
    let builds_start = compilers_running();
    let date = command_line("date", &["-u", "+%Y-%m-%d %H:%M:%S UTC"]);
    let source = git_state(&root);
    let bench = Bench {
        args,
        astro: astro.clone(),
        scratch: scratch.clone(),
        latency: Duration::from_millis(args.latency_ms),
    };
    if args.startup_only {
        let done = startup::alone(
            &bench,
            args.baseline.as_deref(),
            args.static_build.as_deref(),
            &out,
        );
        let _ = fs::remove_dir_all(&scratch);
        return done;
    }
    // A job measured by itself replaces only its own section of the report.
    type Alone = fn(&Bench<'_>, &Path) -> Result<(), String>;
    let alone: Option<Alone> = [
        (args.team_only, team_users::alone as Alone),
        (args.access_only, access::alone),
        (args.access_apply_only, access_apply::alone),
        (args.api_only, api_paginate::alone),
        (args.audit_only, audit_logs::alone),
    ]
    .into_iter()
    .find_map(|(chosen, job)| chosen.then_some(job));
    if let Some(job) = alone {
        let done = job(&bench, &out);
        let _ = fs::remove_dir_all(&scratch);
        return done;
    }

    progress(&format!("start-up: {} runs each", args.startup_runs));
    let startup = bench.startup()?;
    let mut results = Vec::new();
    for &size in &args.sizes {
        results.push(bench.size(size)?);
    }
    let team = bench.team_add()?;
    let access = bench.access()?;
    let access_apply = bench.access_apply()?;
    let load_end = loadavg();
    let builds_end = compilers_running();
    let _ = fs::remove_dir_all(&scratch);

    let report = render(&Report {
        args,
        astro: &astro,
        date,
        source,
        load_start,
        load_end,
        builds_start,
        builds_end,
        elapsed: started.elapsed(),
        startup,
        results: &results,
        team: &team,
        access: &access,
        access_apply: &access_apply,
    });
    if let Some(dir) = out.parent() {
        let _ = fs::create_dir_all(dir);
    }
    fs::write(&out, &report).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{report}");
    eprintln!("wrote {}", out.display());
    Ok(())
}

fn progress(msg: &str) {
    eprintln!("[astro-bench] {msg}");
}

fn generated_email(i: usize) -> String {
    format!("user{i:06}@example.com")
}

/// Generated users with no role in Analytics, in list order: the emulator makes user `i` a
/// member of Data Platform when `i` is odd and of Analytics when it is even, and every third
/// user (`i % 3 == 0`) an author of the other one too (emulator/README.md), so those with
/// `i % 6` of 1 or 5 are in Data Platform only. Checked against the emulator before use.
fn outside_analytics(generated: usize) -> impl DoubleEndedIterator<Item = usize> {
    (1..=generated).filter(|i| i % 6 == 1 || i % 6 == 5)
}

impl Bench<'_> {
    fn emulator(&self, size: usize) -> Result<EmulatorHandle, String> {
        Emulator::builder()
            .users(size - SEED_USERS)
            .latency(self.latency)
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))
    }

    /// An `astro` command against `emu`, with a clean environment: no config file, no
    /// proxies, no prompts; `reference` sets `ASTRO_PAGING=reference`.
    fn astro(&self, emu: &EmulatorHandle, reference: bool, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.astro);
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &self.scratch)
            .env("ASTRO_HOME", &self.scratch)
            .env("ASTRO_API_URL", emu.base_url())
            .env("ASTRO_API_TOKEN", emu.token())
            .env("ASTRO_NO_INPUT", "1");
        if reference {
            cmd.env("ASTRO_PAGING", "reference");
        }
        cmd
    }

    /// Runs one `astro` command and reads what it sent from the emulator's log; checks that
    /// a reference run really paged 100 at a time.
    fn measure_way(
        &self,
        emu: &EmulatorHandle,
        reference: bool,
        args: &[&str],
    ) -> Result<Sample, String> {
        let sample = self.measure_with(emu, reference, args)?;
        let log = emu.requests();
        if reference
            && !log.iter().any(|r| {
                r.query
                    .as_deref()
                    .is_some_and(|q| q.contains(REFERENCE_LIMIT))
            })
        {
            return Err(format!(
                "{} ignored ASTRO_PAGING=reference (no `limit=100` page in the log); \
                 rebuild it from a tree that has it: `cargo build --release --bin astro`",
                self.astro.display()
            ));
        }
        Ok(sample)
    }

    /// Runs one `astro` command and reads what it sent from the emulator's log.
    fn measure_with(
        &self,
        emu: &EmulatorHandle,
        reference: bool,
        args: &[&str],
    ) -> Result<Sample, String> {
        emu.clear_requests();
        let mut cmd = self.astro(emu, reference, args);
        let child = measure::run(&mut cmd, &self.scratch)?;
        let log = emu.requests();
        let intervals: Vec<_> = log.iter().map(|r| (r.started_at, r.finished_at)).collect();
        Ok(Sample {
            child,
            requests: log.len(),
            chain: chain::longest_chain(&intervals),
        })
    }

    /// Unmeasured: runs a command that must succeed (resets between runs).
    fn quietly(&self, emu: &EmulatorHandle, args: &[&str]) -> Result<(), String> {
        measure::run(&mut self.astro(emu, false, args), &self.scratch).map(|_| ())
    }

    fn size(&self, size: usize) -> Result<SizeResult, String> {
        let runs = self.args.runs;
        progress(&format!("N = {size}: starting the emulator"));
        let emu = self.emulator(size)?;
        let generated = size - SEED_USERS;

        // 1. update one user near the end of the list.
        let email = generated_email(generated);
        let id = emu
            .user(&email)
            .ok_or_else(|| format!("emulator has no {email}"))?
            .id;
        progress(&format!(
            "N = {size}: update {email} ({runs} runs each way)"
        ));
        let (mut new, mut reference) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for (is_ref, into) in [(false, &mut new), (true, &mut reference)] {
                let s = self.measure_way(
                    &emu,
                    is_ref,
                    &["org", "user", "update", &email, "--role", OWNER],
                )?;
                expect_role(&emu, &email, OWNER)?;
                into.push(s);
                self.quietly(&emu, &["org", "user", "update", &id, "--role", MEMBER])?;
                expect_role(&emu, &email, MEMBER)?;
            }
        }
        let update = (stat(&new), stat(&reference));

        // 2. list --json of the whole Organization.
        progress(&format!("N = {size}: list --json ({runs} runs each way)"));
        let (mut new, mut reference) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for (is_ref, into) in [(false, &mut new), (true, &mut reference)] {
                into.push(self.measure_way(&emu, is_ref, &["org", "user", "list", "--json"])?);
            }
        }
        let list = (stat(&new), stat(&reference));

        // 3. bulk update of min(1000, generated) rows.
        let rows = generated.min(1000);
        let owners = self.scratch.join("owners.csv");
        let members = self.scratch.join("members.csv");
        write_csv(&owners, rows, OWNER)?;
        write_csv(&members, rows, MEMBER)?;
        let owners_arg = owners.to_string_lossy().into_owned();
        let members_arg = members.to_string_lossy().into_owned();
        progress(&format!(
            "N = {size}: bulk of {rows} rows, new way ({runs} runs)"
        ));
        let mut new = Vec::new();
        for _ in 0..runs {
            let s = self.measure_way(
                &emu,
                false,
                &["org", "user", "update", "--from-file", &owners_arg],
            )?;
            expect_roles(&emu, rows, OWNER)?;
            new.push(s);
            self.quietly(
                &emu,
                &["org", "user", "update", "--from-file", &members_arg],
            )?;
            expect_roles(&emu, rows, MEMBER)?;
        }
        let bulk_new = stat(&new);

        // The reference way: one `astro org user update EMAIL --role ROLE` per row, one after
        // another, with the reference paging. Sampled when the whole loop would be too long,
        // the estimate being the rows times the reference single update measured above.
        let estimate = update.1.wall.as_secs_f64() * rows as f64;
        let k = if estimate > self.args.ref_budget_s as f64 {
            self.args.sample.min(rows)
        } else {
            rows
        };
        progress(&format!(
            "N = {size}: bulk the reference way: {k} of {rows} single runs \
             (whole loop estimated at {estimate:.0} s), {} time(s)",
            self.args.bulk_ref_runs
        ));
        let mut loops = Vec::new();
        for _ in 0..self.args.bulk_ref_runs.max(1) {
            let mut singles = Vec::new();
            for i in 1..=k {
                let email = generated_email(i);
                singles.push(self.measure_way(
                    &emu,
                    true,
                    &["org", "user", "update", &email, "--role", OWNER],
                )?);
                expect_role(&emu, &email, OWNER)?;
            }
            loops.push(singles);
            self.quietly(
                &emu,
                &["org", "user", "update", "--from-file", &members_arg],
            )?;
            expect_roles(&emu, rows, MEMBER)?;
        }
        let bulk_ref = loop_stat(&loops, rows);

        let ws_add = self.workspace_add(&emu, size)?;
        let (ws_bulk_rows, ws_bulk) = self.workspace_bulk(&emu, size, &ws_add.1)?;

        Ok(SizeResult {
            size,
            update,
            list,
            bulk_rows: rows,
            bulk: (bulk_new, bulk_ref),
            ws_add,
            ws_bulk_rows,
            ws_bulk,
        })
    }

    /// Job 4, `workspace user add EMAIL --role WORKSPACE_AUTHOR --workspace-id Analytics` for the
    /// last generated user with no role there; taken out again (by ID, unmeasured) after each
    /// run so every add is a real change.
    fn workspace_add(&self, emu: &EmulatorHandle, size: usize) -> Result<(Stat, Stat), String> {
        let runs = self.args.runs;
        let i = outside_analytics(size - SEED_USERS)
            .next_back()
            .ok_or_else(|| format!("no generated user outside {WORKSPACE} at size {size}"))?;
        let email = generated_email(i);
        expect_ws_role(emu, &email, None)?;
        let id = emu
            .user(&email)
            .ok_or_else(|| format!("emulator has no {email}"))?
            .id;
        let ws_id = analytics_id(emu)?;
        progress(&format!(
            "N = {size}: workspace user add {email} ({runs} runs each way)"
        ));
        let (mut new, mut reference) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for (is_ref, into) in [(false, &mut new), (true, &mut reference)] {
                let s = self.measure_way(
                    emu,
                    is_ref,
                    &[
                        "workspace",
                        "user",
                        "add",
                        &email,
                        "--role",
                        WS_ROLE,
                        "--workspace-id",
                        WORKSPACE,
                    ],
                )?;
                expect_ws_role(emu, &email, Some(WS_ROLE))?;
                into.push(s);
                self.quietly(
                    emu,
                    &[
                        "workspace",
                        "user",
                        "remove",
                        &id,
                        "--force",
                        "--workspace-id",
                        &ws_id,
                    ],
                )?;
                expect_ws_role(emu, &email, None)?;
            }
        }
        Ok((stat(&new), stat(&reference)))
    }

    /// Job 5, `workspace user add --from-file` of min(1,000, those there are) generated users with
    /// no role in Analytics, against one single `workspace user add` per row (the reference
    /// paging), sampled and extrapolated as the Organization bulk is; the rows are taken out
    /// again (unmeasured, `workspace user remove --from-file`) after each run.
    fn workspace_bulk(
        &self,
        emu: &EmulatorHandle,
        size: usize,
        single_ref: &Stat,
    ) -> Result<(usize, (Stat, Stat)), String> {
        let runs = self.args.runs;
        let users: Vec<usize> = outside_analytics(size - SEED_USERS).take(1000).collect();
        let rows = users.len();
        if rows == 0 {
            return Err(format!(
                "no generated user outside {WORKSPACE} at size {size}"
            ));
        }
        let file = self.scratch.join("workspace.csv");
        let mut text = String::from("email,role\n");
        for &i in &users {
            let _ = writeln!(text, "{},{WS_ROLE}", generated_email(i));
        }
        fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        let file_arg = file.to_string_lossy().into_owned();
        let expect_all = |role: Option<&str>| {
            users
                .iter()
                .try_for_each(|&i| expect_ws_role(emu, &generated_email(i), role))
        };
        expect_all(None)?;
        let take_out = || {
            self.quietly(
                emu,
                &[
                    "workspace",
                    "user",
                    "remove",
                    "--from-file",
                    &file_arg,
                    "--force",
                    "--workspace-id",
                    WORKSPACE,
                ],
            )
        };
        progress(&format!(
            "N = {size}: workspace bulk add of {rows} rows, new way ({runs} runs)"
        ));
        let mut new = Vec::new();
        for _ in 0..runs {
            let s = self.measure_way(
                emu,
                false,
                &[
                    "workspace",
                    "user",
                    "add",
                    "--from-file",
                    &file_arg,
                    "--workspace-id",
                    WORKSPACE,
                ],
            )?;
            expect_all(Some(WS_ROLE))?;
            new.push(s);
            take_out()?;
            expect_all(None)?;
        }

        let estimate = single_ref.wall.as_secs_f64() * rows as f64;
        let k = if estimate > self.args.ref_budget_s as f64 {
            self.args.sample.min(rows)
        } else {
            rows
        };
        progress(&format!(
            "N = {size}: workspace bulk the reference way: {k} of {rows} single runs \
             (whole loop estimated at {estimate:.0} s), {} time(s)",
            self.args.bulk_ref_runs
        ));
        let mut loops = Vec::new();
        for _ in 0..self.args.bulk_ref_runs.max(1) {
            let mut singles = Vec::new();
            for &i in &users[..k] {
                let email = generated_email(i);
                singles.push(self.measure_way(
                    emu,
                    true,
                    &[
                        "workspace",
                        "user",
                        "add",
                        &email,
                        "--role",
                        WS_ROLE,
                        "--workspace-id",
                        WORKSPACE,
                    ],
                )?);
                expect_ws_role(emu, &email, Some(WS_ROLE))?;
            }
            loops.push(singles);
            take_out()?;
            expect_all(None)?;
        }
        Ok((rows, (stat(&new), loop_stat(&loops, rows))))
    }

    /// `astro --version` against `/bin/true`: (astro, true) medians and peak RSS.
    fn startup(&self) -> Result<(Stat, Stat), String> {
        let (mut astro, mut truth) = (Vec::new(), Vec::new());
        for _ in 0..self.args.startup_runs.max(1) {
            let mut cmd = Command::new(&self.astro);
            cmd.arg("--version").env_clear();
            astro.push(sample_of(measure::run(&mut cmd, &self.scratch)?));
            truth.push(sample_of(measure::run(
                &mut Command::new("/bin/true"),
                &self.scratch,
            )?));
        }
        Ok((stat(&astro), stat(&truth)))
    }
}

fn sample_of(child: ChildRun) -> Sample {
    Sample {
        child,
        requests: 0,
        chain: 0,
    }
}

fn expect_role(emu: &EmulatorHandle, email: &str, role: &str) -> Result<(), String> {
    let got = emu.user(email).and_then(|u| u.organization_role);
    if got.as_deref() == Some(role) {
        Ok(())
    } else {
        Err(format!("{email} should have {role}, has {got:?}"))
    }
}

fn expect_ws_role(emu: &EmulatorHandle, email: &str, role: Option<&str>) -> Result<(), String> {
    let got = emu.workspace_role(email, WORKSPACE);
    if got.as_deref() == role {
        Ok(())
    } else {
        Err(format!(
            "{email} should have {role:?} in {WORKSPACE}, has {got:?}"
        ))
    }
}

fn analytics_id(emu: &EmulatorHandle) -> Result<String, String> {
    emu.workspace(WORKSPACE)
        .map(|w| w.id)
        .ok_or_else(|| format!("the emulator has no Workspace {WORKSPACE}"))
}

fn expect_roles(emu: &EmulatorHandle, rows: usize, role: &str) -> Result<(), String> {
    (1..=rows).try_for_each(|i| expect_role(emu, &generated_email(i), role))
}

fn write_csv(path: &Path, rows: usize, role: &str) -> Result<(), String> {
    let mut text = String::from("email,role\n");
    for i in 1..=rows {
        let _ = writeln!(text, "{},{role}", generated_email(i));
    }
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn median_f64(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n == 0 {
        0.0
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn stat(samples: &[Sample]) -> Stat {
    Stat {
        wall: Duration::from_secs_f64(median_f64(
            samples.iter().map(|s| s.child.wall.as_secs_f64()).collect(),
        )),
        requests: median_f64(samples.iter().map(|s| s.requests as f64).collect()),
        chain: median_f64(samples.iter().map(|s| s.chain as f64).collect()),
        maxrss_kib: samples
            .iter()
            .map(|s| s.child.maxrss_kib)
            .max()
            .unwrap_or(0),
        runs: samples.len(),
        extrapolated_from: None,
    }
}

/// The reference bulk: each loop's total over its single runs (the runs are sequential, so
/// requests and chains add up), scaled from k runs to `rows` when sampled; median over loops.
fn loop_stat(loops: &[Vec<Sample>], rows: usize) -> Stat {
    let k = loops.first().map_or(0, Vec::len);
    let scale = rows as f64 / k.max(1) as f64;
    let total = |f: &dyn Fn(&Sample) -> f64| -> Vec<f64> {
        loops
            .iter()
            .map(|l| l.iter().map(f).sum::<f64>() * scale)
            .collect()
    };
    Stat {
        wall: Duration::from_secs_f64(median_f64(total(&|s| s.child.wall.as_secs_f64()))),
        requests: median_f64(total(&|s| s.requests as f64)),
        chain: median_f64(total(&|s| s.chain as f64)),
        maxrss_kib: loops
            .iter()
            .flatten()
            .map(|s| s.child.maxrss_kib)
            .max()
            .unwrap_or(0),
        runs: loops.len(),
        extrapolated_from: (k < rows).then_some(k),
    }
}

// ---------------------------------------------------------------------------------------
// The machine and the report.

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned())
}

fn git_state(root: &Path) -> String {
    let root = root.to_string_lossy();
    let head = command_line("git", &["-C", &root, "rev-parse", "--short", "HEAD"]);
    let dirty = command_line("git", &["-C", &root, "status", "--porcelain", "--", "src"]);
    if head == "unknown" {
        "unknown (not a git checkout?)".to_owned()
    } else if dirty.is_empty() {
        format!("`{head}`, src/ clean")
    } else {
        format!("`{head}`, with uncommitted changes under src/")
    }
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

fn load1(loadavg: &str) -> f64 {
    loadavg
        .split_whitespace()
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.0)
}

/// Names of compiler-like processes running now (another build sharing the machine).
fn compilers_running() -> Vec<String> {
    const NAMES: [&str; 6] = ["rustc", "cargo", "clippy-driver", "cc1", "ld", "rust-lld"];
    let mut found = Vec::new();
    let me = std::process::id().to_string();
    if let Ok(dir) = fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == me || !name.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            if let Ok(comm) = fs::read_to_string(entry.path().join("comm")) {
                let comm = comm.trim();
                // `cargo run` of this very benchmark is our parent: not another build.
                let parent = std::os::unix::process::parent_id().to_string();
                if NAMES.contains(&comm) && name != parent {
                    found.push(comm.to_owned());
                }
            }
        }
    }
    found.sort();
    found
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn total_memory() -> String {
    fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or_else(
            || "unknown".to_owned(),
            |kib| format!("{:.1} GiB", kib / 1024.0 / 1024.0),
        )
}

fn fmt_dur(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 1.0 {
        format!("{:.1} ms", s * 1000.0)
    } else if s < 120.0 {
        format!("{s:.2} s")
    } else if s < 7200.0 {
        format!("{s:.0} s ({:.1} min)", s / 60.0)
    } else {
        format!("{s:.0} s ({:.1} h)", s / 3600.0)
    }
}

fn fmt_mb(kib: u64) -> String {
    format!("{:.1} MB", kib as f64 * 1024.0 / 1e6)
}

fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as u64)
    } else {
        format!("{x:.1}")
    }
}

fn speedup(new: &Stat, reference: &Stat) -> f64 {
    reference.wall.as_secs_f64() / new.wall.as_secs_f64().max(1e-9)
}

fn ratio(new: f64, reference: f64) -> String {
    if reference == 0.0 {
        "n/a".to_owned()
    } else {
        let x = new / reference;
        // Three significant digits, however small.
        let decimals = if x >= 0.1 || x == 0.0 {
            3
        } else {
            (2.0 - x.log10().floor()) as usize
        };
        format!("{x:.decimals$}")
    }
}

fn pass(ok: bool) -> &'static str {
    if ok { "**PASS**" } else { "**FAIL**" }
}

struct Report<'a> {
    args: &'a Args,
    astro: &'a Path,
    date: String,
    /// The workspace's git HEAD and whether src/ had uncommitted changes, at the start.
    source: String,
    load_start: String,
    load_end: String,
    builds_start: Vec<String>,
    builds_end: Vec<String>,
    elapsed: Duration,
    startup: (Stat, Stat),
    results: &'a [SizeResult],
    team: &'a team_users::TeamAdd,
    access: &'a access::AccessRun,
    access_apply: &'a access_apply::ApplyRun,
}

fn reproduce(args: &Args) -> String {
    let sizes: Vec<String> = args.sizes.iter().map(ToString::to_string).collect();
    let mut cmd = format!(
        "cargo run --release -p astro-bench -- --sizes {} --latency-ms {} --runs {} \
         --bulk-ref-runs {} --sample {} --ref-budget-s {} --startup-runs {} --team-size {} \
         --team-emails {} --access-members {} --access-workspaces {} --access-teams {}",
        sizes.join(","),
        args.latency_ms,
        args.runs,
        args.bulk_ref_runs,
        args.sample,
        args.ref_budget_s,
        args.startup_runs,
        args.team_size,
        args.team_emails,
        args.access_members,
        args.access_workspaces,
        args.access_teams
    );
    if let Some(astro) = &args.astro {
        let _ = write!(cmd, " --astro {}", astro.display());
    }
    if let Some(out) = &args.out {
        let _ = write!(cmd, " --out {}", out.display());
    }
    cmd
}

fn table_header(out: &mut String) {
    out.push_str(
        "| size | new time | reference time | time new/ref (speed-up) | requests new / ref (ratio) \
         | longest chain new / ref | peak RSS new / ref |\n\
         |---:|---:|---:|---:|---:|---:|---:|\n",
    );
}

fn table_row(out: &mut String, label: &str, new: &Stat, reference: &Stat) {
    let ref_time = match reference.extrapolated_from {
        Some(k) => format!("{} (extrapolated from {k} runs)", fmt_dur(reference.wall)),
        None => fmt_dur(reference.wall),
    };
    let _ = writeln!(
        out,
        "| {label} | {} | {ref_time} | {} ({:.1}×) | {} / {} ({}) | {} / {} | {} / {} |",
        fmt_dur(new.wall),
        ratio(new.wall.as_secs_f64(), reference.wall.as_secs_f64()),
        speedup(new, reference),
        fmt_count(new.requests),
        fmt_count(reference.requests),
        ratio(new.requests, reference.requests),
        fmt_count(new.chain),
        fmt_count(reference.chain),
        fmt_mb(new.maxrss_kib),
        fmt_mb(reference.maxrss_kib),
    );
}

fn render(r: &Report) -> String {
    let args = r.args;
    let mut out = String::new();
    let version = command_line(&r.astro.to_string_lossy(), &["--version"]);
    let size = fs::metadata(r.astro).map(|m| m.len()).unwrap_or(0);
    let nproc = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);

    let _ = writeln!(out, "# astro benchmark results\n");
    let _ = writeln!(
        out,
        "Generated by `astro-bench` (bench/README.md). Each job is run the **new** way and the \
         **reference** way (`ASTRO_PAGING=reference`: pages of 100, one after another, as \
         Astronomer's Go CLI does; for bulk, one `astro org user update EMAIL --role ROLE` \
         or `astro workspace user add EMAIL --role ROLE` process per row) side by side in the \
         same run, against an in-process emulator with a fixed latency per request.\n"
    );
    let _ = writeln!(out, "## Setup\n");
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| date | {} |", r.date);
    let _ = writeln!(
        out,
        "| machine | `nproc` = {nproc}, {}, {} RAM |",
        cpu_model(),
        total_memory()
    );
    let _ = writeln!(out, "| OS | `{}` |", command_line("uname", &["-srm"]));
    let _ = writeln!(
        out,
        "| latency | {} ms per request (emulator) |",
        args.latency_ms
    );
    let _ = writeln!(
        out,
        "| astro | `{}`, {version}, {} bytes ({:.2} MB) |",
        r.astro.display(),
        size,
        size as f64 / 1e6
    );
    let built = fs::metadata(r.astro)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or_else(
            || "unknown".to_owned(),
            |d| {
                command_line(
                    "date",
                    &[
                        "-u",
                        "-d",
                        &format!("@{}", d.as_secs()),
                        "+%Y-%m-%d %H:%M:%S UTC",
                    ],
                )
            },
        );
    let _ = writeln!(
        out,
        "| source | binary built {built}; workspace at the start of the run: {} |",
        r.source
    );
    let _ = writeln!(
        out,
        "| runs | median of {} per job and way; start-up median of {}; peak RSS is the highest over the runs |",
        args.runs, args.startup_runs
    );
    let _ = writeln!(
        out,
        "| load average (1/5/15 min) | start {}, end {} |",
        r.load_start, r.load_end
    );
    let _ = writeln!(
        out,
        "| total bench time | {:.0} s |",
        r.elapsed.as_secs_f64()
    );
    let shared = load1(&r.load_start) > 1.0
        || load1(&r.load_end) > nproc.max(1) as f64
        || !r.builds_start.is_empty()
        || !r.builds_end.is_empty();
    if shared {
        let _ = writeln!(
            out,
            "\n> **Note:** the machine may have been shared with another process (a build or \
             other load) during this run (load average above; compiler processes seen at \
             start: {:?}, at end: {:?}). \
             Wall times can be inflated by that; request counts, chains and peak memory are not \
             affected.",
            r.builds_start, r.builds_end
        );
    }
    let _ = writeln!(out, "\nTo reproduce (from the workspace root):\n");
    let _ = writeln!(
        out,
        "```sh\ncargo build --release --bin astro\n{}\n```\n",
        reproduce(args)
    );
    let _ = writeln!(
        out,
        "The emulator runs inside the benchmark process (its own threads, same 2 cores); the \
         measured process is only the `astro` child: wall time from spawn to exit, peak RSS \
         from `wait4`'s `ru_maxrss`. Requests and the longest chain of sequential requests \
         (each starting after the previous one finished) come from the emulator's request log. \
         Ratios are new / reference.\n"
    );

    // Targets.
    let update_ok = r.results.iter().all(|s| s.update.0.chain <= 3.0);
    let worst_chain = r
        .results
        .iter()
        .map(|s| s.update.0.chain)
        .fold(0.0, f64::max);
    let ws_add_ok = r.results.iter().all(|s| s.ws_add.0.chain <= 4.0);
    let ws_worst_chain = r
        .results
        .iter()
        .map(|s| s.ws_add.0.chain)
        .fold(0.0, f64::max);
    let big_list = r.results.iter().find(|s| s.size == 50_000);
    let bulk_1000: Vec<&SizeResult> = r.results.iter().filter(|s| s.bulk_rows == 1000).collect();
    let _ = writeln!(out, "## Targets\n");
    let _ = writeln!(out, "| target | result | |\n|---|---|---|");
    let _ = writeln!(
        out,
        "| `update` of one user: at most 3 sequential round trips at every size | longest chain {} at worst ({}) | {} |",
        fmt_count(worst_chain),
        r.results
            .iter()
            .map(|s| format!("{}: {}", s.size, fmt_count(s.update.0.chain)))
            .collect::<Vec<_>>()
            .join(", "),
        pass(update_ok)
    );
    let _ = writeln!(
        out,
        "| `workspace user add` of one user by email: at most 4 sequential round trips at every size | longest chain {} at worst ({}) | {} |",
        fmt_count(ws_worst_chain),
        r.results
            .iter()
            .map(|s| format!("{}: {}", s.size, fmt_count(s.ws_add.0.chain)))
            .collect::<Vec<_>>()
            .join(", "),
        pass(ws_add_ok)
    );
    match big_list {
        Some(s) => {
            let _ = writeln!(
                out,
                "| `list --json` peak memory under 100 MB at 50,000 members | {} | {} |",
                fmt_mb(s.list.0.maxrss_kib),
                pass((s.list.0.maxrss_kib as f64) * 1024.0 < 100e6)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "| `list --json` peak memory under 100 MB at 50,000 members | size 50000 not run | n/a |"
            );
        }
    }
    if bulk_1000.is_empty() {
        let _ = writeln!(
            out,
            "| bulk of 1,000 rows at least 6× faster than 1,000 single runs | no size with 1,000 rows | n/a |"
        );
    } else {
        let all = bulk_1000
            .iter()
            .all(|s| speedup(&s.bulk.0, &s.bulk.1) >= 6.0);
        let detail = bulk_1000
            .iter()
            .map(|s| {
                format!(
                    "{}: {:.1}×{}",
                    s.size,
                    speedup(&s.bulk.0, &s.bulk.1),
                    if s.bulk.1.extrapolated_from.is_some() {
                        " (ref. extrapolated)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| bulk of 1,000 rows at least 6× faster than 1,000 single runs | {detail} | {} |",
            pass(all)
        );
    }
    let ws_bulk_1000: Vec<&SizeResult> = r
        .results
        .iter()
        .filter(|s| s.ws_bulk_rows == 1000)
        .collect();
    if ws_bulk_1000.is_empty() {
        let _ = writeln!(
            out,
            "| `workspace user add --from-file` of 1,000 rows at least 6× faster than 1,000 single runs (the Organization bulk's target) | no size with 1,000 rows | n/a |"
        );
    } else {
        let all = ws_bulk_1000
            .iter()
            .all(|s| speedup(&s.ws_bulk.0, &s.ws_bulk.1) >= 6.0);
        let detail = ws_bulk_1000
            .iter()
            .map(|s| {
                format!(
                    "{}: {:.1}×{}",
                    s.size,
                    speedup(&s.ws_bulk.0, &s.ws_bulk.1),
                    if s.ws_bulk.1.extrapolated_from.is_some() {
                        " (ref. extrapolated)"
                    } else {
                        ""
                    }
                )
            })
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| `workspace user add --from-file` of 1,000 rows at least 6× faster than 1,000 single runs (the Organization bulk's target) | {detail} | {} |",
            pass(all)
        );
    }
    team_users::target_row(&mut out, r.team);
    access::target_row(&mut out, r.access);
    access_apply::target_row(&mut out, r.access_apply);

    let _ = writeln!(
        out,
        "\n## 1. `astro org user update EMAIL --role ORGANIZATION_OWNER`\n\n\
         One generated user at the end of the list; reset to ORGANIZATION_MEMBER (by ID, \
         unmeasured) after each run so every update is a real change.\n"
    );
    table_header(&mut out);
    for s in r.results {
        table_row(&mut out, &s.size.to_string(), &s.update.0, &s.update.1);
    }

    let _ = writeln!(
        out,
        "\n## 2. `astro org user list --json`\n\nThe whole Organization, stdout to /dev/null.\n"
    );
    table_header(&mut out);
    for s in r.results {
        table_row(&mut out, &s.size.to_string(), &s.list.0, &s.list.1);
    }

    let _ = writeln!(
        out,
        "\n## 3. Bulk update to ORGANIZATION_OWNER\n\n\
         New: `astro org user update --from-file FILE` (CSV `email,role`, default concurrency), \
         median of {} runs, the rows reset (unmeasured) after each. Reference: one \
         `ASTRO_PAGING=reference astro org user update EMAIL --role ORGANIZATION_OWNER` per \
         row, one after another; the time is the sum of the single runs' wall times, requests \
         and chain add up. Where the whole loop was estimated (rows × the reference single \
         update above) at more than {} s, only the first K rows were run and the totals \
         extrapolated linearly to all rows, as marked.\n",
        args.runs, args.ref_budget_s
    );
    table_header(&mut out);
    for s in r.results {
        table_row(
            &mut out,
            &format!("{} ({} rows)", s.size, s.bulk_rows),
            &s.bulk.0,
            &s.bulk.1,
        );
    }

    let _ = writeln!(
        out,
        "\n## 4. `astro workspace user add EMAIL --role {WS_ROLE} --workspace-id {WORKSPACE}`\n\n\
         The last generated user with no role in {WORKSPACE} (found by email: the whole \
         Organization is listed; the Workspace by name: one listing, at the same time); taken \
         out of it again (by ID, unmeasured) after each run so every add is a real change.\n"
    );
    table_header(&mut out);
    for s in r.results {
        table_row(&mut out, &s.size.to_string(), &s.ws_add.0, &s.ws_add.1);
    }

    let _ = writeln!(
        out,
        "\n## 5. Bulk `workspace user add` to {WORKSPACE} as {WS_ROLE}\n\n\
         New: `astro workspace user add --from-file FILE --workspace-id {WORKSPACE}` (CSV \
         `email,role`, default concurrency) of the first min(1,000, those there are) generated \
         users with no role in {WORKSPACE}, median of {} runs, taken out again (unmeasured, \
         `workspace user remove --from-file FILE --force`) after each. Reference: one \
         `ASTRO_PAGING=reference astro workspace user add EMAIL --role {WS_ROLE} \
         --workspace-id {WORKSPACE}` per row, one after another, summed, and sampled and \
         extrapolated as in 3 (estimate: rows × the reference single add of 4).\n",
        args.runs
    );
    table_header(&mut out);
    for s in r.results {
        table_row(
            &mut out,
            &format!("{} ({} rows)", s.size, s.ws_bulk_rows),
            &s.ws_bulk.0,
            &s.ws_bulk.1,
        );
    }
    team_users::section(&mut out, r.team, args, None);
    access::section(&mut out, r.access, args, None);
    access_apply::section(&mut out, r.access_apply, args, None);

    let (astro, truth) = &r.startup;
    let _ = writeln!(out, "\n## 6. Start-up and size\n");
    let _ = writeln!(
        out,
        "| what | median of {} | peak RSS |\n|---|---:|---:|",
        truth.runs
    );
    let _ = writeln!(
        out,
        "| `astro --version` | {} | {} |",
        fmt_dur(astro.wall),
        fmt_mb(astro.maxrss_kib)
    );
    let _ = writeln!(
        out,
        "| `/bin/true` | {} | {} |",
        fmt_dur(truth.wall),
        fmt_mb(truth.maxrss_kib)
    );
    let _ = writeln!(
        out,
        "\nRelease binary: {size} bytes ({:.2} MB).",
        size as f64 / 1e6
    );
    out
}
