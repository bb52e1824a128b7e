//! Small helpers shared by the emulator's modules: CUID-shaped IDs, RFC 3339 timestamps,
//! query-string decoding and a tiny deterministic PRNG (for jitter and ID tails).

use std::time::{SystemTime, UNIX_EPOCH};

/// 2024-01-15T09:00:00Z, the first seed user's creation time.
pub const SEED_EPOCH: i64 = 1_705_309_200;

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// SplitMix64: a tiny, fast, well-mixed deterministic generator.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// FNV-1a 64-bit hash, used to derive deterministic values from text.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn push_base36(out: &mut String, mut value: u64, width: usize) {
    let mut buf = vec![b'0'; width];
    for slot in buf.iter_mut().rev() {
        *slot = BASE36[(value % 36) as usize];
        value /= 36;
    }
    out.extend(buf.iter().map(|b| *b as char));
}

/// A deterministic CUID-shaped ID: `c` + 8 base36 chars of the entity's creation time +
/// 6 of a per-kind counter + 2 of the kind + 8 pseudo-random, 25 characters in all.
/// IDs of one kind are unique by construction (the counter), whatever the time.
pub fn cuid(kind: &str, counter: u64, created_at: i64) -> String {
    let mut out = String::with_capacity(25);
    out.push('c');
    push_base36(
        &mut out,
        (created_at.max(0) as u64).wrapping_mul(1000) % 36u64.pow(8),
        8,
    );
    push_base36(&mut out, counter % 36u64.pow(6), 6);
    let kind_hash = fnv1a(kind.as_bytes());
    push_base36(&mut out, kind_hash % (36 * 36), 2);
    let mut rng = SplitMix64(kind_hash ^ counter.wrapping_mul(0x2545_F491_4F6C_DD1D));
    push_base36(&mut out, rng.next_u64() % 36u64.pow(8), 8);
    out
}

#[cfg(test)]
/// Whether `s` has the CUID shape: `c` followed by 24 of `[0-9a-z]`.
pub fn is_cuid(s: &str) -> bool {
    s.len() == 25
        && s.starts_with('c')
        && s.bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// Seconds since the Unix epoch, now.
pub fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Milliseconds since the Unix epoch, now.
pub fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        (secs % 3600) / 60,
        secs % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Decodes one `application/x-www-form-urlencoded` component (`+` is a space, `%XX` a byte).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Splits a raw query string into decoded `(key, value)` pairs, keeping repeated keys.
pub fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    raw.unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (percent_decode(k), percent_decode(v)),
            None => (percent_decode(pair), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_timestamps() {
        assert_eq!(rfc3339(SEED_EPOCH), "2024-01-15T09:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn cuids_have_the_shape_and_are_unique() {
        let a = cuid("user", 1, SEED_EPOCH);
        let b = cuid("user", 2, SEED_EPOCH);
        assert!(is_cuid(&a), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, cuid("user", 1, SEED_EPOCH));
    }

    #[test]
    fn decodes_queries() {
        let q = parse_query(Some(
            "sorts=username%3Aasc&sorts=id:desc&x=a+b&bad=%zz&end=%4",
        ));
        assert_eq!(q[0], ("sorts".into(), "username:asc".into()));
        assert_eq!(q[1], ("sorts".into(), "id:desc".into()));
        assert_eq!(q[2], ("x".into(), "a b".into()));
        assert_eq!(q[3], ("bad".into(), "%zz".into()));
        assert_eq!(q[4], ("end".into(), "%4".into()));
    }
}
