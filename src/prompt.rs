//! The one interface for asking the user something. Prompts happen only when stdin and stderr
//! are terminals and input is not disabled; otherwise commands get no [`Prompter`] and fail at
//! once naming the flag that answers the question.

use std::io::IsTerminal;

use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, FuzzySelect, Input, Select};

use crate::error::CliError;
use crate::text;

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

/// Prompts on the terminal with dialoguer (drawn on stderr).
pub struct TerminalPrompter {
    theme: ColorfulTheme,
}

impl TerminalPrompter {
    pub fn new() -> Self {
        Self {
            theme: ColorfulTheme::default(),
        }
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

fn prompt_error(err: dialoguer::Error) -> CliError {
    // A prompt interrupted with Ctrl-C leaves the cursor hidden.
    let _ = Term::stderr().show_cursor();
    let dialoguer::Error::IO(io) = err;
    if io.kind() == std::io::ErrorKind::Interrupted {
        CliError::interrupted()
    } else {
        CliError::failure(format!("cannot read from the terminal: {io}"))
    }
}

impl Prompter for TerminalPrompter {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<usize, CliError> {
        Select::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact_on(&Term::stderr())
            .map_err(prompt_error)
    }

    fn pick(&mut self, list: &PickList<'_>) -> Result<usize, CliError> {
        let rows: Vec<Vec<String>> = list
            .rows
            .iter()
            .map(|r| r.iter().map(|c| text::cell(c)).collect())
            .collect();
        let items = text::align(&rows, 2, None);
        FuzzySelect::with_theme(&self.theme)
            .with_prompt(format!(
                "{} ({})",
                list.prompt,
                text::count(rows.len(), list.noun.0, list.noun.1)
            ))
            .items(&items)
            .default(list.default)
            .max_length(15)
            .interact_on(&Term::stderr())
            .map_err(prompt_error)
    }

    fn input(
        &mut self,
        prompt: &str,
        validate: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, CliError> {
        Input::<String>::with_theme(&self.theme)
            .with_prompt(prompt)
            .validate_with(|text: &String| validate(text.trim()))
            .interact_text_on(&Term::stderr())
            .map(|s| s.trim().to_owned())
            .map_err(prompt_error)
    }

    fn confirm(&mut self, prompt: &str) -> Result<bool, CliError> {
        Confirm::with_theme(&self.theme)
            .with_prompt(prompt)
            .default(false)
            .interact_on(&Term::stderr())
            .map_err(prompt_error)
    }
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
