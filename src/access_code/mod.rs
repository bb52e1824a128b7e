//! Access as code: an Organization's whole access (Organization roles, Workspace and
//! Deployment roles, Teams, their roles and members, invites) in one reviewed file. This module
//! reads such a file ([`tree`], [`file`]), reads the live access ([`live`]), resolves the
//! file's names against it ([`resolve`]), writes the live access as a file ([`export`]) and
//! compares the two ([`plan`]). The commands are `astro organization access export|plan`.
//! (`crate::access` is another thing: one member's access, named, for `user get`.)

pub mod export;
pub mod file;
pub mod live;
pub mod plan;
pub mod resolve;
pub mod tree;

use std::io::{IsTerminal, Read};
use std::path::Path;

use crate::error::CliError;
use crate::output;

use tree::Problem;

/// An access file is capped so that a wrong file cannot exhaust memory.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// How `FILE:LINE:COLUMN` messages name the file: the path as given, `<stdin>` for `-`.
pub fn source_label(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "<stdin>".to_owned()
    } else {
        path.display().to_string()
    }
}

/// The file's text (`-`: stdin). Unreadable or not UTF-8: exit 2.
pub fn read_source(path: &Path) -> Result<String, CliError> {
    let mut bytes = Vec::new();
    let result = if path.as_os_str() == "-" {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            output::note("reading the access file from stdin, Ctrl-D to end");
        }
        stdin.take(MAX_BYTES).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_BYTES).read_to_end(&mut bytes))
    };
    let label = source_label(path);
    result.map_err(|e| CliError::usage(format!("cannot read `{label}`: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        CliError::usage(format!(
            "`{label}` is not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Prints every problem as `FILE:LINE:COLUMN: message` on stderr, in the file's order, and
/// returns the exit-2 error that ends the run.
pub fn report(label: &str, problems: Vec<Problem>) -> CliError {
    report_with_hint(
        label,
        problems,
        "fix them and run it again; `astro organization access export` writes a valid file",
    )
}

/// [`report`], with another hint.
pub fn report_with_hint(label: &str, mut problems: Vec<Problem>, hint: &str) -> CliError {
    problems.sort();
    problems.dedup();
    for p in &problems {
        output::note(&format!(
            "{label}:{}:{}: {}",
            p.at.line,
            p.at.column,
            crate::text::cell(&p.message)
        ));
    }
    let n = problems.len();
    CliError::usage(format!(
        "`{label}` has {} {}; nothing was planned",
        n,
        if n == 1 { "problem" } else { "problems" }
    ))
    .with_hint(hint)
}
