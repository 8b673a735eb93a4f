//! The Redis token store against a real redis-server: instances share one
//! token, only one of them fetches it, and a store that fails only costs a
//! request.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use ishare_jwt::{AccessToken, Error, TokenKey, TokenManager, TokenRequest};
use ishare_jwt_redis::{DEFAULT_PREFIX, RedisTokenStore, fetch_with_store};

const TOKEN_URL: &str = "https://server.example/connect/token";

fn key() -> TokenKey {
    TokenKey::new(common::SERVER, TOKEN_URL, "iSHARE")
}

/// A token endpoint that counts its requests and answers token `n`.
fn endpoint(
    count: &AtomicUsize,
    delay: Duration,
) -> impl FnOnce(&TokenRequest) -> Result<(u16, Vec<u8>), Error> + '_ {
    move |request| {
        assert_eq!(request.url, TOKEN_URL);
        assert!(request.body.contains("client_assertion="));
        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
        std::thread::sleep(delay);
        let body =
            format!(r#"{{"access_token":"token-{n}","token_type":"Bearer","expires_in":3600}}"#);
        Ok((200, body.into_bytes()))
    }
}

/// One instance: its own token manager and its own connection.
fn instance(url: &str) -> (TokenManager, RedisTokenStore) {
    (
        TokenManager::new(common::signer()),
        RedisTokenStore::new(redis::Client::open(url).unwrap(), DEFAULT_PREFIX),
    )
}

#[test]
fn two_instances_share_one_token() {
    let Some(server) = common::redis_server() else {
        return;
    };
    let (now, count) = (common::now(), AtomicUsize::new(0));
    let (mut a, mut store_a) = instance(&server.url());
    let (mut b, mut store_b) = instance(&server.url());

    let first = fetch_with_store(
        &mut a,
        &mut store_a,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(first.access_token, "token-1");
    let second = fetch_with_store(
        &mut b,
        &mut store_b,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(second, first);
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "the second instance made no request"
    );
    // Now in b's own cache: no Redis needed.
    assert_eq!(b.cached(&key(), now), Some(first.clone()));

    // The documented value, expiring with the token; no lock left behind.
    let mut redis = server.connection();
    let cache_key = a.cache_key(&key());
    let stored: String = redis::cmd("GET")
        .arg(format!("ishare-jwt:token:{cache_key}"))
        .query(&mut redis)
        .unwrap();
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stored).unwrap(),
        serde_json::json!({"access_token": "token-1", "token_type": "Bearer", "expires_at": first.expires_at})
    );
    let ttl: i64 = redis::cmd("TTL")
        .arg(format!("ishare-jwt:token:{cache_key}"))
        .query(&mut redis)
        .unwrap();
    assert!((3599..=3601).contains(&ttl), "TTL {ttl}");
    let locks: Vec<String> = redis::cmd("KEYS")
        .arg("ishare-jwt:lock:*")
        .query(&mut redis)
        .unwrap();
    assert!(locks.is_empty(), "{locks:?}");

    // A token written by another language in the documented format is used.
    let other = AccessToken {
        access_token: "from-python".into(),
        token_type: "Bearer".into(),
        expires_at: now + 600,
    };
    let other_key = TokenKey::new(common::SERVER, TOKEN_URL, "other-scope");
    let json = format!(
        r#"{{"access_token":"from-python","token_type":"Bearer","expires_at":{}}}"#,
        now + 600
    );
    let _: () = redis::cmd("SET")
        .arg(format!("ishare-jwt:token:{}", a.cache_key(&other_key)))
        .arg(json)
        .query(&mut redis)
        .unwrap();
    let got = fetch_with_store(
        &mut a,
        &mut store_a,
        &mut common::rng(),
        &other_key,
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(got, other);
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn with_the_lock_only_one_instance_fetches() {
    let Some(server) = common::redis_server() else {
        return;
    };
    let (now, count) = (common::now(), AtomicUsize::new(0));
    let start = Arc::new(Barrier::new(4));
    let tokens: Vec<AccessToken> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (url, start, count) = (server.url(), start.clone(), &count);
                scope.spawn(move || {
                    let (mut manager, mut store) = instance(&url);
                    start.wait();
                    fetch_with_store(
                        &mut manager,
                        &mut store,
                        &mut common::rng(),
                        &key(),
                        now,
                        endpoint(count, Duration::from_millis(300)),
                    )
                    .unwrap()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(
        count.load(Ordering::SeqCst),
        1,
        "one request for four instances"
    );
    assert!(tokens.iter().all(|t| *t == tokens[0]), "{tokens:?}");
}

#[test]
fn a_failed_fetch_releases_the_lock() {
    let Some(server) = common::redis_server() else {
        return;
    };
    let now = common::now();
    let (mut a, mut store) = instance(&server.url());
    let refused = fetch_with_store(&mut a, &mut store, &mut common::rng(), &key(), now, |_| {
        Ok((400, br#"{"error":"invalid_client"}"#.to_vec()))
    })
    .unwrap_err();
    assert_eq!(refused.kind(), "token_endpoint");
    let mut redis = server.connection();
    let locks: Vec<String> = redis::cmd("KEYS")
        .arg("ishare-jwt:*")
        .query(&mut redis)
        .unwrap();
    assert!(locks.is_empty(), "nothing stored, no lock left: {locks:?}");
    // The next attempt does not wait for a lock.
    let (mut b, store_b) = instance(&server.url());
    let mut store_b = store_b.with_lock_wait(Duration::ZERO);
    let count = AtomicUsize::new(0);
    fetch_with_store(
        &mut b,
        &mut store_b,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[test]
fn a_redis_that_is_down_only_costs_a_request() {
    let Some(mut server) = common::redis_server() else {
        return;
    };
    let url = server.url();
    server.stop();
    let (now, count) = (common::now(), AtomicUsize::new(0));
    let (mut a, mut store_a) = instance(&url);
    let (mut b, mut store_b) = instance(&url);
    let first = fetch_with_store(
        &mut a,
        &mut store_a,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    let second = fetch_with_store(
        &mut b,
        &mut store_b,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(
        (first.access_token.as_str(), second.access_token.as_str()),
        ("token-1", "token-2")
    );
    // Each instance still caches its own.
    fetch_with_store(
        &mut a,
        &mut store_a,
        &mut common::rng(),
        &key(),
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 2);

    // Back up: the store works again through the same client.
    server.start();
    let (mut c, mut store_c) = instance(&url);
    let other = TokenKey::new(common::SERVER, TOKEN_URL, "again");
    fetch_with_store(
        &mut a,
        &mut store_a,
        &mut common::rng(),
        &other,
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    fetch_with_store(
        &mut c,
        &mut store_c,
        &mut common::rng(),
        &other,
        now,
        endpoint(&count, Duration::ZERO),
    )
    .unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 3);
}
