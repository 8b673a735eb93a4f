//! Party identifiers, token-endpoint responses and token requests (the
//! server's form parser) from arbitrary bytes.
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
        // A form the client side writes, the server side reads back.
        if let Ok(form) = ishare_jwt::token_request_form(text, text, "iSHARE") {
            let parsed = ishare_jwt::parse_token_request(&form).expect("own form parses");
            assert_eq!((parsed.client_id.as_str(), parsed.client_assertion.as_str()), (text, text));
        }
        if let Err(refusal) = ishare_jwt::parse_token_request(text) {
            assert!(matches!(refusal.status, 400));
            let _ = refusal.body();
        }
    }
});
