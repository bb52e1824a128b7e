//! What the bulk forms of `update` and `invite` share: a result per row, printed as a table at
//! the end or as NDJSON as rows complete; a summary on stderr; and a bounded-concurrency
//! executor that, on Ctrl-C, stops starting rows, lets the ones in flight finish, and reports
//! every row (applied, failed, or not started), so nothing is lost or sent twice.

use std::collections::HashMap;
use std::future::Future;
use std::path::Path;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;

use crate::bulk::{self, RawRow};
use crate::commands::Ctx;
use crate::error::{CliError, Exit};
use crate::output;

/// The outcome of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Changed,
    Unchanged,
    Invited,
    AlreadyMember,
    WouldChange,
    WouldInvite,
    NotFound,
    Failed,
    Invalid,
    /// Not started because the run was interrupted.
    Skipped,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Changed => "changed",
            Status::Unchanged => "unchanged",
            Status::Invited => "invited",
            Status::AlreadyMember => "already a member",
            Status::WouldChange => "would change",
            Status::WouldInvite => "would invite",
            Status::NotFound => "not found",
            Status::Failed => "failed",
            Status::Invalid => "invalid",
            Status::Skipped => "skipped",
        }
    }

    /// Rows that count against the run's exit code.
    fn is_problem(self) -> bool {
        matches!(
            self,
            Status::NotFound | Status::Failed | Status::Invalid | Status::Skipped
        )
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResult {
    pub line: usize,
    pub email: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_role: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    pub result: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl RowResult {
    pub fn new(line: usize, email: &str, result: Status) -> Self {
        Self {
            line,
            email: email.to_owned(),
            id: None,
            previous_role: None,
            role: None,
            result,
            message: None,
        }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// A bulk file's rows, checked: the valid ones (with the key that identifies their user), and a
/// result for each invalid one. Invalid rows are listed on stderr with their line numbers and,
/// without `skip_invalid`, end the run before any request. A second row for the same key is
/// invalid.
pub fn read_rows<T>(
    source: &Path,
    skip_invalid: bool,
    mut check: impl FnMut(&RawRow) -> Result<(String, T), String>,
) -> Result<(Vec<T>, Vec<RowResult>), CliError> {
    let (raw, bad) = bulk::parse(&bulk::read_source(source)?)?;
    let mut invalid: Vec<RowResult> = bad
        .into_iter()
        .map(|b| RowResult::new(b.line, "", Status::Invalid).with_message(b.message))
        .collect();
    let mut valid = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for row in raw {
        let checked = check(&row).and_then(|(key, value)| match first_line.get(&key) {
            Some(first) => Err(format!("the same user as line {first}")),
            None => {
                first_line.insert(key, row.line);
                Ok(value)
            }
        });
        match checked {
            Ok(value) => valid.push(value),
            Err(message) => invalid
                .push(RowResult::new(row.line, &row.email, Status::Invalid).with_message(message)),
        }
    }
    invalid.sort_by_key(|r| r.line);
    stop_on_invalid(&invalid, skip_invalid, source)?;
    Ok((valid, invalid))
}

/// Lists invalid rows on stderr with their line numbers; without `skip_invalid`, any of them
/// ends the run before a change is sent.
pub fn stop_on_invalid(
    invalid: &[RowResult],
    skip_invalid: bool,
    source: &Path,
) -> Result<(), CliError> {
    if invalid.is_empty() {
        return Ok(());
    }
    for row in invalid {
        let message = row.message.as_deref().unwrap_or("invalid");
        output::note(&format!("line {}: {message}", row.line));
    }
    if skip_invalid {
        return Ok(());
    }
    Err(CliError::usage(format!(
        "{} invalid row{} in `{}`; nothing was sent",
        invalid.len(),
        if invalid.len() == 1 { "" } else { "s" },
        source.display()
    ))
    .with_hint("fix the rows above, or pass --skip-invalid to apply the valid ones"))
}

/// Collects results; with `--json` prints each as it arrives.
pub struct Report {
    json: bool,
    rows: Vec<RowResult>,
    /// stdout was closed (`| head`): keep applying nothing new, but account for every row.
    output_closed: bool,
}

impl Report {
    pub fn new(json: bool) -> Self {
        Self {
            json,
            rows: Vec::new(),
            output_closed: false,
        }
    }

    pub fn push(&mut self, ctx: &Ctx, row: RowResult) -> Result<(), CliError> {
        if self.json && !self.output_closed {
            self.note_output(ctx.print_json_line(&row))?;
        }
        self.rows.push(row);
        Ok(())
    }

    pub fn output_closed(&self) -> bool {
        self.output_closed
    }

    /// A closed stdout (reported as a quiet success by the output module) stops the run from
    /// starting rows instead of ending it with rows in flight.
    fn note_output(&mut self, result: Result<(), CliError>) -> Result<(), CliError> {
        match result {
            Err(e) if e.exit == Exit::Success => {
                if !self.output_closed {
                    output::note("standard output was closed: starting no more rows");
                }
                self.output_closed = true;
                Ok(())
            }
            other => other,
        }
    }

    /// Prints the table (without `--json`) and the summary, and turns the run into an outcome.
    pub fn finish(mut self, interrupted: bool) -> Result<(), CliError> {
        self.rows.sort_by_key(|r| r.line);
        if !self.json && !self.rows.is_empty() {
            let table: Vec<Vec<String>> = self
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.line.to_string(),
                        r.email.clone(),
                        r.result.label().to_owned(),
                        r.previous_role.clone().unwrap_or_default(),
                        r.role.clone().unwrap_or_default(),
                        r.message.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            let printed = output::data(&output::table(
                &["LINE", "EMAIL", "RESULT", "FROM", "TO", "MESSAGE"],
                &table,
            ));
            self.note_output(printed)?;
        }
        let mut counts: Vec<(Status, usize)> = Vec::new();
        for row in &self.rows {
            match counts.iter_mut().find(|(s, _)| *s == row.result) {
                Some((_, n)) => *n += 1,
                None => counts.push((row.result, 1)),
            }
        }
        counts.sort_by_key(|(s, _)| *s as u8);
        let parts: Vec<String> = counts
            .iter()
            .map(|(s, n)| format!("{n} {}", s.label()))
            .collect();
        let summary = if parts.is_empty() {
            "nothing to do".to_owned()
        } else {
            parts.join(", ")
        };
        output::note(&format!("{summary} ({} rows)", self.rows.len()));
        let problems = self.rows.iter().filter(|r| r.result.is_problem()).count();
        if interrupted {
            return Err(CliError::new(
                Exit::Interrupted,
                "interrupted: rows not started are reported as skipped",
            ));
        }
        if problems > 0 {
            return Err(CliError::failure(format!(
                "{problems} of {} rows were not applied",
                self.rows.len()
            )));
        }
        Ok(())
    }
}

/// Runs `apply` on every task, at most `concurrency` at once, reporting each result. Returns
/// whether the run was interrupted.
pub async fn execute<F, Fut>(
    ctx: &Ctx,
    report: &mut Report,
    tasks: Vec<RowResult>,
    concurrency: usize,
    apply: F,
) -> Result<bool, CliError>
where
    F: Fn(RowResult) -> Fut,
    Fut: Future<Output = RowResult>,
{
    ctx.interrupt.claim();
    let total = tasks.len();
    let spinner = output::Spinner::start(format!("Applying {total} rows…"));
    let mut done = 0;
    let mut pending = tasks.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut stopping = false;
    loop {
        while !stopping && !report.output_closed() && in_flight.len() < concurrency {
            match pending.next() {
                Some(task) => in_flight.push(apply(task)),
                None => break,
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            Some(row) = in_flight.next() => {
                report.push(ctx, row)?;
                done += 1;
                spinner.set_message(format!("Applied {done} of {total} rows…"));
            }
            () = ctx.interrupt.soft(), if !stopping => {
                stopping = true;
                output::note("interrupted: finishing the requests in flight, starting no more (Ctrl-C again to stop at once)");
            }
        }
    }
    drop(spinner);
    for mut task in pending {
        task.result = Status::Skipped;
        report.push(ctx, task)?;
    }
    Ok(stopping)
}
