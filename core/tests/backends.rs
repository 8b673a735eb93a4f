//! Differential tests of the `aws-lc` backend against the `rsa` crate: what
//! one signs, the other verifies. (The whole vector suite, made by an
//! independent JOSE implementation, runs with both backends as well.)
//!
//! Built with the feature only: `cargo test -p ishare-jwt --features aws-lc`.
//! The signer and verifier here use AWS-LC; the `rsa` crate is called
//! directly, as an independent implementation.
#![cfg(feature = "aws-lc")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use base64ct::{Base64UrlUnpadded, Encoding as _};
use common::{CLIENT, NOW, SERVER, pki_text, rng};
use ishare_jwt::{Algorithm, Error, Signer, TrustAnchor, Verifier, VerifierCaches};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::cell::RefCell;

/// The repository PKI's clients: 2048, 3072 and 4096 bits, EORI and DID.
const CLIENTS: [(&str, &str); 4] = [
    ("client-eori", CLIENT),
    ("client-3072", "EU.EORI.NL000000103"),
    ("client-4096", "EU.EORI.NL000000104"),
    ("client-did", "did:ishare:EU.NL.NTRNL-90000101"),
];

fn rsa_key(stem: &str) -> RsaPrivateKey {
    RsaPrivateKey::from_pkcs8_pem(&pki_text(&format!("{stem}.key.pem"))).unwrap()
}

fn signer(stem: &str, client: &str) -> Signer {
    Signer::from_pem(
        pki_text(&format!("{stem}.key.pem")),
        &pki_text(&format!("{stem}.chain.pem")),
        client,
    )
    .unwrap()
}

fn verifier() -> Verifier {
    Verifier::new(
        SERVER,
        vec![TrustAnchor::parse(&common::own_root_sha256()).unwrap()],
    )
    .unwrap()
}

/// `(signing input, signature)` of a compact token.
fn split(token: &str) -> (&str, Vec<u8>) {
    let (input, signature) = token.rsplit_once('.').unwrap();
    (input, Base64UrlUnpadded::decode_vec(signature).unwrap())
}

fn rsa_sign(key: &RsaPrivateKey, algorithm: Algorithm, input: &[u8]) -> Vec<u8> {
    let (padding, digest) = match algorithm {
        Algorithm::RS256 => (
            Pkcs1v15Sign::new::<Sha256>(),
            Sha256::digest(input).to_vec(),
        ),
        Algorithm::RS384 => (
            Pkcs1v15Sign::new::<Sha384>(),
            Sha384::digest(input).to_vec(),
        ),
        Algorithm::RS512 => (
            Pkcs1v15Sign::new::<Sha512>(),
            Sha512::digest(input).to_vec(),
        ),
    };
    key.sign_with_rng(&mut rng(), padding, &digest).unwrap()
}

#[test]
fn aws_lc_signatures_are_the_rsa_crates_and_verify_with_it() {
    for (stem, client) in CLIENTS {
        let key = rsa_key(stem);
        let public = key.to_public_key();
        let token = signer(stem, client)
            .client_assertion_with_jti(&mut rng(), SERVER, NOW, "backends-1")
            .unwrap();
        let (input, signature) = split(&token);
        let digest = Sha256::digest(input.as_bytes());
        public
            .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &signature)
            .unwrap_or_else(|e| panic!("{stem}: the rsa crate refuses AWS-LC's signature: {e}"));
        // PKCS#1 v1.5 is deterministic: both must produce the same bytes.
        assert_eq!(
            signature,
            rsa_sign(&key, Algorithm::RS256, input.as_bytes()),
            "{stem}"
        );
        let tampered = Sha256::digest(format!("{input}x").as_bytes());
        assert!(
            public
                .verify(Pkcs1v15Sign::new::<Sha256>(), &tampered, &signature)
                .is_err()
        );
    }
}

#[test]
fn rsa_crate_tokens_verify_with_aws_lc() {
    let verifier = verifier();
    let caches = RefCell::new(VerifierCaches {
        replay: None,
        ..Default::default()
    });
    for (stem, client) in CLIENTS {
        let key = rsa_key(stem);
        // Header (x5c) and claims as our signer makes them, re-signed by the
        // rsa crate with each algorithm.
        let ours = signer(stem, client)
            .client_assertion(&mut rng(), SERVER, NOW)
            .unwrap();
        let (header, rest) = ours.split_once('.').unwrap();
        let claims = rest.split_once('.').unwrap().0;
        let mut header: serde_json::Value =
            serde_json::from_slice(&Base64UrlUnpadded::decode_vec(header).unwrap()).unwrap();
        for algorithm in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
            header["alg"] = algorithm.name().into();
            let header = Base64UrlUnpadded::encode_string(header.to_string().as_bytes());
            let input = format!("{header}.{claims}");
            let signature = rsa_sign(&key, algorithm, input.as_bytes());
            let token = format!("{input}.{}", Base64UrlUnpadded::encode_string(&signature));
            for pass in ["cold", "warm"] {
                let verified = verifier
                    .verify_shared(&token, NOW, Some(client), &caches)
                    .unwrap_or_else(|e| panic!("{stem} {algorithm:?} {pass}: {e}"));
                assert_eq!(verified.algorithm, algorithm);
                assert_eq!(verified.client_id.as_str(), client);
            }

            let mut bad = signature.clone();
            if let Some(last) = bad.last_mut() {
                *last ^= 1;
            }
            let forged = format!("{input}.{}", Base64UrlUnpadded::encode_string(&bad));
            assert!(matches!(
                verifier.verify(&forged, NOW, None),
                Err(Error::Signature)
            ));
            assert!(matches!(
                verifier.verify_shared(&forged, NOW, None, &caches),
                Err(Error::Signature)
            ));
        }
    }
}

#[test]
fn a_key_that_does_not_match_the_leaf_is_refused() {
    let result = Signer::from_pem(
        pki_text("client-3072.key.pem"),
        &pki_text("client-eori.chain.pem"),
        CLIENT,
    );
    assert!(matches!(result, Err(Error::KeyMismatch)), "{result:?}");
}
