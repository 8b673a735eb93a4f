//! Hostile inputs (see `core/examples/hostile_cases.rs`, which every
//! binding's suite runs too): each gets its error kind, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
// tests fail by panicking
// hostile_cases.rs brings its own copy of common/mini_ca.rs (it also runs alone).
#![allow(clippy::duplicate_mod)]

mod common;
#[path = "../examples/hostile_cases.rs"]
mod hostile_cases;

use ishare_jwt::{Signer, TrustAnchor};

/// On a 256 KiB stack: hostile input must not need more.
#[test]
fn every_hostile_token_gets_its_kind() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(every_hostile_token_gets_its_kind_here)
        .unwrap()
        .join()
        .expect("the small-stack thread survived");
}

fn every_hostile_token_gets_its_kind_here() {
    let cases = hostile_cases::cases();
    let failures: Vec<String> = cases["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| {
            common::verdict(v)
                .err()
                .map(|why| format!("{}: {why}", v["name"]))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_hostile_signer_input_gets_its_kind() {
    for case in hostile_cases::cases()["signer_inputs"].as_array().unwrap() {
        let got = Signer::from_pem(
            case["key_pem"].as_str().unwrap(),
            case["chain_pem"].as_str().unwrap(),
            case["client_id"].as_str().unwrap(),
        )
        .unwrap_err();
        assert_eq!(got.kind(), case["expect"], "{}: {got}", case["name"]);
    }
}

#[test]
fn every_hostile_trust_anchor_gets_its_kind() {
    for case in hostile_cases::cases()["trust_inputs"].as_array().unwrap() {
        let got = TrustAnchor::parse(case["root"].as_str().unwrap()).unwrap_err();
        assert_eq!(got.kind(), case["expect"], "{}: {got}", case["name"]);
    }
}
