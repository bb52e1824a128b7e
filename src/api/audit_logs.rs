//! GetOrganizationAuditLogs: the Organization's audit events as a stream of bytes (gzip-
//! compressed NDJSON in practice, `application/octet-stream` in the document), handed over
//! chunk by chunk so that an export of any size is never held in memory.

use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderValue};

use super::{ApiError, Client, TraceEvent, decode};

/// The longest an export may run in all; the client's `--timeout` bounds the wait for the
/// answer and each wait for more of its body instead.
const WHOLE_DOWNLOAD: Duration = Duration::from_secs(24 * 3600);

/// A response whose body is read chunk by chunk.
pub struct Download {
    response: reqwest::Response,
    /// The longest wait for the next chunk.
    idle: Duration,
}

impl Download {
    /// The next piece of the body, `None` at its end. A connection that breaks, or sends
    /// nothing for the client's timeout, is an error.
    pub async fn chunk(&mut self) -> Result<Option<impl AsRef<[u8]> + use<>>, ApiError> {
        match tokio::time::timeout(self.idle, self.response.chunk()).await {
            Err(_) => Err(ApiError::Timeout(self.idle)),
            Ok(Ok(chunk)) => Ok(chunk),
            Ok(Err(e)) => Err(ApiError::from_transport(e, self.idle)),
        }
    }
}

impl Client {
    /// Starts GetOrganizationAuditLogs for `[start, end]` (RFC 3339): the answer once its
    /// status is 200, the body still to read. A failure before the body (no connection, 429,
    /// 502–504) is retried; the body itself is never re-sent from the start here.
    pub async fn audit_logs(
        &self,
        organization_id: &str,
        start: &str,
        end: &str,
    ) -> Result<Download, ApiError> {
        let url = self.url(&["organizations", organization_id, "audit-logs"]);
        let query = [("startDate", start), ("endDate", end)];
        self.retrying(|| async {
            let request = self
                .http
                .request(Method::GET, url.clone())
                .query(&query)
                .header(ACCEPT, HeaderValue::from_static("application/octet-stream"))
                .timeout(WHOLE_DOWNLOAD)
                .build()
                .map_err(|e| self.transport(e))?;
            self.start_download(request).await
        })
        .await
    }

    /// Sends the request and waits (at most the timeout) for the answer's head; an error
    /// status is read whole (it is a small JSON error).
    async fn start_download(&self, request: reqwest::Request) -> Result<Download, ApiError> {
        let method = request.method().clone();
        let url = request.url().clone();
        let started = Instant::now();
        let sent = tokio::time::timeout(self.timeout, self.http.execute(request)).await;
        let response = match sent {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => {
                let error = self.transport(e);
                self.trace(TraceEvent::Failed {
                    method: &method,
                    url: &url,
                    elapsed: started.elapsed(),
                    error: &error,
                });
                return Err(error);
            }
            Err(_) => {
                let error = ApiError::Timeout(self.timeout);
                self.trace(TraceEvent::Failed {
                    method: &method,
                    url: &url,
                    elapsed: started.elapsed(),
                    error: &error,
                });
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let request_id = super::request_id(&response);
        self.trace(TraceEvent::Response {
            method: &method,
            url: &url,
            status,
            elapsed: started.elapsed(),
            request_id: request_id.as_deref(),
        });
        if !response.status().is_success() {
            return match decode(response, self.timeout, &mut |_| Ok(())).await {
                Err(e) => Err(e),
                Ok(_) => Err(ApiError::from_status(status, b"", request_id, None)),
            };
        }
        Ok(Download {
            response,
            idle: self.timeout,
        })
    }
}
