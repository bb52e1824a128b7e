//! Helpers shared by the emulator's integration tests: a started emulator plus a plain-HTTP
//! client with short ways to call it.

#![allow(dead_code)]

use astro_emulator::{Emulator, EmulatorBuilder, EmulatorHandle};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// One response: status, headers and the body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Ctx {
    pub emu: EmulatorHandle,
    pub client: reqwest::Client,
    pub token: String,
}

/// A reqwest client builder that works whatever TLS features the workspace unified into
/// reqwest (the CLI's `rustls-no-provider` needs a provider installed first).
pub fn client_builder() -> reqwest::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

pub fn client() -> reqwest::Client {
    client_builder().build().expect("client")
}

impl Ctx {
    pub async fn new() -> Ctx {
        Ctx::with(Emulator::builder()).await
    }

    pub async fn with(builder: EmulatorBuilder) -> Ctx {
        let emu = builder.start().await.expect("emulator starts");
        let token = emu.token();
        Ctx {
            emu,
            client: client_builder()
                .user_agent("astro-emulator-tests/1")
                .build()
                .expect("client"),
            token,
        }
    }

    /// `base_url + path` (path starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.emu.base_url())
    }

    /// `base_url + /organizations/{org} + path`.
    pub fn org(&self, path: &str) -> String {
        format!("/organizations/{}{path}", self.emu.organization_id())
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req
                .header("Content-Type", "application/json")
                .body(b.to_string());
        }
        let resp = req.send().await.expect("request sent");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body read");
        let json = serde_json::from_str(&text).unwrap_or(Value::String(text.clone()));
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call_with(Method::GET, path, Some(&self.token), None)
            .await
    }

    pub async fn post(&self, path: &str, body: &str) -> Reply {
        self.call_with(Method::POST, path, Some(&self.token), Some(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call_with(Method::DELETE, path, Some(&self.token), None)
            .await
    }

    /// The users of one ListUsers page, as usernames.
    pub async fn usernames(&self, query: &str) -> Vec<String> {
        let r = self.get(&self.org(&format!("/users{query}"))).await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.json["users"]
            .as_array()
            .expect("users array")
            .iter()
            .map(|u| u["username"].as_str().expect("username").to_string())
            .collect()
    }
}

/// Asserts the spec's error shape, that `requestId` equals the `X-Request-Id` header, and
/// returns the message.
pub fn assert_error(r: &Reply, status: u16) -> String {
    assert_eq!(r.status.as_u16(), status, "body: {}", r.text);
    assert!(
        r.header("content-type").unwrap_or("").contains("json"),
        "content-type {:?}",
        r.header("content-type")
    );
    assert_eq!(r.json["statusCode"], status, "{}", r.text);
    let rid = r.json["requestId"].as_str().expect("requestId");
    assert!(!rid.is_empty());
    assert_eq!(r.header("x-request-id"), Some(rid));
    r.json["message"].as_str().expect("message").to_string()
}

/// Asserts a validation 400 naming `field` in `fieldErrors`.
pub fn assert_field_error(r: &Reply, field: &str) {
    assert_error(r, 400);
    let errs = r.json["fieldErrors"].as_array().expect("fieldErrors");
    assert!(
        errs.iter().any(|e| e["field"] == field
            && e["code"].as_str().is_some_and(|c| !c.is_empty())
            && e["message"].as_str().is_some_and(|m| !m.is_empty())),
        "no fieldError for {field}: {}",
        r.text
    );
}

pub fn is_cuid(s: &str) -> bool {
    s.len() == 25
        && s.starts_with('c')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

pub fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 20
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'Z'
        && s.bytes()
            .enumerate()
            .all(|(i, c)| [4, 7, 10, 13, 16, 19].contains(&i) || c.is_ascii_digit())
}

pub fn unix_of(ts: &str) -> i64 {
    // Days from civil (valid for the years used here).
    let y: i64 = ts[0..4].parse().unwrap();
    let m: i64 = ts[5..7].parse().unwrap();
    let d: i64 = ts[8..10].parse().unwrap();
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let h: i64 = ts[11..13].parse().unwrap();
    let mi: i64 = ts[14..16].parse().unwrap();
    let s: i64 = ts[17..19].parse().unwrap();
    days * 86_400 + h * 3600 + mi * 60 + s
}

pub fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}
