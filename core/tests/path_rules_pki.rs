//! The path-rule chains `scripts/make-test-pki` makes with openssl
//! (`testdata/path-rules/`): each refused with its kind, or accepted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

#[test]
fn every_openssl_made_path_rule_chain_gets_its_verdict() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../testdata/path-rules/vectors.json"
    );
    let vectors: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = vectors["vectors"].as_array().unwrap();
    assert_eq!(cases.len(), 14);
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|v| {
            common::verdict(v)
                .err()
                .map(|why| format!("{}: {why}", v["name"]))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
