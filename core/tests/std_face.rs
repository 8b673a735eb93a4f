//! The std face: signing and verifying at the system clock's time with OS
//! randomness, and one verifier's caches shared by reference across threads.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::sync::Mutex;

use common::{CLIENT, SERVER, own_signer, own_verifier};
use ishare_jwt::VerifierCaches;

#[test]
fn tokens_signed_now_verify_now_and_a_second_use_is_a_replay_on_every_thread() {
    let signer = own_signer("client-eori", CLIENT);
    let verifier = own_verifier();
    let caches = Mutex::new(VerifierCaches::default());
    let tokens: Vec<String> = (0..8)
        .map(|_| signer.client_assertion_now(SERVER).unwrap())
        .collect();
    verifier.verify_now(&tokens[0], Some(CLIENT)).unwrap();
    // Every thread offers every token: each is accepted exactly once.
    let accepted = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    tokens
                        .iter()
                        .filter(|t| verifier.verify_once_now(t, Some(CLIENT), &caches).is_ok())
                        .count()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(accepted, tokens.len());
    let again = verifier
        .verify_once_now(&tokens[3], Some(CLIENT), &caches)
        .unwrap_err();
    assert_eq!(again.kind(), "replay");
    assert_eq!(caches.lock().unwrap().chains.len(), 1);
}

#[test]
fn general_jwts_and_token_requests_now() {
    let signer = own_signer("client-eori", CLIENT);
    let verifier = own_verifier();
    let token = signer.sign_jwt_now(SERVER, Some(r#"{"k":[1]}"#)).unwrap();
    let jwt = verifier.verify_jwt_now(&token, Some(CLIENT)).unwrap();
    assert!(jwt.claims_json.ends_with(r#","k":[1]}"#));
    let caches = Mutex::new(VerifierCaches::default());
    verifier.verify_jwt_once_now(&token, None, &caches).unwrap();
    assert_eq!(
        verifier
            .verify_jwt_once_now(&token, None, &caches)
            .unwrap_err()
            .kind(),
        "replay"
    );
    let form = signer.token_request_now(SERVER, None).unwrap();
    assert!(form.contains("scope=iSHARE"), "{form}");
    let now = ishare_jwt::system::unix_now().unwrap();
    assert!(now > 1_780_000_000, "the system clock reads {now}");
}
