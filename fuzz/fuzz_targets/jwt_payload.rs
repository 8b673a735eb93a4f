//! Arbitrary text as a general iSHARE JWT's claims: whatever `sign_jwt`
//! accepts, `verify_jwt` accepts and returns with equal values (a
//! differential check of the JSON reader and writer), and the satellite
//! checks judge any such payload without panicking.
#![no_main]

use ishare_jwt::{Signer, TrustAnchor, Verifier, check_party, trusted_list_anchors};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

const SATELLITE: &str = "EU.EORI.NL000000100";
const CLIENT: &str = "EU.EORI.NL000000101";
const NOW: i64 = 1_798_761_600;

static SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_pem(
        include_str!("../../testdata/pki/server-eori.key.pem"),
        include_str!("../../testdata/pki/server-eori.chain.pem"),
        SATELLITE,
    )
    .unwrap()
});

static VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    let root = TrustAnchor::parse(include_str!("../../testdata/pki/root-ca.sha256").trim());
    Verifier::new(CLIENT, vec![root.unwrap()]).unwrap()
});

fuzz_target!(|data: &[u8]| {
    let Ok(claims) = std::str::from_utf8(data) else { return };
    let mut rng = rand_core::UnwrapErr(getrandom::SysRng);
    let Ok(token) = SIGNER.sign_jwt(&mut rng, CLIENT, Some(claims), NOW, Some("fuzz")) else {
        return;
    };
    let jwt = VERIFIER
        .verify_jwt(&token, NOW, Some(SATELLITE))
        .expect("a token sign_jwt made verifies");
    let mut got: serde_json::Value = serde_json::from_str(&jwt.claims_json).unwrap();
    let given: serde_json::Value = serde_json::from_str(claims).unwrap();
    for envelope in ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"] {
        got.as_object_mut().unwrap().remove(envelope);
    }
    assert_eq!(got, given, "the payload changed on its way");
    let _ = check_party(&jwt, CLIENT, Some("00"), NOW);
    let _ = trusted_list_anchors(&jwt);
});
