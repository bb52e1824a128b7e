//! The one interface for asking the user something. Prompts happen only when stdin and stderr
//! are terminals and input is not disabled; otherwise commands get no [`Prompter`] and fail at
//! once naming the flag that answers the question.
//!
//! On a terminal the prompts are drawn on stderr by [`TerminalPrompter`]: every line cut to the
//! terminal's width (so redraws are exact), server text cleaned, Esc or Ctrl-C cancelling any
//! of them (exit 130), and one `✔ prompt · answer` line left behind after an answer. The pure
//! parts (ranking, windows, frames, key handling) are in submodules with their own tests.

use std::io::IsTerminal;

use crate::error::CliError;

mod frame;
mod rank;
mod terminal;
mod widgets;

pub use terminal::TerminalPrompter;

/// A list to pick one row from, narrowing it by typing.
#[derive(Debug, Clone, Copy)]
pub struct PickList<'a> {
    pub prompt: &'a str,
    /// Rows of cells, as they came from the server: the prompter cleans, aligns and cuts them.
    pub rows: &'a [Vec<String>],
    /// The row the cursor starts on.
    pub default: usize,
    /// What one row is, for the count (`306 members`): singular and plural.
    pub noun: (&'a str, &'a str),
    /// Columns cut first on a narrow terminal (names, emails), so the others (roles, statuses,
    /// IDs) stay readable; missing entries count as false.
    pub cut_first: &'a [bool],
}

pub trait Prompter {
    /// Picks one of a few `items` (roles), starting at `default`.
    fn select(&mut self, prompt: &str, items: &[String], default: usize)
    -> Result<usize, CliError>;
    /// Picks one row of a long list, narrowing it as the user types.
    fn pick(&mut self, list: &PickList<'_>) -> Result<usize, CliError>;
    /// Reads a line that `validate` accepts.
    fn input(
        &mut self,
        prompt: &str,
        validate: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, CliError>;
    /// A yes/no question whose answer is no unless the user says yes.
    fn confirm(&mut self, prompt: &str) -> Result<bool, CliError>;
}

/// Whether prompting is possible and allowed.
pub fn interactive(no_input: bool) -> bool {
    !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Answers prompts from a script, for unit tests of the commands' prompting logic.
#[cfg(test)]
pub mod scripted {
    use std::cell::RefCell;
    use std::collections::VecDeque;
    use std::rc::Rc;

    use super::*;

    #[derive(Debug, Clone)]
    pub enum Answer {
        /// Choose the item whose text contains this.
        Choose(&'static str),
        Text(&'static str),
        Yes,
        No,
    }

    /// Every prompt shown, with its items; shared so a test can read it after handing the
    /// prompter over.
    pub type Asked = Rc<RefCell<Vec<(String, Vec<String>)>>>;

    #[derive(Default)]
    pub struct ScriptedPrompter {
        pub answers: VecDeque<Answer>,
        pub asked: Asked,
    }

    impl ScriptedPrompter {
        pub fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
            Self {
                answers: answers.into_iter().collect(),
                asked: Asked::default(),
            }
        }

        fn choose(&mut self, prompt: &str, items: &[String]) -> Result<usize, CliError> {
            self.asked
                .borrow_mut()
                .push((prompt.to_owned(), items.to_vec()));
            match self.answers.pop_front() {
                Some(Answer::Choose(needle)) => items
                    .iter()
                    .position(|i| i.contains(needle))
                    .ok_or_else(|| CliError::failure(format!("no item contains {needle}"))),
                other => Err(CliError::failure(format!(
                    "unexpected prompt, script had {other:?}"
                ))),
            }
        }
    }

    impl Prompter for ScriptedPrompter {
        fn select(&mut self, prompt: &str, items: &[String], _: usize) -> Result<usize, CliError> {
            self.choose(prompt, items)
        }

        fn pick(&mut self, list: &PickList<'_>) -> Result<usize, CliError> {
            let items: Vec<String> = list.rows.iter().map(|r| r.join("  ")).collect();
            self.choose(list.prompt, &items)
        }

        fn confirm(&mut self, prompt: &str) -> Result<bool, CliError> {
            self.asked
                .borrow_mut()
                .push((prompt.to_owned(), Vec::new()));
            match self.answers.pop_front() {
                Some(Answer::Yes) => Ok(true),
                Some(Answer::No) => Ok(false),
                other => Err(CliError::failure(format!(
                    "unexpected confirmation, script had {other:?}"
                ))),
            }
        }

        fn input(
            &mut self,
            prompt: &str,
            validate: &dyn Fn(&str) -> Result<(), String>,
        ) -> Result<String, CliError> {
            self.asked
                .borrow_mut()
                .push((prompt.to_owned(), Vec::new()));
            match self.answers.pop_front() {
                Some(Answer::Text(text)) => {
                    validate(text).map_err(CliError::usage)?;
                    Ok(text.to_owned())
                }
                other => Err(CliError::failure(format!(
                    "unexpected prompt, script had {other:?}"
                ))),
            }
        }
    }
}
