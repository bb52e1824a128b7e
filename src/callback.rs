//! The one-shot local HTTP listener that receives the browser's redirect at the end of the
//! OAuth login (`http://localhost:<port>/callback?code=…&state=…`). It answers every request
//! with a short page and returns the first callback whose `state` matches. While it waits, the
//! same redirect address (or just its code) may be pasted into the terminal instead, for a
//! browser on another machine that cannot reach this one; whichever comes first wins.

use std::collections::HashMap;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::error::CliError;
use crate::output;
use crate::paste::PastedLines;

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

    /// Waits for the callback, or for its address (or code) pasted into the terminal when
    /// `pasted` reads one, and returns the authorization code.
    pub async fn wait_for_code(
        self,
        state: &str,
        pasted: Option<PastedLines>,
    ) -> Result<String, CliError> {
        let callback = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else {
                    continue;
                };
                if let Some(result) = handle(stream, state).await {
                    return result;
                }
            }
        };
        let paste = async {
            let Some(mut lines) = pasted else {
                return std::future::pending().await;
            };
            while let Some(line) = lines.next().await {
                if let Some(result) = judge_pasted(&line, state) {
                    return result;
                }
            }
            // The terminal has no more input: only the callback can end the wait now.
            std::future::pending().await
        };
        let wait = async {
            tokio::select! {
                result = callback => result,
                result = paste => result,
            }
        };
        tokio::time::timeout(WAIT, wait).await.map_err(|_| {
            CliError::failure("timed out waiting for the browser to finish logging in")
                .with_hint("run `astro login` again, or use `astro login --token-login TOKEN`")
        })?
    }
}

/// What the query of a redirect to the callback says.
#[derive(Debug, PartialEq, Eq)]
enum Redirect {
    Code(String),
    /// The identity provider refused the login (its description).
    Refused(String),
    /// Not this login's redirect (another login's, or forged).
    WrongState,
    NoCode,
}

fn judge(query: &str, state: &str) -> Redirect {
    let params: HashMap<String, String> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if params.get("state").map(String::as_str) != Some(state) {
        return Redirect::WrongState;
    }
    if let Some(error) = params.get("error") {
        let detail = params.get("error_description").unwrap_or(error);
        return Redirect::Refused(detail.clone());
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => Redirect::Code(code.clone()),
        None => Redirect::NoCode,
    }
}

fn refused(detail: &str) -> CliError {
    CliError::auth(format!("login was refused: {detail}"))
}

/// A line entered in the terminal: the redirect address (checked as the callback checks it),
/// its query, or the bare code (PKCE protects its exchange). `None` to keep waiting, after a
/// note saying why the line was not taken. The line itself is never echoed.
fn judge_pasted(line: &str, state: &str) -> Option<Result<String, CliError>> {
    let text = line.trim();
    if text.is_empty() {
        return None;
    }
    let why = if text.contains('=') {
        let query = text.split_once('?').map_or(text, |(_, q)| q);
        let query = query.split_once('#').map_or(query, |(q, _)| q);
        match judge(query, state) {
            Redirect::Code(code) => return Some(Ok(code)),
            Redirect::Refused(detail) => return Some(Err(refused(&detail))),
            Redirect::WrongState => {
                "that address is not from this login (its state does not match)"
            }
            Redirect::NoCode => "that address carries no login code",
        }
    } else if is_bare_code(text) {
        let code = url::form_urlencoded::parse(format!("code={text}").as_bytes())
            .next()
            .map(|(_, code)| code.into_owned())
            .unwrap_or_default();
        return Some(Ok(code));
    } else {
        "that is neither the address the browser ended on nor a login code"
    };
    output::note(&format!(
        "{why}; still waiting: paste the address from this login's browser, or its code"
    ));
    None
}

/// Looks like an authorization code copied out of the address: URL-safe characters only.
fn is_bare_code(text: &str) -> bool {
    text.len() <= 2048
        && !text.starts_with("http:")
        && !text.starts_with("https:")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%+/".contains(&b))
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
    match judge(query, state) {
        Redirect::WrongState => {
            respond(
                &mut stream,
                "400 Bad Request",
                "This login link is not the one astro is waiting for.",
            )
            .await;
            None
        }
        Redirect::Refused(detail) => {
            respond(
                &mut stream,
                "200 OK",
                "Login failed. You can close this tab.",
            )
            .await;
            Some(Err(refused(&detail)))
        }
        Redirect::Code(code) => {
            respond(
                &mut stream,
                "200 OK",
                "You are logged in to Astro. You can close this tab and return to the terminal.",
            )
            .await;
            Some(Ok(code))
        }
        Redirect::NoCode => {
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

#[cfg(test)]
mod tests {
    use super::*;

    const STATE: &str = "st4te-_x";

    fn code(line: &str) -> Option<String> {
        judge_pasted(line, STATE).and_then(Result::ok)
    }

    #[test]
    fn a_pasted_redirect_address_gives_its_code_when_the_state_matches() {
        assert_eq!(
            code("  http://localhost:12345/callback?code=abc-123&state=st4te-_x \r").as_deref(),
            Some("abc-123")
        );
        // Any order, a fragment, just the query.
        assert_eq!(
            code("http://localhost:12345/callback?state=st4te-_x&code=a%2Fb#frag").as_deref(),
            Some("a/b")
        );
        assert_eq!(code("code=abc&state=st4te-_x").as_deref(), Some("abc"));
    }

    #[test]
    fn a_pasted_address_with_another_state_or_no_code_is_not_taken() {
        for line in [
            "http://localhost:12345/callback?code=abc&state=other",
            "http://localhost:12345/callback?code=abc",
            "http://localhost:12345/callback?state=st4te-_x",
            "http://localhost:12345/callback?error=access_denied&state=other",
            "",
            "   ",
            "what do I do",
            "http://localhost:12345/callback",
        ] {
            assert!(judge_pasted(line, STATE).is_none(), "{line:?}");
        }
    }

    #[test]
    fn a_refusal_with_this_state_ends_the_wait() {
        let err = judge_pasted(
            "http://localhost:12345/callback?error=access_denied&error_description=nope&state=st4te-_x",
            STATE,
        )
        .unwrap()
        .unwrap_err();
        assert_eq!(err.exit, crate::error::Exit::Auth);
        assert!(err.message.contains("nope"), "{}", err.message);
    }

    #[test]
    fn a_bare_code_is_taken_as_is() {
        assert_eq!(code("Xy_z-09.~").as_deref(), Some("Xy_z-09.~"));
        assert_eq!(code("a%2Fb").as_deref(), Some("a/b"));
        assert!(code(&"x".repeat(3000)).is_none());
    }

    #[test]
    fn the_callback_query_is_judged_like_a_paste() {
        assert_eq!(
            judge("code=c&state=st4te-_x", STATE),
            Redirect::Code("c".into())
        );
        assert_eq!(judge("code=c&state=x", STATE), Redirect::WrongState);
        assert_eq!(judge("state=st4te-_x&code=", STATE), Redirect::NoCode);
        assert_eq!(
            judge("state=st4te-_x&error=e", STATE),
            Redirect::Refused("e".into())
        );
    }
}
