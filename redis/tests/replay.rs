//! The Redis replay store against a real redis-server: one key per
//! accepted token, living as long as the token; each token accepted once
//! across processes; a Redis that cannot answer refuses tokens.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use std::collections::HashSet;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ishare_jwt_redis::{DEFAULT_PREFIX, RedisReplayStore};

#[test]
fn one_verification_leaves_one_key_living_as_long_as_the_token() {
    let Some(server) = common::redis_server() else {
        return;
    };
    let mut store = RedisReplayStore::new(server.client(), DEFAULT_PREFIX);
    let (signer, verifier, now) = (common::signer(), common::verifier(), common::now());
    let token = common::assertion(&signer, "one-key", now);
    let assertion = verifier
        .verify_with_store(&token, now, None, &mut store)
        .unwrap();

    let mut redis = server.connection();
    let keys: Vec<String> = redis::cmd("KEYS").arg("*").query(&mut redis).unwrap();
    let expected = format!("ishare-jwt:replay:{}", assertion.replay_key);
    assert_eq!(keys, std::slice::from_ref(&expected));
    assert_eq!(store.key(&assertion.replay_key), expected);
    let ttl: i64 = redis::cmd("TTL").arg(&expected).query(&mut redis).unwrap();
    let lifetime = assertion.replay_until - now;
    assert!(
        (lifetime - 1..=lifetime + 1).contains(&ttl),
        "TTL {ttl}, expected {lifetime} ± 1"
    );

    let again = verifier
        .verify_with_store(&token, now, None, &mut store)
        .unwrap_err();
    assert_eq!(again.kind(), "replay");
}

#[test]
fn four_processes_accept_each_of_fifty_tokens_once() {
    let Some(server) = common::redis_server() else {
        return;
    };
    let (signer, now) = (common::signer(), common::now());
    let tokens: Vec<String> = (0..50)
        .map(|i| common::assertion(&signer, &format!("race-{i}"), now))
        .collect();
    let example = example_binary();
    let outputs: Vec<String> = match &example {
        Some(binary) => {
            let children: Vec<_> = (0..4)
                .map(|p| {
                    let mut order = tokens.clone();
                    order.rotate_left(p * 12);
                    Command::new(binary)
                        .arg(server.url())
                        .arg(common::SERVER)
                        .arg(common::root_sha256())
                        .arg(now.to_string())
                        .args(&order)
                        .stdout(Stdio::piped())
                        .spawn()
                        .unwrap()
                })
                .collect();
            children
                .into_iter()
                .flat_map(|child| {
                    let out = child.wait_with_output().unwrap();
                    String::from_utf8(out.stdout)
                        .unwrap()
                        .lines()
                        .map(String::from)
                        .collect::<Vec<_>>()
                })
                .collect()
        }
        None => {
            eprintln!("verify_once example not built: racing 4 threads instead of 4 processes");
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..4)
                    .map(|p| {
                        let (tokens, client) = (&tokens, server.client());
                        scope.spawn(move || {
                            let verifier = common::verifier();
                            let mut store = RedisReplayStore::new(client, DEFAULT_PREFIX);
                            let mut order = tokens.clone();
                            order.rotate_left(p * 12);
                            order
                                .iter()
                                .map(|t| {
                                    match verifier.verify_with_store(t, now, None, &mut store) {
                                        Ok(a) => format!("accepted {}", a.replay_key),
                                        Err(e) => format!("error: {}: {e}", e.kind()),
                                    }
                                })
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap())
                    .collect()
            })
        }
    };
    assert_eq!(outputs.len(), 200, "{outputs:?}");
    let accepted: Vec<&str> = outputs
        .iter()
        .filter_map(|line| line.strip_prefix("accepted "))
        .collect();
    assert_eq!(accepted.len(), 50, "{outputs:?}");
    assert_eq!(accepted.iter().collect::<HashSet<_>>().len(), 50);
    let replays = outputs
        .iter()
        .filter(|line| line.starts_with("error: replay: "))
        .count();
    assert_eq!(replays, 150, "{outputs:?}");
    let mut redis = server.connection();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("ishare-jwt:replay:*")
        .query(&mut redis)
        .unwrap();
    assert_eq!(keys.len(), 50);
}

#[test]
fn a_stopped_redis_refuses_tokens_and_a_restarted_one_accepts_them_once() {
    let Some(mut server) = common::redis_server() else {
        return;
    };
    let mut store = RedisReplayStore::new(server.client(), DEFAULT_PREFIX);
    let (signer, verifier, now) = (common::signer(), common::verifier(), common::now());
    verifier
        .verify_with_store(
            &common::assertion(&signer, "before", now),
            now,
            None,
            &mut store,
        )
        .unwrap();

    server.stop();
    let error = verifier
        .verify_with_store(
            &common::assertion(&signer, "during", now),
            now,
            None,
            &mut store,
        )
        .unwrap_err();
    assert_eq!(error.kind(), "replay_store");
    let message = error.to_string();
    assert!(
        message.contains("Redis replay store at 127.0.0.1:"),
        "{message}"
    );

    server.start();
    let token = common::assertion(&signer, "after", now);
    verifier
        .verify_with_store(&token, now, None, &mut store)
        .unwrap();
    let again = verifier
        .verify_with_store(&token, now, None, &mut store)
        .unwrap_err();
    assert_eq!(again.kind(), "replay");
}

#[test]
fn a_redis_that_does_not_answer_refuses_within_the_timeout() {
    // Accepts connections, never answers: no redis-server needed.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("redis://{}/", silent.local_addr().unwrap());
    let mut store = RedisReplayStore::new(redis::Client::open(url).unwrap(), "other:")
        .with_timeout(Duration::from_millis(300));
    let (signer, verifier, now) = (common::signer(), common::verifier(), common::now());
    let started = Instant::now();
    let error = verifier
        .verify_with_store(
            &common::assertion(&signer, "silent", now),
            now,
            None,
            &mut store,
        )
        .unwrap_err();
    assert_eq!(error.kind(), "replay_store");
    assert!(error.to_string().contains("keys other:replay:"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

/// `target/<profile>/examples/verify_once`, which `cargo test` builds with
/// the tests (not when run with `--test NAME` alone).
fn example_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let binary = profile_dir
        .join("examples")
        .join(format!("verify_once{}", std::env::consts::EXE_SUFFIX));
    binary.is_file().then_some(binary)
}
