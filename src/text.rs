//! Text as a terminal shows it: server strings cleaned of control characters, widths measured
//! in terminal columns (CJK and emoji take two), long cells cut with `…`, and rows of cells laid
//! out in aligned columns that fit a given width. Tables and pick-lists both use this, so a
//! name looks the same in either.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

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

/// One cell of a row: cleaned, and on one line (newlines and tabs become spaces).
pub fn cell(text: &str) -> String {
    clean(text).replace(['\n', '\t', '\r'], " ")
}

/// How many terminal columns `text` takes.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` cut to at most `max` columns, ending in `…` when something was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if width(text) <= max {
        return text.to_owned();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `text` padded with spaces to `columns` columns (never cut).
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_owned();
    out.extend(std::iter::repeat_n(
        ' ',
        columns.saturating_sub(width(text)),
    ));
    out
}

/// The narrowest a column is cut to when rows do not fit.
const MIN_COLUMN: usize = 6;

/// Column widths for `rows` separated by `gap` spaces: each column as wide as its widest cell,
/// then, while the total is wider than `max_width`, the widest column loses a column at a time
/// (down to a few characters, so every column stays recognisable).
pub fn column_widths(rows: &[Vec<String>], gap: usize, max_width: Option<usize>) -> Vec<usize> {
    column_widths_cutting(rows, gap, max_width, &[])
}

/// Like [`column_widths`], but the columns marked in `cut_first` (names, emails, messages) are
/// cut before any other, so IDs, roles and dates stay whole while they can.
pub fn column_widths_cutting(
    rows: &[Vec<String>],
    gap: usize,
    max_width: Option<usize>,
    cut_first: &[bool],
) -> Vec<usize> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let Some(max_width) = max_width else {
        return widths;
    };
    let total = |widths: &[usize]| widths.iter().sum::<usize>() + gap * columns.saturating_sub(1);
    let preferred = |i: usize| cut_first.get(i).copied().unwrap_or(false);
    for only_preferred in [true, false] {
        while total(&widths) > max_width {
            let Some((widest, &w)) = widths
                .iter()
                .enumerate()
                .filter(|(i, _)| !only_preferred || preferred(*i))
                .max_by_key(|&(i, w)| (*w, i))
            else {
                break;
            };
            if w <= MIN_COLUMN {
                break;
            }
            widths[widest] -= 1;
        }
    }
    widths
}

/// Rows of cells as aligned lines (no trailing spaces), each cell cut to its column's width.
/// The cells must already be [`cell`]s.
pub fn align(rows: &[Vec<String>], gap: usize, max_width: Option<usize>) -> Vec<String> {
    align_cutting(rows, gap, max_width, &[])
}

/// [`align`] with the columns marked in `cut_first` cut before the others.
pub fn align_cutting(
    rows: &[Vec<String>],
    gap: usize,
    max_width: Option<usize>,
    cut_first: &[bool],
) -> Vec<String> {
    let widths = column_widths_cutting(rows, gap, max_width, cut_first);
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                let w = widths[i];
                let cut = truncate(cell, w);
                if i + 1 < row.len() {
                    line.push_str(&pad(&cut, w + gap));
                } else {
                    line.push_str(&cut);
                }
            }
            let line = line.trim_end().to_owned();
            // Whatever the columns, a line never runs past the width (the terminal would wrap it).
            match max_width {
                Some(max) => truncate(&line, max),
                None => line,
            }
        })
        .collect()
}

/// How a table is fitted to a width: which columns are cut first, and which are left out (in
/// order) rather than cutting the others when even that does not fit.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fit<'a> {
    pub cut_first: &'a [bool],
    /// Column indices, the first to go first.
    pub drop_order: &'a [usize],
}

/// The width below which a column cut first makes a column worth dropping instead.
const USEFUL_COLUMN: usize = 12;

/// Rows fitted to `max_width`: the natural widths when they fit; else the `cut_first` columns
/// are cut (not below a useful width); else the `drop_order` columns are left out one by one
/// and the fitting starts again; at last anything is cut. Returns the lines and the indices of
/// the columns left out.
pub fn fit(
    rows: &[Vec<String>],
    gap: usize,
    max_width: usize,
    fit: Fit<'_>,
) -> (Vec<String>, Vec<usize>) {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let mut dropped: Vec<usize> = Vec::new();
    loop {
        let kept: Vec<usize> = (0..columns).filter(|c| !dropped.contains(c)).collect();
        let narrowed: Vec<Vec<String>> = rows
            .iter()
            .map(|row| kept.iter().filter_map(|&c| row.get(c).cloned()).collect())
            .collect();
        let cut: Vec<bool> = kept
            .iter()
            .map(|&c| fit.cut_first.get(c).copied().unwrap_or(false))
            .collect();
        let natural = column_widths(&narrowed, gap, None);
        let total = |w: &[usize]| w.iter().sum::<usize>() + gap * w.len().saturating_sub(1);
        // The narrowest the cut-first columns may go before a column is dropped instead.
        let floor: Vec<usize> = natural
            .iter()
            .zip(&cut)
            .map(|(&w, &c)| if c { w.min(USEFUL_COLUMN) } else { w })
            .collect();
        let next_drop = fit
            .drop_order
            .iter()
            .find(|c| !dropped.contains(c) && **c < columns);
        match next_drop {
            Some(&c) if total(&floor) > max_width => dropped.push(c),
            _ => {
                let lines = align_cutting(&narrowed, gap, Some(max_width), &cut);
                return (lines, dropped);
            }
        }
    }
}

/// `1 member`, `308 members`.
pub fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(cells: &[&[&str]]) -> Vec<Vec<String>> {
        cells
            .iter()
            .map(|r| r.iter().map(|c| cell(c)).collect())
            .collect()
    }

    #[test]
    fn widths_are_terminal_columns() {
        assert_eq!(width("Ada"), 3);
        assert_eq!(width("Grâce"), 5);
        assert_eq!(width("李小龍"), 6);
        assert_eq!(width("🚀x"), 3);
    }

    #[test]
    fn truncation_counts_columns_and_marks_the_cut() {
        assert_eq!(truncate("grace@example.com", 20), "grace@example.com");
        assert_eq!(truncate("grace@example.com", 8), "grace@e…");
        assert_eq!(width(&truncate("李小龍李小龍", 5)), 5);
        assert_eq!(truncate("李小龍李小龍", 5), "李小…");
        assert_eq!(truncate("abc", 0), "");
    }

    #[test]
    fn columns_align_by_display_width() {
        let lines = align(
            &rows(&[&["NAME", "ID"], &["李小龍", "c1"], &["Ada", "c2"]]),
            3,
            None,
        );
        assert_eq!(lines, ["NAME     ID", "李小龍   c1", "Ada      c2"]);
    }

    #[test]
    fn the_widest_column_is_cut_to_fit() {
        let table = rows(&[
            &["EMAIL", "NAME", "ROLE"],
            &[
                "katherine.johnson.the.longest@example.com",
                "Katherine Johnson",
                "ORGANIZATION_OWNER",
            ],
        ]);
        let lines = align(&table, 2, Some(60));
        assert!(lines.iter().all(|l| width(l) <= 60), "{lines:#?}");
        assert!(lines[1].contains('…') && lines[1].ends_with("ORGANIZATION_OWNER"));
        assert!(lines[1].contains("Katherine Johnson"));
    }

    #[test]
    fn ids_and_roles_stay_whole_while_names_can_be_cut() {
        let table = rows(&[
            &["FULLNAME", "EMAIL", "ID", "ROLE"],
            &[
                "Katherine Johnson",
                "Katherine.Johnson@Example.com",
                "clrevhxc0000004lesscb91l2",
                "ORGANIZATION_OBSERVE_ADMIN",
            ],
            &[
                "Edsger Dijkstra",
                "edsger@example.com",
                "clrexn340000005lezt8u5l88",
                "ORGANIZATION_OBSERVE_MEMBER",
            ],
        ]);
        let lines = align_cutting(&table, 3, Some(90), &[true, true, false, false]);
        assert!(lines.iter().all(|l| width(l) <= 90), "{lines:#?}");
        assert!(lines[1].contains("clrevhxc0000004lesscb91l2   ORGANIZATION_OBSERVE_ADMIN"));
        assert!(lines[2].ends_with("ORGANIZATION_OBSERVE_MEMBER"));
        assert!(lines[1].contains('…'));
    }

    #[test]
    fn columns_are_left_out_in_order_before_roles_are_cut() {
        let table = rows(&[
            &["FULLNAME", "EMAIL", "ID", "ROLE", "CREATE DATE", "STATUS"],
            &[
                "Katherine Johnson",
                "Katherine.Johnson@Example.com",
                "clrevhxc0000004lesscb91l2",
                "ORGANIZATION_OBSERVE_ADMIN",
                "2024-01-15T12:00:00Z",
                "ACTIVE",
            ],
        ]);
        let how = Fit {
            cut_first: &[true, true, false, false, false, false],
            drop_order: &[4, 2],
        };
        let (lines, dropped) = fit(&table, 3, 200, how);
        assert!(dropped.is_empty() && !lines[1].contains('…'));
        let (lines, dropped) = fit(&table, 3, 110, how);
        assert_eq!(dropped, [4]);
        assert!(
            lines[1].contains("clrevhxc0000004lesscb91l2   ORGANIZATION_OBSERVE_ADMIN   ACTIVE"),
            "{lines:#?}"
        );
        let (lines, dropped) = fit(&table, 3, 80, how);
        assert_eq!(dropped, [4, 2]);
        assert!(
            lines[1].ends_with("ORGANIZATION_OBSERVE_ADMIN   ACTIVE"),
            "{lines:#?}"
        );
        assert!(lines.iter().all(|l| width(l) <= 80));
        let (lines, _) = fit(&table, 3, 30, how);
        assert!(lines.iter().all(|l| width(l) <= 30));
    }

    #[test]
    fn lines_never_exceed_a_tiny_width() {
        let table = rows(&[&["a-long-cell", "another-long-cell", "third-long-cell"]]);
        for max in [1, 5, 10, 20] {
            for line in align(&table, 3, Some(max)) {
                assert!(width(&line) <= max, "{line} > {max}");
            }
        }
    }

    #[test]
    fn control_characters_and_newlines_never_reach_a_cell() {
        assert_eq!(cell("x\u{1b}[2J\ny\tz"), "x\u{fffd}[2J y z");
    }

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count(1, "row", "rows"), "1 row");
        assert_eq!(count(0, "row", "rows"), "0 rows");
        assert_eq!(count(308, "member", "members"), "308 members");
    }
}
