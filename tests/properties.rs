//! Property tests (proptest) of the parsers that take outside input: the token's claims, the
//! config file (read, edit, write, read again), and API response decoding. They run in the
//! normal test suite with a bounded number of cases; `fuzz/` has coverage-guided targets for
//! the same functions.

use astro_cli::config::ConfigFile;
use astro_cli::jwt::Claims;
use proptest::prelude::*;

fn b64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn the_jwt_reader_never_panics(token in ".{0,200}") {
        let _ = Claims::parse(&token);
    }

    #[test]
    fn the_jwt_reader_finds_the_organization_in_any_permissions(
        org in "c[0-9a-z]{24}",
        before in proptest::collection::vec("[a-zA-Z]{1,10}:[a-z0-9]{1,10}", 0..4),
        exp in proptest::option::of(0u32..u32::MAX),
    ) {
        let mut permissions: Vec<String> = before;
        permissions.push(format!("organizationId:{org}"));
        let payload = serde_json::json!({"permissions": permissions, "exp": exp, "org_id": "not-this"});
        let token = format!("e30.{}.sig", b64url(payload.to_string().as_bytes()));
        let claims = Claims::parse(&token).unwrap();
        let expected = permissions.iter().find_map(|p| p.strip_prefix("organizationId:")).unwrap();
        prop_assert_eq!(claims.organization_id(), Some(expected));
        prop_assert_eq!(claims.is_expired(0), exp == Some(0));
    }

    #[test]
    fn the_config_reader_never_panics(text in "(?s).{0,300}") {
        let _ = ConfigFile::parse(&text);
    }

    #[test]
    fn config_edits_keep_every_other_key(
        extra in proptest::collection::btree_map("[a-z][a-z_]{0,8}", any::<i64>(), 0..6),
        nested in proptest::collection::vec("[ -~]{0,12}", 0..4),
        org in "c[0-9a-z]{24}",
    ) {
        let mut doc = serde_json::json!({
            "context": "astronomer.io",
            "contexts": {"astronomer_io": {"domain": "astronomer.io", "token": "Bearer x", "keep": nested.clone()}},
        });
        for (k, v) in &extra {
            if k != "context" && k != "contexts" {
                doc[k.as_str()] = serde_json::json!({"n": v, "list": nested.clone()});
            }
        }
        let text = serde_saphyr::to_string(&doc).unwrap();
        let mut cfg = ConfigFile::parse(&text).unwrap();
        cfg.set_context_value("astronomer.io", "organization", org.clone().into());
        let written = cfg.to_yaml().unwrap();
        let reread: serde_json::Value = serde_saphyr::from_str(&written).unwrap();
        let mut expected = doc.clone();
        expected["contexts"]["astronomer_io"]["organization"] = org.into();
        prop_assert_eq!(reread, expected);
    }

    #[test]
    fn response_decoding_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        astro_cli::api::decode_all_shapes(&bytes);
    }

    #[test]
    fn decoding_json_shaped_input_never_panics(
        users in proptest::collection::vec((".{0,10}", proptest::option::of(".{0,30}"), any::<bool>()), 0..5),
        total in any::<i64>(),
    ) {
        let body = serde_json::json!({
            "users": users.iter().map(|(id, role, flag)| serde_json::json!({
                "id": id, "username": id, "fullName": flag, "status": "ACTIVE",
                "createdAt": "2024-01-01T00:00:00Z", "organizationRole": role,
            })).collect::<Vec<_>>(),
            "totalCount": total, "limit": 1000, "offset": 0,
        });
        astro_cli::api::decode_all_shapes(body.to_string().as_bytes());
    }
}
