//! A pseudo-terminal of a chosen size with a terminal emulator behind it: the binary runs in
//! the pty (through `sh -c 'stty cols C rows R; exec …'` so it sees that size), every byte it
//! writes is fed to a `vt100` parser, and tests wait for (polling, with a deadline) and read
//! what a person would see: the screen, each row, the scrollback, the cursor.

use std::process::Command;
use std::time::{Duration, Instant};

use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

use crate::common::BIN;

/// How long any one wait may take before the test fails with the screen in the message.
const DEADLINE: Duration = Duration::from_secs(20);
/// Rows of scrollback the emulator keeps.
const SCROLLBACK: usize = 1000;

pub const UP: &str = "\x1b[A";
pub const DOWN: &str = "\x1b[B";
pub const ESC: &str = "\x1b";
pub const CTRL_C: &str = "\x03";
pub const CTRL_U: &str = "\x15";
pub const ENTER: &str = "\r";

/// `astro ARGS` in a `cols`×`rows` terminal, for the caller to add environment to.
pub fn command(cols: u16, rows: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new("sh");
    cmd.arg("-c")
        .arg(format!(r#"stty cols {cols} rows {rows}; exec "$0" "$@""#))
        .arg(BIN)
        .args(args);
    cmd
}

pub struct Screen {
    session: PtySession,
    parser: vt100::Parser,
    /// Every byte the process wrote.
    raw: Vec<u8>,
    cols: u16,
    rows: u16,
}

impl Screen {
    /// Starts `cmd` (from [`command`] with the same size) in a pty.
    pub fn spawn(cmd: Command, cols: u16, rows: u16) -> Self {
        let session =
            spawn_command(cmd, Some(DEADLINE.as_millis() as u64)).expect("spawn in a pty");
        let size = |n: u16| std::num::NonZeroU16::new(n).expect("a size");
        Self {
            session,
            parser: vt100::Parser::new(size(rows), size(cols), SCROLLBACK),
            raw: Vec::new(),
            cols,
            rows,
        }
    }

    /// Feeds what the process has written so far to the emulator.
    fn pump(&mut self) {
        let mut bytes = Vec::new();
        // rexpect hands bytes over as Latin-1 chars.
        while let Some(c) = self.session.try_read() {
            bytes.push(c as u32 as u8);
        }
        self.feed(&bytes);
    }

    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        self.raw.extend_from_slice(bytes);
    }

    /// Waits until `ready` holds for the screen; fails with the screen after the deadline.
    pub fn wait_until(&mut self, what: &str, ready: impl Fn(&Self) -> bool) {
        let start = Instant::now();
        loop {
            self.pump();
            if ready(self) {
                return;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; the screen:\n{}",
                self.dump()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&mut self, text: &str) {
        self.wait_until(&format!("{text:?}"), |s| s.contents().contains(text));
    }

    /// Sends keys (bytes as typed) to the process.
    pub fn send(&mut self, keys: &str) {
        self.session.send(keys).expect("send");
        self.session.flush().expect("flush");
    }

    /// Types `text` one key at a time, waiting after each for the prompt line to show it.
    pub fn type_into(&mut self, header: &str, text: &str) {
        let mut typed = String::new();
        for c in text.chars() {
            typed.push(c);
            self.send(&c.to_string());
            // Rows are compared without trailing spaces, so a space just typed counts as shown.
            let line = format!("{header}{typed}");
            self.wait_until(&format!("{line:?}"), |s| {
                s.rows().iter().any(|r| r.trim_end() == line.trim_end())
            });
        }
    }

    /// Waits for the process to end (everything it wrote on the screen) and returns its exit
    /// code.
    pub fn finish(&mut self) -> i32 {
        self.pump();
        let rest = self.session.exp_eof().expect("the process ends");
        let bytes: Vec<u8> = rest.chars().map(|c| c as u32 as u8).collect();
        self.feed(&bytes);
        match self.session.process().wait().expect("wait") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("unexpected status {other:?}"),
        }
    }

    pub fn contents(&self) -> String {
        self.parser.screen().contents()
    }

    /// The visible rows, trailing blanks removed.
    pub fn rows(&self) -> Vec<String> {
        self.parser
            .screen()
            .rows(0, self.cols)
            .map(|r| r.trim_end().to_owned())
            .collect()
    }

    /// Every row the terminal holds, the scrollback (oldest first) then the screen, each with
    /// whether it wrapped (ran past the right edge into the next).
    fn all_rows(&self) -> Vec<(String, bool)> {
        let mut screen = self.parser.screen().clone();
        let kept = screen.scrollback_len();
        let height = usize::from(self.rows);
        let mut rows = Vec::new();
        let mut line = 0;
        loop {
            let offset = kept - line;
            screen.set_scrollback(offset);
            // The view shows rows line..line+height; take only scrollback rows until the end.
            let take = if offset == 0 {
                height
            } else {
                height.min(offset)
            };
            for (i, row) in screen.rows(0, self.cols).enumerate().take(take) {
                rows.push((row.trim_end().to_owned(), screen.row_wrapped(i as u16)));
            }
            if offset == 0 {
                return rows;
            }
            line += take;
        }
    }

    /// Every line the terminal holds: the scrollback, oldest first, then the screen.
    pub fn history(&self) -> Vec<String> {
        self.all_rows().into_iter().map(|(r, _)| r).collect()
    }

    /// The rows (scrollback included) that ran past the right edge and wrapped.
    pub fn wrapped_rows(&self) -> Vec<String> {
        self.all_rows()
            .into_iter()
            .filter(|(_, wrapped)| *wrapped)
            .map(|(r, _)| r)
            .collect()
    }

    /// The cursor (row, column) and whether it is shown.
    pub fn cursor(&self) -> ((u16, u16), bool) {
        let screen = self.parser.screen();
        (screen.cursor_position(), !screen.hide_cursor())
    }

    /// Every byte the process wrote so far.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    pub fn dump(&self) -> String {
        self.history()
            .iter()
            .enumerate()
            .map(|(i, r)| format!("{i:3}|{r}\n"))
            .collect()
    }
}
