//! The `astro api --paginate` job: every member of a large Organization (50,000 by default)
//! through `astro api ListUsers --paginate`, against the reference way of paging: the Go CLI's
//! `astro api cloud --paginate`, which asks for one page at a time with the API's default size
//! (20) and follows `offset` until `totalCount` (`ASTRO_PAGING=reference` makes this binary
//! page that way; the Go CLI also stops after 100 pages, which this reference does not, so
//! both ways return every member).
//!
//! Run with `--api-only`, which measures only this job and writes only its section of the
//! report (between the markers below).

use std::fmt::Write as _;
use std::path::Path;

use astro_emulator::EmulatorHandle;

use super::alone::{Occasion, replace_section, update_report};
use super::{
    Bench, SEED_USERS, Stat, fmt_count, fmt_dur, fmt_mb, pass, progress, stat, table_header,
    table_row,
};

const BEGIN: &str = "<!-- api-paginate: begin -->";
const END: &str = "<!-- api-paginate: end -->";
/// The reference's page size (the API's default; the Go CLI sends no `limit`).
const REFERENCE_PAGE: usize = 20;
/// The most sequential round trips the new way may take: the first page, then the rest at
/// once.
const TARGET_CHAIN: f64 = 2.0;

const COMMAND: [&str; 3] = ["api", "ListUsers", "--paginate"];

/// What the job measured.
pub struct ApiPaginate {
    pub members: usize,
    /// The new way, and the reference way.
    pub stats: (Stat, Stat),
}

impl Bench<'_> {
    /// `--runs` runs each way, one after the other; before them, one unmeasured run each way
    /// whose output must list every member exactly once.
    pub fn api_paginate(&self) -> Result<ApiPaginate, String> {
        let members = self.args.api_members;
        if members <= SEED_USERS {
            return Err(format!("--api-members must be over {SEED_USERS}"));
        }
        progress(&format!(
            "api: starting the emulator with {members} members"
        ));
        let emu = self.emulator(members)?;
        for reference in [false, true] {
            self.expect_every_member(&emu, reference, emu.user_count())?;
        }
        let (mut new, mut reference) = (Vec::new(), Vec::new());
        for run in 1..=self.args.runs {
            progress(&format!(
                "api: `astro api ListUsers --paginate`, run {run} of {} each way",
                self.args.runs
            ));
            new.push(self.measure_with(&emu, false, &COMMAND)?);
            let r = self.measure_with(&emu, true, &COMMAND)?;
            let pages = members.div_ceil(REFERENCE_PAGE);
            if r.requests != pages {
                return Err(format!(
                    "the reference way sent {} requests, not {pages} pages of {REFERENCE_PAGE}: \
                     rebuild the binary from a tree whose `api --paginate` honours \
                     ASTRO_PAGING=reference",
                    r.requests
                ));
            }
            reference.push(r);
        }
        Ok(ApiPaginate {
            members,
            stats: (stat(&new), stat(&reference)),
        })
    }

    fn expect_every_member(
        &self,
        emu: &EmulatorHandle,
        reference: bool,
        expected: usize,
    ) -> Result<(), String> {
        let out = self
            .astro(emu, reference, &COMMAND)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.astro.display()))?;
        if !out.status.success() {
            return Err(format!(
                "`astro api ListUsers --paginate` failed: {}",
                String::from_utf8_lossy(&out.stderr).trim_end()
            ));
        }
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("`astro api ListUsers --paginate` printed no JSON: {e}"))?;
        let ids: Vec<&str> = doc["users"]
            .as_array()
            .map(|users| users.iter().filter_map(|u| u["id"].as_str()).collect())
            .unwrap_or_default();
        let distinct: std::collections::HashSet<&str> = ids.iter().copied().collect();
        if ids.len() != expected || distinct.len() != expected {
            return Err(format!(
                "`astro api ListUsers --paginate`{} listed {} users ({} distinct), expected {expected}",
                if reference { " (reference)" } else { "" },
                ids.len(),
                distinct.len()
            ));
        }
        Ok(())
    }
}

fn target_met(a: &ApiPaginate) -> bool {
    a.stats.0.chain <= TARGET_CHAIN
}

/// The job's section of the report, between its markers.
fn section(out: &mut String, a: &ApiPaginate, runs: usize, how: &str) {
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "\n## `astro api ListUsers --paginate` over {} members\n\n\
         New: `astro api ListUsers --paginate` (the first page of 1,000 to learn `totalCount`, \
         then every other page at once, merged into one document). Reference: the same command \
         paging the Go CLI's way (`ASTRO_PAGING=reference`: one page of {REFERENCE_PAGE} at a \
         time, following `offset`; the Go CLI would also stop after 100 pages, i.e. 2,000 \
         members). Each way's output was checked once (unmeasured) to list every member once; \
         median of {runs} runs each way.\n\n{how}\n",
        a.members
    );
    table_header(out);
    table_row(out, &a.members.to_string(), &a.stats.0, &a.stats.1);
    let _ = writeln!(
        out,
        "\nTarget: the first page, then the rest at once (at most {} sequential round trips): \
         longest chain {} ({} requests in {}, peak RSS {}): {}",
        fmt_count(TARGET_CHAIN),
        fmt_count(a.stats.0.chain),
        fmt_count(a.stats.0.requests),
        fmt_dur(a.stats.0.wall),
        fmt_mb(a.stats.0.maxrss_kib),
        pass(target_met(a))
    );
    let _ = writeln!(out, "\n{END}");
}

/// `--api-only`: measures this job and puts its section into the report at `out`.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let occasion = Occasion::begin();
    let a = bench.api_paginate()?;
    let args = bench.args;
    let how = occasion.describe(
        bench,
        &format!(
            "--api-only --api-members {} --latency-ms {} --runs {}",
            a.members, args.latency_ms, args.runs
        ),
    );
    let mut section_text = String::new();
    section(&mut section_text, &a, args.runs, &how);
    update_report(out, |report| {
        replace_section(report, BEGIN, END, &section_text)
    })?;
    println!("{section_text}");
    eprintln!("wrote its section into {}", out.display());
    Ok(())
}
