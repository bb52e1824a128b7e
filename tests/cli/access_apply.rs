//! `astro organization access apply` against the emulator's default seed: the edited export
//! applied (every kind of change), one role write per user, `--prune` or not, convergence (plan
//! then says no changes and a second apply sends no write), confirmation, the dry run, the
//! refusals before any write, and a fault in the middle reported exactly and re-run to converge.

use astro_emulator::{Fault, FaultKind};
use serde_json::{Value, json};

use crate::access::{code, edit, edited, export, plan};
use crate::common::{TestEnv, requests, stderr, stdout};

const ORG: &str = "clremxa80000001cav49uda0p";

/// `apply -f FILE` for `text` written to FILE, with `extra` flags.
fn apply(env: &TestEnv, text: &str, extra: &[&str]) -> std::process::Output {
    let file = env.write_file("access.yaml", text);
    let mut args = vec!["organization", "access", "apply", "-f", file.as_str()];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// The export expected after applying [`edited`] with `--prune`, from the export before: the
/// file as the export writes it (canonical role names, block style, Teams by name), the
/// invitee PENDING, and the IdP-managed Team untouched.
fn expected_export(before: &str) -> String {
    edit(
        before,
        &[
            (
                "  \"alan@example.com\":\n    role: ORGANIZATION_BILLING_ADMIN\n    workspaces:\n      \"Analytics\": WORKSPACE_MEMBER\n",
                "  \"alan@example.com\":\n    role: ORGANIZATION_MEMBER\n    workspaces:\n      \"Analytics\": WORKSPACE_AUTHOR\n      \"Data Platform\": WORKSPACE_MEMBER\n    deployments:\n      \"Analytics\":\n        \"Reporting\": DEPLOYMENT_VIEWER\n",
            ),
            (
                "    workspaces:\n      \"Analytics\": WORKSPACE_OPERATOR\nteams:\n",
                "    workspaces: {}\n  \"new@example.com\":\n    role: ORGANIZATION_MEMBER\n    status: PENDING\n    workspaces:\n      \"Analytics\": WORKSPACE_MEMBER\nteams:\n",
            ),
            (
                "  \"Platform Team\":\n    description: \"Keeps the platform running\"\n    role: ORGANIZATION_MEMBER\n",
                "  \"Ops\":\n    description: \"On call\"\n    role: ORGANIZATION_MEMBER\n    workspaces:\n      \"Data Platform\": WORKSPACE_OPERATOR\n    members:\n      - \"edsger@example.com\"\n  \"Platform Team\":\n    description: \"Keeps everything running\"\n    role: ORGANIZATION_OWNER\n",
            ),
            (
                "    members:\n      - \"grace@example.com\"\n",
                "    members:\n      - \"alan@example.com\"\n      - \"new@example.com\"\n",
            ),
        ],
    )
}

/// `METHOD PATH` of the writes.
fn writes(env: &TestEnv) -> Vec<String> {
    env.mutations()
        .into_iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// The bodies sent to `path` (exactly).
fn bodies_to(env: &TestEnv, path: &str) -> Vec<Value> {
    env.mutations()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| serde_json::from_str(r.body.as_deref().unwrap_or("null")).unwrap())
        .collect()
}

fn user_roles_path(env: &TestEnv, email: &str) -> String {
    format!("/v1/organizations/{ORG}/users/{}/roles", env.user_id(email))
}

#[test]
fn an_edited_export_applies_with_one_role_write_per_user_and_converges() {
    let env = TestEnv::new();
    let before = export(&env);
    let text = edited(&env);
    env.emu.clear_requests();
    let out = apply(&env, &text, &["--yes", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    // The plan, then a row per change.
    assert!(stdout(&out).starts_with("Invites\n  + new@example.com: ORGANIZATION_MEMBER\n"));
    assert!(stdout(&out).contains("#"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("15 applied (15 rows)"),
        "{}",
        stderr(&out)
    );

    // One UpdateUserRoles per user: alan's carries his new Organization role and both lists
    // he changes (complete), and no DAG list.
    let alan = bodies_to(&env, &user_roles_path(&env, "alan@example.com"));
    assert_eq!(alan.len(), 1, "{alan:#?}");
    let alan = &alan[0];
    assert_eq!(alan["organizationRole"], "ORGANIZATION_MEMBER");
    let mut ws: Vec<(String, String)> = alan["workspaceRoles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["workspaceId"].as_str().unwrap().to_owned(),
                r["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    ws.sort();
    assert_eq!(ws.len(), 2, "{alan}");
    assert!(ws.iter().any(|(_, r)| r == "WORKSPACE_AUTHOR"));
    assert!(ws.iter().any(|(_, r)| r == "WORKSPACE_MEMBER"));
    assert_eq!(alan["deploymentRoles"].as_array().unwrap().len(), 1);
    assert!(alan.get("dagRoles").is_none(), "{alan}");
    // Katherine (pruned): her Organization role as read and her Workspace list only.
    let kj = bodies_to(
        &env,
        &user_roles_path(&env, "Katherine.Johnson@Example.com"),
    );
    assert_eq!(
        kj,
        [json!({"organizationRole": "ORGANIZATION_OBSERVE_ADMIN", "workspaceRoles": []})]
    );
    // One invite; a Team created once; one AddTeamMembers; one removal.
    let w = writes(&env);
    let count = |suffix: &str| w.iter().filter(|r| r.ends_with(suffix)).count();
    assert_eq!(count(&format!("POST /v1/organizations/{ORG}/invites")), 1);
    assert_eq!(count(&format!("POST /v1/organizations/{ORG}/teams")), 1);
    assert_eq!(
        w.iter().filter(|r| r.ends_with("/members")).count(),
        1,
        "{w:#?}"
    );
    assert_eq!(
        w.iter().filter(|r| r.starts_with("DELETE")).count(),
        1,
        "{w:#?}"
    );
    // Nobody's roles written twice.
    let roles: Vec<&String> = w.iter().filter(|r| r.ends_with("/roles")).collect();
    let mut unique = roles.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(roles.len(), unique.len(), "{w:#?}");

    // The export is now the edited file (as the export writes it).
    assert_eq!(export(&env), expected_export(&before));

    // plan: no changes (the IdP-managed Team's difference is still left alone).
    let out = plan(&env, &text, &["--prune", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(p["changes"], json!([]));
    assert_eq!(p["leftAlone"].as_array().unwrap().len(), 1);

    // A second apply sends no write.
    env.emu.clear_requests();
    let out = apply(&env, &text, &["--yes", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).ends_with("\nno changes (1 left alone)\n"),
        "{}",
        stdout(&out)
    );
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn without_prune_removals_are_left_alone_and_json_reports_each_change() {
    let env = TestEnv::new();
    let text = edited(&env);
    let out = apply(&env, &text, &["--yes", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 13, "{}", stdout(&out));
    assert!(rows.iter().all(|r| r["result"] == "applied"), "{rows:#?}");
    assert_eq!(rows[0]["line"], 1);
    assert_eq!(rows[0]["kind"], "invite");
    assert_eq!(rows[0]["subject"]["email"], "new@example.com");
    // Katherine's Workspace role and grace's membership are still there; nothing removed.
    let after = export(&env);
    assert!(
        after.contains("\"Analytics\": WORKSPACE_OPERATOR"),
        "{after}"
    );
    assert!(
        after.contains("      - \"grace@example.com\"\n      - \"new@example.com\""),
        "{after}"
    );
    assert!(
        bodies_to(
            &env,
            &user_roles_path(&env, "Katherine.Johnson@Example.com")
        )
        .is_empty()
    );
    assert!(!writes(&env).iter().any(|w| w.starts_with("DELETE")));
    // With --prune the two removals follow, and nothing else.
    env.emu.clear_requests();
    let out = apply(&env, &text, &["--yes", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("2 applied (2 rows)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(writes(&env).len(), 2, "{:#?}", writes(&env));
}

#[test]
fn off_a_terminal_without_yes_is_exit_2_and_nothing_is_sent() {
    let env = TestEnv::new();
    let text = edited(&env);
    let out = apply(&env, &text, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn dry_run_prints_the_plan_and_sends_nothing() {
    let env = TestEnv::new();
    let text = edited(&env);
    let out = apply(&env, &text, &["--dry-run"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let planned = plan(&env, &text, &[]);
    assert_eq!(stdout(&out), stdout(&planned));
    assert!(stderr(&out).contains("dry run"), "{}", stderr(&out));
    // JSON: the plan's change list.
    let out = apply(&env, &text, &["--dry-run", "--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(p["changes"].as_array().unwrap().len(), 13);
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn no_changes_is_exit_0_without_a_question() {
    let env = TestEnv::new();
    let out = apply(&env, &export(&env), &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert!(
        format!("{}{}", stdout(&out), stderr(&out)).contains("no changes"),
        "{}",
        stderr(&out)
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn refusals_come_before_any_write() {
    let env = TestEnv::new();
    // The last Owner demoted (with other changes beside it).
    let text = edit(
        &edited(&env),
        &[(
            "  \"ada@example.com\":\n    role: ORGANIZATION_OWNER\n",
            "  \"ada@example.com\":\n    role: ORGANIZATION_MEMBER\n",
        )],
    );
    let out = apply(&env, &text, &["--yes"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("refused"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
    // Another Organization.
    let text = edited(&env).replacen(ORG, "clother0000000000000000000", 1);
    let out = apply(&env, &text, &["--yes"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn a_fault_in_the_middle_reports_exactly_what_landed_and_a_rerun_converges() {
    let env = TestEnv::new();
    let text = edited(&env);
    let alan_roles = user_roles_path(&env, "alan@example.com");
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 500,
            retry_after: None,
        })
        .path(alan_roles.clone())
        .times(100),
    );
    let out = apply(&env, &text, &["--yes", "--prune", "--json"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    let rows: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 15);
    let alan: Vec<&Value> = rows
        .iter()
        .filter(|r| r["subject"]["email"] == "alan@example.com")
        .collect();
    assert_eq!(alan.len(), 4);
    assert!(
        alan.iter()
            .all(|r| r["result"] == "failed" && r["message"].is_string())
    );
    assert!(
        rows.iter()
            .filter(|r| r["subject"]["email"] != "alan@example.com")
            .all(|r| r["result"] == "applied"),
        "{rows:#?}"
    );
    // alan unchanged; the rest landed.
    assert_eq!(
        env.role_of("alan@example.com").as_deref(),
        Some("ORGANIZATION_BILLING_ADMIN")
    );
    let out = plan(&env, &text, &["--prune", "--json"]);
    let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let left: Vec<&Value> = p["changes"].as_array().unwrap().iter().collect();
    assert_eq!(left.len(), 4, "{left:#?}");
    assert!(
        left.iter()
            .all(|c| c["subject"]["email"] == "alan@example.com")
    );

    // Cleared, a re-run applies only alan's changes (one role write), then plan is in sync.
    env.emu.clear_faults();
    env.emu.clear_requests();
    let out = apply(&env, &text, &["--yes", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(writes(&env), [format!("POST {alan_roles}")]);
    let out = plan(&env, &text, &["--prune", "--json"]);
    let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(p["changes"], json!([]));
}

#[test]
fn ctrl_c_stops_starting_subjects_and_reports_exactly_what_was_applied() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    use std::time::Duration;

    let emu = astro_emulator::Emulator::builder()
        .users(40)
        .latency(Duration::from_millis(100))
        .spawn()
        .unwrap();
    let env = TestEnv::with_emulator(emu);
    // Every ORGANIZATION_MEMBER (users and Teams) becomes an ORGANIZATION_OBSERVE_MEMBER: one
    // change, one role write, per subject.
    let text = export(&env).replace(
        "    role: ORGANIZATION_MEMBER\n",
        "    role: ORGANIZATION_OBSERVE_MEMBER\n",
    );
    let file = env.write_file("access.yaml", &text);
    env.emu.clear_requests();
    let mut child = env
        .process()
        .args(["org", "access", "apply", "-f", &file, "--yes", "--json"])
        .args(["--concurrency", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    reader.read_line(&mut first).unwrap();
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut reader, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), Some(130), "{}", stderr(&out));
    let rows: Vec<Value> = format!("{first}{rest}")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(rows.len() > 10, "{}", rows.len());
    let applied = rows.iter().filter(|r| r["result"] == "applied").count();
    let skipped = rows.iter().filter(|r| r["result"] == "skipped").count();
    assert_eq!(applied + skipped, rows.len(), "{rows:#?}");
    assert!(skipped > 0, "the run stopped early");
    // What was reported applied is exactly what the server received: one role write each.
    let role_writes = env
        .mutations()
        .into_iter()
        .filter(|r| r.path.ends_with("/roles"))
        .count();
    assert_eq!(role_writes, applied);
    assert_eq!(env.mutations().len(), applied);
}

#[test]
fn a_lost_response_to_an_invite_or_a_team_creation_is_not_sent_twice() {
    let env = TestEnv::new();
    let text = edited(&env);
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path(format!("/v1/organizations/{ORG}/invites"))
            .times(1),
    );
    env.emu.inject(
        Fault::new(FaultKind::LostResponse)
            .method("POST")
            .path(format!("/v1/organizations/{ORG}/teams"))
            .times(1),
    );
    env.emu.clear_requests();
    let out = apply(&env, &text, &["--yes", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let w = writes(&env);
    let count = |exact: &str| w.iter().filter(|r| *r == exact).count();
    assert_eq!(
        count(&format!("POST /v1/organizations/{ORG}/invites")),
        1,
        "{w:#?}"
    );
    assert_eq!(
        count(&format!("POST /v1/organizations/{ORG}/teams")),
        1,
        "{w:#?}"
    );
    let out = plan(&env, &text, &["--prune", "--json"]);
    let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(p["changes"], json!([]));
}

/// A member's email, Organization role, Workspace roles (by Workspace name) and Deployment
/// roles (Workspace, Deployment, role).
type MemberWanted = (
    &'static str,
    &'static str,
    Vec<(&'static str, &'static str)>,
    Vec<(&'static str, &'static str, &'static str)>,
);

/// A desired file for the default seed (ada stays the Owner): each other member's Organization,
/// Workspace and Deployment roles; Platform Team's role and members; perhaps a new Team, and
/// perhaps a person to invite.
#[derive(Debug, Clone)]
struct Desired {
    members: Vec<MemberWanted>,
    team_role: &'static str,
    team_members: Vec<&'static str>,
    /// "Night Shift": its Organization role and members, when the file has it.
    new_team: Option<(&'static str, Vec<&'static str>)>,
    /// new.person@example.com's Organization role, when the file lists them.
    invitee: Option<&'static str>,
}

const EMAILS: [&str; 5] = [
    "alan@example.com",
    "barbara@example.com",
    "edsger@example.com",
    "grace@example.com",
    "Katherine.Johnson@Example.com",
];
const ORG_ROLES: [&str; 4] = [
    "ORGANIZATION_MEMBER",
    "ORGANIZATION_BILLING_ADMIN",
    "ORGANIZATION_OBSERVE_MEMBER",
    "ORGANIZATION_OBSERVE_ADMIN",
];
const WORKSPACE_ROLES: [&str; 4] = [
    "WORKSPACE_MEMBER",
    "WORKSPACE_AUTHOR",
    "WORKSPACE_OPERATOR",
    "WORKSPACE_OWNER",
];
/// A default and a seeded custom Deployment role.
const DEPLOYMENT_ROLES: [&str; 2] = ["DEPLOYMENT_ADMIN", "DEPLOYMENT_VIEWER"];
/// One Deployment of each seeded Workspace.
const DEPLOYMENTS: [(&str, &str); 2] = [("Data Platform", "Ingestion"), ("Analytics", "Reporting")];
const TEAM_CANDIDATES: [&str; 4] = [
    "ada@example.com",
    "alan@example.com",
    "edsger@example.com",
    "grace@example.com",
];

fn chosen(candidates: [&'static str; 4], picks: Vec<bool>) -> Vec<&'static str> {
    candidates
        .into_iter()
        .zip(picks)
        .filter_map(|(e, t)| t.then_some(e))
        .collect()
}

fn desired() -> impl proptest::strategy::Strategy<Value = Desired> {
    use proptest::prelude::*;
    let workspaces = proptest::collection::vec(proptest::option::of(0..4usize), 2);
    let deployments = proptest::collection::vec(proptest::option::of(0..2usize), 2);
    let member = (0..4usize, workspaces, deployments);
    (
        proptest::collection::vec(member, 5),
        0..4usize,
        proptest::collection::vec(any::<bool>(), 4),
        proptest::option::of((0..4usize, proptest::collection::vec(any::<bool>(), 4))),
        proptest::option::of(0..4usize),
    )
        .prop_map(|(members, team_role, in_team, new_team, invitee)| Desired {
            members: members
                .into_iter()
                .zip(EMAILS)
                .map(|((role, ws, deps), email)| {
                    let ws = ["Analytics", "Data Platform"]
                        .into_iter()
                        .zip(ws)
                        .filter_map(|(name, r)| r.map(|r| (name, WORKSPACE_ROLES[r])))
                        .collect();
                    let deps = DEPLOYMENTS
                        .into_iter()
                        .zip(deps)
                        .filter_map(|((w, d), r)| r.map(|r| (w, d, DEPLOYMENT_ROLES[r])))
                        .collect();
                    (email, ORG_ROLES[role], ws, deps)
                })
                .collect(),
            team_role: ORG_ROLES[team_role],
            team_members: chosen(TEAM_CANDIDATES, in_team),
            new_team: new_team
                .map(|(role, picks)| (ORG_ROLES[role], chosen(TEAM_CANDIDATES, picks))),
            invitee: invitee.map(|role| ORG_ROLES[role]),
        })
}

fn file_of(d: &Desired) -> String {
    let mut text = format!(
        "organization: {ORG}\nmembers:\n  \"ada@example.com\":\n    role: ORGANIZATION_OWNER\n"
    );
    for (email, role, ws, deps) in &d.members {
        text.push_str(&format!(
            "  \"{email}\":\n    role: {role}\n    workspaces: {{"
        ));
        let entries: Vec<String> = ws.iter().map(|(w, r)| format!("\"{w}\": {r}")).collect();
        text.push_str(&entries.join(", "));
        text.push_str("}\n    deployments: {");
        let entries: Vec<String> = deps
            .iter()
            .map(|(w, dep, r)| format!("\"{w}\": {{\"{dep}\": {r}}}"))
            .collect();
        text.push_str(&entries.join(", "));
        text.push_str("}\n");
    }
    if let Some(role) = d.invitee {
        text.push_str(&format!(
            "  \"new.person@example.com\":\n    role: {role}\n"
        ));
    }
    let members: Vec<String> = d.team_members.iter().map(|m| format!("\"{m}\"")).collect();
    text.push_str(&format!(
        "teams:\n  \"Platform Team\":\n    role: {}\n    members: [{}]\n",
        d.team_role,
        members.join(", ")
    ));
    if let Some((role, members)) = &d.new_team {
        let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
        text.push_str(&format!(
            "  \"Night Shift\":\n    role: {role}\n    members: [{}]\n",
            members.join(", ")
        ));
    }
    text
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 24, .. proptest::prelude::ProptestConfig::default() })]

    /// From a random live state (the seed with a random file applied), a random desired file
    /// applied with --prune leaves the Organization as the file describes it: plan says no
    /// changes, a second apply sends no write, and the emulator holds each member's
    /// Organization, Workspace and Deployment roles, the invitee's role and the new Team's role
    /// and members.
    #[test]
    fn apply_then_plan_is_in_sync_for_random_states_and_files(first in desired(), second in desired()) {
        let env = TestEnv::new();
        for d in [&first, &second] {
            let out = apply(&env, &file_of(d), &["--yes", "--prune"]);
            proptest::prop_assert_eq!(code(&out), Some(0), "{}", stderr(&out));
        }
        let text = file_of(&second);
        let out = plan(&env, &text, &["--prune", "--json"]);
        let p: Value = serde_json::from_str(&stdout(&out)).unwrap();
        proptest::prop_assert_eq!(&p["changes"], &json!([]));
        for (email, role, ws, deps) in &second.members {
            let now = env.emu.user(email).unwrap();
            proptest::prop_assert_eq!(now.organization_role.as_deref(), Some(*role));
            let mut held: Vec<(String, String)> = now
                .workspace_roles
                .iter()
                .map(|r| (r.workspace_name.clone(), r.role.clone()))
                .collect();
            held.sort();
            let mut wanted: Vec<(String, String)> =
                ws.iter().map(|(w, r)| ((*w).to_owned(), (*r).to_owned())).collect();
            wanted.sort();
            proptest::prop_assert_eq!(held, wanted);
            let mut held: Vec<(String, String)> = now
                .deployment_roles
                .iter()
                .map(|r| (r.deployment_name.clone().unwrap_or_default(), r.role.clone()))
                .collect();
            held.sort();
            let mut wanted: Vec<(String, String)> = deps
                .iter()
                .map(|(_, d, r)| ((*d).to_owned(), (*r).to_owned()))
                .collect();
            wanted.sort();
            proptest::prop_assert_eq!(held, wanted);
        }
        if let Some(role) = second.invitee {
            let invitee = env.emu.user("new.person@example.com").unwrap();
            proptest::prop_assert_eq!(invitee.organization_role.as_deref(), Some(role));
        }
        if let Some((role, members)) = &second.new_team {
            let team = env.emu.team("Night Shift").unwrap();
            proptest::prop_assert_eq!(team.organization_role.as_str(), *role);
            let mut held: Vec<String> = team.members.iter().map(|m| m.to_lowercase()).collect();
            held.sort();
            let mut wanted: Vec<String> = members.iter().map(|m| m.to_lowercase()).collect();
            wanted.sort();
            proptest::prop_assert_eq!(held, wanted);
        }
        env.emu.clear_requests();
        let out = apply(&env, &text, &["--yes", "--prune"]);
        proptest::prop_assert_eq!(code(&out), Some(0), "{}", stderr(&out));
        proptest::prop_assert!(env.mutations().is_empty());
    }
}
