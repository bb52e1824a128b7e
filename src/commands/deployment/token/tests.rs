//! The Deployment token commands' arguments, parsed apart from running them.

use std::ffi::OsString;

use super::*;
use crate::cli::{Global, parse};
use crate::commands::Command;
use crate::commands::deployment::DeploymentCommand;

fn token(args: &[&str]) -> (DeploymentTokenCommand, crate::cli::Invoked) {
    let line = ["astro", "de", "to"].iter().chain(args).map(OsString::from);
    let (cli, invoked) = parse(line).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    let Command::Deployment(Lazy(DeploymentCommand::Token(Lazy(command)))) = cli.command else {
        panic!("not a deployment token command");
    };
    (command, invoked)
}

fn refused(args: &[&str]) -> bool {
    let line = ["astro", "deployment", "token"]
        .iter()
        .chain(args)
        .map(OsString::from);
    parse(line).is_err()
}

#[test]
fn aliases_and_the_global_flags_each_takes() {
    use Global::*;
    let changes = &[
        OrganizationId,
        WorkspaceId,
        DeploymentId,
        NoInput,
        Json,
        Http,
    ][..];
    let reads = &[
        OrganizationId,
        WorkspaceId,
        DeploymentId,
        NoInput,
        Json,
        NoHeaders,
        Http,
    ][..];
    for (args, path, takes) in [
        (&["ls"][..], "deployment token list", reads),
        (&["get", "x"], "deployment token get", reads),
        (&["cr", "x"], "deployment token create", changes),
        (&["up", "x", "-d", "y"], "deployment token update", changes),
        (&["ro", "x"], "deployment token rotate", changes),
        (&["de", "x"], "deployment token delete", changes),
        (
            &["workspace-token", "add", "x"],
            "deployment token workspace-token add",
            changes,
        ),
        (
            &["workspace-token", "up", "x"],
            "deployment token workspace-token update",
            changes,
        ),
        (
            &["workspace-token", "rm", "x"],
            "deployment token workspace-token remove",
            changes,
        ),
        (
            &["workspace-token", "ls"],
            "deployment token workspace-token list",
            reads,
        ),
        (
            &["organization-token", "add", "x"],
            "deployment token organization-token add",
            changes,
        ),
        (
            &["organization-token", "update", "x"],
            "deployment token organization-token update",
            changes,
        ),
        (
            &["organization-token", "remove", "x"],
            "deployment token organization-token remove",
            changes,
        ),
        (
            &["organization-token", "list"],
            "deployment token organization-token list",
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
    let deployment = root.find_subcommand("deployment").expect("deployment");
    let group = deployment
        .find_subcommand("token")
        .expect("deployment token");
    let groups = std::iter::once(deployment)
        .chain(std::iter::once(group))
        .chain(group.get_subcommands().filter(|c| c.has_subcommands()));
    for cmd in groups {
        let names: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        for sub in cmd.get_subcommands() {
            for alias in sub.get_all_aliases() {
                assert!(
                    !names.contains(&alias),
                    "`{alias}` (alias of {}) is a sibling's name",
                    sub.get_name()
                );
                let others = cmd
                    .get_subcommands()
                    .filter(|c| c.get_name() != sub.get_name());
                for other in others {
                    assert!(
                        !other.get_all_aliases().any(|a| a == alias),
                        "`{alias}` is an alias of both {} and {}",
                        sub.get_name(),
                        other.get_name()
                    );
                }
            }
        }
    }
}

#[test]
fn roles_are_names_checked_later_and_update_has_no_default_role() {
    let (DeploymentTokenCommand::Create(Lazy(args)), _) =
        token(&["cr", "Deploys", "-r", "Custom Operator"])
    else {
        panic!("create");
    };
    assert_eq!(args.role.as_deref(), Some("Custom Operator"));
    assert_eq!(args.description, "");
    assert!(args.expiration.is_none() && !args.clean_output);
    let (DeploymentTokenCommand::Create(Lazy(args)), _) = token(&["cr", "x"]) else {
        panic!("create");
    };
    assert!(
        args.role.is_none(),
        "the default is applied once the Deployment is known"
    );
    let (DeploymentTokenCommand::Update(Lazy(args)), _) = token(&["up", "x", "-n", "Renamed"])
    else {
        panic!("update");
    };
    assert!(
        args.role.is_none(),
        "a name-only update carries no role (the Go CLI's advertised default is not one)"
    );
    assert!(refused(&["up", "x", "-r", " "]), "an empty role");
    assert!(refused(&["cr", "x", "-e", "0"]));
    assert!(refused(&["cr", "x", "-c", "--json"]));
    assert!(refused(&["ls", "--scope", "dag"]));
    let (DeploymentTokenCommand::List(Lazy(args)), _) = token(&["ls", "--scope", "deployment"])
    else {
        panic!("list");
    };
    assert_eq!(args.scope, Some(list::ScopeFilter::Deployment));
}

#[test]
fn the_subgroups_list_one_scope_and_remove_is_forced_only_when_asked() {
    let (
        DeploymentTokenCommand::WorkspaceToken(Lazy(workspace_token::WorkspaceTokenCommand::List(
            Lazy(args),
        ))),
        _,
    ) = token(&["workspace-token", "list", "--expiring-within", "7"])
    else {
        panic!("workspace-token list");
    };
    let args: list::ListArgs = args.into();
    assert_eq!(args.scope, Some(list::ScopeFilter::Workspace));
    assert_eq!(args.expiring_within, Some(7));
    let (
        DeploymentTokenCommand::OrganizationToken(Lazy(
            organization_token::OrganizationTokenCommand::List(Lazy(args)),
        )),
        _,
    ) = token(&["organization-token", "ls"])
    else {
        panic!("organization-token list");
    };
    let args: list::ListArgs = args.into();
    assert_eq!(args.scope, Some(list::ScopeFilter::Organization));
    let (
        DeploymentTokenCommand::OrganizationToken(Lazy(
            organization_token::OrganizationTokenCommand::Remove(Lazy(args)),
        )),
        _,
    ) = token(&["organization-token", "rm", "x"])
    else {
        panic!("organization-token remove");
    };
    assert!(!args.force && !args.dry_run);
    let (DeploymentTokenCommand::Delete(Lazy(args)), _) = token(&["delete", "-f", "--dry-run"])
    else {
        panic!("delete");
    };
    assert!(args.force && args.dry_run && args.token.is_none());
}
