//! The Workspace token commands' arguments, parsed apart from running them.

use std::ffi::OsString;

use super::*;
use crate::cli::{Global, parse};
use crate::commands::Command;
use crate::commands::workspace::WorkspaceCommand;
use crate::roles::WorkspaceRole;

fn token(args: &[&str]) -> (WorkspaceTokenCommand, crate::cli::Invoked) {
    let line = ["astro", "wo", "to"].iter().chain(args).map(OsString::from);
    let (cli, invoked) = parse(line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let Command::Workspace(Lazy(WorkspaceCommand::Token(Lazy(command)))) = cli.command else {
        panic!("not a workspace token command");
    };
    (command, invoked)
}

fn refused(args: &[&str]) -> bool {
    let line = ["astro", "workspace", "token"]
        .iter()
        .chain(args)
        .map(OsString::from);
    parse(line).is_err()
}

#[test]
fn aliases_and_the_global_flags_each_takes() {
    use Global::*;
    let writes = &[OrganizationId, WorkspaceId, NoInput, Json, NoHeaders, Http][..];
    let reads = &[OrganizationId, WorkspaceId, Json, NoHeaders, Http][..];
    for (args, path, takes) in [
        (&["ls"][..], "workspace token list", reads),
        (&["get", "x"], "workspace token get", writes),
        (&["up", "x", "-d", "y"], "workspace token update", writes),
        (&["de", "x"], "workspace token delete", writes),
        (&["add", "x"], "workspace token add", writes),
        (&["update-role", "x"], "workspace token update-role", writes),
        (&["rm", "x"], "workspace token remove", writes),
        (
            &["organization-token", "add", "x"],
            "workspace token organization-token add",
            writes,
        ),
        (
            &["organization-token", "update", "x"],
            "workspace token organization-token update",
            writes,
        ),
        (
            &["organization-token", "up", "x"],
            "workspace token organization-token update",
            writes,
        ),
        (
            &["organization-token", "remove", "x"],
            "workspace token organization-token remove",
            writes,
        ),
        (
            &["organization-token", "ls"],
            "workspace token organization-token list",
            reads,
        ),
    ] {
        let (_, invoked) = token(args);
        assert_eq!(invoked.path, path);
        assert_eq!(invoked.takes, takes, "{path}");
    }
}

#[test]
fn no_alias_reuses_a_siblings_name() {
    let root = crate::cli::command();
    let group = root
        .find_subcommand("workspace")
        .and_then(|w| w.find_subcommand("token"))
        .expect("workspace token");
    for cmd in std::iter::once(group).chain(
        group
            .get_subcommands()
            .filter(|c| c.get_name() == "organization-token"),
    ) {
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        for sub in cmd.get_subcommands() {
            for alias in sub.get_all_aliases() {
                assert!(
                    !names.contains(&alias),
                    "`{alias}` (alias of {}) is a sibling's name",
                    sub.get_name()
                );
            }
        }
    }
}

#[test]
fn the_go_spellings_run_the_same_commands() {
    let (OrganizationTokenCommand::Update(Lazy(args)), _) = (match token(&[
        "organization-token",
        "update",
        "Platform automation",
        "-r",
        "owner",
    ]) {
        (WorkspaceTokenCommand::OrganizationToken(Lazy(command)), invoked) => (command, invoked),
        _ => panic!("organization-token"),
    }) else {
        panic!("update");
    };
    assert_eq!(args.token.as_deref(), Some("Platform automation"));
    assert_eq!(args.role, Some(WorkspaceRole::WorkspaceOwner));
    let (
        WorkspaceTokenCommand::OrganizationToken(Lazy(OrganizationTokenCommand::List(Lazy(args)))),
        _,
    ) = token(&["organization-token", "list", "--expiring-within", "7"])
    else {
        panic!("list");
    };
    let args: list::ListArgs = args.into();
    assert_eq!(args.scope, Some(list::ScopeFilter::Organization));
    assert_eq!(args.expiring_within, Some(7));
}

#[test]
fn list_filters_are_checked_before_anything_is_sent() {
    let (WorkspaceTokenCommand::List(Lazy(args)), _) =
        token(&["ls", "--scope", "workspace", "--expiring-within", "0"])
    else {
        panic!("list");
    };
    assert_eq!(args.scope, Some(list::ScopeFilter::Workspace));
    assert_eq!(args.expiring_within, Some(0));
    assert!(refused(&["ls", "--expiring-within", "3651"]));
    assert!(refused(&["ls", "--expiring-within", "-1"]));
    assert!(refused(&["ls", "--scope", "deployment"]));
}

#[test]
fn update_leaves_out_what_is_not_given_and_checks_the_role() {
    let (WorkspaceTokenCommand::Update(Lazy(args)), _) =
        token(&["up", "Analytics reporting", "--description", ""])
    else {
        panic!("update");
    };
    assert_eq!(args.token.as_deref(), Some("Analytics reporting"));
    assert_eq!(args.description.as_deref(), Some(""));
    assert!(args.name.is_none() && args.role.is_none());
    let (WorkspaceTokenCommand::Update(Lazy(args)), _) =
        token(&["up", "x", "-n", "Reports", "-r", "ACCESSOR"])
    else {
        panic!("update");
    };
    assert_eq!(args.name.as_deref(), Some("Reports"));
    assert_eq!(args.role, Some(WorkspaceRole::WorkspaceAccessor));
    assert!(refused(&["up", "x", "-n", " "]), "an empty new name");
    assert!(
        refused(&["up", "x", "-r", "ORGANIZATION_OWNER"]),
        "not a Workspace role"
    );
}

#[test]
fn add_has_no_role_until_asked_and_remove_is_forced_only_when_asked() {
    let (WorkspaceTokenCommand::Add(Lazy(args)), _) = token(&["add"]) else {
        panic!("add");
    };
    assert!(args.token.is_none() && args.role.is_none() && !args.dry_run);
    let (WorkspaceTokenCommand::Remove(Lazy(args)), _) = token(&["remove", "x"]) else {
        panic!("remove");
    };
    assert!(!args.force);
    let (WorkspaceTokenCommand::Delete(Lazy(args)), _) = token(&["delete", "-f", "--dry-run"])
    else {
        panic!("delete");
    };
    assert!(args.force && args.dry_run && args.token.is_none());
}
