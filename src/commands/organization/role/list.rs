//! `astro organization role list` (`ls`): the roles that can be granted — Astro's default roles
//! of every scope, then the Organization's custom roles — from one ListRoles (its pages read in
//! turn), optionally of some scopes only (`scopeTypes`).

use clap::ValueEnum;
use serde::Serialize;

use crate::api::RoleInfo;
use crate::cli::{FormatArgs, Reads, Takes};
use crate::context::Ctx;
use crate::error::CliError;
use crate::output;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Default roles come first (they have no ID), from the Organization's down to \
                  the DAG's, then the custom roles by scope and name. A custom Deployment role's \
                  name is what `--role` takes on Deployment commands (one restricted to some \
                  Workspaces only on their Deployments).\n\n\
                  The Go CLI lists custom roles only unless given -i/--include-default-roles; \
                  here default roles are always listed, -i is accepted and changes nothing, and \
                  --custom-only leaves them out.\n\n\
                  Examples:\n  astro organization role list\n  \
                  astro org ro ls --scope deployment --custom-only --jq '.roles[].name'"
)]
pub struct ListArgs {
    /// Only the roles of these scopes (any case; repeat or separate with commas)
    #[arg(
        long,
        value_enum,
        value_name = "SCOPE",
        value_delimiter = ',',
        ignore_case = true
    )]
    pub scope: Vec<RoleScope>,

    /// Only the Organization's custom roles, not Astro's default ones
    #[arg(long)]
    pub custom_only: bool,

    /// Accepted for compatibility with the Go CLI, where it adds the default roles; they are
    /// always listed here (see --custom-only)
    #[arg(short = 'i', long, hide = true, conflicts_with = "custom_only")]
    pub include_default_roles: bool,

    #[command(flatten)]
    pub format: FormatArgs,

    #[command(flatten)]
    pub globals: Takes<Reads>,
}

/// A role's scope, as ListRoles' `scopeTypes` filter names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum RoleScope {
    #[value(name = "ORGANIZATION")]
    Organization,
    #[value(name = "WORKSPACE")]
    Workspace,
    #[value(name = "DEPLOYMENT")]
    Deployment,
    #[value(name = "DAG")]
    Dag,
}

impl RoleScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RoleScope::Organization => "ORGANIZATION",
            RoleScope::Workspace => "WORKSPACE",
            RoleScope::Deployment => "DEPLOYMENT",
            RoleScope::Dag => "DAG",
        }
    }
}

/// Where a scope sorts: the Organization's roles first, the DAG's last, any other after them.
fn scope_rank(scope: &str) -> usize {
    [
        RoleScope::Organization,
        RoleScope::Workspace,
        RoleScope::Deployment,
        RoleScope::Dag,
    ]
    .iter()
    .position(|s| s.as_str() == scope)
    .unwrap_or(usize::MAX)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RoleRow<'a> {
    name: &'a str,
    scope_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    /// Default roles have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    is_default: bool,
    /// A custom role usable only in these Workspaces (left out: anywhere).
    #[serde(skip_serializing_if = "Option::is_none")]
    restricted_workspace_ids: Option<&'a [String]>,
}

#[derive(Debug, Serialize)]
struct RoleList<'a> {
    roles: Vec<RoleRow<'a>>,
}

/// The roles to show, in order: defaults first, each group by scope then as listed (by name).
/// The scope filter is applied here too, in case a server gives default roles of every scope.
fn ordered<'a>(
    defaults: &'a [RoleInfo],
    custom: &'a [RoleInfo],
    scopes: &[RoleScope],
) -> Vec<RoleRow<'a>> {
    let wanted =
        |r: &RoleInfo| scopes.is_empty() || scopes.iter().any(|s| s.as_str() == r.scope_type);
    let group = |roles: &'a [RoleInfo], is_default: bool| {
        let mut rows: Vec<RoleRow<'a>> = roles
            .iter()
            .filter(|r| wanted(r))
            .map(|r| RoleRow {
                name: &r.name,
                scope_type: &r.scope_type,
                description: r.description.as_deref().filter(|d| !d.is_empty()),
                id: r.id.as_deref().filter(|id| !id.is_empty()),
                is_default,
                restricted_workspace_ids: r
                    .restricted_workspace_ids
                    .as_deref()
                    .filter(|ids| !ids.is_empty()),
            })
            .collect();
        rows.sort_by_key(|r| scope_rank(r.scope_type));
        rows
    };
    let mut rows = group(defaults, true);
    rows.extend(group(custom, false));
    rows
}

pub async fn run(args: ListArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let json = ctx.wants_json(args.format.wants_json());
    let mut scopes = args.scope.clone();
    scopes.sort();
    scopes.dedup();
    let scope_types: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let (client, org) = ctx.api().await?;
    let spinner = output::Spinner::start("Listing the Organization's roles…");
    let listed = client
        .list_all_roles(org, &scope_types, !args.custom_only)
        .await?;
    drop(spinner);
    let defaults: &[RoleInfo] = if args.custom_only {
        &[]
    } else {
        &listed.defaults
    };
    let rows = ordered(defaults, &listed.custom, &scopes);
    if json {
        return ctx.print_json(&RoleList { roles: rows });
    }
    let table = rows
        .iter()
        .map(|r| {
            vec![
                r.name.to_owned(),
                r.scope_type.to_owned(),
                r.description.unwrap_or("").to_owned(),
                r.id.unwrap_or("").to_owned(),
            ]
        })
        .collect();
    ctx.print_table(
        &["NAME", "SCOPE", "DESCRIPTION", "ID"],
        (&["DESCRIPTION", "NAME"], &["DESCRIPTION"]),
        table,
        ("role", "roles"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, scope: &str, id: Option<&str>) -> RoleInfo {
        RoleInfo {
            id: id.map(str::to_owned),
            name: name.into(),
            description: None,
            scope_type: scope.into(),
            restricted_workspace_ids: None,
        }
    }

    #[test]
    fn defaults_first_then_custom_each_by_scope_keeping_the_listed_order() {
        let defaults = [
            role("DAG_VIEWER", "DAG", None),
            role("DEPLOYMENT_ADMIN", "DEPLOYMENT", None),
            role("ORGANIZATION_OWNER", "ORGANIZATION", None),
        ];
        let custom = [
            role("A deployer", "DEPLOYMENT", Some("c1")),
            role("B reader", "WORKSPACE", Some("c2")),
            role("C deployer", "DEPLOYMENT", Some("c3")),
        ];
        let names: Vec<&str> = ordered(&defaults, &custom, &[])
            .iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(
            names,
            [
                "ORGANIZATION_OWNER",
                "DEPLOYMENT_ADMIN",
                "DAG_VIEWER",
                "B reader",
                "A deployer",
                "C deployer"
            ]
        );
        let deployment: Vec<&str> = ordered(&defaults, &custom, &[RoleScope::Deployment])
            .iter()
            .map(|r| r.name)
            .collect();
        assert_eq!(deployment, ["DEPLOYMENT_ADMIN", "A deployer", "C deployer"]);
    }

    #[test]
    fn scope_values_take_any_case() {
        assert_eq!(
            RoleScope::from_str("deployment", true).unwrap(),
            RoleScope::Deployment
        );
    }
}
