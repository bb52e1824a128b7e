//! Narrowing a pick-list by what the user typed: case-insensitive, rows with a cell that
//! starts with the filter first, then rows containing it, then rows containing its characters
//! in order (a fuzzy match); each group keeps the list's order.

/// One row's text, lower-cased once for matching.
pub struct Haystack {
    cells: Vec<String>,
    /// The cells joined by a space.
    all: String,
}

impl Haystack {
    /// `cells` as shown (already cleaned).
    pub fn new(cells: &[String]) -> Self {
        let cells: Vec<String> = cells.iter().map(|c| c.to_lowercase()).collect();
        let all = cells.join(" ");
        Self { cells, all }
    }
}

/// The indices of the rows matching `filter`, best group first. An empty (or blank) filter
/// matches every row, in order.
pub fn rank(rows: &[Haystack], filter: &str) -> Vec<usize> {
    let needle = filter.trim().to_lowercase();
    if needle.is_empty() {
        return (0..rows.len()).collect();
    }
    let (mut prefix, mut substring, mut fuzzy) = (Vec::new(), Vec::new(), Vec::new());
    for (i, row) in rows.iter().enumerate() {
        if row.cells.iter().any(|c| c.starts_with(&needle)) {
            prefix.push(i);
        } else if row.all.contains(&needle) {
            substring.push(i);
        } else if subsequence(&row.all, &needle) {
            fuzzy.push(i);
        }
    }
    prefix.extend(substring);
    prefix.extend(fuzzy);
    prefix
}

/// Whether the characters of `needle` (spaces aside) occur in `hay` in order.
fn subsequence(hay: &str, needle: &str) -> bool {
    let mut hay = hay.chars();
    needle
        .chars()
        .filter(|c| !c.is_whitespace())
        .all(|n| hay.any(|h| h == n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(rows: &[&[&str]]) -> Vec<Haystack> {
        rows.iter()
            .map(|r| Haystack::new(&r.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>()))
            .collect()
    }

    #[test]
    fn an_empty_filter_keeps_every_row_in_order() {
        let list = rows(&[&["b"], &["a"], &["c"]]);
        assert_eq!(rank(&list, ""), [0, 1, 2]);
        assert_eq!(rank(&list, "  "), [0, 1, 2]);
    }

    #[test]
    fn prefix_then_substring_then_fuzzy_each_in_list_order() {
        let list = rows(&[
            &["xgrace@example.com", "X"],            // substring
            &["g.r.a.c.e@example.com", "Fuzzy"],     // fuzzy
            &["grace@example.com", "Grace Hopper"],  // prefix
            &["nobody@example.com", "Nobody"],       // none
            &["hopper@example.com", "Grace Hopper"], // prefix (the name cell)
            &["ograce@example.com", "Y"],            // substring
        ]);
        assert_eq!(rank(&list, "grace"), [2, 4, 0, 5, 1]);
    }

    #[test]
    fn matching_ignores_case() {
        let list = rows(&[&["Katherine.Johnson@Example.com", "Katherine Johnson"]]);
        assert_eq!(rank(&list, "KATH"), [0]);
        assert_eq!(rank(&list, "johnson@EXAMPLE"), [0]);
        assert_eq!(rank(&list, "kjohn"), [0]);
    }

    #[test]
    fn fuzzy_needs_the_characters_in_order() {
        let list = rows(&[&["ada@example.com"], &["dan@example.com"]]);
        assert_eq!(rank(&list, "adx"), [0]);
        assert_eq!(rank(&list, "d x"), [0, 1]);
        assert!(rank(&list, "zz").is_empty());
    }
}
