//! API response and error decoding, on any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    astro_cli::api::decode_all_shapes(data);
});
