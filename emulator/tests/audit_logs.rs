//! GetOrganizationAuditLogs over real HTTP: a gzip NDJSON stream of the Organization's events,
//! selected by `startDate`/`endDate`, the same bytes for the same range, a byte target for
//! measurements, and body faults (cut, stalled) for clients that stream.

mod common;

use std::io::Read;
use std::time::Duration;

use astro_emulator::{Emulator, Fault, FaultKind};
use common::Ctx;
use serde_json::Value;

async fn fetch(c: &Ctx, query: &str) -> (u16, Vec<u8>) {
    let resp = c
        .client
        .get(c.url(&c.org(&format!("/audit-logs{query}"))))
        .header("Authorization", format!("Bearer {}", c.token))
        .send()
        .await
        .expect("sent");
    let status = resp.status().as_u16();
    (status, resp.bytes().await.expect("whole body").to_vec())
}

fn events(gz: &[u8]) -> Vec<Value> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .expect("gzip");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect()
}

fn iso(unix: i64) -> String {
    // Days to civil, for building queries.
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[tokio::test]
async fn a_range_selects_events_of_one_timeline_the_same_bytes_each_time() {
    let c = Ctx::new().await;
    let now = common::now_unix();
    let (start, end) = (iso(now - 3 * 86_400), iso(now - 2 * 86_400));
    let query = format!("?startDate={start}&endDate={end}");
    let (status, body) = fetch(&c, &query).await;
    assert_eq!(status, 200);
    let (_, again) = fetch(&c, &query).await;
    assert_eq!(body, again, "deterministic");
    assert_eq!(c.emu.audit_log(&start, &end).as_deref(), Some(&body[..]));
    let day = events(&body);
    // About 960 a day.
    assert!((900..1020).contains(&day.len()), "{}", day.len());
    let mut last = String::new();
    for e in &day {
        let t = e["timestamp"].as_str().unwrap().to_string();
        let at = common::unix_of(&t);
        assert!(at >= now - 3 * 86_400 && at < now - 2 * 86_400, "{t}");
        assert!(t >= last, "in order");
        last = t;
        assert_eq!(e["organizationId"], c.emu.organization_id());
        for key in [
            "id",
            "eventType",
            "action",
            "outcome",
            "actor",
            "target",
            "request",
        ] {
            assert!(!e[key].is_null(), "{key} in {e}");
        }
    }
    // The seed's people appear as actors, and every kind of event.
    assert!(
        day.iter()
            .any(|e| e["actor"]["username"] == "ada@example.com")
    );
    for kind in [
        "API",
        "AIRFLOW_UI_ACCESS",
        "REGISTRY_ACCESS",
        "CLOUD_IDE_ACCESS",
    ] {
        assert!(day.iter().any(|e| e["eventType"] == kind), "{kind}");
    }
    // A sub-range is a slice of the same events.
    let noon = iso(now - 3 * 86_400 + 43_200);
    let (_, half) = fetch(&c, &format!("?startDate={noon}&endDate={end}")).await;
    let half = events(&half);
    assert_eq!(&day[day.len() - half.len()..], &half[..]);
    // Nothing in the future, nothing older than 90 days.
    let (_, future) = fetch(
        &c,
        &format!("?startDate={}&endDate={}", iso(now + 60), iso(now + 86_400)),
    )
    .await;
    assert!(events(&future).is_empty());
    let (_, old) = fetch(
        &c,
        &format!(
            "?startDate={}&endDate={}",
            iso(now - 100 * 86_400),
            iso(now - 91 * 86_400)
        ),
    )
    .await;
    assert!(events(&old).is_empty());
    // No startDate: 90 days before endDate, as far as the retention goes (here one day).
    let (status, oldest) = fetch(&c, &format!("?endDate={}", iso(now - 89 * 86_400))).await;
    assert_eq!(status, 200);
    let oldest = events(&oldest);
    assert!((900..1020).contains(&oldest.len()), "{}", oldest.len());
}

#[tokio::test]
async fn a_byte_target_fills_the_range_with_at_least_that_many_bytes() {
    let c = Ctx::with(Emulator::builder().audit_log_bytes(1 << 20)).await;
    let now = common::now_unix();
    let (start, end) = (iso(now - 86_400), iso(now));
    let (status, body) = fetch(&c, &format!("?startDate={start}&endDate={end}")).await;
    assert_eq!(status, 200);
    assert!(
        body.len() >= 1 << 20 && body.len() < 2 << 20,
        "{}",
        body.len()
    );
    let all = events(&body);
    assert!(all.len() > 10_000, "{}", all.len());
    assert!(all.iter().all(|e| {
        let t = common::unix_of(e["timestamp"].as_str().unwrap());
        t >= now - 86_400 && t < now
    }));
}

#[tokio::test]
async fn body_faults_cut_or_stall_the_stream_after_some_bytes() {
    let c = Ctx::new().await;
    let path = "/v1/organizations/*/audit-logs";
    c.emu.inject(
        Fault::new(FaultKind::CutBody { after: 1000 })
            .method("GET")
            .path(path),
    );
    let mut resp = c
        .client
        .get(c.url(&c.org("/audit-logs")))
        .header("Authorization", format!("Bearer {}", c.token))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let mut got = 0;
    let err = loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => got += chunk.len(),
            Ok(None) => panic!("the body ended cleanly after {got} bytes"),
            Err(e) => break e,
        }
    };
    assert_eq!(got, 1000, "{err}");
    assert_eq!(c.emu.requests().last().unwrap().status, 200);

    c.emu.inject(
        Fault::new(FaultKind::StallBody { after: 10 })
            .method("GET")
            .path(path),
    );
    let mut resp = c
        .client
        .get(c.url(&c.org("/audit-logs")))
        .header("Authorization", format!("Bearer {}", c.token))
        .send()
        .await
        .unwrap();
    let first = resp.chunk().await.unwrap().unwrap();
    assert_eq!(first.len(), 10);
    let more = tokio::time::timeout(Duration::from_millis(300), resp.chunk()).await;
    assert!(more.is_err(), "nothing more comes");
    // Without a fault the same request completes.
    let (status, body) = fetch(&c, "").await;
    assert_eq!(status, 200);
    assert!(!events(&body).is_empty());
}

#[tokio::test]
async fn only_organization_owners_may_export() {
    let c = Ctx::new().await;
    let reader = c.emu.api_token("Analytics reporting").unwrap();
    let secret = c.emu.api_token_secret(&reader.id).unwrap();
    let r = c
        .call_with(
            reqwest::Method::GET,
            &c.org("/audit-logs"),
            Some(&secret),
            None,
        )
        .await;
    let message = common::assert_error(&r, 403);
    assert!(message.contains("ORGANIZATION_OWNER"), "{message}");
    let r = c.get(&c.org("/audit-logs?endDate=soon")).await;
    common::assert_field_error(&r, "endDate");
}
