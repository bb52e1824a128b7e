//! What can go wrong talking to the API, with what the server said about it.

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{}", status_message(*.status, message, request_id.as_deref(), field_errors))]
    Status {
        status: u16,
        message: String,
        request_id: Option<String>,
        field_errors: Vec<FieldError>,
        /// What the server's `Retry-After` asked for, when it said.
        retry_after: Option<Duration>,
    },
    #[error("the request timed out after {} s", .0.as_secs_f32())]
    Timeout(Duration),
    #[error("could not connect to the Astro API at {place}: {cause}")]
    Connect { place: String, cause: String },
    #[error("the connection to the Astro API failed: {0}")]
    Transport(String),
    /// The server's certificate or the TLS handshake was refused: trying again cannot help.
    #[error("a secure connection to the Astro API at {place} could not be made: {cause}")]
    Tls { place: String, cause: String },
    #[error("the Astro API sent a response that could not be read (HTTP {status}): {detail}")]
    Decode { status: u16, detail: String },
    #[error("{0}")]
    Config(String),
    /// A token was created or rotated but its secret never arrived: it is gone for good.
    #[error("API token `{token_id}` {what}, but its new value was lost on the way")]
    SecretLost {
        token_id: String,
        what: &'static str,
    },
    #[error("{last}; gave up after {attempts} attempts")]
    Retried { attempts: u32, last: Box<ApiError> },
}

#[derive(Debug, Clone, Deserialize)]
pub struct FieldError {
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    message: Option<String>,
    /// OAuth endpoints answer `{error, error_description}` instead.
    #[serde(rename = "error_description")]
    error_description: Option<String>,
    error: Option<String>,
    request_id: Option<String>,
    #[serde(default)]
    field_errors: Vec<FieldError>,
}

impl ApiError {
    pub fn from_status(
        status: u16,
        body: &[u8],
        header_request_id: Option<String>,
        retry_after: Option<Duration>,
    ) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
        let (message, request_id, field_errors) = match parsed {
            Some(b) => (
                b.message
                    .or(b.error_description)
                    .or(b.error)
                    .filter(|m| !m.trim().is_empty()),
                b.request_id.or(header_request_id),
                b.field_errors,
            ),
            None => (None, header_request_id, Vec::new()),
        };
        ApiError::Status {
            status,
            message: message.unwrap_or_else(|| default_reason(status).to_owned()),
            request_id,
            field_errors,
            retry_after,
        }
    }

    pub fn from_transport(err: reqwest::Error, timeout: Duration) -> Self {
        if err.is_timeout() {
            ApiError::Timeout(timeout)
        } else if let Some(cause) = tls_cause(&err) {
            ApiError::Tls {
                place: err
                    .url()
                    .map(|u| u.origin().ascii_serialization())
                    .unwrap_or_default(),
                cause,
            }
        } else if err.is_connect() {
            let place = err
                .url()
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            ApiError::Connect {
                place,
                cause: root_cause(&err),
            }
        } else {
            ApiError::Transport(root_cause(&err))
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self.last() {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The error of the last attempt.
    pub fn last(&self) -> &ApiError {
        match self {
            ApiError::Retried { last, .. } => last.last(),
            other => other,
        }
    }

    /// Wraps the last attempt's error with the number of attempts, when there was more than one.
    pub fn after_attempts(self, attempts: u32) -> ApiError {
        if attempts > 1 {
            ApiError::Retried {
                attempts,
                last: Box::new(self),
            }
        } else {
            self
        }
    }

    /// The server did not process the request (so sending it again is safe for any request).
    pub fn was_not_processed(&self) -> bool {
        matches!(self.last(), ApiError::Connect { .. }) || self.status() == Some(429)
    }

    /// A failure that may pass: worth another attempt for a request that is safe to repeat.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.last(),
            ApiError::Connect { .. } | ApiError::Transport(_)
        ) || matches!(self.status(), Some(429 | 502 | 503 | 504))
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self.last() {
            ApiError::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }
}

/// The TLS failure behind a transport error, if that is what it is.
fn tls_cause(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut next = Some(err);
    while let Some(cause) = next {
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Some(tls.to_string());
        }
        // An I/O error's `source()` skips the error it wraps (rustls's sits inside two).
        next = match cause.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => cause.source(),
        };
    }
    None
}

fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn status_message(
    status: u16,
    message: &str,
    request_id: Option<&str>,
    field_errors: &[FieldError],
) -> String {
    let mut out = format!("{message} (HTTP {status}");
    if let Some(id) = request_id {
        out.push_str(&format!(", request ID {id}"));
    }
    out.push(')');
    for fe in field_errors {
        // The message may already say it (the API joins field messages into it), or name the
        // field itself: each is said once.
        if message.contains(&fe.message) {
            continue;
        }
        if fe.message.starts_with(&fe.field) {
            out.push_str(&format!("; {}", fe.message));
        } else {
            out.push_str(&format!("; {}: {}", fe.field, fe.message));
        }
    }
    out
}

#[cfg(test)]
mod field_error_tests {
    use super::*;

    #[test]
    fn a_field_error_already_in_the_message_or_naming_itself_is_said_once() {
        let fe = |field: &str, message: &str| FieldError {
            field: field.into(),
            message: message.into(),
        };
        assert_eq!(
            status_message(
                400,
                "Invalid request: role \"X\" is unknown",
                None,
                &[fe("role", "role \"X\" is unknown")]
            ),
            "Invalid request: role \"X\" is unknown (HTTP 400)"
        );
        assert_eq!(
            status_message(
                400,
                "bad",
                None,
                &[fe("roles[1].role", "roles[1].role is odd")]
            ),
            "bad (HTTP 400); roles[1].role is odd"
        );
        assert_eq!(
            status_message(400, "bad", None, &[fe("role", "must be one of")]),
            "bad (HTTP 400); role: must be one of"
        );
    }
}

fn default_reason(status: u16) -> &'static str {
    match status {
        400 => "the request was rejected as invalid",
        401 => "the API token was not accepted",
        403 => "the API token is not allowed to do this",
        404 => "not found",
        405 => "method not allowed",
        409 => "conflict",
        429 => "too many requests",
        500..=599 => "the Astro API had an internal error",
        _ => "unexpected response from the Astro API",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_error_keeps_message_and_request_id() {
        let err = ApiError::from_status(
            400,
            br#"{"message":"Invitee has existing role in organization","requestId":"r-1","statusCode":400}"#,
            None,
            None,
        );
        assert_eq!(
            err.to_string(),
            "Invitee has existing role in organization (HTTP 400, request ID r-1)"
        );
    }

    #[test]
    fn non_json_error_body_gets_a_reason() {
        let err = ApiError::from_status(502, b"<html>bad gateway</html>", Some("h-2".into()), None);
        assert_eq!(
            err.to_string(),
            "the Astro API had an internal error (HTTP 502, request ID h-2)"
        );
    }

    #[test]
    fn field_errors_are_listed() {
        let err = ApiError::from_status(
            400,
            br#"{"message":"bad","requestId":"r","statusCode":400,"fieldErrors":[{"code":"x","field":"role","message":"must be one of"}]}"#,
            None,
            None,
        );
        assert!(err.to_string().ends_with("; role: must be one of"));
    }
}

#[cfg(test)]
mod retry_tests {
    use super::*;

    #[test]
    fn retried_errors_say_how_many_attempts_and_keep_the_cause() {
        let last = ApiError::from_status(503, b"{}", Some("r9".into()), None);
        let err = last.after_attempts(4);
        assert_eq!(err.status(), Some(503));
        assert!(err.is_transient());
        assert!(
            err.to_string()
                .ends_with("(HTTP 503, request ID r9); gave up after 4 attempts"),
            "{err}"
        );
        assert!(!ApiError::Timeout(Duration::from_secs(1)).is_transient());
        let tls = ApiError::Tls {
            place: "https://x".into(),
            cause: "invalid peer certificate: UnknownIssuer".into(),
        };
        assert!(!tls.is_transient() && !tls.was_not_processed());
        assert!(ApiError::from_status(429, b"", None, None).was_not_processed());
        assert!(!ApiError::from_status(503, b"", None, None).was_not_processed());
    }
}
