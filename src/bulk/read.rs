//! Reading a bulk file (`--from-file FILE`, `-` for stdin): CSV with a header naming an `email`
//! column and, as the command needs, `role`, `workspace` and `deployment` columns, or JSON lines
//! `{"email": …, "role": …, "workspace": …, "deployment": …}`. Columns and keys a command does not use are
//! ignored. Every row keeps its line number so that problems are reported where the user can
//! find them.

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::error::CliError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    /// The Team (an ID or a name) of a `team` column or key; empty when the row gives none.
    pub team: String,
    pub email: String,
    /// Empty when the row gives none.
    pub role: String,
    /// The Workspace (an ID or a name) the row is about; empty when the row gives none.
    pub workspace: String,
    /// The Deployment (an ID or a name) the row is about; empty when the row gives none.
    pub deployment: String,
}

/// A row that could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub message: String,
}

/// Bulk input is capped so a wrong file cannot exhaust memory.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How messages name the source: `stdin`, or the file's path in backticks.
pub fn source_name(source: &Path) -> String {
    if source.as_os_str() == "-" {
        "stdin".to_owned()
    } else {
        format!("`{}`", source.display())
    }
}

pub fn read_source(source: &Path) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let result = if source.as_os_str() == "-" {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            crate::output::note("reading rows from stdin, Ctrl-D to end");
        }
        stdin.take(MAX_BYTES).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(MAX_BYTES).read_to_end(&mut bytes))
    };
    let name = source_name(source);
    result.map_err(|e| CliError::usage(format!("cannot read {name}: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        CliError::usage(format!(
            "{name} is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

/// Parses CSV or JSON lines (chosen by the first non-blank character). `source` names the
/// input in messages.
pub fn parse(text: &str, source: &Path) -> Result<(Vec<RawRow>, Vec<BadLine>), CliError> {
    let start = text.trim_start();
    if start.starts_with('[') {
        return Err(CliError::usage(format!(
            "{} holds a JSON array; rows are read as JSON lines (one object per line) or CSV",
            source_name(source)
        ))
        .with_hint("use JSON lines: turn an array into them with `jq -c '.[]'`"));
    }
    if start.starts_with('{') {
        Ok(parse_json_lines(text))
    } else {
        if let Some(line) = unterminated_quote(text) {
            return Err(CliError::usage(format!(
                "{} line {line}: a quoted value opened here is never closed",
                source_name(source)
            ))
            .with_hint("close the quote (a `\"` inside a quoted value is written `\"\"`)"));
        }
        parse_csv(text)
    }
}

/// The line on which a CSV quoted value opens and never closes, if one does. (The csv reader
/// would silently read the rest of the file into that one value.)
fn unterminated_quote(text: &str) -> Option<usize> {
    let mut line = 1;
    let mut opened_on = None;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (opened_on, c) {
            (Some(_), '"') if chars.peek() == Some(&'"') => {
                chars.next();
            }
            (Some(_), '"') => {
                opened_on = None;
                at_field_start = false;
            }
            (None, '"') if at_field_start => opened_on = Some(line),
            (_, '\n') => {
                line += 1;
                if opened_on.is_none() {
                    at_field_start = true;
                }
            }
            (None, ',') => at_field_start = true,
            (None, ' ' | '\t' | '\r') => {}
            (None, _) => at_field_start = false,
            (Some(_), _) => {}
        }
    }
    opened_on
}

fn parse_json_lines(text: &str) -> (Vec<RawRow>, Vec<BadLine>) {
    // Keys other than these are ignored, as CSV ignores extra columns.
    #[derive(serde::Deserialize)]
    struct Line {
        #[serde(default)]
        team: Option<String>,
        email: String,
        #[serde(default)]
        role: Option<String>,
        #[serde(default)]
        workspace: Option<String>,
        #[serde(default)]
        deployment: Option<String>,
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
                team: l.team.unwrap_or_default().trim().to_owned(),
                email: l.email.trim().to_owned(),
                role: l.role.unwrap_or_default().trim().to_owned(),
                workspace: l.workspace.unwrap_or_default().trim().to_owned(),
                deployment: l.deployment.unwrap_or_default().trim().to_owned(),
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
    let workspace_col = column("workspace");
    let deployment_col = column("deployment");
    let (Some(email_col), role_col) = (column("email"), column("role")) else {
        return Err(CliError::usage(format!(
            "the CSV header must name an `email` column (and usually `role`); it is `{}`",
            headers.iter().collect::<Vec<_>>().join(",")
        ))
        .with_hint("start the file with the line `email,role`"));
    };
    let team_col = column("team");
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
                        team: team_col
                            .and_then(|c| record.get(c))
                            .unwrap_or("")
                            .to_owned(),
                        email: email.to_owned(),
                        role: role_col
                            .and_then(|c| record.get(c))
                            .unwrap_or("")
                            .to_owned(),
                        workspace: workspace_col
                            .and_then(|c| record.get(c))
                            .unwrap_or("")
                            .to_owned(),
                        deployment: deployment_col
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
        let (rows, bad) = parse(
            "role,email\nORGANIZATION_OWNER,a@x.io\n\n\"organization_member\",\"b@x.io\"\n",
            Path::new("f"),
        )
        .unwrap();
        assert!(bad.is_empty());
        assert_eq!(
            rows,
            [
                RawRow {
                    line: 2,
                    team: String::new(),
                    email: "a@x.io".into(),
                    role: "ORGANIZATION_OWNER".into(),
                    workspace: String::new(),
                    deployment: String::new(),
                },
                RawRow {
                    line: 4,
                    team: String::new(),
                    email: "b@x.io".into(),
                    role: "organization_member".into(),
                    workspace: String::new(),
                    deployment: String::new(),
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
        let (rows, bad) = parse(&text, Path::new("f")).unwrap();
        assert!(bad.is_empty());
        assert_eq!(rows.len(), 50_000);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[49_999].line, 50_001 + 50);
    }

    #[test]
    fn csv_without_an_email_column_is_refused() {
        let err = parse("name,role\nx,y\n", Path::new("f")).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
    }

    #[test]
    fn json_lines_report_bad_lines_by_number() {
        let (rows, bad) = parse("{\"email\":\"a@x.io\",\"role\":\"ORGANIZATION_OWNER\"}\nnot json\n{\"email\":\"b@x.io\",\"team\":\"ops\"}\n{\"email\":1}\n", Path::new("f")).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[1],
            RawRow {
                line: 3,
                team: "ops".into(),
                email: "b@x.io".into(),
                role: String::new(),
                workspace: String::new(),
                deployment: String::new(),
            }
        );
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn an_optional_workspace_column_or_key() {
        let row = |line: usize, email: &str, role: &str, workspace: &str| RawRow {
            line,
            team: String::new(),
            email: email.into(),
            role: role.into(),
            workspace: workspace.into(),
            deployment: String::new(),
        };
        let (rows, bad) = parse(
            "Workspace,email,role\n\"Ops, EU\",a@x.io,author\n,b@x.io,member\n c1 ,c@x.io\n",
            Path::new("f"),
        )
        .unwrap();
        assert!(bad.is_empty());
        assert_eq!(
            rows,
            [
                row(2, "a@x.io", "author", "Ops, EU"),
                row(3, "b@x.io", "member", ""),
                row(4, "c@x.io", "", "c1"),
            ]
        );
        let (rows, bad) = parse(
            "{\"email\":\"a@x.io\",\"workspace\":\" Analytics \",\"role\":\"owner\"}\n{\"email\":\"b@x.io\",\"workspace\":null}\n{\"email\":\"c@x.io\",\"workspace\":7}\n",
            Path::new("f"),
        )
        .unwrap();
        assert_eq!(
            rows,
            [
                row(1, "a@x.io", "owner", "Analytics"),
                row(2, "b@x.io", "", ""),
            ]
        );
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3]);
        // Without the column every row's Workspace is empty, as before.
        let (rows, _) = parse("email,role\na@x.io,owner\n", Path::new("f")).unwrap();
        assert_eq!(rows, [row(2, "a@x.io", "owner", "")]);
    }

    #[test]
    fn a_json_array_is_refused_naming_json_lines() {
        let err = parse("[{\"email\":\"a@x.io\"}]", Path::new("people.json")).unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Usage);
        assert!(err.message.contains("JSON array"), "{}", err.message);
        assert!(err.hint.unwrap().contains("use JSON lines"));
    }

    #[test]
    fn an_unterminated_quote_is_reported_where_it_opens() {
        let text = "email,role\na@x.io,owner\n\"b@x.io,member\nc@x.io,member\n";
        let err = parse(text, Path::new("f.csv")).unwrap_err();
        assert!(err.message.contains("line 3"), "{}", err.message);
        assert!(err.message.contains("never closed"), "{}", err.message);
        // Escaped quotes inside a quoted value and quotes inside a bare value are fine.
        assert_eq!(unterminated_quote("a,\"x \"\"y\"\" z\",b\nc,d\"e\n"), None);
        assert_eq!(unterminated_quote("a,\"multi\nline\",b\n"), None);
    }

    #[test]
    fn an_optional_team_column_or_key() {
        let (rows, bad) = parse(
            "email,TEAM\na@x.io,\"Data Engineering, EU\"\nb@x.io,\n",
            Path::new("f"),
        )
        .unwrap();
        assert!(bad.is_empty());
        let teams: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r.email.as_str(), r.team.as_str()))
            .collect();
        assert_eq!(teams, [("a@x.io", "Data Engineering, EU"), ("b@x.io", "")]);
        let (rows, bad) = parse(
            "{\"team\":\" Platform Team \",\"email\":\"a@x.io\"}\n{\"email\":\"b@x.io\",\"team\":null}\n{\"email\":\"c@x.io\",\"team\":3}\n",
            Path::new("f"),
        )
        .unwrap();
        let teams: Vec<(usize, &str)> = rows.iter().map(|r| (r.line, r.team.as_str())).collect();
        assert_eq!(teams, [(1, "Platform Team"), (2, "")]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3]);
        // Without the column every row's Team is empty.
        let (rows, _) = parse("email,role\na@x.io,owner\n", Path::new("f")).unwrap();
        assert_eq!(rows[0].team, "");
    }

    #[test]
    fn an_optional_deployment_column_or_key() {
        let (rows, bad) = parse(
            "email,role,DEPLOYMENT,workspace\na@x.io,admin,\"Loads, EU\",Analytics\nb@x.io,, c1 \nc@x.io\n",
            Path::new("f"),
        )
        .unwrap();
        assert!(bad.is_empty());
        let got: Vec<(usize, &str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.email.as_str(),
                    r.deployment.as_str(),
                    r.workspace.as_str(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (2, "a@x.io", "Loads, EU", "Analytics"),
                (3, "b@x.io", "c1", ""),
                (4, "c@x.io", "", ""),
            ]
        );
        let (rows, bad) = parse(
            "{\"email\":\"a@x.io\",\"deployment\":\" Ingestion \",\"role\":\"admin\"}\n{\"email\":\"b@x.io\",\"deployment\":null}\n{\"email\":\"c@x.io\",\"deployment\":7}\n",
            Path::new("f"),
        )
        .unwrap();
        let got: Vec<(usize, &str)> = rows
            .iter()
            .map(|r| (r.line, r.deployment.as_str()))
            .collect();
        assert_eq!(got, [(1, "Ingestion"), (2, "")]);
        assert_eq!(bad.iter().map(|b| b.line).collect::<Vec<_>>(), [3]);
        // Without the column every row's Deployment is empty.
        let (rows, _) = parse("email,role\na@x.io,admin\n", Path::new("f")).unwrap();
        assert_eq!(rows[0].deployment, "");
    }
}
