//! `astro organization audit-logs export` (`al e`): GetOrganizationAuditLogs for a time range,
//! streamed as it arrives (gzip-compressed NDJSON, written as the API sends it) into a file
//! replaced atomically, or to stdout. Never more than one chunk of it is in memory.

use std::path::{Path, PathBuf};

use crate::api::ApiError;
use crate::atomic_file::AtomicFile;
use crate::cli::{Global, GlobalSet, Takes};
use crate::context::Ctx;
use crate::error::{CliError, echo};
use crate::lookup;
use crate::output;
use crate::time::{format_rfc3339, now_unix, parse_day_or_time};

const DAY: i64 = 86_400;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "The file is what the Astro API sends: gzip-compressed NDJSON, one audit event a line \
                  (`gunzip -c FILE | jq .` reads it). Without -o it is written to the current directory \
                  as the Go CLI names it, `<organization>-logs-<N>-days-<YYYYMMDD>.ndjson.gz`; an \
                  existing file of that name is replaced, atomically: an export that fails or is \
                  interrupted leaves no file behind. A DATE alone covers that whole day in UTC (--end \
                  2026-11-01 ends at the end of that day). Astro keeps audit logs for 90 days, and only \
                  Organization Owners may export them.\n\n\
                  Examples:\n  astro organization audit-logs export\n  \
                  astro org al e --last 30 -o october.ndjson.gz\n  \
                  astro org al e --start 2026-11-01 --end 2026-11-07 -o - | gunzip | jq -r .action | sort | uniq -c"
)]
pub struct ExportArgs {
    /// The first moment to export: a DATE (2026-11-01) or an RFC 3339 time (2026-11-01T08:00:00Z)
    #[arg(long, value_name = "DATE", conflicts_with = "last")]
    pub start: Option<String>,

    /// The end of the range (default: now); a DATE alone means the end of that day
    #[arg(long, value_name = "DATE", conflicts_with = "last")]
    pub end: Option<String>,

    /// The last DAYS days, up to now (1 to 90; the default: 1)
    #[arg(
        long,
        short = 'i',
        visible_alias = "include",
        value_name = "DAYS",
        value_parser = clap::value_parser!(u32).range(1..=90)
    )]
    pub last: Option<u32>,

    /// Write to FILE (`-` for stdout) [default: <organization>-logs-<N>-days-<YYYYMMDD>.ndjson.gz]
    #[arg(
        short = 'o',
        long = "output",
        visible_alias = "output-file",
        value_name = "FILE"
    )]
    pub output: Option<PathBuf>,

    /// The Organization by name (or ID) instead of --organization-id, as the Go CLI's -n
    #[arg(short = 'n', long = "organization-name", value_name = "NAME")]
    pub organization_name: Option<String>,

    /// Print what was written (file, bytes, range) as JSON on stdout; not with `-o -`
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub globals: Takes<ExportGlobals>,
}

/// The Organization, requests, and JSON for the summary.
pub struct ExportGlobals;
impl GlobalSet for ExportGlobals {
    const TAKES: &'static [Global] = &[Global::OrganizationId, Global::Json, Global::Http];
}

/// What `--json` prints once the export is written.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Written {
    organization_id: String,
    file: String,
    bytes: u64,
    start_date: String,
    end_date: String,
}

/// The time range to export, in Unix seconds, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: i64,
    pub end: i64,
    /// Given as a number of days back from now (`--last`, or the default).
    pub days: Option<u32>,
}

impl ExportArgs {
    /// The range asked for, checked: dates that parse, the start before the end.
    pub fn range(&self, now: i64) -> Result<Range, CliError> {
        let parse = |flag: &str, value: &str, end_of_day: bool| {
            parse_day_or_time(value, end_of_day).ok_or_else(|| {
                CliError::usage(format!(
                    "{flag} `{}` is not a date: give a day such as 2026-11-01 or an RFC 3339 time \
                     such as 2026-11-01T08:00:00Z",
                    echo(value)
                ))
            })
        };
        let start = self
            .start
            .as_deref()
            .map(|s| parse("--start", s, false))
            .transpose()?;
        let end = self
            .end
            .as_deref()
            .map(|e| parse("--end", e, true))
            .transpose()?;
        let range = match (start, end) {
            (None, None) => {
                let days = self.last.unwrap_or(1);
                Range {
                    start: now - i64::from(days) * DAY,
                    end: now,
                    days: Some(days),
                }
            }
            (Some(start), None) => Range {
                start,
                end: now,
                days: None,
            },
            (None, Some(end)) => Range {
                start: end - DAY,
                end,
                days: None,
            },
            (Some(start), Some(end)) => Range {
                start,
                end,
                days: None,
            },
        };
        if range.start >= range.end {
            return Err(CliError::usage(format!(
                "--start must come before --end: the range would run from {} to {}",
                format_rfc3339(range.start),
                format_rfc3339(range.end)
            ))
            .with_hint("give a --start before the --end (a DATE alone as --end covers that day)"));
        }
        Ok(range)
    }

    /// Where to write: `None` for stdout (`-o -`), else the file (named for the Organization
    /// when `-o` is not given).
    fn target(&self, org_name: Option<&str>, range: &Range, now: i64) -> Option<PathBuf> {
        match &self.output {
            Some(p) if p.as_os_str() == "-" => None,
            Some(p) => Some(p.clone()),
            None => Some(PathBuf::from(default_file_name(
                org_name.unwrap_or("organization"),
                range,
                now,
            ))),
        }
    }
}

/// The Go CLI's name, `<organization name, lower case, no spaces>-logs-<N>-day[s]-<YYYYMMDD>.ndjson.gz`;
/// for a range given by dates, `<organization>-logs-<YYYYMMDD>-<YYYYMMDD>.ndjson.gz` (its
/// first and last day). Characters that cannot be in a file name become `-`.
pub fn default_file_name(org_name: &str, range: &Range, now: i64) -> String {
    let org: String = org_name
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| {
            if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                '-'
            } else {
                c
            }
        })
        .collect();
    let org = if org.is_empty() || org.starts_with('.') {
        format!("org{org}")
    } else {
        org
    };
    let day = |t: i64| format_rfc3339(t)[..10].replace('-', "");
    match range.days {
        Some(n) => format!(
            "{org}-logs-{n}-{}-{}.ndjson.gz",
            if n == 1 { "day" } else { "days" },
            day(now)
        ),
        None => format!(
            "{org}-logs-{}-{}.ndjson.gz",
            day(range.start),
            day(range.end - 1)
        ),
    }
}

pub async fn run(args: ExportArgs, ctx: &mut Ctx) -> Result<(), CliError> {
    let now = now_unix();
    let range = args.range(now)?;
    if let Some(name) = &args.organization_name
        && name.trim().is_empty()
    {
        return Err(CliError::usage(
            "--organization-name is empty (an unset shell variable?)",
        ));
    }
    let to_stdout = args.output.as_ref().is_some_and(|p| p.as_os_str() == "-");
    if to_stdout && output::stdout_is_terminal() {
        return Err(
            CliError::usage("refusing to write gzip-compressed data to a terminal")
                .with_hint("pipe it (`-o - | gunzip`), or give a file: -o FILE"),
        );
    }
    let json = ctx.wants_json(args.json);
    if to_stdout && json {
        return Err(CliError::usage(
            "--json prints a summary on stdout, which `-o -` fills with the logs",
        )
        .with_hint("give a file: -o FILE --json"));
    }
    if let Some(path) = args.output.as_ref().filter(|_| !to_stdout)
        && path.is_dir()
    {
        return Err(
            CliError::usage(format!("`{}` is a directory", path.display()))
                .with_hint("give a file name: -o DIR/audit-logs.ndjson.gz"),
        );
    }
    // The file is made before anything is asked of the API (when -o names it): a place that
    // cannot be written fails first, and a failure later leaves nothing behind (see `AtomicFile`).
    let mut partial = match args.output.as_deref() {
        Some(path) if !to_stdout => Some(AtomicFile::create(path)?),
        _ => None,
    };
    let (org_id, org_name) = organization(&args, ctx).await?;
    let target = args.target(org_name.as_deref(), &range, now);
    if partial.is_none()
        && let Some(path) = target.as_deref()
    {
        partial = Some(AtomicFile::create(path)?);
    }
    let (start, end) = (format_rfc3339(range.start), format_rfc3339(range.end));
    let client = ctx.client().await?;
    let spinner = output::Spinner::start("Exporting audit logs…");
    let mut download = client.audit_logs(&org_id, &start, &end).await?;
    let mut written: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(2);
    loop {
        let chunk = match download.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(e) => return Err(cut(e, written, target.as_deref())),
        };
        let bytes = chunk.as_ref();
        if head.len() < 2 {
            head.extend(bytes.iter().take(2 - head.len()));
        }
        match partial.as_mut() {
            Some(p) => p.write(bytes)?,
            None => output::bytes(bytes)?,
        }
        written += bytes.len() as u64;
        spinner.set_message(format!("Exporting audit logs: {} so far", size(written)));
    }
    drop(spinner);
    if let (Some(p), Some(path)) = (partial.take(), target.as_deref()) {
        p.commit(path)?;
    }
    if written > 0 && head != [0x1f_u8, 0x8b] {
        output::note("warning: the API's answer is not gzip-compressed; it was written as it came");
    }
    let place = match &target {
        Some(path) => format!("`{}`", path.display()),
        None => "standard output".to_owned(),
    };
    output::note(&format!(
        "wrote {} of audit logs from {start} to {end} to {place}",
        size(written)
    ));
    match target {
        Some(path) if json => ctx.print_json(&Written {
            organization_id: org_id,
            file: path.display().to_string(),
            bytes: written,
            start_date: start,
            end_date: end,
        }),
        _ => Ok(()),
    }
}

/// The Organization's ID, and its name when the file is to be named after it: from `-n`
/// (looked up among the Organizations the token sees), else the usual resolution.
async fn organization(
    args: &ExportArgs,
    ctx: &mut Ctx,
) -> Result<(String, Option<String>), CliError> {
    let wants_name = args.output.is_none();
    if let Some(name) = &args.organization_name {
        let inputs = ctx.inputs()?;
        if inputs.organization_flag.is_some()
            && inputs.organization_flag_source == "--organization-id"
        {
            return Err(CliError::usage(
                "--organization-name and --organization-id both name the Organization",
            )
            .with_hint("give one of them"));
        }
        let client = ctx.client().await?;
        let organizations = client.list_all_organizations().await?;
        let found = lookup::find(&organizations, name.trim(), lookup::ORGANIZATION)?;
        return Ok((found.id.clone(), Some(found.name.clone())));
    }
    let (client, org) = ctx.api().await?;
    let org = org.to_owned();
    if !wants_name {
        return Ok((org, None));
    }
    let name = client.get_organization(&org).await?.name;
    Ok((org, Some(name)))
}

/// The error of a stream that broke off, saying what became of what had arrived.
fn cut(e: ApiError, written: u64, target: Option<&Path>) -> CliError {
    let what = match target {
        Some(path) => format!("nothing was written to `{}`", path.display()),
        None => "what reached standard output is incomplete".to_owned(),
    };
    CliError::failure(format!(
        "the export broke off after {}: {e}; {what}",
        size(written)
    ))
    .with_hint("run it again")
}

/// `12,345,678 bytes (11.8 MiB)`.
fn size(bytes: u64) -> String {
    let digits = bytes.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let unit = if bytes == 1 { "byte" } else { "bytes" };
    if bytes < 1024 {
        format!("{grouped} {unit}")
    } else if bytes < 1 << 20 {
        format!("{grouped} {unit} ({:.1} KiB)", bytes as f64 / 1024.0)
    } else {
        format!(
            "{grouped} {unit} ({:.1} MiB)",
            bytes as f64 / f64::from(1 << 20)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::parse_rfc3339;

    fn args(start: Option<&str>, end: Option<&str>, last: Option<u32>) -> ExportArgs {
        ExportArgs {
            start: start.map(str::to_owned),
            end: end.map(str::to_owned),
            last,
            output: None,
            json: false,
            organization_name: None,
            globals: Takes::default(),
        }
    }

    fn t(s: &str) -> i64 {
        parse_rfc3339(s).unwrap()
    }

    #[test]
    fn ranges_default_to_the_last_day_and_dates_cover_whole_days() {
        let now = t("2026-12-01T10:00:00Z");
        let last_day = args(None, None, None).range(now).unwrap();
        assert_eq!(
            (last_day.start, last_day.end, last_day.days),
            (now - DAY, now, Some(1))
        );
        assert_eq!(
            args(None, None, Some(30)).range(now).unwrap().start,
            now - 30 * DAY
        );
        let week = args(Some("2026-11-01"), Some("2026-11-07"), None)
            .range(now)
            .unwrap();
        assert_eq!(
            (week.start, week.end),
            (t("2026-11-01T00:00:00Z"), t("2026-11-08T00:00:00Z"))
        );
        let since = args(Some("2026-11-30T08:00:00+01:00"), None, None)
            .range(now)
            .unwrap();
        assert_eq!((since.start, since.end), (t("2026-11-30T07:00:00Z"), now));
        let until = args(None, Some("2026-11-01T12:00:00Z"), None)
            .range(now)
            .unwrap();
        assert_eq!(until.start, t("2026-10-31T12:00:00Z"));
    }

    #[test]
    fn bad_dates_and_empty_ranges_are_usage_errors() {
        let now = t("2026-12-01T10:00:00Z");
        for (start, end) in [
            (Some("yesterday"), None),
            (Some("2026-02-30"), None),
            (None, Some("2026-11-01T25:00:00Z")),
            (Some("2026-11-02"), Some("2026-11-01")),
            (Some("2026-11-01T10:00:00Z"), Some("2026-11-01T10:00:00Z")),
            (Some("2026-12-02"), None),
        ] {
            let err = args(start, end, None).range(now).unwrap_err();
            assert_eq!(err.exit, crate::error::Exit::Usage, "{start:?} {end:?}");
        }
    }

    #[test]
    fn the_default_file_is_named_as_the_go_cli_names_it() {
        let now = t("2026-12-01T10:00:00Z");
        let last = |days| Range {
            start: now - DAY,
            end: now,
            days: Some(days),
        };
        assert_eq!(
            default_file_name("Example Org", &last(1), now),
            "exampleorg-logs-1-day-20261201.ndjson.gz"
        );
        assert_eq!(
            default_file_name("Ops / EU", &last(30), now),
            "ops-eu-logs-30-days-20261201.ndjson.gz"
        );
        let week = args(Some("2026-11-01"), Some("2026-11-07"), None)
            .range(now)
            .unwrap();
        assert_eq!(
            default_file_name("A", &week, now),
            "a-logs-20261101-20261107.ndjson.gz"
        );
        assert_eq!(
            default_file_name("..", &last(1), now),
            "org..-logs-1-day-20261201.ndjson.gz"
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(1023), "1,023 bytes");
        assert_eq!(size(209_715_200), "209,715,200 bytes (200.0 MiB)");
    }
}
