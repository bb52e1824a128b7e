//! The prompts on a real terminal: keys from stdin (held in raw mode for the whole prompt, so
//! a key typed while a frame is being drawn is neither echoed nor turned into a signal), frames
//! drawn on stderr, sized to the terminal on every redraw.

use std::io::{self, IsTerminal, Write};

use console::Term;

use super::frame::{Painter, summary};
use super::widgets::{Confirm, Input, Pick, Select, Step, Widget};
use super::{PickList, Prompter};
use crate::error::CliError;

/// Prompts on the terminal: drawn on stderr, keys read from stdin.
pub struct TerminalPrompter {
    _private: (),
}

impl TerminalPrompter {
    pub fn new() -> Self {
        Self { _private: () }
    }
}

impl Default for TerminalPrompter {
    fn default() -> Self {
        Self::new()
    }
}

impl Prompter for TerminalPrompter {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<usize, CliError> {
        run(Select::new(prompt, items, default))
    }

    fn pick(&mut self, list: &PickList<'_>) -> Result<usize, CliError> {
        run(Pick::new(list))
    }

    fn input(
        &mut self,
        prompt: &str,
        validate: &dyn Fn(&str) -> Result<(), String>,
    ) -> Result<String, CliError> {
        run(Input::new(prompt, validate))
    }

    fn confirm(&mut self, prompt: &str) -> Result<bool, CliError> {
        run(Confirm::new(prompt))
    }
}

/// Colour only on a terminal, and not when `NO_COLOR` is set (to anything but empty).
fn colour() -> bool {
    io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

/// Shows `widget` until it is answered or cancelled.
fn run<W: Widget>(mut widget: W) -> Result<W::Output, CliError> {
    let term = Term::stderr();
    let mut screen = Screen::open(colour());
    loop {
        let (rows, columns) = term.size();
        // One column spare: a line that fills the last column would leave some terminals
        // waiting to wrap, and a width misjudged by one would wrap for real.
        let width = usize::from(columns).saturating_sub(1).max(1);
        let frame = widget.frame(width, usize::from(rows));
        screen.write(|p, colour| p.paint(&frame, colour))?;
        let key = term
            .read_key_raw()
            .map_err(|e| CliError::failure(format!("cannot read from the terminal: {e}")))?;
        match widget.key(key) {
            Step::Continue => {}
            Step::Cancel => {
                screen.write(|p, _| p.cancel())?;
                return Err(CliError::interrupted());
            }
            Step::Done(value, answer) => {
                let line = summary(widget.prompt(), &answer, width);
                screen.write(|p, colour| p.finish(&line, colour))?;
                return Ok(value);
            }
        }
    }
}

/// The terminal while a prompt is on it. Dropping it (on any way out, errors included) takes
/// an unfinished frame away, shows the cursor and gives the terminal its mode back.
struct Screen {
    painter: Painter,
    colour: bool,
    _raw: Option<RawMode>,
}

impl Screen {
    fn open(colour: bool) -> Self {
        Self {
            painter: Painter::default(),
            colour,
            _raw: RawMode::enter(),
        }
    }

    fn write(&mut self, draw: impl FnOnce(&mut Painter, bool) -> String) -> Result<(), CliError> {
        let out = draw(&mut self.painter, self.colour);
        let mut stderr = io::stderr().lock();
        stderr
            .write_all(out.as_bytes())
            .and_then(|()| stderr.flush())
            .map_err(|e| CliError::failure(format!("cannot write to the terminal: {e}")))
    }
}

impl Drop for Screen {
    fn drop(&mut self) {
        let out = self.painter.cancel();
        let mut stderr = io::stderr().lock();
        let _ = stderr.write_all(out.as_bytes());
        let _ = stderr.flush();
    }
}

/// The terminal in raw mode (no echo, no line buffering, Ctrl-C a key rather than a signal)
/// until dropped. Output processing stays as it was.
#[cfg(unix)]
struct RawMode {
    original: rustix::termios::Termios,
}

#[cfg(unix)]
impl RawMode {
    fn enter() -> Option<Self> {
        use rustix::termios::{OptionalActions, tcgetattr, tcsetattr};
        let stdin = io::stdin();
        let original = tcgetattr(&stdin).ok()?;
        let mut raw = original.clone();
        raw.make_raw();
        raw.output_modes = original.output_modes;
        tcsetattr(&stdin, OptionalActions::Drain, &raw).ok()?;
        Some(Self { original })
    }
}

#[cfg(unix)]
impl Drop for RawMode {
    fn drop(&mut self) {
        use rustix::termios::{OptionalActions, tcsetattr};
        let _ = tcsetattr(io::stdin(), OptionalActions::Drain, &self.original);
    }
}

/// Elsewhere the console crate puts the terminal in raw mode for each key.
#[cfg(not(unix))]
struct RawMode;

#[cfg(not(unix))]
impl RawMode {
    fn enter() -> Option<Self> {
        Some(Self)
    }
}
