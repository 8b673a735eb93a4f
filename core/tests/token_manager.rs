//! The sans-IO token manager: cached, renewed, refused — no sockets.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{CLIENT, NOW, SERVER};
use ishare_jwt::{Error, TokenKey, TokenManager, TokenRequest, TokenStep};

const URL: &str = "https://server.example/connect/token";

fn manager() -> TokenManager {
    TokenManager::new(common::own_signer("client-eori", CLIENT))
}

fn key() -> TokenKey {
    TokenKey::new(SERVER, URL, "iSHARE")
}

fn fetch(manager: &TokenManager, key: &TokenKey, now: i64) -> TokenRequest {
    match manager.get(&mut common::rng(), key, now).unwrap() {
        TokenStep::Fetch(request) => request,
        TokenStep::Cached(token) => panic!("expected a fetch, got {token:?}"),
    }
}

fn ok_body(token: &str, expires_in: u64) -> Vec<u8> {
    format!(r#"{{"access_token":"{token}","token_type":"Bearer","expires_in":{expires_in}}}"#)
        .into_bytes()
}

#[test]
fn a_miss_is_a_request_with_a_fresh_assertion_the_server_accepts() {
    let manager = manager();
    let first = fetch(&manager, &key(), NOW);
    let second = fetch(&manager, &key(), NOW);
    assert_eq!(first.url, URL);
    assert_eq!(first.content_type, "application/x-www-form-urlencoded");
    let assertion = |request: &TokenRequest| {
        request
            .body
            .split('&')
            .find_map(|field| field.strip_prefix("client_assertion="))
            .unwrap()
            .to_string()
    };
    let mut cache = ishare_jwt::ReplayCache::new(100).unwrap();
    let server = common::own_verifier();
    let a = server
        .verify_once(&assertion(&first), NOW, Some(CLIENT), &mut cache)
        .unwrap();
    let b = server
        .verify_once(&assertion(&second), NOW, Some(CLIENT), &mut cache)
        .unwrap();
    assert_ne!(a.jti, b.jti, "each fetch signs a fresh jti");
    assert!(first.body.contains("&client_id=EU.EORI.NL000000101&"));
}

#[test]
fn a_token_is_cached_until_refresh_before_its_expiry_then_renewed() {
    let mut manager = manager();
    let key = key();
    fetch(&manager, &key, NOW);
    let token = manager
        .finish(&key, 200, &ok_body("first", 3600), NOW)
        .unwrap();
    assert_eq!(
        (token.access_token.as_str(), token.expires_at),
        ("first", NOW + 3600)
    );
    for now in [NOW, NOW + 1000, NOW + 3539] {
        match manager.get(&mut common::rng(), &key, now).unwrap() {
            TokenStep::Cached(cached) => assert_eq!(cached, token),
            TokenStep::Fetch(_) => panic!("fetched at {now}"),
        }
    }
    // From 60 s before expiry on, a new one is fetched.
    fetch(&manager, &key, NOW + 3540);
    manager
        .finish(&key, 200, &ok_body("second", 3600), NOW + 3540)
        .unwrap();
    assert_eq!(
        manager.cached(&key, NOW + 3541).unwrap().access_token,
        "second"
    );

    // Another key (scope) is another token; invalidate forgets one key only.
    let other = TokenKey::new(SERVER, URL, "iSHARE other");
    fetch(&manager, &other, NOW + 3541);
    manager.invalidate(&key);
    fetch(&manager, &key, NOW + 3541);

    let patient = TokenManager::new(common::own_signer("client-eori", CLIENT))
        .with_refresh_before(0)
        .unwrap();
    assert!(patient.cached(&key, NOW).is_none());
}

#[test]
fn a_refusal_carries_the_servers_error_and_caches_nothing() {
    let mut manager = manager();
    let key = key();
    let body = br#"{"error":"invalid_client","error_description":"unknown \u001b[31mclient"}"#;
    let error = manager.finish(&key, 400, body, NOW).unwrap_err();
    assert_eq!(error.kind(), "token_endpoint");
    assert_eq!(error.code(), 33);
    let Error::TokenEndpoint {
        status,
        error: code,
        error_description,
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*status, code.as_deref()), (400, Some("invalid_client")));
    assert!(
        error_description.as_deref().unwrap().contains("\\u{1b}"),
        "escaped: {error_description:?}"
    );
    assert!(
        error.to_string().starts_with("400 invalid_client: unknown"),
        "{error}"
    );
    assert!(manager.is_empty());

    let error = manager
        .finish(&key, 500, b"<html>oops</html>", NOW)
        .unwrap_err();
    assert_eq!(error.to_string(), "500");
    assert!(manager.is_empty());
}

#[test]
fn a_200_that_is_not_a_bearer_token_response_is_an_invalid_response() {
    let mut manager = manager();
    for body in [
        &b"<html>"[..],
        br#"{"token_type":"Bearer","expires_in":3600}"#,
        br#"{"access_token":"x","token_type":"mac","expires_in":3600}"#,
        br#"{"access_token":"x","token_type":"Bearer","expires_in":-1}"#,
        br#"{"access_token":"x","token_type":"Bearer"}"#,
    ] {
        let error = manager.finish(&key(), 200, body, NOW).unwrap_err();
        assert_eq!(
            error.kind(),
            "invalid_response",
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    let body = br#"{"access_token":"x","token_type":"bEaReR","expires_in":5}"#;
    assert_eq!(
        manager.finish(&key(), 200, body, NOW).unwrap().token_type,
        "bEaReR"
    );
}

#[test]
fn the_oldest_key_makes_room_and_bad_settings_are_refused() {
    let mut manager = manager().with_capacity(2).unwrap();
    let keys: Vec<TokenKey> = (0..3)
        .map(|i| TokenKey::new(SERVER, URL, &format!("s{i}")))
        .collect();
    for (i, key) in keys.iter().enumerate() {
        manager
            .finish(key, 200, &ok_body(&format!("t{i}"), 3600), NOW)
            .unwrap();
    }
    assert_eq!(manager.len(), 2);
    assert!(manager.cached(&keys[0], NOW).is_none());
    assert!(manager.cached(&keys[2], NOW).is_some());

    assert_eq!(
        manager_kind(|| manager_with(|m| m.with_capacity(0))),
        "invalid_argument"
    );
    assert_eq!(
        manager_kind(|| manager_with(|m| m.with_refresh_before(86_401))),
        "invalid_argument"
    );
    for url in ["ftp://x/token", "server/token", "https://x/a b", ""] {
        let key = TokenKey::new(SERVER, url, "iSHARE");
        assert_eq!(
            manager
                .get(&mut common::rng(), &key, NOW)
                .unwrap_err()
                .kind(),
            "invalid_argument",
            "{url}"
        );
    }
    let not_a_party = TokenKey::new("server", URL, "iSHARE");
    assert_eq!(
        manager
            .get(&mut common::rng(), &not_a_party, NOW)
            .unwrap_err()
            .kind(),
        "invalid_party_id"
    );
}

fn manager_with(
    f: impl FnOnce(TokenManager) -> Result<TokenManager, Error>,
) -> Result<TokenManager, Error> {
    f(manager())
}

fn manager_kind(f: impl FnOnce() -> Result<TokenManager, Error>) -> &'static str {
    f().unwrap_err().kind()
}

#[test]
fn an_access_token_that_could_inject_headers_is_refused() {
    let mut manager = manager();
    for bad in ["a\r\nX-Evil: 1", "a b", "a\"b", "===", "tok\u{0}"] {
        let body =
            serde_json::json!({"access_token": bad, "token_type": "Bearer", "expires_in": 60})
                .to_string();
        let error = manager
            .finish(&key(), 200, body.as_bytes(), NOW)
            .unwrap_err();
        assert_eq!(error.kind(), "invalid_response", "{bad:?}");
    }
    for good in ["abc", "a.b.c", "A-b_c~d+e/f==", "token-1"] {
        let body =
            serde_json::json!({"access_token": good, "token_type": "Bearer", "expires_in": 60})
                .to_string();
        assert_eq!(
            manager
                .finish(&key(), 200, body.as_bytes(), NOW)
                .unwrap()
                .access_token,
            good
        );
    }
    // A long refusal arrives whole (up to 1024 characters).
    let description = "d".repeat(500);
    let body = serde_json::json!({"error": "invalid_client", "error_description": description})
        .to_string();
    let error = manager
        .finish(&key(), 400, body.as_bytes(), NOW)
        .unwrap_err();
    assert!(error.to_string().ends_with(&description), "{error}");
}
