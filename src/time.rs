//! Unix seconds to and from RFC 3339 (`2026-11-26T12:00:00Z`), the format the Go CLI stores
//! token expiry in. Small enough not to need a date crate.

use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (Howard Hinnant's method).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// How far off `secs` is, for people: `45 min`, `3 h 20 min`, `12 days`.
pub fn human_duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{} min", m.max(1)),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, _, _) => "1 day".to_owned(),
        (d, _, _) => format!("{d} days"),
    }
}

/// An expiry for a table: `2026-12-13 (in 12 days)`, `… (expired)`, or `never`.
pub fn expiry(end_at: Option<&str>, now: i64) -> String {
    let Some(end) = end_at else {
        return "never".to_owned();
    };
    let day = end.get(..10).unwrap_or(end);
    match parse_rfc3339(end) {
        Some(at) if at > now => format!("{day} (in {})", human_duration(at - now)),
        Some(_) => format!("{day} (expired)"),
        None => end.to_owned(),
    }
}

pub fn format_rfc3339(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(86_400));
    let secs = unix.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// A day (`2026-11-01`, its first second UTC, or with `end_of_day` the first second of the
/// next day) or an RFC 3339 time, as Unix seconds; `None` for anything else, an impossible
/// date (`2026-02-30`) included.
pub fn parse_day_or_time(s: &str, end_of_day: bool) -> Option<i64> {
    let s = s.trim();
    let day = s.get(..10)?;
    let b = day.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = day.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, date) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&date) {
        return None;
    }
    let days = days_from_civil(year, month as u32, date as u32);
    if civil_from_days(days) != (year, month as u32, date as u32) {
        return None;
    }
    if s.len() == 10 {
        return Some((days + i64::from(end_of_day)) * 86_400);
    }
    parse_rfc3339(s)
}

/// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && (rest.starts_with('+') || rest.starts_with('-')) => {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            if rest.as_bytes()[3] != b':' {
                return None;
            }
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_and_expiries_read_naturally() {
        assert_eq!(super::human_duration(30), "1 min");
        assert_eq!(super::human_duration(3 * 3600 + 20 * 60), "3 h 20 min");
        assert_eq!(super::human_duration(12 * 86_400 + 4 * 3600), "12 days");
        let now = super::parse_rfc3339("2026-12-01T00:00:00Z").unwrap();
        assert_eq!(super::expiry(None, now), "never");
        assert_eq!(
            super::expiry(Some("2026-12-13T00:00:00Z"), now),
            "2026-12-13 (in 12 days)"
        );
        assert_eq!(
            super::expiry(Some("2026-11-13T00:00:00Z"), now),
            "2026-11-13 (expired)"
        );
    }

    use super::*;

    #[test]
    fn days_and_times_parse_and_impossible_dates_do_not() {
        let day = parse_rfc3339("2026-11-01T00:00:00Z").unwrap();
        assert_eq!(parse_day_or_time("2026-11-01", false), Some(day));
        assert_eq!(parse_day_or_time("2026-11-01", true), Some(day + 86_400));
        assert_eq!(
            parse_day_or_time("2026-11-01T08:00:00+01:00", true),
            Some(day + 7 * 3600)
        );
        for bad in [
            "",
            "yesterday",
            "2026-02-30",
            "2026-11-1",
            "2026-11-01T25:00:00Z",
        ] {
            assert_eq!(parse_day_or_time(bad, false), None, "{bad}");
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(1_795_694_400), "2026-11-26T12:00:00Z");
        assert_eq!(format_rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn parses_what_it_formats_and_go_offsets() {
        for t in [0, 951_782_400, 1_795_694_400, 4_102_444_799] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t));
        }
        assert_eq!(
            parse_rfc3339("2026-11-26T13:00:00+01:00"),
            Some(1_795_694_400)
        );
        assert_eq!(
            parse_rfc3339("2026-11-26T12:00:00.123456789Z"),
            Some(1_795_694_400)
        );
        for bad in [
            "",
            "2026-11-26",
            "2026-13-01T00:00:00Z",
            "2026-11-26T12:00:00",
            "x026-11-26T12:00:00Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
