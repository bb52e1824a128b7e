//! The audit-log export job (issue 15, "Done when": "an audit-log export of 200 MB in under
//! 50 MB of memory, measured and reported"). The emulator is started with a byte target
//! (`audit_log_bytes`, 200 MiB by default) so that GetOrganizationAuditLogs streams at least
//! that much gzip for the last day; `astro organization audit-logs export --last 1 -o FILE`
//! runs `--runs` times, each checked (exit 0, one request answered 200, a file of at least the
//! target size that starts as gzip and equals, in size, what the emulator sent), and the
//! median wall time and the highest peak RSS of the `astro` process (`wait4`'s `ru_maxrss`)
//! are reported. The emulator runs inside the bench process, so its memory is not counted.
//!
//! `--audit-only` runs just this job and writes only its section of the report (between the
//! markers below) and its line in the Targets table.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use astro_emulator::Emulator;

use super::{
    Bench, command_line, compilers_running, fmt_dur, fmt_mb, load1, loadavg, pass, progress,
};

const BEGIN: &str = "<!-- audit-logs: begin -->";
const END: &str = "<!-- audit-logs: end -->";
const TARGET_PREFIX: &str = "| `organization audit-logs export` of";
/// The peak RSS the export must stay under, in bytes.
const TARGET_RSS: u64 = 50_000_000;

/// What the job measured.
pub struct AuditRun {
    pub bytes: u64,
    pub walls: Vec<Duration>,
    pub maxrss_kib: u64,
}

impl AuditRun {
    fn median(&self) -> Duration {
        let mut w = self.walls.clone();
        w.sort();
        w[w.len() / 2]
    }

    fn ok(&self) -> bool {
        self.maxrss_kib * 1024 < TARGET_RSS
    }
}

impl Bench<'_> {
    pub fn audit_logs(&self) -> Result<AuditRun, String> {
        let target = self.args.audit_bytes;
        progress(&format!(
            "audit logs: starting the emulator ({target} bytes a response)"
        ));
        let emu = Emulator::builder()
            .audit_log_bytes(target)
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        let file = self.scratch.join("audit.ndjson.gz");
        let file_arg = file.to_string_lossy().into_owned();
        let mut run = AuditRun {
            bytes: 0,
            walls: Vec::new(),
            maxrss_kib: 0,
        };
        for i in 0..self.args.runs {
            progress(&format!("audit logs: run {} of {}", i + 1, self.args.runs));
            emu.clear_requests();
            let mut cmd = self.astro(
                &emu,
                false,
                &[
                    "organization",
                    "audit-logs",
                    "export",
                    "--last",
                    "1",
                    "-o",
                    &file_arg,
                ],
            );
            let child = super::measure::run(&mut cmd, &self.scratch)?;
            let log = emu.requests();
            if log.len() != 1 || log[0].status != 200 || !log[0].path.ends_with("/audit-logs") {
                return Err(format!("unexpected requests: {log:?}"));
            }
            let size = fs::metadata(&file)
                .map_err(|e| format!("no export at {}: {e}", file.display()))?
                .len();
            let mut head = [0u8; 2];
            use std::io::Read;
            fs::File::open(&file)
                .and_then(|mut f| f.read_exact(&mut head))
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            if size < target || head != [0x1f, 0x8b] {
                return Err(format!(
                    "the export is {size} bytes starting {head:02x?}: expected at least {target} bytes of gzip"
                ));
            }
            let _ = fs::remove_file(&file);
            run.bytes = size;
            run.walls.push(child.wall);
            run.maxrss_kib = run.maxrss_kib.max(child.maxrss_kib);
        }
        Ok(run)
    }
}

fn target_line(a: &AuditRun, note: &str) -> String {
    format!(
        "{TARGET_PREFIX} {:.0} MiB (gzip NDJSON, streamed by the emulator) to a file: peak RSS under 50 MB{note} | {} in {} | {} |",
        a.bytes as f64 / f64::from(1 << 20),
        fmt_mb(a.maxrss_kib),
        fmt_dur(a.median()),
        pass(a.ok())
    )
}

fn section(out: &mut String, a: &AuditRun, runs: usize, how: &str) {
    let median = a.median();
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "\n## `astro organization audit-logs export` of {:.0} MiB\n\n\
         The emulator streams GetOrganizationAuditLogs' body (gzip-compressed NDJSON, made and \
         compressed chunk by chunk as it is read) with a byte target, so the last day holds at \
         least that much; `astro organization audit-logs export --last 1 -o FILE` writes it to \
         a temporary file renamed into place. {runs} runs, each checked (one request answered \
         200, the file at least the target size and gzip). Peak RSS is the `astro` process's \
         (`wait4`'s `ru_maxrss`), the highest over the runs; the emulator runs in the bench \
         process and is not counted. The time includes the emulator making and compressing the \
         events on the same machine.\n\n{how}\n",
        a.bytes as f64 / f64::from(1 << 20),
    );
    let _ = writeln!(
        out,
        "| bytes written | time (median) | throughput | every run | peak RSS |\n|---:|---:|---:|---|---:|"
    );
    let _ = writeln!(
        out,
        "| {} | {} | {:.1} MB/s | {} | {} |",
        a.bytes,
        fmt_dur(median),
        a.bytes as f64 / 1e6 / median.as_secs_f64(),
        a.walls
            .iter()
            .map(|w| fmt_dur(*w))
            .collect::<Vec<_>>()
            .join(", "),
        fmt_mb(a.maxrss_kib)
    );
    let _ = writeln!(
        out,
        "\nTarget: peak RSS under 50 MB: {}: {}",
        fmt_mb(a.maxrss_kib),
        pass(a.ok())
    );
    let _ = writeln!(out, "\n{END}");
}

/// `report` with the Targets table's line for this job replaced, or added after its last row.
fn with_target(report: &str, line: &str) -> String {
    let mut lines: Vec<String> = report.lines().map(str::to_owned).collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(TARGET_PREFIX)) {
        lines[i] = line.to_owned();
    } else if let Some(t) = lines.iter().position(|l| l == "## Targets") {
        let mut last = None;
        for (i, l) in lines.iter().enumerate().skip(t + 1) {
            if l.starts_with('|') {
                last = Some(i);
            } else if last.is_some() {
                break;
            }
        }
        if let Some(i) = last {
            lines.insert(i + 1, line.to_owned());
        }
    }
    lines.join("\n") + "\n"
}

/// `--audit-only`: measures this job and puts its section into the report at `out`
/// (replacing the one there, or added at the end) and its line into the Targets table.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let started = Instant::now();
    let load_start = loadavg();
    let builds_start = compilers_running();
    let date = command_line("date", &["-u", "+%Y-%m-%d %H:%M:%S UTC"]);
    let a = bench.audit_logs()?;
    let load_end = loadavg();
    let builds_end = compilers_running();
    let nproc = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let shared = load1(&load_start) > 1.0
        || load1(&load_end) > nproc.max(1) as f64
        || !builds_start.is_empty()
        || !builds_end.is_empty();
    let args = bench.args;
    let mut how = format!(
        "Measured by itself on {date} (`cargo build --release --bin astro`, \
         `cargo build --release -p astro-bench`, then `target/release/astro-bench --audit-only \
         --audit-bytes {} --runs {}`), {:.0} s, on `nproc` = {nproc}, {}, kernel `{}`, {}; load \
         average (1/5/15 min) at the start {load_start}, at the end {load_end}.",
        args.audit_bytes,
        args.runs,
        started.elapsed().as_secs_f64(),
        super::cpu_model(),
        command_line("uname", &["-srm"]),
        command_line(&bench.astro.to_string_lossy(), &["--version"]),
    );
    if shared {
        let _ = write!(
            how,
            " The machine was shared with other work (compiler processes at the start: \
             {builds_start:?}, at the end: {builds_end:?}): wall times may be inflated; peak \
             memory is not affected."
        );
    }
    let mut section_text = String::new();
    section(&mut section_text, &a, args.runs, &how);
    let report = fs::read_to_string(out).unwrap_or_default();
    let note = format!(" (measured separately, {date}: see its section at the end)");
    let report = with_target(&report, &target_line(&a, &note));
    let updated = match (report.find(BEGIN), report.find(END)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{}{}",
            &report[..b],
            section_text.trim_end(),
            &report[e + END.len()..]
        ),
        _ => format!("{}\n\n{}", report.trim_end(), section_text.trim_end()) + "\n",
    };
    fs::write(out, &updated).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    println!("{}\n\n{section_text}", target_line(&a, ""));
    eprintln!("wrote its section and target line into {}", out.display());
    Ok(())
}
