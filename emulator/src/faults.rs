//! Scripted faults: for the next N requests matching a method and a path pattern, answer
//! with an error status, a non-JSON or raw body, a truncated body, a dropped connection or
//! a response that never completes.

use serde::Deserialize;

/// What a faulted request gets instead of its normal answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// `status` with a JSON error body (`{message, requestId, statusCode}`), and a
    /// `Retry-After` header when `retry_after` is set.
    Status {
        status: u16,
        retry_after: Option<String>,
    },
    /// `status` with `body` as `text/html` (a body that is not JSON).
    NonJson { status: u16, body: String },
    /// `status` with `body` sent verbatim as `application/json` (e.g. a field missing).
    RawBody { status: u16, body: String },
    /// 200 whose `Content-Length` promises more than is sent; then the connection closes.
    Truncated,
    /// The connection is closed without any response.
    DropConnection,
    /// No response until the emulator stops (then the connection is closed).
    Hang,
    /// The request is processed (its effects happen), then the connection is closed without a
    /// response: the client cannot know whether it landed.
    LostResponse,
    /// The normal answer, but the connection is closed after `after` bytes of its body (a
    /// stream cut mid-way).
    CutBody { after: usize },
    /// The normal answer, but after `after` bytes of its body nothing more is sent until the
    /// emulator stops (a stream that stalls mid-way).
    StallBody { after: usize },
}

/// A fault to inject: a kind, an optional method, an optional path pattern and a count.
///
/// Path patterns match the request path (without query) segment by segment: `*` matches
/// exactly one segment, `**` matches any number of segments (zero or more), and anything
/// else must be equal. No pattern matches every path. For a prefix use `/v1/organizations/**`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub method: Option<String>,
    pub path: Option<String>,
    pub times: usize,
}

impl Fault {
    /// A fault of `kind` for the next request of any method and path.
    pub fn new(kind: FaultKind) -> Fault {
        Fault {
            kind,
            method: None,
            path: None,
            times: 1,
        }
    }

    /// Only requests with this method (case-insensitive).
    pub fn method(mut self, method: impl Into<String>) -> Fault {
        self.method = Some(method.into());
        self
    }

    /// Only requests whose path matches this pattern.
    pub fn path(mut self, pattern: impl Into<String>) -> Fault {
        self.path = Some(pattern.into());
        self
    }

    /// For the next `n` matching requests (default 1).
    pub fn times(mut self, n: usize) -> Fault {
        self.times = n;
        self
    }

    /// Whether a request matches this fault's method and path.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| path_matches(p, path))
    }
}

/// Segment glob: `*` one segment, `**` zero or more segments.
pub fn path_matches(pattern: &str, path: &str) -> bool {
    let pat: Vec<&str> = pattern.trim_end_matches('/').split('/').collect();
    let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    glob(&pat, &segs)
}

fn glob(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| glob(rest, &segs[i..])),
        Some((p, rest)) => match segs.split_first() {
            Some((s, srest)) => (*p == "*" || p == s) && glob(rest, srest),
            None => false,
        },
    }
}

/// The faults waiting to fire, first injected first.
#[derive(Debug, Default)]
pub struct FaultQueue {
    faults: Vec<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push(fault);
        }
    }

    /// Takes one use of the first fault matching the request, if any.
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let pos = self.faults.iter().position(|f| f.matches(method, path))?;
        let fault = &mut self.faults[pos];
        fault.times -= 1;
        let kind = fault.kind.clone();
        if fault.times == 0 {
            self.faults.remove(pos);
        }
        Some(kind)
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }
}

/// The JSON form of a fault for `POST /_emulator/faults`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// `status`, `nonJson`, `rawBody`, `truncated`, `dropConnection`, `hang`, `lostResponse`,
    /// `cutBody` or `stallBody`.
    pub kind: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(default)]
    pub retry_after: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub times: Option<usize>,
    /// For `cutBody` and `stallBody`: how many bytes of the body go first.
    #[serde(default)]
    pub after_bytes: Option<usize>,
}

impl FaultSpec {
    /// Converts to a [`Fault`], or says what is wrong.
    pub fn into_fault(self) -> Result<Fault, String> {
        let status = |default: u16| -> Result<u16, String> {
            let s = self.status.unwrap_or(default);
            if (100..=599).contains(&s) {
                Ok(s)
            } else {
                Err(format!("status {s} is not an HTTP status"))
            }
        };
        let kind = match self.kind.as_str() {
            "status" => FaultKind::Status {
                status: status(503)?,
                retry_after: self.retry_after.clone(),
            },
            "nonJson" => FaultKind::NonJson {
                status: status(502)?,
                body: self
                    .body
                    .clone()
                    .unwrap_or_else(|| "<html><body><h1>502 Bad Gateway</h1></body></html>".into()),
            },
            "rawBody" => FaultKind::RawBody {
                status: status(200)?,
                body: self.body.clone().unwrap_or_default(),
            },
            "truncated" => FaultKind::Truncated,
            "dropConnection" => FaultKind::DropConnection,
            "hang" => FaultKind::Hang,
            "lostResponse" => FaultKind::LostResponse,
            "cutBody" => FaultKind::CutBody {
                after: self.after_bytes.unwrap_or(0),
            },
            "stallBody" => FaultKind::StallBody {
                after: self.after_bytes.unwrap_or(0),
            },
            other => return Err(format!("unknown fault kind {other:?}")),
        };
        Ok(Fault {
            kind,
            method: self.method,
            path: self.path,
            times: self.times.unwrap_or(1),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let p = "/v1/organizations/*/users/*/roles";
        assert!(path_matches(p, "/v1/organizations/o/users/u/roles"));
        assert!(!path_matches(p, "/v1/organizations/o/users/u"));
        assert!(!path_matches(p, "/v1/organizations/o/x/users/u/roles"));
        assert!(path_matches("/v1/**", "/v1/organizations/o/users"));
        assert!(path_matches("/v1/**", "/v1"));
        assert!(path_matches("/v1/**/roles", "/v1/a/b/roles"));
        assert!(path_matches("/v1/users/self", "/v1/users/self"));
        assert!(!path_matches("/v1/users", "/v1/users/self"));
    }

    #[test]
    fn queue_counts_down() {
        let mut q = FaultQueue::default();
        q.push(Fault::new(FaultKind::Truncated).method("get").times(2));
        assert_eq!(q.take("POST", "/x"), None);
        assert_eq!(q.take("GET", "/x"), Some(FaultKind::Truncated));
        assert_eq!(q.take("GET", "/y"), Some(FaultKind::Truncated));
        assert_eq!(q.take("GET", "/y"), None);
    }
}
