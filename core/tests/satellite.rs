//! The satellite judgements on verified answers (sans-IO): `check_party` on
//! a `parties_token` payload and `trusted_list_anchors` on a
//! `trusted_list_token` payload, in both the iSHARE 2.0 (snake_case) and 2.1
//! (camelCase) shapes, and every way an answer can be refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER, own_root_sha256, pki_text, rng};
use ishare_jwt::{
    Error, Signer, TrustAnchor, VerifiedJwt, Verifier, check_party, trusted_list_anchors,
};

const LEAF: &str = "AB:CD:EF";
const ACTIVE: &str =
    r#"{"status":"Active","start_date":"2020-01-01T00:00:00Z","end_date":"2099-01-01T00:00:00Z"}"#;

/// The satellite (the repository's server identity) signs `claims` to us.
fn answer(claims: &str) -> VerifiedJwt {
    let satellite = Signer::from_pem(
        pki_text("server-eori.key.pem"),
        &pki_text("server-eori.chain.pem"),
        SERVER,
    )
    .unwrap();
    let token = satellite
        .sign_jwt(&mut rng(), CLIENT, Some(claims), NOW, None)
        .unwrap();
    let anchor = TrustAnchor::parse(&own_root_sha256()).unwrap();
    Verifier::new(CLIENT, vec![anchor])
        .unwrap()
        .verify_jwt(&token, NOW, Some(SERVER))
        .unwrap()
}

fn parties(entries: &str) -> VerifiedJwt {
    answer(&format!(
        r#"{{"parties_info":{{"count":1,"data":[{entries}]}}}}"#
    ))
}

fn entry(adherence: &str, certificates: &str) -> String {
    format!(
        r#"{{"party_id":"{CLIENT}","party_name":"Client","adherence":{adherence},"certificates":{certificates}}}"#
    )
}

#[test]
fn an_active_party_with_its_certificate_registered_passes() {
    let jwt = parties(&entry(ACTIVE, r#"[{"x5t#S256":"abcdef"},{"other":1},7]"#));
    let info = check_party(&jwt, CLIENT, Some(LEAF), NOW).unwrap();
    assert_eq!(
        (info.party_name.as_str(), info.status.as_str()),
        ("Client", "Active")
    );
    assert_eq!(info.certificates, ["abcdef"]);
    // No certificate asked about: the listing and the dates suffice.
    assert!(check_party(&jwt, CLIENT, None, NOW).is_ok());
    // iSHARE 2.1 names, one party alone.
    let camel = answer(&format!(
        r#"{{"partyInfo":{{"partyId":"{CLIENT}","partyName":"C","adherence":{{"status":"Active","startDate":"2020-01-01T00:00:00Z","endDate":"2099-01-01T00:00:00Z"}}}}}}"#
    ));
    assert_eq!(
        check_party(&camel, CLIENT, None, NOW).unwrap().party_name,
        "C"
    );
}

#[test]
fn unknown_inactive_and_unregistered_parties_are_refused_by_kind() {
    let kind = |jwt: &VerifiedJwt, leaf: Option<&str>| {
        check_party(jwt, CLIENT, leaf, NOW).unwrap_err().kind()
    };
    let listed = parties(&entry(ACTIVE, "[]"));
    assert_eq!(
        check_party(&listed, "EU.EORI.NL999", None, NOW)
            .unwrap_err()
            .kind(),
        "party_unknown"
    );
    assert_eq!(kind(&listed, Some(LEAF)), "party_certificate_unknown");
    let revoked = ACTIVE.replace("Active", "Revoked");
    assert_eq!(
        kind(&parties(&entry(&revoked, "[]")), None),
        "party_not_active"
    );
    let ended = ACTIVE.replace("2099-01-01T00:00:00Z", "2021-01-01T00:00:00Z");
    let message = check_party(&parties(&entry(&ended, "[]")), CLIENT, None, NOW).unwrap_err();
    assert!(
        matches!(&message, Error::PartyNotActive(m) if m.contains("adheres from")),
        "{message}"
    );
}

#[test]
fn malformed_party_answers_are_invalid_responses() {
    let twice = format!("{},{}", entry(ACTIVE, "[]"), entry(ACTIVE, "[]"));
    let cases = [
        (parties(&twice), "invalid_response"),
        (answer(r#"{"parties_info":[]}"#), "invalid_response"),
        (
            answer(r#"{"parties_info":{"data":{}}}"#),
            "invalid_response",
        ),
        (parties("1"), "invalid_response"),
        (parties(&entry(r#""Active""#, "[]")), "invalid_response"),
        (
            parties(&entry(
                r#"{"status":"Active","start_date":"2020-01-01T00:00:00Z"}"#,
                "[]",
            )),
            "invalid_response",
        ),
        (
            parties(&entry(
                &ACTIVE.replace("2020-01-01T00:00:00Z", "yesterday"),
                "[]",
            )),
            "invalid_response",
        ),
        (parties(&entry(ACTIVE, r#""none""#)), "invalid_response"),
        (
            parties(&entry(ACTIVE, r#"[{"x5t#S256":5}]"#)),
            "invalid_response",
        ),
        (
            answer(r#"{"parties_info":{"data":[]},"partiesInfo":{"data":[]}}"#),
            "invalid_response",
        ),
        (answer(r#"{"parties_info":null}"#), "invalid_response"),
        (answer(r#"{"nothing":1}"#), "missing_claim"),
    ];
    for (jwt, kind) in cases {
        let error = check_party(&jwt, CLIENT, Some(LEAF), NOW).unwrap_err();
        assert_eq!(error.kind(), kind, "{}: {error}", jwt.claims_json);
    }
}

fn trusted(entries: &str) -> VerifiedJwt {
    answer(&format!(r#"{{"trusted_list":[{entries}]}}"#))
}

#[test]
fn the_trusted_list_gives_granted_valid_fingerprints_only() {
    let root = own_root_sha256();
    let jwt = trusted(&format!(
        r#"{{"status":"granted","validity":"valid","certificate_fingerprint":"{root}"}},
           {{"status":"revoked","validity":"valid","certificate_fingerprint":"00"}},
           {{"status":"Granted","validity":"expired"}}"#
    ));
    let anchors = trusted_list_anchors(&jwt).unwrap();
    assert_eq!(anchors.len(), 1);
    assert_eq!(anchors[0].sha256_hex(), root.to_uppercase());
    let camel = answer(&format!(
        r#"{{"trustedList":[{{"status":"Granted","validity":"Valid","certificateFingerprint":"{root}"}}]}}"#
    ));
    assert_eq!(trusted_list_anchors(&camel).unwrap().len(), 1);
}

#[test]
fn malformed_trusted_lists_are_refused() {
    let cases = [
        (answer(r#"{"trusted_list":{}}"#), "invalid_response"),
        (trusted("1"), "invalid_response"),
        (
            trusted(r#"{"status":"granted","validity":"valid"}"#),
            "invalid_response",
        ),
        (
            trusted(r#"{"status":"granted","validity":"valid","certificate_fingerprint":"xyz"}"#),
            "invalid_response",
        ),
        (
            trusted(r#"{"status":"granted","validity":"invalid","certificate_fingerprint":"00"}"#),
            "invalid_response",
        ),
        (trusted(r#"{"status":1}"#), "invalid_response"),
        (answer(r#"{"other":[]}"#), "missing_claim"),
    ];
    for (jwt, kind) in cases {
        let error = trusted_list_anchors(&jwt).unwrap_err();
        assert_eq!(error.kind(), kind, "{}: {error}", jwt.claims_json);
    }
}
