//! Any request, as `astro api` sends it: a method, a path under the API's base URL, query
//! pairs, extra headers and an optional body, with the client's base URL, token, identifying
//! headers, timeout and proxies. Every status is a response (the caller decides what an error
//! status means). Methods that are safe to repeat are retried on transient failures; others
//! only when the server certainly did not process them (429, no connection).

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use reqwest::{Method, Url};

use super::{
    ApiError, Client, MAX_ATTEMPTS, TraceEvent, USER_AGENT as OUR_AGENT, identity_headers,
    parse_retry_after, read_body,
};

/// A request to send.
pub struct RawRequest<'a> {
    pub method: Method,
    /// The path's segments under the base URL (each percent-encoded when sent).
    pub segments: &'a [String],
    /// Query pairs, in order; a key may repeat.
    pub query: &'a [(String, String)],
    /// Extra headers (`-H`), as given.
    pub headers: &'a [(String, String)],
    /// A JSON body (or what `--input` gave).
    pub body: Option<&'a [u8]>,
}

/// What came back, whatever the status.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// `HTTP/1.1`, `HTTP/2.0`.
    pub version: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The value of the header `name` (any case), if the response has it.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The error an error status stands for, as every other request reports it (exit 3 for
    /// 404, 4 for 401/403, 1 otherwise).
    pub fn error(&self) -> ApiError {
        ApiError::from_status(
            self.status,
            &self.body,
            self.header("x-request-id").map(str::to_owned),
            self.header("retry-after").and_then(parse_retry_after),
        )
    }
}

/// The request as it will be sent, for `--verbose` and `--generate`: the URL and every header,
/// the token shown as `Bearer ***`.
pub struct Preview {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(String, String)>,
}

/// What `Authorization` is shown as.
pub const MASKED_AUTHORIZATION: &str = "Bearer ***";

fn bad_header(name: &str) -> ApiError {
    ApiError::Config(format!("invalid header `{}`", crate::error::echo(name)))
}

impl RawRequest<'_> {
    /// Methods that are safe to send again after a failure.
    fn idempotent(&self) -> bool {
        matches!(
            self.method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
        )
    }

    fn has_header(&self, name: &HeaderName) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
    }
}

impl Client {
    fn raw_url(&self, request: &RawRequest<'_>) -> Url {
        let segments: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        let mut url = self.url(&segments);
        if !request.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (key, value) in request.query {
                pairs.append_pair(key, value);
            }
        }
        url
    }

    /// The request as it will be sent, the token masked.
    pub fn preview(&self, request: &RawRequest<'_>) -> Preview {
        let mut headers: Vec<(String, String)> = vec![
            (AUTHORIZATION.to_string(), MASKED_AUTHORIZATION.to_owned()),
            (USER_AGENT.to_string(), OUR_AGENT.to_owned()),
        ];
        for (name, value) in &identity_headers() {
            if !request.has_header(name) {
                headers.push((
                    name.to_string(),
                    value.to_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        if request.body.is_some() && !request.has_header(&CONTENT_TYPE) {
            headers.push((CONTENT_TYPE.to_string(), "application/json".to_owned()));
        }
        for (name, value) in request.headers {
            if name.eq_ignore_ascii_case(AUTHORIZATION.as_str()) {
                headers[0].1 = MASKED_AUTHORIZATION.to_owned();
            } else {
                headers.push((name.clone(), value.clone()));
            }
        }
        Preview {
            method: request.method.clone(),
            url: self.raw_url(request),
            headers,
        }
    }

    /// Sends the request (retrying as the module says) and returns the response, any status.
    pub async fn raw(&self, request: &RawRequest<'_>) -> Result<RawResponse, ApiError> {
        let mut attempt = 1;
        loop {
            let error = match self.raw_once(request).await {
                Ok(response) if !matches!(response.status, 429 | 502 | 503 | 504) => {
                    return Ok(response);
                }
                Ok(response) => {
                    let error = response.error();
                    if attempt >= MAX_ATTEMPTS
                        || !(request.idempotent() || error.was_not_processed())
                    {
                        return Ok(response);
                    }
                    error
                }
                Err(error) => {
                    if attempt >= MAX_ATTEMPTS
                        || !error.is_transient()
                        || !(request.idempotent() || error.was_not_processed())
                    {
                        return Err(error.after_attempts(attempt));
                    }
                    error
                }
            };
            self.back_off(&error, attempt).await;
            attempt += 1;
        }
    }

    async fn raw_once(&self, request: &RawRequest<'_>) -> Result<RawResponse, ApiError> {
        let url = self.raw_url(request);
        let method = request.method.clone();
        let mut builder = self.http.request(method.clone(), url.clone());
        if request.body.is_some() && !request.has_header(&CONTENT_TYPE) {
            builder = builder.header(CONTENT_TYPE, "application/json");
        }
        for (name, value) in request.headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad_header(name))?;
            let mut value = HeaderValue::from_str(value).map_err(|_| bad_header(name.as_str()))?;
            if name == AUTHORIZATION {
                value.set_sensitive(true);
            }
            builder = builder.header(name, value);
        }
        if let Some(body) = request.body {
            builder = builder.body(body.to_vec());
        }
        let sent = builder.build().map_err(|e| self.transport(e))?;
        let started = std::time::Instant::now();
        let failed = |error: &ApiError| {
            self.trace(TraceEvent::Failed {
                method: &method,
                url: &url,
                elapsed: started.elapsed(),
                error,
            });
        };
        let response = match self.http.execute(sent).await {
            Ok(response) => response,
            Err(e) => {
                let error = self.transport(e);
                failed(&error);
                return Err(error);
            }
        };
        let status = response.status().as_u16();
        let version = format!("{:?}", response.version());
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let body = match read_body(response, self.timeout).await {
            Ok(body) => body,
            Err(error) => {
                failed(&error);
                return Err(error);
            }
        };
        let request_id = headers
            .iter()
            .find(|(n, _)| n == "x-request-id")
            .map(|(_, v)| v.as_str());
        self.trace(TraceEvent::Response {
            method: &method,
            url: &url,
            status,
            elapsed: started.elapsed(),
            request_id,
        });
        Ok(RawResponse {
            status,
            version,
            headers,
            body,
        })
    }
}
