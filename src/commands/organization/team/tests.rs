//! The Team commands' arguments, parsed apart from running them.

use std::ffi::OsString;

use super::*;
use crate::cli::{Global, parse};
use crate::commands::Command;
use crate::commands::organization::OrganizationCommand;
use crate::roles::OrgRole;

fn team(args: &[&str]) -> (OrganizationTeamCommand, crate::cli::Invoked) {
    let line = ["astro", "org", "te"]
        .iter()
        .chain(args)
        .map(OsString::from);
    let (cli, invoked) = parse(line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let Command::Organization(Lazy(OrganizationCommand::Team(Lazy(command)))) = cli.command else {
        panic!("not an organization team command");
    };
    (command, invoked)
}

fn refused(args: &[&str]) -> bool {
    let line = ["astro", "org", "teams"]
        .iter()
        .chain(args)
        .map(OsString::from);
    parse(line).is_err()
}

#[test]
fn aliases_and_the_global_flags_each_takes() {
    use Global::*;
    for (args, path, takes) in [
        (
            &["ls"][..],
            "organization team list",
            &[OrganizationId, Json, NoHeaders, Http][..],
        ),
        (
            &["get", "x"],
            "organization team get",
            &[OrganizationId, NoInput, Json, NoHeaders, Http],
        ),
        (
            &["cr", "x"],
            "organization team create",
            &[OrganizationId, NoInput, Json, Http],
        ),
        (
            &["up", "x", "-d", "y"],
            "organization team update",
            &[OrganizationId, NoInput, Json, Http],
        ),
        (
            &["de", "x"],
            "organization team delete",
            &[OrganizationId, NoInput, Json, Http],
        ),
    ] {
        let (_, invoked) = team(args);
        assert_eq!(invoked.path, path);
        assert_eq!(invoked.takes, takes, "{path}");
    }
}

#[test]
fn list_counts_members_in_json_only_when_asked() {
    let (OrganizationTeamCommand::List(Lazy(args)), _) = team(&["ls", "--json"]) else {
        panic!("list");
    };
    assert!(!args.members && args.format.wants_json());
    let (OrganizationTeamCommand::List(Lazy(args)), _) = team(&["ls", "--members", "-o", "json"])
    else {
        panic!("list");
    };
    assert!(args.members && args.format.wants_json());
}

#[test]
fn create_takes_the_name_as_argument_or_flag_a_short_role_and_repeated_members() {
    let (OrganizationTeamCommand::Create(Lazy(args)), _) = team(&[
        "cr",
        " Data Engineering, EU ",
        "-r",
        "billing_admin",
        "--member",
        "grace@example.com",
        "--member",
        "clrep2g00000001leg1xpkbe9",
    ]) else {
        panic!("create");
    };
    assert_eq!(args.name.as_deref(), Some("Data Engineering, EU"));
    assert_eq!(args.role, Some(OrgRole::OrganizationBillingAdmin));
    assert_eq!(
        args.members,
        ["grace@example.com", "clrep2g00000001leg1xpkbe9"]
    );
    assert!(args.description.is_none() && !args.dry_run);
    let (OrganizationTeamCommand::Create(Lazy(args)), _) = team(&["cr", "-n", "Ops", "-d", ""])
    else {
        panic!("create");
    };
    assert_eq!(args.name_flag.as_deref(), Some("Ops"));
    assert_eq!(args.description.as_deref(), Some(""));
    assert!(args.role.is_none() && args.members.is_empty());
    assert!(refused(&["cr", "A", "-n", "B"]), "the name twice");
    assert!(
        refused(&["cr", "A", "-r", "workspace_owner"]),
        "not an Organization role"
    );
    assert!(refused(&["cr", "A", "--member", " "]), "an empty member");
}

#[test]
fn update_leaves_out_what_is_not_given() {
    let (OrganizationTeamCommand::Update(Lazy(args)), _) =
        team(&["up", "Platform Team", "--description", ""])
    else {
        panic!("update");
    };
    assert_eq!(args.team.as_deref(), Some("Platform Team"));
    assert_eq!(args.description.as_deref(), Some(""));
    assert!(args.name.is_none() && args.role.is_none());
    let (OrganizationTeamCommand::Update(Lazy(args)), _) =
        team(&["up", "x", "-n", "y", "-r", "OWNER", "--dry-run"])
    else {
        panic!("update");
    };
    assert_eq!(args.name.as_deref(), Some("y"));
    assert_eq!(args.role, Some(OrgRole::OrganizationOwner));
    assert!(args.dry_run);
    assert!(refused(&["up", "x", "-n", " "]), "an empty new name");
    assert!(refused(&["up", "x", "-r", "ownr"]), "an unknown role");
}

#[test]
fn delete_is_forced_only_when_asked() {
    let (OrganizationTeamCommand::Delete(Lazy(args)), _) = team(&["de", "Platform Team"]) else {
        panic!("delete");
    };
    assert!(!args.force && !args.dry_run);
    let (OrganizationTeamCommand::Delete(Lazy(args)), _) = team(&["delete", "-f", "--dry-run"])
    else {
        panic!("delete");
    };
    assert!(args.force && args.dry_run && args.team.is_none());
}
