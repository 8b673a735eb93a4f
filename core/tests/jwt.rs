//! General iSHARE JWTs: the repository's PyJWT-made vectors
//! (`tests/vectors/jwt/`), sign_jwt round trips, and the satellite checks.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use ishare_jwt::{Signer, TrustAnchor, Verifier, check_party, trusted_list_anchors};
use serde_json::{Value, json};

fn jwt_vectors() -> Value {
    serde_json::from_str(&common::vector_file("jwt/vectors.json")).unwrap()
}

fn verifier_for(v: &Value) -> Verifier {
    let anchors = v["trusted_roots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| TrustAnchor::parse(r.as_str().unwrap()).unwrap())
        .collect();
    Verifier::new(v["audience"].as_str().unwrap(), anchors)
        .unwrap()
        .with_leeway(v["leeway"].as_u64().unwrap() as u32)
        .unwrap()
}

fn satellite() -> Signer {
    common::own_signer("server-eori", common::SERVER)
}

/// The client's verifier of messages from the satellite.
fn client_verifier() -> Verifier {
    Verifier::new(
        common::CLIENT,
        vec![TrustAnchor::parse(&common::own_root_sha256()).unwrap()],
    )
    .unwrap()
}

#[test]
fn every_jwt_vector_gets_its_verdict_and_payload() {
    let vectors = jwt_vectors();
    let mut failures = Vec::new();
    for vector in vectors["vectors"].as_array().unwrap() {
        let v = &vector["verifier"];
        let result = verifier_for(v).verify_jwt(
            vector["token"].as_str().unwrap(),
            v["now"].as_i64().unwrap(),
            v["issuer"].as_str(),
        );
        let name = vector["name"].as_str().unwrap();
        match (&vector["expect"], result) {
            (Value::String(_), Ok(jwt)) => {
                let got: Value = serde_json::from_str(&jwt.claims_json).unwrap();
                if got != vector["claims"] {
                    failures.push(format!("{name}: payload differs"));
                }
                assert_eq!(jwt.issuer.as_str(), common::SERVER);
            }
            (Value::String(_), Err(e)) => failures.push(format!("{name}: refused: {e}")),
            (want, Ok(_)) => failures.push(format!("{name}: accepted, wanted {want}")),
            (want, Err(e)) if want["error"] != e.kind() => {
                failures.push(format!("{name}: got {} ({e}), wanted {want}", e.kind()));
            }
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_sign_input_signs_or_is_refused_and_round_trips_by_value() {
    let vectors = jwt_vectors();
    let signer = satellite();
    let verifier = client_verifier();
    let now = vectors["signer"]["now"].as_i64().unwrap();
    for input in vectors["sign_inputs"].as_array().unwrap() {
        let name = input["name"].as_str().unwrap();
        let claims = input["claims_json"].as_str();
        let result = signer.sign_jwt(&mut common::rng(), common::CLIENT, claims, now, None);
        match &input["expect"] {
            Value::String(_) => {
                let token = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                let jwt = verifier
                    .verify_jwt(&token, now, Some(common::SERVER))
                    .unwrap();
                let mut got: Value = serde_json::from_str(&jwt.claims_json).unwrap();
                let envelope = ["iss", "sub", "aud", "jti", "iat", "nbf", "exp"];
                let at = |claim: &str| jwt.claims_json.find(&format!("\"{claim}\":")).unwrap();
                assert!(
                    envelope.windows(2).all(|w| at(w[0]) < at(w[1])),
                    "{name}: envelope order"
                );
                assert!(
                    jwt.claims_json.starts_with("{\"iss\":"),
                    "{name}: the envelope comes first"
                );
                for claim in envelope {
                    got.as_object_mut().unwrap().remove(claim);
                }
                let want: Value = claims.map_or(json!({}), |c| serde_json::from_str(c).unwrap());
                assert_eq!(got, want, "{name}");
            }
            want => assert_eq!(result.unwrap_err().kind(), want["error"], "{name}"),
        }
    }
}

#[test]
fn payload_text_round_trips_exactly_and_in_member_order() {
    let claims = r#"{"z":1,"a":{"y":[1.50,-0,1E+2,null,true,"\ud83d\ude00 é \u0000"]},"m":12345678901234567890}"#;
    let token = satellite()
        .sign_jwt(
            &mut common::rng(),
            common::CLIENT,
            Some(claims),
            common::NOW,
            Some("fixed"),
        )
        .unwrap();
    let jwt = client_verifier()
        .verify_jwt(&token, common::NOW, None)
        .unwrap();
    let (_, extra) = jwt.claims_json.split_once(r#""exp":"#).unwrap();
    assert_eq!(
        extra.split_once(',').unwrap().1,
        "\"z\":1,\"a\":{\"y\":[1.50,-0,1E+2,null,true,\"😀 é \\u0000\"]},\"m\":12345678901234567890}"
    );
    assert_eq!(jwt.jti, "fixed");
    assert_eq!(jwt.expires_at - jwt.issued_at, 30);
}

#[test]
fn a_client_assertion_is_also_a_jwt_but_not_the_other_way_round() {
    let token = common::own_signer("client-eori", common::CLIENT)
        .client_assertion(&mut common::rng(), common::SERVER, common::NOW)
        .unwrap();
    let server = common::own_verifier();
    let jwt = server
        .verify_jwt(&token, common::NOW, Some(common::CLIENT))
        .unwrap();
    assert_eq!(jwt.issuer.as_str(), common::CLIENT);
    assert_eq!(
        server
            .verify_jwt(&token, common::NOW, Some("EU.EORI.NL000000102"))
            .unwrap_err()
            .kind(),
        "issuer_mismatch"
    );
    // A payload over the client assertion's 8 KiB is a JWT, not an assertion.
    let big = json!({"pad": "x".repeat(10_000)}).to_string();
    let token = common::own_signer("client-eori", common::CLIENT)
        .sign_jwt(
            &mut common::rng(),
            common::SERVER,
            Some(&big),
            common::NOW,
            None,
        )
        .unwrap();
    assert_eq!(
        server.verify(&token, common::NOW, None).unwrap_err().kind(),
        "too_large"
    );
    server.verify_jwt(&token, common::NOW, None).unwrap();
}

#[test]
fn verify_jwt_once_refuses_a_replay() {
    let token = satellite()
        .sign_jwt(&mut common::rng(), common::CLIENT, None, common::NOW, None)
        .unwrap();
    let mut cache = ishare_jwt::ReplayCache::new(100).unwrap();
    let verifier = client_verifier();
    verifier
        .verify_jwt_once(&token, common::NOW, None, &mut cache)
        .unwrap();
    let again = verifier.verify_jwt_once(&token, common::NOW, None, &mut cache);
    assert_eq!(again.unwrap_err().kind(), "replay");
}

// The satellite checks.

fn parties_token(entries: Value) -> ishare_jwt::VerifiedJwt {
    let claims = json!({"parties_info": {"count": 1, "data": entries}}).to_string();
    let token = satellite()
        .sign_jwt(
            &mut common::rng(),
            common::CLIENT,
            Some(&claims),
            common::NOW,
            None,
        )
        .unwrap();
    client_verifier()
        .verify_jwt(&token, common::NOW, Some(common::SERVER))
        .unwrap()
}

fn party(id: &str, status: &str, start: &str, end: &str, fingerprint: &str) -> Value {
    json!({"party_id": id, "party_name": "Demo", "adherence":
           {"status": status, "start_date": start, "end_date": end},
           "certificates": [{"x5t#S256": fingerprint}]})
}

#[test]
fn check_party_finds_an_active_party_with_its_certificate() {
    let leaf = satellite().leaf_sha256();
    let jwt = parties_token(json!([
        party(
            "EU.EORI.NL000000102",
            "Active",
            "2025-01-01T00:00:00Z",
            "2045-01-01T00:00:00Z",
            "00"
        ),
        party(
            common::CLIENT,
            "Active",
            "2025-01-01T00:00:00.000Z",
            "2045-01-01T00:00:00.000Z",
            &leaf.to_lowercase()
        ),
    ]));
    let info = check_party(&jwt, common::CLIENT, Some(&leaf), common::NOW).unwrap();
    assert_eq!(
        (info.party_id.as_str(), info.status.as_str()),
        (common::CLIENT, "Active")
    );
    assert_eq!((info.start, info.end), (1_735_689_600, 2_366_841_600));
    assert_eq!(info.certificates, [leaf.to_lowercase()]);
    let kind = |party: &str, leaf: Option<&str>, now: i64| {
        check_party(&jwt, party, leaf, now).unwrap_err().kind()
    };
    assert_eq!(
        kind("EU.EORI.NL000000999", None, common::NOW),
        "party_unknown"
    );
    assert_eq!(
        kind(common::CLIENT, Some(&"A".repeat(64)), common::NOW),
        "party_certificate_unknown"
    );
    assert_eq!(
        kind(common::CLIENT, None, 2_366_841_600),
        "party_not_active"
    );
    assert_eq!(
        kind(common::CLIENT, None, 1_735_689_599),
        "party_not_active"
    );
}

#[test]
fn check_party_refuses_a_party_that_is_not_active() {
    let jwt = parties_token(json!([party(
        common::CLIENT,
        "Revoked",
        "2025-01-01T00:00:00Z",
        "2045-01-01T00:00:00Z",
        "00"
    )]));
    let error = check_party(&jwt, common::CLIENT, None, common::NOW).unwrap_err();
    assert_eq!(error.kind(), "party_not_active");
    assert!(error.to_string().contains("Revoked"), "{error}");
}

#[test]
fn check_party_reads_the_2_1_names_too() {
    let claims = json!({"partiesInfo": {"count": 1, "data": [{"partyId": common::CLIENT, "partyName": "Demo",
        "adherence": {"status": "Active", "startDate": "2025-01-01T00:00:00Z", "endDate": "2045-01-01T00:00:00Z"},
        "certificates": []}]}})
    .to_string();
    let token = satellite()
        .sign_jwt(
            &mut common::rng(),
            common::CLIENT,
            Some(&claims),
            common::NOW,
            None,
        )
        .unwrap();
    let jwt = client_verifier()
        .verify_jwt(&token, common::NOW, None)
        .unwrap();
    assert_eq!(
        check_party(&jwt, common::CLIENT, None, common::NOW)
            .unwrap()
            .party_name,
        "Demo"
    );
}

#[test]
fn trusted_list_anchors_keeps_granted_valid_fingerprints_in_both_forms() {
    let root = common::own_root_sha256();
    for (list, fingerprint) in [
        ("trusted_list", "certificate_fingerprint"),
        ("trustedList", "certificateFingerprint"),
    ] {
        let claims = json!({list: [
            {"subject": "CN=Root", fingerprint: root, "validity": "valid", "status": "granted"},
            {"subject": "CN=Old", fingerprint: "11".repeat(32), "validity": "invalid", "status": "granted"},
            {"subject": "CN=Gone", fingerprint: "22".repeat(32), "validity": "valid", "status": "withdrawn"},
        ]})
        .to_string();
        let token = satellite()
            .sign_jwt(
                &mut common::rng(),
                common::CLIENT,
                Some(&claims),
                common::NOW,
                None,
            )
            .unwrap();
        let jwt = client_verifier()
            .verify_jwt(&token, common::NOW, None)
            .unwrap();
        let anchors = trusted_list_anchors(&jwt).unwrap();
        assert_eq!(anchors.len(), 1);
        assert_eq!(anchors[0].sha256_hex(), root.to_uppercase());
        // Usable as the roots of a verifier.
        Verifier::new(common::SERVER, anchors).unwrap();
    }
    let empty = parties_token(json!([]));
    assert_eq!(
        trusted_list_anchors(&empty).unwrap_err().kind(),
        "missing_claim"
    );
}
