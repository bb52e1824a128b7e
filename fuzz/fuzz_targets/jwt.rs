//! The token's claims reader, on any string.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(claims) = astro_cli::jwt::Claims::parse(text)
    {
        let _ = claims.organization_id();
        let _ = claims.is_expired(0);
    }
});
