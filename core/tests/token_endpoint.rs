//! The server's token endpoint, sans-IO: request parsing and OAuth answers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER};
use ishare_jwt::{
    Error, OAuthError, TOKEN_RESPONSE_HEADERS, parse_token_request, parse_token_request_pairs,
    token_request_form, token_response_body,
};

const TYPE: &str = "urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer";

fn refused(body: &str) -> OAuthError {
    parse_token_request(body).unwrap_err()
}

#[test]
fn a_request_the_signer_makes_parses_and_its_assertion_verifies() {
    let signer = common::own_signer("client-eori", CLIENT);
    let body = signer
        .token_request(&mut common::rng(), SERVER, NOW, None, Some("iSHARE extra"))
        .unwrap();
    let request = parse_token_request(&body).unwrap();
    assert_eq!(request.client_id, CLIENT);
    assert_eq!(request.scope, "iSHARE extra");
    common::own_verifier()
        .verify(&request.client_assertion, NOW, Some(&request.client_id))
        .unwrap();
    // Without scope: iSHARE.
    let body = format!(
        "grant_type=client_credentials&client_assertion_type={TYPE}&client_assertion=a.b.c&client_id=x"
    );
    assert_eq!(parse_token_request(&body).unwrap().scope, "iSHARE");
}

#[test]
fn every_malformed_request_gets_its_oauth_error() {
    let full = token_request_form(CLIENT, "a.b.c", "iSHARE").unwrap();
    let cases = [
        ("grant_type=password", 400, "unsupported_grant_type"),
        ("", 400, "invalid_request"),
        (
            &full.replace("&client_id=EU.EORI.NL000000101", "")[..],
            400,
            "invalid_request",
        ),
        (
            &full.replace("client_assertion=a.b.c", "client_assertion=")[..],
            400,
            "invalid_request",
        ),
        (
            &format!("{full}&client_id=EU.EORI.NL000000102")[..],
            400,
            "invalid_request",
        ),
        (
            &full.replace("jwt-bearer", "saml2-bearer")[..],
            400,
            "invalid_client",
        ),
    ];
    for (body, status, error) in cases {
        let got = refused(body);
        assert_eq!((got.status, got.error), (status, error), "{body}: {got}");
    }
    assert!(
        refused("grant_type=client_credentials")
            .error_description
            .contains("client_assertion_type is missing")
    );
    let twice = parse_token_request_pairs(&[
        ("grant_type", "client_credentials"),
        ("grant_type", "client_credentials"),
    ]);
    assert!(
        twice
            .unwrap_err()
            .error_description
            .contains("more than once")
    );
}

#[test]
fn every_error_kind_maps_to_one_oauth_answer() {
    let answer = |error: Error| {
        let answer = OAuthError::from_error(&error);
        (answer.status, answer.error)
    };
    assert_eq!(answer(Error::Signature), (400, "invalid_client"));
    assert_eq!(
        answer(Error::Expired {
            exp: 1,
            now: 2,
            leeway: 0
        }),
        (400, "invalid_client")
    );
    assert_eq!(
        answer(Error::ReplayCacheFull {
            capacity: 1,
            issuer: None
        }),
        (503, "temporarily_unavailable")
    );
    assert_eq!(answer(Error::Internal("x".into())), (500, "server_error"));
    assert_eq!(
        answer(Error::InvalidArgument("x".into())),
        (400, "invalid_request")
    );
    for (code, kind) in Error::KINDS {
        assert!(!kind.is_empty() && *code > 0);
    }
    let body = OAuthError::from_error(&Error::Replay {
        iss: "a\"b".into(),
        jti: "j".into(),
    })
    .body();
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["error"], "invalid_client");
    assert!(
        json["error_description"]
            .as_str()
            .unwrap()
            .starts_with("replay: ")
    );
}

#[test]
fn token_responses_are_json_and_never_cached() {
    let body = token_response_body("a\"b\\c", 3600, None);
    let json: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(json["access_token"], "a\"b\\c");
    assert_eq!(json["token_type"], "Bearer");
    assert!(json.get("scope").is_none());
    assert!(TOKEN_RESPONSE_HEADERS.contains(&("Cache-Control", "no-store")));
    assert!(TOKEN_RESPONSE_HEADERS.contains(&("Pragma", "no-cache")));
    // What the endpoint answers, the client's token manager reads.
    let mut manager = ishare_jwt::TokenManager::new(common::own_signer("client-eori", CLIENT));
    let key = ishare_jwt::TokenKey::new(SERVER, "https://s/connect/token", "iSHARE");
    let body = token_response_body("abc", 3600, Some("iSHARE"));
    assert_eq!(
        manager
            .finish(&key, 200, body.as_bytes(), NOW)
            .unwrap()
            .access_token,
        "abc"
    );
    let refusal = OAuthError::from_error(&Error::Signature);
    let error = manager
        .finish(&key, refusal.status, refusal.body().as_bytes(), NOW)
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("400 invalid_client: signature: "),
        "{error}"
    );
}

#[test]
fn a_failing_replay_store_is_the_servers_trouble_not_the_clients() {
    let answer = OAuthError::from_error(&Error::ReplayStore("redis down".into()));
    assert_eq!(
        (answer.status, answer.error),
        (503, "temporarily_unavailable")
    );
}

/// Found by the fuzz target: what the client builds, the server reads.
#[test]
fn an_empty_client_id_or_assertion_is_refused_when_the_form_is_built() {
    assert_eq!(
        token_request_form("", "a.b.c", "iSHARE")
            .unwrap_err()
            .kind(),
        "invalid_argument"
    );
    assert_eq!(
        token_request_form(CLIENT, "", "iSHARE").unwrap_err().kind(),
        "invalid_argument"
    );
}
