//! The access-as-code job (issue 14): `astro organization access export -o FILE` of a seeded
//! Organization (default 5,000 members, 50 Workspaces with 3 Deployments each, 100 Teams),
//! then `astro organization access plan -f FILE --exit-code` of that very file, which must
//! find `no changes`. Its target (issue 14, "Fast"): the plan within 5 sequential round trips;
//! export's figures are reported too. There is no reference way (the Go CLI has no such
//! command), so the table has one column per figure.
//!
//! Run with the others, or alone with `--access-only`, which measures only this job and writes
//! only its section of the report (between the markers below), leaving the rest as it was.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use astro_emulator::{
    EmulatorHandle, Seed, SeedDeployment, SeedDeploymentRole, SeedOrganization, SeedTeam, SeedUser,
    SeedWorkspace, SeedWorkspaceRole,
};

use super::alone::{Occasion, replace_section, update_report};
use super::{Bench, Stat, fmt_count, fmt_dur, fmt_mb, pass, progress, stat};

/// The most sequential round trips the plan may take.
const TARGET_CHAIN: f64 = 5.0;
/// Deployments per Workspace.
const DEPLOYMENTS: [&str; 3] = ["Dev", "Staging", "Prod"];
const BEGIN: &str = "<!-- access: begin -->";
const END: &str = "<!-- access: end -->";

/// The shape of the seeded Organization.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// Members, the owner (the token's user) included.
    pub members: usize,
    pub workspaces: usize,
    pub teams: usize,
}

/// What the job measured.
pub struct AccessRun {
    pub shape: Shape,
    /// Workspace roles, Deployment roles and Team memberships in the seed.
    pub ws_roles: usize,
    pub deploy_roles: usize,
    pub team_memberships: usize,
    /// The exported file's size in bytes and lines.
    pub file_bytes: usize,
    pub file_lines: usize,
    pub export: Stat,
    pub plan: Stat,
}

pub fn workspace_name(w: usize) -> String {
    format!("Workspace {w:02}")
}

fn deployment_name(w: usize, d: &str) -> String {
    format!("{} {d}", workspace_name(w))
}

pub fn member_email(i: usize) -> String {
    format!("member{i:05}@example.com")
}

/// The seed: `owner@example.com` (ORGANIZATION_OWNER, the token's user) and members 1.. of
/// whom every 100th is an owner too; every other member is WORKSPACE_MEMBER in one Workspace
/// and every sixth also WORKSPACE_AUTHOR in the next; every tenth is DEPLOYMENT_ADMIN on one
/// Deployment; member `i` is in Team `i % teams` (so about 50 per Team), and each Team is
/// WORKSPACE_AUTHOR in one Workspace. Returns the seed and the counts of Workspace roles,
/// Deployment roles and Team memberships.
pub fn seed(shape: Shape) -> (Seed, usize, usize, usize) {
    let Shape {
        members,
        workspaces,
        teams,
    } = shape;
    let mut org = SeedOrganization::named("Bench Org");
    org.workspaces = (0..workspaces)
        .map(|w| {
            let mut ws = SeedWorkspace::named(workspace_name(w));
            ws.deployments = DEPLOYMENTS
                .iter()
                .map(|d| SeedDeployment::new(deployment_name(w, d), "bench"))
                .collect();
            ws
        })
        .collect();
    let (mut ws_roles, mut deploy_roles) = (0, 0);
    let mut users = vec![SeedUser {
        email: "owner@example.com".to_owned(),
        full_name: "Bench Owner".to_owned(),
        role: "ORGANIZATION_OWNER".to_owned(),
        status: "ACTIVE".to_owned(),
        id: None,
        workspace_roles: vec![],
        deployment_roles: vec![],
        dag_roles: vec![],
    }];
    for i in 1..members {
        let mut workspace_roles = Vec::new();
        if i % 2 == 0 && workspaces > 0 {
            workspace_roles.push(SeedWorkspaceRole {
                workspace: workspace_name((i / 2) % workspaces),
                role: "WORKSPACE_MEMBER".to_owned(),
            });
            if i % 6 == 0 && workspaces > 1 {
                workspace_roles.push(SeedWorkspaceRole {
                    workspace: workspace_name((i / 2 + 1) % workspaces),
                    role: "WORKSPACE_AUTHOR".to_owned(),
                });
            }
        }
        let mut deployment_roles = Vec::new();
        if i % 10 == 0 && workspaces > 0 {
            deployment_roles.push(SeedDeploymentRole {
                deployment: Some(deployment_name(
                    (i / 10) % workspaces,
                    DEPLOYMENTS[(i / 10) % DEPLOYMENTS.len()],
                )),
                deployment_id: None,
                role: "DEPLOYMENT_ADMIN".to_owned(),
            });
        }
        ws_roles += workspace_roles.len();
        deploy_roles += deployment_roles.len();
        users.push(SeedUser {
            email: member_email(i),
            full_name: format!("Member {i}"),
            role: if i % 100 == 0 {
                "ORGANIZATION_OWNER"
            } else {
                "ORGANIZATION_MEMBER"
            }
            .to_owned(),
            status: "ACTIVE".to_owned(),
            id: None,
            workspace_roles,
            deployment_roles,
            dag_roles: vec![],
        });
    }
    let mut team_memberships = 0;
    org.teams = (0..teams)
        .map(|t| {
            let mut team = SeedTeam::named(format!("Team {t:03}"));
            team.description = Some(format!("Bench team {t}"));
            team.members = (1..members)
                .filter(|i| i % teams == t)
                .map(member_email)
                .collect();
            team_memberships += team.members.len();
            if workspaces > 0 {
                team.workspace_roles = vec![SeedWorkspaceRole {
                    workspace: workspace_name(t % workspaces),
                    role: "WORKSPACE_AUTHOR".to_owned(),
                }];
            }
            team
        })
        .collect();
    org.users = users;
    let seed = Seed {
        organization: None,
        users: vec![],
        workspaces: vec![],
        teams: vec![],
        organizations: vec![org],
    };
    (seed, ws_roles, deploy_roles, team_memberships)
}

impl Bench<'_> {
    /// Measures the job: `--runs` exports (each byte-identical to the first), then `--runs`
    /// plans of the exported file with `--exit-code` (exit 0: no changes; anything else stops
    /// the benchmark), plus one unmeasured plan whose output must say `no changes`.
    pub fn access(&self) -> Result<AccessRun, String> {
        let shape = Shape {
            members: self.args.access_members,
            workspaces: self.args.access_workspaces,
            teams: self.args.access_teams,
        };
        if shape.members < 2 || shape.teams == 0 {
            return Err("--access-members must be at least 2 and --access-teams at least 1".into());
        }
        progress(&format!(
            "access: starting the emulator with {} members, {} Workspaces ({} Deployments each), {} Teams",
            shape.members,
            shape.workspaces,
            DEPLOYMENTS.len(),
            shape.teams
        ));
        let (seed, ws_roles, deploy_roles, team_memberships) = seed(shape);
        let emu = astro_emulator::Emulator::builder()
            .seed(seed)
            .map_err(|e| format!("the access seed is invalid: {e}"))?
            .latency(self.latency)
            .spawn()
            .map_err(|e| format!("cannot start the emulator: {e}"))?;
        check_seeded(&emu, shape)?;

        let runs = self.args.runs;
        let file = self.scratch.join("access.yaml");
        let file_arg = file.to_string_lossy().into_owned();
        progress(&format!("access: export ({runs} runs)"));
        let mut export = Vec::new();
        let mut first: Option<String> = None;
        for _ in 0..runs {
            let _ = fs::remove_file(&file);
            export.push(self.measure_way(
                &emu,
                false,
                &["organization", "access", "export", "-o", &file_arg],
            )?);
            let text = fs::read_to_string(&file)
                .map_err(|e| format!("export wrote no readable {file_arg}: {e}"))?;
            match &first {
                None => first = Some(text),
                Some(f) if *f != text => {
                    return Err("two exports of the unchanged Organization differ".into());
                }
                Some(_) => {}
            }
        }
        let text = first.unwrap_or_default();
        expect_exported(&text, shape)?;

        progress(&format!("access: plan -f FILE --exit-code ({runs} runs)"));
        let mut plan = Vec::new();
        for _ in 0..runs {
            plan.push(self.measure_way(
                &emu,
                false,
                &[
                    "organization",
                    "access",
                    "plan",
                    "-f",
                    &file_arg,
                    "--exit-code",
                ],
            )?);
        }
        let out = self
            .astro(
                &emu,
                false,
                &["organization", "access", "plan", "-f", &file_arg],
            )
            .output()
            .map_err(|e| format!("cannot run the check plan: {e}"))?;
        let said = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || said.trim() != "no changes" {
            return Err(format!(
                "plan of the exported file should say `no changes`, said ({}):\n{said}{}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(AccessRun {
            shape,
            ws_roles,
            deploy_roles,
            team_memberships,
            file_bytes: text.len(),
            file_lines: text.lines().count(),
            export: stat(&export),
            plan: stat(&plan),
        })
    }
}

/// The emulator holds the seeded shape (checked before measuring).
pub fn check_seeded(emu: &EmulatorHandle, shape: Shape) -> Result<(), String> {
    let (users, workspaces, deployments, teams) = (
        emu.user_count(),
        emu.workspaces().len(),
        emu.deployments().len(),
        emu.teams().len(),
    );
    let want = (
        shape.members,
        shape.workspaces,
        shape.workspaces * DEPLOYMENTS.len(),
        shape.teams,
    );
    if (users, workspaces, deployments, teams) == want {
        Ok(())
    } else {
        Err(format!(
            "the emulator holds {users} users, {workspaces} Workspaces, {deployments} \
             Deployments and {teams} Teams; the seed asked for {want:?}"
        ))
    }
}

/// The export names every member and Team (a coarse check; the plan checks the rest).
fn expect_exported(text: &str, shape: Shape) -> Result<(), String> {
    let emails = text.matches("@example.com\":").count();
    let last_team = format!("\"Team {:03}\"", shape.teams - 1);
    if emails >= shape.members && text.contains(&last_team) {
        Ok(())
    } else {
        Err(format!(
            "the export names {emails} members (expected {}) or lacks {last_team}",
            shape.members
        ))
    }
}

fn target_met(a: &AccessRun) -> bool {
    a.plan.chain <= TARGET_CHAIN
}

fn describe(a: &AccessRun) -> String {
    format!(
        "{} members, {} Workspaces, {} Teams",
        a.shape.members, a.shape.workspaces, a.shape.teams
    )
}

/// The job's line in the report's Targets table.
pub fn target_row(out: &mut String, a: &AccessRun) {
    let _ = writeln!(
        out,
        "| `organization access plan -f FILE` (an export, no changes) at {}: at most {} sequential round trips | longest chain {} | {} |",
        describe(a),
        fmt_count(TARGET_CHAIN),
        fmt_count(a.plan.chain),
        pass(target_met(a))
    );
}

/// The job's section of the report, between markers; `alone` adds when and how it was
/// measured (an `--access-only` run, separate from the rest of the report).
pub fn section(out: &mut String, a: &AccessRun, args: &super::Args, alone: Option<&str>) {
    let _ = writeln!(out, "{BEGIN}");
    let _ = writeln!(
        out,
        "\n## `astro organization access export` and `plan` at {}\n\n\
         The emulator seeded with one Organization: {} members (the token's user an owner, \
         every 100th member an owner too), {} Workspaces with {} Deployments each, {} Teams \
         (each WORKSPACE_AUTHOR in one Workspace, members spread evenly: member `i` in Team \
         `i mod {}`); {} Workspace roles (every other member in one Workspace, every sixth in \
         two), {} Deployment roles (DEPLOYMENT_ADMIN, every tenth member), {} Team \
         memberships. Export: `astro organization access export -o FILE` ({} bytes, {} lines; \
         every run byte-identical to the first). Plan: `astro organization access plan -f FILE \
         --exit-code` of that file (exit 0: in sync; a check run without `--exit-code` printed \
         `no changes`). Median of {} runs each; no reference way (the Go CLI has no such \
         command).\n",
        describe(a),
        a.shape.members,
        a.shape.workspaces,
        DEPLOYMENTS.len(),
        a.shape.teams,
        a.shape.teams,
        a.ws_roles,
        a.deploy_roles,
        a.team_memberships,
        a.file_bytes,
        a.file_lines,
        args.runs,
    );
    if let Some(alone) = alone {
        let _ = writeln!(out, "{alone}\n");
    }
    let _ = writeln!(
        out,
        "| command | time | requests | longest chain | peak RSS |\n|---|---:|---:|---:|---:|"
    );
    for (what, s) in [
        ("`access export -o FILE`", &a.export),
        ("`access plan -f FILE --exit-code`", &a.plan),
    ] {
        let _ = writeln!(
            out,
            "| {what} | {} | {} | {} | {} |",
            fmt_dur(s.wall),
            fmt_count(s.requests),
            fmt_count(s.chain),
            fmt_mb(s.maxrss_kib)
        );
    }
    let _ = writeln!(
        out,
        "\nTarget: `plan` within {} sequential round trips: longest chain {} ({} requests in {}): {}",
        fmt_count(TARGET_CHAIN),
        fmt_count(a.plan.chain),
        fmt_count(a.plan.requests),
        fmt_dur(a.plan.wall),
        pass(target_met(a))
    );
    let _ = writeln!(out, "\n{END}");
}

/// `--access-only`: measures this job and puts its section into the report at `out`,
/// replacing the section there (or adding it at the end), so the rest stays as measured.
pub fn alone(bench: &Bench<'_>, out: &Path) -> Result<(), String> {
    let occasion = Occasion::begin();
    let access = bench.access()?;
    let args = bench.args;
    let how = occasion.describe(
        bench,
        &format!(
            "--access-only --access-members {} --access-workspaces {} --access-teams {} \
             --latency-ms {} --runs {}",
            access.shape.members,
            access.shape.workspaces,
            access.shape.teams,
            args.latency_ms,
            args.runs
        ),
    );
    let mut section_text = String::new();
    section(&mut section_text, &access, args, Some(&how));
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
    fn the_seed_has_the_issue_s_shape_and_is_valid() {
        let shape = Shape {
            members: 5_000,
            workspaces: 50,
            teams: 100,
        };
        let (seed, ws_roles, deploy_roles, memberships) = seed(shape);
        let org = &seed.organizations[0];
        assert_eq!(org.users.len(), 5_000);
        assert_eq!(org.workspaces.len(), 50);
        assert_eq!(org.teams.len(), 100);
        assert_eq!(memberships, 4_999);
        assert_eq!(ws_roles, 2_499 + 833);
        assert_eq!(deploy_roles, 499);
        assert!(
            org.teams
                .iter()
                .all(|t| (49..=50).contains(&t.members.len()))
        );
        astro_emulator::Emulator::builder()
            .seed(seed)
            .expect("the seed is valid");
    }
}
