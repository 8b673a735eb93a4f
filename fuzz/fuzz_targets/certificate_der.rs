//! Arbitrary bytes as one DER certificate (the X.509 reader every x5c entry
//! and trust anchor goes through): an error, or a certificate whose
//! fingerprint is of exactly the bytes given — never of a re-encoding
//! (review finding F2) — and never a panic.
#![no_main]

use ishare_jwt::TrustAnchor;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    if let Ok(anchor) = TrustAnchor::from_der(data.to_vec()) {
        let expected: String = Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(anchor.sha256_hex(), expected);
    }
});
