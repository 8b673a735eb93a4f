//! Signing through a PKCS#11 token (a SoftHSM token `scripts/bench` makes
//! for the run with `scripts/softhsm-token`) beside the PEM signer with the
//! same key, both measured in the same run, one after the other.

use ishare_jwt_pkcs11::from_pkcs11;

use crate::measure::{Measurement, measure};
use crate::rust_cases::{CLIENT, NOW, SERVER, pki, rng, signer, verifier};

/// The PEM row first, then the token's, or why the token could not be used.
pub fn device_sign(seconds: f64, uri: &str) -> Result<[(String, Measurement); 2], String> {
    let in_memory = signer("client-eori", CLIENT);
    let device = from_pkcs11(uri, None, Some(&pki("client-eori.chain.pem")), CLIENT)
        .map_err(|e| format!("{}: {e}", e.kind()))?;
    // What is measured must be a token the verifier accepts.
    let token = device
        .client_assertion(&mut rng(), SERVER, NOW)
        .map_err(|e| format!("{}: {e}", e.kind()))?;
    verifier()
        .verify(&token, NOW, Some(CLIENT))
        .map_err(|e| format!("the token signed on the device does not verify: {e}"))?;

    let pem = measure(seconds, || {
        in_memory
            .client_assertion(&mut rng(), SERVER, NOW)
            .expect("sign");
    });
    let pkcs11 = measure(seconds, || {
        device
            .client_assertion(&mut rng(), SERVER, NOW)
            .expect("sign");
    });
    Ok([
        (
            "ours: sign an assertion, PEM key in memory (Rust, the key below)".into(),
            pem,
        ),
        (
            "ours: sign an assertion, key on a PKCS#11 token (Rust, SoftHSM, CKM_SHA256_RSA_PKCS)"
                .into(),
            pkcs11,
        ),
    ])
}
