//! A real redis-server for the tests, started on a free port and stopped
//! when dropped (also when a test fails), and the repository's test PKI.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers fail by panicking

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ishare_jwt::{Signer, TrustAnchor, Verifier};

/// The demo client of the repository PKI.
pub const CLIENT: &str = "EU.EORI.NL000000101";
/// The demo server (the assertions' audience).
pub const SERVER: &str = "EU.EORI.NL000000100";

/// One redis-server process; killed on drop.
pub struct RedisServer {
    port: u16,
    child: Option<Child>,
}

/// A fresh redis-server, or `None` (after a loud message) when none is
/// installed; under `CI=true` a missing redis-server fails the test.
pub fn redis_server() -> Option<RedisServer> {
    match Command::new("redis-server")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
    {
        Ok(_) => {}
        Err(error) => {
            if std::env::var("CI").is_ok_and(|ci| ci == "true") {
                panic!("redis-server is needed under CI=true and cannot run: {error}");
            }
            // Past the test harness's capture, so that the skip shows.
            let _ = writeln!(
                std::io::stderr(),
                "\n!!!!!!!! SKIPPED: redis-server cannot run ({error}); \
                 install it (apt-get install redis-server) to run the Redis tests !!!!!!!!\n"
            );
            return None;
        }
    }
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut server = RedisServer { port, child: None };
    server.start();
    Some(server)
}

impl RedisServer {
    /// `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A client of this server.
    pub fn client(&self) -> redis::Client {
        redis::Client::open(self.url()).unwrap()
    }

    /// A connection for the test's own look at the keys.
    pub fn connection(&self) -> redis::Connection {
        self.client().get_connection().unwrap()
    }

    /// Starts (again, on the same port) and waits until it answers.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "redis-server already running");
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let answered = self
                .client()
                .get_connection()
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if answered.is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "redis-server did not answer in 10 s"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops it and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while TcpStream::connect(("127.0.0.1", self.port)).is_ok() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The time now, Unix seconds: Redis expires keys by its own clock.
pub fn now() -> i64 {
    i64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// The operating system's RNG.
pub fn rng() -> impl rand_core::CryptoRng {
    rand_core::UnwrapErr(getrandom::SysRng)
}

fn pki_text(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../testdata/pki")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// The root's SHA-256 fingerprint (hex).
pub fn root_sha256() -> String {
    pki_text("root-ca.sha256").trim().to_string()
}

/// The demo client's signer.
pub fn signer() -> Signer {
    Signer::from_pem(
        pki_text("client-eori.key.pem"),
        &pki_text("client-eori.chain.pem"),
        CLIENT,
    )
    .unwrap()
}

/// A verifier of assertions to the demo server, trusting the test root.
pub fn verifier() -> Verifier {
    Verifier::new(
        SERVER,
        vec![TrustAnchor::from_sha256_hex(&root_sha256()).unwrap()],
    )
    .unwrap()
}

/// An assertion of the demo client to the demo server issued at `now`.
pub fn assertion(signer: &Signer, jti: &str, now: i64) -> String {
    signer
        .client_assertion_with_jti(&mut rng(), SERVER, now, jti)
        .unwrap()
}
