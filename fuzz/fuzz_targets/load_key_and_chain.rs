//! Arbitrary bytes as a private key (PEM or DER), a PEM chain and a trust
//! anchor: loading returns an error, never panics.
#![no_main]

use ishare_jwt::{Signer, TrustAnchor};
use libfuzzer_sys::fuzz_target;

const CHAIN: &str = include_str!("../../testdata/pki/client-eori.chain.pem");
const KEY: &str = include_str!("../../testdata/pki/client-eori.key.pem");

fuzz_target!(|data: &[u8]| {
    let _ = Signer::from_pem(data, CHAIN, "EU.EORI.NL000000101");
    let _ = Signer::from_der(data, vec![data.to_vec()], "EU.EORI.NL000000101");
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Signer::from_pem(KEY, text, "EU.EORI.NL000000101");
        let _ = TrustAnchor::parse(text);
    }
    let _ = TrustAnchor::from_der(data.to_vec());
});
