//! The body of every cargo-fuzz target, one function each, named after its
//! target. `fuzz/fuzz_targets/*.rs` call them under libFuzzer (nightly);
//! `tests/corpus.rs` replays the checked-in corpus through them on stable.
//! Each returns normally or panics: a panic is a finding.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // oracles fail by panicking
#![allow(clippy::indexing_slicing)] // the little base64url writer indexes within its bounds

use ishare_jwt::{Signer, TrustAnchor, Verifier, check_party, trusted_list_anchors};
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

/// A target's body: returns, or panics on a finding.
pub type Target = fn(&[u8]);

/// Every target, by name, as the corpus folders are named.
pub const TARGETS: [(&str, Target); 6] = [
    ("verify_token", verify_token),
    ("verify_signed_claims", verify_signed_claims),
    ("load_key_and_chain", load_key_and_chain),
    ("party_id_and_response", party_id_and_response),
    ("certificate_der", certificate_der),
    ("jwt_payload", jwt_payload),
];

const CLIENT: &str = "EU.EORI.NL000000101";
const SERVER: &str = "EU.EORI.NL000000100";
const SATELLITE: &str = "EU.EORI.NL000000100";
const NOW: i64 = 1_798_761_600;
const ROOT_SHA256: &str = include_str!("../../../testdata/pki/root-ca.sha256");

fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn root() -> TrustAnchor {
    TrustAnchor::parse(ROOT_SHA256.trim()).unwrap()
}

static VERIFY_TOKEN_VERIFIER: LazyLock<Verifier> = LazyLock::new(|| {
    let pem = include_str!("../../../tests/vectors/root-ca.pem");
    Verifier::new(
        "EU.EORI.NL000000000",
        vec![root(), TrustAnchor::parse(pem).unwrap()],
    )
    .unwrap()
});

/// Arbitrary bytes as a token: verification and explain return, never
/// panic, and agree.
pub fn verify_token(data: &[u8]) {
    if let Ok(token) = std::str::from_utf8(data) {
        let verdict =
            VERIFY_TOKEN_VERIFIER.verify(token, 1_767_225_605, Some("EU.EORI.NL000000001"));
        // explain reads the same bytes rule by rule; its verdict is verify's.
        let report = VERIFY_TOKEN_VERIFIER
            .explain(token, 1_767_225_605, Some("EU.EORI.NL000000001"))
            .unwrap();
        assert_eq!(report.kind, verdict.err().map(|e| e.kind()));
    }
}

static CLIENT_SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_pem(
        include_str!("../../../testdata/pki/client-eori.key.pem"),
        include_str!("../../../testdata/pki/client-eori.chain.pem"),
        CLIENT,
    )
    .unwrap()
});

/// Structure-aware: the input becomes the audience, jti and issue time of a
/// properly signed assertion (a differential check: whatever the signer
/// accepts, the verifier accepts), and also raw header/claims JSON text
/// placed into a token, so the JSON parsers see arbitrary text.
pub fn verify_signed_claims(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut fields = text.splitn(3, '\u{1}');
    let audience = fields.next().unwrap_or_default();
    let jti = fields.next().unwrap_or_default();
    let offset = fields.next().map_or(0, |f| i64::from(f.len() as u8));
    let verifier = |audience: &str| Verifier::new(audience, vec![root()]).ok();

    // Differential: a token the signer makes always verifies.
    if let (Some(verifier), Ok(token)) = (
        verifier(audience),
        CLIENT_SIGNER.client_assertion_with_jti(&mut rng(), audience, NOW + offset, jti),
    ) {
        let verified = verifier.verify(&token, NOW + offset, Some(CLIENT));
        assert!(verified.is_ok(), "own token refused: {verified:?}");
    }

    // Arbitrary JSON text as header and claims.
    let (header, claims) = text.split_once('\u{2}').unwrap_or((text, text));
    let token = format!(
        "{}.{}.AAAA",
        base64url(header.as_bytes()),
        base64url(claims.as_bytes())
    );
    if let Some(verifier) = verifier(SERVER) {
        let _ = verifier.verify(&token, NOW, None);
    }
    let _ = ishare_jwt::decode_unverified(&token);
}

/// Arbitrary bytes as a private key (PEM or DER), a PEM chain and a trust
/// anchor: loading returns an error, never panics.
pub fn load_key_and_chain(data: &[u8]) {
    const CHAIN: &str = include_str!("../../../testdata/pki/client-eori.chain.pem");
    const KEY: &str = include_str!("../../../testdata/pki/client-eori.key.pem");
    let _ = Signer::from_pem(data, CHAIN, CLIENT);
    let _ = Signer::from_der(data, vec![data.to_vec()], CLIENT);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Signer::from_pem(KEY, text, CLIENT);
        let _ = TrustAnchor::parse(text);
    }
    let _ = TrustAnchor::from_der(data.to_vec());
}

/// Party identifiers, token-endpoint responses and token requests (the
/// server's form parser) from arbitrary bytes.
pub fn party_id_and_response(data: &[u8]) {
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
            assert_eq!(
                (parsed.client_id.as_str(), parsed.client_assertion.as_str()),
                (text, text)
            );
        }
        if let Err(refusal) = ishare_jwt::parse_token_request(text) {
            assert!(matches!(refusal.status, 400));
            let _ = refusal.body();
        }
    }
}

/// Arbitrary bytes as one DER certificate (the X.509 reader every x5c entry
/// and trust anchor goes through): an error, or a certificate whose
/// fingerprint is of exactly the bytes given — never of a re-encoding
/// (review finding F2) — and never a panic.
pub fn certificate_der(data: &[u8]) {
    if let Ok(anchor) = TrustAnchor::from_der(data.to_vec()) {
        let expected: String = Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect();
        assert_eq!(anchor.sha256_hex(), expected);
    }
}

static SATELLITE_SIGNER: LazyLock<Signer> = LazyLock::new(|| {
    Signer::from_pem(
        include_str!("../../../testdata/pki/server-eori.key.pem"),
        include_str!("../../../testdata/pki/server-eori.chain.pem"),
        SATELLITE,
    )
    .unwrap()
});

static CLIENT_VERIFIER: LazyLock<Verifier> =
    LazyLock::new(|| Verifier::new(CLIENT, vec![root()]).unwrap());

/// Arbitrary text as a general iSHARE JWT's claims: whatever `sign_jwt`
/// accepts, `verify_jwt` accepts and returns with equal values (a
/// differential check of the JSON reader and writer), and the satellite
/// checks judge any such payload without panicking.
pub fn jwt_payload(data: &[u8]) {
    let Ok(claims) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(token) = SATELLITE_SIGNER.sign_jwt(&mut rng(), CLIENT, Some(claims), NOW, Some("fuzz"))
    else {
        return;
    };
    let jwt = CLIENT_VERIFIER
        .verify_jwt(&token, NOW, Some(SATELLITE))
        .expect("a token sign_jwt made verifies");
    let _ = check_party(&jwt, CLIENT, Some("00"), NOW);
    let _ = trusted_list_anchors(&jwt);
    // Without serde_json's arbitrary_precision (the fuzz build turns it on;
    // the stable replay has it off) a number beyond f64 cannot be compared.
    let Ok(given) = serde_json::from_str::<serde_json::Value>(claims) else {
        return;
    };
    let mut got: serde_json::Value = serde_json::from_str(&jwt.claims_json).unwrap();
    for envelope in ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"] {
        got.as_object_mut().unwrap().remove(envelope);
    }
    assert_eq!(got, given, "the payload changed on its way");
}

/// base64url without padding, small enough to keep here (the fuzz targets
/// must not depend on the core's own encoder to build their inputs).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}
