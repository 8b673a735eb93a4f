//! `Verifier::with_rsa_verifier`: a host's RSA takes over the token's
//! signature check and nothing else — its "no" refuses the token as
//! `signature`, it is asked once per verification (cold or warm, verify or
//! explain) with the leaf key and the signing input, and never for a chain
//! that does not reach a trust anchor.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, ROOT_SHA256, SERVER, own_signer, own_verifier, rng};
use ishare_jwt::{Algorithm, RsaVerifier, TrustAnchor, Verifier, VerifierCaches};
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

/// One question the verifier asked the host.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Call {
    algorithm: Algorithm,
    spki_der: Vec<u8>,
    message: Vec<u8>,
    signature: Vec<u8>,
}

/// Answers with the core's own primitive and remembers every question.
#[derive(Default)]
struct Recording {
    calls: Mutex<Vec<Call>>,
}

impl RsaVerifier for Recording {
    fn verify_pkcs1v15(
        &self,
        algorithm: Algorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> bool {
        self.calls.lock().unwrap().push(Call {
            algorithm,
            spki_der: spki_der.to_vec(),
            message: message.to_vec(),
            signature: signature.to_vec(),
        });
        ishare_jwt::verify_rsa_pkcs1v15(spki_der, "SHA-256", message, signature)
    }
}

impl Recording {
    fn count(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

/// Refuses every signature.
struct SaysNo;

impl RsaVerifier for SaysNo {
    fn verify_pkcs1v15(&self, _: Algorithm, _: &[u8], _: &[u8], _: &[u8]) -> bool {
        false
    }
}

fn token() -> String {
    own_signer("client-eori", CLIENT)
        .client_assertion(&mut rng(), SERVER, NOW)
        .unwrap()
}

fn recording_verifier() -> (Verifier, Arc<Recording>) {
    let recording = Arc::new(Recording::default());
    let verifier = own_verifier().with_rsa_verifier(recording.clone());
    (verifier, recording)
}

/// The leaf certificate's `SubjectPublicKeyInfo` DER, read from the PEM
/// chain: the seventh field of its `tbsCertificate`.
fn leaf_spki() -> Vec<u8> {
    let chain = common::mini_ca::chain("client-eori.chain.pem");
    common::mini_ca::tbs_fields(&chain[0])[6].clone()
}

#[test]
fn the_host_is_asked_once_with_the_leaf_key_and_the_signing_input() {
    let (verifier, recording) = recording_verifier();
    let token = token();
    let verified = verifier.verify(&token, NOW, None).unwrap();
    assert_eq!(verified.client_id.as_str(), CLIENT);
    let calls = recording.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 1);
    let (signing_input, signature) = token.rsplit_once('.').unwrap();
    assert_eq!(calls[0].algorithm, Algorithm::RS256);
    assert_eq!(calls[0].spki_der, leaf_spki());
    assert_eq!(calls[0].message, signing_input.as_bytes());
    assert_eq!(calls[0].signature.len(), 256);
    assert!(!signature.is_empty());
}

#[test]
fn a_host_that_says_no_refuses_the_token_as_signature() {
    let verifier = own_verifier().with_rsa_verifier(Arc::new(SaysNo));
    let token = token();
    assert_eq!(
        verifier.verify(&token, NOW, None).unwrap_err().kind(),
        "signature"
    );
    let caches = RefCell::new(VerifierCaches::default());
    assert_eq!(
        verifier
            .verify_shared(&token, NOW, None, &caches)
            .unwrap_err()
            .kind(),
        "signature"
    );
    // Nothing was cached: the chain never counted as verified.
    assert_eq!(caches.borrow().chains.len(), 0);
    // The same verdict in explain, from the same function.
    let report = verifier.explain(&token, NOW, None).unwrap();
    assert_eq!(report.kind, Some("signature"));
    assert!(!report.accepted);
}

#[test]
fn warm_verifications_ask_the_host_once_each() {
    let (verifier, recording) = recording_verifier();
    let caches = RefCell::new(VerifierCaches::default());
    let signer = own_signer("client-eori", CLIENT);
    for n in 1..=3 {
        let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
        verifier.verify_shared(&token, NOW, None, &caches).unwrap();
        assert_eq!(recording.count(), n);
    }
    assert_eq!(caches.borrow().chains.len(), 1);
}

#[test]
fn the_host_is_never_asked_about_an_untrusted_chain() {
    // Trusts the vectors' root, not the repository PKI's that signed the chain.
    let recording = Arc::new(Recording::default());
    let verifier = Verifier::new(SERVER, vec![TrustAnchor::parse(ROOT_SHA256).unwrap()])
        .unwrap()
        .with_rsa_verifier(recording.clone());
    let token = token();
    assert_eq!(
        verifier.verify(&token, NOW, None).unwrap_err().kind(),
        "untrusted_chain"
    );
    let caches = RefCell::new(VerifierCaches::default());
    assert_eq!(
        verifier
            .verify_shared(&token, NOW, None, &caches)
            .unwrap_err()
            .kind(),
        "untrusted_chain"
    );
    let report = verifier.explain(&token, NOW, None).unwrap();
    assert_eq!(report.kind, Some("untrusted_chain"));
    assert_eq!(recording.count(), 0);
}

#[test]
fn explain_asks_the_host_as_verify_does() {
    let (verifier, recording) = recording_verifier();
    let token = token();
    let report = verifier.explain(&token, NOW, None).unwrap();
    assert!(report.accepted, "{:?}", report.kind);
    // Once for the verdict (verify itself), once for the signature rule.
    let calls = recording.calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0], calls[1]);
    let signature = report.rules.iter().find(|r| r.rule == "signature").unwrap();
    assert_eq!(signature.status, ishare_jwt::RuleStatus::Pass);
}
