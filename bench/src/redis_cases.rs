//! Verification with the replay record in Redis (`ishare_jwt_redis`, one
//! loopback redis-server started here) beside the in-process replay cache,
//! both with the warm chain cache, measured in the same run.
//!
//! A replayed token is refused, so every measured verification needs a token
//! not seen before. Signing one per iteration would measure signing, so both
//! rows verify a pool of [`POOL`] tokens signed once, and start a fresh replay
//! record space each time they wrap around the pool: a new in-process cache,
//! or a new Redis key prefix (a new store, which connects on its first
//! command). That restart happens inside the timed region, once every
//! [`POOL`] verifications, for both rows alike.

use std::cell::{Cell, RefCell};
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use ishare_jwt::{ChainCache, ReplayCache, VerifierCaches};
use ishare_jwt_redis::RedisReplayStore;

use crate::measure::{Measurement, measure};
use crate::rust_cases::{CLIENT, NOW, SERVER, rng, signer, verifier};

/// Tokens signed once and verified in turn.
pub const POOL: usize = 2000;

/// A redis-server on a free loopback port, without persistence; killed on drop.
struct RedisServer {
    child: Child,
    port: u16,
}

impl RedisServer {
    /// Starts one and waits until it answers; `Err` says why it could not.
    fn start() -> Result<RedisServer, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    "redis-server missing".to_string()
                } else {
                    format!("redis-server did not start: {e}")
                }
            })?;
        let mut server = RedisServer { child, port };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answered = server
                .client()
                .and_then(|client| client.get_connection())
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if answered.is_ok() {
                return Ok(server);
            }
            if Instant::now() > deadline || server.child.try_wait().ok().flatten().is_some() {
                return Err(format!("redis-server did not answer on port {port}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn client(&self) -> redis::RedisResult<redis::Client> {
        redis::Client::open(format!("redis://127.0.0.1:{}/", self.port))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The two rows, in-process first, or why Redis could not be measured.
pub fn replay_store(seconds: f64) -> Result<[(String, Measurement); 2], String> {
    let server = RedisServer::start()?;
    let signer = signer("client-eori", CLIENT);
    let pool: Vec<String> = (0..POOL)
        .map(|_| {
            signer
                .client_assertion(&mut rng(), SERVER, NOW)
                .expect("sign")
        })
        .collect();
    let verifier = verifier();

    let caches = RefCell::new(VerifierCaches {
        replay: Some(ReplayCache::with_issuer_share(POOL, 1.0).expect("replay cache")),
        chains: ChainCache::default(),
    });
    let next = Cell::new(0usize);
    let in_process = measure(seconds, || {
        let i = next.get();
        next.set(i + 1);
        if i > 0 && i.is_multiple_of(POOL) {
            caches.borrow_mut().replay =
                Some(ReplayCache::with_issuer_share(POOL, 1.0).expect("replay cache"));
        }
        verifier
            .verify_shared(&pool[i % POOL], NOW, None, &caches)
            .expect("verify");
    });

    let client = server.client().map_err(|e| format!("redis client: {e}"))?;
    let store_for = |pass: usize| RedisReplayStore::new(client.clone(), &format!("bench:{pass}:"));
    let chains = RefCell::new(VerifierCaches {
        replay: None,
        chains: ChainCache::default(),
    });
    let mut store = store_for(0);
    let next = Cell::new(0usize);
    let in_redis = measure(seconds, || {
        let i = next.get();
        next.set(i + 1);
        if i > 0 && i.is_multiple_of(POOL) {
            store = store_for(i / POOL);
        }
        verifier
            .verify_shared_with_store(&pool[i % POOL], NOW, None, &chains, &mut store)
            .expect("verify");
    });
    drop(server);
    Ok([
        (
            format!(
                "ours: full verify, warm chain cache, replay cache in-process (Rust; pool of {POOL} pre-signed tokens, fresh cache per pass)"
            ),
            in_process,
        ),
        (
            format!(
                "ours: full verify, warm chain cache, replay store in Redis (Rust, `RedisReplayStore`, loopback redis-server; pool of {POOL} pre-signed tokens, fresh key prefix per pass)"
            ),
            in_redis,
        ),
    ])
}
