//! The Team members job: `astro organization team user add TEAM` with many emails at once
//! (default 50 generated users spread over a 10,000-member Organization) against one single
//! add per email, the reference way. Its target: the whole add within 4 sequential round trips
//! (the Team and its members, the Organization listed at the same time, then one
//! AddTeamMembers).
//!
//! Run with the others, or alone with `--team-only`, which measures only this job and writes
//! only its section of the report (between the markers below), leaving the rest as it was.

use std::fmt::Write as _;
use std::path::Path;

use astro_emulator::EmulatorHandle;

use super::alone::{Occasion, replace_section, update_report};
use super::{
    Bench, SEED_USERS, Stat, fmt_count, fmt_dur, generated_email, loop_stat, pass, progress, stat,
    table_header, table_row,
};

/// The seeded Team the users are added to (one member, grace, to begin with).
const TEAM: &str = "Platform Team";
/// The most sequential round trips the add may take.
const TARGET_CHAIN: f64 = 4.0;
const BEGIN: &str = "<!-- team-users: begin -->";
const END: &str = "<!-- team-users: end -->";

/// What the job measured.
pub struct TeamAdd {
    pub size: usize,
    pub emails: usize,
    /// The new way, and the reference way (single adds, summed; maybe extrapolated).
    pub stats: (Stat, Stat),
}

impl Bench<'_> {
    /// Measures the job: `--runs` runs of the new way, each checked against the emulator and
    /// undone (unmeasured, `team user remove … --force`); then K single adds with
    /// `ASTRO_PAGING=reference` (K = `--sample`, at most the number of emails), extrapolated
    /// linearly to all the emails when K is fewer.
    pub fn team_add(&self) -> Result<TeamAdd, String> {
        let size = self.args.team_size;
        let generated = size
            .checked_sub(SEED_USERS)
            .filter(|&g| g >= self.args.team_emails && self.args.team_emails > 0)
            .ok_or_else(|| {
                format!(
                    "--team-size must leave at least --team-emails ({}) generated users",
                    self.args.team_emails
                )
            })?;
        let emails: Vec<String> = spread(generated, self.args.team_emails)
            .into_iter()
            .map(generated_email)
            .collect();
        progress(&format!("team: starting the emulator with {size} members"));
        let emu = self.emulator(size)?;
        let before = team_members(&emu)?;
        let runs = self.args.runs;
        progress(&format!(
            "team: `team user add` of {} emails ({runs} runs)",
            emails.len()
        ));
        let mut add: Vec<&str> = vec!["organization", "team", "user", "add", TEAM];
        add.extend(emails.iter().map(String::as_str));
        let mut remove: Vec<&str> = vec!["organization", "team", "user", "remove", TEAM, "--force"];
        remove.extend(emails.iter().map(String::as_str));
        let mut new = Vec::new();
        for _ in 0..runs {
            new.push(self.measure_way(&emu, false, &add)?);
            expect_members(&emu, &before, &emails)?;
            self.quietly(&emu, &remove)?;
            expect_members(&emu, &before, &[])?;
        }

        let k = self.args.sample.min(emails.len());
        progress(&format!(
            "team: the reference way, {k} of {} single adds",
            emails.len()
        ));
        let mut singles = Vec::new();
        for email in &emails[..k] {
            singles.push(self.measure_way(
                &emu,
                true,
                &["organization", "team", "user", "add", TEAM, email],
            )?);
        }
        expect_members(&emu, &before, &emails[..k])?;
        let mut undo: Vec<&str> = vec!["organization", "team", "user", "remove", TEAM, "--force"];
        undo.extend(emails[..k].iter().map(String::as_str));
        self.quietly(&emu, &undo)?;
        expect_members(&emu, &before, &[])?;
        Ok(TeamAdd {
            size,
            emails: emails.len(),
            stats: (stat(&new), loop_stat(&[singles], emails.len())),
        })
    }
}

/// `n` of the generated users 1..=`generated`, spread evenly over the list (the last one near
/// its end), so the emails are found all over the Organization's pages.
fn spread(generated: usize, n: usize) -> Vec<usize> {
    (1..=n).map(|k| k * generated / n).collect()
}

fn team_members(emu: &EmulatorHandle) -> Result<Vec<String>, String> {
    emu.team(TEAM)
        .map(|t| t.members)
        .ok_or_else(|| format!("the emulator has no Team {TEAM}"))
}

/// The Team holds exactly its members from before plus `added`, in that order.
fn expect_members(emu: &EmulatorHandle, before: &[String], added: &[String]) -> Result<(), String> {
    let now = team_members(emu)?;
    let expected: Vec<String> = before.iter().chain(added).cloned().collect();
    if now == expected {
        Ok(())
    } else {
        Err(format!(
            "Team {TEAM} should have {} members, has {}: {now:?}",
            expected.len(),
            now.len()
        ))
    }
}

fn target_met(t: &TeamAdd) -> bool {
    t.stats.0.chain <= TARGET_CHAIN
}

/// The job's line in the report's Targets table.
pub fn target_row(out: &mut String, team: &TeamAdd) {
    let _ = writeln!(
        out,
        "| `organization team user add TEAM` with {} emails at {} members: at most {} sequential round trips | longest chain {} | {} |",
        team.emails,
        team.size,
        fmt_count(TARGET_CHAIN),
        fmt_count(team.stats.0.chain),
        pass(target_met(team))
    );
}

/// The job's section of the report, between markers; `alone` adds when and how it was
/// measured (a `--team-only` run, separate from the rest of the report).
pub fn section(out: &mut String, team: &TeamAdd, args: &super::Args, alone: Option<&str>) {
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "\n## `astro organization team user add TEAM` with {} emails\n\n\
         New: `astro organization team user add \"{TEAM}\" EMAIL…` with {} generated users spread \
         over the Organization, all by email (the Team and its members are read while the \
         whole Organization is listed once, then one AddTeamMembers with every ID), median of \
         {} runs, each checked against the emulator's Team and undone (unmeasured, `team user \
         remove … --force`). Reference: one `ASTRO_PAGING=reference astro organization team \
         user add \"{TEAM}\" EMAIL` per email, one after another (the shell-loop way), summed; \
         the first {} run and extrapolated linearly to {} when fewer.\n",
        team.emails,
        team.emails,
        args.runs,
        args.sample.min(team.emails),
        team.emails
    );
    if let Some(alone) = alone {
        let _ = writeln!(out, "{alone}\n");
    }
    table_header(out);
    table_row(
        out,
        &format!("{} ({} emails)", team.size, team.emails),
        &team.stats.0,
        &team.stats.1,
    );
    let _ = writeln!(
        out,
        "\nTarget: at most {} sequential round trips: longest chain {} ({} requests in {}): {}",
        fmt_count(TARGET_CHAIN),
        fmt_count(team.stats.0.chain),
        fmt_count(team.stats.0.requests),
        fmt_dur(team.stats.0.wall),
        pass(target_met(team))
    );
    let _ = writeln!(out, "\n{END}");
}

/// `--team-only`: measures this job and puts its section into the report at `out`, replacing
/// the section there (or adding it at the end), so the rest of the report stays as measured.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let occasion = Occasion::begin();
    let team = bench.team_add()?;
    let args = bench.args;
    let how = occasion.describe(
        bench,
        &format!(
            "--team-only --team-size {} --team-emails {} --latency-ms {} --runs {} --sample {}",
            team.size, team.emails, args.latency_ms, args.runs, args.sample
        ),
    );
    let mut section_text = String::new();
    section(&mut section_text, &team, args, Some(&how));
    update_report(out, |report| {
        replace_section(report, BEGIN, END, &section_text)
    })?;
    println!("{section_text}");
    eprintln!("wrote its section into {}", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emails_are_spread_over_the_whole_list() {
        let picked = spread(9_994, 50);
        assert_eq!(picked.len(), 50);
        assert_eq!(picked[0], 199);
        assert_eq!(*picked.last().unwrap(), 9_994);
        assert!(picked.windows(2).all(|w| w[0] < w[1]));
    }
}
