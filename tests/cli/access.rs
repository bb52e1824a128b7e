//! `astro organization access export|plan` against the emulator's default seed: the exact
//! export, its determinism and round trips, export then plan (no changes, nothing sent), every
//! kind of change in an edited file (with and without `--prune`), the JSON change list, the
//! exit codes, invalid files with every problem at its line and column, and the two refusals.

use std::time::Duration;

use astro_emulator::{Emulator, RecordedRequest};
use serde_json::{Value, json};

use crate::common::{TestEnv, json_of, requests, stderr, stdout};

const ORG: &str = "clremxa80000001cav49uda0p";
const DATA_PLATFORM: &str = "clrg4iao0000001c6z943nxrv";
const ANALYTICS: &str = "clrg6ngg0000002c60gj2k1hl";
const REPORTING: &str = "clrg70beo000003cug1mqs4lw";
const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";
const DATA_ENGINEERING: &str = "clrhm3b40000002649ug96ewr";
const PLATFORM_TEAM_LOWER: &str = "clrho8gw0000003642m95fuxa";
const OKTA: &str = "clrhqdmo000000464shfil1yh";

/// The default seed, exported. DAG roles are not part of the file (never touched).
const SEED_EXPORT: &str = r#"organization: "clremxa80000001cav49uda0p"  # Example Org
members:
  "ada@example.com":
    role: ORGANIZATION_OWNER
    workspaces: {}
  "alan@example.com":
    role: ORGANIZATION_BILLING_ADMIN
    workspaces:
      "Analytics": WORKSPACE_MEMBER
  "barbara@example.com":
    role: ORGANIZATION_MEMBER
    status: PENDING
    workspaces: {}
  "edsger@example.com":
    role: ORGANIZATION_OBSERVE_MEMBER
    workspaces: {}
  "grace@example.com":
    role: ORGANIZATION_MEMBER
    workspaces:
      "Data Platform": WORKSPACE_OWNER
    deployments:
      "Data Platform":
        "Ingestion": DEPLOYMENT_ADMIN
  "Katherine.Johnson@Example.com":
    role: ORGANIZATION_OBSERVE_ADMIN
    workspaces:
      "Analytics": WORKSPACE_OPERATOR
teams:
  "Data Engineering, EU":
    description: "Pipelines for the EU region"
    role: ORGANIZATION_MEMBER
    workspaces:
      "Analytics": WORKSPACE_MEMBER
      "Data Platform": WORKSPACE_OPERATOR
    deployments:
      "Data Platform":
        "Warehouse Loads": DEPLOYMENT_ADMIN
    members:
      - "ada@example.com"
      - "Katherine.Johnson@Example.com"
  "Okta Engineers":
    description: "Synced from Okta"
    role: ORGANIZATION_BILLING_ADMIN
    workspaces:
      "Analytics": WORKSPACE_AUTHOR
    members:
      - "ada@example.com"
      - "Katherine.Johnson@Example.com"
    idpManaged: true
  "Platform Team":
    description: "Keeps the platform running"
    role: ORGANIZATION_MEMBER
    workspaces:
      "Data Platform": WORKSPACE_AUTHOR
    members:
      - "grace@example.com"
  "platform team":
    description: "Weekend on-call rota"
    role: ORGANIZATION_MEMBER
    workspaces:
      "Analytics": WORKSPACE_MEMBER
    members:
      - "ada@example.com"
"#;

pub(crate) fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

pub(crate) fn export(env: &TestEnv) -> String {
    let out = env.run(&["organization", "access", "export"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// `plan -f FILE` for `text` written to FILE, with `extra` flags.
pub(crate) fn plan(env: &TestEnv, text: &str, extra: &[&str]) -> std::process::Output {
    let file = env.write_file("access.yaml", text);
    let mut args = vec!["organization", "access", "plan", "-f", file.as_str()];
    args.extend_from_slice(extra);
    env.run(&args)
}

/// `text` with each `(from, to)` replaced, each exactly once.
pub(crate) fn edit(text: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(text.to_owned(), |text, (from, to)| {
        assert_eq!(text.matches(from).count(), 1, "edit `{from}`");
        text.replacen(from, to, 1)
    })
}

/// The most requests that had to wait for one another: the longest chain in which each was
/// sent after the one before it was answered.
fn round_trips(requests: &[RecordedRequest]) -> usize {
    let mut order: Vec<usize> = (0..requests.len()).collect();
    order.sort_by_key(|&i| requests[i].started_at);
    let mut depth = vec![0; requests.len()];
    for (n, &i) in order.iter().enumerate() {
        depth[i] = 1 + order[..n]
            .iter()
            .filter(|&&j| requests[j].finished_at <= requests[i].started_at)
            .map(|&j| depth[j])
            .max()
            .unwrap_or(0);
    }
    depth.into_iter().max().unwrap_or(0)
}

fn sorted_requests(env: &TestEnv) -> Vec<String> {
    let mut all = requests(env);
    all.sort();
    all
}

// ---------------------------------------------------------------------------------------
// export

#[test]
fn the_default_seed_exports_as_exactly_this_file_from_nine_reads() {
    let env = TestEnv::new();
    let out = env.run(&["organization", "access", "export"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), SEED_EXPORT);
    assert_eq!(stderr(&out), "");
    let teams = format!("/v1/organizations/{ORG}/teams");
    assert_eq!(
        sorted_requests(&env),
        [
            format!("GET /v1/organizations/{ORG}"),
            format!("GET /v1/organizations/{ORG}/deployments"),
            format!("GET {teams}"),
            format!("GET {teams}/{PLATFORM_TEAM}/members"),
            format!("GET {teams}/{DATA_ENGINEERING}/members"),
            format!("GET {teams}/{PLATFORM_TEAM_LOWER}/members"),
            format!("GET {teams}/{OKTA}/members"),
            format!("GET /v1/organizations/{ORG}/users"),
            format!("GET /v1/organizations/{ORG}/workspaces"),
        ]
    );
}

#[test]
fn two_exports_are_byte_identical_and_json_has_the_same_shape() {
    let env = TestEnv::new();
    let first = export(&env);
    assert_eq!(export(&env), first);
    let out = env.run(&["organization", "access", "export", "--format", "json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let from_yaml: Value = serde_saphyr::from_str(&first).unwrap();
    assert_eq!(json_of(&out), from_yaml);
    assert_eq!(json_of(&out)["teams"]["Okta Engineers"]["idpManaged"], true);
}

/// Everything is read at once: the first round trip lists users, Workspaces, Teams and
/// Deployments (and the Organization); the Teams' members follow as soon as the Teams are
/// listed. The plan of an export reads the same way.
#[test]
fn export_and_plan_read_everything_in_two_round_trips() {
    let env = TestEnv::with_emulator(
        Emulator::builder()
            .latency(Duration::from_millis(60))
            .spawn()
            .unwrap(),
    );
    let exported = export(&env);
    let reads = env.api_requests();
    assert_eq!(reads.len(), 9);
    assert_eq!(round_trips(&reads), 2, "{:#?}", requests(&env));
    env.emu.clear_requests();
    let out = plan(&env, &exported, &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let reads = env.api_requests();
    // Users, Workspaces, Teams, Deployments, the Deployment roles; four Teams' members.
    assert_eq!(reads.len(), 9, "{:#?}", requests(&env));
    assert!(reads.iter().all(|r| r.method == "GET"));
    assert_eq!(round_trips(&reads), 2, "{:#?}", requests(&env));
}

#[test]
fn export_to_a_file_replaces_it_atomically_and_prints_no_data() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let path = env.write_file("access.yaml", "old\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = env.run(&["organization", "access", "export", "-o", &path]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        format!("wrote `{path}`: 6 members, 4 Teams\n")
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), SEED_EXPORT);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let json_path = env.home.path().join("access.json");
    let out = env.run(&[
        "org",
        "access",
        "export",
        "--output",
        json_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let written: Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(written["organization"], ORG);
    let mut names: Vec<String> = std::fs::read_dir(env.home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["access.json", "access.yaml"],
        "a temporary file was left"
    );
}

// ---------------------------------------------------------------------------------------
// plan: no changes

#[test]
fn an_export_plans_as_no_changes_and_nothing_is_sent() {
    let env = TestEnv::new();
    let exported = export(&env);
    for flags in [&[][..], &["--prune", "--exit-code"][..]] {
        let out = plan(&env, &exported, flags);
        assert_eq!(code(&out), Some(0), "{flags:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), "no changes\n");
        assert_eq!(stderr(&out), "");
    }
    let out = plan(&env, &exported, &["--json"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        json_of(&out),
        json!({
            "formatVersion": 1,
            "organizationId": ORG,
            "prune": false,
            "summary": {"add": 0, "change": 0, "remove": 0, "leftAlone": 0},
            "changes": [],
            "leftAlone": [],
        })
    );
    // JSON is accepted too, and so is stdin.
    let json_export = stdout(&env.run(&["organization", "access", "export", "--format", "json"]));
    let out = env
        .astro()
        .args(["organization", "access", "plan", "-f", "-"])
        .write_stdin(json_export)
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

// ---------------------------------------------------------------------------------------
// plan: an edited file

/// Every kind of change, made to the export of the default seed.
pub(crate) fn edited(env: &TestEnv) -> String {
    edit(
        &export(env),
        &[
            // alan: Organization role changed; Analytics role changed, Data Platform added, a
            // (custom) Deployment role added.
            (
                "  \"alan@example.com\":\n    role: ORGANIZATION_BILLING_ADMIN\n    workspaces:\n      \"Analytics\": WORKSPACE_MEMBER\n",
                "  \"alan@example.com\":\n    role: ORGANIZATION_MEMBER\n    workspaces:\n      \"Analytics\": WORKSPACE_AUTHOR\n      \"Data Platform\": WORKSPACE_MEMBER\n    deployments:\n      \"Analytics\": {\"Reporting\": DEPLOYMENT_VIEWER}\n",
            ),
            // Katherine: her Workspace role removed; someone new invited, with a Workspace role.
            (
                "    workspaces:\n      \"Analytics\": WORKSPACE_OPERATOR\n",
                "    workspaces: {}\n  \"new@example.com\":\n    role: member\n    workspaces: {Analytics: WORKSPACE_MEMBER}\n",
            ),
            // Platform Team: description and Organization role changed; alan and the invitee
            // added, grace removed.
            (
                "    description: \"Keeps the platform running\"\n    role: ORGANIZATION_MEMBER\n",
                "    description: \"Keeps everything running\"\n    role: ORGANIZATION_OWNER\n",
            ),
            (
                "    members:\n      - \"grace@example.com\"\n",
                "    members:\n      - \"alan@example.com\"\n      - \"new@example.com\"\n",
            ),
            // The IdP-managed Team: its role "changed", which is left alone.
            (
                "    role: ORGANIZATION_BILLING_ADMIN\n    workspaces:\n      \"Analytics\": WORKSPACE_AUTHOR\n",
                "    role: ORGANIZATION_MEMBER\n    workspaces:\n      \"Analytics\": WORKSPACE_AUTHOR\n",
            ),
            // A new Team.
            (
                "  \"platform team\":\n",
                "  \"Ops\":\n    description: \"On call\"\n    role: ORGANIZATION_MEMBER\n    workspaces: {\"Data Platform\": WORKSPACE_OPERATOR}\n    members: [\"edsger@example.com\"]\n  \"platform team\":\n",
            ),
        ],
    )
}

const EDITED_PLAN: &str = "\
Invites
  + new@example.com: ORGANIZATION_MEMBER
Organization roles
  ~ alan@example.com: ORGANIZATION_BILLING_ADMIN -> ORGANIZATION_MEMBER
Workspace roles
  ~ alan@example.com in Analytics: WORKSPACE_MEMBER -> WORKSPACE_AUTHOR
  + alan@example.com in Data Platform: WORKSPACE_MEMBER
  - Katherine.Johnson@Example.com in Analytics: WORKSPACE_OPERATOR; left alone (use --prune)
  + new@example.com in Analytics: WORKSPACE_MEMBER
Deployment roles
  + alan@example.com in Analytics / Reporting: DEPLOYMENT_VIEWER
Teams created
  + Ops: ORGANIZATION_MEMBER, description \"On call\"
Team descriptions
  ~ Platform Team: \"Keeps the platform running\" -> \"Keeps everything running\"
Team roles
  ~ Okta Engineers: ORGANIZATION_BILLING_ADMIN -> ORGANIZATION_MEMBER; left alone (managed by an identity provider)
  + Ops in Data Platform: WORKSPACE_OPERATOR
  ~ Platform Team: ORGANIZATION_MEMBER -> ORGANIZATION_OWNER
Team members
  + Ops: edsger@example.com
  + Platform Team: alan@example.com
  - Platform Team: grace@example.com; left alone (use --prune)
  + Platform Team: new@example.com

9 to add, 4 to change, 0 to remove (3 left alone)
";

#[test]
fn an_edited_file_plans_exactly_the_edit_and_sends_nothing() {
    let env = TestEnv::new();
    let text = edited(&env);
    let out = plan(&env, &text, &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), EDITED_PLAN);
    assert_eq!(stderr(&out), "");

    // With --prune the removals are planned; the IdP-managed Team is still left alone.
    let out = plan(&env, &text, &["--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let expected = EDITED_PLAN
        .replace(
            "WORKSPACE_OPERATOR; left alone (use --prune)",
            "WORKSPACE_OPERATOR",
        )
        .replace(
            "grace@example.com; left alone (use --prune)",
            "grace@example.com",
        )
        .replace(
            "9 to add, 4 to change, 0 to remove (3 left alone)",
            "9 to add, 4 to change, 2 to remove (1 left alone)",
        );
    assert_eq!(stdout(&out), expected);
    assert!(env.mutations().is_empty(), "{:#?}", requests(&env));
}

#[test]
fn the_json_change_list_names_everything_by_id_for_apply() {
    let env = TestEnv::new();
    let out = plan(&env, &edited(&env), &["--json", "--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let plan = json_of(&out);
    assert_eq!(plan["formatVersion"], 1);
    assert_eq!(plan["organizationId"], ORG);
    assert_eq!(plan["prune"], true);
    assert_eq!(
        plan["summary"],
        json!({"add": 9, "change": 4, "remove": 2, "leftAlone": 1})
    );
    let changes = plan["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 15);
    let alan = env.user_id("alan@example.com");
    let grace = env.user_id("grace@example.com");
    let find = |kind: &str, subject: &str| -> Vec<Value> {
        changes
            .iter()
            .filter(|c| {
                c["kind"] == kind
                    && (c["subject"]["email"] == subject || c["subject"]["name"] == subject)
            })
            .cloned()
            .collect()
    };
    assert_eq!(
        find("invite", "new@example.com"),
        [json!({
            "kind": "invite",
            "action": "add",
            "subject": {"type": "user", "id": null, "email": "new@example.com"},
            "before": null,
            "after": "ORGANIZATION_MEMBER",
        })]
    );
    assert_eq!(
        find("organizationRole", "alan@example.com"),
        [json!({
            "kind": "organizationRole",
            "action": "change",
            "subject": {"type": "user", "id": alan, "email": "alan@example.com"},
            "before": "ORGANIZATION_BILLING_ADMIN",
            "after": "ORGANIZATION_MEMBER",
        })]
    );
    assert_eq!(
        find("workspaceRole", "alan@example.com")[1],
        json!({
            "kind": "workspaceRole",
            "action": "add",
            "subject": {"type": "user", "id": alan, "email": "alan@example.com"},
            "workspace": {"id": DATA_PLATFORM, "name": "Data Platform"},
            "before": null,
            "after": "WORKSPACE_MEMBER",
        })
    );
    assert_eq!(
        find("workspaceRole", "Katherine.Johnson@Example.com")[0]["action"],
        "remove"
    );
    assert_eq!(
        find("deploymentRole", "alan@example.com"),
        [json!({
            "kind": "deploymentRole",
            "action": "add",
            "subject": {"type": "user", "id": alan, "email": "alan@example.com"},
            "deployment": {
                "id": REPORTING,
                "name": "Reporting",
                "workspaceId": ANALYTICS,
                "workspaceName": "Analytics",
            },
            "before": null,
            "after": "DEPLOYMENT_VIEWER",
        })]
    );
    assert_eq!(
        find("teamCreate", "Ops"),
        [json!({
            "kind": "teamCreate",
            "action": "add",
            "subject": {"type": "team", "id": null, "name": "Ops"},
            "before": null,
            "after": "ORGANIZATION_MEMBER",
            "description": "On call",
        })]
    );
    assert_eq!(
        find("teamDescription", "Platform Team")[0]["subject"],
        json!({"type": "team", "id": PLATFORM_TEAM, "name": "Platform Team"})
    );
    let members = find("teamMember", "Platform Team");
    let member = |email: &str| {
        members
            .iter()
            .find(|c| c["member"]["email"] == email)
            .cloned()
            .unwrap()
    };
    assert_eq!(member("new@example.com")["member"]["id"], Value::Null);
    assert_eq!(member("alan@example.com")["member"]["id"], alan.as_str());
    assert_eq!(
        member("grace@example.com"),
        json!({
            "kind": "teamMember",
            "action": "remove",
            "subject": {"type": "team", "id": PLATFORM_TEAM, "name": "Platform Team"},
            "member": {"id": grace, "email": "grace@example.com"},
            "before": null,
            "after": null,
        })
    );
    assert_eq!(
        plan["leftAlone"],
        json!([{
            "kind": "organizationRole",
            "action": "change",
            "subject": {"type": "team", "id": OKTA, "name": "Okta Engineers"},
            "before": "ORGANIZATION_BILLING_ADMIN",
            "after": "ORGANIZATION_MEMBER",
            "reason": "idpManaged",
        }])
    );
}

#[test]
fn exit_code_is_10_when_there_are_changes_and_0_in_sync() {
    let env = TestEnv::new();
    let text = edited(&env);
    for flags in [&["--exit-code"][..], &["--exit-code", "--json"][..]] {
        let out = plan(&env, &text, flags);
        assert_eq!(code(&out), Some(10), "{flags:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "");
        assert!(!stdout(&out).is_empty());
    }
    // Without --exit-code a plan is a success whatever it finds.
    assert_eq!(code(&plan(&env, &text, &[])), Some(0));
    // Only removals left alone: nothing would change, so in sync for --exit-code.
    let only_removal = edit(
        &export(&env),
        &[(
            "    workspaces:\n      \"Analytics\": WORKSPACE_OPERATOR\n",
            "    workspaces: {}\n",
        )],
    );
    let out = plan(&env, &only_removal, &["--exit-code"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Workspace roles\n  - Katherine.Johnson@Example.com in Analytics: WORKSPACE_OPERATOR; left alone (use --prune)\n\nno changes (1 left alone)\n"
    );
    let out = plan(&env, &only_removal, &["--exit-code", "--prune"]);
    assert_eq!(code(&out), Some(10), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("\n0 to add, 0 to change, 1 to remove\n"));
}

/// `--prune` removes only kinds of role the file describes: a member without `workspaces` keeps
/// theirs; people the file does not list lose Workspace roles only when members in the file
/// have `workspaces`; Deployment roles only when some have `deployments`; a Team without
/// `members` keeps its members; Teams not in the file are left alone.
#[test]
fn prune_touches_only_the_kinds_of_role_the_file_describes() {
    let env = TestEnv::new();
    let text = format!(
        "organization: {ORG}\n\
         members:\n  \
           ada@example.com: {{role: owner}}\n  \
           grace@example.com: {{role: member, workspaces: {{}}}}\n\
         teams:\n  \
           Platform Team: {{role: member}}\n"
    );
    let out = plan(&env, &text, &["--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Workspace roles\n  \
           - alan@example.com in Analytics: WORKSPACE_MEMBER\n  \
           - grace@example.com in Data Platform: WORKSPACE_OWNER\n  \
           - Katherine.Johnson@Example.com in Analytics: WORKSPACE_OPERATOR\n\
         \n0 to add, 0 to change, 3 to remove\n"
    );
    // No member describes Workspace roles: nothing to prune.
    let text =
        format!("organization: {ORG}\nmembers:\n  ada@example.com: {{role: owner}}\nteams: {{}}\n");
    let out = plan(&env, &text, &["--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");
    // Deployment roles: grace's only; her Workspace roles are not described.
    let text = format!(
        "organization: {ORG}\nmembers:\n  grace@example.com: {{role: member, deployments: {{}}}}\n"
    );
    let out = plan(&env, &text, &["--prune"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "Deployment roles\n  - grace@example.com in Data Platform / Ingestion: DEPLOYMENT_ADMIN\n\n0 to add, 0 to change, 1 to remove\n"
    );
}

// ---------------------------------------------------------------------------------------
// plan: invalid files

#[test]
fn an_invalid_file_reports_every_problem_with_its_line_and_column() {
    let env = TestEnv::new();
    let text = format!(
        "organization: {ORG}\n\
         members:\n  \
           grace@example.com:\n    \
             role: ownr\n    \
             workspaces: {{Nowhere: WORKSPACE_MEMBER, analytics: admin}}\n    \
             deployments: {{Analytics: {{Ingestion: DEPLOYMENT_ADMIN, Reporting: DAG_OPERATOR_RESTRICTED}}}}\n  \
           Grace@Example.com: {{role: member}}\n  \
           bad-email: {{role: member}}\n  \
           alan@example.com: {{role: member, wrkspaces: {{}}}}\n\
         teams:\n  \
           PLATFORM TEAM: {{role: member, members: [stranger@example.com]}}\n  \
           Platform Team: {{role: member, idpManaged: true}}\n  \
           New: {{role: member, idpManaged: true}}\n  \
           Data Engineering, EU: {{role: member}}\n  \
           {DATA_ENGINEERING}: {{role: member}}\n"
    );
    let out = plan(&env, &text, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let file = env.home.path().join("access.yaml").display().to_string();
    let expected: Vec<String> = [
        "4:11: unknown Organization role `ownr`; did you mean ORGANIZATION_OWNER? (valid: ORGANIZATION_OWNER, ORGANIZATION_OBSERVE_ADMIN, ORGANIZATION_OBSERVE_MEMBER, ORGANIZATION_BILLING_ADMIN, ORGANIZATION_MEMBER; or the short names owner, observe_admin, observe_member, billing_admin, member)",
        "5:18: no Workspace `Nowhere` in the Organization (its Workspaces: Analytics, Data Platform)",
        "5:56: unknown Workspace role `admin` (valid: WORKSPACE_OWNER, WORKSPACE_OPERATOR, WORKSPACE_AUTHOR, WORKSPACE_MEMBER, WORKSPACE_ACCESSOR; or the short names owner, operator, author, member, accessor)",
        "6:31: no Deployment `Ingestion` in Workspace Analytics (its Deployments: Dashboards, Reporting)",
        "6:71: `DAG_OPERATOR_RESTRICTED` is not a Deployment role on Deployment Reporting; valid: DEPLOYMENT_ADMIN, DEPLOYMENT_VIEWER",
        "7:3: `Grace@Example.com` is listed twice: as `grace@example.com` at line 3 too (emails compare ignoring case)",
        "8:3: `bad-email` is not a valid email address: it has no @",
        "9:36: unknown key `wrkspaces` in a member; did you mean `workspaces`? (it takes `role`, `status`, `workspaces`, `deployments`)",
        "11:3: `PLATFORM TEAM` names 2 Teams: Platform Team (`clrhjy5c000000164wjlm5wfr`), platform team (`clrho8gw0000003642m95fuxa`); write the exact name or the Team's ID",
        "11:43: `stranger@example.com` is not a member of the Organization; list them under `members` to invite them",
        "12:45: Team Platform Team is not managed by an identity provider; remove `idpManaged: true`",
        "13:35: Team `New` does not exist, and a Team managed by an identity provider cannot be created here",
        "15:3: `clrhm3b40000002649ug96ewr` names Team Data Engineering, EU (`clrhm3b40000002649ug96ewr`), as line 14 does",
    ]
    .iter()
    .map(|line| format!("{file}:{line}"))
    .collect();
    let err = stderr(&out);
    let mut lines: Vec<&str> = err.lines().collect();
    let tail: Vec<String> = lines
        .split_off(expected.len())
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(lines, expected);
    assert_eq!(
        tail,
        [
            format!("error: `{file}` has 13 problems; nothing was planned"),
            "hint: fix them and run it again; `astro organization access export` writes a valid file".to_owned(),
        ]
    );
    assert!(env.mutations().is_empty());
}

#[test]
fn a_syntax_error_is_one_problem_and_nothing_is_read() {
    let env = TestEnv::new();
    let out = plan(
        &env,
        &format!("organization: {ORG}\nmembers:\n  a: [1, 2\n  b: c\n"),
        &[],
    );
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    let file = env.home.path().join("access.yaml").display().to_string();
    assert!(
        stderr(&out).starts_with(&format!("{file}:4:4: ")),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("has 1 problem;"), "{}", stderr(&out));
    assert!(env.api_requests().is_empty());
}

#[test]
fn a_file_for_another_organization_is_refused_before_any_request() {
    let env = TestEnv::new();
    let other = export(&env).replace(ORG, "clron08w0000002capw1rcli2");
    env.emu.clear_requests();
    let out = plan(&env, &other, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    let file = env.home.path().join("access.yaml").display().to_string();
    assert_eq!(
        stderr(&out),
        format!(
            "{file}:1:15: this file describes Organization `clron08w0000002capw1rcli2`, not `{ORG}` (the Organization from the API token)\n\
             error: `{file}` has 1 problem; nothing was planned\n\
             hint: to plan for that Organization, pass --organization-id clron08w0000002capw1rcli2\n"
        )
    );
    assert!(env.api_requests().is_empty(), "{:#?}", requests(&env));
}

// ---------------------------------------------------------------------------------------
// plan: refusals

#[test]
fn a_file_leaving_no_active_owner_is_refused() {
    let env = TestEnv::new();
    // barbara would be an Owner, but she is PENDING: only ACTIVE Owners count.
    let text = edit(
        &export(&env),
        &[
            (
                "  \"ada@example.com\":\n    role: ORGANIZATION_OWNER\n",
                "  \"ada@example.com\":\n    role: ORGANIZATION_MEMBER\n",
            ),
            (
                "  \"barbara@example.com\":\n    role: ORGANIZATION_MEMBER\n",
                "  \"barbara@example.com\":\n    role: ORGANIZATION_OWNER\n",
            ),
        ],
    );
    for flags in [&[][..], &["--allow-self-demotion", "--json"][..]] {
        let out = plan(&env, &text, flags);
        assert_eq!(code(&out), Some(2), "{}", stderr(&out));
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            "error: refused: the file leaves the Organization with no ACTIVE ORGANIZATION_OWNER (it has 1 now); nothing was planned\n\
             hint: keep at least one ACTIVE member with role ORGANIZATION_OWNER in the file\n"
        );
    }
    assert!(env.mutations().is_empty());
}

#[test]
fn demoting_yourself_is_refused_unless_allowed_and_an_api_token_is_nobody() {
    let env = TestEnv::new();
    let text = edit(
        &export(&env),
        &[
            (
                "  \"ada@example.com\":\n    role: ORGANIZATION_OWNER\n",
                "  \"ada@example.com\":\n    role: ORGANIZATION_MEMBER\n",
            ),
            (
                "  \"grace@example.com\":\n    role: ORGANIZATION_MEMBER\n",
                "  \"grace@example.com\":\n    role: ORGANIZATION_OWNER\n",
            ),
        ],
    );
    let file = env.write_file("access.yaml", &text);
    let login = env.emu.user_token();
    let as_ada = |extra: &[&str]| {
        env.astro()
            .env("ASTRO_API_TOKEN", &login)
            .args([
                "organization",
                "access",
                "plan",
                "-f",
                &file,
                "--organization-id",
                ORG,
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    let out = as_ada(&[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "error: refused: the file demotes you (ada@example.com) from ORGANIZATION_OWNER to ORGANIZATION_MEMBER; nothing was planned\n\
         hint: pass --allow-self-demotion if you mean to give up the role\n"
    );
    assert!(requests(&env).contains(&"GET /v1/users/self".to_owned()));
    let planned = "Organization roles\n  \
                     ~ ada@example.com: ORGANIZATION_OWNER -> ORGANIZATION_MEMBER\n  \
                     ~ grace@example.com: ORGANIZATION_MEMBER -> ORGANIZATION_OWNER\n\
                   \n0 to add, 2 to change, 0 to remove\n";
    let out = as_ada(&["--allow-self-demotion"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), planned);
    assert_eq!(
        stderr(&out),
        "warning: the file demotes you (ada@example.com) from ORGANIZATION_OWNER to ORGANIZATION_MEMBER (--allow-self-demotion)\n"
    );
    // An API token is no user: nobody is demoted, and GetSelfUser is not asked.
    env.emu.clear_requests();
    let out = plan(&env, &text, &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), planned);
    assert!(!requests(&env).contains(&"GET /v1/users/self".to_owned()));
    assert!(env.mutations().is_empty());
}

#[test]
fn the_token_never_appears_in_output_or_the_exported_file() {
    let env = TestEnv::new();
    let token = env.emu.token();
    let path = env.home.path().join("out.yaml").display().to_string();
    let text = edited(&env);
    let runs: Vec<Vec<&str>> = vec![
        vec!["organization", "access", "export"],
        vec!["organization", "access", "export", "-o", &path, "--verbose"],
        vec!["organization", "access", "export", "--format", "json"],
    ];
    for args in runs {
        let out = env.run(&args);
        assert!(!stdout(&out).contains(&token) && !stderr(&out).contains(&token));
    }
    assert!(!std::fs::read_to_string(&path).unwrap().contains(&token));
    for flags in [&["--verbose"][..], &["--json", "--verbose"][..]] {
        let out = plan(&env, &text, flags);
        assert!(!stdout(&out).contains(&token) && !stderr(&out).contains(&token));
    }
}

// ---------------------------------------------------------------------------------------
// names shared by several objects

const OPS_1: &str = "cws000000000000000000ops1";
const OPS_2: &str = "cws000000000000000000ops2";
const PROD_1: &str = "cdp00000000000000000prod1";
const PROD_2: &str = "cdp00000000000000000prod2";
const DUP_1: &str = "ctm000000000000000000dup1";
const DUP_2: &str = "ctm000000000000000000dup2";

/// Two Workspaces named `Ops` (two Deployments named `Prod` in the first), two Teams named
/// `Dup`, and names YAML would read as something else (`2024`, `yes`) when not quoted.
fn shared_names() -> TestEnv {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.yaml");
    std::fs::write(
        &seed,
        format!(
            "organization: {{name: Acme, id: corg0000000000000000acme1}}\n\
             users:\n  \
               - email: boss@acme.test\n    \
                 fullName: The Boss\n    \
                 role: ORGANIZATION_OWNER\n    \
                 workspaceRoles: [{{workspace: Ops, role: WORKSPACE_OWNER}}]\n    \
                 deploymentRoles: [{{deploymentId: {PROD_2}, role: DEPLOYMENT_ADMIN}}]\n  \
               - {{email: yes@acme.test, fullName: Yes, role: ORGANIZATION_MEMBER, workspaceRoles: [{{workspace: \"2024\", role: WORKSPACE_MEMBER}}]}}\n\
             workspaces:\n  \
               - name: Ops\n    \
                 id: {OPS_1}\n    \
                 deployments: [{{name: Prod, id: {PROD_1}}}, {{name: Prod, id: {PROD_2}}}]\n  \
               - {{name: Ops, id: {OPS_2}}}\n  \
               - {{name: \"2024\", id: cws000000000000000000y2024}}\n\
             teams:\n  \
               - {{name: Dup, id: {DUP_1}, members: [boss@acme.test]}}\n  \
               - {{name: Dup, id: {DUP_2}}}\n  \
               - {{name: \"yes\", members: [yes@acme.test]}}\n"
        ),
    )
    .unwrap();
    let env = TestEnv::with_emulator(
        Emulator::builder()
            .seed_file(&seed)
            .unwrap()
            .spawn()
            .unwrap(),
    );
    // The second Ops gets a role through the CLI (a seed names Workspaces by name).
    let out = env.run(&[
        "workspace",
        "user",
        "add",
        "yes@acme.test",
        "--role",
        "WORKSPACE_AUTHOR",
        "--workspace-id",
        OPS_2,
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    env
}

#[test]
fn shared_names_are_exported_by_id_with_the_name_in_a_comment_and_plan_back() {
    let env = shared_names();
    let exported = export(&env);
    assert_eq!(
        exported,
        format!(
            "organization: \"corg0000000000000000acme1\"  # Acme\n\
             members:\n  \
               \"boss@acme.test\":\n    \
                 role: ORGANIZATION_OWNER\n    \
                 workspaces:\n      \
                   \"{OPS_1}\": WORKSPACE_OWNER  # Ops\n    \
                 deployments:\n      \
                   \"{OPS_1}\":  # Ops\n        \
                     \"{PROD_2}\": DEPLOYMENT_ADMIN  # Prod\n  \
               \"yes@acme.test\":\n    \
                 role: ORGANIZATION_MEMBER\n    \
                 workspaces:\n      \
                   \"2024\": WORKSPACE_MEMBER\n      \
                   \"{OPS_2}\": WORKSPACE_AUTHOR  # Ops\n\
             teams:\n  \
               \"{DUP_1}\":  # Dup\n    \
                 role: ORGANIZATION_MEMBER\n    \
                 workspaces: {{}}\n    \
                 members:\n      \
                   - \"boss@acme.test\"\n  \
               \"{DUP_2}\":  # Dup\n    \
                 role: ORGANIZATION_MEMBER\n    \
                 workspaces: {{}}\n    \
                 members: []\n  \
               \"yes\":\n    \
                 role: ORGANIZATION_MEMBER\n    \
                 workspaces: {{}}\n    \
                 members:\n      \
                   - \"yes@acme.test\"\n"
        )
    );
    let out = plan(&env, &exported, &["--prune", "--exit-code"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "no changes\n");

    // By name, an Ops is ambiguous; by ID each is itself, shown with its ID.
    let by_name = exported.replace(
        &format!("\"{OPS_2}\": WORKSPACE_AUTHOR"),
        "\"Ops\": WORKSPACE_AUTHOR",
    );
    let out = plan(&env, &by_name, &[]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            ":14:7: `Ops` names 2 Workspaces: Ops (`{OPS_1}`), Ops (`{OPS_2}`)"
        )),
        "{}",
        stderr(&out)
    );
    let moved = exported.replace(
        &format!("\"{OPS_2}\": WORKSPACE_AUTHOR"),
        &format!("\"{OPS_2}\": WORKSPACE_OPERATOR"),
    );
    let out = plan(&env, &moved, &[]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "Workspace roles\n  ~ yes@acme.test in Ops ({OPS_2}): WORKSPACE_AUTHOR -> WORKSPACE_OPERATOR\n\n0 to add, 1 to change, 0 to remove\n"
        )
    );
}
