//! Party identifiers and token-endpoint responses from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ishare_jwt::parse_token_response(data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(id) = ishare_jwt::PartyId::parse(text) {
            // A parsed id round-trips and names a certificate value.
            assert_eq!(id.as_str(), text);
            assert!(!id.certificate_name().is_empty());
        }
        let _ = ishare_jwt::token_request_form(text, text, text);
    }
});
