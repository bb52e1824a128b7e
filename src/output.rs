//! The only module that writes to the terminal. Data goes to stdout (lines, tables, or one JSON
//! document); everything for people (notes, errors, hints, the spinner) goes to stderr. A
//! closed stdout (`astro … | head`) ends the run quietly with success.

use std::io::{self, IsTerminal, Write};
use std::sync::Mutex;

use serde::Serialize;

use crate::error::{CliError, Exit};

fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| {
            if e.kind() == io::ErrorKind::BrokenPipe {
                CliError::new(Exit::Success, "")
            } else {
                CliError::failure(format!("cannot write to standard output: {e}"))
            }
        })
}

/// Raw bytes for stdout (a file's content streamed there), flushed as they come.
pub fn bytes(data: &[u8]) -> Result<(), CliError> {
    let mut out = io::stdout().lock();
    out.write_all(data).and_then(|()| out.flush()).map_err(|e| {
        if e.kind() == io::ErrorKind::BrokenPipe {
            CliError::new(Exit::Success, "")
        } else {
            CliError::failure(format!("cannot write to standard output: {e}"))
        }
    })
}

/// Whether stdout is a terminal (where binary data must not go).
pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

/// Data for stdout: text that already ends with a newline where it should.
pub fn data(text: &str) -> Result<(), CliError> {
    write_stdout(text)
}

/// The error for a value that cannot be written as JSON.
pub(crate) fn cannot_render(e: serde_json::Error) -> CliError {
    CliError::failure(format!("cannot render JSON: {e}"))
}

/// One JSON document on stdout: two-space indent, no HTML escaping, a trailing newline.
pub fn json(value: &impl Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value).map_err(cannot_render)?;
    text.push('\n');
    write_stdout(&text)
}

/// One JSON document on one line (`--compact`, NDJSON rows).
pub fn json_line(value: &impl Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string(value).map_err(cannot_render)?;
    text.push('\n');
    write_stdout(&text)
}

/// The spinner on screen, if any: lines for people are written around it, never through it.
static SPINNER: Mutex<Option<Shown>> = Mutex::new(None);

/// What the spinner line shows: its message and which frame it is at.
struct Shown {
    message: String,
    frame: usize,
}

const FRAMES: [char; 8] = ['⠁', '⠂', '⠄', '⡀', '⢀', '⠠', '⠐', '⠈'];

impl Shown {
    /// Draws the line over whatever the spinner drew before, cut to the terminal's width (a
    /// wrapped line could not be taken back).
    fn draw(&self, stderr: &mut impl Write) {
        let columns = console::Term::stderr()
            .size_checked()
            .map_or(80, |(_, columns)| usize::from(columns).saturating_sub(1));
        let frame = FRAMES[self.frame % FRAMES.len()];
        let line = crate::text::truncate(&format!("{frame} {}", self.message), columns);
        let _ = write!(stderr, "\r\x1b[2K{line}");
        let _ = stderr.flush();
    }
}

/// Takes the spinner line off the screen (the cursor back at its start).
fn erase(stderr: &mut impl Write) {
    let _ = write!(stderr, "\r\x1b[2K");
    let _ = stderr.flush();
}

/// Writes to stderr with the spinner (if one is showing) cleared first and redrawn after, so no
/// half-drawn spinner line is ever left behind.
fn to_stderr(write: impl FnOnce(&mut io::StderrLock<'_>)) {
    let shown = SPINNER.lock();
    let mut stderr = io::stderr().lock();
    match shown.as_deref() {
        Ok(Some(spinner)) => {
            erase(&mut stderr);
            write(&mut stderr);
            spinner.draw(&mut stderr);
        }
        _ => write(&mut stderr),
    }
}

/// A message for people, on stderr.
pub fn note(text: &str) {
    let text = clean(text);
    to_stderr(|stderr| {
        let _ = writeln!(stderr, "{text}");
    });
}

/// A line for people on stdout (a command's result in words), cleaned of control characters.
pub fn line(text: &str) -> Result<(), CliError> {
    write_stdout(&format!("{}\n", clean(text)))
}

/// The error and its hint, one line each, on stderr. A quiet success (broken pipe) prints nothing.
pub fn error(err: &CliError) {
    if err.exit == Exit::Success || err.message.is_empty() {
        return;
    }
    clear_spinner();
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", one_line(&err.message));
    if let Some(hint) = &err.hint {
        let _ = writeln!(stderr, "hint: {}", one_line(hint));
    }
}

fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

pub use crate::text::clean;

/// A table for stdout. On a terminal: aligned columns cut to the terminal's width, and a count
/// on stderr (`308 members`). Elsewhere: tab-separated cells without padding, so `cut -f` and
/// `awk -F'\t'` work. No rows: nothing on stdout, `no members match` on stderr.
pub struct Table<'a> {
    pub header: &'a [&'a str],
    /// Columns (by header) that are cut first when a terminal is too narrow: names, emails,
    /// messages. The others (IDs, roles, dates) stay whole while they can.
    pub cut_first: &'a [&'a str],
    /// Columns (by header) left out, first to last, rather than cut the others, on a terminal
    /// too narrow for all (the count line says which).
    pub drop_first: &'a [&'a str],
    pub rows: Vec<Vec<String>>,
    /// What one row is: singular and plural.
    pub noun: (&'a str, &'a str),
    /// Whether to print the header line (`--no-headers` turns it off).
    pub headers: bool,
}

impl Table<'_> {
    pub fn print(self) -> Result<(), CliError> {
        if self.rows.is_empty() {
            note(&format!("no {} match", self.noun.1));
            return Ok(());
        }
        let terminal = io::stdout().is_terminal();
        let count = self.rows.len();
        let mut rows: Vec<Vec<String>> = Vec::with_capacity(count + 1);
        if self.headers {
            rows.push(self.header.iter().map(|h| (*h).to_owned()).collect());
        }
        rows.extend(
            self.rows
                .iter()
                .map(|row| row.iter().map(|c| crate::text::cell(c)).collect()),
        );
        let mut left_out = Vec::new();
        let lines = match terminal_width().filter(|_| terminal) {
            Some(width) => {
                let cut: Vec<bool> = self
                    .header
                    .iter()
                    .map(|h| self.cut_first.contains(h))
                    .collect();
                let drop: Vec<usize> = self
                    .drop_first
                    .iter()
                    .filter_map(|d| self.header.iter().position(|h| h == d))
                    .collect();
                let how = crate::text::Fit {
                    cut_first: &cut,
                    drop_order: &drop,
                };
                let (lines, dropped) = crate::text::fit(&rows, 3, width, how);
                left_out = dropped.iter().map(|&c| self.header[c]).collect();
                lines
            }
            None if terminal => crate::text::align(&rows, 3, None),
            None => rows.iter().map(|row| row.join("\t")).collect(),
        };
        let mut text = lines.join("\n");
        text.push('\n');
        write_stdout(&text)?;
        if terminal && io::stderr().is_terminal() {
            let count = crate::text::count(count, self.noun.0, self.noun.1);
            if left_out.is_empty() {
                note(&count);
            } else {
                note(&format!(
                    "{count}; {} left out (--json shows all)",
                    left_out.join(", ")
                ));
            }
        }
        Ok(())
    }
}

/// The width to fill when stdout is a terminal, for output laid out by the command itself
/// (`None` when stdout is not a terminal: nothing is cut).
pub fn stdout_width() -> Option<usize> {
    terminal_width().filter(|_| io::stdout().is_terminal())
}

/// The width to fill on the terminal stdout is on (`None` when it is not one): one column less
/// than it has, so no line ever reaches the last column (some terminals wrap there).
fn terminal_width() -> Option<usize> {
    console::Term::stdout()
        .size_checked()
        .map(|(_, columns)| usize::from(columns).saturating_sub(1))
        .filter(|&c| c > 0)
}

/// A spinner on stderr for work that takes longer than a moment. It appears only after 300 ms,
/// only when stderr is a terminal, and never under CI (`CI` set) or a dumb terminal; it clears
/// itself when dropped. Elsewhere it does nothing. It turns while the run waits (a task on the
/// run's runtime), which is when there is something to wait for.
pub struct Spinner {
    message: std::sync::Arc<Mutex<String>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Spinner {
    pub fn start(message: impl Into<String>) -> Self {
        let message = std::sync::Arc::new(Mutex::new(clean(&message.into())));
        let task = spinner_enabled().then(|| {
            let message = message.clone();
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                for frame in 0.. {
                    let text = message.lock().map(|m| m.clone()).unwrap_or_default();
                    if let Ok(mut shown) = SPINNER.lock() {
                        let spinner = Shown {
                            message: text,
                            frame,
                        };
                        spinner.draw(&mut io::stderr().lock());
                        *shown = Some(spinner);
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            })
        });
        Self { message, task }
    }

    pub fn set_message(&self, text: impl Into<String>) {
        if let Ok(mut message) = self.message.lock() {
            *message = clean(&text.into());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        clear_spinner();
    }
}

/// Takes the spinner off the screen for good (the run is ending, or its work is done).
fn clear_spinner() {
    if let Ok(mut shown) = SPINNER.lock()
        && shown.take().is_some()
    {
        erase(&mut io::stderr().lock());
    }
}

fn spinner_enabled() -> bool {
    use crate::env_vars;
    let ci = env_vars::get(env_vars::CI).is_some_and(|v| v != "false" && v != "0");
    let dumb = env_vars::get(env_vars::TERM).is_some_and(|t| t == "dumb");
    io::stderr().is_terminal() && !ci && !dumb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_folded_to_one_line() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
    }

    #[test]
    fn escape_sequences_cannot_reach_the_terminal() {
        assert_eq!(
            clean("Ada\u{1b}]0;pwned\u{7}"),
            "Ada\u{fffd}]0;pwned\u{fffd}"
        );
    }
}
