//! Role changes that can lock people out: demoting yourself, or leaving the Organization with
//! no ACTIVE user holding ORGANIZATION_OWNER directly. Such a change is asked about on a
//! terminal and needs `--force` off one, in single and bulk updates alike.

use crate::api::{Client, User};
use crate::context::Ctx;
use crate::error::CliError;
use crate::jwt::Claims;
use crate::output;

const OWNER: &str = "ORGANIZATION_OWNER";

/// "You": the user of a browser login. An API token is no user, so only the last-owner rule
/// applies to it (`None`).
pub async fn current_user_id(ctx: &mut Ctx) -> Result<Option<String>, CliError> {
    let is_login = Claims::parse(ctx.session().await?.token.expose()).is_ok_and(|c| c.is_login());
    if !is_login {
        return Ok(None);
    }
    let client: &Client = ctx.client().await?;
    Ok(Some(client.get_self_user().await?.id))
}

/// Whether a change could need the guard at all (so the lookups it needs are only made then):
/// an Owner leaving the role.
pub fn may_need_guard(user: &User, role: &str) -> bool {
    user.organization_role.as_deref() == Some(OWNER) && role != OWNER
}

/// Whether `role` is the Owner role (promotions to it are applied first in a bulk run).
pub fn is_owner_role(role: &str) -> bool {
    role == OWNER
}

/// What is risky about applying `changes` (user, new role) to `members`, as sentences.
pub fn risks(members: &[User], changes: &[(&User, &str)], me: Option<&str>) -> Vec<String> {
    let mut risks = Vec::new();
    for (user, role) in changes {
        if me == Some(user.id.as_str()) && may_need_guard(user, role) {
            risks.push(format!(
                "this demotes you ({}) from {OWNER} to {role}",
                user.username
            ));
        }
    }
    let is_owner = |u: &User| u.status == "ACTIVE" && u.organization_role.as_deref() == Some(OWNER);
    let is_owner_after = |u: &User| {
        u.status == "ACTIVE"
            && match changes.iter().find(|(c, _)| c.id == u.id) {
                Some((_, role)) => *role == OWNER,
                None => u.organization_role.as_deref() == Some(OWNER),
            }
    };
    let before = members.iter().filter(|u| is_owner(u)).count();
    let after = members.iter().filter(|u| is_owner_after(u)).count();
    if before > 0 && after == 0 {
        risks.push(format!(
            "this leaves the Organization with no ACTIVE {OWNER} (it has {before} now)"
        ));
    }
    risks
}

/// Goes ahead only if there is nothing risky, `--force` was given, or the user says yes. A dry
/// run only warns: it sends nothing either way.
pub fn confirm(
    ctx: &mut Ctx,
    risks: &[String],
    force: bool,
    dry_run: bool,
) -> Result<(), CliError> {
    if risks.is_empty() || force {
        return Ok(());
    }
    if dry_run {
        for risk in risks {
            output::note(&format!(
                "warning: {risk}; the real run asks first (or needs --force)"
            ));
        }
        return Ok(());
    }
    match ctx.prompter.as_mut() {
        Some(prompter) => {
            for risk in risks {
                output::note(&format!("warning: {risk}"));
            }
            if prompter.confirm("Change the role anyway?")? {
                Ok(())
            } else {
                Err(CliError::failure("not confirmed; nothing was sent"))
            }
        }
        None => Err(
            CliError::usage(format!("{}; nothing was sent", risks.join("; ")))
                .with_hint("pass --force to change it anyway"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str, role: &str, status: &str) -> User {
        User {
            id: id.into(),
            username: format!("{id}@x.io"),
            full_name: String::new(),
            status: status.into(),
            created_at: String::new(),
            organization_role: Some(role.into()),
            workspace_roles: None,
            deployment_roles: None,
            dag_roles: None,
        }
    }

    #[test]
    fn the_last_active_owner_counts_only_active_direct_owners() {
        let members = vec![
            user("a", OWNER, "ACTIVE"),
            user("b", OWNER, "PENDING"),
            user("c", "ORGANIZATION_MEMBER", "ACTIVE"),
        ];
        let risks = risks(&members, &[(&members[0], "ORGANIZATION_MEMBER")], None);
        assert_eq!(risks.len(), 1, "{risks:?}");
        assert!(risks[0].contains("no ACTIVE ORGANIZATION_OWNER"));
        // Another active owner: fine; promoting one in the same run: fine.
        let mut more = members.clone();
        more.push(user("d", OWNER, "ACTIVE"));
        assert!(super::risks(&more, &[(&more[0], "ORGANIZATION_MEMBER")], None).is_empty());
        assert!(
            super::risks(
                &members,
                &[(&members[0], "ORGANIZATION_MEMBER"), (&members[2], OWNER)],
                None
            )
            .is_empty()
        );
    }

    #[test]
    fn demoting_yourself_is_risky_other_changes_are_not() {
        let members = vec![user("a", OWNER, "ACTIVE"), user("b", OWNER, "ACTIVE")];
        let risks = risks(&members, &[(&members[0], "ORGANIZATION_MEMBER")], Some("a"));
        assert_eq!(risks.len(), 1);
        assert!(risks[0].contains("demotes you (a@x.io)"));
        let member = user("c", "ORGANIZATION_MEMBER", "ACTIVE");
        assert!(super::risks(&members, &[(&member, OWNER)], Some("c")).is_empty());
        assert!(
            super::risks(
                &members,
                &[(&member, "ORGANIZATION_BILLING_ADMIN")],
                Some("c")
            )
            .is_empty()
        );
    }
}
