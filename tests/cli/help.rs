//! A help snapshot per command, so a change to the interface is a visible diff.
//! Run with `UPDATE_SNAPSHOTS=1` to rewrite them after an intended change.

use std::path::PathBuf;

use crate::common::{TestEnv, stdout};

fn check(args: &[&str], name: &str) {
    let env = TestEnv::new();
    let out = env
        .bare()
        .args(args)
        .arg("--help")
        .env("COLUMNS", "100")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let actual = stdout(&out);
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cli/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing snapshot {}; run with UPDATE_SNAPSHOTS=1",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "help for `{}` changed; run with UPDATE_SNAPSHOTS=1 if intended",
        args.join(" ")
    );
}

#[test]
fn help_astro() {
    check(&[], "astro");
}

#[test]
fn help_organization() {
    check(&["organization"], "organization");
}

#[test]
fn help_user() {
    check(&["organization", "user"], "user");
}

#[test]
fn help_update() {
    check(&["organization", "user", "update"], "update");
}

#[test]
fn help_invite() {
    check(&["organization", "user", "invite"], "invite");
}

#[test]
fn help_invite_cancel() {
    check(
        &["organization", "user", "invite", "cancel"],
        "invite-cancel",
    );
}

#[test]
fn help_organization_role() {
    check(&["organization", "role"], "organization-role");
}

#[test]
fn help_organization_role_list() {
    check(&["organization", "role", "list"], "organization-role-list");
}

#[test]
fn help_list() {
    check(&["organization", "user", "list"], "list");
}

#[test]
fn help_api() {
    check(&["api"], "api");
}

#[test]
fn help_api_cloud() {
    check(&["api", "cloud"], "api-cloud");
}

#[test]
fn help_api_ls() {
    check(&["api", "ls"], "api-ls");
}

#[test]
fn help_api_describe() {
    check(&["api", "describe"], "api-describe");
}

#[test]
fn version_anywhere() {
    let env = TestEnv::new();
    for args in [&["--version"][..], &["org", "user", "--version"][..]] {
        let out = env.bare().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(stdout(&out).contains(env!("CARGO_PKG_VERSION")));
    }
}

#[test]
fn help_login() {
    check(&["login"], "login");
}

#[test]
fn help_logout() {
    check(&["logout"], "logout");
}

#[test]
fn help_auth_token() {
    check(&["auth", "token"], "auth-token");
}

#[test]
fn help_organization_list() {
    check(&["organization", "list"], "organization-list");
}

#[test]
fn help_organization_switch() {
    check(&["organization", "switch"], "organization-switch");
}

#[test]
fn help_completion() {
    check(&["completion"], "completion");
}

#[test]
fn help_workspace() {
    check(&["workspace"], "workspace");
}

#[test]
fn help_workspace_list() {
    check(&["workspace", "list"], "workspace-list");
}

#[test]
fn help_workspace_switch() {
    check(&["workspace", "switch"], "workspace-switch");
}

#[test]
fn help_workspace_create() {
    check(&["workspace", "create"], "workspace-create");
}

#[test]
fn help_workspace_update() {
    check(&["workspace", "update"], "workspace-update");
}

#[test]
fn help_workspace_delete() {
    check(&["workspace", "delete"], "workspace-delete");
}

#[test]
fn help_user_get() {
    check(&["organization", "user", "get"], "user-get");
}

#[test]
fn help_organization_team() {
    check(&["organization", "team"], "organization-team");
}

#[test]
fn help_organization_team_list() {
    check(&["organization", "team", "list"], "organization-team-list");
}

#[test]
fn help_organization_team_get() {
    check(&["organization", "team", "get"], "organization-team-get");
}

#[test]
fn help_organization_team_create() {
    check(
        &["organization", "team", "create"],
        "organization-team-create",
    );
}

#[test]
fn help_organization_team_update() {
    check(
        &["organization", "team", "update"],
        "organization-team-update",
    );
}

#[test]
fn help_organization_team_delete() {
    check(
        &["organization", "team", "delete"],
        "organization-team-delete",
    );
}

#[test]
fn help_workspace_user_add() {
    check(&["workspace", "user", "add"], "workspace-user-add");
}

#[test]
fn help_workspace_user_update() {
    check(&["workspace", "user", "update"], "workspace-user-update");
}

#[test]
fn help_workspace_user_remove() {
    check(&["workspace", "user", "remove"], "workspace-user-remove");
}

#[test]
fn help_organization_team_user() {
    check(&["organization", "team", "user"], "organization-team-user");
}

#[test]
fn help_organization_team_user_add() {
    check(
        &["organization", "team", "user", "add"],
        "organization-team-user-add",
    );
}

#[test]
fn help_organization_team_user_remove() {
    check(
        &["organization", "team", "user", "remove"],
        "organization-team-user-remove",
    );
}

#[test]
fn help_organization_team_user_list() {
    check(
        &["organization", "team", "user", "list"],
        "organization-team-user-list",
    );
}

#[test]
fn help_workspace_token() {
    check(&["workspace", "token"], "workspace-token");
}

#[test]
fn help_workspace_token_list() {
    check(&["workspace", "token", "list"], "workspace-token-list");
}

#[test]
fn help_workspace_token_get() {
    check(&["workspace", "token", "get"], "workspace-token-get");
}

#[test]
fn help_workspace_token_update() {
    check(&["workspace", "token", "update"], "workspace-token-update");
}

#[test]
fn help_workspace_token_delete() {
    check(&["workspace", "token", "delete"], "workspace-token-delete");
}

#[test]
fn help_workspace_token_add() {
    check(&["workspace", "token", "add"], "workspace-token-add");
}

#[test]
fn help_workspace_token_update_role() {
    check(
        &["workspace", "token", "update-role"],
        "workspace-token-update-role",
    );
}

#[test]
fn help_workspace_token_remove() {
    check(&["workspace", "token", "remove"], "workspace-token-remove");
}

#[test]
fn help_workspace_token_organization_token() {
    check(
        &["workspace", "token", "organization-token"],
        "workspace-token-organization-token",
    );
    for verb in ["add", "update", "remove", "list"] {
        check(
            &["workspace", "token", "organization-token", verb],
            &format!("workspace-token-organization-token-{verb}"),
        );
    }
}

#[test]
fn help_organization_token() {
    check(&["organization", "token"], "organization-token");
    for verb in [
        "list", "get", "roles", "create", "rotate", "update", "delete",
    ] {
        check(
            &["organization", "token", verb],
            &format!("organization-token-{verb}"),
        );
    }
    for verb in ["create", "rotate"] {
        check(
            &["workspace", "token", verb],
            &format!("workspace-token-{verb}"),
        );
    }
}

#[test]
fn help_deployment() {
    check(&["deployment"], "deployment");
    check(&["deployment", "list"], "deployment-list");
    for group in ["user", "team"] {
        check(&["deployment", group], &format!("deployment-{group}"));
        for verb in ["add", "list", "update", "remove"] {
            check(
                &["deployment", group, verb],
                &format!("deployment-{group}-{verb}"),
            );
        }
    }
}

#[test]
fn help_deployment_token() {
    check(&["deployment", "token"], "deployment-token");
    for verb in ["list", "get", "create", "update", "rotate", "delete"] {
        check(
            &["deployment", "token", verb],
            &format!("deployment-token-{verb}"),
        );
    }
    for group in ["workspace-token", "organization-token"] {
        check(
            &["deployment", "token", group],
            &format!("deployment-token-{group}"),
        );
        for verb in ["add", "update", "remove", "list"] {
            check(
                &["deployment", "token", group, verb],
                &format!("deployment-token-{group}-{verb}"),
            );
        }
    }
}

#[test]
fn help_organization_access() {
    check(&["organization", "access"], "organization-access");
    for verb in ["export", "plan"] {
        check(
            &["organization", "access", verb],
            &format!("organization-access-{verb}"),
        );
    }
}

#[test]
fn help_organization_access_apply() {
    check(
        &["organization", "access", "apply"],
        "organization-access-apply",
    );
}

#[test]
fn help_organization_audit_logs() {
    check(&["organization", "audit-logs"], "organization-audit-logs");
    check(
        &["organization", "audit-logs", "export"],
        "organization-audit-logs-export",
    );
}

/// Help and usage errors written to pipes carry no colour whether or not `NO_COLOR` is set, and
/// the text is the same; `CLICOLOR_FORCE` still forces colour into a pipe.
#[test]
fn piped_help_and_errors_have_no_colour_unless_forced() {
    let env = TestEnv::new();
    let run = |args: &[&str], vars: &[(&str, &str)]| {
        let mut cmd = env.bare();
        cmd.args(args).env("COLUMNS", "100").env_remove("NO_COLOR");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let help = run(&["org", "user", "list", "--help"], &[]);
    let no_colour = run(&["org", "user", "list", "--help"], &[("NO_COLOR", "1")]);
    assert_eq!(help.status.code(), Some(0));
    assert!(!help.stdout.contains(&0x1b), "{}", stdout(&help));
    assert_eq!(help.stdout, no_colour.stdout);

    let error = run(&["org", "user", "list", "--bogus"], &[]);
    assert_eq!(error.status.code(), Some(2));
    assert!(!error.stderr.contains(&0x1b));
    assert!(
        String::from_utf8_lossy(&error.stderr).starts_with("error: unexpected argument '--bogus'")
    );

    let forced = run(
        &["org", "user", "list", "--bogus"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(forced.status.code(), Some(2));
    assert!(
        forced.stderr.starts_with(b"\x1b[1m\x1b[31merror:\x1b[0m"),
        "{:?}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let forced_help = run(
        &["org", "user", "list", "--help"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(forced_help.stdout.windows(4).any(|w| w == b"\x1b[1m"));
}
