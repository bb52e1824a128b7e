//! The four prompts as state machines: a key in, a step out, and a [`Frame`] for a given
//! terminal size. Nothing here touches the terminal, so all of it is unit-tested.

use console::Key;

use super::PickList;
use super::frame::{Frame, Kind, centre, edit_line, scroll, window_height};
use super::rank::{Haystack, rank};
use crate::text;

/// What a key did.
#[derive(Debug, PartialEq, Eq)]
pub enum Step<T> {
    Continue,
    /// Esc or Ctrl-C.
    Cancel,
    /// The answer, and how to show it in the line left behind.
    Done(T, String),
}

pub trait Widget {
    type Output;
    /// The prompt, cleaned.
    fn prompt(&self) -> &str;
    /// What to show on a terminal of `rows` rows, `width` columns usable.
    fn frame(&mut self, width: usize, rows: usize) -> Frame;
    fn key(&mut self, key: Key) -> Step<Self::Output>;
}

const MARK: &str = "❯ ";
const UNMARKED: &str = "  ";
/// Ctrl-U: clear what was typed.
const CLEAR: char = '\u{15}';

/// A cursor moving over `len` rows, by a key.
fn moved(cursor: usize, len: usize, page: usize, key: &Key) -> Option<usize> {
    let last = len.checked_sub(1)?;
    Some(match key {
        Key::ArrowUp | Key::BackTab => cursor.saturating_sub(1),
        Key::ArrowDown | Key::Tab => (cursor + 1).min(last),
        Key::PageUp => cursor.saturating_sub(page),
        Key::PageDown => (cursor + page).min(last),
        Key::Home => 0,
        Key::End => last,
        _ => return None,
    })
}

/// A long list narrowed by typing (`Prompter::pick`).
pub struct Pick {
    prompt: String,
    noun: (String, String),
    cells: Vec<Vec<String>>,
    haystacks: Vec<Haystack>,
    /// The rows aligned for a width (kept while the width stays).
    aligned: Option<(usize, Vec<String>)>,
    cut_first: Vec<bool>,
    filter: Vec<char>,
    /// Indices into `cells`, best first.
    matches: Vec<usize>,
    /// Index into `matches`.
    cursor: usize,
    /// The first row shown; `None` until placed (around the cursor).
    top: Option<usize>,
    height: usize,
    default: usize,
}

impl Pick {
    pub fn new(list: &PickList<'_>) -> Self {
        let cells: Vec<Vec<String>> = list
            .rows
            .iter()
            .map(|row| row.iter().map(|c| text::cell(c)).collect())
            .collect();
        let haystacks = cells.iter().map(|row| Haystack::new(row)).collect();
        let default = list.default.min(cells.len().saturating_sub(1));
        Self {
            prompt: text::cell(list.prompt),
            noun: (list.noun.0.to_owned(), list.noun.1.to_owned()),
            matches: (0..cells.len()).collect(),
            cut_first: list.cut_first.to_vec(),
            cells,
            haystacks,
            aligned: None,
            filter: Vec::new(),
            cursor: default,
            top: None,
            height: window_height(usize::MAX),
            default,
        }
    }

    fn filter_text(&self) -> String {
        self.filter.iter().collect()
    }

    fn refilter(&mut self) {
        let filter = self.filter_text();
        self.matches = rank(&self.haystacks, &filter);
        if filter.trim().is_empty() {
            self.cursor = self.default;
            self.top = None;
        } else {
            self.cursor = 0;
            self.top = Some(0);
        }
    }

    fn align(&mut self, width: usize) {
        if self.aligned.as_ref().map(|(w, _)| *w) != Some(width) {
            self.aligned = Some((
                width,
                text::align_cutting(&self.cells, 2, Some(width), &self.cut_first),
            ));
        }
    }
}

impl Widget for Pick {
    type Output = usize;

    fn prompt(&self) -> &str {
        &self.prompt
    }

    fn frame(&mut self, width: usize, rows: usize) -> Frame {
        let height = window_height(rows);
        self.height = height;
        let len = self.matches.len();
        let top = match self.top {
            None => centre(self.cursor, height, len),
            Some(top) => scroll(top, self.cursor, height, len),
        };
        self.top = Some(top);

        let mut frame = Frame::new();
        let (line, column, prompt_end) =
            edit_line(&self.prompt, ": ", &self.filter, self.filter.len(), width);
        frame.push(line, Kind::Header { prompt_end });
        frame.cursor = Some((0, column));

        self.align(width.saturating_sub(text::width(MARK)));
        let aligned = self
            .aligned
            .as_ref()
            .map(|(_, a)| a.as_slice())
            .unwrap_or(&[]);
        if len == 0 {
            frame.push(text::truncate("  no matches", width), Kind::Info);
        }
        for (offset, &row) in self.matches[top..(top + height).min(len)]
            .iter()
            .enumerate()
        {
            let selected = top + offset == self.cursor;
            let mark = if selected { MARK } else { UNMARKED };
            let line = text::truncate(&format!("{mark}{}", aligned[row]), width);
            frame.push(line, if selected { Kind::Selected } else { Kind::Row });
        }

        let total = text::count(self.cells.len(), &self.noun.0, &self.noun.1);
        let count = if self.filter_text().trim().is_empty() {
            total
        } else {
            format!("{len} of {total}")
        };
        let hint = " · type to filter, Enter to choose, Esc to cancel";
        let info = if text::width(&count) + text::width(hint) <= width {
            format!("{count}{hint}")
        } else {
            text::truncate(&count, width)
        };
        frame.push(info, Kind::Info);
        frame
    }

    fn key(&mut self, key: Key) -> Step<usize> {
        if let Some(cursor) = moved(self.cursor, self.matches.len(), self.height, &key) {
            self.cursor = cursor;
            return Step::Continue;
        }
        match key {
            Key::Escape | Key::CtrlC => Step::Cancel,
            Key::Enter => match self.matches.get(self.cursor) {
                Some(&row) => Step::Done(row, self.cells[row].first().cloned().unwrap_or_default()),
                None => Step::Continue,
            },
            Key::Backspace => {
                if self.filter.pop().is_some() {
                    self.refilter();
                }
                Step::Continue
            }
            Key::Char(CLEAR) => {
                self.filter.clear();
                self.refilter();
                Step::Continue
            }
            Key::Char(c) if !c.is_control() => {
                self.filter.push(c);
                self.refilter();
                Step::Continue
            }
            _ => Step::Continue,
        }
    }
}

/// One of a few items (`Prompter::select`).
pub struct Select {
    prompt: String,
    items: Vec<String>,
    cursor: usize,
    top: Option<usize>,
    height: usize,
}

impl Select {
    pub fn new(prompt: &str, items: &[String], default: usize) -> Self {
        Self {
            prompt: text::cell(prompt),
            items: items.iter().map(|i| text::cell(i)).collect(),
            cursor: default.min(items.len().saturating_sub(1)),
            top: None,
            height: window_height(usize::MAX),
        }
    }
}

impl Widget for Select {
    type Output = usize;

    fn prompt(&self) -> &str {
        &self.prompt
    }

    fn frame(&mut self, width: usize, rows: usize) -> Frame {
        let height = window_height(rows);
        self.height = height;
        let len = self.items.len();
        let top = match self.top {
            None => centre(self.cursor, height, len),
            Some(top) => scroll(top, self.cursor, height, len),
        };
        self.top = Some(top);
        let mut frame = Frame::new();
        let (line, _, prompt_end) = edit_line(&self.prompt, "", &[], 0, width);
        frame.push(line, Kind::Header { prompt_end });
        for (offset, item) in self.items[top..(top + height).min(len)].iter().enumerate() {
            let selected = top + offset == self.cursor;
            let mark = if selected { MARK } else { UNMARKED };
            let line = text::truncate(&format!("{mark}{item}"), width);
            frame.push(line, if selected { Kind::Selected } else { Kind::Row });
        }
        frame
    }

    fn key(&mut self, key: Key) -> Step<usize> {
        if let Some(cursor) = moved(self.cursor, self.items.len(), self.height, &key) {
            self.cursor = cursor;
            return Step::Continue;
        }
        match key {
            Key::Escape | Key::CtrlC => Step::Cancel,
            Key::Enter if self.cursor < self.items.len() => {
                Step::Done(self.cursor, self.items[self.cursor].clone())
            }
            _ => Step::Continue,
        }
    }
}

/// A line of text, checked on Enter (`Prompter::input`). A refused value stays for editing,
/// with the reason below it.
pub struct Input<'v> {
    prompt: String,
    text: Vec<char>,
    cursor: usize,
    error: Option<String>,
    validate: &'v dyn Fn(&str) -> Result<(), String>,
}

impl<'v> Input<'v> {
    pub fn new(prompt: &str, validate: &'v dyn Fn(&str) -> Result<(), String>) -> Self {
        Self {
            prompt: text::cell(prompt),
            text: Vec::new(),
            cursor: 0,
            error: None,
            validate,
        }
    }

    fn edited(&mut self) -> Step<String> {
        self.error = None;
        Step::Continue
    }
}

impl Widget for Input<'_> {
    type Output = String;

    fn prompt(&self) -> &str {
        &self.prompt
    }

    fn frame(&mut self, width: usize, _rows: usize) -> Frame {
        let mut frame = Frame::new();
        let (line, column, prompt_end) =
            edit_line(&self.prompt, ": ", &self.text, self.cursor, width);
        frame.push(line, Kind::Header { prompt_end });
        frame.cursor = Some((0, column));
        if let Some(error) = &self.error {
            let line = text::truncate(&format!("✘ {}", text::cell(error)), width);
            frame.push(line, Kind::Error);
        }
        frame
    }

    fn key(&mut self, key: Key) -> Step<String> {
        match key {
            Key::Escape | Key::CtrlC => Step::Cancel,
            Key::Enter => {
                let value: String = self.text.iter().collect();
                let value = value.trim();
                match (self.validate)(value) {
                    Ok(()) => Step::Done(value.to_owned(), value.to_owned()),
                    Err(reason) => {
                        self.error = Some(reason);
                        Step::Continue
                    }
                }
            }
            Key::Char(CLEAR) => {
                self.text.clear();
                self.cursor = 0;
                self.edited()
            }
            Key::Char(c) if !c.is_control() => {
                self.text.insert(self.cursor, c);
                self.cursor += 1;
                self.edited()
            }
            Key::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.text.remove(self.cursor);
                self.edited()
            }
            Key::Del if self.cursor < self.text.len() => {
                self.text.remove(self.cursor);
                self.edited()
            }
            Key::ArrowLeft => {
                self.cursor = self.cursor.saturating_sub(1);
                Step::Continue
            }
            Key::ArrowRight => {
                self.cursor = (self.cursor + 1).min(self.text.len());
                Step::Continue
            }
            Key::Home => {
                self.cursor = 0;
                Step::Continue
            }
            Key::End => {
                self.cursor = self.text.len();
                Step::Continue
            }
            _ => Step::Continue,
        }
    }
}

/// `prompt [y/N]`: yes only when the user says so (`Prompter::confirm`).
pub struct Confirm {
    prompt: String,
}

impl Confirm {
    pub fn new(prompt: &str) -> Self {
        Self {
            prompt: text::cell(prompt),
        }
    }
}

impl Widget for Confirm {
    type Output = bool;

    fn prompt(&self) -> &str {
        &self.prompt
    }

    fn frame(&mut self, width: usize, _rows: usize) -> Frame {
        let mut frame = Frame::new();
        let (line, column, prompt_end) = edit_line(&self.prompt, " [y/N] ", &[], 0, width);
        frame.push(line, Kind::Header { prompt_end });
        frame.cursor = Some((0, column));
        frame
    }

    fn key(&mut self, key: Key) -> Step<bool> {
        match key {
            Key::Escape | Key::CtrlC => Step::Cancel,
            Key::Char('y' | 'Y') => Step::Done(true, "yes".into()),
            Key::Char('n' | 'N') | Key::Enter => Step::Done(false, "no".into()),
            _ => Step::Continue,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(n: usize) -> Vec<Vec<String>> {
        (0..n)
            .map(|i| {
                vec![
                    format!("person.number.{i:03}.long.address@example.com"),
                    format!("Person {i}"),
                    "ORGANIZATION_MEMBER".into(),
                    if i % 2 == 0 { "ACTIVE" } else { "PENDING" }.into(),
                ]
            })
            .collect()
    }

    fn pick(rows: &[Vec<String>], default: usize) -> Pick {
        Pick::new(&PickList {
            prompt: "User",
            rows,
            default,
            noun: ("member", "members"),
            cut_first: &[true, true],
        })
    }

    fn typed<W: Widget>(widget: &mut W, text: &str) {
        for c in text.chars() {
            assert!(matches!(widget.key(Key::Char(c)), Step::Continue));
        }
    }

    fn selected(frame: &Frame) -> Vec<&str> {
        frame
            .lines
            .iter()
            .zip(&frame.kinds)
            .filter(|(_, k)| **k == Kind::Selected)
            .map(|(l, _)| l.as_str())
            .collect()
    }

    #[test]
    fn every_line_fits_the_width_and_the_window_the_height() {
        let rows = members(306);
        for (width, height) in [(159, 40), (79, 24), (59, 24), (59, 12), (20, 8)] {
            let mut list = pick(&rows, 0);
            typed(&mut list, "person.number.1");
            let frame = list.frame(width, height);
            assert!(frame.lines.len() < height, "{:#?}", frame.lines);
            assert!(frame.lines.len() <= 17);
            for line in &frame.lines {
                assert!(text::width(line) <= width, "{line:?} > {width}");
            }
            let (row, column) = frame.cursor.unwrap();
            assert_eq!(row, 0);
            assert!(column < width);
        }
    }

    #[test]
    fn rows_are_aligned_by_display_width() {
        let rows = vec![
            vec!["li@example.com".into(), "李小龍".into(), "ACTIVE".into()],
            vec!["ada@example.com".into(), "Ada".into(), "PENDING".into()],
        ];
        let frame = pick(&rows, 0).frame(79, 24);
        assert_eq!(frame.lines[1], "❯ li@example.com   李小龍  ACTIVE");
        assert_eq!(frame.lines[2], "  ada@example.com  Ada     PENDING");
    }

    #[test]
    fn the_count_line_counts_all_or_the_matches() {
        let rows = members(306);
        let mut list = pick(&rows, 0);
        let frame = list.frame(79, 24);
        assert!(frame.lines.last().unwrap().starts_with("306 members"));
        typed(&mut list, "number.01");
        let frame = list.frame(59, 24);
        let matches = list.matches.len();
        assert!((10..306).contains(&matches));
        assert_eq!(
            frame.lines.last().unwrap(),
            &format!("{matches} of 306 members")
        );
        assert_eq!(frame.lines[0], "? User: number.01");
        assert!(frame.lines[1].contains("Person 10 "), "{:?}", frame.lines);
    }

    #[test]
    fn the_cursor_starts_on_the_default_in_view_and_moves_by_key() {
        let rows = members(306);
        let mut list = pick(&rows, 200);
        let frame = list.frame(79, 24);
        assert_eq!(frame.lines.len(), 17);
        assert!(selected(&frame)[0].contains("number.200"));
        list.key(Key::ArrowDown);
        assert!(selected(&list.frame(79, 24))[0].contains("number.201"));
        list.key(Key::PageDown);
        assert!(selected(&list.frame(79, 24))[0].contains("number.216"));
        list.key(Key::End);
        let frame = list.frame(79, 24);
        assert!(selected(&frame)[0].contains("number.305"));
        assert!(frame.lines[15].contains("number.305"), "{:#?}", frame.lines);
        list.key(Key::Home);
        let frame = list.frame(79, 24);
        assert!(frame.lines[1].contains("number.000"));
        assert_eq!(selected(&frame).len(), 1);
        list.key(Key::ArrowUp);
        assert!(selected(&list.frame(79, 24))[0].contains("number.000"));
        list.key(Key::PageUp);
        assert_eq!(list.key(Key::Enter), Step::Done(0, rows[0][0].clone()));
    }

    #[test]
    fn typing_filters_and_backspace_edits_the_filter() {
        let rows = vec![
            vec!["alan@example.com".into(), "Alan Turing".into()],
            vec!["grace@example.com".into(), "Grace Hopper".into()],
            vec!["ada@example.com".into(), "Ada Lovelace".into()],
        ];
        let mut list = pick(&rows, 2);
        typed(&mut list, "GRA");
        let frame = list.frame(79, 24);
        assert_eq!(frame.lines.len(), 3);
        assert!(frame.lines[1].starts_with("❯ grace@example.com"));
        assert_eq!(
            list.key(Key::Enter),
            Step::Done(1, "grace@example.com".into())
        );
        // Back to an empty filter: every row, the cursor on the default again.
        for _ in 0..3 {
            list.key(Key::Backspace);
        }
        let frame = list.frame(79, 24);
        assert_eq!(frame.lines.len(), 5);
        assert!(selected(&frame)[0].starts_with("❯ ada@"));
        typed(&mut list, "x");
        list.key(Key::Char(CLEAR));
        assert_eq!(list.frame(79, 24).lines.len(), 5);
    }

    #[test]
    fn no_matches_is_said_and_enter_then_does_nothing() {
        let rows = members(3);
        let mut list = pick(&rows, 0);
        typed(&mut list, "zzz");
        let frame = list.frame(79, 24);
        assert_eq!(frame.lines[1], "  no matches");
        assert!(frame.lines[2].starts_with("0 of 3 members"));
        assert_eq!(list.key(Key::Enter), Step::Continue);
        assert_eq!(list.key(Key::ArrowDown), Step::Continue);
        assert_eq!(list.key(Key::Escape), Step::Cancel);
        assert_eq!(list.key(Key::CtrlC), Step::Cancel);
    }

    #[test]
    fn server_text_is_cleaned_before_it_is_shown_or_matched() {
        let rows = vec![vec![
            "eve@example.com".into(),
            "Eve\u{1b}[31m Red\nLine".into(),
            "ACTIVE".into(),
        ]];
        let mut list = pick(&rows, 0);
        let frame = list.frame(79, 24);
        assert!(
            frame.lines[1].contains("Eve\u{fffd}[31m Red Line"),
            "{:?}",
            frame.lines
        );
        assert!(frame.lines.iter().all(|l| !l.contains('\u{1b}')));
        typed(&mut list, "red line");
        assert_eq!(list.frame(79, 24).lines.len(), 3);
    }

    #[test]
    fn select_starts_on_the_default_and_never_filters() {
        let items: Vec<String> = ["OWNER", "MEMBER", "BILLING"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        let mut select = Select::new("Role for x", &items, 1);
        let frame = select.frame(79, 24);
        assert_eq!(
            frame.lines,
            ["? Role for x", "  OWNER", "❯ MEMBER", "  BILLING"]
        );
        assert_eq!(frame.cursor, None);
        assert_eq!(select.key(Key::Char('o')), Step::Continue);
        select.key(Key::ArrowUp);
        assert_eq!(select.key(Key::Enter), Step::Done(0, "OWNER".into()));
        select.key(Key::End);
        assert_eq!(select.key(Key::Enter), Step::Done(2, "BILLING".into()));
        assert_eq!(select.key(Key::Escape), Step::Cancel);
        assert_eq!(select.key(Key::CtrlC), Step::Cancel);
    }

    #[test]
    fn input_edits_the_line_and_keeps_a_refused_value() {
        let validate = |s: &str| {
            if s.contains('@') && s.contains('.') {
                Ok(())
            } else {
                Err("not an email address".to_owned())
            }
        };
        let mut input = Input::new("Email", &validate);
        typed(&mut input, "lin@example");
        assert_eq!(input.key(Key::Enter), Step::Continue);
        let frame = input.frame(79, 24);
        assert_eq!(
            frame.lines,
            ["? Email: lin@example", "✘ not an email address"]
        );
        typed(&mut input, ".com");
        assert_eq!(input.frame(79, 24).lines.len(), 1);
        input.key(Key::Home);
        typed(&mut input, "  X");
        input.key(Key::Del);
        input.key(Key::ArrowRight);
        input.key(Key::ArrowLeft);
        input.key(Key::Backspace);
        assert_eq!(input.frame(79, 24).lines[0], "? Email:   in@example.com");
        assert_eq!(input.frame(79, 24).cursor, Some((0, 11)));
        input.key(Key::End);
        assert_eq!(
            input.key(Key::Enter),
            Step::Done("in@example.com".into(), "in@example.com".into())
        );
        assert_eq!(input.key(Key::Escape), Step::Cancel);
        assert_eq!(input.key(Key::CtrlC), Step::Cancel);
    }

    #[test]
    fn confirm_is_no_unless_yes() {
        let mut confirm = Confirm::new("Change the role anyway?");
        let frame = confirm.frame(79, 24);
        assert_eq!(frame.lines, ["? Change the role anyway? [y/N] "]);
        assert_eq!(frame.cursor, Some((0, 32)));
        assert_eq!(confirm.key(Key::Char('x')), Step::Continue);
        assert_eq!(confirm.key(Key::Enter), Step::Done(false, "no".into()));
        assert_eq!(confirm.key(Key::Char('n')), Step::Done(false, "no".into()));
        assert_eq!(confirm.key(Key::Char('y')), Step::Done(true, "yes".into()));
        assert_eq!(confirm.key(Key::Escape), Step::Cancel);
        assert_eq!(confirm.key(Key::CtrlC), Step::Cancel);
    }
}
