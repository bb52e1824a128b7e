//! Naming a member: a user ID or an email (checked before anything is sent), finding them (an
//! ID with one GetUser; an email with one listing of the Organization, compared ignoring case),
//! offering them in a pick-list, and showing them in messages.

use crate::api::{Client, User, same_email};
use crate::error::{CliError, echo};
use crate::output;
use crate::prompt::PickList;

/// The member `arg` names (an email or a user ID), with the Organization's member list when
/// it was read to find them. Not there: exit 3.
pub async fn find(
    client: &Client,
    org: &str,
    arg: &str,
) -> Result<(User, Option<Vec<User>>), CliError> {
    let not_found = || {
        CliError::not_found(format!("no user `{}` in Organization `{org}`", echo(arg)))
            .with_hint("run `astro organization user list` to see its members")
    };
    if is_cuid(arg) {
        return client
            .get_user(org, arg)
            .await
            .map(|user| (user, None))
            .map_err(|e| {
                if e.status() == Some(404) {
                    not_found()
                } else {
                    e.into()
                }
            });
    }
    let spinner = output::Spinner::start("Looking up the user…");
    let users = client.list_all_users(org).await?;
    drop(spinner);
    let user = users
        .iter()
        .find(|u| same_email(&u.username, arg))
        .cloned()
        .ok_or_else(not_found)?;
    Ok((user, Some(users)))
}

/// One row per member for a pick-list: email, name, the role that matters here (`-` for
/// none), status.
pub fn rows(users: &[User], role: impl Fn(&User) -> Option<&str>) -> Vec<Vec<String>> {
    users
        .iter()
        .map(|u| {
            vec![
                u.username.clone(),
                u.full_name.clone(),
                role(u).unwrap_or("-").to_owned(),
                u.status.clone(),
            ]
        })
        .collect()
}

/// A pick-list of members (rows from [`rows`]): emails and names are cut before roles.
pub fn pick_list<'a>(prompt: &'a str, rows: &'a [Vec<String>]) -> PickList<'a> {
    PickList {
        prompt,
        rows,
        default: 0,
        noun: ("member", "members"),
        cut_first: &[true, true],
    }
}

/// A user ID: 25 characters, `c` and 24 of `[0-9a-z]`.
pub fn is_cuid(s: &str) -> bool {
    s.len() == 25
        && s.starts_with('c')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// A plausible email address: what the API would accept, checked before anything is sent.
pub fn check_email(s: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{}` is not a valid email address: {why}", echo(s)));
    if s.is_empty() {
        return Err("an email address is required".into());
    }
    if s.len() > 254 {
        return bad("longer than 254 characters");
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad("it contains spaces");
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return bad("it has no @");
    };
    if local.is_empty() || local.contains('@') {
        return bad("the part before @ is empty or has another @");
    }
    if !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || domain.contains("..")
    {
        return bad("the domain is not a valid host name");
    }
    Ok(())
}

/// How a user is named in messages: `email (Full Name)`.
pub fn describe(user: &User) -> String {
    if user.full_name.trim().is_empty() {
        user.username.clone()
    } else {
        format!("{} ({})", user.username, user.full_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuids() {
        assert!(is_cuid("clm9sq6s0000008kz7uvl7yz7"));
        assert!(!is_cuid("Clm9sq6s0000008kz7uvl7yz7"));
        assert!(!is_cuid("clm9sq6s0000008kz7uvl7yz"));
        assert!(!is_cuid("grace@example.com"));
    }

    #[test]
    fn emails() {
        assert!(check_email("grace@example.com").is_ok());
        assert!(check_email("Katherine.Johnson+x@Example.co.uk").is_ok());
        for bad in [
            "", "grace", "grace@", "@x.io", "a b@x.io", "a@x", "a@x..io", "a@.x.io",
        ] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
        assert!(check_email(&format!("{}@x.io", "a".repeat(300))).is_err());
    }
}
