//! `--startup-only`: issue 16's "small and instant" targets, without an emulator. Measures the
//! release binary's size and the start-up of `astro --version` and `astro org user list --help`
//! against `/bin/true` measured the same way (the same spawn and `wait4`, the same empty
//! environment, stdout to /dev/null), interleaved round by round so a burst of load on the
//! machine hits all of them alike. Reports median and p90 of `--startup-runs` runs each and
//! PASS/FAIL against the targets: size under 6 MB (6,000,000 bytes), each command's median
//! within 2× `/bin/true`'s. Each binary runs from a copy (as installed), never the linker's
//! output in place. With `--baseline PATH` an older binary is measured in the same
//! rounds, for a before/after on the same machine state; with `--static-build PATH` a
//! statically linked build (the shape of the Linux release archives, which are static musl
//! binaries this machine cannot build) gets its own start-up verdict lines, the size verdict
//! staying on the default build. Replaces only its section of the
//! report (between the markers below). Never a timed assertion in tests: the verdict is only
//! printed.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::Bench;
use crate::alone::{Occasion, replace_section, update_report};
use crate::measure::{self, ChildRun};

const BEGIN: &str = "<!-- startup: begin -->";
const END: &str = "<!-- startup: end -->";
const STATIC_LABEL: &str = "static build";

/// Issue 16: "Release binary under 6 MB".
pub const SIZE_TARGET_BYTES: u64 = 6_000_000;
/// Issue 16: "Start-up stays within 2× `/bin/true`".
pub const STARTUP_TARGET_RATIO: f64 = 2.0;

/// What is timed: a label and the arguments (`None`: `/bin/true` itself).
const COMMANDS: [(&str, Option<&[&str]>); 3] = [
    ("`/bin/true`", None),
    ("`astro --version`", Some(&["--version"])),
    (
        "`astro org user list --help`",
        Some(&["org", "user", "list", "--help"]),
    ),
];

/// Median and p90 of one command's wall times.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spread {
    pub median: Duration,
    pub p90: Duration,
}

/// The median and the 90th percentile (nearest rank) of `samples`.
pub fn spread(samples: &[Duration]) -> Spread {
    let mut sorted = samples.to_vec();
    sorted.sort();
    if sorted.is_empty() {
        return Spread {
            median: Duration::ZERO,
            p90: Duration::ZERO,
        };
    }
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    };
    // Nearest rank: the smallest value with at least 90% of the samples at or below it.
    let rank = (n * 9).div_ceil(10).max(1);
    Spread {
        median,
        p90: sorted[rank - 1],
    }
}

/// One command's figures: the spread of its wall times and of its CPU times.
#[derive(Debug, Clone, Copy)]
struct Timing {
    wall: Spread,
    cpu: Spread,
}

fn timing(runs: &[ChildRun]) -> Timing {
    Timing {
        wall: spread(&runs.iter().map(|r| r.wall).collect::<Vec<_>>()),
        cpu: spread(&runs.iter().map(|r| r.cpu).collect::<Vec<_>>()),
    }
}

/// One binary's figures: its size and, per command of [`COMMANDS`] after `/bin/true`, its timing.
struct Binary {
    label: String,
    path: String,
    size: u64,
    commands: Vec<Timing>,
}

fn us(d: Duration) -> String {
    format!("{:.0} µs", d.as_secs_f64() * 1e6)
}

fn times(x: Duration, truth: Duration) -> f64 {
    x.as_secs_f64() / truth.as_secs_f64().max(1e-9)
}

pub fn alone(
    bench: &Bench<'_>,
    baseline: Option<&Path>,
    static_build: Option<&Path>,
    out: &Path,
) -> Result<(), String> {
    let runs = bench.args.startup_runs.max(1);
    let occasion = Occasion::begin();
    let mut binaries: Vec<(&str, &Path)> = Vec::new();
    if let Some(b) = baseline {
        if !b.is_file() {
            return Err(format!("no baseline binary at {}", b.display()));
        }
        binaries.push(("before (--baseline)", b));
    }
    binaries.push(("this build", bench.astro.as_path()));
    if let Some(b) = static_build {
        if !b.is_file() {
            return Err(format!("no static build at {}", b.display()));
        }
        binaries.push((STATIC_LABEL, b));
    }

    // Each binary is run from a copy, as an installed one is (`cargo install`, the archives):
    // the linker's own output file started 100 µs slower here than a copy of the same bytes
    // (same page faults; how its pages sit in the page cache), which made a build measured in
    // place look slower than a copied baseline.
    let copies: Vec<std::path::PathBuf> = binaries
        .iter()
        .enumerate()
        .map(|(i, (_, path))| {
            let copy = bench.scratch.join(format!("startup-{i}"));
            fs::copy(path, &copy).map(|_| copy).map_err(|e| {
                format!(
                    "cannot copy {} to {}: {e}",
                    path.display(),
                    bench.scratch.display()
                )
            })
        })
        .collect::<Result<_, _>>()?;

    // samples[binary][command]; /bin/true is measured once per round, shared by all binaries.
    let mut truth = Vec::with_capacity(runs);
    let mut samples = vec![vec![Vec::with_capacity(runs); COMMANDS.len() - 1]; binaries.len()];
    // A few unmeasured runs first so the page cache holds every binary.
    for _ in 0..3 {
        measure::run(&mut Command::new("/bin/true"), &bench.scratch)?;
        for path in &copies {
            for (_, args) in COMMANDS.iter().skip(1) {
                let mut cmd = Command::new(path);
                cmd.args(args.unwrap_or_default()).env_clear();
                measure::run(&mut cmd, &bench.scratch)?;
            }
        }
    }
    for round in 0..runs {
        // Rotate the order each round: no command always runs right after another.
        let slots = 1 + binaries.len() * (COMMANDS.len() - 1);
        for k in 0..slots {
            let slot = (k + round) % slots;
            if slot == 0 {
                let mut cmd = Command::new("/bin/true");
                cmd.env_clear();
                truth.push(measure::run(&mut cmd, &bench.scratch)?);
                continue;
            }
            let (b, c) = (
                (slot - 1) / (COMMANDS.len() - 1),
                (slot - 1) % (COMMANDS.len() - 1),
            );
            let mut cmd = Command::new(&copies[b]);
            cmd.args(COMMANDS[c + 1].1.unwrap_or_default()).env_clear();
            samples[b][c].push(measure::run(&mut cmd, &bench.scratch)?);
        }
    }
    let truth = timing(&truth);
    let measured: Vec<Binary> = binaries
        .iter()
        .zip(&samples)
        .map(|((label, path), s)| Binary {
            label: (*label).to_owned(),
            path: path.display().to_string(),
            size: fs::metadata(path).map_or(0, |m| m.len()),
            commands: s.iter().map(|c| timing(c)).collect(),
        })
        .collect();

    let current = measured
        .iter()
        .find(|b| b.label == "this build")
        .expect("this build is always measured");
    let statically = measured.iter().find(|b| b.label == STATIC_LABEL);
    let size_ok = current.size < SIZE_TARGET_BYTES;
    let starts_in_time = |b: &Binary| {
        b.commands
            .iter()
            .all(|c| times(c.wall.median, truth.wall.median) <= STARTUP_TARGET_RATIO)
    };
    let startup_ok = starts_in_time(current) && statically.is_none_or(starts_in_time);

    let mut s = String::new();
    let _ = writeln!(s, "{BEGIN}");
    let _ = writeln!(s, "## Size and start-up (issue 16)\n");
    let verdict = if size_ok && startup_ok {
        "**PASS**: both targets met".to_owned()
    } else {
        format!(
            "**FAIL**: {}",
            [
                (!size_ok).then_some("the binary is 6 MB or more"),
                (!startup_ok).then_some("a start-up is over 2× `/bin/true`"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("; ")
        )
    };
    let _ = writeln!(s, "{verdict}\n");
    let _ = writeln!(s, "| target | result | |\n|---|---|---|");
    let _ = writeln!(
        s,
        "| release binary under 6 MB (6,000,000 bytes), x86_64 Linux | {} bytes ({:.2} MB) | {} |",
        current.size,
        current.size as f64 / 1e6,
        crate::pass(size_ok)
    );
    for (b, which) in std::iter::once((current, ""))
        .chain(statically.map(|b| (b, "; static build, the archives' shape")))
    {
        for (i, c) in b.commands.iter().enumerate() {
            let x = times(c.wall.median, truth.wall.median);
            let _ = writeln!(
                s,
                "| {} within 2× `/bin/true` (median wall time{which}) | {} vs {}: {x:.2}× (CPU time: {:.2}×) | {} |",
                COMMANDS[i + 1].0,
                us(c.wall.median),
                us(truth.wall.median),
                times(c.cpu.median, truth.cpu.median),
                crate::pass(x <= STARTUP_TARGET_RATIO)
            );
        }
    }
    let _ = writeln!(
        s,
        "\nWall time from spawn to reaping (`wait4`), and CPU time (user + system, from the same \
         `wait4`), {runs} runs of each, interleaved round by round in a rotating order after 3 \
         unmeasured warm-up rounds; each binary run from a copy in a scratch directory (as an \
         installed binary is), each child with an empty environment, stdin and stdout on \
         /dev/null. Ratios are medians over `/bin/true`'s median. The verdict is on wall time; \
         CPU time is the figure to trust when the machine is shared.\n"
    );
    let _ = writeln!(
        s,
        "| binary | size | command | wall median | wall p90 | CPU median | CPU p90 | wall / `/bin/true` | CPU / `/bin/true` |"
    );
    let _ = writeln!(s, "|---|---:|---|---:|---:|---:|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| | | `/bin/true` | {} | {} | {} | {} | 1.00× | 1.00× |",
        us(truth.wall.median),
        us(truth.wall.p90),
        us(truth.cpu.median),
        us(truth.cpu.p90)
    );
    for b in &measured {
        for (i, c) in b.commands.iter().enumerate() {
            let _ = writeln!(
                s,
                "| {} (`{}`) | {:.2} MB | {} | {} | {} | {} | {} | {:.2}× | {:.2}× |",
                b.label,
                b.path,
                b.size as f64 / 1e6,
                COMMANDS[i + 1].0,
                us(c.wall.median),
                us(c.wall.p90),
                us(c.cpu.median),
                us(c.cpu.p90),
                times(c.wall.median, truth.wall.median),
                times(c.cpu.median, truth.cpu.median)
            );
        }
    }
    let mut extra_args = bench
        .args
        .astro
        .as_ref()
        .map_or(String::new(), |a| format!(" --astro {}", a.display()));
    if let Some(b) = baseline {
        let _ = write!(extra_args, " --baseline {}", b.display());
    }
    if let Some(b) = static_build {
        let _ = write!(extra_args, " --static-build {}", b.display());
    }
    let how = occasion.describe(
        bench,
        &format!("--startup-only --startup-runs {runs}{extra_args}"),
    );
    let _ = writeln!(
        s,
        "\n{how} Both the binaries and `/bin/true` ran in the same rounds, so the ratios hold \
         better than the absolute times when the machine is shared."
    );
    let _ = writeln!(s, "{END}");

    update_report(out, |report| replace_section(report, BEGIN, END, &s))?;
    println!("{s}");
    eprintln!(
        "[astro-bench] size and start-up: {}; wrote its section into {}",
        if size_ok && startup_ok {
            "PASS"
        } else {
            "FAIL"
        },
        out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(v: &[u64]) -> Vec<Duration> {
        v.iter().map(|&x| Duration::from_millis(x)).collect()
    }

    #[test]
    fn median_and_p90_by_nearest_rank() {
        let s = spread(&ms(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]));
        assert_eq!(s.median, Duration::from_micros(5_500));
        assert_eq!(s.p90, Duration::from_millis(9));
        let s = spread(&ms(&[3, 1, 2]));
        assert_eq!(
            (s.median, s.p90),
            (Duration::from_millis(2), Duration::from_millis(3))
        );
        let s = spread(&ms(&[7]));
        assert_eq!(
            (s.median, s.p90),
            (Duration::from_millis(7), Duration::from_millis(7))
        );
    }
}
