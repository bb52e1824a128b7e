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
use std::time::Duration;

use astro_emulator::Emulator;

use super::alone::{Occasion, replace_section, update_report, with_target};
use super::{Bench, fmt_dur, fmt_mb, pass, progress};

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

/// `--audit-only`: measures this job and puts its section into the report at `out`
/// (replacing the one there, or added at the end) and its line into the Targets table.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let occasion = Occasion::begin();
    let a = bench.audit_logs()?;
    let args = bench.args;
    let how = occasion.describe(
        bench,
        &format!(
            "--audit-only --audit-bytes {} --runs {}",
            args.audit_bytes, args.runs
        ),
    );
    let mut section_text = String::new();
    section(&mut section_text, &a, args.runs, &how);
    let note = format!(
        " (measured separately, {}: see its section at the end)",
        occasion.date()
    );
    update_report(out, |report| {
        let report = with_target(report, TARGET_PREFIX, &target_line(&a, &note));
        replace_section(&report, BEGIN, END, &section_text)
    })?;
    println!("{}\n\n{section_text}", target_line(&a, ""));
    eprintln!("wrote its section and target line into {}", out.display());
    Ok(())
}
