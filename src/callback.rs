//! The one-shot local HTTP listener that receives the browser's redirect at the end of the
//! OAuth login (`http://localhost:<port>/callback?code=…&state=…`). It answers every request
//! with a short page and returns the first callback whose `state` matches.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::CliError;

/// The port the Go CLI registers with Astro's identity provider.
pub const DEFAULT_PORT: u16 = 12345;
/// How long to wait for the user to finish logging in.
pub const WAIT: Duration = Duration::from_secs(300);

pub struct Callback {
    listener: TcpListener,
}

impl Callback {
    pub async fn bind(port: u16) -> Result<Self, CliError> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
            CliError::failure(format!(
                "cannot listen on 127.0.0.1:{port} for the login callback: {e}"
            ))
            .with_hint("close whatever uses that port (another login?) and try again")
        })?;
        Ok(Self { listener })
    }

    pub fn redirect_uri(&self) -> String {
        let port = self.listener.local_addr().map_or(0, |a| a.port());
        format!("http://localhost:{port}/callback")
    }

    /// Waits for the callback and returns its authorization code.
    pub async fn wait_for_code(self, state: &str) -> Result<String, CliError> {
        let wait = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                if let Some(result) = handle(stream, state).await {
                    return result;
                }
            }
        };
        tokio::time::timeout(WAIT, wait).await.map_err(|_| {
            CliError::failure("timed out waiting for the browser to finish logging in")
                .with_hint("run `astro login` again, or use `astro login --token-login TOKEN`")
        })?
    }
}

/// Serves one request. `Some` when it was the callback (with its outcome).
async fn handle(mut stream: TcpStream, state: &str) -> Option<Result<String, CliError>> {
    let mut buf = Vec::with_capacity(2048);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 16 * 1024 {
        match tokio::time::timeout(Duration::from_secs(10), stream.read(&mut chunk)).await {
            Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
            _ => return None,
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("GET "))
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("");
    let Some(query) = target
        .strip_prefix("/callback")
        .map(|rest| rest.strip_prefix('?').unwrap_or(""))
    else {
        respond(&mut stream, "404 Not Found", "Not found.").await;
        return None;
    };
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    if params.get("state").map(String::as_str) != Some(state) {
        respond(
            &mut stream,
            "400 Bad Request",
            "This login link is not the one astro is waiting for.",
        )
        .await;
        return None;
    }
    if let Some(error) = params.get("error") {
        respond(
            &mut stream,
            "200 OK",
            "Login failed. You can close this tab.",
        )
        .await;
        let detail = params.get("error_description").unwrap_or(error);
        return Some(Err(CliError::auth(format!("login was refused: {detail}"))));
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => {
            respond(
                &mut stream,
                "200 OK",
                "You are logged in to Astro. You can close this tab and return to the terminal.",
            )
            .await;
            Some(Ok(code.clone()))
        }
        None => {
            respond(
                &mut stream,
                "400 Bad Request",
                "The callback carried no code.",
            )
            .await;
            None
        }
    }
}

async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!("<!doctype html><title>astro login</title><p>{text}</p>\n");
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}
