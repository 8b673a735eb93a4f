//! Arbitrary bytes as a token: verification returns, never panics.
#![no_main]

use ishare_jwt::{TrustAnchor, Verifier};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    let root = include_str!("../../testdata/pki/root-ca.sha256").trim();
    let pem = include_str!("../../tests/vectors/root-ca.pem");
    Verifier::new(
        "EU.EORI.NL000000000",
        vec![TrustAnchor::parse(root).unwrap(), TrustAnchor::parse(pem).unwrap()],
    )
    .unwrap()
});

fuzz_target!(|data: &[u8]| {
    if let Ok(token) = std::str::from_utf8(data) {
        let _ = VERIFIER.verify(token, 1_767_225_605, Some("EU.EORI.NL000000001"));
    }
});
