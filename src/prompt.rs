//! The one interface for asking the user something. Prompts happen only when stdin and stderr
//! are terminals and input is not disabled; otherwise commands get no [`Prompter`] and fail at
//! once naming the flag that answers the question.

use std::io::IsTerminal;

use dialoguer::console::Term;
use dialoguer::theme::ColorfulTheme;
use dialoguer::{FuzzySelect, Input, Select};

use crate::error::CliError;

pub trait Prompter {
    /// Picks one of `items`, starting at `default`.
    fn select(&mut self, prompt: &str, items: &[String], default: usize)
    -> Result<usize, CliError>;
    /// Picks one of `items`, narrowing the list as the user types.
    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize, CliError>;
    /// Reads a line that `validate` accepts.
    fn input(
        &mut self,
        prompt: &str,
        validate: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, CliError>;
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

    fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize, CliError> {
        FuzzySelect::with_theme(&self.theme)
            .with_prompt(prompt)
            .items(items)
            .default(0)
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

        fn fuzzy_select(&mut self, prompt: &str, items: &[String]) -> Result<usize, CliError> {
            self.choose(prompt, items)
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
