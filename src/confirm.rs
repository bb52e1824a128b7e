//! Confirming a destructive command (`remove`, `delete`, `rotate`, `cancel`): on a terminal it asks
//! `… ? [y/N]` unless `--force`; off a terminal without `--force` it refuses at once, before any
//! request, naming `--force`. A dry run needs neither: it sends nothing.

use crate::context::Ctx;
use crate::error::CliError;

/// Checked first, before any request: off a terminal, a destructive command needs `--force`.
/// `action` says what needs confirming: "removing a member", "deleting a Workspace".
pub fn can_confirm(ctx: &Ctx, force: bool, dry_run: bool, action: &str) -> Result<(), CliError> {
    if ctx.prompter.is_none() && !force && !dry_run {
        let verb = action.split_whitespace().next().unwrap_or("do it");
        let bare = verb.strip_suffix("ing").unwrap_or(verb);
        return Err(CliError::usage(format!(
            "{action} needs a confirmation, and there is no terminal to ask"
        ))
        .with_hint(format!(
            "pass --force to {} without asking",
            infinitive(bare)
        )));
    }
    Ok(())
}

/// Asks `question` (without `[y/N]`) on the terminal unless `force`; no is exit 1 with nothing
/// sent. Off a terminal it goes ahead only with `force` (see [`can_confirm`]).
pub fn ask(ctx: &mut Ctx, force: bool, question: &str) -> Result<(), CliError> {
    if force {
        return Ok(());
    }
    let Some(prompter) = ctx.prompter.as_mut() else {
        return Err(CliError::usage("there is no terminal to confirm on")
            .with_hint("pass --force to go ahead without asking"));
    };
    if prompter.confirm(question)? {
        Ok(())
    } else {
        Err(CliError::failure("not confirmed; nothing was sent"))
    }
}

/// `remov` → `remove`, `delet` → `delete`, `rotat` → `rotate`, `cancell` → `cancel`.
fn infinitive(stem: &str) -> String {
    if let Some(single) = stem.strip_suffix("ell") {
        format!("{single}el")
    } else if stem.ends_with(['v', 't', 'c', 'z']) {
        format!("{stem}e")
    } else {
        stem.to_owned()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn verbs_come_back_whole() {
        assert_eq!(super::infinitive("remov"), "remove");
        assert_eq!(super::infinitive("delet"), "delete");
        assert_eq!(super::infinitive("rotat"), "rotate");
        assert_eq!(super::infinitive("add"), "add");
        assert_eq!(super::infinitive("cancell"), "cancel");
    }
}
