//! The security review's cost findings as measurements: refusing an
//! untrusted chain (F4) and recording a token in a full replay cache (F5),
//! each beside its reference measured in the same run.

#[path = "../../core/tests/common/mini_ca.rs"]
mod mini_ca;

use ishare_jwt::ReplayCache;
use std::cell::Cell;

use crate::measure::{Measurement, measure};
use crate::rust_cases::{CLIENT, NOW, SERVER, verifier};

/// A certificate nobody issued: `name`'s key is a made-up 8192-bit modulus
/// with exponent `exponent`, the signature 1024 made-up bytes.
fn self_made(name: &str, issuer: &str, exponent: &[u8]) -> Vec<u8> {
    let mut fields = mini_ca::tbs_fields(&mini_ca::chain("intermediate-ca.pem")[0]);
    fields[mini_ca::SUBJECT] = mini_ca::name(&[(mini_ca::COMMON_NAME, 0x0c, name)]);
    fields[mini_ca::ISSUER] = mini_ca::name(&[(mini_ca::COMMON_NAME, 0x0c, issuer)]);
    let mut modulus = vec![0x00, 0xc3];
    modulus.extend((0..1023).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 13) as u8 | 1));
    let key = mini_ca::sequence(&[mini_ca::tlv(0x02, &modulus), mini_ca::tlv(0x02, exponent)]);
    let mut bits = vec![0u8];
    bits.extend(key);
    let spki = mini_ca::children(&fields[mini_ca::SPKI]);
    fields[mini_ca::SPKI] = mini_ca::sequence(&[spki[0].clone(), mini_ca::tlv(0x03, &bits)]);
    let mut signature = vec![0u8];
    signature.extend([0xab; 1024]);
    mini_ca::sequence(&[
        mini_ca::sequence(&fields),
        mini_ca::sha256_with_rsa(),
        mini_ca::tlv(0x03, &signature),
    ])
}

/// The review's F4 token: eight self-made 8192-bit certificates ending
/// untrusted, signed with a key of our own.
fn self_made_chain_token(exponent: &[u8]) -> String {
    let chain: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            self_made(
                &format!("self-made {i}"),
                &format!("self-made {}", i + 1),
                exponent,
            )
        })
        .collect();
    mini_ca::assertion(&chain, &mini_ca::key("client-eori"), CLIENT, SERVER, NOW)
}

/// A leaf nobody issued under the real intermediate and root.
fn forged_leaf_token() -> String {
    let mut chain = mini_ca::chain("client-eori.chain.pem");
    chain[0] = mini_ca::reissued(&chain[0], &mini_ca::key("client-eori"), |_| {});
    mini_ca::assertion(&chain, &mini_ca::key("client-eori"), CLIENT, SERVER, NOW)
}

/// The F4 rows: what refusing costs, by the shape of the refused chain.
pub fn untrusted_chains(seconds: f64) -> Vec<(&'static str, Measurement)> {
    let verifier = verifier();
    let verifier = &verifier;
    let refuse = |token: String, kind: &'static str| {
        move || {
            let error = verifier.verify(&token, NOW, None).expect_err("refused");
            assert_eq!(error.kind(), kind, "{error}");
        }
    };
    vec![
        (
            "refuse: 8 self-made 8192-bit certificates, e = 65537, no anchor (Rust)",
            measure(
                seconds,
                refuse(
                    self_made_chain_token(&[0x01, 0x00, 0x01]),
                    "untrusted_chain",
                ),
            ),
        ),
        (
            "refuse: the review's F4 chain, e = 2^33 - 1 (Rust)",
            measure(
                seconds,
                refuse(
                    self_made_chain_token(&[0x01, 0xff, 0xff, 0xff, 0xff]),
                    "invalid_certificate",
                ),
            ),
        ),
        (
            "refuse: a forged leaf under the real intermediate and root (Rust)",
            measure(seconds, refuse(forged_leaf_token(), "untrusted_chain")),
        ),
    ]
}

/// The F5 rows: recording one token in an empty cache, and in one kept
/// full (100 000 unexpired entries of 100 issuers, one expiring per record).
pub fn replay_cache(seconds: f64) -> Vec<(&'static str, Measurement)> {
    const FULL: i64 = 100_000;
    let issuer = |i: i64| format!("EU.EORI.NL{:09}", i % 100);
    let mut empty = ReplayCache::new(FULL as usize).expect("cache");
    let round = Cell::new(0i64);
    let record_empty = measure(seconds, || {
        let i = round.get();
        round.set(i + 1);
        // Each entry expires at the next record: the cache stays empty.
        empty
            .remember(&issuer(i), &i.to_string(), i + 1, i)
            .expect("recorded");
    });
    let mut full = ReplayCache::new(FULL as usize).expect("cache");
    for i in 0..FULL {
        full.remember(&issuer(i), &i.to_string(), FULL + i, 0)
            .expect("filled");
    }
    let round = Cell::new(FULL);
    let record_full = measure(seconds, || {
        let i = round.get();
        round.set(i + 1);
        full.remember(&issuer(i), &i.to_string(), FULL + i, i)
            .expect("recorded");
    });
    assert_eq!(full.len(), FULL as usize);
    vec![
        ("replay cache: record a token, cache empty", record_empty),
        (
            "replay cache: record a token, cache full (100 000 unexpired entries)",
            record_full,
        ),
    ]
}
