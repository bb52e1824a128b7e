//! Reading a bulk file (`--from-file FILE`, `-` for stdin): CSV with a header naming `email`
//! and `role` columns, or JSON lines `{"email": …, "role": …}`. Every row keeps its line number
//! so that problems are reported where the user can find them.

use std::io::Read;
use std::path::Path;

use crate::error::CliError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub email: String,
    /// Empty when the row gives none.
    pub role: String,
}

/// A row that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Bulk input is capped so a wrong file cannot exhaust memory.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

pub fn read_source(source: &Path) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let result = if source.as_os_str() == "-" {
        std::io::stdin().take(MAX_BYTES).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(MAX_BYTES).read_to_end(&mut bytes))
    };
    let name = if source.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        format!("`{}`", source.display())
    };
    result.map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::usage(format!(
            "{name} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// Parses CSV or JSON lines (chosen by the first non-blank character).
pub fn parse(text: &str) -> Result<(Vec<RawRow>, Vec<BadLine>), CliError> {
    if text.trim_start().starts_with('{') {
        Ok(parse_json_lines(text))
    } else {
        parse_csv(text)
    }
}

fn parse_json_lines(text: &str) -> (Vec<RawRow>, Vec<BadLine>) {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line {
        email: String,
        #[serde(default)]
        role: Option<String>,
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(line) {
            Ok(l) => rows.push(RawRow {
                line: index + 1,
                email: l.email.trim().to_owned(),
                role: l.role.unwrap_or_default().trim().to_owned(),
            }),
            Err(e) => bad.push(BadLine {
                line: index + 1,
                message: format!("not a JSON object with `email` and `role`: {e}"),
            }),
        }
    }
    (rows, bad)
}

fn parse_csv(text: &str) -> Result<(Vec<RawRow>, Vec<BadLine>), CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| CliError::usage(format!("cannot read the CSV header: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(email_col), role_col) = (column("email"), column("role")) else {
        return Err(CliError::usage(format!(
            "the CSV header must name an `email` column (and usually `role`); it is `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        ))
        .with_hint("start the file with the line `email,role`"));
    };
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let line = record
                    .position()
                    .map_or(0, |p| lines.line_at(text, p.byte()));
                if record.iter().all(str::is_empty) {
                    continue;
                }
                match record.get(email_col) {
                    Some(email) => rows.push(RawRow {
                        line,
                        email: email.to_owned(),
                        role: role_col
                            .and_then(|c| record.get(c))
                            .unwrap_or("")
                            .to_owned(),
                    }),
                    None => bad.push(BadLine {
                        line,
                        message: "the row has no email column".into(),
                    }),
                }
            }
            Err(e) => bad.push(BadLine {
                line: e.position().map_or(0, |p| lines.line_at(text, p.byte())),
                message: format!("not valid CSV: {e}"),
            }),
        }
    }
    Ok((rows, bad))
}

/// The 1-based line of a byte offset (the csv crate's own count skips blank lines). Offsets
/// come in increasing order, so counting continues from the previous one: linear in the file.
#[derive(Default)]
struct LineCounter {
    offset: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, byte: u64) -> usize {
        let bytes = text.as_bytes();
        let mut end = (byte as usize).min(bytes.len());
        // A record's position can point at blank lines the reader skipped before it.
        while end < bytes.len() && matches!(bytes[end], b'\n' | b'\r') {
            end += 1;
        }
        if end < self.offset {
            self.offset = 0;
            self.newlines = 0;
        }
        self.newlines += bytes[self.offset..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = end;
        self.newlines + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_header_in_any_order_and_quotes() {
        let (rows, bad) =
            parse("role,email\nORGANIZATION_OWNER,a@x.io\n\n\"organization_member\",\"b@x.io\"\n")
                .unwrap();
        assert!(bad.is_empty());
        assert_eq!(
            rows,
            [
                RawRow {
                    line: 2,
                    email: "a@x.io".into(),
                    role: "ORGANIZATION_OWNER".into()
                },
                RawRow {
                    line: 4,
                    email: "b@x.io".into(),
                    role: "organization_member".into()
                },
            ]
        );
    }

    #[test]
    fn many_rows_are_numbered_in_linear_time() {
        let mut text = String::from("email,role\n");
        for i in 0..50_000 {
            text.push_str(&format!("u{i}@x.io,ORGANIZATION_MEMBER\n"));
            if i % 1000 == 0 {
                text.push('\n');
            }
        }
        let (rows, bad) = parse(&text).unwrap();
        assert!(bad.is_empty());
        assert_eq!(rows.len(), 50_000);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[49_999].line, 50_001 + 50);
    }

    #[test]
    fn csv_without_an_email_column_is_refused() {
        let err = parse("name,role\nx,y\n").unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
    }

    #[test]
    fn json_lines_report_bad_lines_by_number() {
        let (rows, bad) = parse("{\"email\":\"a@x.io\",\"role\":\"ORGANIZATION_OWNER\"}\nnot json\n{\"email\":\"b@x.io\"}\n{\"email\":1}\n").unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1],
            RawRow {
                line: 3,
                email: "b@x.io".into(),
                role: String::new()
            }
        );
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 4]);
    }
}
