//! The Workspace a command acts on as an object (`workspace update`, `workspace delete`, and the
//! pick-list of `workspace switch`): named on the line (the argument, or `--workspace-id`), or
//! picked from a list on a terminal. Unlike the Workspace a command works *in* (`workspaces`),
//! it is never taken from the API token or the config file without the user choosing it.

use crate::api::{Client, Workspace};
use crate::context::Ctx;
use crate::env_vars;
use crate::error::{CliError, echo};
use crate::output;
use crate::prompt::{PickList, Prompter};

/// Where the Workspace may come from besides the argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Also {
    /// `--workspace-id` or `ASTRO_WORKSPACE_ID`.
    FlagOrEnv,
    /// `--workspace-id` only: a standing environment variable must not choose what to destroy.
    FlagOnly,
}

/// The Workspace named on the line and where it came from, before any request. The argument
/// and `--workspace-id` together are refused unless they say the same; `ASTRO_WORKSPACE_ID` is
/// a default the argument overrides.
pub fn named(
    ctx: &Ctx,
    arg: Option<&str>,
    also: Also,
) -> Result<Option<(String, &'static str)>, CliError> {
    let option = ctx.workspace_option();
    let flag = option.filter(|(_, source)| *source != env_vars::WORKSPACE_ID);
    if let (Some(arg), Some((flag, _))) = (arg, flag)
        && arg != flag
    {
        return Err(CliError::usage(format!(
            "two Workspaces named: `{}` (the argument) and `{}` (--workspace-id)",
            echo(arg),
            echo(flag)
        ))
        .with_hint("name the Workspace once"));
    }
    Ok(match (arg, option) {
        (Some(arg), _) => Some((arg.to_owned(), "the argument")),
        (None, Some((ws, source)))
            if also == Also::FlagOrEnv || source != env_vars::WORKSPACE_ID =>
        {
            Some((ws.to_owned(), source))
        }
        (None, _) => None,
    })
}

/// Every Workspace of the Organization, with a spinner on a terminal.
pub async fn list(client: &Client, org: &str) -> Result<Vec<Workspace>, CliError> {
    let spinner = output::Spinner::start("Listing the Workspaces…");
    let workspaces = client.list_all_workspaces(org).await?;
    drop(spinner);
    Ok(workspaces)
}

/// Asks for one of `workspaces` (name, ID, `(current)` beside `current`), starting on the
/// current one when `start_on_current`, else on the first. Exit 3 when there are none.
pub fn pick(
    prompter: &mut dyn Prompter,
    prompt: &str,
    workspaces: &[Workspace],
    current: Option<&str>,
    start_on_current: bool,
) -> Result<usize, CliError> {
    if workspaces.is_empty() {
        return Err(CliError::not_found("the Organization has no Workspaces")
            .with_hint("create one with `astro workspace create`"));
    }
    let is_current = |w: &Workspace| current == Some(w.id.as_str());
    let rows: Vec<Vec<String>> = workspaces
        .iter()
        .map(|w| {
            vec![
                w.name.clone(),
                w.id.clone(),
                if is_current(w) { "(current)" } else { "" }.to_owned(),
            ]
        })
        .collect();
    let default = if start_on_current {
        workspaces.iter().position(is_current).unwrap_or(0)
    } else {
        0
    };
    prompter.pick(&PickList {
        prompt,
        rows: &rows,
        default,
        noun: ("Workspace", "Workspaces"),
        cut_first: &[true],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(id: &str, name: &str) -> Workspace {
        Workspace {
            id: id.into(),
            name: name.into(),
            description: None,
            cicd_enforced_default: false,
        }
    }

    #[test]
    fn a_missing_workspace_names_the_organization_and_the_source() {
        let all = [ws("c1", "Data Platform")];
        let err = crate::workspaces::find_in(&all, "corg", "Sandbox", "the argument").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::NotFound);
        assert_eq!(
            err.message,
            "no Workspace `Sandbox` in Organization `corg` (from the argument)"
        );
        assert_eq!(
            err.hint.as_deref(),
            Some("run `astro workspace list` to see them")
        );
        assert_eq!(
            crate::workspaces::find_in(&all, "corg", "data platform", "x")
                .unwrap()
                .id,
            "c1"
        );
    }

    #[test]
    fn the_pick_list_marks_the_current_one_and_may_start_on_it() {
        use crate::prompt::scripted::{Answer, ScriptedPrompter};
        let all = [ws("c1", "Data Platform"), ws("c2", "Analytics")];
        let mut prompter = ScriptedPrompter::new([Answer::Choose("Analytics")]);
        let asked = prompter.asked.clone();
        assert_eq!(
            pick(&mut prompter, "Workspace", &all, Some("c2"), true).unwrap(),
            1
        );
        assert_eq!(asked.borrow()[0].1[1], "Analytics  c2  (current)");
        let err = pick(&mut prompter, "Workspace", &[], None, false).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::NotFound);
    }
}
