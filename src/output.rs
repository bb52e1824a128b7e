//! The only module that writes to the terminal. Data goes to stdout (lines, or one JSON
//! document); everything for people (notes, errors, hints) goes to stderr. A closed stdout
//! (`astro … | head`) ends the run quietly with success.

use std::io::{self, Write};

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

/// Data for stdout: text that already ends with a newline where it should.
pub fn data(text: &str) -> Result<(), CliError> {
    write_stdout(text)
}

/// One JSON document on stdout: two-space indent, no HTML escaping, a trailing newline.
pub fn json(value: &impl Serialize) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("cannot render JSON: {e}")))?;
    text.push('\n');
    write_stdout(&text)
}

/// A message for people, on stderr.
pub fn note(text: &str) {
    let _ = writeln!(io::stderr().lock(), "{}", clean(text));
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
    let mut stderr = io::stderr().lock();
    let _ = writeln!(stderr, "error: {}", one_line(&err.message));
    if let Some(hint) = &err.hint {
        let _ = writeln!(stderr, "hint: {}", one_line(hint));
    }
}

fn one_line(text: &str) -> String {
    clean(text).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text for a terminal: control characters (escape sequences a server could send in a name or
/// a message) are replaced, so they cannot drive the terminal. Newlines and tabs stay.
pub fn clean(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Renders rows as left-aligned columns separated by three spaces, header first.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| clean(cell).replace(['\n', '\t'], " "))
                .collect()
        })
        .collect();
    let rows = rows.as_slice();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut push_row = |cells: &mut dyn Iterator<Item = &str>| {
        let mut line = String::new();
        for (i, cell) in cells.enumerate() {
            if i + 1 < widths.len() {
                line.push_str(cell);
                line.extend(std::iter::repeat_n(
                    ' ',
                    widths[i] - cell.chars().count() + 3,
                ));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    };
    push_row(&mut header.iter().copied());
    for row in rows {
        push_row(&mut row.iter().map(String::as_str));
    }
    out
}

/// A spinner on stderr for work that takes longer than a moment. It appears only after 300 ms,
/// only when stderr is a terminal, and never under CI (`CI` set) or a dumb terminal; it clears
/// itself when dropped. Elsewhere it does nothing.
pub struct Spinner {
    bar: std::sync::Arc<std::sync::Mutex<Option<indicatif::ProgressBar>>>,
    message: std::sync::Arc<std::sync::Mutex<String>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Spinner {
    pub fn start(message: impl Into<String>) -> Self {
        let bar = std::sync::Arc::new(std::sync::Mutex::new(None));
        let message = std::sync::Arc::new(std::sync::Mutex::new(message.into()));
        let task = spinner_enabled().then(|| {
            let (bar, message) = (bar.clone(), message.clone());
            tokio::spawn(async move {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                let spinner = indicatif::ProgressBar::new_spinner()
                    .with_style(indicatif::ProgressStyle::default_spinner());
                spinner.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                spinner.set_message(message.lock().map(|m| m.clone()).unwrap_or_default());
                spinner.enable_steady_tick(std::time::Duration::from_millis(100));
                if let Ok(mut slot) = bar.lock() {
                    *slot = Some(spinner);
                }
            })
        });
        Self { bar, message, task }
    }

    pub fn set_message(&self, text: impl Into<String>) {
        let text = text.into();
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.set_message(text.clone());
        }
        if let Ok(mut message) = self.message.lock() {
            *message = text;
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}

fn spinner_enabled() -> bool {
    use std::io::IsTerminal;
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    io::stderr().is_terminal() && !ci && !dumb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_columns() {
        let text = table(
            &["NAME", "ID"],
            &[
                vec!["Ada".into(), "c1".into()],
                vec!["Grâce Hopper".into(), "c2".into()],
            ],
        );
        assert_eq!(
            text,
            "NAME           ID\nAda            c1\nGrâce Hopper   c2\n"
        );
    }

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
        let text = table(&["NAME"], &[vec!["x\u{1b}[2J\ny".into()]]);
        assert!(
            !text.contains('\u{1b}') && text.lines().count() == 2,
            "{text:?}"
        );
    }
}
