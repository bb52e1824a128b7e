//! The one place that decides exit codes: every failure becomes a [`CliError`] with a
//! documented [`Exit`] code, a one-line message and, where there is a next step, a hint.

use std::fmt;

use crate::api::ApiError;

/// The documented exit codes (see the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success = 0,
    Failure = 1,
    Usage = 2,
    NotFound = 3,
    Auth = 4,
    /// `access plan --exit-code`: the Organization differs from the file (not a failure).
    Changes = 10,
    Interrupted = 130,
}

/// A failure as the user sees it.
#[derive(Debug)]
pub struct CliError {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
}

impl CliError {
    pub fn new(exit: Exit, message: impl Into<String>) -> Self {
        Self {
            exit,
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Exit::Usage, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Exit::NotFound, message)
    }

    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(Exit::Auth, message)
    }

    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Exit::Failure, message)
    }

    pub fn interrupted() -> Self {
        Self::new(Exit::Interrupted, "interrupted")
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// A missing answer that could only have come from a prompt: name the flag that answers it.
    pub fn missing(what: &str, flag: &str) -> Self {
        Self::usage(format!("{what} is required when not running interactively"))
            .with_hint(format!("pass {flag}"))
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A value the user gave, for quoting in a message: cut to a readable length.
pub fn echo(value: &str) -> String {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        let head: String = value.chars().take(MAX).collect();
        format!("{head}… ({} characters)", value.chars().count())
    }
}

/// The hint of a 403, made specific by the command layer when it knows the Organization.
pub const FORBIDDEN_HINT: &str =
    "check that the token belongs to this Organization and may manage its users";

const LOGIN_HINT: &str = "set ASTRO_API_TOKEN to an Astro API token, or run `astro login`";

impl From<ApiError> for CliError {
    fn from(err: ApiError) -> Self {
        let message = err.to_string();
        match err.status() {
            Some(401) => CliError::auth(message).with_hint(LOGIN_HINT),
            Some(403) => CliError::auth(message).with_hint(FORBIDDEN_HINT),
            Some(404) => CliError::not_found(message),
            Some(429) => CliError::failure(message)
                .with_hint("the Astro API is limiting requests; wait a moment and run it again"),
            _ => CliError::failure(message),
        }
    }
}

/// Whether an argument parse error should go to stdout (help, version) and exit 0.
pub fn clap_exit(err: &clap::Error) -> Exit {
    if err.use_stderr() {
        Exit::Usage
    } else {
        Exit::Success
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn long_values_are_cut_when_echoed() {
        assert_eq!(super::echo("short"), "short");
        let long = "x".repeat(1000);
        let echoed = super::echo(&long);
        assert!(
            echoed.len() < 120 && echoed.ends_with("(1000 characters)"),
            "{echoed}"
        );
    }
}
