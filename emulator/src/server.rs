//! The HTTP server: our own accept loop (hyper-util's auto builder) around the axum router,
//! adding request IDs, latency, scripted faults (including dropped and hung connections),
//! the request log and graceful shutdown.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use hyper::body::{Frame, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::api::{ApiError, Shared, json_response, lock};
use crate::faults::FaultKind;
use crate::recorder::RecordedRequest;

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
pub struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose (scripted fault)")
    }
}

impl std::error::Error for ConnectionDropped {}

/// A body that sends one chunk, pauses so it is flushed with the headers, then fails, so
/// hyper aborts the connection mid-body.
struct TruncatedBody {
    chunk: Option<Bytes>,
    pause: Pin<Box<tokio::time::Sleep>>,
}

impl hyper::body::Body for TruncatedBody {
    type Data = Bytes;
    type Error = ConnectionDropped;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Some(c) = self.chunk.take() {
            return Poll::Ready(Some(Ok(Frame::data(c))));
        }
        match self.pause.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => Poll::Ready(Some(Err(ConnectionDropped))),
        }
    }
}

/// A response body passed through until `after` bytes, then cut (the connection closes, after
/// a pause so what was sent is flushed) or stalled (nothing more until the emulator stops).
struct FaultyBody {
    inner: Body,
    left: usize,
    shutdown: Option<watch::Receiver<bool>>,
    /// Made once the fault point is reached (so the pause counts from there).
    end: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
}

impl FaultyBody {
    fn new(inner: Body, after: usize, stall: bool, shutdown: watch::Receiver<bool>) -> Self {
        FaultyBody {
            inner,
            left: after,
            shutdown: stall.then_some(shutdown),
            end: None,
        }
    }
}

impl hyper::body::Body for FaultyBody {
    type Data = Bytes;
    type Error = ConnectionDropped;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.left > 0 {
            return match Pin::new(&mut self.inner).poll_frame(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(Some(Ok(frame))) => match frame.into_data() {
                    Ok(mut data) => {
                        if data.len() > self.left {
                            data.truncate(self.left);
                        }
                        self.left -= data.len();
                        Poll::Ready(Some(Ok(Frame::data(data))))
                    }
                    Err(other) => Poll::Ready(Some(Ok(other))),
                },
                // The body ended before the fault point: it is cut (or stalls) there.
                Poll::Ready(None) => {
                    self.left = 0;
                    self.poll_frame(cx)
                }
                Poll::Ready(Some(Err(_))) => Poll::Ready(Some(Err(ConnectionDropped))),
            };
        }
        if self.end.is_none() {
            let end: Pin<Box<dyn Future<Output = ()> + Send>> = match self.shutdown.take() {
                Some(rx) => Box::pin(wait_for_shutdown(rx)),
                None => Box::pin(tokio::time::sleep(Duration::from_millis(50))),
            };
            self.end = Some(end);
        }
        match self.end.as_mut().map(|end| end.as_mut().poll(cx)) {
            Some(Poll::Pending) => Poll::Pending,
            _ => Poll::Ready(Some(Err(ConnectionDropped))),
        }
    }
}

async fn wait_for_shutdown(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await;
}

fn header_string(v: &HeaderValue) -> String {
    String::from_utf8_lossy(v.as_bytes()).into_owned()
}

fn set_request_id(resp: &mut Response<Body>, rid: &str) {
    if let Ok(v) = HeaderValue::from_str(rid) {
        resp.headers_mut().insert("x-request-id", v);
    }
}

/// Builds the answer for a scripted fault (for the kinds that answer at all).
fn fault_response(kind: &FaultKind, rid: &str) -> Response<Body> {
    let mut resp = match kind {
        FaultKind::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            let err = ApiError::new(
                status,
                status
                    .canonical_reason()
                    .unwrap_or("injected fault")
                    .to_string(),
            );
            let mut r = json_response(status, &err.body(rid));
            if let Some(v) = retry_after
                .as_deref()
                .and_then(|v| HeaderValue::from_str(v).ok())
            {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        FaultKind::NonJson { status, body } => {
            let mut r = Response::new(Body::from(body.clone()));
            *r.status_mut() = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_GATEWAY);
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            r
        }
        FaultKind::RawBody { status, body } => {
            let mut r = Response::new(Body::from(body.clone()));
            *r.status_mut() = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        FaultKind::Truncated
        | FaultKind::DropConnection
        | FaultKind::Hang
        | FaultKind::LostResponse
        | FaultKind::CutBody { .. }
        | FaultKind::StallBody { .. } => {
            let chunk = Bytes::from_static(br#"{"users":[{"id":"c"#);
            let mut r = Response::new(Body::new(TruncatedBody {
                chunk: Some(chunk),
                pause: Box::pin(tokio::time::sleep(Duration::from_millis(50))),
            }));
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
            r
        }
    };
    set_request_id(&mut resp, rid);
    resp
}

/// Renders handler errors (and any non-JSON error from the framework) as the spec's
/// error body, with the request's ID.
async fn finish(mut resp: Response<Body>, rid: &str) -> Response<Body> {
    if let Some(err) = resp.extensions_mut().remove::<ApiError>() {
        let mut r = json_response(err.status, &err.body(rid));
        if let Some(allow) = resp.headers().get(header::ALLOW) {
            r.headers_mut().insert(header::ALLOW, allow.clone());
        }
        resp = r;
    } else if resp.status().as_u16() >= 400
        && !resp
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| header_string(v).contains("json"))
    {
        let status = resp.status();
        let text = match resp.into_body().collect().await {
            Ok(b) => String::from_utf8_lossy(&b.to_bytes()).trim().to_string(),
            Err(_) => String::new(),
        };
        let message = if text.is_empty() {
            status.canonical_reason().unwrap_or("error").to_string()
        } else {
            text
        };
        resp = json_response(status, &ApiError::new(status, message).body(rid));
    }
    set_request_id(&mut resp, rid);
    resp
}

/// Serves one request: log, latency, faults, then the router.
async fn serve(
    shared: Arc<Shared>,
    router: Router,
    shutdown: watch::Receiver<bool>,
    req: Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let control = req.uri().path().starts_with("/_emulator/");
    let _in_flight = (!control).then(|| shared.recorder.enter());
    let started_at = SystemTime::now();
    let (parts, body) = req.into_parts();
    let bytes = match body.collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Err(ConnectionDropped),
    };
    let rid = shared.next_request_id();
    let headers = &parts.headers;
    let mut record = RecordedRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        body: (!bytes.is_empty()).then(|| String::from_utf8_lossy(&bytes).into_owned()),
        authorization: headers.get(header::AUTHORIZATION).map(header_string),
        user_agent: headers.get(header::USER_AGENT).map(header_string),
        headers: headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), header_string(v)))
            .collect(),
        status: 0,
        started_at,
        finished_at: started_at,
    };
    let mut lose_response = false;
    let mut body_fault: Option<(usize, bool)> = None;
    if !control {
        let delay = shared.delay();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let fault = lock(&shared.faults).take(&record.method, &record.path);
        if let Some(kind) = fault {
            match kind {
                FaultKind::LostResponse => lose_response = true,
                FaultKind::CutBody { after } => body_fault = Some((after, false)),
                FaultKind::StallBody { after } => body_fault = Some((after, true)),
                FaultKind::DropConnection => {
                    record.finished_at = SystemTime::now();
                    shared.recorder.record(record);
                    return Err(ConnectionDropped);
                }
                FaultKind::Hang => {
                    record.finished_at = SystemTime::now();
                    shared.recorder.record(record);
                    wait_for_shutdown(shutdown).await;
                    return Err(ConnectionDropped);
                }
                other => {
                    let resp = fault_response(&other, &rid);
                    record.status = resp.status().as_u16();
                    record.finished_at = SystemTime::now();
                    shared.recorder.record(record);
                    return Ok(resp);
                }
            }
        }
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    let resp = match router.oneshot(req).await {
        Ok(r) => r,
        Err(never) => match never {},
    };
    let mut resp = finish(resp, &rid).await;
    if let Some((after, stall)) = body_fault {
        let (parts, body) = resp.into_parts();
        resp = Response::from_parts(
            parts,
            Body::new(FaultyBody::new(body, after, stall, shutdown.clone())),
        );
        resp.headers_mut().remove(header::CONTENT_LENGTH);
    }
    if lose_response {
        record.finished_at = SystemTime::now();
        shared.recorder.record(record);
        return Err(ConnectionDropped);
    }
    if !control {
        record.status = resp.status().as_u16();
        record.finished_at = SystemTime::now();
        shared.recorder.record(record);
    }
    Ok(resp)
}

/// Accepts connections until `shutdown` turns true, then lets open connections finish
/// for at most `grace` and closes the rest.
pub async fn run(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let router = crate::api::router(shared.clone());
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _)) => stream,
                    Err(_) => {
                        // e.g. too many open files: back off briefly, keep serving.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let (shared, router, rx) = (shared.clone(), router.clone(), shutdown.clone());
                conns.spawn(async move {
                    let svc_rx = rx.clone();
                    let svc = hyper::service::service_fn(move |req| {
                        serve(shared.clone(), router.clone(), svc_rx.clone(), req)
                    });
                    let builder = auto::Builder::new(TokioExecutor::new());
                    let conn = builder.serve_connection(TokioIo::new(stream), svc);
                    tokio::pin!(conn);
                    tokio::select! {
                        _ = conn.as_mut() => {}
                        _ = wait_for_shutdown(rx) => {
                            conn.as_mut().graceful_shutdown();
                            let _ = conn.await;
                        }
                    }
                });
            }
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    break;
                }
            }
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(grace, async { while conns.join_next().await.is_some() {} }).await;
    conns.abort_all();
}
