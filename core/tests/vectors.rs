//! Every shared vector gets exactly its expected verdict.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use ishare_jwt::{TrustAnchor, Verifier};

#[test]
fn every_vector_gets_its_verdict() {
    let vectors = common::vectors();
    let list = vectors["vectors"].as_array().expect("vectors array");
    assert!(
        list.len() >= 50,
        "vectors.json lost vectors: {}",
        list.len()
    );
    let failures: Vec<String> = list
        .iter()
        .filter_map(|v| {
            common::verdict(v)
                .err()
                .map(|why| format!("{}: {why}", v["name"].as_str().unwrap_or("?")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} vectors disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The chain cache must not change a single verdict: every vector twice,
/// the second time with every chain already cached.
#[test]
fn every_vector_gets_its_verdict_with_a_warm_chain_cache() {
    use ishare_jwt::VerifierCaches;
    use std::cell::RefCell;
    use std::collections::HashMap;
    let vectors = common::vectors();
    // One cache per set of trust anchors, as one cache belongs to one verifier.
    let mut caches: HashMap<String, RefCell<VerifierCaches>> = HashMap::new();
    let mut failures = Vec::new();
    for pass in ["cold", "warm"] {
        for v in vectors["vectors"].as_array().unwrap() {
            let anchors = v["verifier"]["trusted_roots"].to_string();
            let cache = caches.entry(anchors).or_insert_with(|| {
                RefCell::new(VerifierCaches {
                    replay: None,
                    ..Default::default()
                })
            });
            if let Err(why) = common::verdict_with(v, Some(cache)) {
                failures.push(format!("{pass} {}: {why}", v["name"]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        caches
            .values()
            .map(|c| c.borrow().chains.len())
            .sum::<usize>()
            >= 3
    );
}

#[test]
fn valid_vectors_report_the_leaf_fingerprint() {
    let pki = common::pki();
    let vectors = common::vectors();
    let valid_eori = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "valid_eori")
        .unwrap();
    let verifier = Verifier::new(
        "EU.EORI.NL000000000",
        vec![TrustAnchor::parse(common::ROOT_SHA256).unwrap()],
    )
    .unwrap();
    let a = verifier
        .verify(
            valid_eori["token"].as_str().unwrap(),
            valid_eori["verifier"]["now"].as_i64().unwrap(),
            None,
        )
        .unwrap();
    assert_eq!(
        a.leaf_sha256,
        pki["parties"]["client-eori"]["leaf_sha256"]
            .as_str()
            .unwrap()
    );
    assert_eq!(a.client_id.as_str(), "EU.EORI.NL000000001");
    assert_eq!(a.expires_at - a.issued_at, 30);
    assert_eq!(a.chain.len(), 3);
}

/// The repository's copy must stay identical to the shared originals (the
/// repository's own general-JWT vectors live apart, in `jwt/`).
#[test]
fn vector_copy_matches_shared_originals() {
    let shared = common::vectors_dir().join("../../../shared/vectors");
    let Ok(entries) = std::fs::read_dir(&shared) else {
        eprintln!("NOTE: {} not present; copy check skipped", shared.display());
        return;
    };
    let mut compared = 0;
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name();
        let ours = std::fs::read(common::vectors_dir().join(&name))
            .unwrap_or_else(|_| panic!("tests/vectors lacks {name:?}"));
        assert_eq!(
            ours,
            std::fs::read(entry.path()).unwrap(),
            "tests/vectors/{name:?} differs"
        );
        compared += 1;
    }
    let ours = std::fs::read_dir(common::vectors_dir())
        .unwrap()
        .filter(|entry| entry.as_ref().unwrap().file_name() != "jwt")
        .count();
    assert_eq!(
        ours, compared,
        "tests/vectors has files the shared set lacks"
    );
}
