//! `explain` reports every rule, and its verdict is `verify`'s: on every
//! shared vector, every JWT vector and every hostile input, the same tokens
//! are accepted, and a refused token's first failing rule has the kind
//! `verify` returns.
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

use common::{CLIENT, NOW, SERVER, own_signer, own_verifier, rng};
use ishare_jwt::{Report, RuleStatus, TrustAnchor, Verifier};

fn verifier_for(v: &serde_json::Value) -> Option<Verifier> {
    let anchors = v["trusted_roots"]
        .as_array()?
        .iter()
        .map(|r| TrustAnchor::parse(r.as_str().unwrap()))
        .collect::<Result<Vec<_>, _>>()
        .ok()?;
    Verifier::new(v["audience"].as_str()?, anchors)
        .and_then(|verifier| verifier.with_leeway(v["leeway"].as_u64().unwrap_or(0) as u32))
        .ok()
}

/// `explain` agrees with `verify` (or `verify_jwt`) on one token; the
/// mismatch, if any.
fn agrees(
    name: &str,
    verifier: &Verifier,
    token: &str,
    now: i64,
    who: Option<&str>,
    jwt: bool,
) -> Option<String> {
    let (verified, report) = if jwt {
        (
            verifier.verify_jwt(token, now, who).err(),
            verifier.explain_jwt(token, now, who),
        )
    } else {
        (
            verifier.verify(token, now, who).err(),
            verifier.explain(token, now, who),
        )
    };
    let report = match report {
        Ok(report) => report,
        Err(error) => {
            return (verified.as_ref().map(|e| e.kind()) != Some(error.kind()))
                .then(|| format!("{name}: explain failed with {error}, verify gave {verified:?}"));
        }
    };
    let expected = verified.as_ref().map(ishare_jwt::Error::kind);
    let first_failure = report
        .rules
        .iter()
        .find(|r| r.status == RuleStatus::Fail)
        .map(|r| r.kind);
    let consistent = report.kind == expected
        && report.accepted == expected.is_none()
        && first_failure == expected;
    let skipped_while_accepted =
        report.accepted && report.rules.iter().any(|r| r.status != RuleStatus::Pass);
    (!consistent || skipped_while_accepted).then(|| {
        format!(
            "{name}: verify {expected:?}, explain {:?}, first failing rule {first_failure:?}\n{report}",
            report.kind
        )
    })
}

fn check_vectors(vectors: &serde_json::Value, jwt: bool) -> usize {
    let mut failures = Vec::new();
    let mut count = 0;
    for vector in vectors["vectors"].as_array().unwrap() {
        let v = &vector["verifier"];
        let Some(verifier) = verifier_for(v) else {
            continue;
        };
        count += 1;
        let who = if jwt {
            v["issuer"].as_str()
        } else {
            v["client_id"].as_str()
        };
        failures.extend(agrees(
            vector["name"].as_str().unwrap_or("?"),
            &verifier,
            vector["token"].as_str().unwrap(),
            v["now"].as_i64().unwrap(),
            who,
            jwt,
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    count
}

#[test]
fn explain_agrees_with_verify_on_every_shared_vector() {
    assert!(check_vectors(&common::vectors(), false) > 40);
    let jwt: serde_json::Value =
        serde_json::from_str(&common::vector_file("jwt/vectors.json")).unwrap();
    assert!(check_vectors(&jwt, true) >= 14);
}

#[test]
fn explain_agrees_with_verify_on_every_hostile_input_on_a_small_stack() {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(|| check_vectors(&hostile_cases::cases(), false))
        .unwrap()
        .join()
        .expect("the small-stack thread survived");
}

#[test]
fn a_token_breaking_two_independent_rules_shows_both() {
    let signer = own_signer("client-eori", CLIENT);
    let token = signer
        .client_assertion(&mut rng(), "EU.EORI.NL000000999", NOW)
        .unwrap();
    let verifier = own_verifier();
    let report = verifier.explain(&token, NOW + 3600, Some(CLIENT)).unwrap();
    assert!(!report.accepted);
    assert_eq!(report.kind, Some("audience"));
    let failed: Vec<&str> = report
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Fail)
        .map(|r| r.rule)
        .collect();
    assert_eq!(failed, ["audience", "not_expired"], "{report}");
    let lifetime = report.rules.iter().find(|r| r.rule == "lifetime").unwrap();
    assert_eq!(lifetime.status, RuleStatus::Pass);
    assert!(lifetime.detail.contains("= 30"), "{}", lifetime.detail);
}

#[test]
fn an_accepted_token_reports_every_rule_passed_and_its_chain() {
    let signer = own_signer("client-eori", CLIENT);
    let token = signer.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    let report: Report = own_verifier().explain(&token, NOW, Some(CLIENT)).unwrap();
    assert!(report.accepted, "{report}");
    assert_eq!(report.verdict(), "accepted");
    assert_eq!(report.rules.len(), 17);
    assert_eq!(report.chain.len(), 3);
    assert_eq!(report.chain[0].sha256, signer.leaf_sha256());
    assert!(report.chain[0].party.contains(CLIENT));
    assert_eq!(report.chain[2].position, 2);
    assert!(report.chain[1].subject.contains("Intermediate"));
    assert_eq!(report.chain[0].key_bits, 2048);
    assert!(!report.chain[0].serial.is_empty());
    assert!(report.to_string().ends_with("accepted"));

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["verdict"], "accepted");
    assert!(json["kind"].is_null());
    assert_eq!(json["claims"]["iss"], CLIENT);
    assert_eq!(json["header"]["alg"], "RS256");
    assert_eq!(json["rules"].as_array().unwrap().len(), 17);
    assert_eq!(json["rules"][0]["rule"], "token_form");
    assert_eq!(json["chain"][0]["sha256"], signer.leaf_sha256());
}

#[test]
fn what_is_unreadable_is_skipped_with_the_reason() {
    let verifier = own_verifier();
    let report = verifier.explain("not a token", NOW, None).unwrap();
    assert_eq!(report.kind, Some("malformed"));
    assert_eq!(report.rules[0].status, RuleStatus::Fail);
    assert!(
        report.rules[1..]
            .iter()
            .all(|r| r.status == RuleStatus::Skipped && r.detail.contains("not a compact JWS")),
        "{report}"
    );
    assert_eq!(report.rules.len(), 17);
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["verdict"], "refused");
    assert!(json["header"].is_null());
    assert_eq!(
        verifier.explain("a.b.c", -1, None).unwrap_err().kind(),
        "invalid_argument"
    );
}

#[test]
fn an_untrusted_chain_costs_no_rsa_with_the_keys_it_carries() {
    // A chain under a root this verifier does not trust: the token's
    // signature and the rest of x5c are not checked with its keys.
    let stranger = ishare_jwt::Signer::from_pem(
        common::vector_file("client-eori.key.pem"),
        &common::vector_file("client-eori.chain.pem"),
        "EU.EORI.NL000000001",
    )
    .unwrap();
    let token = stranger.client_assertion(&mut rng(), SERVER, NOW).unwrap();
    let report = own_verifier().explain(&token, NOW, None).unwrap();
    assert_eq!(report.kind, Some("untrusted_chain"));
    for name in ["signature", "chain_signatures"] {
        let rule = report.rules.iter().find(|r| r.rule == name).unwrap();
        assert_eq!(rule.status, RuleStatus::Skipped, "{report}");
        assert!(rule.detail.contains("trusted"), "{}", rule.detail);
    }
}
