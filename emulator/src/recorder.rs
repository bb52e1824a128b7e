//! The request log: every API request with its method, path, query, body, headers and
//! status, plus the highest number of requests in flight at once.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

/// One request as the emulator saw it, and the status it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path as received (percent-encoding kept), without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: Option<String>,
    /// The body as text (lossy UTF-8); `None` when empty.
    pub body: Option<String>,
    /// The `Authorization` header value, when one came.
    pub authorization: Option<String>,
    pub user_agent: Option<String>,
    /// Every header, names lower-case, in the order received.
    pub headers: Vec<(String, String)>,
    /// The status answered; 0 when no response was sent (a dropped or hung connection).
    pub status: u16,
    pub started_at: SystemTime,
    pub finished_at: SystemTime,
}

fn millis(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

impl RecordedRequest {
    /// The JSON form used by `GET /_emulator/requests`.
    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "body": self.body,
            "authorization": self.authorization,
            "userAgent": self.user_agent,
            "headers": self.headers.iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>(),
            "status": self.status,
            "startedAtMs": millis(self.started_at),
            "finishedAtMs": millis(self.finished_at),
        })
    }
}

/// The log and the in-flight counters.
#[derive(Debug, Default)]
pub struct Recorder {
    log: Mutex<Vec<RecordedRequest>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// Decrements the in-flight count when dropped (also when a request's future is cancelled).
pub struct InFlight<'a>(&'a Recorder);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Recorder {
    /// Counts a request as in flight until the guard drops.
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(self)
    }

    pub fn record(&self, r: RecordedRequest) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(r);
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Empties the log and resets the in-flight high-water mark.
    pub fn clear(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}
