//! What a prompt shows, as plain lines that each fit the width (so the terminal never wraps one
//! and a redraw knows exactly how many rows to go back), and the escape sequences that draw,
//! redraw and erase such a frame in place. Widths are measured on the plain text; colour is
//! added after.

use crate::text;

/// How a line is styled (colour is optional; the text is the same either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `? prompt…`: the prompt, up to byte `prompt_end`, is bold.
    Header {
        prompt_end: usize,
    },
    /// The row under the cursor.
    Selected,
    Row,
    /// Counts, hints, `no matches`.
    Info,
    /// Why an input was refused.
    Error,
    /// `✔ prompt · answer`, left behind after a choice.
    Done,
}

/// One screenful of a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Plain text; none wider than the width the frame was built for.
    pub lines: Vec<String>,
    pub kinds: Vec<Kind>,
    /// Where the text cursor shows (line, column); hidden when `None`.
    pub cursor: Option<(usize, usize)>,
}

impl Frame {
    pub fn new() -> Self {
        Self {
            lines: Vec::new(),
            kinds: Vec::new(),
            cursor: None,
        }
    }

    pub fn push(&mut self, line: String, kind: Kind) {
        self.lines.push(line);
        self.kinds.push(kind);
    }
}

/// The most rows a list shows at once: 15, fewer on a short terminal (the prompt line and the
/// count line must fit beside them, with a row to spare).
pub fn window_height(terminal_rows: usize) -> usize {
    terminal_rows.saturating_sub(3).clamp(1, 15)
}

/// The first row of a window of `height` rows over `len` rows that shows `cursor`, moving as
/// little as possible from `top`.
pub fn scroll(top: usize, cursor: usize, height: usize, len: usize) -> usize {
    if len <= height {
        return 0;
    }
    let top = top.min(len - height);
    if cursor < top {
        cursor
    } else if cursor >= top + height {
        cursor + 1 - height
    } else {
        top
    }
}

/// The first row of a window of `height` rows that shows `cursor` near its middle.
pub fn centre(cursor: usize, height: usize, len: usize) -> usize {
    if len <= height {
        return 0;
    }
    cursor.saturating_sub(height / 2).min(len - height)
}

/// The prompt line `? {prompt}{sep}{text}` in at most `width` columns, with the text cursor
/// (`cursor` characters into `text`) always visible: when it does not fit, the prompt is cut
/// first (down to half the width), then the text is shown around the cursor with `…` where it
/// is cut. Returns the line, the cursor's column and the byte where the prompt ends.
pub fn edit_line(
    prompt: &str,
    sep: &str,
    text: &[char],
    cursor: usize,
    width: usize,
) -> (String, usize, usize) {
    let cursor = cursor.min(text.len());
    let text_width = columns(text);
    let full = 2 + text::width(prompt) + text::width(sep);
    let prefix_max = if full + text_width < width {
        full
    } else {
        full.min(width.saturating_sub(text_width + 1).max(width / 2))
    };
    let shown = text::truncate(prompt, prefix_max.saturating_sub(2 + text::width(sep)));
    let mut line = format!("? {shown}");
    let prompt_end = line.len();
    line.push_str(sep);
    let line = text::truncate(&line, width);
    let prefix_width = text::width(&line);
    let room = width.saturating_sub(prefix_width);

    // The text: from `start`, with `…` first when something before it is hidden, so that the
    // cursor (after the character before it) stays inside the room.
    let mut start = 0;
    let mut lead = "";
    if columns(&text[..cursor]) + 1 > room {
        lead = "…";
        while start < cursor && 1 + columns(&text[start..cursor]) + 1 > room {
            start += 1;
        }
    }
    let mut visible = lead.to_owned();
    visible.extend(&text[start..]);
    let visible = text::truncate(&visible, room);
    let column = (prefix_width + text::width(lead) + columns(&text[start..cursor]))
        .min(width.saturating_sub(1));
    let prompt_end = prompt_end.min(line.len());
    (format!("{line}{visible}"), column, prompt_end)
}

fn columns(chars: &[char]) -> usize {
    chars
        .iter()
        .map(|&c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
        .sum()
}

/// The line left behind once a prompt is answered: `✔ prompt · answer`, cut to `width` (the
/// prompt gives way first).
pub fn summary(prompt: &str, answer: &str, width: usize) -> String {
    let full = format!("✔ {prompt} · {answer}");
    if text::width(&full) <= width {
        return full;
    }
    let room = width.saturating_sub(text::width(answer) + 5);
    if room >= 4 {
        format!("✔ {} · {answer}", text::truncate(prompt, room))
    } else {
        text::truncate(&format!("✔ {answer}"), width)
    }
}

const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";
/// Clear from the cursor to the end of the screen.
const CLEAR_BELOW: &str = "\x1b[J";

fn styled(line: &str, kind: Kind, color: bool) -> String {
    if !color {
        return line.to_owned();
    }
    match kind {
        Kind::Header { prompt_end }
            if line.starts_with("? ") && line.is_char_boundary(prompt_end) =>
        {
            format!(
                "{GREEN}{BOLD}?{RESET} {BOLD}{}{RESET}{}",
                &line[2..prompt_end.max(2)],
                &line[prompt_end.max(2)..]
            )
        }
        Kind::Header { .. } => format!("{BOLD}{line}{RESET}"),
        Kind::Selected => format!("{CYAN}{BOLD}{line}{RESET}"),
        Kind::Row => line.to_owned(),
        Kind::Info => format!("{DIM}{line}{RESET}"),
        Kind::Error => format!("{RED}{line}{RESET}"),
        Kind::Done => match line.strip_prefix('✔') {
            Some(rest) => format!("{GREEN}✔{RESET}{rest}"),
            None => line.to_owned(),
        },
    }
}

/// Draws frames in place. It remembers how many lines it drew and which of them the cursor is
/// on, so a redraw goes back exactly to the first line, clears below, and draws again; as no
/// line is wider than the terminal, nothing is left behind.
#[derive(Debug, Default)]
pub struct Painter {
    drawn: usize,
    row: usize,
}

impl Painter {
    /// Escape sequences that take the last frame off the screen, leaving the cursor where its
    /// first line began.
    pub fn erase(&mut self) -> String {
        let mut out = String::new();
        if self.drawn > 0 {
            out.push('\r');
            if self.row > 0 {
                out.push_str(&format!("\x1b[{}A", self.row));
            }
            out.push_str(CLEAR_BELOW);
        }
        self.drawn = 0;
        self.row = 0;
        out
    }

    /// Escape sequences that replace the last frame with `frame`.
    pub fn paint(&mut self, frame: &Frame, color: bool) -> String {
        let mut out = String::from(HIDE_CURSOR);
        out.push_str(&self.erase());
        if frame.lines.is_empty() {
            return out;
        }
        out.push('\r');
        for (i, (line, kind)) in frame.lines.iter().zip(&frame.kinds).enumerate() {
            if i > 0 {
                out.push_str("\r\n");
            }
            out.push_str(&styled(line, *kind, color));
        }
        let last = frame.lines.len().saturating_sub(1);
        self.drawn = frame.lines.len();
        self.row = last;
        if let Some((row, column)) = frame.cursor {
            let row = row.min(last);
            if row < last {
                out.push_str(&format!("\x1b[{}A", last - row));
            }
            out.push('\r');
            if column > 0 {
                out.push_str(&format!("\x1b[{column}C"));
            }
            out.push_str(SHOW_CURSOR);
            self.row = row;
        }
        out
    }

    /// Escape sequences that replace the last frame with one `line` (kept, with the cursor
    /// below it and shown).
    pub fn finish(&mut self, line: &str, color: bool) -> String {
        let mut out = self.erase();
        out.push_str(&styled(line, Kind::Done, color));
        out.push_str("\r\n");
        out.push_str(SHOW_CURSOR);
        out
    }

    /// Escape sequences that take the frame away and show the cursor again.
    pub fn cancel(&mut self) -> String {
        let mut out = self.erase();
        out.push_str(SHOW_CURSOR);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn windows_are_at_most_fifteen_rows_and_leave_room_on_short_terminals() {
        assert_eq!(window_height(24), 15);
        assert_eq!(window_height(18), 15);
        assert_eq!(window_height(12), 9);
        assert_eq!(window_height(3), 1);
        assert_eq!(window_height(0), 1);
    }

    #[test]
    fn a_window_moves_only_as_far_as_the_cursor_needs() {
        assert_eq!(scroll(0, 3, 5, 3), 0);
        assert_eq!(scroll(0, 4, 5, 100), 0);
        assert_eq!(scroll(0, 5, 5, 100), 1);
        assert_eq!(scroll(10, 9, 5, 100), 9);
        assert_eq!(scroll(10, 12, 5, 100), 10);
        assert_eq!(scroll(99, 99, 5, 100), 95);
        // The list shrank under the window.
        assert_eq!(scroll(50, 0, 5, 8), 0);
        assert_eq!(scroll(50, 7, 5, 8), 3);
        assert_eq!(centre(50, 15, 306), 43);
        assert_eq!(centre(2, 15, 306), 0);
        assert_eq!(centre(305, 15, 306), 291);
    }

    #[test]
    fn an_edit_line_that_fits_is_shown_whole() {
        let (line, column, end) = edit_line("User", ": ", &chars("gra"), 3, 80);
        assert_eq!(line, "? User: gra");
        assert_eq!(column, 11);
        assert_eq!(&line[..end], "? User");
    }

    #[test]
    fn a_long_edit_line_keeps_the_cursor_and_the_text_around_it_visible() {
        let typed = chars("someone.with.a.very.long.address@subdomain.example.com");
        for width in [20, 30, 40, 59, 79] {
            for cursor in [0, 10, typed.len() / 2, typed.len()] {
                let (line, column, _) =
                    edit_line("Email address to invite", ": ", &typed, cursor, width);
                assert!(text::width(&line) <= width, "{line:?} at {width}");
                assert!(column < width, "{line:?} {column} at {width}");
                assert!(line.starts_with("? "));
                // The characters on either side of the cursor are on screen.
                let shown: Vec<char> = line.chars().collect();
                if cursor > 0 {
                    assert_eq!(shown[column - 1], typed[cursor - 1], "{line:?} {cursor}");
                }
            }
            let (line, _, _) =
                edit_line("Email address to invite", ": ", &typed, typed.len(), width);
            assert!(line.ends_with(".com"), "{line:?}");
            assert!(line.contains('…'));
        }
    }

    #[test]
    fn wide_characters_count_two_columns_in_an_edit_line() {
        let (line, column, _) = edit_line("Name", ": ", &chars("李小龍"), 3, 80);
        assert_eq!(line, "? Name: 李小龍");
        assert_eq!(column, 14);
    }

    #[test]
    fn a_summary_gives_way_to_the_answer() {
        assert_eq!(
            summary("User", "grace@example.com", 80),
            "✔ User · grace@example.com"
        );
        let line = summary(
            "New Organization role for grace@example.com (Grace Hopper)",
            "ORGANIZATION_BILLING_ADMIN",
            60,
        );
        assert!(text::width(&line) <= 60, "{line}");
        assert!(line.ends_with("· ORGANIZATION_BILLING_ADMIN"), "{line}");
        assert!(text::width(&summary("User", "a-very-long-answer", 10)) <= 10);
    }

    #[test]
    fn painting_goes_back_to_the_first_line_and_clears_below() {
        let mut frame = Frame::new();
        frame.push("? User: ab".into(), Kind::Header { prompt_end: 6 });
        frame.push("❯ a".into(), Kind::Selected);
        frame.push("2 members".into(), Kind::Info);
        frame.cursor = Some((0, 10));
        let mut painter = Painter::default();
        let first = painter.paint(&frame, false);
        assert_eq!(
            first,
            "\x1b[?25l\r? User: ab\r\n❯ a\r\n2 members\x1b[2A\r\x1b[10C\x1b[?25h"
        );
        // The cursor is on the first line: going back needs no move up.
        let second = painter.paint(&frame, false);
        assert!(
            second.starts_with("\x1b[?25l\r\x1b[J\r? User"),
            "{second:?}"
        );
        frame.cursor = None;
        painter.paint(&frame, false);
        assert_eq!(painter.cancel(), "\r\x1b[2A\x1b[J\x1b[?25h");
        assert_eq!(painter.cancel(), "\x1b[?25h");
    }

    #[test]
    fn colour_wraps_the_text_without_changing_it() {
        let line = "? User: gr";
        let painted = styled(line, Kind::Header { prompt_end: 6 }, true);
        assert!(painted.contains("\x1b["));
        let plain: String = strip(&painted);
        assert_eq!(plain, line);
        assert_eq!(styled(line, Kind::Header { prompt_end: 6 }, false), line);
    }

    fn strip(s: &str) -> String {
        let mut out = String::new();
        let mut escape = false;
        for c in s.chars() {
            match (escape, c) {
                (false, '\x1b') => escape = true,
                (true, c) if c.is_ascii_alphabetic() => escape = false,
                (true, _) => {}
                (false, c) => out.push(c),
            }
        }
        out
    }
}
