//! A job measured by itself (`--team-only`, `--access-only`, …): when and on what it ran, and
//! its section of the report replaced between its markers, so the rest of the report stays as
//! it was measured.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use super::{Bench, command_line, compilers_running, cpu_model, load1, loadavg};

/// The machine's state when a job measured by itself began.
pub struct Occasion {
    started: Instant,
    date: String,
    load_start: String,
    builds_start: Vec<String>,
}

impl Occasion {
    pub fn begin() -> Self {
        Self {
            started: Instant::now(),
            date: command_line("date", &["-u", "+%Y-%m-%d %H:%M:%S UTC"]),
            load_start: loadavg(),
            builds_start: compilers_running(),
        }
    }

    pub fn date(&self) -> &str {
        &self.date
    }

    /// The sentence saying how the job was measured: `flags` are the benchmark's own (after
    /// `cargo run --release -p astro-bench --`), then how long it took, on what machine, with
    /// which binary, and the load; a note when other work shared the machine.
    pub fn describe(&self, bench: &Bench<'_>, flags: &str) -> String {
        let load_end = loadavg();
        let builds_end = compilers_running();
        let nproc = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
        let shared = load1(&self.load_start) > 1.0
            || load1(&load_end) > nproc.max(1) as f64
            || !self.builds_start.is_empty()
            || !builds_end.is_empty();
        let mut how = format!(
            "Measured by itself on {} (`cargo run --release -p astro-bench -- {flags}`), {:.0} s, \
             on `nproc` = {nproc}, {}, kernel `{}`, {}; load average (1/5/15 min) at the start {}, at the end \
             {load_end}.",
            self.date,
            self.started.elapsed().as_secs_f64(),
            cpu_model(),
            command_line("uname", &["-srm"]),
            command_line(&bench.astro.to_string_lossy(), &["--version"]),
            self.load_start,
        );
        if shared {
            let _ = write!(
                how,
                " The machine was shared with other work (compiler processes at the start: \
                 {:?}, at the end: {builds_end:?}): wall times may be inflated; requests, chains \
                 and peak memory are not affected.",
                self.builds_start
            );
        }
        how
    }
}

/// `report` with the text between `begin` and `end` (the markers included) replaced by
/// `section`, or `section` added at the end when the markers are missing.
pub fn replace_section(report: &str, begin: &str, end: &str, section: &str) -> String {
    match (report.find(begin), report.find(end)) {
        (Some(b), Some(e)) if b < e => format!(
            "{}{}{}",
            &report[..b],
            section.trim_end(),
            &report[e + end.len()..]
        ),
        _ => format!("{}\n\n{}", report.trim_end(), section.trim_end()) + "\n",
    }
}

/// `report` with the Targets table's line that starts with `prefix` replaced by `line`, or
/// `line` added after the table's last row.
pub fn with_target(report: &str, prefix: &str, line: &str) -> String {
    let mut lines: Vec<String> = report.lines().map(str::to_owned).collect();
    if let Some(i) = lines.iter().position(|l| l.starts_with(prefix)) {
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

/// Reads the report at `out`, lets `edit` change it, writes it back.
pub fn update_report(out: &Path, edit: impl FnOnce(&str) -> String) -> Result<(), String> {
    let report = fs::read_to_string(out).unwrap_or_default();
    fs::write(out, edit(&report)).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::{replace_section, with_target};

    #[test]
    fn a_target_line_is_replaced_or_added_after_the_tables_last_row() {
        let report = "## Targets\n\n| a | 1 |\n| b: old | 2 |\n\nafter\n";
        assert_eq!(
            with_target(report, "| b:", "| b: new | 3 |"),
            "## Targets\n\n| a | 1 |\n| b: new | 3 |\n\nafter\n"
        );
        assert_eq!(
            with_target(report, "| c:", "| c: x | 4 |"),
            "## Targets\n\n| a | 1 |\n| b: old | 2 |\n| c: x | 4 |\n\nafter\n"
        );
    }

    #[test]
    fn a_section_is_replaced_between_its_markers_or_added_at_the_end() {
        let report = "# R\n\n<!-- a -->\nold\n<!-- /a -->\n\ntail\n";
        assert_eq!(
            replace_section(
                report,
                "<!-- a -->",
                "<!-- /a -->",
                "<!-- a -->\nnew\n<!-- /a -->\n"
            ),
            "# R\n\n<!-- a -->\nnew\n<!-- /a -->\n\ntail\n"
        );
        assert_eq!(
            replace_section(
                "# R\n",
                "<!-- b -->",
                "<!-- /b -->",
                "<!-- b -->\nx\n<!-- /b -->"
            ),
            "# R\n\n<!-- b -->\nx\n<!-- /b -->\n"
        );
    }
}
