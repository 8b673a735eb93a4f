//! The Rust-side measurements: our signer and verifier against the raw rsa
//! crate operations they are built on.

use ishare_jwt::{ChainCache, ReplayCache, Signer, TrustAnchor, Verifier, VerifierCaches};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::{Digest, Sha256};
use std::cell::RefCell;

use crate::measure::{Measurement, live_bytes, measure};

pub const CLIENT: &str = "EU.EORI.NL000000101";
pub const SERVER: &str = "EU.EORI.NL000000100";
/// 2027-01-01T00:00:00Z, inside the test PKI's validity.
pub const NOW: i64 = 1_798_761_600;

/// A file of the repository's test PKI.
pub fn pki(name: &str) -> String {
    let path = format!("{}/../testdata/pki/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn rng() -> impl rand_core::CryptoRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

pub fn signer(stem: &str, client: &str) -> Signer {
    Signer::from_pem(
        pki(&format!("{stem}.key.pem")),
        &pki(&format!("{stem}.chain.pem")),
        client,
    )
    .expect("test PKI signer")
}

pub fn verifier() -> Verifier {
    let root = TrustAnchor::parse(pki("root-ca.sha256").trim()).expect("root");
    Verifier::new(SERVER, vec![root]).expect("verifier")
}

/// Every Rust measurement, by row name; the raw rsa-crate rows only if `raw`.
pub fn run(seconds: f64, raw: bool) -> Vec<(&'static str, Measurement)> {
    let signer = signer("client-eori", CLIENT);
    let verifier = verifier();
    let key = RsaPrivateKey::from_pkcs8_pem(&pki("client-eori.key.pem")).expect("key");
    let public = key.to_public_key();
    let digest = Sha256::digest(b"header.claims");
    let raw_signature = key
        .sign_with_rng(&mut rng(), Pkcs1v15Sign::new::<Sha256>(), &digest)
        .expect("raw sign");
    let token = signer
        .client_assertion(&mut rng(), SERVER, NOW)
        .expect("token");
    let caches = RefCell::new(VerifierCaches {
        replay: None,
        chains: ChainCache::default(),
    });

    let mut rows = Vec::new();
    if raw {
        rows.push((
            "rsa crate: sign (raw RSA-2048 PKCS#1 v1.5, blinded)",
            measure(seconds, || {
                key.sign_with_rng(&mut rng(), Pkcs1v15Sign::new::<Sha256>(), &digest)
                    .expect("sign");
            }),
        ));
    }
    rows.push((
        "ours: sign an assertion (Rust)",
        measure(seconds, || {
            signer
                .client_assertion(&mut rng(), SERVER, NOW)
                .expect("sign");
        }),
    ));
    if raw {
        rows.push((
            "rsa crate: verify (raw)",
            measure(seconds, || {
                public
                    .verify(Pkcs1v15Sign::new::<Sha256>(), &digest, &raw_signature)
                    .expect("verify");
            }),
        ));
    }
    rows.push((
        "ours: full verify, cold chain (Rust)",
        measure(seconds, || {
            verifier.verify(&token, NOW, None).expect("verify");
        }),
    ));
    rows.push((
        "ours: full verify, warm chain cache (Rust)",
        measure(seconds, || {
            verifier
                .verify_shared(&token, NOW, None, &caches)
                .expect("verify");
        }),
    ));
    rows
}

/// Live heap growth over `rounds` verifications with the replay cache and
/// the chain cache at capacity: (live bytes after warm-up, after all rounds).
pub fn growth(rounds: usize) -> (u64, u64) {
    let pool = |stem: &str, client: &str| -> Vec<String> {
        let signer = signer(stem, client);
        (0..500)
            .map(|_| {
                signer
                    .client_assertion(&mut rng(), SERVER, NOW)
                    .expect("sign")
            })
            .collect()
    };
    let (pool_a, pool_b) = (
        pool("client-eori", CLIENT),
        pool("client-3072", "EU.EORI.NL000000103"),
    );
    let tokens: Vec<&String> = pool_a.iter().chain(pool_b.iter()).collect();
    let verifier = verifier();
    let caches = RefCell::new(VerifierCaches {
        // Full after the first pass: later passes are refused as replays.
        replay: Some(ReplayCache::with_issuer_share(tokens.len(), 1.0).expect("replay cache")),
        // One slot for two clients: evicts whenever the client changes.
        chains: ChainCache::new(1).expect("chain cache"),
    });
    let verify = |i: usize| {
        let _ = verifier.verify_shared(tokens[i % tokens.len()], NOW, None, &caches);
    };
    for i in 0..tokens.len() * 2 {
        verify(i);
    }
    let after_warm_up = live_bytes();
    for i in 0..rounds {
        verify(i);
    }
    (after_warm_up, live_bytes())
}
