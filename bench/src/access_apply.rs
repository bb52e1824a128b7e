//! The access-apply job (issue 14, "Fast": "an apply of 1,000 changes is at least 20× faster
//! than running the equivalent single commands one after another"). On the access job's seeded
//! Organization (src/access.rs: 5,000 members, 50 Workspaces, 100 Teams), the export is edited
//! in code to make exactly 1,000 Workspace-role changes spread over 250 members (4 each: every
//! Workspace role they hold changed to WORKSPACE_OPERATOR, the rest added as WORKSPACE_AUTHOR
//! in other Workspaces, so each member's changes merge into one role write), then
//! `astro organization access apply -f FILE --yes` runs once per `--runs`, each time from a
//! fresh emulator with the same seed, checked against the emulator and by a `plan` that must
//! say `no changes`. The reference: the equivalent single commands (`astro workspace user
//! update EMAIL --role WORKSPACE_OPERATOR --workspace-id WS` for a change, `… add …` for an
//! addition) with `ASTRO_PAGING=reference` (the Go CLI's paging), one after another; a sample
//! (`--sample`, 20, spread evenly over the 1,000) is run from a fresh emulator and extrapolated
//! linearly to 1,000, as the Team job does. The same sample is also run with this CLI's own
//! paging, for information.
//!
//! `--access-apply-only` runs just this job and writes only its section of the report (between
//! the markers below) and its line in the Targets table.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use astro_emulator::EmulatorHandle;

use super::access::{Shape, check_seeded, member_email, seed, workspace_name};
use super::alone::{Occasion, replace_section, update_report, with_target};
use super::{
    Bench, Stat, fmt_count, fmt_dur, loop_stat, pass, progress, stat, table_header, table_row,
};

/// Changes the apply makes.
pub const CHANGES: usize = 1_000;
/// Changes per member (merged by apply into one role write each).
const PER_SUBJECT: usize = 4;
/// The target speed-up of the apply over the single commands.
const TARGET_SPEEDUP: f64 = 20.0;
const CHANGED_TO: &str = "WORKSPACE_OPERATOR";
const ADDED_AS: &str = "WORKSPACE_AUTHOR";
const BEGIN: &str = "<!-- access-apply: begin -->";
const END: &str = "<!-- access-apply: end -->";
/// How the job's line in the Targets table starts (to replace it in `--access-apply-only`).
const TARGET_PREFIX: &str = "| `organization access apply -f FILE --yes` of 1,000 changes";

/// Per chosen member's email, their desired Workspace roles (Workspace number, role).
type Desired = HashMap<String, Vec<(usize, &'static str)>>;

/// One Workspace-role change of the edit.
#[derive(Debug, Clone)]
struct Change {
    email: String,
    workspace: String,
    role: &'static str,
    /// A role in a Workspace the member had none in (`workspace user add`), or a changed one
    /// (`workspace user update`).
    added: bool,
}

/// What the job measured.
pub struct ApplyRun {
    pub shape: Shape,
    pub subjects: usize,
    pub added: usize,
    pub changed: usize,
    /// The apply (median over `--runs`, each from a fresh emulator).
    pub apply: Stat,
    /// The single commands with `ASTRO_PAGING=reference`, sampled and extrapolated.
    pub reference: Stat,
    /// The same sample with this CLI's own paging, extrapolated.
    pub singles_new: Stat,
    /// Additions and changes in the sample.
    pub sample_added: usize,
    pub sample_changed: usize,
}

/// The Workspace roles the seed gives member `i` (src/access.rs): WORKSPACE_MEMBER in one
/// Workspace when `i` is even, and WORKSPACE_AUTHOR in the next when `i % 6 == 0`.
fn seeded_roles(i: usize, workspaces: usize) -> Vec<(usize, &'static str)> {
    let mut roles = Vec::new();
    if i.is_multiple_of(2) {
        roles.push(((i / 2) % workspaces, "WORKSPACE_MEMBER"));
        if i.is_multiple_of(6) {
            roles.push(((i / 2 + 1) % workspaces, "WORKSPACE_AUTHOR"));
        }
    }
    roles
}

/// The `k`th of the members changed (0-based): even (every even member has a seeded
/// Workspace role; every sixth has two), spread evenly over the whole list, about every 20th at
/// 5,000 members.
fn subject(k: usize, shape: Shape) -> usize {
    2 + 2 * (k * (shape.members - 3) / (2 * (CHANGES / PER_SUBJECT)))
}

/// The members changed: `CHANGES / PER_SUBJECT` of them, spread over the whole list (every
/// 20th at 5,000 members, all with at least one seeded Workspace role), and each one's
/// desired Workspace roles: every seeded role changed to WORKSPACE_OPERATOR, then
/// WORKSPACE_AUTHOR added in Workspaces 10, 11, … after their first until they have
/// `PER_SUBJECT` changes. Returns the changes in order and, per email, the desired roles.
fn plan_changes(shape: Shape) -> Result<(Vec<Change>, Desired), String> {
    let subjects = CHANGES / PER_SUBJECT;
    if shape.members < 2 * subjects + 3 || shape.workspaces < 10 + PER_SUBJECT {
        return Err(format!(
            "the apply job needs at least {} members and {} Workspaces",
            2 * subjects + 1,
            10 + PER_SUBJECT
        ));
    }
    let mut changes = Vec::new();
    let mut desired = HashMap::new();
    for k in 0..subjects {
        let i = subject(k, shape);
        let email = member_email(i);
        let seeded = seeded_roles(i, shape.workspaces);
        let mut want: Vec<(usize, &'static str)> = Vec::new();
        for &(w, _) in &seeded {
            want.push((w, CHANGED_TO));
            changes.push(Change {
                email: email.clone(),
                workspace: workspace_name(w),
                role: CHANGED_TO,
                added: false,
            });
        }
        let first = seeded[0].0;
        for j in 0..PER_SUBJECT - seeded.len() {
            let w = (first + 10 + j) % shape.workspaces;
            want.push((w, ADDED_AS));
            changes.push(Change {
                email: email.clone(),
                workspace: workspace_name(w),
                role: ADDED_AS,
                added: true,
            });
        }
        want.sort_unstable();
        desired.insert(email, want);
    }
    Ok((changes, desired))
}

/// The export with each chosen member's `workspaces:` replaced by the desired roles.
fn edit(export: &str, desired: &Desired) -> Result<String, String> {
    let mut out = String::with_capacity(export.len() + desired.len() * 200);
    let mut in_members = false;
    let mut current: Option<&str> = None;
    let mut skipping = false;
    let mut edited = 0;
    for line in export.lines() {
        if !line.starts_with(' ') {
            in_members = line == "members:";
            current = None;
            skipping = false;
        } else if in_members && line.starts_with("  \"") && !line.starts_with("   ") {
            current = line
                .strip_prefix("  \"")
                .and_then(|l| l.strip_suffix("\":"))
                .and_then(|email| desired.get_key_value(email))
                .map(|(k, _)| k.as_str());
            skipping = false;
        } else if skipping && line.starts_with("      ") {
            continue;
        } else {
            skipping = false;
        }
        if let Some(email) = current
            && (line == "    workspaces:" || line == "    workspaces: {}")
        {
            out.push_str("    workspaces:\n");
            for &(w, role) in &desired[email] {
                let _ = writeln!(out, "      \"{}\": {role}", workspace_name(w));
            }
            edited += 1;
            skipping = true;
            current = None;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if edited == desired.len() {
        Ok(out)
    } else {
        Err(format!(
            "edited the `workspaces:` of {edited} members in the export, expected {}",
            desired.len()
        ))
    }
}

impl Bench<'_> {
    /// A fresh emulator with the access job's seed, checked.
    fn access_emulator(&self, shape: Shape) -> Result<EmulatorHandle, String> {
        let (seed, ..) = seed(shape);
        let emu = astro_emulator::Emulator::builder()
            .seed(seed)
            .map_err(|e| format!("the access seed is invalid: {e}"))?
            .latency(self.latency)
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        check_seeded(&emu, shape)?;
        Ok(emu)
    }

    /// Runs `plan -f FILE` (unmeasured) and returns its stdout; it must exit 0.
    fn plan_says(&self, emu: &EmulatorHandle, file: &str) -> Result<String, String> {
        let out = self
            .astro(emu, false, &["organization", "access", "plan", "-f", file])
            .output()
            .map_err(|e| format!("cannot run plan: {e}"))?;
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        if out.status.success() {
            Ok(said)
        } else {
            Err(format!(
                "plan failed ({}):\n{said}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Measures the job (see the module's documentation).
    pub fn access_apply(&self) -> Result<ApplyRun, String> {
        let shape = Shape {
            members: self.args.access_members,
            workspaces: self.args.access_workspaces,
            teams: self.args.access_teams,
        };
        let (changes, desired) = plan_changes(shape)?;
        let added = changes.iter().filter(|c| c.added).count();
        let changed = changes.len() - added;
        let summary = format!("{added} to add, {changed} to change, 0 to remove");
        let expect = |emu: &EmulatorHandle, which: &[Change]| -> Result<(), String> {
            for c in which {
                let got = emu.workspace_role(&c.email, &c.workspace);
                if got.as_deref() != Some(c.role) {
                    return Err(format!(
                        "{} should have {} in {}, has {got:?}",
                        c.email, c.role, c.workspace
                    ));
                }
            }
            Ok(())
        };
        let runs = self.args.runs;
        let exported = self.scratch.join("apply-export.yaml");
        let file = self.scratch.join("apply-edited.yaml");
        let exported_arg = exported.to_string_lossy().into_owned();
        let file_arg = file.to_string_lossy().into_owned();
        let mut applies = Vec::new();
        for run in 1..=runs {
            progress(&format!(
                "access apply: run {run} of {runs}: fresh emulator ({} members, {} Workspaces, {} Teams), export, edit ({} changes over {} members)",
                shape.members,
                shape.workspaces,
                shape.teams,
                changes.len(),
                desired.len()
            ));
            let emu = self.access_emulator(shape)?;
            let _ = fs::remove_file(&exported);
            self.quietly(
                &emu,
                &["organization", "access", "export", "-o", &exported_arg],
            )?;
            let text = fs::read_to_string(&exported)
                .map_err(|e| format!("export wrote no readable {exported_arg}: {e}"))?;
            let edited = edit(&text, &desired)?;
            fs::write(&file, &edited).map_err(|e| format!("cannot write {file_arg}: {e}"))?;
            let said = self.plan_says(&emu, &file_arg)?;
            if !said.lines().any(|l| l.trim() == summary) {
                return Err(format!(
                    "the plan of the edited file should say `{summary}`; its last lines:\n{}",
                    said.lines().rev().take(5).collect::<Vec<_>>().join("\n")
                ));
            }
            progress(&format!("access apply: run {run}: apply -f FILE --yes"));
            applies.push(self.measure_way(
                &emu,
                false,
                &["organization", "access", "apply", "-f", &file_arg, "--yes"],
            )?);
            expect(&emu, &changes)?;
            let said = self.plan_says(&emu, &file_arg)?;
            if said.trim() != "no changes" {
                return Err(format!(
                    "plan after the apply should say `no changes`, said:\n{said}"
                ));
            }
        }

        // The sample: updates and adds in the proportion of the 1,000, each kind spread evenly
        // over its changes and extrapolated to its own count.
        let k = self.args.sample.min(changes.len());
        let (updates, adds): (Vec<&Change>, Vec<&Change>) = changes.iter().partition(|c| !c.added);
        let k_updates = ((k * updates.len()) as f64 / changes.len() as f64).round() as usize;
        let k_updates = k_updates.clamp(usize::from(!updates.is_empty()), k.min(updates.len()));
        let k_adds = (k - k_updates).min(adds.len());
        let spread = |of: &[&Change], n: usize| -> Vec<Change> {
            (0..n).map(|j| of[j * of.len() / n].clone()).collect()
        };
        let sample_updates = spread(&updates, k_updates);
        let sample_adds = spread(&adds, k_adds);
        let sample_added = sample_adds.len();
        let mut ways = Vec::new();
        for reference in [true, false] {
            progress(&format!(
                "access apply: {} of {} single commands ({} updates, {} adds), {}, from a fresh emulator",
                k_updates + k_adds,
                changes.len(),
                k_updates,
                k_adds,
                if reference {
                    "ASTRO_PAGING=reference"
                } else {
                    "this CLI's paging"
                }
            ));
            let emu = self.access_emulator(shape)?;
            let mut totals = Vec::new();
            for (sample, all) in [(&sample_updates, updates.len()), (&sample_adds, adds.len())] {
                let mut singles = Vec::new();
                for c in sample {
                    let verb = if c.added { "add" } else { "update" };
                    singles.push(self.measure_way(
                        &emu,
                        reference,
                        &[
                            "workspace",
                            "user",
                            verb,
                            &c.email,
                            "--role",
                            c.role,
                            "--workspace-id",
                            &c.workspace,
                        ],
                    )?);
                    expect(&emu, std::slice::from_ref(c))?;
                }
                if !singles.is_empty() {
                    totals.push(loop_stat(&[singles], all));
                }
            }
            ways.push(sum(&totals));
        }
        let singles_new = ways.pop().unwrap_or_else(|| stat(&[]));
        let reference = ways.pop().unwrap_or_else(|| stat(&[]));
        Ok(ApplyRun {
            shape,
            subjects: desired.len(),
            added,
            changed,
            apply: stat(&applies),
            reference,
            singles_new,
            sample_added,
            sample_changed: k_updates,
        })
    }
}

/// Two sequential loops as one: times, requests and chains add up; peak memory is the higher.
fn sum(parts: &[Stat]) -> Stat {
    let mut total = stat(&[]);
    for p in parts {
        total.wall += p.wall;
        total.requests += p.requests;
        total.chain += p.chain;
        total.maxrss_kib = total.maxrss_kib.max(p.maxrss_kib);
        total.runs = p.runs;
        total.extrapolated_from =
            Some(total.extrapolated_from.unwrap_or(0) + p.extrapolated_from.unwrap_or(0));
    }
    total
}

fn speedup(a: &ApplyRun) -> f64 {
    super::speedup(&a.apply, &a.reference)
}

fn describe(a: &ApplyRun) -> String {
    format!(
        "{} members, {} Workspaces, {} Teams",
        a.shape.members, a.shape.workspaces, a.shape.teams
    )
}

fn target_line(a: &ApplyRun, note: &str) -> String {
    format!(
        "{TARGET_PREFIX} ({} Workspace roles changed, {} added, over {} members) at {}: at least {}× faster than the single commands one after another (`ASTRO_PAGING=reference`, {} of {} run, extrapolated){note} | {} vs {}: {:.1}× | {} |",
        a.changed,
        a.added,
        a.subjects,
        describe(a),
        fmt_count(TARGET_SPEEDUP),
        a.sample_added + a.sample_changed,
        a.added + a.changed,
        fmt_dur(a.apply.wall),
        fmt_dur(a.reference.wall),
        speedup(a),
        pass(speedup(a) >= TARGET_SPEEDUP)
    )
}

/// The job's line in the report's Targets table.
pub fn target_row(out: &mut String, a: &ApplyRun) {
    let _ = writeln!(out, "{}", target_line(a, ""));
}

/// The job's section of the report, between markers; `alone` adds when and how it was
/// measured.
pub fn section(out: &mut String, a: &ApplyRun, args: &super::Args, alone: Option<&str>) {
    let k = a.sample_added + a.sample_changed;
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "\n## `astro organization access apply` of {} changes at {}\n\n\
         The access job's seed (above). The export is edited in code to make exactly {} \
         Workspace-role changes over {} members (even members spread evenly over the whole list, \
         about every {}th; {} each, merged by apply into one role write per member): every Workspace role they \
         hold changed to {CHANGED_TO} ({} changes) and {ADDED_AS} added in other Workspaces \
         ({} additions); the plan of the edited file says `{} to add, {} to change, 0 to \
         remove`. New: `astro organization access apply -f FILE --yes` (default concurrency), \
         median of {} runs, each from a fresh emulator with the same seed (exported and \
         edited unmeasured), each checked against the emulator (all {} roles) and by a `plan` \
         that says `no changes` afterwards. Reference: the equivalent single commands one \
         after another, `ASTRO_PAGING=reference astro workspace user update EMAIL --role \
         {CHANGED_TO} --workspace-id WS` per change and `… workspace user add EMAIL --role \
         {ADDED_AS} --workspace-id WS` per addition (Workspaces by name), from a fresh \
         emulator with the same seed; {k} of the {} run ({} adds of the {}, {} updates of the {}, in that \
         proportion, each kind spread evenly over its changes), each checked against the \
         emulator, summed and extrapolated linearly, each kind to its own count. \
         The last row is the same sample with this CLI's own paging (no `ASTRO_PAGING`), for \
         information.\n",
        CHANGES,
        describe(a),
        a.added + a.changed,
        a.subjects,
        a.shape.members / a.subjects.max(1),
        PER_SUBJECT,
        a.changed,
        a.added,
        a.added,
        a.changed,
        args.runs,
        a.added + a.changed,
        a.added + a.changed,
        a.sample_added,
        a.added,
        a.sample_changed,
        a.changed,
    );
    if let Some(alone) = alone {
        let _ = writeln!(out, "{alone}\n");
    }
    table_header(out);
    table_row(
        out,
        &format!(
            "{} changes, apply vs reference singles",
            a.added + a.changed
        ),
        &a.apply,
        &a.reference,
    );
    table_row(
        out,
        &format!(
            "{} changes, apply vs this CLI's singles",
            a.added + a.changed
        ),
        &a.apply,
        &a.singles_new,
    );
    let _ = writeln!(
        out,
        "\nTarget: apply at least {}× faster than the reference single commands: {} vs {} \
         (extrapolated from {k}): {:.1}×: {}",
        fmt_count(TARGET_SPEEDUP),
        fmt_dur(a.apply.wall),
        fmt_dur(a.reference.wall),
        speedup(a),
        pass(speedup(a) >= TARGET_SPEEDUP)
    );
    let _ = writeln!(out, "\n{END}");
}

/// `--access-apply-only`: measures this job and puts its section into the report at `out`
/// (replacing the one there, or added at the end) and its line into the Targets table.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let occasion = Occasion::begin();
    let a = bench.access_apply()?;
    let args = bench.args;
    let how = occasion.describe(
        bench,
        &format!(
            "--access-apply-only --access-members {} --access-workspaces {} --access-teams {} \
             --latency-ms {} --runs {} --sample {}",
            a.shape.members,
            a.shape.workspaces,
            a.shape.teams,
            args.latency_ms,
            args.runs,
            args.sample
        ),
    );
    let mut section_text = String::new();
    section(&mut section_text, &a, args, Some(&how));
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

#[cfg(test)]
mod tests {
    use super::*;

    const SHAPE: Shape = Shape {
        members: 5_000,
        workspaces: 50,
        teams: 100,
    };

    #[test]
    fn exactly_1000_changes_over_250_members() {
        let (changes, desired) = plan_changes(SHAPE).unwrap();
        assert_eq!(changes.len(), CHANGES);
        assert_eq!(desired.len(), 250);
        assert!(desired.values().all(|w| w.len() == PER_SUBJECT));
        let mut pairs: Vec<_> = changes.iter().map(|c| (&c.email, &c.workspace)).collect();
        pairs.sort();
        pairs.dedup();
        assert_eq!(pairs.len(), CHANGES, "no change twice");
    }

    #[test]
    fn the_edit_replaces_only_the_chosen_members_workspaces() {
        let mut desired = HashMap::new();
        desired.insert("b@x.io".to_owned(), vec![(1, CHANGED_TO), (11, ADDED_AS)]);
        desired.insert("c@x.io".to_owned(), vec![(3, ADDED_AS)]);
        let export = "organization: \"o\"\nmembers:\n  \"a@x.io\":\n    role: R\n    workspaces:\n      \"Workspace 01\": WORKSPACE_MEMBER\n  \"b@x.io\":\n    role: R\n    workspaces:\n      \"Workspace 01\": WORKSPACE_MEMBER\n    deployments:\n      \"Workspace 01\":\n        \"D\": DEPLOYMENT_ADMIN\n  \"c@x.io\":\n    role: R\n    workspaces: {}\nteams:\n  \"T\":\n    workspaces: {}\n";
        let edited = edit(export, &desired).unwrap();
        assert_eq!(
            edited,
            "organization: \"o\"\nmembers:\n  \"a@x.io\":\n    role: R\n    workspaces:\n      \"Workspace 01\": WORKSPACE_MEMBER\n  \"b@x.io\":\n    role: R\n    workspaces:\n      \"Workspace 01\": WORKSPACE_OPERATOR\n      \"Workspace 11\": WORKSPACE_AUTHOR\n    deployments:\n      \"Workspace 01\":\n        \"D\": DEPLOYMENT_ADMIN\n  \"c@x.io\":\n    role: R\n    workspaces:\n      \"Workspace 03\": WORKSPACE_AUTHOR\nteams:\n  \"T\":\n    workspaces: {}\n"
        );
    }
}
