//! The config file: whatever parses must survive an edit and a write, and read back with the
//! edit applied and nothing else changed.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut cfg) = astro_cli::config::ConfigFile::parse(text) else {
        return;
    };
    let _ = cfg.current(None);
    cfg.set_context_value("fuzz.example", "organization", "cfuzz".into());
    let Ok(written) = cfg.to_yaml() else {
        return;
    };
    let reread = astro_cli::config::ConfigFile::parse(&written)
        .expect("what we write must parse again");
    assert_eq!(
        reread.context("fuzz.example").organization.as_deref(),
        Some("cfuzz")
    );
});
