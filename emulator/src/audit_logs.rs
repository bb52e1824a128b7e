//! GetOrganizationAuditLogs' body: the Organization's audit events between two instants as
//! gzip-compressed NDJSON (what the real API sends as `application/octet-stream`), generated
//! and compressed chunk by chunk as the client reads, so a body of any size costs the emulator
//! one chunk of memory.
//!
//! The events are a pure function of time and the Organization's people and objects: event
//! `k` of the timeline happens at `k × INTERVAL_MS` plus a jitter below `INTERVAL_MS` derived
//! from `k`, so two requests for the same range get the same bytes, and a range only selects.
//! Events are kept for [`RETENTION_DAYS`] days and none lie in the future. With a byte target
//! (`--audit-log-bytes`), the range is instead filled evenly with as many events as it takes
//! to send at least that many bytes.

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use hyper::body::Frame;

use crate::util::{SplitMix64, fnv1a};

/// How long Astro keeps audit events.
pub const RETENTION_DAYS: i64 = 90;
/// The mean gap between two events of the default timeline: 90 s, about 960 events a day.
pub const INTERVAL_MS: i64 = 90_000;
/// A chunk is sent once this much compressed data is ready.
const CHUNK: usize = 64 * 1024;
/// At most this much NDJSON is compressed per chunk (highly compressible runs stay bounded).
const MAX_RAW_PER_CHUNK: usize = 1 << 20;
/// The NDJSON size of an event, roughly, to spread a byte target's events over the range.
const APPROX_EVENT_BYTES: u64 = 560;

/// Who and what the events name: a snapshot of the Organization taken per request.
#[derive(Debug, Clone, Default)]
pub struct Cast {
    pub organization_id: String,
    /// (ID, email, full name).
    pub users: Vec<(String, String, String)>,
    /// (ID, name).
    pub workspaces: Vec<(String, String)>,
    /// (ID, name, Workspace ID).
    pub deployments: Vec<(String, String, String)>,
    /// (ID, name).
    pub teams: Vec<(String, String)>,
    /// (ID, name).
    pub api_tokens: Vec<(String, String)>,
}

/// Which events a body holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeline {
    /// The Organization's events in `[start_ms, end_ms)` (already clamped to the retention
    /// window and to now).
    Default { start_ms: i64, end_ms: i64 },
    /// Events spread evenly over `[start_ms, end_ms)` until at least `bytes` compressed bytes
    /// are sent (or the range is used up).
    Sized {
        start_ms: i64,
        end_ms: i64,
        bytes: u64,
    },
}

impl Timeline {
    /// The body for a request at `now_ms` for `[start_ms, end_ms)`, with an optional byte target.
    pub fn new(start_ms: i64, end_ms: i64, now_ms: i64, bytes: Option<u64>) -> Timeline {
        let end_ms = end_ms.min(now_ms);
        match bytes {
            Some(bytes) => Timeline::Sized {
                start_ms,
                end_ms: end_ms.max(start_ms),
                bytes,
            },
            None => {
                let start_ms = start_ms.max(now_ms - RETENTION_DAYS * 86_400_000);
                Timeline::Default {
                    start_ms,
                    end_ms: end_ms.max(start_ms),
                }
            }
        }
    }
}

/// The events of a timeline, one at a time, oldest first.
struct Events {
    timeline: Timeline,
    /// Default: the next event index. Sized: how many events were made.
    next: i64,
    /// Sized: milliseconds between two events.
    step_ms: f64,
}

impl Events {
    fn new(timeline: Timeline) -> Events {
        match timeline {
            Timeline::Default { start_ms, .. } => Events {
                timeline,
                next: start_ms.div_euclid(INTERVAL_MS),
                step_ms: 0.0,
            },
            Timeline::Sized {
                start_ms,
                end_ms,
                bytes,
            } => {
                // The events compress about 8:1: plan for 12:1, so that the range does not
                // run out before the target.
                let wanted = (bytes / APPROX_EVENT_BYTES).max(1) * 12;
                Events {
                    timeline,
                    next: 0,
                    step_ms: (end_ms - start_ms) as f64 / wanted as f64,
                }
            }
        }
    }

    /// The next event's index (what its content derives from) and time, if any is left.
    fn next(&mut self) -> Option<(u64, i64)> {
        match self.timeline {
            Timeline::Default { start_ms, end_ms } => loop {
                let k = self.next;
                let at = k * INTERVAL_MS + (mix(k as u64, 0x71) % INTERVAL_MS as u64) as i64;
                if at >= end_ms {
                    return None;
                }
                self.next += 1;
                if at >= start_ms {
                    return Some((k as u64, at));
                }
            },
            Timeline::Sized {
                start_ms, end_ms, ..
            } => {
                let at = start_ms + (self.next as f64 * self.step_ms) as i64;
                if at >= end_ms {
                    return None;
                }
                self.next += 1;
                // Content indexed by the instant, as on the default timeline.
                Some(((at / INTERVAL_MS) as u64 ^ (self.next as u64) << 40, at))
            }
        }
    }
}

fn mix(k: u64, salt: u64) -> u64 {
    SplitMix64(k.wrapping_mul(0x9E37_79B9).wrapping_add(salt)).next_u64()
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn rfc3339_ms(ms: i64) -> String {
    let base = crate::util::rfc3339(ms.div_euclid(1000));
    format!("{}.{:03}Z", base.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// Parses an RFC 3339 date-time (`2026-11-01T00:00:00Z`, fractions and offsets allowed) to
/// Unix milliseconds.
pub fn parse_date_time(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if b[13] != b':' || b[16] != b':' || !(1..=12).contains(&mo) || !(1..=31).contains(&d) {
        return None;
    }
    if h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut ms = 0;
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &frac[..digits.min(3)]);
        ms = padded.parse::<i64>().ok()?;
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6 && matches!(rest.as_bytes()[0], b'+' | b'-') => {
            if rest.as_bytes()[3] != b':' {
                return None;
            }
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6)?.parse().ok()?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return None,
    };
    let (yy, mm) = if mo <= 2 {
        (y - 1, mo + 9)
    } else {
        (y, mo - 3)
    };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec - offset) * 1000 + ms)
}

const USER_AGENTS: [&str; 5] = [
    "astro-cli/1.29.0 (linux; amd64)",
    "astro-cli/1.28.1 (darwin; arm64)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "terraform-provider-astro/1.0.4",
];

/// The IP address an actor works from (documentation ranges, RFC 5737).
fn ip(seed: u64) -> String {
    let nets = ["192.0.2", "198.51.100", "203.0.113"];
    format!("{}.{}", nets[(seed % 3) as usize], 1 + (seed >> 8) % 254)
}

fn esc(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// One event as an NDJSON line (with its newline).
fn event_line(cast: &Cast, k: u64, at_ms: i64, out: &mut Vec<u8>) {
    let r = mix(k, 0xA0D1);
    let org = &cast.organization_id;
    let pick = |len: usize, salt: u64| -> usize {
        if len == 0 {
            0
        } else {
            (mix(k, salt) % len as u64) as usize
        }
    };
    // The actor: mostly people, sometimes an API token.
    let token_actor = !cast.api_tokens.is_empty() && r.is_multiple_of(5);
    let (actor, actor_seed) = if token_actor {
        let (id, name) = &cast.api_tokens[pick(cast.api_tokens.len(), 1)];
        (
            format!(
                r#"{{"type":"API_TOKEN","id":{},"apiTokenName":{}}}"#,
                esc(id),
                esc(name)
            ),
            fnv1a(id.as_bytes()),
        )
    } else if let Some((id, email, name)) = cast.users.get(pick(cast.users.len(), 2)) {
        (
            format!(
                r#"{{"type":"USER","id":{},"username":{},"fullName":{}}}"#,
                esc(id),
                esc(email),
                esc(name)
            ),
            fnv1a(id.as_bytes()),
        )
    } else {
        (r#"{"type":"SYSTEM","id":"astro"}"#.to_string(), 7)
    };
    let deployment = cast.deployments.get(pick(cast.deployments.len(), 3));
    let workspace = cast.workspaces.get(pick(cast.workspaces.len(), 4));
    let user = cast.users.get(pick(cast.users.len(), 5));
    let team = cast.teams.get(pick(cast.teams.len(), 6));
    let request_id = crate::util::cuid("request", k, at_ms / 1000);
    // (event type, operation, method, path, target, status).
    let kind = (r >> 8) % 20;
    let (event_type, action, method, path, target, status) = match (kind, deployment, workspace) {
        (0..=4, Some((id, name, ws)), _) => (
            "AIRFLOW_UI_ACCESS",
            "AccessAirflowUI",
            "GET",
            format!("/{}/home", &id[id.len().saturating_sub(8)..]),
            format!(
                r#"{{"type":"DEPLOYMENT","id":{},"name":{},"workspaceId":{}}}"#,
                esc(id),
                esc(name),
                esc(ws)
            ),
            200,
        ),
        (5..=6, Some((id, name, ws)), _) => (
            "REGISTRY_ACCESS",
            "PushImage",
            "PUT",
            format!("/v2/{}/airflow/manifests/deploy-{:08x}", id, r >> 32),
            format!(
                r#"{{"type":"DEPLOYMENT","id":{},"name":{},"workspaceId":{}}}"#,
                esc(id),
                esc(name),
                esc(ws)
            ),
            201,
        ),
        (7..=9, _, Some((id, name))) => (
            "API",
            "ListUsers",
            "GET",
            format!("/v1/organizations/{org}/users?workspaceId={id}&limit=100"),
            format!(
                r#"{{"type":"WORKSPACE","id":{},"name":{}}}"#,
                esc(id),
                esc(name)
            ),
            200,
        ),
        (10..=12, _, _) if user.is_some() => {
            let (id, email, _) = user.expect("checked");
            (
                "API",
                "UpdateUserRoles",
                "POST",
                format!("/v1/organizations/{org}/users/{id}/roles"),
                format!(
                    r#"{{"type":"USER","id":{},"username":{}}}"#,
                    esc(id),
                    esc(email)
                ),
                if r.is_multiple_of(23) { 400 } else { 200 },
            )
        }
        (13..=14, _, _) if team.is_some() => {
            let (id, name) = team.expect("checked");
            (
                "API",
                "UpdateTeamRoles",
                "POST",
                format!("/v1/organizations/{org}/teams/{id}/roles"),
                format!(r#"{{"type":"TEAM","id":{},"name":{}}}"#, esc(id), esc(name)),
                200,
            )
        }
        (15, _, Some((id, name))) => (
            "API",
            "UpdateWorkspace",
            "POST",
            format!("/v1/organizations/{org}/workspaces/{id}"),
            format!(
                r#"{{"type":"WORKSPACE","id":{},"name":{}}}"#,
                esc(id),
                esc(name)
            ),
            if r.is_multiple_of(7) { 403 } else { 200 },
        ),
        (16, _, _) if !cast.api_tokens.is_empty() => {
            let (id, name) = &cast.api_tokens[pick(cast.api_tokens.len(), 8)];
            (
                "API",
                "RotateApiToken",
                "POST",
                format!("/v1/organizations/{org}/tokens/{id}/rotate"),
                format!(
                    r#"{{"type":"API_TOKEN","id":{},"name":{}}}"#,
                    esc(id),
                    esc(name)
                ),
                200,
            )
        }
        (17, _, _) => (
            "CLOUD_IDE_ACCESS",
            "OpenProject",
            "GET",
            format!("/cloud-ide/{org}/projects/p{:06x}", (r >> 20) & 0xff_ffff),
            format!(r#"{{"type":"ORGANIZATION","id":{}}}"#, esc(org)),
            200,
        ),
        _ => (
            "API",
            "GetOrganization",
            "GET",
            format!("/v1/organizations/{org}"),
            format!(r#"{{"type":"ORGANIZATION","id":{}}}"#, esc(org)),
            200,
        ),
    };
    let outcome = if status < 400 { "SUCCESS" } else { "FAILURE" };
    let user_agent = USER_AGENTS[((actor_seed ^ (r >> 40)) % USER_AGENTS.len() as u64) as usize];
    let _ = writeln!(
        out,
        r#"{{"id":{},"timestamp":"{}","organizationId":{},"eventType":"{event_type}","action":"{action}","outcome":"{outcome}","actor":{actor},"target":{target},"request":{{"method":"{method}","path":{},"statusCode":{status},"requestId":"{request_id}","durationMs":{}}},"clientIp":"{}","userAgent":{}}}"#,
        esc(&crate::util::cuid("auditevent", k, at_ms / 1000)),
        rfc3339_ms(at_ms),
        esc(org),
        esc(&path),
        3 + (r >> 16) % 400,
        ip(actor_seed.wrapping_add((at_ms / 86_400_000) as u64 % 3)),
        esc(user_agent),
    );
}

/// The response body: gzip-compressed NDJSON, made as hyper asks for more.
pub struct AuditLogBody {
    cast: Cast,
    events: Events,
    target: Option<u64>,
    sent: u64,
    encoder: Option<GzEncoder<Vec<u8>>>,
    line: Vec<u8>,
}

impl AuditLogBody {
    pub fn new(cast: Cast, timeline: Timeline) -> AuditLogBody {
        let target = match timeline {
            Timeline::Sized { bytes, .. } => Some(bytes),
            Timeline::Default { .. } => None,
        };
        AuditLogBody {
            cast,
            events: Events::new(timeline),
            target,
            sent: 0,
            encoder: Some(GzEncoder::new(
                Vec::with_capacity(CHUNK * 2),
                Compression::fast(),
            )),
            line: Vec::with_capacity(1024),
        }
    }

    /// The next chunk of compressed bytes, `None` once the gzip trailer has gone.
    fn next_chunk(&mut self) -> Option<Bytes> {
        let encoder = self.encoder.as_mut()?;
        let mut raw = 0;
        let mut done = false;
        while encoder.get_ref().len() < CHUNK && raw < MAX_RAW_PER_CHUNK {
            if self
                .target
                .is_some_and(|t| self.sent + encoder.get_ref().len() as u64 >= t)
            {
                done = true;
                break;
            }
            let Some((k, at)) = self.events.next() else {
                done = true;
                break;
            };
            self.line.clear();
            event_line(&self.cast, k, at, &mut self.line);
            raw += self.line.len();
            if encoder.write_all(&self.line).is_err() {
                done = true;
                break;
            }
        }
        let bytes = if done {
            let encoder = self.encoder.take()?;
            encoder.finish().unwrap_or_default()
        } else {
            std::mem::take(encoder.get_mut())
        };
        self.sent += bytes.len() as u64;
        Some(Bytes::from(bytes))
    }

    /// The whole body at once (for tests: `EmulatorHandle::audit_log`).
    pub fn collect(mut self) -> Vec<u8> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next_chunk() {
            out.extend_from_slice(&chunk);
        }
        out
    }
}

impl hyper::body::Body for AuditLogBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(self.next_chunk().map(|b| Ok(Frame::data(b))))
    }

    fn is_end_stream(&self) -> bool {
        self.encoder.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn cast() -> Cast {
        Cast {
            organization_id: "corg".into(),
            users: vec![("cu1".into(), "ada@example.com".into(), "Ada".into())],
            workspaces: vec![("cw1".into(), "Data".into())],
            deployments: vec![("cd1dep0000".into(), "Prod".into(), "cw1".into())],
            teams: vec![("ct1".into(), "Ops".into())],
            api_tokens: vec![("ck1".into(), "CI".into())],
        }
    }

    fn lines(gz: &[u8]) -> Vec<serde_json::Value> {
        let mut text = String::new();
        flate2::read::GzDecoder::new(gz)
            .read_to_string(&mut text)
            .unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn dates_parse_with_fractions_and_offsets() {
        assert_eq!(parse_date_time("1970-01-01T00:00:01Z"), Some(1000));
        assert_eq!(parse_date_time("1970-01-01T01:00:01.5+01:00"), Some(1500));
        assert_eq!(
            rfc3339_ms(parse_date_time("2026-11-01T12:34:56.789Z").unwrap()),
            "2026-11-01T12:34:56.789Z"
        );
        for bad in [
            "",
            "2026-11-01",
            "2026-11-01T00:00:00",
            "2026-13-01T00:00:00Z",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_range_selects_from_one_timeline() {
        let day = 86_400_000;
        let now = 20_000 * day;
        let all = lines(
            &AuditLogBody::new(cast(), Timeline::new(now - 2 * day, now, now, None)).collect(),
        );
        let half =
            lines(&AuditLogBody::new(cast(), Timeline::new(now - day, now, now, None)).collect());
        assert!(all.len() > 1800 && all.len() < 2100, "{}", all.len());
        assert_eq!(&all[all.len() - half.len()..], &half[..]);
        for e in &all {
            let t = parse_date_time(e["timestamp"].as_str().unwrap()).unwrap();
            assert!(t >= now - 2 * day && t < now);
        }
        // Nothing in the future, nothing past the retention.
        let future = AuditLogBody::new(cast(), Timeline::new(now, now + day, now, None)).collect();
        assert!(lines(&future).is_empty());
        let old = Timeline::new(0, day, now, None);
        assert!(lines(&AuditLogBody::new(cast(), old).collect()).is_empty());
    }

    #[test]
    fn a_byte_target_is_met_within_the_range() {
        let day = 86_400_000;
        let now = 20_000 * day;
        let body =
            AuditLogBody::new(cast(), Timeline::new(now - day, now, now, Some(3 << 20))).collect();
        assert!(
            body.len() >= 3 << 20 && body.len() < (3 << 20) + 2 * CHUNK,
            "{}",
            body.len()
        );
        let events = lines(&body);
        let first = parse_date_time(events[0]["timestamp"].as_str().unwrap()).unwrap();
        let last = parse_date_time(events.last().unwrap()["timestamp"].as_str().unwrap()).unwrap();
        assert!(first >= now - day && last < now && first <= last);
    }
}
