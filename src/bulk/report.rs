//! What the bulk forms of `update`, `invite` and `workspace|deployment user add|update|remove` share: a result per row (with the keys of the
//! single command's JSON), printed as a table at the end or as NDJSON in file order as rows
//! complete; a summary on stderr; and a bounded-concurrency
//! executor that, on Ctrl-C, stops starting rows, lets the ones in flight finish, and reports
//! every row (applied, failed, or not started), so nothing is lost or sent twice.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::path::Path;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use serde::Serialize;

use crate::bulk::read::{self, RawRow};
use crate::context::Ctx;
use crate::error::{CliError, Exit};
use crate::output;
use crate::text;

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
    /// Team members (`organization team user add|remove`).
    Added,
    Removed,
    NotMember,
    WouldAdd,
    WouldRemove,
    NotFound,
    Failed,
    Invalid,
    /// Not started because the run was interrupted.
    Skipped,
    /// A change of `organization access apply` made.
    Applied,
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
            Status::Added => "added",
            Status::Removed => "removed",
            Status::NotMember => "not a member",
            Status::WouldAdd => "would add",
            Status::WouldRemove => "would remove",
            Status::NotFound => "not found",
            Status::Failed => "failed",
            Status::Invalid => "invalid",
            Status::Skipped => "skipped",
            Status::Applied => "applied",
        }
    }

    /// Rows that count against the run's exit code.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            Status::NotFound | Status::Failed | Status::Invalid | Status::Skipped
        )
    }
}

/// What a row did, in the same keys as the single command's `--json` (so a script reads one
/// shape either way). Fields a row could not learn (an invalid row has no user ID) are null.
pub trait Outcome: Serialize + Clone {
    /// The outcome of a row that never reached its user: only the email is known.
    fn for_email(email: &str) -> Self;
    fn email(&self) -> &str;
    /// The value before (the table's FROM column).
    fn before(&self) -> Option<&str>;
    /// The value asked for (the table's TO column).
    fn after(&self) -> Option<&str>;
    /// The header of a column naming where each row applies (`WORKSPACE`), for commands whose
    /// rows may each name their own scope; `None` leaves the column out.
    const SCOPE: Option<&'static str> = None;
    /// Where this row applies (the SCOPE column).
    fn scope(&self) -> Option<&str> {
        None
    }
}

/// One row's result: its line in the file, what happened, why (for rows not applied), and the
/// command's outcome keys.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowResult<T> {
    pub line: usize,
    pub result: Status,
    pub message: Option<String>,
    #[serde(flatten)]
    pub outcome: T,
}

impl<T: Outcome> RowResult<T> {
    pub fn new(line: usize, result: Status, outcome: T) -> Self {
        Self {
            line,
            result,
            message: None,
            outcome,
        }
    }

    /// A row that never reached its user.
    pub fn about(line: usize, email: &str, result: Status) -> Self {
        Self::new(line, result, T::for_email(email))
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }
}

/// A bulk file's rows, checked: the valid ones, a result for each invalid one, and every row's
/// line (results are reported in this order).
pub struct Rows<V, T> {
    pub valid: Vec<V>,
    pub invalid: Vec<RowResult<T>>,
    pub lines: Vec<usize>,
}

/// Reads and checks a bulk file. `check` turns a row into the key that identifies its user and
/// the valid row; a second row for the same key is invalid. Invalid rows are listed on stderr
/// with their line numbers and, without `skip_invalid`, end the run before any request.
pub fn read_rows<V, T: Outcome>(
    source: &Path,
    skip_invalid: bool,
    check: impl FnMut(&RawRow) -> Result<(String, V), String>,
) -> Result<Rows<V, T>, CliError> {
    read_rows_keyed(source, skip_invalid, "user", check)
}

/// As [`read_rows`], where the key identifies `what` (`user and Workspace`): a second row with
/// the same key is invalid as "the same {what} as line N".
pub fn read_rows_keyed<V, T: Outcome>(
    source: &Path,
    skip_invalid: bool,
    what: &str,
    mut check: impl FnMut(&RawRow) -> Result<(String, V), String>,
) -> Result<Rows<V, T>, CliError> {
    let (raw, bad) = read::parse(&read::read_source(source)?, source)?;
    let mut lines: Vec<usize> = raw
        .iter()
        .map(|r| r.line)
        .chain(bad.iter().map(|b| b.line))
        .collect();
    lines.sort_unstable();
    let mut invalid: Vec<RowResult<T>> = bad
        .into_iter()
        .map(|b| RowResult::about(b.line, "", Status::Invalid).with_message(b.message))
        .collect();
    let mut valid = Vec::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for row in raw {
        let checked = check(&row).and_then(|(key, value)| match first_line.get(&key) {
            Some(first) => Err(format!("the same {what} as line {first}")),
            None => {
                first_line.insert(key, row.line);
                Ok(value)
            }
        });
        match checked {
            Ok(value) => valid.push(value),
            Err(message) => invalid.push(
                RowResult::about(row.line, &row.email, Status::Invalid).with_message(message),
            ),
        }
    }
    invalid.sort_by_key(|r| r.line);
    stop_on_invalid(&invalid, skip_invalid, source)?;
    Ok(Rows {
        valid,
        invalid,
        lines,
    })
}

/// Lists invalid rows on stderr with their line numbers; without `skip_invalid`, any of them
/// ends the run before a change is sent.
pub fn stop_on_invalid<T>(
    invalid: &[RowResult<T>],
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
        "{} in {}; nothing was sent",
        text::count(invalid.len(), "invalid row", "invalid rows"),
        read::source_name(source)
    ))
    .with_hint("fix the rows above, or pass --skip-invalid to apply the valid ones"))
}

/// Collects results and reports them in the file's order: with `--json`, each row is printed
/// as soon as every row before it is done; otherwise a table at the end.
pub struct Report<T> {
    json: bool,
    /// Lines not yet printed, in file order.
    order: VecDeque<usize>,
    waiting: BTreeMap<usize, RowResult<T>>,
    rows: Vec<RowResult<T>>,
    /// Each reported line's result.
    results: HashMap<usize, Status>,
    /// stdout was closed (`| head`) or a row could not be printed (a `--jq` error): start no
    /// more rows, but account for every row.
    output_closed: bool,
    /// Why a row could not be printed, reported when the run ends.
    output_error: Option<CliError>,
    /// The header of the table's column naming where each row applies (see
    /// [`Outcome::SCOPE`]).
    scope: Option<&'static str>,
    /// The headers of the first two columns: the row's number and whom it is about.
    first: [&'static str; 2],
}

impl<T: Outcome> Report<T> {
    pub fn new(json: bool, lines: &[usize]) -> Self {
        Self {
            json,
            order: lines.iter().copied().collect(),
            waiting: BTreeMap::new(),
            rows: Vec::new(),
            results: HashMap::new(),
            output_closed: false,
            output_error: None,
            scope: T::SCOPE,
            first: ["LINE", "EMAIL"],
        }
    }

    /// Heads the first two columns `number` and `subject` instead of `LINE` and `EMAIL`.
    pub fn with_columns(mut self, number: &'static str, subject: &'static str) -> Self {
        self.first = [number, subject];
        self
    }

    /// Heads the table's scope column `header` (`DEPLOYMENT`) instead of [`Outcome::SCOPE`],
    /// for an outcome type used at several levels.
    pub fn with_scope(mut self, header: &'static str) -> Self {
        self.scope = Some(header);
        self
    }

    pub fn push(&mut self, ctx: &Ctx, row: RowResult<T>) -> Result<(), CliError> {
        self.results.insert(row.line, row.result);
        self.waiting.insert(row.line, row);
        while let Some(line) = self.order.front().copied() {
            let Some(row) = self.waiting.remove(&line) else {
                break;
            };
            self.order.pop_front();
            self.emit(ctx, row)?;
        }
        Ok(())
    }

    fn emit(&mut self, ctx: &Ctx, row: RowResult<T>) -> Result<(), CliError> {
        if self.json && !self.output_closed {
            let printed = ctx.print_json_line(&row);
            self.note_output(printed)?;
        }
        self.rows.push(row);
        Ok(())
    }

    /// The result reported for `line`, once it has been.
    pub fn status_of(&self, line: usize) -> Option<Status> {
        self.results.get(&line).copied()
    }

    pub fn output_closed(&self) -> bool {
        self.output_closed
    }

    /// A closed stdout (reported as a quiet success by the output module), or a row that could
    /// not be printed, stops the run from starting rows instead of ending it with rows in
    /// flight; every row is still accounted for in the summary.
    fn note_output(&mut self, result: Result<(), CliError>) -> Result<(), CliError> {
        match result {
            Ok(()) => {}
            Err(e) if e.exit == Exit::Success => {
                if !self.output_closed {
                    output::note("standard output was closed: starting no more rows");
                }
                self.output_closed = true;
            }
            Err(e) => {
                if self.output_error.is_none() {
                    output::note(&format!(
                        "a result could not be printed ({}): starting no more rows",
                        e.message
                    ));
                    self.output_error = Some(e);
                }
                self.output_closed = true;
            }
        }
        Ok(())
    }

    /// Prints the table (without `--json`) and the summary, and turns the run into an outcome.
    pub fn finish(mut self, ctx: &Ctx, interrupted: bool) -> Result<(), CliError> {
        // Rows outside the expected lines (there should be none) are reported last.
        let late: Vec<RowResult<T>> = std::mem::take(&mut self.waiting).into_values().collect();
        for row in late {
            self.emit(ctx, row)?;
        }
        if !self.json && !self.rows.is_empty() && !self.output_closed {
            let table: Vec<Vec<String>> = self
                .rows
                .iter()
                .map(|r| {
                    let mut cells = vec![r.line.to_string(), r.outcome.email().to_owned()];
                    if self.scope.is_some() {
                        cells.push(r.outcome.scope().unwrap_or_default().to_owned());
                    }
                    cells.extend([
                        r.result.label().to_owned(),
                        r.outcome.before().unwrap_or_default().to_owned(),
                        r.outcome.after().unwrap_or_default().to_owned(),
                        r.message.clone().unwrap_or_default(),
                    ]);
                    cells
                })
                .collect();
            let mut header = self.first.to_vec();
            let mut cut_first = vec![self.first[1]];
            if let Some(scope) = self.scope {
                header.push(scope);
                cut_first.push(scope);
            }
            header.extend(["RESULT", "FROM", "TO", "MESSAGE"]);
            cut_first.push("MESSAGE");
            let printed = ctx.print_table(&header, (&cut_first, &["FROM"]), table, ("row", "rows"));
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
        let total = self.rows.len();
        output::note(&format!(
            "{summary} ({})",
            text::count(total, "row", "rows")
        ));
        let problems = self.rows.iter().filter(|r| r.result.is_problem()).count();
        if interrupted {
            return Err(CliError::new(
                Exit::Interrupted,
                "interrupted: rows not started are reported as skipped",
            ));
        }
        if let Some(err) = self.output_error {
            return Err(err);
        }
        if problems > 0 {
            return Err(CliError::failure(format!(
                "{problems} of {} not applied",
                text::count(total, "row was", "rows were")
            )));
        }
        Ok(())
    }
}

/// Runs `apply` on every task, at most `concurrency` at once, reporting each result. Returns
/// whether the run was interrupted.
pub async fn execute<T, F, Fut>(
    ctx: &Ctx,
    report: &mut Report<T>,
    tasks: Vec<RowResult<T>>,
    concurrency: usize,
    apply: F,
) -> Result<bool, CliError>
where
    T: Outcome,
    F: Fn(RowResult<T>) -> Fut,
    Fut: Future<Output = RowResult<T>>,
{
    let groups = tasks.into_iter().map(|task| vec![task]).collect();
    execute_groups(
        ctx,
        report,
        groups,
        concurrency,
        |group: Vec<RowResult<T>>| {
            let one = group.into_iter().next().map(&apply);
            async move {
                match one {
                    Some(row) => vec![row.await],
                    None => Vec::new(),
                }
            }
        },
    )
    .await
}

/// Runs `apply` on every group of rows (rows that must be applied together, such as all the
/// rows about one user), at most `concurrency` groups at once, reporting each row. On Ctrl-C
/// the groups in flight finish and the rows of groups not started are reported as skipped.
/// Returns whether the run was interrupted.
pub async fn execute_groups<T, F, Fut>(
    ctx: &Ctx,
    report: &mut Report<T>,
    groups: Vec<Vec<RowResult<T>>>,
    concurrency: usize,
    apply: F,
) -> Result<bool, CliError>
where
    T: Outcome,
    F: Fn(Vec<RowResult<T>>) -> Fut,
    Fut: Future<Output = Vec<RowResult<T>>>,
{
    ctx.interrupt.claim();
    let total: usize = groups.iter().map(Vec::len).sum();
    let spinner =
        output::Spinner::start(format!("Applying {}…", text::count(total, "row", "rows")));
    let mut done = 0;
    let mut pending = groups.into_iter();
    let mut in_flight = FuturesUnordered::new();
    let mut stopping = false;
    loop {
        while !stopping && !report.output_closed() && in_flight.len() < concurrency {
            match pending.next() {
                Some(group) => in_flight.push(apply(group)),
                None => break,
            }
        }
        if in_flight.is_empty() {
            break;
        }
        tokio::select! {
            Some(rows) = in_flight.next() => {
                for row in rows {
                    report.push(ctx, row)?;
                    done += 1;
                }
                spinner.set_message(format!(
                    "Applied {done} of {}…",
                    text::count(total, "row", "rows")
                ));
            }
            () = ctx.interrupt.soft(), if !stopping => {
                stopping = true;
                output::note("interrupted: finishing the requests in flight, starting no more (Ctrl-C again to stop at once)");
            }
        }
    }
    drop(spinner);
    for mut task in pending.flatten() {
        task.result = Status::Skipped;
        report.push(ctx, task)?;
    }
    Ok(stopping)
}
