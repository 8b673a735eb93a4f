//! Replay protection through any store: the record is public and the same
//! in every language; a store that fails refuses the token.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::collections::HashMap;

use common::{CLIENT, NOW, SERVER};
use ishare_jwt::{Error, ReplayCache, ReplayRecord, ReplayStore, TokenKey, TokenManager};
use sha2::{Digest, Sha256};

/// A store shared by "instances": a map of key → until, or down.
#[derive(Default)]
struct SharedStore {
    keys: HashMap<String, i64>,
    down: bool,
}

impl ReplayStore for SharedStore {
    fn record(&mut self, record: &ReplayRecord<'_>, now: i64) -> Result<bool, Error> {
        if self.down {
            return Err(Error::ReplayStore("the test store is down".into()));
        }
        if self
            .keys
            .get(record.replay_key)
            .is_some_and(|until| *until > now)
        {
            return Ok(false);
        }
        self.keys
            .insert(record.replay_key.into(), record.replay_until);
        Ok(true)
    }
}

fn token(jti: &str) -> String {
    common::own_signer("client-eori", CLIENT)
        .client_assertion_with_jti(&mut common::rng(), SERVER, NOW, jti)
        .unwrap()
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_replay_record_is_public_and_the_same_everywhere() {
    let verifier = common::own_verifier().with_leeway(5).unwrap();
    let assertion = verifier.verify(&token("abc"), NOW, None).unwrap();
    assert_eq!(
        assertion.replay_key,
        hex_sha256(format!("{CLIENT}\0abc").as_bytes())
    );
    assert_eq!(assertion.replay_until, NOW + 30 + 5);
    let jwt = verifier.verify_jwt(&token("abc"), NOW, None).unwrap();
    assert_eq!(
        (jwt.replay_key.as_str(), jwt.replay_until),
        (assertion.replay_key.as_str(), NOW + 35)
    );
}

#[test]
fn two_verifiers_sharing_a_store_accept_a_token_once() {
    let mut store = SharedStore::default();
    let (a, b) = (common::own_verifier(), common::own_verifier());
    let t = token("shared");
    a.verify_with_store(&t, NOW, None, &mut store).unwrap();
    assert_eq!(
        b.verify_with_store(&t, NOW + 1, None, &mut store)
            .unwrap_err()
            .kind(),
        "replay"
    );
    assert_eq!(
        b.verify_jwt_with_store(&t, NOW + 1, None, &mut store)
            .unwrap_err()
            .kind(),
        "replay"
    );
    b.verify_with_store(&token("other"), NOW, None, &mut store)
        .unwrap();
    // The in-process cache is one such store.
    let mut cache = ReplayCache::new(100).unwrap();
    a.verify_with_store(&t, NOW, None, &mut cache).unwrap();
    assert_eq!(
        a.verify_once(&t, NOW, None, &mut cache).unwrap_err().kind(),
        "replay"
    );
}

#[test]
fn a_store_that_fails_refuses_the_token() {
    let mut store = SharedStore {
        down: true,
        ..SharedStore::default()
    };
    let error = common::own_verifier()
        .verify_with_store(&token("down"), NOW, None, &mut store)
        .unwrap_err();
    assert_eq!((error.kind(), error.code()), ("replay_store", 36));
    store.down = false;
    common::own_verifier()
        .verify_with_store(&token("down"), NOW, None, &mut store)
        .unwrap();
}

#[test]
fn token_cache_keys_are_stable_and_tokens_can_come_from_elsewhere() {
    let mut manager = TokenManager::new(common::own_signer("client-eori", CLIENT));
    let key = TokenKey::new(SERVER, "https://s/connect/token", "iSHARE");
    let expected =
        hex_sha256(format!("{CLIENT}\0{SERVER}\0https://s/connect/token\0iSHARE").as_bytes());
    assert_eq!(manager.cache_key(&key), expected);
    let token = ishare_jwt::AccessToken {
        access_token: "shared".into(),
        token_type: "Bearer".into(),
        expires_at: NOW + 3600,
    };
    manager.insert(&key, token.clone());
    assert_eq!(manager.cached(&key, NOW), Some(token));
}

#[test]
fn a_shared_chain_cache_stays_warm_with_an_outside_store() {
    let caches = std::cell::RefCell::new(ishare_jwt::VerifierCaches {
        replay: None,
        ..Default::default()
    });
    let mut store = SharedStore::default();
    let verifier = common::own_verifier();
    verifier
        .verify_shared_with_store(&token("w1"), NOW, None, &caches, &mut store)
        .unwrap();
    assert_eq!(caches.borrow().chains.len(), 1);
    let again = verifier.verify_shared_with_store(&token("w1"), NOW, None, &caches, &mut store);
    assert_eq!(again.unwrap_err().kind(), "replay");
    verifier
        .verify_jwt_shared_with_store(&token("w2"), NOW, None, &caches, &mut store)
        .unwrap();
    assert_eq!(store.keys.len(), 2);
}
