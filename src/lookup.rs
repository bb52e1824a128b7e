//! Naming an object (a Workspace, Team, token or Deployment) by ID or name, the same way for
//! every kind: its exact ID first, then its exact name, then its name ignoring case when only
//! one object has it. An argument that is one object's ID and another's name, or the name of
//! several: exit 2, listing the matches with their IDs. None: exit 3 with a hint naming the
//! `list` command.

use crate::error::{CliError, echo};

/// Something with an ID and a name.
pub trait Named {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    /// Where it is, when that tells same-named objects apart (a Deployment's Workspace).
    fn place(&self) -> Option<String> {
        None
    }
}

impl Named for crate::api::Workspace {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for crate::api::Team {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for crate::api::Organization {
    fn id(&self) -> &str {
        &self.id
    }
    fn name(&self) -> &str {
        &self.name
    }
}

/// What is being looked for, for messages: `Workspace`, and the command that lists them.
#[derive(Debug, Clone, Copy)]
pub struct Kind {
    pub noun: &'static str,
    pub list_command: &'static str,
}

pub const WORKSPACE: Kind = Kind {
    noun: "Workspace",
    list_command: "astro workspace list",
};

pub const ORGANIZATION: Kind = Kind {
    noun: "Organization",
    list_command: "astro organization list",
};

pub const TEAM: Kind = Kind {
    noun: "Team",
    list_command: "astro organization team list",
};

/// The one item `arg` names among `items`.
pub fn find<'a, T: Named>(items: &'a [T], arg: &str, kind: Kind) -> Result<&'a T, CliError> {
    let by_id: Vec<&T> = items.iter().filter(|i| i.id() == arg).collect();
    let exact: Vec<&T> = items.iter().filter(|i| i.name() == arg).collect();
    let matches: Vec<&T> = match (by_id.as_slice(), exact.as_slice()) {
        ([one], []) => vec![*one],
        ([one], names) if names.iter().all(|n| n.id() == one.id()) => vec![*one],
        ([one], names) => std::iter::once(*one).chain(names.iter().copied()).collect(),
        ([], []) => {
            let folded = arg.to_lowercase();
            items
                .iter()
                .filter(|i| i.name().to_lowercase() == folded)
                .collect()
        }
        (_, names) => names.to_vec(),
    };
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(
            CliError::not_found(format!("no {} `{}`", kind.noun, echo(arg)))
                .with_hint(format!("run `{}` to see them", kind.list_command)),
        ),
        several => Err(ambiguous(several, arg, kind)),
    }
}

fn ambiguous<T: Named>(matches: &[&T], arg: &str, kind: Kind) -> CliError {
    let listed: Vec<String> = matches
        .iter()
        .map(|m| match m.place() {
            Some(place) => format!(
                "{} (`{}`, in {})",
                crate::text::cell(m.name()),
                m.id(),
                crate::text::cell(&place)
            ),
            None => format!("{} (`{}`)", crate::text::cell(m.name()), m.id()),
        })
        .collect();
    CliError::usage(format!(
        "`{}` names {} {}s: {}",
        echo(arg),
        matches.len(),
        kind.noun,
        listed.join(", ")
    ))
    .with_hint(format!("pass the ID of the {} you mean", kind.noun))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Item(&'static str, &'static str);

    impl Named for Item {
        fn id(&self) -> &str {
            self.0
        }
        fn name(&self) -> &str {
            self.1
        }
    }

    fn items() -> Vec<Item> {
        vec![
            Item("c1", "Data Platform"),
            Item("c2", "Analytics"),
            Item("c3", "analytics"),
            Item("c4", "Ops, EU"),
            Item("c5", "c1"),
        ]
    }

    #[test]
    fn by_id_then_exact_name_then_unique_name_ignoring_case() {
        let items = items();
        assert_eq!(find(&items, "c2", WORKSPACE).unwrap().0, "c2");
        assert_eq!(find(&items, "Analytics", WORKSPACE).unwrap().0, "c2");
        assert_eq!(find(&items, "analytics", WORKSPACE).unwrap().0, "c3");
        assert_eq!(find(&items, "data platform", WORKSPACE).unwrap().0, "c1");
        assert_eq!(find(&items, "Ops, EU", WORKSPACE).unwrap().0, "c4");
    }

    #[test]
    fn several_matches_are_exit_2_listing_them_with_ids() {
        let items = items();
        let err = find(&items, "ANALYTICS", WORKSPACE).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.message.contains("Analytics (`c2`), analytics (`c3`)"),
            "{}",
            err.message
        );
        // One object's ID and another's name.
        let err = find(&items, "c1", WORKSPACE).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(
            err.message.contains("`c1` names 2 Workspaces"),
            "{}",
            err.message
        );
    }

    #[test]
    fn none_is_exit_3_naming_the_list_command() {
        let err = find(&items(), "Nope", WORKSPACE).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::NotFound);
        assert_eq!(
            err.hint.as_deref(),
            Some("run `astro workspace list` to see them")
        );
    }
}
