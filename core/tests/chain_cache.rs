//! The chain cache and shared caches: warm verification gives the same
//! result, honours certificate validity, stays bounded; replay through the
//! shared state.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER, own_signer, own_verifier, rng};
use ishare_jwt::{ChainCache, ReplayCache, VerifierCaches};
use std::cell::RefCell;

#[test]
fn warm_verification_equals_cold_and_refuses_replays() {
    let caches = RefCell::new(VerifierCaches::default());
    let signer = own_signer("client-eori", CLIENT);
    let verifier = own_verifier();
    let first = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    let cold = verifier.verify_shared(&first, NOW, None, &caches).unwrap();
    assert_eq!(caches.borrow().chains.len(), 1);
    let second = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    let warm = verifier.verify_shared(&second, NOW, None, &caches).unwrap();
    assert_eq!(warm, verifier.verify(&second, NOW, None).unwrap());
    assert_eq!(
        (warm.leaf_sha256, warm.chain),
        (cold.leaf_sha256, cold.chain)
    );
    assert_eq!(
        verifier
            .verify_shared(&second, NOW, None, &caches)
            .unwrap_err()
            .kind(),
        "replay"
    );
    assert_eq!(caches.borrow().replay.as_ref().unwrap().len(), 2);
}

#[test]
fn a_cached_chain_still_needs_a_valid_signature_and_party() {
    let caches = RefCell::new(VerifierCaches::default());
    let verifier = own_verifier();
    let token = own_signer("client-eori", CLIENT)
        .client_assertion(&mut rng(), SERVER, NOW)
        .unwrap();
    verifier.verify_shared(&token, NOW, None, &caches).unwrap();
    // Same x5c, signature of another token: refused although the chain is cached.
    let other = own_signer("client-eori", CLIENT)
        .client_assertion(&mut rng(), SERVER, NOW + 1)
        .unwrap();
    let (head, _) = token.rsplit_once('.').unwrap();
    let (_, foreign_signature) = other.rsplit_once('.').unwrap();
    let forged = format!("{head}.{foreign_signature}");
    assert_eq!(
        verifier
            .verify_shared(&forged, NOW, None, &caches)
            .unwrap_err()
            .kind(),
        "signature"
    );
}

#[test]
fn cached_chains_honour_certificate_validity() {
    // The test PKI is valid until 2125-01-01T00:00:00Z.
    let after_expiry = 4_891_363_200 + 10; // 2125-01-01 + 10 s
    let caches = RefCell::new(VerifierCaches::default());
    let verifier = own_verifier();
    let signer = own_signer("client-eori", CLIENT);
    let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    verifier.verify_shared(&token, NOW, None, &caches).unwrap();
    assert_eq!(caches.borrow().chains.len(), 1);
    // Same chain, claims fine, but the certificates have expired: the cached
    // chain is not used and the full check names the certificate.
    // The signer refuses to sign then; a token made by hand tests the verifier.
    let refused = signer
        .client_assertion(&mut rng(), SERVER, after_expiry)
        .unwrap_err();
    assert_eq!(refused.kind(), "certificate_expired", "{refused}");
    let late = common::mini_ca::assertion(
        &common::mini_ca::chain("client-eori.chain.pem"),
        &common::mini_ca::key("client-eori"),
        CLIENT,
        SERVER,
        after_expiry,
    );
    let err = verifier
        .verify_shared(&late, after_expiry, None, &caches)
        .unwrap_err();
    assert_eq!(err.kind(), "certificate_expired", "{err}");
    assert!(err.to_string().contains("x5c[0]"), "{err}");
}

#[test]
fn the_chain_cache_stays_within_its_capacity() {
    let caches = RefCell::new(VerifierCaches {
        replay: Some(ReplayCache::with_issuer_share(100, 1.0).unwrap()),
        chains: ChainCache::new(1).unwrap(),
    });
    let verifier = own_verifier();
    for (stem, client) in [
        ("client-eori", CLIENT),
        ("client-3072", "EU.EORI.NL000000103"),
        ("client-eori", CLIENT),
    ] {
        let token = own_signer(stem, client)
            .client_assertion(&mut rng(), SERVER, NOW)
            .unwrap();
        verifier.verify_shared(&token, NOW, None, &caches).unwrap();
        assert_eq!(caches.borrow().chains.len(), 1);
    }
    assert_eq!(ChainCache::new(0).unwrap_err().kind(), "invalid_argument");
}
